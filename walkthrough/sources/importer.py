"""Offline: generate a lock from a local copy, and import a locked release from one into the cache.

Import takes each locked path from the first root that holds it with the right blob id. Files that
carry git `export-subst` placeholders (kubernetes' `pkg/version/base.go`) match in a git import, but an
archive or a directory made by `git archive` holds the substituted text: such a file is left out of
the entry and reported as such, instead of failing the whole import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from walkthrough.errors import ImportIncomplete, UsageError
from walkthrough.models import LockEntry, Pin
from walkthrough.sources.cache import Entry, EntryWriter, entry_lock, find_entry
from walkthrough.sources.local import DirCopy, GitCopy, Root
from walkthrough.sources.pins import Lock, git_blob_id

if TYPE_CHECKING:
    from pathlib import Path

Copy = GitCopy | DirCopy
Progress = Callable[[int, int], None]
"""progress(done, total): called as files are processed."""

EXPORT_SUBST_MARK = b"$Format:"


@dataclass
class ImportReport:
    """What an import found for each locked path."""

    label: str
    source: str
    found: dict[str, str] = field(default_factory=dict)
    """upstream path -> path in the copy it came from"""
    missing: list[str] = field(default_factory=list)
    mismatching: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """upstream path -> [(path in the copy, its blob id)]"""
    export_subst: dict[str, str] = field(default_factory=dict)
    """upstream path -> why it was left out"""
    skipped: bool = False
    """True when a complete entry for this lock was already in the cache."""
    entry: Entry | None = None

    @property
    def ok(self) -> bool:
        """True when every locked file was found with its blob id."""
        return not (self.missing or self.mismatching)


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A gitignore-like glob: `*` stays in one path segment, `**` crosses them; no `/` means any basename."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    body = "".join(out)
    return re.compile(("(?:.*/)?" if "/" not in pattern else "") + body + r"\Z")


def select_files(
    copy: Copy, roots: Sequence[Root], include: Sequence[str], exclude: Sequence[str]
) -> dict[str, str]:
    """Upstream path -> path in the copy, for each file under the roots the globs select (first root wins)."""
    inc = [glob_regex(g) for g in include] or [re.compile(".*")]
    exc = [glob_regex(g) for g in exclude]
    chosen: dict[str, str] = {}
    listing = copy.listing()
    for root in roots:
        for copy_path in listing:
            upstream = root.upstream(copy_path)
            if upstream is None or upstream in chosen:
                continue
            if any(r.match(upstream) for r in inc) and not any(r.match(upstream) for r in exc):
                chosen[upstream] = copy_path
    return dict(sorted(chosen.items()))


def _contents(copy: Copy, copy_paths: Iterable[str]) -> Iterable[tuple[str, bytes]]:
    """(path in the copy, bytes), streamed."""
    paths = list(copy_paths)
    if isinstance(copy, GitCopy):
        listing = copy.listing()
        by_blob: dict[str, list[str]] = {}
        for p in paths:
            by_blob.setdefault(listing[p].blob or "", []).append(p)
        for blob, data in copy.read_blobs(by_blob):
            for p in by_blob[blob]:
                yield p, data
    else:
        for p in paths:
            yield p, copy.read(p)


def make_lock(
    pin: Pin,
    copy: Copy,
    roots: Sequence[Root],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    comments: Iterable[str] = (),
) -> Lock:
    """A lock over the files of `copy` the roots and globs select; each is read (blob id, export-subst)."""
    chosen = select_files(copy, roots, include, exclude)
    if not chosen:
        raise UsageError(
            f"no file of {copy.describe()} matches the roots and globs",
            hint="check --root (relative to the copy's top) and --include/--exclude",
        )
    back = {cp: up for up, cp in chosen.items()}
    entries: list[LockEntry] = []
    subst: list[str] = []
    for copy_path, data in _contents(copy, chosen.values()):
        upstream = back[copy_path]
        entries.append(LockEntry(upstream, git_blob_id(data), len(data)))
        if EXPORT_SUBST_MARK in data:
            subst.append(upstream)
    return Lock.build(pin, entries, export_subst=subst, comments=comments)


def match_copy(
    lock: Lock, copy: Copy, roots: Sequence[Root], label: str
) -> tuple[ImportReport, dict[str, bytes]]:
    """Find each locked path in the copy; return the report and the bytes of the files found.

    Git copies are matched on their tree's blob ids without reading mismatches; directories are hashed.
    """
    report = ImportReport(label, copy.describe())
    listing = copy.listing()
    data_of: dict[str, bytes] = {}
    wanted: dict[str, str] = {}
    for path, entry in lock.entries.items():
        candidates = [c for c in (r.candidate(path) for r in roots) if c is not None and c in listing]
        if not candidates:
            report.missing.append(path)
            continue
        if isinstance(copy, GitCopy):
            hit = next((c for c in candidates if listing[c].blob == entry.blob), None)
            if hit is None:
                report.mismatching[path] = [(c, listing[c].blob or "?") for c in candidates]
            else:
                wanted[path] = hit
            continue
        bad: list[tuple[str, str]] = []
        for cand in candidates:
            data = copy.read(cand)
            actual = git_blob_id(data)
            if actual == entry.blob:
                wanted[path] = cand
                data_of[path] = data
                break
            bad.append((cand, actual))
        else:
            report.mismatching[path] = bad
    if isinstance(copy, GitCopy):
        back: dict[str, list[str]] = {}
        for up, cp in wanted.items():
            back.setdefault(cp, []).append(up)
        for cp, data in _contents(copy, back):
            for up in back[cp]:
                data_of[up] = data
    report.found = wanted
    for path in list(report.mismatching):
        if path in lock.export_subst:
            cands = ", ".join(c for c, _ in report.mismatching.pop(path))
            report.export_subst[path] = (
                f"{cands} holds export-subst substitutions (an archive of the tag), not the git blob"
            )
    return report, data_of


def _incomplete_hint(copy: GitCopy | DirCopy, label: str) -> str:
    """What to check when a copy lacks locked files: the revision for git, the tree itself for a directory."""
    if isinstance(copy, GitCopy):
        return "check --rev and the --root order (first root holding a path with the right blob wins)"
    return (
        f"check that --dir holds {label} unchanged (an unpacked archive of that tag) and the --root order; "
        "a git clone at the tag (`--git DIR --rev TAG`) gives the exact blobs"
    )


def import_copy(
    lock: Lock,
    copy: Copy,
    roots: Sequence[Root],
    *,
    label: str,
    cache: Path | None = None,
    force: bool = False,
) -> ImportReport:
    """Import `lock`'s files from `copy` into the cache, atomically; raise ImportIncomplete if any is wrong.

    An existing complete entry is kept (report.skipped) unless `force`.
    """
    with entry_lock(lock, cache):
        current = find_entry(lock, cache)
        if current.complete and not force:
            return ImportReport(label, copy.describe(), skipped=True, entry=current)
        report, data_of = match_copy(lock, copy, roots, label)
        if not report.ok:
            n_bad = len(report.mismatching)
            raise ImportIncomplete(
                f"{label}: {len(report.missing)} locked file(s) missing and {n_bad} with other bytes "
                f"in {copy.describe()}; nothing was written to the cache",
                report=report,
                hint=_incomplete_hint(copy, label),
            )
        with EntryWriter(lock, cache) as writer:
            for path, data in data_of.items():
                writer.add(path, data)
            report.entry = writer.commit(
                method="git" if isinstance(copy, GitCopy) else "dir",
                source=copy.describe(),
                absent=report.export_subst,
            )
        return report
