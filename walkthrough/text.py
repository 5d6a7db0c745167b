"""The one rule for characters a reader cannot see: control, format (bidi, zero-width), separators, unassigned.

Upstream text reaches readers in a terminal (`explain`, `check`, build logs) and in HTML (the site).
Both show the same characters as visible markers, so a Trojan Source line (RELIABILITY.md) or an escape
sequence hidden in a comment reads the same everywhere: `<U+202E>` in the terminal, a marked
`<U+202E>` span in HTML. The rule is Python's `str.isprintable`, tab and newline excepted: it is false
for categories Cc, Cf, Cs, Co, Cn, Zl, Zp and for every space separator but U+0020 (a no-break space
looks like a space but is another character, so it is shown too).
"""

from __future__ import annotations

KEPT = frozenset("\n\t")
"""Whitespace that is shown as itself: code is made of it."""


def is_hidden(ch: str) -> bool:
    """True for a character a reader could not see, or that could reorder or hide what they see."""
    return ch not in KEPT and not ch.isprintable()


def has_hidden(text: str) -> bool:
    """True when `text` holds a hidden character (C speed for the usual text that holds none)."""
    return not text.replace("\n", "").replace("\t", "").isprintable()


def marker(ch: str) -> str:
    """The plain-text stand-in for a hidden character: `<U+202E>`."""
    return f"<U+{ord(ch):04X}>"


def visible(text: str) -> str:
    """`text` with every hidden character replaced by its `<U+XXXX>` marker (terminal, logs, JSON-free output)."""
    if not has_hidden(text):
        return text
    return "".join(marker(ch) if is_hidden(ch) else ch for ch in text)
