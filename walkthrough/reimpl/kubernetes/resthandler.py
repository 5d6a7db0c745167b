"""REST handlers of Kubernetes v1.5.2 (`pkg/apiserver/resthandler.go`, `watch.go`) over an in-memory store.

Every handler follows one pattern: read namespace and name through the scope's namer, put the
namespace into the request context, decode the body, call admission (inside the handler, not as
an HTTP filter: create, update, patch and delete are the only places it runs), call the storage
under `finishRequest` (a timeout and the Status-as-error conversion), set the self link, and
write the answer.

Objects are plain JSON dicts (`{"kind": "Pod", "apiVersion": "v1", "metadata": {...}}`): the
model has no separate internal and versioned structs, so decoding "into the internal version"
only checks group/version and fills defaults. Only JSON is spoken; YAML and protobuf requests are
answered as the Go answers media types it cannot negotiate. Strategic merge patch is the model
of `strategicpatch.py`, whose list merge keys are a table copied from the Go struct tags rather
than read from Go types. Error texts of Go's JSON decoder are not reproduced (ours are Python's).

`MemoryStorage` stands in for `pkg/registry/generic/registry.Store`: keys by namespace/name,
resource versions from one counter, UIDs, the optimistic-lock conflict, watch events.

Run `python -m walkthrough.reimpl.kubernetes.resthandler` for a create/get/patch/delete walk.
"""

from __future__ import annotations

import copy
import itertools
import json
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from walkthrough.reimpl import _seams, mirrors
from walkthrough.reimpl.kubernetes import scheme, strategicpatch
from walkthrough.reimpl.kubernetes.restful import Request, Response

JSON_MEDIA_TYPES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
MAX_PATCH_CONFLICTS = 5  # mirrors resthandler.go MaxPatchConflicts
OPTIMISTIC_LOCK_ERROR_MSG = ("the object has been modified; please apply your changes to the latest version "
                             "and try again")

# Patch types: the Content-Type of a PATCH request without parameters.
JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"

# Admission operations (pkg/admission.Operation).
CREATE, UPDATE, DELETE, CONNECT = "CREATE", "UPDATE", "DELETE", "CONNECT"

Obj = dict[str, Any]


# --- API errors (pkg/api/errors) -------------------------------------------------------------------


@mirrors("kubernetes:pkg/api/errors.StatusError")
class StatusError(Exception):
    """An error that carries the `Status` object the client receives."""

    def __init__(self, status: Obj) -> None:
        super().__init__(status.get("message", ""))
        self.status = status

    @property
    def code(self) -> int:
        return int(self.status.get("code", 0))

    @property
    def reason(self) -> str:
        return self.status.get("reason", "")


def _status(code: int, reason: str, message: str, details: Obj | None = None) -> StatusError:
    status: Obj = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                   "message": message, "reason": reason}
    if details is not None:
        status["details"] = details
    status["code"] = code
    return StatusError(status)


@mirrors("kubernetes:pkg/api/unversioned.GroupResource.String")
def qualified(resource: str, group: str = "") -> str:
    """`GroupResource.String()`: `pods`, or `deployments.extensions` for a named group."""
    return f"{resource}.{group}" if group else resource


def go_quote(text: str) -> str:
    """Go's `%q` for the plain names used in API messages."""
    return json.dumps(text, ensure_ascii=False)


@mirrors("kubernetes:pkg/api/errors.NewNotFound")
def new_not_found(resource: str, name: str, group: str = "") -> StatusError:
    return _status(404, "NotFound", f"{qualified(resource, group)} {go_quote(name)} not found",
                   {"name": name, "group": group, "kind": resource})


@mirrors("kubernetes:pkg/api/errors.NewAlreadyExists")
def new_already_exists(resource: str, name: str, group: str = "") -> StatusError:
    return _status(409, "AlreadyExists", f"{qualified(resource, group)} {go_quote(name)} already exists",
                   {"name": name, "group": group, "kind": resource})


@mirrors("kubernetes:pkg/api/errors.NewConflict")
def new_conflict(resource: str, name: str, err: str, group: str = "") -> StatusError:
    return _status(409, "Conflict",
                   f"Operation cannot be fulfilled on {qualified(resource, group)} {go_quote(name)}: {err}",
                   {"name": name, "group": group, "kind": resource})


@mirrors("kubernetes:pkg/api/errors.NewForbidden")
def new_forbidden(resource: str, name: str, err: str, group: str = "") -> StatusError:
    return _status(403, "Forbidden", f"{qualified(resource, group)} {go_quote(name)} is forbidden: {err}",
                   {"name": name, "group": group, "kind": resource})


@mirrors("kubernetes:pkg/api/errors.NewBadRequest")
def new_bad_request(reason: str) -> StatusError:
    return _status(400, "BadRequest", reason)


@mirrors("kubernetes:pkg/api/errors.NewInternalError")
def new_internal_error(err: str) -> StatusError:
    return _status(500, "InternalError", f"Internal error occurred: {err}", {"causes": [{"message": err}]})


@mirrors("kubernetes:pkg/api/errors.NewTimeoutError")
def new_timeout_error(message: str, retry_after_seconds: int = 0) -> StatusError:
    details = {"retryAfterSeconds": retry_after_seconds} if retry_after_seconds else {}
    return _status(504, "Timeout", f"Timeout: {message}", details)


@mirrors("kubernetes:pkg/api/errors.FromObject")
def from_object(status: Obj) -> StatusError:
    return StatusError(status)


@mirrors("kubernetes:pkg/apiserver.errToAPIStatus")
def err_to_api_status(err: BaseException) -> Obj:
    """A StatusError keeps its Status (zero code filled from success/failure); anything else is a 500."""
    if isinstance(err, StatusError):
        status = dict(err.status)
        status.setdefault("status", "Failure")
        if not status.get("code"):
            status["code"] = 200 if status["status"] == "Success" else 500
        return status
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": str(err), "code": 500}


# --- admission attributes --------------------------------------------------------------------------


@mirrors("kubernetes:pkg/admission.attributesRecord", "kubernetes:pkg/admission.NewAttributesRecord")
@dataclass
class AttributesRecord:
    """What an admission plugin sees: the object (and old object), kind, namespace, name, resource, operation."""

    object: Obj | None
    old_object: Obj | None
    kind: GroupVersionKind
    namespace: str
    name: str
    resource: str
    subresource: str
    operation: str
    user_info: Any = None

    @property
    def group(self) -> str:
        return self.kind.group


@mirrors("kubernetes:pkg/admission.Interface")
class AdmissionInterface(Protocol):
    """`admission.Interface`: a plugin says which operations it handles and may reject them."""

    def handles(self, operation: str) -> bool: ...

    def admit(self, attributes: AttributesRecord) -> None: ...


