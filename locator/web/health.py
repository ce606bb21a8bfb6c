from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import func, select

from locator.models import Partner
from locator.web.app import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Liveness and readiness: the store answers; says how many partners it holds."""
    with services().db.session() as session:
        partners = session.scalar(select(func.count()).select_from(Partner))
    return jsonify(status="ok", partners=partners)
