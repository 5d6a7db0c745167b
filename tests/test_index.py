"""The index over a fake upstream of our own Go files: ids, resolution, lookup, persistence, bad input."""

from __future__ import annotations

import gc
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from walkthrough.cli import exit_code_of
from walkthrough.errors import IndexUnreadable, SymbolError
from walkthrough.golang import parse as goparse
from walkthrough.index import schema
from walkthrough.index.reader import Index, load_index
from walkthrough.models import SymbolKind
from walkthrough.sources import SourceTree

if TYPE_CHECKING:
    from pathlib import Path

A_GO = """\
// Package a is a fixture.
package a

import (
	"fmt"

	b "github.com/example/fake/pkg/b"
	"github.com/example/lib"
)

// Server serves.
type Server struct {
	// Name names it.
	Name  string
	store *b.Store
	b.Embedded
}

const (
	// First and Second share a spec.
	First, Second = 1, 2
	Third         = 3
)

var defaultServer = &Server{Name: "x"}

// NewServer makes a Server.
func NewServer(name string) *Server {
	return &Server{Name: name}
}

// Run runs.
func (s *Server) Run() error {
	s.store.Put("k")
	x := NewServer("y")
	x.Run()
	st := b.NewStore()
	st.Put("z")
	s.Promoted()
	Name := 3
	_ = Name
	fmt.Println(lib.Thing, First)
	defaultServer.Run()
	var q b.Queue
	q.Put("not a Store")
	return nil
}
"""

B_GO = """\
package b

// Store stores.
type Store struct{}

// NewStore makes a Store.
func NewStore() *Store { return &Store{} }

// Put puts.
func (s *Store) Put(k string) {}

type Embedded struct{}

func (Embedded) Promoted() {}

type Queue interface {
	Put(k string)
}
"""

FILES = {
    "pkg/a/a.go": A_GO,
    "pkg/b/b.go": B_GO,
    "vendor/github.com/example/lib/lib.go": "package lib\n\n// Thing is a thing.\nvar Thing = 1\n",
    "pkg/c/c_unix.go": "// +build !windows\n\npackage c\n\nfunc Open() int { return 1 }\n",
    "pkg/c/c_windows.go": "package c\n\nfunc Open() int { return 2 }\n",
    "pkg/d/d.go": "package d\n\nfunc Good() {}\n\nfunc Bad() {\n\tx := := 1\n}\n",
    "pkg/e/common.go": (
        "package e\n\ntype Common struct{ Level int }\n\nfunc Use(c *Config) int { return c.Level + c.Only }\n"
    ),
    "pkg/e/config_unix.go": "package e\n\ntype Config struct {\n\tCommon\n\tOnly int\n}\n",
    "pkg/e/config_windows.go": "package e\n\ntype Config struct {\n\tCommon\n\tOnly string\n}\n",
    "README.md": "not Go\n",
}

MakeTree = Callable[..., SourceTree]


@pytest.fixture
def idx(fake_upstream: MakeTree) -> Index:
    fake_upstream(FILES)
    return load_index("fake")


def test_ids_kinds_and_lines(idx: Index) -> None:
    server = idx.lookup("pkg/a.Server")
    assert (server.id, server.kind, server.doc_start_line, server.start_line, server.end_line) == (
        "fake:pkg/a.Server",
        SymbolKind.STRUCT,
        11,
        12,
        17,
    )
    assert server.doc == "Server serves."
    name = idx.get("fake:pkg/a.Server.Name")
    assert name is not None
    assert (name.kind, name.receiver, name.start_line) == (
        SymbolKind.FIELD,
        "Server",
        14,
    )
    first, second, third = (idx.get(f"fake:pkg/a.{n}") for n in ("First", "Second", "Third"))
    assert first
    assert second
    assert third
    assert (first.start_line, first.end_line, first.doc_start_line) == (21, 21, 20)
    assert (second.start_line, third.start_line) == (21, 22)
    run = idx.lookup("(*Server).Run")
    assert (run.kind, run.qualname, run.package, run.pkgdir) == (
        SymbolKind.METHOD,
        "Server.Run",
        "a",
        "pkg/a",
    )
    assert idx.text(run.path)[run.start_byte : run.end_byte].startswith(b"func (s *Server) Run()")
    assert idx.get("fake:pkg/b.Queue.Put").kind is SymbolKind.INTERFACE_METHOD  # type: ignore[union-attr]
    assert idx.get("Server") is None  # get() never guesses


