"""Parameters of the status_deck workbook: the pydantic model (the single declaration of every parameter)
and its input checks, run before any kernel starts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from pmokit.errors import InputError
from pmokit.params import InputFile, OptionalInputDir, WorkbookParams
from pmokit.sources import status_inputs
from pmokit.status.rag import RagOverride, RagRule

# ---------------------------------------------------------------------------------- status_deck


class StatusDeckParams(WorkbookParams):
    """Parameters of notebooks/status_deck.ipynb."""

    title: str = Field("Weekly portfolio status", description="report and deck title")
    reports_dir: OptionalInputDir = Field(
        None, description="folder of run folders to read (None: the output folder this run is written to)"
    )
    raid_path: InputFile = Field(description="RAID log, CSV or XLSX (e.g. a SharePoint list export)")
    milestones_path: InputFile = Field(
        description="milestones: milestone, workstream, baseline, forecast, actual, status",
    )
    previous_dir: OptionalInputDir = Field(
        None,
        description="last week's status run folder (None: the last status run beside output_dir, if any)",
    )
    period_end: dt.date | None = Field(None, description="status date (default: the latest date in the RAID log)")
    workbooks: list[str] | None = Field(
        None, description="workbooks the deck reports, one slide each, in this order (None: every registered workbook)"
    )
    runs: dict[str, str] = Field(
        {},
        description="workbook -> run (params file name without .yaml) the deck reads; "
        "needed for a workbook with several runs in reports_dir",
    )
    rag_rules: list[RagRule] | None = Field(
        None,
        description="RAG rules (None: each workbook's recorded colours and the PMO rules; "
        "a rule with thresholds is evaluated as written, see Method notes)",
    )
    rag_override: RagOverride | None = Field(
        None, description="{rag, reason}: replaces the overall RAG, shown as an override"
    )
    top_risks: int = Field(5, ge=1, le=10, description="how many risks the top-risks table shows")
    slip_tolerance_days: int = Field(
        0, ge=0, description="a milestone later than baseline by more days than this slipped"
    )
    dayfirst: bool = Field(False, description="read ambiguous dates like 03/04/2026 as 3 April")
    raid_columns: dict[str, str] = Field({}, description="RAID log: canonical field -> header, when headers differ")
    milestones_columns: dict[str, str] = Field({}, description="milestones: canonical field -> header")
    publish: dict[str, Any] | None = Field(
        None,
        description="mail settings as in docs/mail.example.yaml (audiences, smtp, webhook_url_env...): "
        "`pmokit publish` uses them when no --to is given; never a password or URL",
    )

    @field_validator("publish")
    @classmethod
    def _publish_settings(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return value
        from pydantic_core import PydanticCustomError

        from pmokit.publish.config import PublishError, from_mapping

        try:
            from_mapping(value, "publish")
        except PublishError as exc:
            # "secret": the params error line names the key and never shows the value (it may hold one)
            raise PydanticCustomError(
                "secret", str(exc).removeprefix("publish: ").replace("{", "(").replace("}", ")")
            ) from None
        return value

    def runs_folder(self) -> Path:
        """Where the other workbooks' run folders are: ``reports_dir``, else the folder holding
        ``<workbook>/<run>/`` of this run (so `pmokit run --out X` reads the runs of X)."""
        return Path(self.reports_dir) if self.reports_dir else Path(self.output_dir).resolve().parents[1]

    def check_inputs(self) -> list[str]:
        """Read the RAID log and milestones (and the previous run) and report what is wrong."""
        problems = []
        for read in (
            lambda: status_inputs.read_raid(self.raid_path, columns=self.raid_columns, dayfirst=self.dayfirst),
            lambda: status_inputs.read_milestones(
                self.milestones_path, columns=self.milestones_columns, dayfirst=self.dayfirst
            ),
            lambda: status_inputs.read_previous(self.previous_dir),
        ):
            try:
                read()
            except InputError as exc:
                problems.append(str(exc))
        return problems
