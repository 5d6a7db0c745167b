"""Docker pkg/mflag model: golden vectors (c-mflag.json) and the Go behaviours they rest on."""

from __future__ import annotations

from pathlib import Path

import pytest

from walkthrough.parity import run_file
from walkthrough.reimpl.docker import _gostd, mflag

GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str) -> Path:
    path = GOLDEN / name
    if not path.exists():
        pytest.skip(f"{name} not yet copied into tests/golden/")
    return path


def test_c_mflag_vectors_all_pass() -> None:
    report = run_file(_golden("c-mflag.json"))
    assert report.runner == "mflag"
    assert len(report.outcomes) >= 105
    assert [o.name for o in report.failed] == []


def _run_set() -> tuple[mflag.FlagSet, dict[str, object]]:
    fs, values = mflag.docker_run_flags(environ={"FOO": "from-env"})
    return fs, values


def test_grouped_short_flags_take_the_next_argument_for_the_last_letter() -> None:
    fs, v = _run_set()
    assert fs.parse(["-ite", "FOO", "busybox"]) is None
    assert v["env"].get_all() == ["FOO=from-env"]  # ValidateEnv fills a bare name from the environment
    assert fs.get_args() == ["busybox"]
    assert sorted(fs.actual) == ["e", "i", "t"]


def test_unknown_letter_in_group_fails_after_setting_earlier_letters() -> None:
    fs, v = _run_set()
    err = fs.parse(["-dq", "busybox"])
    assert err is not None
    assert err.message == "flag provided but not defined: -dq"
    assert v["detach"].value is True
    assert fs.output_text() == "flag provided but not defined: -dq\nSee 'docker run --help'.\n"


def test_deprecated_name_warns_with_its_replacement() -> None:
    fs, _ = _run_set()
    assert fs.parse(["-rm", "x"]) is None
    assert fs.output_text() == "Warning: '-rm' is deprecated, it will be replaced by '--rm' soon. See usage.\n"
    assert fs.is_set("rm")
    assert not fs.is_set("-rm")


def test_removed_name_warns_without_replacement() -> None:
    fs = mflag.new_flag_set("daemon", home="")
    fs.bool(["#api-enable-cors", "#-api-enable-cors"], False, "gone")
    assert fs.parse(["--api-enable-cors"]) is None
    assert "it will be removed soon" in fs.output_text()


def test_single_dash_long_name_is_not_reachable_with_two_dashes() -> None:
    fs, v = _run_set()
    assert fs.parse(["-ip=1.2.3.4"]) is None
    assert v["ip"].value == "1.2.3.4"
    fs, _ = _run_set()
    err = fs.parse(["--ip", "1.2.3.4"])
    assert err is not None
    assert err.message == "flag provided but not defined: --ip"


def test_double_dash_ends_flags_and_is_consumed_but_single_dash_is_an_argument() -> None:
    fs, _ = _run_set()
    assert fs.parse(["-d", "--", "-t"]) is None
    assert fs.get_args() == ["-t"]
    fs, _ = _run_set()
    assert fs.parse(["-", "-t"]) is None
    assert fs.get_args() == ["-", "-t"]


def test_help_without_help_flag_prints_usage_and_returns_err_help() -> None:
    fs, _ = _run_set()
    assert fs.parse(["--help"]) is mflag.ERR_HELP
    text = fs.output_text()
    assert text.startswith("Usage of run:\n\n")
    assert "  -d, --detach" in text
    assert "--rm" in text
    assert "#" not in text


def test_usage_columns_follow_tabwriter_minwidth_and_padding() -> None:
    fs = mflag.new_flag_set("x", home="/home/u")
    fs.string(["-config"], "/home/u/.docker", "Location")
    fs.bool(["q"], False, "Quiet\nsecond line")
    fs.default_usage()
    assert fs.output_text() == (
        "Usage of x:\n\n"
        "  --config=~/.docker    Location\n"
        "  -q                    Quiet\n"
        "                        second line\n")


def test_exit_on_error_exits_125() -> None:
    fs = mflag.new_flag_set("run", mflag.EXIT_ON_ERROR, home="")
    with pytest.raises(mflag.GoExit) as info:
        fs.parse(["--nope"])
    assert info.value.code == 125


@pytest.mark.parametrize(("text", "nanos"), [
    ("1h2m3.5s", 3723_500_000_000), ("-1.5ms", -1_500_000), ("0", 0), (".5h", 1800 * 10**9), ("1µs", 1000),
    ("1μs", 1000), ("9223372036854775807ns", 2**63 - 1), ("-9223372036854775808ns", -(2**63)),
])
def test_parse_duration_like_go(text: str, nanos: int) -> None:
    assert _gostd.parse_duration(text) == nanos


