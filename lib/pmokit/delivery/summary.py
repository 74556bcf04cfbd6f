"""Headline numbers of the delivery report, overall and per project (flow, forecast, RAG)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from pmokit import fmt
from pmokit.bands import is_missing, worst
from pmokit.delivery import flow, forecast, rag
from pmokit.sources.work_item_schema import ITEM_COLUMNS


def default_as_of(items: pd.DataFrame, transitions: pd.DataFrame | None = None) -> pd.Timestamp:
    """The last day with any activity in the data (created, started, resolved, last activity or a status
    change), so reports are reproducible."""
    dates = [items["created"], items["resolved"], items["started"], items["updated"]]
    if transitions is not None and len(transitions):
        dates.append(transitions["at"])
    latest = pd.concat(dates).max()
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
        "window_done_items": int(len(recent)),
        "throughput_per_week": round(float(throughput.mean()), 2),
        "cycle_time_p50_days": pct[50],
        "cycle_time_p85_days": pct[85],
        "cycle_time_p95_days": pct[95],
        "sle_days": pct[sle_percentile],
        "wip": int(len(aging)),
        "aging_over_sle": int(aging["over_sle"].sum()),
        # no SLE (nothing finished in the window): the share past it is unknown, not 0
        "aging_share": _aging_share(aging, pct[sle_percentile]),
        "open_items": int(staged["done_at"].isna().sum()),
        "time_basis": flow.time_basis(staged),
        "window": f"{window_start.date()} to {(window_end - pd.Timedelta(days=1)).date()}",
    }


def _aging_share(aging: pd.DataFrame, sle_days: float) -> float | None:
    """Share of WIP older than the SLE; 0.0 with no WIP, None when there is no SLE to compare with."""
    if pd.isna(sle_days):
        return None
    return round(float(aging["over_sle"].mean()), 3) if len(aging) else 0.0


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
    min_weeks: int = forecast.MIN_HISTORY_WEEKS,
    history_weeks: int | None = None,
) -> dict[str, Any]:
    """P50/P85/P95 completion dates for ``remaining`` items and items done by ``target_date``.

    Returns None values and a ``forecast_note`` saying why when nothing remains, when the history
    is shorter than ``min_weeks`` full weeks, or when it has no finished item. "How many by the
    target date" is capped at ``remaining`` (``by_target_capped`` says when the cap applied): more
    than what remains would assume work that has not arrived. ``history_weeks`` is the number of
    weeks of real history (:func:`pmokit.delivery.flow.weeks_of_history`); default the length of
    ``throughput``.
    """
    history = int(len(throughput) if history_weeks is None else history_weeks)
    weeks_left = max(0, (pd.Timestamp(target_date).normalize() - as_of.normalize()).days // 7)
    out: dict[str, Any] = {
        "remaining_items": int(remaining),
        "target_date": pd.Timestamp(target_date).date().isoformat(),
        "target_weeks": int(weeks_left),
        "history_weeks": history,
        "by_target_capped": False,
    }
    note = _no_forecast_reason(throughput, remaining, min_weeks, history)
    if note:
        out.update({f"forecast_p{p}_date": None for p in forecast.PERCENTILES})
        out.update({f"by_target_p{p}": None for p in forecast.PERCENTILES})
        out["forecast_note"] = note
        out["weeks"] = np.array([], dtype=int)
        return out
    weeks = forecast.weeks_to_finish(throughput.to_numpy(), remaining, trials, seed)
    dates = forecast.when_dates(weeks, as_of)
    out.update({f"forecast_p{p}_date": (d.date().isoformat() if d is not None else None) for p, d in dates.items()})
    totals = forecast.items_by_weeks(throughput.to_numpy(), weeks_left, trials, seed)
    levels = forecast.how_many_levels(totals)
    out.update({f"by_target_p{p}": min(v, int(remaining)) for p, v in levels.items()})
    out["by_target_capped"] = any(v > remaining for v in levels.values())
    out["forecast_note"] = "" if dates[85] is not None else "more than ten years at the pace of the history"
    out["weeks"] = weeks
    out["totals"] = totals
    return out


def _no_forecast_reason(throughput: pd.Series, remaining: int, min_weeks: int, weeks: int) -> str:
    """Why no forecast can be stated, in the reader's words; empty when one can."""
    if remaining <= 0:
        return "nothing remains"
    if weeks < min_weeks:
        return (
            f"{weeks} full week{'s' if weeks != 1 else ''} of history since the first item was created, "
            f"fewer than the {min_weeks} a forecast needs (min_history_weeks)"
        )
    if throughput.sum() <= 0:
        return f"no item was finished in the last {weeks} full weeks: nothing to resample"
    return ""


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
    min_history_weeks: int = forecast.MIN_HISTORY_WEEKS,
) -> pd.DataFrame:
    """One row per project: flow numbers, forecast of its open items, due date, RAG with rule and evidence."""
    dues = project_due_dates(staged, due_dates)
    rows = []
    for project, part in staged.groupby(staged["project"].fillna("(no project)"), sort=True):
        summary = flow_summary(part, as_of, history_weeks, sle_percentile)
        throughput = flow.weekly_throughput(part, as_of, history_weeks)
        due = dues.get(str(project))
        fc = forecast_summary(
            throughput,
            summary["open_items"],
            as_of,
            due if due is not None else as_of,
            trials,
            seed,
            min_history_weeks,
            flow.weeks_of_history(part, as_of, history_weeks),
        )
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
                shown = f"{shown} ({'; '.join(_missing_reasons(evidence, due, fc, rules))})"
            elif status == "green" and summary["window_done_items"] == 0:
                # good news needs evidence of flow: a rule on WIP alone cannot make a stalled project green
                status, rule = "grey", "green needs a finished item"
                shown = f"no item finished in the history window ({summary['window']}); {shown}"
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


