"""The symbol index of one pinned release: load (building when missing or stale), look up, search.

No rendering; building lives in `walkthrough.index.build`, imported only when a database is built;
the tables, formats and file names both sides agree on live in `walkthrough.index.schema`.

    from walkthrough.index.reader import load_index, Index
    idx = load_index("kubernetes", ref=None, progress=report)  # builds (in parallel, reporting) or loads
    idx.pin, idx.upstream
    idx.lookup("pkg/apiserver.APIInstaller.registerResourceHandlers") -> Symbol
        # full ids ("kubernetes:..."), short forms (APIInstaller, apiserver.APIInstaller,
        # (*APIInstaller).Install, pkg/apiserver.APIInstaller); SymbolError with .candidates when
        # ambiguous (all matches) or unknown ("did you mean" near misses)
    idx.get(symbol_id) -> Symbol | None          # exact full id only, no guessing
    idx.text(path) -> bytes                      # verified file bytes
    idx.uses(path, start_byte=None, end_byte=None) -> list[Use]   # Use.target: full id or None
    idx.references(symbol) -> list[str]          # ids the symbol's span refers to, deduplicated, in order
    idx.referenced_by(symbol_id) -> list[str]    # ids of symbols whose spans use it
    idx.search(pattern, kind=None) -> list[Symbol]  # name, qualname or glob (`*Authenticator*`, `pkg/auth/*`)
    idx.package_symbols(pkgdir) -> list[Symbol]  # one package directory
    idx.symbols() -> Iterator[Symbol]

Storage (`cache_root()/index/`): `parse.sqlite` holds goparse results per git blob id, so an
unchanged file is never parsed twice and two releases share them; `<name>@<tag>-<digest>.sqlite`
holds one release's symbols, resolved uses per file and the reference graph. A release database
is written to a temp file and renamed when whole; one whose format, commit or lock digest does
not match, or that sqlite cannot read, is rebuilt, never trusted. The warm path imports neither
tree_sitter, the builder nor rich: it is sqlite and one verified file read.
"""

from __future__ import annotations

import array
import json
import sqlite3
import zlib
from typing import TYPE_CHECKING, Any

from walkthrough.errors import IndexUnreadable, SymbolError
from walkthrough.index.schema import SYMBOL_COLUMNS, db_path, expected_meta, id_tag, remove_db
from walkthrough.models import Pin, Symbol, SymbolKind, Use
from walkthrough.symbolid import id_ordinal, parse_query, plain_reading, splits, suggest, unknown_symbol

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from walkthrough.index.protocol import Progress
    from walkthrough.sources import SourceTree

_KIND = Symbol._fields.index("kind")
_HAS_ERROR = Symbol._fields.index("has_error")


SHOWN_CANDIDATES = 10
"""How many candidates an ambiguity error's hint lists."""


def _row_to_symbol(row: tuple[Any, ...]) -> Symbol:
    """A `symbols` row (SYMBOL_COLUMNS) as a Symbol: sqlite keeps the kind as text and the flag as 0/1."""
    fields = list(row)
    fields[_KIND] = SymbolKind(fields[_KIND])
    fields[_HAS_ERROR] = bool(fields[_HAS_ERROR])
    return Symbol._make(fields)


# ---- loading ---------------------------------------------------------------------------------


def load_index(name: str, ref: str | None = None, *, progress: Progress | None = None) -> Index:
    """The index of upstream `name` at `ref` (default: the pinned release): loaded, or built and saved.

    Raises:
        SourcesMissing: the release's sources are not imported (exit 3, the hint names the command).
    """
    from walkthrough.sources import open_tree  # noqa: PLC0415

    tree = open_tree(name, ref)
    return index_for_tree(tree, progress=progress)


