"""Flow definitions on tiny hand-made tables; every expected value is worked out in a comment."""

from __future__ import annotations

import pandas as pd
import pytest

from pmokit.delivery import flow, summary
from pmokit.quality import DataQuality
from pmokit.sources.work_item_schema import empty_transitions, finish_items, finish_transitions

T = pd.Timestamp
AS_OF = T("2026-03-15")  # a Sunday: the ISO week of Mon 9 - Sun 15 March is complete


def items(*rows: dict) -> pd.DataFrame:
    base = {"project": "P", "type": "Story", "created": T("2026-02-23 09:00")}
    return finish_items(pd.DataFrame([{**base, **r} for r in rows]))


def moves(*rows: tuple) -> pd.DataFrame:
    return finish_transitions(pd.DataFrame(rows, columns=["id", "at", "from_status", "to_status"]))


def done(i: str, at: str, **extra) -> dict:
    return {"id": i, "status": "Done", "status_category": "done", "resolved": T(at), **extra}


class TestStages:
    def test_reopened_item_is_not_done_and_keeps_its_first_start(self):
        frame = items(
            {"id": "R", "status": "In Progress", "status_category": "in progress", "resolved": T("2026-03-03")}
        )
        history = moves(
            ("R", T("2026-03-02 10:00"), "To Do", "In Progress"),
            ("R", T("2026-03-03 12:00"), "In Progress", "Done"),
            ("R", T("2026-03-04 09:00"), "Done", "In Progress"),
        )
        dq = DataQuality()
        staged = flow.apply_stages(frame, history, dq=dq)
        row = staged.iloc[0]
        assert row["category"] == "in progress" and pd.isna(row["done_at"])
        assert row["work_start"] == T("2026-03-02 10:00") and row["start_basis"] == "history"
        assert "resolved date but status is not done" in dq.frame()["problem"].iloc[0]

    def test_done_again_after_reopening_counts_the_last_done(self):
        frame = items(done("R", "2026-03-09 11:00"))
        history = moves(
            ("R", T("2026-03-03 10:00"), "To Do", "In Progress"),
            ("R", T("2026-03-05 16:00"), "In Progress", "Done"),
            ("R", T("2026-03-06 09:00"), "Done", "In Progress"),
            ("R", T("2026-03-09 11:00"), "In Progress", "Done"),
        )
        ct = flow.cycle_times(flow.apply_stages(frame, history))
        # 3 March to 9 March = 6 days apart, +1 = 7
        assert ct["days"].tolist() == [7]

    def test_cycle_time_plus_one_rule(self):
        frame = items(done("A", "2026-03-05 17:00"), done("B", "2026-03-06 01:00"))
        history = moves(
            ("A", T("2026-03-05 09:00"), "To Do", "In Progress"),
            ("A", T("2026-03-05 17:00"), "In Progress", "Done"),
            ("B", T("2026-03-05 23:00"), "To Do", "In Progress"),
            ("B", T("2026-03-06 01:00"), "In Progress", "Done"),
        )
        ct = flow.cycle_times(flow.apply_stages(frame, history)).set_index("id")
        assert ct.loc["A", "days"] == 1  # started and done the same day: 0 + 1
        assert ct.loc["B", "days"] == 2  # two hours, but across midnight: 1 calendar day + 1

    def test_without_history_the_clock_starts_at_created_and_is_called_lead_time(self):
        frame = items(done("A", "2026-03-04 10:00", created=T("2026-03-01 08:00")))
        staged = flow.apply_stages(frame, empty_transitions())
        assert staged["start_basis"].tolist() == ["created"]
        assert flow.cycle_times(staged)["days"].tolist() == [4]  # 1 -> 4 March: 3 + 1
        assert flow.time_basis(staged) == "lead time"

    def test_start_statuses_override_the_category(self):
        frame = items(
            {"id": "A", "status": "Ready", "status_category": "in progress"},
            {"id": "B", "status": "Doing", "status_category": "in progress"},
        )
        staged = flow.apply_stages(frame, empty_transitions(), start_statuses=["Doing"])
        assert staged["category"].tolist() == ["to do", "in progress"]

    def test_done_status_without_resolved_date_is_noted(self):
        dq = DataQuality()
        staged = flow.apply_stages(
            items({"id": "A", "status": "Done", "status_category": "done"}), empty_transitions(), dq=dq
        )
        assert pd.isna(staged["done_at"].iloc[0])
        assert dq.frame().set_index("problem").loc["done status without a resolved date", "rows"] == 1