def _missing_reasons(
    evidence: Mapping[str, Any], due: pd.Timestamp | None, fc: Mapping[str, Any], rules: Sequence[Mapping[str, Any]]
) -> list[str]:
    """Why the metrics the rules test are missing, in the reader's words (one reason each)."""
    used = {rag.parse_rule(rule)[0] for rule in rules}
    missing = {m for m in used if is_missing(evidence.get(m))}
    reasons = []
    if missing & {"p85_days_late", "p50_days_late"}:
        if due is None or pd.isna(due):
            reasons.append("no due date: set project_due_dates or give items a due date")
        if fc.get("forecast_note"):
            reasons.append(f"no forecast: {fc['forecast_note']}")
    if "aging_share" in missing:
        reasons.append("no item finished in the window, so no SLE to compare WIP with")
    return reasons


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
    day = (pd.Timestamp(as_of) if as_of is not None else default_as_of(items, transitions)).normalize()
    staged = flow.apply_stages(kept, transitions, start_statuses, done_statuses, dq=dq, as_of=day)
    return staged, day


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


def verdict_text(
    kpi: Mapping[str, Any],
    fc: Mapping[str, Any],
    outlook: pd.DataFrame,
    grey_reason: str | None = None,
    unrecognised: int = 0,
) -> str:
    """One sentence: pace, forecast and the projects at risk (or that nothing remains).

    ``grey_reason`` is the portfolio rating's reason when no project could be rated; ``unrecognised``
    the number of status names counted as to do for want of a recognised word.
    """
    if kpi["open_items"] == 0:
        return f"All {kpi['items']} items are done: nothing remains to forecast."
    if kpi["window_done_items"] == 0:
        pace = f"No item finished in the history window ({kpi['window']}), with {kpi['wip']} in progress"
    else:
        pace = f"Finishing {kpi['throughput_per_week']:.1f} items a week with {kpi['wip']} in progress"
    if fc["forecast_p85_date"] is None:
        when = f"no forecast ({fc['forecast_note']})"
    else:
        when = f"the {fc['remaining_items']} remaining items are 85% likely done by {fc['forecast_p85_date']}"
    red = outlook.loc[outlook["rag"] == "Red", "project"].astype(str).tolist()
    if red:
        risk = f"{len(red)} of {fmt.count(len(outlook), 'project')} Red ({', '.join(red)})"
    elif grey_reason and fc["forecast_note"] and fc["forecast_note"] in grey_reason:
        risk = "so no project could be rated (see Projects and RAG)"
    elif grey_reason:
        risk = grey_reason
    else:
        risk = f"no project Red of {len(outlook)}"
    names = (
        f"; {unrecognised} status name{'s' if unrecognised != 1 else ''} not recognised and counted as to do "
        "(see Statuses and stages: set start_statuses / done_statuses)"
        if unrecognised
        else ""
    )
    return f"{pace}; {when}; {risk}{names}."


def reading_sentence(metrics: Mapping[str, Any], files: str) -> str:
    """What was read and what the report date left out, for the Summary section."""
    text = (
        f"Read {metrics['items_read']} work items from {files} ({metrics['status_changes']} status changes of "
        f"history up to the report date, {metrics['as_of']})."
    )
    left_out = metrics["items_left_out"]
    if left_out:
        text += (
            f" {left_out} of them are left out (created after the report date, or archived on a list that is not "
            "a done stage): see Data quality."
        )
    return text


def throughput_sentence(xmr: Mapping[str, float], weeks: int, signals: int) -> str:
    """The Throughput section's sentence (the caller shows it only when at least one full week has ended)."""
    return (
        f"Weekly throughput averaged {xmr['centre']:.1f} items over {weeks} full week{'s' if weeks != 1 else ''}; "
        f"weeks outside {xmr['lower']:.1f}–{xmr['upper']:.1f} items are signals ({signals} here)."
    )


