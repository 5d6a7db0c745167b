"""Warm `walkthrough explain SYMBOL` as a whole process vs `python -c "import rich.console"`.

Run by hand with the real sources imported and the index built (`walkthrough explain APIInstaller` once):
`python bench/bench_explain.py`. Prints the best and median of several runs and the ratios (goal ≤ 1.5×),
piped (plain text, what scripts see) and on a pseudo-terminal (rich output, what people see).
"""

from __future__ import annotations

import os
import pty
import shutil
import statistics
import subprocess
import sys
import time

SYMBOL = "kubernetes:pkg/apiserver.APIInstaller.registerResourceHandlers"
"""A long method (590 lines): the worst case for the terminal's syntax highlighting."""
RUNS = 15


def _walkthrough() -> list[str]:
    exe = shutil.which("walkthrough")
    return [exe] if exe else [sys.executable, "-m", "walkthrough"]


def timed(cmd: list[str], *, tty: bool = False) -> list[float]:
    """Wall times of `cmd` run RUNS times, output discarded (to a pty when `tty`)."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        if tty:
            pid, fd = pty.fork()
            if pid == 0:  # pragma: no cover - the child
                os.execv(cmd[0], cmd)
            while True:
                try:
                    if not os.read(fd, 65536):
                        break
                except OSError:
                    break
            os.waitpid(pid, 0)
            os.close(fd)
        else:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float], anchor: list[float] | None = None) -> None:
    best, median = min(times), statistics.median(times)
    line = f"{label:<44} best {best * 1000:6.0f} ms  median {median * 1000:6.0f} ms"
    if anchor:
        line += f"  ratio best {best / min(anchor):.2f}x  median {median / statistics.median(anchor):.2f}x"
    print(line)


def main() -> int:
    # This machine sets PYTHONDONTWRITEBYTECODE, so our modules would be compiled on every run while
    # rich's come from site-packages bytecode. Measure as an installed tool runs: bytecode cached
    # (outside the work tree).
    import tempfile

    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="wt-pycache-")
    subprocess.run([*_walkthrough(), "explain", SYMBOL], stdout=subprocess.DEVNULL, check=True)  # warm up
    anchor = timed([sys.executable, "-c", "import rich.console"])
    report('python -c "import rich.console"', anchor)
    report("walkthrough explain (piped, plain)", timed([*_walkthrough(), "explain", SYMBOL]), anchor)
    report("walkthrough explain --json", timed([*_walkthrough(), "explain", SYMBOL, "--json"]), anchor)
    report(
        "walkthrough explain (terminal, rich)", timed([*_walkthrough(), "explain", SYMBOL], tty=True), anchor
    )
    report(
        "walkthrough explain APIInstaller (short form)",
        timed([*_walkthrough(), "explain", "APIInstaller"]),
        anchor,
    )
    report(
        "... short form, terminal (a 7-line struct)",
        timed([*_walkthrough(), "explain", "APIInstaller"], tty=True),
        anchor,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
