"""Parity runner for go-restful curly-router vectors (`f-restful-curly.json` and files like it).

The file describes web services (root path, default consumes/produces, routes with optional
overrides) and requests; for each request it records what `CurlyRouter.SelectRoute` returned
(`select_route`), what `Container.ServeHTTP` answered (`serve_http`, behind Go's ServeMux), and
the decoded `URL.Path` the router saw (`url_path`). Route functions answer 200 with
`{"params", "route_method", "route_path"}` as the recording harness did.
"""

from __future__ import annotations

from typing import Any

from walkthrough.parity import Outcome
from walkthrough.reimpl.kubernetes.restful import (
    Container,
    CurlyRouter,
    Request,
    Response,
    RestfulFatal,
    RoutingError,
    WebService,
    go_json,
)


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `f-restful*.json`, or whose meta names the curly router."""
    if file_name.startswith("f-restful"):
        return True
    return "CurlyRouter" in str(meta.get("functions", ""))


def _echo(request: Request, response: Response) -> None:
    """The harness's route function: 200 with the route and its path parameters as JSON."""
    response.write_header(200)
    body = {"params": request.path_parameters, "route_method": request.method,
            "route_path": request.selected_route_path}
    response.write(go_json(body))


def build_container(web_services: list[dict[str, Any]]) -> Container:
    """Services and routes in file order; route-level media types override through copyDefaults."""
    container = Container(router=CurlyRouter())
    for spec in web_services:
        ws = WebService().Path(spec["root_path"])
        if spec.get("consumes"):
            ws.Consumes(*spec["consumes"])
        if spec.get("produces"):
            ws.Produces(*spec["produces"])
        for route in spec["routes"]:
            builder = ws.Method(route["method"]).Path(route["sub_path"]).To(_echo)
            if route.get("consumes"):
                builder.Consumes(*route["consumes"])
            if route.get("produces"):
                builder.Produces(*route["produces"])
            ws.Route(builder)
        container.add(ws)
    return container


def select_route(container: Container, request: Request) -> dict[str, Any]:
    """The vector's `select_route` shape: web service root plus route or error."""
    try:
        ws, route = container.router.select_route(container.registered_web_services(), request)
    except RoutingError as failure:
        out: dict[str, Any] = {"error_code": failure.error.code, "error_message": failure.error.message}
        out["web_service"] = failure.web_service.root_path if failure.web_service else None
        return out
    return {"route": f"{route.method} {route.path}", "web_service": ws.root_path if ws else None}


def serve_http(container: Container, request: Request) -> dict[str, Any]:
    """What the model's container answers to `request`, in the vector's form."""
    response = container.serve_http(request)
    out: dict[str, Any] = {"body": response.body.decode("utf-8", "replace"), "status": response.status}
    if response.headers.get("Location"):
        out["location"] = response.headers.get("Location")
    return out


def _request(spec: dict[str, Any]) -> Request:
    headers = {}
    if spec.get("accept"):
        headers["Accept"] = spec["accept"]
    if spec.get("content_type"):
        headers["Content-Type"] = spec["content_type"]
    return Request.new(spec["method"], spec["path"], headers)


def _compare(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    """Only the keys the vector records are compared (a `null` web service may be omitted)."""
    for key, value in expected.items():
        if actual.get(key) != value:
            return False
    return all(actual[k] is None for k in actual.keys() - expected.keys())


def normalise(answer: Any) -> Any:
    """A fatal duplicate-root message cut before Go's `['%v']` of the WebService (its pointers differ per run)."""
    if isinstance(answer, dict) and isinstance(answer.get("fatal"), str):
        return {"fatal": answer["fatal"].split(":['", 1)[0]}
    return answer


def run(data: dict[str, Any]) -> list[Outcome]:
    """Check every vector of a go-restful vector file (services that end the program: `{"fatal": ...}`)."""
    outcomes = []
    for index, vector in enumerate(data["vectors"]):
        spec = vector["inputs"]["request"]
        name = (
            f"vectors[{index}] {spec['method']} {spec['path']} accept={spec.get('accept', '')!r}"
            f" content-type={spec.get('content_type', '')!r}"
        )
        expected: dict[str, Any] = vector["outputs"]
        try:
            container = build_container(data["web_services"])
        except RestfulFatal as exc:  # go-restful logged and exited while the services were added
            fatal = {"fatal": exc.message}
            outcomes.append(Outcome(name, normalise(expected) == normalise(fatal), expected, fatal))
            continue
        try:
            request = _request(spec)
            actual: dict[str, Any] = {"url_path": request.path,
                      "select_route": select_route(container, _request(spec)),
                      "serve_http": serve_http(container, _request(spec))}
        except Exception as exc:  # noqa: BLE001 - a crash of the model is a failed vector, reported
            outcomes.append(Outcome(name, passed=False, expected=expected, detail=f"model raised {exc!r}"))
            continue
        passed = all(
            _compare(expected[k], actual[k]) if isinstance(expected[k], dict) else expected[k] == actual[k]
            for k in expected
        )
        outcomes.append(Outcome(name, passed, expected, {k: actual[k] for k in expected}))
    return outcomes
