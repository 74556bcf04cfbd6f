"""Charts of the delivery report. Each function returns a titled matplotlib figure (no display)."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pmokit import fmt
from pmokit.charts import PALETTE, RAG_COLOURS, describe

_P_STYLE = {50: ("--", PALETTE[2]), 85: ("-", PALETTE[1]), 95: (":", PALETTE[5])}
#: Marker of the 1st, 2nd, 3rd percentile line drawn (P50, P85, P95): shapes differ as well as colours.
_P_MARKERS = ("v", "D", "s")


def _legend(ax, **kwargs) -> None:
    """Draw the legend only when something is labelled (no done items = no percentile lines)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**kwargs)


def _dates_axis(ax, dates) -> None:
    """Concise date labels, the axis fitted to ``dates``.

    Matplotlib widens a single date to four years and shows an empty axis as 1970: the limits are
    set from the data instead (at least three days either side).
    """
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(mdates.AutoDateLocator()))
    shown = pd.DatetimeIndex(pd.to_datetime(pd.Series(list(dates), dtype=object)).dropna())
    if len(shown):
        pad = max(pd.Timedelta(days=3), (shown.max() - shown.min()) * 0.03)
        ax.set_xlim(shown.min() - pad, shown.max() + pad)


def throughput_xmr(throughput: pd.Series, limits: dict, signals: pd.Series):
    """Weekly throughput run chart with XmR natural process limits; signals marked."""
    fig, ax = plt.subplots()
    ax.plot(throughput.index, throughput.values, marker="o", color=PALETTE[0], label="items done")
    ax.axhline(limits["centre"], color="#555", lw=1, label=f"mean {limits['centre']:.1f}")
    ax.axhline(
        limits["upper"],
        color=RAG_COLOURS["red"],
        ls="--",
        lw=1,
        label=f"limits {limits['lower']:.1f}–{limits['upper']:.1f}",
    )
    ax.axhline(limits["lower"], color=RAG_COLOURS["red"], ls="--", lw=1)
    flagged = throughput[signals.to_numpy()]
    if len(flagged):
        ax.scatter(
            flagged.index,
            flagged.values,
            s=90,
            facecolors="none",
            edgecolors=RAG_COLOURS["red"],
            lw=2,
            label="outside limits",
            zorder=3,
        )
    ax.set(
        title="Throughput per ISO week with XmR limits (items/week)",
        ylabel="items done per week",
        xlabel="week starting",
    )
    ax.set_ylim(bottom=0)
    _dates_axis(ax, throughput.index)
    # below the plot: at the upper left it covered a quarter of the points of a five-year series
    _legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=4, fontsize=8, frameon=False)
    outside = f"{fmt.count(len(flagged), 'week')} outside the limits" if len(flagged) else "no week outside the limits"
    return describe(
        fig,
        f"Mean {fmt.number(limits['centre'], 1)} items a week over {fmt.count(len(throughput), 'week')}; {outside} "
        f"({fmt.number(limits['lower'], 1)} to {fmt.number(limits['upper'], 1)})",
    )


def cycle_scatter(ct: pd.DataFrame, pct: dict, basis: str):
    """Each done item's cycle (or lead) time against its done date, with percentile lines."""
    fig, ax = plt.subplots()
    ax.scatter(ct["done_at"], ct["days"], s=14, alpha=0.6, color=PALETTE[0])
    for p, value in pct.items():
        if p in _P_STYLE and not np.isnan(value):
            ls, colour = _P_STYLE[p]
            ax.axhline(value, ls=ls, color=colour, lw=1.3, label=f"P{p}: {value:.0f} days")
    ax.set(title=f"{basis.capitalize()} of done items (days)", ylabel="days (calendar, +1)", xlabel="done date")
    _dates_axis(ax, ct["done_at"])
    _legend(ax, loc="upper left", fontsize=8)
    return describe(fig, _percentile_message(ct, pct, basis))


