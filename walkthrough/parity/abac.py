"""Parity runner for `d-abac.json`: ABAC policy files (both formats), loading errors, matching.

The policy file is written to a temporary directory as the recording harness did (lines joined
by newlines plus a final newline), and `<DIR>` in expected error texts stands for that directory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from walkthrough.parity import Outcome, compare, guarded
from walkthrough.parity.rbac import _who, attributes
from walkthrough.reimpl.kubernetes import abac


def accepts(file_name: str, meta: dict[str, Any]) -> bool:
    """Files named like `d-abac.json`, or whose meta names abac.NewFromFile."""
    return "abac" in file_name.lower() or "abac.NewFromFile" in str(meta.get("functions", ""))


def _load(directory: Path, name: str, lines: list[str]) -> abac.PolicyList:
    path = directory / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return abac.new_from_file(str(path))


def _load_outputs(directory: Path, name: str, lines: list[str]) -> dict[str, Any]:
    try:
        policies = _load(directory, name, lines)
    except abac.PolicyLoadError as exc:
        return {"error": str(exc).replace(str(directory), "<DIR>")}
    return {"policies": [p.to_json() for p in policies]}


def run(data: dict[str, Any]) -> list[Outcome]:
    """Load vectors, the parsed policies of `policy_lines`, then the authorization vectors."""
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="walkthrough-abac-") as tmp:
        directory = Path(tmp)
        for index, vector in enumerate(data.get("load_vectors", [])):
            inputs = vector["inputs"]
            name = f"load_vectors[{index}] {inputs['file_name']}"
            outcomes.append(guarded(name, vector["outputs"], lambda inputs=inputs: _load_outputs(
                directory, inputs["file_name"], inputs["file_lines"])))

        lines: list[str] = data.get("policy_lines", [])
        if not lines:
            return outcomes
        try:
            policies = _load(directory, "policy.jsonl", lines)
        except abac.PolicyLoadError as exc:
            failed = Outcome("policy_lines", passed=False, expected="a loadable policy file", actual=str(exc))
            return [*outcomes, failed]
        # each policy alone, to find which lines individually allow a request
        singles: list[tuple[int, abac.PolicyList]] = []
        for number, line in enumerate(lines, 1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                singles.append((number, _load(directory, f"line{number}.jsonl", [line])))
        by_line = dict(singles)

        for index, expected in enumerate(data.get("parsed_policies", [])):
            single = by_line.get(expected["line"])
            actual = {"line": expected["line"], "internal": single[0].to_json() if single else None}
            outcomes.append(compare(f"parsed_policies[{index}] line {expected['line']}", expected, actual))

        for index, vector in enumerate(data.get("vectors", [])):
            inputs = vector["inputs"]

            def decide(inputs: dict[str, Any] = inputs) -> dict[str, Any]:
                attrs = attributes(inputs["attributes"])
                allowed, reason, err = policies.authorize(attrs)
                actual = {
                    "allowed": allowed,
                    "reason": reason,
                    "matching_policy_lines": [n for n, single in singles if single.authorize(attrs)[0]],
                }
                if err is not None:
                    actual["error"] = str(err)
                return actual

            outcomes.append(guarded(f"vectors[{index}] {_who(inputs)}", vector["outputs"], decide))
    return outcomes
