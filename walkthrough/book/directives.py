"""Directives in `chapters/*.md`: parse them, resolve excerpts against the index, report problems.

Two directives, in pymdownx "blocks" style, so the Markdown source reads like any other admonition:
`/// excerpt | SYMBOL-ID` quotes upstream code, `/// run | COMMAND` shows what one of our commands prints.
The excerpt grammar::

    /// excerpt | kubernetes:pkg/apiserver/authenticator.New
    id: authn-new                 # optional anchor id, unique in the chapter; default derived from the symbol
    doc: true                     # include the doc comment (default true)
    focus:                        # optional: keep only these line ranges of a long function
      - from: "func New("         #   first line containing this text (searching after the previous range)
        to: "if len(config.BasicAuthFile) > 0"    # first line containing this text, at or after `from`
      - from: "if len(authenticators) == 0"   # the last range may omit `to` (to the end), the first `from`
    highlight: ["union.New(authenticators...)"]   # lines to highlight (each anchor must match exactly one line)

Notes:
      - at: "group.NewGroupAdder"                 # anchor text: must match exactly one line of the excerpt
        text: Every authenticated user gets `system:authenticated` here.
    python: walkthrough.reimpl.kubernetes.authn:new_authenticator   # optional paired model, module:qualname
    ---
    Optional caption in our own words (Markdown).
    ///

The run grammar::

    /// run | walkthrough run kubernetes.authn
    id: authn-demo                # optional anchor id; default `run-` and the command's words (`run-kubernetes-authn`)
    ---
    Optional caption in our own words (Markdown).
    ///

Rules, precisely:

- A directive opens with a header line `/// NAME | ARGUMENT` (spaces around `|` optional, at most three
  spaces before `///`). NAME is `excerpt` or `run`; any other name is an error.
- An excerpt's ARGUMENT is a full symbol id of DESIGN.md's grammar, `UPSTREAM:PKGDIR.Name[.Method][@file.go]`.
- A run's ARGUMENT is one command, split into words as a POSIX shell would and checked against the
  allow-list of `walkthrough.book.runs` (`walkthrough run ...`, `walkthrough parity ...`, `python -m
  walkthrough.reimpl...`; no shell operators). Its only option is `id`. The command runs when the chapter
  is checked or built; its output is shown under it and recorded in `snapshots/runs.json`.
- The option header is YAML (a mapping). It ends at a line that is exactly `---` or at the first blank line;
  whatever follows, up to the closing line, is the caption (Markdown, may be empty). Options may be
  indented as a block (pymdownx puts them 4 spaces in); the common indentation is removed first.
- The block closes at the first line that is exactly `///` (surrounding spaces ignored). A block that
  reaches the end of the file, or another directive's header line, before its closing line is an error
  at its opening line (so a deleted `///` never turns the next directive into caption text); the scan
  goes on at that header. Directive-like text inside fenced code (``` or ~~~) is ignored, so a chapter
  can show the syntax.
- A plain (unquoted) `at:` or `text:` value is taken literally to the end of its line, so a `: ` or ` #`
  inside a note needs no quoting (plain YAML would reject the first and silently cut the second).
- A `python:` pair must import; if the object declares `@mirrors(...)`, the excerpt's symbol must be
  among them.
- Excerpt options: `id` (str), `doc` (bool), `focus` (list of {from, to}), `highlight` (list of str),
  `notes` (list of {at, text}), `python` (`module:qualname`). Anything else is an error.
- Anchor ids (`id`, or the default of each directive) are unique in a chapter, excerpts and runs alike.
- Anchors are plain substrings of an excerpt line (no regex). Focus ranges must come in order and must not
  overlap; the first range may omit `from` (start of the excerpt) and the last may omit `to` (its end);
  notes and highlights must match exactly one line, and that line must be shown by the focus.

The API the site plugin consumes::

    directives = parse_chapter(text, file="k8s-authenticator.md")  # -> list[Directive]; DirectiveError on bad syntax
    directives, problems = scan_chapter(text, file=...)             # same, collecting problems instead of raising
    found = scan(text, file=...)      # -> ChapterScan: .excerpts, .runs (list[RunDirective]), .problems
    result = expand_directive(directive, index_for)   # -> ChapterExcerpt; DirectiveError with .problems

`index_for(upstream_name)` returns an index (`walkthrough.index.protocol.IndexLike`). Sources missing is
the index's `SourcesError`, which is never turned into a Problem here: it propagates, and
`walkthrough.book.expand` (the loop over a chapter's directives) decides what it means.
Every Problem's `location` is `chapter.md:line`, `symbol` the id as written, `hint` the fix.
"""

