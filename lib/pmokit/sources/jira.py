"""Jira exports: the CSV of Issues > Export (Cloud and Server/Data Center) and REST search JSON.

Both return the canonical work-item table of :mod:`pmokit.sources.work_item_schema`; the JSON reader also
returns the status transitions from the changelog when the export has one.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import (
    EXCEL_SUFFIXES,
    _sniff_delimiter,  # private, shared on purpose: the fast path must split columns as read_table does
    binary_content,
    load_json,
    map_columns,
    parse_dates,
    parse_numbers,
    read_table,
)
from pmokit.sources.work_item_schema import (
    category_from_name,
    empty_transitions,
    finish_items,
    finish_transitions,
    no_gc_pauses,
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
    raw = read_export(path, dq)
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
    out["status_category"], out["category_guessed"] = _categories(found, path, dq)
    # Status Category Changed is when the item entered its current category: for items in
    # progress that is the start of work (unless it bounced back, which the CSV cannot show).
    out["started"] = dates["status_category_changed"].where(out["status_category"] == "in progress")
    out["estimate"] = _estimate(raw, (columns or {}).get("estimate"), path, dq)
    out["sprints"] = _gather_repeated(raw, (columns or {}).get("sprints", "Sprint"))
    out["labels"] = _gather_repeated(raw, (columns or {}).get("labels", "Labels"))
    out["source"] = source
    blank = out["id"].astype("string").str.strip().fillna("") == ""
    if dq is not None:
        dq.add(path, "Issue key", "blank issue key", "row dropped", rows=int(blank.sum()))
    return finish_items(out.loc[~blank])


# ------------------------------------------------------------------------------------ fast CSV path
def read_export(path: Path, dq: DataQuality | None = None) -> pd.DataFrame:
    """The export's cells as text ('' when empty), headers stripped and repeated headers kept.

    The same table as :func:`pmokit.sources.read_table`, read by pyarrow's multi-threaded CSV parser
    when the file is plain UTF-8 text whose rows all have the header's width (as Jira writes them):
    several times faster than pandas' C parser on large exports (``bench/bench_delivery.py``), and
    the columns stay Arrow strings. Anything else (cp1252, UTF-16, ragged rows, a blank first line,
    Excel) goes through ``read_table``, which handles it.
    """
    return _read_csv_arrow(path, dq) if _arrow_can_read(path) else read_table(path, dq=dq)[0]


#: Bytes of the file's start that decide whether the fast path applies (as ``decode_bytes`` looks).
_HEAD_BYTES = 1 << 16


def _arrow_can_read(path: Path) -> bool:
    """Plain-text CSV that decodes as UTF-8 (checked on the head; pyarrow checks the rest)."""
    if path.suffix.lower() in EXCEL_SUFFIXES or not path.is_file():
        return False
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head or b"\x00" in head or binary_content(head):
        return False  # UTF-16, binary, empty: read_table's messages and fall-backs
    text = head.removeprefix(codecs.BOM_UTF8)
    # read_table keeps a blank first line as a blank header row; pyarrow would skip it
    return not text.startswith((b"\r", b"\n"))


def _read_csv_arrow(path: Path, dq: DataQuality | None = None) -> pd.DataFrame:
    """Read with pyarrow, or fall back to ``read_table`` when pyarrow refuses the file."""
    with open(path, "rb") as handle:
        text = handle.read(_HEAD_BYTES).decode("utf-8-sig", errors="replace")
    delimiter = _sniff_delimiter(text)
    header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    names = [f"c{i}" for i in range(len(header))]
    if not names:
        return read_table(path, dq=dq)[0]
    try:
        table = pv.read_csv(
            path,
            # 16 MB blocks: a block must hold a whole row, and comments can be long
            read_options=pv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, OSError, ValueError):  # ArrowInvalid is a ValueError
        # invalid UTF-8 (cp1252), rows wider or narrower than the header, ...: the general reader
        return read_table(path, dq=dq)[0]
    if table.num_rows == 0:
        return read_table(path, dq=dq)[0]
    headers = [str(v).strip() for v in table.slice(0, 1).to_pylist()[0].values()]
    body = table.slice(1)
    filled = [pc.greater(pc.binary_length(body.column(i)), 0) for i in range(body.num_columns)]
    keep = filled[0]
    for column in filled[1:]:
        keep = pc.or_(keep, column)
    if body.num_rows and not pc.all(keep).as_py():
        body = body.filter(keep)  # read_table drops rows whose every cell is empty
    frame = body.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow")}.get)
    frame.columns = pd.Index(headers, dtype=object)
    return frame


def _parse_jira_dates(found: pd.DataFrame, col: str, path: Path, fmt: str | None, dq: DataQuality | None) -> pd.Series:
    """Parse one date column; fail when none of its values fits the format (wrong setting)."""
    if col not in found:
        return pd.Series(pd.NaT, index=found.index, dtype="datetime64[ns]")
    header = col.replace("_", " ").capitalize()
    values = found[col]
    local = DataQuality()
    # Arrow's strip removes exactly the characters Python's str.strip does (checked for every code point)
    given = values.astype("string").str.strip().fillna("") != ""
    if fmt and "%b" in fmt:
        values = _english_months(values)
    parsed = _parse_dates(values, path, header, fmt)
    if fmt and " " in fmt and (parsed.isna() & given).any():
        # Server exports due dates without a time ("06/Mar/26"), Cloud with "12:00 AM".
        date_only = _parse_dates(values.where(parsed.isna()), path, header, fmt.split(" ")[0])
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


def _parse_dates(values: pd.Series, path: Path, field: str, fmt: str | None) -> pd.Series:
    """:func:`pmokit.sources.parse_dates` (no notes), vectorised for the usual Jira formats.

    pandas parses a format with ``%b`` or ``%p`` one string at a time (0.7 s per column at 400,000
    issues). Cells that match the format exactly are computed from their digits in Arrow and numpy;
    the rest (other spacing, impossible dates, unsupported formats) go through ``parse_dates``, so
    the result is the same cell for cell.
    """
    fast = _strptime_vectorised(values, fmt) if fmt else None
    if fast is None:
        return parse_dates(values, path, field, fmt=fmt, dq=None)
    parsed, matched = fast
    text = values.astype("string").str.strip()
    rest = ~matched & (text.fillna("") != "").to_numpy(dtype=bool)
    if rest.any():
        slow = parse_dates(values[rest], path, field, fmt=fmt, dq=None)
        parsed.iloc[np.flatnonzero(rest)] = slow.astype("datetime64[ns]").to_numpy()
    return parsed


# strptime directives the vectorised parser reads: (group name, the regex pandas' strptime uses, minus
# the space-padded and Unicode-digit forms, which fall back to pandas).
_DIRECTIVES = {
    "%d": ("day", r"3[01]|[12][0-9]|0[1-9]|[1-9]"),
    "%m": ("month", r"1[0-2]|0[1-9]|[1-9]"),
    "%b": ("month_name", r"[A-Za-z]{3}"),
    "%y": ("year2", r"[0-9][0-9]"),
    "%Y": ("year", r"[0-9]{4}"),
    "%H": ("hour", r"2[0-3]|[01][0-9]|[0-9]"),
    "%I": ("hour12", r"1[0-2]|0[1-9]|[1-9]"),
    "%M": ("minute", r"[0-5][0-9]|[0-9]"),
    "%S": ("second", r"[0-5][0-9]|[0-9]"),
    "%p": ("ampm", r"[AaPp][Mm]"),
}
_DATE_LITERALS = {"/": "/", "-": "-", ":": ":", " ": " ", ",": ",", ".": r"\."}
_MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _date_layout(fmt: str) -> tuple[str, dict[str, int]] | None:
    """How to read ``fmt`` without strptime: an anchored regex that a whole cell must match, and the
    piece (between separators) that holds each field. None when ``fmt`` is not a day-month-year format
    of :data:`_DIRECTIVES` with a separator between every two fields.

    Examples
    --------
    >>> _date_layout("%d/%b/%y %I:%M %p")[1]
    {'day': 0, 'month_name': 1, 'year2': 2, 'hour12': 3, 'minute': 4, 'ampm': 5}
    >>> _date_layout("%d%m%Y"), _date_layout("%j"), _date_layout("%d/%m/%y %I:%M"), _date_layout("%d/%m/%d")
    (None, None, None, None)
    """
    pattern, pieces, piece, after_field = [], {}, 0, False
    for part in re.split(r"(%.)", fmt):
        if part in _DIRECTIVES:
            name, regex = _DIRECTIVES[part]
            if name in pieces or after_field:
                return None  # repeated, or two fields with no separator between them
            pattern.append(f"(?:{regex})")
            pieces[name], after_field = piece, True
        elif part.startswith("%") or any(ch not in _DATE_LITERALS for ch in part):
            return None
        elif part:
            pattern.extend(_DATE_LITERALS[ch] for ch in part)
            piece, after_field = piece + len(part), False
    has = set(pieces)
    complete = "day" in has and len(has & {"month", "month_name"}) == 1 and len(has & {"year", "year2"}) == 1
    clock = ("hour12" in has) == ("ampm" in has) and not {"hour", "hour12"} <= has
    return ("^" + "".join(pattern) + "$", pieces) if complete and clock else None


def _strptime_vectorised(values: pd.Series, fmt: str) -> tuple[pd.Series, np.ndarray] | None:
    """Dates of the cells that match ``fmt`` exactly, and which cells those are; None for other formats.

    A regex match (Arrow's RE2, no captures) checks each cell; the matched cells are split at their
    separators and each piece cast to a number. Years from 1900 to 2200 only (two-digit years as
    strptime reads them: 69-99 are 19xx); impossible days (31/Feb) are left unmatched, for pandas to
    reject.
    """
    layout = _date_layout(fmt)
    if layout is None:
        return None
    pattern, pieces = layout
    text = pa.array(values.astype("string[pyarrow]").str.strip())
    hits = pc.fill_null(pc.match_substring_regex(text, pattern), False)
    rows = np.flatnonzero(hits.to_numpy(zero_copy_only=False))
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    matched = np.zeros(len(values), dtype=bool)
    if len(rows):
        cells = text.filter(hits)
        for ch in {ch for ch in fmt if ch in _DATE_LITERALS and ch != "/"}:
            cells = pc.replace_substring(cells, ch, "/")  # one separator: matched cells hold no other "/"
        stamps, valid = _stamps(pc.split_pattern(cells, "/"), pieces)
        out[rows[valid]] = stamps[valid]
        matched[rows[valid]] = True
    return pd.Series(out, index=values.index), matched


def _stamps(parts: pa.ListArray, pieces: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps from the split pieces of matched cells, and which of them are real dates."""

    def piece(name: str) -> pa.Array:
        return pc.list_element(parts, pieces[name])

    def number(name: str) -> np.ndarray:
        if name not in pieces:
            return np.zeros(len(parts), dtype=np.int64)
        return pc.cast(piece(name), pa.int64()).to_numpy(zero_copy_only=False)

    if "month_name" in pieces:
        month = pc.index_in(pc.utf8_lower(piece("month_name")), value_set=pa.array(_MONTH_NAMES))
        month = month.fill_null(-1).to_numpy(zero_copy_only=False) + 1
    else:
        month = number("month")
    year = number("year") if "year" in pieces else number("year2") + np.where(number("year2") < 69, 2000, 1900)
    hour = number("hour")
    if "hour12" in pieces:
        evening = pc.equal(pc.utf8_lower(piece("ampm")), "pm").to_numpy(zero_copy_only=False)
        hour = number("hour12") % 12 + np.where(evening, 12, 0)
    day = number("day")
    valid = (month >= 1) & (year >= 1900) & (year <= 2200)
    months = np.where(valid, (year - 1970) * 12 + month - 1, 0)
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(np.int64)
    valid &= day <= length
    seconds = hour * 3600 + number("minute") * 60 + number("second")
    stamps = (first + (day - 1)).astype("datetime64[ns]") + seconds.astype("timedelta64[s]")
    return stamps, valid


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


def _gather_repeated(frame: pd.DataFrame, header: str) -> pd.Series:
    """Every column named ``header`` joined into one list per row, blanks dropped (``Sprint`` x3).

    Same lists as :func:`pmokit.sources.gather_repeated`, but only the filled cells reach Python:
    most issues have no sprint or label beyond the first column.
    """
    with no_gc_pauses():
        rows: list[list[str]] = [[] for _ in range(len(frame))]
        for position in [i for i, c in enumerate(frame.columns) if str(c).strip() == header]:
            text = pa.array(frame.iloc[:, position].astype("string[pyarrow]"))
            filled = np.flatnonzero(pc.fill_null(pc.binary_length(text), 0).to_numpy(zero_copy_only=False) > 0)
            for row, value in zip(filled.tolist(), text.take(filled).to_pylist()):
                value = value.strip()
                if value:
                    rows[row].append(value)
        return pd.Series(rows, index=frame.index, dtype=object)


def _categories(found: pd.DataFrame, path: Path, dq: DataQuality | None) -> tuple[pd.Series, pd.Series]:
    """Jira's Status Category when present, else guessed from the status name and Resolved.

    Returns the categories and a mask of those guessed from the status name alone.
    """
    # one guess per distinct status name, not per issue (a regex search each, 400,000 issues)
    names = found["status"].astype("string")
    guessed = names.map({name: category_from_name(name) for name in names.dropna().unique()}).astype("string")
    resolved = pd.Series(False, index=found.index)
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
        return guessed, ~resolved
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
    return category.fillna(guessed), unknown & ~resolved


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
    # one-line error for bad, non-UTF-8 or absurdly nested JSON (RecursionError)
    data = load_json(path.read_bytes(), path)
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
        "category_guessed": not category,
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
