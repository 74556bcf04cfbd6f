"""pmokit."""
