"""Readers of the status deck's inputs: other workbooks' run folders, a RAID log, milestones,
and last week's status run folder.

RAID logs come as SharePoint list exports or home-made spreadsheets. *Unverified* (no real export
was available): a modern SharePoint list's "Export to CSV" is assumed to write the columns' display
names, UTF-8 with a BOM, dates in the site's regional format (``dayfirst`` parameter), and choice
columns as their text (``4 - High``); classic "Export to Excel" gives an ``.iqy`` query file, which
is refused with a message saying how to save it as ``.xlsx``.

Run folders follow the runner's contract (:mod:`pmokit.runfolder` reads them):
``<reports_dir>/<workbook>/<run>/`` with ``run.json`` and ``metrics.json`` (each rated figure with its
colour as ``<metric>_rag``) plus PNG charts, ``headline.png`` being the workbook's key chart. The
deck reads the run the params name (``runs: {workbook: run}``), else a workbook's only succeeded
run; a workbook with no usable run is not an error here: the deck says it is missing. Two candidate
runs without a choice are an input error (:func:`select_runs`).

This module only reads; the snapshots a status run leaves for next week are written by
:mod:`pmokit.status.snapshots`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pandas as pd

from pmokit import runfolder
from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import map_columns, parse_dates, parse_numbers, read_table

__all__ = [
    "WorkbookRun",
    "select_runs",
    "read_raid",
    "read_milestones",
    "PreviousStatus",
    "read_previous",
    "RAID_TYPES",
    "RAID_COLUMNS",
    "MILESTONE_COLUMNS",
    "SNAPSHOT_FILES",
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
    """The run of one workbook that the deck reports (or the reason there is none).

    Attributes
    ----------
    workbook : str
    folder : Path or None
        The run folder chosen, None when no usable run was found.
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
    def name(self) -> str:
        """The run's name (its folder, the params file's stem); '' when none was found."""
        return self.folder.name if self.folder is not None else ""

    @property
    def headline_chart(self) -> Path | None:
        """``headline.png`` if the run saved one, else its first chart, else None."""
        return self.charts[0] if self.charts else None


def _timestamp(run: runfolder.RunFolder) -> pd.Timestamp | None:
    end = run.end
    return None if end is None else pd.Timestamp(end).tz_convert("UTC")


def _use(workbook: str, run: runfolder.RunFolder, dq: DataQuality | None) -> WorkbookRun:
    """A succeeded run folder as the deck's input; missing (with the reason) when its metrics are unreadable."""
    if not isinstance(runfolder.read_json(run.path / runfolder.METRICS_FILE), dict):
        if dq is not None:
            dq.add(
                f"{workbook}/{run.path.name}/{runfolder.METRICS_FILE}", "(file)", "missing or unreadable", "run ignored"
            )
        return WorkbookRun(workbook, problem=f"run '{run.path.name}' of {workbook} has no readable metrics.json")
    return WorkbookRun(workbook, run.path, _timestamp(run), dict(run.metrics), run.charts())


def _named_run(root: Path, workbook: str, name: str, dq: DataQuality | None) -> WorkbookRun:
    """The run the params name (``runs: {workbook: name}``): it must exist and have succeeded."""
    folder = runfolder.folder_for(root, workbook, name)
    run = runfolder.read(folder)
    if run is None:
        failed = runfolder.read(runfolder.failed_folder(folder))
        if failed is not None:
            error = failed.run.get("error") or "no error recorded"
            return WorkbookRun(workbook, problem=f"run '{name}' of {workbook} failed ({error})")
        return WorkbookRun(workbook, problem=f"no run '{name}' of {workbook} in {root.name}/")
    if not run.succeeded:
        return WorkbookRun(
            workbook, problem=f"run '{name}' of {workbook} did not succeed (status {run.status or 'unknown'})"
        )
    return _use(workbook, run, dq)


