"""Parity runner for API-installer vectors (`h-apiinstaller-routes.json`, `h-apiinstaller-master.json`).

Two formats. Live parity's (`{"vectors": [{"inputs": REQUEST, "outputs": ANSWER}]}`, see the
apiinstaller harness): a request describes each storage by the rest interfaces it implements and its
types by package path; `install_request` installs it with the model. `h-apiinstaller-master.json` is
of this format: every group version a default v1.5.2 master installs, its real storages described.
The older format, below, was written by the first recording harness:

Each case lists fake storages by the `rest.*` interfaces they implement, written as the recording
harness described them, e.g. `Getter`, `Patcher(=Getter+Updater)`, `Deleter(non-graceful)`,
`GetterWithOptions(api.PodLogOptions, subpath=false)`,
`Connecter(api.PodProxyOptions, subpath=true, methods=[GET POST])`,
`StorageMetadata(ProducesMIMETypes=[text/plain], ProducesObject="")`, `KindProvider(Kind()="X")`;
and `new_object` as the Go type `New()` returns (`api.Pod (list api.PodList)`, with an optional
`SubresourceGroupVersionKind override group/version Kind`). The runner installs them with the
model's `InstallREST` and compares routes, the aggregate install error and the discovery document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from walkthrough.errors import InputError
from walkthrough.parity import Outcome, guarded
from walkthrough.reimpl.kubernetes.apiinstaller import APIGroupVersion, GroupVersion, aggregate, route_table
from walkthrough.reimpl.kubernetes.restful import Container, Request
from walkthrough.reimpl.kubernetes.resthandler import GroupVersionKind

# The harness's action column: derived from the operation-name prefix (see the file's meta).
ACTION_PREFIXES = (("deletecollection", "DELETECOLLECTION"), ("getAPIResources", "DISCOVERY"),
                   ("read", "GET"), ("list", "LIST"), ("create", "POST"), ("replace", "PUT"),
                   ("patch", "PATCH"), ("delete", "DELETE"), ("proxy", "PROXY"), ("connect", "CONNECT"))

# The Go type the harness used for a storage whose New() returns an unregistered type.
UNREGISTERED_GO_TYPE = "main.unregistered"


def type_id(go_type: str) -> str:
    """A type as the recording harness printed it (`api.Pod`, `autoscaling.Scale`) -> `pkg/api.Pod`."""
    package, _, name = go_type.partition(".")
    if package == "main":
        return go_type
    return f"pkg/api.{name}" if package == "api" else f"pkg/apis/{package}.{name}"


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `h-apiinstaller*.json`, or whose meta names InstallREST."""
    if file_name.startswith("h-apiinstaller"):
        return True
    return "InstallREST" in str(meta.get("functions", ""))


def action_from_operation(operation: str) -> str:
    """The RBAC action Go's installer derives from an operation id."""
    if operation.startswith("watch"):
        return "WATCHLIST" if "List" in operation else "WATCH"
    for prefix, action in ACTION_PREFIXES:
        if operation.startswith(prefix):
            return action
    return ""


@dataclass
class FakeStorage:
    """A storage that only declares interfaces, like the harness's fakes; never called by the runner."""

    go_type: str
    list_go_type: str = ""
    capabilities: set[str] = field(default_factory=set)
    get_options: tuple[str, bool, str] = ("", False, "")
    connect_options: tuple[str, bool, str] = ("", False, "")
    methods: list[str] = field(default_factory=list)
    mime_types: list[str] = field(default_factory=list)
    produced_object: str | None = None
    kind_name: str = ""

    def new_get_options(self) -> tuple[str, bool, str]:
        """As the Go storage answers: the vector's get options."""
        return self.get_options

    def new_connect_options(self) -> tuple[str, bool, str]:
        """As the Go storage answers: the vector's connect options."""
        return self.connect_options

    def connect_methods(self) -> list[str]:
        """As the Go storage answers: the vector's connect methods."""
        return self.methods

    def produces_mime_types(self, verb: str) -> list[str]:  # noqa: ARG002 - the Go interface's signature
        """As the Go storage answers: the vector's MIME types, whatever the verb."""
        return self.mime_types

    def produces_object(self, verb: str) -> str | None:  # noqa: ARG002 - the Go interface's signature
        """As the Go storage answers: the vector's produced object, whatever the verb."""
        return self.produced_object

    def Kind(self) -> str:  # noqa: N802 - the model calls it by its Go name
        """As the Go storage answers: the vector's kind."""
        return self.kind_name


