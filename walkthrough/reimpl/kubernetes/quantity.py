"""resource.Quantity of Kubernetes v1.5.2 (`pkg/api/resource`), modelled line by line.

A Quantity is a fixed-point number with a suffix ("100m", "1.5Gi", "12e6"). Go keeps it in one of
two representations, and which one a value lands in changes how it prints and rounds:

- `int64Amount{value, scale}`: value x 10^scale, the fast path for everything that fits;
- an `inf.Dec` (arbitrary precision unscaled integer with a decimal scale), used when the number
  needs more than 18 digits, has a binary suffix with a fraction, or is finer than a nanounit
  (every inf.Dec amount is rounded *up* to nanounits at parse time).

Public API (names follow the Go, in snake_case):
    parse_quantity(s) -> Quantity            # raises QuantityError with the Go error text
    must_parse(s) -> Quantity
    Quantity.string(), .canonicalize_bytes() -> (number, suffix), .marshal_json() -> str,
    Quantity.unmarshal_json(raw: str), .value(), .milli_value(), .scaled_value(scale),
    Quantity.as_int64() -> (int, bool), .sign(), .is_zero(), .cmp(y), .add(y), .sub(y), .neg(),
    Quantity.copy(), .as_dec() -> str (the inf.Dec text), .representation() -> dict

Go integer semantics matter here (int64 overflow wraps, `/` truncates toward zero), so the
helpers `_wrap`, `_quo` and `_rem` reproduce them; the model never uses Python's floor division
on signed values. Run `python -m walkthrough.reimpl.kubernetes.quantity` for a demo.

Proven against the real Go (`walkthrough parity --live --model quantity`): ParseQuantity of well-formed
and malformed text, every printing and scaled-value observable, JSON both ways, Cmp/Add/Sub. Still
simplified or unproven: Quantity's protobuf encoding, the pflag Value (`QuantityFlag`) and the OpenAPI
definition are not modelled; `neg`, `cmp_int64`, `as_scale` and values built by the `New*Quantity`
constructors rather than parsed are modelled but not yet compared with the Go.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum

from walkthrough.reimpl import mirrors

MOST_POSITIVE = (1 << 63) - 1
MOST_NEGATIVE = -(1 << 63)


def _wrap(x: int) -> int:
    """Reduce to a Go int64, wrapping on overflow as Go's arithmetic does."""
    return ((x + (1 << 63)) % (1 << 64)) - (1 << 63)


def _quo(a: int, b: int) -> int:
    """Go's integer division: truncates toward zero (Python's // floors)."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _rem(a: int, b: int) -> int:
    """Go's `%`: the remainder has the sign of the dividend."""
    return a - _quo(a, b) * b


def _big_int64(x: int) -> int:
    """`big.Int.Int64()`: the low 64 bits of |x| as int64, negated when x < 0 (wraps silently)."""
    low = _wrap(abs(x) & ((1 << 64) - 1))
    return _wrap(-low) if x < 0 else low


class QuantityError(ValueError):
    """An error ParseQuantity returns; str() is the upstream text."""


class Format(str, Enum):
    """How a quantity prints (`resource.Format`)."""

    DECIMAL_EXPONENT = "DecimalExponent"
    """e.g. 12e6"""
    BINARY_SI = "BinarySI"
    """e.g. 12Mi (12 * 2^20)"""
    DECIMAL_SI = "DecimalSI"
    """e.g. 12M (12 * 10^6)"""


# resource.Scale: a power of ten. inf.Dec's scale is "upside down" (value = unscaled * 10^-scale).
NANO, MICRO, MILLI, KILO, MEGA, GIGA, TERA, PETA, EXA = -9, -6, -3, 3, 6, 9, 12, 15, 18
MAX_INT64_FACTORS = 18

SPLIT_RE_STRING = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = "quantities must match the regular expression '" + SPLIT_RE_STRING + "'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"


_DIGITS_CHUNK = 4000
"""Decimal digits converted at a time: below the interpreter's limit on int/str conversions (4300)."""


def _big_str(n: int) -> str:
    """`big.Int.String()`: any number of digits (Python refuses str() past 4300 digits, Go does not)."""
    if -(10**_DIGITS_CHUNK) < n < 10**_DIGITS_CHUNK:
        return str(n)
    high, low = divmod(abs(n), 10**_DIGITS_CHUNK)
    return ("-" if n < 0 else "") + _big_str(high) + str(low).zfill(_DIGITS_CHUNK)

