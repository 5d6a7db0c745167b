"""The generic API server and the master of Kubernetes v1.5.2, as far as the walkthrough needs them.

From flags to a serving process: `ServerRunOptions` (defaults) -> `Config` (`NewConfig`,
`ApplyOptions`, `Complete`) -> `GenericAPIServer` (`completedConfig.New`: an APIContainer on a
fresh ServeMux, the base routes, the handler chains) -> API groups installed through
`InstallLegacyAPIGroup` / `InstallAPIGroup` -> `PrepareRun().Run()`, which listens with
`runServer`'s retry loop. `MasterConfig` / `Master` wrap it the way `pkg/master` does.

Left out, and said so where it matters: TLS serving (the model serves plain HTTP on loopback),
OpenAPI/swagger documents, etcd and the storage factory (storages are in memory), the SSH tunneler.
The handler chain itself (`DefaultBuildHandlerChain`) is modelled in `authz.build_handler_chain`;
this module plugs the go-restful container into it.

Run `python -m walkthrough.reimpl.kubernetes.genericapiserver` to see a configured server's routes.
"""

from __future__ import annotations

import ipaddress
import json
import os
import posixpath
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from walkthrough.errors import UsageError
from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes import apiinstaller as ai
from walkthrough.reimpl.kubernetes import registry
from walkthrough.reimpl.kubernetes import resthandler as rh
from walkthrough.reimpl.kubernetes.apierrors import StatusError, status_error
from walkthrough.reimpl.kubernetes.restful import (
    Container,
    CurlyRouter,
    ProcessCrash,
    Request,
    Response,
    ServeMux,
    ServiceError,
    WebService,
)

if TYPE_CHECKING:
    from walkthrough.reimpl.kubernetes._go import GoPanic

DEFAULT_LEGACY_API_PREFIX = "/api"  # mirrors genericapiserver.DefaultLegacyAPIPrefix
API_GROUP_PREFIX = "/apis"  # mirrors genericapiserver.APIGroupPrefix
DEFAULT_ETCD_PATH_PREFIX = "/registry"  # mirrors options.DefaultEtcdPathPrefix
VERSION_INFO = {"major": "1", "minor": "5", "gitVersion": "v1.5.2",
                "gitCommit": "08e099554f3c31f6e6f07b448ab3ed78d0520507", "gitTreeState": "clean",
                "buildDate": "", "goVersion": "", "compiler": "gc", "platform": ""}


class ServerError(UsageError):
    """A configuration the Go server refuses (it returns an error or exits with glog.Fatal)."""


# --- options and config ----------------------------------------------------------------------------


@mirrors("kubernetes:pkg/genericapiserver/options.ServerRunOptions")
@dataclass
class ServerRunOptions:
    """The generic flags with `NewServerRunOptions`' defaults (a subset: what Config reads)."""

    admission_control: str = "AlwaysAdmit"
    anonymous_auth: bool = False
    authorization_mode: str = "AlwaysAllow"
    authorization_policy_file: str = ""
    authorization_rbac_super_user: str = ""
    basic_auth_file: str = ""
    token_auth_file: str = ""
    bind_address: str = "0.0.0.0"  # noqa: S104 - the apiserver's default, as upstream
    cert_directory: str = "/var/run/kubernetes"
    tls_cert_file: str = ""
    tls_private_key_file: str = ""
    client_ca_file: str = ""
    default_storage_media_type: str = "application/json"
    enable_garbage_collection: bool = True
    enable_profiling: bool = True
    enable_contention_profiling: bool = False
    enable_swagger_ui: bool = False
    enable_watch_cache: bool = True
    insecure_bind_address: str = "127.0.0.1"
    insecure_port: int = 8080
    secure_port: int = 6443
    max_requests_in_flight: int = 400
    min_request_timeout: int = 1800
    advertise_address: str | None = None
    external_host: str = ""
    cors_allowed_origin_list: list[str] = field(default_factory=list)
    audit_log_path: str = ""
    storage_prefix: str = ""
    """`StorageConfig.Prefix`: where in etcd the objects live (the model keeps them in memory)."""

    @mirrors("kubernetes:pkg/genericapiserver/options.ServerRunOptions.WithEtcdOptions")
    def with_etcd_options(self) -> ServerRunOptions:
        """The etcd storage defaults: every object under `/registry` (the deserialization cache is sized in Run)."""
        self.storage_prefix = DEFAULT_ETCD_PATH_PREFIX
        return self


@mirrors("kubernetes:pkg/genericapiserver/options.NewServerRunOptions")
def new_server_run_options() -> ServerRunOptions:
    return ServerRunOptions()


