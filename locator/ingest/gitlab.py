"""GitLab's historical resellers.yml (about.gitlab.com/resellers, 2016) → import-format records.

Mapping: name; content → description (multilingual text kept, HTML tags dropped); image → logo_url
(made absolute on about.gitlab.com); email; the first contact phone → phone; the first contact
website → website; social [{type, url}] → {type: url} (first of a type wins); every contact with an
`address` → an office geocoded offline (its city and country from the geocoded place, a state code it
names to region, its address keeping only a street part, which these addresses never have); types reseller-var,
track open; languages derived: the script of each non-English paragraph (Hangul → ko, Hebrew → he,
Cyrillic → ru, Han → zh) or, for Latin text that is not English, the office country's official
language; English when a paragraph is English. id: gitlab-reseller:<slug of the name>.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from locator.addresses import Places
from locator.ingest.derive import street_of_office, strip_html, text_languages
from locator.ingest.readers import Problems, Row, Rows, load_yaml, read_text
from locator.ingest.report import ImportReport
from locator.store import slugify

LOGO_BASE = "https://about.gitlab.com"
ID_PREFIX = "gitlab-reseller:"


def read_gitlab_resellers(path: Path, report: ImportReport) -> Rows:
    text = read_text(path, report)
    if text is None:
        return []
    try:
        data = load_yaml(text)
    except ValueError as exc:
        report.error(None, None, None, str(exc))
        return []
    if not isinstance(data, list):
        report.error(None, None, None, "expected a YAML list of resellers")
        return []
    return [_reseller(row, item, report) for row, item in enumerate(data, start=1)]


def _reseller(row: int, item: Any, report: ImportReport) -> Row:
    if not isinstance(item, dict):
        return Row(row, item)  # the validator reports "a partner must be an object"
    name = item.get("name")
    partner_id = f"{ID_PREFIX}{slugify(name)}" if isinstance(name, str) and name.strip() else None
    record: dict[str, Any] = {"name": name, "track": "open", "types": ["reseller-var"]}
    if partner_id:
        record["id"] = partner_id
    content = item.get("content")
    record["description"] = strip_html(content).strip() if isinstance(content, str) else content
    image = item.get("image")
    if isinstance(image, str) and image.startswith("/"):
        image = LOGO_BASE + image
        report.derive(f"logo_url: image path made absolute on {LOGO_BASE}")
    record["logo_url"] = image
    record["email"] = item.get("email")
    problems: Problems = []
    contacts = item.get("contact") or []
    if not isinstance(contacts, list):
        problems.append((row, partner_id, "contact", "must be a list of {address, phone, website}"))
        contacts = []
    offices: list[dict[str, Any]] = []
    paths: list[tuple[str, str]] = []
    phones: list[Any] = []
    websites: list[Any] = []
    for i, contact in enumerate(contacts):
        if not isinstance(contact, dict):
            problems.append((row, partner_id, f"contact[{i}]", "must be an object {address, phone, website}"))
            continue
        if contact.get("phone"):
            phones.append(contact["phone"])
        if contact.get("website"):
            websites.append(contact["website"])
        if contact.get("address"):
            paths.append((f"offices[{len(offices)}]", f"contact[{i}].address"))
            offices.append({"address": contact["address"]})
    record["phone"] = phones[0] if phones else None
    record["website"] = websites[0] if websites else None
    if len(phones) > 1 or len(websites) > 1:
        report.derive("phone and website: the first of the reseller's contacts (the others are not kept)")
    record["offices"] = offices
    record["social"] = _social(row, partner_id, item.get("social") or [], problems, report)
    return Row(row, record, tuple(problems), tuple(paths))


def derive_reseller(record: dict[str, Any], report: ImportReport, places: Places | None) -> None:
    """After geocoding: each office's address cut to its street part; languages from the description's
    paragraphs and the offices' countries."""
    for office in record["offices"]:
        street_of_office(office, places, report)
    countries = [o["country"] for o in record["offices"] if o.get("country")]
    languages, how = text_languages(record["description"], countries)
    if "en" not in languages:
        languages.insert(0, "en")
        how.insert(0, "English (the list was GitLab's English page)")
    record["languages"] = languages
    for language, reason in zip(languages, how):
        report.derive(f"language {language} from the description: {reason}")


def _social(row: int, partner_id: str | None, items: Any, problems: Problems, report: ImportReport) -> Any:
    if not isinstance(items, list):
        return items  # the validator reports the wrong type
    social: dict[str, Any] = {}
    for item in items:
        if isinstance(item, dict) and item.get("type") and item.get("url"):
            url = item["url"].strip() if isinstance(item["url"], str) else item["url"]
            if item["type"] in social:
                report.derive("social: the first link of a type kept, later ones of the same type dropped")
                continue
            social[item["type"]] = url
        else:
            problems.append((row, partner_id, "social", "each entry needs a type and a url"))
    return social
