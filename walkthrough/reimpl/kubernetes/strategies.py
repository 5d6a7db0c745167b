"""The registry strategies of the kinds the apiserver serves (`pkg/registry/core/*/strategy.go`).

A strategy tells the generic `Store` what a kind allows: whether it lives in a namespace, what a
create or update resets (a pod's status, a namespace's finalizers), how it is validated (the
`validation` model), whether an update may create, whether an update without a resourceVersion is
allowed, and whether a delete is graceful. Also here: the fields each kind can be selected by, and
the equality-based label and field selectors over them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes import apiv1
from walkthrough.reimpl.kubernetes import validation as v

if TYPE_CHECKING:
    from collections.abc import Callable

Obj = dict[str, Any]


@mirrors("kubernetes:pkg/api/rest.RESTCreateStrategy", "kubernetes:pkg/api/rest.RESTUpdateStrategy",
         "kubernetes:pkg/api/rest.RESTDeleteStrategy")
@dataclass
class Strategy:
    """The defaults: namespaced, nothing reset, no validation beyond the object meta's, no graceful delete."""

    kind: str
    group: str = ""
    namespace_scoped: bool = True
    allow_create_on_update: bool = False
    allow_unconditional_update: bool = True
    return_deleted_object: bool = False
    graceful: bool = False
    selectable: tuple[str, ...] = field(default=())

    def prepare_for_create(self, obj: Obj) -> None:
        """PrepareForCreate: clear what a user may not set."""

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        """PrepareForUpdate: keep what a user may not change."""

    def validate(self, obj: Obj) -> list[v.FieldError]:
        return v.validate_object_meta(obj["metadata"], self.namespace_scoped, v.NAME_FUNCS.get(
            self.kind, v.name_is_dns_subdomain))

    def validate_update(self, obj: Obj, old: Obj) -> list[v.FieldError]:
        return []

    def check_graceful_delete(self, obj: Obj, options: Obj) -> bool:
        return False

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        """`<Kind>ToSelectableFields`: the object meta's name (and namespace), and the kind's own fields."""
        meta = obj["metadata"]
        fields = {"metadata.name": meta.get("name", "")}
        if self.namespace_scoped:
            fields["metadata.namespace"] = meta.get("namespace", "")
        for path in self.selectable:
            value: Any = obj
            for part in path.split("."):
                value = value.get(part, "") if isinstance(value, dict) else ""
            fields[path] = ("true" if value else "false") if isinstance(value, bool) else str(value or "")
        return fields


