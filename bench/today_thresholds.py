"""Measure the "then and now" finder's thresholds on the hand-checked counterparts (tests/today/counterparts.toml).

Run by hand with the real sources and today's releases imported (`walkthrough sources fetch --all`):
`python bench/today_thresholds.py`. Prints, for a sweep of each threshold with the others at their values
in walkthrough/check/today.py, how many counterparts the finder names rightly and wrongly on the hand
list, its precision and recall; then the finder's figures over every excerpt (counts per status, the
share found per chapter) and how long it took. All of these measure the search alone, without the
declared successors of snapshots/upstreams.toml (`[NAME.successors]`); last, what the strips say with
them: how many are declared, and the counts per status.
"""

from __future__ import annotations

import json
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

from walkthrough.check import today
from walkthrough.index.reader import load_index
from walkthrough.sources.pins import load_pins

REPO = Path(__file__).resolve().parent.parent
PAIRS = tomllib.loads((REPO / "tests" / "today" / "counterparts.toml").read_text())["pair"]
SWEEPS = {
    "BODY_THRESHOLD": (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7),
    "SHAPE_THRESHOLD": (0.0, 0.2, 0.3, 0.4, 0.5, 0.6),
    "MAX_SAME_NAME": (1, 2, 3, 5, 10),
}


def run(index_for: Any, symbols: list[str], *, successors: bool = False) -> dict[str, today.Counterpart]:
    """The finder's answer for every symbol, with the module's current thresholds (the search alone by default)."""
    pins = load_pins(REPO)
    finder = today.TodayFinder({n: today.today_map(u, successors=successors) for n, u in pins.items()}, index_for)
    out = {}
    for sid in symbols:
        old = index_for(sid.split(":", 1)[0])
        sym = old.get(sid)
        found = finder.find(sym, today.span_lines(old.text(sym.path), sym.doc_start_line, sym.end_line))
        if found is not None:
            out[sid] = found
    return out


def score(results: dict[str, today.Counterpart]) -> tuple[int, int, int]:
    """(right, wrong, missed) on the hand list."""
    right = wrong = missed = 0
    for pair in PAIRS:
        found = results[pair["old"]]
        named = found.target if found.status.found else ""
        if named:
            right += named == pair["new"]
            wrong += named != pair["new"]
        elif pair["new"]:
            missed += 1
    return right, wrong, missed


def main() -> int:
    """Sweep, then report the figures at the chosen thresholds."""
    loaded: dict[str, Any] = {}

    def index_for(spec: str) -> Any:
        if spec not in loaded:
            loaded[spec] = load_index(spec)
        return loaded[spec]

    excerpts = json.loads((REPO / "snapshots" / "excerpts.json").read_text())["excerpts"]
    symbols = list(dict.fromkeys(e["symbol"] for e in excerpts))
    print(f"hand list: {len(PAIRS)} pairs, {sum(bool(p['new']) for p in PAIRS)} with a counterpart")
    for name, values in SWEEPS.items():
        chosen = getattr(today, name)
        for value in values:
            setattr(today, name, value)
            right, wrong, missed = score(run(index_for, [p["old"] for p in PAIRS]))
            mark = "  <- chosen" if value == chosen else ""
            print(f"  {name} = {value:<5}: right {right:3}, wrong {wrong:2}, missed {missed:2}; precision "
                  f"{right / max(right + wrong, 1):.3f}, recall {right / max(right + missed, 1):.3f}{mark}")
        setattr(today, name, chosen)
    started = time.perf_counter()
    results = run(index_for, symbols)
    seconds = time.perf_counter() - started
    right, wrong, missed = score(results)
    print(f"chosen thresholds: precision {right / (right + wrong):.3f}, recall {right / (right + missed):.3f}")
    per_excerpt = [(e["chapter"], results[e["symbol"]].status) for e in excerpts]
    print("excerpts per status:", dict(Counter(s.value for _, s in per_excerpt)))
    print(f"distinct symbols per status ({len(results)}):", dict(Counter(r.status.value for r in results.values())))
    for chapter in sorted({c for c, _ in per_excerpt}):
        mine = [s for c, s in per_excerpt if c == chapter]
        found = sum(s.found for s in mine)
        tracked = sum(s is not today.TodayStatus.NOT_TRACKED for s in mine)
        print(f"  {chapter:34} {found:3}/{len(mine):3} found ({found / len(mine):4.0%}); "
              f"of tracked {found}/{tracked} ({found / max(tracked, 1):4.0%})")
    print(f"finder: {len(symbols)} symbols in {seconds:.2f} s (indexes loaded)")
    strips = run(index_for, symbols, successors=True)
    declared = [e for e in excerpts if strips[e["symbol"]].via == today.DECLARED]
    print(f"with the declared successors: {len(declared)} strips ({len({e['symbol'] for e in declared})} symbols) "
          f"declared; distinct symbols per status:", dict(Counter(r.status.value for r in strips.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
