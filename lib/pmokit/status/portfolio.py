"""The whole weekly assessment in one call, so the notebook only shows its parts.

:func:`assess` ties together the RAG rules, the RAID and milestone views and the week-over-week
comparison; :func:`deck_content` turns the result into the arguments of
:func:`pmokit.status.deck.build_deck`.
"""

from __future__ import annotations

import datetime as dt
import numbers
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from pmokit.status import diff, milestones, rag, raid, summary
from pmokit.status.deck import DeckTable, WorkbookSlide

#: Headline metrics per workbook when its params model does not name them (most important first).
DEFAULT_HEADLINES = {
    "rollout_plan": ("percent_complete", "spi", "planned_finish", "forecast_p85_finish"),
    "compliance_report": ("compliance_pct", "adjusted_compliance_pct", "sla_breaches"),
    "survey_analysis": ("responses", "response_rate_pct", "favourability_pct", "enps"),
    "delivery_kpis": ("throughput_per_week", "cycle_time_p85_days", "wip", "forecast_p85_date"),
    "workspace_hygiene": ("queue_size", "inactive_sites", "ownerless_sites", "storage_used_tb"),
}
RISK_COLUMNS = ["id", "title", "owner", "probability", "impact", "score", "due"]
ISSUE_COLUMNS = ["id", "title", "owner", "raised", "status"]
ACTION_COLUMNS = ["id", "title", "owner", "due", "days_overdue"]
DECISION_COLUMNS = ["id", "title", "owner", "due", "status"]
MILESTONE_VIEW = ["milestone", "workstream", "baseline", "forecast", "actual", "slip_days", "state"]


def headline_names(workbook: str) -> tuple[str, ...]:
    """The workbook's headline metrics: its params model's ``headline``, else the defaults above."""
    try:
        from pmokit.workbooks import headline  # TODO(contract): pass headlines in; areas never import the registry

        names = headline(workbook)
    except ImportError:
        names = ()
    return tuple(names) or DEFAULT_HEADLINES.get(workbook, ())


def format_value(value: Any) -> str:
    """A metric value for a slide: numbers rounded to 3 significant digits, text as is."""
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, numbers.Integral):
        return f"{value:,}"
    if isinstance(value, numbers.Real):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def headline_text(metrics: Mapping[str, Any], names: tuple[str, ...], limit: int = 4) -> str:
    """'name value · name value' for the headline metrics present in ``metrics``.

    Examples
    --------
    >>> headline_text({"wip": 37, "rag": "Amber", "x": 1.23456}, ("wip", "missing", "x"))
    'wip 37 · x 1.23'
    """
    shown = [f"{n} {format_value(metrics[n])}" for n in names if n in metrics and metrics[n] is not None]
    return " · ".join(shown[:limit])


def default_period_end(raid_log: pd.DataFrame, given: dt.date | str | None) -> pd.Timestamp:
    """The status date: the given one, else the latest 'raised' or 'closed' date of the RAID log
    (dates that lie in the past when the log is exported), else today."""
    if given:
        return pd.Timestamp(given).normalize()
    dates = pd.concat([raid_log["raised"], raid_log["closed"]]).dropna()
    return dates.max().normalize() if len(dates) else pd.Timestamp.today().normalize()


@dataclass
class Status:
    """Everything the report and the deck show."""

    period_end: pd.Timestamp
    counts: dict
    milestones: pd.DataFrame
    results: pd.DataFrame
    overall: dict
    dashboard: pd.DataFrame
    top_risks: pd.DataFrame
    open_issues: pd.DataFrame
    overdue_actions: pd.DataFrame
    decisions: pd.DataFrame
    workbook_metrics: pd.DataFrame
    missing: list[str]
    runs: Mapping[str, Any]
    has_previous: bool = False
    deltas: pd.DataFrame = field(default_factory=pd.DataFrame)
    raid_changes: dict = field(default_factory=dict)
    moves: pd.DataFrame = field(default_factory=pd.DataFrame)
    changes: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        """The metrics to record: overall RAG and the RAID and milestone counts."""
        return {
            "overall_rag": self.overall["rag"],
            "overall_rag_computed": self.overall["computed"],
            **self.counts,
            "milestones": int(len(self.milestones)),
            "workbooks_found": len(self.runs) - len(self.missing),
            "workbooks_missing": len(self.missing),
        }


