"""Unit tests of pmokit.report: metrics, escaping, Excel neutralisation."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pmokit import report

PAYLOAD = "<script>window.__xss=1</script>"


@pytest.fixture
def started(tmp_path: Path) -> Path:
    return report.start(SimpleNamespace(output_dir=str(tmp_path / "run"), title="T"))


class TestRecord:
    def test_numpy_and_dates_become_plain_json(self, started: Path) -> None:
        report.record("n", np.int64(7))
        report.record("pct", np.float64(81.25))
        report.record("missing", float("nan"))
        report.record("when", pd.Timestamp("2026-11-30"))
        data = json.loads((started / "metrics.json").read_text())
        assert data == {"title": "T", "n": 7, "pct": 81.25, "missing": None, "when": "2026-11-30"}

    def test_record_many_merges_with_earlier_metrics(self, started: Path) -> None:
        report.record("kept", 1)
        report.record_many({"a": np.int32(2), "b": "x", "kept": 3})
        assert json.loads((started / "metrics.json").read_text()) == {"title": "T", "kept": 3, "a": 2, "b": "x"}

    def test_start_clears_earlier_metrics(self, started: Path) -> None:
        report.record("old", 1)
        report.start(SimpleNamespace(output_dir=str(started), title="T2"))
        assert json.loads((started / "metrics.json").read_text()) == {"title": "T2"}

    def test_source_records_rows(self, started: Path, tmp_path: Path) -> None:
        f = tmp_path / "a.csv"
        f.write_text("x\n1\n2\n")
        report.source(f, pd.DataFrame({"x": [1, 2]}))
        (entry,) = json.loads((started / "sources.json").read_text())
        assert entry["name"] == "a.csv" and entry["rows"] == 2


class TestEscaping:
    def test_table_escapes_cells_headers_and_caption(self) -> None:
        frame = pd.DataFrame({"<b>col</b>": [PAYLOAD, '<img src=x onerror="a()">'], "n": [1, 2]})
        markup = report.table_html(frame, caption="<i>cap</i>")
        assert "<script>" not in markup and "<img" not in markup and "<b>col" not in markup and "<i>" not in markup
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in markup
        assert "&lt;b&gt;col&lt;/b&gt;" in markup

    def test_table_cuts_long_tables_and_says_so(self) -> None:
        markup = report.table_html(pd.DataFrame({"x": range(10)}), max_rows=4)
        assert markup.count("<tr>") == 1 + 4  # header row + 4 body rows
        assert "6 more rows not shown" in markup

    def test_table_formats_and_rag(self) -> None:
        markup = report.table_html(
            pd.DataFrame({"pct": [0.5], "rag": ["Red"]}), formats={"pct": "{:.0%}"}, rag_columns=["rag"]
        )
        assert ">50%<" in markup and "#B2182B" in markup

    def test_say_escapes_values_not_template(self, monkeypatch) -> None:
        shown = []
        monkeypatch.setattr(report, "_display_html", shown.append)
        report.say("<strong>{n}</strong> items, worst: {name}", n=3, name=PAYLOAD)
        assert shown == [
            "<p class='pmo-say'><strong>3</strong> items, worst: &lt;script&gt;window.__xss=1&lt;/script&gt;</p>"
        ]

    def test_tiles_escape(self, monkeypatch) -> None:
        shown = []
        monkeypatch.setattr(report, "_display_html", shown.append)
        report.tiles([report.Tile(PAYLOAD, "<b>1</b>", rag="red", note="<i>")])
        assert "<script>" not in shown[0] and "<b>1" not in shown[0] and "RED" in shown[0]


class TestExcel:
    @pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", '=HYPERLINK("http://evil","x")'])
    def test_neutralise_prefixes_formula_starts(self, text: str) -> None:
        assert report.neutralise(text) == "'" + text

    @pytest.mark.parametrize("value", ["plain", "a=b", 12, -5.5, None])
    def test_neutralise_leaves_the_rest(self, value) -> None:
        assert report.neutralise(value) == value

    def test_write_excel_neutralises_and_keeps_numbers(self, started: Path) -> None:
        frame = pd.DataFrame({"title": ["=cmd|' /C calc'!A0", "ok"], "n": [-3, 4], "=head": ["x", "y"]})
        path = report.write_excel("actions.xlsx", {"Very long sheet name that Excel would refuse": frame, "b": frame})
        wb = openpyxl.load_workbook(path)
        assert [len(n) <= 31 for n in wb.sheetnames] == [True, True]
        ws = wb.worksheets[0]
        assert ws["A2"].value == "'=cmd|' /C calc'!A0" and ws["A2"].data_type == "s"
        assert ws["B2"].value == -3 and ws["C1"].value == "'=head"
        assert ws.freeze_panes == "A2"
        assert sorted(p.name for p in path.parent.iterdir() if "xlsx" in p.name) == ["actions.xlsx"]  # no .tmp left
