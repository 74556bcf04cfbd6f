"""The PowerPoint deck, built from hand-made run folders in tmp_path and opened with python-pptx."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Inches, Pt

from pmokit.sources import status_inputs as src
from pmokit.status import assess, deck, figures, portfolio, rag, snapshots

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "status"
WORKBOOKS = ["rollout_plan", "compliance_report", "survey_analysis", "delivery_kpis", "workspace_hygiene"]


def build(
    inputs, reports: Path, out: Path, previous=None, override=None, workbooks=WORKBOOKS
) -> tuple[Path, assess.StatusResult]:
    runs = src.select_runs(reports, workbooks)
    raid_log = src.read_raid(FIXTURES / "raid_sharepoint.csv")
    ms = src.read_milestones(FIXTURES / "milestones.csv")
    p = inputs.params(rag_override=override)
    status = assess.assess(
        runs, raid_log, ms, previous, p, deck_rules=inputs.rules(workbooks), headlines=inputs.headlines
    )
    png = out / "milestones.png"
    if not png.exists():  # the real chart once per folder; its look is not what these tests check
        figures.milestone_chart(status.milestones, status.period_end).savefig(png)
    path = deck.build_deck(out / "status_deck.pptx", **portfolio.deck_content(status, "Weekly status", png))
    return path, status


@pytest.fixture(scope="module")
def built(deck_inputs, shared_reports, tmp_path_factory):
    """One deck for the read-only checks (built once: python-pptx and the chart take a second)."""
    return build(deck_inputs, shared_reports, tmp_path_factory.mktemp("deck"))


def titles(prs):
    return [s.shapes.title.text_frame.text for s in prs.slides]


class TestDeck:
    def test_opens_16_9_with_one_slide_per_workbook(self, built):
        prs = Presentation(str(built[0]))
        assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
        # 7 fixed slides + 5 workbooks
        assert len(prs.slides) == 12
        assert titles(prs) == [
            "Weekly status",
            "Executive summary: overall RED",
            "RAG dashboard by workstream and dimension",
            "Rollout plan",
            "Device compliance",
            "Survey analysis",
            "Delivery KPIs",
            "Workspace hygiene",
            "Milestones: baseline vs forecast and actual",
            "Top risks and open issues",
            "Overdue actions and decisions needed",
            "What changed since last week",
        ]

    def test_slide_count_follows_workbooks(self, deck_inputs, shared_reports, tmp_path):
        path, _ = build(deck_inputs, shared_reports, tmp_path, workbooks=["delivery_kpis", "survey_analysis"])
        prs = Presentation(str(path))
        assert len(prs.slides) == 7 + 2
        assert titles(prs)[3:5] == ["Delivery KPIs", "Survey analysis"]

    def test_missing_workbook_reported_on_its_slide(self, built):
        slide = Presentation(str(built[0])).slides[5]
        body = [s for s in slide.placeholders if s.placeholder_format.idx == 1][0]
        assert body.text_frame.text.startswith("Missing: no run folder survey_analysis/")
        assert built[1].missing == ["survey_analysis"]

    def test_every_picture_placeholder_filled(self, built):
        prs = Presentation(str(built[0]))
        pictures = 0
        for slide in prs.slides:
            for shape in slide.placeholders:
                if shape.placeholder_format.type == PP_PLACEHOLDER.PICTURE:
                    assert hasattr(shape, "image"), f"empty picture placeholder on '{slide.shapes.title.text}'"
                    pictures += 1
        assert pictures == 5  # four workbook charts and the milestones chart

    def test_headline_png_is_the_picture(self, built):
        slide = Presentation(str(built[0])).slides[7]  # workspace_hygiene saved queue.png and headline.png
        pic = [s for s in slide.placeholders if s.placeholder_format.type == PP_PLACEHOLDER.PICTURE][0]
        assert pic.image.size == (400, 150)  # the fake headline.png is 400 x 150, queue.png 300 x 150

    def test_pictures_not_cropped_and_inside_slide(self, built):
        prs = Presentation(str(built[0]))
        for slide in prs.slides:
            for shape in slide.shapes:
                assert 0 <= shape.left and shape.left + shape.width <= prs.slide_width
                assert 0 <= shape.top and shape.top + shape.height <= prs.slide_height
                if hasattr(shape, "image"):
                    assert (shape.crop_left, shape.crop_right, shape.crop_top, shape.crop_bottom) == (0, 0, 0, 0)

    def test_readable_type(self, built):
        prs = Presentation(str(built[0]))
        for slide in prs.slides:
            for shape in slide.shapes:
                frames = (
                    [c.text_frame for r in shape.table.rows for c in r.cells]
                    if shape.has_table
                    else ([shape.text_frame] if shape.has_text_frame else [])
                )
                for frame in frames:
                    for para in frame.paragraphs:
                        for run in para.runs:
                            assert run.font.size >= Pt(10)

    def test_rag_dashboard_cells(self, built):
        table = [s for s in Presentation(str(built[0])).slides[2].shapes if s.has_table][0].table
        header = [c.text for c in table.rows[0].cells]
        assert header == ["Workstream", "Schedule", "Scope", "Quality", "People", "Headline"]
        rows = {r.cells[0].text: [c.text for c in r.cells] for r in list(table.rows)[1:]}
        # the colours compliance_report recorded: compliance_pct 78.5 -> RED quality; sla_breaches 0 -> GREEN schedule
        assert rows["Device compliance"][1:5] == ["GREEN", "", "RED", ""]
        # survey_analysis missing -> GREY
        assert rows["Employee survey"][3:5] == ["GREY", "GREY"]

    def test_override_shown(self, deck_inputs, reports, tmp_path):
        override = rag.RagOverride(rag="amber", reason="Compliance fix deployed on Friday evening")
        path, status = build(deck_inputs, reports, tmp_path, override=override)
        summary_slide = Presentation(str(path)).slides[1]
        texts = [s.text_frame.text for s in summary_slide.shapes if s.has_text_frame]
        assert "AMBER (override)" in texts
        assert any("override by the PMO (rules gave RED): Compliance fix deployed" in t for t in texts)


class TestFitting:
    def test_estimate_by_hand(self):
        # 5.5 in box - no insets here: 396 pt / (0.55 x 20 pt) = 36 chars a line; 100 chars -> 3 lines
        assert deck.estimated_lines("x" * 100, Inches(5.5), 20) == 3
        # words wrap whole: 'aaaa bbbb' in a 6-char line -> 2 lines
        assert deck.estimated_lines("aaaa bbbb", int(6 * 0.55 * 10 * 12700) + 1, 10) == 2

    def test_long_title_shrinks_then_is_cut(self, deck_inputs, reports, tmp_path, make_run):
        long = "Delivery KPIs for the customer portal, the mobile app and the data platform programmes in 2026"
        make_run(reports, "delivery_kpis", "portfolio", metrics={"title": long}, end="2026-11-28T10:00:00+00:00")
        huge = "Workspace hygiene " * 20
        make_run(reports, "workspace_hygiene", "weekly", metrics={"title": huge}, end="2026-11-28T10:00:00+00:00")
        path, _ = build(deck_inputs, reports, tmp_path)
        prs = Presentation(str(path))
        for slide in prs.slides:
            title = slide.shapes.title
            size = title.text_frame.paragraphs[0].runs[0].font.size.pt
            assert deck.fits(title.text_frame.text, title.width, title.height, size), title.text_frame.text
        delivery, workspace = prs.slides[6].shapes.title, prs.slides[7].shapes.title
        assert delivery.text_frame.paragraphs[0].runs[0].font.size < Pt(28)  # shrunk below the 28 pt start
        assert workspace.text_frame.text.endswith("…") and len(workspace.text_frame.text) < len(huge)


class TestWeekOverWeek:
    def test_diff_of_two_hand_made_runs(self, deck_inputs, reports, tmp_path, make_run):
        # Last week's status run: written by this code's snapshot writer from a week-earlier state.
        last_week = tmp_path / "last_week"
        last_week.mkdir()
        raid_log = src.read_raid(FIXTURES / "raid_sharepoint.csv")
        old_raid = raid_log[raid_log["id"] != "10"].copy()  # risk 10 is new this week
        old_raid.loc[old_raid["id"] == "3", ["status", "open"]] = ["Open", True]  # risk 3 closed since
        old_ms = src.read_milestones(FIXTURES / "milestones.csv")
        old_ms.loc[old_ms["milestone"] == "Wave 2", "forecast"] = pd.Timestamp("2026-12-16")  # moved 7 days
        old_metrics = pd.DataFrame(
            {
                "workbook": ["compliance_report", "status"],
                "metric": ["compliance_pct", "open_risks"],
                "value": ["86.4", "3"],
            }
        )
        snapshots.write_snapshots(last_week, old_raid, old_ms, old_metrics)
        (last_week / "metrics.json").write_text('{"open_risks": 3}', encoding="utf-8")
        path, status = build(deck_inputs, reports, tmp_path, previous=src.read_previous(last_week))
        assert status.raid_changes["new"]["id"].tolist() == ["10"]
        assert status.raid_changes["closed"]["id"].tolist() == ["3"]
        assert status.moves[["milestone", "moved_days"]].values.tolist() == [["Wave 2", 7]]
        # compliance 86.4 -> 78.5 = -7.9; open risks 3 -> 3 (1, 2, 10) unchanged, so not listed
        deltas = status.deltas.set_index("metric")["change"]
        assert list(deltas.index) == ["compliance_pct"] and round(deltas.item(), 6) == -7.9
        changed = Presentation(str(path)).slides[-1].placeholders[1].text_frame.text
        assert "RAID: 1 new item, 1 closed." in changed
        assert "Milestone 'Wave 2' moved 7 days later to 2026-12-23." in changed

    def test_without_previous(self, built):
        changed = Presentation(str(built[0])).slides[-1].placeholders[1].text_frame.text
        assert changed == "No previous status run was given: nothing to compare."
