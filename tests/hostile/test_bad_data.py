"""Bad data that used to be accepted with a wrong headline (issue 15): workspace, status, compliance, rollout.

Each case is a small hand-made file shaped like a real export gone wrong. Expected either (a) ``pmokit
check`` refuses it with exit 2 and one line naming the file, the field, what was expected and what was
found, or (b) the reader writes a data-quality line with the exact wording and the assessment's headline
says the figure is unknown or uncertain: grey with the reason, or the verdict carries the caveat; never a
confident green, a confident "done" or a confident 0. Every expected value is worked out by hand in the
comments. Two cases also run end to end through their notebook (marked e2e).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pmokit import cli
from pmokit import workbooks as registry
from pmokit.compliance import assess as compliance
from pmokit.compliance.params import ComplianceReportParams
from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import intune, m365, sites, status_inputs
from pmokit.status import assess as status
from pmokit.status.params import StatusDeckParams
from pmokit.workspace import assess as workspace
from pmokit.workspace.params import WorkspaceHygieneParams

TODAY = pd.Timestamp("2026-12-01")  # the day the files are "read" in the reader-level cases

SITE_HEADER = (
    "Report Refresh Date,Site Id,Site URL,Owner Display Name,Is Deleted,Last Activity Date,File Count,"
    "Active File Count,Page View Count,Visited Page Count,Storage Used (Byte),Storage Allocated (Byte),"
    "Root Web Template,Owner Principal Name,Report Period"
)
TB = 1024**4


def findings(dq: DataQuality) -> list[tuple[str, str, str, str, int]]:
    """The data-quality log as (file, field, problem, action, rows) tuples."""
    return [tuple(f.values()) for f in dq.findings]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ============================================================================ workspace (SharePoint site usage)
def site_row(site_id: str, owner: str, last_activity: str, used: str, allocated: str = str(TB)) -> str:
    """One row of the classic 15-column export, refreshed 2026-11-26, a group site, not deleted."""
    name = owner.split("@")[0].title() if owner else ""
    return (
        f"2026-11-26,{site_id},https://t.sharepoint.com/sites/{site_id},{name},False,{last_activity},10,1,5,2,"
        f"{used},{allocated},Group,{owner},30"
    )


def blank_storage_export(folder: Path) -> Path:
    """A site usage export whose Storage Used (Byte) column is blank on every row (the column emptied by a
    filter in Excel, or a report whose storage figures were not computed): 3 owned sites active 6 days
    before the refresh date. It was reported as "0.00 TB" and, with nothing queued, as DONE."""
    rows = [site_row(f"s{i}", f"o{i}@t.com", "2026-11-20", "") for i in range(3)]
    return write(folder, "blank_storage.csv", "\ufeff" + SITE_HEADER + "\n" + "\n".join(rows) + "\n")


class TestWorkspace:
    def test_blank_storage_column_is_unknown_not_zero_tb(self, tmp_path):
        path = blank_storage_export(tmp_path)
        dq = DataQuality()
        frame = m365.read_site_usage(path, dq=dq)
        assert findings(dq) == [
            (
                "blank_storage.csv",
                "Storage Used (Byte)",
                "blank in every row",
                "storage not measured: shown as — (not 0 TB), storage signals not checked",
                3,
            )
        ]
        result = workspace.assess(frame, WorkspaceHygieneParams(sites_path=str(path)))
        m = result.metrics
        # storage, hotspots and large sites unknown (None -> JSON null, "—"), not 0
        assert (m["storage_used_tb"], m["storage_hotspots"], m["large_sites"]) == (None, None, None)
        # no other signal: owned, 6 days idle (< 90): queue 0 of 3, which would be DONE; storage unknown -> grey
        assert (m["queue_size"], m["sites"]) == (0, 3)
        assert result.rating.rag == "grey"
        assert result.rating.reason == (
            "uncertain: Storage Used (Byte) is blank for every live site, so storage is not measured"
        )
        assert result.recorded_metrics()["queue_share_pct_rag"] == "grey"
        assert result.verdict == (
            "0 of 3 live sites (0%) need an owner, a clean-up or a review. Uncertain: Storage Used (Byte) is blank "
            "for every live site, so storage is not measured; the queue may be larger."
        )
        tile = next(t for t in result.tiles if t.label == "Storage used")
        assert (tile.value, tile.note) == ("—", "Storage Used (Byte) blank for every live site")

    def test_blank_last_activity_column_is_not_every_site_never_used(self, tmp_path):
        """Last Activity Date blank on every row (the column cleared, or dates lost in a re-save): every site
        read as "never used", so 4 of 4 sites were queued as inactive (100%, RED)."""
        rows = [site_row(f"s{i}", f"o{i}@t.com", "", "1073741824") for i in range(3)]
        rows.append(site_row("s3", "", "", "1073741824"))  # the one site without an owner
        path = write(tmp_path, "no_activity.csv", SITE_HEADER + "\n" + "\n".join(rows) + "\n")
        dq = DataQuality()
        frame = m365.read_site_usage(path, dq=dq)
        assert (
            "no_activity.csv",
            "Last Activity Date",
            "blank in every row",
            "activity not measured: shown as — (no site called never used)",
            4,
        ) in findings(dq)
        assert not any(f[2] == "blank: site never active" for f in findings(dq))  # not 4 "never used" sites
        result = workspace.assess(frame, WorkspaceHygieneParams(sites_path=str(path)))
        # queued: only the ownerless site -> 1 of 4 = 25% (amber: above 10%, not above 25%);
        # amber stands (inactivity could only add sites), with the caveat in the reason and the verdict
        assert (result.metrics["queue_size"], result.metrics["queue_share_pct"]) == (1, 25.0)
        assert result.metrics["inactive_sites"] is None and result.metrics["never_active_sites"] is None
        assert result.rating.rag == "amber"
        assert result.rating.reason == (
            "Share of live sites in the queue 25%, above 10%; at least: Last Activity Date is blank for every "
            "live site, so inactivity is not measured"
        )
        assert result.verdict.endswith(
            "Uncertain: Last Activity Date is blank for every live site, so inactivity is not measured; "
            "the queue may be larger."
        )
        assert next(t for t in result.tiles if t.label == "Inactive").value == "—"

    def test_site_listed_twice_is_counted_once(self, tmp_path):
        """Two exports pasted together: the same Site Id twice (once upper case, as Excel may leave a GUID)."""
        rows = [
            site_row("aa-1", "ann@t.com", "2026-11-20", "1073741824"),
            site_row("AA-1", "ann@t.com", "2026-11-20", "1073741824"),
            site_row("bb-2", "bob@t.com", "2026-11-20", "1073741824"),
        ]
        path = write(tmp_path, "twice.csv", SITE_HEADER + "\n" + "\n".join(rows) + "\n")
        dq = DataQuality()
        frame = m365.read_site_usage(path, dq=dq)
        assert frame["site_id"].tolist() == ["aa-1", "bb-2"]
        assert ("twice.csv", "Site Id", "site listed more than once", "first row kept", 1) in findings(dq)
        result = workspace.assess(frame, WorkspaceHygieneParams(sites_path=str(path)))
        # 2 sites of 1 GiB each: 2 / 1024 TB = 0.00195... -> 0.002 (not 0.003 from counting aa-1 twice)
        assert (result.metrics["sites"], result.metrics["storage_used_tb"]) == (2, 0.002)


# ============================================================================ status deck (RAID log, milestones)
RAID_HEADER = "ID,Title,Item Type,Owner,Date Raised,Due Date,Status,Probability,Impact,Date Closed\n"
MILESTONE_HEADER = "Milestone,Workstream,Baseline Date,Forecast Date,Actual Date,Status\n"
ON_TIME = MILESTONE_HEADER + "Pilot complete,Rollout,2026-11-10,2026-11-10,2026-11-10,Complete\n"


def status_result(raid: pd.DataFrame, milestones: pd.DataFrame, folder: Path, **params) -> status.StatusResult:
    """The assessment with no workbook run (every workbook missing) and the registry's deck rules."""
    p = StatusDeckParams(
        raid_path=str(write(folder, "p_raid.csv", RAID_HEADER)),
        milestones_path=str(write(folder, "p_ms.csv", ON_TIME)),
        **params,
    )
    ids = registry.deck_workbooks()
    runs = status_inputs.select_runs(None, ids)
    return status.assess(
        runs, raid, milestones, None, p, deck_rules=registry.deck_rules(ids), headlines=registry.deck_headlines(ids)
    )


