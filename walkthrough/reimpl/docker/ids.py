"""The identities of Docker 1.12.3's content-addressable image store.

Four kinds of ID, each a sha256 over something different:

- **diff ID** (`layer.DiffID`): the digest of one layer's *uncompressed* tar stream, as applied.
- **chain ID** (`layer.ChainID`): a layer *together with all its parents*: the first layer's chain
  ID is its diff ID; each next one is `sha256("<parent chain ID> <diff ID>")`. It names the
  directories under `layerdb/sha256/`.
- **image ID** (`image.ID`): the digest of the image config *bytes* exactly as stored (a trailing
  newline changes it); the config lists the diff IDs under `rootfs.diff_ids`.
- **v1 ID**: what `docker save` names each layer directory in the tarball: a digest of a synthetic
  v1 image JSON carrying `layer_id` (the chain ID up to that layer) and `parent` (the previous v1 ID).

Run `python -m walkthrough.reimpl.docker.ids` for a worked example.

Proven against the real Go (`walkthrough parity --live --model docker_ids`): chain IDs of any diff-ID
list, and generated image configs (right and wrong JSON types, unknown keys, broken JSON) through
NewFromJSON, MarshalJSON and the real image store's Create and Get. Still simplified: the layer store
is a stand-in that has every layer (Create never fails with "layer does not exist" here); diff IDs of
real tar streams (tar-split) and `docker save`'s v1 IDs are not compared live.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walkthrough.errors import WalkthroughError
from walkthrough.reimpl import mirrors
from walkthrough.reimpl.docker import _gojson
from walkthrough.reimpl.docker._gojson import Field, GoJSONError, GoType

if TYPE_CHECKING:
    from collections.abc import Callable

DiffID = str
ChainID = str


class ImageError(WalkthroughError):
    """An error the image or layer code returns; the message is Go's."""


class GoPanic(WalkthroughError):
    """Where the Go code would panic (e.g. store.Create on a config without `rootfs`)."""


@mirrors("docker:vendor/src/github.com/docker/distribution/digest.FromBytes")
def digest_from_bytes(p: bytes) -> str:
    """The canonical digest: `sha256:` + lowercase hex."""
    return "sha256:" + hashlib.sha256(p).hexdigest()


# -- layers ----------------------------------------------------------------------------------------


@mirrors("docker:layer.CreateChainID")
def create_chain_id(dgsts: list[DiffID]) -> ChainID:
    """The chain ID of a whole diff-ID list ("" for no layers)."""
    return create_chain_id_from_parent("", *dgsts)


@mirrors("docker:layer.createChainIDFromParent")
def create_chain_id_from_parent(parent: ChainID, *dgsts: DiffID) -> ChainID:
    """Fold the diff IDs into the parent: H(n) = sha256(H(n-1) + " " + DiffID(n)), full digest strings."""
    if len(dgsts) == 0:
        return parent
    if parent == "":
        return create_chain_id_from_parent(dgsts[0], *dgsts[1:])
    dgst = digest_from_bytes((parent + " " + dgsts[0]).encode())
    return create_chain_id_from_parent(dgst, *dgsts[1:])


def prefix_chain_ids(dgsts: list[DiffID]) -> list[ChainID]:
    """The chain ID of every prefix: the names of the layerdb directories of an image, bottom up."""
    return [create_chain_id(dgsts[: i + 1]) for i in range(len(dgsts))]


@mirrors("docker:layer.layerStore.applyTar")
def diff_id_of(tar_stream: bytes) -> DiffID:
    """The diff ID applyTar records: the digest of the uncompressed tar bytes as they stream through."""
    return digest_from_bytes(tar_stream)


# -- the image config as Go types ------------------------------------------------------------------

_STRING = _gojson.STRING
_BOOL = GoType("bool", "bool")
_INT = GoType("int", "int")
_INT64 = GoType("int64", "int")
_STRSLICE = GoType("strslice.StrSlice", "strslice", _STRING)
_STRINGS = _gojson.STRING_SLICE
_EMPTY_STRUCT = GoType("struct {}", "empty_struct")
_TIME = GoType("time.Time", "time")

