"""Symbol + file bytes + Pin -> Excerpt: the exact upstream text a chapter quotes. Pure, no IO.

An excerpt is whole upstream lines, from the doc comment (or the declaration, with `doc=False`) to
the declaration's last line: no tab expansion, no trimming, no re-indentation. Whole lines, not the
declaration's bytes, so that a const inside a grouped block keeps its leading tab like the lines
around it, and line numbers stay upstream's.

Anchors are plain substrings of one excerpt line. A focus keeps only some line ranges (chosen by
anchors, never by numbers, so that they follow the code when it moves); `iter_display` yields the
shown lines and the elision markers between them, for any renderer.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from walkthrough.errors import AnchorError, InputError
from walkthrough.models import Excerpt, Note
from walkthrough.sources.pins import git_blob_id

if TYPE_CHECKING:
    from collections.abc import Iterator

    from walkthrough.models import Pin, Symbol


@dataclass(frozen=True)
class Focus:
    """One kept range: from the first line containing `start` to the first line containing `end` after it.

    `start=None` starts at the excerpt's first line, `end=None` ends at its last line.
    """

    start: str | None
    end: str | None


@dataclass(frozen=True)
class NoteSpec:
    """A note as the chapter writes it: anchor text and Markdown text."""

    at: str
    text: str


@dataclass(frozen=True)
class AnchorProblem:
    """An anchor that did not resolve: which one, why, and the fix (near matches when there are some)."""

    anchor: str
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class Elided:
    """A run of hidden lines between (or around) focus ranges, for renderers."""

    first: int
    last: int

    @property
    def count(self) -> int:
        """How many lines are left out."""
        return self.last - self.first + 1


def text_sha256(text: str) -> str:
    """The fingerprint of an excerpt's text: sha256 of its UTF-8 bytes (the upstream bytes themselves)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def span_text(data: bytes, first_line: int, last_line: int, *, path: str = "") -> str:
    """Lines `first_line..last_line` (1-based, inclusive) of `data`, exactly, without the last newline."""
    lines = data.split(b"\n")
    if first_line < 1 or last_line > len(lines) or first_line > last_line:
        msg = f"{path}: lines {first_line}-{last_line} are outside the file ({len(lines)} lines)"
        raise InputError(msg, hint="the index and the file disagree; rebuild the index (re-run the command)")
    chunk = b"\n".join(lines[first_line - 1 : last_line])
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{path}:{first_line}-{last_line} is not valid UTF-8 ({exc.reason} at byte {exc.start})"
        raise InputError(msg, hint="upstream Go is UTF-8; verify the sources (`walkthrough sources verify`)") from None


def find_lines(lines: list[str], first_line: int, anchor: str) -> list[int]:
    """Upstream line numbers of the excerpt lines containing `anchor`."""
    return [first_line + k for k, text in enumerate(lines) if anchor in text]


def near_matches(lines: list[str], anchor: str, n: int = 3) -> list[str]:
    """The excerpt lines most like `anchor`, stripped, for "did you mean" hints."""
    stripped = [text.strip() for text in lines if text.strip()]
    close = difflib.get_close_matches(anchor.strip(), stripped, n=n, cutoff=0.5)
    if close:
        return close
    # A short anchor against long lines scores low on the whole line; compare same-length windows too.
    scored = []
    for text in stripped:
        width = len(anchor)
        best = max(
            (
                difflib.SequenceMatcher(None, anchor, text[i : i + width]).ratio()
                for i in range(max(1, len(text) - width + 1))
            ),
            default=0.0,
        )
        scored.append((best, text))
    return [text for score, text in sorted(scored, key=lambda s: -s[0])[:n] if score >= 0.6]  # noqa: PLR2004 - a same-length window must match closely


def _hint(lines: list[str], anchor: str) -> str:
    close = near_matches(lines, anchor)
    if close:
        return "near matches: " + "; ".join(f"`{c}`" for c in close)
    return "copy the anchor text from a line of the excerpt (`walkthrough explain SYMBOL`)"


def resolve_focus(
    lines: list[str], first_line: int, focus: tuple[Focus, ...]
) -> tuple[tuple[tuple[int, int], ...], list[AnchorProblem]]:
    """Turn focus anchors into upstream line ranges, in order and disjoint.

    `from` is the first line containing its text after the previous range; `to` the first line at or
    after `from` containing its text. A text found only earlier means the ranges are out of order.
    """
    ranges: list[tuple[int, int]] = []
    problems: list[AnchorProblem] = []
    after = first_line  # the first line the next range may start on
    last_line = first_line + len(lines) - 1
    for k, spec in enumerate(focus):
        if (spec.start is None and k > 0) or (spec.end is None and k < len(focus) - 1):
            problems.append(AnchorProblem(
                "", "only the first focus range may omit `from` and only the last may omit `to`",
                "give every range in the middle both `from` and `to`",
            ))
            continue
        start = first_line if spec.start is None else _first_at_or_after(lines, first_line, spec.start, after)
        if start is None:
            problems.append(_missing_or_order(lines, first_line, spec.start or "", "focus `from`", after))
            continue
        end = last_line if spec.end is None else _first_at_or_after(lines, first_line, spec.end, start)
        if end is None:
            problems.append(_missing_or_order(lines, first_line, spec.end or "", "focus `to`", start))
            continue
        ranges.append((start, end))
        after = end + 1
    return tuple(ranges), problems


