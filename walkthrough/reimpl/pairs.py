"""Which Python models mirror which Go symbols, read statically from the `@mirrors(...)` decorators.

The models are never imported here: `explain` must stay fast and must not run model code to
show a symbol. Each module under `walkthrough/reimpl/` is read as text; only files that mention
`mirrors(` are parsed with `ast`, and only string-literal arguments count (as the decorator's
docstring asks).

    models_for("kubernetes:pkg/api/resource.ParseQuantity") -> ["walkthrough.reimpl.kubernetes.quantity:ParseQuantity"]
    all_pairs() -> {"kubernetes:pkg/api/resource.ParseQuantity": [...], ...}
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REIMPL_DIR = Path(__file__).resolve().parent
PACKAGE = "walkthrough.reimpl"


def _modules(root: Path) -> Iterator[tuple[str, str]]:
    """(module name, source text) of each model file that mentions the decorator."""
    for path in sorted(root.rglob("*.py")):
        if path.name == "pairs.py" and path.parent == REIMPL_DIR:
            continue
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


def all_pairs(root: Path | None = None) -> dict[str, list[str]]:
    """Every Go symbol id a model mirrors → the models (`module:qualname`), in file order."""
    out: dict[str, list[str]] = {}
    for module, text in _modules(root or REIMPL_DIR):
        for symbol_id, target in _pairs_in(module, text):
            models = out.setdefault(symbol_id, [])
            if target not in models:
                models.append(target)
    return out


def models_for(symbol_id: str, root: Path | None = None) -> list[str]:
    """The models that mirror `symbol_id`. Files that do not quote the id are not parsed."""
    out: list[str] = []
    for module, text in _modules(root or REIMPL_DIR):
        if f'"{symbol_id}"' not in text and f"'{symbol_id}'" not in text:
            continue
        for found, target in _pairs_in(module, text):
            if found == symbol_id and target not in out:
                out.append(target)
    return out