HEALTH_CONFIG = GoType("container.HealthConfig", "struct", fields=(
    Field("Test", "Test", _STRINGS, True),
    Field("Interval", "Interval", GoType("time.Duration", "int"), True),
    Field("Timeout", "Timeout", GoType("time.Duration", "int"), True),
    Field("Retries", "Retries", _INT, True),
))

CONTAINER_CONFIG = GoType("container.Config", "struct", fields=(
    Field("Hostname", "Hostname", _STRING),
    Field("Domainname", "Domainname", _STRING),
    Field("User", "User", _STRING),
    Field("AttachStdin", "AttachStdin", _BOOL),
    Field("AttachStdout", "AttachStdout", _BOOL),
    Field("AttachStderr", "AttachStderr", _BOOL),
    Field("ExposedPorts", "ExposedPorts", GoType("map[nat.Port]struct {}", "map", _EMPTY_STRUCT), True),
    Field("Tty", "Tty", _BOOL),
    Field("OpenStdin", "OpenStdin", _BOOL),
    Field("StdinOnce", "StdinOnce", _BOOL),
    Field("Env", "Env", _STRINGS),
    Field("Cmd", "Cmd", _STRSLICE),
    Field("Healthcheck", "Healthcheck", GoType("*container.HealthConfig", "ptr", HEALTH_CONFIG), True),
    Field("ArgsEscaped", "ArgsEscaped", _BOOL, True),
    Field("Image", "Image", _STRING),
    Field("Volumes", "Volumes", GoType("map[string]struct {}", "map", _EMPTY_STRUCT)),
    Field("WorkingDir", "WorkingDir", _STRING),
    Field("Entrypoint", "Entrypoint", _STRSLICE),
    Field("NetworkDisabled", "NetworkDisabled", _BOOL, True),
    Field("MacAddress", "MacAddress", _STRING, True),
    Field("OnBuild", "OnBuild", _STRINGS),
    Field("Labels", "Labels", GoType("map[string]string", "map", _STRING)),
    Field("StopSignal", "StopSignal", _STRING, True),
    Field("StopTimeout", "StopTimeout", GoType("*int", "ptr", _INT), True),
    Field("Shell", "Shell", _STRSLICE, True),
))
"""engine-api's container.Config: Go field order, `omitempty` as declared."""

_V1_FIELDS = (
    Field("id", "ID", _STRING, True),
    Field("parent", "Parent", _STRING, True),
    Field("comment", "Comment", _STRING, True),
    Field("created", "Created", _TIME),
    Field("container", "Container", _STRING, True),
    Field("container_config", "ContainerConfig", CONTAINER_CONFIG, True),
    Field("docker_version", "DockerVersion", _STRING, True),
    Field("author", "Author", _STRING, True),
    Field("config", "Config", GoType("*container.Config", "ptr", CONTAINER_CONFIG), True),
    Field("architecture", "Architecture", _STRING, True),
    Field("os", "OS", _STRING, True),
    Field("Size", "Size", _INT64, True),
)
V1_IMAGE = GoType("image.V1Image", "struct", fields=_V1_FIELDS)
"""image.V1Image: the legacy config fields."""

ROOTFS = GoType("image.RootFS", "struct", fields=(
    Field("type", "Type", _STRING),
    Field("diff_ids", "DiffIDs", GoType("[]layer.DiffID", "slice", GoType("layer.DiffID", "string")), True),
))

HISTORY = GoType("image.History", "struct", fields=(
    Field("created", "Created", _TIME),
    Field("author", "Author", _STRING, True),
    Field("created_by", "CreatedBy", _STRING, True),
    Field("comment", "Comment", _STRING, True),
    Field("empty_layer", "EmptyLayer", _BOOL, True),
))

