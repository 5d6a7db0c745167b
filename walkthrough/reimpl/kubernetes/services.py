"""The services REST storage of Kubernetes v1.5.2 (`pkg/registry/core/service/rest.go`) and its allocators.

Services are not a plain registry `Store`: their REST object allocates a cluster IP from the service
network (`--service-cluster-ip-range`, 10.0.0.0/24 by default) and node ports from
`--service-node-port-range` (30000-32767) before it stores the service, releases them when the service
goes, and answers a delete with a Success status. IPs and ports are drawn as the Go's bitmap
allocator draws them: a random start, then the first free one.

Simplified: the health-check node port annotations of `OnlyLocal` load balancers and external IPs are
not modelled, and a delete leaves no endpoints behind to delete (there are none here).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from walkthrough.reimpl import _seams, mirrors
from walkthrough.reimpl.kubernetes import registry, strategies
from walkthrough.reimpl.kubernetes import validation as v
from walkthrough.reimpl.kubernetes.apierrors import StatusError, new_conflict, new_internal_error, new_invalid

if TYPE_CHECKING:
    from walkthrough.reimpl.kubernetes.registry import Ctx, Obj, UpdatedObjectInfo

Names = list[str]
Ports = list[int]
SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
SESSION_AFFINITIES = ["ClientIP", "None"]
PROTOCOLS = ["TCP", "UDP"]


@mirrors("kubernetes:pkg/registry/core/service/allocator.AllocationBitmap")
class Bitmap:
    """Offsets 0..max-1, drawn by the random scan strategy."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.taken: set[int] = set()

    def allocate(self, offset: int) -> bool:
        if offset in self.taken:
            return False
        self.taken.add(offset)
        return True

    def allocate_next(self) -> int | None:
        start = int(_seams.random() * self.size)
        for step in range(self.size):
            offset = (start + step) % self.size
            if offset not in self.taken:
                self.taken.add(offset)
                return offset
        return None

    def release(self, offset: int) -> None:
        self.taken.discard(offset)


@mirrors("kubernetes:pkg/registry/core/service/ipallocator.Range")
class IPRange:
    """The addresses of a CIDR but its network and broadcast addresses."""

    def __init__(self, cidr: str = "10.0.0.0/24") -> None:
        self.network = ipaddress.ip_network(cidr)
        self.bitmap = Bitmap(max(0, self.network.num_addresses - 2))

    def _offset(self, ip: str) -> int | None:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return None
        if address not in self.network:
            return None
        offset = int(address) - int(self.network.network_address) - 1
        return offset if 0 <= offset < self.bitmap.size else None

    def allocate(self, ip: str) -> str | None:
        """None when reserved, else the Go error's text."""
        offset = self._offset(ip)
        if offset is None:
            return "provided IP is not in the valid range"
        return None if self.bitmap.allocate(offset) else "provided IP is already allocated"

    def allocate_next(self) -> str | None:
        offset = self.bitmap.allocate_next()
        return None if offset is None else str(self.network.network_address + 1 + offset)

    def release(self, ip: str) -> None:
        offset = self._offset(ip)
        if offset is not None:
            self.bitmap.release(offset)


@mirrors("kubernetes:pkg/registry/core/service/portallocator.PortAllocator")
class PortRange:
    def __init__(self, base: int = 30000, size: int = 2768) -> None:
        self.base, self.bitmap = base, Bitmap(size)

    def allocate(self, port: int) -> str | None:
        offset = port - self.base
        if not 0 <= offset < self.bitmap.size:
            return (f"provided port is not in the valid range. The range of valid ports is "
                    f"{self.base}-{self.base + self.bitmap.size - 1}")
        return None if self.bitmap.allocate(offset) else "provided port is already allocated"

    def allocate_next(self) -> int | None:
        offset = self.bitmap.allocate_next()
        return None if offset is None else self.base + offset

    def release(self, port: int) -> None:
        self.bitmap.release(port - self.base)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@mirrors("kubernetes:pkg/util/validation.IsValidPortName")
