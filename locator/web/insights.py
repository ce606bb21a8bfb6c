"""Search insights on the web: the one recording hook public searches and profile views go through, and the
pages /admin/insights (admins) and /partner/insights (a partner's own figures)."""
from __future__ import annotations

import atexit
import csv
import io
import re
import time
from dataclasses import replace
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request

from locator.errors import InvalidParameter
from locator.insights import queries
from locator.insights.recorder import ProfileSeen, Recorder, new_search_id, search_seen
from locator.models import Partner
from locator.spreadsheet import BOM, neutralise
from locator.web.context import services
from locator.web.users import current_user, require_user

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
    rec.record(ProfileSeen(time.time(), partner_ref, found.group(1) if found else None,
                           int(found.group(2)) if found else None))


def init_app(app: Flask) -> None:
    cfg = app.config["LOCATOR"]
    services = app.extensions["locator"]
    rec = Recorder(services.db, lambda: services.geocoder.gazetteer, capacity=cfg.insights_buffer,
                   flush_s=cfg.insights_flush_s, batch=cfg.insights_batch, enabled=cfg.insights,
                   threaded=not cfg.testing)  # test apps flush when they read (no writer outliving its test's store)
    app.extensions[EXTENSION] = rec
    if not cfg.testing:
        atexit.register(rec.close)


# ---- pages ---------------------------------------------------------------------------------------------------

bp = Blueprint("insights", __name__)
PERIODS = (7, 28, 90)
CSV_TABLES = ("searches", "zero", "few", "regions", "filters", "positions")
CHARTS = {"searches": "searches_over_time", "filters": "most_asked", "positions": "by_position"}  # in charts


def period() -> int:
    raw = request.args.get("days", "28")
    if raw not in {str(p) for p in PERIODS}:
        raise InvalidParameter(f"days must be one of {', '.join(map(str, PERIODS))}", field="days")
    return int(raw)


def tables(session: Any, days: int, only: str | None = None) -> dict[str, Any]:
    """The admin page's tables for the last `days` (only one of them, by name, for a CSV or a chart)."""
    since = queries.since_days(days)
    makers = {
        "searches": lambda: queries.searches_by_day(session, since),
        "zero": lambda: queries.top_searches(session, since, 0, 0),
        "few": lambda: queries.top_searches(session, since, 1, queries.FEW),
        "regions": lambda: queries.demand_and_supply(session, since, services().geocoder.gazetteer),
        "filters": lambda: queries.most_asked(session, since),
        "positions": lambda: queries.by_position(session, since),
    }
    return {name: make() for name, make in makers.items() if only in (None, name)}


CSV_COLUMNS = {
    "searches": ("day", "searches", "zero"),
    "zero": ("label", "q", "place", "filters", "searches"),
    "few": ("label", "q", "place", "filters", "searches", "results"),
    "regions": ("code", "name", "country", "searches", "partners", "gap"),
    "filters": ("filter", "value", "label", "searches"),
    "positions": ("position", "shown", "views", "contacts", "ctr", "contact_rate"),
}


def csv_response(name: str, rows: list[Any], days: int) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    columns = CSV_COLUMNS[name]
    writer.writerow(columns)
    for row in rows:
        get = row.get if isinstance(row, dict) else lambda key, r=row: getattr(r, key)
        writer.writerow([neutralise(get(c)) for c in columns])
    response = Response(BOM + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="insights-{name}-{days}d.csv"'
    return response


def charts() -> Any:
    """locator.insights.charts, imported when a chart is first drawn (serving searches never loads pygal)."""
    from locator.insights import charts as module

    return module


def svg_response(data: bytes) -> Response:
    response = Response(data, mimetype="image/svg+xml")
    # An image: nothing in it runs (no scripts are in it either); its own <style> is all it needs.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    return response


@bp.get("/admin/insights")
@require_user("admin")
def admin_page():
    days = period()
    with services().db.session() as session:
        data = tables(session, days)
        totals = queries.summary(session, queries.since_days(days))
    regions = data["regions"]
    return render_template("admin/insights.html", days=days, periods=PERIODS, totals=totals, **data,
                           gaps=[r for r in regions if r.gap],
                           map_points=[{"code": r.code, "name": r.name, "lat": r.lat, "lon": r.lon,
                                        "searches": r.searches, "partners": r.partners, "gap": r.gap} for r in regions],
                           has_leads=queries.lead_model() is not None)


@bp.get("/admin/insights/<name>.csv")
@require_user("admin")
def admin_csv(name: str):
    if name not in CSV_TABLES:
        abort(404)
    days = period()
    with services().db.session() as session:
        return csv_response(name, tables(session, days, only=name)[name], days)


@bp.get("/admin/insights/<name>.svg")
@require_user("admin")
def admin_chart(name: str):
    if name not in CHARTS:
        abort(404)
    days = period()
    with services().db.session() as session:
        return svg_response(getattr(charts(), CHARTS[name])(tables(session, days, only=name)[name]))


def _own_partner(session: Any) -> Partner:
    partner = session.get(Partner, current_user().partner_id)
    if partner is None:
        abort(404)
    return partner


@bp.get("/partner/insights")
@require_user("partner")
def partner_page():
    days = period()
    with services().db.session() as session:
        partner = _own_partner(session)
        figures = queries.for_partner(session, partner, queries.since_days(days))
        return render_template("portal/insights.html", partner=partner, days=days, periods=PERIODS, figures=figures)


@bp.get("/partner/insights/positions.svg")
@require_user("partner")
def partner_chart():
    days = period()
    with services().db.session() as session:
        figures = queries.for_partner(session, _own_partner(session), queries.since_days(days))
    return svg_response(charts().partner_positions(figures["positions"]))
