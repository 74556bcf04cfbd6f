"""The solver's stopping rules, its lower bound and its seed (issue 16), on hand-worked instances.

Dates: March 2026 has no public holiday in Germany (Easter Monday is 6 April), so every weekday
from Mon 2 Mar is a working day of a DE site.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from rollout.test_rollout_plan import MON, check_plan, fixed, make_sites, settings

from pmokit.rollout import plan as rp
from pmokit.rollout.calendar import WorkCalendar


def offset(day: dt.date) -> int:
    return (day - MON).days


def model_of(sites: pd.DataFrame, techs: dict[str, int], pilot=(), soak: int = 0, horizon: int = 120):
    """The planner's integer view of a small instance: tasks, calendar and daily technicians."""
    config = settings(MON, pilot_soak_days=soak)
    calendar = WorkCalendar(MON, horizon, config.workdays, config.blackouts)
    caps = rp.daily_capacity(fixed(techs), calendar, sorted(techs))
    return rp.build_tasks(sites, calendar, config, list(pilot)), calendar, caps


# ------------------------------------------------------------------------------------------ lower bound
class TestLowerBound:
    def test_sites_ready_late_are_counted_from_their_ready_day(self):
        """Two sites of a region become ready a week after the start: the technicians' days before
        then cannot be spent on them. A (1 day) ready Mon 2 Mar; B and C (3 days each) ready Mon 9 Mar;
        one technician. The plain capacity bound, 7 crew-days from Mon 2 Mar, gives Tue 10 Mar; the
        critical path (B alone from Mon 9) Wed 11 Mar; but B and C need 6 crew-days from Mon 9:
        Mon 9, Tue 10, Wed 11, Thu 12, Fri 13, Mon 16 -> Mon 16 Mar, which A Mon 2, B 9-11, C 12-16
        reaches, so the plan is proven best without searching."""
        sites = make_sites(
            [
                ("A", "R", "DE", 10, None, None, []),
                ("B", "R", "DE", 30, "2026-03-09", None, []),
                ("C", "R", "DE", 30, "2026-03-09", None, []),
            ]
        )
        tasks, calendar, caps = model_of(sites, {"R": 1})
        assert rp.lower_bound(tasks, calendar, caps, soak=0) == offset(dt.date(2026, 3, 16))
        result = rp.plan_rollout(sites, fixed({"R": 1}), settings(MON), [])
        assert result.finish == dt.date(2026, 3, 16)
        assert (result.status, result.gap_days, result.solve_effort) == ("optimal", 0, 0.0)
        assert check_plan(result.plan, sites, lambda r, d: 1, crew=1, per_day=10) == []

    def test_the_pilot_soak_holds_back_the_broad_sites(self):
        """A pilot of 1 day (Mon 2 Mar) and a soak of 3 calendar days: broad sites start Fri 6 Mar
        at the earliest. Two broad sites of 5 days on one technician need 10 crew-days from Fri 6:
        Fri 6, Mon 9 .. Fri 13 (6), Mon 16 .. Thu 19 (10) -> Thu 19 Mar. The plain capacity bound
        (11 crew-days from Mon 2) would say Mon 16 Mar."""
        sites = make_sites(
            [
                ("P", "R", "DE", 10, None, None, []),
                ("A", "R", "DE", 50, None, None, []),
                ("B", "R", "DE", 50, None, None, []),
            ]
        )
        tasks, calendar, caps = model_of(sites, {"R": 1}, pilot=["P"], soak=3)
        assert rp.lower_bound(tasks, calendar, caps, soak=3) == offset(dt.date(2026, 3, 19))
        result = rp.plan_rollout(sites, fixed({"R": 1}), settings(MON, pilot_soak_days=3), ["P"])
        assert result.finish == dt.date(2026, 3, 19) and result.gap_days == 0

    def test_a_gap_the_bound_cannot_see(self):
        """Three sites of 3 days, two technicians (one each): 9 crew-days, 2 a day -> the bound is the
        5th working day, Fri 6 Mar. No site can be split, so two run Mon-Wed and the third Thu 5,
        Fri 6, Mon 9: the best plan ends Mon 9 Mar, 3 calendar days after the bound (the end effect
        the method notes describe). The solver proves it (status optimal, solver bound Mon 9)."""
        sites = make_sites([(s, "R", "DE", 30, None, None, []) for s in ("A", "B", "C")])
        result = rp.plan_rollout(sites, fixed({"R": 2}), settings(MON), [])
        assert result.lower_bound_finish == dt.date(2026, 3, 6)
        assert result.finish == dt.date(2026, 3, 9)
        assert result.status == "optimal" and result.solver_bound_finish == dt.date(2026, 3, 9)
        # the gap is measured from the best bound, the solver's here
        assert result.gap_days == 0
        assert check_plan(result.plan, sites, lambda r, d: 2, crew=1, per_day=10) == []


