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
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

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
    "screen_file",
    "check_zip",
    "read_zip_member",
    "load_yaml",
    "load_json",
]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}

# Caps on untrusted inputs. Real exports stay far below them; each can be raised through the
# environment for an unusually large tenant, and the tests lower them to build small bombs.
#: Bytes a zipped input (Intune's .zip, any .xlsx) may inflate to.
MAX_UNZIPPED_BYTES = int(os.environ.get("PMOKIT_MAX_UNZIPPED_BYTES", 2 << 30))
#: Inflated/compressed ratio above which a zip is refused: CSV and sheet XML inflate 5 to 30 times,
#: a zip bomb thousands of times.
MAX_ZIP_RATIO = float(os.environ.get("PMOKIT_MAX_ZIP_RATIO", 200))
#: Below this inflated size the ratio is not judged (a small file of zeros compresses a lot, harmlessly).
ZIP_RATIO_FLOOR = 16 << 20
#: Cells (rows x columns from A1 to the farthest cell) a sheet may span: the Excel reader allocates
#: every cell of that rectangle, so one stray cell at XFD1048576 would ask for hundreds of GiB.
MAX_SHEET_CELLS = int(os.environ.get("PMOKIT_MAX_SHEET_CELLS", 50_000_000))
#: Columns a text export may have (Excel's own limit): a file without line breaks would otherwise
#: become a header of millions of columns.
MAX_COLUMNS = 16_384
#: YAML: aliases (``*name``) one document may use, values it may expand to, nesting depth.
MAX_YAML_ALIASES = 100
MAX_YAML_VALUES = 100_000
MAX_NESTING = 100

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls, .msg
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
    """Decode an exported text file: UTF-8 (BOM stripped), UTF-16 (with or without BOM), else cp1252.

    Excel's "CSV" save on Windows writes cp1252 and its "Unicode text" writes UTF-16; some .NET and
    PowerShell writers leave out UTF-16's byte-order mark. The fall-backs are noted in ``dq``
    because accented names may then be read differently from what the tool meant.

    Raises
    ------
    InputError
        The bytes are not text (NUL bytes outside UTF-16, or bytes no Windows code page defines).

    Examples
    --------
    >>> decode_bytes(codecs.BOM_UTF8 + "Café".encode())
    'Café'
    >>> decode_bytes("Café".encode("cp1252"))
    'Café'
    >>> decode_bytes("Site,Région".encode("utf-16-le"))
    'Site,Région'
    """
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        return raw.decode("utf-16", errors="replace")
    bare = _utf16_without_bom(raw)
    if bare:
        if dq is not None:
            dq.add(file, "(encoding)", "UTF-16 without a byte-order mark", f"read as {bare.upper()}")
        return raw.decode(bare, errors="replace")
    problem = binary_content(raw)
    if problem:
        raise InputError(file or None, "(file)", "a text export (CSV)", problem)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(
            file or None,
            "(encoding)",
            "text in UTF-8, UTF-16 or Windows-1252",
            f"byte 0x{raw[exc.start]:02x} at offset {exc.start}, which none of them defines",
        ) from None
    if dq is not None:
        dq.add(file, "(encoding)", "file is not UTF-8", "read as Windows-1252 (cp1252)")
    return text


