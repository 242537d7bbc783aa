"""Tags, notes, saved searches and events in the window."""
