"""API installation of Kubernetes v1.5.2: `APIGroupVersion.InstallREST` and the `APIInstaller`.

For one group version (say core `v1` under `/api`), InstallREST makes one go-restful WebService
rooted at `/api/v1`, lets the APIInstaller turn every storage of the group's map into routes,
adds the discovery route `GET /api/v1/` and adds the service to the container.

The installer never looks at a list of verbs: it asks the storage which `rest.*` interfaces it
implements (Getter, Lister, Creater, NamedCreater, Updater, Patcher, Deleter, GracefulDeleter,
CollectionDeleter, Watcher, Redirector, Connecter, GetterWithOptions, ...). In Go these are type
assertions; here a storage lists them in its `capabilities` set. The kind comes from the Go type
of `storage.New()` through api.Scheme (`scheme.py`: every register.go of the sources replayed, types
named by package path, `pkg/api.Pod`), the scope (namespaced or cluster) from the group's RESTMapper,
and every object a route documents is created through the scheme first, so a kind a group version
does not register stops the resource with the Go's error. Query parameters come from the fields of
the versioned options types (`gotypes.py`).

Still simplified: the handlers are the models' (resthandler.py), not proven here; the proxy routes
answer that the model proxies nothing. `walkthrough parity --live --model apiinstaller` proves the
routes, install errors and discovery documents against the Go on generated storages, and
`h-apiinstaller-master.json` every group version a default master installs.

Run `python -m walkthrough.reimpl.kubernetes.apiinstaller` to see the routes for a pods storage.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from walkthrough.reimpl import _gofmt as gofmt
from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes import gotypes, registry, scheme
from walkthrough.reimpl.kubernetes import resthandler as rh
from walkthrough.reimpl.kubernetes.apierrors import StatusError, new_bad_request, new_internal_error
from walkthrough.reimpl.kubernetes.restful import (
    Container,
    Parameter,
    Request,
    Response,
    RouteBuilder,
    WebService,
)
from walkthrough.reimpl.kubernetes.resthandler import GroupVersionKind, RequestScope

if TYPE_CHECKING:
    from collections.abc import Callable

# The media types api.Codecs offers with the json, yaml and protobuf serializers installed;
# True where a stream serializer exists (those get a ';stream=watch' variant).
DEFAULT_SERIALIZERS: tuple[tuple[str, bool], ...] = (
    ("application/json", True), ("application/yaml", False), ("application/vnd.kubernetes.protobuf", True))

INTERNAL_VERSION = scheme.INTERNAL


def go_path_join(*elements: str) -> str:
    """Go's `path.Join`: the non-empty elements joined by slashes, then cleaned (a trailing slash goes)."""
    joined = "/".join(e for e in elements if e)
    return posixpath.normpath(joined) if joined else ""


class InstallError(Exception):
    """One resource that could not be registered; InstallREST collects these and carries on."""


# --- scheme and RESTMapper -------------------------------------------------------------------------


@mirrors("kubernetes:pkg/api/unversioned.GroupVersion")
@dataclass(frozen=True)
class GroupVersion:
    group: str
    version: str

    def __str__(self) -> str:
        """`GroupVersion.String()`: just the version for the legacy group."""
        return f"{self.group}/{self.version}" if self.group else self.version

    def with_kind(self, kind: str) -> GroupVersionKind:
        return GroupVersionKind(self.group, self.version, kind)


@mirrors("kubernetes:pkg/api/unversioned.GroupVersionKind.String")
def gvk_string(gvk: GroupVersionKind) -> str:
    """`GroupVersionKind.String()`, as Go prints it in error messages."""
    return f"{gvk.group}/{gvk.version}, Kind={gvk.kind}"


def _gvk(gvk: GroupVersionKind) -> scheme.GVK:
    return gvk.group, gvk.version, gvk.kind


@mirrors("kubernetes:pkg/api/meta.RESTScope", "kubernetes:pkg/api/meta.RESTScopeNamespace",
         "kubernetes:pkg/api/meta.RESTScopeRoot")
@dataclass(frozen=True)
class RESTScope:
    """Namespaced resources live under `namespaces/{namespace}/`; root ones do not."""

    name: str  # "namespace" or "root"
    param_name: str = ""
    argument_name: str = ""
    param_description: str = ""


RESTScopeNamespace = RESTScope("namespace", "namespaces", "namespace",
                               "object name and auth scope, such as for teams and projects")
RESTScopeRoot = RESTScope("root")


# --- namers ----------------------------------------------------------------------------------------


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    return obj.get("metadata") or {}


