"""Go's `fmt` verbs for the values the models print (`fmt.Sprintf`, `Errorf`, `Sprint`, `Sprintln`), Go 1.19.

Models that render a Go value into an error text or a response body call `sprintf` here instead of
guessing what Go prints. The traps it exists for:

- A `String()` or `Error()` method with a **pointer receiver** is not called on a value: `%q` of a
  `unversioned.GroupKind` (whose `String` takes `*GroupKind`) prints the struct, `{"" "Role"}`,
  not `"Role"`. A value receiver is called on values and pointers alike.
- Methods are not called on values reached through **unexported fields** (reflect cannot
  `Interface()` them), so such a field prints raw even when it holds a Stringer.
- A pointer to a struct, slice or map prints as `&{...}` only at the top level; deeper it is an address.
- `%v` of a map sorts the keys; `%v` of a float64 is `strconv`'s shortest `g` (`1e+06`, `100000`).
- A verb a value does not support prints `%!d(string=x)`; missing and extra operands print
  `%!v(MISSING)` and `%!(EXTRA int=1)`.

Go values are written as Python values:

| Go | Python |
| --- | --- |
| `string`, `bool`, `int`, `float64`, untyped `nil` | `str`, `bool`, `int`, `float`, `None` |
| `[]interface{}`, `map[string]interface{}`, `[]byte` | `list`, `dict`, `bytes` |
| other named or sized scalars (`int64`, `api.ResourceName`) | `Typed(value, "int64")` |
| `[]string` and other typed slices | `Slice(items, "string")` |
| a struct value, a pointer to one, a nil one | `Struct(type, values)`, `Pointer(struct)`, `Pointer(None, type)` |
| an `error` (`errors.New`, `fmt.Errorf`) | any Python exception: a `*errors.errorString` holding `str(exc)` |

A `StructType` names its fields (a lower-case first letter makes a field unexported) and its
`String` / `Error` methods with their receivers (`Method("value", fn)` or `Method("pointer", fn)`).
Struct types the Kubernetes models print are defined at the bottom (`GROUP_KIND`, ...).

Still simplified (`walkthrough parity --live --model gofmt` compares the rest with the real `fmt`):
floats are formatted for `%v`/`%g` only and without flags; `%p`, `%T`, `%e`/`%f` and `%U` are not
modelled (they raise `NotImplementedError`); a pointer met
below the top level prints `0xADDR` where Go prints its address (an address padded to a width is not
modelled); a nil pointer's methods are assumed to dereference the receiver (Go then prints `<nil>`),
as every method here does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from walkthrough.reimpl.docker._gostd import format_float_v, quote

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

ADDRESS = "0xADDR"
"""What a pointer below the top level prints: Go prints a heap address no model can know."""


@dataclass(frozen=True)
class Method:
    """A `String()` or `Error()` method: its receiver kind and what it returns for a struct value."""

    receiver: Literal["value", "pointer"]
    call: Callable[[Struct], str]


@dataclass(frozen=True)
class StructType:
    """A named Go struct type as reflect prints it (`unversioned.GroupKind`), its fields and methods."""

    name: str
    fields: tuple[str, ...]
    field_types: tuple[str, ...] = ()
    """The Go type of each field, for `%#v` of a nil field (`interface {}(nil)`); `interface {}` when not given."""
    string: Method | None = None
    error: Method | None = None


@dataclass(frozen=True)
class Struct:
    """A struct value: its type and one Python value per field."""

    type: StructType
    values: tuple[Any, ...]

    def __getitem__(self, name: str) -> Any:
        return self.values[self.type.fields.index(name)]


@dataclass(frozen=True)
class Pointer:
    """`&value` for a struct value, or a typed nil pointer (`Pointer(None, type)`)."""

    to: Struct | None
    type: StructType | None = None

    @property
    def struct_type(self) -> StructType:
        if self.to is not None:
            return self.to.type
        if self.type is None:
            raise ValueError("a nil Pointer needs its struct type")
        return self.type


@dataclass(frozen=True)
class Typed:
    """A scalar of a named or sized Go type (`int64`, `uint`, `api.ResourceName`)."""

    value: int | str | bool | float
    type: str


@dataclass(frozen=True)
class Slice:
    """A slice of a concrete element type (`[]string`); `items=None` is a nil slice."""

    items: Sequence[Any] | None
    elem: str = "interface {}"


def _errors_string(value: Struct) -> str:
    return str(value.values[0])


ERROR_STRING = StructType("errors.errorString", ("s",), ("string",),
                          error=Method("pointer", _errors_string))
"""What `errors.New` and `fmt.Errorf` return (a `*errors.errorString`); Python exceptions print as one."""

_UNSIGNED = {"uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "byte"}
_SIGNED = {"int", "int8", "int16", "int32", "int64", "rune"}
_BITS = {"8": 8, "16": 16, "32": 32, "64": 64}


def _as_go(value: Any) -> Any:
    """Python exceptions become the `*errors.errorString` Go would hold."""
    if isinstance(value, BaseException):
        return Pointer(Struct(ERROR_STRING, (str(value),)))
    return value


def type_string(value: Any) -> str:
    """`reflect.TypeOf(value).String()`."""
    value = _as_go(value)
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bytes):
        return "[]uint8"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, Typed):
        return value.type
    if isinstance(value, Slice):
        return "[]" + value.elem
    if isinstance(value, Struct):
        return value.type.name
    if isinstance(value, Pointer):
        return "*" + value.struct_type.name
    raise NotImplementedError(f"no Go type for the Python value {value!r}")


def _kind(value: Any) -> str:
    """The reflect kind family of a Go value: bool, int, uint, float, string, ..."""
    if isinstance(value, Typed):
        base = value.type
        if isinstance(value.value, bool):
            return "bool"
        if isinstance(value.value, str):
            return "string"
        if isinstance(value.value, float):
            return "float"
        return "uint" if base in _UNSIGNED else "int"
    return {bool: "bool", int: "int", float: "float", str: "string", bytes: "bytes", list: "slice",
            dict: "map"}.get(type(value), "")


@dataclass
class _Flags:
    plus: bool = False
    minus: bool = False
    sharp: bool = False
    space: bool = False
    zero: bool = False
    plus_v: bool = False
    sharp_v: bool = False
    wid: int | None = None
    prec: int | None = None


@dataclass
class _Printer:
    """Go's `pp`: a buffer, the current flags, and whether an error is being printed."""

    buf: list[str] = field(default_factory=list)
    f: _Flags = field(default_factory=_Flags)
    erroring: bool = False
    wrap_errs: bool = False
    """Errorf: a `%w` operand that is an error prints as `%v`."""
    wrapped: bool = False

    # -- padding and basic formatters (fmt/format.go) -------------------------------------------

    def pad(self, s: str) -> None:
        if not self.f.wid:
            self.buf.append(s)
            return
        width = self.f.wid - len(s)
        padding = ("0" if self.f.zero else " ") * max(width, 0)
        self.buf.append(s + padding if self.f.minus else padding + s)

    def truncate(self, s: str) -> str:
        return s[: self.f.prec] if self.f.prec is not None else s

    def fmt_q(self, s: str) -> None:
        s = self.truncate(s)
        if self.f.sharp and _can_backquote(s):
            self.pad("`" + s + "`")
        elif self.f.plus:
            self.pad(_quote_ascii(s))
        else:
            self.pad(quote(s))

    def fmt_sx(self, data: bytes, digits: str) -> None:
        length = len(data) if self.f.prec is None else min(len(data), self.f.prec)
        if length == 0:
            if self.f.wid:
                self.pad("")
            return
        prefix = "0" + ("X" if digits.isupper() else "x")
        parts = [f"{b:02x}" if digits.islower() else f"{b:02X}" for b in data[:length]]
        if self.f.space:
            text = " ".join((prefix if self.f.sharp else "") + p for p in parts)
        else:
            text = (prefix if self.f.sharp else "") + "".join(parts)
        self.pad(text)

    def fmt_integer(self, u: int, base: int, signed: bool, verb: str, upper: bool = False) -> None:
        negative = signed and u < 0
        u = abs(u)
        prec = 0
        if self.f.prec is not None:
            prec = self.f.prec
            if prec == 0 and u == 0:
                zero, self.f.zero = self.f.zero, False
                self.pad("")
                self.f.zero = zero
                return
        elif self.f.zero and self.f.wid:
            prec = self.f.wid
            if negative or self.f.plus or self.f.space:
                prec -= 1
        spell: dict[int, Callable[[int], str]] = {10: str, 16: lambda n: f"{n:x}", 8: lambda n: f"{n:o}",
                                                  2: lambda n: f"{n:b}"}
        digits = spell[base](u)
        if upper:
            digits = digits.upper()
        digits = digits.rjust(prec, "0")
        if self.f.sharp:
            if base == 2:
                digits = "0b" + digits
            elif base == 8 and not digits.startswith("0"):
                digits = "0" + digits
            elif base == 16:
                digits = ("0X" if upper else "0x") + digits
        if verb == "O":
            digits = "0o" + digits
        if negative:
            digits = "-" + digits
        elif self.f.plus:
            digits = "+" + digits
        elif self.f.space:
            digits = " " + digits
        zero, self.f.zero = self.f.zero, False
        self.pad(digits)
        self.f.zero = zero

    # -- pp's per-type formatters (fmt/print.go) --------------------------------------------------

    def bad_verb(self, verb: str, value: Any) -> None:
        self.erroring = True
        self.buf.append("%!" + verb + "(")
        if value is None:
            self.buf.append("<nil>")
        else:
            self.buf.append(type_string(value) + "=")
            self.print_arg(value, "v")
        self.buf.append(")")
        self.erroring = False

    def fmt_bool(self, value: bool, verb: str, arg: Any) -> None:
        if verb in "tv":
            self.pad("true" if value else "false")
        else:
            self.bad_verb(verb, arg)

    def fmt_int(self, value: int, unsigned: bool, verb: str, arg: Any) -> None:
        if verb == "v":
            if self.f.sharp_v and unsigned:
                sharp, self.f.sharp = self.f.sharp, True
                self.fmt_integer(value, 16, False, verb)
                self.f.sharp = sharp
            else:
                self.fmt_integer(value, 10, not unsigned, verb)
        elif verb in "dbxXoO":
            base = {"d": 10, "b": 2, "x": 16, "X": 16, "o": 8, "O": 8}[verb]
            self.fmt_integer(value, base, not unsigned, verb, upper=verb == "X")
        elif verb == "c":
            self.pad(_rune(value))
        elif verb == "q":
            self.pad(_quote_rune(_rune(value), ascii_only=self.f.plus))
        else:
            self.bad_verb(verb, arg)

    def fmt_float(self, value: float, verb: str, arg: Any) -> None:
        if verb in "vg":
            if self.f.plus or self.f.space or self.f.sharp or self.f.wid or self.f.prec is not None:
                raise NotImplementedError("flags, width or precision on a float")
            self.buf.append(format_float_v(value))
        elif verb in "bGxXfeEF":
            raise NotImplementedError(f"%{verb} of a float")
        else:
            self.bad_verb(verb, arg)

    def fmt_string(self, value: str, verb: str, arg: Any) -> None:
        if verb == "v":
            if self.f.sharp_v:
                self.fmt_q(value)
            else:
                self.pad(self.truncate(value))
        elif verb == "s":
            self.pad(self.truncate(value))
        elif verb in "xX":
            self.fmt_sx(value.encode("utf-8", "surrogatepass"), verb)
        elif verb == "q":
            self.fmt_q(value)
        else:
            self.bad_verb(verb, arg)

    def fmt_bytes(self, value: bytes, verb: str, type_name: str) -> None:
        if verb in "vd":
            if self.f.sharp_v:
                self.buf.append(type_name + "{" + ", ".join(f"0x{b:x}" for b in value) + "}")
            else:
                self.buf.append("[")
                for i, b in enumerate(value):
                    if i:
                        self.buf.append(" ")
                    self.fmt_integer(b, 10, False, verb)
                self.buf.append("]")
        elif verb == "s":
            self.pad(self.truncate(value.decode("utf-8", "replace")))
        elif verb in "xX":
            self.fmt_sx(value, verb)
        elif verb == "q":
            self.fmt_q(value.decode("utf-8", "replace"))
        else:
            self.print_value(Slice(list(value), "uint8"), verb, 0, can_interface=True)

    def handle_methods(self, value: Any, verb: str) -> bool:
        """Error() before String(), for the verbs that take a string; pointer-receiver methods only on pointers."""
        if self.erroring:
            return False
        methods = _methods(value)
        if verb == "w":  # only Errorf wraps, and only one error operand
            if methods[0] is None or not self.wrap_errs or self.wrapped:
                self.wrapped = self.wrap_errs = False
                self.bad_verb(verb, value)
                return True
            self.wrapped = True
            verb = "v"
        if self.f.sharp_v or verb not in "vsxXq":
            return False
        for method in methods:
            if method is None:
                continue
            struct = value if isinstance(value, Struct) else value.to
            if struct is None:  # the method dereferences a nil receiver: Go recovers and prints <nil>
                self.buf.append("<nil>")
                return True
            self.fmt_string(method.call(struct), verb, value)
            return True
        return False

    def print_arg(self, arg: Any, verb: str) -> None:
        arg = _as_go(arg)
        if arg is None:
            if verb in "Tv":
                self.pad("<nil>")
            else:
                self.bad_verb(verb, None)
            return
        if verb in "Tp":
            raise NotImplementedError(f"%{verb}")
        kind = _kind(arg)
        raw: Any = arg.value if isinstance(arg, Typed) else arg
        if kind == "bool":
            self.fmt_bool(raw, verb, arg)
        elif kind in ("int", "uint"):
            self.fmt_int(raw, kind == "uint", verb, arg)
        elif kind == "float":
            self.fmt_float(raw, verb, arg)
        elif kind == "string" and not isinstance(arg, Typed):
            self.fmt_string(raw, verb, arg)
        elif kind == "bytes":
            self.fmt_bytes(raw, verb, "[]byte")
        elif not self.handle_methods(arg, verb):
            self.print_value(arg, verb, 0, can_interface=True)

    def print_value(self, value: Any, verb: str, depth: int, *, can_interface: bool,
                    static_type: str = "interface {}") -> None:
        """reflect-driven printing; `can_interface` is false below an unexported field."""
        value = _as_go(value)
        if depth > 0 and value is not None and can_interface and self.handle_methods(value, verb):
            return
        if value is None:  # a nil interface (a field, element or map value of interface type), whatever the verb
            self.buf.append(static_type + "(nil)" if self.f.sharp_v else "<nil>")
            return
        kind = _kind(value)
        raw: Any = value.value if isinstance(value, Typed) else value
        if kind == "bool":
            self.fmt_bool(raw, verb, value)
        elif kind in ("int", "uint"):
            self.fmt_int(raw, kind == "uint", verb, value)
        elif kind == "float":
            self.fmt_float(raw, verb, value)
        elif kind == "string":
            self.fmt_string(raw, verb, value)
        elif kind == "bytes":
            if verb in "sqxX":
                self.fmt_bytes(raw, verb, "[]uint8")
            else:
                self._print_items(list(raw), "[]uint8", verb, depth, can_interface, "uint8")
        elif isinstance(value, dict):
            self._print_map(value, verb, depth, can_interface)
        elif isinstance(value, list):
            self._print_items(value, "[]interface {}", verb, depth, can_interface, "interface {}")
        elif isinstance(value, Slice):
            if verb in "sqxX" and value.elem == "uint8" and value.items is not None:
                self.fmt_bytes(bytes(value.items), verb, "[]uint8")
            elif value.items is None:
                self.buf.append("[]" + value.elem + "(nil)" if self.f.sharp_v else "[]")
            else:
                self._print_items(list(value.items), "[]" + value.elem, verb, depth, can_interface, value.elem)
        elif isinstance(value, Struct):
            self._print_struct(value, verb, depth, can_interface)
        elif isinstance(value, Pointer):
            if depth == 0 and value.to is not None:
                self.buf.append("&")
                self.print_value(value.to, verb, depth + 1, can_interface=can_interface)
                return
            self._fmt_pointer(value, verb)
        else:
            raise NotImplementedError(f"no Go value for the Python value {value!r}")

    def _print_map(self, value: dict[Any, Any], verb: str, depth: int, can_interface: bool) -> None:
        if self.f.sharp_v:
            self.buf.append("map[string]interface {}{")
        else:
            self.buf.append("map[")
        for i, key in enumerate(sorted(value)):
            if i:
                self.buf.append(", " if self.f.sharp_v else " ")
            self.print_value(key, verb, depth + 1, can_interface=can_interface, static_type="string")
            self.buf.append(":")
            self.print_value(value[key], verb, depth + 1, can_interface=can_interface)
        self.buf.append("}" if self.f.sharp_v else "]")

    def _print_items(self, items: list[Any], type_name: str, verb: str, depth: int, can_interface: bool,
                     elem: str) -> None:
        if self.f.sharp_v:
            self.buf.append(type_name + "{")
        else:
            self.buf.append("[")
        for i, item in enumerate(items):
            if i:
                self.buf.append(", " if self.f.sharp_v else " ")
            element = Typed(item, elem) if elem not in ("interface {}", "string") and isinstance(item, int) else item
            self.print_value(element, verb, depth + 1, can_interface=can_interface, static_type=elem)
        self.buf.append("}" if self.f.sharp_v else "]")

    def _print_struct(self, value: Struct, verb: str, depth: int, can_interface: bool) -> None:
        if self.f.sharp_v:
            self.buf.append(value.type.name)
        self.buf.append("{")
        types = value.type.field_types or ("interface {}",) * len(value.type.fields)
        for i, (name, item) in enumerate(zip(value.type.fields, value.values, strict=True)):
            if i:
                self.buf.append(", " if self.f.sharp_v else " ")
            if self.f.plus_v or self.f.sharp_v:
                self.buf.append(name + ":")
            exported = name[:1].isupper()
            self.print_value(item, verb, depth + 1, can_interface=can_interface and exported, static_type=types[i])
        self.buf.append("}")

    def _fmt_pointer(self, value: Pointer, verb: str) -> None:
        if value.to is not None and self.f.wid and verb in "vbodxX":
            raise NotImplementedError("a heap address padded to a width")
        if verb == "v":
            if self.f.sharp_v:
                self.buf.append("(" + type_string(value) + ")(" + ("nil" if value.to is None else ADDRESS) + ")")
            else:
                # an address is fmtInteger's: the space flag leaves a space before it
                self.pad("<nil>" if value.to is None else (" " if self.f.space else "") + ADDRESS)
        elif verb in "bodxX":
            if value.to is not None:
                raise NotImplementedError("a heap address as a number")
            self.fmt_int(0, True, verb, value)
        else:
            self.bad_verb(verb, value)


