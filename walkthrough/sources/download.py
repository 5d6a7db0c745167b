"""Online: fetch a pinned commit's archive from GitHub, keep and verify the locked files, store atomically.

Standard library only (`urllib`): streamed, a timeout on every socket operation, retries with exponential
backoff for transient failures (timeouts, 5xx, dropped or truncated streams). Failing to connect at all
(no DNS, network unreachable, connection refused) is not retried: it fails fast, pointing at
`sources import`. Nothing reaches the cache unless the whole archive was read and every locked file
matched (see `archive.py` for the unpacking rules).
"""

from __future__ import annotations

import errno
import http.client
import random
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from walkthrough import __version__
from walkthrough.errors import (
    NetworkError,
    PermanentNetworkError,
    TruncatedArchive,
    UnsafeArchive,
    UsageError,
    VerificationError,
)
from walkthrough.sources.archive import GzipStream, Limits, unpack
from walkthrough.sources.cache import Entry, EntryWriter, entry_lock, find_entry

if TYPE_CHECKING:
    from pathlib import Path

    from walkthrough.sources.pins import Lock, Release

DEFAULT_BASE_URL = "https://codeload.github.com"
BASE_URL_ENV = "WALKTHROUGH_ARCHIVE_URL"

Progress = Callable[[int, int | None, int], None]
"""progress(compressed bytes downloaded, Content-Length or None, locked files verified)"""


@dataclass(frozen=True)
class FetchOptions:
    """How to download: where from, how long to wait, how often to retry, how much to accept."""

    base_url: str = DEFAULT_BASE_URL
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    """Seconds before the first retry; doubled each time (with jitter)."""
    limits: Limits | None = None
    """Decompression caps; default `Limits.for_lock(lock)`."""


@dataclass
class FetchResult:
    """What a fetch did."""

    url: str
    skipped: bool = False
    files: int = 0
    downloaded: int = 0
    seconds: float = 0.0
    attempts: int = 0
    absent: dict[str, str] = field(default_factory=dict)
    entry: Entry | None = None


def archive_url(release: Release, base_url: str = DEFAULT_BASE_URL) -> str:
    """`BASE/OWNER/REPO/tar.gz/COMMIT` for a GitHub repository URL."""
    parts = urlsplit(release.pin.repository)
    path = parts.path.strip("/").removesuffix(".git").split("/")
    if parts.netloc != "github.com" or len(path) != 2:  # noqa: PLR2004 - OWNER/REPO
        raise UsageError(
            f"{release.pin.label}: cannot fetch from {release.pin.repository} (only github.com/OWNER/REPO)",
            hint="import an offline copy with `walkthrough sources import`",
        )
    return f"{base_url.rstrip('/')}/{path[0]}/{path[1]}/tar.gz/{release.pin.commit}"


def _open(url: str, timeout: float) -> http.client.HTTPResponse:
    request = urllib.request.Request(url, headers={"User-Agent": f"walkthrough/{__version__}"})  # noqa: S310 - archive_url's https URL, or a test's
    host = urlsplit(url).netloc
    try:
        response: http.client.HTTPResponse = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - archive_url's https URL, or a test's
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the response socket
        retry = exc.code >= HTTPStatus.INTERNAL_SERVER_ERROR or exc.code == HTTPStatus.TOO_MANY_REQUESTS
        error = NetworkError if retry else PermanentNetworkError
        raise error(
            f"{url} answered HTTP {exc.code} {exc.reason}",
            hint="GitHub may be having trouble: retry later"
            if retry
            else "check the pin's repository and commit, "
            "or --base-url; offline copies import with `walkthrough sources import`",
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        unreachable = isinstance(reason, socket.gaierror | ConnectionRefusedError) or (
            isinstance(reason, OSError) and reason.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH)
        )
        if unreachable:
            raise PermanentNetworkError(
                f"cannot reach {host} ({reason}): no network?",
                hint="offline, import the sources from a local copy: "
                "`walkthrough sources import NAME --git DIR` "
                "(see README, Getting the sources)",
            ) from None
        raise NetworkError(f"cannot download {url}: {reason}") from None
    except (TimeoutError, OSError) as exc:
        raise NetworkError(f"cannot download {url}: {exc}") from None
    return response


