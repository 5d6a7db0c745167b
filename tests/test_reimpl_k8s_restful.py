"""go-restful model: golden vectors f and the route-building behaviours of chapter k8s-api-install."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from walkthrough.parity import restful as runner
from walkthrough.reimpl.kubernetes.restful import (
    Container,
    CurlyRouter,
    Request,
    Response,
    RestfulFatal,
    RouteBuilder,
    RoutingError,
    WebService,
    concat_path,
    fixed_prefix_path,
)

GOLDEN = Path(__file__).parent / "golden" / "f-restful-curly.json"


def _golden() -> dict:
    if not GOLDEN.exists():
        pytest.skip("tests/golden/f-restful-curly.json has not been copied into the repository yet")
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_golden_f_vectors_all_pass() -> None:
    outcomes = runner.run(_golden())
    failed = [o.name for o in outcomes if not o.passed]
    assert outcomes
    assert not failed


def test_runner_accepts_by_name_and_meta() -> None:
    assert runner.accepts("f-restful-curly.json", {})
    assert runner.accepts("more.json", {"functions": "CurlyRouter{}.SelectRoute(...)"})
    assert not runner.accepts("a-quantity.json", {"functions": "ParseQuantity"})


def _noop(req: Request, res: Response) -> None:
    res.write("ok")


def _container(*services: WebService) -> Container:
    container = Container()
    for ws in services:
        container.add(ws)
    return container


def test_inst_restful_path_joins_with_one_slash() -> None:
    assert concat_path("/api/v1/", "pods") == "/api/v1/pods"
    assert concat_path("/api/v1", "/pods") == "/api/v1/pods"
    assert concat_path("/", "/") == "/"
    ws = WebService().Path("/api/v1/")
    ws.Route(ws.GET("/pods/").To(_noop))
    assert ws.routes[0].path == "/api/v1/pods/"


def test_inst_restful_path_route_without_function_is_fatal() -> None:
    ws = WebService().Path("/api")
    with pytest.raises(RestfulFatal, match="No function specified for route:/x"):
        ws.Route(ws.GET("/x"))


def test_inst_restful_path_route_copies_service_defaults() -> None:
    ws = WebService().Path("/a").Consumes("*/*").Produces("application/json")
    ws.Route(ws.GET("/x").To(_noop))
    ws.Route(ws.POST("/x").Consumes("application/yaml").To(_noop))
    assert (ws.routes[0].consumes, ws.routes[0].produces) == (["*/*"], ["application/json"])
    assert (ws.routes[1].consumes, ws.routes[1].produces) == (["application/yaml"], ["application/json"])


def test_inst_container_add_duplicate_root_is_fatal() -> None:
    container = _container(WebService().Path("/api"))
    with pytest.raises(RestfulFatal, match="duplicate root path"):
        container.add(WebService().Path("/api"))


def test_inst_container_add_registers_fixed_prefix_and_slash() -> None:
    container = _container(WebService().Path("/apis/{group}/v1"), WebService().Path("/version"))
    assert set(container.serve_mux.handlers) == {"/apis/", "/version", "/version/"}
    assert fixed_prefix_path("/{tenant}/data") == "/"
    assert container.is_registered_on_root is False


def test_inst_container_add_root_prefix_takes_catch_all_once() -> None:
    container = _container(WebService().Path("/{tenant}/data"), WebService().Path("/"), WebService().Path("/x"))
    assert container.is_registered_on_root is True
    assert set(container.serve_mux.handlers) == {"/"}


def test_curly_router_prefers_static_tokens_over_parameters() -> None:
    ws = WebService().Path("/api/v1")
    ws.Route(ws.GET("/namespaces/{namespace}/pods/{name}").To(_noop))
    ws.Route(ws.GET("/namespaces/{namespace}/pods/status").To(_noop))
    request = Request.new("GET", "/api/v1/namespaces/ns/pods/status")
    _, route = CurlyRouter().select_route([ws], request)
    assert route.path == "/api/v1/namespaces/{namespace}/pods/status"


@pytest.mark.parametrize(
    ("method", "path", "headers", "code"),
    [
        ("GET", "/nope", {}, 404),
        ("PUT", "/a/x", {}, 405),
        ("POST", "/a/x", {"Content-Type": "text/plain"}, 415),
        ("GET", "/a/x", {"Accept": "text/*"}, 406),
    ],
)
def test_curly_router_error_order(method: str, path: str, headers: dict[str, str], code: int) -> None:
    ws = WebService().Path("/a").Consumes("application/json").Produces("application/json")
    ws.Route(ws.GET("/x").To(_noop))
    ws.Route(ws.POST("/x").To(_noop))
    with pytest.raises(RoutingError) as caught:
        CurlyRouter().select_route([ws], Request.new(method, path, headers))
    assert caught.value.error.code == code


def test_container_answers_service_errors_as_plain_text() -> None:
    ws = WebService().Path("/a")
    ws.Route(ws.GET("/x").To(_noop))
    response = _container(ws).serve_http(Request.new("DELETE", "/a/x"))
    assert (response.status, response.body) == (405, b"405: Method Not Allowed")


def test_servemux_redirects_unclean_paths() -> None:
    ws = WebService().Path("/a")
    ws.Route(ws.GET("/x").To(_noop))
    response = _container(ws).serve_http(Request.new("GET", "/a/./b/../x?q=1"))
    assert response.status == 301
    assert response.headers.get("Location") == "/a/x?q=1"


def test_route_builder_reads_adds_required_body_parameter() -> None:
    builder = RouteBuilder("/api", "POST", "/pods").To(_noop).Reads("v1.Pod")
    assert [(p.name, p.kind, p.data_type, p.required) for p in builder.parameters] == [("body", "body", "v1.Pod", True)]


def test_a_vector_whose_services_end_the_program_replays() -> None:
    """Two web services at one root: go-restful logs and exits; the vector records that line (live parity)."""
    services = [{"root_path": "/a", "routes": [{"method": "GET", "sub_path": "/x"}]},
                {"root_path": "/a", "routes": [{"method": "GET", "sub_path": "/y"}]}]
    fatal = "[restful] WebService with duplicate root path detected:['&{/a 0xc000010000 ...}']"
    vector = {"inputs": {"request": {"method": "GET", "path": "/a/x"}}, "outputs": {"fatal": fatal}}
    [outcome] = runner.run({"web_services": services, "vectors": [vector]})
    assert outcome.passed
    other = {**vector, "outputs": {"fatal": "[restful] something else"}}
    assert not runner.run({"web_services": services, "vectors": [other]})[0].passed
    served = {**vector, "outputs": {"url_path": "/a/x"}}  # the Go served it: the model's exit disagrees
    assert not runner.run({"web_services": services, "vectors": [served]})[0].passed
