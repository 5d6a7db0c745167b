"""Excerpt extraction: exact text, doc comments, focus ranges, elisions, anchors and their errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from chapter_fakes import GO_AUTH, FakeIndex

from walkthrough.book.excerpt import (
    AnchorError,
    Elided,
    Focus,
    NoteSpec,
    git_blob_id,
    iter_display,
    make_excerpt,
    span_text,
)

if TYPE_CHECKING:
    from walkthrough.models import Excerpt

PATH = "pkg/auth/auth.go"


@pytest.fixture
def index() -> FakeIndex:
    return FakeIndex({PATH: GO_AUTH})


def excerpt(index: FakeIndex, name: str = "fake:pkg/auth.Chain", **kw: Any) -> Excerpt:
    sym = index.lookup(name)
    return make_excerpt(sym, index.text(sym.path), index.pin, **kw)


def test_text_is_exact_lines_with_doc(index: FakeIndex) -> None:
    ex = excerpt(index)
    lines = GO_AUTH.split("\n")
    assert ex.text == "\n".join(lines[9:20])
    assert (ex.start_line, ex.end_line) == (10, 20)
    assert ex.text.startswith("// Chain tries")
    assert "\t\tif strings.HasPrefix" in ex.text  # tabs kept, no expansion
    assert ex.blob == git_blob_id(GO_AUTH.encode())
    assert ex.permalink.endswith(f"/blob/{'0' * 40}/{PATH}#L10-L20")


def test_doc_false_starts_at_declaration(index: FakeIndex) -> None:
    ex = excerpt(index, doc=False)
    assert ex.start_line == 12
    assert ex.text.startswith("func Chain(")


def test_whole_lines_keep_leading_indentation() -> None:
    src = "package p\n\nconst (\n\t// A is a.\n\tA = 1\n)\n"
    assert span_text(src.encode(), 4, 5) == "\t// A is a.\n\tA = 1"


def test_crlf_and_unicode_are_kept_exactly() -> None:
    data = "package p\r\n// héllo\r\nfunc F() {}\r\n".encode()
    assert span_text(data, 2, 3) == "// héllo\r\nfunc F() {}\r"


def test_focus_ranges_and_elisions(index: FakeIndex) -> None:
    ex = excerpt(index, focus=(Focus("func Chain(", "for _, item"), Focus("// nobody", 'return ""')))
    assert ex.shown == ((12, 13), (18, 19))
    shown = list(iter_display(ex))
    assert shown[0] == Elided(10, 11)
    assert shown[1] == (12, "func Chain(items []string, req Request) (string, bool) {")
    assert Elided(14, 17) in shown
    assert shown[-1] == Elided(20, 20)
    assert Elided(14, 17).count == 4


def test_focus_searches_after_previous_range(index: FakeIndex) -> None:
    # `return` appears on lines 15 and 19: the second range's `from` is searched after the first range.
    ex = excerpt(index, focus=(Focus("func Chain(", "return item"), Focus("return", "return")))
    assert ex.shown == ((12, 15), (19, 19))


def test_focus_out_of_order_is_an_error(index: FakeIndex) -> None:
    with pytest.raises(AnchorError) as err:
        excerpt(index, focus=(Focus("// nobody", 'return ""'), Focus("func Chain(", "for _")))
    assert "out of order" in str(err.value)
    assert err.value.errors[0].anchor == "func Chain("


def test_focus_to_before_from_is_an_error(index: FakeIndex) -> None:
    with pytest.raises(AnchorError, match="out of order"):
        excerpt(index, focus=(Focus("// nobody", "func Chain("),))


def test_note_resolves_to_its_line(index: FakeIndex) -> None:
    ex = excerpt(index, notes=(NoteSpec("strings.HasPrefix", "the test"),), highlight=("return item, true",))
    assert [(n.anchor, n.line, n.text) for n in ex.notes] == [("strings.HasPrefix", 14, "the test")]
    assert ex.highlight == (15,)


def test_anchor_matching_nothing_suggests_near_lines(index: FakeIndex) -> None:
    with pytest.raises(AnchorError) as err:
        excerpt(index, notes=(NoteSpec("strings.HasPrefx(req", "typo"),))
    problem = err.value.errors[0]
    assert "matches no line" in problem.message
    assert problem.hint is not None
    assert "strings.HasPrefix(req.Header, item)" in problem.hint


def test_anchor_matching_twice_is_an_error(index: FakeIndex) -> None:
    with pytest.raises(AnchorError) as err:
        excerpt(index, notes=(NoteSpec("return", "ambiguous"),))
    assert "matches 2 lines (15, 19)" in err.value.errors[0].message


def test_note_hidden_by_focus_is_an_error(index: FakeIndex) -> None:
    with pytest.raises(AnchorError, match="which the focus hides"):
        excerpt(index, focus=(Focus("func Chain(", "for _"),), notes=(NoteSpec("// nobody", "hidden"),))


def test_all_anchor_errors_reported_at_once(index: FakeIndex) -> None:
    with pytest.raises(AnchorError) as err:
        excerpt(index, highlight=("nope",), notes=(NoteSpec("return", "x"), NoteSpec("zzz", "y")))
    assert [e.anchor for e in err.value.errors] == ["nope", "return", "zzz"]


def test_one_line_symbol(index: FakeIndex) -> None:
    ex = excerpt(index, "fake:pkg/auth.helper")
    assert ex.text == "func helper() int { return 1 }"
    assert list(iter_display(ex)) == [(22, ex.text)]


def test_open_ended_focus_ranges(index: FakeIndex) -> None:
    ex = excerpt(index, focus=(Focus(None, "func Chain("), Focus("// nobody", None)))
    assert ex.shown == ((10, 12), (18, 20))
    assert not any(isinstance(item, Elided) and item.last == 20 for item in iter_display(ex))


def test_only_outer_ranges_may_be_open(index: FakeIndex) -> None:
    with pytest.raises(AnchorError, match="only the first focus range may omit `from`"):
        excerpt(index, focus=(Focus("func Chain(", "for _"), Focus(None, "return item")))


def test_a_focus_never_hides_the_signature() -> None:
    from walkthrough.book.excerpt import with_signature  # noqa: PLC0415

    lines = ["// Doc.", "func F(a int,", "\tb int) error {", "\tx := 1", "\ty := 2", "\treturn nil", "}"]
    # Lines 10..16; the declaration starts on 11 and its signature ends on 12, at the `{`.
    assert with_signature(((14, 15),), lines, 10, 11) == ((11, 12), (14, 15))
    assert with_signature(((13, 15),), lines, 10, 11) == ((11, 15),)  # adjacent ranges merge
    assert with_signature(((10, 12),), lines, 10, 11) == ((10, 12),)  # already shown
