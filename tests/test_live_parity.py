"""Live parity: the harness process protocol, shrinking, the CLI's exit codes, and each model against the real Go.

The first part needs no Go: a Python script stands in for a harness (answers, garbage, hangs, crashes) and
a toy family with a planted bug proves that a disagreement is counted and shrunk. The tests marked `go`
build the real harnesses from the verified cache and run a few hundred generated cases per model; they
skip with a one-line reason without Go 1.19 or the sources.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from walkthrough import paths
from walkthrough.cli import main
from walkthrough.errors import SourcesMissing, ToolchainMissing, UsageError
from walkthrough.parity import run_file
from walkthrough.parity.live import LiveFamily, known_families
from walkthrough.parity.live.engine import Case, differences, run_family
from walkthrough.parity.live.process import Answer, Failure, Harness
from walkthrough.parity.live.record import Recorder, dumps

ROOT = Path(__file__).resolve().parent.parent

FAKE_HARNESS = """\
import json, sys, time
for line in sys.stdin:
    req = json.loads(line)
    do = req.get("do")
    if do == "garbage":
        print("this is not json", flush=True)
    elif do == "hang":
        time.sleep(60)
    elif do == "die":
        sys.stderr.write("boom: the harness fell over\\n")
        sys.stderr.flush()
        sys.exit(3)
    elif do == "error":
        print(json.dumps({"harness_error": "bad request"}), flush=True)
    else:
        x = req.get("x", 0)
        print(json.dumps({"answer": {"double": 2 * x, "big": x >= 100}}), flush=True)