# Image embeds V1Image; its own `parent` (an image ID) is shallower and so hides V1Image.Parent from JSON.
IMAGE = GoType("image.Image", "struct", fields=(
    *(f for f in _V1_FIELDS if f.key != "parent"),
    Field("parent", "ImageParent", GoType("image.ID", "string"), True),
    Field("rootfs", "RootFS", GoType("*image.RootFS", "ptr", ROOTFS), True),
    Field("history", "History", GoType("[]image.History", "slice", HISTORY), True),
    Field("os.version", "OSVersion", _STRING, True),
    Field("os.features", "OSFeatures", _STRINGS, True),
))


@mirrors("docker:image.RootFS@rootfs_unix.go")
@dataclass
class RootFS:
    """An image's layers by diff ID, bottom first; `type` is "layers" in every config Docker writes."""

    type: str
    diff_ids: list[DiffID]

    @mirrors("docker:image.RootFS.ChainID@rootfs_unix.go")
    def chain_id(self) -> ChainID:
        """The top layer's chain ID: the chain ID of the whole diff-ID list ("" for no layers)."""
        return create_chain_id(self.diff_ids)


@mirrors("docker:image.Image")
class Image:
    """A decoded image config, the bytes it came from, and (once stored) its ID."""

    def __init__(self, fields: dict[str, Any], raw_json: bytes = b"", computed_id: str = "") -> None:
        self.fields = fields
        self.raw_json = raw_json
        self.computed_id = computed_id

    @property
    def rootfs(self) -> RootFS | None:
        """The decoded `rootfs` (None when the config has none)."""
        raw = self.fields["RootFS"]
        return RootFS(raw["Type"], list(raw["DiffIDs"] or [])) if raw else None

    @property
    def diff_ids(self) -> list[DiffID]:
        return self.rootfs.diff_ids if self.rootfs else []

    def rootfs_chain_id(self) -> ChainID:
        """`img.RootFS.ChainID()` (an image without rootfs has no layers)."""
        return self.rootfs.chain_id() if self.rootfs else ""

    def v1_image(self) -> dict[str, Any]:
        """The embedded V1Image (its Parent is always empty after a JSON decode)."""
        v1 = {f.go_name: self.fields[f.go_name] for f in _V1_FIELDS if f.go_name in self.fields}
        v1["Parent"] = ""
        return v1

    @mirrors("docker:image.Image.MarshalJSON")
    def marshal_json(self) -> str:
        """Marshal as a struct, then again through a map.

        So the top-level keys come out sorted while nested objects keep Go's field order.
        """
        return _gojson.marshal_raw_map(_gojson.struct_to_raw_map(self.fields, IMAGE))

    @mirrors("docker:image.Image.ImageID")
    def image_id(self) -> str:
        return self.computed_id


@mirrors("docker:image.NewFromJSON")
def new_from_json(src: bytes) -> Image:
    """Decode a config; one without `rootfs` (or with `"rootfs": null`) is refused."""
    try:
        fields = _gojson.unmarshal(src, IMAGE)
    except GoJSONError as exc:
        raise ImageError(str(exc)) from None
    if fields["RootFS"] is None:
        raise ImageError("Invalid image JSON, no RootFS key.")
    return Image(fields, raw_json=src)


# -- the image store -------------------------------------------------------------------------------


