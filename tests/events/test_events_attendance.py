"""events.attendance on small hand-made canonical frames (no reader involved): identity, minutes, attended,
series, registrations, per-session table, due dates, completion and the headline figures. Every expected
value is worked out by hand in a comment beside it."""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest

from pmokit.errors import InputError
from pmokit.events import attendance as att

T = pd.Timestamp
AS_OF = T("2026-11-20")


# ----------------------------------------------------------------------------- builders
def sessions(*rows) -> pd.DataFrame:
    """Canonical ``sessions``: rows of (session_id, title, start, minutes[, has_intervals])."""
    records = []
    for row in rows:
        session_id, title, start, minutes = row[:4]
        start = T(start)
        records.append(
            {
                "session_id": session_id,
                "file": f"{session_id}.csv",
                "title": title,
                "start": start,
                "end": start + pd.Timedelta(minutes=minutes),
                "duration_min": float(minutes),
                "layout": "teams",
                "has_intervals": row[4] if len(row) > 4 else True,
            }
        )
    return pd.DataFrame(records)


def joins(*rows) -> pd.DataFrame:
    """Canonical ``joins``: rows of (session_id, name, email, join, leave[, role, upn, minutes, guest])."""
    records = []
    for row in rows:
        session_id, name, email, join, leave = row[:5]
        extra = dict(zip(["role", "upn", "minutes", "guest"], row[5:]))
        records.append(
            {
                "session_id": session_id,
                "name": name,
                "email": email,
                "upn": extra.get("upn", email),
                "role": extra.get("role", "attendee"),
                "join": T(join),
                "leave": T(leave),
                "minutes": extra.get("minutes", math.nan),
                "guest": extra.get("guest", False),
            }
        )
    return pd.DataFrame(records)


def roster(*rows) -> pd.DataFrame:
    """Canonical roster: rows of (email, name, department, site, manager[, due_date])."""
    columns = ["email", "name", "department", "site", "manager", "due_date"]
    records = [dict(zip(columns, (*row, None) if len(row) == 5 else row)) for row in rows]
    frame = pd.DataFrame(records, columns=columns)
    frame["due_date"] = pd.to_datetime(frame["due_date"])
    return frame


def registrations(*rows) -> pd.DataFrame:
    """Canonical registrations: rows of (email, name, session[, cancelled])."""
    records = [
        {
            "email": r[0],
            "name": r[1],
            "session": r[2],
            "registered_at": pd.NaT,
            "cancelled": r[3] if len(r) > 3 else False,
        }
        for r in rows
    ]
    return pd.DataFrame(records)


def one_person_minutes(*intervals, has_intervals=True, stated=None) -> float:
    """Minutes of one attendee with the given (join, leave) clock times on 2026-11-03 (session 09:00-10:00)."""
    day = "2026-11-03 "
    s = sessions(("s1", "Training", day + "09:00", 60, has_intervals))
    rows = [
        ("s1", "Anna Meyer", "anna@contoso.com", day + join, day + leave, "attendee", "", (stated or [math.nan] * 9)[i])
        for i, (join, leave) in enumerate(intervals)
    ]
    out = att.presence(s, joins(*rows))
    assert len(out) == 1
    return float(out["minutes"].iloc[0])


# ----------------------------------------------------------------------------- identity
def test_normalise_name_and_person_key():
    """Names compared casefolded, spaces collapsed, "Last, First" turned; addresses before names."""
    assert att.normalise_name("Meyer, Anna") == "anna meyer"
    assert att.normalise_name("  ANNA   Meyer ") == "anna meyer"
    assert att.normalise_name("Anna Meyer (External)") == "anna meyer"
    # two commas: left in order, only casefolded
    assert att.normalise_name("Meyer, Anna, Dr.") == "meyer, anna, dr."
    assert att.person_key("Anna@Contoso.COM ", "other@contoso.com", "x") == "anna@contoso.com"
    assert att.person_key("", "Anna@Contoso.com", "x") == "anna@contoso.com"
    # a UPN that is not an address (Teams visitor id) and Forms' "anonymous" are not identities
    assert att.person_key("anonymous", "8:teamsvisitor:ab12", "Meyer, Anna") == "name:anna meyer"


