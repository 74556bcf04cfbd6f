"""Issue 16: the fast Jira CSV path (pyarrow, vectorised dates) reads exactly what the general reader reads.

Each test compares the fast path with an independent, simple reading: Python's ``csv`` module for the
cells, ``pandas.to_datetime`` with the explicit format (one string at a time) for the dates, and the
shared ``pmokit.sources`` helpers for the repeated columns.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io

import pandas as pd
import pytest

from pmokit.quality import DataQuality
from pmokit.sources import gather_repeated, jira, read_table
from pmokit.sources.work_item_schema import no_gc_pauses

HEADER = [
    "Summary",
    " Issue key ",  # a stray space, stripped like read_table does
    "Issue Type",
    "Status",
    "Created",
    "Labels",
    "Labels",
    "Sprint",
    "Sprint",
    "Sprint",
    "Description",
    "Status Category",
]
ROWS = [
    ["Fix login", "NET-1", "Bug", "Done", "5/Mar/26 12:00 AM", "ui", "", "NET 1", "NET 2", "", "", "Done"],
    # a description over three lines (CRLF and LF inside the quotes), a doubled quote, a comma
    [
        'Add "SSO"',
        "NET-2",
        "Story",
        "In Progress",
        "25/Nov/26 9:04 AM",
        "",
        "",
        "",
        "",
        "NET 3",
        "line one\r\nline two, with a comma\nline three",
        "In Progress",
    ],
    # every cell empty: read_table drops it
    [""] * 12,
    # quoted empty cells, padded values, non-ASCII text
    ["Résumé: Спринт", "NET-3", "Task", "To Do", "", " padded ", "   ", "", " NET 4 ", "", "", "To Do"],
    ["Trailing", "NET-4", "Epic", "Backlog", "29/Feb/24 1:00 PM", "", "x", "", "", "", '"quoted" start', ""],
]


def _write_quirky_export(path, *, encoding="utf-8", bom=True, rows=ROWS):
    """A Jira Cloud CSV export as it arrives: a BOM, CRLF line ends, quoted multi-line descriptions,
    repeated Labels and Sprint headers, blank and quoted-empty cells, one all-empty row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for row in rows:
        if row[4] == "":
            buffer.write(",".join(f'"{c}"' if c == "" else c for c in row) + "\r\n")  # quoted empty cells
        else:
            writer.writerow(row)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


def _csv_module_table(path, encoding="utf-8-sig"):
    """The independent reading: csv module rows, header stripped, rows of only empty cells dropped."""
    with open(path, encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle))
    header = [h.strip() for h in rows[0]]
    return header, [r for r in rows[1:] if any(c != "" for c in r)]


def _cells(frame: pd.DataFrame) -> list[list[str]]:
    return frame.astype(object).values.tolist()


def test_fast_path_reads_what_the_csv_module_reads(tmp_path):
    path = _write_quirky_export(tmp_path / "jira.csv")
    assert jira._arrow_can_read(path)  # the fast path is the one under test
    header, rows = _csv_module_table(path)

    frame = jira.read_export(path)

    assert list(frame.columns) == header
    assert header[1] == "Issue key" and header.count("Sprint") == 3
    assert _cells(frame) == rows
    assert len(rows) == 4  # 5 written, the all-empty one dropped
    assert frame.iloc[1, 10] == "line one\r\nline two, with a comma\nline three"
    assert frame.iloc[0, 0] == "Fix login"  # no BOM left on the first cell of the header or body
    # and the same as the general reader (pandas' C parser through read_table)
    general, _ = read_table(path)
    assert list(general.columns) == list(frame.columns)
    assert _cells(general) == _cells(frame)


def test_fast_path_repeated_columns_match_the_shared_helper(tmp_path):
    path = _write_quirky_export(tmp_path / "jira.csv")
    frame = jira.read_export(path)
    general, _ = read_table(path)

    sprints = jira._gather_repeated(frame, "Sprint").tolist()

    # by hand: row 1 "NET 1","NET 2"; row 2 "NET 3"; row 3 " NET 4 " stripped; row 4 none
    assert sprints == [["NET 1", "NET 2"], ["NET 3"], ["NET 4"], []]
    assert sprints == gather_repeated(general, "Sprint").tolist()
    # labels: "   " is blank after stripping, " padded " is stripped
    assert jira._gather_repeated(frame, "Labels").tolist() == [["ui"], [], ["padded"], ["x"]]


def test_not_utf8_falls_back_with_the_same_cells_and_a_note(tmp_path):
    """Excel's "CSV" save on Windows: cp1252, no BOM; pyarrow refuses it, read_table decodes it."""
    rows = [["Café résumé", *r[1:]] if "Спринт" in r[0] else r for r in ROWS]  # cp1252 has é, no Cyrillic
    path = _write_quirky_export(tmp_path / "jira.csv", encoding="cp1252", bom=False, rows=rows)
    dq = DataQuality()

    frame = jira.read_export(path, dq)

    header, expected = _csv_module_table(path, encoding="cp1252")
    assert list(frame.columns) == header and _cells(frame) == expected
    assert frame.iloc[2, 0] == "Café résumé"
    assert any("cp1252" in str(note) for note in dq.frame().itertuples())


