"""Flow metrics on the canonical work-item table: stages, cycle time, throughput, WIP, aging.

Pure functions on DataFrames (no I/O, no display). Definitions follow the delivery-coaching
practice behind Jira's control chart and ActionableAgile:

- an item *starts* when it first enters an in-progress (or done) status, taken from the status
  history when there is one, else from the export's own start hint, else its created date (then
  the durations are *lead* times, and the report says so);
- an item is *done* when its current status is a done status, at the last move into done;
- cycle time in days = (done date - start date) + 1, both as calendar dates, so an item finished
  the day it started took 1 day.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from pmokit.delivery import stages
from pmokit.quality import DataQuality
from pmokit.sources.work_item_schema import category_from_name

PERCENTILES = (50, 85, 95)


# ----------------------------------------------------------------------------- stages
def status_categories(
    items: pd.DataFrame,
    transitions: pd.DataFrame,
    start_statuses: Iterable[str] | None = None,
    done_statuses: Iterable[str] | None = None,
) -> dict[str, str]:
    """Map every status name (lower case) seen in items or history to a category.

    The parameters come first (``done_statuses`` done, ``start_statuses`` in progress; when
    ``start_statuses`` is given every other status that is not done counts as to do, likewise for
    ``done_statuses``), then the export's categories (Jira's Status Category), then the name's words;
    see :func:`pmokit.delivery.stages.stage_table`, which also says what decided each name.
    """
    return stages.mapping(stages.stage_table(items, transitions, start_statuses, done_statuses))


def apply_stages(
    items: pd.DataFrame,
    transitions: pd.DataFrame,
    start_statuses: Iterable[str] | None = None,
    done_statuses: Iterable[str] | None = None,
    dq: DataQuality | None = None,
    as_of: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Add the columns the flow metrics need: ``category``, ``work_start``, ``done_at``, ``start_basis``.

    Parameters
    ----------
    items, transitions : DataFrame
        Canonical tables from :func:`pmokit.sources.work_items.read_work_items`.
    start_statuses, done_statuses : iterable of str, optional
        Status names that mean "work started" / "finished"; default from the status category.
    dq : DataQuality, optional
        Receives the data-quality findings (resolved without a done status, done before created...).
    as_of : Timestamp, optional
        Report date: an item done or started after it was not done or started then (pass the
        :func:`pmokit.delivery.stages.as_of_view` of the tables, which rewinds statuses and history).

    Returns
    -------
    DataFrame
        ``items`` plus ``category`` (to do / in progress / done), ``work_start`` (start of work,
        NaT for items not started), ``done_at`` (NaT unless done), ``start_basis`` (``history``,
        ``export`` or ``created``), ``elapsed_start`` (work_start, else created: the clock used for
        cycle or lead time).
    """
    mapping = status_categories(items, transitions, start_statuses, done_statuses)
    out = items.copy()
    out["category"] = out["status"].str.strip().str.lower().map(mapping).fillna(out["status_category"]).astype("string")
    first_start, last_done = _history_marks(transitions, mapping)
    has_history = out["id"].isin(first_start.index.union(last_done.index))
    hist_start = _lookup(first_start, out)
    hist_done = _lookup(last_done, out)
    done = out["category"] == "done"
    # Trello has no resolution date: its cards on a done stage are done at their last activity
    finished = out["resolved"].where(out["resolved"].notna(), out["updated"])
    out["done_at"] = hist_done.where(hist_done.notna(), finished).where(done)
    out["work_start"] = hist_start.where(hist_start.notna(), out["started"])
    # Items in progress without any start hint started at the latest when they were created.
    out["work_start"] = out["work_start"].where(
        out["work_start"].notna() | (out["category"] != "in progress"), out["created"]
    )
    out.loc[out["category"] == "to do", "work_start"] = pd.NaT
    if as_of is not None:
        _rewind_dates(out, as_of, dq)
    out["start_basis"] = np.where(hist_start.notna(), "history", np.where(out["started"].notna(), "export", "created"))
    out["elapsed_start"] = out["work_start"].where(out["work_start"].notna(), out["created"])
    _note_quality(out, has_history, dq)
    bad = out["done_at"].notna() & out["created"].notna() & (out["done_at"] < out["created"])
    out.loc[bad, "done_at"] = pd.NaT
    return out


