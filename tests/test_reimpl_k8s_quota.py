"""Quota models against the plan's k8s-quota-evaluator and k8s-quota-admission behaviours, and golden e."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from walkthrough.parity import quota as quota_runner
from walkthrough.parity import run_file
from walkthrough.reimpl.kubernetes import quota, quota_admission
from walkthrough.reimpl.kubernetes.quantity import QuantityError
from walkthrough.reimpl.kubernetes.quota import CREATE, UPDATE, Container, Pod, ResourceQuota, rl, show
from walkthrough.reimpl.kubernetes.quota_admission import (
    AdmissionWaiter,
    Attributes,
    InMemoryQuotaAccessor,
    QuotaEvaluator,
    StatusError,
)

GOLDEN = Path(__file__).parent / "golden"
POD_KIND, PODS = ("", "Pod"), ("", "pods")


def pod(name: str = "p", cpu: str | None = None, **kw: object) -> Pod:
    requests = rl({"cpu": cpu}) if cpu else {}
    return Pod(name=name, namespace="dev", containers=[Container(requests=requests)], **kw)  # type: ignore[arg-type]


def create(obj: Pod, namespace: str = "dev") -> Attributes:
    return Attributes(POD_KIND, namespace, obj.name, PODS, CREATE, obj)


def compute_quota(hard: dict[str, str], used: dict[str, str], name: str = "compute", **kw: object) -> ResourceQuota:
    return ResourceQuota(name=name, namespace="dev", hard=rl(hard), used=rl(used), **kw)  # type: ignore[arg-type]


def evaluator(*quotas: ResourceQuota, accessor: InMemoryQuotaAccessor | None = None) -> QuotaEvaluator:
    return QuotaEvaluator(accessor or InMemoryQuotaAccessor(list(quotas)), quota.new_registry(), workers=2)


def test_golden_vectors_pass() -> None:
    report = run_file(GOLDEN / "e-quota.json")
    assert report.outcomes
    assert not report.failed, report.failed[:3]


# ---- k8s-quota-evaluator ------------------------------------------------------------------------
def test_q_matches() -> None:
    pods = quota.new_pod_evaluator()
    assert pods.matches(compute_quota({"pods": "2"}, {}), pod())
    assert not pods.matches(compute_quota({"secrets": "2"}, {}), pod())
    assert not pods.matches(None, pod())
    best_effort = compute_quota({"pods": "2"}, {}, scopes=[quota.SCOPE_BEST_EFFORT])
    assert pods.matches(best_effort, pod())
    assert not pods.matches(best_effort, pod(cpu="1"))


def test_q_usagestats() -> None:
    listed = {"dev": [pod("a", cpu="100m"), pod("b", cpu="200m", phase="Succeeded"), pod("c")]}
    pods = quota.new_pod_evaluator(lambda ns: listed.get(ns, []))
    assert show(pods.usage_stats("empty")) == dict.fromkeys([*quota.POD_COMPUTE_RESOURCES, "pods"], "0")
    used = show(pods.usage_stats("dev"))
    assert used["pods"] == "2"
    assert used["cpu"] == "100m"
    assert used["limits.cpu"] == "0"
    assert show(pods.usage_stats("dev", [quota.SCOPE_BEST_EFFORT]))["pods"] == "1"  # only c is best-effort


def test_q_pod_usage() -> None:
    p = Pod(containers=[Container(requests=rl({"cpu": "100m"})), Container(requests=rl({"cpu": "200m"}))],
            init_containers=[Container(requests=rl({"cpu": "500m"}))])
    assert show(quota.pod_usage_func(p)) == {"pods": "1", "cpu": "500m", "requests.cpu": "500m"}
    assert quota.pod_usage_func(Pod(phase="Failed", containers=[Container()])) == {}
    assert quota.pod_usage_func(quota.Service()) == {}


@pytest.mark.parametrize(("deadline", "terminating"), [(None, False), (0, True), (30, True), (-1, False)])
def test_q_pod_scopes(deadline: int | None, terminating: bool) -> None:  # noqa: FBT001 - a parametrized case
    p = pod(active_deadline_seconds=deadline)
    assert quota.pod_matches_scope_func(quota.SCOPE_TERMINATING, p) is terminating
    assert quota.pod_matches_scope_func(quota.SCOPE_NOT_TERMINATING, p) is not terminating
    assert quota.pod_matches_scope_func(quota.SCOPE_BEST_EFFORT, p)
    assert not quota.pod_matches_scope_func(quota.SCOPE_NOT_BEST_EFFORT, p)
    assert not quota.pod_matches_scope_func(quota.SCOPE_BEST_EFFORT, quota.Service())


def test_q_pod_constraints() -> None:
    p = Pod(containers=[Container(requests=rl({"memory": "1Gi"}))])
    assert str(quota.pod_constraints_func(["limits.memory"], p)) == "must specify limits.memory"
    assert str(quota.pod_constraints_func(["limits.memory", "cpu"], p)) == "must specify cpu,limits.memory"
    assert quota.pod_constraints_func(["memory"], p) is None
    invalid = Pod(containers=[Container(requests=rl({"cpu": "2"}), limits=rl({"cpu": "1"}))])
    assert str(quota.pod_constraints_func([], invalid)) == (
        'spec.containers[0].resources.limits: Invalid value: "1": must be greater than or equal to cpu request')


def test_q_pod_evaluator() -> None:
    pods = quota.new_pod_evaluator()
    assert pods.matches_resources() == [*quota.POD_COMPUTE_RESOURCES, "pods"]
    assert pods.get_operation_resources(CREATE) == pods.matches_resources()
    assert pods.get_operation_resources(UPDATE) == []


def test_q_registry() -> None:
    kinds = {kind for _, kind in quota.new_registry().evaluators()}
    assert kinds == {"Pod", "Service", "ReplicationController", "Secret", "ConfigMap", "ResourceQuota",
                     "PersistentVolumeClaim"}


def test_q_arith() -> None:
    a, b = rl({"cpu": "1", "memory": "1Gi"}), rl({"cpu": "250m", "pods": "2"})
    assert show(quota.add(a, b)) == {"cpu": "1250m", "memory": "1Gi", "pods": "2"}
    assert show(quota.subtract(a, b)) == {"cpu": "750m", "memory": "1Gi", "pods": "-2"}
    assert show(quota.max_(a, b)) == {"cpu": "1", "memory": "1Gi", "pods": "2"}
    assert quota.less_than_or_equal(a, b) == (False, ["cpu"])  # only keys in both are compared
    assert show(quota.mask(a, ["memory", "pods"])) == {"memory": "1Gi"}
    assert quota.is_zero(rl({"cpu": "0", "pods": "0m"}))
    assert not quota.is_zero(a)
    assert quota.is_negative(quota.subtract(a, b)) == ["pods"]


def test_q_object_count() -> None:
    secrets = quota.new_registry().evaluators()[("", "Secret")]
    assert show(secrets.usage(quota.KubeObject("Secret", "s"))) == {"secrets": "1"}
    assert str(secrets.constraints(["pods"], quota.KubeObject("Secret"))) == "missing secrets"
    assert secrets.constraints(["secrets"], quota.KubeObject("Secret")) is None


# ---- k8s-quota-admission ------------------------------------------------------------------------
def test_qa_register() -> None:
    assert "ResourceQuota" in quota_admission.PLUGINS
    with pytest.raises(quota_admission.PluginRegisteredTwice, match='"ResourceQuota" was registered twice'):
        quota_admission.register_plugin("ResourceQuota", quota_admission.PLUGINS["ResourceQuota"])
    plugin = quota_admission.PLUGINS["ResourceQuota"](InMemoryQuotaAccessor())
    assert plugin.evaluator.workers == 5


def test_qa_ops() -> None:
    plugin = quota_admission.new_resource_quota(InMemoryQuotaAccessor([compute_quota({"pods": "0"}, {"pods": "0"})]))
    try:
        assert plugin.handles(CREATE)
        assert plugin.handles(UPDATE)
        assert not plugin.handles("DELETE")
        binding = Attributes(POD_KIND, "dev", "p", PODS, CREATE, pod(), subresource="binding")
        assert plugin.admit(binding) is None
        assert isinstance(plugin.admit(create(pod())), StatusError)
    finally:
        plugin.evaluator.stop()


def test_qa_evaluate_filter() -> None:
    e = evaluator(compute_quota({"pods": "0"}, {"pods": "0"}))
    e._started = True  # noqa: SLF001 - no workers: anything that reached the queue would time out
    assert e.evaluate(Attributes(("", "Widget"), "dev", "w", ("", "widgets"), CREATE, pod()), timeout=0.05) is None
    assert e.evaluate(Attributes(POD_KIND, "dev", "p", PODS, UPDATE, pod(), old_obj=pod()), timeout=0.05) is None
    assert str(e.evaluate(create(pod()), timeout=0.05)) == "timeout"


def test_qa_default_deny() -> None:
    waiter = quota_admission.new_admission_waiter(create(pod()))
    assert quota_admission.is_default_deny(waiter.result)
    assert str(waiter.result) == "DEFAULT DENY"
    assert not quota_admission.is_default_deny(None)
    # no quota applies: the placeholder is replaced by success
    e = evaluator()
    e.check_attributes("dev", [waiter])
    assert waiter.result is None
    assert waiter.finished.is_set()


def test_qa_batching() -> None:
    e = evaluator()
    first = AdmissionWaiter(create(pod("a")))
    e.add_work(first)
    ns, batch, _ = e.get_work()
    assert (ns, batch) == ("dev", [first])
    assert "dev" in e.in_progress
    late = [AdmissionWaiter(create(pod("b"))), AdmissionWaiter(create(pod("c")))]
    for waiter in late:
        e.add_work(waiter)
    assert e.dirty_work["dev"] == late
    assert "dev" not in e.work
    e.complete_work("dev")
    ns, batch, _ = e.get_work()
    assert (ns, batch) == ("dev", late)


def test_qa_check_attributes() -> None:
    class Broken(InMemoryQuotaAccessor):
        def get_quotas(self, namespace: str) -> list[ResourceQuota]:
            raise RuntimeError("error resolving quota.")

    waiters = [AdmissionWaiter(create(pod("a"))), AdmissionWaiter(create(pod("b")))]
    evaluator(accessor=Broken()).check_attributes("dev", waiters)
    assert all(str(w.result) == "error resolving quota." and w.finished.is_set() for w in waiters)
    waiters = [AdmissionWaiter(create(pod("a")))]
    evaluator().check_attributes("dev", waiters)
    assert waiters[0].result is None


def test_qa_check_request() -> None:
    e = evaluator()
    limits = compute_quota({"limits.memory": "1Gi", "pods": "5"}, {"limits.memory": "0", "pods": "0"})
    _, err = e.check_request([limits], create(pod("web")))
    assert isinstance(err, StatusError)
    assert err.code == 403
    assert str(err) == 'pods "web" is forbidden: failed quota: compute: must specify limits.memory'
    unknown = compute_quota({"pods": "5", "cpu": "1"}, {"pods": "0"})
    assert str(e.check_request([unknown], create(pod("web", cpu="100m")))[1]) == (
        'pods "web" is forbidden: status unknown for quota: compute')
    negative = Pod(name="neg", containers=[Container(requests=rl({"cpu": "-1"}))])
    assert "Invalid value" in str(e.check_request([compute_quota({"pods": "5"}, {"pods": "0"})], create(negative))[1])
    services = compute_quota({"services": "5"}, {"services": "1"})
    old = quota.Service(name="s", resource_version="7")
    update = Attributes(("", "Service"), "dev", "s", ("", "services"), UPDATE, quota.Service(name="s"), old)
    same, err = e.check_request([services], update)
    assert err is None
    assert same[0] is services
    no_old = Attributes(("", "Service"), "dev", "s", ("", "services"), UPDATE, quota.Service(name="s"))
    assert "prior version of object was not found" in str(e.check_request([services], no_old)[1])


def test_qa_limit_compare() -> None:
    e = evaluator()
    q = compute_quota({"pods": "2"}, {"pods": "1"})
    (after,), err = e.check_request([q], create(pod("a")))
    assert err is None
    assert show(after.used) == {"pods": "2"}
    _, err = e.check_request([after], create(pod("b")))
    assert str(err) == (
        'pods "b" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2'
    )
    assert err.status["reason"] == "Forbidden"
    assert err.status["details"] == {"kind": "pods", "name": "b"}


def test_qa_batch_accumulate() -> None:
    accessor = InMemoryQuotaAccessor([compute_quota({"pods": "1"}, {"pods": "0"})])
    e = evaluator(accessor=accessor)
    waiters = [AdmissionWaiter(create(pod("a"))), AdmissionWaiter(create(pod("b")))]
    e.check_attributes("dev", waiters)
    assert waiters[0].result is None
    assert "exceeded quota: compute" in str(waiters[1].result)
    assert show(accessor.get("dev", "compute").used) == {"pods": "1"}


def test_qa_status_update_retry() -> None:
    class Racing(InMemoryQuotaAccessor):
        """Another writer bumps the quota before each of our first `races` writes."""

        def __init__(self, quotas: list[ResourceQuota], races: int) -> None:
            super().__init__(quotas)
            self.races, self.writes = races, 0

        def update_quota_status(self, new_quota: ResourceQuota) -> Exception | None:
            self.writes += 1
            if self.races > 0:
                self.races -= 1
                current = self.get(new_quota.namespace, new_quota.name)
                current.used = quota.add(current.used, rl({"pods": "1"}))
                self.put(current)
            return super().update_quota_status(new_quota)

    accessor = Racing([compute_quota({"pods": "10"}, {"pods": "0"})], races=2)
    waiter = AdmissionWaiter(create(pod("a")))
    evaluator(accessor=accessor).check_attributes("dev", [waiter])
    assert waiter.result is None
    assert accessor.writes == 3
    assert show(accessor.get("dev", "compute").used) == {"pods": "3"}

    always = Racing([compute_quota({"pods": "10"}, {"pods": "0"})], races=100)
    waiter = AdmissionWaiter(create(pod("b")))
    evaluator(accessor=always).check_attributes("dev", [waiter])
    assert always.writes == 4  # the first write and 3 retries
    assert isinstance(waiter.result, StatusError)
    assert waiter.result.code == 409


def test_evaluate_end_to_end_with_workers() -> None:
    accessor = InMemoryQuotaAccessor([compute_quota({"pods": "3"}, {"pods": "0"})])
    plugin = quota_admission.new_resource_quota(accessor, num_evaluators=2)
    results: list[Exception | None] = []
    lock = threading.Lock()

    def admit(name: str) -> None:
        err = plugin.admit(create(pod(name)))
        with lock:
            results.append(err)

    threads = [threading.Thread(target=admit, args=(f"p{i}",)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=15)
    plugin.evaluator.stop()
    assert sum(r is None for r in results) == 3
    assert len(results) == 5
    assert show(accessor.get("dev", "compute").used) == {"pods": "3"}


def test_demos_run(capsys: pytest.CaptureFixture[str]) -> None:
    quota._demo()  # noqa: SLF001 - the module's `python -m` demo
    quota_admission._demo()  # noqa: SLF001 - the module's `python -m` demo
    assert "exceeded quota" in capsys.readouterr().out


def test_pod_from_api_json() -> None:
    p = quota.pod_from_api({
        "metadata": {"generateName": "web-", "namespace": "dev"},
        "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "250m"}, "limits": {"memory": 1024}}}],
                 "activeDeadlineSeconds": 5},
        "status": {"phase": "Pending"},
    })
    assert (p.generate_name, p.namespace, p.phase, p.active_deadline_seconds) == ("web-", "dev", "Pending", 5)
    assert show(quota.pod_usage_func(p)) == {
        "pods": "1", "cpu": "250m", "requests.cpu": "250m", "limits.memory": "1024",
    }
    with pytest.raises(QuantityError, match="must match the regular expression"):
        quota.pod_from_api({"spec": {"containers": [{"resources": {"requests": {"cpu": "lots"}}}]}})


def test_qa_new_from_plugins_chains_in_order() -> None:
    full = compute_quota({"pods": "1"}, {"pods": "1"})
    chain = quota_admission.new_from_plugins(InMemoryQuotaAccessor([full]), ["", "ResourceQuota"])
    try:
        assert len(chain.handlers) == 1  # the empty name is skipped
        err = chain.admit(create(pod("a", cpu="1m")))
        assert isinstance(err, StatusError)
        assert err.code == 403
        deleting = Attributes(POD_KIND, "dev", "a", PODS, quota.DELETE, None)
        assert chain.admit(deleting) is None  # no plugin handles DELETE
    finally:
        chain.handlers[0].evaluator.stop()
    with pytest.raises(quota_admission.UnknownPlugin, match="Unknown admission plugin: NamespaceLifecycle"):
        quota_admission.new_from_plugins(InMemoryQuotaAccessor(), ["NamespaceLifecycle"])


# --- as the Go has it (the quota harness of live parity) ------------------------------------------------


def test_live_quota_vectors_pass() -> None:
    data = json.loads((Path(__file__).parent / "golden" / "n-quota.json").read_text(encoding="utf-8"))
    assert len(data["vectors"]) == 200
    assert not [o.name for o in quota_runner.run(data) if not o.passed]


def _admit(kind: str, resource: str, obj: dict, hard: dict[str, str], used: dict[str, str]) -> dict:
    quota_json = {"metadata": {"name": "q", "namespace": "dev", "resourceVersion": "1"},
                  "spec": {"hard": hard}, "status": {"hard": hard, "used": used}}
    request = {"op": "admit", "quotas": [quota_json], "operation": "CREATE", "kind": kind, "resource": resource,
               "subresource": "", "namespace": "dev", "name": "c", "object": obj, "old_object": None}
    return quota_runner.live_model(request)["outcomes"][0]


def test_a_claim_without_requests_is_refused_by_a_storage_quota() -> None:
    claim = {"metadata": {"name": "c", "namespace": "dev"}, "spec": {"accessModes": ["ReadWriteOnce"]}}
    hard = {"persistentvolumeclaims": "5", "requests.storage": "1Gi"}
    assert _admit("PersistentVolumeClaim", "persistentvolumeclaims", claim, hard,
                  {"persistentvolumeclaims": "1", "requests.storage": "0"}) == {
        "code": 403, "error": 'persistentvolumeclaims "c" is forbidden: failed quota: q: must specify requests.storage',
        "used": {"dev/q": {"persistentvolumeclaims": "1", "requests.storage": "0"}}}
    claim["spec"]["resources"] = {"requests": {"storage": "512Mi"}}
    assert _admit("PersistentVolumeClaim", "persistentvolumeclaims", claim, hard,
                  {"persistentvolumeclaims": "1", "requests.storage": "0"})["used"] == {
        "dev/q": {"persistentvolumeclaims": "2", "requests.storage": "512Mi"}}


def test_node_ports_count_per_port() -> None:
    service = {"metadata": {"name": "s", "namespace": "dev"},
               "spec": {"type": "NodePort", "ports": [{"port": 80}, {"port": 81}]}}
    outcome = _admit("Service", "services", service, {"services.nodeports": "1"}, {"services.nodeports": "0"})
    assert outcome["error"] == ('services "s" is forbidden: exceeded quota: q, requested: services.nodeports=2, '
                                "used: services.nodeports=0, limited: services.nodeports=1")
