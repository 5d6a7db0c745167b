"""The ResourceQuota admission plugin of Kubernetes v1.5.2: batching evaluator and quota checks.

A create (or update) in a namespace with quotas waits in a per-namespace batch; a worker takes
the whole batch, checks each request against the running quotas (each accepted request's usage
is added before the next is checked), writes the changed quotas' status, retries conflicting
writes up to 3 times, and releases every waiter. A waiter's result starts as "DEFAULT DENY" and
becomes success only once the quota update that counts it has been written.

Public API (for the capstone apiserver and the chapters; errors are apierrors.StatusError):
    Attributes(kind, namespace, name, resource, operation, obj, old_obj, subresource)  # admission.Attributes
    InMemoryQuotaAccessor(quotas)                 # get_quotas(ns) / update_quota_status(q), with conflicts
    QuotaEvaluator(accessor, registry, workers=5) # .evaluate(attrs) -> error | None; .stop()
    QuotaAdmission(evaluator)                     # .handles(op), .admit(attrs) -> error | None
    new_resource_quota(accessor, registry=None, num_evaluators=5) -> QuotaAdmission
    register_plugin(name, factory), PLUGINS       # admission plugin registry ("ResourceQuota")
    new_from_plugins(accessor, names) -> ChainAdmissionHandler   # the --admission-control chain, .admit(attrs)

Errors are returned (not raised) as in the Go. Messages are upstream's, e.g.
`pods "web" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2`.
Go's goroutines and channels become threads and `threading.Event`s; the work queue keeps the
semantics of `workqueue.Type` (an item is queued at most once, and not while it is processed).
Still simplified: the quota accessor is one in-memory store (no informer, live lookup or look-aside
cache of our own writes), and it hands out a namespace's quotas sorted by name where the Go meets them
in the order of a map: when a request fails two quotas differently, which failure the Go reports
varies, the model's does not. `walkthrough parity --live --model quota` proves the decisions, the
error texts and the usage written back against the Go plugin.
Run `python -m walkthrough.reimpl.kubernetes.quota_admission` for a demo.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes import apierrors, quota
from walkthrough.reimpl.kubernetes.apierrors import StatusError, status_error
from walkthrough.reimpl.kubernetes.quota import (
    CREATE,
    UPDATE,
    GenericRegistry,
    KubeObject,
    ResourceList,
    ResourceQuota,
)

if TYPE_CHECKING:
    from collections.abc import Callable

EVALUATE_TIMEOUT_SECONDS = 10.0


# ---------------------------------------------------------------------------------------------
# admission attributes and API errors
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:pkg/admission.attributesRecord")
@dataclass
class Attributes:
    """What admission sees of a request. `kind` and `resource` are (group, name) pairs."""

    kind: tuple[str, str]
    namespace: str
    name: str
    resource: tuple[str, str]
    operation: str
    obj: KubeObject | None = None
    old_obj: KubeObject | None = None
    subresource: str = ""


@mirrors("kubernetes:pkg/admission.NewForbidden")
def new_forbidden(a: Attributes, internal_error: Exception) -> StatusError:
    """Forbidden naming the resource and the object (its name, else generateName, else "Unknown")."""
    if isinstance(internal_error, StatusError) and internal_error.reason == "Forbidden":
        return internal_error  # do not double wrap
    name = "Unknown"
    if a.obj is not None:
        if a.obj.name:
            name = a.obj.name
        elif a.obj.generate_name:
            name = a.obj.generate_name
    return apierrors.new_forbidden(a.resource[1], name, str(internal_error), a.resource[0])


# ---------------------------------------------------------------------------------------------
# the quota accessor
# ---------------------------------------------------------------------------------------------
class QuotaAccessor(Protocol):
    """`QuotaAccessor`: read the quotas of a namespace, write one quota's status."""

    def get_quotas(self, namespace: str) -> list[ResourceQuota]: ...

    def update_quota_status(self, new_quota: ResourceQuota) -> Exception | None: ...


