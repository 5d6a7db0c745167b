"""Warm `walkthrough explain SYMBOL` as a whole process vs `python -c "import rich.console"`.

Run by hand with the real sources imported and the index built (`walkthrough explain APIInstaller` once):
`python bench/bench_explain.py`. Prints, per case, the best and median wall time and the best CPU time
(user + sys of the process, which other load on the machine disturbs far less than wall time) and their
ratios to the anchor (goal at most 1.5x), piped (plain text, what scripts see) and on a pseudo-terminal (rich
output, what people see). Runs are interleaved round-robin, so a burst of load hits every case alike.

`--compare LABEL=DIR[,CACHE]` (repeatable) runs the tool from the checkout DIR instead (put first on
PYTHONPATH; e.g. `git archive REV | tar -x -C DIR`), with its own cache directory CACHE if given, to
report before/after figures measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SYMBOL = "kubernetes:pkg/apiserver.APIInstaller.registerResourceHandlers"
"""A long method (590 lines): the worst case for the terminal's syntax highlighting."""
RUNS = 15
CASES: list[tuple[str, list[str], bool]] = [
    ("explain (piped, plain)", ["explain", SYMBOL], False),
    ("explain --json", ["explain", SYMBOL, "--json"], False),
    ("explain (terminal, rich)", ["explain", SYMBOL], True),
    ("explain APIInstaller (short form)", ["explain", "APIInstaller"], False),
    ("... short form, terminal (7 lines)", ["explain", "APIInstaller"], True),
]


def _walkthrough() -> list[str]:
    exe = shutil.which("walkthrough")
    return [exe] if exe else [sys.executable, "-m", "walkthrough"]


def run_once(cmd: list[str], env: dict[str, str], *, tty: bool) -> tuple[float, float]:
    """(wall, cpu) seconds of one run of `cmd`, output discarded (to a pty when `tty`)."""
    start = time.perf_counter()
    if tty:
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child
            os.execve(cmd[0], cmd, env)  # noqa: S606 - our own fixed command
        while True:
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
        _, status, usage = os.wait4(pid, 0)
        os.close(fd)
    else:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # noqa: S603
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({os.waitstatus_to_exitcode(status)})")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> int:
    """Time every case round-robin and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="append", default=[], metavar="LABEL=DIR")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    # This machine sets PYTHONDONTWRITEBYTECODE, so our modules would be compiled on every run while
    # rich's come from site-packages bytecode. Measure as an installed tool runs: bytecode cached
    # (outside the work tree).
    base = dict(os.environ)
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    base["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="wt-pycache-")
    variants = {} if args.compare else {"": base}
    for spec in args.compare:
        label, _, rest = spec.partition("=")
        path, _, cache = rest.partition(",")
        variants[label] = {**base, "PYTHONPATH": str(Path(path).resolve())}
        if cache:  # its own cache: the model-pairs scan cache follows the checkout's files
            variants[label]["WALKTHROUGH_CACHE"] = str(Path(cache).resolve())
    exe = _walkthrough()
    jobs = [("anchor", "", [sys.executable, "-c", "import rich.console"], False)]
    jobs += [(case, label, [*exe, *argv], tty) for case, argv, tty in CASES for label in variants]
    for _case, label, cmd, tty in jobs:  # warm up (bytecode, page cache)
        run_once(cmd, {"": base, **variants}[label], tty=tty)
    times: dict[tuple[str, str], list[tuple[float, float]]] = {(c, lb): [] for c, lb, _, _ in jobs}
    for _ in range(args.runs):
        for case, label, cmd, tty in jobs:
            times[case, label].append(run_once(cmd, {"": base, **variants}[label], tty=tty))
    anchor = times["anchor", ""]
    a_wall, a_med, a_cpu = (
        min(w for w, _ in anchor),
        statistics.median(w for w, _ in anchor),
        min(c for _, c in anchor),
    )
    anchor_name = 'python -c "import rich.console"'
    print(
        f"{anchor_name:<46} wall best {a_wall * 1000:4.0f} median {a_med * 1000:4.0f} ms"
        f"  cpu best {a_cpu * 1000:4.0f} ms"
    )
    for (case, label), runs in times.items():
        if case == "anchor":
            continue
        wall, med, cpu = (
            min(w for w, _ in runs),
            statistics.median(w for w, _ in runs),
            min(c for _, c in runs),
        )
        name = f"{case} [{label}]" if label else case
        print(
            f"{name:<46} wall best {wall * 1000:4.0f} median {med * 1000:4.0f} ms  cpu best {cpu * 1000:4.0f} ms"
            f"  ratio wall {wall / a_wall:.2f}x/{med / a_med:.2f}x cpu {cpu / a_cpu:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
