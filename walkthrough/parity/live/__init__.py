"""Live parity: the Python models against the real upstream Go, on inputs hypothesis generates.

`walkthrough parity --live [--model NAME] [--cases N] [--seed S]` builds small Go programs of ours,
the *harnesses*, which import the real upstream packages from the verified cache (they copy none),
sends every generated input to the harness and to the model, and compares the two answers field by
field. A disagreement is shrunk to a minimal input and printed as a vector file in the format of
`tests/golden/`, ready to be added there (`walkthrough parity FILE` replays it through the model).
`--model NAME --record FILE` writes every case the run checked, with the Go's answer, as one such file
(`record`: how golden files are recorded from a family, and recorded again).

Pieces, each its own module:

- `toolchain`: finds Go 1.19 (`$WALKTHROUGH_GO` or PATH) and the hermetic environment of every `go` run.
- `gopath`: the *worlds*, GOPATHs copied from the verified cache (`kubernetes`: Kubernetes v1.5.2 with
  the `kubernetes-build` dependency set in its `vendor/`; `docker`: Docker v1.12.3 with `vendor/` on
  the GOPATH).
- `build`: compiles a harness, cached by lock digests + Go version + harness source hash.
- `process`: runs a harness process with a per-request timeout; crashes, hangs and garbage become
  failed cases with the harness's stderr, never a hang.
- `engine`: the hypothesis sweep, the comparison, shrinking, and the report of one family.
- `record`: a sweep's Go answers merged into one vector file, with how it was recorded in its `meta`.
- `families/<name>.py`: one module per family: a `LiveFamily` named `FAMILY` (strategy, model, vector).

## The harness protocol (JSON lines)

The harness reads one JSON object per line on stdin, the *request*, and writes exactly one JSON
line per request on stdout, in order, flushed:

    {"answer": <any JSON>}          what the Go did: return values, error texts, recorded panics
    {"harness_error": "<text>"}     the request was malformed for this harness (a bug on our side)
    {"harness_panic": "<text>"}     a panic the harness did not expect (recovered; the process lives on)

Nothing else may reach stdout (log to stderr). `harness/serve.go` implements the loop: a harness's
`main` calls `serve(func(raw json.RawMessage) (interface{}, error) {...})`. Errors and panics the
upstream code produces *as behaviour* belong in the answer (`{"error": err.Error()}`, a recovered
`{"store_create_panic": ...}`), so the model can be compared on them. Where the upstream ends the
process (`os.Exit`, `log.Fatal`), the family may turn the exit into an answer (`LiveFamily.on_exit`).
Answers are compared whole: every field the harness reports must be what the model computes.

## Adding a harness

1. Write `harness/<name>/main.go` (`package main`, Apache-2.0 header, a comment giving the request
   and answer shapes). Import the upstream packages by their import paths; in the `kubernetes` world
   the harness package sits inside `k8s.io/kubernetes`, so Kubernetes' vendored packages
   (go-restful, ...) resolve as they do for Kubernetes' own code. Try it by hand with
   `walkthrough parity --live --model <name> --cases 10`.
   Upstream code that no package can import (a `package main`, as cmd/docker's main and DaemonProxy) can
   be compiled into the harness from the world's verified GOPATH: `build.UPSTREAM` (and `build.TAGS`),
   with seams (exact text replaced at build time, in the build directory) where the harness needs a
   hook; never restate upstream code in the harness.
2. If `go build` reports a package it cannot find, the `kubernetes-build` lock lacks it: regenerate
   that lock with `python -m walkthrough.parity.live.buildset --git <minikube clone>`, which lists the
   import closure of every Kubernetes harness and runs `walkthrough sources lock kubernetes-build ...`
   with one `--include` per needed package (never more: the build set holds only what harnesses
   import). Import the new lock with `walkthrough sources import kubernetes-build --git <clone>`.
3. Write `families/<name>.py` defining `FAMILY = LiveFamily(...)`: a hypothesis strategy of requests
   covering what the Go accepts *and* rejects, the model's answer to a request (the same shape as the
   harness's, computed only from the model), and the vector file for a request and the Go's answer (the
   format the golden runner of that family reads, so a printed disagreement can be pasted into
   `tests/golden/`). Families are discovered by module; nothing else needs registering.
4. Add the package-data glob if the harness adds a new kind of file, and a test in
   `tests/test_live_parity.py` (marked `go` and `upstream`) running a few hundred cases.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walkthrough.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from hypothesis.strategies import SearchStrategy


def _same(value: Any) -> Any:
    return value


SHORT = 160
"""Characters of a request shown in a report line."""


def _short(request: dict[str, Any]) -> str:
    import json  # noqa: PLC0415 - only reports describe requests

    text = json.dumps(request, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= SHORT else text[: SHORT - 3] + "..."


@dataclass(frozen=True)
class LiveFamily:
    """One harness paired with one model: how to generate requests, answer them in Python, and write vectors."""

    name: str
    """The CLI name (`--model quantity`), also the harness directory `harness/<name>/`."""
    world: str
    """The GOPATH the harness builds in: `kubernetes` or `docker` (see `gopath.WORLDS`)."""
    what: str
    """One line: the upstream functions under test."""
    requests: Callable[[], SearchStrategy[dict[str, Any]]]
    """A hypothesis strategy of requests (a function, so hypothesis is imported only when used)."""
    model: Callable[[dict[str, Any]], Any]
    """The model's answer to a request, in the harness's answer shape."""
    vector: Callable[[dict[str, Any], Any], dict[str, Any]]
    """A golden vector file (`{"meta": ..., <lists>}`) holding one request and the Go's answer."""
    normalise: Callable[[Any], Any] = _same
    """Applied to both answers before comparing; for what no model can reproduce (pointer values)."""
    on_exit: Callable[[int, str], Any] | None = None
    """When the upstream ends the process as behaviour: the answer for an exit status and stderr."""
    describe: Callable[[dict[str, Any]], str] = field(default=_short)
    """A short label of a request for reports."""
    share: float = 1.0
    """The fraction of the default case count this family runs (a family whose cases cost tens of
    milliseconds takes less, so a default run stays within its time)."""


def known_families() -> dict[str, LiveFamily]:
    """Every family of the `families` subpackage, by name, in name order."""
    package = importlib.import_module(f"{__name__}.families")

    found: dict[str, LiveFamily] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        family = getattr(module, "FAMILY", None)
        if isinstance(family, LiveFamily):
            found[family.name] = family
    return dict(sorted(found.items()))


def family(name: str) -> LiveFamily:
    """The family called `name`; an unknown name is a usage error listing the known ones."""
    known = known_families()
    if name not in known:
        raise UsageError(f"no live parity model {name!r} (known: {', '.join(known)})")
    return known[name]
