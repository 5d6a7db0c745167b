"""The generic registry `Store` of Kubernetes v1.5.2 over an in-memory etcd: what `r.Create`, `r.Update` do.

`Store` mirrors `pkg/registry/generic/registry.Store`: it keys objects by namespace and name, runs
the kind's strategy around every write (`rest.BeforeCreate`, `BeforeUpdate`, `BeforeDelete`: clear
what users may not set, fill uid and timestamps, validate, 422 on any field error), refuses stale
resource versions with a 409, deletes gracefully where the strategy asks (a pod on a node keeps
existing with a `deletionTimestamp`), and returns the deleted object where the Go's Store does
(`ReturnDeletedObject`), else a Success status. Garbage collection is on, as kube-apiserver's
default is: a delete honours finalizers.

Under it, `MemoryEtcd` stands in for etcd2 behind `storage.Interface`: one index for every key, an
object's resourceVersion the index of its last write, a list's the current index, a write that
changes nothing not a write (the Go compares the encoded bytes), and objects stored as their v1 JSON
and defaulted again when read (`apiv1.stored`).

Kinds without a strategy here (`strategies.STRATEGIES`) are stored as given, unvalidated.
"""

from __future__ import annotations

import copy
import json
import queue
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walkthrough.reimpl import _seams, mirrors
from walkthrough.reimpl.docker._gostd import NumError, parse_uint
from walkthrough.reimpl.kubernetes import apiv1, scheme, strategies
from walkthrough.reimpl.kubernetes import validation as v
from walkthrough.reimpl.kubernetes.apierrors import (
    StatusError,
    go_quote,
    new_already_exists,
    new_bad_request,
    new_conflict,
    new_internal_error,
    new_invalid,
    new_not_found,
    status_error,
)

if TYPE_CHECKING:
    from collections.abc import Callable

Obj = dict[str, Any]
Objs = list[Obj]
Ctx = dict[str, Any]
OPTIMISTIC_LOCK_ERROR_MSG = ("the object has been modified; please apply your changes to the latest version "
                             "and try again")


# --- storage.Interface: an etcd2 in memory ----------------------------------------------------------

KEY_NOT_FOUND, KEY_EXISTS, RESOURCE_VERSION_CONFLICTS, INVALID_OBJ, UNREACHABLE = 1, 2, 3, 4, 5
_STORAGE_MESSAGES = {KEY_NOT_FOUND: "key not found", KEY_EXISTS: "key exists",
                     RESOURCE_VERSION_CONFLICTS: "resource version conflicts", INVALID_OBJ: "invalid object",
                     UNREACHABLE: "server unreachable"}


@mirrors("kubernetes:pkg/storage.StorageError")
class StorageError(Exception):
    def __init__(self, code: int, key: str, resource_version: int = 0, message: str = "") -> None:
        super().__init__(f"StorageError: {_STORAGE_MESSAGES[code]}, Code: {code}, Key: {key}, "
                         f"ResourceVersion: {resource_version}, AdditionalErrorMsg: {message}")
        self.code = code


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


