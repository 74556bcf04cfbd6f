"""survey_analysis end to end: input checks on the sample params, a minimal params file outside the
repo, and the bundled batch's sample run (session fixture ``bundled_batch``, run once): the issue's
metrics, one colour per rated figure, small groups hidden everywhere, comments redacted, no names or
e-mails, golden tables. The XSS probes run through this workbook in tests/test_injection.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from pmokit import cli, runfolder
from pmokit.params import read_params_file, resolve_paths
from pmokit.survey import assess
from pmokit.survey.params import NO_DEFINITION, SurveyAnalysisParams

ROOT = Path(__file__).resolve().parents[2]
PARAMS = ROOT / "params" / "survey_analysis" / "sample.yaml"
GOLDEN = Path(__file__).parent / "golden"
RUN = "survey_analysis/sample"


def sample_params(**changes) -> SurveyAnalysisParams:
    """The sample params file's values (paths resolved against it), with ``changes``."""
    values = resolve_paths(SurveyAnalysisParams, read_params_file(PARAMS, "sample.yaml"), PARAMS.parent)
    return SurveyAnalysisParams(**{**values, **changes})


def test_check_inputs():
    p = sample_params()
    assert p.check_inputs() == []
    wrong = p.model_copy(update={"survey": {"scale": [1, 2, 3], "favourable_top": 1, "items": ["Nope"]}})
    problems = wrong.check_inputs()
    # both exports lack the item; the headcount file cannot be matched to a group none is defined
    assert [msg.split(":")[0] for msg in problems] == ["responses.xlsx", "previous.xlsx", "population.csv"]
    assert "field 'item 'Nope'': expected a column 'Nope'" in problems[0]
    assert "none defined" in problems[2]


def test_check_inputs_without_a_definition_is_a_clear_error():
    p = sample_params(survey_path=None, survey=None)
    assert p.check_inputs() == ["survey_path or survey: expected a survey definition, got neither"]
    assert NO_DEFINITION == "survey_path or survey: expected a survey definition, got neither"


def test_optional_inputs_default_to_none():
    fields = SurveyAnalysisParams.model_fields
    for name in ["survey_path", "survey", "population_path", "previous_path", "format"]:
        assert fields[name].default is None, name
    assert fields["responses_path"].is_required()


def test_sample_yaml_sets_every_path():
    raw = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    for name in ["responses_path", "survey_path", "population_path", "previous_path"]:
        assert (PARAMS.parent / raw[name]).is_file(), name


def test_minimal_params_file_outside_the_repo_validates_and_runs(tmp_path, capsys):
    """Only the export and its definition (the inputs a survey cannot do without), copied beside the
    params file: it validates, runs, reads nothing under data/; without headcounts the response rate
    is not measurable (grey with the reason), without a previous wave there is no wave change."""
    from pmokit import runner

    folder = tmp_path / "survey_analysis"
    folder.mkdir()
    for name in ["responses.xlsx", "survey.yaml"]:
        shutil.copy(ROOT / "data" / "sample" / "survey" / name, folder)
    params = folder / "minimal.yaml"
    params.write_text("responses_path: responses.xlsx\nsurvey_path: survey.yaml\n")
    spec = runner.load_spec(params)
    assert spec.params.responses_path == str(folder / "responses.xlsx")
    assert spec.params.population_path is None and spec.params.previous_path is None
    out = tmp_path / "out"
    assert cli.main(["run", "-q", "--out", str(out), str(params)]) == 0
    run = runfolder.read(out / "survey_analysis" / "minimal")
    assert run is not None and run.succeeded
    assert str(ROOT / "data") not in json.dumps(run.run)
    m = run.metrics
    assert m["responses"] == 595
    assert m["response_rate_pct"] is None and m["response_rate_pct_rag"] == "grey"
    assert m["groups_below_response_threshold"] is None and m["significant_wave_changes"] is None
    assert m["favourability_pct_rag"] == "amber" and m["verdict_rag"] == "amber"
    page = (out / "survey_analysis" / "minimal" / "report.html").read_text(encoding="utf-8")
    assert "Response rate: no headcount file given" in page
    assert "Nothing to show: no previous wave was given" in page
    assert "nan" not in m.values() and "None" not in m.values()

    # the export alone: refused before any kernel starts, with the one-line reason
    alone = folder / "alone.yaml"
    alone.write_text("responses_path: responses.xlsx\n")
    capsys.readouterr()
    assert cli.main(["run", "-q", "--out", str(out), str(alone)]) != 0
    captured = capsys.readouterr()
    assert NO_DEFINITION in captured.out + captured.err


# ----------------------------------------------------------------------------- the bundled sample run
@pytest.fixture(scope="module")
def run(bundled_batch) -> Path:
    return bundled_batch.folder(RUN)