@mirrors("kubernetes:pkg/apiserver.rootScopeNaming")
@dataclass
class RootScopeNaming:
    """Cluster-scoped: the namespace is always empty, the name comes from the path.

    Faithful to v1.5.2: `pathPrefix` is built with `path.Join(prefix, resourcePath, "/")`, which
    drops the trailing slash, so self links read `/api/v1/nodesn1` (fixed upstream in v1.6).
    """

    path_prefix: str
    path_suffix: str = ""

    @mirrors("kubernetes:pkg/apiserver.rootScopeNaming.Namespace")
    def namespace(self, req: Request) -> str:
        return ""

    @mirrors("kubernetes:pkg/apiserver.rootScopeNaming.Name")
    def name(self, req: Request) -> tuple[str, str]:
        name = req.path_parameter("name")
        if not name:
            raise err_empty_name()
        return "", name

    def object_name(self, obj: dict[str, Any]) -> tuple[str, str]:
        name = _meta(obj).get("name", "")
        if not name:
            raise err_empty_name()
        return "", name

    def generate_link(self, req: Request, obj: dict[str, Any]) -> str:
        _, name = self.object_name(obj)
        return self.path_prefix + quote_plus(name, safe="") + self.path_suffix

    def generate_list_link(self, req: Request) -> str:
        return req.escaped_path()


@mirrors("kubernetes:pkg/apiserver.scopeNaming")
@dataclass
class ScopeNaming:
    """Namespaced: namespace from the `{namespace}` path parameter (empty for all-namespace routes)."""

    item_path_prefix: str
    item_path_middle: str = ""
    item_path_suffix: str = ""
    all_namespaces: bool = False
    argument_name: str = "namespace"

    @mirrors("kubernetes:pkg/apiserver.scopeNaming.Namespace")
    def namespace(self, req: Request) -> str:
        if self.all_namespaces:
            return ""
        namespace = req.path_parameter(self.argument_name)
        if not namespace:
            raise new_internal_error("no namespace parameter found on request")
        return namespace

    @mirrors("kubernetes:pkg/apiserver.scopeNaming.Name")
    def name(self, req: Request) -> tuple[str, str]:
        try:
            namespace = self.namespace(req)
        except StatusError:
            namespace = ""
        name = req.path_parameter("name")
        if not name:
            raise err_empty_name()
        return namespace, name

    def object_name(self, obj: dict[str, Any]) -> tuple[str, str]:
        return _meta(obj).get("namespace", ""), _meta(obj).get("name", "")

    @mirrors("kubernetes:pkg/apiserver.scopeNaming.GenerateLink")
    def generate_link(self, req: Request, obj: dict[str, Any]) -> str:
        namespace, name = self.object_name(obj)
        if not namespace and not name:
            namespace, name = self.name(req)
        if not name:
            raise err_empty_name()
        return (self.item_path_prefix + quote_plus(namespace, safe="") + self.item_path_middle
                + quote_plus(name, safe="") + self.item_path_suffix)

    def generate_list_link(self, req: Request) -> str:
        return req.escaped_path()


@mirrors("kubernetes:pkg/apiserver.errEmptyName")
def err_empty_name() -> StatusError:
    return new_bad_request("name must be provided")


# --- the installer ---------------------------------------------------------------------------------


@mirrors("kubernetes:pkg/apiserver.action")
@dataclass
class Action:
    """One route to create: verb, sub-path, path parameters, namer, and whether it spans namespaces."""

    verb: str
    path: str
    params: list[Parameter]
    namer: Any
    all_namespaces: bool = False


@mirrors("kubernetes:pkg/apiserver.appendIf")
def append_if(actions: list[Action], action: Action, should_append: bool) -> None:
    if should_append:
        actions.append(action)


@mirrors("kubernetes:pkg/apiserver.splitSubresource")
def split_subresource(path: str) -> tuple[str, str]:
    """'pods' -> ('pods', ''); 'pods/status' -> ('pods', 'status'); deeper paths are refused."""
    parts = path.split("/")
    if len(parts) == 2:
        return parts[0], parts[1]
    if len(parts) == 1:
        return parts[0], ""
    raise InstallError("api_installer allows only one or two segment paths (resource or resource/subresource)")


def go_title(text: str) -> str:
    """Go's `strings.Title`: upper-case every letter that follows a separator."""
    out, previous = [], " "
    for char in text:
        separator = not (previous.isalnum() or previous == "_")
        out.append(char.upper() if separator else char)
        previous = char
    return "".join(out)


@mirrors("kubernetes:pkg/util/strings.GetArticleForNoun")
def get_article_for_noun(noun: str, padding: str) -> str:
    """Plurals get no article ('create Endpoints'), vowels get 'an'."""
    if noun[-2:] != "ss" and noun[-1:] == "s":
        return padding
    article = "an" if noun[:1].lower() in "aeiou" else "a"
    return f"{padding}{article}{padding}"


