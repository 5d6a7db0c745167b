"""`check` and `snapshot update`: fingerprints, exit codes 0/1/3, diffs, and never passing silently."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from chapter_fakes import GO_AUTH, FakeIndex, FakeProvider, write_project

from walkthrough.book import fingerprints
from walkthrough.check.check import compare, derive, run_check
from walkthrough.check.provider import SourcesProvider
from walkthrough.check.snapshot import update_snapshot
from walkthrough.cli import main
from walkthrough.errors import UsageError
from walkthrough.sources.pins import git_blob_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from walkthrough.sources import SourceTree

PATH = "pkg/auth/auth.go"
CHAPTER = """\
# Auth

/// excerpt | fake:pkg/auth.Chain
id: chain
notes:
  - at: "strings.HasPrefix"
    text: The match.
///

/// excerpt | fake:pkg/auth.Adder.Add
focus:
  - from: "func (a *Adder) Add"
    to: "out :="
///
"""


def provider_for(source: str, **kw: object) -> FakeProvider:
    return FakeProvider({("fake", None): FakeIndex({PATH: source})}, **kw)  # type: ignore[arg-type]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "proj", {"auth.md": CHAPTER})
    assert update_snapshot(root, provider_for(GO_AUTH)).exit_code == 0
    return root


def test_snapshot_is_stable_sorted_and_has_the_facts(project: Path) -> None:
    path = project / "snapshots" / "excerpts.json"
    first = path.read_text()
    data = json.loads(first)
    assert data["format"] == 1
    assert [e["anchor_id"] for e in data["excerpts"]] == ["chain", "pkg-auth-Adder-Add"]
    chain = data["excerpts"][0]
    assert chain["chapter"] == "auth.md"
    assert chain["line"] == 3
    assert chain["path"] == PATH
    assert chain["symbol"] == "fake:pkg/auth.Chain"
    assert (chain["start_line"], chain["end_line"]) == (10, 20)
    assert chain["blob"] == git_blob_id(GO_AUTH.encode())
    assert chain["notes"] == [{"anchor": "strings.HasPrefix", "line": 14}]
    assert data["excerpts"][1]["shown"] == [[29, 30]]
    assert "strings" not in json.dumps([{k: v for k, v in e.items() if k != "notes"} for e in data["excerpts"]])
    update_snapshot(project, provider_for(GO_AUTH))
    assert path.read_text() == first


def test_check_passes_when_nothing_changed(project: Path) -> None:
    report = run_check(project, provider_for(GO_AUTH))
    assert report.exit_code == 0, [str(p) for p in report.problems]
    assert report.checked == 2


def test_prose_edits_above_an_excerpt_do_not_fail(project: Path) -> None:
    (project / "chapters" / "auth.md").write_text("# Auth\n\nNew intro.\n\n" + CHAPTER.split("\n", 1)[1])
    assert run_check(project, provider_for(GO_AUTH)).exit_code == 0


def test_one_byte_changed_fails_naming_chapter_symbol_and_diff(project: Path) -> None:
    changed = GO_AUTH.replace("return item, true", "return item, false")
    provider = provider_for(changed, old_blobs={git_blob_id(GO_AUTH.encode()): GO_AUTH.encode()})
    report = run_check(project, provider)
    assert report.exit_code == 1
    (p,) = report.problems
    assert p.location == "auth.md:3"
    assert p.symbol == "fake:pkg/auth.Chain"
    assert "changed: text" in p.message
    assert "-\t\t\treturn item, true" in p.detail
    assert "+\t\t\treturn item, false" in p.detail
    assert "fake@v1.0.0:pkg/auth/auth.go:10-20" in p.detail


def test_changed_text_without_old_blob_shows_new_span(project: Path) -> None:
    report = run_check(project, provider_for(GO_AUTH.replace("return item, true", "return item, false")))
    (p,) = report.problems
    assert "old text not available" in p.detail
    assert "   15  \t\t\treturn item, false" in p.detail


def test_moved_note_line_is_reported(project: Path) -> None:
    shifted = GO_AUTH.replace("\tfor _, item := range items {\n", "\tfor _, item := range items {\n\t\t_ = item\n")
    report = run_check(project, provider_for(shifted))
    messages = [p.message for p in report.problems]
    assert any("changed: text, span" in m for m in messages)
    assert "note `strings.HasPrefix` moved from line 14 to line 15" in messages


def test_vanished_anchor_fails_with_near_matches(project: Path) -> None:
    renamed = GO_AUTH.replace("strings.HasPrefix", "strings.HasSuffix")
    report = run_check(project, provider_for(renamed))
    p, text = report.problems
    assert text.message == "excerpt `chain` changed: text"
    assert "   14  \t\tif strings.HasSuffix(req.Header, item) {" in text.detail
    assert p.location == "auth.md:6"
    assert "`strings.HasPrefix` matches no line" in p.message
    assert "strings.HasSuffix" in (p.hint or "")


def test_excerpt_without_fingerprint_and_fingerprint_without_excerpt(project: Path) -> None:
    text = CHAPTER.replace("id: chain", "id: chain2")
    (project / "chapters" / "auth.md").write_text(text)
    report = run_check(project, provider_for(GO_AUTH))
    assert report.exit_code == 1
    messages = sorted(p.message for p in report.problems)
    assert messages == [
        "excerpt `chain2` has no fingerprint", "fingerprint `chain` matches no directive in the chapter",
    ]


def test_no_fingerprint_file_is_a_failure(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"auth.md": CHAPTER})
    report = run_check(root, provider_for(GO_AUTH))
    assert report.exit_code == 1
    assert report.problems[0].message == "no excerpt fingerprints recorded yet (2 excerpts)"
    assert len(report.problems) == 1


def test_sources_missing_is_exit_3_not_a_pass(project: Path) -> None:
    report = run_check(project, FakeProvider({}))
    assert report.exit_code == 3
    assert "cannot check excerpts of `fake`" in report.unchecked[0].message
    assert report.checked == 0
    assert report.skipped == 2
    assert report.problems == []  # fingerprints of unchecked excerpts are not reported as gone


def test_lock_mismatch_is_exit_3(project: Path) -> None:
    report = run_check(project, provider_for(GO_AUTH, lock={PATH: "f" * 40}))
    assert report.exit_code == 3
    assert "the lock says ffffffffffff" in report.unchecked[0].message
    report = run_check(project, provider_for(GO_AUTH, lock={}))
    assert "is not in the lock" in report.unchecked[0].message


def test_snapshot_update_refuses_broken_chapters(project: Path) -> None:
    before = (project / "snapshots" / "excerpts.json").read_text()
    (project / "chapters" / "auth.md").write_text(CHAPTER.replace("fake:pkg/auth.Chain", "fake:pkg/auth.Chian"))
    result = update_snapshot(project, provider_for(GO_AUTH))
    assert result.exit_code == 1
    assert result.path is None
    assert (project / "snapshots" / "excerpts.json").read_text() == before
    assert update_snapshot(project, FakeProvider({})).exit_code == 3


def test_malformed_fingerprints_file_is_an_input_error(project: Path) -> None:
    (project / "snapshots" / "excerpts.json").write_text("{not json")
    with pytest.raises(fingerprints.InputError, match="malformed excerpt fingerprints"):
        run_check(project, provider_for(GO_AUTH))


# --- the CLI: exit codes and output, with the provider swapped for the fake one


@pytest.fixture
def use_provider(monkeypatch: pytest.MonkeyPatch) -> Callable[[FakeProvider], None]:
    holder: dict[str, FakeProvider] = {}
    monkeypatch.setattr("walkthrough.cli.check._provider", lambda root: holder["p"])

    def set_provider(p: FakeProvider) -> None:
        holder["p"] = p

    return set_provider


def test_cli_exit_codes_and_report(
    project: Path, use_provider: Callable[[FakeProvider], None], capsys: pytest.CaptureFixture[str]
) -> None:
    use_provider(provider_for(GO_AUTH))
    assert main(["check", "--project", str(project)]) == 0
    assert "all hold: 2 excerpts" in capsys.readouterr().out

    use_provider(provider_for(GO_AUTH.replace("return item, true", "return item, false"),
                              old_blobs={git_blob_id(GO_AUTH.encode()): GO_AUTH.encode()}))
    assert main(["check", "--project", str(project)]) == 1
    out = capsys.readouterr().out
    assert "auth.md:3: excerpt `chain` changed: text [fake:pkg/auth.Chain]" in out
    assert "+\t\t\treturn item, false" in out

    assert main(["check", "--project", str(project), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "problems"
    assert data["problems"][0]["symbol"] == "fake:pkg/auth.Chain"

    use_provider(FakeProvider({}))
    assert main(["check", "--project", str(project)]) == 3
    assert "INCOMPLETE" in capsys.readouterr().out


def test_cli_snapshot_update(
    project: Path, use_provider: Callable[[FakeProvider], None], capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "snapshots" / "excerpts.json").unlink()
    use_provider(provider_for(GO_AUTH))
    assert main(["snapshot", "update", "--project", str(project)]) == 0
    assert "wrote 2 excerpt fingerprints" in capsys.readouterr().out
    assert main(["check", "--project", str(project)]) == 0


def test_cli_makes_control_characters_visible(
    project: Path, use_provider: Callable[[FakeProvider], None], capsys: pytest.CaptureFixture[str]
) -> None:
    evil = GO_AUTH.replace("// nobody matched", "// nobody \x1b[31mmatched\u202e")
    use_provider(provider_for(evil))
    assert main(["check", "--project", str(project)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert "<U+001B>[31m" in out
    assert "<U+202E>" in out


def test_file_changed_outside_the_excerpt_is_a_notice_not_a_failure(project: Path) -> None:
    changed = GO_AUTH.replace("func helper() int { return 1 }", "func helper() int { return 2 }")
    report = run_check(project, provider_for(changed))
    assert report.exit_code == 0
    assert len(report.notices) == 2
    assert "holds, but its file changed elsewhere" in report.notices[0].message


def test_snapshot_update_of_one_chapter_keeps_the_others(project: Path) -> None:
    other = "/// excerpt | fake:pkg/auth.helper\n///\n"
    (project / "chapters" / "other.md").write_text(other)
    broken = CHAPTER.replace("fake:pkg/auth.Chain", "fake:pkg/auth.Chian")
    (project / "chapters" / "auth.md").write_text(broken)
    assert update_snapshot(project, provider_for(GO_AUTH)).exit_code == 1
    result = update_snapshot(project, provider_for(GO_AUTH), ["other.md"])
    assert result.exit_code == 0
    assert result.count == 1
    recorded = fingerprints.load(project / "snapshots")
    assert recorded is not None
    assert sorted(f.key for f in recorded) == [("auth.md", "chain"), ("auth.md", "pkg-auth-Adder-Add"),
                                                ("other.md", "pkg-auth-helper")]
    with pytest.raises(UsageError, match=re.escape("no chapter nope.md")):
        update_snapshot(project, provider_for(GO_AUTH), ["nope.md"])


# --- end to end: a fake upstream locked and imported into a temp cache, the real index and provider

GO_REAL = """\
package auth

