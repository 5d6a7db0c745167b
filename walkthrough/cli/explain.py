"""`walkthrough explain SYMBOL` and `walkthrough symbols PATTERN`: the index, for people and scripts.

Output: rich on a terminal, plain text when piped (rich is then not even imported), JSON with
`--json`. Exit codes: 0 ok, 2 unknown / ambiguous / malformed symbol or a symbol with syntax errors,
3 sources not imported (the message names the command that imports them).

Imports here are few and late: a warm `explain` on a terminal is budgeted (bench/bench_explain.py).
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

from walkthrough.errors import SourcesMissing, SymbolError, WalkthroughError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from walkthrough.console import Explanation
    from walkthrough.index.protocol import Progress
    from walkthrough.index.reader import Index
    from walkthrough.models import Symbol

KINDS = (
    "package",
    "func",
    "method",
    "struct",
    "interface",
    "type",
    "field",
    "interface_method",
    "const",
    "var",
)


def _indexes(
    upstream: str | None, ref: str | None, *, progress: Progress | None
) -> tuple[list[Index], list[SourcesMissing]]:
    """The indexes to search: one upstream, or every pinned one; missing sources are returned, not raised."""
    from walkthrough.index.reader import load_index  # noqa: PLC0415

    if upstream is not None:
        return [load_index(upstream, ref, progress=progress)], []
    from walkthrough.sources.pins import load_pins  # noqa: PLC0415

    found, missing = [], []
    for name in load_pins():
        try:
            found.append(load_index(name, None, progress=progress))
        except SourcesMissing as exc:
            missing.append(exc)
    return found, missing


def resolve_symbol(
    text: str, upstream: str | None = None, *, progress: Progress | None = None
) -> tuple[Index, Symbol]:
    """The one symbol `text` names across the pinned upstreams (or `upstream`), with its index."""
    from walkthrough.symbolid import parse_query  # noqa: PLC0415

    query = parse_query(text)
    if query.upstream is not None:
        if upstream is not None and upstream != query.upstream:
            msg = f"{text!r} names upstream {query.upstream!r}, not {upstream!r}"
            raise SymbolError(msg, hint="drop --upstream or the UPSTREAM: prefix")
        idx = _indexes(query.upstream, query.tag, progress=progress)[0][0]
        return idx, idx.lookup(text)
    indexes, missing = _indexes(upstream, None, progress=progress)
    hits = [(idx, s) for idx in indexes for s in idx.matches(text)]
    if len(hits) == 1:
        return hits[0]
    if hits:
        ids = tuple(s.id for _, s in hits)
        msg = f"{text!r} is ambiguous: {len(ids)} symbols match"
        raise SymbolError(msg, candidates=ids, hint=_narrow_hint(text, ids))
    if missing:
        raise missing[0]
    from walkthrough.symbolid import plain_reading, unknown_symbol  # noqa: PLC0415 - only the error path

    plain = plain_reading(text)  # full-width and other compatibility forms, in plain letters
    exact = [s.id for idx in indexes for s in idx.matches(plain)] if plain != text else []
    near = [*exact, *(x for idx in indexes for x in idx.suggestions(plain))]
    raise unknown_symbol(text, list(dict.fromkeys(near))[:5])


SHOWN_CANDIDATES = 10


def _narrow_hint(text: str, ids: tuple[str, ...]) -> str:
    """The first candidates, how many more, and how to narrow: a package qualifier, an upstream, a search."""
    shown = ", ".join(ids[:SHOWN_CANDIDATES])
    more = f" and {len(ids) - SHOWN_CANDIDATES} more" if len(ids) > SHOWN_CANDIDATES else ""
    example = ids[0].partition(":")[2]
    pkg = example.rpartition("/")[2].partition(".")[0]
    return (f"use one of the full ids: {shown}{more}; narrow with the package (`{pkg}.{text}`), "
            f"`-u UPSTREAM`, or list them all with `walkthrough symbols {text}`")


def explanation(idx: Index, symbol: Symbol, *, with_links: bool = True) -> Explanation:
    """Assemble what `explain` shows from the index, the excerpt fingerprints and the model pairs."""
    from walkthrough.book.pairs import models_for  # noqa: PLC0415
    from walkthrough.console import Explanation  # noqa: PLC0415

    if symbol.has_error:
        lines = [n for n in idx.file_errors(symbol.path) if symbol.start_line <= n <= symbol.end_line]
        where = f" (lines {', '.join(map(str, lines[:5]))})" if lines else ""
        msg = f"{symbol.id} has syntax errors{where}: tree-sitter could not parse it, so it is not shown"
        raise SymbolError(
            msg,
            location=f"{symbol.path}:{symbol.start_line}",
            hint="check the file in the cache with `walkthrough sources verify`",
        )
    text = idx.text(symbol.path)
    code = _whole_lines(text, symbol.start_byte, symbol.end_byte)
    chapters, python, readings = _excerpt_links(symbol.id)
    for model in models_for(symbol.id):
        if model not in python:
            python.append(model)
    if symbol.kind.value == "package":
        return Explanation(
            symbol=symbol, pin=idx.pin, code=code, readings=readings,
            chapters=sorted({r.chapter for ex_symbol, r in _package_readings(symbol)}),
            files=idx.package_files(symbol.pkgdir),
            declarations=[f"{s.kind.value:<10} {s.qualname}" for s in idx.declarations(symbol.pkgdir)],
        )
    return Explanation(
        symbol=symbol,
        pin=idx.pin,
        code=code,
        references=idx.references(symbol) if with_links else [],
        referenced_by=idx.referenced_by(symbol.id) if with_links else [],
        chapters=chapters,
        python=python,
        readings=readings,
    )


def _package_readings(package: Symbol) -> list[tuple[str, Any]]:
    """(symbol id, reading) of every card quoting a symbol of the package."""
    prefix = f"{package.id}."
    return [(sid, r) for sid, r in _all_readings().items() if sid.startswith(prefix) and "/" not in sid[len(prefix):]]


def with_model(ex: Explanation) -> Explanation:
    """The explanation with its paired Python member (`--model`): the first model mirroring the symbol."""
    from walkthrough.book.pairs import load_python_model  # noqa: PLC0415
    from walkthrough.errors import ModelNotFound, UsageError  # noqa: PLC0415
    from walkthrough.paths import project_root  # noqa: PLC0415

    if not ex.python:
        raise UsageError(f"{ex.symbol.id} has no Python model", hint="`walkthrough explain` lists the pairs it has")
    try:
        model = load_python_model(ex.python[0], project_root(), go_symbol=ex.symbol.id)
    except ModelNotFound as exc:
        raise UsageError(str(exc)) from None
    return ex._replace(model=model)


def _whole_lines(data: bytes, start: int, end: int) -> str:
    """The bytes of the lines a span touches, decoded (Go is UTF-8; bad bytes replaced)."""
    begin = data.rfind(b"\n", 0, start) + 1
    stop = data.find(b"\n", end)
    return data[begin : stop if stop >= 0 else len(data)].decode("utf-8", "replace")


def _excerpt_links(symbol_id: str) -> tuple[list[str], list[str], list[Any]]:
    """Chapters quoting the symbol, their paired models and the cards with their notes (`Reading`s).

    Memoized per symbol, beside the memo of every symbol's links: a warm `explain` reads one small file,
    not the links of the whole book.
    """
    import hashlib  # noqa: PLC0415

    from walkthrough.console import Reading  # noqa: PLC0415
    from walkthrough.store import memoized  # noqa: PLC0415

    stats = _book_stats()
    if stats is None:
        return [], [], []
    name = "excerpt-link-" + hashlib.sha256(symbol_id.encode()).hexdigest()[:16]
    entry = memoized(name, f"{symbol_id}\x1e{stats}", lambda _key: _links(stats).get(symbol_id))
    if entry is None:
        return [], [], []
    chapters, python, cards = entry
    return list(chapters), list(python), [Reading(c[0], c[1], c[2], [tuple(n) for n in c[3]]) for c in cards]


def _all_readings() -> dict[str, Any]:
    """Symbol id → the first card quoting it, for every quoted symbol."""
    from walkthrough.console import Reading  # noqa: PLC0415

    stats = _book_stats()
    links = _links(stats) if stats is not None else {}
    return {sid: Reading(c[0], c[1], c[2], [tuple(n) for n in c[3]])
            for sid, (_, _, cards) in links.items() for c in cards[:1]}


def _book_files() -> list[tuple[str, str, os.stat_result]]:
    """(name, path, stat) of the excerpt fingerprints and every chapter: what the links are computed from."""
    from walkthrough.paths import chapters_dir, project_root, snapshots_dir  # noqa: PLC0415

    files = []
    try:
        fingerprints = str(snapshots_dir() / "excerpts.json")
        files.append(("excerpts.json", fingerprints, os.stat(fingerprints)))  # noqa: PTH116 - one stat, no Path
        with os.scandir(chapters_dir(project_root())) as found:  # scandir: stats without a Path per file
            files += sorted((e.name, e.path, e.stat()) for e in found if e.name.endswith(".md"))
    except (OSError, WalkthroughError):
        return files
    return files


def _book_stats() -> str | None:
    """The name, size and modification time of every file the links come from (None without fingerprints)."""
    files = _book_files()
    if not files or files[0][0] != "excerpts.json":
        return None
    return "\x1e".join(f"{name}\0{st.st_size}\0{st.st_mtime_ns}" for name, _, st in files)


def _links(stats: str) -> dict[str, Any]:
    """`_links_by_symbol` of the fingerprints and the chapters, through the memo keyed by their `stats`.

    A warm `explain` stats the files instead of reading them; an edit changes a size or a time.
    """
    from walkthrough.store import memoized  # noqa: PLC0415

    def compute(_key: str) -> dict[str, list[Any]]:
        sources = []
        for name, path, _ in _book_files():
            try:
                with open(path, encoding="utf-8") as text:  # noqa: PTH123 - a path string from scandir
                    sources.append(text.read() if name == "excerpts.json" else f"{name}\0{text.read()}")
            except OSError:
                continue
        return _links_by_symbol("\x1e".join(sources))

    links: dict[str, Any] = memoized("excerpt-links", stats, compute)
    return links


def _links_by_symbol(text: str) -> dict[str, list[Any]]:
    r"""Symbol id → [chapters quoting it, models paired with it, cards]: a card is [chapter, title, url, notes].

    `text` is the fingerprints' JSON and each chapter's `name\0text`, joined by U+001E. The note lines are the
    fingerprints' (resolved at `snapshot update`), the note texts the chapters'. A function of that text alone,
    so `explain` keeps it in the memo.
    """
    import re  # noqa: PLC0415 - only on a memo miss

    fingerprints, *sources = text.split("\x1e")
    try:
        data = json.loads(fingerprints)
    except ValueError:
        return {}
    titles: dict[str, str] = {}
    note_texts: dict[tuple[str, str], dict[str, str]] = {}
    for source in sources:
        name, _, body = source.partition("\0")
        heading = re.search(r"^#\s+(.+?)\s*$", body, re.MULTILINE)
        titles[name] = re.sub(r"[`*_]", "", heading.group(1)) if heading else name
        note_texts.update(_chapter_notes(name, body))
    excerpts = data.get("excerpts", []) if isinstance(data, dict) else []
    links: dict[str, list[Any]] = {}
    for ex in excerpts:
        if not isinstance(ex, dict) or not isinstance(ex.get("symbol"), str):
            continue
        chapters, python, cards = links.setdefault(ex["symbol"], [[], [], []])
        chapter, model = ex.get("chapter"), ex.get("python")
        if isinstance(chapter, str) and chapter not in chapters:
            chapters.append(chapter)
        if isinstance(model, str) and model not in python:
            python.append(model)
        if isinstance(chapter, str):
            anchor = str(ex.get("anchor_id") or "")
            texts = note_texts.get((chapter, anchor), {})
            notes = sorted((int(n["line"]), texts.get(n["anchor"], "")) for n in ex.get("notes") or ()
                           if isinstance(n, dict) and isinstance(n.get("line"), int))
            url = f"{chapter.removesuffix('.md')}/#{anchor}" if chapter != "index.md" else f"#{anchor}"
            cards.append([chapter, titles.get(chapter, chapter), url, [list(n) for n in notes]])
    return links


def _chapter_notes(name: str, text: str) -> dict[tuple[str, str], dict[str, str]]:
    """(chapter, card anchor) → note anchor → note text, read from the chapter's directives."""
    from walkthrough.book.directives import scan_chapter  # noqa: PLC0415 - only on a memo miss

    out: dict[tuple[str, str], dict[str, str]] = {}
    for d in scan_chapter(text, name)[0]:
        notes = d.options.get("notes") or []
        out[(name, d.anchor_id())] = {str(n.get("at")): " ".join(str(n.get("text", "")).split())
                                      for n in notes if isinstance(n, dict)}
    return out


