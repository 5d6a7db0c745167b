"""The v1 wire form of the kinds the miniature apiserver serves (`pkg/api/v1`): shapes, defaults, decoding.

An object is a JSON dict. What the Go does to one on its way in and out is modelled here:

- **decoding** (`decode`): the JSON serializer first reads `apiVersion` and `kind` with
  `encoding/json` (`SimpleMetaFactory.Interpret`), defaults them from the route, refuses kinds the
  group version does not register, converts another kind into the route's by reflection (which fails
  at the first field the target has and the source lacks), then fills the Go struct: fields the
  struct does not declare vanish, missing ones take their zero value. Then `SetDefaults_*` run.
- **encoding** (`encode`): `encoding/json` of the struct: fields in declaration order, `omitempty`
  dropping empty strings, numbers, maps, slices and nil pointers (never structs: `"resources": {}`
  stays), a nil slice without `omitempty` written `null` (an empty list's `"items": null`), a zero
  `creationTimestamp` written `null`, quantities in canonical form.

`SCHEMAS` lists, per Go struct, the fields modelled (json name, type, omitempty), copied from
`pkg/api/v1/types.go` at the pin. Simplified, on purpose: only the fields listed there exist (a
field the Go has and the table lacks is dropped here and kept there: `volumes`, probes, `env`
sources, `ownerReferences`, node conditions, ...), and JSON values of the wrong type for their
field are not refused as the Go's ugorji decoder refuses them (with its byte positions).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes import quantity

Obj = dict[str, Any]

# Field types: "string", "int", "bool", "time", "map" (map[string]string), "quantities" (ResourceList),
# "intstr", "[]string", "[]int", "*int", "*bool", "*time", "struct:Name", "*struct:Name", "[]struct:Name".
Field = tuple[str, str, bool]

_META = [("kind", "string", True), ("apiVersion", "string", True)]
_LIST_META = ("metadata", "struct:ListMeta", True)

SCHEMAS: dict[str, list[Field]] = {
    "ObjectMeta": [
        ("name", "string", True), ("generateName", "string", True), ("namespace", "string", True),
        ("selfLink", "string", True), ("uid", "string", True), ("resourceVersion", "string", True),
        ("generation", "int", True), ("creationTimestamp", "time", True), ("deletionTimestamp", "*time", True),
        ("deletionGracePeriodSeconds", "*int", True), ("labels", "map", True), ("annotations", "map", True),
        ("finalizers", "[]string", True), ("clusterName", "string", True),
    ],
    "ListMeta": [("selfLink", "string", True), ("resourceVersion", "string", True)],
    "Pod": [*_META, ("metadata", "struct:ObjectMeta", True), ("spec", "struct:PodSpec", True),
            ("status", "struct:PodStatus", True)],
    "PodSpec": [
        ("containers", "[]struct:Container", False), ("restartPolicy", "string", True),
        ("terminationGracePeriodSeconds", "*int", True), ("activeDeadlineSeconds", "*int", True),
        ("dnsPolicy", "string", True), ("nodeSelector", "map", True), ("nodeName", "string", True),
        ("securityContext", "*struct:PodSecurityContext", True), ("hostname", "string", True),
        ("subdomain", "string", True),
    ],
    "PodSecurityContext": [("runAsUser", "*int", True), ("runAsNonRoot", "*bool", True),
                           ("supplementalGroups", "[]int", True), ("fsGroup", "*int", True)],
    "Container": [
        ("name", "string", False), ("image", "string", True), ("command", "[]string", True),
        ("args", "[]string", True), ("workingDir", "string", True), ("ports", "[]struct:ContainerPort", True),
        ("env", "[]struct:EnvVar", True), ("resources", "struct:ResourceRequirements", True),
        ("terminationMessagePath", "string", True), ("imagePullPolicy", "string", True),
        ("stdin", "bool", True), ("stdinOnce", "bool", True), ("tty", "bool", True),
    ],
    "ContainerPort": [("name", "string", True), ("hostPort", "int", True), ("containerPort", "int", False),
                      ("protocol", "string", True), ("hostIP", "string", True)],
    "EnvVar": [("name", "string", False), ("value", "string", True)],
    "ResourceRequirements": [("limits", "quantities", True), ("requests", "quantities", True)],
    "PodStatus": [("phase", "string", True), ("message", "string", True), ("reason", "string", True),
                  ("hostIP", "string", True), ("podIP", "string", True)],
    "Namespace": [*_META, ("metadata", "struct:ObjectMeta", True), ("spec", "struct:NamespaceSpec", True),
                  ("status", "struct:NamespaceStatus", True)],
    "NamespaceSpec": [("finalizers", "[]string", True)],
    "NamespaceStatus": [("phase", "string", True)],
    "ConfigMap": [*_META, ("metadata", "struct:ObjectMeta", True), ("data", "map", True)],
    "ResourceQuota": [*_META, ("metadata", "struct:ObjectMeta", True), ("spec", "struct:ResourceQuotaSpec", True),
                      ("status", "struct:ResourceQuotaStatus", True)],
    "ResourceQuotaSpec": [("hard", "quantities", True), ("scopes", "[]string", True)],
    "ResourceQuotaStatus": [("hard", "quantities", True), ("used", "quantities", True)],
    "Node": [*_META, ("metadata", "struct:ObjectMeta", True), ("spec", "struct:NodeSpec", True),
             ("status", "struct:NodeStatus", True)],
    "NodeSpec": [("podCIDR", "string", True), ("externalID", "string", True), ("providerID", "string", True),
                 ("unschedulable", "bool", True)],
    "NodeStatus": [("capacity", "quantities", True), ("allocatable", "quantities", True), ("phase", "string", True),
                   ("daemonEndpoints", "struct:NodeDaemonEndpoints", True),
                   ("nodeInfo", "struct:NodeSystemInfo", True)],
    "NodeDaemonEndpoints": [("kubeletEndpoint", "struct:DaemonEndpoint", True)],
    "DaemonEndpoint": [("Port", "int", False)],
    "NodeSystemInfo": [(name, "string", False) for name in (
        "machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion", "kubeletVersion",
        "kubeProxyVersion", "operatingSystem", "architecture")],
    "Service": [*_META, ("metadata", "struct:ObjectMeta", True), ("spec", "struct:ServiceSpec", True),
                ("status", "struct:ServiceStatus", True)],
    "ServiceSpec": [
        ("ports", "[]struct:ServicePort", False), ("selector", "map", True), ("clusterIP", "string", True),
        ("type", "string", True), ("externalIPs", "[]string", True), ("sessionAffinity", "string", True),
        ("loadBalancerIP", "string", True), ("externalName", "string", True),
    ],
    "ServicePort": [("name", "string", True), ("protocol", "string", True), ("port", "int", False),
                    ("targetPort", "intstr", True), ("nodePort", "int", True)],
    "ServiceStatus": [("loadBalancer", "struct:LoadBalancerStatus", True)],
    "LoadBalancerStatus": [],
    "Status": [*_META, _LIST_META, ("status", "string", True), ("message", "string", True),
               ("reason", "string", True), ("details", "*struct:StatusDetails", True), ("code", "int", True)],
    "StatusDetails": [("name", "string", True), ("group", "string", True), ("kind", "string", True),
                      ("causes", "[]struct:StatusCause", True), ("retryAfterSeconds", "int", True)],
    "StatusCause": [("reason", "string", True), ("message", "string", True), ("field", "string", True)],
    "DeleteOptions": [*_META, ("gracePeriodSeconds", "*int", True), ("preconditions", "*struct:Preconditions", True),
                      ("orphanDependents", "*bool", True)],
    "Preconditions": [("uid", "*string", True)],
}
for _kind in ("Pod", "Namespace", "ConfigMap", "ResourceQuota", "Node", "Service"):
    SCHEMAS[f"{_kind}List"] = [*_META, _LIST_META, ("items", f"[]struct:{_kind}", False)]

KINDS = ("Pod", "Namespace", "ConfigMap", "ResourceQuota", "Node", "Service")
"""The kinds served, each with a `<Kind>List`."""

# pkg/api/v1/register.go: every kind registered in v1 (the rest of the scheme is not modelled).
REGISTERED_V1 = frozenset({
    "Pod", "PodList", "PodStatusResult", "PodTemplate", "PodTemplateList", "ReplicationController",
    "ReplicationControllerList", "Service", "ServiceProxyOptions", "ServiceList", "Endpoints", "EndpointsList", "Node",
    "NodeList", "NodeProxyOptions", "Binding", "Event", "EventList", "List", "LimitRange", "LimitRangeList",
    "ResourceQuota", "ResourceQuotaList", "Namespace", "NamespaceList", "Secret", "SecretList", "ServiceAccount",
    "ServiceAccountList", "PersistentVolume", "PersistentVolumeList", "PersistentVolumeClaim",
    "PersistentVolumeClaimList", "DeleteOptions", "ExportOptions", "ListOptions", "PodAttachOptions", "PodLogOptions",
    "PodExecOptions", "PodProxyOptions", "ComponentStatus", "ComponentStatusList", "SerializedReference",
    "RangeAllocation", "ConfigMap", "ConfigMapList", "Status", "WatchEvent",
})

# pkg/api/register.go: kinds registered as unversioned, so in every group version.
UNVERSIONED = frozenset({"Status", "APIVersions", "APIGroupList", "APIGroup", "APIResourceList"})

# Struct fields by Go name, for the reflection conversion between kinds (`converting (v1.X) to (api.Y)`):
# the internal types (`pkg/api/types.go`) a route decodes into, and the v1 types a body may name.
INTERNAL_FIELDS: dict[str, list[str]] = {
    "Pod": ["TypeMeta", "ObjectMeta", "Spec", "Status"], "ConfigMap": ["TypeMeta", "ObjectMeta", "Data"],
    "Service": ["TypeMeta", "ObjectMeta", "Spec", "Status"], "Namespace": ["TypeMeta", "ObjectMeta", "Spec", "Status"],
    "Node": ["TypeMeta", "ObjectMeta", "Spec", "Status"], "ResourceQuota": ["TypeMeta", "ObjectMeta", "Spec", "Status"],
    "DeleteOptions": ["TypeMeta", "GracePeriodSeconds", "Preconditions", "OrphanDependents"],
}
INTERNAL_SPEC_FIELDS: dict[str, list[str]] = {
    "Pod": ["Volumes", "InitContainers", "Containers", "RestartPolicy", "TerminationGracePeriodSeconds",
            "ActiveDeadlineSeconds", "DNSPolicy", "NodeSelector", "ServiceAccountName", "NodeName", "SecurityContext",
            "ImagePullSecrets", "Hostname", "Subdomain"],
    "Service": ["Type", "Ports", "Selector", "ClusterIP", "ExternalName", "ExternalIPs", "LoadBalancerIP",
                "SessionAffinity", "LoadBalancerSourceRanges"],
    "Namespace": ["Finalizers"], "ResourceQuota": ["Hard", "Scopes"],
    "Node": ["PodCIDR", "ExternalID", "ProviderID", "Unschedulable"],
}
V1_FIELDS: dict[str, list[str]] = {
    **INTERNAL_FIELDS, "Status": ["TypeMeta", "ListMeta", "Status", "Message", "Reason", "Details", "Code"],
    "DeleteOptions": ["TypeMeta", "GracePeriodSeconds", "Preconditions", "OrphanDependents"],
    **{f"{kind}List": ["TypeMeta", "ListMeta", "Items"] for kind in KINDS},
}
V1_SPEC_FIELDS: dict[str, list[str]] = {
    "Pod": ["Volumes", "InitContainers", "Containers", "RestartPolicy", "TerminationGracePeriodSeconds",
            "ActiveDeadlineSeconds", "DNSPolicy", "NodeSelector", "ServiceAccountName", "DeprecatedServiceAccount",
            "NodeName", "HostNetwork", "HostPID", "HostIPC", "SecurityContext", "ImagePullSecrets", "Hostname",
            "Subdomain"],
    "Service": ["Ports", "Selector", "ClusterIP", "Type", "ExternalIPs", "DeprecatedPublicIPs", "SessionAffinity",
                "LoadBalancerIP", "LoadBalancerSourceRanges", "ExternalName"],
    "Namespace": ["Finalizers"], "ResourceQuota": ["Hard", "Scopes"],
    "Node": ["PodCIDR", "ExternalID", "ProviderID", "Unschedulable"],
}


class DecodeError(Exception):
    """Why a body could not become the route's object; `gvk` is what the body said it was, when known."""

    def __init__(self, message: str, gvk: tuple[str, str, str] | None = None) -> None:
        super().__init__(message)
        self.gvk = gvk


