"""kube-apiserver v1.5.2 authorization: RequestInfo from method and URL, the union, the mode factory, the filters.

Requests carry an `op` (see `harness/authz/main.go`): `request_info` (NewRequestInfo for a method and a
request-target under a set of API prefixes), `union` (union.New over always-allow/deny/fail, privileged
groups and scripted authorizers), `modes` (NewAuthorizerFromAuthorizationConfig for an --authorization-mode
value with its files and super user, then decisions) and `filter` (WithRequestInfo and WithAuthorization in
front of a handler: status, body, the attributes the authorizer saw).

Generated: paths from API-looking parts (api, apis, groups, versions, namespaces, watch/proxy/redirect,
status/finalize, names) joined with one or several slashes, percent-escapes, odd characters, queries with
watch in every spelling; methods including lower-case and unknown ones; mode lists with repeats, unknown
and empty modes and flags given without their mode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walkthrough.parity import authz as golden
from walkthrough.parity.live import LiveFamily
from walkthrough.parity.live.families._authz import authz_attributes, users

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

PARTS = ["api", "apis", "v1", "extensions", "v1beta1", "namespaces", "default", "pods", "web", "log", "watch",
         "proxy", "redirect", "status", "finalize", "nodes", "", "x", "a%20b", "%2F", "caf%C3%A9", "é", "*", ":name"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "get", "FOO"]
NAMES = ["alice", "bob", "system:admin"]
GROUPS = ["system:masters", "dev", "system:authenticated"]


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


def targets() -> SearchStrategy[str]:
    """Request-targets: API-shaped paths with parts left out or added, sometimes odd ones, and queries.

    A shaped path is prefix, group, version, verb, namespace, resource, name, subresource, each maybe absent.
    """
    st = _st()

    def part(pool: list[str], *, often: bool = False) -> Any:
        present = st.sampled_from(pool).map(lambda p: [p])
        return st.one_of(st.just([]), present, *([present, present] if often else []))

    shaped = st.builds(
        lambda *groups: [p for group in groups for p in group],
        st.sampled_from([["api"], ["apis"], ["api"], ["apis"], ["oapi"], ["healthz"], []]),
        part(["extensions", "apps", "v1"]), part(["v1", "v1beta1"], often=True),
        part(["watch", "proxy", "redirect", "watch"]),
        st.one_of(st.just([]), st.builds(lambda ns: ["namespaces", *ns], part(["default", "status", "finalize"]))),
        part(["pods", "nodes", "namespaces", "status"], often=True), part(["web", "", "a%20b", "%2F"]),
        part(["log", "status", "exec", "finalize"]), st.lists(st.sampled_from(PARTS), max_size=2))
    parts = st.one_of(shaped, shaped, shaped, shaped, st.lists(st.sampled_from(PARTS), max_size=7))
    path = st.builds(lambda ps, sep, trail: "/" + sep.join(ps) + trail, parts,
                     st.sampled_from(["/", "/", "/", "//"]), st.sampled_from(["", "", "/"]))
    query = st.one_of(st.just(""), st.builds(lambda v: "?watch=" + v, st.sampled_from(
        ["true", "1", "0", "false", "FALSE", "", "t", "%31", "x;y", "a+b", "%zz"])), st.sampled_from(
        ["?", "?watch", "?watch=1&watch=0", "?a=1;watch=1", "?watch=%ZZ&watch=1", "?x=1&watch=yes", "?&watch=true"]))
    return st.builds(lambda p, q: p + q, path, query)


def _specs(st: Any) -> Any:
    func = st.fixed_dictionaries({"kind": st.just("func"), "allowed": st.booleans(),
                                  "reason": st.sampled_from(["", "", "no", "not today"]),
                                  "error": st.sampled_from([None, None, "boom", "no user"])})
    fixed = st.sampled_from([{"kind": "allow"}, {"kind": "deny"}, {"kind": "fail"}])
    privileged = st.builds(lambda g: {"kind": "privileged", "groups": g}, st.lists(st.sampled_from(GROUPS), max_size=2))
    return st.one_of(func, func, fixed, privileged)


def _attributes() -> Any:
    return authz_attributes(NAMES, GROUPS, ["pods", "nodes"], ["default", ""], ["", "extensions"], ["/healthz", "/api"])


def requests() -> SearchStrategy[dict[str, Any]]:
    """Requests of the four kinds."""
    st = _st()
    prefixes = st.one_of(st.just((["apis", "api"], ["api"])), st.just((["apis", "api"], ["api"])),
                         st.tuples(st.lists(st.sampled_from(["api", "apis", "oapi", ""]), max_size=3),
                                   st.lists(st.sampled_from(["api", "oapi"]), max_size=2)))

    def with_prefixes(p: tuple[list[str], list[str]], rest: dict[str, Any]) -> dict[str, Any]:
        return {"prefixes": p[0], "groupless": p[1], **rest}

    request_info = st.builds(lambda p, m, t: with_prefixes(p, {"op": "request_info", "method": m, "target": t}),
                             prefixes, st.sampled_from(METHODS), targets())
    union = st.builds(lambda specs, a: {"op": "union", "authorizers": specs, "attributes": a},
                      st.lists(_specs(st), max_size=4), _attributes())
    mode = st.sampled_from(["AlwaysAllow", "AlwaysDeny", "ABAC", "RBAC", "Webhook", "", "abac", "Magic"])
    modes = st.builds(
        lambda ms, policy, webhook, super_user, attrs: {
            "op": "modes", "modes": ",".join(ms), "policy_lines": policy,
            "webhook_config_file": webhook if "Webhook" not in ms else "", "rbac_super_user": super_user,
            "attributes": attrs},
        st.lists(mode, min_size=1, max_size=3), st.one_of(st.none(), st.lists(st.sampled_from(
            ['{"user": "alice"}', '{"group": "dev", "readonly": true}', "#", "not json"]), max_size=2)),
        st.sampled_from(["", "", "/etc/webhook.kubeconfig"]), st.sampled_from(["", "", "root"]),
        st.lists(_attributes(), max_size=2))
    filter_ = st.builds(
        lambda p, spec, m, t, u: with_prefixes(p, {"op": "filter", "authorizer": spec, "method": m, "target": t,
                                                   "user": u}),
        prefixes, st.one_of(st.none(), _specs(st)), st.sampled_from(METHODS), targets(), users(NAMES, GROUPS))
    return st.one_of(request_info, request_info, union, modes, filter_)


def model(request: dict[str, Any]) -> dict[str, Any]:
    """The golden runner's answer to one request."""
    return golden.outputs(request)


def vector(request: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The request and the Go's answer (these pieces have no golden file yet: this is its format)."""
    return {"meta": {"functions": "RequestInfoFactory.NewRequestInfo, union.New, NewAuthorizerFromAuthorizationConfig, "
                                  "WithRequestInfo and WithAuthorization (live parity, harness/authz)",
                     "source": "k8s.io/kubernetes/pkg/apiserver and pkg/genericapiserver/authorizer (v1.5.2)"},
            "vectors": [{"inputs": request, "outputs": answer}]}


FAMILY = LiveFamily(
    name="authz",
    world="kubernetes",
    what="NewRequestInfo, union.New, NewAuthorizerFromAuthorizationConfig and the authorization filters",
    requests=requests,
    model=model,
    vector=vector,
)
