"""Headline numbers of the delivery report, overall and per project (flow, forecast, RAG)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from pmokit.bands import worst
from pmokit.delivery import flow, forecast, rag
from pmokit.sources.work_item_schema import ITEM_COLUMNS


def default_as_of(items: pd.DataFrame) -> pd.Timestamp:
    """The last day with any activity in the data (created or resolved), so reports are reproducible."""
    latest = pd.concat([items["created"], items["resolved"], items["started"]]).max()
    return (latest if pd.notna(latest) else pd.Timestamp.today()).normalize()


def flow_summary(
    staged: pd.DataFrame, as_of: pd.Timestamp, history_weeks: int, sle_percentile: int = 85
) -> dict[str, Any]:
    """Items, done items, throughput, cycle-time percentiles, WIP and aging against the SLE.

    Cycle-time percentiles and the SLE use items done within the history window, so that old work
    does not set today's expectation.
    """
    throughput = flow.weekly_throughput(staged, as_of, history_weeks)
    window_start = throughput.index[0]
    window_end = throughput.index[-1] + pd.Timedelta(days=7)
    recent = window_cycle_times(staged, throughput)["days"]
    pct = flow.percentile_days(recent, sorted({50, 85, 95, sle_percentile}))
    aging = flow.aging_wip(staged, as_of, pct[sle_percentile])
    return {
        "items": int(len(staged)),
        "done_items": int(staged["done_at"].notna().sum()),
        "throughput_per_week": round(float(throughput.mean()), 2),
        "cycle_time_p50_days": pct[50],
        "cycle_time_p85_days": pct[85],
        "cycle_time_p95_days": pct[95],
        "sle_days": pct[sle_percentile],
        "wip": int(len(aging)),
        "aging_over_sle": int(aging["over_sle"].sum()),
        "aging_share": round(float(aging["over_sle"].mean()), 3) if len(aging) else 0.0,
        "open_items": int(staged["done_at"].isna().sum()),
        "time_basis": flow.time_basis(staged),
        "window": f"{window_start.date()} to {(window_end - pd.Timedelta(days=1)).date()}",
    }


def window_cycle_times(staged: pd.DataFrame, throughput: pd.Series) -> pd.DataFrame:
    """Cycle times of the items done within the throughput history window (its full weeks)."""
    ct = flow.cycle_times(staged)
    start, end = throughput.index[0], throughput.index[-1] + pd.Timedelta(days=7)
    return ct.loc[(ct["done_at"] >= start) & (ct["done_at"] < end)].reset_index(drop=True)


def forecast_summary(
    throughput: pd.Series,
    remaining: int,
    as_of: pd.Timestamp,
    target_date: pd.Timestamp,
    trials: int,
    seed: int,
) -> dict[str, Any]:
    """P50/P85/P95 completion dates for ``remaining`` items and items done by ``target_date``.

    Returns None values (and a ``forecast_note``) when the history has no finished item.
    """
    weeks_left = max(0, (pd.Timestamp(target_date).normalize() - as_of.normalize()).days // 7)
    out: dict[str, Any] = {
        "remaining_items": int(remaining),
        "target_date": pd.Timestamp(target_date).date().isoformat(),
        "target_weeks": int(weeks_left),
    }
    try:
        weeks = forecast.weeks_to_finish(throughput.to_numpy(), remaining, trials, seed)
    except ValueError as exc:
        out.update({f"forecast_p{p}_date": None for p in forecast.PERCENTILES})
        out.update({f"by_target_p{p}": None for p in forecast.PERCENTILES})
        out["forecast_note"] = str(exc)
        out["weeks"] = np.array([], dtype=int)
        return out
    dates = forecast.when_dates(weeks, as_of)
    out.update({f"forecast_p{p}_date": (d.date().isoformat() if d is not None else None) for p, d in dates.items()})
    totals = forecast.items_by_weeks(throughput.to_numpy(), weeks_left, trials, seed)
    out.update({f"by_target_p{p}": v for p, v in forecast.how_many_levels(totals).items()})
    out["forecast_note"] = ""
    out["weeks"] = weeks
    out["totals"] = totals
    return out


def project_due_dates(staged: pd.DataFrame, given: Mapping[str, dt.date] | None = None) -> dict[str, pd.Timestamp]:
    """Each project's due date: the parameter when given, else the latest due date of its items."""
    latest = staged.dropna(subset=["project", "due"]).groupby("project")["due"].max().dt.normalize()
    dues = {str(k): v for k, v in latest.items()}
    dues.update({str(k): pd.Timestamp(v) for k, v in (given or {}).items()})
    return dues


