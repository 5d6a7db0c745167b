"""The mkdocs plugin: thin hooks around `walkthrough.site.SiteModel`. No parsing, no fetching.

Written against the MkDocs 1.x plugin API (`mkdocs>=1.6,<2`); ProperDocs, the maintained fork of 1.x,
loads the same `mkdocs.plugins` entry point and runs it unchanged. All rendering lives in our own core
(`walkthrough.html`, `walkthrough.site`), so the generator and the theme stay replaceable.

Hooks, in build order:

- `on_config`: read our options, add our stylesheet.
- `on_files`: expand every chapter's directives against the (loaded, never built) index, plan link
  targets, add generated pages (symbol index and "About the sources" in the navigation; symbol pages and
  Python model pages not) and our assets.
- `on_page_markdown`: replace each directive block by a placeholder, so upstream text never meets Markdown.
- `on_page_content`: swap placeholders for rendered cards, add "see also", resolve `wt-sym:`/`wt-page:` links.
- `on_env`, `on_nav`: keep the theme's environment and the navigation for the frame of symbol pages.
- `on_post_build`: render that frame once, write the symbol pages `SiteModel` assembles into it, and add
  them to the search index.

Content problems (unknown symbol, vanished anchor, missing Python pair, broken link) are warnings naming
`chapter.md:line` and the symbol, so `mkdocs build --strict` fails; missing sources are a `PluginError`.
"""

from __future__ import annotations

import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from walkthrough.book.runs import Runner
from walkthrough.errors import WalkthroughError
from walkthrough.html.frame import depth_of
from walkthrough.paths import project_root as find_project_root
from walkthrough.site import SYMBOLS_DIR
from walkthrough.store import FragmentStore
from walkthrough.text import visible

if TYPE_CHECKING:
    from markupsafe import Markup
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

    from walkthrough.check.today import TodayFinder
    from walkthrough.html.frame import Frame
    from walkthrough.index.protocol import IndexFor
    from walkthrough.site import SiteModel

log = get_plugin_logger(__name__)

ASSETS = ("walkthrough.css", "walkthrough-today.css", "walkthrough.js")
ASSETS_DIR = "assets/walkthrough"
FRAME_PAGE = "frame.md"
"""The page the theme renders once for the symbol pages' frame (never written itself)."""


_ID = re.compile(r'\sid="([^"]+)"')
"""An element id in our own fragments (ids are ours, never upstream text)."""

