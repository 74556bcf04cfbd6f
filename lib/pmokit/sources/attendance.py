"""Meeting attendance reports: Microsoft Teams (current and 2020-21 layouts) and Zoom participants.

Each file is one session. Three layouts are read:

* ``teams``: the sectioned report Teams downloads today. Despite the ``.csv`` name it is
  tab-separated, usually UTF-16 LE with a BOM, in numbered sections (``1. Summary``,
  ``2. Participants``, ``3. In-Meeting Activities``) whose titles and headers follow the organiser's
  language. Section 2 has one row per person, section 3 one row per join/leave pair. The 2021
  variant (an unnumbered ``Meeting Summary`` block followed by one row per person) is read too.
* ``teams_legacy``: the 2020-21 flat log ``Full Name, User Action, Timestamp`` with ``Joined``,
  ``Left`` and ``Joined before`` actions, one row per event.
* ``zoom``: the participants report: a meeting header block, a blank line, then one row per join.

Dates are written in the organiser's locale (``3/14/26, 9:02:11 AM``, ``14/03/26 09:02:11``,
``14.03.2026, 09:02:11``); whether day or month comes first is decided from all dates of a file
(a number above 12 decides), never guessed per value. All times are kept as written (naive wall
clock, the organiser's local time).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import EXCEL_SUFFIXES, TEXT_SUFFIXES, decode_bytes, screen_file

__all__ = [
    "Attendance",
    "SESSION_COLUMNS",
    "JOIN_COLUMNS",
    "LAYOUTS",
    "ROLES",
    "read_attendance",
    "infer_date_order",
    "parse_datetimes",
    "parse_duration_minutes",
    "looks_like_date",
]

SESSION_COLUMNS = ["session_id", "file", "title", "start", "end", "duration_min", "layout", "has_intervals"]
JOIN_COLUMNS = ["session_id", "name", "email", "upn", "role", "join", "leave", "minutes", "guest"]
LAYOUTS = ("teams", "teams_legacy", "zoom")
ROLES = ("organizer", "presenter", "attendee")


@dataclass
class Attendance:
    """Sessions and the join/leave intervals of their participants (see ``EVENTS_SPEC.md``).

    Attributes
    ----------
    sessions : DataFrame
        One row per file, columns :data:`SESSION_COLUMNS`.
    joins : DataFrame
        One row per join/leave interval, columns :data:`JOIN_COLUMNS`.
    paths : dict
        ``session_id`` -> the file it was read from (for the report's list of sources).
    """

    sessions: pd.DataFrame
    joins: pd.DataFrame
    paths: dict[str, Path] = dataclasses.field(default_factory=dict)


# ----------------------------------------------------------------------------- dates
# One pattern for every locale the reports use: day/month/year with / - or . and a 2- or 4-digit
# year, or ISO year-month-day; an optional time with an optional AM/PM (also "a. m.", "p.m.").
_DATE = re.compile(
    r"^(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})[./-](?P<c>\d{2,4})\.?"
    r"(?:(?:\s*,\s*|\s+|T)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"(?:\s*(?P<ampm>[aApP])\.?\s?[mM]\.?)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2}|(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?)?$"
)
#: Shown when a date cannot be read.
DATE_FORMATS = "'3/14/26, 9:02:11 AM', '14/03/26 09:02:11', '14.03.2026, 09:02:11' or '2026-03-14 09:02:11'"
#: Invisible marks some locales put around dates (left-to-right mark, right-to-left mark, BOM).
_MARKS = re.compile("[\u200e\u200f\ufeff]")
_ORDER_WORDS = {"MDY": "month/day/year", "DMY": "day/month/year"}


_DROP_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\ufeff"))


def _clean(value) -> str:
    """A cell as a string without surrounding blanks or invisible marks ('' for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    return (text if text.isascii() else text.translate(_DROP_MARKS)).strip()


@lru_cache(maxsize=1 << 16)
def _date_parts(text: str) -> tuple | None:
    """(a, sep, b, c, hour, minute, second, ampm) of a date string, or None when it is no date.

    Plain Python with a cache: a report repeats its timestamps, and per-file pandas string
    operations cost more than the regular expression itself (200 reports: 30 s against 2 s).
    """
    match = _DATE.match(text)
    if match is None:
        return None
    a, sep, b, c, hour, minute, second, ampm = match.group("a", "sep", "b", "c", "H", "M", "S", "ampm")
    return a, sep, b, c, hour, minute, second, (ampm or "").lower()


@lru_cache(maxsize=1 << 16)
def _datetime(text: str, order: str) -> dt.datetime | None:
    """The date and time ``text`` means in ``order`` ("MDY"/"DMY"), or None when it means none."""
    parts = _date_parts(text)
    if parts is None:
        return None
    a, sep, b, c, hour, minute, second, ampm = parts
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    elif sep == "." or order == "DMY":
        day, month, year = int(a), int(b), int(c)
    else:
        month, day, year = int(a), int(b), int(c)
    year = year + 2000 if year < 100 else year
    h = int(hour or 0)
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm == "p" else 0)
    try:
        return dt.datetime(year, month, day, h, int(minute or 0), int(second or 0))
    except ValueError:
        return None


def looks_like_date(values: pd.Series) -> pd.Series:
    """True where a value has the shape of a date :func:`parse_datetimes` reads (blank: False).

    Examples
    --------
    >>> looks_like_date(pd.Series(["14.03.2026, 09:02:11", "soon", ""])).tolist()
    [True, False, False]
    """
    values = pd.Series(values)
    return pd.Series([_date_parts(_clean(v)) is not None for v in values], index=values.index, dtype=bool)


def infer_date_order(
    values: Iterable,
    file: str | Path,
    field: str = "(dates)",
    *,
    date_order: str | None = None,
    fallback: str | None = None,
    dq: DataQuality | None = None,
) -> str:
    """Decide whether the slash- or dash-separated dates of one file are month or day first.

    A first number above 12 means day first, a second number above 12 month first; one such
    value decides for the whole file. Dotted (``14.03.2026``) and ISO dates carry their order and
    do not vote. When nothing decides, ``date_order`` is used, else ``fallback``, else the clock
    (AM/PM: US month first; 24 h: day first), and a data-quality line says so.

    Parameters
    ----------
    values : iterable of str
        Every date of the file (blanks and non-dates are ignored).
    file, field : str
        Named in notes and errors.
    date_order : {"MDY", "DMY"}, optional
        The params' choice for files that do not decide.
    fallback : {"MDY", "DMY"}, optional
        Used instead of the clock rule when ``date_order`` is None (registrations: Forms writes
        US dates with a 24 h clock).
    dq : DataQuality, optional
        Receives the note on an undecided order.

    Returns
    -------
    str
        ``"MDY"`` or ``"DMY"``.

    Raises
    ------
    InputError
        Some dates are day first and others month first.

    Examples
    --------
    >>> infer_date_order(["3/14/26, 9:02:11 AM", "3/1/26, 10:00:00 AM"], "a.csv")
    'MDY'
    >>> infer_date_order(["01/03/26 09:02:11"], "a.csv", date_order="MDY")
    'MDY'
    """
    day_first = month_first = None
    voters = twelve_hour = 0
    for value in dict.fromkeys(_clean(v) for v in values):
        parts = _date_parts(value) if value else None
        if parts is None or parts[1] not in "/-" or len(parts[0]) > 2:
            continue
        voters += 1
        twelve_hour += bool(parts[7])
        if int(parts[0]) > 12 and day_first is None:
            day_first = value
        if int(parts[2]) > 12 and month_first is None:
            month_first = value
    if day_first and month_first:
        raise InputError(
            file,
            field,
            "dates in one order (all day first or all month first)",
            f"{day_first!r} (day first) and {month_first!r} (month first)",
        )
    if day_first or month_first or not voters:
        return "DMY" if day_first else "MDY" if month_first else (date_order or fallback or "DMY").upper()
    if date_order:
        order, why = date_order.upper(), "as the date_order parameter says"
    elif fallback:
        order, why = fallback, "the usual order of this export"
    elif twelve_hour:
        order, why = "MDY", "12-hour AM/PM clock, as US exports write"
    else:
        order, why = "DMY", "24-hour clock, as day-first locales write"
    if dq is not None:
        dq.add(
            file,
            field,
            "day and month order not decidable (no day above 12 in any date)",
            f"read as {_ORDER_WORDS.get(order, order)} ({why})",
        )
    return order


def parse_datetimes(values: Iterable, file: str | Path, field: str, order: str) -> pd.Series:
    """Parse locale-formatted dates (time optional) in a known day/month ``order``.

    Blanks become NaT; any other unreadable value raises.

    Returns
    -------
    Series of datetime64[ns]
        Indexed like ``values`` when it is a Series.

    Raises
    ------
    InputError
        A value is not a date in any of the formats; the message shows it and the formats tried.

    Examples
    --------
    >>> parse_datetimes(["3/14/26, 9:02:11 PM", "14.03.2026, 09:02:11", ""], "a.csv", "Join", "MDY").tolist()
    [Timestamp('2026-03-14 21:02:11'), Timestamp('2026-03-14 09:02:11'), NaT]
    """
    index = values.index if isinstance(values, pd.Series) else None
    texts = [_clean(v) for v in values]
    parsed = [_datetime(t, order) if t else None for t in texts]
    bad = [t for t, d in zip(texts, parsed) if t and d is None]
    if bad:
        raise InputError(file, field, f"a date and time like {DATE_FORMATS}", f"{bad[0]!r} ({len(bad)} such value(s))")
    stamps = np.array([np.datetime64(d, "ns") if d else np.datetime64("NaT", "ns") for d in parsed], "datetime64[ns]")
    return pd.Series(stamps, index=index, dtype="datetime64[ns]")


# ----------------------------------------------------------------------------- durations
_CLOCK_DURATION = re.compile(r"^(\d+):(\d{1,2})(?::(\d{1,2}))?$")
_DURATION_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\W\d_]+)\.?")
_HOUR_UNITS = ("h", "std", "godz", "uur", "ore", "tim")
_SECOND_UNITS = ("s", "sek", "seg", "sec")


