"""tribu.creators."""
