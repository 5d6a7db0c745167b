"""Runnable Python models of the pinned Go code, one module per Go package or area.

Every public class or function names the Go symbol ids it mirrors with `@mirrors(...)`, so that
`explain` and the site can pair an excerpt with its model. The decorator only records; it never
changes behaviour. `walkthrough.book.pairs` finds the pairs by reading the source statically,
without importing the models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")

GO_SYMBOLS_ATTR = "__go_symbols__"


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