def test_identify_matches_guest_by_unique_name_only():
    """A guest without an address is matched when exactly one roster person has the name; a name shared by
    two roster people is not guessed; an address outside the roster keeps the address."""
    people = roster(
        ("anna.meyer@contoso.com", "Anna Meyer", "IT", "S001", "Lee"),
        ("j.smith1@contoso.com", "John Smith", "HR", "S001", "Lee"),
        ("j.smith2@contoso.com", "John Smith", "Sales", "S002", "Kim"),
        ("olaf.berg@contoso.com", "Olaf Berg", "IT", "S002", "Kim"),
    )
    frame = joins(
        ("s1", "Meyer, Anna", "", "2026-11-03 09:00", "2026-11-03 10:00", "attendee", "8:teamsvisitor:1"),
        ("s1", "John Smith (Guest)", "", "2026-11-03 09:00", "2026-11-03 10:00", "attendee", "8:teamsvisitor:2"),
        ("s1", "Olaf Berg", "", "2026-11-03 09:00", "2026-11-03 10:00", "attendee", "OLAF.BERG@contoso.com"),
        ("s1", "Vendor Rep", "rep@vendor.example", "2026-11-03 09:00", "2026-11-03 10:00"),
    )
    out = att.identify(frame, people)
    assert out["person"].tolist() == [
        "anna.meyer@contoso.com",  # unique roster name, "Last, First" turned
        "name:john smith",  # two John Smiths in the roster: counted apart
        "olaf.berg@contoso.com",  # no e-mail, UPN is a roster address
        "rep@vendor.example",  # an address, not in the roster
    ]
    assert out["matched"].tolist() == ["name", "unmatched", "upn", "email"]
    assert out["in_roster"].tolist() == [True, False, True, False]
    assert att.roster_names(people)[1] == {"john smith"}


def test_identify_without_roster_keeps_name_only_people_unmatched():
    """No roster: addresses are identities, people known by name only are unmatched."""
    frame = joins(("s1", "Guest One", "", "2026-11-03 09:00", "2026-11-03 10:00", "attendee", ""))
    out = att.identify(frame)
    assert (out["person"].iloc[0], out["matched"].iloc[0], bool(out["in_roster"].iloc[0])) == (
        "name:guest one",
        "unmatched",
        False,
    )


# ----------------------------------------------------------------------------- minutes, late, early
def test_rejoin_with_overlapping_intervals_counts_the_overlap_once():
    # 09:00-09:20 and 09:15-09:40: union 09:00-09:40 = 40 min (not 20 + 25 = 45)
    assert one_person_minutes(("09:00", "09:20"), ("09:15", "09:40")) == 40.0


def test_disjoint_and_nested_intervals():
    # 09:00-09:10 and 09:30-09:45: 10 + 15 = 25 min
    assert one_person_minutes(("09:30", "09:45"), ("09:00", "09:10")) == 25.0
    # 09:00-09:50 holds 09:10-09:20 and 09:40-09:55: union 09:00-09:55 = 55 min
    assert one_person_minutes(("09:00", "09:50"), ("09:10", "09:20"), ("09:40", "09:55")) == 55.0


def test_without_intervals_the_stated_minutes_are_summed():
    """Teams section 2 only (one summary row, has_intervals False): the file's stated minutes are used."""
    # stated 38.5 min although first join to last leave spans 60
    assert one_person_minutes(("09:00", "10:00"), has_intervals=False, stated=[38.5]) == 38.5