class InMemoryQuotaAccessor:
    """Quotas held in memory with resource versions.

    a status write with a stale resourceVersion is a 409 Conflict, as the apiserver answers UpdateStatus. Thread-safe.
    """

    def __init__(self, quotas: list[ResourceQuota] | None = None) -> None:
        self._lock = threading.Lock()
        self._quotas: dict[tuple[str, str], ResourceQuota] = {}
        self._version = 0
        for q in quotas or []:
            self.put(q)

    def put(self, q: ResourceQuota) -> None:
        """Create or replace a quota (bumping its resourceVersion)."""
        with self._lock:
            self._version += 1
            stored = q.deep_copy()
            stored.resource_version = str(self._version)
            self._quotas[(q.namespace, q.name)] = stored

    def get(self, namespace: str, name: str) -> ResourceQuota:
        with self._lock:
            return self._quotas[(namespace, name)].deep_copy()

    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaAccessor.GetQuotas")
    def get_quotas(self, namespace: str) -> list[ResourceQuota]:
        """Copies of the namespace's quotas (sorted by name); callers never mutate the originals.

        There is one store and no watch here, so no cache can lag behind it: the informer index, the
        live-lookup fallback and the look-aside copy of our own writes (`checkCache`) have nothing to do.
        """
        with self._lock:
            return [q.deep_copy() for (ns, _), q in sorted(self._quotas.items()) if ns == namespace]

    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaAccessor.UpdateQuotaStatus")
    def update_quota_status(self, new_quota: ResourceQuota) -> Exception | None:
        with self._lock:
            key = (new_quota.namespace, new_quota.name)
            current = self._quotas.get(key)
            if current is None:
                return status_error(404, "NotFound", f'resourcequotas "{new_quota.name}" not found',
                                   {"kind": "resourcequotas", "name": new_quota.name})
            if new_quota.resource_version != current.resource_version:
                return apierrors.new_conflict("resourcequotas", new_quota.name,
                                        "the object has been modified; please apply your changes "
                                        "to the latest version and try again")
            self._version += 1
            current.used = {k: v.copy() for k, v in new_quota.used.items()}
            current.resource_version = str(self._version)
            return None


