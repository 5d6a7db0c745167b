"""What `ghodss/yaml.YAMLToJSON` makes of a YAML text, as Kubernetes v1.5.2 vendors it, error texts included.

The universal decoder reads a document that does not start with '{' as YAML: `yaml.YAMLToJSON`
(github.com/ghodss/yaml 73d445a) unmarshals it with go-yaml (gopkg.in/yaml.v2 53feefa) into an
`interface{}`, turns the map keys into strings and writes the result with `encoding/json`. The JSON
bytes matter: later decode errors quote byte positions in them. go-yaml is a port of libyaml, and
this module follows its reader, scanner, parser and composer function by function (their names are
in the comments), so that what it accepts, what it builds and how it fails (`yaml: line 1: did not
find expected ',' or ']'`) are go-yaml's. It covers what `Unmarshal(data, &interface{})` reaches:

- reader: UTF-8 only (go-yaml's UTF-16 input needs a byte order mark no text line has), checked in
  512-byte chunks as go-yaml reads them, so a bad character is found when the scanner first needs
  its chunk;
- scanner and parser: all of it (directives, document markers, block and flow collections, simple
  and complex keys, anchors, aliases, tags, every scalar style), with libyaml's marks, so the line
  an error names is go-yaml's;
- composer and decoder into `interface{}`: YAML 1.1 resolution (`yes`, `0x1F`, `1_000`, `.inf`),
  `!!binary`, merge keys, aliases (resolved after parsing, as go-yaml does);
- ghodss's key conversion (`Unsupported map key`) and `encoding/json`'s output (sorted keys, HTML
  escapes, Go's float formatting, `unsupported value: +Inf`).

Simplified: `%#v` of a map with keys of several types (in an `Unsupported map key` or `invalid map
key` message) orders the keys by type name; Go orders them by the address of their type.
"""

from __future__ import annotations

import base64
import binascii
import decimal
import math
import struct
from dataclasses import dataclass, field
from typing import Any, ClassVar

from walkthrough.reimpl.docker._gostd import format_float_v, parse_float, parse_int, parse_uint, quote
from walkthrough.reimpl.kubernetes._go import GoPanic

RAW_CHUNK = 512  # input_raw_buffer_size: the reader decodes the input this many bytes at a time
MAX_INT64 = (1 << 63) - 1
MIN_INT64 = -(1 << 63)


class GoYAMLError(ValueError):
    """An error of YAMLToJSON, with the Go text (`yaml: ...`, `json: ...`, `Unsupported map key ...`)."""


# tags
NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"
BINARY_TAG = "tag:yaml.org,2002:binary"
MERGE_TAG = "tag:yaml.org,2002:merge"
LONG_TAG_PREFIX = "tag:yaml.org,2002:"

# token types
STREAM_START, STREAM_END, VERSION_DIRECTIVE, TAG_DIRECTIVE, DOCUMENT_START, DOCUMENT_END = range(6)
BLOCK_SEQUENCE_START, BLOCK_MAPPING_START, BLOCK_END, FLOW_SEQUENCE_START, FLOW_SEQUENCE_END = range(6, 11)
FLOW_MAPPING_START, FLOW_MAPPING_END, BLOCK_ENTRY, FLOW_ENTRY, KEY, VALUE, ALIAS, ANCHOR, TAG, SCALAR = range(11, 21)
# scalar styles
PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED, LITERAL, FOLDED = range(5)
# events
E_STREAM_START, E_STREAM_END, E_DOCUMENT_START, E_DOCUMENT_END, E_ALIAS, E_SCALAR = range(6)
E_SEQUENCE_START, E_SEQUENCE_END, E_MAPPING_START, E_MAPPING_END = range(6, 10)

BREAKS = "\r\n\x85\u2028\u2029"
BLANKZ = " \t" + BREAKS + "\0"
ALPHA = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-")
HEX = frozenset("0123456789abcdefABCDEF")
URI_CHARS = frozenset(";/?:@&=+$,.!~*'()[]%")


@dataclass(frozen=True)
class Mark:
    """yaml_mark_t: index (characters read), line and column, all from 0."""

    index: int = 0
    line: int = 0
    column: int = 0


@dataclass
class Token:
    """yaml_token_t."""

    type: int
    start: Mark
    end: Mark
    value: str = ""
    suffix: str = ""
    prefix: str = ""
    style: int = PLAIN
    major: int = 0
    minor: int = 0


@dataclass
class SimpleKey:
    """yaml_simple_key_t."""

    possible: bool = False
    required: bool = False
    token_number: int = 0
    mark: Mark = field(default_factory=Mark)


@dataclass
class Event:
    """yaml_event_t (only what the composer reads)."""

    type: int
    start: Mark
    anchor: str | None = None
    tag: str = ""
    value: str = ""
    implicit: bool = False


class _Stop(Exception):
    """The scanner or parser failed; the problem is recorded on the Parser."""


# ---------------------------------------------------------------------------------------------
# the reader: readerc.go
# ---------------------------------------------------------------------------------------------
def _decode(data: bytes) -> tuple[list[str], list[int], list[str | None]]:
    """The characters of `data`, where each read of the input ends (in characters), and each read's reader error.

    The reader takes the input 512 bytes at a time (a UTF-8 byte order mark at the start counts in the first
    read and is dropped); yaml_parser_update_buffer decodes every complete character of a read and keeps a
    character cut by its end for the next one.
    """
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # yaml_parser_determine_encoding drops a UTF-8 BOM
    window = 0
    chars: list[str] = []
    ends: list[int] = []
    errors: list[str | None] = []
    while True:
        raw_end = min(len(data), window + RAW_CHUNK)
        error = None
        while pos < raw_end:
            error, width, value = _utf8(data, pos, raw_end)
            if error or width == 0:
                break
            chars.append(chr(value))
            pos += width
        ends.append(len(chars))
        errors.append(error)
        if error or raw_end == len(data):
            return chars, ends, errors
        window = pos


def _utf8(data: bytes, pos: int, raw_end: int) -> tuple[str | None, int, int]:
    """(reader error, width, code point) of the character at `pos`; width 0: cut by the end of the read."""
    octet = data[pos]
    width = 1 if octet < 0x80 else 2 if octet & 0xE0 == 0xC0 else 3 if octet & 0xF0 == 0xE0 else (
        4 if octet & 0xF8 == 0xF0 else 0)
    if width == 0:
        return "invalid leading UTF-8 octet", 0, 0
    if width > raw_end - pos:
        return ("incomplete UTF-8 octet sequence" if raw_end == len(data) else None), 0, 0
    value = octet & (0x7F, 0x1F, 0x0F, 0x07)[width - 1]
    for k in range(1, width):
        if data[pos + k] & 0xC0 != 0x80:
            return "invalid trailing UTF-8 octet", 0, 0
        value = (value << 6) + (data[pos + k] & 0x3F)
    if value < (0, 0, 0x80, 0x800, 0x10000)[width]:
        return "invalid length of a UTF-8 sequence", 0, 0
    if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
        return "invalid Unicode character", 0, 0
    if not (value in (0x09, 0x0A, 0x0D, 0x85) or 0x20 <= value <= 0x7E or 0xA0 <= value <= 0xD7FF
            or 0xE000 <= value <= 0xFFFD or 0x10000 <= value <= 0x10FFFF):
        return "control characters are not allowed", 0, 0
    return None, width, value


