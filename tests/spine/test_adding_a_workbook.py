"""The README's "Adding a workbook", followed step by step for a throwaway workbook: one package,
one registry line (an entry point, since the test cannot edit the registry module), one notebook,
one params file. The workbook then runs, appears in the index and on the status deck."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from pmokit import cli, workbooks
from pmokit.params import parameters_cell

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).with_name("adding")
SCORES = "team,score\nAlpha,4\nAlpha,4\nAlpha,5\nBeta,2\nBeta,3\nBeta,2\n"

NOTEBOOK_CELLS = [
    ("markdown", "# Team pulse\n\nHow teams rate their week, 1 to 5."),
    ("parameters", None),
    (
        "code",
        "import pandas as pd\n\nfrom pmokit import report\nfrom pmokit import workbooks as registry\n"
        "from pulse import assess, figures\n\np = registry.load('team_pulse', globals())\nout = report.start(p)",
    ),
    ("markdown", "## Inputs\nThe scores export."),
    ("code", "scores = pd.read_csv(p.scores_path)\nreport.source(p.scores_path, scores)"),
    ("code", "result = assess.assess(scores, p)\nreport.headline(result)"),
    ("markdown", "## Scores per team\nThe mean score of each team."),
    ("code", "report.save_headline(figures.scores_chart(result.by_team))\nreport.table(result.by_team)"),
    ("markdown", "## Method notes"),
    ("code", "report.notes(result.notes)"),
]


def write_package(site: Path) -> None:
    """Step 1 (package: params, assess, figures) and step 2 (the registry line, as an entry point)."""
    package = site / "pulse"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""The team_pulse workbook."""\n', encoding="utf-8")
    for name in ("params.py", "assess.py", "figures.py", "workbook.py"):
        shutil.copy(HERE / name, package / name)
    dist = site / "pulse_workbook-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: pulse-workbook\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(
        "[pmokit.workbooks]\nteam_pulse = pulse.workbook:WORKBOOK\n", encoding="utf-8"
    )


def write_notebook(path: Path, model) -> None:
    """Step 3: the notebook, its parameters cell generated from the model."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, source in NOTEBOOK_CELLS:
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        elif kind == "parameters":
            cell = nbformat.v4.new_code_cell(parameters_cell(model))
            cell.metadata["tags"] = ["parameters"]
            nb.cells.append(cell)
        else:
            nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, str(path))


@pytest.fixture
def pulse(tmp_path, monkeypatch):
    """The throwaway workbook installed for this process and its kernels; removed afterwards."""
    site = tmp_path / "site"
    write_package(site)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTHONPATH", str(site))  # kernels inherit it and find the entry point too
    workbooks.registry.reload_plugins()
    wb = workbooks.get("team_pulse")
    write_notebook(wb.notebook_path(), wb.params)
    yield wb
    workbooks.registry.unregister("team_pulse")
    for name in [m for m in sys.modules if m == "pulse" or m.startswith("pulse.")]:
        del sys.modules[name]


@pytest.mark.e2e
def test_a_new_workbook_runs_and_reaches_index_and_deck(pulse, tmp_path) -> None:
    params = tmp_path / "params"
    (params / "team_pulse").mkdir(parents=True)
    (params / "team_pulse" / "scores.csv").write_text(SCORES, encoding="utf-8")
    # step 4: one params file naming its inputs (relative to itself)
    (params / "team_pulse" / "sample.yaml").write_text("scores_path: scores.csv\n", encoding="utf-8")
    deck = params / "status_deck"
    deck.mkdir()
    for name in ("raid_log.csv", "milestones.csv"):
        shutil.copy(ROOT / "data" / "sample" / "status" / name, deck / name)
    (deck / "weekly.yaml").write_text("raid_path: raid_log.csv\nmilestones_path: milestones.csv\n", encoding="utf-8")
    out = tmp_path / "out"

    code = cli.main(["run", "-q", "--out", str(out), str(params / "team_pulse"), str(deck / "weekly.yaml")])

    assert code == 0
    metrics = json.loads((out / "team_pulse" / "sample" / "metrics.json").read_text(encoding="utf-8"))
    # mean of 4, 4, 5, 2, 3, 2 = 20 / 6 = 3.33: at or above red (3.0), below amber (3.5) -> amber
    assert metrics["mean_score"] == pytest.approx(20 / 6)
    assert metrics["mean_score_rag"] == "amber" and metrics["verdict_rag"] == "amber"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="team_pulse/sample/report.html"' in index and "mean_score" in index
    page = (out / "status_deck" / "weekly" / "report.html").read_text(encoding="utf-8")
    # the deck names the figure in words (its label), with the colour the workbook recorded
    assert "Team pulse" in page and "Mean score" in page