# ---------------------------------------------------------------------------------------------
# the work queue (pkg/util/workqueue.Type)
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:pkg/util/workqueue.Type")
class WorkQueue:
    """FIFO of distinct items.

    an item added while queued is not queued twice; added while being processed, it is queued again only when Done is
    called.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: list[str] = []
        self._dirty: set[str] = set()
        self._processing: set[str] = set()
        self._shutting_down = False

    @mirrors("kubernetes:pkg/util/workqueue.Type.Add")
    def add(self, item: str) -> None:
        with self._cond:
            if self._shutting_down or item in self._dirty:
                return
            self._dirty.add(item)
            if item in self._processing:
                return
            self._queue.append(item)
            self._cond.notify()

    @mirrors("kubernetes:pkg/util/workqueue.Type.Get")
    def get(self) -> tuple[str, bool]:
        """Block for the next item; (item, shutdown)."""
        with self._cond:
            while not self._queue and not self._shutting_down:
                self._cond.wait()
            if not self._queue:
                return "", True
            item = self._queue.pop(0)
            self._processing.add(item)
            self._dirty.discard(item)
            return item, False

    @mirrors("kubernetes:pkg/util/workqueue.Type.Done")
    def done(self, item: str) -> None:
        with self._cond:
            self._processing.discard(item)
            if item in self._dirty:
                self._queue.append(item)
                self._cond.notify()

    @mirrors("kubernetes:pkg/util/workqueue.Type.ShutDown")
    def shut_down(self) -> None:
        with self._cond:
            self._shutting_down = True
            self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return len(self._queue)


# ---------------------------------------------------------------------------------------------
# the evaluator
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:plugin/pkg/admission/resourcequota.defaultDeny")
class DefaultDeny(Exception):
    """The placeholder result of a waiter that nobody has decided yet."""

    def __str__(self) -> str:
        return "DEFAULT DENY"


@mirrors("kubernetes:plugin/pkg/admission/resourcequota.IsDefaultDeny")
def is_default_deny(err: Exception | None) -> bool:
    return isinstance(err, DefaultDeny)


@mirrors("kubernetes:plugin/pkg/admission/resourcequota.admissionWaiter")
@dataclass
class AdmissionWaiter:
    """One request waiting for its batch; `finished` is set when the batch is done."""

    attributes: Attributes
    finished: threading.Event = field(default_factory=threading.Event)
    result: Exception | None = field(default_factory=DefaultDeny)


@mirrors("kubernetes:plugin/pkg/admission/resourcequota.newAdmissionWaiter")
def new_admission_waiter(a: Attributes) -> AdmissionWaiter:
    return AdmissionWaiter(a)


@mirrors("kubernetes:plugin/pkg/admission/resourcequota.prettyPrint")
def pretty_print(item: ResourceList) -> str:
    """`k=v` pairs, keys sorted, comma separated."""
    return ",".join(f"{key}={item[key].copy().string()}" for key in sorted(item))


@mirrors("kubernetes:plugin/pkg/admission/resourcequota.prettyPrintResourceNames")
def pretty_print_resource_names(names: list[str]) -> str:
    return ",".join(sorted(names))


@mirrors("kubernetes:plugin/pkg/admission/resourcequota.hasUsageStats")
def has_usage_stats(resource_quota: ResourceQuota) -> bool:
    """Every hard resource has a used value (the quota controller has computed usage)."""
    return all(name in resource_quota.used for name in resource_quota.hard)


def copy_quotas(quotas: list[ResourceQuota]) -> list[ResourceQuota]:
    """`copyQuotas`: deep copies (api.Scheme.Copy)."""
    return [q.deep_copy() for q in quotas]


@mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaEvaluator")
class QuotaEvaluator:
    """Batches requests per namespace and checks them against the namespace's quotas."""

    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.NewQuotaEvaluator")
    def __init__(
        self,
        quota_accessor: QuotaAccessor,
        registry: GenericRegistry,
        workers: int = 5,
        lock_acquisition_func: Callable[[list[ResourceQuota]], Callable[[], None]] | None = None,
    ) -> None:
        self.quota_accessor = quota_accessor
        self.registry = registry
        self.workers = workers
        self.lock_acquisition_func = lock_acquisition_func
        self.queue = WorkQueue()
        self.work_lock = threading.Lock()
        self.work: dict[str, list[AdmissionWaiter]] = {}
        self.dirty_work: dict[str, list[AdmissionWaiter]] = {}
        self.in_progress: set[str] = set()
        self._started = False
        self._start_lock = threading.Lock()

    # --- workers -------------------------------------------------------------------------
    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaEvaluator.run")
    def run(self) -> None:
        """Start the worker threads (daemon threads; `stop` shuts the queue down)."""
        for i in range(self.workers):
            threading.Thread(target=self.do_work, name=f"quota-worker-{i}", daemon=True).start()

    def stop(self) -> None:
        self.queue.shut_down()

    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaEvaluator.doWork")
    def do_work(self) -> None:
        while True:
            ns, waiters, quit_ = self.get_work()
            if quit_:
                return
            try:
                if waiters:
                    self.check_attributes(ns, waiters)
            finally:
                self.complete_work(ns)

    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaEvaluator.addWork")
    def add_work(self, a: AdmissionWaiter) -> None:
        """Queue a waiter; while its namespace is being processed, it goes to the dirty list."""
        with self.work_lock:
            ns = a.attributes.namespace
            self.queue.add(ns)
            if ns in self.in_progress:
                self.dirty_work.setdefault(ns, []).append(a)
                return
            self.work.setdefault(ns, []).append(a)

    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaEvaluator.completeWork")
    def complete_work(self, ns: str) -> None:
        """The dirty list of the namespace becomes its next batch."""
        with self.work_lock:
            self.queue.done(ns)
            dirty = self.dirty_work.pop(ns, None)
            if dirty is None:
                self.work.pop(ns, None)
            else:
                self.work[ns] = dirty
            self.in_progress.discard(ns)

    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaEvaluator.getWork")
    def get_work(self) -> tuple[str, list[AdmissionWaiter], bool]:
        """The next namespace and *all* its waiting requests; (ns, waiters, shutdown)."""
        ns, shutdown = self.queue.get()
        if shutdown:
            return "", [], True
        with self.work_lock:
            work = self.work.pop(ns, [])
            self.dirty_work.pop(ns, None)
            if work:
                self.in_progress.add(ns)
                return ns, work, False
            self.queue.done(ns)
            self.in_progress.discard(ns)
            return ns, [], False

    # --- the checks ----------------------------------------------------------------------
    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaEvaluator.checkAttributes")
    def check_attributes(self, ns: str, waiters: list[AdmissionWaiter]) -> None:
        """Decide a batch: all fail if quotas can't be read, all pass without quotas, else check."""
        try:
            try:
                quotas = self.quota_accessor.get_quotas(ns)
            except Exception as exc:  # noqa: BLE001 - the accessor's error is every waiter's result
                for waiter in waiters:
                    waiter.result = exc
                return
            if len(quotas) == 0:
                for waiter in waiters:
                    waiter.result = None
                return
            release = self.lock_acquisition_func(quotas) if self.lock_acquisition_func else None
            try:
                self.check_quotas(quotas, waiters, 3)
            finally:
                if release is not None:
                    release()
        finally:
            for waiter in waiters:
                waiter.finished.set()

    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaEvaluator.checkQuotas")
    def check_quotas(self, quotas: list[ResourceQuota], waiters: list[AdmissionWaiter], remaining_retries: int) -> None:
        """Check each waiter against the running quotas, write what changed, retry conflicts."""
        original_quotas = copy_quotas(quotas)
        at_least_one_changed = False
        for waiter in waiters:
            new_quotas, err = self.check_request(quotas, waiter.attributes)
            if err is not None:
                waiter.result = err
                continue
            changed_for_this_waiter = any(
                not quota.equals(quotas[j].used, new_quotas[j].used) for j in range(len(new_quotas))
            )
            if changed_for_this_waiter:
                at_least_one_changed = True
            else:
                waiter.result = None  # no quota changed: nothing to persist for it
            quotas = new_quotas
        if not at_least_one_changed:
            return

        updated_failed_quotas: list[ResourceQuota] = []
        last_err: Exception | None = None
        for i, new_quota in enumerate(quotas):
            if quota.equals(original_quotas[i].used, new_quota.used):
                continue
            err = self.quota_accessor.update_quota_status(new_quota)
            if err is not None:
                updated_failed_quotas.append(new_quota)
                last_err = err

        if len(updated_failed_quotas) == 0:
            for waiter in waiters:
                if is_default_deny(waiter.result):
                    waiter.result = None
            return
        if remaining_retries <= 0:
            for waiter in waiters:
                if is_default_deny(waiter.result):
                    waiter.result = last_err
            return
        try:
            new_quotas = self.quota_accessor.get_quotas(quotas[0].namespace)
        except Exception:  # noqa: BLE001 - as upstream, the waiters get the last *update* error
            for waiter in waiters:
                if is_default_deny(waiter.result):
                    waiter.result = last_err
            return
        failed_names = {q.name for q in updated_failed_quotas}
        quotas_to_check = [q for q in new_quotas if q.name in failed_names]
        self.check_quotas(quotas_to_check, waiters, remaining_retries - 1)

    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaEvaluator.checkRequest")
    def check_request(self, quotas: list[ResourceQuota], a: Attributes) -> tuple[list[ResourceQuota], Exception | None]:
        """The quotas after admitting `a`, or the Forbidden error that rejects it."""
        evaluator = self.registry.evaluators().get(a.kind)
        if evaluator is None:
            return quotas, None
        op = a.operation
        if len(evaluator.get_operation_resources(op)) == 0:
            return quotas, None
        input_object = a.obj
        assert input_object is not None

        interesting_quota_indexes: list[int] = []
        for i, resource_quota in enumerate(quotas):
            if not evaluator.matches(resource_quota, input_object):
                continue
            hard_resources = quota.resource_names(resource_quota.hard)
            required_resources = quota.intersection(hard_resources, evaluator.matches_resources())
            err = evaluator.constraints(required_resources, input_object)
            if err is not None:
                return [], new_forbidden(a, ValueError(f"failed quota: {resource_quota.name}: {err}"))
            if not has_usage_stats(resource_quota):
                return [], new_forbidden(a, ValueError(f"status unknown for quota: {resource_quota.name}"))
            interesting_quota_indexes.append(i)
        if len(interesting_quota_indexes) == 0:
            return quotas, None

        if a.namespace != "" and input_object.namespace == "":
            input_object.namespace = a.namespace

        delta_usage = evaluator.usage(input_object)
        negative_usage = quota.is_negative(delta_usage)
        if negative_usage:
            names = pretty_print_resource_names(negative_usage)
            return [], new_forbidden(a, ValueError(f"quota usage is negative for resource(s): {names}"))

        if op == UPDATE:
            prev_item = a.old_obj
            if prev_item is None:
                msg = "unable to get previous usage since prior version of object was not found"
                return [], new_forbidden(a, ValueError(msg))
            # only an object that was really stored (has a resourceVersion) had usage to give back
            if len(prev_item.resource_version) > 0:
                delta_usage = quota.subtract(delta_usage, evaluator.usage(prev_item))

        if quota.is_zero(delta_usage):
            return quotas, None

        out_quotas = copy_quotas(quotas)
        for index in interesting_quota_indexes:
            resource_quota = out_quotas[index]
            hard_resources = quota.resource_names(resource_quota.hard)
            requested_usage = quota.mask(delta_usage, hard_resources)
            new_usage = quota.add(resource_quota.used, requested_usage)
            masked_new_usage = quota.mask(new_usage, quota.resource_names(requested_usage))
            allowed, exceeded = quota.less_than_or_equal(masked_new_usage, resource_quota.hard)
            if not allowed:
                failed_requested = quota.mask(requested_usage, exceeded)
                failed_used = quota.mask(resource_quota.used, exceeded)
                failed_hard = quota.mask(resource_quota.hard, exceeded)
                return [], new_forbidden(a, ValueError(
                    f"exceeded quota: {resource_quota.name}, requested: {pretty_print(failed_requested)}, "
                    f"used: {pretty_print(failed_used)}, limited: {pretty_print(failed_hard)}"))
            out_quotas[index].used = new_usage
        return out_quotas, None

    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaEvaluator.Evaluate")
    def evaluate(self, a: Attributes, timeout: float = EVALUATE_TIMEOUT_SECONDS) -> Exception | None:
        """Admit or reject one request: wait for its batch (errors "timeout" after 10 s)."""
        with self._start_lock:
            if not self._started:
                self._started = True
                self.run()
        evaluator = self.registry.evaluators().get(a.kind)
        if evaluator is None:
            return None
        if len(evaluator.get_operation_resources(a.operation)) == 0:
            return None
        waiter = new_admission_waiter(a)
        self.add_work(waiter)
        if not waiter.finished.wait(timeout):
            return TimeoutError("timeout")
        return waiter.result


