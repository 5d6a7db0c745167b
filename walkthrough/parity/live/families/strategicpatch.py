"""Strategic merge patch: StrategicMergePatch(original, patch, data struct) beside the model.

The data struct is a versioned kind of a served API group (Pod, Deployment, Service, ...). Originals
and patches are drawn *from its Go type* (the generated type table the model reads too): objects
with some of the type's fields, lists whose items share merge keys from a small pool so that they
collide, maps, scalars; patches revisit the original's keys with nulls, changed values, values of
another JSON type, `$patch` directives (replace, delete, merge, unknown, not a string) in maps and in
list items, items without their merge key, keys the type lacks, and null first items. Some
originals and patches are not JSON objects at all, or not JSON.
The Go ranges over maps in random order, so the harness reports every outcome it saw in 64 calls
when one fails; the model names every outcome it can have (see `parity/strategicpatch.py`).
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from walkthrough.parity import strategicpatch as golden
from walkthrough.parity.live import LiveFamily
from walkthrough.reimpl.kubernetes import gotypes, scheme

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

GROUPS = ("pkg/api/v1.", "pkg/apis/apps/v1beta1.", "pkg/apis/autoscaling/v1.", "pkg/apis/batch/v1.",
          "pkg/apis/batch/v2alpha1.", "pkg/apis/certificates/v1alpha1.", "pkg/apis/extensions/v1beta1.",
          "pkg/apis/policy/v1beta1.", "pkg/apis/rbac/v1alpha1.", "pkg/apis/storage/v1beta1.")
FAVOURITES = ("pkg/api/v1.Pod", "pkg/api/v1.PodTemplate", "pkg/api/v1.ReplicationController", "pkg/api/v1.Service",
              "pkg/api/v1.Node", "pkg/apis/extensions/v1beta1.Deployment", "pkg/apis/extensions/v1beta1.DaemonSet",
              "pkg/apis/batch/v1.Job", "pkg/apis/apps/v1beta1.StatefulSet")
STRINGS = ("a", "b", "x")
NUMBERS = (0, 1, 80)
DIRECTIVES = ("replace", "delete", "merge", "bogus", 1, None, {"a": 1})
MAX_DEPTH = 6
SHALLOW = 3
"""Structs above this depth get at least one field."""
SIZES = (1, 2, 2, 0, 3)
"""List lengths (hypothesis favours the first of a sample)."""


@cache
def kinds() -> tuple[str, ...]:
    """The versioned kinds of the served groups, lists and options left out."""
    found = {t for t in scheme.API_SCHEME.gvk_to_type.values()
             if t.startswith(GROUPS) and not t.endswith(("List", "Options")) and gotypes.kind(t) == "struct"}
    return tuple(sorted(found))


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


def _scalar(draw: DrawFn, type_expr: str) -> Any:
    st = _st()
    kind = gotypes.kind(type_expr)
    if kind == "bool":
        return draw(st.booleans())
    if kind.startswith(("int", "uint", "float")):
        return draw(st.sampled_from(NUMBERS))
    return draw(st.sampled_from(STRINGS))


def _any_json(draw: DrawFn) -> Any:
    st = _st()
    return draw(st.sampled_from([None, True, 1, 2.5, "a", "b", [], ["a"], [{"name": "a"}], {}, {"a": "b"}, [None]]))


def value_of(draw: DrawFn, type_expr: str, depth: int, merge_key: str = "") -> Any:
    """A JSON value for a Go type: a few of a struct's fields, short lists, scalars from small pools."""
    st = _st()
    kind = gotypes.kind(type_expr)
    if kind == "ptr":
        return value_of(draw, gotypes.elem(type_expr), depth, merge_key)
    if kind == "struct":
        fields = gotypes.json_fields(type_expr)
        if depth >= MAX_DEPTH or not fields:
            return draw(st.sampled_from(["1", 1, {}]))  # what Quantity, Time and IntOrString encode as
        chosen = draw(st.lists(st.sampled_from(fields), min_size=1 if depth < SHALLOW else 0, max_size=3,
                               unique_by=lambda f: f.name))
        value = {f.name: value_of(draw, f.field.type, depth + 1, f.field.patch_merge_key) for f in chosen}
        if merge_key and merge_key not in value and draw(st.sampled_from([True] * 4 + [False])):
            key_field = next((f for f in fields if f.name == merge_key), None)
            value[merge_key] = _scalar(draw, key_field.field.type) if key_field else draw(st.sampled_from(STRINGS))
        odd = draw(st.sampled_from(["none"] * 12 + ["unknown key", "object merge key"]))
        if odd == "unknown key":  # a key the Go type lacks: looked up when the patch has it too
            value["bogus"] = draw(st.sampled_from([{"a": "b"}, "x"]))
        elif odd == "object merge key" and merge_key:  # Go's == on two maps panics
            value[merge_key] = {"a": 1}
        return value
    if kind == "slice":
        elem = gotypes.elem(type_expr)
        if gotypes.kind(elem) == "uint8":
            return draw(st.sampled_from(["", "YQ=="]))  # []byte is base64
        return [value_of(draw, elem, depth + 1, merge_key) for _ in range(draw(st.sampled_from(SIZES)))]
    if kind == "map":
        elem = gotypes.elem(type_expr)
        return {k: value_of(draw, elem, depth + 1) for k in draw(st.lists(st.sampled_from(STRINGS), max_size=2,
                                                                           unique=True))}
    if kind == "interface":
        return _any_json(draw)
    return _scalar(draw, type_expr)


