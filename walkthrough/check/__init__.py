"""`check`, `snapshot update` and `drift`: the book against sources and snapshots; returns, never prints."""
