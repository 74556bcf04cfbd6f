"""Rendering of executed notebooks: offline HTML through the project's template, PDF via Chromium.

HTML is rendered in-process (``HTMLExporter`` costs about 0.05 s a notebook once loaded, the CLI about
1 s of start-up). PDF prints that same HTML with the system Chromium through playwright, one browser
reused for a whole batch; playwright never downloads a browser here.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

from pmokit.quality import MISSING, public_text

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


#: nbconvert's order of preference for an output's formats, with the WebP charts of :mod:`pmokit.report`
#: first among images (nbconvert does not know WebP; the pmokit template draws it).
DISPLAY_PRIORITY = [
    "application/vnd.jupyter.widget-view+json",
    "application/javascript",
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "text/vnd.mermaid",
    "text/latex",
    "image/webp",
    "image/png",
    "image/jpeg",
    "text/plain",
]


def _exporter():
    """One exporter per thread: templates load once, rendering is then cheap."""
    if getattr(_local, "exporter", None) is None:
        _local.exporter = HTMLExporter(
            config=Config(
                {
                    "NbConvertBase": {"display_data_priority": DISPLAY_PRIORITY},
                    # its code-highlighting CSS (12 KiB of JupyterLab variables) serves code a report never shows
                    "CSSHTMLHeaderPreprocessor": {"enabled": False},
                }
            ),
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
    nb = _without_inputs_only_cells(_public_outputs(nb))
    meta = public_meta(meta or {})
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


def is_python_output(output: dict) -> bool:
    """Whether a cell output is the Python process talking rather than the report.

    Streams (``print``, warnings on stderr, library log lines) and results with nothing but a plain-text
    repr (``PosixPath('/tmp/...')`` left by a cell ending in ``report.save_figure(...)``, a dict) are the
    process's; the report speaks through HTML and images (``pmokit.report``).
    """
    kind = output.get("output_type")
    if kind == "stream":
        return True
    if kind in {"execute_result", "display_data"}:
        return set(output.get("data", {})) <= {"text/plain"}
    return False


def _public_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the notebook without the outputs :func:`is_python_output` names; the rest unchanged."""
    copy = nbformat.from_dict(nb)
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not is_python_output(o)]
    return copy


# run-folder plumbing, not a choice of the analyst: the header would only show a path of this machine
_HIDDEN_PARAMS = {"output_dir"}


def public_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The header's content as a reader should see it: no machine path, no ``null``, no JSON syntax.

    Parameters are shown as written values: a missing one as "—", a list joined with commas, a mapping as
    ``key: value`` pairs, and every absolute path as its file name (the data-sources table identifies each
    file by name and SHA-256).

    Examples
    --------
    >>> public_meta({"params": {"sites_path": "/home/ana/x/sites.csv", "columns": '{"a": "B"}', "x": "null"}})
    {'params': {'sites_path': 'sites.csv', 'columns': 'a: B', 'x': '—'}}
    """
    shown = dict(meta)
    if "params" in shown:
        shown["params"] = {
            key: param_text(value) for key, value in dict(shown["params"]).items() if key not in _HIDDEN_PARAMS
        }
    for key in ("title", "verdict", "run", "notebook"):
        if isinstance(shown.get(key), str):
            shown[key] = public_text(shown[key])
    return shown


def param_text(value: Any) -> str:
    """One parameter's value in words: JSON text is decoded, then lists and mappings spelled out.

    Examples
    --------
    >>> param_text('[{"start": "2026-12-14", "reason": "Freeze"}]'), param_text("true"), param_text(None)
    ('start: 2026-12-14, reason: Freeze', 'yes', '—')
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return public_text(value)
    return public_text(_spelled(value))


def _spelled(value: Any) -> str:
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_spelled(v)}" for k, v in value.items()) or MISSING
    if isinstance(value, (list, tuple)):
        items = [_spelled(v) for v in value]
        return ("; " if any(isinstance(v, dict) for v in value) else ", ").join(items) or MISSING
    return str(value)


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
