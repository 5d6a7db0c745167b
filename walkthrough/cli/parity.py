"""`walkthrough parity [FILE ...] [--json]`: golden vectors from the real Go through the Python models.

Default: every `*.json` file in the project's `tests/golden/`. Per file: the runner used, its
count, and the first mismatches with expected and actual values; last line `N passed, M failed`.
Exit 0 when nothing failed, 1 otherwise (a file that could not be checked counts as a failure), 2 when a
named file does not exist (a usage error).
`--live` compares the models with the real Go on generated inputs instead (`walkthrough.cli.parity_live`);
`--live --model NAME --record FILE` also writes the Go's answers as a vector file (`walkthrough.parity.live.record`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walkthrough.cli.args import existing_file, non_negative_int, positive_int
from walkthrough.errors import UsageError
from walkthrough.paths import project_root

if TYPE_CHECKING:
    import argparse
from walkthrough.text import visible


def _short(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _display(path: Path) -> str:
    """The path relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def configure_parity(parser: argparse.ArgumentParser) -> None:
    """`parity [FILE ...] [--json] [--show N]`, or `parity --live [--model NAME] [--cases N] [--seed S]`."""
    parser.description = "Run golden vector FILES (default: all of tests/golden/) through the Python models."
    parser.add_argument("files", nargs="*", type=existing_file, metavar="FILE")
    parser.add_argument("--json", dest="as_json", action="store_true", help="print a JSON report for machines")
    parser.add_argument("--show", type=non_negative_int, default=5,
                        help="how many mismatches to print per file (per model with --live; default: 5)")
    parser.add_argument("--live", action="store_true",
                        help="compare the models with the real Go (Go 1.19 harnesses) on inputs hypothesis generates")
    parser.add_argument("--model", dest="models", action="append", default=[], metavar="NAME",
                        help="with --live: only this model (repeatable)")
    parser.add_argument("--cases", type=positive_int, default=None,
                        help="with --live: cases per model (default: 10,000 shared by the models, 1,000 to 2,500 each)")
    parser.add_argument("--seed", type=int, default=None, help="with --live: the hypothesis seed (default: random)")
    parser.add_argument("--record", type=Path, default=None, metavar="FILE",
                        help="with --live and one --model: write the Go's answers to every case as a vector file")
    parser.set_defaults(handler=parity)


def parity(files: list[Path], as_json: bool, show: int, *, live: bool = False, models: list[str] | None = None,
           cases: int | None = None, seed: int | None = None, record: Path | None = None) -> int:
    """Run golden vector FILES (default: all of tests/golden/) through the Python models, or --live."""
    if live:
        from walkthrough.cli.parity_live import run_live  # noqa: PLC0415 - only for --live

        if files or as_json:
            raise UsageError("--live takes no vector files and has no --json report")
        return run_live(tuple(models or ()), cases, seed, show, record=record)
    if models or cases is not None or seed is not None or record is not None:
        raise UsageError("--model, --cases, --seed and --record go with --live")
    from walkthrough.parity import run_files, vector_files  # noqa: PLC0415 - the subcommand imports its machinery when it runs

    if files:
        paths = list(files)
    else:
        golden = project_root() / "tests" / "golden"
        if not golden.is_dir():
            raise UsageError(f"no vector files given and {golden} does not exist",
                             hint="pass vector files, or run inside the walkthrough checkout")
        paths = vector_files(golden)
        if not paths:
            raise UsageError(f"no *.json vector files in {golden}")
    reports = run_files(paths)
    passed = sum(r.passed_count for r in reports)
    failed = sum(r.failed_count for r in reports)

    if as_json:
        print(json.dumps({
            "files": [{
                "path": str(r.path), "runner": r.runner, "error": r.error or None,
                "passed": r.passed_count, "failed": r.failed_count,
                "mismatches": [{"name": o.name, "detail": o.detail, "expected": o.expected, "actual": o.actual}
                               for o in r.failed],
            } for r in reports],
            "passed": passed, "failed": failed,
        }, indent=2, ensure_ascii=False, default=str))
        return 1 if failed else 0

    for r in reports:
        where = f" [{r.runner}]" if r.runner else ""
        if r.error:
            print(f"{visible(_display(r.path))}{where}: ERROR {visible(r.error)}")
            continue
        print(f"{visible(_display(r.path))}{where}: {r.passed_count} passed, {r.failed_count} failed")
        for o in r.failed[:show]:
            print(f"  FAIL {visible(o.name)}" + (f" ({o.detail})" if o.detail else ""))
            print(f"    expected: {visible(_short(o.expected))}")
            print(f"    actual:   {visible(_short(o.actual))}")
        if len(r.failed) > show:
            print(f"  ... and {len(r.failed) - show} more")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
