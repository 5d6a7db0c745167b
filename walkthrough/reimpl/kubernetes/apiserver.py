"""A miniature kube-apiserver on loopback, built from the models of this package, that you can curl.

    python -m walkthrough.reimpl.kubernetes.apiserver [--port N] [--authz abac|rbac] [--tour]

Each request goes through the stages the chapters read, in upstream's order, and each stage
logs one line so you can watch it:

    authn   token-file authentication (Bearer tokens; no token or an unknown one is 401)
    authz   ABAC policy lines or RBAC roles and bindings (a denial is 403 "Forbidden: ...")
    route   the go-restful container and curly router, routes installed by the APIInstaller model
    admit   ResourceQuota admission, inside the create handler (over quota is a 403 Status)
    store   the registry Stores and strategies of the kinds served (registry.py, strategies.py, services.py)

Built-in demo identities: `admin-token` (alice, may do anything), `dev-token` (bob, may do
anything in namespace "dev" only), `view-token` (carol, read-only everywhere). Namespace "dev"
starts with a ResourceQuota allowing 2 pods.

It answers what kube-apiserver v1.5.2 configured the same way answers: `walkthrough parity --live --model
apiserver` sends generated sessions (create, get, list, update, the three patch flavours, delete; good and
malformed bodies; wrong namespaces, names, kinds, versions and tokens) to both and compares every status
and body. What it still simplifies, on purpose:

- transport: plain HTTP on loopback for the authenticated port (no TLS, no client certificates); JSON
  only (YAML and protobuf are refused as the Go refuses media types it cannot negotiate);
- resources: pods (with pods/status), services, configmaps, namespaces, nodes and resourcequotas (with
  resourcequotas/status) of the core group; no bindings, evictions, logs, exec or proxies;
- fields: only those `apiv1.SCHEMAS` lists (a field the Go knows and the table lacks, such as volumes,
  probes, env sources, ownerReferences or node conditions, is dropped), and their validation; the Go's
  ugorji decoder's refusals of mistyped JSON are modelled for strings, maps, integers, structs and
  slices, not for booleans and times;
- errors the Go reports by ranging over a map (labels, data keys, resource lists) come in the map's
  insertion order here, in Go's random order there;
- admission: ResourceQuota only (`--admission-control=ResourceQuota`); no quota controller runs: the
  model recounts a namespace's quotas after each pod DELETE, as the live harness does;
- storage: in memory with etcd2's semantics (one index, a write that changes nothing is not written);
  no watch cache, TTLs or compaction; services' IPs and node ports from in-memory bitmaps;
- a panic in a storage goroutine ends kube-apiserver v1.5.2 (HandleCrash re-panics); the model raises
  `restful.ProcessCrash`, and the running server exits;
- texts of Go's standard library (encoding/json, strconv) are Go 1.19's, the live harness's, not Go 1.7's.
"""
from __future__ import annotations

import argparse
import copy
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from walkthrough.errors import UsageError
from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes import (
    abac,
    authn,
    authorizer,
    authz,
    quota,
    quota_admission,
    rbac,
    registry,
    services,
)
from walkthrough.reimpl.kubernetes import genericapiserver as gs
from walkthrough.reimpl.kubernetes import resthandler as rh
from walkthrough.reimpl.kubernetes.apierrors import StatusError, new_internal_error
from walkthrough.reimpl.kubernetes.restful import Request, Response

Log = Callable[[str], None]

DEMO_TOKENS = {
    "admin-token": authn.UserInfo("alice", "1", ["system:masters"]),
    "dev-token": authn.UserInfo("bob", "2", ["developers"]),
    "view-token": authn.UserInfo("carol", "3", ["viewers"]),
}

