"""Readers of the status deck: run folders, RAID log, milestones, previous run (hand-made files)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import status_inputs as src
from pmokit.status import snapshots

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "status"


class TestSelectRuns:
    """The deck reads the run the params name; without a name, a workbook's only succeeded run."""

    def test_only_succeeded_run_is_read_whatever_failed_later(self, tmp_path, make_run):
        # A newer failed run does not hide the one good run, and is not a second candidate.
        make_run(tmp_path, "delivery_kpis", "a", end="2026-11-27T09:00:00+01:00", metrics={"wip": 1})
        make_run(tmp_path, "delivery_kpis", "c", status="failed", end="2026-11-28T12:00:00+00:00", metrics={"wip": 3})
        runs = src.select_runs(tmp_path, ["delivery_kpis"])
        run = runs["delivery_kpis"]
        assert run.found and run.folder.name == "a" and run.name == "a" and run.metrics == {"wip": 1}
        assert run.end == pd.Timestamp("2026-11-27T08:00:00Z")  # 09:00+01:00 is 08:00 UTC

    def test_two_candidates_without_a_choice_is_an_input_error(self, tmp_path, make_run):
        # jira_sample ends earlier than trello_sample: the deck must not pick by end time (the old race).
        make_run(tmp_path, "delivery_kpis", "jira_sample", end="2026-11-27T10:00:00+00:00")
        make_run(tmp_path, "delivery_kpis", "trello_sample", end="2026-11-27T10:00:11+00:00")
        with pytest.raises(InputError) as err:
            src.select_runs(tmp_path, ["delivery_kpis"])
        message = str(err.value)
        assert "field 'runs'" in message and "jira_sample, trello_sample" in message
        assert "runs: {delivery_kpis: <run>}" in message

    def test_named_run_is_read(self, tmp_path, make_run):
        make_run(tmp_path, "delivery_kpis", "jira_sample", end="2026-11-27T10:00:00+00:00", metrics={"wip": 41})
        make_run(tmp_path, "delivery_kpis", "trello_sample", end="2026-11-27T10:00:11+00:00", metrics={"wip": 4})
        run = src.select_runs(tmp_path, ["delivery_kpis"], {"delivery_kpis": "jira_sample"})["delivery_kpis"]
        assert run.folder == tmp_path / "delivery_kpis" / "jira_sample" and run.metrics == {"wip": 41}

    def test_named_run_that_failed_is_missing_with_the_reason(self, tmp_path, make_run):
        make_run(tmp_path, "delivery_kpis", "trello_sample")  # a good run, but not the one named
        failed = make_run(tmp_path, "delivery_kpis", "jira_sample.failed", status="failed")
        run_json = json.loads((failed / "run.json").read_text(encoding="utf-8"))
        (failed / "run.json").write_text(json.dumps({**run_json, "error": "jira.csv: no Created column"}))
        run = src.select_runs(tmp_path, ["delivery_kpis"], {"delivery_kpis": "jira_sample"})["delivery_kpis"]
        assert not run.found
        assert run.problem == "run 'jira_sample' of delivery_kpis failed (jira.csv: no Created column)"

    def test_named_run_with_failed_status_or_absent(self, tmp_path, make_run):
        make_run(tmp_path, "rollout_plan", "sample", status="failed")
        runs = src.select_runs(
            tmp_path, ["rollout_plan", "survey_analysis"], {"rollout_plan": "sample", "survey_analysis": "pulse"}
        )
        assert runs["rollout_plan"].problem == "run 'sample' of rollout_plan did not succeed (status failed)"
        assert runs["survey_analysis"].problem.startswith("no run 'pulse' of survey_analysis in ")

    def test_runs_entry_for_a_workbook_not_reported_is_noted(self, tmp_path, make_run):
        make_run(tmp_path, "rollout_plan", "sample")
        dq = DataQuality()
        src.select_runs(tmp_path, ["rollout_plan"], {"rollout_pan": "sample"}, dq)
        assert dq.frame()[["file", "field", "action"]].values.tolist() == [["runs", "rollout_pan", "entry ignored"]]

    def test_own_folder_is_never_a_candidate(self, tmp_path, make_run):
        own = make_run(tmp_path, "status_deck", "weekly")
        assert not src.select_runs(tmp_path, ["status_deck"], exclude=own)["status_deck"].found

    def test_find_previous_beside_the_running_folder(self, tmp_path, make_run):
        base = tmp_path / "status_deck"
        make_run(tmp_path, "status_deck", "weekly", end="2026-11-20T10:00:00+00:00")
        make_run(tmp_path, "status_deck", "other", end="2026-11-21T10:00:00+00:00")
        running = base / ".weekly.tmp-1234abcd"  # the runner's temporary folder of this run
        make_run(tmp_path, "status_deck", running.name, end="2026-11-27T10:00:00+00:00")
        # same params stem preferred over the later 'other'; never the temporary folder itself
        assert src.find_previous(running) == base / "weekly"
        assert src.find_previous(base / "lab") == base / "other"  # no 'lab' run: the latest sibling
        assert src.find_previous(tmp_path / "nothing" / "lab") is None

    def test_missing_workbook_is_reported_not_raised(self, tmp_path, make_run):
        make_run(tmp_path, "survey_analysis", "pulse", status="failed")
        runs = src.select_runs(tmp_path, ["survey_analysis", "rollout_plan"])
        assert not runs["survey_analysis"].found and "1 failed" in runs["survey_analysis"].problem
        assert not runs["rollout_plan"].found and "no run folder rollout_plan" in runs["rollout_plan"].problem

    def test_no_reports_dir(self):
        assert src.select_runs(None, ["rollout_plan"])["rollout_plan"].problem == "no reports_dir given"

    def test_headline_chart_first(self, tmp_path, make_run):
        make_run(tmp_path, "workspace_hygiene", "w", charts=("a_queue.png", "headline.png"))
        run = src.select_runs(tmp_path, ["workspace_hygiene"])["workspace_hygiene"]
        assert [p.name for p in run.charts] == ["headline.png", "a_queue.png"]

    def test_unreadable_json_noted_in_data_quality(self, tmp_path, make_run):
        folder = make_run(tmp_path, "rollout_plan", "wave")
        (folder / "metrics.json").write_text("{not json", encoding="utf-8")
        dq = DataQuality()
        runs = src.select_runs(tmp_path, ["rollout_plan"], dq=dq)
        assert not runs["rollout_plan"].found
        assert dq.frame()["file"].tolist() == ["metrics.json"]


