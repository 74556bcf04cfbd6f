"""Headline numbers of the workspace-hygiene report and the definition of each.

Counts only: no threshold and no colour here (those are the bands of :mod:`pmokit.workspace.assess`).
A figure that cannot be measured (link counts in the 15-column layout, the trend without a previous
queue) is None, recorded as JSON null and shown "—".
"""

from __future__ import annotations

from typing import Collection

import pandas as pd

from pmokit.workspace.signals import TB


def headline_metrics(
    sites: pd.DataFrame,
    flagged: pd.DataFrame,
    queue: pd.DataFrame,
    trend: pd.DataFrame | None = None,
    missing: Collection[str] = (),
) -> dict[str, float | int | None]:
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
        :func:`pmokit.workspace.queue_trend`; without it the trend metrics are None.
    missing : collection of str
        Signals not measured (``inactive``, ``storage``, ``storage_over_warn``: their column is blank
        for every live site); their counts are None, never 0.
    """
    has_links = not flagged["anonymous_links"].isna().all()
    metrics: dict[str, float | int | None] = {
        "sites": len(flagged),
        "deleted_sites": int(sites["is_deleted"].sum()),
        "inactive_sites": None if "inactive" in missing else int(flagged["inactive"].sum()),
        "never_active_sites": None if "inactive" in missing else int(flagged["never_active"].sum()),
        "ownerless_sites": int(flagged["ownerless"].sum()),
        "owner_left_sites": int(flagged["owner_left"].sum()),
        "ownerless_or_owner_left_sites": int((flagged["ownerless"] | flagged["owner_left"]).sum()),
        "owner_unknown_sites": int(flagged["owner_unknown"].sum()),
        "concealed_sites": int(flagged["concealed"].sum()),
        "storage_used_tb": None if "storage" in missing else round(float(flagged["storage_used"].sum()) / TB, 3),
        "storage_hotspots": None
        if {"storage", "storage_over_warn"} & set(missing)
        else int(flagged["storage_over_warn"].sum()),
        "large_sites": None if "storage" in missing else int(flagged["large"].sum()),
        "anonymous_link_sites": int(flagged["anonymous_links_on"].sum()) if has_links else None,
        "guest_link_sites": int(flagged["guest_links_on"].sum()) if has_links else None,
        "queue_size": len(queue),
        "queue_share": round(len(queue) / len(flagged), 4) if len(flagged) else None,
        "queue_share_pct": round(100 * len(queue) / len(flagged), 2) if len(flagged) else None,
    }
    if trend is None:
        metrics.update(
            queue_new=None,
            queue_still_open=None,
            queue_fixed_since_last=None,
            queue_previous_size=None,
            queue_change=None,
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
    """Definition of each metric of ``metrics.json``, keyed by the metric's own name (one entry per metric).

    The method notes are built from this mapping key by key, so a definition can never be shown
    beside another metric's name.

    Examples
    --------
    >>> d = metric_definitions(inactive_after_days=90, storage_warn_pct=80, large_site_gb=100)
    >>> d["ownerless_sites"]
    'Live sites with no owner: Owner Principal Name is blank.'
    """
    no_previous = " (— without a previous queue)"
    no_teams = " (— without a Teams export)"
    return {
        "as_of": "The report date: as_of if given, else the export's Report Refresh Date (the latest when files differ).",
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
        "anonymous_link_sites": "Live sites with Anonymous Link Count > 0 (— in the 15-column layout).",
        "guest_link_sites": "Live sites with Secure Link For Guest Count > 0 (— in the 15-column layout).",
        "queue_size": "Live sites with a queue score above 0 (at least one weighted signal).",
        "queue_share": "queue_size / sites, as a fraction (— without live sites).",
        "queue_share_pct": "100 x queue_size / sites, rounded to 2 decimals: the figure that colours the verdict "
        "(— without live sites).",
        "queue_new": "Site ids queued now but not in last run's queue" + no_previous + ".",
        "queue_still_open": "Site ids queued now and in last run's queue" + no_previous + ".",
        "queue_fixed_since_last": "Site ids in last run's queue but not queued now (resolved, deleted or gone "
        "from the export)" + no_previous + ".",
        "queue_previous_size": "Sites in last run's queue: queue_still_open + queue_fixed_since_last"
        + no_previous
        + ".",
        "queue_change": "This run's queue_size minus queue_previous_size" + no_previous + ".",
        "teams": "Live teams of the Teams export: Is Deleted is False" + no_teams + ".",
        "inactive_teams": f"Live teams whose Last Activity Date is {inactive_after_days}+ days before the report "
        "date, or empty (never used)" + no_teams + ".",
        "teams_with_guests": "Live teams with Guests > 0" + no_teams + ".",
    }