def join_host_port(host: str, port: int) -> str:
    """Go's net.JoinHostPort: IPv6 hosts get brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@mirrors("kubernetes:pkg/genericapiserver.ServingInfo")
@dataclass
class ServingInfo:
    bind_address: str


@mirrors("kubernetes:pkg/genericapiserver.SecureServingInfo")
@dataclass
class SecureServingInfo(ServingInfo):
    cert_file: str = ""
    key_file: str = ""
    generate_cert: bool = False
    client_ca: str = ""


@mirrors("kubernetes:pkg/genericapiserver.Config")
@dataclass
class Config:
    """What a GenericAPIServer is built from."""

    serializer: tuple[tuple[str, bool], ...] | None = ai.DEFAULT_SERIALIZERS
    read_write_port: int = 6443
    legacy_api_group_prefixes: set[str] = field(default_factory=lambda: {DEFAULT_LEGACY_API_PREFIX})
    enable_index: bool = True
    enable_swagger_support: bool = True
    enable_swagger_ui: bool = False
    enable_profiling: bool = False
    enable_metrics: bool = False
    secure_serving_info: SecureServingInfo | None = None
    insecure_serving_info: ServingInfo | None = None
    external_address: str = ""
    public_address: str | None = None
    max_requests_in_flight: int = 0
    min_request_timeout: int = 0
    supports_basic_auth: bool = False
    cors_allowed_origin_list: list[str] = field(default_factory=list)
    authorizer_rbac_super_user: str = ""
    enable_garbage_collection: bool = False
    audit_log_path: str = ""
    openapi_security_definitions: dict[str, Any] | None = None
    openapi_default_security: list[dict[str, list[str]]] | None = None
    openapi_common_responses: dict[int, str] | None = None
    discovery_addresses: dict[str, Any] | None = None
    authenticator: Any = None
    authorizer: Any = None
    admission_control: Any = None
    build_handler_chains: Callable[[Callable[[Any], Any], Config], tuple[Any, Any]] | None = None
    version: dict[str, str] | None = field(default_factory=lambda: dict(VERSION_INFO))

    @mirrors("kubernetes:pkg/genericapiserver.Config.ApplyOptions")
    def apply_options(self, options: ServerRunOptions) -> Config:
        """Serving info only for positive ports; certificates to generate when none are given."""
        self.audit_log_path = options.audit_log_path
        if options.secure_port > 0:
            info = SecureServingInfo(join_host_port(options.bind_address, options.secure_port),
                                     cert_file=options.tls_cert_file, key_file=options.tls_private_key_file,
                                     client_ca=options.client_ca_file)
            if not options.tls_cert_file and not options.tls_private_key_file:
                info.generate_cert = True
                info.cert_file = posixpath.join(options.cert_directory, "apiserver.crt")
                info.key_file = posixpath.join(options.cert_directory, "apiserver.key")
            self.secure_serving_info = info
            self.read_write_port = options.secure_port
        if options.insecure_port > 0:
            self.insecure_serving_info = ServingInfo(join_host_port(options.insecure_bind_address,
                                                                    options.insecure_port))
        self.authorizer_rbac_super_user = options.authorization_rbac_super_user
        self.cors_allowed_origin_list = list(options.cors_allowed_origin_list)
        self.enable_garbage_collection = options.enable_garbage_collection
        self.enable_profiling = options.enable_profiling
        self.enable_swagger_ui = options.enable_swagger_ui
        self.external_address = options.external_host
        self.max_requests_in_flight = options.max_requests_in_flight
        self.min_request_timeout = options.min_request_timeout
        self.public_address = options.advertise_address
        self.supports_basic_auth = bool(options.basic_auth_file)
        return self

    @mirrors("kubernetes:pkg/genericapiserver.Config.Complete")
    def complete(self) -> Config:
        """External address from the public address (with the port), OpenAPI security, discovery addresses."""
        if not self.external_address and self.public_address is not None:
            host_and_port = self.public_address
            if self.read_write_port:
                host_and_port = join_host_port(host_and_port, self.read_write_port)
            self.external_address = host_and_port
        if self.openapi_security_definitions is not None:
            self.openapi_default_security = [{k: []} for k in sorted(self.openapi_security_definitions)]
            if self.openapi_common_responses is None:
                self.openapi_common_responses = {}
            self.openapi_common_responses.setdefault(401, "Unauthorized")
        if self.discovery_addresses is None:
            self.discovery_addresses = {"default_address": self.external_address, "cidr_rules": []}
        return self

    @mirrors("kubernetes:pkg/genericapiserver.completedConfig.New")
    def new(self) -> GenericAPIServer:
        if self.serializer is None:
            raise ServerError("Genericapiserver.New() called with config.Serializer == nil")
        server = GenericAPIServer(self)
        server.install_api(self)
        build = self.build_handler_chains or default_build_handler_chain
        server.handler, server.insecure_handler = build(server.handler_container.serve_http, self)
        return server


@mirrors("kubernetes:pkg/genericapiserver.NewConfig")
def new_config() -> Config:
    """Defaults, then the default options applied with both ports at 0: no serving info yet."""
    config = Config()
    defaults = new_server_run_options()
    defaults.secure_port = 0
    defaults.insecure_port = 0
    defaults.audit_log_path = ""
    return config.apply_options(defaults)


@mirrors("kubernetes:pkg/genericapiserver.DefaultBuildHandlerChain")
def default_build_handler_chain(api_handler: Callable[[Request], Response], config: Config) -> tuple[Any, Any]:
    """Without authentication or authorization both chains are the container itself.

    The full chain (authentication, then authorization, around the container) is
    `authz.build_handler_chain`; `apiserver.py` plugs it in through `Config.build_handler_chains`.
    """
    return api_handler, api_handler


# --- the API container -----------------------------------------------------------------------------


@mirrors("kubernetes:pkg/api/errors.NewGenericServerResponse")
def new_generic_server_response(code: int, server_message: str) -> StatusError:
    """The Status for a go-restful routing error: reason and message chosen by the code alone."""
    reasons = {409: ("Conflict", "the server reported a conflict"),
               404: ("NotFound", "the server could not find the requested resource"),
               400: ("BadRequest", "the server rejected our request for an unknown reason"),
               401: ("Unauthorized", "the server has asked for the client to provide credentials"),
               403: ("Forbidden", "the server does not allow access to the requested resource"),
               405: ("MethodNotAllowed", "the server does not allow this method on the requested resource"),
               422: ("Invalid", "the server rejected our request due to an error in our request"),
               504: ("ServerTimeout",
                     "the server cannot complete the requested operation at this time, try again later"),
               429: ("Timeout", "the server has received too many requests and has asked us to try again later")}
    unknown = f"the server responded with the status code {code} but did not return more information"
    reason, message = reasons.get(code, ("", unknown))
    if code not in reasons and code >= 500:
        reason = "InternalError"
        message = f"an error on the server ({json.dumps(server_message)}) has prevented the request from succeeding"
    return status_error(code, reason, message, {})


@mirrors("kubernetes:pkg/apiserver.InstallServiceErrorHandler")
def service_error_handler(err: ServiceError, request: Request, response: Response) -> None:
    """Routing errors become Status objects (JSON) instead of go-restful's plain-text bodies."""
    rh.error_negotiated(new_generic_server_response(err.code, err.message), response, request)


