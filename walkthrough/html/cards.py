"""Excerpt cards and generated page bodies, through one jinja2 Environment (autoescape on, filters set once).

A card is the unit a chapter shows: header, Go code with upstream line numbers, links, highlights and
note markers, elisions where a focus hides lines, and the paired Python model. Pure: no writes, no mkdocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from walkthrough.book.excerpt import Elided
from walkthrough.html.escape import escape_visible
from walkthrough.html.highlight import highlight_lines
from walkthrough.html.links import PAGE_SCHEME, SYM_SCHEME

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import jinja2

    from walkthrough.book.pairs import PythonModel
    from walkthrough.html.links import CodeLink
    from walkthrough.models import Excerpt, Pin, Symbol

@dataclass(frozen=True)
class CodeNote:
    """A note marker on one upstream line: number shown, and the note's rendered text."""

    number: int
    line: int
    html: Markup


@dataclass(frozen=True)
class CodeLine:
    """One rendered line: its upstream number, its HTML, highlight flag and note numbers."""

    number: int
    html: Markup
    highlighted: bool = False
    notes: tuple[CodeNote, ...] = ()


def build_code_rows(
    text: str,
    start_line: int,
    *,
    links: Sequence[CodeLink] = (),
    shown: Sequence[tuple[int, int]] = (),
    highlight: Iterable[int] = (),
    notes: Sequence[CodeNote] = (),
) -> list[CodeLine | Elided]:
    """The rows of a code block: shown lines and elisions between (and around) focus ranges."""
    rendered = highlight_lines(text, "go", links)
    end_line = start_line + len(rendered) - 1
    ranges = list(shown) or [(start_line, end_line)]
    marked = set(highlight)
    notes_on: dict[int, list[CodeNote]] = {}
    for note in notes:
        notes_on.setdefault(note.line, []).append(note)
    rows: list[CodeLine | Elided] = []
    cursor = start_line
    for first, last in ranges:
        if first > cursor:
            rows.append(Elided(cursor, first - 1))
        rows.extend(
            CodeLine(number, rendered[number - start_line], number in marked, tuple(notes_on.get(number, ())))
            for number in range(first, last + 1)
        )
        cursor = last + 1
    if cursor <= end_line:
        rows.append(Elided(cursor, end_line))
    return rows


WIDTHS = (72, 88, 104, 120)
"""Buckets of the longest shown Go line (tabs at 4 columns), named in the card's class `wt-cols-N`."""

KIND_LABELS = {"interface_method": "interface method"}


def kind_label(kind: str) -> str:
    """A symbol kind as readers say it (`interface method`, not `interface_method`)."""
    return KIND_LABELS.get(kind, kind)


def package_anchor(package: str) -> str:
    """A stable HTML id for `upstream:pkgdir` (`kubernetes:pkg/apiserver` → `pkg-kubernetes-pkg-apiserver`)."""
    return "pkg-" + re.sub(r"[^A-Za-z0-9_]+", "-", package).strip("-")


def width_class(ex: Excerpt) -> str:
    """`wt-cols-N` for the longest line a card shows, so the stylesheet knows whether notes fit beside the code."""
    lines = ex.text.split("\n")
    shown = ex.shown or ((ex.start_line, ex.end_line),)
    longest = max(
        (len(lines[n - ex.start_line].expandtabs(4)) for first, last in shown for n in range(first, last + 1)),
        default=0,
    )
    bucket = next((w for w in WIDTHS if longest <= w), 0)
    return f"wt-cols-{bucket}" if bucket else "wt-cols-wide"


@dataclass(frozen=True)
class Card:
    """Everything one excerpt card shows. `anchor` is the HTML id, unique on its page."""

    excerpt: Excerpt
    anchor: str
    links: tuple[CodeLink, ...] = ()
    caption_html: Markup = Markup("")  # noqa: RUF009 - Markup is an immutable str
    note_html: tuple[Markup, ...] = ()
    """The rendered text of each of `excerpt.notes`, in order (our Markdown, rendered by the caller)."""
    model: PythonModel | None = None
    model_url: str | None = None
    """Where the model's source can be read (a repository URL), or None to show just its path."""
    model_first: str | None = None
    """The anchor of the card above on the same page that already shows this model (then only a link)."""
    model_qualname: str = ""
    """The model's name, for that link."""
    location: str = ""
    """`chapter.md:line` of the directive, shown to authors in a data attribute."""
    today_html: Markup = Markup("")  # noqa: RUF009 - Markup is an immutable str
    """The card's Today strip (`Renderer.today_strip`), or nothing when no today releases are declared."""


