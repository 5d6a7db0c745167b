"""The sources cache: one verified entry per locked release, written atomically, read only through checks.

Layout under `cache_root()/sources/`::

    kubernetes@v1.5.2-<digest12>/tree/...     the locked files, read-only
    kubernetes@v1.5.2-<digest12>/COMPLETE     JSON marker, written last: the entry is whole and verified
    kubernetes@v1.5.2-<digest12>/VERIFIED     JSON stamp of the last full re-hash (`sources verify`)
    .tmp-kubernetes@v1.5.2-<digest12>-<rand>/ an entry being written (ignored by readers)
    .locks/kubernetes@v1.5.2-<digest12>.lock  the per-entry writer lock (filelock)

The entry name carries the lock digest, so a regenerated lock never reuses files verified against the
old one. Writers build the entry in a temp dir beside it, verify every file against the lock, write the
marker, then rename the whole dir into place, all under the entry lock: a reader sees the complete
verified entry or nothing.
"""

from __future__ import annotations

import base64
import json
import os
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Self

from walkthrough.errors import CacheUnusable, SourcesError, SourcesMissing, VerificationError, os_errors
from walkthrough.paths import cache_root
from walkthrough.sources.pins import Lock, Release, Upstreams, git_blob_id, load_pins

if TYPE_CHECKING:
    from collections.abc import Iterator

    from walkthrough.models import LockEntry, Pin

MARKER = "COMPLETE"
VERIFIED = "VERIFIED"
TREE = "tree"
FORMAT = 1
LOCK_TIMEOUT = 600.0
"""Seconds a writer waits for another writer of the same entry (an import takes well under a minute)."""


def sources_dir(root: Path | None = None) -> Path:
    """Where source entries live inside the cache."""
    return (root or cache_root()) / "sources"


def entry_name(lock: Lock) -> str:
    """`kubernetes@v1.5.2-<12 hex of the lock digest>`: one entry per exact locked set."""
    raw = base64.b64decode(lock.digest.removeprefix("h1:"))
    return f"{lock.upstream}@{lock.tag}-{raw.hex()[:12]}"


def _now() -> str:
    from datetime import UTC, datetime  # noqa: PLC0415 - only writers stamp times

    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON via temp + rename, so a crash never leaves half a marker. An OSError names `path`."""
    tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}")
    try:
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        with suppress(OSError):
            tmp.unlink()
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def import_hint(release: Release) -> str:
    """The exact commands that bring `release` into the cache (online, or from its offline copy)."""
    spec = release.spec
    online = f"`walkthrough sources fetch {spec}`"
    if release.offline is None:
        return f"run {online}, or `walkthrough sources import {spec} --git DIR --rev REV --root ...`"
    roots = " ".join(f"--root {r}" for r in release.offline.roots)
    return (
        f"run {online}, or offline `walkthrough sources import {spec} --git <clone of "
        f"{release.offline.repository}> --rev {release.offline.rev} {roots}`"
    )


class Entry(NamedTuple):
    """A cache entry's location and marker (None when absent or incomplete)."""

    path: Path
    marker: dict[str, Any] | None

    @property
    def tree(self) -> Path:
        """The directory holding the upstream files."""
        return self.path / TREE

    @property
    def complete(self) -> bool:
        """Whether the entry was imported whole, for exactly this lock."""
        return self.marker is not None

    @property
    def verified(self) -> dict[str, Any] | None:
        """The last `sources verify` stamp, if any."""
        return _read_json(self.path / VERIFIED)

    @property
    def absent(self) -> dict[str, str]:
        """Locked paths left out of the entry on purpose (export-subst files), with the reason."""
        return dict((self.marker or {}).get("absent", {}))


def find_entry(lock: Lock, root: Path | None = None) -> Entry:
    """The entry for `lock` in the cache; `marker` is None unless it is complete and for this exact lock."""
    path = sources_dir(root) / entry_name(lock)
    marker = _read_json(path / MARKER)
    if marker is not None and (marker.get("digest") != lock.digest or marker.get("format") != FORMAT):
        marker = None
    return Entry(path, marker)