@mirrors("kubernetes:pkg/apiserver.typeToJSON")
def type_to_json(type_name: str) -> str:
    if type_name in ("bool", "*bool"):
        return "boolean"
    if type_name in ("uint8", "*uint8", "int", "*int", "int32", "*int32", "int64", "*int64", "uint32", "*uint32",
                     "uint64", "*uint64"):
        return "integer"
    if type_name in ("float64", "*float64", "float32", "*float32"):
        return "number"
    if type_name in ("unversioned.Time", "*unversioned.Time", "byte", "*byte", "[]string", "[]*string"):
        return "string"
    return type_name


@mirrors("kubernetes:pkg/apiserver.addObjectParams")
def add_object_params(route: RouteBuilder, options_type: str) -> None:
    """Each top-level field of the options struct with a JSON name becomes an optional query parameter.

    Struct and interface fields are skipped (TypeMeta, Preconditions), and so are pointers to them,
    except `*unversioned.Time` (the `sinceTime` of PodLogOptions).
    """
    if gotypes.kind(options_type) != "struct":
        return
    for field_ in gotypes.struct_fields(options_type):
        field_kind = gotypes.kind(field_.type)
        if field_kind in ("interface", "struct"):
            continue
        if field_kind == "ptr" and gotypes.kind(gotypes.elem(field_.type)) in ("interface", "struct") \
                and gotypes.type_string(field_.type).removeprefix("*") != "unversioned.Time":
            continue
        json_name = field_.json.split(",", 1)[0]
        if not json_name:
            continue
        route.Param(WebService.QueryParameter(json_name, "").DataType(type_to_json(gotypes.type_string(field_.type))))


@mirrors("kubernetes:pkg/apiserver.addParams")
def add_params(route: RouteBuilder, params: list[Parameter]) -> None:
    for param in params:
        route.Param(param)


@mirrors("kubernetes:pkg/apiserver.mediaTypesForSerializer")
def media_types_for_serializer(serializers: tuple[tuple[str, bool], ...]) -> tuple[list[str], list[str]]:
    media = [m for m, _ in serializers]
    stream = [f"{m};stream=watch" for m, has_stream in serializers if has_stream]
    return media, stream


@mirrors("kubernetes:pkg/apiserver.indirectArbitraryPointer")
def versioned_type(type_id: str) -> str:
    """The Go type name a route documents for an object of this type (`v1.Pod`): what reflect prints."""
    return scheme.type_string(type_id)


@mirrors("kubernetes:pkg/apiserver.APIGroupVersion")
@dataclass
class APIGroupVersion:
    """One group version to install: its storage map, root ('/api' or '/apis') and settings."""

    storage: dict[str, Any]
    root: str
    group_version: GroupVersion
    options_external_version: GroupVersion | None = None
    admit: rh.AdmissionInterface | None = None
    min_request_timeout: float = 1800.0
    subresource_group_version_kind: dict[str, GroupVersionKind] = field(default_factory=dict)
    serializers: tuple[tuple[str, bool], ...] = DEFAULT_SERIALIZERS
    context_fn: Callable[[Request], dict[str, Any]] = lambda req: dict(req.context)
    typer: scheme.Scheme = field(default_factory=lambda: scheme.API_SCHEME)
    """Typer and Creater: api.Scheme."""
    mapper: scheme.RESTMapper | None = None
    """The group's RESTMapper (registered.GroupOrDie(group).RESTMapper when None)."""

    def rest_mapper(self) -> scheme.RESTMapper:
        return self.mapper or scheme.group(self.group_version.group).rest_mapper

    @mirrors("kubernetes:pkg/apiserver.APIGroupVersion.InstallREST")
    def install_rest(self, container: Container) -> list[str]:
        """Returns the registration errors (installation carries on past them); see `aggregate`."""
        installer = self.new_installer()
        ws = installer.new_web_service()
        api_resources, errors = installer.install(ws)
        add_supported_resources_web_service(self.serializers, ws, self.group_version, api_resources)
        container.add(ws)
        return errors

    @mirrors("kubernetes:pkg/apiserver.APIGroupVersion.newInstaller")
    def new_installer(self) -> APIInstaller:
        """The prefix is path.Join(root, group, version): '/api/v1' or '/apis/<group>/<version>'."""
        prefix = posixpath.normpath(posixpath.join(self.root, self.group_version.group, self.group_version.version))
        return APIInstaller(self, prefix, self.min_request_timeout)


@mirrors("kubernetes:pkg/util/errors.aggregate.Error")
def aggregate(errors: list[str]) -> str | None:
    """`utilerrors.NewAggregate(...).Error()`: nil when empty, the message alone, or '[a, b]'."""
    if not errors:
        return None
    return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"


