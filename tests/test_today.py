"""The "then and now" finder on fake upstreams: each status, the rules that keep it from guessing, bad input."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from walkthrough.check.today import (
    DECLARED,
    Counterpart,
    Move,
    TodayFinder,
    TodayMap,
    TodayStatus,
    cosine,
    diff_stat,
    features,
    span_lines,
    today_map,
)
from walkthrough.cli import main
from walkthrough.errors import VerificationError
from walkthrough.index.reader import load_index
from walkthrough.sources.pins import load_pins

if TYPE_CHECKING:
    from collections.abc import Callable

    from walkthrough.sources import SourceTree

OLD = {
    "pkg/a/a.go": """package a

// Same is unchanged.
func Same(x int) int {
\treturn x + 1
}

// Changed grows a line.
func Changed(x int) int {
\ty := x * 2
\treturn y
}

func init() {
\tregister("a")
}

func register(name string) {}

type T struct{ n int }

// M belongs to T, which is gone today.
func (t *T) M() int {
\treturn t.n + compute(t.n, "weights")
}

func compute(n int, s string) int { return n }
""",
    "pkg/old/old.go": """package old

import "strings"

// Moved keeps its name in a new package.
func Moved(s string) string {
\treturn strings.ToUpper(strings.TrimSpace(s))
}

func addThing(list []string, thing string) []string {
\tif strings.HasPrefix(thing, "#") {
\t\treturn list
\t}
\treturn append(list, strings.ToLower(thing))
}

func computeTotal(prices map[string]int, discount int) int {
\ttotal := 0
\tfor name, price := range prices {
\t\tif strings.HasSuffix(name, "-free") {
\t\t\tcontinue
\t\t}
\t\ttotal += price
\t}
\treturn applyDiscount(total, discount, "percent")
}

func applyDiscount(total, discount int, mode string) int { return total - discount }

func Removed(a, b int) int {
\treturn a*b - a
}

func helper(root, group, version string) string {
\tprefix := joinPath(root, group, version)
\treturn prefix
}

// Caller still exists today; helper's body was inlined into it.
func Caller(root, group, version string) string {
\tprefix := helper(root, group, version)
\treturn prefix + "/"
}

func joinPath(parts ...string) string { return strings.Join(parts, "/") }
""",
    "cmd/tool/main.go": """package main

func main() {}
""",
}

SAME_UPSTREAM = {  # fake@v2.0.0: a later release of fake itself
    "pkg/a/a.go": """package a

// Same is unchanged.
func Same(x int) int {
\treturn x + 1
}

// Changed grows a line.
func Changed(x int) int {
\ty := x * 2
\ty++
\treturn y
}

func register(name string) {}

// U took over the method name, but it is not T.
type U struct{ names []string }

func (u *U) M() int {
\treturn len(u.names) + compute(len(u.names), "weights")
}

func compute(n int, s string) int { return n }
""",
    "pkg/a/other.go": """package a

func init() {
\tloadDefaults()
}

func loadDefaults() {}
""",
}

MOVED = {  # moved@v1.0.0: the repository pkg/old moved to
    "pkg/new/new.go": """package new

import "strings"

// Moved keeps its name in a new package.
func Moved(s string) string {
\treturn strings.ToUpper(strings.TrimSpace(s))
}

func AddThing(list []string, thing string) []string {
\tif strings.HasPrefix(thing, "#") {
\t\treturn list
\t}
\treturn append(list, strings.ToLower(thing))
}

func sumAll(prices map[string]int, discount int) int {
\ttotal := 0
\tfor name, price := range prices {
\t\tif strings.HasSuffix(name, "-free") {
\t\t\tcontinue
\t\t}
\t\ttotal += price
\t}
\treturn applyDiscount(total, discount, "percent")
}

func applyDiscount(total, discount int, mode string) int { return total - discount }

// Caller now builds the prefix itself.
func Caller(root, group, version string) string {
\tprefix := joinPath(root, group, version)
\treturn prefix + "/"
}

func joinPath(parts ...string) string { return strings.Join(parts, "/") }

