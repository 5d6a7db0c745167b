"""Where things live: the project checkout (chapters, snapshots) and the cache outside it.

The cache is the platform cache dir (XDG on Linux) unless `WALKTHROUGH_CACHE` or the CLI's
`--cache` option says otherwise. Upstream code only ever lives in the cache, never in the repo.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

CACHE_ENV = "WALKTHROUGH_CACHE"
PROJECT_ENV = "WALKTHROUGH_PROJECT"

_cache_override: Path | None = None


def set_cache_root(path: Path | None) -> None:
    """Override the cache root for this process (the CLI's `--cache` option)."""
    global _cache_override  # noqa: PLW0603 - one process-wide setting, set once by the CLI
    _cache_override = path


def cache_root() -> Path:
    """The cache directory: `--cache`, else `$WALKTHROUGH_CACHE`, else the platform cache dir."""
    if _cache_override is not None:
        return _cache_override
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    if sys.platform == "linux":
        # platformdirs' rule for Linux (the XDG base directory spec), written out: importing
        # platformdirs costs `explain` a twentieth of its time budget. tests/test_paths.py checks
        # that both agree.
        xdg = Path(os.environ.get("XDG_CACHE_HOME", ""))  # the spec ignores a relative one
        return (xdg if xdg.is_absolute() else Path("~/.cache").expanduser()) / "walkthrough"
    from platformdirs import user_cache_path  # noqa: PLC0415 - only needed without an override

    return user_cache_path("walkthrough", appauthor=False)


def project_root(start: Path | None = None) -> Path:
    """The checkout holding `snapshots/upstreams.toml`.

    `$WALKTHROUGH_PROJECT` wins; else the nearest parent of `start` (default: the working
    directory) that has the file; else the checkout this package was installed from (editable).
    """
    env = os.environ.get(PROJECT_ENV)
    if env:
        return Path(env).expanduser().resolve()
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "snapshots" / "upstreams.toml").is_file():
            return candidate
    return Path(__file__).resolve().parent.parent


def snapshots_dir(root: Path | None = None) -> Path:
    """The `snapshots/` folder of the project: pins, locks and excerpt fingerprints (facts only)."""
    return (root or project_root()) / "snapshots"


def chapters_dir(root: Path | None = None) -> Path:
    """The `chapters/` folder: our Markdown, the mkdocs docs directory."""
    return (root or project_root()) / "chapters"
