"""The rollout analyses that :func:`pmokit.rollout.assess.assess` ties together: no file I/O, no display."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmokit.rollout import plan as rp
from pmokit.rollout import progress as rg
from pmokit.rollout.calendar import WorkCalendar

PLAN_COLUMNS = ["site_id", "wave", "start_date", "end_date", "working_days", "crew"]


def resolve_start(start_date: dt.date | None, baseline: pd.DataFrame | None, today: dt.date | None = None) -> dt.date:
    """The rollout's first day: the parameter, else the baseline's first start, else today."""
    if start_date is not None:
        return start_date
    if baseline is not None and len(baseline):
        return baseline["start_date"].min().date()
    return today or dt.date.today()


def resolve_status_date(status_date: dt.date | None, actuals: pd.DataFrame | None) -> dt.date | None:
    """The status date: the parameter, else the latest date in the actuals (None without actuals)."""
    if status_date is not None or actuals is None or actuals.empty:
        return status_date
    latest = pd.concat([actuals["actual_start"], actuals["actual_end"]]).max()
    return latest.date()


def pilot_sites(sites: pd.DataFrame, mode, seed: int, start: dt.date | None = None) -> list[str]:
    """The pilot wave: chosen by set cover (``"cover"``), none (``"none"``), or the listed ids."""
    if mode == "none":
        return []
    if mode == "cover":
        return rp.choose_pilot(sites, seed=seed, ready_by=start)
    return [str(s) for s in mode]


def what_if(
    sites: pd.DataFrame,
    capacity_file: pd.DataFrame | None,
    technicians: dict[str, int],
    params,
    start: dt.date,
    pilot: list[str],
    effort: float = 0.3,
) -> tuple[rp.PlanResult, pd.DataFrame]:
    """Re-plan with other technicians per region and another start date (the Explore widget).

    Returns the plan and its wave summary (:func:`pmokit.rollout.plan.wave_summary`); raises
    :class:`pmokit.rollout.feasibility.InfeasiblePlan` like the main plan. The solver gets at most
    ``effort`` deterministic time units so that the widget answers quickly.
    """
    settings = rp.Settings.from_params(params, start)
    settings.solver_effort = min(params.solver_effort, effort)
    trial = rp.plan_rollout(sites, rp.technicians_table(capacity_file, technicians), settings, pilot)
    return trial, rp.wave_summary(trial.plan)


def plan_csv(plan: pd.DataFrame) -> pd.DataFrame:
    """The ``plan.csv`` contract: exactly ``site_id, wave, start_date, end_date, working_days, crew``."""
    out = plan[PLAN_COLUMNS].copy()
    for col in ("start_date", "end_date"):
        out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out


def spread_plan(plan: pd.DataFrame, result: rp.PlanResult) -> pd.Series:
    """Planned devices per day of a plan (its S-curve before cumulation)."""
    return rg.spread_devices(plan, result.calendar)


def gantt_rows(plan: pd.DataFrame, baseline: pd.DataFrame | None = None, max_sites: int = 60) -> pd.DataFrame:
    """Bars of the Gantt: one per site up to ``max_sites`` sites, else one per region and wave, or per
    region and month of start when that still gives more than ``2 * max_sites`` bars.

    Returns ``label, region, start, end`` and, with a baseline, ``base_start, base_end`` (the same
    sites' baseline dates).
    """
    if len(plan) <= max_sites:
        rows = plan.sort_values(["start_date", "site_id"]).assign(
            # a '$' in a name would switch matplotlib to maths mode: show it literally
            label=lambda f: (f["site_id"] + " " + f["site_name"].astype(str).str.slice(0, 28)).str.replace(
                "$", r"\$", regex=False
            )
        )
        rows = rows.rename(columns={"start_date": "start", "end_date": "end"})[
            ["site_id", "label", "region", "start", "end"]
        ]
        if baseline is not None:
            base = baseline.rename(columns={"start_date": "base_start", "end_date": "base_end"})
            rows = rows.merge(base[["site_id", "base_start", "base_end"]], on="site_id", how="left")
        return rows.drop(columns="site_id")
    groups = plan[["site_id", "region"]].copy()
    groups["group"] = ["pilot" if w == 0 else f"wave {w}" for w in plan["wave"]]
    if plan.groupby(["region", "wave"]).ngroups > 2 * max_sites:
        groups["group"] = plan["start_date"].dt.strftime("%Y-%m")
    keyed = plan.assign(group=groups["group"].to_numpy())
    rows = (
        keyed.groupby(["region", "group"])
        .agg(start=("start_date", "min"), end=("end_date", "max"), sites=("site_id", "size"))
        .reset_index()
    )
    rows["label"] = [f"{r} · {g} ({n} sites)" for r, g, n in zip(rows["region"], rows["group"], rows["sites"])]
    if baseline is not None:
        base = baseline.merge(groups, on="site_id", how="inner")
        spans = (
            base.groupby(["region", "group"])
            .agg(base_start=("start_date", "min"), base_end=("end_date", "max"))
            .reset_index()
        )
        rows = rows.merge(spans, on=["region", "group"], how="left")
    rows = rows.sort_values(["region", "start"]).reset_index(drop=True)
    return rows.drop(columns=["group", "sites"])


def plan_metrics(result: rp.PlanResult, sites: pd.DataFrame, pilot: list[str]) -> dict:
    """The plan's metrics (recorded in metrics.json)."""
    plan = result.plan
    in_pilot = plan["site_id"].isin(pilot)
    return {
        "sites": int(len(plan)),
        "devices": int(sites["devices"].sum()),
        "regions": int(sites["region"].nunique()),
        "countries": int(sites["country"].nunique()),
        "planned_start": plan["start_date"].min().date().isoformat(),
        "planned_finish": result.finish.isoformat(),
        "waves": int(plan.loc[~in_pilot, "wave"].nunique()),
        "solver_status": result.status,
        "solver_bound_finish": result.solver_bound_finish.isoformat(),
        "lower_bound_finish": max(result.lower_bound_finish, result.solver_bound_finish).isoformat(),
        "gap_days": int(result.gap_days),
        "solve_seconds": round(float(result.solve_seconds), 2),
        "pilot_sites": int(in_pilot.sum()),
        "pilot_devices": int(plan.loc[in_pilot, "devices"].sum()),
        "late_sites": int(result.late_sites),
        "lateness_days": int(result.lateness_days),
        "working_days_total": int(plan["working_days"].sum()),
    }


def excel_sheets(
    plan: pd.DataFrame, summary: pd.DataFrame, sites: pd.DataFrame, replan: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Sheets of ``plan.xlsx`` for field teams: a summary, then one sheet per wave (and the replan)."""
    detail = plan.merge(sites[["site_id", "hardware_models", "depends_on"]], on="site_id", how="left")
    detail = detail[
        [
            "wave",
            "site_id",
            "site_name",
            "region",
            "country",
            "site_type",
            "devices",
            "start_date",
            "end_date",
            "working_days",
            "crew",
            "ready_date",
            "target_date",
            "late_days",
            "hardware_models",
            "depends_on",
        ]
    ].sort_values(["start_date", "site_id"])
    for col in ("start_date", "end_date", "ready_date", "target_date"):
        detail[col] = detail[col].dt.date
    sheets = {"Summary": summary.assign(start=summary["start"].dt.date, finish=summary["finish"].dt.date)}
    for wave, group in detail.groupby("wave"):
        sheets["Pilot" if wave == 0 else f"Wave {wave}"] = group.drop(columns="wave")
    if replan is not None:
        sheets["Replan"] = replan
    return sheets


# ----------------------------------------------------------------------------- tracking
@dataclass
class Tracking:
    """Progress at the status date, the replan of the remaining sites and the forecast."""

    status_date: dt.date
    progress: pd.DataFrame
    curves: dict[str, pd.Series]
    replan: rp.PlanResult | None
    forecast: rg.Forecast | None
    metrics: dict
    reference_name: str


def track(
    sites: pd.DataFrame,
    plan_result: rp.PlanResult,
    baseline: pd.DataFrame | None,
    actuals: pd.DataFrame,
    status_date: dt.date,
    capacity: pd.DataFrame,
    settings: rp.Settings,
    pilot: list[str],
    runs: int,
    seed: int,
) -> Tracking:
    """Measure progress against the baseline (else the plan), replan what remains, forecast the finish."""
    reference = baseline if baseline is not None else plan_result.plan[PLAN_COLUMNS]
    name = "baseline" if baseline is not None else "plan"
    origin = min(settings.start_date, reference["start_date"].min().date())
    horizon = max((plan_result.finish - origin).days, (reference["end_date"].max().date() - origin).days) + 400
    calendar = WorkCalendar(origin, horizon, settings.workdays, settings.blackouts)
    progress = rg.site_progress(sites, actuals, reference, status_date, calendar)
    with_country = reference.merge(sites[["site_id", "country", "devices"]], on="site_id")
    planned = rg.spread_devices(with_country, calendar)
    started = progress[progress["status"] != rg.STATUS_WAITING].copy()
    started["until"] = started["actual_end"].fillna(pd.Timestamp(status_date))
    actual = rg.spread_devices(
        started.assign(d=started["devices_earned"]), calendar, "actual_start", "until", "d", until=status_date
    )
    earned = float(progress["devices_earned"].sum())
    es = rg.earned_schedule(planned, earned, reference["start_date"].min().date(), status_date)
    duration = sites.set_index("site_id")["devices"].pipe(
        lambda d: pd.Series(rp.site_duration(d, settings.crew_size, settings.devices_per_technician_day), index=d.index)
    )
    remaining = rg.remaining_sites(sites, progress, duration)
    replan = forecast = None
    metrics = {
        "percent_complete": round(100 * earned / float(sites["devices"].sum()), 1),
        "devices_done": int(round(earned)),
        "spi": round(es["spi"], 3),
        "earned_schedule_date": es["earned_schedule_date"].date().isoformat(),
        "status_date": status_date.isoformat(),
        "reference_finish": reference["end_date"].max().date().isoformat(),
        "sites_done": int((progress["status"] == rg.STATUS_DONE).sum()),
        "sites_in_progress": int((progress["status"] == rg.STATUS_ACTIVE).sum()),
        "sites_slipped": int((progress["start_slip_days"].fillna(0) > 0).sum()),
        "late_ready_sites": int(progress["late_ready"].sum()),
    }
    curves = {name: planned, "plan": rg.spread_devices(plan_result.plan, calendar), "actual": actual}
    if len(remaining):
        remaining_pilot = [s for s in pilot if s in set(remaining["site_id"])]
        broad_started = progress[~progress["site_id"].isin(pilot) & (progress["status"] != rg.STATUS_WAITING)]
        replan = rp.plan_rollout(
            remaining,
            capacity,
            settings,
            remaining_pilot if broad_started.empty else [],
            origin=status_date + dt.timedelta(days=1),
        )
        ahead = rg.spread_devices(replan.plan.assign(devices=_remaining_devices(replan.plan, progress)), calendar)
        # the replan carries on from what is done: its curve starts at the actual one
        curves["replan"] = ahead + actual.reindex(ahead.index, fill_value=0.0)
        # the replan's start order respects dependencies and the pilot (tasks and plan rows align)
        order = np.argsort(replan.plan["start_date"].to_numpy(), kind="stable").tolist()
        # ratios against the durations the replan assumes, so the forecast and the replan agree at 1
        ratios = rg.duration_ratios(progress, calendar, duration)
        devices = _remaining_devices(replan.plan, progress)
        forecast = rg.monte_carlo(
            replan.tasks,
            replan.calendar,
            replan.capacity,
            order,
            ratios,
            devices,
            float(progress.loc[progress["status"] == rg.STATUS_DONE, "devices"].sum()),
            runs,
            seed,
            settings.pilot_soak_days,
        )
        metrics.update(
            {
                "replanned_finish": replan.finish.isoformat(),
                "replan_solver_status": replan.status,
                "forecast_p50_finish": forecast.percentiles["p50"].isoformat(),
                "forecast_p85_finish": forecast.percentiles["p85"].isoformat(),
                "forecast_p95_finish": forecast.percentiles["p95"].isoformat(),
                "duration_ratio_mean": round(float(ratios.mean()), 3) if len(ratios) else 1.0,
                "duration_ratio_samples": int(len(ratios)),
            }
        )
    else:
        last = progress["actual_end"].max().date().isoformat()
        metrics.update({"forecast_p50_finish": last, "forecast_p85_finish": last, "forecast_p95_finish": last})
    return Tracking(status_date, progress, curves, replan, forecast, metrics, name)


def _remaining_devices(plan: pd.DataFrame, progress: pd.DataFrame) -> np.ndarray:
    earned = progress.set_index("site_id")["devices_earned"]
    return (plan["devices"].to_numpy(dtype=float) - earned.loc[plan["site_id"]].to_numpy(dtype=float)).clip(min=0)


def slipped_sites(progress: pd.DataFrame) -> pd.DataFrame:
    """Sites that started late against the reference, or are late-ready, worst first."""
    rows = progress[(progress["start_slip_days"].fillna(0) > 0) | progress["late_ready"]].copy()
    rows["why"] = np.where(
        rows["late_ready"],
        "ready date after planned start",
        np.where(rows["status"] == rg.STATUS_WAITING, "planned start passed, not started", "started late"),
    )
    cols = [
        "site_id",
        "site_name",
        "region",
        "status",
        "start_date",
        "actual_start",
        "ready_date",
        "start_slip_days",
        "why",
    ]
    return rows.sort_values("start_slip_days", ascending=False)[cols].rename(columns={"start_date": "planned_start"})


def variance(plan: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Plan vs baseline per site: start and finish moves in calendar days, wave change; biggest first."""
    both = plan[["site_id", "site_name", "region", "wave", "start_date", "end_date"]].merge(
        baseline[["site_id", "wave", "start_date", "end_date"]],
        on="site_id",
        how="outer",
        suffixes=("", "_baseline"),
        indicator=True,
    )
    both["change"] = both["_merge"].map({"both": "moved", "left_only": "new site", "right_only": "dropped"}).astype(str)
    both["start_shift_days"] = (both["start_date"] - both["start_date_baseline"]).dt.days
    both["finish_shift_days"] = (both["end_date"] - both["end_date_baseline"]).dt.days
    both.loc[
        (both["change"] == "moved") & (both["start_shift_days"] == 0) & (both["finish_shift_days"] == 0), "change"
    ] = "unchanged"
    order = both["finish_shift_days"].abs().fillna(10**6)
    both = both.assign(_o=order).sort_values("_o", ascending=False).drop(columns=["_o", "_merge"])
    return both[
        [
            "site_id",
            "site_name",
            "region",
            "change",
            "wave_baseline",
            "wave",
            "start_date_baseline",
            "start_date",
            "start_shift_days",
            "end_date_baseline",
            "end_date",
            "finish_shift_days",
        ]
    ]


def method_notes(settings: rp.Settings, pilot_mode) -> dict[str, str]:
    """Definitions of every metric and rule used in the report."""
    return {
        "Working days": (
            "The configured workdays, minus the public holidays of the site's country (holidays package), "
            "minus change-freeze days. A site's work pauses on other days: its span stretches over them."
        ),
        "Site duration": (
            f"ceil(devices / (crew_size × devices_per_technician_day)) = ceil(devices / "
            f"({settings.crew_size} × {settings.devices_per_technician_day:g})) working days of one crew."
        ),
        "Capacity": (
            "On every day, in every region, the crews of the sites in progress (their whole span, holidays "
            "included, since the crew stays booked) never exceed the region's technicians that day."
        ),
        "Plan": (
            "OR-Tools CP-SAT: starts on working days, on or after the ready date and after every dependency ends; "
            "broad waves start after the pilot ends plus pilot_soak_days. First the earliest finish, then, at that "
            "finish, the least total lateness (in working days after each target date). A serial schedule, justified "
            "backward and forward, seeds the solver with a complete plan; the solver improves it in slices of "
            "deterministic time (each twice the last) and stops when the finish meets the lower bound, after a "
            "slice that found nothing better, or after at most "
            f"{settings.solver_effort:g} deterministic time units per plan (70% for the finish, the rest for "
            "the lateness)."
        ),
        "Solver status": (
            "optimal: proven best finish (the solver proved it, or it meets the lower bound); feasible: the "
            "best found before the search stopped, the gap being the days between its finish and the best "
            "lower bound."
        ),
        "Reproducibility": (
            "The solver runs on one worker, seeded with random_seed, its subsolvers interleaved in fixed "
            "batches, and every stop (bound met, no improvement in a slice, solver_effort spent) is a count of "
            "work done in deterministic time, not of seconds: the same inputs and parameters give the same plan and the same figures on "
            "any machine, however busy. What can still change the plan: another solver_effort or "
            "random_seed, or another OR-Tools version (its search differs); when the search stops before "
            "it proves the best finish (status feasible), such a change can give another plan of similar "
            "quality. Only if one solve ran longer than its wall-clock guard (a machine many times slower "
            "than usual) would the plan depend on the machine's speed."
        ),
        "Lower bound": (
            "The latest of: the solver's proven bound; the earliest finish through ready dates, dependencies "
            "and the pilot soak ignoring capacity; per region and per day r on which some of its sites can "
            "first start (after the pilot soak and their ready dates), the first day by which the region's "
            "technician-days from r on reach the crew-days of the sites that cannot start before r. It lets "
            "a site's work be split among crews, so it does not count the days crews wait at the end for the "
            "last sites, nor crew-days booked over a country's holidays: a plan a few days after it can "
            "still be the best possible."
        ),
        "Pilot wave (wave 0)": (
            "Chosen by CP-SAT among the sites without dependencies (so the pilot can go first): a "
            "set covering every site type and hardware model found on such sites that, in this order, "
            "includes as few sites ready after the start date as possible (a late pilot holds back "
            "every broad wave; such a site is taken only when no site ready in time covers a type or "
            "model), then has the fewest devices, then the fewest sites. A type or model found only on "
            "sites with dependencies is left uncovered (see Pilot coverage)."
            if pilot_mode == "cover"
            else "Given in the parameters"
            if pilot_mode != "none"
            else "No pilot wave"
        ),
        "Waves": f"After the pilot, consecutive windows of {settings.wave_length_days} calendar days from the first broad start.",
        "Utilisation": "Crew-days worked / technician-days available on the region's working days, per ISO week.",
        "S-curve": "Cumulative devices, each site's devices spread evenly over its working days.",
        "Percent complete": (
            "Devices of finished sites plus, for sites in progress, the devices reported done or their "
            "share of elapsed working days (at most 95%), over all devices."
        ),
        "SPI (earned schedule)": (
            "ES / AT: ES is the time, from the reference start, at which the reference (baseline, "
            "else plan) S-curve reached the devices earned; AT the days from the reference start to "
            "the status date. Below 1 means behind schedule."
        ),
        "Slipped / late-ready": (
            "Slipped: started after its reference start, or its reference start has passed without a "
            "start. Late-ready: its ready date is now after its reference start."
        ),
        "Replan": (
            "The remaining sites re-planned with the same solver from the day after the status date; sites in "
            "progress keep their remaining working days and are ready at once."
        ),
        "Forecast": (
            "Monte Carlo: each run multiplies every remaining site's working days by a ratio drawn with "
            "replacement from the finished sites' actual working days / the working days this plan's rates give them, then places the sites in the "
            "replan's order with the same capacity, calendars and dependencies. P50/P85/P95 are percentiles "
            "of the finish over the runs (seeded)."
        ),
    }
