"""Batch benchmark: pmokit's runner against the naive way (papermill CLI, then `jupyter nbconvert` CLI, one
report after another), on every params file in the repository, in interleaved rounds.

Four contenders run the same batch, so the gain splits into its causes:

``naive``
    ``papermill`` CLI then ``jupyter nbconvert --to html --no-input`` CLI per report, one after another.
``cli+render``
    The same papermill CLI, but the page rendered in this process (:func:`pmokit.render.render_html`):
    ``naive`` minus this is the gain of **in-process rendering** (no nbconvert start-up per report).
``ours x1``
    :func:`pmokit.runner.run_batch` with one job: papermill's API in this process with the runner's settings
    (no notebook save after every cell, no progress bar, immediate kernel shutdown, IPC kernels). ``cli+render``
    minus this is the gain of the **papermill settings** (including papermill's own start-up per report).
``ours xN``
    The runner with one job per core: ``ours x1`` minus this is the gain of **parallelism**.

Every contender runs the runs in the runner's order (:func:`pmokit.runner.stages`: the status deck after the
runs it reads) into its own folder laid out as the runner lays it out, so the status deck reads the same
inputs (that round's runs of the same contender) whichever contender runs it. Rounds are interleaved (each
round runs every contender, in an order rotated from round to round) and each figure is given as
min / median / max over the rounds, so a busy moment of a shared machine does not favour one contender.

Also: per-report overhead of our runner (time beyond kernel start-up and the notebook's own cell work) and the
size of each HTML report. Results: bench/results/runner.json and a printed table.

Run with `make bench` (``--rounds N``, default 3; not part of the tests: wall-clock figures are noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import nbformat

from pmokit import runner

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def ordered(specs: list[runner.RunSpec]) -> list[runner.RunSpec]:
    """The runs in the runner's order: a run that reads others (the status deck) after them."""
    return [spec for stage in runner.stages(specs) for spec in stage]


def _papermill_cli(spec: runner.RunSpec, folder: Path) -> Path:
    """Run one notebook with the papermill CLI, as an analyst would script it; return the executed notebook."""
    folder.mkdir(parents=True, exist_ok=True)
    values = spec.params.model_dump(mode="json")
    values.update(output_dir=str(folder), interactive=False)
    params_file = folder / "params.yaml"
    params_file.write_text(json.dumps(values))  # JSON is YAML
    executed = folder / "report.ipynb"
    args = [str(BIN / "papermill"), str(runner.notebook_path(spec.workbook)), str(executed), "-k", "python3"]
    args += ["--cwd", str(ROOT / "notebooks"), "--no-progress-bar", "-f", str(params_file)]
    subprocess.run(args, check=True, capture_output=True)
    return executed


def naive_batch(specs: list[runner.RunSpec], out: Path) -> float:
    """papermill CLI then nbconvert CLI per report, one after another."""
    t0 = time.perf_counter()
    for spec in ordered(specs):
        executed = _papermill_cli(spec, out / spec.workbook / spec.name)
        nbconvert = [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)]
        subprocess.run(nbconvert, check=True, capture_output=True)
    return time.perf_counter() - t0


def cli_render_batch(specs: list[runner.RunSpec], out: Path) -> float:
    """papermill CLI per report, the page rendered in this process (the runner's renderer)."""
    from pmokit.render import render_html

    t0 = time.perf_counter()
    for spec in ordered(specs):
        executed = _papermill_cli(spec, out / spec.workbook / spec.name)
        page = render_html(executed, {"title": spec.params.title})
        (executed.parent / "report.html").write_text(page, encoding="utf-8")
    return time.perf_counter() - t0


def ours_batch(specs: list[runner.RunSpec], out: Path, jobs: int) -> float:
    """pmokit's runner with ``jobs`` reports at once."""
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
    for spec in ordered(specs):
        t0 = time.perf_counter()
        result = runner.execute(spec, out, timeout=900)
        total = time.perf_counter() - t0
        found[spec.label] = round(total - kernel_s - cell_seconds(result.folder / "report.ipynb"), 3)
    return found


def spread(values: list[float]) -> dict[str, float]:
    """min / median / max, rounded to 0.01 s."""
    return {"min": round(min(values), 2), "median": round(statistics.median(values), 2), "max": round(max(values), 2)}


def rounds(specs: list[runner.RunSpec], work: Path, jobs: int, count: int) -> dict[str, list[float]]:
    """Interleaved rounds of the four contenders; seconds per contender, one value per round."""
    contenders: dict[str, Callable[[Path], float]] = {
        "naive": lambda out: naive_batch(specs, out),
        "cli+render": lambda out: cli_render_batch(specs, out),
        "ours x1": lambda out: ours_batch(specs, out, 1),
        f"ours x{jobs}": lambda out: ours_batch(specs, out, jobs),
    }
    names = list(contenders)
    found: dict[str, list[float]] = {name: [] for name in names}
    for r in range(count):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            out = work / f"round{r}" / name.replace(" ", "").replace("+", "_")
            found[name].append(contenders[name](out))
            print(f"round {r + 1}/{count}: {name} {found[name][-1]:.1f} s", file=sys.stderr, flush=True)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    args = parser.parse_args(argv)
    specs = runner.validate_all(runner.find_params_files([]))
    jobs = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="pmokit-bench-"))
    try:
        naive_batch(specs[:1], work / "warm")  # warm the disk cache and byte-code for every contender
        times = rounds(specs, work, jobs, args.rounds)
        kernel_s = kernel_start_seconds()
        over = overheads(specs, work / "alone", kernel_s)
        parallel = work / "round0" / f"oursx{jobs}"
        sizes = {s.label: (parallel / s.workbook / s.name / "report.html").stat().st_size for s in specs}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    median = {name: statistics.median(values) for name, values in times.items()}
    naive, ours = median["naive"], median[f"ours x{jobs}"]
    result = {
        "reports": len(specs),
        "cores": jobs,
        "rounds": args.rounds,
        "seconds": {name: spread(values) for name, values in times.items()},
        "ratio": round(ours / naive, 3),
        "gain_s": {
            "in-process rendering": round(naive - median["cli+render"], 2),
            "papermill settings": round(median["cli+render"] - median["ours x1"], 2),
            "parallelism": round(median["ours x1"] - ours, 2),
        },
        "kernel_start_s": round(kernel_s, 3),
        "overhead_s": over,
        "overhead_median_s": round(statistics.median(over.values()), 3),
        "html_bytes": sizes,
    }
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "runner.json").write_text(json.dumps(result, indent=2))
    print(f"{len(specs)} reports on {jobs} cores, {args.rounds} interleaved rounds (min / median / max, seconds):")
    for name, values in result["seconds"].items():
        print(f"  {name:<12} {values['min']:7.1f} {values['median']:7.1f} {values['max']:7.1f}")
    print(f"ratio (medians) ours x{jobs} / naive: {result['ratio']:.2f}")
    print("gain split (medians): " + ", ".join(f"{k} {v:.1f} s" for k, v in result["gain_s"].items()))
    print(f"kernel start {kernel_s:.2f} s; per-report overhead (median) {result['overhead_median_s']:.2f} s")
    for label in over:
        print(f"  {label:<40} overhead {over[label]:6.2f} s   html {sizes[label] / 1024:8.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
