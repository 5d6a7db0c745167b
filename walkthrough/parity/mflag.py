"""Parity runner for `c-mflag.json`: Docker's pkg/mflag FlagSet.Parse over a declared set of flags.

The file's `meta.flag_defs` declares the flags (kind, names, default, validator); each vector is an
argv. The model builds the same FlagSet (named as in `meta.functions`, ContinueOnError, os.Args[0] and the environment
from `meta.environment`, usage text `usage of <last name>`), parses, and reports what the Go harness
recorded: Args(), NFlag(), IsSet for every declared name (without `#`) in declaration order, each
flag's value keyed by its last name, everything written to the output, and the error; or, when a name
is declared twice (Go panics), `define_panic` and the output.
"""

from __future__ import annotations

import re
from typing import Any

from walkthrough.errors import InputError
from walkthrough.parity import Outcome, compare
from walkthrough.reimpl.docker import _gostd, mflag


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `c-mflag.json`, or whose meta declares mflag flag definitions."""
    return "mflag" in file_name.lower() or ("flag_defs" in meta and "mflag" in str(meta.get("source", "")))


def _value(kind: str, default: str, validator: str | None, environ: dict[str, str]) -> Any:
    """A fresh model Value of the given Go kind, holding the default given as text."""
    if kind == "bool":
        return mflag.BoolValue(default == "true")
    if kind == "string":
        return mflag.StringValue(default)
    integers = {"int": mflag.IntValue, "int64": mflag.Int64Value, "uint": mflag.UintValue,
                "uint64": mflag.Uint64Value, "uint16": mflag.Uint16Value}
    if kind in integers:
        return integers[kind](int(default))
    if kind == "float64":
        value, _ = _gostd.parse_float(default)
        return mflag.Float64Value(value)
    if kind == "duration":
        return mflag.DurationValue(_gostd.parse_duration(default))
    if kind == "list":
        if validator is None:
            return mflag.ListOpts()
        if validator == "ValidateEnv":
            return mflag.ListOpts(mflag.make_validate_env(environ))
        if validator not in mflag.VALIDATORS:
            raise InputError(f"unknown list validator {validator!r}", hint=f"known: {sorted(mflag.VALIDATORS)}")
        return mflag.ListOpts(mflag.VALIDATORS[validator])
    raise InputError(f"unknown flag kind {kind!r}", hint="bool, string, int, int64, uint, uint64, uint16, "
                     "float64, duration or list")


def _observe(value: Any) -> Any:
    """A value as the harness encoded it: uint64 and float64 through fmt.Sprint, durations as text."""
    if isinstance(value, (mflag.Uint64Value, mflag.Float64Value, mflag.DurationValue)):
        return value.string()
    if isinstance(value, mflag.ListOpts):
        return value.get_all()
    return value.get()


def build(meta: dict[str, Any]) -> tuple[mflag.FlagSet, list[tuple[list[str], Any]]]:
    """The FlagSet the Go harness declared, and each flag's (names, value) in declaration order.

    A name declared twice raises mflag.FlagError (Go panics); `outputs` reports it.
    """
    fs = _flag_set(meta)
    return fs, _declare(fs, meta)


def _flag_set(meta: dict[str, Any]) -> mflag.FlagSet:
    env_meta = dict(meta.get("environment", {}))
    argv0 = env_meta.get("os.Args[0]", "docker")
    named = re.search(r'NewFlagSet\("([^"]*)"', str(meta.get("functions", "")))
    return mflag.new_flag_set(named.group(1) if named else "run", mflag.CONTINUE_ON_ERROR, argv0=argv0,
                              home=mflag.homedir_get(env_meta))


def _declare(fs: mflag.FlagSet, meta: dict[str, Any]) -> list[tuple[list[str], Any]]:
    env_meta = {k: v for k, v in meta.get("environment", {}).items() if k not in ("os.Args[0]", "note")}
    declared = []
    for spec in meta["flag_defs"]:
        value = _value(spec["kind"], spec["default"], spec.get("validator"), env_meta)
        fs.var(value, spec["names"], f"usage of {spec['names'][-1]}")
        declared.append((spec["names"], value))
    return declared


def outputs(meta: dict[str, Any], argv: list[str]) -> dict[str, Any]:
    """What the harness records for one argv: Args, NFlag, IsSet, output, values, error.

    When declaring the flags panics (a name defined twice), only `define_panic` and the output so far;
    when Parse panics, `parse_panic` and the output.
    """
    fs = _flag_set(meta)
    try:
        declared = _declare(fs, meta)
    except mflag.FlagError as exc:
        return {"define_panic": str(exc), "output": fs.output_text()}
    try:
        err = fs.parse(argv)
    except mflag.GoPanic as exc:  # Parse panicked (an empty flag name is indexed): the harness recovers it
        return {"parse_panic": str(exc), "output": fs.output_text()}
    actual: dict[str, Any] = {
        "args": fs.get_args(),
        "nflag": fs.nflag(),
        "is_set": [n.removeprefix("#") for names, _ in declared for n in names if fs.is_set(n.removeprefix("#"))],
        "output": fs.output_text(),
        "values": {names[-1]: _observe(value) for names, value in declared},
    }
    if err is not None:
        actual["error"] = str(err)
    return actual


def run(data: dict[str, Any]) -> list[Outcome]:
    """One Outcome per vector of `data["vectors"]`."""
    meta = data.get("meta", {})
    outcomes = []
    for index, vector in enumerate(data.get("vectors", [])):
        argv = vector["inputs"]["argv"]
        outcomes.append(compare(f"vectors[{index}] Parse({argv!r})", vector["outputs"], outputs(meta, argv),
                                subset=False))
    return outcomes
