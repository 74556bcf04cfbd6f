"""A status run whose milestones file lists no milestone yet (a new programme: the SharePoint list exists,
with its columns, but no row): the page and the deck say so instead of an empty chart on a 1970 axis,
and nothing of the Python process reaches the page, the deck or summary.md (tests/report_scan.py)."""

from __future__ import annotations

import shutil

import pytest
from pptx import Presentation
from report_scan import report_problems

pytestmark = pytest.mark.e2e


def test_no_milestones_reads_as_a_reason(tmp_path, root):
    from pmokit import cli

    folder = tmp_path / "status_deck"
    folder.mkdir()
    shutil.copy(root / "data" / "sample" / "status" / "raid_log.csv", folder / "raid_log.csv")
    (folder / "milestones.csv").write_text(
        "\ufeffMilestone,Workstream,Baseline Date,Forecast Date,Actual Date,Status\n", encoding="utf-8"
    )
    (folder / "new.yaml").write_text("raid_path: raid_log.csv\nmilestones_path: milestones.csv\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["run", "-q", "--out", str(out), str(folder / "new.yaml")]) == 0
    run = out / "status_deck" / "new"
    assert "Nothing to show: the milestones file lists no milestone" in (run / "report.html").read_text("utf-8")
    assert not (run / "milestones.png").exists()
    deck = Presentation(str(run / "status_deck.pptx"))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert "No milestone to chart: the milestones file lists none." in texts
    assert report_problems(run) == []