@lru_cache(maxsize=4096)
def parse_duration_minutes(text: str) -> float:
    """Minutes in a duration as the reports write it; NaN when blank or unreadable.

    Teams writes ``1h 5m 12s``, ``38m 5s``, ``45s`` (units translated in some locales:
    ``1 godz. 5 min 12 sek.``, ``1 Std. 5 Min.``); re-saved files show ``01:05:12``; Zoom gives
    plain minutes.

    Examples
    --------
    >>> [round(parse_duration_minutes(t), 4) for t in ["1h 5m 12s", "38m 5s", "45s", "01:05:12", "12"]]
    [65.2, 38.0833, 0.75, 65.2, 12.0]
    >>> math.isnan(parse_duration_minutes("soon"))
    True
    """
    value = _MARKS.sub("", str(text)).strip().lower()
    if not value:
        return math.nan
    clock = _CLOCK_DURATION.match(value)
    if clock:
        h, m, s = (int(g) if g else 0 for g in clock.groups())
        if clock.group(3) is None:  # "38:05" is minutes and seconds
            h, m, s = 0, h, m
        return h * 60 + m + s / 60
    try:
        return float(value.replace(",", "."))
    except ValueError:
        pass
    parts = _DURATION_PART.findall(value)
    if not parts or _DURATION_PART.sub("", value).strip(" .,"):
        return math.nan
    minutes = 0.0
    for number, unit in parts:
        amount = float(number.replace(",", "."))
        if unit.startswith(_HOUR_UNITS):
            minutes += amount * 60
        elif unit.startswith(_SECOND_UNITS):
            minutes += amount / 60
        elif unit.startswith("m"):
            minutes += amount
        else:
            return math.nan
    return minutes


