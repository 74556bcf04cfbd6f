"""Survey readers: one hand-made file per layout, the real Qualtrics/Likert samples, and bad inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources.survey_definition import parse_definition
from pmokit.sources.surveys import read_definition, read_export, read_population, read_survey

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "survey"
AGREE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]


def _codes(series: pd.Series) -> list:
    return [None if pd.isna(v) else int(v) for v in series]


def write_msforms(path: Path, rows: list[list]) -> Path:
    """A Microsoft Forms 'Open in Excel' workbook with real datetimes, as Forms writes it."""
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Last modified time",
            "Department",
            "The tools work",
            "I get help quickly",
            "Recommend? (0-10)",
            "Comments",
        ]
    )
    for number, row in enumerate(rows, start=1):
        when = dt.datetime(2026, 11, 2, 9, number)
        ws.append([number, when, when, f"person{number}@contoso.example", f"Person {number}", when, *row])
    wb.save(path)
    return path


class TestMicrosoftForms:
    DEF = {
        "scale": AGREE,
        "items": [{"column": "The tools work", "label": "Tools"}, {"column": "I get help quickly", "label": "Help"}],
        "nps": "Recommend? (0-10)",
        "groups": ["Department"],
        "comments": {"Comments": "Comments"},
    }

    def test_layout_items_nps_groups(self, tmp_path):
        path = write_msforms(
            tmp_path / "forms.xlsx",
            [
                ["Ops", "Agree", "Strongly agree", 9, "Fine"],
                ["Ops", "Disagree", "Not applicable", 6, None],
                ["Dev", "strongly agree ", None, 10, "ok"],
            ],
        )
        dq = DataQuality()
        s = read_survey(path, parse_definition(self.DEF), dq=dq)
        assert s.layout == "msforms"
        assert s.responses == 3
        # Agree = 4th point, Disagree 2nd, 'strongly agree ' (case, space) = 5th
        assert _codes(s.likert["Tools"]) == [4, 2, 5]
        assert _codes(s.likert["Help"]) == [5, None, None]
        assert s.not_applicable["Help"] == 1
        assert s.nps.tolist() == [9.0, 6.0, 10.0]
        assert s.groups["Department"].tolist() == ["Ops", "Ops", "Dev"]
        assert s.comments["text"].tolist() == ["Fine", "ok"]
        assert dq.frame()["rows"].tolist() == [1]  # the one not-applicable answer

    def test_names_and_emails_never_reach_the_canonical_frames(self, tmp_path):
        path = write_msforms(tmp_path / "forms.xlsx", [["Ops", "Agree", "Agree", 9, "x"]] * 3)
        s = read_survey(path, parse_definition(self.DEF))
        everything = pd.concat([s.likert.astype(str), s.groups, s.comments.astype(str)], axis=1).to_csv()
        assert "contoso" not in everything and "Person 1" not in everything

    def test_email_as_group_is_refused(self, tmp_path):
        path = write_msforms(tmp_path / "forms.xlsx", [["Ops", "Agree", "Agree", 9, "x"]])
        with pytest.raises(InputError, match="does not identify respondents"):
            read_survey(path, parse_definition({**self.DEF, "groups": ["Email"]}))


class TestGoogleForms:
    def test_grid_columns_by_pattern_bom_and_labels(self):
        d = parse_definition(
            {
                "scale": AGREE,
                "items": [{"pattern": r"How satisfied are you\? \[", "theme": "Sat"}],
                "nps": "How likely are you to recommend us?",
                "groups": ["Team"],
                "comments": ["Anything else?"],
            }
        )
        s = read_survey(FIX / "googleforms.csv", d)
        assert s.layout == "googleforms"
        assert list(s.likert.columns) == ["Tools", "Support"]  # the grid rows become the labels
        assert _codes(s.likert["Tools"]) == [4, 2, 5, 3]
        assert _codes(s.likert["Support"]) == [5, None, 4, None]
        assert s.not_applicable["Support"] == 1
        assert s.items["theme"].tolist() == ["Sat", "Sat"]
        assert s.comments["text"].tolist() == ["Great, thanks", "Call 0161 496 0000"]


class TestQualtricsCurrent:
    DEF = {
        "scale": ["1", "2", "3", "4", "5"],
        "items": [{"pattern": "^Q2_"}],
        "nps": "Q3",
        "groups": {"Site": "Which site?"},
        "comments": {"Comments": "Q4"},
    }

    def test_three_header_rows_and_unfinished_excluded(self):
        dq = DataQuality()
        s = read_survey(FIX / "qualtrics_current.csv", parse_definition(self.DEF), dq=dq)
        assert s.layout == "qualtrics"
        assert s.excluded_incomplete == 1  # R_2bbb has Finished = False
        assert s.responses == 3
        assert list(s.likert.columns) == ["The tools work", "I get help quickly"]
        # -99 is Qualtrics' "seen but unanswered": a blank, not an answer and not an error
        assert _codes(s.likert["I get help quickly"]) == [5, 2, None]
        assert s.nps.tolist() == [10.0, 3.0, 8.0]
        assert s.groups["Site"].tolist() == ["North", "South", "South"]
        assert "incomplete" in dq.frame()["problem"].iloc[0]


class TestQualtricsInsights:
    """2016 'Insights' layout: export tags, question text, then ``{'ImportId': ...}`` (Python-dict style)."""

    DEF = {
        "scale": ["1", "2", "3", "4", "5"],
        "items": [{"pattern": "^Q2_"}],
        "nps": "Q3",
        "groups": {"Site": "Which site?"},
        "comments": {"Comments": "Any comments?"},
    }

    def test_layout_unfinished_items_and_nps(self):
        dq = DataQuality()
        s = read_survey(FIX / "qualtrics_insights.csv", parse_definition(self.DEF), dq=dq)
        assert s.layout == "qualtrics_insights"
        assert s.excluded_incomplete == 1  # R_2ins has Finished = 0
        assert s.responses == 3  # R_1ins, R_3ins, R_4ins
        # grid statements after the '-' become the labels, in column order
        assert list(s.likert.columns) == ["The tools work", "I get help quickly"]
        assert _codes(s.likert["The tools work"]) == [4, 2, 5]
        assert _codes(s.likert["I get help quickly"]) == [5, None, 3]  # -99 (seen, unanswered) is a blank
        assert s.nps.tolist() == [9.0, 6.0, 10.0]
        assert s.groups["Site"].tolist() == ["North", "South", "South"]
        assert s.comments["text"].tolist() == ["Works well", "Faster laptops please"]
        assert dq.frame()["rows"].tolist() == [1]  # the one incomplete response

    def test_import_id_row_is_not_a_response(self):
        e = read_export(FIX / "qualtrics_insights.csv")
        assert e.frame["ResponseID"].tolist() == ["R_1ins", "R_3ins", "R_4ins"]
        assert e.questions["Q4_TEXT"] == "Any comments?"


class TestQualtricsLegacy:
    """Legacy layout: BOM, ``V1..V10`` + question tags, then a second row of question text."""

    DEF = {
        "scale": AGREE,
        "not_applicable": ["Not applicable"],
        "items": [{"pattern": "^Rate the rollout"}],
        "nps": "How likely are you to recommend the new system? (0-10)",
        "groups": {"Department": "What is your department?"},
        "comments": {"Better": "Q4"},
    }

    def test_layout_unfinished_items_and_nps(self):
        s = read_survey(FIX / "qualtrics_legacy.csv", parse_definition(self.DEF))
        assert s.layout == "qualtrics_legacy"
        assert s.excluded_incomplete == 1  # R_bleg has Finished = 0
        assert s.responses == 4  # R_aleg, R_cleg, R_dleg, R_eleg
        assert list(s.likert.columns) == ["Training was useful", "Support was quick"]
        # Agree 4, Strongly disagree 1, Neutral 3, Strongly agree 5
        assert _codes(s.likert["Training was useful"]) == [4, 1, 3, 5]
        # Strongly agree 5, Not applicable (no scale point), Agree 4, Disagree 2
        assert _codes(s.likert["Support was quick"]) == [5, None, 4, 2]
        assert s.not_applicable["Support was quick"] == 1
        assert s.nps.tolist() == [8.0, 0.0, 10.0, pd.NA]  # R_eleg left the NPS blank
        assert s.groups["Department"].tolist() == ["Finance", "IT", "IT", "Finance"]
        assert s.comments["text"].tolist() == ["More notice", "Nobody told us"]

    def test_v_columns_renamed_and_identity_kept_out(self):
        e = read_export(FIX / "qualtrics_legacy.csv")
        assert list(e.frame.columns[:3]) == ["ResponseID", "ResponseSet", "Name"]  # BOM stripped from V1
        assert e.frame["Finished"].tolist() == ["1", "1", "1", "1"]
        s = read_survey(FIX / "qualtrics_legacy.csv", parse_definition(self.DEF))
        everything = pd.concat([s.likert.astype(str), s.groups, s.comments.astype(str)], axis=1).to_csv()
        assert "ann.person" not in everything and "Ann Person" not in everything


class TestSurveyMonkey:
    def test_expanded_two_row_header(self):
        d = parse_definition(
            {
                "scale": AGREE,
                "items": [{"pattern": "^Please rate the following"}],
                "nps": "How likely is it that you would recommend the change to a colleague?",
                "groups": {"Department": "What is your department?"},
                "comments": {"Better": "What could be better?"},
            }
        )
        s = read_survey(FIX / "surveymonkey.csv", d)
        assert s.layout == "surveymonkey"
        assert list(s.likert.columns) == ["Training", "Support", "Communication"]
        assert _codes(s.likert["Training"]) == [4, 2, 1]
        assert _codes(s.likert["Communication"]) == [3, 4, 2]
        assert s.groups["Department"].tolist() == ["Finance", "IT", "IT"]
        assert s.comments["text"].tolist() == ["More notice", "Nobody told us"]

    def test_expanded_xlsx_gives_the_same_answers(self, tmp_path):
        import csv

        wb = Workbook()
        for row in csv.reader(open(FIX / "surveymonkey.csv", encoding="utf-8")):
            wb.active.append([cell or None for cell in row])  # Excel stores the blank header cells as empty
        wb.save(tmp_path / "monkey.xlsx")
        d = parse_definition({"scale": AGREE, "items": [{"pattern": "^Please rate the following"}]})
        from_xlsx = read_survey(tmp_path / "monkey.xlsx", d)
        from_csv = read_survey(FIX / "surveymonkey.csv", d)
        assert from_xlsx.layout == "surveymonkey"
        pd.testing.assert_frame_equal(from_xlsx.likert, from_csv.likert)


class TestPlain:
    def test_numeric_codes_and_a_blank(self):
        d = parse_definition({"scale": [1, 2, 3, 4, 5], "items": ["q1", "q2", "q3"], "nps": "nps", "groups": ["team"]})
        s = read_survey(FIX / "plain.csv", d)
        assert s.layout == "plain"
        assert _codes(s.likert["q3"]) == [3, 5, None, 3]
        assert s.nps.tolist() == [10.0, 9.0, 0.0, 7.0]

    def test_forced_layout_must_be_known(self):
        with pytest.raises(InputError, match="format"):
            read_export(FIX / "plain.csv", "excel2003")


class TestRealSamples:
    def test_qualtrics_insights(self, shared_samples):
        e = read_export(shared_samples / "qualtrics_insights_export.csv")
        assert e.layout == "qualtrics_insights"
        assert len(e.frame) == 10  # 13 lines - 3 header rows, every response Finished = 1
        assert e.excluded_incomplete == 0
        assert e.questions["q2_favorite"] == "Please select your favorite fruit from the following options"

    def test_qualtrics_legacy_no_basis_is_not_a_scale_point(self, shared_samples):
        e = read_export(shared_samples / "qualtrics_legacy_export.csv")
        assert e.layout == "qualtrics_legacy"
        assert len(e.frame) == 15
        # V1..V10 are renamed from the second header row; the Q tags stay as keys
        assert list(e.frame.columns[:3]) == ["ResponseID", "ResponseSet", "Name"]
        assert e.questions["Q2_4"].endswith("No basis for evaluation")
        d = parse_definition(
            {
                "scale": ["1", "2", "3"],
                "favourable_top": 1,
                "not_applicable": ["-1"],
                "items": [{"column": "Q1", "label": "Squash"}],
            }
        )
        s = read_survey(shared_samples / "qualtrics_legacy_export.csv", d)
        raw = e.frame["Q1"]
        assert s.not_applicable["Squash"] == int((raw == "-1").sum()) > 0
        assert int(s.likert["Squash"].notna().sum()) == int(raw.isin(["1", "2", "3"]).sum())

    def test_course_evaluation_likert(self, shared_samples):
        d = parse_definition({"scale": [1, 2, 3, 4, 5], "items": [{"pattern": "^instructor "}], "groups": ["instcode"]})
        s = read_survey(shared_samples / "course_evaluation_likert.csv", d)
        assert s.layout == "plain" and s.responses == 5820
        # 14 headers start with 'instructor ' in any case (Instructor knowledge/prep/plan + 11 lower-case);
        # the misspelt 'isntructor treatment' is, rightly, not matched.
        assert s.likert.shape[1] == 14
        assert "isntructor treatment" not in s.likert.columns
        assert s.groups["instcode"].nunique() == 3


class TestBadInputs:
    def test_item_column_missing(self):
        d = parse_definition({"scale": [1, 2, 3, 4, 5], "items": ["q1", "q9"]})
        with pytest.raises(InputError) as err:
            read_survey(FIX / "plain.csv", d)
        assert "plain.csv" in str(err.value) and "q9" in str(err.value) and "'q1'" in str(err.value)

    def test_labels_outside_the_scale(self):
        d = parse_definition(
            {
                "scale": ["Strongly disagree", "Disagree", "Agree", "Strongly agree"],
                "items": [{"pattern": r"How satisfied are you\? \["}],
            }
        )
        with pytest.raises(InputError, match="'Neutral' in 1 row"):
            read_survey(FIX / "googleforms.csv", d)

    def test_empty_export(self, tmp_path):
        path = tmp_path / "empty.csv"
        path.write_text("Timestamp,Email address,Q1\n", encoding="utf-8")
        with pytest.raises(InputError, match="at least one complete response"):
            read_export(path)

    def test_nps_outside_0_10(self, tmp_path):
        path = tmp_path / "n.csv"
        path.write_text("q1,nps\n1,11\n2,5\n", encoding="utf-8")
        d = parse_definition({"scale": [1, 2, 3], "favourable_top": 1, "items": ["q1"], "nps": "nps"})
        with pytest.raises(InputError, match="0 to 10"):
            read_survey(path, d)

    def test_bad_definition(self):
        with pytest.raises(InputError, match="scale"):
            parse_definition({"scale": ["Yes", "No"], "items": ["q1"]})
        with pytest.raises(InputError, match="unknown key"):
            parse_definition({"scale": [1, 2, 3], "items": ["q1"], "itmes": []})
        with pytest.raises(InputError, match="unique item labels"):
            parse_definition({"scale": [1, 2, 3], "favourable_top": 1, "items": ["q1", "q1"]})

    def test_definition_yaml_and_population(self, tmp_path):
        (tmp_path / "s.yaml").write_text("scale: [1, 2, 3]\nfavourable_top: 1\nitems: [q1]\ngroups: [team]\n")
        d = read_definition(tmp_path / "s.yaml")
        assert d.groups == {"team": "team"}
        (tmp_path / "pop.csv").write_text('Team,Headcount\nA,10\nB,"1,200"\n')
        group, pop = read_population(tmp_path / "pop.csv", ["team"])
        assert group == "team" and pop["headcount"].tolist() == [10, 1200]
        (tmp_path / "bad.csv").write_text("Team,Headcount\nA,ten\n")
        with pytest.raises(InputError, match="whole number"):
            read_population(tmp_path / "bad.csv", ["team"])
