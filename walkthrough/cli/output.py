"""Atomic output folders: a build writes beside its target and takes its place only when whole.

mkdocs empties its `site_dir` before writing a thousand pages into it, so a build that fails (a tampered
source, a broken directive under `--strict`), is interrupted (Ctrl-C, SIGTERM) or dies would leave a
site that is empty or half written. `replacing(target)` gives the build a fresh sibling folder
`.NAME.build-PID-RAND` instead (same file system, so a rename moves it) and, when the build returns,
renames the old folder aside, the new one in, and removes the old one: a reader sees the old site or the
new one. Anything that leaves the block early removes the sibling and keeps the old site as it was.
Siblings left by builds that were killed outright (SIGKILL, power loss) are removed by the next build
once their process is gone. OSErrors become `OutputUnwritable` naming the folder (exit 2).
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from walkthrough.errors import os_errors

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from types import FrameType


def _sibling(target: Path, kind: str) -> Path:
    return target.with_name(f".{target.name}.{kind}-{os.getpid()}-{os.urandom(4).hex()}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _remove_stale(target: Path) -> None:
    """Remove siblings of `target` left by builds whose process is gone."""
    for stale in target.parent.glob(f".{target.name}.*-*-*"):
        kind, _, rest = stale.name[len(target.name) + 2 :].partition("-")
        pid = rest.partition("-")[0]
        if kind in ("build", "old") and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Inside, SIGTERM interrupts like Ctrl-C, so `finally` blocks run (main thread only; else a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001 - signal handler signature
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield an empty folder beside `target`; on a normal exit it replaces `target`, else it is removed.

    Raises:
        OutputUnwritable: the folder beside `target` cannot be made, or the swap is refused.
    """
    target = target.resolve()  # a symlinked site/: build beside what it points to
    with os_errors("output", target):
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(target)
        fresh = _sibling(target, "build")
        fresh.mkdir()
    try:
        with _sigterm_interrupts():
            yield fresh
            _swap(fresh, target)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def _swap(fresh: Path, target: Path) -> None:
    """Put `fresh` in place of `target` (which may not exist); the old one is removed afterwards."""
    with os_errors("output", target):
        if not target.exists():
            fresh.rename(target)
            return
        old = _sibling(target, "old")
        target.rename(old)
        try:
            fresh.rename(target)
        except BaseException:
            with suppress(OSError):
                old.rename(target)  # put the old site back
            raise
    shutil.rmtree(old, ignore_errors=True)