@mirrors("docker:image.fs", "docker:image.NewFSStoreBackend")
class FSStoreBackend:
    """image/fs.go: content under `<root>/content/sha256/<hex>`, metadata under `<root>/metadata/sha256/<hex>/`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        mkdir_all(self.root / "content" / "sha256", 0o700)
        mkdir_all(self.root / "metadata" / "sha256", 0o700)

    @mirrors("docker:image.fs.contentFile")
    def content_file(self, image_id: str) -> Path:
        algorithm, hex_part = image_id.split(":", 1)
        return self.root / "content" / algorithm / hex_part

    @mirrors("docker:image.fs.metadataDir")
    def metadata_dir(self, image_id: str) -> Path:
        algorithm, hex_part = image_id.split(":", 1)
        return self.root / "metadata" / algorithm / hex_part

    @mirrors("docker:image.fs.Set")
    def set(self, data: bytes) -> str:
        """Store bytes under their own digest, which becomes the image ID; empty data is refused."""
        if len(data) == 0:
            raise ImageError("Invalid empty data")
        image_id = digest_from_bytes(data)
        _atomic_write(self.content_file(image_id), data, 0o600)
        return image_id

    @mirrors("docker:image.fs.get")
    def get(self, image_id: str) -> bytes:
        """Read content back, re-hashing it: a file that no longer matches its name is an error."""
        try:
            content = self.content_file(image_id).read_bytes()
        except OSError as exc:
            raise ImageError(f"open {self.content_file(image_id)}: {exc.strerror}") from None
        if digest_from_bytes(content) != image_id:
            raise ImageError(f"failed to verify image: {image_id}")
        return content

    @mirrors("docker:image.fs.SetMetadata")
    def set_metadata(self, image_id: str, key: str, data: bytes) -> None:
        """`metadata/sha256/<hex>/<key>`, only for an image whose content exists and verifies."""
        self.get(image_id)
        mkdir_all(self.metadata_dir(image_id), 0o700)
        _atomic_write(self.metadata_dir(image_id) / key, data, 0o600)

    @mirrors("docker:image.fs.GetMetadata")
    def get_metadata(self, image_id: str, key: str) -> bytes:
        self.get(image_id)
        return (self.metadata_dir(image_id) / key).read_bytes()


def mkdir_all(path: Path, mode: int) -> None:
    """os.MkdirAll: every missing directory of the path gets `mode` (pathlib's parents get the default)."""
    if path.is_dir():
        return
    mkdir_all(path.parent, mode)
    path.mkdir(mode=mode, exist_ok=True)


@mirrors("docker:pkg/ioutils.AtomicWriteFile")
def _atomic_write(path: Path, data: bytes, mode: int) -> None:
    """Write to a temp file in the same directory, then rename over the target."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-" + path.name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@mirrors("docker:image.store")
class ImageStore:
    """image/store.go: configs in the fs backend, each linked to its top layer in the layer store.

    `layer_exists` stands for the layer store's Get: it is asked for the top chain ID.
    """

    def __init__(self, backend: FSStoreBackend, layer_exists: Callable[[ChainID], bool] = lambda _c: True) -> None:
        self.fs = backend
        self.layer_exists = layer_exists
        self.images: dict[str, ChainID] = {}

    @mirrors("docker:image.store.Create")
    def create(self, config: bytes) -> str:
        """Validate a config against its layers, store it, and return its ID."""
        try:
            fields, err = _gojson.unmarshal_partial(config, IMAGE)
        except GoJSONError as exc:
            raise ImageError(str(exc)) from None
        if err is not None:
            raise ImageError(str(err))
        if fields["RootFS"] is None:  # Go dereferences img.RootFS here without checking
            raise GoPanic("runtime error: invalid memory address or nil pointer dereference")
        diff_ids = fields["RootFS"]["DiffIDs"] or []
        layer_counter = sum(1 for h in fields["History"] or [] if not h["EmptyLayer"])
        if layer_counter > len(diff_ids):
            raise ImageError("too many non-empty layers in History section")
        image_id = self.fs.set(config)
        if image_id in self.images:
            return image_id
        layer_id = create_chain_id(diff_ids)
        if layer_id != "" and not self.layer_exists(layer_id):
            raise ImageError("layer does not exist")
        self.images[image_id] = layer_id
        return image_id

    @mirrors("docker:image.store.Get")
    def get(self, image_id: str) -> Image:
        """Read the config back (verified), decode it, and remember the ID it was found under."""
        config = self.fs.get(image_id)
        img = new_from_json(config)
        img.computed_id = image_id
        return img

    @mirrors("docker:image.store.SetParent")
    def set_parent(self, image_id: str, parent: str) -> None:
        self.fs.set_metadata(image_id, "parent", parent.encode())


# -- docker save's v1 IDs --------------------------------------------------------------------------


@mirrors("docker:image/v1.CreateID")
def create_v1_id(v1_image: dict[str, Any], layer_id: ChainID, parent: str) -> str:
    """Hash the V1Image as Go marshals it for a v1 id.

    Marshal it without its id, re-marshal through a map adding `layer_id` (and `parent` unless empty), and hash.
    """
    v1 = dict(v1_image, ID="")
    config = _gojson.struct_to_raw_map(v1, V1_IMAGE)
    config["layer_id"] = _gojson.encode_string(layer_id)
    if parent != "":
        config["parent"] = _gojson.encode_string(parent)
    return digest_from_bytes(_gojson.marshal_raw_map(config).encode())


@mirrors("docker:image.V1Image")
def empty_v1_image() -> dict[str, Any]:
    """image.V1Image{}: what the layers below the top one are described with."""
    return _gojson.zero(V1_IMAGE)


@mirrors("docker:image/tarexport.saveSession.saveImage")
def save_v1_layers(img: Image) -> list[tuple[str, bytes]]:
    """The v1 ID of each layer directory of a `docker save` archive, with the `json` file written there.

    Layer i is described by an empty V1Image, except the top layer which gets the image's own; its
    `layer_id` is the chain ID of layers 1..i and its parent the previous v1 ID.
    """
    if len(img.diff_ids) == 0:
        raise ImageError("empty export - not implemented")
    parent = ""
    out = []
    for i in range(len(img.diff_ids)):
        v1_img = empty_v1_image()
        if i == len(img.diff_ids) - 1:
            v1_img = img.v1_image()
        chain_id = create_chain_id(img.diff_ids[: i + 1])
        v1_id = create_v1_id(v1_img, chain_id, parent)
        v1_img["ID"] = v1_id.split(":", 1)[1]
        if parent != "":
            v1_img["Parent"] = parent.split(":", 1)[1]
        out.append((v1_img["ID"], _gojson.marshal(v1_img, V1_IMAGE).encode()))
        parent = v1_id
    return out


def main(argv: list[str] | None = None) -> int:
    """Walk through the IDs of a small three-layer image."""
    import argparse  # noqa: PLC0415 - only the demo reads arguments

    parser = argparse.ArgumentParser(
        prog="python -m walkthrough.reimpl.docker.ids",
        description="Diff IDs, chain IDs, the image ID and docker save's v1 IDs of a small image, computed here.")
    parser.add_argument("layers", nargs="*", metavar="LAYER",
                        help="a string standing for one layer's tar, bottom first (default: layer-1 layer-2 layer-3)")
    layers = parser.parse_args(argv).layers or ["layer-1", "layer-2", "layer-3"]
    diff_ids = [digest_from_bytes(text.encode()) for text in layers]
    print("diff IDs (sha256 of each uncompressed layer tar; here of the given strings):")
    for text, d in zip(layers, diff_ids, strict=True):
        print(f"  {text:10} {d}")
    print("chain IDs (layerdb/sha256/<hex> directory names):")
    for i, c in enumerate(prefix_chain_ids(diff_ids)):
        how = "= diff ID 1" if i == 0 else f"= sha256(chain {i} + ' ' + diff {i + 1})"
        print(f"  layer {i + 1}: {c}  {how}")
    config = ('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":['
              + ",".join(f'"{d}"' for d in diff_ids) + "]}}").encode()
    img = new_from_json(config)
    print(f"image ID (sha256 of the config bytes): {digest_from_bytes(config)}")
    print(f"  config: {config.decode()}")
    print(f"  Image.MarshalJSON: {img.marshal_json()}")
    print("docker save v1 layer directory names:")
    for i, (v1_id, _) in enumerate(save_v1_layers(img)):
        print(f"  layer {i + 1}: {v1_id}/layer.tar")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