# --- Go values: zero values, decoding a JSON value into a field ---------------------------------------


def zero(kind: str) -> Obj:
    """The zero value of a struct: every field at its zero (structs filled, the rest empty or nil)."""
    return {name: _zero(typ) for name, typ, _ in SCHEMAS[kind]}


def _zero(typ: str) -> Any:
    if typ.startswith("struct:"):
        return zero(typ[7:])
    return {"string": "", "int": 0, "bool": False, "intstr": 0}.get(typ)


def _fill(typ: str, value: Any) -> Any:
    """A JSON value decoded into a Go field of type `typ` (null leaves the zero value)."""
    if value is None:
        return _zero(typ)
    if typ.startswith("*"):
        return _fill(typ[1:], value)
    if typ.startswith("struct:"):
        return _fill_struct(typ[7:], value)
    if typ.startswith("[]struct:"):  # (an empty object decodes as an empty slice)
        return [_fill_struct(typ[9:], item or {}) for item in value] if isinstance(value, list) else []
    if typ == "quantities":  # a null quantity decodes as zero
        return {key: _quantity(text) if text is not None else "0" for key, text in value.items()}
    if typ in ("map", "[]string", "[]int"):
        return copy.deepcopy(value)
    return value


def _fill_struct(kind: str, data: Obj) -> Obj:
    out = zero(kind)
    for name, typ, _ in SCHEMAS[kind]:
        if name in data:
            out[name] = _fill(typ, data[name])
    return out


