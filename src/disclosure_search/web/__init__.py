"""Web stage: the Flask site, JSON API and feeds."""
