"""The one Go lexer classes Go as Pygments 2.20's Go lexer did (the site's colours), and the terminal's scan agrees.

The lexer is a port of those rules (the site keeps its look whatever Pygments is installed; 2.21 changed
its Go rules): the comparisons with Pygments run where 2.20 is installed, the expectations everywhere.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkthrough.html import golex

pygments = pytest.importorskip("pygments")
import pygments.lexers.go as pygments_go  # noqa: E402 - after the skip
from pygments.token import STANDARD_TYPES  # noqa: E402

same_rules = pytest.mark.skipif(
    not pygments.__version__.startswith("2.20."),
    reason=f"the lexer ports Pygments 2.20's Go rules; Pygments {pygments.__version__} is installed",
)

COLOURED = {"c1", "cm", "s", "sc", "k", "kd", "kn", "kt", "kc", "nb", "m", "mf", "mo", "mh", "mi"}
GO = """package main

import "fmt"

// Sum adds: a comment with `code` and "quotes".
func Sum(xs []int, f float64) (int, error) {
\ttotal := 0x1F + 017 + 1.5e3 + .5 + 2i
\tfor _, x := range xs { total += x }
\tif len(xs) == 0 && f != 0 { return 0, fmt.Errorf("none: %q", 'a') }
\tvar m map[string]chan struct{} = make(map[string]chan struct{})
\t_ = m; _ = nil; _ = iota; s := `raw
string`; _ = s
\t/* block
\t   comment */ return total, nil
}
"""


def _classes(code: str, toks: list[tuple[int, str, str]]) -> list[str]:
    out = [""] * len(code)
    for pos, cls, text in toks:
        for i in range(len(text)):
            out[pos + i] = cls
    return out


def _pygments(code: str) -> list[tuple[int, str, str]]:
    lexer = pygments_go.GoLexer(stripnl=False, ensurenl=False, tabsize=0)

    def short(ttype: object) -> str:
        while ttype not in STANDARD_TYPES:
            ttype = ttype.parent  # type: ignore[attr-defined]
        return STANDARD_TYPES[ttype]

    return [(pos, short(ttype), value) for pos, ttype, value in lexer.get_tokens_unprocessed(code)]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("package main", [("kn", "package"), ("w", " "), ("nx", "main")]),
        ("func f(m map[string]chan int)", [("kd", "func"), ("w", " "), ("nx", "f"), ("p", "("), ("nx", "m"),
                                           ("w", " "), ("kd", "map"), ("p", "["), ("kt", "string"), ("p", "]"),
                                           ("kd", "chan"), ("w", " "), ("kt", "int"), ("p", ")")]),
        ("len(x) + len", [("nb", "len"), ("p", "("), ("nx", "x"), ("p", ")"), ("w", " "), ("o", "+"), ("w", " "),
                          ("nx", "len")]),
        ("x := 0x1F + 017 + 1.5e3 + .5 + 2i", [("nx", "x"), ("w", " "), ("o", ":="), ("w", " "), ("mh", "0x1F"),
                                               ("w", " "), ("o", "+"), ("w", " "), ("mo", "017"), ("w", " "),
                                               ("o", "+"), ("w", " "), ("mf", "1.5e3"), ("w", " "), ("o", "+"),
                                               ("w", " "), ("mf", ".5"), ("w", " "), ("o", "+"), ("w", " "),
                                               ("m", "2i")]),
        ("'a' `r` \"s\" // c", [("sc", "'a'"), ("w", " "), ("s", "`r`"), ("w", " "), ("s", '"s"'), ("w", " "),
                                 ("c1", "// c")]),
        ("nil /* x */ fork", [("kc", "nil"), ("w", " "), ("cm", "/* x */"), ("w", " "), ("nx", "fork")]),
    ],
)
def test_tokens_get_the_classes_the_site_colours(code: str, expected: list[tuple[str, str]]) -> None:
    assert [(cls, text) for _, cls, text in golex.tokens(code)] == expected


@same_rules
def test_every_character_is_classed_as_pygments_classes_it() -> None:
    assert _classes(GO, list(golex.tokens(GO))) == _classes(GO, _pygments(GO))


@same_rules
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"abfx019.eE_ \t\n\"'`/*\\+-=:<>&|^!()[]{},;~%", "for", "func", "len(", "nil", "int"]),
                max_size=60).map("".join))
def test_any_text_is_classed_as_pygments_classes_it(code: str) -> None:
    assert _classes(code, list(golex.tokens(code))) == _classes(code, _pygments(code))


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["for", "fork", "x1", "1x", "len(", "len", "// c\n", "/* c */", '"s"', "'a'", "`r`",
                                 "0x1F", "1.5e3", ".5", "2i", " ", "\n", "(", ".", "...", "..", "nil", "string", "var",
                                 "1", "e3"]),
                max_size=20).map("".join))
def test_the_terminal_scan_finds_the_coloured_tokens(code: str) -> None:
    def norm(cls: str) -> str:
        return "mi" if cls.startswith("m") else cls

    expected = [(pos, norm(cls), text) for pos, cls, text in golex.tokens(code) if cls in COLOURED]
    assert [(pos, norm(cls), text) for pos, cls, text in golex.coloured(code)] == expected


@same_rules
@pytest.mark.upstream
def test_the_pinned_trees_are_classed_as_pygments_classes_them(k8s_tree: object, docker_tree: object) -> None:
    """Every 20th Go file of both trees, character by character."""
    for tree in (k8s_tree, docker_tree):
        paths = sorted(p for p in tree.paths() if p.endswith(".go"))  # type: ignore[attr-defined]
        for path in paths[::20]:
            code = tree.read(path).decode("utf-8", "replace")  # type: ignore[attr-defined]
            assert _classes(code, list(golex.tokens(code))) == _classes(code, _pygments(code)), path
