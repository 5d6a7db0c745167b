"""Quota: the seven core evaluators and the ResourceQuota admission plugin beside the models.

`evaluate` requests give one object of a core kind as v1 JSON (pods with containers and init
containers whose requests and limits name compute, GPU, opaque, storage and invalid resources in
valid, fractional and negative quantities; services of every type with any number of ports; claims
that request storage or not; counted kinds), the resources a quota requires, and a quota's hard
names and scopes. `admit` requests run the plugin over one or two quotas (hard, used, scopes) on a
create, update or delete of an object of a kind with or without an evaluator, subresources too.
Quantities are always well-formed: parsing them is the quantity family's. Two quotas that would fail
a request differently are cut to one (see `_one_order`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walkthrough.parity import quota as golden
from walkthrough.parity.live import LiveFamily

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

KINDS = {"Pod": "pods", "Service": "services", "PersistentVolumeClaim": "persistentvolumeclaims",
         "ReplicationController": "replicationcontrollers", "Secret": "secrets", "ConfigMap": "configmaps",
         "ResourceQuota": "resourcequotas"}
CONTAINER_RESOURCES = ("cpu", "memory", "cpu", "memory", "alpha.kubernetes.io/nvidia-gpu",
                       "pod.alpha.kubernetes.io/opaque-int-resource-foo", "storage", "requests.cpu", "bogus")
QUANTITIES = ("1", "100m", "500m", "64Mi", "1Gi", "0", "2", "1.5", "-1", "1e3", "3")
QUOTA_RESOURCES = ("pods", "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory",
                   "services", "services.nodeports", "services.loadbalancers", "persistentvolumeclaims",
                   "requests.storage", "configmaps", "secrets", "replicationcontrollers", "resourcequotas",
                   "alpha.kubernetes.io/nvidia-gpu")
SCOPES = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort")


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


def _resources(draw: DrawFn, names: tuple[str, ...]) -> dict[str, str]:
    st = _st()
    return draw(st.dictionaries(st.sampled_from(names), st.sampled_from(QUANTITIES), max_size=3))


def _container(draw: DrawFn, index: int) -> dict[str, Any]:
    st = _st()
    container: dict[str, Any] = {"name": f"c{index}", "image": "x"}
    resources = {}
    for key in draw(st.lists(st.sampled_from(["requests", "limits"]), unique=True, max_size=2)):
        resources[key] = _resources(draw, CONTAINER_RESOURCES)
    if resources:
        container["resources"] = resources
    return container


def objects(draw: DrawFn, kind: str, name: str = "web") -> dict[str, Any]:
    """An object of a core kind as v1 JSON."""
    st = _st()
    obj: dict[str, Any] = {"metadata": {"name": name, "namespace": "dev"}}
    if kind == "Pod":
        spec: dict[str, Any] = {"containers": [_container(draw, i) for i in range(draw(st.sampled_from((1, 2, 0, 3))))]}
        init = draw(st.sampled_from((0, 0, 1, 2)))
        if init:
            spec["initContainers"] = [_container(draw, 10 + i) for i in range(init)]
        deadline = draw(st.sampled_from((None, None, 0, 30)))
        if deadline is not None:
            spec["activeDeadlineSeconds"] = deadline
        obj["spec"] = spec
        phase = draw(st.sampled_from(("", "", "Running", "Succeeded", "Failed", "Pending")))
        if phase:
            obj["status"] = {"phase": phase}
    elif kind == "Service":
        service_type = draw(st.sampled_from(("", "ClusterIP", "NodePort", "NodePort", "LoadBalancer")))
        ports = [{"name": f"p{i}", "port": 80 + i} for i in range(draw(st.sampled_from((1, 2, 0, 3))))]
        obj["spec"] = {"ports": ports, **({"type": service_type} if service_type else {})}
    elif kind == "PersistentVolumeClaim":
        requests = _resources(draw, ("storage", "storage", "cpu"))
        obj["spec"] = {"accessModes": ["ReadWriteOnce"], **({"resources": {"requests": requests}} if requests else {})}
    return obj


KIND_RESOURCES = {
    "Pod": ("pods", "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"),
    "Service": ("services", "services.nodeports", "services.loadbalancers"),
    "PersistentVolumeClaim": ("persistentvolumeclaims", "requests.storage"),
}


def _quota(draw: DrawFn, name: str, kind: str) -> dict[str, Any]:
    st = _st()
    names = KIND_RESOURCES.get(kind, (KINDS.get(kind, "pods"),))  # mostly what the kind's evaluator counts
    hard = draw(st.dictionaries(st.one_of(st.sampled_from(names), st.sampled_from(QUOTA_RESOURCES)),
                                st.sampled_from(QUANTITIES[:7]), min_size=1, max_size=4))
    # a used entry for every hard one, mostly: a quota with a hard resource it has no usage for is
    # "status unknown", which stops admission before anything is counted
    complete = draw(st.sampled_from((True, True, True, True, False)))
    used = {k: draw(st.sampled_from(QUANTITIES[:7])) for k in hard if complete or draw(st.booleans())}
    scopes = draw(st.lists(st.sampled_from(SCOPES), max_size=2, unique=True))
    return {"metadata": {"name": name, "namespace": "dev", "resourceVersion": "1"},
            "spec": {"hard": hard, **({"scopes": scopes} if scopes else {})}, "status": {"hard": hard, "used": used}}


def requests() -> SearchStrategy[dict[str, Any]]:
    """Evaluator requests and admission requests, about one in three of them admission."""
    st = _st()

    @st.composite
    def request(draw: DrawFn) -> dict[str, Any]:
        kind = draw(st.sampled_from(("Pod", "Pod", "Service", "PersistentVolumeClaim", *KINDS)))
        if draw(st.sampled_from(("evaluate", "evaluate", "admit"))) == "evaluate":
            return {"op": "evaluate", "kind": kind, "object": objects(draw, kind),
                    "required": draw(st.lists(st.sampled_from(QUOTA_RESOURCES), max_size=3, unique=True)),
                    "quota": {"hard": draw(st.lists(st.sampled_from(QUOTA_RESOURCES), max_size=2, unique=True)),
                              "scopes": draw(st.lists(st.sampled_from(SCOPES), max_size=2, unique=True))}}
        operation = draw(st.sampled_from(("CREATE", "CREATE", "UPDATE", "DELETE")))
        resource = KINDS[kind] if draw(st.sampled_from((True, True, True, False))) else "deployments"
        return _one_order({"op": "admit", "quotas": [_quota(draw, n, kind) for n in ("a-quota", "b-quota")[:draw(
                    st.sampled_from((1, 2, 0)))]],
                "operation": operation, "kind": kind, "resource": resource,
                "subresource": draw(st.sampled_from(("", "", "", "status"))), "namespace": "dev", "name": "web",
                "object": objects(draw, kind) if operation != "DELETE" else None,
                "old_object": objects(draw, kind) if operation == "UPDATE" else None})

    return request()


def _one_order(request: dict[str, Any]) -> dict[str, Any]:
    """The request, cut to its first quota when the answer depends on the order the quotas are met in.

    The plugin stops at the first quota a request fails, and Go meets them in the order of a map (or of
    a live list, if the informer has not synced yet): which one is first is not ours to know, and
    the harness cannot be sure to see every order in a few calls.
    """
    if len(golden.live_model(request)["outcomes"]) > 1:
        return {**request, "quotas": request["quotas"][:1]}
    return request


def vector(request: dict[str, Any], answer: Any) -> dict[str, Any]:
    """A live quota vector file of one case."""
    return {"meta": {"functions": "quota evaluators (install.NewRegistry) and resourcequota admission (live parity)",
                     "source": "k8s.io/kubernetes/pkg/quota, plugin/pkg/admission/resourcequota (Kubernetes v1.5.2)"},
            "vectors": [{"inputs": request, "outputs": answer}]}


FAMILY = LiveFamily(
    name="quota",
    world="kubernetes",
    what="pkg/quota core evaluators and the ResourceQuota admission plugin: usage, constraints, admission errors",
    requests=requests,
    model=golden.live_model,
    vector=vector,
    normalise=golden.normalise,
)
