"""The workspace_hygiene notebook: parameters match the model, and it runs on the fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import papermill as pm
import pytest

from pmokit import workbooks

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "workspace_hygiene.ipynb"
FIX = ROOT / "tests" / "fixtures" / "workspace"
MODEL = workbooks.get("workspace_hygiene").params


def test_bad_weights_rejected():
    with pytest.raises(ValueError, match="unknown signal"):
        MODEL(weights={"stale": 2})


def test_check_inputs_names_the_bad_file(tmp_path):
    bad = tmp_path / "sites.csv"
    bad.write_text("Site Id,Owner\n1,x\n", encoding="utf-8")
    problems = MODEL(sites_path=str(bad), owners_path=None, previous_path=None, teams_path=None).check_inputs()
    assert len(problems) == 1 and problems[0].startswith("sites.csv: field 'refresh_date'")


def test_runs_on_fixtures(tmp_path):
    out = tmp_path / "run"
    pm.execute_notebook(
        str(NOTEBOOK),
        str(tmp_path / "out.ipynb"),
        kernel_name="python3",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        parameters={
            "output_dir": str(out),
            "interactive": False,
            "sites_path": str(FIX / "sites_15col.csv"),
            "owners_path": str(FIX / "staff.csv"),
            "previous_path": str(FIX / "previous_queue.csv"),
            "teams_path": str(FIX / "teams_activity.csv"),
            "sheets_by": "owner",
        },
    )
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    # Worked out in test_workspace_queue.py: 5 live sites, queue b, c, f, e; 3 fixed, 3 new.
    assert (metrics["sites"], metrics["queue_size"], metrics["queue_fixed_since_last"]) == (5, 4, 3)
    assert metrics["storage_used_tb"] == pytest.approx(0.197)
    assert metrics["inactive_teams"] == 2 and metrics["teams_with_guests"] == 2
    book = openpyxl.load_workbook(out / "remediation_queue.xlsx")
    assert book.sheetnames[:3] == ["Queue", "Trend", "Owners"]
    owners = [row[4].value for row in book["Queue"].iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://x","y")' in owners  # formula injection neutralised
    assert (out / "headline.png").is_file()


def test_model_default_weights_are_the_library_defaults():
    from pmokit.workspace.queue import DEFAULT_WEIGHTS

    assert MODEL.model_fields["weights"].default == DEFAULT_WEIGHTS


def test_runs_on_the_bundled_sample(tmp_path):
    """The sample shows the concealed-names paragraph and defines every headline metric in the Method notes."""
    import csv

    sample = ROOT / "data" / "sample" / "workspace"
    out = tmp_path / "run"
    pm.execute_notebook(
        str(NOTEBOOK),
        str(tmp_path / "out.ipynb"),
        kernel_name="python3",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        parameters={"output_dir": str(out), "interactive": False},
    )
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    # Counted straight from the CSV files, without pmokit
    with open(sample / "sharepoint_site_usage.csv", encoding="utf-8-sig", newline="") as f:
        live = [r for r in csv.DictReader(f) if r["Is Deleted"] == "False"]
    with open(sample / "staff.csv", encoding="utf-8-sig", newline="") as f:
        left = {r["User Principal Name"].lower() for r in csv.DictReader(f) if r["Status"] == "Left"}
    assert metrics["concealed_sites"] == sum(r["Site URL"] == "" for r in live) == 5
    blank = sum(r["Owner Principal Name"] == "" for r in live)
    gone = sum(r["Owner Principal Name"].lower() in left for r in live)
    assert (metrics["ownerless_sites"], metrics["owner_left_sites"]) == (blank, gone)
    assert metrics["ownerless_or_owner_left_sites"] == blank + gone  # a blank owner is never on the staff list
    html = "".join(
        "".join(o.get("data", {}).get("text/html", "")) + "".join(o.get("text", ""))
        for c in json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))["cells"]
        for o in c.get("outputs", [])
    )
    assert "Names are concealed by the tenant on 5 sites" in html
    for name in ["ownerless_sites", "owner_left_sites", "ownerless_or_owner_left_sites", "concealed_sites"]:
        assert f"metrics.json: {name}</strong>" in html, name
    assert "Live sites with no owner" in html and "whose owner has left" in html