def project_outlook(
    staged: pd.DataFrame,
    as_of: pd.Timestamp,
    history_weeks: int,
    trials: int,
    seed: int,
    sle_percentile: int = 85,
    due_dates: Mapping[str, dt.date] | None = None,
    rules: Sequence[Mapping[str, Any]] = rag.DEFAULT_RULES,
) -> pd.DataFrame:
    """One row per project: flow numbers, forecast of its open items, due date, RAG with rule and evidence."""
    dues = project_due_dates(staged, due_dates)
    rows = []
    for project, part in staged.groupby(staged["project"].fillna("(no project)"), sort=True):
        summary = flow_summary(part, as_of, history_weeks, sle_percentile)
        throughput = flow.weekly_throughput(part, as_of, history_weeks)
        due = dues.get(str(project))
        fc = forecast_summary(throughput, summary["open_items"], as_of, due if due is not None else as_of, trials, seed)
        evidence = {
            "throughput_per_week": summary["throughput_per_week"],
            "wip": summary["wip"],
            "aging_share": summary["aging_share"],
            "overdue_items": int(((part["due"] < as_of) & part["done_at"].isna()).sum()),
            "p85_days_late": _days_late(fc["forecast_p85_date"], due),
            "p50_days_late": _days_late(fc["forecast_p50_date"], due),
        }
        if summary["open_items"] == 0:
            # nothing remains: done, whatever the due date says (a finished project is never late news)
            status, rule, shown = "done", "nothing remains", f"all {summary['items']} items done"
        else:
            status, rule, shown = rag.evaluate(evidence, rules)
            if status == "grey":
                shown = f"{shown} ({'; '.join(_missing_reasons(due, fc))})"
        rows.append(
            {
                "project": project,
                "items": summary["items"],
                "done": summary["done_items"],
                "open": summary["open_items"],
                "wip": summary["wip"],
                "throughput_per_week": summary["throughput_per_week"],
                "cycle_time_p85_days": summary["cycle_time_p85_days"],
                "due": due,
                "forecast_p50": fc["forecast_p50_date"],
                "forecast_p85": fc["forecast_p85_date"],
                "forecast_p95": fc["forecast_p95_date"],
                "rag": status.capitalize(),
                "rule": rule,
                "evidence": shown,
            }
        )
    return pd.DataFrame(rows)


def _missing_reasons(due: pd.Timestamp | None, fc: Mapping[str, Any]) -> list[str]:
    """Why a project's forecast evidence is missing, in the reader's words."""
    reasons = []
    if due is None or pd.isna(due):
        reasons.append("no due date: set project_due_dates or give items a due date")
    if fc.get("forecast_note"):
        reasons.append(str(fc["forecast_note"]))
    return reasons or ["a rule's metric is not measurable"]


def _days_late(forecast_date: str | None, due: pd.Timestamp | None) -> int | None:
    if forecast_date is None or due is None or pd.isna(due):
        return None
    return int((pd.Timestamp(forecast_date) - pd.Timestamp(due).normalize()).days)


def overall_rag(outlook: pd.DataFrame) -> str:
    """The worst project status (red > amber > green or done; done only when every project is done;
    grey only when no project could be rated), capitalised like the table.

    Examples
    --------
    >>> overall_rag(pd.DataFrame({"rag": ["Green", "Grey", "Amber"]})), overall_rag(pd.DataFrame({"rag": ["Done"]}))
    ('Amber', 'Done')
    """
    return worst(outlook["rag"].astype(str).str.lower().tolist()).capitalize() if len(outlook) else "Grey"


