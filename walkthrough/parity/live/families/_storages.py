"""The fake storages of the apiinstaller harness: which `rest.*` interfaces each one implements.

The installer decides a resource's routes by type assertions on its storage (`storage.(rest.Getter)`),
so a Go storage implementing a given set of interfaces needs a type with exactly that method set: Go
cannot make one at run time. The harness therefore declares one struct type per *combination*,
embedding one small implementation per interface, in `harness/apiinstaller/storages.go`, which this
module writes (`python -m walkthrough.parity.live.families._storages`; a test checks it is current).

A combination is one value per dimension below. Interfaces that cannot be combined in Go (Getter and
GetterWithOptions both declare `Get`, and so on) are alternatives of one dimension; each extra is a
dimension of its own. All 13,824 combinations would make a harness too large to ship, so the harness
declares a covering array of strength 3 (`combinations`): any three dimensions meet in every
combination of their values.
"""

from __future__ import annotations

import itertools
import sys
from functools import cache
from pathlib import Path

DIMENSIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("get", ("", "Getter", "GetterWithOptions")),
    ("list", ("", "Lister")),
    ("create", ("", "Creater", "NamedCreater")),
    ("update", ("", "Updater")),
    ("delete", ("", "Deleter", "GracefulDeleter")),
    ("collection", ("", "CollectionDeleter")),
    ("watch", ("", "Watcher")),
)
EXTRAS = ("Redirector", "Connecter", "StorageMetadata", "Exporter", "KindProvider")

# The Go implementation of each interface: the embedded type, and each method's signature and body
# (the installer never calls a method: the bodies only answer what it asks at install time).
NIL2 = "return nil, nil"
CTX = "ctx api.Context"
IMPLEMENTATIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "Getter": ("getter", [(f"Get({CTX}, name string) (runtime.Object, error)", NIL2)]),
    "GetterWithOptions": ("getterWithOptions", [
        (f"Get({CTX}, name string, opts runtime.Object) (runtime.Object, error)", NIL2),
        ("NewGetOptions() (runtime.Object, bool, string)",
         'return x.c.object(x.c.GetOptions), x.c.GetSubpath, "path"')]),
    "Lister": ("lister", [
        ("NewList() runtime.Object", "return x.c.object(x.c.List)"),
        (f"List({CTX}, options *api.ListOptions) (runtime.Object, error)", NIL2)]),
    "Creater": ("creater", [(f"Create({CTX}, obj runtime.Object) (runtime.Object, error)", NIL2)]),
    "NamedCreater": ("namedCreater", [
        (f"Create({CTX}, name string, obj runtime.Object) (runtime.Object, error)", NIL2)]),
    "Updater": ("updater", [
        (f"Update({CTX}, name string, objInfo rest.UpdatedObjectInfo) (runtime.Object, bool, error)",
         "return nil, false, nil")]),
    "Deleter": ("deleter", [(f"Delete({CTX}, name string) (runtime.Object, error)", NIL2)]),
    "GracefulDeleter": ("gracefulDeleter", [
        (f"Delete({CTX}, name string, options *api.DeleteOptions) (runtime.Object, error)", NIL2)]),
    "CollectionDeleter": ("collectionDeleter", [
        (f"DeleteCollection({CTX}, options *api.DeleteOptions, listOptions *api.ListOptions) (runtime.Object, error)",
         NIL2)]),
    "Watcher": ("watcher", [(f"Watch({CTX}, options *api.ListOptions) (watch.Interface, error)", NIL2)]),
    "Redirector": ("redirector", [
        (f"ResourceLocation({CTX}, id string) (*url.URL, http.RoundTripper, error)", "return nil, nil, nil")]),
    "Connecter": ("connecter", [
        (f"Connect({CTX}, id string, options runtime.Object, r rest.Responder) (http.Handler, error)", NIL2),
        ("NewConnectOptions() (runtime.Object, bool, string)",
         'return x.c.object(x.c.ConnectOptions), x.c.ConnectSubpath, "path"'),
        ("ConnectMethods() []string", "return x.c.Methods")]),
    "StorageMetadata": ("storageMetadata", [
        ("ProducesMIMETypes(verb string) []string", "return x.c.MIMETypes"),
        ("ProducesObject(verb string) interface{}", "return x.c.producedObject()")]),
    "Exporter": ("exporter", [
        (f"Export({CTX}, name string, opts unversioned.ExportOptions) (runtime.Object, error)", NIL2)]),
    "KindProvider": ("kindProvider", [("Kind() string", "return x.c.Kind")]),
}

