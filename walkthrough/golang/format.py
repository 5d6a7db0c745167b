"""The version of what a parse produces, importable without tree-sitter (the warm index path checks it)."""

FORMAT_VERSION = "goparse-7/tree-sitter-go-0.25.0"
"""Changes whenever the facts a parse produces change: it keys the persisted per-blob results."""
