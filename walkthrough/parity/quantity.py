"""Parity runner for `a-quantity.json`: resource.Quantity parsing, printing and arithmetic.

Each vector is `{"op": "parse", "s": ...}`, `{"op": "cmp_add_sub", "a": ..., "b": ...}`, or (from live
parity) `{"op": "methods", "a", "b", "y", "scale"}` or `{"op": "new", "value", "scale", "format"}`; the
model computes every output field the file records, and only the recorded fields are compared.
"""

from __future__ import annotations

from typing import Any

from walkthrough.parity import Outcome, guarded
from walkthrough.reimpl.kubernetes.quantity import (
    Format,
    Quantity,
    QuantityError,
    go_json_quote,
    new_milli_quantity,
    new_quantity,
    new_scaled_quantity,
    parse_quantity,
)


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `a-quantity.json`, or whose meta names ParseQuantity."""
    return "quantity" in file_name.lower() or "ParseQuantity" in str(meta.get("functions", ""))


def describe(q: Quantity) -> dict[str, Any]:
    """Every observable of one quantity, each computed on a fresh copy (several Go calls mutate)."""
    out: dict[str, Any] = dict(q.representation())
    out["cached_string"] = q.s
    out["format"] = q.format.value
    out["is_zero"] = q.is_zero()
    out["sign"] = q.sign()
    as_int64, ok = q.as_int64()
    out["as_int64"], out["as_int64_ok"] = as_int64, ok
    out["value"] = q.copy().value()
    out["milli_value"] = q.copy().milli_value()
    out["scaled_value_nano"] = q.copy().scaled_value(-9)
    out["scaled_value_kilo"] = q.copy().scaled_value(3)
    out["canonical"] = "".join(q.copy().canonicalize_bytes())
    out["json"] = q.copy().marshal_json()
    out["string"] = q.copy().string()
    out["dec"] = q.copy().as_dec()
    return out


def parse(text: str) -> dict[str, Any]:
    """The outputs of one `parse` vector: every observable of ParseQuantity(text), or its error."""
    out: dict[str, Any]
    try:
        out = describe(parse_quantity(text))
    except QuantityError as exc:
        out = {"error": str(exc)}
    target = Quantity()
    try:
        target.unmarshal_json(go_json_quote(text))
        out["unmarshal_json_string"] = target.string()
    except QuantityError as exc:
        out["unmarshal_json_error"] = str(exc)
    return out


def cmp_add_sub(a_text: str, b_text: str) -> dict[str, Any]:
    """The outputs of one `cmp_add_sub` vector: Cmp, Add and Sub of two parsed quantities."""
    try:
        a, b = parse_quantity(a_text), parse_quantity(b_text)
    except QuantityError as exc:
        return {"error": str(exc)}
    total, difference = a.copy(), a.copy()
    total.add(b.copy())
    difference.sub(b.copy())
    return {"cmp": a.copy().cmp(b.copy()), "add": describe(total), "sub": describe(difference)}


def methods(a_text: str, b_text: str, y: int, scale: int) -> dict[str, Any]:
    """The outputs of one `methods` vector: Cmp (and its receiver after), CmpInt64, Neg, RoundUp on copies."""
    try:
        a, b = parse_quantity(a_text), parse_quantity(b_text)
    except QuantityError as exc:
        return {"error": str(exc)}
    receiver = a.copy()
    compared = receiver.cmp(b.copy())
    negated = a.copy()
    negated.neg()
    rounded = a.copy()
    exact = rounded.round_up(scale)
    return {"cmp": compared, "cmp_receiver": describe(receiver), "cmp_int64": a.copy().cmp_int64(y),
            "neg": describe(negated), "round_up": {"exact": exact, "after": describe(rounded)}}


def new(value: int, scale: int, format_name: str) -> dict[str, Any]:
    """The outputs of one `new` vector: the three constructors."""
    fmt = Format(format_name)
    return {"new": describe(new_quantity(value, fmt)), "new_milli": describe(new_milli_quantity(value, fmt)),
            "new_scaled": describe(new_scaled_quantity(value, scale))}


def outputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """The outputs of one vector, by its `op`."""
    op = inputs.get("op")
    if op == "parse":
        return parse(inputs["s"])
    if op == "methods":
        return methods(inputs["a"], inputs["b"], inputs["y"], inputs["scale"])
    if op == "new":
        return new(inputs["value"], inputs["scale"], inputs["format"])
    return cmp_add_sub(inputs["a"], inputs["b"])


def run(data: dict[str, Any]) -> list[Outcome]:
    """One Outcome per vector of `data["vectors"]`."""
    outcomes = []
    for index, vector in enumerate(data.get("vectors", [])):
        inputs, expected = vector.get("inputs", {}), vector.get("outputs", {})
        op = inputs.get("op")
        if op == "parse":
            name = f"vectors[{index}] ParseQuantity({inputs.get('s')!r})"
        elif op in ("methods", "new"):
            name = f"vectors[{index}] {op} {inputs!r}"
        else:
            name = f"vectors[{index}] {inputs.get('a')!r} cmp/add/sub {inputs.get('b')!r}"
        outcomes.append(guarded(name, expected, lambda inputs=inputs: outputs(inputs)))
    return outcomes
