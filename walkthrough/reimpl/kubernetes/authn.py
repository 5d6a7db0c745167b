"""Authentication in kube-apiserver v1.5.2: request authenticators, their union, and `New`.

Every authenticator answers `authenticate_request(req) -> (user | None, ok, error | None)`, the
Go triple: `ok` says a user was found, `error` says something went wrong (a bad token is an
error, a missing header is merely not-ok). Errors are *returned* as values, as in the Go.

Public API (for the capstone apiserver and the chapters):
    Request(method, path, headers, query="", peer_certificates=(), request_uri="")   # what an authenticator sees
    UserInfo(name, uid="", groups=[], extra={})                      # user.DefaultInfo
    Aggregate(errors)                                                 # utilerrors aggregate
    union_new(*auths), union_new_fail_on_error(*auths), GroupAdder(auth, groups), new_group_adder(auth, groups)
    anonymous_authenticator(), BasicAuthAuthenticator(password_auth), BearerTokenAuthenticator(token_auth)
    PasswordFileAuthenticator.from_csv(path), TokenFileAuthenticator(tokens) / .from_csv(path)
    AnyTokenAuthenticator(), KeystoneAuthenticator.new(url, login), X509Authenticator(verify)
    new_authenticator_from_keystone_url(url, login)                  # Keystone behind HTTP Basic
    AuthenticatorConfig(...), new(config) -> (authenticator | None, security_definitions)
    authenticator_from_tokens(tokens), with_loopback_token(auth, token, uid)
    with_authentication(handler, auth, failed), unauthorized(supports_basic_auth) -> handler
    Response(status, headers, body)                                  # what a handler returns

Handlers are plain callables `handler(req) -> Response`. The token and password files are read
with a model of Go's encoding/csv (`_gocsv`), record by record as the Go reads them, with Go 1.19's
error texts. The standard library is Go 1.19's, the toolchain the golden vectors and `walkthrough
parity --live --model authn` use: `Request.basic_auth` matches the "Basic " prefix in any case, as
net/http has since Go 1.12 (Go 1.7, which built v1.5.2, matched it exactly), and Authorization
headers are trimmed of what `unicode.IsSpace` calls space.
Run `python -m walkthrough.reimpl.kubernetes.authn` for a demo.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from walkthrough.reimpl import _seams, mirrors
from walkthrough.reimpl.kubernetes import _gocsv
from walkthrough.reimpl.kubernetes._go import GO_SPACES

# pkg/auth/user constants
SYSTEM_PRIVILEGED_GROUP = "system:masters"
NODES_GROUP = "system:nodes"
ALL_UNAUTHENTICATED = "system:unauthenticated"
ALL_AUTHENTICATED = "system:authenticated"
ANONYMOUS = "system:anonymous"
API_SERVER_USER = "system:apiserver"


@mirrors("kubernetes:pkg/auth/user.DefaultInfo")
@dataclass
class UserInfo:
    """An authenticated user: name, uid, groups and extra data."""

    name: str
    uid: str = ""
    groups: list[str] = field(default_factory=list)
    extra: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Request:
    """The parts of an `*http.Request` authentication and authorization read.

    `headers` is matched case-insensitively; `peer_certificates` stands for `req.TLS.PeerCertificates`
    (see `Certificate`); `user` and `request_info` stand for values of the Go request context.
    `path` is the decoded `URL.Path` and `query` the raw query; `request_uri` is the request-target as the
    client sent it (`req.RequestURI`, what the 403 and 500 bodies quote), `path?query` when not given.
    """

    method: str = "GET"
    path: str = "/"
    headers: dict[str, str] = field(default_factory=dict)
    query: str = ""
    peer_certificates: tuple[Certificate, ...] = ()
    user: UserInfo | None = None
    request_info: Any = None  # authz.RequestInfo, attached by authz.with_request_info
    request_uri: str = ""

    def header(self, name: str) -> str:
        """`Header.Get`: the first value of a header, "" when absent."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return ""

    def delete_header(self, name: str) -> None:
        for key in [k for k in self.headers if k.lower() == name.lower()]:
            del self.headers[key]

    def basic_auth(self) -> tuple[str, str, bool]:
        """`Request.BasicAuth` (Go 1.19): "Basic " in any case + base64(user:password)."""
        auth = self.header("Authorization")
        prefix = "Basic "
        if len(auth) < len(prefix) or auth[: len(prefix)].lower() != prefix.lower() or not auth[:6].isascii():
            return "", "", False
        try:
            decoded = _std_base64(auth[len(prefix) :]).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return "", "", False
        username, sep, password = decoded.partition(":")
        if not sep:
            return "", "", False
        return username, password, True


