"""Batch benchmark: pmokit's runner vs the naive way (papermill CLI, then `jupyter nbconvert` CLI, one
report after another), on every params file in the repository, measured in the same process run.

Also: per-report overhead of our runner (time beyond kernel start-up and the notebook's own cell
work) and the size of each HTML report. Results: bench/results/runner.json and a printed table.

Run with `make bench` (not part of the tests: wall-clock figures on a shared machine are noisy).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from pmokit import runner

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def naive_batch(specs: list[runner.RunSpec], out: Path) -> float:
    """papermill CLI then nbconvert CLI per report, sequentially, as an analyst would script it."""
    t0 = time.perf_counter()
    for spec in specs:
        folder = out / spec.workbook / spec.name
        folder.mkdir(parents=True, exist_ok=True)
        args = [
            str(BIN / "papermill"),
            str(runner.notebook_path(spec.workbook)),
            str(folder / "report.ipynb"),
            "-k",
            "python3",
            "--cwd",
            str(ROOT / "notebooks"),
            "--no-progress-bar",
        ]
        values = spec.params.model_dump(mode="json")
        values.update(output_dir=str(folder), interactive=False)
        params_file = folder / "params.yaml"
        params_file.write_text(json.dumps(values))  # JSON is YAML
        subprocess.run(args + ["-f", str(params_file)], check=True, capture_output=True)
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(folder / "report.ipynb")],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - t0


def ours_batch(specs: list[runner.RunSpec], out: Path, jobs: int) -> float:
    t0 = time.perf_counter()
    results = runner.run_batch(specs, out, jobs=jobs, timeout=900)
    elapsed = time.perf_counter() - t0
    failed = [r.spec.label for r in results if r.status != "succeeded"]
    if failed:
        raise SystemExit(f"runs failed: {failed}")
    return elapsed


def kernel_start_seconds(repeats: int = 3) -> float:
    """Median time to start an IPC kernel and get its first reply."""
    from jupyter_client import KernelManager

    times = []
    for _ in range(repeats):
        km = KernelManager(kernel_name="python3", transport="ipc")
        km.ip = tempfile.mktemp(prefix="pmokit-bench-")
        t0 = time.perf_counter()
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        times.append(time.perf_counter() - t0)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return statistics.median(times)


def cell_seconds(notebook: Path) -> float:
    """Sum of the cells' own execution time, as papermill recorded it."""
    nb = nbformat.read(str(notebook), as_version=4)
    return sum(float(c.metadata.get("papermill", {}).get("duration") or 0) for c in nb.cells)


def overheads(specs: list[runner.RunSpec], out: Path, kernel_s: float) -> dict[str, float]:
    """Run each report alone through runner.execute and subtract kernel start and cell work.

    The report template is loaded first: a one-off cost per worker thread (about 0.2-0.7 s), not per report.
    """
    from pmokit.render import render_html

    render_html(nbformat.v4.new_notebook())
    found = {}
    for spec in specs:
        t0 = time.perf_counter()
        result = runner.execute(spec, out, timeout=900)
        total = time.perf_counter() - t0
        found[spec.label] = round(total - kernel_s - cell_seconds(result.folder / "report.ipynb"), 3)
    return found


def main() -> int:
    specs = runner.validate_all(runner.find_params_files([]))
    jobs = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="pmokit-bench-"))
    try:
        naive_batch(specs[:1], work / "warm")  # warm the disk cache and byte-code for both contenders
        ours = ours_batch(specs, work / "ours", jobs)
        naive = naive_batch(specs, work / "naive")
        kernel_s = kernel_start_seconds()
        over = overheads(specs, work / "alone", kernel_s)
        sizes = {s.label: (work / "ours" / s.workbook / s.name / "report.html").stat().st_size for s in specs}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "reports": len(specs),
        "cores": jobs,
        "ours_s": round(ours, 2),
        "naive_s": round(naive, 2),
        "ratio": round(ours / naive, 3),
        "kernel_start_s": round(kernel_s, 3),
        "overhead_s": over,
        "overhead_median_s": round(statistics.median(over.values()), 3),
        "html_bytes": sizes,
    }
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "runner.json").write_text(json.dumps(result, indent=2))
    print(f"{len(specs)} reports on {jobs} cores: ours {ours:.1f} s, naive {naive:.1f} s, ratio {ours / naive:.2f}x")
    print(f"kernel start {kernel_s:.2f} s; per-report overhead (median) {result['overhead_median_s']:.2f} s")
    for label in over:
        print(f"  {label:<40} overhead {over[label]:6.2f} s   html {sizes[label] / 1024:8.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
