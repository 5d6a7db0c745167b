"""The theme's frame around generated pages: one page rendered by the theme, reused for a thousand bodies.

A symbol page needs what every page of the site has (header, search, navigation, palette toggle, the theme's
scripts), but running the theme's templates for each of 1,400 pages would cost more than the rest of the
build. So the theme renders one page, whose title and body are markers, and every symbol page is that page
with its own title and body put in. The frame's relative links are written for its own place in the site;
`Frame.page` moves them to the depth of each page (computed once per depth). Pure: strings in, string out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import escape

TITLE = "@@WT-TITLE@@"
"""What the frame page is titled, to be replaced by each page's title."""
BODY = "@@WT-BODY@@"
"""What the frame page holds, to be replaced by each page's body."""

_RELATIVE = re.compile(r'(\s(?:href|src)=")(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"]*)"')
"""An attribute holding a relative URL (no scheme, not absolute, not a bare fragment)."""
_BASE = re.compile(r'("(?:base|search)":\s*"|new URL\(")([^"]*)"')
"""Material's site root as its scripts read it: the `__config` base and the local-storage scope."""


@dataclass
class Frame:
    """The theme's page split around its title and body, written for a page `depth` folders below the root."""

    html: str
    depth: int
    _by_depth: dict[int, tuple[str, str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.html.count(BODY) != 1:
            msg = f"the frame page must hold its body marker exactly once (found {self.html.count(BODY)})"
            raise ValueError(msg)

    def page(self, title: str, body: str, depth: int) -> str:
        """A whole page `depth` folders below the site root (`symbols/a/b/` is 3) with this title and body."""
        if depth not in self._by_depth:
            head, _, tail = rebase(self.html, depth - self.depth).partition(BODY)
            self._by_depth[depth] = (head, tail)
        head, tail = self._by_depth[depth]
        safe = str(escape(title))
        return head.replace(TITLE, safe) + body + tail.replace(TITLE, safe)


def rebase(html: str, levels: int) -> str:
    """Relative URLs of `html` as seen from `levels` folders deeper (or shallower when negative)."""
    if levels == 0:
        return html

    def move(url: str) -> str:
        if levels > 0:
            return "../" * levels + url if url not in ("", ".", "./") else "../" * levels
        parts = url.split("/")
        drop = -levels
        if parts[:drop] != [".."] * drop:
            msg = f"cannot move {url!r} {drop} level(s) up"
            raise ValueError(msg)
        return "/".join(parts[drop:]) or "./"

    html = _RELATIVE.sub(lambda m: f'{m.group(1)}{move(m.group(2))}"', html)
    return _BASE.sub(lambda m: f'{m.group(1)}{move(m.group(2)).rstrip("/") or "."}"', html)


def depth_of(url: str) -> int:
    """How many folders below the site root a page URL is (`symbols/a/B/` → 3, `symbols/a/B.html` → 2)."""
    return url.count("/")
