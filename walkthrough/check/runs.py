"""Run blocks under `check` and `snapshot update`: run each command, compare its output with `snapshots/runs.json`.

A run that fails (non-zero exit, timeout, too much output) is an author error at its `chapter.md:line`, with the
command and the end of what it printed, as a terminal would show them. A clean run whose output differs from its
record is a problem with a unified diff (recorded → now), control characters made visible; one without a record,
or a record without a block, is a problem too, so a new or removed run block never passes unnoticed. Returns
Problems, never prints.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from walkthrough.book.run_records import RunRecord
from walkthrough.models import Problem
from walkthrough.text import visible

if TYPE_CHECKING:
    from walkthrough.book.directives import RunDirective
    from walkthrough.book.runs import Runner, RunResult

RECORD_HINT = (
    "if the change is deliberate, run `walkthrough snapshot update` and review the diff of snapshots/runs.json"
)
TAIL_LINES = 15
"""Lines of a failed run's output shown with its problem: enough for a traceback's end."""


@dataclass
class RunOutcome:
    """Every run block of the chapters checked, run: the clean ones as records, the others as problems."""

    records: list[RunRecord] = field(default_factory=list)
    """The runs that ended cleanly, as `snapshots/runs.json` would record them now."""
    problems: list[Problem] = field(default_factory=list)
    """Runs that failed, at their `chapter.md:line`."""
    failed: list[RunDirective] = field(default_factory=list)


def run_all(runs: list[RunDirective], runner: Runner) -> RunOutcome:
    """Run every block (distinct commands once, in parallel); sort the results into records and problems."""
    for d in runs:
        runner.start(d.command, d.words)
    out = RunOutcome()
    for d in runs:
        result = runner.result(d.command, d.words)
        failure = result.failure(runner.timeout)
        if failure is None:
            out.records.append(RunRecord(d.file, d.line, d.anchor_id(), d.command, result.output))
        else:
            out.failed.append(d)
            out.problems.append(Problem(d.location, f"the run {failure}", hint=_failure_hint(result),
                                        detail=f"{prompt(d.command)}\n{_tail(result.output)}"))
    return out


def prompt(command: str) -> str:
    """The command as a terminal shows it, control characters made visible: the first line of a run's detail."""
    return f"$ {visible(command)}"


def _failure_hint(result: RunResult) -> str:
    if result.timed_out:
        return "a run block's command must finish on its own (a server never does: show a demo that stops)"
    return "run it yourself from the checkout to see why; fix the model or the block"


def _tail(output: str) -> str:
    lines = output.rstrip("\n").split("\n")
    shown = lines[-TAIL_LINES:]
    head = [f"... ({len(lines) - len(shown)} lines before)"] if len(lines) > len(shown) else []
    return "\n".join(f"| {visible(line)}" for line in [*head, *shown]) if output.strip() else "(no output)"


def compare_runs(
    outcome: RunOutcome, recorded: list[RunRecord], chapters: list[str],
    broken: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(), *, outputs_only: bool = False,
) -> tuple[list[Problem], int]:
    """Problems between the recorded outputs (of `chapters`) and the runs now, and how many runs held.

    The record of a block that did not parse (`broken`: chapter and anchor id) is not also reported as orphaned.
    `outputs_only` leaves out the records' bookkeeping (a block without record, a record without block, a new
    command), which `check --offline` reports from the snapshot file itself.
    """
    by_key = {r.key: r for r in recorded if r.chapter in chapters}
    problems: list[Problem] = []
    held = 0
    seen = {(d.file, d.anchor_id()) for d in outcome.failed}
    for now in outcome.records:
        seen.add(now.key)
        location = f"{now.chapter}:{now.line}"
        old = by_key.get(now.key)
        if old is None:
            if outputs_only:
                continue
            problems.append(Problem(
                location, f"run `{now.anchor_id}` has no recorded output", symbol=now.command,
                hint="new run block? run `walkthrough snapshot update` and commit snapshots/runs.json"))
        elif old.command != now.command:
            if outputs_only:
                continue
            problems.append(Problem(location, f"run `{now.anchor_id}` changed its command (was `{old.command}`)",
                                    symbol=now.command, hint=RECORD_HINT))
        elif old.output != now.output:
            before, after = old.output.rstrip("\n").split("\n"), now.output.rstrip("\n").split("\n")
            diff = "\n".join(difflib.unified_diff(before, after, "recorded", "now", lineterm="", n=2))
            problems.append(Problem(location, "the run's output changed", hint=RECORD_HINT,
                                    detail=f"{prompt(now.command)}\n{visible(diff)}"))
        else:
            held += 1
    problems.extend(
        Problem(f"{old.chapter}:{old.line}", f"recorded run `{old.anchor_id}` matches no run block in the chapter",
                symbol=old.command,
                hint="the block was removed or its id changed; run `walkthrough snapshot update` if that is deliberate")
        for key, old in sorted(by_key.items())
        if not outputs_only and key not in seen and key not in broken
    )
    return problems, held
