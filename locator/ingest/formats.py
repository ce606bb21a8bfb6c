"""The import formats, each declared once: how a file is recognised and read, and what is derived once
its offices are geocoded. The importer, the CLI's --format choice and its messages come from here."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from locator.addresses import Places
from locator.ingest import cncf, gitlab
from locator.ingest.readers import Rows, read_csv, read_json
from locator.ingest.report import ImportReport

Derive = Callable[[dict[str, Any], ImportReport, "Places | None"], None]


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]
    read: Callable[[Path, ImportReport], Rows]  # file → import-format records, not yet validated
    claims: Callable[[Path], bool] | None = None  # picks this format over others with the same suffix
    derive: Derive | None = None  # completes a valid record after geocoding (what needs coordinates)
    row_label: str = "record"  # what a problem's row number counts


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("json", (".json",), read_json),
    Format("csv", (".csv",), read_csv, row_label="line"),
    Format("gitlab-resellers", (".yml", ".yaml"), gitlab.read_gitlab_resellers, derive=gitlab.derive_reseller),
    Format("cncf", (".json",), cncf.read_cncf, claims=cncf.claims_file),
)}


def detect_format(path: Path) -> str:
    """The format by the file's extension; among formats sharing one, the first that claims the file, else the plain one."""
    candidates = [f for f in FORMATS.values() if path.suffix.lower() in f.suffixes]
    for spec in sorted(candidates, key=lambda f: f.claims is None):
        if spec.claims is None or spec.claims(path):
            return spec.name
    raise ValueError(f"cannot tell the format of {path.name}; pass --format ({', '.join(FORMATS)})")
