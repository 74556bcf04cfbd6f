"""Every workbook run on its bundled params into a temporary folder, then every produced report checked:
the run-folder contract, no external reference, no code, and a real headless browser with the network
blocked (no console error, no request, images decode, injected markup never runs)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from browser import browser  # noqa: F401  (session fixture)

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
    assert (folder / "report.pdf").read_bytes()[:5] == b"%PDF-"


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
