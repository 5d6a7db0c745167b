"""Shared fixtures: a fake upstream in a temp project and cache, and the real trees when imported."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from walkthrough import paths
from walkthrough.errors import SourcesMissing
from walkthrough.sources import SourceTree, open_tree

sys.path.insert(0, str(Path(__file__).parent))

from typing import TYPE_CHECKING

from fakeupstream import Files, make_fake_upstream

if TYPE_CHECKING:
    from collections.abc import Callable


@pytest.fixture
def fake_upstream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., SourceTree]:
    r"""A factory: `fake_upstream({"pkg/a/a.go": "package a\n"}, name="fake", later={...})` -> SourceTree.

    The project (`tmp_path/project`) and cache (`tmp_path/cache`) become this process's
    WALKTHROUGH_PROJECT and cache root for the test, and are restored afterwards.
    """
    monkeypatch.setenv(paths.PROJECT_ENV, str(tmp_path / "project"))
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(paths, "_cache_override", None)

    def make(files: Files, **kwargs: object) -> SourceTree:
        return make_fake_upstream(tmp_path, files, **kwargs)  # type: ignore[arg-type]

    return make


def _real_tree(name: str, label: str, pinned_root: str) -> SourceTree:
    try:
        return open_tree(name)
    except SourcesMissing:
        pytest.skip(
            f"{label} sources not imported: run `walkthrough sources import {name} ...` ({pinned_root})"
        )


@pytest.fixture(scope="session")
def k8s_tree() -> SourceTree:
    """The real kubernetes v1.5.2 tree from the default cache (skips when not imported)."""
    return _real_tree("kubernetes", "kubernetes v1.5.2", "see README: Getting the sources")


@pytest.fixture(scope="session")
def docker_tree() -> SourceTree:
    """The real docker v1.12.3 tree from the default cache (skips when not imported)."""
    return _real_tree("docker", "docker v1.12.3", "see README: Getting the sources")
