"""`check`, `snapshot update` and `drift`: re-derive every chapter excerpt and compare. No printing.

`check` expands every directive of `chapters/**/*.md` against the verified sources, compares each
excerpt with its fingerprint in `snapshots/excerpts.json` and with the lock, and returns a report:
problems (exit 1) and what could not be checked at all (exit 3). It never passes silently: an excerpt
without fingerprint, a fingerprint without excerpt, a missing lock or cache entry each count.

`drift` takes the same excerpts and looks each one up in another release of its upstream: unchanged,
changed (with a diff), moved (the same name in another file or package), or gone.

Everything that touches sources goes through a `Provider`, so tests hand in fake indexes and the CLI
the real one (`SourcesProvider`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from walkthrough.book import fingerprints as fp_file
from walkthrough.book.directives import (
    ChapterExcerpt,
    Directive,
    DirectiveError,
    IndexLike,
    expand_directive,
    scan_chapter,
)
from walkthrough.book.excerpt import Focus, make_excerpt, resolve_focus, resolve_single, span_text
from walkthrough.book.fingerprints import Fingerprint
from walkthrough.errors import InputError, SourcesError, SymbolError, UsageError
from walkthrough.models import Problem, SymbolKind
from walkthrough.paths import chapters_dir, snapshots_dir
from walkthrough.sources.pins import git_blob_id, load_pins

if TYPE_CHECKING:
    from pathlib import Path

    from walkthrough.models import Excerpt, Symbol

SNAPSHOT_HINT = (
    "if the change is deliberate, run `walkthrough snapshot update` and review the diff of snapshots/excerpts.json"
)


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


class SourcesProvider:
    """The real thing: pins and locks from `snapshots/`, indexes and files from the verified cache."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._indexes: dict[tuple[str, str | None], IndexLike] = {}
        self._locks: dict[str, Any] = {}

    def index(self, upstream: str, ref: str | None = None) -> IndexLike:
        """The index of `upstream` at the locked commit (or at `ref`), loaded once per run."""
        key = (upstream, ref)
        if key not in self._indexes:
            from walkthrough.index.reader import load_index  # noqa: PLC0415 - loaded on the first chapter that needs an index

            self._indexes[key] = load_index(upstream, ref=ref) if ref else load_index(upstream)
        return self._indexes[key]

    def locked_blob(self, upstream: str, path: str) -> str | None:
        """The blob id the lock records for `path`, or None if the lock does not list it."""
        if upstream not in self._locks:
            pins = load_pins(self.root)
            self._locks[upstream] = pins.load_lock(pins[upstream].pinned)
        entry = self._locks[upstream].entries.get(path)
        return entry.blob if entry is not None else None

    def blob_text(self, upstream: str, path: str, blob: str) -> bytes | None:
        """The bytes of `path` at `blob` from any verified cache entry, or None."""
        # Any complete cache entry of this upstream (an older lock, another release) may still hold the
        # old version of the file; accept it only if its bytes hash to the recorded blob.
        from walkthrough.sources.cache import MARKER, TREE, sources_dir  # noqa: PLC0415 - only a drifted blob looks in other cache entries

        base = sources_dir()
        if not base.is_dir():
            return None
        for entry in sorted(base.glob(f"{upstream}@*")):
            candidate = entry / TREE / path
            if (entry / MARKER).is_file() and candidate.is_file():
                data = candidate.read_bytes()
                if git_blob_id(data) == blob:
                    return data
        return None


# ---------------------------------------------------------------------------------------------- derive


@dataclass(frozen=True)
class Derived:
    """One chapter excerpt as it is now: which chapter, the resolved excerpt, and its fingerprint."""

    chapter: str
    result: ChapterExcerpt

    @property
    def excerpt(self) -> Excerpt:
        return self.result.excerpt

    @property
    def fingerprint(self) -> Fingerprint:
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


def chapter_files(root: Path) -> list[tuple[str, Path]]:
    """`(name relative to chapters/, path)` of every chapter, sorted, so reports are stable."""
    base = chapters_dir(root)
    if not base.is_dir():
        return []
    return [(p.relative_to(base).as_posix(), p) for p in sorted(base.rglob("*.md"))]