def _std_base64(text: str) -> bytes:
    """base64.StdEncoding.DecodeString: padding required, carriage returns and newlines skipped."""
    data = text.replace("\r", "").replace("\n", "")
    if len(data) % 4:
        raise binascii.Error("illegal base64 data")
    return base64.b64decode(data, validate=True)


@dataclass(frozen=True)
class Certificate:
    """A client certificate, reduced to what the x509 authenticator reads."""

    common_name: str
    organization: tuple[str, ...] = ()


@dataclass
class Response:
    """What a handler answers: status, headers, body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


Handler = Callable[[Request], Response]
AuthResult = tuple[UserInfo | None, bool, Exception | None]


class AuthenticatorRequest(Protocol):
    """`authenticator.Request`."""

    def authenticate_request(self, req: Request) -> AuthResult: ...


class AuthenticatorToken(Protocol):
    """`authenticator.Token`."""

    def authenticate_token(self, value: str) -> AuthResult: ...


class AuthenticatorPassword(Protocol):
    """`authenticator.Password`."""

    def authenticate_password(self, username: str, password: str) -> AuthResult: ...


class Aggregate(Exception):
    """`utilerrors.Aggregate`: one error is printed as itself, several as "[e1, e2]"."""

    def __init__(self, errors: list[Exception]) -> None:
        self.errors = errors
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.errors) == 1:
            return str(self.errors[0])
        return "[" + ", ".join(str(e) for e in self.errors) + "]"


@mirrors("kubernetes:pkg/util/errors.NewAggregate")
def new_aggregate(errlist: Iterable[Exception | None]) -> Aggregate | None:
    """None for an empty list (or one of only Nones), else the aggregate of the non-None errors."""
    errs = [e for e in errlist if e is not None]
    return Aggregate(errs) if errs else None


# ---------------------------------------------------------------------------------------------
# union and group adder
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:plugin/pkg/auth/authenticator/request/union.unionAuthRequestHandler")
@dataclass
class UnionAuthenticator:
    """Tries each authenticator in order; the first success wins."""

    handlers: list[AuthenticatorRequest]
    fail_on_error: bool = False

    @mirrors("kubernetes:plugin/pkg/auth/authenticator/request/union.unionAuthRequestHandler.AuthenticateRequest")
    def authenticate_request(self, req: Request) -> AuthResult:
        """Errors are collected and skipped, unless fail_on_error, where the first one is returned."""
        errlist: list[Exception] = []
        for handler in self.handlers:
            info, ok, err = handler.authenticate_request(req)
            if err is not None:
                if self.fail_on_error:
                    return info, ok, err
                errlist.append(err)
                continue
            if ok:
                return info, ok, err
        return None, False, new_aggregate(errlist)


@mirrors("kubernetes:plugin/pkg/auth/authenticator/request/union.New")
def union_new(*handlers: AuthenticatorRequest) -> AuthenticatorRequest:
    """A union; a single authenticator is returned as itself, unwrapped."""
    if len(handlers) == 1:
        return handlers[0]
    return UnionAuthenticator(list(handlers), fail_on_error=False)


@mirrors("kubernetes:plugin/pkg/auth/authenticator/request/union.NewFailOnError")
def union_new_fail_on_error(*handlers: AuthenticatorRequest) -> AuthenticatorRequest:
    """A union whose first error short-circuits the chain."""
    if len(handlers) == 1:
        return handlers[0]
    return UnionAuthenticator(list(handlers), fail_on_error=True)


@mirrors("kubernetes:pkg/auth/group.GroupAdder")
@dataclass
class GroupAdder:
    """Adds groups (e.g. system:authenticated) to every user the inner authenticator accepts."""

    authenticator: AuthenticatorRequest
    groups: list[str]

    @mirrors("kubernetes:pkg/auth/group.GroupAdder.AuthenticateRequest")
    def authenticate_request(self, req: Request) -> AuthResult:
        u, ok, err = self.authenticator.authenticate_request(req)
        if err is not None or not ok or u is None:
            return None, ok, err
        return UserInfo(name=u.name, uid=u.uid, groups=[*u.groups, *self.groups], extra=u.extra), True, None


@mirrors("kubernetes:pkg/auth/group.NewGroupAdder")
def new_group_adder(auth: AuthenticatorRequest, groups: list[str]) -> GroupAdder:
    return GroupAdder(auth, groups)


@dataclass
class RequestFunc:
    """`authenticator.RequestFunc`: a function used as an authenticator."""

    func: Callable[[Request], AuthResult]

    def authenticate_request(self, req: Request) -> AuthResult:
        return self.func(req)


@mirrors("kubernetes:plugin/pkg/auth/authenticator/request/anonymous.NewAuthenticator")
def anonymous_authenticator() -> AuthenticatorRequest:
    """Accepts every request as system:anonymous in group system:unauthenticated."""
    return RequestFunc(lambda req: (UserInfo(name=ANONYMOUS, groups=[ALL_UNAUTHENTICATED]), True, None))


# ---------------------------------------------------------------------------------------------
# basic auth: header adapter, password file, keystone
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:plugin/pkg/auth/authenticator/request/basicauth.Authenticator")
@dataclass
class BasicAuthAuthenticator:
    """Reads `Authorization: Basic ...` and asks a password authenticator."""

    auth: AuthenticatorPassword

    @mirrors("kubernetes:plugin/pkg/auth/authenticator/request/basicauth.Authenticator.AuthenticateRequest")
    def authenticate_request(self, req: Request) -> AuthResult:
        username, password, found = req.basic_auth()
        if not found:
            return None, False, None
        return self.auth.authenticate_password(username, password)


class CSVFileError(Exception):
    """A token or password file that cannot be read (the Go returns it from NewCSV)."""


def _csv_records(path: str, *, fields_per_record: int) -> Iterator[list[str]]:
    """The records of a CSV file, read one at a time as encoding/csv reads them; a failure is a CSVFileError."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CSVFileError(f"open {path}: {exc.strerror.lower() if exc.strerror else exc}") from exc
    reader = _gocsv.Reader(data, fields_per_record)
    try:
        yield from reader.records()
    except _gocsv.ParseError as exc:
        raise CSVFileError(str(exc)) from None