@mirrors("kubernetes:pkg/genericapiserver/mux.NewAPIContainer")
def new_api_container(mux: ServeMux) -> Container:
    """A go-restful container on the server's ServeMux, with the curly router and Status errors."""
    container = Container(serve_mux=mux, router=CurlyRouter())
    container.service_error_handler = service_error_handler
    container.recover_handler = log_stack_on_recover  # apiserver.InstallRecoverHandler
    return container


@mirrors("kubernetes:pkg/apiserver.logStackOnRecover")
def log_stack_on_recover(reason: GoPanic, response: Response) -> None:
    """A handler's panic answered as a 500 Status that says nothing of the panic (it is only logged)."""
    rh.error_negotiated(new_generic_server_response(500, ""), response, Request.new("GET", "/"))


# --- groups ----------------------------------------------------------------------------------------


@mirrors("kubernetes:pkg/genericapiserver.APIGroupInfo")
@dataclass
class APIGroupInfo:
    """A group's versions, the preferred one, and per version the storage map."""

    group: str
    group_versions: list[ai.GroupVersion]
    versioned_resources_storage_map: dict[str, dict[str, Any]] = field(default_factory=dict)
    options_external_version: ai.GroupVersion | None = None
    subresource_group_version_kind: dict[str, rh.GroupVersionKind] = field(default_factory=dict)

    @property
    def preferred(self) -> ai.GroupVersion:
        return self.group_versions[0]


@mirrors("kubernetes:pkg/genericapiserver.NewDefaultAPIGroupInfo")
def new_default_api_group_info(group: str, versions: list[str]) -> APIGroupInfo:
    """Options (ListOptions, DeleteOptions...) always come from the core group's v1."""
    return APIGroupInfo(group, [ai.GroupVersion(group, v) for v in versions], {},
                        options_external_version=ai.GroupVersion("", "v1"))


