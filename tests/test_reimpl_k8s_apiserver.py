"""The miniature apiserver over real loopback HTTP, and the behaviours of chapter k8s-master-genericapiserver."""

from __future__ import annotations

import argparse
import json
import re
import socket
import threading
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

import pytest

from walkthrough.reimpl.kubernetes import apiserver
from walkthrough.reimpl.kubernetes import genericapiserver as gs
from walkthrough.reimpl.kubernetes.registry import Store
from walkthrough.reimpl.kubernetes.restful import Request

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(params=["abac", "rbac"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, list[str], apiserver.MiniAPIServer]]:
    lines: list[str] = []
    mini = apiserver.build_server(request.param, 0, log=lines.append)
    port = mini.start()
    yield f"http://127.0.0.1:{port}", lines, mini
    mini.shutdown()


def _http(base: str, method: str, path: str, token: str | None = None, body: Any = None,
          timeout: float = 10) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)  # noqa: S310 - local server
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - local server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def _pod(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.10"}]}}


def test_capstone_authn_failure_is_401(server: tuple[str, list[str], apiserver.MiniAPIServer]) -> None:
    base, lines, _ = server
    assert _http(base, "GET", "/api/v1/namespaces/dev/pods") == (401, "Unauthorized\n")
    assert _http(base, "GET", "/api/v1/namespaces/dev/pods", token="wrong")[0] == 401
    assert "  authn  failed (no credentials) -> 401" in lines


def test_capstone_authz_denial_is_403(server: tuple[str, list[str], apiserver.MiniAPIServer]) -> None:
    base, _, _ = server
    assert _http(base, "GET", "/api/v1/namespaces/default/pods", token="dev-token") == (
        403, 'Forbidden: "/api/v1/namespaces/default/pods"')
    assert _http(base, "POST", "/api/v1/namespaces/dev/pods", token="view-token", body=_pod("x"))[0] == 403


def test_capstone_create_get_list_and_quota(server: tuple[str, list[str], apiserver.MiniAPIServer]) -> None:
    base, lines, _ = server
    for name in ("p1", "p2"):
        status, body = _http(base, "POST", "/api/v1/namespaces/dev/pods", token="dev-token", body=_pod(name))
        assert status == 201, body
        assert json.loads(body)["metadata"]["selfLink"] == f"/api/v1/namespaces/dev/pods/{name}"
    status, body = _http(base, "POST", "/api/v1/namespaces/dev/pods", token="dev-token", body=_pod("p3"))
    refusal = json.loads(body)
    assert (status, refusal["kind"], refusal["reason"]) == (403, "Status", "Forbidden")
    assert refusal["message"] == ('pods "p3" is forbidden: exceeded quota: dev-quota, requested: pods=1, '
                                  "used: pods=2, limited: pods=2")
    status, body = _http(base, "GET", "/api/v1/namespaces/dev/pods/p1", token="view-token")
    assert status == 200
    assert json.loads(body)["metadata"]["name"] == "p1"
    status, body = _http(base, "GET", "/api/v1/namespaces/dev/pods", token="view-token")
    assert status == 200
    assert [i["metadata"]["name"] for i in json.loads(body)["items"]] == ["p1", "p2"]
    status, body = _http(base, "GET", "/api/v1/pods", token="admin-token")
    assert status == 200
    assert len(json.loads(body)["items"]) == 2
    # the stages of the first create, in the order the request met them
    first = lines.index("POST /api/v1/namespaces/dev/pods")
    stages = [line.split()[0] for line in lines[first + 1:first + 7]]
    assert stages == ["authn", "authz", "store", "admit", "store", "route"]


def test_capstone_quota_replenished_after_delete(server: tuple[str, list[str], apiserver.MiniAPIServer]) -> None:
    base, _, _ = server
    for name in ("a", "b"):
        assert _http(base, "POST", "/api/v1/namespaces/dev/pods", token="dev-token", body=_pod(name))[0] == 201
    assert _http(base, "DELETE", "/api/v1/namespaces/dev/pods/a", token="dev-token")[0] == 200
    assert _http(base, "POST", "/api/v1/namespaces/dev/pods", token="dev-token", body=_pod("c"))[0] == 201


def test_capstone_discovery_and_watch(server: tuple[str, list[str], apiserver.MiniAPIServer]) -> None:
    base, _, _ = server
    status, body = _http(base, "GET", "/api/v1", token="view-token")
    assert status == 200
    assert "pods/status" in [r["name"] for r in json.loads(body)["resources"]]
    assert _http(base, "POST", "/api/v1/namespaces/dev/pods", token="dev-token", body=_pod("w"))[0] == 201
    status, body = _http(base, "GET", "/api/v1/watch/namespaces/dev/pods?timeoutSeconds=1", token="admin-token")
    events = [json.loads(line) for line in body.splitlines()]
    assert status == 200
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "w")]


