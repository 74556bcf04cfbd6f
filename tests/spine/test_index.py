"""The index as the PMO's dashboard: labels and units, values per metric, RAG words, trends kept between
runs, failed runs linked to their executed notebook, and a page that fits a 390 px phone and a laptop.

Every output folder here is built by hand (run.json, metrics.json, a stub report) in the shapes the runner
writes, so each expectation below is worked out from the fixture, not from the code's output.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from browser import browser  # noqa: F401  (session fixture)

from pmokit import index, workbooks
from pmokit.bands import RAG_COLOURS

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime.now(dt.timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)


def make_run(
    out: Path,
    workbook: str,
    run: str,
    end: dt.datetime,
    metrics: dict[str, Any],
    *,
    failed: dict[str, Any] | None = None,
    notebook: bool = True,
    files: tuple[str, ...] = (),
) -> Path:
    """One run folder as the runner leaves it: ``<run>/`` when it succeeded, ``<run>.failed/`` when not."""
    folder = out / workbook / (run + (".failed" if failed else ""))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    record = {
        "workbook": workbook,
        "run": run,
        "start": (end - dt.timedelta(seconds=20)).isoformat(),
        "end": end.isoformat(),
        "duration_s": 20.0,
        "status": "failed" if failed else "succeeded",
        "error": failed,
        "params": {"title": metrics.get("title", "")},
    }
    (folder / "run.json").write_text(json.dumps(record), encoding="utf-8")
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    if not failed:
        (folder / "report.html").write_text("<html><body>report</body></html>", encoding="utf-8")
    if notebook:
        (folder / "report.ipynb").write_text("{}", encoding="utf-8")
    for name in files:
        (folder / name).write_text("x", encoding="utf-8")
    return folder


def visible_text(markup: str) -> str:
    """What a reader sees: no style, no SVG (its title is a tooltip), no tags."""
    markup = re.sub(r"<(style|svg)\b.*?</\1>", " ", markup, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


def tile(markup: str, metric: str) -> str:
    """The markup of one metric's tile on the page."""
    match = re.search(rf"<div class='m' data-metric='{metric}'.*?</div></div>(?=<div class='m'|</div>)", markup, re.S)
    assert match, f"no tile for {metric}"
    return match.group(0)


def since(day: dt.datetime) -> str:
    """How the page names a previous run's day: "25 Nov", with the year when it is not this year's."""
    local = day.astimezone().date()
    text = f"{local.day} {local.strftime('%b')}"
    return text if local.year == dt.date.today().year else f"{text} {local.year}"


# ----------------------------------------------------------------------------- values and labels
def test_values_are_formatted_per_metric_not_rounded_to_one_place() -> None:
    """The issue's examples: SPI 0.97 showed "1.0" and eNPS +1 showed "1.0"."""
    rollout = index.metric_styles("rollout_plan")
    survey = index.metric_styles("survey_analysis")
    assert index.format_value(0.97, rollout["spi"].fmt) == "0.97"
    assert index.format_value(1.0, survey["enps"].fmt) == "+1"
    assert index.format_value(-5.0, survey["enps"].fmt) == "-5"
    # without a format: whole numbers whole, small ones with the decimals they need
    assert [index.format_value(v) for v in (0.97, 1.0, 25000, 4.25, 44.13, 1234.5)] == [
        "0.97",
        "1",
        "25,000",
        "4.25",
        "44.1",
        "1,234",  # 1234.5 rounds half to even: 1,234
    ]
    assert index.format_value(None) == index.format_value(float("nan")) == "—"


def test_labels_come_from_the_bands_then_the_registry_then_the_key() -> None:
    compliance = index.metric_styles("compliance_report")
    band = workbooks.get("compliance_report").default_bands()["compliance_pct"]
    assert compliance["compliance_pct"] == index.MetricStyle(band.label, band.fmt)
    assert index.metric_styles("survey_analysis")["enps"].label == "eNPS"
    assert index.fallback_style("throughput_per_week") == index.MetricStyle("Throughput per week")
    assert index.fallback_style("late_pct") == index.MetricStyle("Late", "{:.1f}%")
    assert index.fallback_style("cycle_time_p85_days") == index.MetricStyle("Cycle time P85", "{:.1f} days")
    assert index.metric_styles("no_such_workbook") == {}


