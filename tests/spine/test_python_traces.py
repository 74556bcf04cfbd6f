"""Nothing of the Python process reaches a rendered report: streams, reprs, warnings, machine paths.

Reproduces what the bundled and real runs showed: ``PosixPath('/home/.../.sample.tmp-.../gantt.png')``
left by a cell ending in ``report.save_figure(...)``, "Glyph ... missing from font" warning blocks with
the analyst's file paths on stderr, and the header's parameters as JSON with absolute paths and ``null``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output
from report_scan import text_problems, visible_html_text

from pmokit import report
from pmokit.quality import DataQuality, public_text, warning_problem
from pmokit.render import is_python_output, param_text, public_meta, render_html

GLYPH = "/home/ana/.venv/lib/python3.11/site-packages/IPython/core/pylabtools.py:170: UserWarning: Glyph 26032 missing"


def _notebook() -> nbformat.NotebookNode:
    """One cell per kind of output a workbook's kernel produced."""
    return new_notebook(
        cells=[
            new_code_cell(
                "report.save_figure(fig, 'gantt.png')",
                outputs=[
                    new_output("display_data", data={"text/html": "<p>Average utilisation: 73 %.</p>"}),
                    new_output(
                        "execute_result",
                        data={"text/plain": "PosixPath('/tmp/outC/rollout_plan/.sample.tmp-ff67be9d/gantt.png')"},
                        execution_count=1,
                    ),
                ],
            ),
            new_code_cell("x", outputs=[new_output("stream", name="stderr", text=GLYPH + "\n  fig.canvas.draw()\n")]),
            new_code_cell("print(settings)", outputs=[new_output("stream", name="stdout", text="{'a': None}\n")]),
            new_code_cell(
                "fig",
                outputs=[new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})],
            ),
        ]
    )


def test_only_html_and_images_are_kept() -> None:
    kept = [o for c in _notebook().cells for o in c.outputs if not is_python_output(o)]
    # kept: the HTML paragraph and the figure (its text/plain alternative is never chosen over the PNG)
    assert [sorted(o["data"]) for o in kept] == [["text/html"], ["image/png", "text/plain"]]


def test_rendered_page_has_no_trace_of_the_process() -> None:
    meta = {
        "title": "Rollout plan",
        "params": {
            "output_dir": "/tmp/outC/rollout_plan/sample",
            "sites_path": "/home/ana/exports/sites.csv",
            "columns": '{"devices": "Device count"}',
            "baseline_path": "null",
            "blackouts": '[{"start": "2026-12-14", "end": "2027-01-03", "reason": "Year-end freeze"}]',
            "workdays": '["Mon", "Tue"]',
            "require_encryption": "true",
        },
    }
    text = visible_html_text(render_html(_notebook(), meta))
    assert "Average utilisation: 73 %." in text
    assert text_problems(text, "report.html") == []
    assert "PosixPath" not in text and "Glyph" not in text and "{'a'" not in text
    for shown in ("sites.csv", "devices: Device count", "start: 2026-12-14, end: 2027-01-03, reason: Year-end freeze"):
        assert shown in text
    assert "Mon, Tue" in text and "output_dir" not in text


def test_parameters_are_spelled_out() -> None:
    assert public_meta({"params": {"output_dir": "/tmp/x", "a": "null", "b": "[]", "c": "{}"}}) == {
        "params": {"a": "—", "b": "—", "c": "—"}
    }
    assert param_text('{"Windows": "10.0.22631", "iOS": "17.6"}') == "Windows: 10.0.22631, iOS: 17.6"
    assert param_text("2026-11-23") == "2026-11-23"  # not JSON: kept as written
    assert param_text('["/work/main/data/a.csv", "/work/main/data/b.csv"]') == "a.csv, b.csv"


def test_absolute_paths_become_file_names() -> None:
    assert public_text(r"C:\Users\ana\exports\plan.xlsx") == "plan.xlsx"
    assert public_text("see ~/exports/raid.csv") == "see raid.csv"
    # relative paths, URLs and ratios are left alone
    kept = "data/sample/a.csv, https://jira.example/browse/X-1, actual/planned ratio, 3/4"
    assert public_text(kept) == kept


def test_warning_message_loses_paths_and_class_names() -> None:
    assert warning_problem(GLYPH) == "pylabtools.py:170: warning: Glyph 26032 missing"
    assert warning_problem("Mean of empty slice\nsecond line") == "Mean of empty slice"


class TestWarningsBecomeDataQualityLines:
    def _started(self, tmp_path: Path, monkeypatch) -> list[str]:
        shown: list[str] = []
        monkeypatch.setattr(report, "_display_html", shown.append)
        report.start(SimpleNamespace(output_dir=str(tmp_path / "run"), title="T"))
        return shown

    def test_data_warnings_are_counted_once_per_message(self, tmp_path: Path, monkeypatch) -> None:
        shown = self._started(tmp_path, monkeypatch)
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = report._note_warning  # catch_warnings restored the test runner's own
            for _ in range(3):
                warnings.warn("Glyph 26032 missing from font(s) DejaVu Sans.", UserWarning)
            warnings.warn("Could not infer format of /home/ana/exports/raid.csv", UserWarning)
            warnings.warn("this API is deprecated", DeprecationWarning)
            report.data_quality(DataQuality())
        frame = report.warning_findings().frame()
        # 3 glyph warnings -> one line with rows 3; the path in the second is cut to a file name;
        # the deprecation is about code, not data: not a line
        assert frame["problem"].tolist() == [
            "Glyph 26032 missing from font(s) DejaVu Sans.",
            "Could not infer format of raid.csv",
        ]
        assert frame["rows"].tolist() == [3, 1]
        assert report.metrics()["data_quality_findings"] == 2
        assert text_problems(visible_html_text(shown[-1]), "table") == []

    def test_no_warning_no_line(self, tmp_path: Path, monkeypatch) -> None:
        shown = self._started(tmp_path, monkeypatch)
        report.data_quality(DataQuality())
        assert "every input row was read as is" in shown[-1]
