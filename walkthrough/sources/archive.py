"""Unpack a GitHub tar.gz stream into a cache entry: only locked regular files, every byte counted, checked.

The archive is hostile until proven otherwise (RELIABILITY.md, "Unpacking archives"): we never call
`extract`, never materialise links or devices, decompress ourselves so that the total is capped, and
hand each locked file to `EntryWriter.add`, which checks its git blob id before writing.

Policy for members the lock does not list: their data is streamed past and discarded. Names that are
hostile in themselves (absolute, `..`, backslash, drive letter, control characters), hardlinks, devices
and fifos, duplicates, and names outside the single top directory reject the whole archive, since
GitHub's `git archive` output never contains them. Symlinks are skipped unless locked (real repositories
have some); a locked path that is not a regular file rejects the archive.
"""

from __future__ import annotations

import re
import tarfile
import unicodedata
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from walkthrough.errors import TruncatedArchive, UnsafeArchive
from walkthrough.sources.pins import Lock, check_path, git_blob_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from walkthrough.sources.cache import EntryWriter

CHUNK = 1 << 16
OUT_CHUNK = 1 << 20
FETCH_HINT = (
    "the download is not a clean archive of the pinned commit; nothing was written to the cache. "
    "Retry later or from another network, or import an offline copy with `walkthrough sources import`"
)


@dataclass(frozen=True)
class Limits:
    """Caps on what one archive may make us decompress; derived from the lock by default."""

    max_bytes: int
    max_members: int

    @classmethod
    def for_lock(cls, lock: Lock) -> Limits:
        """Generous enough for the whole repository around the locked files, far below a bomb.

        Kubernetes v1.5.2's locked 21 MB sit in a repository of a few hundred MB; 32x plus 256 MiB
        leaves room for that while stopping a bomb after at most about a gigabyte of zeros.
        """
        return cls(max_bytes=32 * lock.size + (256 << 20), max_members=40 * len(lock) + 20_000)


class Readable(Protocol):
    """Anything `read(n) -> bytes`: a response, a file, or a wrapper that checked the first bytes."""

    def read(self, size: int, /) -> bytes:
        """Up to `size` bytes (b"" at the end)."""
        ...


class GzipStream:
    """A file-like `read(n)` over a gzip stream: counts input and output, caps output, detects truncation."""

    def __init__(self, raw: Readable, limits: Limits, on_input: Callable[[int], None] | None = None) -> None:
        self.raw = raw
        self.limits = limits
        self.on_input = on_input
        self.inflate = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer required
        self.pending = b""
        self.buffer = bytearray()
        self.bytes_in = 0
        self.bytes_out = 0
        self.raw_done = False

    @property
    def complete(self) -> bool:
        """The gzip trailer (CRC and length) was read and checked."""
        return self.inflate.eof

    def _fill(self) -> None:
        while not self.buffer and not self.inflate.eof:
            if not self.pending:
                chunk = self.raw.read(CHUNK)
                if not chunk:
                    raise TruncatedArchive(
                        f"the download ended after {self.bytes_in} bytes, in the middle of the gzip stream",
                        hint="a dropped connection or a proxy: it is retried; if it persists, import offline",
                    )
                self.bytes_in += len(chunk)
                if self.on_input:
                    self.on_input(self.bytes_in)
                self.pending = chunk
            try:
                out = self.inflate.decompress(self.pending, OUT_CHUNK)
            except zlib.error as exc:
                raise UnsafeArchive(f"the download is not valid gzip data ({exc})", hint=FETCH_HINT) from None
            self.pending = self.inflate.unconsumed_tail
            self.bytes_out += len(out)
            if self.bytes_out > self.limits.max_bytes:
                raise UnsafeArchive(
                    f"the archive inflates beyond {self.limits.max_bytes} bytes, far more than the locked "
                    "files need (a gzip bomb?)",
                    hint=FETCH_HINT,
                )
            self.buffer += out

    def read(self, size: int = -1) -> bytes:
        """Up to `size` inflated bytes (all that is left when negative), checking the limits."""
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(OUT_CHUNK):
                chunks.append(chunk)
            return b"".join(chunks)
        if not self.buffer:
            self._fill()
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def drain(self) -> None:
        """Read to the end of the gzip stream (tar padding after the end blocks), so truncation is seen."""
        while self.read(OUT_CHUNK):
            pass


_DRIVE = re.compile(r"^[A-Za-z]:")


