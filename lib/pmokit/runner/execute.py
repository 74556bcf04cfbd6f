"""Executing one run: papermill into a hidden temporary folder, render, then swap into place.

A failed run never replaces the last good report of the same run folder: it is kept in
``<run>.failed/`` beside it, with the executed notebook as far as it ran (a run stopped by its
timeout or a dead kernel included) and ``run.json`` naming the cell that was running.

Every exit path leaves no hidden working folder behind: a run that cannot write its folder (a full
disk, a read-only folder) is reported as failed with the reason, and :func:`stop_all` (the batch
being stopped by a signal) kills the kernels and discards the runs in flight.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
from papermill.engines import NBClientEngine, papermill_engines
from papermill.execute import ERROR_MARKER_TAG

from pmokit import kernel, runfolder
from pmokit.render import render_html
from pmokit.runner.provenance import input_records, now, versions
from pmokit.runner.specs import RunResult, RunSpec, notebook_path

KERNEL_MANAGER = "pmokit.kernel.IPCKernelManager"
ENGINE = "pmokit"
FAILED_SUFFIX = runfolder.FAILED_SUFFIX
STOPPED = "stopped"  # the status of a run discarded because the batch was stopped

_stopping = threading.Event()
_swap_lock = threading.Lock()  # a stop waits for a swap in progress, and no swap starts after it
_in_flight: set[Path] = set()
_in_flight_lock = threading.Lock()


class _StoppedNotebook(Exception):
    """A notebook run that ended without completing (timeout, dead kernel), with the notebook so far."""

    def __init__(self, cause: BaseException, notebook: Any, cell_index: int | None) -> None:
        super().__init__(str(cause))
        self.cause, self.notebook, self.cell_index = cause, notebook, cell_index


class _PartialNotebookEngine(NBClientEngine):
    """papermill's nbclient engine, keeping the notebook as far as it ran when execution is cut short.

    papermill writes the executed notebook only when every cell ran or a cell raised; a killed
    kernel or a timeout otherwise loses every output and the name of the cell that was running.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        except Exception as exc:
            index = _running_cell(nb_man.nb)
            if index is not None:  # before papermill marks every started cell "completed"
                nb_man.nb.cells[index].metadata.setdefault("papermill", {}).update(status="failed", exception=True)
            raise _StoppedNotebook(exc, nb_man.nb, index) from exc


papermill_engines.register(ENGINE, _PartialNotebookEngine)


def _running_cell(nb: Any) -> int | None:
    """Index of the code cell that was running: the last one papermill started."""
    started = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and cell.get("metadata", {}).get("papermill", {}).get("status") != "pending"
    ]
    return started[-1] if started else None


