"""The click command group behind `walkthrough`: subcommands imported on first use.

`walkthrough.cli.main` reaches it for everything but a plain `walkthrough explain SYMBOL`, which it
runs without importing click (see `walkthrough.cli.fast_explain_args`).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from walkthrough import __version__
from walkthrough.cli import COMMANDS
from walkthrough.errors import CheckFailed, SourcesError, WalkthroughError


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:  # noqa: ARG002 - click's signature
        """Every subcommand, without importing any."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:  # noqa: ARG002 - click's signature
        """Import and return one subcommand, only when it is invoked."""
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attr, _ = entry
        module = importlib.import_module(f"walkthrough.cli.{module_name}")
        return getattr(module, attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the subcommands with their one-line help, without importing them."""
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


def click_main(argv: list[str] | None) -> int:
    """Run the group; map our errors to their exit codes and one clear message, never a traceback."""
    try:
        result = cli.main(args=argv, prog_name="walkthrough", standalone_mode=False)
    except WalkthroughError as exc:
        return report(exc)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2 if exc.exit_code == 1 else exc.exit_code  # click's usage errors are ours to call 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return result if isinstance(result, int) else 0


def exit_code_of(exc: WalkthroughError) -> int:
    """The documented exit code of an error class: 1 check found problems, 3 sources, 2 usage or input."""
    if isinstance(exc, CheckFailed):
        return 1
    if isinstance(exc, SourcesError):
        return 3
    return 2


def report(exc: WalkthroughError) -> int:
    """Print `exc` as the one `error: ...` line (and hint) on stderr; its exit code."""
    click.echo(f"error: {exc}", err=True)
    return exit_code_of(exc)
