"""A request id for every request (X-Request-Id, echoed; in error bodies as error.request_id) and one JSON
log line per request on stderr.

What a line holds: time, request id, method, the route's rule (`/partners/<slug>`, never the values in the
path), the endpoint, the names of the query parameters (never their values: free text, places and emails
are personal), status, duration in ms, response bytes and whether an Authorization header came. Never an
address, a cookie, a query value or a form field.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import Flask, Response, current_app, g, has_request_context, request

from locator.web import metrics

log = logging.getLogger("locator.requests")
HEADER = "X-Request-Id"
INCOMING_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")  # a load balancer's id is kept; anything else is replaced


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
    response.headers[HEADER] = request_id() or ""
    endpoint = request.endpoint or "unmatched"
    metrics.observe_request(endpoint, request.method, response.status_code, seconds)
    if current_app.config["LOCATOR"].request_log and log.isEnabledFor(logging.INFO):
        text = json.dumps(line(endpoint, response, seconds), separators=(",", ":"))
        # log.info(text) without its walk up the stack for the caller's file and line (nothing prints them)
        log.handle(log.makeRecord(log.name, logging.INFO, __file__, 0, text, None, None, "_finish"))
    return response


def line(endpoint: str, response: Response, seconds: float) -> dict:
    rule = request.url_rule.rule if request.url_rule is not None else None
    return {
        "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "event": "request",
        "request_id": request_id(),
        "method": request.method,
        "route": rule,
        "endpoint": endpoint,
        "params": sorted(set(request.args.keys()))[:30],
        "status": response.status_code,
        "duration_ms": round(seconds * 1000, 1),
        "bytes": response.calculate_content_length(),
        "authorized": bool(request.headers.get("Authorization")),
    }


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (not the stream of when it was made)."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _configure_logger() -> None:
    """Plain JSON lines on stderr, whatever the root logger does (gunicorn leaves it bare)."""
    if not any(isinstance(h, StderrHandler) for h in log.handlers):
        handler = StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def init_app(app: Flask) -> None:
    _configure_logger()
    app.before_request_funcs.setdefault(None, []).insert(0, _start)  # before any check that may refuse the request
    app.after_request(_finish)
