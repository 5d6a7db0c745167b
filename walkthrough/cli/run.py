"""`walkthrough run [DEMO]`: run a Python model's demo, or list the demos.

A demo is a model module that runs on its own: `walkthrough run kubernetes.authn` is
`python -m walkthrough.reimpl.kubernetes.authn`. Short names (`authn`) work when unique.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import pkgutil
import runpy
import sys
import warnings

from walkthrough.errors import UsageError

UPSTREAMS = ("kubernetes", "docker")


def demos() -> list[str]:
    """Every model module, as `upstream.module`, sorted (modules starting with `_` are helpers)."""
    found = []
    for upstream in UPSTREAMS:
        package = importlib.import_module(f"walkthrough.reimpl.{upstream}")
        found += [f"{upstream}.{m.name}" for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")]
    return sorted(found)


def resolve(name: str) -> str:
    """The demo a name means: `kubernetes.authn`, `walkthrough.reimpl.kubernetes.authn` or a unique `authn`."""
    available = demos()
    name = name.removeprefix("walkthrough.reimpl.")
    if name in available:
        return name
    by_short = [d for d in available if d.split(".", 1)[1] == name]
    if len(by_short) == 1:
        return by_short[0]
    if len(by_short) > 1:
        raise UsageError(f"demo {name!r} is ambiguous: {', '.join(by_short)}")
    near = difflib.get_close_matches(name, available + [d.split(".", 1)[1] for d in available], n=3)
    hint = f"did you mean {' or '.join(near)}?" if near else "run `walkthrough run` to list the demos"
    raise UsageError(f"no demo named {name!r}", hint=hint)


def configure_run(parser: argparse.ArgumentParser) -> None:
    """`run [DEMO [ARGS ...]]`: everything after DEMO belongs to the demo, options included."""
    parser.description = (
        "Run the demo of a model (e.g. `kubernetes.authn`); without DEMO, list them. "
        "ARGS after the demo's name are passed to it, as `python -m` would."
    )
    parser.add_argument("demo", nargs="?", metavar="DEMO")
    parser.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS")
    parser.set_defaults(handler=run)


def run(demo: str | None, args: list[str]) -> int:
    """Run the demo of a model (e.g. `kubernetes.authn`); without DEMO, list them.

    ARGS after the demo's name are passed to it, as `python -m` would.
    """
    if demo is None:
        print("Demos (walkthrough run NAME):")
        for name in demos():
            print(f"  {name}")
        return 0
    module = "walkthrough.reimpl." + resolve(demo)
    saved_argv = sys.argv
    sys.argv = [module, *args]  # the demo sees only its own arguments, not `run NAME`
    try:
        with warnings.catch_warnings():
            # runpy warns when the module was imported before (in-process callers, tests); running
            # it again as __main__ in a fresh namespace is exactly what `python -m` would do
            warnings.filterwarnings("ignore", message=".*found in sys.modules", category=RuntimeWarning)
            runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        sys.argv = saved_argv
    return 0