def test_late_and_early_at_the_ten_minute_boundary():
    """Joining 10 minutes after the start is on time, 10 min 1 s is late; leaving exactly 10 minutes before the
    end is not early, 10 min 1 s before is."""
    s = sessions(("s1", "Training", "2026-11-03 09:00", 60))
    frame = joins(
        ("s1", "A", "a@contoso.com", "2026-11-03 09:10:00", "2026-11-03 09:50:00"),
        ("s1", "B", "b@contoso.com", "2026-11-03 09:10:01", "2026-11-03 09:49:59"),
        ("s1", "Host", "host@contoso.com", "2026-11-03 09:30", "2026-11-03 09:31", "organizer"),
    )
    out = att.presence(s, frame).set_index("person")
    assert list(out.index) == ["a@contoso.com", "b@contoso.com"]  # the organiser is left out
    assert out["late"].tolist() == [False, True]
    assert out["early"].tolist() == [False, True]
    # A: 09:10-09:50 = 40 min; B: 09:10:01-09:49:59 = 39 min 58 s = 39.9667
    assert out.loc["a@contoso.com", "minutes"] == 40.0
    assert out.loc["b@contoso.com", "minutes"] == pytest.approx(39 + 58 / 60)


def test_exclude_roles_can_be_emptied():
    s = sessions(("s1", "Training", "2026-11-03 09:00", 60))
    frame = joins(("s1", "Host", "host@contoso.com", "2026-11-03 09:00", "2026-11-03 10:00", "Organizer"))
    assert att.presence(s, frame).empty
    assert att.presence(s, frame, exclude_roles=()).shape[0] == 1


# ----------------------------------------------------------------------------- attended
def test_threshold_reached_exactly_counts_as_attended():
    s = sessions(("s1", "Training", "2026-11-03 09:00", 45))
    frame = joins(
        ("s1", "A", "a@contoso.com", "2026-11-03 09:00:00", "2026-11-03 09:30:00"),  # 30 min
        ("s1", "B", "b@contoso.com", "2026-11-03 09:00:00", "2026-11-03 09:29:59"),  # 29 min 59 s
        ("s1", "C", "c@contoso.com", "2026-11-03 09:00:00", "2026-11-03 09:22:30"),  # 22.5 min
    )
    seen = att.presence(s, frame)
    assert att.mark_attended(seen, s, min_minutes=30)["attended"].tolist() == [True, False, False]
    # share 0.5 x 45 min = 22.5 min: C's 22.5 is exactly enough
    by_share = att.mark_attended(seen, s, min_share=0.5)
    assert by_share["threshold_min"].tolist() == [22.5, 22.5, 22.5]
    assert by_share["attended"].tolist() == [True, True, True]
    # minutes win over the share: 30 min, not 22.5
    assert att.mark_attended(seen, s, min_minutes=30, min_share=0.5)["attended"].tolist() == [True, False, False]
    # no threshold: anyone present attended
    assert att.mark_attended(seen, s)["attended"].all()


def test_bad_threshold_is_a_one_line_error():
    s = sessions(("s1", "Training", "2026-11-03 09:00", 45))
    seen = att.presence(s, joins(("s1", "A", "a@contoso.com", "2026-11-03 09:00", "2026-11-03 09:30")))
    with pytest.raises(InputError, match="min_attended_share.*between 0 and 1.*1.5"):
        att.mark_attended(seen, s, min_share=1.5)


# ----------------------------------------------------------------------------- series
def test_series_by_pattern_by_titles_and_own_title():
    s = sessions(
        ("a", "Windows 11 readiness #1", "2026-11-03 09:00", 60),
        ("b", "windows 11 READINESS #2", "2026-11-04 09:00", 60),
        ("c", "Go-live briefing Berlin", "2026-11-05 09:00", 60),
        ("d", "Town hall", "2026-11-06 09:00", 60),
        ("e", "Town hall", "2026-11-13 09:00", 60),
    )
    mapping = {"Windows 11": r"windows 11 readiness", "Briefings": [" go-live briefing berlin "]}
    out = att.series_of(s, mapping)
    assert out.to_dict() == {
        "a": "Windows 11",
        "b": "Windows 11",  # regex is case-insensitive
        "c": "Briefings",  # listed title, casefolded and trimmed
        "d": "Town hall",  # matches none: its own title, shared with e
        "e": "Town hall",
    }
    # default required series: most sessions (2 and 2 tie: alphabetical first)
    assert att.required_series(out) == "Town hall"
    assert att.required_series(out, "Briefings") == "Briefings"
    with pytest.raises(InputError, match="series.Bad"):
        att.series_of(s, {"Bad": "(unclosed"})


