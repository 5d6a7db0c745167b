"""Crawl the built site in Debian's headless Chromium: no broken internal link, no console error, exact round trip.

Drives `/usr/bin/chromium` through playwright (never a downloaded browser) against the site served on
loopback. Screenshots of a chapter at 1400 px and 420 px go to `$WALKTHROUGH_SCREENSHOTS` (else tmp).
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urlparse

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import sitefake
from fakeupstream import make_fake_upstream

from walkthrough import paths

if TYPE_CHECKING:
    from collections.abc import Iterator

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser

# Text of each Go line of each card, hidden-character markers mapped back to their characters.
CARD_LINES_JS = """
() => Array.from(document.querySelectorAll('section.wt-card[data-symbol]')).map(card => ({
  symbol: card.dataset.symbol, path: card.dataset.path,
  lines: Array.from(card.querySelectorAll('pre[data-lang="go"] .wt-line')).map(line => {
    const src = line.querySelector('.wt-src').cloneNode(true);
    src.querySelectorAll('.wt-ctrl').forEach(m => m.replaceWith(String.fromCodePoint(parseInt(m.dataset.cp, 16))));
    return [Number(line.dataset.line), src.textContent];
  }),
}))
"""


def _playwright() -> Any:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    return sync_playwright


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        return


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """Build the fake site once and serve it on 127.0.0.1 (an ephemeral port)."""
    sync_playwright = _playwright()
    tmp = tmp_path_factory.mktemp("browser")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "_cache_override", None)
        mp.setenv(paths.PROJECT_ENV, str(tmp / "project"))
        mp.setenv(paths.CACHE_ENV, str(tmp / "cache"))
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        tree = make_fake_upstream(tmp, sitefake.FILES, activate=False)
        root = tmp / "project"
        sitefake.add_path(mp, sitefake.write_site(root))
        sitefake.use_fake_index(mp, sitefake.SiteIndex(tree.pin, {p: tree.read(p) for p in tree.paths()}))
        site = sitefake.build(root, strict=True)
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                yield f"http://127.0.0.1:{server.server_address[1]}/", (browser, tree)
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()


def test_crawl_finds_no_broken_link_no_console_error_and_exact_excerpts(served: tuple[str, Any]) -> None:
    base, (browser, tree) = served
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"{page.url}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    bad_responses: list[str] = []
    page.on("response", lambda r: bad_responses.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    # ERR_ABORTED is the crawl itself moving on while a worker or icon still loads: not a broken link.
    page.on("requestfailed", lambda r: None if "ERR_ABORTED" in (r.failure or "") else bad_responses.append(
        f"failed {r.url}: {r.failure}"))

    seen: set[str] = set()
    fragments: list[tuple[str, str, str]] = []
    ids: dict[str, set[str]] = {}
    queue = [base]
    lines_checked = 0
    upstream_lines = tree.read("pkg/evil/evil.go").decode().split("\n")
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url, wait_until="load")
        assert response is not None, url
        assert response.ok, f"{url}: {response.status}"
        for card in page.evaluate(CARD_LINES_JS):
            assert card["lines"], f"{url}: card {card['symbol']} shows no lines"
            for number, text in card["lines"]:
                assert text == upstream_lines[number - 1], f"{url} {card['symbol']} line {number}"
                lines_checked += 1
        ids[url] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        hrefs = page.eval_on_selector_all(  # getAttribute: SVG links have no string `.href`
            "a[href]", "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"
        )
        for href in hrefs:
            target, fragment = urldefrag(href)
            if urlparse(href).scheme in ("http", "https") and href.startswith(base):
                if fragment:
                    fragments.append((url, target, fragment))
                if target not in seen:
                    queue.append(target)
            else:
                assert urlparse(href).scheme in ("http", "https", "mailto"), f"{url}: odd link {href}"
    for source, target, fragment in fragments:
        assert unquote(fragment) in ids[target], f"{source}: link to {target}#{fragment} has no such anchor"
    page.close()
    assert not errors, errors
    assert not bad_responses, bad_responses
    assert len(seen) >= 8
    assert lines_checked >= 20


def test_screenshots_wide_and_narrow(served: tuple[str, Any], tmp_path: Path) -> None:
    base, (browser, _) = served
    out = Path(os.environ.get("WALKTHROUGH_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    for width in (1400, 420):
        page = browser.new_page(viewport={"width": width, "height": 1000})
        page.goto(base + "evil/", wait_until="load")
        # Go first at every width; the model is one click away, under it.
        assert page.is_visible("#render .wt-go")
        assert not page.is_visible("#render .wt-model pre")
        page.click("#render .wt-model > summary")
        assert page.is_visible("#render .wt-model pre")
        assert page.is_visible("#render .wt-go")
        page.screenshot(path=str(out / f"chapter-{width}.png"), full_page=True)
        page.close()
    assert (out / "chapter-1400.png").stat().st_size > 0
