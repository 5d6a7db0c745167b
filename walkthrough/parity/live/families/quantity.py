"""resource.Quantity (pkg/api/resource): parsing, canonical printing, JSON, scaled values, Cmp/Add/Sub.

Requests are the golden file's inputs (`{"op": "parse", "s"}`, `{"op": "cmp_add_sub", "a", "b"}`, and
`methods` (Cmp and the receiver it converts, CmpInt64, Neg, RoundUp) and `new` (the three constructors))
and answers its outputs, so the model side is the golden runner's own code. The strings are mostly
well formed (signs, leading zeros, long fractions, every suffix, exponents out of range, values
past int64) with malformed ones mixed in: stray characters, empty parts, whitespace, any text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walkthrough.parity import quantity as golden
from walkthrough.parity.live import LiveFamily

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

SUFFIXES = ["", "m", "u", "n", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
            "K", "i", "mi", "KiB", "e", "E"]


def quantity_text() -> SearchStrategy[str]:
    """Strings ParseQuantity accepts and rejects, the accepted ones most often."""
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    digits = st.one_of(st.text("0123456789", max_size=4), st.text("0123456789", min_size=15, max_size=40))
    number = st.builds(
        lambda sign, whole, dot, frac: sign + whole + dot + frac,
        st.sampled_from(["", "", "+", "-"]), digits, st.sampled_from(["", "", "."]), digits,
    )
    exponent = st.builds(
        lambda e, sign, n: e + sign + n,
        st.sampled_from(["e", "E"]), st.sampled_from(["", "+", "-"]), st.text("0123456789", min_size=1, max_size=4),
    )
    suffix = st.one_of(st.sampled_from(SUFFIXES), exponent)
    well_formed = st.builds(lambda n, s: n + s, number, suffix)
    noisy = st.text("0123456789.+-eEinumkKMGTP \t\n\u00a0\u2003\u0085", max_size=12)
    padded = st.builds(lambda pad, q, end: pad + q + end, st.sampled_from([" ", "\t", "\u00a0", "\u2003", "\n"]),
                       well_formed, st.sampled_from(["", " ", "\r\n", "\u3000"]))
    return st.one_of(well_formed, well_formed, well_formed, noisy, padded, st.text(max_size=8))


def requests() -> SearchStrategy[dict[str, Any]]:
    """Parse requests and arithmetic on two quantities."""
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    text = quantity_text()
    int64s = st.one_of(st.integers(-(2**63), 2**63 - 1), st.integers(-2000, 2000),
                       st.sampled_from([0, 1, -1, 2**63 - 1, -(2**63), 1024, 999, 10**18]))
    scales = st.integers(-20, 20)
    formats = st.sampled_from(["DecimalSI", "BinarySI", "DecimalExponent"])
    return st.one_of(
        st.builds(lambda s: {"op": "parse", "s": s}, text),
        st.builds(lambda a, b: {"op": "cmp_add_sub", "a": a, "b": b}, text, text),
        st.builds(lambda a, b, y, scale: {"op": "methods", "a": a, "b": b, "y": y, "scale": scale},
                  text, text, int64s, scales),
        st.builds(lambda value, scale, fmt: {"op": "new", "value": value, "scale": scale, "format": fmt},
                  int64s, scales, formats),
    )


def model(request: dict[str, Any]) -> Any:
    """The golden runner's answer to one request."""
    return golden.outputs(request)


def vector(request: dict[str, Any], answer: Any) -> dict[str, Any]:
    """A vector file the golden quantity runner reads (its meta names ParseQuantity)."""
    return {
        "meta": {"functions": "ParseQuantity and its observables, as in a-quantity.json (live parity)",
                 "source": "k8s.io/kubernetes/pkg/api/resource (Kubernetes v1.5.2)"},
        "vectors": [{"inputs": request, "outputs": answer}],
    }


FAMILY = LiveFamily(
    name="quantity",
    world="kubernetes",
    what="k8s pkg/api/resource: ParseQuantity, String, CanonicalizeBytes, JSON, Value/MilliValue/ScaledValue, "
         "Cmp/Add/Sub",
    requests=requests,
    model=model,
    vector=vector,
)
