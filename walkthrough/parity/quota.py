"""Parity runner for quota vectors: `e-quota.json` and live parity's (`{"vectors": [...]}` of the quota harness).

e-quota.json: the pod evaluator's functions and ResourceList arithmetic. Quantities print with
String(). PodConstraintsFunc errors built from several map entries depend on Go's map order: a
vector may list every text seen (`error_variants`), and any of them passes.

Live vectors: an `evaluate` request runs one core evaluator (usage, constraints, Matches, the
operations' resources) on an object given as its v1 JSON; an `admit` request runs the ResourceQuota
admission plugin over quotas given as v1 JSON. `live_model` answers both with the models; objects
are decoded with the apiv1 model's defaults where it has the kind.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from walkthrough.parity import Outcome, guarded
from walkthrough.reimpl.kubernetes import apiv1, quota, quota_admission
from walkthrough.reimpl.kubernetes.apierrors import StatusError
from walkthrough.reimpl.kubernetes.quantity import Quantity

SCOPES = (quota.SCOPE_TERMINATING, quota.SCOPE_NOT_TERMINATING, quota.SCOPE_BEST_EFFORT, quota.SCOPE_NOT_BEST_EFFORT)


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `e-quota.json`, or whose meta names PodUsageFunc."""
    return "quota" in file_name.lower() or "PodUsageFunc" in str(meta.get("functions", ""))


def pod_from_json(raw: dict[str, Any]) -> quota.Pod:
    """The vectors' pod form: containers/initContainers with requests/limits, phase, activeDeadlineSeconds."""

    def containers(items: list[dict[str, Any]] | None) -> list[quota.Container]:
        return [
            quota.Container(quota.rl(c.get("requests") or {}), quota.rl(c.get("limits") or {})) for c in items or []
        ]

    return quota.Pod(
        name=raw.get("name", "p"),
        namespace=raw.get("namespace", "ns"),
        containers=containers(raw.get("containers")),
        init_containers=containers(raw.get("initContainers")),
        phase=raw.get("phase", ""),
        active_deadline_seconds=raw.get("activeDeadlineSeconds"),
    )


def _pod_outputs(pod: quota.Pod, expected: dict[str, Any]) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    for key, want in (expected.get("constraints") or {}).items():
        required = [name for name in key.split(",") if name]
        err = quota.pod_constraints_func(required, pod)
        text = "" if err is None else str(err)
        variants = want.get("error_variants") or []
        # any text upstream produced for this input (map order) counts as that text
        constraints[key] = {"error": want.get("error") if text in variants else text}
        if "error_variants" in want:
            constraints[key]["error_variants"] = variants
    return {
        "usage": quota.show(quota.pod_usage_func(pod)),
        "quota_pod": quota.quota_pod(pod),
        "matches_scope": {scope: quota.pod_matches_scope_func(scope, pod) for scope in SCOPES},
        "qos_class": quota.get_pod_qos(pod),
        "constraints": constraints,
    }


def _list_outputs(a: quota.ResourceList, b: quota.ResourceList) -> dict[str, Any]:
    allowed, exceeded = quota.less_than_or_equal(a, b)
    difference = quota.subtract(a, b)
    return {
        "add": quota.show(quota.add(a, b)),
        "subtract": quota.show(difference),
        "max": quota.show(quota.max_(a, b)),
        "equals": quota.equals(a, b),
        "is_zero_a": quota.is_zero(a),
        "less_than_or_equal": allowed,
        "less_than_or_equal_exceeded_sorted": sorted(exceeded),
        "is_negative_a_sorted": sorted(quota.is_negative(a)),
        "is_negative_subtract_sorted": sorted(quota.is_negative(difference)),
    }


def _decoded(kind: str, obj: dict[str, Any]) -> quota.KubeObject:
    """The evaluators' view of an object sent as v1 JSON, defaulted as the API server's decoder does."""
    if kind in apiv1.V1_FIELDS:
        obj, _ = apiv1.decode(json.dumps(obj).encode(), "", "v1", kind)
    return quota.object_from_api(kind, obj)


