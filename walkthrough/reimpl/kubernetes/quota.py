"""Resource quota accounting of Kubernetes v1.5.2: ResourceList arithmetic, the pod evaluator, the registry.

A ResourceList maps a resource name ("cpu", "requests.memory", "pods") to a Quantity. An
evaluator knows, for one kind of object, which quota resources it tracks, how much an object
uses, which scopes (Terminating, BestEffort, ...) it is in, and what an object must specify.

Public API:
    ResourceList = dict[str, Quantity]; rl({"cpu": "100m"}) builds one from strings
    equals, less_than_or_equal, max_, add, subtract, mask, resource_names, intersection, contains,
    is_zero, is_negative, to_set                                       # pkg/quota/resources.go
    Container(requests, limits), Pod(name, namespace, containers, init_containers, phase,
        active_deadline_seconds, resource_version), Service, PersistentVolumeClaim, KubeObject
    pod_from_api(json_dict) -> Pod; service_from_api, pvc_from_api, resource_quota_from_api,
    object_from_api(kind, json_dict)                                   # from the v1 JSON
    ResourceQuota(name, namespace, hard, used, scopes)                 # hard/used = Status.Hard/Used
    pod_usage_func, pod_usage_helper, quota_pod, pod_matches_scope_func, get_pod_qos,
    pod_constraints_func, validate_resource_requirements
    GenericEvaluator, object_count_usage_func, object_count_constraints_func,
    new_pod_evaluator(list_pods), new_registry(lister) -> GenericRegistry (.evaluators() by (group, kind))

Go iterates maps in random order; this model iterates in insertion order. Where upstream output
depends on that order (the text of several validation errors together), any order is upstream's.

Still simplified: the evaluators' Get and UsageStats read listers given in Python (admission never
calls them); "unexpected input object %v" prints the Python object, not Go's struct. `walkthrough
parity --live --model quota` proves the rest against the Go: every core evaluator's usage,
constraints, Matches and operation resources on objects decoded from v1 JSON.
Run `python -m walkthrough.reimpl.kubernetes.quota` for a demo.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes.quantity import Quantity, must_parse
from walkthrough.reimpl.kubernetes.validation import is_qualified_name

ResourceList = dict[str, Quantity]

# pkg/api resource names
RESOURCE_CPU, RESOURCE_MEMORY, RESOURCE_STORAGE = "cpu", "memory", "storage"
RESOURCE_REQUESTS_CPU, RESOURCE_REQUESTS_MEMORY = "requests.cpu", "requests.memory"
RESOURCE_LIMITS_CPU, RESOURCE_LIMITS_MEMORY = "limits.cpu", "limits.memory"
RESOURCE_REQUESTS_STORAGE = "requests.storage"
RESOURCE_PODS, RESOURCE_SERVICES, RESOURCE_QUOTAS = "pods", "services", "resourcequotas"
RESOURCE_REPLICATION_CONTROLLERS, RESOURCE_SECRETS = "replicationcontrollers", "secrets"
RESOURCE_CONFIG_MAPS, RESOURCE_PVCS = "configmaps", "persistentvolumeclaims"
RESOURCE_SERVICES_NODE_PORTS, RESOURCE_SERVICES_LOAD_BALANCERS = "services.nodeports", "services.loadbalancers"
RESOURCE_NVIDIA_GPU = "alpha.kubernetes.io/nvidia-gpu"
RESOURCE_OPAQUE_INT_PREFIX = "pod.alpha.kubernetes.io/opaque-int-resource-"

SCOPE_TERMINATING, SCOPE_NOT_TERMINATING = "Terminating", "NotTerminating"
SCOPE_BEST_EFFORT, SCOPE_NOT_BEST_EFFORT = "BestEffort", "NotBestEffort"
POD_SUCCEEDED, POD_FAILED = "Succeeded", "Failed"
QOS_GUARANTEED, QOS_BURSTABLE, QOS_BEST_EFFORT = "Guaranteed", "Burstable", "BestEffort"

CREATE, UPDATE, DELETE, CONNECT = "CREATE", "UPDATE", "DELETE", "CONNECT"  # admission.Operation


def rl(values: Mapping[str, str]) -> ResourceList:
    """A ResourceList from quantity strings (parsed like resource.MustParse)."""
    return {name: must_parse(text) for name, text in values.items()}


def show(resources: ResourceList) -> dict[str, str]:
    """Each quantity's String(), for printing and comparing."""
    return {name: q.copy().string() for name, q in resources.items()}


# ---------------------------------------------------------------------------------------------
# pkg/quota/resources.go
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:pkg/quota.Equals")
def equals(a: ResourceList, b: ResourceList) -> bool:
    """Same keys, and equal quantities under Cmp."""
    for key, value in a.items():
        if key not in b or value.cmp(b[key]) != 0:
            return False
    for key, value in b.items():  # noqa: SIM110 - the Go loop, like the one above
        if key not in a or value.cmp(a[key]) != 0:
            return False
    return True


