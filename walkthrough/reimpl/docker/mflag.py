"""Docker's `pkg/mflag`: the flag parser behind the 1.x `docker` client and daemon command lines.

mflag is Go's `flag` package extended by Docker: a flag has several names (`[]string{"d", "-detach"}`
makes `-d` and `--detach`), a name starting with `#` is deprecated (it still works, prints a warning,
and is hidden from the usage), one-letter boolean flags can be grouped (`-dit`), and any name may be a
single-dash long name (`-ip`). This model follows `pkg/mflag/flag.go` function by function; values
are small classes with `set`/`string`/`get` in place of Go's pointer-backed `Value` types, and errors
are returned, not raised, exactly where Go returns them.

Where Go's standard library speaks (number syntax, `strconv`/`time` error texts), the model follows
Go 1.19, which recorded the golden vectors; see `_gostd` for the differences to Go 1.6.

Run `python -m walkthrough.reimpl.docker.mflag -dit --name web -e A=1 nginx` to see a parse.

Proven against the real Go (`walkthrough parity --live --model mflag`): declarations of every value
kind (with redefinition panics), Parse with ContinueOnError over generated argv (groups, `=value`,
deprecated names, bad values, `--`, help and its usage text, panics on an empty name), and the list
validators of `opts` and `runconfig/opts`. Still simplified: where two flags' first names differ only
by a leading `-`, Go prints them in map order (random) and the model in declaration order;
ExitOnError/PanicOnError, `Require`/`CheckArgs` and `Merge` are modelled but not compared live.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from walkthrough.errors import WalkthroughError
from walkthrough.reimpl import mirrors
from walkthrough.reimpl.docker import _gostd

if TYPE_CHECKING:
    import builtins


class FlagError(WalkthroughError):
    """An error mflag returns (Go's `error` values): the message is Go's `err.Error()`."""


class GoPanic(WalkthroughError):
    """A run-time panic of the Go code (the message is the runtime's), e.g. indexing an empty flag name."""


def _first_byte(name: str) -> str:
    """`name[0]` as Go evaluates it: an empty name is a run-time panic, not a value."""
    if not name:
        raise GoPanic("runtime error: index out of range [0] with length 0")
    return name[0]


class GoExit(SystemExit):
    """`os.Exit(code)` inside the model (ExitOnError), raised so that a caller can observe the code."""


ERR_HELP = FlagError("flag: help requested")
"""mflag.ErrHelp: `-h`, `-help` or `--help` was given but no such flag is defined."""
ERR_RETRY = FlagError("flag: retry")
"""mflag.ErrRetry: an unknown single-dash name that may be a group of one-letter flags."""


@mirrors("docker:pkg/mflag.Value")
class Value(Protocol):
    """mflag.Value: a flag's dynamic value. `string()` is also how the default is shown in the usage."""

    def string(self) -> str: ...

    def set(self, s: str) -> FlagError | None: ...


def _num_error(err: _gostd.NumError | None) -> FlagError | None:
    return None if err is None else FlagError(str(err))


@mirrors("docker:pkg/mflag.boolValue")
class BoolValue:
    """A bool flag; `is_bool_flag` lets `-d` stand for `-d=true`."""

    def __init__(self, value: bool) -> None:
        self.value = value

    @mirrors("docker:pkg/mflag.boolValue.Set")
    def set(self, s: str) -> FlagError | None:
        # Go stores the parse result even on error (false), so `--tty=maybe` leaves the flag false.
        self.value, err = _gostd.parse_bool(s)
        return _num_error(err)

    def get(self) -> bool:
        return self.value

    def string(self) -> str:
        return "true" if self.value else "false"

    @mirrors("docker:pkg/mflag.boolValue.IsBoolFlag")
    def is_bool_flag(self) -> bool:
        return True


class _IntegerValue:
    """Shared shape of the integer values: Go parses with base 0 (so `0777` is octal, `0x1F` hex)."""

    signed = True
    bits = 64

    def __init__(self, value: int) -> None:
        self.value = value

    def set(self, s: str) -> FlagError | None:
        # On a range error Go stores the clamped extreme (65535 for uint16 "65536") before failing.
        parse = _gostd.parse_int if self.signed else _gostd.parse_uint
        self.value, err = parse(s, 0, self.bits)
        return _num_error(err)

    def get(self) -> int:
        return self.value

    def string(self) -> str:
        return str(self.value)


@mirrors("docker:pkg/mflag.intValue")
class IntValue(_IntegerValue):
    """An int flag (64-bit, as on amd64)."""


@mirrors("docker:pkg/mflag.int64Value")
class Int64Value(_IntegerValue):
    """An int64 flag."""


@mirrors("docker:pkg/mflag.uintValue")
class UintValue(_IntegerValue):
    """A uint flag (64-bit)."""

    signed = False


@mirrors("docker:pkg/mflag.uint64Value")
class Uint64Value(_IntegerValue):
    """A uint64 flag."""

    signed = False


@mirrors("docker:pkg/mflag.uint16Value")
class Uint16Value(_IntegerValue):
    """A uint16 flag: ParseUint(s, 0, 16), so 65536 is out of range."""

    signed = False
    bits = 16


@mirrors("docker:pkg/mflag.stringValue")
class StringValue:
    """A string flag: any text is accepted as it is."""

    def __init__(self, value: str) -> None:
        self.value = value

    def set(self, s: str) -> FlagError | None:
        self.value = s
        return None

    def get(self) -> str:
        return self.value

    def string(self) -> str:
        return self.value


@mirrors("docker:pkg/mflag.float64Value")
class Float64Value:
    """A float64 flag; shown with fmt's `%v` (`1000`, `1e+06`)."""

    def __init__(self, value: float) -> None:
        self.value = value

    def set(self, s: str) -> FlagError | None:
        self.value, err = _gostd.parse_float(s)
        return _num_error(err)

    def get(self) -> float:
        return self.value

    def string(self) -> str:
        return _gostd.format_float_v(self.value)


@mirrors("docker:pkg/mflag.durationValue")
class DurationValue:
    """A time.Duration flag, held in nanoseconds; parsed by time.ParseDuration (Go 1.19 texts)."""

    def __init__(self, value: int) -> None:
        self.value = value

    def set(self, s: str) -> FlagError | None:
        try:
            self.value = _gostd.parse_duration(s)
        except _gostd.DurationError as exc:
            self.value = 0
            return FlagError(str(exc))
        return None

    def get(self) -> int:
        return self.value

    def string(self) -> str:
        return _gostd.duration_string(self.value)


# -- list options and their validators (docker/opts, docker/runconfig/opts) ---------------------

Validator = Callable[[str], "tuple[str, FlagError | None]"]


@mirrors("docker:opts.ListOpts")
class ListOpts:
    """opts.ListOpts: a repeatable flag; each value passes the validator, which may also rewrite it."""

    def __init__(self, validator: Validator | None = None) -> None:
        self.values: list[str] = []
        self.validator = validator

    @mirrors("docker:opts.ListOpts.Set")
    def set(self, value: str) -> FlagError | None:
        if self.validator is not None:
            v, err = self.validator(value)
            if err is not None:
                return err
            value = v
        self.values.append(value)
        return None

    @mirrors("docker:opts.ListOpts.String")
    def string(self) -> str:
        # fmt's %v of a []string: "[a b]"; the usage shows "[]" for the empty default.
        return "[" + " ".join(self.values) + "]"

    @mirrors("docker:opts.ListOpts.GetAll")
    def get_all(self) -> list[str]:
        return list(self.values)

    def get(self) -> list[str]:
        return self.get_all()


@mirrors("docker:opts.ValidateIPAddress")
def validate_ip_address(val: str) -> tuple[str, FlagError | None]:
    """An IPv4 or IPv6 address, returned in Go's canonical text (`0:0:0:0:0:0:0:1` becomes `::1`)."""
    ip = _gostd.parse_ip(_gostd.trim_space(val))
    if ip is not None:
        return _gostd.ip_string(ip), None
    return "", FlagError(f"{val} is not an ip address")


@mirrors("docker:opts.ValidateLabel")
def validate_label(val: str) -> tuple[str, FlagError | None]:
    """A label needs at least one `=`."""
    if val.count("=") < 1:
        return "", FlagError(f"bad attribute format: {val}")
    return val, None


@mirrors("docker:runconfig/opts.ValidateAttach")
def validate_attach(val: str) -> tuple[str, FlagError | None]:
    """One of stdin, stdout, stderr, any case; returned lower-cased."""
    s = val.lower()
    if s in ("stdin", "stdout", "stderr"):
        return s, None
    return val, FlagError("valid streams are STDIN, STDOUT and STDERR")


def make_validate_env(environ: Mapping[str, str] | None = None) -> Validator:
    """ValidateEnv bound to an environment (Go reads os.Environ; the vectors fix one)."""

    @mirrors("docker:runconfig/opts.ValidateEnv")
    def validate_env(val: str) -> tuple[str, FlagError | None]:
        """`NAME=value` passes unchanged; a bare `NAME` takes its value from the environment if set."""
        env = os.environ if environ is None else environ
        arr = val.split("=")
        if len(arr) > 1:
            return val, None
        if val not in env:  # doesEnvExist
            return val, None
        return f"{val}={env[val]}", None

    return validate_env


validate_env = make_validate_env()


@mirrors("docker:runconfig/opts.ValidateExtraHost")
def validate_extra_host(val: str) -> tuple[str, FlagError | None]:
    """`name:ip`, split at the first colon so that the IP may be IPv6."""
    arr = val.split(":", 1)
    if len(arr) != 2 or len(arr[0]) == 0:
        return "", FlagError(f"bad format for add-host: {_gostd.quote(val)}")
    _, err = validate_ip_address(arr[1])
    if err is not None:
        return "", FlagError(f"invalid IP address in add-host: {_gostd.quote(arr[1])}")
    return val, None


@mirrors("docker:runconfig/opts.ParseLink")
def parse_link(val: str) -> tuple[str, str, FlagError | None]:
    """`name:alias` or `name`; a `/name:/c1/alias` form (from stored host configs) is also understood."""
    if val == "":
        return "", "", FlagError("empty string specified for links")
    arr = val.split(":")
    if len(arr) > 2:
        return "", "", FlagError(f"bad format for links: {val}")
    if len(arr) == 1:
        return val, val, None
    if arr[0].startswith("/"):
        alias = arr[1].rsplit("/", 1)[-1]
        return arr[0][1:], alias, None
    return arr[0], arr[1], None


@mirrors("docker:runconfig/opts.ValidateLink")
def validate_link(val: str) -> tuple[str, FlagError | None]:
    """Whatever ParseLink accepts (note `:alias` passes: an empty name is not checked)."""
    _, _, err = parse_link(val)
    if err is not None:
        return val, err
    return val, None


VALIDATORS: dict[str, Validator] = {
    "ValidateIPAddress": validate_ip_address,
    "ValidateLabel": validate_label,
    "ValidateAttach": validate_attach,
    "ValidateEnv": validate_env,
    "ValidateExtraHost": validate_extra_host,
    "ValidateLink": validate_link,
}
"""Validators by their Go name, for vector files that name them."""


# -- FlagSet -------------------------------------------------------------------------------------

CONTINUE_ON_ERROR, EXIT_ON_ERROR, PANIC_ON_ERROR = 0, 1, 2


USERS_FILE = "/etc/passwd"
"""Where runc's user package looks users up."""


@mirrors("docker:pkg/homedir.Get")
def homedir_get(environ: Mapping[str, str]) -> str:
    """$HOME; without it, the current user's home from /etc/passwd (runc's user.CurrentUser), else ""."""
    home = environ.get("HOME", "")
    if home:
        return home
    try:
        with open(USERS_FILE, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return ""
    for line in lines:  # name:password:uid:gid:gecos:home:shell; the first entry with our uid wins
        parts = line.split(":")
        if len(parts) >= 6 and parts[2] == str(os.getuid()):
            return parts[5]
    return ""


@mirrors("docker:pkg/mflag.Flag")
@dataclass
class Flag:
    """A defined flag: all its names (with `#` marks), usage, value, and the default as text."""

    names: list[str]
    usage: str
    value: Any
    def_value: str


def _sort_key(name: str) -> tuple[str, str]:
    """flagSlice.Less: one leading dash ignored, case-insensitive first, then case-sensitive."""
    p = name.removeprefix("-")
    return (p.lower(), p)


@mirrors("docker:pkg/mflag.sortFlags")
def sort_flags(flags: dict[str, Flag]) -> list[Flag]:
    """Each flag once, ordered by its first name with `#` stripped (so `-a, --attach` before `--add-host`)."""
    by_first: dict[str, Flag] = {}
    for f in flags.values():
        by_first.setdefault(f.names[0].removeprefix("#"), f)
    return [by_first[name] for name in sorted(by_first, key=_sort_key)]


@mirrors("docker:pkg/mflag.isZeroValue")
def is_zero_value(value: str) -> bool:
    """A guess at 'default not worth showing': false, empty, 0."""
    return value in ("false", "", "0")


@mirrors("docker:pkg/mflag.trimQuotes")
def trim_quotes(s: str) -> str:
    """Strip one pair of matching outer quotes: `--name='x'` gives x, `--name="x'` is kept as is."""
    if len(s) == 0:
        return s
    for start, end in (('"', '"'), ("'", "'")):
        if s[0] == start and s[-1] == end:
            return s[1:-1]
    return s


@mirrors("docker:pkg/mflag.FlagSet")
@dataclass
class FlagSet:
    """A set of flags and the state of one parse.

    `formal` maps every name (without `#`) to its Flag; `actual` maps the *name as typed* to the
    Flag, so `--detach -d=false` records two entries and NFlag() is 2. `argv0` stands for os.Args[0]
    and `home` for homedir.Get() (the usage abbreviates defaults under it with `~`).
    """

    name: str = ""
    error_handling: int = CONTINUE_ON_ERROR
    argv0: str = field(default_factory=lambda: os.path.basename(sys.argv[0]) or "docker")
    home: str = field(default_factory=lambda: homedir_get(os.environ))
    output: list[str] = field(default_factory=list)
    usage: Callable[[], None] | None = None
    formal: dict[str, Flag] = field(default_factory=dict)
    actual: dict[str, Flag] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    parsed: bool = False
    n_arg_requirements: list[tuple[str, int]] = field(default_factory=list)

    # -- output ---------------------------------------------------------------------------------

    def out(self, text: str) -> None:
        """Write to the set's output (Go: fs.Out(), a writer; here, collected text)."""
        self.output.append(text)

    def output_text(self) -> str:
        return "".join(self.output)

    # -- definitions ----------------------------------------------------------------------------

    @mirrors("docker:pkg/mflag.FlagSet.Var")
    def var(self, value: Any, names: list[str], usage: str) -> None:
        """Define a flag under all its names; a name defined twice is a programming error (panic)."""
        flag = Flag(list(names), usage, value, value.string())
        for written in names:
            name = written.removeprefix("#")
            if name in self.formal:
                msg = f"{self.name} flag redefined: {name}" if self.name else f"flag redefined: {name}"
                self.out(msg + "\n")
                raise FlagError(msg)
            self.formal[name] = flag

    @mirrors("docker:pkg/mflag.FlagSet.Bool")
    def bool(self, names: list[str], value: bool, usage: str) -> BoolValue:
        v = BoolValue(value)
        self.var(v, names, usage)
        return v

    @mirrors("docker:pkg/mflag.FlagSet.Int")
    def int(self, names: list[str], value: int, usage: str) -> IntValue:
        v = IntValue(value)
        self.var(v, names, usage)
        return v

    @mirrors("docker:pkg/mflag.FlagSet.Int64")
    def int64(self, names: list[str], value: builtins.int, usage: str) -> Int64Value:
        v = Int64Value(value)
        self.var(v, names, usage)
        return v

    @mirrors("docker:pkg/mflag.FlagSet.Uint")
    def uint(self, names: list[str], value: builtins.int, usage: str) -> UintValue:
        v = UintValue(value)
        self.var(v, names, usage)
        return v

    @mirrors("docker:pkg/mflag.FlagSet.Uint64")
    def uint64(self, names: list[str], value: builtins.int, usage: str) -> Uint64Value:
        v = Uint64Value(value)
        self.var(v, names, usage)
        return v

    @mirrors("docker:pkg/mflag.FlagSet.Uint16")
    def uint16(self, names: list[str], value: builtins.int, usage: str) -> Uint16Value:
        v = Uint16Value(value)
        self.var(v, names, usage)
        return v

    @mirrors("docker:pkg/mflag.FlagSet.String")
    def string(self, names: list[str], value: str, usage: str) -> StringValue:
        v = StringValue(value)
        self.var(v, names, usage)
        return v

    @mirrors("docker:pkg/mflag.FlagSet.Float64")
    def float64(self, names: list[str], value: float, usage: str) -> Float64Value:
        v = Float64Value(value)
        self.var(v, names, usage)
        return v

    @mirrors("docker:pkg/mflag.FlagSet.Duration")
    def duration(self, names: list[str], value: builtins.int, usage: str) -> DurationValue:
        v = DurationValue(value)
        self.var(v, names, usage)
        return v

    # -- queries --------------------------------------------------------------------------------

    @mirrors("docker:pkg/mflag.FlagSet.Lookup")
    def lookup(self, name: str) -> Flag | None:
        return self.formal.get(name)

    @mirrors("docker:pkg/mflag.FlagSet.IsSet")
    def is_set(self, name: str) -> builtins.bool:
        """True when the flag was given under exactly this name (`IsSet("d")` is false after `--detach`)."""
        return name in self.actual

    @mirrors("docker:pkg/mflag.FlagSet.NFlag")
    def nflag(self) -> builtins.int:
        return len(self.actual)

    @mirrors("docker:pkg/mflag.FlagSet.Args")
    def get_args(self) -> list[str]:
        return list(self.args)

    @mirrors("docker:pkg/mflag.FlagSet.Set")
    def set(self, name: str, value: str) -> FlagError | None:
        flag = self.formal.get(name)
        if flag is None:
            return FlagError(f"no such flag -{name}")
        err = flag.value.set(value)
        if err is not None:
            return err
        self.actual[name] = flag
        return None

    @mirrors("docker:pkg/mflag.FlagSet.VisitAll")
    def visit_all(self) -> list[Flag]:
        """Every defined flag once, in usage order."""
        return sort_flags(self.formal)

    @mirrors("docker:pkg/mflag.FlagSet.Require")
    def require(self, kind: str, n: builtins.int) -> None:
        """Record an argument-count rule: kind is "exact", "max" or "min"; CheckArgs applies it."""
        self.n_arg_requirements.append((kind, n))

    @mirrors("docker:pkg/mflag.FlagSet.CheckArgs")
    def check_args(self) -> str:
        """The first broken argument-count rule as a message (`"rm" requires a minimum of 1 argument`)."""
        for kind, n in self.n_arg_requirements:
            arguments = "1 argument" if n == 1 else f"{n} arguments"
            nargs = len(self.args)
            if kind == "exact" and nargs != n:
                return f"{_gostd.quote(self.name)} requires {arguments}"
            if kind == "max" and nargs > n:
                return f"{_gostd.quote(self.name)} requires a maximum of {arguments}"
            if kind == "min" and nargs < n:
                return f"{_gostd.quote(self.name)} requires a minimum of {arguments}"
        return ""

    @mirrors("docker:pkg/mflag.FlagSet.ReportError")
    def report_error(self, message: str, with_help: builtins.bool) -> None:
        """`docker: <message>.` with a `See 'docker <cmd> --help'` hint when the command has --help."""
        if with_help:
            if self.argv0 == self.name:
                message += f".\nSee '{self.argv0} --help'"
            else:
                message += f".\nSee '{self.argv0} {self.name} --help'"
        self.out(f"{self.argv0}: {message}.\n")

    # -- usage ----------------------------------------------------------------------------------

    @mirrors("docker:pkg/mflag.FlagSet.PrintDefaults")
    def print_defaults(self) -> None:
        """The options table.

        non-deprecated names joined by `, -`, `=default` unless zero, usage in a second column aligned by text/tabwriter
        (minwidth 20, padding 3).
        """
        home = "" if self.home == "/" else self.home
        if len(sort_flags(self.formal)) > 0:  # FlagCount
            # A line without a tab ends tabwriter's column block, which flushes it at once: it is out
            # even if a flag below panics before the final Flush.
            self.out("\n")
        text = ""
        for flag in sort_flags(self.formal):
            names = [name for name in flag.names if _first_byte(name) != "#"]
            if names and flag.usage:
                val = flag.def_value
                if home and val.startswith(home):
                    val = "~" + val[len(home):]
                if is_zero_value(val):
                    text += "  -" + ", -".join(names)
                else:
                    text += "  -" + ", -".join(names) + "=" + val
                for line in flag.usage.split("\n"):
                    text += "\t " + line + "\n"
        self.out(_gostd.tabwrite(text, minwidth=20, padding=3))

    @mirrors("docker:pkg/mflag.defaultUsage")
    def default_usage(self) -> None:
        self.out("Usage:\n" if self.name == "" else f"Usage of {self.name}:\n")
        self.print_defaults()

    def _usage(self) -> None:
        """FlagSet.usage: the custom Usage function if set, else defaultUsage."""
        if self.usage is None:
            self.default_usage()
        else:
            self.usage()

    # -- parsing --------------------------------------------------------------------------------

    @mirrors("docker:pkg/mflag.FlagSet.failf")
    def failf(self, message: str) -> FlagError:
        """Print the error and a `See '<prog> <cmd> --help'.` hint; return the error."""
        err = FlagError(message)
        self.out(message + "\n")
        if self.argv0 == self.name:
            self.out(f"See '{self.argv0} --help'.\n")
        else:
            self.out(f"See '{self.argv0} {self.name} --help'.\n")
        return err

    @mirrors("docker:pkg/mflag.FlagSet.parseOne")
    def parse_one(self) -> tuple[builtins.bool, str, FlagError | None]:
        """Parse the flag at args[0]: (seen, name to retry letter by letter, error)."""
        if len(self.args) == 0:
            return False, "", None
        s = self.args[0]
        if len(s) == 0 or s[0] != "-" or len(s) == 1:
            return False, "", None  # a non-flag argument, or "-", ends the flags
        if s[1] == "-" and len(s) == 2:  # "--" ends the flags and is consumed
            self.args = self.args[1:]
            return False, "", None
        name = s[1:]
        if len(name) == 0 or name[0] == "=":
            return False, "", self.failf(f"bad flag syntax: {s}")

        self.args = self.args[1:]
        has_value = False
        value = ""
        if "=" in name:
            i = name.index("=")
            value = trim_quotes(name[i + 1:])
            has_value = True
            name = name[:i]

        flag = self.formal.get(name)
        if flag is None:
            if name in ("-help", "help", "h"):  # nice help message when no such flag exists
                self._usage()
                return False, "", ERR_HELP
            if len(name) > 0 and name[0] == "-":
                return False, "", self.failf(f"flag provided but not defined: -{name}")
            return False, name, ERR_RETRY

        if getattr(flag.value, "is_bool_flag", lambda: False)():  # doesn't need an argument
            if has_value:
                err = flag.value.set(value)
                if err is not None:
                    return False, "", self.failf(
                        f"invalid boolean value {_gostd.quote(value)} for  -{name}: {err}")
            else:
                flag.value.set("true")
        else:
            if not has_value and len(self.args) > 0:  # the value is the next argument, whatever it is
                has_value = True
                value, self.args = self.args[0], self.args[1:]
            if not has_value:
                return False, "", self.failf(f"flag needs an argument: -{name}")
            err = flag.value.set(value)
            if err is not None:
                return False, "", self.failf(f"invalid value {_gostd.quote(value)} for flag -{name}: {err}")

        self.actual[name] = flag
        for i, n in enumerate(flag.names):
            if n == f"#{name}":
                replacement = next((m for m in flag.names[i:] if _first_byte(m) != "#"), "")
                if replacement:
                    self.out(f"Warning: '-{name}' is deprecated, it will be replaced by '-{replacement}' soon. "
                             "See usage.\n")
                else:
                    self.out(f"Warning: '-{name}' is deprecated, it will be removed soon. See usage.\n")
        return True, "", None

    @mirrors("docker:pkg/mflag.FlagSet.Parse")
    def parse(self, arguments: list[str]) -> FlagError | None:
        """Parse flags until the first non-flag argument; an unknown `-abc` is retried as `-a -b -c`."""
        self.parsed = True
        self.args = list(arguments)
        while True:
            seen, name, err = self.parse_one()
            if seen:
                continue
            if err is None:
                break
            if err is ERR_RETRY:
                if len(name.encode()) > 1:  # Go's len counts bytes; the letters are runes
                    err = None
                    for letter in name:
                        self.args = ["-" + letter, *self.args]
                        seen2, _, err2 = self.parse_one()
                        if seen2:
                            continue
                        if err2 is not None:
                            err = self.failf(f"flag provided but not defined: -{name}")
                            break
                    if err is None:
                        continue
                else:
                    err = self.failf(f"flag provided but not defined: -{name}")
            if self.error_handling == CONTINUE_ON_ERROR:
                return err
            if self.error_handling == EXIT_ON_ERROR:
                raise GoExit(125)
            raise err
        return None


@mirrors("docker:pkg/mflag.Merge")
def merge(dest: FlagSet, *flag_sets: FlagSet) -> FlagError | None:
    """Make dest parse the other sets' flags too.

    Setting a merged flag sets it in its own set, so `commonFlags.FlagSet.IsSet("-tlsverify")` still works after
    docker's global parse.
    """
    for fset in flag_sets:
        for k, f in fset.formal.items():
            if k in dest.formal:
                err = FlagError(f"{fset.name} flag redefined: {k}" if fset.name else f"flag redefined: {k}")
                fset.out(err.message + "\n")
                if dest.error_handling == CONTINUE_ON_ERROR:
                    return err
                if dest.error_handling == EXIT_ON_ERROR:
                    raise GoExit(2)
                raise err
            dest.formal[k] = Flag(f.names, f.usage, MergeVal(f.value, k, fset), f.def_value)
    return None


@mirrors("docker:pkg/mflag.mergeVal")
class MergeVal:
    """A merged flag's value: Set goes through the flag's own set."""

    def __init__(self, value: Any, key: str, fset: FlagSet) -> None:
        self.value, self.key, self.fset = value, key, fset

    def set(self, s: str) -> FlagError | None:
        return self.fset.set(self.key, s)

    def string(self) -> str:
        return self.value.string()

    def is_bool_flag(self) -> bool:
        return getattr(self.value, "is_bool_flag", lambda: False)()


@mirrors("docker:pkg/mflag.NewFlagSet")
def new_flag_set(name: str, error_handling: int = CONTINUE_ON_ERROR, *, argv0: str = "docker",
                 home: str | None = None) -> FlagSet:
    """A new, empty flag set; argv0 and home stand in for os.Args[0] and homedir.Get()."""
    return FlagSet(name=name, error_handling=error_handling, argv0=argv0,
                   home=homedir_get(os.environ) if home is None else home)


def docker_run_flags(environ: Mapping[str, str] | None = None) -> tuple[FlagSet, dict[str, Any]]:
    """A `docker run`-like flag set in the 1.11 mflag style, for the demo (the golden vectors' set)."""
    fs = new_flag_set("run")
    v: dict[str, Any] = {}
    v["detach"] = fs.bool(["d", "-detach"], False, "Run container in background and print container ID")
    v["interactive"] = fs.bool(["i", "-interactive"], False, "Keep STDIN open even if not attached")
    v["tty"] = fs.bool(["t", "-tty"], False, "Allocate a pseudo-TTY")
    v["rm"] = fs.bool(["#rm", "-rm"], False, "Automatically remove the container when it exits")
    v["name"] = fs.string(["#name", "-name"], "", "Assign a name to the container")
    v["memory"] = fs.string(["m", "-memory"], "", "Memory limit")
    v["cpu_shares"] = fs.int64(["c", "-cpu-shares"], 0, "CPU shares (relative weight)")
    v["health_interval"] = fs.duration(["-health-interval"], 0, "Time between running the check")
    v["ip"] = fs.string(["ip"], "0.0.0.0", "A single-dash long name")  # noqa: S104 - a flag default, nothing binds
    env = ListOpts(make_validate_env(environ))
    fs.var(env, ["e", "-env"], "Set environment variables")
    v["env"] = env
    publish = ListOpts()
    fs.var(publish, ["p", "-publish"], "Publish a container's port(s) to the host")
    v["publish"] = publish
    return fs, v


def main(argv: list[str] | None = None) -> int:
    """Parse a `docker run`-style command line and show what mflag made of it."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        args = ["-dit", "--name", "web", "-name=old", "-c", "0x200", "-e", "A=1", "--health-interval", "1m30s",
                "nginx", "-p", "80:80"]
    fs, values = docker_run_flags()
    err = fs.parse(args)
    print(f"$ docker run {' '.join(args)}")
    if fs.output_text():
        print("mflag wrote:")
        print("  " + fs.output_text().rstrip("\n").replace("\n", "\n  "))
    print(f"error: {err}" if err else "error: none")
    print(f"flags set ({fs.nflag()}), by the name typed: {', '.join(sorted(fs.actual)) or '-'}")
    for key, value in values.items():
        print(f"  {key:16} = {value.string()}")
    print(f"arguments left for the command: {fs.get_args()}")
    return 0 if err is None else 1


if __name__ == "__main__":
    raise SystemExit(main())
