"""Benchmark (issue 16): the delivery reader against its parsing floor, and the whole delivery_kpis notebook.

Measured interleaved over rounds (one of each per round, so load from other processes on the shared
machine falls on all of them alike), reported as min / median / max seconds:

- ``pyarrow``: ``pyarrow.csv.read_csv`` of the file, every column as a string (the floor);
- ``pandas C``: ``pandas.read_csv`` with the C parser, every column as a string, round-tripped to Arrow
  strings (what a careful hand-written reader would do);
- ``reader``: :func:`pmokit.sources.work_items.read_work_items` (what the notebook calls);
- ``assess``: :func:`pmokit.delivery.assess.assess` on the read items;
- ``notebook`` (``--notebook``): ``pmokit run`` of a params file pointing at the file (kernel start-up
  and report writing included).

The file is the bundled Jira Cloud sample (57 columns: Sprint x3, Labels x3, two columns sharing
``Custom field (Vulnerability)``, BOM, multi-line comments, Jira dates) repeated with new issue keys and
dates shifted by 0-2 days per copy. Generated files are cached in the temp directory.

Run from the project root::

    .venv/bin/python bench/bench_delivery.py --issues 100000 400000 --rounds 5 [--notebook] [--write]

``--write`` writes the markdown table to ``bench/results/delivery.md``.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import datetime as dt
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data/sample/delivery/jira_cloud.csv"
RESULTS = ROOT / "bench/results/delivery.md"
JIRA = "%d/%b/%y %I:%M %p"
DATE_HEADERS = ("Created", "Updated", "Resolved", "Due date", "Status Category Changed")
CACHE = Path(tempfile.gettempdir()) / "pmokit_bench_delivery"


def make_big_csv(path: Path, issues: int) -> None:
    """Write ``issues`` rows: the sample's rows repeated, keys renamed, dates moved back ``copy % 3`` days."""
    rows = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    key = header.index("Issue key")
    date_cols = [i for i, h in enumerate(header) if h in DATE_HEADERS]
    # three variants of the body (0, 1, 2 days earlier), shifted once each instead of once per row
    variants = [[_shift(row, date_cols, days) for row in body] for days in range(3)]
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(codecs.BOM_UTF8.decode())
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        written, copy = 0, 0
        while written < issues:
            chunk = variants[copy % 3][: issues - written]
            for row in chunk:
                row = list(row)
                row[key] = f"{row[key]}x{copy}"
                writer.writerow(row)
            written += len(chunk)
            copy += 1
    tmp.replace(path)


def _shift(row: list[str], date_cols: list[int], days: int) -> list[str]:
    new = list(row)
    for i in date_cols:
        if new[i]:
            new[i] = (dt.datetime.strptime(new[i], JIRA) - dt.timedelta(days=days)).strftime(JIRA)
    return new


def big_csv(issues: int) -> Path:
    """The cached generated file for ``issues`` rows (written on first use)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"jira_{issues}.csv"
    if not path.exists() or path.stat().st_mtime < SAMPLE.stat().st_mtime:
        t0 = time.perf_counter()
        make_big_csv(path, issues)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s", flush=True)
    return path


# ------------------------------------------------------------------------------------------- timed steps
def read_pyarrow(path: Path) -> int:
    """The floor: pyarrow's multi-threaded CSV reader, every column a string."""
    import pyarrow.csv as pv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        width = len(next(csv.reader(handle)))
    names = [f"c{i}" for i in range(width)]
    table = pv.read_csv(
        path,
        read_options=pv.ReadOptions(column_names=names, skip_rows=1),
        parse_options=pv.ParseOptions(newlines_in_values=True),
        convert_options=pv.ConvertOptions(column_types=dict.fromkeys(names, "string")),
    )
    return table.num_rows


def read_pandas_c(path: Path) -> int:
    """pandas' C parser, every column a string, then Arrow-backed strings."""
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", engine="c")
    frame = frame.astype("string[pyarrow]")
    return len(frame)


def read_pmokit(path: Path):
    from pmokit.quality import DataQuality
    from pmokit.sources.work_items import read_work_items

    return read_work_items(path, dq=DataQuality())


