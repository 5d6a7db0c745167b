"""Pins and locks: parsing, the lock format, the set digest, and the project's own snapshots."""

from __future__ import annotations

import base64
import hashlib
import subprocess
from pathlib import Path

import pytest

from walkthrough import paths
from walkthrough.errors import SourcesMissing, UsageError
from walkthrough.models import LockEntry, Pin
from walkthrough.sources.pins import Lock, Successor, git_blob_id, load_pins, parse_upstreams, set_digest

PIN = Pin("fake", "https://github.com/example/fake", "v0.1.0", "a" * 40)
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading pins and locks writes memos into the cache: never into the user's."""
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(paths, "_cache_override", None)


def test_git_blob_id_matches_git(tmp_path: Path) -> None:
    data = b"package a\n\x00binary\xff\n"
    (tmp_path / "f").write_bytes(data)
    expected = subprocess.run(["git", "hash-object", str(tmp_path / "f")], capture_output=True, check=True)
    assert git_blob_id(data) == expected.stdout.decode().strip()
    assert git_blob_id(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"


def test_set_digest_is_the_go_h1_recipe_over_blob_ids() -> None:
    entries = [LockEntry("b.go", "2" * 40, 3), LockEntry("a.go", "1" * 40, 2)]
    lines = f"{'1' * 40}  a.go\n{'2' * 40}  b.go\n".encode()
    assert set_digest(entries) == "h1:" + base64.b64encode(hashlib.sha256(lines).digest()).decode()
    assert set_digest(reversed(entries)) == set_digest(entries)


def test_lock_round_trip() -> None:
    lock = Lock.build(
        PIN,
        [LockEntry("pkg/x y.go", "1" * 40, 10), LockEntry("a.go", "2" * 40, 5)],
        export_subst=["a.go"],
        comments=["hello"],
    )
    text = lock.dumps()
    assert text.startswith("# hello\nupstream = fake\n")
    again = Lock.loads(text)
    assert again == lock
    assert again.paths() == ["a.go", "pkg/x y.go"]
    assert again.size == 15
    assert "a.go" in again
    assert len(again) == 2


def test_lock_refuses_edits_and_bad_lines() -> None:
    text = Lock.build(PIN, [LockEntry("a.go", "1" * 40, 5)]).dumps()
    with pytest.raises(UsageError, match="does not match its digest"):
        Lock.loads(text.replace("1" * 40, "3" * 40))
    with pytest.raises(UsageError, match=r"<lock>:\d+: malformed"):
        Lock.loads(text + "nonsense line\n")
    with pytest.raises(UsageError, match="bad or duplicate path"):
        Lock.loads(text + f"{'1' * 40} 5 ../up.go\n")


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("../x.go", "'..'"),
        ("/abs.go", "absolute"),
        ("a\\b.go", "backslash"),
        ("a\nb.go", "control"),
        ("C:/x", "abs"),
    ],
)
def test_lock_build_refuses_unsafe_paths(path: str, why: str) -> None:
    with pytest.raises(UsageError, match=why):
        Lock.build(PIN, [LockEntry(path, "1" * 40, 1)])


def test_lock_build_refuses_case_collisions() -> None:
    with pytest.raises(UsageError, match="collide"):
        Lock.build(PIN, [LockEntry("a/B.go", "1" * 40, 1), LockEntry("a/b.go", "2" * 40, 1)])


A, B, ONE = "a" * 40, "b" * 40, "1" * 40
UPSTREAMS = f"""
[fake]
repository = "https://github.com/example/fake"
tag = "v0.1.0"
commit = "{A}"
[fake.offline]
repository = "https://github.com/example/vendoring"
rev = "main"
roots = ["vendor/fake", "."]
[fake.check_blobs]
"a.go" = "{ONE}"
[[fake.later]]
tag = "v0.2.0"
commit = "{B}"
"""


def test_parse_upstreams(tmp_path: Path) -> None:
    ups = parse_upstreams(UPSTREAMS, tmp_path)
    assert list(ups) == ["fake"]
    assert ups.pin("fake") == PIN
    later = ups.release("fake@v0.2.0")
    assert later.pin.repository == PIN.repository
    assert later.lock_name == "fake@v0.2.0"
    assert not later.pinned
    assert ups.release("fake", "v0.1.0").pinned
    assert ups["fake"].pinned.offline.roots == ("vendor/fake", ".")  # type: ignore[union-attr]
    assert ups.lock_path(later) == tmp_path / "snapshots" / "fake@v0.2.0.lock"
    with pytest.raises(UsageError, match=r"no release 'v9'.*known: v0.1.0, v0.2.0"):
        ups.release("fake@v9")
    with pytest.raises(UsageError, match="unknown upstream 'nope'"):
        ups.release("nope")