from __future__ import annotations

import difflib
import json
import re
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from walkthrough.book.excerpt import Focus, NoteSpec, make_excerpt
from walkthrough.book.pairs import resolve_python
from walkthrough.book.runs import parse_command
from walkthrough.errors import AnchorError, DirectiveError, InputError, RunRefused, SymbolError
from walkthrough.models import Problem
from walkthrough.reimpl import GO_SYMBOLS_ATTR
from walkthrough.text import visible

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from walkthrough.index.protocol import IndexFor
    from walkthrough.models import Excerpt

HEADER_RE = re.compile(r"^[ ]{0,3}///[ \t]*(?P<name>[A-Za-z][\w-]*)[ \t]*(?:\|[ \t]*(?P<arg>.*?))?[ \t]*$")
CLOSE_RE = re.compile(r"^[ ]{0,3}///[ \t]*$")
FENCE_RE = re.compile(r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})")
SYMBOL_RE = re.compile(r"^(?P<upstream>[A-Za-z0-9_.-]+):(?P<rest>\S+)$")
PYTHON_RE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it: a tenth of the pure-Python parser's time over 260 directives."""


def _load_yaml(text: str) -> Any:
    """`text` parsed by the fast safe loader; on an error, by the pure-Python one, whose marks point at the line."""
    try:
        return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return yaml.safe_load(text)
KINDS = ("excerpt", "run")
OPTIONS = ("id", "doc", "focus", "highlight", "notes", "python")
RUN_OPTIONS = ("id",)
ANCHOR_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]*$")


@dataclass(frozen=True)
class Directive:
    """One `/// excerpt` block as written: where it is, what it names, its options and caption.

    `start`/`end` are character offsets into the chapter text covering the whole block, from the
    opening line's first character to just after the closing line's newline, so that a plugin can
    replace `text[start:end]`. `line` is the 1-based line of the opening `///`.
    """

    file: str
    line: int
    start: int
    end: int
    symbol: str
    options: dict[str, Any] = field(default_factory=dict)
    caption: str = ""
    option_lines: dict[str, int] = field(default_factory=dict)
    """1-based chapter line of each option key (for precise error locations)."""
    header: str = ""
    """The raw option header, kept to locate anchors in the chapter for error messages."""

    @property
    def location(self) -> str:
        """`chapter.md:line`, the form every problem cites."""
        return f"{self.file}:{self.line}"

    @property
    def upstream(self) -> str:
        """The upstream part of the symbol id (`kubernetes` of `kubernetes:pkg/...`)."""
        match = SYMBOL_RE.match(self.symbol)
        return match.group("upstream") if match else ""

    def anchor_id(self) -> str:
        """The HTML anchor of this excerpt: the `id` option, else derived from the symbol id."""
        given = self.options.get("id")
        if isinstance(given, str) and given:
            return given
        return default_anchor_id(self.symbol)

    def line_of(self, needle: str) -> int:
        """The chapter line of the first header line mentioning `needle` (else the directive's line)."""
        for offset, text in enumerate(self.header.split("\n"), start=1):
            if needle and needle in text:
                return self.line + offset
        return self.line


@dataclass(frozen=True)
class ChapterExcerpt:
    """A resolved directive: the excerpt to render and the anchor id to give it."""

    directive: Directive
    excerpt: Excerpt
    anchor_id: str


@dataclass(frozen=True)
class RunDirective:
    """One `/// run` block as written: where it is, its command (allowed, split into words), options and caption.

    `start`/`end` and `line` are as for `Directive`.
    """

    file: str
    line: int
    start: int
    end: int
    command: str
    words: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)
    caption: str = ""

    @property
    def location(self) -> str:
        """`chapter.md:line`, the form every problem cites."""
        return f"{self.file}:{self.line}"

    @property
    def symbol(self) -> str:
        """What problems name in place of a symbol: the command."""
        return self.command

    def anchor_id(self) -> str:
        """The HTML anchor of the output, and its key in `snapshots/runs.json`: `id`, else from the command."""
        given = self.options.get("id")
        if isinstance(given, str) and given:
            return given
        return default_run_id(self.words)


