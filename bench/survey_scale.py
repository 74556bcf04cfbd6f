"""Benchmark (issue 5): 100,000 responses x 40 Likert items x 3 grouping columns, whole notebook.

Writes a Google Forms-style CSV and a survey definition into a temporary folder, runs
notebooks/survey_analysis.ipynb on them with papermill (interactive off), and prints the wall time
of the run and of its slowest cells. Target: under 30 s on 2 cores.

Usage: ``python bench/survey_scale.py [--rows 100000] [--items 40] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

import numpy as np
import papermill
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCALE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
COMMENTS = [
    "VPN drops at home",
    "Training too short",
    "Great new laptop",
    "Service desk was quick",
    "Docking station not compatible",
    "More notice next time please",
    "",
]


def write_inputs(folder: Path, rows: int, items: int, seed: int = 5) -> tuple[Path, Path, Path]:
    """A Google Forms CSV export, its survey definition and the headcounts."""
    rng = np.random.default_rng(seed)
    regions = np.array([f"Region {i}" for i in range(8)])
    teams = np.array([f"Team {i:02d}" for i in range(60)] + ["Tiny team"])
    grades = np.array(["Junior", "Mid", "Senior", "Lead"])
    team_p = np.r_[np.full(60, (1 - 3 / rows) / 60), 3 / rows]
    region = rng.choice(regions, rows)
    team = rng.choice(teams, rows, p=team_p / team_p.sum())
    grade = rng.choice(grades, rows)
    mood = rng.normal(0, 1, rows)
    answers = np.clip(np.round(3.4 + mood[:, None] * 0.8 + rng.normal(0, 0.9, (rows, items))), 1, 5).astype(int)
    nps = np.clip(np.round(7.5 + 1.5 * mood + rng.normal(0, 1.3, rows)), 0, 10).astype(int)
    comments = rng.choice(COMMENTS, (rows, 2))
    path = folder / "responses.csv"
    header = ["Timestamp", "Email address", "Region", "Team", "Grade"]
    header += [f"Statement {i:02d} [Item {i:02d}]" for i in range(1, items + 1)]
    header += ["How likely are you to recommend?", "What went well?", "What should change?"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        labels = np.array(SCALE)[answers - 1]
        for i in range(rows):
            out.writerow(
                ["2026/11/02 9:14:05 AM GMT", "", region[i], team[i], grade[i], *labels[i], nps[i], *comments[i]]
            )
    definition = {
        "scale": SCALE,
        "favourable_top": 2,
        "items": [
            {"column": f"Statement {i:02d} [Item {i:02d}]", "label": f"Item {i:02d}", "theme": f"Theme {i % 6}"}
            for i in range(1, items + 1)
        ],
        "nps": "How likely are you to recommend?",
        "outcome": "Item 01",
        "groups": ["Region", "Team", "Grade"],
        "comments": {"Went well": "What went well?", "Change": "What should change?"},
        "comment_themes": {"Network": ["vpn"], "Training": ["training"], "Hardware": ["laptop", "docking"]},
    }
    survey = folder / "survey.yaml"
    survey.write_text(yaml.safe_dump(definition, sort_keys=False), encoding="utf-8")
    population = folder / "population.csv"
    counts = {r: int((region == r).sum() / 0.7) for r in regions}
    population.write_text("Region,Headcount\n" + "".join(f"{r},{c}\n" for r, c in counts.items()), encoding="utf-8")
    return path, survey, population


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument(
        "--keep", type=Path, default=None, help="write inputs and outputs here instead of a temp folder"
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="survey_bench_"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    responses, survey, population = write_inputs(folder, args.rows, args.items)
    print(f"inputs: {args.rows:,} rows x {args.items} items in {time.perf_counter() - started:.1f} s ({responses})")
    started = time.perf_counter()
    nb = papermill.execute_notebook(
        str(ROOT / "notebooks" / "survey_analysis.ipynb"),
        str(folder / "report.ipynb"),
        kernel_name="python3",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        parameters={
            "responses_path": str(responses),
            "survey_path": str(survey),
            "population_path": str(population),
            "previous_path": None,
            "output_dir": str(folder / "run"),
            "interactive": False,
        },
    )
    total = time.perf_counter() - started
    cells = sorted(
        (
            (c.metadata.get("papermill", {}).get("duration") or 0.0, c.source.splitlines()[0])
            for c in nb.cells
            if c.cell_type == "code"
        ),
        reverse=True,
    )
    print(f"notebook: {total:.1f} s wall (target < 30 s)")
    for seconds, first_line in cells[:6]:
        print(f"  {seconds:6.2f} s  {first_line[:70]}")


if __name__ == "__main__":
    main()
