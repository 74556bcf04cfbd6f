"""Benchmark: delivery_kpis on 100,000 Jira issues (CSV with repeated columns) and 10,000 trials.

Target (issue 6): the whole notebook under 30 s on 2 cores. Run from the project root:
``.venv/bin/python bench/delivery_kpis_bench.py [--issues 100000]``.

The big file is the bundled sample's rows repeated with new issue keys and shifted dates, so it keeps
the real layout (BOM, Sprint x3, Labels x3, Jira dates, multi-line cells).
"""

from __future__ import annotations

import argparse
import codecs
import csv
import datetime as dt
import io
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data/sample/delivery/jira_cloud.csv"
JIRA = "%d/%b/%y %I:%M %p"


def make_big_csv(path: Path, issues: int) -> None:
    """Repeat the sample's rows, shifting each copy's dates back 7 days per copy and renaming the keys."""
    rows = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    key, date_cols = (
        header.index("Issue key"),
        [
            i
            for i, h in enumerate(header)
            if h in ("Created", "Resolved", "Due date", "Status Category Changed", "Updated")
        ],
    )
    out = []
    copy = 0
    while len(out) < issues:
        for row in body:
            new = list(row)
            new[key] = f"{row[key]}x{copy}"
            for i in date_cols:
                if new[i]:
                    shifted = dt.datetime.strptime(new[i], JIRA) - dt.timedelta(days=copy % 3)
                    new[i] = shifted.strftime(JIRA)
            out.append(new)
            if len(out) >= issues:
                break
        copy += 1
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(codecs.BOM_UTF8.decode())
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=100_000)
    args = parser.parse_args()
    import papermill

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "jira_big.csv"
        t0 = time.perf_counter()
        make_big_csv(big, args.issues)
        print(f"wrote {args.issues:,} issues ({big.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")

        from pmokit.sources.work_items import read_work_items

        t0 = time.perf_counter()
        items, _ = read_work_items(big)
        print(f"reader alone: {len(items):,} rows in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        papermill.execute_notebook(
            str(ROOT / "notebooks/delivery_kpis.ipynb"),
            str(Path(tmp) / "out.ipynb"),
            parameters={
                "items_path": str(big),
                "output_dir": str(Path(tmp) / "run"),
                "interactive": False,
                "monte_carlo_trials": 10_000,
            },
            kernel_name="python3",
            cwd=str(ROOT / "notebooks"),
            progress_bar=False,
        )
        seconds = time.perf_counter() - t0
        print(f"whole notebook: {seconds:.1f} s (target < 30 s) -> {'OK' if seconds < 30 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
