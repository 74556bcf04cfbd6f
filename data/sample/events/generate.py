"""Write the event-attendance sample: a Windows 11 training series, its roster, registrations and feedback.

Run from the project root with the project's Python (seeded: the same files every time)::

    .venv/bin/python data/sample/events/generate.py

Vantorra, a retailer with offices, stores and data centres across Europe, trains the staff of six
rollout sites before each site's Windows 11 wave starts (site ids and wave start dates from
``data/sample/rollout/baseline_plan.csv``: two sites already started, two start within two weeks of
2026-11-27, two start in 2027). Files written beside this script:

- ``attendance/``: one file per past session of "Windows 11 readiness training", 6 Oct - 19 Nov 2026,
  each in a real export format:

  - five Teams attendance reports in the current layout, UTF-16 LE with a BOM, tab-separated, sections
    ``1. Summary`` / ``2. Participants`` / ``3. In-Meeting Activities``, US dates ``10/6/26, 9:02:11 AM``
    (three files use the 2021 capitalisation ``First Join``, two the newer ``First join``; session 3's
    tenant shows names as ``Last, First``). The dates of sessions 1, 5 and 7 (10/6, 11/3, 11/12) read
    either way round: only the AM/PM clock says the file is month-first;
  - one Teams report in UTF-8 from a German-speaking organiser (section titles, headers and roles in
    German, dates ``14.10.2026, 09:02:11``; no real German export was available: the headers are
    plausible, unverified);
  - one Teams report in the older flat layout (``Full Name / User Action / Timestamp`` with ``Joined``,
    ``Left`` and ``Joined before``; no e-mails; downloaded 90 seconds after the booked end, so the
    organiser and whoever was still in the meeting have no ``Left`` row; the analyst renamed the
    download, ``meetingAttendanceList.csv``, after the session, as this layout has no title);
  - one Zoom participants report (meeting header block, then one row per join; one attendee renamed
    themselves, so the name reads ``Martina L. (Martina Lange)``).

  Quirks on purpose: people who drop and rejoin (a few rejoin from a second device before the first one
  leaves, so their intervals overlap), late joiners and early leavers, people who stayed only a few
  minutes (not attended), walk-ins who never registered, an organiser and a presenter per session
  (an external trainer and contractors who join without an e-mail), a roster person who joined as a
  guest without an e-mail (matched by their unique name), two roster people with the same name (one of
  them attends the legacy session, which carries names only: unmatched), mixed-case e-mails.
- ``roster.csv``: 400 people who must attend (UPN, name, department, site, manager, time zone); UTF-8
  with a BOM as Excel saves it. ``Due date`` is filled only for the 12 IT floor walkers, who must be
  trained before the first wave; everyone else is due when their site's wave starts (the plan).
- ``registrations.csv``: a Microsoft Forms export of the registration form (``ID, Start time,
  Completion time, Email, Name``, the session question, an optional free-text question), locale dates
  ``10/1/26 14:03:11``; includes people who registered and did not come, and two double submissions.
- ``feedback.xlsx`` + ``feedback.yaml``: the post-session survey (Microsoft Forms "Open in Excel"
  export, anonymous) and its survey definition, read by the survey workbook's readers
  (:func:`pmokit.sources.surveys.read_survey`): five Likert statements, department and session groups,
  one comment question.

Upcoming sessions are parameters, not files (``params/event_attendance/sample.yaml``).
``bench/events_data.py`` reuses the writers below to build the benchmark data set.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SEED = 20261127
AS_OF = dt.date(2026, 11, 27)
DOMAIN = "vantorra.com"
SERIES = "Windows 11 readiness training"
MINUTES = 60  # every session is booked for an hour

#: site id -> (name, IANA time zone, required people, share who completed); ids and wave start dates
#: (comment) from data/sample/rollout/baseline_plan.csv. Earlier waves trained more of their people.
SITES = {
    "S071": ("Amsterdam Office 26", "Europe/Amsterdam", 45, 0.96),  # wave starts 2026-11-03: overdue
    "S004": ("Linz Data centre 4", "Europe/Vienna", 70, 0.93),  # 2026-11-16: overdue
    "S127": ("Madrid Office 12", "Europe/Madrid", 80, 0.72),  # 2026-11-30: due soon
    "S072": ("Ghent Office 27", "Europe/Brussels", 60, 0.58),  # 2026-12-08: due soon
    "S021": ("Cologne Office 21", "Europe/Berlin", 85, 0.45),  # 2027-01-07
    "S099": ("Gothenburg Office 9", "Europe/Stockholm", 60, 0.30),  # 2027-02-02
}
#: wave start per site (the plan's start_date), used only to train people before their wave
WAVE_START = {
    "S071": dt.date(2026, 11, 3),
    "S004": dt.date(2026, 11, 16),
    "S127": dt.date(2026, 11, 30),
    "S072": dt.date(2026, 12, 8),
    "S021": dt.date(2027, 1, 7),
    "S099": dt.date(2027, 2, 2),
}
#: department -> (weight in a site, completion factor): IT and Finance keener than the stores
DEPARTMENTS = {
    "Store Operations": (0.30, 0.80),
    "Logistics": (0.22, 0.70),
    "Customer Service": (0.20, 1.00),
    "Finance": (0.15, 1.25),
    "IT": (0.13, 1.50),
}
FLOOR_WALKER_DUE = dt.date(2026, 11, 6)

FIRST = [
    "Anna", "Lukas", "Sofia", "Jonas", "Lena", "Maximilian", "Emma", "Felix", "Laura", "Paul", "Marie",
    "Elias", "Julia", "Noah", "Hannah", "Leon", "Sara", "David", "Lea", "Tim", "Mila", "Clara", "Finn",
    "Eva", "Daan", "Sem", "Fleur", "Lotte", "Bram", "Thijs", "Noor", "Ruben", "Lieke", "Arthur", "Louis",
    "Elise", "Jules", "Lucía", "Martina", "Pablo", "Alejandro", "Carmen", "Javier", "Elena", "Diego",
    "Marta", "Sergio", "Nerea", "Iker", "Fatma", "Emre", "Yusuf", "Aylin", "Olivia", "Tobias", "Katarina",
    "Stefan", "Ingrid", "Matteo", "Giulia", "Amira", "Piotr", "Agnieszka", "Astrid", "Erik", "Linnea",
    "Oskar", "Maja", "Nils", "Freja",
]  # fmt: skip
LAST = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann",
    "Schäfer", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
    "Hartmann", "Lange", "Huber", "Gruber", "Bauer", "Pichler", "Steiner", "de Jong", "Jansen", "de Vries",
    "van den Berg", "Bakker", "Visser", "Smit", "Mertens", "Peeters", "Janssens", "Maes", "Willems",
    "Dubois", "Lambert", "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
    "Pérez", "Gómez", "Ruiz", "Yılmaz", "Kaya", "Nowak", "Kowalski", "Rossi", "Haddad", "Novak", "Horvat",
    "Lindqvist", "Andersson", "Johansson", "Karlsson", "Nilsson", "Berg",
]  # fmt: skip
#: the name two roster people share (one at Ghent, one at Cologne)
TWIN = ("Jan", "Peeters")
#: a Ghent logistics planner who joins session 5 from a personal phone, as a guest without an e-mail
PHONE_GUEST = ("Wouter", "Vermeulen")

ORGANISER = ("Sofie Claes", f"sofie.claes@{DOMAIN}")
TRAINER = ("Tobias Krämer", f"tobias.kraemer@{DOMAIN}")
EXTERNAL_TRAINER = "Marit Solberg (Guest)"  # from the training partner; joins anonymously
CONTRACTORS = ["Pieter Mols (External)", "Rafael Ortega (External)"]


@dataclass
class Attendee:
    """One person in one session as the export shows them.

    ``intervals`` are (join, leave) pairs in the organiser's wall-clock time; a leave of None means the
    report was downloaded while the person was still in the meeting (legacy layout only).
    """

    name: str
    email: str = ""
    upn: str = ""
    role: str = "attendee"  # organizer, presenter, attendee
    intervals: list[tuple[dt.datetime, dt.datetime | None]] = field(default_factory=list)


@dataclass
class SessionPlan:
    """One past session: when, in which export layout, and the file written."""

    number: int
    start: dt.datetime
    layout: str  # teams, teams_legacy, zoom
    locale: str = "en-US"  # en-US or de-DE (Teams only)
    encoding: str = "utf-16"
    capitalised: bool = True  # "First Join" (2021) or "First join" (newer Teams)
    last_first: bool = False
    attendees: list[Attendee] = field(default_factory=list)

    @property
    def title(self) -> str:
        word = "Sitzung" if self.locale == "de-DE" else "session"
        return f"{SERIES} - {word} {self.number}"

    @property
    def option(self) -> str:
        """The session as the registration form offers it: ``Tue 6 Oct 2026, 09:00``."""
        return session_option(self.start)


#: the eight past sessions (booked start times, organiser's local time)
PAST = [
    SessionPlan(1, dt.datetime(2026, 10, 6, 9, 0), "teams"),
    SessionPlan(2, dt.datetime(2026, 10, 14, 9, 0), "teams", locale="de-DE", encoding="utf-8"),
    SessionPlan(3, dt.datetime(2026, 10, 20, 14, 0), "teams", last_first=True),
    SessionPlan(4, dt.datetime(2026, 10, 29, 10, 0), "teams_legacy"),
    SessionPlan(5, dt.datetime(2026, 11, 3, 9, 0), "teams", capitalised=False),
    SessionPlan(6, dt.datetime(2026, 11, 5, 15, 0), "zoom"),
    SessionPlan(7, dt.datetime(2026, 11, 12, 9, 0), "teams"),
    SessionPlan(8, dt.datetime(2026, 11, 19, 14, 0), "teams", capitalised=False),
]


# ----------------------------------------------------------------------------- formatting
def session_option(start: dt.datetime) -> str:
    """``Tue 6 Oct 2026, 09:00``: the text of a session in the registration and feedback forms."""
    return f"{start:%a} {start.day} {start:%b %Y, %H:%M}"


def us_time(moment: dt.datetime, four_digit_year: bool = False) -> str:
    """``10/6/26, 9:02:11 AM`` (Teams, English US organiser); the legacy layout writes ``2026``."""
    year = f"{moment.year}" if four_digit_year else f"{moment:%y}"
    hour = moment.hour % 12 or 12
    return f"{moment.month}/{moment.day}/{year}, {hour}:{moment:%M:%S} {'AM' if moment.hour < 12 else 'PM'}"


def german_time(moment: dt.datetime) -> str:
    """``14.10.2026, 09:02:11`` (Teams, German organiser)."""
    return f"{moment:%d.%m.%Y, %H:%M:%S}"


def zoom_time(moment: dt.datetime) -> str:
    """``11/05/2026 02:58:11 PM`` (Zoom reports)."""
    return f"{moment:%m/%d/%Y %I:%M:%S %p}"


def forms_time(moment: dt.datetime) -> str:
    """``10/1/26 14:03:11`` (Microsoft Forms, saved as CSV)."""
    return f"{moment.month}/{moment.day}/{moment:%y %H:%M:%S}"


def teams_duration(seconds: float) -> str:
    """``1h 5m 12s``, ``38m 5s`` or ``45s``."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m {secs}s"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"


