"""The symbol id grammar of DESIGN.md, short forms for people, and near-miss suggestions.

Full id:   UPSTREAM[@TAG]:PKGDIR.Qualname[@file.go[#N]]
Package:   UPSTREAM[@TAG]:PKGDIR   (kubernetes:pkg/apiserver)
           kubernetes:pkg/apiserver.APIInstaller.registerResourceHandlers
           docker:image.RootFS.ChainID@rootfs_unix.go
           kubernetes@v1.6.0:pkg/api.Pod
           docker:daemon/graphdriver/devmapper.init@deviceset.go#2

PKGDIR is the package directory relative to the upstream root (it may contain dots:
`vendor/src/gopkg.in/yaml.v2`), Qualname is `Name` or `Type.Member`. Because directories may hold
dots, splitting PKGDIR from Qualname needs the index: `splits` lists the possible readings.
`@file.go` picks one of several same-named declarations of a package (build-tagged variants, the
`func init` of each file). Go allows several `func init` in one file: the first keeps the plain
`init@file.go`, the Nth (N >= 2, counted in file order) is `init@file.go#N`.

Short forms (`APIInstaller`, `apiserver.APIInstaller`, `(*APIInstaller).Install`,
`pkg/apiserver.APIInstaller`) are read by `parse_query`; the index matches them. Pure: no IO.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING, NamedTuple

from walkthrough.errors import SymbolError

if TYPE_CHECKING:
    from collections.abc import Iterable

_IDENT = r"[^\W\d]\w*"
_IDENT_RE = re.compile(rf"{_IDENT}\Z")
_UPSTREAM_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
_TAG_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*\Z")
_FILE_RE = re.compile(r"[A-Za-z0-9_.+-]+\.go\Z")
_ORDINAL_RE = re.compile(r"[1-9][0-9]*\Z")
_PKGDIR_RE = re.compile(r"[A-Za-z0-9_.~+-]+(?:/[A-Za-z0-9_.~+-]+)*\Z")
_METHOD_EXPR_RE = re.compile(rf"\(\s*\*?\s*({_IDENT})\s*\)\.({_IDENT})\Z")
MAX_ID_LENGTH = 500
_FIRST_PRINTABLE = 0x20  # below: ASCII control characters


class Query(NamedTuple):
    """A parsed id or short form. `upstream` and `tag` are None when not given.

    `body` is what follows `UPSTREAM:` (or the whole short form), with `(*T).M` normalised to
    `T.M`, the `@file.go` suffix moved to `file` and its `#N` to `ordinal` (None when absent).
    """

    text: str
    upstream: str | None
    tag: str | None
    body: str
    file: str | None
    ordinal: int | None = None

    @property
    def is_full(self) -> bool:
        """Written as `UPSTREAM:...`: matched against ids, never guessed."""
        return self.upstream is not None


def format_id(
    upstream: str,
    pkgdir: str,
    qualname: str,
    *,
    file: str | None = None,
    tag: str | None = None,
    ordinal: int | None = None,
) -> str:
    """The full id `kubernetes:pkg/apiserver.APIInstaller` (+ `@file.go`, `#N`, `UPSTREAM@TAG:`).

    `ordinal` N >= 2 numbers the Nth `func init` of `file`; `tag` is given for later releases.
    """
    head = f"{upstream}@{tag}" if tag else upstream
    body = f"{pkgdir}.{qualname}" if pkgdir else qualname
    if ordinal is not None:
        if file is None or ordinal < 2:  # noqa: PLR2004 - the first init of a file has no #N
            msg = f"#{ordinal} needs a file and N >= 2"
            raise ValueError(msg)
        return f"{head}:{body}@{file}#{ordinal}"
    return f"{head}:{body}@{file}" if file else f"{head}:{body}"


def _malformed(text: str, why: str) -> SymbolError:
    return SymbolError(
        f"malformed symbol id {text!r}: {why}",
        hint="write UPSTREAM:PKGDIR.Name (kubernetes:pkg/apiserver.APIInstaller) or a short form "
        "(APIInstaller, apiserver.APIInstaller, (*APIInstaller).Install)",
    )


def parse_query(text: str) -> Query:
    """Read a full id or a short form; malformed input is a SymbolError saying why."""
    raw = text
    if not isinstance(text, str) or not text.strip():
        raise _malformed(str(raw), "it is empty")
    text = text.strip()
    if len(text) > MAX_ID_LENGTH:
        raise _malformed(text[:40] + "...", f"longer than {MAX_ID_LENGTH} characters")
    if any(
        ord(c) < _FIRST_PRINTABLE
        or c.isspace()
        or c in "\x7f\u200b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        for c in text
    ):
        raise _malformed(text, "it contains spaces or control characters")
    upstream = tag = None
    if ":" in text:
        head, _, text = text.partition(":")
        upstream, at, tag_part = head.partition("@")
        if at and not tag_part:
            raise _malformed(raw, "'@' without a tag before ':'")
        tag = tag_part or None
        if not _UPSTREAM_RE.match(upstream):
            raise _malformed(raw, f"bad upstream name {upstream!r}")
        if tag is not None and not _TAG_RE.match(tag):
            raise _malformed(raw, f"bad tag {tag!r}")
        if ":" in text:
            raise _malformed(raw, "more than one ':'")
    text, file, ordinal = _file_suffix(raw, text)
    method_expr = _METHOD_EXPR_RE.search(text)
    if method_expr:
        prefix = text[: method_expr.start()]
        if prefix and not prefix.endswith("."):
            raise _malformed(raw, "a method expression must follow a package: pkg.(*T).M")
        text = f"{prefix}{method_expr.group(1)}.{method_expr.group(2)}"
    if not text or (not splits(text) and not _IDENT_RE.match(text) and not _is_pkgdir(text)):
        raise _malformed(raw, "expected PKGDIR.Name, Name or a package directory PKGDIR")
    return Query(raw.strip(), upstream, tag, text, file, ordinal)


def id_ordinal(symbol_id: str) -> int | None:
    """Read the `#N` of a full id (`...init@file.go#2` → 2); None when it has none."""
    _, hash_, number = symbol_id.rpartition("#")
    return int(number) if hash_ else None


def _file_suffix(raw: str, text: str) -> tuple[str, str | None, int | None]:
    """Split `Name@file.go#N` into the name, the file and N (None when absent); malformed is an error."""
    if "@" not in text:
        if "#" in text:
            raise _malformed(raw, "#N follows a file name: PKGDIR.init@file.go#2")
        return text, None, None
    text, _, file = text.rpartition("@")
    file, hash_, number = file.partition("#")
    if not _FILE_RE.match(file):
        raise _malformed(raw, f"@{file} is not a Go file name (like @rootfs_unix.go)")
    if not hash_:
        return text, file, None
    if number == "1":
        raise _malformed(raw, f"the first init of a file has no #1: write @{file} alone (#2 names the second)")
    if not _ORDINAL_RE.match(number):
        raise _malformed(raw, f"#{number} after @{file} is not a number from 2 (the second init of a file)")
    return text, file, int(number)


def splits(body: str) -> list[tuple[str, str]]:
    """Every (pkgdir, qualname) reading of `body`, qualname being one or two identifiers.

    `vendor/src/gopkg.in/yaml.v2.Marshal` → [("vendor/src/gopkg.in/yaml.v2", "Marshal"),
    ("vendor/src/gopkg.in/yaml", "v2.Marshal")]; `Name` → [("", "Name")].
    """
    head, slash, last = body.rpartition("/")
    parts = last.split(".")
    out = []
    for n in (1, 2):
        if len(parts) < n:
            continue
        qual = parts[-n:]
        if not all(_IDENT_RE.match(p) for p in qual):
            continue
        pkg_last = ".".join(parts[:-n])
        if not pkg_last and slash:
            continue
        pkgdir = f"{head}{slash}{pkg_last}" if pkg_last else ""
        if pkgdir and not _PKGDIR_RE.match(pkgdir):
            continue
        out.append((pkgdir, ".".join(qual)))
    return out


def suggest(word: str, names: Iterable[str], n: int = 5) -> list[str]:
    """Near misses of `word` among `names`: case-insensitive equals first, then difflib's best."""
    import difflib  # noqa: PLC0415 - only the error path suggests

    pool = list(dict.fromkeys(names))
    lowered = word.lower()
    exact = [x for x in pool if x.lower() == lowered and x != word]
    close = difflib.get_close_matches(word, pool, n=n, cutoff=0.8)
    if len(close) < n:
        by_lower = {x.lower(): x for x in pool}
        close += [by_lower[x] for x in difflib.get_close_matches(lowered, list(by_lower), n=n, cutoff=0.8)]
    return list(dict.fromkeys(exact + close))[:n]


