"""What changed since the previous status run: metric deltas, new and closed RAID items, milestones
that moved."""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from pmokit import fmt

WORKBOOK_METRIC_COLUMNS = ["workbook", "metric", "value"]


def workbook_metrics(runs: Mapping[str, Any], own: Mapping[str, Any]) -> pd.DataFrame:
    """Long table ``workbook, metric, value`` (value as text) of every run's metrics and this
    workbook's own (as workbook ``status``): saved each week, compared the next."""
    rows = []
    for workbook, run in runs.items():
        metrics = run if isinstance(run, Mapping) else getattr(run, "metrics", {})
        rows += [(workbook, name, "" if v is None else str(v)) for name, v in metrics.items()]
    rows += [("status", name, "" if v is None else str(v)) for name, v in own.items()]
    return pd.DataFrame(rows, columns=WORKBOOK_METRIC_COLUMNS).astype("string")


def metric_deltas(
    current: pd.DataFrame, previous: pd.DataFrame, skip: tuple[str, ...] = ("title", "verdict")
) -> pd.DataFrame:
    """Metrics present in both runs whose value changed.

    Returns
    -------
    DataFrame
        ``workbook, metric, previous, current, change``: ``change`` is current - previous for numbers,
        blank for text (dates, RAG words) whose value changed.

    Examples
    --------
    >>> cur = pd.DataFrame({"workbook": ["a", "a"], "metric": ["n", "rag"], "value": ["12", "Red"]})
    >>> old = pd.DataFrame({"workbook": ["a", "a"], "metric": ["n", "rag"], "value": ["10", "Amber"]})
    >>> metric_deltas(cur, old)[["metric", "change"]].values.tolist()
    [['n', 2.0], ['rag', nan]]
    """
    columns = ["workbook", "metric", "previous", "current", "change"]
    if current.empty or previous.empty:
        return pd.DataFrame(columns=columns)
    both = current.merge(previous, on=["workbook", "metric"], suffixes=("_cur", "_prev"))
    both = both[~both["metric"].isin(skip)]
    both = both[both["value_cur"].fillna("") != both["value_prev"].fillna("")]
    cur = pd.to_numeric(both["value_cur"], errors="coerce")
    prev = pd.to_numeric(both["value_prev"], errors="coerce")
    out = pd.DataFrame(
        {
            "workbook": both["workbook"],
            "metric": both["metric"],
            "previous": both["value_prev"],
            "current": both["value_cur"],
            "change": (cur - prev).astype(float),
        }
    )
    return out.reset_index(drop=True)


def raid_changes(current: pd.DataFrame, previous: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """New and closed RAID items, matched by ``id``.

    ``new``: open now, and absent or closed last week (reopened items count as new).
    ``closed``: open last week, and closed or gone now (an item deleted from the log counts as
    closed, since the deck cannot tell the two apart; its status then reads 'removed from log').
    """
    if previous.empty or "id" not in previous:
        empty = current.iloc[0:0]
        return {"new": empty, "closed": empty}
    was_open = set(previous.loc[previous["open"], "id"])
    now_open = set(current.loc[current["open"], "id"])
    new = current[current["id"].isin(now_open - was_open)]
    closed_ids = was_open - now_open
    closed_now = current[current["id"].isin(closed_ids)]
    removed = previous[previous["id"].isin(closed_ids - set(current["id"]))].copy()
    removed["status"] = "removed from log"
    closed = pd.concat([closed_now, removed.reindex(columns=closed_now.columns)], ignore_index=True)
    return {
        "new": new.sort_values("id").reset_index(drop=True),
        "closed": closed.sort_values("id").reset_index(drop=True),
    }


def milestone_moves(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Milestones whose expected date (actual, else forecast) moved since last week, by name.

    Returns ``milestone, workstream, previous, current, moved_days`` (positive = later).
    """
    columns = ["milestone", "workstream", "previous", "current", "moved_days"]
    if previous.empty or "milestone" not in previous:
        return pd.DataFrame(columns=columns)

    def expected(frame: pd.DataFrame) -> pd.Series:
        return frame["actual"].fillna(frame["forecast"]).fillna(frame["baseline"])

    cur = current.assign(_exp=expected(current))[["milestone", "workstream", "_exp"]]
    old = previous.assign(_exp=expected(previous))[["milestone", "_exp"]]
    both = cur.merge(old, on="milestone", suffixes=("", "_prev"))
    moved = both[both["_exp"] != both["_exp_prev"]]
    out = pd.DataFrame(
        {
            "milestone": moved["milestone"],
            "workstream": moved["workstream"],
            "previous": moved["_exp_prev"],
            "current": moved["_exp"],
            "moved_days": (moved["_exp"] - moved["_exp_prev"]).dt.days,
        }
    )
    return out.sort_values("moved_days", ascending=False, key=abs).reset_index(drop=True)


def _named(row) -> str:
    """A changed metric in words: "Compliance report: Compliance %"."""
    return f"{fmt.label(str(row.workbook))}: {fmt.label(str(row.metric))}"


def change_lines(deltas: pd.DataFrame, raid: dict[str, pd.DataFrame], moves: pd.DataFrame, limit: int = 6) -> list[str]:
    """Short sentences for the 'what changed' slide and summary.md (the biggest changes first)."""
    lines = []
    if not raid["new"].empty or not raid["closed"].empty:
        lines.append(f"RAID: {fmt.count(len(raid['new']), 'new item')}, {len(raid['closed'])} closed.")
    for row in moves.head(3).itertuples():
        way = "later" if row.moved_days > 0 else "earlier"
        lines.append(
            f"Milestone '{row.milestone}' moved {fmt.duration_days(abs(int(row.moved_days)))} {way} to {row.current:%Y-%m-%d}."
        )
    numeric = deltas[deltas["change"].notna()].copy()
    numeric["size"] = numeric["change"].abs() / pd.to_numeric(numeric["previous"], errors="coerce").abs().clip(lower=1)
    for row in numeric.sort_values("size", ascending=False).itertuples():
        if len(lines) >= limit:
            break
        sign = "+" if row.change > 0 else ""
        lines.append(f"{_named(row)}: {row.previous} -> {row.current} ({sign}{fmt.number(row.change)}).")
    for row in deltas[deltas["change"].isna()].itertuples():
        if len(lines) >= limit:
            break
        lines.append(f"{_named(row)}: {row.previous} -> {row.current}.")
    return lines
