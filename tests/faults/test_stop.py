"""A batch stopped mid-cell (SIGTERM, Ctrl-C), a run past its timeout, a kernel that dies: no process
survives, nothing half-written is left, and the diagnosis (the cell that was running) is kept."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from faultkit import (
    BUSY_CELL,
    hidden_folders,
    make_project,
    previous_good_report,
    start_runner,
    wait_for,
    write_notebook,
)

from pmokit import cli

pytestmark = pytest.mark.e2e

PID_CELL = 'import os, pathlib\npathlib.Path(output_dir, "kernel.pid").write_text(str(os.getpid()))'


def _gone(pid: int) -> bool:
    """No such process, or a zombie (dead, waiting for its new parent to collect its exit status)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _connection_dir(pid: int) -> Path:
    """The folder of the kernel's connection file, from its command line (``-f <file>``)."""
    cmdline = psutil.Process(pid).cmdline()
    return Path(cmdline[cmdline.index("-f") + 1]).parent


@pytest.fixture
def short_tmpdir():
    """An empty TMPDIR for the runner, short enough for its kernels' Unix sockets (108 bytes a path)."""
    folder = Path(tempfile.mkdtemp(prefix="pmk-", dir="/tmp" if Path("/tmp").is_dir() else None))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_a_batch_mid_cell_leaves_no_kernel_no_folder_and_the_last_good_report(
    tmp_path: Path, short_tmpdir: Path, signum: int
) -> None:
    """The reported incident: ``pmokit run`` killed while a cell is busy left the kernel at 90% CPU.

    The cell holds the kernel's GIL in one long C call (as a big pandas or solver call does), so the
    kernel cannot notice its runner has gone; only the runner can end it. An earlier good report of
    the same run must survive, and no hidden working folder or connection-file folder may remain.
    """
    params = make_project(tmp_path, "ok")
    write_notebook(tmp_path / "notebooks", PID_CELL, BUSY_CELL)
    out, tmpdir = tmp_path / "out", short_tmpdir
    before = previous_good_report(out, "ok")
    runner = start_runner(tmp_path, tmpdir, "--notebooks", "notebooks", "--out", "out", str(params / "ok.yaml"))
    kernel_pid = None
    try:
        pid_file = wait_for("runner_probe/.ok.tmp-*/kernel.pid", out, runner)
        time.sleep(0.2)  # the file is written: the kernel moves straight on to the busy cell
        kernel_pid = int(pid_file.read_text())
        connections = _connection_dir(kernel_pid)
        assert connections.parent == tmpdir  # the runner's folder of connection files, under its TMPDIR
        assert psutil.Process(kernel_pid).status() == psutil.STATUS_RUNNING  # busy, not sleeping

        runner.send_signal(signum)
        runner.wait(timeout=60)  # not communicate(): a surviving kernel holds the runner's output pipes
        assert _gone(kernel_pid), "the kernel outlived its runner"
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)
        if kernel_pid and not _gone(kernel_pid):
            psutil.Process(kernel_pid).kill()  # never leave the test's own orphan behind
    stdout, stderr = runner.communicate(timeout=30)
    assert runner.returncode == 128 + signum  # 143 SIGTERM, 130 Ctrl-C
    assert f"stopped by {signal.Signals(signum).name}" in stderr and "Traceback" not in stderr + stdout
    assert "stopped: the batch was stopped" in stdout  # the summary is still printed
    assert hidden_folders(out) == []
    assert not (out / "runner_probe" / "ok.failed").exists()  # a stopped run is not a failed run
    assert (out / "runner_probe" / "ok" / "report.html").read_bytes() == before
    assert "runner_probe/ok/report.html" in (out / "index.html").read_text(encoding="utf-8")
    assert not connections.exists() and list(tmpdir.iterdir()) == []


def _run(project: Path, *args: str) -> int:
    return cli.main(["run", "--quiet", "--notebooks", str(project / "notebooks"), "--out", str(project / "out"), *args])


def test_a_kernel_that_dies_leaves_the_partial_notebook_and_names_the_cell(
    tmp_path: Path, short_tmpdir: Path, monkeypatch, capsys
) -> None:
    """A kernel killed from outside mid-run (the out-of-memory killer): ``.failed`` keeps the notebook
    with the outputs produced so far, and ``run.json`` and the summary name the cell that was running.
    The folder of connection files is gone once the batch is over."""
    monkeypatch.setattr(tempfile, "tempdir", str(short_tmpdir))
    params = make_project(tmp_path, "ok")
    write_notebook(
        tmp_path / "notebooks",
        "import os, signal, time",
        'print("loading step done", flush=True)',
        # the pause lets the kernel's output thread send the line before the kill
        'print("about to die", flush=True)\ntime.sleep(0.5)\nos.kill(os.getpid(), signal.SIGKILL)',
        'print("never reached")',
    )
    assert _run(tmp_path, str(params / "ok.yaml")) == 1
    failed = tmp_path / "out" / "runner_probe" / "ok.failed"
    error = json.loads((failed / "run.json").read_text())["error"]
    # execution counts: parameters cell 1, papermill's injected cell 2, imports 3, print 4, the kill 5;
    # in the executed notebook four cells precede it (parameters, injected, imports, print): index 4
    assert error["cell"] == 5 and error["cell_index"] == 4
    assert error["source"] == 'print("about to die", flush=True)'
    assert error["ename"] == "DeadKernelError"
    nb = nbformat.read(str(failed / "report.ipynb"), as_version=4)
    texts = ["".join(o.get("text", "")) for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert "loading step done\n" in texts and "about to die\n" in texts and "never reached\n" not in texts
    assert "This run did not finish" in nb.cells[0].source  # the note the partial notebook opens with
    assert nb.cells[error["cell_index"] + 1].source.startswith('print("about to die"')  # +1: that note
    out = capsys.readouterr().out
    assert 'FAILED cell 5 (print("about to die", flush=True)): DeadKernelError' in out
    assert "runner_probe/ok.failed/report.ipynb" in out
    assert hidden_folders(tmp_path / "out") == []
    assert list(short_tmpdir.iterdir()) == []  # no pmokit-kernels-* folder left behind
