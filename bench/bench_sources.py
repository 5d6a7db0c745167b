"""Benchmark the sources layer: import time per upstream, fetch throughput over loopback.

    python bench/bench_sources.py                                   # synthetic fetch only
    python bench/bench_sources.py --minikube DIR --moby DIR         # plus imports (and a real-shaped fetch)

Anchors (printed as ratios): for import, a bare `git cat-file --batch` of the same blobs; for fetch, inflating
and walking the same tar.gz in memory (what any unpacker must at least do). Everything goes to a temp cache.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from walkthrough.models import LockEntry, Pin
from walkthrough.sources.download import FetchOptions, archive_url, fetch_release
from walkthrough.sources.importer import import_copy
from walkthrough.sources.local import GitCopy, Root
from walkthrough.sources.pins import Lock, Release, git_blob_id, load_pins


def serve(routes: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    """Serve `routes` (path -> body) from a local HTTP server on a free port."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = routes[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "application/x-gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def tar_gz(top: str, files: dict[str, bytes], commit: str) -> bytes:
    """A GitHub-style source archive of `files` under `top`."""
    raw = io.BytesIO()
    with tarfile.open(
        fileobj=raw, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": commit}
    ) as tar:
        for path, data in files.items():
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), compresslevel=6, mtime=0)


def anchor_unpack(body: bytes) -> float:
    """Seconds the standard tarfile takes to unpack `body`: the baseline."""
    started = time.perf_counter()
    with tarfile.open(fileobj=io.BytesIO(body), mode="r|gz") as tar:
        for member in tar:
            fh = tar.extractfile(member)
            if fh is not None:
                fh.read()
    return time.perf_counter() - started


def bench_fetch(label: str, release: Release, lock: Lock, files: dict[str, bytes], cache: Path) -> None:
    """Time fetch_release against the local server, with a fresh cache."""
    body = tar_gz(f"{release.pin.name}-{release.pin.commit}", files, release.pin.commit)
    httpd, base = serve({archive_url(release, ""): body})
    try:
        options = FetchOptions(base_url=base, timeout=30, retries=0)
        started = time.perf_counter()
        result = fetch_release(release, lock, options=options, cache=cache, force=True)
        seconds = time.perf_counter() - started
    finally:
        httpd.shutdown()
        httpd.server_close()
    anchor = anchor_unpack(body)
    raw_mb = sum(len(d) for d in files.values()) / 1e6
    print(
        f"fetch {label}: {len(body) / 1e6:.1f} MB gz ({raw_mb:.1f} MB raw, {len(files)} members), "
        f"{result.files} locked files verified in {seconds:.2f} s = {len(body) / 1e6 / seconds:.1f} MB/s gz, "
        f"{raw_mb / seconds:.1f} MB/s raw; anchor in-memory unpack {anchor:.2f} s "
        f"(ratio {seconds / anchor:.2f})"
    )


def synthetic(cache: Path, n_files: int) -> None:
    """Fetch a synthetic release of `n_files` Go files."""
    rng = random.Random(1)  # noqa: S311 - reproducible synthetic data
    words = [f"ident{i}" for i in range(500)]
    files: dict[str, bytes] = {}
    for i in range(n_files):
        body = "\n".join(" ".join(rng.choice(words) for _ in range(10)) for _ in range(110))
        files[f"pkg/p{i % 97}/f{i}.go"] = f"package p{i % 97}\n\n/*\n{body}\n*/\n".encode()
        files[f"docs/d{i}.txt"] = body.encode()  # unlocked: streamed past, never written
    locked = [LockEntry(p, git_blob_id(d), len(d)) for p, d in files.items() if p.endswith(".go")]
    pin = Pin("synthetic", "https://github.com/example/synthetic", "v1", "5" * 40)
    release = Release(pin, pinned=True)
    bench_fetch("synthetic", release, Lock.build(pin, locked), files, cache)


def git_files(repo: Path, rev: str) -> dict[str, bytes]:
    """The files of `repo` at `rev`, as the importer reads them."""
    copy = GitCopy(repo, rev)
    listing = {p: f for p, f in copy.listing().items() if f.size is not None}
    by_blob: dict[str, list[str]] = {}
    for p, f in listing.items():
        by_blob.setdefault(f.blob or "", []).append(p)
    out: dict[str, bytes] = {}
    for blob, data in copy.read_blobs(by_blob):
        for p in by_blob[blob]:
            out[p] = data
    return out


def bench_imports(cache: Path, minikube: Path | None, moby: Path | None) -> None:
    """Time the imports of the pinned releases from local clones."""
    ups = load_pins()
    for release in ups.releases():
        repo = minikube if release.pin.name == "kubernetes" else moby
        if repo is None or release.offline is None:
            continue
        lock = ups.load_lock(release)
        roots = [Root.parse(r) for r in release.offline.roots]
        started = time.perf_counter()
        copy = GitCopy(repo, release.offline.rev)
        report = import_copy(lock, copy, roots, label=release.pin.label, cache=cache, force=True)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        blobs = [e.blob for e in lock.entries.values()]
        proc = subprocess.run(  # noqa: S603 - fixed argv on the clone given
            ["git", "-C", str(repo), "cat-file", "--batch"],  # noqa: S607 - the user's git, from PATH
            input="\n".join(blobs).encode(),
            capture_output=True,
            check=True,
        )
        anchor = time.perf_counter() - started
        print(
            f"import {release.pin.label}: {len(report.found)} files, {lock.size / 1e6:.1f} MB "
            f"in {seconds:.2f} s; "
            f"anchor git cat-file {anchor:.2f} s ({len(proc.stdout) / 1e6:.1f} MB, "
            f"ratio {seconds / anchor:.1f})"
        )
    if moby is not None:
        release = ups.release("docker")
        files = git_files(moby, "v1.12.3")
        bench_fetch("docker-shaped (whole v1.12.3 tree)", release, ups.load_lock(release), files, cache)


def main() -> int:
    """Run the benchmarks; prints the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minikube", type=Path, help="a minikube clone (kubernetes imports)")
    parser.add_argument("--moby", type=Path, help="a moby clone (docker imports, real-shaped fetch)")
    parser.add_argument("--files", type=int, default=3000, help="locked files in the synthetic archive")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        os.environ.pop("WALKTHROUGH_CACHE", None)
        synthetic(cache, args.files)
        bench_imports(cache, args.minikube, args.moby)
    return 0


if __name__ == "__main__":
    sys.exit(main())
