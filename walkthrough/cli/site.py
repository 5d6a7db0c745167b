"""`walkthrough build` and `walkthrough serve`: check the pinned sources, then run mkdocs (1.x API).

Both refuse to start without the sources (exit 3, naming the command that brings them), so a missing
cache never shows up as a page full of broken excerpts. `build --strict` turns every warning (a directive
that does not resolve, a broken link) into a failure (exit 2).

MkDocs 1.x is called through its Python API (`load_config`, `commands.build.build`, `commands.serve.serve`);
ProperDocs, the maintained fork of 1.x, keeps the same API and plugin entry points. Material's notice about
"MkDocs 2.0" is silenced on purpose, by its own switch (`NO_MKDOCS_2_WARNING`): we pin `mkdocs<2` and say why
in DESIGN.md, so the notice tells our users nothing they can act on.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from walkthrough.errors import InputError, SourcesMissing, UsageError
from walkthrough.paths import PROJECT_ENV, project_root

if TYPE_CHECKING:
    import argparse


def check_sources(project: Path) -> list[str]:
    """Every pinned upstream must be in the cache, complete and for its exact lock; return their labels.

    Raises:
        SourcesMissing: one is not imported (the hint names the command to run).
    """
    from walkthrough.sources import open_tree  # noqa: PLC0415
    from walkthrough.sources.pins import load_pins  # noqa: PLC0415

    labels = []
    for name in sorted(load_pins(project)):
        tree = open_tree(name, project_root=project)
        labels.append(tree.pin.label)
    return labels


def _prepare(project: Path) -> None:
    """Environment for a reproducible, quiet mkdocs run; set before mkdocs or Material is imported."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault(PROJECT_ENV, str(project))
    if "SOURCE_DATE_EPOCH" not in os.environ:
        # sitemap dates and the sitemap.xml.gz header follow this; the last commit keeps rebuilds identical.
        stamp = _last_commit_time(project)
        if stamp:
            os.environ["SOURCE_DATE_EPOCH"] = stamp
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_walkthrough", False) for h in logger.handlers):
        handler._walkthrough = True  # type: ignore[attr-defined]  # noqa: SLF001 - our marker, one handler
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _last_commit_time(project: Path) -> str | None:
    try:
        out = subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["git", "-C", str(project), "log", "-1", "--format=%ct"],  # noqa: S607 - git from PATH
            capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = out.stdout.strip()
    return value if out.returncode == 0 and value.isdigit() else None


def _config_file(project: Path, config_file: Path | None) -> Path:
    path = config_file or project / "mkdocs.yml"
    if not path.is_file():
        raise UsageError(f"no mkdocs configuration at {path}", hint="run from the project checkout, or pass -f")
    return path


def _checked(project: Path) -> None:
    try:
        labels = check_sources(project)
    except SourcesMissing as exc:
        raise SourcesMissing(f"cannot build the site: {exc.message}", hint=exc.hint) from None
    print(f"sources verified: {', '.join(labels)}", file=sys.stderr)


def configure_build(parser: argparse.ArgumentParser) -> None:
    """`build [--strict] [-f mkdocs.yml] [-d DIR]`."""
    parser.add_argument("--strict", action="store_true", help="fail on any warning: a broken link or directive")
    parser.add_argument("-f", "--config-file", type=Path, help="mkdocs.yml to use")
    parser.add_argument("-d", "--site-dir", type=Path, help="output folder (default: site/)")
    parser.set_defaults(handler=build)


def build(strict: bool, config_file: Path | None, site_dir: Path | None) -> int:
    """Build the static site into site/ (sources checked first)."""
    project = project_root()
    config_path = _config_file(project, config_file)
    _checked(project)
    _prepare(project)
    from mkdocs.commands.build import build as mkdocs_build  # noqa: PLC0415
    from mkdocs.config import load_config  # noqa: PLC0415
    from mkdocs.exceptions import Abort, MkDocsException  # noqa: PLC0415

    options = {"site_dir": str(site_dir)} if site_dir else {}
    try:
        config = load_config(str(config_path), strict=strict, **options)
        mkdocs_build(config)
    except Abort as exc:
        raise InputError(f"site build failed: {exc}", hint="fix the warnings above (chapter:line, symbol)") from None
    except MkDocsException as exc:
        raise InputError(f"site build failed: {exc}") from None
    print(f"site written to {config.site_dir}", file=sys.stderr)
    return 0


def configure_serve(parser: argparse.ArgumentParser) -> None:
    """`serve [-a HOST:PORT] [--strict] [-f mkdocs.yml]`."""
    parser.add_argument("-a", "--dev-addr", default="127.0.0.1:8000",
                        help="address to serve on (default: 127.0.0.1:8000)")
    parser.add_argument("--strict", action="store_true", help="fail on any warning")
    parser.add_argument("-f", "--config-file", type=Path, help="mkdocs.yml to use")
    parser.set_defaults(handler=serve)


def serve(dev_addr: str, strict: bool, config_file: Path | None) -> int:
    """Serve the site locally with live reload (sources checked first)."""
    project = project_root()
    config_path = _config_file(project, config_file)
    _checked(project)
    _prepare(project)
    from mkdocs.commands.serve import serve as mkdocs_serve  # noqa: PLC0415
    from mkdocs.exceptions import Abort, MkDocsException  # noqa: PLC0415

    models = project / "walkthrough" / "reimpl"
    try:
        mkdocs_serve(
            str(config_path),
            livereload=True,
            watch=[str(models)] if models.is_dir() else [],
            dev_addr=dev_addr,
            strict=strict,
        )
    except Abort as exc:
        raise InputError(f"serve stopped: {exc}") from None
    except MkDocsException as exc:
        raise InputError(f"serve failed: {exc}") from None
    return 0