def _options(text: str) -> tuple[str, bool, list[str]]:
    """`api.PodProxyOptions, subpath=true, methods=[GET POST]` -> (type, subpath, methods)."""
    go_type = text.split(",", maxsplit=1)[0].strip()
    if go_type in ("nil", "<nil>"):
        go_type = ""  # NewConnectOptions returned no options object
    subpath = "subpath=true" in text
    methods = re.search(r"methods=\[([^\]]*)\]", text)
    return go_type, subpath, methods.group(1).split() if methods else []


def parse_storage(spec: dict[str, Any]) -> tuple[FakeStorage, GroupVersionKind | None]:
    """Turn one described storage into a fake, plus its subresource kind override if any."""
    new_object = spec["new_object"]
    go_type = UNREGISTERED_GO_TYPE if new_object.startswith("unregistered") else type_id(new_object.split()[0])
    storage = FakeStorage(go_type)
    listed = re.search(r"\(list ([\w.]+)\)", new_object)
    override = None
    found = re.search(r"override ([\w.-]*/?[\w.-]+) (\w+)", new_object)
    if found:
        group, _, version = found.group(1).rpartition("/")
        override = GroupVersionKind(group, version, found.group(2))
    for capability in spec["capabilities"]:
        name, _, args = capability.partition("(")
        args = args.rstrip(")")
        if name == "Patcher":
            # rest.Patcher embeds Getter and Updater: every patcher is both
            storage.capabilities.update({"Patcher", "Getter", "Updater"})
        elif name == "Deleter":
            storage.capabilities.add("Deleter")
        elif name == "GetterWithOptions":
            go_opts, subpath, _ = _options(args)
            storage.capabilities.add(name)
            storage.get_options = (type_id(go_opts), subpath, "path")
        elif name == "Connecter":
            go_opts, subpath, methods = _options(args)
            storage.capabilities.add(name)
            storage.connect_options = (type_id(go_opts) if go_opts else "", subpath, "path")
            storage.methods = methods
        elif name == "StorageMetadata":
            storage.capabilities.add(name)
            mimes = re.search(r"ProducesMIMETypes=\[([^\]]*)\]", args)
            storage.mime_types = mimes.group(1).split() if mimes else []
            produced = re.search(r'ProducesObject=("[^"]*"|nil|[\w.]+)', args)
            if produced and produced.group(1) != "nil":
                # a Go string sample ("") is typed `string` in the route documentation
                storage.produced_object = "string" if produced.group(1).startswith('"') else type_id(produced.group(1))
        elif name == "KindProvider":
            storage.capabilities.add(name)
            storage.kind_name = re.search(r'"([^"]*)"', args).group(1)  # type: ignore[union-attr]
        else:
            storage.capabilities.add(name)
    if "Lister" in storage.capabilities:
        storage.list_go_type = type_id(listed.group(1)) if listed else go_type + "List"
    return storage, override


def install_case(case: dict[str, Any]) -> dict[str, Any]:
    """Install one case and report what the vector records."""
    group, _, version = case["group_version"].rpartition("/")
    storages, overrides = {}, {}
    for spec in case["storages"]:
        storage, override = parse_storage(spec)
        storages[spec["key"]] = storage
        if override is not None:
            overrides[spec["key"]] = override
    api_group = APIGroupVersion(storages, case["root"], GroupVersion(group, version),
                                options_external_version=GroupVersion("", "v1"),
                                subresource_group_version_kind=overrides)
    container = Container()
    errors = api_group.install_rest(container)
    ws = container.registered_web_services()[0]
    routes = route_table(ws)
    for route in routes:
        route["action_derived_from_operation"] = action_from_operation(route["operation"])
    request_path = case.get("discovery", {}).get("request_path") or ws.root_path
    response = container.serve_http(Request.new("GET", request_path, {"Accept": "application/json"}))
    try:
        body = json.loads(response.body)
    except ValueError:
        body = response.body.decode("utf-8", "replace")
    return {"web_service_root": ws.root_path, "install_error": aggregate(errors), "routes": routes,
            "discovery": {"request_path": request_path, "status": response.status, "body": body}}