def cycle_sentence(kpi: Mapping[str, Any]) -> str:
    """The Cycle time section's sentence; says why when no item finished in the window (no "nan days")."""
    basis = kpi["time_basis"]
    if kpi["window_done_items"] == 0:
        return f"No item was finished in the history window ({kpi['window']}), so there is no {basis} to show."
    return (
        f"Of the {kpi['window_done_items']} items done in the history window ({kpi['window']}), 85% took "
        f"{kpi['cycle_time_p85_days']:.0f} days or fewer ({basis}); half took {kpi['cycle_time_p50_days']:.0f} or fewer."
    )


def forecast_sentence(fc: Mapping[str, Any]) -> str:
    """The Forecast section's sentence: when, and how many by the target date (never more than remain).

    Examples
    --------
    >>> fc = {"remaining_items": 48, "history_weeks": 12, "forecast_p50_date": "2026-04-05",
    ...       "forecast_p85_date": "2026-04-12", "forecast_p95_date": "2026-04-19", "target_date": "2026-05-01",
    ...       "target_weeks": 6, "by_target_p85": 48, "by_target_p50": 48, "by_target_capped": True}
    >>> print(forecast_sentence(fc))  # doctest: +NORMALIZE_WHITESPACE
    With the last 12 weeks' pace, the 48 remaining items are done by 2026-04-05 (50%), 2026-04-12 (85%) or
    2026-04-19 (95%). By 2026-05-01, all 48 remaining items will be done with 85% confidence; the forecast counts
    the items open today only, so work that arrives meanwhile is not in it.
    """
    n = fc["remaining_items"]
    when = (
        f"With the last {fc['history_weeks']} weeks' pace, the {n} remaining items are done by "
        f"{fc['forecast_p50_date']} (50%), {fc['forecast_p85_date']} (85%) or {fc['forecast_p95_date']} (95%)."
    )
    if fc["target_weeks"] <= 0:
        return when + f" The target date {fc['target_date']} is less than a full week away: no 'how many by' figure."
    if fc["by_target_p85"] >= n:
        return when + (
            f" By {fc['target_date']}, all {n} remaining items will be done with 85% confidence; the forecast counts "
            "the items open today only, so work that arrives meanwhile is not in it."
        )
    return when + (
        f" By {fc['target_date']}, at least {fc['by_target_p85']} of the {n} remaining items will be done with 85% "
        f"confidence ({fc['by_target_p50']} at 50%)."
    )


def method_notes(
    kpi: Mapping[str, Any],
    history_weeks: int,
    sle_percentile: int,
    trials: int,
    seed: int,
    rules: Sequence[Mapping[str, Any]],
    min_history_weeks: int = forecast.MIN_HISTORY_WEEKS,
) -> dict[str, str]:
    """Definitions of every metric and threshold, for the Method notes section."""
    basis = kpi["time_basis"]
    notes = {
        "Throughput": "items reaching a done status per ISO week (Monday-Sunday); throughput_per_week is the mean over "
        f"the full weeks of the window ({kpi['window']}; at most the last {history_weeks}), zero weeks included, "
        "weeks before the first item was created left out.",
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
        "'How many by the target date' at P85 = at least that many items in 85% of trials, never more than the "
        "items remaining (arrivals are not forecast). "
        f"No forecast is stated from fewer than {min_history_weeks} full weeks of history since the first item "
        "was created (min_history_weeks): resampling one or two weeks gives P50 = P85 = P95 and a certainty the "
        "data do not support; the same holds per project.",
        "Statuses and stages": "a status named in done_statuses is done, one in start_statuses in progress; when "
        "start_statuses (done_statuses) is given, every other in-progress (done) status counts as to do. Other "
        "statuses take the export's own category (Jira's Status Category), else the stage their name's words "
        "say (English and common Spanish, Portuguese, French and German words); a name no word explains counts "
        "as to do and the Statuses and stages section lists it. Archived Trello cards count as done when their list is a done "
        "stage and are left out otherwise.",
        "Report date": "every figure shows the data as it was at the end of the report date (as_of): items created "
        "later are left out, later status changes are undone from the history, and items done or started later "
        "count as open or not started then.",
        "RAG rules": "tried per project in order, the first that holds gives the status; none holds = Green when every "
        "rule could be tested, else Grey with what is missing (no due date, no finished item to forecast from); a "
        "project with no open item is Done whatever its due date. "
        + " ".join(
            f"{r['rag'].capitalize()} when {rag.condition_text(*rag.parse_rule(r))} (rule {r['when']}"
            + (f": {r['why']})." if r.get("why") else ").")
            for r in rules
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
    items: pd.DataFrame,
    staged: pd.DataFrame,
    exclude_types: Sequence[str] = ("Epic",),
    as_of: pd.Timestamp | None = None,
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
    as_of : Timestamp, optional
        Report date: dates after it are blank (they had not happened yet).

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
    if as_of is not None:
        end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
        for col in ("started", "resolved", "updated"):
            out[col] = out[col].where(out[col].isna() | (out[col] < end))
    out["excluded"] = excluded
    for col in ("sprints", "labels"):
        # text dtype, so that writing the CSV neutralises it in one vectorised pass
        out[col] = out[col].map("; ".join).astype("string")
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
