"""The whole repository passes `ruff check` under the project's configuration (ruff ALL, ignores commented)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed (pip install -e '.[test]')")
def test_ruff_check_is_clean() -> None:
    # The interpreter's own ruff (the test extra's), on the checkout; no cache written into it, no network.
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, f"ruff check found problems:\n{done.stdout}{done.stderr}"
