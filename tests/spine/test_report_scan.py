"""The report-wide scanner (tests/report_scan.py) itself: it finds what it should and nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from openpyxl import Workbook
from pptx import Presentation
from pptx.util import Inches
from report_scan import ROOT, report_problems, text_problems


def _write_clean_and_dirty_folder(folder: Path) -> None:
    """A run folder shaped like a real one, with one planted trace of the Python process per file kind."""
    (folder / "report.html").write_text(
        "<html><head><style>.nan{color:red} /* None */</style><script>var x = NaN;</script></head><body>"
        '<img src="data:image/png;base64,bmFuTm9uZQ=="><h1>Cycle time</h1>'
        "<p>85% took nan days or fewer</p><p>Nantes site, none of the Nones</p></body></html>",
        encoding="utf-8",
    )
    (folder / "summary.md").write_text("- P50 None\n- done: 3 of 4\n", encoding="utf-8")
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    sheet.append(["site", "days", "chart"])
    # "nan" as text: the shape of a numeric column passed through astype(str) before writing
    sheet.append(["Nantes", "nan", "PosixPath('/x/y/gantt.png')"])
    sheet.append(["Paris", 3.5, "ok"])
    book.save(folder / "actions.xlsx")
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1))
    box.text_frame.text = "UserWarning: Glyph 12354 missing from font(s) DejaVu Sans."
    deck.save(folder / "deck.pptx")
    (folder / "queue.csv").write_text("site,path\nA,/sites/a\nB,/tmp/pmokit/b.csv\n", encoding="utf-8")
    (folder / "notes.txt").write_text("nan None NaT", encoding="utf-8")  # not a report file: not scanned


def test_each_planted_trace_is_found_once_and_nothing_else(tmp_path: Path) -> None:
    _write_clean_and_dirty_folder(tmp_path)
    problems = report_problems(tmp_path)
    # planted: html 'nan' (1); summary 'None' (1); xlsx 'nan' text (1) + PosixPath (1); pptx *Warning (1);
    # csv '/tmp/' (1) -> 6. Style/script/img text, 'Nantes', 'none', 'Nones' and '/sites/a' are clean.
    assert len(problems) == 6, problems
    files = sorted(p.split(":")[0].split(" ")[0] for p in problems)
    assert files == ["actions.xlsx", "actions.xlsx", "deck.pptx", "queue.csv", "report.html", "summary.md"]
    assert any("took nan days" in p for p in problems)
    assert any("sheet 'Actions' B2" in p for p in problems)


def test_machine_paths_are_found() -> None:
    assert text_problems(f"saved to {ROOT}/outputs/x.png", "f")
    assert text_problems(f"see {tempfile.gettempdir()}/abc", "f")
    assert text_problems("C:/x and /home/analyst/report.png", "f")
    assert text_problems("https://example.org/tmp/a and docs/tmp/b and ./work/c", "f") == []


def test_whole_words_only() -> None:
    assert text_problems("Nantes, nano, none, Nones, NaNa, N/A, pd.NA-free, nan-free", "f") == []
    assert len(text_problems("nan | None | NaT | <NA>", "f")) == 4
    assert len(text_problems("RuntimeWarning and a Traceback", "f")) == 2
