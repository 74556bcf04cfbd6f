"""Parameters of every workbook: one pydantic model each, validated before any kernel starts.

A model's fields are the names in its notebook's cell tagged ``parameters``, with the same defaults
(a test keeps them equal). Dates are ``datetime.date`` here and ISO strings in the notebook, because
papermill injects plain Python literals. Input files are marked with :data:`InputFile` so that the
runner resolves them relative to the YAML file and checks that they exist.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pmokit.status.rag import RagOverride, RagRule  # the status rule models live with the rules

INPUT_FILE = "input_file"
INPUT_DIR = "input_dir"
STATE_DIR = "state_dir"

#: A path to an input file; relative paths in YAML are relative to the YAML file.
InputFile = Annotated[str, Field(json_schema_extra={INPUT_FILE: True})]
#: An optional input file (``None`` when not given).
OptionalInputFile = Annotated[str | None, Field(json_schema_extra={INPUT_FILE: True})]
#: One input file or several (e.g. exports of several Jira projects).
InputFiles = Annotated[str | list[str], Field(json_schema_extra={INPUT_FILE: True})]
#: An optional folder of inputs (e.g. earlier snapshots).
OptionalInputDir = Annotated[str | None, Field(json_schema_extra={INPUT_DIR: True})]
#: An optional folder a workbook keeps between runs (e.g. a history store): relative to the YAML
#: file like inputs, but created when missing.
OptionalStateDir = Annotated[str | None, Field(json_schema_extra={STATE_DIR: True})]

WORKBOOKS: dict[str, type["WorkbookParams"]] = {}


class WorkbookParams(BaseModel):
    """Fields every workbook has. Subclasses set ``workbook`` and ``headline``.

    ``output_dir`` and ``interactive`` are injected by the runner (the run folder, and ``False``);
    their defaults serve a notebook opened in JupyterLab.
    """

    model_config = ConfigDict(extra="forbid", validate_default=True)

    #: Notebook name (``notebooks/<workbook>.ipynb``) and folder name under ``params/``.
    workbook: ClassVar[str] = ""
    #: Metrics shown in the batch summary and the index, most important first.
    headline: ClassVar[tuple[str, ...]] = ()
    #: Workbooks whose results this one reads ("*" = every other workbook): run after them in a batch.
    runs_after: ClassVar[tuple[str, ...]] = ()

    title: str = Field(description="report title")
    output_dir: str = Field(description="folder for metrics and artefacts (the runner sets the run folder)")
    interactive: bool = Field(True, description="show live widgets (JupyterLab only; the runner sets False)")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.workbook:
            WORKBOOKS[cls.workbook] = cls

    def input_fields(self) -> dict[str, list[str]]:
        """Return ``{field: [paths]}`` for every input file or folder given."""
        found = {}
        for name, info in type(self).model_fields.items():
            extra = info.json_schema_extra or {}
            if isinstance(extra, dict) and (extra.get(INPUT_FILE) or extra.get(INPUT_DIR)):
                value = getattr(self, name)
                if value:
                    found[name] = [value] if isinstance(value, str) else list(value)
        return found

    def check_inputs(self) -> list[str]:
        """Deeper checks of the inputs before any kernel starts (read headers, say what is wrong).

        Returns one message per problem; the base class checks nothing beyond existence, which the
        runner does. Workbooks override this to call their readers.
        """
        return []


def is_input_field(info) -> str | None:
    """Return ``"file"``, ``"dir"``, ``"state"`` (a folder kept between runs) or None for a model field."""
    extra = info.json_schema_extra or {}
    if not isinstance(extra, dict):
        return None
    if extra.get(INPUT_FILE):
        return "file"
    if extra.get(INPUT_DIR):
        return "dir"
    if extra.get(STATE_DIR):
        return "state"
    return None


def model_for(workbook: str) -> type[WorkbookParams]:
    """Return the params model of a workbook, importing the registry first."""
    if workbook not in WORKBOOKS:
        known = ", ".join(sorted(WORKBOOKS)) or "none"
        raise KeyError(f"unknown workbook '{workbook}' (known: {known})")
    return WORKBOOKS[workbook]


def load(workbook: str, namespace: dict[str, Any]) -> WorkbookParams:
    """Validate a notebook's parameters (its globals) against the workbook's model.

    Called in the cell after ``parameters`` so that a notebook run by hand in JupyterLab gets the same
    checks as a batch run.
    """
    model = model_for(workbook)
    values = {name: namespace[name] for name in model.model_fields if name in namespace}
    return model.model_validate(values)


def today() -> str:
    """Today's date as ISO text (used by defaults that mean 'now')."""
    return dt.date.today().isoformat()


