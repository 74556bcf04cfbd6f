"""The run folder as code: its file names, and reading one back.

Contract (README, "Run folders"): ``<out>/<workbook>/<run>/`` holds ``report.html``,
``report.ipynb``, ``metrics.json`` (flat ``{name: number | text | null}``), ``run.json``
(parameters, inputs with SHA-256, versions, commit, times, status, error), ``headline.png`` (the
key chart) and the workbook's artefacts. A run is executed in a hidden ``.<run>.tmp-*`` folder and
swapped in when complete; a failed run lands in ``<run>.failed/``. Working folders carry the
runner's process id (``.<run>.tmp-<pid>-<random>``), so a later batch can tell debris of a runner
that was killed outright from the folders of one still running. The runner, the index, the
status deck and the tests all use this module rather than spelling the names again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPORT_HTML = "report.html"
REPORT_IPYNB = "report.ipynb"
REPORT_PDF = "report.pdf"
METRICS_FILE = "metrics.json"
RUN_FILE = "run.json"
SOURCES_FILE = "sources.json"  # written by the notebook, folded into run.json by the runner
HEADLINE_PNG = "headline.png"
FAILED_SUFFIX = ".failed"
ARTEFACT_SUFFIXES = (".xlsx", ".csv", ".pptx", ".md")
SUCCEEDED, FAILED = "succeeded", "failed"


def is_work_folder(folder: Path) -> bool:
    """True for the runner's hidden working folders (``.<run>.tmp-*``, ``.<run>.old-*``)."""
    return folder.name.startswith(".")


_WORK_FOLDER = re.compile(r"^\.(?P<run>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-[0-9a-f]+$")


def work_folder(final: Path, kind: str) -> Path:
    """A new hidden working folder name beside ``final``: ``.<run>.<kind>-<pid>-<random>``.

    ``kind`` is ``tmp`` (a run being executed) or ``old`` (the previous report during the swap).
    """
    return final.parent / f".{final.name}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def work_folder_owner(folder: Path) -> tuple[str, str, int] | None:
    """``(run, kind, pid)`` of a working folder made by :func:`work_folder`, else None.

    Examples
    --------
    >>> work_folder_owner(Path("out/w/.ok.tmp-4242-0a1b2c3d"))
    ('ok', 'tmp', 4242)
    >>> work_folder_owner(Path("out/w/ok")) is None
    True
    """
    match = _WORK_FOLDER.match(Path(folder).name)
    if not match:
        return None
    return match["run"], match["kind"], int(match["pid"])


def read_json(path: Path) -> Any:
    """The JSON in ``path``, or None when it is missing or unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None


@dataclass
class RunFolder:
    """One run folder read back: its ``run.json``, its ``metrics.json`` and its files."""

    path: Path
    run: dict[str, Any]
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def workbook(self) -> str:
        return str(self.run.get("workbook") or self.path.parent.name)

    @property
    def name(self) -> str:
        """The run's name: its params file's stem."""
        return str(self.run.get("run") or self.path.name)

    @property
    def label(self) -> str:
        return f"{self.workbook}/{self.name}"

    @property
    def status(self) -> str:
        return str(self.run.get("status", "")).lower()

    @property
    def succeeded(self) -> bool:
        return self.status == SUCCEEDED

    @property
    def end(self) -> dt.datetime | None:
        """When the run ended (timezone-aware), from ``run.json``."""
        value = self.run.get("end") or self.run.get("start")
        try:
            stamp = dt.datetime.fromisoformat(str(value))
        except (TypeError, ValueError):
            return None
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)

    def charts(self) -> list[Path]:
        """Its PNG charts, ``headline.png`` first."""
        pngs = sorted(self.path.glob("*.png"), key=lambda p: p.name)
        return sorted(pngs, key=lambda p: p.name != HEADLINE_PNG)

    @property
    def headline_chart(self) -> Path | None:
        """``headline.png`` if the run saved one, else its first chart, else None."""
        charts = self.charts()
        return charts[0] if charts else None

    def artefacts(self) -> list[Path]:
        """The report files that exist, then the workbook's artefacts (``.xlsx``, ``.csv``...)."""
        reports = [self.path / n for n in (REPORT_HTML, REPORT_PDF, REPORT_IPYNB) if (self.path / n).exists()]
        return reports + sorted(p for p in self.path.iterdir() if p.suffix in ARTEFACT_SUFFIXES)


def read(folder: Path) -> RunFolder | None:
    """Read a run folder; None when it has no readable ``run.json``."""
    folder = Path(folder)
    run = read_json(folder / RUN_FILE)
    if not isinstance(run, dict):
        return None
    metrics = read_json(folder / METRICS_FILE)
    return RunFolder(folder, run, metrics if isinstance(metrics, dict) else {})


def scan(out: Path, workbook: str = "*") -> list[RunFolder]:
    """Every run folder under ``out`` (of one workbook, or all), working folders left out, by path."""
    found = []
    for run_file in sorted(Path(out).glob(f"{workbook}/*/{RUN_FILE}")):
        if is_work_folder(run_file.parent):
            continue
        folder = read(run_file.parent)
        if folder is not None:
            found.append(folder)
    return found


def folder_for(out: Path, workbook: str, run: str) -> Path:
    """Where a run's folder is: ``<out>/<workbook>/<run>``."""
    return Path(out) / workbook / run


def failed_folder(final: Path) -> Path:
    """Where a failed run of ``final`` is kept: ``<run>.failed`` beside it."""
    return final.parent / (final.name + FAILED_SUFFIX)