@mirrors("kubernetes:pkg/apiserver.APIInstaller")
@dataclass
class APIInstaller:
    group: APIGroupVersion
    prefix: str
    min_request_timeout: float

    @mirrors("kubernetes:pkg/apiserver.APIInstaller.Install")
    def install(self, ws: WebService) -> tuple[list[dict[str, Any]], list[str]]:
        """Storage paths in sorted order; a failing path is reported and skipped."""
        api_resources, errors = [], []
        for path in sorted(self.group.storage):
            try:
                api_resources.append(self.register_resource_handlers(path, self.group.storage[path], ws))
            except (InstallError, StatusError, scheme.NotRegisteredError, scheme.NoKindMatchError) as exc:
                errors.append(f"error in registering resource: {path}, {exc}")
        return api_resources, errors

    @mirrors("kubernetes:pkg/apiserver.APIInstaller.NewWebService")
    def new_web_service(self) -> WebService:
        ws = WebService().Path(self.prefix).Doc("API at " + self.prefix)
        # v1 accepted objects with an empty content type; '*/*' keeps that working
        ws.Consumes("*/*")
        media, stream = media_types_for_serializer(self.group.serializers)
        ws.Produces(*media, *stream)
        ws.ApiVersion(str(self.group.group_version))
        return ws

    @mirrors("kubernetes:pkg/apiserver.APIInstaller.getResourceKind")
    def get_resource_kind(self, path: str, storage: Any) -> GroupVersionKind:
        """An explicit subresource override wins; else the kind storage.New() has in this group.

        The scheme may know the type in several groups (`batch.Job` is also `extensions/__internal`):
        the first kind in this group wins; a type registered in none of them is refused.
        """
        if path in self.group.subresource_group_version_kind:
            return self.group.subresource_group_version_kind[path]
        fq_kinds, _ = self.group.typer.object_kinds(storage.go_type)
        gv = self.group.group_version
        found: GroupVersionKind | None = None
        for group, _, kind in fq_kinds:
            if group == gv.group:
                found = gv.with_kind(kind)
                break
            # the Go keeps this special case "doing what it was doing before"
            if group == "extensions" and kind == "ThirdPartyResourceData":
                found = gv.with_kind(kind)
        if found is None or not (found.group or found.version or found.kind):
            raise InstallError(gofmt.sprintf(
                "unable to locate fully qualified kind for %v: found %v when registering for %v",
                "*" + scheme.type_string(storage.go_type), [gofmt.group_version_kind(*k) for k in fq_kinds],
                gofmt.group_version(gv.group, gv.version)))
        return found

    @mirrors("kubernetes:pkg/apiserver.APIInstaller.restMapping")
    def rest_mapping(self, resource: str) -> str:
        """The scope of the resource's kind in the group's RESTMapper; subresources follow their parent's."""
        storage = self.group.storage.get(resource)
        if storage is None:
            raise InstallError(f"unable to locate the storage object for resource: {resource}")
        try:
            fq_kind = self.get_resource_kind(resource, storage)
        except (InstallError, scheme.NotRegisteredError) as exc:
            raise InstallError(f"unable to locate fully qualified kind for mapper resource {resource}: {exc}") from None
        _, scope = self.group.rest_mapper().rest_mapping(fq_kind.group, fq_kind.kind, fq_kind.version)
        return scope

    @mirrors("kubernetes:pkg/apiserver.APIInstaller.registerResourceHandlers")
    def register_resource_handlers(self, path: str, storage: Any, ws: WebService) -> dict[str, Any]:
        """Kinds from the scheme, capabilities + scope -> actions -> routes. Returns the APIResource for discovery.

        Every object the routes document is created through the scheme first, in the Go's order, so
        a kind the group version does not register stops the resource with the Go's error.
        """
        options_version = self.group.options_external_version or self.group.group_version
        gv = self.group.group_version
        creater = self.group.typer
        resource, subresource = split_subresource(path)
        scope_name = self.rest_mapping(resource)
        fq_kind = self.get_resource_kind(path, storage)
        default_versioned_object = versioned_type(creater.new(_gvk(fq_kind)))
        kind = fq_kind.kind
        has_subresource = bool(subresource)

        caps = set(storage.capabilities)
        is_creater = "Creater" in caps
        is_named_creater = "NamedCreater" in caps
        is_lister = "Lister" in caps
        is_getter = "Getter" in caps
        is_getter_with_options = "GetterWithOptions" in caps
        is_deleter = "Deleter" in caps
        is_graceful_deleter = "GracefulDeleter" in caps
        is_collection_deleter = "CollectionDeleter" in caps
        is_updater = "Updater" in caps
        is_patcher = "Patcher" in caps or (is_getter and is_updater)  # rest.Patcher is Getter + Updater
        is_watcher = "Watcher" in caps
        is_redirector = "Redirector" in caps
        is_connecter = "Connecter" in caps
        is_exporter = "Exporter" in caps
        is_metadata = "StorageMetadata" in caps

        export_options = creater.new((options_version.group, options_version.version, "ExportOptions"))
        if is_named_creater:
            is_creater = True
        versioned_list = ""
        if is_lister:
            list_kinds, _ = creater.object_kinds(storage.list_go_type)
            versioned_list = versioned_type(creater.new((gv.group, gv.version, list_kinds[0][2])))
        list_options = creater.new((options_version.group, options_version.version, "ListOptions"))
        delete_options = ""
        if is_graceful_deleter:
            delete_options = creater.new((options_version.group, options_version.version, "DeleteOptions"))
            is_deleter = True
        versioned_status = versioned_type(creater.new((options_version.group, options_version.version, "Status")))
        get_options, get_subpath = "", False
        if is_getter_with_options:
            get_options_type, get_subpath, _ = storage.new_get_options()
            internal_kinds, _ = creater.object_kinds(get_options_type)
            get_options = creater.new((options_version.group, options_version.version, internal_kinds[0][2]))
            is_getter = True
        versioned_watch_event = ""
        if is_watcher:
            versioned_watch_event = versioned_type(creater.new((gv.group, gv.version, "WatchEvent")))
        connect_options, connect_subpath = "", False
        if is_connecter:
            connect_options_type, connect_subpath, _ = storage.new_connect_options()
            if connect_options_type:
                internal_kinds, _ = creater.object_kinds(connect_options_type)
                connect_options = creater.new((options_version.group, options_version.version, internal_kinds[0][2]))

        allow_watch_list = is_watcher and is_lister  # watching lists needs both
        name_param = WebService.PathParameter("name", "name of the " + kind).DataType("string")
        path_param = WebService.PathParameter("path", "path to the resource").DataType("string")
        params: list[Parameter] = []
        actions: list[Action] = []
        resource_kind = storage.Kind() if "KindProvider" in caps else kind
        api_resource: dict[str, Any] = {"name": path, "namespaced": False, "kind": resource_kind}

        scope = RESTScopeRoot if scope_name == "root" else RESTScopeNamespace
        if scope.name == "root":
            resource_path, resource_params = resource, params
            item_path = resource_path + "/{name}"
            name_params = [*params, name_param]
            proxy_params = [*name_params, path_param]
            suffix = ""
            if has_subresource:
                suffix = "/" + subresource
                item_path += suffix
                resource_path, resource_params = item_path, name_params
            # path.Join drops the trailing "/" (the v1.5.2 self-link quirk, see RootScopeNaming)
            namer: Any = RootScopeNaming(go_path_join(self.prefix, resource_path, "/"), suffix)
            self._standard_actions(actions, resource_path, resource_params, item_path, name_params, proxy_params,
                                   namer, is_lister, is_creater, is_collection_deleter, allow_watch_list, is_getter,
                                   get_subpath, is_updater, is_patcher, is_deleter, is_watcher, is_redirector,
                                   is_connecter, connect_subpath)
        else:
            namespace_param = WebService.PathParameter(scope.argument_name, scope.param_description).DataType("string")
            namespaced_path = f"{scope.param_name}/{{{scope.argument_name}}}/{resource}"
            namespace_params = [namespace_param]
            resource_path, resource_params = namespaced_path, namespace_params
            item_path_prefix = posixpath.join(self.prefix, scope.param_name) + "/"
            item_path = namespaced_path + "/{name}"
            name_params = [*namespace_params, name_param]
            proxy_params = [*name_params, path_param]
            item_path_suffix = ""
            if has_subresource:
                item_path_suffix = "/" + subresource
                item_path += item_path_suffix
                resource_path, resource_params = item_path, name_params
            api_resource["namespaced"] = True
            namer = ScopeNaming(item_path_prefix, "/" + resource + "/", item_path_suffix, False, scope.argument_name)
            self._standard_actions(actions, resource_path, resource_params, item_path, name_params, proxy_params,
                                   namer, is_lister, is_creater, is_collection_deleter, allow_watch_list, is_getter,
                                   get_subpath, is_updater, is_patcher, is_deleter, is_watcher, is_redirector,
                                   is_connecter, connect_subpath)
            if not has_subresource:
                # list and watch across all namespaces, at /<resource> and /watch/<resource>
                all_namer = ScopeNaming(item_path_prefix, "/" + resource + "/", item_path_suffix, True,
                                        scope.argument_name)
                append_if(actions, Action("LIST", resource, params, all_namer, True), is_lister)
                append_if(actions, Action("WATCHLIST", "watch/" + resource, params, all_namer, True), allow_watch_list)

        media, stream = media_types_for_serializer(self.group.serializers)
        all_media = media + stream
        ws.Produces(*all_media)
        gv = self.group.group_version
        for act in actions:
            versioned_object = default_versioned_object
            produced = storage.produces_object(act.verb) if is_metadata else None
            if produced is not None:  # a Go string sample ("") documents as `string`
                versioned_object = "string" if produced == "string" else versioned_type(produced)
            produces = storage.produces_mime_types(act.verb) if is_metadata else []
            req_scope = RequestScope(act.namer, fq_kind, resource, subresource, gv.group, self.group.context_fn)
            namespaced = "Namespaced" if api_resource["namespaced"] else ""
            operation_suffix = ""
            if act.path.endswith("/{path:*}"):
                operation_suffix += "WithPath"
            if act.all_namespaces:
                operation_suffix += "ForAllNamespaces"
                namespaced = ""
            title = go_title(subresource)
            pretty = WebService.QueryParameter("pretty", "If 'true', then the output is pretty printed.")
            article = get_article_for_noun(kind, " ")
            admit = self.group.admit

            if act.verb == "GET":
                handler = (rh.get_resource_with_options(storage, req_scope) if is_getter_with_options
                           else rh.get_resource(storage, storage if is_exporter else None, req_scope))
                doc = f"read {subresource} of the specified {kind}" if has_subresource else f"read the specified {kind}"
                route = ws.GET(act.path).To(handler).Doc(doc).Param(pretty) \
                    .Operation("read" + namespaced + kind + title + operation_suffix) \
                    .Produces(*produces, *media).Writes(versioned_object)
                if is_getter_with_options:
                    add_object_params(route, get_options)
                if is_exporter:
                    add_object_params(route, export_options)
            elif act.verb == "LIST":
                doc = (f"list {subresource} of objects of kind {kind}" if has_subresource
                       else f"list objects of kind {kind}")
                if is_lister and is_watcher:
                    doc = (f"list or watch {subresource} of objects of kind {kind}" if has_subresource
                           else f"list or watch objects of kind {kind}")
                elif is_watcher:
                    doc = (f"watch {subresource}of objects of kind {kind}" if has_subresource
                           else f"watch objects of kind {kind}")
                handler = rh.list_resource(storage, storage if is_watcher else None, req_scope, False,
                                          self.min_request_timeout)
                route = ws.GET(act.path).To(handler).Doc(doc).Param(pretty) \
                    .Operation("list" + namespaced + kind + title + operation_suffix) \
                    .Produces(*produces, *all_media).Writes(versioned_list)
                add_object_params(route, list_options)
            elif act.verb == "PUT":
                doc = (f"replace {subresource} of the specified {kind}" if has_subresource
                       else f"replace the specified {kind}")
                route = ws.PUT(act.path).To(rh.update_resource(storage, req_scope, admit)).Doc(doc).Param(pretty) \
                    .Operation("replace" + namespaced + kind + title + operation_suffix) \
                    .Produces(*produces, *media).Reads(versioned_object).Writes(versioned_object)
            elif act.verb == "PATCH":
                doc = (f"partially update {subresource} of the specified {kind}" if has_subresource
                       else f"partially update the specified {kind}")
                route = ws.PATCH(act.path).To(rh.patch_resource(storage, req_scope, admit)).Doc(doc).Param(pretty) \
                    .Consumes(rh.JSON_PATCH, rh.MERGE_PATCH, rh.STRATEGIC_MERGE_PATCH) \
                    .Operation("patch" + namespaced + kind + title + operation_suffix) \
                    .Produces(*produces, *media).Reads("unversioned.Patch").Writes(versioned_object)
            elif act.verb == "POST":
                handler = (rh.create_named_resource(storage, req_scope, admit) if is_named_creater
                           else rh.create_resource(storage, req_scope, admit))
                doc = f"create {subresource} of{article}{kind}" if has_subresource else f"create{article}{kind}"
                route = ws.POST(act.path).To(handler).Doc(doc).Param(pretty) \
                    .Operation("create" + namespaced + kind + title + operation_suffix) \
                    .Produces(*produces, *media).Reads(versioned_object).Writes(versioned_object)
            elif act.verb == "DELETE":
                doc = f"delete {subresource} of{article}{kind}" if has_subresource else f"delete{article}{kind}"
                handler = rh.delete_resource(storage, is_graceful_deleter, req_scope, admit)
                route = ws.DELETE(act.path).To(handler).Doc(doc).Param(pretty) \
                    .Operation("delete" + namespaced + kind + title + operation_suffix) \
                    .Produces(*produces, *media).Writes(versioned_status)
                if is_graceful_deleter:
                    route.Reads(versioned_type(delete_options))
                    add_object_params(route, delete_options)
            elif act.verb == "DELETECOLLECTION":
                doc = (f"delete collection of {subresource} of a {kind}" if has_subresource
                       else f"delete collection of {kind}")
                handler = rh.delete_collection(storage, is_collection_deleter, req_scope, admit)
                route = ws.DELETE(act.path).To(handler).Doc(doc).Param(pretty) \
                    .Operation("deletecollection" + namespaced + kind + title + operation_suffix) \
                    .Produces(*produces, *media).Writes(versioned_status)
                add_object_params(route, list_options)
            elif act.verb in ("WATCH", "WATCHLIST"):
                if act.verb == "WATCH":
                    doc = (f"watch changes to {subresource} of an object of kind {kind}" if has_subresource
                           else f"watch changes to an object of kind {kind}")
                    operation = "watch" + namespaced + kind + title + operation_suffix
                else:
                    doc = (f"watch individual changes to a list of {subresource} of {kind}" if has_subresource
                           else f"watch individual changes to a list of {kind}")
                    operation = "watch" + namespaced + kind + title + "List" + operation_suffix
                handler = rh.list_resource(storage, storage, req_scope, True, self.min_request_timeout)
                route = ws.GET(act.path).To(handler).Doc(doc).Param(pretty).Operation(operation) \
                    .Produces(*all_media).Writes(versioned_watch_event)
                add_object_params(route, list_options)
            elif act.verb == "PROXY":
                for method in ("GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS"):
                    add_proxy_route(ws, method, act.path, namespaced, kind, subresource, has_subresource,
                                    act.params, operation_suffix)
                continue
            elif act.verb == "CONNECT":
                for method in storage.connect_methods():
                    doc = (f"connect {method} requests to {subresource} of {kind}" if has_subresource
                           else f"connect {method} requests to {kind}")
                    route = ws.Method(method).Path(act.path).To(connect_resource(storage, req_scope, admit, path)) \
                        .Doc(doc).Operation("connect" + go_title(method.lower()) + namespaced + kind + title
                                            + operation_suffix) \
                        .Produces("*/*").Consumes("*/*").Writes("string")
                    if connect_options:
                        add_object_params(route, connect_options)
                    add_params(route, act.params)
                    ws.Route(route)
                continue
            else:
                raise InstallError(f"unrecognized action verb: {act.verb}")
            add_params(route, act.params)
            ws.Route(route)
        return api_resource

    @staticmethod
    def _standard_actions(actions: list[Action], resource_path: str, resource_params: list[Parameter],
                          item_path: str, name_params: list[Parameter], proxy_params: list[Parameter], namer: Any,
                          is_lister: bool, is_creater: bool, is_collection_deleter: bool, allow_watch_list: bool,
                          is_getter: bool, get_subpath: bool, is_updater: bool, is_patcher: bool,
                          is_deleter: bool, is_watcher: bool, is_redirector: bool, is_connecter: bool,
                          connect_subpath: bool) -> None:
        """The action table, identical for both scopes (the Go writes it out twice)."""
        append_if(actions, Action("LIST", resource_path, resource_params, namer), is_lister)
        append_if(actions, Action("POST", resource_path, resource_params, namer), is_creater)
        append_if(actions, Action("DELETECOLLECTION", resource_path, resource_params, namer), is_collection_deleter)
        append_if(actions, Action("WATCHLIST", "watch/" + resource_path, resource_params, namer), allow_watch_list)
        append_if(actions, Action("GET", item_path, name_params, namer), is_getter)
        if get_subpath:
            append_if(actions, Action("GET", item_path + "/{path:*}", proxy_params, namer), is_getter)
        append_if(actions, Action("PUT", item_path, name_params, namer), is_updater)
        append_if(actions, Action("PATCH", item_path, name_params, namer), is_patcher)
        append_if(actions, Action("DELETE", item_path, name_params, namer), is_deleter)
        append_if(actions, Action("WATCH", "watch/" + item_path, name_params, namer), is_watcher)
        append_if(actions, Action("PROXY", "proxy/" + item_path + "/{path:*}", proxy_params, namer), is_redirector)
        append_if(actions, Action("PROXY", "proxy/" + item_path, name_params, namer), is_redirector)
        append_if(actions, Action("CONNECT", item_path, name_params, namer), is_connecter)
        append_if(actions, Action("CONNECT", item_path + "/{path:*}", proxy_params, namer),
                  is_connecter and connect_subpath)