func Unrelated(w, h int) int { return w + h }
""",
}

TODAY = {"fake@v2.0.0": SAME_UPSTREAM, "moved@v1.0.0": MOVED}
MOVES = {
    "pkg/old": ["moved@v1.0.0:pkg/new"],
    "cmd/": ["untracked:example/elsewhere cmd"],
}


def _finder() -> TodayFinder:
    ups = load_pins()
    return TodayFinder({n: today_map(u) for n, u in ups.items()}, load_index)


def _find(finder: TodayFinder, sid: str) -> Counterpart:
    old = load_index("fake")
    sym = old.get(sid)
    assert sym is not None, sid
    found = finder.find(sym, span_lines(old.text(sym.path), sym.doc_start_line, sym.end_line))
    assert found is not None
    return found


@pytest.fixture
def finder(fake_upstream: Callable[..., SourceTree]) -> TodayFinder:
    fake_upstream(OLD, today=TODAY, moves=MOVES)
    return _finder()


def test_same_and_changed(finder: TodayFinder) -> None:
    same = _find(finder, "fake:pkg/a.Same")
    assert (same.status, same.target, same.release) == (TodayStatus.SAME, "fake@v2.0.0:pkg/a.Same", "fake@v2.0.0")
    assert not same.diff
    assert same.permalink.endswith("/pkg/a/a.go#L3-L6")
    changed = _find(finder, "fake:pkg/a.Changed")
    assert changed.status is TodayStatus.CHANGED
    assert (changed.added, changed.removed) == (1, 0)
    assert "+\ty++" in changed.diff
    assert changed.span == "pkg/a/a.go:8-13"


def test_declared_move_and_renames(finder: TodayFinder) -> None:
    moved = _find(finder, "fake:pkg/old.Moved")
    assert (moved.status, moved.target) == (TodayStatus.MOVED, "moved@v1.0.0:pkg/new.Moved")
    assert moved.via == "declared move pkg/old -> pkg/new"
    shape = _find(finder, "fake:pkg/old.addThing")
    assert (shape.status, shape.target, shape.via) == (
        TodayStatus.RENAMED, "moved@v1.0.0:pkg/new.AddThing", "same name, new shape")
    body = _find(finder, "fake:pkg/old.computeTotal")
    assert (body.status, body.target, body.via) == (
        TodayStatus.RENAMED, "moved@v1.0.0:pkg/new.sumAll", "body similarity")
    assert body.score is not None
    assert body.score > 0.8


def test_gone_lists_the_nearest(finder: TodayFinder) -> None:
    gone = _find(finder, "fake:pkg/old.Removed")
    assert gone.status is TodayStatus.GONE
    assert not gone.target
    assert gone.candidates
    assert all(c.startswith("moved@v1.0.0:pkg/new.") for c, _ in gone.candidates)


def test_a_namesake_is_not_a_rename(finder: TodayFinder) -> None:
    """The body of helper lives on in Caller, but Caller is Caller's own counterpart: helper is gone."""
    helper = _find(finder, "fake:pkg/old.helper")
    assert helper.status is TodayStatus.GONE
    assert _find(finder, "fake:pkg/old.Caller").target == "moved@v1.0.0:pkg/new.Caller"


def test_an_init_is_known_by_its_file(finder: TodayFinder) -> None:
    """Today's init in other.go registers something else: not the init of a.go."""
    assert _find(finder, "fake:pkg/a.init").status is TodayStatus.GONE


def test_a_method_follows_its_receiver(finder: TodayFinder) -> None:
    """U.M has T.M's name and much of its body, but U is not T's counterpart (T is gone)."""
    found = _find(finder, "fake:pkg/a.T.M")
    assert found.status is TodayStatus.GONE
    assert "fake@v2.0.0:pkg/a.U.M" in dict(found.candidates)


SUCCESSORS = {"pkg/old.Removed": ("moved@v1.0.0:pkg/new.Unrelated", "the product became a sum, under a new name")}


