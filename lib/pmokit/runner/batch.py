"""Batches: validate every params file, order runs (readers of other runs last), run them in a thread
pool, PDFs, the index, and clean up on every way out.

- One invalid params file does not stop the batch: :func:`validate_batch` reports every problem and
  the valid runs still run (``pmokit run`` then exits 2).
- A batch stopped by SIGINT, SIGTERM or SIGHUP kills its kernels (a kernel busy in C code never
  notices its runner has gone), discards the runs in flight, writes the index of what did finish and
  raises :class:`Interrupted`.
- An output folder that cannot be written is refused before anything runs
  (:class:`OutputFolderError`); a run folder that cannot be written fails that run only.
"""

from __future__ import annotations

import concurrent.futures as futures
import contextlib
import os
import shutil
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pmokit import kernel, runfolder, workbooks
from pmokit.index import write_index
from pmokit.params import ParamsError
from pmokit.render import CHROMIUM_HELP, PdfPrinter, find_chromium
from pmokit.runner import execute as executing
from pmokit.runner.execute import STOPPED, execute
from pmokit.runner.provenance import git_commit
from pmokit.runner.specs import RunResult, RunSpec, find_params_files, load_spec

#: Signals that stop a batch cleanly (SIGHUP: the terminal was closed).
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
#: How long a stopped batch waits for its runs to wind down once their kernels are killed.
STOP_GRACE_S = 10.0


class OutputFolderError(Exception):
    """The output folder cannot be created or written: nothing can run."""


class Interrupted(KeyboardInterrupt):
    """The batch was stopped by a signal; ``results`` holds every run (``stopped`` for those cut short)."""

    def __init__(self, signum: int, results: list[RunResult] | None = None) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum
        self.results = results or []


@dataclass
class InvalidRun:
    """A params file (or a target) that is not run, with every problem found in it."""

    label: str
    where: str
    problems: list[str]


@dataclass
class Validation:
    """The runs of a batch that are valid, and those that are not (each with its problems)."""

    specs: list[RunSpec] = field(default_factory=list)
    invalid: list[InvalidRun] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [line for item in self.invalid for line in item.problems]


class BatchResults(list):
    """The results of a batch in the order of its specs, and where its index is (or why it is not)."""

    index: Path | None = None
    index_error: str | None = None


def validate_batch(
    targets: Iterable[str], overrides: dict[str, Any] | None = None, params_dir: Path | None = None
) -> Validation:
    """Validate every params file the targets name; collect every problem instead of stopping at one."""
    validation = Validation()
    files: dict[Path, Path] = {}
    targets = list(targets)
    for target in targets or [None]:
        try:
            found = find_params_files([] if target is None else [target], params_dir)
        except ParamsError as exc:
            validation.invalid.append(InvalidRun(str(target), str(target), exc.problems))
            continue
        if not found:
            shown = target or "params/"
            validation.invalid.append(InvalidRun(shown, shown, [f"no params files found for {shown}"]))
        for path in found:
            files.setdefault(Path(path).resolve(), Path(path))
    for path in files.values():
        try:
            validation.specs.append(load_spec(path, overrides))
        except ParamsError as exc:
            validation.invalid.append(InvalidRun(f"{path.parent.name}/{path.stem}", str(path), exc.problems))
    # a reader must name its run among every params file of a workbook, valid or not: the run folder
    # of an invalid one may still hold a report from an earlier batch
    names: dict[str, list[str]] = {}
    for path in files.values():
        names.setdefault(path.parent.name, []).append(path.stem)
    for spec in list(validation.specs):
        problems = _deck_choice_problems(spec, names)
        if problems:
            validation.specs.remove(spec)
            validation.invalid.append(InvalidRun(spec.label, str(spec.params_file or spec.label), problems))
    return validation


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
    problems = [line for spec in specs for line in _deck_choice_problems(spec, names)]
    if problems:
        raise ParamsError(problems)


def _deck_choice_problems(spec: RunSpec, names: dict[str, list[str]]) -> list[str]:
    """The workbooks a reader shows that have several runs in the batch and no run chosen."""
    if not workbooks.get(spec.workbook).runs_after:
        return []
    chosen = getattr(spec.params, "runs", {}) or {}
    shown = getattr(spec.params, "workbooks", None) or workbooks.deck_workbooks(exclude=spec.workbook)
    problems = []
    for workbook in shown:
        candidates = sorted(names.get(workbook, []))
        if len(candidates) > 1 and workbook not in chosen:
            where = spec.params_file or spec.label
            problems.append(
                f"{where}: key 'runs': expected the run of {workbook} to report "
                f"(the batch has {len(candidates)}: {', '.join(candidates)}), "
                f"e.g. runs: {{{workbook}: {candidates[0]}}}"
            )
    return problems


def prepare_output(out: Path) -> Path:
    """Create the output folder and make sure it can be written, before any run starts.

    Raises
    ------
    OutputFolderError
        One line: the folder and the reason (read-only, not a folder, disk full).
    """
    out = Path(out).resolve()
    check = out / f".pmokit-write-check-{os.getpid()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        check.write_bytes(b"pmokit")
        check.unlink()
    except OSError as exc:
        raise OutputFolderError(f"cannot write to the output folder {out}: {exc.strerror or exc}") from None
    return out


