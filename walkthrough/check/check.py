"""`check`: re-derive every chapter excerpt from the verified sources and compare with its fingerprint. No printing.

`check` expands every directive of `chapters/**/*.md` against the verified sources, compares each
excerpt with its fingerprint in `snapshots/excerpts.json` and with the lock, runs every run block and
compares its output with `snapshots/runs.json` (`walkthrough.check.runs`), and returns a report:
problems (exit 1) and what could not be checked at all (exit 3). It never passes silently: an excerpt
without fingerprint, a fingerprint without excerpt, a missing lock or cache entry, a run that fails or
prints something else each count. Every chapter is checked to its end: one bad directive (an unknown
symbol or upstream) is a problem at its `chapter.md:line`, never the end of the report.

Everything that touches sources goes through a `Provider` (`walkthrough.index.protocol`), so tests hand
in fake indexes and the CLI the real one (`walkthrough.check.provider.SourcesProvider`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from walkthrough.book import fingerprints as fp_file
from walkthrough.book import run_records
from walkthrough.book.excerpt import make_excerpt, span_text, text_sha256
from walkthrough.book.expand import chapter_files, expand_chapter
from walkthrough.book.fingerprints import Fingerprint
from walkthrough.book.runs import Runner
from walkthrough.check import strips
from walkthrough.check.runs import RunOutcome, compare_runs, run_all
from walkthrough.errors import InputError, SourcesError, UsageError, WalkthroughError
from walkthrough.models import Problem
from walkthrough.paths import chapters_dir, snapshots_dir

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from walkthrough.book.directives import ChapterExcerpt, Directive, RunDirective
    from walkthrough.check.strips import StripCheck
    from walkthrough.index.protocol import IndexLike, Provider
    from walkthrough.models import Excerpt

SNAPSHOT_HINT = (
    "if the change is deliberate, run `walkthrough snapshot update` and review the diff of snapshots/excerpts.json"
)


@dataclass(frozen=True)
class Derived:
    """One chapter excerpt as it is now: which chapter, the resolved excerpt, and its fingerprint."""

    chapter: str
    result: ChapterExcerpt

    @property
    def excerpt(self) -> Excerpt:
        """The resolved excerpt."""
        return self.result.excerpt

    @property
    def fingerprint(self) -> Fingerprint:
        """What `snapshots/excerpts.json` records of it."""
        return Fingerprint.of(self.excerpt, self.chapter, self.result.directive.line)


@dataclass
class Derivation:
    """Every excerpt of every chapter, derived from the sources, with what went wrong along the way."""

    excerpts: list[Derived] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unchecked: list[Problem] = field(default_factory=list)
    """Things that could not be checked (sources missing or unverifiable): exit 3, never a pass."""
    skipped: list[Directive] = field(default_factory=list)
    """Directives not expanded because their upstream's sources were unavailable."""
    failed: list[Directive] = field(default_factory=list)
    """Directives that did not resolve (their problems are in `problems`)."""
    chapters: list[str] = field(default_factory=list)
    runs: list[RunDirective] = field(default_factory=list)
    """Every run block whose command is allowed, in chapter order."""
    outcome: RunOutcome | None = None
    """The runs' results, when `derive` was given a runner (their failures are in `problems`)."""
    broken: list[tuple[str, str]] = field(default_factory=list)
    """(chapter, anchor id) of blocks that did not parse: their problem is reported, their records are not "gone"."""