class TestStatus:
    def test_header_only_raid_log_gives_unknown_counts(self, tmp_path):
        """A SharePoint list exported with a filter that matched nothing: the header row and no item. It was
        reported as "0 open risks, 0 overdue actions" (green) and "every input row was read as is"."""
        dq = DataQuality()
        raid = status_inputs.read_raid(write(tmp_path, "raid.csv", "\ufeff" + RAID_HEADER), dq=dq)
        milestones = status_inputs.read_milestones(write(tmp_path, "ms.csv", ON_TIME), dq=dq)
        assert findings(dq) == [
            ("raid.csv", "(rows)", "no RAID item below the header row", "RAID counts shown as — (unknown, not 0)", 0)
        ]
        result = status_result(raid, milestones, tmp_path, period_end="2026-11-20")
        m = result.recorded_metrics()
        for name in status.RAID_COUNTS:
            assert m[name] is None, name
        assert (m["overdue_actions_rag"], m["decisions_needed_rag"]) == ("grey", "grey")
        # the only rule with data: 0 of 1 milestones slipped (green); the RAID log read nothing -> grey
        assert m["overall_rag"] == "grey" and m["overall_rag_computed"] == "green"
        assert result.verdict == (
            "Portfolio NO DATA for the week ending 2026-11-20: uncertain: the RAID log gave no item (only a header "
            "row, or every row dropped: see Data quality) (the rules with data gave green)."
        )
        tiles = {t.label: t.value for t in result.tiles}
        assert (tiles["Open risks"], tiles["Overdue actions"], tiles["Decisions needed"]) == ("—", "—", "—")
        assert "RAID counts unknown: the RAID log gave no item (see Data quality)." in result.bullets

    def test_raid_log_with_every_item_closed_reads_zero(self, tmp_path):
        """The contrast: a log whose 2 items are all closed was read, so 0 open risks is a real 0 (green)."""
        text = RAID_HEADER + (
            "1,Supplier late,Risk,Ann,2026-10-01,2026-11-01,Closed,4,5,2026-11-02\n"
            "2,Order laptops,Action,Bob,2026-10-05,2026-10-20,Done,,,2026-10-19\n"
        )
        dq = DataQuality()
        raid = status_inputs.read_raid(write(tmp_path, "raid.csv", text), dq=dq)
        milestones = status_inputs.read_milestones(write(tmp_path, "ms.csv", ON_TIME))
        assert findings(dq) == []
        result = status_result(raid, milestones, tmp_path, period_end="2026-11-20")
        m = result.recorded_metrics()
        assert (m["open_risks"], m["overdue_actions"], m["decisions_needed"]) == (0, 0, 0)
        assert m["overall_rag"] == "green"
        tile = next(t for t in result.tiles if t.label == "Open risks")
        assert (tile.value, tile.note) == ("0", "0 high (score >= 15); 2 RAID items read")

    def test_milestones_with_every_baseline_blank_are_unknown(self, tmp_path):
        """A milestones list whose Baseline Date column was never filled in: 2 rows, no slip measurable. It
        was reported as "0 of 0 milestones slipped" (green)."""
        text = MILESTONE_HEADER + "Pilot,Rollout,,2026-11-10,,Open\nWave 1,Rollout,,2026-12-10,,Open\n"
        dq = DataQuality()
        milestones = status_inputs.read_milestones(write(tmp_path, "ms.csv", text), dq=dq)
        assert findings(dq) == [
            ("ms.csv", "baseline", "no baseline date", "row dropped (slip cannot be measured)", 2),
            (
                "ms.csv",
                "(rows)",
                "no milestone with a baseline date left: all 2 row(s) dropped",
                "milestone slips shown as — (unknown, not 0)",
                2,
            ),
        ]
        raid = status_inputs.read_raid(
            write(tmp_path, "raid.csv", RAID_HEADER + "1,R,Risk,Ann,2026-11-01,,Open,2,2,\n")
        )
        result = status_result(raid, milestones, tmp_path, period_end="2026-11-20")
        assert result.metrics["milestones_slipped"] is None
        assert result.ratings["milestones_slipped"].rag == "grey"
        assert result.ratings["milestones_slipped"].reason == (
            "Milestones slipped: the milestones file gave no milestone with a baseline date"
        )
        assert next(t for t in result.tiles if t.label == "Milestones slipped").value == "—"
        assert "Milestone slips unknown: the milestones file gave no milestone with a baseline date." in result.bullets

    def test_raid_dates_in_1900_and_2099_do_not_move_the_status_date(self, tmp_path):
        """A RAID log with a placeholder date (1900-01-01) and a typo (2099 for 2026) in Date Raised. The
        status date defaults to the latest raised date: it became 2099-01-05, and the action due on
        2026-11-10 read as 26,000 days overdue."""
        text = RAID_HEADER + (
            "1,Old placeholder,Risk,Ann,1900-01-01,,Open,2,2,\n"
            "2,Typo year,Risk,Bob,2099-01-05,,Open,3,3,\n"
            "3,Book technicians,Action,Cy,2026-11-02,2026-11-10,Open,,,\n"
        )
        dq = DataQuality()
        raid = status_inputs.read_raid(write(tmp_path, "raid.csv", text), dq=dq, today=TODAY)
        assert findings(dq) == [
            ("raid.csv", "raised", "date before 2000 (a placeholder), e.g. 1900-01-01", "left blank", 1),
            ("raid.csv", "raised", "date in the future (not yet happened), e.g. 2099-01-05", "left blank", 1),
        ]
        milestones = status_inputs.read_milestones(write(tmp_path, "ms.csv", ON_TIME))
        result = status_result(raid, milestones, tmp_path)
        # latest raised date left: 2026-11-02; the action is due 2026-11-10, after it: not overdue
        assert result.metrics["period_end"] == "2026-11-02"
        assert result.metrics["overdue_actions"] == 0
        assert result.metrics["open_risks"] == 2  # both risks are still read, only their dates are blank


