"""What `explain` shows, as data: rich renderables for a terminal, plain text for a pipe, JSON. No printing.

Upstream text (code, doc comments) is never interpreted: it goes into `rich.text.Text` objects
(code highlighted by `go_pieces`' small tokenizer into plain segments), never through markup or emoji
codes, and `walkthrough.text.visible` first replaces control, invisible and bidirectional characters by
`<U+XXXX>` (Trojan Source, escape sequences).
rich is imported only by `renderable()`: a piped `explain` pays for none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from walkthrough.text import visible

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from walkthrough.models import Pin, Symbol

NOTE_STYLE = "bold yellow"
"""How a note's mark and number stand out in the terminal."""

SHOWN_LINKS = 8
"""How many references / referenced-by ids are listed before "and N more"."""

class Reading(NamedTuple):
    """A card of the walkthrough quoting a symbol: where it is, and its notes as (upstream line, text)."""

    chapter: str
    title: str
    url: str
    """The card on the site, relative to its root (`k8s-authenticator/#authn-request-interface`)."""
    notes: Sequence[tuple[int, str]] = ()

    def to_json(self) -> dict[str, Any]:
        """The reading as `--json` carries it."""
        return {"chapter": self.chapter, "title": self.title, "url": self.url,
                "notes": [{"line": line, "text": text} for line, text in self.notes]}


class Explanation(NamedTuple):
    """Everything `explain` says about one symbol; `code` is the whole lines start_line..end_line."""

    symbol: Symbol
    pin: Pin
    code: str
    references: Sequence[str] = ()
    referenced_by: Sequence[str] = ()
    chapters: Sequence[str] = ()
    python: Sequence[str] = ()
    today: Any = None
    """With `--today`: the `walkthrough.check.today.Counterpart` of the symbol in today's releases."""
    today_title: str = ""
    """How the pins name the release it was found in (`k8s.io/apiserver v0.36.3 (Kubernetes 1.36)`)."""
    readings: Sequence[Reading] = ()
    """The walkthrough's cards quoting the symbol: chapter, title, site URL, notes at their lines."""
    model: Any = None
    """With `--model`: the paired Python member (`walkthrough.book.pairs.PythonModel`)."""
    files: Sequence[str] = ()
    """For a package: its Go files."""
    declarations: Sequence[str] = ()
    """For a package: the ids of its package-level declarations."""

    def marks(self) -> dict[int, str]:
        """Upstream line → the number of the note on it (of the first card quoting the symbol)."""
        if not self.readings:
            return {}
        return {line: str(n) for n, (line, _) in enumerate(self.readings[0].notes, start=1)}

    @property
    def permalink(self) -> str:
        """The symbol's lines on GitHub at the pinned commit."""
        return self.pin.permalink(self.symbol.path, self.symbol.start_line, self.symbol.end_line)

    @property
    def location(self) -> str:
        """`path:start-end at upstream@tag`."""
        s = self.symbol
        return f"{s.path}:{s.start_line}-{s.end_line} at {self.pin.label}"

    def to_json(self, *, code: bool = True) -> dict[str, Any]:
        """The `--json` object (upstream text verbatim: JSON escapes it)."""
        s = self.symbol
        return {
            "id": s.id,
            "upstream": s.upstream,
            "path": s.path,
            "kind": s.kind.value,
            "start_line": s.start_line,
            "end_line": s.end_line,
            "doc_start_line": s.doc_start_line,
            "permalink": self.permalink,
            "code": self.code if code else None,
            "references": list(self.references),
            "referenced_by": list(self.referenced_by),
            "chapters": list(self.chapters),
            "python": list(self.python),
            "doc": s.doc,
            "walkthrough": [r.to_json() for r in self.readings],
            **({"model": {"ref": self.model.ref, "path": self.model.path, "start_line": self.model.start_line,
                          "end_line": self.model.end_line, "source": self.model.source}} if self.model else {}),
            **({"files": list(self.files), "declarations": list(self.declarations)}
               if s.kind.value == "package" else {}),
            **({"today": {**self.today.to_json(), "title": self.today_title, **({} if code else {"diff": None})}}
               if self.today is not None else {}),
        }

    def today_lines(self, *, code: bool = True) -> list[str]:
        """The `--today` section as plain lines (upstream text made visible): status, where, how found, diff."""
        found = self.today
        if found is None:
            return []
        head = f"today: {found.status.value}"
        if found.status.found:
            head += f" in {self.today_title or found.release}"
        lines = [head]
        if found.target:
            lines.append(f"  {found.target}")
            size = f"  +{found.added} -{found.removed}" if found.added or found.removed else "  (same text)"
            lines.append(f"  {found.span}{size}")
            lines.append(f"  {found.permalink}")
        if found.where:
            lines.append(f"  lives in {found.where} (not tracked here)")
        if found.reason:  # declared in the pins: a person's reading, not a score
            lines.append(f"  named by the walkthrough (snapshots/upstreams.toml): {found.reason}")
        elif found.via:
            lines.append(f"  {found.via}" + (f", score {found.score:.2f}" if found.score is not None else ""))
        lines += [f"  nearest: {cand} ({score:.2f})" for cand, score in found.candidates]
        if code and found.diff:
            lines += ["", *visible(found.diff).split("\n")]
        return lines


