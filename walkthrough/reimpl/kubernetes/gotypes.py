"""Go's reflection over the Kubernetes v1.5.2 types, for the models that read types the way the Go does.

The strategic merge patch looks a JSON key up in the Go struct it patches (`LookupPatchMetadata`),
and the API installer turns the fields of an options struct into query parameters
(`addObjectParams`). Both reflect over Go types, which Python does not have: `_go_types.py`, generated
from the verified sources (`python -m walkthrough.parity._gotables`), holds every struct reachable
from the registered versioned types with its fields as declared (name, Go type, tags), and the
underlying type of every other named type. This module answers the reflect questions from it.

A type is a Go type expression whose named types carry their package path: `pkg/api/v1.PodSpec`,
`[]pkg/api/v1.Container`, `map[string]string`, `*pkg/api/unversioned.Time`.

Public API:
    kind(t), elem(t), type_string(t), struct_fields(t)
    json_fields(t) -> [JSONField]                    # encoding/json's typeFields (the forked copy)
    lookup_patch_metadata(t, json_field) -> (type, patchStrategy, patchMergeKey)   # or PatchMetadataError
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import cache

from walkthrough.reimpl import _gofmt as gofmt
from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes._go_types import NAMED, STRUCTS

BASIC_KINDS = {"byte": "uint8", "rune": "int32", "interface{}": "interface", "error": "interface"}
OPAQUE_KINDS = {"time.Time": "struct", "time.Duration": "int64", "gopkg.in/inf.v0.Dec": "struct"}
"""Named types from outside the tree (the standard library, inf): their reflect kinds."""
PACKAGE_NAMES = {"gopkg.in/inf.v0": "inf"}


def _split_map(expr: str) -> tuple[str, str]:
    """`map[K]V` -> (K, V), brackets nested."""
    depth = 0
    for i, ch in enumerate(expr[3:], start=3):
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if depth == 0:
            return expr[4:i], expr[i + 1:]
    raise ValueError(f"not a map type: {expr}")


def kind(expr: str) -> str:
    """`reflect.Type.Kind().String()`: ptr, slice, map, struct, interface, string, int32, ..."""
    if expr.startswith("*"):
        return "ptr"
    if expr.startswith("[]"):
        return "slice"
    if expr.startswith("map["):
        return "map"
    if expr in STRUCTS:
        return "struct"
    if expr in NAMED:
        underlying = NAMED[expr]
        return OPAQUE_KINDS.get(expr, "struct") if underlying == "opaque" else kind(underlying)
    return BASIC_KINDS.get(expr, expr)


def elem(expr: str) -> str:
    """`reflect.Type.Elem()` of a pointer, slice or map type (a named one too: `v1.ResourceList`)."""
    if expr in NAMED and NAMED[expr] != "opaque":
        return elem(NAMED[expr])
    if expr.startswith("*"):
        return expr[1:]
    if expr.startswith("[]"):
        return expr[2:]
    if expr.startswith("map["):
        return _split_map(expr)[1]
    raise ValueError(f"{expr} has no element type")


def type_string(expr: str) -> str:
    """`reflect.Type.String()`: package names instead of paths (`*unversioned.Time`)."""
    if expr.startswith("*"):
        return "*" + type_string(expr[1:])
    if expr.startswith("[]"):
        return "[]" + type_string(expr[2:])
    if expr.startswith("map["):
        key, value = _split_map(expr)
        return f"map[{type_string(key)}]{type_string(value)}"
    path, dot, name = expr.rpartition(".")
    if not dot or ("/" not in path and path != "time"):
        return {"byte": "uint8", "rune": "int32", "interface{}": "interface {}"}.get(expr, expr)
    return f"{PACKAGE_NAMES.get(path, posixpath.basename(path))}.{name}"


def name(expr: str) -> str:
    """`reflect.Type.Name()`: the name of a named type, "" for a composite one."""
    if expr.startswith(("*", "[]", "map[")):
        return ""
    return expr.rpartition(".")[2]


@dataclass(frozen=True)
class Field:
    """A struct field as declared: `name` is "" for an embedded one."""

    name: str
    type: str
    json: str
    patch_strategy: str
    patch_merge_key: str

    @property
    def embedded(self) -> bool:
        return not self.name

    @property
    def go_name(self) -> str:
        """The field's name; an embedded field is named by its type."""
        return self.name or name(self.type.removeprefix("*"))


def struct_fields(expr: str) -> list[Field]:
    """A struct's fields as declared (a named type standing for a struct: its underlying struct's)."""
    if expr in NAMED and NAMED[expr] in STRUCTS:
        expr = NAMED[expr]
    return [Field(*f) for f in STRUCTS.get(expr, ())]


