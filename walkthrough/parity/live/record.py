"""Recording golden vectors from the real Go: `walkthrough parity --live --model NAME --record FILE`.

A recording is a live run that keeps the Go's answers: every distinct request of the sweep that the
Go answered becomes a vector, made by the family's `vector` (the one a disagreement prints), and the
vectors are merged into one file of the `tests/golden/` format: each list concatenated, every other
top-level value the same in all of them (a family whose vectors carry a per-request table, as ABAC's
policy lines, cannot be merged and is refused). The Go's answer is recorded whether or not the model
agrees with it: a vector is a fact about the Go, and replaying the file shows any disagreement.

`meta.recorded` says how the file was made (the command, the harness and the upstream files compiled
into it, the releases, Go and hypothesis versions, seed, case count, date), so the next engineer can
re-record it: the same seed and hypothesis release draw the same requests.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walkthrough.errors import UsageError
from walkthrough.parity.live.engine import canonical

if TYPE_CHECKING:
    from pathlib import Path

    from walkthrough.parity.live import LiveFamily
    from walkthrough.parity.live.engine import Case

META = "meta"


@dataclass
class Recorder:
    """Collects the vectors of the cases a sweep checks (pass it as `run_family`'s `on_case`)."""

    family: LiveFamily
    meta: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[Any]] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    """Top-level values that are not lists: the same in every vector, or the family cannot be recorded."""
    seen: set[str] = field(default_factory=set)
    unanswered: int = 0
    """Cases the Go gave no answer to (a crash or hang of the harness): nothing to record."""
    duplicates: int = 0

    def __call__(self, case: Case) -> None:
        """Keep this case's vector (once per distinct request)."""
        if case.go is None:
            self.unanswered += 1
            return
        key = canonical(case.request)
        if key in self.seen:
            self.duplicates += 1
            return
        self.seen.add(key)
        for name, value in self.family.vector(case.request, case.go).items():
            if name == META:
                self.meta = self.meta or value
            elif isinstance(value, list):
                self.lists.setdefault(name, []).extend(value)
            elif self.tables.setdefault(name, value) != value:
                raise UsageError(f"the {self.family.name} family's vectors cannot be merged into one file: "
                                 f"their {name!r} differs from request to request",
                                 hint="record a family whose vectors are lists only")

    @property
    def recorded(self) -> int:
        """How many vectors the file holds."""
        return sum(len(vectors) for vectors in self.lists.values())

    def document(self, provenance: dict[str, Any]) -> dict[str, Any]:
        """The vector file: the family's meta with `recorded` added, then its tables and lists."""
        return {META: {**self.meta, "recorded": provenance}, **self.tables, **dict(sorted(self.lists.items()))}


def provenance(family: LiveFamily, *, cases: int, seed: int, target: Path) -> dict[str, Any]:
    """How a file was recorded: enough to record it again."""
    from importlib.metadata import version  # noqa: PLC0415 - only recording reads it

    from walkthrough.parity.live.build import UPSTREAM  # noqa: PLC0415
    from walkthrough.parity.live.gopath import WORLDS  # noqa: PLC0415
    from walkthrough.parity.live.toolchain import find_toolchain  # noqa: PLC0415
    from walkthrough.sources.cache import open_tree  # noqa: PLC0415

    placements = WORLDS[family.world].placements
    locks = [open_tree(p.release).lock for p in placements]
    compiled_in = [next((path.removeprefix(p.at + "/") for p in placements if path.startswith(p.at + "/")), path)
                   for path, _ in UPSTREAM.get(family.name, ())]
    command = ["walkthrough", "parity", "--live", "--model", family.name, "--cases", str(cases), "--seed", str(seed),
               "--record", target.as_posix()]
    return {
        "command": shlex.join(command),
        "harness": f"walkthrough/parity/live/harness/{family.name}",
        "upstream_files_compiled_in": compiled_in,
        "releases": [f"{lock.upstream} {lock.tag} (commit {lock.commit})" for lock in locks],
        "go_version": find_toolchain().version,
        "hypothesis_version": version("hypothesis"),
        "seed": seed,
        "cases": cases,
        "date": dt.datetime.now(tz=dt.UTC).date().isoformat(),
    }


def dumps(document: dict[str, Any]) -> str:
    """The file as the other recorded golden files are laid out: meta one key a line, then one vector a line.

    Keys sorted, non-ASCII escaped: a re-recording diffs line by line, vector by vector.
    """

    def one(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=True)

    meta = ",\n".join(f" {one(key)}: {one(value)}" for key, value in sorted(document[META].items()))
    parts = [f"{{{one(META)}: {{\n{meta}\n}}"]
    for name, value in document.items():
        if name == META:
            continue
        if isinstance(value, list):
            rows = ",\n".join(one(item) for item in value)
            parts.append(f" {one(name)}: [\n{rows}\n]")
        else:
            parts.append(f" {one(name)}: {one(value)}")
    return ",\n".join(parts) + "}\n"
