"""What the book, check and the site need of an index, and where check gets indexes from: one protocol each.

`walkthrough.index.reader.Index` is the real index; tests hand in fakes with the same methods.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from walkthrough.models import Pin, Symbol


class IndexLike(Protocol):
    """One upstream release: its pin, symbols, verified file bytes and resolved uses."""

    pin: Pin

    def lookup(self, symbol_id: str) -> Symbol:
        """The symbol with this id or short form (raises SymbolError with candidates)."""
        ...

    def get(self, symbol_id: str) -> Symbol | None:
        """The symbol with exactly this full id, or None (no guessing, no suggestions)."""
        ...

    def text(self, path: str) -> bytes:
        """The verified bytes of one upstream file."""
        ...

    def uses(self, path: str, start_byte: int, end_byte: int) -> list[Any]:
        """Identifier uses in a byte range of a file, each with the symbol id it resolves to (or None)."""
        ...

    def referenced_by(self, symbol_id: str) -> list[Any]:
        """The symbols whose code refers to `symbol_id`."""
        ...

    def package_files(self, pkgdir: str) -> list[str]:
        """Paths of a package directory's own Go files, sorted."""
        ...

    def declarations(self, pkgdir: str) -> list[Symbol]:
        """The package-level declarations of a package directory."""
        ...


Progress = Callable[[str, int, int], None]
"""`progress(label, done, total)`: how far a long step has come (building an index); done == total ends it.

The caller decides how to show it (the CLI draws a bar on a terminal); the step never prints.
"""

IndexFor = Callable[[str], IndexLike]
"""Upstream name → its index (loaded, never built by the caller)."""


class Provider(Protocol):
    """Where check and drift get indexes, locks and old file versions."""

    def index(self, upstream: str, ref: str | None = None) -> IndexLike:
        """The index of `upstream` at `ref` (None: the pinned release). Raises SourcesError when absent."""
        ...

    def locked_blob(self, upstream: str, path: str) -> str | None:
        """The blob id the pinned lock records for `path`, None when the path is not locked."""
        ...

    def blob_text(self, upstream: str, path: str, blob: str) -> bytes | None:
        """The bytes of `path` at `blob` if any cache entry still has them (for diffs against old text)."""
        ...
