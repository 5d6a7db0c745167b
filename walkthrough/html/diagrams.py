"""Diagrams as inline SVG, laid out at build time from data in the chapter: no JavaScript, no CDN, no layout engine.

Two shapes cover the pictures the chapters need, so they are drawn here rather than by a general graph layout
(graphviz, grandalf, mermaid): their layouts are fixed by their shape, every box keeps a legible size at a
phone's width (the drawing is 480 units wide, so at 420 px the text still measures about 12 px), colours come
from the theme's variables (light and dark), and each box is a link resolved like every other link of the site.

- `flow`: steps top to bottom joined by arrows, each with optional side boxes to the right (an exit such as
  "401 Unauthorized", or a note), an optional label on the arrow below it and an optional arrow back up to an
  earlier step (a retry loop). With `arrows: false` the steps touch: a stack (image layers).
- `nest`: boxes inside boxes (a handler wrapping a handler; a union holding its members), children stacked.

The chapter writes YAML in a ```` ```diagram ```` fence::

    type: flow
    title: What a request meets on the secure port
    steps:
      - label: WithAuthentication
        detail: pkg/auth/handlers
        link: kubernetes:pkg/auth/handlers.WithAuthentication   # a symbol id, `#card-anchor` or `page.md#frag`
        exit: {label: 401 Unauthorized, link: "#authn-unauthorized"}
        edge: user in the context
      - label: WithAuthorization
        back: 1                      # an arrow from this step back up to step 1
        back_label: retry

Links stay page-independent (`wt-sym:`/`wt-page:`) and are resolved per page by `fix_refs`, so a box whose
target is gone fails `build --strict` like any other link.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from walkthrough.errors import InputError
from walkthrough.html.links import PAGE_SCHEME, SYM_SCHEME

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

WIDTH = 480
"""Width of every drawing, in SVG units (shown at up to 1.2 times that, shrunk to fit narrower screens)."""
LABEL = 15.0
"""Font size of a box's label (sans, bold); a character is taken as 0.6 of it, which over-estimates most."""
DETAIL = 12.0
"""Font size of a box's detail line (monospace: a character is 0.6 of it, exactly)."""
PAD = 8


@dataclass(frozen=True)
class Box:
    """One box: its label, an optional monospace detail, a link (`wt-sym:` or `wt-page:` href) and nested boxes."""

    label: str
    detail: str = ""
    link: str | None = None
    children: tuple[Box, ...] = ()
    tone: str = ""
    """`exit` (a refusal: 401, 403), `note` (a side remark), or plain."""


@dataclass(frozen=True)
class Step:
    """A step of a flow: its box, side boxes, the label of the arrow below it and an optional loop back."""

    box: Box
    sides: tuple[Box, ...] = ()
    edge: str = ""
    back: int | None = None
    """1-based index of an earlier step an arrow goes back to."""
    back_label: str = ""


@dataclass(frozen=True)
class Diagram:
    """A parsed `diagram` fence."""

    kind: str
    title: str
    steps: tuple[Step, ...] = ()
    root: Box | None = None
    arrows: bool = True
    links: tuple[str, ...] = field(default=())
    """Every link target as written (for checks)."""
    caption: bool = True
    """Show the title under the drawing (else it is only the drawing's accessible name)."""