def union_seconds(intervals: list[tuple[dt.datetime, dt.datetime]]) -> float:
    """Seconds covered by the intervals, overlaps counted once (what Teams shows per person)."""
    total, reach = 0.0, None
    for join, leave in sorted(intervals):
        if reach is None or join > reach:
            total += (leave - join).total_seconds()
            reach = leave
        elif leave > reach:
            total += (leave - reach).total_seconds()
            reach = leave
    return total


def ascii_fold(text: str) -> str:
    """``Lucía van den Berg`` -> ``luciavandenberg`` (how the mail system spells names)."""
    text = text.replace("ß", "ss").replace("ı", "i")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch == ".")


# ----------------------------------------------------------------------------- Teams (current layout)
TEAMS_LABELS = {
    "en-US": {
        "summary": "1. Summary",
        "participants": "2. Participants",
        "activities": "3. In-Meeting Activities",
        "summary_rows": [
            "Meeting title",
            "Attended participants",
            "Start time",
            "End time",
            "Meeting duration",
            "Average attendance time",
        ],
        "people": ["Name", "First Join", "Last Leave", "In-Meeting Duration", "Email", "Participant ID (UPN)", "Role"],
        "joins": ["Name", "Join Time", "Leave Time", "Duration", "Email", "Role"],
        "roles": {"organizer": "Organizer", "presenter": "Presenter", "attendee": "Attendee"},
    },
    "de-DE": {
        "summary": "1. Zusammenfassung",
        "participants": "2. Teilnehmer",
        "activities": "3. Aktivitäten in der Besprechung",
        "summary_rows": [
            "Besprechungstitel",
            "Teilnehmer mit Anwesenheit",
            "Startzeit",
            "Endzeit",
            "Besprechungsdauer",
            "Durchschnittliche Anwesenheitsdauer",
        ],
        "people": [
            "Name",
            "Erster Beitritt",
            "Letztes Verlassen",
            "Dauer der Besprechung",
            "E-Mail",
            "Teilnehmer-ID (UPN)",
            "Rolle",
        ],
        "joins": ["Name", "Beitrittszeit", "Zeitpunkt des Verlassens", "Dauer", "E-Mail", "Rolle"],
        "roles": {"organizer": "Organisator", "presenter": "Referent", "attendee": "Teilnehmer"},
    },
}


