"""Every command of every chapter's "Try it" section works as written.

Commands are `/// run` blocks (run and checked by `walkthrough check`, see tests/test_runs.py) or, in
chapters not converted yet, ```sh blocks under `## Try it`. Demos must exit 0 and print something; the
miniature apiserver is a server, so it is started on a free loopback port, asked one question, and stopped.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from walkthrough.book.directives import scan

ROOT = Path(__file__).resolve().parent.parent
SERVER_MODULE = "walkthrough.reimpl.kubernetes.apiserver"
TRY_IT = re.compile(r"^## Try it\n(.*?)(?=^## |\Z)", re.DOTALL | re.MULTILINE)
SHELL_BLOCK = re.compile(r"```(?:sh|bash|console)\n(.*?)```", re.DOTALL)


def try_it_commands() -> list[tuple[str, str]]:
    """(chapter file, command line) for every command in the Try it sections, comments and prompts removed."""
    found = []
    for chapter in sorted((ROOT / "chapters").glob("*.md")):
        section = TRY_IT.search(chapter.read_text(encoding="utf-8"))
        if section is None:
            continue
        for block in SHELL_BLOCK.findall(section.group(1)):
            for line in block.splitlines():
                command = line.split(" #", 1)[0].strip().removeprefix("$ ").strip()
                if command and not command.startswith("#"):
                    found.append((chapter.name, command))
    return found


def argv_of(command: str) -> list[str]:
    """The command as this interpreter runs it (`python` and `walkthrough` are this environment's)."""
    words = shlex.split(command)
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    if words[0] == "walkthrough":
        return [sys.executable, "-m", "walkthrough", *words[1:]]
    pytest.fail(f"unexpected command in a Try it section: {command}")
    return []


COMMANDS = try_it_commands()


def test_every_chapter_has_a_command_to_try() -> None:
    chapters = {p.name for pattern in ("k8s-*.md", "docker-*.md") for p in (ROOT / "chapters").glob(pattern)}
    with_runs = {p.name for p in (ROOT / "chapters").glob("*.md")
                 if scan(p.read_text(encoding="utf-8"), p.name).runs}
    assert chapters <= {name for name, _ in COMMANDS} | with_runs


@pytest.mark.parametrize(("chapter", "command"), COMMANDS, ids=[f"{c}: {cmd}" for c, cmd in COMMANDS])
def test_try_it_command_runs(chapter: str, command: str) -> None:
    argv = argv_of(command)
    if SERVER_MODULE in argv:
        check_server(argv)
        return
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{chapter}: `{command}` exited {done.returncode}\n{done.stderr[-2000:]}"
    assert done.stdout.strip(), f"{chapter}: `{command}` printed nothing"


def check_server(argv: list[str]) -> None:
    """Start the miniature apiserver on a free port, expect 401 without a token, stop it."""
    server = subprocess.Popen(
        [*argv, "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        url = None
        for line in server.stdout:  # type: ignore[union-attr]
            match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if match:
                url = match.group(1)
                break
        assert url, "the apiserver demo never said where it listens"
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"{url}/api/v1/namespaces/dev/pods", timeout=10)  # noqa: S310 - loopback
        answer.value.close()
        assert answer.value.code == 401
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()  # type: ignore[union-attr]
