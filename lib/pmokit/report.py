"""What notebooks call to show and record results: metrics, tiles, escaped tables, artefacts.

Every text that reaches HTML goes through :func:`html.escape` here (pandas Styler does not escape by
default), and every text that reaches Excel is neutralised against formula injection. Metrics are
written to ``metrics.json`` in the run folder as soon as they are recorded.

Typical notebook use::

    p = registry.load("delivery_kpis", globals())
    report.start(p)
    report.source(p.items_path, items)
    report.record("throughput_per_week", 12.5)
    report.tiles([report.Tile("Throughput", "12.5 / week", rag="green")])
"""

from __future__ import annotations

import html
import json
import math
import numbers
from pathlib import Path
from typing import Any, Iterable, Mapping

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Image, display
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pmokit.assessment import Assessment, Tile
from pmokit.bands import LABELS, RAG_COLOURS, Rating, is_missing
from pmokit.charts import set_theme
from pmokit.quality import DataQuality
from pmokit.runfolder import HEADLINE_PNG, METRICS_FILE, SOURCES_FILE

MISSING = "—"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_state: dict[str, Any] = {"output_dir": None}


# ----------------------------------------------------------------------------- run state
def start(params) -> Path:
    """Begin a report: create the output folder, clear earlier metrics, apply the chart theme.

    Parameters
    ----------
    params : WorkbookParams
        The validated parameters; ``params.output_dir`` receives metrics and artefacts.

    Returns
    -------
    Path
        The output folder.
    """
    out = Path(params.output_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    for name in (METRICS_FILE, SOURCES_FILE):
        (out / name).unlink(missing_ok=True)
    _state["output_dir"] = out
    set_theme()
    record("title", params.title)
    return out


def output_dir() -> Path:
    """The current report's output folder (after :func:`start`)."""
    if _state["output_dir"] is None:
        raise RuntimeError("call pmokit.report.start(params) first")
    return _state["output_dir"]


def _update_json(name: str, update) -> None:
    path = output_dir() / name
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    data = update(data)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(path)


def _plain(value: Any) -> Any:
    """Convert numpy/pandas scalars to JSON numbers or strings; NaN becomes None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return None if math.isnan(value) or math.isinf(value) else value
    if value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return (
            value.isoformat()[:10]
            if getattr(value, "hour", 0) == 0 and getattr(value, "minute", 0) == 0
            else value.isoformat()
        )
    return str(value)


def record(name: str, value: Any) -> Any:
    """Record one metric in ``metrics.json`` (flat ``{name: number|string}``) and return it.

    Examples
    --------
    A numpy float is stored as a plain JSON number; dates as ISO text.
    """
    plain = _plain(value)

    def update(data):
        data = data or {}
        data[name] = plain
        return data

    _update_json(METRICS_FILE, update)
    return value


def record_many(values: Mapping[str, Any]) -> Mapping[str, Any]:
    """Record several metrics at once (one write of ``metrics.json``) and return them."""
    plain = {name: _plain(value) for name, value in values.items()}
    _update_json(METRICS_FILE, lambda data: {**(data or {}), **plain})
    return values


def metrics() -> dict[str, Any]:
    """Return the metrics recorded so far."""
    path = output_dir() / METRICS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def source(path: str | Path, frame: pd.DataFrame | None = None, label: str = "", rows: int | None = None) -> None:
    """Note an input file and how many rows were read from it (shown in the report header).

    The runner adds the file's SHA-256 and size to ``run.json``.
    """
    count = rows if rows is not None else (len(frame) if frame is not None else None)
    entry = {"path": str(Path(path).resolve()), "name": Path(path).name, "rows": count, "label": label}

    def update(data):
        data = [d for d in (data or []) if d["path"] != entry["path"] or d.get("label") != label]
        data.append(entry)
        return data

    _update_json(SOURCES_FILE, update)


# ----------------------------------------------------------------------------- display
def _display_html(markup: str) -> None:
    display(HTML(markup))


def esc(value: Any) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def say(template: str, **values: Any) -> None:
    """Show a paragraph whose ``{placeholders}`` are filled with escaped values ("—" when missing).

    The template is the notebook author's (trusted); the values may come from data (untrusted).
    """
    filled = {k: esc(display_value(v)) for k, v in values.items()}
    _display_html(f"<p class='pmo-say'>{template.format(**filled)}</p>")


def display_value(value: Any) -> str:
    """A value as readers see it: "—" for anything missing (None, NaN, NaT), never ``nan`` or ``None``.

    Examples
    --------
    >>> display_value(None), display_value(float("nan")), display_value(3)
    ('—', '—', '3')
    """
    return MISSING if is_missing(value) else str(value)


def _look(rag: Rating | str | None) -> tuple[str, str]:
    """(colour, label) of a Rating or state word; the neutral blue and no label when not rated."""
    if rag is None:
        return "#0072B2", ""
    word = rag.rag if isinstance(rag, Rating) else str(rag).strip().lower()
    return RAG_COLOURS.get(word, RAG_COLOURS["grey"]), LABELS.get(word, word.upper())


def verdict(text: str, rag: Rating | str | None = None) -> None:
    """Show the report's one-sentence verdict; record it as ``verdict`` and its colour as ``verdict_rag``."""
    word = rag.rag if isinstance(rag, Rating) else (str(rag).lower() if rag else None)
    record_many({"verdict": text, "verdict_rag": word})
    colour, label = _look(rag)
    shown = f"<strong>{esc(label)}</strong> " if label else ""
    _display_html(
        f"<div class='pmo-verdict' style='border-left:6px solid {colour};padding:.6em 1em;"
        f"background:#f5f7fa;font-size:1.15em;margin:.5em 0 1em'>{shown}{esc(text)}</div>"
    )


def tiles(items: Iterable[Tile]) -> None:
    """Show a row of KPI tiles (all text escaped; a state shown as a coloured bar *and* a word)."""
    cells = []
    for tile in items:
        colour, label = _look(tile.rag)
        note_text = tile.note or (tile.rag.reason if isinstance(tile.rag, Rating) else "")
        rag = f"<div class='pmo-tile-rag' style='color:{colour};font-weight:bold'>{esc(label)}</div>" if label else ""
        note = (
            f"<div class='pmo-tile-note' style='color:#555;font-size:.85em'>{esc(note_text)}</div>" if note_text else ""
        )
        cells.append(
            f"<div class='pmo-tile' style='border-top:5px solid {colour};background:#f5f7fa;padding:.6em .9em;"
            f"min-width:9em;flex:1'><div class='pmo-tile-label' style='color:#444;font-size:.85em'>{esc(tile.label)}</div>"
            f"<div class='pmo-tile-value' style='font-size:1.6em;font-weight:bold'>{esc(display_value(tile.value))}</div>{rag}{note}</div>"
        )
    _display_html(
        f"<div class='pmo-tiles' style='display:flex;gap:.8em;flex-wrap:wrap;margin:.5em 0 1em'>{''.join(cells)}</div>"
    )


def headline(result: Assessment) -> None:
    """Record a workbook's metrics (with every colour) and show its verdict and tiles: one call per report."""
    record_many(result.recorded_metrics())
    verdict(result.verdict, result.rating)
    tiles(result.tiles)


def empty(reason: str) -> None:
    """Say why a section has nothing to show (no data, no history, nothing left): one look everywhere."""
    _display_html(f"<p class='pmo-empty' style='color:#555;font-style:italic'>Nothing to show: {esc(reason)}</p>")


def table_html(
    frame: pd.DataFrame,
    caption: str = "",
    max_rows: int = 60,
    formats: Mapping[str, str] | None = None,
    rag_columns: Iterable[str] = (),
    index: bool = False,
) -> str:
    """Return an HTML table with every cell escaped.

    Parameters
    ----------
    frame : DataFrame
    caption : str
        Shown above the table (escaped).
    max_rows : int
        Longer tables are cut, with a line saying how many rows were left out.
    formats : mapping, optional
        Column -> format string for numbers (``"{:.1f}"``, ``"{:,.0f}"``, ``"{:.0%}"``).
    rag_columns : iterable of str
        Columns holding Red/Amber/Green words, shown with their colour.
    index : bool
        Show the index as the first column.
    """
    formats = dict(formats or {})
    rag_columns = set(rag_columns)
    shown = frame.reset_index() if index else frame
    cut = len(shown) - max_rows if len(shown) > max_rows else 0
    shown = shown.head(max_rows)
    head = "".join(f"<th style='text-align:left'>{esc(c)}</th>" for c in shown.columns)
    body = []
    for row in shown.itertuples(index=False):
        cells = []
        for col, value in zip(shown.columns, row):
            text = _format_cell(value, formats.get(col))
            numeric = isinstance(value, numbers.Number) and not isinstance(value, bool)
            style = " style='text-align:right'" if numeric else " style='text-align:left'"
            if col in rag_columns and isinstance(value, str) and value.lower() in RAG_COLOURS:
                style = f" style='color:#fff;background:{RAG_COLOURS[value.lower()]};font-weight:bold'"
            cells.append(f"<td{style}>{esc(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    more = f"<p class='pmo-more'>{cut} more row(s) not shown.</p>" if cut else ""
    return (
        f"<table class='pmo-table dataframe'>{cap}<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{more}"
    )


def _format_cell(value: Any, fmt: str | None) -> str:
    if value is None or (not isinstance(value, (str, list, tuple)) and pd.isna(value)):
        return MISSING
    if fmt and isinstance(value, numbers.Number):
        return fmt.format(value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def table(frame: pd.DataFrame, caption: str = "", **kwargs: Any) -> None:
    """Show an escaped HTML table (see :func:`table_html` for the options)."""
    _display_html(table_html(frame, caption, **kwargs))


def data_quality(dq: DataQuality | pd.DataFrame) -> None:
    """Show the data-quality table: what was dropped or repaired, and why."""
    frame = dq.frame() if isinstance(dq, DataQuality) else dq
    record("data_quality_findings", len(frame))
    if frame.empty:
        _display_html("<p class='pmo-say'>No rows were dropped or repaired: every input row was read as is.</p>")
        return
    table(frame, caption="Data quality: rows dropped or repaired", max_rows=200)


def notes(definitions: Mapping[str, str]) -> None:
    """Show method notes as a definition list (term -> definition), escaped."""
    items = "".join(f"<dt><strong>{esc(k)}</strong></dt><dd>{esc(v)}</dd>" for k, v in definitions.items())
    _display_html(f"<dl class='pmo-notes'>{items}</dl>")


# ----------------------------------------------------------------------------- artefacts
def save_figure(fig, name: str, show: bool = True) -> Path:
    """Save a matplotlib figure as PNG in the run folder (for decks) and show it once.

    Returns the PNG path.
    """
    path = output_dir() / name
    fig.savefig(path, bbox_inches="tight")
    if show:
        display(fig)
    plt.close(fig)
    return path


def save_headline(fig, show: bool = True) -> Path:
    """Save the workbook's key chart as ``headline.png`` (the deck's slide and the index use it)."""
    return save_figure(fig, HEADLINE_PNG, show=show)


def write_csv(name: str, frame: pd.DataFrame, directory: Path | None = None, index: bool = False) -> Path:
    """Write a ``.csv`` artefact: text neutralised like Excel cells, UTF-8 with a BOM (Excel opens it
    with accents intact), missing values empty, saved under a temporary name then renamed.

    Returns
    -------
    Path
    """
    path = (directory or output_dir()) / name
    tmp = path.with_name(f".{path.name}.tmp")
    neutralise_frame(frame.reset_index() if index else frame).to_csv(tmp, index=False, encoding="utf-8-sig")
    tmp.replace(path)
    return path


def show_image(path: Path) -> None:
    """Show a PNG another run saved (embedded in the report, like the figures of this one)."""
    display(Image(filename=str(path)))


def neutralise(value: Any) -> Any:
    """Neutralise a spreadsheet cell against formula injection (OWASP): prefix ``'`` to text
    starting with ``= + - @``, tab or carriage return; other values pass unchanged.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise(-5)
    -5
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every text cell (and header) neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise).astype(object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def write_excel(name: str, sheets: Mapping[str, pd.DataFrame], directory: Path | None = None) -> Path:
    """Write an ``.xlsx`` artefact, one sheet per frame, text neutralised, header bold and frozen.

    Rows are streamed with openpyxl's write-only mode: about 40 % faster than pandas' writer on
    sheets of tens of thousands of rows (action lists of large fleets).

    Parameters
    ----------
    name : str
        File name inside the run folder (or ``directory``).
    sheets : mapping
        Sheet name -> frame. Names are cut to Excel's 31 characters and made unique.
    directory : Path, optional
        Another folder than the run folder.

    Returns
    -------
    Path
    """

    path = (directory or output_dir()) / name
    used: set[str] = set()
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet, frame in sheets.items():
        safe = neutralise_frame(_excel_ready(frame))
        safe = safe.astype(object).where(safe.notna(), None)  # openpyxl cannot write pd.NA / NaN
        ws = book.create_sheet(_sheet_name(sheet, used))
        ws.freeze_panes = "A2"
        for i, col in enumerate(safe.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in safe.iloc[:200, i - 1].tolist()])
            ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
        header = []
        for col in safe.columns:
            cell = WriteOnlyCell(ws, value=str(col))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in safe.itertuples(index=False, name=None):
            ws.append(row)
    if not sheets:
        book.create_sheet("Empty")
    tmp = path.with_name(f".{path.name}.tmp")  # never a half-written workbook under the real name
    book.save(tmp)
    tmp.replace(path)
    return path


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel cannot store timezone-aware datetimes or lists: make them plain."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
        elif out[col].dtype == object and out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name))[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title
