"""Authorization models against the plan's k8s-authorizer behaviours and the golden vectors d and g."""

from __future__ import annotations

from pathlib import Path

import pytest

from walkthrough.parity import run_file
from walkthrough.reimpl.kubernetes import abac, authorizer, authz, rbac
from walkthrough.reimpl.kubernetes.authn import Request, Response, UserInfo
from walkthrough.reimpl.kubernetes.authorizer import AttributesRecord
from walkthrough.reimpl.kubernetes.authz import AuthorizationConfig, AuthorizationConfigError

GOLDEN = Path(__file__).parent / "golden"


def attrs(user: str | None = "alice", verb: str = "get", **kw: object) -> AttributesRecord:
    record = AttributesRecord(user=UserInfo(user) if user else None, verb=verb, **kw)  # type: ignore[arg-type]
    if "resource" in kw:
        record.resource_request = True
    return record


def deny(reason: str, err: Exception | None = None) -> authorizer.AuthorizerFunc:
    return authorizer.AuthorizerFunc(lambda a: (False, reason, err))


@pytest.mark.parametrize("name", ["d-abac.json", "g-rbac.json"])
def test_golden_vectors_pass(name: str) -> None:
    report = run_file(GOLDEN / name)
    assert report.outcomes
    assert not report.failed, report.failed[:3]


def test_authz_mode_parsing(tmp_path: Path) -> None:
    assert authz.parse_authorization_modes() == ["AlwaysAllow"]
    assert authz.parse_authorization_modes("AlwaysDeny,AlwaysAllow") == ["AlwaysDeny", "AlwaysAllow"]
    union = authz.new_authorizer_from_authorization_config(["AlwaysDeny", "AlwaysAllow"], AuthorizationConfig())
    assert [type(h).__name__ for h in union.handlers] == ["AlwaysDenyAuthorizer", "AlwaysAllowAuthorizer"]
    assert union.authorize(attrs()) == (True, "", None)


@pytest.mark.parametrize(("modes", "config", "message"), [
    ([], AuthorizationConfig(), "At least one authorization mode should be passed"),
    (["RBAC", "RBAC"], AuthorizationConfig(), "Authorization mode RBAC specified more than once"),
    (["Magic"], AuthorizationConfig(), "Unknown authorization mode Magic specified"),
    (["ABAC"], AuthorizationConfig(), "ABAC's authorization policy file not passed"),
    (["Webhook"], AuthorizationConfig(), "Webhook's configuration file not passed"),
    (["AlwaysAllow"], AuthorizationConfig(policy_file="p.jsonl"),
     "Cannot specify --authorization-policy-file without mode ABAC"),
    (["AlwaysAllow"], AuthorizationConfig(webhook_config_file="w.yaml"),
     "Cannot specify --authorization-webhook-config-file without mode Webhook"),
    (["AlwaysAllow"], AuthorizationConfig(rbac_super_user="root"),
     "Cannot specify --authorization-rbac-super-user without mode RBAC"),
])
def test_authz_factory_validation(modes: list[str], config: AuthorizationConfig, message: str) -> None:
    with pytest.raises(AuthorizationConfigError) as info:
        authz.new_authorizer_from_authorization_config(modes, config)
    assert str(info.value) == message


def test_authz_always() -> None:
    assert authz.AlwaysAllowAuthorizer().authorize(attrs()) == (True, "", None)
    assert authz.AlwaysDenyAuthorizer().authorize(attrs()) == (False, "Everything is forbidden.", None)


def test_authz_union_any_allows() -> None:
    e = ValueError("boom")
    assert authz.union_new(deny("a", e), authz.AlwaysAllowAuthorizer()).authorize(attrs()) == (True, "", None)
    allowed, reason, err = authz.union_new(deny("a"), deny(""), deny("b", e)).authorize(attrs())
    assert (allowed, reason, str(err)) == (False, "a\nb", "boom")
    assert authz.union_new(deny("a"), deny("b")).authorize(attrs()) == (False, "a\nb", None)


