"""Go 1.19's `encoding/csv` Reader, as the token and password files are read: one record at a time, Go's errors.

Kubernetes' `tokenfile.NewCSV` and `passwordfile.NewCSV` check each record as it comes, so a short
record is reported before a quoting error on a later line; reading everything first (Python's `csv`)
would report them the other way round, and Python's reader accepts what Go's refuses (`a"b`).
Only the reader's defaults are modelled (comma `,`, no comment character, strict quotes, no
trimming), plus `FieldsPerRecord`. Error texts are Go 1.19's (Kubernetes v1.5.2 was built with
Go 1.7, whose texts differ: `line 1, column 2: bare " in non-quoted field`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

ERR_BARE_QUOTE = 'bare " in non-quoted-field'
ERR_QUOTE = 'extraneous or missing " in quoted-field'
ERR_FIELD_COUNT = "wrong number of fields"


class ParseError(ValueError):
    """csv.ParseError: where the record started, where the error is (1-based byte column), and what."""

    def __init__(self, start_line: int, line: int, column: int, err: str) -> None:
        self.start_line, self.line, self.column, self.err = start_line, line, column, err
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.err == ERR_FIELD_COUNT:
            return f"record on line {self.line}: {self.err}"
        if self.start_line != self.line:
            where = f"record on line {self.start_line}; parse error on line {self.line}"
        else:
            where = f"parse error on line {self.line}"
        return f"{where}, column {self.column}: {self.err}"


@dataclass
class Reader:
    """csv.NewReader over the bytes of a file; `fields_per_record` as the Go field (0: set by the first record)."""

    data: bytes
    fields_per_record: int = 0
    _pos: int = 0
    _num_line: int = 0

    def _read_line(self) -> tuple[bytes, bool]:
        r"""(line, at EOF): a line with its \n (\r\n read as \n); the last one may lack it."""
        if self._pos >= len(self.data):
            return b"", True
        end = self.data.find(b"\n", self._pos)
        if end < 0:
            line = self.data[self._pos :]
            self._pos = len(self.data)
            if line.endswith(b"\r"):
                line = line[:-1]
        else:
            line = self.data[self._pos : end + 1]
            self._pos = end + 1
        self._num_line += 1
        if line.endswith(b"\r\n"):
            line = line[:-2] + b"\n"
        return line, False

    def read(self) -> list[str] | None:
        """The next record, None at the end; raises ParseError."""
        while True:
            line, eof = self._read_line()
            if eof:
                return None
            if len(line) != _length_nl(line):
                break  # an empty line is skipped
        rec_line = self._num_line
        buffer = bytearray()
        indexes: list[int] = []
        col = 1
        err: ParseError | None = None
        while True:  # parseField
            if not line or line[0] != ord('"'):
                i = line.find(b",")
                text = line[:i] if i >= 0 else line[: len(line) - _length_nl(line)]
                j = text.find(b'"')
                if j >= 0:
                    err = ParseError(rec_line, self._num_line, col + j, ERR_BARE_QUOTE)
                    break
                buffer += text
                indexes.append(len(buffer))
                if i >= 0:
                    line = line[i + 1 :]
                    col += i + 1
                    continue
                break
            line = line[1:]
            col += 1
            pos_line = self._num_line
            done = False
            while not done:
                i = line.find(b'"')
                if i >= 0:
                    buffer += line[:i]
                    line = line[i + 1 :]
                    col += i + 1
                    if line[:1] == b'"':
                        buffer += b'"'
                        line = line[1:]
                        col += 1
                    elif line[:1] == b",":
                        line = line[1:]
                        col += 1
                        indexes.append(len(buffer))
                        done = True  # next field
                    elif _length_nl(line) == len(line):
                        indexes.append(len(buffer))
                        return self._finish(buffer, indexes, rec_line, None)
                    else:
                        err = ParseError(rec_line, self._num_line, col - 1, ERR_QUOTE)
                        return self._finish(buffer, indexes, rec_line, err)
                elif line:  # the field goes on on the next line
                    buffer += line
                    col += len(line)
                    line, _ = self._read_line()
                    if line:
                        pos_line += 1
                        col = 1
                else:  # the input ended inside the quotes
                    err = ParseError(rec_line, pos_line, col, ERR_QUOTE)
                    return self._finish(buffer, indexes, rec_line, err)
        return self._finish(buffer, indexes, rec_line, err)

    def _finish(self, buffer: bytearray, indexes: list[int], rec_line: int, err: ParseError | None) -> list[str]:
        record = []
        start = 0
        for end in indexes:
            record.append(bytes(buffer[start:end]).decode("utf-8", "replace"))
            start = end
        if self.fields_per_record > 0:
            if len(record) != self.fields_per_record and err is None:
                err = ParseError(rec_line, rec_line, 1, ERR_FIELD_COUNT)
        elif self.fields_per_record == 0:
            self.fields_per_record = len(record)
        if err is not None:
            raise err
        return record

    def records(self) -> Iterator[list[str]]:
        """Read until the end (what a `for { reader.Read() }` loop sees), raising at the first error."""
        while (record := self.read()) is not None:
            yield record


def _length_nl(b: bytes) -> int:
    return 1 if b.endswith(b"\n") else 0
