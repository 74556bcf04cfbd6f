"""Parameters of the rollout_plan workbook: the pydantic model (the single declaration of every parameter)
and its input checks, run before any kernel starts."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pmokit.errors import InputError
from pmokit.params import InputFile, OptionalInputFile, WorkbookParams
from pmokit.rollout.calendar import parse_workdays
from pmokit.rollout.feasibility import diagnose, input_messages
from pmokit.rollout.plan import peak_technicians, technicians_table
from pmokit.sources import sites as rollout_sources

# ---------------------------------------------------------------------------------- rollout_plan


class RolloutBlackout(BaseModel):
    """A change freeze: no site is worked from ``start`` to ``end`` (inclusive)."""

    model_config = ConfigDict(extra="forbid")

    start: dt.date = Field(description="first day of the freeze")
    end: dt.date = Field(description="last day of the freeze")
    reason: str = Field("", description="why (shown in the report)")

    @model_validator(mode="after")
    def _ordered(self) -> "RolloutBlackout":
        if self.end < self.start:
            raise ValueError(f"blackout ends ({self.end}) before it starts ({self.start})")
        return self


class RolloutPlanParams(WorkbookParams):
    """Parameters of notebooks/rollout_plan.ipynb."""

    title: str = Field("Rollout plan", description="report title")
    sites_path: InputFile = Field(description="sites list, CSV or XLSX")
    columns: dict[str, str] = Field({}, description="sites list: canonical field -> header, when headers differ")
    capacity_path: OptionalInputFile = Field(
        None, description="technicians per region (optional start/end date ranges)"
    )
    technicians: dict[str, int] = Field(
        {}, description="region -> technicians; overrides the usual numbers of capacity_path"
    )
    start_date: dt.date | None = Field(
        None, description="first day of the rollout (default: the baseline's first start, else today)"
    )
    devices_per_technician_day: float = Field(
        10.0, gt=0, description="devices one technician completes per working day"
    )
    crew_size: int = Field(2, ge=1, description="technicians working one site together")
    workdays: list[str] = Field(["Mon", "Tue", "Wed", "Thu", "Fri"], description="weekdays worked")
    blackouts: list[RolloutBlackout] = Field(
        [],
        description="change freezes: list of {start, end, reason}",
    )
    pilot: str | list[str] = Field(
        "cover", description="'cover' (smallest set covering every site type and model), 'none', or a list of site ids"
    )
    pilot_soak_days: int = Field(10, ge=0, description="calendar days between the pilot's end and the first broad wave")
    wave_length_days: int = Field(14, ge=1, description="calendar days per wave after the pilot")
    solver_effort: float = Field(
        0.5,
        gt=0,
        le=1000,
        description=(
            "CP-SAT search effort per plan in deterministic time units, a count of work and not of "
            "seconds (one unit is roughly 10 s of one core); the same effort gives the same plan on any machine"
        ),
    )
    baseline_path: OptionalInputFile = Field(None, description="an earlier plan.csv to compare with; optional")
    actuals_path: OptionalInputFile = Field(
        None,
        description="site_id, actual_start, actual_end (or site_id, date, devices_done); optional",
    )
    status_date: dt.date | None = Field(
        None, description="progress measured at the end of this day (default: the latest actual date)"
    )
    forecast_runs: int = Field(200, ge=10, le=20000, description="Monte Carlo runs of the finish forecast")
    random_seed: int = Field(7, description="seed of the forecast and the solver")
    gantt_max_sites: int = Field(60, ge=1, description="Gantt per site up to this many sites, else per region and wave")

    @field_validator("pilot")
    @classmethod
    def _pilot_mode(cls, value):
        if isinstance(value, str) and value not in ("cover", "none"):
            raise ValueError("pilot must be 'cover', 'none' or a list of site ids")
        return value

    @field_validator("workdays")
    @classmethod
    def _weekdays(cls, value: list[str]) -> list[str]:
        parse_workdays(value)
        return value

    @field_validator("technicians")
    @classmethod
    def _non_negative(cls, value: dict[str, int]) -> dict[str, int]:
        negative = [region for region, n in value.items() if n < 0]
        if negative:
            raise ValueError(f"technicians must be 0 or more (region {negative[0]!r})")
        return value

    def check_inputs(self) -> list[str]:
        """Read every input with its reader, then diagnose impossible plans; one message per problem."""
        problems, sites = [], None
        try:
            sites = rollout_sources.read_sites(self.sites_path, columns=self.columns)
        except InputError as exc:
            problems.append(str(exc))
        for reader, path in (
            (rollout_sources.read_capacity, self.capacity_path),
            (rollout_sources.read_plan, self.baseline_path),
        ):
            if path:
                try:
                    reader(path)
                except InputError as exc:
                    problems.append(str(exc))
        if self.actuals_path:
            try:
                rollout_sources.read_actuals(self.actuals_path, sites=sites)
            except InputError as exc:
                problems.append(str(exc))
        if not self.capacity_path and not self.technicians:
            problems.append("technicians: expected a capacity_path or a technicians mapping, got neither")
        if sites is not None and (self.capacity_path or self.technicians):
            try:
                problems += self._plan_problems(sites)
            except InputError:
                pass  # the capacity file's problem is reported above
        return problems

    def _plan_problems(self, sites) -> list[str]:
        """The notebook's diagnosis of impossible inputs (cycles, regions without technicians, ...)."""
        capacity = rollout_sources.read_capacity(self.capacity_path) if self.capacity_path else None
        table = technicians_table(capacity, self.technicians)
        pilot_ids = [str(s) for s in self.pilot] if isinstance(self.pilot, list) else None
        found = diagnose(sites, peak_technicians(table), self.crew_size, pilot_ids)
        return input_messages(found, self.sites_path, self.capacity_path or None)