def test_authz_abac_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.jsonl"
    path.write_text(
        "# comment\n\n   \n"
        '{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "a"}}\n'
        '{"user": "b"}\n',
        encoding="utf-8",
    )
    policies = abac.new_from_file(str(path))
    assert [p.Spec.User for p in policies] == ["a", "b"]
    assert policies[1].Spec == abac.PolicySpec(User="b", Namespace="*", Resource="*", APIGroup="*",
                                                NonResourcePath="*")
    path.write_text('{"user": "a"}\n{"user": 5}\n', encoding="utf-8")
    with pytest.raises(abac.PolicyLoadError) as info:
        abac.new_from_file(str(path))
    assert str(info.value).startswith(f"error reading policy file {path}, line 2: " + '{"user": 5}: ')
    path.write_text('{"user": "a",}\n', encoding="utf-8")
    with pytest.raises(abac.PolicyLoadError, match="invalid character '}' looking for beginning of object key string"):
        abac.new_from_file(str(path))


def test_authz_abac_match() -> None:
    policy = abac.Policy(abac.PolicySpec(User="alice", Readonly=True, Resource="pods", Namespace="*"))
    policies = abac.PolicyList([policy])
    assert policies.authorize(attrs("alice", "get", resource="pods", namespace="ns")) == (True, "", None)
    assert policies.authorize(attrs("alice", "create", resource="pods", namespace="ns")) == (
        False, "No policy matched.", None)
    assert not abac.matches(abac.Policy(abac.PolicySpec(Resource="*", Namespace="*", APIGroup="*")),
                            attrs("alice", resource="pods"))  # neither user nor group set
    logs = abac.Policy(abac.PolicySpec(User="*", NonResourcePath="/logs/*"))
    assert abac.matches(logs, attrs(path="/logs/kube.log"))
    assert not abac.matches(logs, attrs(path="/logsx"))
    assert abac.matches(abac.Policy(abac.PolicySpec(Group="ops", Namespace="*", Resource="*", APIGroup="*")),
                        AttributesRecord(user=UserInfo("x", groups=["ops"]), verb="delete", resource="pods",
                                         resource_request=True))


def _rbac_store() -> rbac.RBACStore:
    ref = rbac.RoleRef(rbac.GROUP_NAME, "Role", "reader")
    return rbac.RBACStore(
        roles=[rbac.Role("reader", "dev", [rbac.PolicyRule(["get"], [""], ["pods"])])],
        role_bindings=[rbac.RoleBinding("b", "dev", [rbac.Subject("User", "alice")], ref),
                       rbac.RoleBinding("broken", "dev", [rbac.Subject("User", "alice")],
                                        rbac.RoleRef(rbac.GROUP_NAME, "Role", "gone"))],
    )


def test_authz_rbac() -> None:
    store = _rbac_store()
    authorizer = rbac.new(store, store, store, store, "root")
    assert authorizer.authorize(attrs("root", "delete", resource="nodes")) == (True, "", None)
    assert authorizer.authorize(attrs("alice", "get", resource="pods", namespace="dev")) == (True, "", None)
    allowed, reason, err = authorizer.authorize(attrs("alice", "delete", resource="pods", namespace="dev"))
    assert (allowed, reason, str(err)) == (False, "", 'role "gone" not found in namespace "dev"')


def test_authz_rbac_rule() -> None:
    rule = rbac.PolicyRule(verbs=["get"], api_groups=[""], resources=["pods/log"])
    assert rbac.rule_allows(attrs(verb="get", resource="pods", subresource="log"), rule)
    assert not rbac.rule_allows(attrs(verb="get", resource="pods"), rule)
    assert not rbac.rule_allows(attrs(verb="get", resource="pods"), rbac.PolicyRule(["get"], [], ["pods"]))
    named = rbac.PolicyRule(["get"], ["*"], ["configmaps"], resource_names=["app"])
    assert rbac.rule_allows(attrs(resource="configmaps", name="app"), named)
    assert not rbac.rule_allows(attrs(resource="configmaps", name="other"), named)
    urls = rbac.PolicyRule(["get"], non_resource_urls=["/api*"])
    assert rbac.rule_allows(attrs(path="/apis/x"), urls)


