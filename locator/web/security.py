"""Security headers on every response: CSP without inline scripts, nosniff, referrer policy, framing.

Pages are not frameable (`frame-ancestors 'none'`) unless their view is decorated with `frameable`
(the iframe embed), which then allows the configured embed origins.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request


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


def frame_ancestors(cors_origins: str) -> str:
    origins = [o.strip() for o in cors_origins.split(",") if o.strip()]
    if not origins or "*" in origins:
        return "*"
    return " ".join(["'self'", *origins])


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
    framing = frame_ancestors(cfg.cors_origins) if g.get("frameable") else "'none'"
    response.headers.setdefault("Content-Security-Policy", content_security_policy(cfg.tile_url, framing))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if not g.get("frameable"):
        response.headers.setdefault("X-Frame-Options", "DENY")
    if request.path.startswith("/sellers"):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
