"""The event-attendance assessment on small hand-made attendance data: colours, verdict, views, sheets.

Every expected figure is worked out by hand in the comments; the readers are not used (the frames are
built in the canonical shape of ``.dev``'s spec, as :mod:`pmokit.sources.attendance` returns them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import pytest

from pmokit import report
from pmokit.events import assess as ev
from pmokit.events.params import EventAttendanceParams

T = pd.Timestamp


@dataclass
class Att:
    sessions: pd.DataFrame
    joins: pd.DataFrame


def _sessions() -> pd.DataFrame:
    # two one-hour sessions of one series and one town hall
    return pd.DataFrame(
        {
            "session_id": ["s1", "s2", "th"],
            "file": ["s1.csv", "s2.csv", "th.csv"],
            "title": ["W11 training 1", "W11 training 2", "Town hall"],
            "start": [T("2026-11-02 09:00"), T("2026-11-09 09:00"), T("2026-11-10 15:00")],
            "end": [T("2026-11-02 10:00"), T("2026-11-09 10:00"), T("2026-11-10 16:00")],
            "duration_min": [60.0, 60.0, 60.0],
            "layout": ["teams", "teams", "teams"],
            "has_intervals": [True, True, True],
        }
    )


def _join(session, name, email, start, end, role="attendee"):
    return {
        "session_id": session,
        "name": name,
        "email": email,
        "upn": email,
        "role": role,
        "join": T(start),
        "leave": T(end),
        "minutes": (T(end) - T(start)).total_seconds() / 60,
        "guest": False,
    }


def _joins() -> pd.DataFrame:
    rows = [
        _join("s1", "Trainer", "trainer@x.com", "2026-11-02 08:55", "2026-11-02 10:00", "organizer"),
        # ann: 09:00-09:20 and 09:15-09:45 overlap -> 45 minutes, at least 30 (half of 60): attended
        _join("s1", "Ann", "ann@x.com", "2026-11-02 09:00", "2026-11-02 09:20"),
        _join("s1", "Ann", "ann@x.com", "2026-11-02 09:15", "2026-11-02 09:45"),
        # bob: 20 minutes < 30: present, not attended
        _join("s1", "Bob", "bob@x.com", "2026-11-02 09:00", "2026-11-02 09:20"),
        # cat attends session 2 in full
        _join("s2", "Cat", "cat@x.com", "2026-11-09 09:00", "2026-11-09 10:00"),
        # dan only went to the town hall: not the training series
        _join("th", "Dan", "dan@x.com", "2026-11-10 15:00", "2026-11-10 16:00"),
    ]
    return pd.DataFrame(rows)


def _roster() -> pd.DataFrame:
    # four required people; due dates: ann and bob 2026-11-20 (bob overdue on 11-27), cat none, dan 12-05
    return pd.DataFrame(
        {
            "email": ["ann@x.com", "bob@x.com", "cat@x.com", "dan@x.com"],
            "name": ["Ann", "Bob", "Cat", "Dan"],
            "department": ["IT", "IT", "Finance", "Finance"],
            "site": ["S1", "S2", "S1", "S2"],
            "manager": ["Mia", "Mia", "Noa", "Noa"],
            "due_date": [T("2026-11-20"), T("2026-11-20"), pd.NaT, T("2026-12-05")],
        }
    )


def _params(**extra) -> EventAttendanceParams:
    values = {"attendance_paths": "unused", "series": {"W11": "W11 training"}, "as_of": "2026-11-27"}
    return EventAttendanceParams.model_validate({**values, **extra})


def test_completion_overdue_and_due_soon_by_hand():
    result = ev.assess(Att(_sessions(), _joins()), _params(), roster=_roster())
    m = result.metrics
    # completed the W11 series: ann (45 min in s1) and cat (s2); bob 20 min < 30; dan only the town hall
    assert (m["required"], m["completed"], m["completion_pct"]) == (4, 2, 50.0)
    # bob: due 11-20 < 11-27, not completed -> overdue; dan: due 12-05 within 14 days -> due soon
    assert (m["overdue_people"], m["due_soon_people"]) == (1, 1)
    # 50% < 75% red; 1 overdue: amber (above 0, not above 10); the verdict takes the worse: red
    assert result.ratings["completion_pct"].rag == "red"
    assert result.ratings["overdue_people"].rag == "amber"
    assert result.rating.rag == "red"
    assert result.verdict.startswith("2 of 4 required people (50%) have completed W11")
    assert "1 person is overdue and 1 person is due within 14 days" in result.verdict
    # the organiser is not an attendee: ann, cat, dan attended something (bob did not reach 30 minutes)
    assert m["attendees"] == 3


def test_without_a_roster_everything_rated_is_grey_never_green():
    result = ev.assess(Att(_sessions(), _joins()), _params())
    assert result.metrics["completion_pct"] is None and result.metrics["overdue_people"] is None
    assert {r.rag for r in result.ratings.values()} == {"grey"}
    assert result.rating.rag == "grey" and "no roster" in result.rating.reason
    assert "completion" in result.why_empty and result.completion is None
    assert "without a roster" in result.verdict


def test_everyone_completed_is_done_not_green():
    roster = _roster().iloc[[0, 2]]  # ann and cat, both completed
    upcoming = [{"title": "W11 training 3", "start": "2026-12-01T09:00:00", "capacity": 5}]
    result = ev.assess(Att(_sessions(), _joins()), _params(upcoming=upcoming), roster=roster)
    assert result.metrics["completion_pct"] == 100.0
    assert result.rating.rag == "done"
    assert result.why_empty["invitations"].startswith("every required person has completed")


def test_attendance_threshold_in_minutes_wins_over_the_share():
    # 20 minutes now counts: bob completes too -> 3 of 4
    result = ev.assess(Att(_sessions(), _joins()), _params(min_attended_minutes=20), roster=_roster())
    assert result.metrics["completed"] == 3


def test_required_series_not_among_the_sessions_is_a_clear_error():
    with pytest.raises(Exception, match="required_series"):
        ev.assess(Att(_sessions(), _joins()), _params(required_series="Excel basics"), roster=_roster())


def test_heat_table_by_hand():
    people = pd.DataFrame(
        {
            "department": ["A", "A", "A", "B", "B"],
            "site": ["X", "X", "Y", "X", "Y"],
            "completed": [True, False, False, True, True],
        }
    )
    heat = ev.heat_table(people)
    # A/X: 1 of 2 = 50; A/Y: 0 of 1 = 0; B/X 100; B/Y 100
    assert heat.loc["A", "X"] == 50 and heat.loc["A", "Y"] == 0
    assert heat.loc["B", "X"] == 100 and heat.loc["B", "Y"] == 100
    assert ev.heat_table(people.assign(site="X")) is None  # one site: no heat map


def test_views_are_in_words_and_sheets_complete():
    result = ev.assess(Att(_sessions(), _joins()), _params(), roster=_roster())
    assert list(result.sessions_view.columns)[:4] == ["Session", "Title", "Registered", "Attended"]
    assert list(result.sessions_view["Session"]) == ["2026-11-02", "2026-11-09", "2026-11-10"]
    # no registrations: the registration columns are empty, shown "—" in the report, never nan or <NA>
    assert result.sessions_view["Registered"].isna().all()
    html = report.table_html(result.sessions_view, "Sessions", formats=ev.SESSION_FORMATS)
    assert "—" in html and "nan" not in html and "NA&gt;" not in html
    matrix = result.sheets["People x sessions (minutes)"]
    ann = matrix.loc[matrix["Person"] == "ann@x.com"].iloc[0]
    assert ann["2026-11-02 09:00"] == 45
    assert set(result.sheets) == {
        "Sessions",
        "People x sessions (minutes)",
        "Required people",
        "Overdue per manager",
        "Completion by department",
        "Completion by site",
        "Completion by manager",
    }
    # due people: bob overdue (7 days late), dan due soon (8 days left), most overdue first
    assert list(result.due_people["Name"]) == ["Bob", "Dan"]
    assert list(result.due_people["Days"]) == ["7 days late", "8 days left"]


def test_invitations_place_the_untrained_within_capacity():
    upcoming = [
        {"title": "W11 training 3", "start": "2026-12-01T09:00:00", "capacity": 1, "timezone": "UTC"},
        {"title": "W11 training 4", "start": "2026-12-08T09:00:00", "capacity": 5, "timezone": "UTC"},
    ]
    result = ev.assess(Att(_sessions(), _joins()), _params(upcoming=upcoming), roster=_roster())
    invited = result.assignment.invited
    # bob (due 11-20) and dan (due 12-05) have not completed. Lateness in days:
    #   dan -> 12-01 (0), bob -> 12-08 (18): total 18
    #   bob -> 12-01 (11), dan -> 12-08 (3): total 14  <- least total lateness
    assert sorted(invited["email"]) == ["bob@x.com", "dan@x.com"]
    first = invited.loc[invited["session"] == "W11 training 3", "email"].tolist()
    assert first == ["bob@x.com"]
    assert sorted(invited["late_days"]) == [3, 11]
    assert result.metrics["invited_people"] == 2 and result.metrics["unplaceable_people"] == 0


def test_report_date_defaults_to_the_day_after_the_last_session():
    assert ev.report_date(_sessions(), None) == dt.date(2026, 11, 11)
    assert ev.report_date(_sessions(), dt.date(2026, 12, 1)) == dt.date(2026, 12, 1)


def test_params_refuse_a_bad_time_zone_and_crossed_bands():
    with pytest.raises(ValueError, match="unknown time zone"):
        _params(upcoming=[{"title": "x", "start": "2026-12-01T09:00:00", "capacity": 3, "timezone": "Mars/Base"}])
    with pytest.raises(ValueError, match="completion_red_pct"):
        _params(completion_red_pct=95)
    with pytest.raises(ValueError, match="feedback_survey_path"):
        _params(feedback_path="f.xlsx")


def test_a_long_series_lists_attendance_instead_of_a_matrix(monkeypatch):
    # with the matrix limit at 2 sessions, the 3 sessions are listed one row per person and session:
    # ann s1 (45), cat s2 (60), dan th (60); bob did not reach the threshold -> 3 rows
    monkeypatch.setattr(ev, "MATRIX_MAX_SESSIONS", 2)
    result = ev.assess(Att(_sessions(), _joins()), _params(), roster=_roster())
    listed = result.sheets["Attendance (minutes)"]
    assert "People x sessions (minutes)" not in result.sheets
    assert list(zip(listed["Person"], listed["Minutes"])) == [("ann@x.com", 45), ("cat@x.com", 60), ("dan@x.com", 60)]


def test_a_series_in_parts_needs_a_session_of_every_part():
    # parts: "1" = W11 training 1, "2" = W11 training 2. ann attended only part 1 (45 min), cat only part 2:
    # nobody attended both -> 0 of 4 completed; bob (due 11-20) and ann (due 11-20) are overdue, dan due soon
    result = ev.assess(
        Att(_sessions(), _joins()), _params(parts={"1": "training 1$", "2": "training 2$"}), roster=_roster()
    )
    m = result.metrics
    assert (m["completed"], m["completion_pct"]) == (0, 0.0)
    assert (m["overdue_people"], m["due_soon_people"]) == (2, 1)
    assert "of each of its parts (1, 2)" in result.notes["Completion"]
    # a part no session of the series matches is a clear error
    with pytest.raises(Exception, match="parts"):
        ev.assess(Att(_sessions(), _joins()), _params(parts={"1": "training 1$", "x": "Excel"}), roster=_roster())
