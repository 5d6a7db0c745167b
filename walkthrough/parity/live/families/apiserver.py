"""The request path end to end: HTTP requests to v1.5.2's own apiserver stack and to the miniature apiserver.

The harness (`harness/apiserver/main.go`) serves Kubernetes v1.5.2's generic API server with the
legacy group installed by the real APIInstaller over the real registry Stores and strategies, with
token-file authentication, the ABAC policy or RBAC roles and ResourceQuota admission of
`walkthrough run kubernetes.apiserver`; the model is that miniature apiserver
(`walkthrough.reimpl.kubernetes.apiserver.build_server`), called in process. A request is a short
session on a fresh server of each side: a list of HTTP requests (create, get, list, update, the
three patch flavours, delete) with good and malformed bodies, wrong namespaces, names, kinds,
versions and tokens. The answer is each response's status code, content type and body.

Bodies are compared as JSON where they parse, after `normalise` replaces what no two servers share:
uids (numbered by first appearance), timestamps, and cluster IPs. Resource versions are compared as
they are: both sides count every write of the session from the same start.

Both servers draw cluster IPs and node ports at random (the Go seeds its allocator with the clock), so a
request naming one collides with an earlier draw on one side only by chance. Updates therefore name an IP
outside the service network (always refused as immutable); a create naming 10.0.0.50 or node port 30080
after a random draw in the same session still can, about once in tens of thousands of sessions: a
disagreement that goes away when the same seed is run again is that.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from walkthrough.parity import apiserver as golden
from walkthrough.parity.live import LiveFamily

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

TOKENS = ["admin-token", "admin-token", "admin-token", "dev-token", "view-token", None, "no-such-token"]
NAMESPACES = ["dev", "dev", "dev", "default", "other", ""]
NAMES = ["web", "web", "web", "db", "", "Web_1", "a.b"]
IMAGES = ["nginx", "nginx:1.11", "busybox:latest", "", " nginx", "nginx@sha256:" + "a" * 64]
CONTAINER_NAMES = ["web", "log", "web", "", "Log_2"]
RESOURCES = ["pods", "pods", "pods", "pods", "configmaps", "namespaces", "services", "services", "resourcequotas",
             "nodes"]
CLUSTER_SCOPED = {"namespaces", "nodes"}
KINDS = {"pods": "Pod", "configmaps": "ConfigMap", "namespaces": "Namespace", "services": "Service",
         "resourcequotas": "ResourceQuota", "nodes": "Node"}
PATCH_TYPES = ["application/merge-patch+json", "application/strategic-merge-patch+json",
               "application/json-patch+json", "application/merge-patch+json; charset=utf-8", "application/json",
               "text/plain"]
RESOURCE_VERSIONS = ["5", "6", "7", "8", "1", "x", ""]
QUANTITIES = ["100m", "0.5", "1", "64Mi", "1Gi", "-1", "2.5"]


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


def _maybe(strategy: SearchStrategy[Any], absent: float = 0.5) -> SearchStrategy[Any]:
    """The value, or (with about `absent` chance) the marker `None` for a key left out."""
    st = _st()
    return st.one_of(st.none(), strategy) if absent >= 0.5 else st.sampled_from([0, 1, 2, 3]).flatmap(  # noqa: PLR2004
        lambda n: st.none() if n == 0 else strategy)


def _object(st: Any, **fields: SearchStrategy[Any]) -> SearchStrategy[dict[str, Any]]:
    """A dict of the fields whose drawn value is not None."""
    return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not None})


def resources() -> SearchStrategy[dict[str, Any]]:
    """A container's requests and limits: cpu, memory, and a resource containers may not ask for."""
    st = _st()
    quantities = st.dictionaries(st.sampled_from(["cpu", "memory", "cpu", "storage"]), st.sampled_from(QUANTITIES),
                                 max_size=2)
    return _object(st, requests=_maybe(quantities), limits=_maybe(quantities, absent=0.7))


def containers(min_size: int = 0) -> SearchStrategy[list[dict[str, Any]]]:
    """Mostly the chapter's two containers; else up to three with names and images good and bad."""
    st = _st()
    container = _object(st, name=st.sampled_from(CONTAINER_NAMES), image=st.sampled_from(IMAGES),
                        imagePullPolicy=_maybe(st.sampled_from(["Always", "IfNotPresent", "Sometimes"]), absent=0.7),
                        resources=_maybe(resources(), absent=0.7),
                        command=_maybe(st.just(["sh", "-c", "sleep 1"]), absent=0.7))
    good = st.sampled_from([[{"name": "web", "image": "nginx:1.10"}, {"name": "log", "image": "busybox"}],
                            [{"name": "web", "image": "nginx"}]])
    return st.one_of(good, good, st.lists(container, min_size=min_size, max_size=3))