class TestThroughput:
    def test_iso_week_boundary(self):
        frame = items(
            done("A", "2026-03-08 23:59"),  # Sunday: week of Monday 2 March
            done("B", "2026-03-09 00:00"),  # Monday: week of 9 March
            done("C", "2026-03-15 12:00"),  # Sunday: still the week of 9 March
            done("D", "2026-03-16 08:00"),
        )  # after as_of's last full week: not counted
        staged = flow.apply_stages(frame, empty_transitions())
        weekly = flow.weekly_throughput(staged, AS_OF, 3)
        assert weekly.index.tolist() == [T("2026-02-23"), T("2026-03-02"), T("2026-03-09")]
        assert weekly.tolist() == [0, 1, 2]  # zero week kept: the team existed (created 23 Feb)

    def test_weeks_before_the_first_item_are_left_out(self):
        frame = items(done("A", "2026-03-10", created=T("2026-03-04")))
        weekly = flow.weekly_throughput(flow.apply_stages(frame, empty_transitions()), AS_OF, 4)
        assert weekly.index.tolist() == [T("2026-03-02"), T("2026-03-09")]  # created in the week of 2 March

    def test_saturday_as_of_uses_the_previous_week(self):
        assert flow.last_full_week_start(T("2026-03-14")) == T("2026-03-02")

    def test_percentiles_are_observed_values(self):
        # [1, 2, 3, 4]: 2 of 4 at or below 2 (50%); 85% needs all 4 -> 4
        assert flow.percentile_days([4, 1, 3, 2]) == {50: 2.0, 85: 4.0, 95: 4.0}


class TestWip:
    def frame(self):
        return flow.apply_stages(
            items(
                {
                    "id": "A",
                    "status": "In Progress",
                    "status_category": "in progress",
                    "started": T("2026-03-02 10:00"),
                },
                {
                    "id": "B",
                    "status": "In Progress",
                    "status_category": "in progress",
                    "started": T("2026-03-14 16:00"),
                },
                {"id": "C", "status": "To Do", "status_category": "to do"},
                done("D", "2026-03-12", started=T("2026-03-10")),
            ),
            empty_transitions(),
        )

    def test_wip_at_as_of_and_in_the_past(self):
        staged = self.frame()
        assert sorted(flow.wip_items(staged, AS_OF)["id"]) == ["A", "B"]
        # on 11 March: A (started 2nd) and D (started 10th, done 12th) were in progress; B not yet
        assert sorted(flow.wip_items(staged, T("2026-03-11"))["id"]) == ["A", "D"]

    def test_aging_against_sle(self):
        aging = flow.aging_wip(self.frame(), AS_OF, sle_days=10).set_index("id")
        assert aging.loc["A", "age_days"] == 14  # 2 -> 15 March: 13 + 1
        assert aging.loc["B", "age_days"] == 2  # 14 -> 15 March: 1 + 1
        assert aging["over_sle"].to_dict() == {"A": True, "B": False}

    def test_daily_counts(self):
        days = pd.date_range("2026-03-01", "2026-03-04")
        starts = pd.Series([T("2026-03-01 09:00"), T("2026-03-02 09:00")])
        ends = pd.Series([T("2026-03-03 09:00"), pd.NaT])
        # 1 Mar: first open; 2 Mar: both; 3 Mar: first done; 4 Mar: second still open
        assert flow.daily_counts(starts, ends, days).tolist() == [1, 2, 1, 1]

    def test_cumulative_flow_from_history(self):
        frame = items(done("A", "2026-03-03 15:00", created=T("2026-03-01 09:00")))
        history = moves(
            ("A", T("2026-03-02 10:00"), "To Do", "In Progress"), ("A", T("2026-03-03 15:00"), "In Progress", "Done")
        )
        staged = flow.apply_stages(frame, history)
        cfd = flow.cumulative_flow(staged, history, pd.date_range("2026-03-01", "2026-03-03"))
        assert cfd["to do"].tolist() == [1, 0, 0]
        assert cfd["in progress"].tolist() == [0, 1, 0]
        assert cfd["done"].tolist() == [0, 0, 1]