@mirrors("kubernetes:pkg/apiserver.addProxyRoute")
def add_proxy_route(ws: WebService, method: str, path: str, namespaced: str, kind: str, subresource: str,
                    has_subresource: bool, params: list[Parameter], operation_suffix: str) -> None:
    doc = (f"proxy {method} requests to {subresource} of {kind}" if has_subresource
           else f"proxy {method} requests to {kind}")
    route = ws.Method(method).Path(path).To(proxy_handler).Doc(doc) \
        .Operation("proxy" + go_title(method) + namespaced + kind + go_title(subresource) + operation_suffix) \
        .Produces("*/*").Consumes("*/*").Writes("string")
    add_params(route, params)
    ws.Route(route)


@mirrors("kubernetes:pkg/apiserver.ProxyHandler.ServeHTTP")
def proxy_handler(req: Request, res: Response) -> None:
    """The model has no backends to proxy to: it answers as the Go does when no location resolves."""
    rh.error_negotiated(new_bad_request(f"proxying is not supported by this model: {req.path}"), res, req)


proxy_handler.go_handler = "ProxyHandler"  # type: ignore[attr-defined]


@mirrors("kubernetes:pkg/apiserver.ConnectResource")
def connect_resource(storage: Any, scope: RequestScope, admit: rh.AdmissionInterface | None,
                     rest_path: str) -> Callable[[Request, Response], None]:
    """Name from the path, options from the query, admission with operation CONNECT, then the storage's handler."""

    def handle(req: Request, res: Response) -> None:
        try:
            namespace, name = scope.namer.name(req)
            ctx = scope.context_fn(req)
            ctx["namespace"] = namespace
            options = {k: v[0] for k, v in req.query().items()}
            if admit is not None and admit.handles(rh.CONNECT):
                admit.admit(rh.AttributesRecord(options, None, scope.kind, namespace, name, scope.resource,
                                                scope.subresource, rh.CONNECT, ctx.get("user")))
            storage.connect(ctx, name, options)(req, res)
        except StatusError as err:
            scope.err(err, res, req)

    handle.go_handler = "ConnectResource"  # type: ignore[attr-defined]
    return handle


