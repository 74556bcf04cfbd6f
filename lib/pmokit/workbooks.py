"""The registry of workbooks: one explicit line per workbook, as papermill registers its engines.

Each :class:`Workbook` says where a workbook lives (its package and notebook), how it is
parametrised (its params model and sample params file), which metrics headline it (batch summary,
index, deck) and which of its rated figures the status deck shows, in which workstream and
dimension. The runner, the index, ``pmokit params`` and the status deck's defaults all read this
registry; analysis packages never import it.

Adding a workbook (see the README): one package ``lib/pmokit/<area>/`` (``params.py``,
``assess.py``, ``figures.py``), one ``registry.register(Workbook(...))`` line at the bottom of this
module, one notebook ``notebooks/<id>.ipynb`` and one params file ``params/<id>/sample.yaml``.
A workbook kept outside this repository registers the same :class:`Workbook` object through the
``pmokit.workbooks`` entry-point group.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from pmokit.bands import Band
from pmokit.params import (
    RUNNER_FIELDS,
    ParamsError,
    WorkbookParams,
    default_literal,
    missing_inputs,
    read_params_file,
    resolve_paths,
)

ROOT = Path(os.environ.get("PMOKIT_ROOT", Path(__file__).resolve().parents[2]))
ENTRY_POINT_GROUP = "pmokit.workbooks"
#: Dimensions of the status deck's RAG dashboard.
DIMENSIONS = ("schedule", "scope", "quality", "people")


@dataclass(frozen=True)
class DeckRule:
    """One cell of the status deck's RAG dashboard: a figure the workbook rates.

    ``metric`` is a metric the workbook records together with its colour (``<metric>_rag`` in
    ``metrics.json``, see :func:`pmokit.bands.rag_metrics`), or ``"verdict"`` for the verdict's
    colour. The deck shows that recorded colour: it never compares the value again.
    """

    workstream: str
    dimension: str
    metric: str

    def __post_init__(self) -> None:
        if self.dimension not in DIMENSIONS:
            raise ValueError(f"deck rule {self.metric}: dimension must be one of {DIMENSIONS}")


@dataclass(frozen=True)
class Workbook:
    """Everything the spine needs to know about one workbook.

    Parameters
    ----------
    id : str
        Notebook name (``notebooks/<id>.ipynb``) and folder name under ``params/``.
    package : str
        The package holding its params model, ``assess`` and figures.
    params : type
        Its params model (a :class:`~pmokit.params.WorkbookParams`).
    headline : tuple of str
        Metrics shown in the batch summary, the index and the deck, most important first.
    bands : str or callable, optional
        ``bands(params) -> {metric: Band}``: the thresholds of every figure it colours, or its
        ``"module:function"`` name, imported only when asked for (the runner and ``pmokit params``
        need no analysis code, so they start without importing it).
    deck : tuple of DeckRule
        The figures the status deck shows for it.
    sample : str
        Stem of the params file a notebook opened in JupyterLab runs on (``params/<id>/<sample>.yaml``).
    runs_after : tuple of str
        Workbooks whose results it reads (``"*"``: every other one): run after them in a batch.
    notebook : Path, optional
        The notebook, when not ``notebooks/<id>.ipynb`` (a workbook kept outside this repository).
    display : mapping, optional
        ``{metric: (label, format)}`` for headline metrics no band names (a band's label and format
        are used for the others), e.g. ``{"enps": ("eNPS", "{:+.0f}")}``; read by the index.
    """

    id: str
    package: str
    params: type[WorkbookParams]
    headline: tuple[str, ...]
    bands: str | Callable[[Any], Mapping[str, Band]] | None = None
    deck: tuple[DeckRule, ...] = ()
    sample: str = "sample"
    runs_after: tuple[str, ...] = ()
    notebook: Path | None = None
    display: Mapping[str, tuple[str, str]] = field(default_factory=dict, compare=False)

    def notebook_path(self, notebooks_dir: Path | None = None) -> Path:
        """The workbook's notebook (``notebooks_dir`` overrides the project's ``notebooks/``)."""
        if notebooks_dir is not None:
            return Path(notebooks_dir) / f"{self.id}.ipynb"
        return self.notebook or ROOT / "notebooks" / f"{self.id}.ipynb"

    def sample_params(self) -> Path:
        """The params file used when the notebook runs in JupyterLab."""
        return ROOT / "params" / self.id / f"{self.sample}.yaml"

    def band_function(self) -> Callable[[Any], Mapping[str, Band]] | None:
        """The ``bands`` function itself (importing its module when it is named by a string)."""
        if isinstance(self.bands, str):
            module, _, name = self.bands.partition(":")
            return getattr(import_module(module), name)
        return self.bands

    def default_bands(self) -> dict[str, Band]:
        """Its bands under default parameters (required inputs unset: bands never read files)."""
        function = self.band_function()
        return dict(function(self.params.model_construct())) if function else {}


@dataclass
class Registry:
    """The holder of every workbook, filled by explicit :meth:`register` calls."""

    workbooks: dict[str, Workbook] = field(default_factory=dict)
    _plugins_loaded: bool = False

    def register(self, workbook: Workbook) -> Workbook:
        """Add a workbook; a second workbook with the same id is an error."""
        if workbook.id in self.workbooks and self.workbooks[workbook.id] is not workbook:
            raise ValueError(f"workbook '{workbook.id}' is registered twice")
        self.workbooks[workbook.id] = workbook
        return workbook

    def unregister(self, workbook_id: str) -> None:
        """Remove a workbook (tests that register a throwaway one)."""
        self.workbooks.pop(workbook_id, None)

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            self.register(entry.load())

    def reload_plugins(self) -> None:
        """Look for entry-point workbooks again (after installing one into a running process)."""
        self._plugins_loaded = False
        self._load_plugins()

    def get(self, workbook_id: str) -> Workbook:
        """The workbook with this id; ``KeyError`` naming the known ones."""
        self._load_plugins()
        if workbook_id not in self.workbooks:
            known = ", ".join(self.workbooks) or "none"
            raise KeyError(f"unknown workbook '{workbook_id}' (known: {known})")
        return self.workbooks[workbook_id]

    def __iter__(self) -> Iterator[Workbook]:
        self._load_plugins()
        return iter(list(self.workbooks.values()))

    def ids(self) -> list[str]:
        """Every workbook id, in registration order."""
        return [wb.id for wb in self]


registry = Registry()


def get(workbook_id: str) -> Workbook:
    """The registered workbook with this id."""
    return registry.get(workbook_id)


def headline(workbook_id: str) -> tuple[str, ...]:
    """A workbook's headline metrics; ``()`` for an unknown workbook (an old run folder)."""
    try:
        return get(workbook_id).headline
    except KeyError:
        return ()


