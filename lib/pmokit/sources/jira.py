"""Jira exports: the CSV of Issues > Export (Cloud and Server/Data Center) and REST search JSON.

Both return the canonical work-item table of :mod:`pmokit.sources.work_item_schema`; the JSON reader also
returns the status transitions from the changelog when the export has one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import gather_repeated, map_columns, parse_dates, parse_numbers, read_table
from pmokit.sources.work_item_schema import (
    category_from_name,
    empty_transitions,
    finish_items,
    finish_transitions,
    normalise_category,
    strip_offset,
)

#: Jira's default date format in CSV exports (``22/Apr/26 7:56 AM``); a per-instance setting.
JIRA_DATE_FORMAT = "%d/%b/%y %I:%M %p"

#: Headers that Jira Cloud and Server/Data Center use for each canonical field.
CSV_ALIASES = {
    "id": ["Issue key", "Key"],
    "title": ["Summary"],
    "type": ["Issue Type"],
    "project": ["Project key", "Project name", "Project"],
    "status": ["Status"],
    "status_category": ["Status Category"],
    "status_category_changed": ["Status Category Changed"],
    "created": ["Created"],
    "resolved": ["Resolved", "Resolution date"],
    "due": ["Due date", "Due Date"],
    "assignee": ["Assignee"],
    # "parent_key", not "parent": map_columns tries the canonical name first, and Cloud's "Parent"
    # column holds the numeric issue id, not the key.
    "parent_key": ["Parent key", "Custom field (Epic Link)", "Parent id", "Parent"],
    "estimate": ["Custom field (Story point estimate)", "Custom field (Story Points)", "Story Points"],
}
_REQUIRED = ["id", "status", "created"]


def read_jira_csv(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    dq: DataQuality | None = None,
    date_format: str | None = JIRA_DATE_FORMAT,
) -> pd.DataFrame:
    """Read a Jira CSV export (Cloud or Server) into the canonical work-item table.

    Repeated ``Sprint`` and ``Labels`` columns are gathered into lists; a UTF-8 BOM is stripped;
    dates follow ``date_format`` (the instance's setting, English month names with ``%b``).
    There is no history in a Jira CSV: ``started`` is the ``Status Category Changed`` time for
    items in progress (when they entered their current category), blank otherwise.

    Parameters
    ----------
    path : str or Path
    columns : mapping, optional
        Canonical field -> header, for exports in another language.
    dq : DataQuality, optional
    date_format : str or None
        ``strftime`` format of the date cells; None infers it (slower, less strict).

    Raises
    ------
    InputError
        No ``Issue key``/``Status``/``Created`` column, an empty export, or dates that do not match
        ``date_format`` at all.
    """
    path = Path(path)
    raw, _ = read_table(path, dq=dq)
    if raw.empty:
        raise InputError(path, "(rows)", "at least one issue", "a header without issue rows")
    mapping = {("parent_key" if k == "parent" else k): v for k, v in (columns or {}).items()}
    found = map_columns(
        raw, path, _REQUIRED, [k for k in CSV_ALIASES if k not in _REQUIRED], mapping=mapping, aliases=CSV_ALIASES
    )
    found = found.rename(columns={"parent_key": "parent"})
    source = f"Jira CSV ({path.name})"
    out = pd.DataFrame(index=raw.index)
    for col in ("id", "title", "type", "project", "status", "assignee", "parent"):
        out[col] = found[col] if col in found else None
    dates = {}
    for col in ("created", "resolved", "due", "status_category_changed"):
        fmt = date_format
        dates[col] = _parse_jira_dates(found, col, path, fmt, dq)
    out["created"], out["resolved"], out["due"] = dates["created"], dates["resolved"], dates["due"]
    out["status_category"] = _categories(found, path, dq)
    # Status Category Changed is when the item entered its current category: for items in
    # progress that is the start of work (unless it bounced back, which the CSV cannot show).
    out["started"] = dates["status_category_changed"].where(out["status_category"] == "in progress")
    out["estimate"] = _estimate(raw, (columns or {}).get("estimate"), path, dq)
    out["sprints"] = gather_repeated(raw, (columns or {}).get("sprints", "Sprint"))
    out["labels"] = gather_repeated(raw, (columns or {}).get("labels", "Labels"))
    out["source"] = source
    blank = out["id"].astype("string").str.strip().fillna("") == ""
    if dq is not None:
        dq.add(path, "Issue key", "blank issue key", "row dropped", rows=int(blank.sum()))
    return finish_items(out.loc[~blank])


def _parse_jira_dates(found: pd.DataFrame, col: str, path: Path, fmt: str | None, dq: DataQuality | None) -> pd.Series:
    """Parse one date column; fail when none of its values fits the format (wrong setting)."""
    if col not in found:
        return pd.Series(pd.NaT, index=found.index, dtype="datetime64[ns]")
    header = col.replace("_", " ").capitalize()
    values = found[col]
    local = DataQuality()
    # read_table gives strings ('' when empty); parse_dates strips, so no second pass here (100k rows)
    given = pd.Series([bool(v and str(v).strip()) for v in values.tolist()], index=values.index)
    if fmt and "%b" in fmt:
        values = _english_months(values)
    parsed = parse_dates(values, path, header, fmt=fmt, dq=None)
    if fmt and " " in fmt and (parsed.isna() & given).any():
        # Server exports due dates without a time ("06/Mar/26"), Cloud with "12:00 AM".
        date_only = parse_dates(values.where(parsed.isna()), path, header, fmt=fmt.split(" ")[0], dq=None)
        parsed = parsed.fillna(date_only)
    if (parsed.isna() & given).any():
        first = values[parsed.isna() & given].iloc[0]
        local.add(
            path, header, f"unparseable date (e.g. {first!r})", "left blank", rows=int((parsed.isna() & given).sum())
        )
    if given.any() and parsed[given].isna().all():
        example = values[given].iloc[0]
        raise InputError(
            path,
            header,
            f"dates like {pd.Timestamp('2026-04-22 07:56').strftime(fmt) if fmt else 'ISO'} "
            f"(format {fmt!r}; set date_format to your Jira's setting)",
            repr(example),
        )
    if dq is not None:
        dq.extend(local)
    return parsed


# Month abbreviations that Jira writes in other languages' exports (``29/июл/26 09:59``), mapped to
# the English ones that ``%b`` reads. Lower case, trailing dots removed.
_MONTHS = {
    **dict.fromkeys(["янв", "jan", "janv", "ene", "gen", "sty"], "Jan"),
    **dict.fromkeys(["фев", "feb", "févr", "fevr", "fév", "fev", "lut"], "Feb"),
    **dict.fromkeys(["мар", "mär", "mrz", "mars", "mar", "maa", "mrt"], "Mar"),
    **dict.fromkeys(["апр", "avr", "abr", "kwi"], "Apr"),
    **dict.fromkeys(["май", "мая", "mai", "may", "mag", "mei", "maj"], "May"),
    **dict.fromkeys(["июн", "juin", "giu", "jun", "cze"], "Jun"),
    **dict.fromkeys(["июл", "juil", "lug", "jul", "lip"], "Jul"),
    **dict.fromkeys(["авг", "août", "aout", "ago", "aug", "sie"], "Aug"),
    **dict.fromkeys(["сен", "sept", "set", "sep", "wrz"], "Sep"),
    **dict.fromkeys(["окт", "okt", "oct", "ott", "paź"], "Oct"),
    **dict.fromkeys(["ноя", "nov", "lis"], "Nov"),
    **dict.fromkeys(["дек", "dez", "déc", "dec", "dic", "gru"], "Dec"),
}


def _english_months(values: pd.Series) -> pd.Series:
    """Replace a localised month abbreviation between slashes with the English one (``29/июл/26``)."""
    text = values.astype("string")
    given = text[text.fillna("").str.strip() != ""]
    english = given.str.contains(r"/(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/", regex=True).fillna(False)
    if english.all() or not given.str.contains(r"/[^\W\d_]", regex=True).fillna(False).any():
        return values  # already English, or no month names at all: skip the per-cell work on big exports
    return text.str.replace(
        r"/([^\W\d_]+)\.?/", lambda m: f"/{_MONTHS.get(m.group(1).lower(), m.group(1))}/", regex=True
    )


def _categories(found: pd.DataFrame, path: Path, dq: DataQuality | None) -> pd.Series:
    """Jira's Status Category when present, else guessed from the status name and Resolved."""
    guessed = found["status"].map(category_from_name).astype("string")
    if "resolved" in found:
        resolved = found["resolved"].astype("string").str.strip().fillna("") != ""
        guessed = guessed.where(~resolved | (guessed != "to do"), "done")
    if "status_category" not in found:
        if dq is not None:
            dq.add(
                path,
                "Status Category",
                "column absent (older Jira Server export)",
                "category guessed from the status name and Resolved",
                rows=len(found),
            )
        return guessed
    category = normalise_category(found["status_category"])
    unknown = category.isna()
    if dq is not None:
        dq.add(
            path,
            "Status Category",
            "blank or unknown category",
            "guessed from the status name",
            rows=int(unknown.sum()),
        )
    return category.fillna(guessed)


def _estimate(raw: pd.DataFrame, header: str | None, path: Path, dq: DataQuality | None) -> pd.Series:
    """Story points; when two columns share the header (two custom fields), the first non-blank."""
    lowered = [str(c).strip().lower() for c in raw.columns]
    candidates = [header] if header else CSV_ALIASES["estimate"]
    header = next((h for h in candidates if h.strip().lower() in lowered), None)
    if header is None:
        return pd.Series(pd.NA, index=raw.index, dtype="Float64")
    same = [i for i, c in enumerate(lowered) if c == header.strip().lower()]
    values = raw.iloc[:, same[0]].astype("string")
    for i in same[1:]:
        values = values.where(values.str.strip().fillna("") != "", raw.iloc[:, i].astype("string"))
    return parse_numbers(values, path, "Story points", dq=dq)


# ------------------------------------------------------------------------------------- REST JSON
def read_jira_json(
    path: str | Path, *, columns: Mapping[str, str] | None = None, dq: DataQuality | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read Jira REST search results (one page, or a list of pages) with their changelogs.

    Custom fields are found by name through each page's ``names`` section (``Sprint``,
    ``Story point estimate`` / ``Story Points``), or by shape for sprints when ``names`` is absent.

    Parameters
    ----------
    path : str or Path
    columns : mapping, optional
        ``estimate`` / ``sprints`` -> the custom field's name in ``names`` when your instance calls it
        otherwise (``{"estimate": "Effort"}``); tried before the usual names. Other keys name CSV
        headers and do not apply to JSON.
    dq : DataQuality, optional

    Returns
    -------
    items, transitions : DataFrame
        Transitions come from ``changelog.histories[].items[]`` with ``field == "status"``; empty
        when the search was run without ``expand=changelog``.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(path, "(file)", "Jira search JSON", f"unreadable JSON ({exc})") from None
    pages = data if isinstance(data, list) else [data]
    rows, moves = [], []
    for page in pages:
        if not isinstance(page, dict):
            raise InputError(path, "issues", "a search result object", type(page).__name__)
        names = page.get("names") or {}
        issues = page.get("issues", [page] if "fields" in page else None)
        if issues is None:
            raise InputError(path, "issues", "a list of issues", f"keys {', '.join(list(page)[:8])}")
        for issue in issues:
            rows.append(_json_issue(issue, names, path, columns or {}))
            moves.extend(_json_moves(issue))
    if not rows:
        raise InputError(path, "issues", "at least one issue", "an empty search result")
    items = pd.DataFrame(rows)
    for col in ("created", "resolved", "due"):
        items[col] = strip_offset(items[col])
    items["source"] = f"Jira JSON ({path.name})"
    transitions = pd.DataFrame(moves) if moves else empty_transitions()
    if moves:
        transitions["at"] = strip_offset(transitions["at"])
        transitions["source"] = f"Jira JSON ({path.name})"
    elif dq is not None:
        dq.add(
            path,
            "changelog",
            "no status history (search run without expand=changelog)",
            "cycle time from created date (lead time); no cumulative flow",
            rows=len(items),
        )
    return finish_items(items), finish_transitions(transitions)


def _field_id(fields: dict, names: dict, *wanted: str) -> str | None:
    lowered = {str(v).lower(): k for k, v in names.items()}
    for name in wanted:
        if name.lower() in lowered and lowered[name.lower()] in fields:
            return lowered[name.lower()]
    return None


def _json_issue(issue: dict, names: dict, path: Path, columns: Mapping[str, str]) -> dict:
    fields = issue.get("fields")
    if not isinstance(fields, dict) or "key" not in issue:
        raise InputError(
            path, "issues[].fields", "issues with 'key' and 'fields'", f"keys {', '.join(list(issue)[:8])}"
        )
    status = fields.get("status") or {}
    if not status:
        raise InputError(path, f"{issue['key']}.fields.status", "a status", "no status field")
    category = (status.get("statusCategory") or {}).get("key") or (status.get("statusCategory") or {}).get("name")
    sprint_names = [columns["sprints"]] if columns.get("sprints") else []
    sprint_id = _field_id(fields, names, *sprint_names, "Sprint") or next(
        (
            k
            for k, v in fields.items()
            if isinstance(v, list) and v and isinstance(v[0], dict) and "state" in v[0] and "name" in v[0]
        ),
        None,
    )
    points_names = [columns["estimate"]] if columns.get("estimate") else []
    points_id = _field_id(fields, names, *points_names, "Story point estimate", "Story Points")
    parent = (fields.get("parent") or {}).get("key")
    return {
        "id": issue["key"],
        "title": fields.get("summary"),
        "type": (fields.get("issuetype") or {}).get("name"),
        "project": (fields.get("project") or {}).get("key"),
        "status": status.get("name"),
        "status_category": normalise_category(pd.Series([category])).iloc[0]
        if category
        else category_from_name(status.get("name")),
        "created": fields.get("created"),
        "resolved": fields.get("resolutiondate"),
        "due": fields.get("duedate"),
        "assignee": (fields.get("assignee") or {}).get("displayName"),
        "parent": parent,
        "sprints": [s.get("name") for s in (fields.get(sprint_id) or []) if isinstance(s, dict)] if sprint_id else [],
        "estimate": fields.get(points_id) if points_id else None,
        "labels": list(fields.get("labels") or []),
    }


def _json_moves(issue: dict) -> list[dict]:
    moves = []
    for history in (issue.get("changelog") or {}).get("histories", []):
        for item in history.get("items", []):
            if item.get("field") == "status":
                moves.append(
                    {
                        "id": issue["key"],
                        "at": history.get("created"),
                        "from_status": item.get("fromString"),
                        "to_status": item.get("toString"),
                    }
                )
    return moves
