"""The embeddable locator: /widget.js (custom element), /embed (iframe), /embed-host.js and the /widget docs."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, render_template, request, url_for

from locator.web.app import services
from locator.web.pages import search_screen
from locator.web.security import frameable, public_base_url

bp = Blueprint("widget", __name__)

STATIC = Path(__file__).resolve().parent / "static"
CONFIG_MARK = '/*LOCATOR_CONFIG*/{ "tileUrl": "", "tileAttribution": "" }'
# Parameters the iframe embed reads for itself rather than passing to the search.
EMBED_OWN = ("map",)


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
    cfg = services().config
    config_json = json.dumps({"tileUrl": cfg.tile_url, "tileAttribution": cfg.tile_attribution})
    return _javascript(_script("widget.js", config_json))


@bp.get("/embed-host.js")
def embed_host_js():
    return _javascript(_script("embed-host.js"))


def public_base() -> str:
    """The base of the snippets' URLs: never a forged Host header (see security.public_base_url)."""
    return public_base_url()


@bp.get("/embed")
@frameable
def embed():
    show_map = request.args.get("map", "").lower() == "true"
    return search_screen("embed.html", url_for("widget.embed"), drop=EMBED_OWN, seller=False, link_target="_blank",
                         show_map=show_map, form_hidden={"map": "true"} if show_map else {})


@bp.get("/widget")
def docs():
    from locator import vocab

    base = public_base()
    attrs = widget_attributes(request.args) if request.args else {"near": "Berlin", "per-page": "5"}
    page = render_template("widget/index.html", base=base, attrs=attrs, script_snippet=script_snippet(base, attrs),
                           iframe_snippet=iframe_snippet(base, attrs), vocab=vocab)
    # The same for everyone; the base comes from the host when public_url is empty, hence Vary: Host.
    return Response(page, mimetype="text/html", headers={"Cache-Control": "public, max-age=300", "Vary": "Host"})


WIDGET_ATTRIBUTES = ("near", "radius-km", "language", "service", "segment", "type", "track", "per-page", "lock", "map")


def widget_attributes(args) -> dict[str, str]:
    """The configurator's choices as element attributes (empty ones left out)."""
    attrs = {}
    for name in WIDGET_ATTRIBUTES:
        values = [v.strip() for v in args.getlist(name) if v.strip()]
        if values:
            attrs[name] = ",".join(values)
    return attrs


def script_snippet(base: str, attrs: dict[str, str]) -> str:
    from markupsafe import escape

    rendered = "".join(f' {name}="{escape(value)}"' for name, value in attrs.items())
    return f'<script src="{base}/widget.js" async></script>\n<partner-locator{rendered}></partner-locator>'


def iframe_snippet(base: str, attrs: dict[str, str]) -> str:
    from urllib.parse import urlencode

    from markupsafe import escape

    params = {name.replace("-", "_"): value for name, value in attrs.items() if name != "lock"}
    pairs = [(k, v) for k, value in params.items() for v in value.split(",")] if params else []
    src = f"{base}/embed" + (f"?{urlencode(pairs)}" if pairs else "")
    return (f'<iframe src="{escape(src)}" title="Partner search" data-partner-locator\n'
            f'        style="width:100%;height:640px;border:0"></iframe>\n'
            f'<script src="{base}/embed-host.js" async></script>')