def derive(root: Path, provider: Provider, only: list[str] | None = None) -> Derivation:
    """Parse and expand every directive of every chapter (or of `only`); check the lock for every excerpted file."""
    out = Derivation()
    failed_upstreams: dict[str, SourcesError] = {}
    files = chapter_files(root)
    if only is not None:
        known = {name for name, _ in files}
        unknown = [c for c in only if c not in known]
        if unknown:
            raise UsageError(f"no chapter {', '.join(unknown)} in {chapters_dir(root)}",
                             hint=f"chapters are: {', '.join(sorted(known)) or 'none'}")
        files = [(name, path) for name, path in files if name in only]
    for name, path in files:
        out.chapters.append(name)
        directives, problems = scan_chapter(path.read_text(encoding="utf-8"), file=name)
        out.problems.extend(problems)
        for d in directives:
            if d.upstream in failed_upstreams:
                out.skipped.append(d)
                continue
            try:
                result = expand_directive(d, provider.index)
            except SourcesError as exc:
                failed_upstreams[d.upstream] = exc
                out.unchecked.append(Problem(d.location, f"cannot check excerpts of `{d.upstream}`: {exc.message}",
                                             symbol=d.symbol, hint=exc.hint))
                out.skipped.append(d)
                continue
            except DirectiveError as exc:
                out.problems.extend(exc.problems)
                out.failed.append(d)
                continue
            lock_problem = _check_lock(d, result.excerpt, provider)
            if lock_problem is not None:
                out.unchecked.append(lock_problem)
            out.excerpts.append(Derived(name, result))
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
    notices: list[Problem] = field(default_factory=list)
    """Fingerprints that hold but are stale (file version changed elsewhere): reported, not failed."""

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
            "checked": self.checked, "skipped": self.skipped,
            "problems": [problem_json(p) for p in self.problems],
            "unchecked": [problem_json(p) for p in self.unchecked],
            "notices": [problem_json(p) for p in self.notices],
        }


def problem_json(p: Problem) -> dict[str, Any]:
    return {"location": p.location, "message": p.message, "symbol": p.symbol, "hint": p.hint, "detail": p.detail}


def run_check(root: Path, provider: Provider, chapters: list[str] | None = None) -> CheckReport:
    """Re-derive every excerpt (of `chapters`, default all) and compare with `snapshots/excerpts.json` and the lock."""
    derived = derive(root, provider, only=chapters)
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
        if old is not None and bare is not None and fp_file.text_sha256(bare.text) != old.sha256:
            problems.append(Problem(d.location, f"excerpt `{old.anchor_id}` changed: text", symbol=d.symbol,
                                    hint=SNAPSHOT_HINT, detail=excerpt_diff(old, bare, provider)))
    # A directive that failed to resolve is already reported at its line; one whose sources are
    # missing is unchecked. Neither is "gone".
    accounted = {(d.file, d.anchor_id()) for d in (*derived.skipped, *derived.failed)}
    for f in recorded:
        if f.key in seen or f.key in accounted:
            continue
        problems.append(Problem(
            f"{f.chapter}:{f.line}", f"fingerprint `{f.anchor_id}` matches no directive in the chapter",
            symbol=f.symbol,
            hint="the excerpt was removed or its id changed; run `walkthrough snapshot update` if that is deliberate",
        ))
    return CheckReport(problems=problems, unchecked=derived.unchecked, checked=checked, chapters=derived.chapters,
                       skipped=len(derived.skipped), notices=notices)


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
    except (SourcesError, InputError):
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
                f"sha256 {old.sha256[:12]} -> {fp_file.text_sha256(excerpt.text)[:12]}\nnow {new_label}:\n{numbered}")
    old_label = f"{old.upstream}@{old.tag}:{old.path}:{old.start_line}-{old.end_line}"
    return unified(old_text, excerpt.text, old_label, new_label)


def unified(old: str, new: str, old_label: str, new_label: str) -> str:
    """A unified diff of two texts (no trailing newline games: both are whole lines)."""
    lines = difflib.unified_diff(old.split("\n"), new.split("\n"), old_label, new_label, lineterm="", n=2)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- snapshot


