"""Every workbook run on its bundled params into a temporary folder, then every produced report checked:
the run-folder contract, no external reference, no code, and a real headless browser with the network
blocked (no console error, no request, images decode, injected markup never runs)."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

import pytest
from browser import browser, chromium_or_skip  # noqa: F401  (session fixture)
from report_scan import report_problems

from pmokit import runner, workbooks
from pmokit.checks import run_folder_problems

pytestmark = pytest.mark.e2e
PARAMS_FILES = runner.find_params_files([])
EXPECTED_RUNS = [f"{p.parent.name}/{p.stem}" for p in PARAMS_FILES]


@pytest.fixture(scope="session")
def batch(bundled_batch) -> tuple[Path, int]:
    """The session's one run of the bundled batch (tests/conftest.py)."""
    return bundled_batch.out, bundled_batch.code


def test_all_bundled_runs_succeed(batch) -> None:
    out, code = batch
    failures = {}
    for label in EXPECTED_RUNS:
        run = json.loads((out / label / "run.json").read_text()) if (out / label / "run.json").exists() else None
        if run is None or run["status"] != "succeeded":
            failed = out / (label + ".failed") / "run.json"
            failures[label] = json.loads(failed.read_text())["error"] if failed.exists() else "no run folder"
    assert not failures, failures
    assert code == 0


@pytest.mark.parametrize("label", EXPECTED_RUNS)
def test_run_folder_contract(batch, label: str) -> None:
    out, _ = batch
    folder = out / label
    assert run_folder_problems(folder) == []
    metrics = json.loads((folder / "metrics.json").read_text())
    headline = workbooks.headline(label.split("/")[0])
    # the first headline metric is always recorded; later ones may depend on optional inputs
    assert headline[0] in metrics, f"headline metric {headline[0]} not recorded"


