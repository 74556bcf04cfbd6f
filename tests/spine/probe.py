"""A tiny test-only workbook ("runner_probe") for exercising the runner: reads a CSV, records a metric,
shows an escaped table and a chart, and fails or sleeps on request."""

from __future__ import annotations

import nbformat
from pydantic import Field

from pmokit import workbooks
from pmokit.params import InputFile, WorkbookParams


class RunnerProbeParams(WorkbookParams):
    """Parameters of the test-only probe notebook."""

    title: str = Field("Runner probe", description="report title")
    data_path: InputFile = Field("data.csv", description="a CSV with columns name,value")
    fail: bool = Field(False, description="raise in the analysis cell")
    sleep_s: float = Field(0.0, ge=0, description="sleep this long in the analysis cell")
    factor: int = Field(2, ge=1, description="multiplier for the metric")


#: The probe's registry line (a test-only workbook: registered where this module is imported).
PROBE = workbooks.registry.workbooks.get("runner_probe") or workbooks.registry.register(
    workbooks.Workbook("runner_probe", "tests_probe_models", RunnerProbeParams, headline=("rows",))
)

PARAMS_CELL = """title = "Runner probe"  # report title
output_dir = "../outputs/runner_probe/lab"  # run folder
interactive = True  # widgets
data_path = "data.csv"  # a CSV with columns name,value
fail = False  # raise in the analysis cell
sleep_s = 0.0  # sleep this long in the analysis cell
factor = 2  # multiplier for the metric"""

SETUP_CELL = """import os
import time
import pandas as pd
import matplotlib.pyplot as plt
from pmokit import report
from pmokit import workbooks as registry
import tests_probe_models  # registers the probe's params model in the kernel
p = registry.load("runner_probe", globals())
out = report.start(p)"""

ANALYSIS_CELL = """frame = pd.read_csv(p.data_path)
report.source(p.data_path, frame)
time.sleep(p.sleep_s)
if p.fail:
    raise ValueError("probe asked to fail")
report.record("rows", len(frame))
report.record("kernel_cwd", os.getcwd())
report.record("value_total", float(frame["value"].sum()) * p.factor)
report.verdict(f"{len(frame)} rows read.")
report.table(frame, caption="Input rows")
fig, ax = plt.subplots()
ax.bar(frame["name"].astype(str), frame["value"])
ax.set_title("Values (units)")
report.save_figure(fig, "headline.png")
(out / "rows.csv").write_text(frame.to_csv(index=False))"""


def write_probe_notebook(folder) -> None:
    """Write ``runner_probe.ipynb`` (and the models module its kernel imports) into ``folder``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params_cell = nbformat.v4.new_code_cell(PARAMS_CELL)
    params_cell.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Runner probe\n\nA test workbook."),
        params_cell,
        nbformat.v4.new_code_cell(SETUP_CELL),
        nbformat.v4.new_markdown_cell("## Analysis\n\nRows and a chart."),
        nbformat.v4.new_code_cell(ANALYSIS_CELL),
        nbformat.v4.new_markdown_cell("## Method notes\n\nNothing to note."),
    ]
    nbformat.write(nb, str(folder / "runner_probe.ipynb"))
    # The kernel runs with cwd = folder, so it imports this copy of the model definition.
    source = open(__file__, encoding="utf-8").read()
    (folder / "tests_probe_models.py").write_text(source, encoding="utf-8")
