r"""The commands of `/// run` blocks: which may run, in what environment, and what they printed. No HTML, no printing.

A run block shows the real output of one command of ours. Two shapes are allowed, nothing else:

    walkthrough run [DEMO [ARGS...]]              a model's demo through our CLI (DEMO must exist)
    walkthrough parity FILE...                     golden vectors from the real Go, through the models
    python -m walkthrough.reimpl.UPSTREAM.MODULE [ARGS...]     a model's demo, as `python -m` runs it

No shell ever runs: the command is split into words as a POSIX shell would (`shlex`), a shell operator
(`|`, `>`, `;`, `&&` ...) is refused rather than passed on as a word, and `walkthrough` and `python` mean
this interpreter (`sys.executable`) and the `walkthrough` package it imported, whichever checkout that is.
These commands print only text of ours (the models' output, recorded facts), never upstream code, which is
why `snapshots/runs.json` may keep the output itself (`walkthrough.book.run_records`).

Every command runs in the project directory with `FIXED_ENV` and nothing else from the caller but `PATH` and the
cache location: no colour, 100 columns, UTF-8, UTC, hash seed 0, a home folder of the same name everywhere, and
the models' seams (`walkthrough.reimpl._seams`) fixed, so a run prints the same bytes on every machine. What a
reader sees is stdout and stderr interleaved as a terminal shows them (both unbuffered), decoded as UTF-8 with
undecodable bytes shown as `\\xNN`. A run fails when it exits non-zero, outlives `timeout` seconds (it is
killed, with its process group) or prints more than `MAX_OUTPUT` bytes.

Results are memoized in the cache (`walkthrough.store`) under a digest of all a clean run's output can depend
on: the command, every file of the `walkthrough` package (code and data), the files the command names, the
interpreter and platform, and `FIXED_ENV`. Given those the models are deterministic (the seams see to it), so
a memo hit is what a fresh run would print; only clean runs are kept, so a failure is always tried again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import platform
import re
import shlex
import signal
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from walkthrough.errors import RunRefused, UsageError
from walkthrough.reimpl import _seams, resolve_demo

FIXED_ENV = {
    "NO_COLOR": "1",
    "TERM": "dumb",
    "COLUMNS": "100",
    "LINES": "40",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "TZ": "UTC",
    "PYTHONHASHSEED": "0",
    "PYTHONIOENCODING": "utf-8",
    "PYTHONUNBUFFERED": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "HOME": "/home/reader",
    _seams.SEED_ENV: "0",
    _seams.CLOCK_ENV: "2017-01-12T00:00:00Z",
}
"""The whole environment of a run but `PATH`, `PYTHONPATH` and the cache. The clock stands at kubernetes
v1.5.2's release day; `HOME` is nobody's, so a path a demo prints under it is the same on every machine."""

SUBCOMMANDS = ("run", "parity")
"""`walkthrough` subcommands a run block may use: both print model output and touch neither network nor cache."""

TIMEOUT = 60.0
"""Seconds a run may take (a demo takes a fraction of one); past it the run is killed and reported."""

MAX_OUTPUT = 256 * 1024
"""Bytes a run may print: a page shows output, not logs."""

MEMO_FORMAT = 1
"""Bump when what a run prints for the same inputs changes for a reason outside the memo key."""

_OPERATOR = re.compile(r"^[|&;<>()]+$")
_MODULE = re.compile(r"^walkthrough\.reimpl\.[a-z_]\w*\.[a-z]\w*$")


ALLOWED_HINT = (
    "a run block runs `walkthrough run DEMO ...`, `walkthrough parity FILE...` or "
    "`python -m walkthrough.reimpl.UPSTREAM.MODULE ...`, one command, no shell"
)


def parse_command(command: str) -> tuple[str, ...]:
    """The words of an allowed command, as written (`walkthrough run kubernetes.authn`).

    Raises:
        RunRefused: the command is empty, does not split into words, uses a shell operator, runs another
            program or subcommand, or names a demo or model module that does not exist.
    """
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
        words = tuple(shlex.split(command))
    except ValueError as exc:
        raise RunRefused(f"the command does not split into words: {exc}", hint="balance its quotes") from None
    operators = [t for t in tokens if _OPERATOR.match(t)]
    if operators:
        raise RunRefused(f"shell operator `{operators[0]}` in a run command", hint=ALLOWED_HINT)
    if not words:
        raise RunRefused("the run directive names no command", hint=ALLOWED_HINT)
    program = words[0]
    if program == "walkthrough":
        sub, *rest = words[1:] or ("",)
        if sub not in SUBCOMMANDS:
            what = f"`walkthrough {sub}`" if sub else "`walkthrough` without a subcommand"
            raise RunRefused(f"{what} may not run in a chapter", hint=ALLOWED_HINT)
        if sub == "run" and rest:
            _demo_exists(rest[0])
        return words
    if program in ("python", "python3"):
        flag, module, *_ = (*words[1:], "", "")
        module = module if flag == "-m" else ""
        if not _MODULE.match(module):
            raise RunRefused(f"`{' '.join(words[:3])}` is not a model's demo", hint=ALLOWED_HINT)
        _demo_exists(module)
        return words
    raise RunRefused(f"`{program}` may not run in a chapter", hint=ALLOWED_HINT)


def _demo_exists(name: str) -> None:
    try:
        found = resolve_demo(name)
    except UsageError as exc:
        raise RunRefused(exc.message, hint=exc.hint) from None
    if importlib.util.find_spec(f"walkthrough.reimpl.{found}") is None:  # pragma: no cover - listed means present
        raise RunRefused(f"no module walkthrough.reimpl.{found}")


def argv_of(words: tuple[str, ...]) -> list[str]:
    """The argv that runs `words` with this interpreter and this `walkthrough` package."""
    if words[0] == "walkthrough":
        return [sys.executable, "-m", "walkthrough", *words[1:]]
    return [sys.executable, *words[1:]]


def package_root() -> Path:
    """The folder holding the `walkthrough` package this process runs (a run must import the same code)."""
    return Path(__file__).resolve().parents[2]


def run_env() -> dict[str, str]:
    """The environment of every run: `FIXED_ENV`, the caller's `PATH` and cache, our package first on the path.

    The cache is named outright: the platform's default would follow `HOME`, which is not the caller's.
    """
    from walkthrough.paths import CACHE_ENV, cache_root  # noqa: PLC0415 - paths is light; only runs need it

    env = {"PATH": os.environ.get("PATH", os.defpath), **FIXED_ENV}
    env[CACHE_ENV] = str(cache_root())
    env["PYTHONPATH"] = str(package_root())
    return env


@dataclass(frozen=True)
class RunResult:
    """What one command printed and how it ended."""

    command: str
    output: str
    status: int | None
    """The exit status; None when the run was killed (timeout) or could not start."""
    timed_out: bool = False
    too_long: bool = False
    seconds: float = 0.0
    error: str = ""
    """Why the command could not start (an OSError's text), else empty."""

    @property
    def ok(self) -> bool:
        """A clean run: exited 0, in time, with output of a sensible size."""
        return self.status == 0 and not (self.timed_out or self.too_long or self.error)

    def failure(self, timeout: float) -> str | None:
        """What went wrong, as the end of a sentence about the run (`exited with status 2`), or None."""
        if self.error:
            return f"could not start: {self.error}"
        if self.timed_out:
            return f"did not finish within {timeout:g} s (killed)"
        if self.too_long:
            return f"printed more than {MAX_OUTPUT // 1024} KiB"
        if self.status != 0:
            return f"exited with status {self.status}"
        return None

    def to_json(self) -> dict[str, Any]:
        """The memo's form."""
        return {"output": self.output, "status": self.status, "seconds": self.seconds}


def execute(words: tuple[str, ...], command: str, cwd: Path, timeout: float = TIMEOUT) -> RunResult:
    """Run one allowed command in `cwd` with the fixed environment; kill it and its group after `timeout`."""
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(  # noqa: S603 - an allow-listed argv of this interpreter, no shell
            argv_of(words), cwd=cwd, env=run_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
    except OSError as exc:
        return RunResult(command, "", None, error=exc.strerror or str(exc))
    timed_out = False
    try:
        data, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
        data, _ = proc.communicate()
    seconds = time.perf_counter() - started
    too_long = len(data) > MAX_OUTPUT
    output = data[:MAX_OUTPUT].decode("utf-8", errors="backslashreplace")
    status = None if timed_out else proc.returncode
    return RunResult(command, output, status, timed_out=timed_out, too_long=too_long, seconds=seconds)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the run and anything it started (it leads its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


class Runner:
    """Runs the commands of one build or check: each distinct command once, in parallel, memoized across runs.

    `start` submits commands as chapters are read; `result` waits for one. Call `close` when done.

    Args:
        cwd: the project directory (commands name files relative to it).
        timeout: seconds per command.
        memo: keep clean results in the cache (off for tests that count executions).
    """

    def __init__(self, cwd: Path, *, timeout: float = TIMEOUT, memo: bool = True) -> None:
        self.cwd = cwd
        self.timeout = timeout
        self.memo = memo
        self.executed = 0
        """Commands actually run (not found in the memo) by this runner."""
        self._futures: dict[str, Future[RunResult]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._package: str | None = None

    def start(self, command: str, words: tuple[str, ...]) -> None:
        """Begin running `command` (allowed, split into `words`) unless it already runs."""
        if command in self._futures:
            return
        hit = self._memo_get(command, words) if self.memo else None
        if hit is not None:
            done: Future[RunResult] = Future()
            done.set_result(hit)
            self._futures[command] = done
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="wt-run")
        self._futures[command] = self._pool.submit(self._run, command, words)

    def result(self, command: str, words: tuple[str, ...]) -> RunResult:
        """What `command` printed (started now if it was not)."""
        self.start(command, words)
        return self._futures[command].result()

    def close(self) -> None:
        """Let running commands finish and free the threads."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _run(self, command: str, words: tuple[str, ...]) -> RunResult:
        self.executed += 1
        result = execute(words, command, self.cwd, self.timeout)
        if self.memo and result.ok:
            self._memo_put(command, words, result)
        return result

    # -- the memo ---------------------------------------------------------------------------------------------

    def _key(self, command: str, words: tuple[str, ...]) -> str:
        """Everything a clean run's output depends on, as text (the memo hashes it)."""
        if self._package is None:
            self._package = package_digest(package_root() / "walkthrough")
        named = []
        for word in words[1:]:
            path = self.cwd / word
            if "/" in word and path.is_file():
                named.append((word, hashlib.sha256(path.read_bytes()).hexdigest()))
        return json.dumps([MEMO_FORMAT, command, self._package, named, sys.version, sys.platform,
                           platform.machine(), sorted(FIXED_ENV.items())])

    def _memo_name(self, command: str) -> str:
        return "run-" + hashlib.sha256(command.encode()).hexdigest()[:16]

    def _memo_get(self, command: str, words: tuple[str, ...]) -> RunResult | None:
        from walkthrough.store import recall  # noqa: PLC0415 - only runs that memoize open the cache

        found, data = recall(self._memo_name(command), self._key(command, words))
        if not found or not isinstance(data, dict):
            return None
        return RunResult(command, data["output"], data["status"], seconds=data["seconds"])

    def _memo_put(self, command: str, words: tuple[str, ...], result: RunResult) -> None:
        from walkthrough.store import remember  # noqa: PLC0415

        remember(self._memo_name(command), self._key(command, words), result.to_json())


def package_digest(package: Path) -> str:
    """SHA-256 over the path and bytes of every file of the package (code, templates, data), in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