def _durations(values: Iterable[str], file, field: str, dq: DataQuality | None) -> list[float]:
    out = [parse_duration_minutes(v) for v in values]
    bad = [v for v, m in zip(values, out) if v and math.isnan(m)]
    if dq is not None and bad:
        dq.add(file, field, f"unreadable duration (e.g. {bad[0]!r})", "left blank", rows=len(bad))
    return out


# ----------------------------------------------------------------------------- file splitting
def _rows(text: str) -> list[list[str]]:
    """Rows of a tab-, comma- or semicolon-separated text, cells stripped of blanks and marks."""
    head = text[:20000]
    if "\t" in head:
        delimiter = "\t"
    else:
        first = next((line for line in head.splitlines() if line.strip()), "")
        delimiter = ";" if first.count(";") > first.count(",") else ","
    text = text.translate(_DROP_MARKS)
    if delimiter != "\t":
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        return [[cell.strip() for cell in row] for row in reader]
    # Teams never quotes; a stray quote at the start of a name ("Bob" Smith) must not swallow the
    # rest of the file as csv quoting would. Cells Excel quoted on a re-save are unquoted here.
    return [
        [_unquote(cell.strip()) for cell in line.split("\t")] if '"' in line else [c.strip() for c in line.split("\t")]
        for line in text.splitlines()
    ]


def _unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"').strip()
    return cell


def _blank(row: Sequence[str]) -> bool:
    return not any(row)