def metadata(resource: str, name: SearchStrategy[Any] | None = None) -> SearchStrategy[dict[str, Any]]:
    """Names, namespaces, labels, generated names, resource versions and finalizers, good and bad."""
    st = _st()
    return _object(
        st, name=name if name is not None else _maybe(st.sampled_from(NAMES), absent=0.8),
        namespace=_maybe(st.sampled_from(NAMESPACES)) if resource not in CLUSTER_SCOPED else st.none(),
        labels=_maybe(st.dictionaries(st.sampled_from(["app", "tier", "bad key"]), st.sampled_from(["web", "x", ""]),
                                      max_size=2)),
        generateName=_maybe(st.sampled_from(["web-", "Bad-"]), absent=0.8),
        resourceVersion=_maybe(st.sampled_from(RESOURCE_VERSIONS), absent=0.7),
        finalizers=_maybe(st.sampled_from([["example.com/hold"], ["bogus"]]), absent=0.9),
    )


def spec(resource: str) -> SearchStrategy[Any]:
    """The spec (or data) of a resource's object: mostly valid, sometimes not."""
    st = _st()
    if resource == "pods":
        return _object(st, containers=_maybe(containers(), absent=0.9),
                       nodeName=_maybe(st.sampled_from(["node-1", "Bad_Node"]), absent=0.8),
                       restartPolicy=_maybe(st.sampled_from(["Never", "Sometimes"]), absent=0.8),
                       activeDeadlineSeconds=_maybe(st.sampled_from([30, 0, 60]), absent=0.8),
                       terminationGracePeriodSeconds=_maybe(st.sampled_from([0, 10]), absent=0.8))
    if resource == "services":
        port = _object(st, port=st.sampled_from([80, 80, 443, 0]), name=_maybe(st.sampled_from(["http", "Bad"])),
                       nodePort=_maybe(st.sampled_from([30080, 30080, 20000]), absent=0.8),
                       protocol=_maybe(st.sampled_from(["UDP", "SCTP"]), absent=0.8),
                       targetPort=_maybe(st.sampled_from([8080, "http", "bad--name"]), absent=0.8))
        return _object(st, ports=_maybe(st.lists(port, max_size=2), absent=0.9),
                       type=_maybe(st.sampled_from(["NodePort", "NodePort", "ClusterIP", "Bogus"])),
                       clusterIP=_maybe(st.sampled_from(["None", "10.0.0.50", "10.0.0.50", "1.2.3.4", "x"]),
                                        absent=0.7),
                       selector=_maybe(st.just({"app": "web"}), absent=0.7),
                       sessionAffinity=_maybe(st.sampled_from(["ClientIP", "Sticky"]), absent=0.8))
    if resource == "resourcequotas":
        return _object(st, hard=_maybe(st.dictionaries(st.sampled_from(["pods", "cpu", "widgets", "memory"]),
                                                       st.sampled_from(["1", "2", "1.5", "-1", "10"]), max_size=2),
                                       absent=0.9),
                       scopes=_maybe(st.sampled_from([["BestEffort"], ["Bogus"]]), absent=0.9))
    if resource == "nodes":
        return _object(st, externalID=_maybe(st.just("ext-1"), absent=0.7),
                       podCIDR=_maybe(st.sampled_from(["10.1.0.0/24", "10.2.0.0/24"]), absent=0.7),
                       unschedulable=_maybe(st.booleans(), absent=0.7))
    if resource == "namespaces":
        return _object(st, finalizers=_maybe(st.sampled_from([["kubernetes"], ["example.com/x"], ["bogus"]]),
                                             absent=0.7))
    return st.none()


def body(resource: str, name: SearchStrategy[Any] | None = None) -> SearchStrategy[str]:
    """An object of the resource's kind (sometimes with a wrong kind or version), or malformed text."""
    st = _st()
    kind = KINDS[resource]
    other = "Service" if kind != "Service" else "Pod"
    obj = _object(
        st, apiVersion=_maybe(st.sampled_from(["v1", "v1", "v1", "v2", "extensions/v1beta1", "a/b/c"]), absent=0.3),
        kind=_maybe(st.sampled_from([kind, kind, kind, kind, other, "Status", "PodList", "Bogus"]), absent=0.3),
        metadata=_maybe(metadata(resource, name), absent=0.1),
        spec=spec(resource) if resource != "configmaps" else st.none(),
        data=_maybe(st.dictionaries(st.sampled_from(["a", "b.txt", "bad/key", ".."]), st.sampled_from(["1", ""]),
                                    max_size=2), absent=0.2) if resource == "configmaps" else st.none(),
        status=_maybe(st.sampled_from([{"phase": "Running"}, {"hard": {"pods": "9"}}]), absent=0.8),
    )
    garbage = st.sampled_from(["", "{", "[]", "null", "not json", "nul", " tru", "{}"])
    text = obj.map(_without_foreign_status).map(json.dumps)
    return st.one_of(text, text, text, text, garbage)


