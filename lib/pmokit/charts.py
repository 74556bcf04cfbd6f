"""One look for every report: theme, colour-blind-safe palette, fixed RAG colours, and text read as text.

Two settings hold for every chart pmokit draws, from the moment this module is imported (every area's
``figures`` module imports it), theme or not:

- names are text, never markup: ``text.parse_math`` is off, so a label such as ``Team $$ pay`` or
  ``Cost $\\foo$ x`` is drawn as written instead of failing as mathtext;
- glyphs fall back font by font: the family list is DejaVu Sans then an installed CJK font, so a Japanese,
  Chinese or Korean name is drawn with the CJK font and everything else with DejaVu Sans (matplotlib >= 3.6
  falls back per glyph along ``font.family``). ``make install`` provides the CJK font (README, Install).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib import font_manager
from PIL import Image

from pmokit import bands

#: Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

#: RAG colours mean the same in every report (defined with the bands that produce them).
RAG_COLOURS = bands.RAG_COLOURS

#: Sequential diverging colours for Likert-like scales (unfavourable -> favourable).
DIVERGING = ["#B2182B", "#EF8A62", "#D9D9D9", "#67A9CF", "#2166AC"]

#: The font for Latin, Greek and Cyrillic text (ships with matplotlib, so always present).
BASE_FONT = "DejaVu Sans"

#: Fonts covering Chinese, Japanese and Korean, in order of preference: the Debian/Ubuntu package
#: ``fonts-noto-cjk`` (what ``make install`` installs), then what macOS and Windows ship.
CJK_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans JP",
    "Source Han Sans",
    "Source Han Sans JP",
    "IPAexGothic",
    "IPAGothic",
    "Hiragino Sans",
    "Yu Gothic",
    "Meiryo",
    "Microsoft YaHei",
    "PingFang SC",
    "Malgun Gothic",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)


@lru_cache(maxsize=1)
def cjk_fonts() -> tuple[str, ...]:
    """The installed fonts of :data:`CJK_FONTS` (family names as matplotlib knows them), best first.

    Empty when none is installed: CJK names then show as boxes and a data-quality line says so.
    """
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return tuple(name for name in CJK_FONTS if name in installed)


def font_families() -> list[str]:
    """The family list every chart uses: the base font, then the first installed CJK font (if any).

    Only installed names are listed: matplotlib logs a "font family not found" line for any other.
    """
    return [BASE_FONT, *cjk_fonts()[:1]]


def text_settings() -> dict[str, object]:
    """The rcParams that make every chart read names as plain text and fall back per glyph."""
    return {"text.parse_math": False, "font.family": font_families()}


def apply_text_settings() -> None:
    """Apply :func:`text_settings` to matplotlib's global rcParams (idempotent)."""
    mpl.rcParams.update(text_settings())


