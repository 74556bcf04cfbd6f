"""Progress against a baseline, earned-schedule SPI, the replan input and a Monte Carlo forecast.

Devices are assumed to be delivered evenly over a site's working days: the S-curves spread each
site's devices over the working days between its start and end in its country's calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmokit.rollout.calendar import WorkCalendar
from pmokit.rollout.plan import serial_schedule

STATUS_DONE, STATUS_ACTIVE, STATUS_WAITING = "done", "in progress", "not started"


def spread_devices(
    frame: pd.DataFrame,
    calendar: WorkCalendar,
    start: str = "start_date",
    end: str = "end_date",
    devices: str = "devices",
    until: dt.date | None = None,
) -> pd.Series:
    """Devices delivered per calendar day, each site's devices spread evenly over its working days.

    Parameters
    ----------
    frame : DataFrame
        One row per site with ``country``, the ``devices`` column and the two date columns.
    until : date, optional
        Cut the curve after this day (actuals of sites still in progress).

    Returns
    -------
    Series indexed by date (every day of the calendar), devices per day.
    """
    per_day = np.zeros(calendar.horizon)
    for row in frame.itertuples(index=False):
        lo, hi = calendar.offset(getattr(row, start)), calendar.offset(getattr(row, end))
        lo, hi = max(lo, 0), min(hi, calendar.horizon - 1)
        work = np.flatnonzero(calendar.working(row.country)[lo : hi + 1]) + lo
        if not len(work):
            work = np.array([hi])
        per_day[work] += getattr(row, devices) / len(work)
    series = pd.Series(per_day, index=pd.to_datetime(calendar.dates(range(calendar.horizon))))
    if until is not None:
        series = series[series.index <= pd.Timestamp(until)]
    return series


def site_progress(
    sites: pd.DataFrame, actuals: pd.DataFrame, reference: pd.DataFrame, status_date: dt.date, calendar: WorkCalendar
) -> pd.DataFrame:
    """One row per site: status, reference (baseline) dates, actual dates, slip and devices earned.

    ``devices_earned`` is the devices of a finished site; for a site in progress the devices
    reported done, else its share of elapsed working days (at most 95 %).
    A site is *late-ready* when its current ready date is after its reference start.
    """
    status = pd.Timestamp(status_date)
    out = sites[["site_id", "site_name", "region", "country", "devices", "ready_date"]].merge(
        reference[["site_id", "start_date", "end_date", "working_days"]], on="site_id", how="left"
    )
    out = out.merge(actuals, on="site_id", how="left")
    finished = out["actual_end"].notna() & (out["actual_end"] <= status)
    started = out["actual_start"].notna() & (out["actual_start"] <= status)
    out["status"] = np.where(finished, STATUS_DONE, np.where(started, STATUS_ACTIVE, STATUS_WAITING))
    worked = [
        calendar.count_working(c, calendar.offset(s), calendar.offset(status_date)) if pd.notna(s) else 0
        for c, s in zip(out["country"], out["actual_start"])
    ]
    out["worked_days"] = worked
    share = np.minimum(np.asarray(worked, float) / out["working_days"].fillna(1).clip(lower=1).to_numpy(), 0.95)
    reported = out["devices_done"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    active_done = np.where(np.isnan(reported), out["devices"] * share, reported)
    out["devices_earned"] = np.where(finished, out["devices"], np.where(started, active_done, 0.0))
    out["start_slip_days"] = [
        (a - b).days
        if pd.notna(a) and pd.notna(b)
        else ((status - b).days if pd.notna(b) and b < status and not s else np.nan)
        for a, b, s in zip(out["actual_start"], out["start_date"], started)
    ]
    out["finish_slip_days"] = [
        (a - b).days if pd.notna(a) and pd.notna(b) else np.nan
        for a, b in zip(out["actual_end"].where(finished), out["end_date"])
    ]
    out["late_ready"] = out["ready_date"].notna() & out["start_date"].notna() & (out["ready_date"] > out["start_date"])
    return out


def earned_schedule(planned: pd.Series, earned_devices: float, plan_start: dt.date, status_date: dt.date) -> dict:
    """Earned-schedule SPI: the time at which the plan expected today's earned devices, over the time spent.

    Parameters
    ----------
    planned : Series
        Planned devices per day (from :func:`spread_devices` on the baseline).
    earned_devices : float
        Devices earned by the status date.

    Returns
    -------
    dict with ``earned_schedule_date``, ``es_days``, ``at_days`` and ``spi`` (ES / AT).

    Examples
    --------
    Plan 10 devices a day from day 0; 25 devices earned at the end of day 4 (5 days spent):
    the plan reached 25 devices halfway through day 2, so ES = 2.5 days and SPI = 0.5.

    >>> p = pd.Series(10.0, index=pd.date_range("2026-01-05", periods=10))
    >>> round(earned_schedule(p, 25, dt.date(2026, 1, 5), dt.date(2026, 1, 9))["spi"], 2)
    0.5
    """
    curve = planned[planned.index >= pd.Timestamp(plan_start)].cumsum()
    days = np.arange(1, len(curve) + 1, dtype=float)  # end of each day, in days since the plan start
    values = np.concatenate(([0.0], curve.to_numpy()))
    es = float(np.interp(earned_devices, values, np.concatenate(([0.0], days))))
    at = float((pd.Timestamp(status_date) - pd.Timestamp(plan_start)).days + 1)
    return {
        "earned_schedule_date": (pd.Timestamp(plan_start) + pd.Timedelta(days=es - 1)).normalize(),
        "es_days": es,
        "at_days": at,
        "spi": es / at if at > 0 else float("nan"),
    }


def remaining_sites(sites: pd.DataFrame, progress: pd.DataFrame, duration: pd.Series) -> pd.DataFrame:
    """The sites still to plan: not started (full duration) and in progress (remaining working days).

    Dependencies on finished sites are dropped; a site in progress keeps at least one day.
    ``duration`` maps site_id -> planned working days.
    """
    state = progress.set_index("site_id")
    keep = state.index[state["status"] != STATUS_DONE]
    out = sites[sites["site_id"].isin(keep)].copy()
    worked = state.loc[out["site_id"], "worked_days"].to_numpy()
    active = (state.loc[out["site_id"], "status"] == STATUS_ACTIVE).to_numpy()
    planned = duration.loc[out["site_id"]].to_numpy()
    out["duration"] = np.where(active, np.maximum(planned - worked, 1), planned)
    out["in_progress"] = active
    # a site in progress is ready now, whatever its ready date said
    out.loc[active, "ready_date"] = pd.NaT
    remaining = set(out["site_id"])
    out["depends_on"] = [[d for d in deps if d in remaining] for deps in out["depends_on"]]
    return out.reset_index(drop=True)


def completed_devices(progress: pd.DataFrame) -> pd.Series:
    """Devices of the sites finished on each day (by actual end), for the forecast's fan chart."""
    done = progress[progress["status"] == STATUS_DONE]
    return done.groupby("actual_end")["devices"].sum().astype(float).sort_index()


