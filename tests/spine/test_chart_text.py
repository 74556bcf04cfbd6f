"""Names are text in every chart: ``$`` never starts mathtext, CJK names are drawn with a CJK font.

Real exports carry names such as ``Team $$ pay`` (a Jira project), ``Cost $\\foo$ x`` (a survey item) and
Japanese Trello card titles. matplotlib read the first two as mathtext and failed to draw the chart, and
drew the third as empty boxes with a "Glyph ... missing from font(s)" warning. Each figure that takes a
name is drawn here with such names, from hand-made frames shaped like what its area computes.
"""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from pmokit import charts  # noqa: E402
from pmokit.bands import Band  # noqa: E402

DOLLARS = "Team $$ pay"
MATH = "Cost $\\foo$ x"  # "\foo" is no mathtext command: parsed as math this raises ValueError
JAPANESE = "新しいカード 日本語"
NAMES = [DOLLARS, MATH, JAPANESE]
DAYS = pd.date_range("2026-11-02", periods=3, freq="7D")


def _compliance():
    from pmokit.compliance import figures

    units = pd.DataFrame(
        {"business_unit": NAMES, "compliance_pct": [80.0, 90.0, 70.0], "adjusted_compliance_pct": [85.0, 95, 75]}
    )
    settings = pd.DataFrame({"setting": NAMES, "devices": [3, 2, 1], "kind": ["security control"] * 3})
    return [figures.by_unit(units, target=90), figures.settings(settings)]


def _delivery():
    from pmokit.delivery import figures

    aging = pd.DataFrame({"id": ["A-1", "A-2", "A-3"], "status": NAMES, "age_days": [3, 9, 30], "over_sle": [0, 0, 1]})
    weekly = pd.DataFrame({name: [1, 2, 3] for name in NAMES}, index=DAYS)
    return [figures.aging_chart(aging, 14.0), figures.throughput_by_project(weekly)]


def _rollout():
    from pmokit.rollout import figures

    rows = pd.DataFrame(
        {"label": NAMES, "region": NAMES, "start": DAYS, "end": DAYS + pd.Timedelta(days=4)},
    )
    util = pd.DataFrame([[0.5, 0.7, 0.9]] * 3, index=NAMES, columns=DAYS)
    return [figures.gantt(rows, f"Plan of {DOLLARS}"), figures.utilisation_heatmap(util)]


def _status():
    from pmokit.status import figures

    grid = pd.DataFrame({"schedule": ["green", "red", ""], "scope": ["amber", "grey", "done"]}, index=NAMES)
    milestones = pd.DataFrame(
        {
            "milestone": NAMES,
            "baseline": DAYS,
            "expected": DAYS + pd.Timedelta(days=3),
            "actual": [pd.NaT] * 3,
            "slipped": [True, False, False],
            "overdue": [False, True, False],
            "slip_days": [3, 0, 0],
        }
    )
    return [figures.rag_grid(grid), figures.milestone_chart(milestones, DAYS[-1])]


def _survey():
    from pmokit.survey import figures

    items = pd.DataFrame(
        {
            "item": NAMES,
            "p1": [1, 2, 3],
            "p2": [2, 2, 2],
            "p3": [3, 2, 1],
            "n": [6, 6, 6],
            "favourable_pct": [50.0, 33, 17],
        }
    )
    rates = pd.DataFrame(
        {
            "group": NAMES,
            "response_rate_pct": [60.0, np.nan, 30.0],
            "status": ["ok", "hidden", "low"],
            "rag": ["green", "grey", "red"],
        }
    )
    drivers = pd.DataFrame({"item": NAMES, "correlation": [0.2, 0.5, 0.7], "favourable_pct": [40.0, 60, 80]})
    groups = pd.DataFrame({"group": NAMES, "enps": [10.0, -5, 20], "ci_low": [0.0, -15, 10], "ci_high": [20.0, 5, 30]})
    heat = pd.DataFrame([[50.0, 60.0], [70.0, np.nan], [80.0, 90.0]], index=NAMES, columns=[DOLLARS, JAPANESE])
    band = Band("response_rate_pct", "Response rate", "higher_is_better", amber=70, red=50, fmt="{:.0f}%")
    return [
        figures.diverging_items(items, ["disagree", "neutral", "agree"]),
        figures.response_rates(rates, band),
        figures.driver_quadrant(drivers, MATH),
        figures.enps_chart({"enps": 5.0, "ci_low": -5.0, "ci_high": 15.0}, groups),
        figures.group_heatmap(heat, f"Favourable % by {DOLLARS}"),
    ]


def _workspace():
    from pmokit.workspace import figures

    summary = pd.DataFrame({"Template": NAMES, "Storage used (GB)": [1.0, 2.0, 3.0], "Sites": [1, 2, 3]})
    return [figures.template_chart(summary)]


AREAS = {
    "compliance": _compliance,
    "delivery": _delivery,
    "rollout": _rollout,
    "status": _status,
    "survey": _survey,
    "workspace": _workspace,
}


def _drawn_text(fig) -> str:
    """Every text the figure will draw (titles, tick labels, annotations), after a full draw."""
    fig.canvas.draw()
    return " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


@pytest.mark.parametrize("area", sorted(AREAS))
def test_names_with_dollars_are_drawn_as_written(area: str) -> None:
    """``$`` in a name neither raises nor disappears: the drawn label is the name as written."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")  # the CJK test is below
        for fig in AREAS[area]():
            fig.savefig(io.BytesIO(), format="png")  # raised "ParseFatalException" / ValueError before
            drawn = _drawn_text(fig)
            plt.close(fig)
            assert DOLLARS in drawn or MATH in drawn, f"{area}: no name drawn as written in {drawn[:200]!r}"


def test_text_settings_hold_without_the_report_theme() -> None:
    """Importing pmokit.charts is enough: tests and JupyterLab draw figures without report.start."""
    assert matplotlib.rcParams["text.parse_math"] is False
    assert matplotlib.rcParams["font.family"][0] == charts.BASE_FONT
    charts.set_theme()  # the theme sets the family list again (it once went through seaborn, which reset it)
    assert matplotlib.rcParams["font.family"] == charts.font_families()
    assert matplotlib.rcParams["text.parse_math"] is False


def test_japanese_names_have_their_glyphs() -> None:
    """With a CJK font installed (``make install``), a Japanese label draws without a missing-glyph warning."""
    if not charts.cjk_fonts():
        pytest.skip("no CJK font installed: run `make install` (installs fonts-noto-cjk as root) to test this")
    charts.set_theme()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph 26032 missing from font(s) DejaVu Sans" would raise here
        for make in (_rollout, _workspace, _status):
            for fig in make():
                fig.savefig(io.BytesIO(), format="png")
                plt.close(fig)


def test_fallback_list_names_only_installed_fonts() -> None:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    assert set(charts.font_families()) <= installed
