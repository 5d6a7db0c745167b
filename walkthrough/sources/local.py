"""Local copies of an upstream: a git repository at a revision, or a plain directory. Read-only.

A copy holds upstream files under one or more roots (`SRC` or `SRC=DEST`): minikube vendors kubernetes
v1.5.2 under `vendor/k8s.io/kubernetes`, so the upstream path `pkg/api/types.go` is found there at
`vendor/k8s.io/kubernetes/pkg/api/types.go`. Git is only ever asked to read (`ls-tree`, `cat-file`), so
a shared mirror is never written to.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from walkthrough.errors import SourcesError, UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator


@dataclass(frozen=True)
class Root:
    """Files under `src` of a copy are upstream paths under `dest` (both '' for the top)."""

    src: str
    dest: str

    @classmethod
    def parse(cls, spec: str) -> Root:
        """`vendor/k8s.io/kubernetes`, `.`, or `vendor/k8s.io/apiserver=staging/src/k8s.io/apiserver`."""
        src, _, dest = spec.partition("=")
        clean = [_clean(part, spec) for part in (src, dest)]
        return cls(clean[0], clean[1])

    def __str__(self) -> str:
        src = self.src or "."
        return src if not self.dest else f"{src}={self.dest}"

    def candidate(self, upstream_path: str) -> str | None:
        """Where `upstream_path` would be in the copy under this root, or None if outside `dest`."""
        if self.dest:
            if not upstream_path.startswith(self.dest + "/"):
                return None
            upstream_path = upstream_path[len(self.dest) + 1 :]
        return f"{self.src}/{upstream_path}" if self.src else upstream_path

    def upstream(self, copy_path: str) -> str | None:
        """The upstream path of `copy_path` under this root, or None if outside `src`."""
        if self.src:
            if not copy_path.startswith(self.src + "/"):
                return None
            copy_path = copy_path[len(self.src) + 1 :]
        return f"{self.dest}/{copy_path}" if self.dest else copy_path


def _clean(part: str, spec: str) -> str:
    """One side of a root, relative to the copy (or the upstream): never absolute, never climbing out."""
    bad = f"bad root {spec!r}: use a path inside the copy, like vendor/k8s.io/kubernetes, or `.`"
    part = part.strip()
    if part.startswith("/") or "=" in part or (len(part) > 1 and part[1] == ":"):
        raise UsageError(bad + " (SRC=DEST at most, both relative)")
    part = part.strip("/")
    if part in ("", "."):
        return ""
    if any(seg in ("", ".", "..") for seg in part.split("/")) or "\\" in part:
        raise UsageError(bad)
    return part


@dataclass(frozen=True)
class Found:
    """A regular file of a copy: its path in the copy, blob id (git copies only) and size (if known)."""

    path: str
    blob: str | None
    size: int | None


class GitCopy:
    """A git repository (bare or not) at a revision, read with `git ls-tree` and `git cat-file`."""

    def __init__(self, git_dir: Path, rev: str) -> None:
        if shutil.which("git") is None:
            raise SourcesError(
                "git is not installed", hint="install git, or import from a directory with --dir"
            )
        self.git_dir = git_dir
        self.rev = rev
        self.commit = self._resolve()
        self._listing: dict[str, Found] | None = None

    def describe(self) -> str:
        """How reports name this copy."""
        return f"git {self.git_dir} at {self.rev} ({self.commit[:12]})"

    def _git(self, *args: str, input_: bytes | None = None) -> bytes:
        env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
        proc = subprocess.run(
            ["git", "-C", str(self.git_dir), *args],
            input=input_,
            capture_output=True,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            msg = [line.strip() for line in proc.stderr.decode(errors="replace").splitlines() if line.strip()]
            said = next((m for m in msg if m.startswith(("fatal:", "error:"))), msg[0] if msg else "")
            hint = "check --git (a clone of the upstream or of a repository vendoring it) and --rev"
            fix = next((m for m in msg if m.startswith("git config") and "safe.directory" in m), None)
            if fix:  # git refuses a repository another user owns ("dubious ownership"); say how to allow it
                hint = f"if you trust {self.git_dir}, allow it with `{fix}`, or import as the user who owns it"
            raise SourcesError(
                f"git {args[0]} failed in {self.git_dir}: {said or 'exit ' + str(proc.returncode)}", hint=hint
            )
        return proc.stdout

    def _resolve(self) -> str:
        if not self.git_dir.is_dir():
            raise SourcesError(
                f"{self.git_dir} is not a directory", hint="--git takes a local git repository"
            )
        return (
            self._git("rev-parse", "--verify", "--end-of-options", f"{self.rev}^{{commit}}").decode().strip()
        )

    def listing(self) -> dict[str, Found]:
        """Every regular file of the revision (symlinks and submodules are never upstream files here)."""
        if self._listing is None:
            out = self._git("ls-tree", "-r", "-l", "-z", "--full-tree", self.commit)
            found: dict[str, Found] = {}
            for record in out.split(b"\0"):
                if not record:
                    continue
                meta, _, raw_path = record.partition(b"\t")
                mode, kind, blob, size = meta.split()
                if kind != b"blob" or mode not in (b"100644", b"100755"):
                    continue
                path = raw_path.decode("utf-8", errors="surrogateescape")
                found[path] = Found(path, blob.decode(), int(size) if size.isdigit() else None)
            self._listing = found
        return self._listing

    def read_blobs(self, blobs: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """(blob id, bytes) for each id, streamed through one `git cat-file --batch`."""
        ids = list(dict.fromkeys(blobs))
        proc = subprocess.Popen(
            ["git", "-C", str(self.git_dir), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
        assert proc.stdin is not None  # noqa: S101 - PIPE sets it; narrows the type
        assert proc.stdout is not None  # noqa: S101 - PIPE sets it; narrows the type

        def feed() -> None:
            try:
                proc.stdin.write("".join(f"{b}\n" for b in ids).encode())  # type: ignore[union-attr]
                proc.stdin.close()  # type: ignore[union-attr]
            except BrokenPipeError:
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            for blob in ids:
                header = proc.stdout.readline().split()
                if len(header) != 3 or header[1] != b"blob":  # noqa: PLR2004 - `<oid> blob <size>`
                    raise SourcesError(
                        f"blob {blob} is missing from {self.git_dir} "
                        f"(git says {b' '.join(header).decode()!r})",
                        hint="the clone is incomplete (a partial or shallow clone?): fetch the full history",
                    )
                size = int(header[2])
                data = proc.stdout.read(size)
                proc.stdout.read(1)
                yield blob, data
        finally:
            proc.stdout.close()
            writer.join()
            proc.wait()


class DirCopy:
    """A plain directory (an unpacked archive); symlinks are ignored, never followed."""

    def __init__(self, directory: Path) -> None:
        if not directory.is_dir():
            raise SourcesError(f"{directory} is not a directory", hint="--dir takes an unpacked source tree")
        self.directory = directory
        self._listing: dict[str, Found] | None = None

    def describe(self) -> str:
        """How reports name this copy."""
        return f"directory {self.directory}"

    def listing(self) -> dict[str, Found]:
        """Every regular file under the directory (`.git` left out), with its size; listed once."""
        if self._listing is None:
            found: dict[str, Found] = {}
            for dirpath, dirnames, filenames in os.walk(self.directory):
                dirnames[:] = [d for d in dirnames if d != ".git"]
                for fname in filenames:
                    full = Path(dirpath, fname)
                    st = full.lstat()
                    if not stat.S_ISREG(st.st_mode):
                        continue
                    rel = full.relative_to(self.directory).as_posix()
                    found[rel] = Found(rel, None, st.st_size)
            self._listing = found
        return self._listing

    def read(self, path: str) -> bytes:
        """The bytes of `path` under the directory."""
        return (self.directory / path).read_bytes()
