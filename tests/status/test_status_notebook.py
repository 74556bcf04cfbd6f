"""The status_deck notebook end to end on hand-made run folders (papermill, one kernel)."""

from __future__ import annotations

import json

import papermill
import pytest
from pptx import Presentation


@pytest.mark.e2e
def test_notebook_builds_deck_and_metrics(root, reports, tmp_path):
    out = tmp_path / "run"
    executed = papermill.execute_notebook(
        str(root / "notebooks" / "status_deck.ipynb"),
        str(tmp_path / "out.ipynb"),
        kernel_name="python3",
        cwd=str(root / "notebooks"),
        progress_bar=False,
        parameters={"output_dir": str(out), "reports_dir": str(reports), "interactive": False},
    )
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    # The sample RAID log and milestones (see data/sample/status/generate.py), status date 2026-11-27.
    assert metrics["period_end"] == "2026-11-27"
    assert {"overall_rag", "open_risks", "overdue_actions", "milestones_slipped"} <= set(metrics)
    assert metrics["overall_rag"] == "red"  # compliance_pct 78.5 < 80 in the fake compliance run
    assert metrics["workbooks_missing"] == 1 and metrics["milestones"] == 12
    assert metrics["data_quality_findings"] == 2  # the 'Opportunity' row and the 'TBC' due date
    prs = Presentation(str(out / "status_deck.pptx"))
    assert len(prs.slides) == 12
    assert (out / "summary.md").read_text(encoding="utf-8").startswith("**Weekly portfolio status**")
    assert {"raid_snapshot.csv", "milestones_snapshot.csv", "workbook_metrics.csv", "headline.png"} <= {
        p.name for p in out.iterdir()
    }
    html = "".join(o.get("data", {}).get("text/html", "") for c in executed.cells for o in c.get("outputs", []))
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html and "<script>window.__xss" not in html
    assert "&lt;img src=x onerror=" in html and "<img src=x" not in html
    # Workbook results: the four fake runs' charts (each a distinct size) embedded, the missing one explained.
    section = next(
        i for i, c in enumerate(executed.cells) if c.cell_type == "markdown" and "## Workbook results" in c.source
    )
    shown = executed.cells[section + 1].outputs
    pictures = [o for o in shown if "image/png" in o.get("data", {})]
    assert sorted(o["metadata"].get("width", 0) or _png_width(o["data"]["image/png"]) for o in pictures) == [
        300,
        300,
        300,
        400,
    ]
    texts = "".join(o.get("data", {}).get("text/html", "") for o in shown)
    assert "Compliance below target." in texts and "Missing: no run folder survey_analysis/" in texts


def _png_width(data: str) -> int:
    import base64
    import struct

    return struct.unpack(">I", base64.b64decode(data)[16:20])[0]  # IHDR width
