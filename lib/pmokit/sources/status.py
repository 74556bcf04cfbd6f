"""Readers of the status deck's inputs: other workbooks' run folders, a RAID log, milestones,
and last week's status run folder.

RAID logs come as SharePoint list exports or home-made spreadsheets. *Unverified* (no real export
was available): a modern SharePoint list's "Export to CSV" is assumed to write the columns' display
names, UTF-8 with a BOM, dates in the site's regional format (``dayfirst`` parameter), and choice
columns as their text (``4 - High``); classic "Export to Excel" gives an ``.iqy`` query file, which
is refused with a message saying how to save it as ``.xlsx``.

Run folders follow the runner's contract: ``<reports_dir>/<workbook>/<params stem>/`` with
``run.json`` (status, start, end...) and ``metrics.json`` (flat ``{name: number|string}``) plus PNG
charts, ``headline.png`` being the workbook's key chart. A workbook with no succeeded run is not an
error here: the deck says it is missing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import map_columns, parse_dates, parse_numbers, read_table

__all__ = [
    "WorkbookRun",
    "latest_runs",
    "read_raid",
    "read_milestones",
    "PreviousStatus",
    "read_previous",
    "RAID_TYPES",
    "RAID_COLUMNS",
    "MILESTONE_COLUMNS",
    "SNAPSHOT_FILES",
    "write_snapshots",
    "find_previous",
]

#: Canonical RAID item types, and the spellings that map onto them (lower case).
RAID_TYPES = {
    "Risk": ("risk", "risks", "r"),
    "Assumption": ("assumption", "assumptions", "a"),
    "Issue": ("issue", "issues", "i"),
    "Decision": ("decision", "decisions", "d"),
    "Action": ("action", "actions", "action item", "task"),
}
RAID_COLUMNS = [
    "id",
    "type",
    "title",
    "owner",
    "raised",
    "due",
    "status",
    "probability",
    "impact",
    "mitigation",
    "workstream",
    "closed",
]
MILESTONE_COLUMNS = ["milestone", "workstream", "baseline", "forecast", "actual", "status"]

#: Files this workbook writes into its own run folder so that next week's run can compare.
SNAPSHOT_FILES = {
    "raid": "raid_snapshot.csv",
    "milestones": "milestones_snapshot.csv",
    "workbooks": "workbook_metrics.csv",
}

# Headers seen in SharePoint list exports and home-made RAID spreadsheets.
_RAID_ALIASES = {
    "id": ["ID", "Item ID", "RAID ID", "Ref", "Reference", "Key"],
    "type": ["Item Type", "RAID Type", "Category", "Log Type", "Content Type"],
    "title": ["Title", "Summary", "Description", "Name"],
    "owner": ["Owner", "Assigned To", "Action Owner", "Risk Owner"],
    "raised": ["Date Raised", "Raised On", "Created", "Date Identified", "Opened"],
    "due": ["Due Date", "Target Date", "Due By", "Decision Date"],
    "status": ["Status", "State"],
    "probability": ["Probability", "Likelihood"],
    "impact": ["Impact", "Severity"],
    "mitigation": ["Mitigation", "Response", "Mitigation / Response", "Action Plan"],
    "workstream": ["Workstream", "Project", "Area"],
    "closed": ["Date Closed", "Closed", "Closed On", "Resolved"],
}
_MILESTONE_ALIASES = {
    "milestone": ["Milestone", "Name", "Title", "Milestone Name"],
    "workstream": ["Workstream", "Project", "Stream"],
    "baseline": ["Baseline", "Baseline Date", "Baseline Finish", "Planned Date"],
    "forecast": ["Forecast", "Forecast Date", "Forecast Finish", "Expected Date"],
    "actual": ["Actual", "Actual Date", "Actual Finish", "Completed"],
    "status": ["Status", "State"],
}
#: Word scales of probability and impact (SharePoint choice columns) on the 1-5 scale.
_SCALE_WORDS = {
    "very low": 1,
    "rare": 1,
    "low": 2,
    "unlikely": 2,
    "medium": 3,
    "moderate": 3,
    "possible": 3,
    "high": 4,
    "likely": 4,
    "very high": 5,
    "critical": 5,
    "almost certain": 5,
    "severe": 5,
}
_CHOICE_PREFIX = re.compile(r"^\s*([1-5])\s*[-–:.)]\s*\S")  # "4 - High", "3: Medium"
_CLOSED_WORDS = (
    "closed",
    "done",
    "complete",
    "completed",
    "resolved",
    "cancelled",
    "canceled",
    "decided",
    "approved",
    "rejected",
    "retired",
    "mitigated",
    "validated",
)


# ----------------------------------------------------------------------------- run folders
@dataclass
class WorkbookRun:
    """The latest succeeded run of one workbook (or the reason there is none).

    Attributes
    ----------
    workbook : str
    folder : Path or None
        The run folder chosen, None when no succeeded run was found.
    end : Timestamp or None
        ``run.json`` end time of that run (UTC).
    metrics : dict
        Its ``metrics.json``.
    charts : list of Path
        Its PNG charts, ``headline.png`` first when present.
    problem : str
        Why no run was chosen ('' when one was).
    """

    workbook: str
    folder: Path | None = None
    end: pd.Timestamp | None = None
    metrics: dict = field(default_factory=dict)
    charts: list[Path] = field(default_factory=list)
    problem: str = ""

    @property
    def found(self) -> bool:
        return self.folder is not None

    @property
    def headline_chart(self) -> Path | None:
        """``headline.png`` if the run saved one, else its first chart, else None."""
        return self.charts[0] if self.charts else None


def _load_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _end_time(run: dict) -> pd.Timestamp | None:
    value = run.get("end") or run.get("finished") or run.get("start")
    if not value:
        return None
    stamp = pd.to_datetime(str(value), errors="coerce", utc=True)
    return None if pd.isna(stamp) else stamp


def _charts(folder: Path) -> list[Path]:
    pngs = sorted(folder.glob("*.png"), key=lambda p: p.name)
    return sorted(pngs, key=lambda p: p.name != "headline.png")


def latest_runs(
    reports_dir: str | Path | None,
    workbooks: list[str],
    dq: DataQuality | None = None,
    exclude: str | Path | None = None,
) -> dict[str, WorkbookRun]:
    """Pick each workbook's latest succeeded run folder under ``reports_dir``.

    Parameters
    ----------
    reports_dir : str or Path
        The runner's output folder (``<reports_dir>/<workbook>/<stem>/run.json``).
    workbooks : list of str
        Workbooks to look for, in deck order.
    dq : DataQuality, optional
        Receives a note per unreadable ``run.json``/``metrics.json``.
    exclude : str or Path, optional
        A run folder never to pick (this run's own output folder).

    Returns
    -------
    dict
        workbook -> :class:`WorkbookRun`; never raises for a missing or failed workbook.

    Notes
    -----
    The latest run is the one with the latest ``run.json`` ``end`` time among runs whose status is
    ``succeeded``, whatever its params stem: a failed run newer than the last good one is skipped,
    since the runner keeps the last good report of a run folder.
    """
    if not reports_dir:
        return {wb: WorkbookRun(wb, problem="no reports_dir given") for wb in workbooks}
    root = Path(reports_dir)
    found = {}
    for workbook in workbooks:
        best = WorkbookRun(workbook)
        base = root / workbook
        if not base.is_dir():
            best.problem = f"no run folder {workbook}/ in {root}"
            found[workbook] = best
            continue
        failed = 0
        skip = Path(exclude).resolve() if exclude else None
        for run_file in sorted(base.glob("*/run.json")):
            # The runner works in hidden '.<stem>.tmp-*' folders and swaps them in when complete.
            if run_file.parent.name.startswith(".") or run_file.parent.resolve() == skip:
                continue
            run = _load_json(run_file)
            if run is None:
                if dq is not None:
                    dq.add(f"{workbook}/{run_file.parent.name}/run.json", "(file)", "unreadable JSON", "run ignored")
                continue
            if str(run.get("status", "")).lower() != "succeeded":
                failed += 1
                continue
            end = _end_time(run)
            if best.end is not None and (end is None or end <= best.end):
                continue
            metrics = _load_json(run_file.parent / "metrics.json")
            if metrics is None:
                if dq is not None:
                    dq.add(
                        f"{workbook}/{run_file.parent.name}/metrics.json",
                        "(file)",
                        "missing or unreadable",
                        "run ignored",
                    )
                continue
            best = WorkbookRun(workbook, run_file.parent, end, metrics, _charts(run_file.parent))
        if not best.found:
            best.problem = (
                f"no succeeded run of {workbook} ({failed} failed)"
                if failed
                else f"no succeeded run of {workbook} in {root}"
            )
        found[workbook] = best
    return found


# ----------------------------------------------------------------------------- RAID log
def _scale(values: pd.Series, file: Path, field: str, dq: DataQuality | None) -> pd.Series:
    """Probability/impact on a 1-5 scale: numbers, '4 - High' choices or words."""
    text = values.astype("string").str.strip()
    prefix = text.str.extract(_CHOICE_PREFIX, expand=False)
    words = text.str.lower().map(_SCALE_WORDS)
    numbers = parse_numbers(text.where(prefix.isna() & words.isna(), ""), file, field)
    out = prefix.astype("Float64").fillna(words.astype("Float64")).fillna(numbers)
    bad = (out.isna() & text.fillna("").ne("")) | (out < 1) | (out > 5)
    if dq is not None and bad.any():
        dq.add(file, field, f"not on the 1-5 scale (e.g. {text[bad].iloc[0]!r})", "left blank", rows=int(bad.sum()))
    return out.where(~bad)


def _raid_type(values: pd.Series) -> pd.Series:
    lookup = {alias: canonical for canonical, aliases in RAID_TYPES.items() for alias in aliases}
    return values.astype("string").str.strip().str.lower().map(lookup).astype("string")


def is_closed(status: pd.Series) -> pd.Series:
    """True where a RAID or milestone status word means the item is finished."""
    text = status.astype("string").str.strip().str.lower().fillna("")
    return text.map(lambda s: any(s.startswith(w) for w in _CLOSED_WORDS)).astype(bool)


def read_raid(
    path: str | Path, columns: Mapping[str, str] | None = None, dayfirst: bool = False, dq: DataQuality | None = None
) -> pd.DataFrame:
    """Read a RAID log (CSV or XLSX; e.g. a SharePoint list export) into the canonical table.

    Parameters
    ----------
    path : str or Path
    columns : mapping, optional
        Canonical field -> header in this file, for headers the aliases do not know.
    dayfirst : bool
        Read ambiguous dates like ``03/04/2026`` as 3 April (SharePoint follows the site's locale).
    dq : DataQuality, optional
        Receives rows dropped (unknown type, no title) and values left blank (unparseable dates,
        probability/impact off the 1-5 scale).

    Returns
    -------
    DataFrame
        Columns of ``RAID_COLUMNS``: ``type`` one of Risk/Assumption/Issue/Decision/Action, dates as
        datetimes, ``probability``/``impact`` 1-5 floats, ``open`` (bool) added.

    Raises
    ------
    InputError
        The file is missing or has no column for ``type``, ``title`` or ``status``.
    """
    path = Path(path)
    if path.suffix.lower() == ".iqy":  # classic SharePoint "Export to Excel" gives a live query file
        raise InputError(
            path,
            "(file)",
            "a CSV or XLSX export of the list",
            "an Excel web query (.iqy): open it in Excel and save it as .xlsx",
        )
    raw, _ = read_table(path, dq=dq)
    frame = map_columns(
        raw,
        path,
        ["type", "title", "status"],
        [c for c in RAID_COLUMNS if c not in ("type", "title", "status")],
        columns,
        _RAID_ALIASES,
    )
    for col in RAID_COLUMNS:
        if col not in frame:
            frame[col] = ""
    frame = frame[RAID_COLUMNS].astype("string").apply(lambda s: s.str.strip())
    # Items without an id get their spreadsheet row number, so week-over-week matching still works
    # as long as the log is not re-sorted.
    row_ids = pd.Series([f"ROW{i + 2}" for i in range(len(frame))], index=frame.index, dtype="string")
    frame["id"] = frame["id"].fillna("").mask(frame["id"].fillna("") == "", row_ids)
    canonical = _raid_type(frame["type"])
    unknown = canonical.isna()
    if dq is not None and unknown.any():
        shown = frame.loc[unknown, "type"].fillna("").iloc[0]
        dq.add(
            path,
            "type",
            f"unknown RAID type (e.g. {shown!r}; expected {', '.join(RAID_TYPES)})",
            "row dropped",
            rows=int(unknown.sum()),
        )
    frame["type"] = canonical
    untitled = frame["title"].fillna("").eq("") & ~unknown
    if dq is not None:
        dq.add(path, "title", "blank title", "row dropped", rows=int(untitled.sum()))
    frame = frame[~unknown & ~untitled].copy()
    for col in ("raised", "due", "closed"):
        frame[col] = parse_dates(frame[col], path, col, dayfirst=dayfirst, dq=dq)
    for col in ("probability", "impact"):
        frame[col] = _scale(frame[col], path, col, dq)
    duplicated = frame["id"].duplicated(keep="last")
    if dq is not None:
        dq.add(path, "id", "duplicate item id", "earlier row dropped (last one kept)", rows=int(duplicated.sum()))
    frame = frame[~duplicated]
    frame["open"] = ~is_closed(frame["status"])
    return frame.reset_index(drop=True)


# ----------------------------------------------------------------------------- milestones
def read_milestones(
    path: str | Path, columns: Mapping[str, str] | None = None, dayfirst: bool = False, dq: DataQuality | None = None
) -> pd.DataFrame:
    """Read a milestone list (CSV or XLSX) into the canonical table.

    Returns
    -------
    DataFrame
        Columns of ``MILESTONE_COLUMNS``; ``baseline``, ``forecast``, ``actual`` as datetimes.
        Rows without a baseline date are dropped (noted in ``dq``): a slip cannot be measured.

    Raises
    ------
    InputError
        Missing file or a missing ``milestone``/``baseline`` column.
    """
    path = Path(path)
    raw, _ = read_table(path, dq=dq)
    frame = map_columns(
        raw,
        path,
        ["milestone", "baseline"],
        ["workstream", "forecast", "actual", "status"],
        columns,
        _MILESTONE_ALIASES,
    )
    for col in MILESTONE_COLUMNS:
        if col not in frame:
            frame[col] = ""
    frame = frame[MILESTONE_COLUMNS].astype("string").apply(lambda s: s.str.strip())
    for col in ("baseline", "forecast", "actual"):
        frame[col] = parse_dates(frame[col], path, col, dayfirst=dayfirst, dq=dq)
    no_baseline = frame["baseline"].isna()
    if dq is not None:
        dq.add(
            path, "baseline", "no baseline date", "row dropped (slip cannot be measured)", rows=int(no_baseline.sum())
        )
    return frame[~no_baseline].reset_index(drop=True)


# ----------------------------------------------------------------------------- previous status run
@dataclass
class PreviousStatus:
    """Last week's status run: its metrics and the snapshots it saved (empty frames when absent)."""

    folder: Path
    metrics: dict
    raid: pd.DataFrame
    milestones: pd.DataFrame
    workbook_metrics: pd.DataFrame
    end: pd.Timestamp | None = None


def write_snapshots(
    folder: str | Path, raid: pd.DataFrame, milestones: pd.DataFrame, workbook_metrics: pd.DataFrame
) -> list[Path]:
    """Save this week's canonical RAID log, milestones and collected metrics as CSV in the run
    folder, for next week's comparison (:func:`read_previous`). Text is neutralised against formula
    injection, since analysts open CSVs in Excel."""
    from pmokit.report import neutralise_frame

    folder = Path(folder)
    paths = []
    for key, frame in (("raid", raid), ("milestones", milestones), ("workbooks", workbook_metrics)):
        path = folder / SNAPSHOT_FILES[key]
        shown = frame.copy()
        for col in shown.columns:
            if pd.api.types.is_datetime64_any_dtype(shown[col]):
                shown[col] = shown[col].dt.strftime("%Y-%m-%d")
        neutralise_frame(shown).to_csv(path, index=False, encoding="utf-8")
        paths.append(path)
    return paths


def _unneutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`pmokit.report.neutralise` ('=x' was saved as "'=x")."""
    for col in frame.columns:
        frame[col] = frame[col].str.replace(r"^'(?=[=+\-@\t\r])", "", regex=True)
    return frame


def _snapshot(path: Path, dates: tuple[str, ...]) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame()
    frame = _unneutralise(pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8-sig"))
    for col in dates:
        if col in frame:
            frame[col] = pd.to_datetime(frame[col].where(frame[col] != ""), errors="coerce", format="mixed")
    return frame


def find_previous(output_dir: str | Path) -> Path | None:
    """Last week's status run: a succeeded run folder beside this run's ``output_dir``, or None.

    The runner writes a run into a hidden temporary folder (``<out>/status_deck/.weekly.tmp-*``) and
    swaps it in at the end, so while this week's run executes, last week's report of the same
    params file is still in place beside it: a weekly params file can compare with the previous
    week without copies kept by hand. The run of the same params stem is preferred, else the
    latest succeeded sibling.
    """
    here = Path(output_dir).resolve()
    stem = here.name.lstrip(".").split(".tmp-")[0]
    runs = latest_runs(here.parent.parent, [here.parent.name], exclude=here)[here.parent.name]
    same = here.parent / stem
    if same != here and (same / "metrics.json").exists():
        run = _load_json(same / "run.json") or {}
        if str(run.get("status", "")).lower() == "succeeded":
            return same
    return runs.folder


def read_previous(folder: str | Path | None, dq: DataQuality | None = None) -> PreviousStatus | None:
    """Read last week's status run folder (``metrics.json`` and the snapshot CSVs it wrote).

    Returns None when ``folder`` is None. Missing snapshot files give empty frames (noted in
    ``dq``), so the comparison shrinks to what is there instead of failing.

    Raises
    ------
    InputError
        The folder does not exist or has no readable ``metrics.json``.
    """
    if not folder:
        return None
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "previous_dir", "a status run folder", "no such folder")
    metrics = _load_json(folder / "metrics.json")
    if metrics is None:
        raise InputError(
            folder / "metrics.json", "(file)", "the previous run's metrics as JSON", "missing or unreadable"
        )
    parts = {}
    for key, name in SNAPSHOT_FILES.items():
        dates = ("raised", "due", "closed") if key == "raid" else ("baseline", "forecast", "actual")
        parts[key] = _snapshot(folder / name, dates)
        if parts[key].empty and dq is not None:
            dq.add(folder / name, "(file)", "previous snapshot missing", "that comparison skipped")
    if "open" in parts["raid"]:
        parts["raid"]["open"] = parts["raid"]["open"].str.lower().eq("true").astype(bool)
    wb = parts["workbooks"]
    run = _load_json(folder / "run.json") or {}
    return PreviousStatus(folder, metrics, parts["raid"], parts["milestones"], wb, _end_time(run))
