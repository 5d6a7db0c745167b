"""`snapshots/runs.json`: what every chapter's `/// run` block printed when it was last recorded.

A run prints text of ours (a model's demo, golden vectors), never upstream code, so unlike an excerpt's
fingerprint the record keeps the output itself, one line per list item: `check` can then show a unified
diff of what changed, and a reviewer reads the change in the snapshot's own diff. The sha256 of the output
guards the record against hand edits that forget one of the two.

The file is JSON, pretty-printed with sorted keys, records sorted by (chapter, anchor id): a regenerated
file differs from the old one only where a run's output or command did.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from walkthrough.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

FILE_NAME = "runs.json"
FORMAT = 1


def output_sha256(output: str) -> str:
    """The digest a record keeps of an output (its UTF-8 bytes)."""
    return hashlib.sha256(output.encode("utf-8", errors="surrogateescape")).hexdigest()


@dataclass(frozen=True)
class RunRecord:
    """The recorded output of one run block: which chapter and anchor, the command, and what it printed."""

    chapter: str
    line: int
    """Where the block sits (for readers of the file; not compared, so prose edits above it do not fail check)."""
    anchor_id: str
    command: str
    output: str

    @property
    def key(self) -> tuple[str, str]:
        """How a record is matched with its block: chapter file and anchor id."""
        return (self.chapter, self.anchor_id)

    @property
    def sha256(self) -> str:
        """The digest of the output."""
        return output_sha256(self.output)

    def to_json(self) -> dict[str, Any]:
        """The snapshot file's form of this record."""
        return {"chapter": self.chapter, "line": self.line, "anchor_id": self.anchor_id, "command": self.command,
                "sha256": self.sha256, "output": self.output.split("\n")}

    @classmethod
    def from_json(cls, data: dict[str, Any], *, source: str) -> RunRecord:
        """Read back what `to_json` wrote; a digest that does not match the output is an error."""
        record = cls(chapter=data["chapter"], line=int(data["line"]), anchor_id=data["anchor_id"],
                     command=data["command"], output="\n".join(data["output"]))
        if record.sha256 != data["sha256"]:
            msg = f"{source}: the output recorded for {record.chapter} `{record.anchor_id}` does not match its sha256"
            raise InputError(msg, hint=_HINT)
        return record


_HINT = "regenerate it with `walkthrough snapshot update` (and review the diff)"


def records_path(snapshots: Path) -> Path:
    """Where the run records of `snapshots/` live."""
    return snapshots / FILE_NAME


def dumps(records: list[RunRecord]) -> str:
    """The file text: stable order, sorted keys, two-space indent, trailing newline."""
    ordered = sorted(records, key=lambda r: r.key)
    data = {"format": FORMAT, "runs": [r.to_json() for r in ordered]}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def loads(text: str, *, source: str = FILE_NAME) -> list[RunRecord]:
    """Parse the file; anything malformed is an InputError that says to regenerate it."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            msg = f"{source}: not a format-{FORMAT} run record file"
            raise InputError(msg, hint=_HINT)
        return [RunRecord.from_json(item, source=source) for item in data["runs"]]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        msg = f"{source}: malformed run records ({type(exc).__name__}: {exc})"
        raise InputError(msg, hint=_HINT) from None


def load(snapshots: Path) -> list[RunRecord] | None:
    """The recorded runs, or None when the file does not exist yet."""
    path = records_path(snapshots)
    if not path.is_file():
        return None
    return loads(path.read_text(encoding="utf-8"), source=str(path))


def save(snapshots: Path, records: list[RunRecord]) -> Path:
    """Write the file atomically (temp + rename): a crash never leaves half a snapshot."""
    path = records_path(snapshots)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(records), encoding="utf-8")
    tmp.replace(path)
    return path
