"""What the index reader and builder agree on: formats, tables, meta rows and file names. Imports no parser.

A release database is named by its upstream, tag and a digest of the formats, commit and lock, and
carries the same facts in its `meta` table; a database whose meta does not match is rebuilt, never trusted.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from walkthrough.golang.format import FORMAT_VERSION
from walkthrough.models import Symbol

if TYPE_CHECKING:
    from walkthrough.sources import SourceTree

INDEX_FORMAT = "index-8"
"""Bump when the tables or what the builder writes into them change."""
PARSE_FORMAT = FORMAT_VERSION
"""What a parse result is: keys the per-blob parse cache and every release database."""

SYMBOL_COLUMNS = ", ".join(Symbol._fields)
"""The `symbols` table's columns after rowid: a Symbol's fields, in order (the builder writes them so)."""

TABLES = """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE symbols (id TEXT NOT NULL, upstream TEXT, path TEXT, pkgdir TEXT, package TEXT,
        name TEXT, qualname TEXT, kind TEXT, start_line INT, end_line INT,
        start_byte INT, end_byte INT,
        doc_start_line INT, doc_start_byte INT, receiver TEXT, doc TEXT, has_error INT);
    CREATE TABLE files (path TEXT PRIMARY KEY, blob TEXT, package TEXT, error_lines TEXT, uses BLOB);
    CREATE TABLE refs (source INT, target INT, PRIMARY KEY (target, source)) WITHOUT ROWID;
"""
"""A release database's tables. `symbols` holds a Symbol's fields in order (SYMBOL_COLUMNS), numbered 1..N by
rowid; `files` each file's resolved uses, packed; `refs` the reference graph as (source, target) symbol rowids."""

INDEXES = """
    CREATE UNIQUE INDEX symbols_id ON symbols (id);
    CREATE INDEX symbols_qualname ON symbols (qualname);
    CREATE INDEX symbols_name ON symbols (name COLLATE NOCASE);
"""
"""Created after the symbols are inserted (faster than maintaining them row by row)."""

PARSE_CACHE = "parse.sqlite"
"""The per-blob parse cache, beside the release databases (shared by every release)."""


def index_dir() -> Path:
    """Where index databases live: `cache_root()/index`."""
    from walkthrough.paths import cache_root  # noqa: PLC0415

    return cache_root() / "index"


def db_path(tree: SourceTree) -> Path:
    """The release database of a tree: name, tag and a digest of lock and formats in the file name."""
    import hashlib  # noqa: PLC0415

    key = hashlib.sha256(f"{INDEX_FORMAT}|{PARSE_FORMAT}|{tree.pin.commit}|{tree.lock.digest}".encode())
    return index_dir() / f"{tree.pin.name}@{tree.pin.tag}-{key.hexdigest()[:16]}.sqlite"


def expected_meta(tree: SourceTree) -> dict[str, str]:
    """The meta rows a database must carry to be the index of exactly `tree` (the builder writes them)."""
    return {
        "format": INDEX_FORMAT,
        "parse_format": PARSE_FORMAT,
        "upstream": tree.pin.name,
        "tag": tree.pin.tag,
        "commit": tree.pin.commit,
        "digest": tree.lock.digest,
    }


def id_tag(tree: SourceTree) -> str | None:
    """Ids of a later release carry its tag; the pinned release's ids do not."""
    release = getattr(tree, "release", None)
    return None if getattr(release, "pinned", True) else tree.pin.tag


def remove_db(path: Path) -> None:
    """Remove a database and its journal files; a file that cannot be removed is left to be rebuilt."""
    for p in (path, Path(str(path) + "-journal"), Path(str(path) + "-wal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError:  # pragma: no cover - read-only cache: nothing better to do than rebuild elsewhere
            pass
