"""Building a release's index database: parse, resolve, write.

Every locked file is parsed (in parallel, with the per-blob parse cache), uses are resolved to
definitions (in parallel too), the database is written. `walkthrough.index.reader` loads and queries
what this writes, and imports this module only when a database is missing or stale, so
the warm `explain` path never pays for it.

Resolution (see `goparse` for the reference expressions) follows Go's scoping as far as syntax
shows it: the package's files, imports through the import path → directory mapping of the
upstream (its own import prefix, Go's vendor lookup, GOPATH-style `vendor/src` and `staging/src`),
methods and fields through declared and evident types with embedding. Anything ambiguous or not
evident stays unresolved: a missing link is acceptable, a wrong one is not.
"""

from __future__ import annotations

import array
import gc
import json
import os
import sqlite3
import zlib
from bisect import bisect_right
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
from walkthrough.models import Pin, SymbolKind
from walkthrough.symbolid import format_id

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from walkthrough.golang.parse import FileFacts
    from walkthrough.sources import SourceTree

IMPORT_PREFIXES: dict[str, tuple[str, ...]] = {
    "kubernetes": ("k8s.io/kubernetes",),
    "k8s-apiserver": ("k8s.io/apiserver",),
    "docker": ("github.com/docker/docker",),  # moby keeps docker's import path (today's release is pinned as moby)
}
"""Vanity import paths of upstreams, beside the one derived from the repository URL."""

GOPATH_ROOTS = ("vendor/src", "staging/src")
"""Directories that act as GOPATH `src` roots inside a tree (docker's vendor/src, kubernetes' staging)."""

# Kinds as plain str values: goparse's Decl.kind is a str (enum members hash slowly in hot loops).
TYPE_KINDS = frozenset(k.value for k in (SymbolKind.STRUCT, SymbolKind.INTERFACE, SymbolKind.TYPE))
SCOPE_KINDS = TYPE_KINDS | {k.value for k in (SymbolKind.FUNC, SymbolKind.VAR, SymbolKind.CONST)}
FUNC_KINDS = frozenset(k.value for k in (SymbolKind.FUNC, SymbolKind.METHOD, SymbolKind.INTERFACE_METHOD))
_METHOD = SymbolKind.METHOD.value
_FUNC = SymbolKind.FUNC.value
_STRUCT = SymbolKind.STRUCT.value
_TYPE = SymbolKind.TYPE.value
MAX_EMBED_DEPTH = 5
MAX_RESOLVE_DEPTH = 24
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
    progress: bool = False,
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
    progress: bool,
    workers: int | None,
) -> Iterator[list[tuple[str, bytes]]]:
    """Parse the files of `todo` (blob → a path); yield batches of (blob, encoded facts) as they come.

    In a pool when there are enough files. Files are read as batches are handed out, so the
    workers start on the first batch while the rest are read.
    """
    n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    pool = _pool(n_workers) if len(todo) >= SERIAL_BELOW and n_workers > 1 else None
    bar = _Progress(f"indexing {tree.pin.label}", len(todo), enabled=progress)
    try:
        if pool is None:
            for b in _read_batches(tree, todo):
                yield _parse_batch(b)
                bar.advance(len(b))
        else:
            try:
                for out in pool.map(_parse_batch, _read_batches(tree, todo)):
                    yield out
                    bar.advance(len(out))
            finally:  # on an error (a file that fails verification), parse no further batch
                pool.shutdown(cancel_futures=True)
    finally:
        bar.close()


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


def _pool(n_workers: int) -> Any:
    """A process pool, its workers started at once (before the progress bar's thread).

    Fork while this process has one thread: spawn would re-run a caller's unguarded script in
    every worker (and deadlock on our build lock); with other threads alive, fork is unsafe, so
    spawn it is.
    """
    import multiprocessing  # noqa: PLC0415
    import threading  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context(method))
    for future in [pool.submit(int) for _ in range(n_workers)]:
        future.result()
    return pool


