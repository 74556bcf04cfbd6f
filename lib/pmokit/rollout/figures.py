"""Figures of the rollout report: Gantt, utilisation heat map, S-curves and the forecast fan.

Drawing only: functions take what :func:`pmokit.rollout.assess.assess` computed and return matplotlib
figures; the notebook shows and saves them with ``report.save_figure`` / ``report.save_headline``.
"""

from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pmokit import fmt
from pmokit.charts import PALETTE, annotate_cells, describe


def _region_colours(regions) -> dict[str, str]:
    return {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(sorted(set(regions)))}


def _shade(ax, blackouts) -> None:
    for start, end in blackouts or []:
        ax.axvspan(pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1), color="#999999", alpha=0.18, lw=0)


#: Up to this many Gantt bars get 0.22 in each; more get :data:`GANTT_ROW_TALL_PLAN` in (the image stays under
#: 6,000 px high), and past :data:`MAX_GANTT_BARS` only the first bars are drawn (said in the title).
GANTT_ROWS_FULL_HEIGHT = 60
GANTT_ROW_TALL_PLAN = 0.12
MAX_GANTT_BARS = 300


def gantt(rows: pd.DataFrame, title: str, blackouts=None, status_date: dt.date | None = None):
    """Draw a Gantt chart from :func:`pmokit.rollout.workbook.gantt_rows` (baseline bars thin and grey under the plan).

    The legend sits right of the plot (over the bars it hid the last ones); a plan of more than
    :data:`MAX_GANTT_BARS` bars shows its first ones, in the order given, and says so in the title.
    """
    all_rows = rows
    rows = rows.head(MAX_GANTT_BARS)
    per_bar = 0.22 if len(rows) <= GANTT_ROWS_FULL_HEIGHT else GANTT_ROW_TALL_PLAN
    height = max(3.0, per_bar * len(rows) + 1.2)
    fig, ax = plt.subplots(figsize=(9, height))
    colours = _region_colours(rows["region"])
    y = np.arange(len(rows))
    width = (rows["end"] - rows["start"]).dt.days + 1
    ax.barh(y, width, left=rows["start"], color=[colours[r] for r in rows["region"]], height=0.6)
    if "base_start" in rows.columns:
        has = rows["base_start"].notna()
        base_width = (rows["base_end"] - rows["base_start"]).dt.days + 1
        ax.barh(
            y[has] + 0.38, base_width[has], left=rows["base_start"][has], color="#555555", height=0.14, label="baseline"
        )
    _shade(ax, blackouts)
    if status_date is not None:
        ax.axvline(pd.Timestamp(status_date), color="#000000", ls="--", lw=1, label="status date")
    ax.set_yticks(y, rows["label"], fontsize=9 if len(rows) <= 30 else 7 if len(rows) <= GANTT_ROWS_FULL_HEIGHT else 6)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y"))
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours.values()]
    labels = list(colours)
    extra_h, extra_l = ax.get_legend_handles_labels()
    ax.legend(handles + extra_h, labels + extra_l, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    cut = f" (first {len(rows)} of {len(all_rows)} bars)" if len(all_rows) > len(rows) else ""
    ax.set_title(title + cut)
    ax.set_xlabel("date (grey bands: change freezes)")
    message = _gantt_message(all_rows)
    return describe(fig, message + (f"; the first {len(rows)} drawn" if cut else ""))


def _gantt_message(rows: pd.DataFrame) -> str:
    """The span of the plan's bars, their regions and, with a baseline, how many bars end later than it."""
    if rows.empty:
        return "No bar to draw"
    message = (
        f"Work runs from {fmt.date(rows['start'].min())} to {fmt.date(rows['end'].max())} "
        f"in {fmt.count(len(rows), 'bar')} across {fmt.count(rows['region'].nunique(), 'region')}"
    )
    if "base_end" in rows.columns:
        later = int((rows["end"] > rows["base_end"]).sum())  # a missing baseline compares False: not counted
        message += f"; {later} end later than the baseline"
    return message


#: Widest utilisation heat map (inches); the most week labels under it; the most weeks whose cells (at least
#: 0.32 in wide) hold their percentage.
HEATMAP_MAX_WIDTH = 10.5
HEATMAP_MAX_WEEK_LABELS = 40
HEATMAP_MAX_ANNOTATED_WEEKS = 26


def utilisation_heatmap(util: pd.DataFrame, title: str = "Technician utilisation by region and week (%)"):
    """Heat map of region x week utilisation (percent of technician-days booked)."""
    shown = (util * 100).round(0)
    shown.columns = [pd.Timestamp(c).strftime("%d %b") for c in shown.columns]
    weeks = shown.shape[1]
    # at most 10.5 in wide (2,300 px at 220 dpi; 18 in made a 4,000 px image): more weeks get narrower cells
    fig, ax = plt.subplots(figsize=(min(HEATMAP_MAX_WIDTH, 2 + 0.32 * weeks), 1.0 + 0.55 * len(shown)))
    values = shown.to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(values), cmap="Blues", vmin=0, vmax=100, aspect="auto")
    step = max(1, int(np.ceil(weeks / HEATMAP_MAX_WEEK_LABELS)))  # every week labelled only while they fit
    ax.set_xticks(range(0, weeks, step), shown.columns[::step], rotation=90)
    ax.set_yticks(range(len(shown)), [str(region) for region in shown.index])
    ax.grid(False)
    ax.spines[:].set_visible(False)
    if weeks <= HEATMAP_MAX_ANNOTATED_WEEKS:
        annotate_cells(ax, image, values, fontsize=6)
    fig.colorbar(image, ax=ax, label="% of technician-days")
    ax.set_xlabel("week starting" if step == 1 else f"week starting (one week in {step} labelled)")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelrotation=0)
    ax.set_title(title)
    return describe(fig, _busiest_message(util))


