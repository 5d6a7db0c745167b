"""Cold index of both pinned upstreams vs a parallel raw tree-sitter parse of the same files.

Run by hand (needs the real sources imported): `python bench/bench_index.py`. Prints the times, the
ratio (goal ≤ 1.5×), the peak memory of the build (goal < 1 GiB) and the share of resolved uses.
The index is built into a temp directory, so the real cache is neither used nor touched.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

UPSTREAMS = ("kubernetes", "docker")


def _raw_parse(batch: list[bytes]) -> int:
    import tree_sitter
    import tree_sitter_go

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))
    return sum(parser.parse(data).root_node.end_byte for data in batch)


def raw_parse_seconds(batches: list[list[bytes]], workers: int) -> float:
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        list(pool.map(int, range(workers)))  # start the workers outside the timing, as the index does
        start = time.perf_counter()
        list(pool.map(_raw_parse, batches))
        return time.perf_counter() - start


def cold_build(name: str, tmp: Path) -> tuple[float, dict[str, int]]:
    """Run a cold build in a child process (fresh memory figures); return its wall time and stats."""
    code = (
        "import sys, time, json, resource\n"
        "from pathlib import Path\n"
        "import walkthrough.index as I\n"
        "from walkthrough.sources import open_tree\n"
        f"I.index_dir = lambda: Path({str(tmp)!r})\n"
        f"tree = open_tree({name!r})\n"
        "t = time.perf_counter(); idx = I.index_for_tree(tree); dt = time.perf_counter() - t\n"
        "rs = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "rc = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'seconds': dt, 'rss_kib': rs, 'child_rss_kib': rc, **idx.stats()}))\n"
    )
    import json

    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return data.pop("seconds"), data


def _batches(name: str) -> tuple[list[list[bytes]], int]:
    from walkthrough.sources import open_tree

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


def main() -> int:
    """Each upstream: raw parse, then cold index, back to back (the machine is shared: load drifts)."""
    from walkthrough.sources import open_tree

    workers = min(2, os.cpu_count() or 1)
    if shutil.which("ctags"):
        for name in UPSTREAMS:
            tree = open_tree(name)
            paths = "\n".join(p for p in tree.paths() if p.endswith(".go"))
            start = time.perf_counter()
            subprocess.run(
                ["ctags", "-f", "/dev/null", "-L", "-"], input=paths, text=True, cwd=tree.root, check=True
            )
            print(
                f"Universal Ctags, {name} (declarations only, one process): "
                f"{time.perf_counter() - start:.2f} s"
            )
    raw_total = cold_total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name in UPSTREAMS:
            batches, size = _batches(name)
            raw = raw_parse_seconds(batches, workers)
            seconds, stats = cold_build(name, Path(tmp))
            raw_total += raw
            cold_total += seconds
            peak = max(stats.pop("rss_kib"), stats.pop("child_rss_kib")) / 1024
            share = stats["resolved"] / max(stats["uses"], 1)
            print(
                f"{name}: {size / 1e6:.1f} MB; raw tree-sitter parse ({workers} processes) {raw:.2f} s; "
                f"cold index {seconds:.2f} s = {seconds / raw:.2f}x; peak RSS {peak:.0f} MiB; {stats}; "
                f"resolved {share:.1%}"
            )
    print(
        f"cold index of both: {cold_total:.2f} s = {cold_total / raw_total:.2f}x raw parse (goal <= 1.5x); "
        f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
