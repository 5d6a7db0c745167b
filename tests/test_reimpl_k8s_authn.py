"""Authentication models against the plan's k8s-authenticator behaviours (one test per behaviour id)."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import pytest

from walkthrough.reimpl.kubernetes import authn, authorizer, authz
from walkthrough.reimpl.kubernetes.authn import (
    AnyTokenAuthenticator,
    AuthenticatorConfig,
    BasicAuthAuthenticator,
    BearerTokenAuthenticator,
    Certificate,
    GroupAdder,
    Request,
    RequestFunc,
    Response,
    TokenFileAuthenticator,
    UserInfo,
)

if TYPE_CHECKING:
    from pathlib import Path


def fixed(user: UserInfo | None = None, *, ok: bool = False, err: Exception | None = None) -> RequestFunc:
    return RequestFunc(lambda req: (user, ok, err))


def bearer(token: str) -> Request:
    return Request(headers={"Authorization": f"Bearer {token}"})


def basic(user: str, password: str) -> Request:
    raw = base64.b64encode(f"{user}:{password}".encode()).decode()
    return Request(headers={"authorization": f"Basic {raw}"})


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    tokens = tmp_path / "tokens.csv"
    tokens.write_text('tok1,alice,1,"dev,ops"\ntok2,bob,2\n', encoding="utf-8")
    passwords = tmp_path / "passwords.csv"
    passwords.write_text("secret,carol,3\n", encoding="utf-8")
    return str(tokens), str(passwords)


def kinds(auth: object) -> list[str]:
    """The authenticator kinds inside New's union, in order."""
    assert isinstance(auth, GroupAdder)
    union = auth.authenticator
    assert isinstance(union, authn.UnionAuthenticator)
    names = []
    for handler in union.handlers:
        inner = getattr(handler, "auth", handler)
        names.append(type(inner).__name__)
    return names


def test_authn_build_order(files: tuple[str, str]) -> None:
    tokens, passwords = files
    front_proxy, client_ca = fixed(), fixed()
    config = AuthenticatorConfig(
        any_token=True, basic_auth_file=passwords, token_auth_file=tokens, request_header=front_proxy,
        keystone_url="https://keystone", client_ca=client_ca, service_account=AnyTokenAuthenticator(),
    )
    auth, defs = authn.new(config)
    assert kinds(auth) == ["RequestFunc", "PasswordFileAuthenticator", "KeystoneAuthenticator", "RequestFunc",
                           "TokenFileAuthenticator", "AnyTokenAuthenticator", "AnyTokenAuthenticator"]
    handlers = auth.authenticator.handlers  # type: ignore[union-attr]
    assert handlers[0] is front_proxy
    assert handlers[3] is client_ca
    assert sorted(defs) == ["BearerToken", "HTTPBasic"]


def test_authn_empty_config() -> None:
    assert authn.new(AuthenticatorConfig())[0] is None
    anonymous, _ = authn.new(AuthenticatorConfig(anonymous=True))
    assert anonymous is not None
    user, ok, err = anonymous.authenticate_request(Request())
    assert ok
    assert err is None
    assert user == UserInfo(authn.ANONYMOUS, groups=[authn.ALL_UNAUTHENTICATED])
    assert not isinstance(anonymous, GroupAdder | authn.UnionAuthenticator)


def test_authn_union_single() -> None:
    only = fixed()
    assert authn.union_new(only) is only
    assert authn.union_new_fail_on_error(only) is only


def test_authn_union_first_success() -> None:
    alice = UserInfo("alice")
    e1 = ValueError("e1")
    assert authn.union_new(fixed(err=e1), fixed(alice, ok=True)).authenticate_request(Request()) == (alice, True, None)
    assert authn.union_new(fixed(), fixed()).authenticate_request(Request()) == (None, False, None)
    user, ok, err = authn.union_new(fixed(err=e1), fixed()).authenticate_request(Request())
    assert (user, ok) == (None, False)
    assert isinstance(err, authn.Aggregate)
    assert err.errors == [e1]
    assert str(err) == "e1"
    _, _, both = authn.union_new(fixed(err=e1), fixed(err=ValueError("e2"))).authenticate_request(Request())
    assert str(both) == "[e1, e2]"


def test_authn_union_fail_on_error() -> None:
    e1 = ValueError("e1")
    chain = authn.union_new_fail_on_error(fixed(err=e1), fixed(UserInfo("bob"), ok=True))
    assert chain.authenticate_request(Request()) == (None, False, e1)