# ---------------------------------------------------------------------------------------------
# the scanner: scannerc.go
# ---------------------------------------------------------------------------------------------
class Parser:
    """yaml_parser_t: the scanner's and the parser's state over one input."""

    def __init__(self, data: bytes) -> None:
        self.chars, self._chunk_ends, self._chunk_errors = _decode(data)
        self._loaded = 0  # chunks decoded so far
        self.available = 0  # characters decoded (the NUL after the last one counts once the input is done)
        self.eof = False
        self.buffer_start = 0  # where go-yaml's buffer starts: is_bom looks there, not at the position
        self.buf: list[str] = []
        self.pos = 0
        self.mark = Mark()
        self.problem = ""
        self.problem_mark = Mark()
        self.context_mark = Mark()
        # scanner
        self.tokens: list[Token] = []
        self.tokens_head = 0
        self.tokens_parsed = 0
        self.token_available = False
        self.stream_start_produced = False
        self.stream_end_produced = False
        self.indent = -1
        self.indents: list[int] = []
        self.simple_key_allowed = False
        self.simple_keys: list[SimpleKey] = []
        self.flow_level = 0
        # parser
        self.state = "stream_start"
        self.states: list[str] = []
        self.marks: list[Mark] = []
        self.tag_directives: list[tuple[str, str]] = []

    # -- reader ---------------------------------------------------------------------------------
    def cache(self, length: int) -> None:
        """yaml_parser_update_buffer: decode reads until `length` characters are ahead (or the input ends)."""
        while self.available - self.pos < length and not self.eof:
            self.buffer_start = self.pos  # the unread characters move to the start of the buffer
            if self._loaded < len(self._chunk_ends):
                error = self._chunk_errors[self._loaded]
                if error:
                    self.problem = error
                    self.problem_mark = Mark()  # reader errors carry an offset, never a line
                    self.context_mark = Mark()
                    raise _Stop
                self.available = self._chunk_ends[self._loaded]
                self._loaded += 1
            else:
                self.eof = True
                self.available += 1  # the NUL that ends the buffer
        if len(self.buf) < self.available + 4:
            self.buf = [*self.chars[: self.available], *("\0" * 8)]

    def ch(self, offset: int = 0) -> str:
        return self.buf[self.pos + offset] if self.pos + offset < len(self.buf) else "\0"

    def is_blankz(self, offset: int = 0) -> bool:
        return self.ch(offset) in BLANKZ

    def is_break(self, offset: int = 0) -> bool:
        return self.ch(offset) in BREAKS

    def is_breakz(self, offset: int = 0) -> bool:
        return self.ch(offset) in BREAKS or self.ch(offset) == "\0"

    def skip(self) -> None:
        self.mark = Mark(self.mark.index + 1, self.mark.line, self.mark.column + 1)
        self.pos += 1

    def skip_line(self) -> None:
        if self.ch() == "\r" and self.ch(1) == "\n":
            self.mark = Mark(self.mark.index + 2, self.mark.line + 1, 0)
            self.pos += 2
        elif self.is_break():
            self.mark = Mark(self.mark.index + 1, self.mark.line + 1, 0)
            self.pos += 1

    def read(self, s: list[str]) -> None:
        s.append(self.ch())
        self.skip()

    def read_line(self, s: list[str]) -> None:
        c = self.ch()
        if c == "\r" and self.ch(1) == "\n":
            s.append("\n")
            self.pos += 2
            self.mark = Mark(self.mark.index + 2, self.mark.line + 1, 0)
            return
        if c in "\r\n\x85":
            s.append("\n")
        elif c in "\u2028\u2029":
            s.append(c)
        else:
            return
        self.pos += 1
        self.mark = Mark(self.mark.index + 1, self.mark.line + 1, 0)

    # -- errors --------------------------------------------------------------------------------
    def scanner_error(self, context_mark: Mark, problem: str) -> _Stop:
        """yaml_parser_set_scanner_error: the problem is where the scanner stands."""
        self.context_mark = context_mark
        self.problem = problem
        self.problem_mark = self.mark
        return _Stop()

    def tag_error(self, context_mark: Mark) -> _Stop:
        """yaml_parser_set_scanner_tag_error, which reports every tag problem as this one."""
        return self.scanner_error(context_mark, "did not find URI escaped octet")

    def parser_error(self, problem: str, problem_mark: Mark, context_mark: Mark | None = None) -> _Stop:
        self.problem = problem
        self.problem_mark = problem_mark
        if context_mark is not None:
            self.context_mark = context_mark
        return _Stop()

    # -- token queue -----------------------------------------------------------------------------
    def insert_token(self, pos: int, token: Token) -> None:
        if pos < 0:
            self.tokens.append(token)
        else:
            self.tokens.insert(self.tokens_head + pos, token)

    def fetch_more_tokens(self) -> None:
        while True:
            need_more = False
            if self.tokens_head == len(self.tokens):
                need_more = True
            else:
                self.stale_simple_keys()
                for key in self.simple_keys:
                    if key.possible and key.token_number == self.tokens_parsed:
                        need_more = True
                        break
            if not need_more:
                break
            self.fetch_next_token()
        self.token_available = True

    def fetch_next_token(self) -> None:
        self.cache(1)
        if not self.stream_start_produced:
            self.fetch_stream_start()
            return
        self.scan_to_next_token()
        self.stale_simple_keys()
        self.unroll_indent(self.mark.column)
        self.cache(4)
        c = self.ch()
        if c == "\0":
            self.fetch_stream_end()
            return
        if self.mark.column == 0 and c == "%":
            self.fetch_directive()
            return
        if self.mark.column == 0 and c in "-." and self.ch(1) == c and self.ch(2) == c and self.is_blankz(3):
            self.fetch_document_indicator(DOCUMENT_START if c == "-" else DOCUMENT_END)
            return
        if c in "[{":
            self.fetch_flow_collection_start(FLOW_SEQUENCE_START if c == "[" else FLOW_MAPPING_START)
            return
        if c in "]}":
            self.fetch_flow_collection_end(FLOW_SEQUENCE_END if c == "]" else FLOW_MAPPING_END)
            return
        if c == ",":
            self.fetch_flow_entry()
            return
        if c == "-" and self.is_blankz(1):
            self.fetch_block_entry()
            return
        if c == "?" and (self.flow_level > 0 or self.is_blankz(1)):
            self.fetch_key()
            return
        if c == ":" and (self.flow_level > 0 or self.is_blankz(1)):
            self.fetch_value()
            return
        if c in "*&":
            self.fetch_anchor(ALIAS if c == "*" else ANCHOR)
            return
        if c == "!":
            self.fetch_tag()
            return
        if c in "|>" and self.flow_level == 0:
            self.fetch_block_scalar(literal=c == "|")
            return
        if c in "'\"":
            self.fetch_flow_scalar(single=c == "'")
            return
        if (not (self.is_blankz() or c in "-?:,[]{}#&*!|>'\"%@`")
                or (c == "-" and self.ch(1) not in " \t")
                or (self.flow_level == 0 and c in "?:" and not self.is_blankz(1))):
            self.fetch_plain_scalar()
            return
        raise self.scanner_error(self.mark, "found character that cannot start any token")

    def stale_simple_keys(self) -> None:
        for key in self.simple_keys:
            if key.possible and (key.mark.line < self.mark.line or key.mark.index + 1024 < self.mark.index):
                if key.required:
                    raise self.scanner_error(key.mark, "could not find expected ':'")
                key.possible = False

    def save_simple_key(self) -> None:
        required = self.flow_level == 0 and self.indent == self.mark.column
        if self.simple_key_allowed:
            key = SimpleKey(True, required, self.tokens_parsed + (len(self.tokens) - self.tokens_head), self.mark)
            self.remove_simple_key()
            self.simple_keys[-1] = key

    def remove_simple_key(self) -> None:
        key = self.simple_keys[-1]
        if key.possible and key.required:
            raise self.scanner_error(key.mark, "could not find expected ':'")
        key.possible = False

    def increase_flow_level(self) -> None:
        self.simple_keys.append(SimpleKey())
        self.flow_level += 1

    def decrease_flow_level(self) -> None:
        if self.flow_level > 0:
            self.flow_level -= 1
            self.simple_keys.pop()

    def roll_indent(self, column: int, number: int, type_: int, mark: Mark) -> None:
        if self.flow_level > 0:
            return
        if self.indent < column:
            self.indents.append(self.indent)
            self.indent = column
            if number > -1:
                number -= self.tokens_parsed
            self.insert_token(number, Token(type_, mark, mark))

    def unroll_indent(self, column: int) -> None:
        if self.flow_level > 0:
            return
        while self.indent > column:
            self.insert_token(-1, Token(BLOCK_END, self.mark, self.mark))
            self.indent = self.indents.pop()

    def fetch_stream_start(self) -> None:
        self.indent = -1
        self.simple_keys.append(SimpleKey())
        self.simple_key_allowed = True
        self.stream_start_produced = True
        self.insert_token(-1, Token(STREAM_START, self.mark, self.mark))

    def fetch_stream_end(self) -> None:
        if self.mark.column != 0:  # force a new line
            self.mark = Mark(self.mark.index, self.mark.line + 1, 0)
        self.unroll_indent(-1)
        self.remove_simple_key()
        self.simple_key_allowed = False
        self.insert_token(-1, Token(STREAM_END, self.mark, self.mark))

    def fetch_directive(self) -> None:
        self.unroll_indent(-1)
        self.remove_simple_key()
        self.simple_key_allowed = False
        self.insert_token(-1, self.scan_directive())

    def fetch_document_indicator(self, type_: int) -> None:
        self.unroll_indent(-1)
        self.remove_simple_key()
        self.simple_key_allowed = False
        start = self.mark
        self.skip()
        self.skip()
        self.skip()
        self.insert_token(-1, Token(type_, start, self.mark))

    def fetch_flow_collection_start(self, type_: int) -> None:
        self.save_simple_key()
        self.increase_flow_level()
        self.simple_key_allowed = True
        start = self.mark
        self.skip()
        self.insert_token(-1, Token(type_, start, self.mark))

    def fetch_flow_collection_end(self, type_: int) -> None:
        self.remove_simple_key()
        self.decrease_flow_level()
        self.simple_key_allowed = False
        start = self.mark
        self.skip()
        self.insert_token(-1, Token(type_, start, self.mark))

    def fetch_flow_entry(self) -> None:
        self.remove_simple_key()
        self.simple_key_allowed = True
        start = self.mark
        self.skip()
        self.insert_token(-1, Token(FLOW_ENTRY, start, self.mark))

    def fetch_block_entry(self) -> None:
        if self.flow_level == 0:
            if not self.simple_key_allowed:
                raise self.scanner_error(self.mark, "block sequence entries are not allowed in this context")
            self.roll_indent(self.mark.column, -1, BLOCK_SEQUENCE_START, self.mark)
        self.remove_simple_key()
        self.simple_key_allowed = True
        start = self.mark
        self.skip()
        self.insert_token(-1, Token(BLOCK_ENTRY, start, self.mark))

    def fetch_key(self) -> None:
        if self.flow_level == 0:
            if not self.simple_key_allowed:
                raise self.scanner_error(self.mark, "mapping keys are not allowed in this context")
            self.roll_indent(self.mark.column, -1, BLOCK_MAPPING_START, self.mark)
        self.remove_simple_key()
        self.simple_key_allowed = self.flow_level == 0
        start = self.mark
        self.skip()
        self.insert_token(-1, Token(KEY, start, self.mark))

    def fetch_value(self) -> None:
        key = self.simple_keys[-1]
        if key.possible:
            self.insert_token(key.token_number - self.tokens_parsed, Token(KEY, key.mark, key.mark))
            self.roll_indent(key.mark.column, key.token_number, BLOCK_MAPPING_START, key.mark)
            key.possible = False
            self.simple_key_allowed = False
        else:
            if self.flow_level == 0:
                if not self.simple_key_allowed:
                    raise self.scanner_error(self.mark, "mapping values are not allowed in this context")
                self.roll_indent(self.mark.column, -1, BLOCK_MAPPING_START, self.mark)
            self.simple_key_allowed = self.flow_level == 0
        start = self.mark
        self.skip()
        self.insert_token(-1, Token(VALUE, start, self.mark))

    def fetch_anchor(self, type_: int) -> None:
        self.save_simple_key()
        self.simple_key_allowed = False
        self.insert_token(-1, self.scan_anchor(type_))

    def fetch_tag(self) -> None:
        self.save_simple_key()
        self.simple_key_allowed = False
        self.insert_token(-1, self.scan_tag())

    def fetch_block_scalar(self, *, literal: bool) -> None:
        self.remove_simple_key()
        self.simple_key_allowed = True
        self.insert_token(-1, self.scan_block_scalar(literal=literal))

    def fetch_flow_scalar(self, *, single: bool) -> None:
        self.save_simple_key()
        self.simple_key_allowed = False
        self.insert_token(-1, self.scan_flow_scalar(single=single))

    def fetch_plain_scalar(self) -> None:
        self.save_simple_key()
        self.simple_key_allowed = False
        self.insert_token(-1, self.scan_plain_scalar())

    def scan_to_next_token(self) -> None:
        while True:
            self.cache(1)
            if self.mark.column == 0 and self.chars[self.buffer_start : self.buffer_start + 1] == ["\ufeff"]:
                self.skip()
            self.cache(1)
            while self.ch() == " " or ((self.flow_level > 0 or not self.simple_key_allowed) and self.ch() == "\t"):
                self.skip()
                self.cache(1)
            if self.ch() == "#":
                while not self.is_breakz():
                    self.skip()
                    self.cache(1)
            if self.is_break():
                self.cache(2)
                self.skip_line()
                if self.flow_level == 0:
                    self.simple_key_allowed = True
            else:
                return

    def _skip_blanks_and_comment(self) -> None:
        self.cache(1)
        while self.ch() in " \t":
            self.skip()
            self.cache(1)
        if self.ch() == "#":
            while not self.is_breakz():
                self.skip()
                self.cache(1)

    def scan_directive(self) -> Token:
        start = self.mark
        self.skip()
        name = self.scan_directive_name(start)
        if name == "YAML":
            major, minor = self.scan_version_directive_value(start)
            token = Token(VERSION_DIRECTIVE, start, self.mark, major=major, minor=minor)
        elif name == "TAG":
            handle, prefix = self.scan_tag_directive_value(start)
            token = Token(TAG_DIRECTIVE, start, self.mark, value=handle, prefix=prefix)
        else:
            raise self.scanner_error(start, "found uknown directive name")
        self._skip_blanks_and_comment()
        if not self.is_breakz():
            raise self.scanner_error(start, "did not find expected comment or line break")
        if self.is_break():
            self.cache(2)
            self.skip_line()
        return token

    def scan_directive_name(self, start: Mark) -> str:
        self.cache(1)
        s: list[str] = []
        while self.ch() in ALPHA:
            self.read(s)
            self.cache(1)
        if not s:
            raise self.scanner_error(start, "could not find expected directive name")
        if not self.is_blankz():
            raise self.scanner_error(start, "found unexpected non-alphabetical character")
        return "".join(s)

    def scan_version_directive_value(self, start: Mark) -> tuple[int, int]:
        self.cache(1)
        while self.ch() in " \t":
            self.skip()
            self.cache(1)
        major = self.scan_version_directive_number(start)
        if self.ch() != ".":
            raise self.scanner_error(start, "did not find expected digit or '.' character")
        self.skip()
        return major, self.scan_version_directive_number(start)

    def scan_version_directive_number(self, start: Mark) -> int:
        self.cache(1)
        value = length = 0
        while "0" <= self.ch() <= "9":
            length += 1
            if length > 2:
                raise self.scanner_error(start, "found extremely long version number")
            value = value * 10 + int(self.ch())
            self.skip()
            self.cache(1)
        if length == 0:
            raise self.scanner_error(start, "did not find expected version number")
        return value

    def scan_tag_directive_value(self, start: Mark) -> tuple[str, str]:
        self.cache(1)
        while self.ch() in " \t":
            self.skip()
            self.cache(1)
        handle = self.scan_tag_handle(start, directive=True)
        self.cache(1)
        if self.ch() not in " \t":
            raise self.scanner_error(start, "did not find expected whitespace")
        while self.ch() in " \t":
            self.skip()
            self.cache(1)
        prefix = self.scan_tag_uri(start, directive=True, head="")
        self.cache(1)
        if not self.is_blankz():
            raise self.scanner_error(start, "did not find expected whitespace or line break")
        return handle, prefix

    def scan_anchor(self, type_: int) -> Token:
        s: list[str] = []
        start = self.mark
        self.skip()
        self.cache(1)
        while self.ch() in ALPHA:
            self.read(s)
            self.cache(1)
        end = self.mark
        if not s or not (self.is_blankz() or self.ch() in "?:,]}%@`"):
            raise self.scanner_error(start, "did not find expected alphabetic or numeric character")
        return Token(type_, start, end, value="".join(s))

    def scan_tag(self) -> Token:
        start = self.mark
        self.cache(2)
        if self.ch(1) == "<":
            handle = ""
            self.skip()
            self.skip()
            suffix = self.scan_tag_uri(start, directive=False, head="")
            if self.ch() != ">":
                raise self.scanner_error(start, "did not find the expected '>'")
            self.skip()
        else:
            handle = self.scan_tag_handle(start, directive=False)
            if handle[0] == "!" and len(handle) > 1 and handle[-1] == "!":
                suffix = self.scan_tag_uri(start, directive=False, head="")
            else:
                suffix = self.scan_tag_uri(start, directive=False, head=handle)
                handle = "!"
                if not suffix:
                    handle, suffix = suffix, handle
        self.cache(1)
        if not self.is_blankz():
            raise self.scanner_error(start, "did not find expected whitespace or line break")
        return Token(TAG, start, self.mark, value=handle, suffix=suffix)

    def scan_tag_handle(self, start: Mark, *, directive: bool) -> str:
        self.cache(1)
        if self.ch() != "!":
            raise self.tag_error(start)
        s: list[str] = []
        self.read(s)
        self.cache(1)
        while self.ch() in ALPHA:
            self.read(s)
            self.cache(1)
        if self.ch() == "!":
            self.read(s)
        elif directive:
            if len(s) == 1:  # go-yaml reads s[1] of a one-byte slice here
                raise GoPanic("runtime error: index out of range [1] with length 1")
            if not (s[0] == "!" and s[1] == "\0"):
                raise self.tag_error(start)
        return "".join(s)

    def scan_tag_uri(self, start: Mark, *, directive: bool, head: str) -> str:
        s = list(head[1:]) if len(head) > 1 else []
        self.cache(1)
        while self.ch() in ALPHA or self.ch() in URI_CHARS:
            if self.ch() == "%":
                s.extend(self.scan_uri_escapes(start))
            else:
                self.read(s)
            self.cache(1)
        del directive
        if not s:
            raise self.tag_error(start)
        return "".join(s)

    def scan_uri_escapes(self, start: Mark) -> list[str]:
        """%XX escapes of one UTF-8 character; go-yaml keeps the bytes, which form a character when complete."""
        octets = bytearray()
        width = 1024
        while width > 0:
            self.cache(3)
            if not (self.ch() == "%" and self.ch(1) in HEX and self.ch(2) in HEX):
                raise self.tag_error(start)
            octet = int(self.ch(1) + self.ch(2), 16)
            if width == 1024:
                width = 1 if octet & 0x80 == 0 else 2 if octet & 0xE0 == 0xC0 else 3 if octet & 0xF0 == 0xE0 else (
                    4 if octet & 0xF8 == 0xF0 else 0)
                if width == 0:
                    raise self.tag_error(start)
            elif octet & 0xC0 != 0x80:
                raise self.tag_error(start)
            octets.append(octet)
            self.skip()
            self.skip()
            self.skip()
            width -= 1
        return list(octets.decode("utf-8", "surrogateescape"))

    def scan_block_scalar(self, *, literal: bool) -> Token:
        start = self.mark
        self.skip()
        self.cache(1)
        chomping = increment = 0
        if self.ch() in "+-":
            chomping = 1 if self.ch() == "+" else -1
            self.skip()
            self.cache(1)
            if "0" <= self.ch() <= "9":
                if self.ch() == "0":
                    raise self.scanner_error(start, "found an indentation indicator equal to 0")
                increment = int(self.ch())
                self.skip()
        elif "0" <= self.ch() <= "9":
            if self.ch() == "0":
                raise self.scanner_error(start, "found an indentation indicator equal to 0")
            increment = int(self.ch())
            self.skip()
            self.cache(1)
            if self.ch() in "+-":
                chomping = 1 if self.ch() == "+" else -1
                self.skip()
        self._skip_blanks_and_comment()
        if not self.is_breakz():
            raise self.scanner_error(start, "did not find expected comment or line break")
        if self.is_break():
            self.cache(2)
            self.skip_line()
        indent = 0
        if increment > 0:
            indent = self.indent + increment if self.indent >= 0 else increment
        s: list[str] = []
        leading_break: list[str] = []
        trailing_breaks: list[str] = []
        indent = self.scan_block_scalar_breaks(indent, trailing_breaks, start)
        self.cache(1)
        leading_blank = False
        while self.mark.column == indent and self.ch() != "\0":
            trailing_blank = self.ch() in " \t"
            if not literal and not leading_blank and not trailing_blank and leading_break[:1] == ["\n"]:
                if not trailing_breaks:
                    s.append(" ")
            else:
                s.extend(leading_break)
            leading_break.clear()
            s.extend(trailing_breaks)
            trailing_breaks.clear()
            leading_blank = self.ch() in " \t"
            while not self.is_breakz():
                self.read(s)
                self.cache(1)
            self.cache(2)
            self.read_line(leading_break)
            indent = self.scan_block_scalar_breaks(indent, trailing_breaks, start)
        if chomping != -1:
            s.extend(leading_break)
        if chomping == 1:
            s.extend(trailing_breaks)
        return Token(SCALAR, start, self.mark, value="".join(s), style=LITERAL if literal else FOLDED)

    def scan_block_scalar_breaks(self, indent: int, breaks: list[str], start: Mark) -> int:
        max_indent = 0
        while True:
            self.cache(1)
            while (indent == 0 or self.mark.column < indent) and self.ch() == " ":
                self.skip()
                self.cache(1)
            max_indent = max(max_indent, self.mark.column)
            if (indent == 0 or self.mark.column < indent) and self.ch() == "\t":
                raise self.scanner_error(start, "found a tab character where an indentation space is expected")
            if not self.is_break():
                break
            self.cache(2)
            self.read_line(breaks)
        if indent == 0:
            indent = max(max_indent, self.indent + 1, 1)
        return indent

    def scan_flow_scalar(self, *, single: bool) -> Token:
        start = self.mark
        self.skip()
        s: list[str] = []
        leading_break: list[str] = []
        trailing_breaks: list[str] = []
        whitespaces: list[str] = []
        while True:
            self.cache(4)
            if (self.mark.column == 0 and self.ch() in "-." and self.ch(1) == self.ch() and self.ch(2) == self.ch()
                    and self.is_blankz(3)):
                raise self.scanner_error(start, "found unexpected document indicator")
            if self.ch() == "\0":
                raise self.scanner_error(start, "found unexpected end of stream")
            leading_blanks = False
            while not self.is_blankz():
                c = self.ch()
                if single and c == "'" and self.ch(1) == "'":
                    s.append("'")
                    self.skip()
                    self.skip()
                elif c == ("'" if single else '"'):
                    break
                elif not single and c == "\\" and self.is_break(1):
                    self.cache(3)
                    self.skip()
                    self.skip_line()
                    leading_blanks = True
                    break
                elif not single and c == "\\":
                    s.extend(self._escape(start))
                else:
                    self.read(s)
                self.cache(2)
            if self.ch() == ("'" if single else '"'):
                break
            self.cache(1)
            while self.ch() in " \t" or self.is_break():
                if self.ch() in " \t":
                    if not leading_blanks:
                        self.read(whitespaces)
                    else:
                        self.skip()
                else:
                    self.cache(2)
                    if not leading_blanks:
                        whitespaces.clear()
                        self.read_line(leading_break)
                        leading_blanks = True
                    else:
                        self.read_line(trailing_breaks)
                self.cache(1)
            if leading_blanks:
                if leading_break[:1] == ["\n"]:
                    if not trailing_breaks:
                        s.append(" ")
                    else:
                        s.extend(trailing_breaks)
                else:
                    s.extend(leading_break)
                    s.extend(trailing_breaks)
                trailing_breaks.clear()
                leading_break.clear()
            else:
                s.extend(whitespaces)
                whitespaces.clear()
        self.skip()
        return Token(SCALAR, start, self.mark, value="".join(s), style=SINGLE_QUOTED if single else DOUBLE_QUOTED)

    _ESCAPES: ClassVar[dict[str, str]] = {
        "0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c",
                "r": "\r", "e": "\x1b", " ": " ", '"': '"', "'": "'", "\\": "\\", "N": "\x85", "_": "\xa0",
                "L": "\u2028", "P": "\u2029"}

    def _escape(self, start: Mark) -> str:
        """One escape sequence of a double-quoted scalar (the backslash is the current character)."""
        code = self.ch(1)
        lengths = {"x": 2, "u": 4, "U": 8}
        if code not in self._ESCAPES and code not in lengths:
            raise self.scanner_error(start, "found unknown escape character")
        self.skip()
        self.skip()
        if code in self._ESCAPES:
            return self._ESCAPES[code]
        length = lengths[code]
        self.cache(length)
        value = 0
        for k in range(length):
            if self.ch(k) not in HEX:
                raise self.scanner_error(start, "did not find expected hexdecimal number")
            value = (value << 4) + int(self.ch(k), 16)
        if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
            raise self.scanner_error(start, "found invalid Unicode character escape code")
        for _ in range(length):
            self.skip()
        return chr(value)

    def scan_plain_scalar(self) -> Token:
        s: list[str] = []
        leading_break: list[str] = []
        trailing_breaks: list[str] = []
        whitespaces: list[str] = []
        leading_blanks = False
        indent = self.indent + 1
        start = end = self.mark
        while True:
            self.cache(4)
            if (self.mark.column == 0 and self.ch() in "-." and self.ch(1) == self.ch() and self.ch(2) == self.ch()
                    and self.is_blankz(3)):
                break
            if self.ch() == "#":
                break
            while not self.is_blankz():
                c = self.ch()
                if self.flow_level > 0 and c == ":" and not self.is_blankz(1):
                    raise self.scanner_error(start, "found unexpected ':'")
                if (c == ":" and self.is_blankz(1)) or (self.flow_level > 0 and c in ",:?[]{}"):
                    break
                if leading_blanks or whitespaces:
                    if leading_blanks:
                        if leading_break[0] == "\n":
                            if not trailing_breaks:
                                s.append(" ")
                            else:
                                s.extend(trailing_breaks)
                        else:
                            s.extend(leading_break)
                            s.extend(trailing_breaks)
                        trailing_breaks.clear()
                        leading_break.clear()
                        leading_blanks = False
                    else:
                        s.extend(whitespaces)
                        whitespaces.clear()
                self.read(s)
                end = self.mark
                self.cache(2)
            if not (self.ch() in " \t" or self.is_break()):
                break
            self.cache(1)
            while self.ch() in " \t" or self.is_break():
                if self.ch() in " \t":
                    if leading_blanks and self.mark.column < indent and self.ch() == "\t":
                        raise self.scanner_error(start, "found a tab character that violate indentation")
                    if not leading_blanks:
                        self.read(whitespaces)
                    else:
                        self.skip()
                else:
                    self.cache(2)
                    if not leading_blanks:
                        whitespaces.clear()
                        self.read_line(leading_break)
                        leading_blanks = True
                    else:
                        self.read_line(trailing_breaks)
                self.cache(1)
            if self.flow_level == 0 and self.mark.column < indent:
                break
        if leading_blanks:
            self.simple_key_allowed = True
        return Token(SCALAR, start, end, value="".join(s), style=PLAIN)

    # -- the parser: parserc.go ---------------------------------------------------------------------
    def peek_token(self) -> Token:
        if not self.token_available:
            self.fetch_more_tokens()
        return self.tokens[self.tokens_head]

    def skip_token(self) -> None:
        self.token_available = False
        self.tokens_parsed += 1
        self.stream_end_produced = self.tokens[self.tokens_head].type == STREAM_END
        self.tokens_head += 1

    def parse(self) -> Event | None:
        """yaml_parser_parse: the next event (None after the end)."""
        if self.stream_end_produced or self.state == "end":
            return None
        return getattr(self, "parse_" + self.state)()

    def pop_state(self) -> None:
        self.state = self.states.pop()

    def parse_stream_start(self) -> Event:
        token = self.peek_token()
        self.state = "implicit_document_start"
        self.skip_token()
        return Event(E_STREAM_START, token.start)

    def parse_implicit_document_start(self) -> Event:
        return self.parse_document_start(implicit=True)

    def parse_document_start(self, *, implicit: bool = False) -> Event:
        token = self.peek_token()
        if not implicit:
            while token.type == DOCUMENT_END:
                self.skip_token()
                token = self.peek_token()
        if implicit and token.type not in (VERSION_DIRECTIVE, TAG_DIRECTIVE, DOCUMENT_START, STREAM_END):
            self.process_directives()
            self.states.append("document_end")
            self.state = "block_node"
            return Event(E_DOCUMENT_START, token.start)
        if token.type != STREAM_END:
            start = token.start
            self.process_directives()
            token = self.peek_token()
            if token.type != DOCUMENT_START:
                raise self.parser_error("did not find expected <document start>", token.start)
            self.states.append("document_end")
            self.state = "document_content"
            self.skip_token()
            return Event(E_DOCUMENT_START, start)
        self.state = "end"
        self.skip_token()
        return Event(E_STREAM_END, token.start)

    def parse_document_content(self) -> Event:
        token = self.peek_token()
        if token.type in (VERSION_DIRECTIVE, TAG_DIRECTIVE, DOCUMENT_START, DOCUMENT_END, STREAM_END):
            self.pop_state()
            return self.empty_scalar(token.start)
        return self.parse_node(block=True, indentless_sequence=False)

    def parse_document_end(self) -> Event:
        token = self.peek_token()
        start = token.start
        if token.type == DOCUMENT_END:
            self.skip_token()
        self.tag_directives = []
        self.state = "document_start"
        return Event(E_DOCUMENT_END, start)

    def parse_block_node(self) -> Event:
        return self.parse_node(block=True, indentless_sequence=False)

    def parse_block_node_or_indentless_sequence(self) -> Event:
        return self.parse_node(block=True, indentless_sequence=True)

    def parse_flow_node(self) -> Event:
        return self.parse_node(block=False, indentless_sequence=False)

    def parse_node(self, *, block: bool, indentless_sequence: bool) -> Event:
        token = self.peek_token()
        if token.type == ALIAS:
            self.pop_state()
            self.skip_token()
            return Event(E_ALIAS, token.start, anchor=token.value)
        start = token.start
        anchor: str | None = None
        tag_token = False
        tag_handle = tag_suffix = ""
        tag_mark = Mark()
        if token.type == ANCHOR:
            anchor = token.value
            self.skip_token()
            token = self.peek_token()
            if token.type == TAG:
                tag_token, tag_handle, tag_suffix, tag_mark = True, token.value, token.suffix, token.start
                self.skip_token()
                token = self.peek_token()
        elif token.type == TAG:
            tag_token, tag_handle, tag_suffix, tag_mark = True, token.value, token.suffix, token.start
            self.skip_token()
            token = self.peek_token()
            if token.type == ANCHOR:
                anchor = token.value
                self.skip_token()
                token = self.peek_token()
        tag = ""
        if tag_token:
            if not tag_handle:
                tag = tag_suffix
            else:
                for handle, prefix in self.tag_directives:
                    if handle == tag_handle:
                        tag = prefix + tag_suffix
                        break
                if not tag:
                    raise self.parser_error("found undefined tag handle", tag_mark, start)
        implicit = not tag
        if indentless_sequence and token.type == BLOCK_ENTRY:
            self.state = "indentless_sequence_entry"
            return Event(E_SEQUENCE_START, start, anchor=anchor, tag=tag, implicit=implicit)
        if token.type == SCALAR:
            plain_implicit = (not tag and token.style == PLAIN) or tag == "!"
            self.pop_state()
            self.skip_token()
            return Event(E_SCALAR, start, anchor=anchor, tag=tag, value=token.value, implicit=plain_implicit)
        if token.type in (FLOW_SEQUENCE_START, FLOW_MAPPING_START) or (
                block and token.type in (BLOCK_SEQUENCE_START, BLOCK_MAPPING_START)):
            self.state = {FLOW_SEQUENCE_START: "flow_sequence_first_entry",
                          FLOW_MAPPING_START: "flow_mapping_first_key",
                          BLOCK_SEQUENCE_START: "block_sequence_first_entry",
                          BLOCK_MAPPING_START: "block_mapping_first_key"}[token.type]
            kind = E_SEQUENCE_START if token.type in (FLOW_SEQUENCE_START, BLOCK_SEQUENCE_START) else E_MAPPING_START
            return Event(kind, start, anchor=anchor, tag=tag, implicit=implicit)
        if anchor is not None or tag:
            self.pop_state()
            return Event(E_SCALAR, start, anchor=anchor, tag=tag, implicit=implicit)
        raise self.parser_error("did not find expected node content", token.start, start)

    def parse_block_sequence_first_entry(self) -> Event:
        self.marks.append(self.peek_token().start)
        self.skip_token()
        return self.parse_block_sequence_entry()

    def parse_block_sequence_entry(self) -> Event:
        token = self.peek_token()
        if token.type == BLOCK_ENTRY:
            mark = token.end
            self.skip_token()
            token = self.peek_token()
            if token.type not in (BLOCK_ENTRY, BLOCK_END):
                self.states.append("block_sequence_entry")
                return self.parse_node(block=True, indentless_sequence=False)
            self.state = "block_sequence_entry"
            return self.empty_scalar(mark)
        if token.type == BLOCK_END:
            self.pop_state()
            self.marks.pop()
            self.skip_token()
            return Event(E_SEQUENCE_END, token.start)
        raise self.parser_error("did not find expected '-' indicator", token.start, self.marks.pop())

    def parse_indentless_sequence_entry(self) -> Event:
        token = self.peek_token()
        if token.type == BLOCK_ENTRY:
            mark = token.end
            self.skip_token()
            token = self.peek_token()
            if token.type not in (BLOCK_ENTRY, KEY, VALUE, BLOCK_END):
                self.states.append("indentless_sequence_entry")
                return self.parse_node(block=True, indentless_sequence=False)
            self.state = "indentless_sequence_entry"
            return self.empty_scalar(mark)
        self.pop_state()
        return Event(E_SEQUENCE_END, token.start)

    def parse_block_mapping_first_key(self) -> Event:
        self.marks.append(self.peek_token().start)
        self.skip_token()
        return self.parse_block_mapping_key()

    def parse_block_mapping_key(self) -> Event:
        token = self.peek_token()
        if token.type == KEY:
            mark = token.end
            self.skip_token()
            token = self.peek_token()
            if token.type not in (KEY, VALUE, BLOCK_END):
                self.states.append("block_mapping_value")
                return self.parse_node(block=True, indentless_sequence=True)
            self.state = "block_mapping_value"
            return self.empty_scalar(mark)
        if token.type == BLOCK_END:
            self.pop_state()
            self.marks.pop()
            self.skip_token()
            return Event(E_MAPPING_END, token.start)
        raise self.parser_error("did not find expected key", token.start, self.marks.pop())

    def parse_block_mapping_value(self) -> Event:
        token = self.peek_token()
        if token.type == VALUE:
            mark = token.end
            self.skip_token()
            token = self.peek_token()
            if token.type not in (KEY, VALUE, BLOCK_END):
                self.states.append("block_mapping_key")
                return self.parse_node(block=True, indentless_sequence=True)
            self.state = "block_mapping_key"
            return self.empty_scalar(mark)
        self.state = "block_mapping_key"
        return self.empty_scalar(token.start)

    def parse_flow_sequence_first_entry(self) -> Event:
        self.marks.append(self.peek_token().start)
        self.skip_token()
        return self.parse_flow_sequence_entry(first=True)

    def parse_flow_sequence_entry(self, *, first: bool = False) -> Event:
        token = self.peek_token()
        if token.type != FLOW_SEQUENCE_END:
            if not first:
                if token.type != FLOW_ENTRY:
                    raise self.parser_error("did not find expected ',' or ']'", token.start, self.marks.pop())
                self.skip_token()
                token = self.peek_token()
            if token.type == KEY:
                self.state = "flow_sequence_entry_mapping_key"
                self.skip_token()
                return Event(E_MAPPING_START, token.start, implicit=True)
            if token.type != FLOW_SEQUENCE_END:
                self.states.append("flow_sequence_entry")
                return self.parse_node(block=False, indentless_sequence=False)
        self.pop_state()
        self.marks.pop()
        self.skip_token()
        return Event(E_SEQUENCE_END, token.start)

    def parse_flow_sequence_entry_mapping_key(self) -> Event:
        token = self.peek_token()
        if token.type not in (VALUE, FLOW_ENTRY, FLOW_SEQUENCE_END):
            self.states.append("flow_sequence_entry_mapping_value")
            return self.parse_node(block=False, indentless_sequence=False)
        mark = token.end
        self.skip_token()  # go-yaml skips the token here (libyaml does not)
        self.state = "flow_sequence_entry_mapping_value"
        return self.empty_scalar(mark)

    def parse_flow_sequence_entry_mapping_value(self) -> Event:
        token = self.peek_token()
        if token.type == VALUE:
            self.skip_token()
            inner = self.peek_token()
            if inner.type not in (FLOW_ENTRY, FLOW_SEQUENCE_END):
                self.states.append("flow_sequence_entry_mapping_end")
                return self.parse_node(block=False, indentless_sequence=False)
        self.state = "flow_sequence_entry_mapping_end"
        return self.empty_scalar(token.start)

    def parse_flow_sequence_entry_mapping_end(self) -> Event:
        token = self.peek_token()
        self.state = "flow_sequence_entry"
        return Event(E_MAPPING_END, token.start)

    def parse_flow_mapping_first_key(self) -> Event:
        self.marks.append(self.peek_token().start)
        self.skip_token()
        return self.parse_flow_mapping_key(first=True)

    def parse_flow_mapping_key(self, *, first: bool = False) -> Event:
        token = self.peek_token()
        if token.type != FLOW_MAPPING_END:
            if not first:
                if token.type != FLOW_ENTRY:
                    raise self.parser_error("did not find expected ',' or '}'", token.start, self.marks.pop())
                self.skip_token()
                token = self.peek_token()
            if token.type == KEY:
                self.skip_token()
                token = self.peek_token()
                if token.type not in (VALUE, FLOW_ENTRY, FLOW_MAPPING_END):
                    self.states.append("flow_mapping_value")
                    return self.parse_node(block=False, indentless_sequence=False)
                self.state = "flow_mapping_value"
                return self.empty_scalar(token.start)
            if token.type != FLOW_MAPPING_END:
                self.states.append("flow_mapping_empty_value")
                return self.parse_node(block=False, indentless_sequence=False)
        self.pop_state()
        self.marks.pop()
        self.skip_token()
        return Event(E_MAPPING_END, token.start)

    def parse_flow_mapping_value(self, *, empty: bool = False) -> Event:
        token = self.peek_token()
        if empty:
            self.state = "flow_mapping_key"
            return self.empty_scalar(token.start)
        if token.type == VALUE:
            self.skip_token()
            token = self.peek_token()
            if token.type not in (FLOW_ENTRY, FLOW_MAPPING_END):
                self.states.append("flow_mapping_key")
                return self.parse_node(block=False, indentless_sequence=False)
        self.state = "flow_mapping_key"
        return self.empty_scalar(token.start)

    def parse_flow_mapping_empty_value(self) -> Event:
        return self.parse_flow_mapping_value(empty=True)

    @staticmethod
    def empty_scalar(mark: Mark) -> Event:
        return Event(E_SCALAR, mark, implicit=True)

    def process_directives(self) -> None:
        token = self.peek_token()
        seen_version = False
        while token.type in (VERSION_DIRECTIVE, TAG_DIRECTIVE):
            if token.type == VERSION_DIRECTIVE:
                if seen_version:
                    raise self.parser_error("found duplicate %YAML directive", token.start)
                if token.major != 1 or token.minor != 1:
                    raise self.parser_error("found incompatible YAML document", token.start)
                seen_version = True
            else:
                self.append_tag_directive(token.value, token.prefix, allow_duplicates=False, mark=token.start)
            self.skip_token()
            token = self.peek_token()
        for handle, prefix in (("!", "!"), ("!!", LONG_TAG_PREFIX)):
            self.append_tag_directive(handle, prefix, allow_duplicates=True, mark=token.start)

    def append_tag_directive(self, handle: str, prefix: str, *, allow_duplicates: bool, mark: Mark) -> None:
        for existing, _ in self.tag_directives:
            if existing == handle:
                if allow_duplicates:
                    return
                raise self.parser_error("found duplicate %TAG directive", mark)
        self.tag_directives.append((handle, prefix))


