"""Fault injection: every fault a user met, provoked on purpose, in one table (issue 15).

Each row provokes one fault in a fresh project and cache over the fake upstream (`sitefake`), runs the real
command in a child process, and checks what a user would see: the documented exit code (0 ok, 1 problems,
2 usage or input, 3 sources or cache), the words that say what was wrong and what to do, and, for every row,
no traceback and no hidden character on the terminal (`walkthrough.text.visible`). Rows that build check
that a failed or interrupted build leaves the previous site whole. The next probe adds one row.

Read-only folders are real read-only bind mounts (`unshare -m` + `mount --bind -o ro`) where this machine
allows them (root, or user namespaces), else `tests/deny.py` refuses the writes inside the process.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sitefake

from walkthrough.text import visible

if TYPE_CHECKING:
    from collections.abc import Callable

REPO = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
OLD_SITE = {"index.html": "the previous site\n", "evil/index.html": "a previous page\n"}
HANG_HOOK = '''\
"""Test hook: once every page is written, say so and wait to be interrupted."""
import os
import time


def on_post_build(config, **kwargs):
    open(os.environ["WT_TEST_READY"], "w").close()
    time.sleep(120)
'''


@dataclass
class World:
    """A project over the fake upstream, its cache, and what a row left running (a socket)."""

    tmp: Path
    project: Path
    cache: Path
    models: Path
    keep: list[Any] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    """Folders put first on the command's PATH (a fake git)."""

    @property
    def site(self) -> Path:
        return self.project / "site"

    @property
    def source(self) -> Path:
        """The directory the fake upstream was imported from."""
        return self.tmp / "src" / "fake@v0.1.0"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(REPO), str(self.models)]),
            "WALKTHROUGH_PROJECT": str(self.project),
            "WALKTHROUGH_CACHE": str(self.cache),
            "NO_COLOR": "1",
            "TERM": "dumb",
            "COLUMNS": "200",
            "SOURCE_DATE_EPOCH": "1700000000",
            "NO_MKDOCS_2_WARNING": "1",
            "WT_TEST_READY": str(self.tmp / "ready"),
            "PATH": os.pathsep.join([*self.path, os.environ.get("PATH", "")]),
        }

    def fill(self, text: str) -> str:
        return text.format(tmp=self.tmp, cache=self.cache, project=self.project, src=self.source)


@dataclass(frozen=True)
class Fault:
    """One provoked fault: how to provoke it, the command, and what the user must see."""

    name: str
    argv: tuple[str, ...]
    code: int
    says: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    prepare: Callable[[World], None] | None = None
    readonly: str | None = None
    """`{cache}` or another `World.fill` path: read-only while the command runs."""
    interrupt: signal.Signals | None = None
    """Sent when the build has written every page (a hook waits for it)."""
    after: Callable[[World, str], None] | None = None
    """Checks what is left on disk (and the output) afterwards."""


# ---- how faults are provoked ------------------------------------------------------------------


def old_site(root: Path) -> Callable[[World], None]:
    """A previous site at `root` (relative to the project unless absolute)."""

    def prepare(world: World) -> None:
        site = world.project / root
        for rel, text in OLD_SITE.items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_text(text, encoding="utf-8")

    return prepare


def site_whole(root: Path) -> Callable[[World, str], None]:
    """The previous site at `root` is exactly as it was, and no build folder is left beside it."""

    def after(world: World, output: str) -> None:
        site = world.project / root
        files = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file()}
        assert files == OLD_SITE
        assert not [p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}.")]

    return after


def both(*steps: Callable[..., None]) -> Callable[..., None]:
    def run(*args: Any) -> None:
        for step in steps:
            step(*args)

    return run


