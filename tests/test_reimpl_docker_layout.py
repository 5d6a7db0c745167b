"""Docker AUFS layout model: load a synthetic `docker save` archive into tmp_path and check the tree.

The archive is built here with tarfile from synthetic layers (not with the model's own builder), so
the IDs the layout model writes are checked against ids.py, not against themselves.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import random
import re
import tarfile
from pathlib import Path

import pytest

from walkthrough.parity import docker_layout as layout_runner
from walkthrough.reimpl.docker import _archive, ids, layout, reference


def _tar(entries: list[tuple[str, bytes | None]], fmt: int = tarfile.USTAR_FORMAT) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for name, content in entries:
            info = tarfile.TarInfo(name)
            if content is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


LAYER_1 = _tar([("etc", None), ("etc/hostname", b"base\n"), ("bin", None), ("bin/sh", b"#!\n" * 100)])
LAYER_2 = _tar([("app", None), ("app/" + "x" * 120, b"long name\n"), ("etc/.wh.hostname", b"")],
               fmt=tarfile.PAX_FORMAT)
LAYER_3 = _tar([("app/data", b"three")])


def _save_archive(layers: list[bytes], repo_tags: list[str], *, gzip_layer: int | None = None,
                  diff_ids: list[str] | None = None) -> tuple[bytes, bytes]:
    """(archive, config): a docker-save-style tar with manifest.json, config and <dir>/layer.tar."""
    diff_ids = diff_ids or ["sha256:" + hashlib.sha256(t).hexdigest() for t in layers]
    config = json.dumps({"architecture": "amd64", "os": "linux", "created": "2016-10-27T12:00:00Z",
                         "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    files: list[tuple[str, bytes | None]] = []
    names = []
    for i, layer_tar in enumerate(layers):
        name = f"v1-{i}"
        data = gzip.compress(layer_tar) if gzip_layer == i else layer_tar
        files += [(name, None), (f"{name}/VERSION", b"1.0"), (f"{name}/layer.tar", data)]
        names.append(f"{name}/layer.tar")
    image_hex = hashlib.sha256(config).hexdigest()
    files.append((f"{image_hex}.json", config))
    files.append(("manifest.json", json.dumps([{"Config": f"{image_hex}.json", "RepoTags": repo_tags,
                                                "Layers": names}]).encode()))
    return _tar(files), config


def _seeded() -> layout.RandomBytes:
    rng = random.Random(7)  # noqa: S311 - reproducible test data
    return lambda n: bytes(rng.getrandbits(8) for _ in range(n))


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[layout.Daemon, layout.LoadResult, bytes]:
    archive, config = _save_archive([LAYER_1, LAYER_2], ["example/app:1.0", "example/app:latest"])
    daemon = layout.Daemon.open(tmp_path / "docker", _seeded())
    result = daemon.load(layout.read_save_archive(archive))
    return daemon, result, config


def test_img_paths_stores_live_under_image_driver(loaded: tuple[layout.Daemon, layout.LoadResult, bytes]) -> None:
    """Behaviour img-paths."""
    daemon, _, _ = loaded
    root = daemon.paths.root
    for rel in ("image/aufs/layerdb/sha256", "image/aufs/imagedb/content/sha256", "image/aufs/imagedb/metadata/sha256",
                "image/aufs/distribution", "aufs/diff", "aufs/layers", "aufs/mnt"):
        assert (root / rel).is_dir(), rel
    assert (root / "image/aufs/repositories.json").is_file()


def test_layout_ids_agree_with_identity_model(loaded: tuple[layout.Daemon, layout.LoadResult, bytes]) -> None:
    daemon, result, config = loaded
    root = daemon.paths.root
    diff_ids = [ids.diff_id_of(LAYER_1), ids.diff_id_of(LAYER_2)]
    image_id = ids.digest_from_bytes(config)
    assert result.image_ids == [image_id]
    content = root / "image/aufs/imagedb/content/sha256" / image_id[7:]
    assert content.read_bytes() == config
    chains = ids.prefix_chain_ids(diff_ids)
    assert sorted(p.name for p in (root / "image/aufs/layerdb/sha256").iterdir()) == sorted(c[7:] for c in chains)
    assert ids.new_from_json(content.read_bytes()).rootfs_chain_id() == chains[-1]


def test_img_layerdb_files(loaded: tuple[layout.Daemon, layout.LoadResult, bytes]) -> None:
    """Behaviour img-layerdb-files."""
    daemon, result, _ = loaded
    root = daemon.paths.root
    base, top = result.layers
    base_dir = root / "image/aufs/layerdb/sha256" / base.chain_id[7:]
    top_dir = root / "image/aufs/layerdb/sha256" / top.chain_id[7:]
    assert sorted(p.name for p in base_dir.iterdir()) == ["cache-id", "diff", "size", "tar-split.json.gz"]
    assert sorted(p.name for p in top_dir.iterdir()) == ["cache-id", "diff", "parent", "size", "tar-split.json.gz"]
    assert (top_dir / "diff").read_text() == ids.diff_id_of(LAYER_2)
    assert (top_dir / "parent").read_text() == base.chain_id
    assert (base_dir / "size").read_text() == str(5 + 300)  # regular file bytes, as pkg/directory.Size counts
    assert list((root / "image/aufs/layerdb/tmp").iterdir()) == []  # transactions were renamed into place


def test_img_diffid_tar_split_reassembles_the_exact_tar(loaded: tuple[layout.Daemon, layout.LoadResult, bytes]) -> None:
    """Behaviour img-diffid."""
    daemon, result, _ = loaded
    for layer_tar, layer in zip([LAYER_1, LAYER_2], result.layers, strict=True):
        split = daemon.paths.layerdb / "sha256" / layer.chain_id[7:] / "tar-split.json.gz"
        entries = [json.loads(line) for line in gzip.decompress(split.read_bytes()).splitlines()]
        assert [e["position"] for e in entries] == list(range(len(entries)))
        rebuilt = b""
        diff_dir = daemon.layers.driver.diff_dir(layer.cache_id)
        for e in entries:
            if e["type"] == 2:
                rebuilt += base64.b64decode(e["payload"])
            elif e.get("size"):
                content = (diff_dir / e["name"]).read_bytes()
                assert _archive.crc64_iso(content) == base64.b64decode(e["payload"])
                rebuilt += content
        assert rebuilt == layer_tar
        assert ids.digest_from_bytes(rebuilt) == layer.diff_id


def test_img_cacheid_random_and_aufs_dirs(loaded: tuple[layout.Daemon, layout.LoadResult, bytes]) -> None:
    """Behaviour img-cacheid."""
    daemon, result, _ = loaded
    home = daemon.layers.driver.home
    base, top = result.layers
    for layer in result.layers:
        cache_id = (daemon.paths.layerdb / "sha256" / layer.chain_id[7:] / "cache-id").read_text()
        assert cache_id == layer.cache_id
        assert len(cache_id) == 64
        assert not cache_id[:12].isdigit()
        assert cache_id != layer.diff_id[7:]
        assert cache_id != layer.chain_id[7:]
        assert (home / "mnt" / cache_id).is_dir()
        assert (home / "diff" / cache_id).is_dir()
    assert (home / "layers" / base.cache_id).read_text() == ""
    assert (home / "layers" / top.cache_id).read_text() == base.cache_id + "\n"
    assert (home / "diff" / top.cache_id / "etc" / ".wh.hostname").is_file()  # AUFS whiteouts stay files
    assert (home / "diff" / base.cache_id / "bin" / "sh").read_bytes() == b"#!\n" * 100


def test_img_cacheid_existing_chain_is_reused(tmp_path: Path) -> None:
    """Behaviour img-cacheid."""
    archive1, _ = _save_archive([LAYER_1, LAYER_2], ["a/one:1"])
    archive2, _ = _save_archive([LAYER_1, LAYER_3], ["a/two:1"], gzip_layer=1)
    daemon = layout.Daemon.open(tmp_path, _seeded())
    first = daemon.load(layout.read_save_archive(archive1))
    second = daemon.load(layout.read_save_archive(archive2))
    assert second.layers[0] is first.layers[0]  # same chain ID: not registered again
    assert len(list((tmp_path / "aufs" / "diff").iterdir())) == 3
    again = daemon.layers.register(LAYER_1, "")
    assert again is first.layers[0]
    assert len(list((tmp_path / "aufs" / "diff").iterdir())) == 3  # the duplicate's directory was removed


def test_img_cacheid_random_id_redraws_all_digit_prefixes() -> None:
    """Behaviour img-cacheid."""
    draws = iter([b"\x11" * 32, b"\xab" * 32])
    assert layout.generate_random_id(lambda n: next(draws)) == "ab" * 32


def test_img_cacheid_max_depth(tmp_path: Path) -> None:
    """Behaviour img-cacheid."""
    daemon = layout.Daemon.open(tmp_path, _seeded())
    parent = daemon.layers.register(_tar([("f0", b"")]), "")
    # Layers 2..125 as the store knows them (registering each for real adds nothing but time), each held once.
    for i in range(1, layout.MAX_LAYER_DEPTH):
        parent = layout.RoLayer(f"sha256:{i:064x}", f"sha256:{i:064x}", parent.cache_id, 0, parent,
                                reference_count=1)
        daemon.layers.layer_map[parent.chain_id] = parent
    assert parent.depth() == layout.MAX_LAYER_DEPTH
    with pytest.raises(layout.LayoutError, match="max depth exceeded"):
        daemon.layers.register(_tar([("last", b"")]), parent.chain_id)
    assert daemon.layers.register(_tar([("ok", b"")]), parent.parent.chain_id).depth() == layout.MAX_LAYER_DEPTH


def test_img_mounts_container_rw_and_init_layers(loaded: tuple[layout.Daemon, layout.LoadResult, bytes]) -> None:
    """Behaviour img-mounts."""
    daemon, result, _ = loaded
    top = result.layers[-1]
    m = daemon.layers.create_rw_layer("c" * 64, top.chain_id)
    mount_dir = daemon.paths.layerdb / "mounts" / ("c" * 64)
    assert (mount_dir / "mount-id").read_text() == m.mount_id
    assert (mount_dir / "init-id").read_text() == m.mount_id + "-init"
    assert (mount_dir / "parent").read_text() == top.chain_id
    home = daemon.layers.driver.home
    assert (home / "layers" / (m.mount_id + "-init")).read_text().split() == [top.cache_id, result.layers[0].cache_id]
    assert (home / "layers" / m.mount_id).read_text().split()[0] == m.mount_id + "-init"
    init = home / "diff" / (m.mount_id + "-init")
    assert (init / ".dockerenv").is_file()
    assert (init / "dev" / "pts").is_dir()
    assert (init / "etc" / "mtab").is_symlink()
    assert m.mount_id != "c" * 64  # the mount-id is random, not the container ID


def test_img_repositories_json(loaded: tuple[layout.Daemon, layout.LoadResult, bytes]) -> None:
    """Behaviour img-repositories-json."""
    daemon, result, _ = loaded
    image_id = result.image_ids[0]
    data = json.loads(daemon.paths.repositories_json.read_text())
    assert data == {"Repositories": {"example/app": {"example/app:1.0": image_id, "example/app:latest": image_id}}}
    store = daemon.references
    store.add_tag(reference.parse_named("example/other"), image_id, False)  # a bare name gets :latest
    repositories = json.loads(daemon.paths.repositories_json.read_text())["Repositories"]
    assert "example/other:latest" in repositories["example/other"]
    with pytest.raises(layout.LayoutError, match=re.escape("Conflict: Tag example/app:1.0 is already set")):
        store.add_tag(reference.parse_named("example/app:1.0"), "sha256:" + "0" * 64, False)
    digest_ref = reference.parse_named("example/app@sha256:" + "1" * 64)
    with pytest.raises(layout.LayoutError, match="refusing to create a tag with a digest reference"):
        store.add_tag(digest_ref, image_id, True)
    assert isinstance(digest_ref, reference.CanonicalRef)
    store.add_digest(digest_ref, image_id, False)
    with pytest.raises(layout.LayoutError, match="Cannot overwrite digest"):
        store.add_digest(digest_ref, image_id, True)


def test_load_rejects_wrong_diff_id_and_unsafe_archives(tmp_path: Path) -> None:
    archive, _ = _save_archive([LAYER_1], ["a/b:1"], diff_ids=["sha256:" + "0" * 64])
    with pytest.raises(layout.LayoutError, match="invalid diffID for layer 0"):
        layout.Daemon.open(tmp_path / "a", _seeded()).load(layout.read_save_archive(archive))
    with pytest.raises(layout.LayoutError, match=re.escape("absolute path or '..'")):
        layout.read_save_archive(_tar([("../escape", b"x")]))
    evil_layer = _tar([("../../outside", b"x")])
    with pytest.raises(layout.LayoutError, match="absolute path"):
        layout.Daemon.open(tmp_path / "b", _seeded()).layers.register(evil_layer, "")
    assert not (tmp_path / "outside").exists()
    with pytest.raises(layout.LayoutError, match=re.escape("no manifest.json")):
        _ = layout.read_save_archive(_tar([("x", b"")])).manifest


def test_symlinks_in_layers_are_counted_not_created(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        link = tarfile.TarInfo("etc")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc"
        tar.addfile(link)
    layer = layout.Daemon.open(tmp_path, _seeded()).layers.register(buf.getvalue(), "")
    assert layer.size == len("/etc")
    assert layer.skipped == ["etc -> /etc (symlink)"]
    assert not (tmp_path / "aufs" / "diff" / layer.cache_id / "etc").exists()


def test_model_builder_and_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = layout.sample_archive()
    daemon = layout.Daemon.open(tmp_path / "root", _seeded())
    result = daemon.load(layout.read_save_archive(archive))
    img = daemon.images.get(result.image_ids[0])
    assert [layer.chain_id for layer in result.layers] == ids.prefix_chain_ids(img.diff_ids)
    manifest = layout.read_save_archive(archive).manifest
    assert [p.split("/")[0] for p in manifest[0]["Layers"]] == [v1 for v1, _ in ids.save_v1_layers(img)]
    assert layout.main(["--root", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "layerdb/" in out
    assert "repositories.json" in out
    assert "top chain ID = RootFS.ChainID()" in out
    archive_path = tmp_path / "sample.tar"
    archive_path.write_bytes(archive)
    assert layout.main([str(archive_path), "--root", str(tmp_path / "demo2"), "--container", ""]) == 0


def test_save_archive_layer_symlinks_are_followed_inside_the_archive(tmp_path: Path) -> None:
    """Docker save links a repeated layer (same diff ID) to its first copy."""
    empty = _tar([])
    archive, config = _save_archive([LAYER_1, empty, empty], ["a/b:1"])
    buf = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(archive)) as src, tarfile.open(fileobj=buf, mode="w") as dst:
        for member in src:
            if member.name == "v1-2/layer.tar":
                link = tarfile.TarInfo(member.name)
                link.type, link.linkname = tarfile.SYMTYPE, "../v1-1/layer.tar"
                dst.addfile(link)
            else:
                dst.addfile(member, src.extractfile(member) if member.isreg() else None)
    daemon = layout.Daemon.open(tmp_path, _seeded())
    result = daemon.load(layout.read_save_archive(buf.getvalue()))
    assert [layer.diff_id for layer in result.layers] == [ids.diff_id_of(t) for t in (LAYER_1, empty, empty)]
    assert result.layers[1] is not result.layers[2]  # same diff ID, different chain IDs
    assert result.image_ids == [ids.digest_from_bytes(config)]
    bad = layout.SaveArchive({}, {"x/layer.tar": "../../../etc/passwd"})
    with pytest.raises(layout.LayoutError, match=re.escape("absolute path or '..'")):
        bad.read("x/layer.tar")


def test_distribution_metadata_both_directions(tmp_path: Path) -> None:
    """What a pull records under image/aufs/distribution (a load writes nothing there)."""
    daemon = layout.Daemon.open(tmp_path, _seeded())
    assert list(daemon.paths.distribution.iterdir()) == []
    diff_id, blob = "sha256:" + "d" * 64, "sha256:" + "b" * 64
    daemon.distribution.add(diff_id, blob, "docker.io/library/busybox")
    daemon.distribution.add(diff_id, "sha256:" + "c" * 64, "docker.io/library/alpine")
    daemon.distribution.add(diff_id, blob, "docker.io/library/busybox")  # seen again: moves to the end
    listed = (daemon.paths.distribution / "v2metadata-by-diffid" / "sha256" / ("d" * 64)).read_text()
    assert json.loads(listed) == [{"Digest": "sha256:" + "c" * 64, "SourceRepository": "docker.io/library/alpine"},
                                  {"Digest": blob, "SourceRepository": "docker.io/library/busybox"}]
    assert daemon.distribution.get_diff_id(blob) == diff_id
    for i in range(60):
        daemon.distribution.add(diff_id, f"sha256:{i:064x}", "r")
    assert len(daemon.distribution.get_metadata(diff_id)) == layout.MAX_METADATA


def test_conflicting_layer_members_are_a_layout_error(tmp_path: Path) -> None:
    daemon = layout.Daemon.open(tmp_path, _seeded())
    with pytest.raises(layout.LayoutError, match="cannot apply tar member 'etc/x'"):
        daemon.layers.register(_tar([("etc", b"a file"), ("etc/x", b"under a file")]), "")
    with pytest.raises(layout.LayoutError, match="not a readable tar stream"):
        daemon.layers.register(b"\x00garbage" * 100, "")
    assert list((tmp_path / "image" / "aufs" / "layerdb" / "sha256").glob("*")) == []


# --- as the Go has it (p-docker-layout.json, recorded by the docker_layout live family) -------------------


def _recorded() -> dict:
    return json.loads((Path(__file__).parent / "golden" / "p-docker-layout.json").read_text(encoding="utf-8"))


def test_live_layout_vectors_pass() -> None:
    data = _recorded()
    assert len(data["docker_layout"]) == 80
    assert not [o.name for o in layout_runner.run(data) if not o.passed]


def test_a_layout_model_that_misses_opaque_directories_fails_the_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_archive, "WHITEOUT_OPAQUE_DIR", ".wh..wh..opx")
    failed = [o for o in layout_runner.run(_recorded()) if not o.passed]
    assert failed
    assert all(set(o.expected["files"]) == set(o.actual["files"]) for o in failed)  # only the differing files shown


def test_trees_with_closed_directories_read_back_and_remove_for_their_owner(tmp_path: Path) -> None:
    """Docker is root, for whom a 0600 directory is open; the model may run as the directory's owner (a CI runner)."""
    tree: _archive.Tree = {"d": _archive.Node("dir", 0o600), "d/e": _archive.Node("dir", 0o644),
                         "d/e/f": _archive.Node("file", inode=_archive.Inode(b"x", 0o600))}
    _archive.write_tree(tree, tmp_path / "layer")
    assert {p: (n.kind, n.mode if n.inode is None else n.inode.mode)
            for p, n in _archive.read_tree(tmp_path / "layer").items()} == {
        "d": ("dir", 0o600), "d/e": ("dir", 0o644), "d/e/f": ("file", 0o600)}
    assert (tmp_path / "layer" / "d").stat().st_mode & 0o777 == 0o600  # left as it was
    _archive.remove_tree(tmp_path / "layer")
    assert not (tmp_path / "layer").exists()
