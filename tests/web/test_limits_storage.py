"""The in-memory rate-limit counters (the default `memory://`) sweep expired windows about once a second, not
with a new thread after every hit (limits' MemoryStorage starts a 10 ms timer thread per hit when the last one
has finished: a thread start, and a wait for it, on most requests of a busy worker)."""
from __future__ import annotations

import time

from locator.web.limits import SWEEP_S, SweptMemoryStorage, limiter_of
from tests.web.webapp import pages_app


def test_counting_requests_keeps_one_slow_sweeper_and_windows_still_expire(tmp_path):
    with pages_app(tmp_path, ratelimit_search="1000/hour") as (app, _):
        storage = limiter_of(app).storage
        assert isinstance(storage, SweptMemoryStorage)
        client = app.test_client()
        for _ in range(3):
            assert client.get("/api/v1/search?near=Berlin").status_code == 200
        assert storage.timer.interval == SWEEP_S  # the hits scheduled the slow sweep, not limits' 10 ms one
        assert sum(storage.storage.values()) >= 3  # and were counted

        storage.incr("gone-soon", expiry=0)  # a window that has already ended is swept away by a later sweep
        deadline = time.monotonic() + 15  # generous: a busy machine may run the sweeper late
        while "gone-soon" in storage.expirations and time.monotonic() < deadline:
            time.sleep(0.1)
            storage.incr("keeps-the-sweeper-going", expiry=3600)
        assert "gone-soon" not in storage.expirations and "gone-soon" not in storage.storage