def _is_terminal() -> bool:
    if os.environ.get("TTY_COMPATIBLE") == "1" or os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def with_today(ex: Explanation, idx: Index, *, progress: Progress | None = None) -> Explanation:
    """The explanation with the symbol's counterpart in today's releases (`--today`).

    Raises:
        UsageError: the symbol's upstream declares no today releases.
        SourcesMissing: one of them is not imported (the hint names the command).
        VerificationError: their files do not match the locks (refused, as the pinned ones are).
    """
    from walkthrough.check.today import TodayFinder, TodayStatus, span_lines, today_map  # noqa: PLC0415
    from walkthrough.errors import UsageError  # noqa: PLC0415
    from walkthrough.index.reader import load_index  # noqa: PLC0415
    from walkthrough.sources.pins import load_pins  # noqa: PLC0415

    pins = load_pins()
    name = idx.pin.name
    if name not in pins or not pins[name].today or idx.id_tag is not None:
        msg = f"{ex.symbol.id}: --today needs a symbol of a pinned release with today's releases declared"
        raise UsageError(msg, hint="today's releases are declared in snapshots/upstreams.toml ([[NAME.today]])")

    def index_for(spec: str) -> Any:
        return idx if spec == name else load_index(spec, progress=progress)

    finder = TodayFinder({name: today_map(pins[name])}, index_for)
    sym = ex.symbol
    found = finder.find(sym, span_lines(idx.text(sym.path), sym.doc_start_line, sym.end_line))
    if found is not None and found.status is TodayStatus.NOT_IMPORTED:
        release_finder = finder.finder(name)
        missing = release_finder.missing if release_finder is not None else {}
        raise SourcesMissing("--today: " + "; ".join(missing.values()),
                             hint="run `walkthrough sources fetch --all` (or `walkthrough sources import SPEC ...`)")
    title = pins.release(found.release).label if found is not None and found.release else ""
    return ex._replace(today=found, today_title=title)


