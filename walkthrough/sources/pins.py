r"""Pins and locks: the facts in `snapshots/` about which upstream bytes the tool may read. No network.

`snapshots/upstreams.toml` names each upstream (repository, tag, commit), where an offline copy can be
had, a few `check_blobs`, later releases kept for drift reports, and today's releases: where the pinned
release's code lives now (a later release of the same upstream, or the repository it moved to, such as
k8s.io/apiserver for kubernetes), with the package moves between them ("then and now"); and a *build set*
(`[kubernetes.build]`, lock `kubernetes-build`): the Go packages the pinned release vendors that live parity's
harnesses need to compile, build inputs only, never quoted or indexed. One lock per release
(`snapshots/kubernetes.lock`, `snapshots/kubernetes@v1.6.0.lock`, `snapshots/k8s-apiserver@v0.36.3.lock`)
lists every file the tool may read with its git blob id and size, plus a digest over the whole set.

Lock format (text, one file per line, sorted by path, so diffs of a regenerated lock read well)::

    # comments
    upstream = kubernetes
    tag = v1.5.2
    commit = 08e0995...
    digest = h1:...
    export-subst = pkg/version/base.go
    <blob> <size> <path>

The digest is Go's `h1:` dirhash recipe (sha256 over sorted `"<hash>  <path>\n"` lines, base64) applied
to the git blob ids instead of per-file sha256, so it can be recomputed from the lock alone, without
the files. `export-subst` names files holding git `$Format:` placeholders: an archive of the tag
substitutes them, so their archive bytes legitimately differ from the git blob (see `sources.importer`).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from walkthrough.errors import SourcesMissing, UsageError
from walkthrough.models import LockEntry, Pin
from walkthrough.paths import snapshots_dir

if TYPE_CHECKING:
    from pathlib import Path

UPSTREAMS_FILE = "upstreams.toml"
_LOCK_CACHE: dict[tuple[str, int, int], Lock] = {}
"""Parsed locks by (path, mtime, size): one process opening a tree many times parses its lock once."""
_HEX40 = re.compile(r"^[0-9a-f]{40}$")
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


def git_blob_id(data: bytes) -> str:
    r"""The git blob id of `data`: sha1 of `b"blob <len>\0"` + bytes, as `git hash-object` prints it."""
    sha = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)  # git's name for the bytes
    sha.update(data)
    return sha.hexdigest()


def set_digest(entries: Iterable[LockEntry]) -> str:
    """The `h1:` digest of a set of locked files (Go dirhash recipe, over blob ids)."""
    summary = hashlib.sha256()
    for entry in sorted(entries, key=lambda e: e.path):
        summary.update(f"{entry.blob}  {entry.path}\n".encode())
    return "h1:" + base64.b64encode(summary.digest()).decode()


# Patterns only writers and a first read need are strings: `re` compiles (and caches) them on first
# use, so a warm `explain` does not pay for them.
_CONTROL = r"[\x00-\x1f\x7f]"
_BAD_PART = r"(?:^|/)\.{0,2}(?:/|$)"


def check_path(path: str) -> str | None:
    """Why `path` is not acceptable as a locked (relative, forward-slash, clean) path, or None when it is."""
    if not path:
        return "empty name"
    if re.search(_CONTROL, path):
        return "control character in name"
    if "\\" in path:
        return "backslash in name"
    if path.startswith("/") or (len(path) > 1 and path[1] == ":" and path[0].isalpha()):
        return "absolute path"
    if re.search(_BAD_PART, path):
        return "'..', '.' or empty component in name"
    return None


class Lock(NamedTuple):
    """The locked file set of one release: what may be read, and what its bytes must hash to.

    `digest` is `set_digest(entries.values())`: `build` and `loads` compute or check it. (A named
    tuple, like the records of `walkthrough.models`: cheap to define on every `explain`.)
    """

    upstream: str
    tag: str
    commit: str
    entries: Mapping[str, LockEntry]
    digest: str
    export_subst: frozenset[str] = frozenset()
    comments: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        pin: Pin,
        entries: Iterable[LockEntry],
        *,
        export_subst: Iterable[str] = (),
        comments: Iterable[str] = (),
    ) -> Lock:
        """A lock for `pin` over `entries`; refuses unsafe or colliding paths (locks unpack anywhere)."""
        by_path: dict[str, LockEntry] = {}
        folded: dict[str, str] = {}
        for entry in entries:
            problem = check_path(entry.path)
            if problem:
                raise UsageError(f"cannot lock {entry.path!r}: {problem}")
            key = _fold(entry.path)
            if key in folded:
                raise UsageError(
                    f"cannot lock both {folded[key]!r} and {entry.path!r}: the names collide on "
                    "case-insensitive file systems",
                    hint="exclude one of them with --exclude",
                )
            folded[key] = entry.path
            by_path[entry.path] = entry
        entries_sorted = {p: by_path[p] for p in sorted(by_path)}
        subst = frozenset(export_subst) & set(entries_sorted)
        digest = set_digest(entries_sorted.values())
        return cls(pin.name, pin.tag, pin.commit, entries_sorted, digest, subst, tuple(comments))

    @property
    def size(self) -> int:
        """Total bytes of the locked files."""
        return sum(e.size for e in self.entries.values())

    def paths(self) -> list[str]:
        """Locked paths, sorted."""
        return list(self.entries)

    def __contains__(self, path: object) -> bool:
        return path in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def dumps(self) -> str:
        """The lock file text (see the module docstring for the format)."""
        lines = [f"# {c}" if c else "#" for c in self.comments]
        lines += [
            f"upstream = {self.upstream}",
            f"tag = {self.tag}",
            f"commit = {self.commit}",
            f"files = {len(self.entries)}",
            f"bytes = {self.size}",
            f"digest = {self.digest}",
        ]
        lines += [f"export-subst = {p}" for p in sorted(self.export_subst)]
        lines += [f"{e.blob} {e.size} {e.path}" for e in self.entries.values()]
        return "\n".join(lines) + "\n"

    @classmethod
    def loads(cls, text: str, *, source: str = "<lock>", memo: str | None = None) -> Lock:
        """Parse lock text; a malformed line, a wrong count or digest is an error naming `source:line`.

        With `memo` (a name for the lock file), the bulk check's verdict is kept in the cache
        (`walkthrough.store`), so the next process opening the same text skips it.
        """
        lock = _loads_lazy(cls, text, source, memo)
        if lock is not None:
            return lock
        header, subst, comments, entries = _parse_lines(text, source)
        for key in ("upstream", "tag", "commit", "digest"):
            if key not in header:
                raise UsageError(f"{source}: lock lacks its `{key} = ...` line")
        entries = dict(sorted(entries.items()))
        lock = cls(
            header["upstream"],
            header["tag"],
            header["commit"],
            entries,
            set_digest(entries.values()),
            frozenset(subst),
            tuple(comments),
        )
        if lock.digest != header["digest"] or int(header.get("files", len(entries))) != len(entries):
            raise UsageError(
                f"{source}: lock content does not match its digest/file count (edited by hand?)",
                hint="regenerate the lock with `walkthrough sources lock`",
            )
        return lock


_Parsed = tuple[dict[str, str], list[str], list[str], dict[str, LockEntry]]
"""A lock's header, export-subst paths, comments and entries by path, before the digest check."""