# ----------------------------------------------------------------------------- registrations
def series_of_three() -> pd.DataFrame:
    """Three sessions of one series sharing a title: two on Tue 3 Nov (10:00, 14:00), one Thu 5 Nov."""
    return sessions(
        ("s1", "Windows 11 readiness", "2026-11-03 10:00", 60),
        ("s2", "Windows 11 readiness", "2026-11-03 14:00", 60),
        ("s3", "Windows 11 readiness", "2026-11-05 10:00", 60),
    )


def test_registration_text_names_a_session_by_date_time_or_title():
    s = series_of_three()
    regs = registrations(
        ("a@contoso.com", "A", "Windows 11 readiness - Tue 3 Nov, 14:00"),  # date + time: s2
        ("b@contoso.com", "B", "Thursday 5th November"),  # only one session that day: s3
        ("c@contoso.com", "C", "Windows 11 readiness"),  # title shared by three: the series
        ("d@contoso.com", "D", ""),  # no session named: the only series
        ("e@contoso.com", "E", "Tue 3 Nov"),  # two sessions that day, no time: the series
        ("f@contoso.com", "F", "Windows 11 readiness - Thu 10 Dec"),  # a day with no session read
        ("g@contoso.com", "G", "Nov 5", True),  # cancelled: dropped
        ("h@contoso.com", "H", "2026-11-03 10am"),  # ISO date + 12 h clock: s1
    )
    out = att.match_registrations(regs, s).set_index("person")
    assert out["session_id"].to_dict() == {
        "a@contoso.com": "s2",
        "b@contoso.com": "s3",
        "c@contoso.com": "",
        "d@contoso.com": "",
        "e@contoso.com": "",
        "f@contoso.com": "",
        "h@contoso.com": "s1",
    }
    assert set(out["series"]) == {"Windows 11 readiness"}
    assert out["session_held"].to_dict()["f@contoso.com"] is False
    assert out["session_held"].sum() == 6  # all but f


def test_registration_title_picks_among_series():
    s = sessions(
        ("t1", "Town hall", "2026-11-03 10:00", 60),
        ("w1", "Windows 11 readiness", "2026-11-04 10:00", 60),
        ("w2", "Windows 11 readiness", "2026-11-05 10:00", 60),
    )
    regs = registrations(
        ("a@contoso.com", "A", "town hall"),  # unique title: t1
        ("b@contoso.com", "B", "I'll join Windows 11 Readiness"),  # contains a shared title: its series
        ("c@contoso.com", "C", ""),  # two series: undecided
    )
    out = att.match_registrations(regs, s)
    assert out["session_id"].tolist() == ["t1", "", ""]
    assert out["series"].tolist() == ["Town hall", "Windows 11 readiness", ""]


# ----------------------------------------------------------------------------- per session
def session_fixture():
    """Two sessions of one series; threshold 30 min.

    s1 (Tue 3 Nov 10:00-11:00): a 60 min, b 20 min (not attended), c 45 min joined 10:15 (late),
    d 40 min leaving 10:40 (early), e 60 min. s2 (Thu 5 Nov 10:00-11:00): b 60 min.
    Registered: a, b, c for s1; b for s2 too; d for the series (no session named); f for s2 (no-show).
    """
    s = sessions(("s1", "W11", "2026-11-03 10:00", 60), ("s2", "W11", "2026-11-05 10:00", 60))
    day1, day2 = "2026-11-03 ", "2026-11-05 "
    frame = joins(
        ("s1", "A", "a@contoso.com", day1 + "10:00", day1 + "11:00"),
        ("s1", "B", "b@contoso.com", day1 + "10:00", day1 + "10:20"),
        ("s1", "C", "c@contoso.com", day1 + "10:15", day1 + "11:00"),
        ("s1", "D", "d@contoso.com", day1 + "10:00", day1 + "10:40"),
        ("s1", "E", "e@contoso.com", day1 + "10:00", day1 + "11:00"),
        ("s2", "B", "b@contoso.com", day2 + "10:00", day2 + "11:00"),
    )
    seen = att.mark_attended(att.presence(s, frame), s, min_minutes=30)
    regs = registrations(
        ("a@contoso.com", "A", "Tue 3 Nov"),
        ("b@contoso.com", "B", "Tue 3 Nov"),
        ("c@contoso.com", "C", "Tue 3 Nov"),
        ("b@contoso.com", "B", "Thu 5 Nov"),
        ("d@contoso.com", "D", ""),
        ("f@contoso.com", "F", "Thu 5 Nov"),
    )
    return s, seen, att.match_registrations(regs, s)


