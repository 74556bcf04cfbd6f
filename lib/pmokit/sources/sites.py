"""Readers for a rollout: the sites list, regional capacity, a baseline ``plan.csv`` and actuals.

Sites lists come from Excel more often than from a tool, so headers are mapped through the
params' ``columns:`` entry and common variants; IDs mangled by Excel are noted, and every value the
planner depends on (unique site id, region, country, devices > 0) fails clearly when wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import map_columns, note_excel_mangling, parse_dates, parse_numbers, read_table

ROLLOUT_SITE_COLUMNS = [
    "site_id",
    "site_name",
    "region",
    "country",
    "devices",
    "ready_date",
    "target_date",
    "site_type",
    "hardware_models",
    "depends_on",
]
PLAN_COLUMNS = ["site_id", "wave", "start_date", "end_date", "working_days", "crew"]
ACTUAL_COLUMNS = ["site_id", "actual_start", "actual_end", "devices_done"]

SITE_ALIASES = {
    "site_id": ["Site ID", "SiteID", "Site code", "Site", "Location ID"],
    "site_name": ["Site name", "Name", "Location", "Location name"],
    "region": ["Region", "Area", "Zone"],
    "country": ["Country", "Country code", "ISO country"],
    "devices": ["Devices", "Device count", "Seats", "Users", "Endpoints"],
    "ready_date": ["Ready date", "Ready", "Earliest start", "Available from"],
    "target_date": ["Target date", "Target", "Due date", "Deadline"],
    "site_type": ["Site type", "Type", "Category"],
    "hardware_models": ["Hardware models", "Models", "Hardware"],
    "depends_on": ["Depends on", "Dependencies", "Predecessors"],
}


def _split_list(value) -> list[str]:
    """Split a ``;``-joined cell (commas accepted too) into trimmed, non-empty items."""
    text = str(value or "").replace(",", ";")
    return [part.strip() for part in text.split(";") if part.strip()]


def _integers(values: pd.Series, file, field: str, minimum: int) -> pd.Series:
    numbers = parse_numbers(values, file, field, required=True)
    bad = (numbers % 1 != 0) | (numbers < minimum)
    if bad.any():
        idx = bad[bad].index[0]
        row = int(values.index.get_loc(idx)) + 2
        raise InputError(file, field, f"a whole number >= {minimum}", f"{values[idx]!r} (row {row})")
    return numbers.astype("int64")


def read_sites(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    dayfirst: bool = False,
    dq: DataQuality | None = None,
    today: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Read a sites list (CSV or XLSX) into the canonical sites table.

    Parameters
    ----------
    path : str or Path
        The sites file.
    columns : mapping, optional
        Canonical field -> header in the file (the params' ``columns:`` entry).
    dayfirst : bool
        Read ambiguous dates such as ``03/04/2027`` as day first.
    dq : DataQuality, optional
        Receives notes on repaired or doubtful values.
    today : Timestamp, optional
        The day the list is read (default: the machine's date), for the range of ready and target dates.

    Returns
    -------
    DataFrame
        Columns of ``ROLLOUT_SITE_COLUMNS``: ``devices`` int64, the dates datetime64 (NaT when blank),
        ``hardware_models`` and ``depends_on`` lists of strings, ``country`` upper-case.

    Raises
    ------
    InputError
        A required column is missing, a site id is blank or repeated, ``devices`` is not a whole
        number > 0, a region or country is blank, a country is not a two-letter code, or a ready or
        target date lies before 2000 or more than ten years after ``today``.
    """
    dq = dq if dq is not None else DataQuality()
    raw, _ = read_table(path, dq=dq)
    frame = map_columns(
        raw,
        path,
        ["site_id", "region", "country", "devices"],
        ROLLOUT_SITE_COLUMNS[4:] + ["site_name"],
        mapping=columns,
        aliases=SITE_ALIASES,
    )
    if frame.empty:
        raise InputError(path, "(rows)", "at least one site below the header", "only a header row")
    text = {c: frame[c].astype("string").str.strip().fillna("") for c in frame.columns if c != "devices"}
    out = pd.DataFrame(index=frame.index)
    out["site_id"] = text["site_id"]
    _check_ids(out["site_id"], path)
    note_excel_mangling(out["site_id"], path, "site_id", dq)
    out["site_name"] = text["site_name"] if "site_name" in text else out["site_id"]
    for field in ("region", "country"):
        blank = text[field] == ""
        if blank.any():
            row = int(blank.to_numpy().argmax()) + 2
            raise InputError(path, field, "a value on every row", f"a blank cell (row {row})")
        out[field] = text[field]
    out["country"] = out["country"].str.upper()
    bad = ~out["country"].str.fullmatch(r"[A-Z]{2}")
    if bad.any():
        row = int(bad.to_numpy().argmax()) + 2
        raise InputError(
            path, "country", "an ISO 3166 two-letter code such as 'DE'", f"{out['country'][bad].iloc[0]!r} (row {row})"
        )
    out["devices"] = _integers(frame["devices"], path, "devices", minimum=1)
    for field in ("ready_date", "target_date"):
        if field in frame.columns:
            out[field] = parse_dates(frame[field], path, field, dayfirst=dayfirst, dq=dq).dt.normalize()
            _check_date_range(out[field], frame[field], path, field, today)
        else:
            out[field] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    out["site_type"] = text["site_type"] if "site_type" in text else ""
    out["site_type"] = out["site_type"].mask(out["site_type"] == "", "(unspecified)")
    for field in ("hardware_models", "depends_on"):
        values = text[field] if field in text else pd.Series("", index=frame.index)
        out[field] = pd.Series([_split_list(v) for v in values], index=frame.index, dtype=object)
    self_dep = out.apply(lambda r: r["site_id"] in r["depends_on"], axis=1)
    if self_dep.any():
        dq.add(path, "depends_on", "site depends on itself", "self-dependency ignored", rows=int(self_dep.sum()))
        out["depends_on"] = [[d for d in deps if d != sid] for sid, deps in zip(out["site_id"], out["depends_on"])]
    return out.reset_index(drop=True)


