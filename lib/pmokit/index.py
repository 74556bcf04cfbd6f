"""``<out>/index.html``: the PMO's dashboard of every run folder, offline and usable on a phone.

One row per run (``<workbook>/<run>``): the verdict with its colour and its word, the headline metrics
(from the registry) labelled and formatted as the workbook's bands say (or the registry's
``display`` for metrics no band names), each metric's colour with its word, a sparkline of its last
runs with the change since the previous one, and links to the report, its PDF, its notebook and its
artefacts. A run whose latest attempt failed shows the error and links the executed notebook of that
attempt, and the last good report when there is one.

Trends need earlier values that later runs replace: when the index is written, each succeeded run's
headline metrics (and their colours) are appended to ``<out>/<workbook>/<run>.history.jsonl``, the
last :data:`HISTORY_KEEP` runs. That file is state kept between runs (``make clean`` leaves it).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import numbers
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmokit import fmt as formatting
from pmokit import runfolder, workbooks
from pmokit.bands import LABELS, RAG_COLOURS, STATES, is_missing

#: Runs kept in each run's metric history (the sparkline's points).
HISTORY_KEEP = 12
HISTORY_SUFFIX = ".history.jsonl"
SPARK_W, SPARK_H = 84, 22
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATE_IN_TEXT = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_NUMBER = re.compile(r"\d[\d,]*(?:\.(\d+))?")
#: Key endings that carry a unit: the label drops the ending, the value shows the unit.
_UNIT_ENDINGS = {"_pct": "{:.1f}%", "_days": "{:.1f} days"}
_FILE_TEXT = {runfolder.REPORT_HTML: "report", runfolder.REPORT_PDF: "PDF", runfolder.REPORT_IPYNB: "notebook"}
_NEUTRAL = "#c8c8c8"


# ----------------------------------------------------------------------------- labels and values
@dataclass(frozen=True)
class MetricStyle:
    """How the index names and formats one metric (``fmt`` empty: :func:`format_value` decides)."""

    label: str
    fmt: str = ""


def readable_label(key: str) -> str:
    """A label for a metric no band or registry entry names, made from its key.

    Examples
    --------
    >>> readable_label("throughput_per_week"), readable_label("forecast_p85_finish"), readable_label("sla_breaches")
    ('Throughput per week', 'Forecast P85 finish', 'SLA breaches')
    """
    return formatting.label(key)


def fallback_style(key: str) -> MetricStyle:
    """Label and format from the key alone: ``_pct`` shows a percent sign, ``_days`` says days.

    Examples
    --------
    >>> fallback_style("compliance_pct"), fallback_style("stale_devices")
    (MetricStyle(label='Compliance', fmt='{:.1f}%'), MetricStyle(label='Stale devices', fmt=''))
    """
    for ending, fmt in _UNIT_ENDINGS.items():
        if key.endswith(ending) and len(key) > len(ending):
            return MetricStyle(readable_label(key[: -len(ending)]), fmt)
    return MetricStyle(readable_label(key))


def metric_styles(workbook: str) -> dict[str, MetricStyle]:
    """``{metric: MetricStyle}`` from the workbook's bands (label, format) and the registry's ``display``.

    The bands module is imported here, once per index, only for workbooks that have runs.
    """
    try:
        wb = workbooks.get(workbook)
    except KeyError:
        return {}  # an old run folder of a workbook no longer registered
    styles = {key: MetricStyle(label, fmt) for key, (label, fmt) in wb.display.items()}
    try:
        bands = wb.default_bands()
    except Exception:  # noqa: BLE001 - a workbook whose bands cannot be built still gets its row
        bands = {}
    styles.update({key: MetricStyle(band.label, band.fmt) for key, band in bands.items()})
    return styles


def format_value(value: Any, fmt: str = "") -> str:
    """Short display of a metric value ("—" when missing), in ``fmt`` when one is given.

    Without a format, whole numbers show whole and others with as many decimals as their size needs.

    Examples
    --------
    >>> format_value(None), format_value(1234567.8), format_value(12.345), format_value(0.97), format_value(1.0)
    ('—', '1,234,568', '12.3', '0.97', '1')
    >>> format_value(1.0, "{:+.0f}"), format_value(84.759, "{:.1f}%"), format_value("2027-05-24", "{:.1f}")
    ('+1', '84.8%', '2027-05-24')
    """
    return formatting.value(value, fmt)


def _state(value: Any) -> str | None:
    """The RAG state a value is (``"amber"``), or None."""
    return value.lower() if isinstance(value, str) and value.lower() in STATES else None


# ----------------------------------------------------------------------------- history
def history_path(folder: Path) -> Path:
    """The metric history of a run folder: ``<out>/<workbook>/<run>.history.jsonl``."""
    folder = Path(folder)
    name = folder.name.removesuffix(runfolder.FAILED_SUFFIX)
    return folder.parent / f"{name}{HISTORY_SUFFIX}"


def read_history(path: Path) -> list[dict[str, Any]]:
    """The entries of a history file, oldest first (unreadable lines are skipped; no file: [])."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by a full disk: the others still count
        if isinstance(entry, dict) and isinstance(entry.get("metrics"), dict):
            entries.append(entry)
    return entries


