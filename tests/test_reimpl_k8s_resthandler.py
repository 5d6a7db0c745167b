"""REST handler model: the behaviours of chapter k8s-resthandler, over the in-memory storage."""

from __future__ import annotations

import json
import queue
import time
from typing import Any, ClassVar

import pytest

from walkthrough.reimpl.kubernetes import apierrors, registry, strategies
from walkthrough.reimpl.kubernetes import resthandler as rh
from walkthrough.reimpl.kubernetes.apiinstaller import ScopeNaming
from walkthrough.reimpl.kubernetes.restful import Request, Response

POD_KIND = rh.GroupVersionKind("", "v1", "Pod")


def _scope(*, all_namespaces: bool = False) -> rh.RequestScope:
    return rh.RequestScope(ScopeNaming("/api/v1/namespaces/", "/pods/", "", all_namespaces), POD_KIND, "pods")


def _call(handler: rh.Handler, method: str, params: dict[str, str], body: Any = None, query: str = "",
          headers: dict[str, str] | None = None) -> tuple[int, Any, Response]:
    raw = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else b"")
    path = ("/api/v1/namespaces/" + params["namespace"] if "namespace" in params else "/api/v1") + "/pods" + (
        "/" + params["name"] if "name" in params else "")
    request = Request.new(method, path + ("?" + query if query else ""), headers or {}, raw)
    request.path_parameters = dict(params)
    response = Response()
    handler(request, response)
    try:
        decoded = json.loads(response.body)
    except ValueError:
        decoded = response.body
    return response.status, decoded, response


def _pod(name: str = "web", **labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": dict(labels)},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.10"}]}}


@pytest.fixture
def store() -> registry.Store:
    storage = registry.Store("Pod", "pods")
    storage.create({"namespace": "default"}, _pod("web", app="web"))
    return storage


class RecordingAdmission:
    """An admission plugin that records what it saw and can refuse."""

    def __init__(self, refuse: str = "") -> None:
        self.seen: list[rh.AttributesRecord] = []
        self.refuse = refuse

    def handles(self, operation: str) -> bool:
        return True

    def admit(self, attributes: rh.AttributesRecord) -> None:
        self.seen.append(attributes)
        if self.refuse:
            raise apierrors.new_forbidden(attributes.resource, attributes.name, self.refuse)


NS = {"namespace": "default"}
WEB = {"namespace": "default", "name": "web"}


# --- get -------------------------------------------------------------------------------------------


def test_rh_get_sets_self_link(store: registry.Store) -> None:
    status, body, _ = _call(rh.get_resource(store, None, _scope()), "GET", WEB)
    assert status == 200
    assert body["metadata"]["selfLink"] == "/api/v1/namespaces/default/pods/web"


def test_rh_get_namer_error_is_api_error(store: registry.Store) -> None:
    status, body, _ = _call(rh.get_resource(store, None, _scope()), "GET", NS)
    assert (status, body["message"], body["kind"]) == (400, "name must be provided", "Status")


def test_rh_get_export_without_exporter_is_400(store: registry.Store) -> None:
    status, body, _ = _call(rh.get_resource(store, None, _scope()), "GET", WEB, query="export=true")
    assert (status, body["message"]) == (400, 'export of "pods" is not supported')


def test_rh_get_missing_is_404(store: registry.Store) -> None:
    status, body, _ = _call(rh.get_resource(store, None, _scope()), "GET", {**NS, "name": "nope"})
    assert (status, body["reason"], body["message"]) == (404, "NotFound", 'pods "nope" not found')


# --- list and watch --------------------------------------------------------------------------------


def test_rh_list_name_selector(store: registry.Store) -> None:
    store.create({"namespace": "default"}, _pod("db"))
    handler = rh.list_resource(store, store, _scope(), False, 1800)
    status, body, _ = _call(handler, "GET", WEB)
    assert status == 200
    assert [i["metadata"]["name"] for i in body["items"]] == ["web"]
    status, body, _ = _call(handler, "GET", WEB, query="fieldSelector=metadata.name%3Ddb")
    assert (status, body["message"]) == (400, ("both a name and a field selector provided; please provide one or "
                                              "the other."))