#: Ready and target dates before this are placeholders (1900-01-01, Excel's day 0), not dates of a rollout.
EARLIEST_DATE = pd.Timestamp("2000-01-01")
#: A ready or target date more than this many years after today is a typo (2099 for 2029), not a plan.
MAX_YEARS_AHEAD = 10


def _check_date_range(dates: pd.Series, raw: pd.Series, path, field: str, today: pd.Timestamp | None) -> None:
    """Refuse a date before 2000 or more than :data:`MAX_YEARS_AHEAD` years after today, in one line.

    Planned as given, a ready date in 2099 makes a plan that ends in 2100, and one in 1900 a site that
    was "ready" 126 years ago; nothing meaningful can be planned from either, so both are refused.
    """
    latest = (today or pd.Timestamp.today()).normalize() + pd.DateOffset(years=MAX_YEARS_AHEAD)
    bad = (dates < EARLIEST_DATE) | (dates > latest)
    if bad.any():
        idx = bad[bad].index[0]
        row = int(dates.index.get_loc(idx)) + 2
        raise InputError(
            path,
            field,
            f"a date from {EARLIEST_DATE.date()} to {latest.date()} ({MAX_YEARS_AHEAD} years ahead)",
            f"{str(raw[idx]).strip()!r} (row {row}; {int(bad.sum())} such row(s))",
        )


def _check_ids(ids: pd.Series, path) -> None:
    blank = ids == ""
    if blank.any():
        raise InputError(
            path, "site_id", "a site id on every row", f"a blank cell (row {int(blank.to_numpy().argmax()) + 2})"
        )
    dup = ids.duplicated(keep=False)
    if dup.any():
        shown = ", ".join(sorted(set(ids[dup]))[:5])
        raise InputError(path, "site_id", "unique site ids", f"repeated ids {shown}")


def read_capacity(path: str | Path, *, dq: DataQuality | None = None) -> pd.DataFrame:
    """Read technicians per region, optionally per date range.

    Columns ``region``, ``technicians`` and optional ``start``/``end``: a row without dates is the
    region's usual number; a row with dates overrides it on those days (holidays, a second team).

    Returns
    -------
    DataFrame with ``region`` (str), ``technicians`` (int64), ``start``/``end`` (datetime64, NaT).
    """
    raw, _ = read_table(path, dq=dq)
    frame = map_columns(
        raw,
        path,
        ["region", "technicians"],
        ["start", "end"],
        aliases={
            "technicians": ["Technicians", "Techs", "Engineers", "Capacity"],
            "start": ["From", "Start date"],
            "end": ["To", "Until", "End date"],
        },
    )
    out = pd.DataFrame({"region": frame["region"].astype("string").str.strip()})
    if (out["region"].fillna("") == "").any():
        raise InputError(path, "region", "a region on every row", "a blank cell")
    out["technicians"] = _integers(frame["technicians"], path, "technicians", minimum=0)
    for field in ("start", "end"):
        out[field] = (
            parse_dates(frame[field], path, field, dq=dq).dt.normalize()
            if field in frame.columns
            else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        )
    half = out["start"].isna() != out["end"].isna()
    if half.any():
        raise InputError(
            path, "start/end", "both dates or neither", f"only one on row {int(half.to_numpy().argmax()) + 2}"
        )
    backwards = out["start"] > out["end"]
    if backwards.any():
        raise InputError(path, "end", "an end on or after the start", f"row {int(backwards.to_numpy().argmax()) + 2}")
    return out


