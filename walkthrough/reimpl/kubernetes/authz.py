"""Authorization in kube-apiserver v1.5.2: attributes, RequestInfo, union, the mode factory, the filter.

An authorizer answers `authorize(attrs) -> (allowed, reason, error | None)`, the Go triple.
There is no explicit deny: a union asks each authorizer until one allows.

Public API (for the capstone apiserver and the chapters):
    RequestInfo, RequestInfoFactory(api_prefixes, groupless_api_prefixes).new_request_info(req)
    default_request_info_factory()                        # prefixes "api" (groupless) and "apis"
    request_attributes(req) -> AttributesRecord           # GetAttribs from req.user + req.request_info
    union_new(*authorizers), AlwaysAllowAuthorizer(), AlwaysDenyAuthorizer(), AlwaysFailAuthorizer(),
    PrivilegedGroupAuthorizer(groups), AuthorizerFunc(fn)
    parse_authorization_modes("ABAC,RBAC"), AuthorizationConfig(...),
    new_authorizer_from_authorization_config(modes, config) -> authorizer (raises AuthorizationConfigError)
    with_request_info(handler, factory), with_authorization(handler, authorizer)
    build_handler_chain(api_handler, authenticator, authorizer, supports_basic_auth) -> (secure, insecure)

Requests, responses and handlers are those of `walkthrough.reimpl.kubernetes.authn`. A request's URL is
read as net/url reads a server's request-target: `path` decoded, the query parsed as url.ParseQuery
parses it (pairs with ';' or a bad escape dropped, '+' a space), the 403/500 bodies quoting the target as
sent (`%#v`) and the RequestInfo error printing `URL.String()` (the escaped path). Still simplified:
the Webhook mode takes a ready authorizer (`config.webhook`; the Go reads a kubeconfig and calls out),
RBAC reads `config.rbac_store` (the Go reads informers), and of the generic filters only RequestInfo is
modelled (`build_handler_chain`). `walkthrough parity --live --model authz` proves the rest against the Go.
The `pkg/auth/authorizer` interfaces (AttributesRecord, Authorizer) live in `authorizer.py`, ABAC and RBAC in
`abac.py` and `rbac.py`, as in the Go, where they are separate packages and nothing imports in a circle.
Run `python -m walkthrough.reimpl.kubernetes.authz`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes

from walkthrough.reimpl import mirrors
from walkthrough.reimpl._gofmt import sprintf
from walkthrough.reimpl.kubernetes import abac, rbac
from walkthrough.reimpl.kubernetes.authn import (
    SYSTEM_PRIVILEGED_GROUP,
    Handler,
    Request,
    Response,
    new_aggregate,
    unauthorized,
    with_authentication,
)
from walkthrough.reimpl.kubernetes.authorizer import AttributesRecord, Authorizer, AuthorizerFunc, AuthzResult

if TYPE_CHECKING:
    import argparse

    from walkthrough.reimpl.kubernetes.authn import AuthenticatorRequest


@mirrors("kubernetes:pkg/auth/authorizer/union.unionAuthzHandler")
@dataclass
class UnionAuthorizer:
    """Asks each authorizer in order; the first allow wins."""

    handlers: list[Authorizer]

    @mirrors("kubernetes:pkg/auth/authorizer/union.unionAuthzHandler.Authorize")
    def authorize(self, a: AttributesRecord) -> AuthzResult:
        """Allowed: that authorizer's reason, no error (earlier errors dropped).

        Otherwise: not allowed, the non-empty reasons joined by newlines, the aggregated errors.
        """
        errlist: list[Exception] = []
        reasonlist: list[str] = []
        for handler in self.handlers:
            authorized, reason, err = handler.authorize(a)
            if err is not None:
                errlist.append(err)
            if len(reason) != 0:
                reasonlist.append(reason)
            if not authorized:
                continue
            return True, reason, None
        return False, "\n".join(reasonlist), new_aggregate(errlist)


@mirrors("kubernetes:pkg/auth/authorizer/union.New")
def union_new(*handlers: Authorizer) -> UnionAuthorizer:
    """A union (unlike the authenticator union, even of one)."""
    return UnionAuthorizer(list(handlers))


@mirrors("kubernetes:pkg/genericapiserver/authorizer.alwaysAllowAuthorizer")
class AlwaysAllowAuthorizer:
    """Says yes to everything, with an empty reason."""

    @mirrors("kubernetes:pkg/genericapiserver/authorizer.alwaysAllowAuthorizer.Authorize")
    def authorize(self, a: AttributesRecord) -> AuthzResult:
        return True, "", None


@mirrors("kubernetes:pkg/genericapiserver/authorizer.alwaysDenyAuthorizer")
class AlwaysDenyAuthorizer:
    """Says no to everything, without an error."""

    @mirrors("kubernetes:pkg/genericapiserver/authorizer.alwaysDenyAuthorizer.Authorize")
    def authorize(self, a: AttributesRecord) -> AuthzResult:
        return False, "Everything is forbidden.", None


@mirrors("kubernetes:pkg/genericapiserver/authorizer.alwaysFailAuthorizer")
class AlwaysFailAuthorizer:
    """Says no with an error (tests use it to force a 500)."""

    @mirrors("kubernetes:pkg/genericapiserver/authorizer.alwaysFailAuthorizer.Authorize")
    def authorize(self, a: AttributesRecord) -> AuthzResult:
        return False, "", RuntimeError("Authorization failure.")


@mirrors("kubernetes:pkg/genericapiserver/authorizer.privilegedGroupAuthorizer")
@dataclass
class PrivilegedGroupAuthorizer:
    """Allows members of the given groups (the loopback client's system:masters)."""

    groups: list[str]

    @mirrors("kubernetes:pkg/genericapiserver/authorizer.privilegedGroupAuthorizer.Authorize")
    def authorize(self, attr: AttributesRecord) -> AuthzResult:
        if attr.user is None:
            return False, "Error", RuntimeError("no user on request.")
        for attr_group in attr.user.groups:
            if attr_group in self.groups:
                return True, "", None
        return False, "", None


# ---------------------------------------------------------------------------------------------
# the mode factory
# ---------------------------------------------------------------------------------------------
MODE_ALWAYS_ALLOW = "AlwaysAllow"
MODE_ALWAYS_DENY = "AlwaysDeny"
MODE_ABAC = "ABAC"
MODE_WEBHOOK = "Webhook"
MODE_RBAC = "RBAC"
AUTHORIZATION_MODE_CHOICES = [MODE_ALWAYS_ALLOW, MODE_ALWAYS_DENY, MODE_ABAC, MODE_WEBHOOK, MODE_RBAC]
DEFAULT_AUTHORIZATION_MODE = "AlwaysAllow"


class AuthorizationConfigError(ValueError):
    """NewAuthorizerFromAuthorizationConfig's errors; str() is the upstream text."""


def parse_authorization_modes(flag_value: str = DEFAULT_AUTHORIZATION_MODE) -> list[str]:
    """`strings.Split(--authorization-mode, ",")` as Run does: order kept, nothing trimmed."""
    return flag_value.split(",")


@mirrors("kubernetes:pkg/genericapiserver/authorizer.AuthorizationConfig")
@dataclass
class AuthorizationConfig:
    """Inputs of the factory.

    `webhook` is a ready authorizer (the webhook client is not modelled); `rbac_store` holds the roles and bindings for
    RBAC (see rbac.RBACStore).
    """

    policy_file: str = ""
    webhook_config_file: str = ""
    webhook: Authorizer | None = None
    rbac_super_user: str = ""
    rbac_store: object | None = None


@mirrors("kubernetes:pkg/genericapiserver/authorizer.NewAuthorizerFromAuthorizationConfig")
def new_authorizer_from_authorization_config(modes: list[str], config: AuthorizationConfig) -> UnionAuthorizer:
    """One authorizer per mode, in order, as a union; raises AuthorizationConfigError like the Go."""
    if len(modes) == 0:
        raise AuthorizationConfigError("At least one authorization mode should be passed")
    authorizers: list[Authorizer] = []
    seen: dict[str, bool] = {}
    for mode in modes:
        if seen.get(mode):
            raise AuthorizationConfigError(f"Authorization mode {mode} specified more than once")
        if mode == MODE_ALWAYS_ALLOW:
            authorizers.append(AlwaysAllowAuthorizer())
        elif mode == MODE_ALWAYS_DENY:
            authorizers.append(AlwaysDenyAuthorizer())
        elif mode == MODE_ABAC:
            if config.policy_file == "":
                raise AuthorizationConfigError("ABAC's authorization policy file not passed")
            authorizers.append(abac.new_from_file(config.policy_file))
        elif mode == MODE_WEBHOOK:
            if config.webhook_config_file == "":
                raise AuthorizationConfigError("Webhook's configuration file not passed")
            if config.webhook is None:
                raise AuthorizationConfigError("the webhook authorizer is not modelled: pass config.webhook")
            authorizers.append(config.webhook)
        elif mode == MODE_RBAC:
            store = config.rbac_store if isinstance(config.rbac_store, rbac.RBACStore) else rbac.RBACStore()
            authorizers.append(rbac.new(store, store, store, store, config.rbac_super_user))
        else:
            raise AuthorizationConfigError(f"Unknown authorization mode {mode} specified")
        seen[mode] = True
    if not seen.get(MODE_ABAC) and config.policy_file != "":
        raise AuthorizationConfigError("Cannot specify --authorization-policy-file without mode ABAC")
    if not seen.get(MODE_WEBHOOK) and config.webhook_config_file != "":
        raise AuthorizationConfigError("Cannot specify --authorization-webhook-config-file without mode Webhook")
    if not seen.get(MODE_RBAC) and config.rbac_super_user != "":
        raise AuthorizationConfigError("Cannot specify --authorization-rbac-super-user without mode RBAC")
    return union_new(*authorizers)


@mirrors("kubernetes:cmd/kube-apiserver/app.Run")
def with_loopback_authorizer(authorizer: Authorizer, authentication_enabled: bool) -> Authorizer:
    """What Run does when authentication is on: system:masters are allowed before anything else."""
    if not authentication_enabled:
        return authorizer
    return union_new(PrivilegedGroupAuthorizer([SYSTEM_PRIVILEGED_GROUP]), authorizer)


# ---------------------------------------------------------------------------------------------
# RequestInfo: verb, namespace, resource ... from the URL
# ---------------------------------------------------------------------------------------------
SPECIAL_VERBS = frozenset({"proxy", "redirect", "watch"})
SPECIAL_VERBS_NO_SUBRESOURCES = frozenset({"proxy", "redirect"})
NAMESPACE_SUBRESOURCES = frozenset({"status", "finalize"})


class RequestInfoError(ValueError):
    """NewRequestInfo could not finish; the partial RequestInfo is attached as `.info`."""

    def __init__(self, message: str, info: RequestInfo) -> None:
        super().__init__(message)
        self.info = info


@mirrors("kubernetes:pkg/apiserver/request.RequestInfo")
@dataclass
class RequestInfo:
    """What the URL and method say about a request."""

    is_resource_request: bool = False
    path: str = ""
    verb: str = ""
    api_prefix: str = ""
    api_group: str = ""
    api_version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    parts: list[str] = field(default_factory=list)


@mirrors("kubernetes:pkg/apiserver/request.splitPath")
def split_path(path: str) -> list[str]:
    path = path.strip("/")
    return path.split("/") if path else []


@mirrors("kubernetes:pkg/apiserver/request.RequestInfoFactory")
@dataclass
class RequestInfoFactory:
    """Knows which path prefixes are API prefixes, and which of them carry no group (`api`)."""

    api_prefixes: frozenset[str]
    groupless_api_prefixes: frozenset[str]

    @mirrors("kubernetes:pkg/apiserver/request.RequestInfoFactory.NewRequestInfo")
    def new_request_info(self, req: Request) -> RequestInfo:
        """Parse method and path. Raises RequestInfoError for `/api/v1/watch` with nothing after it."""
        # start with a non-resource request until proven otherwise
        info = RequestInfo(is_resource_request=False, path=req.path, verb=req.method.lower())
        current = split_path(req.path)
        if len(current) < 3:
            return info
        if current[0] not in self.api_prefixes:
            return info
        info.api_prefix = current[0]
        current = current[1:]
        if info.api_prefix not in self.groupless_api_prefixes:
            # one part (APIPrefix) has already been consumed, so this is actually "do we have four parts?"
            if len(current) < 3:
                return info
            info.api_group = current[0]
            current = current[1:]
        info.is_resource_request = True
        info.api_version = current[0]
        current = current[1:]

        # handle input of form /{specialVerb}/*
        if current[0] in SPECIAL_VERBS:
            if len(current) < 2:
                raise RequestInfoError(f"unable to determine kind and namespace from url, {url_string(req)}", info)
            info.verb = current[0]
            current = current[1:]
        else:
            info.verb = {"POST": "create", "GET": "get", "HEAD": "get", "PUT": "update",
                         "PATCH": "patch", "DELETE": "delete"}.get(req.method, "")

        # URL forms: /namespaces/{namespace}/{kind}/*, where parts are adjusted to be relative to kind
        if current[0] == "namespaces":
            if len(current) > 1:
                info.namespace = current[1]
                # another step after the namespace name that is not a namespace subresource is a resource
                if len(current) > 2 and current[2] not in NAMESPACE_SUBRESOURCES:
                    current = current[2:]
        else:
            info.namespace = ""  # api.NamespaceNone

        info.parts = current
        # parts look like: resource/resourceName/subresource/other/stuff/we/don't/interpret
        if len(info.parts) >= 3 and info.verb not in SPECIAL_VERBS_NO_SUBRESOURCES:
            info.subresource = info.parts[2]
        if len(info.parts) >= 2:
            info.name = info.parts[1]
        if len(info.parts) >= 1:
            info.resource = info.parts[0]

        # no name on a get: a list, or a watch when ?watch= says so
        if len(info.name) == 0 and info.verb == "get":
            watch = parse_query(req.query).get("watch", [""])[0]
            info.verb = "list" if watch.lower() in ("false", "0", "") else "watch"
        # no name on a delete: deletecollection
        if len(info.name) == 0 and info.verb == "delete":
            info.verb = "deletecollection"
        return info


@mirrors("kubernetes:pkg/genericapiserver.NewRequestInfoResolver")
def default_request_info_factory(legacy_prefixes: tuple[str, ...] = ("/api",)) -> RequestInfoFactory:
    """The apiserver's factory: `apis` plus the legacy (groupless) prefixes, default `api`."""
    legacy = frozenset(p.strip("/") for p in legacy_prefixes)
    return RequestInfoFactory(api_prefixes=frozenset({"apis"}) | legacy, groupless_api_prefixes=legacy)


class AttributesError(RuntimeError):
    """GetAttribs found no RequestInfo on the request (the Go: no context / no RequestInfo)."""


@mirrors("kubernetes:pkg/apiserver/filters.requestAttributeGetter.GetAttribs")
def request_attributes(req: Request) -> AttributesRecord:
    """Attributes from the request "context": the user (if any) and the RequestInfo fields."""
    info = req.request_info
    if not isinstance(info, RequestInfo):
        raise AttributesError("no RequestInfo found in the context")
    return AttributesRecord(
        user=req.user,
        resource_request=info.is_resource_request,
        path=info.path,
        verb=info.verb,
        api_group=info.api_group,
        api_version=info.api_version,
        resource=info.resource,
        subresource=info.subresource,
        namespace=info.namespace,
        name=info.name,
    )


def _request_uri(req: Request) -> str:
    """`req.RequestURI`: the request-target as sent."""
    return req.request_uri or req.path + ("?" + req.query if req.query else "")


# -- net/url, as far as RequestInfo reads a URL ---------------------------------------------------
_PATH_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~$&+,/:;=@")


def _escape_path(path: str) -> str:
    """url's escape(path, encodePath): every byte outside the path-safe set as %XX."""
    return "".join(c if c in _PATH_SAFE else "".join(f"%{b:02X}" for b in c.encode()) for c in path)


def _valid_encoded(raw: str) -> bool:
    """url's validEncoded(raw, encodePath)."""
    return all(c in _PATH_SAFE or c in "!$&'()*+,;=:@[]%" for c in raw)


def url_string(req: Request) -> str:
    """`req.URL.String()` of a request read by a server: the path escaped as url.EscapedPath does, the query."""
    target = _request_uri(req)
    raw_path, question, raw_query = target.partition("?")
    escaped = raw_path if raw_path != _escape_path(req.path) and _valid_encoded(raw_path) and url_unescape(
        raw_path) == req.path else _escape_path(req.path)
    return escaped + (question + raw_query if question else "")


def url_unescape(text: str, *, plus: bool = False) -> str | None:
    """url.PathUnescape (or QueryUnescape with `plus`); None where Go reports an invalid escape."""
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "%":
            hex_digits = text[i + 1 : i + 3]
            if len(hex_digits) < 2 or any(h not in "0123456789abcdefABCDEF" for h in hex_digits):
                return None
            out += unquote_to_bytes(text[i : i + 3])
            i += 3
            continue
        out += b" " if plus and c == "+" else c.encode()
        i += 1
    return out.decode("utf-8", "surrogateescape")


def parse_query(query: str) -> dict[str, list[str]]:
    """url.ParseQuery, keeping what parses: pairs with a ';' or a bad escape are dropped, as Query() drops them."""
    values: dict[str, list[str]] = {}
    for pair in query.split("&"):
        if ";" in pair or not pair:
            continue
        key, _, value = pair.partition("=")
        key_text, value_text = url_unescape(key, plus=True), url_unescape(value, plus=True)
        if key_text is None or value_text is None:
            continue
        values.setdefault(key_text, []).append(value_text)
    return values


@mirrors("kubernetes:pkg/apiserver/filters.internalError")
def internal_error(req: Request, err: Exception) -> Response:
    """500 naming the request URI (the error itself only goes to the log upstream)."""
    del err
    return Response(500, {}, sprintf("Internal Server Error: %#v", _request_uri(req)))


@mirrors("kubernetes:pkg/apiserver/filters.forbidden")
def forbidden(req: Request) -> Response:
    """403 naming the request URI."""
    return Response(403, {}, sprintf("Forbidden: %#v", _request_uri(req)))


@mirrors("kubernetes:pkg/apiserver/filters.WithRequestInfo")
def with_request_info(handler: Handler, factory: RequestInfoFactory) -> Handler:
    """Attach the RequestInfo to the request (the Go stores it in the request context)."""

    def attach(req: Request) -> Response:
        try:
            info = factory.new_request_info(req)
        except RequestInfoError as exc:
            return internal_error(req, exc)
        req.request_info = info
        return handler(req)

    return attach


@mirrors("kubernetes:pkg/apiserver/filters.WithAuthorization")
def with_authorization(handler: Handler, authorizer: Authorizer | None) -> Handler:
    """No authorizer: pass through. Allowed: next handler. Denied with error: 500. Denied: 403."""
    if authorizer is None:
        return handler  # "Authorization is disabled"

    def authorize(req: Request) -> Response:
        try:
            attrs = request_attributes(req)
        except AttributesError as exc:
            return internal_error(req, exc)
        authorized, _reason, err = authorizer.authorize(attrs)
        if authorized:
            return handler(req)
        if err is not None:
            return internal_error(req, err)
        return forbidden(req)

    return authorize


@mirrors("kubernetes:pkg/genericapiserver.DefaultBuildHandlerChain")
def build_handler_chain(
    api_handler: Handler,
    authenticator: AuthenticatorRequest | None,
    authorizer: Authorizer | None,
    supports_basic_auth: bool = False,
    request_info_factory: RequestInfoFactory | None = None,
) -> tuple[Handler, Handler]:
    """(secure, insecure): generic(authn(authz(api))) and generic(api).

    Of the generic filters only RequestInfo is modelled (CORS, panic recovery, timeouts and the
    in-flight limit are not), and audit and impersonation are left out of `protect`; the order of
    what is modelled is upstream's: authentication runs first, then authorization.
    """
    factory = request_info_factory or default_request_info_factory()

    def generic(handler: Handler) -> Handler:
        return with_request_info(handler, factory)

    def protect(handler: Handler) -> Handler:
        handler = with_authorization(handler, authorizer)
        return with_authentication(handler, authenticator, unauthorized(supports_basic_auth))

    return generic(protect(api_handler)), generic(api_handler)


def _demo(argv: list[str] | None = None) -> int:
    """Without options: RequestInfo, the union and the factory's errors; with authorization flags, decisions.

    The flags are kube-apiserver's: the authorizer they build decides requests (the chapter's worked examples,
    or yours).
    """
    import argparse  # noqa: PLC0415 - demo only
    from pathlib import Path  # noqa: PLC0415

    parser = argparse.ArgumentParser(prog="python -m walkthrough.reimpl.kubernetes.authz", description=_demo.__doc__)
    parser.add_argument("--authorization-mode", help="modes, comma-separated, as kube-apiserver's flag")
    parser.add_argument("--authorization-policy-file", type=Path, help="the ABAC policy file")
    parser.add_argument("--authorization-rbac-super-user", default="", help="the RBAC super-user")
    parser.add_argument("--rbac-objects", type=Path,
                        help="RBAC roles and bindings as YAML, standing in for what the apiserver has stored")
    parser.add_argument("--request", action="append", metavar="'USER[,GROUP...] METHOD /PATH'",
                        help="a request to decide (repeatable; default: the worked example's)")
    args = parser.parse_args(argv)
    if args.authorization_mode is None:
        _tour()
        return 0
    try:
        return _decide(args)
    except (ValueError, OSError, abac.PolicyLoadError) as exc:  # bad input: say so, as kube-apiserver would
        print(f"error: {exc}")
        return 2


def _decide(args: argparse.Namespace) -> int:
    from walkthrough.reimpl.kubernetes import _examples  # noqa: PLC0415 - demo only

    config = AuthorizationConfig(policy_file=str(args.authorization_policy_file or ""),
                                 rbac_super_user=args.authorization_rbac_super_user)
    numbered_policies: list[tuple[int, abac.Policy]] = []
    defaults: tuple[str, ...] = ()
    if args.authorization_policy_file is not None:
        text = args.authorization_policy_file.read_text(encoding="utf-8")
        print(f"--authorization-policy-file {_examples.shown_path(args.authorization_policy_file)}:")
        print(_examples.numbered(text))
        # the line of each policy, as NewFromFile counts them (blank and `#` lines skipped, still counted)
        lines = [n for n, line in enumerate(text.split("\n"), start=1)
                 if line.strip() and not line.strip().startswith("#")]
        numbered_policies = list(zip(lines, abac.new_from_file(str(args.authorization_policy_file)), strict=True))
        print("\nloaded (the internal api.Policy; a legacy line after the v0 conversion):")
        for line, policy in numbered_policies:
            print(f"  line {line}: " + ", ".join(f"{k}={v!r}" for k, v in vars(policy.Spec).items() if v))
        defaults = _examples.ABAC_REQUESTS
    if args.rbac_objects is not None:
        text = args.rbac_objects.read_text(encoding="utf-8")
        print(f"--rbac-objects {_examples.shown_path(args.rbac_objects)}:")
        print(text.rstrip("\n"))
        config.rbac_store = _examples.rbac_store(text)
        print("\nstored:")
        for stored_line in _examples.stored(config.rbac_store):
            print(f"  {stored_line}")
        defaults = defaults or _examples.RBAC_REQUESTS
    authorizer = new_authorizer_from_authorization_config(parse_authorization_modes(args.authorization_mode), config)
    factory = default_request_info_factory()

    def attributes(req: Request) -> AttributesRecord:
        req.request_info = factory.new_request_info(req)
        return request_attributes(req)

    def why(a: AttributesRecord) -> str:
        """The ABAC line that allowed (the first that matches), when there is a policy file."""
        line = next((n for n, policy in numbered_policies if abac.matches(policy, a)), None)
        return f" by line {line}" if line else ""

    requests = [_examples.ExampleRequest.parse(r) for r in args.request or defaults]
    print(f"\nrequests, decided by --authorization-mode={args.authorization_mode}:")
    print("\n".join(_examples.decide(requests, attributes, authorizer.authorize, why)))
    return 0


def _tour() -> None:
    factory = default_request_info_factory()
    print("RequestInfo from method + path:")
    for method, path, query in [
        ("GET", "/api/v1/namespaces/default/pods", ""),
        ("GET", "/api/v1/namespaces/default/pods", "watch=true"),
        ("GET", "/api/v1/watch/namespaces/default/pods", ""),
        ("DELETE", "/api/v1/namespaces/default/pods", ""),
        ("GET", "/api/v1/namespaces/default/pods/web-1/log", ""),
        ("POST", "/apis/extensions/v1beta1/namespaces/prod/deployments", ""),
        ("GET", "/healthz", ""),
    ]:
        info = factory.new_request_info(Request(method=method, path=path, query=query))
        print(f"  {method:6} {path + ('?' + query if query else ''):52} verb={info.verb:16} "
              f"ns={info.namespace!r:10} resource={info.resource}/{info.subresource} name={info.name!r}")
    print("\nunion(deny 'a', deny 'b') and union(deny, allow):")
    deny_a = AuthorizerFunc(lambda a: (False, "a", None))
    deny_b = AuthorizerFunc(lambda a: (False, "b", None))
    print("  ", union_new(deny_a, deny_b).authorize(AttributesRecord()))
    print("  ", union_new(deny_a, AlwaysAllowAuthorizer()).authorize(AttributesRecord()))
    for modes in (["RBAC", "RBAC"], ["ABAC"], ["Magic"]):
        try:
            new_authorizer_from_authorization_config(modes, AuthorizationConfig())
        except AuthorizationConfigError as exc:
            print(f"  modes {modes}: {exc}")


if __name__ == "__main__":
    raise SystemExit(_demo())