def _kind(member: tarfile.TarInfo) -> str:
    if member.issym():
        return "a symlink"
    if member.islnk():
        return "a hardlink"
    if member.ischr() or member.isblk():
        return "a device file"
    if member.isfifo():
        return "a fifo"
    if member.isdir():
        return "a directory"
    return "not a regular file"


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


@dataclass
class Unpacked:
    """What the archive gave: locked files written, export-subst files left out, members skipped."""

    files: int = 0
    absent: dict[str, str] = field(default_factory=dict)
    skipped: int = 0
    members: int = 0


def unpack(
    stream: GzipStream,
    lock: Lock,
    writer: EntryWriter,
    on_file: Callable[[int], None] | None = None,
) -> Unpacked:
    """Stream the tar inside `stream` into `writer`, enforcing every rule of the module docstring."""
    result = Unpacked()
    top: str | None = None
    seen: dict[str, str] = {}  # folded name -> name
    try:
        tar = tarfile.open(fileobj=stream, mode="r|")  # type: ignore[call-overload]  # noqa: SIM115
    except tarfile.TarError as exc:
        raise UnsafeArchive(f"the download is not a tar archive ({exc})", hint=FETCH_HINT) from None
    try:
        for member in tar:
            result.members += 1
            if result.members > stream.limits.max_members:
                raise UnsafeArchive(
                    f"the archive has over {stream.limits.max_members} members (a bomb?)", hint=FETCH_HINT
                )
            name = member.name
            raw = name.rstrip("/") if member.isdir() else name
            problem = None if not _DRIVE.match(raw) else "drive letter in name"
            head, _, rest = raw.partition("/")
            problem = problem or check_path(raw)
            if problem:
                raise UnsafeArchive(f"archive member {name!r}: {problem}", path=name, hint=FETCH_HINT)
            if top is None:
                top = head
            elif head != top:
                raise UnsafeArchive(
                    f"archive member {name!r} is outside the archive's top directory {top!r}",
                    path=name,
                    hint=FETCH_HINT,
                )
            if member.islnk() or member.ischr() or member.isblk() or member.isfifo():
                raise UnsafeArchive(f"archive member {name!r} is {_kind(member)}", path=name, hint=FETCH_HINT)
            if not rest:
                continue  # the top directory itself
            key = _fold(rest)
            if key in seen:
                other = seen[key]
                if other == rest or rest in lock or other in lock:
                    what = (
                        "appears twice"
                        if other == rest
                        else f"collides with {other!r} (case or Unicode form)"
                    )
                    raise UnsafeArchive(f"archive member {rest!r} {what}", path=rest, hint=FETCH_HINT)
            seen[key] = rest
            entry = lock.entries.get(rest)
            if entry is None:
                result.skipped += 1
                continue
            if not member.isreg():
                raise UnsafeArchive(
                    f"locked file {rest} is {_kind(member)} in the archive", path=rest, hint=FETCH_HINT
                )
            try:
                tarfile.data_filter(member, "/nonexistent-destination")
            except tarfile.FilterError as exc:
                raise UnsafeArchive(f"archive member {rest!r}: {exc}", path=rest, hint=FETCH_HINT) from None
            subst = rest in lock.export_subst
            if member.size != entry.size and not (subst and member.size <= entry.size + 4096):
                raise UnsafeArchive(
                    f"locked file {rest} is {member.size} bytes in the archive, the lock says {entry.size}",
                    path=rest,
                    hint=FETCH_HINT,
                )
            fh = tar.extractfile(member)
            data = fh.read() if fh is not None else b""
            if len(data) != member.size:
                raise TruncatedArchive(f"the archive ended inside {rest}", hint=FETCH_HINT)
            if subst and git_blob_id(data) != entry.blob:
                result.absent[rest] = "the archive holds export-subst substitutions, not the git blob"
                continue
            writer.add(rest, data)
            result.files += 1
            if on_file:
                on_file(result.files)
        stream.drain()
    except tarfile.ReadError as exc:
        if not stream.complete:
            raise TruncatedArchive(f"the archive stream ended early ({exc})", hint=FETCH_HINT) from None
        raise UnsafeArchive(f"the tar data is malformed ({exc})", hint=FETCH_HINT) from None
    except tarfile.TarError as exc:
        raise UnsafeArchive(f"the tar data is malformed ({exc})", hint=FETCH_HINT) from None
    finally:
        tar.close()
    if not stream.complete:
        raise TruncatedArchive("the archive stream ended before the gzip trailer", hint=FETCH_HINT)
    return result