def _newer_case(label: str) -> str:
    """``In-Meeting Activities`` -> ``In-meeting activities`` (the newer Teams capitalisation)."""
    head, _, rest = label.partition(" ")
    if head.endswith(".") and head[:-1].isdigit():
        return f"{head} {_newer_case(rest)}"
    if label in {"Participant ID (UPN)"}:
        return label
    return label[:1] + label[1:].lower()


def teams_text(title: str, attendees: list[Attendee], *, locale: str = "en-US", capitalised: bool = True) -> str:
    """The text of a Teams attendance report in the current three-section layout (CRLF line ends)."""
    labels = TEAMS_LABELS[locale]
    fmt = german_time if locale == "de-DE" else us_time
    case = (lambda s: s) if capitalised or locale != "en-US" else _newer_case
    roles = labels["roles"]
    people = sorted(attendees, key=lambda a: (min(j for j, _ in a.intervals), a.name))
    start = min(j for a in people for j, _ in a.intervals)
    end = max(leave for a in people for _, leave in a.intervals)
    spent = [union_seconds(a.intervals) for a in people]
    summary = [title, str(len(people)), fmt(start), fmt(end)]
    summary += [teams_duration((end - start).total_seconds()), teams_duration(sum(spent) / len(spent))]
    lines = [case(labels["summary"])]
    lines += [f"{case(key)}\t{value}" for key, value in zip(labels["summary_rows"], summary, strict=True)]
    lines += ["", case(labels["participants"]), "\t".join(case(h) for h in labels["people"])]
    for person, seconds in zip(people, spent, strict=True):
        first = min(j for j, _ in person.intervals)
        last = max(leave for _, leave in person.intervals)
        row = [person.name, fmt(first), fmt(last), teams_duration(seconds), person.email, person.upn]
        lines.append("\t".join([*row, roles[person.role]]))
    lines += ["", case(labels["activities"]), "\t".join(case(h) for h in labels["joins"])]
    rows = sorted(
        ((join, leave, person) for person in people for join, leave in person.intervals),
        key=lambda row: (row[0], row[1], row[2].name),
    )
    for join, leave, person in rows:
        cells = [person.name, fmt(join), fmt(leave), teams_duration((leave - join).total_seconds()), person.email]
        lines.append("\t".join([*cells, roles[person.role]]))
    return "\r\n".join(lines) + "\r\n"


