"""Control characters in URLs: a path parameter with one names nothing (404), a query parameter is a 400.

Checked once for every route before its view runs, so no NUL reaches the store (PostgreSQL refuses it
in text; SQLite would store it) and both backends answer alike.
"""
from __future__ import annotations

from flask import Flask, request

from locator.errors import InvalidParameter, NotFound
from locator.untrusted import WHITESPACE_CONTROLS, control_character, describe_control, escape_controls


def check_request() -> None:
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and (char := control_character(value)):
            raise NotFound(f"not found: the {name} contains {describe_control(char)}", field=name)
    for name, values in request.args.lists():
        shown = escape_controls(name)
        if char := control_character(name):
            raise InvalidParameter(f"parameter name {shown!r} contains {describe_control(char)}", field=shown)
        for value in values:
            if char := control_character(value, allowed=WHITESPACE_CONTROLS):
                raise InvalidParameter(f"{shown} contains {describe_control(char)}", field=shown)


def init_app(app: Flask) -> None:
    app.before_request(check_request)
