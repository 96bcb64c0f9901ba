"""Static files of the dashboard (served behind the token by tribu.web.pages)."""
