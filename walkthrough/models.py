"""The tool's data: pins, locks, symbols, excerpts and problems. Immutable, pure, no IO.

The records are `NamedTuple`s rather than frozen dataclasses: every `explain` imports this module,
and defining a frozen dataclass costs about five times as much as defining a named tuple (the
generated methods are compiled at import). They compare, hash and print like the dataclasses did.

Line numbers are 1-based and inclusive (as in editors and GitHub `#L` anchors); byte offsets are
0-based and end-exclusive (as in Python slices). Tree-sitter's 0-based rows are converted once,
in `goparse`.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class SymbolKind(str, Enum):
    """What a symbol declares; the words follow the chapter plan."""

    PACKAGE = "package"
    """A package clause (one per directory)."""
    FUNC = "func"
    """A package-level function."""
    METHOD = "method"
    """A method, with a pointer or value receiver."""
    STRUCT = "struct"
    """A named struct type."""
    INTERFACE = "interface"
    """A named interface type."""
    TYPE = "type"
    """Any other named type (func, slice, map, alias ...)."""
    FIELD = "field"
    """A struct field, addressable as `Type.Field`."""
    INTERFACE_METHOD = "interface_method"
    """A method listed in an interface, addressable as `Type.Method`."""
    CONST = "const"
    """A constant, one per name even in grouped specs."""
    VAR = "var"
    """A package-level variable, one per name even in grouped specs."""


class Pin(NamedTuple):
    """One upstream at one release: `kubernetes` at `v1.5.2`, commit `08e0995...`."""

    name: str
    repository: str
    tag: str
    commit: str

    @property
    def label(self) -> str:
        """`kubernetes@v1.5.2`: how reports and pages name the release."""
        return f"{self.name}@{self.tag}"

    def permalink(self, path: str, start_line: int | None = None, end_line: int | None = None) -> str:
        """GitHub URL of `path` at the pinned commit, with `#Lstart-Lend` when lines are given."""
        url = f"{self.repository.rstrip('/')}/blob/{self.commit}/{path}"
        if start_line is None:
            return url
        if end_line is None or end_line == start_line:
            return f"{url}#L{start_line}"
        return f"{url}#L{start_line}-L{end_line}"


class LockEntry(NamedTuple):
    """One locked file: its path in the upstream tree, git blob id and size in bytes."""

    path: str
    blob: str
    size: int


class Symbol(NamedTuple):
    """A declaration of a pinned tree, addressed by `id` (DESIGN.md's grammar).

    `name` is the local name (`Install`), `qualname` the name within the package
    (`APIInstaller.Install`), `receiver` the receiver's type name for methods, fields and
    interface methods. `doc_start_line`/`doc_start_byte` equal the start when there is no doc comment.
    `has_error` is true when tree-sitter reported ERROR or MISSING nodes inside the declaration.
    """

    id: str
    upstream: str
    path: str
    pkgdir: str
    package: str
    name: str
    qualname: str
    kind: SymbolKind
    start_line: int
    end_line: int
    start_byte: int
    end_byte: int
    doc_start_line: int
    doc_start_byte: int
    receiver: str | None = None
    doc: str = ""
    has_error: bool = False


class Use(NamedTuple):
    """An identifier or selector use inside a file, and the symbol id it resolves to (or None).

    `start_byte`/`end_byte` cover the identifier itself (for a selector `a.B`, just `B`).
    """

    path: str
    line: int
    start_byte: int
    end_byte: int
    name: str
    target: str | None = None


class Problem(NamedTuple):
    """Something wrong found by `check`, a build or a directive: `location` is `chapter.md:line`."""

    location: str
    message: str
    symbol: str | None = None
    hint: str | None = None
    detail: str = ""
    """Longer text, e.g. a unified diff of old and new excerpt text."""

    def __str__(self) -> str:
        head = f"{self.location}: {self.message}"
        if self.symbol:
            head += f" [{self.symbol}]"
        if self.hint:
            head += f"\n  hint: {self.hint}"
        return head + (f"\n{self.detail}" if self.detail else "")


class Note(NamedTuple):
    """A note anchored to one excerpt line by a text anchor inside the excerpt."""

    anchor: str
    text: str
    line: int
    """The upstream line the anchor resolved to."""


class Excerpt(NamedTuple):
    """The exact upstream text of a symbol's span, as a chapter quotes it.

    `text` is the span's bytes decoded as UTF-8 (doc comment included unless the directive said
    otherwise); `shown` lists the (first, last) upstream line ranges a focus keeps, in order, with
    elisions between them.
    """

    symbol: Symbol
    pin: Pin
    blob: str
    text: str
    start_line: int
    end_line: int
    shown: tuple[tuple[int, int], ...] = ()
    highlight: tuple[int, ...] = ()
    notes: tuple[Note, ...] = ()
    python: str | None = None
    """The paired model, `module:qualname`."""
    anchor_id: str = ""
    """The HTML anchor of the excerpt in its chapter (a directive's `id`, else derived from the symbol)."""
    caption: str = ""
    """The directive's caption, Markdown in our own words."""
    location: str = ""
    """`chapter.md:line` of the directive that quotes it (empty outside chapters)."""

    @property
    def permalink(self) -> str:
        """The excerpt's lines on GitHub at the pinned commit."""
        return self.pin.permalink(self.symbol.path, self.start_line, self.end_line)
