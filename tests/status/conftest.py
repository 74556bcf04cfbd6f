"""Fakes for the status deck tests: hand-made run folders of other workbooks in ``tmp_path``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image


def write_run(
    reports: Path,
    workbook: str,
    stem: str,
    *,
    status: str = "succeeded",
    end: str = "2026-11-27T10:00:00+00:00",
    metrics: dict | None = None,
    charts: tuple[str, ...] = ("headline.png",),
) -> Path:
    """Write ``<reports>/<workbook>/<stem>/`` with run.json, metrics.json and small PNG charts."""
    folder = reports / workbook / stem
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "run.json").write_text(
        json.dumps({"workbook": workbook, "run": stem, "status": status, "start": end, "end": end, "duration_s": 1.0}),
        encoding="utf-8",
    )
    (folder / "metrics.json").write_text(json.dumps(metrics or {"title": workbook}), encoding="utf-8")
    for i, name in enumerate(charts):
        Image.new("RGB", (300 + 100 * i, 150), (200, 30 * i, 40)).save(folder / name)
    return folder


@pytest.fixture
def make_run():
    """The :func:`write_run` helper."""
    return write_run


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """A reports folder with one succeeded run of four workbooks (survey_analysis missing)."""
    return fill_reports(tmp_path / "outputs")


@pytest.fixture(scope="module")
def shared_reports(tmp_path_factory) -> Path:
    """The same reports folder, built once per module (for read-only tests)."""
    return fill_reports(tmp_path_factory.mktemp("status") / "outputs")


def fill_reports(root: Path) -> Path:
    """Four workbooks' runs: rollout_plan, compliance_report, delivery_kpis, workspace_hygiene.

    Each run records its rated figures with their colour (``<metric>_rag``), as every workbook's
    ``assess`` does; the colours are those its own bands give (compliance 78.5 % is red below 80 %,
    no SLA breach is green...). delivery_kpis' ``rag`` is a RAG word without a recorded colour.
    """
    write_run(
        root,
        "rollout_plan",
        "wave",
        metrics={
            "title": "Rollout plan",
            "spi": 0.9,
            "spi_rag": "amber",
            "percent_complete": 30.0,
            "percent_complete_rag": "green",
        },
    )
    write_run(
        root,
        "compliance_report",
        "monthly",
        metrics={
            "title": "Device compliance",
            "verdict": "Compliance below target.",
            "verdict_rag": "red",
            "compliance_pct": 78.5,
            "compliance_pct_rag": "red",
            "sla_breaches": 0,
            "sla_breaches_rag": "green",
        },
    )
    write_run(
        root,
        "delivery_kpis",
        "portfolio",
        metrics={
            "title": "Delivery KPIs",
            "rag": "Green",
            "wip": 12,
            "wip_rag": "green",
            "forecast_p85_date": "2027-02-12",
        },
    )
    write_run(
        root,
        "workspace_hygiene",
        "weekly",
        metrics={"title": "Workspace hygiene", "queue_size": 10, "queue_size_rag": "green"},
        charts=("queue.png", "headline.png"),
    )
    return root


#: Deck rules of the five workbooks, written out as ``registry.deck_rules(ids)`` hands them to the
#: notebook (fixed here so that these tests do not move when a workbook changes its registry line;
#: tests/status/test_status_assess.py checks the real registry's rules separately).
WORKBOOKS = ["rollout_plan", "compliance_report", "survey_analysis", "delivery_kpis", "workspace_hygiene"]
DECK_RULES = [
    {"workstream": "Device rollout", "dimension": "schedule", "metric": "rollout_plan.spi"},
    {"workstream": "Device rollout", "dimension": "scope", "metric": "rollout_plan.percent_complete"},
    {"workstream": "Device compliance", "dimension": "quality", "metric": "compliance_report.compliance_pct"},
    {"workstream": "Device compliance", "dimension": "schedule", "metric": "compliance_report.sla_breaches"},
    {"workstream": "Employee survey", "dimension": "people", "metric": "survey_analysis.favourability_pct"},
    {"workstream": "Employee survey", "dimension": "quality", "metric": "survey_analysis.response_rate_pct"},
    {"workstream": "Delivery", "dimension": "schedule", "metric": "delivery_kpis.rag"},
    {"workstream": "Delivery", "dimension": "scope", "metric": "delivery_kpis.wip"},
    {"workstream": "Workspace hygiene", "dimension": "scope", "metric": "workspace_hygiene.queue_size"},
]
HEADLINES = {
    "rollout_plan": ("percent_complete", "spi", "planned_finish", "forecast_p85_finish"),
    "compliance_report": ("compliance_pct", "adjusted_compliance_pct", "sla_breaches"),
    "survey_analysis": ("responses", "response_rate_pct", "favourability_pct", "enps"),
    "delivery_kpis": ("throughput_per_week", "cycle_time_p85_days", "wip", "forecast_p85_date"),
    "workspace_hygiene": ("queue_size", "inactive_sites", "ownerless_sites", "storage_used_tb"),
}


def deck_rules(workbooks=WORKBOOKS) -> list[dict]:
    """The deck rules of these workbooks, in their order."""
    return [r for wb in workbooks for r in DECK_RULES if r["metric"].split(".")[0] == wb]


def params(**values):
    """Status deck params on the test fixtures (status date 2026-11-27)."""
    from pmokit.status.params import StatusDeckParams

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "status"
    base = {
        "raid_path": str(fixtures / "raid_sharepoint.csv"),
        "milestones_path": str(fixtures / "milestones.csv"),
        "period_end": "2026-11-27",
    }
    return StatusDeckParams(**{**base, **values})


class DeckInputs:
    """What the notebook hands to ``assess`` besides the data: rules, headlines and params."""

    workbooks = WORKBOOKS
    headlines = HEADLINES

    @staticmethod
    def rules(workbooks=WORKBOOKS) -> list[dict]:
        return deck_rules(workbooks)

    @staticmethod
    def params(**values):
        return params(**values)


@pytest.fixture(scope="session")
def deck_inputs() -> type[DeckInputs]:
    """Deck rules, headlines and a params factory (see :class:`DeckInputs`)."""
    return DeckInputs
