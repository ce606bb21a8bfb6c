"""What a preloading gunicorn master loads before forking its workers (locator.before_fork): the tables every
worker reads, so that they are shared pages, not one copy per worker, also on a node with no index yet."""
from __future__ import annotations

import gc

from locator import before_fork
from locator.search import intent


def test_the_master_loads_the_vocabulary_names_before_forking_even_without_an_index(spatialite_db, make_app, tmp_path):
    app = make_app(spatialite_db, index_dir=str(tmp_path / "empty-index"))
    intent.phrases.cache_clear()
    try:
        before_fork(app)
    finally:
        gc.unfreeze()
    assert intent.phrases.cache_info().currsize == 1  # CLDR names via babel: ~125 MB a worker would load itself
