"""Readers of the Microsoft 365 exports, on small hand-made files in both layouts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import m365

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "workspace"
SITES_15 = FIX / "sites_15col.csv"
SITES_23 = FIX / "sites_23col_concealed.csv"


class TestReadSiteUsageClassic:
    def test_bom_flags_and_layout(self):
        sites = m365.read_site_usage(SITES_15)
        # The BOM would otherwise glue itself to 'Report Refresh Date' and that field would be missing.
        assert sites["refresh_date"].dt.date.astype(str).unique().tolist() == ["2026-11-26"]
        assert sites["is_deleted"].tolist() == [False, False, False, True, False, False]
        assert (sites["layout"] == "15-column").all()
        # The 15-column layout has no link counts: NA, never 0 (0 would claim "no sharing").
        assert sites["anonymous_links"].isna().all()

    def test_empty_last_activity_is_never_active(self):
        sites = m365.read_site_usage(SITES_15).set_index("site_url")
        assert pd.isna(sites.loc["https://t.sharepoint.com/sites/c", "last_activity"])
        assert sites.loc["https://t.sharepoint.com/sites/b", "last_activity"] == pd.Timestamp("2026-08-28")

    def test_ids_and_owner_keys_lower_cased(self):
        sites = m365.read_site_usage(SITES_15)
        assert sites["site_id"].iloc[0] == "aaaaaaaa-0000-0000-0000-000000000001"
        assert sites["owner_key"].iloc[0] == "ann@t.com"
        assert sites["owner_upn"].iloc[0] == "Ann@T.com"  # shown as exported
        assert not sites["concealed"].any()

    def test_bytes_read_as_numbers(self):
        sites = m365.read_site_usage(SITES_15).set_index("site_url")
        # 50 GiB = 50 * 1024**3 = 53,687,091,200 bytes
        assert sites.loc["https://t.sharepoint.com/sites/b", "storage_used"] == 53_687_091_200

    def test_xlsx_gives_the_same_frame(self, tmp_path):
        raw = pd.read_csv(SITES_15, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        path = tmp_path / "sites.xlsx"
        raw.to_excel(path, index=False)
        # owner_name left out: pandas writes the '=HYPERLINK' text as a formula, with no cached value.
        from_xlsx = m365.read_site_usage(path).drop(columns=["file", "owner_name"])
        from_csv = m365.read_site_usage(SITES_15).drop(columns=["file", "owner_name"])
        pd.testing.assert_frame_equal(from_xlsx, from_csv)


class TestReadSiteUsageConcealed:
    def test_concealed_rows_use_hashes(self):
        dq = DataQuality()
        sites = m365.read_site_usage(SITES_23, dq=dq)
        assert sites["concealed"].all()  # blank URL on every row
        assert sites["owner_key"].iloc[0] == "0123456789abcdef0123456789abcdef"
        assert sites["site"].iloc[0] == "site bbbbbbbb-0000-0000-0000-000000000011"
        problems = dq.frame()
        concealed = problems.loc[problems["problem"].str.contains("concealed"), "rows"]
        assert concealed.tolist() == [4]

    def test_newer_layout_link_counts(self):
        sites = m365.read_site_usage(SITES_23)
        assert (sites["layout"] == "23-column").all()
        assert sites["anonymous_links"].tolist() == [3, 0, 0, 9]
        assert sites["guest_links"].tolist() == [0, 2, 0, 0]
        assert sites["external_sharing"].iloc[0] == "Anyone"

    def test_excel_scientific_bytes_noted(self):
        dq = DataQuality()
        sites = m365.read_site_usage(SITES_23, dq=dq)
        assert sites["storage_used"].iloc[1] == pytest.approx(1.07374e9)
        assert dq.frame()["problem"].str.contains("scientific notation").any()

    def test_two_files_stacked_and_duplicates_dropped(self, tmp_path):
        copy = tmp_path / "again.csv"
        shutil.copy(SITES_15, copy)
        dq = DataQuality()
        sites = m365.read_site_usage([SITES_15, SITES_23, copy], dq=dq)
        assert len(sites) == 6 + 4  # the copy's 6 sites are duplicates
        dup = dq.frame().loc[dq.frame()["problem"] == "site listed more than once", "rows"]
        assert dup.tolist() == [6]


class TestReadSiteUsageBadInput:
    def write(self, tmp_path, text: str) -> Path:
        path = tmp_path / "sites.csv"
        path.write_text(text, encoding="utf-8")
        return path

    def test_is_deleted_not_boolean(self, tmp_path):
        text = SITES_15.read_text(encoding="utf-8-sig").replace("Bob Left,False", "Bob Left,Maybe")
        with pytest.raises(InputError) as err:
            m365.read_site_usage(self.write(tmp_path, text))
        message = str(err.value)
        assert "sites.csv" in message and "Is Deleted" in message and "'Maybe' (row 3)" in message

    def test_missing_column_lists_headers(self, tmp_path):
        text = SITES_15.read_text(encoding="utf-8-sig").replace("Storage Used (Byte),", "Used,")
        with pytest.raises(InputError) as err:
            m365.read_site_usage(self.write(tmp_path, text))
        assert "storage_used" in str(err.value) and "'Used'" in str(err.value)

    def test_column_mapping_rescues_renamed_header(self, tmp_path):
        text = SITES_15.read_text(encoding="utf-8-sig").replace("Storage Used (Byte),", "Used,")
        sites = m365.read_site_usage(self.write(tmp_path, text), columns={"storage_used": "Used"})
        assert sites["storage_used"].iloc[0] == 1_073_741_824

    def test_blank_refresh_date(self, tmp_path):
        text = SITES_15.read_text(encoding="utf-8-sig").replace(
            "2026-11-26,aaaaaaaa-0000-0000-0000-000000000003", ",aaaaaaaa-0000-0000-0000-000000000003"
        )
        with pytest.raises(InputError, match="Report Refresh Date"):
            m365.read_site_usage(self.write(tmp_path, text))

    def test_blank_site_id_row_dropped(self, tmp_path):
        text = SITES_15.read_text(encoding="utf-8-sig").replace("aaaaaaaa-0000-0000-0000-000000000003", "")
        dq = DataQuality()
        sites = m365.read_site_usage(self.write(tmp_path, text), dq=dq)
        assert len(sites) == 5
        assert dq.frame().loc[dq.frame()["problem"] == "blank site id", "rows"].tolist() == [1]

    def test_missing_file(self, tmp_path):
        with pytest.raises(InputError, match="no such file"):
            m365.read_site_usage(tmp_path / "nope.csv")


class TestReadStaffList:
    def test_status_words_and_case(self):
        staff = m365.read_staff_list(FIX / "staff.csv").set_index("upn")
        assert staff["active"].to_dict() == {
            "ann@t.com": True,
            "bob@t.com": False,
            "eve@t.com": True,
            "dee@t.com": False,
        }
        assert staff.loc["bob@t.com", "department"] == "IT"

    def test_entra_account_enabled(self, tmp_path):
        path = tmp_path / "entra.csv"
        path.write_text("UserPrincipalName,Department,AccountEnabled\nx@t.com,IT,True\ny@t.com,HR,False\n")
        assert m365.read_staff_list(path)["active"].tolist() == [True, False]

    def test_no_status_means_active(self, tmp_path):
        path = tmp_path / "current.csv"
        path.write_text("Email\nx@t.com\n")
        staff = m365.read_staff_list(path)
        assert staff["active"].tolist() == [True] and staff["department"].tolist() == [""]

    def test_unknown_status(self, tmp_path):
        path = tmp_path / "staff.csv"
        path.write_text("UPN,Status\nx@t.com,On leave\n")
        with pytest.raises(InputError, match="'On leave' on 1 row"):
            m365.read_staff_list(path)


class TestReadPreviousQueue:
    def test_csv(self):
        prev = m365.read_previous_queue(FIX / "previous_queue.csv")
        assert prev["site_id"].iloc[0] == "aaaaaaaa-0000-0000-0000-000000000002"
        assert prev["rank"].tolist() == [1, 2, 3, 4]

    def test_xlsx_queue_sheet_and_neutralised_text(self, tmp_path):
        path = tmp_path / "remediation_queue.xlsx"
        with pd.ExcelWriter(path) as writer:
            pd.DataFrame({"Owner": ["x"]}).to_excel(writer, sheet_name="Owners", index=False)
            pd.DataFrame({"Rank": [1], "Site Id": ["S1"], "Site": ["'=cmd"], "Reasons": ["no owner"]}).to_excel(
                writer, sheet_name="Queue", index=False
            )
        prev = m365.read_previous_queue(path)
        assert prev["site_id"].tolist() == ["s1"]
        assert prev["site"].tolist() == ["=cmd"]  # the apostrophe write_excel added is undone

    def test_missing_site_id(self, tmp_path):
        path = tmp_path / "q.csv"
        path.write_text("Rank,Site\n1,a\n")
        with pytest.raises(InputError, match="site_id"):
            m365.read_previous_queue(path)


class TestReadTeamsActivity:
    def test_teams(self):
        teams = m365.read_teams_activity(FIX / "teams_activity.csv")
        assert teams["team_name"].tolist() == ["Alpha", "Beta", "Gamma", "Delta", "Old"]
        assert teams["guests"].tolist() == [0, 3, 0, 2, 0]
        assert teams["is_deleted"].tolist() == [False, False, False, False, True]
        assert pd.isna(teams["last_activity"].iloc[2])
