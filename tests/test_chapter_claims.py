"""Statements the chapters make about behaviour, each checked against the model that shows it.

A claim names its chapter and a quote taken from the sentence or note it backs. Its test id is that quote's
`chapter.md:line`, found when the tests are collected; a quote that is no longer in the chapter (the
sentence was reworded or removed) fails, so that the claim is read again and re-quoted, never left behind.
The models stand in for the Go here: each of them is checked against the Go elsewhere (golden vectors,
parity runs), and the audit that wrote these claims read the Go for each one.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from walkthrough.errors import SourcesMissing
from walkthrough.reimpl.docker import cli as docker_cli
from walkthrough.reimpl.docker import ids, layout
from walkthrough.reimpl.docker import reference as docker_reference
from walkthrough.reimpl.kubernetes import (
    abac,
    apierrors,
    apiinstaller,
    apiserver,
    authn,
    authorizer,
    authz,
    genericapiserver,
    jsonpatch,
    quota,
    quota_admission,
    rbac,
    registry,
    strategicpatch,
)
from walkthrough.reimpl.kubernetes import resthandler as rh
from walkthrough.reimpl.kubernetes._go import GoPanic
from walkthrough.reimpl.kubernetes.apiinstaller import ScopeNaming
from walkthrough.reimpl.kubernetes.quota import CREATE, Container, Pod, ResourceQuota, Service, rl, show
from walkthrough.reimpl.kubernetes.quota_admission import (
    Attributes,
    InMemoryQuotaAccessor,
    QuotaEvaluator,
    WorkQueue,
    new_admission_waiter,
)
from walkthrough.reimpl.kubernetes.restful import Container as RestfulContainer
from walkthrough.reimpl.kubernetes.restful import ProcessCrash, RestfulFatal
from walkthrough.reimpl.kubernetes.restful import Request as RestfulRequest
from walkthrough.sources import SourceTree, open_tree

if TYPE_CHECKING:
    from collections.abc import Callable

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
GOLDEN = Path(__file__).resolve().parent / "golden"


@dataclass(frozen=True)
class Claim:
    """One statement of a chapter (`quote` is a unique part of it) and the check that backs it.

    `model_gap` says why a model cannot show the statement yet (the Go has the behaviour, the model not):
    the check is then expected to fail, strictly, so that it is noticed once the model learns it.
    `releases` names the pinned source trees a check reads (the "Then and now" sections state facts about
    today's code, which no model shows): the check gets them as `trees`, and is skipped where one is absent.
    """

    chapter: str
    quote: str
    check: Callable[..., None]
    model_gap: str = ""
    releases: tuple[str, ...] = ()

    def lines(self) -> list[int]:
        """The 1-based chapter lines that hold the quote (one, when the claim is in place)."""
        text = (CHAPTERS / self.chapter).read_text(encoding="utf-8")
        return [n for n, line in enumerate(text.splitlines(), start=1) if self.quote in line]

    @property
    def where(self) -> str:
        found = self.lines()
        return f"{self.chapter}:{found[0] if len(found) == 1 else '?'}"


CLAIMS: list[Claim] = []


def claim(chapter: str, quote: str, model_gap: str = "",
          releases: tuple[str, ...] = ()) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Record the decorated function as the check of the statement quoted from `chapter`.

    A check that takes a `tmp_path` argument gets a fresh directory; one that takes `trees` gets the source
    trees of `releases`, by name.
    """

    def record(check: Callable[..., None]) -> Callable[..., None]:
        CLAIMS.append(Claim(chapter, quote, check, model_gap, releases))
        return check

    return record


def printed(demo: Callable[[], None]) -> str:
    """What a model's demo prints."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        demo()
    return out.getvalue()


# ---- quota helpers ----------------------------------------------------------------------------------
def _decide(quotas: list[ResourceQuota], *objects: quota.KubeObject,
            accessor: InMemoryQuotaAccessor | None = None) -> list[Exception | None]:
    """Run one batch of creations through checkAttributes (no threads); each waiter's result."""
    evaluator = QuotaEvaluator(accessor or InMemoryQuotaAccessor(quotas), quota.new_registry(), workers=1)
    waiters = [new_admission_waiter(Attributes(("", obj.kind), "dev", obj.name, ("", obj.kind.lower() + "s"),
                                               CREATE, obj)) for obj in objects]
    evaluator.check_attributes("dev", waiters)
    return [w.result for w in waiters]


def _quota(name: str, hard: dict[str, str], used: dict[str, str], scopes: list[str] | None = None) -> ResourceQuota:
    return ResourceQuota(name=name, namespace="dev", hard=rl(hard), used=rl(used), scopes=scopes or [])


def _pod(name: str, requests: dict[str, str] | None = None) -> Pod:
    return Pod(name=name, namespace="dev", containers=[Container(requests=rl(requests or {}))])


# ---- k8s-quota-evaluator.md -------------------------------------------------------------------------
@claim("k8s-quota-evaluator.md", "the init container's request, wins over the sum of the app containers'")
def _demo_init_container_raises_cpu_only() -> None:
    out = printed(quota._demo)  # noqa: SLF001 - the demo the chapter describes
    assert "'cpu': '500m', 'requests.cpu': '500m', 'memory': '64Mi', 'requests.memory': '64Mi'" in out
    assert "must specify limits.cpu" in out
    assert "a <= b? (True, [])" in out


@claim("k8s-quota-evaluator.md", 'Secrets, config maps, replication controllers and resource quotas cost exactly "one')
def _count_only_kinds() -> None:
    evaluators = quota.new_registry().evaluators()
    for kind, resource in [("Secret", "secrets"), ("ConfigMap", "configmaps"),
                           ("ReplicationController", "replicationcontrollers"), ("ResourceQuota", "resourcequotas")]:
        assert show(evaluators[("", kind)].usage(quota.KubeObject(kind, "x"))) == {resource: "1"}
    service = show(evaluators[("", "Service")].usage(Service(name="lb", type="LoadBalancer")))
    assert service == {"services": "1", "services.loadbalancers": "1", "services.nodeports": "0"}


@claim("k8s-quota-evaluator.md", "`Equals`, `IsZero` and `IsNegative` (not `Mask`)")
def _golden_quota_functions() -> None:
    meta = (GOLDEN / "e-quota.json").read_text(encoding="utf-8")
    for name in ("quota.Add", "Subtract", "Max", "LessThanOrEqual", "Equals", "IsZero", "IsNegative"):
        assert name in meta
    assert "Mask" not in meta


@claim("k8s-quota-evaluator.md", "enforced only from the controller's first sync on")
def _unsynced_quota_is_not_enforced() -> None:
    unsynced = ResourceQuota(name="new", namespace="dev")  # status.hard and status.used empty
    assert not quota.new_pod_evaluator().matches(unsynced, _pod("p"))
    assert _decide([unsynced], _pod("p")) == [None]


@claim("k8s-quota-evaluator.md", "app containers set no cpu or memory request or limit above zero (init containers")
def _best_effort() -> None:
    init_only = Pod(containers=[Container()], init_containers=[Container(requests=rl({"cpu": "1"}))])
    zero = Pod(containers=[Container(requests=rl({"cpu": "0"}), limits=rl({"memory": "0"}))])
    other = Pod(containers=[Container(requests=rl({"nvidia.com/gpu": "1"}))])
    assert all(quota.is_best_effort(p) for p in (init_only, zero, other))
    assert not quota.is_best_effort(_pod("p", {"memory": "1Mi"}))


# ---- k8s-quota-admission.md -------------------------------------------------------------------------
@claim("k8s-quota-admission.md", "Every resource in the request's usage is compared, explicit zeros included")
def _over_limit_quota_refuses() -> None:
    memory = _quota("compute", {"memory": "1Gi", "cpu": "4"}, {"memory": "2Gi", "cpu": "0"})
    cpu_only, zero_memory = _decide([memory], _pod("a", {"cpu": "100m"}), _pod("b", {"cpu": "100m", "memory": "0"}))
    assert str(cpu_only) == 'pods "a" is forbidden: failed quota: compute: must specify memory'
    assert str(zero_memory).endswith("requested: memory=0, used: memory=2Gi, limited: memory=1Gi")
    balancers = _quota("lb", {"services.loadbalancers": "1"}, {"services.loadbalancers": "2"})
    [cluster_ip] = _decide([balancers], Service(name="web"))
    assert str(cluster_ip) == ('services "web" is forbidden: exceeded quota: lb, requested: services.loadbalancers=0, '
                               "used: services.loadbalancers=2, limited: services.loadbalancers=1")
    services = _quota("objects", {"services": "1", "pods": "10"}, {"services": "5", "pods": "0"})
    assert _decide([services], _pod("c", {"cpu": "1"})) == [None]


@claim("k8s-quota-admission.md", "A matching quota with a hard limit that has no used value blocks every request")
def _status_unknown() -> None:
    half = _quota("half", {"pods": "5", "cpu": "1"}, {"pods": "0"})
    [err] = _decide([half], _pod("a", {"cpu": "1m"}))
    assert str(err) == 'pods "a" is forbidden: status unknown for quota: half'
    assert _decide([ResourceQuota(name="unsynced", namespace="dev")], _pod("b")) == [None]


@claim("k8s-quota-admission.md", "A waiter refused earlier by a quota that was written fine can then be admitted")
def _retry_rechecks_every_waiter() -> None:
    full = _quota("best-effort", {"pods": "1"}, {"pods": "1"}, [quota.SCOPE_BEST_EFFORT])
    room = _quota("burstable", {"pods": "10"}, {"pods": "0"}, [quota.SCOPE_NOT_BEST_EFFORT])

    class OneConflict(InMemoryQuotaAccessor):
        """Another writer updates `burstable` just before our first write of it."""

        raced = False

        def update_quota_status(self, new_quota: ResourceQuota) -> Exception | None:
            if new_quota.name == "burstable" and not self.raced:
                self.raced = True
                self.put(self.get("dev", "burstable"))
            return super().update_quota_status(new_quota)

    best_effort, burstable = _pod("refused", {}), _pod("charged", {"cpu": "1"})
    refused_alone, _ = _decide([full, room], best_effort, burstable)
    assert "exceeded quota: best-effort" in str(refused_alone)
    assert _decide([full, room], best_effort, burstable, accessor=OneConflict([full, room])) == [None, None]


@claim("k8s-quota-admission.md", "addWork's Add only marked the namespace dirty while it was being processed")
def _work_queue_requeues_on_done() -> None:
    queue = WorkQueue()
    queue.add("dev")
    assert queue.get() == ("dev", False)
    queue.add("dev")  # while "dev" is being processed
    assert len(queue) == 0
    queue.done("dev")
    assert len(queue) == 1


@claim("k8s-quota-admission.md", "A request that touched no quota is decided at once (admitted)")
def _untouched_request_admitted() -> None:
    secrets = _quota("secrets", {"secrets": "1"}, {"secrets": "1"})
    assert _decide([secrets], _pod("p", {"cpu": "1"})) == [None]


@claim("k8s-quota-admission.md", "exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2")
def _admission_demo() -> None:
    out = printed(quota_admission._demo)  # noqa: SLF001 - the demo the chapter describes
    lines = out.splitlines()
    assert "create pod a (cpu 500m) -> admitted" in lines[1]
    assert lines[3].endswith(
        'pods "b" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2')
    assert lines[5].endswith(
        "requested: pods=1,requests.cpu=2, used: pods=2,requests.cpu=500m, limited: pods=2,requests.cpu=1")
    assert lines[2] == lines[4] == lines[6]  # used is unchanged by the refusals


# ---- k8s-quota-evaluator.md, k8s-quota-admission.md: the third audit ---------------------------------
class _AlwaysRaced(InMemoryQuotaAccessor):
    """Another writer updates each quota just before every one of our writes: each write is a conflict."""

    writes = 0

    def update_quota_status(self, new_quota: ResourceQuota) -> Exception | None:
        self.writes += 1
        self.put(self.get(new_quota.namespace, new_quota.name))
        return super().update_quota_status(new_quota)


@claim("k8s-quota-evaluator.md", 'exit: {label: refused, detail: "must specify cpu,memory"')
def _matches_before_constraints() -> None:
    compute = _quota("compute", {"cpu": "1", "memory": "1Gi"}, {"cpu": "0", "memory": "0"})
    [err] = _decide([compute], _pod("p"))
    assert str(err) == 'pods "p" is forbidden: failed quota: compute: must specify cpu,memory'
    jobs = _quota("jobs", {"cpu": "1", "memory": "1Gi"}, {"cpu": "0", "memory": "0"}, [quota.SCOPE_TERMINATING])
    assert _decide([jobs], _pod("p")) == [None]  # Matches said no: its constraints are never asked


@claim("k8s-quota-evaluator.md", "Only UsageStats needs listing; admission never calls it.")
def _admission_never_lists() -> None:
    def lister(kind: str, namespace: str) -> list[quota.KubeObject]:
        raise AssertionError(f"admission listed {kind} in {namespace}")

    accessor = InMemoryQuotaAccessor([_quota("compute", {"pods": "2"}, {"pods": "0"})])
    evaluator = QuotaEvaluator(accessor, quota.new_registry(lister), workers=1)
    waiter = new_admission_waiter(Attributes(("", "Pod"), "dev", "p", ("", "pods"), CREATE, _pod("p")))
    evaluator.check_attributes("dev", [waiter])
    assert waiter.result is None
    assert show(accessor.get("dev", "compute").used) == {"pods": "1"}


@claim("k8s-quota-evaluator.md", "Every pod that is charged at all (not Succeeded or Failed) counts as one pod")
def _terminal_pods_count_nothing() -> None:
    assert show(quota.pod_usage_func(Pod(containers=[Container()]))) == {"pods": "1"}
    for phase in ("Succeeded", "Failed"):
        assert quota.pod_usage_func(Pod(phase=phase, containers=[Container(requests=rl({"cpu": "1"}))])) == {}
    assert show(quota.pod_usage_func(Pod(phase="Running", containers=[Container()]))) == {"pods": "1"}


@claim("k8s-quota-evaluator.md", "The containers' resources are validated first (request ≤ limit and so on)")
def _resources_validated_before_constraints() -> None:
    over = Pod(containers=[Container(requests=rl({"cpu": "2"}), limits=rl({"cpu": "1"}))])
    err = quota.pod_constraints_func(["cpu", "memory"], over)  # memory is missing too, but not reported
    assert str(err) == ('spec.containers[0].resources.limits: Invalid value: "1": '
                        "must be greater than or equal to cpu request")
    # The pod's name is checked only by the storage, after the quota was charged for it.
    lines: list[str] = []
    mini = apiserver.build_server("abac", 0, log=lines.append)
    port = mini.start()
    try:
        body = json.dumps(apiserver.tour_pod("Bad_Name")).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/namespaces/dev/pods", data=body,
                                         method="POST", headers={"Content-Type": "application/json",
                                                                 "Authorization": "Bearer dev-token"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310 - our own server, loopback
        refused.value.close()
    finally:
        mini.shutdown()
    assert refused.value.code == 422
    answer = lines[lines.index("POST /api/v1/namespaces/dev/pods"):]
    charged = answer.index("  store  updated resourcequotas dev/dev-quota resourceVersion=5")
    assert charged < answer.index("  admit  CREATE pods dev/Bad_Name: admitted") < len(answer) - 1
    assert answer[-1].endswith("-> 422")


@claim("k8s-quota-evaluator.md", "it reads: the controller's last count plus what admission charged since")
def _admission_adds_to_what_it_reads() -> None:
    accessor = InMemoryQuotaAccessor([_quota("compute", {"pods": "5"}, {"pods": "3"})])  # the controller's count
    for name in ("a", "b"):  # two batches, one after the other
        assert _decide([], _pod(name), accessor=accessor) == [None]
    assert show(accessor.get("dev", "compute").used) == {"pods": "5"}
    [err] = _decide([], _pod("c"), accessor=accessor)
    assert str(err).endswith("requested: pods=1, used: pods=5, limited: pods=5")


@claim("k8s-quota-admission.md", 'Only a successful quota write (or "this request changes no quota") replaces it')
def _unchanged_quota_admits_without_a_write() -> None:
    balancers = _quota("lb", {"services.loadbalancers": "1"}, {"services.loadbalancers": "1"})
    accessor = _AlwaysRaced([balancers])
    evaluator = QuotaEvaluator(accessor, quota.new_registry(), workers=1)
    old = Service(name="web", namespace="dev", type="NodePort", resource_version="7")
    new = Service(name="web", namespace="dev", type="NodePort", resource_version="7")
    waiter = new_admission_waiter(Attributes(("", "Service"), "dev", "web", ("", "services"), quota.UPDATE,
                                             new, old))
    evaluator.check_attributes("dev", [waiter])
    assert (waiter.result, accessor.writes) == (None, 0)


@claim("k8s-quota-admission.md", "at the limit, adding zero passes")
def _cluster_ip_at_the_balancer_limit() -> None:
    at_limit = _quota("lb", {"services.loadbalancers": "1"}, {"services.loadbalancers": "1"})
    assert _decide([at_limit], Service(name="web")) == [None]
    over = _quota("lb", {"services.loadbalancers": "1"}, {"services.loadbalancers": "2"})
    [err] = _decide([over], Service(name="web"))
    assert "exceeded quota: lb, requested: services.loadbalancers=0" in str(err)


@claim("k8s-quota-admission.md", "so one pass over a batch cannot collectively exceed a limit")
def _one_pass_stays_within_the_limit() -> None:
    accessor = InMemoryQuotaAccessor([_quota("compute", {"pods": "2"}, {"pods": "0"})])
    results = _decide([], _pod("a"), _pod("b"), _pod("c"), accessor=accessor)
    assert results[:2] == [None, None]
    assert str(results[2]).endswith("requested: pods=1, used: pods=2, limited: pods=2")
    assert show(accessor.get("dev", "compute").used) == {"pods": "2"}


@claim("k8s-quota-admission.md", "quota's write still fails after the third retry (four writes in all)")
def _retries_exhausted_hand_back_the_conflict() -> None:
    compute = _quota("compute", {"pods": "5"}, {"pods": "0"})
    best_effort = _quota("best-effort", {"pods": "0"}, {"pods": "0"}, [quota.SCOPE_BEST_EFFORT])
    accessor = _AlwaysRaced([compute, best_effort])
    charged, refused = _decide([], _pod("a", {"cpu": "1"}), _pod("b"), accessor=accessor)
    assert accessor.writes == 4  # compute only: best-effort never changed
    assert isinstance(charged, apierrors.StatusError)
    assert charged.code == 409
    assert str(charged) == ('Operation cannot be fulfilled on resourcequotas "compute": the object has been '
                            "modified; please apply your changes to the latest version and try again")
    assert str(refused).startswith('pods "b" is forbidden: exceeded quota: best-effort')  # decided in the first pass


@claim("k8s-quota-admission.md", "`hard pods=2,requests.cpu=1` and `used pods=1,requests.cpu=0` (the zero is needed")
def _admission_demo_quota() -> None:
    first = printed(quota_admission._demo).splitlines()[0]  # noqa: SLF001 - the demo the chapter describes
    assert first == "quota compute: hard pods=2,requests.cpu=1; used pods=1,requests.cpu=0"
    [err] = _decide([_quota("compute", {"pods": "2", "requests.cpu": "1"}, {"pods": "1"})], _pod("a", {"cpu": "1m"}))
    assert str(err) == 'pods "a" is forbidden: status unknown for quota: compute'


# ---- request-path.md ---------------------------------------------------------------------------------
@claim("request-path.md", "(else 403, or 500 when a mode reported an error)")
def _authorization_error_is_500() -> None:
    def api(req: authn.Request) -> authn.Response:
        return authn.Response(299)

    request = authn.Request(path="/api/v1/pods")
    request.request_info = authz.default_request_info_factory().new_request_info(request)
    failing, deny, allow = authz.AlwaysFailAuthorizer(), authz.AlwaysDenyAuthorizer(), authz.AlwaysAllowAuthorizer()
    assert authz.with_authorization(api, authz.union_new(deny, failing))(request).status == 500
    assert authz.with_authorization(api, authz.union_new(deny, deny))(request).status == 403
    assert authz.with_authorization(api, authz.union_new(failing, allow))(request).status == 299


def _param(c: Claim) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=c.model_gap)] if c.model_gap else []
    if c.releases:
        marks.append(pytest.mark.upstream)
    return pytest.param(c, id=c.where, marks=marks)