def test_authn_group_adder() -> None:
    inner = fixed(UserInfo("u", uid="7", groups=["g1"], extra={"k": ["v"]}), ok=True)
    user, ok, err = GroupAdder(inner, [authn.ALL_AUTHENTICATED]).authenticate_request(Request())
    assert ok
    assert err is None
    assert user == UserInfo("u", uid="7", groups=["g1", "system:authenticated"], extra={"k": ["v"]})
    e = ValueError("bad")
    assert GroupAdder(fixed(UserInfo("u"), ok=False, err=e), ["x"]).authenticate_request(Request()) == (None, False, e)


def test_authn_anonymous_fallback(files: tuple[str, str]) -> None:
    tokens, _ = files
    auth, _ = authn.new(AuthenticatorConfig(anonymous=True, token_auth_file=tokens))
    assert auth is not None
    user, ok, _ = auth.authenticate_request(Request())
    assert ok
    assert user is not None
    assert user.name == "system:anonymous"
    assert user.groups == ["system:unauthenticated"]
    user, ok, _ = auth.authenticate_request(bearer("tok2"))
    assert user is not None
    assert user.name == "bob"
    assert user.groups == ["system:authenticated"]
    # a credential that errors is not turned into anonymous: the chain fails (401 at the filter)
    erroring = AuthenticatorConfig(anonymous=True, client_ca=fixed(err=ValueError("x509: bad certificate")))
    failing, _ = authn.new(erroring)
    assert failing is not None
    assert failing.authenticate_request(Request())[2] is not None


def test_authn_basic_adapter(files: tuple[str, str]) -> None:
    _, passwords = files
    adapter = BasicAuthAuthenticator(authn.PasswordFileAuthenticator.from_csv(passwords))
    assert adapter.authenticate_request(Request()) == (None, False, None)
    assert adapter.authenticate_request(Request(headers={"Authorization": "Basic !!"})) == (None, False, None)
    user, ok, _ = adapter.authenticate_request(basic("carol", "secret"))
    assert ok
    assert user == UserInfo("carol", uid="3")


def test_authn_password_file(files: tuple[str, str], tmp_path: Path) -> None:
    _, passwords = files
    auth = authn.PasswordFileAuthenticator.from_csv(passwords)
    assert auth.authenticate_password("carol", "secret")[1]
    assert auth.authenticate_password("carol", "wrong") == (None, False, None)
    assert auth.authenticate_password("nobody", "secret") == (None, False, None)
    short = tmp_path / "short.csv"
    short.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(authn.CSVFileError, match="must have at least 3 columns"):
        authn.PasswordFileAuthenticator.from_csv(str(short))


def test_authn_keystone() -> None:
    with pytest.raises(ValueError, match="should be secure"):
        authn.KeystoneAuthenticator.new("http://keystone", lambda url, u, p: None)

    def login(url: str, user: str, password: str) -> None:
        if password != "ok":
            raise PermissionError("401")

    keystone = authn.KeystoneAuthenticator.new("https://keystone", login)
    assert keystone.authenticate_password("dave", "ok") == (UserInfo("dave"), True, None)
    user, ok, err = keystone.authenticate_password("dave", "bad")
    assert (user, ok) == (None, False)
    assert str(err) == "Failed to authenticate"


@pytest.mark.parametrize(("header", "token"), [
    ("Bearer abc", "abc"), ("  bearer abc  ", "abc"), ("BEARER abc def", "abc"),
    ("Basic xyz", None), ("bearer", None), ("Bearer  abc", ""), ("", None),
])
def test_authn_bearer_extraction(header: str, token: str | None) -> None:
    seen: list[str] = []

    class Recorder:
        def authenticate_token(self, value: str) -> authn.AuthResult:
            seen.append(value)
            return UserInfo(value), True, None

    result = BearerTokenAuthenticator(Recorder()).authenticate_request(Request(headers={"Authorization": header}))
    if token is None:
        assert result == (None, False, None)
        assert seen == []
    else:
        assert seen == [token]