_FIRST_ENTRY = r"(?m)^[0-9a-f]{40} "
_ENTRY_LINES = r"(?:[0-9a-f]{40} [0-9]+ [^\x00-\x1f\x7f\x85\u2028\u2029\\]+\n)*"
"""Only well-formed entry lines (no blank line, comment, control character or backslash)."""
_MAYBE_BAD_PATH = (":", "//", "/./", "/../", "/\n", "/.\n", "/..\n", " /", " ./", " ../", " .\n", " ..\n")
"""Substrings of entry lines that cover every name `check_path` refuses beyond the characters
`_ENTRY_LINES` excludes (absolute, drive letter, empty, `.` or `..` component), and a few good names
(with a colon, or a space before `/` or `.`), which then just take the line parser."""


def _loads_lazy(cls: type[Lock], text: str, source: str, memo: str | None) -> Lock | None:
    """The usual lock (header, then well-formed entries in path order) checked in bulk, else None.

    Every `explain` opens a lock of thousands of lines, and parsing each line into a `LockEntry` cost
    more than the rest of opening a tree. Here `_bulk_check` checks every line and the digest in a
    few passes over the whole text, and the entries stay text until asked for (`_LockedFiles`).
    Whatever it does not accept (a malformed line, an unsorted lock, a wrong digest) goes to
    `_parse_lines`, which names the offending line or sorts.
    """
    if memo is None:
        verdict = _bulk_check(text, source)
    else:
        from walkthrough.store import memoized  # noqa: PLC0415 - only lock files are memoized

        verdict = memoized(memo, text, lambda t: _bulk_check(t, source))
    if verdict is None:
        return None
    body = text[verdict["body_at"] :]
    if not body.endswith("\n"):
        body += "\n"
    return cls(
        verdict["upstream"],
        verdict["tag"],
        verdict["commit"],
        _LockedFiles(body, verdict["count"], source),
        verdict["digest"],
        frozenset(verdict["subst"]),
        tuple(verdict["comments"]),
    )