# ---- k8s-authenticator.md --------------------------------------------------------------------------
def _challenge(options: genericapiserver.ServerRunOptions) -> str | None:
    """The WWW-Authenticate header of the 401 the generic server configured from `options` answers."""
    config = genericapiserver.Config().apply_options(options)
    return authn.unauthorized(config.supports_basic_auth)(authn.Request()).headers.get("WWW-Authenticate")


@claim("k8s-authenticator.md", "which only adds `HTTPBasic` to the returned security definitions")
def _has_basic_auth_only_names_a_security_definition() -> None:
    _, definitions = authn.new(authn.AuthenticatorConfig(keystone_url="https://keystone"))
    assert sorted(definitions) == ["HTTPBasic"]
    assert _challenge(genericapiserver.ServerRunOptions()) is None


@claim("k8s-authenticator.md", "config derives `SupportsBasicAuth` from that flag alone")
def _basic_challenge_needs_the_password_file() -> None:
    with_file = genericapiserver.ServerRunOptions(basic_auth_file="users.csv")
    assert _challenge(with_file) == 'Basic realm="kubernetes-master"'
    assert _challenge(genericapiserver.ServerRunOptions()) is None


@claim("k8s-authenticator.md", "the last lines call `New` with only anonymous access and the any-token mode")
def _authn_demo() -> None:
    out = printed(authn._demo)  # noqa: SLF001 - the demo the chapter describes
    assert out.rstrip().endswith("UnionAuthenticator, security definitions: ['BearerToken']")
    assert "user=alice ['dev', 'system:authenticated']" in out
    assert out.count("user=system:anonymous ['system:unauthenticated']") == 3


