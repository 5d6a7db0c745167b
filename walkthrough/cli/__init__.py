"""The `walkthrough` command: the sole printer of the tool, and the owner of exit codes.

One parser, argparse, for every command. Measured here: importing argparse costs 1.6 ms, click 14 ms,
about a sixth of a warm `explain` on a terminal, whose whole run is budgeted at 1.5x `import rich.console`
(bench/bench_explain.py). A command's module is imported only when that command runs: `main` reads the
command word first, then builds the parser with that command alone (a parser per command costs about
half a millisecond); without a known command word, every command is listed with its one-line help from
`COMMANDS`, none imported. The usual `explain SYMBOL [flags]` is read without argparse at all
(`walkthrough.cli.explain.usual_options`, which leaves every other form and every error to argparse).

Each command module has, per command, `configure_NAME(parser)`, which declares the arguments and sets
`handler`, a function taking the parsed options as keyword arguments and returning the exit code.
Exit codes: 0 ok, 1 check found problems, 2 usage or input error, 3 sources missing or unverifiable.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walkthrough import __version__
from walkthrough.errors import CheckFailed, SourcesError, WalkthroughError

if TYPE_CHECKING:
    from walkthrough.cli.args import Parser

COMMANDS: dict[str, tuple[str, str]] = {
    "sources": ("sources", "Get, verify and inspect the pinned upstream sources."),
    "explain": ("explain", "Show one symbol of the pinned trees: where, what, code, notes, links."),
    "symbols": ("explain", "Search the symbol index by name, glob and kind."),
    "check": ("check", "Prove every chapter excerpt still matches upstream (CI)."),
    "snapshot": ("check", "Rewrite excerpt fingerprints after a deliberate change."),
    "drift": ("check", "Compare every excerpt with a later release of its upstream."),
    "build": ("site", "Build the static site into site/ (sources checked first)."),
    "serve": ("site", "Serve the site locally with live reload."),
    "parity": ("parity", "Run golden vectors from the real Go through the Python models."),
    "run": ("run", "Run a Python model's demo (e.g. `walkthrough run kubernetes.authn`)."),
}
"""Command name → (module under walkthrough.cli, one-line help shown without importing the module)."""


def build_parser(command: str | None) -> Parser:
    """The parser of `walkthrough`, with the arguments of `command` declared (its module imported)."""
    from walkthrough.cli.args import Parser  # noqa: PLC0415 - argparse only when the usual `explain` is not run

    parser = Parser(
        prog="walkthrough",
        description="Read Kubernetes v1.5.2 and Docker v1.12.3 source with a verified guide beside it.",
    )
    parser.add_argument("--version", action="version", version=f"walkthrough {__version__}")
    parser.add_argument(
        "--cache", type=Path, metavar="DIR",
        help="cache directory for sources and the index (default: $WALKTHROUGH_CACHE, else the platform cache dir)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    if command is None:  # help, or a usage error: list every command, importing none
        for name, (_, summary) in COMMANDS.items():
            sub.add_parser(name, help=summary, description=summary, add_help=False)
        return parser
    parser.help_prog = f"{parser.prog} {command}"
    module_name, summary = COMMANDS[command]
    module = importlib.import_module(f"walkthrough.cli.{module_name}")
    getattr(module, f"configure_{command}")(sub.add_parser(command, help=summary, description=summary))
    return parser


def _command_word(args: list[str]) -> str | None:
    """The command `args` runs (the first word that is not a top-level option or its value)."""
    words = iter(args)
    for word in words:
        if word == "--cache":
            next(words, None)
        elif word in COMMANDS:
            return word
        elif not word.startswith("-"):
            return None
    return None


def _usual_explain(args: list[str]) -> dict[str, Any] | None:
    """The options of `args` if they are the usual `explain SYMBOL [flags]`, read without argparse, else None."""
    if args[:1] != ["explain"]:
        return None
    from walkthrough.cli.explain import usual_options  # noqa: PLC0415 - the command's module, imported when run

    options = usual_options(args[1:])
    return None if options is None else {"cache": None, "command": "explain", **options}


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map our errors to their exit codes and one clear message, never a traceback."""
    if argv is None:  # a process of its own (the console script, `python -m walkthrough`)
        # What start-up made (modules, classes, functions) lives as long as the process: the cycle
        # collector's full passes need not walk it again (a twentieth of a warm `explain`, callgrind).
        gc.freeze()
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = None
        options = _usual_explain(args)
        if options is None:
            parser = build_parser(_command_word(args))
            options = vars(parser.parse_args(args))
        _use_cache(options.pop("cache"))
        options.pop("command")
        handler = options.pop("handler", None)
        if handler is None:  # no command: only argparse leaves none
            (parser or build_parser(None)).print_help()
            return 2
        code: int = handler(**options)
    except WalkthroughError as exc:
        return report(exc)
    except SystemExit as exc:  # --help and --version exit 0 from inside argparse
        return exc.code if isinstance(exc.code, int) else 0
    except (EOFError, KeyboardInterrupt):
        print("\naborted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`walkthrough explain X | head`): say nothing more, and keep Python's
        # final flush from raising again on the closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:  # one the command did not expect: still one clear line, never a traceback
        return report(_os_error(exc))
    return code


def _os_error(exc: OSError) -> WalkthroughError:
    """An unexpected OSError as our error: of the cache (exit 3, `errors.from_os_error`), else of input (2)."""
    from walkthrough.errors import from_os_error, reason  # noqa: PLC0415 - only the error path
    from walkthrough.paths import cache_root  # noqa: PLC0415

    root = cache_root()
    if exc.filename and Path(str(exc.filename)).is_relative_to(root):
        return from_os_error(exc, "cache", root)
    what = f"cannot use {exc.filename}" if exc.filename else "a system call failed"
    return WalkthroughError(f"{what}: {reason(exc)}", hint="check the path and its permissions")


def _use_cache(cache: Path | None) -> None:
    """Use `--cache`, else `$WALKTHROUGH_CACHE`, for this run; a cache that is a file is a usage error."""
    from walkthrough.paths import CACHE_ENV, set_cache_root  # noqa: PLC0415 - keep startup light

    given = cache if cache is not None else os.environ.get(CACHE_ENV)
    if given and os.path.exists(given) and not os.path.isdir(given):  # noqa: PTH110, PTH112 - no Path for one stat
        from walkthrough.errors import UsageError  # noqa: PLC0415

        raise UsageError(f"the cache {given} is a file, not a directory",
                         hint="point --cache or WALKTHROUGH_CACHE at a directory (it is created when missing)")
    if given:
        set_cache_root(Path(given))


def exit_code_of(exc: WalkthroughError) -> int:
    """The documented exit code of an error class: 1 check found problems, 3 sources, 2 usage or input."""
    if isinstance(exc, CheckFailed):
        return 1
    if isinstance(exc, SourcesError):
        return 3
    return 2


def report(exc: WalkthroughError) -> int:
    """Print `exc` as the one `error: ...` line (and hint) on stderr, hidden characters shown; its exit code."""
    from walkthrough.text import visible  # noqa: PLC0415 - small, and only the error path

    print(f"error: {visible(str(exc))}", file=sys.stderr)
    return exit_code_of(exc)