def live_model(request: dict[str, Any]) -> dict[str, Any]:
    """The quota harness's answer to a request, computed by the models."""
    registry = quota.new_registry()
    if request["op"] == "evaluate":
        evaluator = registry.evaluators()[("", request["kind"])]
        obj = _decoded(request["kind"], request["object"])
        err = evaluator.constraints(list(request["required"]), obj)
        resource_quota = quota.ResourceQuota(hard={name: Quantity() for name in request["quota"]["hard"]},
                                             scopes=list(request["quota"]["scopes"]))
        return normalise({
            "usage": quota.show(evaluator.usage(obj)), "constraints": "" if err is None else str(err),
            "matches": evaluator.matches(resource_quota, obj),
            "create": sorted(evaluator.get_operation_resources(quota.CREATE)),
            "update": sorted(evaluator.get_operation_resources(quota.UPDATE)),
        })
    quotas = [quota.resource_quota_from_api(_decoded_json("ResourceQuota", q)) for q in request["quotas"]]
    outcomes = {}
    for order in itertools.permutations(range(len(quotas))):
        outcome = _admit_once([quotas[i] for i in order], request, registry)
        outcomes[json.dumps(outcome, sort_keys=True)] = outcome
    return normalise({"outcomes": list(outcomes.values())})


class _OrderedAccessor(quota_admission.InMemoryQuotaAccessor):
    """The quotas in a given order: the Go plugin meets them in the order of a Go map."""

    def __init__(self, quotas: list[quota.ResourceQuota]) -> None:
        super().__init__(quotas)
        self.order = [(q.namespace, q.name) for q in quotas]

    def get_quotas(self, namespace: str) -> list[quota.ResourceQuota]:
        return [self.get(ns, name) for ns, name in self.order if ns == namespace]


def _admit_once(quotas: list[quota.ResourceQuota], request: dict[str, Any],
                registry: quota.GenericRegistry) -> dict[str, Any]:
    accessor = _OrderedAccessor(quotas)
    plugin = quota_admission.new_resource_quota(accessor, registry)
    kind = request["kind"]
    try:
        attributes = quota_admission.Attributes(
            kind=("", kind), namespace=request["namespace"], name=request["name"],
            resource=("", request["resource"]), operation=request["operation"],
            obj=_decoded(kind, request["object"]) if request["object"] is not None else None,
            old_obj=_decoded(kind, request["old_object"]) if request["old_object"] is not None else None,
            subresource=request["subresource"])
        err = plugin.admit(attributes)
    finally:
        plugin.evaluator.stop()
    used = {f"{q.namespace}/{q.name}": quota.show(accessor.get(q.namespace, q.name).used) for q in quotas}
    return {"error": None if err is None else str(err),
            "code": err.code if isinstance(err, StatusError) else 0, "used": used}


def _decoded_json(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    if kind in apiv1.V1_FIELDS:
        obj, _ = apiv1.decode(json.dumps(obj).encode(), "", "v1", kind)
    return obj


FIELD_ERRORS = re.compile(r", (?=spec\.)")


def normalise(answer: Any) -> Any:
    """An aggregate of field errors lists them in Go's map order: compare them sorted; outcomes too."""
    if not isinstance(answer, dict):
        return answer
    if isinstance(answer.get("outcomes"), list):
        outcomes = {json.dumps(o, sort_keys=True): o for o in map(normalise, answer["outcomes"])}
        return {**answer, "outcomes": [outcomes[key] for key in sorted(outcomes)]}
    out = dict(answer)
    for key in ("constraints", "error"):
        text = out.get(key)
        if isinstance(text, str) and "[" in text and text.endswith("]"):
            head, _, body = text.partition("[spec.")
            if body:
                parts = FIELD_ERRORS.split("spec." + body[:-1])
                out[key] = head + "[" + ", ".join(sorted(parts)) + "]"
    return out


def run(data: dict[str, Any]) -> list[Outcome]:
    """Pod vectors, then resource-list vectors; or live vectors."""
    if "vectors" in data:
        return [guarded(f"vectors[{i}] {v['inputs'].get('op')} {v['inputs'].get('kind')}", normalise(v["outputs"]),
                        lambda v=v: live_model(v["inputs"]), subset=False)
                for i, v in enumerate(data["vectors"])]
    outcomes = []
    for index, vector in enumerate(data.get("pod_vectors", [])):
        outcomes.append(guarded(f"pod_vectors[{index}]", vector["outputs"], lambda vector=vector: _pod_outputs(
            pod_from_json(vector["inputs"]["pod"]), vector["outputs"])))
    for index, vector in enumerate(data.get("resource_list_vectors", [])):
        inputs = vector["inputs"]
        name = f"resource_list_vectors[{index}] {inputs['a']} vs {inputs['b']}"
        outcomes.append(guarded(name, vector["outputs"], lambda inputs=inputs: _list_outputs(
            quota.rl(inputs["a"]), quota.rl(inputs["b"]))))
    return outcomes
