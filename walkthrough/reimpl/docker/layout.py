"""What `docker load` of a saved image writes under /var/lib/docker with the AUFS driver (Docker 1.12.3).

`docker save` writes a tar with `manifest.json`, the image config `<image hex>.json` and one directory
per layer named by a v1 ID holding `layer.tar`. Loading it (image/tarexport/load.go) registers each
layer with the layer store, bottom up, and then the config with the image store:

    <root>/image/aufs/imagedb/content/sha256/<image hex>     the config bytes; their sha256 is the image ID
    <root>/image/aufs/imagedb/metadata/sha256/<hex>/parent   only for images with a parent image
    <root>/image/aufs/layerdb/sha256/<chain hex>/            one directory per chain ID:
        diff  size  cache-id  parent  tar-split.json.gz      (parent absent for the base layer)
    <root>/image/aufs/layerdb/tmp/                          transactions are written here, then renamed
    <root>/image/aufs/layerdb/mounts/<container id>/         mount-id, init-id, parent (per container)
    <root>/image/aufs/distribution/                          registry digest mappings (pull/push only)
    <root>/image/aufs/repositories.json                      {"Repositories": {name: {ref: image ID}}}
    <root>/aufs/diff/<cache-id>/                             the layer's files; <mount-id>-init for containers
    <root>/aufs/layers/<cache-id>                            parent cache-ids, nearest first
    <root>/aufs/mnt/<cache-id>/                              union mount points (empty until mounted)

cache-ids and mount-ids are random: they are *not* content digests, which is why the AUFS
directories cannot be matched to layers without reading layerdb/*/cache-id.

This model writes all of that for real under a root you choose, with the AUFS driver (the default) or
the vfs driver (`Daemon.open(root, driver="vfs")`: `<root>/vfs/dir/<cache-id>/` holds each layer's
whole tree, its parent copied in and the layer unpacked over it as UnpackLayer does, whiteouts and
opaque directories applied). Layers are reference-counted as in Go: what a failed load registered and
no image holds is deleted again. `walkthrough parity --live --model docker_layout` compares the vfs
layout, file by file, with Docker v1.12.3's own stores. The two drivers are in `_graphdriver`, and
how a layer tar is applied (pkg/archive) and recorded (tar-split) in `_archive`; this module holds the
stores and the load.

Still simplified: nothing is mounted (AUFS's init layer is written into its diff directory, where AUFS
would put it); the AUFS driver does not materialise symbolic links, hard links or device nodes (they
are counted and listed, never created, so that a hostile archive cannot write outside the root), its
size is computed from the tar headers, and its wording of a stream error is not Go's; the vfs driver
unpacks into a tree in memory (written out with links, never through one) and does not model member
paths that pass through a symbolic link, device nodes and fifos, the `.wh..wh.plnk` hard-link stash,
owners and times; pre-1.10 archives (no manifest.json) load only when they hold no image directory;
`LayerSources` of manifest.json is ignored.

Run `python -m walkthrough.reimpl.docker.layout [ARCHIVE.tar] [--root DIR] [--container ID]`; without
an archive it builds a small two-layer sample.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import posixpath
import shutil
import stat
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from walkthrough.errors import InputError, WalkthroughError
from walkthrough.reimpl import _seams, mirrors
from walkthrough.reimpl._gofmt import sprintf
from walkthrough.reimpl.docker import _gojson, ids, reference
from walkthrough.reimpl.docker._archive import (
    ErrDuplicatePath,
    LayoutError,
    first_duplicate,
    go_clean,
    safe_member_path,
    tar_split_entries,
    tar_split_json,
)
from walkthrough.reimpl.docker._graphdriver import AufsDriver, VfsDriver

MAX_LAYER_DEPTH = 125
RandomBytes = Callable[[int], bytes]


# -- ids -------------------------------------------------------------------------------------------


@mirrors("docker:pkg/stringid.GenerateRandomID")
def generate_random_id(random_bytes: RandomBytes = _seams.random_bytes) -> str:
    """64 random hex characters, redrawn while the first 12 are all digits.

    Such a prefix would parse as an int, and such IDs once broke hostnames.
    """
    while True:
        candidate = random_bytes(32).hex()
        if not candidate[:12].isdigit():
            return candidate


# -- the daemon's paths ----------------------------------------------------------------------------


@mirrors("docker:daemon.NewDaemon")
@dataclass(frozen=True)
class DaemonPaths:
    """Where NewDaemon puts each store.

    image/<driver>/{layerdb,imagedb,distribution,repositories.json} and the driver's own home <root>/<driver>.
    """

    root: Path
    driver: str = "aufs"

    @property
    def image_root(self) -> Path:
        return self.root / "image" / self.driver

    @property
    def layerdb(self) -> Path:
        return self.image_root / "layerdb"

    @property
    def imagedb(self) -> Path:
        return self.image_root / "imagedb"

    @property
    def distribution(self) -> Path:
        return self.image_root / "distribution"

    @property
    def repositories_json(self) -> Path:
        return self.image_root / "repositories.json"

    @property
    def driver_home(self) -> Path:
        return self.root / self.driver


# -- layer metadata ------------------------------------------------------------------------------


@mirrors("docker:layer.fileMetadataTransaction")
class MetadataTransaction:
    """A layer's metadata being written in layerdb/tmp/layer-*, renamed into place on commit."""

    def __init__(self, store: FileMetadataStore, root: Path) -> None:
        self.store = store
        self.root = root

    @mirrors("docker:layer.fileMetadataTransaction.SetSize")
    def set_size(self, size: int) -> None:
        (self.root / "size").write_text(str(size))

    @mirrors("docker:layer.fileMetadataTransaction.SetParent")
    def set_parent(self, parent: ids.ChainID) -> None:
        (self.root / "parent").write_text(parent)

    @mirrors("docker:layer.fileMetadataTransaction.SetDiffID")
    def set_diff_id(self, diff: ids.DiffID) -> None:
        (self.root / "diff").write_text(diff)

    @mirrors("docker:layer.fileMetadataTransaction.SetCacheID")
    def set_cache_id(self, cache_id: str) -> None:
        (self.root / "cache-id").write_text(cache_id)

    @mirrors("docker:layer.fileMetadataTransaction.TarSplitWriter")
    def write_tar_split(self, tar_stream: bytes) -> None:
        with gzip.GzipFile(self.root / "tar-split.json.gz", "wb", mtime=0) as f:
            f.write(tar_split_json(tar_split_entries(tar_stream)))

    @mirrors("docker:layer.fileMetadataTransaction.Commit")
    def commit(self, layer: ids.ChainID) -> None:
        final_dir = self.store.get_layer_directory(layer)
        ids.mkdir_all(final_dir.parent, 0o755)
        os.rename(self.root, final_dir)

    @mirrors("docker:layer.fileMetadataTransaction.Cancel")
    def cancel(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@mirrors("docker:layer.fileMetadataStore", "docker:layer.NewFSMetadataStore")
class FileMetadataStore:
    """layer/filestore.go: layerdb/sha256/<chain hex>/ and layerdb/mounts/<name>/."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        ids.mkdir_all(self.root, 0o700)

    @mirrors("docker:layer.fileMetadataStore.getLayerDirectory")
    def get_layer_directory(self, layer: ids.ChainID) -> Path:
        algorithm, hex_part = layer.split(":", 1)
        return self.root / algorithm / hex_part

    @mirrors("docker:layer.fileMetadataStore.getMountDirectory")
    def get_mount_directory(self, mount: str) -> Path:
        return self.root / "mounts" / mount

    @mirrors("docker:layer.fileMetadataStore.StartTransaction")
    def start_transaction(self) -> MetadataTransaction:
        tmp_dir = self.root / "tmp"
        ids.mkdir_all(tmp_dir, 0o755)
        return MetadataTransaction(self, Path(tempfile.mkdtemp(dir=tmp_dir, prefix="layer-")))

    @mirrors("docker:layer.fileMetadataStore.SetMountID")
    def set_mount_id(self, mount: str, mount_id: str) -> None:
        ids.mkdir_all(self.get_mount_directory(mount), 0o755)
        (self.get_mount_directory(mount) / "mount-id").write_text(mount_id)

    @mirrors("docker:layer.fileMetadataStore.SetInitID")
    def set_init_id(self, mount: str, init: str) -> None:
        ids.mkdir_all(self.get_mount_directory(mount), 0o755)
        (self.get_mount_directory(mount) / "init-id").write_text(init)

    @mirrors("docker:layer.fileMetadataStore.SetMountParent")
    def set_mount_parent(self, mount: str, parent: ids.ChainID) -> None:
        ids.mkdir_all(self.get_mount_directory(mount), 0o755)
        (self.get_mount_directory(mount) / "parent").write_text(parent)


@mirrors("docker:layer.roLayer")
@dataclass(eq=False)
class RoLayer:
    """A read-only layer: its chain ID, diff ID, random cache-id, size and parent."""

    chain_id: ids.ChainID
    diff_id: ids.DiffID
    cache_id: str
    size: int
    parent: RoLayer | None
    skipped: list[str] = field(default_factory=list)
    reference_count: int = 0
    """Holders: the caller that registered or got it, each child layer, each image, each container."""

    @mirrors("docker:layer.roLayer.depth")
    def depth(self) -> int:
        return 1 if self.parent is None else self.parent.depth() + 1


@mirrors("docker:layer.mountedLayer")
@dataclass(eq=False)
class MountedLayer:
    """A container's read-write layer."""

    name: str
    mount_id: str
    init_id: str
    parent: RoLayer | None


@mirrors("docker:daemon.setupInitLayer@daemon_unix.go")
def setup_init_layer(init_layer: Path) -> None:
    """The mount points and files every container's init layer holds (bind-mount targets).

    Each path's components are unlinked first (a file or link the image put there goes; a directory
    stays), so nothing below is reached through a link; then what is missing is created.
    """
    for pth, typ in {"/dev/pts": "dir", "/dev/shm": "dir", "/proc": "dir", "/sys": "dir", "/.dockerenv": "file",  # noqa: S108 - paths in the layer
                     "/etc/resolv.conf": "file", "/etc/hosts": "file", "/etc/hostname": "file",
                     "/dev/console": "file", "/etc/mtab": "/proc/mounts"}.items():
        parts = pth.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            component = init_layer.joinpath(*parts[:i])
            if component.is_symlink() or (component.exists() and not component.is_dir()):
                component.unlink()
        target = init_layer.joinpath(*parts)
        if target.exists():
            continue
        ids.mkdir_all(target.parent, 0o755)
        if typ == "dir":
            ids.mkdir_all(target, 0o755)
        elif typ == "file":
            target.touch(mode=0o755)
        else:
            os.symlink(typ, target)  # our own fixed link inside our own tree; nothing is written through it


Driver = AufsDriver | VfsDriver
MountInit = Callable[[Path], None]


@mirrors("docker:layer.layerStore")
class LayerStore:
    """layer/layer_store.go: registers layer tars with the driver and the metadata store.

    A layer lives while something holds it: `get` and `register` hand out a reference, `release`
    returns one, and the last release deletes the layer (driver directory and metadata), then
    releases its parent the same way.
    """

    def __init__(
        self, store: FileMetadataStore, driver: Driver, random_bytes: RandomBytes = _seams.random_bytes
    ) -> None:
        self.store = store
        self.driver = driver
        self.random_bytes = random_bytes
        self.layer_map: dict[ids.ChainID, RoLayer] = {}
        self.mounts: dict[str, MountedLayer] = {}

    @mirrors("docker:layer.layerStore.Get")
    def get(self, chain_id: ids.ChainID) -> RoLayer | None:
        """The layer, with one more reference held by the caller; None when there is none."""
        layer = self.layer_map.get(chain_id)
        if layer is not None:
            layer.reference_count += 1
        return layer

    @mirrors("docker:layer.layerStore.Release", "docker:layer.layerStore.releaseLayer")
    def release(self, layer: RoLayer) -> None:
        """Drop one reference; a layer nothing holds is deleted, and its parent released in turn."""
        current: RoLayer | None = layer
        while current is not None and self.layer_map.get(current.chain_id) is current:
            current.reference_count -= 1
            if current.reference_count != 0:
                return
            self.driver.remove(current.cache_id)
            shutil.rmtree(self.store.get_layer_directory(current.chain_id), ignore_errors=True)
            del self.layer_map[current.chain_id]
            current = current.parent

    @mirrors("docker:layer.layerStore.applyTar")
    def apply_tar(self, tx: MetadataTransaction, ts: bytes, parent: str, layer: RoLayer) -> None:
        """Hash the stream (the diff ID), keep its tar-split, and let the driver unpack it."""
        duplicate = first_duplicate(ts)
        if duplicate is not None:
            # tar-split's packer refuses the entry: the tee has passed its header to the driver, then the stream ends
            raise LayoutError(self.driver.cut_stream_error(layer.cache_id, ts[:duplicate], ErrDuplicatePath))
        tx.write_tar_split(ts)
        applied = self.driver.apply_diff(layer.cache_id, ts)
        layer.size = applied.size
        layer.skipped = applied.skipped
        layer.diff_id = ids.diff_id_of(ts)

    @mirrors("docker:layer.layerStore.registerWithDescriptor")
    def register(self, ts: bytes, parent: ids.ChainID) -> RoLayer:
        """A fresh random cache-id, the driver directory, metadata in a transaction.

        The new layer holds a reference to its parent. If the chain ID already exists the new copy
        is thrown away (and the parent's reference returned) and the existing layer handed out.
        """
        p: RoLayer | None = None
        pid = ""
        if parent != "":
            p = self.get(parent)
            if p is None:
                raise LayoutError("layer does not exist")
            pid = p.cache_id
            if p.depth() >= MAX_LAYER_DEPTH:
                self.release(p)
                raise LayoutError("max depth exceeded")
        layer = RoLayer(chain_id="", diff_id="", cache_id=generate_random_id(self.random_bytes), size=0, parent=p,
                        reference_count=1)
        self.driver.create(layer.cache_id, pid)
        tx = self.store.start_transaction()
        try:
            self.apply_tar(tx, ts, pid, layer)
            if layer.parent is None:
                layer.chain_id = layer.diff_id
            else:
                layer.chain_id = ids.create_chain_id_from_parent(layer.parent.chain_id, layer.diff_id)
            store_layer(tx, layer)
        except BaseException:
            self.driver.remove(layer.cache_id)
            tx.cancel()
            if p is not None:
                self.release(p)
            raise
        existing = self.get(layer.chain_id)
        if existing is not None:
            self.driver.remove(layer.cache_id)
            tx.cancel()
            if p is not None:
                self.release(p)
            return existing
        tx.commit(layer.chain_id)
        self.layer_map[layer.chain_id] = layer
        return layer

    @mirrors("docker:layer.layerStore.CreateRWLayer")
    def create_rw_layer(self, name: str, parent: ids.ChainID,
                        init: MountInit | None = setup_init_layer) -> MountedLayer:
        """A container's layer: a random mount-id, `<mount-id>-init` below it, recorded under mounts/.

        `init` is the daemon's MountInit (setupInitLayer), run on the init layer's directory.
        """
        if name in self.mounts:
            raise LayoutError("mount already exists with name")
        p: RoLayer | None = None
        pid = ""
        if parent != "":
            p = self.get(parent)
            if p is None:
                raise LayoutError("layer does not exist")
            pid = p.cache_id
        m = MountedLayer(name=name, mount_id=generate_random_id(self.random_bytes), init_id="", parent=p)
        if init is not None:
            pid = self.init_mount(m.mount_id, pid, init)
            m.init_id = pid
        self.driver.create_read_write(m.mount_id, pid)
        self.save_mount(m)
        return m

    @mirrors("docker:layer.layerStore.initMount")
    def init_mount(self, graph_id: str, parent: str, init: MountInit) -> str:
        """The init layer is named `<graph-id>-init` (graph drivers expect that name)."""
        init_id = f"{graph_id}-init"
        self.driver.create(init_id, parent)
        self.driver.run_init(init_id, init)
        return init_id

    @mirrors("docker:layer.layerStore.saveMount")
    def save_mount(self, mount: MountedLayer) -> None:
        self.store.set_mount_id(mount.name, mount.mount_id)
        if mount.init_id != "":
            self.store.set_init_id(mount.name, mount.init_id)
        if mount.parent is not None:
            self.store.set_mount_parent(mount.name, mount.parent.chain_id)
        self.mounts[mount.name] = mount


@mirrors("docker:layer.storeLayer")
def store_layer(tx: MetadataTransaction, layer: RoLayer) -> None:
    """diff, size, cache-id, and parent unless this is a base layer (no descriptor: not pulled)."""
    tx.set_diff_id(layer.diff_id)
    tx.set_size(layer.size)
    tx.set_cache_id(layer.cache_id)
    if layer.parent is not None:
        tx.set_parent(layer.parent.chain_id)


# -- repositories.json ---------------------------------------------------------------------------


@mirrors("docker:reference.store", "docker:reference.NewReferenceStore")
class ReferenceStore:
    """reference/store.go: name -> {reference string -> image ID}, saved after every change."""

    def __init__(self, json_path: Path) -> None:
        self.json_path = Path(json_path).absolute()
        self.repositories: dict[str, dict[str, str]] = {}
        if self.json_path.exists():
            self.repositories = json.loads(self.json_path.read_text())["Repositories"]
        else:
            self.save()

    @mirrors("docker:reference.store.AddTag")
    def add_tag(self, ref: reference.NamedRef, image_id: str, force: bool) -> None:
        if isinstance(ref, reference.CanonicalRef):
            raise LayoutError("refusing to create a tag with a digest reference")
        self.add_reference(reference.with_default_tag(ref), image_id, force)

    @mirrors("docker:reference.store.AddDigest")
    def add_digest(self, ref: reference.CanonicalRef, image_id: str, force: bool) -> None:
        self.add_reference(ref, image_id, force)

    @mirrors("docker:reference.store.addReference")
    def add_reference(self, ref: reference.NamedRef, image_id: str, force: bool) -> None:
        """Digests can never be re-pointed; tags only with force."""
        if ref.name() == "sha256":
            raise LayoutError("refusing to create an ambiguous tag using digest algorithm as name")
        repository = self.repositories.setdefault(ref.name(), {})
        ref_str = ref.string()
        old_id = repository.get(ref_str)
        if old_id is not None:
            if isinstance(ref, reference.CanonicalRef):
                raise LayoutError(f"Cannot overwrite digest {ref.digest()}")
            if not force:
                raise LayoutError(f"Conflict: Tag {ref_str} is already set to image {old_id}, if you want to "
                                  "replace it, please use -f option")
        repository[ref_str] = image_id
        self.save()

    @mirrors("docker:reference.store.Get")
    def get(self, ref: reference.NamedRef) -> str | None:
        ref = reference.with_default_tag(ref)
        return self.repositories.get(ref.name(), {}).get(ref.string())

    @mirrors("docker:reference.store.save")
    def save(self) -> None:
        """json.Marshal(store): only the exported Repositories map, keys sorted, written atomically."""
        repos = {name: dict(sorted(refs.items())) for name, refs in sorted(self.repositories.items())}
        data = json.dumps({"Repositories": repos}, separators=(",", ":"), ensure_ascii=False)
        ids._atomic_write(self.json_path, data.encode(), 0o600)


# -- distribution/: what a pull or push records ---------------------------------------------------

MAX_METADATA = 50


@mirrors("docker:distribution/metadata.V2MetadataService", "docker:distribution/metadata.FSMetadataStore")
class V2MetadataService:
    """Registry digests of layers, both ways.

    `v2metadata-by-diffid/sha256/<diff hex>` holds a JSON list of {Digest, SourceRepository} (the compressed blob's
    digest and where it was seen), and `diffid-by-digest/sha256/<blob hex>` holds the diff ID. Only pull and push write
    here (a load leaves distribution/ empty): it is how a push knows a layer already exists in a registry.
    """

    def __init__(self, base_path: Path) -> None:
        self.base_path = Path(base_path)
        ids.mkdir_all(self.base_path, 0o700)

    def _path(self, namespace: str, key: str) -> Path:
        return self.base_path / namespace / key

    @staticmethod
    def _key(dgst: str) -> str:
        algorithm, hex_part = dgst.split(":", 1)
        return f"{algorithm}/{hex_part}"

    @mirrors("docker:distribution/metadata.V2MetadataService.GetMetadata")
    def get_metadata(self, diff_id: ids.DiffID) -> list[dict[str, str]]:
        path = self._path("v2metadata-by-diffid", self._key(diff_id))
        return json.loads(path.read_text()) if path.exists() else []

    @mirrors("docker:distribution/metadata.V2MetadataService.GetDiffID")
    def get_diff_id(self, dgst: str) -> ids.DiffID:
        return self._path("diffid-by-digest", self._key(dgst)).read_text()

    @mirrors("docker:distribution/metadata.V2MetadataService.Add")
    def add(self, diff_id: ids.DiffID, dgst: str, source_repository: str) -> None:
        """Move (or append) this mapping to the end of the list, keep the last 50, write both files."""
        metadata = {"Digest": dgst, "SourceRepository": source_repository}
        new = [old for old in self.get_metadata(diff_id) if old != metadata] + [metadata]
        new = new[-MAX_METADATA:]
        for namespace, key, value in (
                ("v2metadata-by-diffid", self._key(diff_id), json.dumps(new, separators=(",", ":"))),
                ("diffid-by-digest", self._key(dgst), diff_id)):
            path = self._path(namespace, key)
            ids.mkdir_all(path.parent, 0o755)
            ids._atomic_write(path, value.encode(), 0o644)


# -- docker save archives ------------------------------------------------------------------------


@dataclass
class SaveArchive:
    """The files of a `docker save` tar that a load reads, by name.

    docker save writes a layer it has already written (same diff ID) as a relative symlink to the
    first copy; such links are resolved here, in memory and only within the archive.
    """

    files: dict[str, bytes]
    links: dict[str, str] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)

    @property
    def manifest(self) -> list[dict[str, object]]:
        try:
            data = json.loads(self.files["manifest.json"])
        except KeyError:
            raise LayoutError("no manifest.json in the archive", hint="this model loads only docker >= 1.10 "
                              "save archives (the legacy format without a manifest is not modelled)") from None
        except ValueError as exc:
            raise LayoutError(f"manifest.json is not JSON: {exc}") from None
        if not isinstance(data, list):
            raise LayoutError("manifest.json must be a list of images")
        return data

    @mirrors("docker:image/tarexport.safePath")
    def read(self, name: str) -> bytes:
        key = str(safe_member_path(name))
        for _ in range(8):  # a few hops at most; a loop is an error below
            if key not in self.links:
                break
            target = posixpath.normpath(posixpath.join(posixpath.dirname(key), self.links[key]))
            key = str(safe_member_path(target))
        if key not in self.files:
            raise LayoutError(f"the archive has no file {name!r} (named by manifest.json)")
        return self.files[key]


