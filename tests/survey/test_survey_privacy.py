"""Issue 15, privacy of survey_analysis: "a small group shows no figure anywhere", tested by an attacker.

The attacker (:func:`attack`) takes every number the report publishes - the sheets of ``results.xlsx``,
``metrics.json`` and the response-rate table - and subtracts: the total minus every group shown in any
table, per breakdown, per item and for the eNPS. It records every hidden set it can pin down that holds
fewer than ``min_group_size`` people, or that is a single group. The tests assert it pins down nothing.
One hand-made survey holds the three shapes the issue found (one small group, two small groups 1 + 2,
a tie for smallest with the headcount file in another order); comments have their own case.

Also here: redaction of disguised e-mails and respondent names, personal data typed as a group, the
length cap, linear-time matching, duplicate responses and an item nobody answered.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmokit.quality import DataQuality
from pmokit.sources import surveys
from pmokit.sources.survey_definition import parse_definition
from pmokit.sources.surveys import SurveyResponses, read_survey
from pmokit.survey import anonymity, assess
from pmokit.survey.params import SurveyAnalysisParams

AGREE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
MIN = 5


def params(**values) -> SurveyAnalysisParams:
    return SurveyAnalysisParams.model_construct(**{"responses_path": "x.csv", "min_group_size": MIN, **values})


# ============================================================================ the attacker
def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def attack(published: dict, min_size: int) -> list[str]:
    """Every hidden set the published numbers pin down that is smaller than ``min_size`` or one group.

    ``published`` holds ``metrics`` (metrics.json), ``sheets`` (results.xlsx, sheet -> frame) and
    ``rates`` (the response-rate table as shown, or None). Returns one line per leak found.
    """
    metrics, sheets, leaks = published["metrics"], published["sheets"], []
    items = sheets["Items"].set_index("item")
    for name in [s.removeprefix("Favourable by ") for s in sheets if s.startswith("Favourable by ")]:
        table = sheets[f"Favourable by {name}"].set_index(name)
        tests = sheets[f"Tests by {name}"]
        # group sizes: any table that shows one (the breakdown's sheet, the response-rate table)
        sizes = {g: n for g, n in table["respondents"].items() if _known(n)}
        rates = published.get("rates")
        if rates is not None and name in rates.columns:
            sizes.update({g: n for g, n in zip(rates[name], rates["Responses"]) if _known(n) and g in table.index})
        leaks += _check(f"{name}: respondents", metrics["responses"], sizes, list(table.index), min_size)
        # every item: its overall valid answers minus the shown cells' answers
        for item in items.index:
            cell_n = {(g): n for g, i, n in zip(tests["group"], tests["item"], tests["n"]) if i == item}
            shown = {g: cell_n.get(g, sizes.get(g)) for g in table.index if _known(table.at[g, item])}
            if any(not _known(n) for n in shown.values()):
                continue  # a shown figure with an unknown count: nothing exact to subtract
            leaks += _check(f"{name}: item {item}", items.at[item, "n"], shown, list(table.index), min_size)
        if f"eNPS by {name}" in sheets and _known(metrics.get("enps_answers")):
            enps = sheets[f"eNPS by {name}"].set_index("group")
            shown = {g: n for g, n in enps["n"].items() if _known(n)}
            leaks += _check(f"{name}: eNPS", metrics["enps_answers"], shown, list(enps.index), min_size)
    return leaks


def _check(what: str, total, shown: dict, groups: list, min_size: int) -> list[str]:
    hidden_groups = [g for g in groups if g not in shown]
    rest = int(total) - int(sum(shown.values()))
    if rest == 0 or not hidden_groups:
        return []
    if len(hidden_groups) == 1:
        return [f"{what}: {hidden_groups[0]} alone = {rest}"]
    if rest < min_size:
        return [f"{what}: {', '.join(map(str, hidden_groups))} together = {rest} < {min_size}"]
    return []


def published_by(result: assess.SurveyResult) -> dict:
    """What the report publishes, from the assessment (the same frames the notebook writes)."""
    return {"metrics": result.recorded_metrics(), "sheets": result.excel_sheets, "rates": result.rates_table}


def test_the_attacker_finds_the_leaks_the_issue_found():
    """The attacker itself can fail: on the tables the report published before (1 + 2 hidden and no
    partner; the response-rate table showing the tie's other partner) it pins the hidden groups."""
    sheets = {
        "Items": pd.DataFrame({"item": ["a"], "n": [43]}),
        "Favourable by Site": pd.DataFrame(
            {
                "Site": ["Leeds", "Oslo", "Rome", "York"],
                "respondents": [6, np.nan, np.nan, 34],
                "a": [50, *[np.nan] * 2, 60],
            }
        ),
        "Tests by Site": pd.DataFrame({"group": ["Leeds", "York"], "item": "a", "n": [6, 34]}),
    }
    leaks = attack({"metrics": {"responses": 43}, "sheets": sheets, "rates": None}, MIN)
    # 43 - 6 - 34 = 3 people in Oslo + Rome
    assert leaks == ["Site: respondents: Oslo, Rome together = 3 < 5", "Site: item a: Oslo, Rome together = 3 < 5"]
    # the tie: the breakdown shows T3 (7) and hides T1, T2; the rate table shows T2 (7) and hides T1, T3
    sheets = {
        "Items": pd.DataFrame({"item": ["a"], "n": [43]}),
        "Favourable by Team": pd.DataFrame(
            {"Team": ["T1", "T2", "T3", "T4"], "respondents": [np.nan, np.nan, 7, 26], "a": [np.nan, np.nan, 50, 60]}
        ),
        "Tests by Team": pd.DataFrame({"group": ["T3", "T4"], "item": "a", "n": [7, 26]}),
    }
    rates = pd.DataFrame({"Team": ["T4", "T3", "T2", "T1"], "Responses": [26, np.nan, 7, np.nan]})
    leaks = attack({"metrics": {"responses": 43}, "sheets": sheets, "rates": rates}, MIN)
    assert leaks[0] == "Team: respondents: T1 alone = 3"  # 43 - 26 - 7 - 7


# ============================================================================ the survey the issue describes
N = 43
#: Dept: one small group (Legal 3). Site: two small groups, 1 + 2. Team: a tie for smallest after T1 (3).
DEPT = ["Legal"] * 3 + ["HR"] * 8 + ["Ops"] * 20 + ["Sales"] * 12
SITE = ["Oslo"] * 1 + ["Rome"] * 2 + ["Leeds"] * 6 + ["York"] * 34
TEAM = ["T1"] * 3 + ["T2"] * 7 + ["T3"] * 7 + ["T4"] * 26
#: The headcount file lists the teams largest first, so "population-file order" and "by name" differ.
POPULATION = pd.DataFrame({"value": ["T4", "T3", "T2", "T1"], "headcount": [30, 9, 9, 4]})


def hand_responses(likert: dict, groups: dict, nps=None, comments=None) -> SurveyResponses:
    frame = pd.DataFrame(likert, dtype="Int8")
    items = list(likert)
    return SurveyResponses(
        likert=frame,
        not_applicable=pd.Series(0, index=items),
        items=pd.DataFrame({"label": items, "theme": "", "column": items, "question": items}),
        nps=pd.Series(nps, dtype="Float64") if nps is not None else None,
        groups=pd.DataFrame(groups, index=frame.index, dtype=object),
        comments=comments
        if comments is not None
        else pd.DataFrame({"respondent": pd.Series(dtype="int64"), "question": [], "text": []}),
        layout="plain",
        file="hand.csv",
        scale=AGREE,
    )


def three_breakdowns():
    """43 answers to three items and a 0-10 question, with the three breakdowns crossed (each column
    shuffled with its own fixed seed). Item c is skipped by every third respondent, so its cells are
    smaller than the groups."""
    rng = np.random.default_rng(7)
    site, team = list(rng.permutation(SITE)), list(rng.permutation(TEAM))
    likert = {
        "a": [[5, 4, 2, 1, 3][i % 5] for i in range(N)],
        "b": [[4, 2, 5, 1][i % 4] for i in range(N)],
        "c": [pd.NA if i % 3 == 0 else [5, 1][i % 2] for i in range(N)],
    }
    nps = [[10, 9, 7, 3, 6, 8][i % 6] for i in range(N)]
    groups = {"Dept": DEPT, "Site": site, "Team": team}
    definition = parse_definition(
        {"scale": AGREE, "items": list(likert), "nps": "nps", "groups": list(groups), "outcome": "a"}
    )
    return definition, hand_responses(likert, groups, nps=nps)


@pytest.fixture(scope="module")
def result():
    definition, current = three_breakdowns()
    return assess.assess(definition, current, params(), population=POPULATION, rate_group="Team")


class TestTheAttackerDerivesNothing:
    def test_no_hidden_set_is_pinned_down(self, result):
        assert attack(published_by(result), MIN) == []

    def test_one_small_group_hides_its_smallest_partner(self, result):
        # Legal 3 < 5 -> hidden; 3 alone < 5, so the smallest shown group, HR (8), joins: 11 >= 5
        assert result.breakdowns["Dept"].group_hidden.to_dict() == {
            "HR": True,
            "Legal": True,
            "Ops": False,
            "Sales": False,
        }

    def test_two_small_groups_take_a_partner(self, result):
        # Oslo 1 + Rome 2 = 3 < 5 (the issue's case: two hidden, no partner before): Leeds (6) joins, 9 >= 5
        assert result.breakdowns["Site"].group_hidden.to_dict() == {
            "Leeds": True,
            "Oslo": True,
            "Rome": True,
            "York": False,
        }

    def test_a_tie_is_broken_by_name_in_every_table(self, result):
        # T1 3 < 5; T2 and T3 both 7: T2 joins (name order), in the group table and the rate table alike,
        # though the headcount file lists T3 first
        assert result.breakdowns["Team"].group_hidden.to_dict() == {"T1": True, "T2": True, "T3": False, "T4": False}
        rates = result.rates.set_index("group")
        assert rates["status"].to_dict() == {"T4": "ok", "T3": "ok", "T2": "hidden", "T1": "hidden"}
        assert rates.loc["T3", "responses"] == 7 and math.isnan(rates.loc["T2", "responses"])

    def test_every_item_and_the_enps_hide_at_least_min_size(self, result):
        """Per item and for the eNPS, the hidden answers (the item's answers minus the shown cells')
        add up to 0 or at least 5, counted from the true answers."""
        definition, current = three_breakdowns()
        for name, bd in result.breakdowns.items():
            for item in current.likert.columns:
                hidden = bd.hidden[item]
                answers = current.likert[item].notna().groupby(current.groups[name]).sum()
                total = int(answers[hidden].sum())
                assert total == 0 or total >= MIN, (name, item, total)
            enps = result.enps_tables[name].set_index("group")
            hidden_answers = current.nps.notna().groupby(current.groups[name]).sum()[enps["n"].isna()]
            assert int(hidden_answers.sum()) in (0,) or int(hidden_answers.sum()) >= MIN

    def test_metrics_count_the_hidden_groups(self, result):
        # Dept 2 + Site 3 + Team 2
        assert result.metrics["groups_hidden"] == 7


class TestHideGroupsRule:
    def test_partners_until_min_size_smallest_first_then_name(self):
        # A 1 + B 1 = 2 < 5: C (2) and D (2) tie; C first by name: 4 < 5, then D: 6 >= 5
        hidden = anonymity.hide_groups(pd.Series({"D": 2, "C": 2, "B": 1, "A": 1, "E": 30}), 5)
        assert hidden.to_dict() == {"D": True, "C": True, "B": True, "A": True, "E": False}

    def test_nothing_hidden_when_every_group_is_large(self):
        assert not anonymity.hide_groups(pd.Series({"A": 5, "B": 9}), 5).any()

    def test_cell_partner_is_chosen_by_its_own_count(self):
        # no group hidden; in item y, A has 4 answers (< 5): B (6) and C (6) tie, B joins by name
        counts = pd.DataFrame({"y": [4, 6, 6, 20]}, index=["A", "B", "C", "D"])
        mask = anonymity.suppress_table(counts.astype(float), counts, pd.Series(False, index=counts.index), 5)
        assert mask["y"].tolist() == [True, True, False, False]


# ============================================================================ comments
class TestCommentsWithheld:
    def test_withheld_count_is_never_one_small_groups_count(self):
        """The issue's case: Legal (3 people) wrote 4 comments on two questions, and "4 comments
        withheld" said so. Now Legal's partner HR (the smallest shown group, 10 people, 2 comments) is
        withheld with it: 4 + 2 = 6 withheld, from 13 people (min_comment_group_size 10)."""
        dept = ["Legal"] * 3 + ["HR"] * 10 + ["Ops"] * 12
        texts = [(0, "Q1", "l1"), (0, "Q2", "l2"), (1, "Q1", "l3"), (2, "Q2", "l4"), (3, "Q1", "h1"), (4, "Q1", "h2")]
        texts += [(13 + i, "Q1", f"o{i}") for i in range(5)]
        comments = pd.DataFrame(texts, columns=["respondent", "question", "text"])
        current = hand_responses({"a": [4] * 25}, {"Dept": dept}, comments=comments)
        definition = parse_definition(
            {"scale": AGREE, "items": ["a"], "groups": ["Dept"], "comments": {"Q1": "q1", "Q2": "q2"}}
        )
        result = assess.assess(definition, current, params(min_comment_group_size=10))
        m = result.metrics
        assert (m["comments"], m["comments_shown"], m["comments_withheld"]) == (11, 5, 6)
        # the attacker: total comments minus the shown ones; the groups with no shown comment are Legal
        # and HR, 13 people >= 10
        assert m["comments"] - len(result.comments_sheet) == 6
        assert set(result.comments["group"]) == {"Ops"}
        assert result.text["comments"] == (
            "5 of 11 comments are shown; 6 are withheld: they come from groups under 10 people or the groups "
            "hidden with them, at least 10 people in all."
        )


# ============================================================================ redaction
class TestRedaction:
    @pytest.mark.parametrize(
        "text, expected",
        [
            ("write to jo.bloggs @ example.org", "write to [e-mail removed]"),
            ("write to jo.bloggs at example dot org please", "write to [e-mail removed] please"),
            ("write to jo.bloggs(at)example.org", "write to [e-mail removed]"),
            ("jo [at] example [dot] co [dot] uk", "[e-mail removed]"),
            ("JO AT EXAMPLE DOT ORG", "[e-mail removed]"),
            ("mail jo@example.org.", "mail [e-mail removed]."),
            # ordinary text that only looks a little like an address stays
            ("we met at 9.30 at the office", "we met at 9.30 at the office"),
            ("logged in at portal.office.com", "logged in at portal.office.com"),
            ("deployed on 2026-06-25 at night", "deployed on 2026-06-25 at night"),
        ],
    )
    def test_disguised_emails(self, text, expected):
        assert surveys.redact(text) == expected

    def test_respondent_names_in_comments(self):
        names = surveys.respondent_names(
            pd.DataFrame({"Name": ["Jo Bloggs", "Priya Patel", "anonymous"], "Email": ["x.ng@corp.example", "", ""]})
        )
        assert names == frozenset({"jo", "bloggs", "priya", "patel", "ng"})
        assert (
            surveys.redact("Priya said jo bloggs knows; Ng agreed; I will patel? no", names)
            == "[name removed] said [name removed] [name removed] knows; [name removed] agreed; I will patel? no"
        )

    @pytest.mark.parametrize(
        "text",
        [
            "a" * 100_000,
            "a." * 50_000,
            "a@" * 50_000,
            "a at " * 20_000,
            "1 " * 50_000 + "x",
            "1-" * 50_000 + "x",
            "x" + " " * 100_000 + "@",
            "Jo " * 33_000,
        ],
    )
    def test_a_100k_character_comment_is_searched_once(self, text):
        """Texts that made the former patterns retry from every character (minutes each): they finish in
        the normal run (timings: bench/survey_redaction_bench.py)."""
        out = surveys.redact(text, frozenset({"jo"}))
        assert isinstance(out, str)

    def test_a_long_text_is_cut_without_splitting_an_address(self):
        # 1,990 characters, then an address across the 2,000th character, then 50,000 more
        text = "x" * 1_990 + " jo.bloggs@example.org " + "y" * 50_000
        cut, removed = surveys.cut_text(text)
        assert removed == len(text) - 1_990  # cut at the space before the address (position 1,990)
        assert cut == "x" * 1_990 + f" … (cut: {removed:,} characters)" and "jo.bloggs" not in cut


def forms_export(folder: Path, rows: list[list[str]]) -> Path:
    """A Microsoft Forms-like CSV (ID, Start time, Name, Email, Department, one item, a comment)."""
    path = folder / "forms.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [["ID", "Start time", "Name", "Email", "Department", "Support was quick", "Anything else?"], *rows]
        )
    return path