# ---- k8s-authorizer.md ----------------------------------------------------------------------------
def _attributes(method: str, path: str, query: str = "") -> authorizer.AttributesRecord:
    """The authorization attributes of a request, as the RequestInfo filter and GetAttribs derive them."""
    req = authn.Request(method=method, path=path, query=query)
    req.request_info = authz.default_request_info_factory().new_request_info(req)
    return authz.request_attributes(req)


@claim("k8s-authorizer.md", "a watch of one object")
def _resource_names_and_watch() -> None:
    named = rbac.PolicyRule(verbs=["list", "watch", "create"], api_groups=[""], resources=["pods"],
                            resource_names=["web"])
    one = _attributes("GET", "/api/v1/watch/namespaces/dev/pods/web")
    assert (one.verb, one.name) == ("watch", "web")
    assert rbac.rule_allows(one, named)
    for method, path, query in [("GET", "/api/v1/namespaces/dev/pods", ""),
                                ("GET", "/api/v1/namespaces/dev/pods", "watch=true"),
                                ("GET", "/api/v1/watch/namespaces/dev/pods", ""),
                                ("POST", "/api/v1/namespaces/dev/pods", "")]:
        assert not rbac.rule_allows(_attributes(method, path, query), named), (method, path, query)


# ---- k8s-master-genericapiserver.md ----------------------------------------------------------------
@claim("k8s-master-genericapiserver.md", "for `--service-cluster-ip-range=10.0.0.0/24`: the first address of the range")
def _discovery_for_the_service_network() -> None:
    for cidr, address in [("10.0.0.0/24", "10.0.0.1:443"), ("192.168.16.0/20", "192.168.16.1:443")]:
        config = genericapiserver.MasterConfig(genericapiserver.new_config(), service_ip_range=cidr).complete()
        assert config.generic_config.discovery_addresses == {
            "default_address": "", "cidr_rules": [{"ip_range": cidr, "address": address}]}


# ---- docker-cli.md ---------------------------------------------------------------------------------
def _docker(*args: str) -> docker_cli.Outcome:
    return docker_cli.main(["docker", *args], environ={"HOME": "/home/u"})


@claim("docker-cli.md", "`docker help ps` does, because it runs `ps --help`")
def _help_of_a_command_builds_the_client() -> None:
    helped = _docker("help", "ps")
    assert [(i.handler, i.command, i.args) for i in helped.trace] == [("CobraAdaptor", "ps", ["--help"])]
    assert helped.docker_cli_inits == 1
    assert _docker("help").docker_cli_inits == 0
    assert _docker("daemon").docker_cli_inits == 0


@claim("docker-cli.md", "Cli.command returns it for the legacy commands, CobraAdaptor.run for the cobra ones")
def _second_host_fails_before_any_command() -> None:
    for command in ("exec", "ps"):
        outcome = _docker("-H", "tcp://a:1", "-H", "tcp://b:2", command, "x")
        assert (outcome.exit_code, outcome.stderr, outcome.trace) == (1, "Please specify only one -H\n", [])


@claim("docker-cli.md", "Unless its first argument is `--help`, it ignores the args it was given")
def _daemon_proxy_rereads_the_command_line() -> None:
    def run(*argv: str) -> list[str]:
        trace: list[docker_cli.Invocation] = []
        proxy = docker_cli.DaemonProxy(["docker", *argv], trace, exists=lambda path: True)
        proxy.cmd_daemon(*argv[argv.index("daemon") + 1:])
        return trace[0].detail["argv"]

    assert run("-D", "daemon", "--debug") == ["dockerd", "-D", "--debug"]
    assert run("-D", "daemon", "--help") == ["dockerd", "--help"]


# ---- docker-image-store.md -------------------------------------------------------------------------
@claim("docker-image-store.md", "A config with no `rootfs` at all panics here on the nil pointer")
def _create_without_rootfs_panics_first(tmp_path: Path) -> None:
    backend = ids.FSStoreBackend(tmp_path / "imagedb")
    with pytest.raises(ids.GoPanic, match="nil pointer dereference"):
        ids.ImageStore(backend).create(b'{"architecture":"amd64","history":[{"created_by":"x"}]}')
    assert list((tmp_path / "imagedb" / "content" / "sha256").iterdir()) == []  # nothing was stored


@claim("docker-image-store.md", "Every caller in 1.12 passes it (tag, pull, load, commit and build tagging)")
def _loading_moves_a_tag(tmp_path: Path) -> None:
    daemon = layout.Daemon.open(tmp_path)
    first = layout.build_save_archive([[("a", b"1")]], ["demo:1"])
    second = layout.build_save_archive([[("a", b"2")]], ["demo:1"])
    old = daemon.load(layout.read_save_archive(first)).tags["demo:1"]
    moved = daemon.load(layout.read_save_archive(second))
    assert moved.tags["demo:1"] != old
    assert any("renaming the old one" in line for line in moved.messages)
    with pytest.raises(layout.LayoutError, match=r"^Conflict: Tag demo:1 is already set"):
        daemon.references.add_reference(docker_reference.parse_named("demo:1"), old, force=False)


