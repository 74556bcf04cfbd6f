"""Working-day calendars per country."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from pmokit.rollout.calendar import WorkCalendar, parse_workdays, supported_countries

MON = dt.date(2026, 10, 19)  # the week before Austria's National Day (Mon 26 Oct 2026)


class TestWorkCalendar:
    def test_holiday_removed_for_its_country_only(self):
        cal = WorkCalendar(MON, 14)
        # two weeks = 10 weekdays; Austria loses Mon 26 Oct, Germany does not
        assert cal.count_working("AT", 0, 13) == 9
        assert cal.count_working("DE", 0, 13) == 10
        assert cal.holidays_between("AT", 0, 13) == [dt.date(2026, 10, 26)]

    def test_end_of_skips_weekend_and_holiday(self):
        cal = WorkCalendar(MON, 30)
        # 6 days from Mon 19: Mon-Fri (5), skip Sat/Sun/holiday Mon 26, Tue 27 is the 6th = offset 8
        assert cal.end_of("AT", 0, 6) == 8
        assert cal.end_of("DE", 0, 6) == 7  # Mon 26 worked in Germany

    def test_blackout_removes_days_for_everyone(self):
        cal = WorkCalendar(MON, 7, blackouts=[(dt.date(2026, 10, 20), dt.date(2026, 10, 21))])
        assert cal.working_days("DE").tolist() == [0, 3, 4]

    def test_custom_workdays(self):
        cal = WorkCalendar(MON, 7, workdays=parse_workdays(["Mon", "Sat"]))
        assert np.flatnonzero(cal.working("DE")).tolist() == [0, 5]

    def test_end_of_beyond_horizon_is_none(self):
        assert WorkCalendar(MON, 5).end_of("DE", 0, 6) is None

    def test_offsets_and_dates(self):
        cal = WorkCalendar(MON, 10)
        assert cal.offset(dt.date(2026, 10, 26)) == 7
        assert cal.date(7) == dt.date(2026, 10, 26)


def test_parse_workdays_refuses_unknown_names():
    with pytest.raises(ValueError, match="unknown weekday 'Funday'"):
        parse_workdays(["Mon", "Funday"])


def test_supported_countries_include_the_sample():
    assert {"DE", "AT", "CH", "FR", "BE", "NL", "SE", "DK", "ES", "IT"} <= supported_countries()
    assert "XX" not in supported_countries()