@dataclass(frozen=True)
class JSONField:
    """A field as encoding/json sees it: its JSON name, the path of field indexes to it, the field."""

    name: str
    index: tuple[int, ...]
    tagged: bool
    field: Field


@cache
@mirrors("kubernetes:third_party/forked/golang/json.typeFields")
def json_fields(expr: str) -> tuple[JSONField, ...]:
    """The fields JSON encodes, breadth first through embedded structs, the dominant one of each name kept.

    An unexported or `json:"-"` field is left out; an embedded struct without a JSON name is explored
    (once per type); of fields sharing a name the shallowest wins, a tagged one among equals, and a
    tie drops them all. The result is in index order.
    """
    found: list[JSONField] = []
    visited: set[str] = set()
    current: list[tuple[str, tuple[int, ...]]] = []
    following: list[tuple[str, tuple[int, ...]]] = [(expr, ())]
    while following:
        current, following = following, []
        seen_next: set[str] = set()
        for struct, index in current:
            if struct in visited:
                continue
            visited.add(struct)
            for i, field in enumerate(struct_fields(struct)):
                if not field.go_name[:1].isupper():
                    continue  # unexported (an embedded unexported struct too, in this Go's json)
                tag = field.json
                if tag == "-":
                    continue
                json_name = tag.partition(",")[0]
                field_type = field.type
                if not name(field_type) and kind(field_type) == "ptr":
                    field_type = elem(field_type)
                if json_name or not field.embedded or kind(field_type) != "struct":
                    found.append(JSONField(json_name or field.go_name, (*index, i), bool(json_name), field))
                    continue
                if field_type not in seen_next:
                    seen_next.add(field_type)
                    following.append((field_type, (*index, i)))
    by_name: dict[str, list[JSONField]] = {}
    for entry in found:
        by_name.setdefault(entry.name, []).append(entry)
    kept = []
    for candidates in by_name.values():
        depth = min(len(c.index) for c in candidates)
        shallow = [c for c in candidates if len(c.index) == depth]
        tagged = [c for c in shallow if c.tagged]
        if len(tagged) == 1:
            kept.append(tagged[0])
        elif not tagged and len(shallow) == 1:
            kept.append(shallow[0])
    return tuple(sorted(kept, key=lambda c: c.index))


def _fold_equal(field_name: str, key: str) -> bool:
    """The forked json's foldFunc for an ASCII field name.

    ASCII letters ignore case, K also matches the Kelvin sign and S the long s (equalFoldRight); other
    characters must be equal.
    """
    if len(field_name) != len(key):
        return False
    for mine, theirs in zip(field_name, key, strict=True):
        if theirs.isascii():
            if mine.lower() != theirs.lower():
                return False
        elif not ((mine in "kK" and theirs == "\u212a") or (mine in "sS" and theirs == "\u017f")):
            return False
    return True


class PatchMetadataError(Exception):
    """LookupPatchMetadata's errors: a JSON key the struct has no field for, or a type that is no struct."""


@mirrors("kubernetes:third_party/forked/golang/json.LookupPatchMetadata")
def lookup_patch_metadata(expr: str, json_field: str) -> tuple[str, str, str]:
    """The Go type and the patch tags of the field a JSON key names; a map's element for a map."""
    if kind(expr) == "map":
        return elem(expr), "", ""
    if kind(expr) != "struct":
        raise PatchMetadataError("merging an object in json but data type is not map or struct, instead is: "
                                 + kind(expr))
    chosen = None
    for entry in json_fields(expr):
        if entry.name == json_field:
            chosen = entry
            break
        if chosen is None and _fold_equal(entry.name, json_field):
            chosen = entry
    if chosen is not None:
        return chosen.field.type, chosen.field.patch_strategy, chosen.field.patch_merge_key
    raise PatchMetadataError(gofmt.sprintf("unable to find api field in struct %s for the json field %q",
                                           name(expr), json_field))


def _demo() -> None:
    for type_expr, key in (("pkg/api/v1.PodSpec", "containers"), ("pkg/api/v1.Container", "env"),
                           ("pkg/api/v1.Pod", "Kind"), ("pkg/api/v1.PodSpec", "bogus")):
        try:
            print(f"{type_string(type_expr)}[{key!r}] ->", lookup_patch_metadata(type_expr, key))
        except PatchMetadataError as exc:
            print(f"{type_string(type_expr)}[{key!r}] -> error: {exc}")
    print("ListOptions as query parameters:",
          [f.json.split(",")[0] for f in struct_fields("pkg/api/v1.ListOptions") if f.json.split(",")[0]])


if __name__ == "__main__":
    _demo()
