"""schema.org JSON-LD of a partner profile, and the profile's meta description.

Only schema.org types and properties (tests/web/test_jsonld.py checks them against the vocabulary);
no empty values anywhere; URLs only when they are http(s).
"""
from __future__ import annotations

import json
from typing import Any, Mapping

from flask import has_app_context
from markupsafe import Markup

from locator import addresses, vocab

DESCRIPTION_CHARS = 160  # what search engines show of a meta description


def _url(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


def prune(value: Any) -> Any:
    """The value without None, '' or empty lists/objects, at any depth (schema.org has no null)."""
    if isinstance(value, Mapping):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, (list, tuple)):
        pruned = [prune(v) for v in value]
        return [v for v in pruned if v not in (None, "", [], {})]
    return value


def street_address(office: Mapping[str, Any]) -> str | None:
    """The office's address line without what its city, region, postal code and country already say
    (in any script the gazetteer knows, when there is an app)."""
    places = None
    if has_app_context():
        from locator.web.context import services

        places = services().locator.geocoder.gazetteer
    return addresses.street_address(office, places)


def postal_address(office: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "@type": "PostalAddress",
        "streetAddress": street_address(office),
        "addressLocality": office.get("city"),
        "addressRegion": office.get("region"),
        "postalCode": office.get("postal_code"),
        "addressCountry": office.get("country"),
    }


def place(office: Mapping[str, Any]) -> dict[str, Any]:
    """An office as a schema.org Place with its address and coordinates."""
    geo = None
    if office.get("lat") is not None and office.get("lon") is not None:
        geo = {"@type": "GeoCoordinates", "latitude": office["lat"], "longitude": office["lon"]}
    return {"@type": "Place", "name": office.get("label"), "address": postal_address(office), "geo": geo}


def organization(partner: Mapping[str, Any], page_url: str | None = None) -> dict[str, Any]:
    """schema.org Organization of a partner profile (pruned: no empty values)."""
    offices = list(partner.get("offices") or [])
    social = partner.get("social") or {}
    served = dict.fromkeys([*(o.get("country") for o in offices), *(partner.get("countries_served") or [])])
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": f"{page_url}#organization" if page_url else None,
        "name": partner.get("name"),
        "url": _url(partner.get("website")),
        "mainEntityOfPage": page_url,
        "logo": _url(partner.get("logo_url")),
        "description": partner.get("description"),
        "email": partner.get("email"),
        "telephone": partner.get("phone"),
        "sameAs": list(dict.fromkeys(filter(None, [_url(partner.get("website")),
                                                   *(_url(v) for v in social.values())]))),
        "address": [postal_address(o) for o in offices],
        "location": [place(o) for o in offices],
        "areaServed": [{"@type": "Country", "name": vocab.label("country", c), "identifier": c} for c in served if c],
        "knowsLanguage": [{"@type": "Language", "name": vocab.label("language", code), "alternateName": code}
                          for code in partner.get("languages") or []],
        "hasCredential": [{"@type": "EducationalOccupationalCredential", "name": vocab.label("certification", code)}
                          for code in partner.get("certifications") or []],
    }
    return prune(data)


def script_json(data: Any) -> Markup:
    """JSON safe inside <script>: `<`, `>`, `&` and the JS line separators are \\u-escaped."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def organization_json_ld(partner: Mapping[str, Any], page_url: str | None = None) -> Markup:
    """The profile's <script type="application/ld+json"> content."""
    return script_json(organization(partner, page_url))


def meta_description(partner: Mapping[str, Any], limit: int = DESCRIPTION_CHARS) -> str:
    """The description as one line, cut at a word within `limit` characters (… when cut); a fallback
    from the partner's facts when there is none. Plain text: the template escapes it."""
    text = " ".join((partner.get("description") or "").split())
    if not text:
        kinds = ", ".join(vocab.label("type", t) for t in partner.get("types") or [])
        cities = ", ".join(dict.fromkeys(o["city"] for o in partner.get("offices") or [] if o.get("city")))
        text = " ".join(filter(None, (f"{partner.get('name')}:", kinds or "partner", f"in {cities}." if cities else "")))
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def base_url() -> str | None:
    """The site's trusted absolute base URL, or None when the request's Host is not one to trust (the page
    still answers, without absolute links)."""
    from locator.errors import InvalidParameter
    from locator.web.security import public_base_url

    try:
        return public_base_url()
    except InvalidParameter:
        return None


def profile_head(partner: Mapping[str, Any]) -> dict[str, Any]:
    """What a profile's <head> needs: JSON-LD, meta description, canonical URL (the public profile; none
    for an unpublished partner, whose only page is the seller's, or behind an untrusted Host)."""
    base = base_url() if partner.get("published", True) else None
    canonical = f"{base}/partners/{partner['slug']}" if base else None
    return {
        "json_ld": organization_json_ld(partner, canonical),
        "meta_description": meta_description(partner),
        "canonical_url": canonical,
        "og_image": _url(partner.get("logo_url")),
    }