# ---------------------------------------------------------------------------------------------
# inf.Dec (gopkg.in/inf.v0, vendored by Kubernetes): only the operations Quantity uses.
# ---------------------------------------------------------------------------------------------
class _Dec:
    """A decimal `unscaled * 10^-scale` with inf.Dec's operations and its String() format."""

    __slots__ = ("scale", "unscaled")

    def __init__(self, unscaled: int = 0, scale: int = 0) -> None:
        self.unscaled = unscaled
        self.scale = scale

    @classmethod
    def from_string(cls, s: str) -> _Dec | None:
        """`Dec.SetString`: optional sign first, digits with at most one '.', nothing else."""
        m = re.fullmatch(r"([+-]?)([0-9]*)(?:\.([0-9]*))?", s)
        if m is None or not (m.group(2) or m.group(3)):
            return None  # inf: "no digits read"
        frac = m.group(3)
        digits = m.group(2) + (frac or "")
        unscaled = int(digits)
        return cls(-unscaled if m.group(1) == "-" else unscaled, len(frac) if frac is not None else 0)

    def copy(self) -> _Dec:
        return _Dec(self.unscaled, self.scale)

    def sign(self) -> int:
        return (self.unscaled > 0) - (self.unscaled < 0)

    def neg(self) -> None:
        self.unscaled = -self.unscaled

    def unscaled_int64(self) -> tuple[int, bool]:
        """`Dec.Unscaled()`: the unscaled value and whether it fits in an int64."""
        ok = MOST_NEGATIVE <= self.unscaled <= MOST_POSITIVE
        return (self.unscaled if ok else _big_int64(self.unscaled)), ok

    def _aligned(self, other: _Dec) -> tuple[int, int, int]:
        scale = max(self.scale, other.scale)
        return self.unscaled * 10 ** (scale - self.scale), other.unscaled * 10 ** (scale - other.scale), scale

    def cmp(self, other: _Dec) -> int:
        a, b, _ = self._aligned(other)
        return (a > b) - (a < b)

    def add(self, other: _Dec) -> None:
        a, b, scale = self._aligned(other)
        self.unscaled, self.scale = a + b, scale

    def sub(self, other: _Dec) -> None:
        a, b, scale = self._aligned(other)
        self.unscaled, self.scale = a - b, scale

    def round_up(self, scale: int) -> _Dec:
        """`Round(x, scale, inf.RoundUp)`: the result has exactly `scale`; inexact rounds away from 0."""
        shift = scale - self.scale
        if shift >= 0:
            return _Dec(self.unscaled * 10**shift, scale)
        divisor = 10**-shift
        q, r = _quo(self.unscaled, divisor), _rem(self.unscaled, divisor)
        if r != 0:
            q += 1 if self.unscaled > 0 else -1
        return _Dec(q, scale)

    def __str__(self) -> str:
        s = _big_str(self.unscaled)
        if self.scale <= 0:
            return s + "0" * -self.scale if self.scale != 0 and self.unscaled != 0 else s
        negbit = 1 if self.unscaled < 0 else 0
        digits = s[negbit:]
        if len(digits) <= self.scale:
            return ("-" if negbit else "") + "0." + "0" * (self.scale - len(digits)) + digits
        return s[: len(s) - self.scale] + "." + s[len(s) - self.scale :]


_MAX_ALLOWED = _Dec(MOST_POSITIVE, 0)
_DEC_ONE = _Dec(1, 0)
_DEC_ZERO = _Dec(0, 0)


# ---------------------------------------------------------------------------------------------
# math.go: overflow-checked int64 arithmetic
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:pkg/api/resource.int64Add")
def int64_add(a: int, b: int) -> tuple[int, bool]:
    """a + b, and whether it did not overflow."""
    c = _wrap(a + b)
    if a > 0 and b > 0 and c < 0:
        return 0, False
    if a < 0 and b < 0:
        if c > 0:
            return 0, False
        if a == MOST_NEGATIVE and b == MOST_NEGATIVE:
            return 0, False
    return c, True


@mirrors("kubernetes:pkg/api/resource.int64Multiply")
def int64_multiply(a: int, b: int) -> tuple[int, bool]:
    """a * b, and whether it did not overflow."""
    if a in (0, 1) or b in (0, 1):
        return _wrap(a * b), True
    if MOST_NEGATIVE in (a, b):
        return 0, False
    c = _wrap(a * b)
    return c, _quo(c, b) == a


@mirrors("kubernetes:pkg/api/resource.int64MultiplyScale")
def int64_multiply_scale(a: int, b: int) -> tuple[int, bool]:
    """a * b for a positive power of ten b (also int64MultiplyScale10/100/1000)."""
    if a in (0, 1):
        return _wrap(a * b), True
    if a == MOST_NEGATIVE and b != 1:
        return 0, False
    c = _wrap(a * b)
    return c, _quo(c, b) == a


