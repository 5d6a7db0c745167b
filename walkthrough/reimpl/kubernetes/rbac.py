"""RBAC authorization of Kubernetes v1.5.2: rule matching, rule resolution, the authorizer.

Public API:
    PolicyRule(verbs, api_groups, resources, resource_names, non_resource_urls), Subject, RoleRef,
    Role, ClusterRole, RoleBinding, ClusterRoleBinding          # pkg/apis/rbac types (internal)
    verb_matches, api_group_matches, resource_matches, resource_name_matches, non_resource_url_matches
    rule_allows(attrs, rule), rules_allow(attrs, *rules)
    RBACStore(roles, role_bindings, cluster_roles, cluster_role_bindings)   # in-memory listers
    DefaultRuleResolver(...).rules_for(user, namespace) -> (rules, error | None)
    new(roles, role_bindings, cluster_roles, cluster_role_bindings, super_user) -> RBACAuthorizer
    RBACAuthorizer.authorize(attrs) -> (allowed, reason, error | None)

`RBACStore` stands in for the informer listers kube-apiserver uses; its not-found texts
("role %q not found in namespace %q", "clusterrole %q not found") are those of the harness that
recorded the golden vectors, not Kubernetes' (Kubernetes' own come from its cache listers).

As in the Go, a request without a user (authentication off) is not refused up front: the rule
resolver reads the user only for a binding subject that needs it, and there the Go dereferences
nil and panics (the model raises `GoPanic` with the runtime's text); with no such binding the
answer is `(False, "", None)`. Values printed with `%q` are printed as Go prints them: a string by
`strconv.Quote`, the GroupKind of an unsupported role reference as a struct (`{"" "Role"}`: its
String method has a pointer receiver, which `%q` of a value does not call). `walkthrough parity
--live --model rbac` proves the rest against the Go.
Run `python -m walkthrough.reimpl.kubernetes.rbac` for a demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from walkthrough.reimpl import mirrors
from walkthrough.reimpl._gofmt import group_kind, sprintf
from walkthrough.reimpl.kubernetes._go import NIL_DEREFERENCE, GoPanic
from walkthrough.reimpl.kubernetes.authn import UserInfo, new_aggregate
from walkthrough.reimpl.kubernetes.authorizer import AttributesRecord, AuthzResult

GROUP_NAME = "rbac.authorization.k8s.io"
API_GROUP_ALL = "*"
RESOURCE_ALL = "*"
VERB_ALL = "*"
NON_RESOURCE_ALL = "*"
USER_ALL = "*"
GROUP_KIND, SERVICE_ACCOUNT_KIND, USER_KIND = "Group", "ServiceAccount", "User"
SERVICE_ACCOUNT_USERNAME_PREFIX = "system:serviceaccount:"


@mirrors("kubernetes:pkg/apis/rbac.PolicyRule")
@dataclass
class PolicyRule:
    """What a role grants: verbs on resources of API groups, or verbs on non-resource URLs."""

    verbs: list[str] = field(default_factory=list)
    api_groups: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    resource_names: list[str] = field(default_factory=list)
    non_resource_urls: list[str] = field(default_factory=list)


@mirrors("kubernetes:pkg/apis/rbac.Subject")
@dataclass
class Subject:
    kind: str
    name: str
    namespace: str = ""


@mirrors("kubernetes:pkg/apis/rbac.RoleRef")
@dataclass
class RoleRef:
    api_group: str
    kind: str
    name: str


@mirrors("kubernetes:pkg/apis/rbac.Role")
@dataclass
class Role:
    name: str
    namespace: str
    rules: list[PolicyRule] = field(default_factory=list)


@mirrors("kubernetes:pkg/apis/rbac.ClusterRole")
@dataclass
class ClusterRole:
    name: str
    rules: list[PolicyRule] = field(default_factory=list)


@mirrors("kubernetes:pkg/apis/rbac.RoleBinding")
@dataclass
class RoleBinding:
    name: str
    namespace: str
    subjects: list[Subject]
    role_ref: RoleRef


@mirrors("kubernetes:pkg/apis/rbac.ClusterRoleBinding")
@dataclass
class ClusterRoleBinding:
    name: str
    subjects: list[Subject]
    role_ref: RoleRef


# ---------------------------------------------------------------------------------------------
# Matchers, from pkg/apis/rbac/helpers.go
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:pkg/apis/rbac.VerbMatches")
def verb_matches(rule: PolicyRule, requested_verb: str) -> bool:
    return any(v in (VERB_ALL, requested_verb) for v in rule.verbs)


@mirrors("kubernetes:pkg/apis/rbac.APIGroupMatches")
def api_group_matches(rule: PolicyRule, requested_group: str) -> bool:
    """A rule without API groups matches no group at all (not even the core group "")."""
    return any(g in (API_GROUP_ALL, requested_group) for g in rule.api_groups)


@mirrors("kubernetes:pkg/apis/rbac.ResourceMatches")
def resource_matches(rule: PolicyRule, requested_resource: str) -> bool:
    return any(r in (RESOURCE_ALL, requested_resource) for r in rule.resources)


@mirrors("kubernetes:pkg/apis/rbac.ResourceNameMatches")
def resource_name_matches(rule: PolicyRule, requested_name: str) -> bool:
    """No resource names on the rule: any name. Otherwise the name must be listed."""
    if len(rule.resource_names) == 0:
        return True
    return requested_name in rule.resource_names


@mirrors("kubernetes:pkg/apis/rbac.NonResourceURLMatches")
def non_resource_url_matches(rule: PolicyRule, requested_url: str) -> bool:
    """'*', an exact URL, or a trailing-'*' prefix."""
    for rule_url in rule.non_resource_urls:
        if rule_url in (NON_RESOURCE_ALL, requested_url):
            return True
        if rule_url.endswith("*") and requested_url.startswith(rule_url.rstrip("*")):
            return True
    return False


@mirrors("kubernetes:plugin/pkg/auth/authorizer/rbac.RuleAllows")
def rule_allows(attrs: AttributesRecord, rule: PolicyRule) -> bool:
    """Resource requests match verb, group, "resource[/subresource]" and name; others verb and URL."""
    if attrs.resource_request:
        resource = attrs.resource
        if len(attrs.subresource) > 0:
            resource = attrs.resource + "/" + attrs.subresource
        return (
            verb_matches(rule, attrs.verb)
            and api_group_matches(rule, attrs.api_group)
            and resource_matches(rule, resource)
            and resource_name_matches(rule, attrs.name)
        )
    return verb_matches(rule, attrs.verb) and non_resource_url_matches(rule, attrs.path)


@mirrors("kubernetes:plugin/pkg/auth/authorizer/rbac.RulesAllow")
def rules_allow(attrs: AttributesRecord, *rules: PolicyRule) -> bool:
    return any(rule_allows(attrs, rule) for rule in rules)


# ---------------------------------------------------------------------------------------------
# rule resolution (pkg/apis/rbac/validation)
# ---------------------------------------------------------------------------------------------
class ResolutionError(LookupError):
    """A role reference that cannot be resolved (missing role, unsupported kind)."""


class RoleGetter(Protocol):
    def get_role(self, namespace: str, name: str) -> Role: ...


class RoleBindingLister(Protocol):
    def list_role_bindings(self, namespace: str) -> list[RoleBinding]: ...


class ClusterRoleGetter(Protocol):
    def get_cluster_role(self, name: str) -> ClusterRole: ...


class ClusterRoleBindingLister(Protocol):
    def list_cluster_role_bindings(self) -> list[ClusterRoleBinding]: ...


@dataclass
class RBACStore:
    """In-memory roles and bindings; bindings are listed in insertion order."""

    roles: list[Role] = field(default_factory=list)
    role_bindings: list[RoleBinding] = field(default_factory=list)
    cluster_roles: list[ClusterRole] = field(default_factory=list)
    cluster_role_bindings: list[ClusterRoleBinding] = field(default_factory=list)

    def get_role(self, namespace: str, name: str) -> Role:
        for role in self.roles:
            if role.namespace == namespace and role.name == name:
                return role
        raise ResolutionError(sprintf("role %q not found in namespace %q", name, namespace))

    def list_role_bindings(self, namespace: str) -> list[RoleBinding]:
        return [b for b in self.role_bindings if b.namespace == namespace]

    def get_cluster_role(self, name: str) -> ClusterRole:
        for role in self.cluster_roles:
            if role.name == name:
                return role
        raise ResolutionError(sprintf("clusterrole %q not found", name))

    def list_cluster_role_bindings(self) -> list[ClusterRoleBinding]:
        return list(self.cluster_role_bindings)


@mirrors("kubernetes:pkg/serviceaccount.MakeUsername")
def make_service_account_username(namespace: str, name: str) -> str:
    return SERVICE_ACCOUNT_USERNAME_PREFIX + namespace + ":" + name


@mirrors("kubernetes:pkg/apis/rbac/validation.appliesToUser")
def applies_to_user(user: UserInfo | None, subject: Subject, namespace: str) -> bool:
    """User: name or '*'.

    Group: membership. ServiceAccount: its username, namespace defaulting to the binding's namespace (so a cluster
    binding needs an explicit one). Other kinds: never.
    """
    if subject.kind == USER_KIND:
        return subject.name == USER_ALL or _user(user).name == subject.name
    if subject.kind == GROUP_KIND:
        return subject.name in _user(user).groups
    if subject.kind == SERVICE_ACCOUNT_KIND:
        sa_namespace = subject.namespace or namespace
        if len(sa_namespace) == 0:
            return False
        return make_service_account_username(sa_namespace, subject.name) == _user(user).name
    return False


def _user(user: UserInfo | None) -> UserInfo:
    """The user whose methods the Go calls: a nil user.Info panics there."""
    if user is None:
        raise GoPanic(NIL_DEREFERENCE)
    return user


@mirrors("kubernetes:pkg/apis/rbac/validation.appliesTo")
def applies_to(user: UserInfo | None, subjects: list[Subject], namespace: str) -> bool:
    return any(applies_to_user(user, s, namespace) for s in subjects)


@mirrors("kubernetes:pkg/apis/rbac/validation.DefaultRuleResolver")
@dataclass
class DefaultRuleResolver:
    role_getter: RoleGetter
    role_binding_lister: RoleBindingLister
    cluster_role_getter: ClusterRoleGetter
    cluster_role_binding_lister: ClusterRoleBindingLister

    @mirrors("kubernetes:pkg/apis/rbac/validation.DefaultRuleResolver.GetRoleReferenceRules")
    def get_role_reference_rules(self, role_ref: RoleRef, binding_namespace: str) -> list[PolicyRule]:
        """Rules of the referenced Role (in the binding's namespace) or ClusterRole; raises if missing."""
        if role_ref.api_group == GROUP_NAME and role_ref.kind == "Role":
            return self.role_getter.get_role(binding_namespace, role_ref.name).rules
        if role_ref.api_group == GROUP_NAME and role_ref.kind == "ClusterRole":
            return self.cluster_role_getter.get_cluster_role(role_ref.name).rules
        kind = group_kind(role_ref.api_group, role_ref.kind)  # a value: %q prints the struct, `{"" "Role"}`
        raise ResolutionError(sprintf("unsupported role reference kind: %q", kind))

    @mirrors("kubernetes:pkg/apis/rbac/validation.DefaultRuleResolver.RulesFor")
    def rules_for(self, user: UserInfo | None, namespace: str) -> tuple[list[PolicyRule], Exception | None]:
        """Cluster bindings first, then (with a namespace) that namespace's bindings.

        Errors are collected, and the rules found so far still count (rules only add).
        """
        policy_rules: list[PolicyRule] = []
        errorlist: list[Exception] = []
        try:
            cluster_role_bindings = self.cluster_role_binding_lister.list_cluster_role_bindings()
        except LookupError as exc:
            errorlist.append(exc)
            cluster_role_bindings = []
        for cluster_binding in cluster_role_bindings:
            if not applies_to(user, cluster_binding.subjects, ""):
                continue
            try:
                policy_rules.extend(self.get_role_reference_rules(cluster_binding.role_ref, ""))
            except LookupError as exc:
                errorlist.append(exc)
        if len(namespace) > 0:
            try:
                role_bindings = self.role_binding_lister.list_role_bindings(namespace)
            except LookupError as exc:
                errorlist.append(exc)
                role_bindings = []
            for binding in role_bindings:
                if not applies_to(user, binding.subjects, namespace):
                    continue
                try:
                    policy_rules.extend(self.get_role_reference_rules(binding.role_ref, namespace))
                except LookupError as exc:
                    errorlist.append(exc)
        return policy_rules, new_aggregate(errorlist)


@mirrors("kubernetes:plugin/pkg/auth/authorizer/rbac.RBACAuthorizer")
@dataclass
class RBACAuthorizer:
    super_user: str
    authorization_rule_resolver: DefaultRuleResolver

    @mirrors("kubernetes:plugin/pkg/auth/authorizer/rbac.RBACAuthorizer.Authorize")
    def authorize(self, attrs: AttributesRecord) -> AuthzResult:
        """Super-user: allowed.

        Else any applicable rule allows; a resolution error is returned only when nothing allowed. The reason is always
        empty.
        """
        if self.super_user != "" and attrs.user is not None and attrs.user.name == self.super_user:
            return True, "", None
        rules, rule_resolution_error = self.authorization_rule_resolver.rules_for(attrs.user, attrs.namespace)
        if rules_allow(attrs, *rules):
            return True, "", None
        return False, "", rule_resolution_error


@mirrors("kubernetes:plugin/pkg/auth/authorizer/rbac.New")
def new(
    roles: RoleGetter,
    role_bindings: RoleBindingLister,
    cluster_roles: ClusterRoleGetter,
    cluster_role_bindings: ClusterRoleBindingLister,
    super_user: str,
) -> RBACAuthorizer:
    return RBACAuthorizer(super_user, DefaultRuleResolver(roles, role_bindings, cluster_roles, cluster_role_bindings))


def _demo() -> None:
    store = RBACStore(
        roles=[Role("pod-reader", "dev", [PolicyRule(["get", "list"], [""], ["pods", "pods/log"])])],
        role_bindings=[RoleBinding("alice-pods", "dev", [Subject(USER_KIND, "alice")],
                                   RoleRef(GROUP_NAME, "Role", "pod-reader")),
                       RoleBinding("ghost", "dev", [Subject(USER_KIND, "carol")],
                                   RoleRef(GROUP_NAME, "Role", "missing"))],
    )
    authorizer = new(store, store, store, store, "root")
    alice, carol = UserInfo("alice"), UserInfo("carol")
    for user, verb, resource, sub in [(alice, "get", "pods", ""), (alice, "get", "pods", "log"),
                                      (alice, "delete", "pods", ""), (carol, "get", "pods", ""),
                                      (UserInfo("root"), "delete", "nodes", "")]:
        attrs = AttributesRecord(user=user, verb=verb, namespace="dev", api_version="v1", resource=resource,
                                 subresource=sub, name="web", resource_request=True)
        allowed, _, err = authorizer.authorize(attrs)
        print(f"  {user.name:6} {verb:7} {resource + ('/' + sub if sub else ''):9} -> allowed={allowed} error={err}")


if __name__ == "__main__":
    _demo()
