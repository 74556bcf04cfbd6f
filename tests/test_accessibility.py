"""Accessibility of what people open: axe-core (bundled in ``axe-playwright-python``) runs in headless
Chromium on every bundled run's report.html and on the index, and finds no serious or critical violation;
RAG states are spelled out in words, never carried by colour alone."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import BLOCKING_IMPACTS, browser  # noqa: F401  (session fixture)

from pmokit import runner
from pmokit.bands import LABELS, RAG_COLOURS
from pmokit.report import RAG_INK

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PARAMS_FILES = runner.find_params_files([])
PAGES = [f"{p.parent.name}/{p.stem}" for p in PARAMS_FILES] + ["index"]
#: Words a reader sees for each RAG state (pmokit.bands.LABELS and the state names themselves).
STATE_WORDS = re.compile(r"\b(" + "|".join(sorted({*LABELS, *LABELS.values()})) + r")\b", re.I)
#: Every colour a state is drawn in, as the markup writes it (bars keep bands' colours, text uses report's ink).
STATE_COLOURS = {c.lower() for c in (*RAG_COLOURS.values(), *RAG_INK.values())}
VOID_TAGS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@pytest.fixture(scope="session")
def batch(bundled_batch) -> tuple[Path, int]:
    """The session's one run of the bundled batch (tests/conftest.py)."""
    return bundled_batch.out, bundled_batch.code


def _page(out: Path, label: str) -> Path:
    path = out / "index.html" if label == "index" else out / label / "report.html"
    if not path.exists():
        pytest.skip(f"{label} not in this batch (PMOKIT_TEST_TARGETS narrows it)")
    return path


#: Moderate axe rules that fail the test too: two tables named alike ("Table", "Table") leave a screen-reader
#: user two identical landmarks to choose from (every table region gets its own name: report.region_label).
ALSO_BLOCKING_RULES = frozenset({"landmark-unique"})


def blocking_violations(violations: list) -> list:
    """The violations that fail a page: serious or critical ones, and the rules of :data:`ALSO_BLOCKING_RULES`."""
    return [v for v in violations if v.impact in BLOCKING_IMPACTS or v.rule in ALSO_BLOCKING_RULES]


@pytest.mark.parametrize("label", PAGES)
def test_axe_finds_no_serious_or_critical_violation(batch, browser, label: str) -> None:  # noqa: F811
    out, _ = batch
    violations = browser.axe(_page(out, label))
    blocking = blocking_violations(violations)
    assert not blocking, f"{label}: " + "; ".join(str(v) for v in blocking)


def test_axe_check_can_fail(browser, tmp_path: Path) -> None:  # noqa: F811
    """The check itself sees the faults it is meant to: grey-on-white text (contrast 1.6:1) and an image
    without alt text are both serious or critical in axe-core."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<p style="color:#ccc;background:#fff">faint</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "</main></body></html>",
        encoding="utf-8",
    )
    rules = {v.rule for v in browser.axe(page) if v.impact in BLOCKING_IMPACTS}
    assert {"color-contrast", "image-alt"} <= rules


def test_axe_check_fails_on_two_tables_named_alike(browser, tmp_path: Path) -> None:  # noqa: F811
    """Two scrolling table regions both labelled "Table" (the survey report's shape before the fix) fail the
    page (axe-core's moderate ``landmark-unique``); named by their captions they pass."""

    def page(first: str, second: str) -> Path:
        regions = "".join(
            f"<div class='table-wrap' tabindex='0' role='region' aria-label='{name}'><table><caption>{name}</caption>"
            "<tr><th>Item</th></tr><tr><td>1</td></tr></table></div>"
            for name in (first, second)
        )
        path = tmp_path / f"{first}-{second}.html".replace(" ", "_")
        path.write_text(
            f'<!doctype html><html lang="en"><head><title>t</title></head><body><main>{regions}</main></body></html>',
            encoding="utf-8",
        )
        return path

    assert {v.rule for v in blocking_violations(browser.axe(page("Table", "Table")))} == {"landmark-unique"}
    assert blocking_violations(browser.axe(page("Response rates", "Items"))) == []


class _StateColourScan(HTMLParser):
    """Collect each element whose inline style names a RAG colour, with its own and its parent's text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[dict] = []  # open elements: {"tag", "coloured", "text": list[str]}
        self.found: list[tuple[str, list[str], list[str]]] = []  # (start tag, its text, its parent's text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        style = (dict(attrs).get("style") or "").lower()
        coloured = any(colour in style for colour in STATE_COLOURS)
        element = {"tag": tag, "coloured": coloured, "text": [], "start": self.get_starttag_text() or tag}
        if tag in VOID_TAGS:
            self._close(element)
        else:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            element = self.stack.pop()
            self._close(element)
            if element["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element["text"].append(data)

    def _close(self, element: dict) -> None:
        if element["coloured"]:  # the parent's text is read after the whole page: a word may follow a swatch
            self.found.append((element["start"], element["text"], self.stack[-1]["text"] if self.stack else []))


def colour_only_states(markup: str) -> list[str]:
    """Start tags of elements coloured by RAG state with no state word in them or their parent."""
    scan = _StateColourScan()
    scan.feed(markup)
    scan.close()
    return [start[:100] for start, own, parent in scan.found if not STATE_WORDS.search(" ".join(own + parent))]


def test_colour_only_check_can_fail() -> None:
    """A hand-made red cell with a number in it (the colour is the only sign of the state) is caught; the
    same cell saying RED, and a bare swatch beside its word (index.rag_badge's shape), are not."""
    red = RAG_COLOURS["red"]
    assert colour_only_states(f"<table><tr><td style='background:{red}'>42</td></tr></table>") != []
    assert colour_only_states(f"<table><tr><td style='background:{red}'>red</td></tr></table>") == []
    assert colour_only_states(f"<span><i style='background:{red}'></i>RED</span>") == []


@pytest.mark.parametrize("label", PAGES)
def test_rag_state_never_by_colour_alone(batch, label: str) -> None:
    """Every tile, verdict, table cell and swatch the page colours by RAG state also says the state in words
    (in itself or beside it), so it reads in greyscale print and for colour-blind readers."""
    out, _ = batch
    missing = colour_only_states(_page(out, label).read_text(encoding="utf-8"))
    assert not missing, f"{label}: coloured by state with no state word: {missing[:5]}"
