"""Helpers of the fault tests: a project for the test-only ``runner_probe`` workbook with notebooks
written per test (a busy cell, a sleeping cell, a kernel that dies), and a runner in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat

SPINE = Path(__file__).resolve().parents[1] / "spine"
sys.path.insert(0, str(SPINE))
import probe  # noqa: E402  (registers the runner_probe params model in this process)

ROOT = Path(__file__).resolve().parents[2]

#: ``pmokit run`` in a fresh process, with the probe workbook registered (argv: the CLI arguments).
RUNNER_CODE = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); import probe; "
    "from pmokit import cli; sys.exit(cli.main(sys.argv[1:]))"
)

#: A code cell that holds the kernel's GIL for minutes in one C call: the kernel's parent poller
#: (a Python thread that exits the kernel when its parent dies) cannot run, as with a long
#: pandas/solver call. Only a kill from the runner ends it.
BUSY_CELL = "sum(range(10**12))  # the busy step"


def write_notebook(folder: Path, *code_cells: str) -> Path:
    """``runner_probe.ipynb`` in ``folder``: the probe's parameters cell, then ``code_cells``."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(probe.PARAMS_CELL)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(src) for src in code_cells)]
    path = folder / "runner_probe.ipynb"
    nbformat.write(nb, str(path))
    return path


def make_project(root: Path, *runs: str) -> Path:
    """``params/runner_probe/<run>.yaml`` for each run (all reading one small CSV); returns the folder."""
    params = root / "params" / "runner_probe"
    params.mkdir(parents=True)
    (params / "data.csv").write_text("name,value\nA,1\nB,2\n", encoding="utf-8")
    for run in runs:
        (params / f"{run}.yaml").write_text("data_path: data.csv\n", encoding="utf-8")
    return params


def previous_good_report(out: Path, run: str) -> bytes:
    """A run folder as an earlier successful batch left it; returns its ``report.html`` bytes."""
    folder = out / "runner_probe" / run
    folder.mkdir(parents=True)
    page = f"<html><body>last good report of {run}</body></html>".encode()
    (folder / "report.html").write_bytes(page)
    record = {"workbook": "runner_probe", "run": run, "status": "succeeded", "error": None, "duration_s": 1.0}
    (folder / "run.json").write_text(json.dumps(record), encoding="utf-8")
    (folder / "metrics.json").write_text(json.dumps({"rows": 2}), encoding="utf-8")
    return page


def hidden_folders(out: Path) -> list[str]:
    """The runner's working folders (``.<run>.tmp-*``, ``.<run>.old-*``) left anywhere under ``out``."""
    return sorted(str(p.relative_to(out)) for p in out.rglob(".*") if p.is_dir())


def start_runner(cwd: Path, tmpdir: Path, *args: str) -> subprocess.Popen:
    """``pmokit run ARGS`` in its own process group, its temporary files under ``tmpdir``."""
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    return subprocess.Popen(
        [sys.executable, "-c", RUNNER_CODE, str(SPINE), "run", "--quiet", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the test can kill whatever is left without touching its own group
    )


def wait_for(path_glob: str, root: Path, runner: subprocess.Popen, timeout: float = 90.0) -> Path:
    """The first file matching ``path_glob`` under ``root`` while ``runner`` runs (up to ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(root.glob(path_glob))
        if found:
            return found[0]
        if runner.poll() is not None:
            stdout, stderr = runner.communicate()
            raise AssertionError(f"the runner exited ({runner.returncode}) first:\n{stdout}\n{stderr}")
        time.sleep(0.1)
    raise AssertionError(f"nothing matched {path_glob} under {root} within {timeout:g} s")
