"""Assigning people to the next training sessions (issue 17, "Logistics"): rules, optimum, artefacts.

Every assignment made here is checked by :func:`check_assignment`, written from the rules in the issue
without the module's helpers: capacity, own-site in-person sessions, the time-zone rule at the
session's date, past sessions unused, nobody twice, everyone either invited or reported with a true
reason. Small cases have optima worked out by hand; tiny random ones are compared with a brute force
over every possible assignment.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from pmokit.errors import InputError
from pmokit.events.invite import (
    NO_EMAIL,
    NO_SEAT,
    NO_SESSION,
    assign,
    invitation_sheets,
    write_ics,
)
from pmokit.excel import write_workbook

AS_OF = "2026-12-01"


# ------------------------------------------------------------------------------------- the checker


def _session_key(s: dict) -> tuple[str, pd.Timestamp]:
    return s["title"], pd.Timestamp(s["start"])


def _can_attend(person: dict, s: dict, as_of: str, max_h: float, default_tz: str) -> bool:
    """The issue's rules, written out with datetime and zoneinfo only."""
    start = pd.Timestamp(s["start"]).to_pydatetime()
    if start < pd.Timestamp(as_of).to_pydatetime():
        return False
    if s["location"] != "online":
        return (person.get("site") or "").strip().casefold() == s["location"].strip().casefold()
    local = start.replace(tzinfo=ZoneInfo(s["timezone"]))
    tz = (person.get("timezone") or "").strip() or default_tz
    mine = local.astimezone(ZoneInfo(tz)).utcoffset()
    return abs((mine - local.utcoffset()).total_seconds()) <= max_h * 3600


def check_assignment(people: pd.DataFrame, sessions: list[dict], a, *, as_of=AS_OF, max_h=3, default_tz="UTC"):
    """Every rule of the issue on one assignment; returns the list of broken rules (empty when all hold)."""
    problems: list[str] = []
    by_key = {_session_key(s): s for s in sessions}
    persons = {str(p["email"]).strip().lower(): p for p in people.to_dict("records")}
    invited = a.invited.to_dict("records")
    emails = [r["email"] for r in invited]
    if len(emails) != len(set(emails)):
        problems.append("someone is invited twice")
    left = set(a.unplaceable["email"])
    if set(emails) & left:
        problems.append("someone is both invited and unplaceable")
    if set(emails) | left != set(persons):
        problems.append(f"not accounted for: {sorted(set(persons) - set(emails) - left)[:5]}")
    seats: dict[tuple, int] = {}
    for r in invited:
        key = (r["session"], pd.Timestamp(r["session_start"]))
        s = by_key.get(key)
        if s is None:
            problems.append(f"unknown session {key}")
            continue
        seats[key] = seats.get(key, 0) + 1
        if not _can_attend(persons[r["email"]], s, as_of, max_h, default_tz):
            problems.append(f"{r['email']} cannot attend {s['title']}")
        due = persons[r["email"]].get("due_date")
        expected = 0 if pd.isna(due) else max(0, (pd.Timestamp(s["start"]).date() - pd.Timestamp(due).date()).days)
        if r["late_days"] != expected:
            problems.append(f"{r['email']}: late_days {r['late_days']} != {expected}")
    for key, n in seats.items():
        if n > by_key[key]["capacity"]:
            problems.append(f"{key[0]}: {n} people for {by_key[key]['capacity']} seats")
    for r in a.unplaceable.to_dict("records"):
        p = persons.get(r["email"])
        if p is None:
            continue
        options = [s for s in sessions if _can_attend(p, s, as_of, max_h, default_tz)]
        if r["reason"] == NO_SESSION and options:
            problems.append(f"{r['email']}: 'no session' but {options[0]['title']} fits")
        if r["reason"] == NO_SEAT:
            if not options:
                problems.append(f"{r['email']}: 'no seat' but no session fits")
            free = [s for s in options if seats.get(_session_key(s), 0) < s["capacity"]]
            if free:  # a free seat they could take: the assignment did not place as many as it could
                problems.append(f"{r['email']}: 'no seat' but {free[0]['title']} has a free seat")
    return problems