# --- request scope, context, writing ---------------------------------------------------------------


@mirrors("kubernetes:pkg/api/unversioned.GroupVersionKind")
@dataclass(frozen=True)
class GroupVersionKind:
    """`unversioned.GroupVersionKind`."""

    group: str
    version: str
    kind: str

    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


@mirrors("kubernetes:pkg/apiserver.ScopeNamer")
class ScopeNamer(Protocol):
    """`ScopeNamer`: where namespace and name come from, and how self links are built."""

    def namespace(self, req: Request) -> str: ...

    def name(self, req: Request) -> tuple[str, str]: ...

    def generate_link(self, req: Request, obj: Obj) -> str: ...

    def generate_list_link(self, req: Request) -> str: ...

    def object_name(self, obj: Obj) -> tuple[str, str]: ...


@mirrors("kubernetes:pkg/apiserver.RequestScope")
@dataclass
class RequestScope:
    """Everything a handler needs besides the storage: namer, kind, resource, media types."""

    namer: ScopeNamer
    kind: GroupVersionKind
    resource: str
    subresource: str = ""
    group: str = ""
    context_fn: Callable[[Request], dict[str, Any]] = lambda req: dict(req.context)

    @mirrors("kubernetes:pkg/apiserver.RequestScope.err")
    def err(self, err: BaseException, res: Response, req: Request) -> None:
        error_negotiated(err, res, req)


@mirrors("kubernetes:pkg/apiserver.isPrettyPrint")
def is_pretty_print(req: Request) -> bool:
    """`?pretty=true`, or a curl / wget / browser user agent, gets indented JSON."""
    pretty = req.query_parameter("pretty")
    if pretty:
        return pretty.lower() in ("1", "t", "true")
    agent = req.headers.get("User-Agent")
    return agent.startswith(("curl", "Wget", "Mozilla/5.0"))


def _accepts_json(accept: str) -> bool:
    if not accept:
        return True
    for clause in accept.split(","):
        media = clause.split(";")[0].strip()
        if media in ("*/*", "application/*", "application/json"):
            return True
    return False


