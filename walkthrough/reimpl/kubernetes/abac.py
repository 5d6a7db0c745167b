"""ABAC authorization of Kubernetes v1.5.2: the policy file, its two formats, and matching.

A policy file holds one JSON object per line. Versioned lines look like
`{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {...}}`;
lines without apiVersion or kind are the legacy (v0) format, e.g. `{"user": "alice"}`, and are
converted, with v0's "empty means everything" defaults.

Public API:
    PolicySpec, Policy                                 # the internal api.Policy (Go field names)
    new_from_file(path) -> PolicyList                  # raises PolicyLoadError / OSError like NewFromFile
    load_policies(lines, path) -> PolicyList           # the same over lines already in memory
    PolicyList.authorize(attrs) -> (allowed, reason, error | None)
    matches(policy, attrs), subject_matches, verb_matches, resource_matches, non_resource_matches

How the Go decodes a line, and how this model follows it (the messages are part of the API):
- the universal decoder first reads apiVersion/kind with encoding/json. Its syntax and type
  errors are reproduced here with a small scanner that gives Go's texts (Go 1.19's, like the
  golden vectors; v1.5.2 was built with Go 1.7 whose texts are the same for these cases);
- a line not starting with '{' goes through the YAML serializer first. Only JSON-compatible YAML
  and plain scalars/`key: value` pairs are modelled; other YAML is reported as a YAML error;
- the typed decode uses the ugorji codec, whose "[pos N]: json: decode bool: got first char X"
  style errors are modelled for bool, string and struct fields;
- registered kinds: Policy in abac.authorization.kubernetes.io/v0 and /v1beta1 only.
Run `python -m walkthrough.reimpl.kubernetes.abac` for a demo.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes.authorizer import AttributesRecord, AuthzResult

GROUP_NAME = "abac.authorization.kubernetes.io"
REGISTERED = {(GROUP_NAME, "v0", "Policy"), (GROUP_NAME, "v1beta1", "Policy")}
MAX_SCAN_TOKEN_SIZE = 64 * 1024  # bufio.MaxScanTokenSize


@mirrors("kubernetes:pkg/apis/abac.PolicySpec")
@dataclass
class PolicySpec:
    """Who (User/Group), what (Readonly, APIGroup, Resource, Namespace, NonResourcePath)."""

    User: str = ""
    Group: str = ""
    Readonly: bool = False
    APIGroup: str = ""
    Resource: str = ""
    Namespace: str = ""
    NonResourcePath: str = ""


@mirrors("kubernetes:pkg/apis/abac.Policy")
@dataclass
class Policy:
    Spec: PolicySpec = field(default_factory=PolicySpec)

    def to_json(self) -> dict[str, Any]:
        """encoding/json of the internal Policy (empty TypeMeta fields are omitted)."""
        return {"Spec": asdict(self.Spec)}


# ---------------------------------------------------------------------------------------------
# A JSON reader that fails like Go's encoding/json, and keeps where each value starts.
# ---------------------------------------------------------------------------------------------
class GoJSONError(ValueError):
    """A decode error with Go's text."""


@dataclass
class _Node:
    """A parsed JSON value: kind is object/array/string/number/bool/null; start is a byte offset."""

    kind: str
    value: Any
    start: int
    first: str  # the value's first character, which ugorji's messages quote


def _quote_char(c: str) -> str:
    """encoding/json's quoteChar, applied (like Go) to the first byte of the character."""
    b = c.encode("utf-8")[0]
    if b == ord("'"):
        return "'\\''"
    if b == ord('"'):
        return "'\"'"
    specials = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v", 92: "\\\\"}
    if b in specials:
        return "'" + specials[b] + "'"
    if b < 0x20 or b == 0x7F:
        return f"'\\x{b:02x}'"
    if 0x80 <= b < 0xA0 or b == 0xAD:
        return f"'\\u{b:04x}'"
    return "'" + chr(b) + "'"