@mirrors("kubernetes:pkg/storage/etcd.etcdHelper")
class MemoryEtcd:
    """Keys to (v1 JSON text, modified index), with etcd2's index: one counter for the whole store."""

    def __init__(self) -> None:
        self.index = 0
        self.data: dict[str, tuple[str, int]] = {}
        self.lock = threading.RLock()
        self.watchers: list[tuple[str, Callable[[str, Obj], None]]] = []

    def _read(self, kind: str, key: str) -> tuple[Obj, int] | None:
        found = self.data.get(key)
        if found is None:
            return None
        value = apiv1.stored(kind, json.loads(found[0])) if kind in apiv1.SCHEMAS else json.loads(found[0])
        _set_resource_version(value, found[1])
        return value, found[1]

    def _write(self, kind: str, key: str, obj: Obj, event: str) -> tuple[Obj, int]:
        self.index += 1
        self.data[key] = (_encode(kind, obj), self.index)
        out, _ = self._read(kind, key) or (obj, 0)
        self._notify(key, event, out)
        return out, self.index

    def _notify(self, key: str, event: str, obj: Obj) -> None:
        for prefix, send in list(self.watchers):
            if key.startswith(prefix):
                send(event, copy.deepcopy(obj))

    @mirrors("kubernetes:pkg/storage/etcd.etcdHelper.Create")
    def create(self, kind: str, key: str, obj: Obj) -> Obj:
        version, err = _parsed_resource_version(obj)
        if err is None and version != 0:  # an unparsable version is let through, as the Go lets it
            raise ValueError("resourceVersion may not be set on objects to be created")
        with self.lock:
            if key in self.data:
                raise StorageError(KEY_EXISTS, key)
            out, _ = self._write(kind, key, obj, "ADDED")
            return out

    @mirrors("kubernetes:pkg/storage/etcd.etcdHelper.Get")
    def get(self, kind: str, key: str) -> Obj:
        with self.lock:
            found = self._read(kind, key)
        if found is None:
            raise StorageError(KEY_NOT_FOUND, key)
        return found[0]

    @mirrors("kubernetes:pkg/storage/etcd.etcdHelper.Delete")
    def delete(self, kind: str, key: str, precondition_uid: str | None = None) -> Obj:
        """The deleted object, at its last resourceVersion."""
        with self.lock:
            found = self._read(kind, key)
            if found is None:
                raise StorageError(KEY_NOT_FOUND, key)
            _check_preconditions(key, precondition_uid, found[0])
            del self.data[key]
            self.index += 1
            self._notify(key, "DELETED", found[0])
            return found[0]

    @mirrors("kubernetes:pkg/storage/etcd.etcdHelper.List")
    def list(self, kind: str, prefix: str, match: Callable[[Obj], bool]) -> tuple[Objs, int]:
        """Items under `prefix/`, directory by directory as etcd2 sorts them, that match; and the index."""
        with self.lock:
            keys = sorted((k for k in self.data if k.startswith(prefix.rstrip("/") + "/")), key=lambda k: k.split("/"))
            items = [found[0] for k in keys if (found := self._read(kind, k)) is not None]
            return [item for item in items if match(item)], self.index

    @mirrors("kubernetes:pkg/storage/etcd.etcdHelper.GetToList")
    def get_to_list(self, kind: str, key: str, match: Callable[[Obj], bool]) -> tuple[Objs, int]:
        """The one object at `key` if it matches, and the index; no key, no index (0): etcd said "not found"."""
        with self.lock:
            found = self._read(kind, key)
            if found is None:
                return [], 0
            return [found[0]] if match(found[0]) else [], self.index

    @mirrors("kubernetes:pkg/storage/etcd.etcdHelper.GuaranteedUpdate")
    def guaranteed_update(self, kind: str, key: str, ignore_not_found: bool, precondition_uid: str | None,
                          try_update: Callable[[Obj, int], Obj], new: Callable[[], Obj]) -> Obj:
        """`try_update(current, its resourceVersion)` -> the object to write; unchanged bytes are not written."""
        with self.lock:
            found = self._read(kind, key)
            if found is None and not ignore_not_found:
                raise StorageError(KEY_NOT_FOUND, key)
            current, version = found if found is not None else (new(), 0)
            _check_preconditions(key, precondition_uid, current)
            updated = try_update(copy.deepcopy(current), version)
            _set_resource_version(updated, 0)
            if found is not None and _encode(kind, updated) == self.data[key][0]:
                return found[0]
            if found is None and key in self.data:
                raise StorageError(KEY_EXISTS, key)
            out, _ = self._write(kind, key, updated, "ADDED" if found is None else "MODIFIED")
            return out


def _encode(kind: str, obj: Obj) -> str:
    wire = apiv1.encode(kind, obj) if kind in apiv1.SCHEMAS else obj
    return json.dumps(wire, separators=(",", ":"), ensure_ascii=False)


@mirrors("kubernetes:pkg/storage/etcd.APIObjectVersioner.ObjectResourceVersion")
def _parsed_resource_version(obj: Obj) -> tuple[int, NumError | None]:
    """The object's resourceVersion as strconv.ParseUint reads it (base 10, no sign, no spaces); "" is 0."""
    text = (obj.get("metadata") or {}).get("resourceVersion") or ""
    return parse_uint(text, 10, 64) if text else (0, None)


def _resource_version(obj: Obj) -> int:
    """The object's resourceVersion; one that does not parse is the error the Go returns (a 500 on update)."""
    version, err = _parsed_resource_version(obj)
    if err is not None:
        raise err
    return version


def _set_resource_version(obj: Obj, version: int) -> None:
    obj.setdefault("metadata", {})["resourceVersion"] = str(version) if version else ""


def _check_preconditions(key: str, uid: str | None, obj: Obj) -> None:
    current = (obj.get("metadata") or {}).get("uid", "")
    if uid is not None and uid != current:
        raise StorageError(INVALID_OBJ, key, 0, f"Precondition failed: UID in precondition: {uid}, UID in object "
                                                f"meta: {current}")


# --- pkg/api/rest: what every write does around the strategy ------------------------------------------