def deck_workbooks(exclude: str = "status_deck") -> list[str]:
    """The workbooks the status deck reports by default: every registered one that it can show."""
    return [wb.id for wb in registry if wb.id != exclude and "*" not in wb.runs_after]


def deck_rules(workbook_ids: list[str] | None = None) -> list[dict[str, str]]:
    """The deck's default RAG rules as ``{workstream, dimension, metric: "<workbook>.<metric>"}``."""
    ids = workbook_ids if workbook_ids is not None else deck_workbooks()
    return [
        {"workstream": r.workstream, "dimension": r.dimension, "metric": f"{wb}.{r.metric}"}
        for wb in ids
        for r in get(wb).deck
    ]


def deck_headlines(workbook_ids: list[str] | None = None) -> dict[str, tuple[str, ...]]:
    """``{workbook: headline metrics}`` for the deck's tables and slides."""
    ids = workbook_ids if workbook_ids is not None else deck_workbooks()
    return {wb: headline(wb) for wb in ids}


# ----------------------------------------------------------------------------- notebooks
def lab_output_dir(workbook_id: str) -> Path:
    """Where a notebook run in JupyterLab writes: ``outputs/<id>/lab`` (``PMOKIT_LAB_OUTPUT`` moves it)."""
    return Path(os.environ.get("PMOKIT_LAB_OUTPUT", ROOT / "outputs")) / workbook_id / "lab"


def load(workbook_id: str, namespace: Mapping[str, Any]) -> WorkbookParams:
    """Validate a notebook's parameters (its globals) against the workbook's model.

    Called in the cell after ``parameters``. A batch run has ``output_dir`` injected by the runner
    and is validated as given. In JupyterLab nothing is injected (``output_dir`` is None): the
    workbook's sample params file is read, with paths relative to it, and any value edited in the
    parameters cell wins over it; the run folder is ``outputs/<id>/lab``.
    """
    wb = get(workbook_id)
    model = wb.params
    values = {name: namespace[name] for name in model.model_fields if name in namespace}
    if values.get("output_dir") is not None:
        return model.model_validate(values)
    sample = wb.sample_params()
    shown = str(sample.relative_to(ROOT)) if sample.is_relative_to(ROOT) else str(sample)
    merged = resolve_paths(model, read_params_file(sample, shown), sample.parent)
    edited = {
        name: value
        for name, value in values.items()
        if name not in RUNNER_FIELDS and value != default_literal(model.model_fields[name])
    }
    merged.update(resolve_paths(model, edited, Path.cwd()))
    merged.update(output_dir=str(lab_output_dir(workbook_id)), interactive=values.get("interactive", True))
    params = model.model_validate(merged)
    problems = missing_inputs(params, shown)
    if problems:
        raise ParamsError(problems)
    return params


