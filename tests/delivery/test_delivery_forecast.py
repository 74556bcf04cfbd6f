"""Monte Carlo forecasts: exact answers for constant throughput, a hand-worked random case, seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmokit.delivery import forecast

AS_OF = pd.Timestamp("2026-03-15")


class TestWhen:
    def test_constant_throughput_is_exact(self):
        # 5 items every week, 12 items left: after 2 weeks 10 < 12, after 3 weeks 15 >= 12 -> 3 weeks
        weeks = forecast.weeks_to_finish([5, 5, 5, 5], 12, trials=1000, seed=7)
        assert set(weeks.tolist()) == {3}
        dates = forecast.when_dates(weeks, AS_OF)
        assert dates == {50: pd.Timestamp("2026-04-05"), 85: pd.Timestamp("2026-04-05"), 95: pd.Timestamp("2026-04-05")}

    def test_exact_multiple_needs_no_extra_week(self):
        assert set(forecast.weeks_to_finish([4], 12, trials=50).tolist()) == {3}  # 3 x 4 = 12

    def test_hand_worked_random_case(self):
        # history [0, 0, 10], 10 items left: done in the first week that draws the 10, so
        # P(done within k weeks) = 1 - (2/3)^k = .333, .556, .704, .802, .868, .912, .941, .961 for k = 1..8
        # -> P50 = 2 weeks, P85 = 5 weeks, P95 = 8 weeks (each margin is > 6 standard errors at 20,000 trials)
        weeks = forecast.weeks_to_finish([0, 0, 10], 10, trials=20_000, seed=3)
        dates = forecast.when_dates(weeks, AS_OF)
        assert dates[50] == AS_OF + pd.Timedelta(weeks=2)
        assert dates[85] == AS_OF + pd.Timedelta(weeks=5)
        assert dates[95] == AS_OF + pd.Timedelta(weeks=8)

    def test_nothing_left_means_today(self):
        weeks = forecast.weeks_to_finish([3, 4], 0, trials=10)
        assert forecast.when_dates(weeks, AS_OF)[85] == AS_OF

    def test_no_finished_item_cannot_be_forecast(self):
        with pytest.raises(ValueError, match="no item was finished"):
            forecast.weeks_to_finish([0, 0, 0], 5)

    def test_long_tail_beyond_the_first_horizon(self):
        # 1 item in 1 week of 20 on average: the first draw horizon (3 x 40 + 8 weeks) can be too short for some
        # trials; those must be extended, not reported as finishing at the horizon
        history = [1] + [0] * 19
        weeks = forecast.weeks_to_finish(history, 2, trials=2000, seed=5)
        assert weeks.max() > 48 and (weeks <= 520).mean() > 0.99


class TestSeeds:
    def test_same_seed_same_forecast(self):
        history = [3, 0, 7, 5, 2, 9]
        a = forecast.weeks_to_finish(history, 40, trials=500, seed=11)
        b = forecast.weeks_to_finish(history, 40, trials=500, seed=11)
        c = forecast.weeks_to_finish(history, 40, trials=500, seed=12)
        assert np.array_equal(a, b) and not np.array_equal(a, c)

    def test_how_many_is_seeded_too(self):
        history = [3, 0, 7, 5]
        assert np.array_equal(
            forecast.items_by_weeks(history, 6, 300, seed=2), forecast.items_by_weeks(history, 6, 300, seed=2)
        )


class TestHowMany:
    def test_constant_throughput(self):
        # 4 weeks at 5 items a week = 20, in every trial
        totals = forecast.items_by_weeks([5, 5, 5], 4, trials=200)
        assert forecast.how_many_levels(totals) == {50: 20, 85: 20, 95: 20}

    def test_levels_read_as_at_least(self):
        # two weeks from [0, 10]: totals 0, 10, 20 with chances 1/4, 1/2, 1/4;
        # P(>= 10) = 0.75 -> at least 10 at 50%; at 85% only "at least 0" holds
        totals = np.array([0] * 25 + [10] * 50 + [20] * 25)
        assert forecast.how_many_levels(totals) == {50: 10, 85: 0, 95: 0}

    def test_zero_weeks(self):
        assert forecast.items_by_weeks([5], 0, trials=3).tolist() == [0, 0, 0]


def test_probability_table():
    # 4 trials finishing in 1, 2, 2, 3 weeks: done by week 1 in 1/4, by week 2 in 3/4, by week 3 in all
    table = forecast.probability_table(np.array([1, 2, 2, 3]), AS_OF)
    assert table["probability"].tolist() == [0.25, 0.75, 1.0]
    assert table["date"].tolist() == [
        pd.Timestamp("2026-03-22"),
        pd.Timestamp("2026-03-29"),
        pd.Timestamp("2026-04-05"),
    ]
