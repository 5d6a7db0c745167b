"""Expand every directive of a chapter against the index: the one loop that check, snapshot, drift and the site share.

A chapter's run blocks are collected here too, as written (running them is `walkthrough.book.runs`'s, and each
caller decides when). An excerpt directive ends in one of three ways: resolved (its excerpt), failed (its
problems, each at `chapter.md:line`), or unavailable (its upstream's sources are missing or unverifiable). The
first unavailable directive of an upstream records why, and the others of that upstream are not tried again:
one missing release costs one error, not one per excerpt. What to do about an unavailable upstream is the
caller's: `check` reports it as unchecked (exit 3), a site build stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from walkthrough.book.directives import ChapterExcerpt, Directive, RunDirective, expand_directive, scan
from walkthrough.errors import DirectiveError, SourcesError, WalkthroughError
from walkthrough.models import Problem
from walkthrough.paths import chapters_dir

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from walkthrough.index.protocol import IndexFor


@dataclass
class ExpandedChapter:
    """One chapter after expansion: every directive in order, with its excerpt or None, and what went wrong."""

    file: str
    text: str
    directives: list[Directive] = field(default_factory=list)
    resolved: list[ChapterExcerpt | None] = field(default_factory=list)
    """Parallel to `directives`: the excerpt, or None where the directive failed or its sources are unavailable."""
    problems: list[Problem] = field(default_factory=list)
    """Syntax problems of the chapter and the problems of each failed directive."""
    failed: list[Directive] = field(default_factory=list)
    """Directives that did not resolve (their problems are in `problems`)."""
    unavailable: list[Directive] = field(default_factory=list)
    """Directives not expanded because their upstream's sources could not be read."""
    runs: list[RunDirective] = field(default_factory=list)
    """The chapter's run blocks whose syntax and command are fine, in chapter order (not run yet)."""
    broken: list[str] = field(default_factory=list)
    """Anchor ids of blocks that did not parse: a syntax problem, so their records are not reported as gone."""

    @property
    def excerpts(self) -> list[ChapterExcerpt]:
        """The resolved excerpts, in chapter order."""
        return [r for r in self.resolved if r is not None]


def chapter_files(root: Path) -> list[tuple[str, Path]]:
    """`(name relative to chapters/, path)` of every chapter, sorted, so reports are stable."""
    base = chapters_dir(root)
    if not base.is_dir():
        return []
    return [(p.relative_to(base).as_posix(), p) for p in sorted(base.rglob("*.md"))]


def expand_chapter(
    text: str, file: str, index_for: IndexFor, unavailable: dict[str, tuple[Directive, SourcesError]],
    *, static_pairs: Mapping[str, Sequence[str]] | None = None,
) -> ExpandedChapter:
    """Scan and expand one chapter; `unavailable` (upstream → first directive and error) is shared across chapters.

    `static_pairs`: Python pairs the static `@mirrors` scan confirms are not imported (`expand_directive`).
    """
    found = scan(text, file)
    out = ExpandedChapter(file, text, found.excerpts, problems=list(found.problems), runs=found.runs,
                          broken=found.broken)
    for d in found.excerpts:
        result: ChapterExcerpt | None = None
        if d.upstream in unavailable:
            out.unavailable.append(d)
        else:
            try:
                result = expand_directive(d, index_for, static_pairs=static_pairs)
            except SourcesError as exc:
                unavailable[d.upstream] = (d, exc)
                out.unavailable.append(d)
            except DirectiveError as exc:
                out.problems.extend(exc.problems)
                out.failed.append(d)
            except WalkthroughError as exc:  # an upstream no pin names, an unreadable index or model: this one's
                out.problems.append(Problem(d.location, exc.message, symbol=d.symbol, hint=exc.hint))
                out.failed.append(d)
        out.resolved.append(result)
    return out
