"""The real site, built from the pinned Kubernetes and Docker sources: links, round trip, permalinks, browser.

Issue 5's "done when" over the site readers get, not a fake: one strict build per module into a temp dir
(never the checkout's `site/`), then a static check of every link and anchor of every page, the round
trip of every excerpt card against the upstream bytes (read through the verified cache), the permalinks
of every chapter card, and a crawl in Debian's headless Chromium (playwright with `executable_path`,
never a downloaded browser) with the network cut off outside loopback.
"""

from __future__ import annotations

import functools
import http.server
import posixpath
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urlparse

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import sitefake
from test_site_browser import ARGS, CARD_LINES_JS, CHROMIUM, _playwright, _Quiet

from walkthrough import paths
from walkthrough.sources import SourceTree, open_tree

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = [pytest.mark.upstream, pytest.mark.browser]

PROJECT = Path(__file__).resolve().parents[1]
SYMBOL_SAMPLE = 20
"""How many symbol pages the browser loads (evenly spread over the sorted links to them)."""

_LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')
_CARD = re.compile(r'<section class="wt-card[ "][^>]*>')
_CARD_ATTR = re.compile(r'\s(data-symbol|data-path|data-start|data-end|id)="([^"]*)"')
_PERMALINK = re.compile(r'<a class="wt-permalink" href="([^"]*)"')
_DIRECTIVE = re.compile(r"^/// excerpt \|", re.MULTILINE)
# Only loopback is reachable: anything else fails fast inside Chromium and shows up as a failed request.
_OFFLINE = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


@dataclass(frozen=True)
class RealSite:
    """The built site and the trees its excerpts quote."""

    root: Path
    trees: dict[str, SourceTree]
    pages: dict[str, str]
    """Site-relative path of every HTML file → its text."""

    upstream_lines: dict[tuple[str, str], list[str]] = field(default_factory=dict, repr=False)
    """(upstream, path) → lines, filled by `lines_of`."""

    def tree(self, upstream: str) -> SourceTree:
        """The verified tree of an upstream (one a chapter quotes beyond the two fixtures is opened on demand)."""
        if upstream not in self.trees:
            self.trees[upstream] = open_tree(upstream)
        return self.trees[upstream]

    def lines_of(self, upstream: str, path: str) -> list[str]:
        r"""The upstream file as lines (`\n`-split, like the cards number them), read once per file."""
        key = (upstream, path)
        if key not in self.upstream_lines:
            self.upstream_lines[key] = self.tree(upstream).read(path).decode("utf-8").split("\n")
        return self.upstream_lines[key]


@pytest.fixture(scope="module")
def real_site(
    k8s_tree: SourceTree, docker_tree: SourceTree, tmp_path_factory: pytest.TempPathFactory
) -> RealSite:
    """One strict build of the checkout's mkdocs.yml, written to a temp dir, shared by this module's tests."""
    site = tmp_path_factory.mktemp("real") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "_cache_override", None)
        mp.setenv(paths.PROJECT_ENV, str(PROJECT))
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        sitefake.build(PROJECT, strict=True, site_dir=site)
    pages = {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))
    }
    trees = {k8s_tree.pin.name: k8s_tree, docker_tree.pin.name: docker_tree}
    return RealSite(site, trees, pages)


def _chapters() -> dict[str, str]:
    """Chapter source name → the site page it becomes (`index.md` is the home page)."""
    out = {}
    for src in sorted((PROJECT / "chapters").glob("*.md")):
        out[src.name] = "index.html" if src.stem == "index" else f"{src.stem}/index.html"
    return out


def _target(page: str, href: str) -> tuple[str, str] | None:
    """(site-relative file, fragment) an internal link of `page` points at; None for an external link."""
    parsed = urlparse(href)
    if parsed.scheme or parsed.netloc:
        return None
    path, fragment = unquote(parsed.path), unquote(parsed.fragment)
    if not path:
        return page, fragment
    base = "" if path.startswith("/") else posixpath.dirname(page)
    joined = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
    if joined.startswith(".."):
        return f"<outside the site>/{joined}", fragment
    if path.endswith("/") or joined == ".":
        joined = posixpath.join("" if joined == "." else joined, "index.html")
    return joined, fragment


def test_every_internal_link_and_anchor_resolves(real_site: RealSite) -> None:
    site, pages = real_site.root, real_site.pages
    ids = {name: set(_ID.findall(text)) for name, text in pages.items()}
    broken: list[str] = []
    checked = 0
    for name, text in pages.items():
        for href in _LINK.findall(text):
            scheme = urlparse(href).scheme
            assert scheme in ("", "http", "https", "mailto"), f"{name}: odd link {href}"
            found = _target(name, href)
            if found is None:
                continue
            checked += 1
            target, fragment = found
            if target not in pages and (site / target).is_dir():
                target = posixpath.join(target, "index.html")
            if target not in pages and not (site / target).is_file():
                broken.append(f"{name}: {href} → no file {target}")
            elif fragment and fragment not in ids.get(target, ()):
                broken.append(f"{name}: {href} → no id {fragment!r} in {target}")
    assert not broken, f"{len(broken)} broken links, first: {broken[:10]}"
    assert checked > 20_000
    assert len(pages) > 1000


