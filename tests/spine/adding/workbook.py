"""The registry line of the throwaway team_pulse workbook (step 2: one registry line).

In this repository the line goes at the bottom of lib/pmokit/workbooks.py; a workbook kept outside
the repository exposes the same object through the ``pmokit.workbooks`` entry point group, as here.
"""

from pathlib import Path

from pulse.assess import bands
from pulse.params import TeamPulseParams

from pmokit.workbooks import DeckRule, Workbook

WORKBOOK = Workbook(
    "team_pulse",
    "pulse",
    TeamPulseParams,
    headline=("mean_score", "answers"),
    bands=bands,
    deck=(DeckRule("Team pulse", "people", "mean_score"),),
    notebook=Path(__file__).with_name("team_pulse.ipynb"),
)
