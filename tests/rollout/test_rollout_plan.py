"""The CP-SAT wave plan, checked by an independent checker and on hand-worked cases."""

from __future__ import annotations

import datetime as dt
import math

import holidays
import pandas as pd
import pytest

from pmokit.rollout import plan as rp
from pmokit.rollout.feasibility import InfeasiblePlan, dependency_cycle, diagnose
from pmokit.sources.sites import read_capacity, read_sites

WEEKDAYS = (0, 1, 2, 3, 4)


# ------------------------------------------------------------------------------------------ checker
def _worked(day: dt.date, country: str, blackouts) -> bool:
    """Independent of the planner: weekday, not a public holiday, not in a freeze."""
    if day.weekday() not in WEEKDAYS:
        return False
    if day in holidays.country_holidays(country, years=day.year):
        return False
    return not any(lo <= day <= hi for lo, hi in blackouts)


def check_plan(
    plan: pd.DataFrame,
    sites: pd.DataFrame,
    technicians,
    *,
    crew: int,
    per_day: float,
    blackouts=(),
    pilot=(),
    soak: int = 0,
) -> list[str]:
    """Every constraint of the issue, re-checked day by day; returns the violations found.

    ``technicians(region, day)`` gives the technicians of a region on a day.
    """
    errors = []
    info = sites.set_index("site_id")
    rows = plan.set_index("site_id")
    if set(rows.index) != set(info.index):
        errors.append("plan does not hold every site once")
    busy: dict[tuple[str, dt.date], int] = {}
    for sid, row in rows.iterrows():
        site = info.loc[sid]
        start, end = row["start_date"].date(), row["end_date"].date()
        need = math.ceil(site["devices"] / (crew * per_day))
        if not _worked(start, site["country"], blackouts) or not _worked(end, site["country"], blackouts):
            errors.append(f"{sid}: starts or ends on a non-working day")
        days = [start + dt.timedelta(n) for n in range((end - start).days + 1)]
        worked = [d for d in days if _worked(d, site["country"], blackouts)]
        if len(worked) != need or row["working_days"] != need:
            errors.append(f"{sid}: {len(worked)} working days, needs {need}")
        if pd.notna(site["ready_date"]) and start < site["ready_date"].date():
            errors.append(f"{sid}: starts before it is ready")
        for dep in site["depends_on"]:
            if start <= rows.loc[dep, "end_date"].date():
                errors.append(f"{sid}: starts before {dep} ends")
        for d in worked:
            busy[(site["region"], d)] = busy.get((site["region"], d), 0) + crew
    for (region, day), used in busy.items():
        if used > technicians(region, day):
            errors.append(f"{region} {day}: {used} technicians needed, {technicians(region, day)} available")
    if pilot:
        pilot_end = rows.loc[list(pilot), "end_date"].max().date()
        for sid, row in rows.iterrows():
            if sid not in pilot and row["start_date"].date() <= pilot_end + dt.timedelta(days=soak):
                errors.append(f"{sid}: starts during the pilot or its soak")
        if (rows.loc[list(pilot), "wave"] != 0).any() or (rows.drop(index=list(pilot))["wave"] == 0).any():
            errors.append("wave 0 is not exactly the pilot")
    return errors


