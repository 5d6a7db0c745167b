"""Error classes of the tool. Imports nothing of ours, so every module may raise them.

Each class carries the exit code the CLI maps it to (see DESIGN.md, CLI):
0 ok, 1 check found problems, 2 usage or input error, 3 sources missing or unverifiable.
Messages say what was wrong and what to do; classes are the API, messages are not.
"""

from __future__ import annotations


class WalkthroughError(Exception):
    """Base of every error the tool reports to a user instead of a traceback."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class UsageError(WalkthroughError):
    """Bad command-line input or configuration (exit 2)."""


class InputError(WalkthroughError):
    """Bad input from an author: a chapter directive, a symbol id, a config file (exit 2).

    `location` is `path:line` when the input came from a file.
    """

    def __init__(self, message: str, *, location: str | None = None, hint: str | None = None) -> None:
        super().__init__(f"{location}: {message}" if location else message, hint=hint)
        self.location = location


class SymbolError(InputError):
    """A symbol id that is unknown, ambiguous or malformed (exit 2).

    `candidates` lists the ids that matched (ambiguous) or the nearest ids (unknown).
    """

    def __init__(
        self,
        message: str,
        *,
        candidates: tuple[str, ...] = (),
        location: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, location=location, hint=hint)
        self.candidates = candidates


class ModelNotFound(InputError):
    """A paired Python model `module:qualname` that names no module file or no definition in it (exit 2)."""


class SourcesError(WalkthroughError):
    """Sources missing, unverifiable, tampered with, or unreachable (exit 3)."""

    exit_code = 3


class SourcesMissing(SourcesError):
    """The pinned sources are not in the cache; the hint names the command that brings them."""


class VerificationError(SourcesError):
    """A file's bytes do not match the lock (blob id or size). `path` names the file."""

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.path = path


class NetworkError(SourcesError):
    """A download failed (offline, timeout, bad answer) after its retries."""


class CheckFailed(WalkthroughError):
    """`check` (or a parity run) found problems (exit 1)."""

    exit_code = 1
