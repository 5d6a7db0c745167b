"""The symbol id grammar: full ids, short forms, malformed input, readings of dotted directories."""

from __future__ import annotations

import pytest

from walkthrough.errors import SymbolError
from walkthrough.symbolid import format_id, id_ordinal, parse_query, splits, suggest


def test_full_ids() -> None:
    q = parse_query("kubernetes:pkg/apiserver.APIInstaller.registerResourceHandlers")
    assert (q.upstream, q.tag, q.body, q.file) == (
        "kubernetes",
        None,
        "pkg/apiserver.APIInstaller.registerResourceHandlers",
        None,
    )
    q = parse_query("docker:image.RootFS.ChainID@rootfs_unix.go")
    assert (q.upstream, q.body, q.file) == ("docker", "image.RootFS.ChainID", "rootfs_unix.go")
    q = parse_query("kubernetes@v1.6.0:pkg/api.Pod")
    assert (q.upstream, q.tag, q.body) == ("kubernetes", "v1.6.0", "pkg/api.Pod")
    assert q.is_full


def test_short_forms() -> None:
    assert parse_query("(*APIInstaller).Install").body == "APIInstaller.Install"
    assert parse_query("(APIInstaller).Install").body == "APIInstaller.Install"
    assert parse_query("apiserver.(*APIInstaller).Install").body == "apiserver.APIInstaller.Install"
    assert parse_query("pkg/apiserver.APIInstaller").body == "pkg/apiserver.APIInstaller"
    assert not parse_query("APIInstaller").is_full


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "a b",
        "kubernetes:",
        "ku:be:x",
        "x@notgo",
        "bad\u202eid",
        "weird name!:X",
        "x" * 600,
        "kubernetes@:pkg.X",
        "pkg/(",
        "pkg.init#2",  # #N without a file
        "pkg.init@a.go#1",  # the first init has no #N
        "pkg.init@a.go#0",
        "pkg.init@a.go#02",
        "pkg.init@a.go#",
        "pkg.init@a.go#x",
        "pkg.init@a.go#2#3",
    ],
)
def test_malformed_ids_say_why(bad: str) -> None:
    with pytest.raises(SymbolError) as info:
        parse_query(bad)
    assert "malformed symbol id" in str(info.value)


def test_a_first_init_numbered_one_is_told_to_drop_the_number() -> None:
    with pytest.raises(SymbolError, match=r"first init of a file has no #1: write @a\.go alone"):
        parse_query("pkg.init@a.go#1")


def test_splits_of_dotted_directories() -> None:
    assert splits("vendor/src/gopkg.in/yaml.v2.Marshal") == [
        ("vendor/src/gopkg.in/yaml.v2", "Marshal"),
        ("vendor/src/gopkg.in/yaml", "v2.Marshal"),
    ]
    assert splits("layer.CreateChainID") == [("layer", "CreateChainID"), ("", "layer.CreateChainID")]
    assert splits("Name") == [("", "Name")]


def test_format_id() -> None:
    assert (
        format_id("docker", "image", "RootFS.ChainID", file="rootfs_unix.go")
        == "docker:image.RootFS.ChainID@rootfs_unix.go"
    )
    assert format_id("kubernetes", "pkg/api", "Pod", tag="v1.6.0") == "kubernetes@v1.6.0:pkg/api.Pod"


def test_the_nth_init_of_a_file_round_trips() -> None:
    sid = format_id("docker", "daemon/graphdriver", "init", file="driver.go", ordinal=2)
    assert sid == "docker:daemon/graphdriver.init@driver.go#2"
    q = parse_query(sid)
    assert (q.upstream, q.body, q.file, q.ordinal) == ("docker", "daemon/graphdriver.init", "driver.go", 2)
    assert parse_query("init@driver.go#12").ordinal == 12
    assert parse_query("docker:daemon/graphdriver.init@driver.go").ordinal is None
    assert (id_ordinal(sid), id_ordinal("docker:daemon/graphdriver.init@driver.go")) == (2, None)
    for file, ordinal in (("driver.go", 1), (None, 2)):
        with pytest.raises(ValueError, match="N >= 2"):
            format_id("docker", "daemon/graphdriver", "init", file=file, ordinal=ordinal)


def test_suggest() -> None:
    names = ["APIInstaller", "APIGroupVersion", "Install", "apiinstaller"]
    assert suggest("APIInstaler", names)[0] == "APIInstaller"
    assert "apiinstaller" in suggest("APIINSTALLER", names)
    assert suggest("zzzz", names) == []


def test_a_package_directory_alone_is_the_id_of_a_package() -> None:
    q = parse_query("kubernetes:pkg/apiserver")
    assert (q.upstream, q.body) == ("kubernetes", "pkg/apiserver")
    with pytest.raises(SymbolError, match="malformed"):
        parse_query("kubernetes:pkg/a.")
