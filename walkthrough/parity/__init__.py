"""Golden-vector parity: run vector files recorded from the real Go through the Python models.

Each vector family has a runner module in this package (`quantity.py`, `abac.py`, ...) that defines

    def accepts(file_name: str, meta: dict) -> bool   # is this file of my family?
    def run(data: dict) -> list[Outcome]              # one Outcome per vector

Runners are discovered by iterating this package's modules (subpackages such as `live/`, live parity
against the real Go, are not runners), so adding a family means adding one module.
A file is given to the first runner (in module-name order) whose `accepts` says yes.
Runners build Outcomes with `compare(name, expected, actual)` (only the recorded fields are
compared) or `guarded(name, expected, compute)` (the same, and a model that raises fails that
vector alone).

`run_files(paths)` runs many files and never stops at a broken one: a file that cannot be read,
that no runner accepts, or whose runner crashes becomes a FileReport with `error` set, which
counts as one failure (parity never passes silently over something it could not check).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walkthrough.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from types import ModuleType


@dataclass(frozen=True)
class Outcome:
    """The result of one vector: `name` says which (e.g. `vectors[12] ParseQuantity("1.5Gi")`)."""

    name: str
    passed: bool
    expected: Any = None
    actual: Any = None
    detail: str = ""


@dataclass
class FileReport:
    """All outcomes of one vector file, and which runner produced them."""

    path: Path
    runner: str
    outcomes: list[Outcome] = field(default_factory=list)
    error: str = ""

    @property
    def failed(self) -> list[Outcome]:
        """The outcomes that did not match."""
        return [o for o in self.outcomes if not o.passed]

    @property
    def passed_count(self) -> int:
        """How many outcomes matched."""
        return sum(1 for o in self.outcomes if o.passed)

    @property
    def failed_count(self) -> int:
        """Failed vectors, or 1 when the file could not be checked at all."""
        return len(self.failed) + (1 if self.error else 0)


def _restrict(expected: Any, actual: Any) -> Any:
    """`actual` cut down to the keys `expected` has, recursively through dicts."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return {k: _restrict(expected[k], actual[k]) for k in expected if k in actual}
    return actual


def compare(name: str, expected: Any, actual: Any, *, subset: bool = True) -> Outcome:
    """An Outcome for one vector.

    With `subset`, only the fields the vector records are compared (a model may compute more);
    the detail names the differing top-level fields.
    """
    shown = _restrict(expected, actual) if subset else actual
    if shown == expected:
        return Outcome(name, passed=True)
    detail = ""
    if isinstance(expected, dict) and isinstance(shown, dict):
        keys = sorted(k for k in expected.keys() | shown.keys() if expected.get(k, ...) != shown.get(k, ...))
        detail = "differs in: " + ", ".join(keys)
        expected = {k: expected.get(k, "<absent>") for k in keys}
        shown = {k: shown.get(k, "<absent>") for k in keys}
    return Outcome(name, passed=False, expected=expected, actual=shown, detail=detail)


def guarded(name: str, expected: Any, compute: Callable[..., Any], *, subset: bool = True) -> Outcome:
    """compare() on what `compute()` returns; a model that raises fails this vector only.

    `compute` is called without arguments; runners pass lambdas that bind their loop variables as defaults.
    """
    try:
        actual = compute()
    except Exception as exc:  # noqa: BLE001 - one broken vector must not hide the others
        return Outcome(name, passed=False, expected=expected, actual=None,
                       detail=f"the model raised {type(exc).__name__}: {exc}")
    return compare(name, expected, actual, subset=subset)


def runners() -> list[ModuleType]:
    """Every runner module of this package, in name order."""
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
        if not info.name.startswith("_") and not info.ispkg  # `live/` is live parity, not a runner
    ]


def run_file(path: Path) -> FileReport:
    """Load a vector file, pick the runner that accepts it, run every vector."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read vector file: {exc}", location=str(path)) from exc
    meta = data.get("meta", {}) if isinstance(data, dict) else {}
    for runner in runners():
        if runner.accepts(path.name, meta):
            name = runner.__name__.rsplit(".", 1)[-1]
            try:
                return FileReport(path, name, list(runner.run(data)))
            except Exception as exc:  # noqa: BLE001 - reported as this file's failure, with the runner named
                return FileReport(path, name, error=f"runner crashed: {type(exc).__name__}: {exc}")
    raise InputError(
        "no parity runner accepts this file",
        location=str(path),
        hint="name it like the files in tests/golden/ (a-quantity.json, ...) or give it their `meta`",
    )


def vector_files(directory: Path) -> list[Path]:
    """The `*.json` files of a directory, sorted by name."""
    return sorted(p for p in directory.glob("*.json") if p.is_file())


def run_files(paths: list[Path]) -> list[FileReport]:
    """Run each file; problems with one file are recorded in its report, not raised."""
    reports = []
    for path in paths:
        try:
            reports.append(run_file(path))
        except InputError as exc:
            reports.append(FileReport(path, "", error=exc.message.removeprefix(f"{path}: ")))
        except Exception as exc:  # noqa: BLE001 - a crashing model is a parity failure to report, not a traceback
            reports.append(FileReport(path, "", error=f"runner crashed: {type(exc).__name__}: {exc}"))
    return reports
