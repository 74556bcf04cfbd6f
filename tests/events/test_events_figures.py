"""The event-attendance charts: alt text that states the message (figures worked out by hand) and a bounded
size however many sessions, sites or departments there are."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pmokit import report
from pmokit.events import figures
from pmokit.events.assess import bands


def _sessions(n: int) -> pd.DataFrame:
    start = pd.date_range("2026-01-05 09:00", periods=n, freq="7D")
    return pd.DataFrame(
        {"start": start, "registered": pd.array([10 + i for i in range(n)], dtype="Int64"), "attended": list(range(n))}
    )


def test_series_chart_message_by_hand():
    fig = figures.series_chart(_sessions(4))
    # attended 0+1+2+3 = 6 of registered 10+11+12+13 = 46; most attended: the 4th, 2026-01-26, 3 people
    alt = report.figure_alt_text(fig)
    assert alt == (
        "Attendance per session (people): 4 sessions, 6 attended in all of 46 registered; "
        "most attended 2026-01-26 (3 people)"
    )
    plt.close(fig)


def test_many_sessions_keep_a_readable_size():
    for n in (8, 24, 200):
        fig = figures.series_chart(_sessions(n))
        width, height = fig.get_size_inches()
        assert width <= 0.7 * 24 + 3 and height < 5, (n, width)
        plt.close(fig)


def test_completion_chart_lowest_on_top_and_capped():
    by = pd.DataFrame(
        {
            "site": [f"S{i:03d}" for i in range(40)],
            "required": [10] * 40,
            "completed": [i % 11 for i in range(40)],
        }
    )
    by["completion_pct"] = 100 * by["completed"] / by["required"]
    fig = figures.completion_chart(by, bands(None)["completion_pct"], "site")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == figures.MAX_HEAT
    # the top bar (last tick) is a site with 0 completed: S000 (first of the zeros S000, S011, S022, S033)
    assert labels[-1] == "S000"
    assert "lowest 25 of 40" in fig.axes[0].get_title()
    # lowest 0% (S000), highest 100% (S010: 10 of 10)
    assert report.figure_alt_text(fig).endswith("lowest S000 at 0%, highest S010 at 100%")
    plt.close(fig)


def test_heatmap_capped_to_the_lowest_columns():
    rng = np.random.default_rng(3)
    pct = pd.DataFrame(rng.integers(0, 101, size=(5, 60)).astype(float), columns=[f"S{i}" for i in range(60)])
    pct["S7"] = 0.0  # the lowest column: kept, and the message names its lowest cell
    fig = figures.completion_heatmap(pct, "department", "site")
    assert len(fig.axes[0].get_xticklabels()) == figures.MAX_HEAT
    assert "S7" in [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "of 60" in fig.axes[0].get_title()
    assert ": 0%" in report.figure_alt_text(fig)
    plt.close(fig)


def test_due_chart_most_overdue_manager_named():
    by = pd.DataFrame({"manager": ["Mia", "Noa", "Ola"], "overdue": [1, 4, 0], "due_soon": [2, 0, 0]})
    fig = figures.due_chart(by)
    # Ola has nobody overdue or due soon: left out; Noa (4 overdue) is first
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Mia", "Noa"]
    assert report.figure_alt_text(fig).endswith("most overdue: Noa's team, 4 people overdue")
    plt.close(fig)