def write_teams(
    path: Path,
    title: str,
    attendees: list[Attendee],
    *,
    locale: str = "en-US",
    encoding: str = "utf-16",
    capitalised: bool = True,
) -> None:
    """Write a Teams attendance report: UTF-16 LE with a BOM (``encoding="utf-16"``) or UTF-8, tab-separated."""
    text = teams_text(title, attendees, locale=locale, capitalised=capitalised)
    data = b"\xff\xfe" + text.encode("utf-16-le") if encoding == "utf-16" else text.encode("utf-8")
    path.write_bytes(data)


# ----------------------------------------------------------------------------- Teams (2020-21 layout)
def legacy_text(attendees: list[Attendee]) -> str:
    """The older flat layout: ``Full Name / User Action / Timestamp``, one row per join or leave.

    The organiser's first row is ``Joined before`` (they were in the meeting when the list began); a
    leave of None (still in the meeting when the list was downloaded) writes no ``Left`` row.
    """
    events = []
    for person in attendees:
        for number, (join, leave) in enumerate(person.intervals):
            action = "Joined before" if person.role == "organizer" and number == 0 else "Joined"
            events.append((join, person.name, action))
            if leave is not None:
                events.append((leave, person.name, "Left"))
    events.sort(key=lambda e: (e[0], e[1]))
    lines = ["Full Name\tUser Action\tTimestamp"]
    lines += [f"{name}\t{action}\t{us_time(moment, four_digit_year=True)}" for moment, name, action in events]
    return "\r\n".join(lines) + "\r\n"


def write_teams_legacy(path: Path, attendees: list[Attendee]) -> None:
    """Write the 2020-21 Teams attendance list: UTF-16 LE with a BOM, tab-separated."""
    path.write_bytes(b"\xff\xfe" + legacy_text(attendees).encode("utf-16-le"))


# ----------------------------------------------------------------------------- Zoom
def zoom_text(topic: str, meeting_id: str, host_email: str, attendees: list[Attendee]) -> str:
    """A Zoom participants report: meeting header block, a blank line, one row per join (CRLF)."""
    start = min(j for a in attendees for j, _ in a.intervals)
    end = max(leave for a in attendees for _, leave in a.intervals)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["Meeting ID", "Topic", "Start Time", "End Time", "User Email", "Duration (Minutes)", "Participants"]
    )
    minutes = math.ceil((end - start).total_seconds() / 60)
    writer.writerow([meeting_id, topic, zoom_time(start), zoom_time(end), host_email, minutes, len(attendees)])
    writer.writerow([])
    writer.writerow(
        [
            "Name (Original Name)",
            "User Email",
            "Join Time",
            "Leave Time",
            "Duration (Minutes)",
            "Guest",
            "In Waiting Room",
        ]
    )
    rows = sorted(
        ((join, leave, person) for person in attendees for join, leave in person.intervals),
        key=lambda row: (row[0], row[1], row[2].name),
    )
    for join, leave, person in rows:
        spent = math.ceil((leave - join).total_seconds() / 60)
        guest = "No" if person.email else "Yes"
        writer.writerow([person.name, person.email, zoom_time(join), zoom_time(leave), spent, guest, "No"])
    return out.getvalue()


def write_zoom(path: Path, topic: str, meeting_id: str, host_email: str, attendees: list[Attendee]) -> None:
    """Write a Zoom participants report (UTF-8 with a BOM, as Zoom's CSV export)."""
    path.write_bytes(zoom_text(topic, meeting_id, host_email, attendees).encode("utf-8-sig"))


# ----------------------------------------------------------------------------- roster and forms
ROSTER_HEADER = ["UPN", "Name", "Department", "Site", "Manager", "Due date", "Time zone"]


