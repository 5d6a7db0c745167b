"""The site's fragment cache keeps what recent builds used and forgets the rest."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from walkthrough import paths
from walkthrough.store import FragmentStore

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(paths, "_cache_override", tmp_path)
    return tmp_path


def build(writes: dict[str, str], reads: list[str]) -> dict[str, str | None]:
    """One build: read some keys, write others, close; returns what the reads found."""
    store = FragmentStore.open()
    assert store is not None
    found = {key: store.get(key) for key in reads}
    for key, html in writes.items():
        store[key] = html
    store.close()
    return found


def test_a_fragment_written_by_one_build_is_read_by_the_next(cache: Path) -> None:
    build({"a": "<p>a</p>"}, [])
    assert build({}, ["a", "missing"]) == {"a": "<p>a</p>", "missing": None}


def test_fragments_unused_for_several_builds_are_dropped_and_used_ones_kept(cache: Path) -> None:
    build({"old": "1", "kept": "2"}, [])
    for _ in range(FragmentStore.KEEP_GENERATIONS):
        build({}, ["kept"])
    assert build({}, ["old", "kept"]) == {"old": None, "kept": "2"}


def test_a_store_without_generations_or_a_corrupt_file_starts_afresh(cache: Path) -> None:
    db = cache / "site" / "fragments.sqlite"
    db.parent.mkdir(parents=True)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE fragment (key TEXT PRIMARY KEY, html TEXT NOT NULL)")
        conn.execute("INSERT INTO fragment VALUES ('x', 'stale')")
    conn.close()
    assert build({}, ["x"]) == {"x": None}
    db.write_bytes(b"not a database" * 100)
    assert FragmentStore.open() is None
    assert not db.exists()
    build({"y": "fresh"}, [])
    assert build({}, ["y"]) == {"y": "fresh"}
