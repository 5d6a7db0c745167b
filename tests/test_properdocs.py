"""The site builds under ProperDocs, the maintained fork of MkDocs 1.x, exactly as under MkDocs (DESIGN.md, Site).

Both generators build the fake upstream's site in a child process, each as its own command
(`python -m mkdocs build`, `python -m properdocs build`, which runs our `mkdocs.plugins` entry point
unchanged); every file must be byte-identical but for the generator's own `<meta name="generator">` tag.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sitefake

if TYPE_CHECKING:
    from collections.abc import Callable

REPO = Path(__file__).resolve().parent.parent
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def _build(generator: str, project: Path, models: Path, out: Path) -> dict[str, bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), str(models)]),
        "SOURCE_DATE_EPOCH": "1700000000",
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
    }
    done = subprocess.run(
        [sys.executable, "-m", generator, "build", "--strict", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(out)],
        cwd=project, env=env, capture_output=True, text=True, check=False, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_properdocs_builds_the_same_site_as_mkdocs(fake_upstream: Callable[..., Any], tmp_path: Path) -> None:
    if importlib.util.find_spec("properdocs") is None:
        pytest.skip("properdocs not installed: `pip install -e '.[test]'` installs it")
    fake_upstream(sitefake.FILES)
    project = tmp_path / "project"
    models = sitefake.write_site(project)
    mkdocs = _build("mkdocs", project, models, tmp_path / "mkdocs-site")
    properdocs = _build("properdocs", project, models, tmp_path / "properdocs-site")
    assert sorted(mkdocs) == sorted(properdocs)
    assert "evil/index.html" in mkdocs
    assert b"wt-card" in properdocs["evil/index.html"]
    tagged = [name for name, data in properdocs.items() if b"ProperDocs" in data]
    assert tagged  # the generator tag says which one built it, so the comparison below is not of one build twice
    differ = [name for name in mkdocs if GENERATOR.sub(b"", mkdocs[name]) != GENERATOR.sub(b"", properdocs[name])]
    assert not differ
