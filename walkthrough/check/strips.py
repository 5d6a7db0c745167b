"""Today strips: each chapter excerpt's counterpart in today's releases, recorded in `snapshots/today.json`.

A strip is derived like an excerpt: from the verified sources (the pinned release and today's), through
the finder (`walkthrough.check.today`). `snapshots/today.json` records, per excerpt, what the strip says
(status, today's symbol, file, lines, size of the change, score), and beside it the finder's version and
the lock digest of every today release. So a changed pin or a changed finder shows as a difference in
`check` even on a machine without today's sources (the header no longer matches), and with the sources
every strip is re-derived and compared; `snapshot update` rewrites the file.

Without today's sources the strips cannot be re-derived: `check` says so as a notice (the releases are
optional, `walkthrough sources fetch --all`), never as a pass of what it did not see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from walkthrough.check.today import DECLARED, FINDER_VERSION, Counterpart, TodayFinder, TodayStatus, today_map
from walkthrough.errors import InputError, SourcesError
from walkthrough.models import Problem

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from walkthrough.models import Excerpt
    from walkthrough.sources.pins import Upstreams

FILE_NAME = "today.json"
FORMAT = 1
HINT = (
    "if the change is deliberate, run `walkthrough snapshot update` (with today's sources imported) and review "
    "the diff of snapshots/today.json"
)


@dataclass(frozen=True)
class Strip:
    """What one card's Today strip says, as recorded (facts only: ids, paths, numbers)."""

    chapter: str
    anchor_id: str
    symbol: str
    status: str
    release: str = ""
    target: str = ""
    path: str = ""
    start_line: int = 0
    end_line: int = 0
    added: int = 0
    removed: int = 0
    score: float | None = None
    where: str = ""
    declared: bool = False
    """Named by the pins' `[NAME.successors]`, not found by the search (recorded only when true)."""

    @property
    def key(self) -> tuple[str, str]:
        """How a strip is matched with its excerpt: chapter file and anchor id."""
        return (self.chapter, self.anchor_id)

    @classmethod
    def of(cls, chapter: str, anchor_id: str, found: Counterpart) -> Strip:
        """The record of a freshly derived counterpart."""
        return cls(
            chapter=chapter, anchor_id=anchor_id, symbol=found.symbol, status=found.status.value,
            release=found.release, target=found.target, path=found.path, start_line=found.start_line,
            end_line=found.end_line, added=found.added, removed=found.removed,
            score=None if found.score is None else round(found.score, 3), where=found.where,
            declared=found.via == DECLARED,
        )

    def to_json(self) -> dict[str, Any]:
        """The snapshot file's form (`declared` only where true: the strips the search found read as before)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__
                if name != "declared" or self.declared}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Strip:
        """Read back what `to_json` wrote."""
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})

    def summary(self) -> str:
        """One line for reports: `moved: k8s-apiserver@v0.36.3:pkg/endpoints.APIInstaller (+12/-3)`."""
        size = f" (+{self.added}/-{self.removed})" if self.added or self.removed else ""
        where = f": {self.target}" if self.target else (f" ({self.where})" if self.where else "")
        return f"{self.status}{where}{size}" + (" (declared successor)" if self.declared else "")


@dataclass
class Recorded:
    """The contents of `snapshots/today.json`."""

    finder: str
    releases: dict[str, str]
    """Each today release spec → the digest of its lock when the strips were recorded."""
    strips: list[Strip]


def current_releases(upstreams: Upstreams) -> dict[str, str]:
    """Each today release of the pins → its lock's digest (from `snapshots/`, no sources needed)."""
    out = {}
    for upstream in upstreams.values():
        for release in upstream.today:
            out[release.spec] = upstreams.load_lock(release).digest
    return out


def project_pins(root: Path) -> Upstreams | None:
    """The project's pins, or None for a project without `snapshots/upstreams.toml` (then there are no strips)."""
    from walkthrough.sources.pins import UPSTREAMS_FILE, load_pins  # noqa: PLC0415 - only strips read the today pins

    if not (root / "snapshots" / UPSTREAMS_FILE).is_file():
        return None
    return load_pins(root)


def finder_for(upstreams: Upstreams, index_for: Callable[[str], Any]) -> TodayFinder:
    """A TodayFinder over every upstream of the pins."""
    return TodayFinder({name: today_map(u) for name, u in upstreams.items()}, index_for)


def declared_problems(finder: TodayFinder) -> list[Problem]:
    """A problem for each declared successor that cannot be (not in today's index, or no 2016 symbol).

    Each names the line of `snapshots/upstreams.toml` that declares it. Successors in releases that are
    not imported are not judged. Opens today's indexes (a SourcesError propagates, as in `derive`).
    """
    from walkthrough.sources.pins import UPSTREAMS_FILE  # noqa: PLC0415 - only strips read the today pins

    out = []
    for name in finder.maps:
        per_upstream = finder.finder(name)
        if per_upstream is None or per_upstream.missing:
            continue
        for sid, successor, why in per_upstream.undeclarable():
            where = f"snapshots/{UPSTREAMS_FILE}" + (f":{successor.line}" if successor.line else "")
            out.append(Problem(where, f"declared successor of {sid}: {why}", symbol=sid,
                               hint=f"correct or remove the line under [{name}.successors] (read today's code "
                                    "first: `walkthrough explain SYMBOL --today`)"))
    return out


