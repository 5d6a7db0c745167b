"""Code → one HTML string per line: tokens classed (Go by `golex`, Python by Pygments), escaped, links overlaid.

Upstream text never passes through Markdown or a template as template source: each token is escaped
with `markupsafe`, hidden characters become visible markers (`walkthrough.html.escape`), and links from
the index wrap whole pieces (never nested).
"""

from __future__ import annotations

import bisect
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from markupsafe import Markup, escape

from walkthrough.html import golex
from walkthrough.html.escape import escape_visible
from walkthrough.html.links import SYM_SCHEME, CodeLink

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

@cache
def python_lexer() -> Any:
    """Pygments' Python lexer, created once."""
    from pygments.lexers.python import PythonLexer  # noqa: PLC0415

    # No newline stripping or adding: token offsets must be offsets into the exact source text.
    return PythonLexer(stripnl=False, ensurenl=False, tabsize=0)


Language = Literal["go", "python"]


def classed_tokens(text: str, language: Language) -> Iterator[tuple[int, str, str]]:
    """(offset, Pygments short class, text) of every token: Go by the tool's own lexer, Python by Pygments."""
    if language == "go":
        return golex.tokens(text)
    return ((pos, _token_class(ttype), value) for pos, ttype, value in python_lexer().get_tokens_unprocessed(text))


@cache
def _token_class(ttype: Any) -> str:
    """Pygments' short CSS class for a token type (`k`, `nf`, `c1` ...), which Material's theme colours."""
    from pygments.token import STANDARD_TYPES  # noqa: PLC0415

    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return str(STANDARD_TYPES[ttype])


_UNSTYLED = frozenset({"w", "nx", "x"})
"""Pygments classes Material's code theme leaves uncoloured (whitespace, Go's plain identifiers)."""


def highlight_lines(text: str, language: Language, links: Sequence[CodeLink] = ()) -> list[Markup]:
    r"""`text` as one HTML string per line (split on `\n` only), tokens classed, links as `wt-sym:` hrefs.

    Splits on `\n` alone (not `str.splitlines`, which also splits on U+2028, form feeds and others) so
    that line numbers match upstream's and every other character stays on its line, visibly. Links are
    applied in order of their start; one overlapping an earlier link is dropped (never nested).
    """
    spans: list[CodeLink] = []
    for link in sorted(links, key=lambda lk: (lk.start, lk.end)):
        if 0 <= link.start < link.end <= len(text) and (not spans or link.start >= spans[-1].end):
            spans.append(link)
    starts = [lk.start for lk in spans]
    lines: list[Markup] = []
    out: list[str] = []

    def add(cls: str, seg: str, link: CodeLink | None) -> None:
        nonlocal out
        for i, part in enumerate(seg.split("\n")):
            if i:
                lines.append(Markup("".join(out)))
                out = []
            if part:
                out.append(_piece(cls, part, link))

    # Runs of one class are merged, and classes the theme does not colour get no span at all: fewer tags
    # make pages lighter for browsers and for the search indexer, which parses every page's HTML.
    run_start, run_cls = 0, ""
    expected = 0
    for pos, token_class, value in classed_tokens(text, language):
        cls = "" if token_class in _UNSTYLED else token_class
        if pos != expected:  # a lexer that skipped text: show the gap unclassed rather than lose it
            _add_linked(add, text, run_start, expected, run_cls, spans, starts)
            run_start, run_cls = expected, ""
        if cls != run_cls:
            _add_linked(add, text, run_start, pos, run_cls, spans, starts)
            run_start, run_cls = pos, cls
        expected = pos + len(value)
    _add_linked(add, text, run_start, expected, run_cls, spans, starts)
    if expected < len(text):
        _add_linked(add, text, expected, len(text), "", spans, starts)
    lines.append(Markup("".join(out)))
    return lines


def _add_linked(
    add: Callable[[str, str, CodeLink | None], None],
    text: str,
    start: int,
    end: int,
    cls: str,
    spans: list[CodeLink],
    starts: list[int],
) -> None:
    """Feed `text[start:end]` to `add` in pieces that are each wholly inside one link or outside all."""
    p = start
    while p < end:
        k = bisect.bisect_right(starts, p) - 1
        if k >= 0 and spans[k].end > p:
            q, link = min(end, spans[k].end), spans[k]
        else:
            q, link = (min(end, spans[k + 1].start) if k + 1 < len(spans) else end), None
        add(cls, text[p:q], link)
        p = q


def _piece(cls: str, part: str, link: CodeLink | None) -> str:
    """One run of same-class text on one line: escaped, hidden characters made visible, maybe linked."""
    inner = str(escape(part)) if part.replace("\t", " ").isprintable() else str(escape_visible(part))
    if cls:
        inner = f'<span class="{cls}">{inner}</span>'
    if link is not None:
        target = escape(link.target)
        inner = f'<a class="wt-ref" href="{SYM_SCHEME}{target}" data-sym="{target}">{inner}</a>'
    return inner