def assess(
    runs: Mapping[str, Any],
    raid_log: pd.DataFrame,
    milestone_list: pd.DataFrame,
    previous,
    period_end: pd.Timestamp,
    rules: list[rag.RagRule],
    override: rag.RagOverride | None = None,
    top_n: int = 5,
    tolerance_days: int = 0,
) -> Status:
    """Compute the week's status from the runs, the RAID log, the milestones and last week's run.

    Parameters
    ----------
    runs : mapping
        workbook -> :class:`~pmokit.sources.status.WorkbookRun`.
    raid_log, milestone_list : DataFrame
        Canonical tables from the readers.
    previous : PreviousStatus or None
        Last week's status run (None: no comparison).
    period_end : Timestamp
    rules : list of RagRule
    override : RagOverride, optional
    top_n : int
        Rows of the top-risks table.
    tolerance_days : int
        Milestone slip tolerance.
    """
    ms = milestones.slips(milestone_list, period_end, tolerance_days)
    counts = {**raid.counts(raid_log, period_end), "milestones_slipped": milestones.slipped_count(ms)}
    found = {wb: run for wb, run in runs.items() if run.found}
    results = rag.evaluate_all(rules, rag.metric_values(found, counts))
    overall = rag.overall(results, override)
    grid = rag.dashboard(results)
    grid.insert(len(grid.columns), "headline", [_workstream_headline(results, ws, runs) for ws in grid.index])
    status = Status(
        period_end=period_end,
        counts=counts,
        milestones=ms,
        results=results,
        overall=overall,
        dashboard=grid.reset_index(),
        top_risks=raid.top_risks(raid_log, top_n),
        open_issues=raid.open_issues(raid_log),
        overdue_actions=raid.overdue_actions(raid_log, period_end),
        decisions=raid.decisions_needed(raid_log),
        workbook_metrics=diff.workbook_metrics(found, {"overall_rag": overall["rag"], **counts}),
        missing=[wb for wb, run in runs.items() if not run.found],
        runs=runs,
    )
    if previous is not None:
        status.has_previous = True
        status.deltas = diff.metric_deltas(status.workbook_metrics, previous.workbook_metrics)
        status.raid_changes = diff.raid_changes(raid_log, previous.raid)
        status.moves = diff.milestone_moves(ms, previous.milestones)
        status.changes = diff.change_lines(status.deltas, status.raid_changes, status.moves)
    status.bullets = summary.bullets(overall, results, counts, ms, status.top_risks, status.missing, status.changes)
    return status


def _workstream_headline(results: pd.DataFrame, workstream: str, runs: Mapping[str, Any]) -> str:
    """Headline figures of the workbooks a workstream's rules read (status's own counts included)."""
    parts = []
    for metric in results.loc[results["workstream"] == workstream, "metric"]:
        workbook = metric.split(".", 1)[0]
        run = runs.get(workbook)
        if workbook == "status" or run is None:
            continue
        text = headline_text(run.metrics, headline_names(workbook), 2) if run.found else "no run"
        if text and text not in parts:
            parts.append(text)
    own = results[(results["workstream"] == workstream) & results["metric"].str.startswith("status.")]
    parts += [f"{m.split('.', 1)[1]} {v}" for m, v in zip(own["metric"], own["value"])]
    return " · ".join(parts)