def _quantity(text: Any) -> str:
    """A quantity as it decodes and re-encodes: its canonical form."""
    try:
        return str(quantity.parse_quantity(str(text)))
    except quantity.QuantityError as err:
        raise DecodeError(str(err)) from None


# --- ugorji's refusals ----------------------------------------------------------------------------------


class _Node:
    """A JSON value, the byte offsets where it starts and ends, and its first character."""

    def __init__(self, value: Any, start: int, end: int, first: str, raw: str = "") -> None:
        self.value, self.start, self.end, self.first, self.raw = value, start, end, first, raw


def _scan(text: str) -> _Node:
    """Parse JSON keeping each value's byte offsets (the text is known to be valid JSON)."""
    decoder = json.JSONDecoder()
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + len(char.encode()))

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def value(i: int) -> tuple[_Node, int]:
        i = skip(i)
        start = i
        if text[i] in "{[":
            close = "}" if text[i] == "{" else "]"
            items: Any = {} if close == "}" else []
            i = skip(i + 1)
            while text[i] != close:
                if close == "}":
                    key, i = decoder.raw_decode(text, i)
                    i = skip(skip(i) + 1)  # the colon
                    items[key], i = value(i)
                else:
                    element, i = value(i)
                    items.append(element)
                i = skip(i)
                if text[i] == ",":
                    i = skip(i + 1)
            return _Node(items, offsets[start], offsets[i + 1], text[start]), i + 1
        scalar, i = decoder.raw_decode(text, i)
        return _Node(scalar, offsets[start], offsets[i], text[start], text[start:i]), i

    return value(0)[0]