def rows_by_file(items: pd.DataFrame, paths: str | Path | Iterable[str | Path]) -> list[tuple[str, int]]:
    """``(path, rows read from it)`` for each input file, for the report's list of sources."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    return [(str(path), rows_from(items, str(path))) for path in paths]


def prepare(
    items: pd.DataFrame,
    transitions: pd.DataFrame,
    as_of: dt.date | None,
    exclude_types: Sequence[str] = ("Epic",),
    start_statuses: Sequence[str] | None = None,
    done_statuses: Sequence[str] | None = None,
    dq=None,
) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Leave out container types, derive stages and pick the report date.

    Returns
    -------
    staged : DataFrame
        Items with ``category``, ``work_start``, ``done_at``, ``start_basis``, ``elapsed_start``.
    as_of : Timestamp
        ``as_of`` when given, else the last day with activity in the data.
    """
    excluded = excluded_mask(items, exclude_types)
    if dq is not None:
        dq.add(
            None,
            "type",
            f"item type in exclude_types ({', '.join(exclude_types)})",
            "left out of flow metrics (kept for project due dates)",
            rows=int(excluded.sum()),
        )
    kept = items.loc[~excluded].reset_index(drop=True)
    staged = flow.apply_stages(kept, transitions, start_statuses, done_statuses, dq=dq)
    day = pd.Timestamp(as_of) if as_of is not None else default_as_of(items)
    return staged, day.normalize()


def excluded_mask(items: pd.DataFrame, exclude_types: Sequence[str] = ("Epic",)) -> pd.Series:
    """True for the rows whose type is in ``exclude_types`` (containers left out of flow metrics).

    Parameters
    ----------
    items : DataFrame
        Canonical work items (needs ``type``).
    exclude_types : sequence of str
        Item types to leave out, compared exactly (e.g. ``["Epic"]``).

    Returns
    -------
    Series of bool
        Aligned with ``items``; missing types are never excluded.
    """
    return items["type"].isin(list(exclude_types or [])).fillna(False).astype(bool)


def rows_from(items: pd.DataFrame, path: str) -> int:
    """Rows of ``items`` read from the file ``path`` (readers label each row's source with the file name)."""
    return int(items["source"].str.endswith(f"({Path(path).name})").fillna(False).sum())


def headline_metrics(
    kpi: Mapping[str, Any], fc: Mapping[str, Any], overall: str, as_of: pd.Timestamp
) -> dict[str, Any]:
    """The flat metrics recorded in ``metrics.json`` (numbers, ISO dates or words)."""
    keys = [
        "items",
        "done_items",
        "open_items",
        "throughput_per_week",
        "cycle_time_p50_days",
        "cycle_time_p85_days",
        "cycle_time_p95_days",
        "sle_days",
        "wip",
        "aging_over_sle",
        "time_basis",
    ]
    out = {k: kpi[k] for k in keys}
    out.update(
        {
            k: fc[k]
            for k in (
                "remaining_items",
                "forecast_p50_date",
                "forecast_p85_date",
                "forecast_p95_date",
                "target_date",
                "by_target_p50",
                "by_target_p85",
                "by_target_p95",
            )
        }
    )
    out["rag"] = overall.lower()
    out["as_of"] = as_of.date().isoformat()
    return out


def verdict_text(kpi: Mapping[str, Any], fc: Mapping[str, Any], outlook: pd.DataFrame) -> str:
    """One sentence: pace, forecast and the projects at risk (or that nothing remains)."""
    if kpi["open_items"] == 0:
        return f"All {kpi['items']} items are done: nothing remains to forecast."
    red = outlook.loc[outlook["rag"] == "Red", "project"].astype(str).tolist()
    risk = (
        f"{len(red)} of {len(outlook)} project(s) Red ({', '.join(red)})"
        if red
        else f"no project Red of {len(outlook)}"
    )
    if fc["forecast_p85_date"] is None:
        when = f"no forecast ({fc['forecast_note']})"
    else:
        when = f"the {fc['remaining_items']} remaining items are 85% likely done by {fc['forecast_p85_date']}"
    return f"Finishing {kpi['throughput_per_week']:.1f} items a week with {kpi['wip']} in progress; {when}; {risk}."


