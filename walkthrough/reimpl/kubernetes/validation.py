"""Validation of Kubernetes v1.5.2 (`pkg/api/validation`, `pkg/util/validation`) for the kinds the apiserver serves.

Each `validate_*` returns a `field.ErrorList` (a list of `FieldError`) in the Go's order; the
registry turns a non-empty one into a 422 (`apierrors.new_invalid`). Objects are the dicts of
`apiv1` (v1 field names, every field present at its Go zero value).

Simplified, and said so: only the fields `apiv1.SCHEMAS` declares are checked (no volumes, probes,
lifecycle hooks, security contexts beyond their defaults, annotations that carry pod features);
where the Go ranges over a map (labels, data keys, resource lists) and reports several errors, their
order is Go's map order, which is random: the model reports them in the map's insertion order.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes import quantity

Obj = dict[str, Any]

# field.ErrorType: the machine-readable reason, and how its message reads.
NOT_FOUND, REQUIRED, DUPLICATE = "FieldValueNotFound", "FieldValueRequired", "FieldValueDuplicate"
INVALID, NOT_SUPPORTED, FORBIDDEN = "FieldValueInvalid", "FieldValueNotSupported", "FieldValueForbidden"
TOO_LONG, INTERNAL = "FieldValueTooLong", "InternalError"
_TYPE_TEXT = {NOT_FOUND: "Not found", REQUIRED: "Required value", DUPLICATE: "Duplicate value",
              INVALID: "Invalid value", NOT_SUPPORTED: "Unsupported value", FORBIDDEN: "Forbidden",
              TOO_LONG: "Too long", INTERNAL: "Internal error"}

IS_NEGATIVE = "must be greater than or equal to 0"
FIELD_IMMUTABLE = "field is immutable"
IS_NOT_INTEGER = "must be an integer"


def go_json(value: Any) -> str:
    """encoding/json.Marshal of a value: compact, UTF-8, with <, > and & escaped as Go escapes them."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@mirrors("kubernetes:pkg/util/validation/field.Error")
@dataclass(frozen=True)
class FieldError:
    """One problem at one field: `spec.containers[0].image: Required value`."""

    type: str
    field: str
    bad_value: Any = ""
    detail: str = ""

    @mirrors("kubernetes:pkg/util/validation/field.Error.ErrorBody")
    def error_body(self) -> str:
        """The message without the field: the type's text, the bad value as JSON where it has one, the detail."""
        text = _TYPE_TEXT[self.type]
        if self.type not in (REQUIRED, FORBIDDEN, TOO_LONG, INTERNAL):
            text += ": " + go_json(self.bad_value)
        return text + (f": {self.detail}" if self.detail else "")

    def __str__(self) -> str:
        return f"{self.field}: {self.error_body()}"


def required(path: str, detail: str = "") -> FieldError:
    return FieldError(REQUIRED, path, "", detail)


def invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError(INVALID, path, value, detail)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(FORBIDDEN, path, "", detail)


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError(DUPLICATE, path, value)


def not_supported(path: str, value: Any, valid: list[str]) -> FieldError:
    return FieldError(NOT_SUPPORTED, path, value, "supported values: " + ", ".join(valid) if valid else "")


# --- pkg/util/validation: names ---------------------------------------------------------------------

_QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE_FMT = f"({_QNAME_FMT})?"
_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"


def regex_error(fmt: str, *examples: str) -> str:
    text = "must match the regex " + fmt
    return text + (" (e.g. " + " or ".join(f"'{e}'" for e in examples) + ")" if examples else "")


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def _matches(fmt: str, value: str) -> bool:
    # Go's regexp `^...$` without the m flag: `$` is the end of the text, as re.fullmatch reads it.
    return re.fullmatch(fmt, value) is not None


