"""The rollout_plan workbook's one assessment: plan, progress, forecast, colours, verdict and notes.

:func:`assess` takes the canonical frames the readers returned and the parameters, computes every
figure once and returns a :class:`RolloutResult` whose attributes the notebook's sections show.
:func:`bands` holds every threshold the workbook colours with (the tiles, the verdict and the
status deck all read the colours produced here). Pure: no file read, no display.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pmokit import fmt
from pmokit.assessment import Assessment, Tile
from pmokit.bands import Band, Rating, done, grey, worst
from pmokit.rollout import plan as rp
from pmokit.rollout import progress as rg
from pmokit.rollout import workbook as wb

#: Metrics of the progress section; None (JSON null, shown "—") when not measured.
TRACKING_METRICS = (
    "percent_complete",
    "devices_done",
    "spi",
    "earned_schedule_date",
    "status_date",
    "reference_finish",
    "sites_done",
    "sites_in_progress",
    "sites_slipped",
    "late_ready_sites",
    "replanned_finish",
    "replan_solver_status",
    "forecast_p50_finish",
    "forecast_p85_finish",
    "forecast_p95_finish",
    "duration_ratio_mean",
    "duration_ratio_samples",
    "forecast_days_late",
)

#: The figures the verdict takes its colour from when actuals are given.
TRACKED = ("spi", "forecast_days_late")


def bands(p) -> dict[str, Band]:
    """Thresholds of every figure the rollout report colours (tiles, verdict and status deck).

    Examples
    --------
    >>> b = bands(None)
    >>> [b["spi"].rate(v).rag for v in (0.95, 0.94, 0.85, 0.84)]
    ['green', 'amber', 'amber', 'red']
    >>> [b["forecast_days_late"].rate(v).rag for v in (0, 1, 14, 15)]
    ['green', 'amber', 'amber', 'red']
    """
    return {
        "spi": Band("spi", "SPI (earned schedule)", "higher_is_better", amber=0.95, red=0.85, fmt="{:.2f}"),
        "forecast_days_late": Band(
            "forecast_days_late",
            "P85 forecast finish after the reference finish",
            "lower_is_better",
            amber=0,
            red=14,
            fmt="{:.0f} day(s)",
        ),
        "percent_complete": Band(
            "percent_complete", "Percent complete", "higher_is_better", amber=25, red=10, fmt="{:.0f}%"
        ),
        "late_sites": Band(
            "late_sites", "Sites finishing after their target date", "lower_is_better", amber=0, red=20, fmt="{:.0f}"
        ),
    }


@dataclass
class RolloutResult(Assessment):
    """What the rollout report shows: the plan, its tables and figures-data, progress and forecast."""

    settings: rp.Settings | None = None
    start: dt.date | None = None
    pilot_ids: list[str] = field(default_factory=list)
    plan_result: rp.PlanResult | None = None
    plan: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None  # one row per wave
    coverage: pd.DataFrame | None = None  # site types and models, and the pilot site covering each
    gantt_rows: pd.DataFrame | None = None
    gantt_per: str = "site"
    freezes: str = "none"
    utilisation: pd.DataFrame | None = None  # region x week
    curves: dict[str, pd.Series] = field(default_factory=dict)
    total_devices: float = 0.0
    status_date: dt.date | None = None
    tracking: wb.Tracking | None = None
    reference_name: str = "plan"
    slipped: pd.DataFrame | None = None
    completed: pd.Series | None = None  # devices of the sites finished each day (forecast fan)
    moves: pd.DataFrame | None = None  # plan vs baseline per site
    baseline_finish: dt.date | None = None
    plan_csv: pd.DataFrame | None = None
    replan_csv: pd.DataFrame | None = None
    excel: dict[str, pd.DataFrame] = field(default_factory=dict)


def _rate_tracking(metrics: dict[str, Any], b: dict[str, Band], tracked: bool, all_done: bool) -> dict[str, Rating]:
    """Ratings of the progress figures: grey without actuals, done when every site is finished."""
    names = ("percent_complete", *TRACKED)
    if not tracked:
        return {n: grey(f"{b[n].label}: no actuals given, progress is not measured") for n in names}
    if all_done:
        return {n: done(f"{b[n].label}: every site is finished") for n in names}
    return {n: b[n].rate(metrics[n]) for n in names}


def _verdict_rating(ratings: dict[str, Rating], tracked: bool) -> Rating:
    """The worse of SPI and the P85 forecast with actuals; else the late-sites colour."""
    chosen = [ratings[n] for n in TRACKED] if tracked else [ratings["late_sites"]]
    state = worst(chosen)
    reasons = [r.reason for r in chosen if r.rag == state] or [r.reason for r in chosen]
    return Rating(state, "; ".join(reasons))


def _verdict_text(metrics: dict[str, Any], tracking: wb.Tracking | None, targets_given: bool, all_done: bool) -> str:
    text = (
        f"{fmt.count(metrics['sites'], 'site')} and {fmt.count(metrics['devices'], 'device')} planned from {metrics['planned_start']} "
        f"to {metrics['planned_finish']} ({metrics['solver_status']}, {fmt.count(metrics['gap_days'], 'day')} above the lower bound)"
    )
    if tracking is None:
        late = metrics["late_sites"]
        return text + (
            f"; {fmt.count(late, 'site')} {'finishes after its' if late == 1 else 'finish after their'} target date."
            if late and targets_given
            else "."
        )
    if all_done:
        return (
            text + f"; at {metrics['status_date']} every site is finished (last on {metrics['forecast_p85_finish']})."
        )
    late_days = metrics["forecast_days_late"]
    when = f"{fmt.count(late_days, 'day')} after" if late_days > 0 else "on or before"
    return text + (
        f"; at {metrics['status_date']} {fmt.pct(metrics['percent_complete'], 0)} done, SPI {fmt.number(metrics['spi'], 2)}, "
        f"P85 finish {metrics['forecast_p85_finish']}, {when} the {tracking.reference_name}'s "
        f"{metrics['reference_finish']}."
    )


def assess(
    sites: pd.DataFrame,
    capacity_file: pd.DataFrame | None,
    baseline: pd.DataFrame | None,
    actuals: pd.DataFrame | None,
    p,
    today: dt.date | None = None,
) -> RolloutResult:
    """Plan the rollout, measure progress, forecast the finish and rate every figure.

    Parameters
    ----------
    sites, capacity_file, baseline, actuals : DataFrame or None
        As :mod:`pmokit.sources.sites` reads them (``None``: not given).
    p : RolloutPlanParams
    today : date, optional
        The start date when neither ``p.start_date`` nor a baseline gives one (default: today).

    Raises
    ------
    InfeasiblePlan
        When no plan is possible, with every reason found.
    """
    b = bands(p)
    capacity = rp.technicians_table(capacity_file, p.technicians)
    start = wb.resolve_start(p.start_date, baseline, today)
    settings = rp.Settings.from_params(p, start)
    pilot_ids = wb.pilot_sites(sites, p.pilot, p.random_seed, start)
    planned = rp.plan_rollout(sites, capacity, settings, pilot_ids)
    plan = planned.plan
    metrics: dict[str, Any] = wb.plan_metrics(planned, sites, pilot_ids)
    util = rp.utilisation(plan, planned)
    mean_util = util.stack().mean() if util.size else float("nan")
    metrics["utilisation_mean_pct"] = round(100 * float(mean_util), 1) if pd.notna(mean_util) else None

    status_date = wb.resolve_status_date(p.status_date, actuals)
    tracking = None
    if actuals is not None and status_date:
        tracking = wb.track(
            sites,
            planned,
            baseline,
            actuals,
            status_date,
            capacity,
            settings,
            pilot_ids,
            p.forecast_runs,
            p.random_seed,
        )
    metrics.update(dict.fromkeys(TRACKING_METRICS))
    all_done = False
    if tracking is not None:
        metrics.update(tracking.metrics)
        all_done = metrics["sites_done"] == metrics["sites"]
        late = dt.date.fromisoformat(metrics["forecast_p85_finish"]) - dt.date.fromisoformat(
            metrics["reference_finish"]
        )
        metrics["forecast_days_late"] = late.days

    moves = None
    metrics["sites_moved_later"] = metrics["sites_moved_earlier"] = None
    if baseline is not None:
        moves = wb.variance(plan, baseline)
        metrics["sites_moved_later"] = int((moves["finish_shift_days"] > 0).sum())
        metrics["sites_moved_earlier"] = int((moves["finish_shift_days"] < 0).sum())

    ratings = {"late_sites": b["late_sites"].rate(metrics["late_sites"])}
    ratings.update(_rate_tracking(metrics, b, tracking is not None, all_done))
    rating = done("every site is finished") if all_done else _verdict_rating(ratings, tracking is not None)
    targets_given = bool(sites["target_date"].notna().any()) if "target_date" in sites.columns else False
    verdict = _verdict_text(metrics, tracking, targets_given, all_done)

    reference = tracking.reference_name if tracking is not None else "plan"
    tiles = [
        Tile("Planned finish", metrics["planned_finish"], note=f"lower bound {metrics['lower_bound_finish']}"),
        Tile("Solver", metrics["solver_status"], note=f"gap {fmt.count(metrics['gap_days'], 'day')}"),
        Tile("Sites / devices", f"{metrics['sites']} / {metrics['devices']:,}"),
        Tile("Waves", str(metrics["waves"]), note=f"after a pilot of {metrics['pilot_sites']} sites"),
        Tile(
            "Late sites", str(metrics["late_sites"]), rag=ratings["late_sites"], note="finish after their target date"
        ),
        Tile(
            "Complete",
            fmt.pct(metrics["percent_complete"], 0) if metrics["percent_complete"] is not None else None,
            rag=ratings["percent_complete"],
        ),
        Tile("SPI", f"{metrics['spi']:.2f}" if metrics["spi"] is not None else None, rag=ratings["spi"]),
        Tile(
            "Forecast P85",
            metrics["forecast_p85_finish"],
            rag=ratings["forecast_days_late"],
            note=(
                f"P50 {metrics['forecast_p50_finish']}; {reference} {metrics['reference_finish']}"
                if tracking is not None and not all_done
                else ""
            ),
        ),
    ]

    notes = {
        "Colours": (
            "Without actuals the verdict takes the colour of the late sites; with actuals, the worse of the "
            "SPI and the P85 forecast finish against the reference finish (the baseline, else the plan). "
            "Percent complete, SPI and the forecast show NO DATA without actuals, and DONE (as the verdict) "
            "once every site is finished."
        ),
        **wb.method_notes(settings, p.pilot),
    }

    summary = rp.wave_summary(plan)
    replan_csv = None
    if tracking is not None and tracking.replan is not None:
        replan_csv = wb.plan_csv(tracking.replan.plan)
    per = "site" if len(plan) <= p.gantt_max_sites else "region and wave"
    freezes = "; ".join(f"{x.reason or 'freeze'} {x.start:%d %b %Y} to {x.end:%d %b %Y}" for x in p.blackouts)
    result = RolloutResult(
        metrics=metrics,
        verdict=verdict,
        rating=rating,
        ratings=ratings,
        bands=b,
        tiles=tiles,
        notes=notes,
        settings=settings,
        start=start,
        pilot_ids=pilot_ids,
        plan_result=planned,
        plan=plan,
        summary=summary,
        coverage=rp.pilot_coverage(sites, pilot_ids),
        gantt_rows=wb.gantt_rows(plan, baseline, max_sites=p.gantt_max_sites),
        gantt_per=per,
        freezes=freezes or "none",
        utilisation=util,
        curves=tracking.curves if tracking is not None else {"plan": wb.spread_plan(plan, planned)},
        total_devices=float(sites["devices"].sum()),
        status_date=status_date if tracking is not None else None,
        tracking=tracking,
        reference_name=reference,
        slipped=wb.slipped_sites(tracking.progress) if tracking is not None else None,
        completed=rg.completed_devices(tracking.progress) if tracking is not None else None,
        moves=moves,
        baseline_finish=baseline["end_date"].max().date() if baseline is not None and len(baseline) else None,
        plan_csv=wb.plan_csv(plan),
        replan_csv=replan_csv,
        excel=wb.excel_sheets(plan, summary, sites, replan_csv),
    )
    result.notes = {**result.threshold_notes(), **notes}
    return result
