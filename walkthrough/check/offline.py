"""`check --offline`: everything about the chapters that needs no upstream source. Returns Problems, never prints.

CI machines usually have no sources (they are large and pinned outside the repository), so the full `check`
could only say "not checked". This one reads the checkout alone and still catches a broken chapter:

- directive syntax and YAML, unclosed blocks, unknown options (`walkthrough.book.directives.scan`);
- symbol ids' grammar (`walkthrough.symbolid`) and their upstream: a name `snapshots/upstreams.toml` pins;
- paired Python models import and define what they name;
- run commands are allowed (the allow-list of `walkthrough.book.runs`; nothing is run);
- links between chapters: `[text](other.md#anchor)` names a chapter (or a page the site generates) and an
  anchor that page has: a heading's, an `{#id}`, an excerpt's or a run's;
- the snapshot files parse, and match the chapters one to one: every excerpt directive has a fingerprint
  of the same symbol and pair, every run block a record of the same command, and nothing is recorded for a
  directive that is gone;
- every run block runs (runs need our code, not upstream's) and prints what `snapshots/runs.json` recorded,
  exactly as under the full `check` (`walkthrough.check.runs`).

What it cannot see (an excerpt's text, its notes' anchors) is the full `check`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walkthrough.book import fingerprints as fp_file
from walkthrough.book import run_records
from walkthrough.book.directives import scan
from walkthrough.book.expand import chapter_files
from walkthrough.book.pairs import resolve_python
from walkthrough.book.runs import Runner
from walkthrough.check.runs import compare_runs, run_all
from walkthrough.errors import InputError, UsageError, WalkthroughError
from walkthrough.models import Problem
from walkthrough.paths import chapters_dir, snapshots_dir
from walkthrough.symbolid import parse_query

if TYPE_CHECKING:
    from pathlib import Path

    from walkthrough.book.directives import ChapterScan, RunDirective

GENERATED = ("symbols.md", "about-sources.md")
"""Pages the site generates beside the chapters (`walkthrough.site`): links to them are fine."""
GENERATED_DIRS = ("symbols/", "models/")

_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+[\"'][^)]*)?\)")
_REF_DEF = re.compile(r"^[ ]{0,3}\[[^\]]+\]:\s*<?(?P<target>\S+?)>?(?:\s.*)?$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_ATTR_ID = re.compile(r"\{[^}]*#(?P<id>[A-Za-z][\w.:-]*)[^}]*\}\s*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LINE_ANCHOR = re.compile(r"^(?P<card>.+)-(?:L|n|m)\d+$")


@dataclass
class OfflineReport:
    """What `check --offline` found."""

    problems: list[Problem] = field(default_factory=list)
    chapters: list[str] = field(default_factory=list)
    excerpts: int = 0
    runs: int = 0
    runs_checked: int = 0
    """Run blocks that ran cleanly and printed their recorded output."""
    links: int = 0

    @property
    def exit_code(self) -> int:
        """0 when everything holds, 1 with problems (never 3: nothing here needs sources)."""
        return 1 if self.problems else 0

    def to_json(self) -> dict[str, Any]:
        """The `--json` report."""
        from walkthrough.check.check import problem_json  # noqa: PLC0415 - only --json needs it

        return {"status": "problems" if self.problems else "ok", "exit_code": self.exit_code, "offline": True,
                "chapters": self.chapters, "excerpts": self.excerpts, "runs": self.runs,
                "runs_checked": self.runs_checked, "links": self.links,
                "problems": [problem_json(p) for p in self.problems]}


def run_offline_check(root: Path, chapters: list[str] | None = None, runner: Runner | None = None) -> OfflineReport:
    """Check every chapter (or `chapters`) and the snapshot files, reading nothing but the checkout.

    `runner` runs the run blocks (default: a memoizing `Runner` in `root`).
    """
    files = chapter_files(root)
    known = {name for name, _ in files}
    if chapters is not None:
        unknown = [c for c in chapters if c not in known]
        if unknown:
            raise UsageError(f"no chapter {', '.join(unknown)} in {chapters_dir(root)}",
                             hint=f"chapters are: {', '.join(sorted(known)) or 'none'}")
    out = OfflineReport()
    texts = {name: path.read_text(encoding="utf-8") for name, path in files}
    scans = {name: scan(text, name) for name, text in texts.items()}
    anchors = {name: _anchors(texts[name], scans[name]) for name in texts}
    upstreams = _pinned_upstreams(root, out)
    for name in sorted(chapters if chapters is not None else known):
        out.chapters.append(name)
        found = scans[name]
        out.problems.extend(found.problems)
        out.excerpts += len(found.excerpts)
        out.runs += len(found.runs)
        out.problems.extend(_directive_problems(found, upstreams))
        out.problems.extend(_link_problems(name, texts[name], anchors, out))
    out.problems.extend(_snapshot_problems(root, scans, out.chapters, {p.location for p in out.problems}))
    out.problems.extend(_run_problems(root, [run for name in out.chapters for run in scans[name].runs], out, runner))
    return out


def _run_problems(root: Path, runs: list[RunDirective], out: OfflineReport, runner: Runner | None) -> list[Problem]:
    """Run every block; failures, and outputs that differ from their records (the snapshot check saw the rest)."""
    own = runner is None
    runner = runner or Runner(root)
    try:
        outcome = run_all(runs, runner)
    finally:
        if own:
            runner.close()
    try:
        recorded = run_records.load(snapshots_dir(root)) or []
    except InputError:
        recorded = []  # reported by the snapshot check
    differs, out.runs_checked = compare_runs(outcome, recorded, out.chapters, outputs_only=True)
    return outcome.problems + differs


def _pinned_upstreams(root: Path, out: OfflineReport) -> set[str] | None:
    """The upstream names `snapshots/upstreams.toml` declares (None, with a problem, when it cannot be read)."""
    from walkthrough.sources.pins import load_pins  # noqa: PLC0415 - the pins module is heavy for the other paths

    try:
        return set(load_pins(root))
    except WalkthroughError as exc:
        out.problems.append(Problem("snapshots/upstreams.toml", exc.message, hint=exc.hint))
        return None


def _directive_problems(found: ChapterScan, upstreams: set[str] | None) -> list[Problem]:
    """Each excerpt's id grammar, upstream and Python pair."""
    problems = []
    for d in found.excerpts:
        try:
            query = parse_query(d.symbol)
        except InputError as exc:
            problems.append(Problem(d.location, exc.message, symbol=d.symbol, hint=exc.hint))
            continue
        if upstreams is not None and query.upstream not in upstreams:
            problems.append(Problem(d.location, f"unknown upstream `{query.upstream}`", symbol=d.symbol,
                                    hint=f"upstreams are {', '.join(sorted(upstreams))} (snapshots/upstreams.toml)"))
        python = d.options.get("python")
        if python:
            try:
                resolve_python(python)
            except InputError as exc:
                where = f"{d.file}:{d.option_lines.get('python', d.line)}"
                problems.append(Problem(where, exc.message, symbol=d.symbol, hint=exc.hint))
    return problems