@mirrors("kubernetes:pkg/api.ValidNamespace")
def valid_namespace(ctx: Ctx, meta: Obj) -> bool:
    """An object without a namespace takes the request's; one with another namespace is refused."""
    namespace = ctx.get("namespace")
    if not meta.get("namespace"):
        meta["namespace"] = namespace or ""
    return namespace is not None and namespace == meta["namespace"]


def _invalid(strategy: strategies.Strategy, name: str, errs: list[v.FieldError]) -> StatusError:
    return new_invalid(strategy.group, strategy.kind, name, errs)


def _check_namespace(strategy: strategies.Strategy, ctx: Ctx, meta: Obj) -> None:
    """The namespace step BeforeCreate and BeforeUpdate share: the request's, or none for a cluster object."""
    if strategy.namespace_scoped:
        if not valid_namespace(ctx, meta):
            raise new_bad_request("the namespace of the provided object does not match the namespace sent on the "
                                  "request")
    else:
        meta["namespace"] = ""


@mirrors("kubernetes:pkg/api/rest.BeforeCreate")
def before_create(strategy: strategies.Strategy, ctx: Ctx, obj: Obj) -> None:
    meta = obj["metadata"]
    _check_namespace(strategy, ctx, meta)
    meta["deletionTimestamp"] = None
    meta["deletionGracePeriodSeconds"] = None
    strategy.prepare_for_create(obj)
    meta["creationTimestamp"] = now()  # FillObjectMetaSystemFields
    meta["uid"] = str(_seams.uuid4())
    if meta["generateName"] and not meta["name"]:  # GenerateName
        meta["name"] = meta["generateName"][:58] + random_suffix()
    meta["clusterName"] = ""
    errs = strategy.validate(obj)
    if errs:
        raise _invalid(strategy, meta["name"], errs)
    errs = v.validate_object_meta(meta, strategy.namespace_scoped, validate_path_segment_name)
    if errs:
        raise _invalid(strategy, meta["name"], errs)


@mirrors("kubernetes:pkg/api/validation/path.ValidatePathSegmentName")
def validate_path_segment_name(name: str, prefix: bool) -> list[str]:
    if not prefix and name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in name][:1]


@mirrors("kubernetes:pkg/api/rest.BeforeUpdate")
def before_update(strategy: strategies.Strategy, ctx: Ctx, obj: Obj, old: Obj) -> None:
    meta = obj["metadata"]
    _check_namespace(strategy, ctx, meta)
    meta["generation"] = old["metadata"]["generation"]
    strategy.prepare_for_update(obj, old)
    meta["clusterName"] = ""
    errs = v.validate_object_meta_update(meta, old["metadata"])  # validateCommonFields
    errs += strategy.validate_update(obj, old)
    if errs:
        raise _invalid(strategy, meta["name"], errs)


@mirrors("kubernetes:pkg/api/rest.BeforeDelete")
def before_delete(strategy: strategies.Strategy, obj: Obj, options: Obj) -> tuple[bool, bool]:
    """(graceful, graceful deletion already pending); sets the deletion timestamp of a graceful delete."""
    meta = obj["metadata"]
    uid = (options.get("preconditions") or {}).get("uid")
    if uid is not None and uid != meta["uid"]:
        raise new_conflict(strategy.kind, meta["name"], f"the UID in the precondition ({uid}) does not match the UID "
                           f"in record ({meta['uid']}). The object might have been deleted and then recreated",
                           strategy.group)
    if not strategy.graceful:
        return False, False
    if meta["deletionTimestamp"]:
        if not meta["deletionGracePeriodSeconds"]:
            return False, False
        period = options.get("gracePeriodSeconds")
        if period is not None:
            if period >= meta["deletionGracePeriodSeconds"]:
                return False, True
            meta["deletionTimestamp"] = shift(meta["deletionTimestamp"], period - meta["deletionGracePeriodSeconds"])
            meta["deletionGracePeriodSeconds"] = period
            return True, False
        options["gracePeriodSeconds"] = meta["deletionGracePeriodSeconds"]
        return False, True
    if not strategy.check_graceful_delete(obj, options):
        return False, False
    meta["deletionTimestamp"] = now(options["gracePeriodSeconds"])
    meta["deletionGracePeriodSeconds"] = options["gracePeriodSeconds"]
    if meta["generation"] > 0:
        meta["generation"] += 1
    return True, False


def now(offset_seconds: int = 0) -> str:
    """unversioned.Now(), plus an offset, as RFC 3339 at second precision."""
    return shift(_seams.now().strftime("%Y-%m-%dT%H:%M:%SZ"), offset_seconds)


