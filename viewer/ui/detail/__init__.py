"""The detail pane: one whole post, its media, provenance, tags and notes."""
