"""``teams_card.json``: the week's status as an Adaptive Card (schema 1.5) for a Teams channel.

The file is the message a Teams incoming webhook or a "post to a channel when a webhook request is
received" workflow accepts: ``{"type": "message", "attachments": [{"contentType":
"application/vnd.microsoft.card.adaptive", "content": <card>}]}``. Text blocks render a Markdown
subset, so every text from data goes through :func:`pmokit.status.summary.md_escape`, and ``{{``
(the card's date functions) is broken up. Teams refuses messages over about 28 KB: lists are cut.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from pmokit.bands import LABELS
from pmokit.publish.mail import Week, _text
from pmokit.status.summary import md_escape

CARD_FILE = "teams_card.json"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
#: Teams' limit on a webhook message is about 28 KB; the card stays well under it.
MAX_CARD_BYTES = 24_000
MAX_ITEMS = 5
#: Adaptive Card text colours for the RAG states (grey: the default colour, subtle).
COLOURS = {"green": "Good", "amber": "Warning", "red": "Attention", "done": "Accent", "grey": "Default"}


def safe(value: Any, limit: int = 200) -> str:
    """Text from data for a card: Markdown made inert, date functions broken, cut to ``limit``.

    Examples
    --------
    >>> safe("[click](https://x) **now** {{DATE(2026-01-01T00:00:00Z)}}")
    '\\\\[click](https://x) \\\\*\\\\*now\\\\*\\\\* {\\u200b{DATE(2026-01-01T00:00:00Z)}\\u200b}'
    """
    text = " ".join(str(value).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return md_escape(text).replace("{{", "{\u200b{").replace("}}", "}\u200b}")


def _text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _items(title: str, frame: pd.DataFrame, line) -> list[dict[str, Any]]:
    blocks = [_text_block(title, weight="Bolder", spacing="Medium")]
    if frame.empty:
        return blocks + [_text_block("None.", isSubtle=True)]
    rows = frame.head(MAX_ITEMS).to_dict("records")
    more = f"\r\r… and {len(frame) - MAX_ITEMS} more in the report" if len(frame) > MAX_ITEMS else ""
    return blocks + [_text_block("\r".join(f"- {line(r)}" for r in rows) + more)]


def _risk(row: dict[str, Any]) -> str:
    return f"{safe(row['title'], 120)} ({safe(_text(row.get('owner')), 60)}, score {_text(row.get('score'))})"


def _decision(row: dict[str, Any]) -> str:
    return f"{safe(row['title'], 120)} ({safe(_text(row.get('owner')), 60)}, by {_text(row.get('due'))})"


def build_card(week: Week, reports_url: str | None = None) -> dict[str, Any]:
    """The Adaptive Card: title, overall RAG, verdict, each workbook's colour and figures, top risks,
    decisions needed and a button to the published reports."""
    facts = []
    for s in week.sections:
        state = "grey" if s.problem else s.rag
        figures = "; ".join(f"{label} {value}" for label, value in s.figures[:3])
        value = LABELS.get(state, "NO DATA") + (f" · {figures}" if figures else "")
        if s.problem:
            value += f" · missing: {s.problem}"
        facts.append({"title": safe(s.title, 60), "value": safe(value, 160)})
    body = [
        _text_block(safe(week.title, 120), size="Large", weight="Bolder"),
        _text_block(f"Week ending {week.period_end:%d %B %Y} ({week.iso_week})", isSubtle=True, spacing="None"),
        _text_block(f"Overall {week.rag_label}", weight="Bolder", size="Medium", color=COLOURS.get(week.rag)),
        _text_block(safe(week.verdict, 400)),
    ]
    if facts:
        body.append({"type": "FactSet", "facts": facts, "spacing": "Medium"})
    counts = week.counts
    figures = [
        ("Open risks", counts.get("open_risks")),
        ("Overdue actions", counts.get("overdue_actions")),
        ("Decisions needed", counts.get("decisions_needed")),
        ("Milestones slipped", counts.get("milestones_slipped")),
    ]
    body.append(
        {
            "type": "ColumnSet",
            "spacing": "Medium",
            "columns": [
                {
                    "type": "Column",
                    "width": "stretch",
                    "items": [
                        _text_block(_text(value), size="Large", weight="Bolder", horizontalAlignment="Center"),
                        _text_block(name, isSubtle=True, size="Small", spacing="None", horizontalAlignment="Center"),
                    ],
                }
                for name, value in figures
            ],
        }
    )
    body += _items("Top risks", week.top_risks, _risk)
    body += _items("Decisions needed", week.decisions, _decision)
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": "1.5", "body": body}
    card["msteams"] = {"width": "Full"}
    if reports_url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open the reports", "url": reports_url}]
    return card


def message(card: dict[str, Any]) -> dict[str, Any]:
    """The card wrapped as the message a Teams webhook or workflow accepts."""
    return {"type": "message", "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": card}]}


def write_card(week: Week, folder: Path, reports_url: str | None = None) -> Path:
    """Write ``teams_card.json`` (the whole message) into ``folder``, atomically."""
    text = json.dumps(message(build_card(week, reports_url)), ensure_ascii=False, indent=1)
    path = Path(folder) / CARD_FILE
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
