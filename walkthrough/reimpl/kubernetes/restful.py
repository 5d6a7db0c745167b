"""go-restful at 89ef8af (as vendored by Kubernetes v1.5.2): container, web services, routes, curly router.

The apiserver hands every request to a go-restful `Container`. The container sits on a Go
`net/http.ServeMux`; each `WebService` registers its fixed root prefix there, and the container's
`dispatch` asks a router (Kubernetes uses `CurlyRouter`) which service and route fit the request.
The router answers with a route or with one of four errors, in this order of checks:
404 (no service or no route matches the path), 405 (no route with that method),
415 (no route consumes the Content-Type), 406 (no route produces what Accept asks for).

Two things here come from Go's standard library rather than go-restful, and are modelled as
Go 1.19 behaves (that is what the golden vectors were recorded with; Kubernetes v1.5.2 was built
with Go 1.7, whose ServeMux behaves the same for these cases): the ServeMux's path cleaning with
its `301 Moved Permanently` redirect and pattern matching (`ServeMux`), and the unanchored RE2 match
of `{name:regexp}` path parameters, approximated by Python's `re.search` (the two syntaxes agree for
the character classes and counted repetitions route templates use).

Run `python -m walkthrough.reimpl.kubernetes.restful` to watch requests being routed.

Proven against the real Go (`walkthrough parity --live --model restful`): route selection and the
container's answers (404/405/406/415, 301 path cleaning, path parameters, media type defaults and
overrides, duplicate root paths and duplicate mux patterns ending the program) for generated services
and requests. Still simplified: a template whose `{name:regexp}` is not valid RE2 makes go-restful log
Go's regexp error and exit, which the model does not reproduce (it compiles with Python's `re`); the
request is given as a path, so what net/url refuses (`%zz`) never reaches it; filters, CORS, content
encoding and the swagger service are not modelled, and RouterJSR311 only as far as the curly router
uses it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, unquote

from walkthrough.errors import WalkthroughError
from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes._go import GoPanic

MIME_JSON = "application/json"
MIME_OCTET = "application/octet-stream"

# Go's net/http status texts for the codes this model writes.
STATUS_TEXT = {
    200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    406: "Not Acceptable", 409: "Conflict", 415: "Unsupported Media Type", 422: "Unprocessable Entity",
    500: "Internal Server Error", 504: "Gateway Timeout",
}


class RestfulFatal(WalkthroughError):
    """Where go-restful logs and calls `os.Exit(1)` (a route without a function, a duplicate root path)."""


def go_json(value: Any) -> str:
    """Encode like Go's `encoding/json.Marshal` of maps: sorted keys, no spaces, `<>&` escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


# --- requests and responses -------------------------------------------------------------------------


def go_escape_path(path: str) -> str:
    """Go's `url.PathEscape`-style escaping of a URL path (`escape(path, encodePath)`)."""
    return quote(path, safe="$&+,/:;=@")


