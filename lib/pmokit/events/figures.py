"""Charts of the event-attendance report: each returns a titled matplotlib figure (no display), with a
sentence stating its message as the alt text (:func:`pmokit.charts.describe`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pmokit import charts, fmt
from pmokit.bands import Band
from pmokit.charts import PALETTE, RAG_COLOURS


def _short(text: str, width: int = 26) -> str:
    """A label cut to ``width`` characters, with '$' shown literally (no maths mode)."""
    text = str(text).replace("$", r"\$")
    return text if len(text) <= width else text[: width - 1] + "…"


#: Up to this many sessions the series chart draws a pair of bars per session; more are drawn as lines.
MAX_BAR_SESSIONS = 24


def series_chart(sessions: pd.DataFrame):
    """Attendance per session in date order: registered beside attended (people).

    Up to :data:`MAX_BAR_SESSIONS` sessions as labelled bars; a longer series (a year of weekly sessions)
    as lines over the dates, so that the chart keeps a readable size. ``sessions`` has ``start,
    registered, attended`` (registered is missing without registrations).
    """
    table = sessions.sort_values("start")
    has_registrations = table["registered"].notna().any()
    if len(table) > MAX_BAR_SESSIONS:
        fig, ax = plt.subplots(figsize=(9, 3.8))
        if has_registrations:
            ax.plot(table["start"], table["registered"].astype(float), color=PALETTE[4], label="Registered")
        ax.plot(table["start"], table["attended"], color=PALETTE[0], label="Attended", marker=".", markersize=4)
        ax.set_ylim(bottom=0)
        fig.autofmt_xdate()
    else:
        x = np.arange(len(table))
        width = 0.4 if has_registrations else 0.6
        fig, ax = plt.subplots(figsize=(max(6.5, 0.7 * len(table) + 3), 3.8))
        if has_registrations:
            reg = ax.bar(x - width / 2, table["registered"].fillna(0), width, color=PALETTE[4], label="Registered")
            ax.bar_label(reg, padding=2, fontsize=8)
        shift = width / 2 if has_registrations else 0
        att = ax.bar(x + shift, table["attended"], width, color=PALETTE[0], label="Attended")
        ax.bar_label(att, padding=2, fontsize=8)
        ax.set_xticks(x, [f"{s:%d %b}" for s in table["start"]], rotation=0 if len(table) <= 12 else 45)
        ax.margins(y=0.15)
    ax.set_ylabel("people")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title("Attendance per session (people)")
    total = int(table["attended"].sum())
    message = f"{fmt.count(len(table), 'session')}, {fmt.number(total)} attended in all"
    if has_registrations:
        message += f" of {fmt.number(int(table['registered'].fillna(0).sum()))} registered"
    if len(table):
        busiest = table.loc[table["attended"].idxmax()]
        message += f"; most attended {fmt.date(busiest['start'])} ({fmt.count(int(busiest['attended']), 'person')})"
    charts.describe(fig, message)
    return fig


def completion_chart(by_group: pd.DataFrame, band: Band, group: str):
    """Horizontal bars: completion % per group, coloured by the completion band, thresholds drawn.

    ``by_group`` has the group column, ``required``, ``completed`` and ``completion_pct``.
    """
    lowest = by_group.sort_values("completion_pct", ascending=True, kind="stable").head(MAX_HEAT)
    table = lowest.iloc[::-1]  # barh draws from the bottom: the lowest completion ends on top
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(table) + 1.6))
    colours = [band.rate(v).colour if not pd.isna(v) else RAG_COLOURS["grey"] for v in table["completion_pct"]]
    bars = ax.barh([_short(g) for g in table[group]], table["completion_pct"].fillna(0), color=colours)
    ax.bar_label(
        bars,
        labels=[
            f"{c:.0f}% ({d:,} of {r:,})"
            for c, d, r in zip(table["completion_pct"], table["completed"], table["required"])
        ],
        padding=3,
        fontsize=8,
    )
    for threshold, style in ((band.amber, "--"), (band.red, ":")):
        ax.axvline(float(threshold), color="#444", linestyle=style, linewidth=0.9)
    ax.set_xlim(0, 118)
    ax.set_xlabel(  # two lines: on one, the label ran past the figure's right edge
        f"completed, % of required\n(dashed: green from {band.show(band.amber)}, dotted: red below {band.show(band.red)})"
    )
    cut = f" (lowest {len(table)} of {len(by_group)})" if len(by_group) > len(table) else ""
    ax.set_title(f"Training completion by {group}{cut}")
    if len(table):
        low, high = lowest.iloc[0], by_group.loc[by_group["completion_pct"].idxmax()]
        message = (
            f"lowest {low[group]} at {fmt.pct(low['completion_pct'], 0)}, "
            f"highest {high[group]} at {fmt.pct(high['completion_pct'], 0)}"
        )
    else:
        message = "no required person"
    charts.describe(fig, message)
    return fig


#: At most this many rows and columns in the heat map: the lowest-completion ones (the table has every one).
MAX_HEAT = 25

#: Widest heat map (inches): 2,300 px at the report's 220 dpi; more columns get narrower cells.
MAX_HEAT_WIDTH = 10.5


def completion_heatmap(pct: pd.DataFrame, row_name: str, column_name: str):
    """Heat map of completion % (rows x columns, e.g. department x site); empty cells are blank.

    Larger tables keep the :data:`MAX_HEAT` rows and columns of lowest mean completion (said in the title).
    """
    all_rows, all_cols = pct.shape
    if all_cols > MAX_HEAT:
        pct = pct[pct.mean(axis=0).sort_values(kind="stable").index[:MAX_HEAT]]
    if all_rows > MAX_HEAT:
        pct = pct.loc[pct.mean(axis=1).sort_values(kind="stable").index[:MAX_HEAT]]
    rows, cols = pct.shape
    # at most MAX_HEAT_WIDTH inches wide: 25 columns at 0.9 in each made a 3,400 px image
    fig, ax = plt.subplots(figsize=(min(MAX_HEAT_WIDTH, max(6, 0.9 * cols + 3)), 0.5 * rows + 2))
    data = pct.to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(data), cmap="RdYlBu", vmin=0, vmax=100, aspect="auto")
    for (i, j), value in np.ndenumerate(data):
        if not np.isnan(value):
            ax.text(
                j,
                i,
                f"{value:.0f}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if value < 20 or value > 85 else "black",
            )
    ax.set_xticks(range(cols), [_short(c, 14) for c in pct.columns], rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(rows), [_short(r, 22) for r in pct.index], fontsize=8)
    ax.set_xlabel(column_name)
    ax.set_ylabel(row_name)
    ax.grid(False)
    # two lines: on one, the label was taller than a heat map of a few rows
    fig.colorbar(image, ax=ax, label="completed, % of required\n(blank: nobody required)", shrink=0.8)
    cut = "" if (rows, cols) == (all_rows, all_cols) else f", lowest {rows} of {all_rows} x {cols} of {all_cols}"
    ax.set_title(f"Training completion by {row_name} and {column_name} (%{cut})")
    if np.isfinite(data).any():
        i, j = np.unravel_index(np.nanargmin(data), data.shape)
        message = f"lowest {pct.index[i]} at {pct.columns[j]}: {fmt.pct(data[i, j], 0)}"
    else:
        message = "no required person"
    charts.describe(fig, message)
    return fig


def due_chart(by_manager: pd.DataFrame, top: int = 15):
    """Stacked horizontal bars: overdue and due-soon people per manager, the most overdue first."""
    table = by_manager.loc[(by_manager["overdue"] + by_manager["due_soon"]) > 0]
    table = table.sort_values(["overdue", "due_soon"], ascending=False).head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(table) + 1.6))
    names = [_short(m) for m in table["manager"]]
    over = ax.barh(names, table["overdue"], color=RAG_COLOURS["red"], label="Overdue")
    soon = ax.barh(names, table["due_soon"], left=table["overdue"], color=RAG_COLOURS["amber"], label="Due soon")
    ax.bar_label(
        over, labels=[str(v) if v else "" for v in table["overdue"]], label_type="center", color="white", fontsize=8
    )
    ax.bar_label(soon, labels=[str(v) if v else "" for v in table["due_soon"]], label_type="center", fontsize=8)
    ax.set_xlabel("people not yet trained")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(f"Overdue and due-soon people by manager (top {min(top, len(table))})")
    if len(table):
        first = table.iloc[-1]
        message = f"most overdue: {first['manager']}'s team, {fmt.count(int(first['overdue']), 'person')} overdue"
    else:
        message = "nobody overdue or due soon"
    charts.describe(fig, message)
    return fig
