"""Working-day calendars per country: workdays minus public holidays minus change freezes.

Days are counted as integer offsets from an origin date (day 0), which is what the CP-SAT model
works with; :class:`WorkCalendar` converts between offsets and dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
import numpy as np

DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def parse_workdays(names) -> tuple[int, ...]:
    """Turn ``["Mon", "Tuesday", 3]`` into weekday numbers (Monday = 0).

    Examples
    --------
    >>> parse_workdays(["Mon", "tuesday", "FRI"])
    (0, 1, 4)
    """
    days = set()
    for name in names:
        if isinstance(name, int) and 0 <= name <= 6:
            days.add(name)
            continue
        key = str(name).strip().lower()[:3]
        if key not in DAY_NAMES:
            raise ValueError(f"unknown weekday {name!r} (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)")
        days.add(DAY_NAMES.index(key))
    if not days:
        raise ValueError("workdays is empty: at least one weekday must be worked")
    return tuple(sorted(days))


@lru_cache(maxsize=1)
def supported_countries() -> frozenset[str]:
    """ISO 3166 alpha-2 codes the ``holidays`` package has calendars for."""
    return frozenset(holidays.list_supported_countries())


@lru_cache(maxsize=256)
def _holiday_dates(country: str, first_year: int, last_year: int) -> frozenset[dt.date]:
    calendar = holidays.country_holidays(country, years=range(first_year, last_year + 1))
    return frozenset(calendar.keys())


@dataclass
class WorkCalendar:
    """Calendar days from ``origin`` over ``horizon`` days, with per-country working days.

    Parameters
    ----------
    origin : date
        Day 0.
    horizon : int
        Number of days covered (offsets ``0 .. horizon-1``).
    workdays : tuple of int
        Weekdays worked (Monday = 0).
    blackouts : list of (date, date)
        Inclusive change-freeze ranges when no site is worked.
    """

    origin: dt.date
    horizon: int
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    blackouts: list[tuple[dt.date, dt.date]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._cache: dict[str, np.ndarray] = {}
        weekday = (np.arange(self.horizon) + self.origin.weekday()) % 7
        self._base = np.isin(weekday, self.workdays)
        self._blackout = np.zeros(self.horizon, dtype=bool)
        for start, end in self.blackouts:
            lo, hi = max(self.offset(start), 0), min(self.offset(end), self.horizon - 1)
            if lo <= hi:
                self._blackout[lo : hi + 1] = True

    # ------------------------------------------------------------------ conversions
    def offset(self, day) -> int:
        """Offset of a date from the origin (may be negative or beyond the horizon)."""
        if isinstance(day, dt.datetime):  # pandas Timestamps included
            day = day.date()
        return (day - self.origin).days

    def date(self, offset: int) -> dt.date:
        """Date of a day offset."""
        return self.origin + dt.timedelta(days=int(offset))

    def dates(self, offsets) -> list[dt.date]:
        """Dates of many offsets."""
        return [self.date(o) for o in offsets]

    @property
    def common_working_days(self) -> np.ndarray:
        """Offsets of the days worked somewhere: workdays outside change freezes (holidays ignored)."""
        return np.flatnonzero(self._base & ~self._blackout)

    @property
    def blackout_days(self) -> np.ndarray:
        """Boolean array: the day is inside a change freeze."""
        return self._blackout

    # ------------------------------------------------------------------ working days
    def working(self, country: str) -> np.ndarray:
        """Boolean array over the horizon: ``True`` where a site in ``country`` is worked.

        Raises ``NotImplementedError`` (from ``holidays``) for a country it does not know.
        """
        if country not in self._cache:
            last = self.date(self.horizon - 1).year
            off = _holiday_dates(country, self.origin.year, last)
            hol = np.zeros(self.horizon, dtype=bool)
            for day in off:
                k = (day - self.origin).days
                if 0 <= k < self.horizon:
                    hol[k] = True
            self._cache[country] = self._base & ~hol & ~self._blackout
        return self._cache[country]

    def working_days(self, country: str) -> np.ndarray:
        """Offsets of the working days of ``country``, ascending."""
        return np.flatnonzero(self.working(country))

    def holidays_between(self, country: str, first: int, last: int) -> list[dt.date]:
        """Public holidays of ``country`` on weekdays worked, between two offsets (inclusive)."""
        work = self.working(country)
        return [
            self.date(k)
            for k in range(max(first, 0), min(last, self.horizon - 1) + 1)
            if self._base[k] and not self._blackout[k] and not work[k]
        ]

    def end_of(self, country: str, start: int, duration: int) -> int | None:
        """Offset of the last working day when ``duration`` working days start on or after ``start``.

        Returns None when the horizon is too short.
        """
        days = self.working_days(country)
        k = int(np.searchsorted(days, start))
        if k + duration - 1 >= len(days):
            return None
        return int(days[k + duration - 1])

    def count_working(self, country: str, first: int, last: int) -> int:
        """Number of working days of ``country`` between two offsets (inclusive)."""
        work = self.working(country)
        lo, hi = max(first, 0), min(last, self.horizon - 1)
        return int(work[lo : hi + 1].sum()) if lo <= hi else 0
