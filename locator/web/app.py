"""The app factory's body: configuration, the store, app-wide settings (cookies, CORS, template globals),
blueprints, error handlers. Blueprints only add routes; what applies to the whole app is installed here."""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask
from flask_cors import CORS

from locator.config import ROOT, Config
from locator.errors import SetupError
from locator.services import Services
from locator.web.context import EXTENSION
from locator.web.cookie_sessions import CookieSessions


def _config(config: Any) -> Config:
    if isinstance(config, Config):
        return config
    return Config.from_env(overrides=config or {})


SECRET_FILE = "secret_key"
NO_SHARED_SECRET = ("LOCATOR_SECRET_KEY is not set: with a PostgreSQL store (several workers or nodes) every one must "
                    "sign sessions with the same key; set LOCATOR_SECRET_KEY to one random value shared by all, e.g. "
                    "the output of: python -c 'import secrets; print(secrets.token_hex(32))'")


def session_secret(cfg: Config) -> str:
    """The configured secret; else, on a single machine (SpatiaLite), one generated once and shared through
    the instance folder, so every worker signs alike. PostgreSQL means several nodes: a secret is required."""
    if cfg.secret_key:
        return cfg.secret_key
    if cfg.database_url.startswith("postgresql") and not cfg.testing:
        raise SetupError(NO_SHARED_SECRET)
    return instance_secret(Path(cfg.instance_dir))


def instance_secret(folder: Path) -> str:
    """Read folder/secret_key, creating it first if missing: written to a private temporary file and linked
    into place atomically (link fails if it exists), so workers starting together all read the same key."""
    path = folder / SECRET_FILE
    try:
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=".secret_key.", dir=folder)  # O_CREAT|O_EXCL, mode 0600
            try:
                with os.fdopen(fd, "w", encoding="ascii") as f:
                    f.write(secrets.token_hex(32) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
                os.link(temporary, path)
            except FileExistsError:
                pass  # another worker was first: its key is the one
            finally:
                os.unlink(temporary)
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SetupError(f"cannot create or read {path} ({exc}); set LOCATOR_SECRET_KEY or LOCATOR_INSTANCE_DIR") from None
    if len(key) < 32:
        raise SetupError(f"{path} holds no usable key (under 32 characters); delete it or set LOCATOR_SECRET_KEY")
    return key


def build_app(config: Any = None) -> Flask:
    cfg = _config(config)
    app = Flask(
        "locator",
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "locator" / "web" / "static"),
        static_url_path="/static",
    )
    app.config.update(
        LOCATOR=cfg,
        TESTING=cfg.testing,
        SECRET_KEY=session_secret(cfg),
        MAX_CONTENT_LENGTH=1 * 1024 * 1024,
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="locator_session",
        SESSION_COOKIE_SECURE=cfg.public_url.strip().lower().startswith("https://"),
    )
    app.session_interface = CookieSessions()
    services = Services(cfg)
    services.db.init_app(app)
    app.extensions[EXTENSION] = services

    from locator.web import api, errors, health, limits, metrics, pages, paths, request_log, security, seller, templating, widget
    from locator.web import accounts, admin, admin_users, portal
    from locator.web import leads as lead_routes
    from locator.web import insights

    request_log.init_app(app)
    insights.init_app(app)
    errors.init_app(app)
    paths.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    allow_cross_origin_api(app, cfg)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(widget.bp)
    app.register_blueprint(seller.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(admin_users.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(portal.logos_bp)
    app.register_blueprint(insights.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(lead_routes.bp)
    limits.init_app(app)
    return app


def allow_cross_origin_api(app: Flask, cfg: Config) -> None:
    """CORS on /api/* for the embed widget on other sites: the configured origins (any for '*')."""
    origins = [o.strip() for o in cfg.cors_origins.split(",") if o.strip()]
    CORS(
        app,
        resources={r"/api/*": {"origins": "*" if origins in ([], ["*"]) else origins}},
        allow_headers=["Authorization", "Content-Type", "If-None-Match"],
        expose_headers=["ETag", "Retry-After", "X-Request-Id"],  # a 429's wait; the id to quote in a report
        methods=["GET", "HEAD", "OPTIONS", "POST"],  # POST: the widget's contact requests (JSON, no cookies)
    )
