"""`walkthrough run [DEMO]`: run a Python model's demo, or list the demos.

A demo is a model module that runs on its own: `walkthrough run kubernetes.authn` is
`python -m walkthrough.reimpl.kubernetes.authn`. Short names (`authn`) work when unique.
"""

from __future__ import annotations

import argparse
import runpy
import sys
import warnings

from walkthrough.reimpl import demos, resolve_demo


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
    module = "walkthrough.reimpl." + resolve_demo(demo)
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
