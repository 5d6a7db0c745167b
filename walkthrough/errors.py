"""Every exception class of the tool, in one place. Imports nothing of ours at run time, so every module may raise them.

The CLI maps classes to exit codes (`walkthrough.cli.exit_code_of`, DESIGN.md's CLI): `CheckFailed` 1,
`SourcesError` and its subclasses 3, every other `WalkthroughError` 2 (usage or input).
Messages say what was wrong and what to do; classes are the API, messages are not.
"""

from __future__ import annotations

import errno
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterator

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


class ToolchainMissing(SourcesError):
    """Live parity: no Go toolchain, or not the release the models reproduce (exit 3)."""


class HarnessBuildError(SourcesError):
    """Live parity: a Go harness did not build from the verified sources (exit 3); the message has Go's output."""


class CheckFailed(WalkthroughError):
    """`check` (or a parity run) found problems (exit 1)."""


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


class RunRefused(InputError):
    """A chapter's `/// run` command is not one a chapter may run; the message says why, the hint what may."""


class ImportIncomplete(VerificationError):
    """Some locked files were missing from the copy or had other bytes (exit 3); `report` says which."""

    def __init__(self, message: str, *, report: ImportReport, hint: str | None = None) -> None:
        first = next(iter(report.mismatching), None) or next(iter(report.missing), None)
        super().__init__(message, path=first, hint=hint)
        self.report = report


class UnsafeArchive(VerificationError):
    """The archive holds something we refuse to unpack (exit 3); `path` names the member."""


class TruncatedArchive(NetworkError):
    """The stream ended before the gzip or tar data did (retried, then exit 3)."""


class PermanentNetworkError(NetworkError):
    """A failure that another attempt will not fix: unreachable host, 4xx, an HTML page instead of gzip."""


class IndexUnreadable(SourcesError):
    """The persisted index could not be written, or read even after rebuilding it once (exit 3).

    The index lives in the cache: a cache that cannot hold it is a cache problem, as `CacheUnusable` is.
    """


class CacheUnusable(SourcesError):
    """The cache cannot be written or read: permissions, a read-only file system, a full disk (exit 3).

    `path` names the file or folder the operating system refused.
    """

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.path = path


class OutputUnwritable(UsageError):
    """`build` cannot write its output folder or put the new site in place of the old one (exit 2)."""

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.path = path


class AddressUnusable(UsageError):
    """`serve` cannot listen on its address: taken by another process, not on this machine, or refused (exit 2).

    `path` is the address, `HOST:PORT`.
    """

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.path = path


# ---- operating-system errors ------------------------------------------------------------------
# The one place where an OSError of the cache, the output folder or the server socket becomes one of
# our errors: what could not be done, the path the system named (else the one we asked for), the
# system's reason in words, and what the user can do about it. Anything else is a bug and keeps its
# traceback.

_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EADDRINUSE: "the address is already in use (another server listens there)",
    errno.EADDRNOTAVAIL: "the address is not one of this machine's",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "something is already there",
    errno.EBUSY: "it is busy (a mount point, or in use)",
}

_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})

Role = Literal["cache", "output", "address"]
"""What the failing call was working on: the cache (exit 3), `build`'s output folder or `serve`'s address (2)."""

_ROLES: dict[Role, tuple[type[CacheUnusable | OutputUnwritable | AddressUnusable], str, str]] = {
    # role: (class, what failed, what to do)
    "cache": (
        CacheUnusable,
        "cannot use the cache at",
        "make {path} writable, or point --cache DIR (or WALKTHROUGH_CACHE) at a writable folder",
    ),
    "output": (
        OutputUnwritable,
        "cannot write the site to",
        "choose a writable output folder with -d DIR (a new site is built beside it, then takes its place)",
    ),
    "address": (
        AddressUnusable,
        "cannot serve on",
        "pick another address with -a HOST:PORT (e.g. 127.0.0.1:8001), or stop what listens on {path}",
    ),
}


def reason(exc: OSError) -> str:
    """The system's reason for `exc` in words (`read-only file system`)."""
    return _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


def from_os_error(exc: OSError, role: Role, path: object) -> CacheUnusable | OutputUnwritable | AddressUnusable:
    """`exc` as our error for `role` (`cache` exit 3, `output` exit 2, `address` exit 2), naming the path.

    `path` is what the command was working on (the cache root, the output folder, `host:port`); the
    path the system names in `exc` is shown when it has one, and the hint says what to do.
    """
    cls, what, todo = _ROLES[role]
    if role == "output":  # the folder asked for, and the one refused (a new folder beside it, or its parent)
        where = str(path)
        refused = f" ({exc.filename})" if exc.filename and str(exc.filename) != where else ""
    else:
        where = str(exc.filename) if exc.filename and role != "address" else str(path)
        refused = ""
    hint = "free some space, or " + todo if exc.errno in _FULL else todo
    message = f"{what} {where}: {reason(exc)}{refused}"
    return cls(message, path=where, hint=hint.format(path=path))


@contextmanager
def os_errors(role: Role, path: object) -> Iterator[None]:
    """Turn an OSError raised inside into `from_os_error(exc, role, path)`."""
    try:
        yield
    except OSError as exc:
        raise from_os_error(exc, role, path) from exc
