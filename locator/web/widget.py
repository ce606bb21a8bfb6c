"""The embeddable locator: /widget.js (custom element), /embed (iframe), /embed-host.js and the /widget docs."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, render_template, request, url_for

from locator import display
from locator.errors import InvalidParameter
from locator.web.context import services
from locator.web.pages import search_screen
from locator.search.filters import IN_WIDGET
from locator.web.security import frameable, public_base_url

bp = Blueprint("widget", __name__)

STATIC = Path(__file__).resolve().parent / "static"
CONFIG_MARK = '/*LOCATOR_CONFIG*/{ "tileUrl": "", "tileAttribution": "" }'
# Filters a widget or an embed can fix with `lock`: those the widget offers.
LOCKABLE = tuple(f.name for f in IN_WIDGET)


@lru_cache(maxsize=8)
def _script(name: str, config_json: str = "") -> str:
    text = (STATIC / name).read_text(encoding="utf-8")
    if config_json:
        text = text.replace(CONFIG_MARK, config_json.replace("<", "\\u003c"))
    return text


def _javascript(text: str) -> Response:
    response = Response(text, mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/widget.js")
def widget_js():
    return _javascript(_script("widget.js", json.dumps(widget_config(services().config))))


def widget_config(cfg) -> dict:
    """What widget.js is told (its injected config): map tiles, and the page's radii, filters and their words."""
    from locator.web.search_view import RADII_KM

    return {"tileUrl": cfg.tile_url, "tileAttribution": cfg.tile_attribution,
            "radii": [{"value": r, "label": f"{r:,} km"} for r in RADII_KM if r <= cfg.max_radius_km],
            "defaultRadius": cfg.default_radius_km,
            "filters": widget_filters(), "tracks": display.track_legend(), "orderNote": display.ORDER_NOTE}


def widget_filters() -> list[dict]:
    """The filters the widget offers (locator.search.filters), in its injected config: `label` is the
    heading the page shows, `singular`/`plural` name one value or several, `values` code → label."""
    from locator import vocab

    return [{"name": f.name, "label": f.legend, "singular": f.label, "plural": f.plural, "multiple": f.repeatable,
             "values": dict(vocab.vocabulary(f.kind))} for f in IN_WIDGET]


@bp.get("/embed-host.js")
def embed_host_js():
    return _javascript(_script("embed-host.js"))


def public_base() -> str:
    """The base of the snippets' URLs: never a forged Host header (see security.public_base_url)."""
    return public_base_url()


@bp.get("/embed")
@frameable
def embed():
    """The iframe embed; `map` and `lock` stay in its links (the search ignores them) so paging keeps them."""
    from locator import vocab

    show_map = request.args.get("map", "").lower() == "true"
    locked = embed_locks(request.args)
    # Locked filters have no control: their values (and the lock) ride along as hidden inputs of the form.
    kept = [("lock", name) for name in locked] + [(name, v) for name in locked for v in request.args.getlist(name) if v]
    fixed = [(f.legend, [vocab.label(f.kind, v) for raw in request.args.getlist(f.name) for v in raw.split(",") if v.strip()])
             for f in IN_WIDGET if f.name in locked]
    return search_screen("embed.html", url_for("widget.embed"), locked=locked, seller=False, link_target="_blank",
                         show_map=show_map, form_hidden={"map": "true"} if show_map else {}, locked_hidden=kept,
                         locked_filters=[(legend, values) for legend, values in fixed if values])


def embed_locks(args) -> tuple[str, ...]:
    """The embed's `lock` (repeated or comma-separated filter names), checked."""
    names = [n.strip().lower() for raw in args.getlist("lock") for n in raw.split(",") if n.strip()]
    for name in names:
        if name not in LOCKABLE:
            raise InvalidParameter(f"lock takes {', '.join(LOCKABLE)}, not {name[:40]!r}", field="lock")
    return tuple(dict.fromkeys(names))