@mirrors("docker:pkg/chrootarchive.Untar")
def read_save_archive(data: bytes, max_bytes: int = 1 << 30, max_members: int = 100_000) -> SaveArchive:
    """Read a (possibly compressed) `docker save` tar in memory, refusing unsafe names and bombs."""
    files: dict[str, bytes] = {}
    links: dict[str, str] = {}
    dirs: set[str] = set()
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            for count, member in enumerate(tar):
                if count >= max_members:
                    raise LayoutError(f"more than {max_members} members in the archive")
                rel = safe_member_path(member.name)
                if member.isreg():
                    total += member.size
                    if total > max_bytes:
                        raise LayoutError(f"the archive unpacks to more than {max_bytes} bytes")
                    extracted = tar.extractfile(member)
                    assert extracted is not None
                    files[str(rel)] = extracted.read()
                elif member.issym():
                    links[str(rel)] = member.linkname
                elif member.isdir():
                    dirs.add(str(rel))
    except tarfile.TarError as exc:
        raise LayoutError(f"not a readable tar archive: {exc}") from None
    return SaveArchive(files, links, dirs)


def _tar_bytes(entries: list[tuple[str, bytes | None]]) -> bytes:
    """A deterministic tar: (name, content) pairs, None content for a directory."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, content in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.uname = info.gname = ""
            if content is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                info.size = len(content)
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


@mirrors("docker:image/tarexport.manifestItem")
@dataclass
class ManifestItem:
    """One image of manifest.json: its config file, its tags and its layer tars, bottom first."""

    config: str
    repo_tags: list[str] | None
    layers: list[str]
    parent: str = ""
    layer_sources: dict[str, dict[str, object]] | None = None

    def to_json(self) -> dict[str, object]:
        """Go's field names as keys; `Parent` and `LayerSources` only when set (omitempty)."""
        item: dict[str, object] = {"Config": self.config, "RepoTags": self.repo_tags, "Layers": self.layers}
        if self.parent:
            item["Parent"] = self.parent
        if self.layer_sources:
            item["LayerSources"] = self.layer_sources
        return item


