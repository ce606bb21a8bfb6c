"""The profile form shared by the partner portal and the admin's edit page: posted fields → the edits of an
import-format record (revisions validates them with the import schema), and field paths of the schema's
messages → the form fields they belong to.

Offices are posted as offices-<n>-<field>. A point keeps what the editor saw: a pin dragged on the map comes
back with geocode_source "manual" and stays; otherwise a point computed for another address than the one
posted (`offices-<n>-placed` holds the address it was computed for) is dropped, and the office is geocoded
again as an import does. An office the geocoder cannot place is kept without a point (and flagged).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict

from locator import logos
from locator.errors import InvalidParameter
from locator.revisions import ADMIN_FIELDS, PUBLIC_FIELDS

SCALARS = ("name", "description", "website", "logo_url", "email", "phone")
CHOICES = ("types", "services", "segments", "languages", "industries", "countries_served", "regions_served")
OFFICE_TEXT = ("label", "address", "city", "region", "postal_code", "country")
OFFICE_HIDDEN = ("lat", "lon", "geocode_source", "placed")
ADDRESS_KEY = ("address", "city", "region", "postal_code", "country")
MAX_OFFICES = 50
CONTROL = ("csrf_token", "action", "logo_file", "logo_remove", "headquarters")
ADMIN_FORM = ("track", "certifications", "published", "internal_channel_account_manager", "internal_notes")
OFFICE_RE = re.compile(r"^offices-(\d{1,3})-([a-z_]+)$")


@dataclass
class Posted:
    edits: dict[str, Any]
    logo: logos.ProcessedLogo | None = None
    errors: dict[str, str] = field(default_factory=dict)  # form field → message (before the schema's)


def address_key(office: dict[str, Any]) -> str:
    return "|".join((office.get(k) or "").strip() for k in ADDRESS_KEY)


def parse(form: MultiDict, files: MultiDict, *, admin: bool, max_logo_bytes: int, max_logo_pixels: int) -> Posted:
    """The edits a posted form asks for. A field the editor may not change (an admin field in a partner's
    form, or any name the form does not have) is a 400 naming it."""
    allowed_admin = ADMIN_FORM if admin else ()
    for name in list(form.keys()) + list(files.keys()):
        match = OFFICE_RE.match(name)
        if match and match.group(2) in OFFICE_TEXT + OFFICE_HIDDEN + ("remove",):
            continue
        if name in SCALARS or name in CHOICES or name in CONTROL or name in allowed_admin:
            continue
        if name.startswith("internal"):
            name = "internal"
        raise InvalidParameter(f"the field {name!r} cannot be changed here", field=name)
    edits: dict[str, Any] = {}
    for name in SCALARS:
        if name in PUBLIC_FIELDS:
            edits[name] = form.get(name, "")
    for name in CHOICES:
        if name in PUBLIC_FIELDS:
            edits[name] = [v for v in form.getlist(name) if v]
    posted = Posted(edits)
    edits["offices"] = _offices(form)
    if form.get("logo_remove"):
        edits["logo_url"] = None
    upload: FileStorage | None = files.get("logo_file")
    if upload is not None and upload.filename:
        data = upload.read(max_logo_bytes + 1)
        if len(data) > max_logo_bytes:  # the rest is not read: report the size the browser declared, if any
            size = max(len(data), upload.content_length or 0)
            posted.errors["logo_url"] = (f"the file is over {max_logo_bytes / 1024 / 1024:.1f} MB"
                                         + (f" ({size / 1024 / 1024:.1f} MB)" if upload.content_length else "")
                                         + "; upload a smaller image")
        else:
            try:
                posted.logo = logos.process(data, max_logo_bytes, max_logo_pixels)
            except logos.LogoError as exc:
                posted.errors["logo_url"] = f"logo: {exc}"
    if admin:
        edits.update(_admin(form))
    return posted


def _offices(form: MultiDict) -> list[dict[str, Any]]:
    rows = sorted({int(m.group(1)) for m in map(OFFICE_RE.match, form.keys()) if m})
    if len(rows) > MAX_OFFICES:
        raise InvalidParameter(f"at most {MAX_OFFICES} offices", field="offices")
    hq = form.get("headquarters", "")
    offices = []
    for n in rows:
        get = lambda k: form.get(f"offices-{n}-{k}", "")  # noqa: E731
        if get("remove"):
            continue
        office: dict[str, Any] = {k: get(k) or None for k in OFFICE_TEXT}
        if not any(office.values()):
            continue  # the blank row for a new office, left blank
        office["headquarters"] = hq == str(n)
        source = get("geocode_source") or None
        lat, lon = _number(get("lat")), _number(get("lon"))
        fresh = source == "manual" or get("placed") == address_key(office)
        if lat is not None and lon is not None and fresh:
            office.update(lat=lat, lon=lon, geocode_source=source)
        else:
            office.update(lat=None, lon=None, geocode_source=None)
        offices.append(office)
    return offices


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _admin(form: MultiDict) -> dict[str, Any]:
    internal = {"channel_account_manager": form.get("internal_channel_account_manager") or None,
                "notes": form.get("internal_notes") or None}
    return {"track": form.get("track", ""), "certifications": [v for v in form.getlist("certifications") if v],
            "published": form.get("published") == "1", "internal": internal}


def form_field(path: str) -> str:
    """The form field a schema path belongs to: offices[0].city → offices-0-city (the form shown again numbers
    the offices as the record does), services[2] → services."""
    match = re.match(r"^offices\[(\d+)\](?:\.(\w+))?", path)
    if match:
        return f"offices-{match.group(1)}-{match.group(2)}" if match.group(2) else f"offices-{match.group(1)}"
    if path.startswith("internal"):
        return "internal_" + path.split(".", 1)[1].split("[")[0] if "." in path else "internal"
    return path.split("[", 1)[0].split(".", 1)[0]


def editable(admin: bool) -> tuple[str, ...]:
    return PUBLIC_FIELDS + (ADMIN_FIELDS if admin else ())
