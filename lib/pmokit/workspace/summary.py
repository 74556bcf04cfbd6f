"""Headline numbers of the workspace-hygiene report and its one-sentence verdict."""

from __future__ import annotations

import pandas as pd

from pmokit.workspace.signals import TB

#: Share of live sites in the queue at or below which the verdict is green / amber (else red).
GREEN_SHARE = 0.10
AMBER_SHARE = 0.25


def headline_metrics(
    sites: pd.DataFrame, flagged: pd.DataFrame, queue: pd.DataFrame, trend: pd.DataFrame | None = None
) -> dict[str, float | int | str]:
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
        "ownerless_or_owner_left_sites": int((flagged["ownerless"] | flagged["owner_left"]).sum()),
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
        metrics.update(
            queue_new="n/a",
            queue_still_open="n/a",
            queue_fixed_since_last="n/a",
            queue_previous_size="n/a",
            queue_change="n/a",
        )
    else:
        counts = trend["Status"].value_counts()
        previous = int(counts.get("still open", 0) + counts.get("fixed", 0))
        metrics.update(
            queue_new=int(counts.get("new", 0)),
            queue_still_open=int(counts.get("still open", 0)),
            queue_fixed_since_last=int(counts.get("fixed", 0)),
            queue_previous_size=previous,
            queue_change=len(queue) - previous,
        )
    return metrics


def metric_definitions(*, inactive_after_days: int, storage_warn_pct: float, large_site_gb: float) -> dict[str, str]:
    """Definition of each headline metric of ``metrics.json``, for the report's Method notes.

    Examples
    --------
    >>> d = metric_definitions(inactive_after_days=90, storage_warn_pct=80, large_site_gb=100)
    >>> d["ownerless_sites"]
    'Live sites with no owner: Owner Principal Name is blank.'
    """
    return {
        "sites": "Live sites: rows of the export whose Is Deleted is False.",
        "deleted_sites": "Sites whose Is Deleted is True; counted apart, never queued.",
        "inactive_sites": f"Live sites whose Last Activity Date is {inactive_after_days}+ days before the report date, "
        "or empty (never used).",
        "never_active_sites": "Live sites with an empty Last Activity Date (part of inactive_sites).",
        "ownerless_sites": "Live sites with no owner: Owner Principal Name is blank.",
        "owner_left_sites": "Live sites whose owner has left: the owner's UPN is on the staff list with a status "
        "meaning left (0 without a staff list).",
        "ownerless_or_owner_left_sites": "Live sites with no owner or whose owner has left, each site counted once "
        "(the 'ownerless or owner-left' figure of the report).",
        "owner_unknown_sites": "Live sites whose owner's UPN is not on the staff list at all (concealed, hashed "
        "owners are never counted here; 0 without a staff list).",
        "concealed_sites": "Live sites whose names the tenant conceals: blank URL and a 32-hex hashed owner.",
        "storage_used_tb": "Storage Used (Byte) summed over live sites, in binary TB (1024\u2074 bytes).",
        "storage_hotspots": f"Live sites using at least {storage_warn_pct:g}% of their Storage Allocated (Byte).",
        "large_sites": f"Live sites using at least {large_site_gb:g} GB (1 GB = 1024\u00b3 bytes).",
        "anonymous_link_sites": "Live sites with Anonymous Link Count > 0 (n/a in the 15-column layout).",
        "guest_link_sites": "Live sites with Secure Link For Guest Count > 0 (n/a in the 15-column layout).",
        "queue_size": "Live sites with a queue score above 0 (at least one weighted signal).",
        "queue_share": "queue_size / sites.",
        "queue_new, queue_still_open, queue_fixed_since_last": (
            "Site ids queued now but not last run / in both / queued last run but not now "
            "(n/a without a previous queue)."
        ),
        "queue_previous_size, queue_change": "Sites in last run's queue that are still open or fixed; this run's "
        "queue_size minus it (n/a without a previous queue).",
    }


def verdict(metrics: dict) -> tuple[str, str]:
    """One sentence and a RAG status: the queue's share of live sites, and its trend when known.

    Examples
    --------
    >>> verdict({"sites": 200, "queue_size": 10, "queue_fixed_since_last": "n/a"})
    ('10 of 200 live sites (5%) need an owner, a clean-up or a review.', 'green')
    """
    share = metrics["queue_size"] / metrics["sites"] if metrics["sites"] else 0.0
    rag = "green" if share <= GREEN_SHARE else "amber" if share <= AMBER_SHARE else "red"
    text = (
        f"{metrics['queue_size']} of {metrics['sites']} live sites ({share:.0%}) need an owner, a clean-up or a review."
    )
    if metrics.get("queue_fixed_since_last", "n/a") != "n/a":
        change = metrics["queue_change"]
        direction = "shrank" if change < 0 else "grew" if change > 0 else "did not change"
        size = f" by {abs(change)}" if change else ""
        text = (
            text[:-1] + f"; since the last run the queue {direction}{size} "
            f"({metrics['queue_fixed_since_last']} fixed, {metrics['queue_new']} new)."
        )
    return text, rag
