"""`/// run` blocks: the allow-list, the scanner's holes closed, running, recording, checking and showing the output.

The commands are real (our demos, run by this interpreter); the chapters and snapshots live in a temporary
project, next to a fake index for the excerpts (`chapter_fakes`).
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from chapter_fakes import GO_AUTH, FakeIndex, FakeProvider, write_project

from walkthrough.book import run_records
from walkthrough.book.directives import default_run_id, scan
from walkthrough.book.runs import Runner, execute, parse_command
from walkthrough.check.check import run_check
from walkthrough.check.snapshot import update_snapshot
from walkthrough.cli import main
from walkthrough.errors import InputError, RunRefused, UsageError
from walkthrough.html.cards import Renderer, RunBlock

if TYPE_CHECKING:
    from walkthrough.index.protocol import IndexLike

ROOT = Path(__file__).resolve().parent.parent
IDS = "walkthrough run docker.ids layer-1"
HOSTILE = "walkthrough run docker.cli '</pre><script>alert(1)</script>' '\x1b[31mred\u202e'"


def provider() -> FakeProvider:
    return FakeProvider({("fake", None): FakeIndex({"pkg/auth/auth.go": GO_AUTH})})


def chapter(*commands: str, excerpt: bool = True) -> str:
    blocks = "".join(f"/// run | {c}\n///\n\n" for c in commands)
    quoted = "/// excerpt | fake:pkg/auth.Chain\n///\n\n" if excerpt else ""
    return f"# Runs\n\n{quoted}## Try it\n\n{blocks}"


def runner(root: Path, **kw: object) -> Runner:
    return Runner(root, memo=False, **kw)  # type: ignore[arg-type]


# -- the allow-list -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    "walkthrough run kubernetes.authn",
    "walkthrough run authn",
    "walkthrough run",
    "walkthrough run docker.cli ps -a",
    "walkthrough parity tests/golden/e-quota.json",
    "python -m walkthrough.reimpl.docker.layout --root /tmp/x",
    "python3 -m walkthrough.reimpl.kubernetes.quota",
    "walkthrough run docker.cli 'a | b' \"c > d\"",  # operators inside quotes are words
])
def test_allowed_commands(command: str) -> None:
    assert parse_command(command)[0] in ("walkthrough", "python", "python3")


@pytest.mark.parametrize(("command", "why"), [
    ("", "names no command"),
    ("ls -l", "`ls` may not run"),
    ("walkthrough sources fetch", "`walkthrough sources` may not run"),
    ("walkthrough build --strict", "`walkthrough build` may not run"),
    ("walkthrough --cache /tmp run kubernetes.authn", "`walkthrough --cache` may not run"),
    ("walkthrough", "without a subcommand"),
    ("python -c 'print(1)'", "is not a model's demo"),
    ("python -m http.server", "is not a model's demo"),
    ("python -m walkthrough.reimpl.docker._gojson", "is not a model's demo"),
    ("walkthrough run kubernetes.nosuch", "no demo named"),
    ("python -m walkthrough.reimpl.kubernetes.nosuch", "no demo named"),
    ("walkthrough run kubernetes.authn | head", "shell operator `|`"),
    ("walkthrough run kubernetes.authn > out.txt", "shell operator `>`"),
    ("walkthrough run kubernetes.authn; rm -rf /", "shell operator `;`"),
    ("walkthrough run kubernetes.authn && ls", "shell operator `&&`"),
    ("walkthrough run 'kubernetes.authn", "does not split into words"),
])
def test_refused_commands(command: str, why: str) -> None:
    with pytest.raises(RunRefused, match=re.escape(why)) as refused:
        parse_command(command)
    assert refused.value.hint


def test_default_ids_name_the_demo_and_its_arguments() -> None:
    assert default_run_id(parse_command("walkthrough run kubernetes.authn")) == "run-kubernetes-authn"
    assert default_run_id(parse_command("python -m walkthrough.reimpl.kubernetes.authn")) == "run-kubernetes-authn"
    assert default_run_id(parse_command("walkthrough run docker.cli ps -a")) == "run-docker-cli-ps-a"
    assert default_run_id(parse_command("walkthrough parity tests/golden/e-quota.json")) == (
        "run-parity-tests-golden-e-quota-json")


# -- the scanner: run blocks, and no directive swallowed ------------------------------------------------------


def test_run_blocks_are_scanned_with_their_lines_and_options() -> None:
    text = ("# T\n\n/// run | walkthrough run docker.ids\nid: ids\n---\nThe *caption*.\n///\n\n"
            "/// run | walkthrough run\n///\n")
    found = scan(text, "c.md")
    assert found.problems == []
    first, second = found.runs
    assert (first.line, first.anchor_id(), first.caption, first.words) == (
        3, "ids", "The *caption*.", ("walkthrough", "run", "docker.ids"))
    assert text[first.start:first.end].startswith("/// run")
    assert text[first.start:first.end].endswith("///\n")
    assert second.anchor_id() == "run"


def test_bad_run_blocks_are_errors_at_their_line() -> None:
    text = ("# T\n\n/// run | ls\n///\n\n/// run | walkthrough run docker.ids\ncolour: red\n///\n\n"
            "/// run | walkthrough run docker.ids\n///\n\n/// frobnicate | x\n///\n")
    found = scan(text, "c.md")
    assert [p.location for p in found.problems] == ["c.md:3", "c.md:7", "c.md:13"]
    assert "`ls` may not run" in found.problems[0].message
    assert "unknown run option `colour`" in found.problems[1].message
    assert "unknown directive `/// frobnicate`" in found.problems[2].message
    assert len(found.runs) == 1


def test_an_anchor_id_is_unique_across_excerpts_and_runs() -> None:
    text = "/// excerpt | fake:pkg/auth.Chain\nid: x\n///\n\n/// run | walkthrough run docker.ids\nid: x\n///\n"
    (problem,) = scan(text, "c.md").problems
    assert (problem.location, problem.message) == ("c.md:5", "anchor id `x` is already used at line 1")


def test_a_deleted_closing_line_is_an_error_at_the_opening_line_and_swallows_nothing() -> None:
    """The issue's case: delete the `///` after `authz-interface` in the authorizer chapter."""
    lines = (ROOT / "chapters" / "k8s-authorizer.md").read_text(encoding="utf-8").split("\n")
    opening = next(i for i, line in enumerate(lines) if line.startswith("/// excerpt")
                   and lines[i + 1] == "id: authz-interface")
    closing = next(i for i in range(opening, len(lines)) if lines[i] == "///")
    intact = scan("\n".join(lines), "k8s-authorizer.md")
    broken = scan("\n".join(lines[:closing] + lines[closing + 1:]), "k8s-authorizer.md")
    assert intact.problems == []
    (problem,) = broken.problems
    assert problem.location == f"k8s-authorizer.md:{opening + 1}"
    assert "is not closed before line" in problem.message
    assert problem.symbol == "kubernetes:pkg/auth/authorizer.Authorizer"
    # The next directive (its header and YAML) is still a directive, not caption text; only the broken one is gone.
    assert [d.anchor_id() for d in broken.excerpts] == [
        d.anchor_id() for d in intact.excerpts if d.anchor_id() != "authz-interface"]
    assert [r.anchor_id() for r in broken.runs] == [r.anchor_id() for r in intact.runs]