"""


@pytest.fixture
def fake_binary(tmp_path: Path) -> Path:
    script = tmp_path / "fake_harness"
    script.write_text(f"#!{sys.executable}\n" + FAKE_HARNESS, encoding="utf-8")
    script.chmod(0o755)
    return script


@pytest.fixture(autouse=True)
def _project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WALKTHROUGH_PROJECT", str(ROOT))


def test_harness_answers_in_order(fake_binary: Path) -> None:
    with Harness(fake_binary) as harness:
        assert harness.send({"x": 1}) is None
        assert harness.receive() == Answer({"double": 2, "big": False})
        assert harness.ask({"x": 100}) == Answer({"double": 200, "big": True})


@pytest.mark.parametrize(("request_", "kind", "in_stderr"), [
    ({"do": "garbage"}, "garbage", ""),
    ({"do": "die"}, "exited", "boom: the harness fell over"),
    ({"do": "error"}, "harness_error", ""),
])
def test_a_broken_answer_is_a_failure_and_the_next_request_works(
    fake_binary: Path, request_: dict[str, Any], kind: str, in_stderr: str
) -> None:
    with Harness(fake_binary) as harness:
        reply = harness.ask(request_)
        assert isinstance(reply, Failure)
        assert reply.kind == kind
        assert in_stderr in reply.stderr
        assert in_stderr in reply.describe()
        assert harness.ask({"x": 2}) == Answer({"double": 4, "big": False})


def test_a_hanging_harness_times_out_and_is_replaced(fake_binary: Path) -> None:
    with Harness(fake_binary, timeout=0.5) as harness:
        reply = harness.ask({"do": "hang"})
        assert isinstance(reply, Failure)
        assert reply.kind == "timeout"
        assert harness.ask({"x": 3}) == Answer({"double": 6, "big": False})


def test_a_crash_reports_the_exit_status(fake_binary: Path) -> None:
    with Harness(fake_binary) as harness:
        reply = harness.ask({"do": "die"})
    assert isinstance(reply, Failure)
    assert reply.exit_code == 3


def _toy_family(bug_from: int) -> LiveFamily:
    """A model that agrees with the fake harness except from `bug_from` on (it misses `big`)."""

    def requests() -> Any:
        from hypothesis import strategies as st  # noqa: PLC0415

        return st.builds(lambda x: {"x": x}, st.integers(0, 10_000))

    def model(request: dict[str, Any]) -> Any:
        x = request["x"]
        return {"double": 2 * x, "big": 100 <= x < bug_from}

    return LiveFamily(name="toy", world="docker", what="a toy", requests=requests, model=model,
                      vector=lambda request, answer: {"vectors": [{"inputs": request, "outputs": answer}]})


def test_a_planted_bug_is_counted_and_shrunk_to_its_boundary(fake_binary: Path) -> None:
    with Harness(fake_binary) as harness:
        report = run_family(_toy_family(bug_from=5000), harness, cases=300, seed=7)
    assert report.failed > 0
    assert report.passed + report.failed == 300
    assert report.minimal is not None
    assert report.minimal.request == {"x": 5000}
    assert differences(report.minimal.go, report.minimal.model) == [("big", True, False)]


def test_an_agreeing_model_passes_every_case(fake_binary: Path) -> None:
    with Harness(fake_binary) as harness:
        report = run_family(_toy_family(bug_from=10**9), harness, cases=200, seed=1)
    assert (report.passed, report.failed, report.minimal) == (200, 0, None)


def test_a_recording_keeps_each_distinct_go_answer_even_where_the_model_disagrees(fake_binary: Path) -> None:
    recorder = Recorder(_toy_family(bug_from=5000))
    with Harness(fake_binary) as harness:
        report = run_family(recorder.family, harness, cases=300, seed=7, on_case=recorder)
    assert report.failed > 0
    document = recorder.document({"seed": 7})
    vectors = document["vectors"]
    assert len(vectors) == recorder.recorded == 300 - recorder.duplicates
    assert len({json.dumps(v["inputs"]) for v in vectors}) == len(vectors)
    assert all(v["outputs"] == {"double": 2 * v["inputs"]["x"], "big": v["inputs"]["x"] >= 100} for v in vectors)
    assert any(v["inputs"]["x"] >= 5000 for v in vectors)  # the Go's answer, where the model says otherwise
    assert document["meta"] == {"recorded": {"seed": 7}}
    text = dumps(document)
    assert json.loads(text) == document
    assert len(text.splitlines()) == len(vectors) + 5  # meta (3 lines), the list's opening and closing, a vector a line


def test_vectors_with_a_table_of_their_own_are_not_merged() -> None:
    family = LiveFamily(name="toy", world="docker", what="a toy", requests=lambda: None, model=lambda r: r,
                        vector=lambda request, answer: {"lines": request, "vectors": [{"outputs": answer}]})
    recorder = Recorder(family)
    recorder(Case({"x": 1}, 1, 1, passed=True))
    recorder(Case({"x": 1}, 1, 1, passed=True))
    recorder(Case({"x": 3}, None, 3, passed=False, problem="the harness crashed"))
    assert (recorder.recorded, recorder.duplicates, recorder.unanswered) == (1, 1, 1)
    with pytest.raises(UsageError, match="their 'lines' differs"):
        recorder(Case({"x": 2}, 2, 2, passed=True))


@pytest.mark.parametrize("name", ["docker_cli", "docker_layout"])
def test_a_printed_vector_finds_its_runner_by_meta(name: str, tmp_path: Path) -> None:
    """With the model's answer standing in for the Go's: the vector file reaches the family's runner and replays."""
    from hypothesis import HealthCheck, given, settings  # noqa: PLC0415
    from hypothesis import seed as with_seed  # noqa: PLC0415

    family = known_families()[name]
    reports = []

    @settings(max_examples=5, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @with_seed(1)
    @given(family.requests())
    def replay(request: dict[str, Any]) -> None:
        path = tmp_path / "printed.json"  # no family in the name: the runner is chosen by meta
        path.write_text(json.dumps(family.vector(request, json.loads(json.dumps(family.model(request))))),
                        encoding="utf-8")
        reports.append(run_file(path))

    replay()
    assert {(r.runner, r.passed_count, r.failed_count) for r in reports} == {(name, 1, 0)}


@pytest.mark.parametrize("args", [
    ["--live", "--record", "{tmp}/x.json"],
    ["--live", "--model", "mflag", "--model", "gofmt", "--record", "{tmp}/x.json"],
    ["--record", "{tmp}/x.json"],
    ["--live", "--model", "mflag", "--record", "{tmp}/no/x.json"],
])
def test_bad_recordings_are_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str]) -> None:
    code, out, err = run_cli(capsys, "parity", *(a.format(tmp=tmp_path) for a in args))
    assert code == 2
    assert "--record" in err or "not an existing directory" in err
    assert "Traceback" not in err
    assert not out
    assert not list(tmp_path.rglob("*.json"))


