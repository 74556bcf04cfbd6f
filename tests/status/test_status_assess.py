"""``status.assess``: the PMO bands, one colour per figure on the deck, the result's tiles and notes,
on small hand-made frames; the registry's deck rules; the package's imports; a minimal params file."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pmokit import bands as bandsmod
from pmokit.sources import status_inputs as src
from pmokit.sources.status_inputs import MILESTONE_COLUMNS, RAID_COLUMNS
from pmokit.status import assess, rag

T = pd.Timestamp
END = T("2026-11-27")
LIB = Path(__file__).resolve().parents[2] / "lib" / "pmokit"


def raid_log(decisions: int = 0, overdue: int = 0, risks: int = 0) -> pd.DataFrame:
    """A canonical RAID log: ``decisions`` open decisions, ``overdue`` actions due the day before the
    status date, ``risks`` open risks scored 4 x 5 = 20 (high), and one closed issue, so that a log
    with no open item was still read (an empty log gives unknown counts, not 0)."""
    rows = [{"id": "C0", "type": "Issue", "status": "Closed"}]
    for i in range(decisions):
        rows.append({"id": f"D{i}", "type": "Decision", "due": T("2026-12-10")})
    for i in range(overdue):
        rows.append({"id": f"A{i}", "type": "Action", "due": T("2026-11-26")})
    for i in range(risks):
        rows.append({"id": f"R{i}", "type": "Risk", "due": T("2026-12-01"), "probability": 4.0, "impact": 5.0})
    frame = pd.DataFrame(rows).reindex(columns=RAID_COLUMNS)
    frame["title"] = "t"
    frame["status"] = frame["status"].fillna("Open")
    frame["raised"] = T("2026-11-01")
    for col in ("raised", "due", "closed"):
        frame[col] = pd.to_datetime(frame[col])
    for col in ("probability", "impact"):
        frame[col] = frame[col].astype(float)
    frame["open"] = frame["status"] != "Closed"
    return frame


def milestone_list(slipped: int = 0, on_time: int = 1) -> pd.DataFrame:
    """``slipped`` milestones forecast 7 days after a December baseline, ``on_time`` on baseline."""
    rows = [
        {"milestone": f"S{i}", "baseline": T("2026-12-11"), "forecast": T("2026-12-18")} for i in range(slipped)
    ] + [{"milestone": f"O{i}", "baseline": T("2026-12-11"), "forecast": T("2026-12-11")} for i in range(on_time)]
    frame = pd.DataFrame(rows).reindex(columns=MILESTONE_COLUMNS)
    frame["workstream"] = "w"
    for col in ("baseline", "forecast", "actual"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def run_of(workbook: str, metrics: dict) -> src.WorkbookRun:
    return src.WorkbookRun(workbook, Path(f"/runs/{workbook}/sample"), END, metrics)


def result_of(deck_inputs, runs=None, rules=None, **counts) -> assess.StatusResult:
    log = raid_log(counts.get("decisions", 0), counts.get("overdue", 0), counts.get("risks", 0))
    ms = milestone_list(counts.get("slipped", 0))
    return assess.assess(runs or {}, log, ms, None, deck_inputs.params(), deck_rules=rules or [], headlines={})


def pmo_cell(result: assess.StatusResult, dimension: str) -> str:
    return result.dashboard.set_index("workstream").loc["PMO", dimension]


class TestBandSweep:
    """Below/at/above each threshold: the tile, the recorded colour and the deck's cell agree with the band."""

    CASES = [
        # metric, count argument, dashboard dimension, values around amber 0 / red 2 (lower is better)
        ("milestones_slipped", "slipped", "schedule", [0, 1, 2, 3]),
        ("decisions_needed", "decisions", "scope", [0, 1, 2, 3, 4]),  # amber above 1, red above 3
        ("overdue_actions", "overdue", "quality", [1, 2, 3, 5, 6]),  # amber above 2, red above 5
    ]

    @pytest.mark.parametrize("metric, arg, dimension, values", CASES)
    def test_sweep(self, deck_inputs, metric, arg, dimension, values):
        band = assess.bands(deck_inputs.params())[metric]
        tile_label = band.label
        for value in values:
            result = result_of(deck_inputs, **{arg: value})
            expected = band.rate(value)
            assert result.metrics[metric] == value
            assert result.ratings[metric] == expected
            assert result.recorded_metrics()[f"{metric}_rag"] == expected.rag
            tile = next(t for t in result.tiles if t.label == tile_label)
            assert tile.rag == expected
            assert pmo_cell(result, dimension) == expected.rag, (metric, value)

    def test_expected_colours_by_hand(self, deck_inputs):
        b = assess.bands(deck_inputs.params())
        assert [b["milestones_slipped"].rate(v).rag for v in (0, 1, 2, 3)] == ["green", "amber", "amber", "red"]
        assert [b["decisions_needed"].rate(v).rag for v in (1, 2, 3, 4)] == ["green", "amber", "amber", "red"]
        assert [b["overdue_actions"].rate(v).rag for v in (2, 3, 5, 6)] == ["green", "amber", "amber", "red"]
        assert b["milestones_slipped"].rate(None).rag == "grey"

    def test_registered_bands_are_these(self):
        from pmokit import workbooks as registry

        wb = registry.get("status_deck")
        assert wb.band_function() is assess.bands and set(wb.default_bands()) == set(assess.bands(None))


