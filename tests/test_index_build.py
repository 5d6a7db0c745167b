"""The builder's process pools: the same database as a build in one process.

A file that fails verification while the pool parses is an error, not a hang.
"""

from __future__ import annotations

import gc
import sqlite3
from typing import TYPE_CHECKING

import pytest

from walkthrough.errors import VerificationError
from walkthrough.index.build import SERIAL_BELOW, build

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from walkthrough.sources import SourceTree

N_FILES = SERIAL_BELOW + 16

FILES = {
    f"pkg/p{i}/p{i}.go": (
        f'package p{i}\n\nimport "github.com/example/fake/pkg/p{(i + 1) % N_FILES}"\n\n'
        f"// T{i} is a type.\ntype T{i} struct{{ Next *p{(i + 1) % N_FILES}.T{(i + 1) % N_FILES} }}\n\n"
        f"func New{i}() *T{i} {{ return &T{i}{{Next: p{(i + 1) % N_FILES}.New{(i + 1) % N_FILES}()}} }}\n\n"
        f"func init() {{ _ = New{i}() }}\n\nfunc init() {{ New{i}().Next = nil }}\n"
    )
    for i in range(N_FILES)
}


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            t: sorted(conn.execute(f"SELECT {'rowid, ' if t == 'symbols' else ''}* FROM {t}").fetchall(), key=repr)  # noqa: S608
            for t in ("meta", "symbols", "files", "refs")
        }
    finally:
        conn.close()


def test_the_pool_builds_what_one_process_builds(fake_upstream: Callable[..., SourceTree], tmp_path: Path) -> None:
    tree = fake_upstream(FILES)
    build(tree, tmp_path / "one" / "x.sqlite", workers=1)
    build(tree, tmp_path / "pool" / "x.sqlite", workers=2)
    one, pool = _tables(tmp_path / "one" / "x.sqlite"), _tables(tmp_path / "pool" / "x.sqlite")
    assert one == pool
    assert len(one["symbols"]) == 5 * N_FILES  # type, field, func, two inits
    assert any(str(row[1]).endswith("init@p0.go#2") for row in one["symbols"])
    assert one["refs"]


def test_a_file_failing_verification_stops_the_pool(fake_upstream: Callable[..., SourceTree], tmp_path: Path) -> None:
    tree = fake_upstream(FILES)
    (tree.root / "pkg/p30/p30.go").write_bytes(b"package p30\n// changed after import\n")
    with pytest.raises(VerificationError, match="modified after import"):
        build(tree, tmp_path / "x.sqlite", workers=2)
    assert not (tmp_path / "x.sqlite").exists()


def test_a_build_leaves_its_facts_to_reference_counting(
    fake_upstream: Callable[..., SourceTree], tmp_path: Path
) -> None:
    """The collector is paused during a build: the facts must not be held by cycles when it ends."""
    tree = fake_upstream(FILES)
    gc.collect()
    gc.disable()
    try:
        build(tree, tmp_path / "x.sqlite", workers=1)
        assert gc.collect() < 100
    finally:
        gc.enable()
