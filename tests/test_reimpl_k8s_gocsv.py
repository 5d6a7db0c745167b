"""The encoding/csv model (Go 1.19's Reader, as tokenfile and passwordfile read) against answers of the Go.

Each row was produced by the real `csv.Reader` (Go 1.19) with `FieldsPerRecord` set as given, reading
record by record until the end or the first error: the records read before it, and its text.
`walkthrough parity --live --model authn` checks the same code through the token and password files.
"""

from __future__ import annotations

import pytest

from walkthrough.reimpl.kubernetes import _gocsv

RECORDED = [
    ("a,b,c\n", 0, [["a", "b", "c"]], None),
    ("a,b\nc\n", 0, [["a", "b"]], "record on line 2: wrong number of fields"),
    ("a,b\nc\n", -1, [["a", "b"], ["c"]], None),
    ('a"b,c\n', 0, [], 'parse error on line 1, column 2: bare " in non-quoted-field'),
    ('"a""b",c\n', 0, [['a"b', "c"]], None),
    ('"a\nb",c\n', -1, [["a\nb", "c"]], None),
    ('"open\n', -1, [], 'parse error on line 1, column 7: extraneous or missing " in quoted-field'),
    ('"x"y,z\n', -1, [], 'parse error on line 1, column 3: extraneous or missing " in quoted-field'),
    ("\n\na,b\r\nc,d\r\n", 0, [["a", "b"], ["c", "d"]], None),
    ("a,b\r", 0, [["a", "b"]], None),
    ('a,"b\nc\nd"e\n', -1, [], (
        'record on line 1; parse error on line 3, column 2: extraneous or missing " in quoted-field')),
    ('x\n"a\n\nb', -1, [["x"]], (
        'record on line 2; parse error on line 4, column 2: extraneous or missing " in quoted-field')),
    ('"",""\n', 0, [["", ""]], None),
    ('é,"ü",x', -1, [["é", "ü", "x"]], None),
    (",,\n,", 0, [["", "", ""]], "record on line 2: wrong number of fields"),
    ('a,b\n"c', 2, [["a", "b"]], 'parse error on line 2, column 3: extraneous or missing " in quoted-field'),
    ('"a"', 1, [["a"]], None),
    ('a\n\n\n"b', -1, [["a"]], 'parse error on line 4, column 3: extraneous or missing " in quoted-field'),
    ('"a\r\nb"\r\n', -1, [["a\nb"]], None),
]


@pytest.mark.parametrize(("text", "fields", "records", "error"), RECORDED)
def test_reader_answers_as_the_go(text: str, fields: int, records: list[list[str]], error: str | None) -> None:
    read: list[list[str]] = []
    failure = ""
    try:
        read.extend(_gocsv.Reader(text.encode(), fields).records())
    except _gocsv.ParseError as exc:
        failure = str(exc)
    assert (read, failure or None) == (records, error)