class TestOneColour:
    def test_cells_show_recorded_colours_not_old_thresholds(self, deck_inputs):
        # favourability 55 % was RED on the old deck (< 60) but AMBER in the survey report: now AMBER.
        runs = {
            "survey_analysis": run_of("survey_analysis", {"favourability_pct": 55.0, "favourability_pct_rag": "amber"})
        }
        rules = [
            {"workstream": "Employee survey", "dimension": "people", "metric": "survey_analysis.favourability_pct"}
        ]
        result = result_of(deck_inputs, runs, rules)
        assert result.dashboard.set_index("workstream").loc["Employee survey", "people"] == "amber"

    def test_no_recorded_colour_is_grey_with_reason(self, deck_inputs):
        runs = {"compliance_report": run_of("compliance_report", {"sla_breaches": 3})}
        rules = [{"workstream": "Compliance", "dimension": "schedule", "metric": "compliance_report.sla_breaches"}]
        row = result_of(deck_inputs, runs, rules).results.iloc[0]
        assert (row["rag"], row["reason"]) == ("grey", "the compliance report recorded no colour for SLA breaches")

    def test_done_ranks_like_green_and_shows_done(self, deck_inputs):
        # rollout finished: percent_complete recorded done; with every PMO count green the overall is green.
        runs = {"rollout_plan": run_of("rollout_plan", {"percent_complete": 100.0, "percent_complete_rag": "done"})}
        rules = [{"workstream": "Device rollout", "dimension": "scope", "metric": "rollout_plan.percent_complete"}]
        result = result_of(deck_inputs, runs, rules)
        assert result.dashboard.set_index("workstream").loc["Device rollout", "scope"] == "done"
        assert result.overall["rag"] == "green" and result.rating.rag == "green"

    def test_missing_workbook_is_grey_with_why(self, deck_inputs):
        runs = {"survey_analysis": src.WorkbookRun("survey_analysis", problem="no run folder survey_analysis/ in x")}
        rules = [{"workstream": "Employee survey", "dimension": "people", "metric": "survey_analysis.enps"}]
        result = result_of(deck_inputs, runs, rules)
        row = result.results.iloc[0]
        assert (
            row["rag"] == "grey" and row["reason"] == "no run of survey_analysis: no run folder survey_analysis/ in x"
        )
        assert result.missing == ["survey_analysis"] and result.metrics["workbooks_missing"] == 1
        assert result.ratings["workbooks_missing"].rag == "amber"  # 1 is above 0, not above 2

    def test_pmo_thresholds_in_params_are_evaluated_as_written(self, deck_inputs):
        # The PMO's own rule with thresholds: 1 slipped milestone, red above 0 -> red, whatever the band says.
        rule = rag.RagRule(workstream="PMO", dimension="schedule", metric="status.milestones_slipped", red_above=0)
        log, ms = raid_log(), milestone_list(1)
        p = deck_inputs.params(rag_rules=[rule.model_dump()])
        result = assess.assess({}, log, ms, None, p, deck_rules=[], headlines={})
        assert result.ratings["milestones_slipped"].rag == "amber" and result.overall["rag"] == "red"


