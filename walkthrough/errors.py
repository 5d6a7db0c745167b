"""Every exception class of the tool, in one place. Imports nothing of ours at run time, so every module may raise them.

The CLI maps classes to exit codes (`walkthrough.cli.exit_code_of`, DESIGN.md's CLI): `CheckFailed` 1,
`SourcesError` and its subclasses 3, every other `WalkthroughError` 2 (usage or input).
Messages say what was wrong and what to do; classes are the API, messages are not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from walkthrough.book.excerpt import AnchorProblem
    from walkthrough.models import Problem
    from walkthrough.sources.importer import ImportReport


class WalkthroughError(Exception):
    """Base of every error the tool reports to a user instead of a traceback."""

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


class IndexUnreadable(WalkthroughError):
    """The persisted index could not be read; it has been removed and is rebuilt on the next run."""


class DirectiveError(InputError):
    """One or more problems in a chapter's directives; `problems` lists each with `chapter.md:line`."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{first.message}{more}", location=first.location, hint=first.hint)


class AnchorError(InputError):
    """One or more anchors of an excerpt failed; `errors` lists them all (not just the first)."""

    def __init__(self, errors: list[AnchorProblem]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(e.message for e in self.errors), hint=self.errors[0].hint)


class ImportIncomplete(VerificationError):
    """Some locked files were missing from the copy or had other bytes (exit 3); `report` says which."""

    def __init__(self, message: str, *, report: ImportReport, hint: str | None = None) -> None:
        first = (report.mismatching and next(iter(report.mismatching))) or (report.missing or [None])[0]
        super().__init__(message, path=first, hint=hint)
        self.report = report


class UnsafeArchive(VerificationError):
    """The archive holds something we refuse to unpack (exit 3); `path` names the member."""


class TruncatedArchive(NetworkError):
    """The stream ended before the gzip or tar data did (retried, then exit 3)."""


class PermanentNetworkError(NetworkError):
    """A failure that another attempt will not fix: unreachable host, 4xx, an HTML page instead of gzip."""
