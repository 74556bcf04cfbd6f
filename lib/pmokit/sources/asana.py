"""Asana project exports (project > Export > CSV).

Headers: ``Task ID, Created At, Completed At, Last Modified, Name, Section/Column, Assignee,
Assignee Email, Start Date, Due Date, Tags, Notes, Projects, Parent task`` then custom fields.
Older exports lack ``Section/Column``. A task is done when ``Completed At`` is set; otherwise its
section name decides between in progress and to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import map_columns, note_excel_mangling, parse_dates, read_table
from pmokit.sources.work_item_schema import category_from_name, finish_items, label_lists, preferred_aliases

ALIASES = {
    "id": ["Task ID"],
    "title": ["Name"],
    "created": ["Created At"],
    "resolved": ["Completed At"],
    "status": ["Section/Column", "Section"],
    "assignee": ["Assignee"],
    "started": ["Start Date"],
    "due": ["Due Date"],
    "tags": ["Tags"],
    "project": ["Projects"],
    "parent": ["Parent task", "Parent Task"],
}


def read_asana_csv(
    path: str | Path, *, columns: Mapping[str, str] | None = None, dq: DataQuality | None = None
) -> pd.DataFrame:
    """Read an Asana CSV export into the canonical work-item table.

    ``Start Date`` is a planned date in Asana, so ``started`` is only taken from it when the task
    is in progress or done and the date is not in the future of its completion.

    Parameters
    ----------
    path : str or Path
    columns : mapping, optional
        Canonical field -> header in this export (another language); tried before the usual header.
    dq : DataQuality, optional

    Raises
    ------
    InputError
        Missing ``Task ID``/``Created At``/``Name``, an empty export, or task ids that Excel turned
        into scientific notation (``7.18E+14``), which can no longer tell tasks apart.
    """
    path = Path(path)
    raw, _ = read_table(path, dq=dq)
    if raw.empty:
        raise InputError(path, "(rows)", "at least one task", "a header without task rows")
    found = map_columns(
        raw,
        path,
        ["id", "created", "title"],
        [k for k in ALIASES if k not in ("id", "created", "title")],
        aliases=preferred_aliases(ALIASES, columns),
    )
    mangled = note_excel_mangling(found["id"], path, "Task ID", None)
    if mangled:
        example = found["id"][found["id"].str.match(r"^\d(\.\d+)?E\+\d+$", case=False)].iloc[0]
        raise InputError(
            path,
            "Task ID",
            "Asana's 16-digit task ids (export again from Asana; do not re-save the CSV in Excel)",
            f"{mangled} id(s) in scientific notation such as {example!r}",
        )
    out = pd.DataFrame(index=raw.index)
    for col in ("id", "title", "assignee", "parent"):
        out[col] = found[col] if col in found else None
    for col in ("created", "resolved", "started", "due"):
        out[col] = parse_dates(found[col], path, ALIASES[col][0], dq=dq) if col in found else pd.NaT
    section = found["status"] if "status" in found else pd.Series("", index=raw.index)
    section = section.astype("string").replace({"(no section)": ""}).fillna("")
    done = out["resolved"].notna()
    out["status"] = section.where(~done, "Completed").replace("", "Open")
    out["status_category"] = [
        ("done" if d else (c if c != "done" else "in progress")) for d, c in zip(done, section.map(category_from_name))
    ]
    out["category_guessed"] = ~done  # open tasks: from the section's name; done: Asana's Completed At
    out["started"] = out["started"].where(out["status_category"] != "to do")
    out["project"] = found["project"].astype("string").str.split(",").str[0] if "project" in found else path.stem
    out["labels"] = label_lists(found.get("tags"), ",", len(raw))
    out["type"] = "Task"
    out["source"] = f"Asana CSV ({path.name})"
    if dq is not None and "status" not in found:
        dq.add(
            path,
            "Section/Column",
            "column absent (older export)",
            "open tasks counted as to do",
            rows=int((~done).sum()),
        )
    return finish_items(out)
