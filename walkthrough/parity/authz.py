"""Parity runner for the authorization pieces: RequestInfo, the union, the mode factory, the filters.

A vector's inputs are a request of `harness/authz/main.go` (by `op`: `request_info`, `union`, `modes`,
`filter`); its outputs are the Go's answer. `walkthrough parity --live --model authz` prints such files.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from walkthrough.parity import Outcome, guarded
from walkthrough.parity.rbac import attributes
from walkthrough.reimpl.kubernetes import abac, authn, authz
from walkthrough.reimpl.kubernetes.authorizer import AttributesRecord, AuthorizerFunc


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `i-authz.json`, or whose meta names NewRequestInfo."""
    return "authz" in file_name.lower() or "NewRequestInfo" in str(meta.get("functions", ""))


def run(data: dict[str, Any]) -> list[Outcome]:
    """One outcome per vector, named by its op."""
    return [guarded(f"vectors[{index}] {vector['inputs'].get('op', '?')}", vector["outputs"],
                    lambda inputs=vector["inputs"]: outputs(inputs))
            for index, vector in enumerate(data.get("vectors", []))]


def _authorizer(spec: dict[str, Any]) -> Any:
    kind = spec["kind"]
    if kind == "allow":
        return authz.AlwaysAllowAuthorizer()
    if kind == "deny":
        return authz.AlwaysDenyAuthorizer()
    if kind == "fail":
        return authz.AlwaysFailAuthorizer()
    if kind == "privileged":
        return authz.PrivilegedGroupAuthorizer(list(spec["groups"]))
    error = None if spec["error"] is None else RuntimeError(spec["error"])
    return AuthorizerFunc(lambda _: (spec["allowed"], spec["reason"], error))


def _decision(result: tuple[bool, str, Exception | None]) -> dict[str, Any]:
    allowed, reason, err = result
    return {"allowed": allowed, "reason": reason, "error": None if err is None else str(err)}


def _factory(request: dict[str, Any]) -> authz.RequestInfoFactory:
    return authz.RequestInfoFactory(frozenset(request["prefixes"]), frozenset(request["groupless"]))


def _server_request(method: str, target: str) -> authn.Request:
    """What a server reads from the request line: the decoded path, the raw query, the target as sent."""
    raw_path, _, query = target.partition("?")
    path = authz.url_unescape(raw_path)
    return authn.Request(method=method, path=path or "", query=query, request_uri=target)


def _request_info(request: dict[str, Any]) -> dict[str, Any]:
    try:
        info, error = _factory(request).new_request_info(_server_request(request["method"], request["target"])), None
    except authz.RequestInfoError as exc:
        info, error = exc.info, str(exc)
    return {"error": error, "info": {
        "is_resource_request": info.is_resource_request, "path": info.path, "verb": info.verb,
        "api_prefix": info.api_prefix, "api_group": info.api_group, "api_version": info.api_version,
        "namespace": info.namespace, "resource": info.resource, "subresource": info.subresource, "name": info.name,
        "parts": list(info.parts)}}


def _modes(request: dict[str, Any]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-authz-") as tmp:
        config = authz.AuthorizationConfig(webhook_config_file=request["webhook_config_file"],
                                           rbac_super_user=request["rbac_super_user"])
        if request["policy_lines"] is not None:
            path = Path(tmp) / "policy.jsonl"
            path.write_bytes("".join(line + "\n" for line in request["policy_lines"]).encode())
            config.policy_file = str(path)
        try:
            union = authz.new_authorizer_from_authorization_config(
                authz.parse_authorization_modes(request["modes"]), config)
        except (authz.AuthorizationConfigError, abac.PolicyLoadError) as exc:
            return {"error": str(exc).replace(tmp, "<DIR>")}
    return {"decisions": [_decision(union.authorize(attributes(a))) for a in request["attributes"]]}


def _filter(request: dict[str, Any]) -> dict[str, Any]:
    seen: dict[str, Any] = {"attributes": None}
    inner_authorizer = _authorizer(request["authorizer"]) if request["authorizer"] is not None else None

    def watching(a: AttributesRecord) -> tuple[bool, str, Exception | None]:
        assert inner_authorizer is not None  # noqa: S101 - only installed with one
        user = None if a.user is None else {"name": a.user.name, "groups": list(a.user.groups)}
        seen["attributes"] = {"user": user, "verb": a.verb, "namespace": a.namespace, "apiGroup": a.api_group,
                              "apiVersion": a.api_version, "resource": a.resource, "subresource": a.subresource,
                              "name": a.name, "resourceRequest": a.resource_request, "path": a.path}
        return inner_authorizer.authorize(a)

    def ok(req: authn.Request) -> authn.Response:
        del req
        return authn.Response(200, {}, "ok")

    chain = authz.with_request_info(
        authz.with_authorization(ok, None if inner_authorizer is None else AuthorizerFunc(watching)),
        _factory(request))
    req = _server_request(request["method"], request["target"])
    raw_user = request["user"]
    req.user = None if raw_user is None else authn.UserInfo(raw_user["name"], groups=list(raw_user["groups"] or []))
    response = chain(req)
    return {"status": response.status, "body": response.body, **seen}


def outputs(request: dict[str, Any]) -> dict[str, Any]:
    """The model's answer to one request of `harness/authz`."""
    op = request["op"]
    if op == "request_info":
        return _request_info(request)
    if op == "union":
        return _decision(authz.union_new(*map(_authorizer, request["authorizers"])).authorize(
            attributes(request["attributes"])))
    if op == "modes":
        return _modes(request)
    return _filter(request)