@dataclass
class Person:
    """One person who must attend."""

    email: str
    first: str
    last: str
    department: str
    site: str
    manager: str = ""
    due: dt.date | None = None
    timezone: str = "Europe/Berlin"

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def write_roster(path: Path, people: list[Person]) -> None:
    """Write the roster CSV (UTF-8 with a BOM, as Excel saves it); ``Due date`` blank unless set."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ROSTER_HEADER)
    for p in people:
        due = p.due.isoformat() if p.due else ""
        writer.writerow([p.email, p.name, p.department, p.site, p.manager, due, p.timezone])
    path.write_bytes(out.getvalue().encode("utf-8-sig"))


REGISTRATION_QUESTION = "Which session will you attend?"
REGISTRATION_NOTE = "Anything the trainer should know in advance? (optional)"


def write_registrations(path: Path, rows: list[tuple[dt.datetime, str, str, str, str]]) -> None:
    """Write a Microsoft Forms registration export saved as CSV (UTF-8 with a BOM).

    ``rows``: (completed at, e-mail as typed by Forms, name, session option text, note), any order:
    numbered by completion time as Forms does.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["ID", "Start time", "Completion time", "Email", "Name", REGISTRATION_QUESTION, REGISTRATION_NOTE])
    for number, (done, email, name, option, note) in enumerate(sorted(rows), start=1):
        begun = done - dt.timedelta(seconds=40 + (number * 37) % 200)
        writer.writerow([number, forms_time(begun), forms_time(done), email, name, option, note])
    path.write_bytes(out.getvalue().encode("utf-8-sig"))


# ----------------------------------------------------------------------------- feedback survey
FEEDBACK_SCALE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
#: (statement, base mean on a latent scale, loading on the respondent's mood)
FEEDBACK_ITEMS = [
    ("The session was well organised", 1.0, 0.4),
    ("The trainer explained the changes clearly", 0.8, 0.6),
    ("I know how to back up my files before my device is replaced", 0.3, 0.7),
    ("The session length was about right", 0.4, 0.3),
    ("I feel ready to work on Windows 11", 0.5, 0.9),
]
FEEDBACK_SESSION = "Which session did you attend?"
FEEDBACK_DEPARTMENT = "Which department do you work in?"
FEEDBACK_COMMENT = "What else should we cover before your site goes live?"
#: extra mood per department and per session (session 4 had audio problems on the old client)
FEEDBACK_MOOD = {"Store Operations": -0.3, "Logistics": -0.2, "Customer Service": 0.0, "Finance": 0.2, "IT": 0.4}
SESSION_MOOD = {4: -0.8, 6: -0.2}
COMMENTS = [
    "How to reconnect the label printers in the store after the upgrade",
    "More time on OneDrive backup, it went very fast",
    "Show the new Start menu and where the shortcuts went",
    "Please cover the VPN client for home working",
    "What happens to my Outlook signatures",
    "The audio kept dropping, could not follow the second half",
    "A printed quick reference card would help on the shop floor",
    "Will the warehouse scanners still work with the new laptops",
    "Explain how to get help on go-live day",
    "The demo was great, more of that please",
    "Cover the finance add-ins in Excel",
    "Session was too long for the content",
]


def _feedback_answer(rng: np.random.Generator, mood: float, mean: float, loading: float) -> str:
    """One Likert answer: a latent score cut into five points; a few left blank."""
    if rng.random() < 0.02:
        return ""
    latent = mean + loading * mood + rng.normal(0, 0.8)
    return FEEDBACK_SCALE[int(np.searchsorted([-1.3, -0.5, 0.2, 1.2], latent))]


def write_feedback(path: Path, responses: list[tuple[dt.datetime, str, str, list[str], str]]) -> None:
    """Write the anonymous feedback form as a Microsoft Forms "Open in Excel" export.

    ``responses``: (completed at, session option text, department, answers in item order, comment).
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    header = ["ID", "Start time", "Completion time", "Email", "Name", FEEDBACK_SESSION, FEEDBACK_DEPARTMENT]
    ws.append(header + [s for s, _, _ in FEEDBACK_ITEMS] + [FEEDBACK_COMMENT])
    for number, (done, option, dept, answers, comment) in enumerate(sorted(responses), start=1):
        begun = done - dt.timedelta(seconds=60 + (number * 53) % 240)
        ws.append([number, begun, done, "anonymous", "", option, dept, *answers, comment])
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in row:
            cell.number_format = "m/d/yy h:mm:ss"
    first = min(r[0] for r in responses) if responses else dt.datetime(2026, 10, 6)
    wb.properties.created = wb.properties.modified = first  # no wall-clock time in the file
    wb.save(path)


FEEDBACK_YAML = """\
# Survey definition of the post-session feedback form of "Windows 11 readiness training" (Microsoft Forms,
# anonymous). Written by data/sample/events/generate.py; read with pmokit.sources.surveys.read_definition.
scale: [Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly agree]
favourable_top: 2          # Agree + Strongly agree
items:
  - {column: "The session was well organised", label: Well organised, theme: Organisation}
  - {column: "The trainer explained the changes clearly", label: Clear explanations, theme: Trainer}
  - {column: "I know how to back up my files before my device is replaced", label: Knows the backup, theme: Readiness}
  - {column: "The session length was about right", label: Right length, theme: Organisation}
  - {column: "I feel ready to work on Windows 11", label: Ready for Windows 11, theme: Readiness}
