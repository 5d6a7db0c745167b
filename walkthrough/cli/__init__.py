"""The `walkthrough` command: the sole printer of the tool, and the owner of exit codes.

Subcommands live in sibling modules and are imported only when invoked, so that the warm
`explain` path pays for nothing it does not use (no tree-sitter, no mkdocs, little of rich).
A plain `walkthrough explain SYMBOL [--json] [--no-code] [-u NAME]` does not even import click
(a third of its run time): `main` recognises exactly those arguments and calls the command's
function; anything else (help, other options, a usage error) goes through the click group in
`walkthrough.cli.group`, so help and error messages are click's own.
Exit codes: 0 ok, 1 check found problems, 2 usage or input error, 3 sources missing or unverifiable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from walkthrough.errors import WalkthroughError

# command name -> (module under walkthrough.cli, attribute, one-line help shown before import)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "sources": ("sources", "sources", "Get, verify and inspect the pinned upstream sources."),
    "explain": ("explain", "explain", "Show one symbol of the pinned trees: where, what, code, links."),
    "symbols": ("explain", "symbols", "Search the symbol index by name, glob and kind."),
    "check": ("check", "check", "Prove every chapter excerpt still matches upstream (CI)."),
    "snapshot": ("check", "snapshot", "Rewrite excerpt fingerprints after a deliberate change."),
    "drift": ("check", "drift", "Compare every excerpt with a later release of its upstream."),
    "build": ("site", "build", "Build the static site into site/ (sources checked first)."),
    "serve": ("site", "serve", "Serve the site locally with live reload."),
    "parity": ("parity", "parity", "Run golden vectors from the real Go through the Python models."),
    "run": ("run", "run", "Run a Python model's demo (e.g. `walkthrough run kubernetes.authn`)."),
}

_COMPLETE_VAR = "_WALKTHROUGH_COMPLETE"
"""click's shell-completion switch for prog_name `walkthrough`: completion is click's business."""


def __getattr__(name: str) -> Any:
    """`cli` and `LazyGroup` (the click group) on first use: importing this module imports no click."""
    if name in ("cli", "LazyGroup"):
        from walkthrough.cli import group  # noqa: PLC0415

        return getattr(group, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map our errors to their exit codes and one clear message, never a traceback."""
    args = sys.argv[1:] if argv is None else list(argv)
    fast = fast_explain_args(args)
    if fast is not None:
        return _fast_explain(fast)
    from walkthrough.cli.group import click_main  # noqa: PLC0415

    return click_main(args)


def fast_explain_args(args: list[str]) -> dict[str, Any] | None:
    """The keyword arguments of `explain.show` for a plain `explain SYMBOL ...` command line, else None.

    Accepted, as click would parse them: one SYMBOL not starting with `-`, `--json`, `--no-code`, `--today`,
    `-u NAME`, `--upstream NAME`, `--upstream=NAME`, and `$WALKTHROUGH_CACHE` naming a readable
    directory or nothing yet. Everything else returns None and is click's to parse and report.
    """
    if not args or args[0] != "explain" or os.environ.get(_COMPLETE_VAR):
        return None
    symbol: str | None = None
    upstream: str | None = None
    as_json = no_code = today = False
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--json":
            as_json = True
        elif arg == "--today":
            today = True
        elif arg == "--no-code":
            no_code = True
        elif arg in ("-u", "--upstream"):
            upstream = next(rest, None)
            if not upstream or upstream.startswith("-"):
                return None
        elif arg.startswith("--upstream=") and len(arg) > len("--upstream="):
            upstream = arg.partition("=")[2]
        elif arg.startswith("-") or not arg or symbol is not None:
            return None
        else:
            symbol = arg
    if symbol is None or not _cache_env_usable():
        return None
    return {"symbol": symbol, "upstream": upstream, "as_json": as_json, "no_code": no_code, "today": today}


def _cache_env_usable() -> bool:
    """Whether click would accept `$WALKTHROUGH_CACHE` for `--cache` (absent, or a readable directory)."""
    from walkthrough.paths import CACHE_ENV  # noqa: PLC0415

    env = os.environ.get(CACHE_ENV)
    if not env:
        return True
    try:
        st = Path(env).stat()
    except OSError:
        return True  # click.Path(exists=False) accepts a path that does not exist yet
    import stat  # noqa: PLC0415

    return not stat.S_ISREG(st.st_mode) and os.access(env, os.R_OK)


def _fast_explain(kwargs: dict[str, Any]) -> int:
    """`explain` as the click group would run it (cache option from the env, errors, ^C, closed pipe)."""
    from pathlib import Path  # noqa: PLC0415

    from walkthrough.paths import CACHE_ENV, set_cache_root  # noqa: PLC0415

    try:
        env = os.environ.get(CACHE_ENV)
        if env:
            set_cache_root(Path(env))  # as the group's `--cache` callback, which reads the env var
        from walkthrough.cli.explain import show  # noqa: PLC0415

        try:
            return show(**kwargs)
        except (EOFError, KeyboardInterrupt):
            import click  # noqa: PLC0415 - the rare paths print exactly what click prints

            click.echo(file=sys.stderr)
            click.echo("aborted", err=True)
            return 130
        except OSError as exc:
            import errno  # noqa: PLC0415

            if exc.errno != errno.EPIPE:
                raise
            from click.utils import PacifyFlushWrapper  # noqa: PLC0415

            sys.stdout = PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
            sys.stderr = PacifyFlushWrapper(sys.stderr)  # type: ignore[assignment]
            sys.exit(1)
    except WalkthroughError as exc:
        from walkthrough.cli.group import report  # noqa: PLC0415

        return report(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