FORMS_DEF = {
    "scale": AGREE,
    "items": ["Support was quick"],
    "groups": ["Department"],
    "comments": {"Other": "Anything else?"},
}


class TestReaderKeepsPersonalDataOut:
    def test_email_typed_as_a_department_is_no_group_label(self, tmp_path):
        """A respondent typed their address (disguised) into the free-text Department box and another
        their name: neither becomes a group label (HTML, xlsx, chart); both count as no answer, said in
        data quality. A 3,000-character comment is cut to 2,000 and said too."""
        rows = [[str(i), "11/2/26 9:00", "", "", "Ops", "Agree", ""] for i in range(1, 7)]
        rows += [
            ["7", "11/2/26 9:01", "Jo Bloggs", "jo.bloggs@corp.example", "jo.bloggs at corp dot example", "Agree", ""],
            ["8", "11/2/26 9:02", "Priya Patel", "", "Priya Patel", "Agree", "Ask Jo Bloggs. " + "z" * 3_000],
        ]
        dq = DataQuality()
        s = read_survey(forms_export(tmp_path, rows), parse_definition(FORMS_DEF), dq=dq)
        assert s.groups["Department"].value_counts().to_dict() == {"Ops": 6, "(no answer)": 2}
        problems = {f["problem"]: f["rows"] for f in dq.findings if f["field"] in ("Department", "Other")}
        assert problems == {
            "answers that are personal data (an e-mail address, phone number or a respondent's name), not a group": 2,
            "text longer than 2,000 characters (the longest 3,015)": 1,  # 15 + 3,000
        }
        (comment,) = s.comments["text"]
        assert comment.startswith("Ask Jo Bloggs. zzz") and comment.endswith("… (cut: 1,015 characters)")
        assert len(comment) < 2_050
        assert {"jo", "bloggs", "priya", "patel"} <= s.names
        shown, _ = anonymity.safe_comments(s.comments, s.groups.assign(Department="Ops"), 2, names=s.names)
        assert shown["text"].iloc[0].startswith("Ask [name removed] [name removed]. zzz")


