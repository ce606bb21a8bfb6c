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