@mirrors("kubernetes:pkg/quota.LessThanOrEqual")
def less_than_or_equal(a: ResourceList, b: ResourceList) -> tuple[bool, list[str]]:
    """a <= b for every key present in *both*; the second value lists the keys of a that exceed b."""
    result = True
    names: list[str] = []
    for key, value in b.items():
        other = a.get(key)
        if other is not None and other.cmp(value) > 0:
            result = False
            names.append(key)
    return result, names


@mirrors("kubernetes:pkg/quota.Max")
def max_(a: ResourceList, b: ResourceList) -> ResourceList:
    """The larger of each key (b's quantity on a tie), keys of either list."""
    result: ResourceList = {}
    for key, value in a.items():
        other = b.get(key)
        if other is not None and value.cmp(other) <= 0:
            result[key] = other.copy()
            continue
        result[key] = value.copy()
    for key, value in b.items():
        if key not in result:
            result[key] = value.copy()
    return result


@mirrors("kubernetes:pkg/quota.Add")
def add(a: ResourceList, b: ResourceList) -> ResourceList:
    """a + b per key; a key missing on one side counts as zero."""
    result: ResourceList = {}
    for key, value in a.items():
        quantity = value.copy()
        if key in b:
            quantity.add(b[key])
        result[key] = quantity
    for key, value in b.items():
        if key not in result:
            result[key] = value.copy()
    return result


@mirrors("kubernetes:pkg/quota.Subtract")
def subtract(a: ResourceList, b: ResourceList) -> ResourceList:
    """a - b per key; keys only in b are negated."""
    result: ResourceList = {}
    for key, value in a.items():
        quantity = value.copy()
        if key in b:
            quantity.sub(b[key])
        result[key] = quantity
    for key, value in b.items():
        if key not in result:
            quantity = value.copy()
            quantity.neg()
            result[key] = quantity
    return result


@mirrors("kubernetes:pkg/quota.Mask")
def mask(resources: ResourceList, names: Iterable[str]) -> ResourceList:
    """Only the listed names."""
    name_set = set(names)
    return {key: value.copy() for key, value in resources.items() if key in name_set}


@mirrors("kubernetes:pkg/quota.ResourceNames")
def resource_names(resources: ResourceList) -> list[str]:
    return list(resources)


@mirrors("kubernetes:pkg/quota.Contains")
def contains(items: Iterable[str], item: str) -> bool:
    return item in set(items)


@mirrors("kubernetes:pkg/quota.Intersection")
def intersection(a: Iterable[str], b: Iterable[str]) -> list[str]:
    """The common names, sorted (sets.String.List sorts)."""
    return sorted(set(a) & set(b))


@mirrors("kubernetes:pkg/quota.ToSet")
def to_set(names: Iterable[str]) -> set[str]:
    return set(names)


@mirrors("kubernetes:pkg/quota.IsZero")
def is_zero(a: ResourceList) -> bool:
    zero = must_parse("0")
    return all(v.cmp(zero) == 0 for v in a.values())


@mirrors("kubernetes:pkg/quota.IsNegative")
def is_negative(a: ResourceList) -> list[str]:
    """Names with a value below zero (Go returns them in map order)."""
    zero = must_parse("0")
    return [k for k, v in a.items() if v.cmp(zero) < 0]


# ---------------------------------------------------------------------------------------------
# the objects evaluators look at
# ---------------------------------------------------------------------------------------------
@dataclass
class KubeObject:
    """Any API object: its kind (internal group "" unless `group` is set) and the metadata read here."""

    kind: str
    name: str = ""
    namespace: str = ""
    generate_name: str = ""
    resource_version: str = ""
    group: str = ""


@mirrors("kubernetes:pkg/api.Container")
@dataclass
class Container:
    """A container's resource requirements."""

    requests: ResourceList = field(default_factory=dict)
    limits: ResourceList = field(default_factory=dict)


@mirrors("kubernetes:pkg/api.Pod")
@dataclass
class Pod(KubeObject):
    kind: str = "Pod"
    containers: list[Container] = field(default_factory=list)
    init_containers: list[Container] = field(default_factory=list)
    phase: str = ""
    active_deadline_seconds: int | None = None


@mirrors("kubernetes:pkg/api.Service")
@dataclass
class Service(KubeObject):
    kind: str = "Service"
    type: str = "ClusterIP"
    ports: int = 1


@mirrors("kubernetes:pkg/api.PersistentVolumeClaim")
@dataclass
class PersistentVolumeClaim(KubeObject):
    kind: str = "PersistentVolumeClaim"
    requests: ResourceList = field(default_factory=dict)