@mirrors("docker:image/tarexport.saveSession.save")
def build_save_archive(layers: list[list[tuple[str, bytes | None]]], repo_tags: list[str],
                       config_extra: dict[str, object] | None = None) -> bytes:
    """A `docker save`-style archive for synthetic layers, as saveSession.save lays it out.

    manifest.json, repositories, <image hex>.json, and <v1 id>/{VERSION,json,layer.tar}.
    """
    layer_tars = [_tar_bytes(entries) for entries in layers]
    diff_ids = [ids.diff_id_of(t) for t in layer_tars]
    config_obj: dict[str, object] = {"architecture": "amd64", "os": "linux", "created": "2016-10-27T00:00:00Z",
                                     **(config_extra or {})}
    config_obj["rootfs"] = {"type": "layers", "diff_ids": diff_ids}
    config = json.dumps(config_obj, separators=(",", ":")).encode()
    img = ids.new_from_json(config)
    image_hex = ids.digest_from_bytes(config).split(":", 1)[1]
    v1_layers = ids.save_v1_layers(img)
    files: list[tuple[str, bytes | None]] = []
    for (v1_id, v1_json), layer_tar in zip(v1_layers, layer_tars, strict=True):
        files += [(v1_id, None), (f"{v1_id}/VERSION", b"1.0"), (f"{v1_id}/json", v1_json),
                  (f"{v1_id}/layer.tar", layer_tar)]
    files.append((f"{image_hex}.json", config))
    manifest = [ManifestItem(f"{image_hex}.json", repo_tags or None,
                             [f"{v1_id}/layer.tar" for v1_id, _ in v1_layers]).to_json()]
    files.append(("manifest.json", (json.dumps(manifest, separators=(",", ":")) + "\n").encode()))
    if repo_tags:
        legacy: dict[str, dict[str, str]] = {}
        for tag in repo_tags:
            ref = reference.parse_named(tag)
            if isinstance(ref, reference.TaggedRef):
                legacy.setdefault(ref.name(), {})[ref.tag()] = v1_layers[-1][0]
        files.append(("repositories", (json.dumps(legacy, separators=(",", ":"), sort_keys=True) + "\n").encode()))
    return _tar_bytes(sorted(files, key=lambda entry: entry[0]))  # saveSession tars its folder: filepath.Walk order