def edit_chapter(old: str, new: str) -> Callable[[World], None]:
    def prepare(world: World) -> None:
        chapter = world.project / "chapters" / "evil.md"
        chapter.write_text(chapter.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    return prepare


def cached_file(world: World) -> Path:
    (entry,) = (world.cache / "sources").glob("fake@v0.1.0-*")
    return entry / "tree" / "pkg" / "evil" / "evil.go"


def tamper(world: World) -> None:
    """One byte of a cached source changed after import (mode and size kept)."""
    path = cached_file(world)
    data = bytearray(path.read_bytes())
    data[data.index(b"Render")] = ord("B")
    path.chmod(0o644)
    path.write_bytes(bytes(data))


def hang(world: World) -> None:
    (world.project / "hang.py").write_text(HANG_HOOK, encoding="utf-8")
    config = world.project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hang.py\n", encoding="utf-8")


def take_port(world: World) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    world.keep.append(sock)
    (world.tmp / "port").write_text(str(sock.getsockname()[1]), encoding="utf-8")


def build_index(world: World) -> None:
    run(world, ("explain", "fake:pkg/evil.Render"))


def damage_index(world: World) -> None:
    build_index(world)
    (db,) = (world.cache / "index").glob("fake@v0.1.0-*.sqlite")
    data = bytearray(db.read_bytes())
    for offset in range(len(data) // 3 // 4096 * 4096, len(data), 4096):  # sqlite opens it, then fails
        data[offset + 100 : offset + 600] = b"\xde\xad" * 250
    db.write_bytes(bytes(data[: len(db.read_bytes())]))


def forget_later(world: World) -> None:
    (entry,) = (world.cache / "sources").glob("fake@v0.2.0-*")
    shutil.rmtree(entry)


def delete_half(world: World) -> None:
    (entry,) = (world.cache / "sources").glob("fake@v0.1.0-*")
    (entry / "tree" / "pkg" / "other" / "other.go").unlink()


def bad_copy(world: World) -> None:
    shutil.copytree(world.source, world.tmp / "bad")
    path = world.tmp / "bad" / "pkg" / "evil" / "evil.go"
    path.write_text(path.read_text(encoding="utf-8") + "// edited\n", encoding="utf-8")


def dubious_repo(world: World) -> None:
    """A git repository owned by another user, which git refuses to read ("dubious ownership")."""
    repo = world.tmp / "dubious"
    shutil.copytree(world.source, repo)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "fake"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "nobody", str(repo)], check=True)
    else:  # not root: a git on PATH that answers as git does for a repository of another user
        fake = world.tmp / "bin"
        fake.mkdir()
        (fake / "git").write_text(
            "#!/bin/sh\necho \"fatal: detected dubious ownership in repository at '$2'\" >&2\n"
            "echo 'To add an exception for this directory, call:' >&2\necho >&2\n"
            'echo "\tgit config --global --add safe.directory $2" >&2\nexit 128\n',
            encoding="utf-8",
        )
        (fake / "git").chmod(0o755)
        world.path.append(str(fake))


def gone(path: str) -> Callable[[World, str], None]:
    def after(world: World, output: str) -> None:
        assert not Path(world.fill(path)).exists()

    return after


def short_output(world: World, output: str) -> None:
    assert len(output) < 500


def last_line(text: str) -> Callable[[World, str], None]:
    def after(world: World, output: str) -> None:
        assert text in output.strip().splitlines()[-1]

    return after


def fresh_site(world: World, output: str) -> None:
    assert "the previous site" not in (world.site / "index.html").read_text(encoding="utf-8")
    assert "wt-card" in (world.site / "evil" / "index.html").read_text(encoding="utf-8")
    assert not [p.name for p in world.project.iterdir() if p.name.startswith(".site.")]


HOSTILE = "\x1b]0;pwned\x07\x1b[2J"