@mirrors("kubernetes:pkg/apiserver.writeNegotiated")
def write_negotiated(res: Response, req: Request, status_code: int, obj: Obj) -> None:
    """Encode with the negotiated serializer; a media type we cannot produce is a raw-JSON 406 Status."""
    if not _accepts_json(req.headers.get("Accept")):
        status = err_to_api_status(_status(406, "NotAcceptable", "only the following media types are accepted: "
                                           + ", ".join(JSON_MEDIA_TYPES)))
        res.headers["Content-Type"] = "application/json"
        res.write_header(406)
        res.write(json.dumps(status, indent=2))
        return
    res.headers["Content-Type"] = "application/json"
    res.write_header(status_code)
    if is_pretty_print(req):
        res.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")
    else:
        res.write(json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n")


@mirrors("kubernetes:pkg/apiserver.errorNegotiated")
def error_negotiated(err: BaseException, res: Response, req: Request) -> int:
    status = err_to_api_status(err)
    code = int(status["code"])
    retry = (status.get("details") or {}).get("retryAfterSeconds", 0)
    if retry > 0:
        res.headers["Retry-After"] = str(retry)
    write_negotiated(res, req, code, status)
    return code


@mirrors("kubernetes:pkg/apiserver.write")
def write(status_code: int, obj: Obj | ResourceStream, res: Response, req: Request) -> None:
    """Objects that stream themselves are copied raw (default octet-stream; nothing to stream -> 204)."""
    if not isinstance(obj, ResourceStream):
        write_negotiated(res, req, status_code, obj)
        return
    if obj.data is None:
        res.write_header(204)
        return
    res.headers["Content-Type"] = obj.content_type or "application/octet-stream"
    res.write_header(status_code)
    res.write(obj.data)


@mirrors("kubernetes:pkg/api/rest.ResourceStreamer")
@dataclass
class ResourceStream:
    """A result that is bytes, not an object (pod logs): written as-is with its own content type."""

    data: bytes | None
    content_type: str = ""


@mirrors("kubernetes:pkg/apiserver.parseTimeout")
def parse_timeout(text: str) -> float:
    """The `timeout` query parameter as a Go duration; missing or unparsable means 30 s."""
    if text:
        parsed = parse_go_duration(text)
        if parsed is not None:
            return parsed
    return 30.0


_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_go_duration(text: str) -> float | None:
    """Go's `time.ParseDuration` in seconds (`1m30s`, `250ms`, `-1.5h`), None when invalid."""
    match = re.fullmatch(r"([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+", text)
    if text == "0":
        return 0.0
    if not match:
        return None
    total = sum(float(n) * _DURATION_UNITS[u] for n, u in re.findall(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)", text))
    return -total if text.startswith("-") else total


@mirrors("kubernetes:pkg/apiserver.finishRequest")
def finish_request(timeout: float, fn: Callable[[], Obj | None]) -> Obj | None:
    """Run the storage call in its own thread: a returned Status becomes an error, a panic is re-raised."""
    outcome: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)

    def call() -> None:
        try:
            outcome.put(("result", fn()))
        except StatusError as err:
            outcome.put(("error", err))
        except Exception as exc:  # noqa: BLE001 - Go's HandleCrash: hand the panic to the handler goroutine
            outcome.put(("panic", exc))

    threading.Thread(target=call, daemon=True).start()
    try:
        kind, value = outcome.get(timeout=timeout)
    except queue.Empty:
        raise new_timeout_error("request did not complete within allowed duration", 0) from None
    if kind == "error":
        raise value
    if kind == "panic":
        raise value
    if isinstance(value, dict) and value.get("kind") == "Status":
        raise from_object(value)
    return value


@mirrors("kubernetes:pkg/apiserver.setSelfLink")
def set_self_link(obj: Obj, req: Request, namer: ScopeNamer) -> None:
    """A namer that cannot build a link leaves the object alone (the Go ignores that error)."""
    try:
        uri = namer.generate_link(req, obj)
    except StatusError:
        return
    obj.setdefault("metadata", {})["selfLink"] = uri


@mirrors("kubernetes:pkg/apiserver.setListSelfLink")
def set_list_self_link(obj: Obj, req: Request, namer: ScopeNamer) -> int:
    if "items" not in obj:
        return 0
    obj.setdefault("metadata", {})["selfLink"] = namer.generate_list_link(req)
    for item in obj["items"]:
        set_self_link(item, req, namer)
    return len(obj["items"])


@mirrors("kubernetes:pkg/apiserver.checkName")
def check_name(obj: Obj, name: str, namespace: str, namer: ScopeNamer) -> None:
    """The body's name must equal the URL's; its namespace, when set, must equal the request's."""
    try:
        obj_namespace, obj_name = namer.object_name(obj)
    except StatusError:
        return
    if obj_name != name:
        raise new_bad_request(f"the name of the object ({obj_name}) does not match the name on the URL ({name})")
    if namespace and obj_namespace and obj_namespace != namespace:
        raise new_bad_request(f"the namespace of the object ({obj_namespace}) does not match the namespace on "
                              f"the request ({namespace})")


@mirrors("kubernetes:pkg/apiserver.summarizeData")
def summarize_data(data: bytes, max_length: int) -> str:
    if not data:
        return "<empty>"
    if data[:1] == b"{":
        return data[:max_length].decode("utf-8", "replace") + (" ..." if len(data) > max_length else "")
    return data[:max_length].hex() + (" ..." if len(data) > max_length else "")


@mirrors("kubernetes:pkg/apiserver.transformDecodeError")
def transform_decode_error(base_err: str, expected_kind: str, gvk: GroupVersionKind | None, body: bytes) -> StatusError:
    if gvk is not None and gvk.kind:
        return new_bad_request(f"{gvk.kind} in version {go_quote(gvk.version)} cannot be handled as a "
                               f"{expected_kind}: {base_err}")
    return new_bad_request(f"the object provided is unrecognized (must be of type {expected_kind}): {base_err} "
                           f"({summarize_data(body, 30)})")


@mirrors("kubernetes:pkg/apiserver.negotiateInputSerializer")
def negotiate_input(req: Request) -> None:
    """`negotiateInputSerializer`: empty means JSON; anything but JSON is 415 here."""
    content_type = req.headers.get("Content-Type").split(";")[0].strip() or "application/json"
    if content_type != "application/json":
        raise _status(415, "UnsupportedMediaType", f"the body of the request was in an unknown format - accepted "
                      f"media types include: {', '.join(JSON_MEDIA_TYPES)}")


def decode(body: bytes, default_gvk: GroupVersionKind) -> tuple[Obj, GroupVersionKind]:
    """Decode JSON, defaulting a missing apiVersion/kind from the route's kind (the Go's defaultGVK)."""
    try:
        obj = json.loads(body or b"null")
    except ValueError as exc:
        raise transform_decode_error(str(exc), default_gvk.kind, None, body) from None
    if not isinstance(obj, dict):
        raise transform_decode_error("Object 'Kind' is missing", default_gvk.kind, None, body)
    api_version = obj.get("apiVersion") or default_gvk.group_version()
    group, _, version = api_version.rpartition("/")
    gvk = GroupVersionKind(group, version, obj.get("kind") or default_gvk.kind)
    obj["apiVersion"], obj["kind"] = api_version, gvk.kind
    return obj, gvk


# --- handlers --------------------------------------------------------------------------------------

Handler = Callable[[Request, Response], None]


def _labelled(handler: Handler, go_name: str, **facts: Any) -> Handler:
    """Record which Go constructor built a route function (the installer's wiring is testable by it)."""
    handler.go_handler = go_name  # type: ignore[attr-defined]
    for key, value in facts.items():
        setattr(handler, key, value)
    return handler


Getter = Callable[[dict[str, Any], str, Request], Obj | ResourceStream]


@mirrors("kubernetes:pkg/apiserver.getResourceHandler")
def get_resource_handler(scope: RequestScope, getter: Getter) -> Handler:
    def handle(req: Request, res: Response) -> None:
        try:
            namespace, name = scope.namer.name(req)
        except StatusError as err:
            scope.err(err, res, req)
            return
        ctx = scope.context_fn(req)
        ctx["namespace"] = namespace
        try:
            result = getter(ctx, name, req)
        except StatusError as err:
            scope.err(err, res, req)
            return
        if isinstance(result, dict):
            set_self_link(result, req, scope.namer)
        write(200, result, res, req)

    return handle


@mirrors("kubernetes:pkg/apiserver.GetResource")
def get_resource(storage: Any, exporter: Any, scope: RequestScope) -> Handler:
    """Plain get; with `?export=true` the storage's Export instead (400 when it cannot export)."""

    def getter(ctx: dict[str, Any], name: str, req: Request) -> Obj:
        query = req.query()
        if query:
            export = query.get("export", [""])[0].lower() in ("1", "t", "true")
            if export:
                if exporter is None:
                    raise new_bad_request(f"export of {go_quote(scope.resource)} is not supported")
                return exporter.export(ctx, name, {"export": True,
                                                   "exact": query.get("exact", [""])[0].lower() == "true"})
        return storage.get(ctx, name)

    return _labelled(get_resource_handler(scope, getter), "GetResource")


@mirrors("kubernetes:pkg/apiserver.GetResourceWithOptions")
def get_resource_with_options(storage: Any, scope: RequestScope) -> Handler:
    """Get with options decoded from the query (and the subpath, e.g. pod logs' container)."""

    def getter(ctx: dict[str, Any], name: str, req: Request) -> Obj | ResourceStream:
        options = {k: v[0] for k, v in req.query().items()}
        _, subpath, subpath_key = storage.new_get_options()
        if subpath and "path" in req.path_parameters:
            options[subpath_key] = req.path_parameter("path")
        return storage.get(ctx, name, options)

    return _labelled(get_resource_handler(scope, getter), "GetResourceWithOptions")


# Field labels each v1 kind can be selected by (pkg/api/v1/conversion.go); other kinds have none.
_OBJECT_META_ONLY = ("metadata.namespace", "metadata.name")
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("Endpoints", "ResourceQuota", "PersistentVolumeClaim", "Service", "ServiceAccount", "ConfigMap"),
        _OBJECT_META_ONLY,
    ),
    "Pod": ("metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "spec.nodeName",
            "spec.restartPolicy", "spec.serviceAccountName", "status.phase", "status.podIP"),
    "Node": ("metadata.name", "spec.unschedulable"),
    "ReplicationController": ("metadata.name", "metadata.namespace", "status.replicas"),
    "PersistentVolume": ("metadata.name",),
    "Event": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
              "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
              "source", "type", "metadata.namespace", "metadata.name"),
    "Namespace": ("status.phase", "metadata.name"),
    "Secret": ("type", "metadata.namespace", "metadata.name"),
}


