"""`walkthrough explain` and `walkthrough symbols` end to end over a fake upstream."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from walkthrough import paths, store
from walkthrough.book.pairs import all_pairs, models_for
from walkthrough.cli import build_parser, main
from walkthrough.cli.explain import usual_options
from walkthrough.console import Explanation, GoCode, plain_text, renderable
from walkthrough.index.reader import load_index
from walkthrough.sources import SourceTree
from walkthrough.text import visible

HOSTILE = (
    "package h\n"
    "\n"
    "// Evil has [bold]markup[/bold] :smile: and a \u202ebidi override and \x1b[31mescapes.\n"
    "func Evil() string {\n"
    '\treturn "\u202e{{7*7}}</code><script>"\n'
    "}\n"
)

FILES = {
    "pkg/a/doc.go": "// Package a greets people.\npackage a\n",
    "pkg/a/a.go": (
        "package a\n\n// Greeter greets.\ntype Greeter struct{ Name string }\n\n"
        "// Hello says hello.\nfunc Hello(g *Greeter) string {\n\treturn g.Name\n}\n\n"
        "func Caller() { Hello(nil) }\n\n"
        "// Greet is a method.\nfunc (g *Greeter) Greet() string { return g.Name }\n"
    ),
    "pkg/h/h.go": HOSTILE,
    "pkg/c/c_linux.go": "package c\n\nfunc Open() {}\n",
    "pkg/c/c_darwin.go": "package c\n\nfunc Open() {}\n",
    "pkg/d/d.go": "package d\n\nfunc Broken() {\n\tif {\n}\n",
}

MakeTree = Callable[..., SourceTree]


@pytest.fixture
def tree(fake_upstream: MakeTree, monkeypatch: pytest.MonkeyPatch) -> SourceTree:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    return fake_upstream(FILES)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_plain_output_when_piped(tree: SourceTree, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "Hello")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "func fake:pkg/a.Hello"
    assert lines[1] == "pkg/a/a.go:7-9 at fake@v0.1.0"
    assert lines[2] == tree.pin.permalink("pkg/a/a.go", 7, 9)
    assert "Hello says hello." in out
    assert "7  func Hello(g *Greeter) string {" in out
    assert "fake:pkg/a.Greeter.Name" in out  # references
    assert "fake:pkg/a.Caller" in out  # referenced by
    assert "\x1b[" not in out


def test_json_escapes_bidi_controls(tree: SourceTree, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "Evil", "--json")
    assert code == 0
    assert "\u202e" not in out
    assert "\x1b" not in out
    assert "\u202e" in json.loads(out)["code"]  # the exact upstream text, once decoded


def test_json_and_no_code(tree: SourceTree, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "fake:pkg/a.Hello", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "id",
        "upstream",
        "path",
        "kind",
        "start_line",
        "end_line",
        "doc_start_line",
        "permalink",
        "code",
        "references",
        "referenced_by",
        "chapters",
        "python",
        "doc",
        "walkthrough",
    }
    assert (data["start_line"], data["end_line"], data["doc_start_line"]) == (7, 9, 6)
    assert data["code"] == "func Hello(g *Greeter) string {\n\treturn g.Name\n}"
    assert data["references"] == ["fake:pkg/a.Greeter", "fake:pkg/a.Greeter.Name"]
    assert data["referenced_by"] == ["fake:pkg/a.Caller"]
    _, out, _ = run(capsys, "explain", "Hello", "--json", "--no-code")
    assert json.loads(out)["code"] is None
    _, out, _ = run(capsys, "explain", "Hello", "--no-code")
    assert "return g.Name" not in out


def test_terminal_output_is_rich_but_upstream_text_is_inert(
    tree: SourceTree, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = run(capsys, "explain", "Evil")
    assert code == 0
    assert "[bold]markup[/bold] :smile:" in out  # neither markup nor emoji codes are interpreted
    assert "<U+202E>bidi" in out
    assert "<U+001B>[31m" in out
    assert "\u202e" not in out
    params = {p for sgr in re.findall(r"\x1b\[([0-9;]*)m", out) for p in sgr.split(";")}
    assert not params & {*map(str, range(30, 39)), *map(str, range(90, 98))}  # NO_COLOR: no colours
    assert "/pkg/h/h.go#L4-L6" in out  # the permalink is not wrapped
    assert "<U+202E>{{7*7}}</code><script>" in out


def test_renderables_render_to_a_string(tree: SourceTree) -> None:
    idx = load_index("fake")
    sym = idx.lookup("Evil")
    ex = Explanation(sym, idx.pin, idx.text(sym.path)[sym.start_byte : sym.end_byte].decode())
    buf = io.StringIO()
    Console(file=buf, width=100, color_system=None, force_terminal=False).print(renderable(ex))
    text = buf.getvalue()
    assert "4 func Evil() string {" in text.replace("  ", " ").replace("  ", " ")
    assert "<U+202E>" in text
    assert "\u202e" not in text
    assert "<U+202E>" in plain_text(ex)
    assert visible("a\tb\nc\u200bd\x00") == "a\tb\nc<U+200B>d<U+0000>"


def test_bad_input_exit_codes(tree: SourceTree, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "Helo")
    assert code == 2
    assert "did you mean" in err
    assert "fake:pkg/a.Hello" in err
    code, _, err = run(capsys, "explain", "Open")
    assert code == 2
    assert "fake:pkg/c.Open@c_darwin.go" in err
    assert "fake:pkg/c.Open@c_linux.go" in err
    code, _, err = run(capsys, "explain", "fake:pkg/a.")
    assert code == 2
    assert "malformed" in err
    code, _, err = run(capsys, "explain", "Broken")
    assert code == 2
    assert "syntax errors" in err
    assert "pkg/d/d.go:3" in err
    assert "Traceback" not in err


def test_sources_missing_exits_3_with_the_command(
    tree: SourceTree, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(tree.entry.path)
    code, _, err = run(capsys, "explain", "Hello")
    assert code == 3
    assert "walkthrough sources" in err
    code, _, err = run(capsys, "symbols", "Hello")
    assert code == 3


def test_chapters_and_models(tree: SourceTree, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    snapshots = Path(tree.release.pin.name and str(tmp_path / "project" / "snapshots"))
    (snapshots / "excerpts.json").write_text(
        json.dumps(
            {
                "excerpts": [
                    {
                        "chapter": "greeting.md",
                        "symbol": "fake:pkg/a.Hello",
                        "python": "walkthrough.reimpl.x:hello",
                    },
                    {"chapter": "other.md", "symbol": "fake:pkg/a.Caller", "python": None},
                ]
            }
        ),
        encoding="utf-8",
    )
    _, out, _ = run(capsys, "explain", "Hello", "--json")
    data = json.loads(out)
    assert data["chapters"] == ["greeting.md"]
    assert data["python"][0] == "walkthrough.reimpl.x:hello"


def test_pairs_are_read_without_importing(tmp_path: Path) -> None:
    pkg = tmp_path / "fake"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "models.py").write_text(
        "raise RuntimeError('never imported')\n"
        "from walkthrough.reimpl import mirrors\n"
        "@mirrors('fake:pkg/a.Hello', \"fake:pkg/a.Greeter\")\n"
        "def hello(): ...\n"
        "class Greeter:\n"
        "    @mirrors('fake:pkg/a.Greeter.Greet')\n"
        "    def greet(self): ...\n"
    )
    assert models_for("fake:pkg/a.Hello", root=tmp_path) == ["walkthrough.reimpl.fake.models:hello"]
    assert all_pairs(root=tmp_path) == {
        "fake:pkg/a.Hello": ["walkthrough.reimpl.fake.models:hello"],
        "fake:pkg/a.Greeter": ["walkthrough.reimpl.fake.models:hello"],
        "fake:pkg/a.Greeter.Greet": ["walkthrough.reimpl.fake.models:Greeter.greet"],
    }
    assert models_for("fake:pkg/a.Nothing", root=tmp_path) == []


def test_symbols_command(tree: SourceTree, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "symbols", "*o*", "--kind", "func", "--json")
    assert code == 0
    assert [r["id"] for r in json.loads(out)] == [
        "fake:pkg/a.Hello",
        "fake:pkg/c.Open@c_darwin.go",
        "fake:pkg/c.Open@c_linux.go",
        "fake:pkg/d.Broken",
    ]
    code, out, _ = run(capsys, "symbols", "Greeter")
    assert code == 0
    assert "struct" in out
    assert "fake:pkg/a.Greeter" in out
    assert "pkg/a/a.go:4-4" in out
    code, out, err = run(capsys, "symbols", "zzz")
    assert code == 0
    assert out == ""
    assert "no symbol matches" in err


def test_pairs_memo_follows_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(paths, "_cache_override", None)
    monkeypatch.setattr(store, "_SEEN", {})
    (tmp_path / "cache").mkdir()  # memos live in an existing cache only
    root = tmp_path / "models"
    (root / "fake").mkdir(parents=True)
    model = root / "fake" / "m.py"
    model.write_text("@mirrors('fake:pkg/a.Hello')\ndef hello(): ...\n")
    assert all_pairs(root) == {"fake:pkg/a.Hello": ["walkthrough.reimpl.fake.m:hello"]}
    (memo,) = (tmp_path / "cache" / "memo").glob("pairs-*.json")
    model.write_text("@mirrors('fake:pkg/a.Bye')\ndef bye(): ...\n# longer now\n")
    assert all_pairs(root) == {"fake:pkg/a.Bye": ["walkthrough.reimpl.fake.m:bye"]}
    for memo in (tmp_path / "cache" / "memo").glob("pairs-*.json"):
        memo.write_text("{broken")
    store._SEEN.clear()  # noqa: SLF001 - the next call plays a new process
    assert all_pairs(root) == {"fake:pkg/a.Bye": ["walkthrough.reimpl.fake.m:bye"]}


@pytest.mark.parametrize(
    "args",
    [
        ["explain", "Hello", "--json"],
        ["explain", "--no-code", "Hello", "--json"],
        ["explain", "-u", "fake", "Hello", "--json"],
        ["explain", "--upstream=fake", "Hello", "--json"],
        ["explain", "-ufake", "Hello", "--json"],
        ["explain", "--json", "--", "Hello"],
    ],
    ids=" ".join,
)
def test_option_spellings_mean_the_same(tree: SourceTree, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert json.loads(out)["id"] == "fake:pkg/a.Hello"


@pytest.mark.parametrize(
    "words",
    [["Hello"], [""], ["Hello", "--json"], ["--no-code", "-u", "fake", "Hello", "--model", "--today"],
     ["--upstream", "docker", "X", "--json", "--no-code"], ["-u", "", "a b"]],
    ids=repr,
)
def test_the_usual_explain_is_read_without_argparse(words: list[str]) -> None:
    options = usual_options(words)
    assert options is not None
    parsed = vars(build_parser("explain").parse_args(["explain", *words]))
    assert options == {k: v for k, v in parsed.items() if k not in ("cache", "command")}


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["Hello", "X", "", "-u", "--upstream", "fake", "--json", "--no-code", "--today",
                                 "--model", "--jso", "--", "-ufake", "--upstream=fake", "-h", "-1", "-"]),
                max_size=6))
def test_the_usual_explain_means_what_argparse_reads(words: list[str]) -> None:
    """Whatever `usual_options` takes, argparse reads alike (the rest, and every error, is argparse's own)."""
    options = usual_options(words)
    if options is not None:
        parsed = vars(build_parser("explain").parse_args(["explain", *words]))
        assert options == {k: v for k, v in parsed.items() if k not in ("cache", "command")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain"], "the following arguments are required: SYMBOL"),
        (["explain", "Hello", "Again"], "unrecognized arguments: Again"),
        (["explain", "Hello", "--jsn"], "unrecognized arguments: --jsn"),
        (["explain", "-u"], "argument -u/--upstream: expected one argument"),
        (["symbols", "x", "--limit", "0"], "argument --limit: 0 is not at least 1"),
        (["nosuch"], "invalid choice: 'nosuch'"),
    ],
)
def test_usage_errors_exit_2_with_one_error_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err.startswith("error: ")
    assert message in err
    assert "hint: see `walkthrough" in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "--help")
    assert code == 0
    assert "usage: walkthrough explain" in out
    assert "--no-code" in out


