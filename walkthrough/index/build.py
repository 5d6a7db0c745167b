"""Building a release's index database: parse, resolve, write. Reports progress by callback, never prints.

Every locked file is parsed (in worker processes, `walkthrough.index.pool`, with the per-blob parse
cache), uses are resolved to declarations (`walkthrough.golang.resolve`, in workers too), and the
database (`walkthrough.index.schema`) is written. `walkthrough.index.reader` loads and queries what
this writes, and imports this module only when a database is missing or stale, so the warm
`explain` path never pays for it.
"""

from __future__ import annotations

import array
import gc
import json
import os
import sqlite3
import zlib
from bisect import bisect_right
from contextlib import contextmanager
from typing import TYPE_CHECKING

from walkthrough.golang.resolve import MEMBER_KINDS, Resolver, SourceFile, pkgdir_of
from walkthrough.index.pool import shared as shared_object
from walkthrough.index.pool import start as start_pool
from walkthrough.index.schema import (
    INDEXES,
    PARSE_CACHE,
    PARSE_FORMAT,
    SYMBOL_COLUMNS,
    TABLES,
    expected_meta,
    id_tag,
    remove_db,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from walkthrough.golang.parse import FileFacts
    from walkthrough.index.protocol import Progress
    from walkthrough.sources import SourceTree

SERIAL_BELOW = 24
"""Fewer files to parse than this are parsed in-process: a pool costs more than it saves."""


def _parse_batch(batch: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Worker: parse files, return (blob, encoded facts): the parse cache's rows, decoded by the caller."""
    from walkthrough.golang.parse import parse_go  # noqa: PLC0415

    with _gc_paused():  # a spawned worker starts with the collector on
        return [(blob, parse_go(data).encode()) for blob, data in batch]


class ParseCache:
    """Per-blob goparse results in `parse.sqlite`, shared by every release (corrupt rows are misses)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = self._connect()
        except sqlite3.DatabaseError:
            remove_db(path)
            self.conn = self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=60)
        conn.execute("CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
        conn.execute("SELECT count(*) FROM facts").fetchone()
        return conn

    def get_many(self, blobs: list[str]) -> dict[str, FileFacts]:
        """The cached facts of those `blobs` that have a readable row (blob id → facts)."""
        from walkthrough.golang.parse import FileFacts  # noqa: PLC0415

        out: dict[str, FileFacts] = {}
        for i in range(0, len(blobs), 500):
            chunk = [f"{PARSE_FORMAT}:{b}" for b in blobs[i : i + 500]]
            marks = ",".join("?" * len(chunk))
            try:
                rows = self.conn.execute(f"SELECT key, data FROM facts WHERE key IN ({marks})", chunk).fetchall()  # noqa: S608
            except sqlite3.DatabaseError:
                return out
            for key, data in rows:
                try:
                    out[key.rsplit(":", 1)[1]] = FileFacts.decode(data)
                except ValueError:
                    continue
        return out

    def put_many(self, items: list[tuple[str, bytes]]) -> None:
        """Store new results and drop those of other goparse formats (never read again)."""
        try:
            with self.conn:
                self.conn.execute("DELETE FROM facts WHERE substr(key, 1, ?) != ?", (len(PARSE_FORMAT), PARSE_FORMAT))
                self.conn.executemany(
                    "INSERT OR REPLACE INTO facts (key, data) VALUES (?, ?)",
                    [(f"{PARSE_FORMAT}:{b}", d) for b, d in items],
                )
        except sqlite3.DatabaseError:  # a damaged cache only costs a re-parse next time
            pass

    def close(self) -> None:
        """Close the cache's connection."""
        self.conn.close()


def parse_tree(
    tree: SourceTree,
    paths: list[str],
    *,
    cache_path: Path,
    progress: Progress | None = None,
    workers: int | None = None,
) -> dict[str, FileFacts]:
    """The goparse facts of `paths` (blob id → facts), from the parse cache or parsed in parallel."""
    cache = ParseCache(cache_path)
    try:
        blobs = {p: tree.blob(p) for p in paths}
        facts = cache.get_many(sorted(set(blobs.values())))
        todo: dict[str, str] = {}
        for p, b in blobs.items():
            if b not in facts:
                todo.setdefault(b, p)
        if todo:
            from walkthrough.golang.parse import FileFacts  # noqa: PLC0415

            results: list[tuple[str, bytes]] = []
            for batch in _parse_all(tree, todo, progress=progress, workers=workers):
                for blob, data in batch:  # decoded while the workers parse on
                    facts[blob] = FileFacts.decode(data)
                results += batch
            cache.put_many(results)
        return facts
    finally:
        cache.close()


def _parse_all(
    tree: SourceTree,
    todo: dict[str, str],
    *,
    progress: Progress | None,
    workers: int | None,
) -> Iterator[list[tuple[str, bytes]]]:
    """Parse the files of `todo` (blob → a path); yield batches of (blob, encoded facts) as they come.

    In a pool when there are enough files. Files are read as batches are handed out, so the
    workers start on the first batch while the rest are read.
    """
    n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    pool = start_pool(n_workers) if len(todo) >= SERIAL_BELOW else None
    label, done = f"indexing {tree.pin.label}", 0
    if pool is None:
        for b in _read_batches(tree, todo):
            yield _parse_batch(b)
            done += len(b)
            if progress is not None:
                progress(label, done, len(todo))
    else:
        try:
            for out in pool.map(_parse_batch, _read_batches(tree, todo)):
                yield out
                done += len(out)
                if progress is not None:
                    progress(label, done, len(todo))
        finally:  # on an error (a file that fails verification), parse no further batch
            pool.shutdown(cancel_futures=True)


def _read_batches(tree: SourceTree, todo: dict[str, str]) -> Iterator[list[tuple[str, bytes]]]:
    """(blob, verified bytes) of the files of `todo` in path order, in batches of about 256 KiB."""
    batch: list[tuple[str, bytes]] = []
    size = 0
    for path, blob in sorted((p, b) for b, p in todo.items()):
        data = tree.read(path)
        batch.append((blob, data))
        size += len(data)
        if size > 256 * 1024:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def build(tree: SourceTree, dest: Path, *, progress: Progress | None = None, workers: int | None = None) -> None:
    """Parse (or reuse) every locked .go file of `tree`, resolve uses, write the database at `dest`."""
    with _gc_paused():  # forked pool workers inherit the pause
        _build(tree, dest, progress=progress, workers=workers)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Run without the cyclic garbage collector, restoring its state after.

    A build allocates millions of container objects that live to its end (facts, memos, rows) and
    makes next to no cyclic garbage (goparse's extractor holds no cycles): the collector would
    traverse the growing heap again and again to free nothing, a quarter to a third of a warm
    build. It is process-wide: other threads make their cycles meanwhile, freed after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(tree: SourceTree, dest: Path, *, progress: Progress | None, workers: int | None) -> None:
    paths = [p for p in tree.paths() if p.endswith(".go")]
    facts_by_blob = parse_tree(tree, paths, cache_path=dest.parent / PARSE_CACHE, progress=progress, workers=workers)
    files = [SourceFile(p, pkgdir_of(p), facts_by_blob[tree.blob(p)]) for p in paths]
    resolver = Resolver(tree.pin, files, tag=id_tag(tree))
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    remove_db(tmp)
    n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    pool = start_pool(n_workers, share=resolver) if len(files) >= SERIAL_BELOW else None
    try:
        resolution: Iterator[Resolution]
        if pool is None:
            resolution = map(_resolve_span, [(resolver, 0, len(files))])
        else:  # submitted now: the workers resolve while this process writes the symbols
            step = -(-len(files) // (4 * n_workers))
            resolution = pool.map(_resolve_span, [(None, i, i + step) for i in range(0, len(files), step)])
        _write_db(tree, tmp, files, resolver, resolution, progress)
        tmp.replace(dest)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        remove_db(tmp)
        resolver.close()


Resolution = tuple[list[bytes], int, int, bytes]
"""Files' resolution: zlib'd flat uses of each, count of uses, count resolved, reference keys (array 'Q')."""


def _resolve_span(span: tuple[Resolver | None, int, int]) -> Resolution:
    """Resolve files [start, end) of the resolver (None: the one a forked worker inherited)."""
    resolver: Resolver = span[0] or shared_object()
    start, end = span[1:]
    refs: set[int] = set()
    payloads = []
    n_uses = n_resolved = 0
    for f in resolver.files[start:end]:
        resolved = resolver.resolve_file(f)
        n_uses += len(resolved) // 4
        n_resolved += _add_refs(refs, f, resolved)
        payloads.append(zlib.compress(resolved.tobytes(), 1))
    return payloads, n_uses, n_resolved, array.array("Q", refs).tobytes()


def _write_db(
    tree: SourceTree,
    tmp: Path,
    files: list[SourceFile],
    resolver: Resolver,
    resolution: Iterator[Resolution],
    progress: Progress | None,
) -> None:
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + TABLES)
        rows, tag = resolver.symbol_rows()
        conn.executemany(f"INSERT INTO symbols (rowid, {SYMBOL_COLUMNS}) VALUES ({','.join('?' * 18)})", rows)  # noqa: S608
        conn.executescript(INDEXES)
        n_uses = n_resolved = done = 0
        label = f"resolving {tree.pin.label}"
        refs: set[int] = set()  # target << 32 | source: ints hash and sort faster than pairs
        payloads: list[bytes] = []
        for span_payloads, span_uses, span_resolved, span_refs in resolution:
            payloads += span_payloads
            n_uses += span_uses
            n_resolved += span_resolved
            refs.update(array.array("Q", span_refs))
            done += len(span_payloads)
            if progress is not None:
                progress(label, done, len(files))
        file_rows = [
            (
                f.path,
                tree.blob(f.path),
                f.facts.package,
                json.dumps(list(f.facts.error_lines)) if f.facts.has_error else "",
                payload,
            )
            for f, payload in zip(files, payloads, strict=True)
        ]
        conn.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?)", file_rows)
        # One statement over a JSON array of the keys (no Python per row), in (target, source)
        # order, the table's key: rows append to its B-tree instead of landing all over it.
        conn.execute(
            f"INSERT INTO refs (source, target) SELECT value & {_LOW32}, value >> 32 FROM json_each(?)",  # noqa: S608
            (json.dumps(sorted(refs)),),
        )
        meta = {
            **expected_meta(tree),
            "symbols": str(len(rows)),
            "files": str(len(files)),
            "uses": str(n_uses),
            "resolved": str(n_resolved),
            "id_tag": tag or "",
        }
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        conn.commit()
    finally:
        conn.close()


_LOW32 = (1 << 32) - 1


def _add_refs(refs: set[int], f: SourceFile, resolved: array.array[int]) -> int:
    """Add `target << 32 | source` for each resolved use of `f` and each symbol holding it.

    A symbol does not refer to itself. Returns the number of resolved uses.

    Declarations nest two deep at most (a type and its fields), and spans of one level do not
    overlap (names of one spec share its span), so one bisect per level finds the holders.
    """
    by_level: list[dict[tuple[int, int], list[int]]] = [{}, {}]
    for d, r in zip(f.facts.decls, f.rowids, strict=True):
        if r >= 0:
            by_level[d.kind in MEMBER_KINDS].setdefault((d.start_byte, d.end_byte), []).append(r)
    levels = []
    for level in by_level:
        if level:
            spans = sorted(level.items())
            levels.append(([s for (s, _), _ in spans], [e for (_, e), _ in spans], [r for _, r in spans]))
    n_resolved = 0
    add = refs.add
    for start, end, target in zip(resolved[0::4], resolved[1::4], resolved[3::4], strict=True):
        if target < 0:
            continue
        n_resolved += 1
        high = target << 32
        for starts, ends, holders in levels:
            i = bisect_right(starts, start) - 1
            if i >= 0 and end <= ends[i]:  # starts[i] <= start by the bisect
                for src in holders[i]:
                    if src != target:
                        add(high | src)
    return n_resolved
