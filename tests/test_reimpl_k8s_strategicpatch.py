"""Strategic merge patch model: what it does differently from a JSON merge patch, and its errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from walkthrough.parity import strategicpatch as strategicpatch_runner
from walkthrough.reimpl.kubernetes import jsonpatch
from walkthrough.reimpl.kubernetes import strategicpatch as sp
from walkthrough.reimpl.kubernetes._go import GoPanic


def _pod(*containers: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"containers": list(containers), **spec}}


def _patch(original: dict[str, Any], patch: Any, kind: str = "Pod") -> dict[str, Any]:
    return sp.strategic_merge_patch(original, json.dumps(patch).encode(), kind)


APP = {"name": "app", "image": "app:1", "args": ["--a", "--b"]}
SIDECAR = {"name": "sidecar", "image": "log:1"}
APP_TEXT = "map[args:[--a --b] image:app:1 name:app]"  # APP as Go's %v prints it (keys sorted)


# --- applying ---------------------------------------------------------------------------------------


def test_sp_containers_are_merged_by_name_where_merge_patch_replaces_the_list() -> None:
    patch = {"spec": {"containers": [{"name": "app", "image": "app:2"}]}}
    merged = _patch(_pod(APP, SIDECAR), patch)
    assert merged["spec"]["containers"] == [{"name": "app", "image": "app:2", "args": ["--a", "--b"]}, SIDECAR]
    assert jsonpatch.merge_patch(_pod(APP, SIDECAR), json.dumps(patch).encode())["spec"]["containers"] == [
        {"name": "app", "image": "app:2"}]


def test_sp_new_item_is_appended_and_nested_lists_merge_by_their_own_key() -> None:
    app = {"name": "app", "env": [{"name": "A", "value": "1"}], "ports": [{"containerPort": 80}]}
    patch = {"spec": {"containers": [
        {"name": "app", "env": [{"name": "B", "value": "2"}], "ports": [{"containerPort": 80, "name": "http"}]},
        {"name": "new", "image": "new:1"}]}}
    containers = _patch(_pod(app), patch)["spec"]["containers"]
    assert containers == [{"name": "app", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                           "ports": [{"containerPort": 80, "name": "http"}]},
                          {"name": "new", "image": "new:1"}]


def test_sp_delete_directive_removes_the_item_with_that_key() -> None:
    patch = {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}, {"name": "gone", "$patch": "delete"}]}}
    assert _patch(_pod(APP, SIDECAR), patch)["spec"]["containers"] == [APP]


def test_sp_replace_directive_in_a_list_replaces_it() -> None:
    patch = {"spec": {"containers": [{"name": "only", "image": "x"}, {"$patch": "replace"}]}}
    assert _patch(_pod(APP, SIDECAR), patch)["spec"]["containers"] == [{"name": "only", "image": "x"}]


def test_sp_directives_in_a_map_replace_or_empty_it() -> None:
    pod = _pod(APP)
    pod["metadata"]["labels"] = {"app": "web", "tier": "front"}
    assert _patch(pod, {"metadata": {"labels": {"$patch": "replace", "only": "this"}}})["metadata"]["labels"] == {
        "only": "this"}
    assert _patch(pod, {"metadata": {"labels": {"$patch": "delete"}}})["metadata"]["labels"] == {}


def test_sp_null_deletes_a_map_field() -> None:
    merged = _patch(_pod(APP), {"metadata": {"labels": {"app": None}}, "spec": {"containers": None}})
    assert merged["metadata"]["labels"] == {}
    assert "containers" not in merged["spec"]


def test_sp_list_of_primitives_is_replaced_unless_tagged_merge() -> None:
    patch = {"spec": {"containers": [{"name": "app", "args": ["--c"]}]}}
    assert _patch(_pod(APP), patch)["spec"]["containers"][0]["args"] == ["--c"]
    pod = _pod(APP)
    pod["metadata"]["finalizers"] = ["a", "b"]  # ObjectMeta.Finalizers is `patchStrategy:"merge"`
    assert _patch(pod, {"metadata": {"finalizers": ["b", "c"]}})["metadata"]["finalizers"] == ["a", "b", "c"]


def test_sp_lists_merge_only_where_the_type_tags_them() -> None:
    rc = {"kind": "ReplicationController", "spec": {"template": {"spec": {"containers": [APP, SIDECAR]}}}}
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "app", "args": ["--c"]}]}}}}
    merged = _patch(rc, patch, "ReplicationController")["spec"]["template"]["spec"]["containers"]
    assert len(merged) == 2  # containers merge by name
    assert merged[0]["args"] == ["--c"]  # Container.Args has no strategy: replaced


def test_sp_a_key_the_type_lacks_is_the_go_error() -> None:
    rc = {"kind": "ReplicationController", "spec": {"template": {"spec": {"containers": [APP]}}}}
    with pytest.raises(sp.PatchError, match='unable to find api field in struct ConfigMap for the json field "spec"'):
        _patch(rc, {"spec": {"template": {}}}, "ConfigMap")
    # two bad keys: Go ranges over the patch map in random order, so either error may come back
    with pytest.raises(sp.PatchError) as caught:
        _patch({"a": {}, "b": {}}, {"a": {"x": 1}, "b": {"y": 1}}, "ConfigMap")
    assert sorted(map(str, caught.value.alternatives)) == [
        'unable to find api field in struct ConfigMap for the json field "a"',
        'unable to find api field in struct ConfigMap for the json field "b"']


def test_sp_inputs_are_left_untouched() -> None:
    pod = _pod(APP, SIDECAR)
    before = json.dumps(pod)
    _patch(pod, {"spec": {"containers": [{"name": "app", "image": "app:2"}]}})
    assert json.dumps(pod) == before


def test_sp_uniqify_keeps_the_go_order() -> None:
    # A duplicate is overwritten by the last item: ["a", "a", "b", "c"] becomes ["a", "c", "b"].
    assert sp.uniqify_scalars(["a", "a", "b", "c"]) == ["a", "c", "b"]
    # an int64 1 and a float64 1 are different Go values (pkg/util/json decodes both kinds of number)
    assert [repr(x) for x in sp.uniqify_scalars([1, 1.0, 1, True])] == ["1", "1.0", "True"]


@pytest.mark.parametrize(("patch", "message"), [
    ({"spec": {"containers": [{"name": "app", "$patch": "merge"}]}},
     "merging lists cannot yet be specified in the patch"),
    ({"metadata": {"labels": {"$patch": "merge"}}}, "unknown patch type: merge in map: map[$patch:merge]"),
    ({"spec": {"containers": [{"$patch": "delete"}]}}, "delete patch type with no merge key defined"),
    ({"spec": {"containers": [{"image": "x"}]}}, "map: map[image:x] does not contain declared merge key: name"),
    ({"spec": {"containers": ["app"]}}, f"list element types are not identical: [[{APP_TEXT}] [app]]"),
    ({"spec": {"containers": [[APP]]}}, f"list element types are not identical: [[{APP_TEXT}] [[{APP_TEXT}]]]"),
    ({"metadata": {"finalizers": [{"name": "x"}]}}, "cannot merge lists without merge key for type string"),
    (["not", "a", "map"], "Invalid JSON document"),
])
def test_sp_errors_are_the_go_texts(patch: Any, message: str) -> None:
    pod = _pod(APP)
    pod["metadata"]["finalizers"] = []
    with pytest.raises(sp.PatchError) as caught:
        _patch(pod, patch)
    assert str(caught.value) == message


def test_sp_list_of_lists_and_bad_json() -> None:
    with pytest.raises(sp.PatchError, match=r"^Lists of lists are not supported$"):
        _patch({"spec": {"volumes": []}}, {"spec": {"volumes": [["x"]]}})
    with pytest.raises(sp.PatchError, match=r"^Invalid JSON document$"):
        sp.strategic_merge_patch({}, b"{", "Pod")
    assert sp.strategic_merge_patch({"a": 1}, b"null", "Pod") == {"a": 1}


def test_sp_go_sprint() -> None:
    assert sp.go_sprint({"b": [1, 2.5, None], "a": True}) == "map[a:true b:[1 2.5 <nil>]]"
    assert [sp.go_sprint(n) for n in (1e6, 123456, 1e-5, 0.0001)] == ["1e+06", "123456", "1e-05", "0.0001"]


# --- computing --------------------------------------------------------------------------------------


def test_sp_create_patch_names_changed_items_by_key_and_deletes_removed_ones() -> None:
    original = _pod(APP, SIDECAR)
    original["metadata"]["finalizers"] = ["a"]
    modified = _pod({**APP, "image": "app:2", "args": ["--c"]}, {"name": "zz", "image": "z"})
    modified["metadata"] = {"name": "web", "finalizers": ["b", "a"]}
    patch = sp.create_strategic_merge_patch(original, modified, "Pod")
    assert patch == {
        "metadata": {"finalizers": ["b"], "labels": None},
        "spec": {"containers": [{"image": "app:2", "args": ["--c"], "name": "app"},
                                {"name": "sidecar", "$patch": "delete"},
                                {"name": "zz", "image": "z"}]},
    }
    assert _patch(original, patch)["spec"] == modified["spec"]


def test_sp_create_patch_replaces_untagged_lists() -> None:
    original, modified = _pod(APP, SIDECAR), _pod({**APP, "args": ["--c"]}, SIDECAR)
    assert sp.create_strategic_merge_patch(original, modified, "Pod") == {
        "spec": {"containers": [{"name": "app", "args": ["--c"]}]}}
    assert sp.create_strategic_merge_patch(original, original, "Pod") == {}


def test_sp_create_patch_errors() -> None:
    with pytest.raises(sp.PatchError, match="does not contain declared merge key: name"):
        sp.create_strategic_merge_patch(_pod(APP), _pod({"image": "x"}), "Pod")
    with pytest.raises(sp.PatchError, match=r"^invalid value for special key: \$patch$"):
        sp.create_strategic_merge_patch({"$patch": 1}, {"$patch": "x"}, "Pod")


# --- conflicts --------------------------------------------------------------------------------------


def test_sp_has_conflicts_compares_first_key_only() -> None:
    assert sp.has_conflicts({"a": 1}, {"a": 2})
    assert not sp.has_conflicts({"a": 1, "b": 1}, {"b": 2})  # first key 'a' absent on the right: no conflict
    assert sp.has_conflicts([1], [1, 2])
    assert sp.has_conflicts({"a": {"x": 1}}, {"a": "x"})
    assert not sp.has_conflicts({"a": [{"n": 1}, {"n": 2}]}, {"a": [{"n": 1}, {"n": 3}]})  # first items only
    assert sp.has_conflicts(True, 1)


def test_sp_diffs_of_different_containers_conflict_of_same_length() -> None:
    original = _pod(APP, SIDECAR)
    ours = sp.create_strategic_merge_patch(original, _pod({**APP, "image": "app:2"}, SIDECAR), "Pod")
    theirs = sp.create_strategic_merge_patch(original, _pod(APP, {**SIDECAR, "image": "log:2"}), "Pod")
    assert sp.has_conflicts(ours, theirs)
    relabelled = _pod(APP, SIDECAR)
    relabelled["metadata"]["labels"]["tier"] = "front"
    assert not sp.has_conflicts(ours, sp.create_strategic_merge_patch(original, relabelled, "Pod"))


# --- as the Go has it (answers of the real StrategicMergePatch, through the strategicpatch harness) ----------


def _go(original: str, patch: str, type_expr: str) -> Any:
    return sp.strategic_merge_patch_bytes(original.encode(), patch.encode(), type_expr)


def test_sp_every_served_kind_reads_its_own_tags() -> None:
    deployment = '{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b"}]}}}}'
    patch = '{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"y"}]}}}}'
    assert _go(deployment, patch, "pkg/apis/extensions/v1beta1.Deployment") == {
        "spec": {"template": {"spec": {"containers": [{"image": "y", "name": "a"}, {"name": "b"}]}}}}


def test_sp_where_the_go_panics() -> None:
    same = '{"spec":{"containers":[{"name":{"a":1}}]}}'
    with pytest.raises(GoPanic, match="comparing uncomparable type map"):
        _go(same, same, "pkg/api/v1.Pod")
    with pytest.raises(GoPanic, match="nil pointer dereference"):
        _go('{"spec":{"containers":[null]}}', '{"spec":{"containers":[{"name":"a"}]}}', "pkg/api/v1.Pod")


def test_sp_numbers_are_int64_or_float64_and_trailing_text_is_not_read() -> None:
    service = '{"spec":{"ports":[{"port":80,"name":"a"}]}}'
    patch = '{"spec":{"ports":[{"port":80.0,"name":"b"}]}} trailing'  # 80.0 is no int64 80: a new item
    assert _go(service, patch, "pkg/api/v1.Service")["spec"]["ports"] == [{"port": 80, "name": "a"},
                                                                         {"port": 80.0, "name": "b"}]
    with pytest.raises(sp.PatchError, match=r"unknown patch type: %!s\(int64=1\) in map: map\[\$patch:1\]"):
        _go("{}", '{"$patch": 1}', "pkg/api/v1.Pod")


def test_sp_golden_l_vectors_pass() -> None:
    data = json.loads((Path(__file__).parent / "golden" / "m-strategicpatch.json").read_text(encoding="utf-8"))
    assert len(data["vectors"]) == 200
    assert not [o.name for o in strategicpatch_runner.run(data) if not o.passed]
