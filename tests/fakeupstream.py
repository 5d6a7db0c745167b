r"""A fake upstream for tests: small Go files of our own, locked and imported exactly like kubernetes.

    tree = make_fake_upstream(tmp_path, {"pkg/a/a.go": "package a\n"})
    tree.read("pkg/a/a.go")

It writes a temp project (`tmp_path/project/snapshots/upstreams.toml` and the lock, made by the real lock
code), imports the files into a temp cache (`tmp_path/cache`) through the real import path, and returns
`open_tree(name)`. With `activate=True` (default) it also points this process at them:
`os.environ["WALKTHROUGH_PROJECT"]`, `os.environ["WALKTHROUGH_CACHE"]` and
`walkthrough.paths.set_cache_root(...)`; the `fake_upstream` fixture of conftest.py does the same and
restores all three afterwards (use it rather than calling this directly).

Calling it again with the same `tmp_path` adds another upstream (or another release with `later`) to the
same project and cache.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from walkthrough import paths
from walkthrough.models import Pin
from walkthrough.sources import SourceTree, open_tree
from walkthrough.sources.importer import import_copy, make_lock
from walkthrough.sources.local import DirCopy, Root
from walkthrough.sources.pins import load_pins

if TYPE_CHECKING:
    from pathlib import Path

Files = Mapping[str, str | bytes]


def fake_commit(name: str, tag: str) -> str:
    """A stable made-up 40-hex commit for a fake release."""
    return hashlib.sha1(f"{name}@{tag}".encode(), usedforsecurity=False).hexdigest()


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_upstreams(path: Path, data: dict[str, dict]) -> None:
    lines = ["# Written by tests/fakeupstream.py"]
    for name, table in data.items():
        lines += [f"[{name}]"] + [f"{k} = {_toml_str(table[k])}" for k in ("repository", "tag", "commit")]
        for later in table.get("later", []):
            lines += [
                f"[[{name}.later]]",
                f"tag = {_toml_str(later['tag'])}",
                f"commit = {_toml_str(later['commit'])}",
            ]
        for today in table.get("today", []):
            lines += [f"[[{name}.today]]"] + [f"{k} = {_toml_str(v)}" for k, v in today.items()]
        if table.get("moves"):
            lines.append(f"[{name}.moves]")
            lines += [f"{_toml_str(k)} = [{', '.join(map(_toml_str, v))}]" for k, v in table["moves"].items()]
        if table.get("successors"):
            lines.append(f"[{name}.successors]")
            lines += [f"{_toml_str(k)} = {{ to = {_toml_str(to)}, why = {_toml_str(why)} }}"
                      for k, (to, why) in table["successors"].items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def _today_table(name: str, spec: str) -> dict[str, str]:
    own, _, tag = spec.partition("@")
    table = {"tag": tag, "commit": fake_commit(own, tag)}
    if own != name:
        table = {"name": own, "repository": f"https://github.com/example/{own}", **table}
    return table


def _import(project: Path, cache: Path, src: Path, spec: str, files: Files, *, lock_only: bool = False) -> None:
    for rel, content in files.items():
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    upstreams = load_pins(project)
    release = upstreams.release(spec)
    copy = DirCopy(src)
    roots = [Root.parse(".")]
    lock = make_lock(release.pin, copy, roots, comments=["fake upstream for tests"])
    upstreams.write_lock(release, lock)
    if not lock_only:
        import_copy(lock, copy, roots, label=release.pin.label, cache=cache)


def make_fake_upstream(
    tmp_path: Path,
    files: Files,
    *,
    name: str = "fake",
    tag: str = "v0.1.0",
    repository: str = "https://github.com/example/fake",
    later: Mapping[str, Files] | None = None,
    today: Mapping[str, Files] | None = None,
    moves: Mapping[str, list[str]] | None = None,
    successors: Mapping[str, tuple[str, str]] | None = None,
    unimported: tuple[str, ...] = (),
    activate: bool = True,
) -> SourceTree:
    """Lock and import `files` (path -> text or bytes) as upstream `name` at `tag`; return its SourceTree.

    `later` maps a later tag to its files (for drift tests): `open_tree(name, ref=tag)` opens it.
    `today` maps today's releases (`NAME@TAG`: the same name for a later release of this upstream, another
    name for a repository of its own) to their files, in search order; those named in `unimported` are
    locked but not imported. `moves` is the `[NAME.moves]` table, `successors` the `[NAME.successors]` one
    (`PKGDIR.NAME` -> (today id, why)).
    """
    project = tmp_path / "project"
    cache = tmp_path / "cache"
    snapshots = project / "snapshots"
    snapshots.mkdir(parents=True, exist_ok=True)
    (project / "chapters").mkdir(exist_ok=True)
    upstreams_file = snapshots / "upstreams.toml"
    data = tomllib.loads(upstreams_file.read_text(encoding="utf-8")) if upstreams_file.exists() else {}
    data[name] = {
        "repository": repository,
        "tag": tag,
        "commit": fake_commit(name, tag),
        "later": [{"tag": t, "commit": fake_commit(name, t)} for t in (later or {})],
        "today": [_today_table(name, spec) for spec in (today or {})],
        "moves": dict(moves or {}),
        "successors": dict(successors or {}),
    }
    _write_upstreams(upstreams_file, data)
    _import(project, cache, tmp_path / "src" / f"{name}@{tag}", name, files)
    for later_tag, later_files in (later or {}).items():
        _import(project, cache, tmp_path / "src" / f"{name}@{later_tag}", f"{name}@{later_tag}", later_files)
    for spec, today_files in (today or {}).items():
        _import(project, cache, tmp_path / "src" / spec, spec, today_files, lock_only=spec in unimported)
    if activate:
        os.environ[paths.PROJECT_ENV] = str(project)
        os.environ[paths.CACHE_ENV] = str(cache)
        paths.set_cache_root(cache)
    return open_tree(name, project_root=project, cache=cache)


def fake_pin(
    name: str = "fake", tag: str = "v0.1.0", repository: str = "https://github.com/example/fake"
) -> Pin:
    """The Pin `make_fake_upstream` gives a release (for expectations in tests)."""
    return Pin(name, repository, tag, fake_commit(name, tag))