def default_run_id(words: tuple[str, ...]) -> str:
    """`walkthrough run kubernetes.authn` and `python -m walkthrough.reimpl.kubernetes.authn` -> `run-kubernetes-authn`.

    The words that only say how to start a demo are dropped; what is left says which demo with which
    arguments, so two blocks differ exactly when their commands do.
    """
    rest = list(words)
    if rest[:2] == ["walkthrough", "run"]:
        rest = rest[2:]
    elif rest[:2] == ["walkthrough", "parity"]:
        rest = rest[1:]
    elif rest[:1] in (["python"], ["python3"]):  # python -m MODULE ARGS
        rest = [module.removeprefix("walkthrough.reimpl.") for module in rest[2:3]] + rest[3:]
    slug = re.sub(r"[^A-Za-z0-9_]+", "-", " ".join(rest)).strip("-")
    return f"run-{slug}" if slug else "run"


def default_anchor_id(symbol_id: str) -> str:
    """`kubernetes:pkg/auth/group.GroupAdder.AuthenticateRequest` -> `pkg-auth-group-GroupAdder-AuthenticateRequest`.

    The upstream prefix is dropped (chapters rarely mix upstreams, and ids stay short); case is
    kept because Go distinguishes `New` from `new`.
    """
    rest = symbol_id.split(":", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_]+", "-", rest).strip("-") or "excerpt"


class ChapterScan(NamedTuple):
    """Every directive of a chapter as written, in chapter order per kind, and the syntax problems found."""

    excerpts: list[Directive]
    runs: list[RunDirective]
    problems: list[Problem]
    broken: list[str] = []  # noqa: RUF012 - a NamedTuple default, never mutated
    """Anchor ids of the blocks that did not parse (left open, refused, bad options; their problems are in
    `problems`): what was recorded for them is not gone."""


def scan(text: str, file: str) -> ChapterScan:
    """Find every directive of a chapter; syntax problems are collected, bad blocks skipped."""
    # Lines end at "\n" only, as in editors and upstream line numbers (str.splitlines would also split on
    # form feeds, U+2028 and others, and every location after one would be off).
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    offsets = [0]
    for raw in lines:
        offsets.append(offsets[-1] + len(raw))
    excerpts: list[Directive] = []
    runs: list[RunDirective] = []
    problems: list[Problem] = []
    broken: list[str] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        raw = lines[i].rstrip("\r\n")
        fence_match = FENCE_RE.match(raw)
        if fence is not None:
            if (fence_match and fence_match.group("fence")[0] == fence[0]
                    and len(fence_match.group("fence")) >= len(fence)):
                fence = None
            i += 1
            continue
        if fence_match:
            fence = fence_match.group("fence")
            i += 1
            continue
        opening = HEADER_RE.match(raw)
        if not opening:
            i += 1
            continue
        name, arg = opening.group("name"), (opening.group("arg") or "").strip()
        end = next((j for j in range(i + 1, len(lines)) if _ends_block(lines[j])), None)
        if end is None or not CLOSE_RE.match(lines[end].rstrip("\r\n")):
            problems.append(_unclosed(file, i, end, name, arg))
            broken.append(_block_id(lines[i + 1 : end], name, arg))
            if end is None:
                break
            i = end  # the header that interrupted this block opens the next one
            continue
        if name == "excerpt":
            directive, found = _parse_block(file, i, end, lines, offsets, arg)
            if directive is not None:
                excerpts.append(directive)
        elif name == "run":
            run, found = _parse_run(file, i, end, lines, offsets, arg)
            if run is not None:
                runs.append(run)
        else:
            close = difflib.get_close_matches(name, KINDS, n=1)
            found = [Problem(f"{file}:{i + 1}", f"unknown directive `/// {name}`",
                             hint=f"did you mean `/// {close[0]}`?" if close else
                             "directives are `/// excerpt | SYMBOL-ID` and `/// run | COMMAND`")]
        if found and name in KINDS:
            broken.append(_block_id(lines[i + 1 : end], name, arg))
        problems.extend(found)
        i = end + 1
    problems.extend(_duplicate_ids([*excerpts, *runs]))
    return ChapterScan(excerpts, runs, problems, broken)


_ID_LINE = re.compile(r"^\s*id:\s*[\"']?(?P<id>[A-Za-z][A-Za-z0-9_.:-]*)")


def _block_id(body: list[str], name: str, arg: str) -> str:
    """The anchor id a block that did not parse would have had: its `id:` line, else its kind's default."""
    for raw in body:
        if raw.strip() in ("", "---"):
            break
        match = _ID_LINE.match(raw)
        if match:
            return match.group("id")
    if name == "run":
        try:
            return default_run_id(parse_command(arg))
        except RunRefused:  # a refused command still has words, and they name the block
            try:
                return default_run_id(tuple(shlex.split(arg))) if arg.strip() else ""
            except ValueError:
                return ""
    return default_anchor_id(arg)