def test_authn_token_file(files: tuple[str, str], tmp_path: Path) -> None:
    tokens, _ = files
    auth = TokenFileAuthenticator.from_csv(tokens)
    assert auth.authenticate_token("tok1") == (UserInfo("alice", uid="1", groups=["dev", "ops"]), True, None)
    assert auth.authenticate_token("tok2")[0] == UserInfo("bob", uid="2")
    assert auth.authenticate_token("tok") == (None, False, None)
    bad = tmp_path / "bad.csv"
    bad.write_text("tok3,carol\n", encoding="utf-8")
    with pytest.raises(authn.CSVFileError, match=r"token file '.*' must have at least 3 columns .* found 2"):
        TokenFileAuthenticator.from_csv(str(bad))


@pytest.mark.parametrize(("token", "name", "groups"), [
    ("alice/g1,g2", "alice", ["g1", "g2"]), ("bob", "bob", []), ("carol/", "carol", []), ("a/b/c", "a/b", ["c"]),
])
def test_authn_anytoken(token: str, name: str, groups: list[str]) -> None:
    assert AnyTokenAuthenticator().authenticate_token(token) == (UserInfo(name, groups=groups), True, None)


def test_authn_x509() -> None:
    ca_error = ValueError("x509: certificate signed by unknown authority")
    leaf = Certificate("erin", ("admins",))
    seen: list[list[Certificate]] = []

    def verify(cert: Certificate, intermediates: list[Certificate]) -> list[list[Certificate]]:
        seen.append(intermediates)
        if cert.common_name == "mallory":
            raise ca_error
        return [[cert, *intermediates]]

    auth = authn.X509Authenticator(verify)
    assert auth.authenticate_request(Request()) == (None, False, None)
    user, ok, _ = auth.authenticate_request(Request(peer_certificates=(leaf, Certificate("intermediate"))))
    assert ok
    assert user == UserInfo("erin", groups=["admins"])
    assert seen[-1] == [Certificate("intermediate")]
    assert auth.authenticate_request(Request(peer_certificates=(Certificate("mallory"),))) == (None, False, ca_error)
    assert auth.authenticate_request(Request(peer_certificates=(Certificate(""),))) == (None, False, None)


def test_authn_filter() -> None:
    def api(req: Request) -> Response:
        assert "authorization" not in {k.lower() for k in req.headers}
        return Response(200, body=req.user.name if req.user else "")

    tokens = BearerTokenAuthenticator(TokenFileAuthenticator({"t": UserInfo("alice")}))
    handler = authn.with_authentication(api, tokens, authn.unauthorized(supports_basic_auth=True))
    ok = handler(bearer("t"))
    assert (ok.status, ok.body) == (200, "alice")
    denied = handler(bearer("nope"))
    assert denied.status == 401
    assert denied.headers["WWW-Authenticate"] == 'Basic realm="kubernetes-master"'
    no_basic = authn.with_authentication(api, tokens, authn.unauthorized(supports_basic_auth=False))(Request())
    assert no_basic.status == 401
    assert "WWW-Authenticate" not in no_basic.headers
    assert authn.with_authentication(api, None, authn.unauthorized(False)) is api


def test_authn_chain_order() -> None:
    order: list[str] = []

    def authenticate(req: Request) -> authn.AuthResult:
        order.append("authn")
        return UserInfo("alice"), True, None

    def authorize(attrs: authorizer.AttributesRecord) -> authorizer.AuthzResult:
        order.append(f"authz:{attrs.user.name if attrs.user else None}")
        return True, "", None

    def api(req: Request) -> Response:
        order.append("api")
        return Response(200)

    secure, insecure = authz.build_handler_chain(api, RequestFunc(authenticate), authorizer.AuthorizerFunc(authorize))
    assert secure(Request(path="/api/v1/pods")).status == 200
    assert order == ["authn", "authz:alice", "api"]
    order.clear()
    assert insecure(Request(path="/api/v1/pods")).status == 200
    assert order == ["api"]


def test_authn_loopback_token(files: tuple[str, str]) -> None:
    tokens, _ = files
    configured, _ = authn.new(AuthenticatorConfig(token_auth_file=tokens))
    chain = authn.with_loopback_token(configured, "loopback-secret", uid="u-1")
    assert chain is not None
    user, ok, _ = chain.authenticate_request(bearer("loopback-secret"))
    assert ok
    assert user == UserInfo("system:apiserver", uid="u-1", groups=["system:masters"])
    assert chain.authenticate_request(bearer("tok2"))[0].name == "bob"  # type: ignore[union-attr]
    assert authn.with_loopback_token(None, "x") is None


def test_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    authn._demo()  # noqa: SLF001 - the module's `python -m` demo
    assert "system:anonymous" in capsys.readouterr().out