# --------------------------------------------------------------------------------------------
# Workbook models. Each one mirrors its notebook's parameters cell, name for name, default for
# default. Keep the help text short: `pmokit params WORKBOOK` prints it.
# --------------------------------------------------------------------------------------------

# (the workbook models are appended below, one section per workbook)


# ----------------------------------------------------------------------------- workspace_hygiene


class WorkspaceHygieneParams(WorkbookParams):
    """Parameters of notebooks/workspace_hygiene.ipynb."""

    workbook: ClassVar[str] = "workspace_hygiene"
    headline: ClassVar[tuple[str, ...]] = (
        "queue_size",
        "queue_fixed_since_last",
        "inactive_sites",
        "ownerless_sites",
        "storage_used_tb",
    )

    title: str = Field("Workspace hygiene", description="report title")
    output_dir: str = Field("../outputs/workspace_hygiene/lab", description="run folder (set by the runner)")
    interactive: bool = Field(True, description="live widgets in JupyterLab (the runner sets False)")
    sites_path: InputFiles = Field(
        "../data/sample/workspace/sharepoint_site_usage.csv",
        description="SharePoint site usage detail export(s), 15- or 23-column, CSV or XLSX",
    )
    owners_path: OptionalInputFile = Field(
        "../data/sample/workspace/staff.csv",
        description="current staff list (UPN, status Active/Left, department); optional",
    )
    previous_path: OptionalInputFile = Field(
        "../data/sample/workspace/previous_queue.xlsx",
        description="last run's remediation_queue.xlsx (or CSV of its Queue sheet); optional",
    )
    teams_path: OptionalInputFile = Field(
        "../data/sample/workspace/teams_team_activity.csv", description="Teams team activity detail export; optional"
    )
    as_of: dt.date | None = Field(None, description="report date (default: the export's refresh date)")
    inactive_after_days: int = Field(90, ge=1, description="a site with no activity for this many days is inactive")
    storage_warn_pct: float = Field(80.0, gt=0, le=100, description="storage hotspot at this % of the allocation")
    large_site_gb: float = Field(100.0, gt=0, description="a site using this many GB (1 GB = 1024^3 bytes) is large")
    weights: dict[str, float] = Field(
        {
            "owner_left": 5,
            "ownerless": 5,
            "anonymous_links": 4,
            "inactive": 3,
            "owner_unknown": 2,
            "storage_over_warn": 2,
            "guest_links": 2,
            "large": 1,
        },
        description="weight of each signal in the queue score (signals not given keep their default; 0 leaves one out)",
    )
    sheets_by: Literal["department", "owner"] = Field(
        "department", description="one Excel sheet per department or per owner"
    )
    columns: dict[str, str] = Field({}, description="site export: canonical field -> header, when headers differ")

    @field_validator("weights")
    @classmethod
    def _known_signals(cls, value: dict[str, float]) -> dict[str, float]:
        from pmokit.workspace.queue import DEFAULT_WEIGHTS

        unknown = sorted(set(value) - set(DEFAULT_WEIGHTS))
        if unknown:
            raise ValueError(f"unknown signal(s) {unknown}; known: {', '.join(DEFAULT_WEIGHTS)}")
        if any(v < 0 for v in value.values()):
            raise ValueError("weights must be 0 or more")
        return value

    def check_inputs(self) -> list[str]:
        """Read every input with its reader; one message per file that cannot be read."""
        from pmokit.errors import InputError
        from pmokit.sources import m365

        checks = [
            (m365.read_site_usage, self.sites_path, {"columns": self.columns}),
            (m365.read_staff_list, self.owners_path, {}),
            (m365.read_previous_queue, self.previous_path, {}),
            (m365.read_teams_activity, self.teams_path, {}),
        ]
        problems = []
        for reader, path, kwargs in checks:
            if path:
                try:
                    reader(path, **kwargs)
                except InputError as exc:
                    problems.append(str(exc))
        return problems


