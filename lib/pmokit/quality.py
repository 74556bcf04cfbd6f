"""Data-quality log: what a reader dropped, repaired or doubted, shown in every report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

QUALITY_COLUMNS = ["file", "field", "problem", "action", "rows"]


@dataclass
class DataQuality:
    """Collects data-quality findings while inputs are read and cleaned.

    Readers take an optional ``dq`` argument and call :meth:`add` for every row they drop or repair,
    so the report can say what happened to the data instead of hiding it.

    Examples
    --------
    >>> dq = DataQuality()
    >>> dq.add("jira.csv", "Created", "unparseable date", "row dropped", rows=2)
    >>> dq.frame()["rows"].tolist()
    [2]
    """

    findings: list[dict] = field(default_factory=list)

    def add(self, file: str | Path | None, field: str, problem: str, action: str, rows: int = 1) -> None:
        """Record one finding (``rows`` rows affected); findings with zero rows are ignored."""
        if rows <= 0:
            return
        name = Path(file).name if file else ""
        self.findings.append({"file": name, "field": field, "problem": problem, "action": action, "rows": int(rows)})

    def extend(self, other: "DataQuality") -> None:
        """Append another log's findings."""
        self.findings.extend(other.findings)

    def frame(self) -> pd.DataFrame:
        """Return the findings as a table with the columns of ``QUALITY_COLUMNS``."""
        return pd.DataFrame(self.findings, columns=QUALITY_COLUMNS)

    def __len__(self) -> int:
        return len(self.findings)