class Headers(dict[str, str]):
    """HTTP headers with Go's canonical, case-insensitive keys (`content-type` -> `Content-Type`)."""

    @staticmethod
    def canonical(key: str) -> str:
        return "-".join(part[:1].upper() + part[1:].lower() for part in key.split("-"))

    def __init__(self, items: dict[str, str] | None = None) -> None:
        super().__init__()
        for key, value in (items or {}).items():
            self[key] = value

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(self.canonical(key), value)

    def get(self, key: str, default: str = "") -> str:  # type: ignore[override]
        return super().get(self.canonical(key), default)


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Request")
@dataclass
class Request:
    """The parts of Go's `*http.Request` the router and handlers read.

    `path` is the decoded `URL.Path` (what the router sees); `raw_path` keeps the escaped form when
    it differs, as Go's `URL.RawPath` does. `path_parameters` is filled by the selected route.
    """

    method: str
    path: str
    raw_query: str = ""
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    raw_path: str = ""
    path_parameters: dict[str, str] = field(default_factory=dict)
    selected_route_path: str = ""
    context: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def new(cls, method: str, target: str, headers: dict[str, str] | None = None, body: bytes = b"") -> Request:
        """Like `http.NewRequest(method, "http://example.com"+target, body)`: split the query, decode the path."""
        target = target.split("#", 1)[0]
        path, _, query = target.partition("?")
        decoded = unquote(path, errors="strict")
        raw = path if go_escape_path(decoded) != path else ""
        return cls(method, decoded, query, Headers(headers), body, raw_path=raw)

    def query(self) -> dict[str, list[str]]:
        """`URL.Query()`: every value of every key, blank values kept."""
        return parse_qs(self.raw_query, keep_blank_values=True)

    def query_parameter(self, name: str) -> str:
        values = self.query().get(name)
        return values[0] if values else ""

    def path_parameter(self, name: str) -> str:
        return self.path_parameters.get(name, "")

    def escaped_path(self) -> str:
        """`URL.EscapedPath()`: the raw form when the client sent one, else Go's escaping of the path."""
        return self.raw_path or go_escape_path(self.path)


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Response")
@dataclass
class Response:
    """A recorded answer, like Go's `httptest.ResponseRecorder`."""

    status: int = 0
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    # Set by a live server for streamed answers (watch): sends what was written so far, False
    # when the client has gone away.
    flush: Callable[[], bool] | None = None

    def write_header(self, status: int) -> None:
        if not self.status:
            self.status = status

    def write(self, data: bytes | str) -> None:
        if not self.status:
            self.status = 200
        self.body += data.encode() if isinstance(data, str) else data

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Response.WriteErrorString")
    def write_error_string(self, status: int, reason: str) -> None:
        """Status line, then the reason as the whole body: the 404/405/406/415 bodies come from here."""
        self.write_header(status)
        self.write(reason)


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.ServiceError")
@dataclass
class ServiceError(Exception):
    """A routing failure: an HTTP status code and the message go-restful writes as the body."""

    code: int
    message: str

    def __str__(self) -> str:
        return f"[ServiceError:{self.code}] {self.message}"


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.NewError")
def new_error(code: int, message: str) -> ServiceError:
    return ServiceError(code, message)


# --- parameters, routes and their builder ----------------------------------------------------------

PATH, QUERY, BODY, HEADER, FORM = "path", "query", "body", "header", "form"


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Parameter",
         "kubernetes:vendor/github.com/emicklei/go-restful.ParameterData")
@dataclass
class Parameter:
    """Documentation of one route parameter (go-restful uses it for swagger, never for matching)."""

    name: str
    kind: str
    data_type: str = ""
    required: bool = False
    description: str = ""

    def DataType(self, type_name: str) -> Parameter:
        self.data_type = type_name
        return self


