"""Docker v1.12.3 content addressing: chain IDs, image configs through the image store, references, digests.

Requests are `{"op": <list>, **inputs}` for the lists of `b-docker-ids.json` (`chain_id`,
`image_id`, `reference`) and `digest` (distribution's ParseDigest); answers are that file's outputs,
so the model side is the golden runner's code. Generated inputs: diff-ID lists with well-formed and
odd IDs; image configs built from the image.Image fields with right and wrong JSON types, unknown
keys, odd times, and broken JSON text; reference strings from the distribution grammar's parts
(hosts, ports, path components, tags, digests) mixed with uppercase, 64-hex names and any text.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walkthrough.parity import docker_ids as golden
from walkthrough.parity.live import LiveFamily
from walkthrough.parity.live.process import scratch_dir
from walkthrough.reimpl.docker import reference

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

HEX = "0123456789abcdef"


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


def digests() -> SearchStrategy[str]:
    """Digest strings: canonical sha256 mostly, other algorithms, lengths, cases and junk."""
    st = _st()
    hex64 = st.text(HEX, min_size=64, max_size=64)
    canonical = st.builds(lambda h: "sha256:" + h, hex64)
    odd = st.builds(
        lambda alg, h: alg + ":" + h,
        st.sampled_from(["sha256", "sha384", "sha512", "SHA256", "md5", "sha-256", "a+b.c_d", ""]),
        st.one_of(st.text(HEX + "ABCDEF", max_size=130), hex64.map(str.upper)),
    )
    return st.one_of(canonical, canonical, odd, st.text(max_size=12))


def diff_id_lists() -> SearchStrategy[list[str]]:
    """Diff-ID lists, empty to a few layers, repeats allowed."""
    st = _st()
    return st.lists(st.one_of(digests(), st.sampled_from(["", "sha256:1", "sha256:2"])), max_size=6)


def _json_values(st: Any) -> Any:
    """Any JSON value, small (for wrong-type fields)."""
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False,
                        allow_infinity=False), st.text(max_size=6))
    return st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                          st.dictionaries(st.text(max_size=4), inner, max_size=3)),
                        max_leaves=6)


def image_configs() -> SearchStrategy[str]:
    """Image config text: mostly objects shaped like image.Image, sometimes wrong types or broken JSON."""
    st = _st()
    anything = _json_values(st)
    times = st.one_of(st.sampled_from(["2016-01-01T00:00:00Z", "2016-06-15T12:30:45.123456789+02:00",
                                       "0001-01-01T00:00:00Z", "2016-01-01", "not a time", ""]), anything)
    strings = st.one_of(st.text(max_size=8), st.text(max_size=8), anything)
    string_lists = st.one_of(st.none(), st.lists(st.text(max_size=6), max_size=3), anything)
    rootfs = st.one_of(
        st.fixed_dictionaries({"type": st.one_of(st.just("layers"), strings)},
                              optional={"diff_ids": st.one_of(diff_id_lists(), anything)}),
        st.none(), anything,
    )
    history = st.lists(st.fixed_dictionaries({}, optional={
        "created": times, "created_by": strings, "author": strings, "comment": strings,
        "empty_layer": st.one_of(st.booleans(), anything)}), max_size=4)
    container = st.fixed_dictionaries({}, optional={
        "Cmd": string_lists, "Env": string_lists, "Entrypoint": string_lists, "Hostname": strings,
        "Labels": st.one_of(st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=2), anything),
        "Volumes": st.one_of(st.dictionaries(st.text(max_size=4), st.just({}), max_size=2), anything),
        "ExposedPorts": st.one_of(st.dictionaries(st.text(max_size=6), st.just({}), max_size=2), anything),
        "Tty": st.one_of(st.booleans(), anything), "User": strings, "WorkingDir": strings,
        "StopSignal": strings, "Shell": string_lists, "ArgsEscaped": st.one_of(st.booleans(), anything),
    })
    config = st.fixed_dictionaries({}, optional={
        "rootfs": rootfs, "history": st.one_of(history, anything), "created": times, "os": strings,
        "architecture": strings, "author": strings, "comment": strings, "docker_version": strings,
        "config": st.one_of(container, st.none(), anything), "container_config": st.one_of(container, anything),
        "container": strings, "parent": strings, "id": strings, "Size": st.one_of(st.integers(), anything),
        "os.version": strings, "os.features": string_lists, "unknown": anything,
    })
    text = st.builds(lambda c, compact: json.dumps(c, separators=(",", ":") if compact else None), config,
                     st.booleans())
    broken = st.one_of(text.map(lambda t: t[: len(t) // 2]), st.text(max_size=12),
                       text.map(lambda t: t + "\n"), text.map(lambda t: " " + t + " x"))
    return st.one_of(text, text, text, broken)


def references() -> SearchStrategy[str]:
    """Reference strings from the grammar's parts, with invalid variations."""
    st = _st()
    component = st.text("abcz019._-", min_size=1, max_size=6)
    host = st.one_of(st.sampled_from(["docker.io", "index.docker.io", "localhost", "gcr.io", "my-registry.local",
                                      "127.0.0.1", "Example.COM", "a_b"]),
                     st.text("abc019.-", min_size=1, max_size=8))
    port = st.one_of(st.just(""), st.builds(lambda p: ":" + p, st.text("0123456789a", min_size=0, max_size=5)))
    path = st.lists(component, min_size=1, max_size=3).map("/".join)
    name = st.one_of(path, st.builds(lambda h, p, rest: h + p + "/" + rest, host, port, path),
                     st.sampled_from(["library/ubuntu", "ubuntu", "Ubuntu", "foo/Bar", "a" * 64, HEX * 4, "a" * 256,
                                      "docker.io/" + "b" * 250, "localhost:5000/" + "c/" * 130 + "d"]))
    tag = st.one_of(st.just(""), st.builds(lambda t: ":" + t, st.text("abcAZ09._-", min_size=0, max_size=8)),
                    st.just(":" + "t" * 129))
    digest = st.one_of(st.just(""), st.builds(lambda d: "@" + d, digests()))
    whole = st.builds(lambda n, t, d: n + t + d, name, tag, digest)
    return st.one_of(whole, whole, whole, st.text(HEX, min_size=64, max_size=64), st.text(max_size=10))


