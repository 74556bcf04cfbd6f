"""Every chart stays readable at the bundled size and at ten times it (issue 14, Charts).

Each chart function of the seven areas is drawn from a frame in its assessment's shape
(``tests/chart_frames.py``) at the bundled size and at 10x (10x the rows, categories, sessions or weeks),
rendered as the report renders it (:func:`pmokit.charts.render_chart`), and checked:

1. the image stays within a readable size (:func:`image_problems`);
2. no two tick labels of one axis overlap (:func:`tick_label_collisions`);
3. the legend, if any, covers at most 5 % of the data or sits outside the axes (:func:`legend_cover`);
4. the axis ranges hold the data drawn (:func:`clipped_data`);
5. no text lies outside the figure canvas (:func:`text_outside`).

Each check also has a test with a hand-made bad figure, to show it can fail.
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from chart_frames import CHARTS  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402
from PIL import Image  # noqa: E402

from pmokit import charts  # noqa: E402

#: Widest image a report shows without shrinking its text below legibility: 2400 device pixels at the drawing's
#: dpi (10.9 inches at 220 dpi, about 1,200 CSS pixels).
MAX_WIDTH = 2400
#: Tallest image: 6,000 pixels, a long scroll already (27 inches at 220 dpi).
MAX_HEIGHT = 6000
#: Largest side WebP can encode (the report embeds WebP).
WEBP_LIMIT = 16383
#: Overlap allowed between two tick labels' boxes, in pixels (anti-aliasing, glyph side bearings).
TICK_TOLERANCE = 1.0
#: Share of the data the legend may cover.
MAX_LEGEND_COVER = 0.05
#: Pixels of slack for text at the canvas edge.
EDGE_TOLERANCE = 2.0


@pytest.fixture(autouse=True)
def report_theme():
    """Draw as a report does: with the report theme (:func:`pmokit.charts.set_theme`), restored afterwards."""
    with matplotlib.rc_context():
        charts.set_theme()
        yield


# --------------------------------------------------------------------------------------- the checks
def image_problems(chart: charts.Chart) -> list[str]:
    """Size problems of a rendered chart: wider than :data:`MAX_WIDTH`, taller than :data:`MAX_HEIGHT` or
    over WebP's :data:`WEBP_LIMIT` pixels, in the pixels of its PNG (drawn at its own dpi)."""
    with Image.open(io.BytesIO(chart.png)) as image:
        width, height = image.size
    problems = []
    if width > MAX_WIDTH:
        problems.append(f"{width} px wide (at most {MAX_WIDTH})")
    if height > MAX_HEIGHT:
        problems.append(f"{height} px high (at most {MAX_HEIGHT})")
    if max(width, height) > WEBP_LIMIT:
        problems.append(f"{width} x {height} px is over WebP's {WEBP_LIMIT} px limit")
    return problems


def _drawn_tick_labels(axis) -> list[Text]:
    """The tick labels matplotlib draws on ``axis``: visible, not blank, their tick inside the view."""
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-9
    labels = []
    for tick in axis.get_major_ticks() + axis.get_minor_ticks():
        if not low - slack <= tick.get_loc() <= high + slack:
            continue
        labels += [t for t in (tick.label1, tick.label2) if t.get_visible() and t.get_text().strip()]
    return labels


def _label_boxes(labels: list[Text], renderer) -> tuple[np.ndarray, np.ndarray, float]:
    """Centres (n x 2) and unrotated sizes (n x 2) of ``labels`` in pixels, and their common rotation (radians).

    A rotated label's axis-aligned box is larger than its glyphs (two 30-degree date labels can have
    overlapping boxes with clear space between the words), so labels are compared in their own frame.
    """
    centres, sizes = [], []
    for label in labels:
        box = label.get_window_extent(renderer)
        centres.append(((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2))
        angle = label.get_rotation()
        label.set_rotation(0)
        flat = label.get_window_extent(renderer)
        label.set_rotation(angle)
        sizes.append((flat.width, flat.height))
    return np.array(centres), np.array(sizes), float(np.deg2rad(labels[0].get_rotation()))


def _overlapping_pairs(centres: np.ndarray, sizes: np.ndarray, angle: float, tolerance: float) -> list[tuple[int, int]]:
    """Index pairs of equally rotated boxes (centres, sizes, rotation) overlapping by more than ``tolerance``
    pixels along both of their own axes."""
    cos, sin = np.cos(angle), np.sin(angle)
    along = centres[:, 0] * cos + centres[:, 1] * sin  # centres in the labels' own frame
    across = -centres[:, 0] * sin + centres[:, 1] * cos
    dx = (sizes[:, 0][:, None] + sizes[:, 0][None, :]) / 2 - np.abs(along[:, None] - along[None, :])
    dy = (sizes[:, 1][:, None] + sizes[:, 1][None, :]) / 2 - np.abs(across[:, None] - across[None, :])
    hit = np.triu((dx > tolerance) & (dy > tolerance), k=1)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(hit))]