@dataclass(frozen=True)
class DiffLine:
    """One line of a unified diff as the strip shows it: `add`, `del`, `hunk`, `file` or `same`."""

    kind: str
    text: str


def diff_lines(diff: str) -> list[DiffLine]:
    """A unified diff's lines, each with its kind (for colours; the text stays upstream's, escaped later)."""
    out = []
    for line in diff.split("\n") if diff else ():
        kind = ("file" if line.startswith(("+++", "---")) else "add" if line.startswith("+")
                else "del" if line.startswith("-") else "hunk" if line.startswith("@@") else "same")
        out.append(DiffLine(kind, line))
    return out


@dataclass(frozen=True)
class TodayView:
    """What one card's Today strip says (see `today.html.jinja`); built by the site from a finder's Counterpart."""

    status: str
    anchor: str
    """The card's anchor (the strip's ids derive from it)."""
    title: str = ""
    """The release it was found in, as the pins title it; for gone and not imported, where it was looked for."""
    target: str = ""
    name: str = ""
    """Today's qualified name when it differs from the excerpt's (renamed, moved)."""
    span: str = ""
    permalink: str = ""
    added: int = 0
    removed: int = 0
    score: float | None = None
    via: str = ""
    reason: str = ""
    """For a declared successor: the pins' line on what happened (the strip says "named by the walkthrough")."""
    where: str = ""
    candidates: tuple[tuple[str, float, str, str], ...] = ()
    """Nearest symbols of a gone one: (id, score, permalink, qualified name)."""
    diff: tuple[DiffLine, ...] = ()
    hint: str = ""
    """For not imported: the command that brings today's releases."""


@dataclass(frozen=True)
class ChapterToday:
    """The generated "Then and now" summary of one chapter."""

    titles: tuple[str, ...]
    """The today releases compared with."""
    counts: tuple[tuple[str, int], ...]
    """(status, number of excerpts), most common first."""
    total: int
    biggest: tuple[tuple[str, str, str, int, int, str], ...] = ()
    """(excerpt symbol, card anchor, today's span, added, removed, permalink) of the largest changes."""
    hint: str = ""


@dataclass(frozen=True)
class RunBlock:
    """A run block as the page shows it: the command and what it printed (or why it could not run)."""

    anchor: str
    command: str
    output: str
    """The run's output, trailing newlines dropped; for a failed run, what went wrong."""
    caption_html: Markup = field(default_factory=Markup)
    location: str = ""
    failed: bool = False


@dataclass(frozen=True)
class SymbolRef:
    """A symbol as listed on a generated page: id, kind, where, and a link target."""

    id: str
    name: str
    """The name within its package (`APIInstaller.Install`)."""
    kind: str
    path: str
    line: int
    summary: str = ""

    @property
    def package(self) -> str:
        """`upstream:pkgdir` of the symbol (its id without the name)."""
        return self.id[: -len(self.name) - 1] if self.id.endswith("." + self.name) else self.id


@dataclass
class SeeAlso:
    """Another chapter sharing symbols with this one."""

    title: str
    page: str
    symbols: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UpstreamFacts:
    """One upstream on the About page: pin, lock file, its digest and file count."""

    pin: Pin
    lock_file: str
    digest: str
    files: int
    export_subst: tuple[str, ...] = ()


