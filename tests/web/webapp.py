"""A store with the page-test partners and an app on it, shared by a test module (SpatiaLite)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from locator import create_app
from locator.db import Database
from tests.web.pagedata import add_pages_data


@contextmanager
def pages_app(directory: Path, xss: bool = True, **overrides: Any) -> Iterator[tuple[Any, dict[str, str]]]:
    """(app, slugs) on a fresh SpatiaLite store holding tests.web.pagedata's partners."""
    url = f"sqlite:///{directory / 'pages.sqlite'}"
    db = Database(url)
    db.create_all()
    with db.session() as session:
        slugs = add_pages_data(session, xss=xss)
    db.engine.dispose()
    config = {"database_url": url, "index_dir": str(directory / "index"), "testing": True,
              "secret_key": "test-secret", "tile_url": "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"}
    config.update(overrides)
    app = create_app(config)
    try:
        yield app, slugs
    finally:
        app.extensions["locator"].close()


def signed_in_seller(app: Any, token: str) -> Any:
    """A test client signed in at /sellers with a seller token, through the real form (CSRF included)."""
    import re

    client = app.test_client()
    form = client.get("/sellers").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert client.post("/sellers/sign-in", data={"token": token, "csrf_token": csrf}).status_code == 303
    return client