@mirrors("kubernetes:plugin/pkg/auth/authenticator/password/passwordfile.PasswordAuthenticator")
@dataclass
class PasswordFileAuthenticator:
    """`--basic-auth-file`: CSV `password,user,uid`, looked up by user name."""

    users: dict[str, tuple[UserInfo, str]]

    @classmethod
    @mirrors("kubernetes:plugin/pkg/auth/authenticator/password/passwordfile.NewCSV")
    def from_csv(cls, path: str) -> PasswordFileAuthenticator:
        """Load the file; a record with fewer than 3 columns is an error. A later line for a user wins."""
        users: dict[str, tuple[UserInfo, str]] = {}
        for record in _csv_records(path, fields_per_record=0):
            if len(record) < 3:
                msg = (f"password file '{path}' must have at least 3 columns "
                       f"(password, user name, user uid), found {len(record)}")
                raise CSVFileError(msg)
            info = UserInfo(name=record[1], uid=record[2])
            users[info.name] = (info, record[0])
        return cls(users)

    @mirrors("kubernetes:plugin/pkg/auth/authenticator/password/passwordfile.PasswordAuthenticator.AuthenticatePassword")
    def authenticate_password(self, username: str, password: str) -> AuthResult:
        """Unknown user or wrong password: not authenticated, and no error."""
        entry = self.users.get(username)
        if entry is None or entry[1] != password:
            return None, False, None
        return entry[0], True, None