def history_entry(folder: runfolder.RunFolder) -> dict[str, Any]:
    """What the history keeps of a run: its end and its headline metrics with their colours."""
    keys = [k for head in workbooks.headline(folder.workbook) for k in (head, f"{head}_rag")] + ["verdict_rag"]
    return {"end": folder.run.get("end"), "metrics": {k: folder.metrics[k] for k in keys if k in folder.metrics}}


def record_history(folder: runfolder.RunFolder, keep: int = HISTORY_KEEP) -> list[dict[str, Any]]:
    """Append a succeeded run to its history once (a run is known by its end time); keep the last ``keep``."""
    path = history_path(folder.path)
    entries = read_history(path)
    entry = history_entry(folder)
    if entry["end"] is None or any(e.get("end") == entry["end"] for e in entries):
        return entries
    entries = (entries + [entry])[-keep:]
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    tmp.replace(path)
    return entries


def record_histories(out: Path) -> None:
    """Record every succeeded run under ``out``; a folder that cannot be written keeps its old history."""
    for folder in runfolder.scan(out):
        if folder.succeeded and not folder.path.name.endswith(runfolder.FAILED_SUFFIX):
            try:
                record_history(folder)
            except OSError:
                pass  # the index is still written; the trend misses this run


# ----------------------------------------------------------------------------- runs
@dataclass
class RunRow:
    """One run of the index: its latest attempt and, when that failed, its last good run."""

    latest: runfolder.RunFolder
    good: runfolder.RunFolder | None

    @property
    def failed(self) -> bool:
        return not self.latest.succeeded


def collect_runs(out: Path) -> list[RunRow]:
    """Every run under ``out``, its attempts (``<run>`` and ``<run>.failed``) together, in registry order."""
    groups: dict[tuple[str, str], list[runfolder.RunFolder]] = {}
    for folder in runfolder.scan(out):
        groups.setdefault((folder.workbook, folder.name), []).append(folder)
    rows = []
    far = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    for attempts in groups.values():
        # newest first; on equal times a failure wins (it is what happened last to that run)
        attempts.sort(key=lambda f: (f.end or far, not f.succeeded), reverse=True)
        good = next((f for f in attempts if f.succeeded), None)
        rows.append(RunRow(attempts[0], good))
    order = {wb: i for i, wb in enumerate(workbooks.registry.ids())}
    rows.sort(key=lambda r: (order.get(r.latest.workbook, len(order)), r.latest.workbook, r.latest.name))
    return rows


# ----------------------------------------------------------------------------- trends
def _point(value: Any) -> float | None:
    """A value on a line: numbers as they are, ISO dates as day numbers, anything else None."""
    if isinstance(value, bool) or is_missing(value):
        return None
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return float(dt.date.fromisoformat(value).toordinal())
        except ValueError:
            return None
    return None


def _local_date(stamp: Any) -> dt.date | None:
    try:
        when = dt.datetime.fromisoformat(str(stamp))
    except (TypeError, ValueError):
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)).astimezone().date()


def short_date(day: dt.date, today: dt.date | None = None) -> str:
    """``25 Nov``; with the year when it is not ``today``'s year.

    Examples
    --------
    >>> short_date(dt.date(2026, 11, 25), dt.date(2026, 12, 2)), short_date(dt.date(2025, 11, 25), dt.date(2026, 1, 2))
    ('25 Nov', '25 Nov 2025')
    """
    text = f"{day.day} {day:%b}"
    return text if today is not None and day.year == today.year else f"{text} {day.year}"


