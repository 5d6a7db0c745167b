"""GOPATHs laid out from the verified cache, outside the repository, for building the harnesses.

A *world* is one GOPATH in which a set of harnesses builds: the verified trees of some locked
releases placed where their import paths want them, plus the GOPATH entries to search.

- `kubernetes`: the `kubernetes` lock (Kubernetes v1.5.2 with its vendored go-restful) and the
  `kubernetes-build` lock (the Go dependencies Kubernetes vendors: glog, pflag, inf, ugorji/go, ...,
  taken from minikube at the commit that vendors v1.5.2) are both laid at `src/k8s.io/kubernetes`, so
  the dependencies sit in Kubernetes' own `vendor/` directory, as they do in the v1.5.2 repository.
  Harnesses go under `k8s.io/kubernetes/walkthrough_harness/`, where that vendor directory applies.
- `docker`: the `docker` lock at `src/github.com/docker/docker`, with its `vendor/` directory as a
  second GOPATH entry, as Docker 1.12's `hack/make.sh` sets `GOPATH=.gopath:vendor`.

The files are *copied* from the cache through `SourceTree.read`, which checks each one's git blob id
against its lock, so the compiler only ever reads verified bytes (a symlink would let a later edit
of the cache through). A world's directory is named by a digest of its locks, written to a temporary
directory and renamed into place when whole (the sources cache's rule), under a file lock: a regenerated
lock gets a fresh GOPATH (and the older one is removed), concurrent runs wait for one writer. Harness
sources are added under the world's harness directory by `walkthrough.parity.live.build`, each in a
directory named by its hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

from filelock import FileLock

from walkthrough.paths import cache_root

if TYPE_CHECKING:
    from pathlib import Path

FORMAT = 1
"""Bumped when the layout changes, so old GOPATHs are never reused."""
MARKER = "COMPLETE"
LOCK_TIMEOUT = 600.0


@dataclass(frozen=True)
class Placement:
    """One locked release's verified tree, placed at `at` (relative to the GOPATH root)."""

    release: str
    at: str


@dataclass(frozen=True)
class World:
    """A GOPATH layout: which trees go where, the GOPATH entries, and where harness packages live."""

    name: str
    placements: tuple[Placement, ...]
    entries: tuple[str, ...]
    """GOPATH entries relative to the root, in search order."""
    harness_root: str
    """The directory (relative to the root) under which harness packages are placed."""

    @property
    def import_prefix(self) -> str:
        """The import path of `harness_root` (it sits under the first entry's `src/`)."""
        return self.harness_root.removeprefix("src/")


WORLDS: dict[str, World] = {
    "kubernetes": World(
        name="kubernetes",
        placements=(Placement("kubernetes", "src/k8s.io/kubernetes"),
                    Placement("kubernetes-build", "src/k8s.io/kubernetes")),
        entries=(".",),
        harness_root="src/k8s.io/kubernetes/walkthrough_harness",
    ),
    "docker": World(
        name="docker",
        placements=(Placement("docker", "src/github.com/docker/docker"),),
        entries=(".", "src/github.com/docker/docker/vendor"),
        harness_root="src/github.com/docker/docker/walkthrough_harness",
    ),
}


@dataclass(frozen=True)
class GoPath:
    """A laid-out world: its root directory and the digest that names it."""

    world: World
    root: Path
    digest: str

    def entries(self) -> list[Path]:
        """The GOPATH entries, absolute."""
        return [self.root / e for e in self.world.entries]


def gopath_dir() -> Path:
    """Where laid-out GOPATHs live in the cache."""
    return cache_root() / "go" / "gopath"


def lay_out(world: World) -> GoPath:
    """The GOPATH of `world`, copied from the verified cache on first use.

    Raises:
        SourcesMissing: a release of the world is not in the cache (the hint says how to get it).
        VerificationError: a cached file no longer matches its lock.
    """
    from walkthrough.sources.cache import open_tree  # noqa: PLC0415 - the pins are only read when a harness builds

    trees = [(p, open_tree(p.release)) for p in world.placements]
    identity = json.dumps([FORMAT, world.name, [(p.at, t.lock.digest) for p, t in trees]])
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    root = gopath_dir() / f"{world.name}-{digest}"
    if (root / MARKER).is_file():
        return GoPath(world, root, digest)
    root.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root) + ".lock", timeout=LOCK_TIMEOUT):
        if not (root / MARKER).is_file():
            shutil.rmtree(root, ignore_errors=True)  # a half-renamed leftover cannot exist; a crash mid-copy can
            tmp = root.with_name(f".tmp-{root.name}-{os.getpid()}")
            shutil.rmtree(tmp, ignore_errors=True)
            try:
                for placement, tree in trees:
                    base = tmp / placement.at
                    for path in tree.paths():
                        target = base / path
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(tree.read(path))  # read() verifies the blob id
                (tmp / MARKER).write_text(identity + "\n", encoding="utf-8")
                tmp.rename(root)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            _prune(root)
    return GoPath(world, root, digest)


def _prune(root: Path) -> None:
    """Remove the world's GOPATHs laid out from older locks (a regenerated lock or an upgrade left them)."""
    world_name = root.name.rpartition("-")[0]
    for old in root.parent.glob(f"{world_name}-*"):
        if old != root and old.is_dir() and old.name.rpartition("-")[0] == world_name:
            shutil.rmtree(old, ignore_errors=True)