def _wrong(node: _Node, message: str) -> DecodeError:
    return DecodeError(f"[pos {node.start + 1}]: json: {message}")


def _ugorji_check(node: _Node, typ: str, in_container: bool = False) -> None:
    """Refuse what the Go's ugorji decoder refuses on the way into a field of type `typ`, in text order.

    The messages (and their byte positions) are ugorji's: a string expected, a map expected, an integer
    expected (`decNum`), a struct or a slice fed a scalar. A null is fine, but not as the string of a map or
    a slice. Booleans, times and int-or-strings are not checked.
    """
    value = node.value
    if value is None:
        if in_container and typ == "string":
            raise _wrong(node, f"expect char '\"' but got char '{node.first}'")
        return
    typ = typ.removeprefix("*")
    if typ == "string" and not isinstance(value, str):
        raise _wrong(node, f"expect char '\"' but got char '{node.first}'")
    if typ == "int":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _wrong(node, f"decNum: got first char '{node.first}'")
        if "." in node.raw:
            raise DecodeError(f"[pos {node.end}]: json: fractional integer")
    if typ in ("map", "quantities"):
        if not isinstance(value, dict):
            raise _wrong(node, f"expect char '{{' but got char '{node.first}'")
        for child in value.values():
            if typ == "map":
                _ugorji_check(child, "string", in_container=True)
            elif isinstance(child.value, str):
                _quantity(child.value)
    if typ.startswith("struct:"):
        if not isinstance(value, dict):
            raise DecodeError("only encoded map or array can be decoded into a struct")
        fields = {name: field_type for name, field_type, _ in SCHEMAS[typ[7:]]}
        for key, child in value.items():
            if key in fields:
                _ugorji_check(child, fields[key])
    if typ.startswith("[]"):
        if not isinstance(value, (dict, list)):
            code = 6 if isinstance(value, str) else 0  # ugorji's valueType of what it found
            raise DecodeError(f"[pos {node.start + 1}]: only encoded map or array can be decoded into a slice ({code})")
        for child in value.values() if isinstance(value, dict) else value:
            _ugorji_check(child, typ[2:], in_container=True)