@mirrors("kubernetes:pkg/runtime.Scheme.ConvertFieldLabel")
def convert_field_label(version: str, kind: str, label: str, value: str) -> tuple[str, str]:
    """The v1 label conversions: supported labels pass, `spec.host` becomes `spec.nodeName` for pods."""
    if version != "v1":
        raise ValueError(f"No field label conversion function found for version: {version}")
    if kind not in FIELD_LABELS:
        raise ValueError(f"No field label conversion function found for version {version} and kind {kind}")
    if kind == "Pod" and label == "spec.host":
        return "spec.nodeName", value
    if label not in FIELD_LABELS[kind]:
        if FIELD_LABELS[kind] is _OBJECT_META_ONLY:
            raise ValueError(f"field label {go_quote(label)} not supported for {go_quote(kind)}")
        raise ValueError(f"field label not supported: {label}")
    return label, value


@mirrors("kubernetes:pkg/fields.Selector.Transform")
def transform_field_selector(selector: str, scope: RequestScope) -> str:
    """`FieldSelector.Transform` with ConvertFieldLabel; a failure is a 400."""
    terms = []
    for term in filter(None, (t.strip() for t in selector.split(","))):
        operator = "!=" if "!=" in term else ("==" if "==" in term else "=")
        label, _, value = term.partition(operator)
        try:
            label, value = convert_field_label(scope.kind.group_version(), scope.kind.kind, label.strip(), value)
        except ValueError as exc:
            raise new_bad_request(str(exc)) from None
        terms.append(f"{label}{operator}{value}")
    return ",".join(terms)


def _list_options(req: Request) -> Obj:
    """Decode ListOptions from the query (labelSelector, fieldSelector, watch, resourceVersion, timeoutSeconds)."""
    query = {k: v[0] for k, v in req.query().items()}
    options: Obj = {"labelSelector": query.get("labelSelector", ""), "fieldSelector": query.get("fieldSelector", ""),
                    "watch": query.get("watch", "").lower() in ("1", "t", "true"),
                    "resourceVersion": query.get("resourceVersion", ""), "timeoutSeconds": None}
    if query.get("timeoutSeconds"):
        try:
            options["timeoutSeconds"] = int(query["timeoutSeconds"])
        except ValueError:
            # a conversion error, not an API error: errToAPIStatus makes it a 500 without reason
            raise StatusError({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                               "message": f'strconv.ParseInt: parsing {go_quote(query["timeoutSeconds"])}: '
                                          "invalid syntax", "code": 500}) from None
    return options


@mirrors("kubernetes:pkg/apiserver.ListResource")
def list_resource(lister: Any, watcher: Any, scope: RequestScope, force_watch: bool,
                 min_request_timeout: float) -> Handler:
    """List, or watch when asked (`watch=true` or a watch route) and the storage can watch."""

    def handle(req: Request, res: Response) -> None:
        try:
            namespace = scope.namer.namespace(req)
        except StatusError as err:
            scope.err(err, res, req)
            return
        try:
            _, name = scope.namer.name(req)
            has_name = True
        except StatusError:
            has_name = False
        ctx = scope.context_fn(req)
        ctx["namespace"] = namespace
        try:
            opts = _list_options(req)
        except StatusError as err:
            scope.err(err, res, req)
            return
        if opts["fieldSelector"]:
            try:
                opts["fieldSelector"] = transform_field_selector(opts["fieldSelector"], scope)
            except StatusError as err:
                scope.err(err, res, req)
                return
        if has_name:
            # a name in the path becomes the field selector metadata.name=<name>
            if opts["fieldSelector"]:
                scope.err(new_bad_request("both a name and a field selector provided; please provide one or the "
                                          "other."), res, req)
                return
            opts["fieldSelector"] = f"metadata.name={name}"
        if (opts["watch"] or force_watch) and watcher is not None:
            try:
                watch = watcher.watch(ctx, opts)
            except StatusError as err:
                scope.err(err, res, req)
                return
            serve_watch(watch, scope, req, res, watch_timeout(opts["timeoutSeconds"], min_request_timeout))
            return
        try:
            result = lister.list(ctx, opts)
        except StatusError as err:
            scope.err(err, res, req)
            return
        set_list_self_link(result, req, scope.namer)
        write(200, result, res, req)

    return _labelled(handle, "ListResource", force_watch=force_watch)


@mirrors("kubernetes:pkg/apiserver.ListResource")
def watch_timeout(
    timeout_seconds: int | None, min_request_timeout: float, rand: Callable[[], float] = _seams.random
) -> float:
    """timeoutSeconds when given; else a random value in [minRequestTimeout, 2*minRequestTimeout)."""
    timeout = float(timeout_seconds or 0)
    if timeout == 0 and min_request_timeout > 0:
        timeout = min_request_timeout * (rand() + 1.0)
    return timeout


@mirrors("kubernetes:pkg/apiserver.serveWatch", "kubernetes:pkg/apiserver.WatchServer.ServeHTTP")
def serve_watch(watch: Watch, scope: RequestScope, req: Request, res: Response, timeout: float) -> None:
    """200, then one JSON watch event per chunk until the client goes, the timeout fires or the watch closes."""
    res.headers["Content-Type"] = "application/json"
    res.headers["Transfer-Encoding"] = "chunked"
    res.write_header(200)
    deadline = time.monotonic() + timeout if timeout > 0 else None
    try:
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return
            event = watch.next(remaining)
            if event is None:  # channel closed or timed out
                return
            obj = copy.deepcopy(event["object"])
            set_self_link(obj, req, scope.namer)
            chunk = json.dumps({"type": event["type"], "object": obj}, separators=(",", ":")) + "\n"
            res.write(chunk)
            if res.flush is not None and not res.flush():
                return  # client went away
    finally:
        watch.stop()


@mirrors("kubernetes:pkg/apiserver.createHandler")
def create_handler(storage: Any, scope: RequestScope, admit: AdmissionInterface | None, include_name: bool) -> Handler:
    def handle(req: Request, res: Response) -> None:
        timeout = parse_timeout(req.query_parameter("timeout"))
        name = ""
        try:
            if include_name:
                namespace, name = scope.namer.name(req)
            else:
                namespace = scope.namer.namespace(req)
        except StatusError as err:
            scope.err(err, res, req)
            return
        ctx = scope.context_fn(req)
        ctx["namespace"] = namespace
        try:
            negotiate_input(req)
            obj, gvk = decode(req.body, scope.kind)
            if gvk.group_version() != scope.kind.group_version():
                raise new_bad_request(f"the API version in the data ({gvk.group_version()}) does not match the "
                                      f"expected API version ({scope.kind.group_version()})")
            if admit is not None and admit.handles(CREATE):
                admit.admit(AttributesRecord(obj, None, scope.kind, namespace, name, scope.resource,
                                             scope.subresource, CREATE, ctx.get("user")))

            def create() -> Obj:
                out = storage.create(ctx, name, obj) if include_name else storage.create(ctx, obj)
                if isinstance(out, dict) and out.get("kind") == "Status" and not out.get("code"):
                    out["code"] = 201
                return out

            result = finish_request(timeout, create)
        except StatusError as err:
            scope.err(err, res, req)
            return
        assert result is not None
        set_self_link(result, req, scope.namer)
        write(201, result, res, req)

    return handle


