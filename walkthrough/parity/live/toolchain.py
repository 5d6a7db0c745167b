"""The Go toolchain live parity builds with: Debian's Go 1.19, in GOPATH mode, cut off from the network.

The golden vectors were recorded with Go 1.19, and the models reproduce the texts of Go 1.19's
standard library (strconv, encoding/json, net/http errors), so another Go release would report
disagreements that are no fault of a model: any other version is refused (exit 3) rather than
trusted. `$WALKTHROUGH_GO` names the `go` binary when the one on PATH is not it (Debian installs
1.19 as `/usr/lib/go-1.19/bin/go`).

`environment()` is the whole environment of every `go` run: GOPATH mode (`GO111MODULE=off`), no
cgo (no C compiler needed, and the pure-Go `net` and `os/user` behave the same everywhere), no
proxy or toolchain downloads, the user's `go env` file ignored, and a build cache inside
walkthrough's cache so deleting that deletes everything.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from walkthrough.errors import ToolchainMissing
from walkthrough.paths import cache_root

GO_ENV = "WALKTHROUGH_GO"
GO_RELEASE = "go1.19"
"""The release whose standard library the models reproduce (`go1.19` and its patch releases)."""
INSTALL_HINT = "install golang-go (Debian bookworm: `apt-get install golang-go`, Go 1.19), or set WALKTHROUGH_GO"


@dataclass(frozen=True)
class Toolchain:
    """A verified `go` binary and its exact version (`go1.19.8`)."""

    go: Path
    version: str

    def environment(self, gopath: list[Path]) -> dict[str, str]:
        """The environment of a `go` run over `gopath` (see the module docstring)."""
        keep = {k: os.environ[k] for k in ("PATH", "HOME", "TMPDIR", "LANG") if k in os.environ}
        return {
            **keep,
            "GOPATH": os.pathsep.join(str(p) for p in gopath),
            "GO111MODULE": "off",
            "CGO_ENABLED": "0",
            "GOFLAGS": "",
            "GOENV": "off",
            "GOPROXY": "off",
            "GOTOOLCHAIN": "local",
            "GOCACHE": str(cache_root() / "go" / "build-cache"),
        }


def find_toolchain() -> Toolchain:
    """The Go 1.19 toolchain from `$WALKTHROUGH_GO` or PATH.

    Raises:
        ToolchainMissing: no `go`, one that does not run, or another release than Go 1.19.
    """
    named = os.environ.get(GO_ENV)
    found = named or shutil.which("go")
    if not found:
        raise ToolchainMissing("live parity needs the Go toolchain, and there is no `go` on PATH", hint=INSTALL_HINT)
    go = Path(found)
    try:
        result = subprocess.run([str(go), "version"], capture_output=True, text=True, timeout=60, check=False)  # noqa: S603 - the user's go
    except OSError as exc:
        raise ToolchainMissing(f"cannot run {go}: {exc.strerror or exc}", hint=INSTALL_HINT) from None
    except subprocess.TimeoutExpired:
        raise ToolchainMissing(f"`{go} version` did not answer within a minute", hint=INSTALL_HINT) from None
    match = re.search(r"\bgo version (go[0-9][^ ]*)", result.stdout)
    if result.returncode != 0 or match is None:
        raise ToolchainMissing(f"`{go} version` failed: {(result.stderr or result.stdout).strip()[:200]}",
                               hint=INSTALL_HINT)
    version = match.group(1)
    if version != GO_RELEASE and not version.startswith(GO_RELEASE + "."):
        raise ToolchainMissing(
            f"{go} is {version}; live parity needs {GO_RELEASE} (the models reproduce its standard library's texts)",
            hint=f"install Go 1.19 and point {GO_ENV} at it, e.g. {GO_ENV}=/usr/lib/go-1.19/bin/go",
        )
    return Toolchain(go, version)