# ============================================================================ compliance (Intune device export)
DEVICE_HEADER = "Device ID,Device name,Primary user UPN,OS,OS version,Compliance,Last check-in\n"


def device_rows(*rows: tuple[str, str, str]) -> str:
    """(device id, compliance, last check-in) -> rows of the portal's All-devices export."""
    return "".join(f"{d},PC-{d},{d}@t.com,Windows,10.0.22631.1,{state},{seen}\n" for d, state, seen in rows)


def compliance_of(path: Path, dq: DataQuality | None = None, today: pd.Timestamp = TODAY):
    devices = intune.read_devices(path, dq=dq, today=today)
    return compliance.assess(devices, ComplianceReportParams(devices_path=str(path)))


class TestCompliance:
    def test_blank_compliance_column_is_grey_not_zero_percent(self, tmp_path):
        """An All-devices export with the Compliance column present but blank on every row (exported from a
        view without the column's values). Every device read as "unknown": "0.0% compliant", RED."""
        text = DEVICE_HEADER + device_rows(
            ("d1", "", "2026-11-20 08:00:00"), ("d2", "", "2026-11-21 08:00:00"), ("d3", "", "2026-11-22 08:00:00")
        )
        path = write(tmp_path, "DevicesWithInventory_2026-11-23.csv", text)
        dq = DataQuality()
        result = compliance_of(path, dq)
        assert findings(dq) == [
            (
                "DevicesWithInventory_2026-11-23.csv",
                "Compliance",
                "blank in every row",
                "compliance not measured: rates shown as — (not 0%)",
                3,
            )
        ]
        m = result.recorded_metrics()
        # all 3 checked in 1-3 days before 2026-11-23 (in scope); no state: no rate, grey with the reason
        assert (m["in_scope_devices"], m["compliance_pct"], m["adjusted_compliance_pct"]) == (3, None, None)
        assert (m["compliance_pct_rag"], m["verdict_rag"]) == ("grey", "grey")
        assert result.rating.reason == "Compliance: the Compliance column is blank for all 3 in-scope devices"
        assert result.verdict == (
            "Compliance unknown on 23 Nov 2026: the Compliance column is blank for all 3 in-scope devices, so no "
            "rate can be measured (export the device list again with its Compliance column)."
        )
        assert result.tiles[0].value == "—"
        assert m["compliance_change_pts"] is None

    def test_some_blank_states_make_the_rate_a_lower_bound(self, tmp_path):
        """The same export with one blank cell among four devices: counted as not compliant, and said so."""
        text = DEVICE_HEADER + device_rows(
            ("d1", "Compliant", "2026-11-20 08:00:00"),
            ("d2", "Compliant", "2026-11-21 08:00:00"),
            ("d3", "Noncompliant", "2026-11-22 08:00:00"),
            ("d4", "", "2026-11-22 09:00:00"),
        )
        path = write(tmp_path, "DevicesWithInventory_2026-11-23.csv", text)
        dq = DataQuality()
        result = compliance_of(path, dq)
        assert findings(dq) == [
            (
                "DevicesWithInventory_2026-11-23.csv",
                "Compliance",
                "blank compliance state",
                "counted as not compliant (other state)",
                1,
            )
        ]
        # 2 compliant of 4 in scope = 50.0% (red, below 80%)
        assert (result.metrics["compliance_pct"], result.metrics["unreported_state_devices"]) == (50.0, 1)
        assert result.ratings["compliance_pct"].rag == "red"
        assert result.verdict.endswith(
            "Uncertain: 1 in-scope device has a blank Compliance state, counted as not compliant (the rate is a "
            "lower bound)."
        )

    def test_checkins_in_1900_and_2099_are_not_real_checkins(self, tmp_path):
        """A device list with a placeholder check-in (1900-01-01, how some tools write "never") and a typo
        (2099). Without a date in the file name the report date is the latest check-in: it was 2099-01-01,
        which made three devices stale and the rate that of one device."""
        text = DEVICE_HEADER + device_rows(
            ("d1", "Compliant", "2026-11-20 08:00:00"),
            ("d2", "Compliant", "2026-11-21 08:00:00"),
            ("d3", "Compliant", "1900-01-01 00:00:00"),
            ("d4", "Noncompliant", "2099-01-01 00:00:00"),
        )
        path = write(tmp_path, "devices.csv", text)
        dq = DataQuality()
        result = compliance_of(path, dq)
        assert findings(dq) == [
            (
                "devices.csv",
                "Last check-in",
                "check-in before 2000 or in the future (e.g. '1900-01-01 00:00:00')",
                "treated as never checked in (stale)",
                2,
            )
        ]
        # report date: latest real check-in 2026-11-21; d1 (1 day) and d2 (0 days) in scope, d3 and d4 stale
        assert result.metrics["as_of"] == "2026-11-21"
        assert (result.metrics["in_scope_devices"], result.metrics["stale_devices"]) == (2, 2)
        assert result.metrics["compliance_pct"] == 100.0  # 2 of 2

    def test_export_with_no_plausible_checkin_is_refused(self, tmp_path):
        text = DEVICE_HEADER + device_rows(("d1", "Compliant", "1900-01-01"), ("d2", "Compliant", "2099-01-01"))
        path = write(tmp_path, "devices.csv", text)
        with pytest.raises(InputError) as caught:
            intune.read_devices(path, today=TODAY)
        assert str(caught.value) == (
            "devices.csv: field 'Last check-in': expected check-in dates from 2000 to today, got '1900-01-01' "
            "(no other date in the export)"
        )