def _check_response(response: http.client.HTTPResponse, url: str) -> int | None:
    """Refuse what is not a gzip archive (an HTML login or error page with status 200); return the length."""
    ctype = (response.headers.get("Content-Type") or "").lower()
    if response.status != HTTPStatus.OK:
        raise PermanentNetworkError(f"{url} answered HTTP {response.status}, not 200")
    if "html" in ctype or ctype.startswith("text/"):
        raise PermanentNetworkError(
            f"{url} sent a {ctype.split(';')[0]} page instead of a gzip archive (a proxy or captive portal?)",
            hint="fix the network or --base-url, or import offline with `walkthrough sources import`",
        )
    length = response.headers.get("Content-Length")
    return int(length) if length and length.isdigit() else None


class _Peek:
    """Check the gzip magic of the first bytes without losing them."""

    def __init__(self, response: http.client.HTTPResponse, url: str) -> None:
        self.response = response
        self.head = response.read(2)
        if self.head != b"\x1f\x8b":
            raise PermanentNetworkError(
                f"{url} did not send gzip data (it starts with {self.head!r})",
                hint="a proxy or error page? fix --base-url, "
                "or import offline with `walkthrough sources import`",
            )

    def read(self, size: int) -> bytes:
        if self.head:
            head, self.head = self.head, b""
            return head + self.response.read(max(size - len(head), 0))
        return self.response.read(size)


def _attempt(
    url: str, lock: Lock, options: FetchOptions, writer: EntryWriter, progress: Progress | None
) -> tuple[int, dict[str, str]]:
    """One download into `writer`; returns (bytes downloaded, export-subst files left out)."""
    limits = options.limits or Limits.for_lock(lock)
    response = _open(url, options.timeout)
    with response:
        length = _check_response(response, url)
        files = 0
        downloaded = 0

        def on_input(n: int) -> None:
            nonlocal downloaded
            downloaded = n
            if progress:
                progress(n, length, files)

        def on_file(n: int) -> None:
            nonlocal files
            files = n

        try:
            stream = GzipStream(_Peek(response, url), limits, on_input)
            result = unpack(stream, lock, writer, on_file)
        except (http.client.IncompleteRead, ConnectionError, TimeoutError) as exc:
            raise TruncatedArchive(
                f"the download of {url} broke off after {downloaded} bytes ({exc!r})"
            ) from None
        if length is not None and stream.bytes_in + len(stream.pending) < length:
            raise TruncatedArchive(f"the download of {url} stopped at {downloaded} of {length} bytes")
    missing = [p for p in writer.missing() if p not in result.absent]
    if missing:
        raise VerificationError(
            f"the archive of {lock.upstream}@{lock.tag} lacks {len(missing)} locked file(s), e.g. "
            f"{', '.join(missing[:5])}",
            path=missing[0],
            hint="the archive is not of the pinned commit (check --base-url); "
            "nothing was written to the cache",
        )
    return stream.bytes_in, result.absent


def fetch_release(
    release: Release,
    lock: Lock,
    *,
    options: FetchOptions | None = None,
    progress: Progress | None = None,
    force: bool = False,
    cache: Path | None = None,
) -> FetchResult:
    """Download `release`'s archive into the cache atomically; keep a complete entry unless `force`.

    Raises:
        NetworkError: unreachable, HTTP errors, or truncated after all retries (exit 3).
        VerificationError: hostile archive (`UnsafeArchive`), or locked files missing or different (exit 3).
    """
    options = options or FetchOptions()
    url = archive_url(release, options.base_url)
    started = time.monotonic()
    result = FetchResult(url)
    with entry_lock(lock, cache):
        current = find_entry(lock, cache)
        if current.complete and not force:
            result.skipped = True
            result.entry = current
            return result
        last: NetworkError | None = None
        for attempt in range(options.retries + 1):
            result.attempts = attempt + 1
            if attempt:
                time.sleep(options.backoff * 2 ** (attempt - 1) * (0.5 + random.random()))  # noqa: S311 - retry jitter, not a secret
            try:
                with EntryWriter(lock, cache) as writer:
                    downloaded, absent = _attempt(url, lock, options, writer, progress)
                    result.entry = writer.commit(method="fetch", source=url, absent=absent)
            except PermanentNetworkError:
                raise
            except UnsafeArchive:
                raise
            except NetworkError as exc:  # transient: timeouts, 5xx, dropped or truncated streams
                last = exc
                continue
            result.files = len(writer.written)
            result.downloaded = downloaded
            result.absent = absent
            result.seconds = time.monotonic() - started
            return result
    assert last is not None  # noqa: S101 - the loop ran at least once and only exits by raising or returning
    raise NetworkError(
        f"{release.pin.label}: {last.message} (after {result.attempts} attempt(s))",
        hint=last.hint or "retry later, or import an offline copy with `walkthrough sources import`",
    )
