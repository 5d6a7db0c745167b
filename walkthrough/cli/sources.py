"""`walkthrough sources ...`: lock, import, fetch, status and verify the pinned upstream sources.

Exit codes: 0 ok, 2 usage error, 3 sources missing, unverifiable or unreachable.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from walkthrough.cli.args import Parser
from walkthrough.errors import SourcesError, SourcesMissing, UsageError

if TYPE_CHECKING:
    import argparse

    from rich.console import Console
    from rich.progress import TaskID

    from walkthrough.sources.importer import ImportReport
    from walkthrough.sources.local import DirCopy, GitCopy
    from walkthrough.sources.pins import Lock, Release, Upstreams


def _console(*, err: bool = False) -> Console:
    from rich.console import Console  # noqa: PLC0415 - rich only when a subcommand prints

    return Console(stderr=err, highlight=False, soft_wrap=True)


def _upstreams() -> Upstreams:
    from walkthrough.sources.pins import load_pins  # noqa: PLC0415 - each subcommand imports only what it uses

    return load_pins()


def _selected(
    upstreams: Upstreams, spec: str | None, *, all_releases: bool = False, today: bool = False
) -> list[Release]:
    """The releases a command acts on: `NAME[@REF]`, else every pinned one (and today's, or every one)."""
    if spec:
        return [upstreams.release(spec)]
    releases = upstreams.releases()
    return releases if all_releases else [r for r in releases if r.pinned or (today and r.today)]


def _copy(git: Path | None, rev: str | None, directory: Path | None) -> GitCopy | DirCopy:
    from walkthrough.sources.local import DirCopy, GitCopy  # noqa: PLC0415 - each subcommand imports only what it uses

    if (git is None) == (directory is None):
        raise UsageError("give exactly one of --git DIR (with --rev) or --dir DIR")
    if git is not None:
        if not rev:
            raise UsageError("--git needs --rev (a commit, tag or branch of that repository)")
        return GitCopy(git, rev)
    return DirCopy(directory)  # type: ignore[arg-type]


def configure_sources(parser: argparse.ArgumentParser) -> None:
    """`sources lock|import|fetch|status|verify ...`."""
    actions = parser.add_subparsers(metavar="ACTION", required=True, parser_class=Parser)

    lock = actions.add_parser("lock", help="write the lock of NAME[@REF] from a local copy",
                              description="Write snapshots/<NAME>.lock from a local copy (maintainers).")
    lock.add_argument("spec", metavar="NAME[@REF]")
    lock.add_argument("--git", type=Path, help="a local git repository")
    lock.add_argument("--rev", help="revision of --git to read")
    lock.add_argument("--dir", dest="directory", type=Path, help="a plain directory")
    lock.add_argument("--root", dest="roots", action="append", default=[],
                      help="SRC or SRC=DEST: files under SRC are upstream DEST/... (repeatable)")
    lock.add_argument("--include", action="append", default=[],
                      help="glob of upstream paths to lock (`*.go`, `image/spec/*.md`; repeatable)")
    lock.add_argument("--exclude", action="append", default=[],
                      help="glob of upstream paths to leave out (`*_test.go`; repeatable)")
    lock.set_defaults(handler=lock_cmd)

    imp = actions.add_parser(
        "import", help="import NAME[@REF] from a local git repository or directory",
        description="Import NAME[@REF] from a local git repository or directory into the cache, verifying every file.",
    )
    imp.add_argument("spec", metavar="NAME[@REF]")
    imp.add_argument("--git", type=Path, help="a local git repository")
    imp.add_argument("--rev", help="revision of --git (default: the offline copy's rev in upstreams.toml)")
    imp.add_argument("--dir", dest="directory", type=Path, help="a plain directory")
    imp.add_argument("--root", dest="roots", action="append", default=[],
                     help="SRC or SRC=DEST, searched in order (default: upstreams.toml; repeatable)")
    imp.add_argument("--force", action="store_true", help="re-import even if a complete entry exists")
    imp.set_defaults(handler=import_cmd)

    fetch = actions.add_parser(
        "fetch", help="download the pinned commits from GitHub, verified",
        description="Download the pinned commit's archive from GitHub, keep and verify the locked files, store them.",
    )
    fetch.add_argument("spec", nargs="?", metavar="NAME[@REF]")
    fetch.add_argument("--all", dest="all_releases", action="store_true",
                       help="also fetch the later releases (drift) and today's (Today strips)")
    fetch.add_argument("--today", action="store_true", help="also fetch today's releases (Today strips)")
    fetch.add_argument(
        "--base-url", default=os.environ.get("WALKTHROUGH_ARCHIVE_URL", "https://codeload.github.com"),
        help="where archives are served as BASE/OWNER/REPO/tar.gz/COMMIT "
             "(default: $WALKTHROUGH_ARCHIVE_URL, else https://codeload.github.com)",
    )
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds without data before retrying (default: 30)")
    fetch.add_argument("--retries", type=int, default=3, help="retries after a failed attempt (default: 3)")
    fetch.add_argument("--force", action="store_true", help="download again even if a complete entry exists")
    fetch.set_defaults(handler=fetch_cmd)

    status = actions.add_parser(
        "status", help="each release: pinned commit, lock digest, imported?, last verified",
        description="Each release: pinned commit, lock digest, imported?, last verified.",
    )
    status.add_argument("--json", dest="as_json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=status_cmd)

    verify = actions.add_parser(
        "verify", help="re-hash the cache against the locks",
        description="Re-hash the cache against the locks; exit 3 naming any changed file.",
    )
    verify.add_argument("spec", nargs="?", metavar="NAME[@REF]")
    verify.add_argument("--all", dest="all_releases", action="store_true",
                        help="also verify the later and today's releases")
    verify.add_argument("--today", action="store_true", help="also verify today's releases")
    verify.add_argument("--json", dest="as_json", action="store_true", help="machine-readable output")
    verify.set_defaults(handler=verify_cmd)


def lock_cmd(
    spec: str,
    git: Path | None,
    rev: str | None,
    directory: Path | None,
    roots: list[str],
    include: list[str],
    exclude: list[str],
) -> int:
    """Write snapshots/NAME[@REF].lock from a local copy: path, blob id and size of every selected file."""
    from walkthrough.sources.importer import make_lock  # noqa: PLC0415 - each subcommand imports only what it uses
    from walkthrough.sources.local import Root  # noqa: PLC0415 - each subcommand imports only what it uses

    upstreams = _upstreams()
    release = upstreams.release(spec)
    copy = _copy(git, rev, directory)
    root_list = [Root.parse(r) for r in roots or (".",)]
    source = (
        f"--git <clone of {release.offline.repository}> --rev {rev}"
        if git and release.offline
        else (f"--git <clone> --rev {rev}" if git else "--dir <tree>")
    )
    command = " ".join(
        [f"walkthrough sources lock {spec} {source}"]
        + [f"--root {r}" for r in root_list]
        + [f"--include '{g}'" for g in include]
        + [f"--exclude '{g}'" for g in exclude]
    )
    started = time.monotonic()
    lock = make_lock(
        release.pin,
        copy,
        root_list,
        include=include,
        exclude=exclude,
        comments=[
            f"Lock of {release.pin.label} ({release.pin.repository} at {release.pin.commit}).",
            "Facts only: path, git blob id and size of every file the tool may read; no upstream text.",
            *(["A build set: Go packages live parity's harnesses compile against; never quoted, indexed or shown."]
              if release.build else []),
            f"Generated by: {command}",
        ],
    )
    path = upstreams.write_lock(release, lock)
    _console().print(
        f"wrote {path}: {len(lock)} files, {lock.size} bytes, {lock.digest} "
        f"({time.monotonic() - started:.1f} s)"
        + (f"; export-subst: {', '.join(sorted(lock.export_subst))}" if lock.export_subst else "")
    )
    return 0


def _print_import(report: ImportReport, seconds: float) -> None:
    console = _console()
    if report.skipped:
        console.print(
            f"{report.label}: already in the cache ({report.entry.path if report.entry else ''}); "
            "use --force to re-import"
        )
        return
    total = len(report.found) + len(report.missing) + len(report.mismatching) + len(report.export_subst)
    console.print(
        f"{report.label}: {len(report.found)}/{total} found, {len(report.missing)} missing, "
        f"{len(report.mismatching)} mismatching, {len(report.export_subst)} export-subst "
        f"from {report.source} in {seconds:.1f} s"
    )
    for path, why in report.export_subst.items():
        console.print(f"  left out {path}: {why}; import from git to get it", markup=False)
    if report.entry is not None:
        console.print(f"  cache entry: {report.entry.path}", markup=False)


def _print_problems(report: ImportReport, lock: Lock, limit: int = 20) -> None:
    console = _console(err=True)
    lines = [f"  missing: {p}" for p in report.missing]
    for path, cands in report.mismatching.items():
        seen = "; ".join(f"{c} has blob {b}" for c, b in cands)
        locked = lock.entries[path]
        lines.append(f"  mismatching: {path}: the lock says blob {locked.blob} ({locked.size} bytes); {seen}")
    for line in lines[:limit]:
        console.print(line, markup=False)
    if len(lines) > limit:
        console.print(f"  ... and {len(lines) - limit} more", markup=False)


def import_cmd(
    spec: str, git: Path | None, rev: str | None, directory: Path | None, roots: list[str], force: bool
) -> int:
    """Import NAME[@REF] from a local git repository or directory into the cache, verifying every file."""
    from walkthrough.errors import ImportIncomplete  # noqa: PLC0415 - each subcommand imports only what it uses
    from walkthrough.sources.importer import import_copy  # noqa: PLC0415
    from walkthrough.sources.local import Root  # noqa: PLC0415 - each subcommand imports only what it uses

    upstreams = _upstreams()
    release = upstreams.release(spec)
    offline = release.offline
    rev = rev or (offline.rev if (git and offline) else None)
    copy = _copy(git, rev, directory)
    root_specs = roots or (offline.roots if offline else (".",))
    lock = upstreams.load_lock(release)
    started = time.monotonic()
    try:
        report = import_copy(
            lock, copy, [Root.parse(r) for r in root_specs], label=release.pin.label, force=force
        )
    except ImportIncomplete as exc:
        _print_problems(exc.report, lock)
        raise
    _print_import(report, time.monotonic() - started)
    return 0


def fetch_cmd(
    spec: str | None, all_releases: bool, today: bool, base_url: str, timeout: float, retries: int, force: bool
) -> int:
    """Download the pinned commit's archive from GitHub, keep and verify the locked files, store them."""
    from rich.progress import (  # noqa: PLC0415 - rich only when a subcommand prints
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TransferSpeedColumn,
    )

    from walkthrough.sources.download import FetchOptions, fetch_release  # noqa: PLC0415 - each subcommand imports only what it uses

    upstreams = _upstreams()
    console = _console(err=True)
    options = FetchOptions(base_url=base_url, timeout=timeout, retries=retries)
    for release in _selected(upstreams, spec, all_releases=all_releases, today=today):
        lock = upstreams.load_lock(release)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[files]} files"),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task(release.pin.label, total=None, files=f"0/{len(lock)}")

            def update(
                downloaded: int, total: int | None, files: int, *, _task: TaskID = task, _lock: Lock = lock
            ) -> None:
                progress.update(_task, completed=downloaded, total=total, files=f"{files}/{len(_lock)}")

            result = fetch_release(release, lock, options=options, progress=update, force=force)
        if result.skipped:
            _console().print(f"{release.pin.label}: already in the cache; use --force to fetch again")
            continue
        line = (
            f"{release.pin.label}: {result.files} files verified from {result.url} "
            f"({result.downloaded / 1e6:.1f} MB in {result.seconds:.1f} s, {result.attempts} attempt(s))"
        )
        _console().print(line, markup=False)
        for path, why in result.absent.items():
            _console().print(f"  left out {path}: {why}", markup=False)
    return 0


def status_cmd(as_json: bool) -> int:
    """Show each upstream release: pin, lock, whether it is imported, and when it was last verified."""
    from walkthrough.sources.cache import find_entry, sources_dir  # noqa: PLC0415 - each subcommand imports only what it uses

    upstreams = _upstreams()
    rows = []
    for release in upstreams.releases():
        row: dict[str, object] = {
            "release": release.spec,
            "tag": release.pin.tag,
            "commit": release.pin.commit,
            "pinned": release.pinned,
            "today": release.today,
            "build": release.build,
        }
        try:
            lock = upstreams.load_lock(release)
        except (SourcesMissing, UsageError) as exc:
            row.update(lock=None, problem=exc.message, imported=False)
            rows.append(row)
            continue
        entry = find_entry(lock)
        marker = entry.marker or {}
        verified = entry.verified if entry.complete else None
        absent = marker.get("absent", {})
        # A stat per file (milliseconds): an entry whose files were deleted is not "imported".
        gone = [p for p in lock.entries if p not in absent and not (entry.tree / p).is_file()] if entry.complete else []
        row.update(
            missing_files=len(gone),
            lock=str(upstreams.lock_path(release)),
            files=len(lock),
            digest=lock.digest,
            imported=entry.complete,
            imported_at=marker.get("imported_at"),
            method=marker.get("method"),
            absent=sorted(marker.get("absent", {})),
            verified_at=(verified or {}).get("at"),
            entry=str(entry.path) if entry.complete else None,
        )
        rows.append(row)
    if as_json:
        print(json.dumps({"cache": str(sources_dir()), "releases": rows}, indent=1))
        return 0
    from rich.table import Table  # noqa: PLC0415 - rich only when a subcommand prints

    table = Table(title=f"sources in {sources_dir()}", title_justify="left", box=None, pad_edge=False)
    for col in ("release", "commit", "files", "digest", "imported", "verified"):
        table.add_column(col, no_wrap=True)
    damaged = []
    for row in rows:
        imported = "[green]yes[/]" if row["imported"] else "[red]no[/]"
        if row.get("missing_files"):
            imported = f"[red]damaged[/] ({row['missing_files']} of {row['files']} files missing)"
            damaged.append(str(row["release"]))
        elif row["imported"] and row.get("absent"):
            imported += f" ({len(row['absent'])} left out)"  # type: ignore[arg-type]
        table.add_row(
            str(row["release"]),
            str(row["commit"])[:10],
            str(row.get("files", "-")),
            str(row.get("digest") or "")[:11] or str(row.get("problem")),
            imported,
            str(row.get("verified_at") or "-").replace("T", " ")[:16],
        )
    _console().print(table)
    for spec in damaged:
        _console(err=True).print(
            f"{spec}: files were deleted from its cache entry; re-import it: "
            f"`walkthrough sources fetch {spec} --force` (or `sources import {spec} ... --force`)",
            markup=False,
        )
    return 0


def verify_cmd(spec: str | None, all_releases: bool, today: bool, as_json: bool) -> int:
    """Re-hash every cached file against the lock and check_blobs; exit 3 naming any mismatching file."""
    from walkthrough.errors import VerificationError  # noqa: PLC0415 - each subcommand imports only what it uses
    from walkthrough.sources.cache import open_release, verify_tree  # noqa: PLC0415 - each subcommand imports only what it uses

    upstreams = _upstreams()
    results = []
    problems: list[str] = []
    missing: list[SourcesMissing] = []
    for release in _selected(upstreams, spec, all_releases=all_releases, today=today):
        try:
            tree = open_release(upstreams, release)
        except SourcesMissing as exc:
            if spec is None and not release.pinned:
                continue  # later releases are optional unless named
            missing.append(exc)
            results.append({"release": release.spec, "ok": False, "problems": [exc.message]})
            continue
        started = time.monotonic()
        report = verify_tree(tree)
        found = report.problems()
        for path, blob in release.check_blobs.items():
            locked = tree.lock.entries.get(path)
            if locked is None or locked.blob != blob:
                found.append(
                    f"{path}: check_blobs says {blob}, the lock says {locked.blob if locked else 'nothing'}"
                )
        problems += [f"{release.spec}: {p}" for p in found]
        results.append(
            {
                "release": release.spec,
                "ok": not found,
                "files": report.checked,
                "seconds": round(time.monotonic() - started, 3),
                "recorded": report.not_recorded is None,
                "problems": found,
            }
        )
        if not as_json:
            state = "ok" if not found else f"{len(found)} problem(s)"
            _console().print(
                f"{release.pin.label}: {report.checked} files re-hashed, {state} "
                f"({time.monotonic() - started:.2f} s)",
                markup=False,
            )
        if report.not_recorded is not None:  # the files are fine; only `sources status` will not know
            print(f"note: {release.pin.label} verified but not recorded: {report.not_recorded}", file=sys.stderr)
    if as_json:
        print(json.dumps({"releases": results}, indent=1))
    if problems:
        console = _console(err=True)
        for line in problems[:50]:
            console.print(f"  {line}", markup=False)
        raise VerificationError(
            f"{len(problems)} cached file(s) do not match the lock, e.g. {problems[0]}",
            hint="re-import with `walkthrough sources import ... --force` "
            "or `walkthrough sources fetch --force`",
        )
    if missing:
        raise SourcesError(
            "; ".join(m.message for m in missing), hint="; ".join(m.hint or "" for m in missing)
        )
    return 0
