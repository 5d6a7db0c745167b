"""A hostile fake upstream and a small site built over it, for the render, plugin and site tests.

The Go files are ours: their comments and strings hold HTML, template syntax, snippet syntax,
`javascript:` links and bidi controls, so that any unescaped byte shows up in the built site.
`SiteIndex` is a regex index over them with the interface the site uses (`lookup`, `get`, `text`,
`uses`, `referenced_by`, `pin`); `build_site` writes a project with chapters and runs mkdocs in-process.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from chapter_fakes import fake_symbols

from walkthrough.errors import SymbolError
from walkthrough.models import Pin, Symbol, Use

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

EVIL = """\
// Package evil holds hostile text: </code><script>alert(1)</script> {{7*7}} {% raw %}
// --8<-- "secrets.txt"
package evil

// Render is [click](javascript:alert(1)) <img src=x onerror=alert(1)> &amp; {{7*7}} {{ .Name }} {% raw %}
// Bidi: \u202eevil\u202c and isolate \u2066x\u2069, zero width \u200b here.
func Render(s string) string {
	t := "</code><script>alert('x')</script>" // {% endraw %} {#
	u := "\u202e} ;return\u2066"
	c := NewConfig()
	c.Run()
	return Helper(t + u + s)
}

// Helper escapes nothing: <b>bold</b> & 'quotes' "double".
// --8<-- "secrets.txt"
func Helper(s string) string {
	return s + "&lt;&#x3C;"
}

// Config is configuration.
type Config struct {
	Name string
}

// NewConfig makes a Config.
func NewConfig() *Config {
	return &Config{Name: "<script>"}
}

// Run runs.
func (c *Config) Run() error {
	return nil
}
"""

FILES = {"pkg/evil/evil.go": EVIL}



class SiteIndex:
    """Funcs, methods and types found by their first line; uses are same-package names of symbols."""

    def __init__(self, pin: Pin, files: Mapping[str, bytes]) -> None:
        self.pin = pin
        self.files = dict(files)
        self.symbols: dict[str, Symbol] = {}
        for path, data in self.files.items():
            for sym in fake_symbols(pin.name, path, data):
                self.symbols[sym.id] = sym

    def lookup(self, symbol_id: str) -> Symbol:
        if symbol_id not in self.symbols:
            raise SymbolError(f"unknown symbol {symbol_id!r}", candidates=())
        return self.symbols[symbol_id]

    def get(self, symbol_id: str) -> Symbol | None:
        return self.symbols.get(symbol_id)

    def text(self, path: str) -> bytes:
        return self.files[path]

    def uses(self, path: str, start_byte: int, end_byte: int) -> list[Use]:
        data = self.files[path]
        pkgdir = path.rsplit("/", 1)[0]
        by_name = {s.qualname: s.id for s in self.symbols.values() if s.pkgdir == pkgdir and not s.receiver}
        methods = {s.name: s.id for s in self.symbols.values() if s.pkgdir == pkgdir and s.receiver}
        out = []
        for m in re.finditer(rb"(\.)?\b([A-Z]\w*)\b", data[start_byte:end_byte]):
            name = m.group(2).decode()
            target = methods.get(name) if m.group(1) else by_name.get(name)
            s = start_byte + m.start(2)
            line = data[:s].count(b"\n") + 1
            if self._is_declaration(path, line, name):
                continue
            out.append(Use(path, line, s, start_byte + m.end(2), name, target))
        return out

    def _is_declaration(self, path: str, line: int, name: str) -> bool:
        return any(s.path == path and s.start_line == line and s.name == name for s in self.symbols.values())

    def referenced_by(self, symbol_id: str) -> list[Symbol]:
        found = []
        for sym in self.symbols.values():
            uses = self.uses(sym.path, sym.start_byte, sym.end_byte)
            if any(u.target == symbol_id for u in uses) and sym.id != symbol_id:
                found.append(sym)
        return found




MODEL = '''\
"""A model of the fake evil package (for site tests)."""

from walkthrough.reimpl import mirrors


@mirrors("fake:pkg/evil.Render")
def render(s: str) -> str:
    """Return s unchanged: the model escapes nothing either. <script>alert(1)</script>"""
    return s


if __name__ == "__main__":
    print(render("hi"))
'''

CHAPTER_ONE = """\
# The evil chapter