# ABAC: one JSON policy per line, both formats of the policy file.
DEMO_ABAC_POLICY = [
    '{"user": "alice"}',  # the legacy (v0) format: empty fields mean everything
    ('{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", '
    '"spec": {"user": "bob", "namespace": "dev", "resource": "*", "apiGroup": "*"}}'),
    ('{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", '
    '"spec": {"group": "viewers", "namespace": "*", "resource": "*", "apiGroup": "*", "readonly": true}}'),
    ('{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", '
    '"spec": {"user": "*", "nonResourcePath": "*", "readonly": true}}'),
]


def demo_rbac_store() -> rbac.RBACStore:
    """The same permissions as the ABAC policy, as roles and bindings."""
    everything = rbac.PolicyRule(["*"], ["*"], ["*"])
    return rbac.RBACStore(
        roles=[rbac.Role("developer", "dev", [everything])],
        role_bindings=[rbac.RoleBinding("bob-develops", "dev", [rbac.Subject("User", "bob")],
                                        rbac.RoleRef("rbac.authorization.k8s.io", "Role", "developer"))],
        cluster_roles=[rbac.ClusterRole("cluster-admin", [everything, rbac.PolicyRule(["*"],
                                                                                      non_resource_urls=["*"])]),
                       rbac.ClusterRole("view", [rbac.PolicyRule(["get", "list", "watch"], ["*"], ["*"])]),
                       rbac.ClusterRole("system:discovery", [rbac.PolicyRule(
                           ["get"], non_resource_urls=["/api", "/api/*", "/apis", "/apis/*", "/version"])])],
        cluster_role_bindings=[
            rbac.ClusterRoleBinding("alice-admin", [rbac.Subject("User", "alice")],
                                    rbac.RoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")),
            rbac.ClusterRoleBinding("viewers-view", [rbac.Subject("Group", "viewers")],
                                    rbac.RoleRef("rbac.authorization.k8s.io", "ClusterRole", "view")),
            rbac.ClusterRoleBinding("system:discovery", [rbac.Subject("Group", authn.ALL_AUTHENTICATED)],
                                    rbac.RoleRef("rbac.authorization.k8s.io", "ClusterRole", "system:discovery"))],
    )


DEMO_QUOTA = {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "dev-quota", "namespace": "dev"},
              "spec": {"hard": {"pods": "2"}}}


# --- logging wrappers around each stage --------------------------------------------------------------


@dataclass
class LoggingAuthenticator:
    """Says which user a request authenticated as, or why it did not."""

    inner: Any
    log: Log

    def authenticate_request(self, req: authn.Request) -> authn.AuthResult:
        user, ok, err = self.inner.authenticate_request(req)
        if ok and user is not None:
            self.log(f"  authn  user={user.name} groups={user.groups}")
        else:
            self.log(f"  authn  failed ({err or 'no credentials'}) -> 401")
        return user, ok, err


@dataclass
class LoggingAuthorizer:
    """Says what was asked and what the authorizer decided."""

    inner: Any
    mode: str
    log: Log

    def authorize(self, attrs: authorizer.AttributesRecord) -> authorizer.AuthzResult:
        allowed, reason, err = self.inner.authorize(attrs)
        what = (f"{attrs.verb} {attrs.resource}{'/' + attrs.subresource if attrs.subresource else ''}"
                f"{' ' + attrs.name if attrs.name else ''} in {attrs.namespace or '(cluster)'}"
                if attrs.resource_request else f"{attrs.verb} {attrs.path}")
        verdict = "allowed" if allowed else f"denied{' (' + reason + ')' if reason else ''} -> 403"
        self.log(f"  authz  {self.mode}: {attrs.user.name if attrs.user else '?'} {what}: {verdict}")
        return allowed, reason, err


@dataclass
class LoggingAdmission:
    """An admission chain of one plugin, logging its verdict where the handler calls it."""

    inner: Any
    log: Log

    def handles(self, operation: str) -> bool:
        return bool(self.inner.handles(operation))

    def admit(self, attributes: rh.AttributesRecord) -> None:
        target = f"{attributes.resource} {attributes.namespace}/{attributes.name or _object_name(attributes.object)}"
        try:
            self.inner.admit(attributes)
        except StatusError as err:
            self.log(f"  admit  {attributes.operation} {target}: rejected: {err.status['message']}")
            raise
        self.log(f"  admit  {attributes.operation} {target}: admitted")


