"""Frames for every chart function, in the shape its assessment passes, at the bundled size or ``scale`` times it.

Each builder takes ``scale`` (1 = the bundled sample's size, 10 = ten times the rows, categories, sessions or
weeks) and returns the drawn figure. The shapes follow the hand-made frames of
``tests/spine/test_chart_alt_text.py`` (same columns, same index types); the sizes follow the bundled samples:
6 business units and 8 weekly snapshots (compliance), about 30 Gantt bars over 4 regions and 20 weeks (rollout),
12 items in 6 groups (survey), 26 weeks, 150 done items and 3 projects (delivery), 6 workstreams and 12
milestones (status), about 400 sites (workspace), 8 sessions, 5 departments and 6 sites (events).

Categories bounded by the assessment itself keep their count at 10x and only their values grow: the 5 age
buckets and at most 10 + 10 settings (compliance), the 8 signals and the template families (workspace), the
5 status dimensions (status).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmokit.bands import Band
from pmokit.compliance import figures as compliance
from pmokit.delivery import figures as delivery
from pmokit.events import figures as events
from pmokit.rollout import figures as rollout
from pmokit.status import figures as status
from pmokit.survey import figures as survey
from pmokit.workspace import figures as workspace

START = pd.Timestamp("2026-06-01")  # a Monday


def _rng(scale: int) -> np.random.Generator:
    return np.random.default_rng(1000 + scale)


def _names(prefix: str, n: int) -> list[str]:
    """Realistic-length category names: "Business unit 07 Operations" and so on."""
    words = ["Operations", "Finance", "Customer Service", "Engineering", "Sales EMEA", "Human Resources"]
    return [f"{prefix} {i + 1:02d} {words[i % len(words)]}" for i in range(n)]


def _days(n: int) -> pd.DatetimeIndex:
    return pd.date_range(START, periods=n, freq="D")


def _weeks(n: int) -> pd.DatetimeIndex:
    return pd.date_range(START, periods=n, freq="7D")


# --------------------------------------------------------------------------------------- workspace
def workspace_signals(scale: int):
    rng = _rng(scale)
    signals = list(workspace.SIGNAL_LABELS)
    queue = pd.DataFrame(
        {"signals": [list(rng.choice(signals, size=rng.integers(1, 4), replace=False)) for _ in range(120 * scale)]}
    )
    return workspace.signals_chart(queue, {"owner_left": 3, "anonymous_links": 2})


def workspace_trend(scale: int):
    metrics = {
        "queue_previous_size": 100 * scale,
        "queue_fixed_since_last": 20 * scale,
        "queue_new": 30 * scale,
        "queue_size": 110 * scale,
    }
    return workspace.trend_chart(metrics)


def workspace_idle(scale: int):
    rng = _rng(scale)
    idle = rng.integers(0, 900, size=400 * scale).astype("float64")
    idle[::17] = np.nan  # never active
    return workspace.idle_chart(pd.DataFrame({"days_idle": idle}), 90)


def workspace_templates(scale: int):
    families = ["Team", "Communication", "Project", "Group", "Classic", "Other"]
    summary = pd.DataFrame(
        {
            "Template": families,
            "Storage used (GB)": [412.6 * scale, 140.5 * scale, 90.0 * scale, 40.2 * scale, 12.4 * scale, 1.5 * scale],
            "Sites": [180 * scale, 60 * scale, 80 * scale, 50 * scale, 20 * scale, 10 * scale],
        }
    )
    return workspace.template_chart(summary)


# --------------------------------------------------------------------------------------- compliance
def compliance_by_unit(scale: int):
    rng = _rng(scale)
    n = 6 * scale
    raw = rng.uniform(60, 99, n).round(1)
    table = pd.DataFrame(
        {
            "business_unit": _names("Unit", n),
            "compliance_pct": raw,
            "adjusted_compliance_pct": np.minimum(100, raw + rng.uniform(0, 5, n)).round(1),
        }
    )
    return compliance.by_unit(table, target=90)


def compliance_trend(scale: int):
    n = 8 * scale
    rates = 80 + 10 * np.sin(np.arange(n) / 5)
    return compliance.trend(pd.DataFrame({"snapshot": _weeks(n), "compliance_pct": rates}))


def compliance_aging(scale: int):
    table = pd.DataFrame(
        {
            "age_days": ["0-7", "8-14", "15-30", "31+", "unknown"],
            "devices": [120 * scale, 60 * scale, 75 * scale, 132 * scale, 9 * scale],
            "past_sla": [False, False, True, True, False],
        }
    )
    return compliance.aging(table, 14)


def compliance_settings(scale: int):
    n = 14 if scale == 1 else 20  # top 10 of each kind (rollups.top_settings): 20 at most
    rng = _rng(scale)
    table = pd.DataFrame(
        {
            "setting": [f"Require BitLocker drive encryption on device group {i + 1}" for i in range(n)],
            "devices": np.sort(rng.integers(5, 300, n) * scale)[::-1],
            "kind": ["security control" if i % 2 else "housekeeping" for i in range(n)],
        }
    )
    return compliance.settings(table)


# --------------------------------------------------------------------------------------- status
def status_rag_grid(scale: int):
    states = ["red", "amber", "green", "grey", "done"]
    n = 6 * scale
    dims = ["schedule", "budget", "scope", "risks", "resources"]
    cells = [[states[(i + j) % len(states)] for j in range(len(dims))] for i in range(n)]
    return status.rag_grid(pd.DataFrame(cells, index=_names("Workstream", n), columns=dims))


def status_milestones(scale: int):
    n = 12 * scale
    baseline = pd.date_range("2026-09-07", periods=n, freq="3D")
    slip = np.array([(i * 7) % 30 if i % 3 == 0 else 0 for i in range(n)])
    expected = baseline + pd.to_timedelta(slip, unit="D")
    table = pd.DataFrame(
        {
            "milestone": _names("Milestone", n),
            "baseline": baseline,
            "expected": expected,
            "actual": [e if i % 2 else pd.NaT for i, e in enumerate(expected)],
            "slipped": slip > 0,
            "overdue": [(i % 5 == 1) for i in range(n)],
            "slip_days": slip,
        }
    )
    return status.milestone_chart(table, pd.Timestamp("2026-11-13"))


# --------------------------------------------------------------------------------------- survey
def _item_counts(n: int, rng: np.random.Generator) -> pd.DataFrame:
    counts = rng.integers(0, 40, size=(n, 5))
    answered = counts.sum(axis=1)
    table = pd.DataFrame(counts, columns=[f"p{k}" for k in range(1, 6)])
    table.insert(0, "item", [f"Q{i + 1} The new laptop lets me do my work well" for i in range(n)])
    table["n"] = answered
    table["favourable_pct"] = 100 * (counts[:, 3] + counts[:, 4]) / np.maximum(answered, 1)
    return table


def survey_items(scale: int):
    return survey.diverging_items(_item_counts(12 * scale, _rng(scale)), ["1", "2", "3", "4", "5"])


def survey_heatmap(scale: int):
    rng = _rng(scale)
    groups, items = 6 * scale, 12 * scale
    values = rng.uniform(20, 95, size=(groups, items))
    values[rng.random(values.shape) < 0.1] = np.nan  # hidden (small group)
    pct = pd.DataFrame(values, index=_names("Dept", groups), columns=[f"Q{i + 1} Tools" for i in range(items)])
    return survey.group_heatmap(pct, "Favourable % by department and item")


def survey_response_rates(scale: int):
    rng = _rng(scale)
    n = 6 * scale
    rates = rng.uniform(25, 95, n)
    rates[::7] = np.nan
    status_ = ["hidden" if np.isnan(r) else "low" if r < 60 else "ok" for r in rates]
    rag = ["grey" if s == "hidden" else "amber" if s == "low" else "green" for s in status_]
    frame = pd.DataFrame({"group": _names("Dept", n), "response_rate_pct": rates, "status": status_, "rag": rag})
    band = Band("response_rate_pct", "Response rate", "higher_is_better", amber=60, red=30, fmt="{:.0f}%")
    return survey.response_rates(frame, band)


def survey_drivers(scale: int):
    rng = _rng(scale)
    n = 12 * scale
    drivers = pd.DataFrame(
        {
            "item": [f"Q{i + 1} Tools" for i in range(n)],
            "correlation": rng.uniform(-0.2, 0.8, n),
            "favourable_pct": rng.uniform(20, 95, n),
        }
    )
    return survey.driver_quadrant(drivers, "eNPS")


def survey_enps(scale: int):
    rng = _rng(scale)
    n = 6 * scale
    enps = rng.uniform(-60, 60, n)
    enps[::9] = np.nan
    groups = pd.DataFrame({"group": _names("Dept", n), "enps": enps, "ci_low": enps - 25, "ci_high": enps + 25})
    return survey.enps_chart({"enps": 12.0, "ci_low": -3.0, "ci_high": 27.0}, groups)


# --------------------------------------------------------------------------------------- rollout
def rollout_gantt(scale: int):
    n = 30 * scale
    regions = [f"Region {r + 1}" for r in range(4 * scale)]
    start = pd.date_range("2026-09-07", periods=n, freq="2D")
    end = start + pd.Timedelta(days=20)
    rows = pd.DataFrame(
        {
            "label": [f"{regions[i % len(regions)]} wave {i // len(regions) + 1}" for i in range(n)],
            "region": [regions[i % len(regions)] for i in range(n)],
            "start": start,
            "end": end,
            "base_start": start,
            "base_end": end - pd.Timedelta(days=2),
        }
    )
    blackouts = [(pd.Timestamp("2026-12-14"), pd.Timestamp("2027-01-03"))]
    return rollout.gantt(rows, "Rollout plan per region and wave (dates)", blackouts, pd.Timestamp("2026-11-13"))


def rollout_utilisation(scale: int):
    rng = _rng(scale)
    regions, weeks = 4 * scale, 20 * scale
    util = pd.DataFrame(rng.uniform(0, 1, (regions, weeks)), index=[f"Region {r + 1}" for r in range(regions)])
    util.columns = list(_weeks(weeks))
    return rollout.utilisation_heatmap(util)


def rollout_s_curves(scale: int):
    n = 120 * scale
    days = _days(n)
    plan = pd.Series(np.full(n, 25000 * scale / n), index=days)
    actual = pd.Series(np.where(np.arange(n) < n // 2, 20000 * scale / n, 0), index=days)
    return rollout.s_curves(
        {"baseline": plan * 0.95, "plan": plan, "actual": actual},
        "Devices deployed (devices)",
        25000 * scale,
        status_date=days[n // 2].date(),
        blackouts=[(days[n // 3], days[n // 3 + 10])],
    )


def rollout_forecast_fan(scale: int):
    n = 120 * scale
    days = _days(n)
    total = 25000 * scale
    base = np.linspace(0, total, n)
    fan = pd.DataFrame({q: np.minimum(total, base * (0.8 + q / 250)) for q in (5, 15, 50, 85, 95)}, index=days)
    actual = pd.Series(np.full(n // 3, total / n), index=days[: n // 3])
    percentiles = {"p50": days[-20].date(), "p85": days[-10].date()}
    return rollout.forecast_fan(fan, actual, percentiles, "Forecast (devices)", total)


# --------------------------------------------------------------------------------------- delivery
def delivery_xmr(scale: int):
    rng = _rng(scale)
    n = 26 * scale
    throughput = pd.Series(rng.poisson(6, n), index=_weeks(n))
    limits = {"centre": float(throughput.mean()), "lower": 0.0, "upper": 13.5}
    return delivery.throughput_xmr(throughput, limits, throughput > limits["upper"])


def _cycle(scale: int) -> pd.DataFrame:
    rng = _rng(scale)
    n = 150 * scale
    return pd.DataFrame(
        {"done_at": START + pd.to_timedelta(rng.integers(0, 180 * scale, n), unit="D"), "days": rng.gamma(2, 4, n) + 1}
    )


PERCENTILES = {50: 8.0, 85: 15.0, 95: 21.0}


def delivery_cycle_scatter(scale: int):
    return delivery.cycle_scatter(_cycle(scale), PERCENTILES, "cycle time")


def delivery_cycle_histogram(scale: int):
    return delivery.cycle_histogram(_cycle(scale), PERCENTILES, "cycle time")


def delivery_aging(scale: int):
    n = 30 * scale
    ages = np.arange(n, 0, -1) * 2
    aging = pd.DataFrame(
        {
            "id": [f"PRJ-{1000 + i}" for i in range(n)],
            "status": ["In Progress" if i % 2 else "Code Review" for i in range(n)],
            "age_days": ages,
            "over_sle": ages > 15,
        }
    )
    return delivery.aging_chart(aging, 15.0)


def delivery_run_chart(scale: int):
    n = 180 * scale
    series = pd.Series(10 + 5 * np.sin(np.arange(n) / 9), index=_days(n))
    return delivery.run_chart(series, "Work in progress per day (items)", "items in progress")


def delivery_cumulative_flow(scale: int):
    n = 180 * scale
    done = np.arange(n) * 0.8
    table = pd.DataFrame({"done": done, "in progress": np.full(n, 12.0), "to do": 200 * scale - done}, index=_days(n))
    return delivery.cumulative_flow(table)


def delivery_burn_up(scale: int):
    n = 180 * scale
    burn = pd.DataFrame({"scope": 100 + np.arange(n) * 0.5, "done": np.arange(n) * 0.4}, index=_days(n))
    last = _days(n)[-1]
    dates = {50: f"{last + pd.Timedelta(days=30):%Y-%m-%d}", 85: f"{last + pd.Timedelta(days=60):%Y-%m-%d}"}
    return delivery.burn_up(burn, dates)


def delivery_created_resolved(scale: int):
    rng = _rng(scale)
    n = 26 * scale
    weekly = pd.DataFrame({"created": rng.poisson(7, n), "done": rng.poisson(6, n)}, index=_weeks(n))
    return delivery.created_resolved(weekly)


def delivery_forecast(scale: int):
    rng = _rng(scale)
    weeks = rng.integers(3 * scale, 6 * scale + 1, 100 * scale)  # 10x the items left: 10x the weeks
    as_of = pd.Timestamp("2026-12-11")
    q = np.percentile(weeks, [50, 85, 95], method="higher")
    dates = {p: f"{as_of + pd.Timedelta(weeks=int(w)):%Y-%m-%d}" for p, w in zip((50, 85, 95), q)}
    return delivery.forecast_fan(weeks, as_of, dates, remaining=113 * scale)


def delivery_by_project(scale: int):
    rng = _rng(scale)
    projects, n = 3 * scale, 26 * scale
    table = pd.DataFrame(rng.poisson(4, (n, projects)), index=_weeks(n), columns=_names("Project", projects))
    return delivery.throughput_by_project(table)


# --------------------------------------------------------------------------------------- events
def events_series(scale: int):
    rng = _rng(scale)
    n = 8 * scale
    registered = rng.integers(40, 80, n).astype(float)
    sessions = pd.DataFrame({"start": _weeks(n), "registered": registered, "attended": (registered * 0.8).astype(int)})
    return events.series_chart(sessions)


def _by_group(n: int, name: str, rng: np.random.Generator) -> pd.DataFrame:
    required = rng.integers(20, 120, n)
    completed = (required * rng.uniform(0.3, 1.0, n)).astype(int)
    return pd.DataFrame(
        {
            name: _names(name.capitalize(), n),
            "required": required,
            "completed": completed,
            "completion_pct": 100 * completed / required,
        }
    )


def events_completion(scale: int):
    band = Band("completion_pct", "Completion", "higher_is_better", amber=90, red=70, fmt="{:.0f}%")
    return events.completion_chart(_by_group(5 * scale, "department", _rng(scale)), band, "department")


def events_heatmap(scale: int):
    rng = _rng(scale)
    rows, cols = 5 * scale, 6 * scale
    values = rng.uniform(0, 100, (rows, cols))
    values[rng.random(values.shape) < 0.2] = np.nan
    pct = pd.DataFrame(values, index=_names("Department", rows), columns=_names("Site", cols))
    return events.completion_heatmap(pct, "department", "site")


def events_due(scale: int):
    rng = _rng(scale)
    n = 20 * scale
    by_manager = pd.DataFrame(
        {"manager": _names("Manager", n), "overdue": rng.integers(0, 8, n), "due_soon": rng.integers(0, 5, n)}
    )
    return events.due_chart(by_manager)


#: Every chart function of every area: name -> builder(scale) -> figure.
CHARTS = {
    "workspace.signals_chart": workspace_signals,
    "workspace.trend_chart": workspace_trend,
    "workspace.idle_chart": workspace_idle,
    "workspace.template_chart": workspace_templates,
    "compliance.by_unit": compliance_by_unit,
    "compliance.trend": compliance_trend,
    "compliance.aging": compliance_aging,
    "compliance.settings": compliance_settings,
    "status.rag_grid": status_rag_grid,
    "status.milestone_chart": status_milestones,
    "survey.diverging_items": survey_items,
    "survey.group_heatmap": survey_heatmap,
    "survey.response_rates": survey_response_rates,
    "survey.driver_quadrant": survey_drivers,
    "survey.enps_chart": survey_enps,
    "rollout.gantt": rollout_gantt,
    "rollout.utilisation_heatmap": rollout_utilisation,
    "rollout.s_curves": rollout_s_curves,
    "rollout.forecast_fan": rollout_forecast_fan,
    "delivery.throughput_xmr": delivery_xmr,
    "delivery.cycle_scatter": delivery_cycle_scatter,
    "delivery.cycle_histogram": delivery_cycle_histogram,
    "delivery.aging_chart": delivery_aging,
    "delivery.run_chart": delivery_run_chart,
    "delivery.cumulative_flow": delivery_cumulative_flow,
    "delivery.burn_up": delivery_burn_up,
    "delivery.created_resolved": delivery_created_resolved,
    "delivery.forecast_fan": delivery_forecast,
    "delivery.throughput_by_project": delivery_by_project,
    "events.series_chart": events_series,
    "events.completion_chart": events_completion,
    "events.completion_heatmap": events_heatmap,
    "events.due_chart": events_due,
}