class TestResult:
    def test_metrics_verdict_tiles_notes(self, deck_inputs):
        # 3 slipped (> 2: red), 2 decisions (amber), 1 overdue action (green), 2 risks scored 20 (high).
        result = result_of(deck_inputs, slipped=3, decisions=2, overdue=1, risks=2)
        m = result.recorded_metrics()
        assert m["overall_rag"] == "red" and m["verdict_rag"] == "red" and m["overall_rag_computed"] == "red"
        assert (m["open_risks"], m["high_risks"], m["decisions_needed"], m["overdue_actions"]) == (2, 2, 2, 1)
        assert m["milestones"] == 4 and m["milestones_slipped"] == 3 and m["period_end"] == "2026-11-27"
        assert not any(isinstance(v, float) and v != v for v in m.values())  # no NaN
        assert result.verdict.startswith("Portfolio RED for the week ending 2026-11-27: PMO (schedule)")
        overall = result.tiles[0]
        # The Overall tile: the word once (its label RED), the deciding cell as the value, the reason as the note.
        assert (overall.label, overall.value, overall.rag.rag) == ("Overall", "PMO schedule", "red")
        assert overall.note == "Milestones slipped 3, above 2"
        assert overall.value.upper() not in bandsmod.LABELS.values()
        notes = result.notes
        assert (
            notes["Colour of Milestones slipped"]
            == "Milestones slipped: green at 0 or less, amber above 0 up to 2, red above 2."
        )
        assert "recorded in metrics.json" in notes["RAG rule (built in)"]
        assert "evaluated here as written" in notes["RAG rule (your thresholds)"]

    def test_override_tile(self, deck_inputs):
        p = deck_inputs.params(rag_override={"rag": "amber", "reason": "Supplier confirmed delivery on Monday"})
        result = assess.assess({}, raid_log(), milestone_list(3), None, p, deck_rules=[], headlines={})
        tile = result.tiles[0]
        assert (tile.value, tile.rag.rag, result.metrics["overall_rag_computed"]) == ("PMO override", "amber", "red")
        assert tile.note == "override by the PMO (rules gave RED): Supplier confirmed delivery on Monday"

    def test_period_end_defaults_to_latest_raid_date(self):
        log = raid_log(decisions=1)
        log.loc[0, "closed"] = T("2026-11-29")
        assert assess.default_period_end(log, None) == T("2026-11-29")
        assert assess.default_period_end(log, "2026-12-04") == T("2026-12-04")


def test_registry_deck_rules_are_valid_rules():
    """Every registered deck rule becomes a rule without thresholds (the deck shows the recorded colour)."""
    from pmokit import workbooks as registry

    rules = rag.default_rules(registry.deck_rules())
    assert rules and not any(rag.has_thresholds(r) for r in rules)
    assert {r.metric.split(".")[0] for r in rules} <= set(registry.deck_workbooks()) | {"status"}


FORBIDDEN = ("pmokit.workbooks", "pmokit.runner", "pmokit.cli")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_status_package_never_imports_registry_runner_or_cli():
    files = [*sorted((LIB / "status").glob("*.py")), LIB / "sources" / "status_inputs.py"]
    for path in files:
        bad = {n for n in _imports(path) if n.startswith(FORBIDDEN)}
        assert not bad, f"{path.name} imports {bad}"
    # and at run time, importing every module pulls none of them in
    code = (
        "import sys, pmokit.status.assess, pmokit.status.figures, pmokit.status.snapshots, "
        "pmokit.sources.status_inputs; print(sorted(m for m in sys.modules if m.startswith(%r)))" % (FORBIDDEN,)
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.e2e
def test_minimal_params_file_validates_and_runs(tmp_path, root):
    """A params file naming only the required inputs, in a folder of its own outside the repo."""
    from pmokit import cli, runner

    folder = tmp_path / "status_deck"
    folder.mkdir()
    for name in ("raid_log.csv", "milestones.csv"):
        shutil.copy(root / "data" / "sample" / "status" / name, folder / name)
    yaml = folder / "mine.yaml"
    yaml.write_text("raid_path: raid_log.csv\nmilestones_path: milestones.csv\n", encoding="utf-8")
    spec = runner.load_spec(yaml)
    assert spec.workbook == "status_deck"
    out = tmp_path / "out"
    assert cli.main(["run", "-q", "--out", str(out), str(yaml)]) == 0
    run = json.loads((out / "status_deck" / "mine" / "run.json").read_text(encoding="utf-8"))
    text = json.dumps(run)
    assert str(root / "data") not in text
    metrics = json.loads((out / "status_deck" / "mine" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["workbooks_found"] == 0 and metrics["milestones"] == 12