@mirrors("kubernetes:pkg/api.ResourceQuota")
@dataclass
class ResourceQuota(KubeObject):
    """A quota: `hard` and `used` are its Status.Hard and Status.Used (what admission reads)."""

    kind: str = "ResourceQuota"
    hard: ResourceList = field(default_factory=dict)
    used: ResourceList = field(default_factory=dict)
    scopes: list[str] = field(default_factory=list)

    def deep_copy(self) -> ResourceQuota:
        return ResourceQuota(
            name=self.name, namespace=self.namespace, resource_version=self.resource_version,
            hard={k: v.copy() for k, v in self.hard.items()}, used={k: v.copy() for k, v in self.used.items()},
            scopes=list(self.scopes),
        )


def pod_from_api(obj: Mapping[str, Any]) -> Pod:
    """A Pod from its API JSON form (`metadata`, `spec.containers[].resources`, `status.phase`).

    Quantities are parsed like the API server's decoder (UnmarshalJSON); a bad one raises
    QuantityError with the upstream message.
    """
    def containers(items: list[Mapping[str, Any]] | None) -> list[Container]:
        return [Container(_resource_list((c.get("resources") or {}).get("requests")),
                          _resource_list((c.get("resources") or {}).get("limits"))) for c in items or []]

    metadata, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    return Pod(
        name=metadata.get("name", ""), namespace=metadata.get("namespace", ""),
        generate_name=metadata.get("generateName", ""), resource_version=metadata.get("resourceVersion", ""),
        containers=containers(spec.get("containers")), init_containers=containers(spec.get("initContainers")),
        phase=(obj.get("status") or {}).get("phase", ""), active_deadline_seconds=spec.get("activeDeadlineSeconds"),
    )


# ---------------------------------------------------------------------------------------------
# validation of container resources (the part of pkg/api/validation PodConstraintsFunc calls)
# ---------------------------------------------------------------------------------------------
_STANDARD_CONTAINER_RESOURCES = {RESOURCE_CPU, RESOURCE_MEMORY}
_STANDARD_RESOURCES = {
    RESOURCE_CPU, RESOURCE_MEMORY, RESOURCE_REQUESTS_CPU, RESOURCE_REQUESTS_MEMORY, RESOURCE_LIMITS_CPU,
    RESOURCE_LIMITS_MEMORY, RESOURCE_PODS, RESOURCE_QUOTAS, RESOURCE_SERVICES, RESOURCE_REPLICATION_CONTROLLERS,
    RESOURCE_SECRETS, RESOURCE_CONFIG_MAPS, RESOURCE_PVCS, RESOURCE_STORAGE, RESOURCE_REQUESTS_STORAGE,
}
_INTEGER_RESOURCES = {
    RESOURCE_PODS, RESOURCE_QUOTAS, RESOURCE_SERVICES, RESOURCE_REPLICATION_CONTROLLERS, RESOURCE_SECRETS,
    RESOURCE_CONFIG_MAPS, RESOURCE_PVCS, RESOURCE_SERVICES_NODE_PORTS, RESOURCE_SERVICES_LOAD_BALANCERS,
}


class FieldError(Exception):
    """`field.Error` of type Invalid: `<path>: Invalid value: <json value>: <detail>`."""

    def __init__(self, path: str, bad_value: str, detail: str) -> None:
        self.path, self.bad_value, self.detail = path, bad_value, detail
        super().__init__(f"{path}: Invalid value: {json.dumps(bad_value)}: {detail}")


class AggregateError(Exception):
    """`field.ErrorList.ToAggregate()`: one error prints as itself, several as "[e1, e2]"."""

    def __init__(self, errors: list[Exception]) -> None:
        self.errors = errors
        text = str(errors[0]) if len(errors) == 1 else "[" + ", ".join(str(e) for e in errors) + "]"
        super().__init__(text)


@mirrors("kubernetes:pkg/api/validation.validateResourceName")
def validate_resource_name(value: str, path: str) -> list[FieldError]:
    errs = [FieldError(path, value, msg) for msg in is_qualified_name(value)]
    if errs:
        return errs
    if "/" not in value and value not in _STANDARD_RESOURCES:
        return [FieldError(path, value, "must be a standard resource type or fully qualified")]
    return []


@mirrors("kubernetes:pkg/api/validation.validateContainerResourceName")
def validate_container_resource_name(value: str, path: str) -> list[FieldError]:
    """Names without '/' must be cpu or memory.

    (Upstream drops the qualified-name errors of a standard name; only the "standard resource for containers" error
    survives.)
    """
    errs = validate_resource_name(value, path)
    if "/" not in value and value not in _STANDARD_CONTAINER_RESOURCES:
        return [*errs, FieldError(path, value, "must be a standard resource for containers")]
    return []


