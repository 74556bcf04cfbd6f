"""Microsoft Intune exports -> canonical device, setting, org, exception and snapshot tables.

Two device layouts are read into one canonical table (see :data:`DEVICE_COLUMNS`):

* the portal's "All devices" export (``DevicesWithInventory_<guid>.csv``, UTF-8 with BOM, often still
  inside the ``.zip`` Intune hands out), with labels such as ``Noncompliant``;
* the Graph ``exportJobs`` non-compliant devices report with ``localizationType=
  LocalizedValuesAsAdditionalColumn``, where coded columns come in pairs (``ComplianceState`` = a code,
  ``ComplianceState_loc`` = its label).

The All-devices export can hold 500,000 rows, so device files are parsed with Arrow's CSV reader
on the needed columns only (0.4 s for 500,000 rows; the shared :func:`read_table` builds Python
lists of every cell), and the text stays in Arrow-backed pandas strings. Side files (settings, org
mapping, exceptions) go through :func:`read_table`, which also reads .xlsx, except CSVs over 2 MB
(an org mapping of 400,000 users), which take the same fast path.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import (
    MAX_COLUMNS,
    arrow_text,
    binary_content,
    check_zip,
    map_columns,
    note_excel_mangling,
    parse_dates,
    read_table,
    read_zip_member,
)

#: Canonical compliance states (lower case), worst first: roll-ups keep the first one present.
STATES_WORST_FIRST = (
    "noncompliant",
    "error",
    "conflict",
    "in grace period",
    "unknown",
    "not reported",
    "not evaluated",
    "configmgr",
    "compliant",
)

#: Labels and Graph codes -> canonical state. Graph's ``complianceState`` enum: 0 unknown, 1 compliant,
#: 2 noncompliant, 3 conflict, 4 error, 5 inGracePeriod, 6 configManager.
_STATE_WORDS = {
    "compliant": "compliant",
    "noncompliant": "noncompliant",
    "non-compliant": "noncompliant",
    "not compliant": "noncompliant",
    "ingraceperiod": "in grace period",
    "in grace period": "in grace period",
    "notevaluated": "not evaluated",
    "not evaluated": "not evaluated",
    "configmgr": "configmgr",
    "configmanager": "configmgr",
    "config manager": "configmgr",
    "error": "error",
    "conflict": "conflict",
    "unknown": "unknown",
    "0": "unknown",
    "1": "compliant",
    "2": "noncompliant",
    "3": "conflict",
    "4": "error",
    "5": "in grace period",
    "6": "configmgr",
}

#: Columns of the canonical device table.
DEVICE_COLUMNS = [
    "device_id",
    "device_name",
    "upn",
    "user_name",
    "os",
    "os_version",
    "manufacturer",
    "model",
    "ownership",
    "state",
    "last_checkin",
    "grace_until",
    "encrypted",
    "serial",
]

_DEVICE_ALIASES = {
    "device_id": ["Device ID", "DeviceId", "IntuneDeviceId"],
    "device_name": ["Device name", "DeviceName"],
    "upn": ["Primary user UPN", "UPN", "User principal name", "PrimaryUser"],
    "user_name": ["Primary user display name", "UserName"],
    "os": ["OS_loc", "OS", "Operating system"],
    "os_version": ["OS version", "OSVersion"],
    "manufacturer": ["Manufacturer"],
    "model": ["Model", "DeviceModel"],
    "ownership": ["OwnerType_loc", "Ownership", "OwnerType"],
    "state": ["ComplianceState_loc", "Compliance", "ComplianceState", "Compliance state"],
    "last_checkin": ["Last check-in", "LastContact", "Last check in", "LastSyncDateTime"],
    "grace_until": ["Compliance grace period expiration", "InGracePeriodUntil"],
    "encrypted": ["Encrypted", "IsEncrypted"],
    "serial": ["Serial number", "SerialNumber"],
}
_DEVICE_REQUIRED = ["device_id", "state", "last_checkin"]
_TRUE = {"true", "yes", "1", "encrypted"}
_FALSE = {"false", "no", "0", "not encrypted", "notencrypted"}

#: Default pattern for a snapshot's date in a file name (``DevicesWithInventory_2026-11-23.csv``).
DEFAULT_DATE_PATTERN = r"(?P<date>\d{4}-\d{2}-\d{2})"


# ----------------------------------------------------------------------------- decoding
def _export_bytes(path: Path) -> tuple[bytes, str]:
    """Return (raw bytes, display name) of a CSV export, opening the ``.zip`` Intune wraps it in.

    A zip is checked before anything is inflated (:func:`pmokit.sources.check_zip`): a 7 MB zip
    bomb would otherwise inflate to gigabytes in memory.
    """
    if not path.exists():
        raise InputError(path, "(file)", "an existing file", "no such file")
    if path.suffix.lower() != ".zip":
        return path.read_bytes(), path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError(path, "(zip)", "a zip archive", "a file that is not a valid zip") from None
    with archive:
        check_zip(path, archive)
        members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
        if not members:
            raise InputError(path, "(zip)", "a .csv export inside the zip", f"{archive.namelist() or 'an empty zip'}")
        # Intune puts one DevicesWithInventory_*.csv in the zip; prefer it when there are several.
        members.sort(key=lambda m: (not Path(m).name.lower().startswith("deviceswithinventory"), m))
        raw = read_zip_member(path, archive, members[0])
    return raw, f"{path.name}/{Path(members[0]).name}"


def _encoding(raw: bytes) -> str:
    """Encoding of an export judged on its first megabyte: UTF-16 (BOM), UTF-8 (BOM optional), else cp1252.

    Decoding 500,000 rows just to test them would cost a second per file; a later invalid byte
    still falls back to cp1252 in :func:`_read_csv`.
    """
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(raw[: 1 << 20], final=len(raw) <= 1 << 20)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _header(text: str, name: str) -> list[str]:
    """The header row's fields, stripped; a BOM left by a decoder that kept it is dropped first."""
    line = text.lstrip("\ufeff").split("\n", 1)[0]
    if line.count(",") >= MAX_COLUMNS:
        raise InputError(
            name, "(header)", f"a header row of at most {MAX_COLUMNS:,} columns", f"{line.count(',') + 1:,} fields"
        )
    first = next(csv.reader(io.StringIO(line)), None)
    if not first or not any(h.strip() for h in first):
        raise InputError(name, "(header)", "a header row", "an empty file")
    return [h.strip() for h in first]


