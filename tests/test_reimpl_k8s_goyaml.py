"""The model of ghodss/yaml.YAMLToJSON (go-yaml 53feefa as Kubernetes v1.5.2 vendors it) against answers of the Go.

Each row was produced by the real YAMLToJSON (Go 1.19, GOPATH build from minikube's vendor/ at the commit that
vendors v1.5.2): the JSON it returned, its error text, or what it panicked with. `walkthrough parity --live --model
abac` checks the same code on generated policy lines.
"""

from __future__ import annotations

import pytest

from walkthrough.reimpl.kubernetes import _goyaml
from walkthrough.reimpl.kubernetes._go import GoPanic

RECORDED = [
    ('user: "alice"', "json", '{"user":"alice"}'),
    ("user: alice", "json", '{"user":"alice"}'),
    ("a: b: c", "error", "yaml: mapping values are not allowed in this context"),
    ("- a", "json", '["a"]'),
    ("[a, b]", "json", '["a","b"]'),
    ("{a: b}", "json", '{"a":"b"}'),
    ("a: b # c", "json", '{"a":"b"}'),
    ("\tuser: a", "error", "yaml: found character that cannot start any token"),
    ("user:\ta", "json", '{"user":"a"}'),
    ("user:a", "json", '"user:a"'),
    ("- - a", "json", '[["a"]]'),
    ("|", "json", '""'),
    ("@a", "error", "yaml: found character that cannot start any token"),
    ("user: [a]", "json", '{"user":["a"]}'),
    ("---", "json", "null"),
    ("...", "error", "yaml: did not find expected node content"),
    ("%YAML 1.1", "error", "yaml: line 1: did not find expected <document start>"),
    ("%YAML 1.2\r---\ra", "error", "yaml: found incompatible YAML document"),
    ("? a", "json", '{"a":null}'),
    (": a", "error", "yaml: did not find expected key"),
    ("a:", "json", '{"a":null}'),
    ("&x a", "json", '"a"'),
    ("*x", "error", "yaml: unknown anchor 'x' referenced"),
    ("!!str 1", "json", '"1"'),
    ("a: 0x1F", "json", '{"a":31}'),
    ("a: .inf", "error", "json: unsupported value: +Inf"),
    ("a: 1e3", "json", '{"a":1000}'),
    ("a: 1_000", "json", '{"a":1000}'),
    ("a: yes", "json", '{"a":true}'),
    ("a: ~", "json", '{"a":null}'),
    ("a: <b>", "json", '{"a":"\\u003cb\\u003e"}'),
    ("a: 0o17", "json", '{"a":15}'),
    ("a: 0b101", "json", '{"a":5}'),
    ("a: -0.0", "json", '{"a":-0}'),
    ("a: 1e400", "json", '{"a":"1e400"}'),
    ("a: 123456789012345678901234567890", "json", '{"a":1.2345678901234568e+29}'),
    ("a: 18446744073709551615", "json", '{"a":18446744073709551615}'),
    ("a: 1e-7", "json", '{"a":1e-7}'),
    ("a: 1e21", "json", '{"a":1e+21}'),
    ("a: 1e20", "json", '{"a":100000000000000000000}'),
    ('"a\\tb"', "json", '"a\\tb"'),
    ('a: "\\x41"', "json", '{"a":"A"}'),
    ("a: !!binary aGk=", "json", '{"a":"hi"}'),
    ("a: !!binary x", "error", "yaml: !!binary value contains invalid base64 data"),
    ("a: !foo x", "json", '{"a":"x"}'),
    ("a: b\rc: d", "json", '{"a":"b","c":"d"}'),
    ("k8s\x00abc", "error", "yaml: control characters are not allowed"),
    ("a: [1, 2", "error", "yaml: line 1: did not find expected ',' or ']'"),
    ("a: {b: c", "error", "yaml: line 1: did not find expected ',' or '}'"),
    ('a: "b', "error", "yaml: found unexpected end of stream"),
    ("a: b, c: d", "error", "yaml: mapping values are not allowed in this context"),
    ("[a: b]", "json", '[{"a":"b"}]'),
    ("{a, b}", "json", '{"a":null,"b":null}'),
    ("a: - b", "error", "yaml: block sequence entries are not allowed in this context"),
    ("1.5: x", "json", '{"1.5":"x"}'),
    ("1e10: x", "json", '{"1e+10":"x"}'),
    ("null: x", "error", 'Unsupported map key of type: %!s(<nil>), key: <nil>, value: "x"'),
    ("true: x", "json", '{"true":"x"}'),
    ("[a]: x", "error", 'yaml: invalid map key: []interface {}{"a"}'),
    ("!!int a", "error", "yaml: cannot decode !!str `a` as a !!int"),
    ("!!float 1", "error", "yaml: cannot decode !!int `1` as a !!float"),
    ("&a [*a]", "error", "yaml: anchor 'a' value contains itself"),
    ("{<<: [{a: 1}, {a: 2, b: 3}], b: 4}", "json", '{"a":1,"b":4}'),
    ("<<: 1", "error", "yaml: map merge requires map or sequence of maps as the value"),
    ("%TAG ! x", "panic", "runtime error: index out of range [1] with length 1"),
    ("%TAG !a! tag:x,2000: \r--- !a!b c", "json", '"c"'),
    ("!<tag:yaml.org,2002:str> 1", "json", '"1"'),
    ("!a!b c", "error", "yaml: found undefined tag handle"),
    ("'it''s'", "json", '"it\'s"'),
    ('"\\q"', "error", "yaml: found unknown escape character"),
    ('"\\ud800"', "error", "yaml: found invalid Unicode character escape code"),
    ("a: |+\r  x\r", "json", '{"a":"x\\n"}'),
    ("a: >\r b\r c\r", "json", '{"a":"b c\\n"}'),
    ("?", "error", "Unsupported map key of type: %!s(<nil>), key: <nil>, value: <nil>"),
    ("? [a, b]", "error", 'yaml: invalid map key: []interface {}{"a", "b"}'),
    ("[? a : b]", "json", '[{"a":"b"}]'),
    ("[a, ? b]", "json", '["a",{"b":null}]'),
    ("{? a}", "json", '{"a":null}'),
    ("a\r- b", "json", '"a - b"'),
    ("- a\rb: c", "error", "yaml: line 1: did not find expected '-' indicator"),
    ("- &a\r- *a", "json", "[null,null]"),
    ("\ufeff{user: a}", "json", '{"user":"a"}'),
    ("key: &a !!str\r", "json", '{"key":""}'),
]


