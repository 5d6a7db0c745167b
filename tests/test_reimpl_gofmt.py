"""The fmt model against texts the real Go 1.19 fmt printed (harness/gofmt, by hand): the traps it exists for."""

from __future__ import annotations

import pytest

from walkthrough.reimpl import _gofmt as gofmt
from walkthrough.reimpl._gofmt import Method, Pointer, Slice, Struct, StructType

VAL_S = StructType("main.ValS", ("S",), ("string",), string=Method("value", lambda v: f"vs<{v['S']}>"))
PTR_S = StructType("main.PtrS", ("S",), ("string",), string=Method("pointer", lambda v: f"ps<{v['S']}>"))
PAIR = StructType("main.Pair", ("A", "B"))
HIDDEN = StructType("main.hidden", ("a", "B"))


def test_a_pointer_receiver_stringer_is_not_called_on_a_value() -> None:
    # RBAC's "unsupported role reference kind: %q" with a GroupKind value
    assert gofmt.sprintf("unsupported role reference kind: %q", gofmt.group_kind("", "Role")) == (
        'unsupported role reference kind: {"" "Role"}')
    assert gofmt.sprintf("%q", Pointer(gofmt.group_kind("rbac.authorization.k8s.io", "Role"))) == (
        '"Role.rbac.authorization.k8s.io"')


def test_value_receiver_stringers_inside_slices() -> None:
    kinds = [gofmt.group_version_kind("batch", "__internal", "Job")]
    assert gofmt.sprintf("found %v when registering for %v", kinds, gofmt.group_version("extensions", "v1beta1")) == (
        "found [batch/__internal, Kind=Job] when registering for extensions/v1beta1")


def test_unexported_fields_print_raw_and_plus_and_sharp_v_name_fields() -> None:
    hidden = Struct(HIDDEN, (Struct(VAL_S, ("a",)), Struct(VAL_S, ("b",))))
    strings = Slice(["x"], "string")
    assert gofmt.sprintf("%v|%+v|%#v", hidden, Struct(PAIR, (None, 3)), Struct(PAIR, (None, strings))) == (
        '{{a} vs<b>}|{A:<nil> B:3}|main.Pair{A:interface {}(nil), B:[]string{"x"}}')


def test_maps_sort_their_keys_floats_are_shortest_g_and_nil_pointers_print_nil() -> None:
    assert gofmt.sprintf("%v %s", {"b": 1e6, "a": 1e5}, Pointer(None, PTR_S)) == "map[a:100000 b:1e+06] <nil>"


def test_bad_verbs_missing_and_extra_operands() -> None:
    assert gofmt.sprintf("%d %!", "x", 1) == "%!d(string=x) %!!(int=1)"
    assert gofmt.sprintf("%s %s", "a") == "a %!s(MISSING)"
    assert gofmt.sprintf("x", 1, "a") == "x%!(EXTRA int=1, string=a)"


def test_errorf_wraps_one_error_and_refuses_the_second() -> None:
    assert gofmt.errorf("%w and %w", ValueError("one"), ValueError("two")) == (
        "one and %!w(*errors.errorString=&{two})")
    assert gofmt.sprintf("%w", ValueError("one")) == "%!w(*errors.errorString=&{one})"


def test_sprint_spaces_only_between_non_strings() -> None:
    assert gofmt.sprint(1, 2, "a", 3) == "1 2a3"
    assert gofmt.sprintln(1, "a") == "1 a\n"


def test_flags_widths_and_precisions() -> None:
    assert gofmt.sprintf("%-6s|%6.2q|%05d|%x|% X|%#q", "ab", "abc", -42, "hi", b"hi", 'a"b') == (
        'ab    |  "ab"|-0042|6869|68 69|`a"b`')


def test_what_is_not_modelled_says_so() -> None:
    with pytest.raises(NotImplementedError):
        gofmt.sprintf("%T", 1)
    with pytest.raises(NotImplementedError):
        gofmt.sprintf("%e", 1.5)


def test_argument_indexes_and_star_widths() -> None:
    assert gofmt.sprintf("%[2]d %[1]d", 1, 2) == "2 1"
    # an index moves the operand cursor: the next verbs go on from there
    assert gofmt.sprintf("%[3]d|%*d|%.*s|%*d", 1, 4, 7, 2, "abc", "x", 1) == (
        "7|%!d(string=abc)|%!(BADPREC)%!s(int=1)|%!(BADWIDTH)%!d(MISSING)")
    assert gofmt.sprintf("%[5]d %d", 1) == "%!d(BADINDEX) 1"
