"""Then and now: where the code of one 2016 excerpt lives in today's releases. Pure, no IO but the indexes.

For an excerpt symbol of `kubernetes` v1.5.2 or `docker` v1.12.3 the finder looks in the releases that
hold that code today (`snapshots/upstreams.toml`: k8s.io/apiserver v0.36.3; moby and docker/cli v28.5.2),
in this order, and stops at the first answer:

1. **A declared fact.** A package the pins declare as living only in a repository we do not track
   (`cmd/kube-apiserver`, the quota evaluators, go-restful...) is *not tracked*: never a guess.
   A symbol the pins give a *declared successor* (`[NAME.successors]`: read by a person in both trees,
   for code renamed, moved and rewritten at once, which no score can tell from a neighbour) is that
   successor, classified as the steps below would classify the pair (moved, renamed, same or changed),
   with `via` saying it was declared. A declared successor missing from today's index is skipped here
   (the search below answers) and reported by `check` (`Finder.undeclarable`).
2. **Same qualified name** (`pkg/admission.chainAdmissionHandler.Admit` is still there): *same* or
   *changed* (with the size of the change and a unified diff).
3. **A declared package move** (`pkg/apiserver` -> `pkg/endpoints`, `pkg/endpoints/handlers`, ...):
   the same qualified name in one of the new directories: *moved*. Failing that, the same qualified name
   in one other place of today's releases, when the name is distinctive (below): *moved* too.
4. **Same name, new shape** in those directories: the same member name with another case, receiver or
   form (a function that became a method, `NewWebService` -> `newWebService`), when the name is
   distinctive (at most `MAX_SAME_NAME` declarations of today's release carry it): *renamed* when the
   body scores at least `SHAPE_THRESHOLD`.
5. **Body similarity** (identifiers, calls, selected fields and string literals of the declaration):
   *renamed* when the best candidate scores at least `BODY_THRESHOLD` and leads the next by `MARGIN`.
6. Otherwise *gone* (or *not tracked*, where the pins say the rest of the package lives elsewhere),
   with the nearest candidates and their scores.

A today symbol whose name still exists in the 2016 package it came from is that name's counterpart,
never another symbol's rename (`InstallREST` is not the renamed `newInstaller`, which was inlined
into it). The thresholds are measured on `tests/today/counterparts.toml` (hand-checked pairs); see
`tests/test_today_upstream.py` and the README's "Then and now".
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from walkthrough.errors import SourcesMissing
from walkthrough.models import SymbolKind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from walkthrough.models import Pin, Symbol
    from walkthrough.sources.pins import Successor, Upstream

FINDER_VERSION = "today-1"
"""Changes whenever a rule or threshold below changes: fingerprints carry it, so `check` shows the effect."""

SHAPE_THRESHOLD = 0.3
"""Least score of a same-named candidate of another shape (measured: see the module docstring)."""
BODY_THRESHOLD = 0.55
"""Least body similarity (the name left out) of a differently named candidate."""
DECLARED = "declared successor"
"""The `via` of a counterpart the pins name (`[NAME.successors]`), not the search."""
MARGIN = 0.05
"""How far the best differently named candidate must lead the next one."""
MAX_SAME_NAME = 3
"""A name carried by more declarations of today's release than this (`New`, `Run`) is no evidence of identity."""
NEAREST = 3
"""Nearest candidates listed for a symbol that is gone."""
BODY_WEIGHT = 0.8
"""Share of the body in a score; the rest is the similarity of the member names."""


class TodayStatus(str, Enum):
    """What became of one excerpt symbol in today's releases."""

    SAME = "same"
    """Same qualified name, same text."""
    CHANGED = "changed"
    """Same qualified name, other text (size and diff attached)."""
    MOVED = "moved"
    """Same name in another package or release (a declared move, or found by name and body)."""
    RENAMED = "renamed"
    """Another name or shape, found by name shape or body similarity (score attached)."""
    GONE = "gone"
    """Nothing in the tracked releases; the nearest candidates are listed."""
    NOT_TRACKED = "not tracked"
    """The code lives in a repository we do not fetch (the pins say which)."""
    NOT_IMPORTED = "not imported"
    """Today's releases are not in the cache: `walkthrough sources fetch --all`."""

    @property
    def found(self) -> bool:
        """Whether a counterpart was named."""
        return self in (TodayStatus.SAME, TodayStatus.CHANGED, TodayStatus.MOVED, TodayStatus.RENAMED)


