"""Strategic merge patch of Kubernetes v1.5.2 (`pkg/util/strategicpatch/patch.go`), as PATCH uses it.

A strategic merge patch is a JSON merge patch (RFC 7386: maps merge, `null` deletes a key,
anything else replaces) with one difference: a list whose Go field is tagged
`patchStrategy:"merge"` is *merged*. A list of objects is merged item by item, matching items
by the field named in `patchMergeKey` (a Pod's `spec.containers` by `name`); a list of scalars
is concatenated without duplicates. Any other list is replaced whole, as in a merge patch. The
`$patch` key carries directives: `{"$patch": "replace"}` in a map replaces the map,
`{"$patch": "delete"}` empties it; an item `{"name": "x", "$patch": "delete"}` of a merging list
deletes the item with that key, `{"$patch": "replace"}` makes the list be the patch's items.
`$patch: merge` is refused in both places.

The Go reads strategy and key from the struct tags of the object's Go type (through
`third_party/forked/golang/json.LookupPatchMetadata`). The model has no Go types, so
`MERGE_KEYS` states them as data: for each kind, the dotted field path of every merging list
(items of a merging list are addressed under the list's path: `spec.containers.env`), with its
merge key, `""` for a merging list of scalars. Every other path is a plain field.

Left out, because PATCH never reaches it: the three-way patch (`CreateThreeWayMergePatch`, used by
`kubectl apply`), `MergingMapsHaveConflicts`, preconditions, and the error for a field the Go type
does not have (the original is always an encoded Go object, so its fields are all known).
Errors are the Go texts; Go prints maps in random key order (Go 1.7), the model sorts them.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

from walkthrough.reimpl import mirrors

DIRECTIVE_MARKER = "$patch"
DELETE_DIRECTIVE = "delete"
REPLACE_DIRECTIVE = "replace"
MERGE_DIRECTIVE = "merge"

ERR_BAD_JSON_DOC = "Invalid JSON document"
ERR_NO_LIST_OF_LISTS = "Lists of lists are not supported"

Obj = dict[str, Any]

# --- the struct tags, as data -----------------------------------------------------------------------
# Copied from pkg/api/v1/types.go at v1.5.2 (`patchStrategy:"merge" patchMergeKey:"..."`), for the
# kinds the models store (Pod, ReplicationController, Node, Service; ConfigMap, Namespace,
# ResourceQuota and PersistentVolumeClaim have no merging list outside their ObjectMeta).
# PodSpec.InitContainers is tagged too but is `json:"-"` in v1 (it travels in an annotation), so no
# JSON path reaches it. The tags on NodeSelectorRequirement.Key, Taint.Key and Toleration.Key sit on
# string fields, where a strategy has no effect.

OBJECT_META = {"ownerReferences": "uid", "finalizers": ""}  # ObjectMeta.OwnerReferences, .Finalizers
POD_SPEC = {"volumes": "name", "containers": "name", "imagePullSecrets": "name",  # PodSpec
            # Container.Ports, .Env, .VolumeMounts
            "containers.ports": "containerPort", "containers.env": "name", "containers.volumeMounts": "mountPath"}


def _under(prefix: str, fields: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}.{path}": key for path, key in fields.items()}


# PodStatus, ReplicationControllerStatus and NodeStatus .Conditions; NodeStatus.Addresses; ServiceSpec.Ports.
MERGE_KEYS: dict[str, dict[str, str]] = {
    "Pod": {**_under("metadata", OBJECT_META), **_under("spec", POD_SPEC), "status.conditions": "type"},
    "ReplicationController": {**_under("metadata", OBJECT_META), **_under("spec.template.metadata", OBJECT_META),
                              **_under("spec.template.spec", POD_SPEC), "status.conditions": "type"},
    "Node": {**_under("metadata", OBJECT_META), "status.conditions": "type", "status.addresses": "type"},
    "Service": {**_under("metadata", OBJECT_META), "spec.ports": "port"},
}


def merge_keys(kind: str) -> dict[str, str]:
    """The merging lists of `kind`; a kind not in the table has only those of its ObjectMeta."""
    return MERGE_KEYS.get(kind, _under("metadata", OBJECT_META))


class PatchError(Exception):
    """A plain Go `error` of the package (fmt.Errorf): the API server answers it as a 500 with this text."""


# --- Go's view of decoded JSON ------------------------------------------------------------------------


def go_type(value: Any) -> str:
    """The Go type `encoding/json` decodes a value into (what `reflect.TypeOf` compares)."""
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "nil"


def go_equal(left: Any, right: Any) -> bool:
    """`==` on interface values: same dynamic type and value (so `true` is not `1`, but `1` is `1.0`)."""
    return go_type(left) == go_type(right) and left == right


def go_sprint(value: Any) -> str:
    """`fmt.Sprintf("%v", value)`; map keys sorted."""
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{go_sprint(item)}" for key, item in sorted(value.items())) + "]"
    if isinstance(value, list):
        return "[" + " ".join(map(go_sprint, value)) + "]"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _go_float(float(value))
    return str(value)


def _go_float(number: float) -> str:
    """`%v` of a float64: the shortest digits, in exponent form when the exponent is below -4 or from 6 on."""
    if number == 0:
        return "0"
    sign, digits, exponent = Decimal(repr(number)).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(digits) + int(exponent)  # digits are 0.<text> x 10^point
    minus = "-" if sign else ""
    if point - 1 < -4 or point - 1 >= 6:  # strconv's cut-offs for the shortest %g
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{minus}{mantissa}e{point - 1:+03d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{text}"
    if point >= len(text):
        return minus + text + "0" * (point - len(text))
    return f"{minus}{text[:point]}.{text[point:]}"


# --- applying a patch ---------------------------------------------------------------------------------


@mirrors("kubernetes:pkg/util/strategicpatch.StrategicMergePatch",
         "kubernetes:pkg/util/strategicpatch.StrategicMergePatchData")
def strategic_merge_patch(original: Obj, patch_js: bytes, kind: str) -> Obj:
    """Apply a JSON-encoded strategic merge patch to an object of `kind`; the inputs are left untouched.

    The patch must be a JSON object (`null` counts as `{}`); anything else is "Invalid JSON document".
    """
    try:
        patch = json.loads(patch_js)
    except ValueError:
        raise PatchError(ERR_BAD_JSON_DOC) from None
    if patch is None:
        patch = {}
    if not isinstance(patch, dict):
        raise PatchError(ERR_BAD_JSON_DOC)
    # The Go merges into freshly decoded maps, which it may modify; so does the model, on copies.
    return merge_map(copy.deepcopy(original), copy.deepcopy(patch), merge_keys(kind), "")


def _field(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


@mirrors("kubernetes:pkg/util/strategicpatch.mergeMap")
def merge_map(original: Obj | None, patch: Obj, schema: dict[str, str], path: str) -> Obj:
    """Merge `patch` into `original` (modified in place) at field path `path`."""
    if DIRECTIVE_MARKER in patch:
        directive = patch[DIRECTIVE_MARKER]
        if directive == REPLACE_DIRECTIVE:
            # The patch map itself, unmerged: its own nulls and directives are kept as they are.
            del patch[DIRECTIVE_MARKER]
            return patch
        if directive == DELETE_DIRECTIVE:
            return {}
        raise PatchError(f"unknown patch type: {go_sprint(directive)} in map: {go_sprint(patch)}")
    if original is None:
        original = {}
    for key, patch_value in patch.items():
        if patch_value is None:
            original.pop(key, None)
            continue
        if key not in original:
            original[key] = patch_value  # taken whole: nested nulls and directives included
            continue
        field = _field(path, key)
        if go_type(original[key]) == go_type(patch_value):
            if isinstance(patch_value, dict):  # v1 has no `patchStrategy:"replace"` map
                original[key] = merge_map(original[key], patch_value, schema, field)
                continue
            if isinstance(patch_value, list) and field in schema:
                original[key] = merge_slice(original[key], patch_value, schema, field)
                continue
        original[key] = patch_value
    return original


@mirrors("kubernetes:pkg/util/strategicpatch.mergeSlice")
def merge_slice(original: list[Any], patch: list[Any], schema: dict[str, str], path: str) -> list[Any]:
    """Merge the items of a merging list: scalars by value, maps by the merge key of `path`."""
    if not original and not patch:
        return original
    if slice_element_type(original, patch) != "map[string]interface {}":
        return uniqify_scalars(original + patch)
    merge_key = schema[path]
    if not merge_key:
        # The only merging list without a key in the table, metadata.finalizers, is a []string.
        raise PatchError("cannot merge lists without merge key for type string")

    items: list[Obj] = []
    replace = False
    for item in patch:
        if DIRECTIVE_MARKER not in item:
            items.append(item)
            continue
        directive = item[DIRECTIVE_MARKER]
        if directive == DELETE_DIRECTIVE:
            if merge_key not in item:
                raise PatchError("delete patch type with no merge key defined")
            index = find_map_in_slice(original, merge_key, item[merge_key])
            if index is not None:
                del original[index]
        elif directive == REPLACE_DIRECTIVE:
            replace = True  # keep scanning: the other directive items are still pruned
        elif directive == MERGE_DIRECTIVE:
            raise PatchError("merging lists cannot yet be specified in the patch")
        else:
            raise PatchError(f"unknown patch type: {go_sprint(directive)} in map: {go_sprint(item)}")
    if replace:
        return items

    for item in items:
        if merge_key not in item:
            raise PatchError(f"map: {go_sprint(item)} does not contain declared merge key: {merge_key}")
        index = find_map_in_slice(original, merge_key, item[merge_key])
        if index is None:
            original.append(item)
        else:
            original[index] = merge_map(original[index], item, schema, path)
    return original


@mirrors("kubernetes:pkg/util/strategicpatch.findMapInSliceBasedOnKeyValue")
def find_map_in_slice(items: list[Obj], key: str, value: Any) -> int | None:
    """The index of the first map whose `key` is `value`."""
    for index, item in enumerate(items):
        if key in item and go_equal(item[key], value):
            return index
    return None


@mirrors("kubernetes:pkg/util/strategicpatch.sliceElementType")
def slice_element_type(*slices: list[Any]) -> str:
    """The one Go type of every item of the slices: mixed types and lists of lists are errors."""
    previous = ""
    for item in (item for items in slices for item in items):
        current = go_type(item)
        if not previous:
            if current == "[]interface {}":
                raise PatchError(ERR_NO_LIST_OF_LISTS)
        elif current != previous:
            raise PatchError(f"list element types are not identical: {go_sprint(list(slices))}")
        previous = current
    if not previous:
        raise PatchError("no elements in any of the given slices")
    return previous


@mirrors("kubernetes:pkg/util/strategicpatch.uniqifyScalars")
def uniqify_scalars(items: list[Any]) -> list[Any]:
    """Drop repeated values the Go way: a duplicate is overwritten by the last item, so order changes."""
    items = list(items)
    last = len(items) - 1
    i = 0
    while i < last:
        j = i + 1
        while j <= last:
            if go_equal(items[i], items[j]):
                items[j] = items[last]
                del items[last]
                last -= 1
                j -= 1
            j += 1
        i += 1
    return items


@mirrors("kubernetes:pkg/util/strategicpatch.uniqifyAndSortScalars")
def uniqify_and_sort_scalars(items: list[Any]) -> list[Any]:
    return sorted(uniqify_scalars(items), key=go_sprint)


# --- computing a patch ----------------------------------------------------------------------------------


@mirrors("kubernetes:pkg/util/strategicpatch.CreateStrategicMergePatch",
         "kubernetes:pkg/util/strategicpatch.CreateTwoWayMergePatch")
def create_strategic_merge_patch(original: Obj, modified: Obj, kind: str) -> Obj:
    """The strategic merge patch that turns `original` into `modified` (both objects of `kind`)."""
    return diff_maps(original, modified, merge_keys(kind), "")


@mirrors("kubernetes:pkg/util/strategicpatch.diffMaps")
def diff_maps(original: Obj, modified: Obj, schema: dict[str, str], path: str) -> Obj:
    """Added and changed keys with their new values (maps and merging lists as diffs), removed keys as null."""
    patch: Obj = {}
    for key, modified_value in modified.items():
        if key not in original:
            patch[key] = modified_value
            continue
        original_value = original[key]
        if key == DIRECTIVE_MARKER:
            if not (isinstance(original_value, str) and isinstance(modified_value, str)):
                raise PatchError(f"invalid value for special key: {DIRECTIVE_MARKER}")
            if modified_value != original_value:
                patch[key] = modified_value
            continue
        if go_type(original_value) != go_type(modified_value):
            patch[key] = modified_value
            continue
        field = _field(path, key)
        if isinstance(original_value, dict):
            sub_patch = diff_maps(original_value, modified_value, schema, field)
            if sub_patch:
                patch[key] = sub_patch
            continue
        if isinstance(original_value, list) and field in schema:
            list_patch = diff_lists(original_value, modified_value, schema, field)
            if list_patch:
                patch[key] = list_patch
            continue
        if original_value != modified_value:
            patch[key] = modified_value
    for key in original:
        if key not in modified:
            patch[key] = None
    return patch


@mirrors("kubernetes:pkg/util/strategicpatch.diffLists")
def diff_lists(original: list[Any], modified: list[Any], schema: dict[str, str], path: str) -> list[Any]:
    if not original:
        return modified
    if slice_element_type(original, modified) == "map[string]interface {}":
        return diff_lists_of_maps(original, modified, schema, path)
    return diff_lists_of_scalars(original, modified)


@mirrors("kubernetes:pkg/util/strategicpatch.diffListsOfScalars")
def diff_lists_of_scalars(original: list[Any], modified: list[Any]) -> list[Any]:
    """Only additions: a merging list of scalars has no way to say "remove this value"."""
    present = {go_sprint(item) for item in original}  # the Go compares the %v texts
    return [item for item in uniqify_and_sort_scalars(modified) if go_sprint(item) not in present]


@mirrors("kubernetes:pkg/util/strategicpatch.diffListsOfMaps",
         "kubernetes:pkg/util/strategicpatch.sortMergeListsByNameArray")
def diff_lists_of_maps(original: list[Obj], modified: list[Obj], schema: dict[str, str], path: str) -> list[Obj]:
    """Walk both lists sorted by merge key: changed items as diffs, new ones whole, removed ones as deletes."""
    merge_key = schema[path]

    def key_of(item: Obj) -> Any:
        if merge_key not in item:
            raise PatchError(f"map: {go_sprint(item)} does not contain declared merge key: {merge_key}")
        return item[merge_key]

    # The Go sorts both lists by the %v text of the key and walks them side by side.
    before = {go_sprint(key_of(item)): item for item in original}
    after = {go_sprint(key_of(item)): item for item in modified}
    patch: list[Obj] = []
    for name in sorted(before.keys() | after.keys()):
        if name not in after:
            patch.append({merge_key: before[name][merge_key], DIRECTIVE_MARKER: DELETE_DIRECTIVE})
        elif name not in before:
            patch.append(after[name])
        else:
            item_patch = diff_maps(before[name], after[name], schema, path)
            if item_patch:
                item_patch[merge_key] = after[name][merge_key]
                patch.append(item_patch)
    return patch


# --- conflicts ------------------------------------------------------------------------------------------


@mirrors("kubernetes:pkg/util/strategicpatch.HasConflicts")
def has_conflicts(left: Any, right: Any) -> bool:
    """Faithful to the Go, including its quirk: only the *first* key of a map is compared.

    Go iterates the map in random order, so which key that is varies between runs; here it is
    the first key in insertion order. Lists conflict when their lengths differ, else only their
    first items are compared; scalars conflict when they differ.
    """
    if isinstance(left, dict):
        if not isinstance(right, dict):
            return True
        for key, left_value in left.items():
            if key not in right:
                return False
            return has_conflicts(left_value, right[key])
        return False
    if isinstance(left, list):
        if not isinstance(right, list) or len(left) != len(right):
            return True
        for left_item, right_item in zip(left, right, strict=True):
            return has_conflicts(left_item, right_item)
        return False
    return not go_equal(left, right)



def _demo() -> None:
    pod: Obj = {
        "kind": "Pod",
        "metadata": {"name": "web", "finalizers": ["a"]},
        "spec": {
            "containers": [
                {"name": "web", "image": "nginx:1.10", "env": [{"name": "MODE", "value": "prod"}]},
                {"name": "log", "image": "busybox"},
            ],
        },
    }
    patches = {
        "one container, new image": {"spec": {"containers": [{"name": "web", "image": "nginx:1.11"}]}},
        "an env var added to it": {"spec": {"containers": [{"name": "web", "env": [{"name": "DEBUG", "value": "1"}]}]}},
        "a container deleted": {"spec": {"containers": [{"name": "log", "$patch": "delete"}]}},
        "the list replaced": {"spec": {"containers": [{"name": "solo", "image": "alpine"}, {"$patch": "replace"}]}},
        "a finalizer added": {"metadata": {"finalizers": ["b"]}},
    }

    def containers(obj: Obj) -> str:
        return ", ".join(
            c["name"] + "=" + c.get("image", "?") + "".join(f" {e['name']}" for e in c.get("env", []))
            for c in obj["spec"]["containers"]
        )

    print(f"{'original pod':28} {containers(pod)}; finalizers {pod['metadata']['finalizers']}")
    for what, patch in patches.items():
        patched = strategic_merge_patch(pod, json.dumps(patch).encode(), "Pod")
        print(f"{'+ ' + what:28} {containers(patched)}; finalizers {patched['metadata']['finalizers']}")
    try:
        strategic_merge_patch(pod, b'{"spec": {"containers": [{"image": "x", "$patch": "delete"}]}}', "Pod")
    except PatchError as exc:
        print(f"{'+ a delete with no name':28} error: {exc}")


if __name__ == "__main__":
    _demo()
