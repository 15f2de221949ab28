"""Developer tools run by make (not part of the app)."""
