"""Parameters of the throwaway team_pulse workbook (README, "Adding a workbook", step 1)."""

from __future__ import annotations

from pydantic import Field

from pmokit.params import InputFile, WorkbookParams


class TeamPulseParams(WorkbookParams):
    """Parameters of notebooks/team_pulse.ipynb."""

    title: str = Field("Team pulse", description="report title")
    scores_path: InputFile = Field(description="CSV with columns team, score (1-5)")