def test_capstone_cli_rejects_unknown_mode() -> None:
    with pytest.raises(SystemExit):
        apiserver.main(["--authz", "webhook"])


# --- chapter k8s-master-genericapiserver -----------------------------------------------------------


def test_srv_bootstrap_order() -> None:
    mini = apiserver.build_server("abac", 0, log=lambda line: None)
    try:
        assert mini.steps == ["generic config", "authenticator", "authorizer", "storage", "admission", "master",
                              "prepare run"]
    finally:
        mini.shutdown()


def test_srv_generic_defaults() -> None:
    options = gs.new_server_run_options()
    assert (options.admission_control, options.authorization_mode) == ("AlwaysAdmit", "AlwaysAllow")
    assert (options.bind_address, options.secure_port) == ("0.0.0.0", 6443)  # noqa: S104 - the default, asserted
    assert (options.insecure_bind_address, options.insecure_port) == ("127.0.0.1", 8080)
    assert (options.cert_directory, options.max_requests_in_flight, options.min_request_timeout) == (
        "/var/run/kubernetes", 400, 1800)
    assert options.enable_watch_cache
    assert options.default_storage_media_type == "application/json"


def test_srv_kube_options() -> None:
    options = apiserver.new_server_run_options()
    assert options.event_ttl == 3600.0
    assert options.kubelet_config["port"] == 10250
    assert options.generic_server_run_options.storage_prefix == "/registry"  # WithEtcdOptions
    assert gs.new_server_run_options().storage_prefix == ""


def test_srv_add_flags_write_into_the_options() -> None:
    options = apiserver.new_server_run_options()
    parser = argparse.ArgumentParser()
    options.add_flags(parser)
    parser.parse_args(["--insecure-port", "0", "--authorization-mode=RBAC,ABAC", "--anonymous-auth=true",
                       "--event-ttl", "60"])
    generic = options.generic_server_run_options
    assert (generic.insecure_port, generic.authorization_mode, generic.anonymous_auth) == (0, "RBAC,ABAC", True)
    assert (generic.secure_port, options.event_ttl) == (6443, 60.0)  # untouched flags keep their defaults
    with pytest.raises(SystemExit):
        parser.parse_args(["--anonymous-auth=maybe"])


def test_srv_newconfig() -> None:
    config = gs.new_config()
    assert config.read_write_port == 6443
    assert config.legacy_api_group_prefixes == {"/api"}
    assert config.enable_index
    assert config.enable_swagger_support
    assert config.secure_serving_info is None
    assert config.insecure_serving_info is None
    assert config.audit_log_path == ""
    assert config.serializer is not None


def test_srv_applyoptions() -> None:
    options = gs.new_server_run_options()
    options.basic_auth_file = "/etc/basic.csv"
    config = gs.Config().apply_options(options)
    secure = config.secure_serving_info
    assert secure is not None
    assert secure.bind_address == "0.0.0.0:6443"
    assert secure.generate_cert
    assert (secure.cert_file, secure.key_file) == ("/var/run/kubernetes/apiserver.crt",
                                                   "/var/run/kubernetes/apiserver.key")
    assert config.insecure_serving_info == gs.ServingInfo("127.0.0.1:8080")
    assert config.supports_basic_auth
    assert config.read_write_port == 6443
    options.tls_cert_file, options.tls_private_key_file, options.secure_port = "c.crt", "c.key", 443
    secure = gs.Config().apply_options(options).secure_serving_info
    assert secure is not None
    assert not secure.generate_cert
    assert secure.cert_file == "c.crt"


