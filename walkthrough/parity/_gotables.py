"""Tables the Kubernetes models take from the Go sources, generated from the verified cache, cog-style.

The models are Python and have no Go types, so facts the Go reads from its types live in generated
modules beside the models:

- `reimpl/kubernetes/_registrations.py`: what each `register.go` of v1.5.2 adds to a scheme, call by
  call (`AddKnownTypes(gv, &Pod{}, ...)`, `AddKnownTypeWithName`, `AddUnversionedTypes`, and the
  watch kinds of `versioned.AddToGroupVersion`), with every type named by its package path.
- `reimpl/kubernetes/_go_types.py`: every Go type reachable from the types the versioned packages
  register (what the strategic merge patch and the installer's query parameters read by
  reflection): each struct's fields as declared, with their Go type and their `json`,
  `patchStrategy` and `patchMergeKey` tags, and the underlying type of every other named type.

    python -m walkthrough.parity._gotables            # rewrite both modules from the sources
    python -m walkthrough.parity._gotables --check    # exit 1 when they differ (tests run this)

Types are written as Go type expressions whose named types carry their package path relative to
the Kubernetes root: `pkg/api/v1.PodSpec`, `[]pkg/api/v1.Container`, `map[string]string`,
`*pkg/api/unversioned.Time`; a type from outside the tree keeps its import path (`time.Time`).
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

    from walkthrough.sources.cache import SourceTree

K8S = "k8s.io/kubernetes/"
GENERATED = Path(__file__).resolve().parent.parent / "reimpl" / "kubernetes"
REGISTRATIONS_MODULE = GENERATED / "_registrations.py"
GO_TYPES_MODULE = GENERATED / "_go_types.py"

SCHEME_CALLS = ("AddKnownTypes", "AddKnownTypeWithName", "AddUnversionedTypes")
WATCH_PACKAGE = "pkg/watch/versioned"
WATCH_TYPES = (f"{WATCH_PACKAGE}.Event", f"{WATCH_PACKAGE}.InternalEvent")

BASIC = frozenset({
    "bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
    "uintptr", "float32", "float64", "byte", "rune", "interface{}", "error",
})


# --- reading Go with tree-sitter -------------------------------------------------------------------


def _parse(data: bytes) -> Node:
    import tree_sitter  # noqa: PLC0415 - only the generator parses
    import tree_sitter_go  # noqa: PLC0415

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language())).parse(data).root_node


def _text(node: Node | None) -> str:
    return node.text.decode() if node is not None and node.text is not None else ""


def _walk(node: Node) -> list[Node]:
    """Every node under `node`, in source order."""
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(current.children))
    return out


@dataclass
class Package:
    """One Go package of the tree: its files' syntax trees and import aliases (per file)."""

    path: str
    files: dict[str, Node] = field(default_factory=dict)
    imports: dict[str, dict[str, str]] = field(default_factory=dict)

    def import_path(self, file: str, alias: str) -> str:
        """The package an alias of `file` names, relative to the Kubernetes root when inside it."""
        target = self.imports[file].get(alias, alias)
        return target.removeprefix(K8S)


_PACKAGES: dict[tuple[int, str], Package] = {}


def load_package(tree: SourceTree, path: str) -> Package:
    """The non-test Go files of directory `path` (build-tagged files are all kept: types are not tagged)."""
    cached = _PACKAGES.get((id(tree), path))
    if cached is not None:
        return cached
    package = _PACKAGES[id(tree), path] = Package(path)
    prefix = path + "/"
    for name in tree.paths():
        if name.startswith(prefix) and "/" not in name[len(prefix):] and name.endswith(".go") \
                and not name.endswith("_test.go"):
            root = _parse(tree.read(name))
            package.files[name] = root
            package.imports[name] = _imports(root)
    return package


def _specs(root: Node, kind: str) -> list[Node]:
    """The top-level specs of one kind (`import_spec`, `const_spec`, `var_spec`), grouped or not."""
    declaration = {"import_spec": "import_declaration", "const_spec": "const_declaration",
                   "var_spec": "var_declaration"}[kind]
    found = []
    for node in root.named_children:
        if node.type == declaration:
            stack = list(node.named_children)
            while stack:
                child = stack.pop(0)
                if child.type == kind:
                    found.append(child)
                elif child.type.endswith("_list"):
                    stack[:0] = child.named_children
    return found