def shift(timestamp: str, seconds: int) -> str:
    from datetime import UTC, datetime, timedelta  # noqa: PLC0415 - only graceful deletions move a timestamp

    moved = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) + timedelta(seconds=seconds)
    return moved.strftime("%Y-%m-%dT%H:%M:%SZ")


_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz0123456789"


@mirrors("kubernetes:pkg/util/rand.String")
def random_suffix(length: int = 5) -> str:
    """utilrand.String: consonants and digits that spell no words."""
    return "".join(_NAME_ALPHABET[b % len(_NAME_ALPHABET)] for b in _seams.random_bytes(length))


@mirrors("kubernetes:pkg/api/rest.DefaultUpdatedObjectInfo")
@dataclass
class UpdatedObjectInfo:
    """The new object, or a function computing it from the current one, followed by transformers."""

    obj: Obj | None
    transformers: list[Callable[[Ctx, Obj, Obj], Obj]] = field(default_factory=list)

    def updated_object(self, ctx: Ctx, old: Obj) -> Obj:
        new = copy.deepcopy(self.obj) if self.obj is not None else copy.deepcopy(old)
        for transform in self.transformers:
            new = transform(ctx, new, old)
        return new


# --- pkg/api/errors/storage: storage errors as API errors ---------------------------------------------


def interpret_create_error(err: Exception, resource: str, name: str, group: str = "") -> Exception:
    if isinstance(err, StorageError) and err.code == KEY_EXISTS:
        return new_already_exists(resource, name, group)
    return err


def interpret_update_error(err: Exception, resource: str, name: str, group: str = "") -> Exception:
    if isinstance(err, StorageError):
        if err.code in (KEY_EXISTS, INVALID_OBJ, RESOURCE_VERSION_CONFLICTS):
            return new_conflict(resource, name, str(err), group)
        if err.code == KEY_NOT_FOUND:
            return new_not_found(resource, name, group)
    return err


def interpret_delete_error(err: Exception, resource: str, name: str, group: str = "") -> Exception:
    return interpret_update_error(err, resource, name, group)


def plain(err: Exception) -> Exception:
    """A Go error that is not a Status reaches the client as a 500 carrying its text."""
    if isinstance(err, (StatusError, StorageError)):
        return err
    return StatusError({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                        "message": str(err), "code": 500})


class _DeleteNow(Exception):
    pass


class _AlreadyDeleting(Exception):
    pass


class _EmptiedFinalizers(Exception):
    """errEmptiedFinalizers: an update of a deleting object took its last finalizer; `obj` is that update."""

    def __init__(self, obj: Obj) -> None:
        super().__init__("emptied finalizers")
        self.obj = obj


# --- the Store --------------------------------------------------------------------------------------