def _progress() -> Progress | None:
    """A progress bar for a long index build when people watch stderr (the module only then)."""
    if not sys.stderr.isatty():
        return None
    from walkthrough.cli.progress import for_terminal  # noqa: PLC0415

    return for_terminal()


def show(
    symbol: str, upstream: str | None, *, as_json: bool, no_code: bool, today: bool = False, model: bool = False
) -> int:
    """Print the explanation of `symbol`: JSON, rich on a terminal, else plain text."""
    terminal = _is_terminal() and not as_json
    progress = _progress()
    idx, sym = resolve_symbol(symbol, upstream, progress=progress)
    ex = explanation(idx, sym)
    if model:
        ex = with_model(ex)
    if today:
        ex = with_today(ex, idx, progress=progress)
    if as_json:
        # ASCII only: bidi and escape characters of upstream text stay escaped on a terminal.
        sys.stdout.write(json.dumps(ex.to_json(code=not no_code), indent=2) + "\n")
        sys.stdout.flush()
    elif terminal:
        from rich.console import Console  # noqa: PLC0415 - rich only when a terminal shows it

        from walkthrough.console import renderable  # noqa: PLC0415

        # No markup, emoji or auto-highlighting: upstream text is shown as it is (made visible).
        console = Console(highlight=False, emoji=False, markup=False, soft_wrap=True)
        console.print(renderable(ex, code=not no_code, width=console.width))
    else:
        from walkthrough.console import plain_text  # noqa: PLC0415

        sys.stdout.write(plain_text(ex, code=not no_code))
    return 0


