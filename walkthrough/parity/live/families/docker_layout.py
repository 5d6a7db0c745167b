"""Docker v1.12.3 `docker load`: the files a saved image leaves under /var/lib/docker, through the real stores.

Each request is a small `docker save` archive, built here from a *spec* hypothesis draws (1 to 4
layers of directories, files, symbolic and hard links, whiteouts and opaque directories, empty and
repeated layers, gzip-compressed or not, in ustar, GNU or PAX format; one or two images, the second
possibly naming the first as `Parent`; history or none; repo tags valid and invalid; and broken
archives: no manifest.json, a manifest that is not a list of items, a config or a layer tar the
manifest names but the archive lacks, a diff ID that is not the layer's, a layer count that differs),
and optionally a container to create on the last image's top layer.

The harness (harness/docker_layout/main.go) loads it with tarexport's real Load into stores opened as
NewDaemon opens them, on the `vfs` graph driver: AUFS needs its kernel module, which this machine
lacks, and vfs is the driver Docker falls back to, needing nothing. The model loads it with
`layout.Daemon.open(root, driver="vfs")`. Both answer with every path under the root, its type and
mode, file contents, symlink targets, which files are hard links of which, the load's output and
its error. Compared exactly, after the same normalisation of both answers: random cache-ids and
mount-ids become `<cache-id of CHAIN>` / `<mount-id of NAME>` wherever they appear (paths and file
contents), layerdb/tmp transaction names and Load's temporary directory a fixed text, and
tar-split.json.gz is compared decompressed (the JSON lines, not Go's deflate bytes).

Not compared: owners and times (every generated member is root's and mtime 0); the contents of a
container's init layer, which the harness fills with a MountInit that writes nothing because the
daemon's own (daemon.setupInitLayer, unexported) sits in a package that does not build here; AUFS's
own directories (diff/, layers/, mnt/) and its layer size (directory.Size, where vfs reports the
unpacked headers' sizes), which only a machine with AUFS can show. Not generated: device nodes and
fifos, member paths through a symbolic link, pre-1.10 archives with image directories but no
manifest (the model's docstring lists these), and unreadable layer tars.

A vector carries the archive itself beside its spec; `walkthrough.parity.docker_layout` replays it
with this module's `replay_request`, `model` and `normalise` (tests/golden/p-docker-layout.json).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import re
import stat
import tarfile
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walkthrough.parity.live import LiveFamily
from walkthrough.parity.live.process import scratch_dir
from walkthrough.reimpl.docker import ids, layout
from walkthrough.reimpl.docker._archive import LayoutError, entered, remove_tree

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

DRIVER = "vfs"
LEAVES = ("a", "b", "c")
"""Entry names; only DIRS ever have entries below them, so no member path passes through a link."""
DIRS = ("", "d/", "d/e/", "e/")
MODES = (0o755, 0o644, 0o600, 0o700, 0o777, 0o4755)
TAGS = ("demo:1", "demo:2", "demo", "Demo:1", "localhost:5000/x/y:t", "sha256:1", "a:b:c",
        "demo@sha256:" + "a" * 64, "demo:1@sha256:" + "b" * 64, "")
TIMES = ("2016-10-27T00:00:00Z", "2016-10-28T12:00:00Z")
CONTENTS = ("", "x", "hello\n", "\u00e9\u00ff", "\x00\x01")
TARGETS = ("a", "/d/b", "../c", "d/e", "nowhere")
BAD_MANIFESTS = ("", "[", "x", "{}", "[1]", '[{"Config": 1}]', '[{"Layers": "x"}]', "null", " [] ")


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


def entries() -> SearchStrategy[list[list[Any]]]:
    """The members of one layer tar, as [kind, path, detail, mode] lists."""
    st = _st()
    leaf = st.builds(lambda d, n: d + n, st.sampled_from(DIRS), st.sampled_from(LEAVES))
    mode = st.sampled_from(MODES)
    entry = st.one_of(
        st.builds(lambda p, m: ["dir", p, "", m], st.one_of(leaf, st.sampled_from(["d", "e", "d/e"])), mode),
        st.builds(lambda p, t, m: ["file", p, t, m], leaf, st.sampled_from(CONTENTS), mode),
        st.builds(lambda p, t: ["symlink", p, t, 0o777], leaf, st.sampled_from(TARGETS)),
        st.builds(lambda p, t, m: ["hardlink", p, t, m], leaf, leaf, mode),
        st.builds(lambda d, n: ["whiteout", d + ".wh." + n, "", 0o644], st.sampled_from(DIRS),
                  st.sampled_from([*LEAVES, "d", "e"])),
        st.builds(lambda d: ["opaque", d + ".wh..wh..opq", "", 0o644], st.sampled_from(DIRS)),
    )
    return st.lists(entry, max_size=6).map(_linkable)


def _linkable(members: list[list[Any]]) -> list[list[Any]]:
    """Keep a hard link only when its target is a regular file the layer wrote just before and nothing since."""
    out: list[list[Any]] = []
    files: set[str] = set()
    for kind, path, detail, mode in members:
        if kind == "hardlink" and (detail not in files or detail == path):
            continue
        parts = path.split("/")
        touched = {"/".join(parts[:i]) for i in range(1, len(parts) + 1)}
        files -= {f for f in files if any(f == t or f.startswith(t + "/") for t in touched)}
        if kind in ("whiteout", "opaque"):
            files.clear()
        if kind == "file":
            files.add(path)
        out.append([kind, path, detail, mode])
    return out


def specs() -> SearchStrategy[dict[str, Any]]:
    """An archive spec: layers, images, tags, a breakage, a container."""
    st = _st()
    layer = st.fixed_dictionaries({"members": entries(), "format": st.sampled_from(["ustar", "gnu", "pax"]),
                                   "gzip": st.booleans()})
    return st.fixed_dictionaries({
        "layers": st.lists(layer, min_size=1, max_size=4),
        "repeat": st.booleans(),
        "history": st.sampled_from(["none", "layers", "too_many", "empty_layer"]),
        "tags": st.lists(st.sampled_from(TAGS), max_size=2),
        "second_image": st.sampled_from(["none", "child", "child_with_parent", "same"]),
        "broken": st.sampled_from(["none"] * 8 + ["no_manifest", "no_manifest_repositories", "bad_manifest",
                                                  "no_config", "no_layer", "wrong_diff_id", "count", "config_json"]),
        "bad_manifest": st.sampled_from(BAD_MANIFESTS),
        "container": st.sampled_from(["", "", "c" * 64, "web"]),
        "container_parent": st.sampled_from(["top", "top", "missing"]),
    })


def layer_tar(layer: dict[str, Any]) -> bytes:
    """The layer's tar bytes (root's, mtime 0), gzip-compressed when the spec says so."""
    fmt = {"ustar": tarfile.USTAR_FORMAT, "gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT}[layer["format"]]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for kind, path, detail, mode in layer["members"]:
            info = tarfile.TarInfo(path)
            info.mode, info.mtime, info.uname, info.gname = mode, 0, "", ""
            data = b""
            if kind == "dir":
                info.type = tarfile.DIRTYPE
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, detail
            elif kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, detail
            else:
                data = detail.encode()
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    raw = buf.getvalue()
    return gzip.compress(raw, mtime=0) if layer["gzip"] else raw


def _diff_id(data: bytes) -> str:
    return ids.diff_id_of(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)


def _config(diff_ids: list[str], history: str, created: str) -> bytes:
    config: dict[str, Any] = {"architecture": "amd64", "os": "linux", "created": created,
                              "rootfs": {"type": "layers", "diff_ids": diff_ids}}
    if history == "layers":
        config["history"] = [{"created": created, "created_by": f"step {i}"} for i in range(len(diff_ids))]
    elif history == "too_many":
        config["history"] = [{"created": created} for _ in range(len(diff_ids) + 1)]
    elif history == "empty_layer":
        config["history"] = [{"created": created, "empty_layer": True},
                             *({"created": created, "created_by": f"step {i}"} for i in range(len(diff_ids)))]
    return json.dumps(config, separators=(",", ":")).encode()


def build(spec: dict[str, Any]) -> tuple[bytes, str]:
    """The archive for a spec, and the top chain ID of its last image (where a container would go)."""
    layers = list(spec["layers"])
    if spec["repeat"]:
        layers.append(layers[0])
    tars = [layer_tar(layer) for layer in layers]
    diff_ids = [_diff_id(t) for t in tars]
    files: dict[str, bytes | None] = {}
    names = []
    for i, data in enumerate(tars):
        v1 = hashlib.sha256(f"{i}".encode()).hexdigest()
        files[v1] = None
        files[f"{v1}/VERSION"] = b"1.0"
        files[f"{v1}/layer.tar"] = data
        names.append(f"{v1}/layer.tar")
    broken = spec["broken"]
    config_diff_ids = list(diff_ids)
    if broken == "wrong_diff_id":
        config_diff_ids[-1] = "sha256:" + hashlib.sha256(b"not the layer").hexdigest()
    config = _config(config_diff_ids, spec["history"], TIMES[0])
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    files[config_name] = b"{" if broken == "config_json" else config
    items: list[dict[str, Any]] = [{"Config": config_name, "RepoTags": [t for t in spec["tags"] if t] or None,
                                    "Layers": names[:-1] if broken == "count" else names}]
    top = ids.create_chain_id(diff_ids)
    second = spec["second_image"]
    if second != "none":
        child_ids = diff_ids if second == "same" else diff_ids[:1]
        history = spec["history"] if second == "same" else ("layers" if spec["history"] != "none" else "none")
        child = _config(child_ids, history, TIMES[1])
        child_name = hashlib.sha256(child).hexdigest() + ".json"
        files[child_name] = child
        item: dict[str, Any] = {"Config": child_name, "RepoTags": ["demo:child"], "Layers": names[:len(child_ids)]}
        if second == "child_with_parent":
            item["Parent"] = "sha256:" + config_name.removesuffix(".json")
        items.append(item)
        top = ids.create_chain_id(child_ids)
    files["manifest.json"] = (spec["bad_manifest"].encode() if broken == "bad_manifest"
                              else json.dumps(items, separators=(",", ":")).encode())
    if broken == "no_config":
        del files[config_name]
    if broken == "no_layer":
        del files[names[-1]]
    if broken in ("no_manifest", "no_manifest_repositories"):
        files = {config_name: files[config_name]}
        if broken == "no_manifest_repositories":
            files["repositories"] = json.dumps({"demo": {"1": "f" * 64}} if spec["tags"] else {}).encode()
    return _tar(files), top


def _tar(files: dict[str, bytes | None]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.mtime = 0
            data = files[name]
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def requests() -> SearchStrategy[dict[str, Any]]:
    """Requests: the spec (for reports and vectors) and what the harness reads."""
    return specs().map(_request)


class Archive(str):
    """The archive's base64 text, shown by its length (hypothesis prints every example it holds)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<archive: {len(self)} base64 characters>"

    def _repr_pretty_(self, printer: Any, _cycle: bool) -> None:  # noqa: FBT001 - the pretty-printer protocol
        printer.text(repr(self))


