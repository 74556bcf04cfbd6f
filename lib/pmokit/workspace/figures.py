"""Charts of the workspace-hygiene report: each returns a titled matplotlib figure (no display)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pmokit import fmt
from pmokit.charts import PALETTE, RAG_COLOURS, describe
from pmokit.workspace.queue import SIGNAL_COLUMNS

#: Signal -> label on charts.
SIGNAL_LABELS = {
    "owner_left": "Owner left",
    "ownerless": "No owner",
    "anonymous_links": "Anonymous links",
    "inactive": "Inactive",
    "owner_unknown": "Owner not on staff list",
    "storage_over_warn": "Storage above warning",
    "guest_links": "Guest links",
    "large": "Large site",
}


def signals_chart(queue: pd.DataFrame, weights: dict[str, float]):
    """Horizontal bars: queued sites per signal (a site counts once per signal it has)."""
    counts = {s: int(queue["signals"].map(lambda sig, s=s: s in sig).sum()) for s in SIGNAL_COLUMNS}
    order = sorted(counts, key=lambda s: (counts[s], weights.get(s, 0)))
    fig, ax = plt.subplots(figsize=(9, 4.2))
    bars = ax.barh([SIGNAL_LABELS[s] for s in order], [counts[s] for s in order], color=PALETTE[0])
    ax.bar_label(bars, padding=3)
    ax.set_xlabel("sites in the queue")
    ax.set_title(f"Why {len(queue)} sites are in the remediation queue (sites per reason)")
    top = order[-1] if order else None
    if top is None or counts[top] == 0:
        return describe(fig, f"{fmt.count(len(queue), 'site')} queued, none with a signal")
    return describe(fig, f"Top signal: {SIGNAL_LABELS[top].lower()} ({fmt.count(counts[top], 'site')})")


def trend_chart(metrics: dict):
    """Bars: last run's queue, fixed since, new since, this run's queue (sites)."""
    labels = ["Last run", "Fixed since", "New since", "This run"]
    values = [
        metrics["queue_previous_size"],
        -metrics["queue_fixed_since_last"],
        metrics["queue_new"],
        metrics["queue_size"],
    ]
    colours = [PALETTE[4], RAG_COLOURS["green"], RAG_COLOURS["red"], PALETTE[0]]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    bars = ax.bar(labels, values, color=colours)
    ax.bar_label(bars, labels=[f"{v:+d}" if i in (1, 2) else str(v) for i, v in enumerate(values)], padding=2)
    ax.axhline(0, color="#444", linewidth=0.8)
    ax.set_ylabel("sites")
    ax.set_title("Remediation queue against the last run (sites)")
    ax.margins(y=0.15)
    previous, fixed, new, now = (int(v) for v in (values[0], -values[1], values[2], values[3]))
    return describe(
        fig, f"The queue went from {fmt.count(previous, 'site')} to {now}: {fixed} fixed, {new} new since the last run"
    )


def idle_chart(flagged: pd.DataFrame, inactive_after_days: int):
    """Bars: live sites by days since last activity, buckets around the inactivity threshold."""
    edges = sorted({0, 30, inactive_after_days, 180, 365})
    labels = [f"{a}-{b - 1} d" for a, b in zip(edges[:-1], edges[1:])] + [f"{edges[-1]}+ d", "never"]
    idle = flagged["days_idle"].astype("float64")
    buckets = pd.cut(idle, bins=[*edges, np.inf], right=False, labels=labels[:-1])
    counts = buckets.value_counts().reindex(labels[:-1], fill_value=0).tolist() + [int(idle.isna().sum())]
    starts = [*edges, None]
    colours = [RAG_COLOURS["amber"] if s is None or s >= inactive_after_days else PALETTE[0] for s in starts]
    fig, ax = plt.subplots(figsize=(9, 3.8))
    bars = ax.bar(labels, counts, color=colours)
    ax.bar_label(bars, padding=2)
    ax.set_ylabel("live sites")
    ax.set_xlabel(f"days since last activity (orange: inactive, {inactive_after_days}+ days or never)")
    ax.set_title("Live sites by days since last activity (sites)")
    inactive = sum(n for n, s in zip(counts, starts) if s is None or s >= inactive_after_days)
    return describe(
        fig,
        f"{fmt.count(inactive, 'live site')} of {len(idle)} inactive for {inactive_after_days} days or more, "
        f"or never active",
    )


def template_chart(summary: pd.DataFrame):
    """Horizontal bars: storage used per template family (GB), with the site count."""
    shown = summary.iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    bars = ax.barh(shown["Template"], shown["Storage used (GB)"], color=PALETTE[2])
    ax.bar_label(
        bars, labels=[f"{g:,.0f} GB, {n} sites" for g, n in zip(shown["Storage used (GB)"], shown["Sites"])], padding=3
    )
    ax.set_xlabel("storage used (GB, 1 GB = 1024³ bytes)")
    ax.set_title("Storage used by site template (GB)")
    ax.margins(x=0.25)
    if summary.empty:
        return describe(fig, "No site to chart")
    top = summary.loc[summary["Storage used (GB)"].idxmax()]
    return describe(
        fig,
        f"Most storage: {top['Template']} ({fmt.number(top['Storage used (GB)'], 0)} GB, "
        f"{fmt.count(top['Sites'], 'site')})",
    )
