"""Cold index of both pinned upstreams vs a parallel raw tree-sitter parse of the same files.

Run by hand (needs the real sources imported): `python bench/bench_index.py`. Prints the times, the
ratio (goal ≤ 1.5x), the peak memory of the build (goal < 1 GiB) and the share of resolved uses.
`python bench/bench_index.py --today` does the same for today's releases (k8s.io/apiserver, moby and
docker/cli: the one-time cost of the Today strips), `--all` for both. On a
shared machine wall times drift with the load; the CPU-time ratio (build process and its workers vs
the raw parse workers), printed beside it, is the steadier figure.
The index is built into a temp directory, so the real cache is neither used nor touched.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import tree_sitter
import tree_sitter_go

from walkthrough.sources import open_tree

UPSTREAMS = ("kubernetes", "docker")


def _raw_parse(batch: list[bytes]) -> float:
    """Parse a batch; return the CPU seconds it took (the parser is built once per worker)."""
    start = time.process_time()
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))
    for data in batch:
        parser.parse(data)
    return time.process_time() - start


def raw_parse_seconds(batches: list[list[bytes]], workers: int) -> tuple[float, float]:
    """Wall and CPU seconds of a parallel raw parse."""
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        list(pool.map(int, range(workers)))  # start the workers outside the timing, as the index does
        start = time.perf_counter()
        cpu = sum(pool.map(_raw_parse, batches))
        return time.perf_counter() - start, cpu


def cold_build(name: str, tmp: Path) -> tuple[float, float, dict[str, int]]:
    """Run a cold build in a child process (fresh memory figures).

    Returns its wall and CPU times (the build process and its workers) and stats.
    """
    code = (
        "import sys, time, json, resource\n"
        "from pathlib import Path\n"
        "import walkthrough.index.reader as I\n"
        "import walkthrough.index.schema as S\n"
        "from walkthrough.sources import open_tree\n"
        f"S.index_dir = lambda: Path({str(tmp)!r})  # where databases and the parse cache go: a cold build\n"
        f"tree = open_tree({name!r})\n"
        "def cpu():\n"
        "    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime\n"
        "c0 = cpu(); t = time.perf_counter(); idx = I.index_for_tree(tree); dt = time.perf_counter() - t\n"
        "dc = cpu() - c0\n"
        "rs = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "rc = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'seconds': dt, 'cpu': dc, 'rss_kib': rs, 'child_rss_kib': rc, **idx.stats()}))\n"
    )
    out = subprocess.run(  # noqa: S603 - this Python, our own code
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return data.pop("seconds"), data.pop("cpu"), data


def _batches(name: str) -> tuple[list[list[bytes]], int]:
    tree = open_tree(name)
    batches: list[list[bytes]] = [[]]
    size = 0
    for p in tree.paths():
        if p.endswith(".go"):
            data = tree.read(p)
            size += len(data)
            batches[-1].append(data)
            if sum(map(len, batches[-1])) > 256 * 1024:
                batches.append([])
    return batches, size


def releases(argv: list[str]) -> tuple[str, ...]:
    """The pinned upstreams, today's releases (`--today`), or both (`--all`)."""
    from walkthrough.sources.pins import load_pins  # noqa: PLC0415

    today = tuple(r.spec for u in load_pins().values() for r in u.today)
    if "--all" in argv:
        return (*UPSTREAMS, *today)
    return today if "--today" in argv else UPSTREAMS


def main() -> int:
    """Each upstream: raw parse, then cold index, back to back (the machine is shared: load drifts)."""
    names = releases(sys.argv[1:])
    workers = min(2, os.cpu_count() or 1)
    if shutil.which("ctags"):
        for name in names:
            tree = open_tree(name)
            paths = "\n".join(p for p in tree.paths() if p.endswith(".go"))
            start = time.perf_counter()
            ctags = ["ctags", "-f", "/dev/null", "-L", "-"]
            subprocess.run(ctags, input=paths, text=True, cwd=tree.root, check=True)  # noqa: S603 - Universal Ctags from PATH, a fixed argv
            print(f"Universal Ctags, {name} (declarations only, one process): {time.perf_counter() - start:.2f} s")
    raw_total = cold_total = raw_cpu_total = cold_cpu_total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            batches, size = _batches(name)
            raw, raw_cpu = raw_parse_seconds(batches, workers)
            seconds, cpu, stats = cold_build(name, Path(tmp))
            raw_total += raw
            cold_total += seconds
            raw_cpu_total += raw_cpu
            cold_cpu_total += cpu
            peak = max(stats.pop("rss_kib"), stats.pop("child_rss_kib")) / 1024
            share = stats["resolved"] / max(stats["uses"], 1)
            print(
                f"{name}: {size / 1e6:.1f} MB; raw tree-sitter parse ({workers} processes) {raw:.2f} s "
                f"(CPU {raw_cpu:.2f} s); cold index {seconds:.2f} s = {seconds / raw:.2f}x "
                f"(CPU {cpu:.2f} s = {cpu / raw_cpu:.2f}x); peak RSS {peak:.0f} MiB; {stats}; resolved {share:.1%}"
            )
    print(
        f"cold index of {', '.join(names)}: {cold_total:.2f} s = {cold_total / raw_total:.2f}x raw parse "
        "(goal <= 1.5x); "
        f"CPU {cold_cpu_total / raw_cpu_total:.2f}x; load average now {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