def _object_name(obj: dict[str, Any] | None) -> str:
    return ((obj or {}).get("metadata") or {}).get("name", "")


class _Logged:
    """Says what a Store persisted."""

    log: Log = print
    resource: str

    def create(self, ctx: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
        out = super().create(ctx, obj)  # type: ignore[misc]
        self.log(f"  store  created {self.resource} {_where(out)} resourceVersion={out['metadata']['resourceVersion']}")
        return out

    def update(self, ctx: dict[str, Any], name: str, info: registry.UpdatedObjectInfo) -> tuple[dict[str, Any], bool]:
        out, created = super().update(ctx, name, info)  # type: ignore[misc]
        self.log(f"  store  updated {self.resource} {_where(out)} resourceVersion={out['metadata']['resourceVersion']}")
        return out, created

    def delete(self, ctx: dict[str, Any], name: str, options: dict[str, Any] | None) -> dict[str, Any]:
        out = super().delete(ctx, name, options)  # type: ignore[misc]
        try:
            self.get(ctx, name)  # type: ignore[attr-defined]
        except StatusError:
            gone = "deleted"
        else:
            gone = "marked for deletion"  # graceful, or finalizers pending: the object stays
        self.log(f"  store  {gone} {self.resource} {ctx.get('namespace') or ''}/{name}")
        return out


class LoggingStorage(_Logged, registry.Store):
    """The registry Store, saying what it persisted."""


class LoggingNamespaces(_Logged, registry.NamespaceStore):
    """The namespace Store, saying what it persisted."""


def _where(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata", {})
    return f"{meta.get('namespace', '')}/{meta.get('name', '')}".lstrip("/")


# --- the request path: HTTP -> authn -> authz -> container -------------------------------------------


@dataclass
class ChainRequest(authn.Request):
    """The authentication/authorization view of a request, carrying the go-restful request along."""

    inner: Request | None = None
    response: Response | None = None


def handler_chain(authenticator: Any, authorizer: Any, log: Log,
                  after_request: Callable[[Request, Response], None] | None = None,
                  ) -> Callable[[Callable[..., Any], gs.Config], tuple[Any, Any]]:
    """`Config.build_handler_chains` for this server: authz.build_handler_chain around the container.

    `after_request` sees each request the container answered (the quota controller's replenishment).
    """

    def build(container_serve: Callable[[Request, Response], Response], config: gs.Config) -> tuple[Any, Any]:
        def api_handler(req: authn.Request) -> authn.Response:
            assert isinstance(req, ChainRequest)
            assert req.inner is not None
            assert req.response is not None
            req.inner.context["user"] = req.user
            response = container_serve(req.inner, req.response)
            if after_request is not None:
                after_request(req.inner, response)
            route = req.inner.selected_route_path or "(no route)"
            log(f"  route  {req.inner.method} {route} -> {response.status}")
            return authn.Response(response.status, dict(response.headers), response.body.decode("utf-8", "replace"))

        secure, insecure = authz.build_handler_chain(api_handler, authenticator, authorizer, config.supports_basic_auth)

        def entry(chain: Callable[[authn.Request], authn.Response]) -> Callable[[Request, Response], Response]:
            def serve(request: Request, response: Response) -> Response:
                log(f"{request.method} {request.path}{'?' + request.raw_query if request.raw_query else ''}")
                target = request.escaped_path() + ("?" + request.raw_query if request.raw_query else "")
                chain_request = ChainRequest(method=request.method, path=request.path,
                                             headers=dict(request.headers), query=request.raw_query,
                                             inner=request, response=response, request_uri=target)
                answer = chain(chain_request)
                if response.status:  # the container answered (and may already have streamed)
                    return response
                out = Response(answer.status)
                for key, value in answer.headers.items():
                    out.headers[key] = value
                out.body = answer.body.encode()
                log(f"  -> {answer.status} {answer.body.strip()[:80]}")
                return out

            return serve

        return entry(secure), entry(insecure)

    return build


# --- building the server ---------------------------------------------------------------------------


@dataclass
class MiniAPIServer:
    """What `build_server` returns: the generic server, its storages and the admission plugin."""

    server: gs.GenericAPIServer
    storages: dict[str, Any]
    admission: Any
    log: Log
    steps: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def start(self) -> int:
        """Serve in background threads; returns the bound port."""
        ports = self.server.prepare_run().run(self.stop, block=False, log=self.log)
        self.port = ports["secure"]
        return self.port

    def shutdown(self) -> None:
        self.stop.set()
        if hasattr(self.admission, "stop"):
            self.admission.stop()


def _storages(log: Log) -> dict[str, Any]:
    """The Stores of the kinds served, over one in-memory etcd (one resourceVersion counter, as etcd's)."""
    etcd = registry.MemoryEtcd()

    def store(kind: str, resource: str, namespaced: bool = True, cls: type[Any] = LoggingStorage) -> Any:
        storage = cls(kind, resource, namespaced, etcd=etcd)
        storage.log = log
        return storage

    pods = store("Pod", "pods")
    quotas = store("ResourceQuota", "resourcequotas")
    return {"pods": pods, "pods/status": registry.StatusSubresource(pods),
            "configMaps": store("ConfigMap", "configmaps"),
            "services": services.ServiceREST(store("Service", "services")),
            "namespaces": store("Namespace", "namespaces", False, LoggingNamespaces),
            "nodes": store("Node", "nodes", False), "resourceQuotas": quotas,
            "resourceQuotas/status": registry.StatusSubresource(quotas)}


@mirrors("kubernetes:cmd/kube-apiserver/app/options.ServerRunOptions")
@dataclass
class ServerRunOptions:
    """kube-apiserver's own flags around the generic ones (a subset: durations in seconds)."""

    generic_server_run_options: gs.ServerRunOptions
    allow_privileged: bool = False
    event_ttl: float = 0.0
    kubelet_config: dict[str, Any] = field(default_factory=dict)
    service_account_key_files: list[str] = field(default_factory=list)
    service_account_lookup: bool = False
    webhook_token_authn_config_file: str = ""
    webhook_token_authn_cache_ttl: float = 0.0

    @mirrors("kubernetes:cmd/kube-apiserver/app/options.ServerRunOptions.AddFlags")
    def add_flags(self, parser: argparse.ArgumentParser) -> None:
        """Register flags that write straight into these options (pflag's `...Var(&field, ...)`), a subset."""
        generic = self.generic_server_run_options
        flags: list[tuple[str, object, str, Callable[[str], Any]]] = [
            ("--secure-port", generic, "secure_port", int), ("--insecure-port", generic, "insecure_port", int),
            ("--bind-address", generic, "bind_address", str),
            ("--authorization-mode", generic, "authorization_mode", str),
            ("--admission-control", generic, "admission_control", str),
            ("--token-auth-file", generic, "token_auth_file", str),
            ("--basic-auth-file", generic, "basic_auth_file", str),
            ("--anonymous-auth", generic, "anonymous_auth", _go_bool),
            ("--event-ttl", self, "event_ttl", float),
        ]
        for flag, target, name, kind in flags:
            parser.add_argument(flag, type=kind, action=_into(target, name), default=argparse.SUPPRESS,
                                help=f"default {getattr(target, name)!r}")


def _go_bool(text: str) -> bool:
    """pflag's bool parsing (strconv.ParseBool)."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    msg = f"invalid boolean value {text!r}"
    raise argparse.ArgumentTypeError(msg)


def _into(target: object, name: str) -> type[argparse.Action]:
    """An argparse action that sets `target.name`, as a pflag Var writes through its pointer."""

    class Store(argparse.Action):
        def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                     option_string: str | None = None) -> None:
            setattr(target, name, values)

    return Store


@mirrors("kubernetes:cmd/kube-apiserver/app/options.NewServerRunOptions")
def new_server_run_options() -> ServerRunOptions:
    """The generic defaults with the etcd ones on top; events kept an hour; kubelets reached on 10250."""
    return ServerRunOptions(
        generic_server_run_options=gs.new_server_run_options().with_etcd_options(),
        event_ttl=3600.0,
        kubelet_config={"port": 10250, "preferred_address_types": ["Hostname", "InternalIP", "ExternalIP",
                                                                   "LegacyHostIP"],
                        "enable_https": True, "http_timeout": 5.0},
        webhook_token_authn_cache_ttl=120.0,
    )


@mirrors("kubernetes:cmd/kube-apiserver/app.Run")
def build_server(authz_mode: str = "abac", port: int = 0, log: Log = print,
                 admission_factory: Callable[[dict[str, Any]], Any] | None = None) -> MiniAPIServer:
    """kube-apiserver's Run, in its order: generic config, authenticator, authorizer, admission, master, run."""
    steps: list[str] = []

    def step(name: str) -> None:
        steps.append(name)

    s = new_server_run_options()
    options = s.generic_server_run_options
    options.bind_address, options.secure_port, options.insecure_port = "127.0.0.1", port, 0
    options.authorization_mode = authz_mode.upper()
    options.admission_control = "ResourceQuota"
    step("generic config")
    config = gs.new_config().apply_options(options)
    if port == 0:  # ApplyOptions only creates serving info for a positive port; 0 asks the OS for one
        config.secure_serving_info = gs.SecureServingInfo("127.0.0.1:0")
    step("authenticator")
    # authenticator.New: the token file behind a bearer-token reader, every user in system:authenticated
    token_file = authn.BearerTokenAuthenticator(authn.TokenFileAuthenticator(dict(DEMO_TOKENS)))
    authenticator = LoggingAuthenticator(authn.GroupAdder(authn.union_new(token_file), [authn.ALL_AUTHENTICATED]), log)
    step("authorizer")
    if authz_mode == "abac":
        inner_authorizer: Any = abac.load_policies([line.encode() for line in DEMO_ABAC_POLICY], "<demo policy>")
    elif authz_mode == "rbac":
        store = demo_rbac_store()
        inner_authorizer = rbac.new(store, store, store, store, "")
    else:
        raise UsageError(f"unknown authorization mode {authz_mode!r}", hint="use --authz abac or --authz rbac")
    authorizer = LoggingAuthorizer(inner_authorizer, authz_mode.upper(), log)
    step("storage")
    storages = _storages(log)
    step("admission")
    admission = (admission_factory or quota_admission_factory)(storages)
    config.admission_control = LoggingAdmission(admission, log) if admission is not None else None
    replenish = admission.replenish if isinstance(admission, QuotaAdmissionAdapter) else None
    config.build_handler_chains = handler_chain(authenticator, authorizer, log, replenish)
    step("master")
    master_config = gs.MasterConfig(config, kubelet_client_config=s.kubelet_config, legacy_storage=storages,
                                    enabled_groups={""})
    master = master_config.complete().new()
    storages["namespaces"].create({}, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    storages["namespaces"].create({}, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}})
    storages["resourceQuotas"].create({"namespace": "dev"}, copy.deepcopy(DEMO_QUOTA))
    if isinstance(admission, QuotaAdmissionAdapter):
        admission.sync("dev")
    step("prepare run")
    return MiniAPIServer(master.generic_api_server, storages, admission, log, steps)


def quota_admission_factory(storages: dict[str, Any]) -> Any:
    """The ResourceQuota admission plugin (quota_admission.py) over the in-memory quotas and pods."""
    return QuotaAdmissionAdapter(storages["resourceQuotas"], storages["resourceQuotas/status"], storages["pods"])


def pod_from_json(obj: dict[str, Any]) -> quota.Pod:
    """The quota model's view of a JSON pod: name, namespace, phase and container resources."""
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}

    def containers(key: str) -> list[quota.Container]:
        return [quota.Container(quota.rl((c.get("resources") or {}).get("requests") or {}),
                                quota.rl((c.get("resources") or {}).get("limits") or {}))
                for c in spec.get(key) or []]

    return quota.Pod(name=meta.get("name", ""), namespace=meta.get("namespace", ""),
                     generate_name=meta.get("generateName", ""), resource_version=meta.get("resourceVersion", ""),
                     containers=containers("containers"), init_containers=containers("initContainers"),
                     phase=(obj.get("status") or {}).get("phase", ""),
                     active_deadline_seconds=spec.get("activeDeadlineSeconds"))


