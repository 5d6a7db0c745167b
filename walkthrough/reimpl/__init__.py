"""Runnable Python models of the pinned Go code, one module per Go package or area.

Every public class or function names the Go symbol ids it mirrors with `@mirrors(...)`, so that
`explain` and the site can pair an excerpt with its model. The decorator only records; it never
changes behaviour. `walkthrough.book.pairs` finds the pairs by reading the source statically,
without importing the models.

Every model module runs as a demo: `walkthrough run kubernetes.authn` is `python -m
walkthrough.reimpl.kubernetes.authn`. `demos()` lists them and `resolve_demo` reads a name the way
`walkthrough run` and a chapter's `/// run` block both do.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from typing import TYPE_CHECKING, TypeVar

from walkthrough.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")

GO_SYMBOLS_ATTR = "__go_symbols__"
UPSTREAMS = ("kubernetes", "docker")


def mirrors(*symbol_ids: str) -> Callable[[T], T]:
    """Record that the decorated class or function models these Go symbols.

    Ids follow DESIGN.md's grammar in full form, e.g.
    `@mirrors("kubernetes:pkg/api/resource.ParseQuantity")` or
    `@mirrors("kubernetes:vendor/github.com/emicklei/go-restful.CurlyRouter.SelectRoute")`.
    Use string literals only: the pairing is read from the source without importing it.
    """
    if not symbol_ids:
        msg = "mirrors() needs at least one Go symbol id"
        raise TypeError(msg)

    def record(obj: T) -> T:
        setattr(obj, GO_SYMBOLS_ATTR, (*getattr(obj, GO_SYMBOLS_ATTR, ()), *symbol_ids))
        return obj

    return record


def demos() -> list[str]:
    """Every model module, as `upstream.module`, sorted (modules starting with `_` are helpers)."""
    found = []
    for upstream in UPSTREAMS:
        package = importlib.import_module(f"walkthrough.reimpl.{upstream}")
        found += [f"{upstream}.{m.name}" for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")]
    return sorted(found)


def resolve_demo(name: str) -> str:
    """The demo a name means: `kubernetes.authn`, `walkthrough.reimpl.kubernetes.authn` or a unique `authn`.

    Raises:
        UsageError: no such demo, or a short name two upstreams share (with the near matches).
    """
    available = demos()
    name = name.removeprefix("walkthrough.reimpl.")
    if name in available:
        return name
    by_short = [d for d in available if d.split(".", 1)[1] == name]
    if len(by_short) == 1:
        return by_short[0]
    if len(by_short) > 1:
        raise UsageError(f"demo {name!r} is ambiguous: {', '.join(by_short)}")
    near = difflib.get_close_matches(name, available + [d.split(".", 1)[1] for d in available], n=3)
    hint = f"did you mean {' or '.join(near)}?" if near else "run `walkthrough run` to list the demos"
    raise UsageError(f"no demo named {name!r}", hint=hint)
