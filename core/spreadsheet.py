"""The one CSV writer: every CSV the app offers for download is made here.

Spreadsheets (Excel, LibreOffice, Google Sheets) run a cell that starts with `=`, `+`, `-`,
`@`, tab or carriage return as a formula, which can fetch addresses or run commands when a
moderator opens an export of what residents typed (CSV injection, OWASP). Such text cells,
and such column names, get a leading apostrophe, which spreadsheets show as text. Number
and date columns are left alone: -0.5 is a number, not a formula.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _defused(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names a spreadsheet cannot run as formulas."""
    safe = frame.copy()
    for column in safe.columns:
        # Any column that can hold text: object, and pandas 3's own string dtype.
        if not (
            pd.api.types.is_numeric_dtype(safe[column])
            or pd.api.types.is_datetime64_any_dtype(safe[column])
        ):
            safe[column] = safe[column].map(_defused)
    safe.columns = [_defused(c) for c in safe.columns]
    return safe


def csv_bytes(table: pd.DataFrame | list[dict]) -> bytes:
    """A table as a CSV file for spreadsheets: defused, no index, UTF-8 with a byte-order
    mark (without it Excel reads Chinese as another encoding)."""
    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table)
    return spreadsheet_safe(frame).to_csv(index=False).encode("utf-8-sig")
