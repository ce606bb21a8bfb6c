"""Partners as the search sees them: plain dicts read from the store in bulk, and what is derived
from one document: the record a result shows and the analysed text the index holds."""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from locator import vocab
from locator.models import Office, Partner
from locator.search.analysis import fold_terms, stem
from locator.search.filters import LIST_COLUMNS

LIST_KINDS = LIST_COLUMNS  # filter → its Partner list column, held as CSR rows (see locator.search.filters)
# country: an office in it or serving it; office_country / served: each side alone. office_region /
# served_region: the ISO 3166-2 regions of its offices / those it serves remotely (region searches).
CSR_KINDS = (*LIST_KINDS, "country", "office_country", "served", "office_region", "served_region")
NAME_BOOST = 3  # a name term counts as this many description terms
DESCRIPTION_SNIPPET = 300


def load_docs(session: Session, ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Partners (with offices) as plain dicts, read with Core queries (no ORM objects: fast at 100k)."""
    p, o = Partner.__table__, Office.__table__
    cols = list(dict.fromkeys([  # (a filter's column may be one of these already)
        p.c.id, p.c.external_id, p.c.slug, p.c.name, p.c.description, p.c.website, p.c.logo_url,
        p.c.track, p.c.published, p.c.completeness, p.c.internal, p.c.industries, p.c.countries_served,
        p.c.regions_served, p.c.service_area, *(p.c[column] for column in LIST_KINDS.values()),
    ]))
    office_cols = [o.c.partner_id, o.c.label, o.c.city, o.c.country, o.c.lat, o.c.lon, o.c.region_code]
    chunks: list[list[int] | None] = [None]
    if ids is not None:
        ids = sorted(set(ids))
        chunks = [ids[i : i + 500] for i in range(0, len(ids), 500)]
    docs: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        stmt = select(*cols).order_by(p.c.id)
        office_stmt = select(*office_cols).order_by(o.c.partner_id, o.c.position)
        if chunk is not None:
            stmt = stmt.where(p.c.id.in_(chunk))
            office_stmt = office_stmt.where(o.c.partner_id.in_(chunk))
        for row in session.execute(stmt).mappings():
            doc = dict(row)
            doc["offices"] = []
            docs[doc["id"]] = doc
        for row in session.execute(office_stmt):
            if row.partner_id in docs:
                docs[row.partner_id]["offices"].append(
                    {"label": row.label, "city": row.city, "country": row.country, "lat": row.lat, "lon": row.lon,
                     "region_code": row.region_code}
                )
    return list(docs.values())


def record(doc: dict[str, Any]) -> dict[str, Any]:
    """What a result needs to show a partner (descriptions cut to a snippet)."""
    description = doc.get("description") or ""
    if len(description) > DESCRIPTION_SNIPPET:
        description = description[: DESCRIPTION_SNIPPET - 1].rstrip() + "…"
    offices = [o for o in doc["offices"] if o["lat"] is not None and o["lon"] is not None]
    return {
        "pid": doc["id"],
        "id": doc["external_id"],
        "slug": doc["slug"],
        "name": doc["name"],
        "track": doc["track"],
        "types": list(doc.get("types") or []),
        "languages": list(doc.get("languages") or []),
        "services": list(doc.get("services") or []),
        "segments": list(doc.get("segments") or []),
        "completeness": int(doc.get("completeness") or 0),
        "logo_url": doc.get("logo_url"),
        "website": doc.get("website"),
        "description": description,
        "countries": sorted({o["country"] for o in doc["offices"] if o["country"]}),
        "offices": offices,  # the located ones, in the order of the model's office arrays
        "published": bool(doc.get("published")),
        "internal": dict(doc.get("internal") or {}),
    }


@lru_cache(maxsize=4096)
def _label(kind: str, code: str) -> str:
    return vocab.label(kind, code)  # (it builds its vocabulary lookup per call)


def doc_text(doc: dict[str, Any]) -> tuple[str, str]:
    """(name, everything else indexed): description, services, certifications, industries, cities, countries."""
    labels = []
    for kind, column in (("service", "services"), ("certification", "certifications"), ("industry", "industries"), ("type", "types")):
        for code in doc.get(column) or []:
            labels.append(_label(kind, code))
            labels.append(code)
    places = []
    for office in doc["offices"]:
        places.append(office.get("city") or "")
        if office.get("country"):
            places.append(_label("country", office["country"]))
    return doc["name"] or "", " ".join([doc.get("description") or "", *labels, *places])


def doc_fold_terms(doc: dict[str, Any]) -> tuple[Counter, int]:
    """The folded terms' frequencies (name terms boosted) and the document length."""
    name, rest = doc_text(doc)
    name_fold, rest_fold = fold_terms(name), fold_terms(rest)
    tf = Counter(rest_fold)
    for term in name_fold:
        tf[term] += NAME_BOOST
    return tf, len(rest_fold) + NAME_BOOST * len(name_fold)


def doc_terms(doc: dict[str, Any]) -> dict[str, tuple[Counter, int]]:
    """Per text field, the term frequencies (name terms boosted) and the document length."""
    fold, length = doc_fold_terms(doc)
    stemmed: Counter = Counter()
    for term, count in fold.items():
        stemmed[stem(term)] += count
    return {"fold": (fold, length), "stem": (stemmed, length)}
