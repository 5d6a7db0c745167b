"""`walkthrough parity` and `walkthrough run`: output, exit codes, runner dispatch by name and meta."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from walkthrough.cli import main
from walkthrough.cli.run import demos

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
MUST_PASS = ["a-quantity.json", "d-abac.json", "e-quota.json", "g-rbac.json", "o-docker-cli.json",
             "p-docker-layout.json"]


@pytest.fixture(autouse=True)
def _project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WALKTHROUGH_PROJECT", str(ROOT))


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_default_runs_every_golden_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "parity")
    lines = out.strip().splitlines()
    assert re.fullmatch(r"\d+ passed, \d+ failed", lines[-1])
    for name in MUST_PASS:
        line = next(line for line in lines if name in line)
        assert re.search(r": \d+ passed, 0 failed$", line), line
    assert len([line for line in lines if line.startswith("tests/golden/")]) == len(list(GOLDEN.glob("*.json")))
    assert code == (0 if lines[-1].endswith(" 0 failed") else 1)


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "parity", "--json", *(str(GOLDEN / n) for n in MUST_PASS))
    report = json.loads(out)
    assert code == 0
    assert report["failed"] == 0
    assert report["passed"] > 1000
    assert [Path(f["path"]).name for f in report["files"]] == MUST_PASS
    runners = ["quantity", "abac", "quota", "rbac", "docker_cli", "docker_layout"]
    assert [f["runner"] for f in report["files"]] == runners


def test_a_mismatch_fails_with_expected_and_actual(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads((GOLDEN / "a-quantity.json").read_text(encoding="utf-8"))
    data["vectors"][13]["outputs"]["string"] = "2"  # ParseQuantity("1") really prints "1"
    broken = tmp_path / "a-quantity.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run_cli(capsys, "parity", str(broken))
    assert code == 1
    assert "FAIL vectors[13]" in out
    assert "differs in: string" in out
    assert 'expected: {"string": "2"}' in out
    assert 'actual:   {"string": "1"}' in out
    assert out.strip().splitlines()[-1] == f"{len(data['vectors']) - 1} passed, 1 failed"


def test_dispatch_on_meta_for_other_file_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for source, target in [("g-rbac.json", "more-vectors-1.json"), ("e-quota.json", "more-vectors-2.json")]:
        shutil.copy(GOLDEN / source, tmp_path / target)
    code, out, _ = run_cli(capsys, "parity", *(str(p) for p in sorted(tmp_path.iterdir())))
    assert code == 0
    assert "[rbac]" in out
    assert "[quota]" in out


def test_unrunnable_files_count_as_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unknown = tmp_path / "z-unknown.json"
    unknown.write_text('{"meta": {"functions": "something else"}, "vectors": []}', encoding="utf-8")
    garbage = tmp_path / "a-quantity-garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    code, out, _ = run_cli(capsys, "parity", str(unknown), str(garbage))
    assert code == 1
    assert "no parity runner accepts this file" in out
    assert "cannot read vector file" in out
    assert out.strip().splitlines()[-1] == "0 passed, 2 failed"
    code, _, err = run_cli(capsys, "parity", str(unknown), str(tmp_path / "missing.json"))
    assert code == 2  # a file that is not there is a usage error, not a failed check
    assert "does not exist" in err


def test_run_lists_and_runs_demos(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "run")
    assert code == 0
    for name in ["kubernetes.quantity", "kubernetes.authn", "kubernetes.authz", "kubernetes.abac",
                 "kubernetes.rbac", "kubernetes.quota", "kubernetes.quota_admission"]:
        assert f"  {name}\n" in out
    code, out, _ = run_cli(capsys, "run", "kubernetes.rbac")
    assert code == 0
    assert "-> allowed" in out
    code, out, _ = run_cli(capsys, "run", "quantity")
    assert code == 0
    assert "ParseQuantity" in out


SERVERS = {"kubernetes.apiserver"}
"""Demos that serve until stopped (tests/test_try_it.py starts it on a free port)."""


@pytest.mark.parametrize("demo", [d for d in demos() if d not in SERVERS])
def test_every_listed_demo_runs_and_shows_something(demo: str) -> None:
    """The site's "run:" line under each model names `python -m` of its module: it must do something."""
    done = subprocess.run(
        [sys.executable, "-m", f"walkthrough.reimpl.{demo}"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) >= 3


def test_run_unknown_demo_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "run", "kubernetes.authnn")
    assert code == 2
    assert "no demo named 'kubernetes.authnn'" in err
    assert "kubernetes.authn" in err


def test_a_vector_the_model_cannot_run_fails_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads((GOLDEN / "a-quantity.json").read_text(encoding="utf-8"))
    data["vectors"] = [*data["vectors"][:3], {"inputs": {"op": "cmp_add_sub", "a": "1"}, "outputs": {"cmp": 0}}]
    odd = tmp_path / "quantity-odd.json"
    odd.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run_cli(capsys, "parity", str(odd))
    assert code == 1
    assert "the model raised KeyError" in out
    assert out.strip().splitlines()[-1] == "3 passed, 1 failed"


@pytest.mark.parametrize("demo", ["docker.ids", "docker.reference", "docker.layout", "kubernetes.authz"])
def test_demos_that_read_arguments_answer_help(demo: str) -> None:
    """A demo whose arguments are its inputs says so on --help instead of taking `--help` as an input."""
    done = subprocess.run([sys.executable, "-m", f"walkthrough.reimpl.{demo}", "--help"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: python -m walkthrough.reimpl.{demo}")
