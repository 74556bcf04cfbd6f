"""Open reports in the system's headless Chromium with the network blocked (playwright-python,
never `playwright install`)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pmokit.render import CHROMIUM_ARGS, find_chromium

#: The reason every browser and PDF test gives when it skips; tests/conftest.py counts them by it.
CHROMIUM_MISSING = "chromium not found"
#: What to install, said once at the end of the session (``make install`` does it as root on Debian).
CHROMIUM_INSTALL = (
    "install with `sudo apt-get install chromium fonts-dejavu-core` (Debian/Ubuntu; `make install` does it as root), "
    "or install Chrome/Chromium and set PMOKIT_CHROMIUM to its path"
)


def chromium_or_skip() -> str:
    """The Chromium to use; in CI its absence is a failure, elsewhere a skip with the reason."""
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (`make install` installs the Debian package as root)")
        pytest.skip(f"{CHROMIUM_MISSING}; {CHROMIUM_INSTALL}")
    return path


@dataclass
class PageReport:
    """What happened while a page loaded."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    broken_images: int = 0
    images: int = 0
    xss_ran: bool = False
    text: str = ""


def open_page(browser, path: Path) -> PageReport:
    """Load one file, refusing (and noting) every request other than the file itself."""
    result = PageReport()
    target = Path(path).resolve().as_uri()
    page = browser.new_page()
    page.on("console", lambda msg: result.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: result.console_errors.append(str(exc)))

    def guard(route) -> None:
        url = route.request.url
        if url == target or url.startswith("data:"):
            route.continue_()
        else:
            result.requests.append(url)
            route.abort()

    page.route("**/*", guard)
    try:
        page.goto(target, wait_until="load")
        page.wait_for_timeout(300)  # let onerror handlers and late scripts fire, if any were injected
        result.images = page.evaluate("document.images.length")
        result.broken_images = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length"
        )
        result.xss_ran = bool(page.evaluate("window.__xss !== undefined"))
        result.text = page.inner_text("body")
    finally:
        page.close()
    return result


@dataclass
class Layout:
    """How a page lays out at one viewport size.

    ``page_overflow``: pixels the page scrolls sideways (0 when it fits); ``overflowing``: the start of
    the text of every element whose content is wider than its box or that reaches past the window's
    right edge (an element inside a box that scrolls sideways is allowed to).
    """

    width: int
    page_overflow: int
    overflowing: list[str]


_LAYOUT_JS = """() => {
  const scrollsX = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if ((o === 'auto' || o === 'scroll') && a.scrollWidth > a.clientWidth) return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.display === 'inline' || el.closest('svg, style, script')) continue;
    const wider = el.scrollWidth > el.clientWidth + 1 && !['auto', 'scroll'].includes(style.overflowX);
    const past = el.getBoundingClientRect().right > window.innerWidth + 1;
    if ((wider || past) && !scrollsX(el)) found.push(el.tagName + ': ' + (el.textContent || '').trim().slice(0, 60));
  }
  return {overflow: document.scrollingElement.scrollWidth - window.innerWidth, found};
}"""


def measure_layout(browser, path: Path, width: int, height: int, screenshot: Path | None = None) -> Layout:
    """Open ``path`` at ``width`` x ``height`` CSS pixels, measure sideways overflow, save a screenshot."""
    page = browser.new_page(viewport={"width": width, "height": height})
    target = Path(path).resolve().as_uri()
    page.route("**/*", lambda route: route.continue_() if route.request.url == target else route.abort())
    try:
        page.goto(target, wait_until="load")
        seen = page.evaluate(_LAYOUT_JS)
        if screenshot is not None:
            page.screenshot(path=str(screenshot), full_page=True)
    finally:
        page.close()
    return Layout(width, int(seen["overflow"]), list(seen["found"]))


#: axe-core impacts that fail the accessibility test (minor and moderate ones are reported, not failed).
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


@dataclass
class AxeViolation:
    """One axe-core rule a page breaks: its id, impact, help text and the first few offending elements."""

    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}, {len(self.targets)} nodes): {self.help}; e.g. {self.targets[:3]}"


def run_axe(browser, path: Path) -> list[AxeViolation]:
    """Open ``path`` with the network blocked and run the axe-core bundled in ``axe-playwright-python`` on it.

    axe is injected by ``page.evaluate`` (no request), so the same guard as :func:`open_page` holds.
    """
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    target = Path(path).resolve().as_uri()
    page.route("**/*", lambda route: route.continue_() if route.request.url == target else route.abort())
    try:
        page.goto(target, wait_until="load")
        response = Axe().run(page).response
    finally:
        page.close()
    found = []
    for rule in response["violations"]:
        targets = [" ".join(map(str, node.get("target", []))) for node in rule["nodes"]]
        found.append(AxeViolation(rule["id"], rule.get("impact") or "", rule.get("help", ""), targets))
    return found


class HeadlessBrowser:
    """One headless Chromium driven from a thread of its own.

    Playwright's sync API refuses to start in a thread whose event loop is running (which earlier
    in-process notebook runs can leave behind), and its objects must stay in the thread that made
    them: a single-worker pool gives both.
    """

    def __init__(self, executable: str):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="browser")
        self._pool.submit(self._start, executable).result()

    def _start(self, executable: str) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)

    def open(self, path: Path) -> PageReport:
        """Load a file and report what happened (see :func:`open_page`)."""
        return self._pool.submit(open_page, self._browser, path).result()

    def layout(self, path: Path, width: int, height: int, screenshot: Path | None = None) -> Layout:
        """Lay a file out at one viewport size (see :func:`measure_layout`)."""
        return self._pool.submit(measure_layout, self._browser, path, width, height, screenshot).result()

    def axe(self, path: Path) -> list[AxeViolation]:
        """Run axe-core on a file (see :func:`run_axe`)."""
        return self._pool.submit(run_axe, self._browser, path).result()

    def close(self) -> None:
        def stop() -> None:
            self._browser.close()
            self._pw.stop()

        self._pool.submit(stop).result()
        self._pool.shutdown()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    instance = HeadlessBrowser(chromium_or_skip())
    yield instance
    instance.close()
