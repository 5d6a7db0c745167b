"""The graph drivers of the docker layout model: where a layer's files go under `<root>/<driver>`.

AUFS (Docker 1.12's default on Ubuntu) keeps `diff/<id>` (the layer's own files, whiteouts as
files), `layers/<id>` (its parents) and `mnt/<id>`; vfs, which needs no kernel support, keeps
`dir/<id>` holding the whole tree with the parent copied in, and applies a layer with pkg/archive
(walkthrough.reimpl.docker._archive). The layer store (walkthrough.reimpl.docker.layout) asks a driver
to create, remove, apply a diff and run the daemon's init function; both drivers answer the same calls.
"""

from __future__ import annotations

import io
import os
import posixpath
import shutil
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from walkthrough.reimpl import mirrors
from walkthrough.reimpl.docker import ids
from walkthrough.reimpl.docker._archive import (
    LayoutError,
    Tree,
    UnpackError,
    copy_tree,
    read_tree,
    remove_tree,
    safe_member_path,
    unpack_layer,
    write_tree,
)

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass
class AppliedDiff:
    """What applying one layer tar did: the size AUFS reports and what was not materialised."""

    size: int
    skipped: list[str] = field(default_factory=list)


@mirrors("docker:daemon/graphdriver/aufs.Driver", "docker:daemon/graphdriver/aufs.Init")
class AufsDriver:
    """The parts of daemon/graphdriver/aufs that leave files behind: diff/, layers/ and mnt/."""

    name = "aufs"

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        ids.mkdir_all(self.home, 0o700)
        for p in ("mnt", "diff", "layers"):
            (self.home / p).mkdir(mode=0o700, exist_ok=True)

    @mirrors("docker:daemon/graphdriver/aufs.Driver.Create")
    def create(self, layer_id: str, parent: str) -> None:
        """mnt/<id> and diff/<id>, and layers/<id> listing the parent then the parent's own list."""
        for p in ("mnt", "diff"):
            ids.mkdir_all(self.home / p / layer_id, 0o755)
        lines = ""
        if parent != "":
            lines = parent + "\n" + "".join(line + "\n" for line in self.get_parent_ids(parent))
        (self.home / "layers" / layer_id).write_text(lines)

    @mirrors("docker:daemon/graphdriver/aufs.Driver.CreateReadWrite")
    def create_read_write(self, layer_id: str, parent: str) -> None:
        self.create(layer_id, parent)

    @mirrors("docker:daemon/graphdriver/aufs.getParentIds")
    def get_parent_ids(self, layer_id: str) -> list[str]:
        text = (self.home / "layers" / layer_id).read_text()
        return [line for line in text.split("\n") if line != ""]

    @mirrors("docker:daemon/graphdriver/aufs.Driver.Remove")
    def remove(self, layer_id: str) -> None:
        for p in ("mnt", "diff"):
            shutil.rmtree(self.home / p / layer_id, ignore_errors=True)
        (self.home / "layers" / layer_id).unlink(missing_ok=True)

    def diff_dir(self, layer_id: str) -> Path:
        return self.home / "diff" / layer_id

    def cut_stream_error(self, _layer_id: str, _prefix: bytes, reason: str) -> str:
        """ApplyDiff of a stream that ends early: the stream's error (how AUFS's untar words it is not modelled)."""
        return reason

    def run_init(self, layer_id: str, init: Callable[[Path], None]) -> None:
        """Get, the daemon's init function, Put: AUFS would mount; its writes land in diff/<id>."""
        init(self.diff_dir(layer_id))

    @mirrors("docker:daemon/graphdriver/aufs.Driver.ApplyDiff")
    def apply_diff(self, layer_id: str, tar_stream: bytes) -> AppliedDiff:
        """Untar into diff/<id> (AUFS whiteouts `.wh.*` stay as files) and return DiffSize.

        DiffSize is pkg/directory.Size over the directory: every non-directory of non-zero size,
        each inode once. It is computed here from the tar headers (regular files by size, a symlink
        by the length of its target, a hard link not again), so it does not depend on what is
        materialised.
        """
        target = self.diff_dir(layer_id)
        applied = AppliedDiff(size=0)
        try:
            with tarfile.open(fileobj=io.BytesIO(tar_stream), mode="r:") as tar:
                for member in tar:
                    self._apply_member(tar, member, target, applied)
        except tarfile.TarError as exc:
            raise LayoutError(f"layer {layer_id[:12]}: not a readable tar stream: {exc}") from None
        return applied

    def _apply_member(self, tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path, applied: AppliedDiff) -> None:
        """One member: directories and regular files are written (modes forced), the rest only counted."""
        rel = safe_member_path(member.name)
        try:
            if member.isdir():
                ids.mkdir_all(target / rel, 0o755)
            elif member.isreg():
                ids.mkdir_all((target / rel).parent, 0o755)
                extracted = tar.extractfile(member)
                assert extracted is not None
                (target / rel).write_bytes(extracted.read())
                os.chmod(target / rel, 0o644)
                applied.size += member.size
            elif member.issym():
                applied.size += len(member.linkname.encode())
                applied.skipped.append(f"{member.name} -> {member.linkname} (symlink)")
            else:
                applied.skipped.append(f"{member.name} ({'hard link' if member.islnk() else 'special file'})")
        except OSError as exc:
            raise LayoutError(f"cannot apply tar member {member.name!r}: {exc.strerror}") from None


