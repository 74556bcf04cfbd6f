"""The formatting layer (pmokit.fmt): each expected value is worked out by hand in the comment beside it."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from pmokit import fmt
from pmokit.bands import Band
from pmokit.status import rag, summary


class TestNumbers:
    def test_rounding_by_size(self):
        # 1234567.8 rounds to 1234568 (>= 100: whole, with separators); 44.13 -> one decimal 44.1;
        # 4.25 -> two decimals "4.25"; 0.5 -> "0.50" with the trailing zero dropped -> "0.5"
        assert [fmt.number(v) for v in (1234567.8, 44.13, 4.25, 0.5)] == ["1,234,568", "44.1", "4.25", "0.5"]

    def test_fixed_places_and_missing(self):
        # 84.7595 at 1 place: 84.7|595 rounds up -> 84.8; NaN, None and NaT are missing
        assert fmt.number(84.7595, 1) == "84.8"
        assert fmt.number(math.nan) == fmt.number(None) == fmt.number(pd.NaT) == "—"

    def test_no_unrounded_float_ever(self):
        # 1/3 = 0.3333...: two decimals below 10 -> "0.33"; 200/3 = 66.66... -> one decimal "66.7"
        assert fmt.number(1 / 3) == "0.33" and fmt.number(200 / 3) == "66.7"


class TestPercent:
    def test_no_space_and_consistent_places(self):
        # 84.759 -> 84.8%; 33 -> 33.0% (the same one decimal as 84.8%, never "33 %")
        assert (fmt.pct(84.759), fmt.pct(33)) == ("84.8%", "33.0%")

    def test_ratio(self):
        # 0.333 x 100 = 33.3 -> 0 places "33%"
        assert fmt.pct(0.333, 0, ratio=True) == "33%"


class TestCounts:
    @pytest.mark.parametrize(
        "n, noun, expected",
        [
            (1, "site", "1 site"),
            (3, "site", "3 sites"),
            (0, "site", "0 sites"),  # zero takes the plural in English
            (2, "activity", "2 activities"),  # consonant + y -> ies
            (2, "day", "2 days"),  # vowel + y -> s
            (2, "match", "2 matches"),  # -ch -> es
            (4, "person", "4 people"),  # irregular
            (1204, "device", "1,204 devices"),
            (1, "overdue action", "1 overdue action"),
            (3, "more dimension", "3 more dimensions"),  # only the last word of a phrase
        ],
    )
    def test_count(self, n, noun, expected):
        assert fmt.count(n, noun) == expected


class TestDatesDurationsPValues:
    def test_dates(self):
        assert fmt.date(pd.Timestamp("2026-11-23 14:05")) == "2026-11-23"
        assert fmt.date(dt.date(2027, 5, 24)) == "2027-05-24"

    def test_durations(self):
        # 12.4 days rounds to 12; 42 days = 6 x 7 -> "6 weeks"; 1 day is singular
        assert [fmt.duration_days(d) for d in (12.4, 42, 1)] == ["12 days", "6 weeks", "1 day"]

    def test_p_values(self):
        # 0.0000123 rounds to 0.000 at three places -> "< 0.001"; 0.01234 -> "0.012"; 0.0004999 -> 0.000 -> "< 0.001"
        assert [fmt.p_value(p) for p in (0.0000123, 0.01234, 0.0004999, 0.05)] == [
            "< 0.001",
            "0.012",
            "< 0.001",
            "0.050",
        ]


class TestSentences:
    def test_band_reason_agrees_in_number(self):
        """A band whose format says "day(s)" (the rollout P85 lateness): 1 day, 14 days, never "(s)"."""
        band = Band("late", "P85 finish late by", "lower_is_better", amber=0, red=14, fmt="{:.0f} day(s)")
        assert band.rate(1).reason == "P85 finish late by 1 day, above 0 days"
        assert band.rate(15).reason == "P85 finish late by 15 days, above 14 days"

    def test_status_headline_names_the_thing(self):
        """The PMO's own threshold on the compliance SLA breaches (the issue's headline): named in words.

        Old text: "worst dimension: Device compliance schedule: compliance_report.sla_breaches = 132 > 25
        (red above 25) and 3 more".
        """
        rules = [
            rag.RagRule(
                workstream="Device compliance",
                dimension="schedule",
                metric="compliance_report.sla_breaches",
                red_above=25,
            ),
            *[
                rag.RagRule(workstream=f"W{i}", dimension="quality", metric=f"w{i}.late_sites", red_above=0)
                for i in range(3)
            ],
        ]
        values = {"compliance_report.sla_breaches": 132, **{f"w{i}.late_sites": 1 for i in range(3)}}
        out = rag.overall(rag.evaluate_all(rules, values))
        assert out["rule"] == "Device compliance (schedule): SLA breaches 132 (red above 25); 3 more dimensions red"

    def test_summary_markdown_has_no_needless_escapes(self):
        """A Teams post: underscores inside words, brackets and arrows stay as written; a link cannot form."""
        text = summary.summary_markdown(
            "Weekly status",
            pd.Timestamp("2026-11-27"),
            ["RED: compliance_report (red above 25) -> see [a](b)", "# not a heading"],
            [],
        )
        assert "compliance_report (red above 25) -> see \\[a](b)" in text
        assert "- \\# not a heading" in text