ALWAYS: tuple[tuple[str, ...], ...] = ((), *((i,) for i in IMPLEMENTATIONS))
"""Declared besides the covering array: a storage with no verb, and each interface alone."""

HARNESS = Path(__file__).resolve().parent.parent / "harness" / "apiinstaller" / "storages.go"


def combination_name(interfaces: tuple[str, ...]) -> str:
    """The harness's key of a combination: its interfaces joined by `+` (`""` for none)."""
    return "+".join(interfaces)


def _all_dimensions() -> list[tuple[str, ...]]:
    """Each dimension's alternatives, the extras as dimensions of their own (absent or present)."""
    return [values for _, values in DIMENSIONS] + [("", extra) for extra in EXTRAS]


@cache
def combinations() -> tuple[tuple[str, ...], ...]:
    """Every declared combination, as the tuple of the interfaces it implements, in dimension order.

    A covering array of strength 3: every choice of three dimensions sees every combination of their
    values in some row. Rows are picked greedily, each the candidate (of a fixed pseudo-random sample)
    covering the most triples not yet covered, so the list is the same on every run.
    """
    dims = _all_dimensions()
    uncovered = {
        (i, j, k, a, b, c)
        for i, j, k in itertools.combinations(range(len(dims)), 3)
        for a, b, c in itertools.product(range(len(dims[i])), range(len(dims[j])), range(len(dims[k])))
    }
    state = 12345
    rows: list[tuple[int, ...]] = []
    while uncovered:
        best: tuple[int, ...] = ()
        best_count = -1
        for _ in range(100):
            # a fixed linear congruential sequence: no dependence on Python's random module
            row = []
            for values in dims:
                state = (state * 1103515245 + 12345) % (1 << 31)
                row.append((state >> 16) % len(values))  # the high bits: the low ones cycle
            count = sum(1 for i, j, k in itertools.combinations(range(len(dims)), 3)
                        if (i, j, k, row[i], row[j], row[k]) in uncovered)
            if count > best_count:
                best, best_count = tuple(row), count
        if best_count == 0:  # the sample missed: take one uncovered triple and fill the rest with zeros
            i, j, k, a, b, c = min(uncovered)
            best = tuple({i: a, j: b, k: c}.get(n, 0) for n in range(len(dims)))
        rows.append(best)
        uncovered -= {(i, j, k, best[i], best[j], best[k]) for i, j, k in itertools.combinations(range(len(dims)), 3)}
    found = list(ALWAYS)
    for chosen in rows:
        interfaces = tuple(dims[n][v] for n, v in enumerate(chosen) if dims[n][v])
        if interfaces not in found:
            found.append(interfaces)
    return tuple(found)


def render() -> str:
    """The Go source of storages.go."""
    lines = [
        "// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.",
        "",
        "// Code generated by python -m walkthrough.parity.live.families._storages; DO NOT EDIT.",
        "",
        "package main",
        "",
        "import (",
        '\t"net/http"',
        '\t"net/url"',
        "",
        '\t"k8s.io/kubernetes/pkg/api"',
        '\t"k8s.io/kubernetes/pkg/api/rest"',
        '\t"k8s.io/kubernetes/pkg/api/unversioned"',
        '\t"k8s.io/kubernetes/pkg/runtime"',
        '\t"k8s.io/kubernetes/pkg/watch"',
        ")",
        "",
    ]
    for interface, (go_type, methods) in IMPLEMENTATIONS.items():
        lines.append(f"// {go_type} implements rest.{interface}.")
        lines.append(f"type {go_type} struct{{ c *config }}")
        lines.append("")
        for signature, body in methods:
            lines.extend([f"func (x {go_type}) {signature} {{", f"\t{body}", "}", ""])
    lines.append("// combinations makes a storage implementing exactly the named interfaces (and rest.Storage).")
    lines.append("var combinations = map[string]func(c *config) rest.Storage{")
    for number, interfaces in enumerate(combinations()):
        embedded = ["base", *(IMPLEMENTATIONS[i][0] for i in interfaces)]
        values = ", ".join(f"{e}{{c}}" for e in embedded)
        lines.append(f'\t"{combination_name(interfaces)}": func(c *config) rest.Storage {{')
        lines.append(f"\t\ttype s{number} struct {{")
        lines.extend(f"\t\t\t{e}" for e in embedded)
        lines.append("\t\t}")
        lines.append(f"\t\treturn &s{number}{{{values}}}")
        lines.append("\t},")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    HARNESS.write_text(render(), encoding="utf-8")
    sys.exit(0)
