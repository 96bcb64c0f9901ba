"""tribu.demo."""