def test_session_table_counts_and_rates():
    s, seen, regs = session_fixture()
    table = att.session_table(s, seen, regs).set_index("session_id")
    s1, s2 = table.loc["s1"], table.loc["s2"]
    # s1: registered {a,b,c} = 3; attended {a,c,d,e} = 4; no-shows {b} = 1; walk-ins: e only (d registered
    # for the series) = 1; rate 2/3 = 66.7 %; no-show 1/3 = 33.3 %
    assert (s1["registered"], s1["attended"], s1["no_shows"], s1["walk_ins"]) == (3, 4, 1, 1)
    assert (s1["attendance_rate_pct"], s1["no_show_pct"]) == (66.7, 33.3)
    # median of 60, 45, 40, 60 = (45 + 60) / 2 = 52.5; late: c; early: d
    assert (s1["median_minutes"], s1["late_joiners"], s1["early_leavers"]) == (52.5, 1, 1)
    # s2: registered {b,f} = 2; attended {b}; no-show f; rate 1/2 = 50 %
    assert (s2["registered"], s2["attended"], s2["no_shows"], s2["walk_ins"]) == (2, 1, 1, 0)
    assert (s2["attendance_rate_pct"], s2["no_show_pct"], s2["median_minutes"]) == (50.0, 50.0, 60.0)


def test_session_table_without_registrations_leaves_registration_columns_empty():
    s, seen, _ = session_fixture()
    table = att.session_table(s, seen)
    assert table["registered"].isna().all() and table["walk_ins"].isna().all()
    assert table["attendance_rate_pct"].isna().all()
    assert table["attended"].tolist() == [4, 1]


def test_overall_rates_are_per_series():
    s, seen, regs = session_fixture()
    metrics = att.overall_metrics(s, seen, regs)
    # series registrations: a, b, c, d, f = 5; attended any session: a, b (s2), c, d = 4 -> 80 %;
    # no-show f = 1/5 = 20 %; walk-ins: e = 1; attendees a, b, c, d, e = 5
    assert metrics["attendance_rate_pct"] == 80.0
    assert metrics["no_show_pct"] == 20.0
    assert metrics["walk_ins"] == 1
    assert (metrics["sessions"], metrics["attendees"]) == (2, 5)


def test_no_registrations_and_no_roster_give_none():
    s, seen, _ = session_fixture()
    metrics = att.overall_metrics(s, seen)
    assert metrics["attendance_rate_pct"] is None and metrics["no_show_pct"] is None
    assert metrics["walk_ins"] is None
    assert metrics["completion_pct"] is None and metrics["overdue_people"] is None
    # registrations that name no read session's series (two series, blank choice) also give None
    regs = att.match_registrations(registrations(("a@contoso.com", "A", "")), s, pd.Series({"s1": "X", "s2": "Y"}))
    assert att.overall_metrics(s, seen, regs, pd.Series({"s1": "X", "s2": "Y"}))["attendance_rate_pct"] is None


# ----------------------------------------------------------------------------- due dates and completion
def test_due_date_from_roster_then_plan_then_parameter():
    people = roster(
        ("a@contoso.com", "A", "IT", "S001", "Lee", "2026-11-25"),  # own date wins over the plan
        ("b@contoso.com", "B", "IT", "s001", "Lee"),  # site S001 in the plan (casefolded): 2026-11-23
        ("c@contoso.com", "C", "IT", "S009", "Lee"),  # site not in the plan: the parameter
    )
    # S001 has two waves: the earliest start counts
    plan = pd.DataFrame({"site_id": ["S001", "S001", "S002"], "start_date": ["2026-12-07", "2026-11-23", "2026-12-01"]})
    out = att.due_dates(people, plan, due_date="2026-12-31")
    assert out["due_date"].tolist() == [T("2026-11-25"), T("2026-11-23"), T("2026-12-31")]
    assert out["due_from"].tolist() == ["roster", "plan", "parameter"]
    bare = att.due_dates(people.drop(columns="due_date"))
    assert bare["due_date"].isna().all() and bare["due_from"].tolist() == ["", "", ""]
    with pytest.raises(InputError, match="plan.*site_id and start_date"):
        att.due_dates(people, pd.DataFrame({"site": ["S001"]}))