# ---------------------------------------------------------------------------------------------
# the composer and the decoder into interface{}: decode.go, resolve.go
# ---------------------------------------------------------------------------------------------
@dataclass
class Node:
    """go-yaml's node: kind is document/mapping/sequence/scalar/alias."""

    kind: str
    tag: str = ""
    value: str = ""
    implicit: bool = False
    children: list[Node] = field(default_factory=list)
    anchors: dict[str, Node] = field(default_factory=dict)


class GoMap(dict[Any, Any]):  # keys are any resolved YAML scalar
    """A `map[interface{}]interface{}`; keys are wrapped in `Key` so 1, 1.0 and true stay apart."""


@dataclass(frozen=True)
class Key:
    """A map key with its Go type (`int`, `uint64`, `float64`, `bool`, `string`, `nil`)."""

    type: str
    value: Any


@dataclass(frozen=True)
class Uint64:
    """A uint64 scalar (only numbers above MaxInt64 resolve to one)."""

    value: int


@dataclass(frozen=True)
class Bytes:
    """A string that need not be valid UTF-8 (what `!!binary` decodes to)."""

    value: bytes


def _fail(message: str) -> GoYAMLError:
    return GoYAMLError("yaml: " + message)


class _Composer:
    """decode.go's parser: events to nodes, failing like `(*parser).fail`."""

    def __init__(self, data: bytes) -> None:
        self.p = Parser(data or b"\n")
        self.doc: Node | None = None
        self.event: Event | None = None
        self.skip()  # stream start
        self.skip()

    def fail(self) -> GoYAMLError:
        line = self.p.problem_mark.line or self.p.context_mark.line
        where = f"line {line}: " if line else ""
        return _fail(where + (self.p.problem or "unknown problem parsing YAML content"))

    def skip(self) -> None:
        if self.event is not None and self.event.type == E_STREAM_END:
            raise _fail("attempted to go past the end of stream; corrupted value?")
        try:
            event = self.p.parse()
        except _Stop:
            raise self.fail() from None
        self.event = event if event is not None else Event(-1, Mark())

    def parse(self) -> Node | None:
        event = self.event
        assert event is not None
        if event.type == E_SCALAR:
            node = Node("scalar", tag=event.tag, value=event.value, implicit=event.implicit)
            self.anchor(node, event.anchor)
            self.skip()
            return node
        if event.type == E_ALIAS:
            node = Node("alias", value=event.anchor or "")
            self.skip()
            return node
        if event.type in (E_MAPPING_START, E_SEQUENCE_START):
            node = Node("mapping" if event.type == E_MAPPING_START else "sequence")
            self.anchor(node, event.anchor)
            end = E_MAPPING_END if event.type == E_MAPPING_START else E_SEQUENCE_END
            self.skip()
            while self.event is not None and self.event.type != end:
                child = self.parse()
                assert child is not None  # never None inside a collection
                node.children.append(child)
            self.skip()
            return node
        if event.type == E_DOCUMENT_START:
            node = Node("document")
            self.doc = node
            self.skip()
            child = self.parse()
            assert child is not None  # a document always has a node
            node.children.append(child)
            self.skip()  # the document end
            return node
        if event.type == E_STREAM_END:
            return None
        raise GoPanic(f"attempted to parse unknown event: {event.type}")

    def anchor(self, node: Node, anchor: str | None) -> None:
        if anchor is not None and self.doc is not None:
            self.doc.anchors[anchor] = node