def _pick(headers: list[str], canonical: str, mapping: Mapping[str, str]) -> str | None:
    """The header holding ``canonical``: the user's mapping first, then known aliases in order."""
    by_lower = {h.lower(): h for h in headers}
    # Aliases first: the canonical name 'os' would otherwise match Graph's coded 'OS' before 'OS_loc'.
    candidates = [mapping[canonical]] if canonical in mapping else [*_DEVICE_ALIASES.get(canonical, []), canonical]
    for cand in candidates:
        if str(cand).strip().lower() in by_lower:
            return by_lower[str(cand).strip().lower()]
    return None


# ----------------------------------------------------------------------------- devices
def check_devices(path: str | Path, columns: Mapping[str, str] | None = None) -> list[str]:
    """Check that a device export opens and has the required columns; return its headers.

    Cheap enough for ``pmokit check``: only the header row is parsed.
    """
    raw, name = _export_bytes(Path(path))
    _refuse_binary(raw, name)
    head = raw[: 1 << 16].decode(_encoding(raw[: 1 << 16]), errors="replace")
    return check_devices_text(head, name, columns)


def _refuse_binary(raw: bytes, name: str) -> None:
    """An export that is no text (an .xlsx saved as .csv, random bytes) refused in one line."""
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        return
    problem = binary_content(raw)
    if problem:
        raise InputError(name, "(file)", "the Intune device export as CSV", problem)