def test_overdue_and_due_soon_at_the_boundaries():
    """as_of 2026-11-20: due 11-19 overdue; due 11-20 (today) and 12-04 (+14 days) due soon; 12-05 neither."""
    people = roster(
        ("a@contoso.com", "A", "IT", "S1", "Lee", "2026-11-19"),
        ("b@contoso.com", "B", "IT", "S1", "Lee", "2026-11-20"),
        ("c@contoso.com", "C", "IT", "S1", "Lee", "2026-12-04"),
        ("d@contoso.com", "D", "IT", "S1", "Lee", "2026-12-05"),
        ("e@contoso.com", "E", "IT", "S1", "Lee"),  # no due date: never overdue
        ("f@contoso.com", "F", "IT", "S1", "Lee", "2026-11-01"),  # past due but completed: not overdue
    )
    s = sessions(("s1", "W11", "2026-11-10 09:00", 60))
    seen = att.mark_attended(
        att.presence(s, joins(("s1", "F", "f@contoso.com", "2026-11-10 09:00", "2026-11-10 10:00"))), s
    )
    out = att.completion(people, seen, att.series_of(s), "W11", AS_OF)
    assert out["overdue"].tolist() == [True, False, False, False, False, False]
    assert out["due_soon"].tolist() == [False, True, True, False, False, False]
    assert out["completed"].tolist() == [False] * 5 + [True]
    assert out["completed_on"].iloc[5] == T("2026-11-10")


def test_completion_counts_only_attended_sessions_of_the_required_series():
    people = roster(
        ("a@contoso.com", "A", "IT", "S1", "Lee"),
        ("b@contoso.com", "B", "IT", "S1", "Lee"),
        ("c@contoso.com", "C", "HR", "S2", "Kim"),
    )
    s = sessions(("w1", "W11", "2026-11-03 09:00", 60), ("t1", "Town hall", "2026-11-04 09:00", 60))
    frame = joins(
        ("w1", "A", "a@contoso.com", "2026-11-03 09:00", "2026-11-03 10:00"),  # 60 min: completes
        ("w1", "B", "b@contoso.com", "2026-11-03 09:00", "2026-11-03 09:10"),  # 10 min < 30: not attended
        ("t1", "C", "c@contoso.com", "2026-11-04 09:00", "2026-11-04 10:00"),  # other series
    )
    seen = att.mark_attended(att.presence(s, frame), s, min_minutes=30)
    out = att.completion(people, seen, att.series_of(s), "W11", AS_OF)
    assert out["completed"].tolist() == [True, False, False]
    # required None: any session counts, so c completes too
    assert att.completion(people, seen, att.series_of(s), None, AS_OF)["completed"].tolist() == [True, False, True]


def test_completion_by_and_headline_arithmetic():
    """IT: 3 people, 1 completed = 33.3 %; HR: 1 of 1 = 100 %; blank department: 0 of 1 = 0 %.
    Overall 2 of 5 = 40 %."""
    frame = pd.DataFrame(
        {
            "email": ["a@c.com", "b@c.com", "c@c.com", "d@c.com", "e@c.com"],
            "department": ["IT", "IT", "IT", "HR", ""],
            "completed": [True, False, False, True, False],
            "overdue": [False, True, False, False, True],
            "due_soon": [False, False, True, False, False],
        }
    )
    table = att.completion_by(frame, "department")
    assert table["department"].tolist() == ["(blank)", "IT", "HR"]  # lowest completion first
    assert table["required"].tolist() == [1, 3, 1]
    assert table["completed"].tolist() == [0, 1, 1]
    assert table["completion_pct"].tolist() == [0.0, 33.3, 100.0]
    assert table["overdue"].tolist() == [1, 1, 0] and table["due_soon"].tolist() == [0, 1, 0]
    s, seen, _ = session_fixture()
    metrics = att.overall_metrics(s, seen, completion=frame)
    assert (metrics["required"], metrics["completed"], metrics["completion_pct"]) == (5, 2, 40.0)
    assert (metrics["overdue_people"], metrics["due_soon_people"]) == (2, 1)


