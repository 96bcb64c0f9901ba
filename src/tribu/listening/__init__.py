"""tribu.listening."""
