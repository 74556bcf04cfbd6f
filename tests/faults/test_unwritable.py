"""A full disk, an output folder that cannot be written, an index that cannot be written, debris of a
runner killed outright: a clear one-line reason, the summary, no hidden folder, and the index of what
did succeed."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from faultkit import hidden_folders, make_project, previous_good_report, write_notebook

from pmokit import cli, runfolder
from pmokit.runner import batch as batch_module
from pmokit.runner import sweep_debris
from pmokit.runner.specs import RunResult


def _run(project: Path, *args: str) -> int:
    return cli.main(["run", "--quiet", "--notebooks", str(project / "notebooks"), "--out", str(project / "out"), *args])


@pytest.mark.e2e
def test_disk_full_on_one_run_fails_that_run_only_and_the_index_lists_the_rest(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    """The disk fills up while ``run.json`` of one run is being written (the notebook had written its
    files, the runner's last write fails). That run fails with the reason; its previous good report
    stays; the other run is swapped in; no hidden folder remains; the index is written."""
    params = make_project(tmp_path, "ok", "other")
    write_notebook(tmp_path / "notebooks", "x = 1")
    before = previous_good_report(tmp_path / "out", "other")
    real_write_text = Path.write_text

    def full_disk(self: Path, *args, **kwargs):
        if self.name == runfolder.RUN_FILE and self.parent.name.startswith(".other.tmp-"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full_disk)
    assert _run(tmp_path, str(params / "ok.yaml"), str(params / "other.yaml"), "--jobs", "2") == 1
    captured = capsys.readouterr()
    out = tmp_path / "out"
    assert "FAILED OSError: could not write runner_probe/other: No space left on device" in captured.out
    assert "Traceback" not in captured.out + captured.err
    assert (out / "runner_probe" / "ok" / "report.html").exists()
    assert (out / "runner_probe" / "other" / "report.html").read_bytes() == before
    assert not (out / "runner_probe" / "other.failed").exists()
    assert hidden_folders(out) == []
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "runner_probe/ok/report.html" in index and "runner_probe/other/report.html" in index


def test_output_folder_that_cannot_be_created_is_refused_before_running(tmp_path: Path, capsys) -> None:
    """``--out`` names a folder inside a regular file (a mistyped path): one line, nothing runs, exit 2.
    This is the same check a read-only output folder meets, and it holds even for root."""
    params = make_project(tmp_path, "ok")
    write_notebook(tmp_path / "notebooks", "x = 1")
    (tmp_path / "notes.txt").write_text("not a folder", encoding="utf-8")
    out = tmp_path / "notes.txt" / "out"
    code = cli.main(["run", "--quiet", "--notebooks", str(tmp_path / "notebooks"), "--out", str(out), str(params)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"cannot write to the output folder {out}: Not a directory (nothing was run)" in err
    assert "Traceback" not in err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_folder_is_refused_before_running(tmp_path: Path, capsys) -> None:
    params = make_project(tmp_path, "ok")
    write_notebook(tmp_path / "notebooks", "x = 1")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        assert _run(tmp_path, str(params)) == 2
    finally:
        out.chmod(0o755)
    assert "cannot write to the output folder" in capsys.readouterr().err and list(out.iterdir()) == []


def test_an_unwritable_workbook_folder_fails_its_runs_with_the_reason(tmp_path: Path, capsys) -> None:
    """``<out>/runner_probe`` is a file (a sync tool's conflict copy): the run fails before any kernel
    starts, saying which path; the summary and the index are still written."""
    params = make_project(tmp_path, "ok")
    write_notebook(tmp_path / "notebooks", "x = 1")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "runner_probe").write_text("in the way", encoding="utf-8")
    assert _run(tmp_path, str(params / "ok.yaml")) == 1
    captured = capsys.readouterr()
    assert "FAILED OSError: could not write runner_probe/ok: File exists: runner_probe" in captured.out
    assert "0 of 1 run(s) succeeded." in captured.out and (tmp_path / "out" / "index.html").exists()


def _fabricated_success(spec, out: Path, *_args) -> RunResult:
    """What a succeeded run leaves, made by hand (no kernel): a run folder with run.json."""
    folder = out / spec.workbook / spec.name
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("<html></html>", encoding="utf-8")
    run = {"workbook": spec.workbook, "run": spec.name, "status": "succeeded", "error": None, "duration_s": 0.5}
    (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return RunResult(spec, "succeeded", folder, 0.5)


def test_an_error_in_the_runner_fails_one_run_not_the_batch(tmp_path: Path, monkeypatch, capsys) -> None:
    """An unexpected error while handling one run (not in its notebook) fails that run; the batch still
    prints its summary and writes the index with the run that succeeded."""
    params = make_project(tmp_path, "ok", "other")

    def execute(spec, out, *args):
        if spec.name == "other":
            raise RuntimeError("unexpected state of the run folder")
        return _fabricated_success(spec, out)

    monkeypatch.setattr(batch_module, "execute", execute)
    assert _run(tmp_path, str(params), "--jobs", "1") == 1
    captured = capsys.readouterr()
    assert "FAILED RuntimeError: unexpected state of the run folder" in captured.out
    assert "runner_probe/ok/report.html" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_an_index_that_cannot_be_written_is_reported_after_the_summary(tmp_path: Path, monkeypatch, capsys) -> None:
    params = make_project(tmp_path, "ok")

    def no_space(out):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out / ".index.html.tmp"))

    monkeypatch.setattr(batch_module, "execute", lambda spec, out, *a: _fabricated_success(spec, out))
    monkeypatch.setattr(batch_module, "write_index", no_space)
    assert _run(tmp_path, str(params)) == 0  # the run itself succeeded
    captured = capsys.readouterr()
    assert "1 of 1 run(s) succeeded." in captured.out and "Index:" not in captured.out
    assert f"note: could not write {tmp_path / 'out' / 'index.html'}: No space left on device" in captured.err


def _finished_pid() -> int:
    """The process id of a process that has exited (pids are not reused this quickly)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_debris_of_a_runner_killed_outright_is_swept_by_the_next_batch(tmp_path: Path) -> None:
    """SIGKILL (or a power cut) gives the runner no chance to clean up. The next batch removes the
    working folders of runners that no longer exist, puts back a previous report caught mid-swap, and
    leaves alone the folders of a runner still alive and anything that is not a working folder."""
    dead, alive = _finished_pid(), os.getpid()
    wb = tmp_path / "runner_probe"
    wb.mkdir()
    stale_tmp = wb / f".ok.tmp-{dead}-0a1b2c3d"
    live_tmp = wb / f".ok.tmp-{alive}-0a1b2c3d"
    caught_mid_swap = wb / f".other.old-{dead}-0a1b2c3d"  # ``other`` was renamed away, the new one not in
    stale_old = wb / f".ok.old-{dead}-0a1b2c3d"  # ``ok`` exists: this copy is only debris
    unrelated = wb / ".ipynb_checkpoints"
    for folder in (stale_tmp, live_tmp, caught_mid_swap, stale_old, unrelated, wb / "ok"):
        folder.mkdir()
    (caught_mid_swap / "report.html").write_text("previous report of other", encoding="utf-8")

    swept = sweep_debris(tmp_path)

    assert set(swept) == {stale_tmp, caught_mid_swap, stale_old}
    assert not stale_tmp.exists() and not stale_old.exists() and live_tmp.exists() and unrelated.exists()
    assert (wb / "other" / "report.html").read_text(encoding="utf-8") == "previous report of other"
