"""REST handlers of Kubernetes v1.5.2 (`pkg/apiserver/resthandler.go`, `watch.go`) over the registry model.

Every handler follows one pattern: read namespace and name through the scope's namer, put the
namespace into the request context, decode the body, call admission (inside the handler, not as
an HTTP filter: create, update, patch and delete are the only places it runs), call the storage
under `finishRequest` (a timeout and the Status-as-error conversion), set the self link, and
write the answer.

Objects are JSON dicts in the v1 shape. Decoding a body, its defaults and the way an answer is
encoded are the `apiv1` model's (with what it leaves out); the storage behind the handlers is the
generic registry `Store` of `registry.py`, whose strategies validate creates and updates as the Go
does (`registry.Store("Pod", "pods")` refuses a pod update that adds or removes a container). Only
JSON is spoken; YAML and protobuf requests are answered as the Go answers media types it cannot
negotiate. Strategic merge patch is the model of `strategicpatch.py`, which reads the versioned Go
type's struct tags from a table generated from the sources. The JSON patch errors are
evanphx/json-patch's for the operations modelled (add, remove, replace, test).

Run `python -m walkthrough.reimpl.kubernetes.resthandler` for a create/get/patch/delete walk.
"""

from __future__ import annotations

import copy
import json
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from walkthrough.reimpl import _seams, mirrors
from walkthrough.reimpl.kubernetes import apiv1, jsonpatch, registry, strategicpatch
from walkthrough.reimpl.kubernetes._go import GoPanic
from walkthrough.reimpl.kubernetes.apierrors import (
    StatusError,
    err_to_api_status,
    from_object,
    go_error,
    go_quote,
    new_bad_request,
    new_conflict,
    new_not_found,
    new_timeout_error,
    status_error,
)
from walkthrough.reimpl.kubernetes.registry import UpdatedObjectInfo, Watch
from walkthrough.reimpl.kubernetes.restful import ProcessCrash, Request, Response

JSON_MEDIA_TYPES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
MAX_PATCH_CONFLICTS = 5  # mirrors resthandler.go MaxPatchConflicts

# Patch types: the Content-Type of a PATCH request without parameters.
JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"

# Admission operations (pkg/admission.Operation).
CREATE, UPDATE, DELETE, CONNECT = "CREATE", "UPDATE", "DELETE", "CONNECT"