@mirrors("kubernetes:pkg/registry/generic/registry.Store")
class Store:
    """A resource's storage with the semantics of the generic registry Store.

    Capabilities (which `rest.*` interfaces it implements) are declared in `capabilities`, which
    the API installer reads as the Go reads interface assertions.
    """

    capabilities = frozenset({"Getter", "Lister", "Creater", "Updater", "Patcher", "GracefulDeleter",
                              "CollectionDeleter", "Watcher"})

    def __init__(self, kind: str, resource: str, namespaced: bool = True, group: str = "", version: str = "v1",
                 allow_create_on_update: bool | None = None, etcd: MemoryEtcd | None = None,
                 strategy: strategies.Strategy | None = None, return_deleted_object: bool | None = None) -> None:
        self.kind = kind
        self.resource = resource
        self.namespaced = namespaced
        self.group = group
        self.api_version = f"{group}/{version}" if group else version
        self.etcd = etcd if etcd is not None else MemoryEtcd()
        self.strategy = strategy or strategies.for_kind(kind, resource, namespaced, group)
        if allow_create_on_update is not None:
            self.strategy = copy.copy(self.strategy)
            self.strategy.allow_create_on_update = allow_create_on_update
        self.return_deleted_object = (self.strategy.return_deleted_object if return_deleted_object is None
                                      else return_deleted_object)
        self.prefix = "/" + resource
        # storage.New() and NewList() return the group's internal types (api.Pod, extensions.Deployment)
        self.go_type = scheme.API_SCHEME.new((group, scheme.INTERNAL, kind))
        self.list_go_type = scheme.API_SCHEME.new((group, scheme.INTERNAL, kind + "List"))

    # rest.Storage
    def new(self) -> Obj:
        return apiv1.zero(self.kind) if self.kind in apiv1.SCHEMAS else {"metadata": {}}

    def new_list(self) -> Obj:
        return {"kind": f"{self.kind}List", "apiVersion": self.api_version, "metadata": {}, "items": []}

    def key_root(self, ctx: Ctx) -> str:
        namespace = ctx.get("namespace") or ""
        return f"{self.prefix}/{namespace}" if self.namespaced and namespace else self.prefix

    @mirrors("kubernetes:pkg/registry/generic/registry.NamespaceKeyFunc",
             "kubernetes:pkg/registry/generic/registry.NoNamespaceKeyFunc")
    def key(self, ctx: Ctx, name: str) -> str:
        if self.namespaced and not ctx.get("namespace"):
            raise new_bad_request("Namespace parameter required.")
        if not name:
            raise new_bad_request("Name parameter required.")
        problems = validate_path_segment_name(name, False)
        if problems:
            raise new_bad_request(f"Name parameter invalid: {go_quote(name)}: {';'.join(problems)}")
        return f"{self.key_root(ctx)}/{name}"

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.Create")
    def create(self, ctx: Ctx, obj: Obj) -> Obj:
        obj = self._value(obj)
        before_create(self.strategy, ctx, obj)
        name = obj["metadata"]["name"]
        key = self.key(ctx, name)
        try:
            return self._typed(self.etcd.create(self.kind, key, obj))
        except StorageError as err:
            interpreted = interpret_create_error(err, self.resource, name, self.group)
            if not isinstance(interpreted, StatusError) or interpreted.reason != "AlreadyExists":
                raise plain(interpreted) from None
            if obj["metadata"].get("generateName"):  # rest.CheckGeneratedNameError
                raise status_error(500, "ServerTimeout", "The POST operation against "
                                   f"{self.kind + ('.' + self.group if self.group else '')} could not be completed "
                                   "at this time, please try again.",
                                   {"name": "POST", "group": self.group, "kind": self.kind}) from None
            try:
                existing = self.etcd.get(self.kind, key)
            except StorageError:
                raise interpreted from None
            if existing["metadata"].get("deletionTimestamp"):
                interpreted.status["message"] = "object is being deleted: " + interpreted.status["message"]
            raise interpreted from None
        except ValueError as err:
            raise plain(err) from None

    def _value(self, obj: Obj) -> Obj:
        """The object as the Go value the Store works on: every field present, the v1 defaults filled.

        A handler hands over what it decoded (defaulting again changes nothing); an object given to the Store
        directly, as JSON, is read as a request body would be.
        """
        if self.kind in apiv1.SCHEMAS:
            value = apiv1._fill_struct(self.kind, obj)
            apiv1.set_defaults(self.kind, value)
            value["kind"], value["apiVersion"] = "", ""
            return value
        obj = copy.deepcopy(obj)
        meta = obj.setdefault("metadata", {})
        for key, zero in (("name", ""), ("generateName", ""), ("namespace", ""), ("uid", ""),
                          ("resourceVersion", ""), ("generation", 0), ("creationTimestamp", ""),
                          ("deletionTimestamp", None), ("deletionGracePeriodSeconds", None), ("labels", None),
                          ("annotations", None), ("finalizers", None), ("clusterName", "")):
            meta.setdefault(key, zero)
        return obj

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.Get")
    def get(self, ctx: Ctx, name: str) -> Obj:
        key = self.key(ctx, name)
        try:
            return self._typed(self.etcd.get(self.kind, key))
        except StorageError:
            raise new_not_found(self.resource, name, self.group) from None

    def _typed(self, obj: Obj) -> Obj:
        """An object as a handler writes it: kind and apiVersion set (a Status stays as it is)."""
        if obj.get("kind") != "Status":
            obj["kind"], obj["apiVersion"] = self.kind, self.api_version
        return obj

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.List")
    def list(self, ctx: Ctx, opts: Obj) -> Obj:
        def match(obj: Obj) -> bool:
            return strategies.match_labels(opts.get("labelSelector", ""), obj["metadata"].get("labels") or {}) and \
                strategies.match_fields(opts.get("fieldSelector", ""), self.strategy.selectable_fields(obj))

        single = strategies.matches_single(opts.get("fieldSelector", ""))
        key = None
        if single is not None:
            try:
                key = self.key(ctx, single)
            except StatusError:
                key = None
        items, index = (self.etcd.get_to_list(self.kind, key, match) if key is not None
                        else self.etcd.list(self.kind, self.key_root(ctx), match))
        result = self.new_list()
        result["metadata"]["resourceVersion"] = str(index) if index else ""
        result["items"] = items or None  # a nil slice: an empty list's items are written `null`
        return result

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.Update")
    def update(self, ctx: Ctx, name: str, info: UpdatedObjectInfo) -> tuple[Obj, bool]:
        """Optimistic concurrency: a resourceVersion in the new object must equal the stored one."""
        key = self.key(ctx, name)
        creating = [False]

        def try_update(existing: Obj, version: int) -> Obj:
            obj = self._value(info.updated_object(ctx, existing))
            new_version = _resource_version(obj)
            if version == 0:
                if not self.strategy.allow_create_on_update:
                    raise new_not_found(self.resource, name, self.group)
                creating[0] = True
                before_create(self.strategy, ctx, obj)
                return obj
            creating[0] = False
            if new_version == 0 and self.strategy.allow_unconditional_update:
                _set_resource_version(obj, version)
            elif new_version == 0:
                raise new_invalid(self.group, self.resource, name, [
                    v.invalid("metadata.resourceVersion", 0, "must be specified for an update")])
            elif new_version != version:
                raise new_conflict(self.resource, name, OPTIMISTIC_LOCK_ERROR_MSG, self.group)
            before_update(self.strategy, ctx, obj, copy.deepcopy(existing))
            if _should_delete(obj, existing):
                raise _EmptiedFinalizers(obj)
            return obj

        try:
            out = self.etcd.guaranteed_update(self.kind, key, True, None, try_update, self.new)
        except _EmptiedFinalizers as emptied:
            return self._delete_for_empty_finalizers(name, key, emptied.obj), False
        except (StorageError, ValueError) as err:
            if creating[0]:
                raise plain(interpret_create_error(err, self.resource, name, self.group)) from None
            raise plain(interpret_update_error(err, self.resource, name, self.group)) from None
        return self._typed(out), creating[0]

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.deleteForEmptyFinalizers")
    def _delete_for_empty_finalizers(self, name: str, key: str, obj: Obj) -> Obj:
        """Delete the object an update left without finalizers; answer with that update, never written.

        So the answer carries the resourceVersion the update was made against, though the delete moved
        the index on: clients expect an object from a PUT, and the Go hands back the one it was given.
        """
        try:
            self.etcd.delete(self.kind, key)
        except StorageError as err:
            if err.code != KEY_NOT_FOUND:
                raise plain(interpret_delete_error(err, self.resource, name, self.group)) from None
        return self._typed(obj)

    def _finalize_delete(self, obj: Obj) -> Obj:
        if self.return_deleted_object:
            return self._typed(obj)
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.Delete")
    def delete(self, ctx: Ctx, name: str, options: Obj | None) -> Obj:
        """Graceful where the strategy says so; finalizers keep an object (garbage collection is on)."""
        key = self.key(ctx, name)
        try:
            obj = self.etcd.get(self.kind, key)
        except StorageError:
            raise new_not_found(self.resource, name, self.group) from None
        options = copy.deepcopy(options) if options is not None else {"gracePeriodSeconds": 0}
        uid = (options.get("preconditions") or {}).get("uid")
        graceful, pending = before_delete(self.strategy, obj, options)
        if pending:
            return self._finalize_delete(obj)
        pending_finalizers = bool(obj["metadata"].get("finalizers"))
        should_update, _ = _should_update_finalizers(obj, options)
        ignore_not_found, delete_now, last_existing = False, True, None
        if graceful or pending_finalizers or should_update:
            ignore_not_found, delete_now, out, last_existing = self._update_for_graceful_deletion(ctx, name, key,
                                                                                                 options, uid, obj)
            if not delete_now:
                return self._typed(out)
        try:
            deleted = self.etcd.delete(self.kind, key, uid)
        except StorageError as err:
            if err.code == KEY_NOT_FOUND and ignore_not_found and last_existing is not None:
                return self._finalize_delete(last_existing)
            raise plain(interpret_delete_error(err, self.resource, name, self.group)) from None
        return self._finalize_delete(deleted)

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.updateForGracefulDeletionAndFinalizers")
    def _update_for_graceful_deletion(self, ctx: Ctx, name: str, key: str, options: Obj, uid: str | None,
                                      obj: Obj) -> tuple[bool, bool, Obj, Obj | None]:
        """(ignore NotFound, delete now, the answer when not deleting now, the last object seen)."""
        state: dict[str, Any] = {"last_graceful": 0, "pending_finalizers": False, "last_existing": None}

        def try_update(existing: Obj, _version: int) -> Obj:
            graceful, pending = before_delete(self.strategy, existing, options)
            if pending:
                raise _AlreadyDeleting
            should_update, finalizers = _should_update_finalizers(existing, options)
            if should_update:
                existing["metadata"]["finalizers"] = finalizers
            state["pending_finalizers"] = bool(existing["metadata"].get("finalizers"))
            if not graceful:
                if state["pending_finalizers"]:
                    mark_as_deleting(existing)
                    return existing
                raise _DeleteNow
            state["last_graceful"] = options["gracePeriodSeconds"]
            state["last_existing"] = existing
            return existing

        try:
            out = self.etcd.guaranteed_update(self.kind, key, False, uid, try_update, self.new)
        except _DeleteNow:
            return False, True, {}, state["last_existing"]
        except _AlreadyDeleting:
            return False, False, self._finalize_delete(obj), state["last_existing"]
        except StorageError as err:
            raise plain(interpret_update_error(err, self.resource, name, self.group)) from None
        if state["pending_finalizers"] or state["last_graceful"] > 0:
            return False, False, out, state["last_existing"]
        return True, True, out, state["last_existing"]

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.DeleteCollection")
    def delete_collection(self, ctx: Ctx, options: Obj | None, list_options: Obj) -> Obj:
        """Delete every listed object with the Store's own Delete, whatever type embeds the Store.

        Go's `e.Delete` here is `(*Store).Delete`: a type that embeds the Store and has a Delete of its own
        (namespaces' REST, which only marks a namespace Terminating) is not asked, since embedding is not
        virtual dispatch. So a DELETE of the namespaces collection removes them outright, finalizers or not.
        """
        listed = self.list(ctx, list_options)
        for item in listed["items"] or []:
            try:
                Store.delete(self, {**ctx, "namespace": item["metadata"].get("namespace", "")},
                             item["metadata"]["name"], options)
            except StatusError as err:
                if err.reason != "NotFound":
                    raise
        return listed

    @mirrors("kubernetes:pkg/registry/generic/registry.Store.Watch")
    def watch(self, ctx: Ctx, opts: Obj) -> Watch:
        """Events from now on; with resourceVersion "0" or unset the current objects come first as ADDED."""
        events: queue.Queue[Obj | None] = queue.Queue()
        prefix = self.key_root(ctx) + "/"

        def send(event: str, obj: Obj) -> None:
            if strategies.match_labels(opts.get("labelSelector", ""), obj["metadata"].get("labels") or {}) and \
                    strategies.match_fields(opts.get("fieldSelector", ""), self.strategy.selectable_fields(obj)):
                events.put({"type": event, "object": obj})

        entry = (prefix, send)
        with self.etcd.lock:
            if opts.get("resourceVersion", "") in ("", "0"):
                for obj in self.list(ctx, opts)["items"] or []:
                    events.put({"type": "ADDED", "object": obj})
            self.etcd.watchers.append(entry)

        def stop() -> None:
            with self.etcd.lock:
                if entry in self.etcd.watchers:
                    self.etcd.watchers.remove(entry)

        return Watch(events, stop)


