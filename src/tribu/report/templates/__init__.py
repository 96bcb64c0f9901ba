"""Templates and style of the HTML report (the dashboard serves the same style)."""
