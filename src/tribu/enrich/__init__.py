"""tribu.enrich."""
