"""APIInstaller / InstallREST model: golden vectors h and the behaviours of k8s-apiinstaller and k8s-api-install."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from walkthrough.parity import apiinstaller as runner
from walkthrough.parity.apiinstaller import FakeStorage
from walkthrough.reimpl.kubernetes import apiinstaller as ai
from walkthrough.reimpl.kubernetes import genericapiserver as gs
from walkthrough.reimpl.kubernetes.apierrors import StatusError
from walkthrough.reimpl.kubernetes.registry import Store
from walkthrough.reimpl.kubernetes.restful import Container, Request, Response
from walkthrough.reimpl.kubernetes.resthandler import GroupVersionKind

GOLDEN = Path(__file__).parent / "golden" / "h-apiinstaller-routes.json"


def _golden() -> dict:
    if not GOLDEN.exists():
        pytest.skip("tests/golden/h-apiinstaller-routes.json has not been copied into the repository yet")
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_golden_h_vectors_all_pass() -> None:
    outcomes = runner.run(_golden())
    failed = [o.name for o in outcomes if not o.passed]
    assert outcomes
    assert not failed


def _install(storage: dict, group: str = "", version: str = "v1", root: str = "/api") -> tuple[Container, list[str]]:
    container = Container()
    errors = ai.APIGroupVersion(storage, root, ai.GroupVersion(group, version)).install_rest(container)
    return container, errors


def _routes(container: Container) -> list[tuple[str, str, str]]:
    ws = container.registered_web_services()[0]
    return [(r.method, r.path, r.operation) for r in ws.routes]


def test_api_install_sorted_paths_and_errors_continue() -> None:
    storages = {"zebras": FakeStorage("pkg/api.Pod", capabilities={"Getter"}),
                "a/b/c": FakeStorage("pkg/api.Pod", capabilities={"Getter"}),
                "configmaps": FakeStorage("pkg/api.ConfigMap", capabilities={"Getter"})}
    container, errors = _install(storages)
    assert errors == [("error in registering resource: a/b/c, api_installer allows only one or two segment paths "
                       "(resource or resource/subresource)")]
    paths = [p for _, p, _ in _routes(container)]
    assert paths.index("/api/v1/namespaces/{namespace}/configmaps/{name}") < paths.index(
        "/api/v1/namespaces/{namespace}/zebras/{name}")
    body = json.loads(container.serve_http(Request.new("GET", "/api/v1")).body)
    assert [r["name"] for r in body["resources"]] == ["configmaps", "zebras"]


@pytest.mark.parametrize(("path", "expected"), [("pods", ("pods", "")), ("pods/status", ("pods", "status"))])
def test_api_split(path: str, expected: tuple[str, str]) -> None:
    assert ai.split_subresource(path) == expected


def test_api_split_rejects_deeper_paths() -> None:
    with pytest.raises(ai.InstallError, match="only one or two segment paths"):
        ai.split_subresource("a/b/c")


def test_api_capabilities_named_creater_graceful_and_watchlist() -> None:
    storages = {"configmaps": FakeStorage("pkg/api.ConfigMap", capabilities={"NamedCreater", "Watcher"}),
                "secrets": FakeStorage("pkg/api.Secret", list_go_type="pkg/api.SecretList",
                                       capabilities={"Lister", "GracefulDeleter"}),
                "events": FakeStorage("pkg/api.Event", list_go_type="pkg/api.EventList",
                                      capabilities={"Lister", "Watcher"})}
    ops = {op for _, _, op in _routes(_install(storages)[0])}
    assert "createNamespacedConfigMap" in ops          # a named creater counts as a creater
    assert "watchNamespacedConfigMap" in ops
    assert "watchNamespacedConfigMapList" not in ops
    assert "deleteNamespacedSecret" in ops             # graceful implies deleter
    assert "watchNamespacedEventList" in ops            # Watcher and Lister


def test_api_capabilities_getter_with_options_implies_getter() -> None:
    log = FakeStorage("pkg/api.Pod", capabilities={"GetterWithOptions"},
                      get_options=("pkg/api.PodLogOptions", True, "path"))
    routes = _routes(_install({"pods": FakeStorage("pkg/api.Pod", capabilities={"Getter"}), "pods/log": log})[0])
    assert ("GET", "/api/v1/namespaces/{namespace}/pods/{name}/log/{path:*}",
            "readNamespacedPodLogWithPath") in routes


def test_api_actions_root_nodes() -> None:
    nodes = FakeStorage("pkg/api.Node", list_go_type="pkg/api.NodeList", capabilities={"Getter", "Lister", "Watcher"})
    assert [(m, p) for m, p, _ in _routes(_install({"nodes": nodes})[0])] == [
        ("GET", "/api/v1/nodes"), ("GET", "/api/v1/watch/nodes"), ("GET", "/api/v1/nodes/{name}"),
        ("GET", "/api/v1/watch/nodes/{name}"), ("GET", "/api/v1/")]


def test_api_actions_root_subresource_uses_item_path() -> None:
    storages = {"nodes": FakeStorage("pkg/api.Node", capabilities={"Getter"}),
                "nodes/status": FakeStorage("pkg/api.Node", capabilities={"Getter", "Updater"})}
    routes = _routes(_install(storages)[0])
    assert ("PUT", "/api/v1/nodes/{name}/status", "replaceNodeStatus") in routes


def test_api_actions_namespaced_adds_all_namespace_list() -> None:
    pods = FakeStorage("pkg/api.Pod", list_go_type="pkg/api.PodList", capabilities={"Lister", "Watcher"})
    routes = _routes(_install({"pods": pods})[0])
    assert ("GET", "/api/v1/namespaces/{namespace}/pods", "listNamespacedPod") in routes
    assert ("GET", "/api/v1/pods", "listPodForAllNamespaces") in routes
    assert ("GET", "/api/v1/watch/pods", "watchPodListForAllNamespaces") in routes


def test_api_actions_namespaced_subresource_has_no_all_namespace_routes() -> None:
    storages = {"pods": FakeStorage("pkg/api.Pod", capabilities={"Getter"}),
                "pods/status": FakeStorage("pkg/api.Pod", list_go_type="pkg/api.PodList", capabilities={"Lister"})}
    routes = _routes(_install(storages)[0])
    assert ("GET", "/api/v1/namespaces/{namespace}/pods/{name}/status", "listNamespacedPodStatus") in routes
    assert not any(op.endswith("ForAllNamespaces") for _, _, op in routes)


def test_api_operation_ids() -> None:
    storages = {"pods": FakeStorage("pkg/api.Pod", list_go_type="pkg/api.PodList", capabilities={"Getter", "Lister",
                                                                                         "Redirector"}),
                "pods/status": FakeStorage("pkg/api.Pod", capabilities={"Getter"})}
    ops = {op for _, _, op in _routes(_install(storages)[0])}
    assert {"listNamespacedPod", "listPodForAllNamespaces", "readNamespacedPodStatus",
            "proxyGETNamespacedPodWithPath", "proxyOPTIONSNamespacedPod"} <= ops


def test_api_handler_selection() -> None:
    pods = Store("Pod", "pods")
    container, _ = _install({"pods": pods, "pods/status": FakeStorage("pkg/api.Pod", capabilities={"Connecter"},
                                                                      methods=["GET"])})
    by_op = {r.operation: r.function for r in container.registered_web_services()[0].routes}
    assert by_op["readNamespacedPod"].go_handler == "GetResource"
    assert (by_op["listNamespacedPod"].go_handler, by_op["listNamespacedPod"].force_watch) == ("ListResource", False)
    assert by_op["watchNamespacedPod"].force_watch is True
    assert by_op["watchNamespacedPodList"].force_watch is True
    assert by_op["replaceNamespacedPod"].go_handler == "UpdateResource"
    assert by_op["patchNamespacedPod"].go_handler == "PatchResource"
    assert by_op["createNamespacedPod"].go_handler == "CreateResource"
    assert by_op["deleteNamespacedPod"].go_handler == "DeleteResource"
    assert by_op["deletecollectionNamespacedPod"].go_handler == "DeleteCollection"
    assert by_op["connectGetNamespacedPodStatus"].go_handler == "ConnectResource"


def test_api_handler_selection_named_creater() -> None:
    binding = FakeStorage("pkg/api.Binding", capabilities={"NamedCreater"})
    container, _ = _install({"bindings": binding})
    assert container.registered_web_services()[0].routes[0].function.go_handler == "CreateNamedResource"


def test_api_namers() -> None:
    namespaced = ai.ScopeNaming("/api/v1/namespaces/", "/pods/")
    request = Request.new("GET", "/x")
    request.path_parameters = {"namespace": "ns1", "name": "p1"}
    assert namespaced.name(request) == ("ns1", "p1")
    assert ai.ScopeNaming("/x/", "/pods/", all_namespaces=True).namespace(request) == ""
    missing = Request.new("GET", "/x")
    with pytest.raises(StatusError, match="no namespace parameter found on request"):
        namespaced.namespace(missing)
    with pytest.raises(StatusError) as caught:
        namespaced.name(missing)
    assert (caught.value.code, caught.value.status["message"]) == (400, "name must be provided")
    root = ai.RootScopeNaming("/api/v1/nodes")
    assert root.namespace(request) == ""
    assert root.name(request) == ("", "p1")
    # v1.5.2's path.Join drops the slash before the name of cluster-scoped self links
    assert root.generate_link(request, {"metadata": {"name": "n1"}}) == "/api/v1/nodesn1"


def test_api_webservice() -> None:
    installer = ai.APIGroupVersion({}, "/apis", ai.GroupVersion("batch", "v1")).new_installer()
    ws = installer.new_web_service()
    assert (ws.root_path, ws.consumes, ws.api_version) == ("/apis/batch/v1", ["*/*"], "batch/v1")
    assert ws.produces == ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf",
                           "application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"]


# --- chapter k8s-api-install -----------------------------------------------------------------------


@pytest.mark.parametrize(("root", "group", "prefix"), [("/api", "", "/api/v1"), ("/apis", "batch", "/apis/batch/v1")])
def test_inst_prefix(root: str, group: str, prefix: str) -> None:
    assert ai.APIGroupVersion({}, root, ai.GroupVersion(group, "v1")).new_installer().prefix == prefix


def _server() -> gs.GenericAPIServer:
    return gs.new_config().complete().new()


def test_inst_storage_keys_lowercased() -> None:
    info = gs.new_default_api_group_info("", ["v1"])
    info.versioned_resources_storage_map["v1"] = {"persistentVolumeClaims": Store(
        "PersistentVolumeClaim", "persistentvolumeclaims")}
    version = _server().get_api_group_version(info, ai.GroupVersion("", "v1"), "/api")
    assert list(version.storage) == ["persistentvolumeclaims"]


def test_inst_legacy_optional_subresources_and_overrides() -> None:
    plain = gs.new_legacy_rest_storage(set(), lambda key, kind: key)
    assert "replicationControllers/scale" not in plain.versioned_resources_storage_map["v1"]
    full = gs.new_legacy_rest_storage({"autoscaling/v1", "policy/v1beta1"}, lambda key, kind: key)
    keys = full.versioned_resources_storage_map["v1"]
    assert {"pods", "pods/status", "replicationControllers/scale", "pods/eviction"} <= set(keys)
    assert full.subresource_group_version_kind == {
        "replicationcontrollers/scale": GroupVersionKind("autoscaling", "v1", "Scale"),
        "pods/eviction": GroupVersionKind("policy", "v1beta1", "Eviction")}


def test_inst_legacy_only_when_v1_enabled() -> None:
    config = gs.MasterConfig(gs.new_config(), kubelet_client_config={"port": 10250},
                             legacy_storage={"pods": Store("Pod", "pods")}, enabled_groups=set())
    roots = [ws.root_path for ws in config.complete().new().generic_api_server.handler_container.web_services]
    assert "/api/v1" not in roots


def test_inst_legacy_group_prefix_checked_and_versions_listed() -> None:
    server = _server()
    info = gs.new_default_api_group_info("", ["v1"])
    info.versioned_resources_storage_map["v1"] = {"pods": Store("Pod", "pods")}
    with pytest.raises(gs.ServerError, match='"/legacy" is not in the allowed legacy API prefixes: \\[/api\\]'):
        server.install_legacy_api_group("/legacy", info)
    server.install_legacy_api_group("/api", info)
    body = json.loads(server.handler_container.serve_http(Request.new("GET", "/api")).body)
    assert (body["kind"], body["versions"]) == ("APIVersions", ["v1"])


def _provider(group: str, *, enabled: bool = True, hook: bool = False) -> gs.RESTStorageProvider:
    def build() -> tuple[gs.APIGroupInfo, bool]:
        info = gs.new_default_api_group_info(group, ["v1"])
        internal = {"batch": "pkg/apis/batch.Job", "apps": "pkg/apis/apps.StatefulSet",
                    "policy": "pkg/apis/policy.PodDisruptionBudget"}[group]
        info.versioned_resources_storage_map["v1"] = {"things": FakeStorage(internal, capabilities={"Getter"})}
        return info, enabled

    return gs.RESTStorageProvider(group, build, (f"{group}-hook", lambda: None) if hook else None)


def test_inst_groups_skip_disabled_and_not_enabled() -> None:
    master = gs.Master(_server())
    providers = [_provider("batch", hook=True), _provider("apps", enabled=False), _provider("policy")]
    installed = master.install_apis({"batch", "apps"}, providers)
    assert installed == ["batch"]
    assert list(master.generic_api_server.post_start_hooks) == ["batch-hook"]


def test_inst_group_discovery() -> None:
    server = _server()
    with pytest.raises(gs.ServerError, match="empty group"):
        server.install_api_group(gs.new_default_api_group_info("", ["v1"]))
    info = gs.new_default_api_group_info("batch", ["v1", "v2alpha1"])
    info.versioned_resources_storage_map["v1"] = {"jobs": FakeStorage("pkg/apis/batch.Job", capabilities={"Getter"})}
    server.install_api_group(info)
    group = json.loads(server.handler_container.serve_http(Request.new("GET", "/apis/batch")).body)
    assert group["versions"] == [{"groupVersion": "batch/v1", "version": "v1"}]
    assert group["preferredVersion"] == {"groupVersion": "batch/v1", "version": "v1"}
    groups = json.loads(server.handler_container.serve_http(Request.new("GET", "/apis")).body)
    assert [g["name"] for g in groups["groups"]] == ["batch"]


def test_inst_installrest_one_service_discovery_route_and_aggregate_errors() -> None:
    storages = {"pods": FakeStorage("pkg/api.Pod", capabilities={"Getter"}),
                "a/b/c": FakeStorage("pkg/api.Pod", capabilities={"Getter"}),
                "ghosts/status": FakeStorage("pkg/api.Pod", capabilities={"Getter"})}
    container, errors = _install(storages)
    assert len(container.registered_web_services()) == 1
    assert container.registered_web_services()[0].routes[-1].operation == "getAPIResources"
    assert ai.aggregate(errors) == (
        "[error in registering resource: a/b/c, api_installer allows only one or two segment paths (resource or "
        "resource/subresource), error in registering resource: ghosts/status, unable to locate the storage object "
        "for resource: ghosts]")
    assert ai.aggregate([]) is None


def test_inst_apicontainer_curly_router_and_status_errors() -> None:
    server = _server()
    assert server.handler_container.router.__class__.__name__ == "CurlyRouter"
    response = Response()
    server.handler_container.serve_http(Request.new("POST", "/version"), response)
    body = json.loads(response.body)
    assert (response.status, body["reason"], body["message"]) == (
        405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