class SortedMap(dict[str, Any]):
    """A Go map (not a struct): encoding/json writes its keys sorted."""


def go_marshal(value: Any, sort_all: bool = False) -> str:
    """encoding/json.Marshal: compact, UTF-8, <, > and & escaped; a SortedMap's keys (or all, with `sort_all`) sorted.

    A plain dict keeps its order: it stands for raw JSON the Go passes through untouched (a json.RawMessage).
    """
    def marshal(item: Any) -> str:
        if isinstance(item, dict):
            keys = sorted(item) if sort_all or isinstance(item, SortedMap) else list(item)
            return "{" + ",".join(f"{_go_string(k)}:{marshal(item[k])}" for k in keys) + "}"
        if isinstance(item, list):
            return "[" + ",".join(marshal(i) for i in item) + "]"
        if isinstance(item, str):
            return _go_string(item)
        return json.dumps(item)

    return marshal(value)


def _go_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# --- encoding: encoding/json of the struct ------------------------------------------------------------


def _empty(typ: str, value: Any) -> bool:
    """encoding/json's omitempty: false, 0, "", nil pointers, empty maps and slices (structs never)."""
    if typ.startswith("struct:") or typ in ("time", "intstr"):
        return False
    if typ.startswith("*"):
        return value is None
    return value in (None, "", 0, False) or (isinstance(value, (dict, list)) and not value)


def encode(kind: str, value: Obj) -> Obj:
    """The JSON object encoding/json writes for a struct value, fields in declaration order."""
    out: Obj = {}
    for name, typ, omitempty in SCHEMAS[kind]:
        field_value = value.get(name, _zero(typ))
        if omitempty and _empty(typ, field_value):
            continue
        out[name] = _encode_field(typ, field_value)
    return out


