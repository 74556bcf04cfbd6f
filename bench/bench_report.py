"""Report benchmark: kernel start + import cell per notebook, and the weight of the reports a batch wrote.

Two measurements, both printed as tables (Markdown, ready for ``bench/results/report_weight.md``):

``imports``
    For each notebook, start a kernel as the runner does (IPC transport, cwd ``notebooks/``) and run the
    notebook's import cell: its ``import``/``from`` lines (up to the first ``p = registry.load``), then the
    chart theme (``pmokit.charts.set_theme``, which ``report.start`` applies). Times kernel start (launch to
    first reply) and the import cell separately. Several *contenders* can be compared, each a folder put on
    the kernel's ``PYTHONPATH`` (for example a copy of ``lib/`` taken before a change) and a notebooks folder
    to read the import cells from. Rounds are interleaved (round r runs every notebook for every contender,
    the contender order alternating) and each figure is reported as min / median / max over the rounds, so a
    busy moment of a shared machine hurts both contenders alike.

``figures``
    Time to turn a figure into what the report shows, the old way (``savefig`` of the PNG at 110 dpi, then
    ``display(fig)``, which the kernel's inline backend draws again) against :func:`pmokit.charts.render_chart`
    (one draw at 220 dpi, palette PNG and WebP), on three charts shaped like the reports': a weekly line and
    bar chart, a horizontal bar chart of 30 names, and the survey's 61 x 40 heat map. Interleaved rounds.

``weight``
    For each ``report.html`` under the given run folders: size, the share of inline CSS, the share of
    embedded images, the image count and how many are palette (``P``) or RGBA PNGs.

Examples
--------
::

    .venv/bin/python bench/bench_report.py imports --rounds 5
    .venv/bin/python bench/bench_report.py imports --contender before=/tmp/base/pmokit:/tmp/base/notebooks \\
        --contender after=lib:notebooks
    .venv/bin/python bench/bench_report.py weight /tmp/outI /tmp/outI_base

Not part of the tests: wall-clock figures on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
_DATA_URI = re.compile(r"data:image/(png|webp|jpeg|svg\+xml);base64,([A-Za-z0-9+/=]+)")


# ----------------------------------------------------------------------------- imports
@dataclass(frozen=True)
class Contender:
    """One version of pmokit to time: ``lib`` goes on the kernel's PYTHONPATH, import cells come from ``notebooks``."""

    label: str
    lib: Path
    notebooks: Path


def parse_contender(text: str) -> Contender:
    """``label=LIB:NOTEBOOKS`` (paths relative to the project root allowed)."""
    label, _, paths = text.partition("=")
    lib, _, notebooks = paths.partition(":")
    if not (label and lib and notebooks):
        raise argparse.ArgumentTypeError(f"expected label=LIB:NOTEBOOKS, found {text!r}")
    return Contender(label, (ROOT / lib).resolve(), (ROOT / notebooks).resolve())


def import_cell(notebook: Path) -> str:
    """The import part of a notebook's first code cell after the parameters, plus the chart theme."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] != "code" or "parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        source = "".join(cell["source"])
        lines = []
        for line in source.splitlines():
            if line.startswith("p = "):
                break
            lines.append(line)
        return "\n".join(lines) + "\nfrom pmokit.charts import set_theme\nset_theme()\n"
    raise ValueError(f"{notebook}: no code cell after the parameters")


def time_kernel(contender: Contender, code: str) -> tuple[float, float]:
    """Start a kernel for ``contender``, run ``code``; return (start seconds, code seconds)."""
    from jupyter_client import KernelManager

    env = {**os.environ, "PYTHONPATH": str(contender.lib)}
    km = KernelManager(kernel_name="python3", transport="ipc")
    km.ip = tempfile.mktemp(prefix="pmokit-bench-")
    t0 = time.perf_counter()
    km.start_kernel(env=env, cwd=str(contender.notebooks))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        started = time.perf_counter() - t0
        t1 = time.perf_counter()
        reply = kc.execute_interactive(code, timeout=120, output_hook=lambda msg: None)
        ran = time.perf_counter() - t1
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{contender.label}: import cell failed: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return started, ran


def spread(values: list[float]) -> str:
    """``min / median / max`` in seconds."""
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def bench_imports(contenders: list[Contender], rounds: int, only: list[str]) -> str:
    """Interleaved rounds of kernel start + import cell; a Markdown table."""
    names = sorted(p.stem for p in contenders[0].notebooks.glob("*.ipynb"))
    names = [n for n in names if not only or n in only]
    found: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for r in range(rounds):
        order = contenders if r % 2 == 0 else contenders[::-1]
        for name in names[r % len(names) :] + names[: r % len(names)]:
            for contender in order:
                code = import_cell(contender.notebooks / f"{name}.ipynb")
                found.setdefault((contender.label, name), []).append(time_kernel(contender, code))
        print(f"round {r + 1}/{rounds} done", file=sys.stderr)
    rows = [
        f"Kernel start + import cell, seconds, min / median / max over {rounds} interleaved rounds",
        "",
        "| notebook | contender | kernel start | import cell | total |",
        "|---|---|---|---|---|",
    ]
    for name in names:
        for contender in contenders:
            runs = found[(contender.label, name)]
            rows.append(
                f"| {name} | {contender.label} | {spread([s for s, _ in runs])} | {spread([i for _, i in runs])} "
                f"| {spread([s + i for s, i in runs])} |"
            )
    return "\n".join(rows)


# ----------------------------------------------------------------------------- figures
def sample_figures() -> dict[str, object]:
    """Three charts shaped like the reports' (drawn with the report theme)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from pmokit import charts
    from pmokit.survey import figures

    charts.set_theme()
    rng = np.random.default_rng(7)
    weeks = pd.date_range("2026-01-05", periods=26, freq="7D")
    line, ax = plt.subplots()
    ax.bar(weeks, rng.integers(0, 20, 26), width=5, label="done")
    ax.plot(weeks, rng.integers(0, 20, 26).cumsum(), label="created")
    ax.set_title("Throughput per week")
    ax.legend()
    bars, ax = plt.subplots(figsize=(9, 6))
    ax.barh([f"Business unit {i}" for i in range(30)], rng.uniform(50, 100, 30))
    ax.set_title("Compliance by business unit (%)")
    pct = pd.DataFrame(
        rng.uniform(20, 95, (61, 40)).round(0),
        index=[f"Department {i}" for i in range(61)],
        columns=[f"Item {j}" for j in range(40)],
    )
    heat = figures.group_heatmap(pct, "Favourable % by department")
    return {"line + bars": line, "30 bars": bars, "61 x 40 heat map": heat}


