"""The app factory's body: configuration, the store, blueprints, error handlers."""
from __future__ import annotations

import secrets
from typing import Any

from flask import Flask

from locator.config import ROOT, Config
from locator.services import Services


def _config(config: Any) -> Config:
    if isinstance(config, Config):
        return config
    return Config.from_env(overrides=config or {})


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
        SECRET_KEY=cfg.secret_key or secrets.token_hex(32),
        MAX_CONTENT_LENGTH=1 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    services = Services(cfg)
    services.db.init_app(app)
    app.extensions["locator"] = services

    from locator.web import api, errors, health, pages, security, seller, widget

    errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(widget.bp)
    app.register_blueprint(seller.bp)
    return app


def services() -> Services:
    """The Services of the current app (inside a request or app context)."""
    from flask import current_app

    return current_app.extensions["locator"]