def _imports(root: Node) -> dict[str, str]:
    aliases = {}
    for node in _specs(root, "import_spec"):
        if node.type == "import_spec":
            target = _text(node.child_by_field_name("path")).strip('"')
            alias = _text(node.child_by_field_name("name")) or posixpath.basename(target)
            aliases[alias] = target
    return aliases


# --- registrations ----------------------------------------------------------------------------------


def _string_consts(package: Package) -> dict[str, str]:
    """Package-level names bound to string literals or to other such names (GroupName = "apps")."""
    values: dict[str, str] = {"runtime.APIVersionInternal": "__internal"}
    for root in package.files.values():
        for node in _specs(root, "const_spec") + _specs(root, "var_spec"):
            if node.type in ("const_spec", "var_spec"):
                name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
                if name is None or value is None or value.named_child_count != 1:
                    continue
                expr = value.named_children[0]
                if expr.type == "interpreted_string_literal":
                    values[_text(name)] = _text(expr)[1:-1]
    return values


def _group_versions(package: Package, consts: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Package-level GroupVersion literals: `SchemeGroupVersion = unversioned.GroupVersion{Group: G, Version: V}`."""
    found = {}
    for root in package.files.values():
        for node in _specs(root, "var_spec"):
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is None or value is None:
                continue
            literal = value.named_children[0]
            if literal.type == "composite_literal" and _text(literal.child_by_field_name("type")).endswith(
                    "GroupVersion"):
                found[_text(name)] = _group_version_literal(literal, consts)
    return found


def _group_version_literal(literal: Node, consts: dict[str, str]) -> tuple[str, str]:
    keys = {}
    for element in _walk(literal):
        if element.type == "keyed_element":
            key, value = element.named_children[0], element.named_children[-1]
            text = _text(value)
            keys[_text(key)] = text[1:-1] if text.startswith('"') else consts.get(text, text)
    return keys.get("Group", ""), keys.get("Version", "")


def registrations(tree: SourceTree, path: str) -> list[tuple[str, tuple[str, str, str], tuple[str, ...]]]:
    """The scheme calls of package `path`'s register.go, in source order.

    Each call is (function, (group, version, kind), types): kind is set only for AddKnownTypeWithName;
    `AddToGroupVersion` is the watch package's helper, recorded as one call the model expands.
    """
    package = load_package(tree, path)
    consts = _string_consts(package)
    versions = _group_versions(package, consts)
    register = f"{path}/register.go"
    root = package.files[register]
    calls = []
    for node in _walk(root):
        if node.type != "call_expression":
            continue
        function = node.child_by_field_name("function")
        if function is None or function.type != "selector_expression":
            continue
        operand, method = _text(function.child_by_field_name("operand")), _text(function.child_by_field_name("field"))
        args = node.child_by_field_name("arguments").named_children  # type: ignore[union-attr]
        if method in SCHEME_CALLS and operand == "scheme":
            gvk = _gvk_argument(args[0], versions, consts)
            types = tuple(_composite_type(package, register, arg) for arg in args[1:])
            calls.append((method, gvk, types))
        elif method == "AddToGroupVersion" and package.import_path(register, operand) == WATCH_PACKAGE:
            group, version = versions[_text(args[1])]
            calls.append(("AddToGroupVersion", (group, version, ""), ()))
    return calls


def _gvk_argument(node: Node, versions: dict[str, tuple[str, str]], consts: dict[str, str]) -> tuple[str, str, str]:
    """`SchemeGroupVersion` or `SchemeGroupVersion.WithKind("ScheduledJob")` as (group, version, kind)."""
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        base = _text(function.child_by_field_name("operand"))  # type: ignore[union-attr]
        kind = _text(node.child_by_field_name("arguments").named_children[0])  # type: ignore[union-attr]
        group, version = versions[base]
        return group, version, consts.get(kind, kind.strip('"'))
    group, version = versions[_text(node)]
    return group, version, ""


def _composite_type(package: Package, file: str, node: Node) -> str:
    """`&Pod{}` or `&v1.ListOptions{}` -> `pkg/api.Pod`, `pkg/api/v1.ListOptions`."""
    literal = node.named_children[0] if node.type == "unary_expression" else node
    type_node = literal.child_by_field_name("type")
    if type_node is not None and type_node.type == "qualified_type":
        alias = _text(type_node.child_by_field_name("package"))
        return f"{package.import_path(file, alias)}.{_text(type_node.child_by_field_name('name'))}"
    return f"{package.path}.{_text(type_node)}"


def registration_packages(tree: SourceTree) -> list[str]:
    """Every package under pkg/api and pkg/apis with a register.go that registers types."""
    found = []
    for name in tree.paths():
        if name.endswith("/register.go") and (name.startswith(("pkg/api/", "pkg/apis/"))):
            directory = posixpath.dirname(name)
            if "AddKnownTypes" in tree.text(name):
                found.append(directory)
    return sorted(found)


def _py(value: object) -> str:
    """A tuple of strings (or a string) as Python source with double quotes, as ruff wants."""
    if isinstance(value, tuple):
        inner = ", ".join(_py(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return json.dumps(value, ensure_ascii=False)


def render_registrations(tree: SourceTree) -> str:
    """The `_registrations.py` module text."""
    lines = [
        '"""What each register.go of Kubernetes v1.5.2 adds to a scheme, call by call (generated: do not edit).',
        "",
        "Regenerate with `python -m walkthrough.parity._gotables`; tests check it against the verified sources.",
        "A call is (function, (group, version, kind), types); kind is set for AddKnownTypeWithName only.",
        '"""',
        "",
        "REGISTRATIONS: dict[str, tuple[tuple[str, tuple[str, str, str], tuple[str, ...]], ...]] = {",
    ]
    for path in registration_packages(tree):
        lines.append(f"    {_py(path)}: (")
        for function, gvk, types in registrations(tree, path):
            lines.append(f"        ({_py(function)}, {_py(gvk)}, (")
            lines.extend(f"            {_py(t)}," for t in types)
            lines.append("        )),")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- Go types as encoding/json and the strategic merge patch see them -------------------------------

