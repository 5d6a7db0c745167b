"""walkthrough: read pinned upstream Go source with a verified, cross-linked guide beside it."""

__version__ = "0.1.0"