@mirrors("kubernetes:pkg/genericapiserver.GenericAPIServer")
class GenericAPIServer:
    """Holds the container, the discovery state and the two handler chains."""

    def __init__(self, config: Config) -> None:
        self.legacy_api_group_prefixes = set(config.legacy_api_group_prefixes)
        self.admission_control = config.admission_control
        self.min_request_timeout = float(config.min_request_timeout)
        self.secure_serving_info = config.secure_serving_info
        self.insecure_serving_info = config.insecure_serving_info
        self.external_address = config.external_address
        self.serializer = config.serializer or ai.DEFAULT_SERIALIZERS
        self.api_groups_for_discovery: dict[str, dict[str, Any]] = {}
        self.post_start_hooks: dict[str, Callable[[], None]] = {}
        self.handler_container = new_api_container(ServeMux())
        self.handler: Any = None
        self.insecure_handler: Any = None
        self.context_fn: Callable[[Request], dict[str, Any]] = lambda req: dict(req.context)

    @mirrors("kubernetes:pkg/genericapiserver.GenericAPIServer.installAPI")
    def install_api(self, config: Config) -> None:
        """Index at '/', version at '/version', group discovery at '/apis' (profiling and metrics are not modelled)."""
        container = self.handler_container
        if config.enable_index:
            def index(req: Request, res: Response) -> None:
                paths = sorted(ws.root_path for ws in container.registered_web_services())
                status = 200 if req.path in ("/", "/index.html") else 404
                res.headers["Content-Type"] = "application/json"
                res.write_header(status)
                res.write(json.dumps({"paths": paths}, indent=2))
            container.serve_mux.handle_func("/", index)
        if config.version is not None:
            version = dict(config.version)
            ws = WebService().Path("/version").Doc("git code version from which this is built")
            ws.Route(ws.GET("/").To(lambda req, res: _write_raw_json(res, 200, version))
                     .Doc("get the code version").Operation("getCodeVersion")
                     .Produces("application/json").Consumes("application/json"))
            container.add(ws)
        container.add(self.dynamic_apis_discovery())

    @mirrors("kubernetes:pkg/genericapiserver.GenericAPIServer.DynamicApisDiscovery",
             "kubernetes:pkg/apiserver.NewApisWebService")
    def dynamic_apis_discovery(self) -> WebService:
        media, _ = ai.media_types_for_serializer(self.serializer)

        def handler(req: Request, res: Response) -> None:
            groups = [self.api_groups_for_discovery[name] for name in sorted(self.api_groups_for_discovery)]
            rh.write_negotiated(res, req, 200, {"kind": "APIGroupList", "groups": groups})

        ws = WebService().Path(API_GROUP_PREFIX).Doc("get available API versions")
        ws.Route(ws.GET("/").To(handler).Doc("get available API versions").Operation("getAPIVersions")
                 .Produces(*media).Consumes(*media))
        return ws

    @mirrors("kubernetes:pkg/genericapiserver.GenericAPIServer.getAPIGroupVersion")
    def get_api_group_version(self, info: APIGroupInfo, group_version: ai.GroupVersion,
                              api_prefix: str) -> ai.APIGroupVersion:
        """Storage keys are lower-cased.

        'replicationControllers/status' is served as 'replicationcontrollers/status'.
        """
        storage = {k.lower(): v for k, v in info.versioned_resources_storage_map.get(group_version.version, {}).items()}
        version = self.new_api_group_version(info, group_version)
        version.root = api_prefix
        version.storage = storage
        return version

    @mirrors("kubernetes:pkg/genericapiserver.GenericAPIServer.newAPIGroupVersion")
    def new_api_group_version(self, info: APIGroupInfo, group_version: ai.GroupVersion) -> ai.APIGroupVersion:
        return ai.APIGroupVersion({}, "", group_version, admit=self.admission_control,
                                  min_request_timeout=self.min_request_timeout,
                                  subresource_group_version_kind=dict(info.subresource_group_version_kind),
                                  serializers=self.serializer, context_fn=self.context_fn)

    @mirrors("kubernetes:pkg/genericapiserver.GenericAPIServer.installAPIResources")
    def install_api_resources(self, api_prefix: str, info: APIGroupInfo) -> None:
        for group_version in info.group_versions:
            api_group_version = self.get_api_group_version(info, group_version, api_prefix)
            if info.options_external_version is not None:
                api_group_version.options_external_version = info.options_external_version
            errors = api_group_version.install_rest(self.handler_container)
            if errors:
                raise ServerError(f"Unable to setup API {info.group}: {ai.aggregate(errors)}")

    @mirrors("kubernetes:pkg/genericapiserver.GenericAPIServer.InstallLegacyAPIGroup",
             "kubernetes:pkg/apiserver.AddApiWebService")
    def install_legacy_api_group(self, api_prefix: str, info: APIGroupInfo) -> None:
        """Only under a configured legacy prefix; then `GET <prefix>` lists the version names."""
        if api_prefix not in self.legacy_api_group_prefixes:
            allowed = "[" + " ".join(sorted(self.legacy_api_group_prefixes)) + "]"
            raise ServerError(f'"{api_prefix}" is not in the allowed legacy API prefixes: {allowed}')
        self.install_api_resources(api_prefix, info)
        versions = [gv.version for gv in info.group_versions]
        media, _ = ai.media_types_for_serializer(self.serializer)
        address = (self.external_address or "")

        def handler(req: Request, res: Response) -> None:
            rh.write_negotiated(res, req, 200, {"kind": "APIVersions", "versions": versions,
                                                "serverAddressByClientCIDRs": [
                                                    {"clientCIDR": "0.0.0.0/0", "serverAddress": address}]})

        ws = WebService().Path(api_prefix).Doc("get available API versions")
        ws.Route(ws.GET("/").To(handler).Doc("get available API versions").Operation("getAPIVersions")
                 .Produces(*media).Consumes(*media))
        self.handler_container.add(ws)

    @mirrors("kubernetes:pkg/genericapiserver.GenericAPIServer.InstallAPIGroup",
             "kubernetes:pkg/apiserver.NewGroupWebService")
    def install_api_group(self, info: APIGroupInfo) -> None:
        """Under /apis; only versions with resources are advertised; the preferred version is the group's default."""
        if not info.group:
            raise ServerError("cannot register handler with an empty group")
        if not info.preferred.version:
            raise ServerError("cannot register handler with an empty version")
        self.install_api_resources(API_GROUP_PREFIX, info)
        versions = [{"groupVersion": str(gv), "version": gv.version} for gv in info.group_versions
                    if info.versioned_resources_storage_map.get(gv.version)]
        api_group = {"name": info.group, "versions": versions,
                     "preferredVersion": {"groupVersion": str(info.preferred), "version": info.preferred.version}}
        self.api_groups_for_discovery[info.group] = api_group
        media, _ = ai.media_types_for_serializer(self.serializer)
        ws = WebService().Path(f"{API_GROUP_PREFIX}/{info.group}").Doc("get information of a group")
        ws.Route(ws.GET("/").To(lambda req, res: rh.write_negotiated(res, req, 200, {"kind": "APIGroup", **api_group}))
                 .Doc("get information of a group").Operation("getAPIGroup").Produces(*media).Consumes(*media))
        self.handler_container.add(ws)

    def add_post_start_hook(self, name: str, hook: Callable[[], None]) -> None:
        if name in self.post_start_hooks:
            raise ServerError(f"unable to add {name!r} because it is already registered")
        self.post_start_hooks[name] = hook

    @mirrors("kubernetes:pkg/genericapiserver.GenericAPIServer.PrepareRun")
    def prepare_run(self) -> PreparedGenericAPIServer:
        """Adds /healthz (swagger and OpenAPI documents are not modelled)."""
        self.handler_container.serve_mux.handle_func("/healthz", lambda req, res: res.write("ok"))
        return PreparedGenericAPIServer(self)


