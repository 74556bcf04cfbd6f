"""The fresh-machine promise: `pmokit run params/` works, `--pdf` without Chromium says so once and fails,
`make install` says what to install when it cannot, and the browser/PDF tests skip visibly without Chromium
(never fail for it), except in CI where Chromium is part of the setup."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pmokit import cli, runner
from pmokit.runner import batch as batch_module

ROOT = Path(__file__).resolve().parents[2]


# ----------------------------------------------------------------------------- pmokit run params/
def test_the_params_folder_itself_is_a_target() -> None:
    """The README's `pmokit run params/` answered "no params files found for params/"."""
    everything = runner.find_params_files([])
    assert everything, "no bundled params files"
    assert runner.find_params_files([str(ROOT / "params")]) == everything
    assert runner.find_params_files([str(ROOT / "params") + "/"]) == everything


def test_a_folder_laid_out_like_params_validates_every_workbook_in_it(probe_project: Path, capsys) -> None:
    """A user's own folder of workbook folders (``~/pmo/params/runner_probe/*.yaml``), a hidden folder beside."""
    hidden = probe_project / "params" / ".backup"
    hidden.mkdir()
    (hidden / "old.yaml").write_text("data_path: data.csv\n", encoding="utf-8")
    assert cli.main(["check", str(probe_project / "params")]) == 0
    out = capsys.readouterr().out
    assert "ok  runner_probe/ok" in out and "ok  runner_probe/other" in out and "old" not in out


def test_a_workbook_folder_is_still_its_own_runs(probe_project: Path) -> None:
    """A folder holding YAML files is one workbook's folder: its subfolders are not searched."""
    params = probe_project / "params" / "runner_probe"
    (params / "archive").mkdir()
    (params / "archive" / "old.yaml").write_text("data_path: ../data.csv\n", encoding="utf-8")
    assert [p.name for p in runner.find_params_files([str(params)])] == ["ok.yaml", "other.yaml"]


def test_an_empty_folder_says_no_params_files(tmp_path: Path, capsys) -> None:
    (tmp_path / "empty").mkdir()
    assert cli.main(["check", str(tmp_path / "empty")]) == 2
    assert f"no params files found for {tmp_path / 'empty'}" in capsys.readouterr().err


# ----------------------------------------------------------------------------- --pdf without Chromium
def test_pdf_without_chromium_one_note_and_exit_1(probe_project: Path, monkeypatch, capsys) -> None:
    """Two runs with --pdf on a machine without Chromium: both HTML reports, no PDF, one note, exit 1."""
    monkeypatch.setattr(batch_module, "find_chromium", lambda: None)
    params = probe_project / "params" / "runner_probe"
    out = probe_project / "out"
    code = cli.main(
        ["run", "-q", "--pdf", "--notebooks", str(probe_project / "notebooks"), "--out", str(out), str(params)]
    )
    err = capsys.readouterr().err
    assert code == 1, "a PDF that was asked for and not written must not look like success"
    assert err.count("report.pdf not written") == 1 and "not written for any run" in err
    assert "apt-get install chromium" in err
    for name in ("ok", "other"):
        assert (out / "runner_probe" / name / "report.html").exists()
        assert not (out / "runner_probe" / name / "report.pdf").exists()


# ----------------------------------------------------------------------------- make install, .ci/run
def _path_without_chromium(tmp_path: Path) -> str:
    """A PATH on which no Chromium (nor apt-get) is found: an empty folder."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    return str(empty)


def test_make_chromium_says_what_to_install_when_it_cannot(tmp_path: Path) -> None:
    """Not root or no apt-get (macOS, a user account): a note naming the packages, and no failure."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make not installed")
    env = {k: v for k, v in os.environ.items() if k != "PMOKIT_CHROMIUM"}
    env["PATH"] = _path_without_chromium(tmp_path)
    done = subprocess.run([make, "-s", "chromium"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Chromium not found" in done.stdout
    assert "sudo apt-get install chromium fonts-dejavu-core" in done.stdout


def test_ci_is_make_install_lint_test() -> None:
    """CI runs what a user runs: the apt-get for Chromium lives in `make install`, not in .ci/run."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in script.splitlines() if line.strip().startswith("make ")]
    assert [c.split()[1] for c in commands] == ["install", "lint", "test"]
    assert "apt-get" not in script.replace("`make install`", "")
    assert "apt-get install -y -qq --no-install-recommends chromium" in (ROOT / "Makefile").read_text()


# ----------------------------------------------------------------------------- tests without Chromium
def _pytest_without_chromium(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PMOKIT_CHROMIUM", "CI", "PYTEST_ADDOPTS")}
    env["PATH"] = _path_without_chromium(tmp_path)
    if ci:
        env["CI"] = "1"
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/spine/test_index.py", "-k", "fits"]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_browser_tests_skip_visibly_without_chromium(tmp_path: Path) -> None:
    """`make test` on a machine without Chromium: the browser tests skip, one line says how many and why."""
    done = _pytest_without_chromium(tmp_path, ci=False)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "2 skipped" in done.stdout
    assert "2 browser/PDF tests skipped: chromium not found; install with" in done.stdout


def test_browser_tests_fail_in_ci_without_chromium(tmp_path: Path) -> None:
    """In CI a missing Chromium is a broken setup: the same tests fail, naming it."""
    done = _pytest_without_chromium(tmp_path, ci=True)
    assert done.returncode == 1
    assert "2 errors" in done.stdout and "Chromium is required in CI" in done.stdout  # failed in the fixture