def _request(spec: dict[str, Any]) -> dict[str, Any]:
    archive, top = build(spec)
    parent = top if spec["container_parent"] == "top" else "sha256:" + "0" * 64
    return {"spec": spec, "archive": Archive(base64.b64encode(archive).decode()), "driver": DRIVER,
            "container": spec["container"], "parent": parent if spec["container"] else ""}


# -- the answer ------------------------------------------------------------------------------------


def describe_root(root: Path) -> dict[str, Any]:
    """Every path under the root as the harness describes it (filepath.Walk order decides hard-link names)."""
    files: dict[str, Any] = {}
    inodes: dict[int, str] = {}

    def walk(directory: Path) -> None:
        for path in sorted(directory.iterdir(), key=lambda p: p.name):
            name = path.name
            rel = path.relative_to(root).as_posix()
            st = path.lstat()
            entry: dict[str, Any] = {"mode": f"{stat.S_IMODE(st.st_mode):04o}"}
            files[rel] = entry
            if stat.S_ISDIR(st.st_mode):
                entry["type"] = "dir"
                with entered(path):  # a 0600 directory is open to root, not to its owner
                    walk(path)
            elif stat.S_ISLNK(st.st_mode):
                entry.update(type="symlink", target=str(path.readlink()), mode="0777")
            elif stat.S_ISREG(st.st_mode):
                entry["type"] = "file"
                data = path.read_bytes()
                if name.endswith(".gz"):
                    try:
                        data = gzip.decompress(data)
                        entry["gunzip"] = True
                    except (OSError, EOFError):
                        pass
                try:
                    entry["text"] = data.decode("utf-8")
                except UnicodeDecodeError:
                    entry["base64"] = base64.b64encode(data).decode()
                if st.st_nlink > 1:
                    if st.st_ino in inodes:
                        entry["link"] = inodes[st.st_ino]
                    else:
                        inodes[st.st_ino] = rel
            else:
                entry["type"] = "other"

    walk(root)
    return files