def test_a_declared_successor_comes_before_the_search(fake_upstream: Callable[..., SourceTree],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Removed is gone to the search; declared, it is renamed to Unrelated, with the diff the pair has."""
    fake_upstream(OLD, today=TODAY, moves=MOVES, successors=SUCCESSORS)
    found = _find(_finder(), "fake:pkg/old.Removed")
    assert (found.status, found.target, found.via, found.reason) == (
        TodayStatus.RENAMED, "moved@v1.0.0:pkg/new.Unrelated", DECLARED, SUCCESSORS["pkg/old.Removed"][1])
    assert found.permalink.startswith("https://github.com/example/moved/blob/")
    assert "+func Unrelated(w, h int) int { return w + h }" in found.diff
    assert (found.added, found.removed) == (1, 3)
    search = TodayFinder({n: today_map(u, successors=False) for n, u in load_pins().items()}, load_index)
    assert _find(search, "fake:pkg/old.Removed").status is TodayStatus.GONE  # the search alone, as measured
    finder = _finder().finder("fake")
    assert finder is not None
    assert finder.undeclarable() == []
    assert main(["explain", "fake:pkg/old.Removed", "--today"]) == 0
    out = capsys.readouterr().out
    assert "today: renamed in moved@v1.0.0" in out
    assert "named by the walkthrough (snapshots/upstreams.toml): the product became a sum" in out


def test_a_declared_successor_that_is_not_there(fake_upstream: Callable[..., SourceTree]) -> None:
    """The search answers (no guess is shown as declared), and `undeclarable` says why for `check`."""
    fake_upstream(OLD, today=TODAY, moves=MOVES, successors={
        "pkg/old.Removed": ("moved@v1.0.0:pkg/new.Nowhere", "a typo"),
        "pkg/old.NeverWas": ("moved@v1.0.0:pkg/new.Unrelated", "no such 2016 symbol"),
    })
    assert _find(_finder(), "fake:pkg/old.Removed").status is TodayStatus.GONE
    finder = _finder().finder("fake")
    assert finder is not None
    assert [why for _, _, why in finder.undeclarable()] == [
        "moved@v1.0.0:pkg/new.Nowhere is not in today's index of moved@v1.0.0",
        "fake:pkg/old.NeverWas is no symbol of the pinned release",
    ]


def test_declared_untracked(finder: TodayFinder) -> None:
    found = _find(finder, "fake:cmd/tool.main")
    assert (found.status, found.where) == (TodayStatus.NOT_TRACKED, "example/elsewhere cmd")


def test_not_imported(fake_upstream: Callable[..., SourceTree]) -> None:
    fake_upstream(OLD, today=TODAY, moves=MOVES, unimported=("moved@v1.0.0",))
    found = _find(_finder(), "fake:pkg/a.Same")
    assert found.status is TodayStatus.NOT_IMPORTED
    assert "moved@v1.0.0" in found.via
    assert _find(_finder(), "fake:cmd/tool.main").status is TodayStatus.NOT_TRACKED  # a declared fact needs no sources


def test_tampered_today_sources_are_refused(finder: TodayFinder) -> None:
    tree = load_index("moved@v1.0.0").tree
    path = tree.root / "pkg/new/new.go"
    path.chmod(0o644)
    path.write_text(path.read_text().replace("ToUpper", "ToLower"))
    with pytest.raises(VerificationError, match="modified after import"):
        _find(_finder(), "fake:pkg/old.Moved")


def test_rules() -> None:
    rules = TodayMap("k", ("t@1",), (
        Move("pkg/a", (("t@1", "x"), ("t@1", "y"))),
        Move("pkg/", (("t@1", "new/"),)),
        Move("pkg/a/b/", (), "untracked place"),
    ))
    assert rules.rule("pkg/a") == rules.moves[0]
    assert rules.rule("pkg/a/c") == rules.moves[1]
    assert rules.moves[1].dirs("pkg/a/c") == [("t@1", "new/a/c")]
    assert rules.rule("pkg/a/b/c") == rules.moves[2]
    assert rules.rule("other") is None
    assert rules.sources_of("t@1", "x") == ["pkg/a", "x"]


def test_similarity_words() -> None:
    words = features('func F(a int) string { return fmt.Sprintf("%d items", g(a.n)) } // g(comment)')
    assert words["c:Sprintf"] == 1
    assert words["c:g"] == 1
    assert words["f:n"] == 1
    assert words["s:%d items"] == 1
    assert "c:comment" not in words
    assert "i:int" not in words  # the commonest predeclared names say nothing
    assert cosine(words, words) == pytest.approx(1.0)
    assert cosine(words, features("func H() {}")) < 0.3
    assert diff_stat("--- a\n+++ b\n@@\n-x\n+y\n+z\n unchanged") == (2, 1)


def test_explain_today(finder: TodayFinder, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "fake:pkg/a.Changed", "--today"]) == 0
    out = capsys.readouterr().out
    assert "today: changed in fake@v2.0.0" in out
    assert "pkg/a/a.go:8-13  +1 -0" in out
    assert "@@ -9,4 +9,5 @@" in out  # hunks count the files' own lines (two lines of context)
    assert main(["explain", "fake:pkg/old.computeTotal", "--today", "--json", "--no-code"]) == 0
    today = json.loads(capsys.readouterr().out)["today"]
    assert (today["status"], today["target"], today["via"]) == (
        "renamed", "moved@v1.0.0:pkg/new.sumAll", "body similarity")
    assert today["diff"] is None
    assert today["permalink"].startswith("https://github.com/example/moved/blob/")


def test_explain_today_bad_input(fake_upstream: Callable[..., SourceTree], capsys: pytest.CaptureFixture[str]) -> None:
    fake_upstream(OLD, today=TODAY, moves=MOVES, unimported=("moved@v1.0.0",))
    assert main(["explain", "fake:pkg/a.Same", "--today"]) == 3
    err = capsys.readouterr().err
    assert "moved@v1.0.0" in err
    assert "walkthrough sources fetch --all" in err
    assert main(["explain", "fake@v2.0.0:pkg/a.Same", "--today"]) == 2  # a today symbol has no today of its own
    assert "--today needs a symbol of a pinned release" in capsys.readouterr().err