# ---------------------------------------------------------------------------------------------- rules


class Move(NamedTuple):
    """One declared package move: `source` (a package, or a subtree when it ends in `/`) and where it went.

    `targets` are `(release spec, directory)` pairs, a directory ending in `/` when the source is a
    subtree (the rest of the path is appended); `untracked` says where the rest lives when part of the
    package (or all of it) is in a repository we do not fetch.
    """

    source: str
    targets: tuple[tuple[str, str], ...] = ()
    untracked: str = ""

    def dirs(self, pkgdir: str) -> list[tuple[str, str]]:
        """The directories of today's releases that hold `pkgdir`'s code under this move."""
        rest = pkgdir[len(self.source) :] if self.source.endswith("/") else ""
        return [(spec, d + rest if d.endswith("/") else d) for spec, d in self.targets]


class TodayMap(NamedTuple):
    """Where one upstream's code lives today: the releases to search, in order, and the declared moves."""

    upstream: str
    releases: tuple[str, ...]
    moves: tuple[Move, ...] = ()
    successors: tuple[tuple[str, Successor], ...] = ()
    """Declared successors: (2016 symbol id, successor), consulted before any search."""

    def successor(self, symbol_id: str) -> Successor | None:
        """The successor declared for a 2016 symbol, if any."""
        return next((s for sid, s in self.successors if sid == symbol_id), None)

    def rule(self, pkgdir: str) -> Move | None:
        """The move declared for `pkgdir`: an exact package first, else the longest subtree holding it."""
        best: Move | None = None
        for move in self.moves:
            if move.source == pkgdir:
                return move
            if (
                move.source.endswith("/")
                and pkgdir.startswith(move.source)
                and (best is None or len(move.source) > len(best.source))
            ):
                best = move
        return best

    def sources_of(self, spec: str, directory: str) -> list[str]:
        """The 2016 packages declared to have moved (exactly) into `directory` of `spec`, and itself."""
        found = [m.source for m in self.moves if not m.source.endswith("/") and (spec, directory) in m.targets]
        return [*found, directory]


def today_map(upstream: Upstream, *, successors: bool = True) -> TodayMap:
    """The finder's view of one upstream's `today` releases, declared `moves` and (unless told not to) successors.

    Without `successors` the finder is the search alone: what `bench/today_thresholds.py` and the
    precision test measure.
    """
    moves = []
    for source, targets in upstream.moves.items():
        tracked = tuple(
            (spec, directory)
            for spec, _, directory in (t.partition(":") for t in targets if not t.startswith("untracked:"))
        )
        untracked = "; ".join(t.removeprefix("untracked:").strip() for t in targets if t.startswith("untracked:"))
        moves.append(Move(source, tracked, untracked))
    declared = tuple(upstream.successors.items()) if successors else ()
    return TodayMap(upstream.name, tuple(r.spec for r in upstream.today), tuple(moves), declared)