# ------------------------------------------------------------------------------------------ seed
def test_justification_closes_the_tail_of_a_bad_list_order():
    """Shortest first on two technicians: A and B (1 day) on Mon 2 Mar, then C (4 days) Tue 3 - Fri 6.
    Shifting late (C stays, A and B move to Fri 6) then early (C to Mon 2 - Thu 5, A to Mon 2 on the
    free technician, B Tue 3) ends Thu 5 Mar, the best possible (C alone takes 4 days)."""
    sites = make_sites(
        [
            ("A", "R", "DE", 10, None, None, []),
            ("B", "R", "DE", 10, None, None, []),
            ("C", "R", "DE", 40, None, None, []),
        ]
    )
    tasks, calendar, caps = model_of(sites, {"R": 2})
    listed = rp.serial_schedule(tasks, calendar, caps, [0, 1, 2], soak=0)
    assert int(listed[1].max()) == offset(dt.date(2026, 3, 6))
    start, end = rp.justify(tasks, calendar, caps, listed, soak=0)
    assert int(end.max()) == offset(dt.date(2026, 3, 5))
    plan = rp.plan_frame(sites, tasks, start, end, calendar, settings(MON))
    assert check_plan(plan, sites, lambda r, d: 2, crew=1, per_day=10) == []


def test_justification_keeps_dependencies_ready_dates_and_the_pilot():
    """Justifying must not break a rule it was not told about: a pilot with a soak, a dependency and
    a ready date, on one technician. The independent checker re-checks every day."""
    sites = make_sites(
        [
            ("P", "R", "DE", 10, None, None, []),
            ("A", "R", "DE", 20, None, None, []),
            ("B", "R", "DE", 30, None, None, ["A"]),
            ("C", "R", "DE", 10, "2026-03-12", None, []),
            ("D", "R", "DE", 40, None, None, []),
        ]
    )
    tasks, calendar, caps = model_of(sites, {"R": 2}, pilot=["P"], soak=2)
    listed = rp.serial_schedule(tasks, calendar, caps, rp.priority_order(tasks, "ready"), soak=2)
    start, end = rp.justify(tasks, calendar, caps, listed, soak=2)
    assert int(end.max()) <= int(listed[1].max())
    plan = rp.plan_frame(sites, tasks, start, end, calendar, settings(MON, pilot_soak_days=2))
    assert check_plan(plan, sites, lambda r, d: 2, crew=1, per_day=10, pilot=["P"], soak=2) == []


# ------------------------------------------------------------------------------------------ stopping
def busy_region(count: int = 24) -> pd.DataFrame:
    """A region of mixed sites, some due early, some ready late, over two countries with different
    holidays: enough for the solver to search (the seed neither meets the bound nor is on time)."""
    rng = np.random.default_rng(3)
    rows = []
    for i in range(count):
        ready = "2026-03-16" if i % 5 == 0 else None
        target = "2026-03-20" if i % 3 == 0 else None
        country = "DE" if i % 2 else "AT"
        rows.append((f"S{i:02d}", "R", country, int(rng.integers(1, 8)) * 10, ready, target, []))
    return make_sites(rows)


def test_the_same_small_instance_twice_gives_identical_plans():
    # deterministic stops (slices of deterministic time): the same plan, status and effort each time
    sites = busy_region()
    first = rp.plan_rollout(sites, fixed({"R": 3}), settings(MON, solver_effort=0.3), [])
    second = rp.plan_rollout(sites, fixed({"R": 3}), settings(MON, solver_effort=0.3), [])
    pd.testing.assert_frame_equal(first.plan, second.plan)
    assert (first.status, first.finish, first.lateness_days, first.solve_effort) == (
        second.status,
        second.finish,
        second.lateness_days,
        second.solve_effort,
    )
    assert check_plan(first.plan, sites, lambda r, d: 3, crew=1, per_day=10) == []


@pytest.mark.parametrize("effort", [0.01, 0.3])
def test_the_effort_is_a_ceiling_and_the_seed_is_always_a_plan(effort):
    # a complete hint is CP-SAT's first solution at once: even the least effort returns a plan
    # (never 'hint only'), and the search never spends much more than the effort (one batch over)
    sites = busy_region()
    result = rp.plan_rollout(sites, fixed({"R": 3}), settings(MON, solver_effort=effort), [])
    assert result.status in ("optimal", "feasible")
    assert 0 < result.solve_effort <= effort + 0.05
    assert result.finish >= max(result.lower_bound_finish, result.solver_bound_finish)
    assert check_plan(result.plan, sites, lambda r, d: 3, crew=1, per_day=10) == []


def test_the_search_stops_before_the_effort_when_nothing_improves():
    # with a large ceiling the search stops on its own (bound met, proven, or a slice without
    # improvement): far less than the 50 units allowed on 24 sites
    sites = busy_region()
    result = rp.plan_rollout(sites, fixed({"R": 3}), settings(MON, solver_effort=50.0), [])
    assert result.solve_effort < 5.0
