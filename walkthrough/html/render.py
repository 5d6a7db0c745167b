"""Excerpts and the index → HTML fragments, through one jinja2 Environment. Pure: no writes, no mkdocs.

Every upstream byte is escaped here: Go code is tokenised with pygments (positions only) and each piece
goes through `markupsafe.escape`; invisible and bidirectional control characters are shown as visible
markers (`<span class="wt-ctrl" data-cp="202E">`) so a Trojan Source line cannot hide what it does.
Upstream text never passes through Markdown or through a template as template source.

Links are rendered page-independent as `wt-sym:<symbol id>` and `wt-page:<file.md>#frag` hrefs;
`fix_refs` rewrites them per page (the autorefs way), so one card's HTML serves every page it appears on.
"""

from __future__ import annotations

import ast
import bisect
import hashlib
import html
import importlib.util
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, MutableMapping, Sequence

    import jinja2

    from walkthrough.models import Excerpt, Pin, Symbol

SYM_SCHEME = "wt-sym:"
"""href prefix of a link to a symbol, resolved per page by `fix_refs`."""
PAGE_SCHEME = "wt-page:"
"""href prefix of a link to a docs file (`chapter.md#frag`), resolved per page by `fix_refs`."""

# Characters shown as a visible marker instead of themselves: C0/C1 controls (tab excepted), format
# characters (bidi embeddings, overrides and isolates, zero-width joiners, BOM) and line/paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})


def is_hidden_char(ch: str) -> bool:
    """True for a character a reader could not see or that could reorder what they see."""
    return ch not in {"\t", "\n"} and unicodedata.category(ch) in _HIDDEN_CATEGORIES


def control_marker(ch: str) -> Markup:
    """The visible stand-in for a hidden character; `data-cp` lets a round trip map it back."""
    cp = f"{ord(ch):04X}"
    name = unicodedata.name(ch, "control character")
    return Markup('<span class="wt-ctrl" data-cp="{cp}" title="{name}">&lt;U+{cp}&gt;</span>').format(
        cp=cp, name=name
    )


def escape_visible(text: str) -> Markup:
    """`text` escaped for HTML with hidden characters shown as markers (for upstream text outside code)."""
    if text.replace("\t", "").replace("\n", "").isprintable():  # no hidden character: the common, fast case
        return escape(text)
    out: list[str] = []
    run_start = 0
    for i, ch in enumerate(text):
        if is_hidden_char(ch):
            out.append(str(escape(text[run_start:i])))
            out.append(str(control_marker(ch)))
            run_start = i + 1
    out.append(str(escape(text[run_start:])))
    return Markup("".join(out))


# ---------------------------------------------------------------------------------------------------------------
# Go code → lines of HTML


@dataclass(frozen=True)
class CodeLink:
    """A link over `text[start:end]` of an excerpt (character offsets), to a symbol id."""

    start: int
    end: int
    target: str


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
    notes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Elision:
    """Lines left out by a focus: first and last upstream line."""

    first: int
    last: int

    @property
    def count(self) -> int:
        """How many lines are left out."""
        return self.last - self.first + 1


@cache
def go_lexer() -> Any:
    """Pygments' Go lexer, created once."""
    from pygments.lexers.go import GoLexer  # noqa: PLC0415 - imported once, only when rendering

    # No newline stripping or adding: token offsets must be offsets into the exact upstream text.
    return GoLexer(stripnl=False, ensurenl=False, tabsize=0)


@cache
def python_lexer() -> Any:
    """Pygments' Python lexer, created once."""
    from pygments.lexers.python import PythonLexer  # noqa: PLC0415

    return PythonLexer(stripnl=False, ensurenl=False, tabsize=0)


@cache
def _token_class(ttype: Any) -> str:
    """Pygments' short CSS class for a token type (`k`, `nf`, `c1` ...), which Material's theme colours."""
    from pygments.token import STANDARD_TYPES  # noqa: PLC0415

    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]


_UNSTYLED = frozenset({"w", "nx", "x"})
"""Pygments classes Material's code theme leaves uncoloured (whitespace, Go's plain identifiers)."""