ECHOED = 80
"""How much of a query an answer repeats: enough to recognise it, not a screenful of a pasted file."""


def _no_match(pattern: str) -> None:
    """Say that nothing matched, naming look-alike characters (and the plain reading) if the pattern has any."""
    from walkthrough.symbolid import foreign_characters, plain_reading  # noqa: PLC0415

    shown = pattern if len(pattern) <= ECHOED else f"{pattern[:ECHOED]}... ({len(pattern)} characters)"
    print(f"no symbol matches {shown!r}", file=sys.stderr)
    foreign = foreign_characters(pattern[:ECHOED])
    if foreign:
        named = ", ".join(map(str, foreign[:5]))
        plain = plain_reading(pattern)
        todo = f"try `walkthrough symbols '{plain}'`" if plain != pattern else "type the name in plain ASCII"
        print(f"  it mixes in {named}, which only look like plain letters; {todo}", file=sys.stderr)


EXPLAIN_FLAGS: dict[str, tuple[str, str]] = {
    "--json": ("as_json", "print one JSON object (for scripts)"),
    "--no-code": ("no_code", "leave the code out"),
    "--today": ("today", "also where the code lives in today's releases, with the diff"),
    "--model": ("model", "also the Python model's member that mirrors it"),
}
"""`explain`'s switches: flag → (option name, help). Both `configure_explain` and `usual_options` read them."""