def _ends_block(raw: str) -> bool:
    """A closing `///` line, or another directive's header (which means the closing line is missing)."""
    line = raw.rstrip("\r\n")
    return bool(CLOSE_RE.match(line) or HEADER_RE.match(line))


def _unclosed(file: str, first: int, interrupted_at: int | None, name: str, arg: str) -> Problem:
    """The problem of a block whose closing `///` is missing, at its opening line."""
    what = f"`/// {name}` block"
    if interrupted_at is None:
        message = f"{what} is never closed (the file ends first)"
        hint = "end the block with a line holding only `///`"
    else:
        message = f"{what} is not closed before line {interrupted_at + 1}, where another directive opens"
        hint = f"end the block with a line holding only `///` before line {interrupted_at + 1}"
    return Problem(f"{file}:{first + 1}", message, symbol=arg or None, hint=hint)


def scan_chapter(text: str, file: str) -> tuple[list[Directive], list[Problem]]:
    """The excerpt directives of a chapter and every syntax problem of it (runs' included)."""
    found = scan(text, file)
    return found.excerpts, found.problems


def parse_chapter(text: str, file: str) -> list[Directive]:
    """Every excerpt directive of a chapter, in order; raises DirectiveError listing all syntax problems."""
    directives, problems = scan_chapter(text, file)
    if problems:
        raise DirectiveError(problems)
    return directives


class _Block(NamedTuple):
    """The parts of a directive block every kind shares: its options (YAML header) and caption."""

    options: dict[str, Any]
    option_lines: dict[str, int]
    header: str
    caption: str


def _split_block(
    file: str, first: int, close: int, lines: list[str], symbol: str | None
) -> tuple[_Block | None, list[Problem]]:
    """The option header (YAML) and the caption of the block between `first` and `close`."""
    location = f"{file}:{first + 1}"
    body = [raw.rstrip("\r\n") for raw in lines[first + 1 : close]]
    split = next((k for k, raw in enumerate(body) if raw.strip() in ("", "---")), len(body))
    header_lines = body[:split]
    caption = "\n".join(body[split + 1 :]).strip("\n") if split < len(body) else ""
    header = _literal_values(_dedent(header_lines))
    options: dict[str, Any] = {}
    option_lines: dict[str, int] = {}
    if header.strip():
        try:
            loaded = _load_yaml(header)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = first + 2 + (mark.line if mark is not None else 0)
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            return None, [Problem(f"{file}:{line}", f"directive options are not valid YAML: {reason}", symbol=symbol,
                                  hint="options are `key: value` lines; quote anchors that hold `:` or `#`")]
        if not isinstance(loaded, dict):
            return None, [Problem(location, "directive options must be `key: value` lines", symbol=symbol,
                                  hint="put the caption after a `---` line or a blank line")]
        options = loaded
        for offset, text in enumerate(header.split("\n"), start=1):
            key = text.split(":", 1)[0]
            if text[:1] not in (" ", "\t", "-", "#") and key in options:
                option_lines.setdefault(key, first + 1 + offset)
    return _Block(options, option_lines, "\n".join(header_lines), caption), []


def _parse_block(
    file: str, first: int, close: int, lines: list[str], offsets: list[int], arg: str
) -> tuple[Directive | None, list[Problem]]:
    location = f"{file}:{first + 1}"
    symbol = arg.strip()
    problems: list[Problem] = []
    if not symbol:
        return None, [Problem(location, "excerpt directive names no symbol",
                              hint="write `/// excerpt | UPSTREAM:PKGDIR.Name`, "
                                   "e.g. `kubernetes:pkg/auth/group.NewGroupAdder`")]
    if not SYMBOL_RE.match(symbol):
        problems.append(Problem(location, f"`{symbol}` is not a full symbol id", symbol=symbol,
                                hint="use `UPSTREAM:PKGDIR.Name`, e.g. `kubernetes:pkg/auth/group.NewGroupAdder`"))
    block, found = _split_block(file, first, close, lines, symbol)
    if block is None:
        return None, [*problems, *found]
    directive = Directive(
        file=file, line=first + 1, start=offsets[first], end=offsets[close + 1], symbol=symbol,
        options=block.options, caption=block.caption, option_lines=block.option_lines, header=block.header,
    )
    problems.extend(_validate_options(directive))
    return (directive if not problems else None), problems