def test_every_headline_metric_has_a_label_that_is_not_its_key() -> None:
    """No raw metric key reaches the index as a label, for any registered workbook."""
    for wb in workbooks.registry:
        styles = index.metric_styles(wb.id)
        for key in wb.headline:
            label = (styles.get(key) or index.fallback_style(key)).label
            assert "_" not in label and label != key, f"{wb.id}.{key}: label {label!r}"


# ----------------------------------------------------------------------------- the page
def test_index_shows_labels_units_and_colour_words(tmp_path: Path) -> None:
    """A compliance run as the bundled sample records it: 84.76% compliant (amber), 132 SLA breaches (red)."""
    out = tmp_path / "out"
    make_run(
        out,
        "compliance_report",
        "sample",
        NOW,
        {
            "title": "Device compliance (sample tenant)",
            "compliance_pct": 84.75947,
            "compliance_pct_rag": "amber",
            "adjusted_compliance_pct": None,
            "sla_breaches": 132,
            "sla_breaches_rag": "red",
            "stale_devices": 151,
            "verdict": "84.8% compliant on 2026-11-23.",
            "verdict_rag": "red",
        },
        files=("action_list.xlsx",),
    )
    markup = (index.write_index(out)).read_text(encoding="utf-8")
    text = visible_text(markup)
    for key in ("compliance_pct", "sla_breaches", "stale_devices", "verdict_rag"):
        assert key not in text
    compliance = tile(markup, "compliance_pct")
    assert "Compliance" in visible_text(compliance) and "84.8%" in visible_text(compliance)  # {:.1f}% of 84.759
    assert "AMBER" in visible_text(compliance) and RAG_COLOURS["amber"] in compliance
    assert "132" in visible_text(tile(markup, "sla_breaches")) and "RED" in visible_text(tile(markup, "sla_breaches"))
    assert "—" in visible_text(tile(markup, "adjusted_compliance_pct"))  # missing: a dash, never None
    assert "NO DATA" not in visible_text(tile(markup, "stale_devices"))  # not rated: no colour word
    assert 'href="compliance_report/sample/report.html"' in markup
    assert 'href="compliance_report/sample/action_list.xlsx"' in markup
    assert "1 run: 1 succeeded." in text and "Verdicts: RED 1" in text


def test_a_metric_that_is_a_colour_shows_its_word(tmp_path: Path) -> None:
    """delivery_kpis records its overall colour as the headline metric ``rag``: shown as "AMBER", not "amber"."""
    out = tmp_path / "out"
    make_run(out, "delivery_kpis", "team", NOW, {"throughput_per_week": 4.25, "rag": "amber"})
    markup = index.render_index(out)
    assert "AMBER" in visible_text(tile(markup, "rag")) and RAG_COLOURS["amber"] in tile(markup, "rag")
    assert "4.2 items/week" in visible_text(tile(markup, "throughput_per_week"))  # {:.1f}: 4.25 -> 4.2 (half even)


def test_trend_shows_the_last_runs_and_the_change_since_the_previous_one(tmp_path: Path) -> None:
    """A rollout reported weekly: SPI 0.91, 0.94, then 0.97; finish moved from 2027-05-18 to 2027-05-24."""
    out = tmp_path / "out"
    weeks = [NOW - dt.timedelta(days=14), NOW - dt.timedelta(days=7), NOW]
    for end, spi, finish in zip(weeks, (0.91, 0.94, 0.97), ("2027-05-10", "2027-05-18", "2027-05-24")):
        make_run(out, "rollout_plan", "sample", end, {"spi": spi, "spi_rag": "green", "planned_finish": finish})
        index.write_index(out)
    markup = (out / "index.html").read_text(encoding="utf-8")
    spi = tile(markup, "spi")
    # 0.97 - 0.94 = +0.03, shown with the band's two decimals
    assert f"+0.03 since {since(weeks[1])}" in visible_text(spi)
    assert "0.97" in visible_text(spi) and "GREEN" in visible_text(spi)
    label = re.search(r'<svg class="spark" role="img" aria-label="([^"]+)"', spi).group(1)
    assert label.startswith("SPI (earned schedule), last 3 runs: 0.91 (")
    assert label.endswith(f"0.94 ({since(weeks[1])}), 0.97 ({since(weeks[2])})")
    assert spi.count("<polyline") == 1 and "<script" not in markup and "http" not in spi
    # 2027-05-24 is 6 days after 2027-05-18
    assert f"+6 days since {since(weeks[1])}" in visible_text(tile(markup, "planned_finish"))


