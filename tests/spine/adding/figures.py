"""Drawing for the throwaway team_pulse workbook."""

from __future__ import annotations

import matplotlib.pyplot as plt


def scores_chart(by_team):
    """Mean score per team (bar chart)."""
    fig, ax = plt.subplots()
    ax.bar(by_team["team"], by_team["mean score"])
    ax.set_title("Mean score per team (1-5)")
    return fig