def _some(ids: Sequence[str], limit: int = SHOWN_LINKS) -> list[str]:
    shown = list(ids[:limit])
    if len(ids) > limit:
        shown.append(f"and {len(ids) - limit} more")
    return shown


def plain_text(ex: Explanation, *, code: bool = True) -> str:
    """The explanation for a pipe or a dumb terminal: no colour, no boxes, upstream text made visible."""
    s = ex.symbol
    lines = [f"{s.kind.value} {s.id}", ex.location, ex.permalink]
    if s.doc:
        lines += ["", *visible(s.doc).splitlines()]
    if code:
        # Formatted here, not by GoCode: a pipe needs no tokens (its cost grows with the code, 10 ms for 600 lines).
        width = len(str(s.end_line))
        marks = ex.marks()
        lines.append("")
        # tabs expanded as on a terminal: a tab after a gutter of another width would land on another stop
        for n, line in enumerate(visible(ex.code).expandtabs(4).split("\n"), s.start_line):
            gutter = (f" {marks[n]:>2}> " if n in marks else "     ") if marks else "  "
            lines.append(f"{n:>{width}}{gutter}{line}")
    lines += _walkthrough_lines(ex)
    if code and ex.model is not None:
        lines += ["", f"python model {ex.model.ref} ({ex.model.path}:{ex.model.start_line}):"]
        lines += [f"{n:>5}  {line}" for n, line in enumerate(ex.model.source.split("\n"), ex.model.start_line)]
    for title, items in _lists(ex):
        if items:
            lines += ["", f"{title} ({len(items)}):", *(f"  {x}" for x in _some(items))]
    if ex.today is not None:
        lines += ["", *ex.today_lines(code=code)]
    return "\n".join(lines) + "\n"


def _lists(ex: Explanation) -> list[tuple[str, Sequence[str]]]:
    if ex.symbol.kind.value == "package":
        return [("files", ex.files), ("declarations", ex.declarations), ("chapters", ex.chapters)]
    return [("references", ex.references), ("referenced by", ex.referenced_by), ("chapters", ex.chapters),
            ("python", ex.python)]


def _walkthrough_lines(ex: Explanation, width: int = 100) -> list[str]:
    """Each card quoting the symbol: its chapter and site address, then its notes, numbered as in the code."""
    out: list[str] = []
    for k, reading in enumerate(ex.readings):
        out += ["", f"walkthrough: {reading.title}", f"  {reading.chapter} · site: {reading.url}"]
        for n, (line, text) in enumerate(reading.notes, start=1):
            mark = f"{n:>2}> L{line}  " if k == 0 else f"  - L{line}  "
            wrapped = _wrap(_plain_markdown(text), max(40, width - len(mark) - 2))
            out += [f"  {mark}{wrapped[0]}", *(" " * (len(mark) + 2) + w for w in wrapped[1:])]
    return out


def _wrap(text: str, width: int) -> list[str]:
    """Words of `text` in lines of at most `width` columns (a word longer than that keeps its own line).

    Not textwrap: importing it compiles regular expressions that cost more than the rest of the notes.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current]


def _plain_markdown(text: str) -> str:
    """A note's Markdown as terminal text: code spans keep their words, emphasis marks go."""
    return " ".join(text.replace("**", "").replace("`", "").split())


