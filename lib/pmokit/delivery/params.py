"""Parameters of the delivery_kpis workbook: the pydantic model (the single declaration of every parameter)
and its input checks, run before any kernel starts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator

from pmokit.delivery import stages
from pmokit.delivery.forecast import MIN_HISTORY_WEEKS
from pmokit.delivery.rag import parse_rule
from pmokit.errors import InputError
from pmokit.params import InputFiles, WorkbookParams
from pmokit.sources.work_items import FULL_CHECK_BYTES, check_work_items, detect_layout, read_work_items

# ------------------------------------------------------------------------------ delivery_kpis


class DeliveryKpisParams(WorkbookParams):
    """Parameters of notebooks/delivery_kpis.ipynb (flow metrics and forecasts from work-item exports)."""

    title: str = Field("Delivery KPIs", description="report title")
    items_path: InputFiles = Field(
        description="Jira CSV/JSON, Asana CSV, Trello JSON or Planner .xlsx export(s)",
    )
    date_format: str | None = Field(
        "%d/%b/%y %I:%M %p", description="Jira CSV date format (your instance's setting) (null: infer)"
    )
    columns: dict[str, str] = Field(
        default_factory=dict, description="canonical field -> header, for CSV headers in another language"
    )
    as_of: dt.date | None = Field(None, description="report date (null: last activity in the data)")
    history_weeks: int = Field(12, ge=2, le=104, description="full ISO weeks of throughput history used")
    min_history_weeks: int = Field(
        MIN_HISTORY_WEEKS, ge=1, le=104, description="full weeks of history a forecast needs (fewer: no forecast)"
    )
    start_statuses: list[str] | None = Field(
        None, description="statuses that mean work started (null: status category)"
    )
    done_statuses: list[str] | None = Field(None, description="statuses that mean finished (null: status category)")
    exclude_types: list[str] = Field(["Epic"], description="item types left out of flow metrics (containers)")
    remaining_items: int | None = Field(None, ge=0, description="items left to forecast (null: all open items)")
    target_date: dt.date | None = Field(None, description="'how many by' date (null: as_of + 4 weeks)")
    monte_carlo_trials: int = Field(10_000, ge=100, le=1_000_000, description="Monte Carlo trials")
    seed: int = Field(42, description="random seed (same seed, same forecast)")
    sle_percentile: int = Field(85, ge=50, le=99, description="cycle-time percentile used as the SLE")
    project_due_dates: dict[str, dt.date] = Field(
        default_factory=dict, description="project -> due date; default the latest item due date"
    )
    rag_rules: list[dict[str, Any]] | None = Field(None, description="RAG rules [{rag, when, why}] (null: defaults)")
    wip_amber: int = Field(40, ge=0, description="work in progress above this many items is amber")
    wip_red: int = Field(60, ge=0, description="work in progress above this many items is red")

    @field_validator("rag_rules")
    @classmethod
    def _rules_parse(cls, value: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        for rule in value or []:
            parse_rule(rule)  # raises InputError (a ValueError) naming the bad rule
        return value

    @model_validator(mode="after")
    def _wip_limits_ordered(self) -> "DeliveryKpisParams":
        if self.wip_red < self.wip_amber:
            raise ValueError(f"wip_red ({self.wip_red}) must be at least wip_amber ({self.wip_amber})")
        return self

    def check_inputs(self) -> list[str]:
        """Check every export (CSV headers, JSON/Excel in full); one message per problem."""
        paths = [self.items_path] if isinstance(self.items_path, str) else list(self.items_path)
        problems = []
        for path in paths:
            try:
                check_work_items(path, date_format=self.date_format, columns=self.columns)
            except InputError as exc:
                problems.append(str(exc))
        return problems

    def check_warnings(self) -> list[str]:
        """Warnings that do not stop a run, one line each: status names no word and no parameter explains.

        Call after :meth:`check_inputs` found no problem. Exports whose stages come from the tool's
        own status category (Jira's Status Category) give none; Jira CSVs too large to read in
        full before a run are skipped (the report lists their names all the same).
        """
        paths = [self.items_path] if isinstance(self.items_path, str) else list(self.items_path)
        warnings = []
        for path in paths:
            if Path(path).stat().st_size >= FULL_CHECK_BYTES and detect_layout(Path(path)) == "jira_csv":
                continue
            try:
                items, transitions = read_work_items(path, date_format=self.date_format, columns=self.columns)
            except InputError:
                continue  # check_inputs reports it
            table = stages.stage_table(items, transitions, self.start_statuses, self.done_statuses)
            message = stages.unrecognised_message(table)
            if message:
                warnings.append(f"{Path(path).name}: {message}")
        return warnings