def configure_explain(parser: argparse.ArgumentParser) -> None:
    """`explain SYMBOL [-u NAME] [--json] [--no-code] [--today] [--model]`."""
    parser.description = (
        "Show one symbol of the pinned trees: kind, where, permalink, doc, code, links, chapters, models. "
        "SYMBOL is a full id (kubernetes:pkg/apiserver.APIInstaller.Install) or a short form "
        "(APIInstaller, apiserver.APIInstaller, (*APIInstaller).Install, pkg/apiserver.APIInstaller)."
    )
    parser.add_argument("symbol", metavar="SYMBOL")
    parser.add_argument("-u", "--upstream", help="only this upstream (kubernetes, docker)")
    for flag, (dest, text) in EXPLAIN_FLAGS.items():
        parser.add_argument(flag, dest=dest, action="store_true", help=text)
    parser.set_defaults(handler=show)


def usual_options(words: Sequence[str]) -> dict[str, Any] | None:
    """The options of `explain WORDS...` in its usual forms, as argparse would give them; None for any other.

    Importing argparse and building the parser cost a tenth of a warm `explain` on a terminal, whose
    whole run is budgeted (bench/bench_explain.py). Taken here: one SYMBOL that does not start with `-`,
    each flag of `EXPLAIN_FLAGS` spelled out, `-u NAME` or `--upstream NAME`, each at most once.
    Everything else (help, abbreviations, `--upstream=NAME`, `--`, repeats, every usage error) is
    left to argparse, so its answers and messages stay the only ones.
    """
    options: dict[str, Any] = {"symbol": None, "upstream": None}
    options.update((dest, False) for dest, _ in EXPLAIN_FLAGS.values())
    rest = iter(words)
    for word in rest:
        if word in EXPLAIN_FLAGS and not options[EXPLAIN_FLAGS[word][0]]:
            options[EXPLAIN_FLAGS[word][0]] = True
        elif word in ("-u", "--upstream") and options["upstream"] is None:
            name = next(rest, "-")  # a missing or option-like NAME: argparse says what is wrong
            if name.startswith("-"):
                return None
            options["upstream"] = name
        elif word.startswith("-") or options["symbol"] is not None:
            return None
        else:
            options["symbol"] = word
    return {**options, "handler": show} if options["symbol"] is not None else None


def configure_symbols(parser: argparse.ArgumentParser) -> None:
    """`symbols PATTERN [-k KIND] [-u NAME] [--json] [--limit N]`."""
    from walkthrough.cli.args import positive_int  # noqa: PLC0415 - imports argparse, which `explain` skips

    parser.description = (
        "Search the symbol index: an exact name or qualname, a short form, or a glob (`*Authenticat*`). "
        "Matching is case-insensitive; globs match the name, the qualname, `pkgdir.qualname` or the id."
    )
    parser.add_argument("pattern", metavar="PATTERN")
    parser.add_argument("-k", "--kind", choices=KINDS, help="only symbols of this kind")
    parser.add_argument("-u", "--upstream", help="only this upstream (kubernetes, docker)")
    parser.add_argument("--json", dest="as_json", action="store_true", help="print a JSON list")
    parser.add_argument("--limit", type=positive_int, default=200, help="at most this many (default: 200)")
    parser.set_defaults(handler=symbols)


def symbols(pattern: str, kind: str | None, upstream: str | None, as_json: bool, limit: int) -> int:
    """Search the symbol index: an exact name or qualname, a short form, or a glob (`*Authenticat*`).

    Matching is case-insensitive; globs match the name, the qualname, `pkgdir.qualname` or the id.
    """
    from walkthrough.console import symbol_rows  # noqa: PLC0415
    from walkthrough.text import visible  # noqa: PLC0415

    indexes, missing = _indexes(upstream, None, progress=_progress())
    if not indexes and missing:
        raise missing[0]
    found = [s for idx in indexes for s in idx.search(pattern, kind)]
    shown = found[:limit]
    if as_json:
        rows = [
            {
                "id": s.id,
                "kind": s.kind.value,
                "upstream": s.upstream,
                "path": s.path,
                "start_line": s.start_line,
                "end_line": s.end_line,
            }
            for s in shown
        ]
        print(json.dumps(rows, indent=2))
    else:
        for kind_name, sid, where in symbol_rows(shown):
            print(f"{kind_name:<16} {visible(sid)}  {where}")
        if len(found) > limit:
            print(f"... and {len(found) - limit} more (use --limit)", file=sys.stderr)
        if not found:
            _no_match(pattern)
    for exc in missing:
        print(f"warning: {exc.message}; not searched ({exc.hint})", file=sys.stderr)
    return 0