# ---- k8s-apiinstaller.md -----------------------------------------------------------------------------
@claim("k8s-apiinstaller.md", "`ListResource` relies on exactly this error to tell a plain list from")
def _empty_name_tells_a_list_from_a_named_watch() -> None:
    store = registry.Store("Pod", "pods")
    for name in ("a", "b"):
        store.create({"namespace": "dev"}, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                                            "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    namer = ScopeNaming("/api/v1/namespaces/", "/pods/")
    scope = rh.RequestScope(namer, rh.GroupVersionKind("", "v1", "Pod"), "pods")

    def listed(params: dict[str, str]) -> list[str]:
        req = RestfulRequest.new("GET", "/api/v1/namespaces/dev/pods")
        req.path_parameters = params
        res = rh.Response()
        rh.list_resource(store, None, scope, False, 0)(req, res)
        return [item["metadata"]["name"] for item in json.loads(res.body)["items"]]

    with pytest.raises(apierrors.StatusError, match="name must be provided"):
        namer.name(RestfulRequest.new("GET", "/api/v1/namespaces/dev/pods"))
    assert listed({"namespace": "dev"}) == ["a", "b"]
    assert listed({"namespace": "dev", "name": "b"}) == ["b"]  # the name becomes a field selector


# ---- k8s-resthandler.md -----------------------------------------------------------------------------
def _pod_handlers() -> tuple[Callable[..., tuple[int, dict]], registry.Store]:
    """`call(handler_factory, method, body, content_type)` -> (code, body) over a pod storage holding `web`."""
    store = registry.Store("Pod", "pods")
    scope = rh.RequestScope(ScopeNaming("/api/v1"), rh.GroupVersionKind("", "v1", "Pod"), "pods")

    def call(factory: Callable[..., rh.Handler], method: str, body: object = None,
             content_type: str = "application/json") -> tuple[int, dict]:
        named = method != "POST"
        path = "/api/v1/namespaces/default/pods" + ("/web" if named else "")
        req = rh.Request.new(method, path, {"Content-Type": content_type},
                             json.dumps(body).encode() if body is not None else b"")
        req.path_parameters = {"namespace": "default", **({"name": "web"} if named else {})}
        res = rh.Response()
        args = {"DELETE": (store, True, scope, None), "GET": (store, None, scope)}.get(method, (store, scope, None))
        factory(*args)(req, res)
        return res.status, json.loads(res.body or b"{}")

    call(rh.create_resource, "POST", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {
        "containers": [{"name": "web", "image": "nginx:1.10"}, {"name": "log", "image": "busybox"}]}})
    return call, store


@claim("k8s-resthandler.md", "HasConflicts follows only one key of each map")
def _has_conflicts_follows_one_key() -> None:
    ours = {"metadata": {"labels": {"a": "1"}}, "spec": {"activeDeadlineSeconds": 1}}
    theirs = {"metadata": {"resourceVersion": "7"}, "spec": {"activeDeadlineSeconds": 2}}
    assert not strategicpatch.has_conflicts(ours, theirs)  # the spec conflict is never looked at
    assert strategicpatch.has_conflicts({"spec": ours["spec"], "metadata": ours["metadata"]}, theirs)
    assert not strategicpatch.has_conflicts([{"a": 1}, {"b": 1}], [{"a": 1}, {"b": 2}])
    assert strategicpatch.has_conflicts([{"a": 1}], [{"a": 1}, {"b": 2}])


@claim("k8s-resthandler.md", "everything else whole, lists included: send one container and the patched pod has one")
def _merge_patch_replaces_lists() -> None:
    pod = {"spec": {"containers": [{"name": "web", "image": "a"}, {"name": "log", "image": "b"}]}}
    patch = {"spec": {"containers": [{"name": "web", "image": "c"}]}}
    assert jsonpatch.merge_patch(pod, json.dumps(patch).encode()) == patch
    assert jsonpatch.merge_patch({"a": 1, "b": 2}, b'{"a": null}') == {"b": 2}
    merged = strategicpatch.strategic_merge_patch(pod, json.dumps(patch).encode(), "Pod")
    assert [c["name"] for c in merged["spec"]["containers"]] == ["web", "log"]


@claim("k8s-resthandler.md", "server refuses with 422, as the pod's update validation allows no container")
def _merge_patch_of_containers_is_refused() -> None:
    call, store = _pod_handlers()
    code, body = call(rh.patch_resource, "PATCH", {"spec": {"containers": [{"name": "web", "image": "c"}]}},
                      rh.MERGE_PATCH)
    assert code == 422
    assert "pod updates may not add or remove containers" in body["message"]
    assert len(store.get({"namespace": "default"}, "web")["spec"]["containers"]) == 2


@claim("k8s-resthandler.md", "the DELETE answered with the deleted pod itself, as the v1.5.2 pod registry answers")
def _delete_answers_the_deleted_pod() -> None:
    call, store = _pod_handlers()
    code, body = call(rh.delete_resource, "DELETE")
    assert (code, body["kind"], body["metadata"]["name"]) == (200, "Pod", "web")
    assert body["metadata"]["deletionGracePeriodSeconds"] == 0  # on no node: gone at once
    assert store.list({"namespace": "default"}, {})["items"] is None


@claim("k8s-resthandler.md", "a plain Go error carries none and becomes a 500")
def _plain_error_is_500() -> None:
    assert apierrors.err_to_api_status(ValueError("boom"))["code"] == 500
    assert apierrors.err_to_api_status(apierrors.new_timeout_error("slow"))["code"] == 504
    assert apierrors.err_to_api_status(apierrors.from_object({"status": "Success"}))["code"] == 200


@claim("k8s-resthandler.md", "HandleCrash panics again in the storage goroutine (ReallyCrash is on in kube-apiserver)")
def _storage_panic_ends_the_process() -> None:
    def panics() -> rh.Obj:
        raise GoPanic("boom")

    with pytest.raises(ProcessCrash, match="boom"):
        rh.finish_request(5, panics)


@claim("k8s-resthandler.md", "(a pod's binding answers a bare Success); a zero code becomes 201")
def _bare_success_status_is_written_as_201() -> None:
    class Binding:
        """A creater answering a Status without a code, as BindingREST.Create does."""

        capabilities = frozenset({"Creater"})

        def new(self) -> rh.Obj:
            return {}

        def create(self, ctx: dict, obj: rh.Obj) -> rh.Obj:
            return {"kind": "Status", "apiVersion": "v1", "status": "Success"}

    scope = rh.RequestScope(ScopeNaming("/api/v1/namespaces/", "/pods/"), rh.GroupVersionKind("", "v1", "Binding"),
                            "pods")
    req = rh.Request.new("POST", "/api/v1/namespaces/default/pods/web/binding", {"Content-Type": "application/json"},
                         b'{"metadata": {"name": "web"}, "target": {"name": "node-1"}}')
    req.path_parameters = {"namespace": "default", "name": "web"}
    res = rh.Response()
    rh.create_resource(Binding(), scope, None)(req, res)
    assert (res.status, json.loads(res.body)["status"]) == (201, "Success")


def _installed(storage: object, path: str = "pods") -> list[dict]:
    group = apiinstaller.APIGroupVersion({"pods": registry.Store("Pod", "pods"), path: storage}, "/api",
                                         apiinstaller.GroupVersion("", "v1"))
    container = RestfulContainer()
    assert group.install_rest(container) == []
    return apiinstaller.route_table(container.registered_web_services()[0])


@claim("k8s-apiinstaller.md", "An action is a route to be (a `PROXY` action becomes six, a `CONNECT` one per method)")
def _proxy_action_becomes_six_routes() -> None:
    class Redirecting(registry.Store):
        capabilities = registry.Store.capabilities | {"Redirector"}

    routes = _installed(Redirecting("Pod", "pods"), "pods")
    proxies = [r for r in routes if r["operation"].startswith("proxy")]
    assert sorted({r["method"] for r in proxies}) == ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]
    assert len(proxies) == 12  # two PROXY actions (with and without a {path:*} tail), six methods each


@claim("k8s-apiinstaller.md", "unless the path is a subresource, get up to two more")
def _subresource_has_no_cross_namespace_actions() -> None:
    routes = _installed(registry.StatusSubresource(registry.Store("Pod", "pods")), "pods/status")
    status = [r["operation"] for r in routes if "Status" in r["operation"]]
    assert status == ["readNamespacedPodStatus", "replaceNamespacedPodStatus", "patchNamespacedPodStatus"]
    assert [r["operation"] for r in routes if "ForAllNamespaces" in r["operation"]] == [
        "listPodForAllNamespaces", "watchPodListForAllNamespaces"]  # the parent's only


@claim("k8s-apiinstaller.md", "`;stream=watch` variants for list and watch routes)")
def _list_routes_produce_stream_variants() -> None:
    routes = {r["operation"]: r["produces"] for r in _installed(registry.Store("Node", "nodes", namespaced=False),
                                                                "nodes")}
    for operation in ("listNamespacedPod", "watchNamespacedPodList", "watchNamespacedPod"):
        assert any(p.endswith(";stream=watch") for p in routes[operation]), operation
    assert not any(p.endswith(";stream=watch") for p in routes["readNamespacedPod"])


