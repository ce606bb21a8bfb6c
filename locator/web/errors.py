"""One handler turns domain and HTTP errors into {"error": {code, message, field}} or an HTML page."""
from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from locator.errors import LocatorError, ServiceUnavailable, StoreUnavailable


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path in ("/healthz", "/readyz", "/metrics"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, body: dict):
    from locator.web.request_log import request_id

    body = {**body, "request_id": request_id()}
    if wants_json():
        return jsonify(error=body), status
    try:
        return render_template("error.html", status=status, error=body), status
    except Exception:  # template missing or broken: never fail the error page itself
        return (f"{status} {body.get('message', '')}", status, {"Content-Type": "text/plain; charset=utf-8"})


def init_app(app: Flask) -> None:
    @app.errorhandler(LocatorError)
    def _domain(exc: LocatorError):
        response = error_response(exc.status, exc.to_dict())
        if isinstance(exc, ServiceUnavailable):
            response = make_response(response)
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _store_away(exc: Exception):
        """A route that needs the store while it is unreachable: 503 and when to retry, logged briefly."""
        app.logger.warning("store unavailable for %s: %s", request.path, str(getattr(exc, "orig", exc)).strip()[:200])
        return _domain(StoreUnavailable("the partner store is not reachable right now; please retry shortly"))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, {"code": code, "message": exc.description, "field": None})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return error_response(500, {"code": "internal_error", "message": "internal error", "field": None})
