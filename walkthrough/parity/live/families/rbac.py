"""Kubernetes v1.5.2 RBAC: the authorizer over in-memory roles and bindings, and the rule matchers, against `rbac.py`.

Requests are `{"policy": ..., "attributes": [...], "rule_checks": [{"rule", "attributes"}, ...]}` in the
shapes of `g-rbac.json`; answers are the decisions (`{"allowed", "reason", "error"}`, or `{"panic"}` where
the Go dereferences a missing user) and the six matcher results of each rule check.

Generated policies draw names from small pools so that bindings apply: subjects of every kind (User,
Group, ServiceAccount with and without a namespace, unknown kinds, `*`), role references to Roles and
ClusterRoles that exist or not, in the RBAC group or another, with kinds the resolver does not know;
rules with `*`, empty and null lists, subresources and URL prefixes; requests with and without a user.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from walkthrough.parity import rbac as golden
from walkthrough.parity.live import LiveFamily
from walkthrough.parity.live.families._authz import authz_attributes
from walkthrough.reimpl.kubernetes._go import GoPanic

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

USERS = ["alice", "bob", "root", "*", "", "system:serviceaccount:dev:builder", "system:serviceaccount:kube-system:ci",
         "system:anonymous"]
GROUPS = ["dev", "ops", "system:authenticated", "system:unauthenticated", "system:masters", "*"]
NAMESPACES = ["dev", "dev", "dev", "kube-system", "", "default"]
ROLES = ["reader", "admin", "missing", ""]
RESOURCES = ["pods", "pods/log", "*", "services", "deployments", "pods/*", "nodes"]
API_GROUPS = ["", "*", "extensions", "apps"]
URLS = ["/healthz", "/api*", "*", "/apis/*", "/version", "", "/logs/"]
RBAC_GROUP = "rbac.authorization.k8s.io"


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


def _lists(pool: list[str], *, often: bool = True) -> list[list[str] | None]:
    """A rule's list as one draw: null, empty, or one or two items of the pool (filled lists most often)."""
    filled = [[a] for a in pool] + [[a, b] for a, b in itertools.permutations(pool, 2)]
    return [None, [], *(filled * (3 if often else 1))] if often else [None, [], [], *filled]


RULE_TABLES = {
    "verbs": _lists(["get", "list", "*", "create", "delete", "watch", "proxy"]),
    "apiGroups": _lists(["", "*", "extensions", "apps"]), "resources": _lists(RESOURCES),
    "resourceNames": _lists(["web", "p", ""], often=False), "nonResourceURLs": _lists(URLS),
}
SUBJECTS = [
    {"kind": kind, "name": name, **({"namespace": namespace} if namespace else {})}
    for kind in ["User", "User", "Group", "Group", "ServiceAccount", "ServiceAccount", "Robot", "", "user"]
    for name in ["alice", "bob", "dev", "ops", "builder", "ci", *USERS, *GROUPS]
    for namespace in ["", "", "dev", "kube-system"]
]
REFS = [
    {"roleRefAPIGroup": group, "roleRefKind": kind, "roleRefName": name}
    for group in [*[RBAC_GROUP] * 8, "", "rbac"]
    for kind in [*["Role", "ClusterRole"] * 4, "role", "", "Group"]
    for name in ["reader", "reader", "admin", "missing", ""]
]


def rules() -> SearchStrategy[dict[str, Any]]:
    """PolicyRules: each list (null, empty or from its pool) one draw from its table."""
    st = _st()
    return st.fixed_dictionaries({key: st.sampled_from(table) for key, table in RULE_TABLES.items()})


def _subjects(st: Any) -> Any:
    return st.lists(st.sampled_from(SUBJECTS), min_size=1, max_size=3)


def policies() -> SearchStrategy[dict[str, Any]]:
    """Roles, cluster roles and bindings of both scopes, and a super user."""
    st = _st()
    ref = st.sampled_from(REFS)
    role = st.fixed_dictionaries({"name": st.sampled_from(ROLES), "namespace": st.sampled_from(NAMESPACES),
                                  "rules": st.lists(rules(), max_size=2)})
    cluster_role = st.fixed_dictionaries({"name": st.sampled_from(ROLES), "rules": st.lists(rules(), max_size=2)})
    binding = st.builds(lambda name, ns, subjects, r: {"name": name, "namespace": ns, "subjects": subjects, **r},
                        st.sampled_from(["b1", "b2"]), st.sampled_from(NAMESPACES), _subjects(st), ref)
    cluster_binding = st.builds(lambda name, subjects, r: {"name": name, "subjects": subjects, **r},
                                st.sampled_from(["c1", "c2"]), _subjects(st), ref)
    return st.fixed_dictionaries({
        "super_user": st.sampled_from(["", "root", "*"]), "roles": st.lists(role, max_size=4),
        "cluster_roles": st.lists(cluster_role, max_size=3), "role_bindings": st.lists(binding, max_size=4),
        "cluster_role_bindings": st.lists(cluster_binding, max_size=3),
    })


def attributes() -> SearchStrategy[dict[str, Any]]:
    """Attribute records drawn from the same pools as the policies."""
    return authz_attributes(["alice", "bob", *USERS], ["dev", "ops", *GROUPS], RESOURCES[:5], NAMESPACES, API_GROUPS,
                            URLS)


def requests() -> SearchStrategy[dict[str, Any]]:
    """A policy, requests to authorize under it, and rules to match against requests."""
    st = _st()
    check = st.fixed_dictionaries({"rule": rules(), "attributes": attributes()})
    return st.fixed_dictionaries({"policy": policies(), "attributes": st.lists(attributes(), max_size=4),
                                  "rule_checks": st.lists(check, max_size=2)})


def _decision(authorizer: Any, raw: dict[str, Any]) -> dict[str, Any]:
    try:
        return golden.decision(authorizer, golden.attributes(raw))
    except GoPanic as exc:
        return {"panic": str(exc)}


def model(request: dict[str, Any]) -> dict[str, Any]:
    """The model's decisions under the same store, and its matcher results."""
    authorizer = golden.authorizer(request["policy"])
    return {
        "decisions": [_decision(authorizer, raw) for raw in request["attributes"]],
        "rule_checks": [golden.rule_outputs(golden.attributes(c["attributes"]), golden.policy_rule(c["rule"]))
                        for c in request["rule_checks"]],
    }


def vector(request: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """A g-rbac.json-shaped file holding the request's policy, decisions and rule checks."""
    return {
        "meta": {"functions": "rbac.New over in-memory stores then Authorize; RuleAllows and its matchers, as in "
                              "g-rbac.json (live parity)",
                 "source": "k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac (Kubernetes v1.5.2)"},
        "policy": request["policy"],
        "authorizer_vectors": [{"inputs": {"attributes": a}, "outputs": d}
                               for a, d in zip(request["attributes"], answer["decisions"], strict=True)],
        "rule_vectors": [{"inputs": {"attributes": c["attributes"], "rule": c["rule"], "rule_index": i}, "outputs": o}
                         for i, (c, o) in enumerate(zip(request["rule_checks"], answer["rule_checks"], strict=True))],
    }


FAMILY = LiveFamily(
    name="rbac",
    world="kubernetes",
    what="rbac.New(...).Authorize over in-memory roles and bindings; RuleAllows and the pkg/apis/rbac matchers",
    requests=requests,
    model=model,
    vector=vector,
)
