"""Worker processes for building an index: started at once, forked where that is safe, sharing one object.

Both phases of a build run in a pool: parsing (workers need nothing but the files' bytes) and
resolution (workers need the whole tree's resolver, far too large to send: they inherit it by fork,
copy-on-write, while the cyclic collector is paused so that it does not touch every inherited page).

Fork only while this process has one thread: forking with other threads alive is unsafe. Spawn
would re-run a caller's unguarded script in every worker (and deadlock on the build's lock), so a
pool that needs no shared object falls back to spawn, and one that does falls back to no pool.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

_SHARED: Any = None
"""What forked workers inherit (set by the parent only while it forks them): the one way to hand
workers a large object graph without pickling it."""


def start(n_workers: int, *, share: object = None) -> ProcessPoolExecutor | None:
    """A pool of `n_workers` processes, every one started now; None when a pool cannot serve.

    With `share`, the workers are forked while `shared()` returns it; without fork (or with other
    threads alive) there is no such pool. Without `share`, a pool that cannot fork spawns.
    """
    import multiprocessing  # noqa: PLC0415 - only a build starts workers
    import threading  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    if n_workers < 2:  # noqa: PLR2004 - one worker is slower than this process
        return None
    can_fork = os.name == "posix" and threading.active_count() == 1
    if share is not None and not can_fork:
        return None
    global _SHARED  # noqa: PLW0603 - see _SHARED
    _SHARED = share
    try:
        method = "fork" if can_fork else "spawn"
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context(method))
        for future in [pool.submit(int) for _ in range(n_workers)]:
            future.result()  # every worker exists now: forked with `share` set and no other thread
    finally:
        _SHARED = None
    return pool


def shared() -> Any:
    """In a worker forked by `start(..., share=x)`: x."""
    if _SHARED is None:  # pragma: no cover - only a worker forked with a shared object calls this
        msg = "a worker without the shared object of its pool"
        raise RuntimeError(msg)
    return _SHARED
