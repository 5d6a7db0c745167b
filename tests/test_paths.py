"""Where things live: the cache root's precedence, and the Linux default agreeing with platformdirs."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import platformdirs
import pytest

from walkthrough import paths

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(autouse=True)
def _no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "_cache_override", None)
    monkeypatch.delenv(paths.CACHE_ENV, raising=False)


def test_cli_option_then_env_then_platform(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "env"))
    assert paths.cache_root() == tmp_path / "env"
    paths.set_cache_root(tmp_path / "option")
    assert paths.cache_root() == tmp_path / "option"


@pytest.mark.skipif(sys.platform != "linux", reason="the written-out rule is Linux's; elsewhere platformdirs decides")
@pytest.mark.parametrize("xdg", [None, "", "   ", "/var/cache/xdg", "relative/cache"])
def test_linux_default_is_platformdirs_own(monkeypatch: pytest.MonkeyPatch, xdg: str | None) -> None:
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert paths.cache_root() == platformdirs.user_cache_path("walkthrough", appauthor=False)
