"""Readers of the import format: JSON (a list of partner objects, or {"partners": [...]}) and CSV; the
JSON and YAML loaders every importer uses (hostile input, too deep or YAML aliases, is a one-line error).

CSV layout: one header row, then one row per office. The partner columns are those of the JSON
format; list columns (types, services, segments, languages, certifications, industries,
countries_served, regions_served) hold codes separated by `;`; object columns (social, service_area,
internal_contacts) hold JSON; internal fields are `internal_channel_account_manager`,
`internal_contacts`, `internal_notes`; office fields are prefixed `office_` (office_label,
office_address, office_city, office_region, office_postal_code, office_country, office_lat,
office_lon, office_headquarters, office_geocode_source, office_region_code). A partner with several offices takes
several consecutive rows with the same id: the first row carries the partner columns, the
following rows may leave them empty (or repeat them exactly). A partner without offices leaves the
office columns empty. Booleans are true/false (also 1/0, yes/no); empty cells mean "not given".
Problems name the CSV line (the header is line 1).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import yaml

from locator.ingest.report import ImportReport
from locator.models import LIST_FIELDS
from locator.store import OFFICE_FIELDS, SCALAR_FIELDS
from locator.untrusted import quote


class Row(NamedTuple):
    """One record as read: its number (record, or a CSV record's first line), the data in the import
    format, not yet validated, and the problems the reader found in it (line, partner id, field, reason),
    which fail the record as validation errors do."""

    number: int
    data: Any
    errors: tuple[tuple[int, str | None, str | None, str], ...] = ()
    paths: tuple[tuple[str, str], ...] = ()  # (import-format path, the source's own path) for messages

    def source_path(self, path: str) -> str:
        return dict(self.paths).get(path, path)


Problems = list[tuple[int, str | None, str | None, str]]
UNREAD = object()  # the data of a row that could not be read at all (its errors say why)
Rows = list[Row]

CSV_LIST_FIELDS = LIST_FIELDS
CSV_JSON_FIELDS = ("social", "service_area", "internal_contacts")
CSV_PARTNER_COLUMNS = (
    ("id", "slug") + SCALAR_FIELDS + LIST_FIELDS
    + ("social", "service_area", "internal_channel_account_manager", "internal_contacts", "internal_notes")
)
CSV_OFFICE_COLUMNS = tuple(f"office_{name}" for name in OFFICE_FIELDS)
CSV_COLUMNS = CSV_PARTNER_COLUMNS + CSV_OFFICE_COLUMNS
CSV_IMPORT_ONLY = ("user_email",)  # columns an import reads and an export never writes
BAD = object()  # a cell that could not be read (already reported)
TRUE, FALSE = {"true", "1", "yes", "y"}, {"false", "0", "no", "n"}


def read_text(path: Path, report: ImportReport) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        report.error(None, None, None, f"file is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None


TOO_DEEP = "nested too deeply (a partner record is a few levels deep)"


def load_json(text: str) -> Any:
    """json.loads, with hostile input (too deep, a number too long to convert) as a ValueError with one line."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError(f"malformed JSON: {TOO_DEEP}") from None
    except json.JSONDecodeError as exc:
        end = " (truncated?)" if exc.pos >= len(text.rstrip()) else ""
        raise ValueError(f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}){end}") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ValueError(f"malformed JSON: a number too long to read: {str(exc).split(';')[0]}") from None


class NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader refusing aliases: a few lines of *refs can expand to billions of values."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not accepted in import files; write the value out",
                self.peek_event().start_mark)
        return super().compose_node(parent, index)


