"""The memo of pure functions of project files: exact hits, recomputation, corruption, read-only caches."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import pytest

from walkthrough import paths, store
from walkthrough.errors import UsageError
from walkthrough.sources.pins import Lock, load_pins

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


@pytest.fixture(autouse=True)
def _fresh_process_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process would: nothing memoized in memory."""
    monkeypatch.setattr(store, "_SEEN", {})


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache root (made, as an import makes it: memos never create the root itself)."""
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(paths, "_cache_override", None)
    (tmp_path / "cache").mkdir()
    return tmp_path / "cache"


class Counter:
    """A pure function of text that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> dict[str, int]:
        self.calls += 1
        return {"length": len(text)}


def forget() -> None:
    """What a new process sees: the files only."""
    store._SEEN.clear()  # noqa: SLF001 - the test plays a second process


def test_a_second_process_takes_the_result_without_the_work(cache: Path) -> None:
    f = Counter()
    assert store.memoized("f", "abc", f) == {"length": 3}
    forget()
    assert store.memoized("f", "abc", f) == {"length": 3}
    assert f.calls == 1
    assert len(list((cache / "memo").glob("f-*.json"))) == 1


def test_a_cache_root_that_does_not_exist_is_not_created(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = cache.parent / "typo" / "cache"
    monkeypatch.setenv(paths.CACHE_ENV, str(missing))
    f = Counter()
    assert store.memoized("f", "abc", f) == {"length": 3}
    assert not missing.parent.exists()


def test_other_text_is_computed_and_replaces_the_old_memo(cache: Path) -> None:
    f = Counter()
    store.memoized("f", "abc", f)
    forget()
    assert store.memoized("f", "abcd", f) == {"length": 4}
    assert f.calls == 2
    assert len(list((cache / "memo").glob("f-*.json"))) == 1
    store.memoized("g", "abc", f)  # another name keeps its own memo
    assert len(list((cache / "memo").glob("*.json"))) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: text.replace('"length":3', '"length":4'),  # value edited, checksum not
        lambda text: text.split("\n")[1],  # no checksum line
        lambda _: "\x00\xff",
    ],
)
def test_a_damaged_memo_is_recomputed_never_trusted(cache: Path, damage: object) -> None:
    f = Counter()
    store.memoized("f", "abc", f)
    (path,) = (cache / "memo").glob("f-*.json")
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    forget()
    assert store.memoized("f", "abc", f) == {"length": 3}
    assert f.calls == 2
    forget()
    assert store.memoized("f", "abc", f) == {"length": 3}  # and rewritten whole
    assert f.calls == 2


def test_a_read_only_cache_only_costs_the_work(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(paths.CACHE_ENV, str(blocker))
    f = Counter()
    assert store.memoized("f", "abc", f) == {"length": 3}
    forget()
    assert store.memoized("f", "abc", f) == {"length": 3}
    assert f.calls == 2


def test_none_is_a_result_like_any_other(cache: Path) -> None:
    calls = []

    def nothing(text: str) -> None:
        calls.append(text)

    assert store.memoized("n", "x", nothing) is None
    forget()
    assert store.memoized("n", "x", nothing) is None
    assert calls == ["x"]


def test_results_that_json_would_change_are_not_memoized(cache: Path) -> None:
    calls = []

    def tuples(text: str) -> tuple[str, ...]:
        calls.append(text)
        return (text,)

    assert store.memoized("t", "x", tuples) == ("x",)
    forget()
    assert store.memoized("t", "x", tuples) == ("x",)
    assert len(calls) == 2
    assert not list(cache.glob("memo/t-*"))


def test_an_error_is_raised_each_time_and_never_memoized(cache: Path) -> None:
    def bad(text: str) -> None:
        raise UsageError(f"bad {text}")

    for _ in range(2):
        forget()
        with pytest.raises(UsageError, match="bad x"):
            store.memoized("b", "x", bad)
    assert not list(cache.glob("memo/b-*"))


FILES = {"pkg/a/a.go": "package a\n", "pkg/b/b.go": "package b\n"}


def test_a_lock_edited_after_its_check_was_memoized_is_still_refused(fake_upstream: Callable[..., object]) -> None:
    fake_upstream(FILES)
    ups = load_pins()
    release = ups.release("fake")
    ups.load_lock(release)
    memos = list((paths.cache_root() / "memo").glob("lock-fake.lock-*.json"))
    assert len(memos) == 1
    path = ups.lock_path(release)
    text = path.read_text(encoding="utf-8")
    first_blob = text.split("\n")[-2].split(" ")[0]
    path.write_text(text.replace(first_blob, "f" * 40), encoding="utf-8")
    forget()
    with pytest.raises(UsageError, match="does not match its digest"):
        ups.load_lock(release)


def test_the_memoized_lock_and_pins_equal_the_parsed_ones(fake_upstream: Callable[..., object]) -> None:
    fake_upstream(FILES)
    ups = load_pins()
    release = ups.release("fake")
    path = ups.lock_path(release)
    fresh = Lock.loads(path.read_text(encoding="utf-8"))
    forget()
    first = Lock.loads(path.read_text(encoding="utf-8"), memo="lock-x")
    forget()
    again = Lock.loads(path.read_text(encoding="utf-8"), memo="lock-x")
    for lock in (first, again):
        assert (lock.upstream, lock.tag, lock.commit, lock.digest) == (
            fresh.upstream,
            fresh.tag,
            fresh.commit,
            fresh.digest,
        )
        assert dict(lock.entries) == dict(fresh.entries)
    forget()
    assert dict(load_pins()) == dict(ups)


def test_memo_files_are_a_checksum_then_json(cache: Path) -> None:
    store.memoized("f", "abc", Counter())
    (path,) = (cache / "memo").glob("f-*.json")
    check, text = path.read_text(encoding="utf-8").split("\n")
    assert check == hashlib.sha256(text.encode()).hexdigest()
    assert json.loads(text) == {"length": 3}
    assert not list((cache / "memo").glob("*.tmp"))
