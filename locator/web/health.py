"""Liveness: /healthz answers while the process serves; says `degraded` (503) when the store is away."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import func, select
from sqlalchemy.exc import InterfaceError, OperationalError

from locator.models import Partner
from locator.web.context import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The store's part (reachable, how many partners) and the search's (a model serving, the index builder)."""
    svc = services()
    try:
        with svc.db.session() as session:
            partners = session.scalar(select(func.count()).select_from(Partner))
        store = {"status": "ok", "partners": partners}
    except (OperationalError, InterfaceError) as exc:
        store = {"status": "unavailable", "error": str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]}
    keeper = svc.locator.keeper.status()
    search = {"status": "ok" if keeper["build_ok"] else "degraded",
              "model_loaded": keeper["model_loaded"], "marker": keeper["marker"]}
    if keeper["build_error"]:
        search["error"] = keeper["build_error"]
    ok = store["status"] == "ok"
    body = {"status": "ok" if ok else "degraded", "store": store, "search": search}
    if ok:
        body["partners"] = store["partners"]
    response = jsonify(body)
    if not ok:
        response.status_code = 503
        response.headers["Retry-After"] = "5"
    return response
