"""The volume-over-time histogram of the current result set."""