# ---- k8s-api-install.md (audit of sections 1-6 and the Try it) --------------------------------------
@claim("k8s-api-install.md",
       "own `Produces`; their `Consumes` is the service's `*/*` (or their own `*/*`) except on PATCH")
def _installer_routes_consume_anything_but_patch() -> None:
    group = apiinstaller.APIGroupVersion({"pods": registry.Store("Pod", "pods")}, "/api",
                                         apiinstaller.GroupVersion("", "v1"))
    container = RestfulContainer()
    assert group.install_rest(container) == []
    ws = container.registered_web_services()[0]
    for route in apiinstaller.route_table(ws):
        if route["path"] == "/api/v1/":
            continue  # the discovery route, added beside the installer's
        patch = route["method"] == "PATCH"
        assert (route["consumes"] == ["*/*"]) is not patch, route
    read = next(r for r in apiinstaller.route_table(ws) if r["operation"] == "readNamespacedPod")
    assert read["produces"] != ws.produces  # declared by the route (no stream types), not inherited

    def answer(method: str, target: str) -> tuple[int, bytes]:
        res = container.serve_http(RestfulRequest.new(method, target, {"Content-Type": "text/plain"}, b"x"))
        return res.status, res.body

    status, body = answer("POST", "/api/v1/namespaces/dev/pods")  # past the router: the handler's decoder refuses
    assert (status, json.loads(body)["reason"]) == (415, "UnsupportedMediaType")
    assert answer("PATCH", "/api/v1/namespaces/dev/pods/web") == (415, b"415: Unsupported Media Type")  # the router


@claim("k8s-api-install.md", "adding a second service (over which `Container.Add` would end the process)")
def _second_service_for_a_prefix_ends_the_process() -> None:
    container = RestfulContainer()
    for _ in range(2):
        group = apiinstaller.APIGroupVersion({"pods": registry.Store("Pod", "pods")}, "/api",
                                             apiinstaller.GroupVersion("", "v1"))
        if container.registered_web_services():
            with pytest.raises(RestfulFatal, match="duplicate root path"):
                group.install_rest(container)
        else:
            assert group.install_rest(container) == []


# ---- the authenticator chain's order and RBAC's nil user (audit of the chapters, second pass) -------
@claim("k8s-authenticator.md", "2. HTTP Basic: the static password file, then Keystone;")
def _chain_order_basic_then_certificates_then_tokens(tmp_path: Path) -> None:
    asked: list[str] = []

    class ClientCA:
        """A client-certificate authenticator that only notes it was asked."""

        def authenticate_request(self, req: authn.Request) -> authn.AuthResult:
            asked.append("x509")
            return None, False, None

    (tmp_path / "users.csv").write_text("pw,alice,1\n", encoding="utf-8")
    (tmp_path / "tokens.csv").write_text("tok,bob,2\n", encoding="utf-8")
    chain, _ = authn.new(authn.AuthenticatorConfig(
        basic_auth_file=str(tmp_path / "users.csv"), token_auth_file=str(tmp_path / "tokens.csv"),
        keystone_url="https://keystone", keystone_login=lambda url, user, password: asked.append("keystone"),
        client_ca=ClientCA()))
    assert chain is not None

    def who(header: str) -> tuple[str | None, list[str]]:
        asked.clear()
        info, _, _ = chain.authenticate_request(authn.Request(headers={"Authorization": header}))
        return (info.name if info else None), list(asked)

    assert who("Basic YWxpY2U6cHc=") == ("alice", [])  # the password file answers before Keystone is asked
    assert who("Basic YWxpY2U6bm8=") == ("alice", ["keystone"])  # a wrong file password: Keystone, then done
    assert who("Bearer tok") == ("bob", ["x509"])  # certificates are asked before the token file


@claim("k8s-authorizer.md", "can match without asking the user: with authentication off the user is nil")
def _nil_user_panics_unless_star() -> None:
    assert rbac.applies_to_user(None, rbac.Subject(rbac.USER_KIND, "*"), "dev")
    assert not rbac.applies_to_user(None, rbac.Subject(rbac.SERVICE_ACCOUNT_KIND, "web"), "")
    for subject in (rbac.Subject(rbac.USER_KIND, "alice"), rbac.Subject(rbac.GROUP_KIND, "qa"),
                    rbac.Subject(rbac.SERVICE_ACCOUNT_KIND, "web")):
        with pytest.raises(GoPanic, match="nil pointer dereference"):
            rbac.applies_to_user(None, subject, "dev")


# ---- "Then and now": facts about today's code, read from the pinned trees ---------------------------
K8S, APISERVER = "kubernetes", "k8s-apiserver@v0.36.3"
DOCKER, MOBY, DOCKER_CLI = "docker", "docker@v28.5.2", "docker-cli@v28.5.2"


def _text(tree: SourceTree, path: str) -> str:
    return tree.read(path).decode("utf-8")


