"""The models' randomness and clock: real by default, fixed by `WALKTHROUGH_SEED` and `WALKTHROUGH_CLOCK`."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from walkthrough.reimpl import _seams


def test_unset_seams_are_random(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_seams.SEED_ENV, raising=False)
    assert _seams.uuid4() != _seams.uuid4()
    assert _seams.random_bytes(16) != _seams.random_bytes(16)


def test_a_seed_fixes_every_draw_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_seams.SEED_ENV, "7")
    first = [_seams.random_bytes(4), _seams.uuid4(), _seams.random()]
    monkeypatch.setenv(_seams.SEED_ENV, "8")  # another seed: a new stream
    other = _seams.uuid4()
    monkeypatch.setenv(_seams.SEED_ENV, "7")
    assert [_seams.random_bytes(4), _seams.uuid4(), _seams.random()] == first
    assert other != first[1]
    assert first[1].version == 4


def test_the_clock_stands_still(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_seams.CLOCK_ENV, "2017-01-12T00:00:00Z")
    assert _seams.now() == datetime(2017, 1, 12, tzinfo=UTC)
    monkeypatch.setenv(_seams.CLOCK_ENV, "yesterday")
    with pytest.raises(ValueError, match="not an RFC 3339 time"):
        _seams.now()


@pytest.mark.parametrize("module", ["walkthrough.reimpl.docker.layout", "walkthrough.reimpl.kubernetes.resthandler"])
def test_demos_print_the_same_bytes_twice_with_fixed_seams(module: str) -> None:
    env = {_seams.SEED_ENV: "0", _seams.CLOCK_ENV: "2017-01-12T00:00:00Z", "PYTHONPATH": ":".join(sys.path)}
    outputs = [
        subprocess.run([sys.executable, "-m", module], capture_output=True, text=True, env=env, check=True).stdout
        for _ in range(2)
    ]
    assert outputs[0] == outputs[1]
    assert outputs[0]
