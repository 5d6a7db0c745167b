"""Parity runner for docker-layout vectors: `docker load` as the files it leaves under /var/lib/docker (Docker 1.12.3).

The vectors of the live family `docker_layout`, one list `docker_layout`: inputs the spec hypothesis
drew (to read), the archive the Go loaded (`archive_gz`), the graph driver and the container to
create; outputs the Go's answer, normalised. The replay is the family's own: its `replay_request`,
`model` and `normalise` (random cache-ids and mount-ids as placeholders, temporary names fixed), so a
vector replays exactly as live parity compared it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from walkthrough.parity import Outcome, guarded
from walkthrough.parity.live.families import docker_layout as family


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `p-docker-layout.json`, or whose meta names tarexport's Load."""
    return "docker-layout" in file_name.lower() or "tarexport Load" in str(meta.get("functions", ""))


def answer(inputs: dict[str, Any]) -> Any:
    """The model's normalised answer to a vector's inputs."""
    return family.normalise(family.model(family.replay_request(inputs)))


def _label(index: int, spec: dict[str, Any]) -> str:
    return (f"docker_layout[{index}] {len(spec['layers'])} layer(s), broken {spec['broken']}, "
            f"second image {spec['second_image']}")


def _narrowed(outcome: Outcome) -> Outcome:
    """A failure shows only the files that differ, not the whole tree under the root."""
    expected, actual = outcome.expected, outcome.actual
    if outcome.passed or not isinstance(expected, dict) or not isinstance(actual, dict):
        return outcome
    go, model = expected.get("files"), actual.get("files")
    if not isinstance(go, dict) or not isinstance(model, dict):
        return outcome
    differing = sorted(path for path in go.keys() | model.keys() if go.get(path) != model.get(path))
    return dataclasses.replace(outcome, expected={**expected, "files": {p: go.get(p, "<absent>") for p in differing}},
                               actual={**actual, "files": {p: model.get(p, "<absent>") for p in differing}})


def run(data: dict[str, Any]) -> list[Outcome]:
    """One Outcome per vector; the whole answer (every file, the output, the error) is compared."""
    outcomes = []
    for index, vector in enumerate(data.get("docker_layout", [])):
        inputs = vector["inputs"]
        outcome = guarded(_label(index, inputs["spec"]), vector["outputs"], lambda inputs=inputs: answer(inputs),
                          subset=False)
        outcomes.append(_narrowed(outcome))
    return outcomes
