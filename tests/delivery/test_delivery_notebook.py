"""The delivery_kpis notebook runs on the bundled Jira sample and writes what the issue names."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

ROOT = Path(__file__).resolve().parents[2]
XSS = ["<script>window.__xss=1</script>", '<img src=x onerror="window.__xss=1">']


def test_stored_notebook_has_no_outputs():
    nb = nbformat.read(ROOT / "notebooks" / "delivery_kpis.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert code[0].metadata.get("tags") == ["parameters"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("delivery_run")
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "delivery_kpis.ipynb"),
        str(out / "report.ipynb"),
        kernel_name="python3",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        parameters={"output_dir": str(out), "interactive": False, "monte_carlo_trials": 2000},
    )
    return out


def test_metrics_named_by_the_issue(run):
    metrics = json.loads((run / "metrics.json").read_text())
    for name in ("items", "done_items", "throughput_per_week", "cycle_time_p85_days", "wip"):
        assert isinstance(metrics[name], (int, float)), name
    assert pd.Timestamp(metrics["forecast_p85_date"]) >= pd.Timestamp(metrics["as_of"])
    assert metrics["rag"] in {"red", "amber", "green", "grey"}
    # the sample's CSV has no history: the report must call its durations lead time
    assert metrics["time_basis"] == "lead time"


def sample_rows() -> list[dict[str, str]]:
    """The bundled Jira sample's data rows, counted with the csv module (multi-line cells are one row)."""
    with open(ROOT / "data/sample/delivery/jira_cloud.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    return [dict(zip(header, r)) for r in rows[1:]]  # repeated headers collapse; only single ones are used


def test_work_items_csv_is_the_canonical_table(run):
    table = pd.read_csv(run / "work_items.csv", encoding="utf-8-sig")
    metrics = json.loads((run / "metrics.json").read_text())
    rows = sample_rows()
    epics = sum(r["Issue Type"] == "Epic" for r in rows)  # the default exclude_types
    # every item of the export is in the table, epics flagged as excluded, the rest in the flow metrics
    assert len(table) == len(rows) == metrics["items_read"]
    assert epics > 0 and int(table["excluded"].sum()) == epics == metrics["items_excluded"]
    assert set(table.loc[table["excluded"], "type"]) == {"Epic"}
    assert int((~table["excluded"]).sum()) == metrics["items"]
    assert sorted(table["id"]) == sorted(r["Issue key"] for r in rows)
    assert {"id", "title", "status_category", "created", "resolved", "sprints", "labels", "source"} <= set(
        table.columns
    )


def test_probes_are_shown_as_text(run):
    nb = nbformat.read(run / "report.ipynb", as_version=4)
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    for probe in XSS:
        assert probe not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html
    assert (run / "headline.png").exists() and (run / "delivery_actions.xlsx").exists()