def test_every_card_round_trips_to_the_upstream_bytes(real_site: RealSite) -> None:
    cards = lines = 0
    for name, text in real_site.pages.items():
        assert "wt-card-error" not in text, f"{name}: an excerpt failed to render"
        found = sitefake.card_texts(text)
        assert len(found) == len(_CARD.findall(text)), f"{name}: a card the text parser did not see"
        for card in found:
            upstream = card["symbol"].partition(":")[0]
            upstream_lines = real_site.lines_of(upstream, card["path"])
            shown = card["lines"]
            assert shown, f"{name}: card {card['id']} shows no lines"
            assert set(shown) <= set(range(card["start"], card["end"] + 1)), (
                f"{name}: {card['id']} outside its span"
            )
            for number, line in shown.items():
                assert line == upstream_lines[number - 1], f"{name}: {card['id']} line {number}"
            if len(shown) == card["end"] - card["start"] + 1:  # whole: joined, the span's bytes
                whole = "\n".join(shown[n] for n in range(card["start"], card["end"] + 1))
                assert whole == "\n".join(upstream_lines[card["start"] - 1 : card["end"]])
            cards += 1
            lines += len(shown)
    assert cards > 1000
    assert lines > 10_000


def test_chapter_cards_link_to_the_pinned_upstream_lines(real_site: RealSite) -> None:
    for source, page in _chapters().items():
        text = real_site.pages[page]
        directives = len(_DIRECTIVE.findall((PROJECT / "chapters" / source).read_text(encoding="utf-8")))
        heads = _CARD.findall(text)
        assert len(heads) == directives, f"{page}: {len(heads)} cards for {directives} excerpt directives"
        permalinks = _PERMALINK.findall(text)
        assert len(permalinks) == len(heads), f"{page}: a card without its permalink"
        for head, permalink in zip(heads, permalinks, strict=True):
            attrs = dict(_CARD_ATTR.findall(head))
            tree = real_site.tree(attrs["data-symbol"].partition(":")[0])
            start, end = int(attrs["data-start"]), int(attrs["data-end"])
            expected = tree.pin.permalink(attrs["data-path"], start, end)
            assert permalink == expected, f"{page}: card {attrs['id']}"
            assert re.fullmatch(
                r"https://github\.com/[\w.-]+/[\w.-]+/blob/[0-9a-f]{40}/\S+#L\d+(-L\d+)?", permalink
            )
            assert f"/blob/{tree.pin.commit}/" in permalink
    authn = real_site.pages["k8s-authenticator/index.html"]
    assert (
        "wt-has-model" in authn
    )
    assert (
        '<figure class="wt-diagram"><svg' in real_site.pages["request-path/index.html"]
    )