@mirrors("docker:daemon/graphdriver/vfs.Driver", "docker:daemon/graphdriver/vfs.Init",
         "docker:daemon/graphdriver.NaiveDiffDriver")
class VfsDriver:
    """The driver that needs no kernel support: `<home>/dir/<id>` holds a layer's whole tree, parent copied in.

    Layers are kept as trees in memory (the model's stand-in for the chroot Go unpacks in) and
    written out after every change.
    """

    name = "vfs"

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        ids.mkdir_all(self.home, 0o700)
        self.trees: dict[str, Tree] = {}

    @mirrors("docker:daemon/graphdriver/vfs.Driver.dir")
    def diff_dir(self, layer_id: str) -> Path:
        """`<home>/dir/<id>`: the layer's whole tree (the name the AUFS driver's diff directory has here)."""
        return self.home / "dir" / posixpath.basename(layer_id)

    @mirrors("docker:daemon/graphdriver/vfs.Driver.Create")
    def create(self, layer_id: str, parent: str) -> None:
        """The directory (0755 under a 0700 `dir/`), holding a copy of the parent's tree."""
        ids.mkdir_all(self.diff_dir(layer_id).parent, 0o700)
        self.trees[layer_id] = copy_tree(self.trees[parent]) if parent else {}
        write_tree(self.trees[layer_id], self.diff_dir(layer_id))

    @mirrors("docker:daemon/graphdriver/vfs.Driver.CreateReadWrite")
    def create_read_write(self, layer_id: str, parent: str) -> None:
        self.create(layer_id, parent)

    @mirrors("docker:daemon/graphdriver/vfs.Driver.Remove")
    def remove(self, layer_id: str) -> None:
        self.trees.pop(layer_id, None)
        remove_tree(self.diff_dir(layer_id))

    @mirrors("docker:daemon/graphdriver.NaiveDiffDriver.ApplyDiff")
    def apply_diff(self, layer_id: str, tar_stream: bytes) -> AppliedDiff:
        """UnpackLayer into the layer's tree; the size is what UnpackLayer counts, every header's size."""
        try:
            size = unpack_layer(self.trees[layer_id], tar_stream)
        except UnpackError as exc:  # the child reports on stderr and exits 1
            raise LayoutError(f"ApplyLayer exit status 1 stdout:  stderr: {exc}") from None
        write_tree(self.trees[layer_id], self.diff_dir(layer_id))
        return AppliedDiff(size=size)

    @mirrors("docker:pkg/chrootarchive.applyLayerHandler@diff_unix.go")
    def cut_stream_error(self, layer_id: str, prefix: bytes, reason: str) -> str:
        """ApplyDiff of a stream that ends early with `reason`: the unpacking child sees `prefix`, then EOF.

        Ending there is a clean end of the tar for the child, which reports the sizes it read; the error
        is then the stream's, unless the child failed on its own.
        """
        try:
            ended = prefix + bytes(-len(prefix) % 512 + 1024)  # Go's reader takes the early EOF as the end
            size = unpack_layer(copy_tree(self.trees[layer_id]), ended)
        except UnpackError as exc:
            return f"ApplyLayer exit status 1 stdout:  stderr: {exc}"
        return f'ApplyLayer {reason} stdout: {{"layerSize":{size}}}\n stderr: '

    def run_init(self, layer_id: str, init: Callable[[Path], None]) -> None:
        """Get, the daemon's init function on the directory, Put; the tree is read back from what it wrote."""
        init(self.diff_dir(layer_id))
        self.trees[layer_id] = read_tree(self.diff_dir(layer_id))