@bp.get("/widget")
def docs():
    from locator import vocab

    base = public_base()
    attrs = widget_attributes(request.args) if request.args else {"near": "Berlin", "per-page": "5"}
    theme = widget_theme(request.args)
    page = render_template("widget/index.html", base=base, attrs=attrs, theme=theme, theme_fields=THEME, fonts=FONTS,
                           attribute_order=WIDGET_ATTRIBUTES, filters=IN_WIDGET, script_snippet=script_snippet(base, attrs, theme),
                           iframe_snippet=iframe_snippet(base, attrs), vocab=vocab)
    # The same for everyone; the base comes from the host when public_url is empty, hence Vary: Host.
    return Response(page, mimetype="text/html", headers={"Cache-Control": "public, max-age=300", "Vary": "Host"})


WIDGET_ATTRIBUTES = ("q", "near", "radius-km", *(f.name for f in IN_WIDGET), "per-page", "lock", "map")
# The configurator's theme controls: parameter, the widget's CSS custom property, its default, label.
THEME = (("accent", "--pl-accent", "#5a2ca0", "Accent (buttons, links)"), ("text-color", "--pl-text", "#1f1f29", "Text"),
         ("background", "--pl-background", "#ffffff", "Background"), ("border-color", "--pl-border", "#d5d5de", "Borders"),
         ("corner-radius", "--pl-radius", "6", "Corner radius (px)"), ("font", "--pl-font", "", "Font"))
FONTS = (("", "Default (system font)"), ("Georgia, serif", "Serif (Georgia)"),
         ("Helvetica, Arial, sans-serif", "Sans-serif (Helvetica, Arial)"), ("ui-monospace, Menlo, Consolas, monospace", "Monospace"))
HEX_COLOUR = re.compile(r"#[0-9a-f]{6}")
MAX_CORNER_RADIUS = 40


def widget_attributes(args) -> dict[str, str]:
    """The configurator's choices as element attributes (empty ones left out)."""
    attrs = {}
    for name in WIDGET_ATTRIBUTES:
        values = [v.strip() for v in args.getlist(name) if v.strip()]
        if values:
            attrs[name] = ",".join(values)
    return attrs


def widget_theme(args) -> dict[str, str]:
    """The configurator's theme as CSS custom properties (those left at the widget's defaults omitted)."""
    theme = {}
    for name, prop, default, _ in THEME:
        value = (args.get(name) or "").strip().lower() if name != "font" else (args.get(name) or "").strip()
        if not value or value == default:
            continue
        if name == "corner-radius":
            if not value.isdigit() or int(value) > MAX_CORNER_RADIUS:
                raise InvalidParameter(f"corner-radius must be a whole number of pixels from 0 to {MAX_CORNER_RADIUS}",
                                       field=name)
            value = f"{int(value)}px"
        elif name == "font":
            if value not in {stack for stack, _ in FONTS}:
                raise InvalidParameter(f"font must be one of {'; '.join(stack for stack, _ in FONTS if stack)}", field=name)
        elif not HEX_COLOUR.fullmatch(value):
            raise InvalidParameter(f"{name} must be a colour like #0b6e4f", field=name)
        theme[prop] = value
    return theme


def _attr(value: str) -> str:
    """An attribute value as widget-docs.js writes it (the two snippets must be the same text)."""
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def script_snippet(base: str, attrs: dict[str, str], theme: dict[str, str] | None = None) -> str:
    pairs = list(attrs.items())
    if theme:
        pairs.append(("style", "; ".join(f"{prop}: {value}" for prop, value in theme.items())))
    rendered = "".join(f' {name}="{_attr(value)}"' for name, value in pairs)
    return f'<script src="{base}/widget.js" async></script>\n<partner-locator{rendered}></partner-locator>'


def iframe_snippet(base: str, attrs: dict[str, str]) -> str:
    """The iframe, allowed to ask for the visitor's location ("Use my location"), with the same presets and locks."""
    from urllib.parse import urlencode

    pairs = [(name.replace("-", "_"), v) for name, value in attrs.items() for v in value.split(",")]
    src = f"{base}/embed" + (f"?{urlencode(pairs)}" if pairs else "")
    return (f'<iframe src="{_attr(src)}" title="Partner search" allow="geolocation" data-partner-locator\n'
            f'        style="width:100%;height:640px;border:0"></iframe>\n'
            f'<script src="{base}/embed-host.js" async></script>')
