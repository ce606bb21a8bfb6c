"""The CNCF landscape's service providers (KCSP, KTP; 2020) → import-format records.

Mapping: the name without its " (KCSP)" / " (KTP)" suffix; id cncf:<slug of that name> — a company
in both programs (47 of the 225 rows) becomes one partner with both certifications; KCSP → a
services partner: type by size (boutique-si up to 250 employees or unknown, rsi above, gsi from
10,001) plus msp when the description mentions managed services, services kubernetes,
cloud-native, consulting, implementation (+ managed-services), certification kcsp; KTP → services
training and kubernetes, certification ktp; homepage_url → website; linkedin/twitter → social;
country (English name) → alpha-2 via the gazetteer; city, region, country → one office, geocoded;
languages: the country's official languages (CLDR, de facto) plus English; segments from the
employee range (see derive.SEGMENT_RULE); track open.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from locator.ingest.derive import SEGMENT_RULE, official_languages, segments_for_employees
from locator.ingest.readers import Problems, Row, Rows, load_json, parse_json, read_text
from locator.ingest.report import ImportReport
from locator.store import slugify
from locator.untrusted import quote

ID_PREFIX = "cncf:"
SUFFIX_RE = re.compile(r"\s*\((KCSP|KTP)\)\s*$")
MANAGED_RE = re.compile(r"\bmanaged\b", re.IGNORECASE)
PROGRAMS = {
    "KCSP": {"services": ["kubernetes", "cloud-native", "consulting", "implementation"], "certifications": ["kcsp"]},
    "KTP": {"services": ["training", "kubernetes"], "certifications": ["ktp"]},
}


def claims_file(path: Path) -> bool:
    """A .json file is the CNCF list when its first entry looks like one (a malformed file is not)."""
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", "ignore")
    if '"program"' not in head or '"homepage_url"' not in head:
        return False
    try:
        return looks_like_cncf(load_json(path.read_text(encoding="utf-8")))
    except ValueError:
        return False  # the JSON reader reports the malformed file


def looks_like_cncf(data: Any) -> bool:
    return (
        isinstance(data, list) and bool(data) and isinstance(data[0], dict)
        and data[0].get("program") in PROGRAMS and "homepage_url" in data[0]
    )


def read_cncf(path: Path, report: ImportReport) -> Rows:
    text = read_text(path, report)
    data = None if text is None else parse_json(text, report)
    if data is None:
        return []
    if not isinstance(data, list):
        report.error(None, None, None, "expected a JSON list of CNCF landscape entries")
        return []
    countries = _country_codes(data)
    rows: list[tuple[int, Any, Problems]] = []
    by_id: dict[str, tuple[int, Any, Problems]] = {}
    for row, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            rows.append((row, item, []))
            continue
        problems: Problems = []
        record = _provider(row, item, countries, problems, report)
        first = by_id.get(record.get("id")) if record.get("id") else None
        if first is not None:
            _merge(first[1], record)
            first[2].extend(problems)
            report.records += 1  # a source row, merged rather than returned
            report.derive("companies in both KCSP and KTP merged into one partner")
            continue
        rows.append((row, record, problems))
        if record.get("id"):
            by_id[record["id"]] = rows[-1]
    return [Row(row, record, tuple(problems)) for row, record, problems in rows]


def _country_codes(data: list) -> dict[str, str | None]:
    from locator.gazetteer import get_gazetteer

    gazetteer = get_gazetteer()
    names = {item.get("country") for item in data if isinstance(item, dict) and isinstance(item.get("country"), str)}
    return {name: gazetteer.country_code(name) for name in names}


def _provider(row: int, item: dict[str, Any], countries: dict, problems: Problems, report: ImportReport) -> dict[str, Any]:
    program = item.get("program")
    raw_name = item.get("name")
    name = SUFFIX_RE.sub("", raw_name) if isinstance(raw_name, str) else raw_name
    record: dict[str, Any] = {"name": name, "track": "open"}
    if isinstance(name, str) and name.strip():
        record["id"] = f"{ID_PREFIX}{slugify(name)}"
    partner_id = record.get("id")
    if program not in PROGRAMS:
        problems.append((row, partner_id, "program", f"unknown program {quote(program)} (KCSP or KTP)"))
        program = "KCSP"
    record["description"] = item.get("description") or ""
    record["website"] = item.get("homepage_url")
    record["social"] = {k: item[k] for k in ("linkedin", "twitter") if item.get(k)}
    low, high = item.get("num_employees_min"), item.get("num_employees_max")
    if not all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in (low, high)):
        problems.append((row, partner_id, "num_employees_min", "employee counts must be integers"))
        low = high = None
    managed = program == "KCSP" and bool(MANAGED_RE.search(record["description"] or ""))
    record["types"] = [_size_type(low, high)] + (["msp"] if managed else [])
    record["services"] = list(PROGRAMS[program]["services"]) + (["managed-services"] if managed else [])
    record["certifications"] = list(PROGRAMS[program]["certifications"])
    report.derive("types by employee count: boutique-si ≤250 or unknown, rsi above, gsi >10,000")
    if managed:
        report.derive("msp type and managed-services from a description that mentions managed services")
    record["segments"] = segments_for_employees(low, high)
    if record["segments"]:
        report.derive(SEGMENT_RULE)
    country_name = item.get("country")
    code = countries.get(country_name) if isinstance(country_name, str) else None
    if country_name and not code:
        problems.append((row, partner_id, "country", f"unknown country {quote(country_name)}"))
    office = {"label": item.get("city"), "city": item.get("city"), "region": item.get("region"), "country": code}
    office = {k: v for k, v in office.items() if v}
    record["offices"] = [office] if office else []
    languages = list(official_languages(code)) if code else []
    record["languages"] = (["en"] if "en" not in languages else []) + languages
    report.derive("languages: English plus the country's official languages (CLDR via babel, de facto)")
    return record


def _size_type(low: int | None, high: int | None) -> str:
    size = high if high is not None else low
    if size is None or size <= 250:
        return "boutique-si"
    return "gsi" if (low or 0) > 10000 else "rsi"


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key in ("types", "services", "certifications", "segments", "languages"):
        into[key] = list(dict.fromkeys(into.get(key, []) + other.get(key, [])))
    for key in ("description", "website"):
        if not into.get(key):
            into[key] = other.get(key)
    into["social"] = {**other.get("social", {}), **into.get("social", {})}
    places = {(o.get("city"), o.get("country")) for o in into.get("offices", [])}
    into.setdefault("offices", []).extend(
        o for o in other.get("offices", []) if (o.get("city"), o.get("country")) not in places
    )
