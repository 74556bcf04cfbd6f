"""Reports stay light and quick to make: charts drawn once as small palette images, no seaborn or scipy in a
kernel that does not need them, the report theme without seaborn.

Before: every chart was drawn twice (``savefig`` for the PNG, then ``display(fig)`` drew it again), embedded as
a full-colour RGBA PNG at 110 dpi (blurred on a retina screen), beside 258 KiB of JupyterLab CSS; and every
kernel imported seaborn (and with it ``scipy.stats``) for the chart theme and one heat map.
"""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from pmokit import charts, report  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def started(tmp_path: Path) -> Path:
    return report.start(SimpleNamespace(output_dir=str(tmp_path / "run"), title="T"))


@pytest.fixture
def shown(monkeypatch) -> list:
    """What ``report`` displays (IPython display objects), instead of sending it to a kernel."""
    seen: list = []
    monkeypatch.setattr(report, "display", lambda obj: seen.append(obj))
    return seen


def _line_chart() -> Figure:
    """A small chart like the reports': a line, bars, a title, tick labels and a legend."""
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([0, 1, 2, 3], [1, 3, 2, 4], label="throughput")
    ax.bar([0, 1, 2, 3], [0.5, 1, 1.5, 1], color=charts.RAG_COLOURS["amber"], label="wip")
    ax.set_title("Weekly throughput")
    ax.legend()
    return fig


def _pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"), dtype=int)


class TestRenderOnce:
    def test_one_draw_saved_and_shown_then_closed(self, started: Path, shown: list, monkeypatch) -> None:
        """One ``savefig`` per figure; the page shows the very pixels of the saved PNG; the figure is closed."""
        calls = []
        original = Figure.savefig
        monkeypatch.setattr(Figure, "savefig", lambda fig, *a, **k: calls.append(1) or original(fig, *a, **k))
        fig = _line_chart()
        path = report.save_figure(fig, "chart.png")
        assert len(calls) == 1
        assert not plt.fignum_exists(fig.number)  # the kernel's end-of-cell hook has nothing left to draw
        (image,) = shown
        assert image.format == "webp"
        assert np.array_equal(_pixels(image.data), _pixels(path.read_bytes()))  # WebP is lossless

    def test_shown_at_half_its_pixels_with_its_title_as_alt(self, started: Path, shown: list) -> None:
        path = report.save_figure(_line_chart(), "chart.png")
        with Image.open(path) as saved:
            width, dpi = saved.width, saved.info["dpi"][0]
        # drawn at 2 x 110 = 220 dpi, shown at 110 dpi: half the pixel width, rounded
        assert round(dpi) == 220
        assert shown[0].width == round(width / 2)
        assert shown[0].alt == "Weekly throughput"

    def test_hidden_figure_is_saved_not_shown(self, started: Path, shown: list) -> None:
        report.save_headline(_line_chart(), show=False)
        assert shown == [] and (started / "headline.png").exists()

    def test_alt_text_prefers_the_suptitle_and_joins_axes_titles(self) -> None:
        fig, (left, right) = plt.subplots(1, 2)
        left.set_title("Plan")
        right.set_title("Actual\nto date")
        assert report.figure_alt_text(fig) == "Plan | Actual to date"
        fig.suptitle("Rollout")
        assert report.figure_alt_text(fig) == "Rollout"
        plt.close(fig)


