"""tribu.triage."""
