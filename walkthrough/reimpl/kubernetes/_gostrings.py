"""Go's `strconv.Quote`, which `%q` and `%#v` print strings with, for the texts Kubernetes' errors carry.

Go 1.19's `unicode.IsPrint` is read as Python's Unicode categories (letters, marks, numbers,
punctuation, symbols, and the ASCII space); the two Unicode versions differ only on characters
assigned after Unicode 13, which Go escapes and this keeps.
"""

from __future__ import annotations

import unicodedata

GO_SPACES = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
"""What `unicode.IsSpace` calls space (`strings.TrimSpace` trims these; Python's `str.strip()` trims more)."""

_ESCAPES = {"\a": r"\a", "\b": r"\b", "\f": r"\f", "\n": r"\n", "\r": r"\r", "\t": r"\t", "\v": r"\v",
            '"': '\\"', "\\": "\\\\"}


def is_print(ch: str) -> bool:
    """`strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space."""
    return ch == " " or unicodedata.category(ch)[0] in "LMNPS"


def quote(s: str) -> str:
    """`strconv.Quote`: double quotes, Go escapes for quotes, backslashes and what is not printable."""
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif is_print(ch):
            out.append(ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif 0xD800 <= code < 0xE000:  # a lone surrogate stands for invalid UTF-8, which Go prints as U+FFFD
            out.append(r"\ufffd")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)
