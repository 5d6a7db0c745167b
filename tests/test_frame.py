"""The theme's frame around symbol pages: one rendered page, its relative URLs moved to each page's depth."""

from __future__ import annotations

import pytest

from walkthrough.html.frame import BODY, TITLE, Frame, depth_of, rebase

FRAME = (
    '<html><head><title>@@WT-TITLE@@ - site</title><link href="../../assets/main.css" rel="stylesheet">'
    '<script>__md_scope=new URL("../..",location)</script></head><body>'
    '<a href="../../k8s/">chapter</a> <a href="https://example.org/x">out</a> <a href="#top">top</a>'
    '<h1>@@WT-TITLE@@</h1><article>@@WT-BODY@@</article>'
    '<script id="__config">{"base": "../..", "search": "../../assets/search.js"}</script></body></html>'
)


def test_a_page_deeper_than_the_frame_climbs_further() -> None:
    page = Frame(FRAME, depth_of("symbols/frame/")).page("A<B>", "<p>body</p>", depth_of("symbols/k/pkg/X/"))
    assert '<link href="../../../../assets/main.css"' in page
    assert '<a href="../../../../k8s/">' in page
    assert 'new URL("../../../..",location)' in page
    assert '"base": "../../../.."' in page
    assert '"search": "../../../../assets/search.js"' in page
    assert 'href="https://example.org/x"' in page  # absolute links and fragments stay
    assert 'href="#top"' in page
    assert "<title>A&lt;B&gt; - site</title>" in page  # the title is escaped, in both places
    assert "<h1>A&lt;B&gt;</h1>" in page
    assert "<article><p>body</p></article>" in page
    assert TITLE not in page
    assert BODY not in page


def test_shallower_pages_and_impossible_moves() -> None:
    assert rebase('<a href="../../x/">', -1) == '<a href="../x/">'
    assert rebase('<a href="./">', 1) == '<a href="../">'
    with pytest.raises(ValueError, match="cannot move"):
        rebase('<a href="x/">', -1)
    with pytest.raises(ValueError, match="body marker"):
        Frame("<html></html>", 2)
