"""Which Python models mirror which Go symbols, read statically from the `@mirrors(...)` decorators.

The models are never imported here: `explain` must stay fast and must not run model code to
show a symbol. Each module under `walkthrough/reimpl/` is read as text; only files that mention
`mirrors(` are parsed with `ast`, and only string-literal arguments count (as the decorator's
docstring asks). The pairs of the package's own models are kept in the cache
(`cache_root()/index/pairs.json`), keyed by every model file's path, size and mtime, so a warm
`explain` stats the files instead of parsing them.

    models_for("kubernetes:pkg/api/resource.ParseQuantity")
        -> ["walkthrough.reimpl.kubernetes.quantity:ParseQuantity"]
    all_pairs() -> {"kubernetes:pkg/api/resource.ParseQuantity": [...], ...}
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

REIMPL_DIR = Path(__file__).resolve().parent.parent / "reimpl"
PACKAGE = "walkthrough.reimpl"


def _modules(root: Path) -> Iterator[tuple[str, str]]:
    """(module name, source text) of each model file that mentions the decorator."""
    for path in sorted(root.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "mirrors(" not in text:
            continue
        rel = path.relative_to(root).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        yield ".".join([PACKAGE, *parts]), text


def _is_mirrors(decorator: ast.expr) -> bool:
    if not isinstance(decorator, ast.Call):
        return False
    func = decorator.func
    return (isinstance(func, ast.Name) and func.id == "mirrors") or (
        isinstance(func, ast.Attribute) and func.attr == "mirrors"
    )


def _pairs_in(module: str, text: str) -> Iterator[tuple[str, str]]:
    """(Go symbol id, "module:qualname") for each decorated class, function or method."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return
    stack: list[tuple[list[str], list[ast.stmt]]] = [([], list(tree.body))]
    while stack:
        prefix, body = stack.pop()
        for node in body:
            if not isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            qual = [*prefix, node.name]
            for dec in node.decorator_list:
                if _is_mirrors(dec):
                    for arg in dec.args:  # type: ignore[attr-defined]
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            yield arg.value, f"{module}:{'.'.join(qual)}"
            if isinstance(node, ast.ClassDef):
                stack.append((qual, list(node.body)))


def _scan(root: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for module, text in _modules(root):
        for symbol_id, target in _pairs_in(module, text):
            models = out.setdefault(symbol_id, [])
            if target not in models:
                models.append(target)
    return out


def _fingerprint(root: Path) -> list[list[object]]:
    rows: list[list[object]] = []
    for path in sorted(root.rglob("*.py")):
        try:
            st = path.stat()
        except OSError:
            continue
        rows.append([str(path.relative_to(root)), st.st_size, st.st_mtime_ns])
    return rows


def _cache_file() -> Path:
    from walkthrough.paths import cache_root  # noqa: PLC0415

    return cache_root() / "index" / "pairs.json"


def all_pairs(root: Path | None = None, *, cache: Path | None = None) -> dict[str, list[str]]:
    """Every Go symbol id a model mirrors → the models (`module:qualname`), in file order.

    The package's own models are cached (see the module docstring); another `root` is scanned
    afresh unless a `cache` file is given.
    """
    if root is not None and cache is None:
        return _scan(root)
    root = root or REIMPL_DIR
    cache = cache or _cache_file()
    key = [str(root), _fingerprint(root)]
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("key") == key and isinstance(data.get("pairs"), dict):
            return data["pairs"]
    except (OSError, ValueError):
        pass
    pairs = _scan(root)
    try:  # a cache we cannot write only costs a re-scan next time
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": key, "pairs": pairs}), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass
    return pairs


def models_for(symbol_id: str, root: Path | None = None) -> list[str]:
    """The models that mirror `symbol_id`."""
    return list(all_pairs(root).get(symbol_id, []))
