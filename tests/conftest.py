"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_SAMPLES = ROOT.parent / "shared" / "samples"


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
