"""Parity runner for `e-quota.json`: the pod evaluator's functions and ResourceList arithmetic.

Quantities print with String(). PodConstraintsFunc errors built from several map entries depend
on Go's map order: a vector may list every text seen (`error_variants`), and any of them passes.
"""

from __future__ import annotations

from typing import Any

from walkthrough.parity import Outcome, guarded
from walkthrough.reimpl.kubernetes import quota

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


def run(data: dict[str, Any]) -> list[Outcome]:
    """Pod vectors, then resource-list vectors."""
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
