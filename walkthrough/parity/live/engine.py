"""One family's live run: generate requests, ask the Go and the model, compare, shrink a disagreement.

Two passes over the same hypothesis seed. The *sweep* generates `cases` requests without shrinking
and counts every agreement and disagreement. When something disagreed, the *hunt* replays the same
generation (same seed, so it meets the same first disagreement) and lets hypothesis shrink it to a
minimal request; the last disagreeing request hypothesis tried is the smallest it found. Shrinking
stops after `SHRINK_SECONDS`, keeping the smallest so far, so a slow or hanging harness cannot stall
the run.

Each hypothesis example is a batch of one to `BATCH` requests, checked one after the other: the
engine's own cost per example (a millisecond or more) is then shared, which doubles the rate of the
cheaper families; shrinking a failing batch drops its other requests first.

Answers are compared as canonical JSON (sorted keys), so `1`, `1.0` and `true` differ as they do
in Go, and every field counts: a field only one side reports is a disagreement.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walkthrough.parity.live.process import Failure, Harness

if TYPE_CHECKING:
    from collections.abc import Callable

    from walkthrough.parity.live import LiveFamily

SHRINK_SECONDS = 60.0
"""How long the hunt may shrink one family's disagreement before keeping what it has."""
SHOWN_FAILURES = 3
"""Unshrunk failing cases kept for the report."""
BATCH = 8
"""Most requests one hypothesis example holds (it draws one to BATCH)."""


@dataclass(frozen=True)
class Case:
    """One request and both answers (None where a side gave none); `problem` says why there is none."""

    request: dict[str, Any]
    go: Any
    model: Any
    passed: bool
    problem: str = ""


@dataclass
class FamilyReport:
    """What one family's run found."""

    family: LiveFamily
    seed: int
    passed: int = 0
    failed: int = 0
    failures: list[Case] = field(default_factory=list)
    """The first few failing cases, as generated."""
    minimal: Case | None = None
    """The shrunk disagreement, when something failed."""
    seconds: float = 0.0


def canonical(value: Any) -> str:
    """The JSON text two answers are compared by (it also proves the model's answer is JSON)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def differences(go: Any, model: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """(field path, Go value, model value) for every differing leaf; `<absent>` marks a missing field."""
    if isinstance(go, dict) and isinstance(model, dict):
        out = []
        for key in sorted(go.keys() | model.keys(), key=str):
            where = f"{path}.{key}" if path else str(key)
            out += differences(go.get(key, "<absent>"), model.get(key, "<absent>"), where)
        return out
    if isinstance(go, list) and isinstance(model, list) and len(go) == len(model):
        out = []
        for index, (a, b) in enumerate(zip(go, model, strict=True)):
            out += differences(a, b, f"{path}[{index}]")
        return out
    return [] if canonical(go) == canonical(model) else [(path or "(answer)", go, model)]


def check(family: LiveFamily, harness: Harness, request: dict[str, Any]) -> Case:
    """Ask the Go (sent first, so it works while the model does) and the model; compare."""
    sent = harness.send(request)
    try:
        model = json.loads(canonical(family.model(request)))
    except Exception as exc:  # noqa: BLE001 - a crashing model is a failed case, reported with its input
        model, crashed = None, f"the model raised {type(exc).__name__}: {exc}"
    else:
        crashed = ""
    reply = sent if sent is not None else harness.receive()
    if isinstance(reply, Failure):
        if reply.kind == "exited" and family.on_exit is not None and reply.exit_code is not None:
            go = family.on_exit(reply.exit_code, reply.stderr)
        else:
            return Case(request, None, model, passed=False, problem=reply.describe())
    else:
        go = reply.value
    if crashed:
        return Case(request, go, None, passed=False, problem=crashed)
    passed = canonical(family.normalise(go)) == canonical(family.normalise(model))
    return Case(request, go, model, passed=passed)


def _settings(cases: int, *, shrink: bool) -> Any:
    from hypothesis import HealthCheck, Phase, Verbosity, settings  # noqa: PLC0415 - hypothesis only for --live

    return settings(
        max_examples=cases, database=None, deadline=None, derandomize=False, print_blob=False,
        phases=[Phase.generate, Phase.shrink] if shrink else [Phase.generate],
        report_multiple_bugs=False, suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet,
    )


class _Disagreement(Exception):
    """Raised inside the hunt so hypothesis shrinks the batch holding the failing request."""


class _Enough(Exception):
    """Raised inside the sweep once it has checked `cases` requests: hypothesis stops generating."""


def batches(family: LiveFamily) -> Any:
    """Lists of one to BATCH requests: one hypothesis example checks several (see the module docstring)."""
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st.lists(family.requests(), min_size=1, max_size=BATCH)


def run_family(family: LiveFamily, harness: Harness, *, cases: int, seed: int,
               on_case: Callable[[Case], None] | None = None) -> FamilyReport:
    """Sweep `cases` generated requests; shrink the first disagreement if there is one.

    `on_case` sees every case the sweep checks, in order (recording keeps the Go's answers).
    """
    from hypothesis import given  # noqa: PLC0415 - hypothesis only for --live
    from hypothesis import seed as with_seed  # noqa: PLC0415

    report = FamilyReport(family, seed)
    started = time.monotonic()
    strategy = batches(family)

    @_settings(cases, shrink=False)
    @with_seed(seed)
    @given(strategy)
    def sweep(batch: list[dict[str, Any]]) -> None:
        for request in batch:
            if report.passed + report.failed >= cases:
                raise _Enough
            case = check(family, harness, request)
            if on_case is not None:
                on_case(case)
            if case.passed:
                report.passed += 1
                continue
            report.failed += 1
            if len(report.failures) < SHOWN_FAILURES:
                report.failures.append(case)

    with contextlib.suppress(_Enough):
        sweep()
    if report.failed:
        report.minimal = _hunt(family, harness, strategy, cases, seed) or report.failures[0]
    report.seconds = time.monotonic() - started
    return report


def _hunt(family: LiveFamily, harness: Harness, strategy: Any, cases: int, seed: int) -> Case | None:
    """The smallest disagreeing case hypothesis finds from the same seed within SHRINK_SECONDS."""
    from hypothesis import given  # noqa: PLC0415 - hypothesis only for --live
    from hypothesis import seed as with_seed  # noqa: PLC0415

    smallest: list[Case] = []
    deadline = time.monotonic() + SHRINK_SECONDS

    @_settings(cases, shrink=True)
    @with_seed(seed)
    @given(strategy)
    def hunt(batch: list[dict[str, Any]]) -> None:
        if smallest and time.monotonic() > deadline:
            return  # out of time: every later candidate "passes", so hypothesis stops shrinking
        for request in batch:
            case = check(family, harness, request)
            if not case.passed:
                smallest.append(case)  # a failing candidate is always smaller than the previous one
                raise _Disagreement

    # _Disagreement, or hypothesis's Flaky after a timeout: keep what was found either way
    with contextlib.suppress(Exception):
        hunt()
    return smallest[-1] if smallest else None
