"""Go's encoding/json (Go 1.19), as far as Docker's image identities depend on it.

An image ID is the sha256 of the config *bytes*, so those need no JSON at all; but what Docker does
with a config does: `NewFromJSON` decodes it into Go structs (case-insensitive keys, unknown keys
dropped, first type error kept while decoding goes on, syntax errors in Go's words), and
`Image.MarshalJSON` and `v1.CreateID` encode structs back (field order, `omitempty`, HTML-safe
escaping, maps with sorted keys). The v1 layer IDs of `docker save` are hashes of such encodings, so
they are only right if the encoding is byte-for-byte Go's.

Types are described by `GoType`; decoded values are plain Python: dict (struct, by Go field name, or
map), list, str, bool, int, `GoTime`, or None for nil.

Still simplified: only the kinds image configs use (no floats, interfaces or json.Number decoding
targets, no struct tags beyond names and omitempty); live parity proves it through image configs only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from walkthrough.reimpl.docker import _gostd


class GoJSONError(ValueError):
    """An error json.Unmarshal returns (syntax, type, or an UnmarshalJSON method's error)."""


class GoTypeError(GoJSONError):
    """json.UnmarshalTypeError: a JSON value of the wrong kind for its Go type.

    `struct` and `field` say where (the innermost struct's type name and the JSON key path), when
    known; json.Unmarshal adds them on the way out, even to an error an UnmarshalJSON method returned.
    """

    def __init__(self, value: str, type_name: str, struct: str = "", field_path: str = "") -> None:
        where = f"Go struct field {struct}.{field_path}" if struct or field_path else "Go value"
        super().__init__(f"json: cannot unmarshal {value} into {where} of type {type_name}")
        self.value, self.type_name = value, type_name

    def with_context(self, struct: str, field_stack: list[str]) -> GoTypeError:
        """decodeState.addErrorContext."""
        if not struct and not field_stack:
            return self
        return GoTypeError(self.value, self.type_name, struct, ".".join(field_stack))


# -- types -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A struct field: JSON key, Go name, type, omitempty."""

    key: str
    go_name: str
    type: GoType
    omitempty: bool = False


@dataclass(frozen=True)
class GoType:
    """A Go type as encoding/json sees it; `name` is its reflect String() for error messages.

    kind: string, bool, int, time, strslice, empty_struct, struct, ptr, slice, map.
    """

    name: str
    kind: str
    elem: GoType | None = None
    fields: tuple[Field, ...] = field(default=())
    bits: int = 64


def zero(t: GoType) -> Any:
    """The zero value of a type."""
    if t.kind == "string":
        return ""
    if t.kind == "bool":
        return False
    if t.kind == "int":
        return 0
    if t.kind == "time":
        return ZERO_TIME
    if t.kind == "struct":
        return {f.go_name: zero(f.type) for f in t.fields}
    if t.kind == "empty_struct":
        return {}
    return None  # ptr, slice, map, strslice


# -- time.Time, as far as JSON goes ----------------------------------------------------------------


@dataclass(frozen=True)
class GoTime:
    """A wall-clock time with its zone offset (seconds east of UTC), as Go keeps it for formatting."""

    year: int = 1
    month: int = 1
    day: int = 1
    hour: int = 0
    minute: int = 0
    second: int = 0
    nsec: int = 0
    offset: int = 0

    def rfc3339nano(self) -> str:
        """Time.MarshalJSON's text: RFC3339 with trailing zeros of the fraction dropped, Z for offset 0."""
        out = f"{self.year:04d}-{self.month:02d}-{self.day:02d}T{self.hour:02d}:{self.minute:02d}:{self.second:02d}"
        if self.nsec:
            out += "." + f"{self.nsec:09d}".rstrip("0")
        if self.offset == 0:
            return out + "Z"
        sign = "-" if self.offset < 0 else "+"
        minutes = abs(self.offset) // 60
        return out + f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


ZERO_TIME = GoTime()
_RFC3339_QUOTED = '"2006-01-02T15:04:05Z07:00"'


class _TimeParseError(GoJSONError):
    def __init__(self, value: str, layout_elem: str, value_elem: str, message: str = "") -> None:
        q = _gostd.time_quote
        if message:
            text = "parsing time " + q(value.encode()) + message
        else:
            text = (f"parsing time {q(value.encode())} as {q(_RFC3339_QUOTED.encode())}: cannot parse "
                    f"{q(value_elem.encode())} as {q(layout_elem.encode())}")
        super().__init__(text)


def _getnum(s: str, fixed: bool) -> tuple[int, str] | None:
    """time.getnum: one or two digits (exactly two when fixed)."""
    if not s or not s[0].isascii() or not s[0].isdigit():
        return None
    if len(s) < 2 or not s[1].isascii() or not s[1].isdigit():
        if fixed:
            return None
        return int(s[0]), s[1:]
    return int(s[:2]), s[2:]


def parse_rfc3339_json(value: str) -> GoTime:
    """time.Time.UnmarshalJSON: time.Parse(`"` + RFC3339 + `"`, data), with Go's ParseError texts."""
    avalue = value
    # The layout's elements in order: (literal prefix, element) pairs, then the closing quote.
    chunks = [('"', "2006"), ("-", "01"), ("-", "02"), ("T", "15"), (":", "04"), (":", "05"), ("", "Z07:00")]
    fields: dict[str, int] = {}
    offset = 0
    for prefix, std in [*chunks, ('"', "")]:
        for ch in prefix:
            if not value or value[0] != ch:
                raise _TimeParseError(avalue, prefix, value)
            value = value[1:]
        if std == "":
            if value:
                raise _TimeParseError(avalue, "", value, ": extra text: " + _gostd.time_quote(value.encode()))
            break
        hold = value
        err = False
        range_err = ""
        if std == "2006":
            if len(value) < 4 or not value[:1].isdigit() or not value[:4].isascii() or not value[:4].isdigit():
                err = True
            else:
                fields["year"], value = int(value[:4]), value[4:]
        elif std == "Z07:00":
            if value[:1] == "Z":
                value = value[1:]
            elif len(value) < 6 or value[3] != ":":
                err = True
            else:
                sign, hh, mm, value = value[0], value[1:3], value[4:6], value[6:]
                h, m = _getnum(hh, True), _getnum(mm, True)
                if h is None or m is None or sign not in "+-":
                    err = True
                else:
                    offset = (h[0] * 60 + m[0]) * 60 * (-1 if sign == "-" else 1)
        else:
            got = _getnum(value, std != "15")
            if got is None:
                err = True
            else:
                n, value = got
                name, low, high = {"01": ("month", 1, 12), "02": ("day", 0, 99), "15": ("hour", 0, 23),
                                   "04": ("minute", 0, 59), "05": ("second", 0, 59)}[std]
                fields[name] = n
                if not low <= n <= high:
                    range_err = name
                elif std == "05" and len(value) >= 2 and value[0] in ".," and value[1].isdigit():
                    n_end = 2
                    while n_end < len(value) and value[n_end].isascii() and value[n_end].isdigit():
                        n_end += 1
                    digits = value[1:min(n_end, 10)]
                    fields["nsec"] = int(digits) * 10 ** (9 - len(digits))
                    value = value[n_end:]
        if range_err:
            raise _TimeParseError(avalue, std, value, f": {range_err} out of range")
        if err:
            raise _TimeParseError(avalue, std, hold)
    year, month, day = fields["year"], fields["month"], fields["day"]
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days_in = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    if day < 1 or day > days_in:
        raise _TimeParseError(avalue, "", value, ": day out of range")
    return GoTime(year, month, day, fields["hour"], fields["minute"], fields["second"], fields.get("nsec", 0),
                  offset)


# -- syntax: encoding/json's scanner, as a parser that keeps each value's raw text -------------------
# Go checks the whole input first (checkValid) and then decodes, re-reading raw bytes where a type has
# its own UnmarshalJSON (time.Time gets the literal text, escapes and all). The parser below does both
# jobs: it fails with the scanner's messages, and it returns values that remember their raw text and,
# for objects, every key in order (a repeated key is decoded again, into the same Go value).


class _Number(str):
    """A JSON number kept as its literal text (Go reports it as `number 1.5`)."""

    __slots__ = ()


class _String(str):  # noqa: SLOT000 - carries `raw`; a str subtype cannot slot it
    """A decoded JSON string and its raw text (with quotes and escapes)."""

    raw: str


class _Array(list):  # type: ignore[type-arg]
    """A JSON array and its raw text."""

    raw: str


class _Object(list):  # type: ignore[type-arg]
    """A JSON object as (key, value) pairs in input order, and its raw text."""

    raw: str


def _quote_char(c: int) -> str:
    """The scanner's quoteChar: a byte shown as a Go character literal."""
    if c == 0x27:
        return "'\\''"
    if c == 0x22:
        return "'\"'"
    s = _gostd.quote(chr(c))
    return "'" + s[1:-1] + "'"


class _Parser:
    """A recursive-descent reading of one JSON text with the syntax errors of Go's scanner."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.n = len(data)

    def fail(self, c: int, context: str) -> GoJSONError:
        return GoJSONError(f"invalid character {_quote_char(c)} {context}")

    def eof(self) -> GoJSONError:
        return GoJSONError("unexpected end of JSON input")

    def skip_space(self, j: int) -> int:
        while j < self.n and self.data[j] in b" \t\r\n":
            j += 1
        return j

    def peek(self, j: int, context: str = "") -> int:
        """The byte at `j`; at the end, what the scanner's eof() says.

        eof() feeds the state machine one space: where a space is an error (`context`: inside a
        literal, an escape, a number after `-`, `.` or `e`) the error names it, elsewhere the text
        just ended too soon.
        """
        if j >= self.n:
            raise self.fail(0x20, context) if context else self.eof()
        return self.data[j]

    def raw(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", errors="replace")

    def literal(self, j: int, word: bytes) -> int:
        for k in range(1, len(word)):
            context = f"in literal {word.decode()} (expecting {_quote_char(word[k])})"
            if self.peek(j + k, context) != word[k]:
                raise self.fail(self.data[j + k], context)
        return j + len(word)

    def string(self, j: int) -> tuple[_String, int]:
        start = j
        j += 1
        out: list[str] = []
        chunk = j
        while True:
            c = self.peek(j)
            if c == 0x22:
                out.append(self.raw(chunk, j))
                value = _String("".join(out))
                value.raw = self.raw(start, j + 1)
                return value, j + 1
            if c == 0x5C:
                out.append(self.raw(chunk, j))
                c = self.peek(j + 1, "in string escape code")
                if c in b'bfnrt\\/"':
                    out.append({ord("b"): "\b", ord("f"): "\f", ord("n"): "\n", ord("r"): "\r", ord("t"): "\t",
                                ord("\\"): "\\", ord("/"): "/", ord('"'): '"'}[c])
                    j += 2
                elif c == ord("u"):
                    for k in range(2, 6):
                        if self.peek(j + k, "in \\u hexadecimal character escape") not in b"0123456789abcdefABCDEF":
                            raise self.fail(self.data[j + k], "in \\u hexadecimal character escape")
                    out.append(chr(int(self.data[j + 2:j + 6], 16)))
                    j += 6
                else:
                    raise self.fail(c, "in string escape code")
                chunk = j
                continue
            if c < 0x20:
                raise self.fail(c, "in string literal")
            j += 1

    def digits(self, j: int) -> int:
        while j < self.n and 0x30 <= self.data[j] <= 0x39:
            j += 1
        return j

    def number(self, j: int) -> tuple[_Number, int]:
        start = j
        if self.data[j] == ord("-"):
            j += 1
            if not 0x30 <= self.peek(j, "in numeric literal") <= 0x39:
                raise self.fail(self.data[j], "in numeric literal")
        j = j + 1 if self.data[j] == ord("0") else self.digits(j)
        if j < self.n and self.data[j] == ord("."):
            j += 1
            if not 0x30 <= self.peek(j, "after decimal point in numeric literal") <= 0x39:
                raise self.fail(self.data[j], "after decimal point in numeric literal")
            j = self.digits(j)
        if j < self.n and self.data[j] in b"eE":
            j += 1
            if j < self.n and self.data[j] in b"+-":
                j += 1
            if not 0x30 <= self.peek(j, "in exponent of numeric literal") <= 0x39:
                raise self.fail(self.data[j], "in exponent of numeric literal")
            j = self.digits(j)
        return _Number(self.raw(start, j)), j

    def value(self, j: int) -> tuple[Any, int]:
        """stateBeginValue and the value after it; returns (value, index after it)."""
        j = self.skip_space(j)
        c = self.peek(j)
        start = j
        if c == ord("{"):
            obj = _Object()
            j = self.skip_space(j + 1)
            if self.peek(j) != ord("}"):
                while True:
                    if self.peek(j) != 0x22:
                        raise self.fail(self.data[j], "looking for beginning of object key string")
                    key, j = self.string(j)
                    j = self.skip_space(j)
                    if self.peek(j) != ord(":"):
                        raise self.fail(self.data[j], "after object key")
                    item, j = self.value(j + 1)
                    obj.append((str(key), item))
                    j = self.skip_space(j)
                    if self.peek(j) == ord("}"):
                        break
                    if self.data[j] != ord(","):
                        raise self.fail(self.data[j], "after object key:value pair")
                    j = self.skip_space(j + 1)
            obj.raw = self.raw(start, j + 1)
            return obj, j + 1
        if c == ord("["):
            arr = _Array()
            j = self.skip_space(j + 1)
            if self.peek(j) != ord("]"):
                while True:
                    item, j = self.value(j)
                    arr.append(item)
                    j = self.skip_space(j)
                    if self.peek(j) == ord("]"):
                        break
                    if self.data[j] != ord(","):
                        raise self.fail(self.data[j], "after array element")
                    j += 1
            arr.raw = self.raw(start, j + 1)
            return arr, j + 1
        if c == 0x22:
            return self.string(j)
        if c == ord("-") or 0x30 <= c <= 0x39:
            return self.number(j)
        for word, result in ((b"true", True), (b"false", False), (b"null", None)):
            if c == word[0]:
                return result, self.literal(j, word)
        raise self.fail(c, "looking for beginning of value")

    def document(self) -> Any:
        value, end = self.value(0)
        end = self.skip_space(end)
        if end < self.n:
            raise self.fail(self.data[end], "after top-level value")
        return value


def parse(data: bytes) -> Any:
    """Read one JSON text the way json.Unmarshal sees it, or raise GoJSONError (Go's SyntaxError text)."""
    return _Parser(data).document()


def check_valid(data: bytes) -> None:
    """json.checkValid: raise GoJSONError for invalid JSON."""
    parse(data)


# -- decoding --------------------------------------------------------------------------------------


def _kind_of(v: Any) -> str:
    if isinstance(v, _Object):
        return "object"
    if isinstance(v, _Array):
        return "array"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, _Number):
        return "number"
    return "string"


def _raw_of(v: Any) -> str:
    if isinstance(v, (_Object, _Array, _String)):
        return v.raw
    if isinstance(v, bool):
        return "true" if v else "false"
    return "null" if v is None else str(v)


def _fold(key: str) -> str:
    """The case folding Go's field matching uses (ASCII, plus the Kelvin sign and long s)."""
    return "".join(c.lower() if c.isascii() else {"\u212a": "k", "\u017f": "s"}.get(c, c) for c in key)


def _replace_surrogates(s: str) -> str:
    """Go decodes a lone surrogate escape to U+FFFD (a valid pair to its character)."""
    if not any(0xD800 <= ord(c) < 0xE000 for c in s):
        return s
    return s.encode("utf-16", "surrogatepass").decode("utf-16", errors="replace")


class _Decoder:
    """decodeState: decodes into a GoType, saving the first type error and going on."""

    def __init__(self) -> None:
        self.saved: GoTypeError | None = None
        self.struct = ""
        self.field_stack: list[str] = []

    def type_error(self, value: str, t: GoType) -> None:
        if self.saved is None:
            self.saved = GoTypeError(value, t.name).with_context(self.struct, self.field_stack)

    def decode(self, v: Any, t: GoType, current: Any) -> Any:
        if t.kind == "time":
            if v is None:
                return current
            return parse_rfc3339_json(_raw_of(v))  # its ParseError ends the decoding as it is
        if t.kind == "strslice":
            return self.strslice(v)
        if v is None:
            return None if t.kind in ("ptr", "slice", "map") else current
        kind = _kind_of(v)
        if t.kind == "ptr":
            assert t.elem is not None
            return self.decode(v, t.elem, current if current is not None else zero(t.elem))
        if t.kind == "string":
            if kind != "string":
                self.type_error(kind, t)
                return current
            return _replace_surrogates(str(v))
        if t.kind == "bool":
            if kind != "bool":
                self.type_error(kind, t)
                return current
            return v
        if t.kind == "int":
            if kind != "number":
                self.type_error(kind, t)
                return current
            parsed, err = _gostd.parse_int(v, 10, 64)
            if err is not None or not -(1 << (t.bits - 1)) <= parsed < 1 << (t.bits - 1):
                self.type_error("number " + v, t)
                return current
            return parsed
        if t.kind in ("struct", "empty_struct"):
            if kind != "object":
                self.type_error(kind, t)
                return current
            return self.struct_value(v, t, current)
        if t.kind == "slice":
            if kind != "array":
                self.type_error(kind, t)
                return current
            assert t.elem is not None
            # Existing elements are decoded into (so a repeated key merges), then the slice is cut.
            old = list(current or [])
            return [self.decode(x, t.elem, old[i] if i < len(old) else zero(t.elem)) for i, x in enumerate(v)]
        if t.kind == "map":
            if kind != "object":
                self.type_error(kind, t)
                return current
            assert t.elem is not None
            out = dict(current) if current is not None else {}
            for key, x in v:
                out[_replace_surrogates(key)] = self.decode(x, t.elem, zero(t.elem))
            return out
        raise AssertionError(t.kind)

    def struct_value(self, v: _Object, t: GoType, current: dict[str, Any]) -> dict[str, Any]:
        out = dict(current)
        by_key = {f.key: f for f in t.fields}
        for key, x in v:
            f = by_key.get(key) or next((g for g in t.fields if _fold(g.key) == _fold(key)), None)
            if f is None:
                continue  # unknown keys are ignored
            saved_struct, depth = self.struct, len(self.field_stack)
            self.field_stack.append(f.key)
            self.struct = t.name.rsplit(".", 1)[-1]
            out[f.go_name] = self.decode(x, f.type, out[f.go_name])
            del self.field_stack[depth:]
            self.struct = saved_struct
        return out

    def strslice(self, v: Any) -> list[str] | None:
        """strslice.StrSlice.UnmarshalJSON: a list of strings, or one string; a fresh decode each time."""
        inner = _Decoder()
        as_list = inner.decode(v, STRING_SLICE, None)
        if inner.saved is None:
            return as_list
        inner = _Decoder()
        as_string = inner.decode(v, STRING, "")
        if inner.saved is not None:
            # The method's error ends the decoding; Unmarshal then adds the outer field context to it.
            raise inner.saved.with_context(self.struct, self.field_stack)
        return [as_string]


def unmarshal(data: bytes, t: GoType) -> Any:
    """json.Unmarshal(data, &v) for a fresh v of type t: the value, or GoJSONError.

    Like Go, a type error does not stop the decoding; the first one is raised at the end.
    """
    value, err = unmarshal_partial(data, t)
    if err is not None:
        raise err
    return value


def unmarshal_partial(data: bytes, t: GoType) -> tuple[Any, GoJSONError | None]:
    """Like unmarshal, but also return the value decoded around a type error (Go fills it in)."""
    raw = parse(data)
    decoder = _Decoder()
    value = decoder.decode(raw, t, zero(t))
    return value, decoder.saved


# -- encoding --------------------------------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def encode_string(s: str) -> str:
    r"""encodeState.string with escapeHTML.

    <, >, & and U+2028/U+2029 as \u escapes (Go 1.19 also writes \b and \f as \u0008 and \u000c).
    """
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif code < 0x20 or ch in "<>&" or code in (0x2028, 0x2029):
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code < 0xE000:
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _is_empty(v: Any, t: GoType) -> bool:
    """isEmptyValue: false, 0, "", nil, and empty slices and maps; a struct is never empty."""
    if t.kind in ("struct", "time", "empty_struct"):
        return False
    if t.kind == "ptr":
        return v is None
    if t.kind in ("slice", "map", "strslice"):
        return not v
    return v in ("", 0) if t.kind != "bool" else v is False


def marshal(v: Any, t: GoType) -> str:
    """json.Marshal of a value of type t, compact."""
    if t.kind == "time":
        return '"' + v.rfc3339nano() + '"'
    if t.kind == "string":
        return encode_string(v)
    if t.kind == "bool":
        return "true" if v else "false"
    if t.kind == "int":
        return str(v)
    if t.kind in ("ptr", "slice", "map", "strslice") and v is None:
        return "null"
    if t.kind == "ptr":
        assert t.elem is not None
        return marshal(v, t.elem)
    if t.kind in ("slice", "strslice"):
        elem = t.elem or STRING
        return "[" + ",".join(marshal(x, elem) for x in v) + "]"
    if t.kind == "map":
        assert t.elem is not None
        return "{" + ",".join(encode_string(k) + ":" + marshal(v[k], t.elem) for k in sorted(v)) + "}"
    if t.kind == "empty_struct":
        return "{}"
    if t.kind == "struct":
        parts = [encode_string(f.key) + ":" + marshal(v[f.go_name], f.type)
                 for f in t.fields if not (f.omitempty and _is_empty(v[f.go_name], f.type))]
        return "{" + ",".join(parts) + "}"
    raise AssertionError(t.kind)


def marshal_raw_map(raw: dict[str, str]) -> str:
    """json.Marshal of a map[string]*json.RawMessage: keys sorted, raw values as they are (compact)."""
    return "{" + ",".join(encode_string(k) + ":" + raw[k] for k in sorted(raw, key=lambda s: s.encode())) + "}"


def struct_to_raw_map(v: Any, t: GoType) -> dict[str, str]:
    """json.Unmarshal(json.Marshal(v), &map[string]*json.RawMessage{}): each top-level key's raw JSON."""
    return {f.key: marshal(v[f.go_name], f.type)
            for f in t.fields if not (f.omitempty and _is_empty(v[f.go_name], f.type))}


STRING = GoType("string", "string")
STRING_SLICE = GoType("[]string", "slice", STRING)
