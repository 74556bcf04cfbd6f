"""Same inputs, same numbers: the bundled batch run a second time gives identical metrics.json."""

from __future__ import annotations

import json

import pytest
from batch import run_bundled_batch

from pmokit import runfolder

pytestmark = pytest.mark.e2e
#: Metrics that may differ between two runs by nature: the rollout solver's wall time (the plan it
#: finds does not depend on it: the search is bounded in deterministic time). Paths live in run.json.
VOLATILE = {"solve_seconds"}


def test_rerunning_the_bundled_batch_gives_identical_metrics(request, tmp_path) -> None:
    again = tmp_path / "again"
    assert run_bundled_batch(again, pdf=False) == 0
    # the session's batch asked for only now: under xdist another worker may be running it meanwhile
    bundled_batch = request.getfixturevalue("bundled_batch")
    first = {f.label: f for f in runfolder.scan(bundled_batch.out)}
    second = {f.label: f for f in runfolder.scan(again)}
    assert first.keys() == second.keys() and first
    for label, run in first.items():
        before = {k: v for k, v in run.metrics.items() if k not in VOLATILE}
        after = {k: v for k, v in second[label].metrics.items() if k not in VOLATILE}
        changed = {
            k: (before.get(k), after.get(k)) for k in before.keys() | after.keys() if before.get(k) != after.get(k)
        }
        assert changed == {}, f"{label}: {json.dumps(changed, default=str)[:500]}"
        # byte for byte (order of keys and number formatting included), timing lines aside
        assert _stable_lines(run.path) == _stable_lines(second[label].path), label


def _stable_lines(folder) -> list[bytes]:
    """metrics.json's lines (one key per line), without the volatile ones."""
    lines = (folder / runfolder.METRICS_FILE).read_bytes().splitlines()
    return [line for line in lines if not any(line.strip().startswith(f'"{k}":'.encode()) for k in VOLATILE)]
