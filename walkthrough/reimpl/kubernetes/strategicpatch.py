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

The Go reads strategy and key from the struct tags of the versioned Go type it patches, field by
field, through `third_party/forked/golang/json.LookupPatchMetadata`; so does the model, over the
types generated from the sources (`gotypes`, `_go_types.py`): every served kind is covered, and a
JSON key the type has no field for is the Go's error. Where the Go would panic (comparing two maps
as merge keys, a list whose first item is null, a merge tag on a field that is no list), the model
raises `GoPanic` with the runtime's text.

mergeMap ranges over the patch map in Go's random order and stops at the first error, so a patch
with several bad keys fails with any one of their errors: the model raises `PatchError` with the
error of the first such key in the patch's order, and lists all of them in `alternatives`.

Left out, because PATCH never reaches it: the three-way patch (`CreateThreeWayMergePatch`, used by
`kubectl apply`), `MergingMapsHaveConflicts` and preconditions. The two-way diff the PATCH retry uses
(`create_strategic_merge_patch`) follows the same types but is not proven against the Go.
"""

from __future__ import annotations

import json
from typing import Any

from walkthrough.reimpl import _gofmt as gofmt
from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes import gotypes, scheme
from walkthrough.reimpl.kubernetes._go import NIL_DEREFERENCE, GoPanic

DIRECTIVE_MARKER = "$patch"
DELETE_DIRECTIVE = "delete"
REPLACE_DIRECTIVE = "replace"
MERGE_DIRECTIVE = "merge"

ERR_BAD_JSON_DOC = "Invalid JSON document"
ERR_NO_LIST_OF_LISTS = "Lists of lists are not supported"
ERR_NO_MERGE_KEY_FMT = "map: %v does not contain declared merge key: %s"
ERR_BAD_ARG_TYPE_FMT = "expected a %s, but received a %s"
ERR_BAD_PATCH_TYPE_FMT = "unknown patch type: %s in map: %v"

Obj = dict[str, Any]


def versioned_type(group: str, version: str, kind: str) -> str:
    """The Go type api.Scheme registers for a versioned kind (`pkg/api/v1.Pod`); a kind it lacks stays a kind."""
    try:
        return scheme.API_SCHEME.new((group, version, kind))
    except scheme.NotRegisteredError:
        return kind


def data_struct(kind_or_type: str) -> str:
    """The Go type a patch is read against: a type by package path, or a bare kind of core v1 (`Pod`)."""
    return kind_or_type if "." in kind_or_type else f"pkg/api/v1.{kind_or_type}"


class PatchError(Exception):
    """A plain Go `error` of the package (fmt.Errorf): the API server answers it as a 500 with this text.

    `alternatives` holds every error the Go could return for the same input (see the module docstring).
    """

    def __init__(self, message: str, alternatives: tuple[Exception, ...] = ()) -> None:
        super().__init__(message)
        self.alternatives = alternatives or (self,)


# --- Go's view of decoded JSON ------------------------------------------------------------------------


def go_type(value: Any) -> str:
    """The Go type Kubernetes' json.Unmarshal decodes a value into (what `reflect.TypeOf` compares).

    pkg/util/json decodes numbers as json.Number and then makes each an int64 when it parses as one
    (`80`, `-0`) and a float64 otherwise (`80.0`, `1e2`); Python's json keeps the same distinction.
    """
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "nil"


def go_equal(left: Any, right: Any) -> bool:
    """`==` on interface values: same dynamic type and value (so `true` is not `1`, but `1` is `1.0`).

    Two maps or two slices panic, as Go's runtime does; values of different types are just unequal.
    """
    left_type, right_type = go_type(left), go_type(right)
    if left_type != right_type:
        return False
    if left_type in ("map[string]interface {}", "[]interface {}"):
        raise GoPanic(f"runtime error: comparing uncomparable type {left_type}")
    return bool(left == right)


def go_sprint(value: Any) -> str:
    """`fmt.Sprintf("%v", value)` of a decoded JSON value (maps print with sorted keys)."""
    return gofmt.sprint(_as_go(value))


def _as_go(value: Any) -> Any:
    """Decoded JSON as the fmt model takes Go values: an int is an int64."""
    if isinstance(value, dict):
        return {k: _as_go(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_go(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return gofmt.Typed(value, "int64")
    return value


# --- decoding as pkg/util/json does ----------------------------------------------------------------------

INT64 = range(-(1 << 63), 1 << 63)
GO_SPACE = " \t\r\n"


def _reject(token: str) -> Any:
    raise ValueError(f"not JSON: {token}")


def _number(text: str) -> int | float:
    """convertNumber: an int64 when the text parses as one, else a float64 (out of range is an error)."""
    if "." not in text and "e" not in text.lower():
        value = int(text)
        if value in INT64:
            return value
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError(f"cannot unmarshal number {text} into Go value of type float64")
    return number


def _replace_surrogates(value: Any) -> Any:
    """A lone UTF-16 surrogate escape decodes to U+FFFD in Go."""
    if isinstance(value, str):
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in value)
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    return value


@mirrors("kubernetes:pkg/util/json.Unmarshal")
def unmarshal_map(data: bytes) -> Obj | None:
    """json.Unmarshal into a map[string]interface{}, as pkg/util/json does it, or errBadJSONDoc.

    A json.Decoder reads the first value only (what follows it is never looked at); `null` is a nil
    map; numbers become int64 or float64 (see `go_type`).
    """
    text = data.decode("utf-8", "replace")
    start = len(text) - len(text.lstrip(GO_SPACE))
    try:
        value, _ = json.JSONDecoder(parse_float=_number, parse_int=_number,
                                    parse_constant=_reject).raw_decode(text, start)
    except (ValueError, RecursionError):
        raise PatchError(ERR_BAD_JSON_DOC) from None
    if value is not None and not isinstance(value, dict):
        raise PatchError(ERR_BAD_JSON_DOC)
    return _replace_surrogates(value)


# --- applying a patch ---------------------------------------------------------------------------------


@mirrors("kubernetes:pkg/util/strategicpatch.StrategicMergePatch",
         "kubernetes:pkg/util/strategicpatch.StrategicMergePatchData")
def strategic_merge_patch(original: Obj, patch_js: bytes, kind_or_type: str) -> Obj:
    """Apply a JSON-encoded strategic merge patch to an object (a kind of core v1, or a Go type by path).

    The inputs are left untouched. The patch must be a JSON object (`null` counts as `{}`); anything
    else is "Invalid JSON document".
    """
    return strategic_merge_patch_bytes(json.dumps(original).encode(), patch_js, data_struct(kind_or_type))


def strategic_merge_patch_bytes(original_js: bytes | None, patch_js: bytes | None, type_expr: str) -> Obj:
    """StrategicMergePatch as the Go takes it: the original and the patch as JSON, the data struct's type."""
    original = unmarshal_map(original_js if original_js is not None else b"{}") or {}
    patch = unmarshal_map(patch_js if patch_js is not None else b"{}") or {}
    t = get_tag_struct_type(type_expr)
    return merge_map(original, patch, t)


