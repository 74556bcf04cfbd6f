"""Which stage each status means, archived cards, and the data as it was on the report date.

The user's parameters come first: a status named in ``done_statuses`` is done and one named in
``start_statuses`` in progress, whatever the export or the name suggests. Then the export's own
status category (Jira's Status Category, Planner's Progress), then a guess from the name's words
(:func:`pmokit.sources.work_item_schema.recognised_category`). A name no word explains is counted
as to do, and :func:`stage_table` / :func:`unrecognised_message` say so, with the parameters that
decide it. Archived Trello cards are judged only after that mapping (:func:`drop_archived`), and
:func:`as_of_view` removes what happened after the report date. Pure: no file reads, no display.
"""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from pmokit.quality import DataQuality
from pmokit.sources.work_item_schema import category_from_name, recognised_category

#: Stage-table columns: the status as spelled in the export, items now in it, stage, why.
STAGE_COLUMNS = ["status", "items", "stage", "decided_by", "recognised"]

#: How many names a one-line message lists before "and N more".
_LISTED = 12

_EXPORT = "the export's status category"
_NAME = "guessed from the name"
_UNKNOWN = "name not recognised: counted as to do"


def _key(name) -> str:
    return str(name).strip().lower()


def _names(values: Iterable[str] | None) -> set[str]:
    return {_key(v) for v in values or []}


