"""`sources fetch`: crafted archives from a loopback server; each bad one fails clearly and writes nothing."""

from __future__ import annotations

import gzip
import io
import itertools
import os
import socket
import tarfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

import pytest
from fakeupstream import fake_commit, make_fake_upstream
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from walkthrough.cli import exit_code_of, main
from walkthrough.errors import NetworkError, SourcesError, TruncatedArchive, UnsafeArchive, VerificationError
from walkthrough.paths import set_cache_root
from walkthrough.sources import find_entry, open_release, sources_dir
from walkthrough.sources.archive import GzipStream, Limits, unpack
from walkthrough.sources.cache import EntryWriter, entry_lock
from walkthrough.sources.download import FetchOptions, archive_url, fetch_release
from walkthrough.sources.pins import Lock, Release, load_pins

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

GO_A = b"package a\n\nfunc A() int { return 1 }\n"
GO_B = b"package b\n\nconst B = 2\n"
SUBST = b'package version\n\nvar gitCommit = "$Format:%H$"\n'
FILES = {"pkg/a/a.go": GO_A, "pkg/b/b.go": GO_B, "pkg/version/base.go": SUBST}
TOP = f"fake-{fake_commit('fake', 'v0.1.0')}"


@dataclass
class Route:
    body: bytes
    status: int = 200
    ctype: str = "application/x-gzip"
    cut: int | None = None
    """Send only this many bytes of the body (while announcing the full length)."""
    fail_first: int = 0
    """Answer 503 to this many requests first."""
    delay: float = 0.0
    """Seconds to stall after the headers (to provoke a read timeout)."""
    hits: int = 0


class Server:
    """A loopback HTTP server serving `routes` (path -> Route)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route = routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route.hits += 1
                if route.hits <= route.fail_first:
                    self.send_error(503)
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.ctype)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if route.delay:
                    time.sleep(route.delay)
                self.wfile.write(route.body[: route.cut] if route.cut is not None else route.body)
                if route.cut is not None:
                    self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    yield srv
    srv.close()


def tar_gz(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    """A tar.gz of exactly these members (names unchecked: that is the point)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return gzip.compress(raw.getvalue(), mtime=0)


