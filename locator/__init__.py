"""Partner Locator: find authorised channel partners near you."""
from __future__ import annotations

from typing import Any


def create_app(config: Any = None):
    """Build the Flask app; `config` is a Config, a dict of overrides, or None (environment)."""
    from locator.web.app import build_app

    app = build_app(config)
    cfg = app.config["LOCATOR"]
    if cfg.warm_on_start and not cfg.testing:
        _warm(app)
    return app


def _warm(app) -> None:
    """Load what a search needs before the first request; a store not set up yet only logs."""
    import logging

    try:
        app.extensions["locator"].locator.warm()
    except Exception:
        logging.getLogger(__name__).exception("could not warm the search at start")