def is_valid_port_name(port: str) -> list[str]:
    errs = [v.max_len_error(15)] if len(port) > 15 else []
    if not v._matches("[-a-z0-9]+", port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not v._matches(".*[a-z0-9].*", port):
        errs.append("must contain at least one letter or number (a-z, 0-9)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def _port_num_errors(port: int) -> list[str]:
    return [] if 1 <= port <= 65535 else ["must be between 1 and 65535, inclusive"]


@mirrors("kubernetes:pkg/api/validation.validateServicePort")
def validate_service_port(port: Obj, require_name: bool, names: set[str], path: str) -> list[v.FieldError]:
    errs = []
    if require_name and not port["name"]:
        errs.append(v.required(f"{path}.name"))
    elif port["name"]:
        errs += [v.invalid(f"{path}.name", port["name"], msg) for msg in v.is_dns1123_label(port["name"])]
        if port["name"] in names:
            errs.append(v.duplicate(f"{path}.name", port["name"]))
        else:
            names.add(port["name"])
    errs += [v.invalid(f"{path}.port", port["port"], msg) for msg in _port_num_errors(port["port"])]
    if not port["protocol"]:
        errs.append(v.required(f"{path}.protocol"))
    elif port["protocol"] not in PROTOCOLS:
        errs.append(v.not_supported(f"{path}.protocol", port["protocol"], PROTOCOLS))
    target = port["targetPort"]
    if isinstance(target, int):
        errs += [v.invalid(f"{path}.targetPort", target, msg) for msg in _port_num_errors(target)]
    else:
        errs += [v.invalid(f"{path}.targetPort", target, msg) for msg in is_valid_port_name(target)]
    return errs


@mirrors("kubernetes:pkg/api/validation.validateServiceFields")
def validate_service_fields(service: Obj) -> list[v.FieldError]:
    spec = service["spec"]
    errs = v.validate_object_meta(service["metadata"], True, v.name_is_dns1035_label)
    headless = spec["clusterIP"] == "None"
    ports = spec["ports"] or []
    if not ports and not headless and spec["type"] != "ExternalName":
        errs.append(v.required("spec.ports"))
    if spec["type"] == "LoadBalancer":
        errs += [v.invalid(f"spec.ports[{i}]", p["port"], "may not expose port 10250 externally since it is used by "
                           "kubelet") for i, p in enumerate(ports) if p["port"] == 10250]
        if headless:
            errs.append(v.invalid("spec.clusterIP", "None", "may not be set to 'None' for LoadBalancer services"))
    elif spec["type"] == "ExternalName":
        if spec["clusterIP"]:
            errs.append(v.invalid("spec.clusterIP", spec["clusterIP"], "must be empty for ExternalName services"))
        if spec["externalName"]:
            errs += [v.invalid("spec.externalName", spec["externalName"], msg)
                     for msg in v.is_dns1123_subdomain(spec["externalName"])]
        else:
            errs.append(v.required("spec.externalName"))
    names: set[str] = set()
    for index, port in enumerate(ports):
        errs += validate_service_port(port, len(ports) > 1, names, f"spec.ports[{index}]")
    if spec["selector"] is not None:
        errs += v.validate_labels(spec["selector"], "spec.selector")
    if not spec["sessionAffinity"]:
        errs.append(v.required("spec.sessionAffinity"))
    elif spec["sessionAffinity"] not in SESSION_AFFINITIES:
        errs.append(v.not_supported("spec.sessionAffinity", spec["sessionAffinity"], SESSION_AFFINITIES))
    if spec["clusterIP"] not in ("", "None") and not _is_ip(spec["clusterIP"]):
        errs.append(v.invalid("spec.clusterIP", spec["clusterIP"], "must be empty, 'None', or a valid IP address"))
    if not spec["type"]:
        errs.append(v.required("spec.type"))
    elif spec["type"] not in SERVICE_TYPES:
        errs.append(v.not_supported("spec.type", spec["type"], SERVICE_TYPES))
    if spec["type"] == "LoadBalancer":
        protocols = set()
        for index, port in enumerate(ports):
            if port["protocol"] not in PROTOCOLS:
                errs.append(v.invalid(f"spec.ports[{index}].protocol", port["protocol"],
                                      "cannot create an external load balancer with non-TCP/UDP ports"))
            else:
                protocols.add(port["protocol"])
        if len(protocols) > 1:
            errs.append(v.invalid("spec.ports", ports, "cannot create an external load balancer with mix protocols"))
    if spec["type"] == "ClusterIP":
        errs += [v.invalid(f"spec.ports[{i}].nodePort", p["nodePort"], "may not be used when `type` is 'ClusterIP'")
                 for i, p in enumerate(ports) if p["nodePort"]]
    seen: set[tuple[str, int]] = set()
    for index, port in enumerate(ports):
        if not port["nodePort"]:
            continue
        key = (port["protocol"], port["nodePort"])
        if key in seen:
            errs.append(v.duplicate(f"spec.ports[{index}].nodePort", port["nodePort"]))
        seen.add(key)
    return errs


@mirrors("kubernetes:pkg/api/validation.ValidateServiceUpdate")
def validate_service_update(service: Obj, old: Obj) -> list[v.FieldError]:
    errs = v.validate_object_meta_update(service["metadata"], old["metadata"])
    if service["spec"]["type"] != "ExternalName" and old["spec"]["type"] != "ExternalName" and \
            old["spec"]["clusterIP"]:
        errs += v.validate_immutable(service["spec"]["clusterIP"], old["spec"]["clusterIP"], "spec.clusterIP")
    return errs + validate_service_fields(service)


class ServiceStrategy(strategies.Strategy):
    """svcStrategy: a new service has no status; an update keeps it; an update may create."""

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"loadBalancer": {}}

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        obj["status"] = old["status"]

    def validate(self, obj: Obj) -> list[v.FieldError]:
        return validate_service_fields(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[v.FieldError]:
        return validate_service_update(obj, old)


def _node_ports(service: Obj) -> list[int]:
    """CollectServiceNodePorts."""
    return [port["nodePort"] for port in service["spec"]["ports"] or [] if port["nodePort"]]


@mirrors("kubernetes:pkg/registry/core/service.REST")
class ServiceREST:
    """Services: allocate a cluster IP and node ports around a plain Store of the service objects."""

    capabilities = frozenset({"Getter", "Lister", "Creater", "Updater", "Patcher", "Deleter", "Watcher"})

    def __init__(self, store: registry.Store, ips: IPRange | None = None, ports: PortRange | None = None) -> None:
        self.store = store
        store.strategy = ServiceStrategy("Service", allow_create_on_update=True)
        self.ips = ips or IPRange()
        self.ports = ports or PortRange()
        self.kind, self.resource, self.namespaced, self.group = "Service", "services", True, ""
        self.go_type, self.list_go_type = store.go_type, store.list_go_type

    def new(self) -> Obj:
        return self.store.new()

    def get(self, ctx: Ctx, name: str) -> Obj:
        return self.store.get(ctx, name)

    def list(self, ctx: Ctx, opts: Obj) -> Obj:
        return self.store.list(ctx, opts)

    def watch(self, ctx: Ctx, opts: Obj) -> registry.Watch:
        return self.store.watch(ctx, opts)

    def _invalid(self, name: str, path: str, value: Any, message: str) -> StatusError:
        return new_invalid("", "Service", name, [v.invalid(path, value, message)])

    @mirrors("kubernetes:pkg/registry/core/service.REST.Create")
    def create(self, ctx: Ctx, obj: Obj) -> Obj:
        """Validate, allocate the IP and node ports, store; anything failing on the way gives them back."""
        service = self.store._value(obj)
        registry.before_create(self.store.strategy, ctx, service)
        ips: Names = []
        ports: Ports = []
        try:
            self._allocate(service, ips, ports)
            return self.store.create(ctx, service)
        except BaseException:
            for ip in ips:
                self.ips.release(ip)
            self._release(ports)
            raise

    def _allocate(self, service: Obj, ips: Names, ports: Ports) -> None:
        """The cluster IP (the next free one, or the one asked for) and node ports; what it took, in `ips`/`ports`."""
        spec, name = service["spec"], service["metadata"]["name"]
        if spec["clusterIP"] == "":
            ip = self.ips.allocate_next()
            if ip is None:
                raise new_internal_error("failed to allocate a serviceIP: range is full")
            spec["clusterIP"] = ip
            ips.append(ip)
        elif spec["clusterIP"] != "None":
            problem = self.ips.allocate(spec["clusterIP"])
            if problem is not None:
                raise self._invalid(name, "spec.clusterIP", spec["clusterIP"], problem)
            ips.append(spec["clusterIP"])
        assign = spec["type"] in ("NodePort", "LoadBalancer")
        by_port: dict[int, int] = {}
        for index, port in enumerate(spec["ports"] or []):
            allocated = by_port.get(port["port"], 0)
            if allocated == 0:
                # findRequestedNodePort: the first node port asked for this port number, anywhere in the list
                requested = next((p["nodePort"] for p in spec["ports"] if p["port"] == port["port"] and p["nodePort"]),
                                 0)
                if requested:
                    problem = self.ports.allocate(requested)
                    if problem is not None:
                        raise self._invalid(name, f"spec.ports[{index}].nodePort", requested, problem)
                    ports.append(requested)
                    port["nodePort"] = by_port[port["port"]] = requested
                elif assign:
                    next_port = self.ports.allocate_next()
                    if next_port is None:
                        raise new_internal_error("failed to allocate a nodePort: range is full")
                    ports.append(next_port)
                    port["nodePort"] = by_port[port["port"]] = next_port
            elif port["nodePort"] != allocated:
                if port["nodePort"] == 0:
                    port["nodePort"] = allocated
                else:
                    problem = self.ports.allocate(port["nodePort"])
                    if problem is not None:
                        raise self._invalid(name, f"spec.ports[{index}].nodePort", port["nodePort"], problem)
                    ports.append(port["nodePort"])

    @mirrors("kubernetes:pkg/registry/core/service.REST.Update")
    def update(self, ctx: Ctx, name: str, info: UpdatedObjectInfo) -> tuple[Obj, bool]:
        old = self.store.get(ctx, name)
        service = self.store._value(info.updated_object(ctx, old))
        if not registry.valid_namespace(ctx, service["metadata"]):
            raise new_conflict("services", service["metadata"]["namespace"],
                               "Service.Namespace does not match the provided context")
        errs = validate_service_update(service, _copy(old))
        if errs:
            raise new_invalid("", "Service", service["metadata"]["name"], errs)
        old_ports = _node_ports(old)
        new_ports: Ports = []
        taken: Ports = []
        if service["spec"]["type"] in ("NodePort", "LoadBalancer"):
            for index, port in enumerate(service["spec"]["ports"] or []):
                if port["nodePort"]:
                    if port["nodePort"] not in old_ports:
                        problem = self.ports.allocate(port["nodePort"])
                        if problem is not None:
                            self._release(taken)
                            raise self._invalid(service["metadata"]["name"], f"spec.ports[{index}].nodePort",
                                                port["nodePort"], problem)
                        taken.append(port["nodePort"])
                else:
                    next_port = self.ports.allocate_next()
                    if next_port is None:
                        self._release(taken)
                        raise new_internal_error("failed to allocate a nodePort: range is full")
                    taken.append(next_port)
                    port["nodePort"] = next_port
                new_ports.append(port["nodePort"])
        if service["spec"]["type"] != "LoadBalancer":
            service["status"]["loadBalancer"] = {}
        try:
            out, _ = self.store.update(ctx, name, registry.UpdatedObjectInfo(service))
        except BaseException:
            self._release(taken)
            raise
        return out, False

    def _release(self, ports: Ports) -> None:
        for port in ports:
            self.ports.release(port)

    @mirrors("kubernetes:pkg/registry/core/service.REST.Delete")
    def delete(self, ctx: Ctx, name: str, options: Obj | None = None) -> Obj:
        service = self.store.get(ctx, name)
        self.store.etcd.delete("Service", self.store.key(ctx, name))
        if service["spec"]["clusterIP"] not in ("", "None"):
            self.ips.release(service["spec"]["clusterIP"])
        for port in _node_ports(service):
            self.ports.release(port)
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}


def _copy(obj: Obj) -> Obj:
    import copy  # noqa: PLC0415 - only updates copy the old service

    return copy.deepcopy(obj)


def _demo() -> None:
    import json  # noqa: PLC0415 - the demo prints JSON

    rest = ServiceREST(registry.Store("Service", "services"))
    ctx = {"namespace": "default"}
    made = rest.create(ctx, {"metadata": {"name": "web"}, "spec": {"type": "NodePort", "ports": [{"port": 80}]}})
    print("a NodePort service gets a cluster IP and a node port:", json.dumps(made["spec"]))
    for spec in ({"clusterIP": made["spec"]["clusterIP"], "ports": [{"port": 80}]},
                 {"clusterIP": "1.2.3.4", "ports": [{"port": 80}]},
                 {"ports": [{"port": 80}, {"port": 81}]}):
        try:
            rest.create(ctx, {"metadata": {"name": "db"}, "spec": spec})
        except StatusError as err:
            print(f"{json.dumps(spec):60} -> {err.code} {err.status['message']}")
    print("delete:", rest.delete(ctx, "web"), "- the IP and the port are free again:",
          rest.ips.bitmap.taken == set(), rest.ports.bitmap.taken == set())


if __name__ == "__main__":
    _demo()