def quota_from_json(obj: dict[str, Any]) -> quota.ResourceQuota:
    meta, status = obj.get("metadata") or {}, obj.get("status") or {}
    return quota.ResourceQuota(name=meta.get("name", ""), namespace=meta.get("namespace", ""),
                               resource_version=meta.get("resourceVersion", ""),
                               hard=quota.rl(status.get("hard") or {}), used=quota.rl(status.get("used") or {}),
                               scopes=list((obj.get("spec") or {}).get("scopes") or []))


@mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaAccessor")
class StoreQuotaAccessor:
    """`quotaAccessor` over the ResourceQuota storage: the status written through `resourcequotas/status`.

    The Go's accessor reads through an informer cache and a client; this one reads the Store, so it is never
    stale. A stale status write is a 409, as UpdateStatus answers.
    """

    def __init__(self, quotas: registry.Store, status: registry.StatusSubresource) -> None:
        self.quotas = quotas
        self.status = status

    def get_quotas(self, namespace: str) -> list[quota.ResourceQuota]:
        listed = self.quotas.list({"namespace": namespace}, {})
        return [quota_from_json(item) for item in listed["items"] or []]

    def update_quota_status(self, new_quota: quota.ResourceQuota) -> Exception | None:
        ctx = {"namespace": new_quota.namespace}
        try:
            current = self.quotas.get(ctx, new_quota.name)
            current["status"] = {"hard": quota.show(new_quota.hard), "used": quota.show(new_quota.used)}
            current["metadata"]["resourceVersion"] = new_quota.resource_version
            self.status.update(ctx, new_quota.name, registry.UpdatedObjectInfo(current))
        except StatusError as err:
            return err
        return None