@mirrors("kubernetes:plugin/pkg/auth/authenticator/password/keystone.KeystoneAuthenticator")
@dataclass
class KeystoneAuthenticator:
    """Password check against OpenStack Keystone; `login(url, user, password)` stands in for the HTTP call."""

    auth_url: str
    login: Callable[[str, str, str], None]

    @classmethod
    @mirrors("kubernetes:plugin/pkg/auth/authenticator/password/keystone.NewKeystoneAuthenticator")
    def new(cls, auth_url: str, login: Callable[[str, str, str], None]) -> KeystoneAuthenticator:
        """Only https URLs are accepted (the https check comes before the empty check, as upstream)."""
        if not auth_url.startswith("https"):
            raise ValueError("Auth URL should be secure and start with https")
        if auth_url == "":
            raise ValueError("Auth URL is empty")
        return cls(auth_url, login)

    @mirrors("kubernetes:plugin/pkg/auth/authenticator/password/keystone.KeystoneAuthenticator.AuthenticatePassword")
    def authenticate_password(self, username: str, password: str) -> AuthResult:
        """A failed login is an *error* (so a plain union goes on to the next authenticator)."""
        try:
            self.login(self.auth_url, username, password)
        except Exception:  # noqa: BLE001 - the Go folds every login failure into one error
            return None, False, ValueError("Failed to authenticate")
        return UserInfo(name=username), True, None


# ---------------------------------------------------------------------------------------------
# bearer tokens: header adapter, token file, any token
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:pkg/auth/authenticator/bearertoken.Authenticator")
@dataclass
class BearerTokenAuthenticator:
    """Reads `Authorization: Bearer <token>` and asks a token authenticator."""

    auth: AuthenticatorToken

    @mirrors("kubernetes:pkg/auth/authenticator/bearertoken.Authenticator.AuthenticateRequest")
    def authenticate_request(self, req: Request) -> AuthResult:
        """Trimmed header split on single spaces: needs >= 2 parts and "bearer" (any case) first."""
        auth = req.header("Authorization").strip(GO_SPACES)
        if auth == "":
            return None, False, None
        parts = auth.split(" ")
        if len(parts) < 2 or parts[0].lower() != "bearer":
            return None, False, None
        return self.auth.authenticate_token(parts[1])


@mirrors("kubernetes:plugin/pkg/auth/authenticator/token/tokenfile.TokenAuthenticator")
@dataclass
class TokenFileAuthenticator:
    """`--token-auth-file`: CSV `token,user,uid[,"group1,group2"]`, looked up by exact token."""

    tokens: dict[str, UserInfo]

    @classmethod
    @mirrors("kubernetes:plugin/pkg/auth/authenticator/token/tokenfile.NewCSV")
    def from_csv(cls, path: str) -> TokenFileAuthenticator:
        """Load the file; records may differ in length, but need at least 3 columns."""
        tokens: dict[str, UserInfo] = {}
        for record in _csv_records(path, fields_per_record=-1):
            if len(record) < 3:
                msg = (f"token file '{path}' must have at least 3 columns "
                       f"(token, user name, user uid), found {len(record)}")
                raise CSVFileError(msg)
            info = UserInfo(name=record[1], uid=record[2])
            tokens[record[0]] = info
            if len(record) >= 4:
                info.groups = record[3].split(",")
        return cls(tokens)

    @mirrors("kubernetes:plugin/pkg/auth/authenticator/token/tokenfile.TokenAuthenticator.AuthenticateToken")
    def authenticate_token(self, value: str) -> AuthResult:
        info = self.tokens.get(value)
        if info is None:
            return None, False, None
        return info, True, None


@mirrors("kubernetes:plugin/pkg/auth/authenticator/token/anytoken.AnyTokenAuthenticator")
class AnyTokenAuthenticator:
    """`--insecure-allow-any-token`: the token *is* the identity, `name/group1,group2`."""

    @mirrors("kubernetes:plugin/pkg/auth/authenticator/token/anytoken.AnyTokenAuthenticator.AuthenticateToken")
    def authenticate_token(self, value: str) -> AuthResult:
        last_slash = value.rfind("/")
        if last_slash == -1:
            return UserInfo(name=value), True, None
        ret = UserInfo(name=value[:last_slash])
        group_string = value[last_slash + 1 :]
        if len(group_string) == 0:
            return ret, True, None
        ret.groups = group_string.split(",")
        return ret, True, None


# ---------------------------------------------------------------------------------------------
# client certificates
# ---------------------------------------------------------------------------------------------
Chain = list[Certificate]


@mirrors("kubernetes:plugin/pkg/auth/authenticator/request/x509.CommonNameUserConversion")
def common_name_user_conversion(chain: Chain) -> AuthResult:
    """The leaf's CN is the user name, its Organization values the groups; no CN means not-ok."""
    if len(chain[0].common_name) == 0:
        return None, False, None
    return UserInfo(name=chain[0].common_name, groups=list(chain[0].organization)), True, None


