"""Hostile text in user fields, run through every workbook whose bundled sample is a plain company.

The bundled samples (``data/sample/``) carry ordinary names, so demo reports look like a real company's.
The injection probes live here instead: the session fixture ``probed_batch`` copies the sample params and
input files into a temporary folder, puts the two XSS probes into text fields each report shows (a name,
a title, a comment) and a formula-injection probe where a workbook writes Excel, runs those params files
once through the batch runner, and the tests below read the run folders:

- the report's HTML holds the probes escaped, never as markup;
- in a headless Chromium with the network blocked the markup does not execute and the probe text is
  shown as text;
- Excel artefacts hold the formula probe as text, never as a formula;
- nothing of the Python process reaches the report (``report_scan``).

"""

from __future__ import annotations

import csv
import html
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from batch import Batch
from browser import browser  # noqa: F401  (session fixture)
from report_scan import report_problems

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
FORMULA = '=HYPERLINK("http://example.invalid","click")'
#: workbook id -> (sample folder under data/sample, the params file copied)
WORKBOOKS = {
    "compliance_report": ("compliance", "sample.yaml"),
    "rollout_plan": ("rollout", "sample.yaml"),
    "workspace_hygiene": ("workspace", "sample.yaml"),
    "survey_analysis": ("survey", "sample.yaml"),
    "status_deck": ("status", "weekly.yaml"),
    "delivery_kpis": ("delivery", "jira_sample.yaml"),
    "event_attendance": ("events", "sample.yaml"),
}
RUNS = [f"{workbook}/{Path(params).stem}" for workbook, (_, params) in WORKBOOKS.items()]
#: run -> the probe texts its report must show (the XSS probes, sometimes inside a longer comment)
SHOWN = {
    "compliance_report/sample": [IMG, SCRIPT],  # a top-offender device's name, an expiring exception's reason
    "rollout_plan/sample": [SCRIPT, IMG],  # names of two sites whose ready date slipped
    "workspace_hygiene/sample": [SCRIPT, IMG],  # owners of two idle sites with anonymous links
    "survey_analysis/sample": [f"{SCRIPT} VPN is slow after the update", f"Docking station issue {IMG} still open"],
    "status_deck/weekly": [SCRIPT, IMG],  # an open top risk's and an open issue's title
    "delivery_kpis/jira_sample": [f"Sanitise pasted text {SCRIPT}", f"Sanitise pasted text {IMG}"],  # oldest WIP
    "event_attendance/sample": [SCRIPT, IMG],  # a manager of overdue people, an overdue person
}


# ----------------------------------------------------------------------------- putting the probes in
def _csv_field(text: str) -> str:
    """``text`` as one CSV field (quoted when it holds a quote or a comma, as Excel and pandas write it)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([text])
    return buffer.getvalue()


def _swap_text(text: str, old: str, new: str, line_with: str = "") -> str:
    """Replace the CSV field ``old`` by ``new`` (as a field) on every line holding ``line_with``; at least once."""
    lines = text.splitlines(keepends=True)
    hits = 0
    for i, line in enumerate(lines):
        if line_with in line and f",{old}," in line:
            lines[i] = line.replace(f",{old},", f",{_csv_field(new)},", 1)
            hits += 1
    assert hits, f"{old!r} not found: the sample changed, update the probes"
    return "".join(lines)


def _swap(path: Path, old: str, new: str, line_with: str = "") -> None:
    """Put ``new`` in place of the field ``old`` in a CSV file, keeping its encoding (BOM or not)."""
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    path.write_bytes(_swap_text(raw.decode(encoding), old, new, line_with).encode(encoding))


def _probe_compliance(folder: Path) -> None:
    """Device CON-MB10007 (chronically non-compliant: a top offender, named in the report) becomes the
    img probe in every export; CON-LT10011 a formula; an exception expiring in 12 days gets the script
    probe as its reason, the one without an expiry date a formula-like reason."""
    for path in sorted((folder / "history").glob("*.csv")) + [folder / "device_settings.csv"]:
        _swap(path, "CON-MB10007", IMG)
        _swap(path, "CON-LT10011", FORMULA)
    archive = folder / "DevicesWithInventory_2026-11-23.zip"
    with zipfile.ZipFile(archive) as z:
        (info,) = z.infolist()
        text = z.read(info).decode("utf-8-sig")
    text = _swap_text(_swap_text(text, "CON-MB10007", IMG), "CON-LT10011", FORMULA)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(info, text.encode("utf-8-sig"))
    _swap(folder / "exceptions.csv", "Firmware fix promised by the vendor for December", SCRIPT)
    _swap(folder / "exceptions.csv", "Pending review by IT Security", "-1+1 pending review")


def _probe_rollout(folder: Path) -> None:
    """Two sites whose ready date moved after the baseline (the report lists them by name)."""
    _swap(folder / "sites.csv", "Aarhus Office 2", SCRIPT, line_with="S092,")
    _swap(folder / "sites.csv", "Basel Office 16", IMG, line_with="S016,")


def _probe_workspace(folder: Path) -> None:
    """The owners' display names of the two idle sites with anonymous links near the top of the queue."""
    path = folder / "sharepoint_site_usage.csv"
    _swap(path, "Ann Nakamura", SCRIPT, line_with="/sites/brand-audit-007,")
    _swap(path, "Yara Quist", IMG, line_with="/sites/onboarding-intranet-008,")


