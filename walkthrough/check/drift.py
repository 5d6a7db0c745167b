"""`drift`: where each excerpt of the book went in another release of its upstream. No printing.

`drift` takes the excerpts `check` derives and looks each one up in another release of its upstream:
unchanged, changed (with a diff), moved (the same name in another file or package), or gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from walkthrough.book.excerpt import Focus, resolve_focus, resolve_single, span_text
from walkthrough.check.check import Derived, derive, problem_json, unified
from walkthrough.errors import SourcesError, SymbolError, UsageError
from walkthrough.models import Problem, SymbolKind

if TYPE_CHECKING:
    from pathlib import Path

    from walkthrough.index.protocol import IndexLike, Provider
    from walkthrough.models import Symbol


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
    base: dict[str, Any] = {
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
            hit: Symbol | None = exact(candidate)
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
