"""delivery.assess on tiny hand-made tables: colours, grey and done, the band sweep, a minimal params file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pmokit import workbooks
from pmokit.bands import Band
from pmokit.delivery import assess, summary
from pmokit.sources.work_item_schema import empty_transitions, finish_items

T = pd.Timestamp
AS_OF = "2026-03-15"  # a Sunday: the ISO weeks of 2 and 9 March are complete
ROOT = Path(__file__).resolve().parents[2]
MODEL = workbooks.get("delivery_kpis").params


def params(**values):
    # two weeks of history, and a forecast allowed from two (the default minimum is 4)
    values = {"history_weeks": 2, "min_history_weeks": 2, **values}
    return MODEL(items_path="unused.csv", as_of=AS_OF, monte_carlo_trials=200, seed=1, **values)


def items(*rows: dict) -> pd.DataFrame:
    base = {"project": "P", "type": "Story", "created": T("2026-02-23 09:00")}
    return finish_items(pd.DataFrame([{**base, **r} for r in rows]))


def done(i: str, at: str, **extra) -> dict:
    return {"id": i, "status": "Done", "status_category": "done", "resolved": T(at), **extra}


def doing(i: str, **extra) -> dict:
    return {"id": i, "status": "Doing", "status_category": "in progress", **extra}


class TestColours:
    def test_late_project_is_red_and_wip_green(self):
        # 2 done in each of the weeks of 2 and 9 March -> 2 a week; 4 open -> 2 weeks -> 29 March;
        # due 22 March -> P85 7 days late -> red (first default rule). WIP 1 <= 40 -> green.
        rows = [done(f"D{i}", at) for i, at in enumerate(["2026-03-03", "2026-03-04", "2026-03-10", "2026-03-11"])]
        rows += [{"id": f"O{i}", "status": "To Do", "status_category": "to do"} for i in range(3)]
        rows += [doing("W", due=T("2026-03-22"))]
        result = assess.assess(items(*rows), empty_transitions(), params())
        assert result.rating.rag == "red" and "P85 forecast 7 days after the due date" in result.rating.reason
        assert result.ratings["wip"].rag == "green" and result.metrics["wip"] == 1
        recorded = result.recorded_metrics()
        assert recorded["verdict_rag"] == recorded["rag"] == "red" and recorded["wip_rag"] == "green"
        projects_tile = next(t for t in result.tiles if t.label == "Projects")
        assert projects_tile.rag is result.rating

    def test_all_done_is_done_never_red(self):
        # every item finished, the due date (1 March) long past: nothing remains -> done, not red
        rows = [done("A", "2026-03-03", due=T("2026-03-01")), done("B", "2026-03-10")]
        result = assess.assess(items(*rows), empty_transitions(), params())
        assert result.rating.rag == "done" and result.ratings["wip"].rag == "done"
        assert result.outlook["rag"].tolist() == ["Done"] and result.metrics["open_items"] == 0
        assert result.verdict == "All 2 items are done: nothing remains to forecast."

    def test_no_finished_item_is_grey_with_the_reason(self):
        # nothing finished in the window: no forecast, the date rules cannot be tested, aging (0 <= 0.25)
        # holds no alarm -> grey with what is missing, never green
        rows = [doing("A", due=T("2026-04-01")), {"id": "B", "status": "To Do", "status_category": "to do"}]
        result = assess.assess(items(*rows), empty_transitions(), params())
        assert result.rating.rag == "grey"
        evidence = result.outlook["evidence"].iloc[0]
        assert "P85 forecast against the due date" in evidence and "no item was finished" in evidence
        assert result.metrics["cycle_time_p85_days"] is None and result.forecast["forecast_p85_date"] is None
        assert result.probability is None

    def test_no_due_date_is_grey_not_green(self):
        # 1 done a week, 1 open, no due date anywhere -> the date rules are untested -> grey, reason says why
        rows = [
            done("A", "2026-03-03"),
            done("B", "2026-03-10"),
            {"id": "C", "status": "To Do", "status_category": "to do"},
        ]
        result = assess.assess(items(*rows), empty_transitions(), params())
        assert result.rating.rag == "grey" and "no due date" in result.outlook["evidence"].iloc[0]

    def test_worst_project_wins_and_greys_are_named(self):
        table = pd.DataFrame(
            {
                "project": ["A", "B", "C"],
                "rag": ["Green", "Amber", "Grey"],
                "rule": [
                    "no rule matched",
                    "more than 25% of items in progress older than the SLE",
                    "no rule could be tested",
                ],
                "evidence": [
                    "P85 forecast 3 days before the due date",
                    "50% of items in progress older than the SLE",
                    "missing: P85 forecast against the due date",
                ],
            }
        )
        rating = assess.portfolio_rating(table)
        assert (
            rating.rag == "amber"
            and "B (50% of items in progress older than the SLE" in rating.reason
            and "not rated: C" in rating.reason
        )

    def test_notes_state_the_band_once(self):
        result = assess.assess(items(done("A", "2026-03-03"), doing("B")), empty_transitions(), params())
        assert result.notes["Colour of Work in progress"] == result.bands["wip"].note()
        assert "40 items" in result.notes["Colour of Work in progress"]


class TestBandSweep:
    """For the deck's wip rule, the report's tile/rating gives exactly the band's colour around each threshold."""

    @pytest.mark.parametrize("amber, red", [(40, 60), (3, 5)])
    def test_wip_tile_equals_band(self, amber, red):
        p = params(wip_amber=amber, wip_red=red)
        band = assess.bands(p)["wip"]
        assert isinstance(band, Band) and (band.amber, band.red, band.direction) == (amber, red, "lower_is_better")
        for wip in sorted({amber - 1, amber, amber + 1, red - 1, red, red + 1} - {-1}):
            rows = [done("D", "2026-03-10")] + [doing(f"W{i}") for i in range(wip)]
            result = assess.assess(items(*rows), empty_transitions(), p)
            tile = next(t for t in result.tiles if t.label == "Work in progress")
            assert result.metrics["wip"] == wip
            assert tile.rag.rag == result.ratings["wip"].rag == band.rate(wip).rag, wip
            assert result.recorded_metrics()["wip_rag"] == band.rate(wip).rag

    def test_expected_colours_at_the_default_thresholds(self):
        band = assess.bands(params())["wip"]
        assert [band.rate(v).rag for v in (39, 40, 41, 59, 60, 61, None)] == [
            "green",
            "green",
            "amber",
            "amber",
            "amber",
            "red",
            "grey",
        ]

    def test_deck_rules_name_rated_figures(self):
        wb = workbooks.get("delivery_kpis")
        rated = set(wb.default_bands()) | {"verdict"}
        assert {r.metric for r in wb.deck} <= rated
        assert {(r.dimension, r.metric) for r in wb.deck} == {("schedule", "verdict"), ("scope", "wip")}