def _probe_survey(folder: Path) -> None:
    """The two pinned 'What should we improve?' answers of large departments (shown in the report)."""
    path = folder / "responses.xlsx"
    pinned = ["VPN is slow after the update", "Docking station issue still open"]
    probed = dict(zip(pinned, SHOWN["survey_analysis/sample"]))
    book = openpyxl.load_workbook(path)
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value in probed]
    assert len(cells) == len(pinned), "the pinned comments are not in the sample: update the probes"
    for cell in cells:
        cell.value = probed[cell.value]
    book.save(path)


def _probe_status(folder: Path) -> None:
    """An open top risk (probability and impact 4) and an open issue of the RAID log."""
    path = folder / "raid_log.csv"
    _swap(path, "Integration test environment shared with the payments team", SCRIPT, line_with="110,")
    _swap(path, "Usage report shows concealed names", IMG, line_with="121,")


def _probe_delivery(folder: Path) -> None:
    """The summaries of the two oldest items in progress (the aging and overdue tables list them)."""
    path = folder / "jira_cloud.csv"
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    lines = raw.decode(encoding).splitlines(keepends=True)
    pinned = {"in the leave request form": SCRIPT, "in the payment notes field": IMG}
    hits = 0
    for i, line in enumerate(lines):
        for plain, probe in pinned.items():
            summary = f"Sanitise pasted text {plain},"  # the first field of an issue's row
            if line.startswith(summary):
                lines[i] = _csv_field(f"Sanitise pasted text {probe}") + "," + line[len(summary) :]
                hits += 1
    assert hits == 2, "the pinned summaries are not in the sample: update the probes"
    path.write_bytes("".join(lines).encode(encoding))


def _probe_events(folder: Path) -> None:
    """The manager of the most overdue people and one overdue person (the overdue tables list both)."""
    path = folder / "roster.csv"
    _swap(path, "Clara Bauer", SCRIPT)
    _swap(path, "Marta Neumann", IMG, line_with="marta.neumann@")


PROBE = {
    "compliance": _probe_compliance,
    "rollout": _probe_rollout,
    "workspace": _probe_workspace,
    "survey": _probe_survey,
    "status": _probe_status,
    "delivery": _probe_delivery,
    "events": _probe_events,
}


@pytest.fixture(scope="session")
def probed_batch(tmp_path_factory) -> Batch:
    """The samples with probes in their text fields, each workbook run once (no PDFs)."""
    from pmokit import cli

    base = tmp_path_factory.mktemp("probed")
    params_files = []
    for workbook, (area, params) in WORKBOOKS.items():
        shutil.copytree(ROOT / "data" / "sample" / area, base / "data" / "sample" / area)
        PROBE[area](base / "data" / "sample" / area)
        target = base / "params" / workbook / params
        target.parent.mkdir(parents=True)
        shutil.copy(ROOT / "params" / workbook / params, target)  # paths relative to it: ../../data/sample/..
        params_files.append(str(target))
    out = base / "out"
    # the same reading as the bundled batch: folder(label) fails the test when that run did not succeed
    return Batch(out, cli.main(["run", "--quiet", "--out", str(out), "--jobs", "2", *params_files]))


# ----------------------------------------------------------------------------- the tests
def test_every_probed_run_succeeds(probed_batch):
    for label in RUNS:
        probed_batch.folder(label)
    assert probed_batch.code == 0


@pytest.mark.parametrize("label", RUNS)
def test_probes_escaped_in_the_report_html(probed_batch, label):
    """Each probe is in the page only escaped (``&lt;script&gt;``), never as markup."""
    markup = (probed_batch.folder(label) / "report.html").read_text(encoding="utf-8")
    assert SCRIPT not in markup and IMG not in markup
    assert "<img src=x" not in markup and "<script>window" not in markup
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in markup
    assert "&lt;img src=x onerror=" in markup


@pytest.mark.parametrize("label", RUNS)
def test_nothing_of_python_in_the_probed_report(probed_batch, label):
    assert report_problems(probed_batch.folder(label)) == []


@pytest.mark.browser
@pytest.mark.parametrize("label", RUNS)
def test_probes_inert_and_shown_as_text_in_headless_browser(probed_batch, browser, label):  # noqa: F811
    seen = browser.open(probed_batch.folder(label) / "report.html")
    assert not seen.xss_ran
    assert seen.console_errors == [] and seen.requests == [] and seen.broken_images == 0
    for probe in SHOWN[label]:
        assert probe in seen.text, f"{probe!r} not shown as text"


def _xlsx_strings(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_compliance_action_list_keeps_the_formula_as_text(probed_batch):
    """The device named ``=HYPERLINK(...)`` is in the action list as text (a leading quote), never a formula."""
    cells = _xlsx_strings(probed_batch.folder("compliance_report/sample") / "action_list.xlsx")
    assert not any(v.startswith(("=", "+", "-", "@")) for v in cells)
    assert any(FORMULA in v for v in cells), "the formula-named device is not in the action list"


def test_workspace_queue_holds_the_owner_names_verbatim(probed_batch):
    """Excel shows text, not markup: the probe owners are in the remediation queue exactly as exported."""
    cells = _xlsx_strings(probed_batch.folder("workspace_hygiene/sample") / "remediation_queue.xlsx")
    assert SCRIPT in cells and IMG in cells
    assert html.escape(SCRIPT) not in cells  # not HTML-escaped twice into a spreadsheet