def test_a_cache_that_is_a_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    afile = tmp_path / "a-file"
    afile.write_text("")
    monkeypatch.setenv("WALKTHROUGH_CACHE", str(afile))
    code, _, err = run(capsys, "explain", "Hello")
    assert code == 2
    assert f"the cache {afile} is a file" in err


WARM_PATH_NEVER_IMPORTS = (
    "click",  # one parser, argparse (cli/__init__.py says why)
    "argparse",  # and not even that for the usual `explain SYMBOL [flags]` (cli/explain.py usual_options)
    "tree_sitter",
    "walkthrough.golang.parse",
    "walkthrough.index.build",
    "tomllib",  # the pins' parse is memoized
    "platformdirs",  # on Linux the XDG rule is written out
    "filelock",  # only builds lock
)


@pytest.mark.parametrize("args", [["--json"], []], ids=["json", "piped"])
def test_warm_explain_imports_only_what_it_needs(tree: SourceTree, args: list[str]) -> None:
    """A second `explain` (index and memos warm) loads none of the expensive modules it can do without."""
    load_index("fake").close()
    code = (
        "import sys\n"
        "from walkthrough.cli import main\n"
        f"rc = main(['explain', 'Hello', *{args!r}])\n"
        "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{sorted({m.split('.')[0] for m in WARM_PATH_NEVER_IMPORTS} | {'walkthrough', 'rich'})!r}), rc)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    for _ in range(2):  # the first run may build the index and write the memos
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, timeout=60
        ).stdout
    loaded_line = next(line for line in out.splitlines() if line.startswith("LOADED"))
    loaded = set(ast.literal_eval(loaded_line.removeprefix("LOADED ").rsplit(" ", 1)[0]))
    never = set(WARM_PATH_NEVER_IMPORTS) - ({"platformdirs"} if sys.platform != "linux" else set())
    assert loaded_line.endswith(" 0")
    assert not loaded & never, sorted(loaded & never)
    assert not any(m == "rich" or m.startswith("rich.") for m in loaded)  # plain text and JSON need no rich
    assert '"id": "fake:pkg/a.Hello"' in out or "fake:pkg/a.Hello" in out


