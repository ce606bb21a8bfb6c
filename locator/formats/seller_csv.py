"""The seller CSV export: a file a salesperson opens in Excel or Google Sheets and uses as is.

UTF-8 with a BOM (Excel reads BOM-less files in the local code page), display labels instead of codes,
one column per fact (up to three contacts in their own columns), headers in words, and every cell
neutralised so that a spreadsheet shows it as text, never runs it as a formula. Registered as the "csv"
format (locator.formats): the seller view's export and `locator search --format csv` write it.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import replace
from datetime import date
from typing import Any, Callable, Iterable, Iterator, Mapping

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from locator import vocab
from locator.addresses import Places, street_address
from locator.geocoding import Location
from locator.models import Partner
from locator.search.query import SearchQuery
from locator.search.results import ResultItem, SearchResults
from locator.spreadsheet import BOM, FORMULA_PREFIXES, neutralise  # noqa: F401 (FORMULA_PREFIXES: for callers)
from locator.store import partner_record

EXPORT_LIMIT = 10_000
CONTACT_COLUMNS = 3  # contacts beyond these go, summarised, into "Other contacts"
CONTACT_FIELDS = (("name", "name"), ("role", "role"), ("email", "email"), ("phone", "phone"))

CSV_COLUMNS = (
    "Partner", "Partner ID", "Published", "Track", "Partner types", "Distance (km)", "Serves remotely",
    "Nearest office", "Office", "Street address", "Postal code", "City", "Region", "Country", "Latitude", "Longitude",
    "Countries served", "Languages", "Services", "Customer segments", "Certifications", "Industries",
    "Profile completeness (%)", "Website", "Email", "Phone", "Channel account manager",
    *(f"Contact {n} {title}" for n in range(1, CONTACT_COLUMNS + 1) for _, title in CONTACT_FIELDS),
    "Other contacts", "Notes", "Profile URL",
)
Records = Callable[[list[str]], Mapping[str, Mapping[str, Any]]]  # slugs → their stored records (profiles)


# ---------------------------------------------------------------- gathering the results


def result_pages(locator: Any, query: SearchQuery) -> Iterator[SearchResults]:
    """Every page of a search, up to EXPORT_LIMIT results."""
    seen = 0
    while seen < EXPORT_LIMIT:
        results = locator.search(query)
        yield results
        seen += len(results.results)
        if not results.results or seen >= results.total:
            return
        query = replace(query, page=query.page + 1)


def stored_records(db: Any, slugs: list[str]) -> dict[str, dict[str, Any]]:
    """Full records (offices with regions, email, phone, certifications ...) of the given partners, one query."""
    if not slugs:
        return {}
    with db.session() as session:
        stmt = select(Partner).options(selectinload(Partner.offices)).where(Partner.slug.in_(slugs))
        return {p.slug: partner_record(p) for p in session.scalars(stmt)}


def export_rows(pages: Iterable[SearchResults], records: Records | None, base_url: str,
                places: Places | None = None) -> Iterator[list[str]]:
    """Data rows (neutralised) of the results, each joined with its stored record (page by page)."""
    for page in pages:
        stored = records([item.slug for item in page.results]) if records else {}
        for item in page.results:
            yield csv_record(item, stored.get(item.slug, {}), base_url, places)


# ---------------------------------------------------------------- one row


def _labels(kind: str, codes: Iterable[str] | None) -> str:
    return "; ".join(vocab.label(kind, code) for code in codes or [])


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _same_place(office: Mapping[str, Any], lat: float, lon: float) -> bool:
    return office.get("lat") is not None and abs(office["lat"] - lat) < 1e-7 and abs(office["lon"] - lon) < 1e-7


def shown_office(item: ResultItem, record: Mapping[str, Any]) -> dict[str, Any]:
    """The office a row describes: the nearest one when the search has a place, else the headquarters
    (or the first office)."""
    offices = list(record.get("offices") or [])
    near = item.nearest_office
    if near is not None:
        match = next((o for o in offices if _same_place(o, near.lat, near.lon) and o.get("label") == near.label), None)
        match = match or next((o for o in offices if _same_place(o, near.lat, near.lon)), None)
        return match or {"label": near.label, "city": near.city, "country": near.country, "lat": near.lat, "lon": near.lon}
    return next((o for o in offices if o.get("headquarters")), offices[0] if offices else {})


def place_line(office: Mapping[str, Any]) -> str:
    """'Arlington, Virginia, United States'."""
    country = vocab.label("country", office["country"]) if office.get("country") else None
    return ", ".join(dict.fromkeys(p for p in (office.get("city"), office.get("region"), country) if p))


def contact_cells(contacts: Iterable[Any] | None) -> list[str]:
    """CONTACT_COLUMNS × (name, role, email, phone), then the others summarised in one cell."""
    people = [c if isinstance(c, Mapping) else {"name": str(c)} for c in contacts or []]
    cells: list[str] = []
    for n in range(CONTACT_COLUMNS):
        person = people[n] if n < len(people) else {}
        cells += [person.get(key) or "" for key, _ in CONTACT_FIELDS]
    others = ["; ".join(filter(None, (p.get("name"), p.get("role"), p.get("email"), p.get("phone"))))
              for p in people[CONTACT_COLUMNS:]]
    return [*cells, " | ".join(others)]


class Number(str):
    """A number this module formatted ('-77.03637'): a spreadsheet reads it as a number, never a formula."""


def _number(value: float | None, digits: int) -> str:
    return "" if value is None else Number(f"{value:.{digits}f}")


def csv_record(item: ResultItem, record: Mapping[str, Any], base_url: str, places: Places | None = None) -> list[str]:
    """One partner's row, every cell neutralised; `places` (the gazetteer) drops what the street line repeats."""
    internal = item.internal or {}
    office = shown_office(item, record)
    values = [
        item.name, item.id, _yes(item.published), vocab.label("track", item.track), _labels("type", item.types),
        _number(item.distance_km, 1), _yes(item.serves_remotely),
        place_line(office) if item.nearest_office else "",
        office.get("label"), street_address(office, places), office.get("postal_code"), office.get("city"), office.get("region"),
        vocab.label("country", office["country"]) if office.get("country") else "",
        _number(office.get("lat"), 5), _number(office.get("lon"), 5),
        _labels("country", record.get("countries_served")), _labels("language", item.languages),
        _labels("service", item.services), _labels("segment", item.segments),
        _labels("certification", record.get("certifications")), _labels("industry", record.get("industries")),
        item.completeness, item.website or record.get("website"), record.get("email"), record.get("phone"),
        internal.get("channel_account_manager"), *contact_cells(internal.get("contacts")),
        internal.get("notes"), base_url + item.url,
    ]
    return [v if isinstance(v, Number) else neutralise(v) for v in values]