def session(title, start, capacity, location="online", timezone="Europe/Berlin", duration_min=60):
    return {
        "title": title,
        "start": start,
        "duration_min": duration_min,
        "capacity": capacity,
        "timezone": timezone,
        "location": location,
    }


def people_frame(rows):
    """People as the roster reader gives them: text columns, due dates as datetimes (NaT for none)."""
    frame = pd.DataFrame(rows, columns=["email", "name", "department", "site", "manager", "due_date", "timezone"])
    frame["due_date"] = pd.to_datetime(frame["due_date"])
    for col in ("email", "name", "department", "site", "manager", "timezone"):
        frame[col] = frame[col].fillna("").astype("string")
    return frame


def person(email, site="S1", due=None, tz="Europe/Berlin", name=None):
    return [email, name or email.split("@")[0].title(), "Finance", site, "boss@contoso.com", due, tz]


# ------------------------------------------------------------------------------------- hand-worked


def test_earlier_due_date_gets_the_earlier_session():
    """Two in-person sessions of one seat each (10 and 20 Dec); Ana is due 5 Dec, Ben 15 Dec.

    Ana 10th, Ben 20th: 5 + 5 = 10 late days; the other way: 15 + 0 = 15. The optimum is 10.
    """
    people = people_frame([person("ana@contoso.com", due="2026-12-05"), person("ben@contoso.com", due="2026-12-15")])
    sessions = [session("Late one", "2026-12-20 09:00", 1, "S1"), session("Early one", "2026-12-10 09:00", 1, "S1")]
    a = assign(people, sessions, as_of=AS_OF)
    assert check_assignment(people, sessions, a) == []
    got = dict(zip(a.invited["email"], a.invited["session"]))
    assert got == {"ana@contoso.com": "Early one", "ben@contoso.com": "Late one"}
    assert a.invited["late_days"].sum() == 10
    assert a.unplaceable.empty and a.optimal


def test_own_site_in_person_beats_online_and_lateness_beats_both():
    """Cleo (site S1, no due date) may go online on 10 Dec or to the S1 room on 12 Dec: the room,
    though later (own site first, then the earliest).

    Dan (S1, due 10 Dec): the room is 2 days late, online on 10 Dec is on time; lateness comes first,
    so online. Eve (S2, no due date) has only the two online sessions: the earlier.
    """
    people = people_frame(
        [
            person("cleo@contoso.com"),
            person("dan@contoso.com", due="2026-12-10"),
            person("eve@contoso.com", site="S2"),
        ]
    )
    sessions = [
        session("Online A", "2026-12-10 09:00", 5),
        session("Room S1", "2026-12-12 09:00", 5, "S1"),
        session("Online B", "2026-12-17 09:00", 5),
    ]
    a = assign(people, sessions, as_of=AS_OF)
    assert check_assignment(people, sessions, a) == []
    got = dict(zip(a.invited["email"], a.invited["session"]))
    assert got == {"cleo@contoso.com": "Room S1", "dan@contoso.com": "Online A", "eve@contoso.com": "Online A"}


def test_the_most_overdue_gets_the_last_seat():
    """One seat on 10 Dec; Finn is due 1 Nov, Gia has no due date.

    Finn seated: 39 days late (1 Nov -> 10 Dec), Gia never late: 39. Gia seated: Finn waits to the
    day after the last session (11 Dec): 40 days. So Finn gets the seat.
    """
    people = people_frame([person("gia@contoso.com"), person("finn@contoso.com", due="2026-11-01")])
    sessions = [session("Only", "2026-12-10 09:00", 1, "S1")]
    a = assign(people, sessions, as_of=AS_OF)
    assert check_assignment(people, sessions, a) == []
    assert a.invited["email"].tolist() == ["finn@contoso.com"]
    assert a.invited["late_days"].tolist() == [39]
    assert a.unplaceable[["email", "reason"]].values.tolist() == [["gia@contoso.com", NO_SEAT]]


