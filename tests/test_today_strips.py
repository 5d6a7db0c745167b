"""Today strips in `check` and `snapshot update`: recorded, compared, never passed over silently."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from test_today import MOVES, OLD, TODAY

from walkthrough.check import strips
from walkthrough.check.check import run_check
from walkthrough.check.provider import SourcesProvider
from walkthrough.check.snapshot import update_snapshot
from walkthrough.cli import main

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from walkthrough.sources import SourceTree

CHAPTER = """\
# Fake

/// excerpt | fake:pkg/a.Changed
///

/// excerpt | fake:pkg/old.Moved
///

/// excerpt | fake:cmd/tool.main
///
"""


def _project(fake_upstream: Callable[..., SourceTree], **kwargs: object) -> Path:
    tree = fake_upstream(OLD, today=TODAY, moves=MOVES, **kwargs)
    project = tree.root.parents[3] / "project"  # tmp_path/cache/sources/ENTRY/tree -> tmp_path/project
    assert project.is_dir()
    (project / "chapters" / "fake.md").write_text(CHAPTER)
    return project


@pytest.fixture
def project(fake_upstream: Callable[..., SourceTree]) -> Path:
    root = _project(fake_upstream)
    result = update_snapshot(root, SourcesProvider(root))
    assert result.exit_code == 0
    assert result.today == root / "snapshots" / "today.json"
    return root


def test_snapshot_records_the_strips(project: Path) -> None:
    data = json.loads((project / "snapshots" / "today.json").read_text())
    assert data["finder"] == strips.FINDER_VERSION
    assert set(data["releases"]) == {"fake@v2.0.0", "moved@v1.0.0"}
    by_symbol = {s["symbol"]: s for s in data["strips"]}
    assert by_symbol["fake:pkg/a.Changed"]["status"] == "changed"
    assert (by_symbol["fake:pkg/a.Changed"]["added"], by_symbol["fake:pkg/a.Changed"]["removed"]) == (1, 0)
    assert by_symbol["fake:pkg/old.Moved"]["target"] == "moved@v1.0.0:pkg/new.Moved"
    assert by_symbol["fake:cmd/tool.main"]["status"] == "not tracked"
    assert "func" not in (project / "snapshots" / "today.json").read_text()  # facts only, never upstream text


def test_check_compares_every_strip(project: Path) -> None:
    report = run_check(project, SourcesProvider(project))
    assert report.exit_code == 0
    assert report.today_checked == 3


def test_a_changed_strip_is_a_problem(project: Path) -> None:
    path = project / "snapshots" / "today.json"
    data = json.loads(path.read_text())
    for s in data["strips"]:
        if s["symbol"] == "fake:pkg/old.Moved":
            s["target"] = "moved@v1.0.0:pkg/new.Elsewhere"
    path.write_text(json.dumps(data))
    report = run_check(project, SourcesProvider(project))
    assert report.exit_code == 1
    (problem,) = report.problems
    assert problem.location == "fake.md:6"
    assert "was moved: moved@v1.0.0:pkg/new.Elsewhere, now moved: moved@v1.0.0:pkg/new.Moved" in problem.message


def test_a_changed_finder_or_pin_shows_without_sources(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = project / "snapshots" / "today.json"
    data = json.loads(path.read_text())
    data["releases"]["moved@v1.0.0"] = "h1:recorded-before"
    path.write_text(json.dumps(data))
    monkeypatch.setattr(strips, "FINDER_VERSION", "today-next")
    report = run_check(project, SourcesProvider(project))
    messages = [p.message for p in report.problems]
    assert any("finder today-1" in m and "today-next" in m for m in messages)
    assert any("moved@v1.0.0: recorded lock h1:recorded-before" in m for m in messages)


def test_missing_today_release_is_a_notice_not_a_failure(fake_upstream: Callable[..., SourceTree]) -> None:
    root = _project(fake_upstream, unimported=("moved@v1.0.0",))
    result = update_snapshot(root, SourcesProvider(root))
    assert result.exit_code == 0
    assert result.today is None  # a partial record would bless "not imported"
    assert "walkthrough sources fetch --all" in (result.today_notices[0].hint or "")
    assert not (root / "snapshots" / "today.json").exists()
    report = run_check(root, SourcesProvider(root))
    assert report.exit_code == 1  # nothing recorded yet is a problem, as for excerpts
    assert "no Today strips recorded" in report.problems[0].message


def test_missing_today_release_after_recording(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (entry,) = (project.parent / "cache" / "sources").glob("moved@v1.0.0-*")
    (entry / "COMPLETE").unlink()
    assert main(["check", "--project", str(project)]) == 0
    out = capsys.readouterr().out
    assert "Today strips not re-derived" in out
    assert "walkthrough sources fetch --all" in out


def test_tampered_today_sources_make_check_incomplete(project: Path) -> None:
    (entry,) = (project.parent / "cache" / "sources").glob("moved@v1.0.0-*")
    path = entry / "tree" / "pkg" / "new" / "new.go"
    path.chmod(0o644)
    path.write_text(path.read_text().replace("ToUpper", "ToLower"))
    report = run_check(project, SourcesProvider(project))
    assert report.exit_code == 3
    assert "modified after import" in report.unchecked[0].message


def test_sources_today_selects_todays_releases(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "verify"]) == 0
    assert "moved@v1.0.0" not in capsys.readouterr().out
    assert main(["sources", "verify", "--today"]) == 0
    out = capsys.readouterr().out
    assert "moved@v1.0.0: " in out
    assert "fake@v2.0.0: " in out


def test_a_declared_successor_is_recorded_and_a_bad_one_is_a_problem(fake_upstream: Callable[..., SourceTree]) -> None:
    root = _project(fake_upstream, successors={"pkg/old.Moved": ("moved@v1.0.0:pkg/new.AddThing", "declared")})
    assert update_snapshot(root, SourcesProvider(root)).exit_code == 0
    recorded = {s["symbol"]: s for s in json.loads((root / "snapshots" / "today.json").read_text())["strips"]}
    assert recorded["fake:pkg/old.Moved"]["declared"] is True
    assert (recorded["fake:pkg/old.Moved"]["status"], recorded["fake:pkg/old.Moved"]["target"]) == (
        "renamed", "moved@v1.0.0:pkg/new.AddThing")
    assert "declared" not in recorded["fake:pkg/a.Changed"]  # the search's strips read as before
    assert run_check(root, SourcesProvider(root)).exit_code == 0
    upstreams = root / "snapshots" / "upstreams.toml"
    upstreams.write_text(upstreams.read_text().replace("pkg/new.AddThing", "pkg/new.Nowhere"))
    report = run_check(root, SourcesProvider(root))
    assert report.exit_code == 1
    (bad,) = [p for p in report.problems if p.message.startswith("declared successor of")]
    line = next(n for n, text in enumerate(upstreams.read_text().split("\n"), 1) if "pkg/new.Nowhere" in text)
    assert bad.location == f"snapshots/upstreams.toml:{line}"
    assert "moved@v1.0.0:pkg/new.Nowhere is not in today's index of moved@v1.0.0" in bad.message
    assert "[fake.successors]" in (bad.hint or "")