def test_go_code_colours_tokens_and_keeps_text_inert() -> None:
    code = visible(
        '// a [red]x[/red] \u202e\nfunc F() string {\n\tx := `raw\n/* no */` /* block\n*/ + "s\\"q" + 0x1F\n}'
    )
    go = GoCode(code, 41)
    lines = go.plain.split("\n")
    assert lines[0] == "41  // a [red]x[/red] <U+202E>"
    assert lines[2] == "43      x := `raw"  # tabs expanded to 4, upstream line numbers
    styled = set(go.pieces)
    assert ("func", "bold magenta") in styled
    assert ("string", "cyan") in styled
    assert ("/* no */`", "yellow") in styled
    assert ("`raw", "yellow") in styled
    assert ("/* block", "bright_black italic") in styled
    assert ("*/", "bright_black italic") in styled
    assert ('"s\\"q"', "yellow") in styled
    assert ("0x1F", "blue") in styled
    assert ("41", "bright_black") in styled
    assert ("46", "bright_black") in styled
    buf = io.StringIO()
    Console(file=buf, force_terminal=True, color_system="standard", markup=False).print(go)
    out = buf.getvalue()
    assert "\x1b[1;35mfunc\x1b[0m" in out
    assert "[red]x[/red]" in out
    assert "\u202e" not in out
    assert re.sub(r"\x1b\[[0-9;]*m", "", out) == go.plain + "\n"


