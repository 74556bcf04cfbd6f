"""The snapshots a status run leaves in its run folder, for next week's comparison.

This week's canonical RAID log, milestones and the metrics collected from the workbook runs are
written as CSV (through :func:`pmokit.report.write_csv`: text neutralised against formula injection,
UTF-8 with a BOM, atomic); next week's run reads them back with
:func:`pmokit.sources.status_inputs.read_previous`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmokit import report
from pmokit.sources.status_inputs import SNAPSHOT_FILES


def _dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as ``YYYY-MM-DD`` (missing dates empty), so the CSV reads back unambiguously."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out


def write_snapshots(
    folder: str | Path, raid: pd.DataFrame, milestones: pd.DataFrame, workbook_metrics: pd.DataFrame
) -> list[Path]:
    """Save this week's RAID log, milestones and collected metrics as CSV in the run folder.

    Returns
    -------
    list of Path
        The three files, in the order of :data:`~pmokit.sources.status_inputs.SNAPSHOT_FILES`.
    """
    folder = Path(folder)
    frames = {"raid": raid, "milestones": milestones, "workbooks": workbook_metrics}
    return [
        report.write_csv(SNAPSHOT_FILES[key], _dates_as_text(frames[key]), directory=folder) for key in SNAPSHOT_FILES
    ]