def make_sites(rows) -> pd.DataFrame:
    """Tiny canonical sites table: (site_id, region, country, devices, ready, target, depends_on)."""
    frame = pd.DataFrame(
        rows, columns=["site_id", "region", "country", "devices", "ready_date", "target_date", "depends_on"]
    )
    frame["site_name"] = frame["site_id"]
    frame["site_type"] = "Office"
    frame["hardware_models"] = [[] for _ in range(len(frame))]
    for col in ("ready_date", "target_date"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def settings(start: dt.date, **kw) -> rp.Settings:
    values = dict(
        start_date=start,
        crew_size=1,
        devices_per_technician_day=10.0,
        solver_effort=0.5,
        pilot_soak_days=0,
        solver_workers=1,
    )
    values.update(kw)
    return rp.Settings(**values)


def fixed(techs: dict[str, int]) -> pd.DataFrame:
    return rp.technicians_table(None, techs)


MON = dt.date(2026, 3, 2)  # a Monday with no public holiday in DE that week


# ------------------------------------------------------------------------------------------ hand-worked
class TestHandWorked:
    def test_two_sites_one_technician_run_back_to_back(self):
        # 20 devices / (1 x 10) = 2 days, 30 / 10 = 3 days; one technician: 5 working days in a row,
        # Mon 2 Mar .. Fri 6 Mar 2026, whichever goes first
        sites = make_sites([("A", "R", "DE", 20, None, None, []), ("B", "R", "DE", 30, None, None, [])])
        result = rp.plan_rollout(sites, fixed({"R": 1}), settings(MON), [])
        assert result.finish == dt.date(2026, 3, 6)
        assert result.status == "optimal"
        assert sorted(result.plan["working_days"]) == [2, 3]
        assert check_plan(result.plan, sites, lambda r, d: 1, crew=1, per_day=10) == []

    def test_holiday_in_the_middle_stretches_the_span(self):
        # Austria's National Day, Monday 26 Oct 2026. 30 devices = 3 days from Fri 23 Oct:
        # Fri 23 (1), [Sat, Sun, holiday Mon 26], Tue 27 (2), Wed 28 (3)
        sites = make_sites([("V", "R", "AT", 30, None, None, [])])
        result = rp.plan_rollout(sites, fixed({"R": 1}), settings(dt.date(2026, 10, 23)), [])
        row = result.plan.iloc[0]
        assert (row["start_date"].date(), row["end_date"].date()) == (dt.date(2026, 10, 23), dt.date(2026, 10, 28))
        assert row["working_days"] == 3
        assert check_plan(result.plan, sites, lambda r, d: 1, crew=1, per_day=10) == []

    def test_blackout_pauses_the_work(self):
        # freeze Tue 3 - Wed 4 Mar: 3 days from Mon 2 = Mon 2, Thu 5, Fri 6 (ends Fri 6);
        # starting after the freeze would end Mon 9, so the earliest finish keeps the pause
        freeze = [(dt.date(2026, 3, 3), dt.date(2026, 3, 4))]
        sites = make_sites([("A", "R", "DE", 30, None, None, [])])
        result = rp.plan_rollout(sites, fixed({"R": 1}), settings(MON, blackouts=freeze), [])
        row = result.plan.iloc[0]
        assert (row["start_date"].date(), row["end_date"].date()) == (MON, dt.date(2026, 3, 6))
        assert check_plan(result.plan, sites, lambda r, d: 1, crew=1, per_day=10, blackouts=freeze) == []

    def test_ready_date_and_dependency(self):
        # A (2 days) ready Wed 4 Mar -> Wed 4, Thu 5; B depends on A -> Fri 6 (1 day).
        # Two technicians, so only the dependency keeps B waiting.
        sites = make_sites([("A", "R", "DE", 20, "2026-03-04", None, []), ("B", "R", "DE", 10, None, None, ["A"])])
        result = rp.plan_rollout(sites, fixed({"R": 2}), settings(MON), [])
        rows = result.plan.set_index("site_id")
        assert rows.loc["A", "start_date"].date() == dt.date(2026, 3, 4)
        assert rows.loc["B", "start_date"].date() == dt.date(2026, 3, 6)
        assert result.finish == dt.date(2026, 3, 6)

    def test_lateness_breaks_the_tie(self):
        # A and B take 2 days each on one technician: finish Fri... Thu 5 Mar either way.
        # B is due Tue 3 Mar, so B goes first (Mon-Tue) and nobody is late.
        sites = make_sites([("A", "R", "DE", 20, None, None, []), ("B", "R", "DE", 20, None, "2026-03-03", [])])
        result = rp.plan_rollout(sites, fixed({"R": 1}), settings(MON), [])
        rows = result.plan.set_index("site_id")
        assert rows.loc["B", "end_date"].date() == dt.date(2026, 3, 3)
        assert result.finish == dt.date(2026, 3, 5)
        assert result.late_sites == 0

    def test_dated_capacity_drop(self):
        # two technicians, but none on Mon 2 - Tue 3 Mar: two 1-day sites both run Wed 4
        table = rp.technicians_table(
            pd.DataFrame(
                {
                    "region": ["R"],
                    "technicians": [0],
                    "start": [pd.Timestamp("2026-03-02")],
                    "end": [pd.Timestamp("2026-03-03")],
                }
            ),
            {"R": 2},
        )
        sites = make_sites([("A", "R", "DE", 10, None, None, []), ("B", "R", "DE", 10, None, None, [])])
        result = rp.plan_rollout(sites, table, settings(MON), [])
        assert result.plan["start_date"].dt.date.tolist() == [dt.date(2026, 3, 4)] * 2
        techs = lambda r, d: 0 if d <= dt.date(2026, 3, 3) else 2  # noqa: E731
        assert check_plan(result.plan, sites, techs, crew=1, per_day=10) == []

    def test_pilot_and_soak(self):
        # P is the pilot (1 day, Mon 2); soak 3 calendar days -> broad sites start Fri 6 at the earliest
        sites = make_sites([("P", "R", "DE", 10, None, None, []), ("A", "R", "DE", 10, None, None, [])])
        result = rp.plan_rollout(sites, fixed({"R": 2}), settings(MON, pilot_soak_days=3), ["P"])
        rows = result.plan.set_index("site_id")
        assert rows.loc["P", "start_date"].date() == MON and rows.loc["P", "wave"] == 0
        assert rows.loc["A", "start_date"].date() == dt.date(2026, 3, 6) and rows.loc["A", "wave"] == 1
        assert result.broad_start == dt.date(2026, 3, 6)

    def test_lower_bound_from_capacity(self):
        # 4 sites x 5 days on one technician: 20 crew-days -> 20th working day from Mon 2 Mar = Fri 27 Mar
        sites = make_sites([(f"S{i}", "R", "DE", 50, None, None, []) for i in range(4)])
        result = rp.plan_rollout(sites, fixed({"R": 1}), settings(MON), [])
        assert result.lower_bound_finish == dt.date(2026, 3, 27)
        assert result.finish == dt.date(2026, 3, 27) and result.gap_days == 0


class TestPilotChoice:
    def test_smallest_cover_by_devices(self):
        # cover Office, Retail, m1, m2: {S3, S4} = 40 + 30 = 70 devices beats {S3, S2} = 90 and {S1, S2} = 150
        sites = pd.DataFrame(
            {
                "site_id": ["S1", "S2", "S3", "S4"],
                "devices": [100, 50, 40, 30],
                "site_type": ["Office", "Retail", "Office", "Retail"],
                "hardware_models": [["m1"], ["m2"], ["m1", "m2"], ["m1"]],
                "depends_on": [[], [], [], []],
            }
        )
        assert rp.choose_pilot(sites) == ["S3", "S4"]
        coverage = rp.pilot_coverage(sites, ["S3", "S4"])
        assert "NOT COVERED" not in coverage["pilot_sites"].tolist()

    def test_dependent_sites_are_not_candidates(self):
        # S3 would be cheapest but depends on S1, so S1 (Office, m1) + S2 (Retail, m2) are chosen
        sites = pd.DataFrame(
            {
                "site_id": ["S1", "S2", "S3"],
                "devices": [100, 50, 10],
                "site_type": ["Office", "Retail", "Office"],
                "hardware_models": [["m1"], ["m2"], ["m1", "m2"]],
                "depends_on": [[], [], ["S1"]],
            }
        )
        assert rp.choose_pilot(sites) == ["S1", "S2"]


# ------------------------------------------------------------------------------------------ bad inputs
class TestExplainedInfeasibility:
    def base(self):
        return make_sites([("A", "R", "DE", 20, None, None, []), ("B", "R", "DE", 20, None, None, ["A"])])

    def test_crew_exceeds_technicians(self):
        with pytest.raises(
            InfeasiblePlan, match="crew exceeds the region's technicians: a crew of 2 is needed but region 'R' has 1"
        ):
            rp.plan_rollout(self.base(), fixed({"R": 1}), settings(MON, crew_size=2), [])

    def test_dependency_cycle(self):
        sites = make_sites(
            [
                ("A", "R", "DE", 20, None, None, ["C"]),
                ("B", "R", "DE", 20, None, None, ["A"]),
                ("C", "R", "DE", 20, None, None, ["B"]),
            ]
        )
        with pytest.raises(InfeasiblePlan) as info:
            rp.plan_rollout(sites, fixed({"R": 1}), settings(MON), [])
        row = info.value.problems.iloc[0]
        assert row["problem"] == "dependency cycle"
        assert set(row["detail"].split(" -> ")) == {"A", "B", "C"}

    def test_unknown_dependency(self):
        sites = make_sites([("A", "R", "DE", 20, None, None, ["Z9"])])
        with pytest.raises(InfeasiblePlan, match="unknown dependency: depends on 'Z9'"):
            rp.plan_rollout(sites, fixed({"R": 1}), settings(MON), [])

    def test_region_without_capacity(self):
        sites = make_sites([("A", "R", "DE", 20, None, None, []), ("B", "Q", "DE", 20, None, None, [])])
        with pytest.raises(InfeasiblePlan, match="region without capacity: region 'Q' has 1 site"):
            rp.plan_rollout(sites, fixed({"R": 1}), settings(MON), [])

    def test_unknown_country(self):
        sites = make_sites([("A", "R", "XX", 20, None, None, [])])
        with pytest.raises(InfeasiblePlan, match="unknown country: 'XX' has no public-holiday calendar"):
            rp.plan_rollout(sites, fixed({"R": 1}), settings(MON), [])

    def test_every_problem_is_listed(self):
        sites = make_sites([("A", "R", "XX", 20, None, None, ["Z9"]), ("B", "Q", "DE", 20, None, None, [])])
        problems = diagnose(sites, {"R": 1}, 1)
        assert sorted(problems["problem"]) == ["region without capacity", "unknown country", "unknown dependency"]

    def test_pilot_depending_on_a_later_site(self):
        problems = diagnose(self.base(), {"R": 1}, 1, pilot_ids=["B"])
        assert problems["problem"].tolist() == ["pilot site depends on a later site"]

    def test_no_cycle(self):
        assert dependency_cycle(self.base()) == []


# ------------------------------------------------------------------------------------------ sample
def test_sample_plan_passes_the_checker(root):
    folder = root / "data" / "sample" / "rollout"
    sites = read_sites(folder / "sites.csv")
    table = rp.technicians_table(read_capacity(folder / "capacity.csv"), None)
    freeze = [(dt.date(2026, 12, 14), dt.date(2027, 1, 3))]
    config = rp.Settings(
        start_date=dt.date(2026, 9, 7),
        crew_size=2,
        devices_per_technician_day=10.0,
        blackouts=freeze,
        pilot_soak_days=10,
        solver_effort=0.5,
    )
    pilot = rp.choose_pilot(sites)
    result = rp.plan_rollout(sites, table, config, pilot)

    def techs(region, day):
        rows = table[table["region"] == region]
        stamp = pd.Timestamp(day)
        dated = rows[rows["start"].notna() & (rows["start"] <= stamp) & (rows["end"] >= stamp)]
        return int((dated if len(dated) else rows[rows["start"].isna()])["technicians"].iloc[-1])

    assert check_plan(result.plan, sites, techs, crew=2, per_day=10.0, blackouts=freeze, pilot=pilot, soak=10) == []
    assert result.status in ("optimal", "feasible")
    assert result.finish >= max(result.lower_bound_finish, result.solver_bound_finish)


def test_checker_catches_broken_plans():
    # the checker must fail on plans that break the rules, or its passes mean nothing
    sites = make_sites([("A", "R", "DE", 20, None, None, []), ("B", "R", "DE", 30, None, None, ["A"])])
    broken = pd.DataFrame(
        {
            "site_id": ["A", "B"],
            "wave": [1, 1],
            "start_date": pd.to_datetime(["2026-03-02", "2026-03-03"]),
            "end_date": pd.to_datetime(["2026-03-03", "2026-03-07"]),  # Sat 7 Mar
            "working_days": [2, 3],
            "crew": [1, 1],
        }
    )
    errors = check_plan(broken, sites, lambda r, d: 1, crew=1, per_day=10)
    assert "B: starts or ends on a non-working day" in errors
    assert "B: starts before A ends" in errors
    assert "R 2026-03-03: 2 technicians needed, 1 available" in errors


def test_pilot_avoids_sites_ready_late():
    # S1 (10 devices) is ready only in April; S2 (50) covers the same and is ready at the start
    sites = pd.DataFrame(
        {
            "site_id": ["S1", "S2"],
            "devices": [10, 50],
            "site_type": ["Office", "Office"],
            "hardware_models": [["m1"], ["m1"]],
            "depends_on": [[], []],
            "ready_date": pd.to_datetime(["2026-04-01", None]),
        }
    )
    assert rp.choose_pilot(sites, ready_by=MON) == ["S2"]
    assert rp.choose_pilot(sites) == ["S1"]
