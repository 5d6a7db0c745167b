"""Progress of long steps (building an index) on a terminal: a rich bar on stderr, nothing when piped.

A step reports `progress(label, done, total)` (`walkthrough.index.protocol.Progress`) and never
prints. The bar of a label starts at its first report and stops when the label is done, or when
another label begins: the index build forks its workers between steps, and forking while the bar's
refresh thread runs would be unsafe, so no thread of ours may outlive a step.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from walkthrough.index.protocol import Progress


class TerminalProgress:
    """A `Progress` callback drawing one transient rich bar per label on stderr."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None
        self._label = ""

    def __call__(self, label: str, done: int, total: int) -> None:
        """Report `done` of `total` for `label`; done == total ends its bar."""
        if label != self._label or self._bar is None:
            self.close()
            from rich.console import Console  # noqa: PLC0415 - rich only when a bar is drawn
            from rich.progress import Progress as Bar  # noqa: PLC0415

            self._bar = Bar(console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task(label, total=total)
            self._label = label
            self._bar.start()
        self._bar.update(self._task, completed=done)
        if done >= total:
            self.close()

    def close(self) -> None:
        """Stop the bar (and its refresh thread), if one is drawn."""
        if self._bar is not None:
            self._bar.stop()
        self._bar, self._label = None, ""


def for_terminal() -> Progress | None:
    """A progress callback when stderr is a terminal (people watch), else None (scripts and logs)."""
    return TerminalProgress() if sys.stderr.isatty() else None