def tick_label_collisions(fig, tolerance: float = TICK_TOLERANCE) -> list[str]:
    """Pairs of tick labels of one axis whose drawn text overlaps (more than ``tolerance`` pixels both ways).

    Draws the figure first, so the boxes are those of the laid-out figure. Labels are compared in their
    own (rotated) frame; labels of one axis with different rotations are compared by their drawn boxes.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = _drawn_tick_labels(axis)
            if len(labels) < 2:
                continue
            if len({label.get_rotation() for label in labels}) == 1:
                centres, sizes, angle = _label_boxes(labels, renderer)
            else:
                boxes = np.array([label.get_window_extent(renderer).extents for label in labels])
                centres, sizes, angle = (boxes[:, :2] + boxes[:, 2:]) / 2, boxes[:, 2:] - boxes[:, :2], 0.0
            for i, j in _overlapping_pairs(centres, sizes, angle, tolerance)[:3]:
                found.append(f"{axis.axis_name}: {labels[i].get_text()!r} overlaps {labels[j].get_text()!r}")
    return found


def _is_reference(artist) -> bool:
    """True for axhline/axvline/axvspan: drawn across the axes in axes coordinates, not data points."""
    if isinstance(artist, PathCollection):
        return False  # markers: placed by their offsets in data coordinates
    transform = artist.get_data_transform() if isinstance(artist, Patch) else artist.get_transform()
    return artist.axes is not None and transform != artist.axes.transData


def _sample_points(artist, renderer, grid: int = 12) -> np.ndarray:
    """Display points standing for where ``artist`` draws ink (n x 2), evenly spread over it.

    Lines: their vertices and points between them; scatter: the markers' centres; bars: a grid in each bar;
    filled areas: a grid over the axes kept where the area's outline contains it; images: a grid over them.
    """
    if isinstance(artist, Line2D):
        xy = artist.get_transform().transform(artist.get_xydata())
        xy = xy[np.isfinite(xy).all(axis=1)]
        if len(xy) < 2:
            return xy
        steps = np.linspace(0, 1, 5)[:-1]
        between = (xy[:-1, None, :] + steps[None, :, None] * (xy[1:] - xy[:-1])[:, None, :]).reshape(-1, 2)
        return np.vstack([between, xy[-1:]])
    if isinstance(artist, PathCollection):
        return artist.get_offset_transform().transform(artist.get_offsets())
    if isinstance(artist, (Rectangle, AxesImage)):
        box = artist.get_window_extent(renderer)
        gx, gy = np.meshgrid(np.linspace(box.x0, box.x1, grid), np.linspace(box.y0, box.y1, grid))
        return np.column_stack([gx.ravel(), gy.ravel()])
    if isinstance(artist, PolyCollection):
        box = artist.axes.bbox
        gx, gy = np.meshgrid(np.linspace(box.x0, box.x1, 80), np.linspace(box.y0, box.y1, 40))
        points = np.column_stack([gx.ravel(), gy.ravel()])
        inside = np.zeros(len(points), dtype=bool)
        for path in artist.get_paths():
            inside |= artist.get_transform().transform_path(path).contains_points(points)
        return points[inside]
    return np.empty((0, 2))


def _inside(box: Bbox, points: np.ndarray) -> np.ndarray:
    """Which display points (n x 2) lie inside ``box`` (edges included)."""
    return (points[:, 0] >= box.x0) & (points[:, 0] <= box.x1) & (points[:, 1] >= box.y0) & (points[:, 1] <= box.y1)


def _data_artists(ax) -> list:
    """The artists of ``ax`` that draw data (lines, markers, bars, areas, images), reference lines left out."""
    found = [a for a in ax.lines + ax.collections + ax.images if a.get_visible() and not _is_reference(a)]
    found += [p for p in ax.patches if isinstance(p, Rectangle) and p.get_visible() and not _is_reference(p)]
    return found


def legend_cover(fig) -> float:
    """The largest share of one axes' data that a legend covers (0 when the legend is outside the axes).

    For each legend inside its axes, each data artist is sampled as display points (:func:`_sample_points`)
    and the share of points under the legend box is taken; the answer is the mean share over the artists
    of that axes (and of axes sharing its area, such as a twin), so that a legend fully over one of
    twenty bars counts 5 %.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    worst = 0.0
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        if Bbox.intersection(box, ax.bbox) is None:
            continue  # outside the plot area
        siblings = [other for other in fig.axes if other.bbox.bounds == ax.bbox.bounds]
        shares = []
        for artist in (a for other in siblings for a in _data_artists(other)):
            points = _sample_points(artist, renderer)
            inside_axes = points[_inside(ax.bbox, points)] if len(points) else points
            if not len(inside_axes):
                continue
            shares.append(float(_inside(box, inside_axes).mean()))
        if shares:
            worst = max(worst, float(np.mean(shares)))
    return worst


