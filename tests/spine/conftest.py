"""Fixtures for the spine tests: the test-only probe workbook in a temporary project."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import probe  # noqa: E402  (registers the runner_probe params model)

#: The throwaway workbook's package sources: copied into a temporary site folder by the test, not collected.
collect_ignore = ["adding"]

XSS_ROWS = 'name,value\nA,1\n"<script>window.__xss=1</script>",2\n"<img src=x onerror=""window.__xss=1"">",3\n'


@pytest.fixture
def probe_project(tmp_path: Path) -> Path:
    """A folder with ``notebooks/runner_probe.ipynb`` and ``params/runner_probe/{ok,other}.yaml``."""
    (tmp_path / "notebooks").mkdir()
    probe.write_probe_notebook(tmp_path / "notebooks")
    params = tmp_path / "params" / "runner_probe"
    params.mkdir(parents=True)
    (params / "data.csv").write_text(XSS_ROWS, encoding="utf-8")
    (params / "ok.yaml").write_text("data_path: data.csv\n", encoding="utf-8")
    (params / "other.yaml").write_text("data_path: data.csv\nfactor: 3\n", encoding="utf-8")
    return tmp_path