TODAY = UPSTREAMS + f"""
[[fake.today]]
title = "fake v9 (today)"
tag = "v9.0.0"
commit = "{"c" * 40}"
[fake.today.check_blobs]
"b.go" = "{ONE}"
[[fake.today]]
name = "moved"
repository = "https://github.com/example/moved"
tag = "v9.0.0"
commit = "{"d" * 40}"
[fake.moves]
"pkg/a" = ["fake@v9.0.0:pkg/a2", "moved@v9.0.0:a"]
"pkg/b/" = ["moved@v9.0.0:b/"]
"cmd/" = "untracked:example/elsewhere cmd"
[fake.successors]
# a comment line before it
"pkg/a.Old" = {{ to = "moved@v9.0.0:a.New", why = "renamed and rewritten" }}
"""


def test_today_releases_and_moves(tmp_path: Path) -> None:
    ups = parse_upstreams(TODAY, tmp_path)
    assert list(ups) == ["fake"]  # a today repository is not an upstream of its own
    same, moved = ups["fake"].today
    assert (same.spec, same.today, same.pinned, same.label) == ("fake@v9.0.0", True, False, "fake v9 (today)")
    assert same.pin.repository == PIN.repository  # a later release of the same upstream inherits it
    assert same.check_blobs == {"b.go": ONE}
    assert (moved.spec, moved.label, moved.pin.repository) == ("moved@v9.0.0", "moved@v9.0.0", "https://github.com/example/moved")
    assert ups.release("moved") == moved
    assert ups.release("moved@v9.0.0") == moved
    assert ups.release("fake@v9.0.0") == same
    assert ups.today_of("fake") == (same, moved)
    assert ups["fake"].moves["cmd/"] == ("untracked:example/elsewhere cmd",)
    line = TODAY.split("\n").index('"pkg/a.Old" = { to = "moved@v9.0.0:a.New", why = "renamed and rewritten" }') + 1
    assert ups["fake"].successors == {"fake:pkg/a.Old": Successor("moved@v9.0.0:a.New", "renamed and rewritten", line)}
    assert ups.lock_path(moved) == tmp_path / "snapshots" / "moved@v9.0.0.lock"
    with pytest.raises(UsageError, match=r"moved has no release 'v1'.*known: v9\.0\.0"):
        ups.release("moved@v1")
    with pytest.raises(UsageError, match=r"fake has no release 'v9'"):
        ups["fake"].release("v9")


BUILD = UPSTREAMS + f"""
[fake.build]
title = "fake's Go dependencies"
repository = "https://github.com/example/vendoring"
tag = "v0.1.0"
commit = "{"e" * 40}"
[fake.build.offline]
repository = "https://github.com/example/vendoring"
rev = "{"e" * 40}"
"""


