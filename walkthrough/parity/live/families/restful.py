"""go-restful's curly router and container (the version Kubernetes v1.5.2 vendors).

A request declares web services (root paths, default and per-route Consumes/Produces, routes with
static, `{param}`, `{param:regexp}` and `{path:*}` templates) and one HTTP request (method, path with
doubled, dot and trailing slashes, escapes and queries, Accept and Content-Type); the answer is what
`f-restful-curly.json` records: the path the router saw, `CurlyRouter.SelectRoute`'s choice or error,
and what `Container.ServeHTTP` answered behind net/http's ServeMux. Where go-restful ends the program
(a duplicate root path: log and `os.Exit(1)`) or net/http panics (two services registering one mux
pattern), the answer is `{"fatal": message}`; Go prints the WebService struct with its pointers in the
duplicate-root message, so only the text before it is compared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walkthrough.parity import restful as golden
from walkthrough.parity.live import LiveFamily
from walkthrough.reimpl.kubernetes.restful import RestfulFatal

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

ROOTS = ["/api/v1", "/apis/extensions/v1beta1", "/apis", "/", "", "/a", "/a/b", "/a/{x}", "/version", "/api"]
TEMPLATES = ["", "/", "/namespaces/{namespace}/pods", "/namespaces/{namespace}/pods/{name}", "/pods/{name}",
             "/{name}", "/{name}/status", "/proxy/{path:*}", "/items/{id:[0-9]+}", "/x/{a}/{b}", "/watch/{x}",
             "/namespaces/{namespace}/pods/status", "/nodes/{name}", "/b", "/a/b/c", "/{a}/{b}/{c}",
             "/{x:a|b}", "/v{n:[0-9]}", "/{n:\\d+}/x", "/{any:.*}", "/files/{f:[a-z]+\\.txt}"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
MIMES = ["application/json", "application/yaml", "text/plain", "*/*", "application/vnd.kubernetes.protobuf",
         "application/json-patch+json", "application/xml"]
SEGMENTS = ["api", "v1", "apis", "extensions", "v1beta1", "namespaces", "default", "pods", "p1", "status", "proxy",
            "nodes", "watch", "items", "42", "x", "a", "b", "c", "version", "", ".", "..", "%2F", "a%20b", "Pods",
            "v1", "7", "f.txt", "a b", "\u00e9"]
ACCEPTS = ["", "", "application/json", "application/xml", "*/*", "text/plain", "text/*",
           "application/json;q=0.5, text/plain", "application/yaml, application/json"]
CONTENT_TYPES = ["", "", "application/json", "text/plain", "application/json; charset=utf-8", "application/xml"]


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


def _with_mimes(base: dict[str, Any], mimes: tuple[list[str] | None, list[str] | None]) -> dict[str, Any]:
    """`base` with Consumes and Produces where given."""
    consumes, produces = mimes
    return {**base, **({"consumes": consumes} if consumes else {}), **({"produces": produces} if produces else {})}


def _mime_pairs() -> list[tuple[list[str] | None, list[str] | None]]:
    """(consumes, produces) overrides, none most often: one draw picks a pair."""
    lists: list[list[str] | None] = [None, None, None, *([m] for m in MIMES), ["application/json", "text/plain"]]
    return [(c, p) for c in lists for p in lists]


def web_services() -> SearchStrategy[list[dict[str, Any]]]:
    """One to three services, mostly with distinct roots (sometimes a root twice), each with up to six routes.

    A route is two draws (method and template, media types) from precomputed tables: hypothesis's cost
    is per draw.
    """
    st = _st()
    mimes = st.sampled_from(_mime_pairs())
    route = st.builds(lambda mt, m: _with_mimes({"method": mt[0], "sub_path": mt[1]}, m),
                      st.sampled_from([(m, t) for t in TEMPLATES for m in METHODS]), mimes)
    service = st.builds(lambda root, routes, m: _with_mimes({"root_path": root, "routes": routes}, m),
                        st.sampled_from(ROOTS), st.lists(route, max_size=6), mimes)
    distinct = st.lists(service, min_size=1, max_size=3, unique_by=lambda s: s["root_path"] or "/")
    # Each duplicate root ends the harness process (os.Exit), which then restarts: one case in ten.
    return st.one_of(*[distinct] * 9, st.lists(service, min_size=2, max_size=2))


def paths() -> SearchStrategy[str]:
    """Request paths from the segments of the routes, with odd slashes, escapes and queries."""
    st = _st()
    joined = st.lists(st.sampled_from(SEGMENTS), max_size=6).map("/".join)
    ends = [(lead, trail, query)
            for lead in ("/", "//") for trail in ("", "/") for query in ("", "?pretty=1", "?a=%zz")]
    return st.builds(lambda end, body: end[0] + body + end[1] + end[2], st.sampled_from(ends), joined)


def requests() -> SearchStrategy[dict[str, Any]]:
    """Services and one request to them."""
    st = _st()
    return st.fixed_dictionaries({
        "web_services": web_services(),
        "request": st.builds(
            lambda method, path, headers: {"method": method, "path": path, "accept": headers[0],
                                           "content_type": headers[1]},
            st.sampled_from(METHODS), paths(), st.sampled_from([(a, c) for a in ACCEPTS for c in CONTENT_TYPES])),
    })


def model(request: dict[str, Any]) -> Any:
    """The golden runner's answer: the container built from the services, the request through it."""
    try:
        container = golden.build_container(request["web_services"])
    except RestfulFatal as exc:
        return {"fatal": exc.message}
    spec = request["request"]
    routed = golden._request(spec)  # noqa: SLF001 - the runner's request builder, shared on purpose
    return {"url_path": routed.path,
            "select_route": golden.select_route(container, golden._request(spec)),  # noqa: SLF001
            "serve_http": golden.serve_http(container, golden._request(spec))}  # noqa: SLF001


def on_exit(code: int, stderr: str) -> Any:
    """go-restful logged and called os.Exit: the last line it logged is the answer."""
    lines = stderr.strip().splitlines()
    return {"fatal": lines[-1] if lines else f"exit status {code}"}


def vector(request: dict[str, Any], answer: Any) -> dict[str, Any]:
    """An f-restful-style vector file: the services at the top, the request as its one vector."""
    return {
        "meta": {"functions": "CurlyRouter.SelectRoute and Container.ServeHTTP, as in f-restful-curly.json "
                              "(live parity)",
                 "source": "github.com/emicklei/go-restful 89ef8af (vendored by Kubernetes v1.5.2)"},
        "web_services": request["web_services"],
        "vectors": [{"inputs": {"request": request["request"]}, "outputs": answer}],
    }


FAMILY = LiveFamily(
    name="restful",
    world="kubernetes",
    what="go-restful 89ef8af: Container with CurlyRouter, SelectRoute, ServeHTTP behind net/http's ServeMux",
    requests=requests,
    model=model,
    vector=vector,
    normalise=golden.normalise,
    on_exit=on_exit,
)
