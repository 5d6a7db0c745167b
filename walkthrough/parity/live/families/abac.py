"""Kubernetes v1.5.2 ABAC: policy files through abac.NewFromFile, then Authorize, against `abac.py`.

Requests are `{"lines": [...], "attributes": [...]}`: the policy file's lines and the attribute
records to authorize (the shape of `d-abac.json`'s vectors). Answers are `{"load": {"error": ...}}`
or `{"load": {"policies": [...]}, "decisions": [...]}`, with the matching line numbers of each
decision, so the vector file holds a load vector and, when the file loads, authorization vectors.

Generated lines: v1beta1 objects and legacy (v0) objects from a small pool of names so that policies
match; odd `apiVersion`/`kind` values (no group, unregistered versions, three slashes, other kinds,
wrong types); keys in other cases, duplicates and unknown keys; wrong value types; broken JSON;
YAML-looking lines (`user: "alice"`, flow sequences, block sequences, comments); blank and comment
lines.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walkthrough.parity.live import LiveFamily
from walkthrough.parity.live.families._authz import authz_attributes
from walkthrough.parity.live.process import scratch_dir
from walkthrough.parity.rbac import attributes
from walkthrough.reimpl.kubernetes import abac
from walkthrough.reimpl.kubernetes._go import GO_SPACES, GoPanic

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

FILE = "policy.jsonl"
NAMES = ["alice", "bob", "admin", "*", "", "system:anonymous", "Alice"]
GROUPS = ["dev", "ops", "*", "", "system:authenticated", "system:unauthenticated"]
RESOURCES = ["pods", "services", "*", "", "pods/log", "deployments"]
NAMESPACES = ["default", "kube-system", "*", ""]
API_GROUPS = ["", "extensions", "*", "apps"]
PATHS = ["/healthz", "/api", "/api/*", "*", "", "/version", "/apis/*", "/logs/"]
API_VERSIONS = ["abac.authorization.kubernetes.io/v1beta1", "abac.authorization.kubernetes.io/v0", "v1beta1",
                "v0", "", "/", "abac.authorization.kubernetes.io", "abac.authorization.kubernetes.io/",
                "abac.authorization.kubernetes.io/__internal", "__internal",
                "/v1beta1", "a/b/c", "v1", "rbac.authorization.k8s.io/v1alpha1",
                "ABAC.authorization.kubernetes.io/v1beta1"]
KINDS = ["Policy", "Policy", "policy", "", "Pod", "PolicyList"]


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


ODD_VALUES: list[Any] = [None, True, False, 0, 1, -3, 0.5, -1e-7, 2.5e16, 1e300, [], ["alice"], ["alice", "*"], {},
                         {"alice": 1}, "", " ", "\u00e9", 'a"b', "\\", "<&>", "\u2028", "\x00", "x" * 40]
"""JSON values of the wrong type (or odd strings) for a field, drawn as one."""


def _odd_values(st: Any) -> Any:
    """JSON values of the wrong type for a field."""
    return st.sampled_from(ODD_VALUES)


def _field(st: Any, pool: list[str]) -> Any:
    """A field's value in one draw: mostly from the pool, sometimes odd."""
    return st.sampled_from([*pool, *pool, *pool, *ODD_VALUES])


def _spec(st: Any, *, v0: bool) -> Any:
    """The fields of a v0 line or a v1beta1 spec, each optional, sometimes of the wrong type."""
    readonly = st.sampled_from([True, False, True, False, True, False, "true", "yes", *ODD_VALUES])
    fields = {"user": _field(st, NAMES), "group": _field(st, GROUPS), "readonly": readonly,
              "resource": _field(st, RESOURCES), "namespace": _field(st, NAMESPACES)}
    if not v0:
        fields |= {"apiGroup": _field(st, API_GROUPS), "nonResourcePath": _field(st, PATHS)}
    extra = st.dictionaries(st.sampled_from(["User", "USER", "Readonly", "spec", "Spec", "unknown", "nonResourcePath",
                                             "apigroup", "kind"]), _field(st, NAMES), max_size=2)
    return st.builds(lambda d, e: {**e, **d} if e else d, st.fixed_dictionaries({}, optional=fields), extra)


