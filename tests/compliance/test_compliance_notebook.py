"""The compliance_report workbook end to end: its inputs check, the bundled run (read from the session's
one batch run), golden tables, a minimal params file outside the repo, and a re-run of the same week."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pmokit import runfolder
from pmokit.compliance.params import ComplianceReportParams

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "compliance"
GOLDEN = Path(__file__).parent / "golden"
RUN = "compliance_report/sample"


def test_check_inputs_on_sample_finds_nothing(root):
    base = root / "notebooks"
    p = ComplianceReportParams(
        **{
            k: str((base / v).resolve())
            for k, v in {
                "devices_path": "../data/sample/compliance/DevicesWithInventory_2026-11-23.zip",
                "settings_path": "../data/sample/compliance/device_settings.csv",
                "org_path": "../data/sample/compliance/org_mapping.csv",
                "exceptions_path": "../data/sample/compliance/exceptions.csv",
                "history_dir": "../data/sample/compliance/history",
            }.items()
        }
    )
    assert p.check_inputs() == []
    wrong = p.model_copy(update={"devices_path": p.exceptions_path})  # not a device export
    assert wrong.check_inputs() == [
        "exceptions.csv: field 'device_id': expected a column 'Device ID' or 'DeviceId' or "
        "'IntuneDeviceId' or 'device_id', got headers 'Device ID or UPN', 'Setting', "
        "'Reason', 'Approver', 'Expires'"
    ]


# ----------------------------------------------------------------------------- the bundled run
def test_metrics_named_by_the_issue(bundled_batch):
    metrics = bundled_batch.metrics(RUN)
    for name in [
        "compliance_pct",
        "adjusted_compliance_pct",
        "stale_devices",
        "noncompliant_devices",
        "grace_devices",
        "unknown_devices",
        "baseline_failures",
        "sla_breaches",
    ]:
        assert isinstance(metrics[name], (int, float)), name
    assert metrics["snapshots"] == 8 and metrics["as_of"] == "2026-11-23"
    assert metrics["adjusted_compliance_pct"] >= metrics["compliance_pct"]


def test_colours_recorded_for_the_deck(bundled_batch):
    """84.8 % is amber (80-90), 132 breaches red (> 25); the verdict takes the worse: red."""
    metrics = bundled_batch.metrics(RUN)
    assert round(metrics["compliance_pct"], 1) == 84.8 and metrics["sla_breaches"] == 132
    assert (metrics["compliance_pct_rag"], metrics["sla_breaches_rag"], metrics["verdict_rag"]) == (
        "amber",
        "red",
        "red",
    )


def test_artefacts(bundled_batch):
    run = bundled_batch.folder(RUN)
    by_unit = pd.read_csv(run / "compliance_by_unit.csv", encoding="utf-8-sig")
    assert {"business_unit", "compliance_pct", "adjusted_compliance_pct"} <= set(by_unit.columns)
    assert by_unit["devices"].sum() == bundled_batch.metrics(RUN)["devices"]
    assert (run / "compliance_by_unit.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # report.write_csv
    book = openpyxl.load_workbook(run / "action_list.xlsx")
    assert {"Finance", "Sales", "Engineering", "Operations", "HR", "Legal"} <= set(book.sheetnames)
    cells = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(v.startswith(("=", "+", "@")) for v in cells)
    assert (run / runfolder.HEADLINE_PNG).exists()
    # history_store unset: the store lands beside the run folders, never in the repo's outputs/
    assert (bundled_batch.out / "compliance_report" / "history_store" / "manifest.json").exists()


# ----------------------------------------------------------------------------- golden tables
def _golden(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / name, encoding="utf-8-sig")


@pytest.mark.parametrize("name", ["compliance_by_unit.csv", "compliance_trend.csv"])
def test_sample_tables_match_the_golden_files(bundled_batch, name):
    """The run's table equals the golden file (floats to 1e-9); the golden values are checked against a
    second, independent count of the raw sample files in the two tests below."""
    got = pd.read_csv(bundled_batch.folder(RUN) / name, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(got, _golden(name), check_exact=False, rtol=1e-9, atol=1e-9)


def _export_rows(path: Path) -> list[dict]:
    """The rows of one sample export (CSV or the zip holding it), with the csv module only."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            raw = archive.read(archive.namelist()[0])
    else:
        raw = path.read_bytes()
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def _in_scope(row: dict, when: dt.date) -> bool:
    """Checked in at most 30 days before ``when`` (the sample's stale_after_days)."""
    text = row["Last check-in"][:10]
    return bool(text) and (when - dt.date.fromisoformat(text)).days <= 30