@mirrors("kubernetes:pkg/api/resource.positiveScaleInt64")
def positive_scale_int64(base: int, scale: int) -> tuple[int, bool]:
    """base * 10^scale, or (0, False) on overflow (the Go multiplies one factor of ten at a time)."""
    if scale == 0:
        return base, True
    if scale in (1, 2, 3, 6, 9):
        return int64_multiply_scale(base, 10**scale)
    value = base
    for _ in range(scale):
        value, ok = int64_multiply_scale(value, 10)
        if not ok:
            return 0, False
    return value, True


@mirrors("kubernetes:pkg/api/resource.negativeScaleInt64")
def negative_scale_int64(base: int, scale: int) -> tuple[int, bool]:
    """base / 10^scale rounded away from zero, and whether that was exact."""
    if scale == 0:
        return base, True
    value = base
    fraction = False
    for _ in range(scale):
        if not fraction and _rem(value, 10) != 0:
            fraction = True
        value = _quo(value, 10)
        if value == 0:
            if fraction:
                return (1 if base > 0 else -1), False
            return 0, True
    if fraction:
        value += 1 if base > 0 else -1
    return value, not fraction


@mirrors("kubernetes:pkg/api/resource.divideByScaleInt64")
def divide_by_scale_int64(base: int, scale: int) -> tuple[int, int, bool]:
    """base / 10^scale and the remainder (truncated), or not exact when scale >= 18."""
    if scale == 0:
        return base, 0, True
    if scale >= 18:
        return 0, base, False
    divisor = 10**scale
    return _quo(base, divisor), _rem(base, divisor), True


@mirrors("kubernetes:pkg/api/resource.removeInt64Factors")
def remove_int64_factors(value: int, base: int) -> tuple[int, int]:
    """Strip factors of `base` from value: (rest, how many were removed).

    The negation is int64's: -MinInt64 is MinInt64 again, still negative, so nothing is stripped.
    """
    times = 0
    negative = value < 0
    result = _wrap(-value) if negative else value
    while result >= base and result % base == 0:
        times += 1
        result //= base
    return (_wrap(-result) if negative else result), times


@mirrors("kubernetes:pkg/api/resource.removeBigIntFactors")
def remove_big_int_factors(d: int, factor: int) -> tuple[int, int]:
    """The big.Int version: strips factors while the remainder is zero.

    Go divides by `factor` once per factor; this finds the same count and quotient by dividing by
    repeated squares of it (`10e4290` has 4290 factors of ten: one division each is quadratic).
    """
    times = 0
    while d != 0 and d % factor == 0:
        power, count = factor, 1
        while d % (power * power) == 0:
            power, count = power * power, count * 2
        d //= power  # exact, so flooring and Go's truncation agree
        times += count
    return d, times


@mirrors("kubernetes:pkg/api/resource.scaledValue")
def scaled_value(unscaled: int, scale: int, new_scale: int) -> int:
    """Value of unscaled*10^-scale at new_scale, rounded up; wraps like Go's int64 on overflow."""
    dif = scale - new_scale
    if dif == 0:
        return _big_int64(unscaled)
    if dif < 0:
        # int64(math.Pow10(n)) is exact up to 10^18; beyond that amd64 yields the most negative int64.
        factor = 10**-dif if -dif <= 18 else MOST_NEGATIVE
        return _wrap(_big_int64(unscaled) * factor)
    if unscaled < MOST_POSITIVE and dif < 19:
        divide = 10**dif
        v = _big_int64(unscaled)
        result, mod = _quo(v, divide), _rem(v, divide)
        return _wrap(result + 1) if mod != 0 else result
    divisor = 10**dif
    result, remainder = _quo(unscaled, divisor), _rem(unscaled, divisor)
    # big.Int.DivMod is Euclidean (remainder >= 0): adjust the truncated pair.
    if remainder < 0:
        result, remainder = result - 1, remainder + divisor
    return _wrap(_big_int64(result) + 1) if remainder != 0 else _big_int64(result)