Obj = dict[str, Any]


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
        status = err_to_api_status(status_error(406, "NotAcceptable", "only the following media types are accepted: "
                                           + ", ".join(JSON_MEDIA_TYPES)))
        res.headers["Content-Type"] = "application/json"
        res.write_header(406)
        res.write(json.dumps(status, indent=2))
        return
    res.headers["Content-Type"] = "application/json"
    res.write_header(status_code)
    obj = encode(obj)
    if is_pretty_print(req):
        res.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")
    else:
        res.write(json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n")


def encode(obj: Obj) -> Obj:
    """The JSON the Go's encoder writes for an object of a modelled kind (fields in order, empties left out)."""
    kind = obj.get("kind", "")
    return apiv1.encode(kind, obj) if kind in apiv1.SCHEMAS else obj


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
    if kind == "panic" and isinstance(value, GoPanic):
        # HandleCrash hands the panic to this goroutine, then re-panics its own (util/runtime.ReallyCrash):
        # nothing recovers that one, and kube-apiserver exits.
        raise ProcessCrash(str(value))
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
    for item in obj["items"] or []:
        set_self_link(item, req, namer)
    return len(obj["items"] or [])


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
        raise status_error(415, "UnsupportedMediaType", f"the body of the request was in an unknown format - accepted "
                      f"media types include: {', '.join(JSON_MEDIA_TYPES)}")


def decode(body: bytes, default_gvk: GroupVersionKind) -> tuple[Obj, GroupVersionKind]:
    """Decode the route's kind from JSON, defaulting a missing apiVersion/kind from the route (the Go's defaultGVK).

    A modelled kind is decoded as the Go's codec decodes it (`apiv1.decode`); another is taken as given.
    """
    if default_gvk.kind in apiv1.SCHEMAS:
        try:
            obj, (group, version, kind) = apiv1.decode(body, default_gvk.group, default_gvk.version, default_gvk.kind)
        except apiv1.DecodeError as err:
            gvk = GroupVersionKind(*err.gvk) if err.gvk is not None else None
            raise transform_decode_error(str(err), default_gvk.kind, gvk, body) from None
        return obj, GroupVersionKind(group, version, kind)
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
        versioned_kind = scope.kind.kind
        # the versioned Go type whose struct tags steer a strategic merge patch (v1.Pod for pods)
        versioned_type = strategicpatch.versioned_type(scope.kind.group, scope.kind.version, scope.kind.kind)
        content_type = req.headers.get("Content-Type")
        if content_type.find(";") > 0:
            content_type = content_type[:content_type.find(";")]

        def update_admit(updated: Obj, current: Obj) -> None:
            if admit is not None and admit.handles(UPDATE):
                admit.admit(AttributesRecord(updated, current, scope.kind, namespace, name, scope.resource,
                                             scope.subresource, UPDATE, ctx.get("user")))

        try:
            result = patch_resource_with_retries(ctx, update_admit, timeout, versioned_kind, storage, name,
                                                 content_type, req.body, scope.namer, scope.resource, scope.group,
                                                 versioned_type)
        except StatusError as err:
            scope.err(err, res, req)
            return
        set_self_link(result, req, scope.namer)
        write(200, result, res, req)

    return _labelled(handle, "PatchResource")


@mirrors("kubernetes:pkg/apiserver.patchResource")
def patch_resource_with_retries(ctx: dict[str, Any], admit: Callable[[Obj, Obj], None], timeout: float,
                                versioned_kind: str, patcher: Any, name: str, patch_type: str, patch_js: bytes,
                                namer: ScopeNamer, resource: str, group: str = "", versioned_type: str = "") -> Obj:
    """Apply the patch to the current object; on conflicts retry up to MaxPatchConflicts more times.

    A retry re-applies the *original* change (as a strategic merge patch) onto the new current
    object, unless what changed meanwhile conflicts with it: then the last conflict error is returned.
    `versioned_kind` and `versioned_type` stand for the Go's `versionedObj`: its kind, and the Go type whose
    struct tags steer the strategic merge patches (the kind of core v1 when not given).
    """
    versioned_type = versioned_type or versioned_kind
    namespace = ctx.get("namespace", "")
    state: dict[str, Any] = {"original": None, "patched": None, "last_conflict": None}

    def apply_patch(_ctx: dict[str, Any], _new: Obj, current: Obj) -> Obj:
        if not current.get("metadata", {}).get("uid"):
            raise new_not_found(resource, name, group)
        current_js = encode_object(versioned_kind, current)
        if state["original"] is None or state["patched"] is None:
            state["original"] = current_js
            state["patched"] = get_patched_js(patch_type, state["original"], patch_js, versioned_type)
            obj_to_update = decode_object(versioned_kind, state["patched"], patch_type == STRATEGIC_MERGE_PATCH)
            check_name(obj_to_update, name, namespace, namer)
            return obj_to_update
        try:
            current_patch = strategicpatch.create_strategic_merge_patch(state["original"], current_js, versioned_type)
            original_patch = strategicpatch.create_strategic_merge_patch(state["original"], state["patched"],
                                                                         versioned_type)
            conflicting = strategicpatch.has_conflicts(original_patch, current_patch)
        except strategicpatch.PatchError as err:
            raise go_error(err) from None
        if conflicting:
            if state["last_conflict"] is not None:
                raise state["last_conflict"]
            raise new_conflict(resource, name, "", group)
        return decode_object(versioned_kind, get_patched_js(STRATEGIC_MERGE_PATCH, current_js,
                                                            json.dumps(original_patch).encode(), versioned_type),
                             sort_all=True)

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


def encode_object(kind: str, obj: Obj) -> Obj:
    """`runtime.Encode(codec, obj)`: the object as v1 JSON, kind and apiVersion set."""
    if kind not in apiv1.SCHEMAS:
        return copy.deepcopy(obj)
    return apiv1.encode(kind, {**obj, "kind": kind, "apiVersion": "v1"})


def decode_object(kind: str, doc: Any, sort_all: bool = False) -> Obj:
    """`runtime.DecodeInto(codec, js, patcher.New())`: a failure is a plain Go error, a 500 with its text.

    `js` is the patched document as the patch library marshalled it (`apiv1.go_marshal`): a strategic merge
    patch's maps all sorted (`sort_all`), a JSON patch's only where it parsed them.
    """
    if kind not in apiv1.SCHEMAS:
        return doc if isinstance(doc, dict) else {}
    try:
        obj, _ = apiv1.decode(apiv1.go_marshal(doc, sort_all).encode(), "", "v1", kind)
    except apiv1.DecodeError as err:
        raise go_error(str(err)) from None
    return obj


@mirrors("kubernetes:pkg/apiserver.getPatchedJS")
def get_patched_js(patch_type: str, original: Obj, patch_js: bytes, versioned_kind: str) -> Any:
    """Apply the patch as its type says; a strategic merge patch merges lists by `versioned_kind`'s merge keys.

    Every failure is a plain Go error: the client gets a 500 carrying its text.
    """
    try:
        if patch_type == STRATEGIC_MERGE_PATCH:
            return strategicpatch.strategic_merge_patch(original, patch_js, versioned_kind)
        if patch_type == JSON_PATCH:
            return jsonpatch.apply_patch(original, patch_js)
        if patch_type == MERGE_PATCH:
            return jsonpatch.merge_patch(original, patch_js)
    except (strategicpatch.PatchError, jsonpatch.PatchError) as err:
        raise go_error(err) from None
    # only a safety net, as in the Go: go-restful routes only the consumed patch types here
    raise go_error(f"unknown Content-Type header for patch: {patch_type}")


def decode_delete_options(body: bytes, scope: RequestScope) -> Obj:
    """DeleteOptions from a DELETE body; the codec's error reaches the client as it is, a 500."""
    try:
        options, gvk = apiv1.decode(body, scope.kind.group, scope.kind.version, "DeleteOptions")
    except apiv1.DecodeError as err:
        raise go_error(str(err)) from None
    if gvk[2] != "DeleteOptions":
        raise go_error("decoded object cannot be converted to DeleteOptions")
    return options


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
                    options = decode_delete_options(req.body, scope)
                elif req.raw_query:
                    query = req.query()
                    if "gracePeriodSeconds" in query:  # the parameter codec's conversion, a plain error
                        text = query["gracePeriodSeconds"][0]
                        if not re.fullmatch(r"[+-]?[0-9]+", text):
                            raise go_error(f"strconv.ParseInt: parsing {go_quote(text)}: invalid syntax")
                        options["gracePeriodSeconds"] = int(text)
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
            options: Obj = {}
            if check_body and req.body:
                negotiate_input(req)
                options = decode_delete_options(req.body, scope)
            result = finish_request(timeout, lambda: storage.delete_collection(ctx, options, list_options))
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


class _PodNamer:
    """The demo's namer: pods under `/api/v1/namespaces/{namespace}/pods/{name}`.

    APIInstaller builds the real one (`apiinstaller.ScopeNaming`, the installer chapter); the demo names
    its pods itself, so that this model needs nothing of the installer, as in the Go.
    """

    def namespace(self, req: Request) -> str:
        return req.path_parameter("namespace")

    def name(self, req: Request) -> tuple[str, str]:
        name = req.path_parameter("name")
        if not name:  # errEmptyName: how ListResource tells a list from a named watch
            raise new_bad_request("name must be provided")
        return self.namespace(req), name

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
    store = registry.Store("Pod", "pods")
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
    containers()  # a merge patch would replace the whole list, and lose log: the pod update validation refuses
    call(list_resource(store, store, scope, False, 1800), "GET", "/api/v1/namespaces/default/pods", ns)
    call(delete_resource(store, True, scope, None), "DELETE", "/api/v1/namespaces/default/pods/web", named)
    call(get_resource(store, None, scope), "GET", "/api/v1/namespaces/default/pods/web", named)


if __name__ == "__main__":
    _demo()
