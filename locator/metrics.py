"""The service's Prometheus metrics, defined once per process; the core and the web layer increment them.

Under gunicorn, gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR before anything imports prometheus_client,
so every worker (and a build's child process) writes its values there and /metrics adds them up.
Label values are closed sets (endpoint names, status codes, query classes), never request data.
"""
from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Histogram

# Request latencies: a fast search is a few ms; a page with a map up to a few hundred.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter("locator_http_requests_total", "HTTP requests answered, by endpoint, method and status.",
                        ["endpoint", "method", "status"])
HTTP_LATENCY = Histogram("locator_http_request_duration_seconds", "Time to answer an HTTP request, by endpoint and status.",
                         ["endpoint", "status"], buckets=LATENCY_BUCKETS)
SEARCH_LATENCY = Histogram("locator_search_duration_seconds",
                           "Time of Locator.search (no rendering), by query class: text, geo, area or filter-only.",
                           ["query_class"], buckets=LATENCY_BUCKETS)
INDEX_BUILDS = Histogram("locator_index_build_duration_seconds", "Time of a full index build (store to swapped index).",
                         buckets=(1, 2.5, 5, 10, 20, 30, 45, 60, 90, 120, 300, 600))
IMPORTS = Counter("locator_imports_total", "Imports run by this process (or a worker), by outcome: written, dry_run, refused.",
                  ["outcome"])
IMPORTED_PARTNERS = Counter("locator_imported_partners_total", "Partners written by imports.")
SIGN_INS = Counter("locator_sign_ins_total", "Sign-in attempts, by method (token, link) and outcome (ok, refused, link_sent).",
                   ["method", "outcome"])
LEADS = Counter("locator_leads_total", "Leads (contact requests to a partner) received, by outcome (accepted, refused).",
                ["outcome"])
RATE_LIMITED = Counter("locator_rate_limited_total", "Requests refused with 429, by limit (search, suggest, ...).",
                       ["limit"])
INSIGHTS_DROPPED = Counter("locator_insights_dropped_total", "Search insights events lost, by reason: full (pushed out "
                           "of a full buffer) or store (in a batch the store refused).", ["reason"])

QUERY_CLASSES = ("text", "geo", "area", "filter-only")
AREA_KINDS = {"country", "region"}


def query_class(q: str, location: Any) -> str:
    """text (any free text), else area (a country or region), geo (a point or place with a radius), filter-only."""
    if q and q.strip():
        return "text"
    if location is None:
        return "filter-only"
    return "area" if getattr(location, "kind", None) in AREA_KINDS else "geo"