def test_srv_complete() -> None:
    config = gs.Config(public_address="192.168.1.10", read_write_port=6443,
                       openapi_security_definitions={"HTTPBasic": {}, "BearerToken": {}})
    config.complete()
    assert config.external_address == "192.168.1.10:6443"
    assert config.openapi_default_security == [{"BearerToken": []}, {"HTTPBasic": []}]
    assert config.openapi_common_responses == {401: "Unauthorized"}
    assert config.discovery_addresses == {"default_address": "192.168.1.10:6443", "cidr_rules": []}


def test_srv_new() -> None:
    with pytest.raises(gs.ServerError, match="Serializer == nil"):
        gs.Config(serializer=None).new()
    server = gs.new_config().complete().new()
    roots = [ws.root_path for ws in server.handler_container.registered_web_services()]
    assert roots == ["/version", "/apis"]
    assert json.loads(server.handler_container.serve_http(Request.new("GET", "/")).body) == {
        "paths": ["/apis", "/version"]}
    assert server.handler is not None
    assert server.insecure_handler is not None


def test_srv_run_serves_configured_ports_and_hooks() -> None:
    config = gs.new_config()
    config.insecure_serving_info = gs.ServingInfo("127.0.0.1:0")
    server = config.complete().new()
    ran = []
    server.add_post_start_hook("mark", lambda: ran.append(True))
    stop = threading.Event()
    try:
        prepared = server.prepare_run()
        ports = prepared.run(stop, block=False, log=lambda line: None)
        assert list(ports) == ["insecure"]  # no secure serving info: serveSecurely is never called
        assert ran == [True]
        status, body = _http(f"http://127.0.0.1:{ports['insecure']}", "GET", "/healthz")
        assert (status, body) == (200, "ok")
    finally:
        stop.set()


def test_srv_runserver_retry() -> None:
    with pytest.raises(gs.ServerError, match=re.escape("failed to listen on 127.0.0.1:1")):
        gs.run_server("127.0.0.1:1", lambda sock: None, threading.Event(),
                      listen=lambda address: (_ for _ in ()).throw(OSError("address in use")))
    listens: list[str] = []
    served = threading.Event()
    logged: list[str] = []

    def listen(address: str) -> socket.socket:
        listens.append(address)
        if len(listens) == 2:
            raise OSError("still busy")
        return socket.create_server(("127.0.0.1", 0))

    stop = threading.Event()

    def serve(sock: socket.socket) -> None:
        if len(listens) < 3:
            raise OSError("serve failed")
        served.set()
        stop.wait()

    try:
        port = gs.run_server("127.0.0.1:0", serve, stop, listen=listen, retry_interval=0.01, log=logged.append)
        assert port > 0
        assert served.wait(5)
        assert len(listens) == 3
        assert any("will try again" in line for line in logged)
    finally:
        stop.set()


def test_srv_master_complete() -> None:
    config = gs.MasterConfig(gs.new_config(), enable_ui_support=False)
    config.generic_config.enable_swagger_ui = True
    config.complete()
    assert (config.service_ip_range, config.api_server_service_ip) == ("10.0.0.0/24", "10.0.0.1")
    assert config.generic_config.discovery_addresses["cidr_rules"] == [{"ip_range": "10.0.0.0/24",
                                                                         "address": "10.0.0.1:443"}]
    assert config.service_node_port_range == (30000, 2768)
    assert not config.generic_config.enable_swagger_ui
    assert config.generic_config.enable_metrics
    assert config.endpoint_reconciler_interval == 10.0


def test_srv_master_new() -> None:
    with pytest.raises(gs.ServerError, match=re.escape("empty config.KubeletClientConfig")):
        gs.MasterConfig(gs.new_config()).complete().new()
    config = gs.MasterConfig(gs.new_config(), kubelet_client_config={"port": 10250},
                             legacy_storage={"pods": Store("Pod", "pods")}, enable_watch_cache=False)
    master = config.complete().new()
    assert master.storage_decorator == "UndecoratedStorage"
    roots = [ws.root_path for ws in master.generic_api_server.handler_container.registered_web_services()]
    assert "/api/v1" in roots
    assert "/api" in roots