@mirrors("kubernetes:plugin/pkg/auth/authenticator/request/x509.Authenticator")
@dataclass
class X509Authenticator:
    """Client-certificate authentication.

    `verify(leaf, intermediates) -> chains` stands in for `x509.Certificate.Verify` against the
    client CA: it returns the verified chains or raises.
    """

    verify: Callable[[Certificate, list[Certificate]], list[Chain]]
    user: Callable[[Chain], AuthResult] = common_name_user_conversion

    @mirrors("kubernetes:plugin/pkg/auth/authenticator/request/x509.Authenticator.AuthenticateRequest")
    def authenticate_request(self, req: Request) -> AuthResult:
        if not req.peer_certificates:
            return None, False, None
        intermediates = list(req.peer_certificates[1:])
        try:
            chains = self.verify(req.peer_certificates[0], intermediates)
        except Exception as exc:  # noqa: BLE001 - a verification failure is returned as the error
            return None, False, exc
        errlist: list[Exception] = []
        for chain in chains:
            user, ok, err = self.user(chain)
            if err is not None:
                errlist.append(err)
                continue
            if ok:
                return user, ok, err
        return None, False, new_aggregate(errlist)


# ---------------------------------------------------------------------------------------------
# authenticator.New
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:pkg/apiserver/authenticator.AuthenticatorConfig")
@dataclass
class AuthenticatorConfig:
    """What `New` builds from.

    File-backed mechanisms are modelled, and Keystone from its URL (`keystone_login(url, user, password)` stands
    in for the HTTP call); for the others (front proxy, client CA, service accounts, OIDC, webhook) pass a ready
    authenticator, which `New` puts in its upstream position.
    """

    anonymous: bool = False
    any_token: bool = False
    basic_auth_file: str = ""
    token_auth_file: str = ""
    request_header: AuthenticatorRequest | None = None
    keystone_url: str = ""
    keystone_login: Callable[[str, str, str], None] = lambda url, user, password: None
    client_ca: AuthenticatorRequest | None = None
    service_account: AuthenticatorToken | None = None
    oidc: AuthenticatorToken | None = None
    webhook_token: AuthenticatorToken | None = None


@mirrors("kubernetes:pkg/apiserver/authenticator.New")
def new(config: AuthenticatorConfig) -> tuple[AuthenticatorRequest | None, dict[str, dict[str, str]]]:
    """Build the chain in upstream order; returns (authenticator or None, security definitions).

    Order: front proxy, basic file, keystone, client CA, token file, service accounts, OIDC,
    webhook, any-token. Nothing configured: anonymous (if on) or None. Otherwise
    groupAdder(union(...)), and with anonymous on, failOnError(that, anonymous).
    """
    authenticators: list[AuthenticatorRequest] = []
    security_definitions: dict[str, dict[str, str]] = {}
    has_basic_auth = has_token_auth = False

    if config.request_header is not None:
        authenticators.append(config.request_header)
    if config.basic_auth_file:
        authenticators.append(BasicAuthAuthenticator(PasswordFileAuthenticator.from_csv(config.basic_auth_file)))
        has_basic_auth = True
    if config.keystone_url:
        authenticators.append(new_authenticator_from_keystone_url(config.keystone_url, config.keystone_login))
        has_basic_auth = True
    if config.client_ca is not None:
        authenticators.append(config.client_ca)
    if config.token_auth_file:
        authenticators.append(BearerTokenAuthenticator(TokenFileAuthenticator.from_csv(config.token_auth_file)))
        has_token_auth = True
    for token_auth in (config.service_account, config.oidc, config.webhook_token):
        if token_auth is not None:
            authenticators.append(BearerTokenAuthenticator(token_auth))
            has_token_auth = True
    # always add anytoken last, so that every other token authenticator gets to try first
    if config.any_token:
        authenticators.append(BearerTokenAuthenticator(AnyTokenAuthenticator()))
        has_token_auth = True

    if has_basic_auth:
        security_definitions["HTTPBasic"] = {"type": "basic", "description": "HTTP Basic authentication"}
    if has_token_auth:
        security_definitions["BearerToken"] = {
            "type": "apiKey", "name": "authorization", "in": "header", "description": "Bearer Token authentication",
        }

    if len(authenticators) == 0:
        if config.anonymous:
            return anonymous_authenticator(), security_definitions
        return None, security_definitions

    authenticator = union_new(*authenticators)
    authenticator = new_group_adder(authenticator, [ALL_AUTHENTICATED])
    if config.anonymous:
        # a chain error (e.g. a bad bearer token) rejects; only missing credentials become anonymous
        authenticator = union_new_fail_on_error(authenticator, anonymous_authenticator())
    return authenticator, security_definitions