def derive(excerpts: Iterable[tuple[str, Excerpt]], finder: TodayFinder) -> tuple[list[Strip], dict[str, str]]:
    """The strips of `(chapter, excerpt)` pairs, and the releases that were not imported (spec → why)."""
    strips = []
    missing: dict[str, str] = {}
    for chapter, ex in excerpts:
        found = finder.find(ex.symbol, ex.text)
        if found is None:
            continue
        if found.status is TodayStatus.NOT_IMPORTED:
            per_upstream = finder.finder(ex.symbol.upstream)
            missing.update(per_upstream.missing if per_upstream is not None else {})
        strips.append(Strip.of(chapter, ex.anchor_id, found))
    return strips, missing


def path_of(snapshots: Path) -> Path:
    """Where the strips of `snapshots/` live."""
    return snapshots / FILE_NAME


def dumps(recorded: Recorded) -> str:
    """The file text: stable order, sorted keys, two-space indent, trailing newline."""
    data = {
        "format": FORMAT, "finder": recorded.finder, "releases": dict(sorted(recorded.releases.items())),
        "strips": [s.to_json() for s in sorted(recorded.strips, key=lambda s: s.key)],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load(snapshots: Path) -> Recorded | None:
    """The recorded strips, None when the file does not exist; malformed is an InputError."""
    path = path_of(snapshots)
    if not path.is_file():
        return None
    hint = "regenerate it with `walkthrough snapshot update` (and review the diff)"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InputError(f"{path}: not a format-{FORMAT} Today strip file", hint=hint)
        return Recorded(str(data["finder"]), {str(k): str(v) for k, v in data["releases"].items()},
                        [Strip.from_json(item) for item in data["strips"]])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: malformed Today strips ({type(exc).__name__}: {exc})", hint=hint) from None


def save(snapshots: Path, recorded: Recorded) -> Path:
    """Write the file atomically (temp + rename)."""
    path = path_of(snapshots)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(recorded), encoding="utf-8")
    tmp.replace(path)
    return path


@dataclass
class StripCheck:
    """What comparing the strips found: problems (exit 1), things not checked (exit 3), notices."""

    problems: list[Problem]
    unchecked: list[Problem]
    notices: list[Problem]
    checked: int = 0


WHERE = f"snapshots/{FILE_NAME}"


def compare(
    recorded: Recorded | None,
    excerpts: list[tuple[str, Excerpt, str]],
    upstreams: Upstreams | None,
    index_for: Callable[[str], Any],
    *,
    chapters: list[str] | None = None,
    accounted: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
) -> StripCheck:
    """Re-derive the strips of `(chapter, excerpt, location)` and compare them with the record.

    The header (finder version, today's lock digests) is compared first and needs no sources. A release
    that is not imported leaves its strips unchecked as a notice; one whose files fail verification is
    refused (unchecked, exit 3). `accounted` are excerpts whose directive failed or whose sources are
    missing: reported elsewhere, so their recorded strips are not "gone".
    """
    out = StripCheck([], [], [])
    releases = current_releases(upstreams) if upstreams is not None else {}
    if upstreams is None or not releases:
        return out
    if recorded is None:
        out.problems.append(Problem(WHERE, f"no Today strips recorded yet ({len(excerpts)} excerpts)",
                                    hint="run `walkthrough snapshot update` with today's sources imported "
                                         "(`walkthrough sources fetch --all`) and commit snapshots/today.json"))
        return out
    if recorded.finder != FINDER_VERSION:
        out.problems.append(Problem(WHERE, f"the strips were recorded by finder {recorded.finder}, the finder is "
                                           f"{FINDER_VERSION} now", hint=HINT))
    for spec in sorted(set(recorded.releases) | set(releases)):
        was, now = recorded.releases.get(spec), releases.get(spec)
        if was != now:
            out.problems.append(Problem(WHERE, f"today's release {spec}: recorded lock {was or 'none'}, pinned "
                                               f"lock {now or 'none'}", hint=HINT))
    by_key = {s.key: s for s in recorded.strips if chapters is None or s.chapter in chapters}
    finder = finder_for(upstreams, index_for)
    try:
        fresh, missing = derive(((c, ex) for c, ex, _ in excerpts), finder)
        out.problems += declared_problems(finder)
    except SourcesError as exc:
        out.unchecked.append(Problem(WHERE, f"cannot derive the Today strips: {exc.message}", hint=exc.hint))
        return out
    if missing:
        out.notices.append(Problem(
            WHERE, "Today strips not re-derived: " + "; ".join(sorted(missing.values())),
            hint="`walkthrough sources fetch --all` (or `sources import SPEC ...`) brings today's releases",
        ))
    locations = {(c, ex.anchor_id): loc for c, ex, loc in excerpts}
    seen = set()
    for strip in fresh:
        seen.add(strip.key)
        if strip.status == TodayStatus.NOT_IMPORTED.value:
            continue
        old = by_key.get(strip.key)
        where = locations.get(strip.key, strip.chapter)
        if old is None:
            out.problems.append(Problem(where, f"excerpt `{strip.anchor_id}` has no Today strip recorded",
                                        symbol=strip.symbol, hint=HINT))
        elif old != strip:
            out.problems.append(Problem(where, f"Today strip of `{strip.anchor_id}` changed: was {old.summary()}, "
                                               f"now {strip.summary()}", symbol=strip.symbol, hint=HINT))
        else:
            out.checked += 1
    for key, strip in by_key.items():
        if key not in seen and key not in accounted:
            out.problems.append(Problem(f"{strip.chapter}", f"Today strip `{strip.anchor_id}` matches no excerpt",
                                        symbol=strip.symbol, hint=HINT))
    return out
