"""kube-apiserver v1.5.2 authentication: the chain authenticator.New builds, and the WithAuthentication filter.

Requests are `{"config": {anonymous, any_token, basic_auth_file, token_auth_file}, "requests": [{"headers":
[[name, value], ...]}]}` with the files' CSV text inline; answers are New's error, or per request the
chain's (user, ok, error) and what the filter answered (status, body, the Basic challenge) and let
through (the Authorization values and the user the next handler saw). See `harness/authn/main.go`.

Generated: token and password files with quoted fields, commas and quotes inside them, short
records, blank lines, CRLF, bare and unbalanced quotes; the four switches; Authorization headers in
every case of the header name, Bearer and Basic in any case, tokens from the file and not, base64
that is and is not, several spaces, unicode spaces, and none.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from walkthrough.parity import authn as golden
from walkthrough.parity.live import LiveFamily

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

TOKENS = ["abc", "t0k3n", "x/y", "", "bob/ops,qa"]
NAMES = ["alice", "bob", "", "system:admin"]
PASSWORDS = ["pw", "", "p:w", "secret"]


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


def _csv_field(st: Any, pool: list[str]) -> Any:
    """A CSV field: plain, quoted (with doubled quotes and commas inside), or broken."""
    plain = st.sampled_from(pool)
    quoted = st.builds(lambda t: '"' + t.replace('"', '""') + '"',
                       st.one_of(plain, st.sampled_from(["dev,ops", 'say "hi"', "a\nb", " x "])))
    broken = st.sampled_from(['a"b', '"open', '"x"y', '"', 'x"'])
    return st.one_of(plain, plain, plain, plain, plain, quoted, quoted, broken, st.text(max_size=3))


def csv_files(first: list[str]) -> SearchStrategy[str]:
    """CSV text whose records start with a field from `first` (tokens or passwords)."""
    st = _st()
    record = st.builds(",".join,
                       st.lists(st.one_of(_csv_field(st, first), _csv_field(st, NAMES),
                                          _csv_field(st, ["1", "2", "", "dev", "dev,ops"])), min_size=1, max_size=5))
    good = st.builds(lambda a, b, c, rest: ",".join([a, b, c, *rest]), st.sampled_from(first), st.sampled_from(NAMES),
                     st.sampled_from(["1", "2", ""]), st.lists(st.sampled_from(['"dev,ops"', "qa", ""]), max_size=1))
    line = st.one_of(good, good, good, good, good, record, st.just(""))
    ending = st.sampled_from(["\n", "\n", "\r\n", ""])
    return st.builds(lambda lines, end: "\n".join(lines) + end if lines else "", st.lists(line, max_size=4), ending)


def _authorization(st: Any) -> Any:
    def basic(user: str, password: str, scheme: str, sep: str) -> str:
        return scheme + " " + base64.b64encode((user + sep + password).encode()).decode()

    bearer = st.builds(lambda token: "Bearer " + token, st.sampled_from(TOKENS))
    return st.one_of(
        bearer, bearer,
        st.builds(lambda scheme, token, gap: scheme + gap + token,
                  st.sampled_from(["Bearer", "bearer", "BEARER", "Bearer"]), st.sampled_from([*TOKENS, "nope"]),
                  st.sampled_from([" ", " ", "  ", "\t", "\u2003"])),
        st.builds(basic, st.sampled_from([*NAMES, "carol"]), st.sampled_from([*PASSWORDS, "wrong"]),
                  st.sampled_from(["Basic", "Basic", "basic", "BASIC", "Basic "]), st.sampled_from([":", ":", ""])),
        st.sampled_from(["Basic !!", "Basic aGk", "Basic Ym9iOnB3=", "Bearer", "bearer ", " Bearer abc ", "abc",
                         "Basic", "Basic\u00a0Ym9iOnB3", "Negotiate abc", ""]),
        st.text(max_size=8),
    )


def requests() -> SearchStrategy[dict[str, Any]]:
    """A configuration and a few requests."""
    st = _st()
    headers = st.dictionaries(st.sampled_from(["Authorization", "authorization", "AUTHORIZATION", "X-Remote-User"]),
                              _authorization(st), max_size=2).map(lambda d: [[k, v] for k, v in d.items()])
    config = st.fixed_dictionaries({
        "anonymous": st.booleans(), "any_token": st.booleans(),
        "basic_auth_file": st.one_of(st.none(), csv_files(PASSWORDS)),
        "token_auth_file": st.one_of(st.none(), csv_files(TOKENS)),
        "keystone_url": st.sampled_from(["", "", "", "", "https://127.0.0.1:1/v2.0", "http://127.0.0.1:1/", "ftp://x"]),
    })
    return st.fixed_dictionaries({"config": config,
                                  "requests": st.lists(st.fixed_dictionaries({"headers": headers}), max_size=4)})


def model(request: dict[str, Any]) -> dict[str, Any]:
    """The golden runner's answer to one request."""
    return golden.outputs(request)


def vector(request: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The request and the Go's answer (authentication has no golden file yet: this is its format)."""
    return {"meta": {"functions": "authenticator.New then AuthenticateRequest and handlers.WithAuthentication "
                                  "(live parity, harness/authn)",
                     "source": "k8s.io/kubernetes/pkg/apiserver/authenticator (Kubernetes v1.5.2)"},
            "vectors": [{"inputs": request, "outputs": answer}]}


FAMILY = LiveFamily(
    name="authn",
    world="kubernetes",
    what="authenticator.New (password file, token file, any token, anonymous) and WithAuthentication",
    requests=requests,
    model=model,
    vector=vector,
)