class _Progress:
    """A rich progress bar on stderr when asked for and stderr is a terminal; else silent."""

    def __init__(self, label: str, total: int, *, enabled: bool) -> None:
        self.bar = None
        if enabled:
            from rich.console import Console  # noqa: PLC0415
            from rich.progress import Progress  # noqa: PLC0415

            console = Console(stderr=True)
            if console.is_terminal:
                self.bar = Progress(console=console, transient=True)
                self.task = self.bar.add_task(label, total=total)
                self.bar.start()

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def import_prefixes(pin: Pin) -> tuple[str, ...]:
    """Import paths that mean the upstream's own root: vanity names and the repository's host path."""
    repo = pin.repository.split("://", 1)[-1].rstrip("/").removesuffix(".git")
    return (*IMPORT_PREFIXES.get(pin.name, ()), repo)


@dataclass
class _File:
    path: str
    pkgdir: str
    facts: FileFacts
    pkg: _Package = field(init=False)
    """Set for every file when the resolver groups files into packages."""
    imports: dict[str, _Package] = field(default_factory=dict)
    dots: list[_Package] = field(default_factory=list)
    rowids: list[int] = field(default_factory=list)
    """Symbol rowid of each of facts.decls (-1 when the decl was dropped as a same-file duplicate)."""


@dataclass
class _Package:
    pkgdir: str
    name: str
    scope: dict[str, list[tuple[_File, int]]] = field(default_factory=lambda: defaultdict(list))
    methods: dict[str, dict[str, list[tuple[_File, int]]]] = field(default_factory=lambda: defaultdict(dict))


def _pkgdir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def build(tree: SourceTree, dest: Path, *, progress: bool = False, workers: int | None = None) -> None:
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


def _build(tree: SourceTree, dest: Path, *, progress: bool, workers: int | None) -> None:
    paths = [p for p in tree.paths() if p.endswith(".go")]
    facts_by_blob = parse_tree(tree, paths, cache_path=dest.parent / PARSE_CACHE, progress=progress, workers=workers)
    files = [_File(p, _pkgdir(p), facts_by_blob[tree.blob(p)]) for p in paths]
    resolver = _Resolver(tree.pin, files, tag=id_tag(tree))
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    remove_db(tmp)
    n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    pool = _resolution_pool(resolver, n_workers) if len(files) >= SERIAL_BELOW else None
    bar = _Progress(f"resolving {tree.pin.label}", len(files), enabled=progress)  # after the fork: it starts a thread
    try:
        if pool is None:
            resolution = map(_resolve_span, [(resolver, 0, len(files))])
        else:  # submitted now: the workers resolve while this process writes the symbols
            step = -(-len(files) // (4 * n_workers))
            resolution = pool.map(_resolve_span, [(None, i, i + step) for i in range(0, len(files), step)])
        _write_db(tree, tmp, files, resolver, resolution, bar)
        tmp.replace(dest)
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        remove_db(tmp)
        resolver.close()


_RESOLVER: _Resolver | None = None
"""The resolver forked resolution workers inherit (set by the parent while it forks them)."""

Resolution = tuple[list[bytes], int, int, bytes]
"""Files' resolution: zlib'd flat uses of each, count of uses, count resolved, reference keys (array 'Q')."""


def _resolution_pool(resolver: _Resolver, n_workers: int) -> Any:
    """Worker processes that share the resolver by fork (copy-on-write), or None.

    The collector is paused, so it does not touch (and copy) every page of the inherited heap.
    Without fork, or with other threads alive, resolution stays in this process.
    """
    import multiprocessing  # noqa: PLC0415
    import threading  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    if n_workers < 2 or os.name != "posix" or threading.active_count() != 1:  # noqa: PLR2004
        return None
    global _RESOLVER  # noqa: PLW0603 - the one way to hand forked workers a large object graph
    _RESOLVER = resolver
    try:
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context("fork"))
        for future in [pool.submit(int) for _ in range(n_workers)]:
            future.result()  # every worker forked now, while the resolver is set and no thread runs
    finally:
        _RESOLVER = None
    return pool