def test_rows_by_file_counts_each_export():
    read = items(done("A", "2026-03-03", source="Jira CSV (a.csv)"), doing("B", source="Jira CSV (b.csv)"))
    assert summary.rows_by_file(read, ["x/a.csv", "b.csv"]) == [("x/a.csv", 1), ("b.csv", 1)]


def test_minimal_params_file_runs_outside_the_repo(tmp_path):
    """A params file naming only items_path, in a folder of its own, validates and runs without data/."""
    from pmokit import cli, runfolder
    from pmokit.runner import load_spec

    folder = tmp_path / "delivery_kpis"
    folder.mkdir()
    shutil.copyfile(ROOT / "tests/fixtures/delivery/trello_small.json", folder / "board.json")
    spec_path = folder / "mine.yaml"
    spec_path.write_text(yaml.safe_dump({"items_path": "board.json"}), encoding="utf-8")
    load_spec(spec_path)  # validates: no key the user did not write is required
    out = tmp_path / "out"
    assert cli.main(["run", "-q", "--out", str(out), str(spec_path)]) == 0
    run = runfolder.read(out / "delivery_kpis" / "mine")
    assert run is not None and run.succeeded
    text = json.dumps(run.run)
    assert str(ROOT / "data") not in text and "board.json" in text
    # the small board's cards were done after its last full week: no evidence of flow -> grey, never green
    assert run.metrics["wip_rag"] == "grey" and "verdict_rag" in run.metrics