class _GoJSONParser:
    """Recursive descent with encoding/json's scanner messages; works on UTF-8 bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.i = 0

    def fail(self, context: str) -> GoJSONError:
        if self.i >= len(self.data):
            return GoJSONError("unexpected end of JSON input")
        char = self.data[self.i : self.i + 4].decode("utf-8", "replace")[:1]
        return GoJSONError(f"invalid character {_quote_char(char)} {context}")

    def ws(self) -> None:
        while self.i < len(self.data) and self.data[self.i] in b" \t\r\n":
            self.i += 1

    def peek(self) -> int | None:
        return self.data[self.i] if self.i < len(self.data) else None

    def parse(self) -> _Node:
        node = self.value()
        self.ws()
        if self.i < len(self.data):
            raise self.fail("after top-level value")
        return node

    def value(self) -> _Node:
        self.ws()
        c = self.peek()
        start = self.i
        if c is None:
            raise self.fail("")
        first = chr(c)
        if c == ord("{"):
            return _Node("object", self.obj(), start, first)
        if c == ord("["):
            return _Node("array", self.arr(), start, first)
        if c == ord('"'):
            return _Node("string", self.string(), start, first)
        if c == ord("-") or ord("0") <= c <= ord("9"):
            return _Node("number", self.number(), start, first)
        for word, kind, val in ((b"true", "bool", True), (b"false", "bool", False), (b"null", "null", None)):
            if c == word[0]:
                self.literal(word)
                return _Node(kind, val, start, first)
        raise self.fail("looking for beginning of value")

    def literal(self, word: bytes) -> None:
        self.i += 1
        for expected in word[1:]:
            if self.peek() != expected:
                raise self.fail(f"in literal {word.decode()} (expecting {_quote_char(chr(expected))})")
            self.i += 1

    def obj(self) -> list[tuple[str, _Node]]:
        self.i += 1
        members: list[tuple[str, _Node]] = []
        self.ws()
        if self.peek() == ord("}"):
            self.i += 1
            return members
        while True:
            self.ws()
            if self.peek() != ord('"'):
                raise self.fail("looking for beginning of object key string")
            key = self.string()
            self.ws()
            if self.peek() != ord(":"):
                raise self.fail("after object key")
            self.i += 1
            members.append((key, self.value()))
            self.ws()
            c = self.peek()
            if c == ord(","):
                self.i += 1
                continue
            if c == ord("}"):
                self.i += 1
                return members
            raise self.fail("after object key:value pair")

    def arr(self) -> list[_Node]:
        self.i += 1
        items: list[_Node] = []
        self.ws()
        if self.peek() == ord("]"):
            self.i += 1
            return items
        while True:
            items.append(self.value())
            self.ws()
            c = self.peek()
            if c == ord(","):
                self.i += 1
                continue
            if c == ord("]"):
                self.i += 1
                return items
            raise self.fail("after array element")

    def string(self) -> str:
        start = self.i
        self.i += 1
        while True:
            c = self.peek()
            if c is None:
                raise self.fail("")
            if c == ord('"'):
                self.i += 1
                raw = self.data[start : self.i].decode("utf-8", "replace")
                return json.loads(raw, strict=False)
            if c < 0x20:
                raise self.fail("in string literal")
            if c == ord("\\"):
                self.i += 1
                e = self.peek()
                if e is None:
                    raise self.fail("")
                if e == ord("u"):
                    self.i += 1
                    for _ in range(4):
                        h = self.peek()
                        if h is None:
                            raise self.fail("")
                        if chr(h) not in "0123456789abcdefABCDEF":
                            raise self.fail("in \\u hexadecimal character escape")
                        self.i += 1
                    continue
                if chr(e) not in '"\\/bfnrt':
                    raise self.fail("in string escape code")
            self.i += 1

    def digits(self) -> None:
        while (c := self.peek()) is not None and ord("0") <= c <= ord("9"):
            self.i += 1

    def number(self) -> float | int:
        start = self.i
        if self.peek() == ord("-"):
            self.i += 1
            c = self.peek()
            if c is None or not ord("0") <= c <= ord("9"):
                raise self.fail("in numeric literal")
        if self.peek() == ord("0"):
            self.i += 1
        else:
            self.digits()
        if self.peek() == ord("."):
            self.i += 1
            c = self.peek()
            if c is None or not ord("0") <= c <= ord("9"):
                raise self.fail("after decimal point in numeric literal")
            self.digits()
        if self.peek() in (ord("e"), ord("E")):
            self.i += 1
            if self.peek() in (ord("+"), ord("-")):
                self.i += 1
            c = self.peek()
            if c is None or not ord("0") <= c <= ord("9"):
                raise self.fail("in exponent of numeric literal")
            self.digits()
        return json.loads(self.data[start : self.i])


_FIND_KIND_TYPE = (
    'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'
)
_GO_KIND_NAMES = {"object": "object", "array": "array", "string": "string", "number": "number", "bool": "bool"}


def _yaml_to_json(line: bytes) -> bytes:
    """The YAML serializer's YAMLToJSON for one line.

    JSON stays JSON; a plain scalar or one `key: value` pair is converted; anything else is reported as unsupported
    YAML.
    """
    text = line.decode("utf-8", "replace").strip()
    try:
        _GoJSONParser(text.encode()).parse()
    except GoJSONError:
        pass
    else:
        return text.encode()

    def scalar(s: str) -> Any:
        s = s.strip()
        if s in ("", "~", "null", "Null", "NULL"):
            return None
        if s in ("true", "True", "TRUE"):
            return True
        if s in ("false", "False", "FALSE"):
            return False
        for conv in (int, float):
            try:
                return conv(s)
            except ValueError:
                pass
        return s

    if text == "-" or text.startswith("- "):
        return json.dumps([scalar(text[1:])]).encode()  # a one-item block sequence
    key, sep, rest = text.partition(": ")
    if sep and ": " not in rest and not key.startswith(("-", "[", "{", "'", '"')):
        return json.dumps({key: scalar(rest)}).encode()
    if ": " in text:
        raise GoJSONError("yaml: line 1: mapping values are not allowed in this context")
    return json.dumps(scalar(text)).encode()


@mirrors("kubernetes:pkg/runtime/serializer/json.SimpleMetaFactory.Interpret")
def interpret(data: bytes) -> tuple[str, str, str, _Node]:
    """(group, version, kind) of the wire form, and the parsed tree; errors as the Go's."""
    try:
        node = _GoJSONParser(data).parse()
    except GoJSONError as exc:
        raise GoJSONError(f"couldn't get version/kind; json parse error: {exc}") from None
    api_version = kind = ""
    first_error = ""
    if node.kind == "object":
        for key, value in node.value:
            target = "apiVersion" if key.lower() == "apiversion" else "kind" if key.lower() == "kind" else ""
            if not target or value.kind == "null":
                continue
            if value.kind != "string":
                first_error = first_error or (
                    f"json: cannot unmarshal {_GO_KIND_NAMES[value.kind]} into Go struct field .{target} of type string"
                )
                continue
            if target == "apiVersion":
                api_version = value.value
            else:
                kind = value.value
    elif node.kind != "null":
        first_error = f"json: cannot unmarshal {_GO_KIND_NAMES[node.kind]} into Go value of type {_FIND_KIND_TYPE}"
    if first_error:
        raise GoJSONError(f"couldn't get version/kind; json parse error: {first_error}")
    group, version = parse_group_version(api_version)
    return group, version, kind, node