RouteFunction = Callable[[Request, Response], None]


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.tokenizePath")
def tokenize_path(path: str) -> list[str]:
    """Split on '/', ignoring slashes at both ends; the root path has no tokens at all."""
    if path == "/":
        return []
    return path.strip("/").split("/")


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.concatPath")
def concat_path(path1: str, path2: str) -> str:
    """Join root and sub-path with exactly one slash: '/api/v1/' + 'pods' -> '/api/v1/pods'."""
    return path1.rstrip("/") + "/" + path2.lstrip("/")


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Route")
@dataclass
class Route:
    """A built route. `path` is the full path (root + sub-path); matching uses its tokens."""

    method: str
    path: str
    produces: list[str]
    consumes: list[str]
    function: RouteFunction
    relative_path: str = ""
    doc: str = ""
    operation: str = ""
    parameter_docs: list[Parameter] = field(default_factory=list)
    read_sample: Any = None
    write_sample: Any = None
    path_parts: list[str] = field(default_factory=list)

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Route.postBuild")
    def post_build(self) -> None:
        self.path_parts = tokenize_path(self.path)

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Route.matchesAccept")
    def matches_accept(self, mime_types_with_quality: str) -> bool:
        """Exact media types only: `application/*` or `text/*` never match, `*/*` always does."""
        for each in mime_types_with_quality.split(","):
            without_quality = each.split(";")[0].strip(" ")
            if without_quality == "*/*":
                return True
            if any(p in {"*/*", without_quality} for p in self.produces):
                return True
        return False

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Route.matchesContentType")
    def matches_content_type(self, mime_types: str) -> bool:
        """No Content-Type passes for bodiless methods; for the others it counts as octet-stream."""
        if not self.consumes:
            return True
        if not mime_types:
            if self.method in ("GET", "HEAD", "OPTIONS", "DELETE", "TRACE"):
                return True
            mime_types = MIME_OCTET
        for each in mime_types.split(","):
            content_type = each.split(";")[0].strip(" ")
            if any(c in {"*/*", content_type} for c in self.consumes):
                return True
        return False

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Route.extractParameters")
    def extract_parameters(self, url_path: str) -> dict[str, str]:
        """Pair route tokens with request tokens; a `{name:*}` token takes the rest of the path."""
        url_parts = tokenize_path(url_path)
        params: dict[str, str] = {}
        for i, key in enumerate(self.path_parts):
            value = url_parts[i] if i < len(url_parts) else ""
            if key.startswith("{"):
                colon = key.find(":")
                if colon != -1:
                    if key[colon + 1:-1] == "*":
                        params[key[1:colon]] = "/".join(url_parts[i:])
                        break
                    params[key[1:colon]] = value
                else:
                    params[key[1:-1]] = value
        return params

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.RouteBuilder")
class RouteBuilder:
    """Fluent construction of a route; `WebService.route` copies the service defaults into it."""

    def __init__(self, root_path: str = "", method: str = "", sub_path: str = "") -> None:
        self.root_path = root_path
        self.current_path = sub_path
        self.http_method = method
        self.produces: list[str] = []
        self.consumes: list[str] = []
        self.function: RouteFunction | None = None
        self.doc = ""
        self.operation = ""
        self.parameters: list[Parameter] = []
        self.read_sample: Any = None
        self.write_sample: Any = None

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.RouteBuilder.To")
    def To(self, function: RouteFunction) -> RouteBuilder:
        self.function = function
        return self

    def Method(self, method: str) -> RouteBuilder:
        self.http_method = method
        return self

    def Path(self, sub_path: str) -> RouteBuilder:
        self.current_path = sub_path
        return self

    def Produces(self, *mime_types: str) -> RouteBuilder:
        self.produces = list(mime_types)
        return self

    def Consumes(self, *mime_types: str) -> RouteBuilder:
        self.consumes = list(mime_types)
        return self

    def Doc(self, documentation: str) -> RouteBuilder:
        self.doc = documentation
        return self

    def Operation(self, name: str) -> RouteBuilder:
        self.operation = name
        return self

    def Param(self, parameter: Parameter) -> RouteBuilder:
        self.parameters.append(parameter)
        return self

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.RouteBuilder.Reads")
    def Reads(self, type_name: str) -> RouteBuilder:
        """Adds the required `body` parameter typed with the sample's Go type name (e.g. `v1.Pod`)."""
        self.read_sample = type_name
        return self.Param(Parameter("body", BODY, type_name, required=True))

    def Writes(self, sample: Any) -> RouteBuilder:
        self.write_sample = sample
        return self

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.RouteBuilder.copyDefaults")
    def copy_defaults(self, root_produces: list[str], root_consumes: list[str]) -> None:
        """Route-level produces/consumes win; only empty ones take the web service's."""
        if not self.produces:
            self.produces = list(root_produces)
        if not self.consumes:
            self.consumes = list(root_consumes)

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.RouteBuilder.Build")
    def Build(self) -> Route:
        if self.function is None:
            raise RestfulFatal(f"[restful] No function specified for route:{self.current_path}",
                               hint="give the route a handler with .To(function) before adding it")
        route = Route(
            method=self.http_method,
            path=concat_path(self.root_path, self.current_path),
            produces=self.produces,
            consumes=self.consumes,
            function=self.function,
            relative_path=self.current_path,
            doc=self.doc,
            operation=self.operation or getattr(self.function, "__name__", ""),
            parameter_docs=self.parameters,
            read_sample=self.read_sample,
            write_sample=self.write_sample,
        )
        route.post_build()
        return route


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.pathExpression")
@dataclass(frozen=True)
class PathExpression:
    """The compiled root path of a web service; the curly router only uses its tokens."""

    source: str
    tokens: tuple[str, ...]


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.WebService")
class WebService:
    """A root path with default produces/consumes and an ordered list of routes."""

    def __init__(self) -> None:
        self.root_path = ""
        self.path_expr = PathExpression("", ())
        self.routes: list[Route] = []
        self.produces: list[str] = []
        self.consumes: list[str] = []
        self.documentation = ""
        self.api_version = ""

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.WebService.Path")
    def Path(self, root: str) -> WebService:
        self.root_path = root or "/"
        self.path_expr = PathExpression(self.root_path, tuple(tokenize_path(self.root_path)))
        return self

    def Produces(self, *content_types: str) -> WebService:
        self.produces = list(content_types)
        return self

    def Consumes(self, *accepts: str) -> WebService:
        self.consumes = list(accepts)
        return self

    def Doc(self, text: str) -> WebService:
        self.documentation = text
        return self

    def ApiVersion(self, version: str) -> WebService:
        self.api_version = version
        return self

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.WebService.Route")
    def Route(self, builder: RouteBuilder) -> WebService:
        builder.copy_defaults(self.produces, self.consumes)
        self.routes.append(builder.Build())
        return self

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.WebService.Method")
    def Method(self, http_method: str) -> RouteBuilder:
        return RouteBuilder(self.root_path, http_method)

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.WebService.GET")
    def GET(self, sub_path: str) -> RouteBuilder:
        return RouteBuilder(self.root_path, "GET", sub_path)

    def POST(self, sub_path: str) -> RouteBuilder:
        return RouteBuilder(self.root_path, "POST", sub_path)

    def PUT(self, sub_path: str) -> RouteBuilder:
        return RouteBuilder(self.root_path, "PUT", sub_path)

    def PATCH(self, sub_path: str) -> RouteBuilder:
        return RouteBuilder(self.root_path, "PATCH", sub_path)

    def DELETE(self, sub_path: str) -> RouteBuilder:
        return RouteBuilder(self.root_path, "DELETE", sub_path)

    def HEAD(self, sub_path: str) -> RouteBuilder:
        return RouteBuilder(self.root_path, "HEAD", sub_path)

    def OPTIONS(self, sub_path: str) -> RouteBuilder:
        return RouteBuilder(self.root_path, "OPTIONS", sub_path)

    @staticmethod
    def PathParameter(name: str, description: str) -> Parameter:
        """Path parameters are required and typed string by default."""
        return Parameter(name, PATH, "string", required=True, description=description)

    @staticmethod
    def QueryParameter(name: str, description: str) -> Parameter:
        return Parameter(name, QUERY, "string", required=False, description=description)


