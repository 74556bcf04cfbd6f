"""Tables that fit: on screen a wide table scrolls inside its own box with its key column in view, and on
paper every column of every table is printed (issue 14, item 2).

The fixture is hand-made in the shape of the workspace hygiene remediation queue that was clipped: a site
key, a template name, two free-text columns (reasons, actions) of 60-110 characters, and ten short numeric
and date columns - far wider than a phone, and wider than an A4 page even with its text wrapped.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from browser import browser, chromium_or_skip  # noqa: F401  (session fixture)

from pmokit import report
from pmokit.render import PdfPrinter, render_html

NUMERIC_COLUMNS = [
    "Storage GB",
    "Quota GB",
    "Days inactive",
    "Members",
    "Owners",
    "Guests",
    "Files",
    "Shared links",
    "Score",
]


def remediation_queue(rows: int = 12) -> pd.DataFrame:
    """A remediation queue like workspace_hygiene's: key column first, long text in the middle, numbers after."""
    frame = pd.DataFrame(
        {
            "Site": [f"https://contoso.sharepoint.com/sites/project-{i:03d}-archive" for i in range(rows)],
            "Template": ["Team site (Microsoft 365 group connected, classic pages)"] * rows,
            "Reasons": ["no owner left the tenant; inactive for 400 days; external sharing on; storage above quota"]
            * rows,
            "Actions": [
                "Assign a new owner from the members, then archive the site if nobody claims it within 30 days; "
                "turn external sharing off"
            ]
            * rows,
        }
    )
    for n, name in enumerate(NUMERIC_COLUMNS):
        frame[name] = [float(1000 * n + i) + 0.25 for i in range(rows)]
    frame["Last activity"] = pd.Timestamp("2025-10-01")
    return frame


def one_table_report(tmp_path: Path, frame: pd.DataFrame, caption: str) -> Path:
    """A report page holding one table, rendered through the report template as the runner renders it."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("report.table(frame)")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": report.table_html(frame, caption, max_rows=100)})
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("## Remediation queue"), cell]
    path = tmp_path / "report.html"
    path.write_text(render_html(nb, {"title": "Tables that fit", "generated": "2026-12-02"}), encoding="utf-8")
    return path


def squashed(text: str) -> str:
    """Text without any whitespace and with ligatures spelled out (Chromium prints "off" with the "ff"
    ligature): a header wrapped across lines in the PDF still matches."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pdf_text(path: Path) -> str:
    pypdf = pytest.importorskip("pypdf", reason="pypdf is a dev dependency (pip install -e '.[dev]')")
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)


# ----------------------------------------------------------------------------- the markup


def test_column_groups_repeat_the_key_column_and_lose_none() -> None:
    # widths 10 | 50 50 | 30 30 | 90 on a line of 100: 10+50=60, +50=110 > 100 -> new group;
    # 10+50=60, +30=90, +30=120 > 100 -> new group; 10+30=40, +90=130 > 100 -> new group; 10+90=100 fits
    groups = report.column_groups([10, 50, 50, 30, 30, 90], 100)
    assert groups == [[0, 1], [0, 2, 3], [0, 4], [0, 5]]


def test_a_column_wider_than_a_line_still_gets_a_group() -> None:
    assert report.column_groups([10, 500, 5], 100) == [[0, 1], [0, 2]]


def test_wide_table_scrolls_in_a_labelled_region_and_prints_as_groups() -> None:
    frame = remediation_queue(3)
    markup = report.table_html(frame, "Remediation queue")
    assert (
        "<div class='table-wrap pmo-screen-only' tabindex='0' role='region' aria-label='Remediation queue'>" in markup
    )
    printed = markup.split("<div class='pmo-print-groups'>", 1)[1]
    tables = re.findall(r"<thead><tr>(.*?)</tr></thead>", printed)
    headers = [re.findall(r"<th[^>]*>(.*?)</th>", t) for t in tables]
    assert len(headers) > 1, "a 14-column queue with 3 long texts is wider than an A4 page"
    assert all(h[0] == "Site" for h in headers), "every group starts with the key column"
    seen = [name for h in headers for name in h[1:]]
    assert sorted(seen) == sorted(frame.columns[1:]), "every other column printed exactly once"