@mirrors("kubernetes:pkg/apiserver.CreateResource")
def create_resource(storage: Any, scope: RequestScope, admit: AdmissionInterface | None) -> Handler:
    return _labelled(create_handler(storage, scope, admit, include_name=False), "CreateResource")


@mirrors("kubernetes:pkg/apiserver.CreateNamedResource")
def create_named_resource(storage: Any, scope: RequestScope, admit: AdmissionInterface | None) -> Handler:
    return _labelled(create_handler(storage, scope, admit, include_name=True), "CreateNamedResource")


@mirrors("kubernetes:pkg/api/rest.DefaultUpdatedObjectInfo")
@dataclass
class UpdatedObjectInfo:
    """The new object, or a function computing it from the current one, followed by transformers."""

    obj: Obj | None
    transformers: list[Callable[[dict[str, Any], Obj, Obj], Obj]] = field(default_factory=list)

    def updated_object(self, ctx: dict[str, Any], old: Obj) -> Obj:
        new = copy.deepcopy(self.obj) if self.obj is not None else copy.deepcopy(old)
        for transform in self.transformers:
            new = transform(ctx, new, old)
        return new


@mirrors("kubernetes:pkg/apiserver.UpdateResource")
def update_resource(storage: Any, scope: RequestScope, admit: AdmissionInterface | None) -> Handler:
    def handle(req: Request, res: Response) -> None:
        timeout = parse_timeout(req.query_parameter("timeout"))
        try:
            namespace, name = scope.namer.name(req)
        except StatusError as err:
            scope.err(err, res, req)
            return
        ctx = scope.context_fn(req)
        ctx["namespace"] = namespace
        try:
            negotiate_input(req)
            obj, gvk = decode(req.body, scope.kind)
            if gvk.group_version() != scope.kind.group_version():
                raise new_bad_request(f"the API version in the data ({gvk.group_version()}) does not match the "
                                      f"expected API version ({scope.kind.group_version()})")
            check_name(obj, name, namespace, scope.namer)
            transformers: list[Callable[[dict[str, Any], Obj, Obj], Obj]] = []
            if admit is not None and admit.handles(UPDATE):
                def admit_update(ctx: dict[str, Any], new: Obj, old: Obj) -> Obj:
                    admit.admit(AttributesRecord(new, old, scope.kind, namespace, name, scope.resource,
                                                 scope.subresource, UPDATE, ctx.get("user")))
                    return new
                transformers.append(admit_update)
            created = [False]

            def update() -> Obj:
                out, created[0] = storage.update(ctx, name, UpdatedObjectInfo(obj, transformers))
                return out

            result = finish_request(timeout, update)
        except StatusError as err:
            scope.err(err, res, req)
            return
        assert result is not None
        set_self_link(result, req, scope.namer)
        write(201 if created[0] else 200, result, res, req)

    return _labelled(handle, "UpdateResource")


@mirrors("kubernetes:pkg/apiserver.PatchResource")
def patch_resource(storage: Any, scope: RequestScope, admit: AdmissionInterface | None) -> Handler:
    def handle(req: Request, res: Response) -> None:
        timeout = parse_timeout(req.query_parameter("timeout"))
        try:
            namespace, name = scope.namer.name(req)
        except StatusError as err:
            scope.err(err, res, req)
            return
        ctx = scope.context_fn(req)
        ctx["namespace"] = namespace
        versioned_kind = storage.new()["kind"]  # the Go type whose struct tags steer a strategic merge patch
        content_type = req.headers.get("Content-Type")
        if content_type.find(";") > 0:
            content_type = content_type[:content_type.find(";")]

        def update_admit(updated: Obj, current: Obj) -> None:
            if admit is not None and admit.handles(UPDATE):
                admit.admit(AttributesRecord(updated, current, scope.kind, namespace, name, scope.resource,
                                             scope.subresource, UPDATE, ctx.get("user")))

        try:
            result = patch_resource_with_retries(ctx, update_admit, timeout, versioned_kind, storage, name,
                                                 content_type, req.body, scope.namer, scope.resource, scope.group)
        except StatusError as err:
            scope.err(err, res, req)
            return
        set_self_link(result, req, scope.namer)
        write(200, result, res, req)

    return _labelled(handle, "PatchResource")


@mirrors("kubernetes:pkg/apiserver.patchResource")
def patch_resource_with_retries(ctx: dict[str, Any], admit: Callable[[Obj, Obj], None], timeout: float,
                                versioned_kind: str, patcher: Any, name: str, patch_type: str, patch_js: bytes,
                                namer: ScopeNamer, resource: str, group: str = "") -> Obj:
    """Apply the patch to the current object; on conflicts retry up to MaxPatchConflicts more times.

    A retry re-applies the *original* change (as a strategic merge patch) onto the new current
    object, unless what changed meanwhile conflicts with it: then the last conflict error is returned.
    `versioned_kind` stands for the Go's `versionedObj`: the kind whose merge keys the patches use.
    """
    namespace = ctx.get("namespace", "")
    state: dict[str, Any] = {"original": None, "patched": None, "last_conflict": None}

    def apply_patch(_ctx: dict[str, Any], _new: Obj, current: Obj) -> Obj:
        if not current.get("metadata", {}).get("uid"):
            raise new_not_found(resource, name, group)
        if state["original"] is None or state["patched"] is None:
            state["original"] = copy.deepcopy(current)
            state["patched"] = get_patched_js(patch_type, state["original"], patch_js, versioned_kind)
            obj_to_update = copy.deepcopy(state["patched"])
            check_name(obj_to_update, name, namespace, namer)
            return obj_to_update
        try:
            current_patch = strategicpatch.create_strategic_merge_patch(state["original"], current, versioned_kind)
            original_patch = strategicpatch.create_strategic_merge_patch(state["original"], state["patched"],
                                                                         versioned_kind)
            conflicting = strategicpatch.has_conflicts(original_patch, current_patch)
        except strategicpatch.PatchError as err:
            raise go_error(err) from None
        if conflicting:
            if state["last_conflict"] is not None:
                raise state["last_conflict"]
            raise new_conflict(resource, name, "", group)
        return get_patched_js(STRATEGIC_MERGE_PATCH, current, json.dumps(original_patch).encode(), versioned_kind)

    def apply_admission(_ctx: dict[str, Any], patched: Obj, current: Obj) -> Obj:
        admit(patched, current)
        return patched

    info = UpdatedObjectInfo(None, [apply_patch, apply_admission])

    def update() -> Obj:
        try:
            out, _ = patcher.update(ctx, name, info)
        except StatusError as err:
            update_err = err
        else:
            return out
        for _ in range(MAX_PATCH_CONFLICTS):
            if update_err.reason != "Conflict":
                break
            state["last_conflict"] = update_err
            try:
                out, _ = patcher.update(ctx, name, info)
            except StatusError as err:
                update_err = err
            else:
                return out
        raise update_err

    result = finish_request(timeout, update)
    assert result is not None
    return result


