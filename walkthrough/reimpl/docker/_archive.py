"""A layer's files as Docker 1.12.3 applies a layer tar, and tar-split's record of that tar.

`unpack_layer` is pkg/archive's UnpackLayer (what ApplyDiff of the vfs driver and of every
naive-diff driver runs inside its chroot), working on an in-memory tree of the layer directory that
`write_tree` writes out with its links and modes, never through them: whiteouts, opaque directories,
hard links sharing an inode, parents created 0600, an existing entry replaced unless both are
directories, directory times set at the end. `tar_split_entries`/`tar_split_json` are vendored
tar-split's record of the stream (layerdb's tar-split.json.gz), CRC-64 payloads included.
`LayoutError` is the base of every error of the docker layout model (walkthrough.reimpl.docker.layout).
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import posixpath
import shutil
import stat
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from walkthrough.errors import WalkthroughError
from walkthrough.reimpl import mirrors
from walkthrough.reimpl.docker import _gojson

if TYPE_CHECKING:
    from collections.abc import Iterator


class LayoutError(WalkthroughError):
    """An error of the load or of the stores (Go's message where Go has one)."""


def safe_member_path(name: str) -> PurePosixPath:
    """A tar member name as a relative path that stays inside its directory, or LayoutError."""
    if not name or "\\" in name or any(ord(c) < 0x20 for c in name):
        raise LayoutError(f"refusing tar member {name!r}: empty, backslash or control character in its name")
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise LayoutError(f"refusing tar member {name!r}: absolute path or '..' would leave the layer directory")
    return path


@dataclass(eq=False)
class Inode:
    """A regular file's bytes and mode, shared by its hard links."""

    data: bytes
    mode: int


@dataclass(eq=False)
class Node:
    """One entry of a layer tree: a directory (mode), a file (its inode) or a symbolic link (target)."""

    kind: str
    mode: int = 0o755
    inode: Inode | None = None
    target: str = ""


Tree = dict[str, Node]
"""A layer's files by path relative to the layer directory ("a/b"); the directory itself is not in it."""

WHITEOUT_PREFIX = ".wh."
WHITEOUT_META_PREFIX = ".wh..wh."
WHITEOUT_OPAQUE_DIR = ".wh..wh..opq"


def go_clean(name: str) -> str:
    """path/filepath.Clean (POSIX): normpath, except that a leading `//` is one slash as any other run."""
    if name == "":
        return "."
    cleaned = posixpath.normpath(name)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def _in_root(name: str) -> str:
    """A cleaned name joined to the chroot's "/", relative to it ("" for the root): `..` cannot leave it."""
    return go_clean("/" + name).lstrip("/")


def _children(tree: Tree, directory: str) -> list[str]:
    """The paths directly under `directory` ("" for the root), in name order (as filepath.Walk reads them)."""
    prefix = directory + "/" if directory else ""
    return sorted(p for p in tree if p.startswith(prefix) and "/" not in p[len(prefix):])


def _remove_all(tree: Tree, path: str) -> None:
    """os.RemoveAll: the entry and, for a directory, everything under it."""
    for p in [p for p in tree if p == path or p.startswith(path + "/")]:
        del tree[p]


@mirrors("docker:pkg/archive.UnpackLayer")
def unpack_layer(tree: Tree, tar_stream: bytes) -> int:
    """Apply a layer tar to a directory tree as UnpackLayer does inside its chroot; the sum of the header sizes.

    A whiteout `.wh.NAME` removes NAME and is not created; `.wh..wh..opq` removes everything in its
    directory this layer has not unpacked; other `.wh..wh.*` names at the top are skipped. A missing
    parent directory is created with mode 0600 (MkdirAll under umask 0). An existing entry is replaced
    unless both it and the new one are directories (then only the mode changes). A hard link shares
    its target's inode and sets its mode; a symbolic link is created as it is, never followed.
    """
    size = 0
    unpacked: set[str] = set()
    dirs: list[str] = []
    try:
        with tarfile.open(fileobj=io.BytesIO(tar_stream), mode="r:") as tar:
            for member in tar:
                size += member.size
                name = go_clean(member.name)
                path = _in_root(name)
                if path:
                    _make_parents(tree, path)
                if name.startswith(WHITEOUT_META_PREFIX) and name != WHITEOUT_OPAQUE_DIR:
                    continue  # AUFS metadata (hard-link stash .wh..wh.plnk is not modelled)
                base = posixpath.basename(path) if path else "/"
                if base.startswith(WHITEOUT_PREFIX):
                    _whiteout(tree, path, base, unpacked)
                    continue
                existing = tree.get(path)
                if existing is not None and not (existing.kind == "dir" and member.isdir()):
                    _remove_all(tree, path)
                _create(tree, path, member, tar)
                if member.isdir():
                    dirs.append(path)
                unpacked.add(path)
    except tarfile.TarError as exc:
        raise LayoutError(f"not a readable tar stream: {exc}") from None
    for path in dirs:  # directory times are set last; one removed since is an error (Chtimes follows links)
        if problem := _resolve(tree, path):
            raise UnpackError(f"chtimes /{path}: {problem}")
    return size


class UnpackError(LayoutError):
    """UnpackLayer failed inside its chroot (paths in the message are rooted at the layer directory)."""


MAXSYMLINKS = 40
ELOOP = "too many levels of symbolic links"
ENOENT = "no such file or directory"
ENOTDIR = "not a directory"


def _resolve(tree: Tree, path: str) -> str:
    """What stat(2) of `/path` in the chroot meets: "" when it finds an entry, else the errno's text.

    Every symbolic link on the way is followed, the last one too; more than 40 is ELOOP, as in Linux.
    """
    pending = [p for p in path.split("/") if p]
    current: list[str] = []
    hops = 0
    while pending:
        part = pending.pop(0)
        if part == ".":
            continue
        if part == "..":
            current = current[:-1]
            continue
        if current and tree["/".join(current)].kind != "dir":
            return ENOTDIR
        node = tree.get("/".join([*current, part]))
        if node is None:
            return ENOENT
        if node.kind == "symlink":
            hops += 1
            if hops > MAXSYMLINKS:
                return ELOOP
            if node.target.startswith("/"):
                current = []
            pending = [p for p in node.target.split("/") if p] + pending
            continue
        current.append(part)
    return ""


def _make_parents(tree: Tree, path: str) -> None:
    parent = posixpath.dirname(path)
    missing = []
    while parent and parent not in tree:
        missing.append(parent)
        parent = posixpath.dirname(parent)
    for directory in reversed(missing):
        tree[directory] = Node("dir", 0o600)


def _whiteout(tree: Tree, path: str, base: str, unpacked: set[str]) -> None:
    directory = posixpath.dirname(path)
    if base != WHITEOUT_OPAQUE_DIR:
        _remove_all(tree, posixpath.join(directory, base[len(WHITEOUT_PREFIX):]))
        return
    if directory and directory not in tree:
        raise UnpackError(f"lstat /{directory}: no such file or directory")

    def walk(d: str) -> None:
        for child in _children(tree, d):
            if child not in tree:
                continue
            if child not in unpacked:
                _remove_all(tree, child)
            elif tree[child].kind == "dir":
                walk(child)

    walk(directory)


def _create(tree: Tree, path: str, member: tarfile.TarInfo, tar: tarfile.TarFile) -> None:
    """createTarFile for directories, regular files, hard and symbolic links (mode from the header)."""
    mode = member.mode & 0o7777
    if member.isdir():
        node = tree.get(path)
        if node is None or node.kind != "dir":
            node = tree[path] = Node("dir")
        node.mode = mode
    elif member.isreg():
        extracted = tar.extractfile(member)
        assert extracted is not None
        tree[path] = Node("file", inode=Inode(extracted.read(), mode))
    elif member.islnk():
        target = tree.get(_in_root(go_clean(member.linkname)))
        if target is None or target.kind == "dir":
            raise LayoutError(f"hard link {member.name!r} -> {member.linkname!r}: no such file to link")
        tree[path] = Node(target.kind, target.mode, target.inode, target.target)
        if target.inode is not None:
            target.inode.mode = mode
    elif member.issym():
        tree[path] = Node("symlink", 0o777, target=member.linkname)
    else:
        raise LayoutError(f"tar member {member.name!r}: device nodes and fifos are not modelled")


def copy_tree(tree: Tree) -> Tree:
    """chrootarchive.CopyWithTar of a layer directory: the same entries and modes, hard links kept together."""
    inodes: dict[int, Inode] = {}
    out: Tree = {}
    for path, node in tree.items():
        inode = None
        if node.inode is not None:
            inode = inodes.setdefault(id(node.inode), Inode(node.inode.data, node.inode.mode))
        out[path] = Node(node.kind, node.mode, inode, node.target)
    return out


OWNER_ENTERS = 0o500
"""The owner's read and search bits: root needs neither, to list a directory and reach what it holds."""


@contextlib.contextmanager
def entered(directory: Path) -> Iterator[None]:
    """Let the owner list `directory` and reach its entries for a while, whatever its mode.

    Docker runs as root, for whom a 0600 or 0644 directory is open; the model may run as its owner
    (a CI runner), who can always chmod what it made: the mode is set back afterwards.
    """
    mode = stat.S_IMODE(directory.lstat().st_mode)
    if mode & OWNER_ENTERS == OWNER_ENTERS:
        yield
        return
    os.chmod(directory, mode | OWNER_ENTERS)
    try:
        yield
    finally:
        os.chmod(directory, mode)


def remove_tree(directory: Path) -> None:
    """shutil.rmtree, also for a user without root's privileges: every directory below is made the owner's first."""
    if not directory.exists():
        return
    os.chmod(directory, 0o700)
    for parent, names, _files in os.walk(directory):  # top-down: each directory opened before os.walk enters it
        for name in names:
            path = os.path.join(parent, name)
            if not os.path.islink(path):  # chmod would follow a link
                os.chmod(path, 0o700)
    shutil.rmtree(directory)


def write_tree(tree: Tree, directory: Path) -> None:
    """Make `directory` hold exactly `tree`.

    Nothing is written through a link: every parent in a tree is a directory.
    """
    remove_tree(directory)
    directory.mkdir(mode=0o755)
    os.chmod(directory, 0o755)  # noqa: S103 - what vfs's Create makes, whatever the umask
    linked: dict[int, Path] = {}
    for path in sorted(tree, key=lambda p: p.split("/")):
        node, target = tree[path], directory / path
        if node.kind == "dir":
            target.mkdir(mode=0o700)
        elif node.kind == "symlink":
            os.symlink(node.target, target)
        elif node.inode is not None and id(node.inode) in linked:
            os.link(linked[id(node.inode)], target)
        elif node.inode is not None:
            target.write_bytes(node.inode.data)
            linked[id(node.inode)] = target
    for path in sorted(tree, key=lambda p: p.split("/"), reverse=True):  # modes last: a 0600 directory stays writable
        node = tree[path]
        if node.kind != "symlink":
            os.chmod(directory / path, node.inode.mode if node.inode is not None else node.mode)


def read_tree(directory: Path) -> Tree:
    """The tree a directory holds (after something other than the model wrote into it)."""
    tree: Tree = {}
    inodes: dict[tuple[int, int], Inode] = {}

    def read(below: Path) -> None:
        for path in sorted(below.iterdir()):
            rel, st = path.relative_to(directory).as_posix(), path.lstat()
            if stat.S_ISDIR(st.st_mode):
                tree[rel] = Node("dir", stat.S_IMODE(st.st_mode))
                with entered(path):
                    read(path)
            elif stat.S_ISLNK(st.st_mode):
                tree[rel] = Node("symlink", 0o777, target=os.readlink(path))
            else:
                key = (st.st_dev, st.st_ino)
                if key not in inodes:
                    inodes[key] = Inode(path.read_bytes(), stat.S_IMODE(st.st_mode))
                tree[rel] = Node("file", inode=inodes[key])

    with entered(directory):
        read(directory)  # depth first, names sorted: the order of the paths' parts
    return tree


def _crc64_table() -> list[int]:
    poly = 0xD800000000000000  # crc64.ISO, reversed
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC64_ISO = _crc64_table()


def crc64_iso(data: bytes) -> bytes:
    """hash/crc64 with the ISO table, Sum(nil): the checksum tar-split keeps for each file."""
    crc = 0xFFFFFFFFFFFFFFFF
    for b in data:
        crc = _CRC64_ISO[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return (crc ^ 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")


def _go_header_name(tar_stream: bytes, member: tarfile.TarInfo) -> str:
    """The name Go's tar reader reports.

    the PAX path, else ustar prefix/name as stored (a directory keeps its trailing slash, which Python's tarfile
    strips).
    """
    if "path" in member.pax_headers:
        return member.pax_headers["path"]
    header = tar_stream[member.offset_data - 512: member.offset_data]
    if member.offset_data - member.offset > 512:  # a GNU long name block precedes the header
        return member.name + ("/" if member.isdir() else "")
    name = header[0:100].split(b"\0", 1)[0]
    if header[257:263] in (b"ustar\x00", b"ustar "):
        prefix = header[345:500].split(b"\0", 1)[0]
        if prefix:
            name = prefix + b"/" + name
    return name.decode("utf-8", errors="surrogateescape")


@mirrors("docker:vendor/src/github.com/vbatts/tar-split/tar/asm.NewInputTarStream")
def tar_split_entries(tar_stream: bytes) -> list[dict[str, object]]:
    """The tar-split metadata of a layer.

    every byte that is not file content (headers, padding, the end-of-archive blocks and the trailing record padding) as
    base64 segments, and for each member its name, size and crc64, so that the exact tar (and so its diff ID) can be
    rebuilt from diff/<cache-id>.
    """
    entries: list[dict[str, object]] = []

    def segment(payload: bytes) -> None:
        entries.append({"type": 2, "payload": base64.b64encode(payload).decode()})

    prev_end = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(tar_stream), mode="r:") as tar:
            for member in tar:
                if raw := tar_stream[prev_end:member.offset_data]:
                    segment(raw)
                content = tar_stream[member.offset_data:member.offset_data + member.size]
                entry: dict[str, object] = {"type": 1, "name": _go_header_name(tar_stream, member)}
                if member.size:
                    entry["size"] = member.size
                entry["payload"] = base64.b64encode(crc64_iso(content)).decode() if member.size > 0 else None
                entries.append(entry)
                prev_end = member.offset_data + member.size
    except tarfile.TarError as exc:
        raise LayoutError(f"not a readable tar stream: {exc}") from None
    # Go's reader consumes the last padding and the two zero blocks; the rest is read as a remainder.
    padded = -(-prev_end // 512) * 512
    end_of_archive = min(padded + 1024, len(tar_stream))
    if raw := tar_stream[prev_end:end_of_archive]:
        segment(raw)
    segment(tar_stream[end_of_archive:])
    for position, entry in enumerate(entries):
        entry["position"] = position
    return entries


ErrDuplicatePath = "duplicates of file paths not supported"


@mirrors("docker:vendor/src/github.com/vbatts/tar-split/tar/storage.jsonPacker.AddEntry")
def first_duplicate(tar_stream: bytes) -> int | None:
    """Where the first member whose cleaned name an earlier member had ends (its header and content are read)."""
    seen: set[str] = set()
    try:
        with tarfile.open(fileobj=io.BytesIO(tar_stream), mode="r:") as tar:
            for member in tar:
                name = go_clean(_go_header_name(tar_stream, member))
                if name in seen:
                    return member.offset_data + member.size
                seen.add(name)
    except tarfile.TarError:
        return None
    return None


@mirrors("docker:vendor/src/github.com/vbatts/tar-split/tar/storage.NewJSONPacker")
def tar_split_json(entries: list[dict[str, object]]) -> bytes:
    """The JSON packer's stream: one JSON object per line, Go field order (type, name, size, payload, position)."""
    lines = []
    for e in entries:
        parts = [f'"type":{e["type"]}']
        if e.get("name"):
            parts.append('"name":' + _gojson.encode_string(str(e["name"])))
        if e.get("size"):
            parts.append(f'"size":{e["size"]}')
        parts.append('"payload":' + ("null" if e["payload"] is None else f'"{e["payload"]}"'))
        parts.append(f'"position":{e["position"]}')
        lines.append("{" + ",".join(parts) + "}\n")
    return "".join(lines).encode()