# -- links between chapters ----------------------------------------------------------------------------


def _link_problems(name: str, text: str, anchors: dict[str, set[str]], out: OfflineReport) -> list[Problem]:
    """Every relative link of a chapter must reach a chapter (or a generated page) and an anchor it has."""
    problems = []
    for line_no, target in _links(text):
        if _SCHEME.match(target) or target.startswith("/"):
            continue
        out.links += 1
        path, _, anchor = target.partition("#")
        page = name if not path else _join(name, path)
        location = f"{name}:{line_no}"
        if page is None or not page.endswith(".md"):
            continue  # an image or another asset: mkdocs checks those when it builds
        if page in GENERATED or page.startswith(GENERATED_DIRS):
            continue
        if page not in anchors:
            problems.append(Problem(location, f"link to `{target}`: there is no chapter {page}",
                                    hint=f"chapters are: {', '.join(sorted(anchors))}"))
            continue
        if anchor and anchor not in anchors[page]:
            card = _LINE_ANCHOR.match(anchor)
            if not (card and card.group("card") in anchors[page]):
                problems.append(Problem(location, f"link to `{target}`: {page} has no anchor `{anchor}`",
                                        hint="anchors are headings (lowercase, words joined by `-`), `{#id}`s, "
                                             "and the ids of excerpts and run blocks"))
    return problems


def _links(text: str) -> list[tuple[int, str]]:
    """(line, target) of each inline link and link definition outside fenced code."""
    found = []
    fence: str | None = None
    for line_no, line in enumerate(text.split("\n"), start=1):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        found += [(line_no, m.group("target")) for m in _LINK.finditer(_without_code_spans(line))]
        definition = _REF_DEF.match(line)
        if definition:
            found.append((line_no, definition.group("target")))
    return found