def run_assess(items, transitions, path: Path) -> None:
    from pmokit.delivery import assess
    from pmokit.delivery.params import DeliveryKpisParams
    from pmokit.quality import DataQuality

    params = DeliveryKpisParams(items_path=str(path), interactive=False)
    assess.assess(items, transitions, params, dq=DataQuality())


def run_notebook(path: Path, out: Path) -> None:
    """``pmokit run`` on a params file that points at ``path`` (one job, no PDF)."""
    params = out / "delivery_kpis" / "bench.yaml"
    params.parent.mkdir(parents=True, exist_ok=True)
    params.write_text(json.dumps({"title": "Delivery bench", "items_path": str(path)}))  # JSON is YAML
    cmd = [str(Path(sys.executable).parent / "pmokit"), "run", str(params), "--out", str(out / "runs"), "-j", "1", "-q"]
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)


# ------------------------------------------------------------------------------------------------- main
def timed(fn: Callable, *args):
    """Wall seconds, CPU seconds (this process and its finished children: the notebook's kernel) and the value."""
    t0, c0 = time.perf_counter(), _cpu()
    value = fn(*args)
    return time.perf_counter() - t0, _cpu() - c0, value


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench(
    issues: int, rounds: int, notebook: bool
) -> tuple[dict[str, list[float]], dict[str, list[float]], list[float]]:
    """Interleaved rounds of every step on one file size: wall seconds, CPU seconds, load averages."""
    path = big_csv(issues)
    steps = ["pyarrow", "pandas C", "reader", "assess"] + (["notebook"] if notebook else [])
    wall: dict[str, list[float]] = {k: [] for k in steps}
    cpu: dict[str, list[float]] = {k: [] for k in steps}
    loads = []

    def record(step: str, measured: tuple):
        wall[step].append(measured[0])
        cpu[step].append(measured[1])
        return measured[2]

    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            loads.append(os.getloadavg()[0])
            record("pyarrow", timed(read_pyarrow, path))
            record("pandas C", timed(read_pandas_c, path))
            items, transitions = record("reader", timed(read_pmokit, path))
            record("assess", timed(run_assess, items, transitions, path))
            del items, transitions
            if notebook:
                record("notebook", timed(run_notebook, path, Path(tmp) / f"r{r}"))
            shown = ", ".join(f"{k} {wall[k][-1]:.2f} ({cpu[k][-1]:.2f} cpu)" for k in steps)
            print(f"  {issues:,} round {r + 1} (load {loads[-1]:.1f}): {shown}", flush=True)
    return wall, cpu, loads


def markdown(results: dict, rounds: int) -> str:
    lines = [
        "| issues | step | wall min s | wall median s | wall max s | median / pyarrow | CPU median s |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    loads = []
    for issues, (wall, cpu, load) in results.items():
        floor = statistics.median(wall["pyarrow"])
        loads.extend(load)
        for step, values in wall.items():
            med = statistics.median(values)
            lines.append(
                f"| {issues:,} | {step} | {min(values):.2f} | {med:.2f} | {max(values):.2f} | {med / floor:.1f}x "
                f"| {statistics.median(cpu[step]):.2f} |"
            )
    return (
        "\n".join(lines)
        + f"\n\n{rounds} interleaved rounds per size on {os.cpu_count()} CPUs; 1-minute load average at the start of"
        f" each round: {min(loads):.1f} to {max(loads):.1f}. CPU is user + system time of this process and its"
        " finished children (the notebook's kernel); pyarrow reads with several threads, so its CPU exceeds its wall"
        " time on an idle machine.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, nargs="+", default=[100_000, 400_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--notebook", action="store_true", help="also time the whole notebook (pmokit run)")
    parser.add_argument("--write", action="store_true", help=f"write the table to {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args()
    results = {n: bench(n, args.rounds, args.notebook) for n in args.issues}
    table = markdown(results, args.rounds)
    print(table)
    if args.write:
        RESULTS.write_text("# Delivery reader benchmark (issue 16)\n\n" + table)


if __name__ == "__main__":
    main()