def test_a_block_left_open_at_the_end_of_the_file() -> None:
    (problem,) = scan("# T\n\n/// run | walkthrough run docker.ids\n\nprose\n", "c.md").problems
    assert problem.location == "c.md:3"
    assert "never closed (the file ends first)" in problem.message


# -- running -----------------------------------------------------------------------------------------------


def test_a_run_prints_what_the_demo_prints_in_the_fixed_environment(tmp_path: Path) -> None:
    result = execute(parse_command(IDS), IDS, tmp_path)
    assert result.ok, result
    assert "layer-1    sha256:" in result.output
    env = execute(parse_command("walkthrough run kubernetes.resthandler"), "rh", tmp_path)
    again = execute(parse_command("walkthrough run kubernetes.resthandler"), "rh", tmp_path)
    assert env.output == again.output  # uids and timestamps come from the fixed seams
    assert '"uid":"' in env.output


def test_a_failing_command_is_reported_with_its_status_and_output(tmp_path: Path) -> None:
    command = "walkthrough run docker.layout no-such-archive.tar"
    result = execute(parse_command(command), command, tmp_path)
    assert not result.ok
    assert result.status not in (0, None)
    assert result.failure(60) == f"exited with status {result.status}"
    assert "no-such-archive.tar" in result.output


def test_a_hanging_command_is_killed_at_the_timeout(tmp_path: Path) -> None:
    command = "python -m walkthrough.reimpl.kubernetes.apiserver --port 0"  # a server: never ends on its own
    started = time.monotonic()
    result = execute(parse_command(command), command, tmp_path, timeout=3)
    assert time.monotonic() - started < 20
    assert result.timed_out
    assert result.status is None
    assert result.failure(3) == "did not finish within 3 s (killed)"


