"""resource.Quantity model: golden vectors a, and the representation rules a reader meets first."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkthrough.parity import run_file
from walkthrough.reimpl.kubernetes import quantity
from walkthrough.reimpl.kubernetes.quantity import (
    ERR_FORMAT_WRONG,
    ERR_SUFFIX,
    Quantity,
    QuantityError,
    must_parse,
    parse_quantity,
)

GOLDEN = Path(__file__).parent / "golden"


def test_golden_vectors_pass() -> None:
    report = run_file(GOLDEN / "a-quantity.json")
    assert len(report.outcomes) > 300
    assert not report.failed, report.failed[:3]


@pytest.mark.parametrize(("text", "rep", "string"), [
    ("100m", {"repr": "int64Amount", "repr_int64_value": 100, "repr_int64_scale": -3}, "100m"),
    ("1.5", {"repr": "int64Amount", "repr_int64_value": 15, "repr_int64_scale": -1}, "1500m"),
    ("1.5Gi", {"repr": "infDec"}, "1536Mi"),
    ("0.0000000001", {"repr": "infDec"}, "1n"),  # finer than nano: rounded up
    ("01", {"repr": "int64Amount", "repr_int64_value": 1, "repr_int64_scale": 0}, "01"),  # cached as given
    ("1000", {"repr": "int64Amount", "repr_int64_value": 1000, "repr_int64_scale": 0}, "1k"),
    ("1000E", {"repr": "int64Amount", "repr_int64_value": 1000, "repr_int64_scale": 18}, "1"),  # no suffix for 1e21
])
def test_representation_and_string(text: str, rep: dict[str, object], string: str) -> None:
    q = parse_quantity(text)
    assert q.representation() == rep
    assert q.string() == string


@pytest.mark.parametrize(("text", "message"), [("", ERR_FORMAT_WRONG), ("1 Gi", ERR_FORMAT_WRONG),
                                               ("1ki", ERR_SUFFIX), ("--1", ERR_SUFFIX)])
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as info:
        parse_quantity(text)
    assert str(info.value) == message
    with pytest.raises(ValueError, match=f"cannot parse '{text}'"):
        must_parse(text)


def test_arithmetic_keeps_format_and_clears_cache() -> None:
    q = parse_quantity("1Ki")
    q.add(parse_quantity("1024"))
    assert (q.string(), q.format.value) == ("2Ki", "BinarySI")
    z = Quantity()
    z.sub(parse_quantity("500m"))
    assert z.string() == "-500m"
    big = parse_quantity("9223372036854775807")
    big.add(parse_quantity("1"))
    assert big.string() == "9223372036854775808"
    assert big.representation() == {"repr": "infDec"}


def test_json_round_trip() -> None:
    q = Quantity()
    q.unmarshal_json('" 1.5Gi "')
    assert q.marshal_json() == '"1536Mi"'
    q.unmarshal_json("null")
    assert q.is_zero()


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["", "m", "k", "Ki", "Mi", "n", "e3"]))
def test_canonical_form_parses_back_to_the_same_value(number: int, suffix: str) -> None:
    q = parse_quantity(f"{number}{suffix}")
    again = parse_quantity("".join(q.canonicalize_bytes()))
    assert again.cmp(q) == 0


def test_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    quantity._demo()  # noqa: SLF001 - the module's `python -m` demo
    assert "inf.Dec" in capsys.readouterr().out