# --- the curly router ------------------------------------------------------------------------------


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.curlyRoute")
@dataclass
class CurlyRoute:
    """A candidate route with its score: static tokens first, then parameters, then path text."""

    route: Route
    param_count: int
    static_count: int

    def sort_key(self) -> tuple[int, int, str]:
        return (self.static_count, self.param_count, self.route.path)


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.CurlyRouter")
class CurlyRouter:
    """Routes by path tokens: best web service by a weighted prefix score, then best route."""

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.CurlyRouter.SelectRoute")
    def select_route(self, web_services: list[WebService], request: Request) -> tuple[WebService | None, Route]:
        """Return (service, route) or raise `ServiceError`; the error's `web_service` names the service found."""
        request_tokens = tokenize_path(request.path)
        detected = self.detect_web_service(request_tokens, web_services)
        if detected is None:
            raise RoutingError(None, new_error(404, "404: Page Not Found"))
        candidates = self.select_routes(detected, request_tokens)
        if not candidates:
            raise RoutingError(detected, new_error(404, "404: Page Not Found"))
        try:
            return detected, RouterJSR311().detect_route([c.route for c in candidates], request)
        except ServiceError as err:
            raise RoutingError(detected, err) from None

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.CurlyRouter.selectRoutes")
    def select_routes(self, ws: WebService, request_tokens: list[str]) -> list[CurlyRoute]:
        """Every route whose tokens match, best first (Go's sort.Reverse; stable for these small sets)."""
        candidates = []
        for each in ws.routes:
            matches, param_count, static_count = self.matches_route_by_path_tokens(each.path_parts, request_tokens)
            if matches:
                candidates.append(CurlyRoute(each, param_count, static_count))
        # Go sorts with sort.Sort(sort.Reverse(...)), which is not stable; for up to 12 candidates it
        # is an insertion sort, so equal keys keep their registration order. We sort stably, which
        # agrees with Go there; for larger sets Go's order of ties is an accident we do not copy.
        return sorted(candidates, key=CurlyRoute.sort_key, reverse=True)

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.CurlyRouter.matchesRouteByPathTokens")
    def matches_route_by_path_tokens(self, route_tokens: list[str], request_tokens: list[str]) -> tuple[bool, int, int]:
        # a longer request path only matches when the last route token is a wildcard
        if len(route_tokens) < len(request_tokens) and (not route_tokens or not route_tokens[-1].endswith("*}")):
            return False, 0, 0
        param_count = static_count = 0
        for i, route_token in enumerate(route_tokens):
            if i == len(request_tokens):
                return False, 0, 0  # the request path ended first
            request_token = request_tokens[i]
            if route_token.startswith("{"):
                param_count += 1
                colon = route_token.find(":")
                if colon != -1:
                    matches_token, matches_remainder = self.regular_matches_path_token(
                        route_token, colon, request_token
                    )
                    if not matches_token:
                        return False, 0, 0
                    if matches_remainder:
                        break
            else:
                if request_token != route_token:
                    return False, 0, 0
                static_count += 1
        return True, param_count, static_count

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.CurlyRouter.regularMatchesPathToken")
    def regular_matches_path_token(self, route_token: str, colon: int, request_token: str) -> tuple[bool, bool]:
        """`*` matches the remainder; anything else is an unanchored regexp search (Go's MatchString)."""
        reg_part = route_token[colon + 1:-1]
        if reg_part == "*":
            return True, True
        try:
            return re.search(reg_part, request_token) is not None, False
        except re.error:
            return False, False  # Go: a compile error counts as no match

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.CurlyRouter.detectWebService")
    def detect_web_service(self, request_tokens: list[str], web_services: list[WebService]) -> WebService | None:
        """Highest score wins; on a tie the service registered first stays."""
        best, score = None, -1
        for each in web_services:
            matches, each_score = self.compute_webservice_score(request_tokens, list(each.path_expr.tokens))
            if matches and each_score > score:
                best, score = each, each_score
        return best

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.CurlyRouter.computeWebserviceScore")
    def compute_webservice_score(self, request_tokens: list[str], tokens: list[str]) -> tuple[bool, int]:
        """Static tokens weigh (remaining length * 10), parameters weigh 1: early literal matches dominate."""
        if len(tokens) > len(request_tokens):
            return False, 0
        score = 0
        for i, other in enumerate(tokens):
            each = request_tokens[i]
            if not each and not other:
                score += 1
                continue
            if other.startswith("{"):
                if not each:
                    return False, score
                score += 1
            else:
                if each != other:
                    return False, score
                score += (len(tokens) - i) * 10
        return True, score


