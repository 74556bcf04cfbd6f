"""One report-wide check: nothing of the Python process reaches what a reader sees.

:func:`report_problems` scans a run folder's ``report.html`` (visible text only), ``summary.md`` and every
``.xlsx``, ``.pptx`` and ``.csv`` for placeholder values (``nan``, ``None``, ``NaT``, ``<NA>``), Python reprs
(``PosixPath``), warnings, tracebacks and absolute paths of the machine that made them. Every test that runs a
workbook may call it; each problem is one line naming the file and the offending snippet.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# whole words only: "Nantes", "NaNa", "none of", "Nones" are fine, "nan days" and "P50 None" are not
_MISSING = r"(?<![\w-])(?:nan|NaN|None|NaT)(?![\w-])|<NA>"
_REPR = r"\b(?:Posix|Windows)Path\b"
_WARNING = r"\b\w*Warning\b"
_TRACEBACK = r"\bTraceback\b"
# a path rooted in a machine folder, not part of a URL or a relative path ("a/tmp/b", "http://x/tmp/")
_MACHINE_ROOTS = r"(?<![\w.:/])/(?:tmp|home|root|work|Users|var/folders)/"
_CONTEXT = 40


def _machine_paths() -> list[str]:
    """Absolute folders of this machine that must never appear in a report (longest first)."""
    found = {str(ROOT), str(Path.home()), tempfile.gettempdir(), str(Path(tempfile.gettempdir()).resolve())}
    return sorted((p for p in found if len(p) > 1), key=len, reverse=True)


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    machine = "|".join(re.escape(p) for p in _machine_paths())
    return [
        ("missing value", re.compile(_MISSING)),
        ("Python repr", re.compile(_REPR)),
        ("Python warning", re.compile(_WARNING)),
        ("traceback", re.compile(_TRACEBACK)),
        ("machine path", re.compile(rf"(?<![\w.:/])(?:{machine})(?![\w-])")),
        ("machine path", re.compile(_MACHINE_ROOTS)),
    ]


def text_problems(text: str, where: str) -> list[str]:
    """Every offending snippet of ``text``, one line each, prefixed with ``where`` (a file name)."""
    problems: list[str] = []
    seen: set[tuple[str, int]] = set()
    for kind, pattern in _patterns():
        for match in pattern.finditer(text):
            if (kind, match.start()) in seen:
                continue
            seen.add((kind, match.start()))
            start, end = max(0, match.start() - _CONTEXT), min(len(text), match.end() + _CONTEXT)
            snippet = " ".join(text[start:end].split())
            problems.append(f"{where}: {kind} {match.group(0)!r} in ...{snippet}...")
    return problems


def visible_html_text(markup: str) -> str:
    """The page's text as a reader sees it: no style, script or embedded image data, no tags."""
    markup = re.sub(r"<(style|script)\b.*?</\1\s*>", " ", markup, flags=re.S | re.I)
    markup = re.sub(r"<!--.*?-->", " ", markup, flags=re.S)
    markup = re.sub(r"<[^>]+>", " ", markup)
    return html.unescape(markup)


def _xlsx_texts(path: Path) -> Iterator[tuple[str, str]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    try:
        for sheet in book.worksheets:
            # sheet names are visible too
            yield f"sheet {sheet.title!r}", sheet.title
            for row in sheet.iter_rows():
                for cell in row:
                    value = cell.value
                    # numbers are fine, except a NaN written as a number (Excel shows it as an error or "nan")
                    if value is None or (isinstance(value, (int, float)) and value == value):
                        continue
                    yield (
                        f"sheet {sheet.title!r} {getattr(cell, 'coordinate', '')}",
                        "nan" if value != value else str(value),
                    )
    finally:
        book.close()


def _shape_texts(shape) -> Iterator[str]:
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        yield shape.text_frame.text
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            for cell in row.cells:
                yield cell.text
    if getattr(shape, "has_chart", False) and shape.has_chart:
        chart = shape.chart
        for plot in chart.plots:
            yield " ".join(str(c) for c in plot.categories)
            for series in plot.series:
                yield str(series.name)
    for child in getattr(shape, "shapes", []):  # group shapes
        yield from _shape_texts(child)


def _pptx_texts(path: Path) -> Iterator[tuple[str, str]]:
    from pptx import Presentation

    deck = Presentation(str(path))
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            for text in _shape_texts(shape):
                yield f"slide {number}", text
        if slide.has_notes_slide:
            yield f"slide {number} notes", slide.notes_slide.notes_text_frame.text


def _file_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) pairs of one report file, by its kind."""
    suffix = path.suffix.lower()
    if suffix == ".html":
        yield path.name, visible_html_text(path.read_text(encoding="utf-8"))
    elif suffix in {".md", ".csv"}:
        yield path.name, path.read_text(encoding="utf-8-sig")
    elif suffix == ".xlsx":
        for where, text in _xlsx_texts(path):
            yield f"{path.name} {where}", text
    elif suffix == ".pptx":
        for where, text in _pptx_texts(path):
            yield f"{path.name} {where}", text


def report_files(folder: Path) -> list[Path]:
    """The files of a run folder a reader opens: report.html, summary.md and every xlsx, pptx and csv."""
    named = [folder / "report.html", folder / "summary.md"]
    found = [p for p in named if p.is_file()]
    for pattern in ("*.xlsx", "*.pptx", "*.csv"):
        found += sorted(p for p in folder.glob(pattern) if not p.name.startswith(("~$", ".")))
    return found


def report_problems(folder: Path) -> list[str]:
    """Every trace of the Python process in the run folder's reports, one line per finding.

    Parameters
    ----------
    folder
        A run folder (``<out>/<workbook>/<run>``).

    Returns
    -------
    list of str
        ``"<file> [sheet/slide]: <kind> '<match>' in ...<snippet>..."``; empty when the reports are clean.
    """
    problems: list[str] = []
    for path in report_files(Path(folder)):
        try:
            for where, text in _file_texts(path):
                problems += text_problems(text, where)
        except Exception as error:  # an unreadable artefact is itself a problem worth one line
            problems.append(f"{path.name}: could not be read ({type(error).__name__}: {error})")
    return problems
