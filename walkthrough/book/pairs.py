"""The Python models beside the Go: which model mirrors which Go symbol, and each model's source. One home.

Three ways in, one for each reader:

- `all_pairs` / `models_for`: which models mirror a symbol, read statically from the `@mirrors(...)`
  decorators (for `explain`, which must stay fast and never run model code). Each module under
  `walkthrough/reimpl/` is read as text; only files that mention `mirrors(` are parsed with `ast`, and only
  string-literal arguments count (as the decorator's docstring asks). The pairs are memoized in the cache
  (`walkthrough.store`), keyed by every model file's path, size and mtime, so a warm `explain` stats the
  files instead of parsing them.
- `load_python_model`: a paired object's source span, read statically (for the cards of the site).
- `resolve_python`: the object itself, imported (for `check`: a pair must import and mirror its excerpt).

    models_for("kubernetes:pkg/api/resource.ParseQuantity")
        -> ["walkthrough.reimpl.kubernetes.quantity:ParseQuantity"]
    all_pairs() -> {"kubernetes:pkg/api/resource.ParseQuantity": [...], ...}
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from walkthrough.errors import InputError, ModelNotFound
from walkthrough.store import memoized

if TYPE_CHECKING:
    import ast
    from collections.abc import Iterator

    from walkthrough.store import FragmentCache

# `explain` reads the pairs on every run, from the memo: the parsing and importing machinery below
# (ast, difflib, importlib) is imported inside the functions that need it, on a memo miss or in a build.

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
    import ast  # noqa: PLC0415 - see the comment at the imports

    if not isinstance(decorator, ast.Call):
        return False
    func = decorator.func
    return (isinstance(func, ast.Name) and func.id == "mirrors") or (
        isinstance(func, ast.Attribute) and func.attr == "mirrors"
    )


def _pairs_in(module: str, text: str) -> Iterator[tuple[str, str]]:
    """(Go symbol id, "module:qualname") for each decorated class, function or method."""
    import ast  # noqa: PLC0415 - see the comment at the imports
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
    """[relative path, size, mtime] of every model file: the memo's key (os.scandir: a warm `explain` runs it)."""
    rows: list[list[object]] = []
    folders = [str(root)]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir() and entry.name != "__pycache__":
                        folders.append(entry.path)
                    elif entry.name.endswith(".py"):
                        st = entry.stat()
                        rows.append([os.path.relpath(entry.path, root), st.st_size, st.st_mtime_ns])
        except OSError:
            continue
    return sorted(rows, key=lambda row: str(row[0]))


def all_pairs(root: Path | None = None) -> dict[str, list[str]]:
    """Every Go symbol id a model mirrors → the models (`module:qualname`), in file order.

    Memoized (`walkthrough.store`) by the root and every model file's path, size and mtime: a warm
    `explain` stats the files instead of parsing them.
    """
    root = root or REIMPL_DIR
    return _pairs(root, _key(root))


def _key(root: Path) -> str:
    """What the pairs under `root` are a function of: the root and every model file's path, size and mtime."""
    return json.dumps([str(root), _fingerprint(root)])


def _pairs(root: Path, key: str) -> dict[str, list[str]]:
    pairs: dict[str, list[str]] = memoized("pairs", key, lambda _key: _scan(root))
    return pairs


def models_for(symbol_id: str, root: Path | None = None) -> list[str]:
    """The models that mirror `symbol_id`.

    Memoized per symbol too (as `explain`'s chapter links are), under the same key: a warm `explain`
    reads one small file, not every pair of the book.
    """
    root = root or REIMPL_DIR
    key = _key(root)
    name = "models-of-" + hashlib.sha256(symbol_id.encode()).hexdigest()[:16]
    models: list[str] = memoized(name, f"{symbol_id}\x1e{key}", lambda _text: _pairs(root, key).get(symbol_id, []))
    return list(models)


def resolve_python(target: str) -> object:
    """Import `module:qualname` and return the object; InputError saying what is missing otherwise."""
    import difflib  # noqa: PLC0415 - see the comment at the imports
    import importlib  # noqa: PLC0415 - see the comment at the imports

    module_name, _, qualname = target.partition(":")
    try:
        obj: object = importlib.import_module(module_name)
    except Exception as exc:  # any failure while importing a model is the author's to fix
        raise InputError(
            f"python pair `{target}`: module `{module_name}` does not import ({type(exc).__name__}: {exc})",
            hint="fix the module path (or the module), or remove `python:` until the model exists",
        ) from exc
    for part in qualname.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            names = [n for n in dir(obj) if not n.startswith("_")]
            close = difflib.get_close_matches(part, names, n=3)
            raise InputError(
                f"python pair `{target}`: `{part}` does not exist in `{getattr(obj, '__name__', module_name)}`",
                hint=f"did you mean {', '.join(f'`{c}`' for c in close)}?" if close else "check the qualname",
            ) from None
    return obj


