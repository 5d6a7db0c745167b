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

from walkthrough.errors import InputError, SourcesMissing, UsageError, WalkthroughError, from_os_error, os_errors
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


class VisibleFormatter(logging.Formatter):
    """mkdocs' log lines as `LEVEL -  message`, with hidden characters shown (`walkthrough.text.visible`).

    Warnings quote chapter text (a directive's symbol, an anchor), which may hold escape sequences or bidi
    controls: on a terminal they would retitle or clear it, or reorder what is read.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record, made visible."""
        from walkthrough.text import visible  # noqa: PLC0415

        return visible(super().format(record))


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
    handler.setFormatter(VisibleFormatter("%(levelname)-7s -  %(message)s"))
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
    # Only present and complete so far: each file is checked against its lock when the build reads it.
    print(f"sources in the cache: {', '.join(labels)}", file=sys.stderr)


def _cause(exc: BaseException) -> WalkthroughError | None:
    """Our error behind a mkdocs failure (mkdocs wraps a plugin's error in PluginError, then Abort)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, WalkthroughError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def configure_build(parser: argparse.ArgumentParser) -> None:
    """`build [--strict] [-f mkdocs.yml] [-d DIR]`."""
    parser.add_argument("--strict", action="store_true", help="fail on any warning: a broken link or directive")
    parser.add_argument("-f", "--config-file", type=Path, help="mkdocs.yml to use")
    parser.add_argument("-d", "--site-dir", type=Path, help="output folder (default: site/)")
    parser.set_defaults(handler=build)


def build(strict: bool, config_file: Path | None, site_dir: Path | None) -> int:
    """Build the static site into site/ (sources checked first).

    The site is written beside the output folder and takes its place only when the build succeeded
    (`walkthrough.cli.output`): a failed or interrupted build leaves the previous site as it was.
    """
    project = project_root()
    config_path = _config_file(project, config_file)
    _checked(project)
    _prepare(project)
    from mkdocs.commands.build import build as mkdocs_build  # noqa: PLC0415
    from mkdocs.config import load_config  # noqa: PLC0415
    from mkdocs.exceptions import Abort, MkDocsException  # noqa: PLC0415

    from walkthrough.cli.output import replacing  # noqa: PLC0415

    options = {"site_dir": str(site_dir)} if site_dir else {}
    try:
        config = load_config(str(config_path), strict=strict, **options)
    except (Abort, MkDocsException) as exc:
        raise InputError(f"{config_path}: {exc}", hint="fix the configuration errors above") from None
    target = Path(config.site_dir)
    try:
        with replacing(target) as fresh:
            config["site_dir"] = str(fresh)
            try:
                mkdocs_build(config)
            except OSError as exc:
                if exc.filename and Path(str(exc.filename)).is_relative_to(fresh):
                    raise from_os_error(exc, "output", target) from exc
                raise
    except (Abort, MkDocsException) as exc:
        cause = _cause(exc)
        if cause is not None:  # sources that fail their lock (exit 3), an unreadable index, ...
            cause.message = f"site not built ({target} left as it was): {cause.message}"
            raise cause from None
        warnings = "warning" in str(exc)
        raise InputError(
            f"site not built ({target} left as it was): {exc}",
            hint="fix the warnings above (chapter:line, symbol)" if warnings else None,
        ) from None
    print(f"site written to {target}", file=sys.stderr)
    return 0


def _check_address(dev_addr: str) -> None:
    """Fail now, not after a whole build, when `serve` could not listen on `dev_addr` (HOST:PORT)."""
    import socket  # noqa: PLC0415

    host, _, port = dev_addr.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or int(port) > 65535:  # noqa: PLR2004 - the largest TCP port
        raise UsageError(f"bad address {dev_addr!r}: expected HOST:PORT", hint="e.g. -a 127.0.0.1:8000")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with os_errors("address", dev_addr), socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as mkdocs' server does
        probe.bind((host, int(port)))


def configure_serve(parser: argparse.ArgumentParser) -> None:
    """`serve [-a HOST:PORT] [--strict] [-f mkdocs.yml]`."""
    parser.add_argument("-a", "--dev-addr", default="127.0.0.1:8000",
                        help="address to serve on (default: 127.0.0.1:8000)")
    parser.add_argument("--strict", action="store_true", help="fail on any warning")
    parser.add_argument("-f", "--config-file", type=Path, help="mkdocs.yml to use")
    parser.set_defaults(handler=serve)


def serve(dev_addr: str, strict: bool, config_file: Path | None) -> int:
    """Serve the site locally with live reload (sources checked first)."""
    import errno  # noqa: PLC0415

    project = project_root()
    config_path = _config_file(project, config_file)
    _check_address(dev_addr)
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
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL):  # taken between the check and the bind
            raise from_os_error(exc, "address", dev_addr) from exc
        raise
    except (Abort, MkDocsException) as exc:
        cause = _cause(exc)
        if cause is not None:
            raise cause from None
        raise InputError(f"serve stopped: {exc}") from None
    return 0