def _cell(row: Sequence[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


# Section titles, lower case, in the languages Teams is most used in. Activities first: German
# "Aktivitäten in der Besprechung" and English "In-Meeting Activities" must not read as summaries.
_SECTION_PATTERNS = (
    ("activities", re.compile(r"activit|aktivit|actividad|attivit|activiteit|atividade")),
    ("participants", re.compile(r"particip|teilnehmer|partecipant|deelnemer")),
    ("summary", re.compile(r"summary|zusammenfassung|résumé|resume|resumen|riepilogo|samenvatting|resumo")),
)
_NUMBERED_TITLE = re.compile(r"^(\d{1,2})\.\s*(\D.*)$")
_SECTION_BY_NUMBER = {"1": "summary", "2": "participants", "3": "activities"}
_UNNUMBERED_TITLES = {"meeting summary", "summary", "zusammenfassung der besprechung", "résumé de la réunion"}


def _section_kind(row: Sequence[str]) -> str | None:
    """The section a title row opens ("summary", "participants", "activities", "other"), or None."""
    if not row or not row[0] or any(row[1:]):
        return None
    title = row[0].strip()
    numbered = _NUMBERED_TITLE.match(title)
    if numbered:
        words = numbered.group(2).lower()
        for kind, pattern in _SECTION_PATTERNS:
            if pattern.search(words):
                return kind
        return _SECTION_BY_NUMBER.get(numbered.group(1), "other")
    return "summary" if title.lower() in _UNNUMBERED_TITLES else None


def _split_sections(rows: list[list[str]]) -> dict[str, list[list[str]]]:
    """Rows of each Teams section (title rows removed); the first section of each kind wins."""
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in rows:
        kind = _section_kind(row)
        if kind is not None:
            current = [] if kind in sections or kind == "other" else sections.setdefault(kind, [])
            continue
        if current is not None:
            current.append(row)
    return sections


def _blocks(rows: list[list[str]]) -> list[list[list[str]]]:
    """Runs of non-blank rows separated by blank rows."""
    blocks, block = [], []
    for row in rows:
        if _blank(row):
            if block:
                blocks.append(block)
            block = []
        else:
            block.append(row)
    if block:
        blocks.append(block)
    return blocks


# ----------------------------------------------------------------------------- Teams headers
# Each participant header is matched in this order, each canonical field taking the first header
# that fits: "Participant ID (UPN)" must be the UPN before "particip" can call it a join time.
_HEADER_PATTERNS = (
    ("upn", re.compile(r"upn|principal|participant id|teilnehmer-id|id du participant|id\. de participante")),
    ("email", re.compile(r"e-?mail|correo|courriel|posta elettronica")),
    ("role", re.compile(r"^(role|rolle|rôle|rol|ruolo|função|funcao|user role)\b")),
    ("duration", re.compile(r"duration|dauer|durée|duree|duración|duracion|durata|duur|duração|attendance time")),
    ("leave", re.compile(r"leave|left|verlass|départ|depart|salida|uscita|verlaten|saída|saida|\bende\b")),
    ("join", re.compile(r"join|beitritt|arriv|particip|unión|union|entrada|ingresso|deelname|entrée|entree|start")),
    ("name", re.compile(r"name|nom|nombre|naam|nome")),
)


def _header_positions(header: Sequence[str]) -> dict[str, int]:
    """Canonical field -> column position for a Teams participants/activities header."""
    found: dict[str, int] = {}
    for position, text in enumerate(header):
        label = text.lower()
        for field, pattern in _HEADER_PATTERNS:
            if field not in found and pattern.search(label):
                found[field] = position
                break
    return found


_ROLE_WORDS = {
    "organizer": "organizer",
    "organiser": "organizer",
    "co-organizer": "organizer",
    "co-organiser": "organizer",
    "organisator": "organizer",
    "organisateur": "organizer",
    "organisatrice": "organizer",
    "organizador": "organizer",
    "organizzatore": "organizer",
    "host": "organizer",
    "presenter": "presenter",
    "referent": "presenter",
    "moderator": "presenter",
    "présentateur": "presenter",
    "presentateur": "presenter",
    "presentador": "presenter",
    "relatore": "presenter",
    "presentator": "presenter",
    "attendee": "attendee",
    "teilnehmer": "attendee",
    "teilnehmende": "attendee",
    "participant": "attendee",
    "participante": "attendee",
    "asistente": "attendee",
    "partecipante": "attendee",
    "deelnemer": "attendee",
}


def _roles(values: list[str], file, dq: DataQuality | None) -> list[str]:
    mapped = [_ROLE_WORDS.get(v.strip().lower().replace("‑", "-"), "") for v in values]
    unknown = [v for v, m in zip(values, mapped) if v and not m]
    if dq is not None and unknown:
        dq.add(file, "Role", f"role not recognised (e.g. {unknown[0]!r})", "role left blank", rows=len(unknown))
    return mapped


# ----------------------------------------------------------------------------- per-file readers
@dataclass
class _Session:
    """What one file yields before the session id is assigned."""

    title: str
    start: pd.Timestamp
    end: pd.Timestamp
    layout: str
    has_intervals: bool
    joins: pd.DataFrame  # JOIN_COLUMNS without session_id


def _fill_missing_times(joins: pd.DataFrame, start, end, file, dq: DataQuality | None) -> pd.DataFrame:
    """A blank join becomes the session start, a blank leave the session end (noted); a leave
    before its join is set to the join (a zero-length interval, noted)."""
    no_join = joins["join"].isna()
    no_leave = joins["leave"].isna()
    if not no_join.any() and not no_leave.any() and not (joins["leave"] < joins["join"]).any():
        return joins
    if dq is not None:
        dq.add(file, "join", "join time missing", "session start used", rows=int(no_join.sum()))
        dq.add(file, "leave", "leave time missing", "session end used", rows=int(no_leave.sum()))
    joins["join"] = joins["join"].mask(no_join, start)
    joins["leave"] = joins["leave"].mask(no_leave, end)
    backwards = joins["leave"] < joins["join"]
    if dq is not None:
        dq.add(file, "leave", "leave time before join time", "counted as zero minutes", rows=int(backwards.sum()))
    joins["leave"] = joins["leave"].mask(backwards, joins["join"])
    return joins


def _session_bounds(start, end, joins: pd.DataFrame, file, dq: DataQuality | None) -> tuple:
    """The file's start/end, or the first join/last leave when the file gives none (noted)."""
    if pd.isna(start):
        start = joins["join"].min()
        if dq is not None:
            dq.add(file, "Start time", "meeting start not in the file", "first join used")
    if pd.isna(end):
        end = joins["leave"].max()
        if dq is not None:
            dq.add(file, "End time", "meeting end not in the file", "last leave used")
    return start, end


_TITLE_KEY = re.compile(r"title|titel|titre|título|titulo|titolo|\btopic\b|onderwerp|betreff")
_START_KEY = re.compile(r"\bstart|beginn|début|debut|inicio|inizio|\bbegin")
_END_KEY = re.compile(r"\bend(e|zeit)?\b|\bfin\b|finaliz|\bfine\b|\beinde")


def _summary_values(block: list[list[str]]) -> tuple[str, str, str]:
    """(title, start text, end text) from the Summary's key/value rows ('' when absent).

    Keys are matched in several languages; when the start or end key is unknown, the first two
    values that look like dates are taken (Summary lists the start before the end everywhere).
    """
    title = start = end = ""
    dated = []
    for row in block:
        key, value = row[0].lower(), _cell(row, 1)
        if _DATE.match(value):
            dated.append(value)
        if not title and _TITLE_KEY.search(key):
            title = value
        elif not start and _START_KEY.search(key) and _DATE.match(value):
            start = value
        elif not end and _END_KEY.search(key) and _DATE.match(value):
            end = value
    if not start and dated:
        start = dated[0]
    if not end and len(dated) > 1:
        end = dated[1]
    return title, start, end


def _is_people_header(row: Sequence[str]) -> bool:
    fields = _header_positions(row)
    return "name" in fields and ("join" in fields or "leave" in fields)


def _people_table(rows: list[list[str]], file, section: str) -> tuple[list[str], list[list[str]]]:
    """(header, data rows) of a participants/activities section: its first block."""
    blocks = _blocks(rows)
    if not blocks or len(blocks[0]) < 2:
        raise InputError(
            file,
            section,
            "at least one participant row below the header",
            "an empty participants section" if blocks else "no header and no rows",
        )
    header, *data = blocks[0]
    return header, data


def _read_teams(rows: list[list[str]], sections, file, date_order, dq) -> _Session:
    summary = _blocks(sections.get("summary", []))
    participants = sections.get("participants")
    if participants is None:
        # 2021 layout: the summary block, a blank line, then the participants table without a title.
        extra = [b for b in summary[1:] if _is_people_header(b[0])]
        if extra:
            participants = extra[0]
    title, start_text, end_text = _summary_values(summary[0] if summary else [])
    activities = sections.get("activities")
    if participants is None and activities is None:
        raise InputError(
            file,
            "Participants",
            "a Participants section (2. Participants) below the Summary",
            "a Summary without participants",
        )
    people = _people_table(participants, file, "Participants") if participants is not None else None
    activity = _blocks(activities or [])
    use_activities = bool(activity) and len(activity[0]) >= 2
    header, data = (activity[0][0], activity[0][1:]) if use_activities else people
    section = "In-Meeting Activities" if use_activities else "Participants"
    positions = _header_positions(header)
    if "name" not in positions or not ({"join", "leave"} & set(positions)):
        found = ", ".join(repr(h) for h in header if h)
        raise InputError(
            file, section, "columns Name, Join Time and Leave Time (or First Join, Last Leave)", f"headers {found}"
        )
    column = _columns(data, positions, [field for field, _ in _HEADER_PATTERNS])
    if use_activities and "upn" not in positions and people is not None:
        column["upn"] = _upn_from_participants(people, column, file)
    all_dates = [start_text, end_text, *column["join"], *column["leave"]]
    order = infer_date_order(all_dates, file, date_order=date_order, dq=dq)
    joins = pd.DataFrame(
        {
            "name": column["name"],
            "email": [v.lower() for v in column["email"]],
            "upn": [v.lower() for v in column["upn"]],
            "role": _roles(column["role"], file, dq),
            "join": parse_datetimes(column["join"], file, f"{section}: join", order),
            "leave": parse_datetimes(column["leave"], file, f"{section}: leave", order),
            "minutes": _durations(column["duration"], file, f"{section}: duration", dq),
        }
    )
    joins["guest"] = (joins["email"] == "") & ~joins["upn"].str.contains("@", regex=False)
    start = parse_datetimes([start_text], file, "Start time", order).iloc[0]
    end = parse_datetimes([end_text], file, "End time", order).iloc[0]
    start, end = _session_bounds(start, end, joins, file, dq)
    joins = _fill_missing_times(joins, start, end, file, dq)
    return _Session(title or Path(file).stem, start, end, "teams", use_activities, joins)


def _columns(data: list[list[str]], positions: Mapping[str, int | None], fields: Iterable[str]) -> dict[str, list[str]]:
    """Field -> its cells down ``data`` ('' where a row is short or the field has no column)."""
    width = max((p for p in positions.values() if p is not None), default=-1) + 1
    padded = [row if len(row) >= width else row + [""] * (width - len(row)) for row in data]
    by_position = list(zip(*padded)) if padded else []
    return {
        field: list(by_position[positions[field]])
        if positions.get(field) is not None and by_position
        else [""] * len(data)
        for field in fields
    }


def _upn_from_participants(people: tuple[list[str], list[list[str]]], column: dict, file) -> list[str]:
    """Section 3 has no UPN column: take each row's UPN from section 2 (by e-mail, else by name)."""
    header, data = people
    positions = _header_positions(header)
    if "upn" not in positions:
        return ["" for _ in column["name"]]
    by_email, by_name = {}, {}
    for row in data:
        upn = _cell(row, positions["upn"])
        email = _cell(row, positions.get("email")).lower()
        if email:
            by_email.setdefault(email, upn)
        by_name.setdefault(_cell(row, positions.get("name")), upn)
    return [
        by_email.get(email.lower()) or by_name.get(name, "") if email else by_name.get(name, "")
        for name, email in zip(column["name"], column["email"])
    ]


_LEGACY_ACTION = re.compile(r"action|aktion|acción|accion|azione|actie")
_LEGACY_TIME = re.compile(r"timestamp|zeitstempel|horodatage|marca de tiempo|data/ora|tijdstempel|time")
_JOINED_BEFORE = re.compile(r"before|vorher|avant|antes|prima|eerder")
_LEFT = re.compile(r"left|verlass|quitt|sali|uscit|verlat|parti")
_JOINED = re.compile(r"join|beigetreten|rejoint|unido|unió|entr|partecip|deelgenomen|toegetreden")


def _legacy_header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """(row index, positions) of a legacy ``Full Name, User Action, Timestamp`` header, or None."""
    for index, row in enumerate(rows[:5]):
        labels = [c.lower() for c in row]
        action = next((i for i, c in enumerate(labels) if _LEGACY_ACTION.search(c)), None)
        stamp = next((i for i, c in enumerate(labels) if i != action and _LEGACY_TIME.search(c)), None)
        if action is not None and stamp is not None:
            name = next((i for i in range(len(labels)) if i not in (action, stamp) and labels[i]), 0)
            return index, {"name": name, "action": action, "time": stamp}
    return None


def _read_legacy(rows: list[list[str]], found: tuple[int, dict[str, int]], file, date_order, dq) -> _Session:
    index, pos = found
    data = [r for r in rows[index + 1 :] if not _blank(r)]
    if not data:
        raise InputError(file, "User Action", "at least one Joined/Left row below the header", "only the header")
    names = [_cell(r, pos["name"]) for r in data]
    actions = [_legacy_action(_cell(r, pos["action"])) for r in data]
    stamps = [_cell(r, pos["time"]) for r in data]
    order = infer_date_order(stamps, file, "Timestamp", date_order=date_order, dq=dq)
    times = parse_datetimes(stamps, file, "Timestamp", order)
    unknown = sum(a is None for a in actions)
    if dq is not None:
        dq.add(file, "User Action", "action not Joined, Left or Joined before", "row ignored", rows=unknown)
    events = pd.DataFrame({"name": names, "action": actions, "time": times})
    events = events[events["action"].notna() & events["time"].notna()]
    if events.empty:
        raise InputError(file, "User Action", "Joined/Left rows with a timestamp", "none")
    start, end = events["time"].min(), events["time"].max()
    intervals = _legacy_intervals(events, start, end, file, dq)
    joins = pd.DataFrame(intervals, columns=["name", "join", "leave"])
    joins = joins.assign(email="", upn="", role="", minutes=math.nan, guest=False)
    return _Session(Path(file).stem, start, end, "teams_legacy", True, joins)


def _legacy_action(text: str) -> str | None:
    label = text.lower()
    if _JOINED_BEFORE.search(label):
        return "join"
    if _LEFT.search(label):
        return "leave"
    if _JOINED.search(label):
        return "join"
    return None


def _legacy_intervals(events: pd.DataFrame, start, end, file, dq) -> list[tuple]:
    """Pair each person's Joined with the next Left, in time order (file order on equal times)."""
    intervals, orphan_leaves, open_at_end = [], 0, 0
    ordered = events.sort_values("time", kind="stable")
    for name, group in ordered.groupby("name", sort=False):
        opened = None
        for action, time in zip(group["action"], group["time"]):
            if action == "join":
                opened = time if opened is None else opened  # a repeated Joined keeps the first
            elif opened is None:
                orphan_leaves += 1
                intervals.append((name, start, time))
            else:
                intervals.append((name, opened, time))
                opened = None
        if opened is not None:
            open_at_end += 1
            intervals.append((name, opened, end))
    if dq is not None:
        dq.add(file, "User Action", "Left without an earlier Joined", "joined at the meeting start", orphan_leaves)
        dq.add(file, "leave", "Joined without a later Left", "session end used", rows=open_at_end)
    return intervals


def _zoom_positions(row: Sequence[str]) -> dict[str, int] | None:
    labels = [c.lower() for c in row]

    def first(*prefixes: str) -> int | None:
        return next((i for i, c in enumerate(labels) if c.startswith(prefixes)), None)

    join, leave = first("join time"), first("leave time")
    if join is None or leave is None:
        return None
    return {
        "name": first("name", "participant", "user name"),
        "email": first("user email", "email"),
        "join": join,
        "leave": leave,
        "duration": first("duration"),
        "guest": first("guest"),
        "waiting": first("in waiting room"),
    }


def _read_zoom(rows: list[list[str]], file, date_order, dq) -> _Session | None:
    """A Zoom participants report, or None when ``rows`` have no Join Time/Leave Time header."""
    header_at = next((i for i, r in enumerate(rows) if _zoom_positions(r)), None)
    if header_at is None:
        return None
    pos = _zoom_positions(rows[header_at])
    meta: dict[str, str] = {}
    for i, row in enumerate(rows[:header_at]):
        labels = [c.lower() for c in row]
        if "topic" in labels or "meeting id" in labels:
            values = rows[i + 1] if i + 1 < header_at else []
            meta = {label: _cell(values, j) for j, label in enumerate(labels)}
            break
    data = []
    for row in rows[header_at + 1 :]:
        if _blank(row):
            break
        data.append(row)
    if not data:
        raise InputError(file, "participants", "at least one participant row below the header", "none")
    waiting = [_cell(r, pos["waiting"]).lower() in {"yes", "true", "y", "1"} for r in data]
    if dq is not None:
        dq.add(file, "In Waiting Room", "rows for time in the waiting room", "not counted as attendance", sum(waiting))
    data = [r for r, w in zip(data, waiting) if not w]
    if not data:
        raise InputError(file, "participants", "at least one participant admitted to the meeting", "none")
    column = _columns(data, pos, pos.keys())
    start_text = meta.get("start time", "")
    end_text = meta.get("end time", "")
    all_dates = [start_text, end_text, *column["join"], *column["leave"]]
    order = infer_date_order(all_dates, file, date_order=date_order, dq=dq)
    host = next((v for k, v in meta.items() if k in {"user email", "host email"}), "").lower()
    emails = [v.lower() for v in column["email"]]
    joins = pd.DataFrame(
        {
            "name": column["name"],
            "email": emails,
            "upn": "",
            "role": ["organizer" if host and e == host else "" for e in emails],
            "join": parse_datetimes(column["join"], file, "Join Time", order),
            "leave": parse_datetimes(column["leave"], file, "Leave Time", order),
            "minutes": _durations(column["duration"], file, "Duration (Minutes)", dq),
            "guest": [v.lower() in {"yes", "true", "y", "1"} for v in column["guest"]],
        }
    )
    start = parse_datetimes([start_text], file, "Start Time", order).iloc[0]
    end = parse_datetimes([end_text], file, "End Time", order).iloc[0]
    start, end = _session_bounds(start, end, joins, file, dq)
    joins = _fill_missing_times(joins, start, end, file, dq)
    title = meta.get("topic", "") or Path(file).stem
    return _Session(title, start, end, "zoom", True, joins)


def _read_one(path: Path, date_order: str | None, dq: DataQuality | None) -> _Session:
    problem = screen_file(path)
    if problem is not None:
        raise problem
    if path.suffix.lower() in EXCEL_SUFFIXES:
        raise InputError(
            path,
            "(file)",
            "the attendance report as Teams or Zoom downloads it (.csv)",
            "an Excel workbook: download the report again, or save the sheet as tab-separated text",
        )
    rows = _rows(decode_bytes(path.read_bytes(), path, dq))
    sections = _split_sections(rows)
    if sections:
        return _read_teams(rows, sections, path, date_order, dq)
    legacy = _legacy_header(rows)
    if legacy is not None:
        return _read_legacy(rows, legacy, path, date_order, dq)
    zoom = _read_zoom(rows, path, date_order, dq)
    if zoom is not None:
        return zoom
    first = next((" | ".join(c for c in r if c)[:80] for r in rows if not _blank(r)), "an empty file")
    raise InputError(
        path,
        "(layout)",
        "a Teams attendance report (1. Summary / 2. Participants), the older Full Name/User Action/Timestamp "
        "log, or a Zoom participants report (Join Time, Leave Time)",
        f"a file starting {first!r}" if rows else "an empty file",
    )


# ----------------------------------------------------------------------------- entry point
def _attendance_files(paths) -> list[Path]:
    """Every attendance file named by ``paths``: files as given, folders' text files sorted by name."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths or [])
    if not items:
        raise InputError(None, "attendance_paths", "at least one attendance report or folder", "none")
    files: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                (p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES),
                key=lambda p: p.name,
            )
            if not found:
                raise InputError(
                    path, "(folder)", "attendance reports (.csv, .tsv or .txt files)", "none in the folder"
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(path, "(file)", "an existing attendance report or folder", "no such file")
    return files


def _unique_id(stem: str, used: set[str]) -> str:
    candidate, n = stem, 2
    while candidate in used:
        candidate, n = f"{stem}-{n}", n + 1
    used.add(candidate)
    return candidate


def read_attendance(paths, *, dq: DataQuality | None = None, date_order: str | None = None) -> Attendance:
    """Read Teams and Zoom attendance reports: one session per file.

    Parameters
    ----------
    paths : str, Path or list of them
        Files and folders; a folder contributes every ``.csv``/``.tsv``/``.txt`` in it, by name.
    dq : DataQuality, optional
        Receives notes: encodings, undecidable day/month order, missing leave times, unknown roles.
    date_order : {"MDY", "DMY"}, optional
        Day/month order for files whose dates do not decide it (no day above 12).

    Returns
    -------
    Attendance
        ``sessions`` and ``joins`` as :data:`SESSION_COLUMNS` and :data:`JOIN_COLUMNS` describe.

    Raises
    ------
    InputError
        A file is not an attendance report, has an empty participants section, or an unreadable date.
    """
    if date_order is not None and str(date_order).upper() not in _ORDER_WORDS:
        raise InputError(None, "date_order", "'MDY' or 'DMY'", repr(date_order))
    used: set[str] = set()
    session_rows, join_frames = [], []
    files = _attendance_files(paths)
    for path in files:
        session = _read_one(path, date_order, dq)
        session_id = _unique_id(path.stem, used)
        session_rows.append(
            {
                "session_id": session_id,
                "file": path.name,
                "title": session.title.strip(),
                "start": session.start,
                "end": session.end,
                "layout": session.layout,
                "has_intervals": session.has_intervals,
            }
        )
        join_frames.append(session.joins.assign(session_id=session_id))
    paths = {row["session_id"]: path for row, path in zip(session_rows, files)}
    return Attendance(_sessions_frame(session_rows), _joins_frame(join_frames), paths)


def _sessions_frame(rows: list[dict]) -> pd.DataFrame:
    sessions = pd.DataFrame(rows)
    for field in ("start", "end"):
        sessions[field] = pd.to_datetime(sessions[field]).astype("datetime64[ns]")
    sessions["duration_min"] = (sessions["end"] - sessions["start"]).dt.total_seconds() / 60
    for field in ("session_id", "file", "title", "layout"):
        sessions[field] = sessions[field].astype("str")
    sessions["has_intervals"] = sessions["has_intervals"].astype(bool)
    return sessions[SESSION_COLUMNS]


def _joins_frame(frames: list[pd.DataFrame]) -> pd.DataFrame:
    joins = pd.concat(frames, ignore_index=True)
    for field in ("session_id", "name", "email", "upn", "role"):
        joins[field] = joins[field].astype("str").fillna("").str.strip()
    for field in ("join", "leave"):
        joins[field] = joins[field].astype("datetime64[ns]")
    joins["minutes"] = joins["minutes"].astype("float64")
    joins["guest"] = joins["guest"].astype(bool)
    return joins[JOIN_COLUMNS]
