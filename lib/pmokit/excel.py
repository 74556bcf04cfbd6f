"""The one writer of every ``.xlsx`` artefact: action lists a reader can filter, sort and read.

Every sheet gets the same bold, shaded header, an autofilter over the whole table, the header row
frozen (``A2``), widths that fit the longest value (capped), real Excel dates (``yyyy-mm-dd``; a time
only where one exists), floats rounded per column with a matching number format (percentages to one
decimal, other fractions to two), and text neutralised against formula injection.

:func:`pmokit.report.write_excel` (what notebooks call) delegates here.

Examples
--------
>>> _decimals("share_pct"), _decimals("GB used")
(1, 2)
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from pmokit.neutralise import neutralise_frame

#: Widest column, in characters: longer text wraps off-screen rather than pushing every column away.
MAX_WIDTH = 60
#: Narrowest column, so the autofilter's drop-down arrow never hides a short header.
MIN_WIDTH = 8
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FILL = "DDE3EA"
#: Text cells exactly like an ISO date (some frames carry dates as text): written as real dates.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Column names that hold percentages (0-100): rounded to one decimal.
PERCENT_NAME = re.compile(r"(%|pct|percent)", re.IGNORECASE)


def write_workbook(path: Path, sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write ``sheets`` to ``path`` (saved under a temporary name, then renamed).

    Parameters
    ----------
    path : Path
        The ``.xlsx`` to write.
    sheets : mapping
        Sheet name -> frame. Names are cut to Excel's 31 characters and made unique.

    Returns
    -------
    Path
    """
    # openpyxl is imported here: runs that write no workbook (the status deck) skip its import
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # streamed rows: about 40 % faster than pandas' writer on large lists
    used: set[str] = set()
    header = _header_style()
    for sheet, frame in sheets.items():
        _write_sheet(book.create_sheet(sheet_name(sheet, used)), frame, header)
    if not sheets:
        book.create_sheet("Empty")
    tmp = path.with_name(f".{path.name}.tmp")  # never a half-written workbook under the real name
    book.save(tmp)
    tmp.replace(path)
    return path


def _header_style():
    """One named style shared by every header cell of every sheet and workbook."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    style = NamedStyle(name="pmokit header")
    style.font = Font(bold=True)
    style.fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    style.border = Border(bottom=Side(style="thin", color="7F8C9A"))
    style.alignment = Alignment(vertical="top")
    return style


def _write_sheet(ws, frame: pd.DataFrame, header) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    table, formats = excel_table(frame)
    ws.freeze_panes = "A2"
    for i, col in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column_width(col, table[col], formats[col])
    if len(table.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table) + 1}"
    cells = []
    for col in table.columns:
        cell = WriteOnlyCell(ws, value=str(col))
        cell.style = header
        cells.append(cell)
    ws.append(cells)
    styled = [i for i, col in enumerate(table.columns) if formats[col]]
    for row in table.itertuples(index=False, name=None):
        if styled:
            row = list(row)
            for i in styled:
                if row[i] is not None:
                    cell = WriteOnlyCell(ws, value=row[i])
                    cell.number_format = formats[table.columns[i]]
                    row[i] = cell
        ws.append(row)


def excel_table(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str | None]]:
    """The frame as Excel will hold it, and each column's number format (None: General).

    Dates become :class:`datetime.datetime` (``yyyy-mm-dd``, or with ``hh:mm`` where a time exists),
    floats are rounded, text is neutralised, missing values are None (openpyxl cannot write pd.NA).
    """
    out = neutralise_frame(_plain(frame))
    formats: dict[str, str | None] = {}
    columns = {}
    for col in out.columns:
        values, formats[col] = _column(col, out[col])
        columns[col] = values
    table = pd.DataFrame(columns, index=range(len(out)), columns=list(out.columns)) if len(out.columns) else out
    return table, formats


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel cannot store timezone-aware datetimes or lists: make them plain."""
    out = frame.copy()
    out.columns = [str(c) for c in out.columns]
    if out.columns.duplicated().any():  # two columns of one name would overwrite each other below
        out.columns = [f"{c} ({i + 1})" if c in out.columns[:i] else c for i, c in enumerate(out.columns)]
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
        elif out[col].dtype == object and out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def _column(name: str, values: pd.Series) -> tuple[list[Any], str | None]:
    """One column's cell values and number format."""
    as_dates = _as_datetimes(values)
    if as_dates is not None:
        has_time = bool((as_dates.dropna() != as_dates.dropna().dt.normalize()).any())
        cells = [None if pd.isna(v) else v.to_pydatetime() for v in as_dates]
        return cells, DATETIME_FORMAT if has_time else DATE_FORMAT
    if pd.api.types.is_bool_dtype(values.dtype):
        return [None if pd.isna(v) else bool(v) for v in values.astype(object)], None
    if pd.api.types.is_integer_dtype(values.dtype):
        return [None if pd.isna(v) else int(v) for v in values.astype(object)], None
    if pd.api.types.is_float_dtype(values.dtype):
        digits = _decimals(name)
        rounded = values.astype("float64").round(digits)
        finite = rounded[rounded.notna() & (rounded.abs() != float("inf"))]
        cells = [None if pd.isna(r) or abs(r) == float("inf") else float(r) for r in rounded.tolist()]
        if len(finite) and (finite == finite.round(0)).all():
            return [None if c is None else int(c) for c in cells], "0"
        return cells, "0." + "0" * digits
    cells = values.astype(object).where(values.notna(), None).tolist()
    return [_python(v) for v in cells], None


def _python(value: Any) -> Any:
    """A numpy scalar as the plain Python value openpyxl writes."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def _as_datetimes(values: pd.Series) -> pd.Series | None:
    """The column as naive datetimes when it holds dates (typed, date objects or ISO text), else None."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.astype("datetime64[ns]")
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        return None
    present = values.dropna()
    if present.empty:
        return None
    if all(isinstance(v, (dt.date, pd.Timestamp)) for v in present):
        return pd.to_datetime(values.astype(object), errors="coerce")
    text = present.astype(str)
    if text.str.fullmatch(ISO_DATE).all():
        return pd.to_datetime(values.astype(object), format="%Y-%m-%d", errors="coerce")
    return None


def _decimals(name: str) -> int:
    """Decimals a float column keeps: one for a percentage, two for anything else (GB, days, scores)."""
    return 1 if PERCENT_NAME.search(str(name)) else 2


def column_width(name: str, values: pd.Series, number_format: str | None) -> float:
    """Width that fits the header and the longest shown value, within ``MIN_WIDTH``..``MAX_WIDTH``."""
    if number_format in (DATE_FORMAT, DATETIME_FORMAT):
        longest = len("2026-01-01 00:00" if number_format == DATETIME_FORMAT else "2026-01-01")
    else:
        present = values.dropna()
        if number_format and number_format.startswith("0.") and len(present):
            decimals = len(number_format) - 2
            longest = int(present.map(lambda v: len(f"{v:.{decimals}f}")).max())
        else:
            longest = int(present.map(lambda v: len(str(v))).max()) if len(present) else 0
    return float(min(max(max(longest, len(str(name))) + 2, MIN_WIDTH), MAX_WIDTH))


def sheet_name(name: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, no ``[]:*?/\\``), unique (case-insensitively) in ``used``."""
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name))[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title
