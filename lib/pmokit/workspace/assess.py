"""The workspace-hygiene assessment: every figure, colour, table and sentence of the report, computed once.

:func:`bands` holds the one threshold ladder this workbook colours with (the queue's share of live
sites); :func:`assess` ties the analysis modules together (:mod:`.signals` flags sites and teams,
:mod:`.queue` ranks and compares, :mod:`.summary` counts) and returns a :class:`WorkspaceResult`
that the notebook shows section by section. Pure: no file reads, no display.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pmokit.assessment import Assessment, Tile
from pmokit.bands import Band, Rating, done, grey, is_missing
from pmokit.workspace.queue import build_queue, check_weights, owner_actions, queue_trend, queue_workbook
from pmokit.workspace.signals import (
    GB,
    flag_sites,
    flag_teams,
    report_date,
    sharing_summary,
    storage_hotspots,
    teams_metrics,
    teams_review,
    template_summary,
)
from pmokit.workspace.summary import headline_metrics, metric_definitions

#: The rated figure: the share of live sites in the remediation queue, in percent.
QUEUE_SHARE = "queue_share_pct"
#: Green at or below this share of live sites in the queue (%), amber above it up to :data:`QUEUE_SHARE_RED_PCT`.
QUEUE_SHARE_AMBER_PCT = 10.0
#: Red above this share of live sites in the queue (%).
QUEUE_SHARE_RED_PCT = 25.0

#: Columns of the queue shown in the report (the workbook holds every column).
QUEUE_VIEW = ["Rank", "Score", "Site", "Owner", "Template", "Used (GB)", "Reasons", "Actions"]
#: Columns of the ownership table.
OWNERSHIP_VIEW = ["Rank", "Site", "Owner", "Owner UPN", "Department", "Days idle", "Reasons"]
OWNERSHIP_SIGNALS = {"ownerless", "owner_left", "owner_unknown"}


def bands(p) -> dict[str, Band]:
    """Every threshold this workbook colours with: the queue's share of live sites (lower is better).

    The same band colours the Remediation queue tile, the verdict and the status deck's cell
    (through ``queue_share_pct_rag`` in ``metrics.json``).

    Examples
    --------
    >>> b = bands(None)["queue_share_pct"]
    >>> [b.rate(v).rag for v in (10, 10.01, 25, 25.01, None)]
    ['green', 'amber', 'amber', 'red', 'grey']
    """
    return {
        QUEUE_SHARE: Band(
            QUEUE_SHARE,
            "Share of live sites in the queue",
            "lower_is_better",
            amber=QUEUE_SHARE_AMBER_PCT,
            red=QUEUE_SHARE_RED_PCT,
            fmt="{:.3g}%",
        )
    }


@dataclass
class WorkspaceResult(Assessment):
    """What the workspace-hygiene report shows, section by section.

    Attributes beyond :class:`~pmokit.assessment.Assessment`:

    flagged : live sites with their signals (:func:`~pmokit.workspace.signals.flag_sites`)
    queue : the ranked remediation queue (:func:`~pmokit.workspace.queue.build_queue`)
    queue_view : the queue's columns shown in the report
    owners : one row per owner with queued sites
    trend, trend_changes : the comparison with last run's queue, and its rows that are new or fixed
      (None without a previous queue)
    by_template, hotspots : sites and storage per template family; the storage hotspots
    sharing : sites with anonymous or guest links (None in the 15-column layout)
    ownership : queued sites that need an owner
    teams_list : teams to review (None without a Teams export)
    sheets : the sheets of ``remediation_queue.xlsx``
    weights : the signal weights used (defaults merged with the params)
    texts : section -> the sentence that opens it (data values already filled in)
    why_empty : section -> why it has nothing to show (only for sections that have nothing)
    unmeasured : signal -> why it is not measured (its column is blank for every live site, see :func:`unmeasured`)
    """

    flagged: pd.DataFrame = field(default_factory=pd.DataFrame)
    queue: pd.DataFrame = field(default_factory=pd.DataFrame)
    queue_view: pd.DataFrame = field(default_factory=pd.DataFrame)
    owners: pd.DataFrame = field(default_factory=pd.DataFrame)
    trend: pd.DataFrame | None = None
    trend_changes: pd.DataFrame | None = None
    by_template: pd.DataFrame = field(default_factory=pd.DataFrame)
    hotspots: pd.DataFrame = field(default_factory=pd.DataFrame)
    sharing: pd.DataFrame | None = None
    ownership: pd.DataFrame = field(default_factory=pd.DataFrame)
    teams_list: pd.DataFrame | None = None
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    why_empty: dict[str, str] = field(default_factory=dict)
    unmeasured: dict[str, str] = field(default_factory=dict)


#: Signal -> (the column behind it, the reason shown when that column is blank for every live site).
UNMEASURED_REASONS = {
    "inactive": ("last_activity", "Last Activity Date is blank for every live site, so inactivity is not measured"),
    "storage": ("storage_used", "Storage Used (Byte) is blank for every live site, so storage is not measured"),
    "storage_over_warn": (
        "storage_allocated",
        "Storage Allocated (Byte) is blank for every live site, so no storage hotspot can be flagged",
    ),
}


def unmeasured(flagged: pd.DataFrame) -> dict[str, str]:
    """Signals whose column is blank for every live site: {signal: reason}.

    A blank column is an export without those figures, not a tenant of never-used, empty sites:
    the report says the figure is unknown instead of counting it as 0 or as "never used".

    Examples
    --------
    >>> f = pd.DataFrame({"last_activity": pd.to_datetime([None, None]), "storage_used": [1.0, None],
    ...                   "storage_allocated": [2.0, 2.0]})
    >>> list(unmeasured(f))
    ['inactive']
    >>> unmeasured(f.iloc[:0])
    {}
    """
    if flagged.empty:
        return {}
    return {signal: reason for signal, (column, reason) in UNMEASURED_REASONS.items() if flagged[column].isna().all()}


def without_unmeasured(flagged: pd.DataFrame, missing: dict[str, str]) -> pd.DataFrame:
    """The live sites with the signals of unmeasured columns switched off (never raised on a blank)."""
    out = flagged.copy()
    if "inactive" in missing:
        out["inactive"] = False
        out["never_active"] = False
    if "storage" in missing:
        out["storage_over_warn"] = False
        out["large"] = False
    return out


def uncertain_rating(rating: Rating, missing: dict[str, str]) -> Rating:
    """The queue's colour when some signals could not be measured.

    Those signals can only add sites to the queue, so the measured share is a lower bound: amber and
    red stand (with the caveat in the reason); green and done cannot be told and become grey.

    Examples
    --------
    >>> uncertain_rating(Rating("green", "share 5%"), {"storage": "Storage ... not measured"}).rag
    'grey'
    >>> uncertain_rating(Rating("red", "share 40%"), {"storage": "Storage ... not measured"}).reason
    'share 40%; at least: Storage ... not measured'
    """
    if not missing:
        return rating
    why = "; ".join(missing.values())
    if rating.rag in ("green", "done"):
        return grey(f"uncertain: {why}")
    if rating.rag == "grey":
        return rating
    return Rating(rating.rag, f"{rating.reason}; at least: {why}")


def rate_queue(metrics: dict[str, Any], band: Band) -> Rating:
    """The colour of the queue's share of live sites.

    Grey when the export has no live site (no share to measure); done when live sites exist and
    none is queued (nothing remains to fix); otherwise the band's colour.

    Examples
    --------
    >>> b = bands(None)["queue_share_pct"]
    >>> rate_queue({"sites": 0, "queue_size": 0, "queue_share_pct": None}, b).rag
    'grey'
    >>> rate_queue({"sites": 40, "queue_size": 0, "queue_share_pct": 0.0}, b).rag
    'done'
    >>> rate_queue({"sites": 40, "queue_size": 5, "queue_share_pct": 12.5}, b).reason
    'Share of live sites in the queue 12.5%, above 10%'
    """
    if not metrics.get("sites"):
        return grey(f"{band.label}: the export lists no live site")
    if metrics.get("queue_size") == 0:
        return done("no live site needs an owner, a clean-up or a review")
    return band.rate(metrics.get(band.metric), missing="no live site")


def verdict_text(metrics: dict[str, Any], band: Band, missing: dict[str, str] | None = None) -> str:
    """The one-sentence verdict: the queue's share of live sites, and its trend when known.

    Examples
    --------
    >>> b = bands(None)["queue_share_pct"]
    >>> verdict_text({"sites": 200, "queue_size": 10, "queue_share_pct": 5.0, "queue_fixed_since_last": None}, b)
    '10 of 200 live sites (5%) need an owner, a clean-up or a review.'
    """
    if not metrics.get("sites"):
        return "The site export lists no live site: there is nothing to assess."
    text = (
        f"{metrics['queue_size']} of {metrics['sites']} live sites ({band.show(metrics[band.metric])}) "
        "need an owner, a clean-up or a review."
    )
    if not is_missing(metrics.get("queue_fixed_since_last")):
        change = metrics["queue_change"]
        direction = "shrank" if change < 0 else "grew" if change > 0 else "did not change"
        size = f" by {abs(change)}" if change else ""
        text = (
            text[:-1] + f"; since the last run the queue {direction}{size} "
            f"({metrics['queue_fixed_since_last']} fixed, {metrics['queue_new']} new)."
        )
    if missing:
        text += f" Uncertain: {'; '.join(missing.values())}; the queue may be larger."
    return text


def _shown(value: Any, fmt: str = "{}") -> str:
    """A value for a tile: "—" when missing."""
    return "—" if is_missing(value) else fmt.format(value)


def _tiles(m: dict[str, Any], rating: Rating, p) -> list[Tile]:
    trend = (
        "no previous queue"
        if is_missing(m["queue_fixed_since_last"])
        else f"{m['queue_fixed_since_last']} fixed, {m['queue_new']} new since last run"
    )
    return [
        Tile("Live sites", f"{m['sites']:,}", note=f"{m['deleted_sites']} deleted sites left out"),
        Tile("Remediation queue", f"{m['queue_size']:,}", rag=rating, note=f"{rating.reason}; {trend}"),
        Tile(
            "Inactive",
            _shown(m["inactive_sites"], "{:,}"),
            note=f"{p.inactive_after_days}+ days or never ({m['never_active_sites']} never)"
            if not is_missing(m["inactive_sites"])
            else "Last Activity Date blank for every live site",
        ),
        Tile(
            "No owner / owner left",
            f"{m['ownerless_sites']} / {m['owner_left_sites']}",
            note=f"{m['ownerless_or_owner_left_sites']} ownerless or owner-left",
        ),
        Tile(
            "Storage used",
            _shown(m["storage_used_tb"], "{:,.2f} TB"),
            note="1 TB = 1024⁴ bytes"
            if not is_missing(m["storage_used_tb"])
            else "Storage Used (Byte) blank for every live site",
        ),
        Tile(
            "Sites with anonymous links",
            _shown(m["anonymous_link_sites"]),
            note="" if not is_missing(m["anonymous_link_sites"]) else "no link counts in the 15-column layout",
        ),
    ]


def _texts(sites, flagged, m: dict[str, Any], p, staff, result_parts: dict[str, Any]) -> dict[str, str]:
    layouts = ", ".join(sorted(sites["layout"].unique())) if len(sites) else "no"
    refresh = pd.Timestamp(sites["refresh_date"].max())
    texts = {
        "context": f"Report date {m['as_of']} (data refreshed "
        f"{refresh.date().isoformat() if not pd.isna(refresh) else '—'}); {layouts} export.",
        "inactive": _inactive_text(m, p, result_parts["missing"]),
        "ownership": f"{m['ownerless_or_owner_left_sites']} sites are ownerless or owner-left: "
        f"{m['ownerless_sites']} have no owner and {m['owner_left_sites']} belong to an owner who left; "
        f"{m['owner_unknown_sites']} more belong to an owner missing from the staff list"
        + ("" if staff is not None else " (no staff list given: owner-left not checked)")
        + ".",
        "storage": _storage_text(flagged, m, p, result_parts["missing"]),
        "queue": f"{m['queue_size']} sites are queued; the 30 most urgent are shown, the full queue is in "
        "remediation_queue.xlsx.",
        "owners": f"{len(result_parts['owners'])} owners have sites in the queue; the 20 with the highest total "
        "score are shown.",
        "workbook": "remediation_queue.xlsx: sheets Queue (read back as the previous queue next run)"
        + (", Trend" if result_parts["trend"] is not None else "")
        + f", Owners and one sheet per {p.sheets_by}.",
    }
    if m["concealed_sites"]:
        texts["concealed"] = (
            f"Names are concealed by the tenant on {m['concealed_sites']} sites: the URL is blank and owners appear "
            "as 32-hex hashes. The report works on these hashed identifiers; owner-left cannot be checked for them "
            "(a staff list holds real names). Ask a Global Administrator to turn off concealment "
            "(Microsoft 365 admin centre > Settings > Org settings > Reports) to see names."
        )
    if result_parts["sharing"] is not None:
        texts["sharing"] = (
            f"{m['anonymous_link_sites']} sites have anonymous links and {m['guest_link_sites']} have links shared "
            "with guests."
        )
    if result_parts["trend"] is not None:
        texts["trend"] = (
            f"Since the last run {m['queue_fixed_since_last']} sites were fixed and {m['queue_new']} are new; "
            f"{m['queue_still_open']} are still open."
        )
    if result_parts["teams_list"] is not None:
        texts["teams"] = f"{len(result_parts['teams_list'])} of {m['teams']} live teams are inactive or have guests."
    return texts


def _inactive_text(m: dict[str, Any], p, missing: dict[str, str]) -> str:
    """The sentence of the inactive-sites section (the reason instead of counts when not measured)."""
    if "inactive" in missing:
        return f"Inactive sites are not counted: {missing['inactive']} (an export without activity dates)."
    return (
        f"{m['inactive_sites']} live sites are inactive: {m['never_active_sites']} were never used and "
        f"{m['inactive_sites'] - m['never_active_sites']} have had no activity for {p.inactive_after_days} days "
        "or more."
    )


def _storage_text(flagged: pd.DataFrame, m: dict[str, Any], p, missing: dict[str, str]) -> str:
    """The sentence of the storage section (the reason instead of a total of 0 when not measured)."""
    if "storage" in missing:
        return f"Storage is not totalled: {missing['storage']} (a blank column is not 0 TB)."
    hotspots = (
        f"{missing['storage_over_warn']}."
        if "storage_over_warn" in missing
        else f"{m['storage_hotspots']} sites use {p.storage_warn_pct:g}% or more of their allocation."
    )
    unknown = int(flagged["storage_used"].isna().sum())
    lower = f" ({unknown} sites without a figure are left out)" if unknown else ""
    return (
        f"{hotspots[:-1]}; total storage used is {m['storage_used_tb']:,.2f} TB "
        f"({flagged['storage_used'].sum() / GB:,.0f} GB){lower}."
    )


def _why_empty(m: dict[str, Any], parts: dict[str, Any]) -> dict[str, str]:
    why = {}
    if parts["trend"] is None:
        why["trend"] = (
            "no previous queue was given (previous_path): the trend starts with this run "
            "(keep remediation_queue.xlsx for next time)."
        )
    if parts["teams_list"] is None:
        why["teams"] = "no Teams activity export was given (teams_path)."
    elif parts["teams_list"].empty:
        why["teams"] = "no live team is inactive or has guests."
    if parts["sharing"] is None:
        why["sharing"] = (
            "the export uses the 15-column layout, which has no link counts: sharing cannot be assessed. "
            "Export the site usage report again from the admin centre to get the newer 23-column layout."
        )
    elif parts["sharing"].empty:
        why["sharing"] = "no live site has anonymous or guest links."
    if parts["queue"].empty:
        why["queue"] = "no live site has a signal with a weight above 0."
    if parts["ownership"].empty:
        why["ownership"] = "no queued site is ownerless, owner-left or owned by someone missing from the staff list."
    if parts["hotspots"].empty:
        why["hotspots"] = parts["missing"].get("storage", "the export lists no live site.")
    return why


def _notes(p, weights: dict[str, float], result: WorkspaceResult) -> dict[str, str]:
    method = {
        "Live sites (sites)": "Sites in the export whose Is Deleted is False. Deleted sites are counted apart and "
        "never queued.",
        "Report date": "as_of if given, else the export's Report Refresh Date (the latest when files differ).",
        "Inactive": f"Last Activity Date at least {p.inactive_after_days} days before the report date, or empty "
        "(never used).",
        "Ownerless": "Owner Principal Name is blank.",
        "Owner left": "The owner's UPN is on the staff list with a status meaning left (Left, Leaver, Terminated, "
        "Disabled, False...).",
        "Owner not on staff list": "The owner's UPN is not on the staff list at all (a leaver missing from HR data, "
        "a service or guest account). Not checked for concealed (hashed) owners.",
        "Storage": "Storage used sums Storage Used (Byte) over live sites, shown in binary units as the SharePoint "
        "admin centre does: 1 GB = 1024³ bytes, 1 TB = 1024⁴ bytes (a decimal TB is 9% larger).",
        "Storage hotspot": f"Storage used at least {p.storage_warn_pct:g}% of Storage Allocated (Byte); the 15 "
        "largest sites are listed too.",
        "Large site": f"At least {p.large_site_gb:g} GB used.",
        "Anonymous / guest links": "Anonymous Link Count > 0 / Secure Link For Guest Count > 0 (newer 23-column "
        "layout only).",
        "Score and rank": "Score = sum of the weights of a site's signals ("
        + ", ".join(f"{k} {v:g}" for k, v in weights.items())
        + "). Sites with a score above 0 are queued; ties are broken by storage used, then days idle, then site id.",
        "Trend": "Compares site ids with last run's Queue sheet: new = queued now but not then; still open = in "
        "both; fixed = queued then but not now (resolved, deleted, or gone from the export).",
        "Verdict colour": "The verdict takes the colour of the queue's share of live sites (queue_share_pct, the "
        "Remediation queue tile) by the band stated above; DONE when live sites exist and none is queued; NO DATA "
        "when the export has no live site.",
        "Concealed names": "Tenants that conceal report names export a blank URL and 32-hex hashes for owners; the "
        "hashes are used as identifiers.",
        "Teams": f"Teams whose Last Activity Date is {p.inactive_after_days}+ days old or empty, or with Guests > 0; "
        "counted from the teams' activity dates and guest counts.",
    }
    definitions = metric_definitions(
        inactive_after_days=p.inactive_after_days,
        storage_warn_pct=p.storage_warn_pct,
        large_site_gb=p.large_site_gb,
    )
    recorded = {
        f"{QUEUE_SHARE}_rag": "Colour of queue_share_pct (green, amber, red; done when the queue is empty; grey "
        "without live sites): the colour the status deck shows.",
        "verdict": "The one-sentence verdict.",
        "verdict_rag": "The verdict's colour: the colour of queue_share_pct.",
    }
    metrics_notes = {f"metrics.json: {name}": definitions[name] for name in result.metrics}
    metrics_notes.update({f"metrics.json: {name}": text for name, text in recorded.items()})
    return {**result.threshold_notes(), **method, **metrics_notes}


def assess(
    sites: pd.DataFrame,
    p,
    *,
    staff: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    teams: pd.DataFrame | None = None,
) -> WorkspaceResult:
    """Compute the whole workspace-hygiene report from the frames the readers returned.

    Parameters
    ----------
    sites : DataFrame
        :func:`pmokit.sources.m365.read_site_usage` (deleted sites included).
    p : WorkspaceHygieneParams
        ``as_of``, ``inactive_after_days``, ``storage_warn_pct``, ``large_site_gb``, ``weights`` and
        ``sheets_by`` are read.
    staff, previous, teams : DataFrame, optional
        The staff list, last run's queue and the Teams export; None when not given.

    Returns
    -------
    WorkspaceResult
    """
    flagged = flag_sites(
        sites,
        staff,
        as_of=p.as_of,
        inactive_after_days=p.inactive_after_days,
        storage_warn_pct=p.storage_warn_pct,
        large_site_gb=p.large_site_gb,
    )
    missing = unmeasured(flagged)
    flagged = without_unmeasured(flagged, missing)
    weights = check_weights(p.weights)
    queue = build_queue(flagged, weights)
    trend = queue_trend(queue, previous, sites) if previous is not None else None
    owners = owner_actions(queue)
    flagged_teams = (
        flag_teams(teams, as_of=p.as_of, inactive_after_days=p.inactive_after_days) if teams is not None else None
    )
    day = report_date(sites, p.as_of)
    as_of: dt.date | None = None if pd.isna(day) else day.date()
    metrics: dict[str, Any] = {
        "as_of": as_of.isoformat() if as_of else None,
        **headline_metrics(sites, flagged, queue, trend, missing),
        **teams_metrics(flagged_teams),
    }
    band_map = bands(p)
    band = band_map[QUEUE_SHARE]
    rating = uncertain_rating(rate_queue(metrics, band), missing)
    sharing = sharing_summary(flagged)
    parts = {
        "missing": missing,
        "owners": owners,
        "trend": trend,
        "sharing": sharing,
        "queue": queue,
        "hotspots": storage_hotspots(flagged),
        "teams_list": teams_review(flagged_teams) if flagged_teams is not None else None,
        "ownership": queue.loc[
            queue["signals"].map(lambda s: bool(OWNERSHIP_SIGNALS & set(s))).astype(bool), OWNERSHIP_VIEW
        ].reset_index(drop=True),
    }
    result = WorkspaceResult(
        metrics=metrics,
        verdict=verdict_text(metrics, band, missing),
        rating=Rating(rating.rag, rating.reason),
        ratings={QUEUE_SHARE: rating},
        bands=band_map,
        tiles=_tiles(metrics, rating, p),
        flagged=flagged,
        queue=queue,
        queue_view=queue[QUEUE_VIEW],
        owners=owners,
        trend=trend,
        trend_changes=None if trend is None else trend.loc[trend["Status"] != "still open"].reset_index(drop=True),
        by_template=template_summary(flagged),
        hotspots=parts["hotspots"],
        sharing=sharing,
        ownership=parts["ownership"],
        teams_list=parts["teams_list"],
        sheets=queue_workbook(queue, owners, trend, p.sheets_by),
        weights=weights,
        unmeasured=missing,
    )
    result.texts = _texts(sites, flagged, metrics, p, staff, parts)
    result.why_empty = _why_empty(metrics, parts)
    result.notes = _notes(p, weights, result)
    return result
