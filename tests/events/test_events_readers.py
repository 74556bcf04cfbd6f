"""Readers for event_attendance: Teams (current, 2021 and 2020 layouts), Zoom, rosters and registrations.

Every fixture is a small hand-made file written by the test itself, in the shape the tool exports
(see ../shared/FORMATS.md); expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources.attendance import (
    JOIN_COLUMNS,
    SESSION_COLUMNS,
    parse_duration_minutes,
    read_attendance,
)
from pmokit.sources.people import REGISTRATION_COLUMNS, ROSTER_COLUMNS, read_registrations, read_roster

T = pd.Timestamp


def write_text(path: Path, lines: list[str], encoding: str = "utf-16", newline: str = "\r\n") -> Path:
    """Write ``lines`` as an export does: UTF-16 LE with a BOM (Teams' default) or UTF-8."""
    text = newline.join(lines) + newline
    if encoding == "utf-16":
        path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def tab(*cells: str) -> str:
    return "\t".join(cells)


# A US-locale organiser (12 h clock, month first). Bob joins as a guest (no e-mail, a UPN that is
# not an address) and rejoins from a second device before leaving the first: 9:10-9:20 and 9:15-9:40.
US_REPORT = [
    "1. Summary",
    tab("Meeting title", "Windows 11 readiness training"),
    tab("Attended participants", "3"),
    tab("Start time", "3/14/26, 9:02:11 AM"),
    tab("End time", "3/14/26, 9:47:40 AM"),
    tab("Meeting duration", "45m 29s"),
    tab("Average attendance time", "38m 5s"),
    "",
    "2. Participants",
    tab("Name", "First Join", "Last Leave", "In-Meeting Duration", "Email", "Participant ID (UPN)", "Role"),
    tab(
        "Kim, Ana",
        "3/14/26, 9:02:11 AM",
        "3/14/26, 9:47:40 AM",
        "45m 29s",
        "Ana.Kim@Contoso.com",
        "ana.kim@contoso.com",
        "Organizer",
    ),
    tab("Bob Guest", "3/14/26, 9:10:00 AM", "3/14/26, 9:40:00 AM", "30m", "", "Bob Guest (Guest)", "Attendee"),
    tab(
        "Chen Li",
        "3/14/26, 9:30:00 AM",
        "3/14/26, 12:05:00 PM",
        "2h 35m",
        "li.chen@contoso.com",
        "li.chen@contoso.com",
        "Presenter",
    ),
    "",
    "3. In-Meeting Activities",
    tab("Name", "Join Time", "Leave Time", "Duration", "Email", "Role"),
    tab("Kim, Ana", "3/14/26, 9:02:11 AM", "3/14/26, 9:47:40 AM", "45m 29s", "Ana.Kim@Contoso.com", "Organizer"),
    tab("Bob Guest", "3/14/26, 9:10:00 AM", "3/14/26, 9:20:00 AM", "10m", "", "Attendee"),
    tab("Bob Guest", "3/14/26, 9:15:00 AM", "3/14/26, 9:40:00 AM", "25m", "", "Attendee"),
    tab("Chen Li", "3/14/26, 9:30:00 AM", "3/14/26, 12:05:00 PM", "2h 35m", "li.chen@contoso.com", "Presenter"),
]


class TestTeamsCurrentLayout:
    def test_utf16_us_report_with_rejoin_and_guest(self, tmp_path):
        """The usual download: UTF-16 LE + BOM, CRLF lines, US dates, section 3 with a rejoin."""
        path = write_text(tmp_path / "Training 1.csv", US_REPORT)
        result = read_attendance(path)
        sessions, joins = result.sessions, result.joins
        assert list(sessions.columns) == SESSION_COLUMNS
        assert list(joins.columns) == JOIN_COLUMNS
        row = sessions.iloc[0]
        assert row["session_id"] == "Training 1" and row["file"] == "Training 1.csv"
        assert row["title"] == "Windows 11 readiness training"
        assert row["start"] == T("2026-03-14 09:02:11") and row["end"] == T("2026-03-14 09:47:40")
        # 9:02:11 -> 9:47:40 is 45 min 29 s = 45 + 29/60 = 45.4833 min
        assert row["duration_min"] == pytest.approx(45 + 29 / 60)
        assert row["layout"] == "teams" and bool(row["has_intervals"]) is True
        # Section 3 gives one row per interval: Ana 1, Bob 2 (the rejoin), Chen 1.
        assert joins["name"].tolist() == ["Kim, Ana", "Bob Guest", "Bob Guest", "Chen Li"]
        assert joins["email"].tolist() == ["ana.kim@contoso.com", "", "", "li.chen@contoso.com"]
        # Section 3 has no UPN column: taken from section 2 (by e-mail for Ana, by name for Bob), lower-cased.
        assert joins["upn"].tolist() == [
            "ana.kim@contoso.com",
            "bob guest (guest)",
            "bob guest (guest)",
            "li.chen@contoso.com",
        ]
        assert joins["role"].tolist() == ["organizer", "attendee", "attendee", "presenter"]
        assert joins["guest"].tolist() == [False, True, True, False]
        bob = joins[joins["name"] == "Bob Guest"]
        assert bob["join"].tolist() == [T("2026-03-14 09:10"), T("2026-03-14 09:15")]
        assert bob["leave"].tolist() == [T("2026-03-14 09:20"), T("2026-03-14 09:40")]
        assert bob["minutes"].tolist() == [10.0, 25.0]
        # 12:05:00 PM is 12:05 (noon), not 00:05; "2h 35m" = 155 min
        chen = joins[joins["name"] == "Chen Li"].iloc[0]
        assert chen["leave"] == T("2026-03-14 12:05") and chen["minutes"] == 155.0
        assert pd.api.types.is_datetime64_any_dtype(joins["join"])
        assert joins["email"].isna().sum() == 0

    def test_utf8_day_first_without_bom(self, tmp_path):
        """A UTF-8 report (some tenants, re-saves) from a UK organiser: 24 h clock, day first, LF lines."""
        lines = [
            "1. Summary",
            tab("Meeting title", "Go-live briefing"),
            tab("Start time", "05/03/26 14:00:05"),
            tab("End time", "05/03/26 15:00:00"),
            "",
            "2. Participants",
            tab("Name", "First join", "Last leave", "In-meeting duration", "Email", "Participant ID (UPN)", "Role"),
            tab(
                "Ruth Owen",
                "05/03/26 14:00:05",
                "05/03/26 14:59:00",
                "58m 55s",
                "ruth.owen@contoso.com",
                "ruth.owen@contoso.com",
                "Organiser",
            ),
            tab(
                "Tom Hale",
                "05/03/26 14:20:00",
                "05/03/26 14:50:00",
                "30m",
                "tom.hale@contoso.com",
                "tom.hale@contoso.com",
                "Attendee",
            ),
            "",
            "3. In-meeting activities",
            tab("Name", "Join time", "Leave time", "Duration", "Email", "Role"),
            tab("Ruth Owen", "05/03/26 14:00:05", "05/03/26 14:59:00", "58m 55s", "ruth.owen@contoso.com", "Organiser"),
            tab("Tom Hale", "05/03/26 14:20:00", "13/03/26 14:50:00", "30m", "tom.hale@contoso.com", "Attendee"),
        ]
        # "13/03/26" has a first number above 12, so the whole file is day first: 05/03/26 is 5 March.
        path = write_text(tmp_path / "briefing.csv", lines, encoding="utf-8", newline="\n")
        dq = DataQuality()
        result = read_attendance(path, dq=dq)
        assert result.sessions.iloc[0]["start"] == T("2026-03-05 14:00:05")
        assert result.joins["role"].tolist() == ["organizer", "attendee"]  # "Organiser" -> organizer
        assert result.joins["leave"].tolist() == [T("2026-03-05 14:59"), T("2026-03-13 14:50")]
        assert not any("day and month" in f["problem"] for f in dq.findings)

    def test_german_titles_headers_and_dotted_dates(self, tmp_path):
        """A German organiser: translated section titles and headers, dotted dates, German roles."""
        lines = [
            "1. Zusammenfassung",
            tab("Besprechungstitel", "Schulung Windows 11"),
            tab("Teilnehmer insgesamt", "2"),
            tab("Startzeit", "02.04.2026, 09:00:00"),
            tab("Endzeit", "02.04.2026, 10:05:12"),
            tab("Besprechungsdauer", "1 h 5 min 12 s"),
            "",
            "2. Teilnehmer",
            tab(
                "Name",
                "Erster Beitritt",
                "Letztes Verlassen",
                "Dauer in der Besprechung",
                "E-Mail",
                "Teilnehmer-ID (UPN)",
                "Rolle",
            ),
            tab(
                "Müller, Jörg",
                "02.04.2026, 09:00:00",
                "02.04.2026, 10:05:12",
                "1 h 5 min 12 s",
                "joerg.mueller@contoso.de",
                "joerg.mueller@contoso.de",
                "Organisator",
            ),
            tab(
                "Weiß, Anna",
                "02.04.2026, 09:01:00",
                "02.04.2026, 09:45:00",
                "44 min",
                "anna.weiss@contoso.de",
                "anna.weiss@contoso.de",
                "Teilnehmer",
            ),
            "",
            "3. Aktivitäten in der Besprechung",
            tab("Name", "Beitrittszeit", "Zeitpunkt des Verlassens", "Dauer", "E-Mail", "Rolle"),
            tab(
                "Müller, Jörg",
                "02.04.2026, 09:00:00",
                "02.04.2026, 10:05:12",
                "1 h 5 min 12 s",
                "joerg.mueller@contoso.de",
                "Organisator",
            ),
            tab(
                "Weiß, Anna",
                "02.04.2026, 09:01:00",
                "02.04.2026, 09:45:00",
                "44 min",
                "anna.weiss@contoso.de",
                "Teilnehmer",
            ),
        ]
        dq = DataQuality()
        result = read_attendance(write_text(tmp_path / "schulung.csv", lines), dq=dq)
        row = result.sessions.iloc[0]
        assert row["title"] == "Schulung Windows 11"
        # Dotted dates are day first in every locale that writes them: 02.04.2026 = 2 April.
        assert row["start"] == T("2026-04-02 09:00") and row["end"] == T("2026-04-02 10:05:12")
        joins = result.joins
        assert joins["name"].tolist() == ["Müller, Jörg", "Weiß, Anna"]
        assert joins["role"].tolist() == ["organizer", "attendee"]
        assert joins["upn"].tolist() == ["joerg.mueller@contoso.de", "anna.weiss@contoso.de"]
        # 1 h 5 min 12 s = 60 + 5 + 12/60 = 65.2 min
        assert joins["minutes"].tolist() == pytest.approx([65.2, 44.0])
        assert bool(row["has_intervals"]) is True
        assert dq.findings == []  # dotted dates decide the order: no ambiguity note

    @pytest.mark.parametrize(
        "titles, keys, people, activity, roles",
        [
            (
                ("1. Résumé", "2. Participants", "3. Activités pendant la réunion"),
                ("Titre de la réunion", "Heure de début", "Heure de fin"),
                (
                    "Nom",
                    "Première arrivée",
                    "Dernier départ",
                    "Durée de la réunion",
                    "E-mail",
                    "ID du participant (UPN)",
                    "Rôle",
                ),
                ("Nom", "Heure d'arrivée", "Heure de départ", "Durée", "E-mail", "Rôle"),
                ("Organisateur", "Participant"),
            ),
            (
                ("1. Resumen", "2. Participantes", "3. Actividades durante la reunión"),
                ("Título de la reunión", "Hora de inicio", "Hora de finalización"),
                (
                    "Nombre",
                    "Primera unión",
                    "Última salida",
                    "Duración en la reunión",
                    "Correo electrónico",
                    "Id. de participante (UPN)",
                    "Rol",
                ),
                ("Nombre", "Hora de unión", "Hora de salida", "Duración", "Correo electrónico", "Rol"),
                ("Organizador", "Asistente"),
            ),
            (
                ("1. SUMMARY", "2. PARTICIPANTS", "3. IN-MEETING ACTIVITIES"),
                ("MEETING TITLE", "START TIME", "END TIME"),
                ("NAME", "FIRST JOIN", "LAST LEAVE", "IN-MEETING DURATION", "EMAIL", "PARTICIPANT ID (UPN)", "ROLE"),
                ("NAME", "JOIN TIME", "LEAVE TIME", "DURATION", "EMAIL", "ROLE"),
                ("ORGANIZER", "ATTENDEE"),
            ),
        ],
        ids=["french", "spanish", "upper-case"],
    )
    def test_other_locales_and_capitalisation(self, tmp_path, titles, keys, people, activity, roles):
        """French, Spanish and upper-case section titles, summary keys and headers; day-first dates."""
        marie = ("Dupont, Marie", "20/04/26 10:00:00", "20/04/26 11:00:00", "1h", "Marie@contoso.fr")
        luis = ("Luis Gómez", "20/04/26 10:05:00", "20/04/26 10:35:00", "30m", "luis@contoso.es")
        lines = [
            titles[0],
            tab(keys[0], "Formation"),
            tab(keys[1], "20/04/26 10:00:00"),
            tab(keys[2], "20/04/26 11:00:00"),
            "",
            titles[1],
            tab(*people),
            tab(*marie, "marie@contoso.fr", roles[0]),
            tab(*luis, "luis@contoso.es", roles[1]),
            "",
            titles[2],
            tab(*activity),
            tab(*marie, roles[0]),
            tab(*luis, roles[1]),
        ]
        result = read_attendance(write_text(tmp_path / "session.csv", lines))
        row = result.sessions.iloc[0]
        assert row["title"] == "Formation"
        # 20/04/26: a first number above 12, so day first: 20 April 2026.
        assert row["start"] == T("2026-04-20 10:00") and row["end"] == T("2026-04-20 11:00")
        assert result.joins["role"].tolist() == ["organizer", "attendee"]
        assert result.joins["email"].tolist() == ["marie@contoso.fr", "luis@contoso.es"]
        assert result.joins["upn"].tolist() == ["marie@contoso.fr", "luis@contoso.es"]
        assert result.joins["minutes"].tolist() == [60.0, 30.0]
        assert bool(row["has_intervals"]) is True

    def test_participants_only_has_no_intervals(self, tmp_path):
        """A report without section 3 (trimmed by hand, or an old export): one summary row per person."""
        lines = US_REPORT[: US_REPORT.index("3. In-Meeting Activities")]
        result = read_attendance(write_text(tmp_path / "s.csv", lines))
        assert bool(result.sessions.iloc[0]["has_intervals"]) is False
        joins = result.joins
        assert joins["name"].tolist() == ["Kim, Ana", "Bob Guest", "Chen Li"]
        # Section 2: Bob's first join 9:10, last leave 9:40, stated 30 min; the UPN column is used directly.
        bob = joins.iloc[1]
        assert (bob["join"], bob["leave"], bob["minutes"]) == (T("2026-03-14 09:10"), T("2026-03-14 09:40"), 30.0)
        assert bob["upn"] == "bob guest (guest)" and bool(bob["guest"]) is True
        # 45m 29s = 45.4833 min; 2h 35m = 155 min
        assert joins["minutes"].tolist() == pytest.approx([45 + 29 / 60, 30.0, 155.0])

    def test_webinar_extra_columns_are_tolerated(self, tmp_path):
        """A webinar report: registration columns between and after the usual ones."""
        lines = [
            "1. Summary",
            tab("Meeting title", "Town hall"),
            tab("Start time", "3/2/26, 4:00:00 PM"),
            tab("End time", "3/2/26, 5:00:00 PM"),
            "",
            "2. Participants",
            tab(
                "Name",
                "Registration Time",
                "First Join",
                "Last Leave",
                "In-Meeting Duration",
                "Email",
                "Participant ID (UPN)",
                "Role",
                "Job title",
                "Company",
            ),
            tab(
                "Ana Kim",
                "2/20/26, 8:00:00 AM",
                "3/2/26, 4:01:00 PM",
                "3/2/26, 4:31:00 PM",
                "30m",
                "ana.kim@contoso.com",
                "ana.kim@contoso.com",
                "Attendee",
                "Analyst",
                "Contoso",
            ),
        ]
        dq = DataQuality()
        result = read_attendance(write_text(tmp_path / "townhall.csv", lines), dq=dq)
        ana = result.joins.iloc[0]
        # 4:01 PM = 16:01; the registration time (8:00 AM) must not be read as the join.
        assert ana["join"] == T("2026-03-02 16:01") and ana["leave"] == T("2026-03-02 16:31")
        assert ana["minutes"] == 30.0 and ana["role"] == "attendee"
        # No day above 12 in any date: the AM/PM clock decides month first, and a note says so.
        assert result.sessions.iloc[0]["start"] == T("2026-03-02 16:00")
        assert any("day and month" in f["problem"] and "month/day" in f["action"] for f in dq.findings)

    def test_2021_unnumbered_meeting_summary_layout(self, tmp_path):
        """The 2021 export: a 'Meeting Summary' block, a blank line, then one row per person, no titles."""
        lines = [
            "Meeting Summary",
            tab("Total Number of Participants", "2"),
            tab("Meeting Title", "Steering meeting"),
            tab("Meeting Start Time", "6/15/2021, 10:00:00 AM"),
            tab("Meeting End Time", "6/15/2021, 11:00:00 AM"),
            "",
            tab("Full Name", "Join Time", "Leave Time", "Duration", "Email", "Role", "Participant ID (UPN)"),
            tab(
                "Ana Kim",
                "6/15/2021, 10:00:00 AM",
                "6/15/2021, 11:00:00 AM",
                "1h",
                "ana.kim@contoso.com",
                "Organizer",
                "ana.kim@contoso.com",
            ),
            tab(
                "Ben Ode",
                "6/15/2021, 10:10:00 AM",
                "6/15/2021, 10:40:00 AM",
                "30m",
                "ben.ode@contoso.com",
                "Attendee",
                "ben.ode@contoso.com",
            ),
        ]
        result = read_attendance(write_text(tmp_path / "steering.csv", lines))
        row = result.sessions.iloc[0]
        assert (row["title"], row["start"], row["layout"]) == ("Steering meeting", T("2021-06-15 10:00"), "teams")
        assert result.joins["name"].tolist() == ["Ana Kim", "Ben Ode"]
        assert result.joins["minutes"].tolist() == [60.0, 30.0]
        assert result.joins["upn"].tolist() == ["ana.kim@contoso.com", "ben.ode@contoso.com"]

    def test_missing_leave_uses_session_end_with_a_note(self, tmp_path):
        """A person still in the meeting when the report was downloaded: no leave time."""
        lines = US_REPORT[: US_REPORT.index("3. In-Meeting Activities")]
        lines = [line.replace("3/14/26, 12:05:00 PM", "") for line in lines]
        dq = DataQuality()
        result = read_attendance(write_text(tmp_path / "s.csv", lines), dq=dq)
        # Chen's leave becomes the session end, 9:47:40.
        assert result.joins.iloc[2]["leave"] == T("2026-03-14 09:47:40")
        assert [f["rows"] for f in dq.findings if f["field"] == "leave"] == [1]


class TestDates:
    def _report(self, start: str, end: str, join: str, leave: str) -> list[str]:
        return [
            "1. Summary",
            tab("Meeting title", "Stand-up"),
            tab("Start time", start),
            tab("End time", end),
            "",
            "2. Participants",
            tab("Name", "First Join", "Last Leave", "In-Meeting Duration", "Email", "Participant ID (UPN)", "Role"),
            tab("Ana Kim", join, leave, "10m", "ana@contoso.com", "ana@contoso.com", "Attendee"),
        ]

    def test_ambiguous_24h_file_reads_day_first_with_a_note(self, tmp_path):
        """All days <= 12 and a 24 h clock: day first (the clock rule), said in data quality."""
        lines = self._report("04/03/26 09:00:00", "04/03/26 09:30:00", "04/03/26 09:05:00", "04/03/26 09:15:00")
        dq = DataQuality()
        result = read_attendance(write_text(tmp_path / "a.csv", lines), dq=dq)
        assert result.sessions.iloc[0]["start"] == T("2026-03-04 09:00")  # 4 March
        assert any("day/month" in f["action"] for f in dq.findings)

    def test_ambiguous_file_follows_date_order(self, tmp_path):
        """The same file with date_order='MDY': 04/03/26 is 3 April."""
        lines = self._report("04/03/26 09:00:00", "04/03/26 09:30:00", "04/03/26 09:05:00", "04/03/26 09:15:00")
        dq = DataQuality()
        result = read_attendance(write_text(tmp_path / "a.csv", lines), dq=dq, date_order="MDY")
        assert result.sessions.iloc[0]["start"] == T("2026-04-03 09:00")
        assert any("date_order" in f["action"] for f in dq.findings)

    def test_mixed_orders_in_one_file_are_refused(self, tmp_path):
        """13/03 (day first) and 03/14 (month first) in one file: no order fits both."""
        lines = self._report("13/03/26 09:00:00", "13/03/26 09:30:00", "03/14/26 09:05:00", "13/03/26 09:15:00")
        with pytest.raises(InputError, match=r"a\.csv.*one order.*'13/03/26 09:00:00'.*'03/14/26 09:05:00'"):
            read_attendance(write_text(tmp_path / "a.csv", lines))

    def test_unreadable_date_names_value_and_formats(self, tmp_path):
        lines = self._report("3/14/26, 9:00:00 AM", "3/14/26, 9:30:00 AM", "half past nine", "3/14/26, 9:15:00 AM")
        with pytest.raises(InputError) as err:
            read_attendance(write_text(tmp_path / "a.csv", lines))
        message = str(err.value)
        assert "a.csv" in message and "'half past nine'" in message and "14.03.2026, 09:02:11" in message
        assert "\n" not in message

    @pytest.mark.parametrize(
        "text, minutes",
        [
            ("1h 5m 12s", 65.2),  # 60 + 5 + 12/60
            ("38m 5s", 38 + 5 / 60),
            ("45s", 0.75),  # 45/60
            ("01:05:12", 65.2),
            ("2h", 120.0),
            ("1 godz. 5 min 12 sek.", 65.2),  # Polish units, as a real report writes them
        ],
    )
    def test_durations(self, text, minutes):
        assert parse_duration_minutes(text) == pytest.approx(minutes)


class TestTeamsLegacyLayout:
    def test_joined_left_log_with_rejoin_and_open_join(self, tmp_path):
        """The 2020-21 flat log: 'Joined before' for people already in, a rejoin, one who never left."""
        lines = [
            tab("Full Name", "User Action", "Timestamp"),
            tab("Ana Kim", "Joined before", "3/14/2026, 9:00:00 AM"),
            tab("Ben Ode", "Joined", "3/14/2026, 9:05:00 AM"),
            tab("Ben Ode", "Left", "3/14/2026, 9:20:00 AM"),
            tab("Ben Ode", "Joined", "3/14/2026, 9:25:00 AM"),
            tab("Ben Ode", "Left", "3/14/2026, 9:50:00 AM"),
            tab("Cara Diaz", "Joined", "3/14/2026, 9:10:00 AM"),
            tab("Ana Kim", "Left", "3/14/2026, 10:00:00 AM"),
        ]
        dq = DataQuality()
        result = read_attendance(write_text(tmp_path / "Weekly sync 2021-03-14.csv", lines), dq=dq)
        row = result.sessions.iloc[0]
        # Title is the file stem; start/end are the first and last timestamps (9:00, 10:00): 60 min.
        assert row["title"] == "Weekly sync 2021-03-14" and row["layout"] == "teams_legacy"
        assert (row["start"], row["end"], row["duration_min"]) == (T("2026-03-14 09:00"), T("2026-03-14 10:00"), 60.0)
        assert bool(row["has_intervals"]) is True
        joins = result.joins.sort_values(["name", "join"]).reset_index(drop=True)
        assert joins["name"].tolist() == ["Ana Kim", "Ben Ode", "Ben Ode", "Cara Diaz"]
        assert joins["join"].tolist() == [
            T("2026-03-14 09:00"),
            T("2026-03-14 09:05"),
            T("2026-03-14 09:25"),
            T("2026-03-14 09:10"),
        ]
        # Cara never left: her leave is the session end (10:00), with a data-quality line.
        assert joins["leave"].tolist() == [
            T("2026-03-14 10:00"),
            T("2026-03-14 09:20"),
            T("2026-03-14 09:50"),
            T("2026-03-14 10:00"),
        ]
        assert joins["email"].tolist() == ["", "", "", ""] and joins["guest"].tolist() == [False] * 4
        assert joins["minutes"].isna().all()
        assert [f["rows"] for f in dq.findings if f["field"] == "leave"] == [1]


class TestZoom:
    def test_participants_report(self, tmp_path):
        """Zoom's CSV: the meeting block, a blank line, one row per join; a guest; a waiting-room row."""
        lines = [
            "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants",
            '81234567890,"Windows 11 readiness training, session 4",03/16/2026 02:00:00 PM,03/16/2026 03:00:00 PM,'
            "host@contoso.com,60,3",
            "",
            "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room",
            "Host Person,host@contoso.com,03/16/2026 02:00:00 PM,03/16/2026 03:00:00 PM,60,No,No",
            "Ana Kim,Ana.Kim@contoso.com,03/16/2026 01:58:00 PM,03/16/2026 02:01:00 PM,3,No,Yes",
            "Ana Kim,Ana.Kim@contoso.com,03/16/2026 02:01:00 PM,03/16/2026 02:31:00 PM,30,No,No",
            "Ana Kim,Ana.Kim@contoso.com,03/16/2026 02:29:00 PM,03/16/2026 02:55:00 PM,26,No,No",
            "Visitor (iPhone),,03/16/2026 02:10:00 PM,03/16/2026 02:40:00 PM,30,Yes,No",
        ]
        dq = DataQuality()
        result = read_attendance(write_text(tmp_path / "zoom_s4.csv", lines, encoding="utf-8", newline="\n"), dq=dq)
        row = result.sessions.iloc[0]
        assert row["layout"] == "zoom" and row["title"] == "Windows 11 readiness training, session 4"
        assert (row["start"], row["end"]) == (T("2026-03-16 14:00"), T("2026-03-16 15:00"))
        joins = result.joins
        # The waiting-room row (1:58-2:01) is dropped: 5 rows - 1 = 4.
        assert joins["name"].tolist() == ["Host Person", "Ana Kim", "Ana Kim", "Visitor (iPhone)"]
        assert joins["email"].tolist() == ["host@contoso.com", "ana.kim@contoso.com", "ana.kim@contoso.com", ""]
        assert joins["role"].tolist() == ["organizer", "", "", ""]  # the host's e-mail is the meeting's User Email
        assert joins["guest"].tolist() == [False, False, False, True]
        assert joins["minutes"].tolist() == [60.0, 30.0, 26.0, 30.0]
        assert joins.iloc[3]["join"] == T("2026-03-16 14:10")
        assert [f["rows"] for f in dq.findings if f["field"] == "In Waiting Room"] == [1]

    def test_participants_table_without_the_meeting_block(self, tmp_path):
        """A Zoom export with 'Show unique users' off and no meeting header: title from the file name."""
        lines = [
            "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest",
            "Ana Kim,ana.kim@contoso.com,03/16/2026 02:01:00 PM,03/16/2026 02:31:00 PM,30,No",
            "Ben Ode,ben.ode@contoso.com,03/16/2026 02:05:00 PM,03/16/2026 02:50:00 PM,45,No",
        ]
        dq = DataQuality()
        result = read_attendance(write_text(tmp_path / "training_s6.csv", lines, encoding="utf-8"), dq=dq)
        row = result.sessions.iloc[0]
        # No meeting block: start = first join 14:01, end = last leave 14:50 -> 49 minutes; both noted.
        assert (row["title"], row["start"], row["end"]) == ("training_s6", T("2026-03-16 14:01"), T("2026-03-16 14:50"))
        assert row["duration_min"] == 49.0
        assert {f["field"] for f in dq.findings} >= {"Start time", "End time"}


class TestFoldersAndErrors:
    def test_folder_is_read_whole_in_name_order_with_unique_ids(self, tmp_path):
        """Two folders each holding 'week1.csv' plus a file that is not a report type (ignored)."""
        first, second = tmp_path / "a", tmp_path / "b"
        first.mkdir()
        second.mkdir()
        write_text(first / "week2.csv", US_REPORT)
        write_text(first / "week1.csv", US_REPORT)
        (first / "notes.md").write_text("not a report")
        write_text(second / "week1.csv", US_REPORT)
        result = read_attendance([first, second])
        assert result.sessions["session_id"].tolist() == ["week1", "week2", "week1-2"]
        assert result.sessions["file"].tolist() == ["week1.csv", "week2.csv", "week1.csv"]
        # 4 interval rows per file x 3 files
        assert len(result.joins) == 12
        assert result.joins["session_id"].value_counts().to_dict() == {"week1": 4, "week2": 4, "week1-2": 4}

    def test_utf16_without_byte_order_mark(self, tmp_path):
        """A report re-written by a PowerShell script: UTF-16 LE without the BOM."""
        path = tmp_path / "s.csv"
        path.write_bytes("\r\n".join(US_REPORT).encode("utf-16-le"))
        dq = DataQuality()
        result = read_attendance(path, dq=dq)
        assert result.sessions.iloc[0]["title"] == "Windows 11 readiness training"
        assert any(f["field"] == "(encoding)" for f in dq.findings)

    def test_stray_and_excel_quotes_in_a_tab_separated_report(self, tmp_path):
        """A nickname in quotes at the start of a name, and cells Excel quoted on a 'Unicode text' re-save."""
        lines = [
            tab("Full Name", "User Action", "Timestamp"),
            tab('"Bo" Berg', "Joined", "3/14/2026, 9:00:00 AM"),
            tab('"Cara Diaz"', "Joined", '"3/14/2026, 9:10:00 AM"'),
            tab('"Bo" Berg', "Left", "3/14/2026, 10:00:00 AM"),
            tab('"Cara Diaz"', "Left", '"3/14/2026, 9:40:00 AM"'),
        ]
        joins = read_attendance(write_text(tmp_path / "s.csv", lines)).joins
        assert joins["name"].tolist() == ['"Bo" Berg', "Cara Diaz"]
        assert joins["leave"].tolist() == [T("2026-03-14 10:00"), T("2026-03-14 09:40")]

    def test_excel_workbook_is_refused_clearly(self, tmp_path):
        path = write_xlsx(tmp_path / "report.xlsx", [["1. Summary"], ["Meeting title", "X"]])
        with pytest.raises(InputError, match=r"^report\.xlsx: field '\(file\)'.*an Excel workbook"):
            read_attendance(path)

    def test_not_an_attendance_report(self, tmp_path):
        path = tmp_path / "budget.csv"
        path.write_text("Cost centre,Amount\nIT,1200\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"^budget\.csv: .*Teams attendance report.*'Cost centre \| Amount'"):
            read_attendance(path)

    def test_empty_participants_section(self, tmp_path):
        lines = US_REPORT[: US_REPORT.index("2. Participants") + 2]  # title and header, no rows
        with pytest.raises(InputError, match=r"^s\.csv: field 'Participants'.*empty participants section"):
            read_attendance(write_text(tmp_path / "s.csv", lines))

    def test_empty_folder_and_missing_file(self, tmp_path):
        with pytest.raises(InputError, match="none in the folder"):
            read_attendance(tmp_path)
        with pytest.raises(InputError, match="no such file"):
            read_attendance(tmp_path / "nope.csv")


# ----------------------------------------------------------------------------- people
def write_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


class TestRoster:
    def test_user_principal_name_header_and_duplicates(self, tmp_path):
        """An Entra ID export re-used as a roster: 'User principal name', a repeated person, a blank row."""
        path = tmp_path / "roster.csv"
        path.write_text(
            "User principal name,Display name,Department,Office location,Manager,Train by,Time zone\n"
            "Ana.Kim@Contoso.com ,Ana Kim,Finance,BER-01,Rita Lang,2026-04-30,Europe/Berlin\n"
            "ben.ode@contoso.com,Ben Ode,IT,MUC-02,Rita Lang,,\n"
            ",Nobody,IT,MUC-02,,,\n"
            "ANA.KIM@contoso.com,Ana Kim (2),Finance,BER-01,Rita Lang,2026-05-31,Europe/Berlin\n",
            encoding="utf-8",
        )
        dq = DataQuality()
        roster = read_roster(path, dq=dq)
        assert list(roster.columns) == ROSTER_COLUMNS
        # 4 rows - 1 without identity - 1 repeat of Ana (first kept) = 2
        assert roster["email"].tolist() == ["ana.kim@contoso.com", "ben.ode@contoso.com"]
        assert roster["name"].tolist() == ["Ana Kim", "Ben Ode"]
        assert roster["site"].tolist() == ["BER-01", "MUC-02"]
        assert roster["manager"].tolist() == ["Rita Lang", "Rita Lang"]
        assert roster["timezone"].tolist() == ["Europe/Berlin", ""]
        assert roster["due_date"].iloc[0] == T("2026-04-30") and pd.isna(roster["due_date"].iloc[1])
        assert {f["problem"]: f["rows"] for f in dq.findings} == {
            "no e-mail or UPN": 1,
            "person listed more than once": 1,
        }

    def test_xlsx_with_first_and_last_names_and_mapping(self, tmp_path):
        """An HR workbook: real Excel dates, split names, a department header only the params know."""
        path = write_xlsx(
            tmp_path / "hr.xlsx",
            [
                ["Work email", "First name", "Last name", "Cost centre name", "Site", "Due date"],
                ["lena.vogt@contoso.de", "Lena", "Vogt", "Sales", "HAM-01", dt.datetime(2026, 5, 4)],
                ["jan.berg@contoso.de", "Jan", "Berg", "Sales", "HAM-01", None],
            ],
        )
        roster = read_roster(path, columns={"department": "Cost centre name"})
        assert roster.iloc[0].drop("due_date").to_dict() == {
            "email": "lena.vogt@contoso.de",
            "name": "Lena Vogt",
            "department": "Sales",
            "site": "HAM-01",
            "manager": "",
            "timezone": "",
        }
        # An Excel date cell is a date, not text to guess the order of: 4 May 2026.
        assert roster["due_date"].iloc[0] == T("2026-05-04") and pd.isna(roster["due_date"].iloc[1])

    def test_no_identity_column_names_file_and_headers(self, tmp_path):
        path = tmp_path / "people.csv"
        path.write_text("Full name,Department\nAna Kim,Finance\n", encoding="utf-8")
        with pytest.raises(InputError) as err:
            read_roster(path)
        message = str(err.value)
        assert message.startswith("people.csv: field 'email'")
        assert "'Full name', 'Department'" in message and "'User principal name'" in message


class TestRegistrations:
    def test_microsoft_forms_csv(self, tmp_path):
        """A Forms export: anonymous response, a multi-select 'A;B;' answer, a person who answered twice."""
        path = tmp_path / "registrations.csv"
        path.write_text(
            "ID,Start time,Completion time,Email,Name,Which session will you attend?\n"
            "1,3/1/26 9:00:00,3/1/26 9:01:10,Ana.Kim@contoso.com,Ana Kim,Session 1 - 14 March;\n"
            "2,3/2/26 10:00:00,3/2/26 10:00:40,anonymous,,Session 2 - 16 March;\n"
            "3,3/2/26 11:00:00,3/2/26 11:00:30,ben.ode@contoso.com,Ben Ode,Session 1 - 14 March;Session 2 - 16 March;\n"
            "4,3/13/26 8:00:00,3/13/26 8:00:20,ana.kim@contoso.com,Ana Kim,Session 1 - 14 March;\n",
            encoding="utf-8",
        )
        dq = DataQuality()
        regs = read_registrations(path, dq=dq)
        assert list(regs.columns) == REGISTRATION_COLUMNS
        # Rows: Ana (twice, last kept), anonymous (no e-mail, no name: dropped), Ben x2 sessions.
        assert regs[["email", "session"]].values.tolist() == [
            ["ben.ode@contoso.com", "Session 1 - 14 March"],
            ["ben.ode@contoso.com", "Session 2 - 16 March"],
            ["ana.kim@contoso.com", "Session 1 - 14 March"],
        ]
        # "3/13/26" has 13 in second place: month first; Ana's kept response was completed 13 March 8:00:20.
        assert regs["registered_at"].iloc[2] == T("2026-03-13 08:00:20")
        assert regs["cancelled"].tolist() == [False, False, False]
        problems = {f["problem"]: f["rows"] for f in dq.findings}
        assert problems["anonymous response (no e-mail)"] == 1
        assert problems["several sessions chosen in one response"] == 1
        assert problems["registered more than once for the same session"] == 1

    def test_google_forms_csv(self, tmp_path):
        """Google's CSV: 'YYYY/MM/DD h:mm:ss AM GMT+1' timestamps, 'Email address', a checkbox answer."""
        path = tmp_path / "google.csv"
        path.write_text(
            "Timestamp,Email address,Full name,Preferred training date\n"
            '2026/03/01 9:15:02 PM GMT+1,Lena.Vogt@contoso.de,Lena Vogt,"Tuesday, 17 March"\n'
            'yesterday,jan.berg@contoso.de,Jan Berg,"Thursday, 19 March"\n',
            encoding="utf-8",
        )
        dq = DataQuality()
        regs = read_registrations(path, dq=dq)
        assert regs[["email", "name", "session"]].values.tolist() == [
            ["lena.vogt@contoso.de", "Lena Vogt", "Tuesday, 17 March"],
            ["jan.berg@contoso.de", "Jan Berg", "Thursday, 19 March"],
        ]
        # Wall clock as written (the GMT+1 offset is not applied): 9:15:02 PM = 21:15:02.
        assert regs["registered_at"].iloc[0] == T("2026-03-01 21:15:02")
        # A value that is no date at all is left blank and noted, never a crash.
        assert pd.isna(regs["registered_at"].iloc[1])
        assert [f["rows"] for f in dq.findings if f["field"] == "registered_at"] == [1]

    def test_eventbrite_attendee_report(self, tmp_path):
        path = tmp_path / "eventbrite.csv"
        path.write_text(
            "Order #,Order Date,First Name,Last Name,Email,Quantity,Ticket Type,Attendee #,Attendee Status,Job Title\n"
            "1001,2026-02-20 10:15:00,Ana,Kim,ana.kim@contoso.com,1,Berlin - 14 March,5001,Attending,Analyst\n"
            "1002,2026-02-21 11:00:00,Ben,Ode,ben.ode@contoso.com,1,Online - 16 March,5002,Not Attending,\n"
            "1003,2026-02-22 12:30:00,Cara,Diaz,cara.diaz@contoso.com,1,Online - 16 March,5003,Checked In,\n",
            encoding="utf-8",
        )
        regs = read_registrations(path)
        assert regs["name"].tolist() == ["Ana Kim", "Ben Ode", "Cara Diaz"]
        assert regs["session"].tolist() == ["Berlin - 14 March", "Online - 16 March", "Online - 16 March"]
        assert regs["cancelled"].tolist() == [False, True, False]  # only "Not Attending" cancels
        assert regs["registered_at"].tolist() == [T("2026-02-20 10:15"), T("2026-02-21 11:00"), T("2026-02-22 12:30")]

    def test_forms_xlsx_with_session_mapping(self, tmp_path):
        """Forms 'Open in Excel': real datetimes; the session question named through ``columns``."""
        path = write_xlsx(
            tmp_path / "forms.xlsx",
            [
                ["ID", "Start time", "Completion time", "Email", "Name", "Pick one"],
                [1, dt.datetime(2026, 3, 1, 9), dt.datetime(2026, 3, 1, 9, 2), "ana.kim@contoso.com", "Ana Kim", "S1"],
            ],
        )
        regs = read_registrations(path, columns={"session": "Pick one"})
        assert regs.iloc[0][["email", "session"]].tolist() == ["ana.kim@contoso.com", "S1"]
        assert regs["registered_at"].iloc[0] == T("2026-03-01 09:02")

    def test_no_identity_column(self, tmp_path):
        path = tmp_path / "regs.csv"
        path.write_text("Timestamp,Session\n3/1/26 9:00,S1\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"^regs\.csv: field 'email'.*headers 'Timestamp', 'Session'"):
            read_registrations(path)