def sample_archive() -> bytes:
    """A two-layer image `walkthrough/sample:1.0` with a few small files."""
    base = [
        ("etc", None), ("etc/os-release", b'NAME="Sample"\n'), ("bin", None), ("bin/hello", b"#!/bin/sh\necho hi\n"),
    ]
    app = [("app", None), ("app/main.txt", b"hello from layer 2\n"), ("etc", None), ("etc/.wh.motd", b"")]
    return build_save_archive([base, app], ["walkthrough/sample:1.0"],
                              {"config": {"Cmd": ["/bin/hello"], "Env": ["PATH=/bin"]}})


# -- docker load ---------------------------------------------------------------------------------


@dataclass
class LoadResult:
    """What a load did: the image IDs, the layers (bottom up), tags, containers, and the messages."""

    image_ids: list[str] = field(default_factory=list)
    layers: list[RoLayer] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    mounts: list[MountedLayer] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    """What Load writes to its output stream (quiet), one line each."""

    @property
    def output(self) -> str:
        return "".join(m + "\n" for m in self.messages)


class LoadError(LayoutError):
    """A load that failed part way: `result` holds what it did (and said) before the error."""

    def __init__(self, message: str, result: LoadResult) -> None:
        super().__init__(message)
        self.result = result


IMPORT_DIR = posixpath.join(tempfile.gettempdir(), "docker-import-0")
"""Where Load says it unpacked the archive (Go: a fresh ioutil.TempDir), in error messages."""

