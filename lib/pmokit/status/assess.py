"""The week's status computed once: the colours of the dashboard, the RAID and milestone views, the
week-over-week comparison, the verdict, tiles and method notes.

:func:`bands` holds the thresholds of every figure this workbook colours itself (its PMO rules);
every other cell of the dashboard shows the colour the workbook recorded (:mod:`pmokit.status.rag`).
:func:`assess` is pure: the notebook reads the inputs, hands over the registry's deck rules and
headline metrics, and shows one attribute of the :class:`StatusResult` per section.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from pmokit import fmt
from pmokit.assessment import Assessment, Tile
from pmokit.bands import LABELS, Band, Rating, rag_metrics
from pmokit.status import diff, milestones, portfolio, rag, raid, summary
from pmokit.status.deck import WorkbookSlide


def bands(p) -> dict[str, Band]:
    """The thresholds of the figures the status deck colours itself (PMO conventions).

    The three PMO counts are also cells of the dashboard (rules ``status.<metric>``, which show these
    colours as recorded); ``workbooks_missing`` colours its tile only.
    """
    return {
        "milestones_slipped": Band(
            "milestones_slipped", "Milestones slipped", "lower_is_better", amber=0, red=2, fmt="{:.0f}"
        ),
        "decisions_needed": Band(
            "decisions_needed", "Decisions needed", "lower_is_better", amber=1, red=3, fmt="{:.0f}"
        ),
        "overdue_actions": Band("overdue_actions", "Overdue actions", "lower_is_better", amber=2, red=5, fmt="{:.0f}"),
        "workbooks_missing": Band(
            "workbooks_missing", "Workbook runs missing", "lower_is_better", amber=0, red=2, fmt="{:.0f}"
        ),
    }


def default_period_end(raid_log: pd.DataFrame, given: dt.date | str | None) -> pd.Timestamp:
    """The status date: the given one, else the latest 'raised' or 'closed' date of the RAID log
    (dates that lie in the past when the log is exported), else today."""
    if given:
        return pd.Timestamp(given).normalize()
    dates = pd.concat([raid_log["raised"], raid_log["closed"]]).dropna()
    return dates.max().normalize() if len(dates) else pd.Timestamp.today().normalize()


#: The RAID counts: unknown (None, never 0) when the RAID log gave no item.
RAID_COUNTS = ("open_risks", "high_risks", "open_issues", "overdue_actions", "decisions_needed")


def unread_inputs(raid_log: pd.DataFrame, milestone_list: pd.DataFrame) -> dict[str, str]:
    """Inputs that gave no row to count: {"raid" | "milestones": reason}.

    A header-only RAID log (or one whose every row was dropped) says nothing about risks: its counts
    are unknown, not 0 ("0 risks, every row read" was the old headline). A log whose items are all
    closed is read, and its 0 open risks stand.

    Examples
    --------
    >>> list(unread_inputs(pd.DataFrame(), pd.DataFrame({"milestone": ["M1"]})))
    ['raid']
    """
    why = {}
    if raid_log.empty:
        why["raid"] = "the RAID log gave no item (only a header row, or every row dropped: see Data quality)"
    if milestone_list.empty:
        why["milestones"] = "the milestones file gave no milestone with a baseline date"
    return why


def uncertain_overall(overall: dict, unread: dict[str, str]) -> dict:
    """The overall state when an input gave nothing to count: green or done cannot be told (grey).

    Red and amber stand (what is known is already bad); a PMO override stands (a written choice).

    Examples
    --------
    >>> uncertain_overall({"rag": "green", "rule": "all green", "overridden": False}, {"raid": "no item"})["rag"]
    'grey'
    >>> uncertain_overall({"rag": "red", "rule": "x", "overridden": False}, {"raid": "no item"})["rule"]
    'x; uncertain: no item'
    """
    if not unread or overall["overridden"]:
        return overall
    why = "; ".join(unread.values())
    if overall["rag"] == "grey":
        return {**overall, "rule": f"{overall['rule']}; {why}"}
    if overall["rag"] in ("green", "done"):
        return {**overall, "rag": "grey", "rule": f"uncertain: {why} (the rules with data gave {overall['rag']})"}
    return {**overall, "rule": f"{overall['rule']}; uncertain: {why}"}


def _count(value) -> str:
    """A count for a tile or caption: "—" when unknown."""
    return "—" if value is None else str(value)


@dataclass
class StatusResult(Assessment):
    """Everything the report and the deck show (besides the common :class:`~pmokit.assessment.Assessment`)."""

    period_end: pd.Timestamp | None = None
    counts: dict = field(default_factory=dict)
    milestones: pd.DataFrame = field(default_factory=pd.DataFrame)
    results: pd.DataFrame = field(default_factory=pd.DataFrame)
    overall: dict = field(default_factory=dict)
    dashboard: pd.DataFrame = field(default_factory=pd.DataFrame)
    top_risks: pd.DataFrame = field(default_factory=pd.DataFrame)
    open_issues: pd.DataFrame = field(default_factory=pd.DataFrame)
    overdue_actions: pd.DataFrame = field(default_factory=pd.DataFrame)
    decisions: pd.DataFrame = field(default_factory=pd.DataFrame)
    workbook_metrics: pd.DataFrame = field(default_factory=pd.DataFrame)
    missing: list[str] = field(default_factory=list)
    runs: Mapping[str, Any] = field(default_factory=dict)
    runs_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    slides: list[WorkbookSlide] = field(default_factory=list)
    has_previous: bool = False
    previous_name: str = ""
    previous_period_end: Any = None
    deltas: pd.DataFrame = field(default_factory=pd.DataFrame)
    raid_changes: dict = field(default_factory=dict)
    moves: pd.DataFrame = field(default_factory=pd.DataFrame)
    changes: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    unread: dict[str, str] = field(default_factory=dict)  # input -> why it gave nothing to count

    # Display tables of the report's sections (dates as text, the columns shown).
    @property
    def grid(self) -> pd.DataFrame:
        """Workstream x dimension states, for the figure."""
        return self.dashboard.set_index("workstream").drop(columns="headline")

    @property
    def dimensions(self) -> list[str]:
        return [c for c in self.dashboard.columns if c not in ("workstream", "headline")]

    @property
    def milestone_view(self) -> pd.DataFrame:
        return raid.display_table(self.milestones, milestones.MILESTONE_VIEW)

    @property
    def risk_view(self) -> pd.DataFrame:
        return raid.display_table(self.top_risks, raid.RISK_COLUMNS + ["mitigation"])

    @property
    def issue_view(self) -> pd.DataFrame:
        return raid.display_table(self.open_issues, raid.ISSUE_COLUMNS)

    @property
    def action_view(self) -> pd.DataFrame:
        return raid.display_table(self.overdue_actions, raid.ACTION_COLUMNS)

    @property
    def decision_view(self) -> pd.DataFrame:
        return raid.display_table(self.decisions, raid.DECISION_COLUMNS)

    @property
    def new_items_view(self) -> pd.DataFrame:
        return raid.display_table(self.raid_changes.get("new", pd.DataFrame()), raid.CHANGE_COLUMNS)

    @property
    def closed_items_view(self) -> pd.DataFrame:
        return raid.display_table(self.raid_changes.get("closed", pd.DataFrame()), raid.CHANGE_COLUMNS)

    @property
    def rules_view(self) -> pd.DataFrame:
        """The rules applied, each metric named in words ("Compliance report: SLA breaches")."""
        view = self.results.copy()
        view["metric"] = [metric_words(m) for m in view["metric"]]
        return view

    @property
    def deltas_view(self) -> pd.DataFrame:
        """The metrics that changed, named in words; the workbook in words."""
        view = self.deltas.copy()
        if not view.empty:
            view["metric"] = [fmt.label(str(m)) for m in view["metric"]]
            view["workbook"] = [fmt.label(str(w)) for w in view["workbook"]]
        return view

    @property
    def moves_view(self) -> pd.DataFrame:
        return raid.display_table(self.moves, milestones.MOVE_COLUMNS)


def metric_words(metric: str) -> str:
    """A rule's ``"<workbook>.<metric>"`` in words; this report's own counts as "This report".

    Examples
    --------
    >>> metric_words("compliance_report.sla_breaches"), metric_words("status.overdue_actions")
    ('Compliance report: SLA breaches', 'This report: Overdue actions')
    """
    workbook, _, key = metric.partition(".")
    return f"{'This report' if workbook == 'status' else fmt.label(workbook)}: {fmt.label(key)}"


def _overall_tile(overall: dict, results: pd.DataFrame, rating: Rating) -> Tile:
    """The Overall tile: the state's word once (the tile's colour label), the cell that decided it as
    the value and that cell's reason as the note (the verdict above gives the whole rule)."""
    shown = overall["rag"]
    if overall["overridden"]:
        return Tile("Overall", "PMO override", rating, overall["rule"])
    if shown in ("red", "amber"):
        deciding = results[results["rag"] == shown]
        first = deciding.iloc[0]
        more = f" +{len(deciding) - 1} more" if len(deciding) > 1 else ""
        return Tile("Overall", f"{first['workstream']} {first['dimension']}{more}", rating, first["reason"])
    known = int((results["rag"] != "grey").sum())
    return Tile("Overall", f"{known} of {len(results)} rules with data", rating, overall["rule"])