def parse_diagram(data: Any, link: Callable[[str], str]) -> Diagram:
    """A diagram from the fence's YAML (already loaded); `link` turns a target as written into an href.

    Raises:
        InputError: the data does not have the shape above (the message says which part).
    """
    if not isinstance(data, dict):
        raise InputError("a diagram is a YAML mapping with `type` and `steps` (flow) or `box` (nest)")
    kind = data.get("type")
    title = str(data.get("title") or "")
    written: list[str] = []

    def box(raw: Any, where: str, tone: str = "") -> Box:
        if isinstance(raw, str):
            raw = {"label": raw}
        if not isinstance(raw, dict) or not isinstance(raw.get("label"), str | int | float):
            raise InputError(f"diagram {where}: a box needs a `label`")
        unknown = set(raw) - {"label", "detail", "link", "children", "exit", "note", "edge", "back", "back_label",
                              "tone"}
        if unknown:
            raise InputError(f"diagram {where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        target = raw.get("link")
        if target is not None:
            written.append(str(target))
        children = raw.get("children") or []
        if not isinstance(children, list):
            raise InputError(f"diagram {where}: `children` is a list of boxes")
        return Box(
            label=str(raw["label"]), detail=str(raw.get("detail") or ""),
            link=link(str(target)) if target is not None else None,
            children=tuple(box(c, f"{where} > {i + 1}") for i, c in enumerate(children)),
            tone=str(raw.get("tone") or tone),
        )

    if kind == "flow":
        raw_steps = data.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            raise InputError("a flow diagram needs `steps`: a list of boxes")
        steps = []
        for i, written_step in enumerate(raw_steps):
            where = f"step {i + 1}"
            b = box(written_step, where)
            raw = written_step if isinstance(written_step, dict) else {}
            sides = []
            for key, tone in (("exit", "exit"), ("note", "note")):
                given = raw.get(key)
                for j, side in enumerate(given if isinstance(given, list) else [given]):
                    if side is not None:
                        sides.append(box(side, f"{where} {key} {j + 1}", tone))
            back = raw.get("back")
            if back is not None and not (isinstance(back, int) and 1 <= back <= i):
                raise InputError(f"diagram {where}: `back` is the number of an earlier step (1 to {i})")
            steps.append(Step(b, tuple(sides), str(raw.get("edge") or ""), back, str(raw.get("back_label") or "")))
        return Diagram("flow", title, tuple(steps), arrows=data.get("arrows", True) is not False,
                       links=tuple(written))
    if kind == "nest":
        return Diagram("nest", title, root=box(data.get("box"), "box"), links=tuple(written))
    raise InputError(f"unknown diagram type {kind!r}: use `flow` or `nest`")


def link_href(target: str, page: str) -> str:
    """A link as a chapter writes it → a page-independent href: a symbol id, `#anchor` or `page.md#anchor`."""
    if target.startswith("#"):
        return f"{PAGE_SCHEME}{page}{target}"
    if ".md" in target.partition("#")[0] and ":" not in target:
        return f"{PAGE_SCHEME}{target}"
    return f"{SYM_SCHEME}{target}"


# -- layout and drawing -------------------------------------------------------------------------------------------


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of `text` that fit `width` units at font `size` (0.6 of the size per character)."""
    columns = max(4, int(width / (size * 0.6)))
    return textwrap.wrap(text, columns, break_long_words=True, break_on_hyphens=False) or [""]


def _detail_lines(text: str, width: float) -> list[str]:
    """A monospace detail: wrapped at `/` and `.` where it is too long (paths and symbol ids)."""
    columns = max(4, int(width / (DETAIL * 0.6)))
    out: list[str] = []
    for line in text.split("\n"):
        rest = line
        while len(rest) > columns:
            cut = max(rest.rfind("/", 0, columns), rest.rfind(".", 0, columns), rest.rfind(" ", 0, columns))
            cut = cut + 1 if cut > columns // 3 else columns
            out.append(rest[:cut])
            rest = rest[cut:]
        out.append(rest)
    return out


class _Canvas:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def text_block(self, box: Box, x: float, y: float, width: float, *, center: bool) -> float:
        """Label and detail lines of `box` from `y`; returns the height used."""
        anchor = "middle" if center else "start"
        tx = x + width / 2 if center else x
        h = 0.0
        for line in _wrap(box.label, width, LABEL):
            h += LABEL * 1.25
            self.add(str(Markup('<text class="wt-dg-label" x="{}" y="{}" text-anchor="{}">{}</text>').format(
                _n(tx), _n(y + h - 4), anchor, line)))
        if box.detail:
            for line in _detail_lines(box.detail, width):
                h += DETAIL * 1.3
                self.add(str(Markup('<text class="wt-dg-detail" x="{}" y="{}" text-anchor="{}">{}</text>').format(
                    _n(tx), _n(y + h - 3), anchor, line)))
        return h

    def linked(self, box: Box, body: list[str]) -> None:
        inner = "".join(body)
        tone = f" wt-dg-{box.tone}" if box.tone else ""
        if box.link:
            self.add(str(Markup('<a class="wt-dg-link{}" href="{}"><title>{}</title>{}</a>').format(
                tone, box.link, box.label, Markup(inner))))
        else:
            self.add(f'<g class="wt-dg-box{tone}">{inner}</g>')


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _box_height(box: Box, width: float) -> float:
    lines = len(_wrap(box.label, width - 2 * PAD, LABEL)) * LABEL * 1.25
    if box.detail:
        lines += len(_detail_lines(box.detail, width - 2 * PAD)) * DETAIL * 1.3
    return lines + 2 * PAD + 2


def _draw_box(canvas: _Canvas, box: Box, x: float, y: float, w: float, h: float, *, center: bool = True) -> None:
    sub = _Canvas()
    sub.add(f'<rect class="wt-dg-rect" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="6"/>')
    sub.text_block(box, x + PAD, y + PAD, w - 2 * PAD, center=center)
    canvas.linked(box, sub.parts)


def _arrow(x1: float, y1: float, x2: float, y2: float, cls: str = "wt-dg-arrow") -> str:
    return f'<path class="{cls}" d="M{_n(x1)},{_n(y1)} L{_n(x2)},{_n(y2)}" marker-end="url(#wt-dg-head)"/>'


def _flow(d: Diagram) -> tuple[list[str], float]:
    has_sides = any(s.sides for s in d.steps)
    has_back = any(s.back for s in d.steps)
    left = 28.0 if has_back else 4.0
    main_w = (WIDTH - left - 4) * ((0.58 if d.arrows else 0.4) if has_sides else 1.0)
    side_x = left + main_w + (34 if d.arrows else 22)
    side_w = WIDTH - 4 - side_x
    gap = 34.0 if d.arrows else 0.0
    canvas = _Canvas()
    tops: list[tuple[float, float]] = []
    y = 4.0
    for step in d.steps:
        h = _box_height(step.box, main_w)
        side_heights = [_box_height(s, side_w) for s in step.sides]
        row = max([h, sum(side_heights) + 6 * (len(side_heights) - 1)] if side_heights else [h])
        edge_h = len(_wrap(step.edge, main_w / 2 - 10, DETAIL)) * DETAIL * 1.2 if step.edge else 0
        if not d.arrows:  # a stack: each layer as tall as its row, touching the next
            h = row
        tops.append((y, h))
        _draw_box(canvas, step.box, left, y, main_w, h)
        sy = y
        for side, sh in zip(step.sides, side_heights, strict=True):
            _draw_box(canvas, side, side_x, sy, side_w, sh, center=False)
            canvas.add(_arrow(left + main_w, min(y + h / 2, sy + sh / 2), side_x - 3, min(y + h / 2, sy + sh / 2),
                              "wt-dg-arrow wt-dg-side"))
            sy += sh + 6
        y += row + max(gap, edge_h + 14 if d.arrows and step.edge else gap)
    for i, step in enumerate(d.steps[:-1]):
        top, h = tops[i]
        nxt = tops[i + 1][0]
        cx = left + main_w / 2
        if d.arrows:
            canvas.add(_arrow(cx, top + h, cx, nxt - 3))
        if step.edge:
            ey = top + h + 4
            for line in _wrap(step.edge, main_w / 2 - 10, DETAIL):
                ey += DETAIL * 1.2
                canvas.add(str(Markup('<text class="wt-dg-edge" x="{}" y="{}">{}</text>').format(
                    _n(cx + 8), _n(ey - 2), line)))
    for i, step in enumerate(d.steps):
        if step.back:
            top, h = tops[i]
            to_top, to_h = tops[step.back - 1]
            y1, y2 = top + h / 2, to_top + to_h / 2
            canvas.add(f'<path class="wt-dg-arrow wt-dg-back" d="M{_n(left)},{_n(y1)} L{_n(left - 18)},{_n(y1)} '
                       f'L{_n(left - 18)},{_n(y2)} L{_n(left - 3)},{_n(y2)}" marker-end="url(#wt-dg-head)"/>')
            if step.back_label:
                canvas.add(str(Markup(
                    '<text class="wt-dg-edge" transform="translate({},{}) rotate(-90)" text-anchor="middle">{}</text>'
                ).format(_n(left - 22), _n((y1 + y2) / 2), step.back_label)))
    return canvas.parts, y - gap + 4


def _nest(box: Box, x: float, y: float, w: float, canvas: _Canvas) -> float:
    """Draw `box` with its children inside; return its height."""
    head = _Canvas()
    text_h = head.text_block(box, x + PAD, y + PAD - 2, w - 2 * PAD, center=not box.children)
    inner_y = y + PAD + text_h + (4 if box.children else PAD - 2)
    body = _Canvas()
    for child in box.children:
        inner_y += _nest(child, x + 12, inner_y, w - 24, body) + 8
    h = max(inner_y - y + (4 if box.children else 0), 0)
    rect = (f'<rect class="wt-dg-rect{" wt-dg-outer" if box.children else ""}" x="{_n(x)}" y="{_n(y)}" '
            f'width="{_n(w)}" height="{_n(h)}" rx="6"/>')
    canvas.linked(box, [rect, *head.parts])
    canvas.parts.extend(body.parts)
    return h


def diagram_svg(d: Diagram) -> Markup:
    """The figure: an SVG scaled to the column (never wider than 1.2 times its size), boxes as links."""
    if d.kind == "flow":
        parts, height = _flow(d)
    else:
        canvas = _Canvas()
        assert d.root is not None  # noqa: S101 - parse_diagram gives a nest its root
        height = _nest(d.root, 4, 4, WIDTH - 8, canvas) + 8
        parts = canvas.parts
    defs = ('<defs><marker id="wt-dg-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path class="wt-dg-head" d="M0,0 L10,5 L0,10 z"/></marker></defs>')
    title = d.title or "diagram"
    return Markup(
        '<figure class="wt-diagram"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
        'style="width: {dw}px" aria-label="{t}"><title>{t}</title>{defs}{body}</svg>'
        '{caption}</figure>'
    ).format(w=WIDTH, h=_n(height), dw=int(WIDTH * 1.2), t=title, defs=Markup(defs), body=Markup("".join(parts)),
             caption=Markup("<figcaption>{}</figcaption>").format(d.title) if d.title and d.caption else "")


# -- the old `flow` fence (home page): a vertical chain, kept as a one-line-per-step shorthand ------------------


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
    """`steps` top to bottom, boxes linked via `wt-page:` hrefs (the shorthand of `diagram_svg`'s flow)."""
    d = Diagram("flow", title or " → ".join(s.label for s in steps), tuple(
        Step(Box(s.label, s.detail, f"{PAGE_SCHEME}{s.link}" if s.link else None)) for s in steps), caption=False)
    return Markup(str(diagram_svg(d)).replace('<figure class="wt-diagram">', '<figure class="wt-diagram wt-flow">', 1))


def flow_fence(source: str, language: str, css_class: str, options: Any, md: Any, **kwargs: Any) -> str:  # noqa: ARG001 - superfences' formatter signature
    """pymdownx.superfences custom fence formatter: ```` ```flow ```` blocks → inline SVG."""
    return str(flow_svg(parse_flow(source)))


