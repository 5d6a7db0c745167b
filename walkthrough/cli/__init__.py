"""The `walkthrough` command: the sole printer of the tool, and the owner of exit codes.

Subcommands live in sibling modules and are imported only when invoked, so that the warm
`explain` path pays for nothing it does not use (no tree-sitter, no mkdocs, little of rich).
Exit codes: 0 ok, 1 check found problems, 2 usage or input error, 3 sources missing or unverifiable.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from walkthrough import __version__
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


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attr, _ = entry
        module = importlib.import_module(f"{__name__}.{module_name}")
        return getattr(module, attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="walkthrough")
@click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="WALKTHROUGH_CACHE",
    help="Cache directory for sources and the index (default: the platform cache dir).",
)
def cli(cache: Path | None) -> None:
    """Read Kubernetes v1.5.2 and Docker v1.12.3 source with a verified guide beside it."""
    if cache is not None:
        from walkthrough.paths import set_cache_root  # noqa: PLC0415 - keep startup light

        set_cache_root(cache)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map our errors to their exit codes and one clear message, never a traceback."""
    try:
        result = cli.main(args=argv, prog_name="walkthrough", standalone_mode=False)
    except WalkthroughError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2 if exc.exit_code == 1 else exc.exit_code  # click's usage errors are ours to call 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