# ---------------------------------------------------------------------------------------------
# int64Amount, from amount.go
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:pkg/api/resource.int64Amount")
@dataclass
class Int64Amount:
    """value * 10^scale in an int64: the fast representation."""

    value: int = 0
    scale: int = 0

    @mirrors("kubernetes:pkg/api/resource.int64Amount.Sign")
    def sign(self) -> int:
        return (self.value > 0) - (self.value < 0)

    @mirrors("kubernetes:pkg/api/resource.int64Amount.AsInt64")
    def as_int64(self) -> tuple[int, bool]:
        if self.scale == 0:
            return self.value, True
        if self.scale < 0:
            return 0, False
        return positive_scale_int64(self.value, self.scale)

    @mirrors("kubernetes:pkg/api/resource.int64Amount.AsScaledInt64")
    def as_scaled_int64(self, scale: int) -> tuple[int, bool]:
        if self.scale < scale:
            result, _ = negative_scale_int64(self.value, scale - self.scale)
            return result, True
        return positive_scale_int64(self.value, self.scale - scale)

    @mirrors("kubernetes:pkg/api/resource.int64Amount.AsDec")
    def as_dec(self) -> _Dec:
        return _Dec(self.value, -self.scale)

    @mirrors("kubernetes:pkg/api/resource.int64Amount.Cmp")
    def cmp(self, b: Int64Amount) -> int:
        a_value, b_value = self.value, b.value
        if self.scale > b.scale:
            result, remainder, exact = divide_by_scale_int64(b.value, self.scale - b.scale)
            if not exact:
                return self.as_dec().cmp(b.as_dec())
            if result == self.value:
                return 0 if remainder == 0 else (-1 if remainder > 0 else 1)
            b_value = result
        elif self.scale < b.scale:
            result, remainder, exact = divide_by_scale_int64(self.value, b.scale - self.scale)
            if not exact:
                return self.as_dec().cmp(b.as_dec())
            if result == b.value:
                return 0 if remainder == 0 else (1 if remainder > 0 else -1)
            a_value = result
        return (a_value > b_value) - (a_value < b_value)

    @mirrors("kubernetes:pkg/api/resource.int64Amount.Add")
    def add(self, b: Int64Amount) -> bool:
        """self += b in place; False (self unchanged) when it would overflow."""
        if b.value == 0:
            return True
        if self.value == 0:
            self.value, self.scale = b.value, b.scale
            return True
        if self.scale == b.scale:
            c, ok = int64_add(self.value, b.value)
            if not ok:
                return False
            self.value = c
        elif self.scale > b.scale:
            c, ok = positive_scale_int64(self.value, self.scale - b.scale)
            if not ok:
                return False
            c, ok = int64_add(c, b.value)
            if not ok:
                return False
            self.scale, self.value = b.scale, c
        else:
            c, ok = positive_scale_int64(b.value, b.scale - self.scale)
            if not ok:
                return False
            c, ok = int64_add(self.value, c)
            if not ok:
                return False
            self.value = c
        return True

    @mirrors("kubernetes:pkg/api/resource.int64Amount.Sub")
    def sub(self, b: Int64Amount) -> bool:
        return self.add(Int64Amount(_wrap(-b.value), b.scale))

    @mirrors("kubernetes:pkg/api/resource.int64Amount.AsScale")
    def as_scale(self, scale: int) -> tuple[Int64Amount, bool]:
        if self.scale >= scale:
            return Int64Amount(self.value, self.scale), True
        result, exact = negative_scale_int64(self.value, scale - self.scale)
        return Int64Amount(result, scale), exact

    @mirrors("kubernetes:pkg/api/resource.int64Amount.AsCanonicalBytes")
    def as_canonical_bytes(self) -> tuple[str, int]:
        """Digits and a decimal exponent that is a multiple of 3."""
        amount, times = remove_int64_factors(self.value, 10)
        exponent = self.scale + times
        remainder = _rem(exponent, 3)  # Go's %, which keeps the sign
        if remainder in (1, -2):
            amount, ok = int64_multiply_scale(amount, 10)
            if not ok:
                return _dec_as_canonical_bytes(self.as_dec())
            exponent -= 1
        elif remainder in (2, -1):
            amount, ok = int64_multiply_scale(amount, 100)
            if not ok:
                return _dec_as_canonical_bytes(self.as_dec())
            exponent -= 2
        return str(amount), exponent

    @mirrors("kubernetes:pkg/api/resource.int64Amount.AsCanonicalBase1024Bytes")
    def as_canonical_base1024_bytes(self) -> tuple[str, int]:
        value, ok = self.as_scaled_int64(0)
        if not ok:
            return _dec_as_canonical_base1024_bytes(self.as_dec())
        amount, exponent = remove_int64_factors(value, 1024)
        return str(amount), exponent


# infDecAmount's methods, over the private _Dec.
@mirrors("kubernetes:pkg/api/resource.infDecAmount.AsScale")
def _dec_as_scale(d: _Dec, scale: int) -> tuple[_Dec, bool]:
    tmp = d.round_up(-scale)
    return tmp, tmp.cmp(d) == 0


@mirrors("kubernetes:pkg/api/resource.infDecAmount.AsCanonicalBytes")
def _dec_as_canonical_bytes(d: _Dec) -> tuple[str, int]:
    amount, times = remove_big_int_factors(d.unscaled, 10)
    exponent = -d.scale + times
    while _rem(exponent, 3) != 0:
        amount *= 10
        exponent -= 1
    return _big_str(amount), exponent


@mirrors("kubernetes:pkg/api/resource.infDecAmount.AsCanonicalBase1024Bytes")
def _dec_as_canonical_base1024_bytes(d: _Dec) -> tuple[str, int]:
    amount, exponent = remove_big_int_factors(d.round_up(0).unscaled, 1024)
    return _big_str(amount), exponent