def test_authz_filter() -> None:
    def api(req: Request) -> Response:
        return Response(200)

    request = Request(path="/api/v1/pods", query="limit=1")
    request.request_info = authz.default_request_info_factory().new_request_info(request)
    assert authz.with_authorization(api, None) is api
    assert authz.with_authorization(api, authz.AlwaysAllowAuthorizer())(request).status == 200
    forbidden = authz.with_authorization(api, authz.AlwaysDenyAuthorizer())(request)
    assert (forbidden.status, forbidden.body) == (403, 'Forbidden: "/api/v1/pods?limit=1"')
    assert authz.with_authorization(api, authz.AlwaysFailAuthorizer())(request).status == 500
    assert authz.with_authorization(api, authz.AlwaysAllowAuthorizer())(Request()).status == 500  # no RequestInfo


def test_authz_attributes() -> None:
    request = Request(method="DELETE", path="/apis/batch/v1/namespaces/ci/jobs/nightly/status")
    request.user = UserInfo("bob")
    request.request_info = authz.default_request_info_factory().new_request_info(request)
    assert authz.request_attributes(request) == AttributesRecord(
        user=UserInfo("bob"), verb="delete", namespace="ci", api_group="batch", api_version="v1",
        resource="jobs", subresource="status", name="nightly", resource_request=True,
        path="/apis/batch/v1/namespaces/ci/jobs/nightly/status")
    with pytest.raises(authz.AttributesError, match="no RequestInfo"):
        authz.request_attributes(Request())


@pytest.mark.parametrize(("method", "path", "query", "verb", "resource", "name"), [
    ("POST", "/api/v1/namespaces/ns/pods", "", "create", "pods", ""),
    ("GET", "/api/v1/namespaces/ns/pods/p", "", "get", "pods", "p"),
    ("HEAD", "/api/v1/namespaces/ns/pods/p", "", "get", "pods", "p"),
    ("GET", "/api/v1/namespaces/ns/pods", "", "list", "pods", ""),
    ("GET", "/api/v1/namespaces/ns/pods", "watch=1", "watch", "pods", ""),
    ("GET", "/api/v1/namespaces/ns/pods", "watch=false", "list", "pods", ""),
    ("PUT", "/api/v1/namespaces/ns/pods/p", "", "update", "pods", "p"),
    ("PATCH", "/api/v1/namespaces/ns/pods/p", "", "patch", "pods", "p"),
    ("DELETE", "/api/v1/namespaces/ns/pods/p", "", "delete", "pods", "p"),
    ("DELETE", "/api/v1/namespaces/ns/pods", "", "deletecollection", "pods", ""),
    ("GET", "/api/v1/watch/namespaces/ns/pods", "", "watch", "pods", ""),
    ("GET", "/api/v1/proxy/namespaces/ns/pods/p/x/y", "", "proxy", "pods", "p"),
    ("GET", "/apis/extensions/v1beta1/redirect/namespaces/ns/services/s", "", "redirect", "services", "s"),
    ("GET", "/api/v1/namespaces/ns/finalize", "", "get", "namespaces", "ns"),
    ("OPTIONS", "/api/v1/pods", "", "", "pods", ""),
    ("GET", "/healthz", "", "get", "", ""),
])
def test_authz_verb_derivation(method: str, path: str, query: str, verb: str, resource: str, name: str) -> None:
    info = authz.default_request_info_factory().new_request_info(Request(method=method, path=path, query=query))
    assert (info.verb, info.resource, info.name) == (verb, resource, name)


def test_authz_verb_derivation_special_verb_without_resource() -> None:
    with pytest.raises(authz.RequestInfoError, match="unable to determine kind and namespace from url"):
        authz.default_request_info_factory().new_request_info(Request(path="/api/v1/watch"))