@mirrors("kubernetes:pkg/controller/resourcequota.ResourceQuotaController.syncResourceQuota",
         "kubernetes:pkg/quota.CalculateUsage")
def sync_resource_quota(quotas: registry.Store, status: registry.StatusSubresource,
                        evaluators: quota.GenericRegistry, namespace: str) -> None:
    """What the quota controller does (there is none here) for each quota of a namespace.

    status.hard from spec.hard; status.used the last usage overlaid with what the evaluators measure for
    the resources the quota limits; written only when something changed.
    """
    ctx = {"namespace": namespace}
    for item in quotas.list(ctx, {})["items"] or []:
        spec_hard = quota.rl((item.get("spec") or {}).get("hard") or {})
        old_status = item.get("status") or {}
        dirty = not quota.equals(spec_hard, quota.rl(old_status.get("hard") or {}))
        dirty = dirty or old_status.get("hard") is None or old_status.get("used") is None
        used = quota.rl(old_status.get("used") or {})
        matched = [name for name in spec_hard if any(name in e.matches_resources()
                                                      for e in evaluators.evaluators().values())]
        new_usage: quota.ResourceList = {}
        for evaluator in evaluators.evaluators().values():
            if set(evaluator.matches_resources()) & set(matched):
                new_usage = quota.add(new_usage, evaluator.usage_stats(namespace, item["spec"].get("scopes") or []))
        used.update(quota.mask(new_usage, matched))
        used = quota.mask(used, list(spec_hard))
        dirty = dirty or not quota.equals(used, quota.rl(old_status.get("used") or {}))
        if dirty:
            usage = {"metadata": {"name": item["metadata"]["name"], "namespace": namespace,
                                  "resourceVersion": item["metadata"]["resourceVersion"],
                                  "labels": item["metadata"].get("labels"),
                                  "annotations": item["metadata"].get("annotations")},
                     "status": {"hard": quota.show(spec_hard), "used": quota.show(used)}}
            status.update(ctx, item["metadata"]["name"], registry.UpdatedObjectInfo(usage))


@mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaAdmission")
class QuotaAdmissionAdapter:
    """Admission as the handlers call it (raise a StatusError), backed by quota_admission's plugin."""

    def __init__(self, quotas: registry.Store, status: registry.StatusSubresource, pods: registry.Store) -> None:
        self.quotas = quotas
        self.status = status

        def lister(kind: str, namespace: str) -> list[quota.KubeObject]:
            if kind != "Pod":
                return []
            return [pod_from_json(item) for item in pods.list({"namespace": namespace}, {})["items"] or []]

        self.registry = quota.new_registry(lister)
        self.plugin = quota_admission.new_resource_quota(StoreQuotaAccessor(quotas, status), self.registry)

    def sync(self, namespace: str) -> None:
        sync_resource_quota(self.quotas, self.status, self.registry, namespace)

    def replenish(self, request: Request, response: Response) -> None:
        """After a pod DELETE succeeded, the controller recounts the namespace's quotas."""
        route = request.selected_route_path
        if request.method == "DELETE" and response.status == 200 and route.startswith(
                "/api/v1/namespaces/{namespace}/pods") and route.count("/") <= 6:
            self.sync(request.path_parameter("namespace"))

    def handles(self, operation: str) -> bool:
        return bool(self.plugin.handles(operation))

    def admit(self, attributes: rh.AttributesRecord) -> None:
        kind = attributes.kind.kind
        # the evaluators' view of the object: a pod's, a service's and a claim's resources, others' names
        converted = {"Pod": pod_from_json}.get(kind, lambda o: quota.object_from_api(kind, o))
        record = quota_admission.Attributes(
            kind=(attributes.kind.group, kind), namespace=attributes.namespace, name=attributes.name,
            resource=(attributes.kind.group, attributes.resource), operation=attributes.operation,
            obj=converted(attributes.object) if attributes.object is not None else None,
            old_obj=converted(attributes.old_object) if attributes.old_object is not None else None,
            subresource=attributes.subresource)
        if record.obj is not None and not record.obj.namespace:
            record.obj.namespace = attributes.namespace
        err = self.plugin.admit(record)
        if isinstance(err, StatusError):
            raise err
        if err is not None:
            raise new_internal_error(str(err))

    def stop(self) -> None:
        self.plugin.evaluator.stop()


