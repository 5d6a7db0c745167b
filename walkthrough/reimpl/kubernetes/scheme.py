"""The scheme and the REST mappers of Kubernetes v1.5.2, filled as kube-apiserver fills them.

`runtime.Scheme` maps Go types to the kinds they are registered as and back. Each API group's
`register.go` adds its types (`AddKnownTypes(SchemeGroupVersion, &Pod{}, ...)`), the internal
version's and every external version's; some types are registered in several groups
(`batch.Job` and `autoscaling.HorizontalPodAutoscaler` also as `extensions/__internal`, the
`v1.ListOptions` family into every external version). What each `register.go` adds is generated from
the verified sources into `_registrations.py` (`python -m walkthrough.parity._gotables`); this module
replays those calls in the order kube-apiserver's install packages run, so a type's kinds come out
in the order Go's `ObjectKinds` returns them.

Go types are named here by package path and name, `pkg/api/v1.Pod`; `type_string` gives what
reflect prints (`v1.Pod`). A group's RESTMapper (`DefaultRESTMapper`) knows the kinds of the
group's enabled external versions whose Go package lies under the group's import prefix, less the
ignored ones, each namespaced unless listed as root scoped.

Public API:
    Scheme: add_known_types, add_known_type_with_name, add_unversioned_types, object_kinds, new,
            known_types, recognizes
    NotRegisteredError, NoKindMatchError
    RESTMapper(group versions, kinds).rest_mapping(group, kind, *versions) -> (gvk, scope)
    GroupMeta, API_SCHEME (api.Scheme), group(name) -> GroupMeta (registered.Group)

Still simplified: the scheme holds no conversion or defaulting functions (nothing here converts);
the mapper answers `RESTMapping` only (the installer's one call), not resource lookups.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from walkthrough.reimpl import _gofmt as gofmt
from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes._registrations import REGISTRATIONS

INTERNAL = "__internal"
WATCH_EVENT_KIND = "WatchEvent"
UNVERSIONED = ("", "v1")
"""pkg/api.Unversioned: the group version unversioned types are registered under."""

GVK = tuple[str, str, str]


def type_string(type_id: str) -> str:
    """What reflect prints for a Go type: `pkg/api/v1.Pod` -> `v1.Pod`."""
    path, _, name = type_id.rpartition(".")
    return f"{posixpath.basename(path)}.{name}"


def gv_string(group: str, version: str) -> str:
    """`GroupVersion.String()`: just the version for the legacy group."""
    return f"{group}/{version}" if group else version


@mirrors("kubernetes:pkg/runtime.notRegisteredErr")
class NotRegisteredError(Exception):
    """runtime.notRegisteredErr: a kind or a type the scheme does not know."""

    def __init__(self, gvk: GVK | None = None, type_id: str = "") -> None:
        self.gvk, self.type_id = gvk, type_id
        super().__init__(self.text())

    @mirrors("kubernetes:pkg/runtime.notRegisteredErr.Error")
    def text(self) -> str:
        if self.type_id:
            return f"no kind is registered for the type {type_string(self.type_id)}"
        assert self.gvk is not None
        group, version, kind = self.gvk
        if not kind:
            return gofmt.sprintf("no version %q has been registered", gv_string(group, version))
        if version == INTERNAL:
            return gofmt.sprintf("no kind %q is registered for the internal version of group %q", kind, group)
        return gofmt.sprintf("no kind %q is registered for version %q", kind, gv_string(group, version))


@mirrors("kubernetes:pkg/runtime.Scheme")
@dataclass
class Scheme:
    """Kinds to Go types and back; unversioned kinds are found by kind alone."""

    gvk_to_type: dict[GVK, str] = field(default_factory=dict)
    type_to_gvk: dict[str, list[GVK]] = field(default_factory=dict)
    unversioned_types: dict[str, GVK] = field(default_factory=dict)
    unversioned_kinds: dict[str, str] = field(default_factory=dict)

    @mirrors("kubernetes:pkg/runtime.Scheme.AddKnownTypes")
    def add_known_types(self, group: str, version: str, *type_ids: str) -> None:
        """Each type under its own name as the kind; a type may be added again, to the same or another kind."""
        for type_id in type_ids:
            self.add_known_type_with_name((group, version, type_id.rpartition(".")[2]), type_id)

    @mirrors("kubernetes:pkg/runtime.Scheme.AddKnownTypeWithName")
    def add_known_type_with_name(self, gvk: GVK, type_id: str) -> None:
        self.gvk_to_type[gvk] = type_id
        self.type_to_gvk.setdefault(type_id, []).append(gvk)

    @mirrors("kubernetes:pkg/runtime.Scheme.AddUnversionedTypes")
    def add_unversioned_types(self, group: str, version: str, *type_ids: str) -> None:
        self.add_known_types(group, version, *type_ids)
        for type_id in type_ids:
            gvk = (group, version, type_id.rpartition(".")[2])
            self.unversioned_types[type_id] = gvk
            self.unversioned_kinds[gvk[2]] = type_id

    @mirrors("kubernetes:pkg/runtime.Scheme.ObjectKinds")
    def object_kinds(self, type_id: str) -> tuple[list[GVK], bool]:
        """Every kind the type was registered as, in registration order, and whether it is unversioned."""
        if type_id not in self.type_to_gvk:
            raise NotRegisteredError(type_id=type_id)
        return list(self.type_to_gvk[type_id]), type_id in self.unversioned_types

    @mirrors("kubernetes:pkg/runtime.Scheme.New")
    def new(self, gvk: GVK) -> str:
        """The Go type of a kind (an unversioned kind in any group version), or NotRegisteredError."""
        if gvk in self.gvk_to_type:
            return self.gvk_to_type[gvk]
        if gvk[2] in self.unversioned_kinds:
            return self.unversioned_kinds[gvk[2]]
        raise NotRegisteredError(gvk=gvk)

    @mirrors("kubernetes:pkg/runtime.Scheme.KnownTypes")
    def known_types(self, group: str, version: str) -> dict[str, str]:
        return {gvk[2]: t for gvk, t in self.gvk_to_type.items() if gvk[:2] == (group, version)}

    @mirrors("kubernetes:pkg/runtime.Scheme.Recognizes")
    def recognizes(self, gvk: GVK) -> bool:
        return gvk in self.gvk_to_type

    def add_to_scheme(self, package: str) -> None:
        """A package's `AddToScheme`: replay what its register.go adds (see `_registrations`)."""
        for function, (group, version, kind), type_ids in REGISTRATIONS[package]:
            if function == "AddKnownTypes":
                self.add_known_types(group, version, *type_ids)
            elif function == "AddKnownTypeWithName":
                self.add_known_type_with_name((group, version, kind), type_ids[0])
            elif function == "AddUnversionedTypes":
                self.add_unversioned_types(group, version, *type_ids)
            else:
                add_to_group_version(self, group, version)