# ---------------------------------------------------------------------------------------------
# suffix.go
# ---------------------------------------------------------------------------------------------
_DEC_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}


def _int32(x: int) -> int:
    return ((x + (1 << 31)) % (1 << 32)) - (1 << 31)


@mirrors("kubernetes:pkg/api/resource.suffixHandler.interpret")
def interpret_suffix(suffix: str) -> tuple[int, int, Format, bool]:
    """(base, exponent, format, ok) for a suffix: decimal SI, binary SI, then e/E exponents."""
    if suffix in _DEC_SUFFIXES:
        return 10, _DEC_SUFFIXES[suffix], Format.DECIMAL_SI, True
    if suffix in _BIN_SUFFIXES:
        return 2, _BIN_SUFFIXES[suffix], Format.BINARY_SI, True
    if len(suffix) > 1 and suffix[0] in "Ee":
        rest = suffix[1:]
        # strconv.ParseInt(rest, 10, 64): optional sign, decimal digits, in int64 range.
        if re.fullmatch(r"[+-]?[0-9]+", rest) is None or not MOST_NEGATIVE <= int(rest) <= MOST_POSITIVE:
            return 0, 0, Format.DECIMAL_EXPONENT, False
        return 10, _int32(int(rest)), Format.DECIMAL_EXPONENT, True
    return 0, 0, Format.DECIMAL_EXPONENT, False


@mirrors("kubernetes:pkg/api/resource.suffixHandler.constructBytes")
def construct_suffix(base: int, exponent: int, fmt: Format) -> tuple[str, bool]:
    """The suffix for base^exponent in a format; ("", False) when that format has none."""
    if fmt is Format.DECIMAL_SI:
        for s, e in _DEC_SUFFIXES.items():
            if base == 10 and e == exponent:
                return s, True
        return "", False
    if fmt is Format.BINARY_SI:
        for s, e in _BIN_SUFFIXES.items():
            if base == 2 and e == exponent:
                return s, True
        return "", False
    if base != 10:
        return "", False
    return ("" if exponent == 0 else f"e{exponent}"), True


# ---------------------------------------------------------------------------------------------
# quantity.go
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:pkg/api/resource.parseQuantityString")
def parse_quantity_string(s: str) -> tuple[bool, str, str, str, str]:
    """Split into (positive, value, num, denom, suffix) by hand, as the Go does (no regexp).

    Leading zeros are dropped from `num`; `value` keeps the sign and the fraction.
    """
    positive = True
    pos, end = 0, len(s)
    if pos < end and s[0] in "-+":
        positive = s[0] != "-"
        pos += 1
    # skip leading zeros
    while True:
        if pos >= end:
            return positive, "0", "0", "", ""
        if s[pos] != "0":
            break
        pos += 1
    # integer digits
    i = pos
    while i < end and s[i].isascii() and s[i].isdigit():
        i += 1
    if i >= end:
        return positive, s[0:end], s[pos:end], "", ""
    num = s[pos:i] or "0"
    pos = i
    denom = ""
    if pos < end and s[pos] == ".":
        pos += 1
        i = pos
        while i < end and s[i].isascii() and s[i].isdigit():
            i += 1
        if i >= end:
            return positive, s[0:end], num, s[pos:end], ""
        denom = s[pos:i]
        pos = i
    value = s[0:pos]
    suffix_start = pos
    # suffix letters, then an optional sign, then digits
    i = pos
    while True:
        if i >= end:
            return positive, value, num, denom, s[suffix_start:end]
        if s[i] not in "eEinumkKMGTP":
            pos = i
            break
        i += 1
    if pos < end and s[pos] in "-+":
        pos += 1
    i = pos
    while True:
        if i >= end:
            return positive, value, num, denom, s[suffix_start:end]
        if not (s[i].isascii() and s[i].isdigit()):
            break
        i += 1
    raise QuantityError(ERR_FORMAT_WRONG)