def _bulk_check(text: str, source: str) -> dict[str, Any] | None:
    """The header of a well-formed lock in path order with a matching digest; None for any other.

    Regex passes check every entry line; the digest is taken over the text itself, which equals the
    set digest when the lines are in path order. Pure: a function of `text` alone (`source` only
    names the file in errors), so `walkthrough.store` may keep it.
    """
    first = re.search(_FIRST_ENTRY, text)
    if first is None:
        return None
    header, subst, comments, entries = _parse_lines(text[: first.start()], source)
    body = text[first.start() :]
    if not body.endswith("\n"):
        body += "\n"
    if entries or re.fullmatch(_ENTRY_LINES, body) is None or any(x in body for x in _MAYBE_BAD_PATH):
        return None
    count = body.count("\n")
    # `<blob>  <path>` per line (the size dropped), as `set_digest` hashes them
    summary = hashlib.sha256(
        "".join(f"{line[:40]}  {line[41:].partition(' ')[2]}\n" for line in body[:-1].split("\n")).encode()
    )
    digest = "h1:" + base64.b64encode(summary.digest()).decode()
    files = header.get("files", str(count))
    if (
        any(k not in header for k in ("upstream", "tag", "commit"))
        or header.get("digest") != digest
        or not files.isdecimal()
        or int(files) != count
    ):
        return None
    return {
        "upstream": header["upstream"],
        "tag": header["tag"],
        "commit": header["commit"],
        "subst": subst,
        "comments": comments,
        "digest": digest,
        "count": count,
        "body_at": first.start(),
    }


class _LockedFiles(Mapping[str, LockEntry]):
    """The entries of a lock checked by `_loads_lazy`, kept as its text.

    One path is looked up in the text; all entries are built (and their order and uniqueness
    checked) on first iteration.
    """

    def __init__(self, body: str, count: int, source: str) -> None:
        self._body = body
        self._count = count
        self._source = source
        self._all: dict[str, LockEntry] | None = None

    def _entries(self) -> dict[str, LockEntry]:
        if self._all is None:
            entries: dict[str, LockEntry] = {}
            for line in self._body[:-1].split("\n"):
                blob, size, path = line.split(" ", 2)
                entries[path] = LockEntry(path, blob, int(size))
            paths = list(entries)
            if len(paths) != self._count or paths != sorted(paths):  # then the digest was forged
                raise UsageError(
                    f"{self._source}: lock lines repeat a path or are out of order (edited by hand?)",
                    hint="regenerate the lock with `walkthrough sources lock`",
                )
            self._all = entries
        return self._all

    def __getitem__(self, path: str) -> LockEntry:
        if self._all is not None:
            return self._all[path]
        if not isinstance(path, str) or not path or "\n" in path:
            raise KeyError(path)
        key = f" {path}\n"
        at = self._body.find(key)
        while at >= 0:  # the line `<blob> <size> <path>`: exactly one space before this one
            head = self._body[self._body.rfind("\n", 0, at) + 1 : at]
            if head.count(" ") == 1:
                blob, size = head.split(" ")
                return LockEntry(path, blob, int(size))
            at = self._body.find(key, at + 1)
        raise KeyError(path)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries())

    def __len__(self) -> int:
        return self._count

    def __repr__(self) -> str:
        return repr(self._entries())


