"""The bundled samples and params look like a real company: no security probe in any of their files.

Probes belong in test fixtures (tests/test_injection.py puts them into a copy); a probe in the sample
shows in every demo report, deck and workbook and makes them look hacked. Zip and xlsx files are
searched inside (their members are compressed, so a plain grep misses them).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = re.compile(rb"<script|onerror|javascript:|__xss|&lt;script", re.IGNORECASE)


def _folders() -> list[Path]:
    return sorted(p for p in (ROOT / "data" / "sample").iterdir() if p.is_dir()) + [ROOT / "params"]


def _contents(path: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of a file, or of each member when it is a zip archive (.zip, .xlsx, .pptx, .docx)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return [(f"{path.name}!{name}", archive.read(name)) for name in archive.namelist()]
    return [(path.name, path.read_bytes())]


def probes_in(folder: Path) -> list[str]:
    """Every file (or archive member) under ``folder`` holding a probe, with the text found."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        for name, data in _contents(path):
            hit = PROBE.search(data)
            if hit:
                where = path.parent.relative_to(folder) / name
                found.append(f"{folder.name}/{where.as_posix()}: {hit.group().decode(errors='replace')}")
    return found


@pytest.mark.parametrize(
    "folder",
    [pytest.param(f, id=str(f.relative_to(ROOT))) for f in _folders()],
)
def test_no_security_probe_in_the_bundled_samples(folder):
    assert probes_in(folder) == []


def test_the_search_finds_a_probe_in_a_csv_and_inside_an_xlsx(tmp_path):
    """The check itself: a probe in a plain CSV and one inside a zipped xlsx member are both found."""
    import openpyxl

    (tmp_path / "sites.csv").write_text('id,name\n1,"<img src=x onerror=""x()"">"\n', encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.append(["owner", "<SCRIPT>alert(1)</SCRIPT>"])
    book.save(tmp_path / "queue.xlsx")
    (tmp_path / "clean.csv").write_text("id,name\n1,Basel Office 16\n", encoding="utf-8")
    # files in name order (clean.csv, queue.xlsx, sites.csv); the xlsx keeps the text inside the zipped sheet,
    # XML-escaped, so the xlsx hit is the escaped form
    assert probes_in(tmp_path) == [
        f"{tmp_path.name}/queue.xlsx!xl/worksheets/sheet1.xml: &lt;SCRIPT",
        f"{tmp_path.name}/sites.csv: onerror",
    ]
