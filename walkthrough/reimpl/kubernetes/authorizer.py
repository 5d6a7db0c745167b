"""`pkg/auth/authorizer` of kube-apiserver v1.5.2: what an authorizer decides on, and what it answers.

An authorizer answers `authorize(attrs) -> (allowed, reason, error | None)`, the Go triple. Every
authorizer (the union, ABAC, RBAC, the always-* ones) imports this module and nothing imports them
back, as in the Go. Run `python -m walkthrough.reimpl.kubernetes.authz` for the authorizers at work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from walkthrough.reimpl import mirrors

if TYPE_CHECKING:
    from collections.abc import Callable

    from walkthrough.reimpl.kubernetes.authn import UserInfo


@mirrors("kubernetes:pkg/auth/authorizer.AttributesRecord", "kubernetes:pkg/auth/authorizer.Attributes")
@dataclass
class AttributesRecord:
    """What an authorizer decides on: one field per getter of the Go `Attributes` interface."""

    user: UserInfo | None = None
    verb: str = ""
    namespace: str = ""
    api_group: str = ""
    api_version: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    resource_request: bool = False
    path: str = ""

    @mirrors("kubernetes:pkg/auth/authorizer.AttributesRecord.IsReadOnly")
    def is_read_only(self) -> bool:
        """get, list and watch have no side effects."""
        return self.verb in ("get", "list", "watch")


AuthzResult = tuple[bool, str, Exception | None]


@mirrors("kubernetes:pkg/auth/authorizer.Authorizer")
class Authorizer(Protocol):
    """(authorized, reason, error): an error means "could not decide", which is not a refusal."""

    def authorize(self, a: AttributesRecord) -> AuthzResult: ...


@dataclass
class AuthorizerFunc:
    """`authorizer.AuthorizerFunc`: a function used as an authorizer."""

    func: Callable[[AttributesRecord], AuthzResult]

    def authorize(self, a: AttributesRecord) -> AuthzResult:
        return self.func(a)


def _demo() -> None:
    """Attributes of a few requests, and an authorizer that allows what has no side effects."""
    read_only = AuthorizerFunc(lambda a: (True, "", None) if a.is_read_only() else (False, "writes are off", None))
    records = [
        AttributesRecord(verb="get", namespace="default", api_version="v1", resource="pods", name="web",
                         resource_request=True),
        AttributesRecord(verb="watch", api_group="extensions", api_version="v1beta1", resource="deployments",
                         resource_request=True),
        AttributesRecord(verb="create", namespace="default", api_version="v1", resource="pods",
                         resource_request=True),
        AttributesRecord(verb="get", path="/healthz"),
    ]
    for a in records:
        target = a.path or "/".join(x for x in (a.api_group, a.api_version, a.namespace, a.resource, a.name) if x)
        allowed, reason, _ = read_only.authorize(a)
        print(f"{a.verb:6} {target:40} read-only={a.is_read_only()!s:5} -> allowed={allowed} {reason}".rstrip())


if __name__ == "__main__":
    _demo()