def csv_text(rows: Iterable[list[str]]) -> str:
    """The whole file: BOM, header, rows (CRLF line ends, as RFC 4180 and Excel expect)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def as_csv(results: SearchResults | Iterable[SearchResults], *, records: Records | None = None, base_url: str = "",
           places: Places | None = None) -> str:
    """The file for one page of results or for several (an export's pages), rows joined with `records`."""
    pages = [results] if isinstance(results, SearchResults) else results
    return csv_text(export_rows(pages, records, base_url, places))


# ---------------------------------------------------------------- the file name


def ascii_slug(text: str) -> str:
    """'München' → 'muenchen': German umlauts spelt out, other accents dropped, anything else a hyphen."""
    text = text.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.")


FILENAME_FILTERS = ("service", "type", "segment", "certification", "language", "country")


def export_filename(query: SearchQuery, location: Location | None, radius_km: float | None, today: date) -> str:
    """partners-kubernetes-near-muenchen-100km-20261201.csv: the search's words, filters, place and radius."""
    parts = [query.q, *(v for name in FILENAME_FILTERS for v in getattr(query, name)), query.track or ""]
    if query.has_location:
        if query.near:  # as typed, else (서울) the resolved place's name
            place = ascii_slug(query.near) or (ascii_slug(location.label.split(",")[0]) if location else "")
        else:
            place = f"{query.lat:.3f}-{query.lon:.3f}"
        parts.append(f"near-{place}" if place else "near")
        if radius_km:
            parts.append(f"{radius_km:g}km")
    slug = "-".join(filter(None, (ascii_slug(p) for p in parts)))[:90].strip("-.")
    return f"partners-{slug + '-' if slug else ''}{today:%Y%m%d}.csv"
