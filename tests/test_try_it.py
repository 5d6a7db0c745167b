"""Every chapter's "Try it" is made of run blocks, and prose about their output quotes it.

A run block's output is on the page and checked by `walkthrough check` (tests/test_runs.py); what a test can
still check here is the prose around it. In a "Try it" section, and in any section after its first run block,
each `code span` must be one of:

- a quote of what a run block of the chapter printed (as recorded in `snapshots/runs.json`, which `check`
  proves is what the command prints now), spaces and line breaks aside; `…` stands for text left out
  (`2988a482a503…/layer.tar`);
- a command a reader may type, which the run allow-list accepts (`walkthrough run ...`);
- the name of a symbol the book quotes (the last part of an excerpt's id: `resourceMatches`), an identifier
  the chapter's own prose introduced (`LessThanOrEqual`), or a file of the checkout (`tests/golden/e-quota.json`).

So a sentence cannot describe output the demo does not print. The miniature apiserver is a server, not a run
block: a chapter may point at it, and it is started here on a free loopback port, asked one question, and stopped.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from walkthrough.book import run_records
from walkthrough.book.directives import scan
from walkthrough.book.runs import parse_command
from walkthrough.errors import RunRefused

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(p for pattern in ("k8s-*.md", "docker-*.md") for p in (ROOT / "chapters").glob(pattern))
SERVER = "walkthrough.reimpl.kubernetes.apiserver"
HEADING = re.compile(r"^(#{2,3}) ", re.MULTILINE)
FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
SHELL_FENCE = re.compile(r"^```(?:sh|bash|console|shell)\b", re.MULTILINE)


def sections(text: str) -> list[tuple[str, str]]:
    """(heading line, body) of each `##`/`###` section."""
    starts = [m.start() for m in HEADING.finditer(text)] + [len(text)]
    return [(text[a:b].split("\n", 1)[0], text[a:b]) for a, b in itertools.pairwise(starts)]


def checked_prose(text: str, file: str) -> list[tuple[str, str]]:
    """(heading, prose) that must quote output: Try-it sections whole, other sections after their first run block."""
    out = []
    for heading, body in sections(text):
        runs = scan(body, file).runs
        if heading.startswith("## Try it"):
            start = 0
        elif runs:
            start = runs[0].start
        else:
            continue
        prose = body[start:]
        for run in sorted(scan(prose, file).runs, key=lambda r: -r.start):
            prose = prose[:run.start] + prose[run.end:]
        out.append((heading, FENCE.sub("", prose)))
    return out


def squeeze(text: str) -> str:
    return " ".join(text.split())


def quoted(span: str, outputs: list[str]) -> bool:
    """`span` occurs in one output, its `…` matching any text left out."""
    pattern = re.compile(".*?".join(re.escape(part) for part in span.split("…")))
    return any(pattern.search(out) for out in outputs)


def is_command(span: str) -> bool:
    try:
        parse_command(span)
    except RunRefused:
        return False
    return True


RECORDS = run_records.load(ROOT / "snapshots") or []
SYMBOLS = [d.symbol for p in (ROOT / "chapters").glob("*.md")
           for d in scan(p.read_text(encoding="utf-8"), p.name).excerpts]
NAMES = {s.rpartition(".")[2] for s in SYMBOLS} | {s.rpartition("/")[2].partition(".")[2] for s in SYMBOLS}
"""`Authorize` and `policyList.Authorize`: the names of the Go the book quotes."""


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_try_it_is_made_of_run_blocks(chapter: Path) -> None:
    text = chapter.read_text(encoding="utf-8")
    try_it = [body for heading, body in sections(text) if heading.startswith("## Try it")]
    assert len(try_it) == 1, f"{chapter.name}: one `## Try it` section"
    assert scan(try_it[0], chapter.name).runs, f"{chapter.name}: its Try it has no run block"
    assert not SHELL_FENCE.search(try_it[0]), f"{chapter.name}: commands in Try it are run blocks, not shell fences"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_prose_about_output_quotes_it(chapter: Path) -> None:
    text = chapter.read_text(encoding="utf-8")
    outputs = [squeeze(r.output) for r in RECORDS if r.chapter == chapter.name]
    checked = checked_prose(text, chapter.name)
    unchecked = text
    for _, prose in checked:
        unchecked = unchecked.replace(prose, "")
    introduced = {m.group(2) for m in CODE_SPAN.finditer(FENCE.sub("", unchecked)) if IDENTIFIER.match(m.group(2))}
    unquoted = []
    for heading, prose in checked:
        for match in CODE_SPAN.finditer(prose):
            span = squeeze(match.group(2).strip())
            if (not quoted(span, outputs) and not is_command(span) and span not in NAMES | introduced
                    and not (ROOT / span).is_file()):
                unquoted.append(f"{heading}: `{span}`")
    assert not unquoted, f"{chapter.name}: code spans neither printed by a run block nor a command nor a quoted name"


def test_the_miniature_apiserver_answers() -> None:
    """The one command chapters point at that is no run block: a server. It starts, says 401 without a token."""
    server = subprocess.Popen(
        [sys.executable, "-m", SERVER, "--port", "0"], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
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