# ============================================================================ rollout (sites list, capacity)
def check(params: Path, capsys) -> tuple[int, list[str]]:
    """(exit code, problem lines) of ``pmokit check params``."""
    code = cli.main(["check", str(params)])
    err = capsys.readouterr().err
    return code, [line.strip() for line in err.splitlines() if line.startswith(" ")]


def rollout_params(folder: Path, **values) -> Path:
    target = folder / "rollout_plan" / "bad.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump({k: str(v) if isinstance(v, Path) else v for k, v in values.items()}), "utf-8")
    return target


class TestRollout:
    def test_ready_date_in_2099_is_refused_by_check(self, tmp_path, capsys):
        """A sites list with 2099 typed for 2029 in one Ready date: planned as given, the plan waited 73 years
        and ended in 2100. Nothing meaningful can be planned from it: refused in one line."""
        listing = write(
            tmp_path,
            "sites.csv",
            "site_id,region,country,devices,ready_date\nS1,EU,DE,20,2027-02-01\nS2,EU,DE,30,2099-03-01\n",
        )
        code, lines = check(rollout_params(tmp_path, sites_path=listing, technicians={"EU": 2}), capsys)
        assert code == 2 and len(lines) == 1, lines
        line = lines[0]
        assert "sites.csv: field 'ready_date': expected a date from 2000-01-01 to " in line
        assert line.endswith("(10 years ahead), got '2099-03-01' (row 3; 1 such row(s))")

    def test_ready_date_before_2000_is_refused(self, tmp_path):
        """Excel's day 0 shown as 1900-01-01 in a Ready date column: refused, naming the row."""
        listing = write(tmp_path, "sites.csv", "site_id,region,country,devices,ready_date\nS1,EU,DE,20,1900-01-01\n")
        with pytest.raises(InputError) as caught:
            sites.read_sites(listing, today=TODAY)
        # today 2026-12-01 + 10 years = 2036-12-01
        assert str(caught.value) == (
            "sites.csv: field 'ready_date': expected a date from 2000-01-01 to 2036-12-01 (10 years ahead), "
            "got '1900-01-01' (row 2; 1 such row(s))"
        )

    def test_capacity_of_all_zeros_is_refused_by_check(self, tmp_path, capsys):
        """A capacity file with 0 technicians on every row (the numbers not filled in yet): no site could ever
        be rolled out. `pmokit check` refuses it, one line per region that has sites."""
        listing = write(tmp_path, "sites.csv", "site_id,region,country,devices\nS1,EU,DE,20\nS2,US,US,30\n")
        capacity = write(tmp_path, "capacity.csv", "region,technicians\nEU,0\nUS,0\n")
        code, lines = check(rollout_params(tmp_path, sites_path=listing, capacity_path=capacity), capsys)
        assert code == 2 and len(lines) == 2, lines
        for line, region in zip(lines, ("EU", "US")):
            assert "capacity.csv: field 'technicians': expected technicians for every region that has sites" in line
            assert f"region '{region}' has 1 site(s) but no technicians" in line


