"""The event_attendance sample (data/sample/events) and its generator.

The bundled files must be what ``generate.py`` writes (so a change to the generator that is not
re-run, or a hand edit of a sample file, fails here), the generator must be deterministic, and the
Teams files must have the real export's bytes: UTF-16 LE with a BOM, tab-separated.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "events"
BOM_UTF16_LE = b"\xff\xfe"


def _load(name: str, path: Path):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


gen = _load("pmokit_events_sample_generate", SAMPLE / "generate.py")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("events_sample")
    gen.generate(folder)
    return folder


def _text_files(folder: Path) -> list[str]:
    names = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    return sorted(n for n in names if not n.endswith((".xlsx", ".py")))


def _cells(path: Path) -> list[list]:
    book = openpyxl.load_workbook(path)
    return [[sheet.title, *row] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_generator_writes_the_same_bytes_twice(generated, tmp_path):
    gen.generate(tmp_path)
    assert _text_files(tmp_path) == _text_files(generated)
    for name in _text_files(generated):
        assert (tmp_path / name).read_bytes() == (generated / name).read_bytes(), name
    assert _cells(tmp_path / "feedback.xlsx") == _cells(generated / "feedback.xlsx")


def test_bundled_sample_is_what_the_generator_writes(generated):
    """Run ``.venv/bin/python data/sample/events/generate.py`` after changing the generator."""
    assert _text_files(SAMPLE) == _text_files(generated)
    for name in _text_files(generated):
        assert (SAMPLE / name).read_bytes() == (generated / name).read_bytes(), name
    assert _cells(SAMPLE / "feedback.xlsx") == _cells(generated / "feedback.xlsx")


def _attendance(layout_word: str) -> list[Path]:
    return sorted(p for p in (SAMPLE / "attendance").iterdir() if layout_word in p.name)


def test_teams_files_are_utf16_le_with_a_bom_and_tab_separated():
    current = _attendance("Attendance report")
    legacy = _attendance("session 4.csv")
    assert len(current) == 5 and len(legacy) == 1
    for path in current + legacy:
        data = path.read_bytes()
        assert data[:2] == BOM_UTF16_LE, path.name
        text = data[2:].decode("utf-16-le")
        assert "\t" in text and "," not in text.splitlines()[0], path.name
    for path in current:
        lines = path.read_bytes()[2:].decode("utf-16-le").splitlines()
        for title in ("1. Summary", "2. Participants", "3. In"):
            assert any(line.startswith(title) for line in lines), (path.name, title)
        header = lines.index(next(line for line in lines if line.startswith("Name\t")))
        # Name, First Join, Last Leave, In-Meeting Duration, Email, Participant ID (UPN), Role: 7 cells a row
        people = lines[header + 1 : lines.index("", header)]
        assert people and all(len(row.split("\t")) == 7 for row in people), path.name


def test_the_german_report_is_utf8_with_german_sections_and_dates():
    (path,) = _attendance("Anwesenheitsbericht")
    data = path.read_bytes()
    assert data[:2] != BOM_UTF16_LE
    text = data.decode("utf-8")
    assert text.startswith("1. Zusammenfassung\r\n")
    assert "2. Teilnehmer\r\nName\tErster Beitritt\tLetztes Verlassen" in text
    assert "Startzeit\t14.10.2026, 08:" in text  # the organiser opens the 09:00 session a few minutes early


def test_one_file_shows_names_last_comma_first():
    (path,) = _attendance("session 3 -")
    lines = path.read_bytes()[2:].decode("utf-16-le").splitlines()
    attendees = [line.split("\t")[0] for line in lines if line.endswith("\tAttendee")]
    with_comma = [name for name in attendees if ", " in name]
    # everyone but the two contractors, who join anonymously with their display name as typed
    assert len(with_comma) == len(attendees) - 2 * 2  # two contractors, in sections 2 and 3 each


def test_formatting_helpers_by_hand():
    assert gen.us_time(dt.datetime(2026, 10, 6, 9, 2, 11)) == "10/6/26, 9:02:11 AM"
    assert gen.us_time(dt.datetime(2026, 10, 20, 12, 0, 5)) == "10/20/26, 12:00:05 PM"
    assert gen.us_time(dt.datetime(2026, 10, 29, 0, 30), four_digit_year=True) == "10/29/2026, 12:30:00 AM"
    assert gen.german_time(dt.datetime(2026, 10, 14, 9, 2, 11)) == "14.10.2026, 09:02:11"
    assert gen.zoom_time(dt.datetime(2026, 11, 5, 14, 58, 11)) == "11/05/2026 02:58:11 PM"
    assert gen.teams_duration(3912) == "1h 5m 12s"  # 3600 + 5*60 + 12
    assert gen.teams_duration(2285) == "38m 5s"  # 38*60 + 5
    assert gen.teams_duration(45) == "45s"
    assert gen.session_option(dt.datetime(2026, 10, 6, 9, 0)) == "Tue 6 Oct 2026, 09:00"
    t = dt.datetime(2026, 10, 6, 9, 0)

    def m(minutes):
        return t + dt.timedelta(minutes=minutes)

    # 0-30 and 28-50 overlap: 0-50 once = 50 min; 55-60 apart: +5 -> 55 min = 3300 s
    assert gen.union_seconds([(m(28), m(50)), (m(0), m(30)), (m(55), m(60))]) == 3300


def test_roster_sites_are_the_plans_sites_with_the_stated_wave_starts():
    with open(ROOT / "data" / "sample" / "rollout" / "baseline_plan.csv", encoding="utf-8-sig", newline="") as handle:
        starts = {row["site_id"]: dt.date.fromisoformat(row["start_date"]) for row in csv.DictReader(handle)}
    assert {site: starts[site] for site in gen.WAVE_START} == gen.WAVE_START
    roster = list(csv.DictReader(io.StringIO((SAMPLE / "roster.csv").read_text(encoding="utf-8-sig"))))
    assert {row["Site"] for row in roster} == set(gen.WAVE_START)
    assert len(roster) == 45 + 70 + 80 + 60 + 85 + 60  # the site sizes in SITES: 400
    assert len({row["Department"] for row in roster}) == 5
    assert len({row["Manager"] for row in roster}) == 25
    assert sum(1 for row in roster if row["Due date"]) == 6 * 2  # two IT floor walkers per site


def test_sample_reads_with_the_attendance_and_people_readers():
    attendance = pytest.importorskip("pmokit.sources.attendance")
    people = pytest.importorskip("pmokit.sources.people")
    read = attendance.read_attendance(SAMPLE / "attendance")
    assert read.sessions["layout"].value_counts().to_dict() == {"teams": 6, "teams_legacy": 1, "zoom": 1}
    assert read.sessions["title"].str.startswith("Windows 11 readiness training").all()
    roster = people.read_roster(SAMPLE / "roster.csv")
    assert len(roster) == 400 and roster["due_date"].notna().sum() == 12
    registrations = people.read_registrations(SAMPLE / "registrations.csv")
    options = {plan.option for plan in gen.PAST}
    assert set(registrations["session"]) == options


def test_feedback_reads_with_the_survey_readers():
    from pmokit.sources.surveys import read_definition, read_survey

    responses = read_survey(SAMPLE / "feedback.xlsx", read_definition(SAMPLE / "feedback.yaml"))
    assert responses.layout == "msforms"
    assert 150 <= responses.responses <= 210  # "about 180"
    assert list(responses.groups.columns) == ["Department", "Session"]
    assert set(responses.groups["Department"]) == set(gen.DEPARTMENTS)


def test_benchmark_data_set_small(tmp_path):
    bench = _load("pmokit_bench_events_data", ROOT / "bench" / "events_data.py")
    paths = bench.make_dataset(tmp_path, sessions=20, people_per_session=6, roster=60, seed=1)
    files = sorted(paths["attendance"].iterdir())
    assert len(files) == 20
    # UTF-16: the 16 current Teams reports and legacy session 7; not: Zoom session 13, German sessions 2 and 12
    utf16 = [p for p in files if p.read_bytes()[:2] == BOM_UTF16_LE]
    assert len(utf16) == 20 - 1 - 2
    roster = list(csv.DictReader(io.StringIO(paths["roster"].read_text(encoding="utf-8-sig"))))
    assert len(roster) == 60 and len({row["UPN"] for row in roster}) == 60
