"""``rollout.assess``: one colour per figure, grey and done states, and the same numbers on every run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from rollout.test_rollout_progress import MON, STATUS, actuals, baseline, sites

from pmokit import workbooks
from pmokit.bands import worst
from pmokit.rollout import assess as ra
from pmokit.rollout import plan as rp
from pmokit.rollout.params import RolloutPlanParams
from pmokit.sources import sites as src

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "rollout"
SAMPLE = ROOT / "data" / "sample" / "rollout"


def params(**extra) -> RolloutPlanParams:
    """Three sites in one region with one technician (tests/rollout/test_rollout_progress.py)."""
    values = dict(
        sites_path=str(FIXTURES / "sites_small.csv"),  # not read by assess: the frames are passed in
        output_dir=".",
        technicians={"R": 1},
        crew_size=1,
        start_date=MON,
        pilot="none",
        pilot_soak_days=0,
        forecast_runs=20,
    )
    values.update(extra)
    return RolloutPlanParams(**values)


# ----------------------------------------------------------------------------------- hand-worked
def test_behind_plan_is_red_from_spi_and_amber_from_the_forecast():
    # As test_track_end_to_end: 30 of 60 devices earned at Thu 5 Mar (50 %); the baseline had 30 by
    # the end of Wed, so ES = 3 days over AT = 4 days -> SPI 0.75 (red: below 0.85). The replan
    # finishes Tue 10 Mar and every forecast run too (the only ratio is 1.0): P85 Tue 10 Mar, one
    # day after the baseline's Mon 9 Mar -> amber (above 0, up to 14). 50 % complete -> green (25 or
    # more). Verdict: the worse of SPI and forecast -> red.
    result = ra.assess(sites(), None, baseline(), actuals(), params(status_date=STATUS))
    m = result.metrics
    assert (m["percent_complete"], m["spi"]) == (50.0, pytest.approx(0.75))
    assert (m["forecast_p85_finish"], m["reference_finish"], m["forecast_days_late"]) == (
        "2026-03-10",
        "2026-03-09",
        1,
    )
    rags = {k: r.rag for k, r in result.ratings.items()}
    assert rags == {"late_sites": "green", "percent_complete": "green", "spi": "red", "forecast_days_late": "amber"}
    assert result.rating.rag == "red" and "SPI (earned schedule) 0.75, below 0.85" in result.rating.reason
    recorded = result.recorded_metrics()
    assert recorded["verdict_rag"] == "red" and recorded["spi_rag"] == "red"
    tiles = {t.label: t for t in result.tiles}
    assert tiles["SPI"].value == "0.75" and tiles["SPI"].rag.rag == "red"
    assert tiles["Forecast P85"].rag.rag == "amber"
    # plan vs baseline: the plan (made from Mon 2) has the same finish for A; C moves
    assert m["sites_moved_later"] is not None and result.moves is not None
    assert result.replan_csv is not None and list(result.replan_csv.columns) == rp_plan_columns()


def rp_plan_columns() -> list[str]:
    return ["site_id", "wave", "start_date", "end_date", "working_days", "crew"]


def test_no_actuals_is_grey_with_the_reason_and_the_verdict_follows_the_late_sites():
    # B (3 days) needs A (2 days) first on the one technician: it ends Fri 6 Mar at the earliest,
    # 3 days after its target Tue 3 Mar -> 1 late site -> amber (above 0, up to 20)
    frame = sites()
    frame["target_date"] = pd.to_datetime([None, "2026-03-03", None])
    result = ra.assess(frame, None, None, None, params())
    m = result.metrics
    assert (m["late_sites"], m["lateness_days"]) == (1, 3)
    for name in ("percent_complete", "spi", "forecast_days_late"):
        assert m[name] is None
        assert result.ratings[name].rag == "grey" and "no actuals given" in result.ratings[name].reason
    assert result.rating == result.ratings["late_sites"] and result.rating.rag == "amber"
    assert "1 site finishes after its target date" in result.verdict
    assert result.tracking is None and result.moves is None and result.replan_csv is None
    assert {t.label: t.value for t in result.tiles}["SPI"] is None  # shown "—"


def test_every_site_finished_is_done():
    # A Mon 2-Tue 3, B Wed 4-Fri 6, C Mon 9: all finished by the status date Mon 9 Mar
    done_actuals = pd.DataFrame(
        {
            "site_id": ["A", "B", "C"],
            "actual_start": pd.to_datetime(["2026-03-02", "2026-03-04", "2026-03-09"]),
            "actual_end": pd.to_datetime(["2026-03-03", "2026-03-06", "2026-03-09"]),
            "devices_done": pd.array([pd.NA] * 3, dtype="Int64"),
        }
    )
    result = ra.assess(sites(), None, baseline(), done_actuals, params(status_date=dt.date(2026, 3, 9)))
    assert result.metrics["percent_complete"] == 100.0
    assert {result.ratings[n].rag for n in ("percent_complete", "spi", "forecast_days_late")} == {"done"}
    assert result.rating.rag == "done" and "every site is finished" in result.verdict


# ----------------------------------------------------------------------------------- band sweep
@pytest.mark.parametrize(
    "metric, values",
    [
        ("spi", [0.96, 0.95, 0.94, 0.86, 0.85, 0.84, None]),
        ("forecast_days_late", [-3, 0, 1, 13, 14, 15, None]),
        ("percent_complete", [26, 25, 24.9, 10.1, 10, 9.9, None]),
    ],
)
def test_tracked_figures_take_the_band_colour_and_the_verdict_the_worst(metric, values):
    b = ra.bands(None)
    for value in values:
        metrics = {"spi": 1.0, "forecast_days_late": 0, "percent_complete": 50.0, metric: value}
        ratings = ra._rate_tracking(metrics, b, tracked=True, all_done=False)
        assert ratings[metric].rag == b[metric].rate(value).rag, (metric, value)
        ratings["late_sites"] = b["late_sites"].rate(0)
        verdict = ra._verdict_rating(ratings, tracked=True)
        assert verdict.rag == worst([ratings["spi"], ratings["forecast_days_late"]])
    assert b[metric].rate(None).rag == "grey"


@pytest.mark.parametrize("value, rag", [(0, "green"), (1, "amber"), (20, "amber"), (21, "red"), (None, "grey")])
def test_late_sites_band(value, rag):
    b = ra.bands(None)
    assert b["late_sites"].rate(value).rag == rag
    ratings = {"late_sites": b["late_sites"].rate(value)}
    assert ra._verdict_rating(ratings, tracked=False).rag == rag


def test_deck_rules_name_rated_figures_and_the_registry_holds_the_same_bands():
    wb = workbooks.get("rollout_plan")
    assert {n: (x.amber, x.red, x.direction) for n, x in wb.default_bands().items()} == {
        n: (x.amber, x.red, x.direction) for n, x in ra.bands(None).items()
    }
    result = ra.assess(sites(), None, baseline(), actuals(), params(status_date=STATUS))
    recorded = result.recorded_metrics()
    for rule in wb.deck:
        key = "verdict_rag" if rule.metric == "verdict" else f"{rule.metric}_rag"
        assert key in recorded, rule
    # the deck's schedule cell is the verdict's colour: the report and the deck cannot disagree
    assert [r.metric for r in wb.deck if r.dimension == "schedule"] == ["verdict"]


def test_method_notes_state_each_threshold_once_from_the_bands():
    result = ra.assess(sites(), None, baseline(), actuals(), params(status_date=STATUS))
    assert result.notes["Colour of SPI (earned schedule)"] == ra.bands(None)["spi"].note()
    other = [v for k, v in result.notes.items() if not k.startswith("Colour of")]
    assert not any("0.95" in v or "0.85" in v for v in other)
    assert "OR-Tools version" in result.notes["Reproducibility"]


# ----------------------------------------------------------------------------------- determinism
def sample_like(effort: float = 0.2):
    """The bundled sample's sites, technicians and freeze (a smaller effort keeps the test short)."""
    frame = src.read_sites(SAMPLE / "sites.csv", columns={"devices": "Device count"})
    capacity = rp.technicians_table(src.read_capacity(SAMPLE / "capacity.csv"), None)
    settings = rp.Settings(
        start_date=dt.date(2026, 9, 7),
        crew_size=2,
        blackouts=[(dt.date(2026, 12, 14), dt.date(2027, 1, 3))],
        pilot_soak_days=10,
        solver_effort=effort,
    )
    return frame, capacity, settings