def test_sites_at_risk_lists_sites_with_untrained_people():
    """S1 starts 2026-11-23 (3 days after as_of) with 1 of 2 trained; S2 all trained (left out); S3 started
    2026-11-16 (-4 days) with 0 of 1 trained; S4 has nobody on the roster (left out)."""
    frame = pd.DataFrame(
        {
            "email": ["a@c.com", "b@c.com", "c@c.com", "d@c.com"],
            "site": ["S1", "s1", "S2", "S3"],
            "completed": [True, False, True, False],
        }
    )
    plan = pd.DataFrame(
        {
            "site_id": ["S1", "S2", "S3", "S4"],
            "start_date": pd.to_datetime(["2026-11-23", "2026-11-24", "2026-11-16", "2026-11-30"]),
        }
    )
    out = att.sites_at_risk(frame, plan, AS_OF)
    assert out["site_id"].tolist() == ["S3", "S1"]  # soonest start first
    assert out["days_to_start"].tolist() == [-4, 3]
    assert out["required"].tolist() == [1, 2] and out["not_trained"].tolist() == [1, 1]
    assert out["trained_pct"].tolist() == [0.0, 50.0]  # 0/1, 1/2


def test_unmatched_people_say_why():
    """Two guests without e-mail: "John Smith" is shared by two roster people, "Pat Doe" is not on the roster;
    the guest matched by unique name is not listed."""
    people = roster(
        ("j.smith1@contoso.com", "John Smith", "HR", "S001", "Lee"),
        ("j.smith2@contoso.com", "Smith, John", "Sales", "S002", "Kim"),
        ("anna.meyer@contoso.com", "Anna Meyer", "IT", "S001", "Lee"),
    )
    s = sessions(("s1", "W11", "2026-11-03 09:00", 60), ("s2", "W11", "2026-11-05 09:00", 60))
    frame = joins(
        ("s1", "John Smith", "", "2026-11-03 09:00", "2026-11-03 09:40", "attendee", ""),  # 40 min
        ("s2", "JOHN SMITH", "", "2026-11-05 09:00", "2026-11-05 09:20", "attendee", ""),  # 20 min
        ("s1", "Pat Doe (Guest)", "", "2026-11-03 09:00", "2026-11-03 10:00", "attendee", ""),  # 60 min
        ("s1", "Anna Meyer", "", "2026-11-03 09:00", "2026-11-03 10:00", "attendee", ""),
    )
    seen = att.presence(s, att.identify(frame, people))
    out = att.unmatched_people(seen, people)
    assert out["name"].tolist() == ["John Smith", "Pat Doe (Guest)"]
    assert out["sessions"].tolist() == [2, 1]
    assert out["minutes"].tolist() == [60.0, 60.0]  # 40 + 20; 60
    assert out["reason"].tolist() == ["shared by 2 roster people", "no e-mail and not in the roster"]
    assert att.overall_metrics(s, seen)["guests_unmatched"] == 2


def test_union_of_intervals_agrees_with_counting_covered_minutes():
    """Second method: random whole-minute intervals of one person; the union's length equals the number of
    distinct minutes covered (minute m covered when join <= m < leave)."""
    rng = random.Random(17)
    for _ in range(20):
        spans = []
        for _ in range(rng.randint(1, 6)):
            join = rng.randint(0, 55)
            spans.append((join, join + rng.randint(0, 20)))
        covered = {m for join, leave in spans for m in range(join, leave)}
        clock = [(f"{9 + a // 60:02d}:{a % 60:02d}", f"{9 + b // 60:02d}:{b % 60:02d}") for a, b in spans]
        assert one_person_minutes(*clock) == len(covered), spans
