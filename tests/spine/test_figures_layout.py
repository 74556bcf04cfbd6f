"""Chart layout (issue 14): the delivery forecast shows P50 and P85 apart and keeps its legend off the data.

The fixture is the bundled delivery forecast's shape: 100 Monte Carlo trials, 86 finishing one week after
the report date and 14 two weeks after, so that P50 and P85 fall on the same date (the case where P85 hid
P50) and P95 a week later.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402

from pmokit.delivery import figures  # noqa: E402

DATES = {50: "2026-12-18", 85: "2026-12-18", 95: "2026-12-25"}


@pytest.fixture
def forecast():
    weeks = np.array([1] * 86 + [2] * 14)
    fig = figures.forecast_fan(weeks, pd.Timestamp("2026-12-11"), DATES, remaining=113)
    fig.canvas.draw()
    yield fig
    plt.close(fig)


def _percentile_lines(fig) -> dict[str, object]:
    ax = fig.axes[0]
    return {line.get_label().split()[0]: line for line in ax.lines if line.get_label().startswith("P")}


def test_p50_and_p85_both_present_and_distinguishable(forecast) -> None:
    lines = _percentile_lines(forecast)
    assert {"P50", "P85", "P95"} <= set(lines)
    p50, p85 = lines["P50"], lines["P85"]
    assert p50.get_linestyle() != p85.get_linestyle() or p50.get_color() != p85.get_color()
    # drawn on one date, the one underneath is wider, so both stay visible
    assert p50.get_linewidth() != p85.get_linewidth()


def test_legend_outside_the_data(forecast) -> None:
    ax = forecast.axes[0]
    legend = ax.get_legend()
    assert legend is not None
    box = legend.get_window_extent()
    data = [artist.get_window_extent() for artist in ax.lines + list(ax.patches)]
    data += [line.get_window_extent() for other in forecast.axes[1:] for line in other.lines]
    assert data
    for extent in data:
        assert not box.overlaps(extent)
    assert not box.overlaps(ax.get_window_extent())  # below the plot area altogether
