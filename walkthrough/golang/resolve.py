"""Names to declarations across one tree, as Go's scoping shows them: symbol ids, imports, scopes, members.

Every file's facts (`walkthrough.golang.parse`) are grouped into packages; each declaration gets its
symbol id (`walkthrough.symbolid`); imports are mapped to package directories (the upstream's own
import prefix, Go's vendor lookup, GOPATH-style `vendor/src` and `staging/src`); then each reference
expression (`walkthrough.golang.refs`) of a file is resolved to the declaration it names: the package's
files, imports, methods and fields through declared and evident types, with embedding. Anything
ambiguous or not evident stays unresolved: a missing link is acceptable, a wrong one is not.

The index (`walkthrough.index.build`) writes what this computes: the symbol rows and, per file, the
resolved targets of its uses.
"""

from __future__ import annotations

import array
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walkthrough.models import Pin, SymbolKind
from walkthrough.symbolid import format_id

if TYPE_CHECKING:
    from walkthrough.golang.parse import FileFacts

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
MEMBER_KINDS = frozenset((SymbolKind.FIELD.value, SymbolKind.INTERFACE_METHOD.value))
"""Declarations that live inside another (fields, interface methods)."""
_PACKAGE_NAME = -2
"""A use that names a package (`fmt` in `fmt.Println`), not a declaration."""


def import_prefixes(pin: Pin) -> tuple[str, ...]:
    """Import paths that mean the upstream's own root: vanity names and the repository's host path."""
    repo = pin.repository.split("://", 1)[-1].rstrip("/").removesuffix(".git")
    return (*IMPORT_PREFIXES.get(pin.name, ()), repo)


@dataclass
class SourceFile:
    """One Go file of the tree: its facts, its package, what its imports name, its declarations' rowids."""

    path: str
    pkgdir: str
    facts: FileFacts
    pkg: Package = field(init=False)
    """Set for every file when the resolver groups files into packages."""
    imports: dict[str, Package] = field(default_factory=dict)
    dots: list[Package] = field(default_factory=list)
    rowids: list[int] = field(default_factory=list)
    """Symbol rowid of each of facts.decls (-1 when the decl was dropped as a same-file duplicate)."""


@dataclass
class Package:
    """One package (a directory and a package name): its package-level names and its methods by receiver."""

    pkgdir: str
    name: str
    scope: dict[str, list[tuple[SourceFile, int]]] = field(default_factory=lambda: defaultdict(list))
    methods: dict[str, dict[str, list[tuple[SourceFile, int]]]] = field(default_factory=lambda: defaultdict(dict))


def pkgdir_of(path: str) -> str:
    """The package directory of a file path (`''` for the tree's root)."""
    return path.rsplit("/", 1)[0] if "/" in path else ""