# ============================================================================ end to end through the notebooks
def run_notebook(tmp_path: Path, workbook: str, params: dict, files: dict[str, str]) -> Path:
    """Write ``files`` and a params file into ``<tmp>/<workbook>/``, run it with ``pmokit run``; the run folder."""
    folder = tmp_path / workbook
    folder.mkdir()
    for name, text in files.items():
        write(folder, name, text)
    (folder / "bad.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["run", "-q", "--out", str(out), str(folder / "bad.yaml")]) == 0
    return out / workbook / "bad"


@pytest.mark.e2e
def test_blank_storage_column_end_to_end(tmp_path):
    from report_scan import report_problems

    export = blank_storage_export(tmp_path).read_text(encoding="utf-8")
    run = run_notebook(tmp_path, "workspace_hygiene", {"sites_path": "sites.csv"}, {"sites.csv": export})
    metrics = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["storage_used_tb"] is None and metrics["verdict_rag"] == "grey"
    page = (run / "report.html").read_text(encoding="utf-8")
    assert "Uncertain: Storage Used (Byte) is blank for every live site, so storage is not measured" in page
    assert "0.00 TB" not in page
    assert "storage not measured: shown as — (not 0 TB), storage signals not checked" in page  # data quality
    assert "Nothing to show: Storage Used (Byte) is blank for every live site" in page  # no chart of 0 GB bars
    assert not (run / "storage_by_template.png").exists()
    assert report_problems(run) == []


@pytest.mark.e2e
def test_header_only_raid_log_end_to_end(tmp_path):
    from report_scan import report_problems

    run = run_notebook(
        tmp_path,
        "status_deck",
        {"raid_path": "raid.csv", "milestones_path": "ms.csv", "period_end": "2026-11-20"},
        {"raid.csv": "\ufeff" + RAID_HEADER, "ms.csv": ON_TIME},
    )
    metrics = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["open_risks"] is None and metrics["overall_rag"] == "grey"
    page = (run / "report.html").read_text(encoding="utf-8")
    assert "uncertain: the RAID log gave no item" in page
    assert "no RAID item below the header row" in page  # data quality, not "every input row was read as is"
    assert "every input row was read as is" not in page
    assert "Top 5 of — open risks" in page
    summary = (run / "summary.md").read_text(encoding="utf-8")
    assert "RAID counts unknown" in summary and "0 open risks" not in summary
    assert report_problems(run) == []


@pytest.mark.e2e
def test_blank_compliance_column_end_to_end(tmp_path):
    from report_scan import report_problems

    text = DEVICE_HEADER + device_rows(("d1", "", "2026-11-20 08:00:00"), ("d2", "", "2026-11-21 08:00:00"))
    run = run_notebook(
        tmp_path,
        "compliance_report",
        {"devices_path": "DevicesWithInventory_2026-11-23.csv", "history_store": str(tmp_path / "store")},
        {"DevicesWithInventory_2026-11-23.csv": text},
    )
    metrics = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["compliance_pct"] is None and metrics["verdict_rag"] == "grey"
    page = (run / "report.html").read_text(encoding="utf-8")
    assert "Compliance unknown on 23 Nov 2026: the Compliance column is blank for all 2 in-scope devices" in page
    assert not re.search(r"(?<![\d.])0\.0%", page)  # no rate of 0.0% anywhere (90.0% in the notes is fine)
    assert "compliance not measured: rates shown as — (not 0%)" in page
    assert not (run / "compliance_by_unit.png").exists()  # no chart of 0% bars
    assert report_problems(run) == []
