"""Parity runner for docker-cli vectors: the `docker` client's address parsing and command dispatch (Docker 1.12.3).

One list per op of the live family `docker_cli` (`parse_host`, `validate_host`, `parse_tcp_addr`,
`client_parse_host`, `api_client`, `main`); each vector's inputs are that request without its `op`, its
outputs the harness's answer. `main` runs the model in the harness's scratch layout: `home/`, `junk/`
holding `ca.pem`, `cert.pem` and `key.pem` (no PEM inside), `dockerd` beside argv0 and/or on PATH
(`$ROOT/path-with/dockerd`); nothing absolute exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walkthrough.parity import Outcome, guarded
from walkthrough.reimpl.docker import _gostd, cli

if TYPE_CHECKING:
    from walkthrough.errors import WalkthroughError

OPS = ("parse_host", "validate_host", "parse_tcp_addr", "client_parse_host", "api_client", "main")
ROOT = "$ROOT"
"""The harness's name for its scratch directory in answers."""
FILES = {"junk/ca.pem": "junk\n", "junk/cert.pem": "junk\n", "junk/key.pem": "junk\n"}
DIRECTORIES = {"home", "junk", "path-with", "path-without"}


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `o-docker-cli.json`, or whose meta names cmd/docker's main."""
    return "docker-cli" in file_name.lower() or "cmd/docker main" in str(meta.get("functions", ""))


def _error(value: dict[str, Any], exc: WalkthroughError | None) -> dict[str, Any]:
    if exc is not None:
        value["error"] = exc.message
    return value


def _exists(path: str) -> bool:
    """The scratch directory the harness runs `main` in (relative paths; nothing absolute exists)."""
    clean = _gostd.filepath_clean(path) if path else ""
    return clean in FILES or clean in DIRECTORIES or clean == "."


def _read(path: str) -> str | None:
    clean = _gostd.filepath_clean(path) if path else ""
    if clean in DIRECTORIES or clean == ".":
        raise IsADirectoryError(path)
    return FILES.get(clean)


def _run_record(invocation: cli.Invocation) -> dict[str, Any]:
    detail = invocation.state
    options = detail["tls_options"]
    if isinstance(options, dict):
        options = {**options, "insecure_skip_verify": options["insecure_skip_verify"] == "true"}
    args = invocation.detail.get("cobra_args", invocation.args)
    return {"handler": invocation.handler, "command": invocation.command, "args": args,
            "client": {k: detail[k] for k in ("proto", "addr", "base_path", "version")},
            "flags": {"tls_options": options, "hosts": detail["hosts"], "trust_key": detail["trust_key"]}}


def _main(request: dict[str, Any]) -> dict[str, Any]:
    beside = _gostd.filepath_join(_gostd.filepath_dir(request["argv0"]), "dockerd")
    outcome = cli.main(
        [request["argv0"], *request["argv"]], environ=request["env"],
        daemon_exists=lambda p: request["dockerd_beside"] and p == beside,
        look_path=lambda _name: f"{ROOT}/path-with/dockerd" if request["dockerd_on_path"] else None,
        exists=_exists, read=_read,
    )
    answer: dict[str, Any] = {"exit_code": outcome.exit_code, "stdout": outcome.stdout, "stderr": outcome.stderr,
                              "inits": outcome.docker_cli_inits, "runs": []}
    if outcome.parsed:
        answer["parsed"] = {"args": outcome.global_args, "flags_set": outcome.flags_set}
    for invocation in outcome.trace:
        if invocation.handler == "DaemonProxy":
            argv = invocation.detail["argv"]
            answer["exec"] = {"path": invocation.detail["exec"], "args": argv[1:]}  # type: ignore[index]
        else:
            answer["runs"].append(_run_record(invocation))
    return answer


def _api_client(request: dict[str, Any]) -> dict[str, Any]:
    env = request["env"]
    options = {"ca": "", "cert": "", "key": "", "insecure_skip_verify": "true"} if request["tls"] else None
    try:
        host = cli.get_server_host(request["hosts"], options, env)
        cli.new_http_client(options, _read)
        client = cli.new_client(host, env.get("DOCKER_API_VERSION", "") or cli.DEFAULT_API_VERSION, {})
    except cli.CliError as exc:
        return {"error": exc.message}
    return {"proto": client.proto, "addr": client.addr, "base_path": client.base_path, "version": client.version}


def model(request: dict[str, Any]) -> Any:
    """The model's answer, in the harness's shape."""
    op = request["op"]
    if op == "main":
        return _main(request)
    if op == "api_client":
        return _api_client(request)
    if op == "validate_host":
        value, err = cli.validate_host(request["val"])
        return _error({"value": value}, err)
    try:
        if op == "parse_host":
            return {"host": cli.parse_host(request["default_to_tls"], request["val"])}
        if op == "parse_tcp_addr":
            return {"addr": cli.parse_tcp_addr(request["try_addr"], request["default_addr"])}
        proto, addr, base_path = cli.parse_client_host(request["host"])
    except cli.CliError as exc:
        failures: dict[str, dict[str, Any]] = {
            "parse_host": {"host": request.get("val")}, "parse_tcp_addr": {"addr": ""},
            "client_parse_host": {"proto": "", "addr": "", "base_path": ""}}
        failed = failures[op]
        return _error(failed, exc)
    return {"proto": proto, "addr": addr, "base_path": base_path}


def normalise(answer: Any) -> Any:
    """The release build's version stamp: a harness build says `library-import` (dockerversion's default)."""
    if isinstance(answer, dict) and isinstance(answer.get("stdout"), str):
        stamped = f"Docker version {cli.VERSION}, build {cli.GIT_COMMIT}"
        return {**answer, "stdout": answer["stdout"].replace("Docker version library-import, build library-import",
                                                             stamped)}
    return answer


def run(data: dict[str, Any]) -> list[Outcome]:
    """One Outcome per vector of each op's list."""
    outcomes = []
    for op in OPS:
        for index, vector in enumerate(data.get(op, [])):
            request = {"op": op, **vector["inputs"]}
            outcomes.append(guarded(f"{op}[{index}] {str(vector['inputs'])[:60]}", vector["outputs"],
                                    lambda request=request: model(request), subset=False))
    return outcomes