TAG = re.compile(r'(\w+):"([^"]*)"')


@dataclass
class TypeTable:
    """Named types found so far: structs as their JSON fields, others as their underlying type."""

    tree: SourceTree
    structs: dict[str, list[tuple[str, str, str, str, str]]] = field(default_factory=dict)
    named: dict[str, str] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)

    def package(self, path: str) -> Package:
        """The package at `path` (parsed once per run)."""
        return load_package(self.tree, path)

    def declaration(self, type_id: str) -> tuple[Package, str, Node] | None:
        """The type_spec of a named type, with its package and file; None outside the tree."""
        path, _, name = type_id.rpartition(".")
        if not path.startswith(("pkg/", "vendor/", "third_party/")):
            return None
        package = self.package(path)
        for file, root in package.files.items():
            for node in root.named_children:
                if node.type != "type_declaration":
                    continue
                for spec in node.named_children:
                    if spec.type == "type_spec" and _text(spec.child_by_field_name("name")) == name:
                        return package, file, spec
        return None

    def expression(self, package: Package, file: str, node: Node) -> str:
        """A type node as a Go type expression with package-path names (and the named types queued)."""
        kind = node.type
        if kind == "type_identifier":
            name = _text(node)
            if name in BASIC:
                return name
            return self.queue(f"{package.path}.{name}")
        if kind == "qualified_type":
            alias = _text(node.child_by_field_name("package"))
            return self.queue(f"{package.import_path(file, alias)}.{_text(node.child_by_field_name('name'))}")
        if kind == "pointer_type":
            return "*" + self.expression(package, file, node.named_children[0])
        if kind in ("slice_type", "array_type"):
            return "[]" + self.expression(package, file, node.child_by_field_name("element"))  # type: ignore[arg-type]
        if kind == "map_type":
            key = self.expression(package, file, node.child_by_field_name("key"))  # type: ignore[arg-type]
            value = self.expression(package, file, node.child_by_field_name("value"))  # type: ignore[arg-type]
            return f"map[{key}]{value}"
        if kind == "interface_type":
            return "interface{}"
        if kind == "struct_type":
            return "struct{}"
        if kind == "parenthesized_type":
            return self.expression(package, file, node.named_children[0])
        return _text(node)

    def queue(self, type_id: str) -> str:
        """Remember a named type to describe; returns it, for use inside an expression."""
        if type_id not in self.structs and type_id not in self.named and type_id not in self.pending:
            self.pending.append(type_id)
        return type_id

    def resolve(self) -> None:
        """Describe every queued named type, queuing the types its fields name, until none is left."""
        while self.pending:
            self.describe(self.pending.pop())

    def describe(self, type_id: str) -> None:
        """Record one named type: a struct's fields as declared, or another type's underlying type."""
        if type_id in self.structs or type_id in self.named:
            return
        found = self.declaration(type_id)
        if found is None:
            self.named[type_id] = "opaque"
            return
        package, file, spec = found
        underlying = spec.child_by_field_name("type")
        if underlying is not None and underlying.type == "struct_type":
            self.structs[type_id] = self.fields(package, file, underlying)
        elif underlying is not None:
            self.named[type_id] = self.expression(package, file, underlying)

    def fields(self, package: Package, file: str, struct: Node) -> list[tuple[str, str, str, str, str]]:
        """A struct's fields as declared: (Go name, "" if embedded; type; json tag; patchStrategy; patchMergeKey)."""
        found: list[tuple[str, str, str, str, str]] = []
        body = struct.named_children[0] if struct.named_children else None
        for decl in body.named_children if body is not None else []:
            if decl.type != "field_declaration":
                continue
            tags = dict(TAG.findall(_text(decl.child_by_field_name("tag")).strip("`")))
            type_expr = self.expression(package, file, decl.child_by_field_name("type"))  # type: ignore[arg-type]
            names = [_text(n) for n in decl.children_by_field_name("name")] or [""]
            found.extend((name, type_expr, tags.get("json", ""), tags.get("patchStrategy", ""),
                          tags.get("patchMergeKey", "")) for name in names)
        return found


