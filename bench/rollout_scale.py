"""Benchmark of the rollout planner at several sizes (issues 3 and 16). Not part of the tests.

Generated, seeded inputs: ``N`` sites in 6 regions, 150 devices per site on average, 130
technicians in all (about a year of work at 2,000 sites, two at 4,000). Each measurement runs in
its own process; with ``--rounds`` the sizes (and the two libraries with ``--before``) are
interleaved round by round, so a busy spell of a shared machine hits every variant alike. Prints
one JSON line per measurement and a min / median / max table.

Measured per plan: wall and CPU seconds of the plan (pilot choice included), the solver's
deterministic time (``solve_effort``, reproducible), the finish, the lower bound, the gap. With
``--notebook`` the whole notebook also runs at 2,000 sites through ``pmokit run``. Run from the
project root:

    .venv/bin/python bench/rollout_scale.py --sizes 500,2000,4000 --rounds 3 [--before DIR] [--notebook]

``--before DIR`` puts ``DIR`` (a folder holding an older ``pmokit`` package) first on the path of
the "before" measurements, e.g. ``git archive <commit> lib | tar -x -C /tmp/before``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
REGIONS = {
    "DACH": ["DE", "AT", "CH"],
    "West": ["FR", "BE", "NL"],
    "Nordics": ["SE", "DK", "NO", "FI"],
    "South": ["ES", "IT", "PT"],
    "UKI": ["GB", "IE"],
    "CEE": ["PL", "CZ", "HU"],
}
START = dt.date(2027, 1, 11)
FREEZE = (dt.date(2027, 12, 13), dt.date(2028, 1, 2))
DEVICES_PER_SITE = 150


def make_inputs(folder: Path, sites: int = 2000, devices: int | None = None, seed: int = 1) -> tuple[Path, Path]:
    """Write a seeded sites list and a capacity file (130 technicians in all, whatever the size)."""
    devices = devices or DEVICES_PER_SITE * sites
    rng = np.random.default_rng(seed)
    regions = rng.choice(list(REGIONS), size=sites)
    size = rng.lognormal(4.6, 0.7, size=sites)
    count = np.maximum(np.round(size / size.sum() * devices), 5).astype(int)
    count[np.argmax(count)] += devices - count.sum()
    types = ["Office", "Retail store", "Warehouse", "Lab", "Data centre"]
    models = ["Latitude 5450", "Latitude 7450", "ThinkPad T14 G5", "Surface Laptop 6", "OptiPlex 7020"]
    frame = pd.DataFrame(
        {
            "site_id": [f"S{i:05d}" for i in range(sites)],
            "site_name": [f"Site {i}" for i in range(sites)],
            "region": regions,
            "country": [rng.choice(REGIONS[r]) for r in regions],
            "devices": count,
            "ready_date": [
                (START + dt.timedelta(weeks=int(rng.integers(1, 30)))).isoformat() if rng.random() < 0.2 else ""
                for _ in range(sites)
            ],
            "target_date": "",
            "site_type": rng.choice(types, size=sites),
            "hardware_models": [
                ";".join(rng.choice(models, size=int(rng.integers(1, 3)), replace=False)) for _ in range(sites)
            ],
        }
    )
    hubs = frame.groupby("region")["site_id"].first()
    frame["depends_on"] = [
        hubs[r] if rng.random() < 0.05 and sid != hubs[r] else "" for sid, r in zip(frame["site_id"], frame["region"])
    ]
    sites_path, capacity_path = folder / "sites.csv", folder / "capacity.csv"
    frame.to_csv(sites_path, index=False)
    # 15,000 crew-days of 2 technicians over ~230 working days -> about 130 technicians in all
    share = frame.groupby("region")["devices"].sum() / devices
    techs = np.maximum(np.round(share * 130 / 2) * 2, 4).astype(int)
    pd.DataFrame({"region": techs.index, "technicians": techs.to_numpy(), "start": "", "end": ""}).to_csv(
        capacity_path, index=False
    )
    return sites_path, capacity_path


# ---------------------------------------------------------------------------------- one measurement
def measure_plan(size: int, effort: float) -> dict:
    """Plan ``size`` generated sites in this process (whichever ``pmokit`` is first on the path)."""
    from pmokit.rollout import plan as rp
    from pmokit.sources.sites import read_capacity, read_sites

    with tempfile.TemporaryDirectory() as tmp:
        sites_path, capacity_path = make_inputs(Path(tmp), sites=size)
        sites = read_sites(sites_path)
        table = rp.technicians_table(read_capacity(capacity_path), None)
    settings = rp.Settings(start_date=START, crew_size=2, devices_per_technician_day=10.0, blackouts=[FREEZE])
    settings.solver_effort = effort
    wall, cpu = time.perf_counter(), time.process_time()
    pilot = rp.choose_pilot(sites, ready_by=START)
    result = rp.plan_rollout(sites, table, settings, pilot)
    bound = max(result.lower_bound_finish, result.solver_bound_finish)
    return {
        "sites": size,
        "status": result.status,
        "finish": result.finish.isoformat(),
        "lower_bound": bound.isoformat(),
        "gap_days": int(result.gap_days),
        "gap_pct": round(100 * result.gap_days / max((bound - START).days, 1), 2),
        "solve_effort": round(float(getattr(result, "solve_effort", float("nan"))), 3),
        "solve_seconds": round(result.solve_seconds, 2),
        "plan_seconds": round(time.perf_counter() - wall, 2),
        "plan_cpu_seconds": round(time.process_time() - cpu, 2),
    }


def measure_notebook(size: int, effort: float) -> dict:
    """The whole rollout notebook through ``pmokit run`` on generated inputs (plan only)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sites_path, capacity_path = make_inputs(folder, sites=size)
        params = folder / "rollout_plan" / "bench.yaml"
        params.parent.mkdir()
        values = {
            "sites_path": str(sites_path),
            "capacity_path": str(capacity_path),
            "start_date": START.isoformat(),
            "solver_effort": effort,
            "blackouts": [{"start": FREEZE[0].isoformat(), "end": FREEZE[1].isoformat(), "reason": "freeze"}],
        }
        params.write_text(yaml.safe_dump(values), encoding="utf-8")
        began = time.perf_counter()
        cmd = [
            str(ROOT / ".venv" / "bin" / "pmokit"),
            "run",
            str(params),
            "--out",
            str(folder / "out"),
            "-j",
            "1",
            "-q",
            "--notebooks",  # an older library first on the path would look for notebooks beside it
            str(ROOT / "notebooks"),
        ]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        seconds = round(time.perf_counter() - began, 1)
        if done.returncode:
            raise SystemExit(done.stdout[-2000:] + done.stderr[-2000:])
        metrics = json.loads(next((folder / "out").rglob("metrics.json")).read_text())
    keep = ("planned_finish", "lower_bound_finish", "gap_days", "solver_status")
    return {"sites": size, "notebook_seconds": seconds, **{k: metrics.get(k) for k in keep}}