def check_devices_text(text: str, name: str, columns: Mapping[str, str] | None = None) -> list[str]:
    """The header row of a decoded device export, after checking the required columns are there."""
    headers = _header(text, name)
    mapping = dict(columns or {})
    for canonical in _DEVICE_REQUIRED:
        if _pick(headers, canonical, mapping) is None:
            cands = [mapping[canonical]] if canonical in mapping else [*_DEVICE_ALIASES[canonical], canonical]
            raise InputError(
                name,
                canonical,
                "a column " + " or ".join(repr(c) for c in cands),
                "headers " + ", ".join(repr(h) for h in headers if h),
            )
    return headers


#: The state of a device whose Compliance cell is blank: no state was exported (not a state Intune gives).
NOT_REPORTED = "not reported"


def canonical_state(values: pd.Series, file: str, dq: DataQuality | None = None) -> pd.Series:
    """Map Intune labels or Graph codes to canonical states; unrecognised values become ``unknown``,
    blank cells ``not reported`` (counted as not compliant, like unknown, but told apart: a column
    blank on every row is an export without states, not a fleet of unknown devices).

    Examples
    --------
    >>> canonical_state(pd.Series(["Noncompliant", "In grace period", "2", "ConfigMgr", " "]), "x.csv").tolist()
    ['noncompliant', 'in grace period', 'noncompliant', 'configmgr', 'not reported']
    """
    blank = values.isna() | (values.astype("string").str.strip() == "")
    # A handful of distinct labels: Arrow encodes the column, the labels are mapped once, and the
    # codes pick the canonical state (no Python call per row).
    encoded = arrow_text(values).dictionary_encode()
    labels = pa.array([_STATE_WORDS.get(v.strip().lower()) for v in encoded.dictionary.to_pylist()], pa.string())
    mapped = pd.Series(pc.take(labels, encoded.indices), index=values.index, dtype="string[pyarrow]")
    mapped = mapped.mask(blank.to_numpy(dtype=bool), NOT_REPORTED)
    odd = mapped.isna()
    if dq is not None and odd.any():
        dq.add(
            file,
            "Compliance",
            f"unrecognised state (e.g. {values[odd].iloc[0]!r})",
            "counted as unknown",
            rows=int(odd.sum()),
        )
    return mapped.fillna("unknown").astype("string")


def _parse_bool(values: pd.Series) -> pd.Series:
    lookup = {
        v: (True if str(v).strip().lower() in _TRUE else False if str(v).strip().lower() in _FALSE else pd.NA)
        for v in pd.unique(values.dropna())
    }
    return values.astype(object).map(lookup).astype("boolean")