FAULTS = [
    # -- the cache, read-only or damaged
    Fault("verify, read-only cache", ("sources", "verify"), 0, readonly="{cache}",
          says=("re-hashed, ok", "verified but not recorded", "read-only file system", "--cache DIR")),
    Fault("import --force, read-only cache", ("sources", "import", "fake", "--dir", "{src}", "--force"), 3,
          readonly="{cache}", says=("cannot use the cache at", "read-only file system", "--cache DIR")),
    Fault("index damaged", ("explain", "fake:pkg/evil.Render"), 0, prepare=damage_index,
          says=("func fake:pkg/evil.Render",)),
    Fault("status, half the files deleted", ("sources", "status"), 0, prepare=delete_half,
          says=("damaged (1 of 2 files missing)", "re-import")),
    Fault("--cache naming nothing", ("--cache", "{tmp}/nonexistent/x", "explain", "Render"), 3,
          says=("not in the cache", "walkthrough sources"), after=gone("{tmp}/nonexistent")),
    # -- building the site: the previous one survives every failure
    Fault("build -d into a read-only folder", ("build", "-d", "{tmp}/out/site"), 2, readonly="{tmp}/out",
          prepare=old_site(Path("../out/site")), after=site_whole(Path("../out/site")),
          says=("cannot write the site to", "read-only file system", "-d DIR")),
    Fault("build over a tampered source", ("build",), 3, prepare=both(old_site(Path("site")), tamper),
          after=site_whole(Path("site")),
          says=("pkg/evil/evil.go", "modified after import", "sources verify", "left as it was"),
          never=("sources verified", "BuildError")),
    Fault("build --strict, broken directive", ("build", "--strict"), 2,
          prepare=both(old_site(Path("site")), edit_chapter("fake:pkg/evil.Config", "fake:pkg/evil.Konfig")),
          after=site_whole(Path("site")), says=("evil.md:", "fake:pkg/evil.Konfig", "left as it was")),
    Fault("build interrupted by Ctrl-C", ("build",), 130, prepare=both(old_site(Path("site")), hang),
          interrupt=signal.SIGINT, after=site_whole(Path("site")), says=("aborted",)),
    Fault("build interrupted by SIGTERM", ("build",), 130, prepare=both(old_site(Path("site")), hang),
          interrupt=signal.SIGTERM, after=site_whole(Path("site")), says=("aborted",)),
    Fault("build succeeds, replacing the previous site", ("build",), 0, prepare=old_site(Path("site")),
          after=fresh_site, says=("sources in the cache: fake@v0.1.0", "site written to")),
    Fault("build, escape sequences in a chapter", ("build",), 0,
          prepare=edit_chapter("fake:pkg/evil.Config", f"fake:pkg/evil.{HOSTILE}Config\u202e"),
          says=("<U+001B>]0;pwned<U+0007>", "<U+202E>"), never=("unknown symbol: ",)),
    Fault("serve on a taken port", ("serve", "-a", "127.0.0.1:{port}"), 2, prepare=take_port,
          says=("cannot serve on 127.0.0.1:", "already in use", "-a HOST:PORT")),
    # -- chapters and queries
    Fault("check, escape sequences in a chapter", ("check",), 1,
          prepare=edit_chapter("fake:pkg/evil.Config", f"fake:pkg/evil.{HOSTILE}Config"), says=("<U+001B>",)),
    Fault("check, unknown symbol said once", ("check",), 1,
          prepare=edit_chapter("fake:pkg/evil.Config", "fake:pkg/evil.Konfig"),
          says=("unknown symbol 'fake:pkg/evil.Konfig'",), never=("unknown symbol: unknown",)),
    Fault("explain, a Cyrillic look-alike", ("explain", "R\u0435nder"), 2,
          says=("U+0435 CYRILLIC SMALL LETTER IE at position 2", "plain ASCII", "fake:pkg/evil.Render")),
    Fault("explain, full-width letters", ("explain", "\uff32\uff45nder"), 2,
          says=("U+FF32 FULLWIDTH LATIN CAPITAL LETTER R at position 1", "at position 2", "fake:pkg/evil.Render")),
    Fault("symbols, a 100 kB query", ("symbols", "A" * 100_000), 0, after=short_output, says=("100000 characters",)),
    Fault("symbols, a Cyrillic look-alike", ("symbols", "R\u0435nder"), 0, says=("U+0435", "plain ASCII")),
    # -- other commands' input
    Fault("parity, a file that does not exist", ("parity", "{tmp}/nonexistent.json"), 2, says=("does not exist",)),
    Fault("drift to a release not imported", ("drift", "--to", "fake@v0.2.0"), 3, prepare=forget_later,
          says=("not in the cache", "sources import"), never=("0 unchanged",), after=last_line("nothing compared")),
    Fault("import --root /etc", ("sources", "import", "fake", "--dir", "{src}", "--root", "/etc"), 2,
          says=("bad root '/etc'",)),
    Fault("import --root a=b=c", ("sources", "import", "fake", "--dir", "{src}", "--root", "a=b=c"), 2,
          says=("bad root 'a=b=c'",)),
    Fault("import --dir with a changed file", ("sources", "import", "fake", "--dir", "{tmp}/bad", "--force"), 3,
          prepare=bad_copy, says=("pkg/evil/evil.go: the lock says blob", "--dir holds fake@v0.1.0"),
          never=("check --rev",)),
    Fault("import from a repository git distrusts",
          ("sources", "import", "fake", "--git", "{tmp}/dubious", "--rev", "HEAD", "--force"), 3,
          prepare=dubious_repo, says=("dubious ownership", "safe.directory")),
]


