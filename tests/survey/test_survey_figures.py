"""Survey charts (survey/figures.py): neutral centred on zero, hidden cells drawn as hidden, titles with units,
bars coloured by their rating."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from pmokit.bands import RAG_COLOURS, Band  # noqa: E402
from pmokit.survey import figures  # noqa: E402


def test_diverging_bars_centre_the_neutral_point():
    # shares 10/20/40/20/10 %: the bar starts at -(10 + 20 + 40/2) = -50 and the neutral block spans -20..+20
    table = pd.DataFrame(
        {"item": ["a"], "n": [10], "p1": [1], "p2": [2], "p3": [4], "p4": [2], "p5": [1], "favourable_pct": [30.0]}
    )
    fig = figures.diverging_items(table, ["SD", "D", "N", "A", "SA"])
    bars = fig.axes[0].patches
    assert bars[0].get_x() == pytest.approx(-50.0)
    assert bars[2].get_x() == pytest.approx(-20.0) and bars[2].get_width() == pytest.approx(40.0)
    assert "%" in fig.axes[0].get_title()


def test_heatmap_marks_hidden_cells():
    pct = pd.DataFrame({"x": [50.0, np.nan], "y": [80.0, np.nan]}, index=["Big", "Small"])
    fig = figures.group_heatmap(pct, "Favourable % by team")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("hidden") == 2 and "50" in texts and "80" in texts


def test_response_rates_label_hidden_and_low():
    # status and rag as assess.rate_groups gives them for a 60% / 40% band
    rates = pd.DataFrame(
        {
            "group": ["A", "B", "C"],
            "response_rate_pct": [80.0, 40.0, np.nan],
            "status": ["ok", "low", "hidden"],
            "rag": ["green", "amber", "grey"],
        }
    )
    band = Band("response_rate_pct", "Response rate", "higher_is_better", amber=60, red=40, fmt="{:g}%")
    fig = figures.response_rates(rates, band)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["80%", "40% (low)", "hidden (small group)"]
    # each bar takes its rating's colour; the flag line sits at the band's amber threshold
    colours = [matplotlib.colors.to_hex(bar.get_facecolor()) for bar in fig.axes[0].patches]
    assert colours == [RAG_COLOURS["green"].lower(), RAG_COLOURS["amber"].lower(), RAG_COLOURS["grey"].lower()]
    assert fig.axes[0].lines[0].get_xdata()[0] == 60
