"""The workspace_hygiene workbook end to end: params model, the bundled sample run (read from the
session's one batch run), a minimal params file outside the repo and a golden table."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from pmokit import runfolder, workbooks

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "workspace"
GOLDEN = Path(__file__).resolve().parent / "golden"
MODEL = workbooks.get("workspace_hygiene").params
RUN = "workspace_hygiene/sample"


def test_bad_weights_rejected():
    with pytest.raises(ValueError, match="unknown signal"):
        MODEL(weights={"stale": 2})


def test_check_inputs_names_the_bad_file(tmp_path):
    bad = tmp_path / "sites.csv"
    bad.write_text("Site Id,Owner\n1,x\n", encoding="utf-8")
    problems = MODEL(sites_path=str(bad), owners_path=None, previous_path=None, teams_path=None).check_inputs()
    assert len(problems) == 1 and problems[0].startswith("sites.csv: field 'refresh_date'")


def test_model_default_weights_are_the_library_defaults():
    from pmokit.workspace.queue import DEFAULT_WEIGHTS

    assert MODEL.model_fields["weights"].default == DEFAULT_WEIGHTS


def _report_html(folder: Path) -> str:
    nb = json.loads((folder / "report.ipynb").read_text(encoding="utf-8"))
    return "".join(
        "".join(o.get("data", {}).get("text/html", "")) + "".join(o.get("text", ""))
        for c in nb["cells"]
        for o in c.get("outputs", [])
    )


def test_bundled_sample(bundled_batch):
    """The sample shows the concealed-names paragraph and defines every headline metric in the Method notes."""
    folder = bundled_batch.folder(RUN)
    metrics = bundled_batch.metrics(RUN)
    # Counted straight from the CSV files, without pmokit
    with open(SAMPLE / "sharepoint_site_usage.csv", encoding="utf-8-sig", newline="") as f:
        live = [r for r in csv.DictReader(f) if r["Is Deleted"] == "False"]
    with open(SAMPLE / "staff.csv", encoding="utf-8-sig", newline="") as f:
        left = {r["User Principal Name"].lower() for r in csv.DictReader(f) if r["Status"] == "Left"}
    assert metrics["concealed_sites"] == sum(r["Site URL"] == "" for r in live) == 5
    blank = sum(r["Owner Principal Name"] == "" for r in live)
    gone = sum(r["Owner Principal Name"].lower() in left for r in live)
    assert (metrics["ownerless_sites"], metrics["owner_left_sites"]) == (blank, gone)
    assert metrics["ownerless_or_owner_left_sites"] == blank + gone  # a blank owner is never on the staff list
    assert metrics["sites"] == len(live)
    # one colour: the verdict and the deck's cell both come from the share of live sites in the queue
    share = 100 * metrics["queue_size"] / metrics["sites"]
    assert metrics["queue_share_pct"] == pytest.approx(share, abs=0.005)
    expected = "green" if share <= 10 else "amber" if share <= 25 else "red"
    assert metrics["queue_share_pct_rag"] == metrics["verdict_rag"] == expected
    html = _report_html(folder)
    assert "Names are concealed by the tenant on 5 sites" in html
    for name in ["ownerless_sites", "owner_left_sites", "ownerless_or_owner_left_sites", "concealed_sites"]:
        assert f"metrics.json: {name}</strong>" in html, name
    assert "Live sites with no owner" in html and "whose owner has left" in html
    # each definition sits right after its own metric's name (no shift from never_active_sites on)
    pairs = {
        "never_active_sites": "Live sites with an empty Last Activity Date",
        "ownerless_sites": "Live sites with no owner",
        "owner_left_sites": "Live sites whose owner has left",
        "queue_share_pct": "100 x queue_size / sites",
        "inactive_teams": "Live teams whose Last Activity Date",
    }
    for name, start in pairs.items():
        assert f"metrics.json: {name}</strong></dt><dd>{start}" in html, name
    for word in ("nan", "NaT", "n/a"):
        assert f">{word}<" not in html
    assert (folder / "headline.png").is_file()
    book = openpyxl.load_workbook(folder / "remediation_queue.xlsx", read_only=True)
    assert book.sheetnames[:3] == ["Queue", "Trend", "Owners"]


def test_golden_storage_by_template(bundled_batch):
    """``storage_by_template.csv`` of the sample run equals ``golden/storage_by_template.csv``.

    The golden file was computed by a second, simple method: the csv module over
    ``data/sample/workspace/sharepoint_site_usage.csv`` (live rows; template -> family by the five
    names in the export; inactive = empty Last Activity Date or 90+ days before 2026-11-26; bytes
    summed / 1024**3). Its Inactive column sums to 75 and its storage to 7036.25 GB = 6.871 TB, the
    sample's ``inactive_sites`` and ``storage_used_tb``.
    """
    got = pd.read_csv(bundled_batch.folder(RUN) / "storage_by_template.csv", encoding="utf-8-sig")
    want = pd.read_csv(GOLDEN / "storage_by_template.csv")
    assert got["Template"].tolist() == want["Template"].tolist()
    assert got["Sites"].tolist() == want["Sites"].tolist()
    assert got["Inactive"].tolist() == want["Inactive"].tolist()
    assert got["Storage used (GB)"].to_numpy() == pytest.approx(want["Storage used (GB)"].to_numpy(), abs=1e-3)
    assert got["Share of storage"].to_numpy() == pytest.approx(want["Share of storage"].to_numpy(), abs=1e-5)
    assert want["Inactive"].sum() == bundled_batch.metrics(RUN)["inactive_sites"]


def test_minimal_params_outside_the_repo(tmp_path):
    """A params file naming only the required input validates and runs; run.json names no bundled file."""
    from pmokit import cli, runner

    folder = tmp_path / "workspace_hygiene"
    folder.mkdir()
    shutil.copy(SAMPLE / "sharepoint_site_usage.csv", folder / "sites.csv")
    params = folder / "mine.yaml"
    params.write_text(yaml.safe_dump({"sites_path": "sites.csv"}), encoding="utf-8")
    spec = runner.load_spec(params)
    assert spec.workbook == "workspace_hygiene"
    out = tmp_path / "out"
    assert cli.main(["run", "-q", "--out", str(out), str(params)]) == 0
    run_folder = out / "workspace_hygiene" / "mine"
    record = runfolder.read(run_folder)
    assert record is not None and record.succeeded
    text = (run_folder / runfolder.RUN_FILE).read_text(encoding="utf-8")
    assert str(ROOT / "data") not in text and "data/sample" not in text
    metrics = json.loads((run_folder / runfolder.METRICS_FILE).read_text(encoding="utf-8"))
    # optional inputs absent: no trend, no teams (null), no owner can be known to have left
    assert metrics["queue_fixed_since_last"] is None and metrics["teams"] is None
    assert metrics["owner_left_sites"] == 0
    html = _report_html(run_folder)
    assert "Nothing to show: no previous queue was given" in html
    assert "Nothing to show: no Teams activity export was given" in html
