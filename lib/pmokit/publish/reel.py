"""``status_reel.mp4``: the week's status as a one-minute video, with its WebVTT captions beside it.

Made from the same data as the status deck: the status run folder's ``metrics.json``, ``summary.md``,
``headline.png`` and RAID and milestone snapshots, and the ``metrics.json`` and ``headline.png`` of the
runs the deck reported (chosen as the deck chose them: :func:`pmokit.sources.status_inputs.select_runs`
with the status run's own ``runs`` and ``workbooks`` parameters). Scenes: a title card, the overall RAG,
one scene per workstream (its verdict and headline chart), the compliance trend and the rollout S-curve
growing week by week, the milestones slipped and the decisions needed.

Frames are drawn with matplotlib at 1280x720 and piped as raw RGB to the ffmpeg binary that the
``imageio-ffmpeg`` wheel ships (no system ffmpeg needed): H.264, yuv420p, BT.709, ``+faststart``, CRF 28,
25 fps, no metadata that changes between runs, so the same inputs give the same file. Captions are burned
in (about 42 px text in a dark box, readable on a phone) and written as ``status_reel.vtt`` with the same
text and times. Every text from the data (risk titles, milestone names, verdicts) is drawn as plain text:
matplotlib's math parsing is off (:func:`pmokit.charts.text_settings`) and the WebVTT text is escaped.

``python -m pmokit.publish.reel RUN_FOLDER`` builds the reel of one status run folder.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyBboxPatch, Rectangle
from PIL import Image

from pmokit import charts, fmt, runfolder
from pmokit.bands import LABELS, RAG_COLOURS
from pmokit.errors import InputError

# ----------------------------------------------------------------------------- the format
WIDTH, HEIGHT, DPI = 1280, 720, 100
FPS = 25
CRF = 28
PRESET = "veryfast"
VIDEO_NAME, CAPTIONS_NAME = "status_reel.mp4", "status_reel.vtt"

#: The reel's length is fitted into this window (the brief's 45-90 s, with a margin for rounding).
MIN_SECONDS, MAX_SECONDS = 48.0, 86.0

#: Caption text height: 42 px on a 720-pixel frame (at least 40 px reads on a phone held upright).
CAPTION_PX = 42
CAPTION_LINE_PX = round(CAPTION_PX * 1.3)
CAPTION_PAD_PX = 14
CAPTION_MARGIN_PX = 22
CAPTION_MAX_WIDTH_PX = WIDTH - 2 * (40 + CAPTION_PAD_PX)
CAPTION_BOX = "#111111"
#: Two lines per cue, at most three cues per scene (longer text is cut with an ellipsis).
LINES_PER_CUE, CUES_PER_SCENE = 2, 3
#: Reading speed of a caption (characters per second) and the shortest cue.
READING_CPS, MIN_CUE_SECONDS = 15.0, 2.0

#: The frame's regions, as (left, top, right, bottom) pixels: header, then the body above the captions.
HEADER_Y = 56
BODY = (40, 100, WIDTH - 40, HEIGHT - CAPTION_MARGIN_PX - 2 * CAPTION_LINE_PX - 2 * CAPTION_PAD_PX - 14)
INK, MUTED, LINE_COLOUR = "#1A1A1A", "#555555", charts.PALETTE[0]

#: Share of a scene with a growing chart during which it grows (then it holds, complete), and every how
#: many frames it moves (every other frame: 12.5 steps a second look smooth).
GROW_SHARE, GROW_EVERY = 0.75, 2

Box = tuple[int, int, int, int]
Grow = Callable[[float], list[Artist]]


# ----------------------------------------------------------------------------- what the reel says
@dataclass(frozen=True)
class Cue:
    """One caption: its times in seconds and its lines (as burned in)."""

    start: float
    end: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass
class Scene:
    """One scene: what it draws and what it says.

    ``paint(fig)`` draws the scene; a scene with a growing chart returns ``grow(progress)``, which sets
    its moving parts (drawn with ``animated=True``, so left out of the first drawing) to ``progress``
    (0..1: how much of the chart is drawn) and returns them, to be drawn over the still picture.

    ``boxes`` names the regions a scene drew something known into (``chart``: a run's headline chart;
    ``rag``: the overall RAG panel), as (left, top, right, bottom) pixels, for the tests and for reuse.
    """

    kind: str
    title: str
    caption: str
    paint: Callable[[Figure], Grow | None]
    min_seconds: float
    grows: bool = False
    workbook: str = ""
    boxes: dict[str, Box] = field(default_factory=dict)
    start: float = 0.0
    end: float = 0.0
    cues: list[Cue] = field(default_factory=list)

    @property
    def middle(self) -> float:
        return (self.start + self.end) / 2


@dataclass
class ReelResult:
    """What :func:`build_reel` wrote, and how long it took."""

    video: Path
    captions: Path
    seconds: float
    frames: int
    fps: int
    size_bytes: int
    build_seconds: float
    scenes: list[Scene]

    def summary(self) -> str:
        return (
            f"{self.video.name}: {self.seconds:.1f} s, {len(self.scenes)} scenes, "
            f"{self.size_bytes / 1e6:.2f} MB, built in {self.build_seconds:.1f} s; captions {self.captions.name}"
        )


@dataclass
class WorkbookView:
    """One reported workbook as the reel shows it: its verdict and chart, or why there is no run."""

    workbook: str
    workstream: str
    folder: Path | None
    metrics: dict
    problem: str = ""

    @property
    def title(self) -> str:
        title = self.metrics.get("title")
        return " ".join(str(title).split()) if title else fmt.label(self.workbook)

    @property
    def rag(self) -> str:
        return str(self.metrics.get("verdict_rag") or "grey").lower()

    @property
    def chart(self) -> Path | None:
        if self.folder is None:
            return None
        run = runfolder.RunFolder(self.folder, {})
        return run.headline_chart


# ----------------------------------------------------------------------------- reading the status run
def _plain(text: object) -> str:
    """Text on one line: runs of white space (newlines, tabs) as one space; a missing value is ''.

    Examples
    --------
    >>> _plain("a\\n  b\\tc"), _plain(None), _plain(float("nan")), _plain(pd.NA)
    ('a b c', '', '', '')
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return " ".join(str(text).split())