# ---------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Counterpart:
    """Where one excerpt symbol's code is today, and what happened to it."""

    symbol: str
    status: TodayStatus
    release: str = ""
    """`k8s-apiserver@v0.36.3`: where the counterpart was found."""
    target: str = ""
    """Today's symbol id."""
    path: str = ""
    start_line: int = 0
    end_line: int = 0
    permalink: str = ""
    added: int = 0
    removed: int = 0
    score: float | None = None
    via: str = ""
    """How it was found: same name, a declared move, same name in a new shape, body similarity, declared successor."""
    reason: str = ""
    """For a declared successor: the pins' one line on what happened to the code."""
    where: str = ""
    """For not tracked: the repository (and directory) that holds the code."""
    candidates: tuple[tuple[str, float], ...] = ()
    """For gone or not tracked: the nearest today symbols and their scores."""
    diff: str = field(default="", compare=False)
    """Unified diff of the 2016 text and today's (changed, moved, renamed)."""

    @property
    def span(self) -> str:
        """`pkg/endpoints/installer.go:191-1180`, or empty."""
        return f"{self.path}:{self.start_line}-{self.end_line}" if self.path else ""

    def to_json(self) -> dict[str, Any]:
        """The `--json` form (and what the site's strip and the fingerprints are made from)."""
        return {
            "symbol": self.symbol, "status": self.status.value, "release": self.release, "target": self.target,
            "path": self.path, "start_line": self.start_line, "end_line": self.end_line,
            "permalink": self.permalink, "added": self.added, "removed": self.removed,
            "score": None if self.score is None else round(self.score, 3), "via": self.via, "reason": self.reason,
            "where": self.where,
            "candidates": [[c, round(s, 3)] for c, s in self.candidates], "diff": self.diff,
        }


# ---------------------------------------------------------------------------------------------- similarity

_LEX = re.compile(
    r"//[^\n]*|/\*.*?\*/|`[^`]*`|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|[^\W\d]\w*|\d[\w.]*|\S",
    re.DOTALL,
)
_NOISE = frozenset((
    "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for", "func", "go",
    "goto", "if", "import", "interface", "map", "package", "range", "return", "select", "struct", "switch", "type",
    "var", "nil", "true", "false", "err", "error", "string", "int", "bool", "byte",
))
_MIN_LITERAL = 4
"""String literals shorter than this (quotes included) are noise: "", ",", "%s"."""


def features(text: str) -> Counter[str]:
    """The bag of a declaration's words: calls (`c:`), selected fields (`f:`), other identifiers (`i:`), strings (`s:`).

    Comments are dropped; keywords and the commonest predeclared names say nothing about identity.
    """
    tokens = [t for t in _LEX.findall(text) if not t.startswith(("//", "/*"))]
    bag: Counter[str] = Counter()
    for i, tok in enumerate(tokens):
        if tok[0] in "\"`'":
            if len(tok) >= _MIN_LITERAL:
                bag["s:" + tok[1:-1]] += 1
            continue
        if not (tok[0].isalpha() or tok[0] == "_") or tok in _NOISE:
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        before = tokens[i - 1] if i else ""
        kind = "c:" if after == "(" else "f:" if before == "." else "i:"
        bag[kind + tok] += 1
    return bag


def cosine(a: Counter[str], b: Counter[str]) -> float:
    """Cosine similarity of two bags with sublinear counts (a word used ten times is not ten words)."""
    if not a or not b:
        return 0.0
    wa = {k: 1 + math.log(v) for k, v in a.items()}
    wb = {k: 1 + math.log(v) for k, v in b.items()}
    dot = sum(wa[k] * wb[k] for k in wa.keys() & wb.keys())
    return dot / math.sqrt(sum(x * x for x in wa.values()) * sum(x * x for x in wb.values()))


def name_similarity(old: str, new: str) -> float:
    """How alike two member names are, case ignored (`addObjectParams` / `AddObjectParams` -> 1.0)."""
    return difflib.SequenceMatcher(None, old.lower(), new.lower()).ratio()


_FAMILY = {
    SymbolKind.FUNC: "func", SymbolKind.METHOD: "func",
    SymbolKind.STRUCT: "type", SymbolKind.TYPE: "type",
    SymbolKind.INTERFACE: "interface",
    SymbolKind.CONST: "value", SymbolKind.VAR: "value",
    SymbolKind.FIELD: "field", SymbolKind.INTERFACE_METHOD: "imethod",
}
"""Kinds that may stand for each other: a function may become a method, a struct a named type of another form."""