def patch_of(draw: DrawFn, original: Any, type_expr: str, depth: int) -> Any:
    """A patch for a value of a Go type, mostly about the keys and items the original has."""
    st = _st()
    kind = gotypes.kind(type_expr)
    if kind == "ptr":
        return patch_of(draw, original, gotypes.elem(type_expr), depth)
    if kind not in ("struct", "map") or not isinstance(original, dict) or depth >= MAX_DEPTH:
        choice = draw(st.integers(0, 2))
        if choice == 0:
            return None
        return value_of(draw, type_expr, depth) if choice == 1 else _any_json(draw)
    patch: dict[str, Any] = {}
    keys = list(original)
    if kind == "struct":
        keys += [f.name for f in gotypes.json_fields(type_expr)][:6]
    for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)) if keys else []:
        patch[key] = _patch_value(draw, original.get(key), type_expr, key, depth)
    extra = draw(st.sampled_from(["none"] * 18 + ["directive", "unknown key"]))
    if extra == "directive":
        patch["$patch"] = draw(st.sampled_from(DIRECTIVES))
    elif extra == "unknown key":
        patch["bogus"] = draw(st.sampled_from([{"a": 1}, "x"]))
    return patch


def _patch_value(draw: DrawFn, original: Any, type_expr: str, key: str, depth: int) -> Any:
    st = _st()
    try:
        field_type, strategy, merge_key = gotypes.lookup_patch_metadata(type_expr, key)
    except gotypes.PatchMetadataError:
        return _any_json(draw)
    choice = draw(st.sampled_from(["typed"] * 8 + ["null", "any"]))
    if choice == "null":
        return None
    if choice == "any":
        return _any_json(draw)
    if isinstance(original, list) and strategy == "merge" and gotypes.kind(field_type) == "slice":
        return _list_patch(draw, original, gotypes.elem(field_type), merge_key, depth)
    if isinstance(original, dict):
        return patch_of(draw, original, field_type, depth + 1)
    return value_of(draw, field_type, depth + 1, merge_key)


def _list_patch(draw: DrawFn, original: list[Any], elem: str, merge_key: str, depth: int) -> list[Any]:
    """Items that change, add, delete or replace items of a merging list."""
    st = _st()
    items: list[Any] = []
    for _ in range(draw(st.sampled_from(SIZES))):
        choice = draw(st.sampled_from(["change"] * 4 + ["delete", "directive", "new", "new", "new", "odd"]))
        existing = [o for o in original if isinstance(o, dict) and merge_key in o]
        if choice == "change" and existing:
            item = draw(st.sampled_from(existing))
            changed = patch_of(draw, item, elem, depth + 1)
            if isinstance(changed, dict):
                changed[merge_key] = item[merge_key]
            items.append(changed)
        elif choice == "delete" and existing:
            items.append({merge_key: draw(st.sampled_from(existing))[merge_key], "$patch": "delete"})
        elif choice == "directive":
            items.append({"$patch": draw(st.sampled_from(DIRECTIVES))})
        elif choice == "odd":
            items.append(draw(st.sampled_from([None, "x", 1, [1], {merge_key: {"a": 1}}, {"a": "b"}])))
        else:
            items.append(value_of(draw, elem, depth + 1, merge_key))
    return items


def requests() -> SearchStrategy[dict[str, Any]]:
    """A kind, an original drawn from its type, and a patch drawn from the original."""
    st = _st()

    @st.composite
    def request(draw: DrawFn) -> dict[str, Any]:
        type_expr = draw(st.one_of(st.sampled_from(FAVOURITES), st.sampled_from(kinds())))
        original = value_of(draw, type_expr, 0)
        patch = patch_of(draw, original, type_expr, 0)
        original_text, patch_text = json.dumps(original), json.dumps(patch)
        odd = draw(st.sampled_from(["none"] * 38 + ["original", "patch"]))
        if odd == "original":
            original_text = draw(st.sampled_from(["null", "[]", "1", "{", '{"a":1e400}', "", '{"a":1} }']))
        elif odd == "patch":
            patch_text = draw(st.sampled_from(["null", "[]", '"x"', "{,}", '{"a":NaN}', '{"a":\n1.0}', "{} x"]))
        return {"original": original_text, "patch": patch_text, "type": type_expr}

    return request()


def vector(request: dict[str, Any], answer: Any) -> dict[str, Any]:
    """A strategic-merge-patch vector file of one case."""
    return {"meta": {"functions": "strategicpatch.StrategicMergePatch (live parity)",
                     "source": "k8s.io/kubernetes/pkg/util/strategicpatch (Kubernetes v1.5.2)"},
            "vectors": [{"inputs": request, "outputs": answer}]}


FAMILY = LiveFamily(
    name="strategicpatch",
    world="kubernetes",
    what="pkg/util/strategicpatch StrategicMergePatch on objects and patches drawn from the versioned Go types",
    requests=requests,
    model=golden.model,
    vector=vector,
    normalise=golden.normalise,
)
