"""Docker's pkg/mflag: a FlagSet declared through the real API, then Parse(argv).

A request declares the flags (kinds, names with `#` deprecation marks and `-` long forms, defaults,
list validators from `opts` and `runconfig/opts`), fixes the environment (ValidateEnv reads it) and
gives an argv; the answer is what `c-mflag.json` records (Args, NFlag, IsSet, output, values, error),
or the panic of a name declared twice. Names come from one small pool shared by declarations and
argv, so flags are often set, set twice, clustered (`-it`), negated, given bad values, unknown,
deprecated or cut short (`-w` at the end); `--`, `-`, `-h` and plain arguments are mixed in.
Not generated: flags whose usage order Go leaves to map iteration (see `_without_usage_ties`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walkthrough.parity import mflag as golden
from walkthrough.parity.live import LiveFamily

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

NAMES = ["d", "i", "t", "e", "h", "v", "-detach", "-tty", "-env", "-name", "-rm", "-cpu-shares", "ip", "net",
         "#rm", "#sig-proxy", "#-api-enable-cors", "#link", "#n", "-n", "help", ""]
DEFAULTS = {
    "bool": ["false", "true"],
    "string": ["", "default", "/root/x", "0.0.0.0"],  # noqa: S104 - a flag's default text, bound to nothing
    "int": ["0", "-1", "42"],
    "int64": ["0", "-9223372036854775808", "1024"], "uint": ["0", "7"], "uint64": ["0", "18446744073709551615"],
    "uint16": ["0", "65535"], "float64": ["0", "1.5", "-2e+30", "0.1"], "duration": ["0s", "1m30s", "1ns", "-2h"],
    "list": [""],
}
VALIDATORS = ["", "ValidateEnv", "ValidateIPAddress", "ValidateLabel", "ValidateAttach", "ValidateExtraHost",
              "ValidateLink"]
VALUES = ["", "true", "false", "maybe", "0", "1", "-1", "1.5", "1e400", "0x10", "99999999999999999999", "1s", "5m",
          "x", "FOO", "FOO=bar", "EMPTY", "NOPE", "1.2.3.4", "::1", "host:1.2.3.4", "db:alias", "stdin", "STDERR",
          "label=x", "=", "a b", "~/x", "-", "--", "busybox", "0x1p-2", "1_000", "0b101", "0o17", "017", "inf",
          "NaN", "+5", "1h2m3s", "-1.5h", "1e3s", ".5us", "1µs", "\u0663", "65536", "-0", "TRUE", "t", "F"]


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


def _flag_shapes() -> list[tuple[str, str, str]]:
    """Every (kind, default, validator) a flag may have: one draw picks one."""
    return [(kind, default, validator) for kind, defaults in DEFAULTS.items() for default in defaults
            for validator in (VALIDATORS if kind == "list" else [""])]


def _name_lists() -> list[list[str]]:
    """Names a flag may be declared with: one, two or three from the pool (one draw picks a list)."""
    singles = [[n] for n in NAMES]
    pairs = [[a, b] for a in NAMES for b in NAMES if a != b]
    return singles + pairs + [[a, b, c] for a, b, c in zip(NAMES, NAMES[3:], NAMES[7:], strict=False)]


def flag_defs() -> SearchStrategy[list[dict[str, Any]]]:
    """One to eight flags of any kind, names from the shared pool (so sometimes declared twice).

    Each flag is two draws (its shape, its names) from precomputed tables: hypothesis's cost is per
    draw, and this family is drawn thousands of times.
    """
    st = _st()
    flag = st.builds(
        lambda shape, names: {"kind": shape[0], "names": names, "default": shape[1], "validator": shape[2]},
        st.sampled_from(_flag_shapes()), st.sampled_from(_name_lists()),
    )
    return st.lists(flag, min_size=1, max_size=8).map(_without_usage_ties)


def _without_usage_ties(defs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The flags, less any whose first name ties with an earlier one's in mflag's usage order.

    flagSlice.Less compares first names without `#` and one leading `-`; sortFlags collects them by
    ranging over a map, so Go prints tied flags in a random order (`-n` and `n`, `-rm` and `#rm`):
    there is no one answer to compare with. (Equal first names stay: declaring them panics first.)
    """
    first_names: dict[str, str] = {}
    kept = []
    for d in defs:
        name = d["names"][0].removeprefix("#")
        if first_names.setdefault(name.removeprefix("-"), name) == name:
            kept.append(d)
    return kept


def _tokens() -> list[str]:
    """Command-line words: every name with one and two dashes, with `=value`, clusters, values."""
    names = [n.removeprefix("#") for n in NAMES]
    flags = [dashes + n for n in names for dashes in ("-", "--")]
    with_values = [f"{flag}={value}" for flag in flags[::3] for value in VALUES[::2]]
    clusters = ["-it", "-dt", "-itd", "-ie", "-ev", "-xi", "-vd", "-td", "-dx"]
    return flags + with_values + clusters + VALUES


def argvs() -> SearchStrategy[list[str]]:
    """Command lines: flags by name (one or two dashes, `=value`, clusters), values, and plain words."""
    st = _st()
    token = st.one_of(st.sampled_from(_tokens()), st.sampled_from(_tokens()), st.text(max_size=5))
    return st.lists(token, max_size=8)


def requests() -> SearchStrategy[dict[str, Any]]:
    """A declaration, an environment and an argv."""
    st = _st()
    environment = st.sampled_from([{"HOME": "/root", "FOO": "xyz", "EMPTY": ""}, {"HOME": "/"}, {}])
    return st.fixed_dictionaries({
        "name": st.sampled_from(["run", "", "docker"]),
        "argv0": st.sampled_from(["docker", "/usr/bin/docker"]),
        "environment": environment,
        "flag_defs": flag_defs(),
        "argv": argvs(),
    })


def meta(request: dict[str, Any]) -> dict[str, Any]:
    """The request as a golden file's meta (what the golden mflag runner builds its FlagSet from)."""
    return {
        "functions": f'flag.NewFlagSet("{request["name"]}", ContinueOnError); Parse(argv) (live parity)',
        "environment": {**request["environment"], "os.Args[0]": request["argv0"]},
        "flag_defs": [{k: v for k, v in d.items() if v or k != "validator"} for d in request["flag_defs"]],
        "source": "github.com/docker/docker/pkg/mflag (Docker v1.12.3)",
    }


def model(request: dict[str, Any]) -> Any:
    """The golden runner's answer for the request's flags and argv."""
    return golden.outputs(meta(request), request["argv"])


def vector(request: dict[str, Any], answer: Any) -> dict[str, Any]:
    """A c-mflag-style vector file: the flags in its meta, the argv as its one vector."""
    return {"meta": meta(request), "vectors": [{"inputs": {"argv": request["argv"]}, "outputs": answer}]}


FAMILY = LiveFamily(
    name="mflag",
    world="docker",
    what="docker pkg/mflag: FlagSet declarations (Var and friends, opts validators) and FlagSet.Parse",
    requests=requests,
    model=model,
    vector=vector,
)
