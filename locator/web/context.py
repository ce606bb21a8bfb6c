"""The current app's Services, for views and template helpers: a leaf the blueprints import (the factory,
locator.web.app, imports the blueprints and puts the Services in app.extensions)."""
from __future__ import annotations

from flask import current_app

from locator.services import Services

EXTENSION = "locator"  # app.extensions key of the app's Services


def services() -> Services:
    """The Services of the current app (inside a request or app context)."""
    return current_app.extensions[EXTENSION]
