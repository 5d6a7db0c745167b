"""The tool's on-disk caches of derived data: memos of pure functions, and the site's fragment store. One home.

Everything here can be deleted at any time: a missing, corrupt or unwritable entry only costs the work
of recomputing it. Two shapes, for two access patterns:

- `memoized(name, text, compute)`: small JSON results of pure functions of a file's text (the pins, each
  lock, the model pairs), one file each, read by every `explain` without opening a database.
- `FragmentStore`: many rendered HTML fragments of the site in one sqlite file, with generations so that
  fragments no build uses any more are dropped.

## Memos

Results of pure functions of project files, kept in the cache between runs.

Every `explain` reads `snapshots/upstreams.toml` and a lock of thousands of lines per upstream:
importing the TOML parser and checking the locks cost more than the rest of opening a tree. A memo
file is named by the SHA-256 of the function's name, `FORMAT` and the exact text it was computed
from, and holds its checksum, then the JSON result; a later run whose text hashes the same takes the
result and skips the work. The functions are pure (their result depends on the text alone; `FORMAT`
is bumped whenever one of them changes), so a hit is exact. A missing, corrupt or unwritable memo
only costs the work; an exception in the function is never memoized.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from typing import TYPE_CHECKING, Any, Protocol

from walkthrough.paths import cache_root

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

FORMAT = 2
"""Bump when a memoized function's result for the same text changes."""

_SEEN: dict[str, Any] = {}
"""Results by key already read or computed in this process (explain opens the pins three times)."""


def memoized(name: str, text: str, compute: Callable[[str], Any]) -> Any:
    """`compute(text)`, from the memo of `name` when it was computed from this exact text before.

    `name` names the function and its input file (`lock-docker.lock`); a new text replaces the
    memo of the old one. The result must survive a JSON round trip unchanged (dicts, lists, str,
    int, bool, None); one that does not is computed every time.
    """
    found, value = recall(name, text)
    if not found:
        value = compute(text)
        remember(name, text, value)
    return value


def recall(name: str, text: str) -> tuple[bool, Any]:
    """(True, the value memoized for `name` and this exact `text`), or (False, None): `memoized` in two steps.

    For callers that decide after computing whether a result may be kept (a command that failed may not).
    """
    key = _key(name, text)
    if key in _SEEN:
        return True, _SEEN[key]
    found, value = _read(_path(name, key))
    if found:
        _SEEN[key] = value
    return found, value


def remember(name: str, text: str, value: Any) -> None:
    """Memoize `value` for `name` and `text` (replacing the memo of an older text of `name`)."""
    key = _key(name, text)
    _write(cache_root() / "memo", name, _path(name, key), value)
    _SEEN[key] = value


def _key(name: str, text: str) -> str:
    return hashlib.sha256(f"{FORMAT}\0{name}\0{text}".encode()).hexdigest()


def _path(name: str, key: str) -> Path:
    return cache_root() / "memo" / f"{name}-{key[:32]}.json"


def _read(path: Path) -> tuple[bool, Any]:
    """(True, the value stored at `path`), or (False, None) when absent, unreadable or damaged.

    A memo is the SHA-256 of the value's JSON text on the first line, then that text: checking it
    costs a hash, not a second serialisation.
    """
    try:
        check, _, text = path.read_text(encoding="utf-8").partition("\n")
        if hashlib.sha256(text.encode()).hexdigest() == check:
            return True, json.loads(text)
    except (OSError, ValueError):
        pass
    return False, None


def _write(folder: Path, name: str, path: Path, value: Any) -> None:
    """Store `value` and drop the memos of older texts of `name`.

    Temp file + rename, so a reader never sees half a memo; a read-only or full cache is not an
    error, only a slower next run.
    """
    try:
        text = json.dumps(value, separators=(",", ":"))
    except (TypeError, ValueError):  # not JSON: not memoizable
        return
    if json.loads(text) != value:  # tuples, int keys: would not come back the same
        return
    try:
        folder.mkdir(exist_ok=True)  # in an existing cache only: `--cache /typo` must not create a tree
        for old in folder.glob(f"{name}-*.json"):
            if old != path:
                old.unlink()
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(f"{hashlib.sha256(text.encode()).hexdigest()}\n{text}", encoding="utf-8")
        tmp.replace(path)
    except OSError:
        return


class FragmentCache(Protocol):
    """What the site needs of a fragment store: get a fragment by key, put one."""

    def get(self, key: str, /) -> str | None:
        """The fragment stored under `key`, or None."""
        ...

    def __setitem__(self, key: str, html: str, /) -> None: ...


class FragmentStore:
    """Rendered fragments in `cache_root()/site/fragments.sqlite`, keyed by a digest of all they depend on.

    A warm rebuild (serve, or a build after a prose edit) then renders only what changed. Losing the file
    loses nothing but time; a corrupt one is replaced. Every build is a numbered generation; a fragment
    remembers the last generation that used it, and fragments unused for `KEEP_GENERATIONS` builds are
    deleted, so edits to the rendering code do not grow the file without bound.
    """

    KEEP_GENERATIONS = 3

    def __init__(self, conn: sqlite3.Connection, generation: int) -> None:
        self._conn = conn
        self._generation = generation
        self._pending: dict[str, str] = {}
        self._used: set[str] = set()

    @classmethod
    def open(cls) -> FragmentStore | None:
        """The store in the cache, or None when the cache cannot hold one (builds then run cold)."""
        path = cache_root() / "site" / "fragments.sqlite"
        try:
            path.parent.mkdir(exist_ok=True)  # in an existing cache only, as memos
            conn = sqlite3.connect(path, timeout=30)
            columns = [row[1] for row in conn.execute("PRAGMA table_info(fragment)")]
            if columns and "generation" not in columns:  # a store from before generations: start afresh
                conn.close()
                path.unlink()
                conn = sqlite3.connect(path, timeout=30)
            conn.execute(
                "CREATE TABLE IF NOT EXISTS fragment "
                "(key TEXT PRIMARY KEY, html TEXT NOT NULL, generation INTEGER NOT NULL)"
            )
            (latest,) = conn.execute("SELECT COALESCE(MAX(generation), 0) FROM fragment").fetchone()
        except sqlite3.DatabaseError:
            path.unlink(missing_ok=True)
            return None
        except OSError:
            return None
        return cls(conn, latest + 1)

    def get(self, key: str) -> str | None:
        """The stored fragment for `key`, pending writes included."""
        if key in self._pending:
            return self._pending[key]
        row = self._conn.execute("SELECT html FROM fragment WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        self._used.add(key)
        return str(row[0])

    def __setitem__(self, key: str, html: str) -> None:
        self._pending[key] = html

    def close(self) -> None:
        """Write what this build rendered and used, drop what recent builds did not use, and close."""
        generation = self._generation
        try:
            with self._conn:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO fragment VALUES (?, ?, ?)",
                    ((key, html, generation) for key, html in self._pending.items()),
                )
                # One statement over a JSON array of keys: a few thousand single-row updates cost a build
                # a tenth of a second.
                self._conn.execute(
                    "UPDATE fragment SET generation = ? WHERE key IN (SELECT value FROM json_each(?))",
                    (generation, json.dumps(sorted(self._used))),
                )
                self._conn.execute(
                    "DELETE FROM fragment WHERE generation <= ?", (generation - self.KEEP_GENERATIONS,)
                )
        except sqlite3.DatabaseError:
            pass  # a cache that cannot be updated only costs the next build time
        finally:
            self._conn.close()
