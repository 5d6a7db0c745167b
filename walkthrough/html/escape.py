"""Text → HTML: escaped, with hidden characters shown as marked `<U+XXXX>` spans (the rule of `walkthrough.text`)."""

from __future__ import annotations

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