@dataclass
class RoutingError(Exception):
    """A `ServiceError` together with the web service that was detected before it (None for none)."""

    web_service: WebService | None
    error: ServiceError


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.RouterJSR311")
class RouterJSR311:
    """Only its method / Content-Type / Accept filter is used by the curly router."""

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.RouterJSR311.detectRoute")
    def detect_route(self, routes: list[Route], request: Request) -> Route:
        """Filter by method (405), then Content-Type (415), then Accept (406); first survivor wins."""
        method_ok = [r for r in routes if r.method == request.method]
        if not method_ok:
            raise new_error(405, "405: Method Not Allowed")
        content_type = request.headers.get("Content-Type")
        input_media_ok = [r for r in method_ok if r.matches_content_type(content_type)]
        if not input_media_ok:
            raise new_error(415, "415: Unsupported Media Type")
        accept = request.headers.get("Accept") or "*/*"
        output_media_ok = [r for r in input_media_ok if r.matches_accept(accept)]
        if not output_media_ok:
            raise new_error(406, "406: Not Acceptable")
        return output_media_ok[0]


# --- Go's net/http.ServeMux (Go 1.19 behaviour) ----------------------------------------------------


def go_path_clean(path: str) -> str:
    """Go's `path.Clean` for rooted paths: collapse '//', drop '.', resolve '..'."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def clean_path(p: str) -> str:
    """net/http `cleanPath`: Go's Clean, keeping a trailing slash."""
    if not p:
        return "/"
    if p[0] != "/":
        p = "/" + p
    np = go_path_clean(p)
    if p.endswith("/") and np != "/":
        np += "/"
    return np


