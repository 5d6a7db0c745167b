"""`snapshot update`: record the fingerprints of every excerpt after a deliberate change, never of a broken state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from walkthrough.book import fingerprints as fp_file
from walkthrough.check.check import derive
from walkthrough.paths import snapshots_dir

if TYPE_CHECKING:
    from pathlib import Path

    from walkthrough.book.fingerprints import Fingerprint
    from walkthrough.index.protocol import Provider
    from walkthrough.models import Problem


@dataclass
class SnapshotResult:
    """What `snapshot update` did: the file written (None when refused), and why it refused."""

    path: Path | None
    count: int
    problems: list[Problem]
    unchecked: list[Problem]

    @property
    def exit_code(self) -> int:
        """3 when sources were missing, 1 when refused for problems, else 0."""
        return 3 if self.unchecked else (1 if self.problems else 0)


def update_snapshot(root: Path, provider: Provider, chapters: list[str] | None = None) -> SnapshotResult:
    """Rewrite `snapshots/excerpts.json` from the chapters; refuse while any directive is broken or unchecked.

    A snapshot of a partly broken or partly unchecked state would bless the breakage, so nothing is
    written unless every excerpt derives cleanly. With `chapters`, only their fingerprints are
    rewritten and the others kept as recorded (so one author's draft does not block another's update).
    """
    derived = derive(root, provider, only=chapters)
    if derived.problems or derived.unchecked:
        return SnapshotResult(None, 0, derived.problems, derived.unchecked)
    fresh = [item.fingerprint for item in derived.excerpts]
    kept: list[Fingerprint] = []
    if chapters is not None:
        kept = [f for f in fp_file.load(snapshots_dir(root)) or [] if f.chapter not in chapters]
    path = fp_file.save(snapshots_dir(root), kept + fresh)
    return SnapshotResult(path, len(fresh), [], [])