def stage_table(
    items: pd.DataFrame,
    transitions: pd.DataFrame,
    start_statuses: Iterable[str] | None = None,
    done_statuses: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every status name seen in the items or their history, with its stage and what decided it.

    Parameters
    ----------
    items, transitions : DataFrame
        Canonical tables (:mod:`pmokit.sources.work_item_schema`).
    start_statuses, done_statuses : iterable of str, optional
        The user's names for "work started" and "finished" (compared without case).

    Returns
    -------
    DataFrame
        :data:`STAGE_COLUMNS`, one row per name (compared without case), most items first.
        ``recognised`` is False for a name counted as to do only because no word of it says
        otherwise and the parameters do not decide it.

    Examples
    --------
    >>> from pmokit.sources.work_item_schema import empty_transitions, finish_items
    >>> cards = finish_items(pd.DataFrame({"id": ["1", "2", "3"], "status": ["Hecho", "Trabajando", "Trabajando"],
    ...                                    "status_category": ["done", "to do", "to do"], "category_guessed": True}))
    >>> stage_table(cards, empty_transitions())[["status", "items", "stage", "recognised"]].values.tolist()
    [['Trabajando', 2, 'to do', False], ['Hecho', 1, 'done', True]]
    >>> stage_table(cards, empty_transitions(), start_statuses=["trabajando"])["stage"].tolist()
    ['in progress', 'done']
    """
    start, done = _names(start_statuses), _names(done_statuses)
    rows = _item_statuses(items)
    for status in pd.concat([transitions["from_status"], transitions["to_status"]]).dropna().unique():
        basis = _NAME if recognised_category(status) else _UNKNOWN
        rows.setdefault(
            _key(status),
            {"status": str(status).strip(), "items": 0, "base": category_from_name(status), "basis": basis},
        )
    out = [_decide(key, row, start, done) for key, row in rows.items()]
    table = pd.DataFrame(out, columns=STAGE_COLUMNS)
    return table.sort_values(["items", "status"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _item_statuses(items: pd.DataFrame) -> dict[str, dict]:
    """Per status name (compared without case), in order of first appearance: its spelling in the first
    item, the number of items, and its base stage with what decided it.

    The base is the export's category of the first item that has one not guessed from the name; else
    the first item's category, or the guess from its name. Computed per distinct name (a few dozen),
    not per item (400,000 in a large export).
    """
    present = items.loc[items["status"].notna(), ["status", "status_category", "category_guessed"]]
    present = present.reset_index(drop=True)
    keys = present["status"].map({s: _key(s) for s in present["status"].unique()}).rename("key")
    counts = keys.value_counts(sort=False)
    first = present.assign(key=keys).drop_duplicates("key")
    given = present.assign(key=keys).loc[~present["category_guessed"].astype(bool) & present["status_category"].notna()]
    exported = given.drop_duplicates("key").set_index("key")["status_category"]
    rows: dict[str, dict] = {}
    for key, status, category in zip(first["key"], first["status"], first["status_category"]):
        row = {"status": str(status).strip(), "items": int(counts[key])}
        if key in exported.index:
            row["base"], row["basis"] = str(exported[key]), _EXPORT
        else:
            row["base"] = str(category) if pd.notna(category) else category_from_name(status)
            row["basis"] = _NAME if recognised_category(status) else _UNKNOWN
        rows[key] = row
    return rows


def _decide(key: str, row: dict, start: set[str], done: set[str]) -> dict:
    """One status's stage: the parameters first, then the export's category, then the name."""
    base, basis = row["base"], row["basis"]
    if key in done:
        stage, why = "done", "done_statuses"
    elif key in start:
        stage, why = "in progress", "start_statuses"
    elif start and base == "in progress":
        stage, why = "to do", "not in start_statuses"
    elif done and base == "done":
        stage, why = "to do", "not in done_statuses"
    elif basis == _UNKNOWN and start and done:
        stage, why = "to do", "not in start_statuses or done_statuses"
    else:
        stage, why = base, basis
    return {
        "status": row["status"],
        "items": row["items"],
        "stage": stage,
        "decided_by": why,
        "recognised": why != _UNKNOWN,
    }


def mapping(table: pd.DataFrame) -> dict[str, str]:
    """``{status name in lower case: stage}`` from a :func:`stage_table`."""
    return {_key(s): str(c) for s, c in zip(table["status"], table["stage"])}


def unrecognised_message(table: pd.DataFrame) -> str | None:
    """One line naming the statuses counted as to do for want of a recognised word, and the fix; None if none.

    Examples
    --------
    >>> t = pd.DataFrame({"status": ["Trabajando", "Hecho"], "items": [2, 1], "stage": ["to do", "done"],
    ...                   "decided_by": [_UNKNOWN, _NAME], "recognised": [False, True]})
    >>> print(unrecognised_message(t))  # doctest: +NORMALIZE_WHITESPACE
    status names not recognised, counted as to do: 'Trabajando' (2 items); the other names: 'Hecho' -> done
    (guessed from the name). Set start_statuses to the names that mean work started and done_statuses to the
    names that mean finished.
    """
    unknown = table.loc[~table["recognised"].astype(bool)]
    if unknown.empty:
        return None
    known = table.loc[table["recognised"].astype(bool)]
    listed = _listing([f"'{r.status}' ({r.items} item{'s' if r.items != 1 else ''})" for r in unknown.itertuples()])
    others = _listing([f"'{r.status}' -> {r.stage} ({r.decided_by})" for r in known.itertuples()])
    return (
        f"status names not recognised, counted as to do: {listed}"
        + (f"; the other names: {others}" if others else "")
        + ". Set start_statuses to the names that mean work started and done_statuses to the names that mean finished."
    )


def _listing(parts: list[str]) -> str:
    shown = ", ".join(parts[:_LISTED])
    return shown + (f" and {len(parts) - _LISTED} more" if len(parts) > _LISTED else "")


def _file_of(source: str) -> str | None:
    """The file name a reader put in ``source`` (``"Trello (board.json)"`` -> ``"board.json"``)."""
    found = re.search(r"\(([^()]*)\)\s*$", str(source))
    return found.group(1) if found else None


def drop_archived(items: pd.DataFrame, stages: dict[str, str], dq: DataQuality | None = None) -> pd.DataFrame:
    """Leave out archived cards whose list is not a done stage (after the user's parameters); note each file.

    An archived card on a done list is finished work that was tidied away: it is kept and counted
    as done. Any other archived card was removed from the board: it is left out.
    """
    names = items["status"].dropna().unique()
    stage = items["status"].map({s: stages.get(_key(s)) for s in names}).astype(object)
    archived = items["archived"].astype(bool)
    dropped = archived & (stage != "done")
    if dq is not None:
        for source, part in items.assign(dropped=dropped, kept=archived & ~dropped).groupby("source", sort=True):
            file = _file_of(source)
            dq.add(
                file,
                "closed",
                "archived card (or card on an archived list) on a list that is not a done stage",
                "dropped: treated as removed from the board",
                rows=int(part["dropped"].sum()),
            )
            dq.add(
                file,
                "closed",
                "archived card (or card on an archived list) on a done list",
                "kept and counted as done",
                rows=int(part["kept"].sum()),
            )
    return items.loc[~dropped].reset_index(drop=True)


def as_of_view(
    items: pd.DataFrame, transitions: pd.DataFrame, as_of: pd.Timestamp, dq: DataQuality | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The items and history as they were at the end of ``as_of``.

    Items created later are left out, later status changes are dropped, and an item whose history
    shows a later move takes the status it had then (the last move on or before ``as_of``, else the
    status its first later move left). Dates after ``as_of`` (done, started) are handled by
    :func:`pmokit.delivery.flow.apply_stages`, which knows which of them made the item done.
    """
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    later_created = items["created"].notna() & (items["created"] >= end)
    if dq is not None:
        dq.add(
            None,
            "created",
            f"created after the report date ({pd.Timestamp(as_of).date()})",
            "left out: the report shows the data as it was on that date",
            rows=int(later_created.sum()),
        )
    out = items.loc[~later_created].reset_index(drop=True)
    before = transitions.loc[transitions["at"] < end]
    after = transitions.loc[transitions["at"] >= end]
    if after.empty:
        return out, before.reset_index(drop=True)
    then = out["id"].map(before.groupby("id")["to_status"].last())
    then = then.fillna(out["id"].map(after.groupby("id")["from_status"].first()))
    changed = then.notna() & (then.str.strip().str.lower() != out["status"].str.strip().str.lower()).fillna(True)
    if changed.any():
        known = out.loc[~out["category_guessed"]].drop_duplicates("status").set_index("status")["status_category"]
        out.loc[changed, "status"] = then[changed]
        out.loc[changed, "status_category"] = then[changed].map(known).astype("string")
        out.loc[changed, "category_guessed"] = out.loc[changed, "status_category"].isna()
        if dq is not None:
            dq.add(
                None,
                "status",
                "status changed after the report date",
                "shown with the status it had on the report date (from the history)",
                rows=int(changed.sum()),
            )
    return out, before.reset_index(drop=True)