@mirrors("kubernetes:pkg/registry/core/pod.podStrategy")
class PodStrategy(Strategy):
    """A new pod starts Pending; an update keeps the status; a delete is graceful unless the pod is unscheduled."""

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {**apiv1.zero("PodStatus"), "phase": "Pending"}

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        obj["status"] = copy.deepcopy(old["status"])

    def validate(self, obj: Obj) -> list[v.FieldError]:
        return v.validate_pod(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[v.FieldError]:
        return v.validate_pod(obj) + v.validate_pod_update(obj, old)

    @mirrors("kubernetes:pkg/registry/core/pod.podStrategy.CheckGracefulDelete")
    def check_graceful_delete(self, obj: Obj, options: Obj) -> bool:
        """The grace period asked for, else the pod's own; 0 for a pod on no node or one that has finished."""
        period = options.get("gracePeriodSeconds")
        if period is None:
            period = obj["spec"]["terminationGracePeriodSeconds"] or 0
        if not obj["spec"]["nodeName"] or obj["status"]["phase"] in ("Failed", "Succeeded"):
            period = 0
        options["gracePeriodSeconds"] = period
        return True


@mirrors("kubernetes:pkg/registry/core/pod.podStatusStrategy")
class PodStatusStrategy(PodStrategy):
    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        obj["spec"] = copy.deepcopy(old["spec"])
        obj["metadata"]["deletionTimestamp"] = None

    def validate_update(self, obj: Obj, old: Obj) -> list[v.FieldError]:
        return v.validate_pod_status_update(obj, old)


@mirrors("kubernetes:pkg/registry/core/namespace.namespaceStrategy")
class NamespaceStrategy(Strategy):
    """A new namespace is Active and carries the `kubernetes` finalizer; updates keep both."""

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Active"}
        finalizers = obj["spec"]["finalizers"] or []
        if "kubernetes" not in finalizers:
            obj["spec"]["finalizers"] = [*finalizers, "kubernetes"]

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        obj["spec"]["finalizers"] = copy.deepcopy(old["spec"]["finalizers"])
        obj["status"] = copy.deepcopy(old["status"])

    def validate(self, obj: Obj) -> list[v.FieldError]:
        return v.validate_namespace(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[v.FieldError]:
        return v.validate_namespace(obj) + v.validate_namespace_update(obj, old)


@mirrors("kubernetes:pkg/registry/core/configmap.strategy")
class ConfigMapStrategy(Strategy):
    def validate(self, obj: Obj) -> list[v.FieldError]:
        return v.validate_config_map(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[v.FieldError]:
        return v.validate_config_map_update(obj, old)


@mirrors("kubernetes:pkg/registry/core/resourcequota.resourcequotaStrategy")
class ResourceQuotaStrategy(Strategy):
    """The status is the quota controller's and admission's: a create clears it, an update keeps it."""

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = apiv1.zero("ResourceQuotaStatus")

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        obj["status"] = copy.deepcopy(old["status"])

    def validate(self, obj: Obj) -> list[v.FieldError]:
        return v.validate_resource_quota(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[v.FieldError]:
        return v.validate_resource_quota(obj) + v.validate_resource_quota_update(obj, old)


@mirrors("kubernetes:pkg/registry/core/resourcequota.resourcequotaStatusStrategy")
class ResourceQuotaStatusStrategy(ResourceQuotaStrategy):
    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        obj["spec"] = copy.deepcopy(old["spec"])

    def validate_update(self, obj: Obj, old: Obj) -> list[v.FieldError]:
        return v.validate_resource_quota_status_update(obj, old)


@mirrors("kubernetes:pkg/registry/core/node.nodeStrategy")
class NodeStrategy(Strategy):
    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        obj["status"] = copy.deepcopy(old["status"])

    def validate(self, obj: Obj) -> list[v.FieldError]:
        return v.validate_node(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[v.FieldError]:
        return v.validate_node(obj) + v.validate_node_update(obj, copy.deepcopy(old))


@mirrors("kubernetes:pkg/registry/core/node.nodeStatusStrategy")
class NodeStatusStrategy(NodeStrategy):
    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        obj["spec"] = copy.deepcopy(old["spec"])

    def validate_update(self, obj: Obj, old: Obj) -> list[v.FieldError]:
        return v.validate_node_update(obj, copy.deepcopy(old))


def for_kind(kind: str, resource: str, namespaced: bool = True, group: str = "") -> Strategy:
    """The strategy of a kind's Store (the defaults for a kind not modelled)."""
    makers: dict[str, Callable[[], Strategy]] = {
        "Pod": lambda: PodStrategy("Pod", return_deleted_object=True, graceful=True,
                                   selectable=("spec.nodeName", "spec.restartPolicy", "status.phase")),
        "Namespace": lambda: NamespaceStrategy("Namespace", namespace_scoped=False, return_deleted_object=True,
                                               selectable=("status.phase", "name")),
        "ConfigMap": lambda: ConfigMapStrategy("ConfigMap"),
        "ResourceQuota": lambda: ResourceQuotaStrategy("ResourceQuota"),
        "Node": lambda: NodeStrategy("Node", namespace_scoped=False, selectable=("spec.unschedulable",)),
    }
    made = makers.get(kind)
    if made is not None:
        return made()
    return Strategy(kind, group, namespace_scoped=namespaced)


def status_strategy(strategy: Strategy) -> Strategy:
    """The strategy of a kind's `/status` subresource."""
    statuses = {PodStrategy: PodStatusStrategy, ResourceQuotaStrategy: ResourceQuotaStatusStrategy,
                NodeStrategy: NodeStatusStrategy}
    made = statuses.get(type(strategy))
    if made is None:
        return strategy
    return made(**{f: getattr(strategy, f) for f in strategy.__dataclass_fields__})


# --- selectors --------------------------------------------------------------------------------------


@mirrors("kubernetes:pkg/labels.Parse")
def match_labels(selector: str, labels: dict[str, str]) -> bool:
    """Equality-based selectors: `a=b,c!=d,e` (existence)."""
    for term in filter(None, (t.strip() for t in selector.split(","))):
        if "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key.strip()) == value.strip():
                return False
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            if labels.get(key.strip()) != value.strip():
                return False
        elif term.strip() not in labels:
            return False
    return True


@mirrors("kubernetes:pkg/fields.ParseSelector")
def match_fields(selector: str, fields: dict[str, str]) -> bool:
    """`a=b`, `a==b`, `a!=b` terms over the object's selectable fields (a missing field reads as "")."""
    for term in filter(None, (t.strip() for t in selector.split(","))):
        if "!=" in term:
            key, _, value = term.partition("!=")
            if fields.get(key.strip(), "") == value.strip():
                return False
            continue
        key, _, value = term.replace("==", "=").partition("=")
        if fields.get(key.strip(), "") != value.strip():
            return False
    return True


@mirrors("kubernetes:pkg/storage.SelectionPredicate.MatchesSingle")
def matches_single(selector: str) -> str | None:
    """The name a field selector asks for when it is exactly `metadata.name=<name>`."""
    terms = [t for t in selector.split(",") if t]
    if len(terms) == 1 and "!=" not in terms[0]:
        key, _, value = terms[0].replace("==", "=").partition("=")
        if key == "metadata.name":
            return value
    return None


def _demo() -> None:
    for kind in ("Pod", "Namespace", "ConfigMap", "ResourceQuota", "Node", "Widget"):
        strategy = for_kind(kind, kind.lower() + "s")
        print(f"{kind:14} {type(strategy).__name__:22} namespaced={strategy.namespace_scoped!s:5} "
              f"graceful={strategy.graceful!s:5} returns the deleted object={strategy.return_deleted_object}")
    pod = {"spec": {"nodeName": "node-1", "terminationGracePeriodSeconds": 30}, "status": {"phase": "Running"}}
    options: Obj = {}
    PodStrategy("Pod").check_graceful_delete(pod, options)
    print("a running pod on node-1, deleted without options: grace period", options["gracePeriodSeconds"])
    options = {}
    PodStrategy("Pod").check_graceful_delete({**pod, "spec": {"nodeName": "", "terminationGracePeriodSeconds": 30}},
                                             options)
    print("the same pod not yet scheduled: grace period", options["gracePeriodSeconds"])


if __name__ == "__main__":
    _demo()