@mirrors("kubernetes:pkg/api/validation.ValidateResourceQuantityValue")
def validate_resource_quantity_value(resource: str, value: Quantity, path: str) -> list[FieldError]:
    errs = []
    if value.cmp(Quantity()) < 0:
        errs.append(FieldError(path, value.copy().string(), "must be greater than or equal to 0"))
    if (resource in _INTEGER_RESOURCES or resource.startswith(RESOURCE_OPAQUE_INT_PREFIX)) and (
        value.copy().milli_value() % 1000 != 0
    ):
        errs.append(FieldError(path, value.copy().string(), "must be an integer"))
    return errs


@mirrors("kubernetes:pkg/api/validation.ValidateResourceRequirements")
def validate_resource_requirements(container: Container, path: str) -> list[FieldError]:
    """Names and values of limits, request <= limit (GPUs: equal), then names and values of requests."""
    errs: list[FieldError] = []
    lim_path, req_path = path + ".limits", path + ".requests"
    for name, quantity in container.limits.items():
        key_path = f"{lim_path}[{name}]"
        errs += validate_container_resource_name(name, key_path)
        errs += validate_resource_quantity_value(name, quantity, key_path)
        request = container.requests.get(name)
        if request is not None:
            if name == RESOURCE_NVIDIA_GPU and quantity.cmp(request) != 0:
                errs.append(FieldError(req_path, request.copy().string(),
                                       f"must be equal to {RESOURCE_NVIDIA_GPU} limit"))
            elif quantity.cmp(request) < 0:
                errs.append(FieldError(lim_path, quantity.copy().string(),
                                       f"must be greater than or equal to {name} request"))
    for name, quantity in container.requests.items():
        key_path = f"{req_path}[{name}]"
        errs += validate_container_resource_name(name, key_path)
        errs += validate_resource_quantity_value(name, quantity, key_path)
    return errs




def _resource_list(raw: Mapping[str, Any] | None) -> ResourceList:
    out: ResourceList = {}
    for name, value in (raw or {}).items():
        q = Quantity()
        q.unmarshal_json(json.dumps(str(value)))
        out[name] = q
    return out


def service_from_api(obj: Mapping[str, Any]) -> Service:
    """A Service from its API JSON form: its type and how many ports it has."""
    metadata, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    return Service(name=metadata.get("name", ""), namespace=metadata.get("namespace", ""),
                   generate_name=metadata.get("generateName", ""), resource_version=metadata.get("resourceVersion", ""),
                   type=spec.get("type") or "ClusterIP", ports=len(spec.get("ports") or []))


def pvc_from_api(obj: Mapping[str, Any]) -> PersistentVolumeClaim:
    """A PersistentVolumeClaim from its API JSON form: what `spec.resources.requests` asks for."""
    metadata, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    return PersistentVolumeClaim(name=metadata.get("name", ""), namespace=metadata.get("namespace", ""),
                                 generate_name=metadata.get("generateName", ""),
                                 resource_version=metadata.get("resourceVersion", ""),
                                 requests=_resource_list((spec.get("resources") or {}).get("requests")))


def resource_quota_from_api(obj: Mapping[str, Any]) -> ResourceQuota:
    """A ResourceQuota from its API JSON form: status.hard and status.used (what admission reads), spec.scopes."""
    metadata, status = obj.get("metadata") or {}, obj.get("status") or {}
    return ResourceQuota(name=metadata.get("name", ""), namespace=metadata.get("namespace", ""),
                         resource_version=metadata.get("resourceVersion", ""), hard=_resource_list(status.get("hard")),
                         used=_resource_list(status.get("used")),
                         scopes=list((obj.get("spec") or {}).get("scopes") or []))


def object_from_api(kind: str, obj: Mapping[str, Any]) -> KubeObject:
    """The evaluators' view of an object of a core kind, from its API JSON form (other kinds: metadata only)."""
    if kind == "Pod":
        return pod_from_api(obj)
    if kind == "Service":
        return service_from_api(obj)
    if kind == "PersistentVolumeClaim":
        return pvc_from_api(obj)
    if kind == "ResourceQuota":
        return resource_quota_from_api(obj)
    metadata = obj.get("metadata") or {}
    return KubeObject(kind=kind, name=metadata.get("name", ""), namespace=metadata.get("namespace", ""),
                      generate_name=metadata.get("generateName", ""),
                      resource_version=metadata.get("resourceVersion", ""))
