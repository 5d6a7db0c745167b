"""Go source bytes → declarations and identifier uses (tree-sitter-go). No file reads, no index.

`parse_go(data)` returns a `FileFacts`: the package clause, imports, every declaration the
symbol grammar can address (funcs, methods, types, struct fields, interface methods, consts and
vars one per name) with 1-based inclusive lines, byte spans and doc comments, and every use of a
name that may refer to a declaration outside the function it sits in.

Uses carry a *reference expression* (`walkthrough.golang.refs`) instead of a target, because the
target depends on other files (same package, imported packages) that only the index sees. Local
variables are resolved here, with Go's block scoping, so that a local never links to a package-level
name (uses of locals are not emitted); a selector on a local of unknown type gets no expression at all
(ref -1): a missing link is acceptable, a wrong link is not. Each distinct expression is stored once
per file in `FileFacts.refs` and uses point at it by index.

Tree-sitter's 0-based rows are converted to 1-based lines here, once.
"""

from __future__ import annotations

import marshal
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from itertools import accumulate
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar

from walkthrough.models import SymbolKind

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Query

    from walkthrough.golang.refs import Expr, TypeExpr, Use


MAX_DEPTH = 180
"""Nesting depth below which uses are not extracted: keeps hostile input from exhausting the stack."""

MAX_ERROR_LINES = 200
"""Syntax error lines kept per file: enough for messages, bounded for broken input."""



@dataclass(frozen=True, slots=True)
class Import:
    """One import spec: `name` is the alias (`_`, `.`, or None for the package's own name)."""

    name: str | None
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Decl:
    """One addressable declaration of a file, before the index gives it an id.

    `type` is the declared (or evidently inferred) type expression of a var, const or field, or
    the underlying type of a named non-struct type; `results` the result types of a func or
    method; `embeds` the embedded types of a struct or interface.
    """

    name: str
    qualname: str
    kind: str
    """A `SymbolKind` value (a plain str: enum members are slow to hash in hot loops)."""
    start_line: int
    end_line: int
    start_byte: int
    end_byte: int
    doc_start_line: int
    doc_start_byte: int
    receiver: str | None = None
    doc: str = ""
    has_error: bool = False
    type: TypeExpr | None = None
    results: tuple[TypeExpr | None, ...] = ()
    embeds: tuple[TypeExpr | None, ...] = ()


RawUse = tuple[int, int, int, str, int]
"""A use: (start_byte, end_byte, line, name, ref) where ref indexes `FileFacts.refs` (-1: none).

Plain tuples, and each distinct expression stored once per file: files hold thousands of uses
but few distinct expressions, and the index resolves each expression once per file.
"""


@dataclass(frozen=True, slots=True)
class FileFacts:
    """Everything the index needs from one file (`encode` and `decode` persist it)."""

    package: str
    imports: tuple[Import, ...] = ()
    decls: tuple[Decl, ...] = ()
    uses: tuple[RawUse, ...] = ()
    refs: tuple[Use, ...] = ()
    has_error: bool = False
    error_lines: tuple[int, ...] = field(default=())

    def encode(self) -> bytes:
        """Encode for the parse cache (see `decode`): zlib'd marshal of plain tuples.

        A few times cheaper to write and read than JSON or pickle. Pool workers send it back as
        is: one encoding serves both the parse cache and the trip to the main process.
        """
        return zlib.compress(
            marshal.dumps(
                (
                    self.package,
                    tuple((i.name, i.path, i.line) for i in self.imports),
                    tuple(map(_DECL_FIELDS, self.decls)),
                    self.uses,
                    self.refs,
                    self.has_error,
                    self.error_lines,
                ),
                _MARSHAL_VERSION,
            ),
            1,
        )

    @classmethod
    def decode(cls, blob: bytes) -> FileFacts:
        """Inverse of `encode`; ValueError for anything else (a damaged cache row is a miss, not a crash).

        zlib's checksum catches damaged bytes; the shape and the kinds are checked here. marshal
        keeps tuples tuples, so nothing is copied back into hashable form.
        """
        try:
            package, imports, decls, uses, refs, has_error, error_lines = marshal.loads(zlib.decompress(blob))  # noqa: S302 - our own cache; shapes checked below
            facts = cls(
                package,
                tuple(Import(name, path, line) for name, path, line in imports),
                tuple(Decl(*d) for d in decls),
                uses,
                refs,
                has_error,
                error_lines,
            )
        except (zlib.error, EOFError, ValueError, TypeError) as exc:
            msg = f"not encoded facts: {exc}"
            raise ValueError(msg) from None
        if not (
            type(package) is str
            and type(uses) is tuple
            and type(refs) is tuple
            and type(error_lines) is tuple
            and all(d.kind in _KINDS for d in facts.decls)
        ):
            msg = "not encoded facts: wrong types"
            raise ValueError(msg)
        return facts


