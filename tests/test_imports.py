"""No import cycle inside `walkthrough/`: the layers run one way (DESIGN.md's data flow, STYLE.md's layout).

Every import counts, at module level or inside a function (a lazy import is still a dependency), except
those under `if TYPE_CHECKING:`, which annotations need and Python never runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "walkthrough"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[tuple[str, list[str]]]:
    """(module, names) of every import statement outside `if TYPE_CHECKING:` blocks."""
    found: list[tuple[str, list[str]]] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
        stack.extend(ast.iter_child_nodes(node))
    return found


def dependencies(name: str) -> set[str]:
    """The modules of the package that `name` imports (a submodule when `from pkg import submodule`)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    deps = set()
    for module, names in _imports(tree):
        if module in MODULES:
            subs = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
            deps.update(subs)
            if len(subs) < len(names) or not names:
                deps.add(module)
    deps.discard(name)
    return deps


def cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    graph = {name: sorted(dependencies(name)) for name in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle() -> None:
    assert cycles() == []


def test_the_walk_sees_lazy_imports() -> None:
    assert "walkthrough.index.build" in dependencies("walkthrough.index.reader")  # imported inside a function
    assert "walkthrough.book.excerpt" not in dependencies("walkthrough.errors")  # under TYPE_CHECKING only