# ---- running a row ----------------------------------------------------------------------------


@cache
def can_mount() -> bool:
    """Whether read-only bind mounts work here (root, or unprivileged user namespaces)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount --bind -o ro / / && ! touch /proc/.wt-probe 2>/dev/null"],
        capture_output=True, check=False,
    )
    return probe.returncode == 0


def command(world: World, argv: tuple[str, ...], readonly: str | None) -> list[str]:
    args = [world.fill(a) if "{" in a and len(a) < 200 else a for a in argv]  # a 100 kB query is not a template
    if readonly is None:
        return [sys.executable, "-m", "walkthrough", *args]
    folder = world.fill(readonly)
    if can_mount():
        script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
        return ["unshare", "-m", "sh", "-c", script, folder, sys.executable, "-m", "walkthrough", *args]
    return [sys.executable, str(TESTS / "deny.py"), folder, *args]


def run(world: World, argv: tuple[str, ...], *, readonly: str | None = None,
        interrupt: signal.Signals | None = None) -> tuple[int, str]:
    """Exit code and stdout + stderr of one command in a child process."""
    proc = subprocess.Popen(
        command(world, argv, readonly), cwd=world.project, env=world.env(), text=True, encoding="utf-8",
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    if interrupt is not None:
        ready = world.tmp / "ready"
        deadline = time.monotonic() + 120
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), "the build never reached its last page"
        proc.send_signal(interrupt)
    out, _ = proc.communicate(timeout=300)
    return proc.returncode, out


@pytest.fixture
def world(fake_upstream: Callable[..., Any], tmp_path: Path) -> World:
    files = {**sitefake.FILES, "pkg/other/other.go": "package other\n\n// Other is other.\nfunc Other() {}\n"}
    fake_upstream(files, later={"v0.2.0": files})
    project = tmp_path / "project"
    models = sitefake.write_site(project)
    made = World(tmp_path, project, tmp_path / "cache", models)
    yield made
    for sock in made.keep:
        sock.close()


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault(fault: Fault, world: World) -> None:
    if fault.prepare is not None:
        fault.prepare(world)
    argv = fault.argv
    if fault.prepare is take_port:
        argv = tuple(a.replace("{port}", (world.tmp / "port").read_text(encoding="utf-8")) for a in argv)
    code, output = run(world, argv, readonly=fault.readonly, interrupt=fault.interrupt)
    assert "Traceback" not in output, output
    assert visible(output) == output, "a hidden character reached the terminal"
    assert code == fault.code, output
    for words in fault.says:
        assert words in output, output
    for words in fault.never:
        assert words not in output, output
    if fault.after is not None:
        fault.after(world, output)


def test_readme_does_not_send_readers_to_a_site_that_needs_a_server() -> None:
    """Directory URLs (`evil/`) need a web server: opening `site/index.html` from disk breaks every link."""
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    if "use_directory_urls: false" not in config:
        assert "open `site/index.html`" not in readme
        assert "walkthrough serve" in readme


def test_an_index_damaged_while_open_is_rebuilt_and_the_query_answered(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """The row above damages the file before it is opened; here it breaks under an open connection."""
    from walkthrough.index.reader import load_index  # noqa: PLC0415

    idx = load_index("fake")
    assert idx.get("fake:pkg/evil.Render") is not None
    size = idx.path.stat().st_size
    idx.path.write_bytes(b"\xde\xad" * (size // 2))
    assert idx.get("fake:pkg/evil.Render") is not None
    assert idx.lookup("Render").id == "fake:pkg/evil.Render"
    assert "was damaged; rebuilding it" in caplog.text
    idx.close()