class ServeMux:
    """Exact patterns, then the longest '/'-ending prefix pattern; a non-clean path is redirected (301)."""

    def __init__(self) -> None:
        self.handlers: dict[str, Callable[[Request, Response], None]] = {}

    def handle_func(self, pattern: str, handler: Callable[[Request, Response], None]) -> None:
        if pattern in self.handlers:
            raise RestfulFatal(f"http: multiple registrations for {pattern}")
        self.handlers[pattern] = handler

    def match(self, path: str) -> Callable[[Request, Response], None] | None:
        if path in self.handlers:
            return self.handlers[path]
        prefixes = sorted((p for p in self.handlers if p.endswith("/")), key=len, reverse=True)
        for pattern in prefixes:
            if path.startswith(pattern):
                return self.handlers[pattern]
        return None

    def serve_http(self, request: Request, response: Response) -> None:
        path = clean_path(request.path)
        if path not in self.handlers and path + "/" in self.handlers and not path.endswith("/"):
            query = f"?{request.raw_query}" if request.raw_query else ""
            return redirect(request, response, go_escape_path(path + "/") + query)
        if path != request.path:
            query = f"?{request.raw_query}" if request.raw_query else ""
            return redirect(request, response, go_escape_path(path) + query)
        handler = self.match(request.path)
        if handler is None:
            response.headers["Content-Type"] = "text/plain; charset=utf-8"
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.write_header(404)
            response.write("404 page not found\n")
            return None
        return handler(request, response)


def redirect(request: Request, response: Response, url: str) -> None:
    """net/http `Redirect` with 301: Location header and, for GET, a one-line HTML body."""
    response.headers["Location"] = url
    if request.method in ("GET", "HEAD"):
        response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.write_header(301)
    if request.method == "GET":
        escaped = (url.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
                   .replace("'", "&#39;"))
        response.write(f'<a href="{escaped}">Moved Permanently</a>.\n\n')


# --- the container ---------------------------------------------------------------------------------


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.fixedPrefixPath")
def fixed_prefix_path(pathspec: str) -> str:
    """The root path up to its first '{': what can be registered on a ServeMux."""
    var_begin = pathspec.find("{")
    return pathspec if var_begin == -1 else pathspec[:var_begin]


ServiceErrorHandler = Callable[[ServiceError, Request, Response], None]


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.writeServiceError")
def write_service_error(err: ServiceError, request: Request, response: Response) -> None:
    response.write_error_string(err.code, err.message)


class ProcessCrash(BaseException):
    """A panic nothing recovers: the Go process exits (a BaseException, so no model code catches it)."""


def log_stack_on_recover(reason: GoPanic, response: Response) -> None:
    """go-restful's default recover handler: a 500 with the panic in the body."""
    response.write_header(500)
    response.write(f"[restful] recover from panic situation: - {reason}\r\n")