# ---------------------------------------------------------------------------------- status_deck


class StatusDeckParams(WorkbookParams):
    """Parameters of notebooks/status_deck.ipynb."""

    workbook: ClassVar[str] = "status_deck"
    headline: ClassVar[tuple[str, ...]] = ("overall_rag", "milestones_slipped", "open_risks", "overdue_actions")
    runs_after: ClassVar[tuple[str, ...]] = ("*",)  # reads the other workbooks' results of the same batch

    title: str = Field("Weekly portfolio status", description="report and deck title")
    output_dir: str = Field("../outputs/status_deck/lab", description="run folder (set by the runner)")
    interactive: bool = Field(True, description="live widgets in JupyterLab (the runner sets False)")
    reports_dir: OptionalInputDir = Field(
        None, description="folder of run folders to read (None: the output folder this run is written to)"
    )
    raid_path: InputFile = Field(
        "../data/sample/status/raid_log.csv", description="RAID log, CSV or XLSX (e.g. a SharePoint list export)"
    )
    milestones_path: InputFile = Field(
        "../data/sample/status/milestones.csv",
        description="milestones: milestone, workstream, baseline, forecast, actual, status",
    )
    previous_dir: OptionalInputDir = Field(
        "../data/sample/status/previous_run",
        description="last week's status run folder (None: the last status run beside output_dir, if any)",
    )
    period_end: dt.date | None = Field(None, description="status date (default: the latest date in the RAID log)")
    workbooks: list[str] = Field(
        ["rollout_plan", "compliance_report", "survey_analysis", "delivery_kpis", "workspace_hygiene"],
        description="workbooks to read from reports_dir, one slide each, in this order",
    )
    rag_rules: list[RagRule] | None = Field(None, description="RAG rules (None: the built-in rules, see Method notes)")
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

    def runs_folder(self) -> Path:
        """Where the other workbooks' run folders are: ``reports_dir``, else the folder holding
        ``<workbook>/<run>/`` of this run (so `pmokit run --out X` reads the runs of X)."""
        return Path(self.reports_dir) if self.reports_dir else Path(self.output_dir).resolve().parents[1]

    def check_inputs(self) -> list[str]:
        """Read the RAID log and milestones (and the previous run) and report what is wrong."""
        from pmokit.errors import InputError
        from pmokit.sources import status as src

        problems = []
        for read in (
            lambda: src.read_raid(self.raid_path, self.raid_columns, self.dayfirst),
            lambda: src.read_milestones(self.milestones_path, self.milestones_columns, self.dayfirst),
            lambda: src.read_previous(self.previous_dir),
        ):
            try:
                read()
            except InputError as exc:
                problems.append(str(exc))
        return problems