# ---------------------------------------------------------------------------------------------
# pkg/quota/evaluator/core/pods.go and pkg/kubelet/qos
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:pkg/quota/evaluator/core.podUsageHelper")
def pod_usage_helper(requests: ResourceList, limits: ResourceList) -> ResourceList:
    """pods=1; cpu and requests.cpu from the cpu request; limits.cpu from the cpu limit; same for memory."""
    result: ResourceList = {RESOURCE_PODS: must_parse("1")}
    if RESOURCE_CPU in requests:
        result[RESOURCE_CPU] = requests[RESOURCE_CPU].copy()
        result[RESOURCE_REQUESTS_CPU] = requests[RESOURCE_CPU].copy()
    if RESOURCE_CPU in limits:
        result[RESOURCE_LIMITS_CPU] = limits[RESOURCE_CPU].copy()
    if RESOURCE_MEMORY in requests:
        result[RESOURCE_MEMORY] = requests[RESOURCE_MEMORY].copy()
        result[RESOURCE_REQUESTS_MEMORY] = requests[RESOURCE_MEMORY].copy()
    if RESOURCE_MEMORY in limits:
        result[RESOURCE_LIMITS_MEMORY] = limits[RESOURCE_MEMORY].copy()
    return result


@mirrors("kubernetes:pkg/quota/evaluator/core.QuotaPod")
def quota_pod(pod: Pod) -> bool:
    """Pods that succeeded or failed are no longer charged."""
    return pod.phase not in (POD_FAILED, POD_SUCCEEDED)


@mirrors("kubernetes:pkg/quota/evaluator/core.PodUsageFunc")
def pod_usage_func(obj: KubeObject) -> ResourceList:
    """Sum of app containers, raised per resource to the largest init container."""
    if not isinstance(obj, Pod) or not quota_pod(obj):
        return {}
    requests: ResourceList = {}
    limits: ResourceList = {}
    for container in obj.containers:
        requests = add(requests, container.requests)
        limits = add(limits, container.limits)
    # init containers run one at a time before the app containers: the largest one counts
    for container in obj.init_containers:
        requests = max_(requests, container.requests)
        limits = max_(limits, container.limits)
    return pod_usage_helper(requests, limits)


_SUPPORTED_QOS_COMPUTE_RESOURCES = {RESOURCE_CPU, RESOURCE_MEMORY}


@mirrors("kubernetes:pkg/kubelet/qos.GetPodQOS")
def get_pod_qos(pod: Pod) -> str:
    """BestEffort: no positive request or limit on cpu/memory.

    Guaranteed: every container limits both, and summed requests equal summed limits. Otherwise Burstable. Init
    containers are ignored.
    """
    requests: ResourceList = {}
    limits: ResourceList = {}
    zero = must_parse("0")
    is_guaranteed = True
    for container in pod.containers:
        for name, quantity in container.requests.items():
            if name in _SUPPORTED_QOS_COMPUTE_RESOURCES and quantity.cmp(zero) == 1:
                delta = quantity.copy()
                if name in requests:
                    delta.add(requests[name])
                requests[name] = delta
        limits_found = set()
        for name, quantity in container.limits.items():
            if name in _SUPPORTED_QOS_COMPUTE_RESOURCES and quantity.cmp(zero) == 1:
                limits_found.add(name)
                delta = quantity.copy()
                if name in limits:
                    delta.add(limits[name])
                limits[name] = delta
        if len(limits_found) != len(_SUPPORTED_QOS_COMPUTE_RESOURCES):
            is_guaranteed = False
    if len(requests) == 0 and len(limits) == 0:
        return QOS_BEST_EFFORT
    if is_guaranteed:
        for name, req in requests.items():
            if name not in limits or limits[name].cmp(req) != 0:
                is_guaranteed = False
                break
    if is_guaranteed and len(requests) == len(limits):
        return QOS_GUARANTEED
    return QOS_BURSTABLE


@mirrors("kubernetes:pkg/quota/evaluator/core.isBestEffort")
def is_best_effort(pod: Pod) -> bool:
    return get_pod_qos(pod) == QOS_BEST_EFFORT


@mirrors("kubernetes:pkg/quota/evaluator/core.isTerminating")
def is_terminating(pod: Pod) -> bool:
    """A pod with an active deadline (>= 0) will terminate on its own."""
    return pod.active_deadline_seconds is not None and pod.active_deadline_seconds >= 0


@mirrors("kubernetes:pkg/quota/evaluator/core.PodMatchesScopeFunc")
def pod_matches_scope_func(scope: str, obj: KubeObject) -> bool:
    """Terminating / NotTerminating / BestEffort / NotBestEffort; anything else, or a non-pod: False."""
    if not isinstance(obj, Pod):
        return False
    if scope == SCOPE_TERMINATING:
        return is_terminating(obj)
    if scope == SCOPE_NOT_TERMINATING:
        return not is_terminating(obj)
    if scope == SCOPE_BEST_EFFORT:
        return is_best_effort(obj)
    if scope == SCOPE_NOT_BEST_EFFORT:
        return not is_best_effort(obj)
    return False


