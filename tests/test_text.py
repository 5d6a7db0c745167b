"""The one hidden-character rule: the terminal and the HTML mark exactly the same characters."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from walkthrough.html.escape import escape_visible
from walkthrough.text import is_hidden, visible

CATEGORIES = ("Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cn", "Mn", "Lo")


def code_points(category: str) -> list[str]:
    """Every code point of a category (private use and unassigned: the BMP only, they are vast)."""
    top = 0x10000 if category in ("Co", "Cn") else sys.maxunicode + 1
    return [chr(cp) for cp in range(top) if unicodedata.category(chr(cp)) == category and not 0xD800 <= cp < 0xE000]


@pytest.mark.parametrize("category", CATEGORIES)
def test_terminal_and_html_mark_the_same_characters(category: str) -> None:
    for ch in code_points(category):
        text = f"a{ch}b"
        in_terminal = visible(text) != text
        in_html = 'class="wt-ctrl"' in str(escape_visible(text))
        assert in_terminal == in_html == is_hidden(ch), f"U+{ord(ch):04X} {category}"


@pytest.mark.parametrize("ch", ["\u00a0", "\u3000", "\u202e", "\u200b", "\x1b", "\u2028", "\ufeff"])
def test_look_alike_and_invisible_characters_are_shown(ch: str) -> None:
    marker = f"<U+{ord(ch):04X}>"
    assert visible(ch) == marker
    assert marker.replace("<", "&lt;").replace(">", "&gt;") in str(escape_visible(ch))


@pytest.mark.parametrize("ch", ["\t", "\n", " ", "é", "世", "\u0301"])
def test_ordinary_text_is_left_alone(ch: str) -> None:
    assert not is_hidden(ch)
    assert visible(f"x{ch}") == f"x{ch}"