def _parse_run(
    file: str, first: int, close: int, lines: list[str], offsets: list[int], command: str
) -> tuple[RunDirective | None, list[Problem]]:
    """A run block: its command must be allowed (`walkthrough.book.runs`), its only option is `id`."""
    location = f"{file}:{first + 1}"
    try:
        words = parse_command(command)
    except RunRefused as exc:
        shown = f"$ {visible(command)}" if command else ""
        return None, [Problem(location, f"run command refused: {exc.message}", hint=exc.hint, detail=shown)]
    block, found = _split_block(file, first, close, lines, command)
    if block is None:
        return None, found
    problems = [
        Problem(f"{file}:{block.option_lines.get(key, first + 1)}", f"unknown run option `{key}`", symbol=command,
                hint=f"a run block's options are: {', '.join(RUN_OPTIONS)}")
        for key in block.options if key not in RUN_OPTIONS
    ]
    given = block.options.get("id")
    if "id" in block.options and not (isinstance(given, str) and ANCHOR_ID_RE.match(given)):
        problems.append(Problem(f"{file}:{block.option_lines.get('id', first + 1)}",
                                f"`id` must be a word of letters, digits, `-`, `_`, `.`, `:`; got {given!r}",
                                symbol=command, hint="e.g. `id: authn-demo`"))
    if problems:
        return None, problems
    return RunDirective(
        file=file, line=first + 1, start=offsets[first], end=offsets[close + 1], command=command, words=words,
        options=block.options, caption=block.caption,
    ), []


_LITERAL_RE = re.compile(r"^(?P<head>\s*(?:-\s+)?(?:at|text):[ \t]+)(?P<value>[^\s\"'>|\[{&*!%@`].*?)[ \t]*$")


def _literal_values(header: str) -> str:
    """Quote plain `at:`/`text:` values holding `: ` or ` #`, which YAML would reject or truncate."""
    out = []
    for line in header.split("\n"):
        match = _LITERAL_RE.match(line)
        value = match.group("value") if match else ""
        if match and (": " in value or " #" in value or value.endswith(":")):
            out.append(match.group("head") + json.dumps(value, ensure_ascii=False))
        else:
            out.append(line)
    return "\n".join(out)


def _dedent(lines: list[str]) -> str:
    widths = [len(raw) - len(raw.lstrip(" ")) for raw in lines if raw.strip()]
    cut = min(widths, default=0)
    return "\n".join(raw[cut:] for raw in lines)


def _validate_options(d: Directive) -> list[Problem]:
    """Shape checks that need no index: unknown keys, types, focus/notes entries, python syntax."""
    problems: list[Problem] = []

    def bad(key: str, message: str, hint: str) -> None:
        problems.append(Problem(f"{d.file}:{d.option_lines.get(key, d.line)}", message, symbol=d.symbol, hint=hint))

    for key in d.options:
        if key not in OPTIONS:
            close = difflib.get_close_matches(str(key), OPTIONS, n=1)
            bad(str(key), f"unknown directive option `{key}`",
                f"did you mean `{close[0]}`?" if close else f"options are: {', '.join(OPTIONS)}")
    opts = d.options
    if "id" in opts and not (isinstance(opts["id"], str) and ANCHOR_ID_RE.match(opts["id"])):
        bad("id", f"`id` must be a word of letters, digits, `-`, `_`, `.`, `:`; got {opts['id']!r}",
            "e.g. `id: authn-new`")
    if "doc" in opts and not isinstance(opts["doc"], bool):
        bad("doc", f"`doc` must be true or false; got {opts['doc']!r}",
            "write `doc: false` to leave out the doc comment")
    if "focus" in opts:
        focus = opts["focus"]
        if not isinstance(focus, list) or not focus or not all(
            isinstance(r, dict) and r and set(r) <= {"from", "to"} and all(isinstance(v, str) and v for v in r.values())
            for r in focus
        ):
            bad("focus", "`focus` must be a list of `{from: TEXT, to: TEXT}` ranges",
                'e.g. `focus: [{from: "func New(", to: "return"}]` (the first may omit `from`, the last `to`)')
    if "highlight" in opts:
        hl = opts["highlight"]
        if not isinstance(hl, list) or not all(isinstance(v, str) and v for v in hl):
            bad("highlight", "`highlight` must be a list of anchor texts", 'e.g. `highlight: ["union.New("]`')
    if "notes" in opts:
        notes = opts["notes"]
        if not isinstance(notes, list) or not all(
            isinstance(n, dict) and set(n) == {"at", "text"} and isinstance(n["at"], str) and n["at"]
            and isinstance(n["text"], str) and n["text"].strip()
            for n in notes
        ):
            bad("notes", "`notes` must be a list of `{at: ANCHOR, text: MARKDOWN}`",
                "each note needs exactly the keys `at` (a text on one excerpt line) and `text`")
    if "python" in opts and not (isinstance(opts["python"], str) and PYTHON_RE.match(opts["python"])):
        bad("python", f"`python` must be `module:qualname`; got {opts['python']!r}",
            "e.g. `python: walkthrough.reimpl.kubernetes.authn:new_authenticator`")
    return problems


