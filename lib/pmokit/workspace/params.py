"""Parameters of the workspace_hygiene workbook: the pydantic model (the single declaration of every parameter)
and its input checks, run before any kernel starts."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from pmokit.params import InputFiles, OptionalInputFile, WorkbookParams, reader_problems
from pmokit.sources import m365
from pmokit.workspace.queue import DEFAULT_WEIGHTS

# ----------------------------------------------------------------------------- workspace_hygiene


class WorkspaceHygieneParams(WorkbookParams):
    """Parameters of notebooks/workspace_hygiene.ipynb."""

    title: str = Field("Workspace hygiene", description="report title")
    sites_path: InputFiles = Field(
        description="SharePoint site usage detail export(s), 15- or 23-column, CSV or XLSX",
    )
    owners_path: OptionalInputFile = Field(
        None,
        description="current staff list (UPN, status Active/Left, department); optional",
    )
    previous_path: OptionalInputFile = Field(
        None,
        description="last run's remediation_queue.xlsx (or CSV of its Queue sheet); optional",
    )
    teams_path: OptionalInputFile = Field(None, description="Teams team activity detail export; optional")
    as_of: dt.date | None = Field(None, description="report date (default: the export's refresh date)")
    inactive_after_days: int = Field(90, ge=1, description="a site with no activity for this many days is inactive")
    storage_warn_pct: float = Field(80.0, gt=0, le=100, description="storage hotspot at this % of the allocation")
    large_site_gb: float = Field(100.0, gt=0, description="a site using this many GB (1 GB is 1024^3 bytes) is large")
    weights: dict[str, float] = Field(
        dict(DEFAULT_WEIGHTS),
        description="weight of each signal in the queue score (signals not given keep their default; 0 leaves one out)",
    )
    sheets_by: Literal["department", "owner"] = Field(
        "department", description="one Excel sheet per department or per owner"
    )
    columns: dict[str, str] = Field({}, description="site export: canonical field -> header, when headers differ")

    @field_validator("weights")
    @classmethod
    def _known_signals(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(DEFAULT_WEIGHTS))
        if unknown:
            raise ValueError(f"unknown signal(s) {unknown}; known: {', '.join(DEFAULT_WEIGHTS)}")
        if any(v < 0 for v in value.values()):
            raise ValueError("weights must be 0 or more")
        return value

    def check_inputs(self) -> list[str]:
        """Read every input with its reader; one message per file that cannot be read."""
        checks = [
            (m365.read_site_usage, self.sites_path, {"columns": self.columns}),
            (m365.read_staff_list, self.owners_path, {}),
            (m365.read_previous_queue, self.previous_path, {}),
            (m365.read_teams_activity, self.teams_path, {}),
        ]
        return reader_problems(checks)
