"""The real `Provider` of check and drift: pins and locks from `snapshots/`, indexes and files from the cache."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walkthrough.sources.pins import git_blob_id, load_pins

if TYPE_CHECKING:
    from pathlib import Path

    from walkthrough.index.protocol import IndexLike


class SourcesProvider:
    """The real thing: pins and locks from `snapshots/`, indexes and files from the verified cache."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._indexes: dict[tuple[str, str | None], IndexLike] = {}
        self._locks: dict[str, Any] = {}

    def index(self, upstream: str, ref: str | None = None) -> IndexLike:
        """The index of `upstream` at the locked commit (or at `ref`), loaded once per run."""
        key = (upstream, ref)
        if key not in self._indexes:
            from walkthrough.index.reader import load_index  # noqa: PLC0415 - loaded on the first chapter that needs an index

            self._indexes[key] = load_index(upstream, ref=ref) if ref else load_index(upstream)
        return self._indexes[key]

    def locked_blob(self, upstream: str, path: str) -> str | None:
        """The blob id the lock records for `path`, or None if the lock does not list it."""
        if upstream not in self._locks:
            pins = load_pins(self.root)
            self._locks[upstream] = pins.load_lock(pins[upstream].pinned)
        entry = self._locks[upstream].entries.get(path)
        return entry.blob if entry is not None else None

    def blob_text(self, upstream: str, path: str, blob: str) -> bytes | None:
        """The bytes of `path` at `blob` from any verified cache entry, or None."""
        # Any complete cache entry of this upstream (an older lock, another release) may still hold the
        # old version of the file; accept it only if its bytes hash to the recorded blob.
        from walkthrough.sources.cache import MARKER, TREE, sources_dir  # noqa: PLC0415 - only a drifted blob looks in other cache entries

        base = sources_dir()
        if not base.is_dir():
            return None
        for entry in sorted(base.glob(f"{upstream}@*")):
            candidate = entry / TREE / path
            if (entry / MARKER).is_file() and candidate.is_file():
                data = candidate.read_bytes()
                if git_blob_id(data) == blob:
                    return data
        return None
