"""Microsoft Planner exports (Export plan to Excel). *Layout unverified: no public real file.*

A few preamble rows (plan name, plan id, export date) sit above the header row
``Task ID, Task Name, Bucket Name, Progress, Priority, Assigned To, Created By, Created Date,
Start Date, Due Date, Is Recurring, Late, Completed Date, ...``. The reader finds the header row
instead of assuming how many preamble rows there are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import map_columns, parse_dates, read_table
from pmokit.sources.work_item_schema import finish_items, label_lists, preferred_aliases

ALIASES = {
    "id": ["Task ID"],
    "title": ["Task Name"],
    "bucket": ["Bucket Name"],
    "progress": ["Progress"],
    "assignee": ["Assigned To"],
    "created": ["Created Date"],
    "started": ["Start Date"],
    "due": ["Due Date"],
    "resolved": ["Completed Date"],
    "labels": ["Labels"],
}
_PROGRESS = {"not started": "to do", "in progress": "in progress", "completed": "done"}
_PREAMBLE_ROWS = 10


def read_planner_xlsx(
    path: str | Path, *, columns: Mapping[str, str] | None = None, dq: DataQuality | None = None
) -> pd.DataFrame:
    """Read a Planner "Export plan to Excel" workbook into the canonical work-item table.

    The plan name (first preamble row) becomes the project; ``Progress`` gives the category and
    the status; ``Assigned To`` and ``Labels`` are ``;``-joined.

    Parameters
    ----------
    path : str or Path
    columns : mapping, optional
        Canonical field -> header in this export (another language); tried before the usual header.
    dq : DataQuality, optional
    """
    path = Path(path)
    raw, headers = read_table(path, dq=dq)
    skip, plan = _header_offset(raw, headers[0], path)
    if skip:
        names = [str(v).strip() for v in raw.iloc[skip - 1].tolist()]
        raw = raw.iloc[skip:].set_axis(pd.Index(names, dtype=object), axis=1).reset_index(drop=True)
    if raw.empty:
        raise InputError(path, "(rows)", "at least one task", "a header without task rows")
    found = map_columns(
        raw,
        path,
        ["id", "title", "progress", "created"],
        [k for k in ALIASES if k not in ("id", "title", "progress", "created")],
        aliases=preferred_aliases(ALIASES, columns),
    )
    category = found["progress"].astype("string").str.strip().str.lower().map(_PROGRESS)
    unknown = category.isna()
    if dq is not None:
        dq.add(
            path,
            "Progress",
            "not one of Not started / In progress / Completed",
            "counted as to do",
            rows=int(unknown.sum()),
        )
    out = pd.DataFrame(index=raw.index)
    out["id"], out["title"] = found["id"], found["title"]
    out["status"] = found["progress"]
    out["status_category"] = category.fillna("to do")
    out["category_guessed"] = unknown  # an unknown Progress value is counted as to do, like an unknown name
    for col in ("created", "started", "resolved", "due"):
        out[col] = parse_dates(found[col], path, ALIASES[col][0], dq=dq) if col in found else pd.NaT
    out["started"] = out["started"].where(out["status_category"] != "to do")
    out["assignee"] = found["assignee"].astype("string").str.replace(";", ", ") if "assignee" in found else None
    out["labels"] = label_lists(found.get("labels"), ";", len(raw))
    out["type"] = found["bucket"] if "bucket" in found else "Task"
    out["project"] = plan or path.stem
    out["source"] = f"Planner ({path.name})"
    return finish_items(out)


def _header_offset(raw: pd.DataFrame, first: list[str], path: Path) -> tuple[int, str | None]:
    """Return (rows before the header, plan name) by looking for the ``Task ID`` header row."""
    if "task id" in [h.lower() for h in first]:
        return 0, None
    for i, row in enumerate(raw.head(_PREAMBLE_ROWS).itertuples(index=False)):
        if "task id" in [str(v).strip().lower() for v in row]:
            # The first preamble row is "Plan name", <name> (or just the name).
            values = [h for h in first if h]
            plan = (
                values[1]
                if len(values) > 1 and values[0].lower().startswith("plan")
                else (values[0] if values else None)
            )
            return i + 1, plan
    raise InputError(
        path,
        "Task ID",
        "a Planner export with a 'Task ID' header row in the first rows",
        f"first row {', '.join(h for h in first if h)[:120]!r}",
    )
