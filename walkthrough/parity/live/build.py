"""Building a harness binary, once per exact input: the locks of its world, the Go release, its source.

A harness is the Go package in `harness/<name>/` (shipped as package data) plus `harness/serve.go`,
the shared JSON-lines loop, copied beside it (the authorizer harnesses also get `harness/attributes.go`).
Its binary is cached in `<cache>/go/bin/` under a key hashing the world's GOPATH digest (which hashes
the lock digests), the exact Go version and every harness source byte, so an edited harness, a
regenerated lock or another Go is a rebuild, and nothing else is. Go's own build cache
(`<cache>/go/build-cache`) makes rebuilding one harness cheap.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock

from walkthrough.errors import HarnessBuildError
from walkthrough.parity.live.gopath import WORLDS, GoPath, lay_out
from walkthrough.paths import cache_root

if TYPE_CHECKING:
    from collections.abc import Callable

HARNESS_DIR = Path(__file__).resolve().parent / "harness"
SHARED = ("serve.go",)
"""Files of `harness/` copied into every harness package."""
EXTRA = dict.fromkeys(("abac", "rbac", "authz"), ("attributes.go",))
"""Files of `harness/` copied into some harness packages: the authorizers' request attributes."""
DOCKER_CMD = "src/github.com/docker/docker/cmd/docker"
UPSTREAM: dict[str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]] = {"docker_cli": (
    (f"{DOCKER_CMD}/docker.go", (
        ("func main() {", "func dockerMain() {"),
        ("\tflag.Parse()\n", "\tflag.Parse()\n\tafterParse()\n"),
        ("cli.New(clientCli, NewDaemonProxy(), cobraAdaptor)",
         "cli.New(recording(clientCli, clientFlags), NewDaemonProxy(), recordingCobra(cobraAdaptor, clientFlags))"),
    )),
    (f"{DOCKER_CMD}/daemon.go", ()),
    (f"{DOCKER_CMD}/daemon_unix.go", ()),
    (f"{DOCKER_CMD}/usage.go", ()),
)}
"""Files of a world's laid-out (verified) GOPATH compiled into some harness packages, for upstream code no
package can import: cmd/docker's main, DaemonProxy and sortCommands live in its package main. They are
copied into the build directory only, never into the repository, each with its seams: (text, replacement)
pairs, each text found exactly once, so the harness runs the upstream function itself with its own hooks
(`main` renamed so the harness's main can choose, a hook after flag parsing, recording handlers)."""
TAGS = {"docker_cli": ("daemon",)}
"""Build tags of some harnesses: Docker's release build compiles cmd/docker with `daemon` (daemon_unix.go)."""
BUILD_TIMEOUT = 900.0
"""Seconds one `go build` may take (a cold Kubernetes build on two cores takes well under two minutes)."""


@dataclass(frozen=True)
class Built:
    """A harness binary ready to run."""

    name: str
    binary: Path
    built_now: bool
    """Whether this call compiled it (False: it came from the cache)."""


def sources_of(name: str) -> dict[str, bytes]:
    """The files of harness `name`, by file name: its `*.go` files and the shared ones."""
    directory = HARNESS_DIR / name
    files = {p.name: p.read_bytes() for p in sorted(directory.glob("*.go"))}
    if not files:
        raise HarnessBuildError(f"harness {name!r} has no Go files in {directory}")
    for shared in (*SHARED, *EXTRA.get(name, ())):
        files[shared] = (HARNESS_DIR / shared).read_bytes()
    return files


