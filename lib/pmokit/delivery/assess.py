"""The delivery_kpis assessment: every number, colour, table and figure-data of the report, computed once.

:func:`bands` holds every threshold the workbook colours with (the deck reads the same colours
from ``metrics.json``); :func:`assess` ties the analysis modules together (:mod:`.summary`,
:mod:`.flow`, :mod:`.forecast`, :mod:`.rag`) and returns a :class:`DeliveryResult` whose
attributes the notebook shows, one per section. Pure: no file reads, no display.

Colours
-------
- ``wip`` (work in progress, the deck's Delivery scope): the :func:`bands` thresholds; done when
  nothing remains (every item finished).
- the verdict (the deck's Delivery schedule, recorded as ``verdict_rag`` and as the ``rag``
  metric): the worst project status, each project's status coming from the readable
  ``rag_rules`` with their evidence (:mod:`pmokit.delivery.rag`); grey when no project could be
  rated, done when every project is finished.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pmokit import fmt
from pmokit.assessment import Assessment, Tile
from pmokit.bands import LABELS, Band, Rating, done, grey, is_missing
from pmokit.delivery import flow, forecast, rag, stages, summary
from pmokit.quality import DataQuality

#: How many projects the verdict's reason names at most.
_NAMED = 3


def bands(p) -> dict[str, Band]:
    """Every threshold delivery_kpis colours with: work in progress, amber and red from the params."""
    return {
        "wip": Band("wip", "Work in progress", "lower_is_better", amber=p.wip_amber, red=p.wip_red, fmt="{:.0f} items"),
    }


@dataclass
class DeliveryResult(Assessment):
    """What the delivery report shows, section by section (see the notebook's outline)."""

    as_of: pd.Timestamp | None = None
    files: str = ""
    kpi: dict[str, Any] = field(default_factory=dict)
    forecast: dict[str, Any] = field(default_factory=dict)
    outlook: pd.DataFrame = field(default_factory=pd.DataFrame)
    throughput: pd.Series = field(default_factory=pd.Series)
    throughput_by_project: pd.DataFrame | None = None
    xmr: dict[str, float] = field(default_factory=dict)
    xmr_signals: pd.Series = field(default_factory=pd.Series)
    cycle_times: pd.DataFrame = field(default_factory=pd.DataFrame)
    percentiles: dict[int, float] = field(default_factory=dict)
    aging: pd.DataFrame = field(default_factory=pd.DataFrame)
    wip_run: pd.Series = field(default_factory=pd.Series)
    wip_run_title: str = ""
    wip_run_label: str = ""
    wip_run_note: str = ""
    cfd: pd.DataFrame | None = None
    burn: pd.DataFrame = field(default_factory=pd.DataFrame)
    forecast_dates: dict[int, str | None] = field(default_factory=dict)
    created_resolved: pd.DataFrame = field(default_factory=pd.DataFrame)
    probability: pd.DataFrame | None = None
    late: pd.DataFrame = field(default_factory=pd.DataFrame)
    milestones: pd.DataFrame = field(default_factory=pd.DataFrame)
    work_items: pd.DataFrame = field(default_factory=pd.DataFrame)
    projects: list[str] = field(default_factory=list)
    stages: pd.DataFrame = field(default_factory=pd.DataFrame)
    stage_message: str | None = None

    def actions(self) -> dict[str, pd.DataFrame]:
        """The sheets of ``delivery_actions.xlsx``."""
        return {
            "Projects": self.outlook,
            "Aging WIP": self.aging,
            "Overdue": self.late,
            "Milestones": self.milestones,
            "Throughput": self.throughput.rename_axis("week").reset_index(),
        }


def assess(items: pd.DataFrame, transitions: pd.DataFrame, p, dq: DataQuality | None = None) -> DeliveryResult:
    """Compute the whole delivery report from the canonical work items and their transitions.

    Parameters
    ----------
    items, transitions : DataFrame
        As read by :func:`pmokit.sources.work_items.read_work_items`.
    p : DeliveryKpisParams
        The validated parameters.
    dq : DataQuality, optional
        Receives what the derivation of stages left out or doubted.
    """
    items_read = len(items)
    as_of = (pd.Timestamp(p.as_of) if p.as_of else summary.default_as_of(items, transitions)).normalize()
    # the data as it was on the report date, then each status's stage (parameters first), then archived cards
    items, transitions = stages.as_of_view(items, transitions, as_of, dq)
    stage_table = stages.stage_table(items, transitions, p.start_statuses, p.done_statuses)
    items = stages.drop_archived(items, stages.mapping(stage_table), dq)
    staged, as_of = summary.prepare(items, transitions, as_of, p.exclude_types, p.start_statuses, p.done_statuses, dq)
    kpi = summary.flow_summary(staged, as_of, p.history_weeks, p.sle_percentile)
    throughput = flow.weekly_throughput(staged, as_of, p.history_weeks)
    target = pd.Timestamp(p.target_date) if p.target_date else as_of + pd.Timedelta(weeks=4)
    remaining = p.remaining_items if p.remaining_items is not None else kpi["open_items"]
    history = flow.weeks_of_history(staged, as_of, p.history_weeks)
    fc = summary.forecast_summary(
        throughput, remaining, as_of, target, p.monte_carlo_trials, p.seed, p.min_history_weeks, history
    )
    rules = p.rag_rules or rag.DEFAULT_RULES
    outlook = summary.project_outlook(
        staged,
        as_of,
        p.history_weeks,
        p.monte_carlo_trials,
        p.seed,
        p.sle_percentile,
        summary.project_due_dates(items, p.project_due_dates),
        rules,
        p.min_history_weeks,
    )
    band = bands(p)
    rating = portfolio_rating(outlook)
    wip_rating = _wip_rating(band["wip"], kpi, stage_table)
    ratings = {"wip": wip_rating}
    unrecognised = int((~stage_table["recognised"]).sum())

    excluded = summary.excluded_mask(items, p.exclude_types)
    limits = flow.xmr_limits(throughput)
    signals = flow.xmr_signals(throughput, limits)
    recent = summary.window_cycle_times(staged, throughput)
    aging = flow.aging_wip(staged, as_of, kpi["sle_days"])
    days = pd.date_range(end=as_of, periods=7 * p.history_weeks, freq="D")
    late = flow.overdue_items(staged, as_of)
    milestones = flow.milestone_slippage(items, as_of, p.exclude_types)
    first = staged["created"].min()
    burn = flow.burn_up(staged, pd.date_range(first.normalize() if pd.notna(first) else as_of, as_of, freq="D"))

    metrics = summary.headline_metrics(kpi, fc, rating.rag, as_of)
    metrics.update(
        {
            "items_read": int(items_read),
            "items_left_out": int(items_read - len(items)),
            "status_names_unrecognised": unrecognised,
            "items_excluded": int(excluded.sum()),
            "status_changes": int(len(transitions)),
            "projects": int(len(outlook)),
            "aging_share": kpi["aging_share"],
            "xmr_signals": int(signals.sum()),
            "window_done_items": kpi["window_done_items"],
            "overdue_items": int((late["state"] == "overdue").sum()),
            "done_late_items": int((late["state"] == "done late").sum()),
            "milestones": int(len(milestones)),
            "milestones_done_late": int(((milestones["state"] == "done") & (milestones["days_late"] > 0)).sum()),
            "milestones_open_late": int(((milestones["state"] == "open") & milestones["days_late"].notna()).sum()),
            "burn_done": int(burn["done"].iloc[-1]) if len(burn) else 0,
            "burn_scope": int(burn["scope"].iloc[-1]) if len(burn) else 0,
        }
    )
    metrics = {k: (None if is_missing(v) else v) for k, v in metrics.items()}

    result = DeliveryResult(
        metrics=metrics,
        verdict=summary.verdict_text(kpi, fc, outlook, rating.reason if rating.rag == "grey" else None, unrecognised),
        rating=rating,
        ratings=ratings,
        bands=band,
        as_of=as_of,
        files=", ".join(sorted(items["source"].dropna().unique())),
        kpi=kpi,
        forecast=fc,
        outlook=outlook,
        throughput=throughput,
        throughput_by_project=(
            summary.throughput_by_project(staged, as_of, p.history_weeks) if len(outlook) > 1 else None
        ),
        xmr=limits,
        xmr_signals=signals,
        cycle_times=recent,
        percentiles=flow.percentile_days(recent["days"]),
        aging=aging,
        cfd=_cumulative_flow(staged, transitions, days, stages.mapping(stage_table)),
        burn=burn,
        forecast_dates={q: fc[f"forecast_p{q}_date"] for q in forecast.PERCENTILES},
        created_resolved=flow.weekly_created_resolved(staged, throughput.index),
        probability=_probability(fc, as_of),
        late=late,
        milestones=milestones,
        work_items=summary.work_items_table(items, staged, p.exclude_types, as_of),
        projects=sorted(staged["project"].dropna().unique()),
        stages=stage_table,
        stage_message=stages.unrecognised_message(stage_table),
    )
    _wip_over_time(result, staged, transitions, days)
    result.tiles = _tiles(result, wip_rating)
    result.notes = {
        **result.threshold_notes(),
        "Colour of the verdict": "the worst project status by the RAG rules below (red, then amber, then green "
        "or done); done only when every project is done, grey only when no project could be rated. The deck's "
        "Delivery schedule shows this colour, its Delivery scope the colour of Work in progress.",
        "Colour of Work in progress, without evidence": "green needs evidence of flow: with no item finished in "
        "the history window a WIP under the limits is grey, as it is when no status means in progress and some "
        "names were not recognised; amber and red still show.",
        **summary.method_notes(
            kpi, p.history_weeks, p.sle_percentile, p.monte_carlo_trials, p.seed, rules, p.min_history_weeks
        ),
    }
    return result


def _wip_rating(band: Band, kpi: dict[str, Any], stage_table: pd.DataFrame) -> Rating:
    """The WIP colour: done when nothing remains; grey when a low WIP is not evidence (see the notes).

    A WIP above the limits is news whatever else is known, so amber and red stand; green needs an
    item finished in the window and, when some names were not recognised, a status meaning in progress.
    """
    if kpi["open_items"] == 0:
        return done("nothing remains: every item is done")
    rating = band.rate(kpi["wip"])
    if rating.rag != "green":
        return rating
    unknown = stage_table.loc[~stage_table["recognised"], "status"].astype(str).tolist()
    if kpi["wip"] == 0 and unknown and not (stage_table["stage"] == "in progress").any():
        names = ", ".join(f"'{n}'" for n in unknown[:_NAMED]) + (" ..." if len(unknown) > _NAMED else "")
        return grey(f"no status means in progress and {names} were not recognised: set start_statuses")
    if kpi["window_done_items"] == 0:
        return grey(f"no item finished in the history window: a WIP of {kpi['wip']} is not evidence of flow")
    return rating


def portfolio_rating(outlook: pd.DataFrame) -> Rating:
    """The verdict's colour: the worst project status, with the projects, rule and evidence behind it.

    Examples
    --------
    >>> t = pd.DataFrame({"project": ["A", "B"], "rag": ["Green", "Red"],
    ...                   "rule": ["no rule matched", "P85 forecast later than the due date"],
    ...                   "evidence": ["P85 forecast 3 days before the due date", "P85 forecast 7 days after the due date"]})
    >>> portfolio_rating(t).reason
    'RED: B (P85 forecast 7 days after the due date; rule: P85 forecast later than the due date)'
    """
    if outlook.empty:
        return grey("no project to rate")
    states = outlook["rag"].astype(str).str.lower()
    state = summary.overall_rag(outlook).lower()
    if state == "grey":
        return grey("no project could be rated: " + _named(outlook))
    if state == "done":
        return done(f"nothing remains: all {fmt.count(len(outlook), 'project')} have every item done")
    reason = f"{LABELS[state]}: {_named(outlook.loc[states == state])}"
    unrated = outlook.loc[states == "grey", "project"].astype(str).tolist()
    if unrated:
        reason += f"; not rated: {', '.join(unrated[:_NAMED])}" + (" ..." if len(unrated) > _NAMED else "")
    return Rating(state, reason)


def _named(rows: pd.DataFrame) -> str:
    # the evidence first (what the reader acts on), then the rule that matched it, if one did
    shown = [
        f"{r.project} ({r.evidence}; rule: {r.rule})"
        if str(r.rag).lower() in ("red", "amber")
        else f"{r.project} ({r.evidence})"
        for r in rows.head(_NAMED).itertuples()
    ]
    more = f" and {len(rows) - _NAMED} more" if len(rows) > _NAMED else ""
    return "; ".join(shown) + more


def days_text(value: Any) -> str | None:
    """A number of days as the report shows it (``"33 days"``); None (shown "—") when missing."""
    return None if is_missing(value) else f"{value:.0f} days"


def _tiles(result: DeliveryResult, wip_rating: Rating) -> list[Tile]:
    kpi, fc, outlook = result.kpi, result.forecast, result.outlook
    basis = kpi["time_basis"]
    sle = days_text(kpi["sle_days"]) or "none: no item finished in the window"
    counts = outlook["rag"].value_counts() if len(outlook) else pd.Series(dtype=int)
    return [
        _throughput_tile(kpi, fc["history_weeks"]),
        Tile(
            f"{basis.capitalize()} P85",
            days_text(kpi["cycle_time_p85_days"]) or "none",
            note=(
                f"P50 {days_text(kpi['cycle_time_p50_days'])}"
                if kpi["window_done_items"]
                else "no item finished in the history window"
            ),
        ),
        Tile(
            "Work in progress",
            str(kpi["wip"]),
            rag=wip_rating,
            note=f"{wip_rating.reason}; {kpi['aging_over_sle']} older than the SLE ({sle})",
        ),
        Tile(
            "Forecast P85",
            fc["forecast_p85_date"] or ("nothing remains" if fc["remaining_items"] == 0 else "none"),
            note=(
                f"{fc['remaining_items']} items; P50 {fc['forecast_p50_date']}"
                if fc["forecast_p85_date"]
                else ("every item is done" if fc["remaining_items"] == 0 else fc["forecast_note"])
            ),
        ),
        Tile(
            "Projects",
            f"{len(outlook)}",
            rag=result.rating,
            note=f"{int(counts.get('Red', 0))} Red, {int(counts.get('Amber', 0))} Amber (worst counts)",
        ),
    ]


def _throughput_tile(kpi: dict[str, Any], weeks: int) -> Tile:
    """Mean items a week; "none" with the reason when no full week has passed since the first item."""
    if weeks == 0:
        return Tile("Throughput", "none", note="no full week has ended since the first item was created")
    return Tile(
        "Throughput",
        f"{kpi['throughput_per_week']:.1f} / week",
        note=f"mean of {weeks} full week{'s' if weeks != 1 else ''}; {kpi['window_done_items']} items done",
    )


def _cumulative_flow(
    staged: pd.DataFrame, transitions: pd.DataFrame, days: pd.DatetimeIndex, mapping: dict[str, str]
) -> pd.DataFrame | None:
    """Items per status category per day; None when the export has no status history to draw it from."""
    cfd = flow.cumulative_flow(staged, transitions, days, mapping)
    return None if cfd.empty or cfd.to_numpy().sum() == 0 else cfd


def _probability(fc: dict[str, Any], as_of: pd.Timestamp) -> pd.DataFrame | None:
    """Chance (in %) of finishing by each weekly date; None without a forecast."""
    weeks = fc.get("weeks")
    if fc["forecast_p85_date"] is None or weeks is None or np.size(weeks) == 0:
        return None
    table = forecast.probability_table(weeks, as_of, horizon_weeks=12)
    return table.assign(probability=table["probability"] * 100)


def _wip_over_time(
    result: DeliveryResult, staged: pd.DataFrame, transitions: pd.DataFrame, days: pd.DatetimeIndex
) -> None:
    """WIP per day from the status history, else open items per day (created, not done)."""
    if len(transitions):
        result.wip_run = flow.daily_wip(staged, days)
        result.wip_run_title, result.wip_run_label = "Work in progress per day (items)", "items in progress"
        result.wip_run_note = "Items in progress at the end of each day, from the status history."
    else:
        result.wip_run = flow.daily_counts(staged["created"], staged["done_at"], days)
        result.wip_run_title, result.wip_run_label = "Open items per day (created, not done; items)", "open items"
        result.wip_run_note = (
            "This export has no status history, so past WIP is unknown; the chart shows open items "
            "(created, not done) instead."
        )
