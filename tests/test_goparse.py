"""goparse: declarations, spans, doc comments and scoped uses of Go files we write ourselves."""

from __future__ import annotations

import gc
import marshal
import textwrap
import zlib
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from walkthrough.golang.parse import FileFacts, parse_go
from walkthrough.models import SymbolKind

if TYPE_CHECKING:
    from collections.abc import Callable


def go(src: str) -> FileFacts:
    return parse_go(textwrap.dedent(src).lstrip("\n").encode())


def decls(facts: FileFacts) -> dict[str, tuple[str, int, int, int]]:
    return {d.qualname: (d.kind, d.doc_start_line, d.start_line, d.end_line) for d in facts.decls}


SAMPLE = """
    // Package demo is ours.
    package demo

    import (
        "fmt"
        lib "example.com/lib"
        . "example.com/dot"
    )

    // Greeter greets.
    // Two lines of doc.
    type Greeter struct {
        // Name is a name.
        Name, Alias string
        *Base
        lib.Mixin
    }

    // Speaker speaks.

    type Speaker interface {
        // Speak says it.
        Speak(word string) (int, error)
        fmt.Stringer
    }

    type (
        // ID is grouped.
        ID string
        Handler func() error
    )

    const (
        // A and B share a spec.
        A, B = 1, 2
        C    = 3 // C is trailing
    )

    var Default = &Greeter{Name: "x"}

    // New makes one.
    func New(name string) *Greeter {
        return &Greeter{Name: name}
    }

    // Greet greets; the receiver is a pointer.
    func (g *Greeter) Greet() string { return g.Name }
"""


def test_declarations_spans_and_kinds() -> None:
    facts = go(SAMPLE)
    assert facts.package == "demo"
    assert [(i.name, i.path) for i in facts.imports] == [
        (None, "fmt"),
        ("lib", "example.com/lib"),
        (".", "example.com/dot"),
    ]
    got = decls(facts)
    assert got["Greeter"] == ("struct", 10, 12, 17)
    assert got["Greeter.Name"] == ("field", 13, 14, 14)
    assert got["Greeter.Alias"] == ("field", 13, 14, 14)
    assert got["Greeter.Base"][0] == "field"  # embedded fields are addressable by their type's name
    assert got["Greeter.Mixin"][0] == "field"
    assert got["Speaker"] == ("interface", 21, 21, 25)  # a blank line cuts the doc comment off
    assert got["Speaker.Speak"] == ("interface_method", 22, 23, 23)
    assert got["ID"] == ("type", 28, 29, 29)  # grouped: the spec's own lines and doc
    assert got["Handler"] == ("type", 30, 30, 30)
    assert got["A"] == got["B"] == ("const", 34, 35, 35)
    assert got["C"] == ("const", 36, 36, 36)
    assert got["Default"] == ("var", 39, 39, 39)
    assert got["New"] == ("func", 41, 42, 44)
    method = next(d for d in facts.decls if d.qualname == "Greeter.Greet")
    assert (method.kind, method.receiver, method.start_line, method.doc_start_line) == (
        SymbolKind.METHOD,
        "Greeter",
        47,
        46,
    )
    assert method.doc == "Greet greets; the receiver is a pointer."
    assert next(d for d in facts.decls if d.name == "Greeter").doc == "Greeter greets.\nTwo lines of doc."
    assert not facts.has_error


def test_byte_spans_slice_the_declaration() -> None:
    data = textwrap.dedent(SAMPLE).lstrip("\n").encode()
    facts = parse_go(data)
    new = next(d for d in facts.decls if d.name == "New")
    assert data[new.start_byte : new.end_byte].startswith(b"func New(")
    assert data[new.start_byte : new.end_byte].endswith(b"}")
    assert data[new.doc_start_byte :].startswith(b"// New makes one.")


def test_trailing_comment_of_previous_line_is_not_doc() -> None:
    facts = go("""
        package p

        var x = 1 // about x
        // about F
        func F() {}
    """)
    f = next(d for d in facts.decls if d.name == "F")
    assert (f.doc_start_line, f.doc) == (4, "about F")