def _encode_field(typ: str, value: Any) -> Any:
    if value is None:
        return None
    if typ.startswith("*"):
        return _encode_field(typ[1:], value)
    if typ.startswith("struct:"):
        return encode(typ[7:], value)
    if typ.startswith("[]struct:"):
        return [encode(typ[9:], item) for item in value]
    if typ == "time":
        return value or None  # unversioned.Time marshals its zero value as null
    if typ in ("map", "quantities"):
        return dict(sorted(value.items()))  # encoding/json sorts map keys
    return copy.deepcopy(value)


def canonical(kind: str, obj: Obj) -> Obj:
    """What the object reads as after a trip through Go: decoded into the struct, then encoded."""
    return encode(kind, _fill_struct(kind, obj))


# --- decoding a request body --------------------------------------------------------------------------


@mirrors("kubernetes:pkg/api/unversioned.ParseGroupVersion")
def parse_group_version(text: str) -> tuple[str, str]:
    """`v1` -> ("", "v1"); `extensions/v1beta1` -> ("extensions", "v1beta1"); more slashes are an error."""
    if not text:
        return "", ""
    parts = text.split("/")
    if len(parts) == 1:
        return "", parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    raise DecodeError(f"unexpected GroupVersion string: {text}")


def go_json_error(text: str, exc: ValueError) -> str:
    """encoding/json's message for text Python's json refused (the cases a body can hit)."""
    stripped = text.strip(" \t\r\n")
    if not stripped or (isinstance(exc, json.JSONDecodeError) and exc.pos >= len(text.rstrip())):
        return "unexpected end of JSON input"
    if isinstance(exc, json.JSONDecodeError):
        char = text[exc.pos] if exc.pos < len(text) else ""
        word = {"t": "true", "f": "false", "n": "null"}.get(stripped[0])
        if word is not None and exc.pos == len(text) - len(text.lstrip(" \t\r\n")):
            for index, expected in enumerate(word[1:], start=1):
                got = stripped[index:index + 1] or " "  # the scanner feeds a space at the end of the input
                if got != expected:
                    return f"invalid character {_quote_char(got)} in literal {word} (expecting {_quote_char(expected)})"
        if char:
            return f"invalid character {_quote_char(char)} looking for beginning of value"
    return str(exc)


def _quote_char(char: str) -> str:
    r"""encoding/json's quoteChar: `'x'`, with `\'` and `\"` escaped."""
    if char == "'":
        return "'\\''"
    if char == '"':
        return "'\"'"
    return f"'{char}'"


@mirrors("kubernetes:pkg/runtime/serializer/json.SimpleMetaFactory.Interpret")
def interpret(body: bytes) -> tuple[str, str, str]:
    """The body's (group, version, kind), read with encoding/json into `{apiVersion, kind}`."""
    text = body.decode("utf-8", "replace")
    try:
        data = json.loads(text) if text.strip() else json.loads("")
    except ValueError as exc:
        raise DecodeError(f"couldn't get version/kind; json parse error: {go_json_error(text, exc)}") from None
    if data is None:
        return "", "", ""
    if not isinstance(data, dict):
        kind = {list: "array", str: "string", bool: "bool"}.get(type(data), "number")
        target = ('struct { APIVersion string "json:\\"apiVersion,omitempty\\""; '
                  'Kind string "json:\\"kind,omitempty\\"" }')
        raise DecodeError(f"couldn't get version/kind; json parse error: json: cannot unmarshal {kind} into Go value "
                          f"of type {target}")
    group, version = parse_group_version(str(data.get("apiVersion") or ""))
    return group, version, str(data.get("kind") or "")


def _conversion_error(source: str, source_version: str, target: str) -> str | None:
    """The reflection converter's refusal to turn a v1 `source` into an internal `target`, or None."""
    if source == target:
        return None
    source_name = "unversioned.Status" if source == "Status" else f"{source_version}.{source}"
    for name in INTERNAL_FIELDS[target]:
        if name not in V1_FIELDS.get(source, []):
            return f"converting ({source_name}) to (api.{target}): {name} not present in src"
    for name in INTERNAL_SPEC_FIELDS.get(target, []):
        if name not in V1_SPEC_FIELDS[source]:
            return (f"converting ({source_name}).{source_version}.{source}Spec to (api.{target}).api.{target}Spec: "
                    f"{name} not present in src")
    return None