def index_for_tree(tree: SourceTree, *, progress: Progress | None = None) -> Index:
    """`load_index` for an opened SourceTree."""
    path = db_path(tree)
    idx = _open_valid(path, tree)
    if idx is not None:
        return idx
    import filelock  # noqa: PLC0415 - only a build needs the cross-process lock

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with filelock.FileLock(str(path) + ".lock"):
            idx = _open_valid(path, tree)  # another process may have built it meanwhile
            if idx is not None:
                return idx
            from walkthrough.index.build import build  # noqa: PLC0415 - only a missing index is built

            build(tree, path, progress=progress)
            _prune(path, tree)
    except (OSError, sqlite3.Error) as exc:
        msg = f"cannot write the symbol index of {tree.pin.label} to {path.parent} ({exc})"
        raise IndexUnreadable(
            msg, hint="free some space, or point --cache / WALKTHROUGH_CACHE at a writable directory"
        ) from None
    idx = _open_valid(path, tree)
    if idx is None:  # pragma: no cover - a build that cannot be read back is a bug
        msg = f"the index just built at {path} cannot be read back"
        raise IndexUnreadable(msg, hint="remove the index directory and run again")
    return idx


def _open_valid(path: Path, tree: SourceTree) -> Index | None:
    """Open `path` if it is a complete index of exactly this tree; remove it when it is not."""
    if not path.is_file():
        return None
    try:
        # Read-only, and usable from the thread that asks (mkdocs serve rebuilds in another thread);
        # Index serialises its queries with a lock.
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            # The builder numbers symbols 1..N, so a whole table's largest rowid is its row count:
            # an index lookup, where count(*) scans every row of every `explain`.
            count = conn.execute("SELECT max(rowid) FROM symbols").fetchone()[0] or 0
        except BaseException:
            conn.close()
            raise
    except sqlite3.DatabaseError:
        remove_db(path)
        return None
    expected = expected_meta(tree)
    if any(meta.get(k) != v for k, v in expected.items()) or str(count) != meta.get("symbols"):
        conn.close()
        remove_db(path)
        return None
    return Index(tree, conn, path)


def _prune(current: Path, tree: SourceTree) -> None:
    """Remove databases of the same release built by other formats or locks: they are never read again."""
    for old in current.parent.glob(f"{tree.pin.name}@{tree.pin.tag}-*.sqlite*"):
        if old.name not in (current.name, current.name + ".lock"):
            remove_db(old)


# ---- the index -------------------------------------------------------------------------------


