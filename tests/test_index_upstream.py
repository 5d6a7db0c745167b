"""The index over the real pinned trees: the chapter plan's lines, Universal Ctags' lines, explain --json.

Skipped (with the command to run) when the sources are not imported into the cache.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from walkthrough.cli.explain import explanation
from walkthrough.index.reader import Index, index_for_tree
from walkthrough.models import SymbolKind

if TYPE_CHECKING:
    from walkthrough.sources import SourceTree

pytestmark = pytest.mark.upstream

PLAN = Path(__file__).parent / "plan" / "chapters.toml"


@pytest.fixture(scope="module")
def k8s(k8s_tree: SourceTree) -> Index:
    return index_for_tree(k8s_tree)


@pytest.fixture(scope="module")
def docker(docker_tree: SourceTree) -> Index:
    return index_for_tree(docker_tree)


def _plan_symbols(upstream: str) -> list[dict]:
    plan = tomllib.loads(PLAN.read_text(encoding="utf-8"))
    return [s for c in plan["chapter"] for s in c["symbol"] if s["upstream"] == upstream]


@pytest.mark.parametrize("upstream", ["kubernetes", "docker"])
def test_every_plan_symbol_resolves_with_the_plans_lines(upstream: str, request: pytest.FixtureRequest) -> None:
    """doc_line, start_line and end_line of the plan come from go/parser: ours must equal them."""
    idx: Index = request.getfixturevalue("k8s" if upstream == "kubernetes" else "docker")
    wrong = []
    for s in _plan_symbols(upstream):
        found = [x for x in idx.search(s["selector"]) if x.path == s["path"] and x.qualname == s["selector"]]
        got = [(x.doc_start_line, x.start_line, x.end_line, x.kind.value) for x in found]
        want = [(s["doc_line"], s["start_line"], s["end_line"], s["kind"])]
        if got != want:
            wrong.append(f"{s['path']} {s['selector']}: {got} != {want}")
        elif found[0].has_error:
            wrong.append(f"{s['path']} {s['selector']}: has syntax errors")
    assert not wrong, "\n".join(wrong)


_CTAGS_KINDS = "fnist"  # func (and methods), methodSpec, interface, struct, type


_CTAGS_SEEN: dict[str, set[tuple[str, str, str, int, int | None]]] = {}


def _ctags(idx: Index) -> set[tuple[str, str, str, int, int | None]]:
    """(kind, path, qualname, line, end line) of each tag ctags finds (one ctags run per upstream)."""
    if idx.upstream not in _CTAGS_SEEN:
        _CTAGS_SEEN[idx.upstream] = _run_ctags(idx)
    return _CTAGS_SEEN[idx.upstream]


def _run_ctags(idx: Index) -> set[tuple[str, str, str, int, int | None]]:
    paths = [p for p in idx.tree.paths() if p.endswith(".go")]
    out = subprocess.run(
        [
            "ctags",
            "--output-format=json",
            "--fields=+nKeZ",
            f"--kinds-Go={_CTAGS_KINDS}",
            "-f",
            "-",
            "-L",
            "-",
        ],
        input="\n".join(paths),
        cwd=idx.tree.root,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    tags = set()
    for line in out.splitlines():
        tag = json.loads(line)
        if tag.get("_type") != "tag":
            continue
        kind, name, scope = tag["kind"], tag["name"], tag.get("scope", "")
        owner = scope.rsplit(".", 1)[-1]
        if kind == "func":
            qual = name if tag.get("scopeKind") in (None, "package") else f"{owner}.{name}"
            tags.add((kind, tag["path"], qual, tag["line"], tag.get("end")))
        elif kind in ("struct", "interface", "type"):
            tags.add((kind, tag["path"], name, tag["line"], tag.get("end")))
        elif kind == "methodSpec":
            tags.add((kind, tag["path"], f"{owner}.{name}", tag["line"], None))
    return tags


@pytest.mark.skipif(shutil.which("ctags") is None, reason="Universal Ctags (/usr/bin/ctags) is not installed")
@pytest.mark.parametrize("upstream", ["kubernetes", "docker"])
def test_ctags_agrees_on_every_func_method_type_and_interface_method(
    upstream: str, request: pytest.FixtureRequest
) -> None:
    """Where ctags gives no end line (body-less assembly stubs, interface methods), the start line counts."""
    idx: Index = request.getfixturevalue("k8s" if upstream == "kubernetes" else "docker")
    ours = {}
    for s in idx.symbols():
        if s.kind in (
            SymbolKind.FUNC,
            SymbolKind.METHOD,
            SymbolKind.STRUCT,
            SymbolKind.INTERFACE,
            SymbolKind.TYPE,
            SymbolKind.INTERFACE_METHOD,
        ):
            ours[(s.path, s.qualname, s.start_line)] = s.end_line
    theirs = {(p, q, line): end for _, p, q, line, end in _ctags(idx)}
    only_ctags = sorted(theirs.keys() - ours.keys())
    only_ours = sorted(ours.keys() - theirs.keys())
    ends = sorted(k for k in ours.keys() & theirs.keys() if theirs[k] is not None and theirs[k] != ours[k])
    assert (only_ctags, only_ours, ends) == ([], [], [])
    assert len(ours) > 20000  # both trees have tens of thousands


_INIT_RE = re.compile(rb"^func init\(\)", re.MULTILINE)


def test_every_func_init_of_docker_has_an_id(docker: Index) -> None:
    """Go allows several `func init` per file: each has its id, and each id leads back to it.

    The ids of one file's inits are `init@file.go`, `init@file.go#2`, ... in file order.
    """
    ours: dict[str, list[str]] = {}
    for s in docker.symbols():
        if s.qualname == "init" and s.kind is SymbolKind.FUNC:
            ours.setdefault(s.path, []).append(s.id)
    written = {}
    for path in docker.tree.paths():
        if path.endswith(".go") and (n := len(_INIT_RE.findall(docker.text(path)))):
            written[path] = n
    assert {p: len(ids) for p, ids in ours.items()} == written
    several = {p: ids for p, ids in ours.items() if len(ids) > 1}
    assert several  # docker v1.12.3 has files with two inits
    for path, ids in several.items():
        name = path.rsplit("/", 1)[-1]
        assert [i.rsplit("@", 1)[-1] for i in ids] == [name] + [f"{name}#{n}" for n in range(2, len(ids) + 1)]
    assert all(docker.get(i).path == p for p, ids in ours.items() for i in ids)  # type: ignore[union-attr]


@pytest.mark.skipif(shutil.which("ctags") is None, reason="Universal Ctags (/usr/bin/ctags) is not installed")
def test_ctags_counts_as_many_funcs_per_docker_file(docker: Index) -> None:
    ours: dict[str, int] = {}
    for s in docker.symbols():
        if s.kind is SymbolKind.FUNC:
            ours[s.path] = ours.get(s.path, 0) + 1
    theirs: dict[str, int] = {}
    for kind, path, qual, _, _ in _ctags(docker):
        if kind == "func" and "." not in qual:
            theirs[path] = theirs.get(path, 0) + 1
    assert ours == theirs


def test_explain_json_gives_exact_lines(k8s: Index) -> None:
    sym = k8s.lookup("kubernetes:pkg/apiserver.APIInstaller.registerResourceHandlers")
    data = explanation(k8s, sym).to_json()
    assert (data["path"], data["start_line"], data["end_line"]) == (
        "pkg/apiserver/api_installer.go",
        172,
        761,
    )
    lines = k8s.text(sym.path).decode().splitlines()
    assert data["code"] == "\n".join(lines[171:761])
    assert data["permalink"].endswith("/pkg/apiserver/api_installer.go#L172-L761")
    assert "kubernetes:pkg/apiserver.APIInstaller.Install" in data["referenced_by"]
    assert "kubernetes:vendor/github.com/emicklei/go-restful.WebService" in data["references"]


def test_resolution_across_vendor_and_gopath_roots(k8s: Index, docker: Index) -> None:
    selects = k8s.lookup("kubernetes:vendor/github.com/emicklei/go-restful.CurlyRouter.SelectRoute")
    assert selects.kind is SymbolKind.METHOD
    chain = docker.lookup("docker:image.RootFS.ChainID@rootfs_unix.go")
    assert "docker:layer.CreateChainID" in docker.references(chain)
    with pytest.raises(Exception, match="ambiguous"):
        docker.lookup("docker:image.RootFS.ChainID")
    cobra = docker.lookup("docker:vendor/src/github.com/spf13/cobra.Command.Execute")
    assert docker.referenced_by(cobra.id)


def test_explain_prints_the_walkthrough_notes_members_and_packages(
    k8s_tree: SourceTree, docker_tree: SourceTree, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from walkthrough import paths  # noqa: PLC0415
    from walkthrough.cli import main  # noqa: PLC0415

    monkeypatch.setenv(paths.PROJECT_ENV, str(Path(__file__).resolve().parents[1]))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert main(["explain", "kubernetes:pkg/auth/authenticator.Request"]) == 0
    out = capsys.readouterr().out
    assert "walkthrough: Who is calling? Authentication in kube-apiserver" in out
    assert "site: k8s-authenticator/#authn-request-interface" in out
    assert 'means "I know this caller"' in out  # the chapter's note, under the code
    assert main(["explain", "registerResourceHandlers", "--no-code"]) == 0
    assert capsys.readouterr().out.startswith("method kubernetes:pkg/apiserver.APIInstaller.registerResourceHandlers")
    assert main(["explain", "CmdExec", "--no-code"]) == 0
    assert capsys.readouterr().out.startswith("method docker:api/client.DockerCli.CmdExec")
    assert main(["explain", "kubernetes:pkg/apiserver", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "package"
    assert data["doc"].startswith("Package apiserver")
    assert "pkg/apiserver/api_installer.go" in data["files"]
    assert main(["explain", "New"]) == 2
    assert "and 119 more" in capsys.readouterr().err
