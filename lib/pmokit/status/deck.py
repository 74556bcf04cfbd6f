"""The PowerPoint status deck (python-pptx): 16:9, the built-in layouts, text fitted to its boxes.

python-pptx cannot measure rendered text without font files, so text is fitted by a conservative
estimate (:func:`fits`): an average character is taken as 0.55 em wide and a line as 1.2 em high;
the largest size from ``max_pt`` down to ``min_pt`` whose estimated lines fit the box is used, and
text that does not fit even at ``min_pt`` is cut with an ellipsis. Text frames are also marked
"shrink text on overflow", which PowerPoint and LibreOffice honour when they lay the slide out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from pmokit.bands import LABELS
from pmokit.charts import rag_colour

WIDE = (Inches(13.333), Inches(7.5))
EMU_PER_PT = 12700
CHAR_EM = 0.55
LINE_EM = 1.2
INSET = Inches(0.1)  # default left/right inset of a text frame (top/bottom is half of it)

# Built-in layouts of python-pptx's default template.
TITLE, TITLE_CONTENT, TITLE_ONLY, PICTURE_CAPTION = 0, 1, 5, 8


@dataclass
class WorkbookSlide:
    """One workbook's slide: its key chart and headline figures, or why it is missing."""

    title: str
    picture: Path | None = None
    caption: str = ""
    missing: str = ""


@dataclass
class DeckTable:
    """A table for a slide: a caption line, the frame, relative column widths, RAG-coloured columns."""

    caption: str
    frame: pd.DataFrame
    widths: tuple[float, ...] = ()
    rag_columns: tuple[str, ...] = ()
    max_rows: int = 6


# ----------------------------------------------------------------------------- text fitting
def estimated_lines(text: str, width_emu: int, size_pt: float) -> int:
    """Lines a text needs at ``size_pt`` in a box ``width_emu`` wide (word wrap estimated).

    Examples
    --------
    >>> estimated_lines("x" * 100, Inches(5.5), 20)  # 396 pt / 11 pt per char = 36 chars a line
    3
    """
    per_line = max(1, int(width_emu / EMU_PER_PT / (CHAR_EM * size_pt)))
    total = 0
    for paragraph in str(text).split("\n"):
        words, line, count = paragraph.split(" "), 0, 1
        for word in words:
            need = len(word) if line == 0 else line + 1 + len(word)
            if need <= per_line:
                line = need
            else:  # wrap; a word longer than a line is broken
                count += 1 if line else 0
                extra = max(0, math.ceil(len(word) / per_line) - 1)
                count += extra
                line = len(word) - extra * per_line
        total += count
    return total


def fits(text: str, width_emu: int, height_emu: int, size_pt: float) -> bool:
    """Whether ``text`` at ``size_pt`` fits a box (insets removed) by the estimate above."""
    inner_w, inner_h = width_emu - 2 * INSET, height_emu - INSET
    return estimated_lines(text, inner_w, size_pt) * LINE_EM * size_pt * EMU_PER_PT <= inner_h


def fit_size(text: str, width_emu: int, height_emu: int, max_pt: int = 36, min_pt: int = 12) -> tuple[str, int]:
    """The largest font size that fits, and the text (cut with '…' if even ``min_pt`` overflows)."""
    for size in range(max_pt, min_pt - 1, -1):
        if fits(text, width_emu, height_emu, size):
            return text, size
    cut = str(text)
    while len(cut) > 1 and not fits(cut + "…", width_emu, height_emu, min_pt):
        cut = cut[: max(1, int(len(cut) * 0.9))]
    return cut.rstrip() + "…", min_pt


def _write(frame, lines: list[str], size: int, bold: bool = False, colour: str | None = None) -> None:
    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        if colour:
            run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))


def set_text(shape, text: str | list[str], max_pt: int, min_pt: int = 12, **style) -> int:
    """Put (fitted) text into a shape or placeholder; return the font size used."""
    lines = [text] if isinstance(text, str) else list(text)
    joined, size = fit_size("\n".join(lines), shape.width, shape.height, max_pt, min_pt)
    _write(shape.text_frame, joined.split("\n"), size, **style)
    return size