def highlight_lines(text: str, lexer: Any, links: Sequence[CodeLink] = ()) -> list[Markup]:
    r"""`text` as one HTML string per line (split on `\n` only), tokens classed, links as `wt-sym:` hrefs.

    Splits on `\n` alone (not `str.splitlines`, which also splits on U+2028, form feeds and others) so
    that line numbers match upstream's and every other character stays on its line, visibly. Links are
    applied in order of their start; one overlapping an earlier link is dropped (never nested).
    """
    spans: list[CodeLink] = []
    for link in sorted(links, key=lambda lk: (lk.start, lk.end)):
        if 0 <= link.start < link.end <= len(text) and (not spans or link.start >= spans[-1].end):
            spans.append(link)
    starts = [lk.start for lk in spans]
    lines: list[Markup] = []
    out: list[str] = []

    def add(cls: str, seg: str, link: CodeLink | None) -> None:
        nonlocal out
        for i, part in enumerate(seg.split("\n")):
            if i:
                lines.append(Markup("".join(out)))
                out = []
            if part:
                out.append(_piece(cls, part, link))

    # Runs of one class are merged, and classes the theme does not colour get no span at all: fewer tags
    # make pages lighter for browsers and for the search indexer, which parses every page's HTML.
    run_start, run_cls = 0, ""
    expected = 0
    for pos, ttype, value in lexer.get_tokens_unprocessed(text):
        cls = _token_class(ttype)
        cls = "" if cls in _UNSTYLED else cls
        if pos != expected:  # a lexer that skipped text: show the gap unclassed rather than lose it
            _add_linked(add, text, run_start, expected, run_cls, spans, starts)
            run_start, run_cls = expected, ""
        if cls != run_cls:
            _add_linked(add, text, run_start, pos, run_cls, spans, starts)
            run_start, run_cls = pos, cls
        expected = pos + len(value)
    _add_linked(add, text, run_start, expected, run_cls, spans, starts)
    if expected < len(text):
        _add_linked(add, text, expected, len(text), "", spans, starts)
    lines.append(Markup("".join(out)))
    return lines


def _add_linked(
    add: Callable[[str, str, CodeLink | None], None],
    text: str,
    start: int,
    end: int,
    cls: str,
    spans: list[CodeLink],
    starts: list[int],
) -> None:
    """Feed `text[start:end]` to `add` in pieces that are each wholly inside one link or outside all."""
    p = start
    while p < end:
        k = bisect.bisect_right(starts, p) - 1
        if k >= 0 and spans[k].end > p:
            q, link = min(end, spans[k].end), spans[k]
        else:
            q, link = (min(end, spans[k + 1].start) if k + 1 < len(spans) else end), None
        add(cls, text[p:q], link)
        p = q


def _piece(cls: str, part: str, link: CodeLink | None) -> str:
    """One run of same-class text on one line: escaped, hidden characters made visible, maybe linked."""
    inner = str(escape(part)) if part.replace("\t", " ").isprintable() else str(escape_visible(part))
    if cls:
        inner = f'<span class="{cls}">{inner}</span>'
    if link is not None:
        inner = f'<a class="wt-ref" href="{SYM_SCHEME}{escape(link.target)}">{inner}</a>'
    return inner


def build_code_rows(
    text: str,
    start_line: int,
    *,
    links: Sequence[CodeLink] = (),
    shown: Sequence[tuple[int, int]] = (),
    highlight: Iterable[int] = (),
    notes: Sequence[CodeNote] = (),
) -> list[CodeLine | Elision]:
    """The rows of a code block: shown lines and elisions between (and around) focus ranges."""
    rendered = highlight_lines(text, go_lexer(), links)
    end_line = start_line + len(rendered) - 1
    ranges = list(shown) or [(start_line, end_line)]
    marked = set(highlight)
    notes_on: dict[int, list[int]] = {}
    for note in notes:
        notes_on.setdefault(note.line, []).append(note.number)
    rows: list[CodeLine | Elision] = []
    cursor = start_line
    for first, last in ranges:
        if first > cursor:
            rows.append(Elision(cursor, first - 1))
        rows.extend(
            CodeLine(number, rendered[number - start_line], number in marked, tuple(notes_on.get(number, ())))
            for number in range(first, last + 1)
        )
        cursor = last + 1
    if cursor <= end_line:
        rows.append(Elision(cursor, end_line))
    return rows