class PythonModel(NamedTuple):
    """The source of a paired Python object, read statically (the model is never imported to render it)."""

    ref: str
    module: str
    qualname: str
    path: str
    """Path of the module file relative to the project root (`walkthrough/reimpl/kubernetes/authn.py`)."""
    start_line: int
    end_line: int
    source: str
    """The lines shown: the definition, or only the mirrored member of a class (see `load_python_model`)."""
    left_out: tuple[str, ...] = ()
    """Methods of a class whose head alone is shown, in file order (the model page has them all)."""
    total_lines: int = 0
    """Lines of the whole definition (equal to the shown ones unless members are left out)."""

    @property
    def run_command(self) -> str:
        """The command that runs the model's demo."""
        return f"python -m {self.module}"


@cache
def _module_source(file: Path, mtime_ns: int) -> tuple[str, str]:  # noqa: ARG001 - mtime_ns keys the cache
    """A model module's source and its digest, read once per version (many cards pair with one module)."""
    source = file.read_text(encoding="utf-8")
    return source, hashlib.sha256(source.encode()).hexdigest()


@cache
def _module_tree(digest: str, source: str) -> Any:  # noqa: ARG001 - digest keys the cache
    """A model module's syntax tree, parsed once per version."""
    import ast  # noqa: PLC0415 - see the comment at the imports

    return ast.parse(source)


@cache
def _this_code() -> str:
    """A digest of this module: a remembered span is only as good as the code that found it."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def load_python_model(
    ref: str, project_root: Path, spans: FragmentCache | None = None, *, go_symbol: str | None = None,
) -> PythonModel:
    """Find `module:qualname` by reading the module's source with `ast` (decorators included).

    Beside a Go excerpt the model shows no more than the member that mirrors it (`go_symbol`): a class
    with a method declaring `@mirrors(go_symbol)` shows that method, and a class paired with a Go type
    shows its head (decorators, docstring, fields) without its methods, which are named in `left_out`.
    `spans` (a fragment store) remembers the line spans found in a source, by its digest, so that a
    rebuild parses no module whose text did not change.

    Raises:
        ModelNotFound: the reference is malformed, or the module or the definition does not exist.
    """
    import importlib.util  # noqa: PLC0415 - see the comment at the imports

    module, sep, qualname = ref.partition(":")
    if not sep or not module or not qualname:
        msg = f"python pair {ref!r} is not of the form module:qualname"
        raise ModelNotFound(msg)
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError) as exc:
        raise ModelNotFound(f"python module {module!r} cannot be found: {exc}") from exc
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise ModelNotFound(f"python module {module!r} cannot be found")
    file = Path(spec.origin)
    source, digest = _module_source(file, file.stat().st_mtime_ns)
    key = f"python-span|{_this_code()}|{digest}|{qualname}|{go_symbol or ''}"
    known = spans.get(key) if spans is not None else None
    if known is not None:
        span = json.loads(known)
    else:
        span = _shown_span(module, qualname, _module_tree(digest, source), go_symbol)
        if spans is not None:
            spans[key] = json.dumps(span)
    first, end, total, left_out = span
    lines = source.split("\n")
    try:
        rel = file.resolve().relative_to(project_root.resolve()).as_posix()
    except ValueError:
        rel = module.replace(".", "/") + ".py"
    return PythonModel(ref, module, qualname, rel, first, end, "\n".join(lines[first - 1 : end]).rstrip("\n"),
                       tuple(left_out), total)


def _shown_span(module: str, qualname: str, tree: Any, go_symbol: str | None) -> list[Any]:
    """[first line, last line shown, lines of the whole definition, methods left out] of a model."""
    import ast  # noqa: PLC0415 - see the comment at the imports

    node = _definition(module, qualname, tree)
    first, end = _span(node)
    total = end - first + 1
    if not isinstance(node, ast.ClassDef):
        return [first, end, total, []]
    methods = [c for c in node.body if isinstance(c, ast.FunctionDef | ast.AsyncFunctionDef)]
    for method in methods:
        if go_symbol and any(
            _is_mirrors(d) and any(isinstance(a, ast.Constant) and a.value == go_symbol for a in d.args)  # type: ignore[attr-defined]
            for d in method.decorator_list
        ):
            return [*_span(method), total, []]
    # The head: decorators, docstring, fields and the constructor (which mirrors Go's `NewX` or literal).
    rest = [m for m in methods if m.name not in ("__init__", "__post_init__", "__new__")]
    if not rest or not go_symbol:
        return [first, end, total, []]
    head_end = _span(rest[0])[0] - 1
    return [first, max(head_end, node.lineno), total, [m.name for m in rest]]


def _span(node: Any) -> tuple[int, int]:
    return min([node.lineno, *(d.lineno for d in node.decorator_list)]), node.end_lineno


def _definition(module: str, qualname: str, tree: Any) -> Any:
    """The class or function `qualname` in a module's tree."""
    import ast  # noqa: PLC0415 - see the comment at the imports

    node = tree
    for part in qualname.split("."):
        found = None
        for child in getattr(node, "body", []):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and child.name == part:
                found = child
        if found is None:
            raise ModelNotFound(f"{module} has no {qualname!r} (looked for {part!r})")
        node = found
    return node