@mirrors("kubernetes:pkg/util/validation.IsQualifiedName")
def is_qualified_name(value: str) -> list[str]:
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs += ["prefix part " + msg for msg in is_dns1123_subdomain(prefix)]
    else:
        return [regex_error(_QNAME_FMT, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName'"]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part " + max_len_error(63))
    if not _matches(_QNAME_FMT, name):
        errs.append("name part " + regex_error(_QNAME_FMT, "MyName", "my.name", "123-abc"))
    return errs


@mirrors("kubernetes:pkg/util/validation.IsValidLabelValue")
def is_valid_label_value(value: str) -> list[str]:
    errs = [max_len_error(63)] if len(value) > 63 else []
    if not _matches(_LABEL_VALUE_FMT, value):
        errs.append(regex_error(_LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


@mirrors("kubernetes:pkg/util/validation.IsDNS1123Label")
def is_dns1123_label(value: str) -> list[str]:
    errs = [max_len_error(63)] if len(value) > 63 else []
    if not _matches(_DNS1123_LABEL_FMT, value):
        errs.append(regex_error(_DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


@mirrors("kubernetes:pkg/util/validation.IsDNS1123Subdomain")
def is_dns1123_subdomain(value: str) -> list[str]:
    errs = [max_len_error(253)] if len(value) > 253 else []
    if not _matches(_DNS1123_SUBDOMAIN_FMT, value):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


@mirrors("kubernetes:pkg/util/validation.IsDNS1035Label")
def is_dns1035_label(value: str) -> list[str]:
    errs = [max_len_error(63)] if len(value) > 63 else []
    if not _matches(_DNS1035_LABEL_FMT, value):
        errs.append(regex_error(_DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


@mirrors("kubernetes:pkg/util/validation.IsConfigMapKey")
def is_config_map_key(value: str) -> list[str]:
    errs = [max_len_error(253)] if len(value) > 253 else []
    if not _matches(_CONFIG_MAP_KEY_FMT, value):
        errs.append(regex_error(_CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    if value == ".":
        errs.append("must not be '.'")
    if value == "..":
        errs.append("must not be '..'")
    elif value.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def _mask_trailing_dash(name: str) -> str:
    """maskTrailingDash: a generateName may end in '-' (the Go replaces the last two characters by 'a')."""
    return name[:-2] + "a" if name.endswith("-") else name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    return is_dns1123_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    return is_dns1123_label(_mask_trailing_dash(name) if prefix else name)


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    return is_dns1035_label(_mask_trailing_dash(name) if prefix else name)


# Which names each kind accepts (ValidatePodName, ValidateServiceName, ...).
NAME_FUNCS = {"Pod": name_is_dns_subdomain, "ConfigMap": name_is_dns_subdomain, "Node": name_is_dns_subdomain,
              "ResourceQuota": name_is_dns_subdomain, "Namespace": name_is_dns_label,
              "Service": name_is_dns1035_label}


# --- object meta ------------------------------------------------------------------------------------


@mirrors("kubernetes:pkg/api/unversioned/validation.ValidateLabels")
def validate_labels(labels: dict[str, str] | None, path: str) -> list[FieldError]:
    errs = []
    for key, value in (labels or {}).items():
        errs += [invalid(path, key, msg) for msg in is_qualified_name(key)]
        errs += [invalid(path, value, msg) for msg in is_valid_label_value(value)]
    return errs


@mirrors("kubernetes:pkg/api/validation.ValidateAnnotations")
def validate_annotations(annotations: dict[str, str] | None, path: str) -> list[FieldError]:
    errs = []
    total = 0
    for key, value in (annotations or {}).items():
        errs += [invalid(path, key, msg) for msg in is_qualified_name(key.lower())]
        total += len(key.encode()) + len(value.encode())
    if total > 256 * 1024:
        errs.append(FieldError(TOO_LONG, path, "", "must have at most 262144 characters"))
    return errs


STANDARD_FINALIZERS = ("kubernetes", "orphan")


@mirrors("kubernetes:pkg/api/validation.validateFinalizerName")
def validate_finalizer_name(value: str, path: str) -> list[FieldError]:
    errs = [invalid(path, value, msg) for msg in is_qualified_name(value)]
    if errs:
        return errs
    if len(value.split("/")) == 1 and value not in STANDARD_FINALIZERS:
        return [invalid(path, value, "name is neither a standard finalizer name nor is it fully qualified")]
    return []


@mirrors("kubernetes:pkg/api/validation.ValidateObjectMeta")
def validate_object_meta(meta: Obj, requires_namespace: bool, name_fn: Any, path: str = "metadata") -> list[FieldError]:
    errs = []
    if meta["generateName"]:
        errs += [invalid(f"{path}.generateName", meta["generateName"], msg) for msg in name_fn(meta["generateName"],
                                                                                              True)]
    if not meta["name"]:
        errs.append(required(f"{path}.name", "name or generateName is required"))
    else:
        errs += [invalid(f"{path}.name", meta["name"], msg) for msg in name_fn(meta["name"], False)]
    if requires_namespace:
        if not meta["namespace"]:
            errs.append(required(f"{path}.namespace"))
        else:
            errs += [invalid(f"{path}.namespace", meta["namespace"], msg)
                     for msg in name_is_dns_label(meta["namespace"], False)]
    elif meta["namespace"]:
        errs.append(forbidden(f"{path}.namespace", "not allowed on this type"))
    if meta["clusterName"]:
        errs += [invalid(f"{path}.clusterName", meta["clusterName"], msg)
                 for msg in name_is_dns1035_label(meta["clusterName"], False)]
    if meta["generation"] < 0:
        errs.append(invalid(f"{path}.generation", meta["generation"], IS_NEGATIVE))
    errs += validate_labels(meta["labels"], f"{path}.labels")
    errs += validate_annotations(meta["annotations"], f"{path}.annotations")
    for finalizer in meta["finalizers"] or []:
        errs += validate_finalizer_name(finalizer, f"{path}.finalizers")
    return errs


def validate_immutable(new: Any, old: Any, path: str) -> list[FieldError]:
    """ValidateImmutableField: semantic equality (nil and empty alike for maps and slices)."""
    return [] if (new or None) == (old or None) else [invalid(path, new, FIELD_IMMUTABLE)]


@mirrors("kubernetes:pkg/api/validation.ValidateObjectMetaUpdate")
def validate_object_meta_update(new: Obj, old: Obj, path: str = "metadata") -> list[FieldError]:
    """Repairs what clients may leave out (uid, timestamps), then refuses changes to the immutable fields."""
    errs = []
    if not new["uid"]:  # RepairMalformedUpdates
        new["uid"] = old["uid"]
    if not old["creationTimestamp"]:
        old["creationTimestamp"] = new["creationTimestamp"]
    else:
        new["creationTimestamp"] = old["creationTimestamp"]
    if old["deletionTimestamp"]:
        new["deletionTimestamp"] = old["deletionTimestamp"]
    if old["deletionGracePeriodSeconds"] is not None and new["deletionGracePeriodSeconds"] is None:
        new["deletionGracePeriodSeconds"] = old["deletionGracePeriodSeconds"]
    if new["deletionGracePeriodSeconds"] is not None and new["deletionGracePeriodSeconds"] != \
            old["deletionGracePeriodSeconds"]:
        errs.append(invalid(f"{path}.deletionGracePeriodSeconds", new["deletionGracePeriodSeconds"],
                            "field is immutable; may only be changed via deletion"))
    if new["deletionTimestamp"] and new["deletionTimestamp"] != old["deletionTimestamp"]:
        errs.append(invalid(f"{path}.deletionTimestamp", new["deletionTimestamp"],
                            "field is immutable; may only be changed via deletion"))
    if old["deletionTimestamp"]:
        added = [f for f in new["finalizers"] or [] if f not in (old["finalizers"] or [])]
        if added:
            errs.append(forbidden(f"{path}.finalizers",
                                  f"no new finalizers can be added if the object is being deleted, found new "
                                  f"finalizers {go_json(added)}"))
    if not new["resourceVersion"]:
        errs.append(invalid(f"{path}.resourceVersion", new["resourceVersion"], "must be specified for an update"))
    if new["generation"] < old["generation"]:
        errs.append(invalid(f"{path}.generation", new["generation"], "must not be decremented"))
    for key in ("name", "namespace", "uid", "creationTimestamp", "clusterName"):
        errs += validate_immutable(new[key], old[key], f"{path}.{key}")
    errs += validate_labels(new["labels"], f"{path}.labels")
    errs += validate_annotations(new["annotations"], f"{path}.annotations")
    return errs


# --- resources --------------------------------------------------------------------------------------

STANDARD_CONTAINER_RESOURCES = ("cpu", "memory")
STANDARD_RESOURCES = ("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods",
                      "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
                      "persistentvolumeclaims", "storage", "requests.storage")
STANDARD_QUOTA_RESOURCES = ("cpu", "memory", "requests.cpu", "requests.memory", "requests.storage", "limits.cpu",
                            "limits.memory", "pods", "resourcequotas", "services", "replicationcontrollers",
                            "secrets", "persistentvolumeclaims", "configmaps", "services.nodeports",
                            "services.loadbalancers")
INTEGER_RESOURCES = ("pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
                     "persistentvolumeclaims", "services.nodeports", "services.loadbalancers")
OPAQUE_INT_PREFIX = "pod.alpha.kubernetes.io/opaque-int-resource-"


def _validate_resource_name(value: str, path: str) -> list[FieldError]:
    errs = [invalid(path, value, msg) for msg in is_qualified_name(value)]
    if errs:
        return errs
    if len(value.split("/")) == 1 and value not in STANDARD_RESOURCES:
        return [invalid(path, value, "must be a standard resource type or fully qualified")]
    return []


@mirrors("kubernetes:pkg/api/validation.validateContainerResourceName")
def validate_container_resource_name(value: str, path: str) -> list[FieldError]:
    """The name's own errors are only reported with the container-resource one (as the Go returns them)."""
    errs = _validate_resource_name(value, path)
    if len(value.split("/")) == 1 and value not in STANDARD_CONTAINER_RESOURCES:
        return [*errs, invalid(path, value, "must be a standard resource for containers")]
    return []


@mirrors("kubernetes:pkg/api/validation.ValidateResourceQuotaResourceName")
def validate_resource_quota_resource_name(value: str, path: str) -> list[FieldError]:
    errs = _validate_resource_name(value, path)
    if len(value.split("/")) == 1 and value not in STANDARD_QUOTA_RESOURCES:
        return [*errs, invalid(path, value, "must be a standard resource for quota")]
    return []


@mirrors("kubernetes:pkg/api/validation.ValidateResourceQuantityValue")
def validate_resource_quantity_value(resource: str, value: str, path: str) -> list[FieldError]:
    amount = quantity.parse_quantity(value)
    errs = []
    if amount.sign() < 0:
        errs.append(invalid(path, value, IS_NEGATIVE))
    if (resource in INTEGER_RESOURCES or resource.startswith(OPAQUE_INT_PREFIX)) and amount.milli_value() % 1000:
        errs.append(invalid(path, value, IS_NOT_INTEGER))
    return errs


@mirrors("kubernetes:pkg/api/validation.ValidateResourceRequirements")
def validate_resource_requirements(resources: Obj, path: str) -> list[FieldError]:
    errs = []
    limits, requests = resources["limits"] or {}, resources["requests"] or {}
    for name, value in limits.items():
        where = f"{path}.limits[{name}]"
        errs += validate_container_resource_name(name, where)
        errs += validate_resource_quantity_value(name, value, where)
        if name in requests:
            if name == "alpha.kubernetes.io/nvidia-gpu" and quantity.parse_quantity(value).cmp(
                    quantity.parse_quantity(requests[name])) != 0:
                errs.append(invalid(f"{path}.requests", requests[name], f"must be equal to {name} limit"))
            elif quantity.parse_quantity(value).cmp(quantity.parse_quantity(requests[name])) < 0:
                errs.append(invalid(f"{path}.limits", value, f"must be greater than or equal to {name} request"))
    for name, value in requests.items():
        where = f"{path}.requests[{name}]"
        errs += validate_container_resource_name(name, where)
        errs += validate_resource_quantity_value(name, value, where)
    return errs


# --- pods -------------------------------------------------------------------------------------------

PULL_POLICIES = ["Always", "IfNotPresent", "Never"]


@mirrors("kubernetes:pkg/api/validation.validateContainers")
def validate_containers(containers: list[Obj] | None, path: str) -> list[FieldError]:
    if not containers:
        return [required(path)]
    errs: list[FieldError] = []
    names: set[str] = set()
    for index, container in enumerate(containers):
        where = f"{path}[{index}]"
        if not container["name"]:
            errs.append(required(f"{where}.name"))
        else:
            errs += [invalid(f"{where}.name", container["name"], msg) for msg in is_dns1123_label(container["name"])]
        if container["name"] in names:
            errs.append(duplicate(f"{where}.name", container["name"]))
        else:
            names.add(container["name"])
        if not container["image"]:
            errs.append(required(f"{where}.image"))
        policy = container["imagePullPolicy"]
        if not policy:
            errs.append(required(f"{where}.imagePullPolicy"))
        elif policy not in PULL_POLICIES:
            errs.append(not_supported(f"{where}.imagePullPolicy", policy, PULL_POLICIES))
        errs += validate_resource_requirements(container["resources"], f"{where}.resources")
    return errs


@mirrors("kubernetes:pkg/api/validation.ValidatePodSpec")
def validate_pod_spec(spec: Obj, path: str = "spec") -> list[FieldError]:
    errs = validate_containers(spec["containers"], f"{path}.containers")
    restart = spec["restartPolicy"]
    if not restart:
        errs.append(required(f"{path}.restartPolicy"))
    elif restart not in ("Always", "OnFailure", "Never"):
        errs.append(not_supported(f"{path}.restartPolicy", restart, ["Always", "OnFailure", "Never"]))
    dns = spec["dnsPolicy"]
    if not dns:
        errs.append(required(f"{path}.dnsPolicy"))
    elif dns not in ("ClusterFirst", "Default"):
        errs.append(not_supported(f"{path}.dnsPolicy", dns, ["ClusterFirst", "Default"]))
    errs += validate_labels(spec["nodeSelector"], f"{path}.nodeSelector")
    if spec["nodeName"]:
        errs += [invalid(f"{path}.nodeName", spec["nodeName"], msg) for msg in
                 name_is_dns_subdomain(spec["nodeName"], False)]
    deadline = spec["activeDeadlineSeconds"]
    if deadline is not None and deadline <= 0:
        errs.append(invalid(f"{path}.activeDeadlineSeconds", deadline, "must be greater than 0"))
    for key in ("hostname", "subdomain"):
        if spec[key]:
            errs += [invalid(f"{path}.{key}", spec[key], msg) for msg in is_dns1123_label(spec[key])]
    return errs


@mirrors("kubernetes:pkg/api/validation.ValidatePod")
def validate_pod(pod: Obj) -> list[FieldError]:
    return validate_object_meta(pod["metadata"], True, name_is_dns_subdomain) + validate_pod_spec(pod["spec"])


@mirrors("kubernetes:pkg/api/validation.ValidateContainerUpdates")
def validate_container_updates(new: list[Obj] | None, old: list[Obj] | None, path: str) -> tuple[list[FieldError],
                                                                                                  bool]:
    if len(new or []) != len(old or []):
        return [forbidden(path, "pod updates may not add or remove containers")], True
    return [required(f"{path}[{i}].image") for i, c in enumerate(new or []) if not c["image"]], False


@mirrors("kubernetes:pkg/api/validation.ValidatePodUpdate")
def validate_pod_update(new: Obj, old: Obj) -> list[FieldError]:
    """Only `containers[*].image` and a shorter `activeDeadlineSeconds` may change; nothing may be added."""
    errs = validate_object_meta_update(new["metadata"], old["metadata"])
    new_spec, old_spec = new["spec"], old["spec"]
    container_errs, stop = validate_container_updates(new_spec["containers"], old_spec["containers"],
                                                      "spec.containers")
    errs += container_errs
    if stop:
        return errs
    new_deadline, old_deadline = new_spec["activeDeadlineSeconds"], old_spec["activeDeadlineSeconds"]
    if new_deadline is not None:
        if new_deadline < 0:
            return [*errs, invalid("spec.activeDeadlineSeconds", new_deadline, IS_NEGATIVE)]
        if old_deadline is not None and old_deadline < new_deadline:
            return [*errs, invalid("spec.activeDeadlineSeconds", new_deadline,
                                   "must be less than or equal to previous value")]
    elif old_deadline is not None:
        errs.append(invalid("spec.activeDeadlineSeconds", None, "must not update from a positive integer to nil value"))
    munged = {**new_spec, "activeDeadlineSeconds": old_deadline,
              "containers": [{**c, "image": o["image"]} for c, o in zip(new_spec["containers"] or [],
                                                                         old_spec["containers"] or [], strict=True)]}
    if not semantic_equal(munged, old_spec):
        errs.append(forbidden("spec", "pod updates may not change fields other than `containers[*].image` or "
                                      "`spec.activeDeadlineSeconds`"))
    return errs


def semantic_equal(a: Any, b: Any) -> bool:
    """api.Semantic.DeepEqual: nil and empty maps and slices are equal, quantities by value."""
    if isinstance(a, dict) and isinstance(b, dict):
        return all(semantic_equal(a.get(k), b.get(k)) for k in a.keys() | b.keys())
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(semantic_equal(x, y) for x, y in zip(a, b, strict=True))
    if a in (None, {}, []) and b in (None, {}, []):
        return True
    return bool(a == b)


@mirrors("kubernetes:pkg/api/validation.ValidatePodStatusUpdate")
def validate_pod_status_update(new: Obj, old: Obj) -> list[FieldError]:
    errs = validate_object_meta_update(new["metadata"], old["metadata"])
    if new["spec"]["nodeName"] != old["spec"]["nodeName"]:
        errs.append(forbidden("status.nodeName", "may not be changed directly"))
    new["spec"] = old["spec"]
    return errs


# --- the other kinds --------------------------------------------------------------------------------


@mirrors("kubernetes:pkg/api/validation.ValidateNamespace")
def validate_namespace(namespace: Obj) -> list[FieldError]:
    errs = validate_object_meta(namespace["metadata"], False, name_is_dns_label)
    for finalizer in namespace["spec"]["finalizers"] or []:
        errs += validate_finalizer_name(finalizer, "spec.finalizers")
    return errs


@mirrors("kubernetes:pkg/api/validation.ValidateNamespaceUpdate")
def validate_namespace_update(new: Obj, old: Obj) -> list[FieldError]:
    errs = validate_object_meta_update(new["metadata"], old["metadata"])
    new["spec"]["finalizers"] = old["spec"]["finalizers"]
    new["status"] = old["status"]
    return errs


@mirrors("kubernetes:pkg/api/validation.ValidateConfigMap")
def validate_config_map(config_map: Obj) -> list[FieldError]:
    errs = validate_object_meta(config_map["metadata"], True, name_is_dns_subdomain)
    total = 0
    for key, value in (config_map["data"] or {}).items():
        errs += [invalid(f"data[{key}]", key, msg) for msg in is_config_map_key(key)]
        total += len(value.encode())
    if total > 1024 * 1024:
        errs.append(FieldError(TOO_LONG, "data", "", "must have at most 1048576 characters"))
    return errs


@mirrors("kubernetes:pkg/api/validation.ValidateConfigMapUpdate")
def validate_config_map_update(new: Obj, old: Obj) -> list[FieldError]:
    return validate_object_meta_update(new["metadata"], old["metadata"]) + validate_config_map(new)


def _validate_quota_resources(resources: dict[str, str] | None, path: str) -> list[FieldError]:
    errs = []
    for name, value in (resources or {}).items():
        errs += validate_resource_quota_resource_name(name, f"{path}[{name}]")
        errs += validate_resource_quantity_value(name, value, f"{path}[{name}]")
    return errs


QUOTA_SCOPES = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort")
_SCOPE_RESOURCES = {"Terminating": ("pods", "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu",
                                    "limits.memory"),
                    "BestEffort": ("pods",)}
_SCOPE_RESOURCES["NotTerminating"] = _SCOPE_RESOURCES["Terminating"]
_SCOPE_RESOURCES["NotBestEffort"] = _SCOPE_RESOURCES["Terminating"]


@mirrors("kubernetes:pkg/api/validation.validateResourceQuotaScopes")
def validate_resource_quota_scopes(spec: Obj, path: str) -> list[FieldError]:
    scopes = spec["scopes"] or []
    if not scopes:
        return []
    errs = []
    hard = sorted(spec["hard"] or {})
    for scope in scopes:
        if scope not in QUOTA_SCOPES:
            errs.append(invalid(f"{path}.scopes", scopes, "unsupported scope"))
        errs += [invalid(f"{path}.scopes", scopes, "unsupported scope applied to resource") for name in hard
                 if name in STANDARD_QUOTA_RESOURCES and name not in _SCOPE_RESOURCES.get(scope, ())]
    pairs = (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating"))
    return errs + [invalid(f"{path}.scopes", scopes, "conflicting scopes")
                   for pair in pairs if set(pair) <= set(scopes)]


@mirrors("kubernetes:pkg/api/validation.ValidateResourceQuota")
def validate_resource_quota(quota: Obj) -> list[FieldError]:
    errs = validate_object_meta(quota["metadata"], True, name_is_dns_subdomain)
    errs += _validate_quota_resources(quota["spec"]["hard"], "spec.hard")
    errs += validate_resource_quota_scopes(quota["spec"], "spec")
    errs += _validate_quota_resources(quota["status"]["hard"], "status.hard")
    return errs + _validate_quota_resources(quota["status"]["used"], "status.used")


@mirrors("kubernetes:pkg/api/validation.ValidateResourceQuotaUpdate")
def validate_resource_quota_update(new: Obj, old: Obj) -> list[FieldError]:
    errs = validate_object_meta_update(new["metadata"], old["metadata"])
    errs += _validate_quota_resources(new["spec"]["hard"], "spec.hard")
    errs += validate_resource_quota_scopes(new["spec"], "spec")
    if set(new["spec"]["scopes"] or []) != set(old["spec"]["scopes"] or []):
        errs.append(invalid("spec.scopes", new["spec"]["scopes"], FIELD_IMMUTABLE))
    new["status"] = old["status"]
    return errs


@mirrors("kubernetes:pkg/api/validation.ValidateResourceQuotaStatusUpdate")
def validate_resource_quota_status_update(new: Obj, old: Obj) -> list[FieldError]:
    errs = validate_object_meta_update(new["metadata"], old["metadata"])
    if not new["metadata"]["resourceVersion"]:
        errs.append(required("resourceVersion"))
    errs += _validate_quota_resources(new["status"]["hard"], "status.hard")
    errs += _validate_quota_resources(new["status"]["used"], "status.used")
    new["spec"] = old["spec"]
    return errs


@mirrors("kubernetes:pkg/api/validation.ValidateNode")
def validate_node(node: Obj) -> list[FieldError]:
    errs = validate_object_meta(node["metadata"], False, name_is_dns_subdomain)
    if not node["spec"]["externalID"]:
        errs.append(required("spec.externalID"))
    return errs


@mirrors("kubernetes:pkg/api/validation.ValidateNodeUpdate")
def validate_node_update(new: Obj, old: Obj) -> list[FieldError]:
    """Labels, capacity, unschedulable and the status may change; podCIDR only from empty."""
    errs = validate_object_meta_update(new["metadata"], old["metadata"])
    for key in ("capacity", "allocatable"):
        for name, value in (new["status"][key] or {}).items():
            errs += validate_resource_quantity_value(name, value, f"status.{key}.{name}")
    if not old["spec"]["podCIDR"]:
        old["spec"]["podCIDR"] = new["spec"]["podCIDR"]
    elif old["spec"]["podCIDR"] != new["spec"]["podCIDR"]:
        errs.append(forbidden("spec.podCIDR", 'node updates may not change podCIDR except from "" to valid'))
    old["metadata"] = new["metadata"]
    old["spec"]["unschedulable"] = new["spec"]["unschedulable"]
    old["status"] = new["status"]
    if not semantic_equal(old, new):
        errs.append(forbidden("[]", "node updates may only change labels or capacity"))  # field.NewPath("")
    return errs


def _demo() -> None:
    from walkthrough.reimpl.kubernetes import apiv1  # noqa: PLC0415 - the demo decodes its pods

    pod, _ = apiv1.decode(b'{"metadata": {"name": "Web_1", "labels": {"app": "web"}}, "spec": {"containers": '
                          b'[{"name": "web", "image": ""}, {"name": "web", "image": "nginx"}]}}', "", "v1", "Pod")
    print("ValidatePod of a pod named Web_1 with two containers named web, one without an image:")
    for err in validate_pod(pod):
        print("  ", err)
    old, _ = apiv1.decode(b'{"metadata": {"name": "web", "resourceVersion": "7"}, "spec": {"containers": '
                          b'[{"name": "web", "image": "nginx"}, {"name": "log", "image": "busybox"}]}}',
                          "", "v1", "Pod")
    new = json.loads(json.dumps(old))
    new["spec"]["containers"] = new["spec"]["containers"][:1]
    print("ValidatePodUpdate dropping the log container:")
    for err in validate_pod_update(new, old):
        print("  ", err)
    new = json.loads(json.dumps(old))
    new["spec"]["containers"][0]["image"] = "nginx:1.11"
    print("ValidatePodUpdate changing an image:", validate_pod_update(new, old) or "no errors")


if __name__ == "__main__":
    _demo()