def test_short_forms_all_reach_one_symbol(idx: Index) -> None:
    for text in (
        "NewServer",
        "a.NewServer",
        "pkg/a.NewServer",
        "fake:pkg/a.NewServer",
        "a.(*Server).Run",
        "Server.Run",
    ):
        assert idx.lookup(text).id in ("fake:pkg/a.NewServer", "fake:pkg/a.Server.Run")


def test_resolution(idx: Index) -> None:
    run = idx.lookup("Server.Run")
    targets = {(u.line, u.name): u.target for u in idx.uses(run.path, run.start_byte, run.end_byte)}
    assert targets[(34, "Put")] == "fake:pkg/b.Store.Put"  # s.store.Put: receiver, field type, import alias
    assert targets[(35, "NewServer")] == "fake:pkg/a.NewServer"
    assert targets[(36, "Run")] == "fake:pkg/a.Server.Run"  # x := NewServer(): declared result type
    assert targets[(37, "NewStore")] == "fake:pkg/b.NewStore"
    assert targets[(38, "Put")] == "fake:pkg/b.Store.Put"
    assert targets[(39, "Promoted")] == "fake:pkg/b.Embedded.Promoted"  # promoted through embedding
    assert targets.get((41, "Name")) is None  # a local, never the field of the same name
    assert targets[(42, "Thing")] == "fake:vendor/github.com/example/lib.Thing"  # Go's vendor lookup
    assert targets[(42, "First")] == "fake:pkg/a.First"
    assert targets[(42, "Println")] is None  # fmt is not in the tree: no link rather than a guess
    assert targets[(43, "Run")] == "fake:pkg/a.Server.Run"  # package-level var of evident type
    assert targets[(45, "Put")] == "fake:pkg/b.Queue.Put"  # an interface's method, not Store.Put
    new = idx.lookup("NewServer")
    keys = [u for u in idx.uses(new.path, new.start_byte, new.end_byte) if u.name == "Name"]
    assert [u.target for u in keys] == ["fake:pkg/a.Server.Name"]  # composite literal key
    assert "fake:pkg/a.NewServer" in idx.references(run)
    assert "fake:pkg/a.Server.Run" in idx.referenced_by("fake:pkg/a.NewServer") or idx.referenced_by(
        "fake:pkg/a.NewServer"
    ) == ["fake:pkg/a.Server.Run"]
    assert "fake:pkg/a.Server.Run" in idx.referenced_by("fake:pkg/b.Store.Put")


def test_members_of_build_tagged_types_link_only_when_all_variants_agree(idx: Index) -> None:
    targets = {u.name: u.target for u in idx.uses("pkg/e/common.go") if u.line == 5}
    assert targets["Level"] == "fake:pkg/e.Common.Level"  # promoted from Common in every variant
    assert targets["Only"] is None  # a different field in each variant
    assert targets["Config"] is None


def test_build_tagged_duplicates_are_ambiguous(idx: Index) -> None:
    with pytest.raises(SymbolError) as info:
        idx.lookup("Open")
    assert set(info.value.candidates) == {"fake:pkg/c.Open@c_unix.go", "fake:pkg/c.Open@c_windows.go"}
    assert "fake:pkg/c.Open@c_unix.go" in str(info.value)
    assert idx.lookup("pkg/c.Open@c_unix.go").path == "pkg/c/c_unix.go"
    assert idx.lookup("fake:pkg/c.Open@c_windows.go").path == "pkg/c/c_windows.go"
    with pytest.raises(SymbolError):
        idx.lookup("fake:pkg/c.Open")