@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Container")
class Container:
    """Web services on a ServeMux; `dispatch` routes each request to one route function."""

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.NewContainer")
    def __init__(self, serve_mux: ServeMux | None = None, router: CurlyRouter | None = None) -> None:
        self.web_services: list[WebService] = []
        self.serve_mux = serve_mux or ServeMux()
        self.is_registered_on_root = False
        # go-restful's default is RouterJSR311; Kubernetes always installs the curly router,
        # which is the only one modelled in full here.
        self.router = router or CurlyRouter()
        self.service_error_handler: ServiceErrorHandler = write_service_error
        self.recover_handler: Callable[[GoPanic, Response], None] = log_stack_on_recover
        self.filters: list[Callable[[Request, Response, Callable[[Request, Response], None]], None]] = []

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Container.Add")
    def add(self, service: WebService) -> Container:
        if not service.root_path:
            service.Path("/")
        for each in self.web_services:
            if each.root_path == service.root_path:
                raise RestfulFatal(f"[restful] WebService with duplicate root path detected:['{each.root_path}']",
                                   hint="every web service needs its own root path")
        if not self.is_registered_on_root:
            self.is_registered_on_root = self.add_handler(service, self.serve_mux)
        self.web_services.append(service)
        return self

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Container.addHandler")
    def add_handler(self, service: WebService, serve_mux: ServeMux) -> bool:
        """Register the dispatcher for the fixed prefix (and prefix + '/'); True if it took the catch-all."""
        pattern = fixed_prefix_path(service.root_path)
        if pattern in ("/", ""):
            serve_mux.handle_func("/", self.dispatch)
            return True
        already_mapped = any(each.root_path == service.root_path for each in self.web_services)
        if not already_mapped:
            serve_mux.handle_func(pattern, self.dispatch)
            if not pattern.endswith("/"):
                serve_mux.handle_func(pattern + "/", self.dispatch)
        return False

    def registered_web_services(self) -> list[WebService]:
        return list(self.web_services)

    def filter(self, f: Callable[[Request, Response, Callable[[Request, Response], None]], None]) -> None:
        """A container filter runs before every route (and before error answers), in order."""
        self.filters.append(f)

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Container.dispatch")
    def dispatch(self, request: Request, response: Response) -> None:
        try:
            _, route = self.router.select_route(self.web_services, request)
        except RoutingError as failure:
            error = failure.error
            self._chain(request, response, lambda q, s: self.service_error_handler(error, q, s))
            return
        request.path_parameters = route.extract_parameters(request.path)
        request.selected_route_path = route.path
        try:
            self._chain(request, response, route.function)
        except GoPanic as panic:  # the container recovers, unless DoNotRecover (never set by Kubernetes)
            self.recover_handler(panic, response)

    def _chain(self, request: Request, response: Response, target: Callable[[Request, Response], None]) -> None:
        def run(index: int, q: Request, s: Response) -> None:
            if index == len(self.filters):
                target(q, s)
            else:
                self.filters[index](q, s, lambda q2, s2: run(index + 1, q2, s2))

        run(0, request, response)

    @mirrors("kubernetes:vendor/github.com/emicklei/go-restful.Container.ServeHTTP")
    def serve_http(self, request: Request, response: Response | None = None) -> Response:
        """Everything goes through the ServeMux first, as in Go."""
        response = response or Response()
        self.serve_mux.serve_http(request, response)
        return response


def _demo() -> None:
    def echo(req: Request, resp: Response) -> None:
        resp.write(go_json({"route": req.selected_route_path, "params": req.path_parameters}))

    ws = WebService().Path("/api/v1").Consumes("*/*").Produces(MIME_JSON)
    ws.Route(ws.GET("/namespaces/{namespace}/pods").To(echo))
    ws.Route(ws.GET("/namespaces/{namespace}/pods/{name}").To(echo))
    ws.Route(ws.GET("/namespaces/{namespace}/pods/status").To(echo))
    ws.Route(ws.PATCH("/namespaces/{namespace}/pods/{name}").Consumes("application/merge-patch+json").To(echo))
    ws.Route(ws.GET("/proxy/nodes/{name}/{path:*}").To(echo))
    container = Container()
    container.add(ws)
    print("web service /api/v1 with routes:")
    for r in ws.routes:
        print(f"  {r.method:6} {r.path:45} consumes={r.consumes} produces={r.produces}")
    print("\nrequests (the curly router prefers more static tokens, then more parameters):")
    for method, path, headers in [
        ("GET", "/api/v1/namespaces/default/pods/status", {}),
        ("GET", "/api/v1/namespaces/default/pods/web-1", {}),
        ("GET", "/api/v1/proxy/nodes/n1/stats/summary", {}),
        ("PUT", "/api/v1/namespaces/default/pods/web-1", {}),
        ("PATCH", "/api/v1/namespaces/default/pods/web-1", {"Content-Type": "application/json"}),
        ("GET", "/api/v1/namespaces/default/pods", {"Accept": "application/yaml"}),
        ("GET", "/api/v2/pods", {}),
        ("GET", "//api/v1/namespaces/default/pods", {}),
    ]:
        resp = container.serve_http(Request.new(method, path, headers))
        sent = "".join(f" ({name}: {value})" for name, value in headers.items())
        print(f"  {method:6} {path}{sent}")
        if resp.status == 200:
            echoed = json.loads(resp.body)
            print(f"         200, route {echoed['route']}, parameters {go_json(echoed['params'])}")
        else:
            where = f", Location {resp.headers.get('Location')}" if resp.status == 301 else ""
            print(f"         {resp.status}{where}, body {json.dumps(resp.body.decode().strip())}")


if __name__ == "__main__":
    _demo()
