"""The event_attendance workbook end to end: the bundled sample (read from the session's one batch run),
checked against figures counted a second, simpler way; a run without a roster; bad inputs refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import icalendar
import numpy as np
import openpyxl
import pandas as pd
import yaml
from report_scan import report_problems

from pmokit import cli, runfolder, workbooks
from pmokit.sources import attendance, people

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "events"
PARAMS = ROOT / "params" / "event_attendance" / "sample.yaml"
RUN = "event_attendance/sample"


def _covered_minutes(intervals: list[tuple[pd.Timestamp, pd.Timestamp]]) -> float:
    """Minutes covered by the intervals, counted second by second (a second method to the union of intervals)."""
    start = min(a for a, _ in intervals)
    end = max(b for _, b in intervals)
    covered = np.zeros(int((end - start).total_seconds()) + 1, dtype=bool)
    for a, b in intervals:
        covered[int((a - start).total_seconds()) : int((b - start).total_seconds())] = True
    return covered.sum() / 60


def _name(text: str) -> str:
    text = re.sub(r"\s*\((guest|external)\)\s*$", "", text.strip(), flags=re.I).casefold()
    if "," in text:
        last, first = text.split(",", 1)
        text = f"{first} {last}"
    return " ".join(text.split())


def _completed_by_hand() -> tuple[set[str], int]:
    """Roster people who spent at least half of a session in it, found by simple loops."""
    att = attendance.read_attendance(SAMPLE / "attendance")
    roster = people.read_roster(SAMPLE / "roster.csv")
    names = roster["name"].map(_name).value_counts()
    by_name = {_name(n): e for n, e in zip(roster["name"], roster["email"]) if names[_name(n)] == 1}
    duration = dict(zip(att.sessions["session_id"], att.sessions["duration_min"]))
    attended: set[str] = set()
    for (session, who), rows in att.joins.groupby(
        ["session_id", att.joins["email"].where(att.joins["email"] != "", "name:" + att.joins["name"].map(_name))]
    ):
        if set(rows["role"]) & {"organizer", "presenter"}:
            continue
        person = who if not who.startswith("name:") else by_name.get(who[5:], who)
        if _covered_minutes(list(zip(rows["join"], rows["leave"]))) >= 0.5 * duration[session]:
            attended.add(person)
    return attended & set(roster["email"]), len(roster)


def test_bundled_sample_completion_counted_a_second_way(bundled_batch):
    metrics = bundled_batch.metrics(RUN)
    completed, required = _completed_by_hand()
    assert metrics["required"] == required == 400
    assert metrics["completed"] == len(completed)
    assert metrics["completion_pct"] == round(100 * len(completed) / required, 1)
    # the colours follow the default bands: completion below 75% is red, any overdue person at least amber
    assert metrics["completion_pct_rag"] == ("red" if metrics["completion_pct"] < 75 else "amber")
    assert metrics["overdue_people_rag"] in {"amber", "red"}


def test_bundled_sample_artefacts(bundled_batch):
    folder = bundled_batch.folder(RUN)
    assert report_problems(folder) == []
    book = openpyxl.load_workbook(folder / "attendance.xlsx")
    assert book.sheetnames == [
        "Sessions",
        "People x sessions (minutes)",
        "Required people",
        "Overdue per manager",
        "Completion by department",
        "Completion by site",
        "Completion by manager",
    ]
    metrics = bundled_batch.metrics(RUN)
    sessions = book["Sessions"]
    assert sessions.max_row - 1 == metrics["sessions"] == 8
    invitations = openpyxl.load_workbook(folder / "invitations.xlsx")
    upcoming = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))["upcoming"]
    invited_rows = sum(invitations[s].max_row - 1 for s in invitations.sheetnames if s != "Not placed")
    assert invited_rows == metrics["invited_people"]
    ics = sorted((folder / "sessions").glob("*.ics"))
    assert len(ics) == len(upcoming) == 3
    attendees = 0
    for path in ics:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        event = next(iter(calendar.walk("VEVENT")))
        attendees += len(
            event.get("ATTENDEE", []) if isinstance(event.get("ATTENDEE"), list) else [event.get("ATTENDEE")]
        )
    assert attendees == metrics["invited_people"]
    # every not-completed roster person is invited or listed as not placed
    assert metrics["invited_people"] + metrics["unplaceable_people"] == metrics["required"] - metrics["completed"]


def test_bundled_report_sections_and_deck(bundled_batch):
    folder = bundled_batch.folder(RUN)
    html = (folder / "report.html").read_text(encoding="utf-8")
    for heading in ("Sessions", "Completion", "Overdue and due soon", "Feedback", "Invitations to the next sessions"):
        assert f">{heading}<" in html or f">{heading} " in html, heading
    assert "Nothing to show" not in html.split("Invitations to the next sessions")[1].split("Attendance workbook")[0]
    # the deck shows the workbook's two rated figures in the Training workstream, with their recorded colours
    rules = {r.metric for r in workbooks.get("event_attendance").deck}
    assert rules == {"completion_pct", "overdue_people"}
    deck = (bundled_batch.folder("status_deck/weekly") / "report.html").read_text(encoding="utf-8")
    assert "Training" in deck


def test_without_a_roster_the_verdict_is_grey(tmp_path):
    params = tmp_path / "event_attendance" / "no_roster.yaml"
    params.parent.mkdir()
    params.write_text(f"attendance_paths: {SAMPLE / 'attendance'}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["run", "--quiet", "--out", str(out), str(params)]) == 0
    folder = out / "event_attendance" / "no_roster"
    metrics = json.loads((folder / runfolder.METRICS_FILE).read_text(encoding="utf-8"))
    assert metrics["verdict_rag"] == "grey" and metrics["completion_pct"] is None
    assert metrics["completion_pct_rag"] == "grey" and metrics["overdue_people_rag"] == "grey"
    assert report_problems(folder) == []


def test_bad_inputs_are_refused_with_the_file_and_field(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("Name,Department\nAnn Lee,IT\n", encoding="utf-8")
    not_a_report = tmp_path / "sessions" / "notes.csv"
    not_a_report.parent.mkdir()
    not_a_report.write_text("Project,Owner\nAlpha,Ann\n", encoding="utf-8")
    params = tmp_path / "event_attendance" / "bad.yaml"
    params.parent.mkdir()
    params.write_text(f"attendance_paths: {not_a_report.parent}\nroster_path: {roster}\n", encoding="utf-8")
    assert cli.main(["check", str(params)]) == 2
    err = capsys.readouterr()
    text = err.out + err.err
    assert "notes.csv" in text and "roster.csv" in text
    assert "Traceback" not in text