def _busiest_message(util: pd.DataFrame) -> str:
    """The busiest region and week (utilisation is a share of technician-days, drawn as %)."""
    cells = (util * 100).stack().dropna()
    if cells.empty:
        return "No technician-day is booked"
    region, week = cells.idxmax()
    return (
        f"Busiest: {region} in the week of {fmt.date(pd.Timestamp(week))} at {fmt.pct(cells.max(), 0)}; "
        f"mean {fmt.pct(cells.mean(), 0)}"
    )


def s_curves(
    curves: dict[str, pd.Series], title: str, total: float, status_date: dt.date | None = None, blackouts=None
):
    """Cumulative devices over time for each named per-day series (plan, baseline, actual, replan)."""
    fig, ax = plt.subplots()
    styles = {
        "baseline": dict(color="#555555", ls="--"),
        "plan": dict(color=PALETTE[0]),
        "actual": dict(color=PALETTE[5], lw=2.5),
        "replan": dict(color=PALETTE[2], ls="-."),
    }
    reached = []
    for name, series in curves.items():
        cum = series.cumsum()
        cum = cum[cum.index <= cum.index[np.argmax(cum.to_numpy() >= cum.iloc[-1] - 1e-6)]]
        ax.plot(cum.index, cum.to_numpy(), label=name, **styles.get(name, {}))
        if len(cum):  # where the drawn line ends: its total and the day it reached it
            reached.append(f"{name} {fmt.number(cum.iloc[-1], 0)} by {fmt.date(cum.index[-1])}")
    ax.axhline(total, color="#999999", lw=0.8)
    _shade(ax, blackouts)
    if status_date is not None:
        ax.axvline(pd.Timestamp(status_date), color="#000000", ls=":", lw=1, label="status date")
    ax.set_ylabel("devices (cumulative)")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    ax.set_title(title)
    ax.legend(loc="upper left")
    return describe(fig, f"Of {fmt.count(total, 'device')}: " + "; ".join(reached) if reached else "No curve to draw")


def forecast_fan(fan: pd.DataFrame, actual: pd.Series | None, percentiles: dict, title: str, total: float):
    """Fan chart of devices at completed sites: median line, 15-85 and 5-95 percentile bands.

    ``actual`` holds the devices of the sites finished each day (see
    :func:`pmokit.rollout.progress.completed_devices`), drawn as steps.
    """
    fig, ax = plt.subplots()
    ax.fill_between(fan.index, fan[5], fan[95], color=PALETTE[0], alpha=0.15, lw=0, label="5–95 %")
    ax.fill_between(fan.index, fan[15], fan[85], color=PALETTE[0], alpha=0.3, lw=0, label="15–85 %")
    ax.plot(fan.index, fan[50], color=PALETTE[0], label="median")
    if actual is not None:
        cum = actual.cumsum()
        ax.step(cum.index, cum.to_numpy(), where="post", color=PALETTE[5], lw=2.5, label="actual")
    for name, day in percentiles.items():
        ax.axvline(pd.Timestamp(day), color="#000000", ls=":", lw=0.8)
        ax.annotate(name.upper(), (pd.Timestamp(day), total * 0.05), rotation=90, fontsize=8, ha="right")
    ax.axhline(total, color="#999999", lw=0.8)
    ax.set_ylabel("devices (cumulative)")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    ax.set_title(title)
    ax.legend(loc="upper left")
    finishes = ", ".join(f"{name.upper()} {fmt.date(day)}" for name, day in percentiles.items())
    message = f"Finish {finishes}" if finishes else "No finish date forecast"
    if actual is not None:
        message += f"; {fmt.number(actual.sum(), 0)} of {fmt.count(total, 'device')} done so far"
    return describe(fig, message)
