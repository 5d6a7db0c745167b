"""Run `walkthrough` with writes under one folder refused, as a read-only mount would refuse them.

    python tests/deny.py DIR ARGS...    # like `walkthrough ARGS...`, with DIR read-only

For machines where tests cannot mount (not root, no user namespaces): the fault-injection table
(test_faults.py) runs its read-only rows through this instead of `unshare -m` + `mount --bind -o ro`.
Every call that would create, change or remove something under DIR fails with EROFS, naming the path.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import sys
from typing import Any


def _under(path: Any, root: str) -> bool:
    if isinstance(path, int):
        return False
    full = os.path.abspath(os.fsdecode(path))  # noqa: PTH100 - os-level paths, as the calls take them
    return full == root or full.startswith(root + os.sep)


def _refuse(path: Any) -> OSError:
    return OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))


def install(root: str) -> None:
    """Refuse writes under `root` in this process (os.open with write flags, mkdir, rename, unlink, ...)."""
    root = os.path.abspath(root)  # noqa: PTH100
    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    real_os_open = os.open

    def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & writes and _under(path, root):
            raise _refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    real_open = io.open

    def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(c in mode for c in "wax+") and _under(file, root):
            raise _refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def one_path(real: Any) -> Any:
        def call(path: Any, *args: Any, **kwargs: Any) -> Any:
            if _under(path, root):
                raise _refuse(path)
            return real(path, *args, **kwargs)

        return call

    def two_paths(real: Any) -> Any:
        def call(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
            for path in (src, dst):
                if _under(path, root):
                    raise _refuse(path)
            return real(src, dst, *args, **kwargs)

        return call

    os.open = os_open
    io.open = builtins.open = open_
    for name in ("mkdir", "unlink", "remove", "rmdir", "chmod", "utime"):
        setattr(os, name, one_path(getattr(os, name)))
    for name in ("rename", "replace", "link", "symlink"):
        setattr(os, name, two_paths(getattr(os, name)))


if __name__ == "__main__":
    install(sys.argv[1])
    from walkthrough.cli import main

    sys.exit(main(sys.argv[2:]))