_RESOLVE_MAP: dict[str, tuple[str, Any]] = {}
for _value, _tag, _words in [
    (True, BOOL_TAG, ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]),
    (False, BOOL_TAG, ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]),
    (None, NULL_TAG, ["", "~", "null", "Null", "NULL"]),
    (math.nan, FLOAT_TAG, [".nan", ".NaN", ".NAN"]),
    (math.inf, FLOAT_TAG, [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]),
    (-math.inf, FLOAT_TAG, ["-.inf", "-.Inf", "-.INF"]),
    ("<<", MERGE_TAG, ["<<"]),
]:
    for _word in _words:
        _RESOLVE_MAP[_word] = (_tag, _value)


def short_tag(tag: str) -> str:
    return "!!" + tag[len(LONG_TAG_PREFIX):] if tag.startswith(LONG_TAG_PREFIX) else tag


def _hint(text: str) -> str:
    """resolveTable of the first byte."""
    if not text:
        return "N"
    b = text.encode()[0]
    c = chr(b)
    if c in "+-":
        return "S"
    if c.isdigit() and b < 0x80:
        return "D"
    if c in "yYnNtTfFoO~":
        return "M"
    if c == ".":
        return "."
    return ""


def resolve(tag: str, text: str) -> tuple[str, Any]:
    """The tag and value of a scalar; a tag that does not fit the value fails as go-yaml does."""
    if tag not in ("", STR_TAG, BOOL_TAG, INT_TAG, FLOAT_TAG, NULL_TAG):
        return tag, text

    def resolved(rtag: str, out: Any) -> tuple[str, Any]:
        if tag not in ("", rtag, STR_TAG, BINARY_TAG):
            raise _fail(f"cannot decode {short_tag(rtag)} `{text}` as a {short_tag(tag)}")
        return rtag, out

    hint = _hint(text)
    if hint and tag not in (STR_TAG, BINARY_TAG):
        if text in _RESOLVE_MAP:
            return resolved(*_RESOLVE_MAP[text])
        if hint == ".":
            value, err = parse_float(text)
            if err is None:
                return resolved(FLOAT_TAG, value)
        elif hint in "DS":
            plain = text.replace("_", "")
            ivalue, err = parse_int(plain, 0, 64)
            if err is None:
                return resolved(INT_TAG, ivalue)
            uvalue, err = parse_uint(plain, 0, 64)
            if err is None:
                return resolved(INT_TAG, Uint64(uvalue))
            value, err = parse_float(plain)
            if err is None:
                return resolved(FLOAT_TAG, value)
            if plain.startswith("0b"):
                ivalue, err = parse_int(plain[2:], 2, 64)
                if err is None:
                    return resolved(INT_TAG, ivalue)
                uvalue, err = parse_uint(plain[2:], 2, 64)
                if err is None:
                    return resolved(INT_TAG, Uint64(uvalue))
            elif plain.startswith("-0b"):
                ivalue, err = parse_int(plain[3:], 2, 64)
                if err is None:
                    return resolved(INT_TAG, -ivalue)
    return resolved(STR_TAG, text)