@mirrors("kubernetes:pkg/registry/generic/registry.shouldUpdateFinalizers")
def _should_update_finalizers(obj: Obj, options: Obj) -> tuple[bool, list[str]]:
    """Whether the delete adds or removes the orphan finalizer (no kind served here orphans by default)."""
    finalizers = list(obj["metadata"].get("finalizers") or [])
    has_orphan = "orphan" in finalizers
    should_orphan = has_orphan
    if options.get("orphanDependents") is not None:
        should_orphan = bool(options["orphanDependents"])
    if should_orphan and not has_orphan:
        return True, [*finalizers, "orphan"]
    if not should_orphan and has_orphan:
        return True, [f for f in finalizers if f != "orphan"]
    return False, finalizers


@mirrors("kubernetes:pkg/registry/generic/registry.Store.shouldDelete")
def _should_delete(obj: Obj, existing: Obj) -> bool:
    """An update that leaves no finalizers on an object marked for deletion at once (grace period 0)."""
    return not obj["metadata"].get("finalizers") and existing["metadata"].get("deletionGracePeriodSeconds") == 0


@mirrors("kubernetes:pkg/registry/generic/registry.markAsDeleting")
def mark_as_deleting(obj: Obj) -> None:
    meta = obj["metadata"]
    if not meta["deletionTimestamp"] and meta["generation"] > 0:
        meta["generation"] += 1
    meta["deletionTimestamp"] = now()
    meta["deletionGracePeriodSeconds"] = 0


