"""The API installer: APIGroupVersion.InstallREST on fake storages, the installer model beside the real one.

A request is one group version to install (`/api` or `/apis` root, the group's RESTMapper, api.Scheme,
core v1 or another options version) and one to four storages, each implementing one of the harness's
combinations of `rest.*` interfaces (`_storages.combinations`: a covering array of strength 3, plus
no interface and each one alone). A storage's `New()`, `NewList()` and options types come from
api.Scheme: the group's own internal types mostly, and also other groups' (`batch.Job` registered into
extensions too), versioned types, options types, and a type no scheme knows. Keys mix resources,
subresources with and without their parent, and three-segment paths; group versions include every
registered one (enabled by default or not), versions that do not exist, and the internal version;
subresource kind overrides name real and unknown kinds. The answer is the web service's routes, the
aggregate install error and the discovery document, as in `h-apiinstaller-routes.json`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from walkthrough.parity import apiinstaller as golden
from walkthrough.parity.live import LiveFamily
from walkthrough.parity.live.families._storages import combinations
from walkthrough.reimpl.kubernetes import scheme

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

UNREGISTERED = "main.Unregistered"
OPTIONS = ("pkg/api.PodLogOptions", "pkg/api.PodProxyOptions", "pkg/api.NodeProxyOptions", "pkg/api.PodExecOptions",
           "pkg/api.PodAttachOptions", "pkg/api.ServiceProxyOptions", "pkg/api.ListOptions", "pkg/api.DeleteOptions")
KEYS = ("pods", "pods/status", "pods/log", "pods/proxy", "nodes", "nodes/proxy", "deployments", "deployments/scale",
        "jobs", "jobs/status", "widgets", "widgets/status", "orphans/status", "a/b/c", "scale", "x")
BAD_VERSIONS = ("extensions/v1", "apps/v1", "v2", "batch/v1beta1", "extensions/__internal")
METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH")


@cache
def _known_types() -> list[str]:
    """Every type the harness can make: what api.Scheme maps some kind to."""
    return sorted(set(scheme.API_SCHEME.gvk_to_type.values()))


def _group_versions() -> list[str]:
    return [scheme.gv_string(*gv) for meta in scheme.GROUPS.values() for gv in meta.group_versions]


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


@cache
def _internal_types(group: str) -> list[str]:
    return sorted({t for (g, v, _), t in scheme.API_SCHEME.gvk_to_type.items() if g == group and v == scheme.INTERNAL})


@cache
def storages(group: str) -> SearchStrategy[dict[str, Any]]:
    """One storage: a combination of interfaces, types mostly of the group, options, metadata."""
    st = _st()
    own = _internal_types(group) or _internal_types("")
    lists = [t for t in own if t.endswith("List")] or own
    any_type = st.sampled_from([*_known_types(), UNREGISTERED])
    new = st.one_of(st.sampled_from(own), st.sampled_from(own), any_type)
    return st.fixed_dictionaries({
        "key": st.sampled_from(KEYS),
        "interfaces": st.sampled_from(combinations()).map(list),
        "new": new,
        "list": st.one_of(st.sampled_from(lists), st.sampled_from(lists), any_type),
        "get_options": st.one_of(st.sampled_from(OPTIONS), any_type),
        "get_subpath": st.booleans(),
        "connect_options": st.one_of(st.just(""), st.sampled_from(OPTIONS), any_type),
        "connect_subpath": st.booleans(),
        "methods": st.lists(st.sampled_from(METHODS), max_size=3, unique=True),
        "mime_types": st.sampled_from([[], ["text/plain"], ["application/json", "text/plain"]]),
        "produces_object": st.one_of(st.none(), st.just("string"), any_type),
        "kind": st.sampled_from(["", "CustomKind"]),
    })


def requests() -> SearchStrategy[dict[str, Any]]:
    """A group version, its root, the options version, storages and overrides."""
    st = _st()
    group_version = st.one_of(st.sampled_from(_group_versions()), st.sampled_from(_group_versions()),
                              st.sampled_from(BAD_VERSIONS))

    def request(gv: str) -> SearchStrategy[dict[str, Any]]:
        group = gv.rpartition("/")[0]
        return st.fixed_dictionaries({
            "op": st.just("install"),
            "group_version": st.just(gv),
            "root": st.sampled_from(["/api"] if not group else ["/apis", "/apis", "/api"]),
            # an internal version documents internal options types, whose fields the model's table lacks
            "options_external_version": st.sampled_from(["v1"] if gv.endswith(scheme.INTERNAL) else [
                "v1", "v1", None, "batch/v2alpha1", "authentication.k8s.io/v1beta1"]),
            "storages": st.lists(storages(group), min_size=1, max_size=4, unique_by=lambda s: s["key"]),
            "overrides": st.dictionaries(st.sampled_from(KEYS), st.sampled_from(
                ["autoscaling/v1/Scale", "extensions/v1beta1/Scale", "policy/v1beta1/Eviction", "v1/Binding",
                 "apps/v1beta1/Bogus"]), max_size=1),
        })

    return group_version.flatmap(request)


def model(request: dict[str, Any]) -> dict[str, Any]:
    """Install the request through the model (the golden runner's `install_request`)."""
    return golden.install_request(request)


def vector(request: dict[str, Any], answer: Any) -> dict[str, Any]:
    """A live-apiinstaller vector file: the request and the Go's answer."""
    return {"meta": {"functions": "APIGroupVersion.InstallREST on fake storages (live parity)",
                     "source": "k8s.io/kubernetes/pkg/apiserver (Kubernetes v1.5.2)"},
            "vectors": [{"inputs": request, "outputs": answer}]}


FAMILY = LiveFamily(
    name="apiinstaller",
    world="kubernetes",
    what="pkg/apiserver APIGroupVersion.InstallREST / APIInstaller: routes, install errors and discovery",
    requests=requests,
    model=model,
    vector=vector,
)
