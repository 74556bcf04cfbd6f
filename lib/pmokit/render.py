"""Rendering of executed notebooks: offline HTML through the project's template, PDF via Chromium.

HTML is rendered in-process (``HTMLExporter`` costs about 0.05 s a notebook once loaded, the CLI about
1 s of start-up). PDF prints that same HTML with the system Chromium through playwright, one browser
reused for a whole batch; playwright never downloads a browser here.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_HELP = (
    "PDF needs Chromium, which was not found on PATH. Install it (Debian/Ubuntu: "
    "`sudo apt-get install chromium`; elsewhere: install Chrome or Chromium and put it on PATH, or set "
    "PMOKIT_CHROMIUM to its path). The HTML reports were still produced."
)

_local = threading.local()
_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def _exporter():
    """One exporter per thread: templates load once, rendering is then cheap."""
    if getattr(_local, "exporter", None) is None:
        _local.exporter = HTMLExporter(
            template_name="pmokit",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
    return _local.exporter


def render_html(notebook: nbformat.NotebookNode | str | Path, meta: dict[str, Any] | None = None) -> str:
    """Render an executed notebook as one self-contained, code-free HTML page.

    Parameters
    ----------
    notebook : NotebookNode or path
        The executed notebook.
    meta : dict, optional
        Header content: ``title``, ``verdict``, ``generated``, ``run``, ``inputs`` (list of
        ``{name, rows, sha256}``), ``params`` (``{name: value}``), ``notebook``, ``commit``, ``version``.

    Returns
    -------
    str
        The HTML page.
    """
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(str(notebook), as_version=4)
    nb = _without_inputs_only_cells(nb)
    meta = dict(meta or {})
    body, _ = _exporter().from_notebook_node(
        nb, resources={"pmokit": meta, "metadata": {"name": meta.get("title", "report")}}
    )
    if meta.get("title"):
        body = _drop_first_h1(body)
    return body.replace("<!--PMO-TOC-->", table_of_contents(body), 1)


def _without_inputs_only_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop code cells without outputs: with inputs hidden they would leave empty gaps."""
    copy = nbformat.from_dict(nb)
    copy.cells = [c for c in copy.cells if c.cell_type != "code" or c.get("outputs")]
    return copy


def _drop_first_h1(body: str) -> str:
    """The header already shows the title; the notebook's own first ``# Title`` would repeat it."""
    main = body.find("<main>")
    match = re.compile(r"<h1 id=[^>]*>.*?</h1>", re.S).search(body, main if main >= 0 else 0)
    return body[: match.start()] + body[match.end() :] if match else body


def table_of_contents(body: str) -> str:
    """Build a table of contents from the ``h2``/``h3`` headings nbconvert anchored."""
    items = []
    for level, anchor, inner in _HEADING.findall(body):
        text = html.unescape(_TAGS.sub("", inner)).replace("¶", "").strip()
        if text and level == "2":
            items.append(f'<li><a href="#{html.escape(anchor, quote=True)}">{html.escape(text)}</a></li>')
    if not items:
        return ""
    return f'<nav class="pmo-toc"><strong>Contents</strong><ol>{"".join(items)}</ol></nav>'


def find_chromium() -> str | None:
    """Return the path of a Chromium-family browser, or None."""
    if os.environ.get("PMOKIT_CHROMIUM"):
        return os.environ["PMOKIT_CHROMIUM"]
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM_ARGS = [
    "--no-sandbox",  # root in containers and CI cannot use the sandbox
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # no calls home: this machine's network is closed anyway
    "--disable-component-update",
    "--disable-sync",
]


class PdfPrinter:
    """Prints HTML files to PDF with one headless Chromium, network blocked.

    Use as a context manager; the browser starts on the first :meth:`print`.
    """

    def __init__(self, executable: str | None = None):
        self.executable = executable or find_chromium()
        self._pw = None
        self._browser = None

    def __enter__(self) -> "PdfPrinter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> None:
        if self.executable is None:
            raise RuntimeError(CHROMIUM_HELP)
        from playwright.sync_api import sync_playwright  # only when PDFs are asked for: no browser stack otherwise

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=self.executable, args=CHROMIUM_ARGS, headless=True)

    def print(self, html_path: Path, pdf_path: Path) -> Path:
        """Print one HTML file to ``pdf_path`` (A4, backgrounds on), refusing any network request."""
        if self._browser is None:
            self._start()
        page = self._browser.new_page()
        try:
            page.route(
                "**/*",
                lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort(),
            )
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            tmp = Path(pdf_path).with_suffix(".pdf.tmp")
            page.pdf(
                path=str(tmp),
                format="A4",
                print_background=True,
                margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
            )
            tmp.replace(pdf_path)
        finally:
            page.close()
        return Path(pdf_path)

    def close(self) -> None:
        """Close the browser and playwright."""
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._pw is not None:
            self._pw.stop()
            self._pw = None
