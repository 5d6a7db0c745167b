"""Benchmark live parity: cold harness builds, cases per second per model, a full `parity --live`.

    python bench/bench_live.py                   # every figure (needs Go 1.19 and the imported sources)
    python bench/bench_live.py --cases 500 --skip-cold --skip-full

Goals (issue 12): a cold build of every harness under 2 minutes; at least 10,000 cases across all models in
under 2 minutes once built. Anchors, side by side per model: the Go harness alone answering the same
requests (pipe and Go cost), the model alone on them (Python cost), and hypothesis alone generating them;
the live rate is bounded by their sum. The cold build uses a fresh cache (its `sources/` linked to the
real one), so GOPATH layout, Go's build cache and the binaries all start empty. The machine's load
average is printed: the figures are only comparable at similar loads.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from walkthrough import paths
from walkthrough.parity.live import LiveFamily, known_families
from walkthrough.parity.live.build import build
from walkthrough.parity.live.engine import batches, run_family
from walkthrough.parity.live.process import Harness

ROOT = Path(__file__).resolve().parent.parent


def cold_builds() -> tuple[float, dict[str, float]]:
    """Seconds to build every harness from an empty cache (sources linked in), and per harness."""
    real_sources = paths.cache_root() / "sources"
    with tempfile.TemporaryDirectory(prefix="walkthrough-bench-live-") as tmp:
        (Path(tmp) / "sources").symlink_to(real_sources)
        paths.set_cache_root(Path(tmp))
        try:
            per: dict[str, float] = {}
            started = time.perf_counter()
            for name, family in known_families().items():
                t = time.perf_counter()
                build(name, family.world)
                per[name] = time.perf_counter() - t
            total = time.perf_counter() - started
        finally:
            paths.set_cache_root(None)
    return total, per


def generated(family: LiveFamily, cases: int, seed: int) -> tuple[list[dict[str, Any]], float]:
    """About `cases` requests, in batches as the engine draws them (no checking), and the seconds it took."""
    from hypothesis import HealthCheck, Phase, given, settings  # noqa: PLC0415
    from hypothesis import seed as with_seed  # noqa: PLC0415

    out: list[dict[str, Any]] = []

    @settings(max_examples=max(1, cases // 4), database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @with_seed(seed)
    @given(batches(family))
    def collect(batch: list[dict[str, Any]]) -> None:
        out.extend(batch)

    started = time.perf_counter()
    collect()
    return out, time.perf_counter() - started


def rate(count: int, seconds: float) -> str:
    """Cases per second, printed."""
    return f"{count / seconds:8.0f}/s" if seconds else "       -"


def per_model(cases: int, seed: int) -> None:
    """Live cases per second per model, beside its anchors."""
    print(f"{'model':<12} {'live':>10} {'go alone':>10} {'model alone':>12} {'generate':>10}  (cases={cases})")
    for name, family in known_families().items():
        binary = build(name, family.world).binary
        requests, gen_seconds = generated(family, cases, seed)
        with Harness(binary) as harness:
            harness.ask(requests[0])  # start the process outside the timings
            started = time.perf_counter()
            for request in requests:
                harness.ask(request)
            go_seconds = time.perf_counter() - started
            started = time.perf_counter()
            for request in requests:
                with contextlib.suppress(Exception):  # a crash costs what it costs; run_family reports it
                    family.model(request)
            model_seconds = time.perf_counter() - started
            report = run_family(family, harness, cases=cases, seed=seed)
        done = report.passed + report.failed
        print(f"{name:<12} {rate(done, report.seconds):>10} {rate(len(requests), go_seconds):>10} "
              f"{rate(len(requests), model_seconds):>12} {rate(len(requests), gen_seconds):>10}"
              f"  {report.failed} failed")


def full_run(seed: int) -> None:
    """A whole `walkthrough parity --live` at the default case count, as a user runs it."""
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "walkthrough", "parity", "--live", "--seed", str(seed)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr.strip()
    print(f"full run: {last} in {seconds:.1f} s (exit {result.returncode}; goal: >= 10,000 cases in < 120 s)")


def main() -> int:
    """Print every figure."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000, help="cases per model for the rates (default 2000)")
    parser.add_argument("--seed", type=int, default=12, help="hypothesis seed (default 12)")
    parser.add_argument("--skip-cold", action="store_true", help="skip the cold build")
    parser.add_argument("--skip-full", action="store_true", help="skip the full parity --live run")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    if not args.skip_cold:
        total, per = cold_builds()
        detail = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in per.items())
        print(f"cold build of every harness: {total:.1f} s ({detail}; goal < 120 s)")
    per_model(args.cases, args.seed)
    if not args.skip_full:
        full_run(args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