def links_from_uses(text: str, text_start_byte: int, uses: Iterable[Any]) -> list[CodeLink]:
    """Index uses (byte offsets in the file) → character-offset links within an excerpt `text`.

    `text_start_byte` is the file byte offset where `text` begins. Uses without a target are skipped:
    a missing link is acceptable, a wrong one is not.
    """
    if text.isascii():  # the common case: byte offsets are character offsets
        n = len(text)
        return [
            CodeLink(use.start_byte - text_start_byte, use.end_byte - text_start_byte, use.target)
            for use in uses
            if use.target and 0 <= use.start_byte - text_start_byte <= n and 0 <= use.end_byte - text_start_byte <= n
        ]
    encoded = text.encode()
    char_of_byte: dict[int, int] = {}
    b = 0
    for c, ch in enumerate(text):
        char_of_byte[b] = c
        b += len(ch.encode())
    char_of_byte[b] = len(text)
    links = []
    for use in uses:
        if not use.target:
            continue
        s, e = use.start_byte - text_start_byte, use.end_byte - text_start_byte
        if s < 0 or e > len(encoded) or s not in char_of_byte or e not in char_of_byte:
            continue
        links.append(CodeLink(char_of_byte[s], char_of_byte[e], use.target))
    return links


def line_start_byte(data: bytes, line: int) -> int:
    """Byte offset where 1-based `line` starts in `data`."""
    pos = 0
    for _ in range(line - 1):
        pos = data.index(b"\n", pos) + 1
    return pos


# ---------------------------------------------------------------------------------------------------------------
# Python models


@dataclass(frozen=True)
class PythonModel:
    """The source of a paired Python object, read statically (the model is never imported to render it)."""

    ref: str
    module: str
    qualname: str
    path: str
    """Path of the module file relative to the project root (`walkthrough/reimpl/kubernetes/authn.py`)."""
    start_line: int
    end_line: int
    source: str

    @property
    def run_command(self) -> str:
        """The command that runs the model's demo."""
        return f"python -m {self.module}"


class ModelNotFound(LookupError):
    """A `module:qualname` that names no module file or no definition in it."""


@cache
def _module_source(file: Path, mtime_ns: int) -> tuple[str, str]:  # noqa: ARG001 - mtime_ns keys the cache
    """A model module's source and its digest, read once per version (many cards pair with one module)."""
    source = file.read_text(encoding="utf-8")
    return source, hashlib.sha256(source.encode()).hexdigest()


@cache
def _module_tree(digest: str, source: str) -> Any:  # noqa: ARG001 - digest keys the cache
    return ast.parse(source)