class Index:
    """A read-only view of one release's index database (see the module docstring for the API)."""

    def __init__(self, tree: SourceTree, conn: sqlite3.Connection, path: Path) -> None:
        self.tree = tree
        self.pin: Pin = tree.pin
        self.upstream: str = tree.pin.name
        self.path = path
        self._conn = conn
        import threading  # noqa: PLC0415

        self._lock = threading.Lock()
        self._pkgdirs: set[str] | None = None
        self._texts: dict[str, bytes] = {}
        self.id_tag: str | None = id_tag(tree)
        """The tag ids carry (`kubernetes@v1.6.0:...`): None for the pinned release."""

    def __repr__(self) -> str:
        return f"Index({self.pin.label}, {self.path.name})"

    def close(self) -> None:
        """Close the database (the index is unusable afterwards)."""
        self._conn.close()

    def _query(self, sql: str, params: tuple[Any, ...] = (), *, rebuilt: bool = False) -> list[tuple[Any, ...]]:
        """Rows of `sql`; a database damaged since it was opened is rebuilt once and asked again."""
        try:
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            if rebuilt:
                self._conn.close()
                remove_db(self.path)
                msg = f"the symbol index {self.path} is damaged ({exc}) even after a rebuild; it was removed"
                raise IndexUnreadable(msg, hint="check the disk, then run the command again") from None
            self._rebuild()
            return self._query(sql, params, rebuilt=True)

    def _rebuild(self) -> None:
        """Replace a damaged database by a fresh build of the same tree (same ids: the build is deterministic)."""
        import logging  # noqa: PLC0415 - only the repair path

        with self._lock:
            self._conn.close()
            remove_db(self.path)
        logging.getLogger(__name__).warning("the symbol index %s was damaged; rebuilding it", self.path)
        fresh = index_for_tree(self.tree)
        with self._lock:
            self._conn, self.path, self._pkgdirs = fresh._conn, fresh.path, None  # noqa: SLF001 - same class

    def _symbols_where(self, where: str, params: tuple[Any, ...] = ()) -> list[Symbol]:
        rows = self._query(f"SELECT {SYMBOL_COLUMNS} FROM symbols WHERE {where}", params)  # noqa: S608
        return [_row_to_symbol(r) for r in rows]

    # exact access

    def get(self, symbol_id: str) -> Symbol | None:
        """The symbol with exactly this full id, else None."""
        found = self._symbols_where("id = ?", (symbol_id,))
        return found[0] if found else None

    def package_symbols(self, pkgdir: str) -> list[Symbol]:
        """Every symbol of one package directory, in path and position order."""
        return self._symbols_where("pkgdir = ? ORDER BY path, start_byte", (pkgdir,))

    def symbols(self) -> Iterator[Symbol]:
        """Every symbol, in path and position order."""
        for row in self._query(f"SELECT {SYMBOL_COLUMNS} FROM symbols ORDER BY path, start_byte"):  # noqa: S608
            yield _row_to_symbol(row)

    def text(self, path: str) -> bytes:
        """The verified bytes of a locked file (the last few are kept: excerpts of one file come together)."""
        data = self._texts.get(path)
        if data is None:
            data = self.tree.read(path)
            if len(self._texts) >= 16:  # noqa: PLR2004 - a handful of files, not the tree
                self._texts.pop(next(iter(self._texts)))
            self._texts[path] = data
        return data

    def pkgdirs(self) -> set[str]:
        """Every package directory of the release (for splitting ids whose directories hold dots)."""
        if self._pkgdirs is None:
            self._pkgdirs = {r[0] for r in self._query("SELECT DISTINCT pkgdir FROM symbols")}
        return self._pkgdirs

    # lookup

    def lookup(self, text: str) -> Symbol:
        """A full id or short form → exactly one Symbol, else SymbolError (ambiguous/unknown/malformed)."""
        q = parse_query(text)
        if q.upstream is not None and q.upstream != self.upstream:
            raise SymbolError(
                f"{text!r} names upstream {q.upstream!r}, but this is the index of {self.pin.label}",
                hint=f"ask the {q.upstream} index",
            )
        found = self.matches(text)
        if len(found) == 1:
            return found[0]
        if found:
            ids = tuple(s.id for s in found)
            raise SymbolError(
                f"{text!r} is ambiguous: {len(ids)} symbols match",
                candidates=ids,
                hint="use one of the full ids: "
                + ", ".join(ids[:SHOWN_CANDIDATES])
                + (" ..." if len(ids) > SHOWN_CANDIDATES else ""),
            )
        plain = plain_reading(text)  # full-width and other compatibility forms, in plain letters
        near = [s.id for s in self.matches(plain)] if plain != text else []
        near = list(dict.fromkeys([*near, *self.suggestions(plain)]))[:5]
        raise unknown_symbol(text, near, where=f" in {self.pin.label}")

    def matches(self, text: str) -> list[Symbol]:
        """Every symbol a full id or short form denotes (no suggestions); malformed is a SymbolError."""
        q = parse_query(text)
        if q.upstream is not None and q.upstream != self.upstream:
            return []
        if q.is_full:
            if q.tag is not None and q.tag != self.pin.tag:
                return []
            if q.tag is None and self.id_tag is not None:
                return []
            found: list[Symbol] = []
            for pkgdir, qualname in splits(q.body):
                found += self._symbols_where("pkgdir = ? AND qualname = ?", (pkgdir, qualname))
            if not found and q.file is None:  # `kubernetes:pkg/apiserver`: the package itself
                package = self.package(q.body)
                found = [package] if package is not None else []
        else:
            found = self._short_matches(q.body)
            if not found and "/" in q.body and q.file is None:  # `pkg/apiserver`
                package = self.package(q.body)
                found = [package] if package is not None else []
        if q.file is not None:  # `@file.go`, and `#N` for the Nth func init of that file
            found = [s for s in found if s.path.rsplit("/", 1)[-1] == q.file and id_ordinal(s.id) == q.ordinal]
        return found

    def _short_matches(self, body: str) -> list[Symbol]:
        found: dict[str, Symbol] = {}
        if "/" in body:
            for pkgdir, qualname in splits(body):
                for s in self._symbols_where(
                    "qualname = ? AND (pkgdir = ? OR pkgdir LIKE ? ESCAPE '\\')",
                    (qualname, pkgdir, "%/" + _like_escape(pkgdir)),
                ):
                    found[s.id] = s
            return list(found.values())
        for s in self._symbols_where("qualname = ?", (body,)):
            found[s.id] = s
        if not found and "." not in body:  # a bare method or field name: `registerResourceHandlers`, `CmdExec`
            for s in self._symbols_where("name = ? COLLATE NOCASE AND receiver IS NOT NULL", (body,)):
                if s.name == body:
                    found[s.id] = s
        first, dot, rest = body.partition(".")
        if dot:
            for s in self._symbols_where(
                "qualname = ? AND (package = ? OR pkgdir = ? OR pkgdir LIKE ? ESCAPE '\\')",
                (rest, first, first, "%/" + _like_escape(first)),
            ):
                found[s.id] = s
        return list(found.values())

    def suggestions(self, text: str, n: int = 5) -> list[str]:
        """Full ids of near misses for an unknown id or short form.

        First the same qualname in other packages (a symbol that moved), then close spellings of
        the qualname, then close spellings of the last name alone.
        """
        try:
            q = parse_query(text)
        except SymbolError:
            return []
        readings = [qual for _, qual in splits(q.body)] or [q.body]
        if "/" not in q.body and "." in q.body:
            readings.append(q.body.split(".", 1)[1])
        readings.sort(key=lambda r: -r.count("."))  # Type.Member readings are the more specific
        out: list[str] = []
        for qual in readings:
            out += [
                r[0]
                for r in self._query("SELECT id FROM symbols WHERE qualname = ? ORDER BY id LIMIT 5", (qual,))
            ]
        if len(out) < n:
            qualnames = [r[0] for r in self._query("SELECT DISTINCT qualname FROM symbols")]
            close: list[str] = []
            for qual in readings:
                close += suggest(qual, qualnames, n)
            if not close:
                close = suggest(readings[0].rsplit(".", 1)[-1], [x.rsplit(".", 1)[-1] for x in qualnames], n)
            for word in close:
                col = "qualname" if word in qualnames else "name"
                rows = self._query(f"SELECT id FROM symbols WHERE {col} = ? ORDER BY id LIMIT 3", (word,))  # noqa: S608
                out += [r[0] for r in rows]
        return list(dict.fromkeys(out))[:n]

    def search(self, pattern: str, kind: SymbolKind | str | None = None) -> list[Symbol]:
        """Symbols whose name, qualname, `pkgdir.qualname` or id match `pattern` (a glob, any case)."""
        kind_value = SymbolKind(kind).value if kind is not None else None
        glob = pattern if any(c in pattern for c in "*?[") else None
        if kind_value == SymbolKind.PACKAGE.value:
            return self._package_search(pattern, glob=glob is not None)
        if glob is None:
            rows = self._symbols_where(
                "(name = ? COLLATE NOCASE OR qualname = ? COLLATE NOCASE OR id = ?)"
                + (" AND kind = ?" if kind_value else ""),
                (pattern, pattern, pattern, *((kind_value,) if kind_value else ())),
            )
            if not rows:
                try:
                    rows = self.matches(pattern)
                except SymbolError:
                    rows = []
                rows = [s for s in rows if kind_value is None or s.kind.value == kind_value]
            return sorted(rows, key=lambda s: s.id)
        import fnmatch  # noqa: PLC0415 - globs are rare; keep the warm path light

        matcher = fnmatch.translate(pattern.lower())
        import re  # noqa: PLC0415

        rx = re.compile(matcher)
        out = []
        where = "kind = ?" if kind_value else "1"
        for row in self._query(
            f"SELECT {SYMBOL_COLUMNS} FROM symbols WHERE {where} ORDER BY id",  # noqa: S608
            (kind_value,) if kind_value else (),
        ):
            sid, _, _, pkgdir, _, name, qualname = row[:7]
            short = f"{pkgdir}.{qualname}" if pkgdir else qualname
            if any(rx.match(x.lower()) for x in (name, qualname, short, sid)):
                out.append(_row_to_symbol(row))
        return out

    # uses and references

    def uses(self, path: str, start_byte: int | None = None, end_byte: int | None = None) -> list[Use]:
        """Identifier uses in `path` (optionally only those inside [start_byte, end_byte))."""
        picked = self._uses_in(path, start_byte, end_byte)
        ids = self._ids_of({u[3] for u in picked if u[3] >= 0})
        text = self.text(path) if picked else b""
        return [
            Use(path, u[2], u[0], u[1], text[u[0] : u[1]].decode("utf-8", "replace"), ids.get(u[3]))
            for u in picked
        ]

    def _uses_in(
        self, path: str, start_byte: int | None = None, end_byte: int | None = None
    ) -> list[tuple[int, int, int, int]]:
        """(start_byte, end_byte, line, target rowid or -1) of the uses in `path` inside the span."""
        rows = self._query("SELECT uses FROM files WHERE path = ?", (path,))
        if not rows:
            return []
        try:
            flat = array.array("q", zlib.decompress(rows[0][0]))
        except (zlib.error, ValueError):
            self._rebuild()
            rows = self._query("SELECT uses FROM files WHERE path = ?", (path,))
            try:
                flat = array.array("q", zlib.decompress(rows[0][0])) if rows else array.array("q")
            except (zlib.error, ValueError):
                msg = f"the symbol index {self.path} is damaged (uses of {path}) even after a rebuild"
                raise IndexUnreadable(msg, hint="check the disk, then run the command again") from None
        lo = start_byte if start_byte is not None else 0
        hi = end_byte if end_byte is not None else 1 << 62
        return [
            use
            for use in zip(flat[0::4], flat[1::4], flat[2::4], flat[3::4], strict=True)
            if use[0] >= lo and use[1] <= hi
        ]

    def _ids_of(self, rowids: set[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        items = sorted(rowids)
        for i in range(0, len(items), 500):
            chunk = items[i : i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(self._query(f"SELECT rowid, id FROM symbols WHERE rowid IN ({marks})", tuple(chunk)))  # noqa: S608
        return out

    def references(self, symbol: Symbol | str) -> list[str]:
        """Ids the symbol's span refers to: resolved, deduplicated, in order of first use."""
        sym = self.lookup(symbol) if isinstance(symbol, str) else symbol
        targets = dict.fromkeys(u[3] for u in self._uses_in(sym.path, sym.start_byte, sym.end_byte) if u[3] >= 0)
        ids = self._ids_of(set(targets))
        return [ids[t] for t in targets if t in ids and ids[t] != sym.id]

    def referenced_by(self, symbol_id: str) -> list[str]:
        """Ids of symbols whose spans use `symbol_id` (sorted)."""
        rows = self._query(
            "SELECT s.id FROM refs r JOIN symbols t ON t.rowid = r.target "
            "JOIN symbols s ON s.rowid = r.source "
            "WHERE t.id = ? ORDER BY s.id",
            (symbol_id,),
        )
        return [r[0] for r in rows]

    # packages

    def package_files(self, pkgdir: str) -> list[str]:
        """Paths of the package directory's own Go files (not its subdirectories'), sorted."""
        prefix = f"{pkgdir}/" if pkgdir else ""
        rows = self._query(
            "SELECT path FROM files WHERE path >= ? AND path < ? ORDER BY path", (prefix, prefix[:-1] + "0")
        ) if prefix else self._query("SELECT path FROM files WHERE instr(path, '/') = 0 ORDER BY path")
        return [r[0] for r in rows if "/" not in r[0][len(prefix):]]

    def package(self, pkgdir: str) -> Symbol | None:
        """The package in directory `pkgdir` as a symbol (id `UPSTREAM:PKGDIR`), with its package doc; else None.

        Packages are not rows of the index: one is made from its files when asked for. Its span is the
        `package` clause of the file holding the package doc comment (`doc.go` by convention), else of the
        first file.
        """
        files = self.package_files(pkgdir)
        if not files:
            return None
        chosen: tuple[str, str, int, int, int, int, str] | None = None
        for path in sorted(files, key=lambda p: (not p.endswith("/doc.go"), p)):
            found = _package_clause(self.text(path))
            if found is None:
                continue
            if chosen is None or (found[5] and not chosen[6]):
                chosen = (path, *found)
            if chosen[6]:
                break
        if chosen is None:
            return None
        path, name, line, start, doc_line, doc_start, doc = chosen
        sid = f"{self.upstream}@{self.id_tag}:{pkgdir}" if self.id_tag else f"{self.upstream}:{pkgdir}"
        return Symbol(sid, self.upstream, path, pkgdir, name, name, "", SymbolKind.PACKAGE, line, line, start,
                      start + len("package ") + len(name), doc_line, doc_start, None, doc)

    def _package_search(self, pattern: str, *, glob: bool) -> list[Symbol]:
        """Packages whose directory or name matches `pattern` (a glob, or a directory, its last part or a suffix)."""
        import fnmatch  # noqa: PLC0415

        want = pattern.lower().strip("/")
        found = []
        for pkgdir in sorted(self.pkgdirs()):
            low, last = pkgdir.lower(), pkgdir.rsplit("/", 1)[-1].lower()
            if (fnmatch.fnmatchcase(low, want) or fnmatch.fnmatchcase(last, want)) if glob else (
                want in (low, last) or low.endswith("/" + want)
            ):
                package = self.package(pkgdir)
                if package is not None:
                    found.append(package)
        return found

    def declarations(self, pkgdir: str) -> list[Symbol]:
        """The package-level declarations of a package directory (no methods, fields or interface methods)."""
        files = self.package_files(pkgdir)
        if not files:
            return []
        marks = ",".join("?" * len(files))
        rows = self._symbols_where(f"path IN ({marks}) AND receiver IS NULL ORDER BY qualname", tuple(files))
        return [s for s in rows if s.kind != SymbolKind.PACKAGE]

    def file_errors(self, path: str) -> list[int]:
        """Lines where tree-sitter found syntax errors in `path` (empty when it parsed cleanly)."""
        rows = self._query("SELECT error_lines FROM files WHERE path = ?", (path,))
        return json.loads(rows[0][0]) if rows and rows[0][0] else []

    def stats(self) -> dict[str, int]:
        """Counts for reports: symbols, files, uses, resolved uses."""
        meta = dict(self._query("SELECT key, value FROM meta"))
        return {k: int(meta[k]) for k in ("symbols", "files", "uses", "resolved") if k in meta}


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _package_clause(data: bytes) -> tuple[str, int, int, int, int, str] | None:
    """(name, line, byte of `package`, doc line, doc byte, doc text) of a Go file's package clause; None if absent.

    The doc is the block of `//` lines right above the clause, as `go doc` reads it (a `/* */` block too).
    """
    import re  # noqa: PLC0415 - only package lookups need it

    match = re.search(rb"^package[ \t]+([A-Za-z_][A-Za-z0-9_]*)", data, re.MULTILINE)
    if match is None:
        return None
    head = data[: match.start()].decode("utf-8", "replace").split("\n")[:-1]
    line = len(head) + 1
    doc_lines: list[str] = []
    k = len(head) - 1
    if k >= 0 and head[k].rstrip().endswith("*/"):
        while k >= 0 and "/*" not in head[k]:
            doc_lines.insert(0, head[k])
            k -= 1
        if k >= 0:
            doc_lines.insert(0, head[k])
        doc = "\n".join(doc_lines).strip().removeprefix("/*").removesuffix("*/").strip()
    else:
        while k >= 0 and head[k].lstrip().startswith("//"):
            doc_lines.insert(0, head[k].lstrip()[2:].removeprefix(" "))
            k -= 1
        doc = "\n".join(doc_lines).strip()
    if doc.startswith("+build") or not doc:
        return match.group(1).decode(), line, match.start(), line, match.start(), ""
    doc_line = k + 2
    doc_start = len("\n".join(head[: k + 1])) + (1 if k >= 0 else 0)
    return match.group(1).decode(), line, match.start(), doc_line, doc_start, doc
