"""Figures of the status report (drawing only): the RAG dashboard grid and the milestone slip chart."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from pmokit import fmt
from pmokit.bands import LABELS
from pmokit.charts import PALETTE, RAG_COLOURS, describe, rag_colour


def rag_grid(grid: pd.DataFrame, title: str = "RAG by workstream and dimension"):
    """A coloured grid with the RAG word in each cell (colour plus word, for colour-blind readers)."""
    rows, cols = grid.shape
    fig, ax = plt.subplots(figsize=(2.0 + 1.6 * cols, 0.9 + 0.55 * rows))
    for i, ws in enumerate(grid.index):
        for j, dim in enumerate(grid.columns):
            word = grid.loc[ws, dim]
            colour = rag_colour(word) if word else "#FFFFFF"
            ax.add_patch(plt.Rectangle((j, rows - 1 - i), 0.96, 0.9, color=colour))
            # the word on a white label: dark on white whatever the fill, in colour and in greyscale print
            ax.text(
                j + 0.48,
                rows - 0.55 - i,
                str(word).upper() if word else "—",
                ha="center",
                va="center",
                color=".15" if word else "#555",
                fontweight="bold",
                fontsize=9,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none"} if word else None,
            )
    ax.set_xlim(0, cols)
    ax.set_ylim(0, rows)
    ax.set_xticks([j + 0.48 for j in range(cols)], [c.capitalize() for c in grid.columns])
    ax.set_yticks([rows - 0.55 - i for i in range(rows)], list(grid.index))
    ax.tick_params(length=0)
    ax.xaxis.tick_top()
    ax.grid(False)
    for side in ax.spines.values():
        side.set_visible(False)
    # the key on its own line: on one, the title ran past the figure's right edge
    ax.set_title(title + "\n(worst rule per cell; grey = no data; blue = done)", pad=24)
    return describe(fig, _grid_message(grid))


def _grid_message(grid: pd.DataFrame) -> str:
    """How many cells are in each state, worst first, and where the red ones are (at most three named)."""
    words = [str(w).strip().lower() if w else "" for w in grid.to_numpy().ravel()]
    worst_first = ("red", "amber", "green", "done", "grey")
    counts = [f"{words.count(state)} {LABELS[state].lower()}" for state in worst_first if words.count(state)]
    if not counts:
        return f"No cell of {fmt.count(grid.size, 'cell')} has a rule"
    message = f"{', '.join(counts)} of {fmt.count(grid.size, 'cell')}"
    red = [f"{ws} {dim}" for ws in grid.index for dim in grid.columns if str(grid.loc[ws, dim] or "").lower() == "red"]
    if red:
        message += "; red: " + ", ".join(red[:3]) + (" and more" if len(red) > 3 else "")
    return message


def milestone_chart(
    table: pd.DataFrame, period_end: pd.Timestamp, title: str = "Milestones: baseline vs forecast/actual (dates)"
):
    """One line per milestone from baseline (circle) to forecast (diamond) or actual (square).

    Red = slipped, amber = not done and its date has passed (overdue), green = on time.
    """
    shown = table.sort_values("baseline").reset_index(drop=True)
    # 0.38 in a row, 0.26 in past 60 milestones: 120 rows at 0.38 in made a 6,400 px image
    fig, ax = plt.subplots(figsize=(9, 1.1 + (0.38 if len(shown) <= 60 else 0.26) * len(shown)))
    y = range(len(shown))[::-1]
    for yi, row in zip(y, shown.itertuples()):
        colour = RAG_COLOURS["red"] if row.slipped else RAG_COLOURS["amber"] if row.overdue else RAG_COLOURS["green"]
        ax.plot([row.baseline, row.expected], [yi, yi], color=colour, lw=2)
        ax.scatter([row.baseline], [yi], marker="o", facecolor="white", edgecolor="#333", zorder=3)
        ax.scatter([row.expected], [yi], marker="s" if pd.notna(row.actual) else "D", color=colour, zorder=4)
        label = f"+{row.slip_days} d" if row.slipped else "overdue" if row.overdue else ""
        if label:
            ax.annotate(label, (row.expected, yi), xytext=(6, -3), textcoords="offset points", fontsize=8)
    labels = [f"{m[:38]}{'…' if len(m) > 38 else ''}" for m in shown["milestone"].astype(str)]
    ax.set_yticks(list(y), labels)
    ax.set_ylim(-0.8, len(shown) - 0.2)
    ax.axvline(pd.Timestamp(period_end), color=PALETTE[0], ls="--", lw=1)
    ax.text(pd.Timestamp(period_end), -0.7, " status date", color=PALETTE[0], fontsize=8)
    ax.set_title(title)
    # two lines: on one, the key ran past the figure's right edge
    ax.set_xlabel("date (circle = baseline; diamond = forecast, square = actual;\nred = slipped, amber = overdue)")
    fig.autofmt_xdate()
    return describe(fig, _milestone_message(shown))


def _milestone_message(shown: pd.DataFrame) -> str:
    """Slipped and overdue milestones out of all, naming the one that slipped most."""
    slipped = shown[shown["slipped"].astype(bool)]
    overdue = int(shown["overdue"].astype(bool).sum())
    message = f"{len(slipped)} of {fmt.count(len(shown), 'milestone')} slipped, {overdue} overdue"
    if len(slipped):
        worst = slipped.loc[slipped["slip_days"].astype(float).idxmax()]
        message += f"; most: {worst['milestone']} by {fmt.duration_days(worst['slip_days'])}"
    return message
