"""Liveness: /healthz answers while the process serves; says `degraded` (503) when the store is away.
Readiness: /readyz is 200 once this process can serve searches from a current model, 503 before."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import func, select
from sqlalchemy.exc import InterfaceError, OperationalError

from locator.models import Partner
from locator.store import last_change_id
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


def readiness() -> tuple[bool, dict]:
    """Ready when this process has a read model, no change has waited too long to reach it (the keeper's
    bound, in seconds) and it is at most `ready_max_lag` changes behind the store. A store that does not
    answer does not make a node unready: its model keeps serving searches."""
    svc = services()
    keeper = svc.locator.keeper.status()
    body: dict = {"model_loaded": keeper["model_loaded"], "marker": keeper["marker"], "lag_s": keeper.get("lag_s"),
                  "max_lag": svc.config.ready_max_lag}
    for optional in ("building", "index_on_disk"):
        if optional in keeper:
            body[optional] = keeper[optional]
    if keeper.get("index_on_disk") is False and keeper["model_loaded"]:
        body["warning"] = ("the index directory holds no index: searches serve from the model in memory while "
                           "the node rebuilds it (or copies the published one); `locator reindex` rebuilds it too")
    if keeper.get("build_error"):
        body["index_error"] = keeper["build_error"]
    if not keeper["model_loaded"]:
        return False, {**body, "reason": "the search model is not loaded yet" + (" (building)" if keeper.get("building") else "")}
    if keeper.get("ready") is False and keeper.get("index_on_disk") is False:
        return False, {**body, "reason": "the index directory lost its index: the node is restoring it"}
    if keeper.get("ready") is False:
        return False, {**body, "reason": f"a change has waited {keeper.get('lag_s')} s to reach the search model"}
    try:
        with svc.db.session() as session:
            newest = last_change_id(session)
    except (OperationalError, InterfaceError):
        return True, {**body, "store": "unavailable", "lag": None}
    lag = max(0, newest - keeper["marker"])
    body.update(store="ok", lag=lag)
    if lag > svc.config.ready_max_lag:
        return False, {**body, "reason": f"the search model is {lag} changes behind the store"}
    return True, body


@bp.get("/readyz")
def readyz():
    """Readiness for a load balancer: 200 once the model is loaded and current enough, else 503 and why."""
    ready, detail = readiness()
    response = jsonify({"status": "ready" if ready else "not_ready", **detail})
    response.headers["Cache-Control"] = "no-store"
    if not ready:
        response.status_code = 503
        response.headers["Retry-After"] = "2"
    return response
