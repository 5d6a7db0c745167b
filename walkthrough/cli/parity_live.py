"""`walkthrough parity --live`: the models against the real Go (see `walkthrough.parity.live`).

Prints, per family: its counts and time; for a disagreement, the shrunk request, each differing field
with the Go's and the model's value, and a vector file ready for `tests/golden/`. Last line
`N passed, M failed`. Exit 0 when nothing disagreed, 1 otherwise; 2 for bad options; 3 when the
toolchain or sources are missing or a harness does not build (before any case runs). `--record FILE`
(one model) also writes every case's request and Go answer there as a vector file, disagreements included.
"""

from __future__ import annotations

import functools
import json
import secrets
import sys
import time
from typing import TYPE_CHECKING, Any

from walkthrough.errors import UsageError
from walkthrough.paths import project_root
from walkthrough.text import visible

if TYPE_CHECKING:
    from pathlib import Path

    from walkthrough.parity.live import LiveFamily
    from walkthrough.parity.live.engine import Case, FamilyReport
    from walkthrough.parity.live.record import Recorder

DEFAULT_TOTAL = 10_000
"""Cases a default run spreads over the models it runs (the issue's 10,000 in under two minutes)."""
DEFAULT_PER_MODEL = (1000, 2500)
"""Bounds of the default cases per model: enough to matter for each, few enough for one alone."""


def default_cases(models: int) -> int:
    """Cases per model when --cases is not given: DEFAULT_TOTAL shared, within DEFAULT_PER_MODEL."""
    low, high = DEFAULT_PER_MODEL
    return min(high, max(low, -(-DEFAULT_TOTAL // max(models, 1))))


def _json(value: Any, limit: int = 400) -> str:
    text = json.dumps(value, ensure_ascii=True, sort_keys=True)  # escapes, not look-alikes: pasteable
    return visible(text if len(text) <= limit else text[: limit - 3] + "...")


def _say_building(name: str) -> None:
    """A cold build is silent for a minute or two: say what is happening first."""
    print(f"building harness {name} (a first build compiles the upstream packages it imports: up to a minute "
          "or two)...", file=sys.stderr, flush=True)


def run_live(models: tuple[str, ...], cases: int | None, seed: int | None, show: int, *,
             record: Path | None = None) -> int:
    """Build the harnesses, run every selected family, print the report; the exit code.

    With `record`, the one selected family's Go answers are also written there as a vector file.
    """
    from walkthrough.parity.live import family, known_families  # noqa: PLC0415 - live parity imports hypothesis
    from walkthrough.parity.live.build import build  # noqa: PLC0415
    from walkthrough.parity.live.engine import run_family  # noqa: PLC0415
    from walkthrough.parity.live.process import Harness  # noqa: PLC0415
    from walkthrough.parity.live.record import Recorder  # noqa: PLC0415

    if cases is not None and cases < 1:
        raise UsageError(f"--cases must be at least 1 (got {cases})")
    selected = [family(name) for name in dict.fromkeys(models)] if models else list(known_families().values())
    if record is not None:
        _check_target(record, selected)
    counts = {fam.name: max(1, round(default_cases(len(selected)) * fam.share)) if cases is None else cases
              for fam in selected}
    seed = secrets.randbelow(2**32) if seed is None else seed
    binaries = {}
    for fam in selected:  # every build first: a missing toolchain or source stops the run before any case
        started = time.monotonic()
        built = build(fam.name, fam.world, compiling=functools.partial(_say_building, fam.name))
        if built.built_now:
            print(f"built harness {fam.name} in {time.monotonic() - started:.1f} s", file=sys.stderr)
        binaries[fam.name] = built.binary
    shown = f"{cases} cases each" if cases is not None else "default cases (--cases N for a count each)"
    print(f"live parity: {len(selected)} model(s), {shown}, seed {seed}")
    passed = failed = 0
    for fam in selected:
        recorder = Recorder(fam) if record is not None else None
        with Harness(binaries[fam.name]) as harness:
            report = run_family(fam, harness, cases=counts[fam.name], seed=seed, on_case=recorder)
        passed += report.passed
        failed += report.failed
        _print_report(report, show)
        if recorder is not None and record is not None:
            _write_record(record, recorder, cases=counts[fam.name], seed=seed)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _check_target(record: Path, selected: list[LiveFamily]) -> None:
    """A recording is one family's file, in a directory that exists (checked before anything is built)."""
    if len(selected) != 1:
        raise UsageError("--record writes one family's vectors: give exactly one --model")
    if not record.parent.is_dir():
        raise UsageError(f"cannot record to {record}: {record.parent} is not an existing directory")


def _write_record(target: Path, recorder: Recorder, *, cases: int, seed: int) -> None:
    from walkthrough.parity.live.record import dumps, provenance  # noqa: PLC0415 - only --record

    try:
        shown = target.resolve().relative_to(project_root())
    except ValueError:
        shown = target
    document = recorder.document(provenance(recorder.family, cases=cases, seed=seed, target=shown))
    try:
        target.write_text(dumps(document), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot record to {target}: {exc.strerror or exc}") from None
    skipped = f"; {recorder.duplicates} repeated requests and {recorder.unanswered} without a Go answer left out"
    print(f"recorded {recorder.recorded} vectors to {visible(str(target))}"
          + (skipped if recorder.duplicates or recorder.unanswered else ""))


def _print_report(report: FamilyReport, show: int) -> None:
    fam = report.family
    print(f"{fam.name} [{fam.world}]: {report.passed} passed, {report.failed} failed in {report.seconds:.1f} s")
    if not report.failed:
        return
    for case in report.failures[:show]:
        print(f"  FAIL {visible(fam.describe(case.request))}")
    if report.minimal is not None:
        print(f"  minimal disagreement (shrunk by hypothesis; rerun with --model {fam.name} "
                   f"--seed {report.seed}):")
        _print_case(fam, report.minimal)


def _print_case(fam: LiveFamily, case: Case) -> None:
    from walkthrough.parity.live.engine import differences  # noqa: PLC0415 - live parity only

    print(f"    request: {_json(case.request, 2000)}")
    if case.problem:
        print("    " + visible(case.problem).replace("\n", "\n    "))
    if case.go is None or case.model is None:
        return
    rows = differences(fam.normalise(case.go), fam.normalise(case.model))
    width = max(len(path) for path, _, _ in rows)
    print(f"    {'field':<{width}}  go / model")
    for path, go, model in rows:
        print(f"    {visible(path):<{width}}  go:    {_json(go)}")
        print(f"    {'':<{width}}  model: {_json(model)}")
    print("    vector (a file for `walkthrough parity FILE`; its list can join tests/golden/):")
    print("    " + json.dumps(fam.vector(case.request, case.go), ensure_ascii=True, sort_keys=True))