def _resolve_span(span: tuple[_Resolver | None, int, int]) -> Resolution:
    """Resolve files [start, end) of the resolver (None: the one a forked worker inherited)."""
    resolver = span[0] or _RESOLVER
    if resolver is None:  # pragma: no cover - only a worker forked by _resolution_pool gets None
        msg = "a resolution worker without the resolver"
        raise RuntimeError(msg)
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
    files: list[_File],
    resolver: _Resolver,
    resolution: Iterator[Resolution],
    bar: _Progress,
) -> None:
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + TABLES)
        rows, tag = resolver.symbol_rows()
        conn.executemany(f"INSERT INTO symbols (rowid, {SYMBOL_COLUMNS}) VALUES ({','.join('?' * 18)})", rows)  # noqa: S608
        conn.executescript(INDEXES)
        n_uses = n_resolved = 0
        refs: set[int] = set()  # target << 32 | source: ints hash and sort faster than pairs
        payloads: list[bytes] = []
        for span_payloads, span_uses, span_resolved, span_refs in resolution:
            payloads += span_payloads
            n_uses += span_uses
            n_resolved += span_resolved
            refs.update(array.array("Q", span_refs))
            bar.advance(len(span_payloads))
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


_MEMBER_KIND_VALUES = frozenset((SymbolKind.FIELD.value, SymbolKind.INTERFACE_METHOD.value))
_PACKAGE_NAME = -2
_LOW32 = (1 << 32) - 1


def _add_refs(refs: set[int], f: _File, resolved: array.array[int]) -> int:
    """Add `target << 32 | source` for each resolved use of `f` and each symbol holding it.

    A symbol does not refer to itself. Returns the number of resolved uses.

    Declarations nest two deep at most (a type and its fields), and spans of one level do not
    overlap (names of one spec share its span), so one bisect per level finds the holders.
    """
    by_level: list[dict[tuple[int, int], list[int]]] = [{}, {}]
    for d, r in zip(f.facts.decls, f.rowids, strict=True):
        if r >= 0:
            by_level[d.kind in _MEMBER_KIND_VALUES].setdefault((d.start_byte, d.end_byte), []).append(r)
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


