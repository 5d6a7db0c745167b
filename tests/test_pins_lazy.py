"""The lock's fast path (`Lock.loads` checks in bulk, entries stay text) agrees with the line parser."""

from __future__ import annotations

import base64
import hashlib

import pytest

from walkthrough.errors import UsageError
from walkthrough.models import LockEntry, Pin
from walkthrough.sources.pins import Lock, _parse_lines, set_digest

PIN = Pin("fake", "https://example.invalid/fake", "v1.0.0", "a" * 40)
ENTRIES = [
    LockEntry("a b/x.go", "1" * 40, 3),
    LockEntry("b.go", "2" * 40, 10),
    LockEntry("dir/b.go", "3" * 40, 12),
    LockEntry("x/12 b.go", "4" * 40, 5),
]


def strict(text: str) -> Lock:
    header, _subst, _comments, entries = _parse_lines(text, "t")
    entries = dict(sorted(entries.items()))
    return Lock(header["upstream"], header["tag"], header["commit"], entries, set_digest(entries.values()))


def test_fast_lock_equals_the_line_parsers() -> None:
    plain = Lock.build(PIN, [e for e in ENTRIES if " " not in e.path])
    lock = Lock.loads(plain.dumps())
    assert type(lock.entries).__name__ == "_LockedFiles"  # the fast path was taken
    assert lock == plain == strict(plain.dumps())
    assert lock.dumps() == plain.dumps()
    assert lock.entries["b.go"] == ENTRIES[1]
    assert "dir/b.go" in lock
    assert "b" not in lock
    assert lock.entries.get("o") is None
    assert lock.entries.get("dir/b.go\n") is None
    assert list(lock.entries) == ["b.go", "dir/b.go"]
    assert len(lock) == 2


def test_paths_with_spaces_use_the_line_parser_and_look_up_exactly() -> None:
    built = Lock.build(PIN, ENTRIES)
    lock = Lock.loads(built.dumps())
    assert lock == built
    assert lock.entries["b.go"].size == 10
    assert lock.entries["x/12 b.go"].size == 5


def test_unsorted_lock_is_sorted_by_the_line_parser() -> None:
    text = Lock.build(PIN, ENTRIES[1:3]).dumps()
    head, _, body = text.partition("2222")
    lines = ("2222" + body).splitlines()
    lock = Lock.loads(head + "\n".join(reversed(lines)) + "\n")
    assert list(lock.entries) == ["b.go", "dir/b.go"]


def test_tampered_fast_lock_is_refused() -> None:
    text = Lock.build(PIN, ENTRIES[1:3]).dumps()
    with pytest.raises(UsageError, match="digest"):
        Lock.loads(text.replace("2" * 40, "5" * 40))
    with pytest.raises(UsageError, match="digest"):
        Lock.loads(text.replace("dir/b.go", "dir/c.go"))


def test_forged_digest_over_repeated_lines_fails_when_iterated() -> None:

    line = f"{'2' * 40} 10 b.go\n"
    body = line + line
    digest = "h1:" + base64.b64encode(hashlib.sha256(f"{'2' * 40}  b.go\n".encode() * 2).digest()).decode()
    text = f"upstream = fake\ntag = v1\ncommit = {'a' * 40}\nfiles = 2\ndigest = {digest}\n{body}"
    lock = Lock.loads(text)
    with pytest.raises(UsageError, match="repeat a path"):
        list(lock.entries)
