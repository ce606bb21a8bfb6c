"""Security headers on every response: CSP without inline scripts, nosniff, referrer policy, framing.

Pages are not frameable (`frame-ancestors 'none'`) unless their view is decorated with `frameable`
(the iframe embed), which then allows the configured embed origins.

Absolute URLs (widget snippets, CSV links) come from `public_base_url()` only: the configured public URL,
else the request's host if it is in `allowed_hosts`; a forged Host header never reaches them.
"""
from __future__ import annotations

from functools import lru_cache, wraps
from typing import Callable
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request

from locator.errors import InvalidParameter

UNKNOWN_HOST = ("unknown host: this page needs the service's public address; "
                "its operator sets LOCATOR_PUBLIC_URL (or lists this host in LOCATOR_ALLOWED_HOSTS)")


def frameable(view: Callable) -> Callable:
    """Let other sites frame this view (the iframe embed)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.frameable = True
        return view(*args, **kwargs)

    return wrapper


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of a URL template such as a tile URL ({s} subdomains become a wildcard)."""
    parts = urlsplit(url.replace("{s}", "*"))
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def host_name(host: str) -> str | None:
    """The lower-case name in a Host header value (IPv6 without brackets; port dropped), or None if malformed."""
    if not host or any(c in host for c in "@/\\?#%") or any(c.isspace() for c in host):
        return None
    try:
        parts = urlsplit(f"//{host}")
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return None
    return parts.hostname or None


def host_allowed(host: str, allowed_hosts: str) -> bool:
    """Whether the Host header names an allowed host (any port); an entry '.example.com' also allows its subdomains."""
    name = host_name(host)
    if name is None:
        return False
    for entry in (e.strip().lower() for e in allowed_hosts.split(",")):
        if entry.startswith(".") and (name == entry[1:] or name.endswith(entry)):
            return True
        if entry and name == host_name(entry):
            return True
    return False


def public_base_url() -> str:
    """scheme://host[:port] for absolute URLs: `public_url`, else the request's host if allowed, else a 400."""
    cfg = current_app.config["LOCATOR"]
    if cfg.public_url.strip():
        return cfg.public_url.strip().rstrip("/")
    if host_allowed(request.host, cfg.allowed_hosts):
        return f"{request.scheme}://{request.host.lower()}"
    raise InvalidParameter(UNKNOWN_HOST, field="Host")


def frame_ancestors(cors_origins: str) -> str:
    origins = [o.strip() for o in cors_origins.split(",") if o.strip()]
    if not origins or "*" in origins:
        return "*"
    return " ".join(["'self'", *origins])


@lru_cache(maxsize=64)  # a few settings' values: built once, not per response
def content_security_policy(tile_url: str, framing: str) -> str:
    tiles = origin_of(tile_url) or ""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        # Partner logos live on the partners' own sites; map tiles on the configured tile host.
        "img-src": f"'self' data: https: {tiles}".strip(),
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": framing,
    }
    return "; ".join(f"{k} {v}" for k, v in directives.items())


def _headers(response: Response) -> Response:
    cfg = current_app.config["LOCATOR"]
    frameable = g.get("frameable")
    framing = frame_ancestors(cfg.cors_origins) if frameable else "'none'"
    defaults = [("Content-Security-Policy", content_security_policy(cfg.tile_url, framing)),
                ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "strict-origin-when-cross-origin")]
    if not frameable:
        defaults.append(("X-Frame-Options", "DENY"))
    present = {name.lower() for name, _ in response.headers}  # one pass (setdefault scans, and raises, per header)
    for name, value in defaults:
        if name.lower() not in present:
            response.headers.add(name, value)
    if request.path.startswith(("/sellers", "/sign-in", "/sign-out", "/admin", "/partner")):  # per-user pages
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