outcome: Ready for Windows 11
groups:
  Department: "Which department do you work in?"
  Session: "Which session did you attend?"
comments:
  Cover next: "What else should we cover before your site goes live?"
comment_themes:
  Printers and devices: [printer, scanner, label]
  Files and backup: [onedrive, backup, files, outlook, signature]
  Remote work: [vpn, home]
  Session format: [audio, too long, demo, quick reference, length]
  Go-live support: [help, go-live]
"""


# ----------------------------------------------------------------------------- simulation
def unique_people(rng: np.random.Generator, count: int, taken: set[str] | None = None) -> list[tuple[str, str]]:
    """``count`` (first, last) pairs, no name twice and none in ``taken``."""
    seen = set(taken or ())
    out = []
    while len(out) < count:
        first, last = str(rng.choice(FIRST)), str(rng.choice(LAST))
        if f"{first} {last}" not in seen:
            seen.add(f"{first} {last}")
            out.append((first, last))
    return out


def make_roster(rng: np.random.Generator) -> list[Person]:
    """400 people in six sites and five departments, with 25 managers; two share a name."""
    reserved = {" ".join(TWIN), " ".join(PHONE_GUEST), ORGANISER[0], TRAINER[0]}
    names = unique_people(rng, sum(size for _, _, size, _ in SITES.values()) - 3, reserved)
    managers = [" ".join(pair) for pair in unique_people(rng, 25, reserved | {" ".join(n) for n in names})]
    depts = list(DEPARTMENTS)
    weights = np.array([w for w, _ in DEPARTMENTS.values()])
    people, emails = [], set()
    cells = []
    for site, (_, zone, size, _) in SITES.items():
        counts = np.floor(weights * size).astype(int)
        counts[0] += size - counts.sum()
        for dept, n in zip(depts, counts, strict=True):
            cells.append((site, dept))
            people += [Person("", "", "", dept, site, timezone=zone) for _ in range(int(n))]
    # special people take the place of generated ones: the twins (Ghent logistics, Cologne finance), the
    # phone guest (Ghent logistics)
    specials = {("S072", "Logistics"): [TWIN, PHONE_GUEST], ("S021", "Finance"): [TWIN]}
    order = iter(names)
    for person in people:
        pending = specials.get((person.site, person.department))
        first, last = pending.pop(0) if pending else next(order)
        base = ascii_fold(f"{first}.{last}".replace(" ", ""))
        email, n = f"{base}@{DOMAIN}", 2
        while email in emails:
            email, n = f"{base}{n}@{DOMAIN}", n + 1
        emails.add(email)
        person.email, person.first, person.last = email, first, last
        # cells are managed in order; 30 cells, 25 managers: the last five managers run two cells
        person.manager = managers[cells.index((person.site, person.department)) % len(managers)]
    # the IT floor walkers (12 people, two per site) must be trained before the first wave
    for site in SITES:
        for person in [p for p in people if p.site == site and p.department == "IT"][:2]:
            person.due = FLOOR_WALKER_DUE
    return people


def _due(person: Person) -> dt.date:
    return person.due or WAVE_START[person.site]


def _interval(
    rng: np.random.Generator, start: dt.datetime, end: dt.datetime, kind: str
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Join/leave pairs of one attendee; ``kind``: full, late, early, short, drop or overlap."""

    def at(minutes: float) -> dt.datetime:
        return start + dt.timedelta(seconds=int(round(minutes * 60)))

    length = (end - start).total_seconds() / 60
    join = float(np.clip(rng.normal(0.3, 1.3), -3.0, 5.0))
    leave = length + float(np.clip(rng.normal(0.5, 1.5), -3.0, 4.0))
    if kind == "late":
        join = float(rng.uniform(11, 24))
    elif kind == "early":
        leave = length - float(rng.uniform(12, 22))
    elif kind == "short":  # stayed a few minutes: not attended
        join = float(rng.uniform(0, 20))
        return [(at(join), at(join + float(rng.uniform(3, 16))))]
    if kind == "drop":  # lost the connection, back a minute or two later
        cut = float(rng.uniform(15, length - 15))
        back = cut + float(rng.uniform(0.5, 3))
        return [(at(join), at(cut)), (at(back), at(leave))]
    if kind == "overlap":  # moved to a second device before the first one left
        switch = float(rng.uniform(15, length - 15))
        return [(at(join), at(switch + float(rng.uniform(0.5, 2)))), (at(switch), at(leave))]
    return [(at(join), at(leave))]


