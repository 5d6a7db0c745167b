"""The sources layer: pinned upstream files in a verified cache, from GitHub (fetch) or a local copy (import).

Everything else reads upstream code only through `open_tree(name, ref)` and its `SourceTree`.
"""

from walkthrough.sources.cache import (
    Entry,
    SourceTree,
    VerifyReport,
    entry_name,
    find_entry,
    import_hint,
    open_release,
    open_tree,
    sources_dir,
    verify_tree,
)

__all__ = [
    "Entry",
    "SourceTree",
    "VerifyReport",
    "entry_name",
    "find_entry",
    "import_hint",
    "open_release",
    "open_tree",
    "sources_dir",
    "verify_tree",
]