def test_ragged_rows_fall_back_to_the_general_reader(tmp_path):
    """A hand-edited export with one short row (a person deleted trailing cells): pandas pads it with
    empty cells; pyarrow refuses the file, so the general reader reads it."""
    text = "Issue key,Status,Created\r\nA-1,Done,5/Mar/26 9:00 AM\r\nA-2,To Do\r\n"
    path = tmp_path / "ragged.csv"
    path.write_text(text, encoding="utf-8")

    frame = jira.read_export(path)

    assert _cells(frame) == [["A-1", "Done", "5/Mar/26 9:00 AM"], ["A-2", "To Do", ""]]


def test_blank_first_line_keeps_the_general_readers_answer(tmp_path):
    """A blank line above the header: read_table takes it as an (empty) header row; the fast path must
    not silently skip it and read a different table."""
    path = tmp_path / "blank_first.csv"
    path.write_text("\r\nIssue key,Status,Created\r\nA-1,Done,5/Mar/26 9:00 AM\r\n", encoding="utf-8")
    assert not jira._arrow_can_read(path)
    assert list(jira.read_export(path).columns) == list(read_table(path)[0].columns)


JIRA = jira.JIRA_DATE_FORMAT
DATES = [
    "25/Nov/26 9:04 AM",
    "5/Mar/26 12:00 AM",  # 12 AM is midnight
    "05/mar/26 12:30 PM",  # 12 PM is noon; lower-case month
    "25/NOV/26 9:04 am",
    " 1/Jan/26 11:59 PM ",  # padded: stripped first
    "29/Feb/24 1:00 PM",  # leap day
    "29/Feb/26 1:00 PM",  # no such day: blank
    "31/Apr/26 1:00 PM",  # no such day: blank
    "25/Nov/69 9:04 AM",  # two-digit years: 69-99 are 19xx
    "25/Nov/68 9:04 AM",  # 00-68 are 20xx
    "25/Nov/26  9:04 AM",  # two spaces: pandas accepts, the fast path leaves it to pandas
    "25/Nov/26 13:04 PM",  # no 13 o'clock on a 12-hour clock
    "25/Nov/26 0:30 AM",  # nor 0
    "0/Nov/26 9:04 AM",
    "25/Sept/26 9:04 AM",  # four-letter month: not %b
    "25/Nov/2026 9:04 AM",  # four-digit year: not %y
    "25/Nov/26",  # date only: not this format
    "",
    None,
]


def _pandas_one_by_one(values, fmt):
    """The second method: pandas' own strptime on each stripped cell."""
    out = []
    for v in values:
        text = (v or "").strip()
        out.append(pd.to_datetime(text, format=fmt, errors="coerce") if text else pd.NaT)
    return pd.Series(out, dtype="datetime64[ns]")


def test_vectorised_dates_equal_pandas_cell_for_cell():
    values = pd.Series(DATES, dtype=object)
    parsed = jira._parse_dates(values, "jira.csv", "Created", JIRA).astype("datetime64[ns]")
    expected = _pandas_one_by_one(DATES, JIRA)
    pd.testing.assert_series_equal(parsed.reset_index(drop=True), expected, check_names=False)
    # by hand, the ones that show the rules
    assert parsed[1] == pd.Timestamp("2026-03-05 00:00")
    assert parsed[2] == pd.Timestamp("2026-03-05 12:30")
    assert parsed[4] == pd.Timestamp("2026-01-01 23:59")
    assert parsed[5] == pd.Timestamp("2024-02-29 13:00")
    assert pd.isna(parsed[6]) and pd.isna(parsed[7]) and pd.isna(parsed[11]) and pd.isna(parsed[12])
    assert parsed[8] == pd.Timestamp("1969-11-25 09:04") and parsed[9] == pd.Timestamp("2068-11-25 09:04")
    assert parsed[10] == pd.Timestamp("2026-11-25 09:04")  # through pandas


def test_vectorised_dates_do_the_work_for_ordinary_cells():
    _, matched = jira._strptime_vectorised(pd.Series(DATES, dtype=object), JIRA)
    # the first six ordinary cells and the two pivot years are read without pandas; impossible days,
    # the double space and the wrong shapes are not
    assert matched.tolist() == [True] * 6 + [False, False, True, True] + [False] * 9


@pytest.mark.parametrize(
    "fmt, values",
    [
        ("%d/%b/%y", ["6/Mar/26", "31/Jun/26", "06/Mar/26 12:00 AM", "1/Dec/99"]),
        ("%Y-%m-%d %H:%M", ["2026-03-06 07:56", "2026-3-6 7:05", "2026-02-30 10:00", "2026-03-06 24:00"]),
        ("%d.%m.%Y %H:%M:%S", ["29.07.2026 09:59:01", "1.1.2026 0:00:00", "29.07.2026 09:59", "31.11.2026 1:1:1"]),
    ],
)
def test_other_formats_equal_pandas(fmt, values):
    """The date-only fallback of Server exports and two formats a Jira admin may set."""
    parsed = jira._parse_dates(pd.Series(values, dtype=object), "jira.csv", "Created", fmt)
    expected = _pandas_one_by_one(values, fmt)
    pd.testing.assert_series_equal(parsed.astype("datetime64[ns]"), expected, check_names=False)


def test_gc_state_is_restored():
    assert gc.isenabled()
    with no_gc_pauses():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with no_gc_pauses():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