def test_shortfall_counts_the_missing_seats_by_hand():
    """Five people of site S2 and one S2 room of 3 seats; the only online session is in Tokyo.

    Berlin (UTC+1) and Tokyo (UTC+9) are 8 hours apart in December: not within 3. So 5 - 3 = 2 seats
    short at S2. Hana of site S3 has no room and no reachable online session.
    """
    rows = [person(f"p{i}@contoso.com", site="S2") for i in range(5)] + [person("hana@contoso.com", site="S3")]
    people = people_frame(rows)
    sessions = [
        session("S2 room", "2026-12-09 09:00", 3, "S2"),
        session("Tokyo", "2026-12-09 09:00", 50, timezone="Asia/Tokyo"),
    ]
    a = assign(people, sessions, as_of=AS_OF)
    assert check_assignment(people, sessions, a) == []
    assert len(a.invited) == 3
    row = a.shortfall.set_index("site").loc["S2"]
    assert (row["people"], row["invited"], row["seats_short"], row["no_session"]) == (5, 3, 2, 0)
    assert a.shortfall.set_index("site").loc["S3", "no_session"] == 1
    assert a.summary == (
        "3 people invited to 1 session; 3 people cannot be placed: 2 seats short at S2, "
        "1 person with no session they can attend."
    )
    tokyo = a.sessions.set_index("session").loc["Tokyo"]
    assert (tokyo["eligible"], tokyo["invited"], tokyo["free_seats"]) == (0, 0, 50)


def test_time_zone_rule_uses_the_offset_on_the_session_day():
    """New York and London are 5 hours apart in January, 4 between 8 and 29 March 2026 (US summer time first).

    With at most 4 hours, Ivy in London may join the New York session of 20 March, not that of 15 January.
    """
    people = people_frame([person("ivy@contoso.com", site="S9", tz="Europe/London")])
    jan = [session("NY January", "2027-01-15 09:00", 5, timezone="America/New_York")]
    mar = [session("NY March", "2026-03-20 09:00", 5, timezone="America/New_York")]
    a_jan = assign(people, jan, as_of=AS_OF, max_tz_offset_hours=4)
    a_mar = assign(people, mar, as_of="2026-03-01", max_tz_offset_hours=4)
    assert check_assignment(people, jan, a_jan, max_h=4) == []
    assert check_assignment(people, mar, a_mar, as_of="2026-03-01", max_h=4) == []
    assert a_jan.invited.empty and a_jan.unplaceable["reason"].tolist() == [NO_SESSION]
    assert a_mar.invited["session"].tolist() == ["NY March"]


def test_past_sessions_blank_time_zones_and_missing_addresses():
    """A session before as_of is not used; a blank time zone takes the default; a row without an address is reported.

    Jo's zone is blank and the default is Asia/Kolkata (UTC+5:30): 4.5 hours from Berlin, too far.
    Kai is in Berlin; the session on 30 Nov is past, so Kai goes to 3 Dec.
    """
    people = people_frame(
        [
            person("jo@contoso.com", tz=""),
            person("kai@contoso.com"),
            person("", name="Guest Without Mail"),
        ]
    )
    sessions = [session("Past", "2026-11-30 09:00", 10), session("Next", "2026-12-03 09:00", 10)]
    a = assign(people, sessions, as_of=AS_OF, default_timezone="Asia/Kolkata")
    reasons = dict(zip(a.unplaceable["name"], a.unplaceable["reason"]))
    assert reasons == {"Jo": NO_SESSION, "Guest Without Mail": NO_EMAIL}
    assert a.invited["email"].tolist() == ["kai@contoso.com"]
    assert a.sessions.set_index("session").loc["Past", "open"] == False  # noqa: E712 (numpy bool)
    assert "1 person with no valid e-mail address" in a.summary


