"""The few pieces of Go's standard library that the Docker models depend on, in Python.

Docker's own code leans on `strconv`, `time`, `fmt`, `text/tabwriter` and `net` for behaviour a reader
can see: error texts, number syntax, how a duration or a float is printed, how the usage table is
aligned. The golden vectors were recorded with **Go 1.19**, so this module follows Go 1.19 (Docker
1.12.3 itself was built with Go 1.6); where the two differ it says so next to the code:

- `strconv.ParseInt/ParseUint(s, 0, n)` accept `0b`, `0o` and `_` digit separators since Go 1.13.
- `time.ParseDuration` quotes the input in its errors since Go 1.15 (`time: missing unit in duration "30"`;
  Go 1.6 printed `time: missing unit in duration 30`), and accepts `μs` (U+03BC) besides `µs`.
- `net.ParseIP` rejects IPv4 octets with leading zeros since Go 1.17 (`010.1.1.1`).

This module is private to the Docker models: nothing here mirrors a Docker symbol.
"""

from __future__ import annotations

import decimal
import math
import re
import unicodedata

# -- strconv -----------------------------------------------------------------------------------

MAX_UINT64 = (1 << 64) - 1


class NumError(ValueError):
    """strconv.NumError: `strconv.<Func>: parsing "<num>": <err>`."""

    def __init__(self, func: str, num: str, err: str) -> None:
        super().__init__(f"strconv.{func}: parsing {quote(num)}: {err}")
        self.func, self.num, self.err = func, num, err

    def with_func(self, func: str, num: str) -> NumError:
        return NumError(func, num, self.err)


ERR_SYNTAX = "invalid syntax"
ERR_RANGE = "value out of range"


def is_print(ch: str) -> bool:
    """unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space."""
    return ch == " " or unicodedata.category(ch)[0] in "LMNPS"


