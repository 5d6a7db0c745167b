"""Parity runner for strategic-merge-patch vectors (`m-strategicpatch*.json`, or a meta naming StrategicMergePatch).

A vector's inputs are a request of the strategicpatch harness (the original and the patch as JSON
text, the data struct's Go type by package path); its outputs are every outcome the Go gave: the
patched object, or the errors and panics a random map order can lead to. Live parity
(`walkthrough parity --live --model strategicpatch`) prints disagreements in this format.
"""

from __future__ import annotations

import json
from typing import Any

from walkthrough.errors import InputError
from walkthrough.parity import Outcome, guarded
from walkthrough.reimpl.kubernetes import strategicpatch as sp
from walkthrough.reimpl.kubernetes._go import GoPanic


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `m-strategicpatch*.json`, or whose meta names StrategicMergePatch."""
    return file_name.startswith("m-strategicpatch") or "StrategicMergePatch" in str(meta.get("functions", ""))


def _outcome(failure: Exception) -> dict[str, Any]:
    return {"panic": str(failure)} if isinstance(failure, GoPanic) else {"error": str(failure)}


def model(request: dict[str, Any]) -> dict[str, Any]:
    """Every outcome the model says the Go can give for the request."""
    outcomes: list[dict[str, Any]]
    try:
        result = sp.strategic_merge_patch_bytes(request["original"].encode(), request["patch"].encode(),
                                                request["type"])
    except sp.PatchError as exc:
        outcomes = [_outcome(failure) for failure in exc.alternatives]
    except GoPanic as exc:
        outcomes = [_outcome(exc)]
    else:
        outcomes = [{"result": result}]
    return normalise({"outcomes": outcomes})


def _floats(value: Any) -> Any:
    """Every JSON number as a float (json.Marshal writes an int64 80 and a float64 80 alike)."""
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def normalise(answer: Any) -> Any:
    """Numbers as floats, the outcomes distinct and in one order (the Go's are in the order it met them)."""
    if not isinstance(answer, dict) or not isinstance(answer.get("outcomes"), list):
        return answer
    outcomes = {json.dumps(o, sort_keys=True): o for o in _floats(answer["outcomes"])}
    return {**answer, "outcomes": [outcomes[key] for key in sorted(outcomes)]}


def run(data: dict[str, Any]) -> list[Outcome]:
    """Check every vector of a strategic-merge-patch vector file."""
    if "vectors" not in data:
        raise InputError("a strategic-merge-patch vector file needs a 'vectors' list")
    return [guarded(f"vectors[{i}] {v['inputs'].get('type')}", normalise(v["outputs"]),
                    lambda v=v: model(v["inputs"]), subset=False)
            for i, v in enumerate(data["vectors"])]