def first_line(source: str, width: int = 60) -> str:
    """The first non-blank line of a cell's source, shortened to ``width`` characters.

    Examples
    --------
    >>> first_line("\\n  time.sleep(p.sleep_s)\\nx = 1")
    'time.sleep(p.sleep_s)'
    >>> first_line("x = " + "1" * 80, width=10)
    'x = 11111…'
    """
    line = next((ln.strip() for ln in str(source).splitlines() if ln.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def execute(
    spec: RunSpec, out: Path, timeout: float | None = None, notebooks_dir: Path | None = None, commit: str | None = None
) -> RunResult:
    """Execute one run into a temporary folder, render it, then swap it into place.

    Never raises for a notebook failure or a folder that cannot be written: the result says
    ``failed`` with the failing cell or the reason (``stopped`` when the batch was stopped).
    """
    final = runfolder.folder_for(out, spec.workbook, spec.name)
    failed_dir = runfolder.failed_folder(final)
    if _stopping.is_set():
        return RunResult(spec, STOPPED, final, 0.0)
    t0 = time.perf_counter()
    tmp: Path | None = None
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = runfolder.work_folder(final, "tmp")
        tmp.mkdir()
        with _in_flight_lock:
            _in_flight.add(tmp)
        return _execute_in(tmp, spec, final, timeout, notebooks_dir, commit)
    except OSError as exc:
        where = final.relative_to(out).as_posix()
        error = {"cell": None, "ename": "OSError", "evalue": f"could not write {where}: {_reason(exc, tmp, out)}"}
        return RunResult(spec, "failed", failed_dir, time.perf_counter() - t0, {}, error)
    finally:
        if tmp is not None:
            with _in_flight_lock:
                _in_flight.discard(tmp)
            shutil.rmtree(tmp, ignore_errors=True)  # still there only when the run was not swapped in


def _reason(exc: OSError, tmp: Path | None, out: Path) -> str:
    """``No space left on device``, with the path that failed (relative to ``out``) unless it is in the
    temporary folder, whose name means nothing to the reader.

    Examples
    --------
    >>> _reason(FileExistsError(17, "File exists", "/o/wb"), None, Path("/o"))
    'File exists: wb'
    >>> _reason(OSError(28, "No space left on device", "/o/wb/.r.tmp-1-ab/run.json"), Path("/o/wb/.r.tmp-1-ab"), Path("/o"))
    'No space left on device'
    """
    reason = exc.strerror or errno.errorcode.get(exc.errno or 0, "") or type(exc).__name__
    failed = Path(str(exc.filename)) if exc.filename else None
    if failed is not None and not (tmp and failed.is_relative_to(tmp)):
        reason += f": {failed.relative_to(out).as_posix() if failed.is_relative_to(out) else failed}"
    return reason


def _execute_in(
    tmp: Path, spec: RunSpec, final: Path, timeout: float | None, notebooks_dir: Path | None, commit: str | None
) -> RunResult:
    values = spec.params.model_dump(mode="json")
    values.update(output_dir=str(tmp), interactive=False)
    nb_in = notebook_path(spec.workbook, notebooks_dir)
    started, t0 = now(), time.perf_counter()
    executed, error = _run_notebook(nb_in, tmp, values, timeout)
    duration = time.perf_counter() - t0
    if _stopping.is_set():
        return RunResult(spec, STOPPED, final, duration)
    metrics = _read_json(tmp / runfolder.METRICS_FILE, {})
    sources = _read_json(tmp / runfolder.SOURCES_FILE, [])
    (tmp / runfolder.SOURCES_FILE).unlink(missing_ok=True)
    run = {
        "workbook": spec.workbook,
        "run": spec.name,
        "params_file": str(spec.params_file) if spec.params_file else None,
        "params": {**values, "output_dir": str(final if error is None else runfolder.failed_folder(final))},
        "inputs": input_records(spec.params, sources),
        "versions": versions(),
        "git_commit": commit,
        "start": started.isoformat(timespec="seconds"),
        "end": now().isoformat(timespec="seconds"),
        "duration_s": round(duration, 2),
        "status": "failed" if error else "succeeded",
        "error": error,
        "notebook": str(nb_in),
    }
    if error is None:
        try:
            # papermill returns the notebook it wrote: no need to read and validate it again
            page = render_html(executed, _header(spec, run, metrics))
        except Exception as exc:  # noqa: BLE001
            error = {"cell": None, "ename": type(exc).__name__, "evalue": f"rendering failed: {exc}"}
            run.update(status="failed", error=error)
        else:
            (tmp / runfolder.REPORT_HTML).write_text(page, encoding="utf-8")
    (tmp / runfolder.RUN_FILE).write_text(json.dumps(run, indent=2, default=str), encoding="utf-8")
    folder = _swap_into_place(tmp, final, failed=error is not None)
    if folder is None:
        return RunResult(spec, STOPPED, final, duration)
    return RunResult(spec, run["status"], folder, duration, metrics, error)


def _run_notebook(
    nb_in: Path, tmp: Path, values: dict[str, Any], timeout: float | None
) -> tuple[Any, dict[str, Any] | None]:
    """Run the notebook under its deadline; return (executed notebook, None) or (None, error)."""
    thread_id = threading.get_ident()
    fired = threading.Event()

    def deadline() -> None:
        fired.set()
        kernel.kill_kernel_of(thread_id)

    timer = threading.Timer(timeout, deadline) if timeout else None
    if timer:
        timer.daemon = True
        timer.start()
    try:
        executed = pm.execute_notebook(
            str(nb_in),
            str(tmp / runfolder.REPORT_IPYNB),
            parameters=values,
            engine_name=ENGINE,
            kernel_name="python3",
            # The kernel starts in the notebook's folder through nbclient's resources path, not
            # papermill's cwd=, which chdirs the whole process: not safe with runs in threads.
            resources={"metadata": {"path": str(nb_in.parent)}},
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            kernel_manager_class=KERNEL_MANAGER,
            execution_timeout=timeout,
            # every output has arrived when the last cell returns: a graceful shutdown only waits
            shutdown_kernel="immediate",
        )
        return executed, None
    except Exception as exc:  # noqa: BLE001 - any failure of one run is recorded, the batch goes on
        if _writing_into(exc, tmp):
            raise exc  # the run folder cannot be written: reported by execute()
        error = _describe_failure(exc, timed_out=fired.is_set(), timeout=timeout)
        if isinstance(exc, _StoppedNotebook) and not _stopping.is_set():
            _write_partial_notebook(exc, error, tmp / runfolder.REPORT_IPYNB)
        return None, error
    finally:
        if timer:
            timer.cancel()
        kernel.forget_thread(thread_id)


def _writing_into(exc: BaseException, folder: Path) -> bool:
    """Whether ``exc`` is an OS error on a file in ``folder`` (a full disk, not a notebook failure)."""
    filename = getattr(exc, "filename", None)
    return isinstance(exc, OSError) and filename is not None and Path(str(filename)).is_relative_to(folder)


def _describe_failure(exc: Exception, timed_out: bool, timeout: float | None) -> dict[str, Any]:
    """Name the failing (or running) cell and the error.

    ``cell`` is the execution count shown as ``In [n]``, ``cell_index`` the cell's position in the
    executed notebook (papermill's count, the injected parameters cell included) and ``source`` the
    first line of its code.
    """
    cell: dict[str, Any] = {"cell": None, "cell_index": None, "source": None}
    if isinstance(exc, _StoppedNotebook):
        if exc.cell_index is not None:
            nb_cell = exc.notebook.cells[exc.cell_index]
            cell.update(
                cell=nb_cell.get("execution_count"), cell_index=exc.cell_index, source=first_line(nb_cell.source)
            )
        exc = exc.cause
    else:  # papermill's execution error carries the failing cell
        source = getattr(exc, "source", None)
        cell.update(
            cell=getattr(exc, "exec_count", None),
            cell_index=getattr(exc, "cell_index", None),
            source=first_line(source) if source else None,
        )
    if timed_out or (timeout and type(exc).__name__ == "CellTimeoutError"):
        return {**cell, "ename": "Timeout", "evalue": f"the run exceeded its {timeout:g} s timeout"}
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    return {**cell, "ename": ename, "evalue": str(evalue)[:500]}


def _write_partial_notebook(stopped: _StoppedNotebook, error: dict[str, Any], path: Path) -> None:
    """Write the notebook as far as it ran, a note at the top saying where and why it stopped."""
    where = f"while cell In [{error['cell']}] was running" if error.get("cell") is not None else "before any cell ran"
    note = nbformat.v4.new_markdown_cell(
        f"**This run did not finish** ({error['ename']}: {error['evalue']}) {where}. "
        "The outputs below are those produced until then."
    )
    note.metadata["tags"] = [ERROR_MARKER_TAG]  # papermill removes it if this notebook is run again
    nb = stopped.notebook
    nb.cells.insert(0, note)
    try:
        nbformat.write(nb, str(path))
    finally:
        nb.cells.pop(0)


def _header(spec: RunSpec, run: dict[str, Any], metrics: dict[str, Any]) -> dict[str, Any]:
    shown_params = {k: v for k, v in run["params"].items() if k not in {"interactive", "title"}}
    return {
        "title": metrics.get("title") or spec.params.title,
        "verdict": metrics.get("verdict"),
        "generated": dt.datetime.fromisoformat(run["end"]).strftime("%Y-%m-%d %H:%M %Z").strip(),
        "run": f"{spec.workbook} / {spec.name}",
        "inputs": run["inputs"],
        "params": {k: json.dumps(v, default=str) if not isinstance(v, str) else v for k, v in shown_params.items()},
        "notebook": f"notebooks/{spec.workbook}.ipynb",
        "commit": run.get("git_commit"),
        "version": run["versions"].get("pmokit", ""),
    }


def _swap_into_place(tmp: Path, final: Path, failed: bool) -> Path | None:
    """Rename the finished temporary folder into place; a failure lands beside the good report.

    Returns None, leaving ``tmp`` to be discarded, when the batch is being stopped.
    """
    failed_dir = runfolder.failed_folder(final)
    with _swap_lock:
        if _stopping.is_set():
            return None
        if failed:
            if failed_dir.exists():
                shutil.rmtree(failed_dir)
            tmp.rename(failed_dir)
            return failed_dir
        old = None
        if final.exists():
            old = runfolder.work_folder(final, "old")
            final.rename(old)
        try:
            tmp.rename(final)
        except OSError:
            if old is not None:
                old.rename(final)  # the last good report stays in place
            raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    if failed_dir.exists():
        shutil.rmtree(failed_dir, ignore_errors=True)
    return final


def stop_all() -> list[int]:
    """The batch is being stopped: no run starts or is swapped in any more, and every kernel is killed.

    Returns the process ids of the kernels killed. The runs in flight see their kernel die and
    discard their working folders; :func:`discard_in_flight` removes whatever is left.
    """
    with _swap_lock:  # a swap in progress completes first: no half-moved run folder
        _stopping.set()
    return kernel.kill_all()


def discard_in_flight() -> None:
    """Remove the working folders of runs still in flight (after :func:`stop_all`)."""
    with _in_flight_lock:
        folders = list(_in_flight)
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def resume() -> None:
    """Allow runs again (a later batch in the same process, e.g. a test session)."""
    _stopping.clear()


def _read_json(path: Path, default):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default