def _go_func(source: str, header: str) -> str:
    """The Go declaration that starts with the line `header` (a prefix), up to its closing brace."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    end = next(i for i in range(start, len(lines)) if lines[i] == "}")
    return "\n".join(lines[start:end + 1])


def _feature(source: str, name: str) -> str:
    """The version history of one feature gate in `pkg/features/kube_features.go` (its entry in the specs map)."""
    lines = source.splitlines()
    start = lines.index(f"\t{name}: {{")
    return "\n".join(lines[start:lines.index("\t},", start) + 1])


@claim("k8s-authorizer.md", "`AuthorizeWithSelectors`, is GA and locked on since 1.34", releases=(APISERVER,))
def _selectors_gate_locked(trees: dict[str, SourceTree]) -> None:
    gate = _feature(_text(trees[APISERVER], "pkg/features/kube_features.go"), "AuthorizeWithSelectors")
    assert 'MustParse("1.34"), Default: true, PreRelease: featuregate.GA, LockToDefault: true' in gate
    filters = _text(trees[APISERVER], "pkg/endpoints/filters/authorization.go")
    assert "genericfeatures.AuthorizeWithSelectors" in _go_func(filters, "func GetAuthorizerAttributes(")


@claim("k8s-authenticator.md", "The request-header (front-proxy), OIDC and webhook token authenticators, which v1.5.2",
       releases=(K8S, APISERVER))
def _authenticators_then_and_now(trees: dict[str, SourceTree]) -> None:
    then, now = trees[K8S].paths(), trees[APISERVER].paths()
    for old in ("plugin/pkg/auth/authenticator/request/headerrequest/requestheader.go",
                "plugin/pkg/auth/authenticator/token/oidc/oidc.go",
                "plugin/pkg/auth/authenticator/token/webhook/webhook.go"):
        assert old in then
    for new in ("pkg/authentication/request/headerrequest/requestheader.go",
                "plugin/pkg/authenticator/token/oidc/oidc.go", "plugin/pkg/authenticator/token/webhook/webhook.go"):
        assert new in now
    assert any(p.startswith("pkg/authentication/token/cache/") for p in now)
    assert any(p.startswith("pkg/authentication/cel/") for p in now)
    assert not any("/token/cache/" in p for p in then)
    assert not any(part in p for p in now for part in ("basicauth", "passwordfile", "keystone", "anytoken"))


@claim("k8s-master-genericapiserver.md", "in-flight limit, once applied before authentication, now sits after it",
       releases=(APISERVER,))
def _in_flight_only_without_apf(trees: dict[str, SourceTree]) -> None:
    chain = _go_func(_text(trees[APISERVER], "pkg/server/config.go"), "func DefaultBuildHandlerChain(")
    apf, limit = chain.index("if c.FlowControl != nil {"), chain.index("WithMaxInFlightLimit(")
    assert apf < chain.index("} else {", apf) < limit < chain.index("WithAuthentication(")  # inner: runs after
    assert "EnablePriorityAndFairness: true," in _text(trees[APISERVER], "pkg/server/options/feature.go")


@claim("k8s-master-genericapiserver.md",
       "`DeprecatedInsecureServingInfo.Serve`, which the library keeps for other servers and never starts itself",
       releases=(APISERVER,))
def _insecure_serving_left_unused(trees: dict[str, SourceTree]) -> None:
    tree = trees[APISERVER]
    server = [p for p in tree.paths() if p.startswith("pkg/server/") and p.count("/") == 2 and p.endswith(".go")]
    assert "type DeprecatedInsecureServingInfo struct" in _text(tree, "pkg/server/deprecated_insecure_serving.go")
    for path in server:
        text = _text(tree, path)
        assert "serveInsecurely" not in text
        if path != "pkg/server/deprecated_insecure_serving.go" and not path.endswith("_test.go"):
            assert "DeprecatedInsecureServingInfo" not in text, path


@claim("request-path.md", "passing it on, which for an ordinary request ends kube-apiserver v1.5.2", releases=(K8S,))
def _panic_filter_panics_on(trees: dict[str, SourceTree]) -> None:
    tree = trees[K8S]
    crash = _text(tree, "pkg/util/runtime/runtime.go")
    assert "\tReallyCrash = true\n" in crash
    assert "if ReallyCrash {" in _go_func(crash, "func HandleCrash(")
    assert "defer runtime.HandleCrash(" in _text(tree, "pkg/genericapiserver/filters/panics.go")
    timeout = _go_func(_text(tree, "pkg/genericapiserver/filters/timeout.go"), "func (t *timeoutHandler) ServeHTTP(")
    assert "go func() {\n\t\tt.handler.ServeHTTP(tw, r)" in timeout  # the inner chain runs in a goroutine of its own
    assert "recover()" not in timeout
    assert not any("ReallyCrash" in _text(tree, p) for p in tree.paths() if p.startswith("cmd/kube-apiserver/"))
    restful = _text(tree, "vendor/github.com/emicklei/go-restful/container.go")
    assert "doNotRecover:           false," in restful  # go-restful recovers a route function's panic itself
    assert "apierrors.NewGenericServerResponse(http.StatusInternalServerError" in _go_func(
        _text(tree, "pkg/apiserver/apiserver.go"), "func logStackOnRecover(")


@claim("k8s-quota-admission.md", "nearly untouched: `addWork` and `completeWork` are line for line the same",
       releases=(K8S, APISERVER))
def _quota_batching_unchanged(trees: dict[str, SourceTree]) -> None:
    then = _text(trees[K8S], "plugin/pkg/admission/resourcequota/controller.go")
    now = _text(trees[APISERVER], "pkg/admission/plugin/resourcequota/controller.go")
    for header in ("func (e *quotaEvaluator) addWork(", "func (e *quotaEvaluator) completeWork(",
                   "type admissionWaiter struct"):
        assert _go_func(then, header) == _go_func(now, header)
    assert "case <-time.After(10 * time.Second):" in _go_func(now, "func (e *quotaEvaluator) Evaluate(")


@claim("k8s-quota-admission.md", 'is now an internal error, "resource quota evaluation timed out", where v1.5.2',
       releases=(K8S, APISERVER))
def _quota_timeout_error(trees: dict[str, SourceTree]) -> None:
    then = _go_func(_text(trees[K8S], "plugin/pkg/admission/resourcequota/controller.go"),
                    "func (e *quotaEvaluator) Evaluate(")
    now = _go_func(_text(trees[APISERVER], "pkg/admission/plugin/resourcequota/controller.go"),
                   "func (e *quotaEvaluator) Evaluate(")
    assert 'return fmt.Errorf("timeout")' in then
    assert 'apierrors.NewInternalError(fmt.Errorf("resource quota evaluation timed out"))' in now
    assert "e.ignoredResources[gr]" in now
    assert "generic.NewObjectCountEvaluator(" in now


@claim("k8s-resthandler.md", "configurations, and CBOR ones behind an alpha feature gate)", releases=(APISERVER,))
def _cbor_apply_gate(trees: dict[str, SourceTree]) -> None:
    gate = _feature(_text(trees[APISERVER], "pkg/features/kube_features.go"), "CBORServingAndStorage")
    assert "PreRelease: featuregate.Alpha" in gate
    assert "Beta" not in gate
    assert "GA" not in gate


@claim("docker-cli.md", "was removed (`dockerd`, a binary of its own",
       releases=(DOCKER, DOCKER_CLI))
def _dockerd_already_a_binary(trees: dict[str, SourceTree]) -> None:
    assert any(p.startswith("cmd/dockerd/") for p in trees[DOCKER].paths())
    assert 'daemonBinary = "dockerd"' in _text(trees[DOCKER], "cmd/docker/daemon.go")
    assert not any("daemon" in p.rsplit("/", 1)[-1] for p in trees[DOCKER_CLI].paths() if p.startswith("cmd/docker/"))


@claim("docker-cli.md", "arguments, execute the root command) is the core of `runDocker`.",
       releases=(DOCKER, DOCKER_CLI))
def _cobra_adaptor_dissolved(trees: dict[str, SourceTree]) -> None:
    then = _go_func(_text(trees[DOCKER], "cli/cobraadaptor/adaptor.go"), "func (c CobraAdaptor) run(")
    assert then.index("Initialize()") < then.index("SetArgs(") < then.index("Execute()")
    main = _text(trees[DOCKER_CLI], "cmd/docker/docker.go")
    run = _go_func(main, "func runDocker(")
    assert run.index("tcmd.Initialize(") < run.index("cmd.SetArgs(args)") < run.index("cmd.ExecuteContext(ctx)")
    assert '"A self-sufficient runtime for containers"' in _go_func(main, "func newDockerCommand(")
    assert not any("cobraadaptor" in p for p in trees[DOCKER_CLI].paths())


@claim("docker-image-store.md", "remain, and fuse-overlayfs joined them)", releases=(DOCKER, MOBY))
def _graph_drivers_then_and_now(trees: dict[str, SourceTree]) -> None:
    def drivers(tree: SourceTree) -> set[str]:
        return {p.split("/")[2] for p in tree.paths()
                if p.startswith("daemon/graphdriver/") and p.count("/") == 3 and p.endswith(".go")}

    then, now = drivers(trees[DOCKER]), drivers(trees[MOBY])
    removed = {"aufs", "devmapper", "overlay"}
    assert removed <= then
    assert not removed & now
    assert {"btrfs", "overlay2", "vfs", "windows", "zfs"} <= then & now
    assert "fuse-overlayfs" in now - then



# ---- docker-image-store.md, full pass (eighth audit) ------------------------------------------------
@claim("docker-image-store.md", "Only the Windows layer store can register one, so an AUFS host never writes it",
       releases=(DOCKER,))
def _descriptor_json_is_windows_only(trees: dict[str, SourceTree], tmp_path: Path) -> None:
    tree = trees[DOCKER]
    defining = [p for p in tree.paths() if p.startswith("layer/") and p.endswith(".go")
                and "func (ls *layerStore) RegisterWithDescriptor(" in _text(tree, p)]
    assert defining == ["layer/layer_store_windows.go"]
    load = _go_func(_text(tree, "image/tarexport/load.go"), "func (l *tarexporter) loadLayer(")
    assert "l.ls.(layer.DescribableStore)" in load
    assert "return l.ls.Register(inflatedLayerData, rootFS.ChainID())" in load
    daemon = layout.Daemon.open(tmp_path)
    daemon.load(layout.read_save_archive(layout.sample_archive()))
    assert not list(daemon.paths.layerdb.rglob("descriptor.json"))


@claim("docker-image-store.md", "bottom up until the first one it lacks (every layer above", releases=(DOCKER,))
def _pull_skips_only_a_known_prefix(trees: dict[str, SourceTree]) -> None:
    download = _go_func(_text(trees[DOCKER], "distribution/xfer/download.go"),
                        "func (ldm *LayerDownloadManager) Download(")
    guard = download.index("if !missingLayer {")
    assert guard < download.index("missingLayer = true", guard) < download.index("diffID, err := descriptor.DiffID()")
    # only a layer found in the store clears the flag again; the first miss leaves it set for every layer above
    assert download.count("missingLayer = false") == 1
    assert download.index("missingLayer = false") > download.index("l, err := ldm.layerStore.Get(getRootFS.ChainID())")


@claim("docker-image-store.md", "register the `layer.tar` only when the layer store lacks it")
def _load_registers_only_missing_layers(tmp_path: Path) -> None:
    daemon = layout.Daemon.open(tmp_path)
    base = [("bin/sh", b"base")]
    base_layer = daemon.load(layout.read_save_archive(layout.build_save_archive([base], ["base:1"]))).layers[0]
    registered: list[ids.ChainID] = []
    register = daemon.layers.register

    def counting(ts: bytes, parent: ids.ChainID) -> layout.RoLayer:
        registered.append(parent)
        return register(ts, parent)

    daemon.layers.register = counting  # type: ignore[method-assign]
    loaded = daemon.load(layout.read_save_archive(layout.build_save_archive([base, [("app", b"x")]], ["app:1"])))
    assert registered == [base_layer.chain_id]  # only the top layer's tar, on top of the known base
    assert loaded.layers[0].cache_id == base_layer.cache_id


@claim("docker-image-store.md", "the driver makes one for every layer, image layers included", releases=(DOCKER,))
def _aufs_mnt_dir_for_every_layer(trees: dict[str, SourceTree], tmp_path: Path) -> None:
    aufs = _text(trees[DOCKER], "daemon/graphdriver/aufs/aufs.go")
    assert "a.createDirsFor(id)" in _go_func(aufs, "func (a *Driver) Create(")
    assert '"mnt",' in _go_func(aufs, "func (a *Driver) createDirsFor(")
    daemon = layout.Daemon.open(tmp_path)
    loaded = daemon.load(layout.read_save_archive(layout.sample_archive()))
    mnt = daemon.paths.driver_home / "mnt"
    assert {p.name for p in mnt.iterdir()} == {layer.cache_id for layer in loaded.layers}
    assert all(not any((mnt / layer.cache_id).iterdir()) for layer in loaded.layers)


@claim("docker-image-store.md", "with a directory under `diff/` and `mnt/` and a file under `layers/`; the init layer")
def _container_adds_two_aufs_layers(tmp_path: Path) -> None:
    daemon = layout.Daemon.open(tmp_path)
    loaded = daemon.load(layout.read_save_archive(layout.sample_archive()))
    home = daemon.paths.driver_home

    def names() -> dict[str, set[str]]:
        return {d: {p.name for p in (home / d).iterdir()} for d in ("diff", "mnt", "layers")}

    before = names()
    mount = daemon.layers.create_rw_layer("c1", loaded.layers[-1].chain_id)
    added = {d: names()[d] - before[d] for d in before}
    assert added == {d: {mount.mount_id, f"{mount.mount_id}-init"} for d in ("diff", "mnt", "layers")}
    assert all((home / d / name).is_dir() for d in ("diff", "mnt") for name in added[d])
    assert all((home / "layers" / name).is_file() for name in added["layers"])
    assert (home / "diff" / f"{mount.mount_id}-init" / "etc" / "hosts").is_file()
    assert not any((home / "diff" / mount.mount_id).iterdir())


# ---- authenticator, authorizer and generic server, full pass (fifth audit) ---------------------------
def _loopback_user() -> authn.UserInfo:
    """Who the loopback token authenticates as, in front of a chain `New` built with a token file."""
    chain, _ = authn.new(authn.AuthenticatorConfig(any_token=True))
    wrapped = authn.with_loopback_token(chain, "loop")
    assert wrapped is not None
    info, ok, err = wrapped.authenticate_request(authn.Request(headers={"Authorization": "Bearer loop"}))
    assert ok
    assert err is None
    assert info is not None
    return info


@claim("k8s-authenticator.md", "it sits outside the group adder, so not in `system:authenticated`")
def _loopback_user_not_authenticated_group() -> None:
    info = _loopback_user()
    assert (info.name, info.groups) == ("system:apiserver", ["system:masters"])


@claim("k8s-authorizer.md", "(the loopback user of `Run` does not)")
def _abac_everybody_group_misses_the_loopback_user() -> None:
    everybody = abac.Policy(abac.PolicySpec(Group="system:authenticated", NonResourcePath="*"))
    def asks(user: authn.UserInfo) -> authorizer.AttributesRecord:
        return authorizer.AttributesRecord(user=user, verb="get", path="/healthz")
    assert not abac.matches(everybody, asks(_loopback_user()))
    assert abac.matches(everybody, asks(authn.UserInfo(name="bob", groups=["system:authenticated"])))


@claim("k8s-authorizer.md", "none: only an empty list means any name")
def _resource_names_have_no_wildcard() -> None:
    get_web = _attributes("GET", "/api/v1/namespaces/dev/configmaps/web")
    assert rbac.resource_name_matches(rbac.PolicyRule(), "web")
    assert not rbac.resource_name_matches(rbac.PolicyRule(resource_names=["*"]), "web")
    assert rbac.verb_matches(rbac.PolicyRule(verbs=["*"]), "get")
    assert not rbac.rule_allows(get_web, rbac.PolicyRule(verbs=["get"], api_groups=[""], resources=["configmaps"],
                                                         resource_names=["*"]))


@claim("k8s-authorizer.md", "path instead. The verb counts for both.")
def _non_resource_requests_match_on_verb_too() -> None:
    bob = authn.UserInfo(name="bob", groups=["system:authenticated"])
    get, post = _attributes("GET", "/healthz"), _attributes("POST", "/healthz")
    get.user = post.user = bob
    assert not get.resource_request
    assert (get.verb, post.verb) == ("get", "post")
    rule = rbac.PolicyRule(verbs=["get"], non_resource_urls=["/healthz"])
    assert rbac.rule_allows(get, rule)
    assert not rbac.rule_allows(post, rule)
    readonly = abac.Policy(abac.PolicySpec(User="bob", Readonly=True, NonResourcePath="*"))
    assert abac.matches(readonly, get)
    assert not abac.matches(readonly, post)


@claim("k8s-authorizer.md", "legacy format, and the v0 conversion fills what it leaves out, except the group")
def _v0_conversion_leaves_the_group() -> None:
    (policy,) = abac.load_policies([b'{"user": "kubelet", "readonly": true}'], "p.jsonl")
    assert policy.Spec == abac.PolicySpec(User="kubelet", Readonly=True, APIGroup="*", Resource="*", Namespace="*",
                                          NonResourcePath="*")


@claim("k8s-master-genericapiserver.md", "Only with a client CA (`--client-ca-file`): client certificates are",
       releases=(K8S,))
def _client_certificates_requested_only_with_a_ca(trees: dict[str, SourceTree]) -> None:
    serve = _go_func(_text(trees[K8S], "pkg/genericapiserver/serve.go"), "func (s *GenericAPIServer) serveSecurely(")
    guard = serve.index("if len(s.SecureServingInfo.ClientCA) > 0 {")
    assert serve.count("ClientAuth") == 1
    assert serve.index("secureServer.TLSConfig.ClientAuth = tls.RequestClientCert") > guard


@claim("k8s-master-genericapiserver.md", "(not events or third-party", releases=(K8S,))
def _events_bypass_the_watch_cache(trees: dict[str, SourceTree]) -> None:
    for path in ("pkg/registry/core/event/etcd/etcd.go", "pkg/registry/extensions/thirdpartyresource/etcd/etcd.go",
                 "pkg/registry/extensions/thirdpartyresourcedata/etcd/etcd.go"):
        source = _text(trees[K8S], path)
        assert "generic.NewRawStorage(opts.StorageConfig)" in source, path
        assert "opts.Decorator" not in source, path
    assert "opts.Decorator(" in _text(trees[K8S], "pkg/registry/core/pod/etcd/etcd.go")


@claim("k8s-master-genericapiserver.md", "one method the server itself lacks, `Run`", releases=(K8S,))
def _prepared_server_adds_run(trees: dict[str, SourceTree]) -> None:
    tree = trees[K8S]
    package = [p for p in tree.paths() if p.startswith("pkg/genericapiserver/") and p.count("/") == 2
               and p.endswith(".go") and not p.endswith("_test.go")]
    sources = "\n".join(_text(tree, p) for p in package)
    assert "type preparedGenericAPIServer struct {\n\t*GenericAPIServer\n}" in sources
    assert "func (s preparedGenericAPIServer) Run(" in sources
    assert "func (s *GenericAPIServer) Run(" not in sources
    assert "func (s GenericAPIServer) Run(" not in sources


@claim("k8s-api-install.md",
       "`HandleWithFilter` register plain handlers there; in kube-apiserver only go-restful's own", releases=(K8S,))
def _swagger_is_the_one_plain_handle(trees: dict[str, SourceTree]) -> None:
    restful = "vendor/github.com/emicklei/go-restful/"
    container = _text(trees[K8S], restful + "container.go")
    assert "c.addHandler(each, newServeMux)" in _go_func(container, "func (c *Container) Remove(")
    swagger = _text(trees[K8S], "pkg/genericapiserver/routes/swagger.go")
    assert 'SwaggerPath:     "/swaggerui/",' in swagger
    assert "StaticHandler" not in swagger
    register = _go_func(_text(trees[K8S], restful + "swagger/swagger_webservice.go"), "func RegisterSwaggerService(")
    assert "wsContainer.Handle(swaggerPathSlash, http.StripPrefix(" in register
    for path in ("pkg/genericapiserver/", "pkg/master/", "pkg/apiserver/", "pkg/routes/", "cmd/kube-apiserver/"):
        for name in trees[K8S].paths():
            if name.startswith(path) and name.endswith(".go") and not name.endswith("_test.go"):
                text = _text(trees[K8S], name)
                assert "HandleWithFilter(" not in text, name
                assert "HandlerContainer.Handle(" not in text, name


@claim("k8s-api-install.md", "that installs them at run time: a post-start hook lists the `ThirdPartyResource` objects",
       releases=(K8S,))
def _third_party_sync_every_ten_seconds(trees: dict[str, SourceTree]) -> None:
    hook = _go_func(_text(trees[K8S], "pkg/registry/extensions/rest/storage_extensions.go"),
                    "func (p RESTStorageProvider) postStartHookFunc(")
    assert "thirdPartyControl.SyncResources()" in hook
    assert "}, 10*time.Second)" in hook
    install = _go_func(_text(trees[K8S], "pkg/master/thirdparty/thirdparty.go"),
                       "func (m *ThirdPartyResourceServer) InstallThirdPartyResource(")
    assert install.index("if m.hasThirdPartyGroupStorage(path) {") < install.index("thirdparty.UpdateREST(")
    assert install.index("thirdparty.UpdateREST(") < install.index("thirdparty.InstallREST(")


@claim("k8s-api-install.md", "typed registries that only the bootstrap controller", releases=(K8S,))
def _legacy_registries_feed_the_bootstrap_controller(trees: dict[str, SourceTree]) -> None:
    master = _text(trees[K8S], "pkg/master/master.go")
    uses = [line.strip() for line in _go_func(master, "func (m *Master) InstallLegacyAPI(").splitlines()[1:]
            if re.search(r"\blegacyRESTStorage\b", line)]
    assert len(uses) == 2, uses  # where it is made, and where it is handed on
    assert uses[1].startswith("bootstrapController := c.NewBootstrapController(legacyRESTStorage,")
    assert "LegacyRESTStorage" not in _go_func(master, "type Master struct {")


@claim("k8s-api-install.md", "(`KUBE_API_VERSIONS` permitting; `--runtime-config`", releases=(K8S,))
def _scale_storage_follows_the_registry(trees: dict[str, SourceTree]) -> None:
    legacy = _go_func(_text(trees[K8S], "pkg/registry/core/rest/storage_core.go"),
                      "func (c LegacyRESTStorageProvider) NewLegacyRESTStorage(")
    lines = legacy.splitlines()
    scale = next(i for i, line in enumerate(lines) if 'restStorageMap["replicationControllers/scale"]' in line)
    assert "registered.IsEnabledVersion(" in lines[scale - 1]
    assert "APIResourceConfigSource" not in legacy
    registered = _text(trees[K8S], "pkg/apimachinery/registered/registered.go")
    assert 'NewOrDie(os.Getenv("KUBE_API_VERSIONS"))' in registered


@claim("k8s-api-install.md", "Four kinds, each installed in a place of its own", releases=(K8S,))
def _four_discovery_documents_four_places(trees: dict[str, SourceTree]) -> None:
    server = _text(trees[K8S], "pkg/genericapiserver/genericapiserver.go")
    config = _text(trees[K8S], "pkg/genericapiserver/config.go")
    apiserver_go = _text(trees[K8S], "pkg/apiserver/apiserver.go")
    places = {
        "apiserver.AddApiWebService(": _go_func(server, "func (s *GenericAPIServer) InstallLegacyAPIGroup("),
        "s.DynamicApisDiscovery()": _go_func(config, "func (s *GenericAPIServer) installAPI("),
        "apiserver.NewGroupWebService(": _go_func(server, "func (s *GenericAPIServer) InstallAPIGroup("),
        "AddSupportedResourcesWebService(": _go_func(apiserver_go, "func (g *APIGroupVersion) InstallREST("),
    }
    for call, body in places.items():
        assert call in body, call
        assert sum(call in other for other in places.values()) == 1, call


@claim("k8s-api-install.md", "catch-all at `/` answers it instead, a 404 whose body lists the known paths",
       releases=(K8S,))
def _index_page_answers_unknown_paths(trees: dict[str, SourceTree]) -> None:
    index = _go_func(_text(trees[K8S], "pkg/genericapiserver/routes/index.go"), "func (i Index) Install(")
    assert 'c.SecretRoutes.HandleFunc("/", func(' in index
    assert 'if r.URL.Path != "/" && r.URL.Path != "/index.html" {' in index
    assert "status = http.StatusNotFound" in index
    assert "unversioned.RootPaths{Paths: handledPaths}" in index
    install = _go_func(_text(trees[K8S], "pkg/genericapiserver/config.go"), "func (s *GenericAPIServer) installAPI(")
    assert "routes.Index{}.Install(s.HandlerContainer)" in install


@claim("k8s-master-genericapiserver.md", "but nothing in v1.5.2 reads it back", releases=(K8S,))
def _long_running_regexp_flag_is_never_read(trees: dict[str, SourceTree]) -> None:
    tree = trees[K8S]
    readers = [p for p in tree.paths() if p.endswith(".go") and not p.endswith("_test.go")
               and ".LongRunningRequestRE" in _text(tree, p)]
    assert readers == ["pkg/genericapiserver/options/server_run_options.go"]  # only where the flag is declared
    options = _text(tree, readers[0])
    assert options.count(".LongRunningRequestRE") == 2  # fs.StringVar(&s.LongRunningRequestRE, ..., its default)
    config = _text(tree, "pkg/genericapiserver/config.go")
    assert "longRunningRE := regexp.MustCompile(options.DefaultLongRunningRequestRE)" in config


# ---- docker-cli.md, full audit: hosts, TLS ports, what mflag still parses ------------------------------
@claim("docker-cli.md", "A malformed -H never gets this far: its validator refuses it while main parses")
@claim("docker-cli.md", "(a malformed `-H` is refused right there, exit 125)")
def _malformed_host_flag_fails_in_main_but_docker_host_at_init() -> None:
    flag = _docker("-H", "foo://x", "ps")
    assert (flag.parsed, flag.exit_code, flag.docker_cli_inits, flag.trace) == (False, 125, 0, [])
    assert flag.stderr.startswith('invalid value "foo://x" for flag -H: Invalid bind address format: foo://x\n')
    for command in ("exec", "ps"):
        env = docker_cli.main(["docker", command, "x"], environ={"HOME": "/home/u", "DOCKER_HOST": "foo://x"})
        assert (env.exit_code, env.stderr, env.docker_cli_inits, env.trace) == (
            1, "Invalid bind address format: foo://x\n", 1, [])


@claim("docker-cli.md", "A tcp address without a port still gets 2375, TLS or not.")
def _tls_changes_only_the_empty_address() -> None:
    def api(*args: str) -> object:
        outcome = _docker(*args, "ps")
        assert outcome.exit_code == 0, outcome.stderr
        return outcome.trace[0].detail["api"]

    assert api("--tls") == "tcp://localhost:2376"
    assert api("--tlsverify=false") == "tcp://localhost:2376"  # naming --tlsverify at all turns TLS on
    assert api() == "unix:///var/run/docker.sock"
    assert api("--tls", "-H", "tcp://10.0.0.1") == api("-H", "tcp://10.0.0.1") == "tcp://10.0.0.1:2375"


@claim("docker-cli.md", "At most one of them gets initialised in a given run")
def _at_most_one_docker_cli_initialises() -> None:
    inits = {" ".join(argv): _docker(*argv).docker_cli_inits
             for argv in (["inspect", "web"], ["ps"], ["help", "ps"], ["help", "inspect"], ["daemon"], ["help"],
                          ["frobnicate"], ["-v"], ["-H", "a", "-H", "b", "ps"])}
    assert inits == {"inspect web": 1, "ps": 1, "help ps": 1, "help inspect": 1, "daemon": 0, "help": 0,
                     "frobnicate": 0, "-v": 0, "-H a -H b ps": 1}


@claim("docker-cli.md", "a stub that answers that", releases=(DOCKER,))
def _daemon_none_stub(trees: dict[str, SourceTree]) -> None:
    stub = _text(trees[DOCKER], "cmd/docker/daemon_none.go")
    assert stub.startswith("// +build !daemon\n")
    assert "`docker daemon` is not supported on %s. Please run `dockerd` directly" in stub
    assert _text(trees[DOCKER], "cmd/docker/daemon_unix.go").startswith("// +build daemon\n")


@claim("docker-cli.md", "cobra command; mflag is left with the global flags and the four legacy commands)",
       releases=(DOCKER,))
def _run_is_cobra_and_mflag_is_legacy(trees: dict[str, SourceTree]) -> None:
    tree = trees[DOCKER]
    assert "container.NewRunCommand(dockerCli)," in _text(tree, "cli/cobraadaptor/adaptor.go")
    assert '"github.com/spf13/cobra"' in _text(tree, "api/client/container/run.go")
    assert "pkg/mflag" not in _text(tree, "api/client/container/run.go")
    for name in ("exec", "info", "inspect", "update"):
        assert f'Cli.Subcmd("{name}",' in _text(tree, f"api/client/{name}.go")
    assert 'flag "github.com/docker/docker/pkg/mflag"' in _text(tree, "cmd/docker/docker.go")


@pytest.mark.parametrize("claim_", [_param(c) for c in CLAIMS])
def test_claim(claim_: Claim, tmp_path: Path) -> None:
    found = claim_.lines()
    assert len(found) == 1, (
        f"{claim_.chapter}: the quoted statement {claim_.quote!r} is on {len(found)} lines (expected 1): "
        "re-read the claim and quote it again")
    kwargs: dict[str, object] = {}
    if "tmp_path" in inspect.signature(claim_.check).parameters:
        kwargs["tmp_path"] = tmp_path
    if claim_.releases:
        kwargs["trees"] = _trees(claim_.releases)
    claim_.check(**kwargs)


def _trees(releases: tuple[str, ...]) -> dict[str, SourceTree]:
    """The imported trees of `releases`; skips the claim when one is not imported."""
    trees: dict[str, SourceTree] = {}
    for name in releases:
        try:
            trees[name] = open_tree(name)
        except SourcesMissing:
            pytest.skip(f"{name} sources not imported: run `walkthrough sources fetch --all`")
    return trees


def test_every_claim_is_collected() -> None:
    """A `@claim` written below `test_claim` registers after its parameters were taken, and never runs."""
    [parametrize] = [mark for mark in getattr(test_claim, "pytestmark", []) if mark.name == "parametrize"]
    assert len(parametrize.args[1]) == len(CLAIMS)
