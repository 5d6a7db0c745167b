"""Parity runner for end-to-end apiserver sessions (`l-apiserver.json` and files like it).

A session is a list of HTTP requests (method, path with query, headers, body) sent in order to a fresh
Kubernetes v1.5.2 apiserver configured as `walkthrough run kubernetes.apiserver` is (token users, ABAC
or RBAC, ResourceQuota admission, namespaces `dev` and `default`, the `dev` quota of two pods); the
recorded outputs are each response's status code, content type and body, or `{"crashed": true}`
where the server process died (a panic in a storage goroutine ends kube-apiserver v1.5.2). The
model is the miniature apiserver, called in process (`model`); both answers are compared after
`normalise`, which numbers what either server draws at random.
"""

from __future__ import annotations

import json
import re
from typing import Any

from walkthrough.parity import Outcome, guarded


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `l-apiserver*.json`, or whose meta says they hold apiserver sessions."""
    return file_name.startswith("l-apiserver") or "apiserver sessions" in str(meta.get("functions", ""))


def run(data: dict[str, Any]) -> list[Outcome]:
    """Each session through a fresh miniature apiserver, compared normalised."""
    outcomes = []
    for index, vector in enumerate(data.get("sessions", [])):
        inputs = vector["inputs"]
        first = inputs["requests"][0] if inputs["requests"] else {}
        name = (f"sessions[{index}] {len(inputs['requests'])} requests, "
                f"{first.get('method', '')} {first.get('path', '')}")
        outcomes.append(guarded(name, normalise(vector["outputs"]), lambda i=inputs: normalise(model(i)),
                                subset=False))
    return outcomes


def model(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The miniature apiserver's answers: built fresh, each request through its secure handler chain."""
    from walkthrough.reimpl.kubernetes import apiserver  # noqa: PLC0415 - the model is imported when used
    from walkthrough.reimpl.kubernetes.restful import ProcessCrash, Request, Response  # noqa: PLC0415

    mini = apiserver.build_server(request["authz"], 0, log=lambda _line: None)
    answers: list[dict[str, Any]] = []
    try:
        for sent in request["requests"]:
            req = Request.new(sent["method"], sent["path"], dict(sent["headers"]), sent["body"].encode())
            try:
                res = mini.server.handler(req, Response()) or Response()
            except ProcessCrash:
                answers.append({"crashed": True})  # the server is gone: the session ends
                break
            answers.append({"code": res.status, "content_type": res.headers.get("Content-Type"),
                            "body": res.body.decode("utf-8", "replace")})
    finally:
        mini.shutdown()
    return answers


_UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_GENERATED = re.compile(r"\b(web|Bad)-[bcdfghjklmnpqrstvwxz0-9]{5}\b")  # generateName + utilrand.String(5)
_TIME_KEYS = {"creationTimestamp", "deletionTimestamp"}


def normalise(answer: Any) -> Any:
    """Answers comparable across servers: what either draws at random replaced.

    Bodies are parsed as JSON where they are; uids, cluster IPs and node ports numbered by first appearance,
    timestamps blanked, the random suffix of a generated name replaced. The causes of a validation error are
    compared as a set: the Go validates resource lists and labels by ranging over maps, so their order (and
    the order of the message's list, made of them) differs from run to run of the same server.
    What either server draws at random is replaced consistently within one session, so a value that two
    responses share still reads the same in both.
    """
    if not isinstance(answer, list):
        return answer
    seen: dict[tuple[str, Any], str] = {}

    def numbered(what: str, value: Any) -> str:
        return seen.setdefault((what, value), f"<{what} {sum(1 for k in seen if k[0] == what) + 1}>")

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if key in _TIME_KEYS and isinstance(item, str):
                    out[key] = "<time>"
                elif key == "clusterIP" and item not in ("", "None"):
                    out[key] = numbered("ip", item)
                elif key == "nodePort" and isinstance(item, int) and 30000 <= item <= 32767:  # noqa: PLR2004
                    out[key] = numbered("port", item)
                else:
                    out[key] = walk(item)
            return out
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            value = _UID.sub(lambda m: numbered("uid", m.group(0)), value)
            return _GENERATED.sub(r"\1-<random>", value)
        return value

    out = []
    for response in answer:
        text = response.get("body", "")
        try:
            parsed: Any = json.loads(text)
        except ValueError:
            parsed = text
        out.append({**response, "body": walk(_causes_as_a_set(parsed))})
    return out


def _causes_as_a_set(body: Any) -> Any:
    """A Status whose causes (and the `[...]` list of its message, one item per cause) are in a fixed order."""
    if not isinstance(body, dict) or not isinstance(body.get("details"), dict):
        return body
    details: dict[str, Any] = body["details"]
    causes = details.get("causes")
    message = body.get("message")
    if not isinstance(causes, list) or not all(isinstance(c, dict) for c in causes) or len(causes) < 2:  # noqa: PLR2004
        return body
    items = [f"{c.get('field', '')}: {c.get('message', '')}" if c.get("field") else str(c.get("message", ""))
             for c in causes]
    ordered = sorted(range(len(causes)), key=lambda i: items[i])
    fixed = {**body, "details": {**details, "causes": [causes[i] for i in ordered]}}
    listed = "[" + ", ".join(items) + "]"
    if isinstance(message, str) and message.endswith(listed):
        fixed["message"] = message[: -len(listed)] + "[" + ", ".join(items[i] for i in ordered) + "]"
    return fixed
