"""Browser tests: Debian's headless Chromium via Playwright against real servers on 127.0.0.1.

`site` is the locator (SpatiaLite store with tests.web.pagedata's partners); `host` is another
origin (another port) that plays a customer's web site embedding the widget, and serves map tiles.
Nothing leaves 127.0.0.1: every other request is aborted.
"""
from __future__ import annotations

import struct
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.conftest import ROOT, unavailable
from tests.web.webapp import pages_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 360, "height": 780}


def tile_png() -> bytes:
    """A 256×256 light-green PNG (a stand-in map tile)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes((0xDD, 0xEE, 0xDD)) * 256 for _ in range(256))
    header = struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@dataclass
class Server:
    url: str
    stop: Callable[[], None]


def serve(app) -> Server:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(5)

    return Server(f"http://127.0.0.1:{server.server_port}", stop)


class HostSite:
    """Pages of 'another web site': tests put HTML at a path; /tiles/... answers with a tile."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.tile = tile_png()

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path.startswith("/tiles/"):
            response = Response(self.tile, mimetype="image/png")
        elif request.path in self.pages:
            response = Response(self.pages[request.path], mimetype="text/html")
        else:
            response = Response("not here", status=404)
        return response(environ, start_response)


@pytest.fixture(scope="session")
def playwright_browser():
    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright Python package is missing")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def host_site() -> Iterator[tuple[Server, HostSite]]:
    """A customer's site on an origin of its own (another port), serving the pages a test puts in it."""
    pages = HostSite()
    server = serve(pages)
    yield server, pages
    server.stop()


@pytest.fixture(scope="session")
def host() -> Iterator[tuple[Server, HostSite]]:
    """The origin the locator allows."""
    yield from host_site()


@pytest.fixture(scope="session")
def site(tmp_path_factory, host):
    """The locator on 127.0.0.1, allowing the host site's origin (and only it) to call the API."""
    host_server, _ = host
    with pages_app(tmp_path_factory.mktemp("browser"), tile_url=f"{host_server.url}/tiles/{{z}}/{{x}}/{{y}}.png",
                   tile_attribution="Test tiles", cors_origins=host_server.url) as (app, slugs):
        app.extensions["locator"].locator.model()  # build the read model before the first page
        server = serve(app)
        server.app = app
        server.slugs = slugs
        yield server
        server.stop()


@pytest.fixture(scope="session")
def other_host() -> Iterator[tuple[Server, HostSite]]:
    """A third origin the locator does not allow."""
    yield from host_site()


def only_loopback(route) -> None:
    if route.request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def context_factory(playwright_browser):
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = playwright_browser.new_context(**options)
        context.route("**/*", only_loopback)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@dataclass
class Watched:
    page: object
    errors: list[str]


@pytest.fixture
def watched(context_factory) -> Callable[..., Watched]:
    """A page whose JS errors and CSP violations are collected (tests assert there are none)."""

    def make(**options) -> Watched:
        page = context_factory(**options).new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: errors.append(f"console: {msg.text}")
                if msg.type == "error" and ("Content Security Policy" in msg.text or "Refused" in msg.text) else None)
        return Watched(page, errors)

    return make


def screenshot(page, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def run_axe(page, context: str | None = None) -> list[dict]:
    """axe-core's serious and critical violations on the page (WCAG 2 A/AA rules)."""
    if not AXE.exists():
        unavailable("axe-core is missing: run scripts/vendor-assets.sh (npm ci)")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (ctx) => (await axe.run(ctx || document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']}}))
             .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))""",
        context,
    )
    return result

