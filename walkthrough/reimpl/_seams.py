"""Randomness and time for the models, with a seam that fixes both: how a chapter's `/// run` prints the same bytes.

The models draw what Go draws from `crypto/rand`, `uuid` and `time.Now`: Docker's cache and mount IDs, an object's
`uid`, its `creationTimestamp`, a watch's jittered timeout. Left alone, these are the real thing, so a reader's
run differs from the next as Go's would. Two environment variables pin them (the `run` directive sets both,
`walkthrough.book.runs.FIXED_ENV`):

- `WALKTHROUGH_SEED=N`: every draw (bytes, UUIDs, floats) comes from one `random.Random(N)` stream, in the order
  the model asks, so a single-threaded demo prints the same IDs on every machine;
- `WALKTHROUGH_CLOCK=2017-01-12T00:00:00Z` (RFC 3339, UTC): `now()` returns that instant, every time.

Only draws whose value a reader can see go through here; deadlines (`time.monotonic`) stay real.
"""

from __future__ import annotations

import os
import random as _random
import secrets
import uuid as _uuid
from datetime import UTC, datetime

SEED_ENV = "WALKTHROUGH_SEED"
CLOCK_ENV = "WALKTHROUGH_CLOCK"

_stream: _random.Random | None = None
_stream_seed: str | None = None


def _seeded() -> _random.Random | None:
    """The process's one seeded stream while `WALKTHROUGH_SEED` is set (a new seed starts a new stream)."""
    global _stream, _stream_seed
    seed = os.environ.get(SEED_ENV)
    if not seed:
        return None
    if _stream is None or seed != _stream_seed:
        _stream, _stream_seed = _random.Random(seed), seed  # noqa: S311 - reproducible on purpose, never security
    return _stream


def random_bytes(n: int) -> bytes:
    """`n` bytes of `crypto/rand`, or of the seeded stream."""
    stream = _seeded()
    return stream.randbytes(n) if stream is not None else secrets.token_bytes(n)


def uuid4() -> _uuid.UUID:
    """A version-4 UUID (pborman/uuid.NewRandom), from the seeded stream when there is one."""
    return _uuid.UUID(bytes=random_bytes(16), version=4)


def random() -> float:
    """A float in [0, 1) (math/rand.Float64)."""
    stream = _seeded()
    return stream.random() if stream is not None else _random.random()  # noqa: S311 - Go's math/rand, a jitter


def now() -> datetime:
    """The current time in UTC, or the instant `WALKTHROUGH_CLOCK` names."""
    fixed = os.environ.get(CLOCK_ENV)
    if fixed:
        try:
            return datetime.fromisoformat(fixed).astimezone(UTC)
        except ValueError:
            raise ValueError(f"{CLOCK_ENV}={fixed!r} is not an RFC 3339 time such as 2017-01-12T00:00:00Z") from None
    return datetime.now(UTC)
