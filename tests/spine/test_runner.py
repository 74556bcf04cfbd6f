"""End-to-end tests of the batch runner and the CLI on the probe workbook (real kernels)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from pmokit import cli

pytestmark = pytest.mark.e2e


def run_cli(project: Path, *args: str) -> int:
    return cli.main(["run", "--quiet", "--notebooks", str(project / "notebooks"), "--out", str(project / "out"), *args])


def test_batch_succeeds_with_run_folder_contract(probe_project: Path) -> None:
    code = run_cli(probe_project, str(probe_project / "params" / "runner_probe"), "--jobs", "2")
    assert code == 0
    for name, factor in (("ok", 2), ("other", 3)):
        folder = probe_project / "out" / "runner_probe" / name
        assert {"report.html", "report.ipynb", "metrics.json", "run.json", "headline.png", "rows.csv"} <= {
            p.name for p in folder.iterdir()
        }
        metrics = json.loads((folder / "metrics.json").read_text())
        # data.csv values 1 + 2 + 3 = 6, times the factor of the params file
        assert metrics["rows"] == 3
        assert metrics["value_total"] == 6 * factor
        assert all(v is None or isinstance(v, (int, float, str)) for v in metrics.values())  # null: no colour
        run = json.loads((folder / "run.json").read_text())
        assert run["status"] == "succeeded" and run["error"] is None
        assert run["params"]["factor"] == factor and run["params"]["interactive"] is False
        assert run["params"]["output_dir"] == str(folder.resolve())
        (data,) = run["inputs"]
        assert data["name"] == "data.csv" and data["rows"] == 3 and len(data["sha256"]) == 64
        assert {"start", "end", "duration_s", "versions", "git_commit"} <= set(run)
        # the executed notebook keeps the injected parameters
        nb = nbformat.read(str(folder / "report.ipynb"), as_version=4)
        assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    index = (probe_project / "out" / "index.html").read_text()
    assert "runner_probe/ok/report.html" in index and "runner_probe/other/report.html" in index
    assert not list((probe_project / "out" / "runner_probe").glob(".*")), "temporary folders left behind"


def test_runs_in_threads_never_change_the_process_cwd(probe_project: Path, monkeypatch) -> None:
    """The kernel starts in the notebook's folder without a process-wide chdir (runs share the process)."""
    import os

    monkeypatch.chdir(probe_project)
    calls: list = []
    real_chdir = os.chdir
    monkeypatch.setattr(os, "chdir", lambda path: (calls.append(path), real_chdir(path))[1])
    assert run_cli(probe_project, str(probe_project / "params" / "runner_probe"), "--jobs", "2") == 0
    # papermill's cwd= would chdir the whole process into notebooks/ during each run (racing the
    # other threads); papermill's own file reads re-enter the current folder, which is harmless.
    notebooks = str((probe_project / "notebooks").resolve())
    assert notebooks not in {str(Path(c).resolve()) for c in calls} and os.getcwd() == str(probe_project)
    for name in ("ok", "other"):
        metrics = json.loads((probe_project / "out" / "runner_probe" / name / "metrics.json").read_text())
        assert metrics["kernel_cwd"] == str((probe_project / "notebooks").resolve())