def quote(s: str) -> str:
    """strconv.Quote (what `%q` prints for a string)."""
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif is_print(ch):
            out.append(ch)
        elif ch in "\a\b\f\n\r\t\v":
            out.append({"\a": r"\a", "\b": r"\b", "\f": r"\f", "\n": r"\n", "\r": r"\r", "\t": r"\t",
                        "\v": r"\v"}[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif 0xD800 <= code < 0xE000:  # a lone surrogate stands for an invalid UTF-8 byte here
            out.append(r"\ufffd")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _lower(c: str) -> str:
    """strconv's `lower`: c | 0x20 for an ASCII byte (non-ASCII never matches a letter range)."""
    return chr(ord(c) | 0x20) if ord(c) < 0x80 else c


def underscore_ok(s: str) -> bool:
    """strconv.underscoreOK: `_` only between digits (or after a base prefix)."""
    saw = "^"
    i = 0
    if s and s[0] in "+-":
        s = s[1:]
    hexa = False
    if len(s) >= 2 and s[0] == "0" and _lower(s[1]) in "box":
        i = 2
        saw = "0"
        hexa = _lower(s[1]) == "x"
    while i < len(s):
        c = s[i]
        if "0" <= c <= "9" or (hexa and "a" <= _lower(c) <= "f"):
            saw = "0"
        elif c == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
        i += 1
    return saw != "_"


def parse_uint(s: str, base: int, bit_size: int) -> tuple[int, NumError | None]:
    """strconv.ParseUint; like Go, returns the clamped maximum together with a range error."""
    fn = "ParseUint"
    if s == "":
        return 0, NumError(fn, s, ERR_SYNTAX)
    base0 = base == 0
    s0 = s
    if base == 0:
        base = 10
        if s[0] == "0":
            if len(s) >= 3 and _lower(s[1]) == "b":
                base, s = 2, s[2:]
            elif len(s) >= 3 and _lower(s[1]) == "o":
                base, s = 8, s[2:]
            elif len(s) >= 3 and _lower(s[1]) == "x":
                base, s = 16, s[2:]
            else:
                base, s = 8, s[1:]
    if bit_size == 0:
        bit_size = 64
    cutoff = MAX_UINT64 // base + 1
    max_val = (1 << bit_size) - 1
    underscores = False
    n = 0
    for c in s:
        if c == "_" and base0:
            underscores = True
            continue
        if "0" <= c <= "9":
            d = ord(c) - ord("0")
        elif "a" <= _lower(c) <= "z":
            d = ord(_lower(c)) - ord("a") + 10
        else:
            return 0, NumError(fn, s0, ERR_SYNTAX)
        if d >= base:
            return 0, NumError(fn, s0, ERR_SYNTAX)
        if n >= cutoff:
            return max_val, NumError(fn, s0, ERR_RANGE)
        n *= base
        n1 = (n + d) & MAX_UINT64
        if n1 < n or n1 > max_val:
            return max_val, NumError(fn, s0, ERR_RANGE)
        n = n1
    if underscores and not underscore_ok(s0):
        return 0, NumError(fn, s0, ERR_SYNTAX)
    return n, None


def parse_int(s: str, base: int, bit_size: int) -> tuple[int, NumError | None]:
    """strconv.ParseInt; a range error comes with the clamped extreme, as in Go."""
    fn = "ParseInt"
    if s == "":
        return 0, NumError(fn, s, ERR_SYNTAX)
    s0 = s
    neg = False
    if s[0] == "+":
        s = s[1:]
    elif s[0] == "-":
        neg, s = True, s[1:]
    un, err = parse_uint(s, base, bit_size)
    if err is not None and err.err != ERR_RANGE:
        return 0, err.with_func(fn, s0)
    if bit_size == 0:
        bit_size = 64
    cutoff = 1 << (bit_size - 1)
    if not neg and un >= cutoff:
        return cutoff - 1, NumError(fn, s0, ERR_RANGE)
    if neg and un > cutoff:
        return -cutoff, NumError(fn, s0, ERR_RANGE)
    return (-un if neg else un), None


def parse_bool(s: str) -> tuple[bool, NumError | None]:
    """strconv.ParseBool: exactly twelve spellings are accepted."""
    if s in ("1", "t", "T", "TRUE", "true", "True"):
        return True, None
    if s in ("0", "f", "F", "FALSE", "false", "False"):
        return False, None
    return False, NumError("ParseBool", s, ERR_SYNTAX)


_DEC_FLOAT = re.compile(r"[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?\Z", re.ASCII)
_HEX_FLOAT = re.compile(r"[+-]?0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)[pP][+-]?[0-9_]+\Z",
                        re.ASCII)


def _special_float(s: str) -> float | None:
    """strconv.special: [+-]inf, [+-]infinity, nan, case-insensitive, and nothing after it."""
    body = s[1:] if s[:1] in ("+", "-") else s
    sign = -1.0 if s[:1] == "-" else 1.0
    if body.lower() in ("inf", "infinity"):
        return math.copysign(math.inf, sign)
    if s.lower() == "nan":
        return math.nan
    return None


def parse_float(s: str) -> tuple[float, NumError | None]:
    """strconv.ParseFloat(s, 64): Go float syntax (decimal or hex with `p` exponent, `_` separators).

    Rounding is Python's, which like Go's is correct rounding to nearest even; overflow gives
    ±Inf and a range error, underflow gives 0 without error, as in Go.
    """
    fn = "ParseFloat"
    special = _special_float(s)
    if special is not None:
        return special, None
    hexa = _HEX_FLOAT.match(s)
    if not hexa and not _DEC_FLOAT.match(s):
        return 0.0, NumError(fn, s, ERR_SYNTAX)
    mantissa = re.split(r"[eEpP]", s.lstrip("+-"), maxsplit=1)[0]
    if not any(c.isdigit() or (hexa and c in "abcdefABCDEF") for c in mantissa.lower().replace("0x", "", 1)):
        return 0.0, NumError(fn, s, ERR_SYNTAX)
    if "_" in s and not underscore_ok(s):
        return 0.0, NumError(fn, s, ERR_SYNTAX)
    clean = s.replace("_", "")
    try:
        value = float.fromhex(clean) if hexa else float(clean)
    except OverflowError:
        value = math.copysign(math.inf, -1.0 if s.startswith("-") else 1.0)
    if math.isinf(value):
        return value, NumError(fn, s, ERR_RANGE)
    return value, None


def _shortest_digits(f: float) -> tuple[str, int]:
    """Shortest decimal digits that round-trip (as Go's shortest formatting), and the point position."""
    d = decimal.Decimal(repr(abs(f))).normalize()
    _, digits, exp = d.as_tuple()
    text = "".join(map(str, digits))
    if text == "0":
        return "0", 1
    assert isinstance(exp, int)
    return text, len(text) + exp


def format_float_v(f: float) -> str:
    """fmt's `%v` for a float64: strconv's 'g' format with the shortest round-trip digits.

    In shortest mode Go decides between %e and %f with precision 6: `1e+06` but `100000`.
    """
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    neg = math.copysign(1.0, f) < 0
    digits, dp = _shortest_digits(f)
    return ("-" if neg else "") + _fmt_g_shortest(digits, dp)


def _fmt_g_shortest(digits: str, dp: int) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64) for a positive number given as digits and point position."""
    nd = len(digits)
    eprec = 6  # Go: "if precision was the shortest possible, use precision 6 for this decision"
    exp = dp - 1
    if exp < -4 or exp >= eprec:
        # %e with nd-1 fraction digits
        mant = digits[0] + ("." + digits[1:] if nd > 1 else "")
        sign = "-" if exp < 0 else "+"
        return f"{mant}e{sign}{abs(exp):02d}"
    # %f with max(nd-dp, 0) fraction digits
    if dp > 0:
        integer = digits[:dp] + "0" * max(dp - nd, 0)
        frac = digits[dp:]
    else:
        integer = "0"
        frac = "0" * (-dp) + digits
    return integer + ("." + frac if frac else "")


# -- time --------------------------------------------------------------------------------------

NANOSECOND = 1
MICROSECOND = 1000 * NANOSECOND
MILLISECOND = 1000 * MICROSECOND
SECOND = 1000 * MILLISECOND
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE

_UNIT_MAP = {
    b"ns": NANOSECOND,
    b"us": MICROSECOND,
    "µs".encode(): MICROSECOND,  # U+00B5 micro sign
    "μs".encode(): MICROSECOND,  # U+03BC Greek small letter mu (Go >= 1.10)
    b"ms": MILLISECOND,
    b"s": SECOND,
    b"m": MINUTE,
    b"h": HOUR,
}


class DurationError(ValueError):
    """An error of time.ParseDuration, with Go 1.19's text."""


def time_quote(b: bytes) -> str:
    r"""time.quote: `"` + bytes, with `"`/`\` escaped and each byte of a non-ASCII or control rune as \xNN."""
    text = b.decode("utf-8", errors="surrogateescape")
    out = ['"']
    for ch in text:
        if ord(ch) >= 0x80 or ord(ch) < 0x20:
            raw = ch.encode("utf-8", errors="surrogateescape")
            out.extend(f"\\x{byte:02x}" for byte in raw)
        else:
            if ch in ('"', "\\"):
                out.append("\\")
            out.append(ch)
    out.append('"')
    return "".join(out)


def _leading_int(s: bytes) -> tuple[int, bytes] | None:
    """time.leadingInt: consume [0-9]*, None on overflow past 1<<63."""
    x = 0
    i = 0
    while i < len(s):
        c = s[i]
        if c < 0x30 or c > 0x39:
            break
        if x > (1 << 63) // 10:
            return None
        x = x * 10 + c - 0x30
        if x > 1 << 63:
            return None
        i += 1
    return x, s[i:]


def _leading_fraction(s: bytes) -> tuple[int, float, bytes]:
    """time.leadingFraction: consume [0-9]*, silently dropping precision on overflow."""
    x, scale, i, overflow = 0, 1.0, 0, False
    while i < len(s):
        c = s[i]
        if c < 0x30 or c > 0x39:
            break
        i += 1
        if overflow:
            continue
        if x > ((1 << 63) - 1) // 10:
            overflow = True
            continue
        y = x * 10 + c - 0x30
        if y > 1 << 63:
            overflow = True
            continue
        x = y
        scale *= 10
    return x, scale, s[i:]


def parse_duration(text: str) -> int:
    r"""time.ParseDuration (Go 1.19): `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, in nanoseconds.

    Raises DurationError with Go 1.19's message; Go 1.6 printed the input unquoted.
    """
    orig = text.encode("utf-8", errors="surrogateescape")
    s = orig
    d = 0
    neg = False
    invalid = DurationError("time: invalid duration " + time_quote(orig))
    if s[:1] in (b"-", b"+"):  # [-+]?
        neg = s[:1] == b"-"
        s = s[1:]
    if s == b"0":
        return 0
    if s == b"":
        raise invalid
    while s:
        f, scale = 0, 1.0
        if not (s[:1] == b"." or b"0" <= s[:1] <= b"9"):
            raise invalid
        pl = len(s)
        lead = _leading_int(s)
        if lead is None:
            raise invalid
        v, s = lead
        pre = pl != len(s)
        post = False
        if s[:1] == b".":
            s = s[1:]
            pl = len(s)
            f, scale, s = _leading_fraction(s)
            post = pl != len(s)
        if not pre and not post:
            raise invalid
        i = 0
        while i < len(s):
            c = s[i]
            if c == 0x2E or 0x30 <= c <= 0x39:
                break
            i += 1
        if i == 0:
            raise DurationError("time: missing unit in duration " + time_quote(orig))
        u, s = s[:i], s[i:]
        unit = _UNIT_MAP.get(u)
        if unit is None:
            raise DurationError("time: unknown unit " + time_quote(u) + " in duration " + time_quote(orig))
        if v > (1 << 63) // unit:
            raise invalid
        v *= unit
        if f > 0:
            v += int(float(f) * (float(unit) / scale))
            if v > 1 << 63:
                raise invalid
        d += v
        if d > 1 << 63:
            raise invalid
    if neg:
        return -d
    if d > (1 << 63) - 1:
        raise invalid
    return d


def _fmt_frac(v: int, prec: int) -> tuple[str, int]:
    """time.fmtFrac: `.ddd` without trailing zeros (nothing when the fraction is 0), and v / 10**prec."""
    digits = f"{v % 10**prec:0{prec}d}".rstrip("0") if prec else ""
    return ("." + digits if digits else ""), v // 10**prec


def duration_string(d: int) -> str:
    """time.Duration.String: `1h2m3.5s`, `1.5ms`, `0s`."""
    neg = d < 0
    u = -d if neg else d
    if u < SECOND:
        if u == 0:
            return "0s"
        if u < MICROSECOND:
            prec, unit = 0, "ns"
        elif u < MILLISECOND:
            prec, unit = 3, "µs"
        else:
            prec, unit = 6, "ms"
        frac, u = _fmt_frac(u, prec)
        out = f"{u}{frac}{unit}"
    else:
        frac, u = _fmt_frac(u, 9)
        out = f"{u % 60}{frac}s"
        u //= 60
        if u > 0:
            out = f"{u % 60}m" + out
            u //= 60
            if u > 0:
                out = f"{u}h" + out
    return ("-" if neg else "") + out


# -- strings -----------------------------------------------------------------------------------

_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def trim_space(s: str) -> str:
    r"""strings.TrimSpace (unicode.IsSpace, which differs from Python's str.strip on \x1c-\x1f)."""
    return s.strip(_GO_SPACE)


# -- net ---------------------------------------------------------------------------------------

_BIG = 0xFFFFFF


def _dtoi(s: str) -> tuple[int, int, bool]:
    n, i = 0, 0
    while i < len(s) and "0" <= s[i] <= "9":
        n = n * 10 + ord(s[i]) - 48
        if n >= _BIG:
            return _BIG, i, False
        i += 1
    return n, i, i > 0


def _xtoi(s: str) -> tuple[int, int, bool]:
    n, i = 0, 0
    while i < len(s) and s[i] in "0123456789abcdefABCDEF":
        n = n * 16 + int(s[i], 16)
        if n >= _BIG:
            return 0, i, False
        i += 1
    return n, i, i > 0


_V4_IN_V6 = bytes(10) + b"\xff\xff"


def _parse_ipv4(s: str) -> bytes | None:
    out = []
    for i in range(4):
        if not s:
            return None
        if i > 0:
            if s[0] != ".":
                return None
            s = s[1:]
        n, c, ok = _dtoi(s)
        if not ok or n > 0xFF:
            return None
        if c > 1 and s[0] == "0":  # Go >= 1.17 rejects leading zeros
            return None
        s = s[c:]
        out.append(n)
    if s:
        return None
    return _V4_IN_V6 + bytes(out)


def _parse_ipv6(s: str) -> bytes | None:
    ip = bytearray(16)
    ellipsis = -1
    if len(s) >= 2 and s[0] == ":" and s[1] == ":":
        ellipsis = 0
        s = s[2:]
        if not s:
            return bytes(ip)
    i = 0
    while i < 16:
        n, c, ok = _xtoi(s)
        if not ok or n > 0xFFFF:
            return None
        if c < len(s) and s[c] == ".":
            if ellipsis < 0 and i != 12:
                return None
            if i + 4 > 16:
                return None
            ip4 = _parse_ipv4(s)
            if ip4 is None:
                return None
            ip[i:i + 4] = ip4[12:16]
            s = ""
            i += 4
            break
        ip[i] = n >> 8
        ip[i + 1] = n & 0xFF
        i += 2
        s = s[c:]
        if not s:
            break
        if s[0] != ":" or len(s) == 1:
            return None
        s = s[1:]
        if s[0] == ":":
            if ellipsis >= 0:
                return None
            ellipsis = i
            s = s[1:]
            if not s:
                break
    if s:
        return None
    if i < 16:
        if ellipsis < 0:
            return None
        n = 16 - i
        ip[ellipsis + n:16] = ip[ellipsis:i]
        ip[ellipsis:ellipsis + n] = bytes(n)
    elif ellipsis >= 0:
        return None
    return bytes(ip)


def parse_ip(s: str) -> bytes | None:
    """net.ParseIP: 16 bytes (IPv4 in its IPv4-mapped form) or None."""
    for ch in s:
        if ch == ".":
            return _parse_ipv4(s)
        if ch == ":":
            return _parse_ipv6(s)
    return None


def ip_string(ip: bytes) -> str:
    """net.IP.String: dotted IPv4 for IPv4-mapped addresses, else RFC 5952 style with the longest zero run."""
    if ip[:12] == _V4_IN_V6:
        return ".".join(str(b) for b in ip[12:])
    e0, e1 = -1, -1
    i = 0
    while i < 16:
        j = i
        while j < 16 and ip[j] == 0 and ip[j + 1] == 0:
            j += 2
        if j > i and j - i > e1 - e0:
            e0, e1 = i, j
            i = j
        i += 2
    if e1 - e0 <= 2:
        e0 = e1 = -1
    out = ""
    i = 0
    while i < 16:
        if i == e0:
            out += "::"
            i = e1
            if i >= 16:
                break
        elif i > 0:
            out += ":"
        out += f"{(ip[i] << 8) | ip[i + 1]:x}"
        i += 2
    return out


# -- text/tabwriter ----------------------------------------------------------------------------


def tabwrite(text: str, minwidth: int, padding: int, padchar: str = " ") -> str:
    """text/tabwriter with flags 0 and a non-tab pad character, then Flush.

    As `tabwriter.NewWriter(w, minwidth, 1, padding, ' ', 0)`: cells end at tabs, a column block is a run of
    consecutive lines that have a cell in that column, and every cell of a block is padded to the widest + padding.

    A line with a single cell flushes the writer (as Go does on a newline), which ends all blocks.
    """
    lines = [line.split("\t") for line in text.split("\n")]
    out: list[str] = []

    def format_block(block: list[list[str]]) -> None:
        widths: list[int] = []

        def fmt(line0: int, line1: int) -> None:
            column = len(widths)
            this = line0
            while this < line1:
                if column >= len(block[this]) - 1:
                    this += 1
                    continue
                write_lines(line0, this)
                line0 = this
                width = minwidth
                while this < line1 and column < len(block[this]) - 1:
                    width = max(width, len(block[this][column]) + padding)
                    this += 1
                widths.append(width)
                fmt(line0, this)
                widths.pop()
                line0 = this
            write_lines(line0, line1)

        written = set()

        def write_lines(line0: int, line1: int) -> None:
            for idx in range(line0, line1):
                if idx in written:
                    continue
                written.add(idx)
                cells = block[idx]
                row = ""
                for j, cell in enumerate(cells):
                    row += cell
                    if j < len(widths) and j < len(cells) - 1:
                        row += padchar * (widths[j] - len(cell))
                out.append(row)

        fmt(0, len(block))

    block: list[list[str]] = []
    for cells in lines:
        block.append(cells)
        if len(cells) == 1:
            format_block(block)
            block = []
    if block:
        format_block(block)
    return "\n".join(out)


# -- net: host and port ------------------------------------------------------------------------


class AddrError(ValueError):
    """net.AddrError: `address <addr>: <why>`."""


def split_host_port(hostport: str) -> tuple[str, str]:
    """net.SplitHostPort (Go 1.19), raising AddrError with Go's texts."""

    def fail(why: str) -> AddrError:
        return AddrError(f"address {hostport}: {why}" if hostport else why)

    i = hostport.rfind(":")
    if i < 0:
        raise fail("missing port in address")
    j = k = 0
    if hostport[0] == "[":
        end = hostport.find("]")
        if end < 0:
            raise fail("missing ']' in address")
        if end + 1 == len(hostport):
            raise fail("missing port in address")
        if end + 1 != i:
            raise fail("too many colons in address" if hostport[end + 1] == ":" else "missing port in address")
        host = hostport[1:end]
        j, k = 1, end + 1
    else:
        host = hostport[:i]
        if ":" in host:
            raise fail("too many colons in address")
    if "[" in hostport[j:]:
        raise fail("unexpected '[' in address")
    if "]" in hostport[k:]:
        raise fail("unexpected ']' in address")
    return host, hostport[i + 1:]


def join_host_port(host: str, port: str) -> str:
    """net.JoinHostPort: brackets around a host holding a colon."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# -- net/url: Parse, reduced to the host and path it yields --------------------------------------

_HOST_OK = frozenset("!$&'()*+,;=:[]<>\"-_.~")
_USERINFO_OK = frozenset("-._:~!$&'()*+,;=%@")


class URLError(ValueError):
    """url.Error of Parse: `parse "<url>": <err>`."""


def _quote_bytes(data: bytes) -> str:
    """strconv.Quote of a byte string: each byte that is not valid UTF-8 is written as a hex escape."""
    parts = []
    for ch in data.decode("utf-8", "surrogateescape"):
        code = ord(ch)
        parts.append(f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else quote(ch)[1:-1])
    return '"' + "".join(parts) + '"'


def _is_hex(b: int) -> bool:
    return chr(b) in "0123456789abcdefABCDEF"


def _host_should_escape(b: int) -> bool:
    """shouldEscape(c, encodeHost) (encodeZone is the same for the bytes it is asked about)."""
    return not (chr(b).isascii() and chr(b).isalnum()) and chr(b) not in _HOST_OK


def _unescape(s: bytes, mode: str) -> bytes:
    """url.unescape for the modes `host`, `zone`, `path`, `userinfo` (no `+` rule outside queries)."""
    i = 0
    while i < len(s):
        b = s[i]
        if b == ord("%"):
            if i + 2 >= len(s) or not _is_hex(s[i + 1]) or not _is_hex(s[i + 2]):
                raise ValueError(f"invalid URL escape {_quote_bytes(s[i:i + 3])}")
            escape = s[i:i + 3]
            if mode == "host" and int(chr(s[i + 1]), 16) < 8 and escape != b"%25":
                raise ValueError(f"invalid URL escape {_quote_bytes(escape)}")
            if mode == "zone":
                v = int(escape[1:], 16)
                if escape != b"%25" and v != ord(" ") and _host_should_escape(v):
                    raise ValueError(f"invalid URL escape {_quote_bytes(escape)}")
            i += 3
            continue
        if mode in ("host", "zone") and b < 0x80 and _host_should_escape(b):
            raise ValueError(f"invalid character {quote(chr(b))} in host name")
        i += 1
    return re.sub(rb"%([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), s)


def _valid_optional_port(port: bytes) -> bool:
    return port == b"" or (port[:1] == b":" and all(48 <= b <= 57 for b in port[1:]))


def _parse_host(host: bytes) -> bytes:
    """url.parseHost: `[v6%25zone]:port` or `name:port`; %-escapes only for non-ASCII (and the zone)."""
    if host.startswith(b"["):
        i = host.rfind(b"]")
        if i < 0:
            raise ValueError("missing ']' in host")
        if not _valid_optional_port(host[i + 1:]):
            raise ValueError(f"invalid port {_quote_bytes(host[i + 1:])} after host")
        zone = host[:i].find(b"%25")
        if zone >= 0:
            return _unescape(host[:zone], "host") + _unescape(host[zone:i], "zone") + _unescape(host[i:], "host")
    elif (i := host.rfind(b":")) != -1 and not _valid_optional_port(host[i:]):
        raise ValueError(f"invalid port {_quote_bytes(host[i:])} after host")
    return _unescape(host, "host")


def url_parse_authority(raw: str) -> tuple[str, str]:
    """url.Parse (Go 1.19) of a `scheme://...` string: its Host and Path, both unescaped.

    Only absolute URLs whose scheme is letters are asked for here (the Docker code prefixes `tcp://`).
    """
    u, _, frag = raw.partition("#")
    try:
        data = u.encode()
        if any(b < 0x20 or b == 0x7F for b in data):
            raise ValueError("net/url: invalid control character in URL")  # noqa: TRY301 - one error path
        rest = data[data.index(b":") + 1:]
        rest = rest[:-1] if rest.endswith(b"?") and rest.count(b"?") == 1 else rest.partition(b"?")[0]
        host = b""
        if rest.startswith(b"//"):
            authority, slash, tail = rest[2:].partition(b"/")
            rest = slash + tail
            at = authority.rfind(b"@")
            host = _parse_host(authority[at + 1:])
            if at >= 0:
                userinfo = authority[:at].decode()
                if any(not (c.isascii() and c.isalnum()) and c not in _USERINFO_OK for c in userinfo):
                    raise ValueError("net/url: invalid userinfo")  # noqa: TRY301 - one error path
                for part in userinfo.split(":", 1):
                    _unescape(part.encode(), "userinfo")
        path = _unescape(rest, "path")
    except ValueError as exc:
        raise URLError(f"parse {quote(u)}: {exc}") from None
    if frag:
        try:
            _unescape(frag.encode(), "fragment")
        except ValueError as exc:
            raise URLError(f"parse {quote(raw)}: {exc}") from None
    return host.decode("utf-8", "replace"), path.decode("utf-8", "replace")


# -- path/filepath (Unix) ----------------------------------------------------------------------


def filepath_clean(path: str) -> str:
    """filepath.Clean: posixpath.normpath, except that Go keeps no double leading slash."""
    import posixpath  # noqa: PLC0415 - only the path helpers use it

    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def filepath_join(*elems: str) -> str:
    """filepath.Join: the non-empty elements joined by `/` and cleaned; "" when all are empty."""
    parts = [e for e in elems if e != ""]
    return filepath_clean("/".join(parts)) if parts else ""


def filepath_dir(path: str) -> str:
    """filepath.Dir: everything before the last `/`, cleaned (`.` for a bare name)."""
    return filepath_clean(path[: path.rfind("/") + 1])
