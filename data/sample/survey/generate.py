"""Write the sample post-rollout satisfaction survey (seeded, reproducible).

Files written next to this script:
- ``responses.xlsx``   Microsoft Forms "Open in Excel" export of this wave (595 responses)
- ``previous.xlsx``    the same form, previous wave (493 responses, a little less favourable)
- ``population.csv``   headcount per department (for response rates)

Run: ``python data/sample/survey/generate.py`` (the definition ``survey.yaml`` is hand-written).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SCALE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]

#: (statement as in the form, base mean on a latent scale, loading on overall satisfaction)
ITEMS = [
    ("The new laptop arrived on the date I was told", 0.9, 0.3),
    ("Setting up the laptop on day one was straightforward", 0.4, 0.6),
    ("My files and settings were migrated completely", 0.2, 0.7),
    ("The applications I need work on the new laptop", 0.6, 0.8),
    ("The laptop is fast enough for my daily work", 1.0, 0.7),
    ("Battery life lasts through my working day", 0.7, 0.3),
    ("Connecting to the VPN from home is reliable", -0.2, 0.6),
    ("The training materials prepared me well", -0.1, 0.3),
    ("The Service Desk resolved my rollout issues quickly", 0.3, 0.8),
    ("I was kept informed about the rollout schedule", 0.5, 0.4),
    ("The rollout caused little disruption to my work", 0.1, 0.6),
    ("Overall, I am satisfied with the new laptop", 0.6, 1.0),
]
#: department -> (headcount, responses this wave, responses last wave, mood shift)
DEPARTMENTS = {
    "Sales": (250, 172, 140, 0.2),
    "Service Desk": (200, 146, 116, -0.6),
    "Finance": (180, 96, 83, 0.0),
    "Infrastructure": (150, 110, 96, 0.1),
    "HR": (100, 68, 55, 0.3),
    "Legal": (3, 3, 3, 0.0),
}
LOCATIONS = ["London", "Manchester", "Leeds", "Remote"]
FIRST = ["Alex", "Sam", "Priya", "Jordan", "Chen", "Fatima", "Ola", "Marta", "Liam", "Noor", "Tom", "Aisha"]
LAST = ["Smith", "Patel", "Jones", "Nowak", "Okafor", "Garcia", "Brown", "Khan", "Murphy", "Silva"]

GOOD = [
    "The laptop is much faster than the old one",
    "Delivery was on time and the box had everything",
    "Day one setup took ten minutes",
    "Teams calls are much clearer now",
    "Battery lasts all day",
    "The floor walkers were really helpful",
    "Nice screen and keyboard",
    "Migration kept all my bookmarks",
]
IMPROVE = [
    "The VPN drops every afternoon when working from home",
    "Training videos were too short",
    "My Outlook signatures were lost in the migration",
    "Some finance add-ins still do not work",
    "More notice before the swap day please",
    "The docking station at my desk is not compatible",
    "Service Desk queue was very long in week one",
    "Printer drivers were missing for a week",
    "Needed admin rights to install the CAD viewer",
    "Communication about the schedule was confusing",
]
#: Two comments pinned to respondents of large departments, so the report shows them
#: (tests/test_injection.py puts the XSS probes into these two answers of a copy).
PINNED = [
    "VPN is slow after the update",
    "Docking station issue still open",
]
PII = [
    "Please call me on 07700 900123 about my missing files",
    "Contact priya.patel@contoso.example if the Service Desk needs details",
]


def _likert(rng: np.random.Generator, mood: float, mean: float, loading: float) -> str:
    """One answer: a latent score cut into the five points; a few not-applicable or blank."""
    u = rng.random()
    if u < 0.02:
        return "Not applicable"
    if u < 0.03:
        return ""
    latent = mean + loading * mood + rng.normal(0, 0.9)
    cuts = [-1.3, -0.5, 0.2, 1.2]
    return SCALE[int(np.searchsorted(cuts, latent))]


def _nps(rng: np.random.Generator, mood: float) -> int | str:
    if rng.random() < 0.02:
        return ""
    return int(np.clip(round(7.6 + 1.6 * mood + rng.normal(0, 1.5)), 0, 10))


def _respondents(rng: np.random.Generator, wave: int) -> list[tuple[str, str]]:
    rows = []
    for dept, (_, now, before, _) in DEPARTMENTS.items():
        rows += [
            (dept, str(rng.choice(LOCATIONS, p=[0.4, 0.25, 0.15, 0.2]))) for _ in range(now if wave == 0 else before)
        ]
    order = rng.permutation(len(rows))
    return [rows[i] for i in order]


def write_wave(path: Path, seed: int, wave: int, start: dt.datetime) -> int:
    """Write one Microsoft Forms export; ``wave`` 0 is the current one, 1 the previous (a bit worse)."""
    rng = np.random.default_rng(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    header = [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Last modified time",
        "Which department do you work in?",
        "Where are you mostly based?",
    ]
    header += [s for s, _, _ in ITEMS]
    header += [
        "How likely are you to recommend the new laptop setup to a colleague?",
        "What worked well in the rollout?",
        "What should we improve?",
    ]
    ws.append(header)
    people = _respondents(rng, wave)
    pinned = list(PINNED) if wave == 0 else []
    pii = list(PII) if wave == 0 else []
    for number, (dept, location) in enumerate(people, start=1):
        mood = rng.normal(DEPARTMENTS[dept][3] - 0.35 * wave, 1.0)
        begun = start + dt.timedelta(minutes=int(rng.integers(0, 60 * 24 * 10)))
        done = begun + dt.timedelta(seconds=int(rng.integers(90, 900)))
        named = rng.random() < 0.6
        first, last = str(rng.choice(FIRST)), str(rng.choice(LAST))
        email = f"{first.lower()}.{last.lower()}{number}@contoso.example" if named else "anonymous"
        answers = [_likert(rng, mood, mean - 0.25 * wave, loading) for _, mean, loading in ITEMS]
        good = str(rng.choice(GOOD)) if rng.random() < 0.45 else ""
        improve = str(rng.choice(IMPROVE)) if rng.random() < 0.55 else ""
        # The pinned comments and the PII go to respondents of large departments, so they are shown.
        if dept in ("Sales", "Infrastructure") and pinned:
            improve = pinned.pop(0)
        elif dept == "Service Desk" and pii:
            improve = pii.pop(0)
        if dept == "Legal" and number % 2:
            improve = "Only three of us in Legal and the new laptops cannot open our case system"
        ws.append(
            [
                number,
                begun,
                done,
                email,
                f"{first} {last}" if named else "",
                done,
                dept,
                location,
                *answers,
                _nps(rng, mood),
                good,
                improve,
            ]
        )
    wb.properties.created = wb.properties.modified = start  # no wall-clock time in the file
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in row:
            cell.number_format = "m/d/yy h:mm:ss"
    wb.save(path)
    return len(people)


def write_population(path: Path) -> None:
    lines = ["Department,Headcount"] + [f"{d},{h}" for d, (h, _, _, _) in DEPARTMENTS.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    n_now = write_wave(HERE / "responses.xlsx", seed=20261130, wave=0, start=dt.datetime(2026, 11, 9, 8, 0))
    n_before = write_wave(HERE / "previous.xlsx", seed=20260601, wave=1, start=dt.datetime(2026, 6, 1, 8, 0))
    write_population(HERE / "population.csv")
    print(f"responses.xlsx: {n_now} responses; previous.xlsx: {n_before}; population.csv written")