# ---------------------------------------------------------------------------- compliance_report
class ComplianceReportParams(WorkbookParams):
    """Parameters of notebooks/compliance_report.ipynb (device compliance from Intune exports)."""

    workbook: ClassVar[str] = "compliance_report"
    headline: ClassVar[tuple[str, ...]] = ("compliance_pct", "adjusted_compliance_pct", "sla_breaches", "stale_devices")

    title: str = Field("Device compliance", description="report title")
    output_dir: str = Field("../outputs/compliance_report/lab", description="run folder (set by the runner)")
    interactive: bool = Field(True, description="live widgets in JupyterLab (the runner sets False)")
    devices_path: InputFile = Field(
        "../data/sample/compliance/DevicesWithInventory_2026-11-23.zip",
        description="Intune All devices export (DevicesWithInventory_*.csv or its .zip), or the Graph "
        "non-compliant devices report (with _loc columns)",
    )
    settings_path: OptionalInputFile = Field(
        "../data/sample/compliance/device_settings.csv",
        description="per-device per-setting report: which settings fail (optional)",
    )
    org_path: OptionalInputFile = Field(
        "../data/sample/compliance/org_mapping.csv",
        description="org mapping: UPN -> business unit, site, manager (optional)",
    )
    exceptions_path: OptionalInputFile = Field(
        "../data/sample/compliance/exceptions.csv",
        description="approved exceptions: device ID or UPN, setting or *, reason, approver, expires (optional)",
    )
    history_dir: OptionalInputDir = Field(
        "../data/sample/compliance/history", description="folder of earlier exports (optional)"
    )
    history_pattern: str = Field(
        r"(?P<date>\d{4}-\d{2}-\d{2})",
        description="regex finding a snapshot's date in a file name (group 'date': YYYY-MM-DD or YYYYMMDD)",
    )
    history_store: OptionalStateDir = Field(
        "../outputs/compliance_report/history_store",
        description="folder of the Parquet history store each run adds its snapshot to, created when missing "
        "(None: no store); use one folder per tenant",
    )
    as_of: dt.date | None = Field(
        None, description="report date (default: the date in the export's file name, else its latest check-in)"
    )
    stale_after_days: int = Field(30, ge=1, description="a device not checked in for more days than this is stale")
    sla_days: int = Field(14, ge=0, description="non-compliant for more days than this breaches the SLA")
    min_os_versions: dict[str, str] = Field(
        {"Windows": "10.0.22631", "iOS": "17.6", "macOS": "14.6", "Android": "13"},
        description="OS -> minimum version (compared as versions: 10.0.9 < 10.0.10)",
    )
    require_encryption: bool = Field(True, description="an unencrypted device fails the baseline")
    housekeeping_settings: list[str] = Field(
        ["Is active", "Has a compliance policy assigned", "Enrolled user exists", "*check-in*", "*sync*"],
        description="patterns (shell-style, case-insensitive) of settings that are hygiene, not security controls",
    )
    expiring_within_days: int = Field(30, ge=1, description="list exceptions expiring within this many days")
    dayfirst: bool = Field(False, description="read ambiguous dates like 03/04/2026 as 3 April")
    columns: dict[str, str] = Field({}, description="device export: canonical field -> header, when headers differ")
    settings_columns: dict[str, str] = Field(
        {}, description="settings report: canonical field (device_id, setting, policy, state) -> header"
    )
    org_columns: dict[str, str] = Field(
        {}, description="org mapping: canonical field (upn, business_unit, site, manager) -> header"
    )
    exceptions_columns: dict[str, str] = Field(
        {}, description="exceptions: canonical field (subject, setting, reason, approver, expires) -> header"
    )

    def check_inputs(self) -> list[str]:
        """Read the headers of every input and report what is wrong, before any kernel starts."""
        import re

        from pmokit.errors import InputError
        from pmokit.sources import intune

        problems = []
        checks = [lambda: intune.check_devices(self.devices_path, self.columns)]
        if self.settings_path:
            checks.append(lambda: intune.read_settings(self.settings_path, columns=self.settings_columns))
        if self.org_path:
            checks.append(lambda: intune.read_org(self.org_path, columns=self.org_columns))
        if self.exceptions_path:
            checks.append(
                lambda: intune.read_exceptions(
                    self.exceptions_path, columns=self.exceptions_columns, dayfirst=self.dayfirst
                )
            )
        if self.history_dir:
            checks.append(lambda: intune.list_snapshots(self.history_dir, self.history_pattern))
        for check in checks:
            try:
                check()
            except InputError as exc:
                problems.append(str(exc))
            except re.error as exc:
                problems.append(f"history_pattern: expected a regular expression, got {self.history_pattern!r} ({exc})")
        return problems


# ----------------------------------------------------------------------------- survey_analysis
SURVEY_FORMATS = (
    "msforms",
    "googleforms",
    "qualtrics",
    "qualtrics_insights",
    "qualtrics_legacy",
    "surveymonkey",
    "plain",
)