_MANIFEST = _gojson.GoType("[]tarexport.manifestItem", "slice", _gojson.GoType(
    "tarexport.manifestItem", "struct", fields=(
        _gojson.Field("Config", "Config", _gojson.GoType("string", "string")),
        _gojson.Field("RepoTags", "RepoTags", _gojson.GoType("[]string", "slice", _gojson.GoType("string", "string"))),
        _gojson.Field("Layers", "Layers", _gojson.GoType("[]string", "slice", _gojson.GoType("string", "string"))),
        _gojson.Field("Parent", "Parent", _gojson.GoType("image.ID", "string"), omitempty=True),
    )))


@mirrors("docker:daemon.Daemon")
@dataclass
class Daemon:
    """The stores NewDaemon builds for one root, enough to load images and create containers."""

    paths: DaemonPaths
    layers: LayerStore
    images: ids.ImageStore
    references: ReferenceStore
    distribution: V2MetadataService

    @classmethod
    @mirrors("docker:daemon.NewDaemon")
    def open(cls, root: Path, random_bytes: RandomBytes = _seams.random_bytes, driver: str = "aufs") -> Daemon:
        """The layer store (its driver's name picks `image/<driver>/`), then the image, distribution, tag stores."""
        drivers: dict[str, Callable[[Path], Driver]] = {"aufs": AufsDriver, "vfs": VfsDriver}
        if driver not in drivers:
            raise LayoutError(f"error initializing graphdriver: no such driver {driver!r} in this model "
                              f"(modelled: {', '.join(drivers)})")
        paths = DaemonPaths(Path(root), driver)
        graph_driver = drivers[driver](paths.driver_home)
        layer_store = LayerStore(FileMetadataStore(paths.layerdb), graph_driver, random_bytes)
        images = ids.ImageStore(ids.FSStoreBackend(paths.imagedb), lambda c: layer_store.get(c) is not None)
        distribution = V2MetadataService(paths.distribution)
        return cls(paths, layer_store, images, ReferenceStore(paths.repositories_json), distribution)

    @mirrors("docker:image/tarexport.tarexporter.Load")
    def load(self, archive: SaveArchive) -> LoadResult:
        """Load a `docker save` archive, item by item (LoadError, holding what was done, when it fails).

        Register each manifest item's layers bottom up (reusing known chain IDs), check each diff ID against the
        config, store the config, then tag it. Every layer the load got or registered is released when it ends:
        what no image holds (after a failure) is deleted again.
        """
        result = LoadResult()
        held: list[RoLayer] = []
        try:
            self._load(archive, result, held)
        except (LayoutError, ids.ImageError, reference.ReferenceError) as exc:
            raise LoadError(str(exc), result) from None
        finally:
            for layer in reversed(held):  # Go: deferred ReleaseAndLog calls, last first
                self.layers.release(layer)
        return result

    def _load(self, archive: SaveArchive, result: LoadResult, held: list[RoLayer]) -> None:
        if "manifest.json" not in archive.files:
            self._legacy_load(archive)
            return
        items = _decode_manifest(archive.files["manifest.json"])
        parent_links: list[tuple[str, str]] = []
        image_ids_text: list[str] = []
        image_ref_count = 0
        for m in items:
            config = _read(archive, m["Config"])
            img = ids.new_from_json(config)
            m_layers = m["Layers"] or []
            if len(m_layers) != len(img.diff_ids):
                raise LayoutError(sprintf("invalid manifest, layers length mismatch: expected %q, got %q",
                                          len(m_layers), len(img.diff_ids)))
            chain: list[ids.DiffID] = []
            for i, diff_id in enumerate(img.diff_ids):
                safe_member_path(m_layers[i])
                new_layer = self.layers.get(ids.create_chain_id([*chain, diff_id]))
                if new_layer is None:
                    data = _read(archive, m_layers[i])
                    new_layer = self.layers.register(_decompress(data), ids.create_chain_id(chain))
                held.append(new_layer)
                if new_layer.diff_id != diff_id:
                    raise LayoutError(sprintf("invalid diffID for layer %d: expected %q, got %q", i,
                                              diff_id, new_layer.diff_id))
                chain.append(diff_id)
                result.layers.append(new_layer)
            image_id = self.images.create(config)
            result.image_ids.append(image_id)
            image_ids_text.append(f"Loaded image ID: {image_id}")
            image_ref_count = 0
            for repo_tag in m["RepoTags"] or []:
                named = reference.parse_named(repo_tag)
                if not isinstance(named, reference.TaggedRef):
                    raise LayoutError(sprintf("invalid tag %q", repo_tag))
                self._set_loaded_tag(named, image_id, result)
                result.messages.append(f"Loaded image: {named.string()}")
                image_ref_count += 1
            parent_links.append((image_id, m["Parent"]))
        for image_id, parent_id in _validated_parent_links(parent_links):
            if parent_id:
                self._set_parent_id(image_id, parent_id)
        if image_ref_count == 0:
            result.messages += image_ids_text

    def _set_loaded_tag(self, named: reference.TaggedRef, image_id: str, result: LoadResult) -> None:
        """tarexporter.setLoadedTag: a refused tag is not an error of the load (Load ignores what this returns)."""
        previous = self.references.get(named)
        if previous is not None and previous != image_id:
            result.messages.append(f"The image {named.string()} already exists, renaming the old one "
                                   f"with ID {previous} to empty string")
        try:
            self.references.add_tag(named, image_id, True)
        except LayoutError:
            return
        result.tags[named.string()] = image_id

    @mirrors("docker:image/tarexport.tarexporter.setParentID")
    def _set_parent_id(self, image_id: str, parent_id: str) -> None:
        img = self.images.get(image_id)
        parent = self.images.get(parent_id)
        if not _check_valid_parent(img, parent):
            raise LayoutError(f"image {parent_id} is not a valid parent for {image_id}")
        self.images.set_parent(image_id, parent_id)

    @mirrors("docker:image/tarexport.tarexporter.legacyLoad")
    def _legacy_load(self, archive: SaveArchive) -> None:
        """An archive without manifest.json: only the case without image directories is modelled.

        With no directory there is nothing to load; a `repositories` file then names IDs that were not
        loaded (an error), and without one Go returns the error of closing a file it never opened.
        """
        if any("/" in name for name in archive.files) or archive.dirs:
            raise LayoutError("loading a pre-1.10 archive (no manifest.json) is not modelled",
                              hint="this model loads only docker >= 1.10 save archives")
        if "repositories" not in archive.files:
            raise LayoutError("invalid argument")
        try:
            repositories = _gojson.unmarshal(archive.files["repositories"], _REPOSITORIES)
        except _gojson.GoJSONError as exc:
            raise LayoutError(_decoder_error(archive.files["repositories"], exc)) from None
        for tags in (repositories or {}).values():
            for old_id in (tags or {}).values():
                raise LayoutError(f"invalid target ID: {old_id}")