def format_change(before: Any, after: Any, fmt: str, since: str) -> str:
    """The change between two runs as text: ``+0.3 since 25 Nov``, ``−2.6 pts since 25 Nov``.

    Dates change in days; percentages in points; a change the format rounds away is "no change".

    Examples
    --------
    >>> format_change(0.94, 0.97, "{:.2f}", "25 Nov"), format_change(87.4, 84.8, "{:.1f}%", "25 Nov")
    ('+0.03 since 25 Nov', '−2.6 pts since 25 Nov')
    >>> format_change("2027-05-18", "2027-05-24", "", "1 Dec"), format_change(3, 3, "{:.0f}", "1 Dec")
    ('+6 days since 1 Dec', 'no change since 1 Dec')
    >>> format_change(64.7, 67.4, "{:g}%", "1 Dec")  # 67.4 - 64.7 = 2.7000000000000028
    '+2.7 pts since 1 Dec'
    """
    a, b = _point(before), _point(after)
    if a is None or b is None:
        return ""
    diff = b - a
    if isinstance(after, str):  # an ISO date: the change in days
        days = round(diff)
        shown = f"{abs(days)} day{'' if abs(days) == 1 else 's'}"
    else:  # shown to the precision the two values are shown with: 67.4% then 64.7% is 2.7 pts, not 2.696
        places = max(_decimals(format_value(before, fmt)), _decimals(format_value(after, fmt)))
        shown = format_value(round(abs(diff), places), fmt).lstrip("+-−")
        if shown.endswith("%"):
            shown = shown[:-1].rstrip() + " pts"
    if not any(c in "123456789" for c in shown):
        return f"no change since {since}"
    return f"{'+' if diff > 0 else '−'}{shown} since {since}"


def _decimals(text: str) -> int:
    """Decimal places of the first number in a formatted value (``"84.8%"`` -> 1, ``"1,234"`` -> 0)."""
    match = _NUMBER.search(text)
    return len(match.group(1) or "") if match else 0


def sparkline(values: list[float], colour: str, description: str) -> str:
    """An inline SVG line of ``values`` (oldest first), the last point in ``colour``; "" under two points.

    The description is its accessible name and its tooltip (every value with its date).
    """
    if len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    xs = [2 + i * (SPARK_W - 6) / (len(values) - 1) for i in range(len(values))]
    ys = [SPARK_H / 2 if hi == lo else SPARK_H - 3 - (v - lo) / (hi - lo) * (SPARK_H - 6) for v in values]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    label = html.escape(description, quote=True)
    return (
        f'<svg class="spark" role="img" aria-label="{label}" width="{SPARK_W}" height="{SPARK_H}" '
        f'viewBox="0 0 {SPARK_W} {SPARK_H}"><title>{label}</title>'
        f'<polyline fill="none" stroke="#666" stroke-width="1.5" points="{points}"/>'
        f'<circle cx="{xs[-1]:.1f}" cy="{ys[-1]:.1f}" r="2.6" fill="{colour}"/></svg>'
    )


def series(folder: runfolder.RunFolder) -> list[dict[str, Any]]:
    """The run's history with the run itself last (written or not yet), at most :data:`HISTORY_KEEP`."""
    entries = read_history(history_path(folder.path))
    end = folder.run.get("end")
    entries = [e for e in entries if e.get("end") != end] + [history_entry(folder)]
    return entries[-HISTORY_KEEP:]


# ----------------------------------------------------------------------------- markup
def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def rag_badge(state: str) -> str:
    """The colour as a swatch and its word (``AMBER``, ``NO DATA``): never colour alone."""
    colour = RAG_COLOURS.get(state, RAG_COLOURS["grey"])
    word = LABELS.get(state, state.upper())
    return f"<span class='rag'><i class='sw' style='background:{colour}'></i>{_esc(word)}</span>"


def _metric_tile(key: str, style: MetricStyle, entries: list[dict[str, Any]], today: dt.date) -> str:
    """One headline metric: label, value, colour with its word, sparkline and change."""
    current = entries[-1]["metrics"]
    value = current.get(key)
    own = _state(value) if key == "rag" or key.endswith("_rag") else None  # the figure is a colour itself
    state = own or _state(current.get(f"{key}_rag"))
    if own:
        shown = rag_badge(own)
    else:
        shown = f"<span class='v'>{_keep_dates_whole(_esc(format_value(value, style.fmt)))}</span>"
        shown += f" {rag_badge(state)}" if state else ""
    trend = ""
    known = [(e, e["metrics"].get(key)) for e in entries if _point(e["metrics"].get(key)) is not None]
    if len(known) >= 2 and known[-1][0] is entries[-1]:
        days = [_local_date(e.get("end")) for e, _ in known]
        described = ", ".join(
            f"{format_value(v, style.fmt)} ({short_date(d, today) if d else 'date unknown'})"
            for (_, v), d in zip(known, days)
        )
        since = short_date(days[-2], today) if days[-2] else "the previous run"
        change = format_change(known[-2][1], known[-1][1], style.fmt, since)
        svg = sparkline(
            [_point(v) for _, v in known],
            RAG_COLOURS.get(state or "", "#333"),
            f"{style.label}, last {len(known)} runs: {described}",
        )
        trend = f"<div class='tr'>{svg}<span>{_esc(change)}</span></div>"
    colour = RAG_COLOURS.get(state or "", _NEUTRAL)
    return (
        f"<div class='m' data-metric='{_esc(key)}' style='border-left-color:{colour}'><div class='ml'>{_esc(style.label)}</div>"
        f"<div class='mv'>{shown}</div>{trend}</div>"
    )


