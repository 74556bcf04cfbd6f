"""Readers of Intune exports on small hand-made files (tests/fixtures/compliance/)."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import intune

HEADER = "Device ID,Device name,Last check-in,Compliance,OS,OS version,Primary user UPN\n"


@pytest.fixture
def fixtures(root):
    return root / "tests" / "fixtures" / "compliance"


class TestReadDevicesAllDevicesExport:
    def test_bom_file_reads_every_device_with_canonical_states(self, fixtures):
        frame = intune.read_devices(fixtures / "devices_bom.csv")
        # 4 rows in the file; BOM must not leak into the first header ('\ufeffDevice ID').
        assert frame["device_id"].tolist() == ["dev-1", "dev-2", "dev-3", "dev-4"]
        assert frame["state"].tolist() == ["compliant", "noncompliant", "in grace period", "not evaluated"]

    def test_dates_booleans_and_upns_are_parsed(self, fixtures):
        frame = intune.read_devices(fixtures / "devices_bom.csv")
        # '2026-11-22 08:14:33.0000000' has 7 fraction digits, which Python's parser rejects as is.
        assert frame.loc[0, "last_checkin"] == pd.Timestamp("2026-11-22 08:14:33")
        assert frame["encrypted"].tolist() == [True, False, True, True]
        assert frame.loc[0, "upn"] == "ana.silva@contoso.com"  # lower-cased for joins
        assert pd.isna(frame.loc[3, "upn"]) or frame.loc[3, "upn"] == ""

    def test_9999_grace_date_means_no_grace_period(self, fixtures):
        frame = intune.read_devices(fixtures / "devices_bom.csv")
        assert pd.isna(frame.loc[0, "grace_until"])
        assert frame.loc[2, "grace_until"] == pd.Timestamp("2026-11-26 08:00")

    def test_zip_as_delivered_by_intune(self, fixtures, tmp_path):
        archive = tmp_path / "DevicesWithInventory_2026-11-23.zip"
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr("readme.txt", "not the export")
            z.write(fixtures / "devices_bom.csv", arcname="DevicesWithInventory_1234.csv")
        frame = intune.read_devices(archive)
        assert len(frame) == 4 and frame.loc[1, "device_id"] == "dev-2"

    def test_zip_without_csv_is_a_clear_error(self, tmp_path):
        archive = tmp_path / "export.zip"
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr("readme.txt", "nothing")
        with pytest.raises(InputError, match="export.zip: field '\\(zip\\)': expected a .csv export"):
            intune.read_devices(archive)


class TestReadDevicesGraphReport:
    def test_loc_labels_win_over_codes(self, fixtures):
        frame = intune.read_devices(fixtures / "graph_noncompliant.csv")
        row = frame.set_index("device_id").loc["g-1"]
        assert row["state"] == "noncompliant"  # ComplianceState 2 / _loc 'Noncompliant'
        assert row["ownership"] == "Corporate"  # OwnerType_loc, not the code 1
        assert row["os"] == "macOS"  # OS_loc, not the code 3
        assert row["last_checkin"] == pd.Timestamp("2026-11-21 09:10:11")

    def test_device_listed_per_policy_keeps_worst_state(self, fixtures):
        dq = DataQuality()
        frame = intune.read_devices(fixtures / "graph_noncompliant.csv", dq=dq)
        # g-2 is 'In grace period' on one policy and 'Error' on another: Error is worse.
        assert len(frame) == 2
        assert frame.set_index("device_id").loc["g-2", "state"] == "error"
        assert dq.frame()["rows"].tolist() == [1]

    def test_codes_alone_are_mapped(self, tmp_path):
        path = tmp_path / "codes.csv"
        path.write_text("DeviceId,LastContact,ComplianceState\na,2026-11-20,1\nb,2026-11-20,5\nc,2026-11-20,6\n")
        assert intune.read_devices(path)["state"].tolist() == ["compliant", "in grace period", "configmgr"]


class TestBadDeviceInputs:
    def test_missing_compliance_column_names_file_field_and_headers(self, tmp_path):
        path = tmp_path / "no_state.csv"
        path.write_text("Device ID,Device name,Last check-in\nd1,PC1,2026-11-20\n")
        with pytest.raises(InputError) as err:
            intune.read_devices(path)
        text = str(err.value)
        assert text.startswith("no_state.csv: field 'state': expected a column 'ComplianceState_loc' or")
        assert "'Compliance'" in text and "headers 'Device ID', 'Device name', 'Last check-in'" in text

    def test_no_readable_checkin_date_is_an_error(self, tmp_path):
        path = tmp_path / "dates.csv"
        path.write_text(
            HEADER + "d1,PC1,yesterday,Compliant,Windows,10.0.1,a@x.com\nd2,PC2,soon,Compliant,Windows,10.0.1,b@x.com\n"
        )
        with pytest.raises(InputError, match="dates.csv: field 'Last check-in': expected dates .* got 'yesterday'"):
            intune.read_devices(path)

    def test_some_unreadable_dates_are_noted_and_left_blank(self, tmp_path):
        path = tmp_path / "dates.csv"
        path.write_text(
            HEADER + "d1,PC1,2026-11-20 10:00:00,Compliant,Windows,10.0.1,a@x.com\n"
            "d2,PC2,31/31/2026,Compliant,Windows,10.0.1,b@x.com\n"
        )
        dq = DataQuality()
        frame = intune.read_devices(path, dq=dq)
        assert pd.isna(frame.loc[1, "last_checkin"])
        found = dq.frame()
        assert found["field"].tolist() == ["Last check-in"] and found["rows"].tolist() == [1]

    def test_duplicate_device_ids_name_the_id_and_rows(self, tmp_path):
        path = tmp_path / "dups.csv"
        path.write_text(
            HEADER + "d1,PC1,2026-11-20,Compliant,Windows,10.0.1,a@x.com\n"
            "d2,PC2,2026-11-20,Compliant,Windows,10.0.1,b@x.com\n"
            "D1,PC1,2026-11-21,Noncompliant,Windows,10.0.1,a@x.com\n"
        )
        # Spreadsheet rows: header is row 1, so d1 is row 2 and D1 row 4 (IDs compare case-insensitively).
        with pytest.raises(
            InputError, match=r"dups.csv: field 'device_id': expected each device once, got 'd1' on rows \[2, 4\]"
        ):
            intune.read_devices(path)

    def test_cp1252_file_is_read_and_noted(self, tmp_path):
        path = tmp_path / "excel_saved.csv"
        path.write_bytes((HEADER + "d1,PC-Zoë,2026-11-20,Compliant,Windows,10.0.1,zoe@x.com\n").encode("cp1252"))
        dq = DataQuality()
        frame = intune.read_devices(path, dq=dq)
        assert frame.loc[0, "device_name"] == "PC-Zoë"
        assert dq.frame()["problem"].tolist() == ["file is not UTF-8"]

    def test_invalid_utf8_past_the_first_megabyte_falls_back_to_cp1252(self, tmp_path):
        # The encoding is judged on the first megabyte; a byte further down must not break the read.
        rows = "".join(f"d{i},PC{i},2026-11-20,Compliant,Windows,10.0.1,u{i}@x.com\n" for i in range(25_000))
        path = tmp_path / "late_cp1252.csv"
        path.write_bytes((HEADER + rows + "dz,PC-Zoë,2026-11-20,Compliant,Windows,10.0.1,zoe@x.com\n").encode("cp1252"))
        assert path.stat().st_size > 1 << 20
        dq = DataQuality()
        frame = intune.read_devices(path, dq=dq)
        assert len(frame) == 25_001 and frame["device_name"].iloc[-1] == "PC-Zoë"
        assert dq.frame()["problem"].tolist() == ["file is not UTF-8"]

    def test_rows_with_a_wrong_number_of_fields_are_skipped_and_counted(self, tmp_path):
        path = tmp_path / "cut.csv"
        path.write_text(
            HEADER + "d1,PC1,2026-11-20,Compliant,Windows,10.0.1,a@x.com\n"
            "d2,PC2,2026-11-20,Compliant\n"  # cut short
            "d3,PC3,2026-11-20,Compliant,Windows,10.0.1,c@x.com,extra\n"
            "d4,PC4,2026-11-20,Noncompliant,Windows,10.0.1,d@x.com\n"
        )
        dq = DataQuality()
        frame = intune.read_devices(path, dq=dq)
        assert frame["device_id"].tolist() == ["d1", "d4"]
        found = dq.frame()
        assert found["field"].tolist() == ["(row)"] and found["rows"].tolist() == [2]
        assert "7 fields per row" in found.loc[0, "problem"]

    def test_quoted_field_with_comma_and_line_break_stays_one_value(self, tmp_path):
        path = tmp_path / "quoted.csv"
        path.write_text(HEADER + 'd1,"PC, lab\nbench 2",2026-11-20,Compliant,Windows,10.0.1,a@x.com\n')
        frame = intune.read_devices(path)
        assert frame["device_name"].tolist() == ["PC, lab\nbench 2"]

    def test_unknown_state_label_is_counted_unknown_and_noted(self, tmp_path):
        path = tmp_path / "odd.csv"
        path.write_text(HEADER + "d1,PC1,2026-11-20,Quarantined,Windows,10.0.1,a@x.com\n")
        dq = DataQuality()
        assert intune.read_devices(path, dq=dq)["state"].tolist() == ["unknown"]
        assert "unrecognised state" in dq.frame().loc[0, "problem"]

    def test_column_mapping_for_renamed_header(self, tmp_path):
        path = tmp_path / "renamed.csv"
        path.write_text("Device ID,Last check-in,Policy status\nd1,2026-11-20,Compliant\n")
        frame = intune.read_devices(path, columns={"state": "Policy status"})
        assert frame["state"].tolist() == ["compliant"]


class TestSideFiles:
    def test_settings_keep_failing_rows_once(self, fixtures):
        frame = intune.read_settings(fixtures / "settings.csv")
        # 5 rows: one duplicate (dev-2 Firewall) and one 'Compliant' row (dev-3 Minimum OS version) go.
        assert frame[["device_id", "setting"]].values.tolist() == [
            ["dev-2", "BitLocker"],
            ["dev-2", "Firewall"],
            ["dev-3", "Is active"],
        ]

    def test_org_mapping_lowercases_and_dedupes_upns(self, fixtures):
        dq = DataQuality()
        frame = intune.read_org(fixtures / "org.csv", dq=dq)
        # BO.CHEN and bo.chen are the same user: the first row (Sales) is kept.
        assert frame.set_index("upn").loc["bo.chen@contoso.com", "business_unit"] == "Sales"
        assert len(frame) == 2 and dq.frame()["rows"].tolist() == [1]

    def test_exceptions_blank_setting_means_all_and_blank_expiry_is_noted(self, fixtures):
        dq = DataQuality()
        frame = intune.read_exceptions(fixtures / "exceptions.csv", dq=dq)
        assert frame["setting"].tolist() == ["BitLocker", "*", "*"]
        assert frame.loc[0, "expires"] == pd.Timestamp("2026-12-10")
        assert pd.isna(frame.loc[2, "expires"])
        assert dq.frame()["problem"].tolist() == ["exception without a readable expiry date"]

    def test_large_org_mapping_takes_the_fast_parser_with_same_result(self, tmp_path):
        path = tmp_path / "org_big.csv"
        rows = "".join(f"User{i}@X.com,Unit{i % 6},Site,Mgr\n" for i in range(80_000))  # > 2 MB
        path.write_bytes(
            b"\xef\xbb\xbf" + ("UPN,Business unit,Site,Manager\n" + rows + "user7@x.com,Other,S,M\n").encode()
        )
        dq = DataQuality()
        frame = intune.read_org(path, dq=dq)
        # 80,000 users + a repeat of user7 (first row kept, noted); BOM stripped from 'UPN'
        assert len(frame) == 80_000 and dq.frame()["rows"].tolist() == [1]
        assert frame.set_index("upn").loc["user7@x.com", "business_unit"] == "Unit1"

    def test_org_mapping_with_user_column_mapping(self, tmp_path):
        path = tmp_path / "hr.csv"
        path.write_text("Mail,Cost centre\nA@X.com,CC-12\n")
        frame = intune.read_org(path, columns={"business_unit": "Cost centre"})
        assert frame[["upn", "business_unit"]].values.tolist() == [["a@x.com", "CC-12"]]

    def test_org_mapping_without_business_unit_column(self, tmp_path):
        path = tmp_path / "org.csv"
        path.write_text("UPN,Site\na@x.com,Leeds\n")
        with pytest.raises(InputError, match="org.csv: field 'business_unit'"):
            intune.read_org(path)


class TestSnapshotDates:
    def test_iso_and_compact_dates_by_pattern(self):
        assert intune.snapshot_date("DevicesWithInventory_2026-11-16.csv") == pd.Timestamp("2026-11-16")
        assert intune.snapshot_date("intune_20261109.zip", r"_(?P<date>\d{8})") == pd.Timestamp("2026-11-09")
        assert intune.snapshot_date("DevicesWithInventory_6f1c.csv") is None

    def test_list_snapshots_sorts_and_skips_undated(self, tmp_path):
        for name in ["b_2026-11-16.csv", "a_2026-11-09.zip", "notes.txt", "undated.csv"]:
            (tmp_path / name).write_text("x")
        dq = DataQuality()
        found = intune.list_snapshots(tmp_path, dq=dq)
        assert [p.name for _, p in found] == ["a_2026-11-09.zip", "b_2026-11-16.csv"]
        assert dq.frame()["file"].tolist() == ["undated.csv"]


class TestUntrustedDeviceExports:
    def test_powershell_quoted_header_with_bom(self, tmp_path):
        """PowerShell's ``Export-Csv -Encoding UTF8`` writes a BOM and quotes every field: the BOM
        once hid the first header's opening quote, so check passed and the reader failed with
        KeyError 'Device ID'."""
        path = tmp_path / "DevicesWithInventory_2026-11-23.csv"
        rows = [
            ["Device ID", "Compliance", "Last check-in"],
            ["d-1", "Compliant", "2026-11-20 08:14:33.0000000"],
            ["d-2", "Noncompliant", "2026-11-21 09:00:00.0000000"],
        ]
        text = "\r\n".join(",".join(f'"{v}"' for v in row) for row in rows) + "\r\n"
        path.write_bytes(b"\xef\xbb\xbf" + text.encode())
        assert intune.check_devices(path)[0] == "Device ID"
        frame = intune.read_devices(path)
        assert frame["device_id"].tolist() == ["d-1", "d-2"]
        assert frame["state"].tolist() == ["compliant", "noncompliant"]
        assert frame["last_checkin"].tolist() == [pd.Timestamp("2026-11-20 08:14:33"), pd.Timestamp("2026-11-21 09:00")]

    def test_zip_over_the_cap_refused_before_inflating(self, tmp_path, monkeypatch):
        """The size cap read from the zip's directory: a 2 MB member against a 1 MB cap."""
        import pmokit.sources as sources

        path = tmp_path / "DevicesWithInventory_2026-11-23.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("DevicesWithInventory.csv", HEADER + "x\n" * (1 << 20))  # about 2 MB
        monkeypatch.setattr(sources, "MAX_UNZIPPED_BYTES", 1 << 20)
        with pytest.raises(InputError, match="at most 1 MB once unzipped"):
            intune.read_devices(path)
        with pytest.raises(InputError, match="at most 1 MB once unzipped"):
            intune.list_snapshots(tmp_path)

    def test_workbook_saved_as_csv_refused(self, tmp_path):
        path = tmp_path / "DevicesWithInventory_2026-11-23.csv"
        path.write_bytes(b"PK\x03\x04" + b"\x14\x00" * 200)
        with pytest.raises(InputError, match="field '\\(file\\)': expected the Intune device export as CSV"):
            intune.check_devices(path)