@mirrors("kubernetes:pkg/apiserver.getPatchedJS")
def get_patched_js(patch_type: str, original: Obj, patch_js: bytes, versioned_kind: str) -> Obj:
    """Apply the patch as its type says; a strategic merge patch merges lists by `versioned_kind`'s merge keys."""
    if patch_type == STRATEGIC_MERGE_PATCH:
        try:
            return strategicpatch.strategic_merge_patch(original, patch_js, versioned_kind)
        except strategicpatch.PatchError as err:
            raise go_error(err) from None
    if patch_type not in (JSON_PATCH, MERGE_PATCH):
        # only a safety net, as in the Go: go-restful routes only the consumed patch types here
        raise go_error(ValueError(f"unknown Content-Type header for patch: {patch_type}"))
    try:
        patch = json.loads(patch_js or b"null")
    except ValueError as exc:
        raise new_bad_request(str(exc)) from None
    if patch_type == JSON_PATCH:
        return apply_json_patch(original, patch)
    return merge_patch(original, patch)


def go_error(err: Exception) -> StatusError:
    """A plain Go `error` (not a Status) as the client gets it: errToAPIStatus makes it a 500 with its text."""
    return StatusError(err_to_api_status(err))


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: maps merge recursively, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def apply_json_patch(doc: Obj, operations: Any) -> Obj:
    """RFC 6902 add / remove / replace / test on maps and lists (what evanphx/json-patch applies)."""
    if not isinstance(operations, list):
        raise new_bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    result = copy.deepcopy(doc)
    for op in operations:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op.get("path", "").split("/")[1:]]
        parent: Any = result
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent.get(part)
            if parent is None:
                raise new_internal_error(f"doc is missing path: {op.get('path')}")
        last = parts[-1] if parts else ""
        kind = op.get("op")
        if kind in ("add", "replace"):
            if isinstance(parent, list):
                index = len(parent) if last == "-" else int(last)
                parent.insert(index, op.get("value")) if kind == "add" else parent.__setitem__(index, op.get("value"))
            else:
                if kind == "replace" and last not in parent:
                    raise new_internal_error(f"replace operation does not apply: doc is missing key: {op['path']}")
                parent[last] = op.get("value")
        elif kind == "remove":
            if isinstance(parent, list):
                parent.pop(int(last))
            elif last in parent:
                del parent[last]
            else:
                raise new_internal_error(f"remove operation does not apply: doc is missing path: {op['path']}")
        elif kind == "test":
            current = parent[int(last)] if isinstance(parent, list) else parent.get(last)
            if current != op.get("value"):
                raise new_internal_error("testing value " + op["path"] + " failed")
        else:
            raise new_internal_error(f"Unexpected kind: {kind}")
    return result


@mirrors("kubernetes:pkg/apiserver.DeleteResource")
def delete_resource(storage: Any, allows_options: bool, scope: RequestScope,
                   admit: AdmissionInterface | None) -> Handler:
    def handle(req: Request, res: Response) -> None:
        timeout = parse_timeout(req.query_parameter("timeout"))
        try:
            namespace, name = scope.namer.name(req)
        except StatusError as err:
            scope.err(err, res, req)
            return
        ctx = scope.context_fn(req)
        ctx["namespace"] = namespace
        options: Obj = {}
        try:
            if allows_options:
                if req.body:
                    negotiate_input(req)
                    decoded, gvk = decode(req.body, GroupVersionKind(scope.kind.group, scope.kind.version,
                                                                     "DeleteOptions"))
                    if gvk.kind != "DeleteOptions":
                        raise _status(500, "", "decoded object cannot be converted to DeleteOptions")
                    options = decoded
                elif req.raw_query:
                    query = req.query()
                    if "gracePeriodSeconds" in query:
                        options["gracePeriodSeconds"] = int(query["gracePeriodSeconds"][0])
            if admit is not None and admit.handles(DELETE):
                admit.admit(AttributesRecord(None, None, scope.kind, namespace, name, scope.resource,
                                             scope.subresource, DELETE, ctx.get("user")))
            result = finish_request(timeout, lambda: storage.delete(ctx, name, options))
        except StatusError as err:
            scope.err(err, res, req)
            return
        if result is None:
            result = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 200,
                      "details": {"name": name, "kind": scope.kind.kind}}
        elif result.get("kind") != "Status":
            set_self_link(result, req, scope.namer)
        write(200, result, res, req)

    return _labelled(handle, "DeleteResource")


@mirrors("kubernetes:pkg/apiserver.DeleteCollection")
def delete_collection(storage: Any, check_body: bool, scope: RequestScope,
                     admit: AdmissionInterface | None) -> Handler:
    def handle(req: Request, res: Response) -> None:
        timeout = parse_timeout(req.query_parameter("timeout"))
        try:
            namespace = scope.namer.namespace(req)
            ctx = scope.context_fn(req)
            ctx["namespace"] = namespace
            if admit is not None and admit.handles(DELETE):
                admit.admit(AttributesRecord(None, None, scope.kind, namespace, "", scope.resource,
                                             scope.subresource, DELETE, ctx.get("user")))
            list_options = _list_options(req)
            if list_options["fieldSelector"]:
                list_options["fieldSelector"] = transform_field_selector(list_options["fieldSelector"], scope)
            result = finish_request(timeout, lambda: storage.delete_collection(ctx, {}, list_options))
        except StatusError as err:
            scope.err(err, res, req)
            return
        if result is None:
            result = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 200,
                      "details": {"kind": scope.kind.kind}}
        elif result.get("kind") != "Status":
            set_list_self_link(result, req, scope.namer)
        write_negotiated(res, req, 200, result)

    return _labelled(handle, "DeleteCollection")


# --- in-memory storage (generic registry Store) ----------------------------------------------------