class _Decoder:
    """decode.go's decoder, for an `interface{}` target only."""

    def __init__(self, doc: Node) -> None:
        self.doc = doc
        self.aliases: set[str] = set()

    def unmarshal(self, node: Node) -> Any:
        if node.kind == "document":
            return self.unmarshal(node.children[0]) if len(node.children) == 1 else None
        if node.kind == "alias":
            target = self.doc.anchors.get(node.value)
            if target is None:
                raise _fail(f"unknown anchor '{node.value}' referenced")
            if node.value in self.aliases:
                raise _fail(f"anchor '{node.value}' value contains itself")
            self.aliases.add(node.value)
            try:
                return self.unmarshal(target)
            finally:
                self.aliases.discard(node.value)
        if node.kind == "scalar":
            return self.scalar(node)
        if node.kind == "sequence":
            return [self.unmarshal(child) for child in node.children]
        return self.mapping(node)

    @staticmethod
    def scalar(node: Node) -> Any:
        if not node.tag and not node.implicit:
            return node.value
        tag, value = resolve(node.tag, node.value)
        if tag == BINARY_TAG:
            try:
                data = base64.b64decode(value.replace("\r", "").replace("\n", ""), validate=True)
            except (binascii.Error, ValueError):
                raise _fail("!!binary value contains invalid base64 data") from None
            return Bytes(data)
        return value

    def mapping(self, node: Node, out: GoMap | None = None) -> GoMap:
        out = GoMap() if out is None else out
        for key_node, value_node in zip(node.children[::2], node.children[1::2], strict=True):
            if _is_merge(key_node):
                self.merge(value_node, out)
                continue
            key = self.unmarshal(key_node)
            if isinstance(key, (list, GoMap)):
                raise _fail(f"invalid map key: {go_sharp_v(key)}")
            out[_key(key)] = self.unmarshal(value_node)
        return out

    def merge(self, node: Node, out: GoMap) -> None:
        def want_map() -> GoYAMLError:
            return _fail("map merge requires map or sequence of maps as the value")

        if node.kind == "mapping":
            self.mapping(node, out)
        elif node.kind == "alias":
            target = self.doc.anchors.get(node.value)
            if target is not None and target.kind != "mapping":
                raise want_map()
            self._merge_into(node, out)
        elif node.kind == "sequence":
            for child in reversed(node.children):
                if child.kind == "alias":
                    target = self.doc.anchors.get(child.value)
                    if target is not None and target.kind != "mapping":
                        raise want_map()
                elif child.kind != "mapping":
                    raise want_map()
                self._merge_into(child, out)
        else:
            raise want_map()

    def _merge_into(self, node: Node, out: GoMap) -> None:
        """d.unmarshal(n, out) with out the map being built: an alias to a mapping adds its pairs."""
        value = self.unmarshal(node)
        if isinstance(value, GoMap):
            out.update(value)