def select_runs(
    reports_dir: str | Path | None,
    workbooks: list[str],
    runs: Mapping[str, str] | None = None,
    dq: DataQuality | None = None,
    exclude: str | Path | None = None,
) -> dict[str, WorkbookRun]:
    """The run of each workbook that the deck reports, as the params name it.

    Parameters
    ----------
    reports_dir : str or Path
        The runner's output folder (``<reports_dir>/<workbook>/<run>/run.json``).
    workbooks : list of str
        Workbooks to report, in deck order.
    runs : mapping, optional
        ``{workbook: run name}`` (the params' ``runs``): the run folder to read for that workbook.
    dq : DataQuality, optional
        Receives a note per unreadable ``metrics.json`` and per ``runs`` entry naming a workbook the
        deck does not report.
    exclude : str or Path, optional
        A run folder never to pick (this run's own output folder).

    Returns
    -------
    dict
        workbook -> :class:`WorkbookRun`. A workbook whose named run is absent or failed, or that has
        no succeeded run, is missing with the reason (the deck shows it grey).

    Raises
    ------
    InputError
        A workbook has two or more succeeded runs and ``runs`` does not say which one to read: the
        message names the candidates. The deck never picks by end time (that was a race).

    Notes
    -----
    Selection per workbook: a named run -> that run folder (it must exist and have succeeded);
    no name and exactly one succeeded run -> that one; none -> missing.
    """
    runs = dict(runs or {})
    if not reports_dir:
        return {wb: WorkbookRun(wb, problem="no reports_dir given") for wb in workbooks}
    root = Path(reports_dir)
    if dq is not None:
        for workbook in sorted(set(runs) - set(workbooks)):
            dq.add("runs", workbook, "a workbook the deck reports", "entry ignored")
    skip = Path(exclude).resolve() if exclude else None
    found = {}
    for workbook in workbooks:
        if runs.get(workbook):
            found[workbook] = _named_run(root, workbook, runs[workbook], dq)
            continue
        if not (root / workbook).is_dir():
            found[workbook] = WorkbookRun(workbook, problem=f"no run folder {workbook}/ in {root.name}/")
            continue
        candidates = [r for r in runfolder.scan(root, workbook) if r.path.resolve() != skip]
        succeeded = [r for r in candidates if r.succeeded]
        if len(succeeded) > 1:
            names = ", ".join(r.path.name for r in succeeded)
            raise InputError(
                None,
                "runs",
                f"one run of {workbook} to report: set runs: {{{workbook}: <run>}} in the params file",
                f"{len(succeeded)} succeeded runs of {workbook} in {root} ({names}) and no choice",
            )
        if succeeded:
            found[workbook] = _use(workbook, succeeded[0], dq)
            continue
        failed = len(candidates)
        found[workbook] = WorkbookRun(
            workbook,
            problem=f"no succeeded run of {workbook} ({failed} failed)"
            if failed
            else f"no succeeded run of {workbook} in {root.name}/",
        )
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
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    dq: DataQuality | None = None,
    dayfirst: bool = False,
    today: pd.Timestamp | None = None,
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
        dates before 2000 or raised/closed after ``today``, probability/impact off the 1-5 scale).
    today : Timestamp, optional
        The day the file is read (default: the machine's date): no item was raised or closed after it.

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
        # A raised or closed date lies in the past when the log is exported; a due date may be later.
        frame[col] = implausible_dates(frame[col], path, col, dq, past_only=col != "due", today=today)
    for col in ("probability", "impact"):
        frame[col] = _scale(frame[col], path, col, dq)
    duplicated = frame["id"].duplicated(keep="last")
    if dq is not None:
        dq.add(path, "id", "duplicate item id", "earlier row dropped (last one kept)", rows=int(duplicated.sum()))
    frame = frame[~duplicated]
    frame["open"] = ~is_closed(frame["status"])
    if frame.empty:
        _note_nothing_read(dq, path, "RAID item", "RAID counts shown as — (unknown, not 0)", rows=len(raw))
    return frame.reset_index(drop=True)


def _note_nothing_read(dq: DataQuality | None, path: Path, what: str, action: str, rows: int) -> None:
    """One finding for a list that gave nothing to count: a header-only export (0 rows) or every row dropped.

    Recorded even with 0 rows (``DataQuality.add`` skips those): the report must say the list was empty.
    """
    if dq is None:
        return
    problem = f"no {what} below the header row" if rows == 0 else f"no {what} left: all {rows} row(s) dropped"
    dq.findings.append({"file": path.name, "field": "(rows)", "problem": problem, "action": action, "rows": rows})


#: Dates before this are placeholders ('1900-01-01', Excel's day 0, '0001-01-01'), not dates of a project.
EARLIEST_DATE = pd.Timestamp("2000-01-01")


def implausible_dates(
    dates: pd.Series,
    file: str | Path,
    field: str,
    dq: DataQuality | None,
    *,
    past_only: bool = False,
    today: pd.Timestamp | None = None,
) -> pd.Series:
    """``dates`` with placeholder and impossible dates left blank, each kind noted once in ``dq``.

    Dates before 2000 are placeholders; with ``past_only`` (a raised or closed date) a date after
    ``today`` has not happened yet. Either, kept, would move the status date to 1900 or 2099 and make
    every action overdue, or none.

    Examples
    --------
    >>> d = pd.Series(pd.to_datetime(["1900-01-01", "2026-11-02", "2099-01-05"]))
    >>> implausible_dates(d, "raid.csv", "raised", None, past_only=True, today=pd.Timestamp("2026-12-01")).isna().tolist()
    [True, False, True]
    """
    early = dates < EARLIEST_DATE
    late = (dates > (today or pd.Timestamp.today()).normalize() + pd.Timedelta(days=1)) if past_only else early & False
    if dq is not None:
        for bad, problem in ((early, "before 2000 (a placeholder)"), (late, "in the future (not yet happened)")):
            if bad.any():
                shown = dates[bad].iloc[0].date().isoformat()
                dq.add(file, field, f"date {problem}, e.g. {shown}", "left blank", rows=int(bad.sum()))
    return dates.mask(early | late)


# ----------------------------------------------------------------------------- milestones
def read_milestones(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    dq: DataQuality | None = None,
    dayfirst: bool = False,
    today: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Read a milestone list (CSV or XLSX) into the canonical table.

    Dates before 2000 (placeholders) and actual dates after ``today`` (default: the machine's date)
    are left blank and noted in ``dq``.

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
        frame[col] = implausible_dates(frame[col], path, col, dq, past_only=col == "actual", today=today)
    no_baseline = frame["baseline"].isna()
    if dq is not None:
        dq.add(
            path, "baseline", "no baseline date", "row dropped (slip cannot be measured)", rows=int(no_baseline.sum())
        )
    if no_baseline.all():
        _note_nothing_read(
            dq, path, "milestone with a baseline date", "milestone slips shown as — (unknown, not 0)", rows=len(frame)
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
    siblings = [
        run
        for run in runfolder.scan(here.parent.parent, here.parent.name)
        if run.succeeded and run.path.resolve() != here and (run.path / runfolder.METRICS_FILE).exists()
    ]
    same = [run for run in siblings if run.path.name == stem]
    if same:
        return same[0].path
    if not siblings:
        return None
    earliest = pd.Timestamp.min.tz_localize("UTC")
    return max(siblings, key=lambda run: _timestamp(run) or earliest).path


def read_previous(folder: str | Path | None, *, dq: DataQuality | None = None) -> PreviousStatus | None:
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
    metrics = runfolder.read_json(folder / runfolder.METRICS_FILE)
    if not isinstance(metrics, dict):
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
    run = runfolder.read(folder)
    end = _timestamp(run) if run is not None else None
    return PreviousStatus(folder, metrics, parts["raid"], parts["milestones"], wb, end)
