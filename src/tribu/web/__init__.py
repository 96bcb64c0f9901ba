"""tribu.web."""