def _utf16_without_bom(raw: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when the first 4 KB look like UTF-16 text without a BOM
    (ASCII letters with a NUL byte beside each), else None."""
    sample = raw[:4096]
    if len(sample) < 8:
        return None
    half = len(sample) // 2
    odd_nul = sample[1::2].count(0) / half
    even_nul = sample[0::2].count(0) / half
    if odd_nul > 0.9 and even_nul < 0.1:
        return "utf-16-le"
    if even_nul > 0.9 and odd_nul < 0.1:
        return "utf-16-be"
    return None


def binary_content(raw: bytes) -> str:
    """Why the start of a file is not a text export ('' when it may be one).

    Examples
    --------
    >>> binary_content(b"PK\\x03\\x04rest")
    'an Excel workbook or zip archive saved under a text name (save it as CSV, or name it .xlsx)'
    >>> binary_content(b"Site,Region\\n")
    ''
    """
    head = raw[: 1 << 16]
    if head.startswith(_ZIP_MAGIC):
        return "an Excel workbook or zip archive saved under a text name (save it as CSV, or name it .xlsx)"
    if head.startswith(_OLE_MAGIC):
        return "an Excel 97-2003 workbook (.xls) saved under a text name (save it as CSV)"
    if b"\x00" in head and not _utf16_without_bom(raw):
        return "binary content (NUL bytes), not text"
    return ""


# ----------------------------------------------------------------------------- untrusted containers
def _size(n: float) -> str:
    """Bytes for a message: ``1.5 GB``, ``64 MB``, ``900 bytes``."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{int(n)} bytes"


def check_zip(path: str | Path, archive: zipfile.ZipFile | None = None, what: str = "a zip archive") -> None:
    """Refuse a zip (an Intune .zip, an .xlsx) that would inflate past the caps.

    The sizes are the archive's own declarations, read without inflating anything; Python's
    ``zipfile`` never inflates a member past its declared size (a lying header fails its CRC).

    Raises
    ------
    InputError
        Not a zip archive; more than :data:`MAX_UNZIPPED_BYTES` once inflated; or an inflation
        ratio above :data:`MAX_ZIP_RATIO` (a zip bomb).
    """
    path = Path(path)
    try:
        infos = (archive or zipfile.ZipFile(path)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(path, "(file)", what, "a damaged or truncated file (not a readable zip archive)") from None
    inflated = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if inflated > MAX_UNZIPPED_BYTES:
        raise InputError(
            path,
            "(zip)",
            f"at most {_size(MAX_UNZIPPED_BYTES)} once unzipped (PMOKIT_MAX_UNZIPPED_BYTES raises it)",
            f"{_size(inflated)} from {_size(packed)}",
        )
    if inflated > ZIP_RATIO_FLOOR and inflated / packed > MAX_ZIP_RATIO:
        raise InputError(
            path,
            "(zip)",
            f"an export compressed less than {MAX_ZIP_RATIO:.0f}:1 (real exports stay under 30:1)",
            f"{inflated / packed:,.0f}:1 ({_size(packed)} inflating to {_size(inflated)}): a zip bomb, refused",
        )


def read_zip_member(path: str | Path, archive: zipfile.ZipFile, member: str) -> bytes:
    """The bytes of one member of an archive already checked with :func:`check_zip`.

    Read in blocks and stopped at :data:`MAX_UNZIPPED_BYTES`, whatever the header declared.
    """
    out = io.BytesIO()
    try:
        with archive.open(member) as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                out.write(block)
                if out.tell() > MAX_UNZIPPED_BYTES:
                    raise InputError(path, "(zip)", f"at most {_size(MAX_UNZIPPED_BYTES)} once unzipped", "more")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise InputError(path, "(zip)", f"a readable {member}", f"a damaged archive ({exc})") from None
    return out.getvalue()


def _check_workbook(path: Path, sheet: str | int) -> None:
    """Refuse an .xlsx that is no zip, is a zip bomb, or whose sheet spans more than
    :data:`MAX_SHEET_CELLS` cells (the reader would allocate every one of them)."""
    if path.suffix.lower() == ".xls":
        return  # Excel 97-2003: no zip inside
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        head = path.read_bytes()[:8] if path.is_file() else b""
        got = (
            "an Excel 97-2003 workbook (.xls) under an .xlsx name (save it as .xlsx)"
            if head.startswith(_OLE_MAGIC)
            else "a damaged or truncated file (not a readable .xlsx)"
        )
        raise InputError(path, "(file)", "an Excel workbook (.xlsx)", got) from None
    with archive:
        check_zip(path, archive, "an Excel workbook (.xlsx)")
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise InputError(path, "(file)", "an Excel workbook (.xlsx)", "a zip archive without xl/workbook.xml")
        member = _sheet_member(archive, names, sheet)
        if member:
            rows, cols = _sheet_extent(archive, member)
            if rows * cols > MAX_SHEET_CELLS:
                raise InputError(
                    path,
                    "(sheet)",
                    f"a sheet of at most {MAX_SHEET_CELLS:,} cells from A1 to its farthest cell",
                    f"cells as far as row {rows:,}, column {_column_name(cols)} ({rows * cols:,} cells): "
                    "delete the stray cells far from the table, or save the sheet as CSV",
                )


_TAG = re.compile(rb"<(?:\w+:)?(sheet|Relationship)\b([^>]*)>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def _sheet_member(archive: zipfile.ZipFile, names: set[str], sheet: str | int) -> str | None:
    """The worksheet XML file of ``sheet`` (a name or a position), found through the workbook's relations."""
    sheets = [
        dict(_ATTR.findall(attrs)) for tag, attrs in _TAG.findall(archive.read("xl/workbook.xml")) if tag == b"sheet"
    ]
    rels_name = "xl/_rels/workbook.xml.rels"
    rels = archive.read(rels_name) if rels_name in names else b""
    targets = {
        a.get(b"Id"): a.get(b"Target", b"").decode() for a in (dict(_ATTR.findall(x)) for _, x in _TAG.findall(rels))
    }
    if isinstance(sheet, int):
        chosen = sheets[sheet] if 0 <= sheet < len(sheets) else None
    else:
        chosen = next((s for s in sheets if s.get(b"name", b"").decode("utf-8", "replace") == sheet), None)
    if chosen is None:
        return None
    rid = next((v for k, v in chosen.items() if k.endswith(b":id")), None)
    target = targets.get(rid, "")
    member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return member if member in names else None


_CELL_REF = re.compile(rb'<(?:\w+:)?(?:c|row)\b[^>]*?\br="([A-Z]{0,3})(\d+)"')


def _sheet_extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """(last row, last column) a sheet's cells reach, by scanning its XML in blocks (no DOM)."""
    rows = cols = 0
    tail = b""
    with archive.open(member) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            data = tail + block
            for letters, number in _CELL_REF.findall(data):
                rows = max(rows, int(number))
                if letters:
                    cols = max(cols, _column_number(letters))
            tail = data[-256:]
    return rows, max(cols, 1)


def _column_number(letters: bytes) -> int:
    """``b"A"`` -> 1, ``b"XFD"`` -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _column_name(n: int) -> str:
    """16384 -> ``"XFD"``."""
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


class _CappedYamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader with limits: aliases, nesting depth (checked while composing)."""

    def __init__(self, stream):
        super().__init__(stream)
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                raise _YamlLimit(f"more than {MAX_YAML_ALIASES} aliases (*name)")
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _YamlLimit(f"values nested more than {MAX_NESTING} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _YamlLimit(Exception):
    """A YAML document over one of the loader's limits."""


def load_yaml(text: str, file: str | Path | None = None) -> Any:
    """Parse untrusted YAML (params files, survey definitions) safely and within limits.

    ``yaml.safe_load`` builds no objects but still expands aliases: a 500-byte "billion laughs"
    document expands to 10**9 strings once anything walks it (validation, ``run.json``). Here a
    document may use at most :data:`MAX_YAML_ALIASES` aliases, nest :data:`MAX_NESTING` levels and
    expand to :data:`MAX_YAML_VALUES` values.

    Raises
    ------
    InputError
        Invalid YAML (its first line), or a document over a limit.

    Examples
    --------
    >>> load_yaml("a: &x [1, 2]\\nb: *x")
    {'a': [1, 2], 'b': [1, 2]}
    """
    try:
        loader = _CappedYamlLoader(text)
        try:
            value = loader.get_single_data()
        finally:
            loader.dispose()
    except _YamlLimit as exc:
        raise InputError(file, "(yaml)", "a plain YAML document", f"{exc}: refused") from None
    except yaml.YAMLError as exc:
        raise InputError(file, "(yaml)", "valid YAML", str(exc).splitlines()[0]) from None
    except RecursionError:
        raise InputError(file, "(yaml)", f"values nested at most {MAX_NESTING} levels deep", "deeper nesting") from None
    expanded = _count_values(value, MAX_YAML_VALUES)
    if expanded > MAX_YAML_VALUES:
        raise InputError(
            file,
            "(yaml)",
            f"a document of at most {MAX_YAML_VALUES:,} values",
            "more once its aliases are expanded (a YAML alias bomb): refused",
        )
    return value


def _count_values(value: Any, limit: int) -> int:
    """Values in a nested structure, each shared reference counted again (as JSON would write it);
    stops counting past ``limit``."""
    count, stack = 0, [value]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, str):
            count += len(item) // 1000  # a long string weighs like many short ones
    return count


def load_json(raw: bytes, file: str | Path | None = None) -> Any:
    """Parse an untrusted JSON export (UTF-8, BOM allowed) with one clear error for any failure.

    Python's parser recurses once per nesting level: ``[[[[...]]]]`` 100,000 deep raises
    ``RecursionError``, which this turns into the same one-line :class:`InputError` as bad JSON.
    """
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(
            file, "(file)", "JSON in UTF-8", f"byte 0x{raw[exc.start]:02x} at offset {exc.start}"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(file, "(file)", "valid JSON", f"{exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise InputError(file, "(file)", "JSON nested a few hundred levels at most", "deeper nesting") from None


def screen_file(path: str | Path) -> InputError | None:
    """What makes an input file unreadable before any reader opens it, judged by name and first bytes.

    Cheap: the first 64 KB, a zip's directory, an .xlsx sheet's cell references. Readers repeat
    the checks they need; this gives ``pmokit check`` one line per bad file whatever its reader.

    Returns
    -------
    InputError or None
        The problem, or None when the file may be what its name says.
    """
    path = Path(path)
    if not path.is_file():
        return None  # reported as missing elsewhere
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        expected = "a YAML file" if suffix in {".yaml", ".yml"} else "an export with at least a header row"
        return InputError(path, "(file)", expected, "an empty file (0 bytes)")
    try:
        if suffix in {".xlsx", ".xlsm"}:
            _check_workbook(path, 0)
        elif suffix == ".zip":
            check_zip(path)
        elif suffix in TEXT_SUFFIXES | {".json", ".yaml", ".yml"}:
            with open(path, "rb") as handle:
                head = handle.read(1 << 16)
            problem = binary_content(head)
            if problem:
                return InputError(path, "(file)", f"a text file ({suffix.lstrip('.').upper()})", problem)
            if suffix in {".yaml", ".yml"}:
                if path.stat().st_size > 1 << 20:
                    return InputError(path, "(file)", "a YAML file of at most 1 MB", _size(path.stat().st_size))
                load_yaml(decode_bytes(path.read_bytes(), path), path)
    except InputError as exc:
        return exc
    return None


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
        _check_workbook(path, sheet)
        raw = _read_excel_raw(path, sheet)
    else:
        text = decode_bytes(path.read_bytes(), path, dq)
        _check_width(text, path)
        raw = _read_csv_raw(text)
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


def _check_width(text: str, path: Path) -> None:
    """Refuse a text whose first line holds more than :data:`MAX_COLUMNS` fields (no line breaks,
    a binary dump, a one-line minified file): parsing it as a table would take minutes."""
    first_line = text[: 1 << 22].split("\n", 1)[0]
    delimiter = _sniff_delimiter(text)
    fields = first_line.count(delimiter) + 1
    if fields > MAX_COLUMNS:
        raise InputError(
            path,
            "(header)",
            f"a header row of at most {MAX_COLUMNS:,} columns",
            f"{fields:,} fields on the first line ({_size(len(first_line))} without a line break)",
        )


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
        raise InputError(path, "(sheet)", f"a sheet {sheet!r}", str(exc).splitlines()[0][:200]) from None
    except Exception as exc:  # noqa: BLE001 - calamine's own errors (a damaged sheet) have no common base
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InputError(path, "(file)", "a readable Excel workbook", f"a damaged workbook ({reason})") from None
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