@pytest.mark.parametrize(("text", "message"), [
    ("30", 'time: missing unit in duration "30"'), ("", 'time: invalid duration ""'),
    ("1d", 'time: unknown unit "d" in duration "1d"'), (".s", 'time: invalid duration ".s"'),
    ("9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'),
    ("1\u00e9", 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"'),
])
def test_parse_duration_errors_use_go_1_19_texts(text: str, message: str) -> None:
    with pytest.raises(_gostd.DurationError, match=None) as info:
        _gostd.parse_duration(text)
    assert str(info.value) == message


@pytest.mark.parametrize(("nanos", "text"), [
    (0, "0s"), (1, "1ns"), (1500, "1.5µs"), (1_500_000, "1.5ms"), (90 * 10**9, "1m30s"), (3600 * 10**9, "1h0m0s"),
    (-(2**63), "-2562047h47m16.854775808s"),
])
def test_duration_string_like_go(nanos: int, text: str) -> None:
    assert _gostd.duration_string(nanos) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("0777", (511, None)), ("0x1F", (31, None)), ("0b11", (3, None)), ("1_000", (1000, None)),
    ("_1", (0, 'strconv.ParseInt: parsing "_1": invalid syntax')),
    ("9223372036854775808", (2**63 - 1, 'strconv.ParseInt: parsing "9223372036854775808": value out of range')),
])
def test_parse_int_base_zero(text: str, expected: tuple[int, str | None]) -> None:
    value, err = _gostd.parse_int(text, 0, 64)
    assert (value, None if err is None else str(err)) == expected


@pytest.mark.parametrize(("value", "text"), [(1000.0, "1000"), (1e6, "1e+06"), (123456.0, "123456"),
                                             (0.0001, "0.0001"), (1e-5, "1e-05"), (float("inf"), "+Inf")])
def test_float_printed_like_fmt_v(value: float, text: str) -> None:
    assert _gostd.format_float_v(value) == text


@pytest.mark.parametrize(("addr", "canonical"), [
    ("::1", "::1"), ("0:0:0:0:0:0:0:1", "::1"), ("::ffff:1.2.3.4", "1.2.3.4"),
    ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
    ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"), (" 8.8.8.8 ", "8.8.8.8"),
])
def test_validate_ip_address_canonicalises_like_go(addr: str, canonical: str) -> None:
    assert mflag.validate_ip_address(addr) == (canonical, None)


@pytest.mark.parametrize("addr", ["010.1.1.1", "1.2.3", "1::2::3", "::1.2.3.4.5", "1:2:3:4:5:6:7:8:9", "256.1.1.1"])
def test_validate_ip_address_rejects(addr: str) -> None:
    value, err = mflag.validate_ip_address(addr)
    assert value == ""
    assert err is not None
    assert err.message == f"{addr} is not an ip address"


def test_quote_matches_strconv_quote() -> None:
    assert _gostd.quote('a"b\\c\n\x01\x7f\u00e9\u200b') == '"a\\"b\\\\c\\n\\x01\\x7fé\\u200b"'


def test_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert mflag.main(["-dit", "--name", "web", "nginx"]) == 0
    out = capsys.readouterr().out
    assert "arguments left for the command: ['nginx']" in out


def test_check_args_and_report_error() -> None:
    fs = mflag.new_flag_set("rm", home="")
    fs.require("min", 1)
    assert fs.parse([]) is None
    message = fs.check_args()
    assert message == '"rm" requires a minimum of 1 argument'
    fs.report_error(message, with_help=True)
    assert fs.output_text() == "docker: \"rm\" requires a minimum of 1 argument.\nSee 'docker rm --help'.\n"
    fs.require("max", 2)
    assert fs.parse(["a", "b", "c"]) is None
    assert fs.check_args() == '"rm" requires a maximum of 2 arguments'


def test_merge_sets_the_flag_in_its_own_set() -> None:
    common = mflag.new_flag_set("", home="")
    verify = common.bool(["-tlsverify"], False, "verify")
    top = mflag.new_flag_set("docker", home="")
    assert mflag.merge(top, common) is None
    assert top.parse(["--tlsverify", "ps"]) is None
    assert verify.value is True
    assert common.is_set("-tlsverify")
    assert top.is_set("-tlsverify")
    assert [f.names for f in top.visit_all()] == [["-tlsverify"]]
    err = mflag.merge(top, common)
    assert err is not None
    assert err.message == "flag redefined: -tlsverify"