# ---------------------------------------------------------------------------------------------
# the admission plugin
# ---------------------------------------------------------------------------------------------
@mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaAdmission")
@dataclass
class QuotaAdmission:
    """Handles Create and Update; requests on a subresource pass untouched."""

    evaluator: QuotaEvaluator
    operations: frozenset[str] = frozenset({CREATE, UPDATE})

    @mirrors("kubernetes:pkg/admission.Handler.Handles")
    def handles(self, operation: str) -> bool:
        return operation in self.operations

    @mirrors("kubernetes:plugin/pkg/admission/resourcequota.quotaAdmission.Admit")
    def admit(self, a: Attributes) -> Exception | None:
        if a.subresource != "":
            return None
        return self.evaluator.evaluate(a)


@mirrors("kubernetes:plugin/pkg/admission/resourcequota.NewResourceQuota")
def new_resource_quota(
    accessor: QuotaAccessor, registry: GenericRegistry | None = None, num_evaluators: int = 5,
) -> QuotaAdmission:
    """The plugin over a quota accessor and the core registry (informer-less, as the factory builds it)."""
    registry = registry if registry is not None else quota.install_new_registry()
    evaluator = QuotaEvaluator(accessor, registry, num_evaluators)
    return QuotaAdmission(evaluator)


class PluginRegisteredTwice(RuntimeError):
    """Registering an admission plugin name twice (fatal upstream)."""


