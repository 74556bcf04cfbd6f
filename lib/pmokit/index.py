"""``<out>/index.html``: every run folder with status, time, headline metrics and links, offline."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

from pmokit import runfolder, workbooks
from pmokit.bands import is_missing


def collect_runs(out: Path) -> list[dict[str, Any]]:
    """Read ``run.json`` and ``metrics.json`` of every run folder under ``out``."""
    return [{"folder": f.path, "run": f.run, "metrics": f.metrics} for f in runfolder.scan(out)]


def _headline(workbook: str, metrics: dict[str, Any]) -> list[tuple[str, Any]]:
    """The workbook's headline metrics (from the registry) that the run recorded."""
    return [(n, metrics[n]) for n in workbooks.headline(workbook) if n in metrics]


def format_value(value: Any) -> str:
    """Short display of a metric value ("—" when missing).

    Examples
    --------
    >>> format_value(None), format_value(1234567.8), format_value(12.345)
    ('—', '1,234,568', '12.3')
    """
    if is_missing(value):
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def _links(folder: Path, out: Path) -> str:
    rel = folder.relative_to(out).as_posix()
    names = [p.name for p in runfolder.RunFolder(folder, {}).artefacts()]
    links = [f'<a href="{html.escape(rel + "/" + n, quote=True)}">{html.escape(n)}</a>' for n in names]
    return " · ".join(links)


def render_index(out: Path) -> str:
    """Return the index page of an output folder."""
    out = Path(out)
    rows = []
    runs = collect_runs(out)
    for item in runs:
        run, metrics, folder = item["run"], item["metrics"], item["folder"]
        status = run.get("status", "?")
        error = run.get("error") or {}
        detail = ""
        if status != "succeeded":
            cell = f"cell {error.get('cell')}: " if error.get("cell") is not None else ""
            detail = f"<div class='err'>{html.escape(cell + str(error.get('ename', '')) + ': ' + str(error.get('evalue', '')))}</div>"
        heads = "".join(
            f"<div><span class='k'>{html.escape(k)}</span> {html.escape(format_value(v))}</div>"
            for k, v in _headline(run.get("workbook", ""), metrics)
        )
        title = metrics.get("title") or run.get("workbook", "")
        rows.append(
            "<tr>"
            f"<td><strong>{html.escape(str(title))}</strong><div class='k'>{html.escape(run.get('workbook', ''))} / {html.escape(run.get('run', ''))}</div></td>"
            f"<td class='st {html.escape(status)}'>{html.escape(status)}{detail}</td>"
            f"<td>{html.escape(str(run.get('end', ''))[:16].replace('T', ' '))}<div class='k'>{run.get('duration_s', 0):.1f} s</div></td>"
            f"<td>{heads}</td>"
            f"<td>{_links(folder, out)}</td>"
            "</tr>"
        )
    generated = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    body = "".join(rows) or "<tr><td colspan='5'>No runs yet: run <code>make reports</code>.</td></tr>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>pmokit reports</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 1150px; margin: 1.5em auto; padding: 0 1em; color: #222; }}
h1 {{ border-bottom: 3px solid #0072B2; padding-bottom: .3em; }}
table {{ border-collapse: collapse; width: 100%; font-size: .92em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .45em .6em; text-align: left; vertical-align: top; }}
th {{ background: #eef2f6; }}
.k {{ color: #666; font-size: .85em; }}
.st.succeeded {{ color: #1B7837; font-weight: bold; }}
.st.failed {{ color: #B2182B; font-weight: bold; }}
.err {{ font-weight: normal; color: #555; font-size: .85em; max-width: 22em; }}
a {{ color: #0b5394; }}
</style></head>
<body><h1>pmokit reports</h1>
<p>{len(runs)} run(s) in this folder; index generated {html.escape(generated)}. Each report opens offline.</p>
<table><thead><tr><th>Report</th><th>Status</th><th>Finished</th><th>Headline</th><th>Files</th></tr></thead>
<tbody>{body}</tbody></table></body></html>
"""


def write_index(out: Path) -> Path:
    """Write ``<out>/index.html`` atomically and return its path."""
    out = Path(out)
    path = out / "index.html"
    tmp = out / ".index.html.tmp"
    tmp.write_text(render_index(out), encoding="utf-8")
    tmp.replace(path)
    return path