def test_long_text_wraps_and_numbers_do_not() -> None:
    markup = report.table_html(remediation_queue(2), "Queue")
    assert "<th class='t'>Actions</th>" in markup
    assert "<td class='t'>Assign a new owner" in markup
    assert "<td class='n'>1000.2</td>" in markup or "<td class='n'>1,000.2</td>" in markup


def test_narrow_table_has_no_print_copy() -> None:
    # 2 columns: Wave (4+2) and devices (7+2) = 15 characters, far within a printed line
    markup = report.table_html(pd.DataFrame({"Wave": [1, 2], "devices": [10, 20]}), "Waves")
    assert "pmo-print-groups" not in markup
    assert "<div class='table-wrap' tabindex='0' role='region' aria-label='Waves'>" in markup


# ----------------------------------------------------------------------------- in a browser and on paper

_TABLES_JS = """() => Array.from(document.querySelectorAll('.table-wrap')).map(w => {
  const first = w.querySelector('tbody td');
  return {
    scrolls: w.scrollWidth > w.clientWidth,
    fits: w.getBoundingClientRect().right <= window.innerWidth + 1,
    sticky: first ? getComputedStyle(first).position : '',
    clipped: Array.from(w.querySelectorAll('td, th')).filter(c => c.scrollWidth > c.clientWidth + 1).length,
  };
})"""


def _tables_seen(browser, path: Path, width: int) -> list[dict]:  # noqa: F811
    """How each table's box lays out at ``width``: run in the browser's own thread (tests/browser.py)."""

    def look(chromium) -> list[dict]:
        page = chromium.new_page(viewport={"width": width, "height": 800})
        try:
            page.goto(path.resolve().as_uri(), wait_until="load")
            return page.evaluate(_TABLES_JS)
        finally:
            page.close()

    return browser._pool.submit(look, browser._browser).result()


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_wide_table_scrolls_in_its_box_not_the_page(browser, tmp_path: Path, width: int, height: int) -> None:  # noqa: F811
    page = one_table_report(tmp_path, remediation_queue(), "Remediation queue")
    seen = browser.layout(page, width, height, screenshot=tmp_path / f"queue-{width}.png")
    assert seen.page_overflow <= 0, f"the page scrolls sideways by {seen.page_overflow} px"
    assert seen.overflowing == []
    (box,) = _tables_seen(browser, page, width)
    assert box == {"scrolls": True, "fits": True, "sticky": "sticky", "clipped": 0}


@pytest.mark.browser
def test_every_column_reaches_the_pdf(tmp_path: Path) -> None:
    frame = remediation_queue()
    page = one_table_report(tmp_path, frame, "Remediation queue")
    with PdfPrinter(chromium_or_skip()) as printer:
        pdf = printer.print(page, tmp_path / "report.pdf")
    text = squashed(pdf_text(pdf))
    missing = [c for c in frame.columns if squashed(c) not in text]
    assert missing == []
    # the last row's key and its last column both printed: no row or column cut at the page edge
    assert squashed(frame["Site"].iloc[-1]) in text
    assert "2025-10-01" in text


@pytest.mark.browser
def test_the_pdf_check_sees_a_clipped_column(tmp_path: Path) -> None:
    """Negative control: with the print groups hidden and the table clipped at its box (the old print
    behaviour), the columns past the page edge are missing from the PDF text, so the check above can fail."""
    frame = remediation_queue()
    page = one_table_report(tmp_path, frame, "Remediation queue")
    clipped = (
        "@media print { .pmo-print-groups { display: none !important } .pmo-screen-only { display: block !important }"
    )
    clipped += " .table-wrap { overflow: hidden !important } .pmo-table td { white-space: nowrap !important } }"
    page.write_text(page.read_text(encoding="utf-8").replace("</head>", f"<style>{clipped}</style></head>", 1))
    with PdfPrinter(chromium_or_skip()) as printer:
        pdf = printer.print(page, tmp_path / "report.pdf")
    text = squashed(pdf_text(pdf))
    assert "Site" in text
    assert [c for c in frame.columns if squashed(c) not in text] != []