def test_unknown_ids_suggest_near_misses(idx: Index) -> None:
    with pytest.raises(SymbolError) as info:
        idx.lookup("NewSrever")
    assert "fake:pkg/a.NewServer" in info.value.candidates
    assert "did you mean" in str(info.value)
    with pytest.raises(SymbolError) as info:
        idx.lookup("fake:pkg/a.Servr.Run")
    assert "fake:pkg/a.Server.Run" in info.value.candidates
    with pytest.raises(SymbolError, match="malformed"):
        idx.lookup("fake:pkg/a.")
    with pytest.raises(SymbolError, match="upstream"):
        idx.lookup("other:pkg/a.Server")


def test_syntax_errors_flag_the_symbol_only(idx: Index) -> None:
    assert idx.lookup("pkg/d.Bad").has_error
    assert not idx.lookup("pkg/d.Good").has_error
    assert 6 in idx.file_errors("pkg/d/d.go")


def test_search(idx: Index) -> None:
    assert [s.id for s in idx.search("newserver")] == ["fake:pkg/a.NewServer"]
    assert {s.id for s in idx.search("*Put*")} == {"fake:pkg/b.Store.Put", "fake:pkg/b.Queue.Put"}
    assert [s.id for s in idx.search("pkg/b.*", kind="struct")] == ["fake:pkg/b.Embedded", "fake:pkg/b.Store"]
    assert idx.search("nothing*here") == []
    assert len(list(idx.symbols())) == len({s.id for s in idx.symbols()})


def test_a_build_restores_the_garbage_collector(fake_upstream: MakeTree) -> None:
    fake_upstream(FILES)
    load_index("fake").close()
    assert gc.isenabled()


def test_warm_load_does_not_parse(fake_upstream: MakeTree, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_upstream(FILES)
    load_index("fake").close()

    def boom(data: bytes) -> None:
        raise AssertionError("parsed on a warm load")

    monkeypatch.setattr("walkthrough.golang.parse.parse_go", boom)
    idx = load_index("fake")
    assert idx.lookup("NewServer").kind is SymbolKind.FUNC


def test_warm_process_imports_no_tree_sitter_nor_rich(fake_upstream: MakeTree) -> None:
    fake_upstream(FILES)
    load_index("fake").close()
    code = (
        "import sys\n"
        "from walkthrough.cli import main\n"
        "rc = main(['explain', 'NewServer'])\n"
        "heavy = {m.split('.')[0] for m in sys.modules}\n"
        "heavy = sorted(heavy & {'tree_sitter', 'rich', 'mkdocs', 'jinja2'})\n"
        "print('HEAVY', heavy, rc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=True,
        timeout=60,
    ).stdout
    assert "HEAVY [] 0" in out
    assert "func fake:pkg/a.NewServer" in out


def tamper(path: Path, sql: str) -> None:
    """Change an index database behind the tool's back."""
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()


def test_corrupt_and_stale_indexes_are_rebuilt(fake_upstream: MakeTree) -> None:
    tree = fake_upstream(FILES)
    idx = load_index("fake")
    path = idx.path
    idx.close()
    path.write_bytes(b"this is not a database" * 100)
    idx = load_index("fake")
    assert idx.lookup("NewServer").start_line == 28
    idx.close()
    tamper(path, "UPDATE meta SET value = 'h1:somethingelse' WHERE key = 'digest'")
    idx = load_index("fake")
    assert idx.lookup("NewServer").start_line == 28
    assert schema.db_path(tree) == idx.path
    idx.close()
    tamper(path, "UPDATE files SET uses = x'00ff'")
    idx = load_index("fake")
    assert idx.uses("pkg/a/a.go")  # rebuilt under the open index, and answered
    assert load_index("fake").uses("pkg/a/a.go")
    tamper(path, "DELETE FROM symbols WHERE rowid = (SELECT max(rowid) FROM symbols)")  # cut short
    idx = load_index("fake")
    assert idx.stats()["symbols"] == len(list(idx.symbols()))  # rebuilt whole


def test_releases_share_parse_results(fake_upstream: MakeTree, monkeypatch: pytest.MonkeyPatch) -> None:
    later = dict(FILES)
    later["pkg/b/b.go"] = B_GO.replace("func NewStore()", "// moved\n\nfunc NewStore()")
    fake_upstream(FILES, later={"v0.2.0": later})
    load_index("fake").close()
    parsed: list[bytes] = []
    real = goparse.parse_go

    def counting(data: bytes) -> object:
        parsed.append(data)
        return real(data)

    monkeypatch.setattr("walkthrough.golang.parse.parse_go", counting)
    idx = load_index("fake", ref="v0.2.0")
    assert len(parsed) == 1  # only the changed file is parsed again
    assert b"// moved" in parsed[0]
    moved = idx.lookup("fake@v0.2.0:pkg/b.NewStore")
    assert (moved.id, moved.start_line, moved.doc) == ("fake@v0.2.0:pkg/b.NewStore", 9, "")
    assert idx.lookup("pkg/b.NewStore").id == moved.id
    with pytest.raises(SymbolError):
        idx.lookup("fake:pkg/b.NewStore")  # the pinned release's id does not name the later one


def test_concurrent_builds_share_one_result(fake_upstream: MakeTree) -> None:
    fake_upstream(FILES)
    code = "from walkthrough.index.reader import load_index; print(load_index('fake').lookup('NewServer').id)"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [o.strip() for o, _ in outs] == ["fake:pkg/a.NewServer"] * 3, [e for _, e in outs]
    assert len(list(schema.index_dir().glob("fake@*.sqlite"))) == 1


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=60))
def test_any_lookup_text_is_a_symbol_or_a_symbol_error(idx: Index, text: str) -> None:
    try:
        found = idx.lookup(text)
    except SymbolError as exc:
        code = exit_code_of(exc)
    else:
        code = 0
        assert idx.get(found.id) == found
    assert code in (0, 2)


