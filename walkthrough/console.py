"""What `explain` shows, as data: rich renderables for a terminal, plain text for a pipe, JSON. No printing.

Upstream text (code, doc comments) is never interpreted: it goes into `rich.text.Text` or
`rich.syntax.Syntax` objects, never through markup or emoji codes, and `visible()` first replaces
control, invisible and bidirectional characters by `<U+XXXX>` (Trojan Source, escape sequences).
rich is imported only by `renderable()`: a piped `explain` pays for none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType

    from walkthrough.models import Pin, Symbol

SHOWN_LINKS = 8
"""How many references / referenced-by ids are listed before "and N more"."""

_KEEP = frozenset("\n\t")


def visible(text: str) -> str:
    """`text` with control, format (bidi, zero-width) and separator characters shown as `<U+XXXX>`."""
    if text.replace("\n", "").replace("\t", "").isprintable():  # the usual case, at C speed
        return text
    # str.isprintable is False for Cc, Cf (bidi controls, zero-width), Cs, Co, Cn, Zl, Zp.
    return "".join(ch if ch in _KEEP or ch.isprintable() else f"<U+{ord(ch):04X}>" for ch in text)


@dataclass(frozen=True)
class Explanation:
    """Everything `explain` says about one symbol; `code` is the whole lines start_line..end_line."""

    symbol: Symbol
    pin: Pin
    code: str
    references: list[str] = field(default_factory=list)
    referenced_by: list[str] = field(default_factory=list)
    chapters: list[str] = field(default_factory=list)
    python: list[str] = field(default_factory=list)

    @property
    def permalink(self) -> str:
        return self.pin.permalink(self.symbol.path, self.symbol.start_line, self.symbol.end_line)

    @property
    def location(self) -> str:
        s = self.symbol
        return f"{s.path}:{s.start_line}-{s.end_line} at {self.pin.label}"

    def to_json(self, *, code: bool = True) -> dict[str, Any]:
        """The `--json` object (upstream text verbatim: JSON escapes it)."""
        s = self.symbol
        return {
            "id": s.id,
            "upstream": s.upstream,
            "path": s.path,
            "kind": s.kind.value,
            "start_line": s.start_line,
            "end_line": s.end_line,
            "doc_start_line": s.doc_start_line,
            "permalink": self.permalink,
            "code": self.code if code else None,
            "references": self.references,
            "referenced_by": self.referenced_by,
            "chapters": self.chapters,
            "python": self.python,
        }


def _some(ids: list[str], limit: int = SHOWN_LINKS) -> list[str]:
    shown = ids[:limit]
    if len(ids) > limit:
        shown.append(f"and {len(ids) - limit} more")
    return shown


def plain_text(ex: Explanation, *, code: bool = True) -> str:
    """The explanation for a pipe or a dumb terminal: no colour, no boxes, upstream text made visible."""
    s = ex.symbol
    lines = [f"{s.kind.value} {s.id}", ex.location, ex.permalink]
    if s.doc:
        lines += ["", *visible(s.doc).splitlines()]
    if code:
        width = len(str(s.end_line))
        lines.append("")
        lines += [
            f"{n:>{width}}  {line}" for n, line in enumerate(visible(ex.code).split("\n"), s.start_line)
        ]
    for title, items in (
        ("references", ex.references),
        ("referenced by", ex.referenced_by),
        ("chapters", ex.chapters),
        ("python", ex.python),
    ):
        if items:
            lines += ["", f"{title} ({len(items)}):", *(f"  {x}" for x in _some(items))]
    return "\n".join(lines) + "\n"


def renderable(ex: Explanation, *, code: bool = True, theme: str = "ansi_dark") -> RenderableType:
    """As rich renderables: header, doc, highlighted code with upstream line numbers, links."""
    from rich.console import Group  # noqa: PLC0415 - rich only when a terminal prints
    from rich.text import Text  # noqa: PLC0415

    s = ex.symbol
    parts: list[Any] = [
        Text.assemble((s.kind.value, "bold magenta"), " ", (s.id, "bold")),
        Text.assemble((s.path, "cyan"), f":{s.start_line}-{s.end_line} at ", (ex.pin.label, "green")),
        Text(ex.permalink, style=f"link {ex.permalink}"),
    ]
    if s.doc:
        parts += [Text(""), Text(visible(s.doc), style="italic")]
    if code:
        from rich.syntax import Syntax  # noqa: PLC0415

        parts += [
            Text(""),
            Syntax(
                visible(ex.code),
                "go",
                theme=theme,
                line_numbers=True,
                start_line=s.start_line,
                word_wrap=False,
            ),
        ]
    for title, items in (
        ("references", ex.references),
        ("referenced by", ex.referenced_by),
        ("chapters", ex.chapters),
        ("python", ex.python),
    ):
        if items:
            parts.append(Text(""))
            parts.append(Text.assemble((f"{title} ({len(items)}):", "bold")))
            parts += [Text("  " + x) for x in _some(items)]
    return Group(*parts)


def print_rich(ex: Explanation, *, code: bool = True) -> None:
    """Print the explanation on the terminal with rich (no markup, emoji or auto-highlighting of our text)."""
    from rich.console import Console  # noqa: PLC0415

    Console(highlight=False, emoji=False, markup=False, soft_wrap=True).print(renderable(ex, code=code))


def symbol_rows(symbols: list[Symbol]) -> list[tuple[str, str, str]]:
    """(kind, id, path:start-end) rows for `symbols` listings."""
    return [(s.kind.value, s.id, f"{s.path}:{s.start_line}-{s.end_line}") for s in symbols]