class TestPalette:
    def test_saved_png_has_a_palette_and_looks_the_same(self) -> None:
        """The palette image differs from the full-colour drawing by less than one level in 255 on average."""
        fig = _line_chart()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=charts.figure_dpi(fig), bbox_inches="tight")
        chart = charts.render_chart(fig)
        plt.close(fig)
        with Image.open(io.BytesIO(chart.png)) as image:
            assert image.mode == "P"
        full, paletted = _pixels(buffer.getvalue()), _pixels(chart.png)
        assert full.shape == paletted.shape
        assert np.abs(full - paletted).mean() < 1.0

    def test_flat_colours_are_kept_exactly(self) -> None:
        """Fewer than 256 colours (the RAG colours on white, no anti-aliasing): every pixel unchanged."""
        colours = [(255, 255, 255), (27, 120, 55), (224, 130, 20), (178, 24, 43)]
        rows = np.array([[colours[(x // 10 + y // 10) % 4] for x in range(40)] for y in range(30)], dtype=np.uint8)
        paletted = charts.palette_image(Image.fromarray(rows, "RGB"))
        assert np.array_equal(np.asarray(paletted.convert("RGB")), rows)

    def test_background_and_bar_colours_stay_exact(self) -> None:
        """Anti-aliased charts have thousands of colours: the white background and the amber bars keep theirs."""
        fig = _line_chart()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=charts.figure_dpi(fig), bbox_inches="tight")
        plt.close(fig)
        with Image.open(buffer) as image:
            full = image.convert("RGB")
        assert len(full.getcolors(1 << 24)) > 256  # the case a palette has to approximate
        paletted = np.asarray(charts.palette_image(full).convert("RGB"))
        colours = {tuple(c) for c in paletted.reshape(-1, 3)}
        amber = tuple(int(charts.RAG_COLOURS["amber"][i : i + 2], 16) for i in (1, 3, 5))  # "#E08214" -> (224, 130, 20)
        assert (255, 255, 255) in colours and amber in colours
        assert tuple(paletted[0, 0]) == (255, 255, 255)  # a corner: background

    def test_webp_is_smaller_than_the_png(self) -> None:
        chart = charts.render_chart(_line_chart())
        plt.close("all")
        assert len(chart.webp) < len(chart.png)


class TestResolution:
    def test_an_ordinary_figure_is_drawn_at_twice_the_screen_dpi(self) -> None:
        fig = Figure(figsize=(9, 4.2))  # 9 x 4.2 in at 220 dpi = 1980 x 924 px = 1.8 Mpx, under the cap
        assert charts.figure_dpi(fig) == 220

    def test_a_huge_figure_is_capped(self) -> None:
        fig = Figure(figsize=(20, 15))  # 300 sq in; 8e6 px / 300 sq in = 26 667 px per sq in -> sqrt = 163.3 dpi
        assert charts.figure_dpi(fig) == pytest.approx(163.30, abs=0.01)

    def test_never_below_the_screen_dpi(self) -> None:
        fig = Figure(figsize=(60, 60))  # 3600 sq in: sqrt(8e6 / 3600) = 47 dpi, raised to 110
        assert charts.figure_dpi(fig) == 110

    def test_show_image_keeps_an_older_runs_png_at_its_size(self, shown: list, tmp_path: Path) -> None:
        """A headline.png of a run made before this change (RGBA, 110 dpi) is shown pixel for pixel."""
        old = tmp_path / "headline.png"
        Image.new("RGBA", (300, 100), (0, 114, 178, 255)).save(old, dpi=(110, 110))
        report.show_image(old)
        assert shown[0].width == 300
        assert np.array_equal(_pixels(shown[0].data), _pixels(old.read_bytes()))

    def test_show_image_of_a_new_png_is_shown_at_half(self, shown: list, tmp_path: Path) -> None:
        new = tmp_path / "headline.png"
        new.write_bytes(charts.render_chart(_line_chart()).png)
        plt.close("all")
        with Image.open(new) as image:
            width = image.width
        report.show_image(new)
        assert shown[0].width == round(width / 2)


class TestTheme:
    def test_theme_is_seaborn_whitegrid_value_for_value(self) -> None:
        """The written-out theme sets what ``sns.set_theme(style="whitegrid", palette=PALETTE)`` set."""
        sns = pytest.importorskip("seaborn")
        with matplotlib.rc_context():
            matplotlib.rcdefaults()
            sns.set_theme(style="whitegrid", palette=charts.PALETTE, font_scale=1.0)
            expected = dict(matplotlib.rcParams)
        with matplotlib.rc_context():
            matplotlib.rcdefaults()
            charts.set_theme()
            ours = dict(matplotlib.rcParams)
        # every value seaborn's style and context set, and its palette; pmokit sets its own fonts (text settings)
        # and a few sizes of its own on purpose
        # ("rocket", seaborn's default colormap, exists only once seaborn is imported; no pmokit chart uses it)
        keys = set(_seaborn_keys(sns)) - {"font.family", "font.sans-serif", "image.cmap"}
        differing = {k: (expected[k], ours[k]) for k in keys if expected[k] != ours[k]}
        assert _colours(expected["axes.prop_cycle"]) == _colours(ours["axes.prop_cycle"]) == _colours(charts.PALETTE)
        own = {"axes.titlesize", "axes.spines.top", "axes.spines.right"}
        assert set(differing) <= own, differing

    def test_report_import_loads_no_seaborn_scipy_or_openpyxl(self) -> None:
        """In a fresh interpreter: the report module, every drawing module and the theme, without those three."""
        code = (
            "import sys\n"
            "import pmokit.report, pmokit.compliance.figures, pmokit.delivery.figures, pmokit.rollout.figures\n"
            "import pmokit.status.figures, pmokit.workspace.figures, pmokit.charts\n"
            "pmokit.charts.set_theme()\n"
            "print(sorted(m for m in ('seaborn', 'scipy', 'openpyxl') if m in sys.modules))\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        assert out.stdout.strip() == "[]"

    def test_registry_does_not_import_the_solver(self) -> None:
        """Every notebook imports the workbook registry; only the rollout plan needs OR-Tools' CP-SAT."""
        code = (
            "import sys\nimport pmokit.workbooks\n"
            "print('ortools.sat.python.cp_model_helper' in sys.modules)\n"
            "from pmokit.rollout.plan import cp_model\n"
            "print(cp_model.CpModel.__name__, 'ortools.sat.python.cp_model_helper' in sys.modules)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        assert out.stdout.split() == ["False", "CpModel", "True"]


def _colours(cycle) -> list[tuple[float, ...]]:
    """Colours as RGBA tuples, from a colour cycle or a list (seaborn gives tuples, pmokit hex strings)."""
    items = [entry["color"] for entry in cycle] if hasattr(cycle, "by_key") else list(cycle)
    return [matplotlib.colors.to_rgba(c) for c in items]


def _seaborn_keys(sns) -> list[str]:
    """The rcParams seaborn's whitegrid style and notebook context set."""
    return [*sns.axes_style("whitegrid"), *sns.plotting_context("notebook")]


class TestHeatmap:
    def test_cells_are_annotated_dark_on_light_and_white_on_dark(self) -> None:
        from pmokit.rollout import figures

        util = pd.DataFrame([[0.1, 0.95]], index=["EMEA"], columns=pd.date_range("2026-11-02", periods=2, freq="7D"))
        fig = figures.utilisation_heatmap(util)
        ax = fig.axes[0]
        texts = {t.get_text(): t.get_color() for t in ax.texts}
        plt.close(fig)
        # 0.1 -> "10": Blues is near white there (dark text); 0.95 -> "95": dark blue (white text)
        assert texts == {"10": ".15", "95": "white"}
        assert [t.get_text() for t in ax.get_xticklabels()] == ["02 Nov", "09 Nov"]

    def test_no_annotation_over_forty_weeks(self) -> None:
        from pmokit.rollout import figures

        util = pd.DataFrame([[0.5] * 41], index=["EMEA"], columns=pd.date_range("2026-01-05", periods=41, freq="7D"))
        fig = figures.utilisation_heatmap(util)
        assert len(fig.axes[0].texts) == 0
        plt.close(fig)


class TestTables:
    def test_alignment_by_class_not_per_cell_style(self) -> None:
        markup = report.table_html(pd.DataFrame({"name": ["a", "b"], "n": [1, 2]}))
        assert "text-align" not in markup
        assert markup.count("<td class='n'>") == 2 and "<td>a</td>" in markup


def test_rendered_page_has_only_pmokit_css(tmp_path: Path) -> None:
    """The page's CSS is pmokit.css alone (a few KiB), not JupyterLab's; a chart is an img with width and alt."""
    import re

    import nbformat

    from pmokit.render import render_html

    chart = charts.render_chart(_line_chart())
    plt.close("all")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/webp": base64.b64encode(chart.webp).decode(), "text/plain": "<Image>"},
            metadata={"image/webp": {"width": chart.width, "alt": 'Cost "A" <b>'}},
        )
    ]
    nb.cells.append(cell)
    page = render_html(nb)
    styles = re.findall(r"<style[^>]*>(.*?)</style>", page, re.S)
    css = (ROOT / "lib/pmokit/templates/pmokit/pmokit.css").read_text(encoding="utf-8")
    assert len(styles) == 1 and styles[0].strip() == css.strip()
    assert "--jp-" not in page  # no JupyterLab theme variable anywhere
    (img,) = re.findall(r"<img[^>]*>", page)
    assert "data:image/webp;base64," in img and f'width="{chart.width}"' in img
    assert "alt='Cost \"A\" &lt;b&gt;'" in img or 'alt="Cost &quot;A&quot; &lt;b&gt;"' in img