@cache
def _this_code() -> str:
    """A digest of this module: a remembered span is only as good as the code that found it."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def load_python_model(
    ref: str, project_root: Path, spans: MutableMapping[str, str] | None = None
) -> PythonModel:
    """Find `module:qualname` by reading the module's source with `ast` (decorators included).

    `spans` (a fragment store) remembers the line span found in a source, by its digest, so that a
    rebuild parses no module whose text did not change.

    Raises:
        ModelNotFound: the reference is malformed, or the module or the definition does not exist.
    """
    module, sep, qualname = ref.partition(":")
    if not sep or not module or not qualname:
        msg = f"python pair {ref!r} is not of the form module:qualname"
        raise ModelNotFound(msg)
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError) as exc:
        raise ModelNotFound(f"python module {module!r} cannot be found: {exc}") from exc
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise ModelNotFound(f"python module {module!r} cannot be found")
    file = Path(spec.origin)
    source, digest = _module_source(file, file.stat().st_mtime_ns)
    key = f"python-span|{_this_code()}|{digest}|{qualname}"
    known = spans.get(key) if spans is not None else None
    if known is not None:
        first, end = (int(n) for n in known.split())
    else:
        first, end = _definition_span(module, qualname, _module_tree(digest, source))
        if spans is not None:
            spans[key] = f"{first} {end}"
    lines = source.split("\n")
    try:
        rel = file.resolve().relative_to(project_root.resolve()).as_posix()
    except ValueError:
        rel = module.replace(".", "/") + ".py"
    return PythonModel(ref, module, qualname, rel, first, end, "\n".join(lines[first - 1 : end]))


def _definition_span(module: str, qualname: str, tree: Any) -> tuple[int, int]:
    """First line (decorators included) and last line of the definition `qualname` in a module's tree."""
    node = tree
    for part in qualname.split("."):
        found = None
        for child in getattr(node, "body", []):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and child.name == part:
                found = child
        if found is None:
            raise ModelNotFound(f"{module} has no {qualname!r} (looked for {part!r})")
        node = found
    return min([node.lineno, *(d.lineno for d in node.decorator_list)]), node.end_lineno


# ---------------------------------------------------------------------------------------------------------------
# Cards and pages


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
    location: str = ""
    """`chapter.md:line` of the directive, shown to authors in a data attribute."""


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
        self.env.globals["SYM"] = SYM_SCHEME
        self.env.globals["PAGE"] = PAGE_SCHEME

    def card(self, card: Card) -> Markup:
        """The HTML of one excerpt card."""
        ex = card.excerpt
        notes = tuple(
            CodeNote(i + 1, note.line, card.note_html[i] if i < len(card.note_html) else escape(note.text))
            for i, note in enumerate(ex.notes)
        )
        rows = build_code_rows(
            ex.text,
            ex.start_line,
            links=card.links,
            shown=ex.shown,
            highlight=ex.highlight,
            notes=notes,
        )
        py_lines = highlight_lines(card.model.source, python_lexer()) if card.model else []
        html_text = self.env.get_template("card.html.jinja").render(
            card=card,
            ex=ex,
            rows=rows,
            notes=notes,
            model=card.model,
            py_lines=py_lines,
        )
        return Markup(html_text)

    def symbol_page(
        self,
        symbol: Symbol,
        card_html: Markup,
        referenced_by: Sequence[SymbolRef],
        references: Sequence[SymbolRef],
        permalink: str,
    ) -> Markup:
        """The body of a generated symbol page (the card carries code and doc comment)."""
        return Markup(
            self.env.get_template("symbol.html.jinja").render(
                symbol=symbol,
                card_html=card_html,
                referenced_by=referenced_by,
                references=references,
                permalink=permalink,
            )
        )

    def symbol_chapters(self, chapters: Sequence[tuple[str, str]]) -> Markup:
        """The list of chapters quoting a symbol's package (empty when there are none)."""
        return Markup(self.env.get_template("symbol_chapters.html.jinja").render(chapters=chapters))

    def standalone(self, **context: Any) -> str:
        """A whole HTML page in the theme's look (see `standalone.html.jinja` for the context)."""
        return self.env.get_template("standalone.html.jinja").render(**context)

    def symbol_index(self, groups: Sequence[tuple[str, Sequence[SymbolRef]]]) -> Markup:
        """The body of the symbol index: symbols grouped by upstream package directory."""
        return Markup(self.env.get_template("symbol_index.html.jinja").render(groups=groups))

    def about(self, upstreams: Sequence[UpstreamFacts], excerpt_count: int) -> Markup:
        """The body of "About the sources": pins, lock digests, and how they are verified."""
        return Markup(
            self.env.get_template("about.html.jinja").render(upstreams=upstreams, excerpt_count=excerpt_count)
        )

    def see_also(self, entries: Sequence[SeeAlso]) -> Markup:
        """The "see also" box closing a chapter."""
        if not entries:
            return Markup("")
        return Markup(self.env.get_template("see_also.html.jinja").render(entries=entries))


