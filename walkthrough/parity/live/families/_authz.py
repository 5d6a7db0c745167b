"""Strategies shared by the authorization families (ABAC, RBAC): users and attribute records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "proxy", "", "GET", "*"]


def users(names: list[str], groups: list[str]) -> SearchStrategy[dict[str, Any] | None]:
    """`user.DefaultInfo`s as the vectors write them (`null` for no user; groups may be null)."""
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    name = st.one_of(st.sampled_from(names), st.sampled_from(names), st.text(max_size=4))
    group_list = st.one_of(st.none(), st.lists(st.sampled_from(groups), min_size=1, max_size=3),
                           st.lists(st.sampled_from(groups), max_size=3))
    user = st.builds(lambda n, g: {"name": n, "groups": g}, name, group_list)
    return st.builds(lambda present, u: u if present else None, st.integers(0, 5).map(bool), user)


def authz_attributes(names: list[str], groups: list[str], resources: list[str], namespaces: list[str],
                     api_groups: list[str], paths: list[str]) -> SearchStrategy[dict[str, Any]]:
    """Attribute records of resource and non-resource requests, fields drawn from the given pools."""
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    def pick(pool: list[str]) -> Any:
        return st.one_of(st.sampled_from(pool), st.sampled_from(pool), st.text(max_size=3))

    return st.fixed_dictionaries({
        "user": users(names, groups), "verb": st.one_of(st.sampled_from(["get", "get", "list", "create"]), pick(VERBS)),
        "namespace": pick(namespaces),
        "apiGroup": pick(api_groups), "apiVersion": st.sampled_from(["v1", "v1beta1", ""]),
        "resource": pick(resources), "subresource": st.sampled_from(["", "", "log", "status"]),
        "name": st.sampled_from(["", "", "web", "p"]), "resourceRequest": st.booleans(), "path": pick(paths),
    })