@mirrors("kubernetes:pkg/watch/versioned.AddToGroupVersion")
def add_to_group_version(scheme: Scheme, group: str, version: str) -> None:
    """The watch event kinds: the external one in the group version, the internal one in the group."""
    scheme.add_known_type_with_name((group, version, WATCH_EVENT_KIND), "pkg/watch/versioned.Event")
    scheme.add_known_type_with_name((group, INTERNAL, WATCH_EVENT_KIND), "pkg/watch/versioned.InternalEvent")


# --- RESTMapper ---------------------------------------------------------------------------------------


@mirrors("kubernetes:pkg/api/meta.NoKindMatchError")
class NoKindMatchError(Exception):
    """`no matches for <group>/, Kind=<kind>`: the mapper has the kind in none of the versions asked."""

    def __init__(self, group: str, kind: str) -> None:
        super().__init__(gofmt.sprintf("no matches for %v", gofmt.group_version_kind(group, "", kind)))


@mirrors("kubernetes:pkg/api/meta.DefaultRESTMapper")
@dataclass
class RESTMapper:
    """One group's mapper: its default (enabled external) versions, each mapped kind's scope."""

    default_group_versions: list[tuple[str, str]]
    kind_to_scope: dict[GVK, str]
    """'namespace' or 'root' per mapped kind."""

    @mirrors("kubernetes:pkg/api/meta.DefaultRESTMapper.RESTMapping")
    def rest_mapping(self, group: str, kind: str, *versions: str) -> tuple[GVK, str]:
        """The first asked version that maps the kind; without one, the mapper's own versions in order."""
        found: GVK | None = None
        had_version = False
        for version in versions:
            if not version or version == INTERNAL:
                continue
            had_version = True
            if (group, version, kind) in self.kind_to_scope:
                found = (group, version, kind)
                break
        if not had_version and found is None:
            for gv_group, gv_version in self.default_group_versions:
                if gv_group == group and (group, gv_version, kind) in self.kind_to_scope:
                    found = (group, gv_version, kind)
                    break
        if found is None:
            raise NoKindMatchError(group, kind)
        return found, self.kind_to_scope[found]


@mirrors("kubernetes:pkg/api.NewDefaultRESTMapperFromScheme")
def new_rest_mapper(scheme: Scheme, versions: list[tuple[str, str]], import_prefix: str, ignored: frozenset[str],
                    root_scoped: frozenset[str]) -> RESTMapper:
    """Every kind of the versions whose Go package path contains the import prefix, less the ignored ones."""
    scopes = {}
    for group, version in versions:
        for kind, type_id in scheme.known_types(group, version).items():
            if import_prefix not in "k8s.io/kubernetes/" + type_id.rpartition(".")[0] or kind in ignored:
                continue
            scopes[group, version, kind] = "root" if kind in root_scoped else "namespace"
    return RESTMapper(list(versions), scopes)


# --- the groups kube-apiserver installs ---------------------------------------------------------------


@mirrors("kubernetes:pkg/apimachinery/announced.GroupMetaFactoryArgs")
@dataclass(frozen=True)
class GroupArgs:
    """What an install package announces: versions in preference order, import prefix, scopes."""

    name: str
    package: str
    """The internal package (`pkg/apis/extensions`); versions are its subpackages."""
    versions: tuple[str, ...]
    root_scoped: frozenset[str] = frozenset()
    ignored: frozenset[str] = frozenset()

    @property
    def import_prefix(self) -> str:
        return "k8s.io/kubernetes/" + self.package


