"""The chapter plan is honoured: every chapter exists, quotes its core symbols, and its behaviours are tested.

`tests/plan/chapters.toml` is a copy of the project's chapter plan (data: symbol names, paths, lines and
paraphrased behaviours; no upstream code).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from walkthrough.book.directives import scan_chapter

ROOT = Path(__file__).resolve().parent.parent
PLAN = tomllib.loads((ROOT / "tests" / "plan" / "chapters.toml").read_text(encoding="utf-8"))
CHAPTERS = {c["slug"]: c for c in PLAN["chapter"]}


def chapter_symbols(slug: str) -> list[str]:
    """The symbol ids (as written) of every excerpt directive in `chapters/<slug>.md`."""
    path = ROOT / "chapters" / f"{slug}.md"
    directives, problems = scan_chapter(path.read_text(encoding="utf-8"), file=path.name)
    assert not problems, "\n".join(map(str, problems))
    return [d.symbol for d in directives]


@pytest.mark.parametrize("slug", sorted(CHAPTERS))
def test_every_planned_chapter_exists_and_credits_its_article(slug: str) -> None:
    text = (ROOT / "chapters" / f"{slug}.md").read_text(encoding="utf-8")
    assert CHAPTERS[slug]["source_url"] in text, "the chapter must credit the original article by its link"
    assert re.search(r"^## Try it", text, re.MULTILINE), "the chapter must end with a runnable 'Try it' section"


@pytest.mark.parametrize("slug", sorted(CHAPTERS))
def test_every_planned_behaviour_has_a_named_test(slug: str) -> None:
    others = (p for p in (ROOT / "tests").glob("test_*.py") if p.name != Path(__file__).name)
    tests = "\n".join(p.read_text(encoding="utf-8") for p in others)
    missing = [
        b["id"]
        for b in CHAPTERS[slug].get("behaviour", [])
        if b["id"] not in tests and b["id"].replace("-", "_") not in tests
    ]
    assert not missing, f"behaviours of {slug} with no test naming them: {missing}"


@pytest.mark.upstream
@pytest.mark.parametrize("slug", sorted(CHAPTERS))
def test_every_core_symbol_is_quoted_in_its_chapter(slug: str, k8s_tree: object, docker_tree: object) -> None:
    from walkthrough.index.reader import load_index  # noqa: PLC0415 - only with the real sources

    chapter = CHAPTERS[slug]
    index = load_index(chapter["upstream"])
    quoted = set()
    for written in chapter_symbols(slug):
        quoted.add(index.lookup(written).id)
    missing = []
    for planned in chapter["symbol"]:
        if planned["tier"] != "core":
            continue
        candidates = [
            s.id
            for s in index.search(planned["selector"].rsplit(".", 1)[-1])
            if s.path == planned["path"] and s.qualname == planned["selector"]
        ]
        assert candidates, f"plan symbol {planned['path']} {planned['selector']} is not in the index"
        if not quoted.intersection(candidates):
            missing.append(f"{planned['path']} {planned['selector']}")
    assert not missing, f"core symbols of {slug} not quoted: {missing}"