def test_rh_list_name_selector_field_labels_converted_first(store: registry.Store) -> None:
    handler = rh.list_resource(store, store, _scope(), False, 1800)
    status, body, _ = _call(handler, "GET", NS, query="fieldSelector=spec.host%3Dnode-1")
    assert status == 200
    assert body["items"] is None  # an empty list's nil items slice
    status, body, _ = _call(handler, "GET", NS, query="fieldSelector=spec.bogus%3Dx")
    assert (status, body["message"]) == (400, "field label not supported: spec.bogus")
    status, body, _ = _call(handler, "GET", NS, query="fieldSelector=metadata.name%21%3Dweb")
    assert status == 200
    assert body["items"] is None
    config_maps = rh.RequestScope(_scope().namer, rh.GroupVersionKind("", "v1", "ConfigMap"), "configmaps")
    status, body, _ = _call(rh.list_resource(store, None, config_maps, False, 0), "GET", NS,
                            query="fieldSelector=data.x%3D1")
    assert (status, body["message"]) == (400, 'field label "data.x" not supported for "ConfigMap"')


def test_rh_list_all_namespaces(store: registry.Store) -> None:
    store.create({"namespace": "other"}, _pod("x"))
    status, body, _ = _call(rh.list_resource(store, store, _scope(all_namespaces=True), False, 1800), "GET", {})
    assert status == 200
    assert len(body["items"]) == 2
    assert body["metadata"]["selfLink"] == "/api/v1/pods"


class OneShotWatch:
    """A watcher whose channel yields the given events, then closes."""

    def __init__(self, events: list[dict[str, Any]]) -> None:
        self.events = events
        self.options: dict[str, Any] | None = None
        self.stopped = False

    def watch(self, ctx: dict[str, Any], opts: dict[str, Any]) -> registry.Watch:
        self.options = opts
        channel: queue.Queue = queue.Queue()
        for event in [*self.events, None]:
            channel.put(event)
        return registry.Watch(channel, lambda: setattr(self, "stopped", True))


def test_rh_watch_switch_by_query_or_route(store: registry.Store) -> None:
    watcher = OneShotWatch([])
    _, _, response = _call(rh.list_resource(store, watcher, _scope(), False, 1800), "GET", NS, query="watch=true")
    assert response.headers.get("Transfer-Encoding") == "chunked"
    assert watcher.options is not None
    watcher = OneShotWatch([])
    _call(rh.list_resource(store, watcher, _scope(), True, 1800), "GET", NS)
    assert watcher.options is not None
    status, body, _ = _call(rh.list_resource(store, None, _scope(), False, 1800), "GET", NS, query="watch=true")
    assert status == 200
    assert body["kind"] == "PodList"


def test_rh_watch_switch_timeout() -> None:
    assert rh.watch_timeout(7, 1800) == 7
    assert rh.watch_timeout(None, 1800, rand=lambda: 0.0) == 1800
    assert 1800 <= rh.watch_timeout(None, 1800) < 3600
    assert rh.watch_timeout(None, 0) == 0


def test_rh_watch_stream_events_with_self_links(store: registry.Store) -> None:
    events = [{"type": "ADDED", "object": _pod("a") | {"metadata": {"name": "a", "namespace": "default"}}},
              {"type": "DELETED", "object": {"kind": "Pod", "metadata": {"name": "b", "namespace": "default"}}}]
    watcher = OneShotWatch(events)
    status, _, response = _call(rh.list_resource(store, watcher, _scope(), True, 1800), "GET", NS)
    lines = [json.loads(line) for line in response.body.decode().splitlines()]
    assert status == 200
    assert [e["type"] for e in lines] == ["ADDED", "DELETED"]
    assert lines[0]["object"]["metadata"]["selfLink"] == "/api/v1/namespaces/default/pods/a"
    assert watcher.stopped


def test_rh_watch_stream_from_memory_storage_ends_at_timeout(store: registry.Store) -> None:
    started = time.monotonic()
    _, _, response = _call(rh.list_resource(store, store, _scope(), False, 1800), "GET", NS,
                           query="watch=1&timeoutSeconds=1")
    assert 0.9 <= time.monotonic() - started < 5
    assert [json.loads(line)["type"] for line in response.body.decode().splitlines()] == ["ADDED"]
    assert store.etcd.watchers == []


# --- create ----------------------------------------------------------------------------------------


