"""JSON patch (RFC 6902) and JSON merge patch (RFC 7386) as Kubernetes v1.5.2 applies them: evanphx/json-patch.

`apply_patch` and `merge_patch` take and return parsed JSON (dicts, lists, scalars), where the Go
library takes bytes, and raise `PatchError` with the library's messages, which reach the client as
the text of a 500. The library's quirks are kept, since a client meets them:

- `replace` of a missing key adds it; `replace` past the end of a list grows the list with nulls;
- an operation without a `path` works on the key `unknown` at the top (its `path()` says "unknown");
- `test` compares only the keys of the document's object: `{"a": 1}` passes a test against `{"a": 1, "b": 2}`;
- `add` past the end of a list, a negative index, or a `test` whose `value` is missing or null on a
  present value dereference nothing and panic (`GoPanic`; the apiserver answers a 500).

A merge patch that is not an object: `null`, a number or a string is "Invalid JSON Patch"; an array
replaces the document (its nulls pruned); nulls inside an added object are pruned too.
"""

from __future__ import annotations

import json
from typing import Any

from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes._go import GoPanic
from walkthrough.reimpl.kubernetes.apiv1 import SortedMap, go_json_error


class PatchError(Exception):
    """An error the library returns."""


_MISSING = object()


def decode_patch_key(key: str) -> str:
    """decodePatchKey: `~1` is `/`, `~0` is `~`."""
    return key.replace("~1", "/").replace("~0", "~")


def _atoi(key: str) -> int:
    """strconv.Atoi, with its error text."""
    body = key[1:] if key[:1] in "+-" else key
    if not body or not body.isdigit() or not body.isascii():
        raise PatchError(f"strconv.Atoi: parsing {json.dumps(key)}: invalid syntax")
    value = int(key)
    if not -(2**63) <= value < 2**63:
        raise PatchError(f"strconv.Atoi: parsing {json.dumps(key)}: value out of range")
    return value


def _find_object(doc: dict[str, Any], path: str) -> tuple[Any, str] | None:
    """findObject: the container holding the path's last token, and that token; None when a step is missing.

    Each object on the way is parsed into a partialDoc (a SortedMap: marshalled with sorted keys).
    """
    split = path.split("/")
    container: Any = doc
    for part in split[1:-1]:
        key = decode_patch_key(part)
        try:
            nxt = _get(container, key)
        except PatchError:
            return None
        if nxt is None or not isinstance(nxt, (dict, list)):
            return None
        if isinstance(nxt, dict) and not isinstance(nxt, SortedMap):
            nxt = SortedMap(nxt)
            container[key if isinstance(container, dict) else int(key)] = nxt
        container = nxt
    return container, decode_patch_key(split[-1])


def _get(container: Any, key: str) -> Any:
    if isinstance(container, dict):
        return container.get(key)
    index = _atoi(key)
    if index >= len(container):
        raise PatchError(f"Unable to access invalid index: {index}")
    if index < 0:
        raise GoPanic(f"runtime error: index out of range [{index}]")
    return container[index]


