"""Partner Locator: find authorised channel partners near you."""
from __future__ import annotations

from typing import Any


def create_app(config: Any = None):
    """Build the Flask app; `config` is a Config, a dict of overrides, or None (environment)."""
    from locator.web.app import build_app

    return build_app(config)