def _uses(facts: FileFacts) -> list[tuple[str, object]]:
    return [(name, facts.refs[ref] if ref >= 0 else None) for _, _, _, name, ref in facts.uses]


def test_locals_shadow_package_names_and_types_follow_evidence() -> None:
    facts = go("""
        package p

        func helper() int { return 1 }

        func (s *Server) Run(c *lib.Client, n int) {
            helper()
            helper := 3
            _ = helper
            c.Do()
            s.store.Put()
            x := NewThing()
            x.Go()
            y := &Thing{Name: "a"}
            y.Go()
            for _, item := range s.items {
                item.Go()
            }
            switch v := any(c).(type) {
            case *Thing:
                v.Go()
            }
            unknown := <-s.ch
            unknown.Go()
        }
    """)
    uses = _uses(facts)
    assert uses.count(("helper", ("id", "helper"))) == 1  # only the call before the local is package-level
    assert ("Do", ("f", ("q", "lib", "Client"), "Do")) in uses
    assert ("Put", ("f", ("fv", ("t", "Server"), "store"), "Put")) in uses
    assert ("Go", ("f", ("r", ("g", "NewThing"), 0), "Go")) in uses
    assert ("Go", ("f", ("t", "Thing"), "Go")) in uses
    assert ("Name", ("key", ("t", "Thing"), "Name")) in uses
    assert ("Go", ("f", ("rv", ("fv", ("t", "Server"), "items")), "Go")) in uses
    assert ("Go", ("f", ("t", "Thing"), "Go")) in uses
    # a value of no evident type: its selectors are uses without an expression (never guessed)
    assert ("Go", None) in uses


def test_imports_and_package_selectors() -> None:
    facts = go("""
        package p

        import "example.com/lib"

        var V = lib.New()

        func F(lib int) int { return lib }
    """)
    uses = _uses(facts)
    assert ("New", ("x", "lib", "New")) in uses
    assert ("lib", ("id", "lib")) in uses  # the package name itself, resolved by the index (to nothing)
    assert sum(1 for name, _ in uses if name == "lib") == 1  # the parameter shadows the import in F
    var = next(d for d in facts.decls if d.name == "V")
    assert var.type == ("r", ("gx", "lib", "New"), 0)


def test_syntax_errors_are_flagged_and_the_rest_is_indexed() -> None:
    facts = go("""
        package p

        func Good() int { return 1 }

        func Bad() {
            x := := 2
        }

        func AlsoGood() {}
    """)
    got = {d.name: d.has_error for d in facts.decls}
    assert got["Good"] is False
    assert got.get("Bad") is True
    assert got["AlsoGood"] is False
    assert facts.has_error
    assert 6 in facts.error_lines


def test_encoding_round_trip() -> None:
    facts = go(SAMPLE)
    assert FileFacts.decode(facts.encode()) == facts


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # cut short
        lambda b: b[:-1] + bytes([b[-1] ^ 1]),  # a flipped bit (zlib's checksum)
        lambda _: b"not zlib at all",
        lambda _: zlib.compress(b"\xff\x00 not marshal"),
        lambda _: zlib.compress(marshal.dumps(("pkg", (), (), (), ()))),  # too few parts
        lambda _: zlib.compress(marshal.dumps((1, (), (), (), (), False, ()))),  # a package that is no str
        lambda _: zlib.compress(marshal.dumps(("p", (), (("N", "N", "nokind", *[0] * 12),), (), (), False, ()))),
        lambda _: zlib.compress(marshal.dumps(("p", ((1, 2),), (), (), (), False, ()))),  # an import of 2
        lambda _: zlib.compress(marshal.dumps(("p", (), ((1, 2, 3),), (), (), False, ()))),  # a Decl of 3
    ],
)
def test_damaged_encodings_are_value_errors(damage: Callable[[bytes], bytes]) -> None:
    with pytest.raises(ValueError, match="not encoded facts"):
        FileFacts.decode(damage(go(SAMPLE).encode()))