def compatible(old: Symbol, new: Symbol) -> bool:
    """Whether `new` could be `old` today: the same family of declaration (a struct is not an interface).

    A Go `func init` is never called by name: it is known by its file alone (another file's init is
    another registration), and no other function becomes one.
    """
    if _FAMILY.get(old.kind) != _FAMILY.get(new.kind) or old.kind == SymbolKind.PACKAGE:
        return False
    if SymbolKind.FUNC in (old.kind, new.kind) and "init" in (old.name, new.name):
        return old.name == new.name and old.path.rsplit("/", 1)[-1] == new.path.rsplit("/", 1)[-1]
    return True


_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


def unified(old: str, new: str, old_file: tuple[str, int], new_file: tuple[str, int]) -> str:
    """A unified diff of two declarations whose hunks count the files' own lines (`(label, first line)` each)."""
    out = []
    for line in difflib.unified_diff(old.split("\n"), new.split("\n"), old_file[0], new_file[0], lineterm="", n=2):
        match = _HUNK.match(line)
        if match is None:
            out.append(line)
            continue
        a, b = int(match.group(1)) + old_file[1] - 1, int(match.group(3)) + new_file[1] - 1
        out.append(f"@@ -{a}{match.group(2) or ''} +{b}{match.group(4) or ''} @@" + line[match.end():])
    return "\n".join(out)


def diff_stat(diff: str) -> tuple[int, int]:
    """Lines added and removed in a unified diff."""
    added = removed = 0
    for line in diff.split("\n"):
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


# ---------------------------------------------------------------------------------------------- the finder


class TodayIndex(Protocol):
    """What the finder needs of `walkthrough.index.Index` (fakes in tests provide the same)."""

    pin: Pin

    def matches(self, text: str) -> list[Symbol]:
        """Every symbol a full id denotes (several for build-tagged variants)."""
        ...

    def package_symbols(self, pkgdir: str) -> list[Symbol]:
        """Every symbol of one package directory."""
        ...

    def search(self, pattern: str) -> list[Symbol]:
        """Symbols whose name or qualname is `pattern`, any case."""
        ...

    def text(self, path: str) -> bytes:
        """The verified bytes of a file."""
        ...


class OldIndex(Protocol):
    """What the finder needs of the 2016 release's index."""

    def get(self, symbol_id: str) -> Symbol | None:
        """The symbol with exactly this id, else None."""
        ...

    def text(self, path: str) -> bytes:
        """The verified bytes of a file."""
        ...


def span_lines(data: bytes, first: int, last: int) -> str:
    """Lines `first`..`last` (1-based, inclusive) of a file, as text."""
    lines = data.decode("utf-8", errors="replace").split("\n")
    return "\n".join(lines[first - 1 : last])


