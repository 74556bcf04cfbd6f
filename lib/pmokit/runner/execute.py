"""Executing one run: papermill into a hidden temporary folder, render, then swap into place.

A failed run never replaces the last good report of the same run folder: it is kept in
``<run>.failed/`` beside it, with the executed notebook holding the error cell.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import papermill as pm

from pmokit import kernel, runfolder
from pmokit.render import render_html
from pmokit.runner.provenance import input_records, now, versions
from pmokit.runner.specs import RunResult, RunSpec, notebook_path

KERNEL_MANAGER = "pmokit.kernel.IPCKernelManager"
FAILED_SUFFIX = runfolder.FAILED_SUFFIX


def execute(
    spec: RunSpec, out: Path, timeout: float | None = None, notebooks_dir: Path | None = None, commit: str | None = None
) -> RunResult:
    """Execute one run into a temporary folder, render it, then swap it into place.

    Never raises for a notebook failure: the result says ``failed`` with the failing cell.
    """
    final = out / spec.workbook / spec.name
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".{spec.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    values = spec.params.model_dump(mode="json")
    values.update(output_dir=str(tmp), interactive=False)
    nb_in = notebook_path(spec.workbook, notebooks_dir)
    started, t0 = now(), time.perf_counter()
    error: dict[str, Any] | None = None
    executed = None
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
    except Exception as exc:  # noqa: BLE001 - any failure of one run is recorded, the batch goes on
        error = _describe_failure(exc, timed_out=fired.is_set(), timeout=timeout)
    finally:
        if timer:
            timer.cancel()
        kernel.forget_thread(thread_id)
    duration = time.perf_counter() - t0
    metrics = _read_json(tmp / runfolder.METRICS_FILE, {})
    sources = _read_json(tmp / runfolder.SOURCES_FILE, [])
    (tmp / runfolder.SOURCES_FILE).unlink(missing_ok=True)
    run = {
        "workbook": spec.workbook,
        "run": spec.name,
        "params_file": str(spec.params_file) if spec.params_file else None,
        "params": {**values, "output_dir": str(final if error is None else final.parent / (spec.name + FAILED_SUFFIX))},
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
            meta = _header(spec, run, metrics)
            # papermill returns the notebook it wrote: no need to read and validate it again
            (tmp / runfolder.REPORT_HTML).write_text(render_html(executed, meta), encoding="utf-8")
        except Exception as exc:  # noqa: BLE001
            error = {"cell": None, "ename": type(exc).__name__, "evalue": f"rendering failed: {exc}"}
            run.update(status="failed", error=error)
    (tmp / runfolder.RUN_FILE).write_text(json.dumps(run, indent=2, default=str), encoding="utf-8")
    folder = _swap_into_place(tmp, final, failed=error is not None)
    return RunResult(spec, run["status"], folder, duration, metrics, error)


def _describe_failure(exc: Exception, timed_out: bool, timeout: float | None) -> dict[str, Any]:
    """Name the failing cell (papermill's execution error carries it) and the error."""
    if timed_out or (timeout and type(exc).__name__ == "CellTimeoutError"):
        return {
            "cell": getattr(exc, "exec_count", None),
            "ename": "Timeout",
            "evalue": f"the run exceeded its {timeout:g} s timeout",
        }
    cell = getattr(exc, "exec_count", None)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    return {"cell": cell, "cell_index": getattr(exc, "cell_index", None), "ename": ename, "evalue": str(evalue)[:500]}


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


def _swap_into_place(tmp: Path, final: Path, failed: bool) -> Path:
    """Rename the finished temporary folder into place; a failure lands beside the good report."""
    failed_dir = runfolder.failed_folder(final)
    if failed:
        if failed_dir.exists():
            shutil.rmtree(failed_dir)
        tmp.rename(failed_dir)
        return failed_dir
    old = None
    if final.exists():
        old = final.parent / f".{final.name}.old-{uuid.uuid4().hex[:8]}"
        final.rename(old)
    tmp.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    if failed_dir.exists():
        shutil.rmtree(failed_dir, ignore_errors=True)
    return final


def _read_json(path: Path, default):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default
