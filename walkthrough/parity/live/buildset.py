"""Regenerate the `kubernetes-build` lock: exactly the vendored packages the kubernetes harnesses import.

    python -m walkthrough.parity.live.buildset --git <minikube clone> [--rev REV] [--dry-run]

Kubernetes v1.5.2's own lock holds its packages and go-restful; a harness also needs what those import
from Kubernetes' `vendor/` (glog, pflag, inf, ugorji/go, ...). This lays out a scratch GOPATH with the
verified kubernetes tree and *all* of minikube's `vendor/` at the pinned commit (minikube vendors
v1.5.2 and its dependencies side by side), asks `go list -deps` for the import closure of every harness
of the `kubernetes` world, keeps the vendored packages the kubernetes lock does not already provide,
and runs `walkthrough sources lock kubernetes-build` with one `--include 'vendor/<package>/*.go'` per
package (test files excluded). So the build set holds what the harnesses compile and nothing else, and
the lock records the exact command that made it. Maintainers run it after adding a harness; the test
`test_build_set_is_the_closure_of_the_harnesses` fails when the lock and the harnesses disagree.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from walkthrough.cli import exit_code_of
from walkthrough.errors import HarnessBuildError, UsageError, WalkthroughError
from walkthrough.parity.live import known_families
from walkthrough.parity.live.build import sources_of
from walkthrough.parity.live.gopath import WORLDS

WORLD = "kubernetes"
BUILD_SET = "kubernetes-build"
VENDOR = "vendor/"


def harness_packages(base: Path, import_prefix: str) -> list[str]:
    """Copy every kubernetes-world harness under `base` (a harness root); their import paths."""
    paths = []
    for name, family in known_families().items():
        if family.world != WORLD:
            continue
        package = base / name
        package.mkdir(parents=True, exist_ok=True)
        for file_name, data in sources_of(name).items():
            (package / file_name).write_bytes(data)
        paths.append(f"{import_prefix}/{name}")
    return paths


def vendored_closure(gopath: Path, packages: list[str]) -> list[str]:
    """The `vendor/...` directories (relative to k8s.io/kubernetes) in the import closure of `packages`."""
    from walkthrough.parity.live.toolchain import find_toolchain  # noqa: PLC0415 - runs `go version`

    toolchain = find_toolchain()
    result = subprocess.run(  # noqa: S603 - our argv, the verified toolchain
        [str(toolchain.go), "list", "-e", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", *packages],
        env=toolchain.environment([gopath]), capture_output=True, text=True, check=False, timeout=600,
        cwd=gopath,
    )
    prefix = "k8s.io/kubernetes/"
    listed = result.stdout.split()
    unresolved = sorted(line for line in listed if not line.startswith(prefix))
    if result.returncode != 0 or unresolved:
        raise HarnessBuildError(
            "the kubernetes harnesses import packages this GOPATH lacks: "
            + (", ".join(unresolved) or result.stderr.strip()[-3000:]),
            hint="regenerate the build set: `python -m walkthrough.parity.live.buildset --git <minikube clone>`",
        )
    return sorted(line.removeprefix(prefix) for line in listed if line.startswith(prefix + VENDOR))


def _extract_vendor(git_dir: Path, rev: str, dest: Path) -> None:
    """The `vendor/` of minikube at `rev` into `dest/vendor/`, less its copy of Kubernetes itself."""
    archive = subprocess.Popen(  # noqa: S603 - the user's git, a fixed argv
        ["git", "--git-dir", str(git_dir), "archive", "--format=tar", rev, "vendor"],  # noqa: S607 - git from PATH
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert archive.stdout is not None  # noqa: S101 - Popen(stdout=PIPE)
    with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
        for member in tar:
            if member.isfile() and not member.name.startswith("vendor/k8s.io/kubernetes/"):
                tar.extract(member, dest, filter="data")
    _, err = archive.communicate()
    if archive.returncode != 0:
        raise UsageError(f"cannot read vendor/ of {git_dir} at {rev}: {err.decode(errors='replace').strip()}")


def _git_dir(path: Path) -> Path:
    """The git directory of a clone or a bare repository."""
    return path / ".git" if (path / ".git").is_dir() else path


def closure_from(git: Path, rev: str) -> list[str]:
    """The vendored packages the kubernetes harnesses need that the kubernetes lock lacks."""
    from walkthrough.sources.cache import open_tree  # noqa: PLC0415 - reads the pins

    kube = open_tree(WORLD)
    world = WORLDS[WORLD]
    with tempfile.TemporaryDirectory(prefix="walkthrough-buildset-") as tmp:
        gopath = Path(tmp)
        base = gopath / "src" / "k8s.io" / "kubernetes"
        for path in kube.paths():
            target = base / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(kube.read(path))
        _extract_vendor(_git_dir(git), rev, base)
        packages = harness_packages(gopath / world.harness_root, world.import_prefix)
        closure = vendored_closure(gopath, packages)
    provided = {path.rpartition("/")[0] for path in kube.paths()}
    return [package for package in closure if package not in provided]


def lock_command(git: Path, rev: str, packages: list[str]) -> list[str]:
    """The `walkthrough sources lock` arguments for the build set over `packages`."""
    # Go files, and the assembly some packages implement functions in (golang.org/x/crypto/curve25519)
    includes = [arg for package in packages for glob in ("*.go", "*.s") for arg in ("--include", f"{package}/{glob}")]
    return ["sources", "lock", BUILD_SET, "--git", str(git), "--rev", rev, "--root", ".", *includes,
            "--exclude", "*_test.go"]


def main(argv: list[str] | None = None) -> int:
    """Compute the closure, then write the lock (or only print the command with --dry-run)."""
    from walkthrough.sources.pins import load_pins  # noqa: PLC0415

    parser = argparse.ArgumentParser(prog="python -m walkthrough.parity.live.buildset", description=__doc__)
    parser.add_argument("--git", type=Path, required=True, help="a clone of minikube (bare or not)")
    parser.add_argument("--rev", help="the revision vendoring kubernetes v1.5.2 (default: the build set's pin)")
    parser.add_argument("--dry-run", action="store_true", help="print the lock command instead of running it")
    args = parser.parse_args(argv)
    try:
        release = load_pins().release(BUILD_SET)
        rev = args.rev or (release.offline.rev if release.offline else release.pin.commit)
        packages = closure_from(args.git, rev)
    except WalkthroughError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201 - a maintainer's script reports by printing
        return exit_code_of(exc)
    command = lock_command(args.git, rev, packages)
    print(f"{len(packages)} vendored packages in the closure of the kubernetes harnesses")  # noqa: T201
    if args.dry_run:
        print("walkthrough " + " ".join(f"'{a}'" if "*" in a else a for a in command))  # noqa: T201
        return 0
    from walkthrough.cli import main as cli_main  # noqa: PLC0415

    return cli_main(command)


if __name__ == "__main__":
    raise SystemExit(main())