def root_types(tree: SourceTree) -> list[str]:
    """Every type a versioned package registers (`v1.Pod`, and another package's: `v1.ListOptions`).

    And the options and unversioned types of pkg/api: the installer documents their fields.
    """
    found: list[str] = []
    for path in registration_packages(tree):
        versioned = posixpath.basename(path).startswith("v")
        if path.startswith("pkg/apis/abac") or not (versioned or path == "pkg/api"):
            continue  # abac has a scheme of its own; internal groups' types never meet reflection here
        for function, _, registered in registrations(tree, path):
            # the watch package's helper registers its two event types
            types = WATCH_TYPES if function == "AddToGroupVersion" else registered
            found.extend(t for t in types if t not in found and (versioned or not t.startswith("pkg/api.")
                                                                 or t.endswith("Options")))
    return found


def render_go_types(tree: SourceTree) -> str:
    """The `_go_types.py` module text."""
    table = TypeTable(tree)
    roots = root_types(tree)
    for type_id in roots:
        table.queue(type_id)
    table.resolve()
    lines = [
        "# ruff: noqa: E501 - generated",
        '"""The Go types of Kubernetes v1.5.2 the strategic merge patch meets (generated: do not edit).',
        "",
        "Regenerate with `python -m walkthrough.parity._gotables`; tests check it against the verified sources.",
        "STRUCTS: each struct's fields as declared, (Go name or '' when embedded, Go type, json tag,",
        "patchStrategy, patchMergeKey); NAMED: the underlying type of every other named type ('opaque':",
        "outside the tree). ROOTS: the types the table starts from, every type a versioned package registers.",
        '"""',
        "",
        "ROOTS: tuple[str, ...] = (",
        *(f"    {_py(t)}," for t in roots),
        ")",
        "",
        "STRUCTS: dict[str, tuple[tuple[str, str, str, str, str], ...]] = {",
    ]
    for type_id in sorted(table.structs):
        fields = table.structs[type_id]
        if not fields:
            lines.append(f"    {_py(type_id)}: (),")
            continue
        lines.append(f"    {_py(type_id)}: (")
        lines.extend(f"        {_py(tuple(f))}," for f in fields)
        lines.append("    ),")
    lines.append("}")
    lines.append("")
    lines.append("NAMED: dict[str, str] = {")
    lines.extend(f"    {_py(t)}: {_py(table.named[t])}," for t in sorted(table.named))
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- the command -------------------------------------------------------------------------------------


def generated(tree: SourceTree) -> dict[Path, str]:
    """Every generated module and its text."""
    return {REGISTRATIONS_MODULE: render_registrations(tree), GO_TYPES_MODULE: render_go_types(tree)}


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated modules, or with --check report which differ (exit 1)."""
    from walkthrough.sources.cache import open_tree  # noqa: PLC0415

    parser = argparse.ArgumentParser(prog="python -m walkthrough.parity._gotables", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on a difference")
    options = parser.parse_args(argv)
    tree = open_tree("kubernetes")
    stale = []
    for path, text in generated(tree).items():
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current == text:
            continue
        stale.append(path)
        if not options.check:
            path.write_text(text, encoding="utf-8")
    for path in stale:
        sys.stderr.write(f"{'differs' if options.check else 'wrote'}: {path}\n")
    return 1 if options.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