class Renderer:
    """One jinja2 Environment (autoescape on, filters set once) and the fragments built from it."""

    def __init__(self) -> None:
        import jinja2  # noqa: PLC0415 - only the site needs it

        self.env: jinja2.Environment = jinja2.Environment(
            loader=jinja2.PackageLoader("walkthrough", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters["visible"] = escape_visible
        self.env.filters["kind_label"] = kind_label
        self.env.filters["pkg_anchor"] = package_anchor
        self.env.globals["SYM"] = SYM_SCHEME
        self.env.globals["PAGE"] = PAGE_SCHEME

    def card(self, card: Card) -> Markup:
        """The HTML of one excerpt card."""
        ex = card.excerpt
        texts = [card.note_html[i] if i < len(card.note_html) else escape(note.text) for i, note in enumerate(ex.notes)]
        # Numbered in line order (a stable sort keeps the chapter's order of notes on one line).
        in_order = sorted(zip(ex.notes, texts, strict=True), key=lambda pair: pair[0].line)
        notes = tuple(CodeNote(i + 1, note.line, text) for i, (note, text) in enumerate(in_order))
        rows = build_code_rows(
            ex.text,
            ex.start_line,
            links=card.links,
            shown=ex.shown,
            highlight=ex.highlight,
            notes=notes,
        )
        py_lines = highlight_lines(card.model.source, "python") if card.model else []
        html_text = self.env.get_template("card.html.jinja").render(
            card=card,
            ex=ex,
            rows=rows,
            notes=notes,
            model=card.model,
            py_lines=py_lines,
            width=width_class(ex),
        )
        return Markup(html_text)

    def run(self, run: RunBlock) -> Markup:
        """The HTML of one run block: the command above its output, both escaped with control characters shown."""
        return Markup(self.env.get_template("run.html.jinja").render(run=run))

    def symbol_page(
        self,
        symbol: Symbol,
        card_html: Markup,
        *,
        used_by: Sequence[tuple[str, Sequence[SymbolRef]]],
        used_by_count: int,
        references: Sequence[SymbolRef],
        permalink: str,
        quoted_in: Sequence[tuple[str, str, Sequence[tuple[str, str]]]],
        package_chapters: Sequence[tuple[str, str]],
    ) -> Markup:
        """The body of a generated symbol page: doc, where the walkthrough quotes it, code, who uses it."""
        return Markup(
            self.env.get_template("symbol.html.jinja").render(
                symbol=symbol, card_html=card_html, used_by=used_by, used_by_count=used_by_count,
                references=references, permalink=permalink, quoted_in=quoted_in, package_chapters=package_chapters,
            )
        )

    def package_page(
        self,
        package: Symbol,
        *,
        files: Sequence[tuple[str, str]],
        declarations: Sequence[tuple[str, Sequence[SymbolRef]]],
        package_chapters: Sequence[tuple[str, str]],
    ) -> Markup:
        """The body of a package's page: doc, files (permalinks), chapters, declarations by kind."""
        return Markup(self.env.get_template("package.html.jinja").render(
            package=package, files=files, declarations=declarations, package_chapters=package_chapters))

    def symbol_index(self, groups: Sequence[tuple[str, Sequence[SymbolRef]]]) -> Markup:
        """The body of the symbol index: symbols grouped by upstream package directory."""
        return Markup(self.env.get_template("symbol_index.html.jinja").render(groups=groups))

    def models_index(self, modules: Sequence[tuple[str, str, Sequence[tuple[str, str]]]]) -> Markup:
        """The body of "Python models": each module's page and the Go symbols its members mirror."""
        return Markup(self.env.get_template("models_index.html.jinja").render(modules=modules))

    def about(self, upstreams: Sequence[UpstreamFacts], excerpt_count: int) -> Markup:
        """The body of "About the sources": pins, lock digests, and how they are verified."""
        return Markup(
            self.env.get_template("about.html.jinja").render(upstreams=upstreams, excerpt_count=excerpt_count)
        )

    def today_strip(self, view: TodayView) -> Markup:
        """One card's Today strip: where the code lives now, what happened, the diff behind a toggle."""
        return Markup(self.env.get_template("today.html.jinja").render(t=view))

    def then_and_now(self, summary: ChapterToday) -> Markup:
        """The generated "Then and now" summary of a chapter (counts, biggest changes)."""
        return Markup(self.env.get_template("then_and_now.html.jinja").render(s=summary))

    def see_also(self, entries: Sequence[SeeAlso]) -> Markup:
        """The "see also" box closing a chapter."""
        if not entries:
            return Markup("")
        return Markup(self.env.get_template("see_also.html.jinja").render(entries=entries))