class Finder:
    """Finds counterparts for the symbols of one upstream; keeps each today symbol's words for the next symbol.

    `today` maps each release spec of `rules.releases` to its index, or to the message saying why it
    could not be opened (not imported, not verifiable): then every symbol is *not imported*, except the
    ones the pins declare untracked.
    """

    def __init__(self, rules: TodayMap, old: OldIndex, today: Mapping[str, TodayIndex | str]) -> None:
        self.rules = rules
        self.old = old
        self.today = today
        self._words: dict[str, Counter[str]] = {}
        self._name_counts: dict[tuple[str, str], int] = {}
        self._receivers: dict[str, str | None] = {}

    @property
    def missing(self) -> dict[str, str]:
        """Releases that could not be opened, with why."""
        return {spec: why for spec, why in self.today.items() if isinstance(why, str)}

    def _index(self, spec: str) -> TodayIndex:
        index = self.today[spec]
        if isinstance(index, str):  # pragma: no cover - find() returns before any lookup when one is missing
            raise TypeError(index)
        return index

    def _text(self, spec: str, sym: Symbol, *, doc: bool = False) -> str:
        first = sym.doc_start_line if doc else sym.start_line
        return span_lines(self._index(spec).text(sym.path), first, sym.end_line)

    def _words_of(self, spec: str, sym: Symbol) -> Counter[str]:
        if sym.id not in self._words:
            self._words[sym.id] = features(self._text(spec, sym))
        return self._words[sym.id]

    def score(self, old: Symbol, old_words: Counter[str], spec: str, new: Symbol) -> float:
        """How likely `new` (in `spec`) is `old`: body words and member name, 0..1."""
        body = cosine(old_words, self._words_of(spec, new))
        return BODY_WEIGHT * body + (1 - BODY_WEIGHT) * name_similarity(old.name, new.name)

    def find(self, sym: Symbol, text: str) -> Counterpart:
        """The counterpart of `sym` (whose excerpt text is `text`) in today's releases."""
        rule = self.rules.rule(sym.pkgdir)
        if rule is not None and rule.untracked and not rule.targets:
            return Counterpart(sym.id, TodayStatus.NOT_TRACKED, where=rule.untracked, via="declared")
        if self.missing:
            return Counterpart(sym.id, TodayStatus.NOT_IMPORTED, via="; ".join(self.missing.values()))
        words = features(text)
        successor = self.rules.successor(sym.id)
        hits = self._successor(successor) if successor is not None else []
        if successor is not None and hits:
            spec = successor.target.partition(":")[0]
            new = hits[0]
            status = (None if new.pkgdir == sym.pkgdir and new.qualname == sym.qualname
                      else TodayStatus.MOVED if new.qualname == sym.qualname else TodayStatus.RENAMED)
            found = self._result(sym, text, words, spec, hits, DECLARED, status)
            return replace(found, reason=successor.why)
        declared = rule.dirs(sym.pkgdir) if rule is not None else []
        # 2. same qualified name, the declared releases first
        order = list(dict.fromkeys([spec for spec, _ in declared] + list(self.rules.releases)))
        for spec in order:
            hits = self._named(spec, sym.pkgdir, sym)
            if hits:
                return self._result(sym, text, words, spec, hits, "same name")
        # 3. a declared move: the same qualified name in a new directory
        for spec, directory in declared:
            hits = self._named(spec, directory, sym)
            if hits:
                via = f"declared move {sym.pkgdir} -> {directory}"
                return self._result(sym, text, words, spec, hits, via, status=TodayStatus.MOVED)
        # 3. (cont.) the same qualified name anywhere else, when the name is distinctive and the place unique
        elsewhere = self._elsewhere(sym)
        if len(elsewhere) == 1:
            spec, new = elsewhere[0]
            score = self.score(sym, words, spec, new)
            if score >= SHAPE_THRESHOLD:
                return self._result(sym, text, words, spec, [new], "same name elsewhere", TodayStatus.MOVED, score)
        dirs = declared or [(spec, sym.pkgdir) for spec in self.rules.releases]
        scored = sorted(((self.score(sym, words, spec, s), spec, s) for spec, s in self._pool(dirs, sym)),
                        key=lambda t: -t[0])
        # 4. same member name, another shape
        shaped = [t for t in scored if t[2].name.lower() == sym.name.lower() and self._distinctive(t[1], sym.name)]
        shaped = [t for t in shaped if self._same_receiver(sym, t[2])]
        if len(shaped) == 1 and shaped[0][0] >= SHAPE_THRESHOLD:
            best, spec, new = shaped[0]
            return self._result(sym, text, words, spec, [new], "same name, new shape", TodayStatus.RENAMED, best)
        # 5. body similarity
        ranked = [t for t in scored if self._same_receiver(sym, t[2])]
        if ranked and self._body(words, ranked[0]) >= BODY_THRESHOLD and (
            len(ranked) == 1 or ranked[0][0] - ranked[1][0] >= MARGIN
        ):
            best, spec, new = ranked[0]
            return self._result(sym, text, words, spec, [new], "body similarity", TodayStatus.RENAMED, best)
        # 6. nothing: gone, or not tracked where the pins say the rest lives elsewhere
        nearest = tuple((s.id, score) for score, _, s in scored[:NEAREST])
        if rule is not None and rule.untracked:
            return Counterpart(sym.id, TodayStatus.NOT_TRACKED, where=rule.untracked, candidates=nearest,
                               via="declared, not found in the tracked part")
        return Counterpart(sym.id, TodayStatus.GONE, candidates=nearest, via="searched " + ", ".join(
            sorted({f"{spec}:{d}" for spec, d in dirs})))

    def _successor(self, successor: Successor) -> list[Symbol]:
        """The declarations a declared successor's id denotes in today's index (none when it is not there)."""
        spec = successor.target.partition(":")[0]
        return self._index(spec).matches(successor.target) if spec in self.today else []

    def undeclarable(self) -> list[tuple[str, Successor, str]]:
        """Declared successors that cannot be: (2016 id, successor, why), for `check` to report.

        A successor whose release is not imported is not judged (the strips say "not imported").
        """
        out = []
        for sid, successor in self.rules.successors:
            spec = successor.target.partition(":")[0]
            if self.old.get(sid) is None:
                out.append((sid, successor, f"{sid} is no symbol of the pinned release"))
            elif isinstance(self.today.get(spec), str):
                continue
            elif not self._successor(successor):
                out.append((sid, successor, f"{successor.target} is not in today's index of {spec}"))
        return out

    def _named(self, spec: str, directory: str, sym: Symbol) -> list[Symbol]:
        """Declarations of `directory` in `spec` with `sym`'s qualname and a compatible kind, same file name first."""
        body = f"{directory}.{sym.qualname}" if directory else sym.qualname
        hits = [s for s in self._index(spec).matches(f"{spec}:{body}") if compatible(sym, s)]
        base = sym.path.rsplit("/", 1)[-1]
        same_file = [s for s in hits if s.path.rsplit("/", 1)[-1] == base]
        return same_file or hits

    def _body(self, words: Counter[str], scored: tuple[float, str, Symbol]) -> float:
        return cosine(words, self._words_of(scored[1], scored[2]))

    def _same_receiver(self, sym: Symbol, cand: Symbol) -> bool:
        """Whether a method candidate's receiver could be `sym`'s: the same type name, or that type's counterpart.

        A function may become a method and the other way round; but a method moving to another type is
        only believed when the types themselves correspond (`store` -> `refStore`), not when another type
        took over the method's name (`GenericEvaluator.Usage` is not `objectCountEvaluator.Usage`).
        """
        if not sym.receiver or not cand.receiver or sym.receiver == cand.receiver:
            return True
        return self._receiver_counterpart(sym) == f"{cand.pkgdir}.{cand.receiver}"

    def _receiver_counterpart(self, sym: Symbol) -> str | None:
        """`PKGDIR.Type` of today's counterpart of `sym`'s receiver type, if the finder names one."""
        upstream = sym.id.split(":", 1)[0]
        key = f"{upstream}:{sym.pkgdir}.{sym.receiver}"
        if key not in self._receivers:
            self._receivers[key] = None  # a cycle (never expected: types have no receiver) finds nothing
            owner = self.old.get(key)
            if owner is not None:
                text = span_lines(self.old.text(owner.path), owner.doc_start_line, owner.end_line)
                found = self.find(owner, text)
                if found.status.found:
                    target = self._index(found.release).matches(found.target)
                    self._receivers[key] = f"{target[0].pkgdir}.{target[0].qualname}" if target else None
        return self._receivers[key]

    def _elsewhere(self, sym: Symbol) -> list[tuple[str, Symbol]]:
        """Declarations with `sym`'s qualname in any package of today's releases, if its name is distinctive."""
        found = []
        for spec in self.rules.releases:
            if not self._distinctive(spec, sym.name):
                return []
            found += [(spec, s) for s in self._index(spec).search(sym.name)
                      if s.qualname == sym.qualname and compatible(sym, s)]
        return found

    def _pool(self, dirs: Iterable[tuple[str, str]], sym: Symbol) -> list[tuple[str, Symbol]]:
        """Candidates for a rename: compatible declarations of `dirs` whose name is not taken in 2016."""
        return [
            (spec, cand)
            for spec, directory in dirs
            for cand in self._index(spec).package_symbols(directory)
            if compatible(sym, cand) and not self._namesake(spec, directory, sym, cand)
        ]

    def _namesake(self, spec: str, directory: str, sym: Symbol, cand: Symbol) -> bool:
        """Whether `cand` is the counterpart of another 2016 symbol of the same name (so not `sym`'s rename).

        Looks in every 2016 package declared to have moved into `directory`, and for methods also at
        the other methods of `sym`'s receiver (`scopeNaming.ObjectName` claims `ContextBasedNaming.ObjectName`).
        """
        upstream = sym.id.split(":", 1)[0]
        for pkgdir in self.rules.sources_of(spec, directory):
            other = self.old.get(f"{upstream}:{pkgdir}.{cand.qualname}")
            if other is not None and other.id != sym.id:
                return True
        if sym.receiver and cand.receiver and cand.name != sym.name:
            return self.old.get(f"{upstream}:{sym.pkgdir}.{sym.receiver}.{cand.name}") is not None
        return False

    def _distinctive(self, spec: str, name: str) -> bool:
        key = (spec, name.lower())
        if key not in self._name_counts:
            found = self._index(spec).search(name)
            self._name_counts[key] = sum(1 for s in found if s.name.lower() == name.lower())
        return self._name_counts[key] <= MAX_SAME_NAME

    def _result(self, sym: Symbol, text: str, words: Counter[str], spec: str, hits: list[Symbol], via: str,
                status: TodayStatus | None = None, score: float | None = None) -> Counterpart:
        """A found counterpart: the best of `hits`, its text compared with the excerpt's."""
        if len(hits) > 1:
            hits = sorted(hits, key=lambda s: -self.score(sym, words, spec, s))
        new = hits[0]
        doc = text.lstrip().startswith(("//", "/*")) and new.doc_start_line < new.start_line
        new_text = self._text(spec, new, doc=doc)
        first = new.doc_start_line if doc else new.start_line
        if status is None:
            status = TodayStatus.SAME if new_text == text else TodayStatus.CHANGED
            if new.path != sym.path and status is TodayStatus.SAME:
                status = TodayStatus.MOVED  # same text in another file of the same package
        diff = ""
        if new_text != text:
            old_first = sym.end_line - text.count("\n")
            diff = unified(text, new_text, (f"{sym.id.split(':', 1)[0]}:{sym.path}", old_first),
                           (f"{spec}:{new.path}", first))
        added, removed = diff_stat(diff)
        pin = self._index(spec).pin
        return Counterpart(
            sym.id, status, release=spec, target=new.id, path=new.path, start_line=first, end_line=new.end_line,
            permalink=pin.permalink(new.path, first, new.end_line), added=added, removed=removed,
            score=score if score is not None else self.score(sym, words, spec, new), via=via, diff=diff,
        )