@mirrors("kubernetes:pkg/runtime/serializer/json.Serializer.Decode", "kubernetes:pkg/runtime.Scheme.Convert")
def decode(body: bytes, group: str, version: str, kind: str) -> tuple[Obj, tuple[str, str, str]]:
    """The route's `kind` decoded from a JSON body and defaulted, and the group/version/kind the body named.

    Raises:
        DecodeError: the message the Go's codec returns, with the body's gvk once it is known.
    """
    body_group, body_version, body_kind = interpret(body)
    body_kind = body_kind or kind
    if not body_version and not body_group:
        body_group, body_version = group, version
    if not body_version and body_group == group:
        body_version = version
    gvk = (body_group, body_version, body_kind)
    unversioned = body_kind in UNVERSIONED  # registered in every group version
    if not unversioned and ((body_group, body_version) != ("", "v1") or body_kind not in REGISTERED_V1):
        where = f"{body_group}/{body_version}" if body_group else body_version
        raise DecodeError(f'no kind "{body_kind}" is registered for version "{where}"', gvk)
    if body_kind not in V1_FIELDS:
        raise DecodeError(f"converting (v1.{body_kind}) to (api.{kind}): not modelled", gvk)
    text = body.decode("utf-8", "replace")
    if body_kind in SCHEMAS and text.strip():
        try:
            _ugorji_check(_scan(text), "struct:" + body_kind)
        except DecodeError as err:
            raise DecodeError(str(err), gvk) from None
    problem = _conversion_error(body_kind, body_version, kind)
    if problem is not None:
        raise DecodeError(problem, gvk)
    data = json.loads(body) if body.strip() else None
    obj = _fill_struct(kind, data or {})
    obj["kind"], obj["apiVersion"] = "", ""
    set_defaults(kind, obj)
    return obj, gvk


# --- defaults (pkg/api/v1/defaults.go) ----------------------------------------------------------------


@mirrors("kubernetes:pkg/util/parsers.ParseImageName")
def image_tag(image: str) -> str:
    """The tag of an image reference: its own, "latest" when it names none, "" when it does not parse."""
    from walkthrough.reimpl.docker import reference  # noqa: PLC0415 - k8s vendors docker/distribution's parser

    try:
        named = reference.dist_parse_named(image)
    except reference.ReferenceError:
        return ""
    tag = getattr(named, "tag", "")
    return tag or ("" if getattr(named, "digest", "") else "latest")


@mirrors("kubernetes:pkg/api/v1.SetDefaults_Container")
def set_defaults_container(container: Obj) -> None:
    if not container["imagePullPolicy"]:
        container["imagePullPolicy"] = "Always" if image_tag(container["image"]) == "latest" else "IfNotPresent"
    if not container["terminationMessagePath"]:
        container["terminationMessagePath"] = "/dev/termination-log"
    for port in container["ports"] or []:
        if not port["protocol"]:  # SetDefaults_ContainerPort
            port["protocol"] = "TCP"
    for resources in (container["resources"]["limits"], container["resources"]["requests"]):
        set_defaults_resource_list(resources)


@mirrors("kubernetes:pkg/api/v1.SetDefaults_ResourceList")
def set_defaults_resource_list(resources: dict[str, str] | None) -> None:
    """Quantities rounded up to milli precision."""
    for key, text in (resources or {}).items():
        value = quantity.parse_quantity(text)
        value.round_up(-3)
        resources[key] = str(value)  # type: ignore[index]


