"""The ``pmokit`` command: ``run``, ``params``, ``check``, ``publish``.

Exit codes: 0 every run succeeded; 1 some run failed (the others completed), or ``--pdf`` could not
print a PDF (e.g. no Chromium: one note says what to install); 2 some params file or
input was invalid (every problem is listed and the valid runs still run) or the output folder cannot
be written; 128 + N stopped by signal N (130 Ctrl-C, 143 SIGTERM), kernels killed and nothing left
half-written.
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
ERROR_WIDTH = 100  # characters of an error shown in the summary table; a longer one follows in full


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

    publish = sub.add_parser("publish", help="write the status mail (.eml) and Teams card; --send delivers them")
    publish.add_argument("folders", nargs="+", metavar="RUN_FOLDER", help="the status deck's run folder, and others")
    publish.add_argument("--to", metavar="MAIL_YAML", help="audiences, relay and webhook (docs/mail.example.yaml)")
    how = publish.add_mutually_exclusive_group()
    how.add_argument("--send", action="store_true", help="deliver the mail over SMTP and post the card")
    how.add_argument("--dry-run", action="store_true", help="print who would get what; send nothing")
    publish.add_argument(
        "--reel", action="store_true", help="also make status_reel.mp4 (45-90 s, 720p) and its captions"
    )
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
    if args.command == "publish":
        from pmokit.publish.send import cmd_publish  # imported on use: `pmokit run` needs none of it

        return cmd_publish(args)
    return cmd_run(args)


def _validate(targets, params) -> runner.Validation:
    """Every params file validated; a bad ``-p`` (it applies to every run) invalidates the whole batch."""
    try:
        overrides = runner.parse_overrides(params)
    except runner.ParamsError as exc:
        return runner.Validation(invalid=[runner.InvalidRun("-p", "-p", exc.problems)])
    return runner.validate_batch(targets, overrides)


def cmd_check(targets, params) -> int:
    validation = _validate(targets, params)
    if validation.invalid:
        _print_problems(validation.problems)
    for spec in validation.specs:
        n = sum(len(v) for v in spec.params.input_fields().values())
        print(f"ok  {spec.label}  ({n} input file(s))")
        # Warnings do not stop a run (exit stays 0): e.g. status names no parameter or word explains.
        for warning in getattr(spec.params, "check_warnings", lambda: [])():
            print(f"warning  {spec.label}: {warning}", file=sys.stderr)
    return EXIT_INVALID if validation.invalid else EXIT_OK


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
    """Validate every params file, run the valid ones, print the summary; exit 2 if any was invalid."""
    validation = _validate(args.targets, args.param)
    if validation.invalid:
        skipped = f"{len(validation.invalid)} not run, the other runs go on" if validation.specs else "nothing was run"
        _print_problems(validation.problems, skipped)
    if not validation.specs:
        return EXIT_INVALID
    out = Path(args.out).resolve()  # before any run: nothing may change what a relative path means
    bar = None
    if not args.quiet:
        bar = tqdm(total=len(validation.specs), desc="reports", unit="run", file=sys.stderr, dynamic_ncols=True)

    def on_done(result: runner.RunResult) -> None:
        if bar is not None:
            bar.set_postfix_str(f"{result.spec.label} {result.status}")
            bar.update(1)

    try:
        results = runner.run_batch(
            validation.specs,
            out,
            jobs=args.jobs,
            timeout=args.timeout,
            pdf=args.pdf,
            on_done=on_done,
            notebooks_dir=Path(args.notebooks) if args.notebooks else None,
        )
    except (runner.OutputFolderError, runner.Interrupted) as exc:
        if bar is not None:
            bar.close()
        return _batch_not_completed(exc, out, validation)
    if bar is not None:
        bar.close()
    print(summary_table(results, out, validation.invalid))
    no_pdf = _print_pdf_note(results)
    if results.index_error:
        print(f"note: {results.index_error}", file=sys.stderr)
    else:
        print(f"\nIndex: {out / 'index.html'}")
    if validation.invalid:
        return EXIT_INVALID
    return EXIT_FAILED if no_pdf or any(r.status != "succeeded" for r in results) else EXIT_OK


def _print_pdf_note(results: list[runner.RunResult]) -> bool:
    """One note for every ``report.pdf`` asked for and not written; True when there was one.

    A requested artefact that was not produced fails the command (exit 1), the HTML reports stand.
    """
    missing = [r for r in results if r.pdf_error]
    if not missing:
        return False
    ok = sum(r.status == "succeeded" for r in results)
    which = "any run" if len(missing) == ok else ", ".join(r.spec.label for r in missing)
    print(f"note: report.pdf not written for {which}: {missing[0].pdf_error}", file=sys.stderr)
    return True


def _batch_not_completed(exc: BaseException, out: Path, validation: runner.Validation) -> int:
    """An output folder that cannot be written (nothing ran), or a batch stopped by a signal."""
    if isinstance(exc, runner.OutputFolderError):
        print(f"pmokit run: {exc} (nothing was run)", file=sys.stderr)
        return EXIT_INVALID
    try:
        print(summary_table(exc.results, out, validation.invalid))
        print(
            f"\n{exc}: its kernels were killed; the runs cut short were discarded and their previous "
            f"reports left as they were. Index: {out / 'index.html'}",
            file=sys.stderr,
        )
    except OSError:
        pass  # SIGHUP: the terminal has gone, nobody is reading; the clean-up is done
    return 128 + exc.signum


def summary_table(results: list[runner.RunResult], out: Path, invalid: list[runner.InvalidRun] = ()) -> str:
    """The final table: run, status, duration, headline metric, path (of a file that exists)."""
    rows = [("run", "status", "duration", "headline", "path")]
    for r in results:
        names = workbooks.headline(r.spec.workbook)
        head = next(((n, r.metrics[n]) for n in names if n in r.metrics), None)
        headline = f"{head[0]}={format_value(head[1])}" if head else ""
        rows.append((r.spec.label, _status_text(r), f"{r.duration_s:.1f}s", headline, _shown(_result_file(r))))
    for item in invalid:
        rows.append((item.label, "NOT RUN: invalid parameters or inputs (listed above)", "", "", _shown(item.where)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(f"{cell:<{widths[i]}}" if i < 4 else cell for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 4)
    long_errors = [(r.spec.label, _error_text(r)) for r in results if len(_error_text(r)) > ERROR_WIDTH]
    if long_errors:  # in full below the table: a cut path or message is no diagnosis
        lines.append("")
        lines.extend(f"{label}: {text}" for label, text in long_errors)
    ok = sum(r.status == "succeeded" for r in results)
    lines.append(f"\n{ok} of {len(results)} run(s) succeeded.")
    if invalid:
        lines[-1] += f" {len(invalid)} not run: invalid parameters or inputs."
    return "\n".join(lines)


def _status_text(result: runner.RunResult) -> str:
    """``ok``, ``stopped ...`` or ``FAILED cell 4 (first line of its code): Error: message``."""
    if result.status == "succeeded":
        return "ok"
    if result.status == runner.STOPPED:
        return "stopped: the batch was stopped before this run finished"
    text = _error_text(result)
    return "FAILED " + (text if len(text) <= ERROR_WIDTH else text[: ERROR_WIDTH - 1] + "…")


def _error_text(result: runner.RunResult) -> str:
    """``cell 4 (first line of its code): Error: message`` of a failed run, else ``""``."""
    if result.status in ("succeeded", runner.STOPPED):
        return ""
    err = result.error or {}
    cell = ""
    if err.get("cell") is not None:
        cell = f"cell {err['cell']}" + (f" ({err['source']})" if err.get("source") else "") + ": "
    return f"{cell}{err.get('ename', '')}: {err.get('evalue', '')}"


def _result_file(result: runner.RunResult) -> Path | None:
    """The file to open for a run: the report, else the notebook as far as it ran, else run.json."""
    if result.status == "succeeded":
        names = (runfolder.REPORT_HTML,)
    elif result.status == runner.STOPPED:
        names = (runfolder.REPORT_HTML,)  # the previous report, left as it was
    else:
        names = (runfolder.REPORT_IPYNB, runfolder.RUN_FILE)
    return next((result.folder / n for n in names if (result.folder / n).exists()), None)


def _shown(path: Path | str | None) -> str:
    if path is None:
        return "-"
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _print_problems(problems: list[str], consequence: str = "") -> None:
    print(f"Invalid parameters or inputs{f' ({consequence})' if consequence else ''}:", file=sys.stderr)
    for line in problems:
        print(f"  {line}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