class _Resolver:
    """Global tables of one release and the resolution of goparse's reference expressions."""

    def __init__(self, pin: Pin, files: list[_File], *, tag: str | None = None) -> None:
        self.pin = pin
        self.tag = tag
        self.files = files
        self.packages: dict[tuple[str, str], _Package] = {}
        by_dir: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for f in files:
            key = (f.pkgdir, f.facts.package)
            pkg = self.packages.get(key)
            if pkg is None:
                pkg = self.packages[key] = _Package(f.pkgdir, f.facts.package)
            f.pkg = pkg
            if not f.path.endswith("_test.go"):
                by_dir[f.pkgdir][f.facts.package] += 1
        # The package an import of a directory means: its non-test package (`main` only if alone).
        self.dir_package: dict[str, _Package] = {}
        for d, names in by_dir.items():
            ranked = sorted(names.items(), key=lambda kv: (kv[0] == "main", -kv[1], kv[0]))
            if ranked and ranked[0][0]:
                self.dir_package[d] = self.packages[(d, ranked[0][0])]
        self.prefixes = import_prefixes(pin)
        self._fields: dict[int, dict[str, list[tuple[_File, int]]]] = {}
        self._assign_ids()
        for f in files:
            self._resolve_imports(f)
        self._memo: dict[tuple[int, Any], Any] = {}
        self._members_memo: dict[tuple[int, int, str], tuple[_File, int] | None] = {}

    # ids

    def _assign_ids(self) -> None:
        groups: dict[tuple[str, str], list[tuple[_File, int]]] = defaultdict(list)
        for f in self.files:
            f.rowids = [-1] * len(f.facts.decls)
            for i, d in enumerate(f.facts.decls):
                groups[(f.pkgdir, d.qualname)].append((f, i))
                pkg = f.pkg
                if d.kind in SCOPE_KINDS:
                    pkg.scope[d.name].append((f, i))
                elif d.kind == _METHOD and d.receiver:
                    pkg.methods[d.receiver].setdefault(d.name, []).append((f, i))
        self.rows: list[tuple[Any, ...]] = []
        self.ids: dict[int, str] = {}
        used: set[str] = set()
        for (pkgdir, qualname), members in groups.items():  # files in path order: deterministic rowids
            many = len(members) > 1
            in_file: dict[str, int] = {}  # path → how many of this group's members it declared so far
            for f, i in members:
                nth = in_file[f.path] = in_file.get(f.path, 0) + 1
                # Go allows several `func init` per file: the Nth (N >= 2) is `init@file.go#N`.
                several_inits = nth > 1 and qualname == "init" and f.facts.decls[i].kind == _FUNC
                sid = format_id(
                    self.pin.name,
                    pkgdir,
                    qualname,
                    tag=self.tag,
                    file=f.path.rsplit("/", 1)[-1] if many else None,
                    ordinal=nth if several_inits else None,
                )
                if sid in used:  # any other same-file duplicate is not Go (nor addressable)
                    continue
                used.add(sid)
                d = f.facts.decls[i]
                rowid = len(self.rows) + 1
                f.rowids[i] = rowid
                self.ids[rowid] = sid
                self.rows.append(
                    (
                        rowid,
                        sid,
                        self.pin.name,
                        f.path,
                        pkgdir,
                        f.facts.package,
                        d.name,
                        d.qualname,
                        d.kind,
                        d.start_line,
                        d.end_line,
                        d.start_byte,
                        d.end_byte,
                        d.doc_start_line,
                        d.doc_start_byte,
                        d.receiver,
                        d.doc,
                        int(d.has_error),
                    )
                )

    def close(self) -> None:
        """Drop the package → file links, the build's only reference cycles (a file knows its package).

        Reference counting then frees the release's facts as the build returns; left to the cyclic
        collector (paused during the build), freeing them costs a traversal of all of them first.
        """
        for pkg in self.packages.values():
            pkg.scope.clear()
            pkg.methods.clear()

    def symbol_rows(self) -> tuple[list[tuple[Any, ...]], str | None]:
        return self.rows, self.tag

    # import paths → packages

    def _resolve_imports(self, f: _File) -> None:
        for imp in f.facts.imports:
            target = self._import_dir(f.pkgdir, imp.path)
            pkg = self.dir_package.get(target) if target is not None else None
            if pkg is None:
                continue
            if imp.name == ".":
                f.dots.append(pkg)
            elif imp.name == "_":
                continue
            else:
                f.imports[imp.name or pkg.name] = pkg

    def _import_dir(self, pkgdir: str, import_path: str) -> str | None:
        parts = pkgdir.split("/") if pkgdir else []
        for n in range(len(parts), -1, -1):  # Go's vendor lookup: nearest vendor/ directory first
            base = "/".join(parts[:n])
            cand = f"{base}/vendor/{import_path}" if base else f"vendor/{import_path}"
            if cand in self.dir_package:
                return cand
        for prefix in self.prefixes:
            if import_path == prefix:
                return ""
            if import_path.startswith(prefix + "/"):
                return import_path[len(prefix) + 1 :]
        for root in GOPATH_ROOTS:
            cand = f"{root}/{import_path}"
            if cand in self.dir_package:
                return cand
        return None

    # lookups

    def _pick(self, cands: list[tuple[_File, int]], ctx: _File) -> tuple[_File, int] | None:
        live = [c for c in cands if c[0].rowids[c[1]] >= 0]
        if len(live) == 1:
            return live[0]
        same = [c for c in live if c[0] is ctx]
        return same[0] if len(same) == 1 else None

    def _scope(self, ctx: _File, name: str) -> tuple[_File, int] | None:
        pkg = ctx.pkg
        cands = pkg.scope.get(name)
        if cands:
            return self._pick(cands, ctx)
        found = [c for dot in ctx.dots for c in dot.scope.get(name, ())]
        return self._pick(found, ctx) if found else None

    def _imported(self, ctx: _File, alias: str, name: str) -> tuple[_File, int] | None:
        pkg = ctx.imports.get(alias)
        if pkg is None or not name[:1].isupper():
            return None
        cands = pkg.scope.get(name)
        return self._pick(cands, ctx) if cands else None

    def _members(self, owner: tuple[_File, int], name: str) -> list[tuple[_File, int]]:
        """Direct fields / interface methods (same file, inside the type's span) and methods of a type."""
        f, i = owner
        d = f.facts.decls[i]
        by_owner = self._fields.get(id(f))
        if by_owner is None:
            by_owner = self._fields[id(f)] = defaultdict(list)
            for j, m in enumerate(f.facts.decls):
                if m.kind in _MEMBER_KIND_VALUES and m.receiver:
                    by_owner[m.receiver].append((f, j))
        out = [
            (mf, j)
            for mf, j in by_owner.get(d.name, ())
            if mf.facts.decls[j].name == name
            and d.start_byte <= mf.facts.decls[j].start_byte
            and mf.facts.decls[j].end_byte <= d.end_byte
        ]
        pkg = f.pkg
        out += pkg.methods.get(d.name, {}).get(name, [])
        return out

    def member(self, owner: tuple[_File, int], name: str, *, direct: bool = False) -> tuple[_File, int] | None:
        """`name` on a named type, following Go's embedding (shallowest depth wins; unknown → None)."""
        key = (id(owner[0]), owner[1], name if not direct else "\0" + name)
        if key in self._members_memo:
            return self._members_memo[key]
        result = self._member(owner, name, direct=direct)
        self._members_memo[key] = result
        return result

    def _member(self, owner: tuple[_File, int], name: str, *, direct: bool) -> tuple[_File, int] | None:
        level = [owner]
        seen = {(id(owner[0]), owner[1])}
        for _ in range(MAX_EMBED_DEPTH):
            found: list[tuple[_File, int]] = []
            nxt: list[tuple[_File, int]] = []
            unknown = False
            for t in level:
                found += [m for m in self._members(t, name) if m[0].rowids[m[1]] >= 0]
                if direct:
                    continue
                tf, ti = t
                for emb in tf.facts.decls[ti].embeds:
                    r = self.resolve(emb, tf, 0) if emb is not None else None
                    if r is None or r[0] != "n":
                        unknown = True
                    elif (id(r[1][0]), r[1][1]) not in seen:
                        seen.add((id(r[1][0]), r[1][1]))
                        nxt.append(r[1])
            if found:
                return found[0] if len(found) == 1 else None
            if unknown or not nxt or direct:
                return None
            level = nxt
        return None

    # expressions

    def resolve(self, ref: Any, ctx: _File, depth: int) -> Any:
        """The resolved type (or entity) of a reference expression in the context of file `ctx`.

        Results: ("n", decl) a value of named type; ("tv", decl) a type used as a value;
        ("fn", decl) a func or method value; ("s", T) / ("m", K, V) composite types; None.
        """
        key = (id(ctx), ref)
        memo = self._memo
        if key in memo:
            return memo[key]
        memo[key] = None  # cycles (`var a = b; var b = a`) resolve to nothing
        result = self._resolve(ref, ctx, depth + 1) if depth < MAX_RESOLVE_DEPTH else None
        memo[key] = result
        return result

    def _entity(self, d: tuple[_File, int] | None, depth: int) -> Any:
        if d is None:
            return None
        f, i = d
        decl = f.facts.decls[i]
        if decl.kind in TYPE_KINDS:
            return ("tv", d)
        if decl.kind in FUNC_KINDS:
            return ("fn", d)
        return self.resolve(decl.type, f, depth) if decl.type is not None else None

    def _resolve(self, ref: Any, ctx: _File, depth: int) -> Any:
        tag = ref[0]
        if tag == "t":
            d = self._scope(ctx, ref[1])
            if d is not None:
                return ("n", d) if d[0].facts.decls[d[1]].kind in TYPE_KINDS else None
            pkg = ctx.pkg
            alts = tuple(c for c in pkg.scope.get(ref[1], ()) if c[0].facts.decls[c[1]].kind in TYPE_KINDS)
            # Build-tagged variants of one type: a member is known when every variant agrees on it.
            return ("nn", alts) if len(alts) > 1 else None
        if tag == "q":
            d = self._imported(ctx, ref[1], ref[2])
            return ("n", d) if d is not None and d[0].facts.decls[d[1]].kind in TYPE_KINDS else None
        if tag == "s":
            elem = self.resolve(ref[1], ctx, depth) if ref[1] is not None else None
            return ("s", elem) if elem is not None else None
        if tag == "m":
            value = self.resolve(ref[2], ctx, depth) if ref[2] is not None else None
            key = self.resolve(ref[1], ctx, depth) if ref[1] is not None else None
            return ("m", key, value)
        if tag == "g":
            return self._entity(self._scope(ctx, ref[1]), depth)
        if tag == "gx":
            if ref[1] in ctx.imports:
                return self._entity(self._imported(ctx, ref[1], ref[2]), depth)
            base = self.resolve(("g", ref[1]), ctx, depth)
            return self._entity(self._member_of(base, ref[2]), depth)
        if tag == "fv":
            base = self.resolve(ref[1], ctx, depth) if ref[1] is not None else None
            return self._entity(self._member_of(base, ref[2]), depth)
        if tag == "r":
            callee = self.resolve(ref[1], ctx, depth) if ref[1] is not None else None
            if callee is None:
                return None
            if callee[0] == "tv":
                return ("n", callee[1]) if ref[2] == 0 else None
            if callee[0] == "fn":
                f, i = callee[1]
                results = f.facts.decls[i].results
                if ref[2] < len(results) and results[ref[2]] is not None:
                    return self.resolve(results[ref[2]], f, depth)
            return None
        if tag in ("i", "rk", "rv"):
            base = self._underlying(self.resolve(ref[1], ctx, depth) if ref[1] is not None else None, depth)
            if base is None:
                return None
            if base[0] == "s":
                return base[1] if tag != "rk" else None
            if base[0] == "m":
                return base[1] if tag == "rk" else base[2]
            return None
        return None

    def _underlying(self, t: Any, depth: int) -> Any:
        for _ in range(8):
            if t is None or t[0] != "n":
                return t
            f, i = t[1]
            decl = f.facts.decls[i]
            if decl.kind != _TYPE or decl.type is None:
                return None
            t = self.resolve(decl.type, f, depth)
        return None

    def _member_of(self, base: Any, name: str) -> tuple[_File, int] | None:
        if base is None:
            return None
        if base[0] == "nn":
            found = [self.member(alt, name) for alt in base[1]]
            first = found[0]
            same = first is not None and all(m is not None and m[0] is first[0] and m[1] == first[1] for m in found)
            return first if same else None
        if base[0] not in ("n", "tv"):
            return None
        return self.member(base[1], name)

    def target(self, ref: Any, ctx: _File) -> tuple[_File, int] | None:
        """The declaration a use's reference expression points at, or None."""
        if ref is None:
            return None
        tag = ref[0]
        if tag == "id":
            return self._scope(ctx, ref[1])
        if tag == "x":
            if ref[1] in ctx.imports:
                return self._imported(ctx, ref[1], ref[2])
            return self._member_of(self.resolve(("g", ref[1]), ctx, 0), ref[2])
        if tag == "f":
            base = self.resolve(ref[1], ctx, 0) if ref[1] is not None else None
            return self._member_of(base, ref[2])
        if tag == "key":
            base = self.resolve(ref[1], ctx, 0) if ref[1] is not None else None
            if base is None or base[0] != "n":
                return None
            f, i = base[1]
            if f.facts.decls[i].kind != _STRUCT:
                return None
            return self.member(base[1], ref[2], direct=True)
        return None

    def resolve_file(self, f: _File) -> array.array[int]:
        """Flat [start_byte, end_byte, line, target rowid or -1] for each use of the file."""
        targets: list[int] = []
        names = self._import_names(f)
        for ref in f.facts.refs:
            d = self.target(ref, f)
            rowid = d[0].rowids[d[1]] if d is not None else -1
            if rowid >= 0 and d is not None and d[0].facts.decls[d[1]].name != ref[-1]:
                rowid = -1  # defensive: a target must carry the name used
            if d is None and ref[0] == "id" and ref[1] in names:
                rowid = _PACKAGE_NAME  # `fmt` in `fmt.Println`: names a package, not a declaration
            targets.append(rowid)
        targets.append(-1)  # a use without an expression (ref -1) indexes this last entry
        return array.array(
            "q",
            [
                x
                for start, end, line, _, ref in f.facts.uses
                if (target := targets[ref]) != _PACKAGE_NAME
                for x in (start, end, line, target)
            ],
        )

    def _import_names(self, f: _File) -> set[str]:
        """Names the file's imports bind: aliases, resolved package names, Go's guess for others.

        Go's usual guess for a package outside the tree: the last path element without `go-` and `.vN`.
        """
        names = set(f.imports)
        for imp in f.facts.imports:
            if imp.name not in (".", "_"):
                last = imp.path.rstrip("/").rsplit("/", 1)[-1]
                names.add(imp.name or last.removeprefix("go-").split(".")[0])
        return names
