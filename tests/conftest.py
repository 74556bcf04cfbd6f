"""Shared test fixtures, and the one run of the bundled batch that every end-to-end test reads."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from batch import Batch, run_bundled_batch
from browser import CHROMIUM_INSTALL, CHROMIUM_MISSING

from pmokit.render import find_chromium

ROOT = Path(__file__).resolve().parents[1]
SHARED_SAMPLES = ROOT.parent / "shared" / "samples"
OUTPUTS_BEFORE = pytest.StashKey[set]()


def _outputs_listing() -> set[str]:
    return {str(p.relative_to(ROOT)) for p in (ROOT / "outputs").rglob("*")}


def pytest_configure(config) -> None:
    """Notebooks run by nbval write their run folder under a temporary folder, never into outputs/.

    Kernels inherit the environment, so ``PMOKIT_LAB_OUTPUT`` reaches :func:`pmokit.workbooks.lab_output_dir`.
    """
    os.environ.setdefault("PMOKIT_LAB_OUTPUT", tempfile.mkdtemp(prefix="pmokit-lab-"))
    config.stash[OUTPUTS_BEFORE] = _outputs_listing()


def pytest_sessionfinish(session, exitstatus) -> None:
    """`make test` writes nothing into the user's outputs/: a session that did fails."""
    before = session.config.stash.get(OUTPUTS_BEFORE, None)
    if before is None:
        return
    added = sorted(_outputs_listing() - before)
    if added:
        print(f"\nmake test wrote into outputs/: {added[:10]}")
        session.exitstatus = 1


def pytest_collection_modifyitems(config, items) -> None:
    """Without Chromium every browser and PDF test (marker ``browser``) skips with the reason.

    In CI (``CI`` set) they run and fail instead: there Chromium is part of the setup.
    """
    if find_chromium() is not None or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM_MISSING}; {CHROMIUM_INSTALL}")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter) -> None:
    """One visible line when tests skipped for want of Chromium: how many, and what to install."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if CHROMIUM_MISSING in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} browser/PDF tests skipped: {CHROMIUM_MISSING}; {CHROMIUM_INSTALL}", yellow=True, bold=True
        )


@pytest.fixture
def shared_samples() -> Path:
    """The real exports in ``../shared/samples`` (beside the clone); skip when absent.

    A user's clone has no ``../shared``: those tests are skipped there, never faked.
    """
    if not SHARED_SAMPLES.is_dir():
        pytest.skip(f"real export samples not found at {SHARED_SAMPLES}")
    return SHARED_SAMPLES


@pytest.fixture
def root() -> Path:
    """The project root."""
    return ROOT


@pytest.fixture(scope="session")
def bundled_batch(tmp_path_factory) -> Batch:
    """Every params file under ``params/`` run once into a temporary folder; tests only read it.

    With PDFs when Chromium is there (as ``make pdf``); without it the PDF tests skip (see above).
    """
    out = tmp_path_factory.mktemp("outputs")
    return Batch(out, run_bundled_batch(out, pdf=find_chromium() is not None))
