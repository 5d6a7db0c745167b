"""Results of pure functions of project files, kept in the cache between runs.

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
from typing import TYPE_CHECKING, Any

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
    key = hashlib.sha256(f"{FORMAT}\0{name}\0{text}".encode()).hexdigest()
    if key in _SEEN:
        return _SEEN[key]
    folder = cache_root() / "memo"
    path = folder / f"{name}-{key[:32]}.json"
    found, value = _read(path)
    if not found:
        value = compute(text)
        _write(folder, name, path, value)
    _SEEN[key] = value
    return value


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
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"{name}-*.json"):
            if old != path:
                old.unlink()
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(f"{hashlib.sha256(text.encode()).hexdigest()}\n{text}", encoding="utf-8")
        tmp.replace(path)
    except OSError:
        return
