"""Write the rollout sample: sites, capacity, a baseline plan and actuals part-way through.

150 sites in 4 regions and 10 countries, 25,000 devices, ready dates, a few dependencies, a
December change freeze. The baseline is a plan made earlier with the same planner on the ready
dates known then; a few sites have since slipped their ready date. Actuals run to 2026-11-13 with
durations about 10 % longer than planned. Seeded: ``python data/sample/rollout/generate.py``.
Site names are plain: the injection probes live in ``tests/test_injection.py``, which adds them to a
copy of these files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from pmokit.rollout import plan as rp
from pmokit.rollout.calendar import WorkCalendar

HERE = Path(__file__).resolve().parent
SEED = 20261107
START = dt.date(2026, 9, 7)
STATUS = dt.date(2026, 11, 13)
FREEZE = [(dt.date(2026, 12, 14), dt.date(2027, 1, 3))]
REGIONS = {"DACH": ["DE", "AT", "CH"], "West": ["FR", "BE", "NL"], "Nordics": ["SE", "DK"], "South": ["ES", "IT"]}
CITIES = {
    "DE": ["Berlin", "Munich", "Hamburg", "Cologne", "Stuttgart"],
    "AT": ["Vienna", "Graz", "Linz"],
    "CH": ["Zurich", "Basel", "Geneva"],
    "FR": ["Paris", "Lyon", "Lille", "Nantes"],
    "BE": ["Brussels", "Antwerp", "Ghent"],
    "NL": ["Amsterdam", "Rotterdam", "Utrecht"],
    "SE": ["Stockholm", "Gothenburg", "Malmo"],
    "DK": ["Copenhagen", "Aarhus"],
    "ES": ["Madrid", "Barcelona", "Valencia", "Seville"],
    "IT": ["Milan", "Rome", "Turin", "Bologna"],
}
TYPES = ["Office", "Office", "Office", "Retail store", "Retail store", "Warehouse", "Lab", "Data centre"]
MODELS = ["Latitude 5450", "Latitude 7450", "ThinkPad T14 G5", "Surface Laptop 6", "OptiPlex 7020", "Precision 3590"]
TECHNICIANS = {"DACH": 6, "West": 6, "Nordics": 4, "South": 4}


def make_sites(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    weights = np.array([45, 45, 25, 35], dtype=float)
    counts = np.round(weights / weights.sum() * 150).astype(int)
    counts[-1] = 150 - counts[:-1].sum()
    n = 0
    for (region, countries), count in zip(REGIONS.items(), counts):
        for i in range(count):
            n += 1
            country = countries[i % len(countries)] if i < len(countries) else rng.choice(countries)
            city = rng.choice(CITIES[country])
            kind = "Office" if i == 0 else rng.choice(TYPES)
            models = sorted(rng.choice(MODELS[:5] if kind != "Lab" else MODELS, size=rng.integers(1, 4), replace=False))
            rows.append(
                {
                    "Site ID": f"S{n:03d}",
                    "Site name": f"{city} {kind} {i + 1}",
                    "Region": region,
                    "Country": country,
                    "Site type": kind,
                    "Hardware models": ";".join(models),
                    "hub": i == 0,
                }
            )
    sites = pd.DataFrame(rows)
    size = rng.lognormal(mean=4.6, sigma=0.7, size=len(sites))
    size[sites["hub"].to_numpy()] *= 3  # regional head offices are the big ones
    devices = np.maximum(np.round(size / size.sum() * 25000), 8).astype(int)
    devices[np.argmax(devices)] += 25000 - devices.sum()
    sites["Device count"] = devices
    ready = []
    for _ in range(len(sites)):
        ready.append(START + dt.timedelta(weeks=int(rng.integers(1, 14))) if rng.random() < 0.3 else None)
    sites["Ready date"] = ready
    sites["Target date"] = [
        START + dt.timedelta(weeks=int(rng.integers(10, 26))) if rng.random() < 0.25 else None
        for _ in range(len(sites))
    ]
    # a few sites wait for their region's head office (network core moved there first)
    deps = [""] * len(sites)
    hubs = dict(zip(sites.loc[sites["hub"], "Region"], sites.loc[sites["hub"], "Site ID"]))
    for pos in rng.choice(np.flatnonzero(~sites["hub"].to_numpy()), size=14, replace=False):
        deps[pos] = hubs[sites["Region"].iat[pos]]
    sites["Depends on"] = deps
    return sites.drop(columns="hub")


def canonical(sites: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site_id": sites["Site ID"],
            "site_name": sites["Site name"],
            "region": sites["Region"],
            "country": sites["Country"],
            "devices": sites["Device count"],
            "ready_date": pd.to_datetime(sites["Ready date"]),
            "target_date": pd.to_datetime(sites["Target date"]),
            "site_type": sites["Site type"],
            "hardware_models": sites["Hardware models"].str.split(";"),
            "depends_on": [[d] if d else [] for d in sites["Depends on"]],
        }
    )


def make_actuals(rng, baseline: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    calendar = WorkCalendar(START, 400, (0, 1, 2, 3, 4), FREEZE)
    country = dict(zip(sites["Site ID"], sites["Country"]))
    rows = []
    for row in baseline.sort_values("start_date").itertuples(index=False):
        slip = int(rng.choice([0, 0, 0, 1, 2, 3, 7]))
        start = calendar.offset(row.start_date.date()) + slip
        if calendar.date(start) > STATUS:
            continue
        ratio = float(rng.lognormal(mean=0.08, sigma=0.15))
        days = max(1, int(round(row.working_days * ratio)))
        start = int(
            calendar.working_days(country[row.site_id])[
                np.searchsorted(calendar.working_days(country[row.site_id]), start)
            ]
        )
        end = calendar.end_of(country[row.site_id], start, days)
        rows.append(
            {
                "site_id": row.site_id,
                "actual_start": calendar.date(start).isoformat(),
                "actual_end": calendar.date(end).isoformat() if calendar.date(end) <= STATUS else "",
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    rng = np.random.default_rng(SEED)
    sites = make_sites(rng)
    settings = rp.Settings(
        start_date=START,
        crew_size=2,
        devices_per_technician_day=11.0,
        blackouts=FREEZE,
        pilot_soak_days=10,
        wave_length_days=14,
        solver_effort=2.0,
        solver_workers=1,
        random_seed=1,
    )
    capacity = rp.technicians_table(None, TECHNICIANS)
    known_then = canonical(sites)
    pilot = rp.choose_pilot(known_then, ready_by=START)
    baseline = rp.plan_rollout(known_then, capacity, settings, pilot).plan
    plan_cols = ["site_id", "wave", "start_date", "end_date", "working_days", "crew"]
    out = baseline[plan_cols].copy()
    out["start_date"] = out["start_date"].dt.strftime("%Y-%m-%d")
    out["end_date"] = out["end_date"].dt.strftime("%Y-%m-%d")
    out.to_csv(HERE / "baseline_plan.csv", index=False)
    actuals = make_actuals(rng, baseline, sites)
    actuals.to_csv(HERE / "actuals.csv", index=False)
    # since the baseline, some sites not yet started announced a later ready date
    started = set(actuals["site_id"])
    waiting = baseline[~baseline["site_id"].isin(started) & (baseline["wave"] > 0)]
    late_ready = rng.choice(waiting["site_id"].to_numpy(), size=6, replace=False)
    for sid in late_ready:
        planned = baseline.loc[baseline["site_id"] == sid, "start_date"].iloc[0].date()
        sites.loc[sites["Site ID"] == sid, "Ready date"] = planned + dt.timedelta(weeks=int(rng.integers(2, 6)))
    for col in ("Ready date", "Target date"):
        sites[col] = [d.isoformat() if isinstance(d, dt.date) else "" for d in sites[col]]
    columns = [
        "Site ID",
        "Site name",
        "Region",
        "Country",
        "Device count",
        "Ready date",
        "Target date",
        "Site type",
        "Hardware models",
        "Depends on",
    ]
    sites[columns].to_csv(HERE / "sites.csv", index=False, encoding="utf-8-sig")
    capacity_rows = [{"region": r, "technicians": t, "start": "", "end": ""} for r, t in TECHNICIANS.items()]
    # DACH sends two technicians to a training fortnight; West hires two contractors for the new year
    capacity_rows.append({"region": "DACH", "technicians": 4, "start": "2026-11-23", "end": "2026-12-04"})
    capacity_rows.append({"region": "West", "technicians": 8, "start": "2027-01-04", "end": "2027-03-31"})
    pd.DataFrame(capacity_rows).to_csv(HERE / "capacity.csv", index=False)
    print(f"{len(sites)} sites, {sites['Device count'].sum()} devices, {len(actuals)} actuals rows")


if __name__ == "__main__":
    main()