@mirrors("kubernetes:pkg/quota/evaluator/core.enforcePodContainerConstraints")
def enforce_pod_container_constraints(container: Container, required: set[str], missing: set[str]) -> None:
    """Add to `missing` the required names this container's usage lacks."""
    container_set = set(pod_usage_helper(container.requests, container.limits))
    if container_set != required:
        missing.update(required - container_set)


@mirrors("kubernetes:pkg/quota/evaluator/core.PodConstraintsFunc")
def pod_constraints_func(required: Iterable[str], obj: KubeObject) -> Exception | None:
    """Valid resources first; then every container must specify every required resource.

    Returns the error (None when satisfied), as the Go does.
    """
    if not isinstance(obj, Pod):
        return ValueError(f"Unexpected input object {obj}")
    errs: list[FieldError] = []
    for i, container in enumerate(obj.containers):
        errs += validate_resource_requirements(container, f"spec.containers[{i}].resources")
    for i, container in enumerate(obj.init_containers):
        errs += validate_resource_requirements(container, f"spec.initContainers[{i}].resources")
    if errs:
        return AggregateError(list(errs))
    required_set = set(required)
    missing: set[str] = set()
    for container in [*obj.containers, *obj.init_containers]:
        enforce_pod_container_constraints(container, required_set, missing)
    if not missing:
        return None
    return ValueError("must specify " + ",".join(sorted(missing)))


# ---------------------------------------------------------------------------------------------
# pkg/quota/generic: the evaluator and the object-count helpers; the core registry
# ---------------------------------------------------------------------------------------------
ConstraintsFunc = Callable[[list[str], KubeObject], Exception | None]
ListFunc = Callable[[str], list[KubeObject]]


@mirrors("kubernetes:pkg/quota.Evaluator")
class Evaluator(Protocol):
    """What admission and the quota controller ask of the evaluator of one kind.

    `group_kind` is the Go `GroupKind()`; `Get` is left out (nothing in these models reads an object back).
    """

    group_kind: tuple[str, str]

    def constraints(self, required: list[str], item: KubeObject) -> Exception | None:
        """Every required resource is present on the item (else the error naming what is missing)."""

    def matches_resources(self) -> list[str]:
        """Every resource name this evaluator can measure."""

    def matches(self, resource_quota: ResourceQuota | None, item: KubeObject) -> bool:
        """The quota applies to the item."""

    def get_operation_resources(self, operation: str) -> list[str]:
        """What the operation may change; empty: admission ignores the operation."""

    def usage(self, item: KubeObject) -> ResourceList:
        """What one object costs."""

    def usage_stats(self, namespace: str, scopes: Iterable[str] = ()) -> ResourceList:
        """What the namespace's objects in all the scopes cost together."""


@mirrors("kubernetes:pkg/quota/generic.ObjectCountConstraintsFunc")
def object_count_constraints_func(resource_name: str) -> ConstraintsFunc:
    """The quota must ask for this resource (else "missing <name>")."""

    def constraints(required: list[str], item: KubeObject) -> Exception | None:
        if not contains(required, resource_name):
            return ValueError(f"missing {resource_name}")
        return None

    return constraints


@mirrors("kubernetes:pkg/quota/generic.ObjectCountUsageFunc")
def object_count_usage_func(resource_name: str) -> Callable[[KubeObject], ResourceList]:
    """Every object uses exactly 1."""
    return lambda obj: {resource_name: must_parse("1")}


@mirrors("kubernetes:pkg/quota/generic.MatchesNoScopeFunc")
def matches_no_scope_func(scope: str, obj: KubeObject) -> bool:
    return False