// Check says yes to alice.
func Check(name string) bool {
	if name == "alice" {
		return true
	}
	return false
}
"""

E2E_CHAPTER = """\
# Fake

/// excerpt | fake:pkg/auth.Check
notes:
  - at: 'if name == "alice" {'
    text: The only user.
///
"""


def test_end_to_end_one_byte_changed_in_the_cache(fake_upstream: Callable[..., SourceTree], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("walkthrough.index.reader")
    fake_upstream({"pkg/auth/auth.go": GO_REAL})
    project = tmp_path / "project"
    (project / "chapters" / "fake.md").write_text(E2E_CHAPTER)
    assert main(["snapshot", "update"]) == 0
    assert main(["check"]) == 0
    capsys.readouterr()

    # Re-lock and re-import a doctored copy: one byte inside the excerpt differs.
    fake_upstream({"pkg/auth/auth.go": GO_REAL.replace('"alice"', '"alicf"')})
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "fake.md:3: excerpt `pkg-auth-Check` changed: text [fake:pkg/auth.Check]" in out
    assert '-\tif name == "alice" {' in out  # the old text, from the old cache entry
    assert '+\tif name == "alicf" {' in out
    assert 'note anchor `if name == "alice" {` matches no line' in out


def test_end_to_end_sources_missing_exits_3(
    fake_upstream: Callable[..., SourceTree], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("walkthrough.index.reader")
    fake_upstream({"pkg/auth/auth.go": GO_REAL})
    (tmp_path / "project" / "chapters" / "fake.md").write_text(E2E_CHAPTER)
    assert main(["snapshot", "update"]) == 0
    monkeypatch.setenv("WALKTHROUGH_CACHE", str(tmp_path / "empty-cache"))
    assert main(["--cache", str(tmp_path / "empty-cache"), "check"]) == 3


@pytest.mark.upstream
def test_real_authenticator_chapter_matches_its_fingerprints(k8s_tree: SourceTree) -> None:
    root = Path(__file__).resolve().parent.parent
    provider = SourcesProvider(root)
    derived = derive(root, provider, only=["k8s-authenticator.md"])
    assert derived.problems == []
    assert derived.unchecked == []
    assert len(derived.excerpts) >= 20
    recorded = {f.key: f for f in fingerprints.load(root / "snapshots") or []}
    for item in derived.excerpts:
        old = recorded.get(item.fingerprint.key)
        assert old is not None, item.fingerprint.key
        assert compare(old, item, provider) == []
    run = next(i for i in derived.excerpts if i.result.anchor_id == "authn-run")
    assert run.excerpt.symbol.path == "cmd/kube-apiserver/app/server.go"
    assert len(run.excerpt.shown) == 6  # a 270-line function, shown in six focused ranges


def test_end_to_end_tampered_cache_file_is_exit_3(fake_upstream: Callable[..., SourceTree], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("walkthrough.index.reader")
    tree = fake_upstream({"pkg/auth/auth.go": GO_REAL})
    (tmp_path / "project" / "chapters" / "fake.md").write_text(E2E_CHAPTER)
    assert main(["snapshot", "update"]) == 0
    target = tree.path_of("pkg/auth/auth.go")
    target.chmod(0o644)
    target.write_bytes(target.read_bytes().replace(b'"alice"', b'"alicf"'))
    assert main(["check"]) == 3
    out = capsys.readouterr()
    assert "pkg/auth/auth.go" in out.out + out.err


def test_check_one_chapter(project: Path) -> None:
    (project / "chapters" / "other.md").write_text("/// excerpt | fake:pkg/auth.helper\n///\n")
    assert run_check(project, provider_for(GO_AUTH)).exit_code == 1  # other.md has no fingerprint
    report = run_check(project, provider_for(GO_AUTH), ["auth.md"])
    assert report.exit_code == 0
    assert report.chapters == ["auth.md"]