@mirrors("kubernetes:pkg/registry/core/pod/etcd.StatusREST")
class StatusSubresource:
    """`<resource>/status`: get and update of the parent's objects under the status strategy."""

    capabilities = frozenset({"Getter", "Updater", "Patcher"})

    def __init__(self, parent: Store) -> None:
        self.parent = parent
        self.store = copy.copy(parent)
        self.store.strategy = strategies.status_strategy(parent.strategy)
        self.go_type = parent.go_type

    def new(self) -> Obj:
        return self.parent.new()

    def get(self, ctx: Ctx, name: str) -> Obj:
        return self.parent.get(ctx, name)

    def update(self, ctx: Ctx, name: str, info: UpdatedObjectInfo) -> tuple[Obj, bool]:
        return self.store.update(ctx, name, info)


@mirrors("kubernetes:pkg/registry/core/namespace/etcd.REST")
class NamespaceStore(Store):
    """Namespaces: a delete first marks the namespace Terminating; only a finalized one is removed."""

    @mirrors("kubernetes:pkg/registry/core/namespace/etcd.REST.Delete")
    def delete(self, ctx: Ctx, name: str, options: Obj | None) -> Obj:
        namespace = self.get(ctx, name)
        options = copy.deepcopy(options) if options is not None else {"gracePeriodSeconds": 0}
        preconditions = options.setdefault("preconditions", {}) or {}
        options["preconditions"] = preconditions
        if preconditions.get("uid") is None:
            preconditions["uid"] = namespace["metadata"]["uid"]
        elif preconditions["uid"] != namespace["metadata"]["uid"]:
            raise new_conflict("namespaces", name, f"Precondition failed: UID in precondition: {preconditions['uid']}, "
                               f"UID in object meta: {namespace['metadata']['uid']}")
        if not namespace["metadata"]["deletionTimestamp"]:
            def terminate(existing: Obj, _version: int) -> Obj:
                if not existing["metadata"]["deletionTimestamp"]:
                    existing["metadata"]["deletionTimestamp"] = now()
                existing["status"]["phase"] = "Terminating"
                if options.get("orphanDependents") is False:
                    existing["metadata"]["finalizers"] = [
                        f for f in existing["metadata"]["finalizers"] or [] if f != "orphan"]
                return existing

            try:
                return self._typed(self.etcd.guaranteed_update(self.kind, self.key(ctx, name), False,
                                                               preconditions["uid"], terminate, self.new))
            except StorageError as err:
                interpreted = interpret_update_error(err, "namespaces", name)
                raise interpreted if isinstance(interpreted, StatusError) else \
                    new_internal_error(str(interpreted)) from None
        if namespace["spec"]["finalizers"]:
            raise new_conflict("namespaces", name, "The system is ensuring all content is removed from this namespace. "
                               " Upon completion, this namespace will automatically be purged by the system.")
        return super().delete(ctx, name, options)