def clipped_data(fig) -> list[str]:
    """Axes whose data limits reach outside their view limits (data drawn past the axis range).

    Data limits are what matplotlib recorded of every line, bar, area and image added; a twin's are its own.
    """
    found = []
    for ax in fig.axes:
        data, view = ax.dataLim, ax.viewLim
        if not np.isfinite(data.extents).all() or data.width < 0 or data.height < 0:
            continue  # nothing drawn
        for name, (d0, d1), (v0, v1) in (
            ("x", data.intervalx, sorted(view.intervalx)),
            ("y", data.intervaly, sorted(view.intervaly)),
        ):
            slack = 1e-6 * max(abs(v1 - v0), 1e-12)
            if d0 < v0 - slack or d1 > v1 + slack:
                found.append(f"{ax.get_title() or 'axes'}: {name} data {d0:g}..{d1:g} outside view {v0:g}..{v1:g}")
    return found


def text_outside(fig, tolerance: float = EDGE_TOLERANCE) -> list[str]:
    """Visible, non-blank texts whose drawn box reaches outside the figure canvas (tick labels of ticks
    outside the view are not drawn and not counted)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    drawn = {id(label) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis) for label in _drawn_tick_labels(axis)}
    tick_labels = {
        id(label)
        for ax in fig.axes
        for axis in (ax.xaxis, ax.yaxis)
        for tick in axis.get_major_ticks() + axis.get_minor_ticks()
        for label in (tick.label1, tick.label2)
    }
    found = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if id(text) in tick_labels and id(text) not in drawn:
            continue  # the label of a tick outside the view: matplotlib does not draw it
        box = text.get_window_extent(renderer)
        if (
            box.x0 < canvas.x0 - tolerance
            or box.y0 < canvas.y0 - tolerance
            or box.x1 > canvas.x1 + tolerance
            or box.y1 > canvas.y1 + tolerance
        ):
            found.append(
                f"{text.get_text()[:40]!r} at {box.extents.round(0).tolist()} outside {canvas.extents.tolist()}"
            )
    return found


# --------------------------------------------------------------------------------------- every chart, both sizes
@pytest.fixture(params=sorted(CHARTS), ids=str)
def chart_name(request) -> str:
    return request.param


@pytest.mark.parametrize("scale", [1, 10], ids=["bundled", "10x"])
def test_chart_readable_at_scale(chart_name: str, scale: int) -> None:
    fig = CHARTS[chart_name](scale)
    try:
        message = charts.chart_message(fig)
        problems = image_problems(charts.render_chart(fig))
        problems += tick_label_collisions(fig)
        cover = legend_cover(fig)
        if cover > MAX_LEGEND_COVER:
            problems.append(f"legend covers {cover:.0%} of the data")
        problems += clipped_data(fig)
        problems += text_outside(fig)
    finally:
        plt.close(fig)
    assert message, "the chart states no message (charts.describe)"
    assert not problems, f"{chart_name} at {scale}x:\n" + "\n".join(problems)


def test_every_figure_function_is_checked() -> None:
    """Each public chart function of the seven figures modules has a frame in ``CHARTS``."""
    import inspect

    from pmokit.compliance import figures as compliance
    from pmokit.delivery import figures as delivery
    from pmokit.events import figures as events
    from pmokit.rollout import figures as rollout
    from pmokit.status import figures as status
    from pmokit.survey import figures as survey
    from pmokit.workspace import figures as workspace

    modules = {
        "compliance": compliance,
        "delivery": delivery,
        "events": events,
        "rollout": rollout,
        "status": status,
        "survey": survey,
        "workspace": workspace,
    }
    functions = {
        f"{area}.{name}"
        for area, module in modules.items()
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_")
    }
    assert functions == set(CHARTS)


# --------------------------------------------------------------------------------------- each check can fail
@pytest.fixture
def figure():
    fig, ax = plt.subplots(figsize=(6, 4))
    yield fig, ax
    plt.close(fig)


def test_image_check_catches_a_tall_image() -> None:
    """A 4 x 40 inch figure (one bar per site for 1,500 sites) is 8,800 px high at 220 dpi."""
    fig = plt.figure(figsize=(4, 40))
    fig.add_subplot().plot([0, 1])
    try:
        problems = image_problems(charts.render_chart(fig))
    finally:
        plt.close(fig)
    assert any("px high" in p for p in problems)


def test_image_check_passes_a_small_image(figure) -> None:
    fig, ax = figure
    ax.plot([0, 1])
    assert image_problems(charts.render_chart(fig)) == []  # 6 x 4 in at 220 dpi: 1,320 x 880 px at most


def test_tick_check_catches_crowded_labels(figure) -> None:
    """Eighty date labels written flat under a 6-inch axis (80 weekly snapshots, every one labelled)."""
    fig, ax = figure
    ax.plot(range(80), range(80))
    ax.set_xticks(range(80), [f"2027-01-{k:02d}" for k in range(80)])
    assert tick_label_collisions(fig)


def test_tick_check_passes_spaced_labels(figure) -> None:
    fig, ax = figure
    ax.plot(range(5), range(5))
    ax.set_xticks(range(5), list("ABCDE"))
    assert tick_label_collisions(fig) == []


def test_legend_check_catches_a_legend_over_the_bars(figure) -> None:
    """Two tall bars with a wide legend in the middle of the plot: the legend sits on the bars' tops."""
    fig, ax = figure
    ax.bar([0, 1], [10, 10], width=0.9)
    ax.plot([0, 1], [5, 5], label="a long legend label " * 3)
    ax.legend(loc="center")
    assert legend_cover(fig) > MAX_LEGEND_COVER


