"""The reference language: what a use of a name refers to, before the index knows the other files.

`walkthrough.golang.parse` writes an expression for every use that may refer to a declaration
outside its function; `walkthrough.golang.resolve` reads them once every file of the tree is parsed.
They are plain tuples tagged by their first item (marshal persists them as they are, with no copy
into objects, in the per-blob parse cache); the aliases below are their types, which mypy checks
wherever an expression is built or taken apart.

Uses:

    ("id", name)            a name of package scope (or dot import), e.g. `New` or `Config`
    ("x", X, name)          `X.name` where X is not local: an import, or a package-level var/type
    ("f", base, name)       `v.name` where v's type is the type expression `base`
    ("key", base, name)     a key in a composite literal of type `base` (a struct field)

Type expressions, written relative to the file they appear in:

    ("t", name) ("q", alias, name)       a named type, local to the package or imported
    ("s", elem) ("m", key, value)        slice/array and map types (pointers are dropped)
    ("g", name) ("gx", X, name)          the type of a package-level value (var, func, type)
    ("r", callee, i)                     result i of a call (a conversion when callee is a type)
    ("i", x) ("rk", x) ("rv", x)         index, range key and range value of a value of type x
    ("fv", base, name)                   the type of field or method `name` of type `base`

A part that is not evident is None; an expression whose whole meaning is not evident is not
written at all: a missing link is acceptable, a wrong link is not.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

Named: TypeAlias = tuple[Literal["t"], str]
Qualified: TypeAlias = tuple[Literal["q"], str, str]
SliceOf: TypeAlias = "tuple[Literal['s'], TypeExpr | None]"
MapOf: TypeAlias = "tuple[Literal['m'], TypeExpr | None, TypeExpr | None]"
ValueType: TypeAlias = tuple[Literal["g"], str]
ImportedValueType: TypeAlias = tuple[Literal["gx"], str, str]
CallResult: TypeAlias = "tuple[Literal['r'], Expr, int]"
Element: TypeAlias = "tuple[Literal['i', 'rk', 'rv'], TypeExpr]"
MemberType: TypeAlias = "tuple[Literal['fv'], TypeExpr, str]"

TypeExpr: TypeAlias = (
    "Named | Qualified | SliceOf | MapOf | ValueType | ImportedValueType | CallResult | Element | MemberType"
)
"""The type of a value, as far as the file shows it."""

Ident: TypeAlias = tuple[Literal["id"], str]
Selector: TypeAlias = tuple[Literal["x"], str, str]
FieldOf: TypeAlias = "tuple[Literal['f'], TypeExpr, str]"
KeyOf: TypeAlias = "tuple[Literal['key'], TypeExpr, str]"

Use: TypeAlias = "Ident | Selector | FieldOf | KeyOf"
"""What one use of a name refers to."""

Expr: TypeAlias = "Use | TypeExpr"
"""Any expression of the language (a call's callee is either)."""