# ---------------------------------------------------------------------------------------------------------------
# Links


_REF = re.compile(r'href="(wt-sym:|wt-page:)([^"]*)"')


def fix_refs(text: str, url_for: Callable[[str, str], str | None]) -> tuple[str, list[str]]:
    """Rewrite `wt-sym:`/`wt-page:` hrefs with `url_for(scheme, target)`; return the HTML and unresolved targets.

    An unresolved target keeps no href (the text stays, the link goes), and is reported so the caller
    can warn (and `--strict` fail).
    """
    missing: list[str] = []

    def swap(match: re.Match[str]) -> str:
        scheme, target = match.group(1), html.unescape(match.group(2))
        url = url_for(scheme, target)
        if url is None:
            missing.append(scheme + target)
            return 'data-missing="true"'
        return f'href="{escape(url)}"'

    return _REF.sub(swap, text), missing


# ---------------------------------------------------------------------------------------------------------------
# Diagram: a vertical flow of steps as inline SVG (no JavaScript, no CDN)


@dataclass(frozen=True)
class FlowStep:
    """One box of a flow diagram: label, an optional link (`chapter.md#frag`) and a subtitle."""

    label: str
    link: str | None
    detail: str


def parse_flow(source: str) -> list[FlowStep]:
    """Lines `Label | chapter.md#frag | detail` (link and detail optional; `-` for no link)."""
    steps = []
    for raw in source.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        label = parts[0]
        link = parts[1] if len(parts) > 1 and parts[1] not in ("", "-") else None
        detail = parts[2] if len(parts) > 2 else ""  # noqa: PLR2004 - the optional third field
        steps.append(FlowStep(label, link, detail))
    return steps


def flow_svg(steps: Sequence[FlowStep], title: str = "") -> Markup:
    """An accessible SVG of `steps` top to bottom, boxes linked via `wt-page:` hrefs."""
    box_w, box_h, gap, pad = 520, 64, 36, 16
    width = box_w + 2 * pad
    height = pad * 2 + len(steps) * box_h + max(len(steps) - 1, 0) * gap
    parts: list[str] = []
    for i, step in enumerate(steps):
        y = pad + i * (box_h + gap)
        box = Markup(
            '<rect class="wt-flow-box" x="{x}" y="{y}" width="{w}" height="{h}" rx="10"/>'
            '<text class="wt-flow-label" x="{cx}" y="{ty}" text-anchor="middle">{label}</text>'
            '<text class="wt-flow-detail" x="{cx}" y="{dy}" text-anchor="middle">{detail}</text>'
        ).format(
            x=pad, y=y, w=box_w, h=box_h, cx=pad + box_w // 2, ty=y + 27, dy=y + 49, label=step.label,
            detail=step.detail,
        )
        if step.link:
            box = Markup('<a class="wt-flow-link" href="{}{}">{}</a>').format(PAGE_SCHEME, step.link, box)
        parts.append(str(box))
        if i + 1 < len(steps):
            x = pad + box_w // 2
            y1, y2 = y + box_h, y + box_h + gap
            parts.append(
                f'<line class="wt-flow-arrow" x1="{x}" y1="{y1 + 2}" x2="{x}" y2="{y2 - 8}"/>'
                f'<path class="wt-flow-head" d="M{x - 6},{y2 - 10} L{x + 6},{y2 - 10} L{x},{y2 - 2} Z"/>'
            )
    label = title or " → ".join(s.label for s in steps)
    return Markup(
        '<figure class="wt-flow"><svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {w} {h}" '
        'width="{w}" aria-label="{label}"><title>{label}</title>{body}</svg></figure>'
    ).format(w=width, h=height, label=label, body=Markup("".join(parts)))


def flow_fence(source: str, language: str, css_class: str, options: Any, md: Any, **kwargs: Any) -> str:  # noqa: ARG001 - superfences' formatter signature
    """pymdownx.superfences custom fence formatter: ```` ```flow ```` blocks → inline SVG."""
    return str(flow_svg(parse_flow(source)))