def attendee_kind(rng: np.random.Generator) -> str:
    """How an attendee who stays spends the session (about 1 in 10 late, 1 in 12 early, 1 in 8 rejoin)."""
    return str(rng.choice(["full", "late", "early", "drop", "overlap"], p=[0.70, 0.10, 0.08, 0.08, 0.04]))


def staff_attendees(rng: np.random.Generator, start: dt.datetime, external_trainer: bool) -> list[Attendee]:
    """The organiser (in the meeting first, last to leave) and the presenter."""
    end = start + dt.timedelta(minutes=MINUTES)
    opened = start - dt.timedelta(minutes=3, seconds=int(rng.integers(0, 90)))
    closed = end + dt.timedelta(minutes=3, seconds=int(rng.integers(0, 120)))
    organiser = Attendee(ORGANISER[0], ORGANISER[1], ORGANISER[1], "organizer", [(opened, closed)])
    came = start - dt.timedelta(minutes=1, seconds=int(rng.integers(0, 60)))
    went = end + dt.timedelta(seconds=int(rng.integers(30, 150)))
    if external_trainer:
        presenter = Attendee(EXTERNAL_TRAINER, "", EXTERNAL_TRAINER, "presenter", [(came, went)])
    else:
        presenter = Attendee(TRAINER[0], TRAINER[1], TRAINER[1], "presenter", [(came, went)])
    return [organiser, presenter]


def display_name(person: Person, last_first: bool) -> str:
    return f"{person.last}, {person.first}" if last_first else person.name


def shown_email(rng: np.random.Generator, email: str) -> str:
    """The e-mail as an export shows it: now and then with capitals from the directory."""
    if rng.random() < 0.06:
        local, _, domain = email.partition("@")
        return ".".join(part.capitalize() for part in local.split(".")) + "@" + domain
    return email


def plan_attendance(rng: np.random.Generator, people: list[Person]) -> dict:
    """Decide who completed, where, who registered, who stayed briefly, who walked in.

    Returns a dict: ``sessions`` {number: [(person, kind)]}, ``registrations`` [(person, number, done at)].
    """
    sessions: dict[int, list[tuple[Person, str]]] = {s.number: [] for s in PAST}
    registrations: list[tuple[Person, int, dt.datetime]] = []

    def register(person: Person, number: int) -> None:
        day = PAST[number - 1].start.replace(hour=7, minute=30) - dt.timedelta(days=int(rng.integers(1, 20)))
        registrations.append((person, number, day + dt.timedelta(seconds=int(rng.integers(0, 10 * 3600)))))

    for person in people:
        _, _, _, rate = SITES[person.site]
        # keener departments leave fewer people out: the share left out is divided by the factor
        chance = 1 - (1 - rate) / DEPARTMENTS[person.department][1]
        if person.due == FLOOR_WALKER_DUE:
            chance = 0.86
        due = _due(person)
        before_due = [s.number for s in PAST if s.start.date() < due]
        completed = rng.random() < chance or person.name in (" ".join(TWIN), " ".join(PHONE_GUEST))
        if completed:
            choices = before_due if before_due and rng.random() < 0.9 else [s.number for s in PAST]
            number = int(rng.choice(choices))
            if person.name == " ".join(TWIN) and person.site == "S072":
                number = 4  # the legacy session: names only, and this name is on the roster twice
            if person.name == " ".join(PHONE_GUEST):
                number = 5
            if rng.random() < 0.10 and number > 1:  # registered earlier, did not come, came later
                register(person, int(rng.integers(1, number)))
            if rng.random() < 0.90:
                register(person, number)
            sessions[number].append((person, attendee_kind(rng)))
        else:
            u = rng.random()
            if u < 0.30:  # registered, did not come
                register(person, int(rng.choice([s.number for s in PAST])))
            elif u < 0.38:  # registered, stayed a few minutes
                number = int(rng.choice([s.number for s in PAST]))
                register(person, number)
                sessions[number].append((person, "short"))
    return {"sessions": sessions, "registrations": registrations}


def build_session(rng: np.random.Generator, plan: SessionPlan, who: list[tuple[Person, str]]) -> list[Attendee]:
    """The attendees of one past session as its export shows them."""
    start = plan.start
    end = start + dt.timedelta(minutes=MINUTES)
    external = plan.number in (2, 4, 6)
    attendees = staff_attendees(rng, start, external)
    for person, kind in who:
        intervals = _interval(rng, start, end, kind)
        name = display_name(person, plan.last_first)
        if person.name == " ".join(PHONE_GUEST):  # joined from a personal phone, not signed in
            attendees.append(Attendee(name, "", name, "attendee", intervals))
            continue
        email = "" if plan.layout == "teams_legacy" else shown_email(rng, person.email)
        attendees.append(Attendee(name, email, email, "attendee", intervals))
    if plan.layout == "zoom":  # one attendee renamed themselves: Zoom shows "New name (Original Name)"
        renamed = next(a for a in attendees if a.role == "attendee" and a.email)
        first, _, last = renamed.name.partition(" ")
        renamed.name = f"{first} {last[:1]}. ({renamed.name})"
    if plan.number in (3, 7):  # contractors who help on go-live days sit in, not signed in
        for name in CONTRACTORS:
            attendees.append(Attendee(name, "", name, "attendee", _interval(rng, start, end, "full")))
    if plan.layout == "teams_legacy":
        cut_legacy_list(attendees, end + dt.timedelta(seconds=90))
    return attendees


