"""One work-item table from Jira, Asana, Trello and Planner exports: the dispatcher.

:func:`read_work_items` detects the layout of each file (:func:`detect_layout`), calls the tool's
reader and concatenates the canonical frames; :func:`check_work_items` checks one export before a
run. The canonical columns and helpers live in :mod:`pmokit.sources.work_item_schema`, which the
tool readers import instead of this module (so the readers never import the dispatcher).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import asana, decode_bytes, jira, load_json, map_columns, planner, trello
from pmokit.sources.work_item_schema import empty_transitions, finish_transitions

#: Jira CSVs larger than this are checked by their headers only before a run.
FULL_CHECK_BYTES = 2_000_000


def read_work_items(
    paths: str | Path | Iterable[str | Path],
    *,
    columns: Mapping[str, str] | None = None,
    dq: DataQuality | None = None,
    date_format: str | None = jira.JIRA_DATE_FORMAT,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one or several exports into the canonical items and transitions tables.

    The layout of each file is detected: Jira CSV (Cloud or Server), Jira REST JSON, Asana CSV,
    Trello board JSON, Planner ``.xlsx``.

    Parameters
    ----------
    paths : path or list of paths
    columns : mapping, optional
        Canonical field -> header (CSV/Excel) or custom-field name (Jira JSON), for exports whose
        names differ (other locales, custom fields); passed to every reader.
    dq : DataQuality, optional
        Receives what was dropped or repaired.
    date_format : str or None
        Jira CSV date format (the instance's setting); None infers it.

    Returns
    -------
    items, transitions : DataFrame
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not paths:
        raise InputError(None, "items_path", "at least one export file", "an empty list")
    dq = dq if dq is not None else DataQuality()
    all_items, all_transitions = [], []
    for path in paths:
        path = Path(path)
        kind = detect_layout(path)
        if kind == "jira_json":
            items, transitions = jira.read_jira_json(path, columns=columns, dq=dq)
        elif kind == "trello":
            items, transitions = trello.read_trello_board(path, columns=columns, dq=dq)
        elif kind == "planner":
            items, transitions = planner.read_planner_xlsx(path, columns=columns, dq=dq), empty_transitions()
        elif kind == "asana":
            items, transitions = asana.read_asana_csv(path, columns=columns, dq=dq), empty_transitions()
        else:
            items, transitions = (
                jira.read_jira_csv(path, columns=columns, dq=dq, date_format=date_format),
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
        # one-line error for bad, non-UTF-8 or absurdly nested JSON (RecursionError)
        data = load_json(path.read_bytes(), path)
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
    path: str | Path, *, columns: Mapping[str, str] | None = None, date_format: str | None = jira.JIRA_DATE_FORMAT
) -> None:
    """Check one export before a run: read in full, except Jira CSVs over 2 MB, whose headers only are
    checked (a 100,000-issue export takes seconds to read). Raises :class:`InputError` like the readers.
    """
    path = Path(path)
    kind = detect_layout(path)
    if kind != "jira_csv" or path.stat().st_size < FULL_CHECK_BYTES:
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
