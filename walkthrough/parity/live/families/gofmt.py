"""Go's fmt (Sprintf, Errorf, Sprint, Sprintln) on generated values: the `_gofmt` model beside the real fmt.

A request is a format and its operands, each operand a tagged JSON value the harness builds into a
Go value (see harness/gofmt/main.go): strings, ints of several types, floats, bools, untyped nil,
`[]byte`, `[]interface{}`, `[]string` (nil too), `map[string]interface{}`, `errors.New`, the
`unversioned` group/kind structs, and the harness's own structs with exported, unexported and
interface fields and `String`/`Error` methods on value and pointer receivers, as values, pointers
and nil pointers. Formats mix literal text with verbs (`v s q d x X t c o b` and bad ones), flags,
widths and precisions (`*` too), argument indexes (good and bad), `%%`, a lone `%`, and more or
fewer operands than verbs.
Heap addresses (pointers below the top level) are compared as `0xADDR`.
Not generated: what the model leaves out (see its docstring): `%T`, `%p`, float flags and widths.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from walkthrough.parity.gofmt import INTERFACE_FIELDS, STRING_FIELDS, model, normalise, struct_type
from walkthrough.parity.live import LiveFamily

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


TEXTS = ["", "a", "Role", "rbac.authorization.k8s.io", "a b", 'q"uote', "back`tick", "tab\there", "new\nline",
         "\x00", "\x7f", "é", "日本", "\u200b", "\ufeff", "%d", "\\"]
VERBS = [*"vsqdxXtcobO", "e", "w", "z", "%"]
INDEXES = ["", "", "", "[1]", "[2]", "[0]", "[9]", "[x]", "[", "[1]*"]
FLAG_SETS = ["", "+", "#", "-", " ", "0", "+#", "-0", "#-"]


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


def values(depth: int = 2) -> SearchStrategy[dict[str, Any]]:
    """Tagged values: scalars always; slices, maps, structs and pointers while depth lasts."""
    st = _st()
    text = st.one_of(st.sampled_from(TEXTS), st.text(max_size=4))
    text = text.filter(lambda s: not any(_is_surrogate(c) for c in s))
    scalars = st.one_of(
        st.fixed_dictionaries({"t": st.sampled_from(["string", "name", "bytes", "error"]), "v": text}),
        st.fixed_dictionaries({"t": st.sampled_from(["int", "int64"]), "v": st.integers(-(2**63), 2**63 - 1)}),
        st.fixed_dictionaries({"t": st.sampled_from(["uint", "uint8"]), "v": st.integers(0, 255)}),
        st.fixed_dictionaries({"t": st.just("int"), "v": st.sampled_from([0, 1, 7, -1, 0x10FFFF, 0x110000, 39, 34])}),
        st.fixed_dictionaries({"t": st.just("float64"), "v": st.floats(allow_nan=False, allow_infinity=False)}),
        st.fixed_dictionaries({"t": st.just("bool"), "v": st.booleans()}),
        st.just({"t": "nil"}),
        st.builds(lambda name: {"t": "nilptr", "type": name}, st.sampled_from(STRING_FIELDS + INTERFACE_FIELDS)),
        st.builds(lambda items: {"t": "strings", "v": items}, st.lists(text, max_size=3)),
        st.just({"t": "strings"}),
    )
    string_struct = st.builds(lambda name, s: {"t": "struct", "type": name,
                                               "v": [{"t": "string", "v": x} for x in s]},
                              st.sampled_from(STRING_FIELDS), st.lists(text, min_size=3, max_size=3))
    string_struct = string_struct.map(_trim_fields)
    if depth == 0:
        return st.one_of(scalars, string_struct)
    inner = values(depth - 1)
    pair = st.builds(lambda name, a, b: {"t": "struct", "type": name, "v": [a, b]},
                     st.sampled_from(INTERFACE_FIELDS), inner, inner)
    structs = st.one_of(string_struct, pair)
    return st.one_of(
        scalars, structs,
        st.builds(lambda s: {"t": "ptr", "v": s}, structs),
        st.builds(lambda items: {"t": "slice", "v": items}, st.lists(inner, max_size=3)),
        st.builds(lambda m: {"t": "map", "v": m}, st.dictionaries(text, inner, max_size=3)),
    )


def _is_surrogate(ch: str) -> bool:
    """Python strings may hold lone surrogates; Go strings are bytes, and JSON cannot carry them."""
    return "\ud800" <= ch <= "\udfff"


def _trim_fields(value: dict[str, Any]) -> dict[str, Any]:
    """A string struct with as many fields as its type has."""
    return {**value, "v": value["v"][: len(struct_type(value["type"]).fields)]}


def formats() -> SearchStrategy[str]:
    """Literal text and verbs with flags, widths and precisions, a lone `%` too."""
    st = _st()
    verb = st.builds(lambda flags, index, width, prec, v: "%" + flags + index + width + prec + v,
                     st.sampled_from(FLAG_SETS), st.sampled_from(INDEXES), st.sampled_from(["", "", "3", "12", "*"]),
                     st.sampled_from(["", "", ".0", ".2", ".*", ".[1]*", "."]), st.sampled_from(VERBS))
    piece = st.one_of(verb, verb, st.sampled_from(["", " ", "x=", ": ", "[", "%"]))
    return st.lists(piece, max_size=4).map("".join)


def requests() -> SearchStrategy[dict[str, Any]]:
    """A function, a format and up to four operands, whatever the model covers."""
    st = _st()
    args = st.lists(values(), max_size=4)
    return st.fixed_dictionaries({
        "func": st.sampled_from(["Sprintf", "Sprintf", "Sprintf", "Errorf", "Sprint", "Sprintln"]),
        "format": formats(),
        "args": args,
    }).map(_within_model)


FLAGS_WIDTH_PRECISION = re.compile(r"%%|%[#0+\- ]*[0-9]*(?:\.[0-9]*)?(?=[^0-9.#+\- ])")


def _within_model(request: dict[str, Any]) -> dict[str, Any]:
    """The request, its verbs stripped of flags, widths and precisions when the model refuses it with them.

    The model raises NotImplementedError for what it leaves out (a float with flags, an address padded
    to a width, a float under %x, an address under %d); without flags, and with those verbs as %v,
    every request is covered. A map, not a filter: a filter that
    rejects makes hypothesis print its strategy, and this one is large.
    """
    try:
        model(request)
    except NotImplementedError:
        plain = FLAGS_WIDTH_PRECISION.sub(lambda m: "%%" if m.group() == "%%" else "%", request["format"])
        try:
            model({**request, "format": plain})
        except NotImplementedError:  # a float under %x or %e, an address under %d: every verb becomes %v
            plain = re.sub(r"%%|%[^A-Za-z%]*[A-Za-z]", lambda m: "%%" if m.group() == "%%" else "%v", plain)
        return {**request, "format": plain}
    return request


def vector(request: dict[str, Any], answer: Any) -> dict[str, Any]:
    """A vector file of one case: the request as inputs, the Go's answer as outputs."""
    return {"meta": {"functions": "fmt.Sprintf/Errorf/Sprint/Sprintln (live parity)", "go_version": "go1.19"},
            "vectors": [{"inputs": request, "outputs": answer}]}


FAMILY = LiveFamily(
    name="gofmt",
    world="kubernetes",
    what="Go's fmt verbs on strings, numbers, slices, maps, structs, pointers, Stringers and errors",
    requests=requests,
    model=model,
    vector=vector,
    normalise=normalise,
)