# ---- look-alike characters -------------------------------------------------------------------
# `APIInstaller` typed with a Cyrillic capital I (U+0406) in fourth place reads exactly like the real name,
# so "unknown symbol, did you mean APIInstaller" looks like nonsense. A query whose letters mix scripts, or
# that holds compatibility forms (full-width letters U+FF21..., ligatures, mathematical letters), names each
# such character; its NFKC form is the reading in plain letters, which the index is asked for suggestions.


class Foreign(NamedTuple):
    """A character of a query outside the script of its other letters, or a compatibility form."""

    position: int
    """1-based, in the query as typed."""
    char: str

    def __str__(self) -> str:
        name = unicodedata.name(self.char, "an unnamed character")
        return f"U+{ord(self.char):04X} {name} at position {self.position}"


def _script(ch: str) -> str:
    """The script word of a letter's Unicode name (`LATIN`, `CYRILLIC`, `FULLWIDTH`); `` for non-letters."""
    return unicodedata.name(ch, "").partition(" ")[0] if ch.isalpha() else ""


def foreign_characters(text: str) -> list[Foreign]:
    """The characters of `text` outside its main script (the most common among its letters), or not NFKC."""
    scripts = Counter(s for s in map(_script, text) if s)
    main = max(scripts, key=lambda s: (scripts[s], s == "LATIN"), default="LATIN")
    return [
        Foreign(i, ch)
        for i, ch in enumerate(text, 1)
        if not ch.isascii()
        and (unicodedata.normalize("NFKC", ch) != ch or (_script(ch) and _script(ch) != main))
    ]