def _parse_lines(text: str, source: str) -> _Parsed:
    """Parse lock text line by line, refusing the first malformed line with `source:line`."""
    header: dict[str, str] = {}
    subst: list[str] = []
    comments: list[str] = []
    entries: dict[str, LockEntry] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if line.startswith("#"):
            comments.append(line[1:].removeprefix(" "))
            continue
        if " = " in line and not _HEX40.match(line[:40]):
            key, value = line.split(" = ", 1)
            if key == "export-subst":
                subst.append(value)
            else:
                header[key] = value
            continue
        parts = line.split(" ", 2)
        if len(parts) != len(("blob", "size", "path")) or not _HEX40.match(parts[0]) or not parts[1].isdigit():
            raise UsageError(
                f"{source}:{lineno}: malformed lock line {line[:80]!r}",
                hint="regenerate the lock with `walkthrough sources lock`",
            )
        blob, size, path = parts
        if check_path(path) or path in entries:
            raise UsageError(f"{source}:{lineno}: bad or duplicate path {path!r} in lock")
        entries[path] = LockEntry(path, blob, int(size))
    return header, subst, comments, entries


def _fold(path: str) -> str:
    """A path as case-insensitive, normalising file systems see it."""
    import unicodedata  # noqa: PLC0415 - only lock writers fold names

    return unicodedata.normalize("NFC", path).casefold()


class OfflineCopy(NamedTuple):
    """Where an offline copy of a release can be imported from: a repository at a revision, with roots.

    Each root is `SRC` or `SRC=DEST`: files under `SRC` of the copy are upstream paths under `DEST`
    (default: the upstream root). `.` is the copy's top directory.
    """

    repository: str
    rev: str
    roots: tuple[str, ...]
    note: str = ""


class Release(NamedTuple):
    """One release that has (or may have) a lock: the pinned one, a later one, or one of today's.

    A today release holds where the pinned release's code lives now. Its pin names the repository it
    comes from: the same upstream at a later tag (`docker@v28.5.2`), or a repository the code moved to,
    with a name of its own (`k8s-apiserver@v0.36.3`, `docker-cli@v28.5.2`). Only the pinned releases are
    required; the others are fetched with `--all` and their absence is reported, never fatal.
    """

    pin: Pin
    pinned: bool
    offline: OfflineCopy | None = None
    today: bool = False
    build: bool = False
    """A build set: the Go dependencies the live parity harnesses compile against, never quoted or indexed."""
    check_blobs: Mapping[str, str] = MappingProxyType({})
    """Blob ids of a few files at this release: a quick proof that an import is right."""
    title: str = ""
    """How pages name a today release (`k8s.io/apiserver v0.36.3 (Kubernetes 1.36.3)`); empty otherwise."""

    @property
    def lock_name(self) -> str:
        """`kubernetes` (pinned), `kubernetes-build` (a build set), `kubernetes@v1.6.0`, `k8s-apiserver@v0.36.3`."""
        return self.pin.name if self.pinned or self.build else f"{self.pin.name}@{self.pin.tag}"

    @property
    def spec(self) -> str:
        """How the CLI names this release: `NAME` or `NAME@TAG`."""
        return self.lock_name

    @property
    def label(self) -> str:
        """The title of a today release, else `NAME@TAG`."""
        return self.title or self.pin.label


class Successor(NamedTuple):
    """A declared successor: the today symbol that carries a 2016 symbol's code under another name or place.

    Read from both trees by a person, for what the similarity search cannot see (renamed, moved and
    rewritten at once). `line` is where `snapshots/upstreams.toml` declares it, for `check` to cite.
    """

    target: str
    """Today's symbol id, `SPEC:PKGDIR.QUALNAME` with SPEC one of the upstream's today releases."""
    why: str
    """One line in our words: what happened to the code."""
    line: int = 0


