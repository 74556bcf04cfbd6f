"""The ``pmokit`` command: ``run``, ``params``, ``check``.

Exit codes: 0 every run succeeded; 1 some run failed (the others completed); 2 invalid parameters or
inputs (nothing was run).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tqdm import tqdm

from pmokit import runfolder, runner, workbooks
from pmokit.index import format_value
from pmokit.notebooks import write_parameters_cell
from pmokit.params import default_literal, is_input_field, literal, parameters_cell, type_text

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pmokit", description="Run PMO workbooks into offline reports.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run params files through their notebooks into reports")
    run.add_argument(
        "targets", nargs="*", help="params files, workbook names or folders (default: everything under params/)"
    )
    run.add_argument("--out", default=str(runner.ROOT / "outputs"), help="output folder (default: outputs/)")
    run.add_argument(
        "--jobs", "-j", type=int, default=os.cpu_count() or 1, help="parallel runs (default: number of cores)"
    )
    run.add_argument("--pdf", action="store_true", help="also print report.pdf with headless Chromium")
    run.add_argument(
        "--timeout", type=float, default=600.0, help="seconds a run may take before it is stopped (default 600)"
    )
    run.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter of every selected run",
    )
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    run.add_argument("--notebooks", default=None, help="folder of the workbook notebooks (default: notebooks/)")

    show = sub.add_parser("params", help="list a workbook's parameters with types, defaults and help")
    show.add_argument("workbook", nargs="?", help="a workbook id (omit with --write-cells)")
    show.add_argument(
        "--cell", action="store_true", help="print the notebook's parameters cell generated from the model"
    )
    show.add_argument(
        "--write-cells", action="store_true", help="rewrite every notebook's parameters cell from its model"
    )

    check = sub.add_parser("check", help="validate params files and inputs without running")
    check.add_argument("targets", nargs="*", help="params files, workbook names or folders (default: everything)")
    check.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "params":
        if args.write_cells:
            return cmd_write_cells()
        if not args.workbook:
            print(
                "pmokit params: give a workbook id (known: " + ", ".join(workbooks.registry.ids()) + ")",
                file=sys.stderr,
            )
            return EXIT_INVALID
        return cmd_params(args.workbook, cell=args.cell)
    if args.command == "check":
        return cmd_check(args.targets, args.param)
    return cmd_run(args)


def _specs(targets, params) -> list[runner.RunSpec]:
    overrides = runner.parse_overrides(params)
    files = runner.find_params_files(targets)
    if not files:
        raise runner.ParamsError([f"no params files found for {' '.join(targets) or 'params/'}"])
    specs = runner.validate_all(files, overrides)
    runner.check_deck_choices(specs)
    return specs


def cmd_check(targets, params) -> int:
    try:
        specs = _specs(targets, params)
    except runner.ParamsError as exc:
        _print_problems(exc)
        return EXIT_INVALID
    for spec in specs:
        n = sum(len(v) for v in spec.params.input_fields().values())
        print(f"ok  {spec.label}  ({n} input file(s))")
    return EXIT_OK


def cmd_write_cells() -> int:
    """Regenerate the ``parameters`` cell of every registered workbook's notebook from its model."""
    for wb in workbooks.registry:
        path = wb.notebook_path()
        if path.exists():
            changed = write_parameters_cell(path, wb.params)
            print(f"{'updated' if changed else 'unchanged'}  {path}")
    return EXIT_OK


def cmd_params(workbook: str, cell: bool = False) -> int:
    try:
        model = workbooks.get(workbook).params
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return EXIT_INVALID
    if cell:
        print(parameters_cell(model))
        return EXIT_OK
    print(f"Parameters of {workbook} (notebooks/{workbook}.ipynb); paths are relative to the params file:\n")
    rows = []
    for name, info in model.model_fields.items():
        if name in ("output_dir", "interactive"):
            continue  # set by the runner, never written in a params file
        kind = {"file": " (input file)", "dir": " (input folder)", "state": " (folder kept between runs)"}.get(
            is_input_field(info) or "", ""
        )
        default = "required" if info.is_required() else literal(default_literal(info))
        rows.append((name, type_text(info.annotation) + kind, default, info.description or ""))
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    for name, typ, default, help_ in rows:
        print(f"  {name:<{width[0]}}  {typ:<{width[1]}}  {default:<{width[2]}}  {help_}")
    return EXIT_OK


def cmd_run(args) -> int:
    try:
        specs = _specs(args.targets, args.param)
    except runner.ParamsError as exc:
        _print_problems(exc)
        return EXIT_INVALID
    out = Path(args.out).resolve()  # before any run: nothing may change what a relative path means
    bar = None
    if not args.quiet:
        bar = tqdm(total=len(specs), desc="reports", unit="run", file=sys.stderr, dynamic_ncols=True)

    def on_done(result: runner.RunResult) -> None:
        if bar is not None:
            bar.set_postfix_str(f"{result.spec.label} {result.status}")
            bar.update(1)

    results = runner.run_batch(
        specs,
        out,
        jobs=args.jobs,
        timeout=args.timeout,
        pdf=args.pdf,
        on_done=on_done,
        notebooks_dir=Path(args.notebooks) if args.notebooks else None,
    )
    if bar is not None:
        bar.close()
    print(summary_table(results, out))
    for r in results:
        if r.pdf_error:
            print(f"note: {r.spec.label}: {r.pdf_error}", file=sys.stderr)
            break
    print(f"\nIndex: {out.resolve() / 'index.html'}")
    return EXIT_FAILED if any(r.status != "succeeded" for r in results) else EXIT_OK


def summary_table(results: list[runner.RunResult], out: Path) -> str:
    """The final table: run, status, duration, headline metric, path."""
    rows = [("run", "status", "duration", "headline", "path")]
    for r in results:
        if r.status == "succeeded":
            status = "ok"
        else:
            err = r.error or {}
            cell = f"cell {err.get('cell')}: " if err.get("cell") is not None else ""
            status = f"FAILED {cell}{err.get('ename', '')}: {str(err.get('evalue', ''))[:70]}"
        names = workbooks.headline(r.spec.workbook)
        head = next(((n, r.metrics[n]) for n in names if n in r.metrics), None)
        headline = f"{head[0]}={format_value(head[1])}" if head else ""
        target = r.folder / (runfolder.REPORT_HTML if r.status == "succeeded" else runfolder.REPORT_IPYNB)
        try:
            shown = str(target.relative_to(Path.cwd()))
        except ValueError:
            shown = str(target)
        rows.append((r.spec.label, status, f"{r.duration_s:.1f}s", headline, shown))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(f"{cell:<{widths[i]}}" if i < 4 else cell for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 4)
    ok = sum(r.status == "succeeded" for r in results)
    lines.append(f"\n{ok} of {len(results)} run(s) succeeded.")
    return "\n".join(lines)


def _print_problems(exc: runner.ParamsError) -> None:
    print("Invalid parameters or inputs (nothing was run):", file=sys.stderr)
    for line in exc.problems:
        print(f"  {line}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
