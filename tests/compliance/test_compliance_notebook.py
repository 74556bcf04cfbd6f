"""The compliance_report notebook: parameters match the model, and it runs on the sample data."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import papermill
import pytest

from pmokit.compliance.params import ComplianceReportParams

XSS = ["<script>window.__xss=1</script>", '<img src=x onerror="window.__xss=1">']


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


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = ROOT
    out = tmp_path_factory.mktemp("compliance_run")
    papermill.execute_notebook(
        str(root / "notebooks" / "compliance_report.ipynb"),
        str(out / "report.ipynb"),
        kernel_name="python3",
        cwd=str(root / "notebooks"),
        progress_bar=False,
        parameters={"output_dir": str(out), "interactive": False, "history_store": str(out / "store")},
    )
    return out


def test_metrics_named_by_the_issue(run):
    metrics = json.loads((run / "metrics.json").read_text())
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


def test_artefacts(run):
    by_unit = pd.read_csv(run / "compliance_by_unit.csv")
    assert {"business_unit", "compliance_pct", "adjusted_compliance_pct"} <= set(by_unit.columns)
    assert by_unit["devices"].sum() == json.loads((run / "metrics.json").read_text())["devices"]
    book = openpyxl.load_workbook(run / "action_list.xlsx")
    assert {"Finance", "Sales", "Engineering", "Operations", "HR", "Legal"} <= set(book.sheetnames)
    cells = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(v.startswith(("=", "+", "@")) for v in cells)
    assert (run / "headline.png").exists() and (run / "store" / "manifest.json").exists()


def test_probes_are_shown_escaped_never_raw(run):
    html = "".join(
        o.get("data", {}).get("text/html", "")
        if isinstance(o.get("data", {}).get("text/html", ""), str)
        else "".join(o["data"]["text/html"])
        for c in json.loads((run / "report.ipynb").read_text())["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
    )
    for probe in XSS:
        assert probe not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html


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