@mirrors("kubernetes:pkg/watch.Interface")
@dataclass
class Watch:
    """A watch channel: events after the starting resource version, matching the list options."""

    events: queue.Queue[Obj | None]
    on_stop: Callable[[], None]

    def next(self, timeout: float | None) -> Obj | None:
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        self.on_stop()


def _match_labels(selector: str, labels: dict[str, str]) -> bool:
    """Equality-based selectors: `a=b,c!=d,e` (existence)."""
    for term in filter(None, (t.strip() for t in selector.split(","))):
        if "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key.strip()) == value.strip():
                return False
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            if labels.get(key.strip()) != value.strip():
                return False
        elif term.strip() not in labels:
            return False
    return True


def _match_fields(selector: str, obj: Obj) -> bool:
    """Field selectors over the fields a v1 object exposes (`metadata.name`, `status.phase`, ...)."""
    def field_value(path: str) -> str:
        value: Any = obj
        for part in path.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        return value if isinstance(value, str) else json.dumps(value) if value != "" else ""

    for term in filter(None, (t.strip() for t in selector.split(","))):
        if "!=" in term:
            key, _, value = term.partition("!=")
            if field_value(key.strip()) == value.strip():
                return False
            continue
        key, _, value = term.replace("==", "=").partition("=")
        if field_value(key.strip()) != value.strip():
            return False
    return True


@mirrors("kubernetes:pkg/registry/generic/registry.Store")
class MemoryStorage:
    """A resource's storage in memory, with the semantics of the generic registry Store.

    Capabilities (which `rest.*` interfaces it implements) are declared in `capabilities`, which
    the API installer reads as the Go reads interface assertions.
    """

    capabilities = frozenset({"Getter", "Lister", "Creater", "Updater", "Patcher", "GracefulDeleter",
                              "CollectionDeleter", "Watcher"})

    def __init__(self, kind: str, resource: str, namespaced: bool = True, group: str = "", version: str = "v1",
                 allow_create_on_update: bool = False) -> None:
        self.kind = kind
        self.resource = resource
        self.namespaced = namespaced
        self.group = group
        self.api_version = f"{group}/{version}" if group else version
        self.allow_create_on_update = allow_create_on_update
        self.objects: dict[tuple[str, str], Obj] = {}
        self.lock = threading.RLock()
        self.watchers: list[tuple[queue.Queue[Obj | None], str, Obj]] = []
        # storage.New() and NewList() return the group's internal types (api.Pod, extensions.Deployment)
        self.go_type = scheme.API_SCHEME.new((group, scheme.INTERNAL, kind))
        self.list_go_type = scheme.API_SCHEME.new((group, scheme.INTERNAL, kind + "List"))

    # rest.Storage
    def new(self) -> Obj:
        return {"kind": self.kind, "apiVersion": self.api_version, "metadata": {}}

    def new_list(self) -> Obj:
        return {"kind": f"{self.kind}List", "apiVersion": self.api_version, "metadata": {}, "items": []}

    def _key(self, ctx: dict[str, Any], name: str) -> tuple[str, str]:
        namespace = ctx.get("namespace", "") if self.namespaced else ""
        if self.namespaced and not namespace:
            raise new_bad_request("Namespace parameter required.")
        return namespace, name

    # One counter for every storage, as etcd's index is one for the whole cluster.
    _versions = itertools.count(1)
    _versions_lock = threading.Lock()
    resource_version = 0

    def _bump(self) -> str:
        with MemoryStorage._versions_lock:
            MemoryStorage.resource_version = next(MemoryStorage._versions)
            return str(MemoryStorage.resource_version)

    def _notify(self, event_type: str, obj: Obj) -> None:
        for events, namespace, opts in list(self.watchers):
            if namespace and obj["metadata"].get("namespace") != namespace:
                continue
            if _match_labels(opts.get("labelSelector", ""), obj["metadata"].get("labels", {})) and \
                    _match_fields(opts.get("fieldSelector", ""), obj):
                events.put({"type": event_type, "object": copy.deepcopy(obj)})

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.Create")
    def create(self, ctx: dict[str, Any], obj: Obj) -> Obj:
        meta = obj.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + _seams.uuid4().hex[:5]
        name = meta.get("name", "")
        if not name:
            raise _status(422, "Invalid", f"{self.kind} {go_quote('')} is invalid: metadata.name: Required value: "
                          "name or generateName is required",
                          {"kind": self.kind, "causes": [{"reason": "FieldValueRequired",
                                                          "message": "Required value: name or generateName is required",
                                                          "field": "metadata.name"}]})
        with self.lock:
            key = self._key(ctx, name)
            if self.namespaced:
                meta["namespace"] = key[0]
            if key in self.objects:
                raise new_already_exists(self.resource, name, self.group)
            meta["uid"] = str(_seams.uuid4())
            meta["resourceVersion"] = self._bump()
            meta["creationTimestamp"] = _seams.now().strftime("%Y-%m-%dT%H:%M:%SZ")
            self.objects[key] = copy.deepcopy(obj)
            self._notify("ADDED", obj)
            return copy.deepcopy(obj)

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.Get")
    def get(self, ctx: dict[str, Any], name: str) -> Obj:
        with self.lock:
            obj = self.objects.get(self._key(ctx, name))
            if obj is None:
                raise new_not_found(self.resource, name, self.group)
            return copy.deepcopy(obj)

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.List")
    def list(self, ctx: dict[str, Any], opts: Obj) -> Obj:
        namespace = ctx.get("namespace", "") if self.namespaced else ""
        with self.lock:
            items = [copy.deepcopy(o) for (ns, _), o in sorted(self.objects.items())
                     if (not namespace or ns == namespace)
                     and _match_labels(opts.get("labelSelector", ""), o["metadata"].get("labels", {}))
                     and _match_fields(opts.get("fieldSelector", ""), o)]
            result = self.new_list()
            result["metadata"]["resourceVersion"] = str(self.resource_version)
            result["items"] = items
            return result

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.Update")
    def update(self, ctx: dict[str, Any], name: str, info: UpdatedObjectInfo) -> tuple[Obj, bool]:
        """Optimistic concurrency: a resourceVersion in the new object must equal the stored one."""
        with self.lock:
            key = self._key(ctx, name)
            existing = self.objects.get(key)
            current = copy.deepcopy(existing) if existing is not None else self.new()
            obj = info.updated_object(ctx, current)
            meta = obj.setdefault("metadata", {})
            if existing is None:
                if not self.allow_create_on_update:
                    raise new_not_found(self.resource, name, self.group)
                created = self.create(ctx, obj)
                return created, True
            new_version = meta.get("resourceVersion", "")
            if new_version and new_version != existing["metadata"]["resourceVersion"]:
                raise new_conflict(self.resource, name, OPTIMISTIC_LOCK_ERROR_MSG, self.group)
            for fixed in ("uid", "creationTimestamp", "namespace"):
                if fixed in existing["metadata"]:
                    meta[fixed] = existing["metadata"][fixed]
            meta["resourceVersion"] = self._bump()
            self.objects[key] = copy.deepcopy(obj)
            self._notify("MODIFIED", obj)
            return copy.deepcopy(obj), False

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.Delete")
    def delete(self, ctx: dict[str, Any], name: str, options: Obj) -> Obj:
        """Immediate deletion; like the Store without ReturnDeletedObject it answers a Success Status."""
        with self.lock:
            key = self._key(ctx, name)
            obj = self.objects.pop(key, None)
            if obj is None:
                raise new_not_found(self.resource, name, self.group)
            self._bump()
            self._notify("DELETED", obj)
            return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.DeleteCollection")
    def delete_collection(self, ctx: dict[str, Any], options: Obj, list_options: Obj) -> Obj:
        listed = self.list(ctx, list_options)
        for item in listed["items"]:
            self.delete({"namespace": item["metadata"].get("namespace", "")}, item["metadata"]["name"], options)
        return listed

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.Watch")
    def watch(self, ctx: dict[str, Any], opts: Obj) -> Watch:
        """Events from now on; with resourceVersion "0" or unset the current objects come first as ADDED."""
        events: queue.Queue[Obj | None] = queue.Queue()
        namespace = ctx.get("namespace", "") if self.namespaced else ""
        entry = (events, namespace, opts)
        with self.lock:
            if opts.get("resourceVersion", "") in ("", "0"):
                for obj in self.list(ctx, opts)["items"]:
                    events.put({"type": "ADDED", "object": obj})
            self.watchers.append(entry)

        def stop() -> None:
            with self.lock:
                if entry in self.watchers:
                    self.watchers.remove(entry)

        return Watch(events, stop)