PLUGINS: dict[str, Callable[[QuotaAccessor], QuotaAdmission]] = {}


@mirrors("kubernetes:pkg/admission.RegisterPlugin")
def register_plugin(name: str, factory: Callable[[QuotaAccessor], QuotaAdmission]) -> None:
    if name in PLUGINS:
        raise PluginRegisteredTwice(f"Admission plugin {apierrors.go_quote(name)} was registered twice")
    PLUGINS[name] = factory


class UnknownPlugin(RuntimeError):
    """An --admission-control name nobody registered (fatal upstream: "Unknown admission plugin: NAME")."""


@mirrors("kubernetes:pkg/admission.chainAdmissionHandler")
@dataclass
class ChainAdmissionHandler:
    """The plugins of --admission-control, in order; every plugin that handles the operation must agree."""

    handlers: list[QuotaAdmission]

    @mirrors("kubernetes:pkg/admission.chainAdmissionHandler.Admit")
    def admit(self, a: Attributes) -> Exception | None:
        for handler in self.handlers:
            if not handler.handles(a.operation):
                continue
            err = handler.admit(a)
            if err is not None:
                return err
        return None


@mirrors("kubernetes:pkg/admission.NewFromPlugins")
def new_from_plugins(accessor: QuotaAccessor, plugin_names: list[str]) -> ChainAdmissionHandler:
    """Each named plugin built from the registry, in order; an empty name is skipped, an unknown one refused.

    `accessor` stands for the loopback client every plugin factory receives.
    """
    plugins = []
    for name in plugin_names:
        if name == "":
            continue
        if name not in PLUGINS:
            raise UnknownPlugin(f"Unknown admission plugin: {name}")
        plugins.append(PLUGINS[name](accessor))
    return ChainAdmissionHandler(plugins)