@pytest.mark.e2e
def test_metrics_named_by_the_issue(run, bundled_batch):
    m = bundled_batch.metrics(RUN)
    # generate.py: 172 + 146 + 96 + 110 + 68 + 3 = 595 responses of 250 + 200 + 180 + 150 + 100 + 3 = 883 people
    assert m["responses"] == 595
    assert m["response_rate_pct"] == pytest.approx(100 * 595 / 883, abs=0.05)
    for name in ["favourability_pct", "enps", "enps_ci_low", "enps_ci_high"]:
        assert isinstance(m[name], (int, float)), name
    assert m["enps_ci_low"] < m["enps"] < m["enps_ci_high"]
    assert m["groups_hidden"] == 2  # Legal (3 people) and its complement HR (68)
    assert m["comments_withheld"] >= 1  # the Legal comments
    # the figures moved out of the notebook are still recorded, with today's values
    assert m["groups_below_response_threshold"] == 1  # Finance 96 / 180 = 53% < 60%
    assert m["significant_wave_changes"] == 12 and m["top_priority_driver"] == "Quick support"
    assert m["comments"] == m["comments_shown"] + m["comments_withheld"]


@pytest.mark.e2e
def test_one_colour_per_rated_figure(run, bundled_batch):
    """The recorded colours are the bands' colours of the recorded values: what the deck shows."""
    m = bundled_batch.metrics(RUN)
    bands = assess.bands(sample_params())
    # 57.5% favourable: amber (50 to below 70) in the report and, through favourability_pct_rag, on the deck
    assert m["favourability_pct"] == 57.5
    assert m["favourability_pct_rag"] == bands["favourability_pct"].rate(57.5).rag == "amber"
    assert m["response_rate_pct_rag"] == bands["response_rate_pct"].rate(m["response_rate_pct"]).rag == "green"
    assert m["verdict_rag"] == m["favourability_pct_rag"]
    page = (run / "report.html").read_text(encoding="utf-8")
    assert "Favourability 57.5%, below 70%" in page  # the favourable tile's reason
    assert "Favourability: green at 70% or more, amber from 50% to below 70%, red below 50%." in page


@pytest.mark.e2e
def test_run_folder_holds_the_headline_chart_and_artefacts(run):
    for name in ["headline.png", "items.png", "response_rates.png", "drivers.png", "enps.png", "results.xlsx"]:
        assert (run / name).is_file(), name
    assert not (run / "comments.csv").exists()  # 586 shown comments fit comments.xlsx


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


@pytest.mark.e2e
def test_sentiment_of_shown_comments_is_reported(run):
    page = (run / "report.html").read_text(encoding="utf-8")
    assert "Sentiment of the shown comments (VADER)" in page and "Negative %" in page
    assert "not installed" not in page


# ----------------------------------------------------------------------------- golden tables
@pytest.mark.e2e
def test_items_sheet_matches_golden(run):
    """results.xlsx "Items" against golden/items.csv.

    The golden values were computed by a second, simple method straight from the sample export
    (data/sample/survey/responses.xlsx) with plain pandas, not with pmokit: per item column, the
    answers that are one of the five scale labels are the valid ones (n); favourable = "Agree" or
    "Strongly agree", neutral = "Neither agree nor disagree", unfavourable = "Disagree" or
    "Strongly disagree", each as % of n ("Not applicable" and blanks excluded). Spot check by hand:
    "Reliable VPN" 187 favourable of 575 valid = 32.52%.
    """
    golden = pd.read_csv(GOLDEN / "items.csv")
    sheet = pd.read_excel(run / "results.xlsx", sheet_name="Items", engine="openpyxl")
    got = sheet.set_index("item").loc[golden["item"]].reset_index()
    assert got["n"].tolist() == golden["n"].tolist()
    for column in ["favourable_pct", "neutral_pct", "unfavourable_pct"]:
        # results.xlsx holds percentages rounded to one decimal (pmokit.excel): within half a unit of it
        assert got[column].to_numpy() == pytest.approx(golden[column].to_numpy(), abs=0.05 + 1e-9), column


@pytest.mark.e2e
def test_favourable_by_department_matches_golden(run):
    """results.xlsx "Favourable by Department" against golden/favourable_by_department.csv.

    Second method (plain pandas on the export): favourable share per department and item among the
    valid answers; respondents per department from the department column. Legal (3 < 5) is hidden
    and, as the only hidden group, takes the next smallest (HR, 68) with it: both rows blank.
    """
    golden = pd.read_csv(GOLDEN / "favourable_by_department.csv").set_index("Department")
    sheet = pd.read_excel(run / "results.xlsx", sheet_name="Favourable by Department", engine="openpyxl")
    sheet = sheet.set_index("Department").loc[golden.index, golden.columns]
    assert sheet.isna().equals(golden.isna())
    # other floats are rounded to two decimals in results.xlsx (pmokit.excel): within half a unit of it
    assert sheet.fillna(-1).to_numpy() == pytest.approx(golden.fillna(-1).to_numpy(), abs=0.005 + 1e-9)