def test_each_command_runs_once_per_build_and_clean_runs_are_memoized(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WALKTHROUGH_CACHE", str(tmp_path / "cache"))
    first = Runner(tmp_path, memo=True)
    for _ in range(3):
        first.start(IDS, parse_command(IDS))
    output = first.result(IDS, parse_command(IDS)).output
    first.close()
    assert first.executed == 1
    second = Runner(tmp_path, memo=True)
    assert second.result(IDS, parse_command(IDS)).output == output
    assert second.executed == 0
    failing = "walkthrough run docker.layout no-such-archive.tar"
    for _ in range(2):  # a failure is never memoized: each runner tries again
        third = Runner(tmp_path, memo=True)
        assert not third.result(failing, parse_command(failing)).ok
        assert third.executed == 1
        third.close()


# -- check and snapshot update -------------------------------------------------------------------------------


def test_snapshot_records_the_output_and_check_holds(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"runs.md": chapter(IDS)})
    result = update_snapshot(root, provider(), runner=runner(root))
    assert (result.exit_code, result.runs) == (0, 1)
    (record,) = run_records.load(root / "snapshots") or []
    assert (record.chapter, record.line, record.anchor_id) == ("runs.md", 8, "run-docker-ids-layer-1")
    assert record.command == IDS
    assert "layer-1    sha256:" in record.output
    report = run_check(root, provider(), runner=runner(root))
    assert report.exit_code == 0, [str(p) for p in report.problems]
    assert report.runs_checked == 1


def test_changed_output_fails_with_a_unified_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_project(tmp_path / "p", {"runs.md": chapter(IDS)})
    assert update_snapshot(root, provider(), runner=runner(root)).exit_code == 0
    path = root / "snapshots" / "runs.json"
    data = json.loads(path.read_text())
    entry = data["runs"][0]
    entry["output"][1] = entry["output"][1].replace("layer-1", "layer-0")  # what the demo printed "before"
    entry["sha256"] = run_records.output_sha256("\n".join(entry["output"]))
    path.write_text(json.dumps(data))
    report = run_check(root, provider(), runner=runner(root))
    assert report.exit_code == 1
    (problem,) = report.problems
    assert problem.location == "runs.md:8"
    assert problem.message == "the run's output changed"
    assert problem.detail.startswith(f"$ {IDS}\n--- recorded\n+++ now")
    assert "--- recorded\n+++ now" in problem.detail
    assert "\n-  layer-0 " in problem.detail
    assert "\n+  layer-1 " in problem.detail
    assert main(["check", "--project", str(root)]) == 1
    out = capsys.readouterr().out
    assert "runs.md:8: the run's output changed" in out
    assert "+  layer-1 " in out


def test_hand_edited_output_is_caught_by_its_digest(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"runs.md": chapter(IDS)})
    assert update_snapshot(root, provider(), runner=runner(root)).exit_code == 0
    path = root / "snapshots" / "runs.json"
    path.write_text(path.read_text().replace("layer-1 ", "layer-9 ", 1))
    with pytest.raises(InputError, match="does not match its sha256"):
        run_records.load(root / "snapshots")
    assert run_check(root, provider(), runner=runner(root)).exit_code == 1


def test_failing_hanging_and_refused_runs_are_author_errors_and_block_the_snapshot(tmp_path: Path) -> None:
    text = chapter("walkthrough run docker.layout no-such-archive.tar",
                   "python -m walkthrough.reimpl.kubernetes.apiserver --port 0", "cat /etc/passwd", IDS)
    root = write_project(tmp_path / "p", {"runs.md": text})
    refused = update_snapshot(root, provider(), runner=runner(root, timeout=3))
    assert refused.exit_code == 1
    assert refused.path is None
    assert not (root / "snapshots" / "runs.json").exists()
    by_line = {p.location: p for p in refused.problems}
    assert set(by_line) == {"runs.md:8", "runs.md:11", "runs.md:14"}
    assert by_line["runs.md:8"].message.startswith("the run exited with status")
    assert by_line["runs.md:8"].detail.startswith("$ walkthrough run docker.layout no-such-archive.tar\n")
    assert "| error: no-such-archive.tar: cannot read the archive" in by_line["runs.md:8"].detail
    assert by_line["runs.md:11"].message == "the run did not finish within 3 s (killed)"
    assert "`cat` may not run" in by_line["runs.md:14"].message
    assert by_line["runs.md:14"].detail == "$ cat /etc/passwd"


def test_new_and_removed_run_blocks_are_reported(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"runs.md": chapter(IDS)})
    assert update_snapshot(root, provider(), runner=runner(root)).exit_code == 0
    (root / "chapters" / "runs.md").write_text(chapter("walkthrough run docker.ids layer-2"), encoding="utf-8")
    messages = sorted(p.message for p in run_check(root, provider(), runner=runner(root)).problems)
    assert messages == ["recorded run `run-docker-ids-layer-1` matches no run block in the chapter",
                        "run `run-docker-ids-layer-2` has no recorded output"]


class _UnknownUpstreams(FakeProvider):
    """Like the real provider: a name no pin declares is a usage error, not missing sources."""

    def index(self, upstream: str, ref: str | None = None) -> IndexLike:
        if upstream != "fake":
            raise UsageError(f"unknown upstream {upstream!r} (known: fake)")
        return super().index(upstream, ref)


