"""The Today strip on every card and the chapters' "Then and now" sections, in whole builds over fake upstreams."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sitefake import MKDOCS_YML
from test_today import MOVES, OLD, TODAY

from walkthrough.cli import main

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import pytest

    from walkthrough.sources import SourceTree

HOSTILE = dict(TODAY)
HOSTILE["fake@v2.0.0"] = {
    **TODAY["fake@v2.0.0"],
    "pkg/a/a.go": TODAY["fake@v2.0.0"]["pkg/a/a.go"].replace(
        "\ty++\n", "\ty++ // </code><script>alert(1)</script> {{7*7}}\n"),
}

CHAPTER = """\
# Fake chapter

/// excerpt | fake:pkg/a.Changed
id: changed
///

/// excerpt | fake:pkg/old.Moved
///

/// excerpt | fake:pkg/old.Removed
///

/// excerpt | fake:cmd/tool.main
///

## Then and now

Our own words on what changed in design.
"""

NO_SECTION = "# Second\n\n/// excerpt | fake:pkg/a.Same\n///\n"


def _build(fake_upstream: Callable[..., SourceTree], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           **kwargs: object) -> tuple[int, Path]:
    fake_upstream(OLD, today=HOSTILE, moves=MOVES, **kwargs)
    project = tmp_path / "project"
    (project / "mkdocs.yml").write_text(MKDOCS_YML.split("markdown_extensions:")[0])
    (project / "chapters" / "index.md").write_text("# Home\n")
    (project / "chapters" / "fake.md").write_text(CHAPTER)
    (project / "chapters" / "second.md").write_text(NO_SECTION)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    site = tmp_path / "site"
    return main(["build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site)]), site


def test_every_card_has_a_strip(fake_upstream: Callable[..., SourceTree], tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    code, site = _build(fake_upstream, tmp_path, monkeypatch)
    assert code == 0
    html = (site / "fake" / "index.html").read_text()
    cards = re.findall(r'<section class="wt-card[^"]*" id="([^"]+)"', html)
    strips = re.findall(r'<div class="wt-today [^"]*" id="([^"]+)-today" data-status="([^"]+)"', html)
    assert [anchor for anchor, _ in strips] == cards
    assert [status for _, status in strips] == ["changed", "moved", "gone", "not tracked"]
    start = html.index('id="changed-today"')
    changed = html[start:html.index('<div class="wt-go">', start)]
    assert '<details class="wt-today-more">' in changed  # the diff opens in place
    assert "https://github.com/example/fake/blob/" in changed  # today's lines at the pinned commit
    assert '<span class="wt-add">+1</span>' in changed
    moved = html[html.index('id="pkg-old-Moved-today"'):]
    assert 'href="https://github.com/example/moved/blob/' in moved.split("</div>", 1)[0]
    assert "lives in example/elsewhere cmd" in html


def test_diffs_are_escaped(fake_upstream: Callable[..., SourceTree], tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    code, site = _build(fake_upstream, tmp_path, monkeypatch)
    assert code == 0
    html = (site / "fake" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;/code&gt;&lt;script&gt;alert(1)&lt;/script&gt; {{7*7}}" in html


def test_then_and_now_sections(fake_upstream: Callable[..., SourceTree], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    code, site = _build(fake_upstream, tmp_path, monkeypatch)
    assert code == 0
    html = (site / "fake" / "index.html").read_text()
    heading = html.index('<h2 id="then-and-now"')
    generated = html.index('<div class="wt-then-now">')
    prose = html.index("Our own words on what changed in design.")
    assert heading < generated < prose  # the summary first, then our prose
    summary = html[generated:prose]
    assert "of this chapter's 4 excerpts" in summary
    assert "1 changed, 1 moved, 1 gone, 1 not tracked." in summary
    assert 'href="#changed"' in summary  # the largest change links to its card
    second = (site / "second" / "index.html").read_text()
    assert second.count('id="then-and-now"') == 1  # a chapter without its own section gets one
    assert "1 same." in second


def test_a_missing_today_release_never_breaks_the_site(fake_upstream: Callable[..., SourceTree], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    code, site = _build(fake_upstream, tmp_path, monkeypatch, unimported=("moved@v1.0.0",))
    assert code == 0  # --strict passes
    html = (site / "fake" / "index.html").read_text()
    assert html.count('data-status="not imported"') == 3  # the declared untracked one needs no sources
    assert "<code>walkthrough sources fetch --all</code>" in html
    assert "Today's releases are not imported" in html


def test_tampered_today_sources_are_refused(fake_upstream: Callable[..., SourceTree], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """As the pinned ones are: the build stops with exit 3, naming the file and the command that repairs it."""
    tree = fake_upstream(OLD, today=HOSTILE, moves=MOVES)
    (entry,) = (tree.root.parents[1]).glob("moved@v1.0.0-*")
    path = entry / "tree" / "pkg" / "new" / "new.go"
    path.chmod(0o644)
    path.write_text(path.read_text().replace("ToUpper", "ToLower"))
    code, _ = _build(fake_upstream, tmp_path, monkeypatch)
    assert code == 3
    err = capsys.readouterr().err
    assert "moved@v1.0.0: pkg/new/new.go in the cache was modified after import" in err
    assert "walkthrough sources fetch moved@v1.0.0 --force" in err


def test_a_declared_successor_is_named_so(fake_upstream: Callable[..., SourceTree], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A declared strip says who named it (our reason as its title); one the search found says it found it."""
    code, site = _build(fake_upstream, tmp_path, monkeypatch,
                        successors={"pkg/old.Removed": ("moved@v1.0.0:pkg/new.Unrelated", "a sum now <b>")})
    assert code == 0
    html = (site / "fake" / "index.html").read_text()
    strip = html[html.index('id="pkg-old-Removed-today"'):]
    strip = strip[:strip.index('<div class="wt-go">')]
    assert 'data-status="renamed"' in html[html.index('id="pkg-old-Removed-today"') - 200:][:400]
    assert '<span class="wt-today-via" title="a sum now &lt;b&gt;">(named by the walkthrough)</span>' in strip
    assert "found by similarity" not in strip


def test_a_declared_successor_that_is_not_there_fails_strict(fake_upstream: Callable[..., SourceTree],
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    code, _ = _build(fake_upstream, tmp_path, monkeypatch,
                     successors={"pkg/old.Removed": ("moved@v1.0.0:pkg/new.Nowhere", "a typo")})
    assert code != 0
    assert "snapshots/upstreams.toml:" in caplog.text
    assert "moved@v1.0.0:pkg/new.Nowhere is not in today's index" in caplog.text