class TestDuplicates:
    def test_same_response_id_counted_once(self, tmp_path):
        """A Forms export appended to itself when two downloads were merged: IDs 1 and 2 twice."""
        rows = [[str(i), f"11/2/26 9:0{i}", "", "", "Ops", "Agree", ""] for i in range(1, 7)]
        dq = DataQuality()
        s = read_survey(forms_export(tmp_path, rows + rows[:2]), parse_definition(FORMS_DEF), dq=dq)
        assert s.responses == 6 and s.duplicates == 2
        (finding,) = [f for f in dq.findings if f["field"] == "ID"]
        assert finding["problem"] == "response sent twice: the same ID as an earlier response"
        assert (finding["action"], finding["rows"]) == ("counted once", 2)

    def test_identical_row_with_the_same_timestamp_counted_once(self, tmp_path):
        """A Google Forms response submitted twice in the same second (double click): identical rows,
        Timestamp included. Two people giving the same answers at different times are both kept."""
        path = tmp_path / "google.csv"
        rows = [
            ["Timestamp", "Department", "Support was quick"],
            ["11/2/2026 9:00:01", "Ops", "Agree"],
            ["11/2/2026 9:00:01", "Ops", "Agree"],  # the double click
            ["11/2/2026 9:05:00", "Ops", "Agree"],  # a colleague, same answers, another time
            ["11/2/2026 9:06:00", "Ops", "Disagree"],
        ]
        with open(path, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        dq = DataQuality()
        definition = parse_definition({"scale": AGREE, "items": ["Support was quick"], "groups": ["Department"]})
        s = read_survey(path, definition, dq=dq)
        # 4 rows, 1 duplicate: 3 responses, 2 of them favourable
        assert s.responses == 3 and s.duplicates == 1
        assert [f["problem"] for f in dq.findings if f["field"] == "Timestamp"] == [
            "response sent twice: identical to an earlier response, Timestamp included"
        ]
        result = assess.assess(definition, s, params(min_group_size=2))
        assert result.metrics["duplicates_dropped"] == 1 and result.metrics["favourability_pct"] == 66.7

    def test_identical_rows_without_a_time_to_the_second_are_kept(self):
        """A plain table has no time; a Google Forms CSV saved again by Excel has times to the minute:
        two colleagues with the same answers in the same minute are two responses."""
        frame = pd.DataFrame({"Team": ["Ops", "Ops"], "Q": ["Agree", "Agree"]})
        kept, dropped = surveys.drop_duplicates(frame, "plain.csv")
        assert len(kept) == 2 and dropped == 0
        minute = frame.assign(Timestamp="11/2/2026 9:00")
        assert surveys.drop_duplicates(minute, "resaved.csv")[1] == 0
        assert surveys.drop_duplicates(minute.assign(Timestamp="11/2/2026 9:00:00"), "forms.csv")[1] == 1


def test_an_item_nobody_answered_is_neither_best_nor_worst():
    """Checked after the issue-13 change: a pulse with three items where "Canteen" was skipped by all
    (the office has none). Tools 4/6 = 66.7% favourable, Pay 1/6 = 16.7%; Canteen no valid answer."""
    likert = {"Tools": [5, 4, 4, 2, 1, 4], "Canteen": [pd.NA] * 6, "Pay": [1, 2, 2, 3, 4, 1]}
    current = hand_responses(likert, {"Team": ["A"] * 6})
    definition = parse_definition({"scale": AGREE, "items": list(likert), "groups": ["Team"]})
    result = assess.assess(definition, current, params())
    m = result.metrics
    assert (m["highest_item"], m["lowest_item"], m["lowest_item_favourable_pct"]) == ("Tools", "Pay", 16.7)
    assert "weakest item 'Pay' at 17%" in result.verdict
    json.dumps(result.recorded_metrics())


# ============================================================================ through the notebook
def write_three_breakdowns(folder: Path) -> Path:
    """The survey above as a Google Forms-like export, with what real free-text boxes hold: the first
    Legal respondent typed their address as the department, and comments name colleagues and
    addresses in disguise. The headcount file lists the teams largest first."""
    definition, current = three_breakdowns()
    header = ["Timestamp", "Name", "Dept", "Site", "Team", "a", "b", "c", "Recommend (0-10)", "Anything else?"]
    rows = []
    for i in range(N):
        answers = [AGREE[int(v) - 1] if not pd.isna(v) else "" for v in current.likert.iloc[i]]
        dept = "ana.lopez at corp dot example" if i == 0 else current.groups.at[i, "Dept"]
        comment = "Ask Priya Patel, or mail priya.patel (at) corp.example" if i % 4 == 0 else ""
        name = ["Ana Lopez", "Priya Patel"][i % 2]
        rows.append(
            [f"11/2/2026 9:{i:02d}:00", name, dept, current.groups.at[i, "Site"], current.groups.at[i, "Team"]]
            + answers
            + [str(int(current.nps.iloc[i])), comment]
        )
    with open(folder / "responses.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    POPULATION.rename(columns={"value": "Team", "headcount": "Headcount"}).to_csv(
        folder / "population.csv", index=False
    )
    (folder / "survey.yaml").write_text(
        "scale: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]\n"
        "items: [a, b, c]\nnps: Recommend (0-10)\noutcome: a\ngroups: [Dept, Site, Team]\n"
        'comments: {Other: "Anything else?"}\n',
        encoding="utf-8",
    )
    return folder / "privacy.yaml"


@pytest.mark.e2e
def test_the_attacker_derives_nothing_from_the_run_folder(tmp_path):
    """The survey through ``pmokit run``: the attacker reads results.xlsx, metrics.json and the
    response-rate table of report.html and pins down nothing; no name or address reaches any artefact."""
    import html

    from report_scan import report_problems

    from pmokit import cli

    folder = tmp_path / "survey_analysis"
    folder.mkdir()
    params_file = write_three_breakdowns(folder)
    params_file.write_text(
        "responses_path: responses.csv\nsurvey_path: survey.yaml\npopulation_path: population.csv\n"
        "min_group_size: 5\nmin_comment_group_size: 5\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert cli.main(["run", "-q", "--out", str(out), str(params_file)]) == 0
    run = out / "survey_analysis" / "privacy"
    metrics = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    sheets = pd.read_excel(run / "results.xlsx", sheet_name=None, engine="openpyxl")
    page = (run / "report.html").read_text(encoding="utf-8")
    from io import StringIO

    tables = pd.read_html(StringIO(page), na_values=["—"])
    (rates,) = [t for t in tables if "Team" in t.columns and "Responses" in t.columns]
    # what the attacker works on holds hidden figures: Site hides Oslo, Rome, Leeds; Dept hides the address
    # answer (no answer, 1), Legal (2) and HR (8); the rate table T1 and T2
    assert sheets["Favourable by Site"]["respondents"].isna().sum() == 3
    assert sheets["Favourable by Dept"]["respondents"].isna().sum() == 3 and rates["Responses"].isna().sum() == 2
    assert attack({"metrics": metrics, "sheets": sheets, "rates": rates}, MIN) == []
    # the address typed as a department is no label anywhere; names and addresses are removed
    text = html.unescape(page) + "".join(
        str(v)
        for name in ["results.xlsx", "comments.xlsx"]
        for s in pd.read_excel(run / name, sheet_name=None, engine="openpyxl").values()
        for v in s.to_numpy().ravel()
    )
    for secret in ["ana.lopez", "corp dot example", "Priya", "Patel", "priya.patel"]:
        assert secret not in text, secret
    assert "answers that are personal data" in html.unescape(page)
    assert report_problems(run) == []
