"""What every template may use, installed on the app by the factory: the helpers, the settings, and a
finalize that shows a missing value as nothing (never as "None")."""
from __future__ import annotations

from typing import Any

from flask import Flask

from locator import display, vocab
from locator.web import pages, search_view


def blank_none(value: Any) -> Any:
    return "" if value is None else value


def init_app(app: Flask) -> None:
    app.jinja_env.finalize = blank_none
    app.jinja_env.globals.update({
        "settings": app.config["LOCATOR"],
        "label": vocab.label,
        "labels": search_view.labels,
        "region_labels": search_view.region_labels,
        "result_display": display.result_display,
        "track_legend": display.track_legend,
        "track_help": display.TRACK_HELP.get,
        "order_note": display.ORDER_NOTE,
        "profile_words": display.profile_words,
        "url_for_args": search_view.url_for_args,
        "why_empty": search_view.why_empty,
        "radii": search_view.RADII_KM,
        "paragraphs": pages.paragraphs,
        "address_lines": pages.office_address_lines,
        "back_to_search": pages.back_to_search,
        "sorts": search_view.SORTS,
    })
