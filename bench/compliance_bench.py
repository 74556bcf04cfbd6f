"""Scale benchmark of the compliance_report notebook (issue: 500,000 devices + 12 weekly snapshots).

Writes synthetic Intune exports of that size (the portal's full header set, UTF-8 with BOM) into a
work folder, then runs the whole notebook twice in a fresh process each: with the history store
cold (empty: every weekly CSV is parsed and added to the store) and warm (the store holds them).
Reports wall time (kernel start included) and the kernel's peak resident memory, and writes
bench/results/compliance.json. Targets: under 60 s and under 4 GB, both runs.

    .venv/bin/python bench/compliance_bench.py [--devices 500000] [--snapshots 12] [--work /tmp/compliance_bench]

Not part of the tests: wall-clock figures on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
AS_OF = pd.Timestamp("2026-11-23")


def _sample_module():
    spec = importlib.util.spec_from_file_location("compliance_sample", ROOT / "data/sample/compliance/generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_inputs(work: Path, n: int, snapshots: int, seed: int = 7) -> dict[str, str]:
    """Write the current export (zip), ``snapshots`` earlier weekly CSVs, settings, org and exceptions."""
    sample = _sample_module()
    rng = np.random.default_rng(seed)
    work.mkdir(parents=True, exist_ok=True)
    (work / "history").mkdir(exist_ok=True)
    ids = np.array([str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)], dtype=object)
    users = np.array([f"user{i:06d}@contoso.com" for i in range(int(n * 0.8))], dtype=object)
    upn = users[rng.integers(0, len(users), n)]
    upn[rng.random(n) < 0.03] = ""
    os_names = np.array(["Windows", "iOS", "Android", "macOS"], dtype=object)
    os_idx = rng.choice(4, n, p=[0.62, 0.16, 0.10, 0.12])
    versions = {
        0: ["10.0.19045.5131", "10.0.22631.4460", "10.0.26100.2454"],
        1: ["17.6.1", "18.1"],
        2: ["13", "14", "15"],
        3: ["14.6.1", "15.1.1"],
    }
    # About 8 % of devices run an OS below the minimum (the first version of each list).
    pick = np.where(rng.random(n) < 0.08, 0, 1 + rng.integers(0, 6, n))
    version = np.array(
        [versions[o][0 if k == 0 else 1 + k % (len(versions[o]) - 1)] for o, k in zip(os_idx, pick)], dtype=object
    )
    retired = rng.random(n) < 0.05
    failing = rng.random(n) < 0.1
    states = np.array(["Compliant", "Noncompliant", "In grace period", "Not evaluated", "Error"], dtype=object)
    dates = [AS_OF - pd.Timedelta(weeks=snapshots - w) for w in range(snapshots)] + [AS_OF]
    for w, when in enumerate(dates):
        draw = rng.random(n)
        failing = np.where(failing, draw > 0.3, draw < 0.05)
        state = np.where(failing, states[rng.choice([1, 2, 3, 4], n, p=[0.8, 0.1, 0.05, 0.05])], states[0])
        minutes = rng.integers(5, 4 * 24 * 60, n)
        checkin = pd.Series(when - pd.to_timedelta(minutes, unit="min"))
        checkin[retired] = when - pd.Timedelta(days=60)
        frame = pd.DataFrame({h: "" for h in sample.HEADER}, index=range(n))
        frame["Device ID"] = ids
        frame["Device name"] = np.char.add("CON-", np.arange(n).astype(str)).astype(object)
        frame["Last check-in"] = checkin.dt.strftime("%Y-%m-%d %H:%M:%S") + ".0000000"
        frame["Enrollment date"] = "2025-01-10 09:00:00.0000000"
        frame["OS version"] = version
        frame["OS"] = os_names[os_idx]
        frame["Model"] = "Latitude 5440"
        frame["Manufacturer"] = "Dell Inc."
        frame["Primary user UPN"] = upn
        frame["Primary user email address"] = upn
        frame["Primary user display name"] = np.where(upn == "", "", "User")
        frame["Compliance"] = state
        frame["Compliance grace period expiration"] = "9999-12-31 23:59:59.9999999"
        frame["Ownership"] = "Corporate"
        frame["Managed by"] = "Intune"
        frame["Encrypted"] = np.where(rng.random(n) < 0.03, "False", "True")
        name = f"DevicesWithInventory_{when:%Y-%m-%d}"
        if when == AS_OF:
            csv_path = work / f"{name}.csv"
            frame.to_csv(csv_path, index=False, encoding="utf-8-sig")
            sample_zip(csv_path, work / f"{name}.zip")
            csv_path.unlink()
            current_state = state
        else:
            frame.to_csv(work / "history" / f"{name}.csv", index=False, encoding="utf-8-sig")
        print(f"  wrote snapshot {when:%Y-%m-%d}", flush=True)
    bad = np.flatnonzero(current_state != "Compliant")
    settings = pd.DataFrame(
        {
            "DeviceId": ids[bad],
            "DeviceName": "x",
            "UPN": upn[bad],
            "PolicyName": "Baseline",
            "SettingName": np.array(["BitLocker", "Firewall", "Minimum OS version", "Is active"], dtype=object)[
                rng.integers(0, 4, len(bad))
            ],
            "SettingStatus_loc": "Noncompliant",
        }
    )
    settings.to_csv(work / "settings.csv", index=False)
    units = np.array(["Finance", "Sales", "Engineering", "Operations", "HR", "Legal"], dtype=object)
    pd.DataFrame(
        {"UPN": users, "Business unit": units[rng.integers(0, 6, len(users))], "Site": "London", "Manager": "Manager"}
    ).to_csv(work / "org.csv", index=False)
    pick = rng.choice(bad, 2000, replace=False)
    pd.DataFrame(
        {
            "Device ID or UPN": ids[pick],
            "Setting": "*",
            "Reason": "bench",
            "Approver": "IT",
            "Expires": (AS_OF + pd.to_timedelta(rng.integers(-60, 120, 2000), unit="D")).strftime("%Y-%m-%d"),
        }
    ).to_csv(work / "exceptions.csv", index=False)
    return {
        "devices_path": str(work / f"DevicesWithInventory_{AS_OF:%Y-%m-%d}.zip"),
        "settings_path": str(work / "settings.csv"),
        "org_path": str(work / "org.csv"),
        "exceptions_path": str(work / "exceptions.csv"),
        "history_dir": str(work / "history"),
    }


def sample_zip(csv_path: Path, zip_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.write(csv_path, arcname=csv_path.name)


RUN = r"""
import json, resource, sys, time
import papermill
args = json.loads(sys.argv[1])
t0 = time.perf_counter()
papermill.execute_notebook(args["notebook"], args["output"], kernel_name="python3", cwd=args["cwd"],
                           parameters=args["parameters"], progress_bar=False)
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "kernel_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def run_notebook(work: Path, inputs: dict[str, str], label: str) -> dict:
    out = work / f"run_{label}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    args = {
        "notebook": str(ROOT / "notebooks/compliance_report.ipynb"),
        "output": str(out / "report.ipynb"),
        "cwd": str(ROOT / "notebooks"),
        "parameters": {**inputs, "output_dir": str(out), "interactive": False, "history_store": str(work / "store")},
    }
    done = subprocess.run([sys.executable, "-c", RUN, json.dumps(args)], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    metrics = json.loads((out / "metrics.json").read_text())
    result.update(devices=metrics["devices"], snapshots=metrics["snapshots"], compliance_pct=metrics["compliance_pct"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=500_000)
    parser.add_argument("--snapshots", type=int, default=12, help="earlier weekly snapshots (plus the current one)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/compliance_bench"))
    parser.add_argument("--keep", action="store_true", help="keep the work folder (and reuse its inputs)")
    opts = parser.parse_args()
    t0 = time.perf_counter()
    marker = opts.work / f"inputs_{opts.devices}_{opts.snapshots}.json"
    if opts.keep and marker.exists():
        inputs = json.loads(marker.read_text())
    else:
        shutil.rmtree(opts.work, ignore_errors=True)
        print(f"writing {opts.snapshots + 1} exports of {opts.devices:,} devices ...", flush=True)
        inputs = write_inputs(opts.work, opts.devices, opts.snapshots)
        marker.write_text(json.dumps(inputs))
    print(f"inputs ready in {time.perf_counter() - t0:.0f} s", flush=True)
    shutil.rmtree(opts.work / "store", ignore_errors=True)
    results = {
        "devices": opts.devices,
        "earlier_snapshots": opts.snapshots,
        "cold": run_notebook(opts.work, inputs, "cold"),
        "warm": run_notebook(opts.work, inputs, "warm"),
    }
    for label in ("cold", "warm"):
        r = results[label]
        print(
            f"{label}: {r['seconds']:.1f} s, kernel peak {r['kernel_peak_rss_mb']:.0f} MB "
            f"({r['devices']:,} devices, {r['snapshots']} snapshots)"
        )
    target = ROOT / "bench" / "results" / "compliance.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(results, indent=2))
    if not opts.keep:
        shutil.rmtree(opts.work, ignore_errors=True)


if __name__ == "__main__":
    main()