def plain_reading(text: str) -> str:
    """`text` with compatibility forms folded (NFKC): full-width `API` (U+FF21 U+FF30 U+FF29) → `API`."""
    return unicodedata.normalize("NFKC", text)


def unknown_symbol(text: str, near: Iterable[str], where: str = "") -> SymbolError:
    """The error for a query that names nothing: look-alike characters named, near misses in the hint."""
    near = tuple(near)
    foreign = foreign_characters(text)
    message = f"unknown symbol {text!r}{where}"
    if foreign:
        shown = ", ".join(map(str, foreign[:5])) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")  # noqa: PLR2004
        looks = "which only look like plain letters" if len(foreign) > 1 else "which only looks like a plain letter"
        message += f": it mixes in {shown}, {looks}"
        hint = (
            f"type it in plain ASCII: did you mean {', '.join(near)}?"
            if near
            else f"type it in plain ASCII (`{plain_reading(text)}`?); `walkthrough symbols PATTERN` searches"
        )
    else:
        hint = "did you mean: " + ", ".join(near) if near else "try `walkthrough symbols PATTERN` to search"
    return SymbolError(message, candidates=near, hint=hint)


def _is_pkgdir(text: str) -> bool:
    """A package directory standing alone (`pkg/apiserver`): a package's id is `UPSTREAM:PKGDIR`."""
    return bool(_PKGDIR_RE.match(text)) and not text.endswith(".") and ".." not in text