class Upstream(NamedTuple):
    """An upstream: its pinned release, later releases (drift), today's releases and the package moves to them."""

    name: str
    pinned: Release
    later: tuple[Release, ...] = ()
    today: tuple[Release, ...] = ()
    """Where the pinned release's code lives now, in the order the "then and now" finder searches them."""
    moves: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    """Declared package moves: 2016 directory (`DIR/` for a subtree) -> `SPEC:DIR` targets and/or
    `untracked:WHERE` (code living in a repository we do not fetch). Checked against `today` when read."""
    build: Release | None = None
    """The build set (`[NAME.build]`): the pinned release's Go dependencies, for building live parity harnesses."""
    successors: Mapping[str, Successor] = MappingProxyType({})
    """Declared successors (`[NAME.successors]`): 2016 symbol id -> the today symbol that carries its code."""

    @property
    def pin(self) -> Pin:
        """The pinned release's pin."""
        return self.pinned.pin

    @property
    def check_blobs(self) -> Mapping[str, str]:
        """The pinned release's check_blobs."""
        return self.pinned.check_blobs

    def releases(self) -> tuple[Release, ...]:
        """The pinned release, its build set, then the later ones, then today's."""
        return (self.pinned, *((self.build,) if self.build else ()), *self.later, *self.today)

    def release(self, ref: str | None = None) -> Release:
        """The release of this upstream named by tag (or commit); None or the pinned tag gives the pinned release."""
        if ref is None:
            return self.pinned
        for release in self.releases():
            if release.pin.name == self.name and ref in (release.pin.tag, release.pin.commit):
                return release
        known = ", ".join(r.pin.tag for r in self.releases() if r.pin.name == self.name)
        raise UsageError(
            f"{self.name} has no release {ref!r} in {UPSTREAMS_FILE} (known: {known})",
            hint=f"add it under [[{self.name}.later]] in snapshots/{UPSTREAMS_FILE}",
        )


