"""The canonical work-item schema that every work-tracking reader returns.

Two frames, whatever the tool:

- items: one row per work item with :data:`ITEM_COLUMNS`;
  ``updated`` is the last activity (Trello cards, which have no resolution date), ``archived`` marks
  cards archived in the tool (kept: whether they count is the analysis' decision, after the user's
  ``done_statuses``), ``category_guessed`` marks categories guessed from the status name rather than
  given by the export;
- transitions: one row per status change (:data:`TRANSITION_COLUMNS`), empty when the export has
  no history (Jira CSV, Asana, Planner).

The tool readers (:mod:`pmokit.sources.jira`, ``trello``, ``asana``, ``planner``) import only this
module; the dispatcher :mod:`pmokit.sources.work_items` imports them. So no reader imports the
dispatcher and there is no import cycle.
"""

from __future__ import annotations

import contextlib
import gc
import re
from typing import Iterable, Iterator, Mapping

import pandas as pd

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
    "updated",
    "archived",
    "category_guessed",
]
#: The canonical status-transition columns.
TRANSITION_COLUMNS = ["id", "at", "from_status", "to_status", "source"]
#: The three status categories (Jira's names, lower case).
CATEGORIES = ("to do", "in progress", "done")

_DATE_COLUMNS = ("created", "started", "resolved", "due", "updated")
_TEXT_COLUMNS = ("id", "title", "type", "project", "status", "status_category", "assignee", "parent", "source")

# Words that tools and teams use in status / list / column names. Used only when the export has no
# status category of its own (Trello lists, Asana sections, old Jira Server exports). A few common
# Spanish, Portuguese, French and German forms too; the report lists every name it guessed and
# how to name the lists instead (``start_statuses`` / ``done_statuses``), so a wrong guess shows.
_DONE_WORDS = re.compile(
    r"\b(done|complete[d]?|closed|resolved|shipped|released|finished|deployed|"
    r"hech[oa]s?|terminad[oa]s?|completad[oa]s?|finalizad[oa]s?|cerrad[oa]s?|resuelt[oa]s?|"
    r"conclu[ií]d[oa]s?|feit[oa]s?|termin[ée]e?s?|fait|erledigt|fertig|abgeschlossen)\b",
    re.I,
)
_PROGRESS_WORDS = re.compile(
    r"\b(doing|in progress|progress|review|testing|test|qa|wip|active|develop(ment)?|build(ing)?|"
    r"implement(ing|ation)?|started|"
    r"en (curso|progreso|proceso|desarrollo|revisi[oó]n)|haciendo|revisi[oó]n|pruebas|"
    r"em (andamento|progresso)|en cours|in arbeit|in bearbeitung)\b",
    re.I,
)
_TO_DO_WORDS = re.compile(
    r"\b(to ?do|backlog|open|new|ideas?|icebox|planned|ready|selected|pending|"
    r"por hacer|pendientes?|a fazer|à faire|offen)\b",
    re.I,
)


def recognised_category(name: str | None) -> str | None:
    """The status category a status, list or section name states in words; None when no word says.

    Examples
    --------
    >>> [recognised_category(n) for n in ["Done", "En curso", "Backlog", "Hecho", "Trabajando", None]]
    ['done', 'in progress', 'to do', 'done', None, None]
    """
    text = str(name or "")
    if _DONE_WORDS.search(text):
        return "done"
    if _PROGRESS_WORDS.search(text):
        return "in progress"
    if _TO_DO_WORDS.search(text):
        return "to do"
    return None


def category_from_name(name: str | None) -> str:
    """Guess the status category from a status, list or section name (to do when no word says).

    Examples
    --------
    >>> [category_from_name(n) for n in ["Done", "Code Review", "Backlog", None]]
    ['done', 'in progress', 'to do', 'to do']
    """
    return recognised_category(name) or "to do"


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
        # a comprehension, not Series.map: one Python call less per item (400,000 items, two columns)
        with no_gc_pauses():
            lists = [list(v) if isinstance(v, (list, tuple)) else [] for v in out[col].tolist()]
        out[col] = pd.Series(lists, index=out.index, dtype=object)
    for col in ("archived", "category_guessed"):
        out[col] = out[col].astype("boolean").fillna(False).astype(bool)
    return out[ITEM_COLUMNS].reset_index(drop=True)


@contextlib.contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Suspend Python's cyclic garbage collector while building many small containers.

    Each few hundred new lists trigger a collection that walks every live object: building one list
    per item of a 400,000-issue export took 6 times longer with the collector on. Lists of strings
    make no reference cycles, so nothing is left for it to find; the previous state is restored.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


def preferred_aliases(aliases: Mapping[str, Iterable[str]], columns: Mapping[str, str] | None) -> dict[str, list[str]]:
    """A reader's known headers with the user's ``columns`` header tried first for each field.

    Unlike a strict mapping, the tool's own header still matches when the user's is absent, so
    one ``columns`` setting written for a localised Jira CSV does not break an English Asana or
    Planner export read in the same run.

    Examples
    --------
    >>> preferred_aliases({"id": ["Task ID"], "title": ["Name"]}, {"id": "Aufgaben-ID", "other": "X"})
    {'id': ['Aufgaben-ID', 'Task ID'], 'title': ['Name']}
    """
    given = dict(columns or {})
    return {field: ([given[field]] if given.get(field) else []) + list(names) for field, names in aliases.items()}


def label_lists(values: pd.Series | None, separator: str, rows: int):
    """Each cell's labels as a list (``"a, b"`` -> ``["a", "b"]``); empty lists when the column is absent.

    Examples
    --------
    >>> label_lists(pd.Series(["a, b", None, ""]), ",", 3).tolist()
    [['a', 'b'], [], []]
    >>> label_lists(None, ";", 2)
    [[], []]
    """
    if values is None:
        return [[] for _ in range(rows)]
    text = values.astype("string").fillna("").astype(object)
    return text.map(lambda v: [t.strip() for t in v.split(separator) if t.strip()])