# ----------------------------------------------------------------------------- the registry
# One line per workbook. Imports are here, not at the top, so that the registry's helpers above
# exist before any workbook package is imported.
from pmokit.compliance.params import ComplianceReportParams  # noqa: E402
from pmokit.delivery.params import DeliveryKpisParams  # noqa: E402
from pmokit.events.params import EventAttendanceParams  # noqa: E402
from pmokit.rollout.params import RolloutPlanParams  # noqa: E402
from pmokit.status.params import StatusDeckParams  # noqa: E402
from pmokit.survey.params import SurveyAnalysisParams  # noqa: E402
from pmokit.workspace.params import WorkspaceHygieneParams  # noqa: E402

registry.register(
    Workbook(
        "rollout_plan",
        "pmokit.rollout",
        RolloutPlanParams,
        headline=("planned_finish", "solver_status", "sites", "devices", "forecast_p85_finish", "spi"),
        bands="pmokit.rollout.assess:bands",
        display={"forecast_p85_finish": ("P85 forecast finish", "")},
        # schedule: the verdict's colour (the worse of SPI and the P85 forecast vs the reference finish)
        deck=(
            DeckRule("Device rollout", "schedule", "verdict"),
            DeckRule("Device rollout", "scope", "percent_complete"),
        ),
    )
)
registry.register(
    Workbook(
        "compliance_report",
        "pmokit.compliance",
        ComplianceReportParams,
        headline=("compliance_pct", "adjusted_compliance_pct", "sla_breaches", "stale_devices"),
        bands="pmokit.compliance.assess:bands",
        deck=(
            DeckRule("Device compliance", "quality", "compliance_pct"),
            DeckRule("Device compliance", "schedule", "sla_breaches"),
        ),
    )
)
registry.register(
    Workbook(
        "survey_analysis",
        "pmokit.survey",
        SurveyAnalysisParams,
        headline=("responses", "response_rate_pct", "favourability_pct", "enps"),
        bands="pmokit.survey.assess:bands",
        display={"responses": ("Responses", "{:,.0f}"), "enps": ("eNPS", "{:+.0f}")},
        deck=(
            DeckRule("Employee survey", "people", "favourability_pct"),
            DeckRule("Employee survey", "quality", "response_rate_pct"),
        ),
    )
)
registry.register(
    Workbook(
        "delivery_kpis",
        "pmokit.delivery",
        DeliveryKpisParams,
        headline=("throughput_per_week", "forecast_p85_date", "cycle_time_p85_days", "wip", "rag"),
        bands="pmokit.delivery.assess:bands",
        deck=(
            DeckRule("Delivery", "schedule", "verdict"),
            DeckRule("Delivery", "scope", "wip"),
        ),
        sample="jira_sample",
        display={
            "throughput_per_week": ("Throughput", "{:.1f} items/week"),
            "forecast_p85_date": ("P85 forecast finish", ""),
            "cycle_time_p85_days": ("Cycle time (P85)", "{:.0f} days"),
            "rag": ("Delivery RAG", ""),
        },
    )
)
registry.register(
    Workbook(
        "workspace_hygiene",
        "pmokit.workspace",
        WorkspaceHygieneParams,
        headline=(
            "queue_size",
            "queue_share_pct",
            "queue_fixed_since_last",
            "inactive_sites",
            "ownerless_sites",
            "storage_used_tb",
        ),
        bands="pmokit.workspace.assess:bands",
        display={
            "queue_size": ("Remediation queue", "{:,.0f} sites"),
            "queue_fixed_since_last": ("Fixed since last run", "{:,.0f} sites"),
            "storage_used_tb": ("Storage used", "{:.1f} TB"),
        },
        deck=(DeckRule("Workspace hygiene", "scope", "queue_share_pct"),),
    )
)
registry.register(
    Workbook(
        "event_attendance",
        "pmokit.events",
        EventAttendanceParams,
        headline=(
            "completion_pct",
            "overdue_people",
            "due_soon_people",
            "attendance_rate_pct",
            "sessions",
            "attendees",
        ),
        bands="pmokit.events.assess:bands",
        display={
            "due_soon_people": ("Due soon", "{:,.0f} people"),
            "sessions": ("Sessions", "{:,.0f}"),
            "attendees": ("Attendees", "{:,.0f} people"),
        },
        deck=(
            DeckRule("Training", "people", "completion_pct"),
            DeckRule("Training", "schedule", "overdue_people"),
        ),
    )
)
registry.register(
    Workbook(
        "status_deck",
        "pmokit.status",
        StatusDeckParams,
        headline=("overall_rag", "milestones_slipped", "open_risks", "overdue_actions"),
        bands="pmokit.status.assess:bands",
        display={"overall_rag": ("Portfolio RAG", "")},
        sample="weekly",
        runs_after=("*",),
    )
)
