"""Parity runner for Go fmt vectors (`k-gofmt*.json`, or a meta naming fmt.Sprintf): the `_gofmt` model.

A vector's inputs are a request of the gofmt harness (a function, a format and operands given as
tagged JSON values, see harness/gofmt/main.go); its outputs are the text the real fmt printed. Live
parity (`walkthrough parity --live --model gofmt`) prints disagreements in this format.
"""

from __future__ import annotations

import re
from typing import Any

from walkthrough.errors import InputError
from walkthrough.parity import Outcome, guarded
from walkthrough.reimpl import _gofmt as gofmt


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `k-gofmt*.json`, or whose meta names fmt.Sprintf."""
    return file_name.startswith("k-gofmt") or "fmt.Sprintf" in str(meta.get("functions", ""))


def _s(struct: gofmt.Struct) -> str:
    return struct.values[0]


# The harness's own struct types, as the model sees them.
HARNESS_TYPES = {
    "Pair": gofmt.StructType("main.Pair", ("A", "B")),
    "hidden": gofmt.StructType("main.hidden", ("a", "B")),
    "ValS": gofmt.StructType("main.ValS", ("S",), ("string",),
                             string=gofmt.Method("value", lambda v: f"vs<{_s(v)}>")),
    "PtrS": gofmt.StructType("main.PtrS", ("S",), ("string",),
                             string=gofmt.Method("pointer", lambda v: f"ps<{_s(v)}>")),
    "ValE": gofmt.StructType("main.ValE", ("S",), ("string",), error=gofmt.Method("value", lambda v: f"ve<{_s(v)}>")),
    "PtrE": gofmt.StructType("main.PtrE", ("S",), ("string",),
                             error=gofmt.Method("pointer", lambda v: f"pe<{_s(v)}>")),
    "Both": gofmt.StructType("main.Both", ("S",), ("string",), error=gofmt.Method("value", lambda v: f"be<{_s(v)}>"),
                             string=gofmt.Method("value", lambda v: f"bs<{_s(v)}>")),
}
UPSTREAM_TYPES = {t.name: t for t in (gofmt.GROUP_KIND, gofmt.GROUP_RESOURCE, gofmt.GROUP_VERSION_KIND,
                                       gofmt.GROUP_VERSION)}
STRING_FIELDS = ["ValS", "PtrS", "ValE", "PtrE", "Both", *UPSTREAM_TYPES]
INTERFACE_FIELDS = ["Pair", "hidden"]


def struct_type(name: str) -> gofmt.StructType:
    """The model's struct type for a harness type name."""
    return HARNESS_TYPES.get(name) or UPSTREAM_TYPES[name]

def to_model(value: dict[str, Any]) -> Any:
    """The Python value the model formats for a tagged value."""
    tag: str = value["t"]
    raw: Any = value.get("v")
    result: Any
    if tag in ("string", "bool", "float64", "int"):
        result = raw
    elif tag in ("int64", "uint", "uint8"):
        result = gofmt.Typed(raw, tag)
    elif tag == "name":
        result = gofmt.Typed(raw, "main.Name")
    elif tag == "nil":
        result = None
    elif tag == "bytes":
        result = raw.encode()
    elif tag == "error":
        result = gofmt.Pointer(gofmt.Struct(gofmt.ERROR_STRING, (raw,)))
    elif tag == "slice":
        result = [to_model(v) for v in raw]
    elif tag == "strings":
        result = gofmt.Slice(raw, "string")
    elif tag == "map":
        result = {k: to_model(v) for k, v in raw.items()}
    elif tag == "struct":
        result = gofmt.Struct(struct_type(value["type"]), tuple(to_model(v) for v in raw))
    elif tag == "ptr":
        result = gofmt.Pointer(to_model(raw))
    elif tag == "nilptr":
        result = gofmt.Pointer(None, struct_type(value["type"]))
    else:
        raise ValueError(f"unknown tag {tag!r}")
    return result


def model(request: dict[str, Any]) -> dict[str, str]:
    """The model's text for the request."""
    args = [to_model(a) for a in request["args"]]
    func = request["func"]
    if func == "Sprintf":
        text = gofmt.sprintf(request["format"], *args)
    elif func == "Errorf":
        text = gofmt.errorf(request["format"], *args)
    elif func == "Sprint":
        text = gofmt.sprint(*args)
    else:
        text = gofmt.sprintln(*args)
    return {"text": text}


ADDRESS = re.compile(r"0xc[0-9a-f]{5,}")


def normalise(answer: Any) -> Any:
    """Heap addresses (a pointer below the top level, with no method to call) read as the model's `0xADDR`."""
    if isinstance(answer, dict) and isinstance(answer.get("text"), str):
        return {**answer, "text": ADDRESS.sub(gofmt.ADDRESS, answer["text"])}
    return answer


def run(data: dict[str, Any]) -> list[Outcome]:
    """Check every vector of a gofmt vector file."""
    if "vectors" not in data:
        raise InputError("a gofmt vector file needs a 'vectors' list")
    return [guarded(f"vectors[{i}] {v['inputs'].get('func')}({v['inputs'].get('format')!r})",
                    normalise(v["outputs"]), lambda v=v: model(v["inputs"]), subset=False)
            for i, v in enumerate(data["vectors"])]
