"""Readers: one module per tool format, each returning canonical DataFrames.

This module holds what every reader shares: decoding files the way the tools and Excel really save
them, mapping user headers onto canonical fields, and parsing values with a clear error or a
data-quality note instead of a silent misread. All file I/O of inputs lives under ``pmokit.sources``.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmokit.errors import InputError
from pmokit.quality import DataQuality

__all__ = [
    "InputError",
    "DataQuality",
    "decode_bytes",
    "read_table",
    "map_columns",
    "gather_repeated",
    "parse_dates",
    "parse_numbers",
    "note_excel_mangling",
    "file_sha256",
    "arrow_text",
    "key_positions",
]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
_SCI_ID = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)


def arrow_text(values: pd.Series) -> pa.Array:
    """A text column as one Arrow string array (zero-copy for pandas' Arrow-backed strings)."""
    array = pa.array(values.astype("string[pyarrow]"), type=pa.string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def key_positions(keys: pd.Series, table_keys: pd.Series) -> np.ndarray:
    """Row position in ``table_keys`` of each of ``keys`` (first match; -1 when absent or missing).

    An Arrow hash lookup: about 0.1 s for 500,000 keys, where ``Series.map`` with a keyed Series
    converted both sides to Python objects first.

    Examples
    --------
    >>> key_positions(pd.Series(["b", "x", None]), pd.Series(["a", "b"])).tolist()
    [1, -1, -1]
    """
    found = pc.index_in(arrow_text(keys), value_set=arrow_text(table_keys))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def file_sha256(path: str | Path) -> str:
    """Return the SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def decode_bytes(raw: bytes, file: str | Path = "", dq: DataQuality | None = None) -> str:
    """Decode an exported text file: UTF-8 (BOM stripped), UTF-16 with BOM, else cp1252.

    Excel's "CSV" save on Windows writes cp1252 and its "Unicode text" writes UTF-16; the fallback
    is noted in ``dq`` because accented names may then be read differently from what the tool meant.

    Examples
    --------
    >>> decode_bytes(codecs.BOM_UTF8 + "Café".encode())
    'Café'
    >>> decode_bytes("Café".encode("cp1252"))
    'Café'
    """
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if dq is not None:
            dq.add(file, "(encoding)", "file is not UTF-8", "read as Windows-1252 (cp1252)")
        return raw.decode("cp1252")


def read_table(
    path: str | Path,
    *,
    header_rows: int = 1,
    sheet: str | int = 0,
    skip_rows: int = 0,
    dq: DataQuality | None = None,
) -> tuple[pd.DataFrame, list[list[str]]]:
    """Read a CSV/TSV/XLSX export as strings, keeping duplicate headers as they are.

    pandas would rename a repeated header (``Sprint``, ``Sprint.1``); exports repeat headers on
    purpose (one per value), so the raw names are kept and :func:`gather_repeated` joins them.

    Parameters
    ----------
    path : str or Path
        The export (``.csv``, ``.tsv``, ``.txt``, ``.xlsx``).
    header_rows : int
        Number of header rows (Qualtrics has 3, SurveyMonkey 2). The first names the columns.
    sheet : str or int
        Sheet of a workbook.
    skip_rows : int
        Rows to skip before the header (preambles such as Planner's plan name).
    dq : DataQuality, optional
        Receives notes on encoding fall-backs.

    Returns
    -------
    frame : DataFrame
        Every cell as a string ('' when empty); columns named by the first header row.
    headers : list of list of str
        All header rows, for formats whose later rows carry meaning.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "(file)", "an existing file", "no such file")
    if path.suffix.lower() in EXCEL_SUFFIXES:
        raw = _read_excel_raw(path, sheet)
    else:
        raw = _read_csv_raw(decode_bytes(path.read_bytes(), path, dq))
    raw = raw.iloc[skip_rows:]
    if len(raw) < header_rows:
        raise InputError(path, "(header)", f"{header_rows} header row(s)", f"{len(raw)} row(s) in the file")
    headers = [[str(c).strip() for c in row] for row in raw.iloc[:header_rows].values.tolist()]
    body = raw.iloc[header_rows:]
    body = body[body.ne("").any(axis=1)]
    frame = pd.DataFrame(body.values, columns=pd.Index(headers[0], dtype=object), dtype=object)
    return frame, headers


def _read_csv_raw(text: str) -> pd.DataFrame:
    """Every cell as a string, no header interpretation. pandas' C parser is several times faster
    than the csv module on large exports; ragged files (rows longer than the header) fall back to csv."""
    delimiter = _sniff_delimiter(text)
    try:
        return (
            pd.read_csv(
                io.StringIO(text),
                header=None,
                dtype=str,
                keep_default_na=False,
                sep=delimiter,
                skip_blank_lines=False,
                engine="c",
            )
            .fillna("")
            .astype(object)
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        rows = _read_csv_rows(text)
        width = max((len(r) for r in rows), default=0)
        return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)


def _sniff_delimiter(text: str) -> str:
    first_line = text[:20000].split("\n", 1)[0]
    for candidate in ("\t", ";"):
        if first_line.count(candidate) > first_line.count(",") and first_line.count(candidate) > 0:
            return candidate
    return ","


def _read_excel_raw(path: Path, sheet: str | int) -> pd.DataFrame:
    rows = _read_excel_rows(path, sheet)
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)


def _read_csv_rows(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))]


