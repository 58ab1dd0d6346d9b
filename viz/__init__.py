"""Graph views -> interactive HTML (vis-network via pyvis; the only package importing pyvis)."""