def renderable(ex: Explanation, *, code: bool = True, theme: str = "ansi_dark", width: int = 100) -> Styled:
    """As one rich renderable: header, doc, highlighted code with upstream line numbers, notes, links.

    One `Styled` block of (text, style) pieces, not a `Group` of `Text`s: rich renders a `Text` through
    its whole line-splitting machinery, which cost the warm terminal `explain` a fifth of its budget.
    """
    s = ex.symbol
    pieces: list[tuple[str, str | None]] = [
        (s.kind.value, "bold magenta"), (" ", None), (s.id, "bold"), ("\n", None),
        (s.path, "cyan"), (f":{s.start_line}-{s.end_line} at ", None), (ex.pin.label, "green"), ("\n", None),
        (ex.permalink, f"link {ex.permalink}"), ("\n", None),
    ]
    if s.doc:
        pieces += [("\n", None), (visible(s.doc), "italic"), ("\n", None)]
    if code:
        pieces += [("\n", None), *go_pieces(visible(ex.code), s.start_line, theme=theme, marks=ex.marks()),
                   ("\n", None)]
    notes = _walkthrough_lines(ex, width)[1:]
    if notes:
        pieces.append(("\n", None))
        for line in notes:
            if line.startswith("walkthrough: "):
                pieces += [("walkthrough: ", "bold"), (line[13:], "bold green")]
            elif line.lstrip()[:1].isdigit() and ">" in line[:6]:
                head, _, rest = line.partition(">")
                pieces += [(head + ">", NOTE_STYLE), (rest, None)]
            else:
                pieces.append((line, None))
            pieces.append(("\n", None))
    if code and ex.model is not None:
        pieces += [("\n", None), ("python model ", "bold"), (ex.model.ref, "bold cyan"),
                   (f" ({ex.model.path}:{ex.model.start_line})\n", None)]
        pieces += [(f"{n:>5}  {line}\n", None)
                   for n, line in enumerate(ex.model.source.split("\n"), ex.model.start_line)]
    for title, items in _lists(ex):
        if items:
            pieces += [("\n", None), (f"{title} ({len(items)}):", "bold"), ("\n", None)]
            pieces += [(f"  {x}\n", None) for x in _some(items)]
    if ex.today is not None:
        today_head, *today_rest = ex.today_lines(code=code)
        pieces += [("\n", None), (today_head, "bold"), ("\n", None)]
        for line in today_rest:
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else None
            pieces += [(line, style), ("\n", None)]
    last, style = pieces.pop()  # Styled ends its block with a newline of its own
    last = last.removesuffix("\n")
    if last:
        pieces.append((last, style))
    return Styled(pieces)


GO_STYLES: dict[str, dict[str, str]] = {
    "ansi_dark": {
        "comment": "bright_black italic",
        "string": "yellow",
        "keyword": "bold magenta",
        "builtin": "cyan",
        "number": "blue",
        "lineno": "bright_black",
    },
}
"""Token styles of `go_pieces` per theme (the names follow rich's Syntax themes)."""

_KIND_OF_CLASS: dict[str, str] = {
    **dict.fromkeys(("c1", "cm"), "comment"),
    **dict.fromkeys(("s", "sc"), "string"),
    **dict.fromkeys(("k", "kd", "kn"), "keyword"),
    **dict.fromkeys(("kt", "kc", "nb"), "builtin"),
    **dict.fromkeys(("m", "mf", "mo", "mh", "mi"), "number"),
}
"""The Go lexer's classes (`walkthrough.html.golex`, the site's too) the terminal colours, by style kind."""


