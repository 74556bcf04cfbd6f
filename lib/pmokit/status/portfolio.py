"""What the deck and the report show of each workbook run: headline texts, the runs table, the
workbook slides, and the arguments of :func:`pmokit.status.deck.build_deck`.

Headline metrics are handed in (``{workbook: names}``, from the workbook registry in the notebook):
this package never imports the registry.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import pandas as pd

from pmokit import fmt, report
from pmokit.bands import LABELS
from pmokit.status import raid
from pmokit.status.deck import DeckTable, WorkbookSlide

if TYPE_CHECKING:  # only for annotations: assess imports this module
    from pmokit.status.assess import StatusResult

Headlines = Mapping[str, tuple[str, ...]]


def metric_text(value: Any) -> str:
    """A metric value for a slide: numbers rounded (:func:`pmokit.fmt.number`), text as is, "—" when missing.

    Examples
    --------
    >>> metric_text(1234567), metric_text(0.96789), metric_text(None), metric_text(84.7595)
    ('1,234,567', '0.97', '—', '84.8')
    """
    return fmt.value(value)


def metric_phrase(name: str, value: Any) -> str:
    """A headline metric in words: its name as a reader says it and its value in its unit.

    Examples
    --------
    >>> metric_phrase("compliance_pct", 84.7595), metric_phrase("cycle_time_p85_days", 5.25), metric_phrase("wip", 37)
    ('Compliance 84.8%', 'Cycle time P85 5.25 days', 'WIP 37')
    """
    if name.endswith("_pct") and len(name) > 4:
        return f"{fmt.label(name[:-4])} {fmt.pct(value)}"
    if name.endswith("_days") and len(name) > 5:
        return f"{fmt.label(name[:-5])} {fmt.number(value)} days"
    return f"{fmt.label(name)} {metric_text(value)}"


def headline_text(metrics: Mapping[str, Any], names: tuple[str, ...], limit: int = 4) -> str:
    """'name value · name value' for the headline metrics present in ``metrics``.

    Examples
    --------
    >>> headline_text({"wip": 37, "rag": "Amber", "x": 1.23456}, ("wip", "missing", "x"))
    'WIP 37 · X 1.23'
    """
    shown = [metric_phrase(n, metrics[n]) for n in names if n in metrics and metrics[n] is not None]
    return " · ".join(shown[:limit])


def workstream_headline(results: pd.DataFrame, workstream: str, runs: Mapping[str, Any], headlines: Headlines) -> str:
    """Headline figures of the workbooks a workstream's rules read (status's own counts included)."""
    parts = []
    for metric in results.loc[results["workstream"] == workstream, "metric"]:
        workbook = metric.split(".", 1)[0]
        run = runs.get(workbook)
        if workbook == "status" or run is None:
            continue
        text = headline_text(run.metrics, tuple(headlines.get(workbook, ())), 2) if run.found else "no run"
        if text and text not in parts:
            parts.append(text)
    own = results[(results["workstream"] == workstream) & results["metric"].str.startswith("status.")]
    parts += [f"{fmt.label(m.split('.', 1)[1])} {v}" for m, v in zip(own["metric"], own["value"])]
    return " · ".join(parts)


def runs_table(runs: Mapping[str, Any], headlines: Headlines) -> pd.DataFrame:
    """One row per workbook: the run folder read (or why none), its end time and headline figures."""
    rows = []
    for wb, run in runs.items():
        rows.append(
            {
                "workbook": wb,
                "run": run.name if run.found else "missing",
                "finished": run.end.strftime("%Y-%m-%d %H:%M UTC") if run.end is not None else "",
                "headline": headline_text(run.metrics, tuple(headlines.get(wb, ()))) if run.found else run.problem,
            }
        )
    return pd.DataFrame(rows, columns=["workbook", "run", "finished", "headline"])


def workbook_title(workbook: str, run) -> str:
    """The run's recorded title, else the workbook name in words."""
    title = run.metrics.get("title") if run is not None and run.found else None
    return str(title) if title else workbook.replace("_", " ").capitalize()


def workbook_slides(runs: Mapping[str, Any], headlines: Headlines) -> list[WorkbookSlide]:
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
                headline_text(run.metrics, tuple(headlines.get(wb, ()))),
                f"run '{run.name}' finished {run.end:%Y-%m-%d %H:%M} UTC" if run.end is not None else "",
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


def show_slides(slides: list[WorkbookSlide]) -> None:
    """Show the workbook slides in the report: title, caption lines, key chart or why it is missing."""
    for slide in slides:
        report.say("<strong>{title}</strong>", title=slide.title)
        for line in [x for x in slide.caption.split("\n") if x] + ([slide.missing] if slide.missing else []):
            report.say("{line}", line=line)
        if slide.picture is not None:  # alt text: the chart's workbook, then its verdict (what the chart backs)
            message = next((x for x in slide.caption.split("\n") if x), "")
            report.show_image(slide.picture, alt=f"Key chart of {slide.title}: {message}" if message else slide.title)


def deck_content(result: StatusResult, title: str, milestone_png: Path) -> dict:
    """Keyword arguments of :func:`pmokit.status.deck.build_deck` for this status."""
    ms = result.milestones
    slipped = ms[ms["slipped"]].sort_values("slip_days", ascending=False)
    caption = f"{len(slipped)} of {fmt.count(len(ms), 'milestone')} slipped"
    if len(slipped):
        caption += ": " + "; ".join(
            f"{m} +{fmt.duration_days(d)}" for m, d in zip(slipped["milestone"].head(4), slipped["slip_days"].head(4))
        )
    subtitle = f"Week ending {result.period_end:%d %B %Y} · overall {LABELS.get(result.overall['rag'], 'NO DATA')}" + (
        " (override)" if result.overall["overridden"] else ""
    )
    counts = result.counts
    return dict(
        title=title,
        subtitle=subtitle,
        overall=result.overall,
        bullets=result.bullets,
        dashboard=result.dashboard,
        workbooks=result.slides,
        milestone_chart=milestone_png,
        milestone_caption=caption,
        risks=DeckTable(
            f"Top risks by probability x impact ({metric_text(counts['open_risks'])} open)",
            raid.display_table(result.top_risks, raid.RISK_COLUMNS),
            (0.7, 5, 1.8, 1, 1, 0.8, 1.3),
            max_rows=5,
        ),
        issues=DeckTable(
            f"Open issues ({metric_text(counts['open_issues'])})",
            raid.display_table(result.open_issues, raid.ISSUE_COLUMNS),
            (0.7, 6, 1.8, 1.3, 1.3),
            max_rows=4,
        ),
        actions=DeckTable(
            f"Overdue actions ({metric_text(counts['overdue_actions'])})",
            raid.display_table(result.overdue_actions, raid.ACTION_COLUMNS),
            (0.7, 6, 1.8, 1.3, 1.3),
            max_rows=5,
        ),
        decisions=DeckTable(
            f"Decisions needed ({metric_text(counts['decisions_needed'])})",
            raid.display_table(result.decisions, raid.DECISION_COLUMNS),
            (0.7, 6, 1.8, 1.3, 1.3),
            max_rows=4,
        ),
        changes=(result.changes or ["Nothing changed since the previous status run."]) if result.has_previous else [],
    )