@mirrors("kubernetes:pkg/api/unversioned.ParseGroupVersion")
def parse_group_version(gv: str) -> tuple[str, str]:
    if gv in ("", "/"):
        return "", ""
    if gv.count("/") == 0:
        return "", gv
    if gv.count("/") == 1:
        group, _, version = gv.partition("/")
        return group, version
    raise GoJSONError(f"unexpected GroupVersion string: {gv}")


class _MissingKindOrVersion(GoJSONError):
    """runtime's missingKindErr / missingVersionErr (the trigger for the v0 fallback)."""


class _NotRegistered(GoJSONError):
    """runtime's notRegisteredErr (also a trigger for the v0 fallback)."""


def _group_version_string(group: str, version: str) -> str:
    return version if group == "" else group + "/" + version


# fields of the versioned Go structs, in declaration order: (json name, kind)
_V0_FIELDS = [("apiVersion", "string"), ("kind", "string"), ("user", "string"), ("group", "string"),
              ("readonly", "bool"), ("resource", "string"), ("namespace", "string")]
_V1BETA1_SPEC_FIELDS = [("user", "string"), ("group", "string"), ("readonly", "bool"), ("apiGroup", "string"),
                        ("resource", "string"), ("namespace", "string"), ("nonResourcePath", "string")]