@dataclass
class SnapshotResult:
    """What `snapshot update` did: the file written (None when refused), and why it refused."""

    path: Path | None
    count: int
    problems: list[Problem]
    unchecked: list[Problem]

    @property
    def exit_code(self) -> int:
        """3 when sources were missing, 1 when refused for problems, else 0."""
        return 3 if self.unchecked else (1 if self.problems else 0)


def update_snapshot(root: Path, provider: Provider, chapters: list[str] | None = None) -> SnapshotResult:
    """Rewrite `snapshots/excerpts.json` from the chapters; refuse while any directive is broken or unchecked.

    A snapshot of a partly broken or partly unchecked state would bless the breakage, so nothing is
    written unless every excerpt derives cleanly. With `chapters`, only their fingerprints are
    rewritten and the others kept as recorded (so one author's draft does not block another's update).
    """
    derived = derive(root, provider, only=chapters)
    if derived.problems or derived.unchecked:
        return SnapshotResult(None, 0, derived.problems, derived.unchecked)
    fresh = [item.fingerprint for item in derived.excerpts]
    kept: list[Fingerprint] = []
    if chapters is not None:
        kept = [f for f in fp_file.load(snapshots_dir(root)) or [] if f.chapter not in chapters]
    path = fp_file.save(snapshots_dir(root), kept + fresh)
    return SnapshotResult(path, len(fresh), [], [])


# ---------------------------------------------------------------------------------------------- drift


class DriftStatus(str, Enum):
    """What became of one excerpt in another release."""

    UNCHANGED = "unchanged"
    """Same id, same file, same text."""
    CHANGED = "changed"
    """Same id and file, different text (a diff is attached)."""
    MOVED = "moved"
    """The same name lives in another file or package now (candidates listed; a diff when the text changed)."""
    GONE = "gone"
    """No symbol of that name anywhere in the release."""