class TestProcessBehaviourAndDueDates:
    def test_xmr_limits_and_signal(self):
        # mean 8; moving ranges 0, 0, 0, 15 -> 3.75; upper 8 + 2.66 * 3.75 = 17.975; lower < 0 -> 0
        values = pd.Series([5, 5, 5, 5, 20])
        limits = flow.xmr_limits(values)
        assert limits["centre"] == 8.0 and limits["mr_bar"] == 3.75
        assert limits["upper"] == pytest.approx(17.975) and limits["lower"] == 0.0
        assert flow.xmr_signals(values, limits).tolist() == [False, False, False, False, True]

    def test_overdue_and_done_late(self):
        staged = flow.apply_stages(
            items(
                {"id": "O", "status": "To Do", "status_category": "to do", "due": T("2026-03-10")},
                done("L", "2026-03-12 10:00", due=T("2026-03-10")),
                done("E", "2026-03-09 10:00", due=T("2026-03-10")),
            ),
            empty_transitions(),
        )
        late = flow.overdue_items(staged, AS_OF).set_index("id")
        assert late["days_late"].to_dict() == {"O": 5, "L": 2}  # 10 -> 15 March open; 10 -> 12 March done
        assert late.loc["O", "state"] == "overdue" and late.loc["L", "state"] == "done late"


class TestMilestones:
    def frame(self) -> pd.DataFrame:
        return items(
            {
                "id": "E1",
                "type": "Epic",
                "status": "Done",
                "status_category": "done",
                "due": T("2026-03-01"),
                "resolved": T("2026-03-04 16:00"),
            },  # done 3 days late
            {
                "id": "E2",
                "type": "Epic",
                "status": "Done",
                "status_category": "done",
                "due": T("2026-03-10"),
                "resolved": T("2026-03-08 09:00"),
            },  # done 2 days early
            {
                "id": "E3",
                "type": "Epic",
                "status": "In Progress",
                "status_category": "in progress",
                "due": T("2026-03-11"),
            },  # open, past due
            {
                "id": "E4",
                "type": "Epic",
                "status": "In Progress",
                "status_category": "in progress",
                "due": T("2026-04-01"),
            },  # open, not due yet
            {"id": "E5", "type": "Epic", "status": "To Do", "status_category": "to do"},  # no due date: not a milestone
            {
                "id": "S1",
                "status": "To Do",
                "status_category": "to do",
                "due": T("2026-03-01"),
            },  # a story, not a milestone
        )

    def test_days_late_for_done_and_open_milestones(self):
        ms = flow.milestone_slippage(self.frame(), AS_OF, ["Epic"]).set_index("id")
        assert list(ms.index) == ["E1", "E2", "E3", "E4"]  # by due date; E5 and S1 left out
        # E1: 4 - 1 March = 3; E2: 8 - 10 March = -2 (early); E3: open, 15 - 11 March = 4; E4: not due yet
        assert ms.loc["E1", "days_late"] == 3 and ms.loc["E2", "days_late"] == -2 and ms.loc["E3", "days_late"] == 4
        assert pd.isna(ms.loc["E4", "days_late"])
        assert ms["state"].to_dict() == {"E1": "done", "E2": "done", "E3": "open", "E4": "open"}

    def test_resolved_after_the_report_date_is_still_open_then(self):
        # report date 3 March: E1 (resolved 4 March) was open and 3 - 1 March = 2 days late
        ms = flow.milestone_slippage(self.frame(), T("2026-03-03"), ["Epic"]).set_index("id")
        assert ms.loc["E1", "state"] == "open" and ms.loc["E1", "days_late"] == 2


