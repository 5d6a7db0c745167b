"""Fakes for the chapter, check and drift tests: a tiny index over our own Go snippets, and a provider.

The fake index finds top-level funcs, methods and types by their first line (column 0) and ends them
at the next `}` in column 0 (or on the same line for one-liners), with the `//` lines right above as
the doc comment: enough for the small Go files these tests write, and independent of the real index.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from walkthrough.errors import SourcesMissing, SymbolError
from walkthrough.models import Pin, Symbol, SymbolKind
from walkthrough.sources.pins import git_blob_id

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

_DECL = re.compile(
    r"^(?:func (?:\((?:\w+ )?\*?(?P<recv>\w+)\) )?(?P<func>\w+)\(|type (?P<type>\w+) (?P<what>struct|interface)?)"
)


def fake_pin(name: str = "fake", tag: str = "v1.0.0") -> Pin:
    return Pin(name, "https://github.com/example/fake", tag, "0" * 40)


class FakeIndex:
    """`lookup`, `text`, `pin` and `search` over `{path: Go source}`."""

    def __init__(self, files: Mapping[str, str], pin: Pin | None = None) -> None:
        self.pin = pin or fake_pin()
        self.files = {p: t.encode() for p, t in files.items()}
        self.symbols: dict[str, Symbol] = {}
        for path, data in self.files.items():
            for sym in fake_symbols(self.pin.name, path, data):
                self.symbols[sym.id] = sym

    def lookup(self, symbol_id: str) -> Symbol:
        if symbol_id in self.symbols:
            return self.symbols[symbol_id]
        tail = [s for s in self.symbols if s.endswith("." + symbol_id)]
        if len(tail) == 1:
            return self.symbols[tail[0]]

        near = tuple(tail) or tuple(difflib.get_close_matches(symbol_id, list(self.symbols), n=3, cutoff=0.6))
        raise SymbolError(f"unknown symbol {symbol_id!r}", candidates=near)

    def text(self, path: str) -> bytes:
        return self.files[path]

    def search(self, pattern: str) -> list[Symbol]:
        return [s for s in self.symbols.values() if s.name == pattern]


def fake_symbols(upstream: str, path: str, data: bytes) -> list[Symbol]:
    """Declarations of a small Go file found by regex: enough for fakes, no tree-sitter."""
    lines = data.decode().split("\n")
    pkgdir = path.rsplit("/", 1)[0] if "/" in path else "."
    package = next((ln.split()[1] for ln in lines if ln.startswith("package ")), "main")
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln.encode()) + 1)
    out = []
    for i, line in enumerate(lines):
        m = _DECL.match(line)
        if not m:
            continue
        end = i if line.rstrip().endswith("}") or "{" not in line else next(
            j for j in range(i + 1, len(lines)) if lines[j].startswith("}"))
        doc = i
        while doc > 0 and lines[doc - 1].startswith("//"):
            doc -= 1
        recv, name = m.group("recv"), m.group("func") or m.group("type")
        qualname = f"{recv}.{name}" if recv else name
        if m.group("func"):
            kind = SymbolKind.METHOD if recv else SymbolKind.FUNC
        else:
            kinds = {"struct": SymbolKind.STRUCT, "interface": SymbolKind.INTERFACE}
            kind = kinds.get(m.group("what"), SymbolKind.TYPE)
        out.append(Symbol(
            id=f"{upstream}:{pkgdir}.{qualname}", upstream=upstream, path=path, pkgdir=pkgdir, package=package,
            name=name, qualname=qualname, kind=kind, start_line=i + 1, end_line=end + 1, start_byte=offsets[i],
            end_byte=offsets[end] + len(lines[end].encode()), doc_start_line=doc + 1, doc_start_byte=offsets[doc],
            receiver=recv, doc="\n".join(ln[2:].strip() for ln in lines[doc:i]),
        ))
    return out


class FakeProvider:
    """A `walkthrough.check.Provider` over fake indexes: `releases[(upstream, ref)]`; ref None is the pin."""

    def __init__(self, releases: Mapping[tuple[str, str | None], FakeIndex], *, lock: Mapping[str, str] | None = None,
                 old_blobs: Mapping[str, bytes] | None = None) -> None:
        self.releases = dict(releases)
        self.lock = dict(lock) if lock is not None else None
        self.old_blobs = dict(old_blobs or {})

    def index(self, upstream: str, ref: str | None = None) -> FakeIndex:
        try:
            return self.releases[(upstream, ref)]
        except KeyError:
            raise SourcesMissing(f"{upstream}@{ref or 'pinned'} is not in the cache",
                                 hint="run `walkthrough sources import`") from None

    def locked_blob(self, upstream: str, path: str) -> str | None:
        if self.lock is not None:
            return self.lock.get(path)
        files = self.releases[(upstream, None)].files
        return git_blob_id(files[path]) if path in files else None

    def blob_text(self, upstream: str, path: str, blob: str) -> bytes | None:
        return self.old_blobs.get(blob)


def write_project(root: Path, chapters: Mapping[str, str]) -> Path:
    """A project dir with `chapters/` and `snapshots/` holding these chapters."""
    (root / "chapters").mkdir(parents=True, exist_ok=True)
    (root / "snapshots").mkdir(exist_ok=True)
    for name, text in chapters.items():
        (root / "chapters" / name).write_text(text, encoding="utf-8")
    return root


GO_AUTH = """\
package auth

import "strings"

// Request is what every authenticator looks at.
type Request struct {
	Header string
}

// Chain tries each authenticator in turn.
// The first success wins.
func Chain(items []string, req Request) (string, bool) {
	for _, item := range items {
		if strings.HasPrefix(req.Header, item) {
			return item, true
		}
	}
	// nobody matched
	return "", false
}

func helper() int { return 1 }

type Adder struct {
	Groups []string
}

// Add appends the groups.
func (a *Adder) Add(user string) []string {
	out := []string{user}
	out = append(out, a.Groups...)
	return out
}
"""