def derive(root: Path, provider: Provider, only: list[str] | None = None, runner: Runner | None = None) -> Derivation:
    """Expand every directive of every chapter (or of `only`); check the lock for every excerpted file.

    With a `runner`, also run every run block (a failed run is a problem at its line).
    """
    out = Derivation()
    files = chapter_files(root)
    if only is not None:
        known = {name for name, _ in files}
        unknown = [c for c in only if c not in known]
        if unknown:
            raise UsageError(f"no chapter {', '.join(unknown)} in {chapters_dir(root)}",
                             hint=f"chapters are: {', '.join(sorted(known)) or 'none'}")
        files = [(name, path) for name, path in files if name in only]
    unavailable: dict[str, tuple[Directive, SourcesError]] = {}
    for name, path in files:
        out.chapters.append(name)
        chapter = expand_chapter(path.read_text(encoding="utf-8"), name, provider.index, unavailable)
        out.problems.extend(chapter.problems)
        out.failed.extend(chapter.failed)
        out.skipped.extend(chapter.unavailable)
        out.runs.extend(chapter.runs)
        out.broken.extend((name, anchor) for anchor in chapter.broken)
        for result in chapter.excerpts:
            lock_problem = _check_lock(result.directive, result.excerpt, provider)
            if lock_problem is not None:
                out.unchecked.append(lock_problem)
            out.excerpts.append(Derived(name, result))
    out.unchecked[:0] = [
        Problem(d.location, f"cannot check excerpts of `{upstream}`: {exc.message}", symbol=d.symbol, hint=exc.hint)
        for upstream, (d, exc) in unavailable.items()
    ]
    if runner is not None:
        out.outcome = run_all(out.runs, runner)
        out.problems.extend(out.outcome.problems)
    return out


def _check_lock(d: Directive, excerpt: Excerpt, provider: Provider) -> Problem | None:
    """The file an excerpt came from must be locked and its bytes must hash to the lock's blob id."""
    try:
        locked = provider.locked_blob(excerpt.pin.name, excerpt.symbol.path)
    except SourcesError as exc:
        return Problem(d.location, f"cannot read the lock of `{excerpt.pin.name}`: {exc.message}",
                       symbol=d.symbol, hint=exc.hint)
    if locked is None:
        return Problem(d.location, f"`{excerpt.symbol.path}` is not in the lock of {excerpt.pin.label}",
                       symbol=d.symbol,
                       hint="only locked files may be quoted; regenerate the lock with `walkthrough sources lock`")
    if locked != excerpt.blob:
        return Problem(d.location,
                       f"`{excerpt.symbol.path}` in the cache has blob {excerpt.blob[:12]}, "
                       f"the lock says {locked[:12]}",
                       symbol=d.symbol,
                       hint="re-import the sources (`walkthrough sources import` or `fetch`), then `sources verify`")
    return None


# ---------------------------------------------------------------------------------------------- check


class Status(str, Enum):
    """The outcome of `check` as a whole."""

    OK = "ok"
    """Every excerpt, note and pair matches its fingerprint and the lock."""
    PROBLEMS = "problems"
    """Something changed or does not resolve (exit 1)."""
    UNCHECKED = "unchecked"
    """Some excerpts could not be checked: sources missing or unverifiable (exit 3)."""


@dataclass
class CheckReport:
    """What `check` found: problems, things it could not check, and how many excerpts held."""

    problems: list[Problem]
    unchecked: list[Problem]
    checked: int
    chapters: list[str]
    skipped: int = 0
    runs_checked: int = 0
    """Run blocks whose output matched its record."""
    notices: list[Problem] = field(default_factory=list)
    """Fingerprints that hold but are stale (file version changed elsewhere): reported, not failed."""
    today_checked: int = 0
    """Today strips re-derived and matching `snapshots/today.json`."""
    today_notices: list[Problem] = field(default_factory=list)
    """Today strips that could not be re-derived because today's releases are not imported (optional ones)."""

    @property
    def status(self) -> Status:
        """Unchecked outranks problems: a check that could not run proves nothing."""
        if self.unchecked:
            return Status.UNCHECKED
        return Status.PROBLEMS if self.problems else Status.OK

    @property
    def exit_code(self) -> int:
        """0 ok, 1 problems, 3 sources missing (README's exit codes)."""
        return {Status.OK: 0, Status.PROBLEMS: 1, Status.UNCHECKED: 3}[self.status]

    def to_json(self) -> dict[str, Any]:
        """The `--json` report."""
        return {
            "status": self.status.value, "exit_code": self.exit_code, "chapters": self.chapters,
            "checked": self.checked, "skipped": self.skipped, "runs_checked": self.runs_checked,
            "problems": [problem_json(p) for p in self.problems],
            "unchecked": [problem_json(p) for p in self.unchecked],
            "notices": [problem_json(p) for p in self.notices],
            "today_checked": self.today_checked,
            "today_notices": [problem_json(p) for p in self.today_notices],
        }