def _metrics_cell(row: RunRow, styles: dict[str, MetricStyle], today: dt.date) -> str:
    good = row.good
    if good is None:
        return "<span class='k'>no figures: the run has not succeeded yet</span>"
    entries = series(good)
    heads = [k for k in workbooks.headline(good.workbook) if k in good.metrics]
    tiles = "".join(_metric_tile(k, styles.get(k) or fallback_style(k), entries, today) for k in heads)
    note = ""
    if row.failed:
        day = _local_date(good.run.get("end"))
        note = f"<div class='k'>From the last good run{f', {short_date(day, today)}' if day else ''}.</div>"
    return f"{note}<div class='metrics'>{tiles}</div>" if tiles else note


def _href(folder: Path, out: Path, name: str) -> str:
    return _esc(f"{folder.relative_to(out).as_posix()}/{name}")


def _links(folder: runfolder.RunFolder, out: Path) -> str:
    names = [p.name for p in folder.artefacts()]
    return " · ".join(f'<a href="{_href(folder.path, out, n)}">{_esc(_FILE_TEXT.get(n, n))}</a>' for n in names)


def _when(folder: runfolder.RunFolder) -> str:
    end = folder.end
    stamp = end.astimezone().strftime("%Y-%m-%d %H:%M") if end else "time unknown"
    try:
        took = f" · {float(folder.run.get('duration_s') or 0):.0f} s"
    except (TypeError, ValueError):
        took = ""
    return f"<div class='k'><span class='nw'>{_esc(stamp)}</span>{_esc(took)}</div>"


def _report_cell(row: RunRow, out: Path) -> str:
    shown = row.good or row.latest
    title = shown.metrics.get("title") or shown.run.get("params", {}).get("title") or shown.workbook
    head = f"<strong>{_esc(title)}</strong>"
    if row.good is not None and (row.good.path / runfolder.REPORT_HTML).exists():
        head = f'<a class="title" href="{_href(row.good.path, out, runfolder.REPORT_HTML)}">{head}</a>'
    files = _links(row.good, out) if row.good is not None else ""
    return f"{head}<div class='k'>{_esc(shown.workbook)} / {_esc(shown.name)}</div>" + (
        f"<div class='files'>{files}</div>" if files else ""
    )


def _status_cell(row: RunRow, out: Path, today: dt.date) -> str:
    latest = row.latest
    if not row.failed:
        state = _state(latest.metrics.get("verdict_rag"))
        verdict = latest.metrics.get("verdict")
        badge = rag_badge(state) if state else ""
        text = f"<div class='verdict'>{_keep_dates_whole(_esc(verdict))}</div>" if not is_missing(verdict) else ""
        return f"<div>{badge}</div>{text}{_when(latest)}"
    error = latest.run.get("error") or {}
    cell = f"cell {error.get('cell')}: " if error.get("cell") is not None else ""
    message = f"{cell}{error.get('ename', '')}: {error.get('evalue', '')}".strip(": ") or "no error recorded"
    notebook = latest.path / runfolder.REPORT_IPYNB
    target = notebook if notebook.exists() else latest.path / runfolder.RUN_FILE
    what = "executed notebook, as far as it ran" if notebook.exists() else "run.json"
    parts = [
        "<div class='failed'>FAILED</div>",
        f"<div class='err'>{_esc(message)}</div>",
        f'<div><a href="{_href(latest.path, out, target.name)}">{_esc(what)}</a></div>',
        _when(latest),
    ]
    if row.good is not None and (row.good.path / runfolder.REPORT_HTML).exists():
        day = _local_date(row.good.run.get("end"))
        parts.append(
            f'<div class="k"><a href="{_href(row.good.path, out, runfolder.REPORT_HTML)}">last good report</a>'
            f"{f' ({_esc(short_date(day, today))})' if day else ''}</div>"
        )
    return "".join(parts)


def _keep_dates_whole(markup: str) -> str:
    """ISO dates in a sentence never break at their hyphens."""
    return _ISO_DATE_IN_TEXT.sub(lambda m: f"<span class='nw'>{m.group(0)}</span>", markup)


