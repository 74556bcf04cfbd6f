"""Survey charts: neutral centred on zero, hidden cells drawn as hidden, titles with units."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from pmokit.survey import plots  # noqa: E402


def test_diverging_bars_centre_the_neutral_point():
    # shares 10/20/40/20/10 %: the bar starts at -(10 + 20 + 40/2) = -50 and the neutral block spans -20..+20
    table = pd.DataFrame(
        {"item": ["a"], "n": [10], "p1": [1], "p2": [2], "p3": [4], "p4": [2], "p5": [1], "favourable_pct": [30.0]}
    )
    fig = plots.diverging_items(table, ["SD", "D", "N", "A", "SA"])
    bars = fig.axes[0].patches
    assert bars[0].get_x() == pytest.approx(-50.0)
    assert bars[2].get_x() == pytest.approx(-20.0) and bars[2].get_width() == pytest.approx(40.0)
    assert "%" in fig.axes[0].get_title()


def test_heatmap_marks_hidden_cells():
    pct = pd.DataFrame({"x": [50.0, np.nan], "y": [80.0, np.nan]}, index=["Big", "Small"])
    fig = plots.group_heatmap(pct, "Favourable % by team")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("hidden") == 2 and "50" in texts and "80" in texts


def test_response_rates_label_hidden_and_low():
    rates = pd.DataFrame({"group": ["A", "B", "C"], "response_rate_pct": [80.0, 40.0, np.nan]})
    fig = plots.response_rates(rates, 60)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["80%", "40% (low)", "hidden (small group)"]