def problem_json(p: Problem) -> dict[str, Any]:
    """One problem in a `--json` report."""
    return {"location": p.location, "message": p.message, "symbol": p.symbol, "hint": p.hint, "detail": p.detail}


def run_check(
    root: Path, provider: Provider, chapters: list[str] | None = None, runner: Runner | None = None
) -> CheckReport:
    """Re-derive every excerpt and run every run block (of `chapters`, default all); compare with `snapshots/`.

    `runner` runs the commands (default: a memoizing `Runner` in `root`).
    """
    own = runner is None
    runner = runner or Runner(root)
    try:
        derived = derive(root, provider, only=chapters, runner=runner)
    finally:
        if own:
            runner.close()
    report = _check_excerpts(root, provider, derived, chapters)
    found, report.runs_checked = _check_runs(root, derived)
    report.problems.extend(found)
    return report


def _check_runs(root: Path, derived: Derivation) -> tuple[list[Problem], int]:
    """Problems of the run blocks against `snapshots/runs.json`, and how many held."""
    outcome = derived.outcome or RunOutcome()
    where = f"snapshots/{run_records.FILE_NAME}"
    try:
        recorded = run_records.load(snapshots_dir(root))
    except InputError as exc:
        return [Problem(where, exc.message, hint=exc.hint)], 0
    if recorded is None:
        if not derived.runs:
            return [], 0
        return [Problem(where, f"no run outputs recorded yet ({len(derived.runs)} run block(s))",
                        hint="run `walkthrough snapshot update` and commit snapshots/runs.json")], 0
    return compare_runs(outcome, recorded, derived.chapters, set(derived.broken))


def _check_excerpts(root: Path, provider: Provider, derived: Derivation, chapters: list[str] | None) -> CheckReport:
    """The excerpts of `derived` against `snapshots/excerpts.json` and the lock."""
    problems = list(derived.problems)
    snapshots = snapshots_dir(root)
    where = f"snapshots/{fp_file.FILE_NAME}"
    recorded = fp_file.load(snapshots)
    if recorded is None:
        problems.append(Problem(where, f"no excerpt fingerprints recorded yet ({len(derived.excerpts)} excerpts)",
                                hint="run `walkthrough snapshot update` and commit snapshots/excerpts.json"))
        return CheckReport(problems=problems, unchecked=derived.unchecked, checked=0, chapters=derived.chapters,
                           skipped=len(derived.skipped))
    if chapters is not None:
        recorded = [f for f in recorded if f.chapter in chapters]
    by_key: dict[tuple[str, str], Fingerprint] = {}
    for f in recorded:
        if f.key in by_key:
            problems.append(Problem(where, f"two fingerprints for {f.chapter} `{f.anchor_id}`", symbol=f.symbol,
                                    hint="regenerate the file with `walkthrough snapshot update`"))
        by_key[f.key] = f
    seen: set[tuple[str, str]] = set()
    notices: list[Problem] = []
    checked = 0
    for item in derived.excerpts:
        now = item.fingerprint
        seen.add(now.key)
        old = by_key.get(now.key)
        if old is None:
            problems.append(Problem(item.result.directive.location, f"excerpt `{now.anchor_id}` has no fingerprint",
                                    symbol=now.symbol,
                                    hint="new excerpt? run `walkthrough snapshot update` and commit the result"))
            continue
        found = compare(old, item, provider)
        problems.extend(found)
        checked += not found
        notice = stale(old, item) if not found else None
        if notice is not None:
            notices.append(notice)
    # Fingerprints whose directive is gone, unless its upstream could not be checked (then it is unchecked, not gone).
    # A directive whose anchors failed still gets its text compared, so the report shows *why* they failed.
    for d in derived.failed:
        old = by_key.get((d.file, d.anchor_id()))
        bare = bare_excerpt(d, provider)
        if old is not None and bare is not None and text_sha256(bare.text) != old.sha256:
            problems.append(Problem(d.location, f"excerpt `{old.anchor_id}` changed: text", symbol=d.symbol,
                                    hint=SNAPSHOT_HINT, detail=excerpt_diff(old, bare, provider)))
    # A directive that failed to resolve is already reported at its line; one whose sources are
    # missing is unchecked. Neither is "gone".
    # Nor is the fingerprint of a block that did not parse: its problem sits at its opening line.
    accounted = {(d.file, d.anchor_id()) for d in (*derived.skipped, *derived.failed)} | set(derived.broken)
    for f in recorded:
        if f.key in seen or f.key in accounted:
            continue
        problems.append(Problem(
            f"{f.chapter}:{f.line}", f"fingerprint `{f.anchor_id}` matches no directive in the chapter",
            symbol=f.symbol,
            hint="the excerpt was removed or its id changed; run `walkthrough snapshot update` if that is deliberate",
        ))
    today = check_strips(root, provider, derived, chapters)
    return CheckReport(problems=problems + today.problems, unchecked=derived.unchecked + today.unchecked,
                       checked=checked, chapters=derived.chapters, skipped=len(derived.skipped), notices=notices,
                       today_checked=today.checked, today_notices=today.notices)


