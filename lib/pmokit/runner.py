"""Batch execution: validate every params file, run the notebooks in parallel, render, index.

Contracts (see DESIGN.md): run folder ``<out>/<workbook>/<params stem>/`` with ``report.html``,
``report.ipynb``, ``metrics.json``, ``run.json`` and artefacts; a failed run never replaces the last
good report (it is executed in a temporary folder that is renamed only when complete), and its
executed notebook is kept in ``<stem>.failed/`` for diagnosis.
"""

from __future__ import annotations

import concurrent.futures as futures
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from pmokit import workbooks
from pmokit.params import ParamsError, WorkbookParams, read_params_file, resolve_paths, validate

ROOT = Path(os.environ.get("PMOKIT_ROOT", Path(__file__).resolve().parents[2]))
KERNEL_MANAGER = "pmokit.kernel.IPCKernelManager"
FAILED_SUFFIX = ".failed"


# ----------------------------------------------------------------------------- specs
@dataclass
class RunSpec:
    """One report to produce: a workbook, its validated parameters and where they came from."""

    workbook: str
    name: str
    params: WorkbookParams
    params_file: Path | None = None

    @property
    def label(self) -> str:
        return f"{self.workbook}/{self.name}"


@dataclass
class RunResult:
    """What happened to one run."""

    spec: RunSpec
    status: str  # "succeeded" | "failed"
    folder: Path
    duration_s: float
    metrics: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    pdf_error: str | None = None


def find_params_files(targets: Iterable[str], params_dir: Path | None = None) -> list[Path]:
    """Expand targets: a YAML file, a workbook name (all its YAML files), or nothing (everything)."""
    params_dir = params_dir or ROOT / "params"
    targets = list(targets)
    if not targets:
        return sorted(p for p in params_dir.glob("*/*.y*ml") if p.suffix in {".yaml", ".yml"})
    found: list[Path] = []
    for target in targets:
        path = Path(target)
        if path.suffix in {".yaml", ".yml"}:
            found.append(path.resolve())
        elif path.is_dir():
            found.extend(sorted(path.glob("*.y*ml")))
        elif (params_dir / target).is_dir():
            found.extend(sorted((params_dir / target).glob("*.y*ml")))
        else:
            raise ParamsError([f"{target}: not a params file, a folder or a workbook with params under {params_dir}"])
    return found


def parse_overrides(pairs: Iterable[str]) -> dict[str, Any]:
    """Parse ``KEY=VALUE`` strings; values are read as YAML scalars (``12`` is a number)."""
    overrides: dict[str, Any] = {}
    problems = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            problems.append(f"-p {pair}: expected KEY=VALUE")
            continue
        try:
            overrides[key.strip()] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            overrides[key.strip()] = value
    if problems:
        raise ParamsError(problems)
    return overrides


def load_spec(path: Path, overrides: dict[str, Any] | None = None) -> RunSpec:
    """Read and validate one params file (workbook = the name of its folder).

    Raises
    ------
    ParamsError
        With one line per problem; nothing is run.
    """
    path = Path(path).resolve()
    shown = _shown_path(path)
    workbook = path.parent.name
    try:
        model = workbooks.get(workbook).params
    except KeyError as exc:
        raise ParamsError([f"{shown}: {exc.args[0]} (the folder holding a params file names its workbook)"]) from None
    raw = read_params_file(path, shown)
    values = resolve_paths(model, raw, path.parent)
    values.update(resolve_paths(model, dict(overrides or {}), Path.cwd()))
    values.setdefault("output_dir", str(path.parent))  # replaced by the run folder at run time
    return _validate(workbook, values, shown, path.stem, path)


def spec_from_values(workbook: str, values: dict[str, Any], name: str = "run", base: Path | None = None) -> RunSpec:
    """Validate parameters given as a mapping (tests, the API) into a run spec."""
    model = workbooks.get(workbook).params
    values = resolve_paths(model, values, base or Path.cwd())
    values.setdefault("output_dir", ".")
    return _validate(workbook, values, f"{workbook} parameters", name, None)


def _validate(workbook: str, values: dict[str, Any], shown: str, name: str, path: Path | None) -> RunSpec:
    params = validate(workbooks.get(workbook).params, values, shown, workbook)
    return RunSpec(workbook, name, params, path)


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def validate_all(paths: Iterable[Path], overrides: dict[str, Any] | None = None) -> list[RunSpec]:
    """Validate every params file first; raise one :class:`ParamsError` listing every problem."""
    specs, problems = [], []
    for path in paths:
        try:
            specs.append(load_spec(path, overrides))
        except ParamsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ParamsError(problems)
    return specs


# ----------------------------------------------------------------------------- execution
def notebook_path(workbook: str, notebooks_dir: Path | None = None) -> Path:
    """The notebook of a workbook."""
    return workbooks.get(workbook).notebook_path(notebooks_dir)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for dist in ("pmokit", "pandas", "numpy", "papermill", "nbconvert", "matplotlib", "seaborn", "pydantic"):
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            pass
    return found


