"""The bundled batch as the tests see it: run once per session (tests/conftest.py), then only read."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from pmokit import runfolder


@dataclass
class Batch:
    """The bundled batch, run once per test session (as ``make reports`` runs it, with PDFs)."""

    out: Path
    code: int

    def folder(self, label: str) -> Path:
        """The run folder of ``<workbook>/<run>``; fails the test when that run did not succeed."""
        folder = self.out / label
        run = runfolder.read(folder)
        if run is None or not run.succeeded:
            failed = runfolder.read(runfolder.failed_folder(folder))
            error = failed.run.get("error") if failed else "no run folder"
            pytest.fail(f"bundled run {label} did not succeed: {error}")
        return folder

    def metrics(self, label: str) -> dict:
        return json.loads((self.folder(label) / runfolder.METRICS_FILE).read_text(encoding="utf-8"))


def run_bundled_batch(out: Path, pdf: bool = True) -> int:
    """Run every bundled params file into ``out`` (``PMOKIT_TEST_TARGETS`` narrows it while developing)."""
    from pmokit import cli

    targets = os.environ.get("PMOKIT_TEST_TARGETS", "").split()
    return cli.main(["run", "--quiet", "--out", str(out), "--jobs", "2", *(["--pdf"] if pdf else []), *targets])