def check_strips(root: Path, provider: Provider, derived: Derivation, chapters: list[str] | None) -> StripCheck:
    """The Today strips of the derived excerpts against `snapshots/today.json` (see `walkthrough.check.strips`)."""
    recorded = strips.load(snapshots_dir(root))
    accounted = {(d.file, d.anchor_id()) for d in (*derived.skipped, *derived.failed)} | set(derived.broken)
    excerpts = [(item.chapter, item.excerpt, item.result.directive.location) for item in derived.excerpts]
    return strips.compare(recorded, excerpts, strips.project_pins(root), provider_index_for(provider),
                          chapters=chapters, accounted=accounted)


def provider_index_for(provider: Provider) -> Callable[[str], IndexLike]:
    """`NAME` or `NAME@TAG` → the provider's index of that release."""

    def index_for(spec: str) -> IndexLike:
        name, _, tag = spec.partition("@")
        return provider.index(name, tag or None)

    return index_for


def stale(old: Fingerprint, item: Derived) -> Problem | None:
    """A notice when only the file version changed (blob, tag) and everything a reader sees is the same."""
    now = item.fingerprint
    fields = set(old.differences(now))
    if fields and fields <= {"blob", "tag"}:
        return Problem(
            item.result.directive.location,
            f"excerpt `{now.anchor_id}` holds, but its file changed elsewhere ({old.tag} blob {old.blob[:12]} -> "
            f"{now.tag} blob {now.blob[:12]})",
            symbol=now.symbol, hint="refresh the fingerprint with `walkthrough snapshot update`",
        )
    return None


