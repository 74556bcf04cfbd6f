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
import re
import sys
import warnings
from pathlib import Path
from typing import Any, Iterable, Mapping

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Image, display

from pmokit import fmt
from pmokit.assessment import Assessment, Tile
from pmokit.bands import LABELS, RAG_COLOURS, Rating, is_missing
from pmokit.charts import Chart, chart_from_png, chart_message, render_chart, set_theme
from pmokit.fmt import count as count_of
from pmokit.neutralise import FORMULA_PREFIXES, neutralise, neutralise_frame  # noqa: F401 (public here too)
from pmokit.quality import MISSING, DataQuality, warning_problem
from pmokit.runfolder import HEADLINE_PNG, METRICS_FILE, SOURCES_FILE

#: Warnings about code (a library's API changing), not about the data: kept off the report, on stderr.
CODE_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning, ResourceWarning)
WARNING_ACTION = "noted while the report was made; the figures were computed regardless"

_state: dict[str, Any] = {"output_dir": None, "warnings": {}, "warnings_shown": False}


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
    capture_warnings()
    set_theme()
    record("title", params.title)
    return out


# ----------------------------------------------------------------------------- warnings
def capture_warnings() -> None:
    """Route Python warnings away from the page: the ones about the data become data-quality lines.

    A warning printed by the kernel would reach the report as a block with the machine's file paths.
    From :func:`start` on, a warning about the data or the drawing (a glyph missing from the fonts, an
    empty slice) is counted and shown by :func:`data_quality` as one line per message, without paths;
    warnings about code (deprecations) and any raised after the data-quality table go to stderr, which
    the rendered report leaves out (``pmokit.render``) and the executed notebook keeps.
    """
    _state["warnings"] = {}
    _state["warnings_shown"] = False
    warnings.showwarning = _note_warning


def _note_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """``warnings.showwarning`` replacement installed by :func:`capture_warnings`."""
    if issubclass(category, CODE_WARNINGS) or _state["warnings_shown"]:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))
        return
    problem = warning_problem(message)
    _state["warnings"][problem] = _state["warnings"].get(problem, 0) + 1


def warning_findings() -> DataQuality:
    """The warnings noted since :func:`start`, as data-quality findings (one per message, with its count)."""
    found = DataQuality()
    for problem, count in _state["warnings"].items():
        found.add(None, "(processing)", problem, WARNING_ACTION, rows=count)
    return found


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


#: The RAG colour as text (or behind white text): amber and grey darkened so that the state word reads at a
#: contrast of at least 4.5:1 on white and on the tiles' #f5f7fa (WCAG AA; amber #E08214 on white is 2.9:1,
#: grey #8C8C8C 3.4:1). Bars and borders keep :data:`pmokit.bands.RAG_COLOURS`.
RAG_INK = {**RAG_COLOURS, "amber": "#9A5400", "grey": "#616161"}


def _ink(colour: str) -> str:
    """The text-safe shade of a RAG colour (other colours as given)."""
    return {c: RAG_INK[state] for state, c in RAG_COLOURS.items()}.get(colour, colour)


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
        rag = (
            f"<div class='pmo-tile-rag' style='color:{_ink(colour)};font-weight:bold'>{esc(label)}</div>"
            if label
            else ""
        )
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


#: Print width of an A4 portrait page (186 mm between the margins) in characters of the print table font
#: (7.5 pt, about 0.5 em a character): a table whose estimated width is wider prints as column groups.
PRINT_LINE_CHARS = 120
#: Text longer than this wraps inside its cell (at most ``LONG_TEXT_CHARS`` wide on screen).
LONG_TEXT_CHARS = 28
#: Width, in characters, a long text is reckoned to wrap at on paper (it may wrap narrower still).
PRINT_WRAP_CHARS = 20
#: Cell padding, in characters, added to every column's width estimate.
CELL_PADDING_CHARS = 2


_SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)+")


def header_text(column) -> str:
    """A column header as a reader reads it: ``sla_breaches`` -> "SLA breaches", ``business_unit`` ->
    "Business unit"; headers already written for readers ("Site", "% of allocated") stay as they are.

    The frame keeps its names (CSV and Excel artefacts are data for analysts); only the page shows words.

    Examples
    --------
    >>> header_text("late_sites"), header_text("cycle_time_p85_days"), header_text("Site"), header_text("wave")
    ('Late sites', 'Cycle time P85 days', 'Site', 'wave')
    """
    name = str(column)
    return fmt.label(name) if _SNAKE_CASE.fullmatch(name) else name


