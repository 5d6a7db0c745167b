"""`snapshot update`: record every excerpt's fingerprint and every run's output after a deliberate change.

Never of a broken state: a chapter with an author error (bad syntax, an unclosed block, an unknown symbol or
upstream, a run that fails) blocks the update, whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from walkthrough.book import fingerprints as fp_file
from walkthrough.book import run_records
from walkthrough.book.runs import Runner
from walkthrough.check import strips
from walkthrough.check.check import derive, provider_index_for
from walkthrough.check.today import FINDER_VERSION
from walkthrough.errors import SourcesError
from walkthrough.models import Problem
from walkthrough.paths import snapshots_dir

if TYPE_CHECKING:
    from pathlib import Path

    from walkthrough.book.fingerprints import Fingerprint
    from walkthrough.check.check import Derivation
    from walkthrough.index.protocol import Provider


@dataclass
class SnapshotResult:
    """What `snapshot update` did: the file written (None when refused), and why it refused."""

    path: Path | None
    count: int
    problems: list[Problem]
    unchecked: list[Problem]
    today: Path | None = None
    """`snapshots/today.json` when the Today strips were rewritten too."""
    today_notices: list[Problem] = field(default_factory=list)
    """Why the Today strips were left as they were (today's releases not imported)."""
    runs: int = 0
    """Run outputs recorded in `snapshots/runs.json`."""

    @property
    def exit_code(self) -> int:
        """3 when sources were missing, 1 when refused for problems, else 0."""
        return 3 if self.unchecked else (1 if self.problems else 0)


def update_snapshot(
    root: Path, provider: Provider, chapters: list[str] | None = None, runner: Runner | None = None
) -> SnapshotResult:
    """Rewrite `snapshots/excerpts.json` and `snapshots/runs.json`; refuse while anything is broken or unchecked.

    A snapshot of a partly broken or partly unchecked state would bless the breakage, so nothing is
    written unless every excerpt derives and every run ends cleanly. With `chapters`, only their records
    are rewritten and the others kept as recorded (so one author's draft does not block another's update).
    """
    own = runner is None
    runner = runner or Runner(root)
    try:
        derived = derive(root, provider, only=chapters, runner=runner)
    finally:
        if own:
            runner.close()
    if derived.problems or derived.unchecked:
        return SnapshotResult(None, 0, derived.problems, derived.unchecked)
    fresh = [item.fingerprint for item in derived.excerpts]
    runs = derived.outcome.records if derived.outcome is not None else []
    kept: list[Fingerprint] = []
    kept_runs: list[run_records.RunRecord] = []
    if chapters is not None:
        kept = [f for f in fp_file.load(snapshots_dir(root)) or [] if f.chapter not in chapters]
        kept_runs = [r for r in run_records.load(snapshots_dir(root)) or [] if r.chapter not in chapters]
    path = fp_file.save(snapshots_dir(root), kept + fresh)
    run_records.save(snapshots_dir(root), kept_runs + runs)
    try:
        today, notices = update_strips(root, provider, derived, chapters)
    except SourcesError as exc:  # today's sources fail verification: refused, like the pinned ones
        return SnapshotResult(path, len(fresh), [], [Problem(strips.WHERE, exc.message, hint=exc.hint)],
                              runs=len(runs))
    return SnapshotResult(path, len(fresh), [], [], today, notices, runs=len(runs))


def update_strips(
    root: Path, provider: Provider, derived: Derivation, chapters: list[str] | None
) -> tuple[Path | None, list[Problem]]:
    """Rewrite `snapshots/today.json` from the derived excerpts, unless a today release is not imported.

    A partial record would bless "not imported" as the strip, so the file is left as it is and a notice
    says why; `check` still compares its header with the pins without sources.
    """
    upstreams = strips.project_pins(root)
    releases = strips.current_releases(upstreams) if upstreams is not None else {}
    if upstreams is None or not releases:
        return None, []
    finder = strips.finder_for(upstreams, provider_index_for(provider))
    fresh, missing = strips.derive(((item.chapter, item.excerpt) for item in derived.excerpts), finder)
    if missing:
        return None, [Problem(strips.WHERE, "Today strips not updated: " + "; ".join(sorted(missing.values())),
                              hint="`walkthrough sources fetch --all` brings today's releases")]
    kept: list[strips.Strip] = []
    old = strips.load(snapshots_dir(root))
    if chapters is not None and old is not None:
        kept = [s for s in old.strips if s.chapter not in chapters]
    recorded = strips.Recorded(FINDER_VERSION, releases, kept + fresh)
    return strips.save(snapshots_dir(root), recorded), []