class SourceTree:
    """The verified files of one locked release in the cache: the only way the tool reads upstream code.

    Every `read` re-checks the file's git blob id against the lock, so an entry edited after import is
    refused with a `VerificationError` naming the file, never quoted.
    """

    def __init__(self, release: Release, lock: Lock, entry: Entry) -> None:
        self.release = release
        self.pin: Pin = release.pin
        self.lock = lock
        self.root: Path = entry.tree
        """The entry's file tree (read-only for everyone but the sources layer)."""
        self.entry = entry
        self._absent = frozenset(entry.absent)

    @property
    def name(self) -> str:
        """The upstream's name (`kubernetes`)."""
        return self.pin.name

    def __repr__(self) -> str:
        return f"SourceTree({self.pin.label}, {len(self.lock) - len(self._absent)} files, {self.root})"

    def paths(self) -> list[str]:
        """Sorted locked paths present in the entry."""
        return [p for p in self.lock.entries if p not in self._absent]

    def __contains__(self, path: object) -> bool:
        return path in self.lock.entries and path not in self._absent

    def entry_for(self, path: str) -> LockEntry:
        """The lock entry of `path`; an unlocked or absent path is a VerificationError saying why."""
        entry = self.lock.entries.get(path)
        if entry is None:
            raise VerificationError(
                f"{self.pin.label}: {path} is not in the lock, so it is never read",
                path=path,
                hint="only locked files may be read; check the path, or regenerate the lock to include it",
            )
        if path in self._absent:
            raise VerificationError(
                f"{self.pin.label}: {path} is not in the cache entry: {self.entry.absent[path]}",
                path=path,
                hint=f"import it from git to get the exact blob: {import_hint(self.release)}",
            )
        return entry

    def blob(self, path: str) -> str:
        """The locked git blob id of `path` (a parse cache key that changes whenever the bytes do)."""
        return self.entry_for(path).blob

    def path_of(self, path: str) -> Path:
        """The file's location in the cache. Prefer `read`, which verifies."""
        self.entry_for(path)
        return self.root / path

    def read(self, path: str) -> bytes:
        """The bytes of `path`, verified against its locked blob id and size."""
        entry = self.entry_for(path)
        try:
            data = (self.root / path).read_bytes()
        except OSError as exc:
            raise VerificationError(
                f"{self.pin.label}: cannot read {path} from the cache ({exc.strerror or exc})",
                path=path,
                hint=f"re-import: {reimport_hint(self.release)}",
            ) from None
        actual = git_blob_id(data)
        if actual != entry.blob or len(data) != entry.size:
            raise VerificationError(
                f"{self.pin.label}: {path} in the cache was modified after import "
                f"(blob {actual[:12]}, {len(data)} bytes; "
                f"the lock says {entry.blob[:12]}, {entry.size} bytes)",
                path=path,
                hint=f"run `walkthrough sources verify {self.release.spec}`, then re-import: "
                f"{reimport_hint(self.release)}",
            )
        return data

    def text(self, path: str) -> str:
        """`read` decoded as UTF-8 (Go source is UTF-8 by definition; bad bytes are replaced)."""
        return self.read(path).decode("utf-8", errors="replace")


def reimport_hint(release: Release) -> str:
    """The command that replaces a damaged entry of `release`."""
    return f"`walkthrough sources fetch {release.spec} --force` (or `sources import ... --force`)"


def open_tree(
    name: str,
    ref: str | None = None,
    *,
    project_root: Path | None = None,
    cache: Path | None = None,
) -> SourceTree:
    """The verified cache entry of upstream `name` at `ref` (default: the pinned release).

    Raises:
        SourcesMissing: the release is not in the cache (its hint names the command to run).
    """
    upstreams = load_pins(project_root)
    release = upstreams.release(name, ref)
    return open_release(upstreams, release, cache=cache)


def open_release(upstreams: Upstreams, release: Release, *, cache: Path | None = None) -> SourceTree:
    """`open_tree` for an already resolved release."""
    lock = upstreams.load_lock(release)
    entry = find_entry(lock, cache)
    if not entry.complete:
        raise SourcesMissing(
            f"{release.pin.label} sources are not in the cache ({sources_dir(cache)})",
            hint=import_hint(release),
        )
    return SourceTree(release, lock, entry)


@dataclass
class VerifyReport:
    """What a full re-hash of an entry found."""

    label: str
    checked: int = 0
    mismatching: list[tuple[str, str]] = field(default_factory=list)
    """(path, what is wrong)"""
    missing: list[str] = field(default_factory=list)
    unlocked: list[str] = field(default_factory=list)
    not_recorded: CacheUnusable | None = None
    """Why a clean re-hash could not be stamped VERIFIED (a read-only cache); the files are fine all the same."""

    @property
    def ok(self) -> bool:
        """Whether nothing was wrong."""
        return not (self.mismatching or self.missing or self.unlocked)

    def problems(self) -> list[str]:
        """One line per file that was wrong, saying what was."""
        return (
            [f"{p}: {why}" for p, why in self.mismatching]
            + [f"{p}: missing from the cache entry" for p in self.missing]
            + [f"{p}: not in the lock, yet present in the cache entry" for p in self.unlocked]
        )


def verify_tree(tree: SourceTree) -> VerifyReport:
    """Re-hash every file of the entry against the lock; on success stamp the entry VERIFIED."""
    report = VerifyReport(tree.pin.label)
    for path in tree.paths():
        entry = tree.lock.entries[path]
        try:
            data = (tree.root / path).read_bytes()
        except FileNotFoundError:
            report.missing.append(path)
            continue
        except OSError as exc:
            report.mismatching.append((path, f"unreadable ({exc.strerror or exc})"))
            continue
        report.checked += 1
        actual = git_blob_id(data)
        if actual != entry.blob:
            report.mismatching.append((path, f"blob {actual} but the lock says {entry.blob}"))
    expected = set(tree.paths())
    for dirpath, _dirs, files in os.walk(tree.root):
        for fname in files:
            rel = Path(dirpath, fname).relative_to(tree.root).as_posix()
            if rel not in expected:
                report.unlocked.append(rel)
    report.unlocked.sort()
    if report.ok:
        try:
            with os_errors("cache", tree.entry.path):
                _write_json(tree.entry.path / VERIFIED, {"at": _now(), "files": report.checked})
        except CacheUnusable as exc:
            report.not_recorded = exc
    return report