def requests() -> SearchStrategy[dict[str, Any]]:
    """Requests of the four kinds."""
    st = _st()
    return st.one_of(
        st.builds(lambda ids: {"op": "chain_id", "diff_ids": ids}, diff_id_lists()),
        st.builds(lambda c: {"op": "image_id", "config_json": c}, image_configs()),
        st.builds(lambda s: {"op": "reference", "s": s}, references()),
        st.builds(lambda s: {"op": "digest", "s": s}, digests()),
    )


def model(request: dict[str, Any]) -> Any:
    """The golden runner's answer to one request."""
    op = request["op"]
    inputs = {k: v for k, v in request.items() if k != "op"}
    if op == "chain_id":
        return golden.chain_id(inputs)
    if op == "image_id":
        with tempfile.TemporaryDirectory(prefix="walkthrough-imagedb-", dir=scratch_dir()) as tmp:
            return golden.image_id(inputs, Path(tmp))
    if op == "reference":
        return reference.describe(request["s"])
    return golden.digest(inputs)


def vector(request: dict[str, Any], answer: Any) -> dict[str, Any]:
    """A vector file the golden docker-ids runner reads, with the one vector in its list."""
    return {
        "meta": {"functions": "CreateChainID, image store, ParseNamed, ParseDigest, as in b-docker-ids.json "
                              "(live parity)",
                 "source": "github.com/docker/docker v1.12.3"},
        request["op"]: [{"inputs": {k: v for k, v in request.items() if k != "op"}, "outputs": answer}],
    }


FAMILY = LiveFamily(
    name="docker_ids",
    world="docker",
    what="docker layer.CreateChainID, image.NewFromJSON + image store, reference.ParseNamed & co, digest.ParseDigest",
    requests=requests,
    model=model,
    vector=vector,
)