def model(request: dict[str, Any]) -> Any:
    """The layout model's answer: load into a fresh root on the vfs driver, create the container, describe."""
    with tempfile.TemporaryDirectory(prefix="walkthrough-docker-layout-", dir=scratch_dir()) as tmp:
        root = Path(tmp)
        answer: dict[str, Any] = {"output": ""}
        try:
            daemon = layout.Daemon.open(root, driver=request["driver"])
            archive = layout.read_save_archive(base64.b64decode(request["archive"]))
            result = daemon.load(archive)
            answer["output"] = result.output
            if request["container"]:
                daemon.layers.create_rw_layer(request["container"], request["parent"], init=lambda _path: None)
        except layout.LoadError as exc:
            answer["output"], answer["error"] = exc.result.output, str(exc)
        except LayoutError as exc:
            answer["error"] = str(exc)
        answer["files"] = describe_root(root)
        remove_tree(root)  # what TemporaryDirectory cannot remove without root's privileges
        return answer


LAYERDB_FILE_DEPTH = 6
"""Parts of image/<driver>/layerdb/{sha256,mounts}/<dir>/<file>."""
_IMPORT_DIR = re.compile(r"/[^ ]*docker-import-\d+")
_TX = re.compile(r"(layerdb/tmp/)layer-\d+")