def method_notes(
    kpi: Mapping[str, Any],
    history_weeks: int,
    sle_percentile: int,
    trials: int,
    seed: int,
    rules: Sequence[Mapping[str, Any]],
) -> dict[str, str]:
    """Definitions of every metric and threshold, for the Method notes section."""
    basis = kpi["time_basis"]
    notes = {
        "Throughput": f"items reaching a done status per ISO week (Monday-Sunday); throughput_per_week is the mean over "
        f"the last {history_weeks} full weeks ({kpi['window']}), zero weeks included, weeks before the "
        "first item was created left out.",
        "Start and done": "an item starts at its first move into an in-progress (or done) status in the history; without "
        "history, at the export's start hint (Jira 'Status Category Changed' for items in progress) or "
        "else its created date. It is done at its last move into a done status, else its resolved date, "
        "and only while its status is done (a reopened item is not done).",
        "Cycle / lead time": f"(done date - start date) + 1 in calendar days, so an item done the day it started took 1 day. "
        f"This report shows {basis}: "
        + (
            "most done items have a real start."
            if basis == "cycle time"
            else "most done items have no start in the export, so the clock starts at creation."
        ),
        "Percentiles": "P85 = 85% of items done in the window took this many days or fewer (an observed value, "
        "no interpolation).",
        "WIP and aging": f"WIP = items started and not done at the end of the report date. Age = (report date - start) + 1 "
        f"days, compared with the SLE = P{sle_percentile} {basis} ("
        + (
            f"{kpi['sle_days']:.0f} days)."
            if pd.notna(kpi["sle_days"])
            else "none here: no item was finished in the window, so no item is counted as older)."
        ),
        "XmR limits": "natural process limits = mean ± 2.66 × average moving range of weekly throughput (lower limit "
        "floored at 0); a week outside them is a signal worth a look, not noise.",
        "Forecast": f"{trials:,} Monte Carlo trials, each drawing future weeks' throughput at random from the history "
        f"weeks (numpy Generator, seed {seed}). P85 date = 85% of trials had finished by then. "
        "'How many by the target date' at P85 = at least that many items in 85% of trials.",
        "RAG rules": "tried per project in order, the first that holds gives the status; none holds = Green when every "
        "rule could be tested, else Grey with what is missing (no due date, no finished item to forecast from); a "
        "project with no open item is Done whatever its due date. "
        + " ".join(
            f"{r['rag'].capitalize()} when {r['when']}" + (f" ({r['why']})." if r.get("why") else ".") for r in rules
        ),
        "Project due date": "the project_due_dates parameter, else the latest due date of the project's items (epics included).",
        "Milestone slippage": "milestones = items of an excluded type (exclude_types, e.g. epics) with a due date. Days late = "
        "resolved date - due date when resolved by the report date (negative = early), report date - "
        "due date when open and past due, blank when open and not yet due.",
        "work_items.csv": "every item read, one row each; excluded = True for the items of exclude_types, which are left "
        "out of the flow metrics and have no derived stages.",
    }
    return notes


def work_items_table(
    items: pd.DataFrame, staged: pd.DataFrame, exclude_types: Sequence[str] = ("Epic",)
) -> pd.DataFrame:
    """The whole canonical table (every item read) plus the derived stages, for CSV and Excel.

    Parameters
    ----------
    items : DataFrame
        Every item read (:func:`pmokit.sources.work_items.read_work_items`).
    staged : DataFrame
        The output of :func:`prepare` on ``items`` with the same ``exclude_types``: the kept rows, in
        the same order, with ``category``, ``work_start``, ``done_at`` and ``start_basis``.
    exclude_types : sequence of str
        The types :func:`prepare` left out.

    Returns
    -------
    DataFrame
        One row per item read, in reading order; ``excluded`` is True for rows left out of the flow
        metrics (their derived columns are empty); lists are joined with ``; ``.
    """
    excluded = excluded_mask(items, exclude_types)
    if int((~excluded).sum()) != len(staged):
        raise ValueError(
            f"staged has {len(staged)} rows but {int((~excluded).sum())} items are not excluded; "
            "pass the items and exclude_types given to prepare()"
        )
    out = items[ITEM_COLUMNS].reset_index(drop=True)
    excluded = excluded.reset_index(drop=True)
    # prepare() keeps the order of the rows it does not exclude, so positions line up
    derived = staged[["category", "work_start", "done_at", "start_basis"]].set_axis(out.index[~excluded.to_numpy()])
    out = out.join(derived)
    out["excluded"] = excluded
    for col in ("sprints", "labels"):
        out[col] = out[col].map("; ".join)
    return out


def throughput_by_project(staged: pd.DataFrame, as_of: pd.Timestamp, history_weeks: int) -> pd.DataFrame:
    """Items done per ISO week and project (weeks as rows, projects as columns, zeros included)."""
    weeks = flow.weekly_throughput(staged, as_of, history_weeks).index
    columns = {}
    for project, part in staged.groupby(staged["project"].fillna("(no project)"), sort=True):
        # every project on the same weeks: a project that started later shows zeros, not a shorter line
        columns[project] = flow.weekly_throughput(
            part.assign(created=staged["created"].min()), as_of, history_weeks
        ).reindex(weeks, fill_value=0)
    return pd.DataFrame(columns, index=weeks)
