"""Parity runner for `b-docker-ids.json`: chain IDs, image IDs and reference parsing of Docker 1.12.3.

Four lists: `chain_id` (diff IDs in, the chain ID and every prefix's chain ID out), `image_id` (config
text in; digest of the bytes, NewFromJSON + MarshalJSON + RootFS.ChainID, and image store Create/Get,
including the upstream panic on a config without rootfs), `reference` (ParseNamed and the Named
accessors, ParseIDOrReference, WithName), and `digest` (distribution's ParseDigest).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from walkthrough.parity import Outcome, compare
from walkthrough.reimpl.docker import ids, reference


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `b-docker-ids.json`, or whose meta names CreateChainID."""
    return "docker-ids" in file_name.lower() or "CreateChainID" in str(meta.get("functions", ""))


def chain_id(inputs: dict[str, Any]) -> dict[str, Any]:
    """The model's chain ids for the vector's diff ids."""
    diff_ids = inputs["diff_ids"]
    return {"chain_id": ids.create_chain_id(diff_ids), "prefix_chain_ids": ids.prefix_chain_ids(diff_ids)}


def image_id(inputs: dict[str, Any], store_root: Path) -> dict[str, Any]:
    """The model's image id, and what storing the config does, for the vector's config."""
    config = inputs["config_json"].encode("utf-8", errors="surrogateescape")
    out: dict[str, Any] = {"digest_of_bytes": ids.digest_from_bytes(config)}
    try:
        img = ids.new_from_json(config)
        out["marshal_json"] = img.marshal_json()
        out["rootfs_chain_id"] = img.rootfs_chain_id()
    except ids.ImageError as exc:
        out["new_from_json_error"] = exc.message
    store = ids.ImageStore(ids.FSStoreBackend(store_root))
    try:
        created = store.create(config)
        out["image_id"] = created
        out["stored_image_id"] = store.get(created).image_id()
    except ids.GoPanic as exc:
        out["store_create_panic"] = exc.message
    except ids.ImageError as exc:
        out["store_create_error"] = exc.message
    return out


def digest(inputs: dict[str, Any]) -> dict[str, Any]:
    """The vector's string through distribution's ParseDigest: the digest, or the error."""
    parsed, err = reference.parse_digest(inputs["s"])
    return {"error": err.message} if err is not None else {"digest": parsed}


def run(data: dict[str, Any]) -> list[Outcome]:
    """One Outcome per vector of each of the four lists."""
    outcomes = []
    for index, vector in enumerate(data.get("chain_id", [])):
        outcomes.append(compare(f"chain_id[{index}] CreateChainID({len(vector['inputs']['diff_ids'])} diff IDs)",
                                vector["outputs"], chain_id(vector["inputs"]), subset=False))
    with tempfile.TemporaryDirectory(prefix="walkthrough-imagedb-") as tmp:
        for index, vector in enumerate(data.get("image_id", [])):
            root = Path(tmp) / str(index)
            name = f"image_id[{index}] config {vector['inputs']['config_json'][:40]!r}"
            outcomes.append(compare(name, vector["outputs"], image_id(vector["inputs"], root), subset=False))
    for index, vector in enumerate(data.get("reference", [])):
        s = vector["inputs"]["s"]
        outcomes.append(compare(f"reference[{index}] ParseNamed({s[:60]!r})", vector["outputs"],
                                reference.describe(s), subset=False))
    for index, vector in enumerate(data.get("digest", [])):
        s = vector["inputs"]["s"]
        outcomes.append(compare(f"digest[{index}] ParseDigest({s[:60]!r})", vector["outputs"],
                                digest(vector["inputs"]), subset=False))
    return outcomes
