"""Text → HTML: escaped, with hidden characters shown as marked `<U+XXXX>` spans (the rule of `walkthrough.text`)."""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup, escape

from walkthrough.text import has_hidden, is_hidden


def control_marker(ch: str) -> Markup:
    """The visible stand-in for a hidden character; `data-cp` lets a round trip map it back."""
    cp = f"{ord(ch):04X}"
    name = unicodedata.name(ch, "control character")
    return Markup('<span class="wt-ctrl" data-cp="{cp}" title="{name}">&lt;U+{cp}&gt;</span>').format(
        cp=cp, name=name
    )


def escape_visible(text: str) -> Markup:
    """`text` escaped for HTML with hidden characters shown as markers (for upstream text outside code)."""
    if not has_hidden(text):  # the common, fast case
        return escape(text)
    out: list[str] = []
    run_start = 0
    for i, ch in enumerate(text):
        if is_hidden(ch):
            out.append(str(escape(text[run_start:i])))
            out.append(str(control_marker(ch)))
            run_start = i + 1
    out.append(str(escape(text[run_start:])))
    return Markup("".join(out))


_CODE = re.compile(r"<code[^>]*>.*?</code>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_STRAY = re.compile(r"`|\*\*|__|\]\(|\[\[|(?<![\w*])\*(?=\w)")
"""Markdown syntax that survived rendering: a backtick, `**`, `__`, `](`, `[[`, or a `*` opening emphasis."""


def stray_markdown(html: str) -> str | None:
    """The first piece of Markdown syntax left in rendered HTML (outside code), else None.

    A note like ``/api` + `` + `v1``` renders with raw backticks: Markdown read the empty code span
    as the opening of a longer one. Such text would reach readers as it was typed.
    """
    text = _TAG.sub("", _CODE.sub("", html))
    match = _STRAY.search(text)
    if match is None:
        return None
    start = max(0, match.start() - 30)
    return text[start : match.end() + 30].strip()