def _first_at_or_after(lines: list[str], first_line: int, anchor: str, at: int) -> int | None:
    return next((n for n in find_lines(lines, first_line, anchor) if n >= at), None)


def _missing_or_order(lines: list[str], first_line: int, anchor: str, what: str, at: int) -> AnchorProblem:
    earlier = find_lines(lines, first_line, anchor)
    if earlier:
        return AnchorProblem(
            anchor,
            f"{what} anchor `{anchor}` only matches line {earlier[0]}, before line {at}: "
            "focus ranges are out of order or overlap",
            "list focus ranges top to bottom, each `to` after its `from`, ranges not overlapping",
        )
    return AnchorProblem(anchor, f"{what} anchor `{anchor}` matches no line of the excerpt", _hint(lines, anchor))


def resolve_single(
    lines: list[str], first_line: int, anchor: str, what: str
) -> tuple[int | None, AnchorProblem | None]:
    """The one line containing `anchor`; a problem when it matches nothing or several lines."""
    found = find_lines(lines, first_line, anchor)
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, AnchorProblem(
            anchor, f"{what} anchor `{anchor}` matches no line of the excerpt", _hint(lines, anchor)
        )
    where = ", ".join(str(n) for n in found[:6])
    return None, AnchorProblem(
        anchor, f"{what} anchor `{anchor}` matches {len(found)} lines ({where})",
        "make the anchor longer so that it matches exactly one line",
    )


SIGNATURE_LINES = 8
"""How far a declaration's first line may be from the `{` that ends its signature (Go wraps long parameter lists)."""


def with_signature(
    shown: tuple[tuple[int, int], ...], lines: list[str], first_line: int, decl_line: int
) -> tuple[tuple[int, int], ...]:
    """Focus ranges plus the declaration's signature (its first line to the line ending in `{`), merged in order.

    A focus picks the lines that matter, but a reader still needs to see what they belong to: `func (a
    *APIInstaller) registerResourceHandlers(...) {` above the lines, never "40 lines not shown" instead.
    """
    if any(a <= decl_line <= b for a, b in shown):
        return shown
    last = first_line + len(lines) - 1
    end = decl_line
    for n in range(decl_line, min(decl_line + SIGNATURE_LINES, last + 1)):
        if lines[n - first_line].rstrip().endswith(("{", "(")) or n == last:
            end = n
            break
    merged: list[tuple[int, int]] = []
    for a, b in sorted([*shown, (decl_line, end)]):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return tuple(merged)


def make_excerpt(
    symbol: Symbol,
    data: bytes,
    pin: Pin,
    *,
    doc: bool = True,
    focus: tuple[Focus, ...] = (),
    highlight: tuple[str, ...] = (),
    notes: tuple[NoteSpec, ...] = (),
    python: str | None = None,
    anchor_id: str = "",
    caption: str = "",
    location: str = "",
) -> Excerpt:
    """Cut a symbol's excerpt out of its file's bytes and resolve every anchor.

    Raises AnchorError listing every anchor that failed (focus, highlight, notes), so an author
    fixes them all in one go.
    """
    first = symbol.doc_start_line if doc else symbol.start_line
    text = span_text(data, first, symbol.end_line, path=symbol.path)
    lines = text.split("\n")
    shown, problems = resolve_focus(lines, first, focus)
    if shown and not problems:
        shown = with_signature(shown, lines, first, symbol.start_line)
    visible = shown or ((first, symbol.end_line),)

    def check_shown(line: int, anchor: str, what: str) -> bool:
        if any(a <= line <= b for a, b in visible):
            return True
        problems.append(AnchorProblem(anchor, f"{what} anchor `{anchor}` is on line {line}, which the focus hides",
                                      "widen the focus to include it, or anchor elsewhere"))
        return False

    lit: list[int] = []
    for anchor in highlight:
        line, problem = resolve_single(lines, first, anchor, "highlight")
        if problem:
            problems.append(problem)
        elif line is not None and check_shown(line, anchor, "highlight"):
            lit.append(line)
    resolved: list[Note] = []
    for spec in notes:
        line, problem = resolve_single(lines, first, spec.at, "note")
        if problem:
            problems.append(problem)
        elif line is not None and check_shown(line, spec.at, "note"):
            resolved.append(Note(anchor=spec.at, text=spec.text, line=line))
    if problems:
        raise AnchorError(problems)
    return Excerpt(
        symbol=symbol, pin=pin, blob=git_blob_id(data), text=text, start_line=first, end_line=symbol.end_line,
        shown=shown, highlight=tuple(sorted(set(lit))), notes=tuple(resolved), python=python,
        anchor_id=anchor_id, caption=caption, location=location,
    )


def iter_display(excerpt: Excerpt) -> Iterator[tuple[int, str] | Elided]:
    """The excerpt as a renderer shows it: `(upstream line, text)` pairs and `Elided` runs between ranges."""
    lines = excerpt.text.split("\n")
    ranges = excerpt.shown or ((excerpt.start_line, excerpt.end_line),)
    cursor = excerpt.start_line
    for a, b in ranges:
        if a > cursor:
            yield Elided(cursor, a - 1)
        for n in range(a, b + 1):
            yield n, lines[n - excerpt.start_line]
        cursor = b + 1
    if cursor <= excerpt.end_line:
        yield Elided(cursor, excerpt.end_line)