@mirrors("kubernetes:pkg/apiserver/authenticator.newAuthenticatorFromKeystoneURL")
def new_authenticator_from_keystone_url(
    keystone_url: str, login: Callable[[str, str, str], None],
) -> AuthenticatorRequest:
    """The Keystone password checker behind the HTTP Basic adapter; a URL that is not https is refused."""
    return BasicAuthAuthenticator(KeystoneAuthenticator.new(keystone_url, login))


@mirrors("kubernetes:pkg/apiserver/authenticator.NewAuthenticatorFromTokens")
def authenticator_from_tokens(tokens: Mapping[str, UserInfo]) -> AuthenticatorRequest:
    """A bearer-token authenticator over an in-memory token table."""
    return BearerTokenAuthenticator(TokenFileAuthenticator(dict(tokens)))


@mirrors("kubernetes:cmd/kube-apiserver/app.Run")
def with_loopback_token(
    authenticator: AuthenticatorRequest | None, token: str, uid: str | None = None
) -> AuthenticatorRequest | None:
    """What Run does when authentication is on.

    put a loopback token (system:apiserver in system:masters) in front of the configured chain. Authentication off:
    unchanged (None).
    """
    if authenticator is None:
        return None
    loopback_user = UserInfo(name=API_SERVER_USER, uid=uid or str(_seams.uuid4()), groups=[SYSTEM_PRIVILEGED_GROUP])
    return union_new(authenticator_from_tokens({token: loopback_user}), authenticator)


# ---------------------------------------------------------------------------------------------
# the HTTP filter
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:pkg/auth/handlers.Unauthorized")
def unauthorized(supports_basic_auth: bool) -> Handler:
    """401 "Unauthorized"; with basic auth configured, also a Basic realm challenge."""

    def handler(req: Request) -> Response:
        headers = {"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"}
        if supports_basic_auth:
            headers["WWW-Authenticate"] = 'Basic realm="kubernetes-master"'
        return Response(401, headers, "Unauthorized\n")

    return handler


@mirrors("kubernetes:pkg/auth/handlers.WithAuthentication")
def with_authentication(handler: Handler, auth: AuthenticatorRequest | None, failed: Handler) -> Handler:
    """Authenticate, then drop the Authorization header, store the user and call `handler`."""
    if auth is None:
        return handler  # "Authentication is disabled"

    def authenticate(req: Request) -> Response:
        user, ok, err = auth.authenticate_request(req)
        if err is not None or not ok:
            return failed(req)
        req.delete_header("Authorization")
        req.user = user
        return handler(req)

    return authenticate


def _demo() -> None:
    tokens = TokenFileAuthenticator({"abc123": UserInfo("alice", "1", ["dev"])})
    chain = union_new_fail_on_error(
        GroupAdder(union_new(BearerTokenAuthenticator(tokens), BearerTokenAuthenticator(AnyTokenAuthenticator())),
                   [ALL_AUTHENTICATED]),
        anonymous_authenticator(),
    )
    print("Chain: failOnError(groupAdder(union(tokenfile, anytoken)), anonymous)")
    for header in ["Bearer abc123", "Bearer bob/ops,qa", "Basic Ym9iOnB3", "", "bearer"]:
        req = Request(headers={"Authorization": header} if header else {})
        user, ok, err = chain.authenticate_request(req)
        shown = f"{user.name} {user.groups}" if user else "-"
        print(f"  Authorization: {header!r:22} -> ok={ok} user={shown} err={err}")
    print("\nauthenticator.New with only anonymous access and the any-token mode on:")
    cfg = AuthenticatorConfig(anonymous=True, any_token=True)
    auth, defs = new(cfg)
    print(f"  {type(auth).__name__}, security definitions: {sorted(defs)}")


if __name__ == "__main__":
    _demo()
