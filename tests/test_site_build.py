"""Whole builds over a hostile fake upstream: round trip, escaping, generated pages, reproducibility, CLI."""

from __future__ import annotations

import hashlib
import json
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import sitefake
from fakeupstream import make_fake_upstream

from walkthrough import paths
from walkthrough.cli import main

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


@pytest.fixture
def project(fake_upstream: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Any]:
    """A project with three chapters over the fake upstream, its index, and its SourceTree."""
    tree = fake_upstream(sitefake.FILES)
    root = tmp_path / "project"
    sitefake.add_path(monkeypatch, sitefake.write_site(root))
    sitefake.use_fake_index(monkeypatch, sitefake.SiteIndex(tree.pin, {p: tree.read(p) for p in tree.paths()}))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    return root, tree


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any]]:
    """One strict build shared by the read-only tests of this module (a build costs seconds)."""
    tmp = tmp_path_factory.mktemp("built")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "_cache_override", None)
        mp.setenv(paths.PROJECT_ENV, str(tmp / "project"))
        mp.setenv(paths.CACHE_ENV, str(tmp / "cache"))
        tree = make_fake_upstream(tmp, sitefake.FILES, activate=False)
        root = tmp / "project"
        sitefake.add_path(mp, sitefake.write_site(root))
        sitefake.use_fake_index(mp, sitefake.SiteIndex(tree.pin, {p: tree.read(p) for p in tree.paths()}))
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        yield sitefake.build(root, strict=True), tree


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


def test_round_trip_of_every_excerpt(built: tuple[Path, Any]) -> None:
    site, tree = built
    pages = _pages(site)
    checked = {name: sitefake.check_round_trip(text, lambda _up, path: tree.read(path)) for name, text in pages.items()}
    assert checked["evil/index.html"] >= 4  # a focused excerpt: only its shown lines
    assert checked["second/index.html"] == 5
    assert checked["symbols/fake/pkg/evil/NewConfig/index.html"] == 3  # from the declaration: the doc is prose
    cards = sitefake.card_texts(pages["evil/index.html"])
    assert [c["symbol"] for c in cards] == ["fake:pkg/evil.Render", "fake:pkg/evil.Config"]


