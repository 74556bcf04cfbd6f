"""The compliance report computed once: metrics, colours, verdict, tiles, notes and every section's table.

:func:`assess` ties the analysis modules together (:func:`pmokit.compliance.prepare`,
:mod:`~pmokit.compliance.metrics`, :mod:`~pmokit.compliance.history`, :mod:`~pmokit.compliance.rollups`)
on frames already read; the notebook only shows the attributes of the :class:`ComplianceResult`.
:func:`bands` is the one place where a compliance figure meets a threshold: the tiles, the verdict,
the status deck (through ``<metric>_rag`` in ``metrics.json``) and the method notes all read it.
Pure: no file is read or written here, nothing is displayed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pmokit.assessment import Assessment, Tile
from pmokit.bands import Band, Rating, grey, worst
from pmokit.compliance.devices import prepare
from pmokit.compliance.history import AGE_BUCKETS, trend_over
from pmokit.compliance.metrics import DEFINITIONS, resolve_as_of, summary
from pmokit.compliance.rollups import (
    action_list,
    aging_table,
    baseline_by_os,
    by_group,
    exceptions_watch,
    no_primary_user,
    sla_by_owner,
    top_offenders,
    top_settings,
)
from pmokit.fmt import count
from pmokit.sources.intune import NOT_REPORTED, snapshot_date

#: Where the history store goes when ``history_store`` is not set: beside the workbook's run folders.
HISTORY_STORE = "history_store"
#: Upper edge (days) of each age bucket, to mark the buckets that reach past the SLA.
_BUCKET_EDGES = {"0-7": 7, "8-14": 14, "15-30": 30, "31+": math.inf}


def bands(p) -> dict[str, Band]:
    """The thresholds of every figure the compliance report colours (tiles, verdict, deck).

    One band per figure: the raw and the exception-adjusted rate share the same target, and any
    SLA breach turns amber, more than 25 red (the status deck showed these numbers; the report's
    tile used to turn red at the first breach).

    Examples
    --------
    >>> b = bands(None)
    >>> [b["compliance_pct"].rate(v).rag for v in (90, 85, 79.9)], [b["sla_breaches"].rate(v).rag for v in (0, 1, 26)]
    (['green', 'amber', 'red'], ['green', 'amber', 'red'])
    """
    return {
        "compliance_pct": Band("compliance_pct", "Compliance", "higher_is_better", amber=90, red=80, fmt="{:.1f}%"),
        "adjusted_compliance_pct": Band(
            "adjusted_compliance_pct",
            "Compliance with exceptions",
            "higher_is_better",
            amber=90,
            red=80,
            fmt="{:.1f}%",
        ),
        "sla_breaches": Band("sla_breaches", "SLA breaches", "lower_is_better", amber=0, red=25, fmt="{:.0f}"),
    }


def history_store(p) -> Path | None:
    """The history store folder: ``history_store`` when set, else ``history_store/`` beside the run folders.

    A batch runs in ``<out>/compliance_report/.<run>.tmp-*``, so the store is
    ``<out>/compliance_report/history_store``; in JupyterLab ``outputs/compliance_report/history_store``.
    None when there is no run folder either (parameters built by hand).

    Examples
    --------
    >>> from types import SimpleNamespace as P
    >>> history_store(P(history_store=None, output_dir="/out/compliance_report/.sample.tmp-1")).as_posix()
    '/out/compliance_report/history_store'
    >>> history_store(P(history_store="/state/tenant", output_dir="/x")).as_posix()
    '/state/tenant'
    """
    if getattr(p, "history_store", None):
        return Path(p.history_store)
    if getattr(p, "output_dir", None):
        return Path(p.output_dir).parent / HISTORY_STORE
    return None


@dataclass
class ComplianceResult(Assessment):
    """Everything the compliance report shows, computed once by :func:`assess`."""

    as_of: pd.Timestamp = None
    as_of_from: str = ""
    table: pd.DataFrame = field(default_factory=pd.DataFrame)  # prepared device table (one row per device)
    by_unit: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_other: dict[str, pd.DataFrame] = field(default_factory=dict)  # caption -> table (OS, ownership, model)
    failing_settings: pd.DataFrame = field(default_factory=pd.DataFrame)
    baseline: pd.DataFrame = field(default_factory=pd.DataFrame)
    aging: pd.DataFrame = field(default_factory=pd.DataFrame)
    sla_owners: pd.DataFrame = field(default_factory=pd.DataFrame)
    earlier_snapshots: int = 0
    lower_bound_ages: int = 0
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)
    expiring: pd.DataFrame = field(default_factory=pd.DataFrame)
    relied_on: pd.DataFrame = field(default_factory=pd.DataFrame)
    no_user: pd.DataFrame = field(default_factory=pd.DataFrame)
    offenders: pd.DataFrame = field(default_factory=pd.DataFrame)
    actions: dict[str, pd.DataFrame] = field(default_factory=dict)
    catalogue: pd.DataFrame = field(default_factory=pd.DataFrame)  # earlier snapshots read (before as_of)
    history_rows: int = 0  # device rows of those earlier snapshots


def _number(value: Any) -> Any:
    """NaN -> None (JSON null, shown "—"); other values unchanged."""
    return None if isinstance(value, float) and math.isnan(value) else value


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def unreported_state(table: pd.DataFrame) -> dict[str, Any]:
    """In-scope devices whose Compliance cell was blank: their count and, when it is every in-scope
    device, why no rate can be measured.

    Blank states count as not compliant (like unknown states), so a rate with some of them is a lower
    bound; with all of them it would read 0% of a fleet whose states were never exported.

    Examples
    --------
    >>> t = pd.DataFrame({"in_scope": [True, True, False], "state": ["not reported"] * 3})
    >>> unreported_state(t)["reason"]
    'the Compliance column is blank for all 2 in-scope devices'
    """
    scope = table[table["in_scope"]]
    blank = int((scope["state"] == NOT_REPORTED).sum())
    every = bool(len(scope)) and blank == len(scope)
    return {
        "devices": blank,
        "reason": f"the Compliance column is blank for all {blank} in-scope devices" if every else "",
    }


def rate(metrics: dict[str, Any], p, unmeasured: str = "") -> dict[str, Rating]:
    """The colour of every rated figure, by :func:`bands`, with the reason when it cannot be measured.

    ``unmeasured`` is why the compliance rates cannot be measured although devices are in scope.
    """
    b = bands(p)
    no_rate = unmeasured or "no device in scope"
    return {
        "compliance_pct": b["compliance_pct"].rate(metrics.get("compliance_pct"), missing=no_rate),
        "adjusted_compliance_pct": b["adjusted_compliance_pct"].rate(
            metrics.get("adjusted_compliance_pct"), missing=no_rate
        ),
        "sla_breaches": b["sla_breaches"].rate(
            metrics.get("sla_breaches"), missing="no earlier snapshot, so the age of non-compliance is unknown"
        ),
    }


def verdict_rating(ratings: dict[str, Rating]) -> Rating:
    """The verdict's colour: the worse of the Compliance and SLA breaches colours (both tiles).

    Grey when compliance cannot be measured (no device in scope), whatever the SLA shows; an SLA
    that cannot be measured (no history) is left out.

    Examples
    --------
    >>> from pmokit.bands import Rating
    >>> verdict_rating({"compliance_pct": Rating("green", "c"), "sla_breaches": Rating("amber", "s")}).rag
    'amber'
    >>> verdict_rating({"compliance_pct": Rating("amber", "c"), "sla_breaches": Rating("grey", "s")}).rag
    'amber'
    >>> verdict_rating({"compliance_pct": Rating("grey", "none in scope"), "sla_breaches": Rating("green", "s")}).rag
    'grey'
    """
    compliance, sla = ratings["compliance_pct"], ratings["sla_breaches"]
    if compliance.rag == "grey":
        return grey(compliance.reason)
    state = worst([compliance, sla])
    reasons = [r.reason for r in (compliance, sla) if r.rag == state]
    return Rating(state, "; ".join(reasons))


def tiles(metrics: dict[str, Any], ratings: dict[str, Rating], p) -> list[Tile]:
    """The headline tiles; the rated ones take their colour from ``ratings`` (never compared here)."""
    sla = metrics.get("sla_breaches")
    return [
        Tile(
            "Compliant (raw)",
            _pct(metrics.get("compliance_pct")),
            ratings["compliance_pct"],
            f"{metrics['compliant_devices']} of {metrics['in_scope_devices']} in scope"
            if metrics.get("compliance_pct") is not None
            else ratings["compliance_pct"].reason,
        ),
        Tile(
            "With exceptions",
            _pct(metrics.get("adjusted_compliance_pct")),
            ratings["adjusted_compliance_pct"],
            f"{metrics['excepted_devices']} devices excepted",
        ),
        Tile(
            "Non-compliant",
            str(metrics["noncompliant_devices"]),
            note=f"+{metrics['grace_devices']} in grace, {metrics['unknown_devices']} other",
        ),
        Tile(
            "SLA breaches",
            "—" if sla is None else str(sla),
            ratings["sla_breaches"],
            ratings["sla_breaches"].reason if sla is None else f"non-compliant > {p.sla_days} days",
        ),
        Tile("Baseline failures", str(metrics["baseline_failures"]), note="old OS or unencrypted"),
        Tile("Stale (excluded)", str(metrics["stale_devices"]), note=f"no check-in for > {p.stale_after_days} days"),
    ]


def verdict_text(metrics: dict[str, Any], as_of: pd.Timestamp, p, unreported: dict[str, Any] | None = None) -> str:
    """The one-sentence verdict ("—" for a rate that cannot be measured), with the caveat of blank states."""
    unreported = unreported or {"devices": 0, "reason": ""}
    if unreported["reason"]:
        return (
            f"Compliance unknown on {as_of:%d %b %Y}: {unreported['reason']}, so no rate can be measured "
            "(export the device list again with its Compliance column)."
        )
    sla = metrics.get("sla_breaches")
    sla_text = (
        f"{sla} past the {p.sla_days}-day SLA" if sla is not None else "SLA breaches unknown (no earlier snapshot)"
    )
    text = (
        f"{_pct(metrics.get('compliance_pct'))} of {metrics['in_scope_devices']} in-scope devices are compliant "
        f"({_pct(metrics.get('adjusted_compliance_pct'))} counting approved exceptions) on {as_of:%d %b %Y}; "
        f"{sla_text}."
    )
    if unreported["devices"]:
        text += (
            f" Uncertain: {count(unreported['devices'], 'in-scope device')} "
            f"{'has' if unreported['devices'] == 1 else 'have'} a blank Compliance state, counted as not "
            "compliant (the rate is a lower bound)."
        )
    return text


def _earlier(history: pd.DataFrame | None, catalogue: pd.DataFrame | None, as_of: pd.Timestamp):
    """History and catalogue before ``as_of``: this run's own date (a snapshot the store kept from an
    earlier run of the same week) is the current export, never history, so a re-run sees what the
    first run saw."""
    if history is None:
        history = pd.DataFrame(columns=["snapshot", "device_id", "upn", "state", "last_checkin"])
    if catalogue is None:
        catalogue = pd.DataFrame(columns=["snapshot", "source", "rows", "read_from"])
    if len(history):
        history = history[history["snapshot"] < as_of]
    if len(catalogue):
        catalogue = catalogue[pd.to_datetime(catalogue["snapshot"]) < as_of].reset_index(drop=True)
    return history, catalogue


def _rates_known(rollup: pd.DataFrame, unreported: dict[str, Any]) -> pd.DataFrame:
    """A roll-up with its rates blanked ("—", no bar) when the export has no compliance state at all."""
    if unreported["reason"]:
        rollup = rollup.assign(compliance_pct=float("nan"), adjusted_compliance_pct=float("nan"))
    return rollup


def _aging(table: pd.DataFrame, sla_days: int) -> pd.DataFrame:
    """The aging table with ``past_sla``: buckets reaching past ``sla_days`` (drawn red)."""
    aging = aging_table(table)
    aging["past_sla"] = [b in AGE_BUCKETS and _BUCKET_EDGES[b] > sla_days for b in aging["age_days"]]
    return aging


def assess(
    devices: pd.DataFrame,
    p,
    *,
    settings: pd.DataFrame | None = None,
    org: pd.DataFrame | None = None,
    exceptions: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
    catalogue: pd.DataFrame | None = None,
) -> ComplianceResult:
    """Compute the whole compliance report from the canonical tables of :mod:`pmokit.sources.intune`.

    Parameters
    ----------
    devices : DataFrame
        This export (:func:`~pmokit.sources.intune.read_devices`).
    p : ComplianceReportParams
    settings, org, exceptions : DataFrame, optional
        The side files, when given.
    history, catalogue : DataFrame, optional
        :func:`~pmokit.sources.intune_history.load_history`'s two frames; snapshots on or after the
        report date are ignored.

    Returns
    -------
    ComplianceResult
    """
    file_date = snapshot_date(p.devices_path, p.history_pattern) if p.devices_path else None
    as_of, as_of_from = resolve_as_of(p.as_of, file_date, devices)
    history, catalogue = _earlier(history, catalogue, as_of)
    table = prepare(
        devices,
        as_of=as_of,
        stale_after_days=p.stale_after_days,
        sla_days=p.sla_days,
        settings=settings,
        org=org,
        exceptions=exceptions,
        history=history,
        min_os_versions=p.min_os_versions,
        require_encryption=p.require_encryption,
    )
    earlier = len(catalogue)
    trend = trend_over(history, table, as_of, p.stale_after_days)
    unreported = unreported_state(table)
    if unreported["reason"]:  # this export's rate is unknown, not 0%: no point and no change on the trend
        trend.loc[trend["snapshot"] == as_of, "compliance_pct"] = float("nan")
    expiring, relied_on = exceptions_watch(exceptions, table, as_of, p.expiring_within_days)
    actions = action_list(table)
    change = float(trend["compliance_pct"].iloc[-1] - trend["compliance_pct"].iloc[0]) if len(trend) > 1 else None
    metrics = {k: _number(v) for k, v in summary(table).items()}
    if unreported["reason"]:  # a column without states: no rate, not 0%
        metrics.update(compliance_pct=None, adjusted_compliance_pct=None)
    metrics["unreported_state_devices"] = unreported["devices"]
    metrics.update(
        sla_breaches=int(table["sla_breach"].sum()) if earlier else None,
        snapshots=earlier + 1,
        as_of=as_of.date().isoformat(),
        compliance_change_pts=None if change is None or math.isnan(change) else round(change, 2),
        exceptions_expiring=len(expiring),
        expired_exceptions_relied_on=len(relied_on),
        action_items=int(sum(len(v) for v in actions.values())),
    )
    ratings = rate(metrics, p, unreported["reason"])
    the_bands = bands(p)
    result = ComplianceResult(
        metrics=metrics,
        verdict=verdict_text(metrics, as_of, p, unreported),
        rating=verdict_rating(ratings),
        ratings=ratings,
        bands=the_bands,
        tiles=tiles(metrics, ratings, p),
        as_of=as_of,
        as_of_from=as_of_from,
        table=table,
        by_unit=_rates_known(by_group(table, "business_unit"), unreported),
        by_other={
            "By operating system": _rates_known(by_group(table, "os"), unreported),
            "By ownership": _rates_known(by_group(table, "ownership"), unreported),
            "By model (worst 12)": _rates_known(by_group(table, "model"), unreported),
        },
        failing_settings=top_settings(table, p.housekeeping_settings),
        baseline=baseline_by_os(table, p.min_os_versions),
        aging=_aging(table, p.sla_days),
        sla_owners=sla_by_owner(table),
        earlier_snapshots=earlier,
        lower_bound_ages=int((table["age_is_lower_bound"] & table["in_scope"]).sum()),
        trend=trend,
        expiring=expiring,
        relied_on=relied_on,
        no_user=no_primary_user(table),
        offenders=top_offenders(table),
        actions=actions,
        catalogue=catalogue,
        history_rows=len(history),
    )
    result.notes = notes(result, p)
    return result


def notes(result: ComplianceResult, p) -> dict[str, str]:
    """Method notes: the colour thresholds (from the bands), the verdict rule, every definition and this run's settings."""
    minimums = ", ".join(f"{k} {v}" for k, v in p.min_os_versions.items()) or "none"
    return {
        **result.threshold_notes(),
        "Colour of the verdict": "the worse of the Compliance and SLA breaches colours; SLA breaches are left out "
        "when they cannot be measured (no earlier snapshot), and the verdict has no colour (NO DATA) when no "
        "device is in scope.",
        **DEFINITIONS,
        "Settings of this run": f"as_of {result.as_of:%Y-%m-%d} ({result.as_of_from}); stale_after_days "
        f"{p.stale_after_days}; sla_days {p.sla_days}; min_os_versions {minimums}; "
        f"require_encryption {p.require_encryption}.",
        "Age buckets": "0-7, 8-14, 15-30 and 31+ days; 'unknown' when there is no earlier snapshot.",
        "Trend": "every snapshot in history_dir and in the history store, before as_of, plus this export; "
        "each judged at its own date with the same stale rule (exceptions are not applied to history).",
        "History store": "each run adds its export to the store under its report date, replacing a snapshot of "
        "the same date, so running the same week again reads the same history.",
    }
