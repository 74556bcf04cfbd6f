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


# ----------------------------------------------------------------------------- untrusted files
class TestUntrustedText:
    def test_utf16_without_bom_is_read_and_noted(self) -> None:
        """.NET's UnicodeEncoding without a preamble writes UTF-16 LE with no BOM."""
        dq = DataQuality()
        assert decode_bytes("Site,Région\n".encode("utf-16-le"), "s.csv", dq) == "Site,Région\n"
        assert decode_bytes("Site,Région\n".encode("utf-16-be"), "s.csv") == "Site,Région\n"
        assert dq.frame()["problem"].tolist() == ["UTF-16 without a byte-order mark"]

    def test_binary_and_renamed_workbooks_refused(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="binary content"):
            decode_bytes(b"ab\x00\x01\x02\x03\xff\x00\x00\x00" * 10, "x.csv")
        f = tmp_path / "sites.csv"
        f.write_bytes(b"PK\x03\x04" + b"\x00" * 100)  # a zip (an .xlsx) under a .csv name
        with pytest.raises(InputError, match="sites.csv: field '\\(file\\)'.*saved under a text name"):
            read_table(f)

    def test_bytes_no_code_page_defines(self) -> None:
        # 0x81 is undefined in UTF-8 as a start byte and in cp1252: one line, not UnicodeDecodeError
        with pytest.raises(InputError, match="byte 0x81 at offset 2"):
            decode_bytes(b"ab\x81cd", "x.csv")

    def test_header_wider_than_excel_refused(self, tmp_path: Path) -> None:
        from pmokit.sources import MAX_COLUMNS

        f = tmp_path / "wide.csv"
        f.write_text("a," * MAX_COLUMNS + "a\n1\n", encoding="utf-8")  # MAX_COLUMNS + 1 fields
        with pytest.raises(InputError, match=f"got {MAX_COLUMNS + 1:,} fields"):
            read_table(f)


class TestUntrustedZip:
    def _zip(self, path: Path, size: int) -> Path:
        import zipfile

        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("a.csv", b"0" * size)
        return path

    def test_ratio_and_size_caps(self, tmp_path: Path, monkeypatch) -> None:
        import pmokit.sources as sources

        small = self._zip(tmp_path / "small.zip", 1 << 20)  # 1 MB of zeros: ratio ~1000 but under the floor
        sources.check_zip(small)
        monkeypatch.setattr(sources, "ZIP_RATIO_FLOOR", 1 << 10)
        with pytest.raises(InputError, match="small.zip: field '\\(zip\\)'.*a zip bomb"):
            sources.check_zip(small)
        monkeypatch.setattr(sources, "MAX_UNZIPPED_BYTES", 1 << 19)  # 512 KB < 1 MB inflated
        with pytest.raises(InputError, match="at most 512 KB once unzipped.*got 1 MB"):
            sources.check_zip(small)

    def test_not_a_zip(self, tmp_path: Path) -> None:
        from pmokit.sources import check_zip

        f = tmp_path / "x.zip"
        f.write_bytes(b"not a zip at all")
        with pytest.raises(InputError, match="not a readable zip archive"):
            check_zip(f)


class TestUntrustedWorkbooks:
    def _xlsx(self, path: Path, extra_xml: str = "") -> Path:
        import io
        import zipfile

        import openpyxl

        book = openpyxl.Workbook()
        book.active.append(["Site ID", "Region"])
        book.active.append(["A1", "North"])
        buffer = io.BytesIO()
        book.save(buffer)
        source = zipfile.ZipFile(buffer)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for name in source.namelist():
                data = source.read(name)
                if name == "xl/worksheets/sheet1.xml" and extra_xml:
                    data = data.decode().replace("</sheetData>", extra_xml + "</sheetData>").encode()
                out.writestr(name, data)
        return path

    def test_stray_far_cell_refused_before_the_reader_allocates(self, tmp_path: Path) -> None:
        """One cell at XFD1048576: the rectangle from A1 is 1,048,576 x 16,384 = 17,179,869,184 cells."""
        far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        f = self._xlsx(tmp_path / "far.xlsx", far)
        with pytest.raises(InputError, match="row 1,048,576, column XFD \\(17,179,869,184 cells\\)"):
            read_table(f)

    def test_ordinary_workbook_still_reads(self, tmp_path: Path) -> None:
        frame, _ = read_table(self._xlsx(tmp_path / "ok.xlsx"))
        assert frame.values.tolist() == [["A1", "North"]]

    def test_truncated_workbook(self, tmp_path: Path) -> None:
        f = tmp_path / "cut.xlsx"
        f.write_bytes(self._xlsx(tmp_path / "whole.xlsx").read_bytes()[:300])
        with pytest.raises(InputError, match="cut.xlsx: field '\\(file\\)'.*damaged or truncated"):
            read_table(f)


class TestLoadJsonAndScreen:
    def test_deep_json_is_one_input_error(self) -> None:
        from pmokit.sources import load_json

        assert load_json(b'\xef\xbb\xbf{"a": [1]}') == {"a": [1]}
        with pytest.raises(InputError, match="deeper nesting"):
            load_json(b"[" * 100_000 + b"]" * 100_000, "deep.json")
        with pytest.raises(InputError, match="valid JSON"):
            load_json(b"{", "bad.json")

    def test_screen_file(self, tmp_path: Path) -> None:
        from pmokit.sources import screen_file

        good = tmp_path / "ok.csv"
        good.write_text("a,b\n1,2\n", encoding="utf-8")
        empty = tmp_path / "empty.csv"
        empty.write_bytes(b"")
        blob = tmp_path / "blob.json"
        blob.write_bytes(b"\x00\x01\x02\x03" * 50)
        assert screen_file(good) is None
        assert "an empty file (0 bytes)" in str(screen_file(empty))
        assert "binary content" in str(screen_file(blob))
