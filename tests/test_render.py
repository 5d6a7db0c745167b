"""The render core without mkdocs: escaping, visible controls, links, elisions, models, diagrams."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from sitefake import EVIL, SiteIndex, card_texts

from walkthrough.book.excerpt import Elided, make_excerpt
from walkthrough.book.pairs import load_python_model
from walkthrough.errors import ModelNotFound
from walkthrough.html.cards import Card, Renderer, build_code_rows
from walkthrough.html.diagrams import FlowStep, flow_svg, parse_flow
from walkthrough.html.escape import escape_visible
from walkthrough.html.highlight import highlight_lines
from walkthrough.html.links import CodeLink, fix_refs, line_start_byte, links_from_uses
from walkthrough.models import Pin

PIN = Pin("fake", "https://github.com/example/fake", "v0.1.0", "ab" * 20)
HOSTILE = ("</code><script>", "<img src=x onerror=alert(1)>", "</script>")


@pytest.fixture(scope="module")
def index() -> SiteIndex:
    return SiteIndex(PIN, {"pkg/evil/evil.go": EVIL.encode()})


def _card(index: SiteIndex, sid: str, **kwargs: object) -> str:
    sym = index.lookup(sid)
    data = index.text(sym.path)
    ex = make_excerpt(sym, data, PIN, **kwargs)  # type: ignore[arg-type]
    start = line_start_byte(data, ex.start_line)
    links = links_from_uses(ex.text, start, index.uses(sym.path, start, start + len(ex.text.encode())))
    return str(Renderer().card(Card(excerpt=ex, anchor="x", links=tuple(links))))


def test_hostile_upstream_text_is_escaped(index: SiteIndex) -> None:
    html = _card(index, "fake:pkg/evil.Render")
    for bad in HOSTILE:
        assert bad not in html
    assert "&lt;/code&gt;&lt;script&gt;" in html
    assert "{{ .Name }}" in html
    assert "{% endraw %}" in html
    assert "javascript:" not in html.split("wt-src", 1)[0]  # no href can come from upstream text
    assert 'href="javascript' not in html


def test_bidi_controls_are_visible_and_round_trip(index: SiteIndex) -> None:
    html = _card(index, "fake:pkg/evil.Render")
    assert '<span class="wt-ctrl" data-cp="202E"' in html
    assert "&lt;U+202E&gt;" in html
    assert "\u202e" not in html
    assert "\u2066" not in html
    assert "\u200b" not in html
    lines = EVIL.split("\n")
    (card,) = card_texts(html)
    for number, text in card["lines"].items():
        assert text == lines[number - 1]


def test_card_header_and_permalink(index: SiteIndex) -> None:
    html = _card(index, "fake:pkg/evil.Helper")
    sym = index.lookup("fake:pkg/evil.Helper")
    first, last = sym.doc_start_line, sym.end_line
    assert "fake:pkg/evil.Helper" in html
    assert ">func<" in html
    assert f"https://github.com/example/fake/blob/{PIN.commit}/pkg/evil/evil.go#L{first}-L{last}" in html
    assert f"pkg/evil/evil.go:{first}-{last}" in html


def test_identifiers_become_symbol_links(index: SiteIndex) -> None:
    html = _card(index, "fake:pkg/evil.Render")
    assert 'href="wt-sym:fake:pkg/evil.Helper"' in html
    assert 'href="wt-sym:fake:pkg/evil.Config.Run"' in html


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120))
def test_highlight_round_trips_any_text(text: str) -> None:
    lines = highlight_lines(text, "go")
    assert len(lines) == text.count("\n") + 1
    html = "".join(f'<span class="wt-line" data-line="{i + 1}"><span class="wt-src">{ln}</span></span>'
                   for i, ln in enumerate(lines))
    page = (
        '<section class="wt-card" data-symbol="s" data-path="p">'
        f'<pre class="wt-code" data-lang="go"><code>{html}</code></pre></section>'
    )
    (card,) = card_texts(page)
    assert [card["lines"][i + 1] for i in range(len(lines))] == text.split("\n")


def test_links_from_uses_map_bytes_to_characters() -> None:
    text = "é := Foo(ü)"
    start = 100

    class U:
        def __init__(self, s: int, e: int, target: str | None) -> None:
            self.start_byte, self.end_byte, self.target = start + s, start + e, target

    foo = len("é := ".encode())
    links = links_from_uses(text, start, [U(foo, foo + 3, "x:p.Foo"), U(0, 2, None), U(-5, 1, "x:p.Out")])
    assert links == [CodeLink(5, 8, "x:p.Foo")]
    assert text[5:8] == "Foo"


def test_rows_mark_elisions_highlights_and_notes() -> None:
    text = "\n".join(f"line{i}" for i in range(10, 20))
    from markupsafe import Markup  # noqa: PLC0415

    from walkthrough.html.cards import CodeNote  # noqa: PLC0415

    rows = build_code_rows(text, 10, shown=((12, 13), (16, 16)), highlight=(13,),
                           notes=(CodeNote(1, 16, Markup("n")),))
    kinds = [(type(r).__name__, getattr(r, "number", None) or (r.first, r.last)) for r in rows]
    assert kinds == [("Elided", (10, 11)), ("CodeLine", 12), ("CodeLine", 13), ("Elided", (14, 15)),
                     ("CodeLine", 16), ("Elided", (17, 19))]
    assert rows[2].highlighted
    assert [n.number for n in rows[4].notes] == [1]
    assert isinstance(rows[0], Elided)
    assert rows[0].count == 2


def test_notes_render_beside_their_line(index: SiteIndex) -> None:
    from walkthrough.book.excerpt import NoteSpec  # noqa: PLC0415

    html = _card(index, "fake:pkg/evil.Helper", notes=(NoteSpec("return s", "Adds <b> text"),))
    line = re.search(r'<span class="wt-line wt-noted" id="x-L(\d+)"', html)
    assert line is not None
    # The marker is on its line, the note right after that line (Material hides `a[id]` inside code: no id).
    after = html[line.start():]
    assert after.index('<a class="wt-note-mark" href="#x-n1"') < after.index('<span class="wt-note" id="x-n1"')
    assert after.index('<span class="wt-note" id="x-n1"') < after.index('class="wt-line"', 10)
    assert '<a class="wt-note-mark" href="#x-n1" id=' not in html
    assert "Adds &lt;b&gt; text" in html  # without rendered note HTML, the note text is escaped


def test_notes_are_numbered_in_line_order(index: SiteIndex) -> None:
    from walkthrough.book.excerpt import NoteSpec  # noqa: PLC0415

    notes = (NoteSpec("return s", "second"), NoteSpec("func Helper", "first"))
    html = _card(index, "fake:pkg/evil.Helper", notes=notes)
    assert html.index(">1</a> first") < html.index(">2</a> second")


def test_stray_markdown_is_found_outside_code_only() -> None:
    from walkthrough.html.escape import stray_markdown  # noqa: PLC0415

    assert stray_markdown("<code>/api</code> + <code>` +</code>v1<code>is</code>/api/v1`") is not None
    assert stray_markdown("a **bold** claim") is not None
    assert stray_markdown("see [the doc](x.md)") is not None
    assert stray_markdown("<code>a ** b `c`</code> and 2 * 3 and snake_case_name") is None


def test_fix_refs_rewrites_and_reports() -> None:
    html = '<a href="wt-sym:a:p.X">X</a> <a href="wt-sym:a:p.Gone">G</a> <a href="wt-page:b.md#f">B</a>'

    def url_for(scheme: str, target: str) -> str | None:
        return {"a:p.X": "../x/#X", "b.md#f": "../b/#f"}.get(target)

    out, missing = fix_refs(html, url_for)
    assert 'href="../x/#X"' in out
    assert 'href="../b/#f"' in out
    assert missing == ["wt-sym:a:p.Gone"]
    assert "wt-sym:" not in out


def test_escape_visible_marks_controls() -> None:
    assert str(escape_visible("a\u202eb<")) == (
        'a<span class="wt-ctrl" data-cp="202E" title="RIGHT-TO-LEFT OVERRIDE">&lt;U+202E&gt;</span>b&lt;'
    )


def test_flow_diagram_is_escaped_svg_with_page_links() -> None:
    steps = parse_flow("# comment\nAuth | a.md#x | who <are> you\nStore | - | etcd\n")
    assert steps == [FlowStep("Auth", "a.md#x", "who <are> you"), FlowStep("Store", None, "etcd")]
    svg = str(flow_svg(steps))
    assert svg.startswith('<figure class="wt-diagram wt-flow"><svg')
    assert "who &lt;are&gt; you" in svg
    assert 'href="wt-page:a.md#x"' in svg
    assert svg.count("<a ") == 1


def test_python_model_is_read_without_importing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "wt_model_probe.py").write_text(
        'raise RuntimeError("imported")\n\n\nclass Box:\n    @staticmethod\n    def open(x):\n        return x\n',
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    model = load_python_model("wt_model_probe:Box.open", tmp_path)
    assert (model.start_line, model.end_line, model.path) == (5, 7, "wt_model_probe.py")
    assert model.source.startswith("    @staticmethod")
    assert model.run_command == "python -m wt_model_probe"
    with pytest.raises(ModelNotFound):
        load_python_model("wt_model_probe:Box.close", tmp_path)
    with pytest.raises(ModelNotFound):
        load_python_model("no_such_module_xyz:f", tmp_path)


def test_card_with_model_folds_it_under_the_go_with_its_run_command(
    index: SiteIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "wt_model_two.py").write_text("def f():\n    return '<script>'\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sym = index.lookup("fake:pkg/evil.Helper")
    ex = make_excerpt(sym, index.text(sym.path), PIN)
    model = load_python_model("wt_model_two:f", tmp_path)
    html = str(Renderer().card(Card(excerpt=ex, anchor="h", model=model, model_url="wt-page:m.md#L1")))
    assert '<details class="wt-model" id="h-py">' in html  # Go first; the model one click away
    assert html.index('class="wt-go"') < html.index('class="wt-model"')
    assert "wt-has-model" in html
    assert "python -m wt_model_two" in html
    assert 'href="wt-page:m.md#L1"' in html
    assert "<script>" not in html



def test_a_class_model_shows_only_what_mirrors_the_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = (
        "from walkthrough.reimpl import mirrors\n"
        "@mirrors('x:p.T')\n"
        "class T:\n"
        "    a: int = 0\n"
        "    def __init__(self):\n"
        "        self.a = 1\n"
        "    @mirrors('x:p.T.Run')\n"
        "    def run(self):\n"
        "        return 1\n"
        "    def other(self):\n"
        "        return 2\n"
    )
    (tmp_path / "wt_model_class.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    method = load_python_model("wt_model_class:T", tmp_path, go_symbol="x:p.T.Run")
    assert method.source.splitlines()[1].strip() == "def run(self):"
    head = load_python_model("wt_model_class:T", tmp_path, go_symbol="x:p.T")
    assert head.source.splitlines()[-1].strip() == "self.a = 1"  # fields and constructor, no methods
    assert head.left_out == ("run", "other")
    assert head.total_lines == 10


def test_package_qualifiers_link_to_their_package() -> None:
    from walkthrough.html.links import qualifier_links  # noqa: PLC0415

    text = "x := api.Pod{}\nv := apierrors.NewNotFound(r, n)\ng.Pod = 1"
    links = [CodeLink(9, 12, "k:pkg/api.Pod"), CodeLink(30, 41, "k:pkg/api/errors.NewNotFound"),
             CodeLink(50, 53, "k:pkg/x.G.Pod")]
    packages = {"k:pkg/api.Pod": "k:pkg/api", "k:pkg/api/errors.NewNotFound": "k:pkg/api/errors"}
    found = qualifier_links(text, links, packages.get)
    assert [(text[q.start:q.end], q.target) for q in found] == [("api", "k:pkg/api"), ("apierrors", "k:pkg/api/errors")]