def test_nobody_to_invite_reads_as_a_sentence():
    a = assign(people_frame([]), [session("Next", "2026-12-03 09:00", 10)], as_of=AS_OF)
    assert a.invited.empty and a.unplaceable.empty
    assert a.summary == "Nobody is left to invite."


# ------------------------------------------------------------------------------------- random instances


def random_instance(seed: int, n_people: int, n_sessions: int):
    """People over 3 sites and 4 zones (one blank), due dates around the sessions, tight capacities.

    Session zones include Dubai (UTC+4) and São Paulo (UTC-3): 3 and 4 hours from Berlin or London, on
    both sides of the 3-hour rule.
    """
    rng = np.random.default_rng(seed)
    sites = ["S001", "S002", "S003"]
    zones = ["Europe/Berlin", "Europe/London", "America/New_York", ""]
    rows = []
    for i in range(n_people):
        due = None if rng.random() < 0.2 else str(dt.date(2026, 11, 20) + dt.timedelta(days=int(rng.integers(0, 50))))
        rows.append(person(f"p{i:04d}@contoso.com", site=str(rng.choice(sites)), due=due, tz=str(rng.choice(zones))))
    sessions = []
    for j in range(n_sessions):
        start = dt.datetime(2026, 11, 28, 9) + dt.timedelta(
            days=int(rng.integers(0, 40)), hours=int(rng.integers(0, 8))
        )
        location = "online" if rng.random() < 0.5 else str(rng.choice(sites))
        zone = str(
            rng.choice(["Europe/Berlin", "America/Chicago", "Asia/Singapore", "Asia/Dubai", "America/Sao_Paulo"])
        )
        sessions.append(
            session(
                f"Session {j}", start.isoformat(sep=" "), int(rng.integers(0, max(2, n_people // 2))), location, zone
            )
        )
    return people_frame(rows), sessions


@pytest.mark.parametrize("seed", range(8))
def test_random_instances_keep_every_rule(seed):
    people, sessions = random_instance(seed, n_people=60 + 20 * seed, n_sessions=3 + seed % 4)
    a = assign(people, sessions, as_of=AS_OF, default_timezone="Europe/Paris")
    assert check_assignment(people, sessions, a, default_tz="Europe/Paris") == []
    assert a.optimal


def _brute_force_best(people: pd.DataFrame, sessions: list[dict]) -> tuple:
    """The best (people placed, total lateness, online seats, sum of session ranks) over all assignments.

    Lateness of a person without a seat counts to the day after the last open session (the rule of the
    module docstring), so that leaving the most overdue out is not "on time".
    """
    persons = people.to_dict("records")
    open_s = [s for s in sessions if pd.Timestamp(s["start"]) >= pd.Timestamp(AS_OF)]
    ranked = sorted(sessions, key=lambda s: (pd.Timestamp(s["start"]), s["title"]))
    horizon = max(pd.Timestamp(s["start"]).date() for s in open_s) + dt.timedelta(days=1) if open_s else None
    options = [[None] + [s for s in ranked if _can_attend(p, s, AS_OF, 3, "UTC")] for p in persons]
    best = None
    for pick in itertools.product(*options):
        used: dict[str, int] = {}
        for s in pick:
            if s is not None:
                used[s["title"]] = used.get(s["title"], 0) + 1
        if any(used[s["title"]] > s["capacity"] for s in sessions if s["title"] in used):
            continue
        late = 0
        for p, s in zip(persons, pick):
            if pd.isna(p["due_date"]) or horizon is None:
                continue
            day = horizon if s is None else pd.Timestamp(s["start"]).date()
            late += max(0, (day - pd.Timestamp(p["due_date"]).date()).days)
        key = (
            -sum(s is not None for s in pick),
            late,
            sum(s is not None and s["location"] == "online" for s in pick),
            sum(ranked.index(s) for s in pick if s is not None),
        )
        best = key if best is None or key < best else best
    return best


@pytest.mark.parametrize("seed", range(12))
def test_tiny_instances_match_a_brute_force(seed):
    """Five or six people, two or three sessions: every assignment enumerated (at most 4^6 = 4,096)."""
    people, sessions = random_instance(100 + seed, n_people=5 + seed % 2, n_sessions=2 + seed % 2)
    for s in sessions:
        s["capacity"] = min(s["capacity"], 2)  # scarce seats: the choice matters
    a = assign(people, sessions, as_of=AS_OF)
    assert check_assignment(people, sessions, a) == []
    ranked = sorted(sessions, key=lambda s: (pd.Timestamp(s["start"]), s["title"]))
    rank = {s["title"]: i for i, s in enumerate(ranked)}
    online = {s["title"]: s["location"] == "online" for s in sessions}
    dues = dict(zip(people["email"], people["due_date"]))
    open_s = [s for s in sessions if pd.Timestamp(s["start"]) >= pd.Timestamp(AS_OF)]
    horizon = max(pd.Timestamp(s["start"]).date() for s in open_s) + dt.timedelta(days=1) if open_s else None
    waiting = sum(
        max(0, (horizon - dues[e].date()).days) for e in a.unplaceable["email"] if horizon and not pd.isna(dues[e])
    )
    got = (
        -len(a.invited),
        int(a.invited["late_days"].sum()) + waiting,
        sum(online[t] for t in a.invited["session"]),
        sum(rank[t] for t in a.invited["session"]),
    )
    assert got == _brute_force_best(people, sessions)


def test_same_inputs_same_assignment_and_session_frame_input():
    people, sessions = random_instance(3, n_people=300, n_sessions=5)
    first = assign(people, sessions, as_of=AS_OF)
    second = assign(people, pd.DataFrame(sessions), as_of=AS_OF)
    pd.testing.assert_frame_equal(first.invited, second.invited)
    pd.testing.assert_frame_equal(first.unplaceable, second.unplaceable)
    assert first.summary == second.summary


def test_twenty_thousand_people_ten_sessions():
    """The scale of the issue's benchmark roster: 20,000 people, 6 sites, 5 zones, 200 distinct due dates."""
    rng = np.random.default_rng(11)
    n = 20_000
    sites = [f"S00{i}" for i in range(1, 7)]
    people = pd.DataFrame(
        {
            "email": [f"p{i:05d}@contoso.com" for i in range(n)],
            "name": [f"Person {i}" for i in range(n)],
            "site": rng.choice(sites, n),
            "timezone": rng.choice(["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Singapore", ""], n),
            "due_date": pd.Timestamp("2026-11-15") + pd.to_timedelta(rng.integers(0, 200, n), unit="D"),
        }
    )
    sessions = [
        session(
            f"Wave {j}",
            f"{dt.date(2026, 12, 3) + dt.timedelta(days=7 * j)} 09:00",
            int(rng.integers(500, 3000)),
            "online" if j % 3 else sites[j % 6],
            ["Europe/Berlin", "America/New_York"][j % 2],
        )
        for j in range(10)
    ]
    t0 = time.perf_counter()
    a = assign(people, sessions, as_of=AS_OF, default_timezone="Europe/Berlin")
    seconds = time.perf_counter() - t0
    assert a.optimal
    assert seconds < 60, f"{seconds:.1f} s"  # about 4 s on 2 busy cores; generous for a shared CI machine
    assert check_assignment(people, sessions, a, default_tz="Europe/Berlin") == []


# ------------------------------------------------------------------------------------- artefacts

ODD_NAME = 'Müller, Anna; "Annie"\nBEGIN:VEVENT'


def _small():
    people = people_frame(
        [
            person("anna@contoso.com", name=ODD_NAME, due="2026-12-05"),
            person("bo@contoso.com"),
            person("cy@contoso.com", site="S2", tz="Europe/Paris"),
        ]
    )
    sessions = [
        session("Windows 11: readiness, part 1; Q&A", "2026-12-08 09:00", 2, "S1", duration_min=90),
        session("Windows 11: readiness, part 1; Q&A", "2026-12-08 14:00", 5),
        session("Old one", "2026-11-20 09:00", 5),
    ]
    return people, sessions


def test_ics_parses_back_with_attendees_time_zone_and_escaping(tmp_path):
    people, sessions = _small()
    a = assign(people, sessions, as_of=AS_OF)
    paths = write_ics(a, sessions, tmp_path, organizer="Training Team <Training@Contoso.com>")
    # two open sessions of one title and day: the second file name carries the time; the past one has none
    assert [p.name for p in paths] == [
        "2026-12-08-windows-11-readiness-part-1-q-a.ics",
        "2026-12-08-windows-11-readiness-part-1-q-a-1400.ics",
    ]
    raw = paths[0].read_bytes()
    cal = Calendar.from_ical(raw)
    assert str(cal["method"]) == "REQUEST" and str(cal["version"]) == "2.0" and cal.get("prodid")
    events = cal.walk("VEVENT")
    assert len(events) == 1  # the name's "BEGIN:VEVENT" did not open a second event
    ev = events[0]
    assert str(ev["summary"]) == "Windows 11: readiness, part 1; Q&A"
    assert str(ev["location"]) == "S1"
    start, end = ev.decoded("dtstart"), ev.decoded("dtend")
    assert start.tzinfo.key == "Europe/Berlin" and (start.hour, start.minute) == (9, 0)
    assert end - start == dt.timedelta(minutes=90)
    assert ev.decoded("dtstamp") == dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    attendees = ev.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert sorted(str(x) for x in attendees) == ["mailto:anna@contoso.com", "mailto:bo@contoso.com"]
    anna = next(x for x in attendees if "anna" in str(x))
    # the newline became a space and the double quotes single ones: the name stays one parameter
    assert anna.params["cn"] == "Müller, Anna; 'Annie' BEGIN:VEVENT"
    assert (anna.params["rsvp"], anna.params["role"]) == ("TRUE", "REQ-PARTICIPANT")
    assert str(ev["organizer"]) == "mailto:training@contoso.com"
    assert b"TZID:Europe/Berlin" in raw  # the VTIMEZONE Outlook needs
    online = Calendar.from_ical(paths[1].read_bytes()).walk("VEVENT")[0]
    assert str(online["location"]) == "Microsoft Teams"
    assert str(online["uid"]) != str(ev["uid"])
    cy = online.get("attendee")
    assert str(cy if not isinstance(cy, list) else cy[0]) == "mailto:cy@contoso.com"


def test_ics_files_are_byte_identical_on_a_rerun(tmp_path):
    people, sessions = _small()
    one = write_ics(assign(people, sessions, as_of=AS_OF), sessions, tmp_path / "one")
    two = write_ics(assign(people, sessions, as_of=AS_OF), sessions, tmp_path / "two")
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]


def test_bad_organizer_is_a_one_line_error(tmp_path):
    people, sessions = _small()
    a = assign(people, sessions, as_of=AS_OF)
    with pytest.raises(InputError, match="organizer"):
        write_ics(a, sessions, tmp_path, organizer="not an address")


def test_invitations_workbook_has_one_sheet_per_open_session(tmp_path):
    people, sessions = _small()
    sessions.append(session("A very long session title that does not fit in a sheet", "2026-12-09 09:00", 0))
    a = assign(people, sessions, as_of=AS_OF)
    path = write_workbook(tmp_path / "invitations.xlsx", invitation_sheets(a))
    book = load_workbook(path)
    # "2026-12-08 " (11) + title without its colon, cut to 31: 20 characters of title; the second of
    # that day: 27 characters + " (2)"; the long one loses its trailing space; the past one: no sheet
    assert book.sheetnames == [
        "2026-12-08 Windows 11 readiness",
        "2026-12-08 Windows 11 readi (2)",
        "2026-12-09 A very long session",
    ]
    first = list(book["2026-12-08 Windows 11 readiness"].iter_rows(values_only=True))
    assert first[0] == ("name", "email", "department", "site", "manager", "due_date", "late_days")
    assert sorted(r[1] for r in first[1:]) == ["anna@contoso.com", "bo@contoso.com"]
    anna = next(r for r in first[1:] if r[1] == "anna@contoso.com")
    assert anna[5] == dt.datetime(2026, 12, 5) and anna[6] == 3  # due 5 Dec, session 8 Dec
    assert len(list(book["2026-12-08 Windows 11 readi (2)"].iter_rows(values_only=True))) == 2  # header + Cy
    assert len(list(book["2026-12-09 A very long session"].iter_rows(values_only=True))) == 1  # no seats


# ------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "Europe/Atlantis"}, "upcoming[0].timezone"),
        ({"capacity": -1}, "upcoming[0].capacity"),
        ({"capacity": "ten"}, "upcoming[0].capacity"),
        ({"start": "next Tuesday"}, "upcoming[0].start"),
        ({"location": ""}, "upcoming[0].location"),
    ],
)
def test_bad_sessions_are_one_line_errors(change, field):
    s = session("Next", "2026-12-03 09:00", 10) | change
    with pytest.raises(InputError) as err:
        assign(people_frame([person("a@contoso.com")]), [s], as_of=AS_OF)
    assert f"field '{field}'" in str(err.value) and "\n" not in str(err.value)


