"""Live parity families: one module per harness, each defining `FAMILY = LiveFamily(...)` (see the parent package)."""
