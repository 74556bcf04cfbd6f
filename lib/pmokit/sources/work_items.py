"""One work-item table from Jira, Asana, Trello and Planner exports.

Every reader of a work-tracking tool returns the same two canonical frames, so that the delivery
analysis never needs to know which tool the data came from:

- items: one row per work item with :data:`ITEM_COLUMNS`;
- transitions: one row per status change (:data:`TRANSITION_COLUMNS`), empty when the export has
  no history (Jira CSV, Asana, Planner).

:func:`read_work_items` detects the layout of each file and concatenates them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality

#: The canonical work-item columns, in order.
ITEM_COLUMNS = [
    "id",
    "title",
    "type",
    "project",
    "status",
    "status_category",
    "created",
    "started",
    "resolved",
    "due",
    "assignee",
    "parent",
    "sprints",
    "estimate",
    "labels",
    "source",
]
#: The canonical status-transition columns.
TRANSITION_COLUMNS = ["id", "at", "from_status", "to_status", "source"]
#: The three status categories (Jira's names, lower case).
CATEGORIES = ("to do", "in progress", "done")

_FULL_CHECK_BYTES = 2_000_000
_DATE_COLUMNS = ("created", "started", "resolved", "due")
_TEXT_COLUMNS = ("id", "title", "type", "project", "status", "status_category", "assignee", "parent", "source")

# Words that tools and teams use in status / list / column names. Used only when the export has no
# status category of its own (Trello lists, Asana sections, old Jira Server exports).
_DONE_WORDS = re.compile(r"\b(done|complete[d]?|closed|resolved|shipped|released|finished|deployed)\b", re.I)
_PROGRESS_WORDS = re.compile(
    r"\b(doing|in progress|progress|review|testing|test|qa|wip|active|develop(ment)?|build(ing)?|"
    r"implement(ing|ation)?|started)\b",
    re.I,
)


def category_from_name(name: str | None) -> str:
    """Guess the status category from a status, list or section name.

    Examples
    --------
    >>> [category_from_name(n) for n in ["Done", "Code Review", "Backlog", None]]
    ['done', 'in progress', 'to do', 'to do']
    """
    text = str(name or "")
    if _DONE_WORDS.search(text):
        return "done"
    if _PROGRESS_WORDS.search(text):
        return "in progress"
    return "to do"


def normalise_category(values: pd.Series) -> pd.Series:
    """Map Jira's ``To Do / In Progress / Done`` (any case) and API keys onto :data:`CATEGORIES`.

    Unknown values become ``<NA>`` so that the caller can fall back to the status name.
    """
    keys = {
        "to do": "to do",
        "new": "to do",
        "in progress": "in progress",
        "indeterminate": "in progress",
        "done": "done",
        "complete": "done",
    }
    return values.astype("string").str.strip().str.lower().map(keys).astype("string")


def empty_items() -> pd.DataFrame:
    """An empty canonical items frame with the right dtypes."""
    return finish_items(pd.DataFrame({c: [] for c in ITEM_COLUMNS}))


def empty_transitions() -> pd.DataFrame:
    """An empty canonical transitions frame."""
    frame = pd.DataFrame({c: [] for c in TRANSITION_COLUMNS})
    return finish_transitions(frame)


def finish_items(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a reader's frame the canonical columns, order and dtypes.

    Dates are naive ``datetime64``; text is the pandas string dtype; ``sprints`` and ``labels`` are
    Python lists; ``estimate`` is nullable float.
    """
    out = frame.copy()
    for col in ITEM_COLUMNS:
        if col not in out.columns:
            out[col] = [[] for _ in range(len(out))] if col in ("sprints", "labels") else None
    for col in _DATE_COLUMNS:
        out[col] = pd.to_datetime(out[col], errors="coerce")
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
        out[col] = out[col].astype("datetime64[ns]")
    for col in _TEXT_COLUMNS:
        out[col] = _clean_text(out[col])
    out["estimate"] = pd.to_numeric(out["estimate"], errors="coerce").astype("Float64")
    for col in ("sprints", "labels"):
        out[col] = out[col].map(lambda v: list(v) if isinstance(v, (list, tuple)) else []).astype(object)
    return out[ITEM_COLUMNS].reset_index(drop=True)