@mirrors("kubernetes:pkg/apiserver.AddSupportedResourcesWebService")
def add_supported_resources_web_service(serializers: tuple[tuple[str, bool], ...], ws: WebService,
                                        group_version: GroupVersion, api_resources: list[dict[str, Any]]) -> None:
    """`GET <prefix>/` answers the APIResourceList of what registered."""
    media, _ = media_types_for_serializer(serializers)

    def handler(req: Request, res: Response) -> None:
        rh.write_negotiated(res, req, 200, api_resource_list(group_version, api_resources))

    ws.Route(ws.GET("/").To(handler).Doc("get available resources").Operation("getAPIResources")
             .Produces(*media).Consumes(*media).Writes("unversioned.APIResourceList"))


@mirrors("kubernetes:pkg/apiserver.SupportedResourcesHandler", "kubernetes:pkg/apiserver.keepUnversioned")
def api_resource_list(group_version: GroupVersion, api_resources: list[dict[str, Any]]) -> dict[str, Any]:
    """The legacy and extensions groups strip apiVersion from discovery documents; others say 'v1'."""
    body: dict[str, Any] = {"kind": "APIResourceList"}
    if group_version.group not in ("", "extensions"):
        body["apiVersion"] = "v1"
    body["groupVersion"] = str(group_version)
    body["resources"] = [dict(r) for r in api_resources] or None  # a nil slice when nothing registered
    return body


def route_table(ws: WebService) -> list[dict[str, Any]]:
    """The routes of a web service as plain data (what the golden vectors record)."""
    return [{"method": r.method, "path": r.path, "operation": r.operation, "doc": r.doc,
             "consumes": r.consumes, "produces": r.produces,
             "params": [{"name": p.name, "kind": p.kind, "data_type": p.data_type, "required": p.required}
                        for p in r.parameter_docs] or None}
            for r in ws.routes]


def _demo() -> None:
    pods = registry.Store("Pod", "pods")
    nodes = registry.Store("Node", "nodes", namespaced=False)
    group = APIGroupVersion({"pods": pods, "nodes": nodes}, "/api", GroupVersion("", "v1"))
    container = Container()
    errors = group.install_rest(container)
    ws = container.registered_web_services()[0]
    print(f"web service {ws.root_path} (errors: {aggregate(errors)}):")
    for route in route_table(ws):
        print(f"  {route['method']:6} {route['path']:55} {route['operation']}")
    response = container.serve_http(Request.new("GET", "/api/v1"))
    print("\nGET /api/v1 ->", response.status, json.dumps(json.loads(response.body)))


if __name__ == "__main__":
    _demo()
