"""Impossible inputs are caught by ``pmokit check`` before any kernel starts, with one message per problem."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pmokit import cli
from pmokit.rollout.feasibility import InfeasiblePlan, diagnose, input_messages
from pmokit.rollout.params import RolloutPlanParams

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rollout"
IMPOSSIBLE = FIXTURES / "sites_impossible.csv"
CAPACITY = FIXTURES / "capacity_small.csv"  # North 4 (2 for a week), South 2; no West

EXPECTED = [
    "capacity_small.csv: field 'technicians': expected technicians for every region that has sites, "
    "got region 'West' has 1 site(s) but no technicians (site(s) D01)",
    "sites_impossible.csv: field 'depends_on': expected site ids from the sites list, got 'Z99' (site D01)",
]


def impossible_params(**extra) -> RolloutPlanParams:
    values = dict(
        sites_path=str(IMPOSSIBLE),
        capacity_path=str(CAPACITY),
        baseline_path=None,
        actuals_path=None,
        start_date="2026-03-02",
        output_dir=".",
    )
    values.update(extra)
    return RolloutPlanParams(**values)


def test_check_inputs_lists_every_problem_with_file_field_and_expectation():
    problems = impossible_params().check_inputs()
    assert problems[:2] == EXPECTED
    cycle = problems[2]
    assert cycle.startswith(
        "sites_impossible.csv: field 'depends_on': expected dependencies without a cycle, got the cycle "
    )
    assert set(cycle.rsplit("got the cycle ", 1)[1].split(" -> ")) == {"A01", "B01", "C01"}
    assert len(problems) == 3


def test_crew_larger_than_technicians_and_explicit_pilot_are_checked():
    problems = impossible_params(crew_size=3, technicians={"North": 2, "West": 2}, pilot=["A01", "X1"]).check_inputs()
    assert (
        "capacity_small.csv: field 'technicians': expected at least crew_size technicians in every region with "
        "sites, got a crew of 3 is needed but region 'North' has 2 technician(s) (site A01)"
    ) in problems
    assert "field 'pilot': expected site ids from the sites list, got 'X1'" in problems
    assert (
        "field 'pilot': expected pilot sites that depend only on other pilot sites, "
        "got A01 depends on C01, which are not in the pilot wave"
    ) in problems
    assert not any("region 'West' has 1 site(s) but no technicians" in p for p in problems)


def test_feasible_inputs_give_no_problem():
    assert (
        RolloutPlanParams(
            sites_path=str(FIXTURES / "sites_small.csv"),
            columns={"devices": "Seats"},
            capacity_path=str(CAPACITY),
            baseline_path=None,
            actuals_path=None,
            output_dir=".",
        ).check_inputs()
        == []
    )


def test_unknown_country_message():
    rows = pd.DataFrame(
        [
            {
                "site_id": "A",
                "problem": "unknown country",
                "value": "'XX'",
                "detail": "'XX' has no public-holiday calendar in the holidays package",
            }
        ]
    )
    assert input_messages(rows, "/x/sites.csv") == [
        "sites.csv: field 'country': expected a country the holidays package has public holidays for, got 'XX' (site(s) A)"
    ]


def test_infeasible_plan_error_lists_every_problem_one_line_each():
    from pmokit.sources.sites import read_sites

    sites = read_sites(IMPOSSIBLE)
    problems = diagnose(sites, {"North": 4}, 2)
    message = str(InfeasiblePlan(problems))
    lines = message.splitlines()
    assert lines[0] == "field 'plan': expected inputs that can be scheduled, got 3 problem(s):"
    assert lines[1] == "- region without capacity: region 'West' has 1 site(s) but no technicians (site(s) D01)"
    assert lines[2] == "- unknown dependency: depends on 'Z99', which is not in the sites list (site(s) D01)"
    assert lines[3].startswith("- dependency cycle: ")
    assert len(lines) == 4


@pytest.mark.parametrize("capacity", [True, False])
def test_pmokit_check_exits_2_on_impossible_inputs(tmp_path, capsys, capacity):
    folder = tmp_path / "rollout_plan"
    folder.mkdir()
    lines = [f"sites_path: {IMPOSSIBLE}", "baseline_path: null", "actuals_path: null", "start_date: 2026-03-02"]
    lines += [f"capacity_path: {CAPACITY}"] if capacity else ["capacity_path: null", "technicians: {North: 4}"]
    (folder / "bad.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["check", str(folder / "bad.yaml")]) == 2
    err = capsys.readouterr()
    text = err.out + err.err
    assert "field 'depends_on': expected site ids from the sites list, got 'Z99' (site D01)" in text
    assert "expected dependencies without a cycle" in text
    assert "region 'West' has 1 site(s) but no technicians" in text
    if capacity:
        assert "capacity_small.csv: field 'technicians'" in text


# ------------------------------------------------------------------------------- Explore widget
def test_what_if_gives_the_scenario_plan_and_its_wave_summary():
    import datetime as dt

    from pmokit import report
    from pmokit.rollout import workbook as rollout
    from pmokit.sources.sites import read_capacity, read_sites

    p = RolloutPlanParams(
        sites_path=str(FIXTURES / "sites_small.csv"),
        columns={"devices": "Seats"},
        capacity_path=str(CAPACITY),
        baseline_path=None,
        actuals_path=None,
        output_dir=".",
        pilot="none",
        blackouts=[],
        solver_effort=0.5,
    )
    sites, capacity = read_sites(p.sites_path, columns=p.columns), read_capacity(p.capacity_path)
    start = dt.date(2026, 3, 2)
    few, few_waves = rollout.what_if(sites, capacity, {"North": 2, "South": 2}, p, start, [])
    many, many_waves = rollout.what_if(sites, capacity, {"North": 8, "South": 2}, p, dt.date(2026, 3, 9), [])
    for trial, waves in ((few, few_waves), (many, many_waves)):
        assert list(waves.columns[:6]) == ["wave", "name", "sites", "devices", "start", "finish"]
        assert int(waves["sites"].sum()) == 3 and int(waves["devices"].sum()) == int(sites["devices"].sum())
        assert waves["finish"].max().date() == trial.finish
    assert many_waves["start"].min().date() >= dt.date(2026, 3, 9)
    assert few.finish != many.finish
    report.table(many_waves, caption="Wave summary of this scenario", formats={"devices": "{:,.0f}"})  # renders
    with pytest.raises(InfeasiblePlan):
        rollout.what_if(sites, capacity, {"North": 1, "South": 2}, p, start, [])


def test_method_notes_state_the_pilot_rule():
    import datetime as dt

    from pmokit.rollout import plan as rp
    from pmokit.rollout import workbook as rollout

    note = rollout.method_notes(rp.Settings(start_date=dt.date(2026, 3, 2)), "cover")["Pilot wave (wave 0)"]
    assert "without dependencies" in note and "ready after the start date" in note
    assert note.index("ready after the start date") < note.index("fewest devices") < note.index("fewest sites")