class _Attrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: list[tuple[str, str, str]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs.extend((tag, k, v or "") for k, v in attrs)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_no_upstream_byte_becomes_markup(built: tuple[Path, Any]) -> None:
    site, _ = built
    for name, text in _pages(site).items():
        parser = _Attrs()
        parser.feed(text)
        assert not [a for a in parser.attrs if a[1].startswith("on")], name
        assert not [a for a in parser.attrs if a[2].strip().lower().startswith("javascript:")], name
        assert not [s for s in parser.scripts if "alert" in s], name
        for char in ("\u202e", "\u2066", "\u200b"):
            assert char not in text, name
    evil = (site / "evil" / "index.html").read_text(encoding="utf-8")
    assert "&lt;U+202E&gt;" in evil
    assert "{% endraw %}" in evil
    index = (site / "symbols" / "index.html").read_text(encoding="utf-8")
    assert "{{7*7}}" in index
    assert "{% raw %}" in index
    assert "&lt;img src=x onerror=alert(1)&gt;" in index
    second = (site / "second" / "index.html").read_text(encoding="utf-8")
    assert "--8&lt;--" in second or "--8<--" not in second.replace("--8&lt;--", "")


def test_links_go_to_quoting_chapter_else_symbol_page(built: tuple[Path, Any]) -> None:
    site, _ = built
    evil = (site / "evil" / "index.html").read_text(encoding="utf-8")
    assert 'href="../second/#helper"' in evil  # quoted by another chapter
    assert 'href="../symbols/fake/pkg/evil/Config.Run/"' in evil  # quoted nowhere: its own page
    assert "wt-sym:" not in evil
    assert "wt-page:" not in evil
    assert 'class="wt-see-also"' in evil
    assert "The second chapter" in evil
    symbol_page = (site / "symbols" / "fake" / "pkg" / "evil" / "NewConfig" / "index.html").read_text(encoding="utf-8")
    assert "Used by" in symbol_page
    assert "fake:pkg/evil.Render" in symbol_page
    assert f"{'https://github.com/example/fake/blob/'}" in symbol_page


def test_generated_pages_and_navigation(built: tuple[Path, Any]) -> None:
    site, tree = built
    home = (site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="md-nav md-nav--primary"') :]
    assert "Symbol index" in nav
    assert "About the sources" in nav
    assert "NewConfig" not in nav
    assert "wtfake_model" not in nav
    about = (site / "about-sources" / "index.html").read_text(encoding="utf-8")
    assert tree.lock.digest in about
    assert tree.pin.commit in about
    assert "snapshots/fake.lock" in about
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    index_docs = [d for d in search["docs"] if d["location"].startswith("symbols/")]
    assert any("NewConfig" in d["text"] for d in index_docs)
    # Every symbol page is found by its name, id and doc; model pages are found through their cards.
    symbol_docs = [d for d in search["docs"] if d["location"].startswith("symbols/fake/")]
    assert {"title": "NewConfig", "location": "symbols/fake/pkg/evil/NewConfig/",
            "text": "<p><code>fake:pkg/evil.NewConfig</code> func. NewConfig makes a Config.</p>"} in symbol_docs
    model_pages = [d for d in search["docs"] if d["location"].startswith("models/")]
    assert all(d["location"][7:8] in ("", "#") for d in model_pages)  # the models index only
    chapter_docs = [d for d in search["docs"] if d["location"].startswith("evil/")]
    assert any("func Render(s string) string {" in d["text"] for d in chapter_docs)  # the search view of a card
    assert not any("wt-line" in d["text"] for d in chapter_docs)
    model = (site / "models" / "wtfake_model" / "index.html").read_text(encoding="utf-8")
    assert 'id="L6"' in model
    assert "python -m wtfake_model" in model
    second = (site / "second" / "index.html").read_text(encoding="utf-8")
    assert '<figure class="wt-diagram wt-flow"><svg' in second
    assert 'href="../second/#helper"' not in second.split("wt-flow")[0]


def _digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_cli_build_strict_twice_gives_identical_bytes(project: tuple[Path, Any], tmp_path: Path) -> None:
    root, _ = project
    for out in ("one", "two"):
        assert main(["build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(tmp_path / out)]) == 0
    first, second = _digest(tmp_path / "one"), _digest(tmp_path / "two")
    assert "sitemap.xml.gz" in first
    assert "evil/index.html" in first
    assert first == second


def test_cli_build_strict_fails_on_a_broken_directive(
    project: tuple[Path, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    root, _ = project
    chapter = root / "chapters" / "evil.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("fake:pkg/evil.Config", "fake:pkg/evil.Konfig"))
    assert main(["build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(tmp_path / "out")]) == 2
    assert "strict" in capsys.readouterr().err
    line = chapter.read_text(encoding="utf-8").split("\n").index("/// excerpt | fake:pkg/evil.Konfig") + 1
    messages = [r.getMessage() for r in caplog.records]
    assert any(f"evil.md:{line}:" in m and "fake:pkg/evil.Konfig" in m for m in messages)


def test_cli_build_without_sources_exits_3(
    project: tuple[Path, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = project
    monkeypatch.setenv("WALKTHROUGH_CACHE", str(tmp_path / "empty-cache"))
    assert main(["build", "-f", str(root / "mkdocs.yml")]) == 3
    err = capsys.readouterr().err
    assert "not in the cache" in err
    assert "walkthrough sources" in err
    assert not (root / "site").exists()
    assert main(["serve", "-f", str(root / "mkdocs.yml")]) == 3  # checked before any server starts
