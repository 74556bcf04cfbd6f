"""RAID views, milestone slips, week-over-week diff and generated text, on hand-made frames."""

from __future__ import annotations

import pandas as pd

from pmokit.status import diff, milestones, raid, summary

T = pd.Timestamp


def raid_frame():
    return pd.DataFrame(
        {
            "id": ["R1", "R2", "R3", "R4", "A1", "A2", "A3", "I1", "D1"],
            "type": ["Risk", "Risk", "Risk", "Risk", "Action", "Action", "Action", "Issue", "Decision"],
            "title": ["t"] * 9,
            "due": [
                T("2026-12-01"),
                T("2026-11-30"),
                pd.NaT,
                T("2026-12-01"),
                T("2026-11-27"),
                T("2026-11-28"),
                T("2026-11-01"),
                pd.NaT,
                T("2026-12-05"),
            ],
            "raised": [T("2026-11-01")] * 9,
            "probability": [4.0, 5.0, 3.0, 5.0, None, None, None, None, None],
            "impact": [5.0, 4.0, None, 5.0, None, None, None, None, None],
            "open": [True, True, True, False, True, True, False, True, True],
        }
    )


class TestRaid:
    def test_counts(self):
        # open risks R1 (4x5=20), R2 (5x4=20), R3 (no score); R4 closed -> 3 open, 2 high (>= 15)
        # actions: A1 due 27th = period end -> overdue; A2 due 28th -> not yet; A3 closed
        assert raid.counts(raid_frame(), T("2026-11-27")) == {
            "open_risks": 3,
            "high_risks": 2,
            "open_issues": 1,
            "overdue_actions": 1,
            "decisions_needed": 1,
        }

    def test_top_risks_order(self):
        # R1 and R2 tie on 20: the earlier due date (R2, 30 Nov) first; unscored R3 last
        assert raid.top_risks(raid_frame(), 3)["id"].tolist() == ["R2", "R1", "R3"]

    def test_overdue_days(self):
        late = raid.overdue_actions(raid_frame(), T("2026-12-02"))  # A1: 5 days, A2: 4 days
        assert late[["id", "days_overdue"]].values.tolist() == [["A1", 5], ["A2", 4]]


class TestMilestones:
    def frame(self):
        return pd.DataFrame(
            {
                "milestone": ["Pilot", "Wave 1", "Wave 2", "Wave 3"],
                "baseline": [T("2026-10-16"), T("2026-11-13"), T("2026-12-11"), T("2026-12-11")],
                "forecast": [T("2026-10-23"), T("2026-11-13"), T("2026-12-23"), T("2026-12-18")],
                "actual": [T("2026-10-23"), pd.NaT, pd.NaT, pd.NaT],
            }
        )

    def test_slips(self):
        table = milestones.slips(self.frame(), T("2026-11-27"))
        # Pilot: done 7 days late; Wave 1: on baseline but not done by 27 Nov -> overdue;
        # Wave 2: 23 Dec - 11 Dec = 12 days; Wave 3: 7 days
        assert table["slip_days"].tolist() == [7, 0, 12, 7]
        assert table["state"].tolist() == ["done late", "overdue", "slipped", "slipped"]
        assert milestones.slipped_count(table) == 3

    def test_tolerance(self):
        # with 7 days tolerance only Wave 2 (12 days) slipped
        assert milestones.slipped_count(milestones.slips(self.frame(), T("2026-11-27"), 7)) == 1


class TestDiff:
    def test_metric_deltas(self):
        cur = pd.DataFrame(
            {
                "workbook": ["c", "c", "c", "d"],
                "metric": ["pct", "title", "rag", "new"],
                "value": ["81.5", "X", "Red", "1"],
            }
        )
        old = pd.DataFrame(
            {"workbook": ["c", "c", "c"], "metric": ["pct", "title", "rag"], "value": ["86.4", "Y", "Red"]}
        )
        out = diff.metric_deltas(cur, old)
        # pct 86.4 -> 81.5 = -4.9; title skipped; rag unchanged; 'new' has no previous value
        assert out["metric"].tolist() == ["pct"]
        assert round(out["change"].item(), 6) == -4.9

    def test_raid_changes(self):
        prev = pd.DataFrame(
            {
                "id": ["1", "2", "3", "4"],
                "title": ["a", "b", "c", "d"],
                "status": ["Open", "Open", "Closed", "Open"],
                "open": [True, True, False, True],
            }
        )
        cur = pd.DataFrame(
            {
                "id": ["1", "2", "3", "5"],
                "title": ["a", "b", "c", "e"],
                "status": ["Open", "Closed", "Open", "Open"],
                "open": [True, False, True, True],
            }
        )
        out = diff.raid_changes(cur, prev)
        # new: 3 (reopened) and 5 (added); closed: 2 (closed) and 4 (removed from the log)
        assert out["new"]["id"].tolist() == ["3", "5"]
        assert out["closed"][["id", "status"]].values.tolist() == [["2", "Closed"], ["4", "removed from log"]]

    def test_milestone_moves(self):
        prev = pd.DataFrame(
            {
                "milestone": ["A", "B", "C"],
                "baseline": [T("2026-12-01")] * 3,
                "forecast": [T("2026-12-01"), T("2026-12-10"), T("2026-12-10")],
                "actual": [pd.NaT] * 3,
            }
        )
        cur = pd.DataFrame(
            {
                "milestone": ["A", "B", "C"],
                "workstream": ["w"] * 3,
                "baseline": [T("2026-12-01")] * 3,
                "forecast": [T("2026-12-15"), T("2026-12-10"), T("2026-12-07")],
                "actual": [pd.NaT] * 3,
            }
        )
        out = diff.milestone_moves(cur, prev)
        # A moved 14 days later, C 3 days earlier, B did not move
        assert out[["milestone", "moved_days"]].values.tolist() == [["A", 14], ["C", -3]]


class TestSummary:
    def test_markdown_escapes_data(self):
        text = summary.summary_markdown("Status", T("2026-11-27"), ["Top risk '<script>x</script>' [a](b)"], [])
        assert "<script>" not in text and "&lt;script>" in text and "\\[a](b)" in text  # the link cannot form

    def test_bullets_three_to_five(self):
        results = pd.DataFrame(
            {
                "workstream": ["A"],
                "dimension": ["schedule"],
                "metric": ["x.y"],
                "value": ["1"],
                "rag": ["red"],
                "reason": ["x.y = 1 > 0 (red above 0)"],
            }
        )
        overall = {"rag": "red", "rule": "worst dimension: A schedule: x.y = 1 > 0"}
        table = milestones.slips(TestMilestones().frame(), T("2026-11-27"))
        counts = raid.counts(raid_frame(), T("2026-11-27"))
        lines = summary.bullets(overall, results, counts, table, raid.top_risks(raid_frame()), ["survey_analysis"], [])
        assert 3 <= len(lines) <= 5
        assert lines[0].startswith("Overall RED")
        assert "3 of 4 milestones slipped; the largest: 'Wave 2' +12 days." in lines
        assert lines[-1].startswith("No succeeded run of survey_analysis")