# ----------------------------------------------------------------------------- presentation
def new_presentation() -> Presentation:
    """The default template made 16:9: slide size set and every master/layout shape widened."""
    prs = Presentation()
    scale = WIDE[0] / prs.slide_width
    prs.slide_width, prs.slide_height = WIDE
    # Layout placeholders often inherit their box from the master: read every box first (before
    # the master changes), then write all four values, since a partial override zeroes the rest.
    boxes = []
    for holder in [prs.slide_master, *prs.slide_layouts]:
        for shape in holder.shapes:
            box = (shape.left, shape.top, shape.width, shape.height)
            if None not in box:
                boxes.append((shape, box))
    for shape, (left, top, width, height) in boxes:
        shape.left, shape.top = Emu(int(left * scale)), Emu(top)
        shape.width, shape.height = Emu(int(width * scale)), Emu(height)
    return prs


def _placeholder(slide, idx: int):
    for shape in slide.placeholders:
        if shape.placeholder_format.idx == idx:
            return shape
    raise KeyError(idx)


def _slide(prs, layout: int, title: str, title_pt: int = 36):
    slide = prs.slides.add_slide(prs.slide_layouts[layout])
    # Placeholders inherit their geometry from the layout, so the fitting sees the real box size.
    set_text(slide.shapes.title, title, title_pt, 16)
    return slide


def _fill_picture(placeholder, picture: Path):
    """Insert a picture in a picture placeholder, whole (no crop), centred in the placeholder box."""
    left, top, width, height = placeholder.left, placeholder.top, placeholder.width, placeholder.height
    pic = placeholder.insert_picture(str(picture))
    pic.crop_left = pic.crop_right = pic.crop_top = pic.crop_bottom = 0
    img_w, img_h = pic.image.size
    scale = min(width / img_w, height / img_h)
    pic.width, pic.height = int(img_w * scale), int(img_h * scale)
    pic.left, pic.top = int(left + (width - pic.width) / 2), int(top + (height - pic.height) / 2)
    return pic


def _cell_text(value, limit: int = 70) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, float):
        value = f"{value:g}"
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(slide, spec: DeckTable, left: int, top: int, width: int, height: int) -> None:
    """A caption line and a table; rows beyond ``max_rows`` summarised in the caption."""
    frame = spec.frame
    extra = len(frame) - spec.max_rows
    caption = spec.caption + (f" (first {spec.max_rows} of {len(frame)})" if extra > 0 else "")
    box = slide.shapes.add_textbox(left, top, width, Inches(0.45))
    set_text(box, caption, 18, 12, bold=True)
    shown = frame.head(spec.max_rows)
    body = [[_cell_text(v) for v in row] for row in shown.itertuples(index=False)] or [
        ["(none)"] + [""] * (len(frame.columns) - 1)
    ]
    rows, cols = len(body) + 1, len(frame.columns)
    top_table = top + Inches(0.5)
    row_h = min(Inches(0.42), int((height - Inches(0.5)) / rows))
    shape = slide.shapes.add_table(rows, cols, left, top_table, width, row_h * rows)
    table = shape.table
    weights = list(spec.widths) or [1.0] * cols
    for j, w in enumerate(weights):
        table.columns[j].width = int(width * w / sum(weights))
    for i in range(rows):
        table.rows[i].height = row_h
    for j, name in enumerate(frame.columns):
        _cell(table.cell(0, j), str(name).replace("_", " ").capitalize(), table.columns[j].width, row_h, bold=True)
    for i, values in enumerate(body, start=1):
        for j, value in enumerate(values):
            cell = table.cell(i, j)
            colour = None
            if frame.columns[j] in spec.rag_columns and value.lower() in ("red", "amber", "green", "grey", "done"):
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor.from_string(rag_colour(value).lstrip("#"))
                colour, value = "#FFFFFF", value.upper()
            _cell(cell, value, table.columns[j].width, row_h, colour=colour, bold=colour is not None)


def _cell(cell, text: str, width: int, height: int, colour: str | None = None, bold: bool = False) -> None:
    cell.margin_left = cell.margin_right = Inches(0.05)
    cell.margin_top = cell.margin_bottom = Inches(0.02)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    fitted, size = fit_size(text, width, height + INSET - Inches(0.04), 14, 10)
    _write(cell.text_frame, [fitted], size, bold=bold, colour=colour)