def _markdown_key(config: MkDocsConfig) -> str:
    """All that shapes our Markdown's HTML besides its text: extensions, their settings and versions, our code."""
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    from walkthrough.site import render_version  # noqa: PLC0415

    def name(obj: Any) -> str:  # functions and objects in settings (a fence's formatter) by name, not address
        return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', type(obj).__qualname__)}"

    versions = []
    for package in ("markdown", "pymdown-extensions"):
        try:
            versions.append(version(package))
        except PackageNotFoundError:
            versions.append("")
    settings = json.dumps([config.markdown_extensions, config.mdx_configs], sort_keys=True, default=name)
    return f"markdown|{render_version()}|{versions}|{settings}"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _add_to_search(index_file: Path, entries: list[dict[str, str]]) -> None:
    """Append entries (location, title, text) to Material's search index, if the search plugin wrote one."""
    try:
        data = json.loads(index_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    data.setdefault("docs", []).extend(entries)
    index_file.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")


class WalkthroughConfig(base.Config):
    """Options of the `walkthrough` plugin in `mkdocs.yml`."""

    project = c.Optional(c.Type(str))
    """The checkout holding `snapshots/` (default: found from mkdocs.yml's folder, or $WALKTHROUGH_PROJECT)."""
    symbol_pages = c.Type(bool, default=True)
    """Generate a page for every link target no chapter quotes (else such links go upstream)."""


def default_index_for(project: Path) -> IndexFor:  # noqa: ARG001 - IndexFor's signature; the cache is global
    """Upstream name → its persisted index, loaded once per build (never parsed here)."""
    from walkthrough.index.reader import load_index  # noqa: PLC0415 - only the build needs the index

    loaded: dict[str, Any] = {}

    def index_for(name: str) -> Any:
        if name not in loaded:
            loaded[name] = load_index(name)
        return loaded[name]

    return index_for


def today_sources(project: Path, index_for: IndexFor) -> tuple[TodayFinder | None, dict[str, str]]:
    """The finder of the cards' Today strips and the titles of today's releases (None, {} when none are pinned)."""
    from walkthrough.check import strips  # noqa: PLC0415 - only a build with today's releases needs it

    pins = strips.project_pins(project)
    if pins is None or not strips.current_releases(pins):
        return None, {}
    titles = {r.spec: r.label for u in pins.values() for r in u.today}
    return strips.finder_for(pins, index_for), titles


class WalkthroughPlugin(BasePlugin[WalkthroughConfig]):
    """Expands excerpt directives into cards and generates the symbol and source pages."""

    supports_multiple_instances = False
    index_factory = staticmethod(default_index_for)
    """How the plugin gets indexes; tests swap in a fake."""

    def __init__(self) -> None:
        self.site: SiteModel | None = None
        self._blocks: dict[str, dict[str, Markup]] = {}
        self._project = Path()
        self._files = Files([])
        self._env: Any = None
        self._nav: Any = None
        self._store: FragmentStore | None = None
        self._search_views: dict[str, str] = {}
        self._full_views: dict[str, str] = {}
        self._runner: Runner | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Find the project root and add our stylesheets."""
        if self.config.project:
            self._project = Path(self.config.project)
            if not self._project.is_absolute():
                self._project = Path(config.config_file_path).parent / self._project
        else:
            self._project = find_project_root(Path(config.config_file_path).parent)
        for name in ASSETS:
            href = f"{ASSETS_DIR}/{name}"
            listed = config.extra_css if name.endswith(".css") else config.extra_javascript
            if href not in listed:
                listed.append(href)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Plan the site from the chapters; add the generated pages and the assets."""
        import markdown  # noqa: PLC0415

        from walkthrough.site import SiteModel  # noqa: PLC0415

        md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
        self._store = FragmentStore.open()
        store, md_key = self._store, _markdown_key(config)

        def render_md(text: str) -> str:
            """Our Markdown (captions, notes) → HTML, through the fragment store: same text, same settings."""
            key = hashlib.sha256(repr((md_key, text)).encode()).hexdigest()
            hit = store.get(key) if store is not None else None
            if hit is not None:
                return hit
            md.reset()
            html = md.convert(text)
            if store is not None:
                store[key] = html
            return html

        self._close_runner()
        self._runner = Runner(self._project)
        index_for = self.index_factory(self._project)
        try:
            today, titles = today_sources(self._project, index_for)
        except WalkthroughError as exc:  # unreadable pins: the same error every other step would meet
            raise PluginError(f"walkthrough: {exc}") from None
        site = SiteModel(
            index_for, self._project, render_md, store=self._store, symbol_pages=self.config.symbol_pages,
            runner=self._runner, today=today, today_titles=titles,
        )
        try:
            for file in files.documentation_pages():
                if not file.generated_by:
                    site.add_chapter(file.src_uri, file.content_string)
            site.plan()
            if today is not None:  # a declared successor that cannot be fails --strict, as in `check`
                from walkthrough.check.strips import declared_problems  # noqa: PLC0415 - today's releases only

                site.problems += declared_problems(today)
        except WalkthroughError as exc:  # sources missing or an unreadable index: nothing sensible to build
            raise PluginError(f"walkthrough: {exc}") from None
        for src_uri, content, in_nav in site.generated_pages():
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(f"walkthrough: {src_uri} is generated; remove it from the docs directory")
            inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, src_uri, content=content, inclusion=inclusion))
        for name in ASSETS:
            data = resources.files("walkthrough").joinpath("assets", name).read_bytes()
            files.append(File.generated(config, f"{ASSETS_DIR}/{name}", content=data))
        self.site = site
        self._files = files

        def file_url(uri: str) -> str | None:
            file = files.get_file_from_path(uri)
            return file.url if file is not None else None

        site.file_urls = file_url
        site.use_directory_urls = config.use_directory_urls
        self._report()
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Replace each directive by a placeholder; the excerpt HTML is swapped in after Markdown."""
        site = self._site()
        src_uri = page.file.src_uri
        if src_uri in site.chapters:
            markdown, blocks = site.chapter_markdown(src_uri, markdown)
        else:
            try:
                blocks = site.generated_html(src_uri, self._about())
            except WalkthroughError as exc:
                raise PluginError(f"walkthrough: {src_uri}: {exc}") from None
        self._blocks[src_uri] = blocks
        self._report()
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Swap the placeholders for the rendered excerpts, then resolve the links."""
        from walkthrough.site import swap_placeholders  # noqa: PLC0415

        site = self._site()
        src_uri = page.file.src_uri
        blocks = self._blocks.pop(src_uri, {})
        search_blocks = {t: site.search_blocks[t] for t in blocks if t in site.search_blocks}
        if search_blocks:
            self._search_views[src_uri] = swap_placeholders(html, search_blocks)[0]
        html, missing = swap_placeholders(html, blocks)
        if page.present_anchor_ids is not None:  # so mkdocs' anchor validation knows the cards' ids
            page.present_anchor_ids.update(_ID.findall("".join(blocks.values())))
        for token in missing:
            log.warning("%s: an excerpt block vanished from the page (%s); is it inside an HTML block?", src_uri, token)
        if src_uri in site.chapters:
            html = site.then_and_now(src_uri, html)
            self._report()
            html += str(site.see_also(src_uri))
        return self._resolve(src_uri, page.file.url, html)

    @event_priority(100)
    def _search_view(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        """Before the search plugin: show it each card as plain text (same words, a fraction of the tags).

        Material's search parses the HTML of every page, tag by tag; the cards' markup (a span per token and
        line) would make that the slowest part of the build. The page itself keeps the full cards.
        """
        light = self._search_views.get(page.file.src_uri)
        if light is not None:
            self._full_views[page.file.src_uri] = page.content or ""
            page.content = light
        return context

    @event_priority(-100)
    def _full_view(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        """After the search plugin: the page gets its full cards back before the theme renders it."""
        full = self._full_views.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full
        return context

    on_page_context = CombinedEvent(_search_view, _full_view)

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Keep the theme's template environment: symbol pages get its frame."""
        self._env = env
        return env

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Keep the navigation: the frame of symbol pages shows it."""
        self._nav = nav
        return nav

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the symbol pages (the theme's frame around each body) and add them to the search index."""
        site = self._site()
        site_dir = Path(config.site_dir)
        frame = self._frame(config)
        with ThreadPoolExecutor(max_workers=4) as writers:  # file system calls overlap; the pages stay the same
            writes = [writers.submit(_write, site_dir / out, page) for out, page in site.symbol_pages_html(frame)]
            writes += [writers.submit(_write, site_dir / out, data) for out, data in site.previews().items()]
            for done in writes:
                done.result()
        _add_to_search(site_dir / "search" / "search_index.json", site.search_entries())
        self._report()
        self._close_runner()
        self._close_store()

    def _frame(self, config: MkDocsConfig) -> Frame:
        """The theme's page around the title and body markers, rendered once (as a page two folders down)."""
        from mkdocs.commands.build import get_context  # noqa: PLC0415
        from mkdocs.structure.pages import Page  # noqa: PLC0415

        from walkthrough.html.frame import BODY, TITLE, Frame  # noqa: PLC0415

        file = File.generated(config, f"{SYMBOLS_DIR}/{FRAME_PAGE}", content="")
        page = Page(TITLE, file, config)
        page.content = BODY
        context = get_context(self._nav, self._files, config, page)
        html = self._env.get_template("main.html").render(context)
        return Frame(html, depth_of(file.url))

    def on_build_error(self, *, error: Exception) -> None:
        """Close the fragment store and stop the runs even when the build fails."""
        self._close_store()
        self._close_runner()

    def _resolve(self, src_uri: str, page_url: str, html: str) -> str:
        """Turn `wt-sym:`/`wt-page:` links of one page into relative URLs; warn about those going nowhere."""
        html, unresolved = self._site().resolve_links(src_uri, page_url, html)
        for target in unresolved:
            log.warning("%s: link target %s does not exist on this site", src_uri, target)
        return html

    def _close_runner(self) -> None:
        if self._runner is not None:
            self._runner.close()
            self._runner = None

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def _about(self) -> list[Any]:
        from walkthrough.site import upstream_facts  # noqa: PLC0415

        return upstream_facts(self._project)

    def _site(self) -> SiteModel:
        if self.site is None:
            raise PluginError("walkthrough: on_files did not run (is the plugin enabled in mkdocs.yml?)")
        return self.site

    def _report(self) -> None:
        """Log each collected problem once, as a warning (so `--strict` fails), naming chapter:line and symbol."""
        site = self._site()
        for problem in site.problems:
            log.warning("%s", visible(str(problem)))  # chapter and run text: hidden characters shown
        site.problems.clear()