def sweep_debris(out: Path) -> list[Path]:
    """Remove the working folders of runners that no longer exist (killed outright, e.g. SIGKILL).

    A runner killed while swapping a run in may have left the previous report in ``.<run>.old-*``
    with no ``<run>`` folder: that report is moved back in place rather than deleted. Folders of a
    runner still alive (another batch writing to the same folder) are left alone.
    """
    swept = []
    for folder in sorted(Path(out).glob("*/.*")):
        owner = runfolder.work_folder_owner(folder)
        if owner is None or not folder.is_dir() or _alive(owner[2]):
            continue
        run, kind, _ = owner
        final = folder.parent / run
        try:
            if kind == "old" and not final.exists():
                folder.rename(final)
            else:
                shutil.rmtree(folder)
            swept.append(folder)
        except OSError:
            pass  # an unwritable workbook folder: its own run reports that, the batch goes on
    return swept


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def run_batch(
    specs: list[RunSpec],
    out: Path,
    jobs: int | None = None,
    timeout: float | None = None,
    pdf: bool = False,
    notebooks_dir: Path | None = None,
    on_done: Callable[[RunResult], None] | None = None,
) -> BatchResults:
    """Run every spec (in parallel threads; the work itself runs in kernel processes), then PDFs and
    the index. Returns results in the order of ``specs``.

    Raises
    ------
    OutputFolderError
        ``out`` cannot be written (nothing ran).
    Interrupted
        The batch was stopped by a signal: the kernels were killed, the runs in flight discarded
        (their previous reports untouched) and the index written for what had finished.
    """
    out = prepare_output(out)
    sweep_debris(out)
    executing.resume()
    jobs = max(1, jobs or os.cpu_count() or 1)
    commit = git_commit()
    results: dict[int, RunResult] = {}
    index_of = {id(s): i for i, s in enumerate(specs)}

    def record(result: RunResult) -> None:
        results[index_of[id(result.spec)]] = result
        if on_done:
            on_done(result)

    finished = BatchResults()
    guard = _SignalGuard()
    try:
        with guard.installed():
            try:
                for stage in stages(specs):
                    _run_stage(stage, out, jobs, timeout, notebooks_dir, commit, record)
                finished.extend(results[i] for i in range(len(specs)))
                if pdf:
                    print_pdfs(list(finished))
            finally:
                guard.armed = False  # a signal from here on is only noted: the index is written first
                finished.index, finished.index_error = _write_index(out)
    except Interrupted as stop:
        if not finished:
            finished.extend(results.get(i) or _not_run(s, out) for i, s in enumerate(specs))
        raise Interrupted(stop.signum, list(finished)) from None
    finally:
        kernel.remove_runtime_dir()
    if guard.signum is not None:  # arrived while the index was being written
        raise Interrupted(guard.signum, list(finished))
    return finished


def _run_stage(
    stage: list[RunSpec],
    out: Path,
    jobs: int,
    timeout: float | None,
    notebooks_dir: Path | None,
    commit: str | None,
    record: Callable[[RunResult], None],
) -> None:
    pool = futures.ThreadPoolExecutor(max_workers=min(jobs, len(stage)), thread_name_prefix="pmokit-run")
    pending = {pool.submit(execute, s, out, timeout, notebooks_dir, commit): s for s in stage}
    recorded: set[futures.Future] = set()
    stopped = False
    try:
        for done in futures.as_completed(pending):
            record(_result_of(done, pending[done], out))
            recorded.add(done)
    except BaseException:
        stopped = True
        _stop_runs(pending)
        for future, spec in pending.items():
            if future in recorded:
                continue
            finished = future.done() and not future.cancelled()
            record(_result_of(future, spec, out) if finished else _not_run(spec, out))
        raise
    finally:
        pool.shutdown(wait=not stopped, cancel_futures=True)


def _stop_runs(pending: dict[futures.Future, RunSpec]) -> None:
    """Kill every kernel, let the runs see it and discard their folders, then remove what is left."""
    executing.stop_all()
    deadline = time.monotonic() + STOP_GRACE_S
    while time.monotonic() < deadline:
        _, not_done = futures.wait(pending, timeout=0.5)
        if not not_done:
            break
        kernel.kill_all(wait_s=0.5)  # a kernel that was still starting when the stop came
    executing.discard_in_flight()


def _result_of(done: futures.Future, spec: RunSpec, out: Path) -> RunResult:
    """The run's result; an unexpected error in the runner itself fails that run, not the batch."""
    try:
        return done.result()
    except Exception as exc:  # noqa: BLE001
        error = {"cell": None, "ename": type(exc).__name__, "evalue": str(exc)[:500]}
        return RunResult(
            spec, "failed", runfolder.failed_folder(runfolder.folder_for(out, spec.workbook, spec.name)), 0.0, {}, error
        )


def _not_run(spec: RunSpec, out: Path) -> RunResult:
    return RunResult(spec, STOPPED, runfolder.folder_for(out, spec.workbook, spec.name), 0.0)


def _write_index(out: Path) -> tuple[Path | None, str | None]:
    """Write the index of every run folder; a failure is reported, never raised."""
    try:
        return write_index(out), None
    except Exception as exc:  # noqa: BLE001 - the summary must still be printed
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return None, f"could not write {Path(out) / 'index.html'}: {reason}"


class _SignalGuard:
    """Turns the first stop signal into :class:`Interrupted` in the main thread; later ones are noted.

    A signal the process ignores (``nohup``, a background job without job control) stays ignored.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self.armed = True

    def handle(self, signum: int, frame: Any) -> None:
        if self.signum is None:
            self.signum = signum
        if self.armed:
            self.armed = False  # the clean-up that follows is not interrupted by a second signal
            raise Interrupted(signum)

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # only the main thread may set handlers: the caller owns the signals
            return
        previous = {}
        for sig in STOP_SIGNALS:
            if signal.getsignal(sig) is not signal.SIG_IGN:
                previous[sig] = signal.signal(sig, self.handle)
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


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
