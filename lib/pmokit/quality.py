"""Data-quality log: what a reader dropped, repaired or doubted, shown in every report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

QUALITY_COLUMNS = ["file", "field", "problem", "action", "rows"]

#: How every report shows a missing value.
MISSING = "—"

# An absolute path (POSIX, home-relative or Windows) not inside a URL or a relative path; group 1 is its last part.
_PATH_CHARS = r"[^\s/\\\"'<>|,;()\[\]{}]"
_ABSOLUTE_PATH = re.compile(rf"(?<![\w.:/~\\])(?:~?/|[A-Za-z]:[\\/])(?:{_PATH_CHARS}+[\\/])+({_PATH_CHARS}*)")
_WARNING_WORD = re.compile(r"\b\w*Warning\b")


def public_text(text: str) -> str:
    """``text`` with every absolute path of this machine reduced to its file name.

    Examples
    --------
    >>> public_text("read /home/ana/exports/sites.csv and C:/Users/ana/plan.xlsx, see docs/a/b.md")
    'read sites.csv and plan.xlsx, see docs/a/b.md'
    """
    return _ABSOLUTE_PATH.sub(_last_part, str(text))


def _last_part(match: re.Match[str]) -> str:
    """The file name of a matched path, or its last folder's name when it ends with a separator."""
    return match.group(1) or [part for part in re.split(r"[\\/]", match.group(0)) if part][-1]


def warning_problem(message: object) -> str:
    """A Python warning's message as a data-quality line can show it: first line, no path, no class name.

    Examples
    --------
    >>> warning_problem("Glyph 12354 missing from font(s) DejaVu Sans.\\n  /tmp/x.py:3: UserWarning")
    'Glyph 12354 missing from font(s) DejaVu Sans.'
    """
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    first = lines[0] if lines else "(no message)"
    return _WARNING_WORD.sub("warning", public_text(first))


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
