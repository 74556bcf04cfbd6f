"""survey_analysis end to end: parameters match the model, the sample run through the batch runner
records the issue's metrics, hides small groups everywhere, redacts comments, never shows names or
e-mails, and its report keeps the XSS probes inert in a real headless browser."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from browser import browser  # noqa: F401  (session fixture)

from pmokit import cli
from pmokit.survey.params import SurveyAnalysisParams

ROOT = Path(__file__).resolve().parents[2]
PARAMS = ROOT / "params" / "survey_analysis" / "sample.yaml"
XSS = ["<script>window.__xss=1</script>", '<img src=x onerror="window.__xss=1">']


def test_check_inputs(tmp_path):
    base = ROOT / "notebooks"
    fields = ["responses_path", "survey_path", "population_path", "previous_path"]
    p = SurveyAnalysisParams(**{f: str((base / getattr(SurveyAnalysisParams(), f)).resolve()) for f in fields})
    assert p.check_inputs() == []
    wrong = p.model_copy(update={"survey": {"scale": [1, 2, 3], "favourable_top": 1, "items": ["Nope"]}})
    problems = wrong.check_inputs()
    # both exports lack the item; the headcount file cannot be matched to a group none is defined
    assert [msg.split(":")[0] for msg in problems] == ["responses.xlsx", "previous.xlsx", "population.csv"]
    assert "field 'item 'Nope'': expected a column 'Nope'" in problems[0]
    assert "none defined" in problems[2]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("survey_runs")
    assert cli.main(["run", "-q", "--out", str(out), str(PARAMS)]) == 0
    return out / "survey_analysis" / "sample"


@pytest.mark.e2e
def test_metrics_named_by_the_issue(run):
    m = json.loads((run / "metrics.json").read_text())
    # generate.py: 172 + 146 + 96 + 110 + 68 + 3 = 595 responses of 250 + 200 + 180 + 150 + 100 + 3 = 883 people
    assert m["responses"] == 595
    assert m["response_rate_pct"] == pytest.approx(100 * 595 / 883, abs=0.05)
    for name in ["favourability_pct", "enps", "enps_ci_low", "enps_ci_high"]:
        assert isinstance(m[name], (int, float)), name
    assert m["enps_ci_low"] < m["enps"] < m["enps_ci_high"]
    assert m["groups_hidden"] == 2  # Legal (3 people) and its complement HR (68)
    assert m["comments_withheld"] >= 1  # the Legal comments


@pytest.mark.e2e
def test_small_groups_hidden_in_excel(run):
    book = openpyxl.load_workbook(run / "results.xlsx")
    sheet = book["Favourable by Department"]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert all(v is None for v in rows["Legal"]) and all(v is None for v in rows["HR"])
    assert all(isinstance(v, (int, float)) for v in rows["Sales"])
    tests = book["Tests by Department"]
    assert not {r[0] for r in tests.iter_rows(min_row=2, values_only=True)} & {"Legal", "HR"}


@pytest.mark.e2e
def test_comments_redacted_thresholded_and_neutralised(run):
    sheet = openpyxl.load_workbook(run / "comments.xlsx").active
    texts = [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)]
    joined = "\n".join(texts)
    assert "[phone removed]" in joined and "[e-mail removed]" in joined
    assert "07700" not in joined and "priya.patel@" not in joined
    assert "Only three of us in Legal" not in joined
    assert not any(str(t).startswith(("=", "+", "-", "@")) for t in texts)


@pytest.mark.e2e
def test_no_names_or_emails_in_the_report(run):
    page = (run / "report.html").read_text(encoding="utf-8")
    assert "@contoso.example" not in page
    assert "Only three of us in Legal" not in page
    for probe in XSS:
        assert probe not in page
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page


@pytest.mark.e2e
@pytest.mark.browser
def test_probes_inert_in_headless_browser(run, browser):  # noqa: F811
    seen = browser.open(run / "report.html")
    assert not seen.xss_ran
    assert seen.console_errors == [] and seen.requests == [] and seen.broken_images == 0
    for probe in XSS:
        assert probe in seen.text  # shown as text


@pytest.mark.e2e
def test_sentiment_of_shown_comments_is_reported(run):
    page = (run / "report.html").read_text(encoding="utf-8")
    assert "Sentiment of the shown comments (VADER)" in page and "Negative %" in page
    assert "not installed" not in page
