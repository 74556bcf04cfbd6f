"""Every hostile file in every input of every workbook: ``pmokit check`` refuses it in one line each.

The matrix: for each workbook, a minimal valid params file (its required inputs from the bundled
sample data); one input at a time is replaced by a hostile file from :mod:`hostile_corpus`. Expected:
exit 2, one line per problem naming the params file, the key or file at fault, and no traceback,
within a few seconds. Header-only exports of optional lists (no exceptions, an empty RAID log) may
be accepted: an empty list is a real answer there; a traceback never is. A UTF-16 file without a
byte-order mark is read as UTF-16 (accepted), or refused in one line by a reader that needs UTF-8.
"""

from __future__ import annotations

import time
from pathlib import Path

import hostile_corpus as hc
import pytest
import yaml

from pmokit import cli

S = hc.SAMPLE

#: workbook -> (required params, {input field: the sample file it normally holds}).
WORKBOOKS = {
    "rollout_plan": (
        {
            "sites_path": S / "rollout/sites.csv",
            "columns": {"devices": "Device count"},
            "capacity_path": S / "rollout/capacity.csv",
        },
        {
            "sites_path": S / "rollout/sites.csv",
            "capacity_path": S / "rollout/capacity.csv",
            "baseline_path": S / "rollout/baseline_plan.csv",
            "actuals_path": S / "rollout/actuals.csv",
        },
    ),
    "compliance_report": (
        {"devices_path": S / "compliance/DevicesWithInventory_2026-11-23.zip"},
        {
            "devices_path": S / "compliance/DevicesWithInventory_2026-11-23.zip",
            "settings_path": S / "compliance/device_settings.csv",
            "org_path": S / "compliance/org_mapping.csv",
            "exceptions_path": S / "compliance/exceptions.csv",
        },
    ),
    "survey_analysis": (
        {"responses_path": S / "survey/responses.xlsx", "survey_path": S / "survey/survey.yaml"},
        {
            "responses_path": S / "survey/responses.xlsx",
            "survey_path": S / "survey/survey.yaml",
            "population_path": S / "survey/population.csv",
            "previous_path": S / "survey/previous.xlsx",
        },
    ),
    "delivery_kpis": (
        {"items_path": S / "delivery/jira_cloud.csv"},
        {"items_path": [S / "delivery/jira_cloud.csv", S / "delivery/trello_board.json"]},
    ),
    "workspace_hygiene": (
        {"sites_path": S / "workspace/sharepoint_site_usage.csv"},
        {
            "sites_path": S / "workspace/sharepoint_site_usage.csv",
            "owners_path": S / "workspace/staff.csv",
            "previous_path": S / "workspace/previous_queue.xlsx",
            "teams_path": S / "workspace/teams_team_activity.csv",
        },
    ),
    "status_deck": (
        {
            "raid_path": S / "status/raid_log.csv",
            "milestones_path": S / "status/milestones.csv",
            "reports_dir": S / "status",  # a folder without run folders: the deck says each is missing
        },
        {"raid_path": S / "status/raid_log.csv", "milestones_path": S / "status/milestones.csv"},
    ),
    "event_attendance": (
        {"attendance_paths": S / "events/attendance"},
        {
            "attendance_paths": S / "events/attendance/participants_84512367790.csv",
            "roster_path": S / "events/roster.csv",
            "registrations_path": S / "events/registrations.csv",
            "plan_path": S / "rollout/baseline_plan.csv",
        },
    ),
}

#: Inputs a header-only export must be refused for: nothing to plan, rate or analyse.
MUST_HAVE_ROWS = {
    ("rollout_plan", "sites_path"),
    ("compliance_report", "devices_path"),
    ("survey_analysis", "responses_path"),
    ("delivery_kpis", "items_path"),
    ("workspace_hygiene", "sites_path"),
    ("event_attendance", "attendance_paths"),
}

#: Seconds one ``pmokit check`` of a hostile file may take on a busy 2-core machine.
TIME_LIMIT_S = 20


#: Hostile kind -> (the suffixes of the inputs it stands in for, its maker(folder, sample)).
KINDS = {
    "binary": ({".csv", ".xlsx", ".json", ".yaml", ".zip"}, lambda d, s: hc.binary_garbage(d, s.suffix)),
    "empty": ({".csv", ".xlsx", ".json", ".yaml", ".zip"}, lambda d, s: hc.empty_file(d, s.suffix)),
    "xlsx_named_csv": ({".csv"}, lambda d, s: hc.xlsx_renamed(d)),
    "truncated_xlsx": ({".csv", ".xlsx"}, lambda d, s: hc.broken_xlsx(d)),
    "far_cell_xlsx": ({".csv", ".xlsx"}, lambda d, s: hc.xlsx_far_cell(d)),
    "nested_json": ({".json"}, lambda d, s: hc.deeply_nested_json(d)),
    "header_only": ({".csv"}, hc.header_only),
    "utf16_no_bom": ({".csv", ".yaml"}, hc.utf16_without_bom),
    "one_long_line": ({".csv"}, lambda d, s: hc.long_single_line(d, s.suffix)),
}


def _cases() -> list:
    """(workbook, field, kind, sample) for every kind that applies to an input's format."""
    cases = []
    for workbook, (_, fields) in WORKBOOKS.items():
        for field, samples in fields.items():
            for sample in samples if isinstance(samples, list) else [samples]:
                for kind, (suffixes, _) in KINDS.items():
                    if sample.suffix in suffixes:
                        case_id = f"{workbook}-{field}{sample.suffix}-{kind}"
                        cases.append(pytest.param(workbook, field, kind, sample, id=case_id))
    return cases


