"""Signals per site: inactive, ownerless or owner left, storage hotspots, external and anonymous sharing.

Storage is in binary units, as the SharePoint admin centre counts it (a 25 TB quota is
25 x 1024^4 bytes): 1 GB = 1024^3 bytes and 1 TB = 1024^4 bytes.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

GB = 1024**3
TB = 1024**4

#: Root Web Template (as exported) -> family shown in the report. Lower-cased keys.
TEMPLATE_FAMILIES = {
    "group": "Group-connected team site",
    "team site": "Team site (no group)",
    "team site (classic)": "Team site (no group)",
    "team site (classic experience)": "Team site (no group)",
    "sts": "Team site (no group)",
    "communication site": "Communication site",
    "sitepagepublishing": "Communication site",
    "team channel": "Teams channel site",
    "teamchannel": "Teams channel site",
}


def template_family(templates: pd.Series) -> pd.Series:
    """Map ``Root Web Template`` values onto families (team site, communication site, group, channel).

    Examples
    --------
    >>> template_family(pd.Series(["Group", "Communication Site", "Publishing Site"])).tolist()
    ['Group-connected team site', 'Communication site', 'Other: Publishing Site']
    """
    text = templates.astype("string").fillna("").str.strip()
    mapped = text.str.lower().map(TEMPLATE_FAMILIES)
    return mapped.where(mapped.notna(), "Other: " + text).astype(str)


def report_date(sites: pd.DataFrame, as_of: dt.date | str | None = None) -> pd.Timestamp:
    """The date the analysis is made on: ``as_of`` if given, else the export's latest refresh date."""
    if as_of is not None and str(as_of) not in ("", "None"):
        return pd.Timestamp(as_of).normalize()
    return pd.Timestamp(sites["refresh_date"].max()).normalize()


def flag_sites(
    sites: pd.DataFrame,
    staff: pd.DataFrame | None = None,
    *,
    as_of: dt.date | str | None = None,
    inactive_after_days: int = 90,
    storage_warn_pct: float = 80.0,
    large_site_gb: float = 100.0,
) -> pd.DataFrame:
    """Add one boolean column per signal (and the figures behind them) to the live sites.

    Deleted sites (``Is Deleted`` True) are left out: they need no action.

    Parameters
    ----------
    sites : DataFrame
        From :func:`pmokit.sources.m365.read_site_usage`.
    staff : DataFrame, optional
        From :func:`pmokit.sources.m365.read_staff_list`; without it owner-left cannot be told.
    as_of : date, optional
        Report date; default the export's refresh date.
    inactive_after_days : int
        A site is inactive when its last activity is at least this many days before ``as_of``, or
        when it was never active.
    storage_warn_pct : float
        A storage hotspot uses at least this percentage of its allocation.
    large_site_gb : float
        A site using at least this many GB is flagged as large.

    Returns
    -------
    DataFrame
        The live sites plus ``family``, ``department``, ``days_idle`` (NA when never active),
        ``used_gb``, ``used_pct`` and the signals ``inactive``, ``never_active``, ``ownerless``,
        ``owner_left``, ``owner_unknown``, ``storage_over_warn``, ``large``, ``anonymous_links_on``,
        ``guest_links_on``.
    """
    day = report_date(sites, as_of)
    live = sites.loc[~sites["is_deleted"]].copy()
    live["family"] = template_family(live["template"])
    idle = (day - live["last_activity"].dt.normalize()).dt.days
    live["days_idle"] = idle.astype("Int64")
    live["never_active"] = live["last_activity"].isna().to_numpy()
    live["inactive"] = (live["never_active"] | (idle >= inactive_after_days).fillna(False)).astype(bool)

    live["ownerless"] = (live["owner_key"] == "").to_numpy()
    live["department"] = ""
    live["owner_left"] = False
    live["owner_unknown"] = False
    if staff is not None and len(staff):
        info = staff.set_index("upn")
        known = live["owner_key"].isin(info.index)
        active = live["owner_key"].map(info["active"])
        live["department"] = live["owner_key"].map(info["department"]).fillna("").astype(str)
        live["owner_left"] = (known & (active == False)).astype(bool)  # noqa: E712 (object column)
        # Concealed owners are hashes: absence from the staff list says nothing about them.
        live["owner_unknown"] = (~known & ~live["ownerless"] & ~live["concealed"]).astype(bool)

    live["used_gb"] = live["storage_used"] / GB
    allocated = live["storage_allocated"].where(live["storage_allocated"] > 0)
    live["used_pct"] = (100 * live["storage_used"] / allocated).astype("float64")
    live["storage_over_warn"] = (live["used_pct"] >= storage_warn_pct).fillna(False).astype(bool)
    live["large"] = (live["used_gb"] >= large_site_gb).fillna(False).astype(bool)
    live["anonymous_links_on"] = (live["anonymous_links"].fillna(0) > 0).astype(bool)
    live["guest_links_on"] = (live["guest_links"].fillna(0) > 0).astype(bool)
    return live.reset_index(drop=True)