def test_a_build_set_is_a_release_of_its_own_lock(tmp_path: Path) -> None:
    ups = parse_upstreams(BUILD, tmp_path)
    assert list(ups) == ["fake"]  # a build set is no upstream: never indexed or quoted
    build = ups["fake"].build
    assert build is not None
    assert (build.spec, build.build, build.pinned, build.today) == ("fake-build", True, False, False)
    assert ups.release("fake-build") == build
    assert ups.lock_path(build) == tmp_path / "snapshots" / "fake-build.lock"
    assert ups["fake"].releases()[:2] == (ups["fake"].pinned, build)
    assert build.offline is not None
    assert build.offline.roots == (".",)
    with pytest.raises(UsageError, match="also an upstream"):
        parse_upstreams(BUILD + BUILD.replace("[fake", "[fake-build").split("\n[[fake-build.later]]")[0], tmp_path)


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ('[fake.moves]\n"pkg/a" = ["nope@v1:pkg/a"]\n', "expected SPEC:DIR with SPEC one of"),
        ('[fake.moves]\n"pkg/a" = ["fake@v9.0.0:pkg/a/"]\n', "DIR/ for a DIR/ source"),
        ('[fake.moves]\n"pkg/a" = ["untracked:"]\n', "untracked:WHERE"),
        (f'[[fake.today]]\nname = "fake2"\ntag = "v1"\ncommit = "{"e" * 40}"\n', "repository set"),
        (f'[[fake.today]]\nname = "Bad"\nrepository = "r"\ntag = "v1"\ncommit = "{"e" * 40}"\n', "lowercase"),
        (f'[[fake.today]]\ntag = "v9.0.0"\ncommit = "{"e" * 40}"\n', "listed twice"),
        ('[fake.today.check_blobs]\n"../x.go" = "zz"\n', "check_blobs"),
        ('[fake.successors]\n"pkg/a.X" = { to = "nope@v1:pkg/a.X", why = "w" }\n', "SPEC one of fake@v9.0.0"),
        ('[fake.successors]\n"pkg/a.X" = { to = "fake@v9.0.0:pkg/a.X" }\n', "why ="),
        ('[fake.successors]\n"pkg/a.X" = "fake@v9.0.0:pkg/a.X"\n', "successors: 'pkg/a.X'"),
        ('[fake.successors]\n"fake:pkg/a.X" = { to = "fake@v9.0.0:pkg/a.X", why = "w" }\n', "PKGDIR.NAME"),
    ],
)
def test_bad_today(tmp_path: Path, extra: str, match: str) -> None:
    base = UPSTREAMS + f'[[fake.today]]\ntag = "v9.0.0"\ncommit = "{"c" * 40}"\n'
    with pytest.raises(UsageError, match=match):
        parse_upstreams(base + extra, tmp_path)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[fake]\ntag = 'v1'\n", "missing key 'repository'|missing key 'commit'"),
        ("[fake]\nrepository='r'\ntag='v1'\ncommit='abc'\n", "40 lowercase hex"),
        ("[fake\n", "upstreams.toml"),
        ("[Fake]\nrepository='r'\ntag='v1'\ncommit='%s'\n" % ("a" * 40), "lowercase"),
    ],
)
def test_bad_upstreams(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        parse_upstreams(text, tmp_path)


def test_missing_lock_names_the_command(tmp_path: Path) -> None:
    (tmp_path / "snapshots").mkdir()
    (tmp_path / "snapshots" / "upstreams.toml").write_text(UPSTREAMS)
    ups = load_pins(tmp_path)
    with pytest.raises(SourcesMissing, match=r"no lock for fake@v0\.1\.0") as info:
        ups.load_lock(ups.release("fake"))
    assert "walkthrough sources lock fake" in str(info.value)


def test_lock_for_another_commit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "snapshots").mkdir()
    (tmp_path / "snapshots" / "upstreams.toml").write_text(UPSTREAMS)
    ups = load_pins(tmp_path)
    other = Pin("fake", PIN.repository, "v0.1.0", "c" * 40)
    ups.write_lock(ups.release("fake"), Lock.build(other, [LockEntry("a.go", "1" * 40, 1)]))
    with pytest.raises(UsageError, match=r"but upstreams\.toml pins"):
        ups.load_lock(ups.release("fake"))


def test_project_snapshots_are_consistent() -> None:
    """The committed pins and locks: the counts of the issue, check_blobs locked, no stray lock."""
    ups = load_pins(REPO)
    assert set(ups) == {"kubernetes", "docker"}
    assert ups.pin("kubernetes").commit == "08e099554f3c31f6e6f07b448ab3ed78d0520507"
    assert ups.pin("docker").commit == "6b644ecc1977c479212676757bff05664fcb655a"
    locks = {r.spec: ups.load_lock(r) for r in ups.releases()}
    assert set(locks) == {
        "kubernetes", "kubernetes-build", "kubernetes@v1.6.0", "docker", "docker@v1.13.0",
        "k8s-apiserver@v0.36.3", "docker@v28.5.2", "docker-cli@v28.5.2",
    }
    build = locks["kubernetes-build"]  # build inputs: Go (and assembly) files of vendored packages, no test files
    assert build.paths()
    assert all(p.startswith("vendor/") and p.endswith((".go", ".s")) and not p.endswith("_test.go")
               for p in build.paths())
    k8s, docker = locks["kubernetes"], locks["docker"]
    assert len(k8s) == 1778
    assert sum(p.startswith("vendor/github.com/emicklei/go-restful/") for p in k8s.paths()) == 37
    assert not any(p.endswith("_test.go") for p in k8s.paths())
    assert k8s.export_subst == {"pkg/version/base.go"}
    assert sum(p.endswith(".go") for p in docker.paths()) == 2737
    assert {p for p in docker.paths() if not p.endswith(".go")} == {
        p for p in docker.paths() if p.startswith("image/spec/") and p.endswith(".md")
    }
    for release in ups.releases():
        for path, blob in release.check_blobs.items():
            assert locks[release.spec].entries[path].blob == blob, path
    # Today's releases: the counts of issue 17 (non-test .go files outside the top vendor/), check_blobs all there.
    today = {"k8s-apiserver@v0.36.3": 747, "docker@v28.5.2": 1347, "docker-cli@v28.5.2": 418}
    assert {r.spec: len(locks[r.spec]) for r in ups.releases() if r.today} == today
    for spec in today:
        assert all(p.endswith(".go") and not p.endswith("_test.go") for p in locks[spec].paths())
        assert not any(p.startswith("vendor/") for p in locks[spec].paths())
    assert sum(len(r.check_blobs) for r in ups.releases() if r.today) == 7
    stray = {p.name for p in (REPO / "snapshots").glob("*.lock")} - {f"{s}.lock" for s in locks}
    assert not stray