class Resolver:
    """Global tables of one release and the resolution of goparse's reference expressions."""

    def __init__(self, pin: Pin, files: list[SourceFile], *, tag: str | None = None) -> None:
        self.pin = pin
        self.tag = tag
        self.files = files
        self.packages: dict[tuple[str, str], Package] = {}
        by_dir: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for f in files:
            key = (f.pkgdir, f.facts.package)
            pkg = self.packages.get(key)
            if pkg is None:
                pkg = self.packages[key] = Package(f.pkgdir, f.facts.package)
            f.pkg = pkg
            if not f.path.endswith("_test.go"):
                by_dir[f.pkgdir][f.facts.package] += 1
        # The package an import of a directory means: its non-test package (`main` only if alone).
        self.dir_package: dict[str, Package] = {}
        for d, names in by_dir.items():
            ranked = sorted(names.items(), key=lambda kv: (kv[0] == "main", -kv[1], kv[0]))
            if ranked and ranked[0][0]:
                self.dir_package[d] = self.packages[(d, ranked[0][0])]
        self.prefixes = import_prefixes(pin)
        self._fields: dict[int, dict[str, list[tuple[SourceFile, int]]]] = {}
        self._assign_ids()
        for f in files:
            self._resolve_imports(f)
        self._memo: dict[tuple[int, Any], Any] = {}
        self._members_memo: dict[tuple[int, int, str], tuple[SourceFile, int] | None] = {}

    # ids

    def _assign_ids(self) -> None:
        groups: dict[tuple[str, str], list[tuple[SourceFile, int]]] = defaultdict(list)
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
        """The symbols table's rows (rowid, then a Symbol's fields) and the id tag of later releases."""
        return self.rows, self.tag

    # import paths → packages

    def _resolve_imports(self, f: SourceFile) -> None:
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

    def _pick(self, cands: list[tuple[SourceFile, int]], ctx: SourceFile) -> tuple[SourceFile, int] | None:
        live = [c for c in cands if c[0].rowids[c[1]] >= 0]
        if len(live) == 1:
            return live[0]
        same = [c for c in live if c[0] is ctx]
        return same[0] if len(same) == 1 else None

    def _scope(self, ctx: SourceFile, name: str) -> tuple[SourceFile, int] | None:
        pkg = ctx.pkg
        cands = pkg.scope.get(name)
        if cands:
            return self._pick(cands, ctx)
        found = [c for dot in ctx.dots for c in dot.scope.get(name, ())]
        return self._pick(found, ctx) if found else None

    def _imported(self, ctx: SourceFile, alias: str, name: str) -> tuple[SourceFile, int] | None:
        pkg = ctx.imports.get(alias)
        if pkg is None or not name[:1].isupper():
            return None
        cands = pkg.scope.get(name)
        return self._pick(cands, ctx) if cands else None

    def _members(self, owner: tuple[SourceFile, int], name: str) -> list[tuple[SourceFile, int]]:
        """Direct fields / interface methods (same file, inside the type's span) and methods of a type."""
        f, i = owner
        d = f.facts.decls[i]
        by_owner = self._fields.get(id(f))
        if by_owner is None:
            by_owner = self._fields[id(f)] = defaultdict(list)
            for j, m in enumerate(f.facts.decls):
                if m.kind in MEMBER_KINDS and m.receiver:
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

    def member(
        self, owner: tuple[SourceFile, int], name: str, *, direct: bool = False
    ) -> tuple[SourceFile, int] | None:
        """`name` on a named type, following Go's embedding (shallowest depth wins; unknown → None)."""
        key = (id(owner[0]), owner[1], name if not direct else "\0" + name)
        if key in self._members_memo:
            return self._members_memo[key]
        result = self._member(owner, name, direct=direct)
        self._members_memo[key] = result
        return result

    def _member(self, owner: tuple[SourceFile, int], name: str, *, direct: bool) -> tuple[SourceFile, int] | None:
        level = [owner]
        seen = {(id(owner[0]), owner[1])}
        for _ in range(MAX_EMBED_DEPTH):
            found: list[tuple[SourceFile, int]] = []
            nxt: list[tuple[SourceFile, int]] = []
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

    def resolve(self, ref: Any, ctx: SourceFile, depth: int) -> Any:
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

    def _entity(self, d: tuple[SourceFile, int] | None, depth: int) -> Any:
        if d is None:
            return None
        f, i = d
        decl = f.facts.decls[i]
        if decl.kind in TYPE_KINDS:
            return ("tv", d)
        if decl.kind in FUNC_KINDS:
            return ("fn", d)
        return self.resolve(decl.type, f, depth) if decl.type is not None else None

    def _resolve(self, ref: Any, ctx: SourceFile, depth: int) -> Any:
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

    def _member_of(self, base: Any, name: str) -> tuple[SourceFile, int] | None:
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

    def target(self, ref: Any, ctx: SourceFile) -> tuple[SourceFile, int] | None:
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

    def resolve_file(self, f: SourceFile) -> array.array[int]:
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

    def _import_names(self, f: SourceFile) -> set[str]:
        """Names the file's imports bind: aliases, resolved package names, Go's guess for others.

        Go's usual guess for a package outside the tree: the last path element without `go-` and `.vN`.
        """
        names = set(f.imports)
        for imp in f.facts.imports:
            if imp.name not in (".", "_"):
                last = imp.path.rstrip("/").rsplit("/", 1)[-1]
                names.add(imp.name or last.removeprefix("go-").split(".")[0])
        return names