@mirrors("kubernetes:plugin/pkg/admission/resourcequota.init")
def _register() -> None:
    register_plugin("ResourceQuota", lambda accessor: new_resource_quota(accessor, quota.install_new_registry(), 5))


_register()


def _demo() -> None:
    accessor = InMemoryQuotaAccessor([
        ResourceQuota(name="compute", namespace="dev", hard=quota.rl({"pods": "2", "requests.cpu": "1"}),
                      used=quota.rl({"pods": "1", "requests.cpu": "0"})),
    ])
    plugin = PLUGINS["ResourceQuota"](accessor)
    compute = accessor.get("dev", "compute")

    def create_pod(name: str, cpu: str) -> Exception | None:
        pod = quota.Pod(name=name, containers=[quota.Container(requests=quota.rl({"cpu": cpu}))])
        return plugin.admit(Attributes(("", "Pod"), "dev", name, ("", "pods"), CREATE, pod))

    print(f"quota compute: hard {pretty_print(compute.hard)}; used {pretty_print(compute.used)}")
    for name, cpu in [("a", "500m"), ("b", "100m"), ("c", "2")]:
        err = create_pod(name, cpu)
        print(f"  create pod {name} (cpu {cpu}) -> {'admitted' if err is None else err}")
        print(f"    used now: {quota.show(accessor.get('dev', 'compute').used)}")
    plugin.evaluator.stop()


if __name__ == "__main__":
    _demo()
