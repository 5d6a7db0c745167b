"""Diagrams as inline SVG, generated at build time from data in the chapter: no JavaScript, no CDN."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from walkthrough.html.links import PAGE_SCHEME

if TYPE_CHECKING:
    from collections.abc import Sequence

@dataclass(frozen=True)
class FlowStep:
    """One box of a flow diagram: label, an optional link (`chapter.md#frag`) and a subtitle."""

    label: str
    link: str | None
    detail: str


def parse_flow(source: str) -> list[FlowStep]:
    """Lines `Label | chapter.md#frag | detail` (link and detail optional; `-` for no link)."""
    steps = []
    for raw in source.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        label = parts[0]
        link = parts[1] if len(parts) > 1 and parts[1] not in ("", "-") else None
        detail = parts[2] if len(parts) > 2 else ""  # noqa: PLR2004 - the optional third field
        steps.append(FlowStep(label, link, detail))
    return steps


def flow_svg(steps: Sequence[FlowStep], title: str = "") -> Markup:
    """An accessible SVG of `steps` top to bottom, boxes linked via `wt-page:` hrefs."""
    box_w, box_h, gap, pad = 520, 64, 36, 16
    width = box_w + 2 * pad
    height = pad * 2 + len(steps) * box_h + max(len(steps) - 1, 0) * gap
    parts: list[str] = []
    for i, step in enumerate(steps):
        y = pad + i * (box_h + gap)
        box = Markup(
            '<rect class="wt-flow-box" x="{x}" y="{y}" width="{w}" height="{h}" rx="10"/>'
            '<text class="wt-flow-label" x="{cx}" y="{ty}" text-anchor="middle">{label}</text>'
            '<text class="wt-flow-detail" x="{cx}" y="{dy}" text-anchor="middle">{detail}</text>'
        ).format(
            x=pad, y=y, w=box_w, h=box_h, cx=pad + box_w // 2, ty=y + 27, dy=y + 49, label=step.label,
            detail=step.detail,
        )
        if step.link:
            box = Markup('<a class="wt-flow-link" href="{}{}">{}</a>').format(PAGE_SCHEME, step.link, box)
        parts.append(str(box))
        if i + 1 < len(steps):
            x = pad + box_w // 2
            y1, y2 = y + box_h, y + box_h + gap
            parts.append(
                f'<line class="wt-flow-arrow" x1="{x}" y1="{y1 + 2}" x2="{x}" y2="{y2 - 8}"/>'
                f'<path class="wt-flow-head" d="M{x - 6},{y2 - 10} L{x + 6},{y2 - 10} L{x},{y2 - 2} Z"/>'
            )
    label = title or " → ".join(s.label for s in steps)
    return Markup(
        '<figure class="wt-flow"><svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {w} {h}" '
        'width="{w}" aria-label="{label}"><title>{label}</title>{body}</svg></figure>'
    ).format(w=width, h=height, label=label, body=Markup("".join(parts)))


def flow_fence(source: str, language: str, css_class: str, options: Any, md: Any, **kwargs: Any) -> str:  # noqa: ARG001 - superfences' formatter signature
    """pymdownx.superfences custom fence formatter: ```` ```flow ```` blocks → inline SVG."""
    return str(flow_svg(parse_flow(source)))