@pytest.fixture(scope="module")
def browser(real_site: RealSite) -> Iterator[tuple[str, Any]]:
    """The real site on 127.0.0.1 (ephemeral port) and one headless Chromium that can reach nothing else."""
    sync_playwright = _playwright()
    handler = functools.partial(_Quiet, directory=str(real_site.root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS + _OFFLINE)
            try:
                yield f"http://127.0.0.1:{server.server_address[1]}/", chromium
            finally:
                chromium.close()
    finally:
        server.shutdown()
        server.server_close()


def test_chromium_crawl_has_no_console_error_nor_failed_request(real_site: RealSite, browser: Any) -> None:
    base, chromium = browser
    page = chromium.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"{page.url}: console {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
    page.on(
        "response", lambda r: problems.append(f"{page.url}: {r.status} {r.url}") if r.status >= 400 else None
    )
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((base, "data:"))
            else problems.append(f"{page.url}: request leaves the site: {r.url}")
        ),
    )
    # ERR_ABORTED is the crawl moving on while the search worker or an icon still loads: not a broken link.
    page.on(
        "requestfailed",
        lambda r: (
            None
            if "ERR_ABORTED" in (r.failure or "")
            else problems.append(f"{page.url}: failed {r.url}: {r.failure}")
        ),
    )

    def visit(url: str) -> list[str]:
        response = page.goto(url, wait_until="load")
        assert response is not None, url
        assert response.ok, f"{url}: {response.status}"
        for card in page.evaluate(CARD_LINES_JS):  # the round trip again, as the browser's DOM reads it
            upstream_lines = real_site.lines_of(card["symbol"].partition(":")[0], card["path"])
            assert card["lines"], f"{url}: card {card['symbol']} shows no lines"
            for number, text in card["lines"]:
                assert text == upstream_lines[number - 1], f"{url}: {card['symbol']} line {number}"
        hrefs = page.eval_on_selector_all(  # getAttribute: SVG links have no string `.href`
            "a[href]", "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"
        )
        return [urldefrag(h)[0] for h in hrefs if h.startswith(base)]

    seen: set[str] = set()
    symbol_links: set[str] = set()
    queue = [base]
    while queue:  # home, chapters, symbol index, about: following links from home
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        for link in visit(url):
            if link.startswith(base + "symbols/") and link != base + "symbols/":
                symbol_links.add(link)
            elif link not in seen and not link.startswith(base + "models/"):  # models: the static check's
                queue.append(link)
    ordered = sorted(symbol_links)
    sample = ordered[:: max(1, len(ordered) // SYMBOL_SAMPLE)][:SYMBOL_SAMPLE]
    for url in sample:
        visit(url)
        seen.add(url)
    page.close()
    expected = {base + page.removesuffix("index.html") for page in _chapters().values()}
    expected |= {base + "symbols/", base + "about-sources/"}
    assert expected <= seen, f"never reached: {sorted(expected - seen)}"
    assert len(sample) == SYMBOL_SAMPLE
    assert not problems, problems[:20]


NOTE_MARKS_JS = """() => Array.from(document.querySelectorAll('.wt-note-mark')).map(m => {
  const s = getComputedStyle(m), r = m.getBoundingClientRect();
  return [s.visibility, s.display, r.width, r.height, m.getAttribute('href')];
})"""
CUT_JS = """() => { let total = 0, cut = 0;
  for (const pre of document.querySelectorAll('.wt-card pre[data-lang="go"]')) {
    const right = pre.getBoundingClientRect().right;
    for (const src of pre.querySelectorAll('.wt-line > .wt-src')) {
      total++; if (src.getBoundingClientRect().right > right + 0.5) cut++;
    }
  }
  return [total, cut]; }"""
DIAGRAM_LINKS_JS = """() => Array.from(document.querySelectorAll('figure.wt-diagram a')).map(
  a => new URL(a.getAttribute('href'), document.baseURI).href)"""


def _reading_chapters() -> list[str]:
    """The chapters a reader reads: every chapter with excerpts, and the path of a request."""
    return [
        src.stem for src in sorted((PROJECT / "chapters").glob("*.md"))
        if src.name == "request-path.md" or _DIRECTIVE.search(src.read_text(encoding="utf-8"))
    ]


def test_chapters_as_a_reader_sees_them(real_site: RealSite, browser: Any) -> None:
    """Issue 14's "done when": notes visible at their lines, Go at the reading width, a picture, prev/next."""
    base, chromium = browser
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    total = cut = marks = 0
    chapters = _reading_chapters()
    assert len(chapters) >= 11
    for chapter in chapters:
        url = f"{base}{chapter}/"
        assert page.goto(url, wait_until="load").ok
        for visibility, display, width, height, href in page.evaluate(NOTE_MARKS_JS):
            assert (visibility, display != "none", width > 0, height > 0) == ("visible", True, True, True), (
                f"{url}: note mark {href} is not visible"
            )
            assert page.locator(f"[id='{href[1:]}']").count() == 1, f"{url}: {href} leads nowhere"
            marks += 1
        t, c = page.evaluate(CUT_JS)
        total, cut = total + t, cut + c
        links = page.evaluate(DIAGRAM_LINKS_JS)
        assert links, f"{url}: no diagram with linked boxes"
        for link in links:
            target, fragment = urldefrag(link)
            if target.startswith(base):
                name = target[len(base):]
                name = name + "index.html" if name.endswith("/") or not name else name
                assert name in real_site.pages, f"{url}: a diagram box links to a missing page {link}"
                if fragment:
                    assert f'id="{fragment}"' in real_site.pages[name], f"{url}: no anchor for {link}"
        assert page.locator("a.md-footer__link--prev").count() == 1, f"{url}: no previous-chapter link"
        assert page.locator("a.md-footer__link--next").count() == 1, f"{url}: no next-chapter link"
    page.close()
    assert marks > 400
    assert total > 5000
    assert cut / total <= 0.05, f"{cut} of {total} Go lines need horizontal scrolling at 1400 px"
    assert not errors, errors[:10]


def test_packages_have_pages_and_qualifiers_link_to_them(real_site: RealSite) -> None:
    package = real_site.pages["symbols/kubernetes/pkg/api/index.html"]
    assert "Package api contains the latest" in package
    assert 'data-sym="kubernetes:pkg/api.Pod"' in package
    quota = real_site.pages["k8s-quota-evaluator/index.html"]
    assert '<a class="wt-ref" href="../symbols/kubernetes/pkg/api/" data-sym="kubernetes:pkg/api">api</a>' in quota
