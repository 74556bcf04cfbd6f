"""Reports print legibly in greyscale: RAG states never depend on hue (issue 14, item 6).

A report printed on an office black-and-white printer (or read by someone who sees no colour) turns every
colour into a grey. Three things must survive that:

- the state words (tiles: the word in the state's ink on the tile's #f5f7fa; tables: white on the ink)
  keep a WCAG contrast of at least 4.5:1 once both colours are grey;
- the fills of a chart that shows several states side by side (the status grid, ``charts.rag_colour``)
  stay at least 15 L* apart, so a red cell and a green one do not print as the same grey;
- on a bundled report rendered by headless Chromium and converted to greyscale with Pillow, the inks
  drawn on the page measure the same.

That every tile, badge and coloured cell also says its state in words is tested by
``tests/test_accessibility.py::test_rag_state_never_by_colour_alone``.

Greyscale is Pillow's ``convert("L")`` (ITU-R 601-2 luma, what a greyscale print or screenshot uses).
"""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from browser import browser  # noqa: F401  (session fixture)
from PIL import Image, ImageColor

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402

from pmokit import charts  # noqa: E402
from pmokit.bands import LABELS, RAG_COLOURS  # noqa: E402
from pmokit.report import RAG_INK  # noqa: E402
from pmokit.status import figures as status_figures  # noqa: E402

STATES = list(LABELS)  # green, amber, red, grey, done
#: The tiles' background (report.tiles) and the page's.
TILE_BACKGROUND, PAGE_BACKGROUND = "#f5f7fa", "#ffffff"
MIN_CONTRAST = 4.5  # WCAG AA for body text
MIN_LIGHTNESS_GAP = 15.0  # L* between two fills that must not print alike


def grey(colour: str | tuple[int, int, int]) -> int:
    """The grey level (0-255) Pillow turns a colour into."""
    rgb = ImageColor.getrgb(colour) if isinstance(colour, str) else colour
    return Image.new("RGB", (1, 1), rgb).convert("L").getpixel((0, 0))


def luminance(level: float) -> float:
    """WCAG relative luminance of a grey level (sRGB, 0-255)."""
    c = level / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def contrast(a: float, b: float) -> float:
    """WCAG contrast ratio of two grey levels."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def lightness(level: float) -> float:
    """CIE L* (0-100) of a grey level."""
    y = luminance(level)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def test_the_measures_by_hand() -> None:
    # black on white is 21:1; #767676 is the classic 4.5:1 grey; mid grey 119 is L* about 50
    assert contrast(0, 255) == pytest.approx(21.0)
    assert contrast(grey("#767676"), 255) == pytest.approx(4.54, abs=0.01)
    assert lightness(119) == pytest.approx(50.0, abs=0.5)
    # Pillow's luma: 0.299 R + 0.587 G + 0.114 B -> pure red 76, pure green 150
    assert (grey("#ff0000"), grey("#00ff00")) == (76, 150)


@pytest.mark.parametrize("state", STATES)
def test_state_words_keep_their_contrast_in_greyscale(state: str) -> None:
    """The state's ink as text on a tile and on the page, and white text on the ink (table cells)."""
    ink = grey(RAG_INK[state])
    assert contrast(ink, grey(TILE_BACKGROUND)) >= MIN_CONTRAST, f"{state} word on a tile"
    assert contrast(ink, grey(PAGE_BACKGROUND)) >= MIN_CONTRAST, f"{state} word on the page"
    assert contrast(grey("#ffffff"), ink) >= MIN_CONTRAST, f"white on a {state} cell"


def _close_pairs(colours: dict[str, str]) -> list[str]:
    found = []
    for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
        gap = abs(lightness(grey(ca)) - lightness(grey(cb)))
        if gap < MIN_LIGHTNESS_GAP:
            found.append(f"{a} {ca} / {b} {cb}: {gap:.1f} L*")
    return found


def test_chart_fills_stay_apart_in_greyscale() -> None:
    close = _close_pairs({state: charts.rag_colour(state) for state in STATES})
    assert not close, close


def test_the_check_can_fail() -> None:
    """The report's own hues print alike (green #1B7837 and red #B2182B are 5 L* apart once grey), and the
    pre-fix amber as text (#E08214 on white, 2.9:1 in colour) is below 4.5:1 in greyscale too."""
    close = _close_pairs(dict(RAG_COLOURS))
    assert any(pair.startswith("green") and "red" in pair for pair in close)
    assert contrast(grey("#E08214"), 255) < MIN_CONTRAST


def test_status_grid_prints_its_states_apart() -> None:
    """The status grid drawn with every state, converted to greyscale: each state's fill covers its cell
    (a grey level holding at least 2% of the image) and the five levels are 15 L* apart."""
    grid = pd.DataFrame(
        [["red", "green", "amber"], ["grey", "done", "green"]], index=["A", "B"], columns=["x", "y", "z"]
    )
    fig = status_figures.rag_grid(grid)
    chart = charts.render_chart(fig)
    plt.close(fig)
    with Image.open(io.BytesIO(chart.png)) as image:
        levels = np.asarray(image.convert("RGB").convert("L")).ravel()
    counts = np.bincount(levels, minlength=256) / levels.size
    fills = {state: grey(charts.rag_colour(state)) for state in STATES}
    for state, level in fills.items():
        assert counts[level] >= 0.02, f"{state} fill (grey {level}) covers {counts[level]:.1%} of the grid"
    values = sorted(lightness(v) for v in fills.values())
    assert min(b - a for a, b in zip(values, values[1:])) >= MIN_LIGHTNESS_GAP


# --------------------------------------------------------------------------------------- a bundled report
def _inks_used(markup: str) -> dict[str, str]:
    """The RAG inks the page draws state words in (tile text) or under white words (table cells)."""
    lowered = markup.lower()
    return {state: ink for state, ink in RAG_INK.items() if ink.lower() in lowered}


def test_bundled_report_in_greyscale(bundled_batch, browser, tmp_path: Path) -> None:  # noqa: F811
    """Each bundled report rendered by Chromium, its screenshot converted to greyscale: every ink the page
    uses for a state is drawn (its exact colour is on screen) and, once grey, keeps 4.5:1 against the
    tile background and against white."""
    reports = sorted(bundled_batch.out.glob("*/*/report.html"))
    if not reports:
        pytest.skip("no report in this batch")
    checked = 0
    problems = []
    for path in reports:
        inks = _inks_used(path.read_text(encoding="utf-8"))
        if not inks:
            continue
        shot = tmp_path / f"{path.parent.parent.name}.png"
        browser.layout(path, 1366, 900, screenshot=shot)
        with Image.open(shot) as image:
            rgb = np.asarray(image.convert("RGB")).reshape(-1, 3)
            levels = np.asarray(image.convert("RGB").convert("L")).ravel()
        for state, ink in inks.items():
            drawn = np.all(rgb == ImageColor.getrgb(ink), axis=1)
            if not drawn.any():
                problems.append(f"{path.parent.parent.name}: {state} ink {ink} used in the markup, not on screen")
                continue
            level = int(np.median(levels[drawn]))
            for background in (TILE_BACKGROUND, PAGE_BACKGROUND):
                ratio = contrast(level, grey(background))
                if ratio < MIN_CONTRAST:
                    problems.append(f"{path.parent.parent.name}: {state} (grey {level}) on {background}: {ratio:.2f}")
            checked += 1
    assert checked, "no bundled report shows a RAG state"
    assert not problems, problems
