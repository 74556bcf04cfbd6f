"""The one Excel writer (issue 14): filters, frozen header, typed dates, rounded numbers, fitting widths.

The fixture is a small action list shaped like the real ones: a device name, a last check-in date held
as a typed datetime in one column and as ISO text in another (as the compliance and workspace frames did),
a storage figure in GB with float noise (7.750234276987612), a percentage, and a title someone typed as a
formula.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pmokit import report
from pmokit.excel import MAX_WIDTH, write_workbook


@pytest.fixture
def book(tmp_path: Path):
    frame = pd.DataFrame(
        {
            "device": ["LAPTOP-001", "a-very-long-device-name-0123456789"],
            "last_check_in": pd.to_datetime(["2026-11-20", "2026-10-01"]),
            "seen_at": pd.to_datetime(["2026-11-20 09:30", "2026-10-01 17:05"]),
            "due": pd.Series(["2026-12-01", None], dtype="string"),
            "storage_gb": [7.750234276987612, 120.0049],
            "compliant_pct": [87.46, 12.04],
            "title": ['=HYPERLINK("http://x")', "x" * 100],
        }
    )
    path = write_workbook(tmp_path / "actions.xlsx", {"Actions": frame, "Other": frame.head(1)})
    return path, openpyxl.load_workbook(path)


def test_autofilter_covers_the_table_and_header_frozen(book) -> None:
    _, wb = book
    ws = wb["Actions"]
    assert ws.auto_filter.ref == "A1:G3"  # 7 columns (A..G), header + 2 rows
    assert wb["Other"].auto_filter.ref == "A1:G2"
    assert ws.freeze_panes == "A2" and wb["Other"].freeze_panes == "A2"


def test_header_cells_share_one_style(book) -> None:
    _, wb = book
    styles = {(c.font.bold, c.fill.fgColor.rgb, c.style) for ws in wb.worksheets for c in ws[1]}
    assert len(styles) == 1 and next(iter(styles))[0] is True


def test_dates_are_excel_dates(book) -> None:
    _, wb = book
    ws = wb["Actions"]
    assert ws["B2"].value == dt.datetime(2026, 11, 20) and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["D2"].value == dt.datetime(2026, 12, 1) and ws["D2"].number_format == "yyyy-mm-dd"  # was text
    assert ws["D3"].value is None
    # a time exists only in seen_at: only there is it shown
    assert ws["C2"].value == dt.datetime(2026, 11, 20, 9, 30) and ws["C2"].number_format == "yyyy-mm-dd hh:mm"


def test_floats_rounded_with_formats(book) -> None:
    _, wb = book
    ws = wb["Actions"]
    assert ws["E2"].value == 7.75 and ws["E3"].value == 120.0  # 2 decimals: 7.750234... -> 7.75, 120.0049 -> 120.0
    assert ws["E2"].number_format == "0.00"
    assert ws["F2"].value == 87.5 and ws["F2"].number_format == "0.0"  # percentage: 1 decimal, 87.46 -> 87.5


def test_widths_fit_longest_value_within_cap(book) -> None:
    _, wb = book
    ws = wb["Actions"]
    assert ws.column_dimensions["A"].width >= len("a-very-long-device-name-0123456789")  # 34 characters
    assert ws.column_dimensions["B"].width >= len("2026-11-20")
    assert ws.column_dimensions["G"].width == MAX_WIDTH  # 100 characters, capped


def test_formula_text_neutralised(book) -> None:
    _, wb = book
    assert wb["Actions"]["G2"].value == '\'=HYPERLINK("http://x")'


def test_report_write_excel_delegates_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = report.write_excel("a.xlsx", {"s": pd.DataFrame({"n": [1.234567]})}, directory=tmp_path)
    assert openpyxl.load_workbook(path)["s"]["A2"].value == 1.23
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_every_bundled_xlsx_is_reader_grade(bundled_batch) -> None:
    """Every workbook of the bundled batch: filter, frozen header, one header style, no long float noise."""
    books = sorted(p for p in Path(bundled_batch.out).rglob("*.xlsx") if not p.name.startswith("."))
    assert books  # plan.xlsx, action_list.xlsx, results.xlsx, comments.xlsx, delivery_actions.xlsx, ...
    for path in books:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            if ws.max_column < 1 or ws["A1"].value is None:
                continue
            where = f"{path.name}:{ws.title}"
            assert ws.freeze_panes == "A2", where
            assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), where
            assert len({c.style for c in ws[1]}) == 1, where
            for row in ws.iter_rows(min_row=2, max_row=min(ws.max_row, 200)):
                for cell in row:
                    if isinstance(cell.value, float):
                        assert round(cell.value, 2) == cell.value, f"{where}!{cell.coordinate}={cell.value}"
                    if isinstance(cell.value, dt.datetime):
                        assert cell.number_format.startswith("yyyy-mm-dd"), where