@mirrors("kubernetes:pkg/util/strategicpatch.getTagStructType")
def get_tag_struct_type(type_expr: str) -> str:
    """The struct a (pointer to a) data struct is; anything else is refused."""
    t = gotypes.elem(type_expr) if gotypes.kind(type_expr) == "ptr" else type_expr
    if gotypes.kind(t) != "struct":
        raise PatchError(gofmt.sprintf(ERR_BAD_ARG_TYPE_FMT, "struct", gotypes.kind(t)))
    return t


def _elem_or_panic(type_expr: str) -> str:
    """reflect.Type.Elem(), which panics on a type that has no element."""
    if gotypes.kind(type_expr) not in ("ptr", "slice", "map", "array", "chan"):
        raise GoPanic(f"reflect: Elem of invalid type {gotypes.type_string(type_expr)}")
    return gotypes.elem(type_expr)


def _lookup(t: str, key: str) -> tuple[str, str, str]:
    try:
        return gotypes.lookup_patch_metadata(t, key)
    except gotypes.PatchMetadataError as exc:
        raise PatchError(str(exc)) from None


@mirrors("kubernetes:pkg/util/strategicpatch.mergeMap")
def merge_map(original: Obj | None, patch: Obj, t: str) -> Obj:
    """Merge `patch` into `original` (modified in place), reading field strategies from Go type `t`.

    Each key is merged on its own; when several fail, the Go returns whichever its random map order
    meets first: the error raised is the first in the patch's order, with every one in `alternatives`.
    """
    if DIRECTIVE_MARKER in patch:
        directive = patch[DIRECTIVE_MARKER]
        if go_type(directive) == "string" and directive == REPLACE_DIRECTIVE:
            # The patch map itself, unmerged: its own nulls and directives are kept as they are.
            del patch[DIRECTIVE_MARKER]
            return patch
        if go_type(directive) == "string" and directive == DELETE_DIRECTIVE:
            return {}
        raise PatchError(gofmt.sprintf(ERR_BAD_PATCH_TYPE_FMT, _as_go(directive), _as_go(patch)))
    if original is None:
        original = {}
    failures: list[Exception] = []
    for key, patch_value in patch.items():
        try:
            _merge_key(original, key, patch_value, t)
        except PatchError as exc:
            failures.extend(exc.alternatives)
        except GoPanic as exc:
            failures.append(exc)
    if failures:
        first = failures[0]
        if isinstance(first, GoPanic) and len(failures) == 1:
            raise first
        raise PatchError(str(first), tuple(failures))
    return original