class TestReadRaid:
    def test_sharepoint_export(self):
        dq = DataQuality()
        raid = src.read_raid(FIXTURES / "raid_sharepoint.csv", dq=dq)
        # 10 rows; 'Opportunity' dropped -> 9; 'issue' maps to Issue; 'Likelihood' is the probability.
        assert len(raid) == 9
        assert raid["type"].value_counts().to_dict() == {"Risk": 4, "Action": 3, "Decision": 1, "Issue": 1}
        risks = raid[raid["type"] == "Risk"].set_index("id")
        assert risks["probability"].tolist()[:3] == [4, 3, 2]  # '4 - High', 'Medium', '2'
        assert pd.isna(risks.loc["10", "probability"])  # 7 is off the 1-5 scale
        assert risks["impact"].tolist() == [5, 3, 2, 4]  # '5 - Very High', 3, 2, 'High'
        assert raid.loc[raid["type"] == "Decision", "id"].item() == "ROW9"  # blank ID: spreadsheet row 9
        assert raid.loc[raid["id"] == "1", "raised"].item() == pd.Timestamp("2026-11-02")  # US M/D/Y
        assert raid.set_index("id")["open"].to_dict() == {
            "1": True,
            "2": True,
            "3": False,
            "5": True,
            "6": True,
            "7": False,
            "ROW9": True,
            "9": True,
            "10": True,
        }
        problems = dq.frame().set_index("field")
        assert problems.loc["type", "action"] == "row dropped" and "Opportunity" in problems.loc["type", "problem"]
        assert "TBC" in problems.loc["due", "problem"]
        assert problems.loc["probability", "rows"] == 1

    def test_dayfirst(self, tmp_path):
        path = tmp_path / "raid.csv"
        path.write_text("Type,Title,Status,Date Raised\nRisk,x,Open,03/04/2026\n", encoding="utf-8")
        assert src.read_raid(path, dayfirst=True)["raised"].item() == pd.Timestamp("2026-04-03")
        assert src.read_raid(path)["raised"].item() == pd.Timestamp("2026-03-04")

    def test_missing_title_column_names_file_and_field(self, tmp_path):
        path = tmp_path / "raid.csv"
        path.write_text("Type,Heading,Status\nRisk,x,Open\n", encoding="utf-8")
        with pytest.raises(InputError) as err:
            src.read_raid(path)
        assert "raid.csv" in str(err.value) and "'title'" in str(err.value) and "'Heading'" in str(err.value)

    def test_iqy_query_file_refused_clearly(self, tmp_path):
        path = tmp_path / "owssvr.iqy"
        path.write_text("WEB\n1\nhttps://contoso.sharepoint.com/_vti_bin/owssvr.dll?XMLDATA=1\n", encoding="utf-8")
        with pytest.raises(InputError, match="save it as .xlsx"):
            src.read_raid(path)

    def test_column_mapping(self, tmp_path):
        path = tmp_path / "raid.csv"
        path.write_text("Kind,Heading,Status\nAction,x,Open\n", encoding="utf-8")
        raid = src.read_raid(path, columns={"type": "Kind", "title": "Heading"})
        assert raid[["type", "title"]].values.tolist() == [["Action", "x"]]

    def test_cp1252_file(self, tmp_path):
        path = tmp_path / "raid.csv"
        path.write_bytes("Type,Title,Status\nRisk,Café Wi-Fi outage,Open\n".encode("cp1252"))
        dq = DataQuality()
        assert src.read_raid(path, dq=dq)["title"].item() == "Café Wi-Fi outage"
        assert dq.frame()["field"].tolist() == ["(encoding)"]

    def test_xlsx_with_real_dates(self, tmp_path):
        import datetime as dt

        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(["Title", "Item Type", "Status", "Due Date", "Probability", "Impact"])
        ws.append(["Late kit", "Risk", "Open", dt.datetime(2026, 12, 1), 4, 3])
        wb.save(tmp_path / "raid.xlsx")
        raid = src.read_raid(tmp_path / "raid.xlsx")
        assert raid["due"].item() == pd.Timestamp("2026-12-01") and raid["impact"].item() == 3