class Upstreams(Mapping[str, Upstream]):
    """All upstreams of a project, by name, as `snapshots/upstreams.toml` declares them."""

    def __init__(self, upstreams: Mapping[str, Upstream], root: Path) -> None:
        self._by_name = dict(upstreams)
        self.root = root
        """The project directory these pins were read from."""

    def __getitem__(self, name: str) -> Upstream:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name) or "none"
            raise UsageError(
                f"unknown upstream {name!r} (known: {known})",
                hint=f"upstreams are declared in {self.root / 'snapshots' / UPSTREAMS_FILE}",
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def pin(self, name: str, ref: str | None = None) -> Pin:
        """The Pin of `name` at `ref` (default: the pinned release)."""
        return self[name].release(ref).pin

    def release(self, spec: str, ref: str | None = None) -> Release:
        """The release for `NAME`, `NAME@TAG`, or `NAME` with `ref`; NAME may be a today or build set's name."""
        name, _, at = spec.partition("@")
        if name not in self._by_name:
            moved = [r for u in self.values() for r in u.releases() if r.pin.name == name]
            wanted = ref or at or None
            for release in moved:
                if wanted is None or wanted in (release.pin.tag, release.pin.commit):
                    return release
            if moved:
                known = ", ".join(r.pin.tag for r in moved)
                raise UsageError(f"{name} has no release {wanted!r} in {UPSTREAMS_FILE} (known: {known})")
        return self[name].release(ref or at or None)

    def releases(self) -> list[Release]:
        """Every release of every upstream, pinned ones first within each upstream."""
        return [r for u in self.values() for r in u.releases()]

    def today_of(self, name: str) -> tuple[Release, ...]:
        """Today's releases of upstream `name` (empty when none are declared)."""
        upstream = self._by_name.get(name)
        return upstream.today if upstream is not None else ()

    def lock_path(self, release: Release) -> Path:
        """Where the lock of `release` lives: `snapshots/<lock_name>.lock`."""
        return snapshots_dir(self.root) / f"{release.lock_name}.lock"

    def load_lock(self, release: Release) -> Lock:
        """The lock of `release`; missing or not matching the pin is an error saying how to make it."""
        path = self.lock_path(release)
        if not path.is_file():
            raise SourcesMissing(
                f"no lock for {release.pin.label}: {path} does not exist",
                hint=f"generate it with `walkthrough sources lock {release.spec} --git DIR --rev REV "
                "--root ...`",
            )
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        lock = _LOCK_CACHE.get(key)
        if lock is None:
            lock = Lock.loads(path.read_text(encoding="utf-8"), source=str(path), memo=f"lock-{path.name}")
            _LOCK_CACHE[key] = lock
        if (lock.upstream, lock.tag, lock.commit) != (release.pin.name, release.pin.tag, release.pin.commit):
            raise UsageError(
                f"{path} locks {lock.upstream}@{lock.tag} ({lock.commit[:12]}), but {UPSTREAMS_FILE} pins "
                f"{release.pin.label} ({release.pin.commit[:12]})",
                hint=f"regenerate the lock with `walkthrough sources lock {release.spec} ...`",
            )
        return lock

    def write_lock(self, release: Release, lock: Lock) -> Path:
        """Write the lock file of `release` (temp + rename, so a reader never sees half a lock)."""
        path = self.lock_path(release)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(lock.dumps(), encoding="utf-8")
        tmp.replace(path)
        return path


def _offline(table: Mapping[str, object] | None, where: str) -> OfflineCopy | None:
    if not table:
        return None
    try:
        roots = table.get("roots", ["."])
        return OfflineCopy(
            repository=str(table["repository"]),
            rev=str(table["rev"]),
            roots=tuple(str(r) for r in roots) if isinstance(roots, list) else (str(roots),),
            note=str(table.get("note", "")),
        )
    except KeyError as exc:
        raise UsageError(f"{where}: offline copy lacks {exc.args[0]!r}") from None


def _pin(name: str, table: Mapping[str, object], repository: str | None, where: str) -> Pin:
    try:
        pin = Pin(
            name=name,
            repository=str(table.get("repository", repository or "")),
            tag=str(table["tag"]),
            commit=str(table["commit"]),
        )
    except KeyError as exc:
        raise UsageError(f"{where}: missing key {exc.args[0]!r}") from None
    if not _HEX40.match(pin.commit) or not pin.repository:
        raise UsageError(f"{where}: commit must be 40 lowercase hex digits and repository set")
    return pin


def _blobs(table: Mapping[str, object] | None, where: str) -> Mapping[str, str]:
    blobs = {str(k): str(v) for k, v in dict(table or {}).items()}
    bad = [path for path, blob in blobs.items() if not _HEX40.match(blob) or check_path(path)]
    if bad:
        raise UsageError(f"{where}: check_blobs {bad[0]!r} is not a clean path with a 40-hex blob id")
    return MappingProxyType(blobs)


def _today(name: str, pin: Pin, table: Mapping[str, Any], where: str) -> tuple[Release, ...]:
    """The `[[NAME.today]]` releases; one without `name` is a later release of the upstream itself."""
    out = []
    for i, item in enumerate(table.get("today", []), 1):
        here = f"{where} today #{i}"
        own = str(item.get("name", name))
        if not _NAME.match(own):
            raise UsageError(f"{here}: name {own!r}: lowercase letters, digits, - or _")
        today_pin = _pin(own, item, pin.repository if own == name else None, here)
        out.append(Release(today_pin, pinned=False, offline=_offline(item.get("offline"), here), today=True,
                           check_blobs=_blobs(item.get("check_blobs"), here), title=str(item.get("title", ""))))
    specs = [r.spec for r in out]
    if len(set(specs)) != len(specs):
        raise UsageError(f"{where}: a today release is listed twice")
    return tuple(out)


def _build(name: str, table: Mapping[str, Any], where: str) -> Release | None:
    """The `[NAME.build]` build set, named `NAME-build` unless it says otherwise."""
    item = table.get("build")
    if item is None:
        return None
    here = f"{where} build"
    own = str(item.get("name", f"{name}-build"))
    if not _NAME.match(own) or own == name:
        raise UsageError(f"{here}: name {own!r}: lowercase letters, digits, - or _, not the upstream's own")
    return Release(_pin(own, item, None, here), pinned=False, offline=_offline(item.get("offline"), here),
                   build=True, check_blobs=_blobs(item.get("check_blobs"), here), title=str(item.get("title", "")))


def _moves(table: Mapping[str, Any], today: tuple[Release, ...], where: str) -> Mapping[str, tuple[str, ...]]:
    """The `[NAME.moves]` table, every target naming one of `today` (`SPEC:DIR`) or `untracked:WHERE`."""
    specs = {r.spec for r in today}
    moves: dict[str, tuple[str, ...]] = {}
    for source, value in dict(table.get("moves", {})).items():
        targets = (value,) if isinstance(value, str) else tuple(value)
        for target in targets:
            spec, sep, directory = str(target).partition(":")
            if spec == "untracked" and directory.strip():
                continue
            if not sep or spec not in specs or directory.endswith("/") != str(source).endswith("/"):
                raise UsageError(
                    f"{where} moves: {source!r} -> {target!r}: expected SPEC:DIR with SPEC one of "
                    f"{', '.join(sorted(specs)) or 'the today releases (none declared)'} (DIR/ for a DIR/ "
                    "source), or untracked:WHERE"
                )
        moves[str(source)] = tuple(str(t) for t in targets)
    return MappingProxyType(moves)


def _successors(
    name: str, table: Mapping[str, Any], today: tuple[Release, ...], text: str, where: str,
) -> Mapping[str, Successor]:
    """The `[NAME.successors]` table: `"PKGDIR.QUALNAME" = { to = "SPEC:PKGDIR.QUALNAME", why = "..." }`."""
    specs = {r.spec for r in today}
    lines = _table_lines(text, f"{name}.successors")
    out: dict[str, Successor] = {}
    for source, value in dict(table.get("successors", {})).items():
        target = value.get("to", "") if isinstance(value, dict) else ""
        why = value.get("why", "") if isinstance(value, dict) else ""
        spec, sep, rest = str(target).partition(":")
        if not (sep and spec in specs and "." in rest and str(why).strip()) or ":" in str(source):
            raise UsageError(
                f'{where} successors: {source!r}: expected "PKGDIR.NAME" = {{ to = "SPEC:PKGDIR.NAME", why = '
                f"\"...\" }} with SPEC one of {', '.join(sorted(specs)) or 'the today releases (none declared)'}",
            )
        out[f"{name}:{source}"] = Successor(str(target), str(why).strip(), lines.get(str(source), 0))
    return MappingProxyType(out)


_KEY = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*=|^\s*([A-Za-z0-9_-]+)\s*=')


def _table_lines(text: str, header: str) -> dict[str, int]:
    """The line (1-based) of each key of the table `[header]` in a TOML text: where `check` points."""
    out: dict[str, int] = {}
    inside = False
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == f"[{header}]"
            continue
        match = _KEY.match(line) if inside else None
        if match is not None:
            out.setdefault(match.group(1) or match.group(2), number)
    return out


def parse_upstreams(text: str, root: Path, *, source: str = UPSTREAMS_FILE, memo: bool = False) -> Upstreams:
    """Upstreams from the text of an `upstreams.toml` (see snapshots/upstreams.toml for the schema).

    With `memo`, the TOML parse is kept in the cache (`walkthrough.store`): the next process reading
    the same text does not even import the TOML parser.
    """
    if memo:
        from walkthrough.store import memoized  # noqa: PLC0415 - only the project's own file is memoized

        data = memoized("upstreams", text, lambda t: _toml(t, source))
    else:
        data = _toml(text, source)
    upstreams: dict[str, Upstream] = {}
    for name, table in data.items():
        where = f"{source} [{name}]"
        if not _NAME.match(name) or not isinstance(table, dict):
            raise UsageError(f"{where}: an upstream is a table named in lowercase letters, digits, - or _")
        pin = _pin(name, table, None, where)
        later = tuple(
            Release(
                _pin(name, item, pin.repository, f"{where} later #{i}"),
                pinned=False,
                offline=_offline(item.get("offline"), f"{where} later #{i}"),
            )
            for i, item in enumerate(table.get("later", []), 1)
        )
        today = _today(name, pin, table, where)
        upstreams[name] = Upstream(
            name=name,
            pinned=Release(pin, pinned=True, offline=_offline(table.get("offline"), where),
                           check_blobs=_blobs(table.get("check_blobs"), where)),
            later=later,
            today=today,
            moves=_moves(table, today, where),
            build=_build(name, table, where),
            successors=_successors(name, table, today, text, where),
        )
    names = [r.pin.name for u in upstreams.values() for r in (*u.today, *((u.build,) if u.build else ()))
             if r.pin.name != u.name]
    clash = sorted({n for n in names if n in upstreams or names.count(n) > 1})
    if clash:
        raise UsageError(f"{source}: today or build release name {clash[0]!r} is also an upstream or listed twice")
    return Upstreams(upstreams, root)


def _toml(text: str, source: str) -> dict[str, Any]:
    import tomllib  # noqa: PLC0415 - a memoized parse does not need it

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{source}: {exc}") from None


def load_pins(project_root: Path | None = None) -> Upstreams:
    """Read `snapshots/upstreams.toml` of the project (default: `walkthrough.paths.project_root()`)."""
    from walkthrough.paths import project_root as default_root  # noqa: PLC0415 - tests patch it

    root = (project_root or default_root()).resolve()
    path = snapshots_dir(root) / UPSTREAMS_FILE
    if not path.is_file():
        raise UsageError(
            f"no pins: {path} does not exist",
            hint="run from the walkthrough checkout or set WALKTHROUGH_PROJECT to it",
        )
    return parse_upstreams(path.read_text(encoding="utf-8"), root, source=str(path), memo=True)