def test_differences_name_every_field_and_type() -> None:
    assert differences({"a": 1, "b": [1, 2]}, {"a": True, "b": [1, 3], "c": None}) == [
        ("a", 1, True), ("b[1]", 2, 3), ("c", "<absent>", None),
    ]


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("cases", ["0", "-5", "many"])
def test_bad_case_counts_are_usage_errors(capsys: pytest.CaptureFixture[str], cases: str) -> None:
    code, _, err = run_cli(capsys, "parity", "--live", "--cases", cases)
    assert code == 2
    assert "--cases" in err
    assert "Traceback" not in err


def test_unknown_model_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "parity", "--live", "--model", "nope", "--cases", "1")
    assert code == 2
    assert "mflag" in err  # the known models are listed


def test_live_options_need_live(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "parity", "--cases", "3")
    assert code == 2
    assert "--live" in err


def test_no_toolchain_exits_3_saying_what_to_install(capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("WALKTHROUGH_GO", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no go here
    code, _, err = run_cli(capsys, "parity", "--live", "--model", "mflag", "--cases", "1")
    assert code == 3
    assert "install golang-go" in err
    assert "Traceback" not in err


def test_another_go_release_is_refused(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                       tmp_path: Path) -> None:
    fake_go = tmp_path / "go"
    fake_go.write_text("#!/bin/sh\necho 'go version go1.22.1 linux/amd64'\n", encoding="utf-8")
    fake_go.chmod(0o755)
    monkeypatch.setenv("WALKTHROUGH_GO", str(fake_go))
    code, _, err = run_cli(capsys, "parity", "--live", "--model", "mflag", "--cases", "1")
    assert code == 3
    assert "go1.22.1" in err
    assert "go1.19" in err


# -- against the real Go ------------------------------------------------------------------------------

LIVE_CASES = 300


def _built(name: str) -> Path:
    from walkthrough.parity.live.build import build  # noqa: PLC0415
    from walkthrough.parity.live.toolchain import find_toolchain  # noqa: PLC0415

    try:
        find_toolchain()
    except ToolchainMissing as exc:
        pytest.skip(f"no Go 1.19: {exc.message}")
    family = known_families()[name]
    try:
        return build(name, family.world).binary
    except SourcesMissing as exc:
        pytest.skip(f"sources for the {family.world} harnesses not imported: {exc.message}")


@pytest.mark.go
@pytest.mark.upstream
@pytest.mark.parametrize("name", sorted(known_families()))
def test_model_agrees_with_the_go(name: str) -> None:
    binary = _built(name)
    family = known_families()[name]
    with Harness(binary) as harness:
        report = run_family(family, harness, cases=LIVE_CASES, seed=20170118)
    shown = report.minimal
    assert report.failed == 0, (
        f"{report.failed} disagreements; minimal: {shown.request if shown else None}: "
        f"{differences(shown.go, shown.model) if shown and shown.go is not None else shown and shown.problem}"
    )
    assert report.passed == LIVE_CASES


@pytest.mark.go
@pytest.mark.upstream
def test_a_disagreement_prints_a_vector_that_replays(capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _built("mflag")
    from walkthrough.parity import mflag as golden  # noqa: PLC0415

    real = golden.outputs

    def broken(meta: dict[str, Any], argv: list[str]) -> dict[str, Any]:
        out = real(meta, argv)
        if "nflag" in out:
            out["nflag"] += 1 if argv else 0
        return out

    monkeypatch.setattr(golden, "outputs", broken)
    code, out, _ = run_cli(capsys, "parity", "--live", "--model", "mflag", "--cases", "50", "--seed", "3")
    assert code == 1
    assert out.splitlines()[-1].endswith("failed")
    assert " 0 failed" not in out.splitlines()[-1]
    assert "nflag" in out
    vector_line = next(line for line in out.splitlines() if line.strip().startswith('{"meta"'))
    vector = json.loads(vector_line)
    assert len(vector["vectors"][0]["inputs"]["argv"]) == 1  # shrunk: one argument is enough
    path = tmp_path / "c-mflag-live.json"
    path.write_text(json.dumps(vector), encoding="utf-8")
    assert run_cli(capsys, "parity", str(path))[0] == 1  # the broken model fails the vector
    monkeypatch.setattr(golden, "outputs", real)
    assert run_cli(capsys, "parity", str(path))[0] == 0  # the real model passes it


@pytest.mark.go
@pytest.mark.upstream
def test_a_recording_replays_and_says_how_it_was_made(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _built("docker_layout")
    path = tmp_path / "p-docker-layout.json"
    code, out, _ = run_cli(capsys, "parity", "--live", "--model", "docker_layout", "--cases", "12", "--seed", "5",
                           "--record", str(path))
    assert code == 0, out
    data = json.loads(path.read_text(encoding="utf-8"))
    recorded = data["meta"]["recorded"]
    assert recorded["command"].endswith(f"--cases 12 --seed 5 --record {path.as_posix()}")
    assert (recorded["seed"], recorded["cases"], recorded["harness"]) == (
        5, 12, "walkthrough/parity/live/harness/docker_layout")
    assert recorded["releases"][0].startswith("docker v1.12.3 (commit ")
    assert f"recorded {len(data['docker_layout'])} vectors to" in out
    code, out, _ = run_cli(capsys, "parity", str(path))
    assert code == 0
    assert f"[docker_layout]: {len(data['docker_layout'])} passed, 0 failed" in out


def test_every_family_names_a_harness_and_a_world() -> None:
    from walkthrough.parity.live.build import HARNESS_DIR  # noqa: PLC0415
    from walkthrough.parity.live.gopath import WORLDS  # noqa: PLC0415

    for name, family in known_families().items():
        assert (HARNESS_DIR / name / "main.go").is_file(), name
        assert family.world in WORLDS
        header = (HARNESS_DIR / name / "main.go").read_text(encoding="utf-8")
        assert "Apache License" in header.splitlines()[0]


def test_harness_sources_ship_as_package_data() -> None:
    import tomllib  # noqa: PLC0415

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = data["tool"]["setuptools"]["package-data"]["walkthrough"]
    assert "parity/live/harness/*.go" in globs
    assert "parity/live/harness/*/*.go" in globs


def test_a_new_build_prunes_only_its_own_older_copies(tmp_path: Path) -> None:
    from walkthrough.parity.live.build import _prune  # noqa: PLC0415

    bins, packages = tmp_path / "bin", tmp_path / "src"
    for binary in ("authz-new", "authz-old", "authz-old.lock", "authn-old", "docker_ids-old"):
        (bins / binary).parent.mkdir(exist_ok=True)
        (bins / binary).write_bytes(b"")
    for package in ("authz_new", "authz_old", "authn_old"):
        (packages / package).mkdir(parents=True)
    _prune(bins / "authz-new", packages / "authz_new")
    assert sorted(p.name for p in bins.iterdir()) == ["authn-old", "authz-new", "authz-old.lock", "docker_ids-old"]
    assert sorted(p.name for p in packages.iterdir()) == ["authn_old", "authz_new"]


def test_a_seam_applies_exactly_once_or_the_build_stops() -> None:
    from walkthrough.errors import HarnessBuildError  # noqa: PLC0415
    from walkthrough.parity.live.build import _with_seams  # noqa: PLC0415

    source = b"func main() {\n\tflag.Parse()\n}\n"
    assert _with_seams("h", "x.go", source, (("func main() {", "func dockerMain() {"),)) == \
        b"func dockerMain() {\n\tflag.Parse()\n}\n"
    for seam in (("func nope() {", "x"), ("\t", "  ")):  # absent; present twice
        with pytest.raises(HarnessBuildError, match="seam"):
            _with_seams("h", "x.go", source + b"\t\n", (seam,))


def test_a_new_gopath_prunes_the_worlds_older_ones(tmp_path: Path) -> None:
    from walkthrough.parity.live.gopath import _prune  # noqa: PLC0415

    for name in ("kubernetes-new", "kubernetes-old", "docker-old"):
        (tmp_path / name / "src").mkdir(parents=True)
    (tmp_path / "kubernetes-old.lock").write_bytes(b"")
    _prune(tmp_path / "kubernetes-new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docker-old", "kubernetes-new", "kubernetes-old.lock"]


@pytest.mark.go
def test_harness_sources_are_gofmt_clean() -> None:
    """Our Go reads like Go: every harness file is as gofmt writes it."""
    from walkthrough.parity.live.build import HARNESS_DIR  # noqa: PLC0415

    gofmt = shutil.which("gofmt")
    if gofmt is None:
        pytest.skip("no gofmt on PATH (install golang-go)")
    listed = subprocess.run([gofmt, "-l", str(HARNESS_DIR)], capture_output=True, text=True, check=True, timeout=120)
    assert listed.stdout.split() == []


def test_go_runs_are_hermetic(tmp_path: Path) -> None:
    from walkthrough.parity.live.toolchain import Toolchain  # noqa: PLC0415

    env = Toolchain(Path("/usr/bin/go"), "go1.19.8").environment([tmp_path / "a", tmp_path / "b"])
    assert env["GO111MODULE"] == "off"
    assert env["GOPROXY"] == "off"
    assert env["GOPATH"] == os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")])
    assert env["GOCACHE"].endswith("build-cache")


@pytest.mark.go
@pytest.mark.upstream
def test_build_set_is_the_closure_of_the_harnesses() -> None:
    """The kubernetes-build lock holds exactly the vendored packages the kubernetes harnesses import."""
    from walkthrough.parity.live.buildset import BUILD_SET, harness_packages, vendored_closure  # noqa: PLC0415
    from walkthrough.parity.live.gopath import WORLDS, lay_out  # noqa: PLC0415
    from walkthrough.sources.cache import open_tree  # noqa: PLC0415

    _built("quantity")  # skips without Go or the sources; lays the GOPATH out
    world = WORLDS["kubernetes"]
    gopath = lay_out(world)
    packages = harness_packages(gopath.root / world.harness_root / "closure_check",
                                f"{world.import_prefix}/closure_check")
    closure = set(vendored_closure(gopath.root, packages))
    locked = {path.rpartition("/")[0] for path in open_tree(BUILD_SET).paths()}
    in_kubernetes = {path.rpartition("/")[0] for path in open_tree("kubernetes").paths()}
    assert closure - in_kubernetes == locked


def _need_go() -> None:
    from walkthrough.parity.live.toolchain import find_toolchain  # noqa: PLC0415

    try:
        find_toolchain()
    except ToolchainMissing as exc:
        pytest.skip(f"no Go 1.19: {exc.message}")


@pytest.mark.go
def test_missing_sources_exit_3_naming_the_import(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _need_go()
    monkeypatch.setenv("WALKTHROUGH_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setattr(paths, "_cache_override", None)  # the CLI sets it from the environment; restored after
    code, _, err = run_cli(capsys, "parity", "--live", "--model", "quantity", "--cases", "1")
    assert code == 3
    assert "walkthrough sources" in err  # the hint says how to get them
    assert "Traceback" not in err


@pytest.mark.go
@pytest.mark.upstream
def test_an_unbuildable_harness_exits_3_with_go_s_message(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _built("mflag")  # skips without Go or the docker sources
    from walkthrough.parity.live import build as build_module  # noqa: PLC0415

    broken = tmp_path / "harness"
    (broken / "mflag").mkdir(parents=True)
    (broken / "serve.go").write_bytes((build_module.HARNESS_DIR / "serve.go").read_bytes())
    (broken / "mflag" / "main.go").write_text("package main\n\nfunc main() { undefinedThing() }\n", encoding="utf-8")
    monkeypatch.setattr(build_module, "HARNESS_DIR", broken)
    code, _, err = run_cli(capsys, "parity", "--live", "--model", "mflag", "--cases", "1")
    assert code == 3
    assert "undefined: undefinedThing" in err
    assert "Traceback" not in err


def test_the_default_run_spreads_ten_thousand_cases() -> None:
    from walkthrough.cli.parity_live import default_cases  # noqa: PLC0415

    assert default_cases(1) == 2500  # one model alone: a few seconds
    assert default_cases(4) * 4 == 10_000
    assert default_cases(8) * 8 == 10_000
    assert default_cases(12) * 12 >= 10_000  # never fewer than 1,000 each
    assert all(default_cases(n) * n >= 10_000 for n in range(4, 40))