def _rewind_dates(out: pd.DataFrame, as_of: pd.Timestamp, dq: DataQuality | None) -> None:
    """Undo what happened after the report date that the status history could not rewind (in place).

    An item done after ``as_of`` without a status history saying where it stood was open then; its
    start is unknown, so it counts as not started (to do) rather than inflating WIP. An item started
    after ``as_of`` was still to do.
    """
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    done_later = out["done_at"].notna() & (out["done_at"] >= end)
    started_later = out["work_start"].notna() & (out["work_start"] >= end) & ~done_later
    if dq is not None:
        dq.add(
            None,
            "resolved",
            "done after the report date, with no status history before it",
            "open on the report date; counted as not started (its start then is unknown)",
            rows=int(done_later.sum()),
        )
    out.loc[done_later | started_later, "category"] = "to do"
    out.loc[done_later, "done_at"] = pd.NaT
    out.loc[done_later | started_later, "work_start"] = pd.NaT
    for col in ("resolved", "started", "updated"):
        out.loc[out[col].notna() & (out[col] >= end), col] = pd.NaT


def _lookup(marks: pd.Series, out: pd.DataFrame) -> pd.Series:
    """Per-item value of a Series indexed by id (NaT where absent); safe on an empty Series."""
    values = marks.astype("datetime64[ns]").reindex(pd.Index(out["id"].to_numpy(dtype=object)))
    return pd.Series(values.to_numpy(), index=out.index, dtype="datetime64[ns]")


