"""`snapshots/excerpts.json`: one fingerprint per chapter excerpt, facts only (never upstream text).

A fingerprint pins what a reader sees: which file at which blob, which lines, the sha256 of the exact
excerpt text, the focus ranges, the line each note and highlight resolved to, and the Python pair.
`check` re-derives all of it and compares; `snapshot update` rewrites the file after a deliberate change.

The file is JSON, pretty-printed with sorted keys, excerpts sorted by (chapter, anchor id), so that a
regenerated file differs from the old one only where an excerpt did, and diffs review well.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from walkthrough.book.excerpt import text_sha256
from walkthrough.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

    from walkthrough.models import Excerpt

FILE_NAME = "excerpts.json"
FORMAT = 1

COMPARED = ("upstream", "tag", "symbol", "path", "start_line", "end_line", "blob", "sha256", "shown", "highlight",
            "notes", "python")
"""Fields whose change `check` reports. `line` (where the directive sits in the chapter) is kept for
readers of the file but not compared: editing prose above an excerpt must not fail the check."""


@dataclass(frozen=True)
class Fingerprint:
    """The recorded facts of one excerpt, as stored in `snapshots/excerpts.json`."""

    chapter: str
    line: int
    anchor_id: str
    upstream: str
    tag: str
    path: str
    symbol: str
    start_line: int
    end_line: int
    blob: str
    sha256: str
    shown: tuple[tuple[int, int], ...] = ()
    highlight: tuple[int, ...] = ()
    notes: tuple[tuple[str, int], ...] = ()
    """(anchor, resolved upstream line) of each note, in the chapter's order."""
    python: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """How a fingerprint is matched with its directive: chapter file and anchor id."""
        return (self.chapter, self.anchor_id)

    @classmethod
    def of(cls, excerpt: Excerpt, chapter: str, line: int) -> Fingerprint:
        """The fingerprint of a freshly derived excerpt of `chapter` (directive at `line`)."""
        return cls(
            chapter=chapter, line=line, anchor_id=excerpt.anchor_id, upstream=excerpt.pin.name, tag=excerpt.pin.tag,
            path=excerpt.symbol.path, symbol=excerpt.symbol.id, start_line=excerpt.start_line,
            end_line=excerpt.end_line, blob=excerpt.blob, sha256=text_sha256(excerpt.text), shown=excerpt.shown,
            highlight=excerpt.highlight, notes=tuple((n.anchor, n.line) for n in excerpt.notes), python=excerpt.python,
        )

    def to_json(self) -> dict[str, Any]:
        """The snapshot file's form of this fingerprint."""
        return {
            "chapter": self.chapter, "line": self.line, "anchor_id": self.anchor_id, "upstream": self.upstream,
            "tag": self.tag, "path": self.path, "symbol": self.symbol, "start_line": self.start_line,
            "end_line": self.end_line, "blob": self.blob, "sha256": self.sha256,
            "shown": [list(r) for r in self.shown], "highlight": list(self.highlight),
            "notes": [{"anchor": a, "line": n} for a, n in self.notes], "python": self.python,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fingerprint:
        """Read back what `to_json` wrote."""
        return cls(
            chapter=data["chapter"], line=int(data["line"]), anchor_id=data["anchor_id"], upstream=data["upstream"],
            tag=data["tag"], path=data["path"], symbol=data["symbol"], start_line=int(data["start_line"]),
            end_line=int(data["end_line"]), blob=data["blob"], sha256=data["sha256"],
            shown=tuple((int(a), int(b)) for a, b in data.get("shown", ())),
            highlight=tuple(int(n) for n in data.get("highlight", ())),
            notes=tuple((n["anchor"], int(n["line"])) for n in data.get("notes", ())), python=data.get("python"),
        )

    def differences(self, other: Fingerprint) -> list[str]:
        """Names of the compared fields whose values differ between `self` (recorded) and `other` (now)."""
        return [name for name in COMPARED if getattr(self, name) != getattr(other, name)]


def fingerprints_path(snapshots: Path) -> Path:
    """Where the fingerprints of `snapshots/` live."""
    return snapshots / FILE_NAME


def dumps(fingerprints: list[Fingerprint]) -> str:
    """The file text: stable order, sorted keys, two-space indent, trailing newline."""
    ordered = sorted(fingerprints, key=lambda f: f.key)
    data = {"format": FORMAT, "excerpts": [f.to_json() for f in ordered]}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def loads(text: str, *, source: str = FILE_NAME) -> list[Fingerprint]:
    """Parse the file; anything malformed is an InputError that says to regenerate it."""
    hint = "regenerate it with `walkthrough snapshot update` (and review the diff)"
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            msg = f"{source}: not a format-{FORMAT} excerpt fingerprint file"
            raise InputError(msg, hint=hint)
        return [Fingerprint.from_json(item) for item in data["excerpts"]]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        msg = f"{source}: malformed excerpt fingerprints ({type(exc).__name__}: {exc})"
        raise InputError(msg, hint=hint) from None


def load(snapshots: Path) -> list[Fingerprint] | None:
    """The recorded fingerprints, or None when the file does not exist yet."""
    path = fingerprints_path(snapshots)
    if not path.is_file():
        return None
    return loads(path.read_text(encoding="utf-8"), source=str(path))


def save(snapshots: Path, fingerprints: list[Fingerprint]) -> Path:
    """Write the file atomically (temp + rename): a crash never leaves half a snapshot."""
    path = fingerprints_path(snapshots)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(fingerprints), encoding="utf-8")
    tmp.replace(path)
    return path
