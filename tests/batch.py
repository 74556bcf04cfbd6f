"""The bundled batch as the tests see it: run once per session (tests/conftest.py), then only read.

Under pytest-xdist (``make test`` runs the suite on every core) each worker is a process with its own
session fixtures: :func:`run_once` lets the first worker that asks run a batch and the others read it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

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


def run_once(
    config: pytest.Config, tmp_path_factory: pytest.TempPathFactory, name: str, produce: Callable[[Path], int]
) -> Batch:
    """``produce(out)`` run once per test session, however many xdist workers ask; its :class:`Batch`.

    The first worker to ask runs it into ``<session temp>/<name>/out`` while holding a file lock; the
    others wait on the lock, then read the folder and the exit code it left (pytest-xdist's documented
    "Making session-scoped fixtures execute only once"). Without xdist the session's own temporary
    folder holds it. ``produce`` must only write under ``out``: the tests that read it must not write.
    """
    base = tmp_path_factory.getbasetemp()
    if hasattr(config, "workerinput"):  # an xdist worker: the parent folder is the whole run's, shared
        base = base.parent
    folder = base / name
    done = folder / "exit_code"
    with FileLock(f"{folder}.lock"):
        if not done.is_file():
            folder.mkdir(exist_ok=True)
            done.write_text(str(produce(folder / "out")), encoding="utf-8")
    return Batch(folder / "out", int(done.read_text(encoding="utf-8")))