def _json_line(st: Any) -> Any:
    """A JSON object line: v1beta1, v0 (versioned or not), odd headers; compact or spaced."""
    version = st.one_of(st.sampled_from(API_VERSIONS), st.sampled_from(API_VERSIONS), _odd_values(st),
                        st.text(max_size=6))
    kind = st.one_of(st.sampled_from(KINDS), st.sampled_from(KINDS), _odd_values(st))
    header_keys = st.sampled_from([("apiVersion", "kind"), ("apiVersion", "kind"), ("APIVERSION", "Kind"),
                                   ("apiversion", "KIND"), ("apiVer\u017fion", "\u212aind"), ("apiVersion ", "kind")])

    def v1beta1(keys: tuple[str, str], v: Any, k: Any, spec: Any, which: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if which & 1:
            out[keys[0]] = v
        if which & 2:
            out[keys[1]] = k
        out["spec"] = spec
        return out

    def v0(keys: tuple[str, str], v: Any, k: Any, spec: dict[str, Any], which: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if which & 1:
            out[keys[0]] = v
        if which & 2:
            out[keys[1]] = k
        return {**out, **spec}

    internal = st.fixed_dictionaries({}, optional={"User": _field(st, NAMES), "Readonly": st.booleans(),
                                                    "Resource": _field(st, RESOURCES), "Group": _field(st, GROUPS)})
    spec_v1 = st.one_of(_spec(st, v0=False), _spec(st, v0=False), _odd_values(st))
    objects = st.one_of(
        st.builds(v1beta1, header_keys, version, kind, spec_v1, st.integers(0, 3)),
        st.builds(v0, header_keys, version, kind, _spec(st, v0=True), st.integers(0, 3)),
        st.builds(lambda s: s, _spec(st, v0=True)),
        st.builds(lambda v, k, s: {"apiVersion": v, "kind": k, "Spec": s},
                  st.sampled_from(["abac.authorization.kubernetes.io/__internal", "__internal"]), kind, internal),
    )
    return st.builds(lambda obj, compact: json.dumps(obj, ensure_ascii=False, separators=(",", ":") if compact
                                                     else (", ", ": ")), objects, st.booleans())


def _broken(st: Any, line: Any) -> Any:
    """Lines that are not quite JSON."""
    return st.one_of(
        st.builds(lambda t, n: t[: max(1, len(t) - n)], line, st.integers(1, 8)),
        line.map(lambda t: t + "}"), line.map(lambda t: t + " x"), line.map(lambda t: "  " + t + "\t"),
        st.builds(lambda sp, t: sp + t, st.sampled_from(["\xa0", "\u2028", "\x85", "\x1c", "\u3000", "\v"]), line),
        line.map(lambda t: t.replace('"', "'", 1)), line.map(lambda t: t.replace(":", " ", 1)),
        st.sampled_from(["{", "}", "[]", "[1]", "null", "true", "1", '"x"', "{}", "{ }", '{"user":alice}',
                         '{"user":"a",}', '{"readonly":tru}', '{"user":"\\x"}', '{"user":"\\u12"}',
                         '{"n":-}', '{"n":1.}', '{"n":1e}', '{"n":01}']),
    )


YAML_SCALARS = [*NAMES, "true", "false", "yes", "no", "on", "Off", "y", "null", "~", "1", "0x1F", "1.5", "1e3", ".inf",
                "-.inf", ".nan", "-", "'alice'", '"alice"', '"a\\tb"', '"\\x41"', '"\\q"', "'it''s'", "a b", "[a, b]",
                "{a: b}", "&x a", "*x", "!!str 1", "!!int a", "!!bool yes", "!!binary aGk=", "!!binary x", "!foo x",
                "a # c", "a#b", "<b>", "|", ">-", "1_000", "0b101", "-0", "123456789012345678901234567890", "v0",
                "abac.authorization.kubernetes.io/v1beta1", "abac.authorization.kubernetes.io/v0", "Policy", "'", '"',
                "[", "{", "}", "]", "@a", "`a", "a: b", "- a", "? a", ""]
YAML_KEYS = ["user", "group", "readonly", "namespace", "apiVersion", "kind", "resource", "spec", "User", "<<",
             "apiGroup", "nonResourcePath", "1", "~", "[a]", "? a", "''", '"kind"']


def _yaml_line(st: Any) -> Any:
    """Lines the YAML serializer reads (anything that does not start with '{' after spaces)."""
    key = st.sampled_from(YAML_KEYS)
    scalar = st.one_of(st.sampled_from(YAML_SCALARS), st.text(max_size=4))
    pair = st.builds(lambda k, v: f"{k}: {v}", key, scalar)
    flow = st.lists(st.one_of(pair, pair, key), max_size=4).map(lambda ps: "{" + ", ".join(ps) + "}")
    spec = st.builds(lambda v, k, body: f"{{apiVersion: {v}, kind: {k}, spec: {body}}}",
                     st.sampled_from(API_VERSIONS[:6]), st.sampled_from(KINDS[:3]), flow)
    document = st.one_of(pair, pair, flow, spec, st.builds(lambda a, b: f"{a}, {b}", pair, pair),
                         st.builds(lambda s: "- " + s, scalar), st.builds(lambda a, b: f"[{a}, {b}]", scalar, scalar),
                         scalar, st.sampled_from(["---", "...", "%YAML 1.1", "%YAML 1.2 ---", "%TAG ! x", "? a", ": a",
                                                  "a:", "a: b: c", "\tuser: a", "user:\ta", "user:a", "- - a",
                                                  "&a [*a]",
                                                  "<<: {user: a}", "{<<: [{user: a}, {user: b}]}", "user: [a]",
                                                  "user: {a: 1}", "a: b\rc: d", "'a\rb'"]))
    prefixed = st.builds(lambda pre, d: pre + d, st.sampled_from(["", "", "", "\ufeff", "&a ", "!!map ", "--- ", "! ",
                                                                  "!!str ", " "]), document)
    return st.one_of(prefixed, prefixed, st.text(max_size=10))


def lines() -> SearchStrategy[list[str]]:
    """A policy file: mostly good lines, sometimes one of the odd ones."""
    st = _st()
    good = _json_line(st)
    line = st.one_of(good, good, good, good, _broken(st, good), _yaml_line(st), _yaml_line(st),
                     st.sampled_from(["", "   ", "# a comment", "  # indented", "#", "\t"]))
    return st.lists(line.filter(lambda t: "\n" not in t and "\r" not in t), min_size=0, max_size=5)


def requests() -> SearchStrategy[dict[str, Any]]:
    """A policy file and a few requests to authorize."""
    st = _st()
    return st.builds(lambda ls, attrs: {"lines": ls, "attributes": attrs}, lines(),
                     st.lists(authz_attributes(NAMES, GROUPS, ["pods", "services", "deployments", "nodes", ""],
                                               NAMESPACES, API_GROUPS, PATHS), max_size=3))


def _policy_line(line: str) -> bool:
    """Not blank and not a comment, as NewFromFile trims (strings.TrimSpace)."""
    trimmed = line.strip(GO_SPACES)
    return bool(trimmed) and not trimmed.startswith("#")


def model(request: dict[str, Any]) -> dict[str, Any]:
    """The model's answer: load the same file, then authorize with it and with each line alone.

    Each line alone is loaded in memory (`load_policies`), which is what NewFromFile does with a file of that
    one line once it has read it.
    """
    with tempfile.TemporaryDirectory(prefix="walkthrough-abac-", dir=scratch_dir()) as tmp:
        path = Path(tmp) / FILE
        path.write_bytes("".join(line + "\n" for line in request["lines"]).encode("utf-8"))
        try:
            policies = abac.new_from_file(str(path))
        except abac.PolicyLoadError as exc:
            return {"load": {"error": str(exc).replace(tmp, "<DIR>")}}
        except GoPanic as exc:
            return {"load": {"panic": str(exc)}}
    singles = [(number, abac.load_policies([line.encode("utf-8")], "single.jsonl"))
               for number, line in enumerate(request["lines"], 1) if _policy_line(line)]
    decisions = []
    for raw in request["attributes"]:
        attrs = attributes(raw)
        allowed, reason, err = policies.authorize(attrs)
        decision: dict[str, Any] = {"allowed": allowed, "reason": reason,
                                    "matching_policy_lines": [n for n, single in singles
                                                              if single.authorize(attrs)[0]]}
        if err is not None:
            decision["error"] = str(err)
        decisions.append(decision)
    return {"load": {"policies": [p.to_json() for p in policies]}, "decisions": decisions}


def vector(request: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """A d-abac.json-shaped file: the load vector, and the authorization vectors when the file loads."""
    out: dict[str, Any] = {
        "meta": {"functions": "abac.NewFromFile then Authorize, as in d-abac.json (live parity)",
                 "source": "k8s.io/kubernetes/pkg/auth/authorizer/abac (Kubernetes v1.5.2)"},
        "load_vectors": [{"inputs": {"file_name": FILE, "file_lines": request["lines"]}, "outputs": answer["load"]}],
    }
    if "policies" in answer["load"] and request["attributes"] and any(_policy_line(t) for t in request["lines"]):
        out["policy_lines"] = request["lines"]
        out["vectors"] = [{"inputs": {"attributes": a}, "outputs": d}
                          for a, d in zip(request["attributes"], answer["decisions"], strict=True)]
    return out


FAMILY = LiveFamily(
    name="abac",
    world="kubernetes",
    what="abac.NewFromFile (both formats, every decode error) and policyList.Authorize",
    requests=requests,
    model=model,
    vector=vector,
)