@mirrors("kubernetes:pkg/apimachinery.GroupMeta")
@dataclass
class GroupMeta:
    group_version: tuple[str, str]
    group_versions: list[tuple[str, str]]
    rest_mapper: RESTMapper


CORE = GroupArgs("", "pkg/api", ("v1",), frozenset({"Node", "Namespace", "PersistentVolume", "ComponentStatus"}),
                 frozenset({"ListOptions", "DeleteOptions", "Status", "PodLogOptions", "PodExecOptions",
                            "PodAttachOptions", "PodProxyOptions", "NodeProxyOptions", "ServiceProxyOptions",
                            "ThirdPartyResource", "ThirdPartyResourceData", "ThirdPartyResourceList"}))

# pkg/master/import_known_versions.go's install packages, in the order they run in a binary that
# imports pkg/master (the order only shows in ObjectKinds of a type registered in several groups).
INSTALLED: tuple[GroupArgs, ...] = (
    CORE,
    GroupArgs("apps", "pkg/apis/apps", ("v1beta1",)),
    GroupArgs("authentication.k8s.io", "pkg/apis/authentication", ("v1beta1",), frozenset({"TokenReview"})),
    GroupArgs("authorization.k8s.io", "pkg/apis/authorization", ("v1beta1",),
              frozenset({"SubjectAccessReview", "SelfSubjectAccessReview"})),
    GroupArgs("autoscaling", "pkg/apis/autoscaling", ("v1",)),
    GroupArgs("batch", "pkg/apis/batch", ("v1", "v2alpha1")),
    GroupArgs("certificates.k8s.io", "pkg/apis/certificates", ("v1alpha1",), frozenset({"CertificateSigningRequest"})),
    GroupArgs("componentconfig", "pkg/apis/componentconfig", ("v1alpha1",)),
    GroupArgs("extensions", "pkg/apis/extensions", ("v1beta1",),
              frozenset({"PodSecurityPolicy", "ThirdPartyResource"})),
    GroupArgs("policy", "pkg/apis/policy", ("v1beta1",)),
    GroupArgs("rbac.authorization.k8s.io", "pkg/apis/rbac", ("v1alpha1",),
              frozenset({"ClusterRole", "ClusterRoleBinding"})),
    GroupArgs("storage.k8s.io", "pkg/apis/storage", ("v1beta1",), frozenset({"StorageClass"})),
    GroupArgs("imagepolicy.k8s.io", "pkg/apis/imagepolicy", ("v1alpha1",), frozenset({"ImageReview"})),
)


@mirrors("kubernetes:pkg/apimachinery/announced.GroupMetaFactory.Enable", "kubernetes:pkg/api/install.enableVersions")
def install(scheme: Scheme, args: GroupArgs) -> GroupMeta:
    """Announced groups add their external versions, then the internal one; the core group the other way."""
    versions = [(args.name, v) for v in args.versions]
    if args is CORE:
        scheme.add_to_scheme(args.package)
    for _, version in versions:
        scheme.add_to_scheme(f"{args.package}/{version}")
    if args is not CORE:
        scheme.add_to_scheme(args.package)
    mapper = new_rest_mapper(scheme, versions, args.import_prefix, args.ignored, args.root_scoped)
    return GroupMeta(versions[0], versions, mapper)


def _installed() -> tuple[Scheme, dict[str, GroupMeta]]:
    scheme = Scheme()
    groups = {args.name: install(scheme, args) for args in INSTALLED}
    return scheme, groups


API_SCHEME, GROUPS = _installed()
"""api.Scheme and the registered groups, after every install package of pkg/master has run."""


@mirrors("kubernetes:pkg/apimachinery/registered.APIRegistrationManager.Group")
def group(name: str) -> GroupMeta:
    """The registered group's meta; an unknown group is the Go's error."""
    if name not in GROUPS:
        raise LookupError(f"group {name} has not been registered")
    return GROUPS[name]


def _demo() -> None:
    for type_id in ("pkg/api.Pod", "pkg/apis/batch.Job", "pkg/apis/autoscaling.HorizontalPodAutoscaler",
                    "pkg/api/v1.ListOptions", "main.Bogus"):
        try:
            kinds, _ = API_SCHEME.object_kinds(type_id)
            print(f"{type_string(type_id)}: " + gofmt.sprintf("%v", [gofmt.group_version_kind(*k) for k in kinds]))
        except NotRegisteredError as exc:
            print(f"{type_string(type_id)}: {exc}")
    mapper = group("extensions").rest_mapper
    for kind in ("Deployment", "PodSecurityPolicy", "Bogus"):
        try:
            print(f"extensions RESTMapping {kind}:", mapper.rest_mapping("extensions", kind, "v1beta1"))
        except NoKindMatchError as exc:
            print(f"extensions RESTMapping {kind}: {exc}")


if __name__ == "__main__":
    _demo()