def _is_merge(node: Node) -> bool:
    return node.kind == "scalar" and node.value == "<<" and (node.implicit or node.tag == MERGE_TAG)


def _key(value: Any) -> Key:
    if value is None:
        return Key("nil", None)
    if isinstance(value, bool):
        return Key("bool", value)
    if isinstance(value, int):
        return Key("int", value)
    if isinstance(value, Uint64):
        return Key("uint64", value.value)
    if isinstance(value, float):
        return Key("float64", value)
    if isinstance(value, Bytes):
        return Key("string", value.value)
    return Key("string", value)


def go_sharp_v(value: Any, *, nested: bool = False) -> str:
    """`%#v` (and `%+#v`) of a decoded YAML value; inside a collection a nil is `interface {}(nil)`."""
    if value is None:
        return "interface {}(nil)" if nested else "<nil>"
    if isinstance(value, Key):
        return go_sharp_v(None if value.type == "nil" else Uint64(value.value) if value.type == "uint64"
                          else Bytes(value.value) if isinstance(value.value, bytes) else value.value, nested=nested)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Uint64):
        return f"0x{value.value:x}"
    if isinstance(value, float):
        return format_float_v(value)
    if isinstance(value, Bytes):
        return quote(value.value.decode("utf-8", "surrogateescape"))
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(go_sharp_v(v, nested=True) for v in value) + "}"
    items = sorted(value.items(), key=lambda kv: _sort_key(kv[0]))
    return "map[interface {}]interface {}{" + ", ".join(
        f"{go_sharp_v(k, nested=True)}:{go_sharp_v(v, nested=True)}" for k, v in items) + "}"


