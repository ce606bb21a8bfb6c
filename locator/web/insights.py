"""Search insights on the web: the one recording hook public searches and profile views go through, and the
pages /admin/insights (admins) and /partner/insights (a partner's own figures)."""
from __future__ import annotations

import atexit
import re
from dataclasses import replace
from typing import Any

from flask import Flask, current_app

from locator.insights.recorder import ProfileSeen, Recorder, new_search_id, search_seen

EXTENSION = "insights"
FROM_RE = re.compile(r"^([0-9a-f]{12})\.([1-9][0-9]{0,4})$")  # ?from=<search id>.<position>


def recorder() -> Recorder:
    return current_app.extensions[EXTENSION]


def record_search(query: Any, results: Any, surface: str) -> str | None:
    """Record a public search (surface: api, page or embed); its search id, for the result links."""
    rec = recorder()
    if not rec.enabled or query.audience != "public":
        return None
    search_id = new_search_id()
    rec.record(search_seen(query, results, surface, search_id))
    return search_id


def linked_results(results: Any, search_id: str | None) -> Any:
    """The results with each profile link carrying ?from=<search id>.<position> (pages only; the API's urls
    stay as they are)."""
    if not search_id:
        return results
    offset = (results.page - 1) * results.per_page
    results.results = [replace(item, url=f"{item.url}?from={search_id}.{offset + i + 1}")
                       for i, item in enumerate(results.results)]
    return results


def record_profile_view(partner_ref: str, came_from: str | None) -> None:
    """Record a public profile view, with the search and position when ?from= is well formed (else ignored)."""
    rec = recorder()
    if not rec.enabled:
        return
    found = FROM_RE.match(came_from or "")
    import time

    rec.record(ProfileSeen(time.time(), partner_ref, found.group(1) if found else None,
                           int(found.group(2)) if found else None))


def init_app(app: Flask) -> None:
    cfg = app.config["LOCATOR"]
    services = app.extensions["locator"]
    rec = Recorder(services.db, lambda: services.geocoder.gazetteer, capacity=cfg.insights_buffer,
                   flush_s=cfg.insights_flush_s, batch=cfg.insights_batch, enabled=cfg.insights)
    app.extensions[EXTENSION] = rec
    if not cfg.testing:
        atexit.register(rec.close)