class SurveyAnalysisParams(WorkbookParams):
    """Parameters of notebooks/survey_analysis.ipynb."""

    workbook: ClassVar[str] = "survey_analysis"
    headline: ClassVar[tuple[str, ...]] = ("responses", "response_rate_pct", "favourability_pct", "enps")

    title: str = Field("Post-rollout satisfaction survey", description="report title")
    output_dir: str = Field("../outputs/survey_analysis/lab", description="run folder (set by the runner)")
    interactive: bool = Field(True, description="live widgets in JupyterLab (the runner sets False)")
    responses_path: InputFile = Field(
        "../data/sample/survey/responses.xlsx",
        description="survey export: Microsoft Forms xlsx, Google Forms csv, Qualtrics csv, SurveyMonkey csv/xlsx, or a plain table",
    )
    format: str | None = Field(
        None, description=f"force the export layout ({', '.join(SURVEY_FORMATS)}); detected when empty"
    )
    survey_path: OptionalInputFile = Field(
        "../data/sample/survey/survey.yaml",
        description="survey definition YAML (scale, items, NPS, outcome, groups, comments, themes)",
    )
    survey: dict[str, Any] | None = Field(None, description="survey definition given inline; wins over survey_path")
    population_path: OptionalInputFile = Field(
        "../data/sample/survey/population.csv",
        description="headcount per group (a group column and Headcount), for response rates",
    )
    previous_path: OptionalInputFile = Field(
        "../data/sample/survey/previous.xlsx",
        description="previous wave's export (same definition), for wave-over-wave change",
    )
    min_group_size: int = Field(5, ge=2, description="smallest group (or group x item cell) whose figures are shown")
    min_comment_group_size: int = Field(10, ge=2, description="smallest group whose comments are shown")
    response_rate_threshold_pct: float = Field(
        60.0, ge=0, le=100, description="flag groups whose response rate is below this %"
    )
    alpha: float = Field(
        0.05, gt=0, lt=1, description="false-discovery rate for group and wave comparisons (Benjamini-Hochberg)"
    )

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str | None) -> str | None:
        if value is not None and value not in SURVEY_FORMATS:
            raise ValueError(f"format must be one of {', '.join(SURVEY_FORMATS)}, got {value!r}")
        return value

    def check_inputs(self) -> list[str]:
        """Read the definition, the export, the population and the previous wave; one message per problem."""
        from pmokit.errors import InputError
        from pmokit.sources.surveys import read_definition, read_population, read_survey

        try:
            definition = read_definition(self.survey_path, self.survey)
        except InputError as exc:
            return [str(exc)]
        problems = []
        for path in [self.responses_path, self.previous_path]:
            if path:
                try:
                    read_survey(path, definition, self.format)
                except InputError as exc:
                    problems.append(str(exc))
        if self.population_path:
            try:
                read_population(self.population_path, list(definition.groups))
            except InputError as exc:
                problems.append(str(exc))
        return problems


# ------------------------------------------------------------------------------ delivery_kpis