def write_params(folder: Path, workbook: str, values: dict) -> Path:
    """A params file ``<folder>/<workbook>/hostile.yaml`` (the folder names the workbook)."""
    target = folder / workbook / "hostile.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    plain = {k: str(v) if isinstance(v, Path) else v for k, v in values.items()}
    target.write_text(yaml.safe_dump(plain), encoding="utf-8")
    return target


def run_check(params: Path, capsys) -> tuple[int, list[str], str]:
    """(exit code, problem lines, everything printed) of ``pmokit check params``."""
    code = cli.main(["check", str(params)])
    out = capsys.readouterr()
    printed = out.out + out.err
    lines = [line for line in out.err.splitlines() if line.strip()]
    problems = [line for line in lines if line.startswith(" ")]  # under a heading line, when there is one
    return code, problems or lines, printed


def assert_one_line_problems(code: int, lines: list[str], printed: str, names: tuple[str, ...]) -> None:
    """Exit 2; every problem one short line naming one of ``names``; nothing of Python's internals."""
    assert "Traceback" not in printed and "Error:" not in printed.replace("InputError", ""), printed[:2000]
    assert code == 2, printed[:2000]
    assert lines, "no problem was printed"
    for line in lines:
        assert len(line) < 600, f"problem line of {len(line)} characters"
        assert any(name in line for name in names), f"{line!r} names none of {names}"


@pytest.mark.parametrize(("workbook", "field", "kind", "sample"), _cases())
def test_hostile_file_in_each_input(workbook: str, field: str, kind: str, sample: Path, tmp_path: Path, capsys) -> None:
    """The hostile file placed in one input: refused in one line naming that file, or (a header-only
    optional list) accepted; never a traceback, never unbounded time."""
    base, _ = WORKBOOKS[workbook]
    hostile = KINDS[kind][1](tmp_path, sample)
    params = write_params(tmp_path, workbook, {**base, field: hostile})
    started = time.perf_counter()
    code, lines, printed = run_check(params, capsys)
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_LIMIT_S, f"check took {elapsed:.1f} s"
    may_pass = kind == "utf16_no_bom" or (kind == "header_only" and (workbook, field) not in MUST_HAVE_ROWS)
    if may_pass and code == 0:
        assert "Traceback" not in printed
        return  # the same export read as UTF-16, or an empty optional list: a real answer
    assert_one_line_problems(code, lines, printed, (hostile.name,))


# ----------------------------------------------------------------------------- zipped exports
def test_zip_bomb_device_export_refused_by_ratio(tmp_path: Path, capsys) -> None:
    """A 64 MB CSV deflated to about 64 KB (ratio about 1000:1, the shape of the 7 MB zip that inflated
    to 7.8 GB): refused from the zip's directory before anything is inflated."""
    bomb = hc.zip_bomb(tmp_path)
    params = write_params(tmp_path, "compliance_report", {"devices_path": bomb})
    started = time.perf_counter()
    code, lines, printed = run_check(params, capsys)
    assert time.perf_counter() - started < 5
    assert_one_line_problems(code, lines, printed, (bomb.name,))
    assert "zip bomb" in printed and "devices_path" in printed


def test_zip_over_the_size_cap_refused(tmp_path: Path, capsys, monkeypatch) -> None:
    """The bundled sample zip (a few hundred KB inflated) against a cap lowered to 10 KB: the size
    cap is what refuses it (its ratio is ordinary), and the message says how to raise it."""
    import pmokit.sources as sources

    monkeypatch.setattr(sources, "MAX_UNZIPPED_BYTES", 10 << 10)
    sample = S / "compliance/DevicesWithInventory_2026-11-23.zip"
    params = write_params(tmp_path, "compliance_report", {"devices_path": sample})
    code, lines, printed = run_check(params, capsys)
    assert_one_line_problems(code, lines, printed, (sample.name,))
    assert "PMOKIT_MAX_UNZIPPED_BYTES" in printed


def test_zip_bomb_among_history_snapshots_refused(tmp_path: Path, capsys) -> None:
    """A bomb dropped into the folder of earlier exports: `pmokit check` lists the folder and refuses
    it there, instead of the run meeting it while reading history."""
    history = tmp_path / "history"
    history.mkdir()
    bomb = hc.zip_bomb(history, name="DevicesWithInventory_2026-11-16.zip")
    params = write_params(
        tmp_path,
        "compliance_report",
        {**WORKBOOKS["compliance_report"][0], "history_dir": history},
    )
    code, lines, printed = run_check(params, capsys)
    assert_one_line_problems(code, lines, printed, (bomb.name,))


def test_quoted_header_intune_export_passes_check_and_reads(tmp_path: Path, capsys) -> None:
    """PowerShell's Export-Csv (UTF-8 BOM, every field quoted) passed `check` and then failed with
    KeyError 'Device ID' in the reader: both now read the same two devices."""
    from pmokit.sources.intune import read_devices

    export = hc.quoted_header_intune(tmp_path)
    params = write_params(tmp_path, "compliance_report", {"devices_path": export})
    code, _, printed = run_check(params, capsys)
    assert code == 0, printed
    devices = read_devices(export)
    assert devices["device_id"].tolist() == ["d-1", "d-2"]
    assert devices["state"].tolist() == ["compliant", "noncompliant"]


def test_nested_metrics_json_in_previous_status_run(tmp_path: Path, capsys) -> None:
    """Last week's status run folder holding a metrics.json nested 100,000 levels deep: one line."""
    previous = tmp_path / "previous"
    previous.mkdir()
    hc.deeply_nested_json(previous).rename(previous / "metrics.json")
    params = write_params(tmp_path, "status_deck", {**WORKBOOKS["status_deck"][0], "previous_dir": previous})
    code, lines, printed = run_check(params, capsys)
    assert_one_line_problems(code, lines, printed, ("metrics.json", "previous"))