class LiveStorage:
    """A storage of a live-parity request: it answers only what the installer asks, as the harness's fake does."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.capabilities = set(spec["interfaces"])
        self.go_type = spec["new"]
        self.list_go_type = spec["list"]

    def new_get_options(self) -> tuple[str, bool, str]:
        """The request's get options type and subpath."""
        return self.spec["get_options"], self.spec["get_subpath"], "path"

    def new_connect_options(self) -> tuple[str, bool, str]:
        """The request's connect options type ("" for none) and subpath."""
        return self.spec["connect_options"], self.spec["connect_subpath"], "path"

    def connect_methods(self) -> list[str]:
        """The request's connect methods."""
        return self.spec["methods"]

    def produces_mime_types(self, verb: str) -> list[str]:  # noqa: ARG002 - the Go interface's signature
        """The request's MIME types, whatever the verb."""
        return self.spec["mime_types"]

    def produces_object(self, verb: str) -> str | None:  # noqa: ARG002 - the Go interface's signature
        """The request's produced object (a type, `string`, or None), whatever the verb."""
        return self.spec["produces_object"]

    def Kind(self) -> str:  # noqa: N802 - the installer calls it by its Go name
        """The request's kind."""
        return self.spec["kind"]


def _group_version(text: str) -> GroupVersion:
    group, _, version = text.rpartition("/")
    return GroupVersion(group, version)


def install_request(request: dict[str, Any]) -> dict[str, Any]:
    """Install a live-parity request with the model: routes, install error and discovery, as the harness answers."""
    overrides = {}
    for key, text in request["overrides"].items():
        gv, _, kind = text.rpartition("/")
        override = _group_version(gv)
        overrides[key] = GroupVersionKind(override.group, override.version, kind)
    options = request["options_external_version"]
    storage = {spec["key"]: LiveStorage(spec) for spec in request["storages"]}
    api_group = APIGroupVersion(storage, request["root"], _group_version(request["group_version"]),
                                options_external_version=_group_version(options) if options is not None else None,
                                subresource_group_version_kind=overrides)
    container = Container()
    errors = api_group.install_rest(container)
    ws = container.registered_web_services()[0]
    response = container.serve_http(Request.new("GET", ws.root_path, {"Accept": "application/json"}))
    try:
        body = json.loads(response.body)
    except ValueError:
        body = response.body.decode("utf-8", "replace")
    return {"web_service_root": ws.root_path, "install_error": aggregate(errors), "routes": route_table(ws),
            "discovery": {"status": response.status, "body": body}}


def run(data: dict[str, Any]) -> list[Outcome]:
    """Check every case (or live vector) of an API-installer vector file."""
    if "vectors" in data:
        return [guarded(f"vectors[{i}] {v['inputs'].get('group_version')}", v["outputs"],
                        lambda v=v: install_request(v["inputs"]), subset=False)
                for i, v in enumerate(data["vectors"])]
    if "cases" not in data:
        raise InputError("an API-installer vector file needs a 'cases' or a 'vectors' list")
    outcomes = []
    for index, case in enumerate(data["cases"]):
        try:
            actual = install_case(case)
        except Exception as exc:  # noqa: BLE001 - a crash of the model is a failed vector, reported
            outcomes.append(Outcome(f"cases[{index}] {case.get('name')}", passed=False, detail=f"model raised {exc!r}"))
            continue
        name = f"cases[{index}] {case.get('name')}"
        outcomes.extend(
            Outcome(f"{name} {key}", case[key] == actual[key], case[key], actual[key])
            for key in ("web_service_root", "install_error", "discovery")
            if key in case
        )
        if "routes" in case:
            expected_routes, got_routes = case["routes"], actual["routes"]
            for r_index, want in enumerate(expected_routes):
                got = got_routes[r_index] if r_index < len(got_routes) else None
                got_view = {k: got.get(k) for k in want} if got else None
                outcomes.append(Outcome(f"{name} routes[{r_index}] {want.get('method')} {want.get('path')}",
                                        want == got_view, want, got_view))
            if len(got_routes) > len(expected_routes):
                extra = got_routes[len(expected_routes):]
                outcomes.append(Outcome(
                    f"{name} extra routes", passed=False, expected=[], actual=extra,
                    detail=f"{len(extra)} routes installed beyond the {len(expected_routes)} expected",
                ))
    return outcomes
