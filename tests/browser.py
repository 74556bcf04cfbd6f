"""Open reports in the system's headless Chromium with the network blocked (playwright-python,
never `playwright install`)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pmokit.render import CHROMIUM_ARGS, find_chromium


def chromium_or_skip() -> str:
    """The Chromium to use; in CI its absence is a failure, elsewhere a skip with the reason."""
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (.ci/run installs the Debian package)")
        pytest.skip("Chromium not installed (apt-get install chromium)")
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
