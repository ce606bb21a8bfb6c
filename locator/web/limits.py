"""Per-client rate limits (Flask-Limiter): which routes count against which limit, and the 429 they get.

The limits are settings (`ratelimit_*`, Flask-Limiter's "N/minute;M/hour" syntax). Search routes share one
budget per client (the API, the search page, the seller search and its CSV export), so a client cannot
double it by switching surface. Every form post counts too: posts to a sign-in endpoint against
`ratelimit_sign_in`, any other post against `ratelimit_forms`, so a form added later is limited without
being listed here. Counters live in `ratelimit_storage_uri`: per process by default, one shared store
(redis://) for a fleet. A storage outage lets requests through (logged), it never fails them.

The client is the connection's peer address, or with `proxy_hops` = N the address N hops from the right
of X-Forwarded-For (what the proxies in front saw); keys are hashed, so the counter store holds no address.
"""
from __future__ import annotations

import hashlib
import math
import threading
import time

from flask import Flask, Response, current_app, make_response, request
from flask_limiter import Limiter, RateLimitExceeded
from limits.storage import MemoryStorage

from locator import metrics
from locator.config import Config
from locator.web.errors import error_response

SEARCH_ENDPOINTS = {"api.search", "pages.index", "seller.index", "seller.export"}
ENDPOINT_LIMITS = {"api.suggest": "suggest", "api.geocode": "geocode", **{e: "search" for e in SEARCH_ENDPOINTS},
                   "leads.api_submit": "leads", "leads.page_submit": "leads"}  # contact requests: one budget
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]
EXTENSION = "locator_limiter"
SWEEP_S = 1.0  # how often the in-memory counters drop windows that have ended


class SweptMemoryStorage(MemoryStorage):
    """limits' in-memory storage, sweeping ended windows once a second: its own starts a new 10 ms timer thread on
    a hit whenever the last one has finished (most hits of a busy worker), and waits for it to start. A fixed
    window's counter is checked for expiry when it is read anyway; the sweep only frees the memory of idle keys."""

    STORAGE_SCHEME = ["locator-memory"]

    def _MemoryStorage__schedule_expiry(self) -> None:  # overrides MemoryStorage's private __schedule_expiry
        if not self.timer.is_alive():
            self.timer = threading.Timer(SWEEP_S, self._MemoryStorage__expire_events)
            self.timer.daemon = True
            self.timer.start()


def storage_uri(configured: str) -> str:
    """The counters' storage: memory:// is SweptMemoryStorage; any other URI is limits' own."""
    scheme, sep, rest = configured.partition("://")
    return f"locator-memory://{rest}" if sep and scheme == "memory" else configured


def client_address(hops: int) -> str:
    """The client's address: the peer, or the entry `hops` from the right of X-Forwarded-For when proxied."""
    if hops > 0:
        forwarded = [a.strip() for a in ",".join(request.headers.getlist("X-Forwarded-For")).split(",") if a.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or "unknown"


def client_key() -> str:
    cfg: Config = current_app.config["LOCATOR"]
    salt = current_app.config.get("SECRET_KEY") or ""
    return hashlib.sha256(f"{salt}|{client_address(cfg.proxy_hops)}".encode()).hexdigest()[:24]


def limit_for(endpoint: str, methods: set[str]) -> tuple[str, list[str] | None] | None:
    """(limit name, methods it counts or None for all) for a route, or None when it is not limited."""
    if endpoint in ENDPOINT_LIMITS:
        return ENDPOINT_LIMITS[endpoint], None
    if methods & set(WRITE_METHODS):
        return ("sign_in" if "sign_in" in endpoint else "forms"), WRITE_METHODS
    return None


def init_app(app: Flask) -> Limiter:
    """Set up the limiter; the routes get their limits at the first request, so blueprints registered
    after this call are limited too."""
    cfg: Config = app.config["LOCATOR"]
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)  # Retry-After on the 429 only (responses are cached)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)  # a storage outage: let requests through, logged
    # Fixed windows (counted with one atomic increment): limits' in-memory moving window loses hits to its
    # expiry thread under load (measured: a 4th request in a 3/minute window let through).
    limiter = Limiter(client_key, storage_uri=storage_uri(cfg.ratelimit_storage_uri), strategy="fixed-window",
                      key_prefix="locator", in_memory_fallback_enabled=True)
    limiter.init_app(app)
    if not (limiter.limit_manager.default_limits or limiter.limit_manager.application_limits):
        # Every limit is a route's own, counted by its view's wrapper (attach); the limiter's before-request pass
        # only looks for app-wide limits, which there are none of: every request would resolve nothing twice.
        app.before_request_funcs[None].remove(limiter._check_request_limit)
    app.extensions[EXTENSION] = limiter
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    attached = threading.Lock()

    def attach_once() -> None:
        if not app.config.get("LOCATOR_LIMITS_ATTACHED"):
            with attached:
                if not app.config.get("LOCATOR_LIMITS_ATTACHED"):
                    attach(app, limiter, cfg)
                    app.config["LOCATOR_LIMITS_ATTACHED"] = True

    app.before_request_funcs.setdefault(None, []).insert(0, attach_once)
    return limiter


def attach(app: Flask, limiter: Limiter, cfg: Config) -> None:
    """Wrap every limited route's view in its shared limit (search routes share one budget, and so on)."""
    methods_of: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        methods_of.setdefault(rule.endpoint, set()).update(rule.methods or ())
    for endpoint, view in list(app.view_functions.items()):
        chosen = limit_for(endpoint, methods_of.get(endpoint, set()))
        if chosen is None:
            continue
        name, methods = chosen
        value = getattr(cfg, f"ratelimit_{name}")
        if not value.strip():
            continue  # an empty setting turns that limit off
        app.view_functions[endpoint] = limiter.shared_limit(
            value, scope=name, methods=methods, error_message=name)(view)


def retry_after_s(limiter: Limiter) -> int:
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def too_many_requests(exc: RateLimitExceeded) -> Response:
    """429 with Retry-After: the JSON error shape on the API, the error page elsewhere."""
    limiter: Limiter = current_app.extensions[EXTENSION]
    name = exc.description if exc.description in {"search", "suggest", "geocode", "sign_in", "forms", "leads"} else "other"
    metrics.RATE_LIMITED.labels(name).inc()
    wait = retry_after_s(limiter)
    what = f"{exc.limit.limit}" if getattr(exc, "limit", None) is not None else "the rate limit"
    response = make_response(error_response(429, {
        "code": "rate_limited",
        "message": f"too many requests from this client ({what} for {name.replace('_', '-')}); retry in {wait} s",
        "field": None,
    }))
    response.headers["Retry-After"] = str(wait)
    return response


def limiter_of(app: Flask) -> Limiter:
    return app.extensions[EXTENSION]