class TestWorkItemsTable:
    def test_every_item_read_with_excluded_flag(self):
        read = items(
            {"id": "E", "type": "Epic", "status": "In Progress", "status_category": "in progress"},
            done("A", "2026-03-10"),
            {"id": "B", "status": "To Do", "status_category": "to do"},
        )
        staged, _ = summary.prepare(read, empty_transitions(), AS_OF, ["Epic"])
        table = summary.work_items_table(read, staged, ["Epic"])
        # 3 items read, the epic excluded from flow metrics (staged has 2 rows)
        assert len(staged) == 2 and list(table["id"]) == ["E", "A", "B"]
        assert table["excluded"].tolist() == [True, False, False]
        assert pd.isna(table.loc[0, "category"]) and table.loc[1, "category"] == "done"
        assert table.loc[1, "done_at"] == T("2026-03-10") and table.loc[2, "category"] == "to do"

    def test_mismatched_staged_is_refused(self):
        read = items(done("A", "2026-03-10"), {"id": "B", "status": "To Do", "status_category": "to do"})
        staged, _ = summary.prepare(read, empty_transitions(), AS_OF, [])
        with pytest.raises(ValueError, match="staged has 2 rows"):
            summary.work_items_table(read.iloc[:1], staged, [])


class TestProjectOutlook:
    def test_constant_pace_against_due_date_is_red_with_evidence(self):
        # two full weeks (2 and 9 March) with 2 items done each; 4 open items -> exactly 2 weeks -> 29 March;
        # due 22 March -> P85 is 7 days late -> the first default rule (p85_days_late > 0) makes it Red
        rows = [done(f"D{i}", at) for i, at in enumerate(["2026-03-03", "2026-03-04", "2026-03-10", "2026-03-11"])]
        rows += [{"id": f"O{i}", "status": "To Do", "status_category": "to do"} for i in range(4)]
        rows[-1]["due"] = T("2026-03-22")
        staged = flow.apply_stages(items(*rows), empty_transitions())
        outlook = summary.project_outlook(
            staged,
            AS_OF,
            history_weeks=2,
            trials=500,
            seed=1,
            due_dates=summary.project_due_dates(staged),
            min_history_weeks=2,
        )
        row = outlook.iloc[0]
        assert row["forecast_p85"] == "2026-03-29" and row["throughput_per_week"] == 2.0
        assert (row["rag"], row["rule"], row["evidence"]) == (
            "Red",
            "P85 forecast later than the due date",
            "P85 forecast 7 days after the due date",
        )

    def test_headline_metrics_have_the_issue_names(self):
        rows = [done("D1", "2026-03-10"), {"id": "O1", "status": "To Do", "status_category": "to do"}]
        staged = flow.apply_stages(items(*rows), empty_transitions())
        kpi = summary.flow_summary(staged, AS_OF, 2)
        fc = summary.forecast_summary(flow.weekly_throughput(staged, AS_OF, 2), 1, AS_OF, AS_OF, 100, 1, min_weeks=2)
        metrics = summary.headline_metrics(kpi, fc, "Green", AS_OF)
        for name in (
            "items",
            "done_items",
            "throughput_per_week",
            "cycle_time_p85_days",
            "wip",
            "forecast_p85_date",
            "rag",
        ):
            assert name in metrics
        # weeks of 2 and 9 March: 0 and 1 item -> mean 0.5; cycle (lead) time 23 Feb -> 10 Mar = 15 + 1
        assert metrics["throughput_per_week"] == 0.5 and metrics["cycle_time_p85_days"] == 16.0
        assert metrics["items"] == 2 and metrics["done_items"] == 1 and metrics["rag"] == "green"


def test_throughput_by_project_shares_the_weeks():
    # P1 done in the weeks of 2 and 9 March; P2 only in the week of 9 March -> its week of 2 March is 0
    rows = [
        done("A", "2026-03-03", project="P1"),
        done("B", "2026-03-10", project="P1"),
        done("C", "2026-03-11", project="P2"),
    ]
    staged = flow.apply_stages(items(*rows), empty_transitions())
    table = summary.throughput_by_project(staged, AS_OF, 2)
    assert table.to_dict(orient="list") == {"P1": [1, 1], "P2": [0, 1]}