def _sort_key(key: Key) -> tuple[str, Any]:
    value = key.value
    if key.type == "nil":
        value = 0
    return key.type, value


# ---------------------------------------------------------------------------------------------
# ghodss/yaml: keys to strings, then encoding/json
# ---------------------------------------------------------------------------------------------
def _format_float32_g(value: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 32): the float32 nearest `value`, shortest digits."""
    try:
        single = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        single = math.copysign(math.inf, value)
    if math.isinf(single) or math.isnan(single):
        return format_float_v(single)
    for precision in range(1, 10):
        text = f"{single:.{precision - 1}e}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            break
    mantissa, _, exponent = text.partition("e")
    digits = mantissa.replace(".", "").lstrip("-").rstrip("0") or "0"
    return format_float_v(float(("-" if single < 0 else "") + digits[0] + "." + digits[1:] + "e" + exponent))


def _key_string(key: Key, value: Any) -> str | bytes:
    """convertToJSONableObject's key conversion."""
    if key.type == "string":
        return key.value
    if key.type == "int":
        return str(key.value)
    if key.type == "float64":
        text = _format_float32_g(key.value)
        return {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(text, text)
    if key.type == "bool":
        return "true" if key.value else "false"
    go_type = {"nil": "%!s(<nil>)", "uint64": "uint64"}[key.type]
    raise GoYAMLError(f"Unsupported map key of type: {go_type}, key: {go_sharp_v(key)}, value: {go_sharp_v(value)}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, GoMap):
        out: dict[str | bytes, Any] = {}
        for key, item in value.items():
            out[_key_string(key, item)] = _jsonable(item)
        return out
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _go_json_float(value: float) -> str:
    """encoding/json's float64: shortest digits, %f between 1e-6 and 1e21, else %e with `e-7` for `e-07`."""
    if math.isinf(value) or math.isnan(value):
        raise GoYAMLError(f"json: unsupported value: {format_float_v(value)}")
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if value == 0:
        return sign + "0"
    _, digit_tuple, exponent = decimal.Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + int(exponent)  # the decimal point's place after the first digit of `digits`
    if 1e-6 <= abs(value) < 1e21:
        if point <= 0:
            return sign + "0." + "0" * -point + digits
        if point >= len(digits):
            return sign + digits + "0" * (point - len(digits))
        return sign + digits[:point] + "." + digits[point:]
    exp = point - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}".replace("e-0", "e-")


def _go_json_string(text: str | bytes) -> str:
    r"""encoding/json's string: HTML-safe, \u00XX for controls, each byte of invalid UTF-8 as \ufffd."""
    out = ['"']
    for ch in _characters(text):
        if ch is None:
            out.append("\\ufffd")
        elif ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch in "<>&\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _characters(text: str | bytes) -> list[str | None]:
    """The characters of a Go string; None for each byte that is not part of valid UTF-8."""
    if isinstance(text, str):
        return list(text)
    out: list[str | None] = []
    i = 0
    while i < len(text):
        for width in (1, 2, 3, 4):
            try:
                out.append(text[i : i + width].decode("utf-8"))
            except UnicodeDecodeError:
                continue
            i += width
            break
        else:
            out.append(None)
            i += 1
    return out


def go_json(value: Any) -> str:
    """json.Marshal of the converted object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Uint64):
        return str(value.value)
    if isinstance(value, float):
        return _go_json_float(value)
    if isinstance(value, (str, Bytes)):
        return _go_json_string(value.value if isinstance(value, Bytes) else value)
    if isinstance(value, list):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    items = sorted(value.items(), key=lambda kv: kv[0] if isinstance(kv[0], bytes) else kv[0].encode())
    return "{" + ",".join(_go_json_string(k) + ":" + go_json(v) for k, v in items) + "}"


def unmarshal(data: bytes) -> Any:
    """yaml.Unmarshal(data, &interface{}): GoMap, list, str, int, Uint64, float, bool, Bytes or None."""
    composer = _Composer(data)
    node = composer.parse()
    if node is None:
        return None
    return _Decoder(node).unmarshal(node)


def yaml_to_json(data: bytes) -> bytes:
    """ghodss/yaml.YAMLToJSON."""
    return go_json(_jsonable(unmarshal(data))).encode("utf-8")