def _read_excel_rows(path: Path, sheet: str | int) -> list[list[str]]:
    try:
        raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine="calamine")
    except ValueError as exc:  # unknown sheet name and similar
        raise InputError(path, "(sheet)", f"a sheet {sheet!r}", str(exc)) from None
    rows = []
    for values in raw.itertuples(index=False):
        rows.append(["" if pd.isna(v) else _cell_text(v) for v in values])
    return rows


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    return str(value)


def map_columns(
    frame: pd.DataFrame,
    file: str | Path,
    required: Iterable[str],
    optional: Iterable[str] = (),
    mapping: Mapping[str, str] | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> pd.DataFrame:
    """Rename the user's headers onto canonical field names, failing clearly when one is missing.

    Parameters
    ----------
    frame : DataFrame
        Raw table from :func:`read_table`.
    file : str or Path
        Named in the error message.
    required, optional : iterable of str
        Canonical field names.
    mapping : mapping, optional
        The params' ``columns:`` entry: canonical field -> header in this file.
    aliases : mapping, optional
        Canonical field -> headers the tools are known to use (matched case-insensitively).

    Returns
    -------
    DataFrame
        Only the canonical columns that were found (missing optional ones are absent).

    Raises
    ------
    InputError
        A required field has no column; the message lists the headers found.
    """
    mapping = dict(mapping or {})
    aliases = {k: list(v) for k, v in (aliases or {}).items()}
    by_lower = {str(c).strip().lower(): c for c in frame.columns}
    chosen: dict[str, str] = {}
    for canonical in list(required) + list(optional):
        candidates = [mapping[canonical]] if canonical in mapping else [canonical, *aliases.get(canonical, [])]
        for name in candidates:
            if str(name).strip().lower() in by_lower:
                chosen[canonical] = by_lower[str(name).strip().lower()]
                break
        else:
            if canonical in set(required):
                found = ", ".join(repr(str(c)) for c in frame.columns if str(c))
                looked = " or ".join(repr(str(c)) for c in candidates)
                raise InputError(file, canonical, f"a column {looked}", f"headers {found}")
    out = pd.DataFrame(
        {
            canonical: frame.loc[:, header]
            if not isinstance(frame.loc[:, header], pd.DataFrame)
            else frame.loc[:, header].iloc[:, 0]
            for canonical, header in chosen.items()
        }
    )
    return out


def gather_repeated(frame: pd.DataFrame, header: str) -> pd.Series:
    """Join every column named ``header`` into one list per row, dropping blanks.

    Examples
    --------
    >>> f = pd.DataFrame([["a", "", "b"]], columns=pd.Index(["Sprint", "Sprint", "Other"], dtype=object))
    >>> gather_repeated(f, "Sprint").tolist()
    [['a']]
    """
    positions = [i for i, c in enumerate(frame.columns) if str(c).strip() == header]
    values = frame.iloc[:, positions].astype(str).values.tolist() if positions else [[] for _ in range(len(frame))]
    return pd.Series([[v.strip() for v in row if v and v.strip()] for row in values], index=frame.index, dtype=object)


def parse_dates(
    values: pd.Series,
    file: str | Path,
    field: str,
    *,
    fmt: str | None = None,
    dayfirst: bool = False,
    dq: DataQuality | None = None,
    required: bool = False,
) -> pd.Series:
    """Parse a column of date strings; blanks become NaT, unparseable values are noted (or raise).

    Parameters
    ----------
    values : Series of str
    file, field : str
        Named in notes and errors.
    fmt : str, optional
        An explicit ``strftime`` format (e.g. Jira's ``%d/%b/%y %I:%M %p``); else ISO and common
        forms are inferred.
    dq : DataQuality, optional
        Receives one note with the count of unparseable values.
    required : bool
        When true, an unparseable or blank value raises :class:`InputError` naming the first one.
    """
    text = values.astype("string").str.strip()
    blank = text.isna() | (text == "")
    kwargs = {"format": fmt} if fmt else {"format": "mixed", "dayfirst": dayfirst}
    parsed = pd.to_datetime(text.where(~blank), errors="coerce", **kwargs)
    bad = parsed.isna() & ~blank
    if required and (bad.any() or blank.any()):
        idx = (bad | blank).idxmax()
        shown = "a blank cell" if blank[idx] else repr(text[idx])
        raise InputError(
            file, field, f"a date{f' like {fmt}' if fmt else ''}", f"{shown} (row {_row_number(values, idx)})"
        )
    if dq is not None and bad.any():
        first = text[bad].iloc[0]
        dq.add(file, field, f"unparseable date (e.g. {first!r})", "left blank", rows=int(bad.sum()))
    return parsed


def parse_numbers(
    values: pd.Series,
    file: str | Path,
    field: str,
    *,
    dq: DataQuality | None = None,
    required: bool = False,
) -> pd.Series:
    """Parse numbers (thousands separators and spaces removed); unparseable values noted or raised."""
    text = values.astype("string").str.strip().str.replace(",", "", regex=False).str.replace(" ", "", regex=False)
    blank = text.isna() | (text == "")
    parsed = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = parsed.isna() & ~blank
    if required and (bad.any() or blank.any()):
        idx = (bad | blank).idxmax()
        shown = "a blank cell" if blank[idx] else repr(values[idx])
        raise InputError(file, field, "a number", f"{shown} (row {_row_number(values, idx)})")
    if dq is not None and bad.any():
        dq.add(file, field, f"not a number (e.g. {values[bad].iloc[0]!r})", "left blank", rows=int(bad.sum()))
    return parsed.astype("Float64")


def note_excel_mangling(values: pd.Series, file: str | Path, field: str, dq: DataQuality | None) -> int:
    """Note IDs that Excel turned into scientific notation (``7.18656E+14``); return how many.

    Such IDs lost digits and can no longer be matched: say so instead of joining on them.
    """
    text = values.astype("string").str.strip()
    mangled = int(text.str.match(_SCI_ID).fillna(False).sum())
    if dq is not None:
        dq.add(
            file,
            field,
            "ID in scientific notation (file re-saved in Excel; digits lost)",
            "kept as is; cannot be matched reliably",
            rows=mangled,
        )
    return mangled


def _row_number(values: pd.Series, idx) -> int:
    """Spreadsheet-style row number of a body row (header is row 1)."""
    try:
        return int(values.index.get_loc(idx)) + 2
    except (KeyError, TypeError):
        return -1