def _write_raw_json(res: Response, status: int, obj: Any) -> None:
    """`WriteRawJSON`: indented JSON, whatever the client accepts."""
    res.headers["Content-Type"] = "application/json"
    res.write_header(status)
    res.write(json.dumps(obj, indent=2))


# --- running ---------------------------------------------------------------------------------------


Listen = Callable[[str], socket.socket]
Serve = Callable[[socket.socket], None]


def tcp_listen(address: str) -> socket.socket:
    host, _, port = address.rpartition(":")
    return socket.create_server((host.strip("[]") or "0.0.0.0", int(port)))  # noqa: S104 - Go's ":port" binds all


@mirrors("kubernetes:pkg/genericapiserver.runServer")
def run_server(address: str, serve: Serve, stop: threading.Event, listen: Listen = tcp_listen,
               retry_interval: float = 15.0, log: Callable[[str], None] = print) -> int:
    """Listen once synchronously (a bad address fails fast), then serve in the background.

    When serving stops with an error, listen again every `retry_interval` seconds (15 in the Go)
    until it works or `stop` is set. Returns the port actually bound.
    """
    if not address:
        raise ServerError("address cannot be empty")
    try:
        listener = listen(address)
    except OSError as exc:
        raise ServerError(f"failed to listen on {address}: {exc}") from None
    port = listener.getsockname()[1]
    state = {"listener": listener}
    lock = threading.Lock()

    def close_on_stop() -> None:
        stop.wait()
        with lock:
            state["listener"].close()

    def loop() -> None:
        while True:
            try:
                serve(state["listener"])
                err: object = "server stopped"
            except OSError as exc:
                err = exc
            state["listener"].close()  # Go's Serve closes its listener when it returns
            if stop.is_set():
                return
            log(f"Error serving {address} ({err}); will try again.")
            with lock:
                while not stop.wait(retry_interval):
                    try:
                        state["listener"] = listen(address)
                        break
                    except OSError as exc:
                        log(f"Error listening on {address} ({exc}); will try again.")
            if stop.is_set():
                return

    threading.Thread(target=close_on_stop, daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return port


class HTTPHandlerBridge(BaseHTTPRequestHandler):
    """net/http's server loop: one request -> the handler chain -> bytes on the socket."""

    server_version = "walkthrough-apiserver/v1.5.2"
    chain: Callable[[Request, Response], Response | None]
    """The handler chain: go-restful's container writes into the response, net/http handlers return one."""

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = Request.new(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
        started = {"headers": False}

        def send_headers(response: Response) -> None:
            if started["headers"]:
                return
            started["headers"] = True
            self.send_response(response.status or 200)
            for key, value in response.headers.items():
                if key not in ("Content-Length", "Transfer-Encoding"):
                    self.send_header(key, value)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

        response = Response()
        sent = {"n": 0}

        def flush() -> bool:
            try:
                send_headers(response)
                chunk = response.body[sent["n"]:]
                sent["n"] = len(response.body)
                if chunk:
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.flush()
            except OSError:
                return False
            else:
                return True

        response.flush = flush
        try:
            result = type(self).chain(request, response)
        except ProcessCrash as crash:  # nothing recovers this panic: the Go process dies with status 2
            sys.stderr.write(f"panic: {crash} [recovered]\n\tpanic: {crash}\n")
            sys.stderr.flush()
            os._exit(2)
        if started["headers"]:
            flush()
            self.wfile.write(b"0\r\n\r\n")
            return
        result = result or response
        self.send_response(result.status or 200)
        for key, value in result.headers.items():
            if key != "Content-Length":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(result.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(result.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - BaseHTTPRequestHandler's signature
        """Quiet: the apiserver logs its own stages."""


@mirrors("kubernetes:pkg/genericapiserver.preparedGenericAPIServer")
@dataclass
class PreparedGenericAPIServer:
    server: GenericAPIServer
    http_servers: list[ThreadingHTTPServer] = field(default_factory=list)

    @mirrors("kubernetes:pkg/genericapiserver.preparedGenericAPIServer.Run")
    def run(self, stop: threading.Event, block: bool = True, log: Callable[[str], None] = print) -> dict[str, int]:
        """Serve each configured port that has a handler, run post-start hooks, block until stop.

        TLS is not modelled: the "secure" chain (with authentication and authorization) is served
        over plain HTTP. Returns the bound ports by name when `block` is False.
        """
        ports: dict[str, int] = {}
        if self.server.secure_serving_info is not None and self.server.handler is not None:
            ports["secure"] = self.serve_securely(stop, log)
        if self.server.insecure_serving_info is not None and self.server.insecure_handler is not None:
            ports["insecure"] = self.serve_insecurely(stop, log)
        for hook in self.server.post_start_hooks.values():
            hook()
        if block:
            stop.wait()
        return ports

    @mirrors("kubernetes:pkg/genericapiserver.GenericAPIServer.serveSecurely")
    def serve_securely(self, stop: threading.Event, log: Callable[[str], None]) -> int:
        """The secure chain (`Handler`) on the secure address; the bound port.

        Without TLS: the Go wraps the listener in TLS 1.2+ with the serving certificate and, given a client
        CA, requests (not requires) client certificates. Here the chain is served over plain HTTP.
        """
        assert self.server.secure_serving_info is not None  # Run only calls it then
        return self._serve(self.server.secure_serving_info.bind_address, self.server.handler, stop, log)

    @mirrors("kubernetes:pkg/genericapiserver.GenericAPIServer.serveInsecurely")
    def serve_insecurely(self, stop: threading.Event, log: Callable[[str], None]) -> int:
        """The insecure chain (`InsecureHandler`) on the insecure address; the bound port."""
        assert self.server.insecure_serving_info is not None  # Run only calls it then
        return self._serve(self.server.insecure_serving_info.bind_address, self.server.insecure_handler, stop, log)

    def _serve(self, address: str, chain: Callable[..., Response], stop: threading.Event,
               log: Callable[[str], None]) -> int:
        bridge = type("Bridge", (HTTPHandlerBridge,), {"chain": staticmethod(chain)})

        def serve(sock: socket.socket) -> None:
            httpd = ThreadingHTTPServer(sock.getsockname()[:2], bridge, bind_and_activate=False)
            httpd.socket.close()
            httpd.socket = sock
            httpd.daemon_threads = True
            self.http_servers.append(httpd)

            def stop_when_asked(httpd: ThreadingHTTPServer = httpd) -> None:
                stop.wait()
                httpd.shutdown()

            threading.Thread(target=stop_when_asked, daemon=True).start()
            httpd.serve_forever(poll_interval=0.1)

        return run_server(address, serve, stop, log=log)


# --- master ----------------------------------------------------------------------------------------


@mirrors("kubernetes:pkg/genericapiserver.DefaultServiceIPRange")
def default_service_ip_range(cidr: str | None) -> tuple[ipaddress.IPv4Network, ipaddress.IPv4Address]:
    """Unset means 10.0.0.0/24; the API server's service IP is the first address after the network's."""
    network = ipaddress.ip_network(cidr or "10.0.0.0/24", strict=False)
    if network.num_addresses < 8:
        raise ServerError("The service cluster IP range must be at least 8 IP addresses")
    return network, network.network_address + 1  # type: ignore[return-value]


@mirrors("kubernetes:pkg/master.Config")
@dataclass
class MasterConfig:
    generic_config: Config
    kubelet_client_config: dict[str, Any] = field(default_factory=dict)
    service_ip_range: str | None = None
    api_server_service_ip: str | None = None
    api_server_service_port: int = 443
    service_node_port_range: tuple[int, int] = (0, 0)  # (base, size)
    enable_ui_support: bool = False
    enable_logs_support: bool = False
    enable_watch_cache: bool = True
    endpoint_reconciler_interval: float = 0.0
    enabled_groups: set[str] = field(default_factory=lambda: {"", "apps", "authentication.k8s.io",
                                                              "authorization.k8s.io", "autoscaling", "batch",
                                                              "certificates.k8s.io", "extensions", "policy",
                                                              "rbac.authorization.k8s.io", "storage.k8s.io"})
    legacy_storage: dict[str, Any] = field(default_factory=dict)
    rest_storage_providers: list[RESTStorageProvider] = field(default_factory=list)

    @mirrors("kubernetes:pkg/master.Config.Complete")
    def complete(self) -> MasterConfig:
        self.generic_config.complete()
        network, service_ip = default_service_ip_range(self.service_ip_range)
        if self.service_ip_range is None:
            self.service_ip_range = str(network)
        if self.api_server_service_ip is None:
            self.api_server_service_ip = str(service_ip)
        self.generic_config.discovery_addresses = {
            "default_address": self.generic_config.external_address,
            "cidr_rules": [{"ip_range": self.service_ip_range,
                            "address": join_host_port(self.api_server_service_ip, self.api_server_service_port)}]}
        if self.service_node_port_range[1] == 0:
            self.service_node_port_range = (30000, 2768)
        self.generic_config.enable_swagger_ui = self.generic_config.enable_swagger_ui and self.enable_ui_support
        if self.endpoint_reconciler_interval == 0:
            self.endpoint_reconciler_interval = 10.0
        self.generic_config.enable_metrics = True
        return self

    @mirrors("kubernetes:pkg/master.completedConfig.New")
    def new(self) -> Master:
        """Refuses an empty kubelet config; legacy group if v1 is enabled, then each provider's group."""
        if not self.kubelet_client_config:
            raise ServerError("Master.New() called with empty config.KubeletClientConfig")
        server = self.generic_config.new()  # no second Complete: SkipComplete().New()
        master = Master(server, storage_decorator="StorageWithCacher" if self.enable_watch_cache
                        else "UndecoratedStorage")
        if "" in self.enabled_groups:
            master.install_legacy_api(self.legacy_storage)
        master.install_apis(self.enabled_groups, self.rest_storage_providers)
        return master


@mirrors("kubernetes:pkg/genericapiserver.RESTStorageProvider")
@dataclass
class RESTStorageProvider:
    """A group's storage builder: `new_rest_storage` returns (APIGroupInfo, enabled)."""

    group_name: str
    new_rest_storage: Callable[[], tuple[APIGroupInfo, bool]]
    post_start_hook: tuple[str, Callable[[], None]] | None = None


# The core group's storage map: key -> kind of storage.New(). Keys keep upstream's camel case;
# getAPIGroupVersion lower-cases them.
LEGACY_STORAGE_KINDS = {
    "pods": "Pod", "pods/attach": "Pod", "pods/status": "Pod", "pods/log": "Pod", "pods/exec": "Pod",
    "pods/portforward": "Pod", "pods/proxy": "Pod", "pods/binding": "Binding", "bindings": "Binding",
    "podTemplates": "PodTemplate",
    "replicationControllers": "ReplicationController", "replicationControllers/status": "ReplicationController",
    "services": "Service", "services/proxy": "Service", "services/status": "Service",
    "endpoints": "Endpoints",
    "nodes": "Node", "nodes/status": "Node", "nodes/proxy": "Node",
    "events": "Event",
    "limitRanges": "LimitRange", "resourceQuotas": "ResourceQuota", "resourceQuotas/status": "ResourceQuota",
    "namespaces": "Namespace", "namespaces/status": "Namespace", "namespaces/finalize": "Namespace",
    "secrets": "Secret", "serviceAccounts": "ServiceAccount",
    "persistentVolumes": "PersistentVolume", "persistentVolumes/status": "PersistentVolume",
    "persistentVolumeClaims": "PersistentVolumeClaim", "persistentVolumeClaims/status": "PersistentVolumeClaim",
    "configMaps": "ConfigMap", "componentStatuses": "ComponentStatus",
}


@mirrors("kubernetes:pkg/registry/core/rest.LegacyRESTStorageProvider.NewLegacyRESTStorage")
def new_legacy_rest_storage(enabled_versions: set[str], make_storage: Callable[[str, str], Any | None]) -> APIGroupInfo:
    """The core group's APIGroupInfo.

    every key of the table under version v1, plus the scale and eviction subresources only when autoscaling/v1 and
    policy/v1beta1 are enabled, with their kinds overridden. `make_storage(key, kind)` builds a storage, or None to
    leave the key out.
    """
    info = APIGroupInfo("", [ai.GroupVersion("", "v1")], {}, options_external_version=ai.GroupVersion("", "v1"))
    storage_map: dict[str, Any] = {}
    keys = dict(LEGACY_STORAGE_KINDS)
    if "autoscaling/v1" in enabled_versions:
        info.subresource_group_version_kind["replicationcontrollers/scale"] = rh.GroupVersionKind(
            "autoscaling", "v1", "Scale")
        keys["replicationControllers/scale"] = "ReplicationController"
    if "policy/v1beta1" in enabled_versions:
        info.subresource_group_version_kind["pods/eviction"] = rh.GroupVersionKind("policy", "v1beta1", "Eviction")
        keys["pods/eviction"] = "Pod"
    for key, kind in keys.items():
        storage = make_storage(key, kind)
        if storage is not None:
            storage_map[key] = storage
    info.versioned_resources_storage_map["v1"] = storage_map
    return info


@mirrors("kubernetes:pkg/master.Master")
@dataclass
class Master:
    generic_api_server: GenericAPIServer
    storage_decorator: str = ""

    @mirrors("kubernetes:pkg/master.Master.InstallLegacyAPI")
    def install_legacy_api(self, storage: dict[str, Any]) -> None:
        info = new_default_api_group_info("", ["v1"])
        info.versioned_resources_storage_map["v1"] = dict(storage)
        self.generic_api_server.install_legacy_api_group(DEFAULT_LEGACY_API_PREFIX, info)

    @mirrors("kubernetes:pkg/master.Master.InstallAPIs")
    def install_apis(self, enabled_groups: set[str], providers: list[RESTStorageProvider]) -> list[str]:
        """Skips disabled groups and providers that report not-enabled; installs the rest in order."""
        infos, installed = [], []
        for provider in providers:
            if provider.group_name not in enabled_groups:
                continue
            info, enabled = provider.new_rest_storage()
            if not enabled:
                continue
            if provider.post_start_hook is not None:
                self.generic_api_server.add_post_start_hook(*provider.post_start_hook)
            infos.append(info)
        for info in infos:
            self.generic_api_server.install_api_group(info)
            installed.append(info.group)
        return installed


def _demo() -> None:
    config = new_config()
    options = new_server_run_options()
    options.secure_port, options.insecure_port = 0, 8080
    config.apply_options(options).complete()
    print("insecure serving at", config.insecure_serving_info and config.insecure_serving_info.bind_address,
          "| secure:", config.secure_serving_info)
    server = config.new()
    info = new_default_api_group_info("", ["v1"])
    info.versioned_resources_storage_map["v1"] = {"pods": registry.Store("Pod", "pods"),
                                                  "replicationControllers": registry.Store(
                                                      "ReplicationController", "replicationcontrollers")}
    server.install_legacy_api_group("/api", info)
    for ws in server.handler_container.registered_web_services():
        print(f"{ws.root_path:12} {len(ws.routes):3} routes")
    for path in ("/", "/api", "/apis", "/version", "/api/v1"):
        res = server.handler_container.serve_http(Request.new("GET", path))
        print(f"\nGET {path} -> {res.status}")
        print(json.dumps(json.loads(res.body), indent=2))


if __name__ == "__main__":
    _demo()