@mirrors("kubernetes:pkg/api/v1.SetDefaults_Pod", "kubernetes:pkg/api/v1.SetDefaults_PodSpec")
def set_defaults_pod(pod: Obj) -> None:
    spec = pod["spec"]
    for container in spec["containers"] or []:
        resources = container["resources"]
        if resources["limits"] is not None:  # requests default to limits
            if resources["requests"] is None:
                resources["requests"] = {}
            for key, value in resources["limits"].items():
                resources["requests"].setdefault(key, value)
    if not spec["dnsPolicy"]:
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec["restartPolicy"]:
        spec["restartPolicy"] = "Always"
    if spec["securityContext"] is None:
        spec["securityContext"] = zero("PodSecurityContext")
    if spec["terminationGracePeriodSeconds"] is None:
        spec["terminationGracePeriodSeconds"] = 30
    for container in spec["containers"] or []:
        set_defaults_container(container)


@mirrors("kubernetes:pkg/api/v1.SetDefaults_ServiceSpec")
def set_defaults_service(service: Obj) -> None:
    spec = service["spec"]
    if not spec["sessionAffinity"]:
        spec["sessionAffinity"] = "None"
    if not spec["type"]:
        spec["type"] = "ClusterIP"
    for port in spec["ports"] or []:
        if not port["protocol"]:
            port["protocol"] = "TCP"
        if port["targetPort"] in (0, ""):
            port["targetPort"] = port["port"]


@mirrors("kubernetes:pkg/api/v1.SetDefaults_Node", "kubernetes:pkg/api/v1.SetDefaults_NodeStatus")
def set_defaults_node(node: Obj) -> None:
    if not node["spec"]["externalID"]:
        node["spec"]["externalID"] = node["metadata"]["name"]
    status = node["status"]
    if status["allocatable"] is None and status["capacity"] is not None:
        status["allocatable"] = dict(status["capacity"])
    set_defaults_resource_list(status["capacity"])
    set_defaults_resource_list(status["allocatable"])


def set_defaults(kind: str, obj: Obj) -> None:
    """Every SetDefaults_* the v1 scheme runs on a decoded object of `kind`."""
    if kind == "Pod":
        set_defaults_pod(obj)
    elif kind == "Service":
        set_defaults_service(obj)
    elif kind == "Node":
        set_defaults_node(obj)
    elif kind == "Namespace" and not obj["status"]["phase"]:  # SetDefaults_NamespaceStatus
        obj["status"]["phase"] = "Active"
    elif kind == "ConfigMap" and obj["data"] is None:  # SetDefaults_ConfigMap
        obj["data"] = {}
    elif kind == "ResourceQuota":
        for resources in (obj["spec"]["hard"], obj["status"]["hard"], obj["status"]["used"]):
            set_defaults_resource_list(resources)


def stored(kind: str, obj: Obj) -> Obj:
    """An object as the Go reads it back from storage: decoded from its v1 JSON, defaulted, without a kind."""
    value = _fill_struct(kind, json.loads(json.dumps(encode(kind, obj))))
    set_defaults(kind, value)
    value["kind"], value["apiVersion"] = "", ""
    return value


def new_status() -> Obj:
    """An `unversioned.Status` value with its kind set, as the handlers' errors carry it."""
    status = zero("Status")
    status["kind"], status["apiVersion"] = "Status", "v1"
    return status


def _demo() -> None:
    body = (b'{"kind": "Pod", "metadata": {"name": "web", "team": "x"}, "spec": {"containers": '
            b'[{"name": "web", "image": "nginx:1.10", "resources": {"requests": {"cpu": "0.1"}}}]}}')
    print("a POST body:", body.decode())
    pod, gvk = decode(body, "", "v1", "Pod")
    print("decoded as", "/".join(p for p in gvk if p), "- the unknown metadata.team is gone, the defaults are in:")
    print(json.dumps(encode("Pod", {**pod, "kind": "Pod", "apiVersion": "v1"}), indent=2))
    for bad in (b"", b'{"kind": "Service"}', b'{"apiVersion": "v2"}', b'{"metadata": {"labels": {"a": 1}}}'):
        try:
            decode(bad, "", "v1", "Pod")
        except DecodeError as err:
            print(f"{bad.decode() or '(empty)':36} -> {err}")


if __name__ == "__main__":
    _demo()
