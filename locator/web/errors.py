"""One handler turns domain and HTTP errors into {"error": {code, message, field}} or an HTML page."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from locator.errors import LocatorError


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, body: dict):
    if wants_json():
        return jsonify(error=body), status
    try:
        return render_template("error.html", status=status, error=body), status
    except Exception:  # template missing or broken: never fail the error page itself
        return (f"{status} {body.get('message', '')}", status, {"Content-Type": "text/plain; charset=utf-8"})


def init_app(app: Flask) -> None:
    @app.errorhandler(LocatorError)
    def _domain(exc: LocatorError):
        return error_response(exc.status, exc.to_dict())

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, {"code": code, "message": exc.description, "field": None})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return error_response(500, {"code": "internal_error", "message": "internal error", "field": None})