def compare(old: Fingerprint, item: Derived, provider: Provider) -> list[Problem]:
    """Problems between a recorded fingerprint and the excerpt as derived now (empty when they agree).

    A different blob or tag alone is not a problem: the reader sees the same text, spans and notes
    (`stale` reports it as a notice instead).
    """
    now = item.fingerprint
    fields = [f for f in old.differences(now) if f not in ("blob", "tag")]
    if not fields:
        return []
    d = item.result.directive
    problems: list[Problem] = []
    if "sha256" in fields or "start_line" in fields or "end_line" in fields or "path" in fields or "symbol" in fields:
        what = []
        if "sha256" in fields:
            what.append("text")
        if {"start_line", "end_line", "path"} & set(fields):
            what.append(
                f"span ({old.path}:{old.start_line}-{old.end_line} -> {now.path}:{now.start_line}-{now.end_line})"
            )
        if "symbol" in fields:
            what.append(f"symbol ({old.symbol} -> {now.symbol})")
        problems.append(Problem(d.location, f"excerpt `{now.anchor_id}` changed: {', '.join(what)}", symbol=d.symbol,
                                hint=SNAPSHOT_HINT, detail=excerpt_diff(old, item.excerpt, provider)))
    if "notes" in fields:
        before = dict(old.notes)
        for anchor, line in now.notes:
            if anchor not in before:
                problems.append(Problem(d.location, f"note `{anchor}` (line {line}) has no fingerprint",
                                        symbol=d.symbol, hint=SNAPSHOT_HINT))
            elif before[anchor] != line:
                problems.append(Problem(d.location, f"note `{anchor}` moved from line {before[anchor]} to line {line}",
                                        symbol=d.symbol,
                                        hint="check the note still says the right thing; " + SNAPSHOT_HINT))
        problems.extend(
            Problem(d.location, f"fingerprinted note `{anchor}` is no longer in the directive", symbol=d.symbol,
                    hint=SNAPSHOT_HINT)
            for anchor in before.keys() - dict(now.notes).keys()
        )
    for name, label in (("shown", "focus ranges"), ("highlight", "highlighted lines"), ("python", "python pair")):
        if name in fields:
            problems.append(Problem(d.location, f"{label} changed: {getattr(old, name)!r} -> {getattr(now, name)!r}",
                                    symbol=d.symbol, hint=SNAPSHOT_HINT))
    return problems


def bare_excerpt(d: Directive, provider: Provider) -> Excerpt | None:
    """The directive's excerpt without focus, notes or highlights (None when even that does not resolve)."""
    try:
        index = provider.index(d.upstream)
        symbol = index.lookup(d.symbol)
        return make_excerpt(symbol, index.text(symbol.path), index.pin, doc=d.options.get("doc", True))
    except WalkthroughError:  # sources missing, an unknown upstream or symbol: its problem is reported already
        return None


def excerpt_diff(old: Fingerprint, excerpt: Excerpt, provider: Provider) -> str:
    """A unified diff of the recorded excerpt text and the current one, with upstream line numbers.

    The fingerprint has no text (upstream code is never committed), so the old text comes from a
    cache entry that still holds the recorded blob; without one the report says so and shows the new span.
    """
    new_label = f"{excerpt.pin.label}:{excerpt.symbol.path}:{excerpt.start_line}-{excerpt.end_line}"
    try:
        old_bytes = provider.blob_text(old.upstream, old.path, old.blob)
    except OSError:
        old_bytes = None
    old_text = None
    if old_bytes is not None:
        try:
            old_text = span_text(old_bytes, old.start_line, old.end_line, path=old.path)
        except InputError:  # the old file is shorter than the old span: not the file we recorded
            old_text = None
    if old_text is None:
        numbered = "\n".join(f"{n:>5}  {line}" for n, line in enumerate(excerpt.text.split("\n"), excerpt.start_line))
        return (f"old text not available (no cache entry holds blob {old.blob[:12]} of {old.path}); "
                f"sha256 {old.sha256[:12]} -> {text_sha256(excerpt.text)[:12]}\nnow {new_label}:\n{numbered}")
    old_label = f"{old.upstream}@{old.tag}:{old.path}:{old.start_line}-{old.end_line}"
    return unified(old_text, excerpt.text, old_label, new_label)


def unified(old: str, new: str, old_label: str, new_label: str) -> str:
    """A unified diff of two texts (no trailing newline games: both are whole lines)."""
    lines = difflib.unified_diff(old.split("\n"), new.split("\n"), old_label, new_label, lineterm="", n=2)
    return "\n".join(lines)