def duration_ratios(progress: pd.DataFrame, calendar: WorkCalendar, planned: pd.Series | None = None) -> np.ndarray:
    """Actual / planned working days of the finished sites (the forecast resamples these).

    ``planned`` (site_id -> working days) should be the durations the replan uses, so that a
    ratio of 1 means "as fast as the replan assumes"; by default the reference's working days.
    """
    done = progress[progress["status"] == STATUS_DONE]
    actual = [
        calendar.count_working(c, calendar.offset(s), calendar.offset(e))
        for c, s, e in zip(done["country"], done["actual_start"], done["actual_end"])
    ]
    planned = (done["working_days"] if planned is None else planned.loc[done["site_id"]]).to_numpy(dtype=float)
    ratios = np.asarray(actual, float) / planned
    return ratios[np.isfinite(ratios) & (ratios > 0)]


@dataclass
class Forecast:
    """Monte Carlo finish dates and the fan of completed devices."""

    finishes: pd.Series  # one finish date per run
    fan: pd.DataFrame  # date x percentile (5, 15, 50, 85, 95) of devices at completed sites
    percentiles: dict[str, dt.date]
    ratios_used: int


def monte_carlo(
    tasks: pd.DataFrame,
    calendar: WorkCalendar,
    caps,
    order: list[int],
    ratios: np.ndarray,
    devices: np.ndarray,
    done_devices: float,
    runs: int,
    seed: int,
    soak: int,
) -> Forecast:
    """Resample site durations from observed actual/planned ratios and re-schedule each run.

    Each run multiplies every remaining site's working days by a ratio drawn (with replacement)
    from ``ratios``, then places the sites in the replan's order with the same capacity, calendars
    and dependencies (a serial schedule). Seeded, so the same inputs give the same forecast.
    """
    rng = np.random.default_rng(seed)
    ratios = ratios if len(ratios) else np.array([1.0])
    base = tasks["duration"].to_numpy(dtype=float)
    finishes, completions = [], np.zeros((runs, calendar.horizon))
    for run in range(runs):
        drawn = rng.choice(ratios, size=len(base), replace=True)
        durations = np.maximum(np.round(base * drawn), 1).astype(int)  # round: ceil would bias every site late
        placed = serial_schedule(tasks, calendar, caps, order, soak, durations=durations)
        if placed is None:
            raise RuntimeError("forecast horizon too short: increase the calendar horizon")
        end = placed[1]
        finishes.append(int(end.max()))
        np.add.at(completions[run], end, devices)
    cumulative = done_devices + completions.cumsum(axis=1)
    last = int(max(finishes)) + 1
    dates = pd.to_datetime(calendar.dates(range(last)))
    fan = pd.DataFrame({q: np.percentile(cumulative[:, :last], q, axis=0) for q in (5, 15, 50, 85, 95)}, index=dates)
    finish_dates = pd.Series(pd.to_datetime(calendar.dates(finishes)))
    percentiles = {f"p{q}": calendar.date(int(np.percentile(finishes, q, method="higher"))) for q in (50, 85, 95)}
    return Forecast(finish_dates, fan, percentiles, len(ratios))