_KINDS = frozenset(k.value for k in SymbolKind)
_DECL_FIELDS = attrgetter(*(f.name for f in fields(Decl)))
"""A Decl → the tuple of its fields in order, `Decl(*t)`'s argument."""
_MARSHAL_VERSION = 4
"""Fixed, so that a newer Python's default cannot change what the cache holds (it reads version 4)."""


@cache
def _parser_and_query() -> tuple[Parser, Query]:
    """Built once per process: importing tree_sitter is paid only by processes that parse."""
    import tree_sitter  # noqa: PLC0415 - the warm explain path must not import it
    import tree_sitter_go  # noqa: PLC0415

    language = tree_sitter.Language(tree_sitter_go.language())
    text = resources.files("walkthrough.golang").joinpath("queries/go.scm").read_text(encoding="utf-8")
    return tree_sitter.Parser(language), tree_sitter.Query(language, text)


def parse_go(data: bytes) -> FileFacts:
    """Parse one Go file's bytes. Never raises on bad input: what does not parse is skipped."""
    import tree_sitter  # noqa: PLC0415

    parser, query = _parser_and_query()
    tree = parser.parse(data)
    root = tree.root_node
    cursor = tree_sitter.QueryCursor(query)
    cursor.set_max_start_depth(0)
    ex = _Extractor(data)
    package = ""
    imports: list[Import] = []
    for _, captures in cursor.matches(root):
        for capture, nodes in captures.items():
            for node in nodes:
                if capture == "package":
                    ident = _first_named(node, "package_identifier")
                    package = package or (_text(data, ident) if ident is not None else "")
                elif capture == "import":
                    imports.extend(_imports(data, node))
                else:
                    ex.top_level(node)
    error_lines = tuple(sorted(_error_lines(root))) if root.has_error else ()
    return FileFacts(
        package=package,
        imports=tuple(imports),
        decls=tuple(ex.decls),
        uses=tuple(ex.uses),
        refs=tuple(ex.refs),
        has_error=root.has_error,
        error_lines=error_lines,
    )


def _error_lines(root: Node) -> set[int]:
    """Lines of ERROR/MISSING nodes (first few hundred), for messages; iterative, no recursion."""
    lines: set[int] = set()
    stack = [root]
    while stack and len(lines) < MAX_ERROR_LINES:
        node = stack.pop()
        if node.is_error or node.is_missing:
            lines.add(node.start_point.row + 1)
            continue
        if node.has_error:
            stack.extend(node.children)
    return lines


def _text(data: bytes, node: Node) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _first_named(node: Node, kind: str) -> Node | None:
    for child in node.named_children:
        if child.type == kind:
            return child
    return None


def _imports(data: bytes, decl: Node) -> list[Import]:
    specs: list[Node] = []
    for child in decl.named_children:
        if child.type == "import_spec":
            specs.append(child)
        elif child.type == "import_spec_list":
            specs.extend(c for c in child.named_children if c.type == "import_spec")
    out = []
    for spec in specs:
        path_node = spec.child_by_field_name("path")
        if path_node is None:
            continue
        path = _text(data, path_node).strip('"`')
        name_node = spec.child_by_field_name("name")
        name = _text(data, name_node) if name_node is not None else None
        out.append(Import(name, path, spec.start_point.row + 1))
    return out


def _doc(data: bytes, node: Node) -> tuple[int, int, str]:
    """go/parser's lead comment: the comment group ending on the line right above `node`.

    A group is a run of comments with no blank line between them; a comment that starts on the
    line of the previous token is that token's line comment, not part of the group.
    """
    group: list[Node] = []
    expect = node.start_point.row
    prev = node.prev_sibling
    while prev is not None and prev.type == "comment" and prev.end_point.row >= expect - 1:
        group.append(prev)
        expect = prev.start_point.row
        prev = prev.prev_sibling
    if group and prev is not None:
        token_row = prev.end_point.row
        while group and group[-1].start_point.row == token_row:
            token_row = group[-1].end_point.row
            group.pop()
    if not group:
        return node.start_point.row + 1, node.start_byte, ""
    first = group[-1]
    lines = []
    for comment in reversed(group):
        text = _text(data, comment)
        if text.startswith("//"):
            lines.append(text[2:].removeprefix(" "))
        else:
            lines.extend(line.strip() for line in text[2:-2].strip("\n").splitlines())
    return first.start_point.row + 1, first.start_byte, "\n".join(lines)


