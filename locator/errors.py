"""Domain errors carry their HTTP status; the web layer turns them into JSON or HTML."""
from __future__ import annotations


class LocatorError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": self.message, "field": self.field}
        body.update(self.extra)
        return body


class InvalidParameter(LocatorError):
    status = 400
    code = "invalid_parameter"


class UnknownPlace(LocatorError):
    status = 400
    code = "unknown_place"


class NotFound(LocatorError):
    status = 404
    code = "not_found"


class PayloadTooLarge(LocatorError):
    status = 413
    code = "payload_too_large"


class UriTooLong(LocatorError):
    status = 414
    code = "uri_too_long"


class Unauthorized(LocatorError):
    status = 401
    code = "unauthorized"


class SetupError(RuntimeError):
    """A missing system piece (SpatiaLite, PostGIS, sqlite extension loading), with its fix."""


class ServiceUnavailable(LocatorError):
    """The part of the service a request needs is away for now; `retry_after` seconds is a fair wait."""

    status = 503
    code = "service_unavailable"

    def __init__(self, message: str, field: str | None = None, retry_after: int = 5, **extra):
        super().__init__(message, field, **extra)
        self.retry_after = retry_after


class StoreUnavailable(ServiceUnavailable):
    code = "store_unavailable"


class IndexUnavailable(ServiceUnavailable):
    code = "index_unavailable"