def test_rh_create_201_with_admission_and_self_link() -> None:
    store = registry.Store("Pod", "pods")
    admission = RecordingAdmission()
    status, body, _ = _call(rh.create_resource(store, _scope(), admission), "POST", NS, _pod("new"))
    assert status == 201
    assert body["metadata"]["selfLink"] == "/api/v1/namespaces/default/pods/new"
    seen = admission.seen[0]
    assert (seen.operation, seen.namespace, seen.name, seen.resource, seen.kind) == ("CREATE", "default", "", "pods",
                                                                                     POD_KIND)


def test_rh_create_other_group_version_is_400() -> None:
    pod = _pod("new") | {"apiVersion": "extensions/v1beta1"}
    status, body, _ = _call(rh.create_resource(registry.Store("Pod", "pods"), _scope(), None), "POST", NS, pod)
    assert (status, body["message"]) == (400, ('Pod in version "v1beta1" cannot be handled as a Pod: no kind "Pod" is '
                                              'registered for version "extensions/v1beta1"'))


def test_rh_create_admission_refusal_stops_before_storage() -> None:
    store = registry.Store("Pod", "pods")
    status, body, _ = _call(rh.create_resource(store, _scope(), RecordingAdmission("no")), "POST", NS, _pod("new"))
    assert (status, body["message"]) == (403, 'pods "" is forbidden: no')
    assert store.list(NS, {})["items"] is None


