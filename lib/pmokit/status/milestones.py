"""Milestones: baseline vs forecast vs actual, and which slipped."""

from __future__ import annotations

import pandas as pd

#: Columns of the milestone table in the report.
MILESTONE_VIEW = ["milestone", "workstream", "baseline", "forecast", "actual", "slip_days", "state"]
#: Columns of the table of milestones that moved since last week.
MOVE_COLUMNS = ["milestone", "workstream", "previous", "current", "moved_days"]


def slips(milestones: pd.DataFrame, period_end: pd.Timestamp, tolerance_days: int = 0) -> pd.DataFrame:
    """Add the expected date, the slip in days and a state to each milestone.

    Parameters
    ----------
    milestones : DataFrame
        Canonical milestones (``baseline``, ``forecast``, ``actual`` datetimes).
    period_end : Timestamp
        The status date: a milestone not done whose expected date is before it is ``overdue``.
    tolerance_days : int
        A slip of at most this many days is not counted as slipped.

    Returns
    -------
    DataFrame
        Adds ``expected`` (actual, else forecast, else baseline), ``slip_days`` (expected - baseline),
        ``slipped`` (slip_days > tolerance), ``overdue`` (not done and expected < period_end) and
        ``state``: done / slipped / overdue / on track.

    Examples
    --------
    >>> m = pd.DataFrame({"baseline": pd.to_datetime(["2026-11-02", "2026-11-02"]),
    ...                   "forecast": pd.to_datetime(["2026-11-09", None]), "actual": pd.NaT})
    >>> slips(m, pd.Timestamp("2026-11-20"))[["slip_days", "state"]].values.tolist()
    [[7, 'overdue'], [0, 'overdue']]
    """
    out = milestones.copy()
    out["expected"] = out["actual"].fillna(out["forecast"]).fillna(out["baseline"])
    out["slip_days"] = (out["expected"] - out["baseline"]).dt.days.astype(int)
    out["slipped"] = out["slip_days"] > tolerance_days
    done = out["actual"].notna()
    out["overdue"] = ~done & (out["expected"] < pd.Timestamp(period_end))
    out["state"] = "on track"
    out.loc[out["slipped"], "state"] = "slipped"
    out.loc[out["overdue"], "state"] = "overdue"
    out.loc[done, "state"] = "done"
    out.loc[done & out["slipped"], "state"] = "done late"
    return out


def slipped_count(table: pd.DataFrame) -> int:
    """Milestones whose expected (or actual) date is later than baseline beyond the tolerance."""
    return int(table["slipped"].sum())
