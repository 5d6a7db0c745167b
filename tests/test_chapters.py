"""The directive parser and expansion: grammar, offsets, options, and every author error with its location."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from chapter_fakes import GO_AUTH, FakeIndex
from hypothesis import given, settings
from hypothesis import strategies as st

from walkthrough.book.directives import (
    DirectiveError,
    default_anchor_id,
    expand_directive,
    parse_chapter,
    scan_chapter,
)
from walkthrough.book.expand import expand_chapter
from walkthrough.errors import SourcesMissing

if TYPE_CHECKING:
    from pathlib import Path

INDEX = FakeIndex({"pkg/auth/auth.go": GO_AUTH})


def index_for(upstream: str) -> FakeIndex:
    if upstream != "fake":
        raise SourcesMissing(f"no sources for {upstream}")
    return INDEX


CHAPTER = """\
# The chain

Some prose.

/// excerpt | fake:pkg/auth.Chain
id: chain
focus:
  - from: "func Chain("
    to: "return item"
highlight: ["strings.HasPrefix"]
notes:
  - at: "for _, item := range items"
    text: Order matters, **first** success wins.
---
The whole loop, in *our* words.
///

More prose.

/// excerpt | fake:pkg/auth.Adder.Add
///
"""


def test_parse_finds_blocks_with_offsets_options_and_caption() -> None:
    first, second = parse_chapter(CHAPTER, file="c.md")
    assert first.location == "c.md:5"
    assert first.symbol == "fake:pkg/auth.Chain"
    assert first.upstream == "fake"
    assert first.options["focus"] == [{"from": "func Chain(", "to": "return item"}]
    assert first.caption == "The whole loop, in *our* words."
    assert CHAPTER[first.start : first.end].startswith("/// excerpt | fake:pkg/auth.Chain\n")
    assert CHAPTER[first.start : first.end].endswith("///\n")
    assert first.option_lines == {"id": 6, "focus": 7, "highlight": 10, "notes": 11}
    assert first.anchor_id() == "chain"
    assert second.options == {}
    assert second.caption == ""
    assert second.anchor_id() == "pkg-auth-Adder-Add"
    assert CHAPTER[second.start : second.end] == "/// excerpt | fake:pkg/auth.Adder.Add\n///\n"


def test_blank_line_ends_header_and_indented_options_work() -> None:
    text = "/// excerpt | fake:pkg/auth.Chain\n    doc: false\n    id: x\n\nCaption here.\n///\n"
    (d,) = parse_chapter(text, file="c.md")
    assert d.options == {"doc": False, "id": "x"}
    assert d.caption == "Caption here."


def test_directives_inside_code_fences_are_ignored() -> None:
    text = "```markdown\n/// excerpt | fake:pkg/auth.Chain\n///\n```\n\n~~~~\n/// excerpt | nope\n~~~~\n"
    assert parse_chapter(text, file="c.md") == []


def test_expand_resolves_focus_notes_and_caption() -> None:
    directives = parse_chapter(CHAPTER, file="c.md")
    result = expand_directive(directives[0], index_for)
    ex = result.excerpt
    assert result.anchor_id == ex.anchor_id == "chain"
    assert ex.shown == ((12, 15),)
    assert ex.highlight == (14,)
    assert [(n.line, n.text) for n in ex.notes] == [(13, "Order matters, **first** success wins.")]
    assert ex.caption == "The whole loop, in *our* words."
    assert ex.location == "c.md:5"


def problems_of(text: str) -> list:
    return expand_chapter(text, "c.md", index_for, {}).problems


def test_unknown_symbol_suggests_candidates() -> None:
    (p,) = problems_of("x\n/// excerpt | fake:pkg/auth.Chian\n///\n")
    assert p.location == "c.md:2"
    assert p.symbol == "fake:pkg/auth.Chian"
    assert "unknown symbol" in p.message
    assert "fake:pkg/auth.Chain" in (p.hint or "")


def test_symbol_must_be_a_full_id() -> None:
    (p,) = problems_of("/// excerpt | Chain\n///\n")
    assert "not a full symbol id" in p.message


def test_note_anchor_problem_points_at_its_chapter_line() -> None:
    text = '/// excerpt | fake:pkg/auth.Chain\nnotes:\n  - at: "retrun item"\n    text: typo\n///\n'
    (p,) = problems_of(text)
    assert p.location == "c.md:3"
    assert "`retrun item` matches no line" in p.message
    assert "return item, true" in (p.hint or "")


def test_ambiguous_anchor() -> None:
    (p,) = problems_of("/// excerpt | fake:pkg/auth.Chain\nhighlight: [return]\n///\n")
    assert "matches 2 lines" in p.message
    assert p.location == "c.md:2"


def test_focus_out_of_order() -> None:
    text = ('/// excerpt | fake:pkg/auth.Chain\nfocus:\n  - from: "// nobody"\n    to: "return \\"\\""\n'
            '  - from: "func Chain("\n    to: "for _"\n///\n')
    (p,) = problems_of(text)
    assert "out of order" in p.message
    assert p.location == "c.md:5"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("/// excerpt | fake:pkg/auth.Chain\nfocus: [oops\n///\n", "not valid YAML", 2),
        ("/// excerpt | fake:pkg/auth.Chain\nnote:\n  - at: x\n///\n", "unknown directive option `note`", 2),
        ("/// excerpt | fake:pkg/auth.Chain\ndoc: maybe\n///\n", "`doc` must be true or false", 2),
        ("/// excerpt | fake:pkg/auth.Chain\nfocus: [{from: a, too: b}]\n///\n", "`focus` must be a list", 2),
        ("/// excerpt | fake:pkg/auth.Chain\nfocus: [{}]\n///\n", "`focus` must be a list", 2),
        ("/// excerpt | fake:pkg/auth.Chain\nnotes: [{at: a}]\n///\n", "`notes` must be a list", 2),
        ("/// excerpt | fake:pkg/auth.Chain\npython: not a target\n///\n", "`python` must be `module:qualname`", 2),
        ("/// excerpt | fake:pkg/auth.Chain\n- a list\n///\n", "must be `key: value` lines", 1),
        ("/// excerpt\n///\n", "names no symbol", 1),
        ("text\n\n/// excerpt | fake:pkg/auth.Chain\nid: a\n", "never closed", 3),
    ],
)
def test_syntax_errors(text: str, message: str, line: int) -> None:
    directives, problems = scan_chapter(text, file="c.md")
    assert directives == []
    assert len(problems) == 1, problems
    assert message in problems[0].message
    assert problems[0].location == f"c.md:{line}"
    assert problems[0].hint
    with pytest.raises(DirectiveError):
        parse_chapter(text, file="c.md")


def test_unknown_option_suggests_the_right_one() -> None:
    _, (p,) = scan_chapter("/// excerpt | fake:pkg/auth.Chain\nhighlite: [a]\n///\n", file="c.md")
    assert p.hint == "did you mean `highlight`?"


def test_duplicate_anchor_ids() -> None:
    text = "/// excerpt | fake:pkg/auth.Chain\nid: x\n///\n/// excerpt | fake:pkg/auth.helper\nid: x\n///\n"
    _, (p,) = scan_chapter(text, file="c.md")
    assert p.location == "c.md:4"
    assert "already used at line 1" in p.message


def test_python_pair_must_import_and_exist() -> None:
    ok = "/// excerpt | fake:pkg/auth.Chain\npython: walkthrough.book.excerpt:make_excerpt\n///\n"
    assert problems_of(ok) == []
    (p,) = problems_of("/// excerpt | fake:pkg/auth.Chain\npython: walkthrough.nonexistent:thing\n///\n")
    assert "does not import" in p.message
    assert p.location == "c.md:2"
    (p,) = problems_of("/// excerpt | fake:pkg/auth.Chain\npython: walkthrough.book.excerpt:make_exerpt\n///\n")
    assert "`make_exerpt` does not exist" in p.message
    assert "make_excerpt" in (p.hint or "")


def test_sources_missing_propagates() -> None:
    (d,) = parse_chapter("/// excerpt | other:pkg.X\n///\n", file="c.md")
    with pytest.raises(SourcesMissing):
        expand_directive(d, index_for)


def test_default_anchor_id() -> None:
    assert default_anchor_id("kubernetes:pkg/auth/group.GroupAdder.AuthenticateRequest") == (
        "pkg-auth-group-GroupAdder-AuthenticateRequest")
    assert default_anchor_id("docker:image.RootFS.ChainID@rootfs_unix.go") == "image-RootFS-ChainID-rootfs_unix-go"


def test_note_text_with_colon_or_hash_is_taken_literally() -> None:
    text = ("/// excerpt | fake:pkg/auth.Chain\nnotes:\n  - at: for _, item := range items\n"
            "    text: Careful: this is #1, not a comment\n///\n")
    (d,) = parse_chapter(text, file="c.md")
    assert d.options["notes"] == [{"at": "for _, item := range items", "text": "Careful: this is #1, not a comment"}]
    quoted = "/// excerpt | fake:pkg/auth.Chain\nnotes:\n  - at: 'x'\n    text: \"a: b\"\n///\n"
    assert parse_chapter(quoted, file="c.md")[0].options["notes"] == [{"at": "x", "text": "a: b"}]


def test_python_pair_must_mirror_the_symbol(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pairmod.py").write_text(
        "from walkthrough.reimpl import mirrors\n\n"
        "@mirrors('fake:pkg/auth.Chain')\ndef chain(): ...\n\n"
        "@mirrors('fake:pkg/auth.helper')\ndef helper(): ...\n\n"
        "def plain(): ...\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    head = "/// excerpt | fake:pkg/auth.Chain\npython: pairmod:"
    assert problems_of(head + "chain\n///\n") == []
    assert problems_of(head + "plain\n///\n") == []  # declares nothing: the author's choice
    (p,) = problems_of(head + "helper\n///\n")
    assert p.message == "python pair `pairmod:helper` does not mirror this symbol"
    assert "`fake:pkg/auth.helper`" in (p.hint or "")


def test_python_pair_whose_module_fails_at_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "brokenmod.py").write_text("raise RuntimeError('boom')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    (p,) = problems_of("/// excerpt | fake:pkg/auth.Chain\npython: brokenmod:x\n///\n")
    assert "does not import (RuntimeError: boom)" in p.message


_PIECES = ["/// excerpt | fake:pkg/auth.Chain", "/// excerpt", "///", "---", "", "```", "~~~", "id: a", "focus:",
           "  - from: x", "    to: y", "notes: [", "text: a: b #c", "\t", "doc: true", "python: a:b", "- at: '"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=20)), max_size=30))
def test_scan_never_crashes_and_blocks_are_well_formed(lines: list[str]) -> None:
    text = "\n".join(lines)
    directives, problems = scan_chapter(text, file="c.md")
    for d in directives:
        assert text[d.start : d.end].lstrip(" ").startswith("///")
        assert 1 <= d.line <= text.count("\n") + 1
    for p in problems:
        assert p.location.startswith("c.md:")
        assert p.hint