_MD_ESCAPE = re.compile(r"\\([\\`*\[~_#>+\-.)\d])")


def md_unescape(text: str) -> str:
    """Undo :func:`pmokit.status.summary.md_escape`: the reel draws plain text, so nothing is escaped.

    Examples
    --------
    >>> md_unescape("&lt;b>\\\\*x\\\\*&lt;/b> \\\\[a](b) &amp;amp; \\\\# 1.")
    '<b>*x*</b> [a](b) &amp; # 1.'
    """
    text = _MD_ESCAPE.sub(r"\1", text)
    return text.replace("&lt;", "<").replace("&amp;", "&")


def summary_bullets(folder: Path) -> list[str]:
    """The bullets of the status run's ``summary.md`` as plain text ([] when it has none)."""
    path = folder / "summary.md"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [md_unescape(line[2:]).strip() for line in lines if line.startswith("- ")]


def _status_params(folder: Path) -> dict:
    run = runfolder.read_json(folder / runfolder.RUN_FILE)
    params = run.get("params") if isinstance(run, dict) else None
    return params if isinstance(params, dict) else {}


def _workstream(workbook: str) -> str:
    """The workstream the deck shows a workbook under (its first deck rule), else its name in words."""
    from pmokit import workbooks as registry  # the registry imports every area: only when a reel is built

    try:
        rules = registry.get(workbook).deck
    except KeyError:
        rules = ()
    return rules[0].workstream if rules else fmt.label(workbook)


def deck_runs(folder: Path) -> dict[str, Path | str]:
    """The run folder of each workbook the status run reported, chosen as the deck chose it.

    Returns ``{workbook: run folder}``, or ``{workbook: why there is none}`` for a missing run.
    """
    from pmokit import workbooks as registry
    from pmokit.sources import status_inputs

    params = _status_params(folder)
    root = Path(params["reports_dir"]) if params.get("reports_dir") else folder.resolve().parents[1]
    ids = params.get("workbooks") or registry.deck_workbooks()
    try:
        runs = status_inputs.select_runs(root, list(ids), params.get("runs") or {}, exclude=folder)
    except InputError as exc:  # the batch changed since the status run: say so on the workbook's scene
        return {wb: str(exc) for wb in ids}
    return {wb: run.folder if run.found else run.problem for wb, run in runs.items()}


def workbook_views(runs: dict[str, Path | str]) -> list[WorkbookView]:
    """Each reported workbook's metrics (``{}`` and the reason when its run is missing or unreadable)."""
    views = []
    for workbook, where in runs.items():
        if isinstance(where, str):
            views.append(WorkbookView(workbook, _workstream(workbook), None, {}, where))
            continue
        metrics = runfolder.read_json(Path(where) / runfolder.METRICS_FILE)
        if not isinstance(metrics, dict):
            views.append(WorkbookView(workbook, _workstream(workbook), None, {}, "no readable metrics.json"))
            continue
        views.append(WorkbookView(workbook, _workstream(workbook), Path(where), metrics))
    return views


MILESTONE_FIELDS = {"milestone", "workstream", "baseline", "forecast", "actual"}
DECISION_FIELDS = {"id", "type", "title", "owner", "due", "open"}