# --- command line ----------------------------------------------------------------------------------


TOUR = (
    ("GET", "/api/v1/namespaces/dev/pods", "", None),
    ("GET", "/api/v1/namespaces/dev/pods", "view-token", None),
    ("GET", "/api/v1/namespaces/default/pods", "dev-token", None),
    ("POST", "/api/v1/namespaces/dev/pods", "dev-token", "p1"),
    ("POST", "/api/v1/namespaces/dev/pods", "dev-token", "p2"),
    ("POST", "/api/v1/namespaces/dev/pods", "dev-token", "p3"),
    ("DELETE", "/api/v1/namespaces/dev/pods/p1", "dev-token", None),
    ("POST", "/api/v1/namespaces/dev/pods", "dev-token", "p3"),
)
"""The tour's requests: (method, path, bearer token, name of a pod to create)."""


def tour_pod(name: str) -> dict[str, Any]:
    """The pod the tour creates: a name and one container (a pod without containers is a 422)."""
    return {"metadata": {"name": name}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}}


def tour(authz_mode: str = "abac") -> int:
    """Start the server on a free loopback port, send it the `TOUR` over real HTTP, print what each stage said, stop.

    What `curl` would show, without the port (it changes from run to run): each request, the server's log of it,
    and the answer's status with its message or the names it lists.
    """
    import urllib.error  # noqa: PLC0415 - the tour's client only
    import urllib.request  # noqa: PLC0415

    said: list[str] = []
    mini = build_server(authz_mode, 0, log=said.append)
    port = mini.start()
    try:
        for method, path, token, create in TOUR:
            said.clear()
            body = json.dumps(tour_pod(create)).encode() if create else None
            headers = {"Content-Type": "application/json"} if body else {}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers,
                                             method=method)
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - our own server, loopback
                    status, data = answer.status, answer.read()
            except urllib.error.HTTPError as err:
                status, data = err.code, err.read()
                err.close()
            sent = f" ({token})" if token else " (no token)"
            print(f"$ {method} {path}{sent}" + (f" {json.dumps(tour_pod(create))}" if create else ""))
            for line in said[1:]:  # the first is the request line, printed above
                if not line.startswith("  -> "):
                    print(line)
            print(f"  => {status} {_gist(data)}")
    finally:
        mini.shutdown()
    return 0


