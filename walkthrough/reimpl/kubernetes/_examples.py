"""The authorizer chapter's worked examples: our own policy files, and requests as the secure port sees them.

`examples/abac-policy.jsonl` and `examples/rbac.yaml` ship with the package (written for this walkthrough, in
the formats kube-apiserver v1.5.2 reads); the authz demo hands them to the authorizer factory, as
`--authorization-policy-file` and as the RBAC objects the informers would have cached, and decides a list of
requests. A request is a user (name and groups, as the authenticator chain leaves them: the group adder has
appended `system:authenticated`) and an HTTP method and path, which the caller turns into attributes with the
RequestInfo model, as the filter chain does before authorization.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walkthrough.reimpl.kubernetes import rbac
from walkthrough.reimpl.kubernetes.authn import ALL_AUTHENTICATED, Request, UserInfo

if TYPE_CHECKING:
    from collections.abc import Callable

    from walkthrough.reimpl.kubernetes.authorizer import AttributesRecord, AuthzResult

EXAMPLES = Path(__file__).resolve().parent / "examples"
ABAC_POLICY = EXAMPLES / "abac-policy.jsonl"
RBAC_OBJECTS = EXAMPLES / "rbac.yaml"

_SA_WEB = "system:serviceaccount:dev:web,system:serviceaccounts,system:serviceaccounts:dev"
"""Service account `web` of namespace `dev`, with the groups its token carries (serviceaccount.MakeGroupNames)."""

ABAC_REQUESTS = (
    "alice GET /api/v1/namespaces/dev/pods",
    "alice DELETE /apis/extensions/v1beta1/namespaces/dev/deployments/web",
    "alice GET /api/v1/namespaces/prod/pods",
    "bob GET /api/v1/namespaces/dev/pods/web/log",
    "bob POST /api/v1/namespaces/dev/pods",
    "bob GET /api/v1/namespaces/dev/secrets",
    "bob GET /healthz",
    "kubelet GET /api/v1/nodes",
    "kubelet PATCH /api/v1/nodes/node-1/status",
    "admin DELETE /api/v1/nodes/node-1",
)
RBAC_REQUESTS = (
    "alice GET /api/v1/namespaces/dev/pods",
    "alice GET /api/v1/namespaces/dev/pods/web/log",
    "alice DELETE /api/v1/namespaces/dev/pods/web",
    "alice GET /api/v1/namespaces/prod/pods",
    "dave,qa GET /api/v1/namespaces/dev/pods?watch=true",
    f"{_SA_WEB} GET /api/v1/namespaces/dev/configmaps/app-settings",
    f"{_SA_WEB} GET /api/v1/namespaces/dev/configmaps/db-password",
    f"{_SA_WEB} GET /api/v1/namespaces/dev/configmaps",
    "bob GET /healthz",
    "carol GET /api/v1/namespaces/dev/pods",
    "root DELETE /api/v1/nodes/node-1",
)
"""The requests each example decides (`USER[,GROUP...] METHOD /PATH`)."""


@dataclass(frozen=True)
class ExampleRequest:
    """One request of a worked example: who (authenticated), and which method on which path."""

    user: str
    method: str
    path: str
    groups: tuple[str, ...] = ()

    @classmethod
    def parse(cls, spec: str) -> ExampleRequest:
        """`alice GET /api/v1/namespaces/dev/pods` or `dave,qa GET ...` (extra groups after the name, by commas)."""
        words = spec.split()
        if len(words) != 3 or not words[2].startswith("/"):
            msg = f"a request is `USER[,GROUP...] METHOD /PATH`, not {spec!r}"
            raise ValueError(msg)
        who, method, path = words
        name, *groups = who.split(",")
        return cls(name, method.upper(), path, tuple(groups))

    def request(self) -> Request:
        """The request after authentication: the user with its own groups, then `system:authenticated`."""
        path, _, query = self.path.partition("?")
        user = UserInfo(self.user, groups=[*self.groups, ALL_AUTHENTICATED])
        return Request(method=self.method, path=path, query=query, user=user)


def describe(a: AttributesRecord) -> str:
    """`list pods in dev`, `get pods/log web in dev`, `get /healthz`: the attributes in a few words."""
    if not a.resource_request:
        return f"{a.verb} {a.path}"
    what = a.resource + (f"/{a.subresource}" if a.subresource else "")
    group = f" ({a.api_group})" if a.api_group else ""
    return f"{a.verb} {what}{group}" + (f" {a.name}" if a.name else "") + (f" in {a.namespace}" if a.namespace else "")


def decision(result: AuthzResult) -> str:
    """`allowed`, or `refused` with the reason and the error an authorizer gave."""
    allowed, reason, err = result
    if allowed:
        return "allowed"
    return "refused" + (f": {reason}" if reason else "") + (f" (error: {err})" if err is not None else "")


def shown_path(path: Path) -> str:
    """A file of the package as a reader finds it in the checkout: `walkthrough/reimpl/kubernetes/examples/...`."""
    try:
        return path.resolve().relative_to(EXAMPLES.parents[3]).as_posix()
    except ValueError:
        return str(path)


def numbered(text: str) -> str:
    """The file as `cat -n` prints it: line numbers matter, the errors and decisions cite them."""
    return "\n".join(f"{n:4}  {line}" for n, line in enumerate(text.rstrip("\n").split("\n"), start=1))


def rbac_store(text: str) -> rbac.RBACStore:
    """RBAC objects from YAML (v1alpha1, as `kubectl create -f` sends them) into the store the informers stand for.

    Reduced to the fields RBAC reads, with v1alpha1's one default: a binding's `roleRef.apiGroup` is the RBAC
    group when left out. The model takes objects; PyYAML reads the manifests here, as kubectl's YAML library does.
    """
    import yaml  # noqa: PLC0415 - the examples only; the models are standard library

    store = rbac.RBACStore()

    def rules(doc: dict[str, Any]) -> list[rbac.PolicyRule]:
        return [rbac.PolicyRule(r.get("verbs", []), r.get("apiGroups", []), r.get("resources", []),
                                r.get("resourceNames", []), r.get("nonResourceURLs", []))
                for r in doc.get("rules") or []]

    def binding(doc: dict[str, Any]) -> tuple[list[rbac.Subject], rbac.RoleRef]:
        ref = doc.get("roleRef") or {}
        subjects = [rbac.Subject(s["kind"], s["name"], s.get("namespace", "")) for s in doc.get("subjects") or []]
        return subjects, rbac.RoleRef(ref.get("apiGroup") or rbac.GROUP_NAME, ref.get("kind", ""), ref.get("name", ""))

    for doc in (d for d in yaml.safe_load_all(text) if d):
        meta = doc.get("metadata") or {}
        name, namespace, kind = meta.get("name", ""), meta.get("namespace", ""), doc.get("kind")
        if kind == "Role":
            store.roles.append(rbac.Role(name, namespace, rules(doc)))
        elif kind == "ClusterRole":
            store.cluster_roles.append(rbac.ClusterRole(name, rules(doc)))
        elif kind == "RoleBinding":
            store.role_bindings.append(rbac.RoleBinding(name, namespace, *binding(doc)))
        elif kind == "ClusterRoleBinding":
            store.cluster_role_bindings.append(rbac.ClusterRoleBinding(name, *binding(doc)))
        else:
            msg = f"not an RBAC object: kind {kind!r}"
            raise ValueError(msg)
    return store


def stored(store: rbac.RBACStore) -> list[str]:
    """The objects of a store, one line each: what the RBAC authorizer will read."""
    lines = [f"Role {r.namespace}/{r.name}" for r in store.roles]
    lines += [f"ClusterRole {r.name}" for r in store.cluster_roles]
    lines += [f"RoleBinding {b.namespace}/{b.name} -> {b.role_ref.kind} {b.role_ref.name}"
              for b in store.role_bindings]
    lines += [f"ClusterRoleBinding {b.name} -> {b.role_ref.kind} {b.role_ref.name}"
              for b in store.cluster_role_bindings]
    return lines


def decide(requests: list[ExampleRequest], attributes: Callable[[Request], AttributesRecord],
           authorize: Callable[[AttributesRecord], AuthzResult], why: Callable[[AttributesRecord], str]) -> list[str]:
    """Two lines per request: who asks what, then the attributes and the answer (`why` adds e.g. the policy line)."""
    lines = []
    for r in requests:
        req = r.request()
        attrs = attributes(req)
        groups = ", ".join(req.user.groups) if req.user else ""
        lines.append(f"  {r.user} [{groups}] {r.method} {r.path}")
        lines.append(f"      {describe(attrs)} -> {decision(authorize(attrs))}{why(attrs)}")
    return lines
