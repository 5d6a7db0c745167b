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

from walkthrough.cli.args import positive_int
from walkthrough.errors import SourcesMissing, SymbolError

if TYPE_CHECKING:
    import argparse

    from walkthrough.console import Explanation
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
    upstream: str | None, ref: str | None, *, progress: bool
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


def resolve_symbol(text: str, upstream: str | None = None, *, progress: bool = False) -> tuple[Index, Symbol]:
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
        raise SymbolError(msg, candidates=ids, hint="use one of the full ids: " + ", ".join(ids[:10]))
    if missing:
        raise missing[0]
    from walkthrough.symbolid import plain_reading, unknown_symbol  # noqa: PLC0415 - only the error path

    plain = plain_reading(text)  # full-width and other compatibility forms, in plain letters
    exact = [s.id for idx in indexes for s in idx.matches(plain)] if plain != text else []
    near = [*exact, *(x for idx in indexes for x in idx.suggestions(plain))]
    raise unknown_symbol(text, list(dict.fromkeys(near))[:5])


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
    chapters, python = _excerpt_links(symbol.id)
    for model in models_for(symbol.id):
        if model not in python:
            python.append(model)
    return Explanation(
        symbol=symbol,
        pin=idx.pin,
        code=code,
        references=idx.references(symbol) if with_links else [],
        referenced_by=idx.referenced_by(symbol.id) if with_links else [],
        chapters=chapters,
        python=python,
    )


def _whole_lines(data: bytes, start: int, end: int) -> str:
    """The bytes of the lines a span touches, decoded (Go is UTF-8; bad bytes replaced)."""
    begin = data.rfind(b"\n", 0, start) + 1
    stop = data.find(b"\n", end)
    return data[begin : stop if stop >= 0 else len(data)].decode("utf-8", "replace")


def _excerpt_links(symbol_id: str) -> tuple[list[str], list[str]]:
    """Chapters quoting the symbol and their paired models, from `snapshots/excerpts.json` if present."""
    from walkthrough.paths import snapshots_dir  # noqa: PLC0415
    from walkthrough.store import memoized  # noqa: PLC0415

    try:
        text = (snapshots_dir() / "excerpts.json").read_text(encoding="utf-8")
    except OSError:
        return [], []
    chapters, python = memoized("excerpt-links", text, _links_by_symbol).get(symbol_id, ([], []))
    return list(chapters), list(python)


def _links_by_symbol(text: str) -> dict[str, list[list[str]]]:
    """Symbol id → [chapters quoting it, models paired with it], in excerpt order, without repeats.

    A function of the fingerprints' text alone, so `explain` keeps it in the memo.
    """
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    excerpts = data.get("excerpts", []) if isinstance(data, dict) else []
    links: dict[str, list[list[str]]] = {}
    for ex in excerpts:
        if not isinstance(ex, dict) or not isinstance(ex.get("symbol"), str):
            continue
        chapters, python = links.setdefault(ex["symbol"], [[], []])
        chapter, model = ex.get("chapter"), ex.get("python")
        if isinstance(chapter, str) and chapter not in chapters:
            chapters.append(chapter)
        if isinstance(model, str) and model not in python:
            python.append(model)
    return links


def _is_terminal() -> bool:
    if os.environ.get("TTY_COMPATIBLE") == "1" or os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def with_today(ex: Explanation, idx: Index, *, progress: bool = False) -> Explanation:
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
        missing = finder.finder(name).missing  # type: ignore[union-attr] - found means a finder exists
        raise SourcesMissing("--today: " + "; ".join(missing.values()),
                             hint="run `walkthrough sources fetch --all` (or `walkthrough sources import SPEC ...`)")
    title = pins.release(found.release).label if found is not None and found.release else ""
    return ex._replace(today=found, today_title=title)


def show(symbol: str, upstream: str | None, *, as_json: bool, no_code: bool, today: bool = False) -> int:
    """Print the explanation of `symbol`: JSON, rich on a terminal, else plain text."""
    terminal = _is_terminal() and not as_json
    idx, sym = resolve_symbol(symbol, upstream, progress=sys.stderr.isatty())
    ex = explanation(idx, sym)
    if today:
        ex = with_today(ex, idx, progress=sys.stderr.isatty())
    if as_json:
        # ASCII only: bidi and escape characters of upstream text stay escaped on a terminal.
        sys.stdout.write(json.dumps(ex.to_json(code=not no_code), indent=2) + "\n")
        sys.stdout.flush()
    elif terminal:
        from walkthrough.console import print_rich  # noqa: PLC0415

        print_rich(ex, code=not no_code)
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


def configure_explain(parser: argparse.ArgumentParser) -> None:
    """`explain SYMBOL [-u NAME] [--json] [--no-code] [--today]`."""
    parser.description = (
        "Show one symbol of the pinned trees: kind, where, permalink, doc, code, links, chapters, models. "
        "SYMBOL is a full id (kubernetes:pkg/apiserver.APIInstaller.Install) or a short form "
        "(APIInstaller, apiserver.APIInstaller, (*APIInstaller).Install, pkg/apiserver.APIInstaller)."
    )
    parser.add_argument("symbol", metavar="SYMBOL")
    parser.add_argument("-u", "--upstream", help="only this upstream (kubernetes, docker)")
    parser.add_argument("--json", dest="as_json", action="store_true", help="print one JSON object (for scripts)")
    parser.add_argument("--no-code", action="store_true", help="leave the code out")
    parser.add_argument("--today", action="store_true",
                        help="also where the code lives in today's releases, with the diff")
    parser.set_defaults(handler=show)


def configure_symbols(parser: argparse.ArgumentParser) -> None:
    """`symbols PATTERN [-k KIND] [-u NAME] [--json] [--limit N]`."""
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

    indexes, missing = _indexes(upstream, None, progress=sys.stderr.isatty())
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