def table_html(
    frame: pd.DataFrame,
    caption: str = "",
    max_rows: int = 60,
    formats: Mapping[str, Any] | None = None,
    rag_columns: Iterable[str] = (),
    index: bool = False,
) -> str:
    """Return an HTML table with every cell escaped, in a box that scrolls sideways when it is too wide.

    On screen the table sits in a scrolling region whose first (key) column stays in view; long text
    wraps and numbers do not. In print a table too wide for the page is printed instead as column
    groups, each repeating the key column, so that no column is ever lost (:func:`column_groups`).

    Parameters
    ----------
    frame : DataFrame
    caption : str
        Shown above the table (escaped).
    max_rows : int
        Longer tables are cut, with a line saying how many rows were left out.
    formats : mapping, optional
        Column -> format string for numbers (``"{:.1f}"``, ``"{:,.0f}"``) or a function (``fmt.p_value``).
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
    columns = [header_text(c) for c in shown.columns]
    # cells as (text, attributes) once, so the screen table and the print groups show the same thing
    rows = [
        [_cell(value, formats.get(col), col in rag_columns) for col, value in zip(shown.columns, row)]
        for row in shown.itertuples(index=False)
    ]
    long_text = {
        i for i, name in enumerate(columns) if any(len(r[i][0]) > LONG_TEXT_CHARS for r in rows) or len(name) > 40
    }
    screen = _table_markup(columns, rows, range(len(columns)), long_text, caption)
    groups = column_groups(_column_widths(columns, rows), PRINT_LINE_CHARS)
    printed = ""
    if len(groups) > 1:
        parts = [
            _table_markup(columns, rows, group, long_text, f"{region_label(caption, columns)} ({n} of {len(groups)})")
            for n, group in enumerate(groups, start=1)
        ]
        printed = f"<div class='pmo-print-groups'>{''.join(parts)}</div>"
    more = f"<p class='pmo-more'>{count_of(cut, 'more row')} not shown.</p>" if cut else ""
    wrap_class = "table-wrap pmo-screen-only" if printed else "table-wrap"
    label = esc(region_label(caption, columns))
    return f"<div class='{wrap_class}' tabindex='0' role='region' aria-label='{label}'>{screen}</div>{printed}{more}"


def region_label(caption: str, columns: list[str]) -> str:
    """The accessible name of a table's scrolling region: its caption, else its first column headers.

    Every region of a page needs its own name (axe-core ``landmark-unique``): a report with two uncaptioned
    tables named "Table" left a screen-reader user two identical landmarks to choose from.

    Examples
    --------
    >>> region_label("Waves", ["Wave"]), region_label("", ["Item", "Theme", "Favourable %", "Neutral %"])
    ('Waves', 'Table of Item, Theme, Favourable % and 1 more column')
    >>> region_label("", [])
    'Table'
    """
    if caption.strip():
        return caption
    if not columns:
        return "Table"
    named = ", ".join(columns[:3])
    return f"Table of {named}" + (f" and {count_of(len(columns) - 3, 'more column')}" if len(columns) > 3 else "")


def _cell(value: Any, fmt: str | None, rag: bool) -> tuple[str, str]:
    """One cell's text and its ``class``/``style`` attributes (numbers right-aligned, RAG words coloured)."""
    text = _format_cell(value, fmt)
    numeric = isinstance(value, numbers.Number) and not isinstance(value, bool)
    attributes = " class='n'" if numeric else ""  # alignment by class: no style repeated on every cell
    if rag and isinstance(value, str) and value.lower() in RAG_COLOURS:
        attributes = f" style='color:#fff;background:{RAG_INK[value.lower()]};font-weight:bold'"
    return text, attributes