def _without_foreign_status(obj: dict[str, Any]) -> dict[str, Any]:
    """No `status` object in a body naming a kind whose status is not one (a Status's is a string).

    The Go's ugorji decoder refuses the mismatched type with a message that carries a byte position, which
    the model does not reproduce (see `apiv1`).
    """
    if obj.get("kind") in ("Status", "PodList", "Bogus"):
        obj.pop("status", None)
    return obj


def patch_body(content_type: str) -> SearchStrategy[str]:
    """A patch of the flavour the content type names: operations at paths, or a partial object; or garbage."""
    st = _st()
    if content_type.startswith("application/json-patch+json"):
        op = _object(st, op=st.sampled_from(["add", "replace", "remove", "test"]),
                     path=st.sampled_from(["/metadata/labels", "/metadata/labels/app", "/spec/containers/0/image",
                                           "/spec/containers/1", "/spec/activeDeadlineSeconds", "/nope/x",
                                           "/metadata/name", "/data/a"]),
                     value=_maybe(st.sampled_from(["web", "nginx:1.12", {"app": "x"}, 30, "1"])))
        return st.one_of(st.lists(op, max_size=2).map(json.dumps), st.sampled_from(["{}", "not json"]))
    labels = st.dictionaries(st.sampled_from(["app", "tier", "bad key"]), st.one_of(st.none(), st.just("x")),
                             max_size=2)
    patch = _object(
        st, metadata=_maybe(_object(st, labels=_maybe(labels), name=_maybe(st.sampled_from(NAMES), absent=0.8),
                                    resourceVersion=_maybe(st.sampled_from(RESOURCE_VERSIONS), absent=0.8))),
        spec=_maybe(_object(st, containers=_maybe(st.one_of(
            containers(), st.just([{"name": "web", "image": "nginx:1.11"}]),
            st.just([{"name": "log", "$patch": "delete"}]), st.just([{"$patch": "replace"}]))),
            activeDeadlineSeconds=_maybe(st.sampled_from([10, 100, -1, None]), absent=0.8),
            ports=_maybe(st.just([{"port": 8080}]), absent=0.8), type=_maybe(st.just("NodePort"), absent=0.8),
            hard=_maybe(st.just({"pods": "5"}), absent=0.8))),
        data=_maybe(st.dictionaries(st.sampled_from(["a", "bad/key"]), st.one_of(st.none(), st.just("2")),
                                    max_size=2), absent=0.8),
        kind=_maybe(st.sampled_from(["Service", "Bogus"]), absent=0.9),
        apiVersion=_maybe(st.sampled_from(["v2"]), absent=0.9),
    )
    return st.one_of(patch.map(json.dumps), patch.map(json.dumps), patch.map(json.dumps),
                     st.sampled_from(["not json", "[]", "null", "{}"]))


def targeted() -> SearchStrategy[dict[str, Any]]:
    """A request aimed at an object a session seeds (`web` in dev, or the node `web`), mostly allowed."""
    st = _st()

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        resource = draw(st.sampled_from(["pods", "pods", "pods", "services", "configmaps", "nodes", "namespaces"]))
        where = {"nodes": "/api/v1/nodes/web", "namespaces": "/api/v1/namespaces/web"}.get(
            resource, f"/api/v1/namespaces/dev/{resource}/web")
        if resource == "pods" and draw(st.integers(0, 6)) == 0:
            where += "/status"
        method = draw(st.sampled_from(["PUT", "PUT", "PATCH", "PATCH", "PATCH", "GET", "DELETE"]))
        token = draw(st.sampled_from(["admin-token"] * 5 + ["dev-token", "view-token"]))
        headers = {"Authorization": f"Bearer {token}"}
        text = ""
        if method == "PUT":
            headers["Content-Type"] = "application/json"
            text = draw(replacement(resource).map(json.dumps))
        elif method == "PATCH":
            headers["Content-Type"] = draw(st.sampled_from(PATCH_TYPES[:3] * 3 + PATCH_TYPES[3:]))
            text = draw(patch_body(headers["Content-Type"]))
        elif method == "DELETE" and draw(st.booleans()):
            headers["Content-Type"] = "application/json"
            text = draw(st.sampled_from(['{"gracePeriodSeconds": 0}', '{"gracePeriodSeconds": 5}',
                                         '{"preconditions": {"uid": "nope"}}', '{"orphanDependents": true}']))
        return {"method": method, "path": where, "headers": headers, "body": text}

    return build()


