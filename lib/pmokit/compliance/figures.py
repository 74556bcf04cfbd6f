"""Charts of the compliance report: each returns a titled matplotlib figure (units in the title)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from pmokit import fmt
from pmokit.charts import PALETTE, RAG_COLOURS, describe


def by_unit(table: pd.DataFrame, column: str = "business_unit", target: float | None = None):
    """Raw vs exception-adjusted compliance per group, side by side (horizontal bars, %)."""
    frame = table.dropna(subset=["compliance_pct"]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(frame) + 1.6))
    pos = range(len(frame))
    ax.barh([p + 0.2 for p in pos], frame["compliance_pct"], height=0.4, color=PALETTE[0], label="raw")
    ax.barh(
        [p - 0.2 for p in pos],
        frame["adjusted_compliance_pct"],
        height=0.4,
        color=PALETTE[4],
        label="with unexpired exceptions",
    )
    ax.set_yticks(list(pos), [str(v) for v in frame[column]])
    if target is not None:
        ax.axvline(target, color=RAG_COLOURS["amber"], linestyle="--", linewidth=1, label=f"{target:g} % target")
    ax.set_xlim(0, 100)
    ax.set_xlabel("in-scope devices compliant (%)")
    ax.set_title(f"Compliance by {column.replace('_', ' ')} (% of in-scope devices)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return describe(fig, _by_unit_message(frame, column))


def _by_unit_message(frame: pd.DataFrame, column: str) -> str:
    """Lowest and highest group by raw compliance (what the bars rank)."""
    if frame.empty:
        return "No group has an in-scope device"
    low = frame.loc[frame["compliance_pct"].idxmin()]
    high = frame.loc[frame["compliance_pct"].idxmax()]
    lowest = f"Lowest: {low[column]} at {fmt.pct(low['compliance_pct'])}"
    if len(frame) == 1:
        return lowest
    return f"{lowest}; highest: {high[column]} at {fmt.pct(high['compliance_pct'])}"


def trend(table: pd.DataFrame):
    """Compliance % per stored snapshot (every snapshot, not capped at 60 days).

    Snapshots without a rate (no in-scope device) are left out: a NaN point would print "nan" and stretch
    the date axis back to 1970. The notebook shows the reason instead when no snapshot has a rate.
    """
    table = table.dropna(subset=["snapshot", "compliance_pct"])
    fig, ax = plt.subplots()
    ax.plot(table["snapshot"], table["compliance_pct"], marker="o", color=PALETTE[0])
    for x, y in zip(table["snapshot"], table["compliance_pct"]):
        ax.annotate(f"{y:.1f}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    low = max(0.0, float(table["compliance_pct"].min()) - 5) if len(table) else 0.0
    ax.set_ylim(low, 100)
    ax.set_ylabel("in-scope devices compliant (%)")
    ax.set_title(f"Compliance trend over {fmt.count(len(table), 'snapshot')} (%)")
    ticks = list(table["snapshot"])
    step = max(1, len(ticks) // 12)  # at most about 12 labels, however long the history
    ax.set_xticks(ticks[::step], [f"{t:%d %b %Y}" for t in ticks[::step]])
    fig.autofmt_xdate()
    return describe(fig, _trend_message(table["compliance_pct"].tolist()))


def _trend_message(rates: list[float]) -> str:
    """Where compliance went from the first snapshot to the last (one decimal, as the points are labelled)."""
    if not rates:
        return "No snapshot has a compliance rate"
    first, last = fmt.pct(rates[0]), fmt.pct(rates[-1])
    if len(rates) == 1:
        return f"Compliance {last} in the one snapshot"
    moved = (
        "rose"
        if round(rates[-1], 1) > round(rates[0], 1)
        else "fell"
        if round(rates[-1], 1) < round(rates[0], 1)
        else "held"
    )
    span = f"over {fmt.count(len(rates), 'snapshot')}"
    return (
        f"Compliance held at {last} {span}" if moved == "held" else f"Compliance {moved} from {first} to {last} {span}"
    )


def aging(table: pd.DataFrame, sla_days: int):
    """Non-compliant devices per age bucket (devices); buckets marked ``past_sla`` in red, unknown age grey."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    colours = [
        RAG_COLOURS["grey"] if b == "unknown" else (RAG_COLOURS["red"] if past else PALETTE[0])
        for b, past in zip(table["age_days"], table["past_sla"])
    ]
    ax.bar(table["age_days"], table["devices"], color=colours)
    for x, y in zip(table["age_days"], table["devices"]):
        ax.annotate(str(int(y)), (x, y), textcoords="offset points", xytext=(0, 3), ha="center", fontsize=9)
    ax.set_xlabel(f"days non-compliant (red: buckets reaching past the {sla_days}-day SLA)")
    ax.set_ylabel("devices")
    ax.set_title("Age of current non-compliance (devices)")
    total = int(table["devices"].sum())
    past = int(table.loc[table["past_sla"].astype(bool), "devices"].sum())
    return describe(
        fig, f"{fmt.count(total, 'device')} non-compliant; {past} in buckets reaching past the {sla_days}-day SLA"
    )


def settings(table: pd.DataFrame):
    """Failing settings by number of in-scope devices, security controls and housekeeping apart."""
    frame = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(frame) + 1.4))
    colours = [PALETTE[5] if k == "security control" else RAG_COLOURS["grey"] for k in frame["kind"]]
    ax.barh([str(s)[:60] for s in frame["setting"]], frame["devices"], color=colours)
    ax.set_xlabel("in-scope devices failing the setting")
    # two lines: on one, the title ran past the figure's right edge
    ax.set_title("Top failing settings (devices;\norange = security control, grey = housekeeping)")
    if table.empty:
        return describe(fig, "No setting fails")
    top = table.loc[table["devices"].idxmax()]
    return describe(fig, f"Most failed: {top['setting']} ({fmt.count(top['devices'], 'device')}, {top['kind']})")