def test_change_is_shown_to_the_precision_of_the_values() -> None:
    """Response rate 64.7% then 67.4% under the band's "{:g}%": +2.7 pts, not +2.7000000000000028."""
    assert index.format_change(64.7, 67.4, "{:g}%", "25 Nov") == "+2.7 pts since 25 Nov"
    assert index.format_change(-3.0, 1.0, "{:+.0f}", "25 Nov") == "+4 since 25 Nov"
    assert index.format_change(169, 182, "{:,.0f} sites", "25 Nov") == "+13 sites since 25 Nov"
    assert index.format_change(84.81, 84.79, "{:.1f}%", "25 Nov") == "no change since 25 Nov"  # 84.8% both
    assert index.format_change("optimal", "feasible", "", "25 Nov") == ""


def test_first_run_has_no_trend(tmp_path: Path) -> None:
    out = tmp_path / "out"
    make_run(out, "survey_analysis", "sample", NOW, {"responses": 595, "enps": 1.0})
    markup = index.write_index(out).read_text(encoding="utf-8")
    assert "<svg" not in markup and "since" not in visible_text(markup)
    assert "+1" in visible_text(tile(markup, "enps"))


# ----------------------------------------------------------------------------- history
def test_history_keeps_each_run_once_and_the_last_twelve(tmp_path: Path) -> None:
    """A compliance report run weekly for 14 weeks (71% .. 84%), the index written after each run and
    once more at the end: the history holds weeks 3 to 14, each once."""
    out = tmp_path / "out"
    for week in range(1, 15):
        end = NOW - dt.timedelta(days=7 * (14 - week))
        make_run(out, "compliance_report", "sample", end, {"compliance_pct": 70.0 + week, "verdict_rag": "amber"})
        index.write_index(out)
    index.write_index(out)  # a second index of the same run adds nothing
    entries = index.read_history(out / "compliance_report" / "sample.history.jsonl")
    assert [e["metrics"]["compliance_pct"] for e in entries] == [70.0 + w for w in range(3, 15)]
    assert entries[-1]["metrics"]["verdict_rag"] == "amber" and len(entries) == index.HISTORY_KEEP == 12


def test_history_ignores_failed_runs_and_damaged_lines(tmp_path: Path) -> None:
    """A history whose last line was cut short (disk full mid-write), then a run that failed."""
    out = tmp_path / "out"
    make_run(out, "compliance_report", "sample", NOW - dt.timedelta(days=7), {"compliance_pct": 80.0})
    index.write_index(out)
    path = out / "compliance_report" / "sample.history.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + '{"end": "2026-', encoding="utf-8")
    make_run(out, "compliance_report", "sample", NOW, {}, failed={"cell": 3, "ename": "KeyError", "evalue": "'x'"})
    index.write_index(out)
    assert [e["metrics"]["compliance_pct"] for e in index.read_history(path)] == [80.0]