def test_use_lines_count_newlines_with_crlf_and_multibyte_names() -> None:
    src = (
        "package p\r\n\r\nvar Größe = 1\r\n\r\nfunc f() {\r\n\tif true {\r\n\t\t{\r\n"
        "\t\t\tprintln(Größe)\r\n\t\t}\r\n\t}\r\n\tswitch {\r\n\tdefault:\r\n\t\tGröße++\r\n\t}\r\n}\r\n"
    ).encode()
    facts = parse_go(src)
    uses = [(line, name) for start, _, line, name, _ in facts.uses if src[:start].count(b"\n") + 1 == line]
    assert uses == [(line, name) for _, _, line, name, _ in facts.uses]
    assert [u for u in uses if u[1] == "Größe"] == [(8, "Größe"), (13, "Größe")]


def test_block_scopes_close_at_their_end() -> None:
    facts = go(
        """
        package p

        var v, w int

        func f() {
            if v := 1; v > 0 {
                w := v
                _ = w
            } else {
                _ = v
            }
            for {
                v := 2
                _ = v
                break
            }
            _ = v
            _ = w
        }
        """
    )
    assert [(line, name) for _, _, line, name, _ in facts.uses if name in ("v", "w")] == [
        (17, "v"),
        (18, "w"),
    ]


def test_deep_nesting_and_size_do_not_crash() -> None:
    deep = b"package p\nvar x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n"
    facts = parse_go(deep)
    assert any(d.name == "x" for d in facts.decls)
    blocks = b"package p\nfunc f() {" + b"{" * 3000 + b"}" * 3000 + b"}\n"
    assert any(d.name == "f" for d in parse_go(blocks).decls)
    chain = b"package p\nvar y = a" + b".b" * 4000 + b"\nfunc g() { z := a" + b".b" * 4000 + b"; z.c() }\n"
    assert any(d.name == "y" for d in parse_go(chain).decls)
    slices = b"package p\nvar s " + b"[]" * 4000 + b"int\nfunc h(v " + b"map[int]" * 3000 + b"int) {}\n"
    assert any(d.name == "h" for d in parse_go(slices).decls)
    calls = b"package p\nfunc k() { f" + b"(f" * 3000 + b")" * 3001 + b" }\n"
    assert any(d.name == "k" for d in parse_go(calls).decls)
    many = b"package p\n" + b"".join(b"func F%d(a int) int { return a + %d }\n" % (i, i) for i in range(20000))
    assert len(parse_go(many).decls) == 20000


GO_WORDS = st.sampled_from(
    [
        "package",
        "p",
        "func",
        "type",
        "struct",
        "interface",
        "{",
        "}",
        "(",
        ")",
        "var",
        "const",
        "=",
        ":=",
        "x",
        "y.z",
        "[]",
        "*",
        ",",
        ";",
        "\n",
        "//c\n",
        "/*",
        "*/",
        '"s"',
        "`r`",
        "map[",
        "]",
        "range",
        "for",
        "switch",
        "case",
        ":",
        "&",
        "T{",
        "...",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2000), st.lists(GO_WORDS, max_size=300).map(lambda w: " ".join(w).encode())))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    facts = parse_go(data)
    assert FileFacts.decode(facts.encode()) == facts
    for d in facts.decls:
        assert 1 <= d.start_line <= d.end_line
        assert 0 <= d.start_byte <= d.end_byte <= len(data)


def test_a_parse_leaves_no_cyclic_garbage() -> None:
    """Index builds run with the cyclic collector paused: a parse must be freed by reference counts alone."""
    gc.collect()
    gc.disable()
    try:
        go(SAMPLE)
        parse_go(b"package a\nfunc F( {\n\tx := := 1\n")
        assert gc.collect() == 0
    finally:
        gc.enable()
