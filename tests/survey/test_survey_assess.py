"""survey/assess.py on tiny hand-made surveys: metrics worked out by hand, one colour per rated figure
(band sweep across every threshold of the deck's two metrics), grey with a reason when not measurable,
and small groups hidden in everything the result holds."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pmokit import workbooks
from pmokit.bands import rag_metrics
from pmokit.sources.survey_definition import parse_definition
from pmokit.sources.surveys import SurveyResponses
from pmokit.survey import assess
from pmokit.survey.params import SurveyAnalysisParams

SCALE = ["SD", "D", "N", "A", "SA"]  # favourable = A, SA (positions 4, 5); unfavourable = SD, D (1, 2)


def params(**changes) -> SurveyAnalysisParams:
    return SurveyAnalysisParams.model_construct(**{"responses_path": "x.csv", **changes})


def survey(likert: dict, groups: dict, nps=None, comments=None, outcome: str | None = "b"):
    """A definition and canonical responses built by hand (what read_survey would return)."""
    items = list(likert)
    definition = parse_definition(
        {
            "scale": SCALE,
            "favourable_top": 2,
            "items": items,
            "outcome": outcome,
            "groups": {name: name for name in groups},
            "nps": "nps" if nps is not None else None,
            "comments": {"Improve": "improve"},
            "comment_themes": {"VPN": ["vpn"]},
        }
    )
    frame = pd.DataFrame(likert, dtype="Int8")
    responses = SurveyResponses(
        likert=frame,
        not_applicable=pd.Series(0, index=items),
        items=pd.DataFrame({"label": items, "theme": "", "column": items, "question": items}),
        nps=pd.Series(nps, dtype="Float64") if nps is not None else None,
        groups=pd.DataFrame(groups, index=frame.index),
        comments=comments
        if comments is not None
        else pd.DataFrame({"respondent": pd.Series(dtype="int64"), "question": [], "text": []}),
        layout="plain",
        file="hand.csv",
        scale=SCALE,
    )
    return definition, responses


# Two teams of 6. Item a: A answers 5,5,4,4,2,1 (4 favourable), B 4,3,3,2,1,1 (1 favourable).
# Item b: A 5,4,4,3,2,2 (3 favourable), B 5,5,4,4,4,1 (5 favourable).
LIKERT = {"a": [5, 5, 4, 4, 2, 1, 4, 3, 3, 2, 1, 1], "b": [5, 4, 4, 3, 2, 2, 5, 5, 4, 4, 4, 1]}
TEAMS = {"Team": ["A"] * 6 + ["B"] * 6}
NPS = [10, 9, 9, 8, 7, 6, 10, 10, 3, 2, 0, 9]
POPULATION = pd.DataFrame({"value": ["A", "B"], "headcount": [10, 20]})
COMMENTS = pd.DataFrame(
    {
        "respondent": [0, 7],
        "question": "Improve",
        "text": ["VPN slow, mail jo@example.org", "=HYPERLINK(1)"],
    }
)


@pytest.fixture(scope="module")
def result():
    definition, current = survey(LIKERT, TEAMS, nps=NPS, comments=COMMENTS)
    return assess.assess(
        definition, current, params(min_comment_group_size=6), population=POPULATION, rate_group="Team"
    )


class TestMetricsByHand:
    def test_favourability_and_its_colour(self, result):
        # 4 + 1 + 3 + 5 = 13 favourable of 24 valid answers = 54.17% -> 54.2, amber (50 to below 70)
        assert result.metrics["favourability_pct"] == 54.2
        assert result.ratings["favourability_pct"].rag == "amber"
        assert result.rating.rag == "amber"  # the verdict takes favourability's colour
        assert result.recorded_metrics()["favourability_pct_rag"] == "amber"

    def test_response_rates_overall_and_per_group(self, result):
        # 12 responses of 10 + 20 people = 40.0%: not below 40 -> amber (below the 60% parameter)
        assert result.metrics["response_rate_pct"] == 40.0
        assert result.ratings["response_rate_pct"].rag == "amber"
        rates = result.rates.set_index("group")
        # A 6 / 10 = 60% (at the threshold: green), B 6 / 20 = 30% (below 40: red, flagged low)
        assert rates["response_rate_pct"].to_dict() == {"A": 60.0, "B": 30.0}
        assert rates["rag"].to_dict() == {"A": "green", "B": "red"}
        assert rates["status"].to_dict() == {"A": "ok", "B": "low"}
        assert result.metrics["groups_below_response_threshold"] == 1

    def test_enps(self, result):
        # promoters (9-10): 10, 9, 9, 10, 10, 9 = 6; detractors (0-6): 6, 3, 2, 0 = 4; (6 - 4) / 12 = +16.7
        assert result.metrics["enps"] == 16.7
        assert result.metrics["promoters_pct"] == 50.0 and result.metrics["detractors_pct"] == 33.3
        assert result.metrics["enps_answers"] == 12

    def test_items_and_extremes(self, result):
        # a: 5 of 12 = 41.7% (lowest), b: 8 of 12 = 66.7% (highest)
        assert result.metrics["lowest_item"] == "a" and result.metrics["lowest_item_favourable_pct"] == 41.7
        assert result.metrics["highest_item"] == "b"
        assert result.metrics["items"] == 2

    def test_comments_counted_redacted_and_neutralised_later(self, result):
        # both teams have 6 >= min_comment_group_size 6: both comments shown, the e-mail removed
        assert result.metrics["comments"] == 2 and result.metrics["comments_shown"] == 2
        assert result.metrics["comments_withheld"] == 0
        assert result.comments["text"].tolist() == ["VPN slow, mail [e-mail removed]", "=HYPERLINK(1)"]
        assert result.comment_themes.set_index("Theme").loc["VPN", "Comments"] == 1
        assert result.comments_csv is None  # 2 comments fit comments.xlsx

    def test_no_previous_wave(self, result):
        assert result.waves is None and result.metrics["significant_wave_changes"] is None

    def test_tiles(self, result):
        tiles = {t.label: t for t in result.tiles}
        assert tiles["Response rate"].value == "40%" and tiles["Response rate"].rag.rag == "amber"
        assert tiles["Favourable"].value == "54%" and tiles["Favourable"].rag.rag == "amber"
        assert tiles["eNPS"].value == "+17"
        assert tiles["Responses"].value == "12"

    def test_notes_state_each_threshold_once(self, result):
        assert result.notes["Colour of Favourability"] == (
            "Favourability: green at 70% or more, amber from 50% to below 70%, red below 50%."
        )
        assert result.notes["Colour of Response rate"] == (
            "Response rate: green at 60% or more, amber from 40% to below 60%, red below 40%."
        )
        others = [text for key, text in result.notes.items() if not key.startswith("Colour of")]
        assert not any("70%" in text or "40%" in text for text in others)

    def test_no_missing_value_is_text(self, result):
        for name, value in result.recorded_metrics().items():
            assert not (isinstance(value, float) and math.isnan(value)), name
            assert value not in ("nan", "None", "NaT", "not computed"), name


class TestNotMeasurable:
    def test_no_headcount_file_is_grey_with_the_reason(self):
        definition, current = survey(LIKERT, TEAMS)
        result = assess.assess(definition, current, params())
        assert result.metrics["response_rate_pct"] is None
        rating = result.ratings["response_rate_pct"]
        assert rating.rag == "grey" and rating.reason == "Response rate: no headcount file given"
        tile = next(t for t in result.tiles if t.label == "Response rate")
        assert tile.value == "—" and tile.rag.rag == "grey"
        assert result.rates is None and result.metrics["groups_below_response_threshold"] is None
        assert result.recorded_metrics()["response_rate_pct_rag"] == "grey"

    def test_no_nps_question(self):
        definition, current = survey(LIKERT, TEAMS)
        result = assess.assess(definition, current, params())
        assert result.enps is None and result.metrics["enps"] is None
        assert "eNPS" not in {t.label for t in result.tiles}

    def test_too_few_responses_is_refused(self):
        from pmokit.errors import InputError

        definition, current = survey({"a": [5, 4, 3], "b": [1, 2, 3]}, {"Team": ["A"] * 3})
        with pytest.raises(InputError, match="min_group_size = 5"):
            assess.assess(definition, current, params())


class TestSmallGroupsHiddenEverywhere:
    @pytest.fixture(scope="class")
    @classmethod
    def hidden(cls):
        # Team C has 3 people: hidden, and, as the only hidden group, B (6, next smallest) with it;
        # A (8) and D (7) stay shown
        likert = {"a": LIKERT["a"] + [5, 5, 5] + [4] * 9, "b": LIKERT["b"] + [1, 1, 1] + [4] * 9}
        teams = {"Team": ["A"] * 6 + ["B"] * 6 + ["C"] * 3 + ["D"] * 7 + ["A"] * 2}
        comments = pd.DataFrame({"respondent": [0, 12], "question": "Improve", "text": ["fine", "only three of us"]})
        definition, current = survey(likert, teams, nps=NPS + [10, 10, 10] + [9] * 9, comments=comments)
        population = pd.DataFrame({"value": ["A", "B", "C", "D"], "headcount": [12, 20, 3, 7]})
        return assess.assess(definition, current, params(), population=population, rate_group="Team")

    def test_group_tables_blank(self, hidden):
        assert hidden.metrics["groups_hidden"] == 2
        pct = hidden.breakdowns["Team"].pct
        assert pct.loc[["B", "C"]].isna().all().all() and pct.loc[["A", "D"]].notna().all().all()
        sheet = hidden.excel_sheets["Favourable by Team"].set_index("Team")
        assert sheet.loc[["B", "C"]].isna().all().all()
        assert not {"B", "C"} & set(hidden.group_tests["Team"]["group"])
        assert not {"B", "C"} & set(hidden.significant["Group"])
        enps = hidden.enps_groups.set_index("group")
        assert enps.loc[["B", "C"], "enps"].isna().all()
        ((heatmap, _title),) = hidden.heatmaps.values()
        assert heatmap.loc[["B", "C"]].isna().all().all()

    def test_response_rates_hidden_and_not_rated(self, hidden):
        rates = hidden.rates.set_index("group")
        assert rates.loc[["B", "C"], "response_rate_pct"].isna().all()
        assert rates.loc[["B", "C"], "rag"].tolist() == ["grey", "grey"]
        assert rates.loc[["B", "C"], "status"].tolist() == ["hidden", "hidden"]

    def test_comments_of_small_groups_withheld(self, hidden):
        # min_comment_group_size 10: no team reaches it, so no comment is shown
        assert hidden.metrics["comments_withheld"] == 2 and hidden.comments.empty
        assert "only three of us" not in hidden.comment_examples.to_string()


# ----------------------------------------------------------------------------- band sweep
def favourability_survey(favourable: int, n: int = 2000):
    """``n`` respondents answering items a and b: ``favourable`` of the 2 n answers are favourable
    (a first, then b), every other answer of a is unfavourable and of b neutral.

    Favourability = favourable / (2 n) x 100, so n = 2000 steps it by 0.025 points.
    """
    in_a = min(favourable, n)
    a = [5] * in_a + [1] * (n - in_a)
    b = [4] * (favourable - in_a) + [3] * (n - (favourable - in_a))
    return survey({"a": a, "b": b}, {"Team": ["A"] * n})


@pytest.mark.parametrize(
    "favourable, value",
    [(1996, 49.9), (2000, 50.0), (2004, 50.1), (2796, 69.9), (2800, 70.0), (2804, 70.1)],
)
def test_favourability_sweep_tile_verdict_and_deck_agree_with_the_band(favourable, value):
    definition, current = favourability_survey(favourable)
    p = params()
    result = assess.assess(definition, current, p)
    band = workbooks.get("survey_analysis").band_function()(p)["favourability_pct"]
    assert result.metrics["favourability_pct"] == value
    expected = band.rate(value).rag
    tile = next(t for t in result.tiles if t.label == "Favourable")
    recorded = result.recorded_metrics()
    assert tile.rag.rag == result.ratings["favourability_pct"].rag == expected
    assert recorded["favourability_pct_rag"] == recorded["verdict_rag"] == expected  # what the deck shows
    assert expected == ("red" if value < 50 else "amber" if value < 70 else "green")


@pytest.mark.parametrize(
    "headcount, value",
    # 1000 responses: 1000 / 2507 = 39.9%, / 2500 = 40.0%, / 2494 = 40.1%, / 1669 = 59.9%, / 1667 = 60.0%,
    # / 1664 = 60.1%; the recorded (rounded) value is the one rated
    [(2507, 39.9), (2500, 40.0), (2494, 40.1), (1669, 59.9), (1667, 60.0), (1664, 60.1), (None, None)],
)
def test_response_rate_sweep_tile_and_deck_agree_with_the_band(headcount, value):
    definition, current = survey({"a": [5, 1] * 500, "b": [3] * 1000}, {"Team": ["A"] * 1000})
    population = pd.DataFrame({"value": ["A"], "headcount": [headcount]}) if headcount else None
    p = params()
    result = assess.assess(definition, current, p, population=population, rate_group="Team" if headcount else None)
    band = assess.bands(p)["response_rate_pct"]
    assert result.metrics["response_rate_pct"] == value
    expected = band.rate(value).rag
    tile = next(t for t in result.tiles if t.label == "Response rate")
    assert tile.rag.rag == result.recorded_metrics()["response_rate_pct_rag"] == expected
    assert expected == ("grey" if value is None else "red" if value < 40 else "amber" if value < 60 else "green")
    if headcount:  # the group bar takes the same colour as the overall figure for the same rate
        assert result.rates["rag"].iloc[0] == band.rate(result.rates["response_rate_pct"].iloc[0]).rag


@pytest.mark.parametrize("threshold", [30.0, 60.0, 80.0])
def test_response_rate_threshold_parameter_moves_the_amber_line(threshold):
    band = assess.bands(params(response_rate_threshold_pct=threshold))["response_rate_pct"]
    assert band.amber == threshold and band.red == min(40.0, threshold)
    assert band.rate(threshold).rag == "green" and band.rate(threshold - 0.1).rag in ("amber", "red")


def test_registry_deck_rules_name_rated_metrics():
    wb = workbooks.get("survey_analysis")
    assert wb.band_function() is assess.bands
    rated = set(wb.default_bands())
    assert {rule.metric for rule in wb.deck} <= rated | {"verdict"}
    assert set(rag_metrics({m: assess.bands(params())[m].rate(None) for m in rated})) == {
        "favourability_pct_rag",
        "response_rate_pct_rag",
    }


def test_survey_without_groups():
    definition, current = survey(LIKERT, {})
    result = assess.assess(definition, current, params())
    assert result.breakdowns == {} and result.heatmaps == {} and result.enps_groups is None
    assert result.significant.empty and result.group_test_counts.empty
    # no grouping column: the count of group differences is not measured (null, "—"), not a confident 0
    assert result.metrics["groups_hidden"] == 0 and result.metrics["significant_group_differences"] is None
    tile = next(t for t in result.tiles if t.label == "Real group differences")
    assert (tile.value, tile.note) == ("—", "no grouping column")
    assert result.reasons["groups"] == "the survey definition names no grouping column"
    assert result.text["significant"] == "The survey definition names no grouping column: no group is compared."
    assert "group result" not in result.verdict
    assert list(result.significant.columns)[0] == "Grouping"


def test_comments_beyond_the_excel_limit_go_to_csv_too(monkeypatch):
    from pmokit.survey import summary

    monkeypatch.setattr(summary, "COMMENTS_XLSX_MAX", 1)
    definition, current = survey(LIKERT, TEAMS, comments=COMMENTS)
    result = assess.assess(definition, current, params(min_comment_group_size=6))
    # 2 shown comments, 1 fits comments.xlsx: every shown (redacted) comment goes to comments.csv
    assert len(result.comments_sheet) == 1
    assert result.comments_csv["text"].tolist() == ["VPN slow, mail [e-mail removed]", "=HYPERLINK(1)"]
    assert result.text["downloads"].startswith("comments.xlsx holds the first 1 of 2 shown comments")