@pytest.mark.browser
@pytest.mark.parametrize("label", EXPECTED_RUNS)
def test_pdf_beside_each_report(batch, label: str) -> None:
    """The session batch prints PDFs when Chromium is there; without it this test skips (it needs Chromium)."""
    out, _ = batch
    chromium_or_skip()
    assert (out / label / "report.pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.browser
@pytest.mark.parametrize("label", EXPECTED_RUNS + ["index"])
def test_report_in_headless_browser(batch, browser, label: str) -> None:  # noqa: F811
    out, _ = batch
    path = out / "index.html" if label == "index" else out / label / "report.html"
    seen = browser.open(path)
    assert seen.console_errors == []
    assert seen.requests == [], "the page tried to load something beyond itself"
    assert seen.broken_images == 0
    assert not seen.xss_ran
    if label != "index":
        assert seen.images > 0, "a report without a single chart"


def test_index_lists_every_run(batch) -> None:
    out, _ = batch
    markup = (out / "index.html").read_text()
    for label in EXPECTED_RUNS:
        assert f'href="{label}/report.html"' in markup


def test_index_names_metrics_by_their_labels(batch) -> None:
    """The index labels figures as the reports do ("Compliance"), never by their keys ("compliance_pct")."""
    out, _ = batch
    text = _visible_text((out / "index.html").read_text(encoding="utf-8"))
    # keys that read as keys ("sla_breaches"); one-word ones ("devices") are also plain words of a verdict
    keys = {key for label in EXPECTED_RUNS for key in workbooks.headline(label.split("/")[0]) if "_" in key}
    assert len(keys) > 10
    assert sorted(key for key in keys if re.search(rf"(?<![\w-]){key}(?![\w-])", text)) == []


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_index_fits_a_laptop_and_a_phone(batch, browser, tmp_path: Path, width: int, height: int) -> None:  # noqa: F811
    """The bundled index at 1366 px and 390 px: no sideways page scroll, no text wider than its box."""
    out, _ = batch
    seen = browser.layout(out / "index.html", width, height, screenshot=tmp_path / f"index-{width}.png")
    assert seen.page_overflow <= 0, f"the page scrolls sideways by {seen.page_overflow} px"
    assert seen.overflowing == []


def test_status_deck_reads_the_batch_it_ran_in(batch) -> None:
    """status_deck runs after the other workbooks and reads their runs from the same output folder."""
    out, _ = batch
    decks = [label for label in EXPECTED_RUNS if label.startswith("status_deck/")]
    assert decks, "no bundled status_deck params file"
    others = {label.split("/")[0] for label in EXPECTED_RUNS} - {"status_deck"}
    for label in decks:
        metrics = json.loads((out / label / "metrics.json").read_text())
        assert metrics["workbooks_found"] == len(others) and metrics["workbooks_missing"] == 0
        deck = json.loads((out / label / "run.json").read_text())
        finished_before = [
            json.loads((out / other / "run.json").read_text())["end"]
            for other in EXPECTED_RUNS
            if not other.startswith("status_deck/")
        ]
        assert deck["start"] >= max(finished_before)


_MISSING_WORDS = re.compile(r"(?<![\w-])(nan|NaN|None|NaT|<NA>)(?![\w-])")


def _visible_text(markup: str) -> str:
    """The page's text as a reader sees it: no style, script or embedded images, no tags."""
    markup = re.sub(r"<(style|script)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    markup = re.sub(r"<[^>]+>", " ", markup)
    return html.unescape(markup)


@pytest.mark.parametrize("label", EXPECTED_RUNS)
def test_missing_values_read_as_a_dash(batch, label: str) -> None:
    """A missing figure shows as "—" in the report and is null in metrics.json: never nan, None or NaT."""
    out, _ = batch
    text = _visible_text((out / label / "report.html").read_text(encoding="utf-8"))
    found = sorted({m.group(0) for m in _MISSING_WORDS.finditer(text)})
    assert found == [], f"{label} shows {found}"
    metrics = json.loads((out / label / "metrics.json").read_text(encoding="utf-8"))
    assert not [k for k, v in metrics.items() if isinstance(v, str) and _MISSING_WORDS.fullmatch(v)]


@pytest.mark.parametrize("label", EXPECTED_RUNS)
def test_nothing_of_the_python_process_reaches_a_report(batch, label: str) -> None:
    """No nan/None/NaT, repr, warning, traceback or local path in report.html, summary.md, xlsx, pptx or csv."""
    out, _ = batch
    folder = out / label
    assert (folder / "report.html").is_file(), f"{label}: no report"
    assert report_problems(folder) == []


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
@pytest.mark.parametrize("label", EXPECTED_RUNS)
def test_reports_fit_a_laptop_and_a_phone(batch, browser, tmp_path: Path, label: str, width: int, height: int) -> None:  # noqa: F811
    """Every bundled report at 1366 px and 390 px: no sideways page scroll and no clipped cell or text;
    a table wider than the window scrolls inside its own box (issue 14)."""
    out, _ = batch
    shot = tmp_path / f"{label.replace('/', '-')}-{width}.png"
    seen = browser.layout(out / label / "report.html", width, height, screenshot=shot)
    assert seen.page_overflow <= 0, f"{label} scrolls sideways by {seen.page_overflow} px at {width} px"
    assert seen.overflowing == []


def _squashed(text: str) -> str:
    """Text without whitespace or ligatures: a header wrapped over two lines of the PDF still matches."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _table_headers(markup: str) -> set[str]:
    """The column headers of every table in a report (each ``<thead>``'s ``<th>`` texts)."""
    heads = re.findall(r"<thead>(.*?)</thead>", markup, flags=re.S)
    cells = [c for head in heads for c in re.findall(r"<th\b[^>]*>(.*?)</th>", head, flags=re.S)]
    return {html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells} - {""}


@pytest.mark.browser
@pytest.mark.parametrize("label", EXPECTED_RUNS)
def test_every_table_column_reaches_the_pdf(batch, label: str) -> None:
    """Every column header of every table in report.html is in report.pdf's text: no column cut off at the
    page edge (issue 14). tests/spine/test_tables_fit.py shows this check fails on a clipped table."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf is a dev dependency (pip install -e '.[dev]')")
    out, _ = batch
    chromium_or_skip()
    headers = _table_headers((out / label / "report.html").read_text(encoding="utf-8"))
    pages = pypdf.PdfReader(str(out / label / "report.pdf")).pages
    text = _squashed("".join(page.extract_text() or "" for page in pages))
    assert sorted(h for h in headers if _squashed(h) not in text) == []
