"""Docker identity models: golden vectors (b-docker-ids.json) and the image-store behaviours of the plan."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from walkthrough.parity import run_file
from walkthrough.reimpl.docker import _gojson, ids, reference

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE_DIFF_IDS = [
    "sha256:8aa4fcad5eeb286fe9696898d988dc85503c6392d1a2bd9023911fb0d6d27081",
    "sha256:25e0901a71b8c6a9df21590604a70517eb7b074071ef6af1033d50037baf3dd5",
    "sha256:625c7a2a783b4736cf488efd1fafc41736b9998ec087e20da946c30522ec9ad7",
]


def _golden(name: str) -> Path:
    path = GOLDEN / name
    if not path.exists():
        pytest.skip(f"{name} not yet copied into tests/golden/")
    return path


def test_b_docker_ids_vectors_all_pass() -> None:
    report = run_file(_golden("b-docker-ids.json"))
    assert report.runner == "docker_ids"
    assert len(report.outcomes) >= 110
    assert [o.name for o in report.failed] == []


# -- img-chainid -----------------------------------------------------------------------------------


def test_img_chainid_recursive_hash_of_full_digest_strings() -> None:
    """Behaviour img-chainid."""
    chains = ids.prefix_chain_ids(EXAMPLE_DIFF_IDS)
    assert chains == [
        EXAMPLE_DIFF_IDS[0],
        "sha256:508ceb742ac26b43bdda819674a5f1d33f7b64c1708e123a33e066cb147e2841",
        "sha256:4f10a8fd56139304ad81be75a6ac056b526236496f8c06b494566010942d8d32",
    ]
    second = "sha256:" + hashlib.sha256(f"{EXAMPLE_DIFF_IDS[0]} {EXAMPLE_DIFF_IDS[1]}".encode()).hexdigest()
    assert chains[1] == second
    assert ids.create_chain_id([]) == ""


def test_img_chainid_image_top_chain_id_is_chain_of_rootfs() -> None:
    """Behaviour img-chainid."""
    config = json.dumps({"rootfs": {"type": "layers", "diff_ids": EXAMPLE_DIFF_IDS}}).encode()
    assert ids.new_from_json(config).rootfs_chain_id() == ids.create_chain_id(EXAMPLE_DIFF_IDS)


# -- img-id ----------------------------------------------------------------------------------------


def test_img_id_is_sha256_of_exact_bytes_and_stored_under_it(tmp_path: Path) -> None:
    """Behaviour img-id."""
    store = ids.ImageStore(ids.FSStoreBackend(tmp_path / "imagedb"))
    config = b'{"rootfs":{"type":"layers"}}'
    image_id = store.create(config)
    assert image_id == "sha256:" + hashlib.sha256(config).hexdigest()
    content = tmp_path / "imagedb" / "content" / "sha256" / image_id[7:]
    assert content.read_bytes() == config
    assert store.create(config + b"\n") != image_id  # a trailing newline is another image
    assert store.get(image_id).image_id() == image_id


def test_img_id_read_rejects_tampered_content_and_empty_data(tmp_path: Path) -> None:
    """Behaviour img-id."""
    backend = ids.FSStoreBackend(tmp_path)
    image_id = backend.set(b'{"rootfs":{"type":"layers"}}')
    backend.content_file(image_id).write_bytes(b'{"rootfs":{"type":"layers"}} ')
    with pytest.raises(ids.ImageError, match="failed to verify image"):
        backend.get(image_id)
    with pytest.raises(ids.ImageError, match="Invalid empty data"):
        backend.set(b"")


def test_img_id_store_create_checks_history_and_layers(tmp_path: Path) -> None:
    """Behaviour img-id."""
    config = json.dumps({"rootfs": {"type": "layers", "diff_ids": EXAMPLE_DIFF_IDS[:1]},
                         "history": [{"created_by": "a"}, {"created_by": "b"}]}).encode()
    with pytest.raises(ids.ImageError, match="too many non-empty layers in History section"):
        ids.ImageStore(ids.FSStoreBackend(tmp_path)).create(config)
    with pytest.raises(ids.ImageError, match="layer does not exist"):
        ids.ImageStore(ids.FSStoreBackend(tmp_path), layer_exists=lambda _c: False).create(
            json.dumps({"rootfs": {"type": "layers", "diff_ids": EXAMPLE_DIFF_IDS}}).encode())
    with pytest.raises(ids.GoPanic):
        ids.ImageStore(ids.FSStoreBackend(tmp_path)).create(b'{"os":"linux"}')


# -- img-metadata ----------------------------------------------------------------------------------


def test_img_metadata_parent_file_only_for_existing_image(tmp_path: Path) -> None:
    """Behaviour img-metadata."""
    store = ids.ImageStore(ids.FSStoreBackend(tmp_path))
    child = store.create(b'{"rootfs":{"type":"layers"},"os":"a"}')
    parent = store.create(b'{"rootfs":{"type":"layers"},"os":"b"}')
    store.set_parent(child, parent)
    assert (tmp_path / "metadata" / "sha256" / child[7:] / "parent").read_text() == parent
    with pytest.raises(ids.ImageError):
        store.set_parent("sha256:" + "0" * 64, parent)


# -- image config JSON -----------------------------------------------------------------------------


def test_marshal_json_sorts_top_level_keys_and_keeps_nested_field_order() -> None:
    img = ids.new_from_json(b'{"OS":"linux","rootfs":{"diff_ids":["sha256:ab"],"type":"layers"},'
                            b'"config":{"Labels":{"b":"1","a":"<&>"},"Cmd":"sh","Healthcheck":{"Retries":3}}}')
    out = img.marshal_json()
    assert out.startswith('{"config":{"Hostname":""')
    assert '"Cmd":["sh"]' in out  # StrSlice accepts one string
    assert '"Healthcheck":{"Retries":3}' in out
    assert '"Labels":{"a":"\\u003c\\u0026\\u003e","b":"1"}' in out
    assert '"os":"linux"' in out  # keys match case-insensitively
    assert out.index('"rootfs"') > out.index('"os"')
    assert '"rootfs":{"type":"layers","diff_ids":["sha256:ab"]}' in out


@pytest.mark.parametrize(("config", "message"), [
    (b"", "unexpected end of JSON input"),
    (b'{"rootfs":', "unexpected end of JSON input"),
    (b"[1,]", "invalid character ']' looking for beginning of value"),
    (b'{"a" 1}', "invalid character '1' after object key"),
    (b'{"a":1 "b":2}', "invalid character '\"' after object key:value pair"),
    (b"{} x", "invalid character 'x' after top-level value"),
    (b'{"a":tru}', "invalid character '}' in literal true (expecting 'e')"),
    (b'{"a":-x}', "invalid character 'x' in numeric literal"),
    (b'{"a":"\\q"}', "invalid character 'q' in string escape code"),
    (b'{"rootfs":{"type":1}}', "json: cannot unmarshal number into Go struct field RootFS.rootfs.type of type string"),
    (b'{"Size":1.5,"rootfs":{}}', "json: cannot unmarshal number 1.5 into Go struct field Image.Size of type int64"),
    (b'"x"', "json: cannot unmarshal string into Go value of type image.Image"),
    (b'{"created":"2016-13-01T00:00:00Z","rootfs":{}}',
     'parsing time "\\"2016-13-01T00:00:00Z\\"": month out of range'),
    (b'{"created":"yesterday","rootfs":{}}',
     'parsing time "\\"yesterday\\"" as "\\"2006-01-02T15:04:05Z07:00\\"": cannot parse "yesterday\\"" as "2006"'),
    (b'{"config":{"Cmd":5},"rootfs":{}}',
     "json: cannot unmarshal number into Go struct field Config.config.Cmd of type string"),
    (b'{"history":[{"empty_layer":"x"}],"rootfs":{}}',
     "json: cannot unmarshal string into Go struct field History.history.empty_layer of type bool"),
])
def test_new_from_json_errors_are_go_1_19_texts(config: bytes, message: str) -> None:
    with pytest.raises(ids.ImageError) as info:
        ids.new_from_json(config)
    assert info.value.message == message


def test_time_keeps_offset_and_trims_fraction() -> None:
    img = ids.new_from_json(b'{"created":"2016-10-07T21:03:58.469800000+02:00","rootfs":{}}')
    assert '"created":"2016-10-07T21:03:58.4698+02:00"' in img.marshal_json()
    assert _gojson.parse_rfc3339_json('"2016-02-29T00:00:00Z"').day == 29
    with pytest.raises(_gojson.GoJSONError, match="day out of range"):
        _gojson.parse_rfc3339_json('"2015-02-29T00:00:00Z"')


# -- img-save-v1-id --------------------------------------------------------------------------------


def test_img_save_v1_id_verified_vector() -> None:
    """Behaviour img-save-v1-id."""
    layer_id = "sha256:ea9f151abb7e06353e73172dad421235611d4f6d0560ec95db26e0dc240642c1"
    assert ids.create_v1_id(ids.empty_v1_image(), layer_id, "") == (
        "sha256:2b8a5cc36c07cfb2a5bd6e40f9d5dd52fb300ab1a7afb6e22b3d977e3cfcb885")


def test_img_save_v1_id_hashes_sorted_compact_json_with_layer_id_and_parent() -> None:
    """Behaviour img-save-v1-id."""
    layer_id = "sha256:" + "1" * 64
    parent = "sha256:" + "2" * 64
    expected_json = (
        '{"container_config":{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,'
        '"AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":null,"Image":"",'
        '"Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":null},'
        f'"created":"0001-01-01T00:00:00Z","layer_id":"{layer_id}","parent":"{parent}"}}')
    assert ids.create_v1_id(ids.empty_v1_image(), layer_id, parent) == ids.digest_from_bytes(expected_json.encode())


def test_img_save_v1_id_only_top_layer_carries_the_image_config() -> None:
    """Behaviour img-save-v1-id."""
    config = json.dumps({"os": "linux", "id": "ignored", "rootfs": {"type": "layers", "diff_ids": EXAMPLE_DIFF_IDS}})
    img = ids.new_from_json(config.encode())
    layers = ids.save_v1_layers(img)
    assert len(layers) == 3
    chains = ids.prefix_chain_ids(EXAMPLE_DIFF_IDS)
    first_id = ids.create_v1_id(ids.empty_v1_image(), chains[0], "")
    assert layers[0][0] == first_id[7:]
    second_id = ids.create_v1_id(ids.empty_v1_image(), chains[1], first_id)
    assert layers[1][0] == second_id[7:]
    top = json.loads(layers[2][1])
    assert top["os"] == "linux"
    assert top["id"] == layers[2][0]
    assert top["parent"] == layers[1][0]


# -- references ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "name", "full"), [
    ("docker.io/library/ubuntu:14.04", "ubuntu", "docker.io/library/ubuntu"),
    ("index.docker.io/foo/bar", "foo/bar", "docker.io/foo/bar"),
    ("localhost/foo", "localhost/foo", "localhost/foo"),
    ("registry/foo", "registry/foo", "docker.io/registry/foo"),
])
def test_reference_normalisation(text: str, name: str, full: str) -> None:
    ref = reference.parse_named(text)
    assert (ref.name(), ref.full_name()) == (name, full)


def test_reference_grammar_stays_linear_on_long_invalid_names() -> None:
    with pytest.raises(reference.ReferenceError):
        reference.parse_named("a" * 200 + "!")
    with pytest.raises(reference.ReferenceError):
        reference.parse_named("ubuntu\n")  # Go's $ does not match before a trailing newline


def test_parse_id_or_reference_prefers_ids_and_digests() -> None:
    hex64 = "ab" * 32
    assert reference.parse_id_or_reference(hex64) == ("sha256:" + hex64, None)
    dgst, ref = reference.parse_id_or_reference("busybox")
    assert dgst == ""
    assert ref is not None
    assert ref.string() == "busybox"


def test_demos_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert ids.main([]) == 0
    assert reference.main(["ubuntu"]) == 0
    out = capsys.readouterr().out
    assert "chain IDs" in out
    assert "docker.io/library/ubuntu" in out


def test_repeated_keys_decode_again_into_the_same_value() -> None:
    img = ids.new_from_json(b'{"rootfs":{"type":"a","diff_ids":["sha256:x"]},"rootfs":{"type":"b"},'
                            b'"history":[{"created_by":"a","comment":"c"}],"history":[{"created_by":"b"}]}')
    out = img.marshal_json()
    assert '"rootfs":{"type":"b","diff_ids":["sha256:x"]}' in out
    assert '"history":[{"created":"0001-01-01T00:00:00Z","created_by":"b","comment":"c"}]' in out


def test_time_gets_the_raw_literal_and_surrogates_become_replacement_chars() -> None:
    with pytest.raises(ids.ImageError) as info:
        ids.new_from_json(b'{"created":"2016-01-01T00:00:00\\u005a","rootfs":{}}')
    assert info.value.message.endswith('cannot parse "\\\\u005a\\"" as "Z07:00"')
    img = ids.new_from_json(b'{"os":"\\ud800x\\ud83d\\ude00","rootfs":{}}')
    assert '"os":"\ufffdx\U0001f600"' in img.marshal_json()
