"""Flask's signed-cookie sessions without their per-request set-up: a request without the session cookie (every
anonymous API call) opens an empty session without building a signer, and the signer is built once per key set."""
from __future__ import annotations

import threading

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessions(SecureCookieSessionInterface):
    """SecureCookieSessionInterface, the same cookies and signatures; only the repeated work is saved."""

    def __init__(self) -> None:
        self._signers: dict[tuple, URLSafeTimedSerializer] = {}
        self._lock = threading.Lock()

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signer = self._signers.get(key)
        if signer is None:
            signer = super().get_signing_serializer(app)
            with self._lock:
                if len(self._signers) > 8:  # keys changed at run time (tests): keep only the newest
                    self._signers.clear()
                self._signers[key] = signer
        return signer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)