def test_failed_run_keeps_last_good_report_and_names_the_cell(probe_project: Path, capsys) -> None:
    params = probe_project / "params" / "runner_probe"
    assert run_cli(probe_project, str(params / "ok.yaml")) == 0
    good = probe_project / "out" / "runner_probe" / "ok"
    before = (good / "report.html").read_bytes()

    code = run_cli(probe_project, str(params / "ok.yaml"), str(params / "other.yaml"), "-p", "fail=true")
    assert code == 1
    assert (good / "report.html").read_bytes() == before, "a failed run replaced the last good report"
    failed = probe_project / "out" / "runner_probe" / "ok.failed"
    run = json.loads((failed / "run.json").read_text())
    assert run["status"] == "failed"
    assert run["error"]["ename"] == "ValueError" and "probe asked to fail" in run["error"]["evalue"]
    # the analysis cell is the 3rd code cell plus papermill's injected one: execution count 4
    assert run["error"]["cell"] == 4
    nb = nbformat.read(str(failed / "report.ipynb"), as_version=4)
    assert any(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    out = capsys.readouterr().out
    assert "FAILED cell 4 (frame = pd.read_csv(p.data_path)): ValueError" in out
    # the other run failed too (the override applies to every selected run), with no earlier report
    assert (probe_project / "out" / "runner_probe" / "other.failed" / "report.ipynb").exists()
    assert not (probe_project / "out" / "runner_probe" / "other").exists()

    # a later success replaces the report and clears the failure
    assert run_cli(probe_project, str(params / "ok.yaml")) == 0
    assert not failed.exists()


def write_light_notebook(folder: Path) -> Path:
    """A probe notebook without the heavy imports: prints, sleeps ``sleep_s``, then finishes."""
    import nbformat
    import probe

    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(probe.PARAMS_CELL)
    params.metadata["tags"] = ["parameters"]
    steps = ["import time", 'print("slow step started", flush=True)\ntime.sleep(sleep_s)', 'print("done")']
    nb.cells = [params, *(nbformat.v4.new_code_cell(src) for src in steps)]
    nbformat.write(nb, str(folder / "runner_probe.ipynb"))
    return folder


def test_invalid_params_file_is_reported_and_the_valid_runs_still_run(probe_project: Path, capsys) -> None:
    """One bad params file (and one mistyped target) in a batch of three: every problem is listed,
    the two valid runs still produce their reports, the summary lists the skipped one, exit 2."""
    params = probe_project / "params" / "runner_probe"
    (params / "bad.yaml").write_text("data_path: missing.csv\nfactor: lots\ncolour: red\n", encoding="utf-8")
    light = write_light_notebook(probe_project / "light")
    out = probe_project / "out"
    code = cli.main(["run", "--quiet", "--notebooks", str(light), "--out", str(out), str(params), "no_such_workbook"])
    assert code == 2
    captured = capsys.readouterr()
    err = captured.err
    assert "bad.yaml: key 'factor': expected a valid integer" in err and "'lots'" in err
    assert "bad.yaml: key 'colour': unknown key for workbook 'runner_probe'" in err
    assert "no_such_workbook: not a params file, a folder or a workbook" in err
    assert "2 not run, the other runs go on" in err
    for name in ("ok", "other"):
        assert (out / "runner_probe" / name / "report.html").exists()
    assert not (out / "runner_probe" / "bad").exists() and not (out / "runner_probe" / "bad.failed").exists()
    assert re.search(r"runner_probe/bad +NOT RUN: invalid parameters or inputs", captured.out)
    assert re.search(r"no_such_workbook +NOT RUN", captured.out)
    assert "2 of 2 run(s) succeeded. 2 not run: invalid parameters or inputs." in captured.out
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "runner_probe/ok/report.html" in index and "runner_probe/other/report.html" in index


def test_check_lists_every_invalid_file_and_the_valid_ones(probe_project: Path, capsys) -> None:
    params = probe_project / "params" / "runner_probe"
    (params / "bad.yaml").write_text("factor: lots\n", encoding="utf-8")
    assert cli.main(["check", str(params)]) == 2
    captured = capsys.readouterr()
    assert "bad.yaml: key 'factor'" in captured.err
    assert "ok  runner_probe/ok" in captured.out and "ok  runner_probe/other" in captured.out


def test_missing_input_file_is_reported_before_running(probe_project: Path, capsys) -> None:
    params = probe_project / "params" / "runner_probe"
    (params / "gone.yaml").write_text("data_path: nowhere/data.csv\n", encoding="utf-8")
    assert run_cli(probe_project, str(params / "gone.yaml")) == 2
    err = capsys.readouterr().err
    assert "key 'data_path': expected an existing file" in err and "nowhere/data.csv" in err
    assert "(nothing was run)" in err and not (probe_project / "out").exists()


def test_timeout_stops_a_run_keeps_its_notebook_and_the_batch_goes_on(probe_project: Path, capsys) -> None:
    """A run sleeping past ``--timeout`` is stopped; ``.failed`` keeps the notebook as far as it ran and
    names the cell that was running; the other run of the batch still succeeds. 5 s: a kernel and two
    one-line cells start well within it, and the test waits no longer than that."""
    params = probe_project / "params" / "runner_probe"
    (params / "slow.yaml").write_text("data_path: data.csv\nsleep_s: 120\n", encoding="utf-8")
    light = write_light_notebook(probe_project / "light")
    out = probe_project / "out"
    args = ["run", "--quiet", "--notebooks", str(light), "--out", str(out), "--timeout", "5", "--jobs", "2"]
    assert cli.main([*args, str(params / "slow.yaml"), str(params / "ok.yaml")]) == 1
    failed = out / "runner_probe" / "slow.failed"
    run = json.loads((failed / "run.json").read_text())
    assert run["error"]["ename"] == "Timeout" and "5 s timeout" in run["error"]["evalue"]
    # execution counts: parameters cell 1, papermill's injected cell 2, "import time" 3, the sleep 4
    assert run["error"]["cell"] == 4 and run["error"]["source"] == 'print("slow step started", flush=True)'
    assert run["duration_s"] < 60  # stopped long before the 120 s sleep ended
    nb = nbformat.read(str(failed / "report.ipynb"), as_version=4)
    outputs = ["".join(o.get("text", "")) for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs == ["slow step started\n"]  # the partial output is kept; "done" never printed
    out_text = capsys.readouterr().out
    assert 'FAILED cell 4 (print("slow step started", flush=True)): Timeout' in out_text
    assert "slow.failed/report.ipynb" in out_text
    assert (out / "runner_probe" / "ok" / "report.html").exists()
    assert not list((out / "runner_probe").glob(".*")), "temporary folders left behind"


def test_check_validates_without_running(probe_project: Path, capsys) -> None:
    import os

    os.chdir(probe_project)
    assert cli.main(["check", str(probe_project / "params" / "runner_probe")]) == 0
    assert "ok  runner_probe/ok" in capsys.readouterr().out
    assert not (probe_project / "out").exists()


def test_params_command_lists_types_defaults_and_help(capsys) -> None:
    assert cli.main(["params", "runner_probe"]) == 0
    out = capsys.readouterr().out
    assert "factor" in out and "int" in out and "multiplier for the metric" in out
    assert "data_path" in out and "(input file)" in out
    assert cli.main(["params", "no_such_workbook"]) == 2


class TestStagesAndOverrides:
    """Pure parts of the runner: run order and -p parsing (no kernels)."""

    def test_reader_of_other_results_runs_after_them(self) -> None:
        """status_deck is registered with runs_after=("*",): it runs after every other run of its batch."""
        from types import SimpleNamespace

        from pmokit import runner

        a = runner.RunSpec("rollout_plan", "x", SimpleNamespace())
        deck = runner.RunSpec("status_deck", "x", SimpleNamespace())
        b = runner.RunSpec("survey_analysis", "x", SimpleNamespace())
        assert runner.stages([deck, a, b]) == [[a, b], [deck]]
        assert runner.stages([deck]) == [[deck]]  # alone in a batch: nothing to wait for

    def test_deck_must_name_the_run_when_a_workbook_has_two(self) -> None:
        """Two delivery runs in one batch and a deck that does not say which: refused before running."""
        from types import SimpleNamespace

        from pmokit import runner

        jira = runner.RunSpec("delivery_kpis", "jira", SimpleNamespace())
        trello = runner.RunSpec("delivery_kpis", "trello", SimpleNamespace())
        undecided = runner.RunSpec("status_deck", "weekly", SimpleNamespace(runs={}, workbooks=None))
        with pytest.raises(runner.ParamsError, match=r"key 'runs': expected the run of delivery_kpis .*jira, trello"):
            runner.check_deck_choices([jira, trello, undecided])
        decided = runner.RunSpec(
            "status_deck", "weekly", SimpleNamespace(runs={"delivery_kpis": "jira"}, workbooks=None)
        )
        runner.check_deck_choices([jira, trello, decided])  # no error
        narrow = runner.RunSpec("status_deck", "weekly", SimpleNamespace(runs={}, workbooks=["survey_analysis"]))
        runner.check_deck_choices([jira, trello, narrow])  # the deck does not show delivery: no choice needed

    def test_overrides_are_typed_like_yaml(self) -> None:
        from pmokit import runner

        assert runner.parse_overrides(["n=12", "flag=true", "d=2026-11-30", "s=abc", "e="]) == {
            "n": 12,
            "flag": True,
            "d": __import__("datetime").date(2026, 11, 30),
            "s": "abc",
            "e": "",
        }
        with pytest.raises(runner.ParamsError, match="expected KEY=VALUE"):
            runner.parse_overrides(["novalue"])

    def test_unknown_override_key_is_an_error(self, probe_project: Path, capsys) -> None:
        assert (
            run_cli(probe_project, str(probe_project / "params" / "runner_probe" / "ok.yaml"), "-p", "colour=red") == 2
        )
        assert "key 'colour': unknown key" in capsys.readouterr().err


def test_pdf_without_chromium_says_how_to_install(monkeypatch, tmp_path: Path) -> None:
    from pmokit import render, runner

    monkeypatch.setattr(render, "find_chromium", lambda: None)
    (tmp_path / "report.html").write_text("<html></html>")
    result = runner.RunResult(spec=None, status="succeeded", folder=tmp_path, duration_s=0.0)
    runner.print_pdfs([result])
    assert "apt-get install chromium" in result.pdf_error and "HTML reports were still produced" in result.pdf_error
    assert not (tmp_path / "report.pdf").exists() and (tmp_path / "report.html").exists()