_V1BETA1_FIELDS = [("apiVersion", "string"), ("kind", "string"), ("spec", _V1BETA1_SPEC_FIELDS)]


def _ugorji_decode(node: _Node, fields: list[tuple[str, Any]]) -> dict[str, Any]:
    """The ugorji codec's decode of a JSON tree into a struct: unknown keys skipped, null is zero."""
    out: dict[str, Any] = {}
    if node.kind == "null":
        return out
    if node.kind == "array":
        pairs = [(fields[i][0], item) for i, item in enumerate(node.value) if i < len(fields)]
    elif node.kind == "object":
        pairs = list(node.value)
    else:
        raise GoJSONError("only encoded map or array can be decoded into a struct")
    kinds = dict(fields)
    for key, value in pairs:
        if key not in kinds or value.kind == "null":
            continue
        kind = kinds[key]
        pos = value.start + 1  # ugorji counts the bytes read, the value's first one included
        first = value.first
        if kind == "bool":
            if value.kind != "bool":
                raise GoJSONError(f"[pos {pos}]: json: decode bool: got first char {first}")
            out[key] = value.value
        elif kind == "string":
            if value.kind != "string":
                raise GoJSONError(f"[pos {pos}]: json: expect char '\"' but got char '{first}'")
            out[key] = value.value
        else:
            out[key] = _ugorji_decode(value, kind)
    return out


@mirrors("kubernetes:pkg/apis/abac/v0.addConversionFuncs")
def convert_v0(v0: dict[str, Any]) -> Policy:
    """v0 -> internal.

    no subject means everyone; no namespace/resource means all (and then non-resource paths too); every v0 rule matches
    all API groups.
    """
    user, group = v0.get("user", ""), v0.get("group", "")
    namespace, resource = v0.get("namespace", ""), v0.get("resource", "")
    spec = PolicySpec(User=user, Group=group, Namespace=namespace, Resource=resource,
                      Readonly=bool(v0.get("readonly", False)))
    if len(user) == 0 and len(group) == 0:
        spec.User = "*"
    if len(namespace) == 0:
        spec.Namespace = "*"
    if len(resource) == 0:
        spec.Resource = "*"
    spec.APIGroup = "*"
    if len(namespace) == 0 and len(resource) == 0:
        spec.NonResourcePath = "*"
    return Policy(spec)


def _convert_v1beta1(v1: dict[str, Any]) -> Policy:
    s = v1.get("spec", {})
    return Policy(PolicySpec(User=s.get("user", ""), Group=s.get("group", ""), Readonly=bool(s.get("readonly", False)),
                             APIGroup=s.get("apiGroup", ""), Resource=s.get("resource", ""),
                             Namespace=s.get("namespace", ""), NonResourcePath=s.get("nonResourcePath", "")))