def read_devices(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    dayfirst: bool = False,
    dq: DataQuality | None = None,
    fields: tuple[str, ...] | None = None,
    today: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Read an Intune device export (All devices CSV/zip, or Graph non-compliant report).

    Parameters
    ----------
    path : str or Path
        ``DevicesWithInventory_*.csv``, the ``.zip`` holding it, or a Graph report CSV.
    columns : mapping, optional
        Canonical field -> header, for headers that differ from the known ones.
    dayfirst : bool
        Read ambiguous dates as day/month (a file re-saved by a European Excel).
    dq : DataQuality, optional
        Receives notes on encoding, unreadable dates and states, mangled IDs.
    fields : tuple of str, optional
        Parse only these canonical fields (others come back blank): history needs four of the
        fourteen, and skipping the rest saves a second per 500,000-row export.
    today : Timestamp, optional
        The day the export is read (default: the machine's date). A check-in after it, or before
        2000 (a placeholder such as 1900-01-01), is no real check-in: left blank (stale) and noted.

    Returns
    -------
    DataFrame
        One row per device with :data:`DEVICE_COLUMNS`; ``state`` canonical (see
        :data:`STATES_WORST_FIRST`), ``last_checkin`` a naive timestamp, ``encrypted`` nullable bool.

    Raises
    ------
    InputError
        No ``Compliance``/``Device ID``/``Last check-in`` column; no readable check-in date at all;
        the same device ID on two rows of an All-devices export.
    """
    path = Path(path)
    data, name = _export_bytes(path)
    _refuse_binary(data, name)
    encoding = _encoding(data)
    headers = check_devices_text(data[: 1 << 16].decode(encoding, errors="replace"), name, columns)
    mapping = dict(columns or {})
    keep = set(fields or DEVICE_COLUMNS) | set(_DEVICE_REQUIRED) | {"upn"}
    chosen = {c: (_pick(headers, c, mapping) if c in keep else None) for c in DEVICE_COLUMNS}
    wanted = {h for h in chosen.values() if h}
    raw = _read_csv(data, encoding, name, wanted, dq)
    blank = pd.Series(pd.NA, index=raw.index, dtype="string")
    out = pd.DataFrame({c: raw[chosen[c]].astype("string") if chosen[c] else blank for c in DEVICE_COLUMNS})
    # Only the join keys are cleaned. Device IDs are GUIDs, compared case-insensitively: lower case.
    out["device_id"] = _clean_key(out["device_id"])
    out = out[out["device_id"].fillna("") != ""].reset_index(drop=True)
    note_excel_mangling(out["device_id"], name, "device_id", dq)
    out["state"] = canonical_state(out["state"], name, dq)
    _note_unreported(out["state"], name, chosen["state"], dq)
    out["last_checkin"] = _device_dates(out["last_checkin"], name, chosen["last_checkin"], dayfirst, dq, today=today)
    # Fields not asked for stay blank, unparsed (history reads four of the fourteen).
    out["grace_until"] = (
        _device_dates(out["grace_until"], name, chosen["grace_until"], dayfirst, None, lenient=True)
        if chosen["grace_until"]
        else pd.Series(pd.NaT, index=out.index, dtype="datetime64[us]")
    )
    out["encrypted"] = _parse_bool(out["encrypted"]) if chosen["encrypted"] else blank[: len(out)].astype("boolean")
    out["upn"] = _clean_key(out["upn"])
    graph_layout = any(h.endswith("_loc") for h in headers)
    return _one_row_per_device(out, name, graph_layout, dq)


def _clean_key(values: pd.Series) -> pd.Series:
    """Strip and lower-case a join key (missing stays missing).

    On pandas' Arrow-backed string dtype these are vectorised Arrow kernels: about 40 ms per
    500,000 IDs, where a per-value Python function took a second.
    """
    return values.astype("string[pyarrow]").str.strip().str.lower()


def _read_csv(data: bytes, encoding: str, name: str, wanted: set[str], dq: DataQuality | None) -> pd.DataFrame:
    """Parse only the wanted columns, as text, with Arrow's CSV reader.

    Columns are picked by position from the header row (so a BOM or padded header cannot hide
    one); values keep their text, blanks stay ``""``. UTF-8 that turns invalid further down than
    :func:`_encoding` looked falls back to cp1252. Rows with too few or too many fields (a file
    cut off or edited by hand) are skipped and counted in the data-quality notes.
    """
    try:
        frame, skipped = _arrow_csv(data, encoding, wanted)
    except pa.ArrowInvalid as exc:
        if "invalid UTF8" not in str(exc) or encoding == "cp1252":
            raise InputError(name, "(file)", "a comma-separated export", str(exc).splitlines()[0]) from None
        encoding = "cp1252"
        frame, skipped = _arrow_csv(data, encoding, wanted)
    if dq is not None:
        if encoding == "cp1252":
            dq.add(name, "(encoding)", "file is not UTF-8", "read as Windows-1252 (cp1252)")
        if skipped:
            found, expected, row = skipped[0]
            where = f"row {row}" if row else "a row"  # Arrow cannot always number rows (quoted line breaks)
            dq.add(
                name, "(row)", f"{expected} fields per row (e.g. {where} has {found})", "row skipped", rows=len(skipped)
            )
    return frame


def _arrow_csv(data: bytes, encoding: str, wanted: set[str]) -> tuple[pd.DataFrame, list[tuple[int, int, int]]]:
    """(frame of the wanted columns, [(fields found, fields expected, row number)] of skipped rows)."""
    if encoding not in ("utf-8", "utf-8-sig"):
        data = data.decode(encoding).encode("utf-8")  # Arrow parses UTF-8 only; a 150 MB file takes 0.3 s
    # The BOM goes before the csv module reads the line: left in, it hides the quote that opens
    # the first header ('\ufeff"Device ID"' is read as a header with quotes in its name), and the
    # quoted headers PowerShell's Export-Csv writes no longer match the ones check_devices saw.
    first_line = data[: 1 << 16].split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff")
    headers = [h.strip() for h in next(csv.reader([first_line]), [])]
    names = [f"c{i}" for i in range(len(headers))]
    keep: dict[str, str] = {}  # Arrow's column name -> header; the first of repeated headers wins
    for i, header in enumerate(headers):
        if header in wanted and header not in keep.values():
            keep[names[i]] = header
    skipped: list[tuple[int, int, int]] = []

    def skip(row) -> str:
        skipped.append((row.actual_columns, row.expected_columns, row.number))
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=skip),
        convert_options=pacsv.ConvertOptions(
            include_columns=list(keep),
            column_types={c: pa.string() for c in keep},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    frame = table.rename_columns([keep[c] for c in table.column_names]).to_pandas(
        types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get
    )
    return frame, skipped


def _side_table(path: str | Path, dq: DataQuality | None) -> pd.DataFrame:
    """A side file as text: large CSVs (an org mapping of 400,000 users) through pandas' C parser,
    everything else (xlsx, odd delimiters, small files) through the shared :func:`read_table`."""
    path = Path(path)
    if path.suffix.lower() != ".csv" or not path.exists() or path.stat().st_size < 1 << 21:
        return read_table(path, dq=dq)[0]
    data = path.read_bytes()
    encoding = _encoding(data)
    first = data[:4096].decode(encoding, errors="replace").split("\n", 1)[0]
    if "\n" not in data[: 1 << 16].decode(encoding, errors="replace") or binary_content(data):
        return read_table(path, dq=dq)[0]  # no line break early, or no text: the shared reader says why
    if first.count(";") > first.count(",") or first.count("\t") > first.count(","):
        return read_table(path, dq=dq)[0]
    header = [h.strip() for h in next(csv.reader([first.lstrip("\ufeff")]))]
    frame = _read_csv(data, encoding, path.name, set(header), dq)
    return frame


def _note_unreported(states: pd.Series, name: str, header: str, dq: DataQuality | None) -> None:
    """Note devices without a compliance state: every one (no rate can be measured) or some."""
    if dq is None or states.empty:
        return
    blank = int((states == NOT_REPORTED).sum())
    if blank == len(states):
        dq.add(name, header, "blank in every row", "compliance not measured: rates shown as — (not 0%)", rows=blank)
    else:
        dq.add(name, header, "blank compliance state", "counted as not compliant (other state)", rows=blank)


#: Check-ins before this are placeholders (1900-01-01, Excel's day 0), not dates a device was seen.
EARLIEST_CHECKIN = pd.Timestamp("2000-01-01")


def _implausible(parsed: pd.Series, today: pd.Timestamp | None) -> pd.Series:
    """True where a check-in is before 2000 or after ``today`` (a device cannot check in in the future)."""
    latest = (today or pd.Timestamp.today()).normalize() + pd.Timedelta(days=1)
    return ((parsed < EARLIEST_CHECKIN) | (parsed >= latest)).fillna(False).astype(bool)


def _device_dates(values, name, field, dayfirst, dq, lenient=False, today=None) -> pd.Series:
    # Intune writes '2026-11-20 08:14:33.0000000' (UTC), Graph ISO with 'Z'. The ISO parser is
    # vectorised (0.1 s for 500,000 rows); locale or Excel-mangled forms go to parse_dates after it.
    text = values.astype("string")
    present = text.notna() & (text != "")
    parsed = pd.to_datetime(text.where(present), format="ISO8601", errors="coerce", utc=True).dt.tz_convert(None)
    retry = parsed.isna() & present
    if retry.any():
        # '9999-12-31 23:59:59.9999999' is how the export says "none"; it overflows the parser.
        never = retry & text.where(retry, "").str.startswith("9999-")
        present = present & ~never
        retry = retry & ~never
    if retry.any():
        fixed = (
            text[retry].str.strip().str.replace(r"(\.\d{6})\d+", r"\1", regex=True).str.replace("Z", "", regex=False)
        )
        again = parse_dates(fixed, name, field, dayfirst=dayfirst, dq=None)
        parsed = parsed.astype("datetime64[us]")
        parsed[retry] = again.astype("datetime64[us]")
    bad = parsed.isna() & present
    if not lenient and present.any() and bad.all():
        raise InputError(
            name, field, "dates such as '2026-11-20 08:14:33'", f"{values[bad].iloc[0]!r} (no row readable)"
        )
    if dq is not None and not lenient:
        dq.add(
            name,
            field,
            f"unparseable check-in date (e.g. {values[bad].iloc[0]!r})" if bad.any() else "",
            "treated as never checked in (stale)",
            rows=int(bad.sum()),
        )
        dq.add(name, field, "blank check-in date", "treated as never checked in (stale)", rows=int((~present).sum()))
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    # The export writes 9999-12-31 for "no grace period": that is a blank, not a date.
    parsed = parsed.mask(parsed.dt.year >= 9000)
    if not lenient:
        parsed = _drop_implausible(parsed, values, name, field, dq, today)
    return parsed.astype("datetime64[us]")


def _drop_implausible(parsed, values, name, field, dq, today) -> pd.Series:
    """Check-ins before 2000 or in the future left blank (stale) and noted; refused when no other is left.

    Kept, a check-in in 2099 would keep a device in scope for ever and, as the latest check-in, make
    2099 the report date; one in 1900 would read as 46,000 days idle.
    """
    odd = _implausible(parsed, today)
    if not odd.any():
        return parsed
    first = values[odd].iloc[0]
    if odd.sum() == parsed.notna().sum():
        raise InputError(name, field, "check-in dates from 2000 to today", f"{first!r} (no other date in the export)")
    if dq is not None:
        dq.add(
            name,
            field,
            f"check-in before 2000 or in the future (e.g. {first!r})",
            "treated as never checked in (stale)",
            rows=int(odd.sum()),
        )
    return parsed.mask(odd)


def _one_row_per_device(out: pd.DataFrame, name: str, graph_layout: bool, dq: DataQuality | None) -> pd.DataFrame:
    """All-devices exports have one row per device: a repeat means a broken or merged file.

    Graph reports may list a device once per policy, so there the worst state wins.
    """
    ids = arrow_text(out["device_id"])  # lower case already
    if len(pc.unique(ids)) == len(ids):  # the usual case, checked in C++ (0.03 s per 500,000 IDs)
        return out
    dup = out["device_id"].duplicated(keep=False)
    if not graph_layout:
        first = out.loc[dup, "device_id"].iloc[0]
        rows = [int(i) + 2 for i in out.index[out["device_id"] == first]]
        raise InputError(
            name, "device_id", "each device once", f"{first!r} on rows {rows} ({int(dup.sum())} rows share an ID)"
        )
    rank = out["state"].map({s: i for i, s in enumerate(STATES_WORST_FIRST)}).astype(int)
    kept = out.assign(_rank=rank).sort_values("_rank", kind="stable").drop_duplicates("device_id").drop(columns="_rank")
    if dq is not None:
        dq.add(name, "device_id", "device listed once per policy", "worst state kept", rows=len(out) - len(kept))
    return kept.sort_index().reset_index(drop=True)


def snapshot_date(path: str | Path, pattern: str = DEFAULT_DATE_PATTERN) -> pd.Timestamp | None:
    """The snapshot date in a file name by ``pattern`` (a regex with a ``date`` group), or None.

    The ``date`` group is read as ISO, or as ``%Y%m%d`` when it has 8 digits.

    Examples
    --------
    >>> snapshot_date("DevicesWithInventory_2026-11-23.zip")
    Timestamp('2026-11-23 00:00:00')
    >>> snapshot_date("export_20261116.csv", r"_(?P<date>\\d{8})")
    Timestamp('2026-11-16 00:00:00')
    """
    match = re.search(pattern, Path(path).name)
    if not match:
        return None
    text = match.groupdict().get("date") or match.group(0)
    fmt = "%Y%m%d" if re.fullmatch(r"\d{8}", text) else None
    stamp = pd.to_datetime(text, format=fmt, errors="coerce")
    return None if pd.isna(stamp) else pd.Timestamp(stamp).normalize()


def list_snapshots(
    folder: str | Path, pattern: str = DEFAULT_DATE_PATTERN, dq: DataQuality | None = None
) -> list[tuple[pd.Timestamp, Path]]:
    """The export files (``.csv``/``.zip``) in ``folder`` with their dates, oldest first.

    Files whose name holds no date by ``pattern`` are skipped and noted; a zip that would inflate
    past the caps of :func:`pmokit.sources.check_zip` raises :class:`InputError`.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "history_dir", "a folder of earlier exports", "no such folder")
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in {".csv", ".zip"} or path.name.startswith("."):
            continue
        if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
            check_zip(path)  # a zip bomb among the snapshots is refused by `pmokit check`, not met mid-run
        when = snapshot_date(path, pattern)
        if when is None:
            if dq is not None:
                dq.add(path, "(file name)", f"no date matching {pattern!r}", "file skipped")
            continue
        found.append((when, path))
    return sorted(found, key=lambda t: t[0])


# ----------------------------------------------------------------------------- side files
_SETTING_ALIASES = {
    "device_id": ["DeviceId", "Device ID", "IntuneDeviceId"],
    "setting": ["SettingName", "Setting name", "Setting", "SettingName_loc"],
    "policy": ["PolicyName", "Policy name", "Policy"],
    "state": ["SettingStatus_loc", "State_loc", "SettingStatus", "State", "Status", "ComplianceState_loc"],
    "upn": ["UPN", "UserPrincipalName", "User principal name"],
}
_FAILING_SETTING_STATES = {
    "noncompliant",
    "non-compliant",
    "error",
    "conflict",
    "not compliant",
    "2",
    "3",
    "4",
    "failed",
}


def read_settings(
    path: str | Path, *, columns: Mapping[str, str] | None = None, dq: DataQuality | None = None
) -> pd.DataFrame:
    """Read the per-device per-setting report; keep the failing rows.

    Returns
    -------
    DataFrame
        ``device_id, setting, policy`` (one row per failing setting of a device, duplicates dropped).
    """
    frame = _side_table(path, dq)
    out = map_columns(frame, path, ["device_id", "setting"], ["policy", "state", "upn"], columns, _SETTING_ALIASES)
    out = out.apply(lambda col: col.astype("string").str.strip())
    if "policy" not in out:
        out["policy"] = pd.Series("", index=out.index, dtype="string")
    blank = (out["device_id"] == "") | (out["setting"] == "")
    if dq is not None:
        dq.add(path, "device_id/setting", "row without device or setting", "row dropped", rows=int(blank.sum()))
    out = out[~blank]
    if "state" in out:
        # A report exported with every state also lists compliant settings: only failures matter here.
        failing = out["state"].str.lower().isin(_FAILING_SETTING_STATES)
        out = out[failing]
    out = out[["device_id", "setting", "policy"]].drop_duplicates(["device_id", "setting"])
    return out.reset_index(drop=True)


_ORG_ALIASES = {
    "upn": ["UPN", "User principal name", "userPrincipalName", "Primary user UPN", "Email", "Mail"],
    "business_unit": ["Business unit", "BU", "Department", "Division"],
    "site": ["Site", "Office", "Location", "officeLocation"],
    "manager": ["Manager", "Manager UPN", "Owner"],
}


def read_org(
    path: str | Path, *, columns: Mapping[str, str] | None = None, dq: DataQuality | None = None
) -> pd.DataFrame:
    """Read the org mapping (user UPN -> business unit, site, manager); UPNs lower-cased.

    A UPN listed twice keeps its first row (noted), so devices are never counted twice.
    """
    frame = _side_table(path, dq)
    out = map_columns(frame, path, ["upn", "business_unit"], ["site", "manager"], columns, _ORG_ALIASES)
    out = out.apply(lambda col: col.astype("string").str.strip())
    for col in ("site", "manager"):
        if col not in out:
            out[col] = pd.Series("", index=out.index, dtype="string")
    out["upn"] = out["upn"].str.lower()
    out = out[out["upn"] != ""]
    dup = out["upn"].duplicated()
    if dq is not None:
        dq.add(path, "upn", "UPN listed more than once", "first row kept", rows=int(dup.sum()))
    return out[~dup][["upn", "business_unit", "site", "manager"]].reset_index(drop=True)


_EXCEPTION_ALIASES = {
    "subject": ["Device ID or UPN", "Device", "Device ID", "UPN", "Subject"],
    "setting": ["Setting", "Setting name"],
    "reason": ["Reason", "Justification"],
    "approver": ["Approver", "Approved by"],
    "expires": ["Expires", "Expiry", "Expiry date", "Expires on", "Valid until"],
}


def read_exceptions(
    path: str | Path, *, columns: Mapping[str, str] | None = None, dayfirst: bool = False, dq: DataQuality | None = None
) -> pd.DataFrame:
    """Read approved exceptions: device ID or UPN, setting (or ``*`` for all), reason, approver, expires.

    An exception without a readable expiry date is not honoured (noted): an open-ended waiver is
    exactly what a compliance report should not apply silently.
    """
    frame, _ = read_table(path, dq=dq)
    out = map_columns(
        frame, path, ["subject", "setting", "expires"], ["reason", "approver"], columns, _EXCEPTION_ALIASES
    )
    out = out.apply(lambda col: col.astype("string").str.strip())
    for col in ("reason", "approver"):
        if col not in out:
            out[col] = pd.Series("", index=out.index, dtype="string")
    out["setting"] = out["setting"].mask(out["setting"] == "", "*")
    out["expires"] = parse_dates(out["expires"], path, "expires", dayfirst=dayfirst, dq=dq).dt.normalize()
    dq_rows = out["expires"].isna()
    if dq is not None:
        dq.add(path, "expires", "exception without a readable expiry date", "not applied", rows=int(dq_rows.sum()))
    out = out[(out["subject"] != "")]
    return out[["subject", "setting", "reason", "approver", "expires"]].reset_index(drop=True)


def write_zip_copy(csv_path: Path, zip_path: Path) -> None:
    """Zip one CSV the way Intune delivers it (used by the sample generator)."""
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(csv_path, arcname=csv_path.name)


__all__ = [
    "DEVICE_COLUMNS",
    "STATES_WORST_FIRST",
    "NOT_REPORTED",
    "DEFAULT_DATE_PATTERN",
    "canonical_state",
    "read_devices",
    "snapshot_date",
    "list_snapshots",
    "read_settings",
    "read_org",
    "read_exceptions",
    "write_zip_copy",
]