@mirrors("kubernetes:pkg/quota/generic.GenericEvaluator")
@dataclass
class GenericEvaluator:
    """One kind's quota behaviour, assembled from functions."""

    name: str
    group_kind: tuple[str, str]
    operation_resources: dict[str, list[str]]
    matched_resource_names: list[str]
    matches_scope_func: Callable[[str, KubeObject], bool]
    usage_func: Callable[[KubeObject], ResourceList]
    constraints_func: ConstraintsFunc
    list_func: ListFunc = field(default=lambda namespace: [])

    @mirrors("kubernetes:pkg/quota/generic.GenericEvaluator.Constraints")
    def constraints(self, required: list[str], item: KubeObject) -> Exception | None:
        return self.constraints_func(required, item)

    @mirrors("kubernetes:pkg/quota/generic.GenericEvaluator.OperationResources")
    def get_operation_resources(self, operation: str) -> list[str]:
        return self.operation_resources.get(operation, [])

    @mirrors("kubernetes:pkg/quota/generic.GenericEvaluator.MatchesResources")
    def matches_resources(self) -> list[str]:
        return self.matched_resource_names

    @mirrors("kubernetes:pkg/quota/generic.GenericEvaluator.MatchesResource")
    def matches_resource(self, resource_name: str) -> bool:
        return resource_name in self.matched_resource_names

    @mirrors("kubernetes:pkg/quota/generic.GenericEvaluator.Matches")
    def matches(self, resource_quota: ResourceQuota | None, item: KubeObject) -> bool:
        """Some hard resource is tracked here, and the item is in every scope of the quota."""
        if resource_quota is None:
            return False
        match_resource = any(self.matches_resource(name) for name in resource_quota.hard)
        match_scope = all(self.matches_scope(scope, item) for scope in resource_quota.scopes)
        return match_resource and match_scope

    @mirrors("kubernetes:pkg/quota/generic.GenericEvaluator.MatchesScope")
    def matches_scope(self, scope: str, item: KubeObject) -> bool:
        return self.matches_scope_func(scope, item)

    @mirrors("kubernetes:pkg/quota/generic.GenericEvaluator.Usage")
    def usage(self, item: KubeObject) -> ResourceList:
        return self.usage_func(item)

    @mirrors("kubernetes:pkg/quota/generic.GenericEvaluator.UsageStats")
    def usage_stats(self, namespace: str, scopes: Iterable[str] = ()) -> ResourceList:
        """Every tracked resource from 0, plus the usage of each listed object in all the scopes."""
        used: ResourceList = {name: must_parse("0") for name in self.matched_resource_names}
        scopes = list(scopes)
        for item in self.list_func(namespace):
            if all(self.matches_scope(scope, item) for scope in scopes):
                used = add(used, self.usage(item))
        return used


POD_COMPUTE_RESOURCES = [RESOURCE_CPU, RESOURCE_MEMORY, RESOURCE_REQUESTS_CPU, RESOURCE_REQUESTS_MEMORY,
                         RESOURCE_LIMITS_CPU, RESOURCE_LIMITS_MEMORY]


@mirrors("kubernetes:pkg/quota/evaluator/core.NewPodEvaluator")
def new_pod_evaluator(list_func: ListFunc | None = None) -> GenericEvaluator:
    """Tracks compute resources and pods; charges on Create only (pod updates are not charged in v1.5)."""
    all_resources = [*POD_COMPUTE_RESOURCES, RESOURCE_PODS]
    return GenericEvaluator(
        name="Evaluator.Pod",
        group_kind=("", "Pod"),
        operation_resources={CREATE: all_resources},
        matched_resource_names=all_resources,
        matches_scope_func=pod_matches_scope_func,
        usage_func=pod_usage_func,
        constraints_func=pod_constraints_func,
        list_func=list_func or (lambda namespace: []),
    )


@mirrors("kubernetes:pkg/quota/evaluator/core.ServiceUsageFunc")
def service_usage_func(obj: KubeObject) -> ResourceList:
    """services=1; node ports count the ports of a NodePort service; a LoadBalancer counts one."""
    if not isinstance(obj, Service):
        return {}
    result = rl({RESOURCE_SERVICES: "1", RESOURCE_SERVICES_LOAD_BALANCERS: "0", RESOURCE_SERVICES_NODE_PORTS: "0"})
    if obj.type == "NodePort":
        result[RESOURCE_SERVICES_NODE_PORTS] = Quantity()
        result[RESOURCE_SERVICES_NODE_PORTS].i.value = obj.ports
    elif obj.type == "LoadBalancer":
        result[RESOURCE_SERVICES_LOAD_BALANCERS] = must_parse("1")
    return result


@mirrors("kubernetes:pkg/quota/evaluator/core.ServiceConstraintsFunc")
def service_constraints_func(required: Iterable[str], obj: KubeObject) -> Exception | None:
    """Required names the service's usage lacks; never any, as that usage always lists all three."""
    if not isinstance(obj, Service):
        return ValueError(f"unexpected input object {obj}")
    missing = set(required) - set(service_usage_func(obj))
    return ValueError("must specify " + ",".join(sorted(missing))) if missing else None


@mirrors("kubernetes:pkg/quota/evaluator/core.PersistentVolumeClaimUsageFunc")
def pvc_usage_func(obj: KubeObject) -> ResourceList:
    if not isinstance(obj, PersistentVolumeClaim):
        return {}
    result = {RESOURCE_PVCS: must_parse("1")}
    if RESOURCE_STORAGE in obj.requests:
        result[RESOURCE_REQUESTS_STORAGE] = obj.requests[RESOURCE_STORAGE].copy()
    return result


@mirrors("kubernetes:pkg/quota/evaluator/core.PersistentVolumeClaimConstraintsFunc")
def pvc_constraints_func(required: Iterable[str], obj: KubeObject) -> Exception | None:
    """A quota on requests.storage needs a claim that requests storage ("must specify requests.storage")."""
    if not isinstance(obj, PersistentVolumeClaim):
        return ValueError(f"unexpected input object {obj}")
    missing = set(required) - set(pvc_usage_func(obj))
    return ValueError("must specify " + ",".join(sorted(missing))) if missing else None


