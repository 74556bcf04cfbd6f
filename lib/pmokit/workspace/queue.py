"""The remediation queue: flagged sites ranked by weighted signals, action lists and the weekly trend."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from pmokit import fmt

#: Weight of each signal in a site's score (the params' ``weights`` override these).
DEFAULT_WEIGHTS: dict[str, float] = {
    "owner_left": 5,
    "ownerless": 5,
    "anonymous_links": 4,
    "inactive": 3,
    "owner_unknown": 2,
    "storage_over_warn": 2,
    "guest_links": 2,
    "large": 1,
}

#: Signal -> what the owner (or the admin) should do about it.
ACTIONS: dict[str, str] = {
    "owner_left": "assign a new owner",
    "ownerless": "assign an owner",
    "anonymous_links": "remove anonymous links or set an expiry",
    "inactive": "confirm the site is still needed; archive or delete it",
    "owner_unknown": "check the owner's account",
    "storage_over_warn": "clean up (old versions, large files) or raise the quota",
    "guest_links": "review guest access",
    "large": "review large content",
}

#: Signal -> the boolean column of :func:`pmokit.workspace.signals.flag_sites`.
SIGNAL_COLUMNS = {
    "owner_left": "owner_left",
    "ownerless": "ownerless",
    "anonymous_links": "anonymous_links_on",
    "inactive": "inactive",
    "owner_unknown": "owner_unknown",
    "storage_over_warn": "storage_over_warn",
    "guest_links": "guest_links_on",
    "large": "large",
}

QUEUE_COLUMNS = [
    "Rank",
    "Score",
    "Site",
    "Site Id",
    "Owner",
    "Owner UPN",
    "Department",
    "Template",
    "Last activity",
    "Days idle",
    "Used (GB)",
    "% of allocated",
    "Anonymous links",
    "Guest links",
    "Reasons",
    "Actions",
]


def _reason(signal: str, row) -> str:
    """One site's reason for one signal, with the figure behind it."""
    if signal == "inactive":
        return "never used" if row.never_active else f"no activity for {int(row.days_idle)} days"
    if signal == "owner_left":
        return f"owner left ({row.owner_upn})"
    if signal == "ownerless":
        return "no owner"
    if signal == "owner_unknown":
        return f"owner not on the staff list ({row.owner_upn})"
    if signal == "storage_over_warn":
        return f"storage at {row.used_pct:.0f}% of allocation"
    if signal == "large":
        return f"large: {row.used_gb:,.0f} GB"
    if signal == "anonymous_links":
        return fmt.count(int(row.anonymous_links), "anonymous link")
    if signal == "guest_links":
        return fmt.count(int(row.guest_links), "guest link")
    raise KeyError(signal)


def check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Merge the given weights over the defaults; unknown signal names raise ``KeyError``."""
    merged = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in DEFAULT_WEIGHTS:
            raise KeyError(f"unknown signal '{name}' in weights (known: {', '.join(DEFAULT_WEIGHTS)})")
        merged[name] = float(value)
    return merged


def build_queue(flagged: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Rank every site with at least one signal of positive weight.

    Score = sum of the weights of the site's signals. Ties are broken by storage used (larger
    first), then days idle (longer first, never-active first), then site id, so the order is stable.

    Returns
    -------
    DataFrame
        Columns ``QUEUE_COLUMNS`` plus ``owner_key`` and ``signals`` (list), rank 1 = most urgent.
    """
    weights = check_weights(weights)
    active = [s for s, w in sorted(weights.items(), key=lambda kv: -kv[1]) if w > 0]
    score = sum(flagged[SIGNAL_COLUMNS[s]].astype(float) * weights[s] for s in active) if active else 0.0
    frame = flagged.assign(score=score)
    frame = frame.loc[frame["score"] > 0].copy()
    frame["idle_sort"] = frame["days_idle"].astype("float64").fillna(float("inf"))
    frame = frame.sort_values(["score", "storage_used", "idle_sort", "site_id"], ascending=[False, False, False, True])
    signals = [[s for s in active if getattr(row, SIGNAL_COLUMNS[s])] for row in frame.itertuples()]
    reasons = ["; ".join(_reason(s, row) for s in sigs) for sigs, row in zip(signals, frame.itertuples())]
    queue = pd.DataFrame(
        {
            "Rank": range(1, len(frame) + 1),
            "Score": frame["score"].to_numpy(),
            "Site": frame["site"].to_numpy(),
            "Site Id": frame["site_id"].to_numpy(),
            "Owner": frame["owner_name"].to_numpy(),
            "Owner UPN": frame["owner_upn"].to_numpy(),
            "Department": frame["department"].to_numpy(),
            "Template": frame["family"].to_numpy(),
            "Last activity": frame["last_activity"].to_numpy(),
            "Days idle": frame["days_idle"].array,
            "Used (GB)": frame["used_gb"].to_numpy(),
            "% of allocated": frame["used_pct"].to_numpy(),
            "Anonymous links": frame["anonymous_links"].array,
            "Guest links": frame["guest_links"].array,
            "Reasons": reasons,
            "Actions": ["; ".join(ACTIONS[s] for s in sigs) for sigs in signals],
            "owner_key": frame["owner_key"].to_numpy(),
            "signals": pd.Series(signals, dtype=object).to_numpy(),
        }
    )
    return queue.reset_index(drop=True)