def _snapshots(folder: Path, period_end: pd.Timestamp | None, tolerance: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The milestones (with slips) and open decisions of the status run, from its snapshots."""
    from pmokit.sources import status_inputs
    from pmokit.status import milestones, raid

    saved = status_inputs.read_previous(folder)
    ms, decisions = pd.DataFrame(), pd.DataFrame()
    # a snapshot of an older pmokit may lack a column: that part is then said to be unknown, not guessed
    if period_end is not None and MILESTONE_FIELDS <= set(saved.milestones.columns):
        ms = milestones.slips(saved.milestones, period_end, tolerance)
    if DECISION_FIELDS <= set(saved.raid.columns):
        decisions = raid.decisions_needed(saved.raid)
    return ms, decisions


# ----------------------------------------------------------------------------- captions
@lru_cache(maxsize=1)
def _renderer() -> RendererAgg:
    return RendererAgg(WIDTH, HEIGHT, DPI)


def _points(pixels: float) -> float:
    return pixels * 72 / DPI


@lru_cache(maxsize=4096)
def text_width(text: str, pixels: float = CAPTION_PX) -> float:
    """Width in pixels of ``text`` drawn at ``pixels`` (font fallback as in every chart; never as math)."""
    prop = FontProperties(family=charts.font_families(), size=_points(pixels))
    width, _, _ = _renderer().get_text_width_height_descent(text, prop, ismath=False)
    return width


def _break_word(word: str, width: float, pixels: float) -> list[str]:
    """A word wider than a line (a long name, CJK text without spaces) cut by characters."""
    parts, part = [], ""
    for char in word:
        if part and text_width(part + char, pixels) > width:
            parts.append(part)
            part = ""
        part += char
    return parts + [part] if part else parts


def wrap(text: str, width: float = CAPTION_MAX_WIDTH_PX, pixels: float = CAPTION_PX) -> list[str]:
    """``text`` broken into lines no wider than ``width`` pixels, at spaces where it can be."""
    lines: list[str] = []
    line = ""
    for word in _plain(text).split(" "):
        pieces = [word] if text_width(word, pixels) <= width else _break_word(word, width, pixels)
        for piece in pieces:
            candidate = f"{line} {piece}" if line else piece
            if line and text_width(candidate, pixels) > width:
                lines.append(line)
                candidate = piece
            line = candidate
    return lines + [line] if line else lines


def _ellipsis(line: str, width: float) -> str:
    """``line`` ended by "…" within ``width`` pixels (words dropped from its end as needed)."""
    words = line.split(" ")
    while len(words) > 1 and text_width(" ".join(words) + " …") > width:
        words.pop()
    return " ".join(words) + " …"


def caption_chunks(text: str) -> list[tuple[str, ...]]:
    """The caption as cues of at most :data:`LINES_PER_CUE` lines, :data:`CUES_PER_SCENE` at most."""
    lines = wrap(text) or [""]
    most = LINES_PER_CUE * CUES_PER_SCENE
    if len(lines) > most:
        lines = lines[: most - 1] + [_ellipsis(lines[most - 1], CAPTION_MAX_WIDTH_PX)]
    return [tuple(lines[i : i + LINES_PER_CUE]) for i in range(0, len(lines), LINES_PER_CUE)]


def reading_seconds(chunk: tuple[str, ...]) -> float:
    return max(MIN_CUE_SECONDS, sum(len(line) for line in chunk) / READING_CPS)


def vtt_time(seconds: float) -> str:
    """``HH:MM:SS.mmm``.

    Examples
    --------
    >>> vtt_time(0), vtt_time(61.04), vtt_time(3723.5)
    ('00:00:00.000', '00:01:01.040', '01:02:03.500')
    """
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def vtt_escape(line: str) -> str:
    """Cue text is parsed for tags and entities: ``&``, ``<`` and ``>`` are written as entities.

    Examples
    --------
    >>> vtt_escape("<b>R&D</b> --> x")
    '&lt;b&gt;R&amp;D&lt;/b&gt; --&gt; x'
    """
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(scenes: list[Scene]) -> str:
    """The WebVTT file: one cue per caption chunk, named ``<scene number>-<kind>-<cue number>``."""
    out = ["WEBVTT", ""]
    for number, scene in enumerate(scenes, 1):
        for index, cue in enumerate(scene.cues, 1):
            out += [f"{number:02d}-{scene.kind}-{index}", f"{vtt_time(cue.start)} --> {vtt_time(cue.end)}"]
            out += [vtt_escape(line) for line in cue.lines] + [""]
    return "\n".join(out)


# ----------------------------------------------------------------------------- drawing helpers
def _axes_box(fig: Figure, box: Box):
    """Axes covering ``box`` (pixels from the top-left)."""
    left, top, right, bottom = box
    return fig.add_axes((left / WIDTH, 1 - bottom / HEIGHT, (right - left) / WIDTH, (bottom - top) / HEIGHT))


def _text(fig: Figure, x: float, y: float, text: str, pixels: float, **kwargs) -> None:
    """Text at (x, y) pixels from the top-left, ``pixels`` high, always plain text."""
    fig.text(x / WIDTH, 1 - y / HEIGHT, text, fontsize=_points(pixels), parse_math=False, **kwargs)


def _rect(fig: Figure, box: Box, colour: str, rounded: bool = False) -> None:
    left, top, right, bottom = box
    xy, size = (left / WIDTH, 1 - bottom / HEIGHT), ((right - left) / WIDTH, (bottom - top) / HEIGHT)
    if rounded:
        patch = FancyBboxPatch(xy, *size, boxstyle="round,pad=0,rounding_size=0.008", color=colour)
    else:
        patch = Rectangle(xy, *size, color=colour, linewidth=0)
    patch.set_transform(fig.transFigure)
    fig.add_artist(patch)


def _clip(text: str, width: float, pixels: float) -> str:
    """One line of at most ``width`` pixels, cut with "…" when longer."""
    text = _plain(text)
    if text_width(text, pixels) <= width:
        return text
    while len(text) > 1 and text_width(text + "…", pixels) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _header(fig: Figure, title: str, week: str) -> None:
    _text(fig, 40, HEADER_Y, _clip(title, 820, 34), 34, color=INK, fontweight="bold", va="baseline")
    _text(fig, WIDTH - 40, HEADER_Y, week, 22, color=MUTED, ha="right", va="baseline")
    _rect(fig, (40, HEADER_Y + 16, WIDTH - 40, HEADER_Y + 19), "#D0D0D0")


def _chip(fig: Figure, right: int, y: int, rag: str) -> None:
    """The RAG word on its colour, right-aligned at ``right``, centred on ``y``."""
    word = LABELS.get(rag, rag.upper())
    width = int(text_width(word, 26)) + 36
    _rect(fig, (right - width, y - 22, right, y + 22), RAG_COLOURS.get(rag, RAG_COLOURS["grey"]), rounded=True)
    _text(fig, right - width / 2, y, word, 26, color="white", fontweight="bold", ha="center", va="center")


def load_picture(path: Path, box: Box) -> tuple[np.ndarray, Box]:
    """The picture scaled to fit ``box`` (aspect kept, centred, on white) and where it lands."""
    with Image.open(path) as image:
        rgba = image.convert("RGBA")
    flat = Image.new("RGBA", rgba.size, "white")
    flat.alpha_composite(rgba)
    left, top, right, bottom = box
    scale = min((right - left) / flat.width, (bottom - top) / flat.height)
    size = (max(1, round(flat.width * scale)), max(1, round(flat.height * scale)))
    fitted = flat.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    x0 = left + (right - left - size[0]) // 2
    y0 = top + (bottom - top - size[1]) // 2
    return np.asarray(fitted), (x0, y0, x0 + size[0], y0 + size[1])


def _picture(fig: Figure, pixels: np.ndarray, where: Box) -> None:
    left, _, _, bottom = where
    fig.figimage(pixels, xo=left, yo=HEIGHT - bottom, origin="upper", zorder=1)


def _placed_picture(path: Path | None, box: Box) -> tuple[np.ndarray | None, Box | None]:
    """A chart for a scene, or (None, None) when the run saved none or it cannot be read."""
    if path is None:
        return None, None
    try:
        return load_picture(path, box)
    except (OSError, ValueError):
        return None, None


def _message(fig: Figure, box: Box, text: str) -> None:
    """A line of text in the middle of ``box`` (a scene with nothing to chart)."""
    left, top, right, bottom = box
    for i, line in enumerate(wrap(text, right - left - 40, 30)[:4]):
        _text(fig, (left + right) / 2, (top + bottom) / 2 - 60 + 48 * i, line, 30, color=MUTED, ha="center")


# ----------------------------------------------------------------------------- scenes
@dataclass
class Story:
    """Everything the scenes need, read once from the status run folder and the runs it reported."""

    title: str
    period_end: pd.Timestamp | None
    overall_rag: str
    bullets: list[str]
    status_chart: Path | None
    views: list[WorkbookView]
    milestones: pd.DataFrame
    decisions: pd.DataFrame
    decisions_needed: int | None = None  # the status run's count (None: unknown, no RAID item read)

    @property
    def week(self) -> str:
        return f"Week ending {self.period_end:%d %B %Y}" if self.period_end is not None else "Week ending —"


def _count(recorded: object, table: pd.DataFrame) -> int | None:
    """The status run's recorded count, else the rows of its snapshot; None when neither says.

    Examples
    --------
    >>> _count(3, pd.DataFrame()), _count(None, pd.DataFrame({"id": [1, 2]})), _count(None, pd.DataFrame())
    (3, 2, None)
    """
    if isinstance(recorded, (int, float)) and not isinstance(recorded, bool) and math.isfinite(recorded):
        return int(recorded)
    return len(table) if len(table) else None


def read_story(folder: Path, runs: dict[str, Path] | None) -> Story:
    """Read the status run folder (and the runs it reported, or ``runs``) into a :class:`Story`."""
    metrics = runfolder.read_json(folder / runfolder.METRICS_FILE)
    if not isinstance(metrics, dict) or "overall_rag" not in metrics:
        raise InputError(folder / runfolder.METRICS_FILE, "overall_rag", "a status deck run's metrics", "none")
    params = _status_params(folder)
    period = pd.to_datetime(metrics.get("period_end"), errors="coerce")
    period = None if pd.isna(period) else period
    tolerance = int(params.get("slip_tolerance_days") or 0)
    ms, decisions = _snapshots(folder, period, tolerance)
    chosen = deck_runs(folder) if runs is None else {wb: Path(path) for wb, path in runs.items()}
    status_chart = folder / runfolder.HEADLINE_PNG
    return Story(
        title=_plain(metrics.get("title") or params.get("title") or "Weekly portfolio status"),
        period_end=period,
        overall_rag=str(metrics.get("overall_rag") or "grey").lower(),
        bullets=summary_bullets(folder),
        status_chart=status_chart if status_chart.exists() else None,
        views=workbook_views(chosen),
        milestones=ms,
        decisions=decisions,
        decisions_needed=_count(metrics.get("decisions_needed"), decisions),
    )


def title_scene(story: Story) -> Scene:
    def paint(fig: Figure) -> None:
        _rect(fig, (0, 0, WIDTH, HEIGHT), "#0B2545")
        _text(fig, WIDTH / 2, 250, _clip(story.title, WIDTH - 120, 64), 64, color="white", ha="center", weight="bold")
        _text(fig, WIDTH / 2, 330, story.week, 36, color="#D6E4F0", ha="center")
        _rect(fig, (WIDTH / 2 - 120, 370, WIDTH / 2 + 120, 376), RAG_COLOURS.get(story.overall_rag, "#8C8C8C"))

    week = story.week[0].lower() + story.week[1:]
    return Scene("title", story.title, f"{story.title}: {week}.", paint, 5.0)


def overall_scene(story: Story) -> Scene:
    rag = story.overall_rag
    word = LABELS.get(rag, rag.upper())
    overall = next((b for b in story.bullets if b.startswith("Overall")), f"Overall {word}.")
    panel = (BODY[0], BODY[1] + 10, BODY[0] + 380, BODY[3])
    pixels, where = _placed_picture(story.status_chart, (panel[2] + 30, BODY[1] + 10, BODY[2], BODY[3]))

    def paint(fig: Figure) -> None:
        _header(fig, "Overall status", story.week)
        _rect(fig, panel, RAG_COLOURS.get(rag, RAG_COLOURS["grey"]))
        middle_x, middle_y = (panel[0] + panel[2]) / 2, (panel[1] + panel[3]) / 2
        _text(fig, middle_x, middle_y - 50, "Overall", 34, color="white", ha="center", va="center")
        _text(fig, middle_x, middle_y + 20, word, 72, color="white", ha="center", va="center", weight="bold")
        if pixels is not None:
            _picture(fig, pixels, where)

    boxes = {"rag": panel, **({"chart": where} if where else {})}
    return Scene("overall", "Overall status", overall, paint, 7.0, boxes=boxes)


def workbook_scene(story: Story, view: WorkbookView) -> Scene:
    verdict = _plain(view.metrics.get("verdict") or "")
    label = LABELS.get(view.rag, view.rag.upper())
    caption = f"{view.workstream}: {label}. {verdict}" if verdict else f"{view.workstream}: {label}."
    chart_box = (BODY[0], BODY[1] + 40, BODY[2], BODY[3])
    pixels, where = _placed_picture(view.chart, chart_box)

    def paint(fig: Figure) -> None:
        _header(fig, view.workstream, story.week)
        _text(fig, BODY[0], BODY[1] + 14, _clip(view.title, 900, 24), 24, color=MUTED, va="center")
        _chip(fig, BODY[2], BODY[1] + 14, view.rag)
        if pixels is not None:
            _picture(fig, pixels, where)
        else:
            _message(fig, chart_box, "This run saved no chart.")

    boxes = {"chart": where} if where else {}
    return Scene("workbook", view.workstream, caption, paint, 6.0, workbook=view.workbook, boxes=boxes)


def missing_scene(story: Story, missing: list[WorkbookView]) -> Scene:
    names = "; ".join(f"{v.workstream} ({v.problem})" for v in missing)
    caption = f"Not reported this week: {names}."

    def paint(fig: Figure) -> None:
        _header(fig, "Not reported this week", story.week)
        for i, view in enumerate(missing[:6]):
            y = BODY[1] + 50 + 62 * i
            _chip(fig, BODY[0] + 200, y, "grey")
            _text(fig, BODY[0] + 230, y, _clip(view.workstream, 800, 30), 30, color=INK, va="center")

    return Scene("missing", "Not reported this week", caption, paint, 5.0)


# ----------------------------------------------------------------------------- growing charts
@dataclass
class Series:
    """A weekly series to grow on screen: dates, values, and how to say them."""

    dates: pd.DatetimeIndex
    values: np.ndarray
    title: str
    caption: str
    unit: Callable[[float], str]
    ylim: tuple[float, float]
    marker: pd.Timestamp | None = None
    marker_label: str = ""


def compliance_series(folder: Path) -> Series | None:
    """The compliance rate per snapshot (``compliance_trend.csv`` of the compliance run), None if absent."""
    path = folder / "compliance_trend.csv"
    if not path.exists():
        return None
    try:
        table = pd.read_csv(path, encoding="utf-8-sig")
        dates = pd.to_datetime(table["snapshot"], errors="coerce")
        values = pd.to_numeric(table["compliance_pct"], errors="coerce")
    except (OSError, ValueError, KeyError):
        return None
    keep = dates.notna() & values.notna()
    if keep.sum() < 2:
        return None
    order = dates[keep].argsort()
    dates, values = pd.DatetimeIndex(dates[keep].iloc[order]), values[keep].to_numpy(float)[order]
    low, high = max(0.0, math.floor(values.min() - 3)), min(100.0, math.ceil(values.max() + 3))
    caption = (
        f"Compliance week by week: {fmt.pct(values[0])} on {dates[0]:%d %b}, "
        f"{fmt.pct(values[-1])} on {dates[-1]:%d %b %Y}."
    )
    title = "Device compliance, week by week (% of in-scope devices)"
    return Series(dates, values, title, caption, fmt.pct, (low, high))


def rollout_series(folder: Path, metrics: dict) -> Series | None:
    """Sites planned to be finished, cumulative by week (``plan.csv`` of the rollout run), None if absent."""
    path = folder / "plan.csv"
    if not path.exists():
        return None
    try:
        ends = pd.to_datetime(pd.read_csv(path, encoding="utf-8-sig")["end_date"], errors="coerce").dropna()
    except (OSError, ValueError, KeyError):
        return None
    if ends.empty:
        return None
    weeks = pd.date_range(ends.min().to_period("W").end_time.normalize(), ends.max() + pd.Timedelta(days=6), freq="W")
    if len(weeks) < 2:
        return None
    done = np.array([(ends <= week).sum() for week in weeks], dtype=float)
    status = pd.to_datetime(metrics.get("status_date"), errors="coerce")
    return Series(
        pd.DatetimeIndex(weeks),
        done,
        f"Rollout S-curve: sites planned to be finished, by week ({len(ends)} sites)",
        f"Rollout S-curve: {fmt.count(len(ends), 'site')} planned to be finished week by week, "
        f"the last by {ends.max():%d %b %Y}.",
        lambda v: fmt.count(round(v), "site"),
        (0.0, len(ends) * 1.05),
        None if pd.isna(status) else status,
        "status date",
    )


def grow_scene(story: Story, view: WorkbookView, series: Series, kind: str) -> Scene:
    """The series drawn point by point, week by week (``progress`` 1: every week drawn)."""
    first, last = series.dates[0], series.dates[-1]
    caption = series.caption
    days = (series.dates - first).days.to_numpy(float)
    box = (BODY[0] + 60, BODY[1] + 20, BODY[2] - 20, BODY[3] - 20)

    def paint(fig: Figure) -> Grow:
        _header(fig, view.workstream, story.week)
        ax = _axes_box(fig, box)
        (line,) = ax.plot([], [], color=LINE_COLOUR, linewidth=5, solid_capstyle="round", animated=True)
        (head,) = ax.plot([], [], "o", color=LINE_COLOUR, markersize=14, animated=True)
        label = ax.annotate(
            "",
            (0, 0),
            xytext=(0, 22),
            textcoords="offset points",
            ha="center",
            fontsize=_points(26),
            color=INK,
            annotation_clip=False,
            animated=True,
        )

        def grow(progress: float) -> list[Artist]:
            shown = progress * (len(days) - 1)
            whole = int(math.floor(shown))
            x, y = list(days[: whole + 1]), list(series.values[: whole + 1])
            if whole < len(days) - 1:  # the part of the next week reached so far
                part = shown - whole
                x.append(days[whole] + part * (days[whole + 1] - days[whole]))
                y.append(series.values[whole] + part * (series.values[whole + 1] - series.values[whole]))
            line.set_data(x, y)
            head.set_data(x[-1:], y[-1:])
            label.xy = (days[whole], series.values[whole])
            label.set_text(f"{series.dates[whole]:%d %b}: {series.unit(series.values[whole])}")
            return [line, head, label]

        if series.marker is not None and first <= series.marker <= last:
            marker = (series.marker - first).days
            ax.axvline(marker, color=MUTED, linestyle="--", linewidth=1.5)
            ax.text(marker, series.ylim[1], f" {series.marker_label}", color=MUTED, fontsize=_points(18), va="top")
        ax.set_xlim(-days[-1] * 0.03, days[-1] * 1.03)
        ax.set_ylim(*series.ylim)
        ticks = np.linspace(0, len(days) - 1, min(len(days), 6)).round().astype(int)
        ax.set_xticks(days[ticks], [f"{series.dates[i]:%d %b}" for i in ticks], fontsize=_points(20))
        ax.tick_params(axis="y", labelsize=_points(20))
        ax.set_title(series.title, fontsize=_points(24), loc="left", color=INK)
        ax.grid(True, color="#E0E0E0")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        return grow

    return Scene(kind, series.title, caption, paint, 9.0, grows=True, workbook=view.workbook, boxes={"chart": box})


def _growing(story: Story, view: WorkbookView) -> Scene | None:
    """The growing chart a workbook has (compliance trend, rollout S-curve), else None."""
    if view.folder is None:
        return None
    if view.workbook == "compliance_report":
        series = compliance_series(view.folder)
        return grow_scene(story, view, series, "trend") if series is not None else None
    if view.workbook == "rollout_plan":
        series = rollout_series(view.folder, view.metrics)
        return grow_scene(story, view, series, "s-curve") if series is not None else None
    return None


def _rows(fig: Figure, rows: list[tuple[str, str, str]], colour: str) -> None:
    """A list of up to five rows: a coloured mark, the item (large), and a right-aligned note."""
    for i, (name, detail, note) in enumerate(rows[:5]):
        y = BODY[1] + 40 + 80 * i
        _rect(fig, (BODY[0], y - 22, BODY[0] + 10, y + 22), colour)
        _text(fig, BODY[0] + 30, y - 6, _clip(name, 900, 30), 30, color=INK, va="center")
        _text(fig, BODY[0] + 30, y + 26, _clip(detail, 900, 20), 20, color=MUTED, va="center")
        _text(fig, BODY[2], y, note, 30, color=colour, ha="right", va="center", weight="bold")


def milestones_scene(story: Story) -> Scene:
    ms = story.milestones
    slipped = ms[ms["slipped"]].sort_values("slip_days", ascending=False, kind="stable") if len(ms) else ms
    if ms.empty:
        caption = "Milestone slips unknown: the status run saved no milestones."
    else:
        caption = f"{len(slipped)} of {fmt.count(len(ms), 'milestone')} slipped"
        if len(slipped):  # the four largest, as on the deck's milestone slide
            caption += ": " + "; ".join(
                f"{_plain(m)} +{fmt.duration_days(d)}"
                for m, d in zip(slipped["milestone"].head(4), slipped["slip_days"].head(4))
            )
            caption += f"; {len(slipped) - 4} more" if len(slipped) > 4 else ""
        caption += "."
    rows = [
        (_plain(r.milestone), f"{_plain(r.workstream)} · baseline {fmt.date(r.baseline)}", f"+{r.slip_days} d")
        for r in slipped.head(5).itertuples()
    ]

    def paint(fig: Figure) -> None:
        _header(fig, f"Milestones slipped: {len(slipped)} of {len(ms)}", story.week)
        if rows:
            _rows(fig, rows, RAG_COLOURS["red"])
        else:
            _message(fig, BODY, "No milestone slipped." if len(ms) else "No milestones were saved.")

    return Scene("milestones", "Milestones slipped", caption, paint, 7.0)


def decisions_scene(story: Story) -> Scene:
    """The open decisions; unknown (never "none") when the status run counted none for want of a RAID log."""
    table = story.decisions
    if table.empty and story.decisions_needed is None:
        caption = "Decisions needed unknown: the status run read no RAID item."
    elif table.empty and story.decisions_needed:
        caption = f"{fmt.count(story.decisions_needed, 'decision')} needed (the status run saved no RAID list)."
    elif table.empty:
        caption = "No decision is needed this week."
    else:
        caption = f"{fmt.count(len(table), 'decision')} needed: " + "; ".join(
            f"{_plain(r.title)} ({_plain(r.owner)})" if _plain(r.owner) else _plain(r.title)
            for r in table.head(3).itertuples()
        )
        caption += "."
    rows = [
        (_plain(r.title), f"owner {_plain(r.owner) or '—'}", f"by {fmt.date(r.due)}" if pd.notna(r.due) else "")
        for r in table.head(5).itertuples()
    ]

    def paint(fig: Figure) -> None:
        _header(fig, f"Decisions needed: {fmt.value(story.decisions_needed)}", story.week)
        if rows:
            _rows(fig, rows, RAG_COLOURS["amber"])
        else:
            _message(fig, BODY, caption)

    return Scene("decisions", "Decisions needed", caption, paint, 7.0)


def scenes_for(story: Story) -> list[Scene]:
    """The reel's scenes in order."""
    scenes = [title_scene(story), overall_scene(story)]
    missing = [view for view in story.views if view.folder is None]
    for view in story.views:
        if view.folder is None:
            continue
        scenes.append(workbook_scene(story, view))
        growing = _growing(story, view)
        if growing is not None:
            scenes.append(growing)
    if missing:
        scenes.append(missing_scene(story, missing))
    return scenes + [milestones_scene(story), decisions_scene(story)]


# ----------------------------------------------------------------------------- timing
def schedule(scenes: list[Scene], fps: int = FPS) -> int:
    """Give each scene and cue its times (whole frames), the total fitted into the reel's window.

    Each cue lasts its reading time (:data:`READING_CPS`, at least :data:`MIN_CUE_SECONDS`), each scene
    at least its own minimum; the whole is then stretched or squeezed into MIN..MAX_SECONDS. Returns the
    number of frames.
    """
    chunks = [caption_chunks(scene.caption) for scene in scenes]
    wanted = [max(s.min_seconds, sum(map(reading_seconds, c))) for s, c in zip(scenes, chunks)]
    total = sum(wanted)
    factor = min(MAX_SECONDS, max(MIN_SECONDS, total)) / total
    frame = 0
    for scene, scene_chunks, seconds in zip(scenes, chunks, wanted):
        frames = max(len(scene_chunks), round(seconds * factor * fps))
        weights = np.cumsum([reading_seconds(c) for c in scene_chunks])
        bounds = [frame] + [frame + round(frames * w / weights[-1]) for w in weights]
        scene.start, scene.end = frame / fps, (frame + frames) / fps
        scene.cues = [Cue(a / fps, b / fps, c) for a, b, c in zip(bounds, bounds[1:], scene_chunks)]
        frame += frames
    return frame


# ----------------------------------------------------------------------------- rendering
def _caption(fig: Figure, lines: tuple[str, ...]) -> None:
    """The burned-in caption: white text in a dark box above the bottom edge, centred."""
    width = max(text_width(line) for line in lines) + 2 * CAPTION_PAD_PX
    height = len(lines) * CAPTION_LINE_PX + 2 * CAPTION_PAD_PX
    bottom = HEIGHT - CAPTION_MARGIN_PX
    left = (WIDTH - width) / 2
    _rect(fig, (left, bottom - height, left + width, bottom), CAPTION_BOX)
    for i, line in enumerate(lines):
        y = bottom - height + CAPTION_PAD_PX + CAPTION_LINE_PX * (i + 0.5)
        _text(fig, WIDTH / 2, y, line, CAPTION_PX, color="white", ha="center", va="center_baseline", zorder=5)


class Picture:
    """A scene with one caption drawn once on a 1280x720 canvas; a growing chart is then drawn step by
    step over a copy of that still picture (blitting: a step costs a few milliseconds, a full drawing
    a few tenths of a second)."""

    def __init__(self, scene: Scene, lines: tuple[str, ...]):
        self.figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)
        self.grow = scene.paint(self.figure)
        if any(lines):
            _caption(self.figure, lines)
        self.canvas.draw()
        self.still = self.canvas.copy_from_bbox(self.figure.bbox) if self.grow is not None else None

    def rgb(self, progress: float = 1.0) -> bytes:
        """The frame as RGB bytes, a growing chart drawn to ``progress``."""
        if self.grow is not None:
            self.canvas.restore_region(self.still)
            for artist in self.grow(progress):
                self.figure.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())[:, :, :3].tobytes()