def runs_table(runs: Mapping[str, Any]) -> pd.DataFrame:
    """One row per workbook: the run folder used (or why none), its end time and headline figures."""
    rows = []
    for wb, run in runs.items():
        rows.append(
            {
                "workbook": wb,
                "run": run.folder.name if run.found else "missing",
                "finished": run.end.strftime("%Y-%m-%d %H:%M UTC") if run.end is not None else "",
                "headline": headline_text(run.metrics, headline_names(wb)) if run.found else run.problem,
            }
        )
    return pd.DataFrame(rows, columns=["workbook", "run", "finished", "headline"])


def workbook_title(workbook: str, run) -> str:
    """The run's recorded title, else the workbook name in words."""
    title = run.metrics.get("title") if run is not None and run.found else None
    return str(title) if title else workbook.replace("_", " ").capitalize()


def workbook_slides(runs: Mapping[str, Any]) -> list[WorkbookSlide]:
    """One slide per workbook: its key chart and headline figures, or why it is missing."""
    slides = []
    for wb, run in runs.items():
        title = workbook_title(wb, run)
        if not run.found:
            slides.append(WorkbookSlide(title, missing=f"Missing: {run.problem}. Its RAG rules show GREY (no data)."))
            continue
        verdict = run.metrics.get("verdict")
        caption = " · ".join(
            x
            for x in [
                headline_text(run.metrics, headline_names(wb)),
                f"run '{run.folder.name}' finished {run.end:%Y-%m-%d %H:%M} UTC" if run.end is not None else "",
            ]
            if x
        )
        if verdict:
            caption = f"{verdict}\n{caption}"
        if run.headline_chart is None:
            slides.append(WorkbookSlide(title, caption=caption, missing="The run saved no chart."))
        else:
            slides.append(WorkbookSlide(title, picture=run.headline_chart, caption=caption))
    return slides


def deck_content(status: Status, title: str, milestone_png: Path) -> dict:
    """Keyword arguments of :func:`pmokit.status.deck.build_deck` for this status."""
    slipped = status.milestones[status.milestones["slipped"]].sort_values("slip_days", ascending=False)
    caption = f"{len(slipped)} of {len(status.milestones)} milestones slipped"
    if len(slipped):
        caption += ": " + "; ".join(
            f"{m} +{d} d" for m, d in zip(slipped["milestone"].head(4), slipped["slip_days"].head(4))
        )
    subtitle = f"Week ending {status.period_end:%d %B %Y} · overall {status.overall['rag'].upper()}" + (
        " (override)" if status.overall["overridden"] else ""
    )
    return dict(
        title=title,
        subtitle=subtitle,
        overall=status.overall,
        bullets=status.bullets,
        dashboard=status.dashboard,
        workbooks=workbook_slides(status.runs),
        milestone_chart=milestone_png,
        milestone_caption=caption,
        risks=DeckTable(
            f"Top risks by probability x impact ({status.counts['open_risks']} open)",
            raid.display_table(status.top_risks, RISK_COLUMNS),
            (0.7, 5, 1.8, 1, 1, 0.8, 1.3),
            max_rows=5,
        ),
        issues=DeckTable(
            f"Open issues ({status.counts['open_issues']})",
            raid.display_table(status.open_issues, ISSUE_COLUMNS),
            (0.7, 6, 1.8, 1.3, 1.3),
            max_rows=4,
        ),
        actions=DeckTable(
            f"Overdue actions ({status.counts['overdue_actions']})",
            raid.display_table(status.overdue_actions, ACTION_COLUMNS),
            (0.7, 6, 1.8, 1.3, 1.3),
            max_rows=5,
        ),
        decisions=DeckTable(
            f"Decisions needed ({status.counts['decisions_needed']})",
            raid.display_table(status.decisions, DECISION_COLUMNS),
            (0.7, 6, 1.8, 1.3, 1.3),
            max_rows=4,
        ),
        changes=(status.changes or ["Nothing changed since the previous status run."]) if status.has_previous else [],
    )