def _count_evaluator(kind: str, resource: str, operations: tuple[str, ...], lister: ListFunc) -> GenericEvaluator:
    return GenericEvaluator(
        name=f"Evaluator.{kind}", group_kind=("", kind), operation_resources={op: [resource] for op in operations},
        matched_resource_names=[resource], matches_scope_func=matches_no_scope_func,
        usage_func=object_count_usage_func(resource), constraints_func=object_count_constraints_func(resource),
        list_func=lister,
    )


@mirrors("kubernetes:pkg/quota/generic.GenericRegistry")
@dataclass
class GenericRegistry:
    """The evaluators of a registry, by (group, kind)."""

    internal_evaluators: dict[tuple[str, str], Evaluator]

    @mirrors("kubernetes:pkg/quota/generic.GenericRegistry.Evaluators")
    def evaluators(self) -> dict[tuple[str, str], Evaluator]:
        return self.internal_evaluators


@mirrors("kubernetes:pkg/quota/evaluator/core.NewRegistry")
def new_registry(lister: Callable[[str, str], list[KubeObject]] | None = None) -> GenericRegistry:
    """The seven core evaluators by (group, kind). `lister(kind, namespace)` lists objects for UsageStats."""
    def by_kind(kind: str) -> ListFunc:
        return lambda namespace: (lister or (lambda k, n: []))(kind, namespace)

    service_resources = [RESOURCE_SERVICES, RESOURCE_SERVICES_NODE_PORTS, RESOURCE_SERVICES_LOAD_BALANCERS]
    pvc_resources = [RESOURCE_PVCS, RESOURCE_REQUESTS_STORAGE]
    evaluators = [
        new_pod_evaluator(by_kind("Pod")),
        GenericEvaluator("Evaluator.Service", ("", "Service"), {CREATE: service_resources, UPDATE: service_resources},
                         service_resources, matches_no_scope_func, service_usage_func, service_constraints_func,
                         by_kind("Service")),
        _count_evaluator("ReplicationController", RESOURCE_REPLICATION_CONTROLLERS, (CREATE,),
                         by_kind("ReplicationController")),
        _count_evaluator("Secret", RESOURCE_SECRETS, (CREATE,), by_kind("Secret")),
        _count_evaluator("ConfigMap", RESOURCE_CONFIG_MAPS, (CREATE,), by_kind("ConfigMap")),
        _count_evaluator("ResourceQuota", RESOURCE_QUOTAS, (CREATE,), by_kind("ResourceQuota")),
        GenericEvaluator("Evaluator.PersistentVolumeClaim", ("", "PersistentVolumeClaim"), {CREATE: pvc_resources},
                         pvc_resources, matches_no_scope_func, pvc_usage_func, pvc_constraints_func,
                         by_kind("PersistentVolumeClaim")),
    ]
    return GenericRegistry({e.group_kind: e for e in evaluators})


@mirrors("kubernetes:pkg/quota/install.NewRegistry")
def install_new_registry(lister: Callable[[str, str], list[KubeObject]] | None = None) -> GenericRegistry:
    """The registry of every API group's evaluators: in v1.5.2 only the core group has any."""
    return new_registry(lister)


def _demo() -> None:
    pod = Pod(name="web", namespace="dev",
              containers=[Container(requests=rl({"cpu": "100m", "memory": "64Mi"})),
                          Container(requests=rl({"cpu": "200m"}), limits=rl({"memory": "1Gi"}))],
              init_containers=[Container(requests=rl({"cpu": "500m"}))])
    print(f"pod {pod.namespace}/{pod.name}:")
    for label, c in [*(("init container", c) for c in pod.init_containers),
                     *((f"container {i}", c) for i, c in enumerate(pod.containers, start=1))]:
        limits = f"; limits {show(c.limits)}" if c.limits else ""
        print(f"  {label:15} requests {show(c.requests)}{limits}")
    print("\nPodUsageFunc: containers add up, the largest init container raises the sum")
    print("  ", show(pod_usage_func(pod)))
    print(f"  QoS {get_pod_qos(pod)}; scopes:",
          {s: pod_matches_scope_func(s, pod) for s in (SCOPE_TERMINATING, SCOPE_BEST_EFFORT)})
    print("  constraints for a quota on limits.cpu,cpu:", pod_constraints_func(["limits.cpu", "cpu"], pod))
    a, b = rl({"cpu": "1", "memory": "1Gi"}), rl({"cpu": "1500m", "pods": "2"})
    print("\nResourceList arithmetic on", show(a), "and", show(b))
    print("   add      ", show(add(a, b)))
    print("   subtract ", show(subtract(a, b)))
    print("   max      ", show(max_(a, b)))
    print("   a <= b?", less_than_or_equal(a, b))


if __name__ == "__main__":
    _demo()