def _duplicate_ids(directives: list[Directive | RunDirective]) -> list[Problem]:
    seen: dict[str, Directive | RunDirective] = {}
    problems = []
    for d in directives:
        anchor = d.anchor_id()
        if anchor in seen:
            problems.append(Problem(d.location, f"anchor id `{anchor}` is already used at line {seen[anchor].line}",
                                    symbol=d.symbol, hint="give one of them its own `id:` option"))
        else:
            seen[anchor] = d
    return problems


def expand_directive(
    directive: Directive, index_for: IndexFor, *, static_pairs: Mapping[str, Sequence[str]] | None = None
) -> ChapterExcerpt:
    """Resolve one directive against the index: the excerpt, its focus, notes, highlights and Python pair.

    With `static_pairs` (the site, which only reads the models' source: `book.pairs.all_pairs()`) a pair
    that the static `@mirrors` scan already pairs with this symbol is taken as it is; anything else is
    imported and checked as `check` checks every pair.

    Raises DirectiveError listing every problem of this directive (unknown symbol with suggestions,
    anchors matching nothing or twice with near matches, focus out of order, Python pair missing).
    SourcesError from `index_for` propagates untouched.
    """
    d = directive
    index = index_for(d.upstream)
    try:
        symbol = index.lookup(d.symbol)
    except SymbolError as exc:
        cands = tuple(exc.candidates)
        hint = f"did you mean {', '.join(f'`{c}`' for c in cands[:5])}?" if cands else (
            "run `walkthrough symbols NAME` to find the id")
        problem = Problem(d.location, exc.message, symbol=d.symbol, hint=hint)  # unknown, ambiguous or malformed
        raise DirectiveError([problem]) from None
    if symbol.has_error:
        raise DirectiveError([Problem(d.location, "the parser found syntax errors inside this symbol's span",
                                      symbol=d.symbol, hint="check the pinned sources (`walkthrough sources verify`)")])
    opts = d.options
    focus = tuple(Focus(r.get("from"), r.get("to")) for r in opts.get("focus", ()))
    notes = tuple(NoteSpec(n["at"], n["text"].strip()) for n in opts.get("notes", ()))
    python = opts.get("python")
    problems: list[Problem] = []
    if python and python not in (static_pairs or {}).get(symbol.id, ()):
        where = f"{d.file}:{d.option_lines.get('python', d.line)}"
        try:
            paired = resolve_python(python)
        except InputError as exc:
            problems.append(Problem(where, exc.message, symbol=d.symbol, hint=exc.hint))
        else:
            # A model that declares what it mirrors (`@mirrors`) must mirror this symbol; one that declares
            # nothing (a Protocol, a helper) is accepted as the author's choice.
            mirrored = getattr(paired, GO_SYMBOLS_ATTR, None)
            if mirrored is not None and symbol.id not in mirrored:
                problems.append(Problem(
                    where, f"python pair `{python}` does not mirror this symbol", symbol=d.symbol,
                    hint=f"it mirrors {', '.join(f'`{m}`' for m in mirrored)}; "
                    "pair another object or add the id to its @mirrors",
                ))
    try:
        excerpt = make_excerpt(
            symbol, index.text(symbol.path), index.pin, doc=opts.get("doc", True), focus=focus,
            highlight=tuple(opts.get("highlight", ())), notes=notes, python=python,
            anchor_id=d.anchor_id(), caption=d.caption, location=d.location,
        )
    except AnchorError as exc:
        problems.extend(
            Problem(f"{d.file}:{d.line_of(err.anchor)}", err.message, symbol=d.symbol, hint=err.hint)
            for err in exc.errors
        )
        raise DirectiveError(problems) from None
    if problems:
        raise DirectiveError(problems)
    return ChapterExcerpt(directive=d, excerpt=excerpt, anchor_id=d.anchor_id())
