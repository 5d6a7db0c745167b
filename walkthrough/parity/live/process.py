"""One running harness: JSON lines to its stdin, one JSON line back per request, each within a timeout.

A harness that dies, hangs past the timeout, or prints something that is not one of the protocol's
lines (see the package docstring) does not stop the run: the request gets a `Failure` naming what
happened with the tail of the harness's stderr, the process is killed, and the next request starts a
fresh one. Nothing here ever waits without a deadline.

Requests may be sent before the previous answer is read (`send` then `receive`), so the Python model
can compute its answer while the Go computes its own.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Self

SHM = "/dev/shm"  # noqa: S108 - a scratch directory in memory, for files nobody keeps


def scratch_dir() -> str:
    """Where harnesses and models write scratch files: memory when the system has it.

    Docker's image store fsyncs every file it writes (ioutils.AtomicWriteFile); on a disk that costs
    milliseconds per case, in memory nothing.
    """
    return SHM if Path(SHM).is_dir() and os.access(SHM, os.W_OK | os.X_OK) else tempfile.gettempdir()


DEFAULT_TIMEOUT = 10.0
"""Seconds one request may take (the first one includes the process start)."""
STDERR_TAIL = 2000
"""Characters of stderr kept in a Failure."""


@dataclass(frozen=True)
class Answer:
    """The harness's answer to one request: the value of its `"answer"` field."""

    value: Any


@dataclass(frozen=True)
class Failure:
    """No answer: `kind` is `timeout`, `exited`, `garbage`, `harness_error` or `harness_panic`."""

    kind: str
    message: str
    stderr: str = ""
    exit_code: int | None = None

    def describe(self) -> str:
        """One paragraph for a report: what happened, then the stderr tail."""
        text = f"harness {self.kind}: {self.message}"
        if self.stderr.strip():
            text += "\n  stderr: " + self.stderr.strip().replace("\n", "\n          ")
        return text


Reply = Answer | Failure


class Harness:
    """A harness binary run as a child process, restarted after any failure. Use as a context manager."""

    def __init__(self, binary: Path, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.binary = binary
        self.timeout = timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._buffer = b""
        self._pending = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> subprocess.Popen[bytes]:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - kept open for the process's lifetime, closed in _stop
        self._proc = subprocess.Popen(  # noqa: S603 - our own harness binary
            [str(self.binary)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            env={"PATH": os.environ.get("PATH", ""), "TMPDIR": scratch_dir()},
        )
        self._buffer = b""
        self._pending = 0
        return self._proc

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0, os.SEEK_END)
        size = self._stderr.tell()
        self._stderr.seek(max(0, size - STDERR_TAIL))
        return self._stderr.read().decode("utf-8", "replace")

    def _fail(self, kind: str, message: str) -> Failure:
        """Stop the process (its stderr read first) and describe what went wrong."""
        exit_code = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            exit_code = self._proc.wait()
        failure = Failure(kind, message, self._stderr_tail(), exit_code)
        self._stop()
        return failure

    def _stop(self) -> None:
        if self._proc is not None:
            for stream in (self._proc.stdin, self._proc.stdout):
                if stream is not None:
                    stream.close()
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            self._proc = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self._pending = 0

    def close(self) -> None:
        """End the harness: close its stdin and give it a moment to exit, then kill it."""
        if self._proc is not None and self._proc.stdin is not None:
            try:
                self._proc.stdin.close()
                self._proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._stop()

    def send(self, request: dict[str, Any]) -> Failure | None:
        """Write one request; a failure when the harness cannot take it (it is then restarted on the next)."""
        proc = self._proc if self._proc is not None and self._proc.poll() is None else None
        if proc is None:
            if self._proc is not None:
                return self._fail("exited", f"exited with status {self._proc.returncode} before the request")
            proc = self._start()
        line = json.dumps(request, ensure_ascii=True, separators=(",", ":")).encode() + b"\n"
        try:
            assert proc.stdin is not None  # noqa: S101 - Popen(stdin=PIPE) always has one
            proc.stdin.write(line)
            proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            return self._fail("exited", f"stopped reading its input ({exc})")
        self._pending += 1
        return None

    def receive(self) -> Reply:
        """The reply to the oldest request sent and not yet answered."""
        if self._proc is None or self._pending == 0:
            return Failure("garbage", "no request is waiting for an answer")
        line = self._read_line()
        if isinstance(line, Failure):
            return line
        self._pending -= 1
        try:
            reply = json.loads(line)
        except ValueError:
            return self._fail("garbage", f"printed a line that is not JSON: {line[:200]!r}")
        if not isinstance(reply, dict) or len(reply) != 1:
            return self._fail("garbage", f"printed a line outside the protocol: {line[:200]!r}")
        (key, value), = reply.items()
        if key == "answer":
            return Answer(value)
        if key in ("harness_error", "harness_panic"):
            return Failure(key, str(value), self._stderr_tail())
        return self._fail("garbage", f"printed a line outside the protocol: {line[:200]!r}")

    def ask(self, request: dict[str, Any]) -> Reply:
        """Send one request and wait for its reply."""
        failure = self.send(request)
        return failure if failure is not None else self.receive()

    def _read_line(self) -> bytes | Failure:
        """One line of stdout within the timeout, else a Failure (and the process is stopped)."""
        proc = self._proc
        assert proc is not None  # noqa: S101 - only called with a running process
        assert proc.stdout is not None  # noqa: S101 - Popen(stdout=PIPE) always has one
        deadline = time.monotonic() + self.timeout
        fd = proc.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    return self._fail("timeout", f"no answer within {self.timeout:g} s")
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    proc.wait()
                    return self._fail("exited", f"exited with status {proc.returncode} without answering")
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line