@mirrors("kubernetes:pkg/api/resource.Quantity")
class Quantity:
    """A fixed-point number: either `i` (int64Amount) or `d` (inf.Dec) holds it, plus a cached string."""

    __slots__ = ("d", "format", "i", "s")

    def __init__(
        self,
        i: Int64Amount | None = None,
        d: _Dec | None = None,
        s: str = "",
        format: Format = Format.DECIMAL_SI,  # noqa: A002 - the Go field's name
    ) -> None:
        self.i = i if i is not None else Int64Amount()
        self.d = d
        self.s = s
        self.format = format

    def __repr__(self) -> str:
        return f"Quantity({self.string()!r})"

    def __str__(self) -> str:
        return self.string()

    # --- representation ------------------------------------------------------------------
    def representation(self) -> dict[str, object]:
        """The unexported internals (what the golden vectors record via reflection)."""
        if self.d is not None:
            return {"repr": "infDec"}
        return {"repr": "int64Amount", "repr_int64_value": self.i.value, "repr_int64_scale": self.i.scale}

    @mirrors("kubernetes:pkg/api/resource.Quantity.Copy")
    def copy(self) -> Quantity:
        """A deep copy that keeps the cached string (as Copy does)."""
        return Quantity(Int64Amount(self.i.value, self.i.scale), self.d.copy() if self.d else None, self.s, self.format)

    @mirrors("kubernetes:pkg/api/resource.Quantity.ToDec")
    def to_dec(self) -> Quantity:
        if self.d is None:
            self.d = self.i.as_dec()
            self.i = Int64Amount()
        return self

    @mirrors("kubernetes:pkg/api/resource.Quantity.AsDec")
    def as_dec(self) -> str:
        """Switch to the inf.Dec representation (as the Go does) and return its text."""
        self.to_dec()
        assert self.d is not None
        return str(self.d)

    def _as_dec(self) -> _Dec:
        self.to_dec()
        assert self.d is not None
        return self.d

    # --- queries -------------------------------------------------------------------------
    @mirrors("kubernetes:pkg/api/resource.Quantity.IsZero")
    def is_zero(self) -> bool:
        if self.d is not None:
            return self.d.sign() == 0
        return self.i.value == 0

    @mirrors("kubernetes:pkg/api/resource.Quantity.Sign")
    def sign(self) -> int:
        if self.d is not None:
            return self.d.sign()
        return self.i.sign()

    @mirrors("kubernetes:pkg/api/resource.Quantity.AsInt64")
    def as_int64(self) -> tuple[int, bool]:
        if self.d is not None:
            return 0, False
        return self.i.as_int64()

    @mirrors("kubernetes:pkg/api/resource.Quantity.Value")
    def value(self) -> int:
        """Rounded up to an integer; wraps silently when it does not fit an int64."""
        return self.scaled_value(0)

    @mirrors("kubernetes:pkg/api/resource.Quantity.MilliValue")
    def milli_value(self) -> int:
        return self.scaled_value(MILLI)

    @mirrors("kubernetes:pkg/api/resource.Quantity.ScaledValue")
    def scaled_value(self, scale: int) -> int:
        if self.d is None:
            i, _ = self.i.as_scaled_int64(scale)
            return i
        return scaled_value(self.d.unscaled, self.d.scale, -scale)

    @mirrors("kubernetes:pkg/api/resource.Quantity.Cmp")
    def cmp(self, y: Quantity) -> int:
        """-1, 0 or 1; when either side is an inf.Dec the receiver switches to inf.Dec, as in Go.

        (`y` is a copy in Go, passed by value, so its own switch is not seen by the caller.)
        """
        if self.d is None and y.d is None:
            return self.i.cmp(y.i)
        return self._as_dec().cmp(y.copy()._as_dec())

    @mirrors("kubernetes:pkg/api/resource.Quantity.CmpInt64")
    def cmp_int64(self, y: int) -> int:
        if self.d is not None:
            return self.d.cmp(_Dec(y, 0))
        return self.i.cmp(Int64Amount(y, 0))

    @mirrors("kubernetes:pkg/api/resource.Quantity.AsScale")
    def as_scale(self, scale: int) -> tuple[Int64Amount | _Dec, bool]:
        if self.d is not None:
            return _dec_as_scale(self.d, scale)
        return self.i.as_scale(scale)

    @mirrors("kubernetes:pkg/api/resource.Quantity.RoundUp")
    def round_up(self, scale: int) -> bool:
        """Round to `scale` away from zero; False when precision was lost. The cached string survives a no-op."""
        if self.d is not None:
            self.s = ""
            self.d, exact = _dec_as_scale(self.d, scale)
            return exact
        if self.i.scale >= scale:
            return True
        self.s = ""
        self.i, exact = self.i.as_scale(scale)
        return exact

    # --- arithmetic (in place, like the Go pointer methods) -------------------------------
    @mirrors("kubernetes:pkg/api/resource.Quantity.Add")
    def add(self, y: Quantity) -> None:
        self.s = ""
        if self.d is None and y.d is None:
            if self.i.value == 0:
                self.format = y.format
            if self.i.add(y.i):
                return
        elif self.is_zero():
            self.format = y.format
        d = self.to_dec().d
        assert d is not None
        d.add(y.copy()._as_dec())

    @mirrors("kubernetes:pkg/api/resource.Quantity.Sub")
    def sub(self, y: Quantity) -> None:
        self.s = ""
        if self.is_zero():
            self.format = y.format
        if self.d is None and y.d is None and self.i.sub(y.i):
            return
        d = self.to_dec().d
        assert d is not None
        d.sub(y.copy()._as_dec())

    @mirrors("kubernetes:pkg/api/resource.Quantity.Neg")
    def neg(self) -> None:
        self.s = ""
        if self.d is None:
            self.i.value = _wrap(-self.i.value)
            return
        self.d.neg()

    # --- printing --------------------------------------------------------------------------
    @mirrors("kubernetes:pkg/api/resource.Quantity.AsCanonicalBytes")
    def as_canonical_bytes(self) -> tuple[str, int]:
        if self.d is not None:
            return _dec_as_canonical_bytes(self.d)
        return self.i.as_canonical_bytes()

    @mirrors("kubernetes:pkg/api/resource.Quantity.CanonicalizeBytes")
    def canonicalize_bytes(self) -> tuple[str, str]:
        """(number, suffix) of the canonical form; never uses the cached string.

        BinarySI prints in decimal when |q| < 1024 or q is not a whole number. A suffix the
        format has no name for (e.g. 10^21 in DecimalSI) is silently dropped, as upstream does.
        """
        if self.is_zero():
            return "0", ""
        rounded: Int64Amount | _Dec | None = None
        fmt = self.format
        if fmt is Format.BINARY_SI:
            if self.cmp_int64(-1024) > 0 and self.cmp_int64(1024) < 0:
                fmt = Format.DECIMAL_SI
            else:
                rounded, exact = self.as_scale(0)
                if not exact:
                    fmt = Format.DECIMAL_SI
        elif fmt not in (Format.DECIMAL_EXPONENT, Format.DECIMAL_SI):
            fmt = Format.DECIMAL_EXPONENT
        if fmt in (Format.DECIMAL_EXPONENT, Format.DECIMAL_SI):
            number, exponent = self.as_canonical_bytes()
            suffix, _ = construct_suffix(10, exponent, fmt)
            return number, suffix
        if isinstance(rounded, Int64Amount):
            number, exponent = rounded.as_canonical_base1024_bytes()
        else:
            assert rounded is not None
            number, exponent = _dec_as_canonical_base1024_bytes(rounded)
        suffix, _ = construct_suffix(2, exponent * 10, fmt)
        return number, suffix

    @mirrors("kubernetes:pkg/api/resource.Quantity.String")
    def string(self) -> str:
        """The cached original text when the parser judged it canonical, else the canonical form."""
        if not self.s:
            number, suffix = self.canonicalize_bytes()
            self.s = number + suffix
        return self.s

    @mirrors("kubernetes:pkg/api/resource.Quantity.MarshalJSON")
    def marshal_json(self) -> str:
        if self.s:
            return '"' + self.s + '"'
        number, suffix = self.canonicalize_bytes()
        return '"' + number + suffix + '"'

    @mirrors("kubernetes:pkg/api/resource.Quantity.UnmarshalJSON")
    def unmarshal_json(self, raw: str) -> None:
        """Set from raw JSON bytes: `null` clears, quotes are stripped (escapes are not decoded)."""
        if raw == "null":
            self.d = None
            self.i = Int64Amount()
            return
        if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
            raw = raw[1:-1]
        parsed = parse_quantity(_go_trim_space(raw))
        self.i, self.d, self.s, self.format = parsed.i, parsed.d, parsed.s, parsed.format


