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
- the JSON serializer claims a line whose first non-space character (`unicode.IsSpace`, within its
  2048-byte peek) is '{'; every other line goes through the YAML serializer, whose YAMLToJSON is
  modelled in `_goyaml` (go-yaml's reader, scanner, parser and resolver, ghodss's key conversion,
  encoding/json's output), so `user: "alice"` is the policy of user alice, as in the Go;
- the universal decoder reads apiVersion/kind with encoding/json (keys folded as encoding/json
  folds them). Its syntax and type errors are reproduced with a small scanner that gives Go 1.19's
  texts, the end-of-input space of `scanner.eof` included (v1.5.2 was built with Go 1.7, whose texts
  are the same for these cases);
- the typed decode uses the ugorji codec, whose "[pos N]: json: decode bool: got first char X"
  style errors are modelled for bool, string and struct fields;
- registered kinds: Policy in abac.authorization.kubernetes.io/v0, /v1beta1 and the internal
  version (`__internal`, decoded by Go field names); unregistered kinds and versions give
  runtime's notRegisteredErr texts, printed by the fmt model (`reimpl/_gofmt`).
Simplified: a line starting with the protobuf magic (`k8s` and a NUL byte) is read as YAML here (the Go
hands it to the protobuf serializer, which fails with `unexpected EOF` or `empty body`). The live parity
family proves the rest against the Go (`walkthrough parity --live --model abac`).
Run `python -m walkthrough.reimpl.kubernetes.abac` for a demo.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from walkthrough.reimpl import mirrors
from walkthrough.reimpl._gofmt import group_version, sprintf
from walkthrough.reimpl.kubernetes import _goyaml
from walkthrough.reimpl.kubernetes._go import GO_SPACES
from walkthrough.reimpl.kubernetes.authorizer import AttributesRecord, AuthzResult

GROUP_NAME = "abac.authorization.kubernetes.io"
API_VERSION_INTERNAL = "__internal"  # runtime.APIVersionInternal
REGISTERED = {(GROUP_NAME, version, "Policy") for version in ("v0", "v1beta1", API_VERSION_INTERNAL)}
JSON_PEEK = 2048  # the JSON serializer's RecognizesData peeks this many bytes
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

    # at the end of the input the scanner steps once more with a space (scanner.eof): inside a literal, a number
    # or an escape that space is the invalid character; elsewhere the input simply ended
    _SPACE_AT_END = ("in literal", "in numeric literal", "after decimal point", "in exponent", "in string escape",
                     "in \\u hexadecimal")

    def fail(self, context: str) -> GoJSONError:
        if self.i >= len(self.data):
            if context.startswith(self._SPACE_AT_END):
                return GoJSONError(f"invalid character ' ' {context}")
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
                    raise self.fail("in string escape code")
                if e == ord("u"):
                    self.i += 1
                    for _ in range(4):
                        h = self.peek()
                        if h is None:
                            raise self.fail("in \\u hexadecimal character escape")
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
    """The YAML serializer's first step, ghodss/yaml.YAMLToJSON (see `_goyaml`), failing as a decode error."""
    try:
        return _goyaml.yaml_to_json(line)
    except _goyaml.GoYAMLError as exc:
        raise GoJSONError(str(exc)) from None


def _json_fold_equal(name: str, key: str) -> bool:
    """encoding/json's match of an object key to a field name (its equalFoldRight).

    ASCII letters match in either case, and U+212A KELVIN SIGN and U+017F LATIN SMALL LETTER LONG S match the k and
    s of the name.
    """
    if len(key) != len(name):
        return False
    for n, k in zip(name.lower(), key, strict=True):
        if k.lower() == n and k.isascii():
            continue
        if (n, k) in (("k", "\u212a"), ("s", "\u017f")):
            continue
        return False
    return True


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
            target = next((name for name in ("apiVersion", "kind") if _json_fold_equal(name, key)), "")
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


# fields of the versioned Go structs, in declaration order: (json name, kind)
_V0_FIELDS = [("apiVersion", "string"), ("kind", "string"), ("user", "string"), ("group", "string"),
              ("readonly", "bool"), ("resource", "string"), ("namespace", "string")]
_V1BETA1_SPEC_FIELDS = [("user", "string"), ("group", "string"), ("readonly", "bool"), ("apiGroup", "string"),
                        ("resource", "string"), ("namespace", "string"), ("nonResourcePath", "string")]
_V1BETA1_FIELDS = [("apiVersion", "string"), ("kind", "string"), ("spec", _V1BETA1_SPEC_FIELDS)]
# the internal Policy has no json tags: its fields go by their Go names (TypeMeta's are inlined)
_INTERNAL_SPEC_FIELDS = [("User", "string"), ("Group", "string"), ("Readonly", "bool"), ("APIGroup", "string"),
                         ("Resource", "string"), ("Namespace", "string"), ("NonResourcePath", "string")]
_INTERNAL_FIELDS = [("kind", "string"), ("apiVersion", "string"), ("Spec", _INTERNAL_SPEC_FIELDS)]


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


def _convert_internal(obj: dict[str, Any]) -> Policy:
    s = obj.get("Spec", {})
    return Policy(PolicySpec(**{name: s[name] for name, _ in _INTERNAL_SPEC_FIELDS if name in s}))


def _decode(line: bytes, default: tuple[str, str, str] | None) -> tuple[str, dict[str, Any]]:
    """The universal decoder: (version, fields of the typed object).

    `default` is the (group, version, kind) of the `into` object, as DecodeInto supplies it.
    """
    data = line if _has_json_prefix(line) else _yaml_to_json(line)
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
        if version == API_VERSION_INTERNAL:
            raise _NotRegistered(sprintf("no kind %q is registered for the internal version of group %q", kind, group))
        raise _NotRegistered(sprintf("no kind %q is registered for version %q", kind, group_version(group, version)))
    by_version: dict[str, list[tuple[str, Any]]] = {"v0": _V0_FIELDS, "v1beta1": _V1BETA1_FIELDS}
    fields = by_version.get(version, _INTERNAL_FIELDS)
    return version, _ugorji_decode(node, fields)


@mirrors("kubernetes:pkg/util/yaml.hasJSONPrefix")
def _has_json_prefix(line: bytes) -> bool:
    """Whether the JSON serializer claims the line: '{' after unicode.IsSpace characters, within the peek."""
    text = line[:JSON_PEEK].decode("utf-8", "replace")
    return text.lstrip(GO_SPACES).startswith("{")


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
        return {"v0": convert_v0, "v1beta1": _convert_v1beta1}.get(version, _convert_internal)(obj)
    try:
        version, obj = _decode(b, (GROUP_NAME, "v0", "Policy"))
    except GoJSONError as exc:
        raise PolicyLoadError(path, number, b, exc) from None
    if version != "v0":
        # the codec converts the decoded object into the v0.Policy it was given; no function
        # is registered for v1beta1 -> v0 (or the internal Policy -> v0), and reflection fails on the
        # first field v0 has
        source = "v1beta1.Policy" if version == "v1beta1" else "abac.Policy"
        error = GoJSONError(f"converting ({source}) to (v0.Policy): User not present in src")
        raise PolicyLoadError(path, number, b, error)
    return convert_v0(obj)


@mirrors("kubernetes:pkg/auth/authorizer/abac.NewFromFile")
def load_policies(lines: list[bytes], path: str) -> PolicyList:
    """NewFromFile over lines already split as bufio.Scanner splits them."""
    pl = PolicyList()
    for number, b in enumerate(lines, 1):
        trimmed = b.decode("utf-8", "replace").strip(GO_SPACES)
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
