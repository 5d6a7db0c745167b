"""Page-independent links: `wt-sym:`/`wt-page:` hrefs in fragments, rewritten per page by `fix_refs` (autorefs' way).

A card's HTML links identifiers to symbol ids, not URLs, so one rendering serves every page it appears
on; `fix_refs` asks a mapper for each page's URL. Index uses (byte offsets in a file) become
character-offset links within an excerpt here too.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import escape

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

SYM_SCHEME = "wt-sym:"
"""href prefix of a link to a symbol, resolved per page by `fix_refs`."""
PAGE_SCHEME = "wt-page:"
"""href prefix of a link to a docs file (`chapter.md#frag`), resolved per page by `fix_refs`."""


@dataclass(frozen=True)
class CodeLink:
    """A link over `text[start:end]` of an excerpt (character offsets), to a symbol id."""

    start: int
    end: int
    target: str


def links_from_uses(text: str, text_start_byte: int, uses: Iterable[Any]) -> list[CodeLink]:
    """Index uses (byte offsets in the file) → character-offset links within an excerpt `text`.

    `text_start_byte` is the file byte offset where `text` begins. Uses without a target are skipped:
    a missing link is acceptable, a wrong one is not.
    """
    if text.isascii():  # the common case: byte offsets are character offsets
        n = len(text)
        return [
            CodeLink(use.start_byte - text_start_byte, use.end_byte - text_start_byte, use.target)
            for use in uses
            if use.target and 0 <= use.start_byte - text_start_byte <= n and 0 <= use.end_byte - text_start_byte <= n
        ]
    encoded = text.encode()
    char_of_byte: dict[int, int] = {}
    b = 0
    for c, ch in enumerate(text):
        char_of_byte[b] = c
        b += len(ch.encode())
    char_of_byte[b] = len(text)
    links = []
    for use in uses:
        if not use.target:
            continue
        s, e = use.start_byte - text_start_byte, use.end_byte - text_start_byte
        if s < 0 or e > len(encoded) or s not in char_of_byte or e not in char_of_byte:
            continue
        links.append(CodeLink(char_of_byte[s], char_of_byte[e], use.target))
    return links


_QUALIFIER = re.compile(r"([^\W\d]\w*)\.\Z")


def qualifier_links(text: str, links: Sequence[CodeLink], package_of: Callable[[str], str | None]) -> list[CodeLink]:
    """Links of the package qualifiers in `text`: `api` in `api.Pod` → the package of `api.Pod`'s target.

    `package_of(target)` names the package id (`kubernetes:pkg/api`) of a package-level symbol of *another*
    package than the excerpt's, else None. Go reaches such a symbol only through its package's name (or an
    import alias), so the identifier before the dot is that package, whatever it is called.
    """
    out = []
    for link in links:
        package = package_of(link.target)
        if package is None:
            continue
        match = _QUALIFIER.search(text, max(0, link.start - 64), link.start)
        if match is not None:
            out.append(CodeLink(match.start(1), match.end(1), package))
    return out


def line_start_byte(data: bytes, line: int) -> int:
    """Byte offset where 1-based `line` starts in `data`."""
    pos = 0
    for _ in range(line - 1):
        pos = data.index(b"\n", pos) + 1
    return pos


_REF = re.compile(r'href="(wt-sym:|wt-page:)([^"]*)"')


def fix_refs(text: str, url_for: Callable[[str, str], str | None]) -> tuple[str, list[str]]:
    """Rewrite `wt-sym:`/`wt-page:` hrefs with `url_for(scheme, target)`; return the HTML and unresolved targets.

    An unresolved target keeps no href (the text stays, the link goes), and is reported so the caller
    can warn (and `--strict` fail).
    """
    missing: list[str] = []

    def swap(match: re.Match[str]) -> str:
        scheme, target = match.group(1), html.unescape(match.group(2))
        url = url_for(scheme, target)
        if url is None:
            missing.append(scheme + target)
            return 'data-missing="true"'
        return f'href="{escape(url)}"'

    return _REF.sub(swap, text), missing