def _go_trim_space(s: str) -> str:
    """strings.TrimSpace: Unicode White_Space, which Python's str.strip also uses (minus a few)."""
    return s.strip(" \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                   "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


@mirrors("kubernetes:pkg/api/resource.ParseQuantity")
def parse_quantity(s: str) -> Quantity:
    """Parse a quantity string, choosing the representation the Go would choose.

    Raises QuantityError with the upstream message. The original text is cached (and later
    printed back verbatim by String()) only when it is already canonical-looking: for decimal
    formats a scale that is a multiple of 3, no trailing "000" and no leading zero digit.
    """
    if len(s) == 0:
        raise QuantityError(ERR_FORMAT_WRONG)
    if s == "0":
        return Quantity(format=Format.DECIMAL_SI, s=s)

    positive, value, num, denom, suf = parse_quantity_string(s)
    base, exponent, fmt, ok = interpret_suffix(suf)
    if not ok:
        raise QuantityError(ERR_SUFFIX)

    precision = 0
    scale = 0
    mantissa = 1
    if fmt in (Format.DECIMAL_EXPONENT, Format.DECIMAL_SI):
        scale = exponent
        precision = MAX_INT64_FACTORS - (len(num) + len(denom))
    else:  # BinarySI
        scale = 0
        if exponent >= 0 and len(denom) == 0:
            # 1 << exponent in an int64 (exponent is at most 60 here)
            mantissa = _wrap(mantissa << exponent)
            precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        else:
            precision = -1

    if precision >= 0:
        # if we have a denominator, shift the entire value to the left by the number of places
        scale -= len(denom)
        if scale >= NANO:
            shifted = num + denom
            try:
                parsed = int(shifted, 10)
            except ValueError:
                raise QuantityError(ERR_NUMERIC) from None
            if not MOST_NEGATIVE <= parsed <= MOST_POSITIVE:
                raise QuantityError(ERR_NUMERIC)
            result, ok = int64_multiply(parsed, mantissa)
            if ok:
                if not positive:
                    result = _wrap(-result)
                amount = Int64Amount(result, scale)
                if fmt is Format.BINARY_SI:
                    # only cache when the value is not a multiple of 8 units of the suffix
                    if exponent % 10 == 0 and (parsed & 0x07) != 0:
                        return Quantity(i=amount, format=fmt, s=s)
                elif scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0":
                    return Quantity(i=amount, format=fmt, s=s)
                return Quantity(i=amount, format=fmt)

    amount_dec = _Dec.from_string(value)
    if amount_dec is None:
        raise QuantityError(ERR_NUMERIC)
    if base == 10:
        amount_dec.scale = _int32(amount_dec.scale - exponent)
    elif base == 2:
        amount_dec.unscaled *= 1 << exponent

    # round up to nanounits; binary quantities are capped at the largest int64
    sign = amount_dec.sign()
    if sign == -1:
        amount_dec.neg()
    v, fits = amount_dec.unscaled_int64()
    if v != 0 or not fits:
        amount_dec = amount_dec.round_up(-NANO)
    if fmt is Format.BINARY_SI and amount_dec.cmp(_MAX_ALLOWED) > 0:
        amount_dec = _MAX_ALLOWED.copy()
    if fmt is Format.BINARY_SI and amount_dec.cmp(_DEC_ONE) < 0 and amount_dec.cmp(_DEC_ZERO) > 0:
        fmt = Format.DECIMAL_SI
    if sign == -1:
        amount_dec.neg()
    return Quantity(d=amount_dec, format=fmt)


@mirrors("kubernetes:pkg/api/resource.NewQuantity")
def new_quantity(value: int, format: Format) -> Quantity:  # noqa: A002 - the Go parameter's name
    return Quantity(Int64Amount(value, 0), None, "", format)


@mirrors("kubernetes:pkg/api/resource.NewMilliQuantity")
def new_milli_quantity(value: int, format: Format) -> Quantity:  # noqa: A002 - the Go parameter's name
    return Quantity(Int64Amount(value, MILLI), None, "", format)


@mirrors("kubernetes:pkg/api/resource.NewScaledQuantity")
def new_scaled_quantity(value: int, scale: int) -> Quantity:
    return Quantity(Int64Amount(value, scale), None, "", Format.DECIMAL_SI)


@mirrors("kubernetes:pkg/api/resource.MustParse")
def must_parse(s: str) -> Quantity:
    """ParseQuantity that panics (here: raises ValueError with the Go panic text)."""
    try:
        return parse_quantity(s)
    except QuantityError as exc:
        msg = f"cannot parse '{s}': {exc}"
        raise ValueError(msg) from None


def go_json_quote(s: str) -> str:
    """encoding/json's Marshal of a string (HTML-safe escaping), used to feed UnmarshalJSON."""
    quoted = json.dumps(s, ensure_ascii=False).replace("\\b", "\\u0008").replace("\\f", "\\u000c")
    return quoted.replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026"
    ).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _demo() -> None:
    print("ParseQuantity -> representation, String(), Value(), MilliValue()")
    for text in ["100m", "1.5", "0.1", "1Ki", "1536Ki", "1.5Gi", "1e3", "12e6", "0.0000000001", "1000E", "8Ei"]:
        q = parse_quantity(text)
        rep = q.representation()
        where = (
            f"int64Amount{{{rep['repr_int64_value']}, {rep['repr_int64_scale']}}}"
            if rep["repr"] == "int64Amount"
            else "inf.Dec"
        )
        canonical = "".join(q.canonicalize_bytes())
        print(f"  {text!r:16} {where:26} String={q.string()!r:14} canonical={canonical!r:24} "
              f"Value={q.value()} Milli={q.milli_value()}")
    print("\nArithmetic keeps the format of the first non-zero operand; Add clears the cached string:")
    a = parse_quantity("1Ki")
    a.add(parse_quantity("1024"))
    print(f"  1Ki + 1024 = {a.string()}")
    b = parse_quantity("100m")
    b.sub(parse_quantity("1"))
    print(f"  100m - 1   = {b.string()}")
    for bad in ["1 Gi", "1ki", "abc"]:
        try:
            parse_quantity(bad)
        except QuantityError as exc:
            print(f"  ParseQuantity({bad!r}) -> error: {exc}")


if __name__ == "__main__":
    _demo()