def test_make_clean_keeps_the_metric_history(tmp_path: Path) -> None:
    """`make clean` removes reports but keeps state: history stores, the last status run, metric trends."""
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    out = tmp_path / "out"
    make_run(out, "compliance_report", "sample", NOW, {"compliance_pct": 80.0})
    (out / "compliance_report" / "history_store").mkdir()
    make_run(out, "status_deck", "weekly", NOW, {"overall_rag": "red"})
    index.write_index(out)
    done = subprocess.run(["make", "-s", "clean", f"OUT={out}"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    left = sorted(p.relative_to(out).as_posix() for p in out.glob("*/*"))
    assert left == [
        "compliance_report/history_store",
        "compliance_report/sample.history.jsonl",
        "status_deck/weekly",
        "status_deck/weekly.history.jsonl",
    ]
    assert not (out / "index.html").exists()


# ----------------------------------------------------------------------------- failed runs
def test_failed_run_links_its_executed_notebook_and_the_last_good_report(tmp_path: Path) -> None:
    """Last week's delivery run succeeded; this week's stopped at cell 4 (a renamed export column)."""
    out = tmp_path / "out"
    make_run(out, "delivery_kpis", "jira", NOW - dt.timedelta(days=7), {"wip": 18, "wip_rag": "green"})
    error = {"cell": 4, "ename": "KeyError", "evalue": "'Status Category Changed'"}
    make_run(out, "delivery_kpis", "jira", NOW, {"title": "Delivery KPIs"}, failed=error)
    markup = index.write_index(out).read_text(encoding="utf-8")
    text = visible_text(markup)
    assert markup.count("<tr>") == 2  # the header and one row: both attempts are one run
    assert 'href="delivery_kpis/jira.failed/report.ipynb"' in markup
    assert "executed notebook" in text and "FAILED" in text
    assert "cell 4: KeyError: 'Status Category Changed'" in text
    assert 'href="delivery_kpis/jira/report.html"' in markup and "last good report" in text
    assert f"From the last good run, {since(NOW - dt.timedelta(days=7))}." in text
    assert "18 items" in visible_text(tile(markup, "wip"))  # the band's "{:.0f} items"
    assert "1 run: 0 succeeded, 1 failed" in text


def test_failed_run_without_a_notebook_links_its_run_record(tmp_path: Path) -> None:
    """A run that failed before its notebook ran (the kernel would not start): run.json says why."""
    out = tmp_path / "out"
    error = {"cell": None, "ename": "RuntimeError", "evalue": "kernel died"}
    make_run(out, "survey_analysis", "sample", NOW, {}, failed=error, notebook=False)
    markup = index.render_index(out)
    assert 'href="survey_analysis/sample.failed/run.json"' in markup
    assert "RuntimeError: kernel died" in visible_text(markup)


# ----------------------------------------------------------------------------- layout in a real browser
def demanding_output(out: Path) -> None:
    """Every workbook with every headline metric, three weeks of history, a long title without a space, long
    artefact names, and a failed run whose error is one long path: the widest content the index meets."""
    for workbook in workbooks.registry.ids():
        heads = workbooks.headline(workbook)
        for week, end in enumerate((NOW - dt.timedelta(days=14), NOW - dt.timedelta(days=7), NOW)):
            metrics: dict[str, Any] = {
                "title": f"{workbook}-Platform-and-Infrastructure-Modernisation-Programme-2026",
                "verdict": "Finishing 4.2 items a week; the 29 remaining items are 85% likely done by 2027-01-29.",
                "verdict_rag": "amber",
            }
            for i, key in enumerate(heads):
                metrics[key] = "2027-05-2" + str(week) if "finish" in key or "date" in key else 12345.678 + week * i
                metrics[f"{key}_rag"] = ("green", "amber", "red", "grey")[i % 4]
            metrics["rag"] = "amber"
            metrics["overall_rag"] = "red"
            make_run(out, workbook, "sample", end, metrics, files=("remediation_queue_by_business_unit_2026.xlsx",))
            index.write_index(out)
    error = {"cell": 7, "ename": "FileNotFoundError", "evalue": "/srv/exports/" + "very_long_folder_name/" * 8}
    make_run(out, "delivery_kpis", "sample", NOW + dt.timedelta(hours=1), {}, failed=error)
    index.write_index(out)


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_index_fits_a_laptop_and_a_phone(tmp_path: Path, browser, width: int, height: int) -> None:  # noqa: F811
    """No sideways page scroll and no text wider than its box at 1366 px and at 390 px."""
    out = tmp_path / "out"
    demanding_output(out)
    seen = browser.layout(out / "index.html", width, height, screenshot=tmp_path / f"index-{width}.png")
    assert seen.page_overflow <= 0, f"the page scrolls sideways by {seen.page_overflow} px at {width} px"
    assert seen.overflowing == []
    assert (tmp_path / f"index-{width}.png").stat().st_size > 10_000
