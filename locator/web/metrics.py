"""/metrics in Prometheus' text format, and the per-request counters (the definitions are in locator.metrics).

Who may read it: with `metrics_token` set, a request with `Authorization: Bearer <token>`; without one, only
a direct request from this machine (a loopback peer and no X-Forwarded-For/Forwarded header, so a proxy on
the same machine does not open it to the world). Anyone else gets a 404, as for a page that is not there.

Under gunicorn (PROMETHEUS_MULTIPROC_DIR set by gunicorn.conf.py) the counters and histograms are every
worker's, added up; the read model's gauges are those of the worker that answers (the workers of a node
follow the same store and differ by a poll interval at most).
"""
from __future__ import annotations

import hmac
import ipaddress
import os
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess, values
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.exc import DBAPIError

from locator import metrics
from locator.errors import NotFound
from locator.store import last_change_id
from locator.web.context import services

bp = Blueprint("metrics", __name__)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "OTHER"
    count, latency = _request_series(endpoint, method, status)
    count.inc()
    latency.observe(seconds)


@lru_cache(maxsize=4096)  # the label values are closed sets (endpoints × methods × statuses)
def _request_series(endpoint: str, method: str, status: int) -> tuple[Any, Any]:
    """The labelled counter and histogram of one kind of request, looked up once (labels() locks and hashes)."""
    return metrics.HTTP_REQUESTS.labels(endpoint, method, str(status)), metrics.HTTP_LATENCY.labels(endpoint, str(status))


def may_read() -> bool:
    token = current_app.config["LOCATOR"].metrics_token
    if token:
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), token.encode())
    if request.headers.get("X-Forwarded-For") or request.headers.get("Forwarded"):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


class ReadModelCollector:
    """The read model's state at scrape time: loaded, its change marker, the store's newest change, the lag."""

    def __init__(self, svc):
        self.svc = svc

    def collect(self):
        status = self.svc.locator.keeper.status()
        marker = status.get("marker")
        loaded = GaugeMetricFamily("locator_read_model_loaded", "1 when this process has a read model serving.")
        loaded.add_metric([], 1 if status.get("model_loaded") else 0)
        yield loaded
        if marker is not None:
            yield GaugeMetricFamily("locator_read_model_marker", "The last store change the read model holds.", value=marker)
        try:
            with self.svc.db.session() as session:
                newest = last_change_id(session)
        except DBAPIError:
            newest = None
        up = GaugeMetricFamily("locator_store_up", "1 when the store answered this scrape.")
        up.add_metric([], 0 if newest is None else 1)
        yield up
        if newest is not None:
            yield GaugeMetricFamily("locator_store_last_change", "The store's newest change (imports, edits: any process).",
                                    value=newest)
            if marker is not None:
                yield GaugeMetricFamily("locator_read_model_change_lag",
                                        "Store changes not yet in this process's read model.", value=max(0, newest - marker))


def multiprocess_mode() -> bool:
    """Whether this process's metrics live in PROMETHEUS_MULTIPROC_DIR (decided when prometheus_client loaded)."""
    return values.ValueClass is not values.MutexValue and bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def exposition() -> bytes:
    """Every process's metrics (multiprocess mode) or this process's, then the read model's gauges."""
    if multiprocess_mode():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    own = CollectorRegistry(auto_describe=False)
    own.register(ReadModelCollector(services()))
    return text + generate_latest(own)


@bp.get("/metrics")
def scrape():
    if not may_read():
        raise NotFound("not found")
    return Response(exposition(), content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
