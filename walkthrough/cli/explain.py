"""`walkthrough explain SYMBOL` and `walkthrough symbols PATTERN`: the index, for people and scripts.

Output: rich on a terminal, plain text when piped (rich is then not even imported), JSON with
`--json`. Exit codes: 0 ok, 2 unknown / ambiguous / malformed symbol or a symbol with syntax errors,
3 sources not imported (the message names the command that imports them).

The click commands `explain` and `symbols` are defined on first access (module `__getattr__`), so
that `walkthrough.cli.main` can run a plain `explain` through `show` without importing click.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

from walkthrough.errors import SourcesMissing, SymbolError

if TYPE_CHECKING:
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
    near = tuple(x for idx in indexes for x in idx.suggestions(text))[:5]
    hint = "did you mean: " + ", ".join(near) if near else "try `walkthrough symbols PATTERN` to search"
    raise SymbolError(f"unknown symbol {text!r}", candidates=near, hint=hint)


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
    """Print the explanation of `symbol`: JSON, rich on a terminal, else plain text (no click needed)."""
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


def __getattr__(name: str) -> Any:
    """The click commands, defined when the group first asks for one."""
    if name in ("explain", "symbols"):
        globals().update(_click_commands())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _click_commands() -> dict[str, Any]:
    """`explain` and `symbols` as click commands (click imported here, not at module import)."""
    import click  # noqa: PLC0415

    @click.command()
    @click.argument("symbol")
    @click.option("--upstream", "-u", help="Only this upstream (kubernetes, docker).")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON object (for scripts).")
    @click.option("--no-code", is_flag=True, help="Leave the code out.")
    @click.option("--today", is_flag=True, help="Also where the code lives in today's releases, with the diff.")
    def explain(symbol: str, upstream: str | None, as_json: bool, no_code: bool, today: bool) -> int:
        """Show one symbol of the pinned trees: kind, where, permalink, doc, code, links, chapters, models.

        SYMBOL is a full id (kubernetes:pkg/apiserver.APIInstaller.Install) or a short form
        (APIInstaller, apiserver.APIInstaller, (*APIInstaller).Install, pkg/apiserver.APIInstaller).
        """
        return show(symbol, upstream, as_json=as_json, no_code=no_code, today=today)

    @click.command()
    @click.argument("pattern")
    @click.option("--kind", "-k", type=click.Choice(KINDS), help="Only symbols of this kind.")
    @click.option("--upstream", "-u", help="Only this upstream (kubernetes, docker).")
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
    @click.option(
        "--limit", type=click.IntRange(min=1), default=200, show_default=True, help="At most this many."
    )
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
            click.echo(json.dumps(rows, indent=2))
        else:
            for kind_name, sid, where in symbol_rows(shown):
                click.echo(f"{kind_name:<16} {visible(sid)}  {where}")
            if len(found) > limit:
                click.echo(f"... and {len(found) - limit} more (use --limit)", err=True)
            if not found:
                click.echo(f"no symbol matches {pattern!r}", err=True)
        for exc in missing:
            click.echo(f"warning: {exc.message}; not searched ({exc.hint})", err=True)
        return 0

    return {"explain": explain, "symbols": symbols}