def test_an_unknown_upstream_is_one_problem_among_all_the_others(tmp_path: Path) -> None:
    text = ("# T\n\n/// excerpt | nosuch:pkg/x.Y\n///\n\n/// excerpt | fake:pkg/auth.Nope\n///\n\n"
            "/// excerpt | fake:pkg/auth.Chain\nid: open\n\n/// run | walkthrough build\n///\n")
    other = "# U\n\n/// excerpt | nosuch:pkg/x.Z\n///\n"
    root = write_project(tmp_path / "p", {"a.md": text, "b.md": other})
    fake = _UnknownUpstreams({("fake", None): FakeIndex({"pkg/auth/auth.go": GO_AUTH})})
    report = run_check(root, fake, runner=runner(root))
    assert report.exit_code == 1
    located = sorted((p.location, p.message) for p in report.problems if p.location.endswith((":3", ":6", ":9", ":12")))
    assert [loc for loc, _ in located] == ["a.md:12", "a.md:3", "a.md:6", "a.md:9", "b.md:3"]
    messages = [message for _, message in located]
    assert messages[0].startswith("run command refused: `walkthrough build` may not run")
    assert messages[1] == messages[4] == "unknown upstream 'nosuch' (known: fake)"
    assert messages[2].startswith("unknown symbol")
    assert messages[3] == "`/// excerpt` block is not closed before line 12, where another directive opens"


# -- on the page -------------------------------------------------------------------------------------------


def test_hostile_output_is_text_on_the_page(tmp_path: Path) -> None:
    result = execute(parse_command(HOSTILE), HOSTILE, tmp_path)
    assert result.ok, result
    assert "</pre><script>" in result.output
    assert "\x1b[31m" in result.output
    html = str(Renderer().run(RunBlock("run-x", HOSTILE, result.output)))
    assert "<script>" not in html
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\x1b" not in html
    assert "\u202e" not in html
    assert 'data-cp="001B"' in html
    assert 'data-cp="202E"' in html
    assert html.count("<pre") == 1
    assert html.count("</pre>") == 1


def test_hostile_output_is_visible_in_the_check_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_project(tmp_path / "p", {"runs.md": chapter(HOSTILE, excerpt=False)})
    (root / "snapshots" / "runs.json").write_text(run_records.dumps([
        run_records.RunRecord("runs.md", 6, scan(chapter(HOSTILE, excerpt=False), "runs.md").runs[0].anchor_id(),
                              HOSTILE, "before\n")]))
    (root / "snapshots" / "excerpts.json").write_text('{"format": 1, "excerpts": []}')
    assert main(["check", "--project", str(root)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert "<U+001B>[31mred<U+202E>" in out


def test_the_site_shows_each_run_under_its_command(tmp_path: Path) -> None:
    from walkthrough.site import SiteModel  # noqa: PLC0415

    text = chapter(IDS, excerpt=False) + "/// run | walkthrough run docker.layout no-such-archive.tar\n///\n"
    site = SiteModel(lambda name: provider().index(name), tmp_path, str, runner=runner(tmp_path))
    site.add_chapter("runs.md", text)
    markdown, blocks = site.chapter_markdown("runs.md", text)
    assert "/// run" not in markdown
    ids, failed = blocks.values()
    assert 'id="run-docker-ids-layer-1"' in ids
    assert "walkthrough run docker.ids layer-1</code>" in ids
    assert "layer-1    sha256:" in ids
    assert "wt-run-failed" in failed
    assert "exited with status" in failed
    (problem,) = site.problems
    assert problem.location == "runs.md:8"


def test_python_of_a_run_is_this_interpreter(tmp_path: Path) -> None:
    command = "python -m walkthrough.reimpl.docker.ids layer-1"
    assert execute(parse_command(command), command, tmp_path).output == execute(
        parse_command(IDS), IDS, tmp_path).output
    assert sys.executable


def test_a_block_left_open_is_one_problem_not_also_a_lost_record(tmp_path: Path) -> None:
    text = chapter(IDS).replace("Chain\n///\n", "Chain\nid: c\n///\n")
    root = write_project(tmp_path / "p", {"runs.md": text})
    assert update_snapshot(root, provider(), runner=runner(root)).exit_code == 0
    lines = text.split("\n")
    opening = lines.index("/// excerpt | fake:pkg/auth.Chain")
    del lines[opening + 2]  # the `///` closing the excerpt: the run block's header now interrupts it
    (root / "chapters" / "runs.md").write_text("\n".join(lines), encoding="utf-8")
    report = run_check(root, provider(), runner=runner(root))
    assert [(p.location, p.message) for p in report.problems] == [
        (f"runs.md:{opening + 1}", "`/// excerpt` block is not closed before line 8, where another directive opens")]
    assert report.runs_checked == 1