# ---------------------------------------------------------------------------------- driver
def _run_child(args: list[str], before: str | None) -> dict:
    env = dict(os.environ)
    if before:
        env["PYTHONPATH"] = before + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _table(rows: list[dict]) -> str:
    """min / median / max of the timings per (library, sites); the plan figures are the same each round."""
    lines = [
        "| library | sites | plan s (min/med/max) | plan CPU s (min/med/max) | solver effort | status | finish | "
        "lower bound | gap |",
        "|---|---:|---|---|---:|---|---|---|---:|",
    ]
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["library"], row["sites"]), []).append(row)
    for (library, size), group in groups.items():
        wall = sorted(r["plan_seconds"] for r in group)
        cpu = sorted(r["plan_cpu_seconds"] for r in group)
        finishes = sorted({r["finish"] for r in group})
        last = group[-1]
        lines.append(
            f"| {library} | {size:,} | {wall[0]} / {statistics.median(wall)} / {wall[-1]} | "
            f"{cpu[0]} / {statistics.median(cpu)} / {cpu[-1]} | {last['solve_effort']} | {last['status']} | "
            f"{', '.join(finishes)} | {last['lower_bound']} | {last['gap_days']} d ({last['gap_pct']} %) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000", help="comma-separated site counts")
    parser.add_argument("--effort", type=float, default=0.5, help="solver_effort (the default parameter: 0.5)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--before", help="folder with an older pmokit package, measured interleaved")
    parser.add_argument("--notebook", action="store_true", help="also the whole notebook at 2,000 sites")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one-notebook", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_plan(args.one, args.effort)))
        return
    if args.one_notebook:
        print(json.dumps(measure_notebook(args.one_notebook, args.effort)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    libraries = [("before", args.before), ("after", None)] if args.before else [("current", None)]
    rows, notebooks = [], []
    for round_no in range(args.rounds):
        for size in sizes:
            for name, path in libraries:
                row = {
                    "library": name,
                    "round": round_no,
                    **_run_child(["--one", str(size), "--effort", str(args.effort)], path),
                }
                print(json.dumps(row), flush=True)
                rows.append(row)
        if args.notebook:
            for name, path in libraries:
                row = {"library": name, "round": round_no}
                row.update(_run_child(["--one-notebook", "2000", "--effort", str(args.effort)], path))
                print(json.dumps(row), flush=True)
                notebooks.append(row)
    print(_table(rows))
    for name, _ in libraries:
        times = sorted(r["notebook_seconds"] for r in notebooks if r["library"] == name)
        if times:
            print(
                f"notebook 2,000 sites, {name}: {times[0]} / {statistics.median(times)} / {times[-1]} s (min/med/max)"
            )


if __name__ == "__main__":
    main()