def load_yaml(text: str) -> Any:
    """Safe YAML without aliases; anything wrong (syntax, depth, an unreadable value) is a one-line ValueError."""
    try:
        return yaml.load(text, Loader=NoAliasLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise ValueError(f"malformed YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    except RecursionError:
        raise ValueError(f"malformed YAML: {TOO_DEEP}") from None
    except ValueError as exc:  # an integer of more than 4,300 digits, a date that does not exist
        raise ValueError(f"malformed YAML: a number or date that cannot be read: {str(exc).split(';')[0]}") from None


def parse_json(text: str, report: ImportReport) -> Any:
    try:
        return load_json(text)
    except ValueError as exc:
        report.error(None, None, None, str(exc))
        return None


def read_json(path: Path, report: ImportReport) -> Rows:
    text = read_text(path, report)
    data = None if text is None else parse_json(text, report)
    if data is None:
        return []
    if isinstance(data, dict) and isinstance(data.get("partners"), list):
        data = data["partners"]
    if not isinstance(data, list):
        report.error(None, None, None, 'expected a JSON list of partners (or {"partners": [...]})')
        return []
    return [Row(number, item) for number, item in enumerate(data, start=1)]


def read_csv(path: Path, report: ImportReport) -> Rows:
    text = read_text(path, report)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        report.error(None, None, None, "empty CSV file")
        return []
    except csv.Error as exc:
        report.error(None, None, None, f"malformed CSV header: {exc}")
        return []
    unknown = [h for h in header if h not in CSV_COLUMNS + CSV_IMPORT_ONLY]
    if unknown or "id" not in header or len(set(header)) != len(header):
        reason = f"unknown columns {quote(unknown, 200)}" if unknown else "missing or repeated columns (id is required)"
        report.error(None, None, None, f"bad CSV header: {reason}; columns are {', '.join(CSV_COLUMNS)}")
        return []
    records: list[tuple[int, Any, Problems]] = []  # (first line, record, problems) in file order
    previous: tuple[int, Any, Problems] | None = None  # the record the next rows may continue
    try:
        end = reader.line_num
        for cells in reader:
            line, end = end + 1, reader.line_num  # a record's first line (a quoted cell may span several)
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                records.append((line, UNREAD, [(line, None, None, f"ragged row: {len(cells)} cells for {len(header)} columns")]))
                previous = None
                continue
            row = dict(zip(header, cells))
            pid = row["id"].strip()
            if pid and previous is not None and pid == previous[1].get("id"):
                _continue_partner(previous, row, line)
                continue
            problems: Problems = []  # a repeated id that is not consecutive is a record of its own (a duplicate)
            previous = (line, _partner_from_row(row, line, problems), problems)
            records.append(previous)
    except csv.Error as exc:
        report.error(None, None, None, f"malformed CSV at line {reader.line_num}: {exc}")
        return []
    return [Row(line, record, tuple(problems)) for line, record, problems in records]


def _partner_from_row(row: dict[str, str], line: int, problems: Problems) -> dict[str, Any]:
    record: dict[str, Any] = {}
    internal: dict[str, Any] = {}
    for column, raw in row.items():
        if column.startswith("office_"):
            continue
        value = _cell(column, raw, line, row.get("id"), problems)
        if value is None or value is BAD:
            continue
        if column.startswith("internal_"):
            internal[column.removeprefix("internal_")] = value
        else:
            record[column] = value
    if internal:
        record["internal"] = internal
    record["offices"] = []
    _add_office(record, row, line, problems)
    return record


def _continue_partner(first: tuple[int, Any, Problems], row: dict[str, str], line: int) -> None:
    first_line, record, problems = first
    for column, raw in row.items():
        if column.startswith("office_") or column == "id" or not raw.strip():
            continue
        value = _cell(column, raw, line, row["id"], problems)
        key = column.removeprefix("internal_")
        current = record.get("internal", {}).get(key) if column.startswith("internal_") else record.get(column)
        if value is not BAD and value != current:
            problems.append((line, row["id"].strip(), column,
                             f"differs from line {first_line} of the same partner; leave it empty on continuation rows"))
    _add_office(record, row, line, problems)


def _add_office(record: dict[str, Any], row: dict[str, str], line: int, problems: Problems) -> None:
    office = {}
    for column in CSV_OFFICE_COLUMNS:
        raw = row.get(column, "")
        value = _cell(column, raw, line, row.get("id"), problems)
        if value is not None and value is not BAD:
            office[column.removeprefix("office_")] = value
    if office:
        record["offices"].append(office)


def _cell(column: str, raw: str, line: int, partner_id: str | None, problems: Problems) -> Any:
    """A CSV cell as the JSON format's value; an unparsable cell stays a string for the validator."""
    raw = raw.strip()
    if not raw:
        return None
    if column in CSV_LIST_FIELDS:
        return [part.strip() for part in raw.split(";") if part.strip()]
    if column in CSV_JSON_FIELDS:
        try:
            return load_json(raw)
        except ValueError as exc:
            problems.append((line, partner_id, column, f"{exc} in the cell"))
            return BAD
    if column in ("published", "office_headquarters"):
        low = raw.lower()
        return True if low in TRUE else False if low in FALSE else raw
    if column in ("office_lat", "office_lon"):
        try:
            return float(raw)
        except ValueError:
            return raw
    return raw


def csv_rows(record: dict[str, Any]) -> Iterator[dict[str, str]]:
    """The CSV rows of one import-format record (the generator and tests write CSV with this)."""
    base = {}
    for column in CSV_PARTNER_COLUMNS:
        if column.startswith("internal_"):
            value = (record.get("internal") or {}).get(column.removeprefix("internal_"))
        else:
            value = record.get(column)
        base[column] = _format_cell(column, value)
    offices = record.get("offices") or [{}]
    for i, office in enumerate(offices):
        row = dict(base) if i == 0 else {"id": base["id"]}
        for name in OFFICE_FIELDS:
            row[f"office_{name}"] = _format_cell(name, office.get(name))
        yield row


def _format_cell(column: str, value: Any) -> str:
    if value is None or value == [] or value == {}:
        return ""
    if column in CSV_LIST_FIELDS:
        return ";".join(value)
    if column in CSV_JSON_FIELDS:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_writer(out: io.TextIOBase) -> csv.DictWriter:
    """A writer of the import CSV layout, header written."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    return writer


def write_csv(records: list[dict[str, Any]], out: io.TextIOBase) -> None:
    writer = csv_writer(out)
    for record in records:
        writer.writerows(csv_rows(record))
