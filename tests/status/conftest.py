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
    """Four workbooks' runs: rollout_plan, compliance_report, delivery_kpis, workspace_hygiene."""
    write_run(root, "rollout_plan", "wave", metrics={"title": "Rollout plan", "spi": 0.9, "percent_complete": 30.0})
    write_run(
        root,
        "compliance_report",
        "monthly",
        metrics={
            "title": "Device compliance",
            "verdict": "Compliance below target.",
            "compliance_pct": 78.5,
            "sla_breaches": 0,
        },
    )
    write_run(
        root,
        "delivery_kpis",
        "portfolio",
        metrics={"title": "Delivery KPIs", "rag": "Green", "wip": 12, "forecast_p85_date": "2027-02-12"},
    )
    write_run(
        root,
        "workspace_hygiene",
        "weekly",
        metrics={"title": "Workspace hygiene", "queue_size": 10},
        charts=("queue.png", "headline.png"),
    )
    return root