class TestReadMilestones:
    def test_read_and_drop_rows_without_baseline(self):
        dq = DataQuality()
        ms = src.read_milestones(FIXTURES / "milestones.csv", dq=dq)
        assert ms["milestone"].tolist() == ["Pilot", "Wave 1", "Wave 2"]
        assert ms.loc[0, "actual"] == pd.Timestamp("2026-10-23")
        assert dq.frame()[["field", "rows"]].values.tolist() == [["baseline", 1]]

    def test_missing_baseline_column(self, tmp_path):
        path = tmp_path / "m.csv"
        path.write_text("Milestone,Forecast\nA,2026-01-01\n", encoding="utf-8")
        with pytest.raises(InputError, match="'baseline'"):
            src.read_milestones(path)


class TestPrevious:
    def test_snapshot_round_trip(self, tmp_path):
        raid = src.read_raid(FIXTURES / "raid_sharepoint.csv")
        raid.loc[0, "title"] = '=HYPERLINK("http://x")'
        ms = src.read_milestones(FIXTURES / "milestones.csv")
        metrics = pd.DataFrame({"workbook": ["a"], "metric": ["delta"], "value": ["-3.5"]})
        paths = snapshots.write_snapshots(tmp_path, raid, ms, metrics)
        assert "'=HYPERLINK" in paths[0].read_text(encoding="utf-8")  # neutralised for Excel
        (tmp_path / "metrics.json").write_text(json.dumps({"open_risks": 3}), encoding="utf-8")
        prev = src.read_previous(tmp_path)
        assert prev.raid.loc[0, "title"] == '=HYPERLINK("http://x")'  # restored on reading
        assert prev.raid["open"].tolist() == raid["open"].tolist()
        assert prev.milestones["baseline"].tolist() == ms["baseline"].tolist()
        assert prev.workbook_metrics["value"].tolist() == ["-3.5"]
        assert prev.metrics == {"open_risks": 3}

    def test_missing_folder_and_metrics(self, tmp_path):
        assert src.read_previous(None) is None
        with pytest.raises(InputError, match="no such folder"):
            src.read_previous(tmp_path / "nope")
        with pytest.raises(InputError, match="metrics.json"):
            src.read_previous(tmp_path)

    def test_sample_previous_run(self, root):
        dq = DataQuality()
        prev = src.read_previous(root / "data" / "sample" / "status" / "previous_run", dq=dq)
        assert len(dq) == 0 and not prev.raid.empty and len(prev.milestones) == 12


def test_params_check_inputs_reports_reader_errors(tmp_path):
    from pmokit.status.params import StatusDeckParams

    bad = tmp_path / "raid.csv"
    bad.write_text("Type,Heading,Status\nRisk,x,Open\n", encoding="utf-8")
    model = StatusDeckParams
    ok = model(
        raid_path=str(FIXTURES / "raid_sharepoint.csv"),
        milestones_path=str(FIXTURES / "milestones.csv"),
        previous_dir=None,
    )
    assert ok.check_inputs() == []
    problems = model(
        raid_path=str(bad), milestones_path=str(FIXTURES / "milestones.csv"), previous_dir=None
    ).check_inputs()
    assert len(problems) == 1 and problems[0].startswith("raid.csv: field 'title'")