def cut_legacy_list(attendees: list[Attendee], downloaded: dt.datetime) -> None:
    """The legacy list holds what happened until it was downloaded: later leaves become None."""
    for person in attendees:
        person.intervals = [(join, leave if leave <= downloaded else None) for join, leave in person.intervals]


def session_file(plan: SessionPlan) -> str:
    """The file name of the download (the legacy ``meetingAttendanceList.csv`` renamed by the analyst)."""
    if plan.layout == "zoom":
        return "participants_84512367790.csv"
    if plan.layout == "teams_legacy":
        return f"{plan.title}.csv"
    if plan.locale == "de-DE":
        return f"{plan.title} - Anwesenheitsbericht {plan.start:%d.%m.%y}.csv"
    return f"{plan.title} - Attendance report {plan.start.month}-{plan.start.day}-{plan.start:%y}.csv"


def write_session(folder: Path, plan: SessionPlan, attendees: list[Attendee]) -> Path:
    """Write one session in its layout; returns the path."""
    path = folder / session_file(plan)
    if plan.layout == "zoom":
        write_zoom(path, plan.title, "84512367790", ORGANISER[1], attendees)
    elif plan.layout == "teams_legacy":
        write_teams_legacy(path, attendees)
    else:
        write_teams(
            path, plan.title, attendees, locale=plan.locale, encoding=plan.encoding, capitalised=plan.capitalised
        )
    return path


def registration_rows(rng: np.random.Generator, registrations) -> list[tuple[dt.datetime, str, str, str, str]]:
    """Forms rows from (person, session number, completed at); two people submit twice."""
    notes = ["", "", "", "", "", "", "I use a screen reader", "I may need to leave 10 minutes early"]
    rows = []
    for person, number, done in registrations:
        note = str(rng.choice(notes)) if rng.random() < 0.08 else ""
        rows.append((done, shown_email(rng, person.email), person.name, PAST[number - 1].option, note))
    for done, email, name, option, _ in rows[5:7]:  # double-clicked Submit
        rows.append((done + dt.timedelta(seconds=14), email, name, option, ""))
    return rows


def feedback_rows(rng: np.random.Generator, sessions) -> list[tuple[dt.datetime, str, str, list[str], str]]:
    """About 180 anonymous responses from the employees who stayed for a session."""
    out = []
    for number, who in sessions.items():
        plan = PAST[number - 1]
        for person, kind in who:
            if kind == "short" or rng.random() > 0.76:
                continue
            mood = rng.normal(FEEDBACK_MOOD[person.department] + SESSION_MOOD.get(number, 0.0), 0.9)
            answers = [_feedback_answer(rng, mood, mean, loading) for _, mean, loading in FEEDBACK_ITEMS]
            comment = str(rng.choice(COMMENTS)) if rng.random() < 0.35 else ""
            if number == 4 and rng.random() < 0.5:
                comment = "The audio kept dropping, could not follow the second half"
            done = plan.start + dt.timedelta(minutes=MINUTES, seconds=int(rng.integers(120, 30 * 3600)))
            out.append((done, plan.option, person.department, answers, comment))
    return out


def generate(folder: Path, seed: int = SEED) -> dict[str, int]:
    """Write every sample file into ``folder``; returns counts for the summary line."""
    rng = np.random.default_rng(seed)
    people = make_roster(rng)
    planned = plan_attendance(rng, people)
    attendance = folder / "attendance"
    attendance.mkdir(parents=True, exist_ok=True)
    for stale in attendance.glob("*.csv"):
        stale.unlink()
    for plan in PAST:
        write_session(attendance, plan, build_session(rng, plan, planned["sessions"][plan.number]))
    write_roster(folder / "roster.csv", people)
    registrations = registration_rows(rng, planned["registrations"])
    write_registrations(folder / "registrations.csv", registrations)
    feedback = feedback_rows(rng, planned["sessions"])
    write_feedback(folder / "feedback.xlsx", feedback)
    (folder / "feedback.yaml").write_text(FEEDBACK_YAML, encoding="utf-8")
    stayed = {p.email for who in planned["sessions"].values() for p, kind in who if kind != "short"}
    return {
        "people": len(people),
        "completed": len(stayed),
        "registrations": len(registrations),
        "feedback": len(feedback),
    }


if __name__ == "__main__":
    counts = generate(HERE)
    print(
        f"roster.csv: {counts['people']} people ({counts['completed']} attended a session); "
        f"registrations.csv: {counts['registrations']} rows; feedback.xlsx: {counts['feedback']} responses; "
        f"attendance/: {len(PAST)} sessions"
    )
