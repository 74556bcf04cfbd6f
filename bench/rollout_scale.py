"""Benchmark of the rollout planner: 2,000 sites, 6 regions, 300,000 devices (issue 3).

Targets: a feasible plan within ``solver_effort=2`` (deterministic time units, so the same plan on
every machine; at 0.5 the solver returns its serial seed, "hint only") and the whole notebook under
60 s on 2 cores; prints the gap to the lower bound. Not part of the tests. Run from the project root:

    .venv/bin/python bench/rollout_scale.py [--skip-notebook]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pmokit.rollout import plan as rp
from pmokit.sources.sites import read_sites

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


def make_inputs(folder: Path, sites: int = 2000, devices: int = 300_000, seed: int = 1) -> tuple[Path, Path]:
    """Write a seeded sites list and a capacity file sized for about a year of work."""
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


def bench_solver(sites_path: Path, capacity_path: Path, limit: float) -> dict:
    from pmokit.sources.sites import read_capacity

    sites = read_sites(sites_path)
    table = rp.technicians_table(read_capacity(capacity_path), None)
    settings = rp.Settings(
        start_date=START,
        crew_size=2,
        devices_per_technician_day=10.0,
        solver_effort=limit,
        blackouts=[(dt.date(2027, 12, 13), dt.date(2028, 1, 2))],
    )
    began = time.perf_counter()
    pilot = rp.choose_pilot(sites, ready_by=START)
    result = rp.plan_rollout(sites, table, settings, pilot)
    return {
        "sites": len(sites),
        "devices": int(sites["devices"].sum()),
        "regions": sites["region"].nunique(),
        "status": result.status,
        "finish": result.finish.isoformat(),
        "lower_bound": max(result.lower_bound_finish, result.solver_bound_finish).isoformat(),
        "gap_days": result.gap_days,
        "solver_seconds": round(result.solve_seconds, 1),
        "plan_seconds": round(time.perf_counter() - began, 1),
    }


def bench_notebook(sites_path: Path, capacity_path: Path, limit: float, out: Path) -> float:
    """Run the whole notebook on the generated inputs (plan only: no baseline, no actuals)."""
    values = {
        "output_dir": str(out / "run"),
        "sites_path": str(sites_path),
        "capacity_path": str(capacity_path),
        "baseline_path": None,
        "actuals_path": None,
        "start_date": START.isoformat(),
        "solver_effort": limit,
        "interactive": False,
        "blackouts": [{"start": "2027-12-13", "end": "2028-01-02", "reason": "freeze"}],
    }
    params_file = out / "bench_params.yaml"
    params_file.write_text(yaml.safe_dump(values), encoding="utf-8")
    began = time.perf_counter()
    cmd = [
        sys.executable,
        "-m",
        "papermill",
        "rollout_plan.ipynb",
        str(out / "bench_out.ipynb"),
        "-k",
        "python3",
        "--cwd",
        ".",
        "-f",
        str(params_file),
    ]
    done = subprocess.run(cmd, cwd=ROOT / "notebooks", capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return round(time.perf_counter() - began, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--effort", dest="limit", type=float, default=2.0, help="solver_effort")
    parser.add_argument("--skip-notebook", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sites_path, capacity_path = make_inputs(folder)
        figures = bench_solver(sites_path, capacity_path, args.limit)
        if not args.skip_notebook:
            figures["notebook_seconds"] = bench_notebook(sites_path, capacity_path, args.limit, folder)
            figures["notebook_metrics"] = {
                k: v
                for k, v in json.loads((folder / "run" / "metrics.json").read_text()).items()
                if k in ("planned_finish", "solver_status", "gap_days", "lower_bound_finish")
            }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