def _summary(rows: list[RunRow]) -> str:
    failed = sum(r.failed for r in rows)
    states = [_state(r.latest.metrics.get("verdict_rag")) for r in rows if not r.failed]
    counts = [(s, states.count(s)) for s in STATES if states.count(s)]
    text = f"{len(rows)} run{'s' if len(rows) != 1 else ''}: {len(rows) - failed} succeeded"
    text += f", <strong>{failed} failed</strong>" if failed else ""
    verdicts = " ".join(f"<span class='nw'>{rag_badge(s)} {n}</span>" for s, n in counts)
    return f"<p class='sum'>{text}.{f' Verdicts: {verdicts}' if verdicts else ''}</p>"


_CSS = """
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 1300px; margin: 1.2em auto;
  padding: 0 1em; color: #222; line-height: 1.35; }
h1 { border-bottom: 3px solid #0072B2; padding-bottom: .3em; margin: 0 0 .4em; font-size: 1.6em; }
p { margin: .4em 0; }
table { border-collapse: collapse; width: 100%; font-size: .92em; table-layout: fixed; }
col.c-report { width: 24%; } col.c-status { width: 26%; }
th, td { border-bottom: 1px solid #ddd; padding: .6em .6em; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eef2f6; }
a { color: #0b5394; }
a.title { text-decoration: none; } a.title:hover strong { text-decoration: underline; }
.k { color: #555; font-size: .85em; }
.files { font-size: .85em; margin-top: .3em; }
.nw { white-space: nowrap; }
.verdict { font-size: .88em; margin: .25em 0; }
.rag { display: inline-flex; align-items: center; gap: .3em; font-size: .78em; font-weight: 700; letter-spacing: .03em;
  white-space: nowrap; vertical-align: middle; }
.sw { display: inline-block; width: .9em; height: .9em; border-radius: 2px; }
.failed { color: #B2182B; font-weight: 700; }
.err { font-size: .85em; color: #444; margin: .2em 0; }
.metrics { display: flex; flex-wrap: wrap; gap: .45em; }
.m { flex: 1 1 10.5em; max-width: 17em; min-width: 0; border: 1px solid #ddd; border-left: 5px solid #c8c8c8;
  border-radius: 4px; padding: .3em .5em; background: #fff; }
.ml { font-size: .8em; color: #555; }
.mv { font-size: 1.12em; font-weight: 600; }
.tr { display: flex; flex-wrap: wrap; align-items: center; gap: .1em .4em; font-size: .78em; color: #555; margin-top: .15em; }
.spark { flex: none; }
.sum .rag { margin-left: .4em; }
@media (max-width: 820px) {
  table, tbody, tr, td { display: block; width: 100%; }
  thead, colgroup { display: none; }
  tr { border: 1px solid #ccc; border-radius: 6px; margin: 0 0 .9em; padding: .2em 0; }
  td { border-bottom: none; padding: .35em .7em; }
  .m { max-width: none; }
}
"""


def render_index(out: Path) -> str:
    """Return the index page of an output folder."""
    out = Path(out)
    rows = collect_runs(out)
    today = dt.date.today()
    styles = {wb: metric_styles(wb) for wb in {r.latest.workbook for r in rows}}
    body = "".join(
        "<tr>"
        f"<td>{_report_cell(r, out)}</td>"
        f"<td>{_status_cell(r, out, today)}</td>"
        f"<td>{_metrics_cell(r, styles[r.latest.workbook], today)}</td>"
        "</tr>"
        for r in rows
    )
    body = body or "<tr><td colspan='3'>No runs yet: run <code>make reports</code>.</td></tr>"
    generated = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>pmokit reports</title>
<style>{_CSS}</style></head>
<body><main><h1>pmokit reports</h1>
{_summary(rows)}
<p class="k">Index generated <span class="nw">{_esc(generated)}</span>. Each report opens offline; trends show
the last {HISTORY_KEEP} runs of each figure.</p>
<table><colgroup><col class="c-report"><col class="c-status"><col></colgroup>
<thead><tr><th>Report</th><th>Verdict and run</th><th>Headline figures</th></tr></thead>
<tbody>{body}</tbody></table></main></body></html>
"""


def write_index(out: Path) -> Path:
    """Record each succeeded run's metrics in its history, then write ``<out>/index.html`` atomically."""
    out = Path(out)
    record_histories(out)
    path = out / "index.html"
    tmp = out / ".index.html.tmp"
    tmp.write_text(render_index(out), encoding="utf-8")
    tmp.replace(path)
    return path