def reg(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, None


def good_members(files: dict[str, bytes] = FILES) -> list[tuple[tarfile.TarInfo, bytes | None]]:
    top = tarfile.TarInfo(TOP + "/")
    top.type = tarfile.DIRTYPE
    return [(top, None)] + [reg(f"{TOP}/{p}", d) for p, d in files.items()] + [reg(f"{TOP}/README", b"x\n")]


GOOD = tar_gz(good_members())
EXAMPLES = itertools.count()


@pytest.fixture
def project(tmp_path: Path) -> tuple[Release, Lock, Path]:
    """A fake upstream locked in a project (imported into a side cache), and an empty cache to fetch into."""
    make_fake_upstream(tmp_path / "side", FILES, activate=False)
    upstreams = load_pins(tmp_path / "side" / "project")
    release = upstreams.release("fake")
    return release, upstreams.load_lock(release), tmp_path / "cache"


def serve(server: Server, release: Release, route: Route) -> FetchOptions:
    url = archive_url(release, server.base_url)
    server.routes[url.removeprefix(server.base_url)] = route
    return FetchOptions(base_url=server.base_url, timeout=5, retries=2, backoff=0.01)


def assert_nothing_new(cache: Path) -> None:
    root = sources_dir(cache)
    leftovers = [p.name for p in root.iterdir() if p.name != ".locks"] if root.exists() else []
    assert leftovers == []


def test_fetch_verifies_and_stores_the_locked_files(server: Server, project: tuple[Release, Lock, Path]) -> None:
    release, lock, cache = project
    options = serve(server, release, Route(tar_gz(good_members())))
    seen: list[tuple[int, int | None, int]] = []
    result = fetch_release(release, lock, options=options, cache=cache, progress=lambda *a: seen.append(a))
    assert result.files == 3
    assert result.attempts == 1
    assert seen
    tree = open_release(load_pins(lock_project(project)), release, cache=cache)
    assert tree.read("pkg/a/a.go") == GO_A
    assert not (tree.root / "README").exists()
    again = fetch_release(release, lock, options=options, cache=cache)
    assert again.skipped


def lock_project(project: tuple[Release, Lock, Path]) -> Path:
    cache = project[2]
    return cache.parent / "side" / "project"


def test_export_subst_file_is_left_out_and_reported(server: Server, project: tuple[Release, Lock, Path]) -> None:
    release, lock, cache = project
    substituted = SUBST.replace(b"$Format:%H$", b"0123456789abcdef0123456789abcdef01234567")
    members = good_members({**FILES, "pkg/version/base.go": substituted})
    result = fetch_release(release, lock, options=serve(server, release, Route(tar_gz(members))), cache=cache)
    assert "pkg/version/base.go" in result.absent
    tree = open_release(load_pins(lock_project(project)), release, cache=cache)
    assert "pkg/version/base.go" not in tree.paths()
    with pytest.raises(VerificationError, match="export-subst"):
        tree.read("pkg/version/base.go")


BAD_ARCHIVES = {
    "dotdot": ([*good_members(), reg(f"{TOP}/../evil.go", b"x")], "'..'"),
    "absolute": ([*good_members(), reg("/etc/evil.go", b"x")], "absolute"),
    "backslash": ([*good_members(), reg(f"{TOP}/pkg\\evil.go", b"x")], "backslash"),
    "drive": ([*good_members(), reg("C:/evil.go", b"x")], "drive letter"),
    "control": ([*good_members(), reg(f"{TOP}/pkg/ev\x1bil.go", b"x")], "control character"),
    "symlink": (
        [m for m in good_members() if not m[0].name.endswith("a/a.go")]
        + [special(f"{TOP}/pkg/a/a.go", tarfile.SYMTYPE, "/etc/passwd")],
        "symlink",
    ),
    "hardlink": (
        [*good_members(), special(f"{TOP}/pkg/x.go", tarfile.LNKTYPE, f"{TOP}/pkg/a/a.go")],
        "hardlink",
    ),
    "device": ([*good_members(), special(f"{TOP}/dev0", tarfile.CHRTYPE)], "device"),
    "fifo": ([*good_members(), special(f"{TOP}/fifo", tarfile.FIFOTYPE)], "fifo"),
    "duplicate": ([*good_members(), reg(f"{TOP}/pkg/a/a.go", GO_A)], "appears twice"),
    "case": ([*good_members(), reg(f"{TOP}/pkg/a/A.go", GO_A)], "collides"),
    "outside-top": ([*good_members(), reg("other/pkg/a.go", b"x")], "outside the archive's top"),
    "blob-mismatch": (
        good_members({**FILES, "pkg/b/b.go": GO_B.replace(b"2", b"3")}),
        "does not match the lock",
    ),
    "size-mismatch": (good_members({**FILES, "pkg/b/b.go": GO_B + b"\n"}), "the lock says"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARCHIVES))
def test_hostile_archive_is_refused_and_cache_untouched(
    server: Server, project: tuple[Release, Lock, Path], case: str
) -> None:
    release, lock, cache = project
    members, expected = BAD_ARCHIVES[case]
    route = Route(tar_gz(members))
    with pytest.raises(VerificationError, match=expected) as info:
        fetch_release(release, lock, options=serve(server, release, route), cache=cache)
    assert exit_code_of(info.value) == 3
    assert route.hits == 1  # a hostile archive is not retried
    assert_nothing_new(cache)


def test_archive_missing_a_locked_file(server: Server, project: tuple[Release, Lock, Path]) -> None:
    release, lock, cache = project
    members = [m for m in good_members() if not m[0].name.endswith("b/b.go")]
    with pytest.raises(VerificationError, match=r"lacks 1 locked file.*pkg/b/b.go"):
        fetch_release(release, lock, options=serve(server, release, Route(tar_gz(members))), cache=cache)
    assert_nothing_new(cache)


def test_gzip_bomb_is_capped(server: Server, project: tuple[Release, Lock, Path]) -> None:
    release, lock, cache = project
    members = [*good_members(), reg(f"{TOP}/zeros.bin", bytes(8 << 20))]
    options = serve(server, release, Route(tar_gz(members)))
    options = FetchOptions(
        options.base_url, timeout=5, retries=0, limits=Limits(max_bytes=1 << 20, max_members=100)
    )
    with pytest.raises(UnsafeArchive, match="gzip bomb"):
        fetch_release(release, lock, options=options, cache=cache)
    assert_nothing_new(cache)
    assert Limits.for_lock(lock).max_bytes == 32 * lock.size + (256 << 20)


def test_too_many_members(server: Server, project: tuple[Release, Lock, Path]) -> None:
    release, lock, cache = project
    members = good_members() + [reg(f"{TOP}/m{i}", b"") for i in range(50)]
    options = serve(server, release, Route(tar_gz(members)))
    options = FetchOptions(
        options.base_url, timeout=5, retries=0, limits=Limits(max_bytes=1 << 20, max_members=20)
    )
    with pytest.raises(UnsafeArchive, match="members"):
        fetch_release(release, lock, options=options, cache=cache)


@pytest.mark.parametrize("cut", [20, -30])
def test_truncated_stream_is_retried_then_fails(server: Server, project: tuple[Release, Lock, Path], cut: int) -> None:
    release, lock, cache = project
    body = tar_gz(good_members())
    route = Route(body, cut=len(body) + cut if cut < 0 else cut)
    with pytest.raises(NetworkError, match=r"after 3 attempt"):
        fetch_release(release, lock, options=serve(server, release, route), cache=cache)
    assert route.hits == 3
    assert_nothing_new(cache)


def test_truncated_gzip_without_length_error(project: tuple[Release, Lock, Path]) -> None:
    """A stream that ends cleanly at the HTTP level but inside the gzip data is still truncated."""
    _release, lock, cache = project
    body = tar_gz(good_members())
    with entry_lock(lock, cache), EntryWriter(lock, cache) as writer, pytest.raises(TruncatedArchive):
        unpack(GzipStream(io.BytesIO(body[:-12]), Limits.for_lock(lock)), lock, writer)


def test_transient_503_is_retried(server: Server, project: tuple[Release, Lock, Path]) -> None:
    release, lock, cache = project
    route = Route(tar_gz(good_members()), fail_first=2)
    result = fetch_release(release, lock, options=serve(server, release, route), cache=cache)
    assert result.attempts == 3
    assert result.files == 3


def test_html_page_with_status_200(server: Server, project: tuple[Release, Lock, Path]) -> None:
    release, lock, cache = project
    route = Route(b"<!DOCTYPE html><html>Sign in</html>", ctype="text/html; charset=utf-8")
    with pytest.raises(NetworkError, match="text/html page instead of a gzip archive"):
        fetch_release(release, lock, options=serve(server, release, route), cache=cache)
    assert route.hits == 1
    route = Route(b"<!DOCTYPE html><html>Sign in</html>", ctype="application/octet-stream")
    with pytest.raises(NetworkError, match="did not send gzip data"):
        fetch_release(release, lock, options=serve(server, release, route), cache=cache)
    assert_nothing_new(cache)


def test_404_is_not_retried(server: Server, project: tuple[Release, Lock, Path]) -> None:
    release, lock, cache = project
    options = FetchOptions(base_url=server.base_url, timeout=5, retries=3, backoff=5)
    with pytest.raises(NetworkError, match="HTTP 404"):
        fetch_release(release, lock, options=options, cache=cache)


def test_offline_fails_fast_with_exit_3_pointing_at_import(
    tmp_path: Path, project: tuple[Release, Lock, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _release, lock, cache = project
    with socket.socket() as sock:  # a loopback port with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    os.environ["WALKTHROUGH_PROJECT"] = str(lock_project(project))
    try:
        code = main(
            [
                "--cache",
                str(cache),
                "sources",
                "fetch",
                "fake",
                "--base-url",
                f"http://127.0.0.1:{port}",
                "--retries",
                "3",
            ]
        )
    finally:
        del os.environ["WALKTHROUGH_PROJECT"]
        set_cache_root(None)
    err = capsys.readouterr().err
    assert code == 3
    assert "sources import" in err
    assert not find_entry(lock, cache).complete


def test_cli_fetch_status_and_verify(
    server: Server,
    project: tuple[Release, Lock, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release, _lock, cache = project
    options = serve(server, release, Route(tar_gz(good_members())))
    monkeypatch.setenv("WALKTHROUGH_PROJECT", str(lock_project(project)))
    monkeypatch.setenv("WALKTHROUGH_CACHE", str(cache))
    monkeypatch.setattr("walkthrough.paths._cache_override", None)
    assert main(["sources", "verify"]) == 3
    assert "fake@v0.1.0 sources are not in the cache" in capsys.readouterr().err
    monkeypatch.setenv("WALKTHROUGH_ARCHIVE_URL", options.base_url)
    assert main(["sources", "fetch"]) == 0
    out = capsys.readouterr().out
    assert "fake@v0.1.0: 3 files verified from" in out
    assert main(["sources", "fetch", "fake"]) == 0
    assert "already in the cache" in capsys.readouterr().out
    assert main(["sources", "status"]) == 0
    assert "fake" in capsys.readouterr().out
    assert main(["sources", "verify", "fake"]) == 0


def test_stalled_download_times_out_and_is_retried(server: Server, project: tuple[Release, Lock, Path]) -> None:
    release, lock, cache = project
    route = Route(tar_gz(good_members()), delay=1.0)
    options = serve(server, release, route)
    options = FetchOptions(options.base_url, timeout=0.2, retries=1, backoff=0.01)
    with pytest.raises(NetworkError, match="after 2 attempt"):
        fetch_release(release, lock, options=options, cache=cache)
    assert route.hits == 2
    assert_nothing_new(cache)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_corrupted_archives_fail_cleanly(project: tuple[Release, Lock, Path], data: st.DataObject) -> None:
    """Any byte damage to a good archive ends in one of our errors, never a traceback or a partial entry."""
    _release, lock, cache = project
    cache = cache / f"example{next(EXAMPLES)}"  # examples must not see each other's entries
    in_tar = data.draw(st.booleans())  # damage the tar inside (headers, names) or the gzip bytes
    body = bytearray(gzip.decompress(GOOD) if in_tar else GOOD)
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(body) - 1))
        body[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(body)))
    if in_tar:
        body = bytearray(gzip.compress(bytes(body[:cut]), mtime=0))
        cut = len(body)
    try:
        with entry_lock(lock, cache), EntryWriter(lock, cache) as writer:
            unpack(GzipStream(io.BytesIO(bytes(body[:cut])), Limits(1 << 20, 100)), lock, writer)
            if writer.missing():
                return
            writer.commit(method="test", source="fuzz")
    except SourcesError:
        assert not find_entry(lock, cache).complete
