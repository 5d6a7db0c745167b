"""Parity runner for authentication vectors: authenticator.New over token and password files, then requests.

A vector's inputs are `{"config": {anonymous, any_token, basic_auth_file, token_auth_file, keystone_url?}, "requests":
[{"headers": [[name, value], ...]}]}` with the files' CSV text inline (written to a temporary directory as
basic.csv and tokens.csv; `<DIR>` in error texts stands for it; a Keystone URL is one nothing listens on, so
every login fails); its outputs are New's error, or the
chain's answer and the filter's (status, body, challenge, what the next handler saw) for each request.
`walkthrough parity --live --model authn` prints such files (`harness/authn/main.go` is the Go side).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from walkthrough.parity import Outcome, guarded
from walkthrough.reimpl.kubernetes import authn


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `i-authn.json`, or whose meta names authenticator.New."""
    return "authn" in file_name.lower() or "authenticator.New" in str(meta.get("functions", ""))


def run(data: dict[str, Any]) -> list[Outcome]:
    """One outcome per vector."""
    return [guarded(f"vectors[{index}]", vector["outputs"], lambda inputs=vector["inputs"]: outputs(inputs))
            for index, vector in enumerate(data.get("vectors", []))]


def _user(user: authn.UserInfo | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"name": user.name, "uid": user.uid, "groups": list(user.groups), "extra": dict(user.extra)}


def _request(raw: dict[str, Any]) -> authn.Request:
    return authn.Request(method="GET", path="/api", headers=dict(raw["headers"]))


def _through_filter(auth: Any, raw: dict[str, Any], *, basic: bool) -> dict[str, Any]:
    """What WithAuthentication answers, and what the handler behind it sees."""
    seen: dict[str, Any] = {"seen_authorization": [], "seen_user": None}

    def inner(req: authn.Request) -> authn.Response:
        seen["seen_authorization"] = [v for k, v in req.headers.items() if k.lower() == "authorization"]
        seen["seen_user"] = req.user.name if req.user is not None else None
        return authn.Response(200, {"Content-Type": "text/plain; charset=utf-8"}, "ok")

    response = authn.with_authentication(inner, auth, authn.unauthorized(basic))(_request(raw))
    return {"status": response.status, "body": response.body,
            "www_authenticate": response.headers.get("WWW-Authenticate", ""),
            "content_type": response.headers.get("Content-Type", ""), **seen}


def _refused(url: str, user: str, password: str) -> None:
    """The Keystone login: nothing listens at the vectors' URLs."""
    raise ConnectionRefusedError(url, user, password)


def outputs(request: dict[str, Any]) -> dict[str, Any]:
    """authn.new over the files of `config`, then each request through the chain and through the filter."""
    raw_config = request["config"]
    with tempfile.TemporaryDirectory(prefix="walkthrough-authn-") as tmp:
        config = authn.AuthenticatorConfig(anonymous=raw_config["anonymous"], any_token=raw_config["any_token"],
                                           keystone_url=raw_config.get("keystone_url", ""), keystone_login=_refused)
        for key, name in (("basic_auth_file", "basic.csv"), ("token_auth_file", "tokens.csv")):
            if raw_config[key] is not None:
                path = Path(tmp) / name
                path.write_bytes(raw_config[key].encode())
                setattr(config, key, str(path))
        try:
            auth, definitions = authn.new(config)
        except (authn.CSVFileError, ValueError) as exc:
            return {"error": str(exc).replace(tmp, "<DIR>")}
    results = []
    for raw in request["requests"]:
        result: dict[str, Any] = {"user": None, "ok": False, "error": None}
        if auth is not None:
            user, ok, err = auth.authenticate_request(_request(raw))
            result |= {"user": _user(user), "ok": ok, "error": None if err is None else str(err)}
        result |= _through_filter(auth, raw, basic=raw_config["basic_auth_file"] is not None)
        results.append(result)
    return {"authenticator": auth is not None, "security_definitions": sorted(definitions), "results": results}
