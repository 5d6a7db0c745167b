"""`drift`: every excerpt against another release — unchanged, changed (diff), moved, gone."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from chapter_fakes import GO_AUTH, FakeIndex, FakeProvider, fake_pin, write_project

from walkthrough.check.drift import DriftStatus, parse_target, run_drift
from walkthrough.cli import main
from walkthrough.errors import UsageError

if TYPE_CHECKING:
    from pathlib import Path

CHAPTER = """\
# Auth

/// excerpt | fake:pkg/auth.Chain
id: chain
notes:
  - at: "strings.HasPrefix"
    text: The match.
///

/// excerpt | fake:pkg/auth.Adder.Add
///

/// excerpt | fake:pkg/auth.Request
///

/// excerpt | fake:pkg/auth.helper
///
"""

# v2: Chain's loop changed (and its anchor with it), Adder.Add untouched, Request moved to another
# package, helper deleted.
GO_V2 = (
    GO_AUTH.replace("strings.HasPrefix(req.Header, item)", "strings.EqualFold(req.Header, item)")
    .replace("// Request is what every authenticator looks at.\ntype Request struct {\n\tHeader string\n}\n\n", "")
    .replace("func helper() int { return 1 }\n\n", "")
)
GO_V2_REQUEST = (
    "package request\n\n// Request is what every authenticator looks at.\ntype Request struct {\n\tHeader string\n}\n"
)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, FakeProvider]:
    root = write_project(tmp_path / "p", {"auth.md": CHAPTER})
    provider = FakeProvider({
        ("fake", None): FakeIndex({"pkg/auth/auth.go": GO_AUTH}),
        ("fake", "v2.0.0"): FakeIndex({"pkg/auth/auth.go": GO_V2, "pkg/request/request.go": GO_V2_REQUEST},
                                      pin=fake_pin(tag="v2.0.0")),
    })
    return root, provider


def test_drift_statuses(setup: tuple[Path, FakeProvider]) -> None:
    root, provider = setup
    report = run_drift(root, provider, [("fake", "v2.0.0")])
    assert report.exit_code == 0
    by_symbol = {e.symbol: e for e in report.entries}
    chain = by_symbol["fake:pkg/auth.Chain"]
    assert chain.status is DriftStatus.CHANGED
    assert "-\t\tif strings.HasPrefix(req.Header, item) {" in chain.diff
    assert "+\t\tif strings.EqualFold(req.Header, item) {" in chain.diff
    assert chain.broken_anchors == ("strings.HasPrefix",)
    assert chain.location == "auth.md:3"
    add = by_symbol["fake:pkg/auth.Adder.Add"]
    assert add.status is DriftStatus.UNCHANGED
    assert add.old_span == "pkg/auth/auth.go:28-33"
    assert add.new_span == "pkg/auth/auth.go:21-26"
    moved = by_symbol["fake:pkg/auth.Request"]
    assert moved.status is DriftStatus.MOVED
    assert moved.moved_to == ("fake:pkg/request.Request",)
    assert by_symbol["fake:pkg/auth.helper"].status is DriftStatus.GONE
    assert report.counts() == {"unchanged": 1, "changed": 1, "moved": 1, "gone": 1}
    assert list(report.by_chapter()) == ["auth.md"]


def test_missing_target_release_is_unchecked(setup: tuple[Path, FakeProvider]) -> None:
    root, provider = setup
    report = run_drift(root, provider, [("fake", "v9")])
    assert report.exit_code == 3
    assert report.entries == []
    assert "cannot load fake@v9" in report.unchecked[0].message


def test_parse_target() -> None:
    assert parse_target("kubernetes@v1.6.0") == ("kubernetes", "v1.6.0")
    with pytest.raises(UsageError, match="expected NAME@REF"):
        parse_target("kubernetes")


def test_cli_drift(setup: tuple[Path, FakeProvider], monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> None:
    root, provider = setup
    monkeypatch.setattr("walkthrough.cli.check._provider", lambda _root: provider)
    assert main(["drift", "--to", "fake@v2.0.0", "--project", str(root)]) == 0
    out = capsys.readouterr().out
    assert "== auth.md" in out
    assert "moved     fake:pkg/auth.Request" in out
    assert "now: fake:pkg/request.Request" in out
    assert "anchors that would break: `strings.HasPrefix`" in out
    assert "drift to fake@v2.0.0: 1 unchanged, 1 changed, 1 moved, 1 gone" in out
    assert main(["drift", "--to", "fake@v2.0.0", "--project", str(root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["status"] for e in data["chapters"]["auth.md"]] == ["changed", "unchanged", "moved", "gone"]
    assert main(["drift", "--to", "fake", "--project", str(root)]) == 2


def test_moved_and_changed_shows_a_diff_and_common_names_are_not_guesses(tmp_path: Path) -> None:
    chapter = "/// excerpt | fake:pkg/auth.Request\n///\n\n/// excerpt | fake:pkg/auth.helper\n///\n"
    root = write_project(tmp_path / "p", {"auth.md": chapter})
    moved = GO_V2_REQUEST.replace("\tHeader string\n", "\tHeader string\n\tBody   string\n")
    many = {f"pkg/x{i}/x.go": f"package x{i}\n\nfunc helper() int {{ return {i} }}\n" for i in range(7)}
    provider = FakeProvider({
        ("fake", None): FakeIndex({"pkg/auth/auth.go": GO_AUTH}),
        ("fake", "v2"): FakeIndex({"pkg/auth/auth.go": GO_V2, "pkg/request/request.go": moved, **many},
                                  pin=fake_pin(tag="v2")),
    })
    report = run_drift(root, provider, [("fake", "v2")])
    request, helper = report.entries
    assert request.status is DriftStatus.MOVED
    assert request.new_span == "pkg/request/request.go:3-7"
    assert "+\tBody   string" in request.diff
    assert helper.status is DriftStatus.GONE  # seven unrelated `helper`s say nothing about where it went


def test_a_function_that_became_a_method_is_moved_not_gone(tmp_path: Path) -> None:
    chapter = "# Build\n\n/// excerpt | fake:pkg/auth.Build\n///\n"
    v1 = ("package auth\n\n// Build makes one.\nfunc Build(c Config) int {\n\treturn c.N\n}\n\n"
          "type Config struct {\n\tN int\n}\n")
    v2 = ("package auth\n\ntype Config struct {\n\tN int\n}\n\n"
          "// Build makes one.\nfunc (c Config) Build() int {\n\treturn c.N\n}\n")
    two_methods = v2 + "\ntype Other struct{}\n\nfunc (o Other) Build() int {\n\treturn 0\n}\n"
    root = write_project(tmp_path / "p", {"build.md": chapter})
    for later, expected in ((v2, DriftStatus.MOVED), (two_methods, DriftStatus.GONE)):
        provider = FakeProvider({
            ("fake", None): FakeIndex({"pkg/auth/auth.go": v1}),
            ("fake", "v2.0.0"): FakeIndex({"pkg/kubeapi/auth/auth.go": later}, pin=fake_pin(tag="v2.0.0")),
        })
        (entry,) = run_drift(root, provider, [("fake", "v2.0.0")]).entries
        assert entry.status is expected
        if expected is DriftStatus.MOVED:
            assert entry.moved_to == ("fake:pkg/kubeapi/auth.Config.Build",)
            assert "+func (c Config) Build() int {" in entry.diff