def test_bad_people_are_one_line_errors():
    s = [session("Next", "2026-12-03 09:00", 10)]
    with pytest.raises(InputError, match="'timezone'.*'Mars/Olympus' for a@contoso.com"):
        assign(people_frame([person("a@contoso.com", tz="Mars/Olympus")]), s, as_of=AS_OF)
    with pytest.raises(InputError, match="field 'email'"):
        assign(pd.DataFrame({"name": ["A"]}), s, as_of=AS_OF)
    with pytest.raises(InputError, match="field 'due_date'.*'soon'"):
        assign(pd.DataFrame({"email": ["a@contoso.com"], "due_date": ["soon"]}), s, as_of=AS_OF)
    twice = [session("Next", "2026-12-03 09:00", 10), session("Next", "2026-12-03 09:00", 5)]
    with pytest.raises(InputError, match="'Next' twice"):
        assign(people_frame([person("a@contoso.com")]), twice, as_of=AS_OF)


def test_sheet_names_drop_the_title_start_all_sessions_share():
    """Real series titles share a long start ("Windows 11 readiness training - "): 31 characters of it would
    name every sheet alike, so the sheet names keep what differs."""
    people = people_frame([person("a@contoso.com", site="S072", tz="Europe/Brussels")])
    base = "Windows 11 readiness training - "
    sessions = [
        session(base + "session 9 (online)", "2026-12-03 09:00", 70),
        session(base + "Ghent Office 27 (in person)", "2026-12-04 09:30", 30, "S072", "Europe/Brussels"),
        session(base + "session 10 (online)", "2026-12-10 14:00", 60, timezone="Europe/Madrid"),
    ]
    sheets = invitation_sheets(assign(people, sessions, as_of="2026-11-27"))
    # "2026-12-04 " (11) + the first 20 characters of "Ghent Office 27 (in person)", trailing space dropped
    assert list(sheets) == [
        "2026-12-03 session 9 (online)",
        "2026-12-04 Ghent Office 27 (in",
        "2026-12-10 session 10 (online)",
    ]
    assert sheets["2026-12-04 Ghent Office 27 (in"]["email"].tolist() == ["a@contoso.com"]  # own site first
