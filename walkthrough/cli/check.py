"""`walkthrough check`, `walkthrough snapshot update`, `walkthrough drift`: print reports, own exit codes.

All the work is in `walkthrough.check`; this module only prints (plain text, or JSON with `--json`)
and returns the exit code: 0 ok, 1 problems, 3 sources missing or unverifiable. Upstream text in
diffs is printed with control and bidirectional characters made visible.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from walkthrough.cli.args import Parser, existing_dir
from walkthrough.paths import project_root
from walkthrough.text import visible

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from walkthrough.check.provider import SourcesProvider
    from walkthrough.models import Problem

def _root(project: Path | None) -> Path:
    return project.resolve() if project is not None else project_root()


def _provider(root: Path) -> SourcesProvider:
    from walkthrough.check.provider import SourcesProvider  # noqa: PLC0415 - the subcommand imports its machinery when it runs

    return SourcesProvider(root)


def _count(n: int, noun: str, plural: str | None = None) -> str:
    """`1 run`, `2 runs`: counts in the summaries read as sentences."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _echo_problems(title: str, problems: list[Problem]) -> None:
    if not problems:
        return
    print(f"{title}:")
    for p in problems:
        text = visible(str(p))
        print("  " + text.replace("\n", "\n    "))


def _common(parser: argparse.ArgumentParser, *, chapters_help: str = "only this chapter (repeatable)") -> None:
    """The options check, snapshot update and drift share."""
    parser.add_argument("--chapter", dest="chapters", action="append", default=[], metavar="NAME.md",
                        help=chapters_help)
    parser.add_argument("--json", dest="as_json", action="store_true", help="print a JSON report for machines")
    parser.add_argument(
        "--project", type=existing_dir,
        help="the checkout holding chapters/ and snapshots/ (default: found from the working directory)",
    )


def configure_check(parser: argparse.ArgumentParser) -> None:
    """`check [--chapter NAME.md ...] [--json] [--project DIR]`."""
    parser.description = (
        "Prove every chapter excerpt, note anchor, Python pair and run output still matches. "
        "Exit 0 when all hold, 1 with a report when something changed or does not resolve, "
        "3 when sources are missing or do not match the lock. --offline reads the checkout alone (exit 0 or 1)."
    )
    _common(parser)
    parser.add_argument(
        "--offline", action="store_true",
        help="check only what needs no sources: directive syntax, ids, run commands, links, snapshot files",
    )
    parser.set_defaults(handler=check)


def check(chapters: list[str], as_json: bool, project: Path | None, *, offline: bool = False) -> int:
    """Prove every chapter excerpt, note anchor, Python pair and run output still matches.

    Exit 0 when all hold, 1 with a report when something changed or does not resolve, 3 when sources
    are missing or do not match the lock. `offline` reads the checkout alone (exit 0 or 1), for CI
    machines without sources.
    """
    root = _root(project)
    if offline:
        return _check_offline(root, list(chapters) or None, as_json=as_json)
    from walkthrough.check.check import run_check  # noqa: PLC0415 - the subcommand imports its machinery when it runs

    report = run_check(root, _provider(root), list(chapters) or None)
    if as_json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return report.exit_code
    _echo_problems("problems", report.problems)
    _echo_problems("not checked (sources missing or unverifiable)", report.unchecked)
    _echo_problems("stale fingerprints (the excerpts hold)", report.notices)
    _echo_problems("Today strips not re-derived", report.today_notices)
    total = report.checked + len(report.problems)
    verdict = {0: "all hold", 1: "FAILED", 3: "INCOMPLETE"}[report.exit_code]
    print(
        f"check: {verdict}: {_count(report.checked, 'excerpt')} and {_count(report.runs_checked, 'run output')} "
        f"match their records, {_count(len(report.problems), 'problem')}, "
        f"{len(report.unchecked) + report.skipped} not checked, in {_count(len(report.chapters), 'chapter')}"
        + (f"; {report.today_checked} Today strips match" if report.today_checked else "")
        + ("" if total or report.chapters else " (no chapters found)"),
    )
    return report.exit_code


def _check_offline(root: Path, chapters: list[str] | None, *, as_json: bool) -> int:
    from walkthrough.check.offline import run_offline_check  # noqa: PLC0415 - the subcommand imports its machinery

    report = run_offline_check(root, chapters)
    if as_json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return report.exit_code
    _echo_problems("problems", report.problems)
    verdict = "FAILED" if report.problems else "all hold"
    print(
        f"check --offline: {verdict}: {_count(report.excerpts, 'excerpt')}, {_count(report.links, 'link')} and "
        f"the snapshot files, {report.runs_checked} of {_count(report.runs, 'run output')} as recorded, "
        f"{_count(len(report.problems), 'problem')}, in {_count(len(report.chapters), 'chapter')} "
        "(no sources read: excerpt texts are the full check's)",
    )
    return report.exit_code


