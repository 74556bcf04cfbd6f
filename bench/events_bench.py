"""Benchmark of event_attendance (issue 17): 200 attendance reports of 300 people each plus a roster of 20,000.

Target: the whole notebook under 30 s on 2 cores. Measures, over interleaved rounds (min / median / max):

- the readers alone (attendance folder, roster, registrations) and the assessment in this process;
- the whole notebook through ``pmokit run`` (kernel start, reading, analysis, charts, Excel, .ics, rendering),
  as the run's own ``duration_s`` and as the wall time of the command.

Usage::

    .venv/bin/python bench/events_bench.py [--rounds 3] [--sessions 200] [--people 300] [--roster 20000]

Writes ``bench/results/events.md``. Not part of ``make test`` (wall-clock figures on a shared machine are noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from events_data import make_dataset  # noqa: E402

UPCOMING = """upcoming:
  - {title: "Training (online) A", start: 2027-03-01T09:00:00, capacity: 4000, timezone: Europe/Berlin}
  - {title: "Training (online) B", start: 2027-03-08T14:00:00, capacity: 4000, timezone: Europe/Berlin}
  - {title: "Training (online) C", start: 2027-03-15T09:00:00, capacity: 4000, timezone: Europe/London}
"""


def write_params(folder: Path, paths: dict[str, Path]) -> Path:
    """A params file over the benchmark data, with three upcoming sessions to assign people to."""
    target = folder / "params" / "event_attendance" / "bench.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        f"attendance_paths: {paths['attendance']}\nroster_path: {paths['roster']}\n"
        f"registrations_path: {paths['registrations']}\nplan_path: {paths['plan']}\n"
        f"series: {{Training: 'readiness training'}}\nas_of: 2026-11-27\n{UPCOMING}",
        encoding="utf-8",
    )
    return target


def in_process(paths: dict[str, Path], params_file: Path) -> dict[str, float]:
    """Readers and the assessment in this process (seconds)."""
    from pmokit.events import assess
    from pmokit.events.params import EventAttendanceParams
    from pmokit.params import read_params_file, resolve_paths
    from pmokit.sources import attendance, people, sites

    values = resolve_paths(EventAttendanceParams, read_params_file(params_file, params_file.name), params_file.parent)
    p = EventAttendanceParams.model_validate(values)
    t0 = time.perf_counter()
    att = attendance.read_attendance(p.attendance_paths)
    t1 = time.perf_counter()
    roster = people.read_roster(p.roster_path)
    regs = people.read_registrations(p.registrations_path)
    plan = sites.read_plan(p.plan_path)
    t2 = time.perf_counter()
    assess.assess(att, p, roster=roster, registrations=regs, plan=plan)
    t3 = time.perf_counter()
    return {"read_attendance": t1 - t0, "read_roster_registrations_plan": t2 - t1, "assess": t3 - t2}


def whole_notebook(params_file: Path, out: Path) -> dict[str, float]:
    """``pmokit run`` on the params file: the run's own duration and the command's wall time (seconds)."""
    t0 = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "pmokit"), "run", "--quiet", "--out", str(out), str(params_file)], check=True
    )
    wall = time.perf_counter() - t0
    run = json.loads((out / "event_attendance" / "bench" / "run.json").read_text(encoding="utf-8"))
    return {"notebook_run_s": run["duration_s"], "command_wall_s": wall}


def summary(values: list[float]) -> str:
    return f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--roster", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pmokit-events-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        paths = make_dataset(folder / "data", args.sessions, args.people, args.roster)
        made = time.perf_counter() - t0
        params_file = write_params(folder, paths)
        results: dict[str, list[float]] = {}
        for round_ in range(args.rounds):  # interleaved: in-process, then the whole notebook, each round
            for name, value in {
                **in_process(paths, params_file),
                **whole_notebook(params_file, folder / "out"),
            }.items():
                results.setdefault(name, []).append(value)
            print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.1f}s" for k, v in results.items()), flush=True)
        joins = sum(1 for _ in (paths["attendance"]).iterdir())
    load = os.getloadavg()[0]
    lines = [
        "# event_attendance benchmark",
        "",
        f"{args.sessions} attendance reports x {args.people} people, roster {args.roster:,}; data built in {made:.1f} s; "
        f"{joins} files; {os.cpu_count()} cores, load average {load:.1f} at the end; {args.rounds} interleaved rounds.",
        "",
        "| step | min / median / max (s) |",
        "|---|---|",
        *[f"| {name} | {summary(values)} |" for name, values in results.items()],
        "",
        "Target: whole notebook under 30 s on 2 cores (`notebook_run_s`: the run's own duration in run.json).",
    ]
    out = ROOT / "bench" / "results" / "events.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
