"""The OpenAPI 3 document of API v1."""
from __future__ import annotations


def document() -> dict:
    return {"openapi": "3.0.3", "info": {"title": "Partner Locator API", "version": "1"}, "paths": {}}
