"""Validation of the import format (DESIGN.md "Domain") with pydantic, in strict mode: wrong types
are errors, codes are checked against the vocabularies and normalised (country codes upper-case,
slugs and language codes lower-case, duplicates dropped), a Polygon service area becomes a
MultiPolygon. Field paths in problems use 0-based list indexes: offices[0].lat.

Text never holds C0 control characters (NUL included: PostgreSQL refuses it, SQLite would keep it), except
tab and newline in the multi-line fields (description, internal.notes; a CR LF there becomes LF).
Messages quote input through locator.untrusted.quote, which never expands it."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Any, Iterable, Mapping
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from locator import vocab
from locator.ingest.readers import UNREAD, Row
from locator.ingest.regions import region_codes
from locator.ingest.report import ImportReport
from locator.models import LIST_FIELDS
from locator.untrusted import WHITESPACE_CONTROLS, control_character, describe_control, quote

EMAIL_RE = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
PHONE_RE = re.compile(r"^[0-9A-Za-z +()./\-]{3,60}$")
MULTI_LINE = frozenset({"description", "internal.notes"})
OBJECT_FIELDS = frozenset({"internal", "social"})  # objects whose text values are checked
OBJECT_LISTS = frozenset({"offices", "internal.contacts"})
TEXT_LISTS = frozenset(LIST_FIELDS)
INDEX_RE = re.compile(r"\[\d+\]")


@lru_cache(maxsize=None)
def _known(kind: str) -> frozenset[str]:
    return frozenset(vocab.vocabulary(kind))


def _code(kind: str):
    def check(value: str) -> str:
        code = vocab.normalise_code(kind, value)
        if code not in _known(kind):
            what = {"language": "ISO 639-1 language code", "country": "ISO 3166-1 alpha-2 country code"}
            raise ValueError(f"unknown {what.get(kind, kind)} {quote(value)}")
        return code

    return check


def _url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError(f"not an http(s) URL: {quote(value)}")
    return value


def _email(value: str) -> str:
    value = value.strip()
    if not EMAIL_RE.match(value):
        raise ValueError(f"not an email address: {quote(value)}")
    return value


def _phone(value: str) -> str:
    value = value.strip()
    if not PHONE_RE.match(value) or not re.search(r"\d", value):
        raise ValueError(f"not a phone number: {quote(value)}")
    return value


def _non_empty(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _newlines(value: Any) -> Any:
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _empty_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _codes(kind: str):
    return Annotated[list[Annotated[str, AfterValidator(_code(kind))]], AfterValidator(_unique)]


Text = Annotated[str, AfterValidator(str.strip)]
MultiLine = Annotated[Text, BeforeValidator(_newlines)]
Required = Annotated[str, AfterValidator(_non_empty)]
Url = Annotated[str | None, BeforeValidator(_empty_to_none), AfterValidator(lambda v: v and _url(v))]
Email = Annotated[str | None, BeforeValidator(_empty_to_none), AfterValidator(lambda v: v and _email(v))]
Phone = Annotated[str | None, BeforeValidator(_empty_to_none), AfterValidator(lambda v: v and _phone(v))]
_country = _code("country")
Country = Annotated[str | None, BeforeValidator(_empty_to_none), AfterValidator(lambda v: v and _country(v))]
Optional = Annotated[str | None, BeforeValidator(_empty_to_none)]


def _region(value: str) -> str:
    code = value.strip().upper()
    if code not in region_codes():
        raise ValueError(f"unknown ISO 3166-2 first-level region code {quote(value)} (e.g. US-TX, DE-BY)")
    return code


Region = Annotated[str, AfterValidator(_region)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_max_length=20000)


class OfficeIn(Strict):
    label: Optional = None
    address: Optional = Field(default=None, max_length=500)
    city: Optional = Field(default=None, max_length=120)
    region: Optional = Field(default=None, max_length=120)
    postal_code: Optional = Field(default=None, max_length=20)
    country: Country = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    headquarters: bool = False
    geocode_source: Optional = Field(default=None, max_length=40)
    region_code: Annotated[Region | None, BeforeValidator(_empty_to_none)] = None  # derived from the point when absent

    @model_validator(mode="after")
    def _both_or_neither(self) -> "OfficeIn":
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon must be given together (or neither)")
        if self.region_code and self.country and not self.region_code.startswith(self.country + "-"):
            raise ValueError(f"region_code {self.region_code} is not in the office's country {self.country}")
        return self


class Contact(Strict):
    name: Required
    role: Optional = None
    email: Email = None
    phone: Phone = None


class InternalIn(Strict):
    channel_account_manager: Optional = None
    contacts: list[Contact] = []
    notes: Annotated[Optional, BeforeValidator(_newlines)] = None


class PartnerIn(Strict):
    id: Annotated[Required, Field(max_length=120)]
    slug: Optional = Field(default=None, max_length=160)
    name: Annotated[Required, Field(max_length=200)]
    description: MultiLine = ""
    website: Url = None
    logo_url: Url = None
    email: Email = None
    phone: Phone = None
    track: Annotated[str, AfterValidator(_code("track"))] = "open"
    types: _codes("type") = []
    services: _codes("service") = []
    segments: _codes("segment") = []
    languages: _codes("language") = []
    certifications: _codes("certification") = []
    industries: _codes("industry") = []
    countries_served: _codes("country") = []
    regions_served: Annotated[list[Region], AfterValidator(_unique)] = []
    social: dict[Annotated[str, AfterValidator(_non_empty)], Annotated[str, AfterValidator(_url)]] = {}
    service_area: dict[str, Any] | None = None
    offices: list[OfficeIn] = []
    published: bool = True
    internal: InternalIn = InternalIn()
    user_email: Email = Field(default=None, max_length=254)  # import only: the partner's first user

    @field_validator("description", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("service_area")
    @classmethod
    def _geojson(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if not value else multipolygon_geojson(value)


def multipolygon_geojson(value: Mapping[str, Any]) -> dict[str, Any]:
    """A valid GeoJSON Polygon/MultiPolygon in WGS84 ranges, as a MultiPolygon dict (lists, not tuples)."""
    from shapely.geometry import MultiPolygon, mapping, shape
    from shapely.validation import explain_validity

    if value.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"must be a GeoJSON Polygon or MultiPolygon, not {quote(value.get('type'))}")
    try:
        geom = shape(value)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise ValueError(f"malformed GeoJSON coordinates ({exc})") from None
    if geom.is_empty:
        raise ValueError("empty geometry")
    minx, miny, maxx, maxy = geom.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise ValueError("coordinates outside lon [-180, 180] / lat [-90, 90]")
    if not geom.is_valid:
        raise ValueError(f"invalid geometry: {explain_validity(geom)}")
    if geom.geom_type == "Polygon":
        geom = MultiPolygon([geom])
    return _lists(mapping(geom))


def _lists(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def field_path(loc: Iterable[Any]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("function-after[_both_or_neither()]",):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


def _reason(error: Mapping[str, Any]) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind.endswith("_type") or kind in ("bool_parsing", "float_parsing"):
        msg = f"{msg} (got {type(error.get('input')).__name__} {quote(error.get('input'))})"
    return msg


def control_problems(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field path, reason) for each text value (or key) holding a control character it may not hold.

    Only the shapes the format has are visited (objects, lists of codes or of objects); a value of another
    shape is left to the type checks, so the work is bounded by the legitimate size of the record."""
    problems: list[tuple[str, str]] = []
    pending: list[tuple[str, Mapping[str, Any]]] = [("", data)]
    while pending:
        prefix, obj = pending.pop(0)
        for key, value in obj.items():
            if not isinstance(key, str):
                continue
            path = f"{prefix}.{key}" if prefix else key
            if char := control_character(key):
                problems.append((prefix or path, f"a field name contains {describe_control(char)}"))
                continue
            shape = INDEX_RE.sub("", path)
            if isinstance(value, str):
                multi = shape in MULTI_LINE
                if char := control_character(value, WHITESPACE_CONTROLS if multi else ""):
                    rule = "only tab and newline are allowed in this text" if multi else "this field is a single line"
                    problems.append((path, f"contains {describe_control(char)}; {rule}"))
            elif isinstance(value, list) and shape in TEXT_LISTS:
                for i, item in enumerate(value):
                    if isinstance(item, str) and (char := control_character(item)):
                        problems.append((f"{path}[{i}]", f"contains {describe_control(char)}"))
            elif isinstance(value, list) and shape in OBJECT_LISTS:
                pending.extend((f"{path}[{i}]", item) for i, item in enumerate(value) if isinstance(item, Mapping))
            elif isinstance(value, Mapping) and shape in OBJECT_FIELDS:
                pending.append((path, value))
    return problems