def owner_actions(queue: pd.DataFrame) -> pd.DataFrame:
    """One row per owner: sites to act on, total score, storage and the first site to look at.

    Ownerless sites are grouped under ``(no owner)`` for the admins.

    Returns
    -------
    DataFrame
        ``Owner``, ``Owner UPN``, ``Department``, ``Sites``, ``Total score``, ``Used (GB)``,
        ``Top site``, ``Top reason``; highest total score first.
    """
    if queue.empty:
        return pd.DataFrame(
            columns=["Owner", "Owner UPN", "Department", "Sites", "Total score", "Used (GB)", "Top site", "Top reason"]
        )
    key = queue["owner_key"].where(queue["owner_key"] != "", "(no owner)")
    grouped = queue.assign(_key=key).groupby("_key", sort=False)  # queue is ranked: first row = top site
    out = pd.DataFrame(
        {
            "Owner": grouped["Owner"].first().where(grouped["Owner UPN"].first() != "", "(no owner)"),
            "Owner UPN": grouped["Owner UPN"].first(),
            "Department": grouped["Department"].first(),
            "Sites": grouped.size(),
            "Total score": grouped["Score"].sum(),
            "Used (GB)": grouped["Used (GB)"].sum(),
            "Top site": grouped["Site"].first(),
            "Top reason": grouped["Reasons"].first(),
        }
    )
    return out.sort_values(["Total score", "Sites", "Owner UPN"], ascending=[False, False, True]).reset_index(drop=True)


def action_sheets(queue: pd.DataFrame, by: str = "department") -> dict[str, pd.DataFrame]:
    """Split the queue into one action list per department (or per owner), biggest list first.

    Sites whose owner has no department go to ``(no department)``; ownerless sites to ``(no owner)``.
    """
    if by not in {"department", "owner"}:
        raise ValueError(f"by must be 'department' or 'owner', got {by!r}")
    shown = queue.drop(columns=["owner_key", "signals"])
    if by == "department":
        key = queue["Department"].where(queue["Department"] != "", "(no department)")
        key = key.where(queue["owner_key"] != "", "(no owner)")
    else:
        key = queue["Owner"].where(queue["Owner"] != "", queue["Owner UPN"])
        key = key.where(queue["owner_key"] != "", "(no owner)")
    order = key.value_counts(sort=True)
    order = order.sort_index().sort_values(ascending=False, kind="stable")
    return {str(name): shown.loc[key == name].reset_index(drop=True) for name in order.index}


def queue_trend(queue: pd.DataFrame, previous: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Compare this run's queue with last run's: new, still open (with rank change), fixed.

    A site that left the queue is ``fixed`` (``resolved`` when it is live with no signal left,
    ``deleted`` when the export marks it deleted, ``gone from export`` when it is no longer listed).

    Parameters
    ----------
    queue : DataFrame
        From :func:`build_queue`.
    previous : DataFrame
        From :func:`pmokit.sources.m365.read_previous_queue`.
    sites : DataFrame
        All sites of this export, deleted ones included.

    Returns
    -------
    DataFrame
        ``Status`` (new / still open / fixed), ``Detail``, ``Site``, ``Site Id``, ``Rank now``,
        ``Rank before``, ``Reasons``; one row per site in either queue.
    """
    now = queue.set_index("Site Id")
    before = previous.set_index("site_id")
    deleted = set(sites.loc[sites["is_deleted"], "site_id"])
    listed = set(sites["site_id"])
    rows = []
    for site_id, row in now.iterrows():
        if site_id in before.index:
            old = before.loc[site_id, "rank"]
            moved = "" if pd.isna(old) else _moved(int(old), int(row["Rank"]))
            rows.append(("still open", moved, row["Site"], site_id, row["Rank"], old, row["Reasons"]))
        else:
            rows.append(("new", "", row["Site"], site_id, row["Rank"], pd.NA, row["Reasons"]))
    for site_id, row in before.iterrows():
        if site_id in now.index:
            continue
        detail = "deleted" if site_id in deleted else ("resolved" if site_id in listed else "gone from export")
        rows.append(("fixed", detail, row["site"], site_id, pd.NA, row["rank"], row["reasons"]))
    out = pd.DataFrame(rows, columns=["Status", "Detail", "Site", "Site Id", "Rank now", "Rank before", "Reasons"])
    out["Rank now"] = out["Rank now"].astype("Int64")
    out["Rank before"] = out["Rank before"].astype("Int64")
    order = {"new": 0, "still open": 1, "fixed": 2}
    return (
        out.assign(_o=out["Status"].map(order))
        .sort_values(["_o", "Rank now", "Rank before", "Site Id"], na_position="last")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def _moved(before: int, now: int) -> str:
    """Describe a rank change (a smaller rank is more urgent)."""
    if now < before:
        return f"up {before - now}"
    if now > before:
        return f"down {now - before}"
    return "same rank"


def queue_workbook(
    queue: pd.DataFrame, owners: pd.DataFrame, trend: pd.DataFrame | None = None, by: str = "department"
) -> dict[str, pd.DataFrame]:
    """Sheets of ``remediation_queue.xlsx``: Queue (read back next run), Trend, Owners, one per group.

    Nullable integers become floats with blanks, which Excel stores as empty cells.
    """
    sheets = {"Queue": queue.drop(columns=["owner_key", "signals"])}
    if trend is not None:
        sheets["Trend"] = trend
    sheets["Owners"] = owners
    sheets.update(action_sheets(queue, by))
    return {name: _plain_numbers(frame) for name, frame in sheets.items()}


def _plain_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.Int64Dtype | pd.Float64Dtype):
            out[col] = out[col].astype("float64")
    return out