@mirrors("kubernetes:pkg/registry/core/pod/etcd.StatusREST")
class StatusSubresource:
    """`<resource>/status`: get, update and patch of the parent's objects, changing only `.status`."""

    capabilities = frozenset({"Getter", "Updater", "Patcher"})

    def __init__(self, parent: MemoryStorage) -> None:
        self.parent = parent
        self.go_type = parent.go_type

    def new(self) -> Obj:
        return self.parent.new()

    def get(self, ctx: dict[str, Any], name: str) -> Obj:
        return self.parent.get(ctx, name)

    def update(self, ctx: dict[str, Any], name: str, info: UpdatedObjectInfo) -> tuple[Obj, bool]:
        def keep_all_but_status(ctx: dict[str, Any], new: Obj, old: Obj) -> Obj:
            merged = copy.deepcopy(old)
            merged["status"] = new.get("status", {})
            merged.setdefault("metadata", {})["resourceVersion"] = new.get("metadata", {}).get("resourceVersion", "")
            return merged

        return self.parent.update(ctx, name, UpdatedObjectInfo(info.obj, [*info.transformers, keep_all_but_status]))


class _PodNamer:
    """The demo's namer: pods under `/api/v1/namespaces/{namespace}/pods/{name}`.

    APIInstaller builds the real one (`apiinstaller.ScopeNaming`, the installer chapter); the demo names
    its pods itself, so that this model needs nothing of the installer, as in the Go.
    """

    def namespace(self, req: Request) -> str:
        return req.path_parameter("namespace")

    def name(self, req: Request) -> tuple[str, str]:
        return self.namespace(req), req.path_parameter("name")

    def object_name(self, obj: Obj) -> tuple[str, str]:
        meta = obj.get("metadata", {})
        return meta.get("namespace", ""), meta.get("name", "")

    def generate_link(self, req: Request, obj: Obj) -> str:
        namespace, name = self.object_name(obj)
        if not name:
            namespace, name = self.name(req)
        return f"/api/v1/namespaces/{namespace}/pods/{name}"

    def generate_list_link(self, req: Request) -> str:
        return req.escaped_path()


def _demo() -> None:
    store = MemoryStorage("Pod", "pods")
    scope = RequestScope(_PodNamer(), GroupVersionKind("", "v1", "Pod"), "pods")

    def call(handler: Handler, method: str, path: str, params: dict[str, str], body: Obj | None = None,
             content_type: str = "application/json") -> None:
        req = Request.new(method, path, {"Content-Type": content_type},
                          json.dumps(body).encode() if body is not None else b"")
        req.path_parameters = params
        res = Response()
        handler(req, res)
        print(f"{method} {path}" + (f" ({content_type})" if method == "PATCH" else ""))
        print(f"  -> {res.status} {res.body.decode().strip()}")

    def containers() -> None:
        spec = store.get({"namespace": "default"}, "web").get("spec", {})
        print("     containers now:", ", ".join(f"{c['name']}={c['image']}" for c in spec.get("containers", [])))

    ns = {"namespace": "default"}
    named = {"namespace": "default", "name": "web"}
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.10"}, {"name": "log", "image": "busybox"}]},
    }
    call(create_resource(store, scope, None), "POST", "/api/v1/namespaces/default/pods", ns, pod)
    call(create_resource(store, scope, None), "POST", "/api/v1/namespaces/default/pods", ns, pod)
    call(get_resource(store, None, scope), "GET", "/api/v1/namespaces/default/pods/web", named)
    call(patch_resource(store, scope, None), "PATCH", "/api/v1/namespaces/default/pods/web", named,
         {"metadata": {"labels": {"tier": "front"}}}, MERGE_PATCH)
    new_image = {"spec": {"containers": [{"name": "web", "image": "nginx:1.11"}]}}
    call(patch_resource(store, scope, None), "PATCH", "/api/v1/namespaces/default/pods/web", named,
         new_image, STRATEGIC_MERGE_PATCH)
    containers()  # merged by name: only web's image changed
    call(patch_resource(store, scope, None), "PATCH", "/api/v1/namespaces/default/pods/web", named,
         new_image, MERGE_PATCH)
    containers()  # a merge patch replaces the whole list: log is gone
    call(list_resource(store, store, scope, False, 1800), "GET", "/api/v1/namespaces/default/pods", ns)
    call(delete_resource(store, True, scope, None), "DELETE", "/api/v1/namespaces/default/pods/web", named)
    call(get_resource(store, None, scope), "GET", "/api/v1/namespaces/default/pods/web", named)


if __name__ == "__main__":
    _demo()