def test_unwritable_cache_is_an_error_not_a_traceback(
    fake_upstream: MakeTree, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake_upstream(FILES)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the index directory should be")
    monkeypatch.setattr(schema, "index_dir", lambda: blocker / "index")
    with pytest.raises(IndexUnreadable, match="cannot write the symbol index") as caught:
        load_index("fake")
    assert exit_code_of(caught.value) == 3  # a cache problem, as the other cache faults


def test_an_index_serves_other_threads(idx: Index) -> None:
    import threading  # noqa: PLC0415 - this test alone starts a thread

    seen: list[str] = []
    worker = threading.Thread(target=lambda: seen.append(idx.lookup("NewServer").id))
    worker.start()
    worker.join()
    assert seen == ["fake:pkg/a.NewServer"]


def test_stale_databases_are_pruned(fake_upstream: MakeTree) -> None:
    fake_upstream(FILES)
    idx = load_index("fake")
    stale = idx.path.with_name(idx.path.name.replace(idx.path.stem.rsplit("-", 1)[1], "0" * 16))
    idx.close()
    stale.write_bytes(b"from an older format")
    idx.path.unlink()
    load_index("fake").close()
    assert not stale.exists()


def test_damaged_parse_cache_rows_are_parsed_again(fake_upstream: MakeTree, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_upstream(FILES)
    idx = load_index("fake")
    want = list(idx.symbols())
    parse_cache = idx.path.parent / "parse.sqlite"
    idx.path.unlink()
    idx.close()
    conn = sqlite3.connect(parse_cache)
    keys = [k for (k,) in conn.execute("SELECT key FROM facts ORDER BY key")]
    damage = [b"garbage", b"x\x9c" + b"\x00" * 8, b""]
    for key, data in zip(keys, damage, strict=False):
        conn.execute("UPDATE facts SET data = ? WHERE key = ?", (data, key))
    conn.commit()
    conn.close()
    parsed: list[bytes] = []
    real = goparse.parse_go
    monkeypatch.setattr("walkthrough.golang.parse.parse_go", lambda data: parsed.append(data) or real(data))
    assert list(load_index("fake").symbols()) == want
    assert len(parsed) == len(damage)  # the damaged rows, and only they, are misses