def _set(container: Any, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    index = _atoi(key)
    if index < 0:
        raise GoPanic(f"runtime error: index out of range [{index}]")
    container.extend([None] * (index + 1 - len(container)))
    container[index] = value


def _add(container: Any, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    index = _atoi(key)
    if not 0 <= index <= len(container):
        raise GoPanic(f"runtime error: slice bounds out of range [:{index}] with capacity {len(container)}")
    container.insert(index, value)


def _remove(container: Any, key: str) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise PatchError(f"Unable to remove nonexistant key: {key}")
        del container[key]
        return
    index = _atoi(key)
    if index >= len(container):
        raise PatchError(f"Unable to remove invalid index: {index}")
    if index < 0:
        raise GoPanic(f"runtime error: slice bounds out of range [:{index}]")
    del container[index]


def _equal(value: Any, other: Any) -> bool:
    """lazyNode.equal: an object equals another that has at least its keys, with equal values."""
    if other is _MISSING or other is None:
        raise GoPanic("runtime error: invalid memory address or nil pointer dereference")
    if isinstance(value, dict):
        if not isinstance(other, dict):
            return False
        for key, item in value.items():
            if key not in other:
                return False
            if item is None and other[key] is None:
                continue
            if item is None:
                raise GoPanic("runtime error: invalid memory address or nil pointer dereference")
            if not _equal(item, other[key]):
                return False
        return True
    if isinstance(value, list):
        if not isinstance(other, list) or len(value) != len(other):
            return False
        return all(item is not None and _equal(item, other_item) for item, other_item in zip(value, other, strict=True))
    if isinstance(other, (dict, list)):
        return False
    return json.dumps(value) == json.dumps(other)


@mirrors("kubernetes:vendor/github.com/evanphx/json-patch.Patch.Apply")
def apply_patch(doc: dict[str, Any], patch_text: bytes) -> dict[str, Any]:
    """DecodePatch, then each operation in order on a copy of `doc`."""
    text = patch_text.decode("utf-8", "replace")
    try:
        operations = json.loads(text) if text.strip() else json.loads("")
    except ValueError as exc:
        raise PatchError(go_json_error(text, exc)) from None
    if operations is None:
        operations = []
    if not isinstance(operations, list):
        kind = {dict: "object", str: "string", bool: "bool"}.get(type(operations), "number")
        raise PatchError(f"json: cannot unmarshal {kind} into Go value of type jsonpatch.Patch")
    for op in operations:
        if op is not None and not isinstance(op, dict):
            kind = {list: "array", str: "string", bool: "bool"}.get(type(op), "number")
            raise PatchError(f"json: cannot unmarshal {kind} into Go value of type jsonpatch.operation")
    doc = SortedMap(json.loads(json.dumps(doc)))
    for op in operations:
        _apply_one(doc, op or {})
    return doc


def _text(op: dict[str, Any], key: str) -> str:
    """operation.path() / kind(): the string value, "unknown" when absent or not a string."""
    value = op.get(key)
    return value if isinstance(value, str) else "unknown"


def _apply_one(doc: dict[str, Any], op: dict[str, Any]) -> None:
    kind, path = _text(op, "op"), _text(op, "path")
    value = op.get("value", _MISSING)
    if kind not in ("add", "remove", "replace", "move", "test"):
        raise PatchError(f"Unexpected kind: {kind}")
    if kind == "move":
        source = _text(op, "from")
        found = _find_object(doc, source)
        if found is None:
            raise PatchError(f"jsonpatch move operation does not apply: doc is missing from path: {source}")
        moved = _get(*found)
        _remove(*found)
        found = _find_object(doc, path)
        if found is None:
            raise PatchError(f"jsonpatch move operation does not apply: doc is missing destination path: {path}")
        _set(*found, moved)
        return
    found = _find_object(doc, path)
    if found is None:
        verb = "is missing path" if kind == "test" else "doc is missing path"
        raise PatchError(f"jsonpatch {kind} operation does not apply: {verb}: {path}")
    container, key = found
    new = None if value is _MISSING else value
    if kind == "add":
        _add(container, key, new)
    elif kind == "remove":
        _remove(container, key)
    elif kind == "replace":
        _set(container, key, new)
    else:
        current = _get(container, key)
        if current is None:
            if value is _MISSING:
                raise GoPanic("runtime error: invalid memory address or nil pointer dereference")
            if value is None:
                return
            raise PatchError(f"Testing value {path} failed")
        if not _equal(current, value):
            raise PatchError(f"Testing value {path} failed")


def _prune_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return SortedMap({k: _prune_nulls(v) for k, v in value.items() if v is not None})
    if isinstance(value, list):
        return [_prune_nulls(v) for v in value if v is not None]
    return value


def _merge(current: Any, patch: Any) -> Any:
    if not isinstance(current, dict):
        return _prune_nulls(patch)
    if not isinstance(patch, dict):
        return patch
    current = SortedMap(current)
    _merge_docs(current, patch)
    return current


def _merge_docs(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    for raw_key, value in patch.items():
        key = decode_patch_key(raw_key)
        if value is None:
            doc.pop(key, None)
        elif doc.get(key) is None:
            doc[key] = _prune_nulls(value)
        else:
            doc[key] = _merge(doc[key], value)


@mirrors("kubernetes:vendor/github.com/evanphx/json-patch.MergePatch")
def merge_patch(doc: dict[str, Any], patch_text: bytes) -> Any:
    """RFC 7386 as the library does it: objects merge, null deletes, anything else replaces."""
    text = patch_text.decode("utf-8", "replace")
    try:
        patch = json.loads(text) if text.strip() else json.loads("")
    except ValueError:
        raise PatchError("Invalid JSON Patch") from None
    if isinstance(patch, list):
        return _prune_nulls(patch)
    if not isinstance(patch, dict):
        raise PatchError("Invalid JSON Patch")
    doc = SortedMap(json.loads(json.dumps(doc)))
    _merge_docs(doc, patch)
    return doc


def _demo() -> None:
    pod = {"metadata": {"name": "web", "labels": {"app": "web"}},
           "spec": {"containers": [{"name": "web", "image": "nginx:1.10"}, {"name": "log", "image": "busybox"}]}}
    print("the pod:", json.dumps(pod))
    for patch in (b'[{"op": "replace", "path": "/spec/containers/0/image", "value": "nginx:1.11"}]',
                  b'[{"op": "replace", "path": "/metadata/team", "value": "x"}]',
                  b'[{"op": "test", "path": "/metadata", "value": {"name": "web", "labels": {"app": "web"}, "x": 1}}]',
                  b'[{"op": "remove", "path": "/metadata/labels/tier"}]'):
        try:
            print(f"JSON patch  {patch.decode():80} -> {json.dumps(apply_patch(pod, patch))[:90]}")
        except PatchError as err:
            print(f"JSON patch  {patch.decode():80} -> error: {err}")
    for patch in (b'{"metadata": {"labels": {"app": null, "tier": "front"}}}',
                  b'{"spec": {"containers": [{"name": "web", "image": "nginx:1.11"}]}}', b"5"):
        try:
            print(f"merge patch {patch.decode():80} -> {json.dumps(merge_patch(pod, patch))[:90]}")
        except PatchError as err:
            print(f"merge patch {patch.decode():80} -> error: {err}")


if __name__ == "__main__":
    _demo()
