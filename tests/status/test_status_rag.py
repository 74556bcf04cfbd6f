"""RAG rules, hand-checked on small cases."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pydantic import ValidationError

from pmokit.status import rag


def rule(**kw):
    base = {"workstream": "W", "dimension": "quality", "metric": "wb.m"}
    return rag.RagRule.model_validate({**base, **kw})


class TestEvaluate:
    @pytest.mark.parametrize(
        "value, expected",
        [
            (90, "green"),  # not below 90
            (89.9, "amber"),  # below 90, not below 80
            (80, "amber"),  # the red threshold is strict: 80 is not below 80
            (79.9, "red"),
            ("78.5", "red"),  # a number stored as text still compares
        ],
    )
    def test_below(self, value, expected):
        assert rag.evaluate(rule(amber_below=90, red_below=80), {"wb.m": value})["rag"] == expected

    @pytest.mark.parametrize("value, expected", [(0, "green"), (1, "amber"), (2, "amber"), (3, "red")])
    def test_above(self, value, expected):
        # amber when > 0, red when > 2
        assert rag.evaluate(rule(amber_above=0, red_above=2), {"wb.m": value})["rag"] == expected

    def test_dates(self):
        r = rule(amber_above="2027-01-31", red_above="2027-02-28")
        assert r.red_above == dt.date(2027, 2, 28)
        assert rag.evaluate(r, {"wb.m": "2027-02-12"})["rag"] == "amber"
        assert rag.evaluate(r, {"wb.m": "2027-03-01"})["rag"] == "red"
        assert rag.evaluate(r, {"wb.m": "2027-01-31"})["rag"] == "green"

    def test_rag_word_metric(self):
        assert rag.evaluate(rule(), {"wb.m": "Amber"})["rag"] == "amber"
        assert rag.evaluate(rule(), {"wb.m": "purple"})["rag"] == "grey"
        assert rag.evaluate(rule(), {"wb.m": "Done"})["rag"] == "done"

    def test_missing_or_unusable_value_is_grey(self):
        r = rule(amber_below=90, red_below=80)
        assert rag.evaluate(r, {})["rag"] == "grey"
        assert rag.evaluate(r, {"wb.m": None})["rag"] == "grey"
        assert rag.evaluate(r, {"wb.m": "n/a"})["rag"] == "grey"

    def test_reason_names_threshold(self):
        out = rag.evaluate(rule(amber_below=90, red_below=80), {"wb.m": 78.5})
        assert out["reason"] == "M 78.5 (red below 80)"  # the metric named in words, not "wb.m = 78.5 < 80"
        assert rag.evaluate(rule(amber_below=90, red_below=80), {"wb.m": 95})["reason"] == "M 95, not below 90"
        assert rag.evaluate(rule(red_above=5), {"wb.m": 1})["reason"] == "M 1, not above 5"

    def test_invalid_rules(self):
        with pytest.raises(ValidationError):
            rule(amber_below=90, red_above=5)  # both directions
        with pytest.raises(ValidationError):
            rule(amber_below=80, red_below=90)  # red above amber for a lower-is-worse metric
        with pytest.raises(ValidationError):
            rule(metric="no_dot")


class TestOverall:
    def results(self, rags):
        return pd.DataFrame(
            {
                "workstream": ["A", "A", "B"],
                "dimension": ["schedule", "scope", "schedule"],
                "metric": ["x.a", "x.b", "y.c"],
                "value": ["1", "2", "3"],
                "rag": rags,
                "reason": ["ra", "rb", "rc"],
            }
        )

    def test_worst_wins_and_grey_is_ignored(self):
        out = rag.overall(self.results(["green", "amber", "grey"]))
        assert out["rag"] == "amber" and not out["overridden"]
        assert out["rule"] == "A (scope): rb; 1 rule had no data"

    def test_all_grey(self):
        assert rag.overall(self.results(["grey"] * 3))["rag"] == "grey"

    def test_override_is_shown_as_such(self):
        override = rag.RagOverride(rag="amber", reason="Supplier confirmed delivery on Monday")
        out = rag.overall(self.results(["red", "green", "green"]), override)
        assert out == {
            "rag": "amber",
            "computed": "red",
            "overridden": True,
            "rule": "override by the PMO (rules gave RED): Supplier confirmed delivery on Monday",
        }

    def test_override_needs_a_reason(self):
        with pytest.raises(ValidationError):
            rag.RagOverride(rag="green", reason="")

    def test_dashboard_worst_per_cell(self):
        res = self.results(["green", "amber", "red"])
        res.loc[1, "dimension"] = "schedule"  # A schedule now has green and amber -> amber
        grid = rag.dashboard(res)
        assert grid.loc["A", "schedule"] == "amber" and grid.loc["B", "schedule"] == "red"
        assert grid.loc["A", "people"] == ""  # no rule


class TestRecordedColour:
    """A rule without thresholds shows the colour the workbook recorded: one colour per figure."""

    def test_recorded_colour_wins_over_any_threshold_the_deck_used_to_apply(self):
        # 55 % favourability: the deck's old rule said RED (< 60), the survey's bands say AMBER; the deck shows AMBER.
        out = rag.evaluate(
            rule(metric="survey_analysis.favourability_pct"),
            {
                "survey_analysis.favourability_pct": 55.0,
                "survey_analysis.favourability_pct_rag": "amber",
            },
        )
        assert (out["rag"], out["reason"]) == ("amber", "Favourability 55.0% (AMBER in the survey analysis)")

    def test_verdict_reads_verdict_rag(self):
        values = {"rollout_plan.verdict": "Late by 42 days.", "rollout_plan.verdict_rag": "red"}
        out = rag.evaluate(rule(metric="rollout_plan.verdict"), values)
        assert (out["rag"], out["reason"]) == ("red", "verdict of the rollout plan: RED")

    def test_no_colour_recorded_is_grey_with_the_reason(self):
        out = rag.evaluate(rule(metric="compliance_report.sla_breaches"), {"compliance_report.sla_breaches": 3})
        assert (out["rag"], out["reason"]) == ("grey", "the compliance report recorded no colour for SLA breaches")

    def test_recorded_grey_and_done(self):
        values = {"w.a_rag": "grey", "w.b": 0, "w.b_rag": "done"}
        assert rag.evaluate(rule(metric="w.a"), values)["reason"] == "A: no data in the w"
        assert rag.evaluate(rule(metric="w.b"), values)["rag"] == "done"

    def test_missing_run_gives_its_reason(self):
        out = rag.evaluate(rule(metric="survey_analysis.enps"), {}, {"survey_analysis": "no run of survey_analysis: x"})
        assert (out["rag"], out["reason"]) == ("grey", "no run of survey_analysis: x")

    def test_explicit_thresholds_are_the_pmo_choice(self):
        # With thresholds the rule is evaluated as written, whatever colour the workbook recorded.
        values = {"survey_analysis.favourability_pct": 55.0, "survey_analysis.favourability_pct_rag": "amber"}
        r = rule(metric="survey_analysis.favourability_pct", amber_below=70, red_below=60)
        assert rag.evaluate(r, values)["rag"] == "red"


class TestDone:
    def results(self, rags):
        n = len(rags)
        return pd.DataFrame(
            {
                "workstream": ["A"] * n,
                "dimension": ["schedule"] * n,
                "metric": [f"x.m{i}" for i in range(n)],
                "value": ["1"] * n,
                "rag": rags,
                "reason": ["r"] * n,
            }
        )

    def test_done_ranks_like_green(self):
        assert rag.dashboard(self.results(["done", "green"])).loc["A", "schedule"] == "green"
        assert rag.dashboard(self.results(["done", "amber"])).loc["A", "schedule"] == "amber"
        assert rag.overall(self.results(["done", "green", "grey"]))["rag"] == "green"

    def test_all_done_is_done(self):
        out = rag.overall(self.results(["done", "done", "grey"]))
        assert out["rag"] == "done" and out["rule"] == "every rule with data is done (2 rules); 1 rule had no data"


def test_default_rules_are_the_deck_rules_handed_in_then_the_pmo_rules():
    from pmokit import workbooks as registry

    handed = registry.deck_rules()
    rules = rag.default_rules(handed)
    assert [r.metric for r in rules] == [r["metric"] for r in handed] + [
        "status.milestones_slipped",
        "status.decisions_needed",
        "status.overdue_actions",
    ]
    # One colour per figure: no built-in rule carries thresholds of its own.
    assert not any(rag.has_thresholds(r) for r in rules)
    assert {r.metric.split(".")[0] for r in rules} >= {
        "compliance_report",
        "survey_analysis",
        "delivery_kpis",
        "status",
    }


def test_metric_values_flatten():
    class Run:
        metrics = {"wip": 4}

    assert rag.metric_values({"delivery_kpis": Run()}, {"open_risks": 2}) == {
        "delivery_kpis.wip": 4,
        "status.open_risks": 2,
    }
