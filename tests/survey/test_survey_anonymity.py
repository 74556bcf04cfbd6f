"""Anonymity: suppression (incl. the complementary case), redaction, comment thresholds, response rates."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pmokit.bands import Band
from pmokit.survey import anonymity, assess, comments, summary

#: The response-rate band at the default threshold (60%) and red below 40%.
RATE_BAND = Band("response_rate_pct", "Response rate", "higher_is_better", amber=60, red=40)


class TestSuppressionMask:
    def test_one_small_group_takes_the_next_smallest_with_it(self):
        # C (3) < 5 is hidden; alone it could be derived as total - A - B, so B (6, next smallest) goes too
        mask = anonymity.suppression_mask(pd.Series({"A": 20, "B": 6, "C": 3, "D": 9}), 5)
        assert mask.to_dict() == {"A": False, "B": True, "C": True, "D": False}

    def test_two_small_groups_adding_up_to_min_size_need_no_partner(self):
        # B 4 + C 3 = 7 >= 5 hidden, two groups: the total minus A and D gives 7 people, not one small group
        mask = anonymity.suppression_mask(pd.Series({"A": 20, "B": 4, "C": 3, "D": 9}), 5)
        assert mask.to_dict() == {"A": False, "B": True, "C": True, "D": False}

    def test_empty_group_does_not_count_as_a_partner(self):
        # A (0) hides nobody (and has no figure to show), so B (3) needs a partner with people: C (8)
        mask = anonymity.suppression_mask(pd.Series({"A": 0, "B": 3, "C": 8, "D": 20}), 5)
        assert mask.tolist() == [False, True, True, False]

    def test_boundary_is_shown(self):
        assert not anonymity.suppression_mask(pd.Series({"A": 5, "B": 5}), 5).any()


class TestSuppressTable:
    def test_cell_level_and_column_complement(self):
        # Groups all >= 5, but in item y only 4 of A answered: A/y hidden, and B/y (7, next smallest) with it.
        counts = pd.DataFrame({"x": [6, 7, 20], "y": [4, 7, 20]}, index=["A", "B", "C"])
        values = pd.DataFrame({"x": [50.0, 60.0, 70.0], "y": [25.0, 40.0, 55.0]}, index=["A", "B", "C"])
        hidden = anonymity.suppress_table(values, counts, pd.Series(False, index=["A", "B", "C"]), 5)
        assert hidden["x"].tolist() == [False, False, False]
        assert hidden["y"].tolist() == [True, True, False]
        shown = anonymity.apply_mask(values, hidden)
        assert shown["x"].tolist() == [50.0, 60.0, 70.0]
        assert math.isnan(shown.loc["A", "y"]) and math.isnan(shown.loc["B", "y"]) and shown.loc["C", "y"] == 55.0

    def test_hidden_group_hides_its_whole_row(self):
        counts = pd.DataFrame({"x": [3, 9, 20]}, index=["A", "B", "C"])
        group_hidden = anonymity.suppression_mask(pd.Series({"A": 3, "B": 9, "C": 20}), 5)
        hidden = anonymity.suppress_table(counts.astype(float), counts, group_hidden, 5)
        assert hidden["x"].tolist() == [True, True, False]

    def test_group_breakdown_end_to_end(self):
        # Legal 3 people -> hidden; complement: HR (6) hidden; Ops 10 shown
        groups = pd.Series(["Legal"] * 3 + ["HR"] * 6 + ["Ops"] * 10)
        lik = pd.DataFrame({"a": [5] * 19}, dtype="Int8")
        b = summary.group_breakdown(lik, groups, 5, 2, 5)
        assert b.group_hidden.to_dict() == {"HR": True, "Legal": True, "Ops": False}
        assert b.pct["a"].isna().tolist() == [True, True, False]
        assert b.shown_sizes.isna().tolist() == [True, True, False]

    def test_enps_by_group_hidden(self):
        groups = pd.Series(["A"] * 3 + ["B"] * 6 + ["C"] * 10)
        scores = pd.Series([10.0] * 19)
        table = summary.enps_groups(scores, groups, pd.Series({"A": True, "B": True, "C": False}), 5)
        assert table["enps"].isna().tolist() == [True, True, False]
        assert table["n"].isna().tolist() == [True, True, False]


class TestResponseRates:
    def test_rates_flags_and_hidden(self):
        # C has 3 responses -> hidden; 3 < 5, so the smallest shown group by responses, A (6), is hidden
        # too (3 + 6 = 9). B 9/10 = 90% ok; D 12/30 = 40% low;
        # E: nobody answered, 0% is shown (it exposes no one) and flagged low.
        groups = pd.Series(["A"] * 6 + ["B"] * 9 + ["C"] * 3 + ["D"] * 12)
        pop = pd.DataFrame({"value": ["A", "B", "C", "D", "E"], "headcount": [12, 10, 4, 30, 8]})
        hidden = anonymity.hide_groups(groups.value_counts(), 5)
        table = assess.rate_groups(summary.response_rates(groups, pop, hidden), RATE_BAND).set_index("group")
        assert table["status"].to_dict() == {"A": "hidden", "B": "ok", "C": "hidden", "D": "low", "E": "low"}
        assert table.loc["D", "response_rate_pct"] == 40.0  # 12 / 30
        assert table.loc["E", "response_rate_pct"] == 0.0  # nobody answered: 0 reveals no one
        assert math.isnan(table.loc["A", "responses"])
        # colours by the band: B 90% green, D 40% amber (not below 40), E 0% red, hidden groups grey
        assert table["rag"].to_dict() == {"A": "grey", "B": "green", "C": "grey", "D": "amber", "E": "red"}

    def test_group_missing_from_population(self):
        table = assess.rate_groups(
            summary.response_rates(
                pd.Series(["A"] * 6 + ["Z"] * 7),
                pd.DataFrame({"value": ["A"], "headcount": [6]}),
                pd.Series({"A": False, "Z": False}),
            ),
            RATE_BAND,
        )
        assert table.set_index("group").loc["Z", "status"] == "not in population"
        assert table.set_index("group").loc["Z", "rag"] == "grey"

    def test_whole_survey_too_small_is_refused(self):
        from pmokit.errors import InputError

        with pytest.raises(InputError, match="min_group_size = 5"):
            summary.require_reportable(4, 5, "x.xlsx")


class TestRedaction:
    @pytest.mark.parametrize(
        "text, expected",
        [
            ("mail jo.bloggs@example.org now", "mail [e-mail removed] now"),
            ("call +44 20 7946 0958", "call [phone removed]"),
            ("call 07700 900123 today", "call [phone removed] today"),
            ("ring (0161) 496-0000", "ring [phone removed]"),
            ("Windows 11 took 45 minutes in 2026", "Windows 11 took 45 minutes in 2026"),
            ("ticket INC0012345 still open", "ticket INC0012345 still open"),
        ],
    )
    def test_redact(self, text, expected):
        assert anonymity.redact(text) == expected


class TestSafeComments:
    def test_threshold_redaction_and_no_identifier(self):
        # Ops 12, Sales 10, Legal 3 (min 10): Legal is hidden; 3 < 10, so the smallest shown group, Sales
        # (10), is hidden with it (3 + 10 = 13 >= 10). Ops comments are shown and redacted.
        groups = pd.DataFrame({"Dept": ["Ops"] * 12 + ["Legal"] * 3 + ["Sales"] * 10})
        raw = pd.DataFrame(
            {
                "respondent": [0, 1, 12, 15],
                "question": "Improve",
                "text": ["VPN slow, call 07700 900123", "fine", "Only three of us in Legal", "Sales view"],
            }
        )
        shown, withheld = anonymity.safe_comments(raw, groups, 10)
        assert withheld == 2  # Legal's one and Sales' one: never Legal's count alone
        assert shown["text"].tolist() == ["VPN slow, call [phone removed]", "fine"]
        assert list(shown.columns) == ["question", "group", "text"]

    def test_small_second_grouping_column_also_withholds(self):
        # Site: Leeds 11, Oslo 1 -> Oslo hidden, and Leeds with it (1 < 10): no comment is shown
        groups = pd.DataFrame({"Dept": ["Ops"] * 12, "Site": ["Leeds"] * 11 + ["Oslo"]})
        raw = pd.DataFrame({"respondent": [0, 11], "question": "Q", "text": ["a", "b"]})
        shown, withheld = anonymity.safe_comments(raw, groups, 10)
        assert shown.empty and withheld == 2
        # with a third site of 10, Leeds 11 stays shown: Oslo 1 + York 10 = 11 >= 10 hidden
        groups = pd.DataFrame({"Dept": ["Ops"] * 22, "Site": ["Leeds"] * 11 + ["Oslo"] + ["York"] * 10})
        shown, withheld = anonymity.safe_comments(raw, groups, 10)
        assert shown["text"].tolist() == ["a"] and withheld == 1


class TestCommentText:
    def test_themes_and_terms(self):
        texts = pd.Series(["The VPN is slow", "slow VPN at home", "Training was short", "the laptop is fast"])
        counts = comments.theme_counts(texts, {"Network": ["vpn"], "Training": ["train"], "Other": ["printer"]})
        assert counts.set_index("Theme")["Comments"].to_dict() == {"Network": 2, "Training": 1, "Other": 0}
        terms = comments.frequent_terms(texts, top=3)
        # 'slow' and 'vpn' appear in 2 comments each; 'slow vpn' is adjacent only once -> not a phrase (needs 2)
        assert terms["Term"].tolist()[:2] == ["slow", "vpn"]
        assert "slow vpn" not in terms["Term"].tolist()