@dataclass(frozen=True)
class DriftEntry:
    """One excerpt compared with a release: status, where it went, the diff, anchors that would break."""

    chapter: str
    location: str
    anchor_id: str
    symbol: str
    status: DriftStatus
    target: str
    old_span: str
    new_span: str = ""
    moved_to: tuple[str, ...] = ()
    diff: str = ""
    broken_anchors: tuple[str, ...] = ()

    def to_fields(self) -> dict[str, Any]:
        """The constructor arguments, to derive a modified entry."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def to_json(self) -> dict[str, Any]:
        """One entry of the `--json` drift report."""
        return {
            "chapter": self.chapter, "location": self.location, "anchor_id": self.anchor_id, "symbol": self.symbol,
            "status": self.status.value, "target": self.target, "old_span": self.old_span, "new_span": self.new_span,
            "moved_to": list(self.moved_to), "diff": self.diff, "broken_anchors": list(self.broken_anchors),
        }


@dataclass
class DriftReport:
    """Every excerpt of the chapters against the requested releases, grouped by chapter in reports."""

    entries: list[DriftEntry]
    problems: list[Problem]
    unchecked: list[Problem]
    targets: list[str]

    @property
    def exit_code(self) -> int:
        """Drift is a report, not a verdict: 0 unless the walkthrough itself could not be derived."""
        return 3 if self.unchecked else (1 if self.problems else 0)

    def by_chapter(self) -> dict[str, list[DriftEntry]]:
        """Entries grouped by chapter, in report order."""
        grouped: dict[str, list[DriftEntry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.chapter, []).append(entry)
        return grouped

    def counts(self) -> dict[str, int]:
        """How many excerpts ended in each status."""
        return {s.value: sum(e.status is s for e in self.entries) for s in DriftStatus}

    def to_json(self) -> dict[str, Any]:
        """The `--json` drift report."""
        return {
            "targets": self.targets, "counts": self.counts(),
            "chapters": {c: [e.to_json() for e in es] for c, es in self.by_chapter().items()},
            "problems": [problem_json(p) for p in self.problems],
            "unchecked": [problem_json(p) for p in self.unchecked],
        }


def parse_target(spec: str) -> tuple[str, str]:
    """`kubernetes@v1.6.0` -> (`kubernetes`, `v1.6.0`); a bare name is a usage error."""
    name, sep, ref = spec.partition("@")
    if not sep or not name or not ref:
        raise UsageError(f"--to {spec!r}: expected NAME@REF, e.g. kubernetes@v1.6.0")
    return name, ref


def run_drift(root: Path, provider: Provider, targets: list[tuple[str, str]],
              chapters: list[str] | None = None) -> DriftReport:
    """Compare every excerpt (of `chapters`, default all) whose upstream has a target release with that release."""
    derived = derive(root, provider, only=chapters)
    entries: list[DriftEntry] = []
    unchecked = list(derived.unchecked)
    wanted = dict(targets)
    for item in derived.excerpts:
        upstream = item.excerpt.pin.name
        if upstream not in wanted:
            continue
        ref = wanted[upstream]
        try:
            other = provider.index(upstream, ref)
        except SourcesError as exc:
            unchecked.append(
                Problem(f"{upstream}@{ref}", f"cannot load {upstream}@{ref}: {exc.message}", hint=exc.hint)
            )
            wanted.pop(upstream)
            continue
        entries.append(drift_one(item, other, f"{upstream}@{ref}"))
    return DriftReport(entries, derived.problems, unchecked, [f"{n}@{r}" for n, r in targets])


def drift_one(item: Derived, other: IndexLike, target: str) -> DriftEntry:
    """Where one excerpt's symbol is in `other`, and how its text and anchors fare there.

    Same id in the same file: unchanged or changed. Same id in another file, or the same qualname
    in a package of the same name elsewhere: moved, with the text compared when there is exactly
    one such place. Otherwise the other places with that qualname are listed when they are few;
    with none (or too many to be a plausible move), gone.
    """
    ex = item.excerpt
    sym = ex.symbol
    d = item.result.directive
    base = {
        "chapter": item.chapter, "location": d.location, "anchor_id": item.result.anchor_id, "symbol": sym.id,
        "target": target, "old_span": f"{sym.path}:{ex.start_line}-{ex.end_line}",
    }
    new = same_id(other, sym)
    if new is not None and new.path == sym.path:
        return _compare_text(item, other, new, target, base, DriftStatus.UNCHANGED, DriftStatus.CHANGED)
    if new is not None:
        return _compare_text(item, other, new, target, base, DriftStatus.MOVED, DriftStatus.MOVED)
    candidates = same_name(other, sym)
    package = sym.pkgdir.rsplit("/", 1)[-1]
    preferred = [s for s in candidates if s.pkgdir.rsplit("/", 1)[-1] == package]
    best = preferred[0] if len(preferred) == 1 else candidates[0] if len(candidates) == 1 else None
    if best is not None:
        entry = _compare_text(item, other, best, target, base, DriftStatus.MOVED, DriftStatus.MOVED)
        others = tuple(s.id for s in candidates if s is not best)
        return DriftEntry(**{**entry.to_fields(), "moved_to": (best.id, *others[:MAX_CANDIDATES - 1])})
    shortlist = preferred or candidates
    if shortlist and ("." in sym.qualname or len(shortlist) <= MAX_CANDIDATES):
        return DriftEntry(status=DriftStatus.MOVED, moved_to=tuple(s.id for s in shortlist[:MAX_CANDIDATES]), **base)
    method = became_method(other, sym)
    if method is not None:
        return _compare_text(item, other, method, target, base, DriftStatus.MOVED, DriftStatus.MOVED)
    return DriftEntry(status=DriftStatus.GONE, **base)


def became_method(other: IndexLike, sym: Symbol) -> Symbol | None:
    """The one method of `other` that a vanished function turned into, if there is exactly one.

    A refactoring often turns `func New(config Config)` into `func (c Config) New()`; the method keeps
    the name and stays in a package of the same name (the directory may move). More than one such
    method is no evidence, so it is not a guess.
    """
    search = getattr(other, "search", None)
    if search is None or sym.kind != SymbolKind.FUNC:
        return None
    package = sym.pkgdir.rsplit("/", 1)[-1]
    methods = [
        s for s in search(sym.name)
        if s.kind == SymbolKind.METHOD and s.name == sym.name and s.pkgdir.rsplit("/", 1)[-1] == package
    ]
    return methods[0] if len(methods) == 1 else None


MAX_CANDIDATES = 5
"""More same-named symbols than this (think `New`) say nothing about where one of them went."""


def same_id(other: IndexLike, sym: Symbol) -> Symbol | None:
    """The symbol with the same PKGDIR.Name in `other` (ids of later releases carry `NAME@TAG:`)."""
    rest = sym.id.split(":", 1)[1]
    # `get` (exact ids, no guessing) when the index has it: a miss in `lookup` computes suggestions,
    # which costs seconds per symbol on a whole release.
    exact = getattr(other, "get", None)
    for candidate in (sym.id, f"{other.pin.name}@{other.pin.tag}:{rest}"):
        if exact is not None:
            hit = exact(candidate)
        else:
            try:
                hit = other.lookup(candidate)
            except SymbolError:
                continue
        if hit is not None and hit.id.split(":", 1)[-1] == rest:
            return hit
    return None


def _compare_text(item: Derived, other: IndexLike, new: Symbol, target: str, base: dict[str, Any],
                  same: DriftStatus, differs: DriftStatus) -> DriftEntry:
    ex = item.excerpt
    first = new.doc_start_line if ex.start_line == ex.symbol.doc_start_line else new.start_line
    text = span_text(other.text(new.path), first, new.end_line, path=new.path)
    broken = broken_anchors(item, text.split("\n"), first)
    span = f"{new.path}:{first}-{new.end_line}"
    moved_to = (new.id,) if new.path != ex.symbol.path or same is DriftStatus.MOVED else ()
    if text == ex.text:
        return DriftEntry(status=same, new_span=span, broken_anchors=broken, moved_to=moved_to, **base)
    diff = unified(ex.text, text, f"{ex.pin.label}:{base['old_span']}", f"{target}:{span}")
    return DriftEntry(status=differs, new_span=span, diff=diff, broken_anchors=broken, moved_to=moved_to, **base)


def broken_anchors(item: Derived, lines: list[str], first: int) -> tuple[str, ...]:
    """The directive's anchors (focus, highlight, notes) that would fail against the new text."""
    opts = item.result.directive.options
    failed = []
    focus = tuple(Focus(r.get("from"), r.get("to")) for r in opts.get("focus", ()))
    _, focus_problems = resolve_focus(lines, first, focus)
    failed += [p.anchor for p in focus_problems]
    anchors = [*opts.get("highlight", ()), *(n["at"] for n in opts.get("notes", ()))]
    for anchor in anchors:
        _, problem = resolve_single(lines, first, anchor, "anchor")
        if problem is not None:
            failed.append(anchor)
    return tuple(failed)


