"""Batches: order runs (readers of other runs last), run them in a thread pool, PDFs, the index."""

from __future__ import annotations

import concurrent.futures as futures
import os
from pathlib import Path
from typing import Callable

from pmokit import workbooks
from pmokit.index import write_index
from pmokit.params import ParamsError
from pmokit.render import CHROMIUM_HELP, PdfPrinter, find_chromium
from pmokit.runner.execute import execute
from pmokit.runner.provenance import git_commit
from pmokit.runner.specs import RunResult, RunSpec


def stages(specs: list[RunSpec]) -> list[list[RunSpec]]:
    """Order runs so that a workbook reading others' results (``runs_after``) runs after them."""
    batch = {s.workbook for s in specs}
    first, later = [], []
    for spec in specs:
        after = set(workbooks.get(spec.workbook).runs_after)
        if "*" in after:
            after = batch - {spec.workbook}
        (later if after & batch else first).append(spec)
    return [stage for stage in (first, later) if stage]


def check_deck_choices(specs: list[RunSpec]) -> None:
    """A workbook that reads others' runs (the status deck) must name which run it reads when the
    batch holds several runs of one workbook: two candidates without a choice is an input error, not
    a race decided by whichever run finishes last.

    Raises
    ------
    ParamsError
        One line per reader and ambiguous workbook.
    """
    names: dict[str, list[str]] = {}
    for spec in specs:
        names.setdefault(spec.workbook, []).append(spec.name)
    problems = []
    for spec in specs:
        if not workbooks.get(spec.workbook).runs_after:
            continue
        chosen = getattr(spec.params, "runs", {}) or {}
        shown = getattr(spec.params, "workbooks", None) or workbooks.deck_workbooks(exclude=spec.workbook)
        for workbook in shown:
            candidates = names.get(workbook, [])
            if len(candidates) > 1 and workbook not in chosen:
                where = spec.params_file or spec.label
                problems.append(
                    f"{where}: key 'runs': expected the run of {workbook} to report "
                    f"(the batch has {len(candidates)}: {', '.join(sorted(candidates))}), "
                    f"e.g. runs: {{{workbook}: {sorted(candidates)[0]}}}"
                )
    if problems:
        raise ParamsError(problems)


def run_batch(
    specs: list[RunSpec],
    out: Path,
    jobs: int | None = None,
    timeout: float | None = None,
    pdf: bool = False,
    notebooks_dir: Path | None = None,
    on_done: Callable[[RunResult], None] | None = None,
) -> list[RunResult]:
    """Run every spec (in parallel threads; the work itself runs in kernel processes), then PDFs and
    the index. Returns results in the order of ``specs``."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    jobs = max(1, jobs or os.cpu_count() or 1)
    commit = git_commit()
    results: dict[int, RunResult] = {}
    index_of = {id(s): i for i, s in enumerate(specs)}
    for stage in stages(specs):
        with futures.ThreadPoolExecutor(max_workers=min(jobs, len(stage)), thread_name_prefix="pmokit-run") as pool:
            pending = {pool.submit(execute, s, out, timeout, notebooks_dir, commit): s for s in stage}
            for done in futures.as_completed(pending):
                result = done.result()
                results[index_of[id(pending[done])]] = result
                if on_done:
                    on_done(result)
    ordered = [results[i] for i in range(len(specs))]
    if pdf:
        print_pdfs(ordered)
    write_index(out)
    return ordered


def print_pdfs(results: list[RunResult]) -> None:
    """Add ``report.pdf`` to every succeeded run with one browser; say how to get Chromium if absent."""
    ok = [r for r in results if r.status == "succeeded"]
    if not ok:
        return
    if find_chromium() is None:
        for r in ok:
            r.pdf_error = CHROMIUM_HELP
        return

    def print_all() -> None:
        with PdfPrinter() as printer:
            for r in ok:
                try:
                    printer.print(r.folder / "report.html", r.folder / "report.pdf")
                except Exception as exc:  # noqa: BLE001 - a PDF failure must not lose the HTML
                    r.pdf_error = f"PDF failed: {exc}"

    # Playwright's sync API owns an event loop per thread: a thread of its own keeps it clear of a
    # caller that already uses one (a notebook, a test session with a browser open).
    with futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="pmokit-pdf") as pool:
        pool.submit(print_all).result()