def _methods(value: Any) -> tuple[Method | None, Method | None]:
    """The Error and String methods in the method set of a value: pointer-receiver ones only on a pointer."""
    if isinstance(value, Struct):
        struct_type, pointer = value.type, False
    elif isinstance(value, Pointer):
        struct_type, pointer = value.struct_type, True
    else:
        return None, None
    return tuple(  # type: ignore[return-value]
        m if m is not None and (pointer or m.receiver == "value") else None
        for m in (struct_type.error, struct_type.string))


def _can_backquote(s: str) -> bool:
    """strconv.CanBackquote: one line, no backquote, no control character but tab, valid UTF-8."""
    return all(
        ch == "\t" or (ch not in "`\ufeff\x7f" and ord(ch) >= 0x20 and not 0xD800 <= ord(ch) < 0xE000)
        for ch in s)


def _quote_ascii(s: str) -> str:
    """strconv.QuoteToASCII."""
    text = quote(s)
    return "".join(ch if ord(ch) < 0x80 else (f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
                   for ch in text)


def _rune(value: int) -> str:
    """`%c`: the rune, or U+FFFD when it is no valid code point."""
    if value < 0 or value > 0x10FFFF or 0xD800 <= value < 0xE000:
        return "\ufffd"
    return chr(value)


def _quote_rune(ch: str, *, ascii_only: bool) -> str:
    """strconv.QuoteRune (and QuoteRuneToASCII)."""
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    text = quote(ch)[1:-1]
    if ascii_only:
        text = _quote_ascii(ch)[1:-1]
    return "'" + text + "'"


def sprintf(format_: str, *args: Any, wrap_errs: bool = False) -> str:
    """fmt.Sprintf (and fmt.Errorf's text with `wrap_errs`): Go's doPrintf, verb by verb."""
    p = _Printer(wrap_errs=wrap_errs)
    scan = _Scan(format_, len(args))
    i, end = 0, len(format_)
    while i < end:
        scan.good_arg_num = True
        start = i
        while i < end and format_[i] != "%":
            i += 1
        p.buf.append(format_[start:i])
        if i >= end:
            break
        i += 1
        p.f = _Flags()
        while i < end and format_[i] in "#0+- ":
            c = format_[i]
            if c == "#":
                p.f.sharp = True
            elif c == "0":
                p.f.zero = not p.f.minus  # only zero padding to the left
            elif c == "+":
                p.f.plus = True
            elif c == "-":
                p.f.minus, p.f.zero = True, False
            else:
                p.f.space = True
            i += 1
        i, after_index = scan.arg_number(i)
        if i < end and format_[i] == "*":
            i += 1
            width, ok = scan.int_from_arg(args)
            p.f.wid = width if ok else None
            if not ok:
                p.buf.append("%!(BADWIDTH)")
            if width < 0:
                p.f.wid, p.f.minus, p.f.zero = -width, True, False
            after_index = False
        else:
            number, present, i = _parse_num(format_, i, end)
            p.f.wid = number if present else None
            if after_index and present:  # "%[3]2d"
                scan.good_arg_num = False
        if i + 1 < end and format_[i] == ".":
            i += 1
            if after_index:  # "%[3].2d"
                scan.good_arg_num = False
            i, after_index = scan.arg_number(i)
            if i < end and format_[i] == "*":
                i += 1
                precision, ok = scan.int_from_arg(args)
                if precision < 0:
                    precision, ok = 0, False
                p.f.prec = precision if ok else None
                if not ok:
                    p.buf.append("%!(BADPREC)")
                after_index = False
            else:
                number, present, i = _parse_num(format_, i, end)
                p.f.prec = number if present else 0
        if not after_index:
            i, after_index = scan.arg_number(i)
        if i >= end:
            p.buf.append("%!(NOVERB)")
            break
        verb = format_[i]
        i += 1
        if verb == "%":  # takes no operand, ignores width and precision
            p.buf.append("%")
        elif not scan.good_arg_num:
            p.buf.append("%!" + verb + "(BADINDEX)")
        elif scan.arg_num >= len(args):
            p.buf.append("%!" + verb + "(MISSING)")
        else:
            if verb == "v":
                p.f.sharp_v, p.f.sharp = p.f.sharp, False
                p.f.plus_v, p.f.plus = p.f.plus, False
            p.print_arg(args[scan.arg_num], verb)
            scan.arg_num += 1
    if not scan.reordered and scan.arg_num < len(args):
        p.f = _Flags()
        p.buf.append("%!(EXTRA ")
        for n, arg in enumerate(args[scan.arg_num:]):
            if n:
                p.buf.append(", ")
            if arg is None:
                p.buf.append("<nil>")
            else:
                p.buf.append(type_string(arg) + "=")
                p.print_arg(arg, "v")
        p.buf.append(")")
    return "".join(p.buf)


def errorf(format_: str, *args: Any) -> str:
    """The text of fmt.Errorf: as Sprintf, but one `%w` with an error operand prints it as `%v` does."""
    return sprintf(format_, *args, wrap_errs=True)


TOO_LARGE = 1_000_000
"""fmt's tooLarge: a width, precision or argument index beyond this is no number."""


def _parse_num(text: str, start: int, end: int) -> tuple[int, bool, int]:
    """fmt's parsenum: (number, present, next index); an overlong number eats the rest of the format."""
    number, present, i = 0, False, start
    while i < end and "0" <= text[i] <= "9":
        if abs(number) > TOO_LARGE:
            return 0, False, end
        number = number * 10 + int(text[i])
        present = True
        i += 1
    return number, present, i


@dataclass
class _Scan:
    """doPrintf's operand bookkeeping: the next operand, explicit indexes, whether one was bad."""

    format: str
    num_args: int
    arg_num: int = 0
    reordered: bool = False
    good_arg_num: bool = True

    def arg_number(self, i: int) -> tuple[int, bool]:
        """An explicit `[n]` at i: (next index, whether one was found); a bad one marks the verb."""
        if i >= len(self.format) or self.format[i] != "[":
            return i, False
        self.reordered = True
        index, width, ok = self._parse_arg_number(self.format[i:])
        if ok and 0 <= index < self.num_args:
            self.arg_num = index
            return i + width, True
        self.good_arg_num = False
        return i + width, ok

    @staticmethod
    def _parse_arg_number(text: str) -> tuple[int, int, bool]:
        if len(text) < 3:  # at least "[n]"
            return 0, 1, False
        for i in range(1, len(text)):
            if text[i] == "]":
                number, present, after = _parse_num(text, 1, i)
                if not present or after != i:
                    return 0, i + 1, False
                return number - 1, i + 1, True  # one-indexed
        return 0, 1, False

    def int_from_arg(self, args: tuple[Any, ...]) -> tuple[int, bool]:
        """The operand of a `*` width or precision, when it is an integer of any size that fits an int."""
        number, ok = 0, False
        if self.arg_num < len(args):
            arg = args[self.arg_num]
            raw = arg.value if isinstance(arg, Typed) else arg
            if isinstance(raw, int) and not isinstance(raw, bool) and -(1 << 63) <= raw < (1 << 63):
                number, ok = raw, True
            self.arg_num += 1
            if abs(number) > TOO_LARGE:
                number, ok = 0, False
        return number, ok


def sprint(*args: Any) -> str:
    """fmt.Sprint: a space between operands when neither is a string."""
    p = _Printer()
    previous_string = False
    for n, arg in enumerate(args):
        is_string = _kind(_as_go(arg)) == "string"
        if n and not is_string and not previous_string:
            p.buf.append(" ")
        p.f = _Flags()
        p.print_arg(arg, "v")
        previous_string = is_string
    return "".join(p.buf)


def sprintln(*args: Any) -> str:
    """fmt.Sprintln: operands separated by spaces, then a newline."""
    p = _Printer()
    for n, arg in enumerate(args):
        if n:
            p.buf.append(" ")
        p.f = _Flags()
        p.print_arg(arg, "v")
    p.buf.append("\n")
    return "".join(p.buf)


# -- struct types of pkg/api/unversioned the models print ------------------------------------------


def _group_kind_string(gk: Struct) -> str:
    return gk["Kind"] if not gk["Group"] else f"{gk['Kind']}.{gk['Group']}"


def _group_resource_string(gr: Struct) -> str:
    return gr["Resource"] if not gr["Group"] else f"{gr['Resource']}.{gr['Group']}"


def _gvk_string(gvk: Struct) -> str:
    return f"{gvk['Group']}/{gvk['Version']}, Kind={gvk['Kind']}"


def _gv_string(gv: Struct) -> str:
    if not gv["Group"]:
        return gv["Version"]
    return f"{gv['Group']}/{gv['Version']}"


GROUP_KIND = StructType("unversioned.GroupKind", ("Group", "Kind"), ("string", "string"),
                        string=Method("pointer", _group_kind_string))
"""`String()` has a pointer receiver: a GroupKind value prints as `{Group Kind}`."""
GROUP_RESOURCE = StructType("unversioned.GroupResource", ("Group", "Resource"), ("string", "string"),
                            string=Method("pointer", _group_resource_string))
GROUP_VERSION_KIND = StructType("unversioned.GroupVersionKind", ("Group", "Version", "Kind"),
                                ("string", "string", "string"), string=Method("value", _gvk_string))
GROUP_VERSION = StructType("unversioned.GroupVersion", ("Group", "Version"), ("string", "string"),
                           string=Method("value", _gv_string))


def group_kind(group: str, kind: str) -> Struct:
    return Struct(GROUP_KIND, (group, kind))


def group_resource(group: str, resource: str) -> Struct:
    return Struct(GROUP_RESOURCE, (group, resource))


def group_version_kind(group: str, version: str, kind: str) -> Struct:
    return Struct(GROUP_VERSION_KIND, (group, version, kind))


def group_version(group: str, version: str) -> Struct:
    return Struct(GROUP_VERSION, (group, version))
