"""`check --offline`: what a CI machine without sources can still prove about the chapters (exit 0 or 1, never 3)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from walkthrough.book import run_records
from walkthrough.book.runs import execute, parse_command
from walkthrough.check.offline import run_offline_check
from walkthrough.cli import main

if TYPE_CHECKING:
    import pytest

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
# Good

## The union: first success wins

/// excerpt | kubernetes:pkg/auth/authenticator.Request
id: req
///

/// run | walkthrough run docker.ids
///

See [the other chapter](other.md#a-heading), [its card](other.md#card), [a line](other.md#card-L12),
[its run](other.md#run-kubernetes-authn), [here](#the-union-first-success-wins), [the index](symbols.md),
[GitHub](https://github.com/kubernetes/kubernetes) and `[not a link](nosuch.md)`.
"""

OTHER = """\
# Other

## A heading

/// excerpt | docker:layer.CreateChainID
id: card
python: walkthrough.reimpl.docker.ids:create_chain_id
///

/// run | walkthrough run kubernetes.authn
///
"""

BROKEN = """\
# Broken

/// excerpt | kubernetes:pkg/auth/authenticator.Request
id: req
python: walkthrough.reimpl.kubernetes.authn:no_such_thing

/// excerpt | nosuch:pkg/x.Y
///

/// excerpt | kubernetes:pkg/z.W@
///

/// run | walkthrough run docker.ids | sort
///

/// run | walkthrough run docker.ids layer-9
///

A [dead link](gone.md), a [missing anchor](other.md#nope) and [a fence](#no-such-heading).

```markdown
[an example in a fence](ignored.md)
```
"""


def project(tmp_path: Path, chapters: dict[str, str]) -> Path:
    """A checkout: the real pins, these chapters, and snapshots recorded for GOOD and OTHER."""
    root = tmp_path / "proj"
    (root / "chapters").mkdir(parents=True)
    (root / "snapshots").mkdir()
    shutil.copy(ROOT / "snapshots" / "upstreams.toml", root / "snapshots" / "upstreams.toml")
    for name, text in chapters.items():
        (root / "chapters" / name).write_text(text, encoding="utf-8")
    prints = [
        {"chapter": "good.md", "line": 5, "anchor_id": "req", "symbol": "kubernetes:pkg/auth/authenticator.Request",
         "python": None},
        {"chapter": "other.md", "line": 5, "anchor_id": "card", "symbol": "docker:layer.CreateChainID",
         "python": "walkthrough.reimpl.docker.ids:create_chain_id"},
    ]
    facts = {"upstream": "x", "tag": "v", "path": "p.go", "start_line": 1, "end_line": 2, "blob": "0" * 40,
             "sha256": "0" * 64}
    (root / "snapshots" / "excerpts.json").write_text(
        json.dumps({"format": 1, "excerpts": [{**facts, **f} for f in prints]}), encoding="utf-8")
    run_records.save(root / "snapshots", [
        run_records.RunRecord("good.md", 9, "run-docker-ids", IDS, output(IDS)),
        run_records.RunRecord("other.md", 11, "run-kubernetes-authn", AUTHN, output(AUTHN)),
    ])
    return root


IDS, AUTHN = "walkthrough run docker.ids", "walkthrough run kubernetes.authn"


def output(command: str) -> str:
    result = execute(parse_command(command), command, ROOT)
    assert result.ok
    return result.output


def test_a_good_project_holds(tmp_path: Path) -> None:
    report = run_offline_check(project(tmp_path, {"good.md": GOOD, "other.md": OTHER}))
    assert [str(p) for p in report.problems] == []
    assert (report.excerpts, report.runs, report.links) == (2, 2, 6)
    assert report.exit_code == 0


def test_the_real_chapters_hold_offline() -> None:
    report = run_offline_check(ROOT)
    assert [str(p) for p in report.problems] == []
    assert report.excerpts > 200


def test_a_broken_chapter_is_reported_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, {"good.md": GOOD, "other.md": OTHER, "broken.md": BROKEN})
    report = run_offline_check(root)
    found = sorted((p.location, p.message) for p in report.problems)
    assert found == [
        ("broken.md:10", "malformed symbol id 'kubernetes:pkg/z.W@': @ is not a Go file name (like @rootfs_unix.go)"),
        ("broken.md:13", "run command refused: shell operator `|` in a run command"),
        ("broken.md:16", "run `run-docker-ids-layer-9` has no recorded output"),
        ("broken.md:19", "link to `#no-such-heading`: broken.md has no anchor `no-such-heading`"),
        ("broken.md:19", "link to `gone.md`: there is no chapter gone.md"),
        ("broken.md:19", "link to `other.md#nope`: other.md has no anchor `nope`"),
        ("broken.md:3", "`/// excerpt` block is not closed before line 7, where another directive opens"),
        ("broken.md:7", "unknown upstream `nosuch`"),
    ]
    assert main(["check", "--offline", "--project", str(root)]) == 1
    out = capsys.readouterr().out
    assert "broken.md:3: `/// excerpt` block is not closed" in out
    assert "check --offline: FAILED" in out
    assert main(["check", "--offline", "--project", str(root), "--chapter", "good.md", "--chapter", "other.md"]) == 0


def test_snapshot_files_must_match_the_chapters(tmp_path: Path) -> None:
    other = OTHER.replace("python: walkthrough.reimpl.docker.ids:create_chain_id\n", "").replace(
        "walkthrough run kubernetes.authn", "walkthrough run kubernetes.authz\nid: run-kubernetes-authn")
    root = project(tmp_path, {"good.md": GOOD.replace("id: req\n", "id: request\n"), "other.md": other})
    found = sorted((p.location, p.message) for p in run_offline_check(root).problems)
    assert found == [
        ("good.md:5", "excerpt `request` has no fingerprint"),
        ("good.md:5", "fingerprint `req` matches no directive"),
        ("other.md:5", "excerpt `card`: its python pair is not the one fingerprinted"),
        ("other.md:9", ("run `run-kubernetes-authn` changed its command "
                         "(recorded: `walkthrough run kubernetes.authn`)")),
    ]


def test_runs_are_rerun_and_compared(tmp_path: Path) -> None:
    root = project(tmp_path, {"good.md": GOOD, "other.md": OTHER})
    changed = output(IDS).replace("layer-1", "layer-one")
    run_records.save(root / "snapshots", [
        run_records.RunRecord("good.md", 9, "run-docker-ids", IDS, changed),
        run_records.RunRecord("other.md", 11, "run-kubernetes-authn", AUTHN, output(AUTHN)),
    ])
    report = run_offline_check(root)
    (problem,) = report.problems
    assert (problem.location, problem.message) == ("good.md:9", "the run's output changed")
    assert "-  layer-one " in problem.detail
    assert "+  layer-1 " in problem.detail
    assert report.runs_checked == 1


def test_a_damaged_snapshot_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    root = project(tmp_path, {"good.md": GOOD, "other.md": OTHER})
    (root / "snapshots" / "runs.json").write_text('{"format": 1, "runs": [{"chapter": 1}]}', encoding="utf-8")
    (problem,) = run_offline_check(root).problems
    assert problem.location == "snapshots/runs.json"
    assert "malformed run records" in problem.message


def test_the_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, {"good.md": GOOD, "other.md": OTHER})
    assert main(["check", "--offline", "--json", "--project", str(root)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["status"], data["offline"], data["runs"], data["runs_checked"], data["problems"]) == (
        "ok", True, 2, 2, [])