def _merge_key(original: Obj, key: str, patch_value: Any, t: str) -> None:
    """One iteration of mergeMap's loop."""
    if patch_value is None:  # a null deletes the key
        original.pop(key, None)
        return
    if key not in original:
        original[key] = patch_value  # taken whole: nested nulls and directives included
        return
    if gotypes.kind(t) == "ptr":
        t = gotypes.elem(t)
    if go_type(original[key]) == go_type(patch_value):
        field_type, strategy, merge_key = _lookup(t, key)
        if isinstance(patch_value, dict) and strategy != REPLACE_DIRECTIVE:
            original[key] = merge_map(original[key], patch_value, field_type)
            return
        if isinstance(patch_value, list) and strategy == MERGE_DIRECTIVE:
            original[key] = merge_slice(original[key], patch_value, _elem_or_panic(field_type), merge_key)
            return
    original[key] = patch_value


@mirrors("kubernetes:pkg/util/strategicpatch.mergeSlice")
def merge_slice(original: list[Any], patch: list[Any], elem_type: str, merge_key: str) -> list[Any]:
    """Merge the items of a merging list: scalars by value, maps by their merge key."""
    if not original and not patch:
        return original
    if slice_element_type(original, patch) != "map[string]interface {}":
        return uniqify_scalars(original + patch)
    if not merge_key:
        raise PatchError(f"cannot merge lists without merge key for type {gotypes.kind(elem_type)}")

    items: list[Obj] = []
    replace = False
    for item in patch:
        if DIRECTIVE_MARKER not in item:
            items.append(item)
            continue
        directive = item[DIRECTIVE_MARKER]
        is_string = go_type(directive) == "string"
        if is_string and directive == DELETE_DIRECTIVE:
            if merge_key not in item:
                raise PatchError("delete patch type with no merge key defined")
            index = find_map_in_slice(original, merge_key, item[merge_key])
            if index is not None:
                del original[index]
        elif is_string and directive == REPLACE_DIRECTIVE:
            replace = True  # keep scanning: the other directive items are still pruned
        elif is_string and directive == MERGE_DIRECTIVE:
            raise PatchError("merging lists cannot yet be specified in the patch")
        else:
            raise PatchError(gofmt.sprintf(ERR_BAD_PATCH_TYPE_FMT, _as_go(directive), _as_go(item)))
    if replace:
        return items

    for item in items:
        if merge_key not in item:
            raise PatchError(gofmt.sprintf(ERR_NO_MERGE_KEY_FMT, _as_go(item), merge_key))
        index = find_map_in_slice(original, merge_key, item[merge_key])
        if index is None:
            original.append(item)
        else:
            original[index] = merge_map(original[index], item, elem_type)
    return original