def _is_grouped(decl: Node) -> bool:
    return any(child.type == "(" for child in decl.children)


_FUNC, _METHOD, _STRUCT, _INTERFACE, _TYPE, _FIELD, _IMETHOD, _CONST, _VAR = (
    k.value
    for k in (
        SymbolKind.FUNC,
        SymbolKind.METHOD,
        SymbolKind.STRUCT,
        SymbolKind.INTERFACE,
        SymbolKind.TYPE,
        SymbolKind.FIELD,
        SymbolKind.INTERFACE_METHOD,
        SymbolKind.CONST,
        SymbolKind.VAR,
    )
)
_STRUCTURAL_KINDS = {"struct_type": _STRUCT, "interface_type": _INTERFACE}
_SKIP_TYPES = frozenset(
    (
        "field_identifier",
        "package_identifier",
        "label_name",
        "comment",
        "interpreted_string_literal",
        "raw_string_literal",
        "int_literal",
        "float_literal",
        "imaginary_literal",
        "rune_literal",
        "nil",
        "true",
        "false",
        "iota",
        "blank_identifier",
        "fallthrough_statement",
    )
)
"""Nodes that hold no use: the walk neither dispatches nor descends into them."""
_SCOPED_TYPES = frozenset(
    (
        "block",
        "if_statement",
        "for_statement",
        "expression_switch_statement",
        "select_statement",
        "expression_case",
        "default_case",
        "communication_case",
    )
)
"""Nodes that open a block scope around their children (handled inside the walk loop)."""
_DESCEND, _IDENTIFIER, _SCOPE, _SKIP = object(), object(), object(), object()


