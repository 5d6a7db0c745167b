"""The site as a whole: chapter excerpts, link targets, generated pages. Pure: no mkdocs, no writes.

`SiteModel` collects every chapter's excerpts (through `walkthrough.book.directives`), decides where each
identifier links (the chapter excerpt covering the target, else a generated symbol page, else the upstream
permalink), and produces the generated pages (symbol pages, the symbol index, "About the sources", and one
page per paired Python module). The mkdocs plugin only feeds it files and asks for Markdown and HTML.

Generated Markdown holds nothing but a title and placeholders; every fragment is rendered by
`walkthrough.html` and swapped in after Markdown ran, so upstream text never passes through Markdown.
Symbol pages (often a thousand or more) skip mkdocs' page pipeline: their bodies come from
`symbol_page_body`, and `symbol_pages_html` puts each into one frame page the theme rendered once
(`walkthrough.html.frame`), so they have the site's navigation, search and palette at a string's cost.

Rendered fragments only hold page-independent `wt-sym:`/`wt-page:` links, so they can be cached (the
`store`, keyed by render version, index database and content) and reused by every rebuild.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import posixpath
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from markupsafe import Markup

from walkthrough.book.directives import RunDirective, scan
from walkthrough.book.excerpt import make_excerpt
from walkthrough.book.expand import expand_chapter
from walkthrough.book.pairs import PythonModel, load_python_model
from walkthrough.errors import InputError, ModelNotFound, SourcesError, WalkthroughError
from walkthrough.html.cards import Card, Renderer, RunBlock, SeeAlso, SymbolRef, UpstreamFacts, kind_label
from walkthrough.html.diagrams import diagram_svg, link_href, parse_diagram
from walkthrough.html.escape import escape_visible, stray_markdown
from walkthrough.html.frame import depth_of
from walkthrough.html.highlight import highlight_lines
from walkthrough.html.links import (
    PAGE_SCHEME,
    SYM_SCHEME,
    fix_refs,
    line_start_byte,
    links_from_uses,
    qualifier_links,
)
from walkthrough.models import Excerpt, Problem, Symbol, SymbolKind
from walkthrough.text import visible

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from walkthrough.book.directives import ChapterExcerpt, Directive
    from walkthrough.book.runs import Runner
    from walkthrough.check.today import Counterpart, TodayFinder
    from walkthrough.html.frame import Frame
    from walkthrough.index.protocol import IndexFor
    from walkthrough.store import FragmentCache

SYMBOLS_DIR = "symbols"
PACKAGE_PAGE = "index.md"
"""A package's page in its folder of symbol pages."""
SYMBOL_INDEX = "symbols.md"
ABOUT = "about-sources.md"
MODELS_DIR = "models"
MODELS_INDEX = "models.md"


def placeholder(page: str, n: int) -> str:
    """A token that survives Markdown untouched and is unique per page and block (deterministic)."""
    digest = hashlib.sha1(page.encode()).hexdigest()[:10]  # noqa: S324 - a name, not security
    return f"wtblock{digest}x{n:04d}"


def symbol_page_uri(symbol_id: str) -> str:
    """`kubernetes:pkg/apiserver.APIInstaller.Install` → `symbols/kubernetes/pkg/apiserver/APIInstaller.Install.md`."""
    upstream, _, rest = symbol_id.partition(":")
    pkgdir, _, name = rest.rpartition("/")
    head, _, tail = name.partition(".")
    pkg = f"{pkgdir}/{head}" if pkgdir else head
    if not tail:  # a package: the page its symbols' pages sit under (`symbols/kubernetes/pkg/api/`)
        return f"{SYMBOLS_DIR}/{re.sub(r'[^A-Za-z0-9_.@/-]', '_', f'{upstream}/{pkg}')}/{PACKAGE_PAGE}"
    safe = re.sub(r"[^A-Za-z0-9_.@/-]", "_", f"{upstream}/{pkg}/{tail}")
    return f"{SYMBOLS_DIR}/{safe}.md"


def model_page_uri(module: str) -> str:
    return f"{MODELS_DIR}/{module}.md"


def first_heading(text: str, fallback: str) -> str:
    """The chapter's `# Title` (our Markdown), else the file name: used before mkdocs knows page titles."""
    for line in text.splitlines():
        match = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
        if match:
            return re.sub(r"[`*_]", "", match.group(1))
    return fallback


@dataclass
class ChapterPage:
    """One chapter: its directives, resolved excerpts (None where a directive failed), and placeholders."""

    src_uri: str
    title: str
    text: str = ""
    """The chapter's source, as the directives' offsets count."""
    directives: list[Directive] = field(default_factory=list)
    resolved: list[ChapterExcerpt | None] = field(default_factory=list)
    runs: list[RunDirective] = field(default_factory=list)

    @property
    def excerpts(self) -> list[ChapterExcerpt]:
        return [r for r in self.resolved if r is not None]


@dataclass(frozen=True)
class Target:
    """Where a symbol id links: a docs page and fragment."""

    page: str
    fragment: str = ""