_REPOSITORIES = _gojson.GoType("map[string]map[string]string", "map", _gojson.GoType(
    "map[string]string", "map", _gojson.GoType("string", "string")))


def _decoder_error(data: bytes, exc: _gojson.GoJSONError) -> str:
    """json.Decoder.Decode's error where json.Unmarshal's differs: no input is EOF, a cut one unexpected EOF."""
    if not data.strip(b" \t\r\n"):
        return "EOF"
    if str(exc) == "unexpected end of JSON input":
        return "unexpected EOF"
    return str(exc)


def _decode_manifest(data: bytes) -> list[dict[str, Any]]:
    """json.NewDecoder(manifest.json).Decode(&[]manifestItem) (the input must be one JSON value)."""
    try:
        items = _gojson.unmarshal(data, _MANIFEST)
    except _gojson.GoJSONError as exc:
        raise LayoutError(_decoder_error(data, exc)) from None
    return list(items or [])


def _read(archive: SaveArchive, name: str) -> bytes:
    """ioutil.ReadFile / os.Open of a file of the unpacked archive, with Go's error."""
    path = go_clean(posixpath.join(IMPORT_DIR, name))
    try:
        return archive.read(name)
    except LayoutError:
        if go_clean(name) in (".", "/") or _is_dir(archive, name):
            raise LayoutError(f"read {path}: is a directory") from None
        raise LayoutError(f"open {path}: no such file or directory") from None