def test_golden_by_unit_agrees_with_a_plain_count_of_the_sample():
    """Second method: count the zip's rows per business unit with csv and datetime only (org mapping by
    lower-case UPN; no UPN -> "(no primary user)", unmapped -> "(not in org mapping)")."""
    with open(SAMPLE / "org_mapping.csv", encoding="utf-8-sig") as f:
        org = {r["UPN"].strip().lower(): r["Business unit"] for r in csv.DictReader(f)}
    units: dict[str, Counter] = defaultdict(Counter)
    words = {"Compliant": "compliant", "Noncompliant": "noncompliant", "In grace period": "grace"}
    for row in _export_rows(SAMPLE / "DevicesWithInventory_2026-11-23.zip"):
        upn = row["Primary user UPN"].strip().lower()
        count = units["(no primary user)" if not upn else org.get(upn, "(not in org mapping)")]
        count["devices"] += 1
        if not _in_scope(row, dt.date(2026, 11, 23)):
            count["stale"] += 1
            continue
        count["in_scope"] += 1
        count[words.get(row["Compliance"], "unknown")] += 1
    golden = _golden("compliance_by_unit.csv").set_index("business_unit")
    assert set(golden.index) == set(units)
    for unit, count in units.items():
        for column in ("devices", "stale", "in_scope", "compliant", "noncompliant", "grace", "unknown"):
            assert golden.loc[unit, column] == count[column], (unit, column)
        assert golden.loc[unit, "compliance_pct"] == pytest.approx(100 * count["compliant"] / count["in_scope"])


def test_golden_trend_agrees_with_a_plain_count_of_each_export():
    """Second method: per export file, devices, in scope at the file's own date, and compliant among those."""
    golden = _golden("compliance_trend.csv")
    files = sorted((SAMPLE / "history").glob("*.csv")) + [SAMPLE / "DevicesWithInventory_2026-11-23.zip"]
    expected = []
    for path in files:
        when = dt.date.fromisoformat(path.stem.split("_")[1])
        rows = _export_rows(path)
        scope = [r for r in rows if _in_scope(r, when)]
        compliant = sum(r["Compliance"] == "Compliant" for r in scope)
        expected.append([when.isoformat(), len(rows), len(rows) - len(scope), len(scope), compliant])
    assert golden[["snapshot", "devices", "stale", "in_scope", "compliant"]].values.tolist() == expected
    assert golden["compliance_pct"].tolist() == pytest.approx([100 * e[4] / e[3] for e in expected])


# ----------------------------------------------------------------------------- other params files
def test_history_store_is_relative_to_the_params_file_and_may_not_exist_yet(tmp_path, root):
    from pmokit import runner

    folder = tmp_path / "params" / "compliance_report"
    folder.mkdir(parents=True)
    sample = root / "data" / "sample" / "compliance"
    spec_file = folder / "tenant.yaml"
    spec_file.write_text(
        f"title: Tenant\ndevices_path: {sample / 'DevicesWithInventory_2026-11-23.zip'}\n"
        "settings_path: null\norg_path: null\nexceptions_path: null\nhistory_dir: null\n"
        "history_store: ../../state/history\n"
    )
    spec = runner.load_spec(spec_file)  # the store folder does not exist: not an error, it is created
    assert spec.params.history_store == str(tmp_path / "state" / "history")
    assert not (tmp_path / "state").exists()


def test_sample_params_leave_the_store_to_its_default():
    assert (
        "history_store"
        not in (ROOT / "params" / "compliance_report" / "sample.yaml").read_text().split("\ntitle:", 1)[1]
    )


def test_minimal_params_file_outside_the_repo_validates_and_runs(tmp_path):
    """Only the required input (the device export, copied beside the params file): it validates, runs,
    reads nothing under data/, and its history store lands beside its run folders."""
    from pmokit import cli, runner

    folder = tmp_path / "compliance_report"
    folder.mkdir()
    shutil.copy(SAMPLE / "DevicesWithInventory_2026-11-23.zip", folder)
    params = folder / "minimal.yaml"
    params.write_text("devices_path: DevicesWithInventory_2026-11-23.zip\n")
    spec = runner.load_spec(params)
    assert spec.params.devices_path == str(folder / "DevicesWithInventory_2026-11-23.zip")
    out = tmp_path / "out"
    assert cli.main(["run", "-q", "--out", str(out), str(params)]) == 0
    run = runfolder.read(out / "compliance_report" / "minimal")
    assert run is not None and run.succeeded
    assert str(ROOT / "data") not in json.dumps(run.run)
    # no history, no side files: SLA breaches not measurable (grey), compliance still rated
    assert run.metrics["sla_breaches"] is None and run.metrics["sla_breaches_rag"] == "grey"
    assert run.metrics["compliance_pct_rag"] in ("green", "amber", "red")
    assert (out / "compliance_report" / "history_store" / "snapshot_2026-11-23.parquet").exists()


def test_rerun_into_the_same_out_gives_identical_metrics(bundled_batch, tmp_path):
    """Run 2 of the same batch finds run 1's history store (this week's snapshot included) and must
    record exactly the same metrics: run once more on a copy of the batch's store."""
    from pmokit import cli

    bundled = bundled_batch.metrics(RUN)
    out = tmp_path / "out"
    shutil.copytree(
        bundled_batch.out / "compliance_report" / "history_store", out / "compliance_report" / "history_store"
    )
    stored = json.loads((out / "compliance_report" / "history_store" / "manifest.json").read_text())
    assert "2026-11-23" in stored  # run 1 left this week's snapshot in the store
    assert cli.main(["run", "-q", "--out", str(out), str(ROOT / "params" / "compliance_report" / "sample.yaml")]) == 0
    again = json.loads((out / RUN / runfolder.METRICS_FILE).read_text(encoding="utf-8"))
    assert again == bundled