def old_way(fig) -> None:
    """What report.save_figure did: savefig of the PNG, then the inline backend's own PNG of display(fig)."""
    from IPython.core.pylabtools import print_figure

    fig.savefig(io.BytesIO(), format="png", dpi=110, bbox_inches="tight")
    print_figure(fig, "png", bbox_inches="tight")


def bench_figures(rounds: int) -> str:
    """Interleaved rounds of the old and the new way on each sample figure; a Markdown table."""
    from pmokit.charts import render_chart

    ways = {"savefig + display (before)": old_way, "render_chart (after)": render_chart}
    found: dict[tuple[str, str], list[float]] = {}
    for r in range(rounds):
        for name, fig in sample_figures().items():
            for label, way in list(ways.items())[:: 1 if r % 2 == 0 else -1]:
                t0 = time.perf_counter()
                way(fig)
                found.setdefault((name, label), []).append(time.perf_counter() - t0)
    rows = [
        f"Seconds per figure, min / median / max over {rounds} interleaved rounds",
        "",
        "| figure | way | seconds |",
        "|---|---|---|",
    ]
    rows += [f"| {name} | {label} | {spread(times)} |" for (name, label), times in found.items()]
    return "\n".join(rows)


# ----------------------------------------------------------------------------- weight
def page_weight(path: Path) -> dict[str, object]:
    """Size of one report and what it is made of."""
    from PIL import Image

    text = path.read_text(encoding="utf-8")
    css = sum(len(m.encode()) for m in _STYLE.findall(text))
    images = _DATA_URI.findall(_STYLE.sub("", text))  # the lab CSS embeds icons as data URIs: counted as CSS
    modes: dict[str, int] = {}
    for kind, data in images:
        if kind == "png":
            mode = Image.open(io.BytesIO(base64.b64decode(data))).mode
            modes[mode] = modes.get(mode, 0) + 1
        else:
            modes[kind] = modes.get(kind, 0) + 1
    return {
        "bytes": len(text.encode()),
        "css": css,
        "images": sum(len(data) for _, data in images),
        "count": len(images),
        "modes": modes,
    }


def bench_weight(folders: list[Path]) -> str:
    """A Markdown table of every report.html under each folder."""
    rows = [
        "| batch | report | KiB | CSS KiB (share) | images KiB (share) | images | PNG modes |",
        "|---|---|---|---|---|---|---|",
    ]
    for folder in folders:
        sizes = []
        for path in sorted(folder.glob("*/*/report.html")):
            w = page_weight(path)
            sizes.append(w["bytes"])
            total = w["bytes"]
            rows.append(
                f"| {folder.name} | {path.parent.parent.name}/{path.parent.name} | {total / 1024:.0f} "
                f"| {w['css'] / 1024:.0f} ({w['css'] / total:.0%}) | {w['images'] / 1024:.0f} "
                f"({w['images'] / total:.0%}) | {w['count']} | {', '.join(f'{k} {v}' for k, v in w['modes'].items())} |"
            )
        if sizes:
            rows.append(
                f"| {folder.name} | **median / max** | {statistics.median(sizes) / 1024:.0f} / {max(sizes) / 1024:.0f}"
                " | | | | |"
            )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    imports = sub.add_parser("imports", help="kernel start + import cell per notebook")
    imports.add_argument("--contender", action="append", type=parse_contender, default=[])
    imports.add_argument("--rounds", type=int, default=5)
    imports.add_argument("--only", nargs="*", default=[], help="notebook names (default: all)")
    figures = sub.add_parser("figures", help="time to draw a figure for the report, before and after")
    figures.add_argument("--rounds", type=int, default=3)
    weight = sub.add_parser("weight", help="size of the reports under run folders")
    weight.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.what == "imports":
        contenders = args.contender or [Contender("current", ROOT / "lib", ROOT / "notebooks")]
        print(bench_imports(contenders, args.rounds, args.only))
    elif args.what == "figures":
        print(bench_figures(args.rounds))
    else:
        print(bench_weight(args.folders))
    return 0


if __name__ == "__main__":
    sys.exit(main())
