"""The argument parser class and argument types every command uses (argparse; `walkthrough.cli` says why)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn


class Parser(argparse.ArgumentParser):
    """argparse, with usage errors raised as our `UsageError` (exit 2) instead of exiting from inside."""

    help_prog: str | None = None
    """Whose help a usage error points to (the command's, when the top-level parser saw one)."""

    def error(self, message: str) -> NoReturn:
        """Report a usage error the way every other error is reported (`error: ...` and a hint)."""
        from walkthrough.errors import UsageError  # noqa: PLC0415

        raise UsageError(message, hint=f"see `{self.help_prog or self.prog} --help`")


def existing_dir(text: str) -> Path:
    """An argument naming a directory that must exist."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not an existing directory")
    return path


def existing_file(text: str) -> Path:
    """An argument naming a file that must exist (a missing one is a usage error, exit 2)."""
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{text!r} does not exist" if not path.exists() else f"{text!r} is not a file")
    return path


def positive_int(text: str) -> int:
    """An argument that must be an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not at least 1")
    return value


def non_negative_int(text: str) -> int:
    """An argument that must be an integer of at least 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is not at least 0")
    return value