@contextmanager
def entry_lock(lock: Lock, root: Path | None = None, *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the writer lock of `lock`'s entry (one writer per entry across processes)."""
    from filelock import FileLock, Timeout  # noqa: PLC0415 - only writers need it

    locks = sources_dir(root) / ".locks"
    file_lock = FileLock(str(locks / f"{entry_name(lock)}.lock"), timeout=timeout)
    try:
        with os_errors("cache", root or cache_root()):
            locks.mkdir(parents=True, exist_ok=True)
            file_lock.acquire()
    except Timeout:
        raise SourcesError(
            f"another walkthrough process has held the cache entry {entry_name(lock)} "
            f"for over {timeout:.0f} s",
            hint=f"wait for it to finish; if none is running, delete {locks / (entry_name(lock) + '.lock')}",
        ) from None
    try:
        yield
    finally:
        file_lock.release()


class EntryWriter:
    """Build one cache entry in a temp dir: every file verified on `add`, renamed into place on `commit`.

    Use inside `entry_lock`. Leaving without `commit` (an error) removes the temp dir: nothing new in
    the cache.
    """

    def __init__(self, lock: Lock, root: Path | None = None) -> None:
        self.lock = lock
        self.cache = root or cache_root()
        self.final = sources_dir(root) / entry_name(lock)
        self.tmp = self.final.with_name(f".tmp-{self.final.name}-{os.urandom(4).hex()}")
        self.written: dict[str, int] = {}
        self.started = time.monotonic()

    def __enter__(self) -> Self:
        import shutil  # noqa: PLC0415 - only writers remove trees

        # Temp dirs of crashed writers of this entry are safe to remove: we hold the entry lock.
        for stale in self.final.parent.glob(f".tmp-{self.final.name}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        with os_errors("cache", self.cache):
            (self.tmp / TREE).mkdir(parents=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.tmp.exists():
            import shutil  # noqa: PLC0415

            shutil.rmtree(self.tmp, ignore_errors=True)

    def add(self, path: str, data: bytes) -> None:
        """Write one locked file after checking its blob id; a mismatch names the file and both ids."""
        entry = self.lock.entries.get(path)
        if entry is None:
            raise VerificationError(
                f"{path} is not in the lock of {self.lock.upstream}@{self.lock.tag}", path=path
            )
        if path in self.written:
            raise VerificationError(f"{path} was supplied twice", path=path)
        actual = git_blob_id(data)
        if actual != entry.blob or len(data) != entry.size:
            raise VerificationError(
                f"{path}: blob {actual} ({len(data)} bytes) does not match the lock "
                f"({entry.blob}, {entry.size} bytes)",
                path=path,
            )
        target = self.tmp / TREE / path
        with os_errors("cache", self.cache):
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("xb") as fh:  # "x": never follow or overwrite anything already there
                fh.write(data)
            target.chmod(0o444)
        self.written[path] = len(data)

    def missing(self) -> list[str]:
        """Locked paths not written yet."""
        return [p for p in self.lock.entries if p not in self.written]

    def commit(self, *, method: str, source: str, absent: dict[str, str] | None = None) -> Entry:
        """Check completeness, write the marker last, rename into place (replacing an older entry)."""
        absent = dict(absent or {})
        missing = [p for p in self.missing() if p not in absent]
        if missing:
            raise VerificationError(
                f"{len(missing)} locked file(s) were not supplied, e.g. {', '.join(missing[:5])}",
                path=missing[0],
            )
        marker = {
            "format": FORMAT,
            "upstream": self.lock.upstream,
            "tag": self.lock.tag,
            "commit": self.lock.commit,
            "digest": self.lock.digest,
            "files": len(self.written),
            "bytes": sum(self.written.values()),
            "absent": absent,
            "method": method,
            "source": source,
            "imported_at": _now(),
            "seconds": round(time.monotonic() - self.started, 3),
        }
        with os_errors("cache", self.cache):
            _write_json(self.tmp / VERIFIED, {"at": marker["imported_at"], "files": len(self.written)})
            _write_json(self.tmp / MARKER, marker)
            if self.final.exists():
                trash = self.final.with_name(f".tmp-{self.final.name}-old-{os.urandom(4).hex()}")
                self.final.rename(trash)
                self.tmp.rename(self.final)
                import shutil  # noqa: PLC0415

                shutil.rmtree(trash, ignore_errors=True)
            else:
                self.tmp.rename(self.final)
        return Entry(self.final, marker)