def replacement(resource: str) -> SearchStrategy[dict[str, Any]]:
    """A whole object for PUT: the seeded one, changed a little (image, containers, labels, version, name)."""
    st = _st()
    seed = next(json.loads(s["body"]) for s in SEEDS if s["path"].endswith("/" + resource))

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        obj = json.loads(json.dumps(seed))
        meta = obj.setdefault("metadata", {})
        version = draw(st.sampled_from([None, "5", "6", "7", "8", "9", "x"]))
        if version is not None:
            meta["resourceVersion"] = version
        if draw(st.integers(0, 5)) == 0:
            meta["name"] = "db"
        if draw(st.booleans()):
            meta["labels"] = draw(st.sampled_from([{"app": "web", "tier": "front"}, {}, {"bad key": "x"}]))
        if resource == "pods":
            change = draw(st.sampled_from(["image", "image", "drop", "add", "policy", "deadline", "none"]))
            spec = obj["spec"]
            if change == "image":
                spec["containers"][0]["image"] = draw(st.sampled_from(["nginx:1.11", ""]))
            elif change == "drop":
                spec["containers"] = spec["containers"][:1]
            elif change == "add":
                spec["containers"].append({"name": "side", "image": "busybox"})
            elif change == "policy":
                spec["restartPolicy"] = "Never"
            elif change == "deadline":
                spec["activeDeadlineSeconds"] = 30
        elif resource == "services":
            if draw(st.booleans()):
                # outside the service network: never the IP the Go drew for the service, always "immutable"
                obj["spec"]["clusterIP"] = draw(st.sampled_from(["10.0.1.99", "None", ""]))
            obj["spec"]["type"] = draw(st.sampled_from(["NodePort", "ClusterIP"]))
        elif resource == "configmaps":
            obj["data"] = draw(st.sampled_from([{"a": "2"}, {"bad/key": "1"}, {}]))
        elif resource == "nodes" and draw(st.booleans()):
            obj["spec"] = draw(st.sampled_from([{"unschedulable": True}, {"podCIDR": "10.9.0.0/24"},
                                                {"externalID": "other"}]))
        elif resource == "namespaces" and draw(st.booleans()):
            obj["spec"] = {"finalizers": draw(st.sampled_from([[], ["example.com/x"]]))}
            obj["status"] = {"phase": "Terminating"}
        return obj

    return build()


def http_request() -> SearchStrategy[dict[str, Any]]:
    """A request at a seeded object or anywhere at all."""
    st = _st()
    return st.one_of(targeted(), any_request())


def any_request() -> SearchStrategy[dict[str, Any]]:
    """Any method, resource, namespace, name, version, token, query and body: most of them refused somewhere."""
    st = _st()

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        resource = draw(st.sampled_from(RESOURCES))
        method = draw(st.sampled_from(["POST", "POST", "POST", "GET", "GET", "PUT", "PUT", "PATCH", "PATCH", "PATCH",
                                       "DELETE", "DELETE"]))
        namespace = draw(st.sampled_from(NAMESPACES))
        prefix = draw(st.sampled_from(["/api/v1"] * 8 + ["/api/v2", "/apis/extensions/v1beta1"]))
        collection = f"{prefix}/{resource}" if resource in CLUSTER_SCOPED or not namespace else \
            f"{prefix}/namespaces/{namespace}/{resource}"
        named = method in ("PUT", "PATCH") or (method in ("GET", "DELETE") and draw(st.integers(0, 3)) > 0)
        name = draw(st.sampled_from(["dev", "default", "web", "db"] if resource == "namespaces" else NAMES[:5]))
        path = f"{collection}/{name}" if named else collection
        if resource in ("pods", "resourcequotas") and named and draw(st.integers(0, 5)) == 0:
            path += "/status"
        query = draw(st.sampled_from([""] * 8 + ["labelSelector=app%3Dweb", "fieldSelector=metadata.name%3Dweb",
                                                 "fieldSelector=status.phase%3DPending", "fieldSelector=bogus%3Dx",
                                                 "gracePeriodSeconds=0", "timeoutSeconds=x"]))
        if query and method in ("GET", "DELETE"):
            path += "?" + query
        headers = {}
        token = draw(st.sampled_from(TOKENS))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        text = ""
        if method in ("POST", "PUT"):
            headers["Content-Type"] = "application/json"
            text = draw(body(resource, st.just(name) if method == "PUT" and draw(st.booleans()) else None))
        elif method == "PATCH":
            headers["Content-Type"] = draw(st.sampled_from(PATCH_TYPES))
            text = draw(patch_body(headers["Content-Type"]))
        elif method == "DELETE" and draw(st.integers(0, 4)) == 0:
            headers["Content-Type"] = "application/json"
            text = draw(st.sampled_from(DELETE_BODIES))
        return {"method": method, "path": path, "headers": headers, "body": text}

    return build()


