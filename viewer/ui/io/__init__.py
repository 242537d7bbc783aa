"""Getting archives in (import panel) and evidence out (export dialog)."""