def test_notes_of_the_walkthrough_at_their_lines(
    tree: SourceTree, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / "snapshots" / "excerpts.json").write_text(json.dumps({"excerpts": [{
        "chapter": "greeting.md", "anchor_id": "hello", "symbol": "fake:pkg/a.Hello", "python": None,
        "notes": [{"anchor": "return g.Name", "line": 8}],
    }]}), encoding="utf-8")
    chapters = project / "chapters"
    chapters.mkdir(exist_ok=True)
    (chapters / "greeting.md").write_text(
        "# Greeting people\n\n/// excerpt | fake:pkg/a.Hello\nid: hello\nnotes:\n"
        '  - at: "return g.Name"\n    text: The name, `as given`.\n///\n', encoding="utf-8")
    _, out, _ = run(capsys, "explain", "Hello")
    assert "8  1>     return g.Name" in out  # the mark in the gutter of line 8, the tab expanded as on a terminal
    assert "9     }" in out  # a line without a mark: a gutter of the same width
    assert "walkthrough: Greeting people" in out
    assert "site: greeting/#hello" in out
    assert "1> L8  The name, as given." in out
    _, out, _ = run(capsys, "explain", "Hello", "--json")
    assert json.loads(out)["walkthrough"] == [{"chapter": "greeting.md", "title": "Greeting people",
                                               "url": "greeting/#hello",
                                               "notes": [{"line": 8, "text": "The name, `as given`."}]}]


def test_bare_member_names_resolve(tree: SourceTree, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "Greet", "--json")
    assert code == 0
    assert json.loads(out)["id"] == "fake:pkg/a.Greeter.Greet"


def test_packages_are_symbols(tree: SourceTree, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "fake:pkg/a", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["kind"] == "package"
    assert data["doc"] == "Package a greets people."
    assert data["path"] == "pkg/a/doc.go"
    assert data["files"] == ["pkg/a/a.go", "pkg/a/doc.go"]
    assert "func       Hello" in data["declarations"]
    assert not any("Greet " in d.split()[-1] for d in data["declarations"])  # methods belong to their type
    _, out, _ = run(capsys, "symbols", "a", "--kind", "package")
    assert out.split()[:2] == ["package", "fake:pkg/a"]


def test_ambiguity_says_how_many_and_how_to_narrow(tree: SourceTree, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "Open")
    assert code == 2
    assert "2 symbols match" in err
    assert "walkthrough symbols Open" in err