DELETE_BODIES = ['{"gracePeriodSeconds": 0}', '{"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 5}',
                 '{"preconditions": {"uid": "nope"}}', '{"orphanDependents": false}', "not json"]
SEEDS: list[dict[str, Any]] = [
    {"method": "POST", "path": "/api/v1/namespaces/dev/pods", "headers": {"Authorization": "Bearer admin-token",
                                                                          "Content-Type": "application/json"},
     "body": json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}},
                         "spec": {"containers": [{"name": "web", "image": "nginx:1.10"},
                                                 {"name": "log", "image": "busybox"}]}})},
    {"method": "POST", "path": "/api/v1/namespaces/dev/services", "headers": {"Authorization": "Bearer admin-token",
                                                                              "Content-Type": "application/json"},
     "body": json.dumps({"metadata": {"name": "web"}, "spec": {"type": "NodePort", "ports": [{"port": 80}]}})},
    {"method": "POST", "path": "/api/v1/namespaces/dev/configmaps", "headers": {"Authorization": "Bearer admin-token",
                                                                                "Content-Type": "application/json"},
     "body": json.dumps({"metadata": {"name": "web"}, "data": {"a": "1"}})},
    {"method": "POST", "path": "/api/v1/nodes", "headers": {"Authorization": "Bearer admin-token",
                                                            "Content-Type": "application/json"},
     "body": json.dumps({"metadata": {"name": "web"}})},
    {"method": "POST", "path": "/api/v1/namespaces", "headers": {"Authorization": "Bearer admin-token",
                                                                 "Content-Type": "application/json"},
     "body": json.dumps({"metadata": {"name": "web", "labels": {"team": "a"}}})},
]


def requests() -> SearchStrategy[dict[str, Any]]:
    """A session on a fresh server under ABAC or RBAC: seeded objects, then 1 to 6 requests.

    Mostly the pod `web` and up to three other objects are created first, and most requests aim at them.
    """
    st = _st()
    others = st.lists(st.sampled_from(SEEDS[1:]), max_size=3, unique_by=lambda r: r["path"])
    seeds = st.one_of(others, others.map(lambda more: [SEEDS[0], *more]), others.map(lambda more: [SEEDS[0], *more]))
    return st.fixed_dictionaries({"authz": st.sampled_from(["abac", "abac", "rbac"]), "seeds": seeds,
                                  "requests": st.lists(http_request(), min_size=1, max_size=6)}).map(
        lambda d: {"authz": d["authz"], "requests": d["seeds"] + d["requests"]})


def vector(request: dict[str, Any], answer: Any) -> dict[str, Any]:
    """An l-apiserver vector file holding the one session and what the Go answered."""
    return {
        "meta": {"functions": "apiserver sessions: v1.5.2's generic API server, APIInstaller routes, REST handlers, "
                              "registry Stores and strategies, token authn, ABAC/RBAC, ResourceQuota admission "
                              "(live parity)",
                 "source": "kubernetes v1.5.2 (harness walkthrough/parity/live/harness/apiserver)"},
        "sessions": [{"inputs": request, "outputs": answer}],
    }


def describe(request: dict[str, Any]) -> str:
    """`abac: POST .../pods, PATCH .../pods/web (merge)`: the session's requests, briefly."""
    parts = []
    for sent in request["requests"]:
        kind = sent["headers"].get("Content-Type", "").split("/")[-1].split(";")[0] if sent["method"] == "PATCH" else ""
        parts.append(f"{sent['method']} {sent['path']}" + (f" ({kind})" if kind else ""))
    return f"{request['authz']}: " + ", ".join(parts)


FAMILY = LiveFamily(
    name="apiserver",
    world="kubernetes",
    what="the request path end to end: GenericAPIServer with authn/authz filters, APIInstaller routes, REST "
         "handlers, registry Stores and strategies, ResourceQuota admission (v1.5.2)",
    requests=requests,
    model=golden.model,
    vector=vector,
    normalise=golden.normalise,
    describe=describe,
)