# ----------------------------------------------------------------------------- the deck
def build_deck(
    path: str | Path,
    *,
    title: str,
    subtitle: str,
    overall: dict,
    bullets: list[str],
    dashboard: pd.DataFrame,
    workbooks: list[WorkbookSlide],
    milestone_chart: Path,
    milestone_caption: str,
    risks: DeckTable,
    issues: DeckTable,
    actions: DeckTable,
    decisions: DeckTable,
    changes: list[str],
) -> Path:
    """Write the status deck; return its path.

    Slides, in order: title; executive summary (overall RAG, rule, bullets); RAG dashboard; one slide
    per workbook (its key chart, or why it is missing); milestones; risks and issues; actions and
    decisions; what changed. So the deck has ``7 + len(workbooks)`` slides.
    """
    prs = new_presentation()
    slide = _slide(prs, TITLE, title, 44)
    set_text(_placeholder(slide, 1), subtitle, 24, 14)

    slide = _slide(prs, TITLE_CONTENT, f"Executive summary: overall {LABELS.get(overall['rag'], 'NO DATA')}")
    badge_w = Inches(2.2)
    head = slide.shapes.title
    box = (head.left, head.top, head.width - badge_w - Inches(0.2), head.height)
    head.left, head.top, head.width, head.height = box  # all four: a partial override would zero the rest
    set_text(head, f"Executive summary: overall {LABELS.get(overall['rag'], 'NO DATA')}", 36, 16)
    badge = slide.shapes.add_shape(
        MSO_SHAPE.ROUNDED_RECTANGLE, prs.slide_width - badge_w - Inches(0.6), Inches(0.45), badge_w, Inches(0.8)
    )
    badge.fill.solid()
    badge.fill.fore_color.rgb = RGBColor.from_string(rag_colour(overall["rag"]).lstrip("#"))
    badge.line.fill.background()
    set_text(
        badge,
        LABELS.get(overall["rag"], "NO DATA") + (" (override)" if overall.get("overridden") else ""),
        24,
        12,
        bold=True,
        colour="#FFFFFF",
    )
    badge.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    set_text(_placeholder(slide, 1), bullets, 24, 12)

    slide = _slide(prs, TITLE_ONLY, "RAG dashboard by workstream and dimension")
    cols = list(dashboard.columns)
    spec = DeckTable(
        "Worst rule per cell; grey = no data; done = nothing remains; blank = no rule",
        dashboard,
        max_rows=10,
        widths=tuple(2.0 if c == "workstream" else 4.0 if c == "headline" else 1.0 for c in cols),
        rag_columns=tuple(c for c in cols if c not in ("workstream", "headline")),
    )
    _table(slide, spec, Inches(0.6), Inches(1.6), prs.slide_width - Inches(1.2), Inches(5.6))

    for wb in workbooks:
        if wb.picture is not None:
            slide = _slide(prs, PICTURE_CAPTION, wb.title, 28)
            _fill_picture(_placeholder(slide, 1), wb.picture)
            set_text(_placeholder(slide, 2), wb.caption, 16, 10)
        else:
            slide = _slide(prs, TITLE_CONTENT, wb.title)
            lines = [wb.missing] if wb.missing else []
            set_text(_placeholder(slide, 1), lines + ([wb.caption] if wb.caption else []), 24, 12)

    if Path(milestone_chart).is_file():
        slide = _slide(prs, PICTURE_CAPTION, "Milestones: baseline vs forecast and actual", 28)
        _fill_picture(_placeholder(slide, 1), milestone_chart)
        set_text(_placeholder(slide, 2), milestone_caption, 16, 10)
    else:  # no milestone to chart: the slide says so rather than showing an empty chart
        slide = _slide(prs, TITLE_CONTENT, "Milestones: baseline vs forecast and actual")
        set_text(_placeholder(slide, 1), ["No milestone to chart: the milestones file lists none."], 24, 12)

    top = Inches(1.6)  # below the title box of the Title Only layout (0.3 + 1.25 in)
    half = (prs.slide_height - top - Inches(0.3)) // 2
    width = prs.slide_width - Inches(1.2)
    slide = _slide(prs, TITLE_ONLY, "Top risks and open issues")
    _table(slide, risks, Inches(0.6), top, width, half - Inches(0.1))
    _table(slide, issues, Inches(0.6), top + half, width, half - Inches(0.1))

    slide = _slide(prs, TITLE_ONLY, "Overdue actions and decisions needed")
    _table(slide, actions, Inches(0.6), top, width, half - Inches(0.1))
    _table(slide, decisions, Inches(0.6), top + half, width, half - Inches(0.1))

    slide = _slide(prs, TITLE_CONTENT, "What changed since last week")
    set_text(_placeholder(slide, 1), changes or ["No previous status run was given: nothing to compare."], 24, 12)

    path = Path(path)
    prs.save(path)
    return path


def write_summary(folder: str | Path, text: str) -> Path:
    """Write ``summary.md`` (from :func:`pmokit.status.summary.summary_markdown`) into the run folder."""
    path = Path(folder) / "summary.md"
    path.write_text(text, encoding="utf-8")
    return path
