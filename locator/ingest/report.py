"""What an import says: counts, problems (row, partner id, field, reason) and what it derived."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from locator.untrusted import escape_controls, quote


FIELD_LIMIT, REASON_LIMIT = 200, 2000


@dataclass(frozen=True)
class Problem:
    row: int | None  # 1-based record number (JSON/YAML) or line number (CSV); None: the whole file
    partner_id: str | None
    field: str | None  # path such as offices[0].lat (0-based list indexes)
    reason: str
    level: str = "error"  # error | warning

    def describe(self, row_label: str = "record") -> str:
        where = [f"{row_label} {self.row}" if self.row is not None else "file"]
        if self.partner_id:
            where.append(f"id {quote(self.partner_id)}")
        if self.field:
            where.append(self.field)
        return f"{self.level}: {', '.join(where)}: {self.reason}"


def _problem(row: int | None, partner_id: str | None, field_path: str | None, reason: str, level: str) -> Problem:
    """A problem safe to print: one line, no control characters, bounded length (the input may be hostile)."""
    field_path = escape_controls(field_path, FIELD_LIMIT) if field_path else field_path
    return Problem(row, partner_id, field_path, escape_controls(reason, REASON_LIMIT), level)


@dataclass
class ImportReport:
    path: str = ""
    format: str = ""
    row_label: str = "record"  # "line" for CSV
    records: int = 0  # records read from the file (before merging and validation)
    partners: int = 0  # valid partners after validation
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0  # records that failed (reader problems, validation, duplicate ids)
    offices: int = 0
    offices_geocoded: int = 0
    written: bool = False
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)
    derived: Counter = field(default_factory=Counter)  # note → how many records it applies to

    def error(self, row: int | None, partner_id: str | None, field_path: str | None, reason: str) -> None:
        self.problems.append(_problem(row, partner_id, field_path, reason, "error"))

    def warning(self, row: int | None, partner_id: str | None, field_path: str | None, reason: str) -> None:
        self.problems.append(_problem(row, partner_id, field_path, reason, "warning"))

    def derive(self, note: str, count: int = 1) -> None:
        """Record what the importer derived (e.g. languages from the country's official languages)."""
        self.derived[note] += count

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def fatal(self) -> bool:
        """A file-level error (unreadable, malformed): nothing can be imported, even with --partial."""
        return any(p.row is None and p.level == "error" for p in self.problems)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "records": self.records,
            "partners": self.partners,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "offices": self.offices,
            "offices_geocoded": self.offices_geocoded,
            "written": self.written,
            "dry_run": self.dry_run,
            "problems": [p.__dict__ for p in self.problems],
            "derived": dict(self.derived),
        }

    def lines(self, max_problems: int = 50) -> list[str]:
        head = f"{self.path} ({self.format}): {self.records} records read, {self.partners} valid partners"
        if self.dry_run:
            outcome = "dry run: nothing written"
        elif self.written:
            outcome = f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
        else:
            outcome = "nothing written"
        out = [head, f"{outcome}; failed {self.failed}",
               f"offices: {self.offices}, geocoded at import: {self.offices_geocoded}"]
        for note, count in sorted(self.derived.items()):
            out.append(f"derived: {note} ({count})")
        ordered = sorted(self.problems, key=lambda p: (p.row is not None, p.row or 0))
        for problem in ordered[:max_problems]:
            out.append(problem.describe(self.row_label))
        if len(self.problems) > max_problems:
            out.append(f"... and {len(self.problems) - max_problems} more problems")
        return out

    def text(self, max_problems: int = 50) -> str:
        return "\n".join(self.lines(max_problems))