class SiteModel:
    """All chapters of one build, and everything derived from them.

    Args:
        index_for: upstream name → its index (loaded, never built here).
        project_root: the checkout (for Python model paths and the About page).
        markdown: renders our own Markdown (captions, notes) to HTML.
        store: a fragment cache (`key → HTML`); keys cover everything a fragment depends on.
        runner: runs the chapters' run blocks (None: a run block shows that nothing ran, and says so).
        today: finds each excerpt's counterpart in today's releases (the cards' Today strips), or None.
        today_titles: release spec → how the pins title it (`k8s.io/apiserver v0.36.3 (Kubernetes 1.36)`).
    """

    def __init__(
        self,
        index_for: IndexFor,
        project_root: Path,
        markdown: Callable[[str], str],
        renderer: Renderer | None = None,
        store: FragmentCache | None = None,
        *,
        symbol_pages: bool = True,
        runner: Runner | None = None,
        today: TodayFinder | None = None,
        today_titles: Mapping[str, str] | None = None,
    ) -> None:
        self.index_for = index_for
        self.runner = runner
        self.today = today
        self.today_titles = dict(today_titles or {})
        self._today: dict[tuple[str, str], Counterpart | None] = {}
        self.store = store
        """Rendered fragments by content key (persisted by the plugin), so a rebuild re-renders nothing unchanged."""
        self.make_symbol_pages = symbol_pages
        """False: identifiers no chapter quotes link to the upstream permalink instead of a page of their own."""
        self._models: dict[str, PythonModel | ModelNotFound] = {}
        self.project_root = project_root
        self.markdown = markdown
        self.renderer = renderer or Renderer()
        self.chapters: dict[str, ChapterPage] = {}
        self.problems: list[Problem] = []
        self.quoted: dict[str, Target] = {}
        """symbol id → the first chapter excerpt quoting it."""
        self.symbol_pages: dict[str, str] = {}
        """symbol id → generated page src_uri."""
        self.file_urls: Callable[[str], str | None] = lambda _uri: None
        """Docs file → its site URL (the generator's; the plugin sets it once the files are known)."""
        self.use_directory_urls = True
        """Pages as `name/` (else `name.html`), as the generator writes them."""
        self.model_pages: dict[str, str] = {}
        """Python module → generated page src_uri."""
        self._links: dict[tuple[str, int], tuple[Any, ...]] = {}
        self._spans: dict[tuple[str, str], list[tuple[int, int, tuple[tuple[int, int], ...], Target]]] = {}
        """(upstream, path) → line span, shown ranges and anchor of chapter excerpts in that file, in chapter order."""
        self.search_blocks: dict[str, Markup] = {}
        """placeholder → the card as the search index should see it: the same text, almost no markup."""
        self._cover_memo: dict[str, Target | None] = {}
        self._symbol_memo: dict[str, Symbol | None] = {}
        self._quoting_memo: dict[str, list[tuple[str, str, str, str]]] | None = None
        self._symbol_uris: set[str] = set()
        self._static_pairs: dict[str, list[str]] | None = None
        self._mentioned: dict[str, set[str]] = {}
        self._site_digest: str | None = None
        self._unavailable: dict[str, tuple[Directive, SourcesError]] = {}

    # -- collection ---------------------------------------------------------------------------------------------

    def add_chapter(self, src_uri: str, text: str) -> None:
        """Scan and expand one chapter; problems are collected with `chapter.md:line`, missing sources end the build."""
        # The site reads the models' source; `check` imports every pair (a model that fails to import).
        if self._static_pairs is None:
            from walkthrough.book.pairs import all_pairs  # noqa: PLC0415

            self._static_pairs = all_pairs()
        chapter = expand_chapter(text, src_uri, self.index_for, self._unavailable, static_pairs=self._static_pairs)
        self.problems.extend(chapter.problems)
        if chapter.unavailable:
            raise self._unavailable[chapter.unavailable[0].upstream][1]
        title = first_heading(text, Path(src_uri).stem)
        self.chapters[src_uri] = ChapterPage(src_uri, title, text, chapter.directives, chapter.resolved, chapter.runs)
        if self.runner is not None:  # the commands run while the other chapters are read
            for run in chapter.runs:
                self.runner.start(run.command, run.words)

    def plan(self) -> None:
        """After every chapter is in: who quotes what, where each identifier goes, which pages to generate."""
        for page in self.chapters.values():
            for ce in page.excerpts:
                sym = ce.excerpt.symbol
                target = Target(page.src_uri, ce.anchor_id)
                self.quoted.setdefault(sym.id, target)
                self._spans.setdefault((sym.upstream, sym.path), []).append(
                    (ce.excerpt.start_line, ce.excerpt.end_line, ce.excerpt.shown, target)
                )
        for page in self.chapters.values():
            for ce in page.excerpts:
                for link in self._links_of(ce.excerpt) if self.make_symbol_pages else ():
                    if self._covering(link.target) is None and link.target not in self.symbol_pages:
                        self.symbol_pages[link.target] = symbol_page_uri(link.target)
                if ce.excerpt.python:
                    module = ce.excerpt.python.partition(":")[0]
                    self.model_pages.setdefault(module, model_page_uri(module))
        self._dedupe_case()
        self._symbol_uris = set(self.symbol_pages.values())

    def _dedupe_case(self) -> None:
        """Two ids whose page names differ only in case (Go's `New` and `new`) get distinct file names."""
        seen: dict[str, str] = {}
        for sid in sorted(self.symbol_pages):
            uri = self.symbol_pages[sid]
            key = uri.lower()
            if key in seen:
                uri = uri[:-3] + "-" + hashlib.sha1(sid.encode()).hexdigest()[:6] + ".md"  # noqa: S324
                self.symbol_pages[sid] = uri
            seen[uri.lower()] = sid

    def _links_of(self, excerpt: Excerpt) -> tuple[Any, ...]:
        sym = excerpt.symbol
        key = (f"{sym.upstream}:{sym.path}", excerpt.start_line * 1_000_000 + excerpt.end_line)
        if key not in self._links:
            index = self.index_for(sym.upstream)
            data = index.text(sym.path)
            start = line_start_byte(data, excerpt.start_line)
            end = start + len(excerpt.text.encode())
            uses = index.uses(sym.path, start, end)
            links = links_from_uses(excerpt.text, start, uses)
            qualifiers = qualifier_links(excerpt.text, links, lambda target: self._other_package(target, sym))
            self._links[key] = tuple(sorted([*links, *qualifiers], key=lambda link: link.start))
        return self._links[key]

    def _other_package(self, target: str, here: Symbol) -> str | None:
        """The package id of `target` when it is a package-level symbol of another package than `here`'s."""
        sym = self._get(target)
        if sym is None or sym.receiver is not None or sym.kind.value in ("field", "method", "package"):
            return None
        if (sym.upstream, sym.pkgdir) == (here.upstream, here.pkgdir):
            return None
        return sym.id[: -len(sym.qualname) - 1]  # the symbol exists, so its package does

    def _covering(self, symbol_id: str) -> Target | None:
        """The chapter excerpt quoting `symbol_id`, or one whose lines contain its declaration."""
        if symbol_id in self.quoted:
            return self.quoted[symbol_id]
        if symbol_id not in self._cover_memo:
            self._cover_memo[symbol_id] = self._find_covering(symbol_id)
        return self._cover_memo[symbol_id]

    def _find_covering(self, symbol_id: str) -> Target | None:
        sym = self._get(symbol_id)
        if sym is None or sym.kind is SymbolKind.PACKAGE:  # no card quotes a whole package
            return None
        for first, last, shown, target in self._spans.get((sym.upstream, sym.path), ()):
            if first <= sym.start_line and sym.end_line <= last:
                if any(a <= sym.start_line <= b for a, b in shown or ((first, last),)):
                    return Target(target.page, f"{target.fragment}-L{sym.start_line}")
                return target  # its line is elided by the focus: the card itself
        return None

    # -- links ----------------------------------------------------------------------------------------------------

    def url_of_uri(self, uri: str) -> str | None:
        """Site URL of a docs file (as the generator placed it, `file_urls`) or of a symbol page (placed here)."""
        if uri in self._symbol_uris:
            return symbol_page_url(uri, use_directory_urls=self.use_directory_urls)[0]
        return self.file_urls(uri)

    def resolve_links(self, src_uri: str, page_url: str, html: str, *, fast: bool = False) -> tuple[str, list[str]]:
        """`wt-sym:`/`wt-page:` links of one page as relative URLs, and the targets that resolve nowhere.

        `fast` (the thousand symbol pages) climbs to the site root with `../` per level instead of
        computing the shortest relative path: longer URLs, same targets, a fraction of the time.
        """
        up = "../" * page_url.count("/")

        def url_of(from_page: str, to_page: str, fragment: str) -> str | None:
            target = self.url_of_uri(to_page)
            if target is None:
                return None
            if to_page == from_page:
                url = ""
            elif fast:
                url = up + target if target else up or "./"
            else:
                url = relative_url(target, page_url)
            return f"{url}#{fragment}" if fragment else (url or "#")

        return self.resolve_refs(src_uri, html, url_of)

    def target_of(self, symbol_id: str) -> Target | str | None:
        """Where `symbol_id` links: a Target in the site, else its upstream permalink, else None."""
        covering = self._covering(symbol_id)
        if covering is not None:
            return covering
        if symbol_id in self.symbol_pages:
            return Target(self.symbol_pages[symbol_id])
        sym = self._get(symbol_id)
        if sym is None:
            return None
        return self.index_for(sym.upstream).pin.permalink(sym.path, sym.start_line, sym.end_line)

    def resolve_refs(
        self, page: str, text: str, url_of: Callable[[str, str, str], str | None]
    ) -> tuple[str, list[str]]:
        """Rewrite `wt-sym:`/`wt-page:` links of a page; `url_of(from_page, to_page, fragment)` makes URLs."""

        def mapper(scheme: str, target: str) -> str | None:
            if scheme == PAGE_SCHEME:
                to, _, frag = target.partition("#")
                return url_of(page, to, frag)
            where = self.target_of(target)
            if isinstance(where, Target):
                return url_of(page, where.page, where.fragment)
            return where

        return fix_refs(text, mapper)

    # -- cards ----------------------------------------------------------------------------------------------------

    def _our_markdown(self, text: str, page: str) -> str:
        """Our Markdown (captions, notes) → HTML, with links to `other.md` made site links like the page's own."""

        def relink(match: re.Match[str]) -> str:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), match.group(1)))
            return f'href="{PAGE_SCHEME}{target}{match.group(2) or ""}"'

        return _MD_LINK.sub(relink, self.markdown(text))

    def card_html(self, ce: ChapterExcerpt, shown_models: dict[str, str] | None = None) -> Markup:
        """The card of one chapter excerpt; `shown_models` (model → anchor) holds the models shown above it.

        A model already shown on the page is not repeated: the card links to the first one instead.
        """
        ex = ce.excerpt
        page = ce.directive.file
        model = None
        first = None
        if ex.python:
            key = f"{ex.python}|{ex.symbol.id}"
            if key not in self._models:
                try:
                    self._models[key] = load_python_model(
                        ex.python, self.project_root, self.store, go_symbol=ex.symbol.id
                    )
                except ModelNotFound as exc:
                    self._models[key] = exc
            found = self._models[key]
            if isinstance(found, ModelNotFound):
                self.problems.append(Problem(ex.location or "?", str(found), symbol=ex.symbol.id))
            else:
                shown = f"{found.module}:{found.start_line}-{found.end_line}"
                first = (shown_models or {}).get(shown)
                if first is None:
                    model = found
                    if shown_models is not None:
                        shown_models[shown] = ce.anchor_id
        note_html = tuple(Markup(_inline(self._our_markdown(n.text, page))) for n in ex.notes)
        for note, html in zip(ex.notes, note_html, strict=True):
            stray = stray_markdown(html)
            if stray is not None:
                self.problems.append(Problem(
                    f"{page}:{ce.directive.line_of(note.anchor)}", f"a note renders with stray Markdown: {stray!r}",
                    symbol=ex.symbol.id, hint="check its backticks and emphasis (an empty `` opens a longer code span)",
                ))
        today = self.today_of(ce)
        today_html = Markup("")
        if today is not None:
            from walkthrough.html.today import strip_view  # noqa: PLC0415 - only builds with today's releases

            view = strip_view(today, ce.anchor_id, self.today_titles, self._releases_of(today.symbol),
                              self._permalink_of)
            today_html = self._cached(("today-strip", repr(view)), lambda: self.renderer.today_strip(view),
                                      ex.symbol.id)
        card = Card(
            excerpt=ex,
            anchor=ce.anchor_id,
            links=self._links_of(ex),
            caption_html=Markup(self._our_markdown(ex.caption, page)) if ex.caption.strip() else Markup(""),
            note_html=note_html,
            model=model,
            model_url=f"{PAGE_SCHEME}{model_page_uri(model.module)}#L{model.start_line}" if model else None,
            model_first=first,
            model_qualname=(ex.python or "").partition(":")[2],
            location=ex.location,
            today_html=today_html,
        )
        card_key = ("card", card.anchor, repr(ex), card.caption_html, card.note_html,
                    repr(model), card.model_url, card.model_first, card.links, card.today_html)
        return self._cached(card_key, lambda: self.renderer.card(card), ex.symbol.id)

    # -- then and now ---------------------------------------------------------------------------------------------

    def today_of(self, ce: ChapterExcerpt) -> Counterpart | None:
        """Where the excerpt's code lives in today's releases (None without today releases, or when refused).

        The finder's answer is kept in the store, keyed by the finder's version, the rules, every index it
        reads and the excerpt's text. Missing today releases make the strip say "not imported" and fail
        nothing; files that fail verification are refused as the pinned ones are (the VerificationError
        ends the build, exit 3).
        """
        if self.today is None:
            return None
        ex = ce.excerpt
        key = (ex.symbol.id, ex.text)
        if key in self._today:
            return self._today[key]
        from walkthrough.check.today import FINDER_VERSION, Counterpart, TodayStatus  # noqa: PLC0415

        finder = self.today.finder(ex.symbol.upstream)
        if finder is None or finder.missing:  # nothing to find, or "not imported" (known without a lookup)
            self._today[key] = finder.find(ex.symbol, ex.text) if finder is not None else None
            return self._today[key]
        specs = [ex.symbol.upstream, *finder.rules.releases]
        identities = [_index_identity(self.index_for, f"{spec}:") for spec in specs]
        digest = None
        if self.store is not None and None not in identities:
            digest = hashlib.sha256(
                repr(("today", FINDER_VERSION, finder.rules, identities, key)).encode()
            ).hexdigest()
            hit = self.store.get(digest)
            if hit is not None:
                data = json.loads(hit)
                self._today[key] = Counterpart(**{
                    **data, "status": TodayStatus(data["status"]),
                    "candidates": tuple((c, s) for c, s in data["candidates"]),
                })
                return self._today[key]
        found = self.today.find(ex.symbol, ex.text)
        if (found is not None and digest is not None and self.store is not None
                and found.status is not TodayStatus.NOT_IMPORTED):
            self.store[digest] = json.dumps({**found.to_json(), "score": found.score})
        self._today[key] = found
        return found

    def _permalink_of(self, sid: str) -> str:
        """The upstream permalink of a today symbol (its nearest candidates), or its repository."""
        sym = self._get(sid)
        if sym is None:
            return ""
        return self.index_for(sid.partition(":")[0]).pin.permalink(sym.path, sym.start_line, sym.end_line)

    def then_and_now(self, src_uri: str, html: str) -> str:
        """The chapter's HTML with its generated "Then and now" summary.

        The summary goes after the chapter's own `## Then and now` heading (our prose follows it), else in a
        section of its own at the end. Unchanged without today releases.
        """
        page = self.chapters.get(src_uri)
        if self.today is None or page is None or not page.excerpts:
            return html
        from walkthrough.html.today import chapter_summary  # noqa: PLC0415 - only builds with today's releases

        found = [(ce.anchor_id, c) for ce in page.excerpts if (c := self.today_of(ce)) is not None]
        if not found:
            return html
        titles = [self.today_titles.get(spec, spec) for spec in dict.fromkeys(
            spec for _, c in found for spec in self._releases_of(c.symbol))]
        block = str(self.renderer.then_and_now(chapter_summary(found, titles)))
        heading = _THEN_AND_NOW.search(html)
        if heading is None:
            return html + f'<h2 id="then-and-now">Then and now</h2>\n{block}'
        return html[: heading.end()] + "\n" + block + html[heading.end() :]

    def _releases_of(self, symbol_id: str) -> tuple[str, ...]:
        rules = self.today.maps.get(symbol_id.partition(":")[0]) if self.today is not None else None
        return rules.releases if rules is not None else ()

    def chapter_markdown(self, src_uri: str, markdown: str) -> tuple[str, dict[str, Markup]]:
        """Replace each directive block of the Markdown mkdocs hands us by a placeholder; return the blocks' HTML."""
        page = self.chapters.get(src_uri)
        if page is None:
            return markdown, {}
        # mkdocs hands over the source minus its front matter: reuse the scan of `on_files`, shifted,
        # rather than parse every directive's YAML a second time; rescan only if the text is not a suffix.
        blocks_in_page: list[Directive | RunDirective] = [*page.directives, *page.runs]
        if page.text.endswith(markdown):
            delta = len(page.text) - len(markdown)
            spans = [(d, d.start - delta, d.end - delta) for d in blocks_in_page if d.start >= delta]
        else:
            found = scan(markdown, src_uri)
            rescanned: list[Directive | RunDirective] = [*found.excerpts, *found.runs]
            spans = [(d, d.start, d.end) for d in rescanned]
        spans.sort(key=lambda span: span[1])
        out: list[str] = []
        blocks: dict[str, Markup] = {}
        cursor = 0
        by_key = {(d.symbol, d.anchor_id()): r for d, r in zip(page.directives, page.resolved, strict=True)}
        shown_models: dict[str, str] = {}
        for n, (d, start, end) in enumerate(spans):
            token = placeholder(src_uri, n)
            out.append(markdown[cursor:start])
            out.append(f"\n{token}\n\n")
            cursor = end
            if isinstance(d, RunDirective):
                blocks[token] = self.run_html(d)
                continue
            resolved = by_key.get((d.symbol, d.anchor_id()))
            blocks[token] = self.card_html(resolved, shown_models) if resolved is not None else _failed_card(d)
            if resolved is not None:
                self.search_blocks[token] = _search_view(resolved.excerpt, self._our_markdown(d.caption, src_uri))
        out.append(markdown[cursor:])
        return self._diagrams(page, "".join(out), blocks)

    def _diagrams(self, page: ChapterPage, markdown: str, blocks: dict[str, Markup]) -> tuple[str, dict[str, Markup]]:
        """Replace each ```` ```diagram ```` fence by a placeholder for its SVG (problems cite `chapter.md:line`)."""
        anchors = {ce.anchor_id for ce in page.excerpts}
        count = 0

        def swap(match: re.Match[str]) -> str:
            nonlocal count
            at = page.text.find(match.group(0))
            where = f"{page.src_uri}:{page.text.count(chr(10), 0, at) + 1 if at >= 0 else '?'}"
            token = placeholder(page.src_uri, 1000 + count)
            count += 1
            try:
                data = yaml.load(match.group(1), Loader=_YAML_LOADER)  # noqa: S506 - the safe loader, in C if built
                diagram = parse_diagram(data, lambda target: link_href(target, page.src_uri))
            except (yaml.YAMLError, InputError) as exc:
                message = exc.message if isinstance(exc, InputError) else f"diagram is not valid YAML: {exc}"
                self.problems.append(Problem(where, message, hint="see walkthrough/html/diagrams.py for the format"))
                return ""
            for target in diagram.links:
                if target.startswith("#") and target[1:].split("-L")[0] not in anchors:
                    self.problems.append(Problem(where, f"diagram links to {target}, which is no card of this chapter",
                                                 hint="link a card's id, a symbol id or another page"))
            blocks[token] = diagram_svg(diagram)
            return f"\n{token}\n"

        return _DIAGRAM_FENCE.sub(swap, markdown), blocks

    def run_html(self, d: RunDirective) -> Markup:
        """The block of one run: the command and its real output; a failed run is a problem and says so on the page."""
        caption = Markup(self._our_markdown(d.caption, d.file)) if d.caption.strip() else Markup("")
        if self.runner is None:
            return self.renderer.run(RunBlock(d.anchor_id(), d.command, "(not run in this build)", caption,
                                              d.location, failed=True))
        result = self.runner.result(d.command, d.words)
        failure = result.failure(self.runner.timeout)
        if failure is not None:
            self.problems.append(Problem(d.location, f"the run {failure}", detail=f"$ {visible(d.command)}",
                                         hint="`walkthrough check` shows what it printed"))
            return self.renderer.run(RunBlock(d.anchor_id(), d.command, f"The run {failure}: see the build log.",
                                              caption, d.location, failed=True))
        return self.renderer.run(RunBlock(d.anchor_id(), d.command, result.output.rstrip("\n"), caption, d.location))

    def see_also(self, src_uri: str) -> Markup:
        """Other chapters quoting a symbol this chapter quotes or links to."""
        page = self.chapters.get(src_uri)
        if page is None:
            return Markup("")
        mine = {ce.excerpt.symbol.id for ce in page.excerpts}
        mentioned = self._mentioned_by(page)
        entries = []
        for other in self.chapters.values():
            if other.src_uri == src_uri:
                continue
            theirs = {ce.excerpt.symbol.id for ce in other.excerpts}
            shared = sorted((theirs & mentioned) | (mine & self._mentioned_by(other)))
            if shared:
                entries.append(SeeAlso(other.title, other.src_uri, shared[:8]))
        return self.renderer.see_also(entries)

    def _mentioned_by(self, page: ChapterPage) -> set[str]:
        """Symbols a chapter quotes or links to (computed once per chapter)."""
        if page.src_uri not in self._mentioned:
            found = {ce.excerpt.symbol.id for ce in page.excerpts}
            for ce in page.excerpts:
                found.update(link.target for link in self._links_of(ce.excerpt))
            self._mentioned[page.src_uri] = found
        return self._mentioned[page.src_uri]

    # -- generated pages --------------------------------------------------------------------------------------------

    def generated_pages(self) -> list[tuple[str, str, bool]]:
        """(src_uri, Markdown, in_nav) of the generated mkdocs pages; bodies come later through `generated_html`.

        Symbol pages are not among them: there are a thousand or more, and a themed mkdocs page costs more
        than everything else a symbol page needs, so `symbol_page_body` renders them as standalone pages.
        """
        pages: list[tuple[str, str, bool]] = [
            # Search finds each symbol by its own page (`search_entries`): the index page would only repeat them.
            (SYMBOL_INDEX, f"{_NO_SEARCH}# Symbol index\n\n{placeholder(SYMBOL_INDEX, 0)}\n", True),
            (ABOUT, f"# About the sources\n\n{placeholder(ABOUT, 0)}\n", True),
            (MODELS_INDEX, f"# Python models\n\n{placeholder(MODELS_INDEX, 0)}\n", True),
        ]
        for module in sorted(self.model_pages):
            uri = self.model_pages[module]
            pages.append((uri, f"{_NO_SEARCH}# `{_md_code(module)}`\n\n{placeholder(uri, 0)}\n", False))
        return pages

    def generated_html(self, src_uri: str, about: Sequence[UpstreamFacts]) -> dict[str, Markup]:
        """The placeholder → HTML map of one generated page."""
        token = placeholder(src_uri, 0)
        if src_uri == SYMBOL_INDEX:
            return {token: self.renderer.symbol_index(self._index_groups())}
        if src_uri == MODELS_INDEX:
            return {token: self._models_index()}
        if src_uri == ABOUT:
            count = sum(len(p.excerpts) for p in self.chapters.values())
            return {token: self.renderer.about(about, count)}
        for module, uri in self.model_pages.items():
            if uri == src_uri:
                return {token: self._model_body(module)}
        return {}

    def _ref(self, sym: Symbol) -> SymbolRef:
        summary = sym.doc.strip().split("\n", 1)[0] if sym.doc else ""
        return SymbolRef(sym.id, sym.qualname, sym.kind.value, sym.path, sym.start_line, summary[:160])

    def _index_groups(self) -> list[tuple[str, list[SymbolRef]]]:
        groups: dict[str, list[SymbolRef]] = {}
        for sid in sorted({*self.quoted, *self.symbol_pages}):
            sym = self._get(sid)
            if sym is not None:
                groups.setdefault(f"{sym.upstream}:{sym.pkgdir}", []).append(self._ref(sym))
        return sorted(groups.items())

    def _get(self, sid: str) -> Symbol | None:
        """The symbol of a full id, or None (unknown id or upstream); memoised, the index is sqlite."""
        if sid not in self._symbol_memo:
            try:
                index = self.index_for(sid.partition(":")[0])
                found = index.get(sid)
                if found is None and _is_package_id(sid):
                    found = self._package(index, sid)
                self._symbol_memo[sid] = found
            except WalkthroughError:
                self._symbol_memo[sid] = None
        return self._symbol_memo[sid]

    def _package(self, index: Any, sid: str) -> Symbol | None:
        """A package as a symbol, through the store (finding its doc comment reads its files)."""
        package = getattr(index, "package", None)
        if package is None:
            return None
        identity = _index_identity(self.index_for, sid)
        key = f"package|{identity}|{sid}" if identity is not None and self.store is not None else None
        hit = self.store.get(key) if key is not None and self.store is not None else None
        if hit is not None:
            fields = json.loads(hit)
            return Symbol._make([*fields[:7], SymbolKind(fields[7]), *fields[8:]]) if fields else None
        found: Symbol | None = package(sid.partition(":")[2])
        if key is not None and self.store is not None:
            self.store[key] = json.dumps([*found[:7], found.kind.value, *found[8:]] if found else [])
        return found

    def symbol_page_body(self, sid: str) -> Markup:
        """The body HTML (with `wt-` links) of the symbol page of `sid` (a key of `symbol_pages`)."""
        return self._cached(("symbol", sid, self._quoting_key(sid)), lambda: self._symbol_body(sid), sid)

    def _quoting(self) -> dict[str, list[tuple[str, str, str, str]]]:
        """Symbol id → (chapter title, page, card anchor) of each chapter card whose code links to it."""
        if self._quoting_memo is None:
            found: dict[str, list[tuple[str, str, str, str]]] = {}
            for page in self.chapters.values():
                for ce in page.excerpts:
                    for target in dict.fromkeys(link.target for link in self._links_of(ce.excerpt)):
                        found.setdefault(target, []).append(
                            (page.title, page.src_uri, ce.anchor_id, ce.excerpt.symbol.qualname)
                        )
            self._quoting_memo = found
        return self._quoting_memo

    def previews(self) -> dict[str, str]:
        """Hover previews as files: `preview_file(id)` → JSON `{id: [kind, signature, first doc sentence]}`.

        One file per package of every symbol an identifier of a chapter links to, and of every symbol
        page, so a hover fetches one small file. Through the store: a rebuild with the same plan reads it back.
        """
        key = self.page_key(("previews",))
        hit = self.store.get(key) if key is not None and self.store is not None else None
        if hit is not None:
            stored: dict[str, str] = json.loads(hit)
            return stored
        targets = {link.target for page in self.chapters.values() for ce in page.excerpts
                   for link in self._links_of(ce.excerpt)}
        targets.update(self.symbol_pages)
        files: dict[str, dict[str, list[str]]] = {}
        for sid in sorted(targets):
            sym = self._get(sid)
            if sym is None:
                continue
            try:
                data = self.index_for(sym.upstream).text(sym.path)
            except WalkthroughError:
                continue
            files.setdefault(preview_file(sid), {})[sid] = [
                kind_label(sym.kind.value), visible(_signature(data, sym)), visible(_first_sentence(sym.doc)),
            ]
        out = {name: json.dumps(entries, sort_keys=True, separators=(",", ":")) for name, entries in files.items()}
        if key is not None and self.store is not None:
            self.store[key] = json.dumps(out)
        return out

    def search_entries(self) -> list[dict[str, str]]:
        """Material search-index entries for the symbol pages (which skip mkdocs' page pipeline): name, id, doc."""
        entries = []
        for sid in sorted(self.symbol_pages):
            sym = self._get(sid)
            if sym is None:
                continue
            url = symbol_page_url(self.symbol_pages[sid], use_directory_urls=self.use_directory_urls)[0]
            summary = sym.doc.strip().split("\n\n", 1)[0].replace("\n", " ") if sym.doc else ""
            text = f"<p><code>{escape_visible(sid)}</code> {sym.kind.value}. {escape_visible(summary)}</p>"
            title = str(escape_visible(sym.qualname or f"package {sym.name}"))
            entries.append({"location": url, "title": title, "text": text})
        return entries

    def _quoting_key(self, sid: str) -> tuple[tuple[str, str, str, str], ...]:
        return tuple(self._quoting().get(sid, ()))

    def symbol_pages_html(self, frame: Frame) -> Iterator[tuple[str, str]]:
        """(output path, whole HTML) of every symbol page in the theme's frame, sorted by symbol id.

        A page whose inputs did not change since a build that wrote it comes whole from the store
        (`page_key`); one with a link that resolves nowhere is never stored, so it warns every time.
        """
        for sid in sorted(self.symbol_pages):
            uri = self.symbol_pages[sid]
            url, out = symbol_page_url(uri, use_directory_urls=self.use_directory_urls)
            # The store keeps the title and the body with its links resolved (not the frame, the same for all).
            key = self.page_key(("symbol-page", sid, uri, url))
            hit = self.store.get(key) if key is not None and self.store is not None else None
            if hit is not None:
                title, _, body = hit.partition("\0")
            else:
                body, unresolved = self.resolve_links(uri, url, str(self.symbol_page_body(sid)), fast=True)
                self.problems.extend(Problem(uri, f"link target {t} does not exist on this site") for t in unresolved)
                sym = self._get(sid)
                title = (sym.qualname or f"package {sym.name}") if sym else sid
                if key is not None and self.store is not None and not unresolved:
                    self.store[key] = f"{title}\0{body}"
            yield out, frame.page(title, body, depth_of(url))

    def page_key(self, key: tuple[Any, ...]) -> str | None:
        """A store key for a whole page whose links resolve against this site; None when nothing is cached.

        It covers everything such a page depends on beyond `key` (which names the page and its settings):
        the code that shapes pages, every index the site reads, and the plan that decides where each
        identifier links (who quotes what, which lines each card shows, which symbol pages exist, the
        chapters' titles and excerpts). A prose edit leaves all of that alone, so a rebuild after one
        reuses every symbol page as written.
        """
        if self.store is None:
            return None
        if self._site_digest is None:
            self._site_digest = self._plan_digest() or ""
        if not self._site_digest:
            return None
        return hashlib.sha256(repr((self._site_digest, key)).encode()).hexdigest()

    def _plan_digest(self) -> str | None:
        upstreams = sorted({sid.partition(":")[0] for sid in (*self.quoted, *self.symbol_pages)})
        identities = [_index_identity(self.index_for, f"{name}:") for name in upstreams]
        if None in identities:
            return None
        chapters = [(p.src_uri, p.title, [ce.excerpt.symbol.id for ce in p.excerpts])
                    for p in self.chapters.values()]
        plan = (
            render_version(), identities, self.make_symbol_pages, sorted(self.quoted.items()),
            sorted(self._spans.items()), sorted(self.symbol_pages.items()), chapters,
        )
        return hashlib.sha256(repr(plan).encode()).hexdigest()

    def _cached(self, key: tuple[Any, ...], make: Callable[[], Markup], sid: str) -> Markup:
        """`make()` through the fragment store, keyed by render version, index identity and `key`."""
        identity = _index_identity(self.index_for, sid)
        if self.store is None or identity is None:
            return make()
        digest = hashlib.sha256(repr((render_version(), identity, key)).encode()).hexdigest()
        hit = self.store.get(digest)
        if hit is not None:
            return Markup(hit)
        fragment = make()
        self.store[digest] = str(fragment)
        return fragment

    def _package_body(self, sym: Symbol) -> Markup:
        """A package's page: its doc, files, the chapters reading it, its declarations by kind."""
        index = self.index_for(sym.upstream)
        files = [(path, index.pin.permalink(path)) for path in index.package_files(sym.pkgdir)]
        by_kind: dict[str, list[SymbolRef]] = {}
        for decl in index.declarations(sym.pkgdir):
            by_kind.setdefault(kind_label(decl.kind.value), []).append(self._ref(decl))
        chapters = sorted({(p.title, p.src_uri) for p in self.chapters.values() for ce in p.excerpts
                           if (ce.excerpt.symbol.upstream, ce.excerpt.symbol.pkgdir) == (sym.upstream, sym.pkgdir)})
        order = ["interface", "struct", "type", "func", "const", "var"]
        kinds = sorted(by_kind.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
        return self.renderer.package_page(sym, files=files, declarations=kinds,
                                          package_chapters=chapters)

    def _symbol_body(self, sid: str) -> Markup:
        index = self.index_for(sid.partition(":")[0])
        package = self._get(sid)
        if package is not None and package.kind.value == "package":
            return self._package_body(package)
        sym = index.lookup(sid)
        excerpt = make_excerpt(sym, index.text(sym.path), index.pin, doc=False, anchor_id="code")
        card = Card(excerpt=excerpt, anchor="code", links=self._links_of(excerpt))
        callers: dict[str, SymbolRef] = {}
        for item in index.referenced_by(sid):
            ref = self._as_ref(item)
            if ref is not None and ref.id != sid:
                callers.setdefault(ref.id, ref)
        uses = {}
        for link in self._links_of(excerpt):
            if link.target != sid and link.target not in uses:
                other = self._get(link.target)
                if other is not None:
                    uses[link.target] = self._ref(other)
        by_package: dict[str, list[SymbolRef]] = {}
        for key in sorted(callers)[:USED_BY_SHOWN]:
            by_package.setdefault(callers[key].package, []).append(callers[key])
        chapters = sorted(
            {(p.title, p.src_uri) for p in self.chapters.values() for ce in p.excerpts
             if (ce.excerpt.symbol.upstream, ce.excerpt.symbol.pkgdir) == (sym.upstream, sym.pkgdir)}
        )
        return self.renderer.symbol_page(
            sym,
            self.renderer.card(card),
            used_by=sorted(by_package.items()),
            used_by_count=len(callers),
            references=[uses[k] for k in sorted(uses)],
            permalink=index.pin.permalink(sym.path, sym.start_line, sym.end_line),
            quoted_in=_by_chapter(self._quoting().get(sid, [])),
            package_chapters=chapters,
        )

    def _as_ref(self, item: Any) -> SymbolRef | None:
        """A caller as the index reports it (a Symbol, an id, or a Use inside some symbol) → SymbolRef."""
        if isinstance(item, Symbol):
            return self._ref(item)
        if isinstance(item, str):
            sym = self._get(item)
            return self._ref(sym) if sym else None
        for attr in ("symbol", "source", "container", "within"):
            value = getattr(item, attr, None)
            if isinstance(value, Symbol):
                return self._ref(value)
            if isinstance(value, str):
                sym = self._get(value)
                return self._ref(sym) if sym else None
        return None

    def _model_body(self, module: str) -> Markup:
        spec = importlib.util.find_spec(module)
        path = Path(spec.origin) if spec and spec.origin else None
        if path is None:
            return Markup("<p>Module source not found.</p>")
        source = path.read_text(encoding="utf-8")
        try:
            rel = path.resolve().relative_to(self.project_root.resolve()).as_posix()
        except ValueError:
            rel = module.replace(".", "/") + ".py"
        key = hashlib.sha256(repr((render_version(), "model", module, rel, source)).encode()).hexdigest()
        hit = self.store.get(key) if self.store is not None else None
        if hit is not None:
            return Markup(hit)
        body = self._model_html(module, rel, source)
        if self.store is not None:
            self.store[key] = str(body)
        return body

    def _models_index(self) -> Markup:
        """Every model module the chapters pair with: its page, and each Go symbol its members mirror."""
        from walkthrough.book.pairs import all_pairs  # noqa: PLC0415

        mirrors: dict[str, list[tuple[str, str]]] = {}
        for go_id, models in sorted(all_pairs().items()):
            for model in models:
                module, _, qualname = model.partition(":")
                if self._get(go_id) is not None:
                    mirrors.setdefault(module, []).append((qualname, go_id))
        modules = [(m, self.model_pages[m], sorted(mirrors.get(m, []))) for m in sorted(self.model_pages)]
        return self.renderer.models_index(modules)

    def _model_html(self, module: str, rel: str, source: str) -> Markup:
        lines = [_link_mirrors(line) if "mirrors(" in line else line
                 for line in highlight_lines(source.rstrip("\n"), "python")]
        line = Markup('<span class="wt-line" id="L{n}" data-line="{n}"><span class="wt-src">{code}</span></span>')
        body = "".join(str(line.format(n=n, code=code)) for n, code in enumerate(lines, start=1))
        return Markup(
            '<p class="wt-model-meta"><code>{rel}</code> · run it: <code>python -m {module}</code></p>'
            '<div class="highlight"><pre class="wt-code" data-lang="python"><code>{body}</code></pre></div>'
        ).format(rel=rel, module=module, body=Markup(body))


_MIRRORED = re.compile(r"(&#34;|&#39;)([A-Za-z0-9][A-Za-z0-9_.-]*(?:@[A-Za-z0-9_.+-]+)?:[^&<\s]+)(&#34;|&#39;)")
"""A Go symbol id in a string literal of a highlighted `@mirrors(...)` line."""


def _link_mirrors(line: Markup) -> Markup:
    """Each Go id of a `@mirrors(...)` line linked to its card or symbol page."""
    return Markup(_MIRRORED.sub(
        lambda m: f'{m.group(1)}<a class="wt-ref" href="{SYM_SCHEME}{m.group(2)}" data-sym="{m.group(2)}">'
        f"{m.group(2)}</a>{m.group(3)}", str(line)))


_DIAGRAM_FENCE = re.compile(r"^```diagram[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
"""A diagram fence in a chapter: YAML between ```` ```diagram ```` and ```` ``` ```` (html.diagrams has the format)."""

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_NO_SEARCH = "---\nsearch:\n  exclude: true\n---\n\n"
"""Front matter keeping a page out of Material's search index: the symbol index is what search should find."""

_THEN_AND_NOW = re.compile(r'<h2 id="then-and-now"[^>]*>.*?</h2>', re.DOTALL)
"""A chapter's own "Then and now" heading, after which the generated summary goes."""

_MD_LINK = re.compile(r'href="((?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)[^"#?]*\.md)(#[^"]*)?"')
"""A relative link to a docs file in rendered Markdown (no scheme, not absolute, not a bare fragment)."""


def _search_view(ex: Excerpt, caption_html: str) -> Markup:
    """A card for Material's search indexer, which parses every tag: symbol, shown code as plain text, notes."""
    lines = ex.text.split("\n")
    shown = ex.shown or ((ex.start_line, ex.end_line),)
    code = "\n".join(lines[n - ex.start_line] for first, last in shown for n in range(first, last + 1))
    notes = "".join(str(Markup("<li>{}</li>").format(n.text)) for n in ex.notes)
    return Markup("<p><code>{sym}</code></p><pre><code>{code}</code></pre>{notes}{caption}").format(
        sym=ex.symbol.id, code=escape_visible(code),
        notes=Markup(f"<ul>{notes}</ul>") if notes else "", caption=Markup(caption_html),
    )


def _index_identity(index_for: IndexFor, sid: str) -> str | None:
    """What a cached fragment of `sid` depends on in the index: its database file and when it was written.

    None (no caching) for an index that is not a persisted database, such as a test fake.
    """
    try:
        index = index_for(sid.partition(":")[0])
    except WalkthroughError:
        return None
    path = getattr(index, "path", None)
    if not isinstance(path, Path) or not path.is_file():
        return None
    return f"{index.pin.commit}|{path.name}|{path.stat().st_mtime_ns}"


@cache
def render_version() -> str:
    """A digest of the code and templates that shape fragments: any edit to them invalidates the store."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    shaping = [*(package / "html").glob("*.py"), package / "book" / "pairs.py", package / "site.py",
               package / "mkdocs_plugin.py", package / "check" / "today.py"]
    for path in sorted([*shaping, *(package / "templates").glob("*")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


PREVIEWS_DIR = "assets/walkthrough/preview"


def preview_file(symbol_id: str) -> str:
    """The previews file of a symbol: `kubernetes:pkg/api.Pod` → `assets/walkthrough/preview/kubernetes/pkg/api.json`.

    The package is the id up to the first `.` after its last `/` (walkthrough.js splits ids the same way).
    """
    upstream, _, rest = symbol_id.partition(":")
    slash = rest.rfind("/")
    dot = rest.find(".", slash + 1)
    package = rest[:dot] if dot >= 0 else rest
    return f"{PREVIEWS_DIR}/{re.sub(r'[^A-Za-z0-9_./-]', '_', upstream + '/' + package)}.json"


def _signature(data: bytes, sym: Symbol) -> str:
    """The declaration's first lines, up to the `{` that opens its body (at most four lines)."""
    lines = data[sym.start_byte : sym.end_byte].decode("utf-8", "replace").split("\n")
    out = []
    for line in lines[:4]:
        out.append(line.rstrip())
        if line.rstrip().endswith("{") or not line.rstrip().endswith((",", "(")):
            break
    return "\n".join(out)


def _first_sentence(doc: str) -> str:
    """The doc comment's first sentence (Go's convention: it starts with the name)."""
    text = " ".join(doc.split())
    end = text.find(". ")
    return text[: end + 1] if end >= 0 else text[:300]


USED_BY_SHOWN = 300
"""How many callers a symbol page lists (grouped by package); the count says how many there are."""


def _is_package_id(symbol_id: str) -> bool:
    """Whether an id can name a package: `kubernetes:pkg/api`, `docker:layer` (no name after the directory).

    A symbol of a tree's root package has no directory either (`docker:main`): the index is asked first.
    """
    return "." not in symbol_id.partition(":")[2].rpartition("/")[2]


def _by_chapter(cards: Iterable[tuple[str, str, str, str]]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(title, page, [(card anchor, card symbol name)]) per chapter, in the order the chapters come."""
    grouped: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for title, page, anchor, name in cards:
        grouped.setdefault((title, page), []).append((anchor, name))
    return [(title, page, found) for (title, page), found in grouped.items()]


@cache
def relative_url(url: str, other: str) -> str:
    """`url` (site-relative) as seen from the page at `other`, as mkdocs writes relative links.

    Memoized: a page links to the same few pages hundreds of times, and `posixpath.relpath` is slow.
    """
    if other != ".":
        head, tail = posixpath.split(other)
        other = head if "." in tail else other
    rel = posixpath.relpath("/" + url, "/" + other)
    return rel + "/" if url.endswith("/") else rel


def symbol_page_url(uri: str, *, use_directory_urls: bool) -> tuple[str, str]:
    """(site URL, output path) of a symbol page: `symbols/x/A.B/` and `symbols/x/A.B/index.html` (or `.html`)."""
    if uri.endswith(f"/{PACKAGE_PAGE}"):
        folder = uri[: -len(PACKAGE_PAGE)]
        return (folder, f"{folder}index.html") if use_directory_urls else (f"{folder}index.html",) * 2
    stem = uri[: -len(".md")]
    if use_directory_urls:
        return f"{stem}/", f"{stem}/index.html"
    return f"{stem}.html", f"{stem}.html"


def _inline(text: str) -> str:
    """A one-paragraph Markdown rendering without its `<p>` wrapper (for note text beside a line)."""
    text = text.strip()
    if text.startswith("<p>") and text.endswith("</p>") and text.count("<p>") == 1:
        return text[3:-4]
    return text


def _md_code(text: str) -> str:
    return text.replace("`", "")


def _failed_card(d: Directive) -> Markup:
    return Markup(
        '<div class="wt-card wt-card-error" data-source="{loc}"><p>Excerpt <code>{sym}</code> could not be '
        "rendered (see the build log).</p></div>"
    ).format(loc=d.location, sym=d.symbol)


def upstream_facts(project_root: Path, names: Iterable[str] | None = None) -> list[UpstreamFacts]:
    """Pins and lock digests of the pinned releases, for "About the sources"."""
    from walkthrough.sources.pins import load_pins  # noqa: PLC0415

    upstreams = load_pins(project_root)
    facts = []
    for name in sorted(names if names is not None else upstreams):
        release = upstreams.release(name)
        lock = upstreams.load_lock(release)
        facts.append(
            UpstreamFacts(
                pin=release.pin,
                lock_file=f"snapshots/{upstreams.lock_path(release).name}",
                digest=lock.digest,
                files=len(lock),
                export_subst=tuple(sorted(lock.export_subst)),
            )
        )
    return facts


def swap_placeholders(text: str, blocks: dict[str, Markup]) -> tuple[str, list[str]]:
    """Put each block's HTML where its placeholder landed (`<p>TOKEN</p>` or bare); return missing tokens."""
    missing = []
    for token, fragment in blocks.items():
        wrapped = f"<p>{token}</p>"
        if wrapped in text:
            text = text.replace(wrapped, str(fragment))
        elif token in text:
            text = text.replace(token, str(fragment))
        else:
            missing.append(token)
    return text, missing


__all__ = [
    "ABOUT",
    "SYMBOL_INDEX",
    "SiteModel",
    "placeholder",
    "swap_placeholders",
    "symbol_page_uri",
    "upstream_facts",
]
