"""The status_deck notebook end to end: its run in the session's bundled batch (tests/conftest.py)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from pptx import Presentation

from pmokit import bands, runfolder
from pmokit import workbooks as registry
from pmokit.sources import status_inputs

pytestmark = pytest.mark.e2e
RUN = "status_deck/weekly"
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture(scope="module")
def weekly(bundled_batch) -> Path:
    return bundled_batch.folder(RUN)


def _html(notebook) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for c in notebook.cells for o in c.get("outputs", []))


def _image_width(data: str) -> int:
    """Pixel width of an embedded chart, read with Pillow (the report embeds WebP; older runs PNG)."""
    from PIL import Image

    return Image.open(io.BytesIO(base64.b64decode(data))).size[0]


def test_builds_deck_and_metrics(bundled_batch, weekly):
    metrics = bundled_batch.metrics(RUN)
    # The sample RAID log and milestones (see data/sample/status/generate.py), status date 2026-11-27.
    assert metrics["period_end"] == "2026-11-27"
    assert {"overall_rag", "open_risks", "overdue_actions", "milestones_slipped", "verdict_rag"} <= set(metrics)
    assert metrics["overall_rag"] == metrics["verdict_rag"] and metrics["overall_rag"] in bands.STATES
    assert metrics["workbooks_missing"] == 0 and metrics["milestones"] == 12
    # RAID counts of the sample log; 6 milestones slipped (tests/status/golden/milestones.csv)
    assert metrics["milestones_slipped"] == 6 and metrics["milestones_slipped_rag"] == "red"  # 6 > 2
    assert metrics["data_quality_findings"] == 2  # the 'Opportunity' row and the 'TBC' due date
    prs = Presentation(str(weekly / "status_deck.pptx"))
    assert len(prs.slides) == 7 + 6  # six workbooks (every one but the deck), one slide each
    assert (weekly / "summary.md").read_text(encoding="utf-8").startswith("**Weekly portfolio status**")
    assert {"raid_snapshot.csv", "milestones_snapshot.csv", "workbook_metrics.csv", "headline.png"} <= {
        p.name for p in weekly.iterdir()
    }


def test_report_shows_each_workbook(weekly):
    """(The RAID titles' escaping is checked with probes in tests/test_injection.py.)"""
    executed = nbformat.read(weekly / runfolder.REPORT_IPYNB, as_version=4)
    html = _html(executed)
    section = next(
        i for i, c in enumerate(executed.cells) if c.cell_type == "markdown" and "## Workbook results" in c.source
    )
    shown = executed.cells[section + 1].outputs
    pictures = [o["data"].get("image/webp") or o["data"].get("image/png") for o in shown if "data" in o]
    pictures = [p for p in pictures if p]
    assert len(pictures) == 6 and all(_image_width(p) > 0 for p in pictures)
    # The Overall tile shows its state word once (as the tile's label), not "RED / RED".
    tile = html.split("pmo-tile-label", 2)[1].split("pmo-tile'", 1)[0]
    value = tile.split("pmo-tile-value", 1)[1].split("</div>", 1)[0]
    assert value.split(">", 1)[1].strip().upper() not in {label for label in bands.LABELS.values()}


def test_deck_reads_the_named_runs(bundled_batch, weekly):
    """weekly.yaml names delivery_kpis: jira_sample (the batch also has trello_sample) and rollout_plan: sample."""
    collected = status_inputs.read_previous(weekly).workbook_metrics
    for workbook, run in (("delivery_kpis", "jira_sample"), ("rollout_plan", "sample")):
        recorded = bundled_batch.metrics(f"{workbook}/{run}")
        rows = collected[collected["workbook"] == workbook].set_index("metric")["value"]
        assert rows.to_dict() == {k: "" if v is None else str(v) for k, v in recorded.items()}


def test_deck_shows_the_colour_each_workbook_recorded(bundled_batch, weekly):
    """One colour per figure: each dashboard cell with a single rule equals the colour its workbook recorded."""
    rules = registry.deck_rules()
    table = [s for s in Presentation(str(weekly / "status_deck.pptx")).slides[2].shapes if s.has_table][0].table
    header = [c.text.lower() for c in table.rows[0].cells]
    cells = {r.cells[0].text: dict(zip(header, (c.text for c in r.cells))) for r in list(table.rows)[1:]}
    runs = {"delivery_kpis": "jira_sample", "rollout_plan": "sample"}
    checked = 0
    for rule in rules:
        same_cell = [r for r in rules if (r["workstream"], r["dimension"]) == (rule["workstream"], rule["dimension"])]
        if len(same_cell) > 1:
            continue
        workbook, metric = rule["metric"].split(".", 1)
        run = runs.get(workbook) or runfolder.scan(bundled_batch.out, workbook)[0].path.name
        recorded = bundled_batch.metrics(f"{workbook}/{run}").get(f"{metric}_rag")
        if recorded is None:
            continue  # a RAG-word metric or none recorded: covered by the unit tests
        expected = "GREY" if recorded == "grey" else recorded.upper()
        assert cells[rule["workstream"]][rule["dimension"]] == expected, rule
        checked += 1
    assert checked > 0


def test_milestones_golden(weekly):
    """The milestone table of the sample run equals tests/status/golden/milestones.csv.

    The golden values were worked out by hand from data/sample/status/milestones.csv with the status
    date 2026-11-27 and no tolerance: expected = actual, else forecast, else baseline; slip_days =
    expected - baseline (Wave 3: 19 Feb - 29 Jan = 21 days); done with a slip is 'done late'; a
    milestone not done whose expected date is before 27 Nov is 'overdue' (Site lifecycle policy,
    baseline 20 Nov and no forecast); 6 slipped in all.
    """
    got = pd.read_csv(weekly / "milestones.csv", dtype="string", keep_default_na=False, encoding="utf-8-sig")
    want = pd.read_csv(GOLDEN / "milestones.csv", dtype="string", keep_default_na=False)
    pd.testing.assert_frame_equal(got, want)