def _decode(line: bytes, default: tuple[str, str, str] | None) -> tuple[str, dict[str, Any]]:
    """The universal decoder: (version, fields of the typed object).

    `default` is the (group, version, kind) of the `into` object, as DecodeInto supplies it.
    """
    stripped = line.lstrip()
    data = line if stripped.startswith(b"{") else _yaml_to_json(line)
    group, version, kind, node = interpret(data)
    if default is not None:
        if len(kind) == 0:
            kind = default[2]
        if len(version) == 0 and len(group) == 0:
            group, version = default[0], default[1]
        if len(version) == 0 and group == default[0]:
            version = default[1]
    if len(kind) == 0:
        raise _MissingKindOrVersion(f"Object 'Kind' is missing in '{line.decode('utf-8', 'replace')}'")
    if len(version) == 0:
        raise _MissingKindOrVersion(f"Object 'apiVersion' is missing in '{line.decode('utf-8', 'replace')}'")
    if (group, version, kind) not in REGISTERED:
        raise _NotRegistered(f'no kind "{kind}" is registered for version "{_group_version_string(group, version)}"')
    fields = _V0_FIELDS if version == "v0" else _V1BETA1_FIELDS
    return version, _ugorji_decode(node, fields)


class PolicyLoadError(Exception):
    """`policyLoadError`: names the file, the line number and the line's text."""

    def __init__(self, path: str, line: int, data: bytes | None, err: Exception) -> None:
        self.path, self.line, self.data, self.err = path, line, data, err
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line >= 0:
            text = (self.data or b"").decode("utf-8", "replace")
            return f"error reading policy file {self.path}, line {self.line}: {text}: {self.err}"
        return f"error reading policy file {self.path}: {self.err}"


@mirrors("kubernetes:pkg/auth/authorizer/abac.policyList")
class PolicyList(list[Policy]):
    """The loaded policies, in file order."""

    @mirrors("kubernetes:pkg/auth/authorizer/abac.policyList.Authorize")
    def authorize(self, a: AttributesRecord) -> AuthzResult:
        """The first matching policy allows; otherwise "No policy matched."."""
        for p in self:
            if matches(p, a):
                return True, "", None
        return False, "No policy matched.", None


def _decode_line(path: str, number: int, b: bytes) -> Policy:
    try:
        version, obj = _decode(b, None)
    except (_MissingKindOrVersion, _NotRegistered):
        pass  # unversioned: migrate below
    except GoJSONError as exc:
        raise PolicyLoadError(path, number, b, exc) from None
    else:
        return convert_v0(obj) if version == "v0" else _convert_v1beta1(obj)
    try:
        version, obj = _decode(b, (GROUP_NAME, "v0", "Policy"))
    except GoJSONError as exc:
        raise PolicyLoadError(path, number, b, exc) from None
    if version != "v0":
        # the codec converts the decoded object into the v0.Policy it was given; no function
        # is registered for v1beta1 -> v0, and reflection fails on the first field v0 has
        error = GoJSONError("converting (v1beta1.Policy) to (v0.Policy): User not present in src")
        raise PolicyLoadError(path, number, b, error)
    return convert_v0(obj)


@mirrors("kubernetes:pkg/auth/authorizer/abac.NewFromFile")
def load_policies(lines: list[bytes], path: str) -> PolicyList:
    """NewFromFile over lines already split as bufio.Scanner splits them."""
    pl = PolicyList()
    for number, b in enumerate(lines, 1):
        trimmed = b.decode("utf-8", "replace").strip()
        if len(trimmed) == 0 or trimmed.startswith("#"):
            continue
        pl.append(_decode_line(path, number, b))
    return pl


