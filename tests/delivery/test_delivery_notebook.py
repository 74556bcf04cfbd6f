"""The delivery_kpis notebook's bundled runs (read from the session's one batch run) write what the issue names."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"


def test_stored_notebook_has_no_outputs():
    nb = nbformat.read(ROOT / "notebooks" / "delivery_kpis.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert code[0].metadata.get("tags") == ["parameters"]


@pytest.fixture(scope="module")
def run(bundled_batch):
    return bundled_batch.folder("delivery_kpis/jira_sample")


@pytest.fixture(scope="module")
def metrics(run):
    return json.loads((run / "metrics.json").read_text(encoding="utf-8"))


def test_metrics_named_by_the_issue(metrics):
    for name in ("items", "done_items", "throughput_per_week", "cycle_time_p85_days", "wip"):
        assert isinstance(metrics[name], (int, float)), name
    assert pd.Timestamp(metrics["forecast_p85_date"]) >= pd.Timestamp(metrics["as_of"])
    assert metrics["rag"] in {"red", "amber", "green", "grey", "done"}
    # the sample's CSV has no history: the report must call its durations lead time
    assert metrics["time_basis"] == "lead time"


def test_colours_are_recorded_for_the_deck(metrics):
    # the deck's Delivery schedule is the verdict's colour (the portfolio RAG), its scope the wip colour
    assert metrics["verdict_rag"] == metrics["rag"] and metrics["verdict"]
    # 48 items in progress in the Jira sample: above 40, not above 60 -> amber by the default band
    assert metrics["wip"] == 48 and metrics["wip_rag"] == "amber"
    assert not any(v in ("nan", "None", "NaT") for v in metrics.values())


def test_trello_run_has_its_history(bundled_batch):
    metrics = bundled_batch.metrics("delivery_kpis/trello_sample")
    assert metrics["time_basis"] == "cycle time" and metrics["status_changes"] > 0
    assert metrics["wip_rag"] == "green" and metrics["verdict_rag"] == metrics["rag"]
    assert (bundled_batch.folder("delivery_kpis/trello_sample") / "cumulative_flow.png").exists()


def sample_rows() -> list[dict[str, str]]:
    """The bundled Jira sample's data rows, counted with the csv module (multi-line cells are one row)."""
    with open(ROOT / "data/sample/delivery/jira_cloud.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    return [dict(zip(header, r)) for r in rows[1:]]  # repeated headers collapse; only single ones are used


def test_work_items_csv_is_the_canonical_table(run, metrics):
    table = pd.read_csv(run / "work_items.csv", encoding="utf-8-sig")
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


def test_work_items_csv_is_neutralised(run):
    # written by report.write_csv: UTF-8 with BOM, no cell starting with a formula character
    raw = (run / "work_items.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(run / "work_items.csv", encoding="utf-8-sig", newline="") as handle:
        cells = [c for row in csv.reader(handle) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]


def test_headline_and_action_list_are_written(run):
    # the injection probes for this workbook: tests/test_injection.py
    assert (run / "headline.png").exists() and (run / "delivery_actions.xlsx").exists()


class TestGolden:
    """Key tables of the Jira sample run against golden files computed by a second, simple method.

    The golden values were counted from ``data/sample/delivery/jira_cloud.csv`` with the csv module
    alone: non-Epic rows per ``Project key``; done = ``Status Category`` Done with a ``Resolved``
    date, open = the rest; wip = ``Status Category`` In Progress; weekly throughput = done rows
    per ISO week (Monday) of ``Resolved`` (format ``%d/%b/%y %I:%M %p``).
    """

    def sheets(self, run):
        return pd.read_excel(run / "delivery_actions.xlsx", sheet_name=None, engine="openpyxl")

    def test_projects(self, run):
        golden = pd.read_csv(GOLDEN / "jira_sample_projects.csv")
        got = self.sheets(run)["Projects"][list(golden.columns)]
        pd.testing.assert_frame_equal(got.reset_index(drop=True), golden, check_dtype=False)

    def test_weekly_throughput(self, run, metrics):
        golden = pd.read_csv(GOLDEN / "jira_sample_throughput.csv")
        got = self.sheets(run)["Throughput"]
        assert [pd.Timestamp(w).date().isoformat() for w in got["week"]] == golden["week"].tolist()
        assert got["throughput"].tolist() == golden["throughput"].tolist()
        # throughput_per_week is their mean: 496 items / 12 weeks = 41.33
        assert metrics["throughput_per_week"] == pytest.approx(golden["throughput"].mean(), abs=0.005)
