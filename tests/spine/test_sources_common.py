"""Unit tests of the shared reader helpers in pmokit.sources."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import (
    decode_bytes,
    gather_repeated,
    map_columns,
    note_excel_mangling,
    parse_dates,
    parse_numbers,
    read_table,
)


class TestDecode:
    def test_bom_utf8_utf16_and_cp1252(self) -> None:
        assert decode_bytes(codecs.BOM_UTF8 + "Zoë".encode()) == "Zoë"
        assert decode_bytes("Zoë".encode("utf-16")) == "Zoë"
        dq = DataQuality()
        assert decode_bytes("Zoë".encode("cp1252"), "x.csv", dq) == "Zoë"
        assert dq.frame()["problem"].tolist() == ["file is not UTF-8"]


class TestReadTable:
    def test_repeated_headers_kept_and_gathered(self, tmp_path: Path) -> None:
        f = tmp_path / "jira.csv"
        f.write_bytes(codecs.BOM_UTF8 + b'Summary,Sprint,Sprint,Labels\n"multi\nline",S1,S2,a\nother,,S3,\n')
        frame, headers = read_table(f)
        assert list(frame.columns) == ["Summary", "Sprint", "Sprint", "Labels"]
        assert frame.iloc[0, 0] == "multi\nline"
        assert gather_repeated(frame, "Sprint").tolist() == [["S1", "S2"], ["S3"]]

    def test_ragged_rows_and_blank_lines(self, tmp_path: Path) -> None:
        f = tmp_path / "r.csv"
        f.write_text("a,b\n1,2\n\n3,4,extra\n", encoding="utf-8")
        frame, _ = read_table(f)
        # the longer row widens the table (an unnamed column); the blank line is not a row
        assert frame.values.tolist() == [["1", "2", ""], ["3", "4", "extra"]]
        assert list(frame.columns) == ["a", "b", ""]

    def test_semicolon_and_multi_header_rows(self, tmp_path: Path) -> None:
        f = tmp_path / "q.csv"
        f.write_text("a;b\nQ A;Q B\n1;2\n", encoding="utf-8")
        frame, headers = read_table(f, header_rows=2)
        assert headers == [["a", "b"], ["Q A", "Q B"]] and frame.values.tolist() == [["1", "2"]]

    def test_xlsx_with_preamble(self, tmp_path: Path) -> None:
        f = tmp_path / "plan.xlsx"
        with pd.ExcelWriter(f) as w:
            pd.DataFrame([["Plan name", "X"], ["Task ID", "Task Name"], ["t1", "Do it"]]).to_excel(
                w, header=False, index=False
            )
        frame, _ = read_table(f, skip_rows=1)
        assert list(frame.columns) == ["Task ID", "Task Name"] and frame.values.tolist() == [["t1", "Do it"]]

    def test_missing_file_names_it(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="nope.csv: field '\\(file\\)': expected an existing file"):
            read_table(tmp_path / "nope.csv")


class TestMapColumns:
    frame = pd.DataFrame({"Site ID": ["s1"], "Devices": ["3"]})

    def test_aliases_and_user_mapping(self) -> None:
        out = map_columns(
            self.frame,
            "s.csv",
            ["site_id", "devices"],
            mapping={"devices": "Devices"},
            aliases={"site_id": ["Site ID"]},
        )
        assert out.to_dict("list") == {"site_id": ["s1"], "devices": ["3"]}

    def test_missing_required_field_lists_headers(self) -> None:
        with pytest.raises(InputError) as err:
            map_columns(self.frame, "/x/s.csv", ["region"])
        assert str(err.value) == "s.csv: field 'region': expected a column 'region', got headers 'Site ID', 'Devices'"


class TestParse:
    def test_jira_dates_with_format(self) -> None:
        s = pd.Series(["18/Mar/26 3:56 PM", "", "soon"])
        dq = DataQuality()
        parsed = parse_dates(s, "j.csv", "Created", fmt="%d/%b/%y %I:%M %p", dq=dq)
        assert parsed[0] == pd.Timestamp(2026, 3, 18, 15, 56)
        assert pd.isna(parsed[1]) and pd.isna(parsed[2])
        assert dq.frame()["rows"].tolist() == [1]  # the blank is not a problem, 'soon' is

    def test_required_date_raises_with_row(self) -> None:
        with pytest.raises(InputError, match=r"got 'soon' \(row 3\)"):
            parse_dates(pd.Series(["2026-01-01", "soon"]), "s.csv", "ready_date", required=True)

    def test_numbers(self) -> None:
        dq = DataQuality()
        parsed = parse_numbers(pd.Series(["1,200", " 3 ", "x", ""]), "s.csv", "devices", dq=dq)
        assert parsed.tolist()[:2] == [1200, 3] and pd.isna(parsed[2]) and pd.isna(parsed[3])
        assert len(dq) == 1

    def test_excel_mangled_ids(self) -> None:
        dq = DataQuality()
        assert note_excel_mangling(pd.Series(["7.18656E+14", "1205", "1.2e+15"]), "a.csv", "Task ID", dq) == 2
        assert dq.frame()["rows"].tolist() == [2]