def _notes(result: StatusResult, p) -> dict[str, str]:
    return {
        "overall_rag": "The worst state of the dashboard's rules that had data (red, then amber; green and done "
        "rank alike; done only when every rule with data is done); grey (NO DATA) only when no rule had data. "
        "It is the verdict's colour (verdict_rag). An override (rag_override, with a written reason) replaces "
        "it and is shown as an override; overall_rag_computed keeps what the rules gave.",
        "RAG rule (built in)": "Each workbook's deck rules come from the workbook registry and the PMO rules from "
        "this report. A rule without thresholds shows the colour the workbook recorded in metrics.json as "
        "'<metric>_rag' ('verdict_rag' for its verdict), so the deck and that workbook's report show the same "
        "colour; the thresholds are stated in that workbook's method notes. A workbook that recorded no colour "
        "gives grey with the reason; a metric that is itself a RAG word is shown as recorded; a workbook without "
        "a run gives grey with why.",
        "RAG rule (your thresholds)": "A rule in rag_rules with thresholds is the PMO's explicit choice and is "
        "evaluated here as written: red/amber when below red_below/amber_below, or above red_above/amber_above; "
        "dates compare as dates. Its colour may then differ from the workbook's own report. A missing metric "
        "gives grey, never green.",
        "Run read": "Per workbook, the run named in runs ({workbook: run}); it must exist and have succeeded, else "
        "the workbook is missing with the reason. Without a name, the workbook's only succeeded run under "
        "reports_dir; two or more succeeded runs without a name stop the report with an input error naming "
        "them (never the latest by end time).",
        "open_risks": "RAID items of type Risk whose status is not a closing word (closed, done, resolved, "
        "mitigated...).",
        "high_risks": f"Open risks with probability x impact >= {raid.HIGH_RISK_SCORE} (each rated 1-5; "
        "'4 - High' choices and words mapped).",
        "overdue_actions": "Open actions whose due date is on or before the status date.",
        "decisions_needed": "Open RAID items of type Decision.",
        "milestones_slipped": "Milestones whose actual date, else forecast, is later than baseline by more than "
        f"slip_tolerance_days ({p.slip_tolerance_days}).",
        "workbooks_missing": "Workbooks the deck reports that have no usable run (see Run read).",
        **result.threshold_notes(),
        "Status date": "period_end, else the latest raised or closed date in the RAID log.",
        "What changed": "Metric values that differ from the previous status run's snapshot; RAID items new (open "
        "now, not open then) or closed (open then, closed or removed now) by id; milestones whose expected date "
        "moved.",
    }


