"""API errors of Kubernetes v1.5.2 (`pkg/api/errors`): errors that carry the `Status` the client receives.

A `StatusError` holds the Status as encoding/json writes it (`apiv1.encode("Status", ...)`): empty
fields left out, so a core-group NotFound has no `details.group`, an error without a reason no `reason`.
"""

from __future__ import annotations

import json
from typing import Any

from walkthrough.reimpl import mirrors
from walkthrough.reimpl.kubernetes import apiv1

Obj = dict[str, Any]


@mirrors("kubernetes:pkg/api/errors.StatusError")
class StatusError(Exception):
    """An error that carries the `Status` object the client receives."""

    def __init__(self, status: Obj) -> None:
        super().__init__(status.get("message", ""))
        self.status = status

    @property
    def code(self) -> int:
        return int(self.status.get("code", 0))

    @property
    def reason(self) -> str:
        return self.status.get("reason", "")


def status_error(code: int, reason: str, message: str, details: Obj | None = None) -> StatusError:
    """A Failure Status with these fields, encoded as the Go encodes it."""
    status = apiv1.new_status()
    status.update(status="Failure", message=message, reason=reason, code=code)
    if details is not None:
        status["details"] = {**apiv1.zero("StatusDetails"), **details}
    return StatusError(apiv1.encode("Status", status))


@mirrors("kubernetes:pkg/api/unversioned.GroupResource.String")
def qualified(resource: str, group: str = "") -> str:
    """`GroupResource.String()`: `pods`, or `deployments.extensions` for a named group."""
    return f"{resource}.{group}" if group else resource


def go_quote(text: str) -> str:
    """Go's `%q` for the plain names used in API messages."""
    return json.dumps(text, ensure_ascii=False)


@mirrors("kubernetes:pkg/api/errors.NewNotFound")
def new_not_found(resource: str, name: str, group: str = "") -> StatusError:
    return status_error(404, "NotFound", f"{qualified(resource, group)} {go_quote(name)} not found",
                        {"name": name, "group": group, "kind": resource})


@mirrors("kubernetes:pkg/api/errors.NewAlreadyExists")
def new_already_exists(resource: str, name: str, group: str = "") -> StatusError:
    return status_error(409, "AlreadyExists", f"{qualified(resource, group)} {go_quote(name)} already exists",
                        {"name": name, "group": group, "kind": resource})


@mirrors("kubernetes:pkg/api/errors.NewConflict")
def new_conflict(resource: str, name: str, err: str, group: str = "") -> StatusError:
    return status_error(409, "Conflict",
                        f"Operation cannot be fulfilled on {qualified(resource, group)} {go_quote(name)}: {err}",
                        {"name": name, "group": group, "kind": resource})


@mirrors("kubernetes:pkg/api/errors.NewForbidden")
def new_forbidden(resource: str, name: str, err: str, group: str = "") -> StatusError:
    return status_error(403, "Forbidden", f"{qualified(resource, group)} {go_quote(name)} is forbidden: {err}",
                        {"name": name, "group": group, "kind": resource})


@mirrors("kubernetes:pkg/api/errors.NewBadRequest")
def new_bad_request(reason: str) -> StatusError:
    return status_error(400, "BadRequest", reason)


@mirrors("kubernetes:pkg/api/errors.NewInternalError")
def new_internal_error(err: str) -> StatusError:
    return status_error(500, "InternalError", f"Internal error occurred: {err}", {"causes": [{"message": err}]})


@mirrors("kubernetes:pkg/api/errors.NewTimeoutError")
def new_timeout_error(message: str, retry_after_seconds: int = 0) -> StatusError:
    details = {"retryAfterSeconds": retry_after_seconds} if retry_after_seconds else {}
    return status_error(504, "Timeout", f"Timeout: {message}", details)


@mirrors("kubernetes:pkg/api/errors.NewMethodNotSupported")
def new_method_not_supported(resource: str, action: str, group: str = "") -> StatusError:
    return status_error(405, "MethodNotAllowed",
                        f"{action} is not supported on resources of kind {go_quote(qualified(resource, group))}",
                        {"group": group, "kind": resource})


@mirrors("kubernetes:pkg/api/errors.NewInvalid")
def new_invalid(group: str, kind: str, name: str, errs: list[Any]) -> StatusError:
    """422: one cause per field error; the message joins them as `field.ErrorList.ToAggregate()` does."""
    causes = [{"reason": err.type, "message": err.error_body(), "field": err.field} for err in errs]
    what = f"{kind}.{group}" if group else kind
    joined = str(errs[0]) if len(errs) == 1 else "[" + ", ".join(str(err) for err in errs) + "]"
    return status_error(422, "Invalid", f"{what} {go_quote(name)} is invalid: {joined}",
                        {"name": name, "group": group, "kind": kind, "causes": causes})


@mirrors("kubernetes:pkg/api/errors.FromObject")
def from_object(status: Obj) -> StatusError:
    return StatusError(status)


@mirrors("kubernetes:pkg/apiserver.errToAPIStatus")
def err_to_api_status(err: BaseException) -> Obj:
    """A StatusError keeps its Status (zero code filled from success/failure); anything else is a 500."""
    if isinstance(err, StatusError):
        status = dict(err.status)
        status.setdefault("status", "Failure")
        if not status.get("code"):
            status["code"] = 200 if status["status"] == "Success" else 500
        return status
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": str(err),
            "code": 500}


def go_error(err: BaseException | str) -> StatusError:
    """A plain Go `error` (not a Status) as the client gets it: errToAPIStatus makes it a 500 with its text."""
    return StatusError(err_to_api_status(err if isinstance(err, BaseException) else Exception(err)))


def _demo() -> None:
    for err in (new_not_found("pods", "web"), new_already_exists("pods", "web"),
                new_conflict("pods", "web", "the object has been modified"), new_bad_request("bad body"),
                new_method_not_supported("services", "deletecollection")):
        print(f"{err.code} {err.reason:16} {json.dumps(err.status)}")
    print("a plain Go error:", json.dumps(err_to_api_status(ValueError("boom"))))


if __name__ == "__main__":
    _demo()
