"""The baseline: the same searches written the way a developer would without this project.

One PostGIS SQL query per search (ST_DWithin on geography, PostgreSQL full-text search, jsonb
filters, a simple blended score, top 20 with count(*) OVER () for the total) plus one GROUP BY
query per requested facet (disjunctive: each facet's query leaves out its own filter). psycopg 3
with prepare_threshold=None. It runs on a copy of the benchmark's PostGIS store, to which
`prepare()` adds what a competent developer would: a stored tsvector column with a GIN index,
jsonb copies of the list columns with GIN indexes, a GiST index on office.location::geography and
a b-tree on office.country; then ANALYZE.
"""
from __future__ import annotations

import math

import psycopg

from queries import BenchQuery

FACETS = ("language", "service", "segment", "type", "track", "country")
LIST_FILTERS = {"language": "languages", "service": "services", "segment": "segments", "type": "types", "certification": "certifications"}
JSONB_COLUMNS = ("types", "services", "segments", "languages", "certifications", "industries", "countries_served")
WEIGHTS = {"text": 0.45, "distance": 0.30, "completeness": 0.20, "track": 0.05}
HALF_DISTANCE_M = 50_000.0
REMOTE_DISTANCE_M = 250_000.0
PER_PAGE = 20

SETUP = [
    "ALTER TABLE partner ADD COLUMN b_tsv tsvector GENERATED ALWAYS AS ("
    " setweight(to_tsvector('english', coalesce(name, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(description, '')), 'B')"
    " || setweight(to_tsvector('english', translate(coalesce(services::text, '') || ' ' || coalesce(certifications::text, '')"
    "    || ' ' || coalesce(industries::text, ''), '-', ' ')), 'C')) STORED",
    *(f"ALTER TABLE partner ADD COLUMN b_{c} jsonb GENERATED ALWAYS AS ({c}::jsonb) STORED" for c in JSONB_COLUMNS),
    "CREATE INDEX b_partner_tsv ON partner USING gin (b_tsv)",
    *(f"CREATE INDEX b_partner_{c} ON partner USING gin (b_{c})" for c in JSONB_COLUMNS),
    "CREATE INDEX b_office_geog ON office USING gist ((location::geography))",
    "CREATE INDEX b_office_country ON office (country)",
    "ANALYZE",
]


def connect(url: str) -> psycopg.Connection:
    """A plain psycopg 3 connection (SQLAlchemy's URL without the +psycopg driver part)."""
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True, prepare_threshold=None)


def prepare(conn: psycopg.Connection) -> None:
    for statement in SETUP:
        conn.execute(statement)


class BaselineSearch:
    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def search(self, query: BenchQuery, location: tuple[float, float, str | None] | None) -> dict:
        """Run one search: the results query, then one query per facet. Returns total, ids, facets."""
        params = self._params(query, location)
        rows = self.conn.execute(self._results_sql(query, params), params).fetchall()
        total = rows[0][-1] if rows else 0
        facets = {}
        wanted = query.get("facets")
        if wanted:
            names = FACETS if wanted == "all" else [f for f in wanted.split(",") if f in FACETS]
            for facet in names:
                facets[facet] = dict(self.conn.execute(self._facet_sql(query, params, facet), params).fetchall())
        return {"total": total, "ids": [r[0] for r in rows], "facets": facets}

    @staticmethod
    def _params(query: BenchQuery, location) -> dict:
        params: dict = {"q": query.get("q") or None}
        if location:
            params.update(lat=location[0], lon=location[1], cc=location[2] or "",
                          radius=float(query.get("radius_km") or 100) * 1000.0)
        for kind in (*LIST_FILTERS, "country"):
            params[kind] = query.getall(kind)
        params["track"] = query.get("track")
        return params

    @staticmethod
    def _remote(query: BenchQuery) -> bool:
        return query.get("include_remote") not in ("0", "false")

    def _from(self, query: BenchQuery, params: dict) -> tuple[str, str]:
        """(WITH, FROM) clauses: partners, joined to their offices' distance when there is a location."""
        if "lat" not in params:
            return "", "FROM partner p"
        near = (
            "WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS g), "
            "near AS (SELECT o.partner_id, min(ST_Distance(o.location::geography, pt.g)) AS dist "
            "FROM office o, pt WHERE ST_DWithin(o.location::geography, pt.g, %(radius)s) GROUP BY o.partner_id)"
        )
        if self._remote(query):
            return near, "FROM partner p CROSS JOIN pt LEFT JOIN near n ON n.partner_id = p.id"
        return near, "FROM partner p JOIN near n ON n.partner_id = p.id"

    def _where(self, query: BenchQuery, params: dict, skip: str | None = None) -> str:
        conds = ["p.published"]
        if params["q"]:
            conds.append("p.b_tsv @@ websearch_to_tsquery('english', %(q)s)")
        if "lat" in params and self._remote(query):
            conds.append(
                "(n.dist IS NOT NULL OR p.b_countries_served ? %(cc)s "
                "OR ST_Covers(p.service_area, pt.g::geometry))"
            )
        for kind, column in LIST_FILTERS.items():
            if params[kind] and kind != skip:
                conds.append(f"p.b_{column} ?| %({kind})s")
        if params["country"] and skip != "country":
            conds.append(
                "(p.b_countries_served ?| %(country)s OR EXISTS "
                "(SELECT 1 FROM office oc WHERE oc.partner_id = p.id AND oc.country = ANY(%(country)s)))"
            )
        if params["track"] and skip != "track":
            conds.append("p.track = %(track)s")
        return "WHERE " + " AND ".join(conds)

    def _results_sql(self, query: BenchQuery, params: dict) -> str:
        score = [f"{WEIGHTS['completeness']} * p.completeness / 100.0", f"{WEIGHTS['track']} * (p.track = 'select')::int"]
        if params["q"]:
            score.append(f"{WEIGHTS['text']} * ts_rank(p.b_tsv, websearch_to_tsquery('english', %(q)s))")
        distance = "NULL::float8"
        if "lat" in params:
            distance = f"coalesce(n.dist, {REMOTE_DISTANCE_M})"
            score.append(f"{WEIGHTS['distance']} * exp(-{math.log(2) / HALF_DISTANCE_M!r} * {distance})")
        with_, from_ = self._from(query, params)
        return (
            f"{with_} SELECT p.external_id, p.slug, p.name, p.track, p.types, p.languages, p.services, p.segments, "
            f"p.completeness, p.description, p.logo_url, p.website, {distance} AS distance_m, "
            f"({' + '.join(score)}) AS score, count(*) OVER () AS total "
            f"{from_} {self._where(query, params)} ORDER BY score DESC, p.id LIMIT {PER_PAGE}"
        )

    def _facet_sql(self, query: BenchQuery, params: dict, facet: str) -> str:
        where = self._where(query, params, skip=facet)
        with_, from_ = self._from(query, params)
        if facet == "track":
            return f"{with_} SELECT p.track, count(*) {from_} {where} GROUP BY p.track"
        if facet == "country":
            values = (
                "CROSS JOIN LATERAL (SELECT oc.country AS v FROM office oc WHERE oc.partner_id = p.id "
                "UNION SELECT jsonb_array_elements_text(p.b_countries_served)) f"
            )
        else:
            values = f"CROSS JOIN LATERAL jsonb_array_elements_text(p.b_{LIST_FILTERS[facet]}) AS f(v)"
        return f"{with_} SELECT f.v, count(*) {from_} {values} {where} GROUP BY f.v"
