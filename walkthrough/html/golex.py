"""The one Go lexer of the tool: tokens classed as Pygments' Go lexer classes them, for the site and the terminal.

The site colours Go with Material's code theme, which styles Pygments' short token classes (`k`, `kd`,
`nf`, `s`, `c1` ...); the terminal colours a few of the same classes. Both read this module, so code
looks alike everywhere and one table says what a keyword is. The rules are those of Pygments
2.20's `GoLexer` (pygments/lexers/go.py, BSD), written again as one regular expression with a group
per rule, in its order: tests compare the tokens with Pygments 2.20's on the pinned trees' Go files.
Owning them keeps the site's colours (and its bytes) the same whatever Pygments is installed: 2.21
changed its Go rules (`map` and `chan` became types).
It imports nothing but `re`, so `explain` pays for no Pygments import.

`tokens` classes every character (the site's cards); `coloured` yields only the tokens that get a
colour of their own (comments, strings, numbers, keywords, builtins), in a third of the time, for the
terminal: it matches whole words and looks them up in the same tables, and skips everything else.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

_BUILTIN_TYPES = (
    "uint uint8 uint16 uint32 uint64 int int8 int16 int32 int64 float float32 float64 complex64 complex128 "
    "byte rune string bool error uintptr any comparable"
)
_BUILTIN_FUNCS = "print println panic recover close complex real imag len cap append copy delete new make min max clear"
_WORDS = {
    "kn": "import package",
    "kd": "var func struct map chan type interface const",
    "k": "break default select case defer go else goto switch fallthrough if range continue for return",
    "kc": "true false iota nil",
}
"""Keywords by the class they get: namespace, declaration, other, constant."""


def _any_word(words: str) -> str:
    return "(?:" + "|".join(words.split()) + r")\b"


# (class, pattern), in the order Pygments tries its rules: the first that matches at a position wins.
_RULES: tuple[tuple[str, str], ...] = (
    ("w", r"\s+"),
    ("esc", r"\\\n"),  # a line continuation: the backslash is text, the newline whitespace
    ("c1", r"//[^\n]*"),
    ("cm", r"/(?:\\\n)?[*](?:.|\n)*?[*](?:\\\n)?/"),
    ("kn", _any_word(_WORDS["kn"])),
    ("kd", _any_word(_WORDS["kd"])),
    ("k", _any_word(_WORDS["k"])),
    ("kc", _any_word(_WORDS["kc"])),
    ("nbcall", _any_word(_BUILTIN_TYPES + " " + _BUILTIN_FUNCS) + r"\("),
    ("kt", _any_word(_BUILTIN_TYPES)),
    ("m", r"\d+i|\d+\.\d*(?:[Ee][-+]\d+)?i|\.\d+(?:[Ee][-+]\d+)?i|\d+[Ee][-+]\d+i"),
    ("mf", r"\d+(?:\.\d+[eE][+\-]?\d+|\.\d*|[eE][+\-]?\d+)|\.\d+(?:[eE][+\-]?\d+)?"),
    ("mo", r"0[0-7]+"),
    ("mh", r"0[xX][0-9a-fA-F]+"),
    ("mi", r"0|[1-9][0-9]*"),
    ("sc", r"""'(?:\\['"\\abfnrtv]|\\x[0-9a-fA-F]{2}|\\[0-7]{1,3}|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|[^\\])'"""),
    ("s", r'`[^`]*`|"(?:\\\\|\\[^\\]|[^"\\])*"'),
    ("o", r"<<=|>>=|<<|>>|<=|>=|&\^=|&\^|\+=|-=|\*=|/=|%=|&=|\|=|&&|\|\||<-|\+\+|--|==|!=|:=|\.\.\.|[+\-*/%&]|~|\|"),
    ("p", r"[|^<>=!()\[\]{}.,;:]"),
    ("nx", r"[^\W\d]\w*"),
)


_WORD_CLASS: dict[str, str] = {
    **dict.fromkeys(_BUILTIN_TYPES.split(), "kt"),
    **{word: cls for cls, words in _WORDS.items() for word in words.split()},
}
"""The class of a whole word, as the rules above class it (a builtin before `(` is `nb` instead)."""
_CALLABLE = frozenset((_BUILTIN_TYPES + " " + _BUILTIN_FUNCS).split())
_RULE = dict(_RULES)


@cache
def _coloured_pattern() -> re.Pattern[str]:
    """Comments, strings, numbers and words, in the rules' order (words before numbers: `x1` is a name)."""
    groups = {
        "skip": r"\.\.\.",  # the one operator a number could otherwise start inside (`...1`)
        "c": f"{_RULE['c1']}|{_RULE['cm']}",
        "s": f"{_RULE['sc']}|{_RULE['s']}",
        "word": _RULE["nx"],
        "num": "|".join(_RULE[cls] for cls in ("m", "mf", "mo", "mh", "mi")),
    }
    # Every group starts with one of these characters; asserting it first lets the scan pass the other
    # characters (spaces, operators) without trying each group there: half the time, the same matches.
    starts = r"""(?=[\w.'"`/])"""
    tokens = "|".join(f"(?P<{name}>{pattern})" for name, pattern in groups.items())
    return re.compile(f"{starts}(?:{tokens})", re.MULTILINE)


def coloured(code: str) -> Iterator[tuple[int, str, str]]:
    """(offset, class, text) of the tokens of `code` that a colour scheme styles; plain text is skipped."""
    words = _WORD_CLASS
    for m in _coloured_pattern().finditer(code):
        kind, text = m.lastgroup, m.group()
        if kind == "skip":
            continue
        if kind == "word":
            cls = words.get(text)
            if text in _CALLABLE and code.startswith("(", m.end()):
                cls = "nb"
            if cls is None:
                continue
        elif kind == "c":
            cls = "c1" if text.startswith("//") else "cm"
        elif kind == "s":
            cls = "sc" if text.startswith("'") else "s"
        else:
            cls = "mi"
        yield m.start(), cls, text


@cache
def _pattern() -> re.Pattern[str]:
    """All rules as one alternation, each a named group (compiled on the first use)."""
    return re.compile("|".join(f"(?P<{cls}>{pattern})" for cls, pattern in _RULES), re.MULTILINE)


def tokens(code: str) -> Iterator[tuple[int, str, str]]:
    """(offset, class, text) of every token of `code`, covering it whole, as Pygments' Go lexer yields them.

    A character no rule matches is an error token (`err`), one character long, as in Pygments.
    """
    pattern = _pattern()
    pos, end = 0, len(code)
    while pos < end:
        m = pattern.match(code, pos)
        if m is None:
            yield pos, "err", code[pos]
            pos += 1
            continue
        cls, text = m.lastgroup or "err", m.group()
        if cls == "nbcall":  # a builtin called: the name, then its parenthesis
            yield pos, "nb", text[:-1]
            yield pos + len(text) - 1, "p", "("
        elif cls == "esc":
            yield pos, "", "\\"
            yield pos + 1, "w", "\n"
        else:
            yield pos, cls, text
        pos = m.end()