def test_rh_create_status_from_storage_gets_201() -> None:
    class StatusCreater:
        def create(self, ctx: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
            return {"kind": "Status", "apiVersion": "v1", "status": "Success"}

    status, body, _ = _call(rh.create_resource(StatusCreater(), _scope(), None), "POST", NS, _pod())
    assert (status, body["code"], body["kind"]) == (201, 201, "Status")


def test_rh_create_timeout_parsing() -> None:
    assert rh.parse_timeout("") == 30
    assert rh.parse_timeout("1m30s") == 90
    assert rh.parse_timeout("250ms") == 0.25
    assert rh.parse_timeout("soon") == 30


def test_rh_create_undecodable_body() -> None:
    status, body, _ = _call(rh.create_resource(registry.Store("Pod", "pods"), _scope(), None), "POST", NS, b"")
    assert status == 400
    assert body["message"].startswith("the object provided is unrecognized (must be of type Pod): ")
    assert body["message"].endswith("(<empty>)")


# --- update ----------------------------------------------------------------------------------------


def test_rh_update_name_must_match(store: registry.Store) -> None:
    status, body, _ = _call(rh.update_resource(store, _scope(), None), "PUT", WEB, _pod("other"))
    assert (status, body["message"]) == (400, ("the name of the object (other) does not match the name on the URL "
                                              "(web)"))
    pod = _pod("web")
    pod["metadata"]["namespace"] = "elsewhere"
    status, body, _ = _call(rh.update_resource(store, _scope(), None), "PUT", WEB, pod)
    assert (status, body["message"]) == (400, ("the namespace of the object (elsewhere) does not match the namespace "
                                              "on the request (default)"))


def test_rh_update_admission_sees_new_and_old(store: registry.Store) -> None:
    admission = RecordingAdmission()
    status, body, _ = _call(rh.update_resource(store, _scope(), admission), "PUT", WEB, _pod("web", app="v2"))
    assert status == 200
    assert body["metadata"]["labels"] == {"app": "v2"}
    seen = admission.seen[0]
    assert seen.operation == "UPDATE"
    assert seen.old_object["metadata"]["labels"] == {"app": "web"}


def test_rh_update_created_is_201() -> None:
    store = registry.Store("Pod", "pods", allow_create_on_update=True)
    status, _, _ = _call(rh.update_resource(store, _scope(), None), "PUT", WEB, _pod("web"))
    assert status == 201


def test_rh_update_stale_resource_version_conflicts(store: registry.Store) -> None:
    pod = _pod("web")
    pod["metadata"]["resourceVersion"] = "999"
    status, body, _ = _call(rh.update_resource(store, _scope(), None), "PUT", WEB, pod)
    assert (status, body["reason"]) == (409, "Conflict")
    assert body["message"] == f'Operation cannot be fulfilled on pods "web": {registry.OPTIMISTIC_LOCK_ERROR_MSG}'


# --- patch -----------------------------------------------------------------------------------------


MERGE = {"Content-Type": "application/merge-patch+json; charset=utf-8"}
STRATEGIC = {"Content-Type": "application/strategic-merge-patch+json"}
APP = {"name": "app", "image": "app:1"}
SIDECAR = {"name": "sidecar", "image": "log:1"}


def _pod_store(*containers: dict[str, Any]) -> registry.Store:
    """Pods without the pod strategy's validation: these tests are about patches, not about what pods allow."""
    storage = registry.Store("Pod", "pods", strategy=strategies.Strategy("Pod"))
    pod = _pod("web", app="web")
    pod["spec"]["containers"] = list(containers)
    storage.create({"namespace": "default"}, pod)
    return storage


def test_rh_patch_merge_and_json_patch(store: registry.Store) -> None:
    handler = rh.patch_resource(store, _scope(), None)
    status, body, _ = _call(handler, "PATCH", WEB, {"metadata": {"labels": {"tier": "front"}}}, headers=MERGE)
    assert status == 200
    assert body["metadata"]["labels"] == {"app": "web", "tier": "front"}
    ops = [{"op": "remove", "path": "/metadata/labels/app"}]
    status, body, _ = _call(handler, "PATCH", WEB, ops, headers={"Content-Type": "application/json-patch+json"})
    assert status == 200
    assert body["metadata"]["labels"] == {"tier": "front"}


def test_rh_patch_strategic_merges_containers_by_name() -> None:
    patch = {"spec": {"containers": [{"name": "app", "image": "app:2"}, {"name": "sidecar", "$patch": "delete"},
                                     {"name": "new", "image": "new:1"}]}}
    status, body, _ = _call(rh.patch_resource(_pod_store(APP, SIDECAR), _scope(), None), "PATCH", WEB, patch,
                            headers=STRATEGIC)
    assert status == 200
    assert _brief(body["spec"]["containers"]) == [{"name": "app", "image": "app:2"}, {"name": "new", "image": "new:1"}]
    # The same body as a JSON merge patch replaces the list, directive item included (its `$patch` key dropped).
    status, body, _ = _call(rh.patch_resource(_pod_store(APP, SIDECAR), _scope(), None), "PATCH", WEB, patch,
                            headers=MERGE)
    assert _brief(body["spec"]["containers"]) == [{"name": "app", "image": "app:2"}, {"name": "sidecar"},
                                                  {"name": "new", "image": "new:1"}]


def _brief(containers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Name and image of each container (the answers also carry the v1 defaults)."""
    return [{key: c[key] for key in ("name", "image") if key in c} for c in containers]


def test_rh_patch_strategic_errors_are_plain_500s() -> None:
    handler = rh.patch_resource(_pod_store(APP), _scope(), None)
    patch = {"spec": {"containers": [{"name": "app", "$patch": "merge"}]}}
    status, body, _ = _call(handler, "PATCH", WEB, patch, headers=STRATEGIC)
    assert (status, body["message"], "reason" in body) == (500, "merging lists cannot yet be specified in the patch",
                                                           False)
    status, body, _ = _call(handler, "PATCH", WEB, b"[]", headers=STRATEGIC)
    assert (status, body["message"]) == (500, "Invalid JSON document")


def test_rh_patch_missing_object_is_404() -> None:
    store = registry.Store("Pod", "pods", allow_create_on_update=True)
    status, body, _ = _call(rh.patch_resource(store, _scope(), None), "PATCH", WEB, {"metadata": {}}, headers=MERGE)
    assert (status, body["message"]) == (404, 'pods "web" not found')


class RacingStore:
    """Another writer changes the object during the first update, which then fails with a conflict."""

    def __init__(
        self, store: registry.Store, their_labels: dict[str, str] | None, *, always_conflict: bool = False
    ) -> None:
        self.store = store
        self.their_labels = their_labels
        self.always_conflict = always_conflict
        self.their_spec: dict[str, Any] | None = None
        self.calls = 0

    def new(self) -> dict[str, Any]:
        return self.store.new()

    def update(self, ctx: dict[str, Any], name: str, info: registry.UpdatedObjectInfo) -> tuple[dict[str, Any], bool]:
        self.calls += 1
        if self.calls == 1 or self.always_conflict:
            info.updated_object(ctx, self.store.get(ctx, name))
            if self.calls == 1 and self.their_labels is not None:
                theirs = self.store.get(ctx, name)
                theirs["metadata"]["labels"].update(self.their_labels)
                self.store.update(ctx, name, registry.UpdatedObjectInfo(theirs))
            if self.calls == 1 and self.their_spec is not None:
                theirs = self.store.get(ctx, name)
                theirs["spec"].update(self.their_spec)
                self.store.update(ctx, name, registry.UpdatedObjectInfo(theirs))
            raise apierrors.new_conflict("pods", name, registry.OPTIMISTIC_LOCK_ERROR_MSG)
        return self.store.update(ctx, name, info)


def test_rh_patch_retry_reapplies_non_conflicting_change(store: registry.Store) -> None:
    racing = RacingStore(store, {"other": "x"})
    status, body, _ = _call(rh.patch_resource(racing, _scope(), None), "PATCH", WEB,
                            {"metadata": {"labels": {"tier": "front"}}}, headers=MERGE)
    assert status == 200
    assert racing.calls == 2
    assert body["metadata"]["labels"] == {"app": "web", "other": "x", "tier": "front"}


def test_rh_patch_retry_stops_on_meaningful_conflict(store: registry.Store) -> None:
    racing = RacingStore(store, {"tier": "back"})
    status, body, _ = _call(rh.patch_resource(racing, _scope(), None), "PATCH", WEB,
                            {"metadata": {"labels": {"tier": "front"}}}, headers=MERGE)
    assert (status, body["reason"]) == (409, "Conflict")
    assert store.get({"namespace": "default"}, "web")["metadata"]["labels"]["tier"] == "back"


def test_rh_patch_gives_up_after_max_patch_conflicts(store: registry.Store) -> None:
    racing = RacingStore(store, None, always_conflict=True)
    status, _, _ = _call(rh.patch_resource(racing, _scope(), None), "PATCH", WEB, {"metadata": {}}, headers=MERGE)
    assert status == 409
    assert racing.calls == 1 + rh.MAX_PATCH_CONFLICTS


def test_rh_patch_strategic_retry_reapplies_our_items_onto_theirs() -> None:
    store = _pod_store(APP)
    racing = RacingStore(store, {"tier": "back"})
    racing.their_spec = {"restartPolicy": "Never"}
    env = [{"name": "A", "value": "1"}]
    patch = {"spec": {"containers": [{"name": "app", "env": env}, SIDECAR]}}
    status, body, _ = _call(rh.patch_resource(racing, _scope(), None), "PATCH", WEB, patch, headers=STRATEGIC)
    assert (status, racing.calls) == (200, 2)
    assert _brief(body["spec"]["containers"]) == [APP, SIDECAR]
    assert [c.get("env") for c in body["spec"]["containers"]] == [env, None]
    assert body["spec"]["restartPolicy"] == "Never"
    assert body["metadata"]["labels"] == {"app": "web", "tier": "back"}


def test_rh_patch_strategic_retry_conflicts_when_both_change_containers() -> None:
    # Our diff has one container, theirs two: lists of different lengths always conflict. (With one
    # container each, the Go's verdict would hang on which key of the item its map order visits first.)
    store = _pod_store(APP, SIDECAR)
    theirs = [APP | {"image": "app:theirs"}, SIDECAR | {"image": "log:theirs"}]
    racing = RacingStore(store, None)
    racing.their_spec = {"containers": theirs}
    patch = {"spec": {"containers": [{"name": "app", "image": "app:ours"}]}}
    status, body, _ = _call(rh.patch_resource(racing, _scope(), None), "PATCH", WEB, patch, headers=STRATEGIC)
    assert (status, body["reason"]) == (409, "Conflict")
    assert _brief(store.get({"namespace": "default"}, "web")["spec"]["containers"]) == theirs


# --- delete ----------------------------------------------------------------------------------------


def test_rh_delete_answers_the_deleted_pod(store: registry.Store) -> None:
    admission = RecordingAdmission()
    status, body, _ = _call(rh.delete_resource(store, True, _scope(), admission), "DELETE", WEB)
    # The pod registry returns the deleted object (ReturnDeletedObject); an unscheduled pod goes at once.
    assert (status, body["kind"], body["metadata"]["deletionGracePeriodSeconds"]) == (200, "Pod", 0)
    with pytest.raises(apierrors.StatusError, match="not found"):
        store.get(NS, "web")
    assert admission.seen[0].operation == "DELETE"
    assert admission.seen[0].object is None


def test_rh_delete_nothing_returned_gives_success_status() -> None:
    class Quiet:
        def delete(self, ctx: dict[str, Any], name: str, options: dict[str, Any]) -> None:
            return None

    status, body, _ = _call(rh.delete_resource(Quiet(), True, _scope(), None), "DELETE", WEB)
    assert (status, body["code"], body["details"]) == (200, 200, {"name": "web", "kind": "Pod"})


def test_rh_delete_options_from_body_or_query() -> None:
    class Recording:
        options: ClassVar[dict[str, Any]] = {}

        def delete(self, ctx: dict[str, Any], name: str, options: dict[str, Any]) -> dict[str, Any]:
            Recording.options = options
            return _pod("web") | {"metadata": {"name": "web", "namespace": "default"}}

    body_options = {"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 5}
    status, body, _ = _call(rh.delete_resource(Recording(), True, _scope(), None), "DELETE", WEB, body_options)
    assert status == 200
    assert Recording.options["gracePeriodSeconds"] == 5
    assert body["metadata"]["selfLink"] == "/api/v1/namespaces/default/pods/web"
    _call(rh.delete_resource(Recording(), True, _scope(), None), "DELETE", WEB, query="gracePeriodSeconds=0")
    assert Recording.options == {"gracePeriodSeconds": 0}
    status, body, _ = _call(rh.delete_resource(Recording(), True, _scope(), None), "DELETE", WEB, _pod())
    assert (status, body["message"]) == (500, ("converting (v1.Pod) to (api.DeleteOptions): GracePeriodSeconds not "
                                               "present in src"))
    status, body, _ = _call(rh.delete_resource(Recording(), True, _scope(), None), "DELETE", WEB,
                            query="gracePeriodSeconds=x")
    assert (status, body["message"]) == (500, 'strconv.ParseInt: parsing "x": invalid syntax')


# --- finishRequest and write ---------------------------------------------------------------------


def test_rh_finish_status_becomes_error() -> None:
    with pytest.raises(apierrors.StatusError) as caught:
        rh.finish_request(1, lambda: {"kind": "Status", "status": "Failure", "code": 410, "message": "gone"})
    assert caught.value.code == 410


def test_rh_finish_panic_is_reraised() -> None:
    def boom() -> None:
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError):
        rh.finish_request(1, boom)


def test_rh_finish_timeout() -> None:
    with pytest.raises(apierrors.StatusError) as caught:
        rh.finish_request(0.05, lambda: time.sleep(0.5))
    assert (caught.value.code, caught.value.status["message"]) == (
        504, "Timeout: request did not complete within allowed duration")


def test_rh_write_streams_and_objects() -> None:
    response = Response()
    rh.write(200, rh.ResourceStream(b"log line\n"), response, Request.new("GET", "/x"))
    assert (response.status, response.headers.get("Content-Type"), response.body) == (
        200, "application/octet-stream", b"log line\n")
    response = Response()
    rh.write(200, rh.ResourceStream(None), response, Request.new("GET", "/x"))
    assert response.status == 204
    response = Response()
    rh.write(201, {"kind": "Widget"}, response, Request.new("GET", "/x"))
    assert (response.status, response.headers.get("Content-Type"), json.loads(response.body)) == (
        201, "application/json", {"kind": "Widget"})
    response = Response()
    rh.write(201, {"kind": "Pod"}, response, Request.new("GET", "/x"))  # a modelled kind: encoded as the Go does
    assert json.loads(response.body) == {"kind": "Pod", "metadata": {"creationTimestamp": None},
                                         "spec": {"containers": None}, "status": {}}


def test_rh_write_unacceptable_media_type() -> None:
    response = Response()
    rh.write(200, {"kind": "Pod"}, response, Request.new("GET", "/x", {"Accept": "text/html"}))
    assert response.status == 406
    assert json.loads(response.body)["reason"] == "NotAcceptable"
