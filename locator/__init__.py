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
    """Load what a search needs before the first request and start the index upkeep (which builds
    the index in the background when there is none); a store not set up yet only logs."""
    import logging

    locator = app.extensions["locator"].locator
    try:
        locator.warm()
    except Exception:
        logging.getLogger(__name__).exception("could not warm the search at start")
    locator.keeper.start()


def before_fork(app) -> None:
    """In a preloading server's master (gunicorn.conf.py): load the tables every worker shares
    read-only (a warm-up with the index's model fills every lazily built one), then hold no read
    model, thread or store connection, and freeze the heap (gc.freeze) so that the workers share
    these pages instead of copying them as the collector touches them."""
    import gc
    import logging

    from locator.search.keeper import limit_malloc_arenas

    limit_malloc_arenas()
    services = app.extensions["locator"]
    try:
        services.locator.warm()
        from locator.search.intent import phrases

        phrases()  # the vocabulary's names in every language (CLDR via babel, ~125 MB): shared, also without an index
    except Exception:
        logging.getLogger(__name__).exception("could not warm the search before forking the workers")
    services.locator.keeper.before_fork()
    services.db.engine.dispose()
    gc.collect()
    gc.freeze()


def after_fork(app) -> None:
    """In each forked worker: new store connections (none shared with the master), then the worker's
    own read model (mapped from the snapshot: its pages are shared with the other workers)."""
    app.extensions["locator"].db.engine.dispose(close=False)
    _warm(app)