Prose before the first excerpt, with a [link to the second chapter](second.md) and to
[its excerpt](second.md#helper).

/// excerpt | fake:pkg/evil.Render
id: render
focus:
  - from: "func Render("
    to: "u := "
  - from: "c.Run()"
    to: "return Helper"
highlight: ["t := "]
notes:
  - at: "return Helper"
    text: Calls `Helper`, which the [second chapter](second.md) quotes.
python: wtfake_model:render
---
A caption with **bold** words.
///

More prose.

/// excerpt | fake:pkg/evil.Config
///
"""

CHAPTER_TWO = """\
# The second chapter

/// excerpt | fake:pkg/evil.Helper
id: helper
///

```flow
Authentication | index.md | who are you?
Authorization | second.md#helper | may you?
Storage | - | etcd
```
"""

INDEX = "# Home\n\nSee [the evil chapter](evil.md).\n"

MKDOCS_YML = """\
site_name: Fake walkthrough
docs_dir: chapters
site_dir: site
validation:
  links:
    anchors: warn
theme:
  name: material
  font: false
plugins:
  - search
  - walkthrough
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: flow
          class: wt-flow
          format: !!python/name:walkthrough.html.diagrams.flow_fence
"""


def write_site(root: Path, chapters: Mapping[str, str] | None = None) -> Path:
    """A project at `root`: mkdocs.yml, chapters and a Python model module on `root/py` (returned)."""
    (root / "chapters").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    for name, text in (chapters or {"index.md": INDEX, "evil.md": CHAPTER_ONE, "second.md": CHAPTER_TWO}).items():
        (root / "chapters" / name).write_text(text, encoding="utf-8")
    py = root / "py"
    py.mkdir(exist_ok=True)
    (py / "wtfake_model.py").write_text(MODEL, encoding="utf-8")
    return py


def build(root: Path, *, strict: bool = True, site_dir: Path | None = None) -> Path:
    """Run mkdocs build in-process for the project at `root`; return the site dir."""
    from mkdocs.commands.build import build as mkdocs_build  # noqa: PLC0415
    from mkdocs.config import load_config  # noqa: PLC0415

    site = site_dir or root / "site"
    config = load_config(str(root / "mkdocs.yml"), strict=strict, site_dir=str(site))
    mkdocs_build(config)
    return site


def use_fake_index(monkeypatch: Any, index: SiteIndex) -> None:
    """Make the plugin read `index` for its upstream instead of the persisted one."""
    from walkthrough.mkdocs_plugin import WalkthroughPlugin  # noqa: PLC0415

    def factory(project: Path) -> Any:
        def index_for(name: str) -> SiteIndex:
            if name != index.pin.name:
                raise SymbolError(f"unknown upstream {name}")
            return index

        return index_for

    monkeypatch.setattr(WalkthroughPlugin, "index_factory", staticmethod(factory))


def add_path(monkeypatch: Any, path: Path) -> None:
    monkeypatch.syspath_prepend(str(path))
    sys.modules.pop("wtfake_model", None)


class _CodeText(HTMLParser):
    """Text of each code line on a page: inside `.wt-src`, `.wt-ctrl` markers mapped back to their character."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cards: list[dict[str, Any]] = []
        self._stack: list[str] = []
        self._pre_lang: str | None = None
        self._line: int | None = None
        self._src_depth: int | None = None
        self._ctrl = False
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        self._stack.append(tag)
        if "wt-card" in classes and tag == "section":
            self.cards.append({"symbol": a.get("data-symbol"), "path": a.get("data-path"),
                               "start": int(a.get("data-start") or 0), "end": int(a.get("data-end") or 0),
                               "lines": {}, "id": a.get("id")})
        elif tag == "pre" and "wt-code" in classes:
            self._pre_lang = a.get("data-lang")
        elif "wt-line" in classes and self._pre_lang == "go":
            self._line = int(a["data-line"] or 0)
        elif "wt-src" in classes and self._line is not None:
            self._src_depth = len(self._stack)
            self._buf = []
        elif "wt-ctrl" in classes and self._src_depth is not None:
            self._buf.append(chr(int(a["data-cp"] or "0", 16)))
            self._ctrl = True

    def handle_endtag(self, tag: str) -> None:
        if self._src_depth is not None and len(self._stack) == self._src_depth:
            self.cards[-1]["lines"][self._line] = "".join(self._buf)
            self._src_depth = None
            self._line = None
        elif tag == "pre":
            self._pre_lang = None
        if self._ctrl and tag == "span":
            self._ctrl = False
        if self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._src_depth is not None and not self._ctrl:
            self._buf.append(data)


def card_texts(page_html: str) -> list[dict[str, Any]]:
    """Each Go excerpt card of a page: symbol, path, span and `{line: text}` of the lines it shows."""
    parser = _CodeText()
    parser.feed(page_html)
    parser.close()
    return [c for c in parser.cards if c["symbol"]]


def check_round_trip(page_html: str, file_bytes: Callable[[str, str], bytes]) -> int:
    """Assert every shown line of every card equals the upstream line; return how many lines were checked."""
    checked = 0
    for card in card_texts(page_html):
        upstream = card["symbol"].partition(":")[0]
        lines = file_bytes(upstream, card["path"]).decode("utf-8").split("\n")
        assert card["lines"], f"card {card['id']} shows no lines"
        for number, text in card["lines"].items():
            assert text == lines[number - 1], f"{card['id']} line {number}: {text!r} != {lines[number - 1]!r}"
            checked += 1
        if set(card["lines"]) == set(range(card["start"], card["end"] + 1)):
            whole = "\n".join(card["lines"][n] for n in range(card["start"], card["end"] + 1))
            assert whole == "\n".join(lines[card["start"] - 1 : card["end"]])
    return checked