def render(scene: Scene, progress: float, lines: tuple[str, ...]) -> bytes:
    """One frame: the scene at ``progress`` with its caption, as 1280x720 RGB bytes."""
    return Picture(scene, lines).rgb(progress)


def frames(scenes: list[Scene], fps: int = FPS) -> Iterator[bytes]:
    """Every frame in order; a picture is drawn once per caption, a growing chart once per step."""
    for scene in scenes:
        first = round(scene.start * fps)
        growing = max(1, round((round(scene.end * fps) - first) * GROW_SHARE))
        for cue in scene.cues:
            picture = Picture(scene, cue.lines)
            last, pixels = -1.0, b""
            for index in range(round(cue.start * fps), round(cue.end * fps)):
                # a growing chart moves every GROW_EVERY frames until GROW_SHARE of the scene, then holds
                step = min(1.0, (index - first) // GROW_EVERY * GROW_EVERY / growing) if scene.grows else 1.0
                if step != last:
                    pixels, last = picture.rgb(step), step
                yield pixels


#: RGB -> BT.709 limited-range YUV, and the frames tagged so (players then convert back exactly).
_COLOUR_FILTER = (
    "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
    "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709"
)


def ffmpeg_command(target: Path, fps: int = FPS) -> list[str]:
    """The encoder: raw RGB on stdin -> H.264 yuv420p BT.709 MP4, moov first, no changing metadata."""
    import imageio_ffmpeg

    return [
        imageio_ffmpeg.get_ffmpeg_exe(),
        *("-hide_banner", "-loglevel", "error", "-nostdin", "-y"),
        *("-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{WIDTH}x{HEIGHT}", "-r", str(fps), "-i", "-"),
        *("-an", "-vf", _COLOUR_FILTER),
        *("-c:v", "libx264", "-preset", PRESET, "-crf", str(CRF), "-pix_fmt", "yuv420p"),
        *("-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"),
        *("-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact"),
        *("-f", "mp4", str(target)),
    ]


def encode(scenes: list[Scene], target: Path, fps: int = FPS) -> None:
    """Pipe the frames to ffmpeg; a failure raises with ffmpeg's own message (its last lines)."""
    process = subprocess.Popen(ffmpeg_command(target, fps), stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for frame in frames(scenes, fps):
            process.stdin.write(frame)
        process.stdin.close()
    except BrokenPipeError:
        pass
    finally:
        error = process.stderr.read().decode("utf-8", "replace")
        code = process.wait()
    if code != 0:
        last = " ".join(error.strip().splitlines()[-2:]) or f"exit code {code}"
        raise RuntimeError(f"{target.name}: ffmpeg could not encode the reel: {last}")


def build_reel(
    status_run_folder: str | Path, runs: dict[str, Path] | None = None, out: Path | None = None
) -> ReelResult:
    """Build ``status_reel.mp4`` and ``status_reel.vtt`` of a status deck run.

    Parameters
    ----------
    status_run_folder : str or Path
        The status deck's run folder (``<out>/status_deck/<run>``).
    runs : dict, optional
        ``{workbook: run folder}`` to show, in this order; None: the runs the status run reported,
        chosen as the deck chose them.
    out : Path, optional
        The video's path (the captions go beside it, same stem, ``.vtt``); default: the run folder's
        ``status_reel.mp4``.

    Returns
    -------
    ReelResult
        The files, the length, the scenes with their times and cues, the size and the build time.

    Raises
    ------
    InputError
        The folder is not a status deck run (no ``metrics.json`` with ``overall_rag``).
    """
    began = time.perf_counter()
    folder = Path(status_run_folder)
    if not folder.is_dir():
        raise InputError(folder, "(folder)", "a status deck run folder", "no such folder")
    video = Path(out) if out is not None else folder / VIDEO_NAME
    captions = video.with_suffix(".vtt")
    with mpl.rc_context(charts.text_settings()):
        scenes = scenes_for(read_story(folder, runs))
        count = schedule(scenes)
        partial = video.with_name(f".{video.name}.tmp-{os.getpid()}")
        try:
            encode(scenes, partial)
            os.replace(partial, video)
        finally:
            partial.unlink(missing_ok=True)
    partial_vtt = captions.with_name(f".{captions.name}.tmp-{os.getpid()}")
    partial_vtt.write_text(webvtt(scenes), encoding="utf-8", newline="\n")
    os.replace(partial_vtt, captions)
    return ReelResult(
        video, captions, count / FPS, count, FPS, video.stat().st_size, time.perf_counter() - began, scenes
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m pmokit.publish.reel RUN_FOLDER [--out FILE]``: build the reel, print one line."""
    parser = argparse.ArgumentParser(prog="python -m pmokit.publish.reel", description=__doc__.splitlines()[0])
    parser.add_argument("run_folder", type=Path, help="the status deck's run folder")
    parser.add_argument("--out", type=Path, help="the video's path (default: status_reel.mp4 in the run folder)")
    args = parser.parse_args(argv)
    try:
        result = build_reel(args.run_folder, out=args.out)
    except (InputError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