class _Extractor:
    """Walks one file: declarations from the top-level nodes, uses from everything below them.

    `scopes` is the stack of local scopes (name → type expression or None); a name found there
    is local, a name not found is of package scope (or an import, or predeclared).
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.decls: list[Decl] = []
        self.uses: list[RawUse] = []
        self.refs: list[Use] = []
        self.ref_ids: dict[Use, int] = {}
        self.scopes: list[dict[str, TypeExpr | None]] = []
        self.id_refs: dict[str, int] = {}
        """name → index of ("id", name) in `refs`: the most frequent expression, built once."""
        self.names: dict[bytes, str] = {}
        """Identifier bytes → str: decoded once per file, and one shared object per name."""
        self.line_ends = list(accumulate(map((1).__add__, map(len, data.split(b"\n")))))
        """Offset after each newline: a use's line is a bisect here (cheaper than `start_point`)."""
        self.codes: dict[int, Any] = {}
        """Node kind id → what the walk does with it (see `_code`), filled as kinds are met."""
        self.depth = 0

    # ---- declarations -------------------------------------------------------------------

    def top_level(self, node: Node) -> None:
        kind = node.type
        if kind == "function_declaration":
            self._func(node)
        elif kind == "method_declaration":
            self._method(node)
        elif kind == "type_declaration":
            grouped = _is_grouped(node)
            for spec in node.named_children:
                if spec.type in ("type_spec", "type_alias"):
                    self._type_spec(spec, spec if grouped else node)
        elif kind in ("const_declaration", "var_declaration"):
            grouped = _is_grouped(node)
            spec_kind = "const_spec" if kind == "const_declaration" else "var_spec"
            specs = [c for c in node.named_children if c.type == spec_kind]
            if not specs:
                list_node = _first_named(node, "var_spec_list")
                specs = [c for c in list_node.named_children if c.type == spec_kind] if list_node else []
            for spec in specs:
                self._value_spec(spec, spec if grouped else node, const=kind == "const_declaration")

    def _add(self, node: Node, name: str, qualname: str, kind: str, **extra: Any) -> None:
        doc_line, doc_byte, doc = _doc(self.data, node)
        self.decls.append(
            Decl(
                name=name,
                qualname=qualname,
                kind=kind,
                start_line=node.start_point.row + 1,
                end_line=node.end_point.row + 1,
                start_byte=node.start_byte,
                end_byte=node.end_byte,
                doc_start_line=doc_line,
                doc_start_byte=doc_byte,
                doc=doc,
                has_error=node.has_error,
                **extra,
            )
        )

    def _func(self, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        name = _text(self.data, name_node)
        self._add(node, name, name, _FUNC, results=self._results(node))
        self._function_body(node, receiver=None)

    def _method(self, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        recv = node.child_by_field_name("receiver")
        if name_node is None or recv is None:
            return
        recv_type = self._receiver_type(recv)
        name = _text(self.data, name_node)
        if recv_type is not None:
            self._add(node, name, f"{recv_type}.{name}", _METHOD, receiver=recv_type, results=self._results(node))
        self._function_body(node, receiver=recv)

    def _receiver_type(self, recv: Node) -> str | None:
        for param in recv.named_children:
            if param.type != "parameter_declaration":
                continue
            t = param.child_by_field_name("type")
            while t is not None and t.type in ("pointer_type", "parenthesized_type", "generic_type"):
                t = t.named_children[-1] if t.type != "generic_type" else t.child_by_field_name("type")
            if t is not None and t.type == "type_identifier":
                return _text(self.data, t)
        return None

    def _results(self, node: Node) -> tuple[TypeExpr | None, ...]:
        result = node.child_by_field_name("result")
        if result is None:
            return ()
        if result.type != "parameter_list":
            return (self.type_expr(result),)
        out: list[TypeExpr | None] = []
        for param in result.named_children:
            if param.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            t = self.type_expr(param.child_by_field_name("type"))
            names = len(param.children_by_field_name("name"))
            out.extend([t] * max(names, 1))
        return tuple(out)

    def _type_spec(self, spec: Node, span: Node) -> None:
        name_node = spec.child_by_field_name("name")
        type_node = spec.child_by_field_name("type")
        if name_node is None or type_node is None:
            return
        name = _text(self.data, name_node)
        kind = _STRUCTURAL_KINDS.get(type_node.type, _TYPE)
        if kind == _STRUCT:
            embeds = self._struct_members(type_node, name)
            self._add(span, name, name, kind, embeds=embeds)
        elif kind == _INTERFACE:
            embeds = self._interface_members(type_node, name)
            self._add(span, name, name, kind, embeds=embeds)
        else:
            self._add(span, name, name, kind, type=self.type_expr(type_node))
        self._walk_types_only(type_node)

    def _struct_members(self, struct: Node, owner: str) -> tuple[TypeExpr | None, ...]:
        embeds: list[TypeExpr | None] = []
        fields = _first_named(struct, "field_declaration_list")
        for fd in fields.named_children if fields is not None else ():
            if fd.type != "field_declaration":
                continue
            type_node = fd.child_by_field_name("type")
            ftype = self.type_expr(type_node)
            names = fd.children_by_field_name("name")
            if names:
                for n in names:
                    fname = _text(self.data, n)
                    self._add(fd, fname, f"{owner}.{fname}", _FIELD, receiver=owner, type=ftype)
            elif type_node is not None:
                base = type_node
                while base.type in ("pointer_type", "generic_type") and base.named_children:
                    base = base.named_children[0]  # `*T` → T; `G[T]` → G
                name_node = base.child_by_field_name("name") if base.type == "qualified_type" else base
                if name_node is not None and name_node.type == "type_identifier":
                    fname = _text(self.data, name_node)
                    self._add(fd, fname, f"{owner}.{fname}", _FIELD, receiver=owner, type=ftype)
                embeds.append(ftype)
        return tuple(embeds)

    def _interface_members(self, iface: Node, owner: str) -> tuple[TypeExpr | None, ...]:
        embeds: list[TypeExpr | None] = []
        for elem in iface.named_children:
            if elem.type == "method_elem":
                name_node = elem.child_by_field_name("name")
                if name_node is not None:
                    mname = _text(self.data, name_node)
                    self._add(elem, mname, f"{owner}.{mname}", _IMETHOD, receiver=owner, results=self._results(elem))
            elif elem.type == "type_elem":
                kids = elem.named_children
                embeds.append(self.type_expr(kids[0]) if len(kids) == 1 else None)
        return tuple(embeds)

    def _value_spec(self, spec: Node, span: Node, *, const: bool) -> None:
        kind = _CONST if const else _VAR
        type_node = spec.child_by_field_name("type")
        declared = self.type_expr(type_node) if type_node is not None else None
        value = spec.child_by_field_name("value")
        values = value.named_children if value is not None else []
        names = spec.children_by_field_name("name")
        for i, n in enumerate(names):
            name = _text(self.data, n)
            vtype = declared
            if vtype is None and not const:
                if len(values) == len(names):
                    vtype = self.type_of(values[i])
                elif len(values) == 1:
                    vtype = self._multi_value_type(values[0], i)
            if name != "_":
                self._add(span, name, name, kind, type=vtype)
        if type_node is not None:
            self._walk_types_only(type_node)
        for v in values:
            self.walk(v)

    # ---- function bodies ----------------------------------------------------------------

    def _function_body(self, node: Node, receiver: Node | None) -> None:
        scope: dict[str, TypeExpr | None] = {}
        if receiver is not None:
            self._bind_params(receiver, scope)
        self._signature(node, scope)
        body = node.child_by_field_name("body")
        if body is not None:
            self.scopes.append(scope)
            try:
                self.walk(body)
            finally:
                self.scopes.pop()

    def _signature(self, node: Node, scope: dict[str, TypeExpr | None]) -> None:
        for field_name in ("parameters", "result"):
            plist = node.child_by_field_name(field_name)
            if plist is None:
                continue
            if plist.type == "parameter_list":
                self._bind_params(plist, scope)
            else:
                self._walk_types_only(plist)

    def _bind_params(self, plist: Node, scope: dict[str, TypeExpr | None]) -> None:
        for param in plist.named_children:
            if param.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            type_node = param.child_by_field_name("type")
            t = self.type_expr(type_node)
            if param.type == "variadic_parameter_declaration" and t is not None:
                t = ("s", t)
            for n in param.children_by_field_name("name"):
                scope[_text(self.data, n)] = t
            if type_node is not None:
                self._walk_types_only(type_node)

    def walk(self, node: Node) -> None:
        """Emit the uses below `node`, keeping local scopes."""
        self._walk_nodes([node])

    def _walk_children(self, node: Node) -> None:
        """`walk` of each named child, in order (one explicit stack for all of them)."""
        children = node.named_children
        if children:
            self._walk_nodes(children)

    def _walk_nodes(self, nodes: list[Node]) -> None:
        """Walk `nodes` (consumed) in document order.

        Nodes without a walker of their own (most of them) go through an explicit stack, so they
        cost no Python frame; `depth` counts nested walkers and block scopes and bounds the
        recursion. Identifiers and block scopes, the most frequent walker nodes by far, are handled
        inline (a None on the stack closes a block scope): this loop is the hot path of a cold build.
        """
        if self.depth > MAX_DEPTH:
            return
        self.depth += 1
        codes = self.codes
        data = self.data
        names = self.names
        line_ends = self.line_ends
        scopes = self.scopes
        uses = self.uses
        id_refs = self.id_refs
        stack: list[Any] = nodes  # Nodes, and None where a block scope ends
        stack.reverse()
        try:
            while stack:
                current = stack.pop()
                if current is None:
                    scopes.pop()
                    self.depth -= 1
                    continue
                kind_id = current.kind_id
                code = codes.get(kind_id)
                if code is None:
                    code = codes[kind_id] = self._code(current.type)
                if code is _DESCEND:
                    children = current.named_children
                    if children:
                        children.reverse()
                        stack.extend(children)
                elif code is _IDENTIFIER:
                    start = current.start_byte
                    end = current.end_byte
                    raw = data[start:end]
                    name = names.get(raw)
                    if name is None:
                        name = names[raw] = raw.decode("utf-8", "replace")
                    if name == "_":
                        continue
                    for scope in reversed(scopes):
                        if name in scope:
                            break
                    else:
                        rid = id_refs.get(name)
                        if rid is None:
                            rid = id_refs[name] = self._ref_id(("id", name))
                        uses.append((start, end, bisect_right(line_ends, start) + 1, name, rid))
                elif code is _SCOPE:  # a new block scope, closed by the None pushed below its children
                    if self.depth > MAX_DEPTH:
                        continue
                    scopes.append({})
                    self.depth += 1
                    stack.append(None)
                    children = current.named_children
                    if children:
                        children.reverse()
                        stack.extend(children)
                elif code is not _SKIP:
                    code(self, current)
        finally:
            for _ in range(stack.count(None)):  # an exception left block scopes open
                scopes.pop()
                self.depth -= 1
            self.depth -= 1

    def _code(self, kind: str) -> Any:
        """What the walk does with a node kind: a walker method, or a marker.

        The markers are `_DESCEND`, `_IDENTIFIER`, `_SCOPE` and `_SKIP`. Kinds are looked up by
        id: no type string per node.
        """
        if kind in ("identifier", "type_identifier"):
            return _IDENTIFIER
        if kind in _SKIP_TYPES:
            return _SKIP
        if kind in _SCOPED_TYPES:
            return _SCOPE
        return self.WALKERS.get(kind, _DESCEND)

    def _walk_types_only(self, node: Node | None) -> None:
        """Types mention names too (`[]*api.Pod`), but parameter names inside them are not uses."""
        if node is None:
            return
        if node.type == "parameter_list":
            for param in node.named_children:
                self._walk_types_only(param.child_by_field_name("type"))
            return
        self.walk(node)

    def _lookup(self, name: str) -> tuple[bool, TypeExpr | None]:
        for scope in reversed(self.scopes):
            if name in scope:
                return True, scope[name]
        return False, None

    def _ref_id(self, ref: Use | None) -> int:
        if ref is None:
            return -1
        rid = self.ref_ids.get(ref)
        if rid is None:
            rid = self.ref_ids[ref] = len(self.refs)
            self.refs.append(ref)
        return rid

    def _line(self, byte: int) -> int:
        """1-based line of a byte offset (tree-sitter counts rows by newlines too)."""
        return bisect_right(self.line_ends, byte) + 1

    def _use(self, node: Node, ref: Use | None) -> None:
        start = node.start_byte
        self.uses.append((start, node.end_byte, self._line(start), _text(self.data, node), self._ref_id(ref)))

    def _w_identifier(self, node: Node) -> None:
        name = _text(self.data, node)
        if name == "_":
            return
        local, _ = self._lookup(name)
        if not local:
            rid = self.id_refs.get(name)
            if rid is None:
                rid = self.id_refs[name] = self._ref_id(("id", name))
            self.uses.append((node.start_byte, node.end_byte, self._line(node.start_byte), name, rid))

    def _w_selector(self, node: Node) -> None:
        operand = node.child_by_field_name("operand")
        fld = node.child_by_field_name("field")
        if operand is None or fld is None:
            self._walk_children(node)
            return
        name = _text(self.data, fld)
        if operand.type == "identifier":
            op = _text(self.data, operand)
            local, ltype = self._lookup(op)
            if not local:
                self._w_identifier(operand)
                self._use(fld, ("x", op, name))
                return
            self._use(fld, ("f", ltype, name) if ltype is not None else None)
            return
        self.walk(operand)
        base = self.type_of(operand)
        self._use(fld, ("f", base, name) if base is not None else None)

    def _w_qualified(self, node: Node) -> None:
        pkg = node.child_by_field_name("package")
        name = node.child_by_field_name("name")
        if pkg is None or name is None:
            return
        self._use(name, ("x", _text(self.data, pkg), _text(self.data, name)))

    def _w_composite(self, node: Node) -> None:
        type_node = node.child_by_field_name("type")
        body = node.child_by_field_name("body")
        base = None
        if type_node is not None:
            self._walk_types_only(type_node)
            base = self.type_expr(type_node)
        if body is not None:
            self._literal(body, base)

    def _literal(self, body: Node, base: TypeExpr | None) -> None:
        """Keys of struct literals are field names; of map and slice literals, expressions."""
        if self.depth > MAX_DEPTH:
            return
        self.depth += 1
        try:
            elem = base[-1] if base is not None and base[0] in ("s", "m") else None
            for item in body.named_children:
                if item.type == "keyed_element":
                    kids = [k for k in item.named_children if k.type != "comment"]
                    if len(kids) != 2:  # noqa: PLR2004 - key and value
                        self._walk_children(item)
                        continue
                    key, value = kids
                    key_inner = key.named_children[0] if key.type == "literal_element" and key.named_children else key
                    if key_inner.type == "identifier" and (base is None or base[0] in ("t", "q")):
                        key_ref: Use | None = ("key", base, _text(self.data, key_inner)) if base is not None else None
                        self._use(key_inner, key_ref)
                    else:
                        self._element(key_inner, ("m", None, None) if base and base[0] == "m" else None)
                    self._element(value, elem)
                else:
                    self._element(item, elem)
        finally:
            self.depth -= 1

    def _element(self, node: Node, elem: TypeExpr | None) -> None:
        if node.type == "literal_element" and node.named_children:
            node = node.named_children[0]
        if node.type == "literal_value":
            self._literal(node, elem)
        else:
            self.walk(node)

    def _w_literal_untyped(self, node: Node) -> None:
        self._literal(node, None)

    def _w_keyed_untyped(self, node: Node) -> None:
        self._walk_children(node)

    def _w_func_literal(self, node: Node) -> None:
        self._function_body(node, None)  # a closure scopes like a function without a receiver

    def _w_signature(self, node: Node) -> None:
        for field_name in ("parameters", "result"):
            self._walk_types_only(node.child_by_field_name(field_name))

    def _w_struct_type(self, node: Node) -> None:
        fields = _first_named(node, "field_declaration_list")
        for fd in fields.named_children if fields is not None else ():
            if fd.type == "field_declaration":
                self._walk_types_only(fd.child_by_field_name("type"))

    def _w_interface_type(self, node: Node) -> None:
        for elem in node.named_children:
            if elem.type == "method_elem":
                self._w_signature(elem)
            elif elem.type == "type_elem":
                self._walk_children(elem)

    def _w_labeled(self, node: Node) -> None:
        for child in node.named_children:
            if child.type != "label_name":
                self.walk(child)

    def _w_type_switch(self, node: Node) -> None:
        self.scopes.append({})
        try:
            alias = node.child_by_field_name("alias")
            alias_names = [_text(self.data, n) for n in alias.named_children] if alias is not None else []
            for child in node.named_children:
                if child.type == "type_case":
                    types = child.children_by_field_name("type")
                    scope: dict[str, TypeExpr | None] = {}
                    single = self.type_expr(types[0]) if len(types) == 1 else None
                    for a in alias_names:
                        scope[a] = single
                    self.scopes.append(scope)
                    try:
                        self._walk_children(child)
                    finally:
                        self.scopes.pop()
                elif child.type == "default_case":
                    self.scopes.append(dict.fromkeys(alias_names))
                    try:
                        self._walk_children(child)
                    finally:
                        self.scopes.pop()
                elif child is not alias:
                    self.walk(child)
        finally:
            self.scopes.pop()

    def _w_short_var(self, node: Node) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        values = right.named_children if right is not None else []
        for v in values:
            self.walk(v)
        names = left.named_children if left is not None else []
        self._bind_values(names, values)

    def _bind_values(self, names: list[Node], values: list[Node]) -> None:
        scope = self.scopes[-1] if self.scopes else None
        if scope is None:
            return
        for i, n in enumerate(names):
            if n.type != "identifier":
                continue
            name = _text(self.data, n)
            if name in scope:  # a redeclaration keeps the variable's first type
                continue
            if len(values) == len(names):
                scope[name] = self.type_of(values[i])
            elif len(values) == 1:
                scope[name] = self._multi_value_type(values[0], i)
            else:
                scope[name] = None

    def _multi_value_type(self, value: Node, i: int) -> TypeExpr | None:
        """`a, b := f()`, `v, ok := m[k]`, `v, ok := x.(T)`: the type of the i-th value."""
        if value.type == "call_expression":
            callee = self._callee(value)
            return ("r", callee, i) if callee is not None else None
        if i == 0:
            return self.type_of(value)
        return None

    def _w_range(self, node: Node) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if right is not None:
            self.walk(right)
        if left is None:
            return
        is_define = any(c.type == ":=" for c in node.children)
        if not is_define:
            self.walk(left)
            return
        scope = self.scopes[-1] if self.scopes else None
        if scope is None:
            return
        xtype = self.type_of(right) if right is not None else None
        for i, n in enumerate(left.named_children):
            if n.type == "identifier":
                scope[_text(self.data, n)] = (("rk", xtype) if i == 0 else ("rv", xtype)) if xtype else None

    def _w_receive(self, node: Node) -> None:
        right = node.child_by_field_name("right")
        left = node.child_by_field_name("left")
        if right is not None:
            self.walk(right)
        if left is None:
            return
        if any(c.type == ":=" for c in node.children) and self.scopes:
            for n in left.named_children:
                if n.type == "identifier":
                    self.scopes[-1].setdefault(_text(self.data, n), None)
        else:
            self.walk(left)

    def _w_local_var(self, node: Node) -> None:
        specs = [c for c in node.named_children if c.type == "var_spec"]
        list_node = _first_named(node, "var_spec_list")
        if list_node is not None:
            specs += [c for c in list_node.named_children if c.type == "var_spec"]
        for spec in specs:
            type_node = spec.child_by_field_name("type")
            value = spec.child_by_field_name("value")
            values = value.named_children if value is not None else []
            for v in values:
                self.walk(v)
            names = spec.children_by_field_name("name")
            if type_node is not None:
                self._walk_types_only(type_node)
                t = self.type_expr(type_node)
                if self.scopes:
                    for n in names:
                        self.scopes[-1][_text(self.data, n)] = t
            else:
                self._bind_values(names, values)

    def _w_local_const(self, node: Node) -> None:
        for spec in node.named_children:
            if spec.type != "const_spec":
                continue
            type_node = spec.child_by_field_name("type")
            value = spec.child_by_field_name("value")
            if type_node is not None:
                self._walk_types_only(type_node)
            if value is not None:
                self.walk(value)
            if self.scopes:
                for n in spec.children_by_field_name("name"):
                    self.scopes[-1][_text(self.data, n)] = None

    def _w_local_type(self, node: Node) -> None:
        for spec in node.named_children:
            if spec.type not in ("type_spec", "type_alias"):
                continue
            name = spec.child_by_field_name("name")
            if name is not None and self.scopes:
                self.scopes[-1][_text(self.data, name)] = None
            self._walk_types_only(spec.child_by_field_name("type"))

    # ---- evident types ------------------------------------------------------------------

    def type_expr(self, node: Node | None, level: int = 0) -> TypeExpr | None:
        """The type expression a type node denotes, or None when it is not evident."""
        if level > MAX_DEPTH:
            return None
        depth = 0
        while node is not None and node.type in ("pointer_type", "parenthesized_type") and depth < MAX_DEPTH:
            kids = node.named_children
            node = kids[0] if kids else None
            depth += 1
        if node is None:
            return None
        kind = node.type
        if kind == "type_identifier":
            name = _text(self.data, node)
            return None if self._lookup(name)[0] else ("t", name)
        if kind == "qualified_type":
            pkg, name_node = node.child_by_field_name("package"), node.child_by_field_name("name")
            if pkg is None or name_node is None:
                return None
            return ("q", _text(self.data, pkg), _text(self.data, name_node))
        if kind in ("slice_type", "array_type", "implicit_length_array_type"):
            elem = self.type_expr(node.child_by_field_name("element"), level + 1)
            return ("s", elem) if elem is not None else None
        if kind == "map_type":
            key = self.type_expr(node.child_by_field_name("key"), level + 1)
            value = self.type_expr(node.child_by_field_name("value"), level + 1)
            return ("m", key, value) if value is not None else None
        return None

    def _callee(self, call: Node) -> Expr | None:
        fn = call.child_by_field_name("function")
        if fn is None:
            return None
        return self.type_of(fn)

    def type_of(self, node: Node | None, level: int = 0) -> TypeExpr | None:
        """The evident type of an expression, or None."""
        if level > MAX_DEPTH:
            return None
        depth = 0
        while node is not None and depth < MAX_DEPTH:
            kind = node.type
            if kind == "parenthesized_expression" or (kind == "unary_expression" and self._unary_op(node) in "&*"):
                kids = node.named_children
                node = kids[-1] if kids else None
                depth += 1
                continue
            break
        if node is None or depth >= MAX_DEPTH:
            return None
        kind = node.type
        if kind == "identifier":
            name = _text(self.data, node)
            local, ltype = self._lookup(name)
            return ltype if local else ("g", name)
        if kind == "selector_expression":
            operand, fld = node.child_by_field_name("operand"), node.child_by_field_name("field")
            if operand is None or fld is None:
                return None
            name = _text(self.data, fld)
            if operand.type == "identifier":
                op = _text(self.data, operand)
                local, ltype = self._lookup(op)
                if not local:
                    return ("gx", op, name)
                return ("fv", ltype, name) if ltype is not None else None
            base = self.type_of(operand, level + 1)
            return ("fv", base, name) if base is not None else None
        if kind == "composite_literal":
            return self.type_expr(node.child_by_field_name("type"))
        if kind == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "identifier" and _text(self.data, fn) == "new":
                args = node.child_by_field_name("arguments")
                if args is not None and len(args.named_children) == 1 and not self._lookup("new")[0]:
                    return self.type_expr(args.named_children[0])
                return None
            callee = self.type_of(fn, level + 1)
            return ("r", callee, 0) if callee is not None else None
        if kind == "index_expression":
            base = self.type_of(node.child_by_field_name("operand"), level + 1)
            return ("i", base) if base is not None else None
        if kind in ("type_assertion_expression", "type_conversion_expression"):
            return self.type_expr(node.child_by_field_name("type"))
        return None

    def _unary_op(self, node: Node) -> str:
        op = node.child_by_field_name("operator")
        return _text(self.data, op) if op is not None else "?"

    WALKERS: ClassVar[dict[str, Any]] = {
        "identifier": _w_identifier,
        "type_identifier": _w_identifier,
        "selector_expression": _w_selector,
        "qualified_type": _w_qualified,
        "composite_literal": _w_composite,
        "func_literal": _w_func_literal,
        "type_switch_statement": _w_type_switch,
        "short_var_declaration": _w_short_var,
        "range_clause": _w_range,
        "receive_statement": _w_receive,
        "var_declaration": _w_local_var,
        "const_declaration": _w_local_const,
        "type_declaration": _w_local_type,
        "labeled_statement": _w_labeled,
        "struct_type": _w_struct_type,
        "interface_type": _w_interface_type,
        "function_type": _w_signature,
        "keyed_element": _w_keyed_untyped,
        "literal_value": _w_literal_untyped,
    }
    """Node kind → the method that walks it, as a plain function: an extractor holding its own
    bound methods would be a reference cycle, garbage that only the cyclic collector frees."""
