"""Benchmark data for event_attendance (issue 17): 200 attendance reports of 300 people each, a roster of 20,000.

The files are written with the sample generator's writers (``data/sample/events/generate.py``), so they
have the real formats: mostly Teams reports in the current layout (UTF-16 LE, tab-separated, US dates),
every tenth one from a German organiser (UTF-8), one in twenty in the older Joined/Left layout and one
in twenty a Zoom participants report. People come from a roster spread over the 150 sites of the
bundled rollout plan, so ``data/sample/rollout/baseline_plan.csv`` gives their due dates.

Usage::

    .venv/bin/python bench/events_data.py DIR [--sessions 200] [--people 300] [--roster 20000]

or ``make_dataset(folder)`` from a benchmark script.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "data" / "sample" / "events" / "generate.py"
PLAN = ROOT / "data" / "sample" / "rollout" / "baseline_plan.csv"
FIRST_SESSION = dt.datetime(2026, 3, 2, 9, 0)


def load_generator() -> ModuleType:
    """The sample generator as a module (it is a script in the data folder, not a package)."""
    name = "pmokit_events_sample_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _site_ids() -> list[str]:
    with open(PLAN, encoding="utf-8-sig", newline="") as handle:
        return sorted({row["site_id"] for row in csv.DictReader(handle)})


def make_roster(gen: ModuleType, rng: np.random.Generator, size: int) -> list:
    """``size`` people over the plan's sites and the sample's departments, 40 people per manager."""
    sites = _site_ids()
    depts = list(gen.DEPARTMENTS)
    weights = np.array([w for w, _ in gen.DEPARTMENTS.values()])
    firsts = rng.choice(gen.FIRST, size)
    lasts = rng.choice(gen.LAST, size)
    site_of = rng.choice(sites, size)
    dept_of = rng.choice(depts, size, p=weights / weights.sum())
    managers = [f"{gen.FIRST[i % len(gen.FIRST)]} {gen.LAST[(7 * i) % len(gen.LAST)]}" for i in range(size // 40 + 1)]
    used: dict[str, int] = {}
    people = []
    for i in range(size):
        base = gen.ascii_fold(f"{firsts[i]}.{lasts[i]}".replace(" ", ""))
        used[base] = used.get(base, 0) + 1
        suffix = "" if used[base] == 1 else str(used[base])
        people.append(
            gen.Person(
                email=f"{base}{suffix}@{gen.DOMAIN}",
                first=str(firsts[i]),
                last=str(lasts[i]),
                department=str(dept_of[i]),
                site=str(site_of[i]),
                manager=managers[i // 40],
            )
        )
    return people


def _layout(number: int) -> dict:
    """Layout of session ``number`` (1-based): mostly Teams US UTF-16; German, legacy and Zoom mixed in."""
    if number % 20 == 7:
        return {"layout": "teams_legacy"}
    if number % 20 == 13:
        return {"layout": "zoom"}
    if number % 10 == 2:
        return {"layout": "teams", "locale": "de-DE", "encoding": "utf-8"}
    return {"layout": "teams", "capitalised": number % 2 == 0}


def _session_start(number: int) -> dt.datetime:
    """Two sessions per working day from 2 March 2026, at 09:00 and 14:00."""
    day, afternoon = divmod(number - 1, 2)
    date = FIRST_SESSION
    for _ in range(day):
        date += dt.timedelta(days=3 if date.weekday() == 4 else 1)
    return date.replace(hour=14 if afternoon else 9)


def make_dataset(
    folder: str | Path, sessions: int = 200, people_per_session: int = 300, roster: int = 20000, seed: int = 0
) -> dict[str, Path]:
    """Write ``attendance/`` (one file per session), ``roster.csv`` and ``registrations.csv`` into ``folder``.

    Returns the paths: ``attendance`` (the folder), ``roster``, ``registrations``, ``plan`` (the bundled
    rollout plan, which the roster's sites refer to).
    """
    gen = load_generator()
    folder = Path(folder)
    attendance = folder / "attendance"
    attendance.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    people = make_roster(gen, rng, roster)
    gen.write_roster(folder / "roster.csv", people)
    registrations = []
    for number in range(1, sessions + 1):
        plan = gen.SessionPlan(number, _session_start(number), **_layout(number))
        who = rng.choice(len(people), min(people_per_session, len(people)), replace=False)
        end = plan.start + dt.timedelta(minutes=gen.MINUTES)
        attendees = gen.staff_attendees(rng, plan.start, external_trainer=number % 3 == 0)
        for index in who:
            person = people[int(index)]
            kind = "short" if rng.random() < 0.05 else gen.attendee_kind(rng)
            email = "" if plan.layout == "teams_legacy" else person.email
            intervals = gen._interval(rng, plan.start, end, kind)
            attendees.append(gen.Attendee(person.name, email, email, "attendee", intervals))
            if rng.random() < 0.85:
                done = plan.start - dt.timedelta(days=int(rng.integers(1, 20)), seconds=int(rng.integers(0, 36000)))
                registrations.append((done, person.email, person.name, plan.option, ""))
        if plan.layout == "teams_legacy":
            gen.cut_legacy_list(attendees, end + dt.timedelta(seconds=90))
        path = attendance / f"{plan.title} - {number:03d}.csv"
        if plan.layout == "zoom":
            gen.write_zoom(path, plan.title, f"8451236{number:04d}", gen.ORGANISER[1], attendees)
        elif plan.layout == "teams_legacy":
            gen.write_teams_legacy(path, attendees)
        else:
            gen.write_teams(
                path, plan.title, attendees, locale=plan.locale, encoding=plan.encoding, capitalised=plan.capitalised
            )
    gen.write_registrations(folder / "registrations.csv", registrations)
    return {
        "attendance": attendance,
        "roster": folder / "roster.csv",
        "registrations": folder / "registrations.csv",
        "plan": PLAN,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--roster", type=int, default=20000)
    args = parser.parse_args()
    begun = time.perf_counter()
    paths = make_dataset(args.folder, args.sessions, args.people, args.roster)
    files = len(list(paths["attendance"].iterdir()))
    print(f"{files} attendance files, roster of {args.roster}: written in {time.perf_counter() - begun:.1f} s")


if __name__ == "__main__":
    main()