class TodayFinder:
    """Counterparts for the excerpt symbols of every upstream, opening today's indexes on first need.

    `index_for(spec)` gives the index of a release (`kubernetes`, `k8s-apiserver@v0.36.3`); a release
    whose sources are missing (SourcesMissing) makes its upstream's symbols *not imported*. Sources that
    fail verification are refused: the VerificationError propagates, as it does for the pinned trees.
    """

    def __init__(self, maps: Mapping[str, TodayMap], index_for: Callable[[str], Any]) -> None:
        self.maps = maps
        self.index_for = index_for
        self._finders: dict[str, Finder | None] = {}

    def finder(self, upstream: str) -> Finder | None:
        """The finder of one upstream (None when the pins declare no today releases for it)."""
        if upstream not in self._finders:
            rules = self.maps.get(upstream)
            if rules is None or not rules.releases:
                self._finders[upstream] = None
            else:
                today: dict[str, TodayIndex | str] = {}
                for spec in rules.releases:
                    try:
                        today[spec] = self.index_for(spec)
                    except SourcesMissing as exc:
                        today[spec] = exc.message
                self._finders[upstream] = Finder(rules, self.index_for(upstream), today)
        return self._finders[upstream]

    def find(self, sym: Symbol, text: str) -> Counterpart | None:
        """The counterpart of one excerpt symbol, or None when its upstream has no today releases."""
        finder = self.finder(sym.id.split(":", 1)[0].partition("@")[0])
        return finder.find(sym, text) if finder is not None else None