@mirrors("kubernetes:pkg/auth/authorizer/abac.NewFromFile")
def new_from_file(path: str) -> PolicyList:
    """Read a policy file.

    one policy per line; blank and '#' lines skipped; a bad line is an error naming the file and line. A line of 64 KiB
    or more stops the scanner (bufio.ErrTooLong).
    """
    data = Path(path).read_bytes()
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    lines = [raw[:-1] if raw.endswith(b"\r") else raw for raw in raw_lines]
    too_long = next((i for i, raw in enumerate(raw_lines) if len(raw) >= MAX_SCAN_TOKEN_SIZE), None)
    if too_long is None:
        return load_policies(lines, path)
    load_policies(lines[:too_long], path)  # lines before the long one are decoded (and may fail) first
    raise PolicyLoadError(path, -1, None, ValueError("bufio.Scanner: token too long"))


# ---------------------------------------------------------------------------------------------
# matching
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:pkg/auth/authorizer/abac.subjectMatches")
def subject_matches(p: Policy, a: AttributesRecord) -> bool:
    """Whether the policy's user or group names the requester.

    A set user must be '*' or the user; a set group must be '*' or one of the user's groups; a policy with
    neither never matches.
    """
    matched = False
    username, groups = ("", []) if a.user is None else (a.user.name, a.user.groups)
    if len(p.Spec.User) > 0:
        if p.Spec.User == "*":
            matched = True
        else:
            matched = p.Spec.User == username
            if not matched:
                return False
    if len(p.Spec.Group) > 0:
        if p.Spec.Group == "*":
            matched = True
        else:
            matched = p.Spec.Group in groups
            if not matched:
                return False
    return matched


@mirrors("kubernetes:pkg/auth/authorizer/abac.verbMatches")
def verb_matches(p: Policy, a: AttributesRecord) -> bool:
    """Read-only requests always pass; writes only when the policy is not readonly."""
    return a.is_read_only() or not p.Spec.Readonly


@mirrors("kubernetes:pkg/auth/authorizer/abac.nonResourceMatches")
def non_resource_matches(p: Policy, a: AttributesRecord) -> bool:
    if not a.resource_request:
        path = p.Spec.NonResourcePath
        if path in {"*", a.path}:
            return True
        if path.endswith("*") and a.path.startswith(path.rstrip("*")):
            return True
    return False


@mirrors("kubernetes:pkg/auth/authorizer/abac.resourceMatches")
def resource_matches(p: Policy, a: AttributesRecord) -> bool:
    if a.resource_request:
        return (
            p.Spec.Namespace in ("*", a.namespace)
            and p.Spec.Resource in ("*", a.resource)
            and p.Spec.APIGroup in ("*", a.api_group)
        )
    return False


@mirrors("kubernetes:pkg/auth/authorizer/abac.matches")
def matches(p: Policy, a: AttributesRecord) -> bool:
    """Subject, then verb, then resource or non-resource (a request is only ever one of them)."""
    if subject_matches(p, a) and verb_matches(p, a):
        return resource_matches(p, a) or non_resource_matches(p, a)
    return False


def _demo() -> None:
    from walkthrough.reimpl.kubernetes.authn import UserInfo  # noqa: PLC0415 - demo only

    lines = [
        b"# one policy per line",
        (b'{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy",'
         b' "spec": {"user": "alice", "namespace": "*", "resource": "pods", "readonly": true}}'),
        b'{"user": "admin"}',
    ]
    policies = load_policies(lines, "policy.jsonl")
    for p in policies:
        print("  loaded", p.to_json())
    for user, verb in [("alice", "get"), ("alice", "create"), ("admin", "delete"), ("bob", "get")]:
        attrs = AttributesRecord(user=UserInfo(user), verb=verb, namespace="default", resource="pods",
                                 resource_request=True)
        print(f"  {user:6} {verb:7} pods -> {policies.authorize(attrs)}")
    for bad in [b'{"user":"a"', b'{"apiVersion": "v0", "kind": "Policy"}', b"[]"]:
        try:
            load_policies([bad], "bad.jsonl")
        except PolicyLoadError as exc:
            print("  error:", exc)


if __name__ == "__main__":
    _demo()