def _gist(data: bytes) -> str:
    """An answer in a few words: a Status's message, a list's item names, an object's kind and name."""
    try:
        obj = json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace").strip()[:100]
    if not isinstance(obj, dict):
        return ""
    if obj.get("kind") == "Status":
        return str(obj.get("message", obj.get("status", "")))
    if "items" in obj:
        return f"{obj.get('kind')} [{', '.join(i['metadata']['name'] for i in obj['items'] or [])}]"
    return f"{obj.get('kind')} {obj.get('metadata', {}).get('name', '')}"


@mirrors("kubernetes:cmd/kube-apiserver/app.NewAPIServerCommand")
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m walkthrough.reimpl.kubernetes.apiserver",
                                     description="A miniature kube-apiserver v1.5.2 on 127.0.0.1, built from the "
                                                 "walkthrough's models.")
    parser.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--authz", choices=["abac", "rbac"], default="abac", help="authorization mode")
    parser.add_argument("--tour", action="store_true",
                        help="send a few requests over HTTP, print what each stage did, and stop")
    args = parser.parse_args(argv)
    if args.tour:
        return tour(args.authz)
    try:
        mini = build_server(args.authz, args.port, log=lambda line: print(line, flush=True))
        port = mini.start()
    except (UsageError, gs.ServerError) as exc:
        print(f"error: {exc}")
        return 2
    base = f"http://127.0.0.1:{port}"
    print(f"mini kube-apiserver v1.5.2 model listening on {base} (authorization: {args.authz.upper()})")
    print("try:")
    for line in (
        f"curl -s {base}/api/v1/namespaces/dev/pods                                   # 401: no token",
        f"curl -s -H 'Authorization: Bearer view-token' {base}/api/v1/namespaces/dev/pods   # 200 list",
        f"curl -s -H 'Authorization: Bearer dev-token' {base}/api/v1/namespaces/default/pods # 403: bob is dev-only",
        (f"curl -s -H 'Authorization: Bearer dev-token' -H 'Content-Type: application/json' -X POST "
        f"-d '{json.dumps(tour_pod('p1'), separators=(',', ':'))}' {base}/api/v1/namespaces/dev/pods"
        "      # 201; again: 409 (exists, yet quota charged); a third time: 403 quota"),
        f"curl -s -H 'Authorization: Bearer admin-token' '{base}/api/v1/watch/namespaces/dev/pods?timeoutSeconds=30'",
    ):
        print("  " + line)
    try:
        mini.stop.wait()
    except KeyboardInterrupt:
        mini.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