def test_legend_check_passes_a_legend_outside(figure) -> None:
    fig, ax = figure
    ax.plot([0, 1], [0, 1], label="line")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    assert legend_cover(fig) == 0.0


def test_clip_check_catches_a_cut_range(figure) -> None:
    """A bar of 120 % under an x range fixed at 0-100 (compliance bars with a capped axis)."""
    fig, ax = figure
    ax.barh([0, 1], [80, 120])
    ax.set_xlim(0, 100)
    assert clipped_data(fig)


def test_clip_check_passes_data_in_range(figure) -> None:
    fig, ax = figure
    ax.barh([0, 1], [80, 95])
    ax.set_xlim(0, 100)
    assert clipped_data(fig) == []


def test_text_check_catches_a_label_off_the_canvas(figure) -> None:
    """A note placed past the figure's right edge (figure coordinate 1.05: the layout cannot pull it in)."""
    fig, ax = figure
    fig.text(1.05, 0.5, "note beyond the edge")
    assert text_outside(fig)


def test_text_check_passes_text_inside(figure) -> None:
    fig, ax = figure
    ax.set_title("inside")
    ax.text(0.5, 0.5, "centre", transform=ax.transAxes)
    assert text_outside(fig) == []


# --------------------------------------------------------------------------------------- the caps the fixes added
def test_gantt_past_its_cap_draws_the_first_bars_and_says_so() -> None:
    """A region-and-month plan of 400 bars (40 regions over 10 months): the first 300 are drawn."""
    import pandas as pd

    from pmokit import report
    from pmokit.rollout import figures as rollout

    start = pd.date_range("2026-09-07", periods=400, freq="D")
    rows = pd.DataFrame(
        {"label": [f"bar {i}" for i in range(400)], "region": ["North"] * 400, "start": start, "end": start}
    )
    fig = rollout.gantt(rows, "Rollout plan (dates)")
    try:
        shown = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        text = report.figure_alt_text(fig)
        problems = image_problems(charts.render_chart(fig))
    finally:
        plt.close(fig)
    assert len(shown) == rollout.MAX_GANTT_BARS == 300
    assert shown[0] == "bar 0" and shown[-1] == "bar 299"
    assert "(first 300 of 400 bars)" in text
    assert "in 400 bars" in text and "the first 300 drawn" in text  # the message counts every bar
    assert problems == []


def test_survey_heatmap_past_its_cap_keeps_the_lowest_items() -> None:
    """40 items in 3 groups; Q7 is 0 % favourable everywhere: it is among the 30 kept and the message names it."""
    import pandas as pd

    from pmokit import report
    from pmokit.survey import figures as survey

    pct = pd.DataFrame(
        [[50.0 + i for i in range(40)]] * 3, index=["IT", "Ops", "HR"], columns=[f"Q{i}" for i in range(40)]
    )
    pct["Q7"] = 0.0
    fig = survey.group_heatmap(pct, "Favourable % by team")
    try:
        shown = [t.get_text() for t in fig.axes[0].get_xticklabels()]
        text = report.figure_alt_text(fig)
    finally:
        plt.close(fig)
    # kept: Q7 (mean 0) and Q0..Q29 but Q7 (means 50..79) = 30; dropped Q30..Q39 (means 80..89)
    assert len(shown) == survey.MAX_HEAT_ITEMS == 30
    assert "Q7" in shown and "Q29" in shown and "Q30" not in shown
    assert "(lowest 30 of 40 items)" in text
    assert "Lowest: IT on Q7 (0% favourable)" in text