def cycle_histogram(ct: pd.DataFrame, pct: dict, basis: str):
    """Distribution of cycle (or lead) times with percentile lines."""
    fig, ax = plt.subplots()
    upper = int(ct["days"].max()) if len(ct) else 1
    ax.hist(ct["days"], bins=np.arange(0.5, upper + 1.5, max(1, upper // 40)), color=PALETTE[4], edgecolor="white")
    for p, value in pct.items():
        if p in _P_STYLE and not np.isnan(value):
            ls, colour = _P_STYLE[p]
            ax.axvline(value, ls=ls, color=colour, lw=1.3, label=f"P{p}: {value:.0f} days")
    ax.set(title=f"Distribution of {basis} (items per day of {basis})", xlabel="days", ylabel="items")
    _legend(ax, fontsize=8)
    return describe(fig, _percentile_message(ct, pct, basis))


def _percentile_message(ct: pd.DataFrame, pct: dict, basis: str) -> str:
    """The percentile lines both cycle-time charts draw, over the done items they show."""
    lines = [f"P{p} {fmt.duration_days(v)}" for p, v in sorted(pct.items()) if p in _P_STYLE and not np.isnan(v)]
    if not len(ct):
        return "No item done in the window"
    return (
        f"{fmt.count(len(ct), 'done item')}: {basis} " + ", ".join(lines)
        if lines
        else f"{fmt.count(len(ct), 'done item')}"
    )


def aging_chart(aging: pd.DataFrame, sle_days: float, max_items: int = 40):
    """Age of each item in progress by status, against the SLE line."""
    shown = aging.head(max_items).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.22 * len(shown) + 1.2)))
    colours = [RAG_COLOURS["red"] if over else PALETTE[0] for over in shown["over_sle"]]
    labels = [f"{i} · {s}" for i, s in zip(shown["id"], shown["status"])]
    ax.barh(labels, shown["age_days"], color=colours)
    if not np.isnan(sle_days):
        ax.axvline(sle_days, color=RAG_COLOURS["amber"], ls="--", label=f"SLE {sle_days:.0f} days")
        _legend(ax, fontsize=8, loc="lower right")
    ax.set(
        title=f"Aging work in progress (days since start; oldest {len(shown)} shown)", xlabel="age in days", ylabel=""
    )
    ax.tick_params(axis="y", labelsize=7)
    over = int(aging["over_sle"].astype(bool).sum())
    if aging.empty:
        return describe(fig, "No item in progress")
    oldest = aging.loc[aging["age_days"].idxmax()]
    sle = f"older than the SLE ({fmt.duration_days(sle_days)})" if not np.isnan(sle_days) else "over the SLE"
    return describe(
        fig,
        f"{over} of {fmt.count(len(aging), 'item')} in progress {sle}; oldest {oldest['id']} at "
        f"{fmt.duration_days(oldest['age_days'])}",
    )


def run_chart(series: pd.Series, title: str, ylabel: str):
    """A daily run chart (WIP or open items)."""
    fig, ax = plt.subplots()
    ax.plot(series.index, series.values, color=PALETTE[0])
    ax.fill_between(series.index, series.values, alpha=0.15, color=PALETTE[0])
    ax.set(title=title, ylabel=ylabel, xlabel="date")
    ax.set_ylim(bottom=0)
    _dates_axis(ax, series.index)
    if series.dropna().empty:
        return describe(fig, "No day to draw")
    return describe(
        fig,
        f"{fmt.number(series.iloc[-1], 0)} {ylabel} on {fmt.date(series.index[-1])}; "
        f"peak {fmt.number(series.max(), 0)} on {fmt.date(series.idxmax())}",
    )


def cumulative_flow(table: pd.DataFrame):
    """Stacked items per category per day (done at the bottom)."""
    colours = {"done": PALETTE[2], "in progress": PALETTE[1], "to do": PALETTE[4]}
    fig, ax = plt.subplots()
    ax.stackplot(
        table.index,
        *[table[c].to_numpy() for c in table.columns],
        labels=list(table.columns),
        colors=[colours.get(c, "#999") for c in table.columns],
        alpha=0.85,
    )
    ax.set(title="Cumulative flow (items per status category, end of day)", ylabel="items", xlabel="date")
    _dates_axis(ax, table.index)
    _legend(ax, loc="upper left", fontsize=8)
    if table.empty:
        return describe(fig, "No day to draw")
    last = table.iloc[-1]
    parts = ", ".join(f"{fmt.number(last[c], 0)} {c}" for c in table.columns)
    return describe(fig, f"On {fmt.date(table.index[-1])}: {parts}")


def burn_up(burn: pd.DataFrame, forecast_dates: dict | None = None):
    """Cumulative done items against the scope line (items created), with forecast dates marked."""
    fig, ax = plt.subplots()
    ax.plot(burn.index, burn["scope"], color=PALETTE[5], label="scope (items created)")
    ax.plot(burn.index, burn["done"], color=PALETTE[2], label="done", lw=2)
    for p, date in (forecast_dates or {}).items():
        if date:
            ls, colour = _P_STYLE.get(p, ("-", "#555"))
            ax.axvline(pd.Timestamp(date), ls=ls, color=colour, lw=1, label=f"forecast P{p} {date}")
    ax.set(title="Burn-up: done items against scope (items, cumulative)", ylabel="items", xlabel="date")
    marked = [pd.Timestamp(d) for d in (forecast_dates or {}).values() if d]
    _dates_axis(ax, list(burn.index) + marked)
    _legend(ax, loc="upper left", fontsize=8)
    if burn.empty:
        return describe(fig, "No item to draw")
    done, scope = burn["done"].iloc[-1], burn["scope"].iloc[-1]
    message = f"{fmt.number(done, 0)} of {fmt.count(scope, 'item')} created are done"
    dates = [f"P{p} {d}" for p, d in sorted((forecast_dates or {}).items()) if d]
    return describe(fig, message + (f"; forecast {', '.join(dates)}" if dates else ""))