def test_the_same_plan_twice():
    # one worker, interleaved subsolvers and a deterministic-time limit: identical assignments,
    # whatever else the machine is doing (a wall-clock limit gave another plan on each run)
    frame, capacity, settings = sample_like()
    pilot = rp.choose_pilot(frame, ready_by=settings.start_date)
    assert pilot == rp.choose_pilot(frame, ready_by=settings.start_date)
    first = rp.plan_rollout(frame, capacity, settings, pilot)
    second = rp.plan_rollout(frame, capacity, settings, pilot)
    pd.testing.assert_frame_equal(first.plan, second.plan)
    assert (first.finish, first.lateness_days, first.status) == (second.finish, second.lateness_days, second.status)


def test_the_sample_metrics_twice():
    # the whole assessment of the sample (plan, replan and forecast) twice on the same inputs
    values = {
        "sites_path": str(SAMPLE / "sites.csv"),
        "columns": {"devices": "Device count"},
        "capacity_path": str(SAMPLE / "capacity.csv"),
        "baseline_path": str(SAMPLE / "baseline_plan.csv"),
        "actuals_path": str(SAMPLE / "actuals.csv"),
        "start_date": "2026-09-07",
        "status_date": "2026-11-13",
        "blackouts": [{"start": "2026-12-14", "end": "2027-01-03"}],
        "solver_effort": 0.2,
        "forecast_runs": 50,
        "output_dir": ".",
    }
    p = RolloutPlanParams(**values)
    frame = src.read_sites(p.sites_path, columns=p.columns)
    capacity = src.read_capacity(p.capacity_path)
    base = src.read_plan(p.baseline_path)
    done = src.read_actuals(p.actuals_path, sites=frame)
    first = ra.assess(frame, capacity, base, done, p).recorded_metrics()
    second = ra.assess(frame, capacity, base, done, p).recorded_metrics()
    for timing in ("solve_seconds",):
        first.pop(timing), second.pop(timing)
    assert first == second
    assert first["spi_rag"] in ("green", "amber", "red") and first["verdict_rag"] != "grey"