def go_pieces(
    code: str, start_line: int = 1, *, theme: str = "ansi_dark", marks: Mapping[int, str] | None = None
) -> list[tuple[str, str | None]]:
    """Go code as (text, style) pieces with upstream line numbers, one line after another.

    The tool's one Go lexer (`walkthrough.html.golex`, which the site uses too) instead of rich's
    `Syntax`: pygments and its Go lexer cost more than the rest of `explain`. `code` should already have
    gone through `visible()`; tabs are expanded to 4 columns here. Only coloured tokens are scanned
    (`golex.coloured`), the text between them is the plain run; then the pieces are split at newlines to
    number the lines, and neighbouring unstyled text is merged: rich's cost is per piece.
    """
    styles = GO_STYLES.get(theme, GO_STYLES["ansi_dark"])
    code = code.expandtabs(4)
    style_of = {cls: styles[kind] for cls, kind in _KIND_OF_CLASS.items()}
    from walkthrough.html import golex  # noqa: PLC0415 - only a terminal colours code

    width = len(str(start_line + code.count("\n")))
    lineno_style = styles["lineno"]
    blank = "     " if marks else "  "
    pieces: list[tuple[str, str | None]] = []

    def number(n: int) -> str:
        """Append line `n`'s number (and its note mark, ` 2>`, if noted); return the blanks that follow."""
        pieces.append((str(n).rjust(width), lineno_style))
        if marks and n in marks:
            pieces.append((f" {marks[n]:>2}>", NOTE_STYLE))
            return " "
        return blank

    line_no = start_line
    plain = number(line_no)  # unstyled text not yet appended: neighbours merge, so rich has fewer segments
    pos = 0
    for begin, cls, text in (*golex.coloured(code), (len(code), None, "")):
        gap = code[pos:begin]  # the plain text before the token (the last "token" ends the code)
        if "\n" in gap:
            first, *middle, last = gap.split("\n")
            pieces.append((plain + first + "\n", None))
            for line in middle:
                line_no += 1
                pieces.append((number(line_no) + line + "\n", None))
            line_no += 1
            plain = number(line_no) + last
        else:
            plain += gap
        if cls is None:
            break
        pos = begin + len(text)
        for i, part in enumerate(text.split("\n") if "\n" in text else (text,)):
            if i:  # a comment or raw string over several lines: end the line, number the next
                pieces.append((plain + "\n", None))
                line_no += 1
                plain = number(line_no)
            if part:
                if plain:
                    pieces.append((plain, None))
                    plain = ""
                pieces.append((part, style_of[cls]))
    if plain:
        pieces.append((plain, None))
    return pieces


class Styled:
    """A rich renderable of (text, style) pieces, rendered as one segment of text with its colours.

    Rich neither parses, wraps nor re-splits it: rendering a 600-line `Text` cost more than the rest
    of `explain`, and so did yielding a segment per token. The escape codes are rich's own, made as
    its `Console` makes them (each piece's `Style.render` for the console's colour system, colours
    dropped under NO_COLOR); a console without a colour system gets the plain text, and Windows'
    legacy console, which rich styles through its own API, a segment per piece.
    """

    def __init__(self, pieces: list[tuple[str, str | None]]) -> None:
        self.pieces = pieces

    @property
    def plain(self) -> str:
        """The text without styles, as a pipe would show it."""
        return "".join(text for text, _ in self.pieces)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        """Yield the pieces as segments (see the class docstring)."""
        from rich.console import COLOR_SYSTEMS  # noqa: PLC0415
        from rich.segment import Segment  # noqa: PLC0415
        from rich.style import Style  # noqa: PLC0415

        styles = {name: Style.parse(name) for name in {name for _, name in self.pieces if name is not None}}
        if console.no_color:  # NO_COLOR: bold and italic stay, as rich's own rendering does
            styles = {name: style.without_color for name, style in styles.items()}
        if console.legacy_windows:
            yield from (Segment(text, styles[name] if name else None) for text, name in self.pieces)
        elif console.color_system is None:
            yield Segment(self.plain)
        else:
            system = COLOR_SYSTEMS[console.color_system]
            wrap = {name: style.render("\0", color_system=system).split("\0") for name, style in styles.items()}
            out = []
            for text, name in self.pieces:
                if name is None or not text:
                    out.append(text)
                    continue
                start, end = wrap[name]
                if "\n" in text:  # line by line, as rich does: a pager sees whole lines
                    out.append("\n".join(f"{start}{line}{end}" if line else line for line in text.split("\n")))
                else:  # most pieces: one token
                    out.append(f"{start}{text}{end}")
            yield Segment("".join(out))
        yield Segment.line()


class GoCode(Styled):
    """Go code with upstream line numbers (and note marks) as one `Styled` block (`go_pieces`)."""

    def __init__(
        self, code: str, start_line: int = 1, *, theme: str = "ansi_dark", marks: Mapping[int, str] | None = None
    ) -> None:
        super().__init__(go_pieces(code, start_line, theme=theme, marks=marks))


def symbol_rows(symbols: list[Symbol]) -> list[tuple[str, str, str]]:
    """(kind, id, path:start-end) rows for `symbols` listings."""
    return [(s.kind.value, s.id, f"{s.path}:{s.start_line}-{s.end_line}") for s in symbols]