def normalise(answer: Any) -> Any:
    """Random cache-ids and mount-ids as placeholders named by their chain ID or mount; temp names fixed."""
    if not isinstance(answer, dict) or not isinstance(answer.get("files"), dict):
        return answer
    files: dict[str, Any] = answer["files"]
    names: dict[str, str] = {}
    for path, entry in files.items():
        parts = path.split("/")
        text = entry.get("text") if isinstance(entry, dict) else None
        if not isinstance(text, str) or len(parts) != LAYERDB_FILE_DEPTH or parts[2] != "layerdb":
            continue
        if parts[3] == "sha256" and parts[5] == "cache-id":
            names[text] = f"<cache-id of {parts[4][:12]}>"
        elif parts[3] == "mounts" and parts[5] == "mount-id":
            names[text] = f"<mount-id of {parts[4][:12]}>"

    def fix(text: str) -> str:
        for random_id, placeholder in names.items():
            if random_id:
                text = text.replace(random_id, placeholder)
        return _TX.sub(r"\1layer-*", _IMPORT_DIR.sub("<docker-import dir>", text))

    fixed_files = {}
    for path, entry in files.items():
        fixed = dict(entry) if isinstance(entry, dict) else entry
        if isinstance(fixed, dict):
            for key in ("text", "link"):
                if isinstance(fixed.get(key), str):
                    fixed[key] = fix(fixed[key])
        fixed_files[fix(path)] = fixed
    out = dict(answer, files=fixed_files)
    if isinstance(out.get("error"), str):
        out["error"] = fix(out["error"])
    return out


def vector(request: dict[str, Any], answer: Any) -> dict[str, Any]:
    """A vector: the spec (to read), the archive the Go loaded (gzip, base64), the container, the normalised answer.

    The archive travels whole (a few kB compressed), so a replay loads the very bytes the Go loaded
    whatever tarfile or zlib writes on the replaying machine; `replay_request` turns the inputs back.
    """
    archive = gzip.compress(base64.b64decode(request["archive"]), mtime=0)
    inputs = {"spec": request["spec"], "archive_gz": base64.b64encode(archive).decode(),
              **{key: request[key] for key in ("driver", "container", "parent")}}
    return {
        "meta": {"functions": "tarexport Load + layer/image/reference stores on vfs, as files (live parity)",
                 "source": "github.com/docker/docker v1.12.3",
                 "note": "inputs.archive_gz is the archive walkthrough.parity.live.families.docker_layout.build(spec) "
                         "made, gzip-compressed and base64-encoded"},
        "docker_layout": [{"inputs": inputs, "outputs": normalise(answer)}],
    }


def replay_request(inputs: dict[str, Any]) -> dict[str, Any]:
    """The request a vector's inputs were made from (the model reads `archive`, `driver`, `container`, `parent`)."""
    archive = gzip.decompress(base64.b64decode(inputs["archive_gz"]))
    return {"spec": inputs["spec"], "archive": Archive(base64.b64encode(archive).decode()),
            **{key: inputs[key] for key in ("driver", "container", "parent")}}


def _describe(request: dict[str, Any]) -> str:
    return json.dumps(request["spec"], sort_keys=True)[:400]


FAMILY = LiveFamily(
    name="docker_layout",
    world="docker",
    what="docker image/tarexport Load into the real layer (vfs), image and reference stores: the files it writes",
    requests=requests,
    model=model,
    vector=vector,
    normalise=normalise,
    describe=_describe,
    share=0.2,  # a case unpacks every layer in a chroot child process: ~30 ms, where most families take ~1
)
