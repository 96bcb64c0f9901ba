"""tribu.connectors."""