def template_summary(flagged: pd.DataFrame) -> pd.DataFrame:
    """Sites, inactive sites and storage (GB) per template family, largest storage first.

    Returns
    -------
    DataFrame
        ``Template``, ``Sites``, ``Inactive``, ``Storage used (GB)``, ``Share of storage``.
    """
    grouped = flagged.groupby("family", sort=False).agg(Sites=("site_id", "size"), Inactive=("inactive", "sum"))
    # min_count=1: a family whose storage figures are all blank has unknown storage ("—"), not 0 GB
    grouped["used"] = flagged.groupby("family", sort=False)["storage_used"].sum(min_count=1)
    total = grouped["used"].sum()
    out = pd.DataFrame(
        {
            "Template": grouped.index.astype(str),
            "Sites": grouped["Sites"].astype(int).to_numpy(),
            "Inactive": grouped["Inactive"].astype(int).to_numpy(),
            "Storage used (GB)": (grouped["used"] / GB).to_numpy(),
            "Share of storage": (grouped["used"] / total if total else grouped["used"] * 0).to_numpy(),
        }
    )
    return out.sort_values(["Storage used (GB)", "Template"], ascending=[False, True]).reset_index(drop=True)


def storage_hotspots(flagged: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """The largest sites and every site above the warning percentage, largest first.

    Returns
    -------
    DataFrame
        ``Site``, ``Owner``, ``Template``, ``Used (GB)``, ``Allocated (GB)``, ``% of allocated``,
        ``Why listed`` ('largest', 'above warning' or both).
    """
    largest = flagged.nlargest(top, "storage_used").index
    pick = flagged.index.isin(largest) | flagged["storage_over_warn"].to_numpy()
    hot = flagged.loc[pick].sort_values(["storage_used", "site_id"], ascending=[False, True])
    why = np.where(
        hot.index.isin(largest) & hot["storage_over_warn"],
        "largest; above warning",
        np.where(hot.index.isin(largest), "largest", "above warning"),
    )
    return pd.DataFrame(
        {
            "Site": hot["site"].to_numpy(),
            "Owner": hot["owner_name"].to_numpy(),
            "Template": hot["family"].to_numpy(),
            "Used (GB)": hot["used_gb"].to_numpy(),
            "Allocated (GB)": (hot["storage_allocated"] / GB).to_numpy(),
            "% of allocated": hot["used_pct"].to_numpy(),
            "Why listed": why,
        }
    )


def sharing_summary(flagged: pd.DataFrame) -> pd.DataFrame | None:
    """Sites with anonymous or guest links, most anonymous links first; None for the 15-column layout.

    Returns
    -------
    DataFrame or None
        ``Site``, ``Owner``, ``External sharing`` (the site's setting as exported),
        ``Anonymous links``, ``Guest links``, ``Company links``.
    """
    if flagged["anonymous_links"].isna().all() and flagged["guest_links"].isna().all():
        return None
    shared = flagged.loc[flagged["anonymous_links_on"] | flagged["guest_links_on"]]
    shared = shared.sort_values(["anonymous_links", "guest_links", "site_id"], ascending=[False, False, True])
    return pd.DataFrame(
        {
            "Site": shared["site"].to_numpy(),
            "Owner": shared["owner_name"].to_numpy(),
            "External sharing": shared["external_sharing"].to_numpy(),
            "Anonymous links": shared["anonymous_links"].astype("Int64").array,
            "Guest links": shared["guest_links"].astype("Int64").array,
            "Company links": shared["company_links"].astype("Int64").array,
        }
    )


def flag_teams(
    teams: pd.DataFrame, *, as_of: dt.date | str | None = None, inactive_after_days: int = 90
) -> pd.DataFrame:
    """Add the review signals to the live teams: ``days_idle``, ``never_active``, ``inactive``, ``has_guests``.

    Deleted teams are left out. A team is inactive when its last activity is at least
    ``inactive_after_days`` before the report date, or when it was never active (the same rule as
    for sites); it has guests when ``guests`` is above 0.

    Parameters
    ----------
    teams : DataFrame
        From :func:`pmokit.sources.m365.read_teams_activity`.
    as_of : date, optional
        Report date; default the export's refresh date.
    inactive_after_days : int
        Same threshold as for sites.

    Examples
    --------
    >>> teams = pd.DataFrame({
    ...     "team_name": ["A", "B", "C"], "is_deleted": [False, False, True],
    ...     "last_activity": pd.to_datetime(["2026-11-20", None, "2025-01-01"]),
    ...     "refresh_date": pd.to_datetime(["2026-11-26"] * 3), "guests": pd.array([0, 2, 0], "Int64")})
    >>> flag_teams(teams)[["team_name", "inactive", "never_active", "has_guests"]].values.tolist()
    [['A', False, False, False], ['B', True, True, True]]
    """
    day = report_date(teams, as_of)
    live = teams.loc[~teams["is_deleted"]].copy()
    idle = (day - live["last_activity"].dt.normalize()).dt.days
    never = live["last_activity"].isna()
    live["days_idle"] = idle.astype("Int64")
    live["never_active"] = never.to_numpy(dtype=bool)
    live["inactive"] = (never | (idle >= inactive_after_days).fillna(False)).to_numpy(dtype=bool)
    live["has_guests"] = (live["guests"].fillna(0) > 0).to_numpy(dtype=bool)
    return live.reset_index(drop=True)


def teams_metrics(flagged_teams: pd.DataFrame | None) -> dict[str, int | None]:
    """``teams``, ``inactive_teams`` and ``teams_with_guests`` counted on the signals of :func:`flag_teams`;
    None for each without a Teams export.

    Examples
    --------
    >>> teams_metrics(pd.DataFrame({"inactive": [True, False, True], "has_guests": [True, True, False]}))
    {'teams': 3, 'inactive_teams': 2, 'teams_with_guests': 2}
    >>> teams_metrics(None)
    {'teams': None, 'inactive_teams': None, 'teams_with_guests': None}
    """
    if flagged_teams is None:
        return {"teams": None, "inactive_teams": None, "teams_with_guests": None}
    return {
        "teams": len(flagged_teams),
        "inactive_teams": int(flagged_teams["inactive"].sum()),
        "teams_with_guests": int(flagged_teams["has_guests"].sum()),
    }


def teams_review(
    teams: pd.DataFrame, *, as_of: dt.date | str | None = None, inactive_after_days: int = 90
) -> pd.DataFrame:
    """Live teams that are inactive or have guests, inactive first, then by guests.

    Parameters
    ----------
    teams : DataFrame
        From :func:`pmokit.sources.m365.read_teams_activity`, or already flagged by :func:`flag_teams`
        (recognised by its ``has_guests`` column; ``as_of`` and ``inactive_after_days`` are then unused).
    as_of : date, optional
        Report date; default the export's refresh date.
    inactive_after_days : int
        Same threshold as for sites.

    Returns
    -------
    DataFrame
        ``Team``, ``Type``, ``Last activity``, ``Days idle``, ``Active users``, ``Guests``,
        ``Active external users``, ``Why listed`` (words for readers; count with :func:`teams_metrics`).
    """
    live = teams if "has_guests" in teams else flag_teams(teams, as_of=as_of, inactive_after_days=inactive_after_days)
    why = [
        "; ".join(w for w, on in (("never used" if never else "inactive", ina), ("guests", g)) if on)
        for never, ina, g in zip(live["never_active"], live["inactive"], live["has_guests"])
    ]
    live = live.assign(why=why)
    shown = live.loc[live["inactive"] | live["has_guests"]].sort_values(
        ["inactive", "guests", "team_name"], ascending=[False, False, True]
    )
    return pd.DataFrame(
        {
            "Team": shown["team_name"].to_numpy(),
            "Type": shown["team_type"].to_numpy(),
            "Last activity": shown["last_activity"].to_numpy(),
            "Days idle": shown["days_idle"].array,
            "Active users": shown["active_users"].array,
            "Guests": shown["guests"].array,
            "Active external users": shown["active_external_users"].array,
            "Why listed": shown["why"].to_numpy(),
        }
    )