def same_name(index: IndexLike, sym: Symbol) -> list[Symbol]:
    """Symbols of `index` with the same qualname (`Type.Method` or `Name`) in any package, best first.

    Uses the index's `search` when it has one (a miss there is final: `lookup` would spend seconds on
    suggestions); a short-form `lookup` of the qualname otherwise, whose ambiguity error lists the candidates.
    """
    found: dict[str, Symbol] = {}
    search = getattr(index, "search", None)
    if search is not None:
        for hit in search(sym.name):
            if getattr(hit, "qualname", None) == sym.qualname and getattr(hit, "kind", None) == sym.kind:
                found[hit.id] = hit
    if not found and search is None:
        try:
            hit = index.lookup(sym.qualname)
            if hit.qualname == sym.qualname:
                found[hit.id] = hit
        except SymbolError as exc:
            for cand in exc.candidates:
                if cand.split(":", 1)[-1].endswith("." + sym.qualname):
                    try:
                        found[cand] = index.lookup(cand)
                    except SymbolError:
                        continue
    return sorted(found.values(), key=lambda s: (s.pkgdir.split("/")[-1] != sym.pkgdir.split("/")[-1], s.id))


__all__ = [
    "CheckReport",
    "Derivation",
    "DriftEntry",
    "DriftReport",
    "DriftStatus",
    "Provider",
    "SnapshotResult",
    "SourcesProvider",
    "Status",
    "derive",
    "run_check",
    "run_drift",
    "update_snapshot",
]
