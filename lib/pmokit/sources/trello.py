"""Trello board exports (board menu > Print, export and share > Export as JSON).

Cards become work items (their list is the status), ``updateCard`` moves between lists and
``createCard`` become status transitions. Trello puts at most 1,000 actions in an export, newest
first: when the cap is reached the history is truncated and the reader says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import load_json
from pmokit.sources.work_item_schema import (
    category_from_name,
    empty_transitions,
    finish_items,
    finish_transitions,
    strip_offset,
)

#: Trello's limit on the actions included in a board export.
ACTION_CAP = 1000


def read_trello_board(
    path: str | Path, *, columns: Mapping[str, str] | None = None, dq: DataQuality | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a Trello board JSON export into canonical items and transitions.

    Lists are joined by ``idList``; a list's name is the status and its category is guessed from
    the name (``Done`` -> done, ``Doing``/``Review`` -> in progress, else to do; ``category_guessed``
    says so, and the workbook's ``start_statuses``/``done_statuses`` override it). Archived cards
    (``closed``) and cards on archived lists are kept with ``archived`` set: whether a list means
    done is the analysis' decision, made after the user's parameters, so the reader drops nothing.
    Trello has no resolution date: ``updated`` holds the card's last activity and ``resolved`` stays
    empty. ``created`` comes from the ``createCard`` action, else from the card id (a MongoDB
    ObjectId whose first 8 hex digits are the creation time).

    Parameters
    ----------
    path : str or Path
    columns : mapping, optional
        Accepted for the common reader signature; a Trello board export has fixed keys, so
        there is no header to map and it is not used.
    dq : DataQuality, optional

    Raises
    ------
    InputError
        A single card exported instead of a board, or a board without lists/cards.
    """
    path = Path(path)
    # one-line error for bad, non-UTF-8 or absurdly nested JSON (RecursionError)
    board = load_json(path.read_bytes(), path)
    if isinstance(board, dict) and "idList" in board and "cards" not in board:
        raise InputError(
            path,
            "cards",
            "a board export (board menu > Export as JSON)",
            "a single card's export (card menu > Export JSON)",
        )
    if not isinstance(board, dict) or "lists" not in board or "cards" not in board:
        raise InputError(path, "lists/cards", "a Trello board with 'lists' and 'cards'", "neither key")
    if not board["cards"]:
        raise InputError(path, "cards", "at least one card", "an empty board")
    lists = {lst["id"]: lst for lst in board["lists"]}
    actions = board.get("actions") or []
    created = _created_from_actions(actions)
    members = {m["id"]: m.get("fullName") or m.get("username") for m in board.get("members") or []}
    items = pd.DataFrame([_card_row(card, lists, created, members, board.get("name"), path) for card in board["cards"]])
    items["source"] = f"Trello ({path.name})"
    transitions = _moves(actions, path)
    _note_history(actions, items, transitions, path, dq)
    return finish_items(items), transitions


def _created_from_actions(actions: list[dict]) -> dict[str, str]:
    return {
        a["data"]["card"]["id"]: a["date"]
        for a in actions
        if a.get("type") == "createCard" and "card" in a.get("data", {})
    }


def _id_time(object_id: str) -> pd.Timestamp | None:
    """Creation time hidden in a Trello (MongoDB) id: the first 8 hex digits are Unix seconds."""
    try:
        return pd.Timestamp(int(object_id[:8], 16), unit="s")
    except (TypeError, ValueError):
        return None


def _card_row(card: dict, lists: dict, created: dict, members: dict, board_name: str | None, path: Path) -> dict:
    if "idList" not in card:
        raise InputError(path, "cards[].idList", "each card on a list", f"card {card.get('id')!r} without idList")
    lst = lists.get(card["idList"], {})
    status = lst.get("name") or f"(unknown list {card['idList']})"
    return {
        "id": f"#{card['idShort']}" if card.get("idShort") is not None else card["id"],
        "title": card.get("name"),
        "type": "Card",
        "project": board_name,
        "status": status,
        "status_category": category_from_name(status),
        "category_guessed": True,
        "created": strip_offset([created[card["id"]]]).iloc[0] if card["id"] in created else _id_time(card["id"]),
        # Trello has no resolution date: a card on a done list counts as done at its last activity
        # unless its history (a move into the list) says better (the delivery analysis does that).
        "updated": strip_offset([card.get("dateLastActivity")]).iloc[0],
        "due": strip_offset([card.get("due")]).iloc[0] if card.get("due") else None,
        "assignee": ", ".join(sorted(members.get(m, m) for m in card.get("idMembers") or [])) or None,
        "labels": [label.get("name") or label.get("color") for label in card.get("labels", [])],
        "card_id": card["id"],
        "archived": bool(card.get("closed")) or bool(lst.get("closed")),
    }


def _moves(actions: list[dict], path: Path) -> pd.DataFrame:
    rows = []
    for action in actions:
        data = action.get("data", {})
        card = data.get("card", {})
        if action.get("type") == "updateCard" and "listAfter" in data:
            rows.append(
                {
                    "card_id": card.get("id"),
                    "card_short": card.get("idShort"),
                    "at": action.get("date"),
                    "from_status": data.get("listBefore", {}).get("name"),
                    "to_status": data["listAfter"].get("name"),
                }
            )
        elif action.get("type") == "createCard" and "list" in data:
            rows.append(
                {
                    "card_id": card.get("id"),
                    "card_short": card.get("idShort"),
                    "at": action.get("date"),
                    "from_status": None,
                    "to_status": data["list"].get("name"),
                }
            )
    if not rows:
        return empty_transitions()
    frame = pd.DataFrame(rows)
    frame["id"] = [f"#{s}" if pd.notna(s) else c for s, c in zip(frame["card_short"], frame["card_id"])]
    frame["at"] = strip_offset(frame["at"])
    frame["source"] = f"Trello ({path.name})"
    return finish_transitions(frame)


def _note_history(
    actions: list[dict], items: pd.DataFrame, transitions: pd.DataFrame, path: Path, dq: DataQuality | None
) -> None:
    if dq is None:
        return
    if len(actions) >= ACTION_CAP:
        earliest = min(a["date"] for a in actions)[:10]
        dq.add(
            path,
            "actions",
            f"history truncated: the export holds Trello's maximum of {ACTION_CAP:,} actions "
            f"(nothing before {earliest})",
            "items started earlier use their created date",
            rows=len(actions),
        )
    no_history = ~items["id"].isin(set(transitions["id"].dropna()))
    dq.add(
        path,
        "actions",
        "card without any list move or creation in the exported history",
        "its start is its created date and, when it is done, its done date its last activity",
        rows=int(no_history.sum()),
    )