class DeliveryKpisParams(WorkbookParams):
    """Parameters of notebooks/delivery_kpis.ipynb (flow metrics and forecasts from work-item exports)."""

    workbook: ClassVar[str] = "delivery_kpis"
    headline: ClassVar[tuple[str, ...]] = (
        "throughput_per_week",
        "forecast_p85_date",
        "cycle_time_p85_days",
        "wip",
        "rag",
    )

    title: str = Field("Delivery KPIs", description="report title")
    output_dir: str = Field("../outputs/delivery_kpis/lab", description="run folder (set by the runner)")
    interactive: bool = Field(True, description="live widgets in JupyterLab (the runner sets False)")
    items_path: InputFiles = Field(
        "../data/sample/delivery/jira_cloud.csv",
        description="Jira CSV/JSON, Asana CSV, Trello JSON or Planner .xlsx export(s)",
    )
    date_format: str | None = Field(
        "%d/%b/%y %I:%M %p", description="Jira CSV date format (your instance's setting); null = infer"
    )
    columns: dict[str, str] = Field(
        default_factory=dict, description="canonical field -> header, for CSV headers in another language"
    )
    as_of: dt.date | None = Field(None, description="report date; null = last activity in the data")
    history_weeks: int = Field(12, ge=2, le=104, description="full ISO weeks of throughput history used")
    start_statuses: list[str] | None = Field(
        None, description="statuses that mean work started; null = status category"
    )
    done_statuses: list[str] | None = Field(None, description="statuses that mean finished; null = status category")
    exclude_types: list[str] = Field(["Epic"], description="item types left out of flow metrics (containers)")
    remaining_items: int | None = Field(None, ge=0, description="items left to forecast; null = all open items")
    target_date: dt.date | None = Field(None, description="'how many by' date; null = as_of + 4 weeks")
    monte_carlo_trials: int = Field(10_000, ge=100, le=1_000_000, description="Monte Carlo trials")
    seed: int = Field(42, description="random seed (same seed, same forecast)")
    sle_percentile: int = Field(85, ge=50, le=99, description="cycle-time percentile used as the SLE")
    project_due_dates: dict[str, dt.date] = Field(
        default_factory=dict, description="project -> due date; default the latest item due date"
    )
    rag_rules: list[dict[str, Any]] | None = Field(None, description="RAG rules [{rag, when, why}]; null = defaults")

    @field_validator("rag_rules")
    @classmethod
    def _rules_parse(cls, value: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        from pmokit.delivery.rag import parse_rule

        for rule in value or []:
            parse_rule(rule)  # raises InputError (a ValueError) naming the bad rule
        return value

    def check_inputs(self) -> list[str]:
        """Check every export (CSV headers, JSON/Excel in full); one message per problem."""
        from pmokit.errors import InputError
        from pmokit.sources.work_items import check_work_items

        paths = [self.items_path] if isinstance(self.items_path, str) else list(self.items_path)
        problems = []
        for path in paths:
            try:
                check_work_items(path, date_format=self.date_format, columns=self.columns)
            except InputError as exc:
                problems.append(str(exc))
        return problems


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

    workbook: ClassVar[str] = "rollout_plan"
    headline: ClassVar[tuple[str, ...]] = (
        "planned_finish",
        "solver_status",
        "sites",
        "devices",
        "forecast_p85_finish",
        "spi",
    )

    title: str = Field("Rollout plan", description="report title")
    output_dir: str = Field("../outputs/rollout_plan/lab", description="run folder (set by the runner)")
    interactive: bool = Field(True, description="live widgets in JupyterLab (the runner sets False)")
    sites_path: InputFile = Field("../data/sample/rollout/sites.csv", description="sites list, CSV or XLSX")
    columns: dict[str, str] = Field({}, description="sites list: canonical field -> header, when headers differ")
    capacity_path: OptionalInputFile = Field(
        "../data/sample/rollout/capacity.csv", description="technicians per region (optional start/end date ranges)"
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
        [{"start": "2026-12-14", "end": "2027-01-03", "reason": "Year-end change freeze"}],
        description="change freezes: list of {start, end, reason}",
    )
    pilot: str | list[str] = Field(
        "cover", description="'cover' (smallest set covering every site type and model), 'none', or a list of site ids"
    )
    pilot_soak_days: int = Field(10, ge=0, description="calendar days between the pilot's end and the first broad wave")
    wave_length_days: int = Field(14, ge=1, description="calendar days per wave after the pilot")
    solver_time_limit_s: float = Field(3.0, gt=0, le=3600, description="CP-SAT time limit per solve, seconds")
    baseline_path: OptionalInputFile = Field(
        "../data/sample/rollout/baseline_plan.csv", description="an earlier plan.csv to compare with; optional"
    )
    actuals_path: OptionalInputFile = Field(
        "../data/sample/rollout/actuals.csv",
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
        from pmokit.rollout.calendar import parse_workdays

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
        from pmokit.errors import InputError
        from pmokit.sources import sites as rollout_sources

        problems, sites = [], None
        try:
            sites = rollout_sources.read_sites(self.sites_path, self.columns)
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
                rollout_sources.read_actuals(self.actuals_path, sites)
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
        from pmokit.rollout.checks import diagnose, input_messages
        from pmokit.rollout.plan import peak_technicians, technicians_table
        from pmokit.sources import sites as rollout_sources

        capacity = rollout_sources.read_capacity(self.capacity_path) if self.capacity_path else None
        table = technicians_table(capacity, self.technicians)
        pilot_ids = [str(s) for s in self.pilot] if isinstance(self.pilot, list) else None
        found = diagnose(sites, peak_technicians(table), self.crew_size, pilot_ids)
        return input_messages(found, self.sites_path, self.capacity_path or None)
