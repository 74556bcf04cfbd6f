"""Survey charts: drawing only (the notebook saves them with ``report.save_figure`` / ``report.save_headline``).

Charts receive tables that are already suppressed (:func:`pmokit.survey.assess.assess`): a NaN is a
hidden figure and is drawn as such. Colours of rated figures come from the ``rag`` the assessment
gave them; no chart compares a value with a threshold.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pmokit import fmt
from pmokit.bands import Band
from pmokit.charts import DIVERGING, PALETTE, RAG_COLOURS, describe


def _wrap(labels, width: int = 38) -> list[str]:
    return [textwrap.shorten(str(label), width=width * 2, placeholder="…") for label in labels]


def _scale_colours(points: int) -> list[str]:
    """Red-to-blue colours for any scale size, neutral grey in the middle of odd scales."""
    if points == len(DIVERGING):
        return list(DIVERGING)
    cmap = plt.get_cmap("RdBu")
    return [plt.matplotlib.colors.to_hex(cmap(x)) for x in np.linspace(0.1, 0.9, points)]


def diverging_items(table: pd.DataFrame, scale: list[str]) -> plt.Figure:
    """Diverging stacked bars per item: unfavourable left of zero, favourable right, neutral centred.

    ``table`` is :func:`pmokit.survey.likert.item_table` (counts ``p1..pk`` and ``n``).
    """
    points = len(scale)
    shares = table[[f"p{k}" for k in range(1, points + 1)]].to_numpy(dtype=float)
    shares = 100 * shares / np.maximum(table["n"].to_numpy(dtype=float), 1)[:, None]
    # least favourable at the bottom; an item without a valid answer below them all
    order = np.argsort(np.nan_to_num(table["favourable_pct"].to_numpy(dtype=float), nan=-1.0), kind="stable")
    # An item nobody answered validly has no bar: its label says so instead of an empty row.
    names = [f"{item} (no valid answer)" if n == 0 else item for item, n in zip(table["item"], table["n"])]
    shares, labels = shares[order], np.array(names, dtype=object)[order]
    mid = points // 2
    # Left edge: all points below the middle, plus half of the middle point on odd scales.
    left = -shares[:, :mid].sum(axis=1) - (shares[:, mid] / 2 if points % 2 else 0)
    colours = _scale_colours(points)
    # 0.42 in a row, 0.28 in past 60 items: 120 items at 0.42 in made a 6,900 px image
    fig, ax = plt.subplots(figsize=(9, (0.42 if len(labels) <= 60 else 0.28) * len(labels) + 1.6))
    y = np.arange(len(labels))
    for k in range(points):
        ax.barh(y, shares[:, k], left=left, color=colours[k], label=scale[k], edgecolor="white", linewidth=0.5)
        left = left + shares[:, k]
    ax.axvline(0, color="#333", linewidth=0.8)
    ax.set_yticks(y, _wrap(labels))
    ax.set_xlabel("% of valid answers (unfavourable left, favourable right)")
    # two lines: on one, the title ran past the figure's right edge beside long item names
    ax.set_title("Answers per item, % of valid answers\n(neutral centred on 0)")
    ax.legend(
        ncol=points,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 0.6 / max(len(labels), 1)),
        frameon=False,
        fontsize=8,
    )
    # ``left`` is now the right edge of each bar; its start was right edge - 100.
    reach = np.nanmax(np.concatenate([left, 100 - left])) if len(labels) else 100
    limit = min(100, max(50, 10 * np.ceil((reach + 2) / 10)))
    ax.set_xlim(-limit, limit)
    return describe(fig, _extremes(table, "item", "favourable_pct", "favourable"))


def _extremes(table: pd.DataFrame, name: str, value: str, what: str) -> str:
    """ "Lowest <what>: <name> (v%); highest: <name> (v%)" over the rows with a value (hidden ones left out)."""
    rated = table.dropna(subset=[value])
    if rated.empty:
        return f"No {what} figure can be shown"
    low, high = rated.loc[rated[value].idxmin()], rated.loc[rated[value].idxmax()]
    lowest = f"Lowest {what}: {low[name]} ({fmt.pct(low[value], 0)})"
    return lowest if len(rated) == 1 else f"{lowest}; highest: {high[name]} ({fmt.pct(high[value], 0)})"


#: At most this many items (columns) in the group heat map: the ones of lowest mean favourable % (the
#: table below the chart has every one).
MAX_HEAT_ITEMS = 30

#: Widest group heat map (inches): 2,300 px at the report's 220 dpi.
MAX_HEAT_WIDTH = 10.5


def group_heatmap(pct: pd.DataFrame, title: str, max_labelled_cells: int = 400) -> plt.Figure:
    """Group x item heat map of favourable %; suppressed cells (NaN) are grey and marked hidden.

    Small tables get a number (or "hidden", hatched) in every cell; large ones (more than
    ``max_labelled_cells`` cells, or more than 20 items) only the colours, with hidden cells plain grey, to
    stay readable and fast. More than :data:`MAX_HEAT_ITEMS` items: the ones of lowest mean favourable %
    are drawn, said in the title.
    """
    all_cols = pct.shape[1]
    if all_cols > MAX_HEAT_ITEMS:
        # a fully hidden item has no mean: sorted last, it is the first to go
        pct = pct[pct.mean(axis=0).sort_values(kind="stable", na_position="last").index[:MAX_HEAT_ITEMS]]
        title += f" (lowest {MAX_HEAT_ITEMS} of {all_cols} items)"
    rows, cols = pct.shape
    height = 0.5 * rows + 2 if rows <= 20 else 0.28 * rows + 2
    width = min(MAX_HEAT_WIDTH, max(6, (0.6 if cols <= 20 else 0.3) * cols + 3))
    fig, ax = plt.subplots(figsize=(width, height))
    data = pct.to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(data), cmap="RdBu", vmin=0, vmax=100, aspect="auto")
    hidden = np.isnan(data)
    grey = plt.matplotlib.colors.ListedColormap(["#dddddd"])
    ax.imshow(np.ma.masked_where(~hidden, np.ones_like(data)), cmap=grey, vmin=0, vmax=1, aspect="auto")
    if data.size <= max_labelled_cells and cols <= 20:
        for (i, j), value in np.ndenumerate(data):
            if np.isnan(value):
                ax.add_patch(
                    plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor="#999999", linewidth=0)
                )
                ax.text(j, i, "hidden", ha="center", va="center", fontsize=7, color="#555")
            else:
                ax.text(
                    j,
                    i,
                    f"{value:.0f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if abs(value - 50) > 30 else "black",
                )
    ax.set_xticks(range(cols), _wrap(pct.columns, 14), rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(rows), _wrap(pct.index, 20), fontsize=8 if rows > 20 else None)
    ax.grid(False)
    fig.colorbar(image, ax=ax, label="favourable % (grey: hidden)", shrink=0.8)
    ax.set_title(title)
    return describe(fig, _heatmap_message(pct))


def _heatmap_message(pct: pd.DataFrame) -> str:
    """The lowest shown cell (group and item) and how many cells are hidden."""
    cells = pct.stack().dropna()
    hidden = int(pct.isna().to_numpy().sum())
    tail = f"; {fmt.count(hidden, 'cell')} hidden (small groups)" if hidden else ""
    if cells.empty:
        return "Every cell is hidden (small groups)"
    (group, item), value = cells.idxmin(), cells.min()
    return f"Lowest: {group} on {item} ({fmt.pct(value, 0)} favourable){tail}"


def response_rates(rates: pd.DataFrame, band: Band) -> plt.Figure:
    """Horizontal bars of response rate % per group, coloured by their ``rag``; hidden groups labelled.

    ``rates`` is :attr:`pmokit.survey.assess.SurveyResult.rates` (``group, response_rate_pct, status,
    rag``); ``band`` the response-rate band, whose amber threshold is drawn as the flag line.
    """
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rates) + 1.5))
    y = np.arange(len(rates))
    values = rates["response_rate_pct"].to_numpy(dtype=float)
    colours = [RAG_COLOURS.get(rag, RAG_COLOURS["grey"]) for rag in rates["rag"]]
    ax.barh(y, np.nan_to_num(values), color=colours)
    for i, (v, status) in enumerate(zip(values, rates["status"])):
        label = "hidden (small group)" if np.isnan(v) else f"{v:.0f}%" + (" (low)" if status == "low" else "")
        ax.text((0 if np.isnan(v) else v) + 1, i, label, va="center", fontsize=8)
    ax.axvline(
        band.amber, color=RAG_COLOURS["amber"], linestyle="--", linewidth=1, label=f"{band.show(band.amber)} threshold"
    )
    ax.set_yticks(y, _wrap(rates["group"], 24))
    ax.invert_yaxis()  # same order as the table below the chart
    ax.set_xlim(0, 110)
    ax.set_xlabel("response rate, % of headcount")
    ax.set_title("Response rate by group (%)")
    ax.legend(loc="lower right", fontsize=8)
    low = int((rates["status"] == "low").sum())
    message = _extremes(rates, "group", "response_rate_pct", "response rate")
    return describe(fig, f"{message}; {fmt.count(low, 'group')} below {band.show(band.amber)}" if low else message)


def driver_quadrant(drivers: pd.DataFrame, outcome_name: str) -> plt.Figure:
    """Scatter of correlation with the outcome (x) against favourable % (y), split at the medians."""
    data = drivers.dropna(subset=["correlation", "favourable_pct"])
    fig, ax = plt.subplots(figsize=(8, 5.5))
    ax.scatter(data["correlation"], data["favourable_pct"], color=PALETTE[0], zorder=3)
    for _, row in data.iterrows():
        ax.annotate(
            textwrap.shorten(str(row["item"]), 28, placeholder="…"),
            (row["correlation"], row["favourable_pct"]),
            textcoords="offset points",
            xytext=(4, 4),
            fontsize=7,
        )
    if len(data):
        ax.axvline(data["correlation"].median(), color="#888", linestyle=":")
        ax.axhline(data["favourable_pct"].median(), color="#888", linestyle=":")
        ax.text(
            0.99,
            0.01,
            "bottom right: priorities",
            transform=ax.transAxes,
            ha="right",
            fontsize=8,
            color=RAG_COLOURS["red"],
        )
    ax.set_xlabel(f"Spearman correlation with {outcome_name}")
    ax.set_ylabel("favourable %")
    ax.set_title("Drivers: link with the outcome vs favourable %")
    return describe(fig, _driver_message(data, outcome_name))


def _driver_message(data: pd.DataFrame, outcome_name: str) -> str:
    """The item most linked with the outcome and how many items are priorities (bottom right quadrant)."""
    if data.empty:
        return "No item has a correlation to show"
    top = data.loc[data["correlation"].idxmax()]
    priorities = int(
        (
            (data["correlation"] > data["correlation"].median())
            & (data["favourable_pct"] < data["favourable_pct"].median())
        ).sum()
    )
    return (
        f"Strongest link with {outcome_name}: {top['item']} (correlation {fmt.number(top['correlation'], 2)}, "
        f"{fmt.pct(top['favourable_pct'], 0)} favourable); {fmt.count(priorities, 'priority item')} (strong link, low favourable)"
    )


def enps_chart(overall: dict, by_group: pd.DataFrame | None = None) -> plt.Figure:
    """eNPS with its 95% interval, overall and per shown group (NaN rows are hidden groups)."""
    parts = [pd.DataFrame([{**overall, "group": "All respondents"}])]
    if by_group is not None and len(by_group):
        parts.append(by_group)
    rows = pd.concat(parts, ignore_index=True)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.5))
    y = np.arange(len(rows))[::-1]
    for yi, (_, row) in zip(y, rows.iterrows()):
        if pd.isna(row["enps"]):
            ax.text(0, yi, "hidden (small group)", ha="center", va="center", fontsize=8, color="#555")
            continue
        colour = PALETTE[2] if row["group"] == "All respondents" else PALETTE[0]
        ax.errorbar(
            row["enps"],
            yi,
            xerr=[[row["enps"] - row["ci_low"]], [row["ci_high"] - row["enps"]]],
            fmt="o",
            color=colour,
            capsize=3,
        )
        ax.text(row["ci_high"] + 2, yi, f"{row['enps']:+.0f}", va="center", fontsize=8)
    ax.axvline(0, color="#333", linewidth=0.8)
    ax.set_yticks(y, _wrap(rows["group"], 24))
    ax.set_xlim(-100, 100)
    ax.set_xlabel("eNPS (points, -100 to +100) with 95% interval")
    ax.set_title("eNPS with 95% interval (points)")
    return describe(fig, _enps_message(rows))


def _signed(points: float) -> str:
    """eNPS points with their sign, as the chart labels them ("+12", "-3", "0")."""
    whole = round(float(points))
    return f"+{fmt.number(whole)}" if whole > 0 else fmt.number(whole)


def _enps_message(rows: pd.DataFrame) -> str:
    """The overall eNPS with its interval, then the lowest shown group."""
    first = rows.iloc[0]
    if pd.isna(first["enps"]):
        return "eNPS hidden (too few answers)"
    message = (
        f"eNPS {_signed(first['enps'])} overall "
        f"(95% interval {_signed(first['ci_low'])} to {_signed(first['ci_high'])})"
    )
    groups = rows.iloc[1:].dropna(subset=["enps"])
    if len(groups):
        low = groups.loc[groups["enps"].idxmin()]
        message += f"; lowest group: {low['group']} ({_signed(low['enps'])})"
    return message