@mirrors("kubernetes:pkg/util/strategicpatch.findMapInSliceBasedOnKeyValue")
def find_map_in_slice(items: list[Obj], key: str, value: Any) -> int | None:
    """The index of the first map whose `key` is `value` (Go's `==`: two maps or two lists panic)."""
    for index, item in enumerate(items):
        if key in item and go_equal(item[key], value):
            return index
    return None


@mirrors("kubernetes:pkg/util/strategicpatch.sliceElementType")
def slice_element_type(*slices: list[Any]) -> str:
    """The one Go type of every item of the slices: mixed types and lists of lists are errors.

    A null first item panics in the Go (it asks the kind of a nil type).
    """
    previous = ""
    for item in (item for items in slices for item in items):
        current = go_type(item)
        if not previous:
            if current == "nil":
                raise GoPanic(NIL_DEREFERENCE)
            if current == "[]interface {}":
                raise PatchError(ERR_NO_LIST_OF_LISTS)
        elif current != previous:
            raise PatchError("list element types are not identical: " + gofmt.sprint(_as_go(list(slices))))
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
def create_strategic_merge_patch(original: Obj, modified: Obj, kind_or_type: str) -> Obj:
    """The strategic merge patch that turns `original` into `modified` (objects of a core v1 kind, or a type)."""
    return diff_maps(original, modified, get_tag_struct_type(data_struct(kind_or_type)))


@mirrors("kubernetes:pkg/util/strategicpatch.diffMaps")
def diff_maps(original: Obj, modified: Obj, t: str) -> Obj:
    """Added and changed keys with their new values (maps and merging lists as diffs), removed keys as null."""
    patch: Obj = {}
    if gotypes.kind(t) == "ptr":
        t = gotypes.elem(t)
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
        if isinstance(original_value, dict):
            field_type, _, _ = _lookup(t, key)
            sub_patch = diff_maps(original_value, modified_value, field_type)
            if sub_patch:
                patch[key] = sub_patch
            continue
        if isinstance(original_value, list):
            field_type, strategy, merge_key = _lookup(t, key)
            if strategy == MERGE_DIRECTIVE:
                list_patch = diff_lists(original_value, modified_value, _elem_or_panic(field_type), merge_key)
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
def diff_lists(original: list[Any], modified: list[Any], t: str, merge_key: str) -> list[Any]:
    if not original:
        return modified
    if slice_element_type(original, modified) == "map[string]interface {}":
        return diff_lists_of_maps(original, modified, t, merge_key)
    return diff_lists_of_scalars(original, modified)


@mirrors("kubernetes:pkg/util/strategicpatch.diffListsOfScalars")
def diff_lists_of_scalars(original: list[Any], modified: list[Any]) -> list[Any]:
    """Only additions: a merging list of scalars has no way to say "remove this value"."""
    present = {go_sprint(item) for item in original}  # the Go compares the %v texts
    return [item for item in uniqify_and_sort_scalars(modified) if go_sprint(item) not in present]


@mirrors("kubernetes:pkg/util/strategicpatch.diffListsOfMaps",
         "kubernetes:pkg/util/strategicpatch.sortMergeListsByNameArray")
def diff_lists_of_maps(original: list[Obj], modified: list[Obj], t: str, merge_key: str) -> list[Obj]:
    """Walk both lists sorted by merge key: changed items as diffs, new ones whole, removed ones as deletes."""

    def key_of(item: Obj) -> Any:
        if merge_key not in item:
            raise PatchError(gofmt.sprintf(ERR_NO_MERGE_KEY_FMT, _as_go(item), merge_key))
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
            item_patch = diff_maps(before[name], after[name], t)
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