def created_resolved(weekly: pd.DataFrame):
    """Items created and items done per week, side by side."""
    fig, ax = plt.subplots()
    width = pd.Timedelta(days=3)
    ax.bar(weekly.index - width / 2, weekly["created"], width=width, color=PALETTE[5], label="created")
    ax.bar(weekly.index + width / 2, weekly["done"], width=width, color=PALETTE[2], label="done")
    ax.set(title="Created vs done per ISO week (items/week)", ylabel="items", xlabel="week starting")
    _dates_axis(ax, list(weekly.index) + list(weekly.index + pd.Timedelta(days=7)))
    _legend(ax, fontsize=8)
    created, done = int(weekly["created"].sum()), int(weekly["done"].sum())
    return describe(
        fig, f"{fmt.number(created)} created and {fmt.number(done)} done over {fmt.count(len(weekly), 'week')}"
    )


def forecast_fan(weeks: np.ndarray, as_of: pd.Timestamp, dates: dict, remaining: int):
    """Share of Monte Carlo trials finishing each week, with the P50/P85/P95 dates.

    Percentile dates often coincide (a narrow forecast puts P50 and P85 in one week): each is drawn
    in its own style and width, the wider ones underneath, with its own marker at its own height
    above the bars, so that none hides another. The legend sits below the plot, never over the data.
    """
    fig, ax = plt.subplots()
    finite = weeks[weeks <= 520]
    values, counts = np.unique(finite, return_counts=True)
    when = [pd.Timestamp(as_of) + pd.Timedelta(weeks=int(v)) for v in values]
    ax.bar(when, counts / len(weeks) * 100, width=5, color=PALETTE[4], alpha=0.8, label="trials finishing that week")
    ax2 = ax.twinx()
    ax2.plot(when, np.cumsum(counts) / len(weeks) * 100, color=PALETTE[0], label="cumulative chance (right axis)")
    ax2.set_ylim(0, 112)  # headroom above 100 % for the percentile markers
    ax2.set_yticks(range(0, 101, 20))
    ax2.set_ylabel("chance done by date (%)")
    ax2.grid(False)
    top = max((counts / len(weeks) * 100).max(initial=0), 1)
    ax.set_ylim(0, top * 1.35)
    shown = [(p, date) for p, date in sorted(dates.items()) if date]
    for k, (p, date) in enumerate(shown):
        ls, colour = _P_STYLE.get(p, ("-", "#555"))
        x = pd.Timestamp(date)
        # wider lines first and underneath: a later, narrower one drawn over it leaves both visible
        width = 1.2 + 1.4 * (len(shown) - 1 - k)
        ax.axvline(x, ls=ls, color=colour, lw=width, zorder=2 + k, label=f"P{p} {date}")
        marker_y = top * (1.26 - 0.08 * k)  # one height per percentile: markers of one date stack apart
        ax.plot([x], [marker_y], marker=_P_MARKERS[k % len(_P_MARKERS)], color=colour, ms=7, zorder=5, ls="none")
    ax.set_zorder(ax2.get_zorder() + 1)  # percentile lines above the cumulative line
    ax.patch.set_visible(False)
    ax.set(
        title=f"Forecast: when will {remaining} items be done? (% of trials per week)",
        ylabel="% of trials",
        xlabel="completion week",
    )
    _dates_axis(ax, when + [pd.Timestamp(d) for _, d in shown])
    handles, labels = ax.get_legend_handles_labels()
    handles2, labels2 = ax2.get_legend_handles_labels()
    if handles:
        ax.legend(
            handles + handles2,
            labels + labels2,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.2),
            ncol=3,
            fontsize=8,
            frameon=False,
        )
    if not shown:
        return describe(fig, f"No finish date forecast for {fmt.count(remaining, 'item')}")
    return describe(fig, f"{fmt.count(remaining, 'item')}: " + ", ".join(f"P{p} {d}" for p, d in shown))


def throughput_by_project(table: pd.DataFrame):
    """Weekly throughput of each project on one chart (one line per project)."""
    fig, ax = plt.subplots()
    for k, project in enumerate(table.columns):
        ax.plot(table.index, table[project], marker="o", ms=3, color=PALETTE[k % len(PALETTE)], label=str(project))
    ax.set(
        title="Throughput per ISO week by project (items/week)", ylabel="items done per week", xlabel="week starting"
    )
    ax.set_ylim(bottom=0)
    _dates_axis(ax, table.index)
    _legend(ax, fontsize=8, ncol=min(4, len(table.columns)))
    if table.empty or table.columns.empty:
        return describe(fig, "No project to draw")
    means = table.mean()
    top = means.idxmax()
    return describe(
        fig,
        f"{fmt.count(len(table.columns), 'project')}; highest mean: {top} at {fmt.number(means[top], 1)} items a week",
    )
