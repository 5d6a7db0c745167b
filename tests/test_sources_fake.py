"""The fake upstream other tests build on behaves like a real one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from walkthrough import paths
from walkthrough.errors import VerificationError
from walkthrough.sources import open_tree
from walkthrough.sources.pins import git_blob_id, load_pins

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from walkthrough.sources import SourceTree

GO = 'package a\n\n// Hello says hello.\nfunc Hello() string { return "hi" }\n'


def test_fake_upstream_opens_like_a_real_one(fake_upstream: Callable[..., SourceTree], tmp_path: Path) -> None:
    tree = fake_upstream({"pkg/a/a.go": GO, "README.md": b"# fake\n"})
    assert tree.pin.name == "fake"
    assert tree.paths() == ["README.md", "pkg/a/a.go"]
    assert tree.read("pkg/a/a.go") == GO.encode()
    assert tree.blob("pkg/a/a.go") == git_blob_id(GO.encode())
    assert paths.cache_root() == tmp_path / "cache"
    again = open_tree("fake")  # through the environment, as index/chapters/site code will
    assert again.lock.digest == tree.lock.digest
    assert again.pin.permalink("pkg/a/a.go", 3, 4).endswith("/blob/" + tree.pin.commit + "/pkg/a/a.go#L3-L4")


def test_two_fakes_and_a_later_release_share_one_project(fake_upstream: Callable[..., SourceTree]) -> None:
    fake_upstream({"a.go": "package a\n"}, name="one")
    fake_upstream({"b.go": "package b\n"}, name="two", later={"v0.2.0": {"b.go": "package b // v2\n"}})
    assert set(load_pins()) == {"one", "two"}
    assert open_tree("one").paths() == ["a.go"]
    assert open_tree("two", ref="v0.2.0").read("b.go") == b"package b // v2\n"


def test_unlocked_path_is_refused(fake_upstream: Callable[..., SourceTree]) -> None:
    tree = fake_upstream({"a.go": "package a\n"})
    with pytest.raises(VerificationError, match="not in the lock"):
        tree.read("b.go")