def _within(path: str, parents: set[str]) -> bool:
    return any(path == p or path.startswith((p + ".", p + "[")) for p in parents)


def validate_record(data: Any, row: int | None, report: ImportReport) -> dict[str, Any] | None:
    """The normalised record, or None after adding its problems to the report."""
    partner_id = data.get("id") if isinstance(data, Mapping) and isinstance(data.get("id"), str) else None
    partner_id = partner_id.strip() or None if partner_id else None
    if not isinstance(data, Mapping):
        report.error(row, None, None, f"a partner must be an object, not {type(data).__name__}")
        return None
    controls = control_problems(data)
    for path, reason in controls:
        report.error(row, partner_id, path, reason)
    reported = {path for path, _ in controls}
    try:
        record = PartnerIn.model_validate(data).model_dump()
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            path = field_path(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            if not _within(path, reported):
                report.error(row, partner_id, path or None, _reason(error))
        return None
    if controls:
        return None
    if not record["slug"]:
        record.pop("slug")
    if record["user_email"] is None:
        record.pop("user_email")
    return record


def validate_records(rows: Iterable[Row | tuple[int, Any]], report: ImportReport) -> list[tuple[int, dict[str, Any]]]:
    """Validate every row (a Row, or a (number, data) pair); a row the reader found problems in fails with
    them, and duplicate ids after the first are errors. Returns (number, record) pairs."""
    seen: dict[str, int] = {}
    valid: list[tuple[int, dict[str, Any]]] = []
    for number, data, errors, _paths in (Row(*row) for row in rows):
        for line, partner_id, path, reason in errors:
            report.error(line, partner_id, path, reason)
        record = None if data is UNREAD else validate_record(data, number, report)
        if record is None:
            report.failed += 1
            continue
        first = seen.setdefault(record["id"], number)
        if first != number:
            report.error(number, record["id"], "id", f"duplicate id (first at {report.row_label} {first})")
            report.failed += 1
            continue
        if errors:
            report.failed += 1
            continue
        valid.append((number, record))
    report.partners = len(valid)
    return valid
