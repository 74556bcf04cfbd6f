"""Progress, earned schedule, replan and forecast on a three-site rollout worked by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pmokit.rollout import plan as rp
from pmokit.rollout import progress as rg
from pmokit.rollout import workbook as wb
from pmokit.rollout.calendar import WorkCalendar

MON = dt.date(2026, 3, 2)
STATUS = dt.date(2026, 3, 5)  # Thursday


def sites() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site_id": ["A", "B", "C"],
            "site_name": ["a", "b", "c"],
            "region": "R",
            "country": "DE",
            "devices": [20, 30, 10],
            "ready_date": pd.to_datetime([None, None, None]),
            "target_date": pd.to_datetime([None, None, None]),
            "site_type": "Office",
            "hardware_models": [[], [], []],
            "depends_on": [[], ["A"], []],
        }
    )


def baseline() -> pd.DataFrame:
    # A Mon-Tue (2 days), B Wed-Fri (3 days), C Mon 9 (1 day): 10 devices a day throughout
    return pd.DataFrame(
        {
            "site_id": ["A", "B", "C"],
            "wave": [1, 1, 1],
            "start_date": pd.to_datetime(["2026-03-02", "2026-03-04", "2026-03-09"]),
            "end_date": pd.to_datetime(["2026-03-03", "2026-03-06", "2026-03-09"]),
            "working_days": [2, 3, 1],
            "crew": [1, 1, 1],
        }
    )


def actuals() -> pd.DataFrame:
    # A as planned; B started a day late (Thu 5) and is in progress
    return pd.DataFrame(
        {
            "site_id": ["A", "B"],
            "actual_start": pd.to_datetime(["2026-03-02", "2026-03-05"]),
            "actual_end": pd.to_datetime(["2026-03-03", None]),
            "devices_done": pd.array([pd.NA, pd.NA], dtype="Int64"),
        }
    )


class TestSpread:
    def test_devices_spread_over_working_days_only(self):
        cal = WorkCalendar(dt.date(2026, 3, 6), 7)
        frame = pd.DataFrame(
            {
                "country": ["DE"],
                "devices": [30],
                "start_date": [pd.Timestamp("2026-03-06")],
                "end_date": [pd.Timestamp("2026-03-10")],
            }
        )
        # Fri 6, Mon 9, Tue 10 get 10 each; the week-end nothing
        assert rg.spread_devices(frame, cal).tolist() == [10, 0, 0, 10, 10, 0, 0]


class TestEarnedSchedule:
    def test_on_plan_gives_one(self):
        planned = pd.Series(10.0, index=pd.date_range("2026-03-02", periods=10))
        # 50 devices earned after 5 days = what the plan expected after 5 days
        assert earned(planned, 50, dt.date(2026, 3, 6)) == pytest.approx(1.0)

    def test_behind_plan(self):
        planned = pd.Series(10.0, index=pd.date_range("2026-03-02", periods=10))
        # 30 devices after 4 days: the plan had 30 after 3 days -> 3 / 4
        assert earned(planned, 30, dt.date(2026, 3, 5)) == pytest.approx(0.75)


def earned(planned, devices, status):
    return rg.earned_schedule(planned, devices, dt.date(2026, 3, 2), status)["spi"]


class TestTracking:
    def setup_method(self):
        self.cal = WorkCalendar(MON, 60)
        self.progress = rg.site_progress(sites(), actuals(), baseline(), STATUS, self.cal).set_index("site_id")

    def test_status_and_earned_devices(self):
        assert self.progress["status"].tolist() == ["done", "in progress", "not started"]
        # B worked Thu 5 only: 1 of 3 days -> 30 / 3 = 10 devices
        assert self.progress["devices_earned"].tolist() == pytest.approx([20, 10, 0])
        assert self.progress.loc["B", "start_slip_days"] == 1

    def test_remaining_sites(self):
        duration = pd.Series([2, 3, 1], index=["A", "B", "C"])
        remaining = rg.remaining_sites(sites(), self.progress.reset_index(), duration).set_index("site_id")
        assert remaining.index.tolist() == ["B", "C"]
        assert remaining["duration"].tolist() == [2, 1]  # B: 3 planned - 1 worked
        assert remaining.loc["B", "depends_on"] == []  # A is done

    def test_completed_devices_by_actual_end(self):
        # only A is finished: its 20 devices on Tue 3 Mar
        done = rg.completed_devices(self.progress.reset_index())
        assert done.to_dict() == {pd.Timestamp("2026-03-03"): 20.0}

    def test_duration_ratios(self):
        # A: 2 actual working days / 2 planned
        assert rg.duration_ratios(self.progress.reset_index(), self.cal).tolist() == [1.0]

    def test_track_end_to_end(self):
        settings = rp.Settings(
            start_date=MON,
            crew_size=1,
            devices_per_technician_day=10.0,
            pilot_soak_days=0,
            solver_effort=0.5,
            solver_workers=1,
        )
        plan = rp.plan_rollout(sites(), rp.technicians_table(None, {"R": 1}), settings, [])
        tracking = wb.track(
            sites(),
            plan,
            baseline(),
            actuals(),
            STATUS,
            rp.technicians_table(None, {"R": 1}),
            settings,
            [],
            runs=20,
            seed=1,
        )
        m = tracking.metrics
        # earned 30 of 60 devices; baseline had 30 by the end of Wed (3 days) and today is day 4
        assert m["percent_complete"] == 50.0
        assert m["spi"] == pytest.approx(0.75)
        # one technician from Fri 6: B's last 2 days Fri 6 + Mon 9, then C Tue 10 (or C first, same finish)
        assert m["replanned_finish"] == "2026-03-10"
        # the only observed ratio is 1.0, so every run finishes as the replan
        assert m["forecast_p50_finish"] == m["forecast_p85_finish"] == "2026-03-10"


def test_monte_carlo_doubles_durations():
    cal = WorkCalendar(MON, 40)
    tasks = pd.DataFrame(
        {
            "site_id": ["A"],
            "region": "R",
            "country": "DE",
            "duration": [2],
            "crew": [1],
            "ready": [0],
            "target": pd.array([None], dtype="Int64"),
            "deps": [[]],
            "pilot": [False],
        }
    )
    caps = {"R": np.full(40, 1)}
    fc = rg.monte_carlo(tasks, cal, caps, [0], np.array([2.0]), np.array([20.0]), 0.0, runs=5, seed=3, soak=0)
    # 2 days x 2 = 4 working days from Mon 2 Mar -> Thu 5 Mar
    assert fc.percentiles == {"p50": dt.date(2026, 3, 5), "p85": dt.date(2026, 3, 5), "p95": dt.date(2026, 3, 5)}
    assert fc.fan[50].iloc[-1] == 20.0


def test_plan_csv_has_exactly_the_contract_columns():
    frame = pd.DataFrame(
        {
            "site_id": ["A"],
            "wave": [0],
            "start_date": pd.to_datetime(["2026-03-02"]),
            "end_date": pd.to_datetime(["2026-03-03"]),
            "working_days": [2],
            "crew": [2],
            "devices": [40],
        }
    )
    out = wb.plan_csv(frame)
    assert out.columns.tolist() == ["site_id", "wave", "start_date", "end_date", "working_days", "crew"]
    assert out.loc[0, "start_date"] == "2026-03-02"


def test_gantt_rows_aggregate_per_region_and_wave():
    from pmokit.rollout.workbook import gantt_rows

    plan = pd.DataFrame(
        {
            "site_id": ["A", "B", "C"],
            "site_name": ["a", "b", "c"],
            "region": ["R", "R", "Q"],
            "wave": [1, 1, 1],
            "start_date": pd.to_datetime(["2026-03-02", "2026-03-04", "2026-03-03"]),
            "end_date": pd.to_datetime(["2026-03-03", "2026-03-09", "2026-03-05"]),
        }
    )
    rows = gantt_rows(plan, baseline(), max_sites=2)
    # R wave 1 spans A and B: 2 Mar - 9 Mar; baseline A 2 Mar - 3 Mar and B 4 Mar - 6 Mar -> 2 - 6 Mar
    r = rows[rows["region"] == "R"].iloc[0]
    assert r["label"] == "R · wave 1 (2 sites)"
    assert (r["start"], r["end"]) == (pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-09"))
    assert (r["base_start"], r["base_end"]) == (pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-06"))
    assert len(gantt_rows(plan, None, max_sites=3)) == 3  # per site when it fits


def test_ratios_against_the_replan_durations():
    cal = WorkCalendar(MON, 60)
    progress = rg.site_progress(sites(), actuals(), baseline(), STATUS, cal)
    # A took 2 working days; at the current rates it should take 1 -> ratio 2.0
    assert rg.duration_ratios(progress, cal, pd.Series({"A": 1, "B": 3, "C": 1})).tolist() == [2.0]