def _without_code_spans(line: str) -> str:
    """The line with `code spans` blanked: a link written inside one is an example, not a link."""
    return re.sub(r"(`+).*?\1", lambda m: " " * len(m.group(0)), line)


def _join(name: str, path: str) -> str | None:
    """The chapter path a relative link of chapter `name` reaches (None when it leaves the chapters)."""
    parts = [*name.split("/")[:-1], *path.split("/")]
    out: list[str] = []
    for part in parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(part)
    return "/".join(out)


def _anchors(text: str, found: ChapterScan) -> set[str]:
    """The ids a chapter's page has: its headings' (as mkdocs' toc makes them), `{#id}`s, excerpts' and runs'."""
    from markdown.extensions.toc import slugify, unique  # noqa: PLC0415 - mkdocs' own rule for heading ids

    ids: set[str] = set()
    fence: str | None = None
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        heading = _HEADING.match(line)
        if heading:
            explicit = _ATTR_ID.search(heading.group("text"))
            if explicit:
                ids.add(explicit.group("id"))
            else:
                ids.add(unique(slugify(_plain(heading.group("text")), "-"), ids))
    ids.update(d.anchor_id() for d in found.excerpts)
    ids.update(d.anchor_id() for d in found.runs)
    return ids


def _plain(markdown: str) -> str:
    """A heading's text as the reader sees it: links reduced to their text, code and emphasis marks dropped."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[`*_]", "", text)


# -- snapshots ------------------------------------------------------------------------------------------


def _snapshot_problems(
    root: Path, scans: dict[str, ChapterScan], chapters: list[str], reported: set[str]
) -> list[Problem]:
    """The snapshot files parse and match the chapters' directives one to one (by chapter and anchor id).

    A directive with a problem at its line already (`reported`) is not also said to lack its record, and the
    record of a block that did not parse is not also said to match nothing.
    """
    broken = {(name, anchor) for name in chapters for anchor in scans[name].broken}
    problems: list[Problem] = []
    snapshots = snapshots_dir(root)
    # A damaged file is one problem; matching it with the chapters would only repeat it once per directive.
    try:
        prints = fp_file.load(snapshots)
    except InputError as exc:
        problems.append(Problem(f"snapshots/{fp_file.FILE_NAME}", exc.message, hint=exc.hint))
        prints = None
    damaged_runs = False
    try:
        records = run_records.load(snapshots)
    except InputError as exc:
        problems.append(Problem(f"snapshots/{run_records.FILE_NAME}", exc.message, hint=exc.hint))
        records, damaged_runs = None, True
    update = "run `walkthrough snapshot update` (with the sources) and commit snapshots/"
    if prints is not None:
        by_key = {f.key: f for f in prints if f.chapter in chapters}
        for name in chapters:
            for d in scans[name].excerpts:
                f = by_key.pop((name, d.anchor_id()), None)
                if d.location in reported:
                    continue
                if f is None:
                    problems.append(Problem(d.location, f"excerpt `{d.anchor_id()}` has no fingerprint",
                                            symbol=d.symbol, hint=update))
                elif f.symbol != d.symbol or f.python != d.options.get("python"):
                    what = "symbol" if f.symbol != d.symbol else "python pair"
                    problems.append(Problem(d.location, f"excerpt `{d.anchor_id()}`: its {what} is not the one "
                                            "fingerprinted", symbol=d.symbol, hint=update))
        problems.extend(Problem(f"{f.chapter}:{f.line}", f"fingerprint `{f.anchor_id}` matches no directive",
                                symbol=f.symbol, hint=update)
                        for f in by_key.values() if f.key not in broken)
    if not damaged_runs and (records is not None or any(scans[name].runs for name in chapters)):
        by_run = {r.key: r for r in records or () if r.chapter in chapters}
        for name in chapters:
            for run in scans[name].runs:
                r = by_run.pop((name, run.anchor_id()), None)
                if run.location in reported:
                    continue
                if r is None:
                    problems.append(Problem(run.location, f"run `{run.anchor_id()}` has no recorded output",
                                            symbol=run.command, hint=update))
                elif r.command != run.command:
                    problems.append(Problem(run.location, f"run `{run.anchor_id()}` changed its command "
                                            f"(recorded: `{r.command}`)", symbol=run.command, hint=update))
        problems.extend(Problem(f"{r.chapter}:{r.line}", f"recorded run `{r.anchor_id}` matches no run block",
                                symbol=r.command, hint=update)
                        for r in by_run.values() if r.key not in broken)
    return problems