def git_commit(root: Path = ROOT) -> str | None:
    """The project's git commit (with ``+dirty`` for uncommitted changes), or None."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def _file_record(field_name: str, value: str, rows_by_path: dict[str, Any]) -> dict[str, Any]:
    from pmokit.sources import file_sha256

    path = Path(value)
    record = {"field": field_name, "path": str(path), "name": path.name, "rows": rows_by_path.get(str(path.resolve()))}
    if path.is_file():
        record.update(bytes=path.stat().st_size, sha256=file_sha256(path))
    elif path.is_dir():
        record.update(files=sum(1 for p in path.rglob("*") if p.is_file()))
    return record


def _input_records(params: WorkbookParams, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every input file with its SHA-256; row counts from what the notebook recorded."""
    rows_by_path = {s["path"]: s.get("rows") for s in sources}
    records = []
    seen = set()
    for field_name, values in params.input_fields().items():
        for value in values:
            rec = _file_record(field_name, value, rows_by_path)
            records.append(rec)
            seen.add(str(Path(value).resolve()))
    for extra in sources:  # files the notebook read that are not params (e.g. snapshots in a folder)
        if extra["path"] not in seen and Path(extra["path"]).is_file():
            records.append(_file_record(extra.get("label") or "(read by notebook)", extra["path"], rows_by_path))
            seen.add(extra["path"])
    return disambiguate_names(records)


def disambiguate_names(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Files that share a name (five ``metrics.json``) are shown with their last folders.

    Examples
    --------
    >>> [r["name"] for r in disambiguate_names([{"path": "/o/a/x/m.json", "name": "m.json"},
    ...                                         {"path": "/o/b/x/m.json", "name": "m.json"},
    ...                                         {"path": "/d/raid.csv", "name": "raid.csv"}])]
    ['a/x/m.json', 'b/x/m.json', 'raid.csv']
    """
    counts: dict[str, int] = {}
    for record in records:
        counts[record["name"]] = counts.get(record["name"], 0) + 1
    for record in records:
        if counts[record["name"]] > 1:
            record["name"] = "/".join(Path(record["path"]).parts[-3:])
    return records


def execute(
    spec: RunSpec, out: Path, timeout: float | None = None, notebooks_dir: Path | None = None, commit: str | None = None
) -> RunResult:
    """Execute one run into a temporary folder, render it, then swap it into place.

    Never raises for a notebook failure: the result says ``failed`` with the failing cell.
    """
    import papermill as pm

    from pmokit import kernel
    from pmokit.render import render_html

    final = out / spec.workbook / spec.name
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".{spec.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    values = spec.params.model_dump(mode="json")
    values.update(output_dir=str(tmp), interactive=False)
    nb_in = notebook_path(spec.workbook, notebooks_dir)
    started, t0 = _now(), time.perf_counter()
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
            str(tmp / "report.ipynb"),
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
    metrics = _read_json(tmp / "metrics.json", {})
    sources = _read_json(tmp / "sources.json", [])
    (tmp / "sources.json").unlink(missing_ok=True)
    run = {
        "workbook": spec.workbook,
        "run": spec.name,
        "params_file": str(spec.params_file) if spec.params_file else None,
        "params": {**values, "output_dir": str(final if error is None else final.parent / (spec.name + FAILED_SUFFIX))},
        "inputs": _input_records(spec.params, sources),
        "versions": _versions(),
        "git_commit": commit,
        "start": started.isoformat(timespec="seconds"),
        "end": _now().isoformat(timespec="seconds"),
        "duration_s": round(duration, 2),
        "status": "failed" if error else "succeeded",
        "error": error,
        "notebook": str(nb_in),
    }
    if error is None:
        try:
            meta = _header(spec, run, metrics)
            # papermill returns the notebook it wrote: no need to read and validate it again
            (tmp / "report.html").write_text(render_html(executed, meta), encoding="utf-8")
        except Exception as exc:  # noqa: BLE001
            error = {"cell": None, "ename": type(exc).__name__, "evalue": f"rendering failed: {exc}"}
            run.update(status="failed", error=error)
    (tmp / "run.json").write_text(json.dumps(run, indent=2, default=str), encoding="utf-8")
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
    failed_dir = final.parent / (final.name + FAILED_SUFFIX)
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


def _stages(specs: list[RunSpec]) -> list[list[RunSpec]]:
    """Order runs so that a workbook reading others' results (``runs_after``) runs after them."""
    batch = {s.workbook for s in specs}
    first, later = [], []
    for spec in specs:
        after = set(workbooks.get(spec.workbook).runs_after)
        if "*" in after:
            after = batch - {spec.workbook}
        (later if after & batch else first).append(spec)
    return [stage for stage in (first, later) if stage]


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
    for stage in _stages(specs):
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
    from pmokit.index import write_index

    write_index(out)
    return ordered


def print_pdfs(results: list[RunResult]) -> None:
    """Add ``report.pdf`` to every succeeded run with one browser; say how to get Chromium if absent."""
    from pmokit.render import CHROMIUM_HELP, PdfPrinter, find_chromium

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