def configure_snapshot(parser: argparse.ArgumentParser) -> None:
    """`snapshot update [--chapter NAME.md ...] [--json] [--project DIR]`."""
    actions = parser.add_subparsers(metavar="ACTION", required=True, parser_class=Parser)
    update = actions.add_parser(
        "update", help="re-derive every excerpt and rewrite snapshots/excerpts.json",
        description="Re-derive every excerpt and rewrite snapshots/excerpts.json "
                    "(refused while any directive is broken).",
    )
    _common(update, chapters_help="only this chapter's fingerprints (repeatable); the others are kept")
    update.set_defaults(handler=snapshot_update)


def snapshot_update(chapters: list[str], as_json: bool, project: Path | None) -> int:
    """Re-derive every excerpt and rewrite snapshots/excerpts.json (refused while any directive is broken)."""
    from walkthrough.check.snapshot import update_snapshot  # noqa: PLC0415 - the subcommand imports its machinery when it runs

    root = _root(project)
    result = update_snapshot(root, _provider(root), list(chapters) or None)
    if as_json:
        from walkthrough.check.check import problem_json  # noqa: PLC0415 - only --json needs it

        print(json.dumps({
            "written": str(result.path) if result.path else None, "excerpts": result.count, "runs": result.runs,
            "problems": [problem_json(p) for p in result.problems],
            "unchecked": [problem_json(p) for p in result.unchecked],
            "today": str(result.today) if result.today else None,
            "today_notices": [problem_json(p) for p in result.today_notices],
        }, indent=2, ensure_ascii=False))
        return result.exit_code
    _echo_problems("problems", result.problems)
    _echo_problems("not checked (sources missing or unverifiable)", result.unchecked)
    if result.path is None:
        print("snapshot: nothing written; fix the problems above first")
    else:
        print(f"snapshot: wrote {_count(result.count, 'excerpt fingerprint')} to {result.path} "
              f"and {_count(result.runs, 'run output')} beside it")
    if result.today is not None:
        print(f"snapshot: wrote the Today strips to {result.today}")
    _echo_problems("Today strips kept as recorded", result.today_notices)
    return result.exit_code


def configure_drift(parser: argparse.ArgumentParser) -> None:
    """`drift --to NAME@REF ... [--chapter NAME.md ...] [--json] [--project DIR]`."""
    parser.add_argument("--to", dest="targets", action="append", required=True, metavar="NAME@REF",
                        help="a later release to compare with, e.g. kubernetes@v1.6.0 (repeatable)")
    _common(parser)
    parser.set_defaults(handler=drift)


def drift(targets: list[str], chapters: list[str], as_json: bool, project: Path | None) -> int:
    """Compare every excerpt with another release: unchanged, changed (diff), moved, or gone."""
    from walkthrough.check.drift import parse_target, run_drift  # noqa: PLC0415 - the subcommand imports its machinery when it runs

    parsed = [parse_target(t) for t in targets]
    root = _root(project)
    report = run_drift(root, _provider(root), parsed, list(chapters) or None)
    if as_json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return report.exit_code
    for chapter, entries in report.by_chapter().items():
        print(f"== {chapter}")
        for e in entries:
            where = f" -> {e.new_span}" if e.new_span and e.new_span != e.old_span else ""
            print(f"  {e.status.value:<9} {e.symbol}  ({e.old_span}{where})  [{e.location}]")
            if e.moved_to:
                print("            now: " + ", ".join(e.moved_to))
            if e.status.value == "moved" and e.new_span and not e.diff:
                print("            text unchanged")
            if e.broken_anchors:
                broken = "; ".join(f"`{visible(a)}`" for a in e.broken_anchors)
                print(f"            anchors that would break: {broken}")
            if e.diff:
                print("            " + visible(e.diff).replace("\n", "\n            "))
    _echo_problems("problems in the chapters", report.problems)
    _echo_problems("not checked", report.unchecked)
    counts = ", ".join(f"{n} {s}" for s, n in report.counts().items())
    if report.unchecked and not any(report.counts().values()):  # no zeros that read like a clean result
        counts = "nothing compared"
    if report.unchecked:
        counts += f"; {len(report.unchecked)} not checked (see above)"
    print(f"drift to {', '.join(report.targets)}: {counts}")
    return report.exit_code