#: The report theme as plain rcParams: seaborn's ``whitegrid`` style in its ``notebook`` context (what
#: ``sns.set_theme(style="whitegrid")`` set, value for value), then pmokit's own sizes. Written out so that
#: a report does not import seaborn, whose import pulls in ``scipy.stats`` (about 0.4 s of every kernel).
THEME: dict[str, object] = {
    # seaborn whitegrid: light grid behind the data, no tick marks, soft dark-grey text
    "axes.axisbelow": True,
    "axes.edgecolor": ".8",
    "axes.facecolor": "white",
    "axes.grid": True,
    "axes.labelcolor": ".15",
    "figure.facecolor": "white",
    "grid.color": ".8",
    "grid.linestyle": "-",
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "text.color": ".15",
    "xtick.bottom": False,
    "xtick.color": ".15",
    "xtick.direction": "out",
    "xtick.top": False,
    "ytick.color": ".15",
    "ytick.direction": "out",
    "ytick.left": False,
    "ytick.right": False,
    # seaborn notebook context at font_scale 1.0
    "font.size": 12.0,
    "axes.labelsize": 12.0,
    "axes.titlesize": 12.0,
    "xtick.labelsize": 11.0,
    "ytick.labelsize": 11.0,
    "legend.fontsize": 11.0,
    "legend.title_fontsize": 12.0,
    "axes.linewidth": 1.25,
    "grid.linewidth": 1.0,
    "lines.linewidth": 1.5,
    "lines.markersize": 6.0,
    "patch.linewidth": 1.0,
    "xtick.major.width": 1.25,
    "ytick.major.width": 1.25,
    "xtick.minor.width": 1.0,
    "ytick.minor.width": 1.0,
    "xtick.major.size": 6.0,
    "ytick.major.size": 6.0,
    "xtick.minor.size": 4.0,
    "ytick.minor.size": 4.0,
    # pmokit
    "axes.prop_cycle": cycler(color=PALETTE),
    "figure.figsize": (9, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.autolayout": True,
}


def set_theme() -> None:
    """Apply the report theme (:data:`THEME`: a white grid, Okabe-Ito palette, readable sizes) and the text settings."""
    mpl.rcParams.update(THEME)
    apply_text_settings()


#: Screen resolution of the report's figures: a 9-inch chart is 990 CSS pixels wide on the page.
DISPLAY_DPI = 110

#: Resolution the figures are drawn at: twice the screen's, so each CSS pixel has two device pixels on a
#: retina screen and a full-width chart prints at about 290 dpi on A4.
FIGURE_DPI = 2 * DISPLAY_DPI

#: A figure larger than this (in pixels at :data:`FIGURE_DPI`) is drawn at a lower resolution, never below
#: :data:`DISPLAY_DPI`: a 61 x 40 heat map would otherwise be 13 million pixels on its own.
MAX_FIGURE_PIXELS = 8_000_000

#: Colours of a chart's palette: charts are flat colours plus anti-aliased edges, which 256 colours hold
#: without visible change (a PNG palette holds at most 256).
PALETTE_COLOURS = 256

#: WebP effort (0-6): 2 is within 1 % of the smallest file at a fraction of the time of 4 to 6.
WEBP_METHOD = 2


@dataclass(frozen=True)
class Chart:
    """A figure drawn once, in the two encodings pmokit needs.

    Attributes
    ----------
    png : bytes
        Palette PNG with its resolution: the file in the run folder (decks, downloads).
    webp : bytes
        The same pixels as a lossless WebP (about 40 % smaller than the PNG): what the report embeds.
    width : int
        Width in CSS pixels to show it at (:data:`DISPLAY_DPI`): half its pixel width for a 2x figure.
    """

    png: bytes
    webp: bytes
    width: int


def figure_dpi(fig) -> float:
    """The resolution to draw ``fig`` at: :data:`FIGURE_DPI`, lowered for a figure over :data:`MAX_FIGURE_PIXELS`."""
    width, height = fig.get_size_inches()
    fits = math.sqrt(MAX_FIGURE_PIXELS / max(width * height, 1e-9))
    return max(DISPLAY_DPI, min(FIGURE_DPI, fits))


def render_chart(fig) -> Chart:
    """Draw a figure once (at :func:`figure_dpi`, margins trimmed to the drawing) and encode it as a :class:`Chart`."""
    buffer = io.BytesIO()
    dpi = figure_dpi(fig)
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    buffer.seek(0)
    with Image.open(buffer) as image:
        return _chart(image, dpi)


def chart_from_png(png: bytes) -> Chart:
    """A :class:`Chart` of a PNG another run saved, shown at its size in :data:`DISPLAY_DPI` (from its own dpi)."""
    with Image.open(io.BytesIO(png)) as image:
        dpi = float(image.info.get("dpi", (DISPLAY_DPI, DISPLAY_DPI))[0] or DISPLAY_DPI)
        return _chart(image, dpi, png=png if image.mode == "P" else None)


def _chart(image: Image.Image, dpi: float, png: bytes | None = None) -> Chart:
    paletted = palette_image(image)
    if png is None:
        out = io.BytesIO()
        # zlib level 6: level 9 saves a fifth of a file nobody downloads over a network, at four times the time
        paletted.save(out, format="PNG", compress_level=6, dpi=(round(dpi), round(dpi)))
        png = out.getvalue()
    webp = io.BytesIO()
    paletted.save(webp, format="WEBP", lossless=True, quality=100, method=WEBP_METHOD)
    width = max(1, round(image.width * DISPLAY_DPI / dpi))
    return Chart(png=png, webp=webp.getvalue(), width=width)


def palette_image(image: Image.Image) -> Image.Image:
    """The image with a palette of :data:`PALETTE_COLOURS` colours, without dithering (flat areas stay flat).

    An opaque image (every chart on the theme's white background) is quantised as RGB; one with transparent
    parts keeps its alpha in the palette. An image that already has a palette is returned as it is.
    """
    if image.mode == "P":
        return image
    opaque = image.mode != "RGBA" or image.getchannel("A").getextrema()[0] == 255
    source = image.convert("RGB") if opaque else image
    quantised = source.quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    return _exact_colours(quantised, source) if opaque else quantised


#: Every n-th pixel is enough to find the commonest colours (a prime step: no alignment with the rows).
_SAMPLE_STEP = 7


def _exact_colours(quantised: Image.Image, source: Image.Image) -> Image.Image:
    """Give each palette entry the commonest exact colour of the pixels it stands for.

    The octree averages a cluster, so the white background became (254, 254, 254) and each RAG colour moved
    by a level; with the commonest colour, flat areas (background, bars, RAG cells) keep their exact colour and
    only anti-aliased edges are approximated.
    """
    entries = np.asarray(quantised).ravel()[::_SAMPLE_STEP].astype(np.int64)
    rgb = np.asarray(source).reshape(-1, 3)[::_SAMPLE_STEP].astype(np.int64)
    keys = (entries << 24) | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
    found, counts = np.unique(keys, return_counts=True)
    order = np.lexsort((counts, found >> 24))  # by entry, then count: the last of each entry is its commonest
    found = found[order]
    last = np.r_[found[1:] >> 24 != found[:-1] >> 24, True]
    palette = np.array(quantised.getpalette("RGB"), dtype=np.int64).reshape(-1, 3)
    for key in found[last]:
        palette[key >> 24] = ((key >> 16) & 255, (key >> 8) & 255, key & 255)
    quantised.putpalette(palette.astype(np.uint8).ravel().tolist(), "RGB")
    return quantised


def annotate_cells(ax, image, values, fmt: str = "{:.0f}", fontsize: float = 6) -> None:
    """Write each finite value of a heat map drawn with ``ax.imshow`` in its cell, dark on light cells and
    white on dark ones (relative luminance above 0.408 takes dark text, as seaborn's heat maps do)."""
    for (row, col), value in np.ndenumerate(values):
        if np.isfinite(value):
            red, green, blue, _ = image.cmap(image.norm(value))
            linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
            luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
            colour = ".15" if luminance > 0.408 else "white"
            ax.text(col, row, fmt.format(value), ha="center", va="center", fontsize=fontsize, color=colour)


#: The figure attribute that holds the chart's message (see :func:`describe`).
ALT_ATTRIBUTE = "_pmokit_alt"


def describe(fig, message: str):
    """Store the chart's message (one short, data-derived sentence) on the figure and return the figure.

    The report's alt text is then "<title>: <message>" (:func:`pmokit.report.figure_alt_text`), so a
    reader who cannot see the chart still gets what it shows ("Compliance rose from 81.0% to 86.0% over
    12 snapshots"), not only what it is about. Whitespace is collapsed: alt text is one line.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> chart_message(describe(SimpleNamespace(), "Top signal:  inactive (41 sites) "))
    'Top signal: inactive (41 sites)'
    """
    setattr(fig, ALT_ATTRIBUTE, " ".join(str(message or "").split()))
    return fig


def chart_message(fig) -> str:
    """The message :func:`describe` stored on ``fig`` ("" when none was)."""
    return getattr(fig, ALT_ATTRIBUTE, "") or ""


#: Fills of RAG states in charts that show several states side by side (the status grid): the hues of
#: :data:`RAG_COLOURS`, each at its own lightness so that the states stay apart when the report is printed in
#: greyscale (at least 15 L* between any two once converted to grey: done 13, red 31, green 48, grey 64,
#: amber 84). Red is the contract's red; a word on a white label in each cell says the state as well.
RAG_FILLS = {"done": "#0A2350", "red": "#B2182B", "green": "#409342", "grey": "#9C9C9C", "amber": "#FFD060"}


def rag_colour(status: str | None) -> str:
    """Return the chart fill of a RAG status (case-insensitive, :data:`RAG_FILLS`); grey when unknown."""
    return RAG_FILLS.get(str(status or "").strip().lower(), RAG_FILLS["grey"])


# Every figures module imports this one: from then on, no chart can read a name as markup or lose a glyph
# that an installed font has, whether or not a report applied the theme (tests draw figures directly).
apply_text_settings()