def _clean_text(values: pd.Series) -> pd.Series:
    """Strip text, blank -> <NA>, as the pandas string dtype.

    Vectorised on the Arrow-backed string dtype (a Python loop took a second per column on
    100,000-row exports). Non-text values (numbers from Excel) become their text first.

    Examples
    --------
    >>> _clean_text(pd.Series([" a ", "", None, 7, float("nan")], dtype=object)).tolist()
    ['a', <NA>, <NA>, '7', <NA>]
    """
    text = values.astype("string[pyarrow]").str.strip()
    return text.mask(text == "").astype("string")


def finish_transitions(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a transitions frame the canonical columns and dtypes, sorted by item and time."""
    out = frame.copy()
    for col in TRANSITION_COLUMNS:
        if col not in out.columns:
            out[col] = None
    out["at"] = pd.to_datetime(out["at"], errors="coerce").astype("datetime64[ns]")
    for col in ("id", "from_status", "to_status", "source"):
        out[col] = out[col].astype("string")
    return out[TRANSITION_COLUMNS].sort_values(["id", "at"], kind="stable").reset_index(drop=True)


def strip_offset(values: Iterable) -> pd.Series:
    """Parse ISO timestamps keeping the wall-clock time the tool showed (offset dropped).

    Jira's CSV shows local times without an offset; dropping the JSON offsets keeps both on the
    same clock, which matters more for day-level cycle times than the absolute instant.

    Examples
    --------
    >>> strip_offset(["2022-03-20T06:21:50.520+0530", "2017-12-22T19:43:19.028Z", None]).dt.hour.tolist()
    [6.0, 19.0, nan]
    """
    text = pd.Series(list(values), dtype="string").str.replace(r"(Z|[+-]\d\d:?\d\d)$", "", regex=True)
    return pd.to_datetime(text, errors="coerce", format="ISO8601")


def read_work_items(
    paths: str | Path | Iterable[str | Path],
    *,
    date_format: str | None = "%d/%b/%y %I:%M %p",
    columns: Mapping[str, str] | None = None,
    dq: DataQuality | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one or several exports into the canonical items and transitions tables.

    The layout of each file is detected: Jira CSV (Cloud or Server), Jira REST JSON, Asana CSV,
    Trello board JSON, Planner ``.xlsx``.

    Parameters
    ----------
    paths : path or list of paths
    date_format : str or None
        Jira CSV date format (the instance's setting); None infers it.
    columns : mapping, optional
        Canonical field -> header, for CSV exports whose headers differ (other locales).
    dq : DataQuality, optional
        Receives what was dropped or repaired.

    Returns
    -------
    items, transitions : DataFrame
    """
    from pmokit.sources import asana, jira, planner, trello

    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not paths:
        raise InputError(None, "items_path", "at least one export file", "an empty list")
    dq = dq if dq is not None else DataQuality()
    all_items, all_transitions = [], []
    for path in paths:
        path = Path(path)
        kind = detect_layout(path)
        if kind == "jira_json":
            items, transitions = jira.read_jira_json(path, dq=dq)
        elif kind == "trello":
            items, transitions = trello.read_trello_board(path, dq=dq)
        elif kind == "planner":
            items, transitions = planner.read_planner_xlsx(path, dq=dq), empty_transitions()
        elif kind == "asana":
            items, transitions = asana.read_asana_csv(path, dq=dq), empty_transitions()
        else:
            items, transitions = (
                jira.read_jira_csv(path, date_format=date_format, columns=columns, dq=dq),
                empty_transitions(),
            )
        items, transitions = _disambiguate(items, transitions, all_items, dq, path)
        all_items.append(items)
        all_transitions.append(transitions)
    items = pd.concat(all_items, ignore_index=True) if len(all_items) > 1 else all_items[0]
    transitions = pd.concat(all_transitions, ignore_index=True) if len(all_transitions) > 1 else all_transitions[0]
    duplicated = items["id"].duplicated(keep="last")
    dq.add(None, "id", "same item in several files", "kept the last file's row", rows=int(duplicated.sum()))
    return items.loc[~duplicated].reset_index(drop=True), finish_transitions(transitions)


def _disambiguate(
    items: pd.DataFrame, transitions: pd.DataFrame, earlier: list[pd.DataFrame], dq: DataQuality, path: Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Prefix ids that an earlier file of another project already used (two Trello boards both have #1).

    The same id in the same project is the same item (overlapping exports) and is left for the
    de-duplication in :func:`read_work_items`.
    """
    if not earlier:
        return items, transitions
    seen = pd.concat([f[["id", "project"]] for f in earlier]).drop_duplicates("id").set_index("id")["project"]
    other = items["id"].isin(seen.index) & (items["id"].map(seen) != items["project"]).fillna(True)
    if not other.any():
        return items, transitions
    renamed = dict(
        zip(items.loc[other, "id"], items.loc[other, "project"].fillna(path.stem) + "/" + items.loc[other, "id"])
    )
    items = items.assign(id=items["id"].replace(renamed))
    transitions = transitions.assign(id=transitions["id"].replace(renamed))
    dq.add(
        path,
        "id",
        "id also used by another project in an earlier file",
        "prefixed with the project name",
        rows=int(other.sum()),
    )
    return items, transitions


def detect_layout(path: Path) -> str:
    """Return ``jira_csv``, ``jira_json``, ``asana``, ``trello`` or ``planner`` for one file.

    JSON files are told apart by their keys, CSV files by their headers; anything else raises an
    :class:`InputError` that names what was found.
    """
    if not path.exists():
        raise InputError(path, "(file)", "an existing file", "no such file")
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(path, "(file)", "a JSON export", f"unreadable JSON ({exc})") from None
        first = data[0] if isinstance(data, list) and data else data
        if isinstance(first, dict) and ("issues" in first or ("key" in first and "fields" in first)):
            return "jira_json"
        if isinstance(first, dict) and ("cards" in first or "idList" in first):
            return "trello"
        keys = ", ".join(list(first)[:8]) if isinstance(first, dict) else type(first).__name__
        raise InputError(
            path, "(layout)", "a Jira search result ('issues') or a Trello board ('cards', 'lists')", f"keys {keys}"
        )
    if suffix in (".xlsx", ".xlsm"):
        return "planner"
    with open(path, "rb") as handle:
        head = handle.read(4000)
    text = head.decode("utf-8-sig", errors="replace").lower()
    first_line = text.split("\n", 1)[0]
    if "task id" in first_line and "created at" in first_line:
        return "asana"
    return "jira_csv"


def check_work_items(
    path: str | Path, *, date_format: str | None = "%d/%b/%y %I:%M %p", columns: Mapping[str, str] | None = None
) -> None:
    """Check one export before a run: read in full, except Jira CSVs over 2 MB, whose headers only are
    checked (a 100,000-issue export takes seconds to read). Raises :class:`InputError` like the readers.
    """
    from pmokit.sources import decode_bytes, jira, map_columns

    path = Path(path)
    kind = detect_layout(path)
    if kind != "jira_csv" or path.stat().st_size < _FULL_CHECK_BYTES:
        read_work_items(path, date_format=date_format, columns=columns)
        return
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    lines = decode_bytes(head, path).splitlines()
    rows, _ = _first_rows(lines)
    if len(rows) < 2:
        # a file with fewer than two complete rows in its first 64 KB is small: read it in full
        read_work_items(path, date_format=date_format, columns=columns)
        return
    frame = pd.DataFrame(columns=pd.Index(rows[0], dtype=object))
    mapping = {("parent_key" if k == "parent" else k): v for k, v in (columns or {}).items()}
    map_columns(frame, path, jira._REQUIRED, mapping=mapping, aliases=jira.CSV_ALIASES)


def _first_rows(lines: list[str]) -> tuple[list[list[str]], int]:
    """Complete CSV rows among the first lines (the last line of a 64 KB chunk may be cut)."""
    import csv
    import io

    text = "\n".join(lines[:-1]) if len(lines) > 1 else "\n".join(lines)
    delimiter = (
        "\t"
        if lines and lines[0].count("\t") > lines[0].count(",")
        else ";"
        if lines and lines[0].count(";") > lines[0].count(",")
        else ","
    )
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return [[c.strip() for c in r] for r in rows], len(rows)