def _is_dir(archive: SaveArchive, name: str) -> bool:
    key = go_clean(name).lstrip("/")
    return key in archive.dirs or any(f.startswith(key + "/") for f in archive.files)


@mirrors("docker:image/tarexport.validatedParentLinks")
def _validated_parent_links(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Keep a parent only when it is another image of the same archive."""
    ids_loaded = [image_id for image_id, _ in links]
    return [(image_id, parent if any(other == parent and other != image_id for other in ids_loaded) else "")
            for image_id, parent in links]


@mirrors("docker:image/tarexport.checkValidParent")
def _check_valid_parent(img: ids.Image, parent: ids.Image) -> bool:
    """The child's history is the parent's plus one entry (or neither has any)."""
    child_history = img.fields["History"] or []
    parent_history = parent.fields["History"] or []
    if not child_history and not parent_history:
        return True
    if len(child_history) - len(parent_history) != 1:
        return False
    return all(a == b for a, b in zip(parent_history, child_history, strict=False))


def _decompress(data: bytes) -> bytes:
    """archive.DecompressStream: layer.tar may be gzip-compressed (other compressions are not modelled)."""
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


# -- the tree, explained -------------------------------------------------------------------------


def explain_tree(daemon: Daemon, result: LoadResult, label: str | None = None) -> str:
    """The files under the root, each annotated with the ID it holds or is named by; `label` names the root."""
    root = daemon.paths.root
    notes: dict[Path, str] = {}
    for image_id in result.image_ids:
        notes[daemon.images.fs.content_file(image_id)] = (
            f"image config; sha256 of these bytes = image ID {image_id[:19]}…"
        )
    for i, layer in enumerate(dict.fromkeys(result.layers)):
        d = daemon.layers.store.get_layer_directory(layer.chain_id)
        how = "= its diff ID (base layer)" if layer.parent is None else "= sha256(parent chain ID + ' ' + diff ID)"
        notes[d] = f"layer {i + 1}: chain ID {how}"
        notes[d / "diff"] = "diff ID: sha256 of the uncompressed layer tar"
        notes[d / "cache-id"] = f"random; names aufs/diff/{layer.cache_id[:12]}…"
        notes[d / "size"] = f"{layer.size} bytes (pkg/directory.Size of the diff directory)"
        if layer.parent is not None:
            notes[d / "parent"] = "parent layer's chain ID"
        notes[d / "tar-split.json.gz"] = "tar headers and padding, to rebuild the exact tar"
        aufs = daemon.layers.driver.home
        notes[aufs / "diff" / layer.cache_id] = f"files of layer {i + 1}"
        notes[aufs / "layers" / layer.cache_id] = f"parent cache-ids of layer {i + 1}, nearest first"
    for m in result.mounts:
        md = daemon.layers.store.get_mount_directory(m.name)
        notes[md] = "container RW layer record"
        notes[md / "mount-id"] = "random; names aufs/diff/<mount-id>"
        notes[md / "init-id"] = "<mount-id>-init"
        notes[md / "parent"] = "top chain ID of the image"
        notes[daemon.layers.driver.home / "diff" / m.init_id] = "init layer: mount points, /etc/hosts, ..."
    notes[daemon.paths.repositories_json] = "tags -> image IDs"
    lines = [f"{label or root}/"]

    def walk(directory: Path, depth: int) -> None:
        for child in sorted(directory.iterdir(), key=lambda p: p.name):
            shown = child.name + ("/" if child.is_dir() and not child.is_symlink() else "")
            if len(child.name) == 64 or (len(child.name) > 64 and child.name.endswith("-init")):
                shown = child.name[:12] + "…" + child.name[64:] + shown[len(child.name):]
            note = notes.get(child)
            lines.append("    " * depth + shown + (f"    # {note}" if note else ""))
            if child.is_dir() and not child.is_symlink() and depth < 6:
                walk(child, depth + 1)

    walk(root, 1)
    return "\n".join(lines)


def summary(daemon: Daemon, result: LoadResult) -> str:
    """The IDs in full, recomputed from the config with the identity model, and repositories.json."""
    lines = []
    for image_id in result.image_ids:
        img = daemon.images.get(image_id)
        lines.append(f"image ID   {image_id}  (sha256 of imagedb/content/sha256/{image_id[7:19]}…)")
        chains = ids.prefix_chain_ids(img.diff_ids)
        for i, (diff_id, chain_id) in enumerate(zip(img.diff_ids, chains, strict=True)):
            layer = daemon.layers.get(chain_id)
            cache = layer.cache_id if layer else "(missing!)"
            lines.append(f"layer {i + 1}    diff ID  {diff_id}")
            lines.append(f"           chain ID {chain_id}  (layerdb/sha256/{chain_id[7:19]}…)")
            lines.append(f"           cache-id {cache}  (aufs/diff/{cache[:12]}…)")
        lines.append(f"top chain ID = RootFS.ChainID() = {img.rootfs_chain_id()}")
    lines.append("repositories.json: " + daemon.paths.repositories_json.read_text())
    return "\n".join(lines)


def show_archive(data: bytes) -> str:
    """The `docker save` tar as `tar -tvf` lists it, then its `manifest.json` and `repositories` as written."""
    lines = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
        members = tar.getmembers()
        contents = {m.name: tar.extractfile(m).read() for m in members if m.isreg()}  # type: ignore[union-attr]
    for m in members:
        kind = "d" if m.isdir() else "-"
        lines.append(f"{kind}{stat.filemode(m.mode)[1:]} {m.size:>6} {m.name}{'/' if m.isdir() else ''}")
    for name in ("manifest.json", "repositories"):
        if name in contents:
            text = contents[name].decode()
            lines += ["", f"{name}, as written:", text.rstrip("\n"), "", f"{name}, indented:",
                      json.dumps(json.loads(text), indent=2)]
    return "\n".join(lines)


def show_sha256sum(archive: SaveArchive) -> str:
    """`sha256sum` of each layer tar of the archive, then the diff IDs its image config lists: the same hashes."""
    lines = []
    for item in archive.manifest:
        config_name = str(item.get("Config", ""))
        img = ids.new_from_json(archive.read(config_name))
        listed = item.get("Layers")
        layers = [str(name) for name in listed] if isinstance(listed, list) else []
        lines.append("sha256sum */layer.tar (the shell sorts what the glob matches):")
        lines += [f"{hashlib.sha256(_decompress(archive.read(name))).hexdigest()}  {name}" for name in sorted(layers)]
        lines.append(f"\nrootfs.diff_ids in {config_name}:")
        for name, diff_id in zip(layers, img.diff_ids, strict=True):
            same = ids.diff_id_of(_decompress(archive.read(name))) == diff_id
            lines.append(f"  {diff_id}  ({'the sha256 of' if same else 'NOT the sha256 of'} {name})")
    return "\n".join(lines)


def show_chain_ids(archive: SaveArchive) -> str:
    """The image ID and each layer's chain ID worked out from the config, with the exact text each hash is over."""
    lines = []
    for item in archive.manifest:
        config_name = str(item.get("Config", ""))
        config = archive.read(config_name)
        img = ids.new_from_json(config)
        lines.append(f"image ID = sha256 of the {len(config)} bytes of {config_name}")
        lines.append(f"         = {ids.digest_from_bytes(config)}")
        chain = ""
        for i, diff_id in enumerate(img.diff_ids, start=1):
            if not chain:
                chain = diff_id
                lines.append(f"chain ID {i} = diff ID {i} = {chain}")
                continue
            text = f"{chain} {diff_id}"
            chain = ids.digest_from_bytes(text.encode())
            lines.append(f'chain ID {i} = sha256("{text}")')
            lines.append(f"{'':11}= {chain}")
        lines.append(f"RootFS.ChainID() = {img.rootfs_chain_id()}")
    return "\n".join(lines)


def show_files(daemon: Daemon, result: LoadResult, label: str) -> str:
    """The small files of the layout as written: repositories.json, each layer's layerdb entries, aufs/layers."""
    root = daemon.paths.root
    files = [daemon.paths.repositories_json]
    for layer in dict.fromkeys(result.layers):
        d = daemon.layers.store.get_layer_directory(layer.chain_id)
        files += [d / name for name in ("diff", "parent", "size", "cache-id") if (d / name).is_file()]
        files.append(daemon.layers.driver.home / "layers" / layer.cache_id)
    lines = []
    for path in files:  # as `head` shows several files: a header line, then the file
        text = path.read_text(encoding="utf-8")
        lines.append(f"==> {label}/{path.relative_to(root).as_posix()} <==")
        lines.append(text.rstrip("\n") if text else "(empty: the base layer has no layers below it)")
    return "\n".join(lines)


SHOW = ("tree", "archive", "sha256sum", "chain-ids", "files")
"""What the demo can print: the tree with its IDs (default), the save archive, the layer hashes, the ID arithmetic,
the small files as written."""


def main(argv: list[str] | None = None) -> int:
    """Load a docker save archive (or a built sample) into a root and print the tree with its IDs."""
    parser = argparse.ArgumentParser(prog="python -m walkthrough.reimpl.docker.layout", description=main.__doc__)
    parser.add_argument("archive", nargs="?", help="a `docker save` tar (default: a built two-layer sample)")
    parser.add_argument("--root", help="where to write the tree (default: a temporary directory, removed after)")
    parser.add_argument("--container", default="c0ffee" * 10 + "c0de", help="also create this container's RW layer")
    parser.add_argument("--show", choices=SHOW, action="append",
                        help="what to print (repeatable, default: tree): " + ", ".join(SHOW))
    args = parser.parse_args(argv)
    try:
        data = Path(args.archive).read_bytes() if args.archive else sample_archive()
    except OSError as exc:
        raise InputError(f"cannot read the archive: {exc.strerror}", location=args.archive) from None
    shown = args.show or ["tree"]
    with tempfile.TemporaryDirectory(prefix="walkthrough-docker-") as tmp:
        root = Path(args.root) if args.root else Path(tmp) / "var-lib-docker"
        # a temporary root is shown as what it stands for: its random name would teach nothing
        label = str(root) if args.root else "/var/lib/docker"
        archive = read_save_archive(data)
        daemon = Daemon.open(root)
        result = daemon.load(archive)
        if args.container and result.layers:
            result.mounts.append(daemon.layers.create_rw_layer(args.container, result.layers[-1].chain_id))
        parts = {
            "tree": lambda: "\n".join([*result.messages, explain_tree(daemon, result, label), summary(daemon, result),
                                       *(f"not materialised: {skipped}" for layer in dict.fromkeys(result.layers)
                                         for skipped in layer.skipped)]),
            "archive": lambda: show_archive(data),
            "sha256sum": lambda: show_sha256sum(archive),
            "chain-ids": lambda: show_chain_ids(archive),
            "files": lambda: show_files(daemon, result, label),
        }
        print("\n\n".join(parts[what]() for what in shown))
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except WalkthroughError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None  # bad input to the demo
