"""Test factories: every field has a default; pass only what the test is about."""
from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from locator.models import Partner
from locator.store import apply_partner

_seq = itertools.count(1)

BERLIN = (52.5200, 13.4050)


def office(lat: float = BERLIN[0], lon: float = BERLIN[1], **overrides: Any) -> dict[str, Any]:
    data = {"label": "Office", "city": "Berlin", "country": "DE", "lat": lat, "lon": lon, "headquarters": False}
    data.update(overrides)
    return data


def partner_data(**overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    data: dict[str, Any] = {
        "id": f"P{n:06d}",
        "name": f"Partner {n}",
        "description": "A GitLab partner.",
        "website": None,
        "logo_url": None,
        "email": None,
        "phone": None,
        "track": "open",
        "types": ["reseller-var"],
        "services": ["implementation"],
        "segments": ["smb"],
        "languages": ["en"],
        "certifications": [],
        "industries": [],
        "countries_served": [],
        "service_area": None,
        "offices": [office()],
        "published": True,
        "internal": {},
    }
    data.update(overrides)
    return data


def make_partner(session: Session, **overrides: Any) -> Partner:
    return apply_partner(session, partner_data(**overrides))
