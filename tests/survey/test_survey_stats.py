"""Likert, eNPS, group/wave comparisons and drivers on tiny frames worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pmokit.survey import compare, drivers, likert, nps


def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns, dtype="Int8")


class TestWilson:
    def test_eight_of_ten(self):
        # z = 1.96, z² = 3.8416; centre = (8 + 1.9208) / 13.8416 = 0.71675;
        # half = 1.96 * sqrt(10 * 0.8 * 0.2 + 0.9604) / 13.8416 = 1.96 * 1.60012 / 13.8416 = 0.22658
        low, high = likert.wilson_interval(8, 10)
        assert float(low) == pytest.approx(0.71675 - 0.22658, abs=1e-4)
        assert float(high) == pytest.approx(0.71675 + 0.22658, abs=1e-4)

    def test_zero_of_five_is_not_a_zero_width_interval(self):
        # centre = 1.9208 / 8.8416 = 0.21725; half = 1.96 * sqrt(0.9604) / 8.8416 = 1.9208 / 8.8416 = 0.21725
        low, high = likert.wilson_interval(0, 5)
        assert float(low) == pytest.approx(0.0, abs=1e-9)
        assert float(high) == pytest.approx(0.43450, abs=1e-4)

    def test_no_answers_gives_nan(self):
        low, high = likert.wilson_interval(0, 0)
        assert math.isnan(float(low)) and math.isnan(float(high))


class TestItemTable:
    def test_shares_and_interval(self):
        # item a: 5,4,3,2,1 + one blank -> n 5; favourable {4,5} = 2 (40%), neutral 1 (20%), unfavourable 2 (40%)
        table = likert.item_table(frame(a=[5, 4, 3, 2, 1, None]), points=5, top=2)
        row = table.iloc[0]
        assert row["n"] == 5
        assert (row["favourable_pct"], row["neutral_pct"], row["unfavourable_pct"]) == (40.0, 20.0, 40.0)
        assert [row[f"p{k}"] for k in range(1, 6)] == [1, 1, 1, 1, 1]
        low, high = likert.wilson_interval(2, 5)
        assert row["fav_ci_low"] == pytest.approx(100 * float(low)) and row["fav_ci_high"] == pytest.approx(
            100 * float(high)
        )

    def test_top_box_of_seven_point_scale(self):
        # 7 points, top 3 = {5,6,7}; answers 7,5,4,1 -> 2 of 4 favourable; bottom 3 = {1,2,3} -> 1 unfavourable
        row = likert.item_table(frame(a=[7, 5, 4, 1]), points=7, top=3).iloc[0]
        assert (row["favourable_pct"], row["neutral_pct"], row["unfavourable_pct"]) == (50.0, 25.0, 25.0)

    def test_favourability_pools_all_valid_answers(self):
        # a: 5,4,1 -> 2 fav of 3; b: 3,NA,5 -> 1 fav of 2; pooled 3 / 5 = 60% (not the 50.0 mean of 66.7 and 50)
        assert likert.favourability_pct(frame(a=[5, 4, 1], b=[3, None, 5]), 5, 2) == 60.0

    def test_group_item_table(self):
        lik = frame(a=[5, 1, 4, 4], b=[None, 2, 5, 1])
        pct, n = likert.group_item_table(lik, pd.Series(["X", "X", "Y", "Y"]), 5, 2)
        # X: a = 5,1 -> 50%, b = 2 -> 0%; Y: a = 4,4 -> 100%, b = 5,1 -> 50%
        assert pct.loc["X"].tolist() == [50.0, 0.0] and pct.loc["Y"].tolist() == [100.0, 50.0]
        assert n.loc["X"].tolist() == [2, 1]


class TestEnps:
    def test_balanced(self):
        # 10, 9 promoters; 6, 0 detractors; 8, 7 passives: 2/6 - 2/6 = 0
        # var = (1/3 + 1/3 - 0) / 6 = 0.11111, sd 0.33333, half 1.96 * 0.33333 = 0.65333
        r = nps.enps(pd.Series([10, 9, 8, 7, 6, 0]))
        assert r["enps"] == 0.0 and r["n"] == 6
        assert r["ci_low"] == pytest.approx(-65.333, abs=1e-2) and r["ci_high"] == pytest.approx(65.333, abs=1e-2)
        assert (r["promoters_pct"], r["detractors_pct"]) == pytest.approx((33.333, 33.333), abs=1e-3)

    def test_interval_is_cut_at_100(self):
        # 10,10,10,0: p .75, d .25 -> +50; var = (1 - .25) / 4 = .1875, half = 1.96 * .43301 = .84870
        r = nps.enps(pd.Series([10, 10, 10, 0]))
        assert r["enps"] == 50.0
        assert r["ci_low"] == pytest.approx(50 - 84.870, abs=1e-2)
        assert r["ci_high"] == 100.0

    def test_blanks_are_not_answers(self):
        r = nps.enps(pd.Series([10, None, 0], dtype="Float64"))
        assert r["n"] == 2 and r["enps"] == 0.0

    def test_no_answers(self):
        assert math.isnan(nps.enps(pd.Series([], dtype="Float64"))["enps"])


class TestComparisons:
    @staticmethod
    def two_groups():
        # item x: A has 30/50 favourable, B 20/50; item y: 25/50 each.
        a_x = [5] * 30 + [1] * 20
        b_x = [5] * 20 + [1] * 30
        y = [5] * 25 + [1] * 25
        lik = frame(x=a_x + b_x, y=y + y)
        return lik, pd.Series(["A"] * 50 + ["B"] * 50)

    def test_z_test_by_hand(self):
        # pooled 0.5, se = sqrt(0.25 * (1/50 + 1/50)) = 0.1, z = (0.6 - 0.4) / 0.1 = 2 -> p = 2 * (1 - Φ(2)) = 0.0455
        assert compare.two_proportion_p(30, 50, 20, 50) == pytest.approx(0.0455, abs=1e-4)
        assert compare.two_proportion_p(0, 10, 0, 10) == 1.0  # no variance: nothing to flag

    def test_correction_removes_a_nominal_difference(self):
        lik, groups = self.two_groups()
        shown = pd.DataFrame(True, index=["A", "B"], columns=["x", "y"])
        table = compare.compare_groups(lik, groups, 5, 2, shown, alpha=0.05)
        # two groups: "B vs rest" is "A vs rest" mirrored, so one test per item, A against B.
        # p = [0.0455 (x), 1 (y)]; BH: q(x) = 0.0455 * 2 / 1 = 0.091 > 0.05 -> nothing flagged
        assert table[["group", "versus", "item"]].to_numpy().tolist() == [["A", "B", "x"], ["A", "B", "y"]]
        assert table["p_value"].round(4).tolist() == [0.0455, 1.0]
        assert table["q_value"].round(3).tolist() == [0.091, 1.0]
        assert not table["significant"].any()
        assert table.loc[0, "difference_pts"] == pytest.approx(20.0)
        looser = compare.compare_groups(lik, groups, 5, 2, shown, alpha=0.10)
        assert looser["significant"].tolist() == [True, False]

    def test_hidden_cells_are_not_tested(self):
        lik, groups = self.two_groups()
        shown = pd.DataFrame([[True, True], [False, False]], index=["A", "B"], columns=["x", "y"])
        table = compare.compare_groups(lik, groups, 5, 2, shown)
        assert set(table["group"]) == {"A"}

    def test_waves(self):
        lik, _ = self.two_groups()
        now, before = lik.iloc[:50].reset_index(drop=True), lik.iloc[50:].reset_index(drop=True)
        table = compare.compare_waves(now, before, 5, 2)
        # x: 60% now vs 40% before, +20 points, p 0.0455; y: 50 vs 50, p 1; BH q(x) = 0.0455 * 2 / 1 = 0.091
        assert table["change_pts"].round(1).tolist() == [20.0, 0.0]
        assert table["q_value"].round(3).tolist() == [0.091, 1.0]


class TestDrivers:
    def test_correlations_and_quadrants(self):
        outcome = pd.Series([1, 2, 3, 4, 5] * 4, dtype="float64")
        lik = frame(up=[1, 2, 3, 4, 5] * 4, down=[5, 4, 3, 2, 1] * 4, flat=[3, 3, 3, 3, 4] * 4)
        fav = pd.Series({"up": 30.0, "down": 80.0, "flat": 50.0})
        table = drivers.driver_table(lik, outcome, fav).set_index("item")
        assert table.loc["up", "correlation"] == pytest.approx(1.0)
        assert table.loc["down", "correlation"] == pytest.approx(-1.0)
        # medians: correlation 0.707 (flat's), favourable 50 -> 'up' strong & low = priority
        assert table.loc["up", "quadrant"].startswith("Priority")
        assert table.loc["down", "quadrant"].startswith("Maintain")

    def test_too_few_pairs(self):
        table = drivers.driver_table(frame(a=[1, 2, 3]), pd.Series([1.0, 2.0, 3.0]), pd.Series({"a": 10.0}))
        assert np.isnan(table.loc[0, "correlation"]) and table.loc[0, "quadrant"] == "not enough answers"