@pytest.mark.parametrize(("text", "kind", "expected"), RECORDED)
def test_yaml_to_json_answers_as_the_go(text: str, kind: str, expected: str) -> None:
    if kind == "json":
        assert _goyaml.yaml_to_json(text.encode()).decode() == expected
    elif kind == "error":
        with pytest.raises(_goyaml.GoYAMLError) as caught:
            _goyaml.yaml_to_json(text.encode())
        assert str(caught.value) == expected
    else:
        with pytest.raises(GoPanic) as panicked:
            _goyaml.yaml_to_json(text.encode())
        assert str(panicked.value) == expected


def test_a_bad_character_is_found_when_the_scanner_reaches_its_read() -> None:
    """go-yaml decodes its input 512 bytes at a time.

    A control character in a later read comes after the error of an earlier one, and first within the same read.
    """
    late = b"a: [1, 2" + b" " * 600 + b"\x01"
    with pytest.raises(_goyaml.GoYAMLError, match="control characters are not allowed"):
        _goyaml.yaml_to_json(late)
    early = b"a: b: c" + b" " * 600 + b"\x01"
    with pytest.raises(_goyaml.GoYAMLError, match="mapping values are not allowed"):
        _goyaml.yaml_to_json(early)
    same_read = b"a: b: c" + b" " * 100 + b"\x01"
    with pytest.raises(_goyaml.GoYAMLError, match="control characters are not allowed"):
        _goyaml.yaml_to_json(same_read)
