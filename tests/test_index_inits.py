"""Several `func init` in one Go file: each has an id, `init@file.go` then `init@file.go#2` and so on.

Each id round-trips through lookup, explain and the reference graph; a wrong `#N` is an unknown
symbol with suggestions.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from walkthrough.cli import main
from walkthrough.errors import SymbolError
from walkthrough.index.reader import Index, load_index
from walkthrough.symbolid import format_id, id_ordinal, parse_query

if TYPE_CHECKING:
    from collections.abc import Callable

    from walkthrough.sources import SourceTree

MAIN_GO = """\
package a

var registry = map[string]int{}

// init registers the first.
func init() {
	registry["first"] = 1
}

func Register(name string) { registry[name] = len(registry) }

func init() {
	Register("second")
}

func init() { Register("third") }
"""

OTHER_GO = 'package a\n\nfunc init() {\n\tRegister("other")\n}\n'

ONLY_GO = "package b\n\nfunc init() {}\n\nfunc init() {\n\tHelper()\n}\n\nfunc Helper() {}\n"

FILES = {
    "pkg/a/main.go": MAIN_GO,
    "pkg/a/other.go": OTHER_GO,
    "pkg/b/only.go": ONLY_GO,
    "pkg/c/c.go": "package c\n\nfunc init() {}\n\nfunc Solo() {}\n",
}


@pytest.fixture
def idx(fake_upstream: Callable[..., SourceTree]) -> Index:
    fake_upstream(FILES)
    return load_index("fake")


def test_every_init_has_an_id_numbered_in_file_order(idx: Index) -> None:
    inits = {s.id: s.start_line for s in idx.symbols() if s.qualname == "init"}
    assert inits == {
        "fake:pkg/a.init@main.go": 6,
        "fake:pkg/a.init@main.go#2": 12,
        "fake:pkg/a.init@main.go#3": 16,
        "fake:pkg/a.init@other.go": 3,
        "fake:pkg/b.init@only.go": 3,
        "fake:pkg/b.init@only.go#2": 5,
        "fake:pkg/c.init": 3,  # the only init of its package needs no file
    }


def test_ids_with_an_ordinal_round_trip(idx: Index) -> None:
    for sym in idx.symbols():
        assert idx.get(sym.id) == sym
        q = parse_query(sym.id)
        file = q.file if sym.id.partition("@")[1] else None
        assert format_id("fake", sym.pkgdir, sym.qualname, file=file, ordinal=q.ordinal) == sym.id
        assert id_ordinal(sym.id) == q.ordinal


def test_lookup_tells_the_inits_of_one_file_apart(idx: Index) -> None:
    for sym in idx.symbols():
        assert idx.lookup(sym.id) == sym
    assert idx.lookup("pkg/a.init@main.go#3").start_line == 16  # short forms take #N too
    assert idx.lookup("init@only.go#2").id == "fake:pkg/b.init@only.go#2"
    assert idx.lookup("fake:pkg/a.init@main.go").doc == "init registers the first."


def test_uses_inside_later_inits_link_both_ways(idx: Index) -> None:
    second = idx.get("fake:pkg/a.init@main.go#2")
    assert second is not None
    assert idx.references(second) == ["fake:pkg/a.Register"]
    assert idx.referenced_by("fake:pkg/a.Register") == [
        "fake:pkg/a.init@main.go#2",
        "fake:pkg/a.init@main.go#3",
        "fake:pkg/a.init@other.go",
    ]
    assert idx.referenced_by("fake:pkg/b.Helper") == ["fake:pkg/b.init@only.go#2"]


@pytest.mark.parametrize(
    "text",
    [
        "fake:pkg/a.init@main.go#4",  # out of range
        "fake:pkg/a.init@other.go#2",
        "fake:pkg/a.Register@main.go#2",  # not an init
        "fake:pkg/c.Solo@c.go#2",
    ],
)
def test_a_wrong_ordinal_is_an_unknown_symbol_with_suggestions(idx: Index, text: str) -> None:
    with pytest.raises(SymbolError, match="unknown symbol") as info:
        idx.lookup(text)
    assert info.value.candidates
    assert all(idx.get(c) is not None for c in info.value.candidates)


@pytest.mark.usefixtures("idx")
def test_explain_a_second_init(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--json", "fake:pkg/b.init@only.go#2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["id"], data["start_line"], data["end_line"]) == ("fake:pkg/b.init@only.go#2", 5, 7)
    assert data["references"] == ["fake:pkg/b.Helper"]
    assert main(["explain", "fake:pkg/b.init@only.go#3"]) == 2  # a usage error
    assert "fake:pkg/b.init@only.go" in capsys.readouterr().err
