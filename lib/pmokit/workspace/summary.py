"""Headline numbers of the workspace-hygiene report and its one-sentence verdict."""

from __future__ import annotations

import pandas as pd

from pmokit.workspace.signals import TB

#: Share of live sites in the queue at or below which the verdict is green / amber (else red).
GREEN_SHARE = 0.10
AMBER_SHARE = 0.25


def headline_metrics(sites: pd.DataFrame, flagged: pd.DataFrame, queue: pd.DataFrame,
                     trend: pd.DataFrame | None = None) -> dict[str, float | int | str]:
    """The metrics the report records (flat names -> numbers).

    Parameters
    ----------
    sites : DataFrame
        Every site of the export (deleted ones included).
    flagged : DataFrame
        Live sites with their signals (:func:`pmokit.workspace.flag_sites`).
    queue : DataFrame
        :func:`pmokit.workspace.build_queue`.
    trend : DataFrame, optional
        :func:`pmokit.workspace.queue_trend`; without it the trend metrics are ``"n/a"``.
    """
    has_links = not flagged["anonymous_links"].isna().all()
    metrics: dict[str, float | int | str] = {
        "sites": len(flagged),
        "deleted_sites": int(sites["is_deleted"].sum()),
        "inactive_sites": int(flagged["inactive"].sum()),
        "never_active_sites": int(flagged["never_active"].sum()),
        "ownerless_sites": int(flagged["ownerless"].sum()),
        "owner_left_sites": int(flagged["owner_left"].sum()),
        "owner_unknown_sites": int(flagged["owner_unknown"].sum()),
        "concealed_sites": int(flagged["concealed"].sum()),
        "storage_used_tb": round(float(flagged["storage_used"].sum()) / TB, 3),
        "storage_hotspots": int(flagged["storage_over_warn"].sum()),
        "large_sites": int(flagged["large"].sum()),
        "anonymous_link_sites": int(flagged["anonymous_links_on"].sum()) if has_links else "n/a",
        "guest_link_sites": int(flagged["guest_links_on"].sum()) if has_links else "n/a",
        "queue_size": len(queue),
        "queue_share": round(len(queue) / len(flagged), 4) if len(flagged) else 0.0,
    }
    if trend is None:
        metrics.update(queue_new="n/a", queue_still_open="n/a", queue_fixed_since_last="n/a",
                       queue_previous_size="n/a", queue_change="n/a")
    else:
        counts = trend["Status"].value_counts()
        previous = int(counts.get("still open", 0) + counts.get("fixed", 0))
        metrics.update(queue_new=int(counts.get("new", 0)), queue_still_open=int(counts.get("still open", 0)),
                       queue_fixed_since_last=int(counts.get("fixed", 0)), queue_previous_size=previous,
                       queue_change=len(queue) - previous)
    return metrics


def verdict(metrics: dict) -> tuple[str, str]:
    """One sentence and a RAG status: the queue's share of live sites, and its trend when known.

    Examples
    --------
    >>> verdict({"sites": 200, "queue_size": 10, "queue_fixed_since_last": "n/a"})
    ('10 of 200 live sites (5%) need an owner, a clean-up or a review.', 'green')
    """
    share = metrics["queue_size"] / metrics["sites"] if metrics["sites"] else 0.0
    rag = "green" if share <= GREEN_SHARE else "amber" if share <= AMBER_SHARE else "red"
    text = (f"{metrics['queue_size']} of {metrics['sites']} live sites ({share:.0%}) need an owner, "
            f"a clean-up or a review.")
    if metrics.get("queue_fixed_since_last", "n/a") != "n/a":
        change = metrics["queue_change"]
        direction = "shrank" if change < 0 else "grew" if change > 0 else "did not change"
        size = f" by {abs(change)}" if change else ""
        text = (text[:-1] + f"; since the last run the queue {direction}{size} "
                f"({metrics['queue_fixed_since_last']} fixed, {metrics['queue_new']} new).")
    return text, rag
