"""Cells for spreadsheets: text that Excel, LibreOffice or Google Sheets show as text, never run as a formula."""
from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # Excel reads a CSV without one in the local code page, not UTF-8


def neutralise(value: Any) -> str:
    """A cell a spreadsheet will show as text, never run as a formula (OWASP's CSV injection advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
