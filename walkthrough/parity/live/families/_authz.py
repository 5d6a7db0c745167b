"""Strategies shared by the authorization families (ABAC, RBAC, authz): users and attribute records.

Every field is one draw from a table (hypothesis's cost is per draw, and these records are drawn
often): the pools the callers give, plus a few odd strings (spaces, non-ASCII, a slash, a look-alike)
standing in for arbitrary text.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "proxy", "", "GET", "*"]
ODD = ["", " ", "\u00e9", "a/b", "\u212a", "x\ty"]
"""Strings no pool holds, drawn where arbitrary text could stand."""


def _weighted(pool: list[str]) -> list[str]:
    """The pool twice, then the odd strings: a draw mostly picks from the pool."""
    return [*pool, *pool, *ODD]


def users(names: list[str], groups: list[str]) -> SearchStrategy[dict[str, Any] | None]:
    """`user.DefaultInfo`s as the vectors write them (`null` for no user, one time in six; groups may be null)."""
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    group_lists: list[list[str] | None] = [None, [], *([g] for g in groups),
                                           *(list(p) for p in itertools.permutations(groups, 2))]
    user = st.builds(lambda n, g: {"name": n, "groups": g}, st.sampled_from(_weighted(names)),
                     st.sampled_from(group_lists))
    return st.builds(lambda present, u: u if present else None, st.integers(0, 5).map(bool), user)


def authz_attributes(names: list[str], groups: list[str], resources: list[str], namespaces: list[str],
                     api_groups: list[str], paths: list[str]) -> SearchStrategy[dict[str, Any]]:
    """Attribute records of resource and non-resource requests, fields drawn from the given pools."""
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    def pick(pool: list[str]) -> Any:
        return st.sampled_from(_weighted(pool))

    return st.fixed_dictionaries({
        "user": users(names, groups), "verb": pick(["get", "get", "list", "create", *VERBS]),
        "namespace": pick(namespaces), "apiGroup": pick(api_groups),
        "apiVersion": st.sampled_from(["v1", "v1beta1", ""]),
        "resource": pick(resources), "subresource": st.sampled_from(["", "", "log", "status"]),
        "name": st.sampled_from(["", "", "web", "p"]), "resourceRequest": st.booleans(), "path": pick(paths),
    })