def _table_markup(
    columns: list[str], rows: list[list[tuple[str, str]]], shown: Iterable[int], long_text: set[int], caption: str
) -> str:
    """The ``<table>`` of the columns numbered in ``shown``; long-text columns are marked to wrap."""
    shown = list(shown)
    mark = {i: " class='t'" for i in long_text}
    head = "".join(f"<th{mark.get(i, '')}>{esc(columns[i])}</th>" for i in shown)
    body = []
    for row in rows:
        cells = []
        for i in shown:
            text, attributes = row[i]
            if i in long_text and not attributes:
                attributes = " class='t'"
            cells.append(f"<td{attributes}>{esc(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f"<table class='pmo-table dataframe'>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _column_widths(columns: list[str], rows: list[list[tuple[str, str]]]) -> list[int]:
    """Each column's printed width in characters: its longest cell (long text wraps at
    ``PRINT_WRAP_CHARS``) or its header's longest word, whichever is wider, plus the cell padding."""
    widths = []
    for i, name in enumerate(columns):
        longest_cell = max((len(r[i][0]) for r in rows), default=0)
        longest_word = max((len(word) for word in name.split()), default=0)
        widths.append(max(min(longest_cell, PRINT_WRAP_CHARS), longest_word) + CELL_PADDING_CHARS)
    return widths


def column_groups(widths: list[int], line: int) -> list[list[int]]:
    """Split columns into groups that each fit in ``line`` characters, every group starting with column 0.

    The first column is the key (a name, an id) that tells a reader which row they are on, so every
    group repeats it. A column wider than a line on its own still gets a group (with the key): it wraps.

    Examples
    --------
    >>> column_groups([10, 30, 30, 30], 80)  # 10+30+30 fits, 10+30+30+30 = 100 does not
    [[0, 1, 2], [0, 3]]
    >>> column_groups([10, 20], 80)
    [[0, 1]]
    """
    if not widths:
        return [[]]
    groups: list[list[int]] = [[0]]
    used = widths[0]
    for i, width in enumerate(widths[1:], start=1):
        if used + width > line and len(groups[-1]) > 1:
            groups.append([0])
            used = widths[0]
        groups[-1].append(i)
        used += width
    return groups


def _format_cell(value: Any, fmt: str | None) -> str:
    if value is None or (not isinstance(value, (str, list, tuple)) and pd.isna(value)):
        return MISSING
    if callable(fmt):  # a formatting function (pmokit.fmt.p_value): "< 0.001", never "0.000"
        return fmt(value)
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
    """Show the data-quality table: what was dropped or repaired, and why, and the warnings noted so far."""
    frame = dq.frame() if isinstance(dq, DataQuality) else dq
    noted = warning_findings()
    if len(noted):
        frame = pd.concat([frame, noted.frame()], ignore_index=True) if len(frame) else noted.frame()
    _state["warnings_shown"] = True
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
    """Save a matplotlib figure as PNG in the run folder (for decks) and show that same image once.

    The figure is drawn once (:func:`pmokit.charts.render_chart`: twice the screen resolution, so it stays
    sharp on a retina screen and in print, with a palette); the run folder gets the PNG, the report the same
    pixels as a lossless WebP at the figure's size on screen, with the chart's title as alt text. The figure
    is then closed, so the kernel does not draw it a second time at the end of the cell.

    Returns the PNG path.
    """
    path = output_dir() / name
    chart = render_chart(fig)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(chart.png)
    tmp.replace(path)
    if show:
        _show_chart(chart, alt=figure_alt_text(fig))
    plt.close(fig)
    return path


def _show_chart(chart: Chart, alt: str = "") -> None:
    """Display a chart's WebP at its width in CSS pixels (``pmokit`` report template: an ``<img>`` with alt text)."""
    display(Image(data=chart.webp, format="webp", width=chart.width, alt=alt or None))


def figure_alt_text(fig) -> str:
    """A figure's alt text: its title (the suptitle, else the titles of its axes), without line breaks, then
    the chart's message when a figures module stated it (:func:`pmokit.charts.describe`): "<title>: <message>".
    """
    titles = [fig.get_suptitle()] if fig.get_suptitle().strip() else [ax.get_title() for ax in fig.get_axes()]
    title = " | ".join(" ".join(t.split()) for t in titles if t.strip())
    message = chart_message(fig)
    if not message:
        return title
    return f"{title}: {message}" if title else message


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


def show_image(path: Path, alt: str = "") -> None:
    """Show a PNG another run saved (embedded in the report, like the figures of this one), at its size in CSS
    pixels: a chart saved at twice the screen resolution is shown at half its pixel width, as on its own page."""
    _show_chart(chart_from_png(Path(path).read_bytes()), alt=alt)


def write_excel(name: str, sheets: Mapping[str, pd.DataFrame], directory: Path | None = None) -> Path:
    """Write an ``.xlsx`` artefact through :func:`pmokit.excel.write_workbook`: one sheet per frame, one header
    style, autofilter, frozen header, typed dates, rounded numbers, widths that fit, text neutralised.

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
    from pmokit.excel import write_workbook  # imported here: openpyxl loads only for runs that write a workbook

    return write_workbook((directory or output_dir()) / name, sheets)