def test_authz_loopback() -> None:
    chain = authz.with_loopback_authorizer(authz.AlwaysDenyAuthorizer(), authentication_enabled=True)
    masters = AttributesRecord(user=UserInfo("system:apiserver", groups=["system:masters"]), verb="delete")
    assert chain.authorize(masters) == (True, "", None)
    allowed, reason, err = chain.authorize(AttributesRecord(verb="get"))
    assert (allowed, reason, str(err)) == (False, "Error\nEverything is forbidden.", "no user on request.")
    allow_later = authz.with_loopback_authorizer(authz.AlwaysAllowAuthorizer(), authentication_enabled=True)
    assert allow_later.authorize(AttributesRecord(verb="get")) == (True, "", None)
    plain = authz.AlwaysAllowAuthorizer()
    assert authz.with_loopback_authorizer(plain, authentication_enabled=False) is plain


def test_demos_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert authz._demo([]) == 0  # noqa: SLF001 - the module's `python -m` demo
    assert "deletecollection" in capsys.readouterr().out
    abac._demo()  # noqa: SLF001 - the module's `python -m` demo
    rbac._demo()  # noqa: SLF001 - the module's `python -m` demo
    assert "No policy matched." in capsys.readouterr().out


EXAMPLES = Path(authz.__file__).parent / "examples"


def test_the_worked_examples_go_through_the_factory(capsys: pytest.CaptureFixture[str]) -> None:
    abac_flags = ["--authorization-mode", "ABAC", "--authorization-policy-file", str(EXAMPLES / "abac-policy.jsonl")]
    assert authz._demo(abac_flags) == 0  # noqa: SLF001
    out = capsys.readouterr().out
    assert "line 7: User='kubelet', Readonly=True, APIGroup='*', Resource='*', Namespace='*'," in out
    assert "get pods/log web in dev -> allowed by line 5" in out
    rbac_flags = ["--authorization-mode", "RBAC", "--authorization-rbac-super-user", "root",
                  "--rbac-objects", str(EXAMPLES / "rbac.yaml")]
    assert authz._demo(rbac_flags) == 0  # noqa: SLF001
    out = capsys.readouterr().out
    assert "RoleBinding dev/web-reads-settings -> ClusterRole settings-reader" in out
    assert 'refused (error: role "pod-writer" not found in namespace "dev")' in out
    assert "list configmaps in dev -> refused\n" in out


def test_the_worked_examples_decide_your_own_requests(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "policy.jsonl"
    policy.write_text('{"user": "eve", "namespace": "lab", "readonly": true}\n', encoding="utf-8")
    flags = ["--authorization-mode", "ABAC", "--authorization-policy-file", str(policy)]
    assert authz._demo([*flags, "--request", "eve GET /api/v1/namespaces/lab/pods",  # noqa: SLF001
                        "--request", "eve DELETE /api/v1/namespaces/lab/pods/x"]) == 0
    out = capsys.readouterr().out
    assert "list pods in lab -> allowed by line 1" in out
    assert "delete pods x in lab -> refused: No policy matched." in out
    assert authz._demo([*flags, "--request", "no path"]) == 2  # noqa: SLF001
    assert "a request is `USER[,GROUP...] METHOD /PATH`" in capsys.readouterr().out
    assert authz._demo(["--authorization-mode", "ABAC"]) == 2  # noqa: SLF001 - the factory's own error
    assert "ABAC's authorization policy file not passed" in capsys.readouterr().out
    roles = tmp_path / "roles.yaml"
    roles.write_text("kind: ClusterRoleBinding\nmetadata: {name: x}\nsubjects: [{kind: Group, name: qa}]\n"
                     "roleRef: {kind: ClusterRole, name: nothing}\n", encoding="utf-8")
    assert authz._demo(["--authorization-mode", "RBAC", "--rbac-objects", str(roles),  # noqa: SLF001
                        "--request", "dave,qa GET /healthz"]) == 0
    assert 'get /healthz -> refused (error: clusterrole "nothing" not found)' in capsys.readouterr().out