def build(name: str, world: str, compiling: Callable[[], None] | None = None) -> Built:
    """The binary of harness `name` built in `world`, from the cache or compiled now.

    `compiling` is called just before `go build` starts (a cold one takes a minute or more: say so).

    Raises:
        ToolchainMissing: no Go 1.19.
        SourcesMissing: the world's sources are not in the cache.
        HarnessBuildError: `go build` failed (its output is in the message).
    """
    from walkthrough.parity.live.toolchain import find_toolchain  # noqa: PLC0415 - runs `go version` only here

    toolchain = find_toolchain()
    gopath = lay_out(WORLDS[world])
    files = sources_of(name)
    for path, seams in UPSTREAM.get(name, ()):
        files[path.rpartition("/")[2]] = _with_seams(name, path, (gopath.root / path).read_bytes(), seams)
    digest = hashlib.sha256(f"{gopath.digest}\0{toolchain.version}\0".encode())
    for file_name, data in sorted(files.items()):
        digest.update(f"{file_name}\0{len(data)}\0".encode())
        digest.update(data)
    key = digest.hexdigest()[:16]
    binary = cache_root() / "go" / "bin" / f"{name}-{key}"
    if binary.is_file():
        return Built(name, binary, built_now=False)
    binary.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(binary) + ".lock", timeout=BUILD_TIMEOUT):
        if binary.is_file():
            return Built(name, binary, built_now=False)
        if compiling is not None:
            compiling()
        _compile(toolchain.go, toolchain.environment(gopath.entries()), gopath, name, key, files, binary)
        _prune(binary, gopath.root / gopath.world.harness_root / f"{name}_{key}")
    return Built(name, binary, built_now=True)


def _with_seams(name: str, path: str, data: bytes, seams: tuple[tuple[str, str], ...]) -> bytes:
    """An upstream file's bytes with each seam's text replaced (the verified file itself is untouched)."""
    text = data.decode("utf-8")
    for old, new in seams:
        if text.count(old) != 1:
            raise HarnessBuildError(f"harness {name!r}: {path} holds {text.count(old)} copies of the seam {old!r}, "
                                    "not one", hint="the verified file is not the one the seam was written for")
        text = text.replace(old, new)
    return text.encode("utf-8")


def _prune(binary: Path, package: Path) -> None:
    """Remove this harness's older binaries and package copies: another key is another walkthrough's harness.

    A binary is ~30 MB and every edited harness or upgrade makes a new one; Go's build cache makes
    rebuilding a pruned one cheap, should another checkout still want it.
    """
    name = binary.name.rpartition("-")[0]
    for old in binary.parent.glob(f"{name}-*"):
        if old != binary and not old.name.endswith(".lock") and old.name.rpartition("-")[0] == name:
            old.unlink(missing_ok=True)
    for old in package.parent.glob(f"{name}_*"):
        if old != package and old.name.rpartition("_")[0] == name and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def _compile(go: Path, env: dict[str, str], gopath: GoPath, name: str, key: str, files: dict[str, bytes],
             binary: Path) -> None:
    """Place the harness package in the GOPATH, `go build` it, rename the binary into place when whole."""
    package = gopath.root / gopath.world.harness_root / f"{name}_{key}"
    package.mkdir(parents=True, exist_ok=True)
    for file_name, data in files.items():
        (package / file_name).write_bytes(data)
    tmp = binary.with_name(f".tmp-{binary.name}-{os.getpid()}")
    import_path = f"{gopath.world.import_prefix}/{package.name}"
    try:
        result = subprocess.run(  # noqa: S603 - our argv, the verified toolchain
            [str(go), "build", "-tags", " ".join(TAGS.get(name, ())), "-o", str(tmp), import_path],
            cwd=package, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False,
        )
    except subprocess.TimeoutExpired:
        tmp.unlink(missing_ok=True)
        raise HarnessBuildError(f"building harness {name!r} took over {BUILD_TIMEOUT:.0f} s") from None
    if result.returncode != 0:
        tmp.unlink(missing_ok=True)
        output = "\n".join((result.stderr + result.stdout).strip().splitlines()[-25:])
        raise HarnessBuildError(
            f"harness {name!r} does not build in the {gopath.world.name} GOPATH ({gopath.root}):\n{output}",
            hint="a missing package means the build set lacks it: see walkthrough/parity/live/__init__.py, "
            "'Adding a harness'",
        )
    tmp.replace(binary)
