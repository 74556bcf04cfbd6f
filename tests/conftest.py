"""Shared test fixtures, and the one run of the bundled batch that every end-to-end test reads."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from batch import Batch, run_bundled_batch, run_once
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


#: Fixtures that run a batch of notebooks or drive Chromium: a file using one is a long piece of work.
HEAVY_FIXTURES = {"bundled_batch", "probed_batch", "browser"}


def _heavy(item) -> bool:
    """Whether ``item`` runs notebooks or a browser (nbval's notebook cells, e2e/browser tests, batch readers)."""
    marked = item.get_closest_marker("e2e") or item.get_closest_marker("browser")
    return bool(marked) or item.path.suffix == ".ipynb" or bool(HEAVY_FIXTURES & set(getattr(item, "fixturenames", ())))


def _heavy_files_first(items) -> None:
    """Order the files for the xdist workers, each file's tests kept in their order.

    ``make test`` hands whole files to the workers in this order (``--no-loadscope-reorder``). First one
    file that reads the bundled batch, so that one worker starts that batch at once; then the other long
    files (notebooks, browser), which need no batch and keep the other worker busy meanwhile; then the
    long files that read the batch; last the many short files, which fill the end evenly.
    """
    heavy = {item.path for item in items if _heavy(item)}
    readers = {item.path for item in items if "bundled_batch" in getattr(item, "fixturenames", ())}
    first = next((item.path for item in items if item.path in readers), None)

    def rank(item) -> int:
        if item.path == first:
            return 0
        if item.path in heavy:
            return 2 if item.path in readers else 1
        return 3

    items.sort(key=rank)  # stable: collection order within each rank


def pytest_collection_modifyitems(config, items) -> None:
    """Under xdist, the long files first; without Chromium every browser and PDF test (marker ``browser``)
    skips with the reason.

    In CI (``CI`` set) they run and fail instead: there Chromium is part of the setup.
    """
    if hasattr(config, "workerinput"):  # an xdist worker; plain `pytest` keeps the collection order
        _heavy_files_first(items)
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
def bundled_batch(pytestconfig, tmp_path_factory) -> Batch:
    """Every params file under ``params/`` run once into a temporary folder; tests only read it.

    With PDFs when Chromium is there (as ``make pdf``); without it the PDF tests skip (see above).
    Once per session even under pytest-xdist: the first worker runs it, the others read it (batch.run_once).
    """
    pdf = find_chromium() is not None
    return run_once(pytestconfig, tmp_path_factory, "shared-bundled", lambda out: run_bundled_batch(out, pdf=pdf))
