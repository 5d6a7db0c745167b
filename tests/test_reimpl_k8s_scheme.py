"""The scheme model: api.Scheme as kube-apiserver fills it, the RESTMappers, and the tables generated from the Go.

What the Go itself says is checked by live parity (the apiinstaller harness's `scheme` and `master` ops, tests
marked `go`); these tests pin the behaviours the chapters and the installer rely on, without Go.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from walkthrough.parity import _gotables
from walkthrough.parity import apiinstaller as runner
from walkthrough.parity.live.families import _storages
from walkthrough.reimpl.kubernetes import apiinstaller as ai
from walkthrough.reimpl.kubernetes import gotypes, scheme
from walkthrough.reimpl.kubernetes.restful import Container

if TYPE_CHECKING:
    from walkthrough.sources import SourceTree

GOLDEN = Path(__file__).parent / "golden"
S = scheme.API_SCHEME


def test_a_type_registered_in_several_groups_has_every_kind_in_registration_order() -> None:
    assert S.object_kinds("pkg/apis/batch.Job") == (
        [("batch", "__internal", "Job"), ("extensions", "__internal", "Job")], False)
    assert S.object_kinds("pkg/apis/batch/v2alpha1.CronJob")[0] == [
        ("batch", "v2alpha1", "CronJob"), ("batch", "v2alpha1", "ScheduledJob")]
    kinds, unversioned = S.object_kinds("pkg/api/unversioned.Status")
    assert (kinds, unversioned) == ([("", "v1", "Status"), ("", "v1", "Status")], True)


def test_unknown_types_and_kinds_are_refused_with_the_go_texts() -> None:
    with pytest.raises(scheme.NotRegisteredError, match=re.escape("no kind is registered for the type main.Bogus")):
        S.object_kinds("main.Bogus")
    message = 'no kind "Bogus" is registered for version "extensions/v1"'
    with pytest.raises(scheme.NotRegisteredError, match=re.escape(message)):
        S.new(("extensions", "v1", "Bogus"))
    with pytest.raises(scheme.NotRegisteredError, match='internal version of group "apps"'):
        S.new(("apps", "__internal", "Bogus"))
    # unversioned kinds are found in any group version
    assert S.new(("batch", "v2alpha1", "ExportOptions")) == "pkg/api/unversioned.ExportOptions"
    assert S.new(("batch", "v1", "ExportOptions")) == "pkg/api/v1.ExportOptions"


def test_rest_mappers_know_their_groups_kinds_and_scopes() -> None:
    core, extensions = scheme.group("").rest_mapper, scheme.group("extensions").rest_mapper
    assert core.rest_mapping("", "Node", "v1") == (("", "v1", "Node"), "root")
    assert extensions.rest_mapping("extensions", "Deployment", "v1beta1")[1] == "namespace"
    assert extensions.rest_mapping("extensions", "PodSecurityPolicy", "v1beta1")[1] == "root"
    with pytest.raises(scheme.NoKindMatchError, match=re.escape("no matches for extensions/, Kind=ListOptions")):
        extensions.rest_mapping("extensions", "ListOptions", "v1beta1")  # v1.ListOptions lies outside the prefix
    with pytest.raises(scheme.NoKindMatchError, match=re.escape("no matches for /, Kind=Status")):
        core.rest_mapping("", "Status", "v1")  # ignored
    assert core.rest_mapping("", "Pod") == (("", "v1", "Pod"), "namespace")  # no version: the mapper's own
    with pytest.raises(LookupError, match="group nope has not been registered"):
        scheme.group("nope")


def _install(storages: dict, group: str, version: str) -> list[str]:
    return ai.APIGroupVersion(storages, "/apis", ai.GroupVersion(group, version)).install_rest(Container())


def test_extensions_installs_the_types_it_shares_with_batch_and_autoscaling() -> None:
    storages = {"jobs": runner.FakeStorage("pkg/apis/batch.Job", capabilities={"Getter"}),
                "horizontalpodautoscalers": runner.FakeStorage("pkg/apis/autoscaling.HorizontalPodAutoscaler",
                                                               capabilities={"Getter"})}
    assert _install(storages, "extensions", "v1beta1") == []


def test_the_installer_refuses_what_the_go_refuses() -> None:
    assert _install({"jobs": runner.FakeStorage("pkg/apis/batch.Job", capabilities={"Getter"})}, "apps", "v1beta1") == [
        ("error in registering resource: jobs, unable to locate fully qualified kind for mapper resource jobs: unable "
         "to locate fully qualified kind for *batch.Job: found [batch/__internal, Kind=Job extensions/__internal, "
         "Kind=Job] when registering for apps/v1beta1")]
    assert _install({"bogus": runner.FakeStorage("main.Bogus", capabilities={"Getter"})}, "extensions", "v1beta1") == [
        ("error in registering resource: bogus, unable to locate fully qualified kind for mapper resource bogus: no "
         "kind is registered for the type main.Bogus")]
    # authentication.k8s.io/v1beta1 registers no WatchEvent: a watcher cannot be installed there
    review = runner.FakeStorage("pkg/apis/authentication.TokenReview", capabilities={"Watcher"})
    assert _install({"tokenreviews": review}, "authentication.k8s.io", "v1beta1") == [
        ('error in registering resource: tokenreviews, no kind "WatchEvent" is registered for version '
         '"authentication.k8s.io/v1beta1"')]


def test_every_default_group_version_installs_as_the_go_master_installed_it() -> None:
    data = json.loads((GOLDEN / "h-apiinstaller-master.json").read_text(encoding="utf-8"))
    installed = {v["inputs"]["group_version"] for v in data["vectors"]}
    assert installed == {"v1", "apps/v1beta1", "authentication.k8s.io/v1beta1", "authorization.k8s.io/v1beta1",
                         "autoscaling/v1", "batch/v1", "certificates.k8s.io/v1alpha1", "extensions/v1beta1",
                         "policy/v1beta1", "rbac.authorization.k8s.io/v1alpha1", "storage.k8s.io/v1beta1"}
    failed = [o.name for o in runner.run(data) if not o.passed]
    assert not failed


def test_go_types_answer_reflect_and_json_questions() -> None:
    assert gotypes.lookup_patch_metadata("pkg/api/v1.PodSpec", "containers") == (
        "[]pkg/api/v1.Container", "merge", "name")
    assert gotypes.lookup_patch_metadata("pkg/api/v1.Pod", "KIND")[0] == "string"  # case-insensitive, promoted
    assert gotypes.lookup_patch_metadata("map[string]string", "x") == ("string", "", "")
    with pytest.raises(gotypes.PatchMetadataError, match='struct PodSpec for the json field "nope"'):
        gotypes.lookup_patch_metadata("pkg/api/v1.PodSpec", "nope")
    with pytest.raises(gotypes.PatchMetadataError, match="instead is: slice"):
        gotypes.lookup_patch_metadata("[]string", "x")
    assert gotypes.type_string("*pkg/api/unversioned.Time") == "*unversioned.Time"
    assert gotypes.type_string("map[string][]byte") == "map[string][]uint8"


def test_the_harness_storage_types_are_current() -> None:
    assert _storages.HARNESS.read_text(encoding="utf-8") == _storages.render(), (
        "regenerate with python -m walkthrough.parity.live.families._storages")
    # every pair of interfaces that Go lets one type implement meets in some declared combination
    combos = _storages.combinations()
    assert () in combos
    assert any({"GetterWithOptions", "Exporter", "Watcher"} <= set(c) for c in combos)


@pytest.mark.upstream
def test_the_generated_tables_are_what_the_sources_say(k8s_tree: SourceTree) -> None:
    for path, text in _gotables.generated(k8s_tree).items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: python -m walkthrough.parity._gotables"


def _apiinstaller_harness() -> Path:
    from walkthrough.errors import SourcesMissing, ToolchainMissing  # noqa: PLC0415
    from walkthrough.parity.live.build import build  # noqa: PLC0415
    from walkthrough.parity.live.toolchain import find_toolchain  # noqa: PLC0415

    try:
        find_toolchain()
        return build("apiinstaller", "kubernetes").binary
    except ToolchainMissing as exc:
        pytest.skip(f"no Go 1.19: {exc.message}")
    except SourcesMissing as exc:
        pytest.skip(f"sources for the kubernetes harnesses not imported: {exc.message}")


def _ask(binary: Path, request: dict[str, str]) -> Any:
    from walkthrough.parity.live.process import Answer, Harness  # noqa: PLC0415

    with Harness(binary) as harness:
        reply = harness.ask(request)
    assert isinstance(reply, Answer), reply
    return reply.value


@pytest.mark.go
@pytest.mark.upstream
def test_the_model_scheme_is_the_go_scheme() -> None:
    answer = _ask(_apiinstaller_harness(), {"op": "scheme"})
    model = {t: [gofmt_gvk(*k) for k in kinds] for t, kinds in S.type_to_gvk.items()}
    # a type whose every kind another type took over is no longer among Go's known types
    assert {t: model[t] for t in answer["types"]} == answer["types"]
    assert {g: [scheme.gv_string(*v) for v in m.group_versions] for g, m in scheme.GROUPS.items()} == answer["groups"]


@pytest.mark.go
@pytest.mark.upstream
def test_the_recorded_master_is_what_the_go_master_installs() -> None:
    answer = _ask(_apiinstaller_harness(), {"op": "master"})
    recorded = json.loads((GOLDEN / "h-apiinstaller-master.json").read_text(encoding="utf-8"))
    assert [{"inputs": g["request"], "outputs": g["answer"]} for g in answer["group_versions"]] == recorded["vectors"]


def gofmt_gvk(group: str, version: str, kind: str) -> str:
    return f"{group}/{version}, Kind={kind}"


def test_options_fields_come_from_the_versioned_type_the_scheme_gives() -> None:
    # found by live parity (seed 7): a watch event as get options documents its `type` field, as the Go does
    storage = runner.FakeStorage("pkg/apis/apps.StatefulSet", capabilities={"GetterWithOptions"},
                                 get_options=("pkg/watch/versioned.Event", False, "path"))
    container = Container()
    assert ai.APIGroupVersion({"statefulsets": storage}, "/apis", ai.GroupVersion("apps", "v1beta1"),
                              options_external_version=ai.GroupVersion("", "v1")).install_rest(container) == []
    read = container.registered_web_services()[0].routes[0]
    assert [p.name for p in read.parameter_docs] == ["pretty", "type", "namespace", "name"]