def _demo() -> None:
    pods = Store("Pod", "pods")
    ctx = {"namespace": "default"}
    pod = {"metadata": {"name": "web"}, "spec": {"containers": [{"name": "web", "image": "nginx:1.10"},
                                                                {"name": "log", "image": "busybox"}]}}

    def show(what: str, obj: Obj) -> None:
        meta = obj["metadata"]
        print(f"{what:44} resourceVersion={meta['resourceVersion']:3} containers="
              f"{[c['image'] for c in obj['spec']['containers']]} deletionTimestamp={meta['deletionTimestamp']}")

    show("create", pods.create(ctx, pod))
    current = pods.get(ctx, "web")
    show("update changing nothing (not written)", pods.update(ctx, "web", UpdatedObjectInfo(current))[0])
    current["spec"]["containers"][0]["image"] = "nginx:1.11"
    show("update of an image", pods.update(ctx, "web", UpdatedObjectInfo(current))[0])
    for what, change in (("update with a stale resourceVersion", {"resourceVersion": "1"}),
                         ("update dropping a container", None)):
        attempt = pods.get(ctx, "web")
        if change:
            attempt["metadata"].update(change)
        else:
            attempt["spec"]["containers"] = attempt["spec"]["containers"][:1]
        try:
            pods.update(ctx, "web", UpdatedObjectInfo(attempt))
        except StatusError as err:
            print(f"{what:44} -> {err.code} {err.status['message']}")
    scheduled = pods.get(ctx, "web")
    scheduled["spec"]["nodeName"] = "node-1"
    pods.etcd.data[pods.key(ctx, "web")] = (_encode("Pod", scheduled), pods.etcd.index)  # as the scheduler binds it
    show("delete of a pod on a node (graceful: kept)", pods.delete(ctx, "web", {}))
    show("delete again with gracePeriodSeconds 0", pods.delete(ctx, "web", {"gracePeriodSeconds": 0}))
    print("then:", pods.list(ctx, {})["items"])


if __name__ == "__main__":
    _demo()
