"""Parity runner for `g-rbac.json`: RBAC rule matching and the RBAC authorizer over a policy."""

from __future__ import annotations

from typing import Any

from walkthrough.parity import Outcome, guarded
from walkthrough.reimpl.kubernetes import rbac
from walkthrough.reimpl.kubernetes._go import GoPanic
from walkthrough.reimpl.kubernetes.authn import UserInfo
from walkthrough.reimpl.kubernetes.authorizer import AttributesRecord


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `g-rbac.json`, or whose meta names RuleAllows."""
    return "rbac" in file_name.lower() or "RuleAllows" in str(meta.get("functions", ""))


def attributes(raw: dict[str, Any]) -> AttributesRecord:
    """An AttributesRecord from the vectors' JSON form (`user: null` = no user)."""
    user = raw.get("user")
    return AttributesRecord(
        user=UserInfo(name=user["name"], groups=list(user.get("groups") or [])) if user else None,
        verb=raw.get("verb", ""),
        namespace=raw.get("namespace", ""),
        api_group=raw.get("apiGroup", ""),
        api_version=raw.get("apiVersion", ""),
        resource=raw.get("resource", ""),
        subresource=raw.get("subresource", ""),
        name=raw.get("name", ""),
        resource_request=bool(raw.get("resourceRequest", False)),
        path=raw.get("path", ""),
    )


def policy_rule(raw: dict[str, Any]) -> rbac.PolicyRule:
    """A vector's rule as the model's PolicyRule."""
    return rbac.PolicyRule(
        verbs=list(raw.get("verbs") or []),
        api_groups=list(raw.get("apiGroups") or []),
        resources=list(raw.get("resources") or []),
        resource_names=list(raw.get("resourceNames") or []),
        non_resource_urls=list(raw.get("nonResourceURLs") or []),
    )


def _subjects(raw: list[dict[str, Any]]) -> list[rbac.Subject]:
    return [rbac.Subject(s["kind"], s["name"], s.get("namespace", "")) for s in raw or []]


def _ref(raw: dict[str, Any]) -> rbac.RoleRef:
    return rbac.RoleRef(raw.get("roleRefAPIGroup", ""), raw.get("roleRefKind", ""), raw.get("roleRefName", ""))


def store(policy: dict[str, Any]) -> rbac.RBACStore:
    """The in-memory store holding the file's roles and bindings, in file order."""
    return rbac.RBACStore(
        roles=[rbac.Role(r["name"], r.get("namespace", ""), [policy_rule(x) for x in r.get("rules") or []])
               for r in policy.get("roles") or []],
        role_bindings=[rbac.RoleBinding(b["name"], b.get("namespace", ""), _subjects(b.get("subjects")), _ref(b))
                       for b in policy.get("role_bindings") or []],
        cluster_roles=[rbac.ClusterRole(r["name"], [policy_rule(x) for x in r.get("rules") or []])
                       for r in policy.get("cluster_roles") or []],
        cluster_role_bindings=[rbac.ClusterRoleBinding(b["name"], _subjects(b.get("subjects")), _ref(b))
                               for b in policy.get("cluster_role_bindings") or []],
    )


def rule_outputs(attrs: AttributesRecord, rule: rbac.PolicyRule) -> dict[str, Any]:
    """RuleAllows and the five matchers, as a rule vector's outputs."""
    resource = attrs.resource + ("/" + attrs.subresource if attrs.subresource else "")
    return {
        "rule_allows": rbac.rule_allows(attrs, rule),
        "verb_matches": rbac.verb_matches(rule, attrs.verb),
        "api_group_matches": rbac.api_group_matches(rule, attrs.api_group),
        "resource_matches": rbac.resource_matches(rule, resource),
        "resource_name_matches": rbac.resource_name_matches(rule, attrs.name),
        "non_resource_url_matches": rbac.non_resource_url_matches(rule, attrs.path),
    }


def run(data: dict[str, Any]) -> list[Outcome]:
    """Rule vectors, then authorizer vectors over `policy` (super user from `policy.super_user`)."""
    outcomes = []
    for index, vector in enumerate(data.get("rule_vectors", [])):
        inputs = vector["inputs"]
        name = f"rule_vectors[{index}] {_who(inputs)} vs rule {inputs.get('rule_index')}"
        outcomes.append(guarded(name, vector["outputs"], lambda inputs=inputs: rule_outputs(
            attributes(inputs["attributes"]), policy_rule(inputs["rule"]))))
    the_authorizer = authorizer(data.get("policy", {}))
    for index, vector in enumerate(data.get("authorizer_vectors", [])):
        inputs = vector["inputs"]

        def decide(inputs: dict[str, Any] = inputs) -> dict[str, Any]:
            try:
                return decision(the_authorizer, attributes(inputs["attributes"]))
            except GoPanic as exc:  # the Go dereferences a missing user; its harness recovers the panic
                return {"panic": str(exc)}

        outcomes.append(guarded(f"authorizer_vectors[{index}] {_who(inputs)}", vector["outputs"], decide))
    return outcomes


def authorizer(policy: dict[str, Any]) -> rbac.RBACAuthorizer:
    """The RBAC authorizer over a store of the policy's objects, its super user from `policy.super_user`."""
    the_store = store(policy)
    return rbac.new(the_store, the_store, the_store, the_store, policy.get("super_user", ""))


def decision(the_authorizer: rbac.RBACAuthorizer, attrs: AttributesRecord) -> dict[str, Any]:
    """An authorizer vector's outputs: allowed, reason and the error text (None without one)."""
    allowed, reason, err = the_authorizer.authorize(attrs)
    return {"allowed": allowed, "reason": reason, "error": None if err is None else str(err)}


def _who(inputs: dict[str, Any]) -> str:
    """`user verb namespace/resource-or-path` of a vector, for its name."""
    raw = inputs.get("attributes", {})
    user = (raw.get("user") or {}).get("name", "<no user>")
    return f"{user} {raw.get('verb', '')} {raw.get('namespace', '')}/{raw.get('resource') or raw.get('path', '')}"