def read_plan(path: str | Path, *, dq: DataQuality | None = None) -> pd.DataFrame:
    """Read a ``plan.csv`` written by this workbook (used as the baseline).

    Site ids the CSV writer neutralised against formula injection (``'=x``) are read back as ``=x``.

    Returns
    -------
    DataFrame with ``PLAN_COLUMNS``; dates datetime64, ``wave``/``working_days``/``crew`` int64.
    """
    raw, _ = read_table(path, dq=dq)
    frame = map_columns(raw, path, PLAN_COLUMNS)
    # report.write_csv saved a site id starting with = + - @ as "'=..." (formula injection): undo it,
    # or such a site would never match its baseline row.
    site_ids = frame["site_id"].astype("string").str.strip().str.replace(r"^'(?=[=+\-@\t\r])", "", regex=True)
    out = pd.DataFrame({"site_id": site_ids})
    _check_ids(out["site_id"], path)
    for field in ("start_date", "end_date"):
        out[field] = parse_dates(frame[field], path, field, required=True).dt.normalize()
    for field, low in (("wave", 0), ("working_days", 1), ("crew", 1)):
        out[field] = _integers(frame[field], path, field, minimum=low)
    return out[PLAN_COLUMNS]


def read_actuals(path: str | Path, *, sites: pd.DataFrame | None = None, dq: DataQuality | None = None) -> pd.DataFrame:
    """Read actual progress per site, from either of two layouts.

    * one row per site: ``site_id, actual_start, actual_end`` (end blank while in progress);
    * one row per site and date: ``site_id, date, devices_done`` (devices finished that day); the
      site's start is its first date and it ends on the date its running total reaches its devices
      (needs ``sites`` for the device counts).

    Returns
    -------
    DataFrame with ``ACTUAL_COLUMNS`` (``devices_done`` is NA in the first layout). Rows for site
    ids not in ``sites`` are dropped and noted.
    """
    dq = dq if dq is not None else DataQuality()
    raw, _ = read_table(path, dq=dq)
    lower = {str(c).strip().lower() for c in raw.columns}
    if "devices_done" in lower:
        frame = map_columns(raw, path, ["site_id", "date", "devices_done"])
        out = _actuals_from_counts(frame, path, sites)
    else:
        frame = map_columns(
            raw,
            path,
            ["site_id", "actual_start"],
            ["actual_end"],
            aliases={"actual_start": ["Actual start", "Started"], "actual_end": ["Actual end", "Finished"]},
        )
        out = pd.DataFrame({"site_id": frame["site_id"].astype("string").str.strip()})
        _check_ids(out["site_id"], path)
        out["actual_start"] = parse_dates(frame["actual_start"], path, "actual_start", dq=dq).dt.normalize()
        end = frame["actual_end"] if "actual_end" in frame.columns else pd.Series("", index=frame.index)
        out["actual_end"] = parse_dates(end, path, "actual_end", dq=dq).dt.normalize()
        out["devices_done"] = pd.array([pd.NA] * len(out), dtype="Int64")
        backwards = out["actual_end"] < out["actual_start"]
        if backwards.any():
            raise InputError(
                path, "actual_end", "an end on or after the start", f"site {out['site_id'][backwards].iloc[0]!r}"
            )
        no_start = out["actual_start"].isna()
        dq.add(
            path, "actual_start", "no start date (site not started)", "treated as not started", rows=int(no_start.sum())
        )
        out = out[~no_start]
    if sites is not None:
        unknown = ~out["site_id"].isin(set(sites["site_id"]))
        dq.add(path, "site_id", "site not in the sites list", "row dropped", rows=int(unknown.sum()))
        out = out[~unknown]
    return out[ACTUAL_COLUMNS].reset_index(drop=True)


def _actuals_from_counts(frame: pd.DataFrame, path, sites: pd.DataFrame | None) -> pd.DataFrame:
    if sites is None:
        raise InputError(path, "devices_done", "the sites list to know when a site is complete", "no sites")
    data = pd.DataFrame(
        {
            "site_id": frame["site_id"].astype("string").str.strip(),
            "date": parse_dates(frame["date"], path, "date", required=True).dt.normalize(),
            "done": parse_numbers(frame["devices_done"], path, "devices_done", required=True).astype("float64"),
        }
    ).sort_values(["site_id", "date"])
    total = dict(zip(sites["site_id"], sites["devices"]))
    rows = []
    for site_id, group in data.groupby("site_id", sort=True):
        running = group["done"].cumsum()
        need = total.get(site_id)
        reached = group["date"][running >= need] if need is not None else pd.Series(dtype="datetime64[ns]")
        rows.append(
            {
                "site_id": site_id,
                "actual_start": group["date"].min(),
                "actual_end": reached.min() if len(reached) else pd.NaT,
                "devices_done": int(min(running.iloc[-1], need or running.iloc[-1])),
            }
        )
    out = pd.DataFrame(rows, columns=ACTUAL_COLUMNS)
    out["actual_start"] = pd.to_datetime(out["actual_start"])
    out["actual_end"] = pd.to_datetime(out["actual_end"])
    out["devices_done"] = out["devices_done"].astype("Int64")
    return out