def _history_marks(transitions: pd.DataFrame, mapping: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """First move into a started (or done) status, and last move into a done status, per item."""
    if transitions.empty:
        empty = pd.Series(dtype="datetime64[ns]")
        return empty, empty
    to_cat = transitions["to_status"].str.strip().str.lower().map(mapping)
    started = transitions.loc[to_cat.isin(["in progress", "done"])].groupby("id")["at"].min()
    done = transitions.loc[to_cat == "done"].groupby("id")["at"].max()
    return started, done


def _note_quality(out: pd.DataFrame, has_history: pd.Series, dq: DataQuality | None) -> None:
    if dq is None:
        return
    done = out["category"] == "done"
    dq.add(
        None,
        "resolved",
        "resolved date but status is not done (reopened or workflow gap)",
        "not counted as done",
        rows=int((out["resolved"].notna() & ~done).sum()),
    )
    dq.add(
        None,
        "resolved",
        "done status without a resolved date",
        "left out of throughput and cycle time",
        rows=int((done & out["done_at"].isna()).sum()),
    )
    dq.add(
        None,
        "resolved",
        "done before created",
        "done date ignored",
        rows=int((out["done_at"].notna() & out["created"].notna() & (out["done_at"] < out["created"])).sum()),
    )
    dq.add(
        None,
        "created",
        "no created date",
        "left out of lead time, scope and WIP",
        rows=int(out["created"].isna().sum()),
    )
    dq.add(
        None,
        "estimate",
        "no estimate (story points)",
        "counted as items (flow metrics do not need points)",
        rows=int(out["estimate"].isna().sum()),
    )


def time_basis(staged: pd.DataFrame) -> str:
    """``"cycle time"`` when most done items have a real start, else ``"lead time"``.

    Examples
    --------
    >>> f = pd.DataFrame({"done_at": pd.to_datetime(["2026-01-02", "2026-01-03"]), "start_basis": ["history", "created"]})
    >>> time_basis(f)
    'cycle time'
    """
    done = staged.loc[staged["done_at"].notna(), "start_basis"]
    return "cycle time" if len(done) and (done != "created").mean() >= 0.5 else "lead time"


# ----------------------------------------------------------------------------- cycle time
def cycle_times(staged: pd.DataFrame) -> pd.DataFrame:
    """Cycle (or lead) time of every done item, in days, with the +1 day rule.

    Returns
    -------
    DataFrame
        id, title, project, type, done_at, start, days — sorted by done date.
    """
    finished = staged["done_at"].notna() & staged["elapsed_start"].notna()
    # only the columns used: copying every column (lists included) doubled the time at 400,000 items
    done = staged.loc[finished, ["id", "title", "project", "type", "done_at", "elapsed_start"]]
    done = done.assign(start=done["elapsed_start"])
    days = (done["done_at"].dt.normalize() - done["start"].dt.normalize()).dt.days + 1
    done = done.assign(days=days.clip(lower=1).astype(int))
    return (
        done[["id", "title", "project", "type", "start", "done_at", "days"]]
        .sort_values("done_at")
        .reset_index(drop=True)
    )


def percentile_days(days: pd.Series | np.ndarray, percentiles: Iterable[int] = PERCENTILES) -> dict[int, float]:
    """Percentiles read as "p% of items took N days or less" (an observed value, no interpolation).

    Examples
    --------
    >>> percentile_days(list(range(1, 21)), [50, 85, 95])   # 10/20, 17/20, 19/20 items at or below
    {50: 10.0, 85: 17.0, 95: 19.0}
    """
    values = np.asarray(days, dtype=float)
    if values.size == 0:
        return {p: float("nan") for p in percentiles}
    return {p: float(np.percentile(values, p, method="inverted_cdf")) for p in percentiles}


# ----------------------------------------------------------------------------- throughput
def last_full_week_start(as_of: pd.Timestamp) -> pd.Timestamp:
    """Monday of the last ISO week that ended on or before ``as_of``.

    Examples
    --------
    >>> str(last_full_week_start(pd.Timestamp("2026-11-29")).date())   # a Sunday: its week is full
    '2026-11-23'
    >>> str(last_full_week_start(pd.Timestamp("2026-11-28")).date())   # Saturday: previous week
    '2026-11-16'
    """
    day = pd.Timestamp(as_of).normalize()
    monday = day - pd.Timedelta(days=day.weekday())
    return monday if day.weekday() == 6 else monday - pd.Timedelta(days=7)


def weekly_throughput(staged: pd.DataFrame, as_of: pd.Timestamp, weeks: int) -> pd.Series:
    """Items done per ISO week (Monday to Sunday) for the last ``weeks`` full weeks, zeros included.

    Weeks that ended before the first item was created are left out: the team or board did not
    exist yet, and their zeros would drag the forecast down.

    Returns
    -------
    Series
        Index: week start (Monday); values: items done that week.
    """
    last = last_full_week_start(as_of)
    starts = pd.date_range(end=last, periods=weeks, freq="7D")
    first_created = staged["created"].min()
    if pd.notna(first_created):
        kept = starts[starts + pd.Timedelta(days=7) > first_created]
        starts = kept if len(kept) else starts[-1:]
    done = staged["done_at"].dropna()
    week_of = done.dt.normalize() - pd.to_timedelta(done.dt.day_of_week, unit="D")
    counts = week_of.value_counts()
    return pd.Series([int(counts.get(s, 0)) for s in starts], index=starts, name="throughput")


def weeks_of_history(staged: pd.DataFrame, as_of: pd.Timestamp, weeks: int) -> int:
    """Full ISO weeks of the last ``weeks`` that ended after the first item was created (0 when none did).

    :func:`weekly_throughput` keeps one week even then, so that its mean is a number; this says
    how much history there really is.

    Examples
    --------
    >>> f = pd.DataFrame({"created": pd.to_datetime(["2026-03-04"])})
    >>> weeks_of_history(f, pd.Timestamp("2026-03-15"), 12)   # weeks of 2 and 9 March
    2
    >>> weeks_of_history(f, pd.Timestamp("2026-03-07"), 12)   # the week of 2 March is not over on Saturday
    0
    """
    starts = pd.date_range(end=last_full_week_start(as_of), periods=weeks, freq="7D")
    first_created = staged["created"].min()
    if pd.isna(first_created):
        return 0
    return int((starts + pd.Timedelta(days=7) > first_created).sum())


def weekly_created_resolved(staged: pd.DataFrame, weeks: pd.DatetimeIndex) -> pd.DataFrame:
    """Items created and items done per week (week start index)."""

    def per_week(values: pd.Series) -> pd.Series:
        values = values.dropna()
        week_of = values.dt.normalize() - pd.to_timedelta(values.dt.day_of_week, unit="D")
        return week_of.value_counts().reindex(weeks, fill_value=0)

    return pd.DataFrame({"created": per_week(staged["created"]), "done": per_week(staged["done_at"])}, index=weeks)


# ----------------------------------------------------------------------------- WIP
def wip_items(staged: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Items in progress at the end of ``as_of``: started on or before it, not done by then."""
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    started = staged["work_start"].notna() & (staged["work_start"] < end)
    open_then = staged["done_at"].isna() | (staged["done_at"] >= end)
    return staged.loc[started & open_then]


def aging_wip(staged: pd.DataFrame, as_of: pd.Timestamp, sle_days: float) -> pd.DataFrame:
    """Age in days (+1 rule) of each item in progress at ``as_of``, compared with the SLE.

    Returns
    -------
    DataFrame
        id, title, project, status, assignee, work_start, age_days, over_sle — oldest first.
    """
    wip = wip_items(staged, as_of).copy()
    wip["age_days"] = (pd.Timestamp(as_of).normalize() - wip["work_start"].dt.normalize()).dt.days + 1
    wip["over_sle"] = wip["age_days"] > sle_days if not np.isnan(sle_days) else False
    cols = ["id", "title", "project", "status", "assignee", "work_start", "age_days", "over_sle"]
    return wip[cols].sort_values("age_days", ascending=False).reset_index(drop=True)


def daily_counts(starts: pd.Series, ends: pd.Series, days: pd.DatetimeIndex) -> pd.Series:
    """How many [start, end) intervals cover the end of each day (end NaT = still open).

    Counted with +1/-1 events and a cumulative sum, so it stays fast on 100,000 items.
    """
    starts = starts.dropna().dt.normalize()
    ends = ends.loc[starts.index].dt.normalize()
    plus = starts.value_counts()
    minus = ends.dropna().value_counts()
    events = plus.sub(minus, fill_value=0).sort_index()
    running = events.cumsum()
    return running.reindex(running.index.union(days)).ffill().reindex(days).fillna(0).astype(int)


def daily_wip(staged: pd.DataFrame, days: pd.DatetimeIndex) -> pd.Series:
    """Items in progress at the end of each day (started, not yet done)."""
    return daily_counts(staged["work_start"], staged["done_at"], days)


def burn_up(staged: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Cumulative scope (items created) and cumulative done items at the end of each day."""

    def cumulative(values: pd.Series) -> pd.Series:
        counts = values.dropna().dt.normalize().value_counts().sort_index().cumsum()
        return counts.reindex(counts.index.union(days)).ffill().reindex(days).fillna(0).astype(int)

    return pd.DataFrame({"scope": cumulative(staged["created"]), "done": cumulative(staged["done_at"])}, index=days)


def cumulative_flow(
    staged: pd.DataFrame, transitions: pd.DataFrame, days: pd.DatetimeIndex, mapping: dict[str, str] | None = None
) -> pd.DataFrame:
    """Items in each category at the end of each day, from the status history.

    Each move is +1 for its target category and -1 for its source; an item's first source
    category counts from its created date. Items without history are left out. ``mapping``
    (status in lower case -> stage, :func:`status_categories`) names each status's stage; by
    default it is read off the staged items.
    """
    if transitions.empty:
        return pd.DataFrame(index=days)
    cat = staged.set_index("id")["category"]
    if mapping is None:
        mapping = dict(zip(staged["status"].str.strip().str.lower(), staged["category"]))
    moves = transitions.loc[transitions["id"].isin(cat.index)].copy()
    lower = lambda s: (
        s.str.strip().str.lower().map(lambda v: mapping.get(v, category_from_name(v)) if isinstance(v, str) else None)
    )
    moves["to_cat"], moves["from_cat"] = lower(moves["to_status"]), lower(moves["from_status"])
    moves["day"] = moves["at"].dt.normalize()
    first = moves.groupby("id").head(1)
    created = staged.set_index("id")["created"].dt.normalize()
    events = [
        pd.DataFrame({"day": first["id"].map(created), "cat": first["from_cat"], "n": 1}),
        pd.DataFrame({"day": moves["day"], "cat": moves["from_cat"], "n": -1}),
        pd.DataFrame({"day": moves["day"], "cat": moves["to_cat"], "n": 1}),
    ]
    events = pd.concat(events).dropna()
    table = events.pivot_table(index="day", columns="cat", values="n", aggfunc="sum").fillna(0).sort_index().cumsum()
    table = table.reindex(table.index.union(days)).ffill().reindex(days).fillna(0).astype(int)
    return table.reindex(columns=[c for c in ("done", "in progress", "to do") if c in table.columns])


# ----------------------------------------------------------------------------- process behaviour
def xmr_limits(values: pd.Series) -> dict[str, float]:
    """XmR (individuals and moving range) natural process limits (Wheeler).

    centre = mean(X); mR-bar = mean |X_i - X_{i-1}|; limits = centre +/- 2.66 mR-bar (the lower
    one floored at 0 for counts); the moving-range upper limit is 3.268 mR-bar.

    Examples
    --------
    >>> xmr_limits(pd.Series([4, 6, 4, 6]))   # mean 5, mR-bar 2: 5 +/- 5.32
    {'centre': 5.0, 'mr_bar': 2.0, 'upper': 10.32, 'lower': 0.0, 'mr_upper': 6.536}
    """
    x = pd.Series(values, dtype=float)
    mr_bar = float(x.diff().abs().mean()) if len(x) > 1 else 0.0
    centre = float(x.mean())
    return {
        "centre": round(centre, 6),
        "mr_bar": round(mr_bar, 6),
        "upper": round(centre + 2.66 * mr_bar, 6),
        "lower": round(max(0.0, centre - 2.66 * mr_bar), 6),
        "mr_upper": round(3.268 * mr_bar, 6),
    }


def xmr_signals(values: pd.Series, limits: dict[str, float]) -> pd.Series:
    """True for points outside the natural process limits."""
    x = pd.Series(values, dtype=float)
    return (x > limits["upper"]) | (x < limits["lower"])


# ----------------------------------------------------------------------------- due dates
def overdue_items(staged: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Open items whose due date has passed, and done items finished after their due date.

    Returns
    -------
    DataFrame
        id, title, project, status, due, done_at, days_late, state (``overdue`` / ``done late``),
        most late first.
    """
    day = pd.Timestamp(as_of).normalize()
    has_due = staged["due"].notna()
    open_late = has_due & staged["done_at"].isna() & (staged["due"].dt.normalize() < day)
    done_late = has_due & staged["done_at"].notna() & (staged["done_at"].dt.normalize() > staged["due"].dt.normalize())
    late = staged.loc[open_late | done_late].copy()
    reference = late["done_at"].dt.normalize().fillna(day)
    late["days_late"] = (reference - late["due"].dt.normalize()).dt.days
    late["state"] = np.where(late["done_at"].isna(), "overdue", "done late")
    cols = ["id", "title", "project", "status", "due", "done_at", "days_late", "state"]
    return late[cols].sort_values("days_late", ascending=False).reset_index(drop=True)


def milestone_slippage(items: pd.DataFrame, as_of: pd.Timestamp, milestone_types=("Epic",)) -> pd.DataFrame:
    """Milestones (items of ``milestone_types`` with a due date) and how late each one is.

    Epics carry the milestone dates in Jira exports but are left out of the flow metrics, so they
    are read here from the full item table, by their own ``resolved`` date (they have no stages).

    Parameters
    ----------
    items : DataFrame
        Canonical work items (``id``, ``title``, ``project``, ``type``, ``status``, ``due``, ``resolved``).
    as_of : Timestamp
        Report date; an open milestone past its due date is late by ``as_of - due``.
    milestone_types : sequence of str
        Item types that are milestones (the report passes ``exclude_types``).

    Returns
    -------
    DataFrame
        id, title, project, status, due, resolved, state (``done`` / ``open``), days_late: resolved -
        due for done milestones (negative = early), as_of - due for open ones past due, else NA
        (not late yet); ordered by due date.
    """
    day = pd.Timestamp(as_of).normalize()
    mask = items["type"].isin(list(milestone_types or [])).fillna(False).astype(bool) & items["due"].notna()
    ms = items.loc[mask, ["id", "title", "project", "status", "due", "resolved"]].copy()
    due = ms["due"].dt.normalize()
    # a milestone resolved after the report date was still open on that date
    done = ms["resolved"].notna() & (ms["resolved"].dt.normalize() <= day)
    ms["state"] = np.where(done, "done", "open")
    late_open = ~done & (due < day)
    days = pd.Series(pd.NA, index=ms.index, dtype="Int64")
    days[done] = (ms.loc[done, "resolved"].dt.normalize() - due[done]).dt.days
    days[late_open] = (day - due[late_open]).dt.days
    ms["days_late"] = days
    return ms.sort_values(["due", "id"]).reset_index(drop=True)
