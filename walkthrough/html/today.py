"""The Today strip of a card and the "Then and now" summary of a chapter, as views for the templates. Pure.

The finder (`walkthrough.check.today`) says where an excerpt's code lives in today's releases; this module
turns its answer into what a reader sees: the release as the pins title it, today's name when it changed,
the span with a permalink at the pinned commit, the size of the change and the diff lines.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from walkthrough.html.cards import ChapterToday, TodayView, diff_lines

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from walkthrough.check.today import Counterpart

FETCH_HINT = "walkthrough sources fetch --all"
BIGGEST = 3
"""How many of a chapter's largest changes its summary lists."""
ORDER = ("same", "changed", "moved", "renamed", "gone", "not tracked", "not imported")
"""Statuses in the order a summary counts them."""


def strip_view(
    found: Counterpart,
    anchor: str,
    titles: Mapping[str, str],
    searched: Sequence[str],
    permalink_of: Callable[[str], str],
) -> TodayView:
    """The strip of one card.

    `titles` maps release specs to their titles, `searched` lists the specs of the releases the finder
    looked in (named when nothing was found), `permalink_of` gives a today symbol's URL.
    """
    old_name = _qualname(found.symbol)
    new_name = _qualname(found.target) if found.target else ""
    looked_in = ", ".join(titles.get(spec, spec) for spec in searched)
    return TodayView(
        status=found.status.value,
        anchor=anchor,
        title=titles.get(found.release, found.release) if found.release else looked_in,
        target=found.target,
        name=new_name if new_name and new_name != old_name else "",
        span=found.span,
        permalink=found.permalink,
        added=found.added,
        removed=found.removed,
        score=found.score,
        via=found.via,
        reason=found.reason,
        where=found.where,
        candidates=tuple((c, score, permalink_of(c), _qualname(c)) for c, score in found.candidates),
        diff=tuple(diff_lines(found.diff)),
        hint=FETCH_HINT,
    )


def _qualname(symbol_id: str) -> str:
    """`k8s-apiserver@v0.36.3:pkg/endpoints.APIInstaller.Install` -> `APIInstaller.Install`."""
    return symbol_id.split(":", 1)[1].rsplit("/", 1)[-1].partition(".")[2].partition("@")[0]


def chapter_summary(found: Sequence[tuple[str, Counterpart]], titles: Sequence[str]) -> ChapterToday:
    """A chapter's summary from its `(card anchor, counterpart)` pairs: counts, and the largest changes."""
    if any(c.status.value == "not imported" for _, c in found):
        return ChapterToday((), (), len(found), hint=FETCH_HINT)
    counts = Counter(c.status.value for _, c in found)
    ordered = tuple((status, counts[status]) for status in ORDER if counts[status])
    changed = sorted(
        ((c.added + c.removed, anchor, c) for anchor, c in found if c.added or c.removed),
        key=lambda t: (-t[0], t[1]),
    )
    seen: set[str] = set()
    biggest = []
    for _, anchor, c in changed:
        if c.symbol in seen:  # a symbol quoted twice is one change
            continue
        seen.add(c.symbol)
        biggest.append((c.symbol, anchor, c.span, c.added, c.removed, c.permalink))
        if len(biggest) == BIGGEST:
            break
    return ChapterToday(tuple(titles), ordered, len(found), tuple(biggest))