def assess(
    runs: Mapping[str, Any],
    raid_log: pd.DataFrame,
    milestone_list: pd.DataFrame,
    previous,
    p,
    *,
    deck_rules: list[dict] | None = None,
    headlines: Mapping[str, tuple[str, ...]] | None = None,
) -> StatusResult:
    """Compute the week's status from the runs, the RAID log, the milestones and last week's run.

    Parameters
    ----------
    runs : mapping
        workbook -> :class:`~pmokit.sources.status_inputs.WorkbookRun` (:func:`~pmokit.sources.status_inputs.select_runs`).
    raid_log, milestone_list : DataFrame
        Canonical tables from the readers.
    previous : PreviousStatus or None
        Last week's status run (None: no comparison).
    p : StatusDeckParams
        ``period_end``, ``rag_rules``, ``rag_override``, ``top_risks``, ``slip_tolerance_days``.
    deck_rules : list of dict, optional
        The registry's deck rules of the reported workbooks (``registry.deck_rules(ids)``), used when
        ``p.rag_rules`` is not given.
    headlines : mapping, optional
        ``{workbook: headline metric names}`` (``registry.deck_headlines(ids)``).
    """
    headlines = dict(headlines or {})
    period_end = default_period_end(raid_log, p.period_end)
    limits = bands(p)
    ms = milestones.slips(milestone_list, period_end, p.slip_tolerance_days)
    unread = unread_inputs(raid_log, milestone_list)
    counts = {**raid.counts(raid_log, period_end), "milestones_slipped": milestones.slipped_count(ms)}
    if "raid" in unread:
        counts.update(dict.fromkeys(RAID_COUNTS))
    if "milestones" in unread:
        counts["milestones_slipped"] = None
    found = {wb: run for wb, run in runs.items() if run.found}
    missing = [wb for wb, run in runs.items() if not run.found]
    own = {**counts, "workbooks_missing": len(missing)}
    why_unknown = {"milestones_slipped": unread.get("milestones"), **dict.fromkeys(RAID_COUNTS, unread.get("raid"))}
    ratings = {name: band.rate(own[name], missing=why_unknown.get(name) or "") for name, band in limits.items()}

    rules = list(p.rag_rules) if p.rag_rules else rag.default_rules(deck_rules)
    values = rag.metric_values(found, {**own, **rag_metrics(ratings)})
    reasons = {
        **{f"status.{name}": rating.reason for name, rating in ratings.items()},
        **{wb: f"no run of {wb}: {runs[wb].problem}" for wb in missing},
    }
    results = rag.evaluate_all(rules, values, reasons)
    overall = uncertain_overall(rag.overall(results, p.rag_override), unread)
    grid = rag.dashboard(results)
    grid.insert(
        len(grid.columns),
        "headline",
        [portfolio.workstream_headline(results, ws, runs, headlines) for ws in grid.index],
    )
    rating = Rating(overall["rag"], overall["rule"])
    label = LABELS.get(overall["rag"], overall["rag"].upper())
    metrics = {
        "overall_rag": overall["rag"],
        "overall_rag_computed": overall["computed"],
        **counts,
        "milestones": int(len(ms)),
        "workbooks_found": len(found),
        "workbooks_missing": len(missing),
        "period_end": period_end.date().isoformat(),
    }
    result = StatusResult(
        metrics=metrics,
        verdict=f"Portfolio {label} for the week ending {period_end:%Y-%m-%d}: {overall['rule']}.",
        unread=unread,
        rating=rating,
        ratings=ratings,
        bands=limits,
        period_end=period_end,
        counts=counts,
        milestones=ms,
        results=results,
        overall=overall,
        dashboard=grid.reset_index(),
        top_risks=raid.top_risks(raid_log, p.top_risks),
        open_issues=raid.open_issues(raid_log),
        overdue_actions=raid.overdue_actions(raid_log, period_end),
        decisions=raid.decisions_needed(raid_log),
        workbook_metrics=diff.workbook_metrics(found, {"overall_rag": overall["rag"], **counts}),
        missing=missing,
        runs=runs,
        runs_table=portfolio.runs_table(runs, headlines),
        slides=portfolio.workbook_slides(runs, headlines),
    )
    if previous is not None:
        result.has_previous = True
        result.previous_name = previous.folder.name
        result.previous_period_end = previous.metrics.get("period_end")
        result.deltas = diff.metric_deltas(result.workbook_metrics, previous.workbook_metrics)
        result.raid_changes = diff.raid_changes(raid_log, previous.raid)
        result.moves = diff.milestone_moves(ms, previous.milestones)
        result.changes = diff.change_lines(result.deltas, result.raid_changes, result.moves)
    result.bullets = summary.bullets(overall, results, counts, ms, result.top_risks, missing, result.changes)
    result.tiles = [
        _overall_tile(overall, results, rating),
        Tile(
            "Milestones slipped",
            "—" if "milestones" in unread else f"{counts['milestones_slipped']} of {len(ms)}",
            ratings["milestones_slipped"],
        ),
        Tile(
            "Open risks",
            _count(counts["open_risks"]),
            note=unread["raid"]
            if "raid" in unread
            else f"{counts['high_risks']} high (score >= {raid.HIGH_RISK_SCORE}); {len(raid_log)} RAID items read",
        ),
        Tile("Overdue actions", _count(counts["overdue_actions"]), ratings["overdue_actions"]),
        Tile("Decisions needed", _count(counts["decisions_needed"]), ratings["decisions_needed"]),
        Tile("Workbook runs missing", str(len(missing)), ratings["workbooks_missing"], ", ".join(missing)),
    ]
    result.notes = _notes(result, p)
    return result
