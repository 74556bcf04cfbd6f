"""Survey exports: Microsoft Forms, Google Forms, Qualtrics (three layouts), SurveyMonkey, plain tables.

:func:`read_export` detects the layout and returns every column under a unique key with its question
text; :func:`read_survey` then applies a :class:`~pmokit.sources.survey_definition.SurveyDefinition` and returns
the canonical :class:`SurveyResponses` (Likert answers as scale positions, NPS as numbers, groups,
comments). Respondent names, e-mails and IP addresses are never carried into the canonical frames
(the respondents' names travel only as a set of words to remove from comments and group answers).
Responses sent twice are counted once; every text cell that can reach a report is cut to
:data:`TEXT_CAP` characters, and every pattern that looks for personal data runs in linear time.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import openpyxl
import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import (  # the same cell text and delimiter as read_table
    EXCEL_SUFFIXES,
    _cell_text,
    _sniff_delimiter,
    decode_bytes,
    load_yaml,
    read_table,
)
from pmokit.sources.survey_definition import SurveyDefinition, parse_definition

LAYOUTS = ("msforms", "googleforms", "qualtrics", "qualtrics_insights", "qualtrics_legacy", "surveymonkey", "plain")

#: Columns that identify a respondent: never used as a group, comment or item, never reported.
IDENTITY_COLUMNS = {
    "email",
    "name",
    "email address",
    "e-mail",
    "recipientemail",
    "recipientfirstname",
    "recipientlastname",
    "emailaddress",
    "first name",
    "last name",
    "ip address",
    "ipaddress",
    "respondent email",
}
_NO_ANSWER = "(no answer)"
_MONKEY_SINGLE = {"", "response", "open-ended response"}


@dataclass
class SurveyExport:
    """A survey export read as text, one row per kept response.

    Attributes
    ----------
    frame : DataFrame
        Every cell as text; columns are unique keys (export tags for Qualtrics, header text otherwise).
    questions : dict
        Column key -> question text (equal to the key for one-header layouts).
    layout : str
        One of :data:`LAYOUTS`.
    file : str
    excluded_incomplete : int
        Responses dropped because the tool marked them unfinished (Qualtrics ``Finished`` = 0/False).
    duplicates : int
        Responses dropped because they were submitted (or exported) twice (:func:`drop_duplicates`).
    """

    frame: pd.DataFrame
    questions: dict[str, str]
    layout: str
    file: str
    excluded_incomplete: int = 0
    duplicates: int = 0


@dataclass
class SurveyResponses:
    """Canonical survey responses (one row per kept response, same index in every frame).

    Attributes
    ----------
    likert : DataFrame
        One column per item label; values are scale positions 1..k (``Int8``), NA when blank or N/A.
    not_applicable : Series
        Item label -> count of not-applicable answers.
    items : DataFrame
        ``label, theme, column, question`` for each item, in definition order.
    nps : Series or None
        0-10 answers (``Float64``, NA when blank).
    groups : DataFrame
        One text column per group name; blank answers are ``"(no answer)"``.
    comments : DataFrame
        Long table ``respondent, question, text`` of non-blank comments (not yet redacted).
    layout, file : str
    excluded_incomplete : int
    duplicates : int
        Responses counted once though they were in the export twice.
    names : frozenset of str
        Name parts of the respondents (:func:`respondent_names`), only to remove them from comments and
        group answers; never shown.
    """

    likert: pd.DataFrame
    not_applicable: pd.Series
    items: pd.DataFrame
    nps: pd.Series | None
    groups: pd.DataFrame
    comments: pd.DataFrame
    layout: str
    file: str
    excluded_incomplete: int = 0
    scale: list[str] = field(default_factory=list)
    duplicates: int = 0
    names: frozenset[str] = frozenset()

    @property
    def responses(self) -> int:
        """Number of complete responses kept."""
        return len(self.likert)


# ----------------------------------------------------------------------------- personal data
#: Longest text cell (a comment, a group answer) that reaches a report; a longer one is cut and the cut said.
TEXT_CAP = 2_000
#: Characters after the cut that are searched, so that no e-mail, phone number or name is cut in two.
_CAP_LOOKAHEAD = 512

# Every pattern below runs in time linear in the text: quantifiers are possessive (no backtracking
# into a run) and a match may only start where a run of its characters starts (the look-behind), so a
# 100,000-character comment is searched once, not once per character.
_LOCAL = r"(?<![\w.+-])[\w.+-]++"  # an e-mail's local part
_BRACKET_AT = r"\s*+[(\[{<]\s*+at\s*+[)\]}>]\s*+"  # x(at)y, x [at] y, x {at} y
_BRACKET_DOT = r"\s*+[(\[{<]\s*+dot\s*+[)\]}>]\s*+"
_TLD = r"[^\W\d_]{2,}+(?![\w-])"  # the last label: letters only, so "at 9.30" is no address
#: x@y.org, x @ y.org, x(at)y.org, x [at] y [dot] org
_EMAIL = re.compile(
    rf"{_LOCAL}(?:\s*+@\s*+|{_BRACKET_AT})(?:[\w-]++(?:\.|{_BRACKET_DOT}|\s++dot\s++))+{_TLD}", re.IGNORECASE
)
#: x at y dot org (the word "at" needs a written-out dot, so "logged in at portal.example.com" stays)
_EMAIL_WORDS = re.compile(rf"{_LOCAL}\s++at\s++(?:[\w-]++(?:{_BRACKET_DOT}|\s++dot\s++))+{_TLD}", re.IGNORECASE)
#: A run of digits with the separators of a phone number; a phone number is a run with 7 digits or more.
_DIGIT_RUN = re.compile(r"[+(]?\d[\d().\s-]*+")
_NAME_WORD = re.compile(r"[^\W\d_]{2,}")
_PHONE_DIGITS = 7
#: A date (2026-06-25, 25/06/2026, with the hour of a time after it) has the digits of a phone number but is none.
_DATE_RUN = re.compile(r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?:\s\d{1,2})?")
#: What a name column holds when a form was anonymous: no name.
_NO_NAME = {"anonymous", "anon", "unknown", "none", "nan", "null", "test"}
NAME_COLUMNS = {
    "name",
    "full name",
    "respondent name",
    "first name",
    "last name",
    "recipientfirstname",
    "recipientlastname",
}
EMAIL_COLUMNS = {"email", "email address", "e-mail", "recipientemail", "emailaddress", "respondent email"}
#: Replacement of each kind of personal data found in a text.
EMAIL_REMOVED, PHONE_REMOVED, NAME_REMOVED = "[e-mail removed]", "[phone removed]", "[name removed]"


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every phone number: 7+ digits with spaces, dots, dashes or brackets between.

    Digits glued to a word (``INC0012345``, ``v1234567x``) are part of that word, not a number.
    """
    spans = []
    for match in _DIGIT_RUN.finditer(text):
        start, end = match.start(), match.end()
        while end > start and not text[end - 1].isdigit():
            end -= 1
        if start > 0 and _is_word(text[start - 1]):  # the first digits belong to the word before
            while start < end and text[start].isdigit():
                start += 1
            while start < end and not (text[start].isdigit() or text[start] in "+("):
                start += 1
        if end < len(text) and _is_word(text[end]):  # the last digits belong to the word after
            while end > start and text[end - 1].isdigit():
                end -= 1
            while end > start and not text[end - 1].isdigit():
                end -= 1
        if sum(c.isdigit() for c in text[start:end]) >= _PHONE_DIGITS and not _DATE_RUN.fullmatch(text[start:end]):
            spans.append((start, end))
    return spans


def _name_spans(text: str, names: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of each respondent name part written as a name: capitalised, or beside another part."""
    if not names:
        return []
    hits = [
        (m.start(), m.end(), m.group()[0].isupper()) for m in _NAME_WORD.finditer(text) if m.group().casefold() in names
    ]
    spans = []
    for i, (start, end, capital) in enumerate(hits):
        before = i > 0 and not text[hits[i - 1][1] : start].strip()
        after = i + 1 < len(hits) and not text[end : hits[i + 1][0]].strip()
        if capital or before or after:  # "Jo", "jo bloggs"; a lower-case "will" alone is a word
            spans.append((start, end))
    return spans


def personal_data_spans(text: str, names: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """Where ``text`` holds personal data: ``(start, end, replacement)``, sorted, never overlapping.

    E-mail addresses (also written ``x @ y.org``, ``x(at)y.org``, ``x at y dot org``), phone numbers
    and the respondents' names (``names``: :func:`respondent_names`). Linear in the length of ``text``.
    """
    found = [
        (s, e, EMAIL_REMOVED)
        for pattern in (_EMAIL, _EMAIL_WORDS)
        for s, e in (m.span() for m in pattern.finditer(text))
    ]
    found += [(s, e, PHONE_REMOVED) for s, e in _phone_spans(text)]
    found += [(s, e, NAME_REMOVED) for s, e in _name_spans(text, names)]
    spans: list[tuple[int, int, str]] = []
    for start, end, tag in sorted(found, key=lambda f: (f[0], -f[1])):  # the longest of spans starting together
        if spans and start < spans[-1][1]:
            continue  # inside one already taken (a name inside an e-mail address)
        spans.append((start, end, tag))
    return spans


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    parts, last = [], 0
    for start, end, tag in spans:
        parts += [text[last:start], tag]
        last = end
    return "".join(parts) + text[last:]


def redact(text: str, names: frozenset[str] = frozenset()) -> str:
    """``text`` with e-mail addresses, phone numbers and respondent names replaced.

    Examples
    --------
    >>> redact("Mail jo.bloggs@example.org or call +44 20 7946 0958 before 5")
    'Mail [e-mail removed] or call [phone removed] before 5'
    >>> redact("ask Jo: jo.bloggs at example dot org", frozenset({"jo", "bloggs"}))
    'ask [name removed]: [e-mail removed]'
    """
    text = str(text)
    return _replace(text, personal_data_spans(text, names))


def cut_text(text: str, names: frozenset[str] = frozenset(), cap: int = TEXT_CAP) -> tuple[str, int]:
    """``text`` cut to about ``cap`` characters, and the number of characters cut (0 when it fits).

    The cut never splits an e-mail address, phone number or name (half an address would escape
    :func:`redact`), and moves back to a space when one is near.

    Examples
    --------
    "word word word " is 15 characters; the cut moves back to the space after the first word (4):

    >>> cut_text("word " * 3, cap=7)
    ('word … (cut: 11 characters)', 11)
    """
    if len(text) <= cap:
        return text, 0
    cut = cap
    for start, end, _ in personal_data_spans(text[: cap + _CAP_LOOKAHEAD], names):
        if start < cut < end:
            cut = start
    space = text.rfind(" ", max(cut - 100, 0), cut + 1)
    cut = space if space > 0 else cut
    removed = len(text) - cut
    return f"{text[:cut].rstrip()} … (cut: {removed:,} characters)", removed


def respondent_names(frame: pd.DataFrame) -> frozenset[str]:
    """The name parts (case-folded words of 2+ letters) of every respondent in the export's name and
    e-mail columns (an address's local part: ``jo.bloggs`` gives ``jo`` and ``bloggs``)."""
    words: set[str] = set()
    for column in frame.columns:
        key = _norm(column)
        if key not in NAME_COLUMNS and key not in EMAIL_COLUMNS:
            continue
        for value in frame[column].dropna().astype(str).unique():
            value = value.split("@")[0] if key in EMAIL_COLUMNS else value
            words.update(w.casefold() for w in _NAME_WORD.findall(value))
    return frozenset(words - _NO_NAME)


def looks_personal(value: str, names: frozenset[str] = frozenset()) -> bool:
    """True for an answer that is personal data: holds an e-mail address or phone number, or is a
    respondent's full name (two or more words, each a name part).

    >>> looks_personal("jo.bloggs@example.org"), looks_personal("Jo Bloggs", frozenset({"jo", "bloggs"}))
    (True, True)
    >>> looks_personal("Finance"), looks_personal("Jo", frozenset({"jo"}))
    (False, False)
    """
    if any(tag != NAME_REMOVED for _, _, tag in personal_data_spans(value)):
        return True
    words = [w.casefold() for w in _NAME_WORD.findall(value)]
    return len(words) >= 2 and all(w in names for w in words)


# ----------------------------------------------------------------------------- layout detection
def _lower(row: list[str]) -> list[str]:
    return [str(c).strip().lower() for c in row]


def detect_layout(rows: list[list[str]]) -> str:
    """Name the export layout from its first three rows.

    Examples
    --------
    >>> detect_layout([["V1", "V2", "Q1"], ["ResponseID", "ResponseSet", "How?"]])
    'qualtrics_legacy'
    >>> detect_layout([["Timestamp", "Email address", "Q"], ["7/27/2026 19:06:23", "", "4"]])
    'googleforms'
    """
    first = _lower(rows[0]) if rows else []
    third = rows[2] if len(rows) > 2 else []
    if first[:2] == ["v1", "v2"] and len(rows) > 1 and "responseid" in _lower(rows[1]):
        return "qualtrics_legacy"
    if ("responseid" in first or "startdate" in first) and third and str(third[0]).lstrip().startswith("{"):
        return "qualtrics_insights" if "'importid'" in str(third[0]).lower() else "qualtrics"
    if "respondent id" in first and "collector id" in first:
        return "surveymonkey"
    if first[:3] == ["id", "start time", "completion time"]:
        return "msforms"
    if first and first[0] == "timestamp":
        return "googleforms"
    return "plain"


def _header_rows(layout: str) -> int:
    return {"qualtrics": 3, "qualtrics_insights": 3, "qualtrics_legacy": 2, "surveymonkey": 2}.get(layout, 1)


def _unique(keys: list[str]) -> list[str]:
    """Make keys unique by numbering repeats (``Q``, ``Q (2)``), keeping the first as is."""
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        key = key or "(blank header)"
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key} ({seen[key]})")
    return out


def _keys_and_questions(layout: str, headers: list[list[str]]) -> tuple[list[str], list[str]]:
    tags = headers[0]
    if layout in ("qualtrics", "qualtrics_insights"):
        return tags, [t or k for k, t in zip(tags, headers[1] + [""] * len(tags))]
    if layout == "qualtrics_legacy":
        texts = headers[1] + [""] * len(tags)
        # V1..V10 are placeholders: the second row names those system columns.
        keys = [texts[i] if re.fullmatch(r"V\d+", tag) and texts[i] else tag for i, tag in enumerate(tags)]
        return keys, [t or k for k, t in zip(keys, texts)]
    if layout == "surveymonkey":
        options = headers[1] + [""] * len(tags)
        keys, current = [], ""
        for tag, option in zip(tags, options):
            current = tag or current  # later options of a question have a blank first-row cell
            keys.append(current if option.strip().lower() in _MONKEY_SINGLE else f"{current} - {option.strip()}")
        return keys, list(keys)
    return tags, list(tags)


def read_export(
    path: str | Path,
    layout: str | None = None,
    *,
    sheet: str | int = 0,
    dq: DataQuality | None = None,
    sample_rows: int | None = None,
) -> SurveyExport:
    """Read a survey export, detecting its layout, and drop unfinished Qualtrics responses.

    Parameters
    ----------
    path : str or Path
        ``.csv`` or ``.xlsx`` export.
    layout : str, optional
        Force a layout (one of :data:`LAYOUTS`); detected when None.
    sheet : str or int
        Sheet of a workbook.
    dq : DataQuality, optional
        Receives the count of excluded incomplete responses and encoding notes.
    sample_rows : int, optional
        Read only the header rows and about this many rows after them (``pmokit check``: its
        time and memory do not grow with the export). None reads the whole export.

    Raises
    ------
    InputError
        Unknown layout name, or an export without any response.
    """
    path = Path(path)
    if layout is not None and layout not in LAYOUTS:
        raise InputError(path, "format", f"one of {', '.join(LAYOUTS)}", repr(layout))
    if sample_rows is None:
        frame, headers = read_table(path, header_rows=1, sheet=sheet, dq=dq)
    else:
        frame, headers = read_head(path, sample_rows + max(_header_rows(n) for n in LAYOUTS), sheet=sheet)
    if layout is None:
        layout = detect_layout(headers + [list(map(str, r)) for r in frame.head(2).itertuples(index=False)])
    extra = _header_rows(layout) - 1
    if len(frame) < extra:
        raise InputError(
            path, "(header)", f"{extra + 1} header rows for the {layout} layout", f"{len(frame) + 1} row(s)"
        )
    # Later header rows (question text, import ids, option labels) come first in the body.
    headers = headers + [[str(c).strip() for c in r] for r in frame.head(extra).itertuples(index=False)]
    frame = frame.iloc[extra:]
    keys, texts = _keys_and_questions(layout, [list(h) + [""] * (frame.shape[1] - len(h)) for h in headers])
    keys = _unique([k.strip() for k in keys])
    frame.columns = pd.Index(keys, dtype=object)
    frame = frame.loc[:, [k != "(blank header)" or frame[k].astype(str).str.strip().ne("").any() for k in keys]]
    questions = {k: t.strip() for k, t in zip(keys, texts) if k in frame.columns}
    frame, excluded = _drop_unfinished(frame, layout)
    if dq is not None:
        dq.add(path, "Finished", "incomplete response (Finished = false)", "excluded from every figure", rows=excluded)
    frame, duplicates = drop_duplicates(frame, path, dq)
    if frame.empty:
        raise InputError(path, "(responses)", "at least one complete response", "an export without responses")
    return SurveyExport(frame.reset_index(drop=True), questions, layout, str(path), excluded, duplicates)


#: Headers of a response's identifier (Microsoft Forms ``ID``, Qualtrics ``ResponseId``, SurveyMonkey).
ID_COLUMNS = ("responseid", "response id", "response_id", "respondent id", "id")
#: Headers of a submission time: two identical rows with the same time are one response sent twice.
TIME_COLUMNS = (
    "timestamp",
    "start time",
    "completion time",
    "startdate",
    "enddate",
    "recordeddate",
    "submitted",
    "submitted at",
    "submission time",
    "date submitted",
)


_TO_THE_SECOND = r"\d:\d{2}:\d{2}"


def drop_duplicates(frame: pd.DataFrame, file, dq: DataQuality | None = None) -> tuple[pd.DataFrame, int]:
    """Keep the first of responses sent (or exported) twice, and say how many were dropped.

    A duplicate is a response whose identifier (:data:`ID_COLUMNS`) an earlier row has, or, in an
    export with a submission time (:data:`TIME_COLUMNS`) to the second, a row identical in every
    column, time included, to an earlier one. Identical rows without a time, or with a time cut to the
    minute (a CSV saved again by Excel), are kept: two people may give the same answers within a
    minute, and nothing says it was one person.
    """
    by_norm = {_norm(c): c for c in frame.columns}
    id_column = next((by_norm[k] for k in ID_COLUMNS if k in by_norm), None)
    time_column = next((by_norm[k] for k in TIME_COLUMNS if k in by_norm), None)
    duplicated = pd.Series(False, index=frame.index)
    how = []
    if id_column is not None:
        ids = frame[id_column].astype(str).str.strip()
        duplicated = ids.ne("") & ids.duplicated(keep="first")
        if duplicated.any():
            how.append(f"the same {id_column} as an earlier response")
    if time_column is not None:
        stamped = frame[time_column].astype(str).str.contains(_TO_THE_SECOND, regex=True)
        same_row = stamped & frame.astype(str).duplicated(keep="first")
        if (same_row & ~duplicated).any():
            how.append(f"identical to an earlier response, {time_column} included")
        duplicated |= same_row
    count = int(duplicated.sum())
    if dq is not None and count:
        field = id_column if id_column is not None and len(how) == 1 and how[0].startswith("the same") else time_column
        dq.add(file, str(field), f"response sent twice: {' or '.join(how)}", "counted once", rows=count)
    return frame.loc[~duplicated], count


#: Bytes of a CSV export read by :func:`read_head`: enough for the header rows and a sample of answers.
HEAD_BYTES = 1 << 20


def read_head(path: str | Path, rows: int, *, sheet: str | int = 0) -> tuple[pd.DataFrame, list[list[str]]]:
    """The first row of an export as headers and up to ``rows`` rows after it, as text.

    The same shape as :func:`pmokit.sources.read_table` gives, without reading the whole file: a CSV
    is read up to :data:`HEAD_BYTES` (cut at a line end; a row cut short is dropped), a workbook is
    streamed (openpyxl, read-only) up to ``rows + 1`` rows, so a stray far cell costs nothing.

    Raises
    ------
    InputError
        No such file, binary data, a workbook that cannot be opened, no row at all.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "(file)", "an existing file", "no such file")
    table = _xlsx_head(path, sheet, rows + 1) if path.suffix.lower() in EXCEL_SUFFIXES else _csv_head(path)
    table = [r for r in table if any(str(c).strip() for c in r)][: rows + 1]
    if not table:
        raise InputError(path, "(header)", "1 header row(s)", "0 row(s) in the file")
    width = max(len(r) for r in table)
    table = [list(r) + [""] * (width - len(r)) for r in table]
    headers = [[str(c).strip() for c in table[0]]]
    return pd.DataFrame(table[1:], columns=pd.Index(headers[0], dtype=object), dtype=object), headers


def _xlsx_head(path: Path, sheet: str | int, limit: int) -> list[list[str]]:
    if path.suffix.lower() == ".xls":  # the old binary format (65,536 rows at most): calamine reads it
        try:
            raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine="calamine", nrows=limit)
        except Exception:
            raise InputError(path, "(file)", "an Excel workbook that opens", "a damaged or non-Excel file") from None
        return [["" if pd.isna(v) else _cell_text(v) for v in values] for values in raw.itertuples(index=False)]
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # a truncated, encrypted or renamed file: any reader error is the same answer
        raise InputError(
            path, "(file)", "an Excel workbook (.xlsx) that opens", "a damaged or non-Excel file"
        ) from None
    try:
        names = book.sheetnames
        name = sheet if isinstance(sheet, str) else (names[sheet] if -len(names) <= sheet < len(names) else None)
        if name not in names:
            raise InputError(path, "(sheet)", f"a sheet {sheet!r}", f"sheets {names}")
        rows = []
        for values in book[name].iter_rows(max_row=limit, values_only=True):
            rows.append(["" if v is None else _cell_text(v) for v in values])
        return rows
    finally:
        book.close()


def _csv_head(path: Path) -> list[list[str]]:
    with open(path, "rb") as handle:
        raw = handle.read(HEAD_BYTES + 1)
    utf16 = raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE)
    if raw.startswith(b"PK\x03\x04"):
        raise InputError(
            path, "(file)", "a CSV export", "an Excel workbook or zip file (save it as CSV, or name it .xlsx)"
        )
    if not utf16 and b"\x00" in raw:
        raise InputError(path, "(file)", "a text export (CSV) or an Excel workbook", "binary data")
    cut = len(raw) > HEAD_BYTES
    if cut and utf16:
        raw, cut = path.read_bytes(), False  # two-byte text cannot be cut at a single byte
    if cut:
        end = raw.rfind(b"\n", 0, HEAD_BYTES)
        if end < 0:
            raise InputError(path, "(header)", "a CSV export with line breaks", "no line end in the first 1 MiB")
        raw = raw[: end + 1]  # never inside a UTF-8 character
    text = decode_bytes(raw, path)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text)))
    except csv.Error as exc:
        raise InputError(path, "(file)", "a readable CSV export", str(exc)) from None
    return rows[:-1] if cut else rows  # the last row may stop inside a quoted field


def _drop_unfinished(frame: pd.DataFrame, layout: str) -> tuple[pd.DataFrame, int]:
    if not layout.startswith("qualtrics"):
        return frame, 0
    column = next((c for c in frame.columns if str(c).lower() == "finished"), None)
    if column is None:
        return frame, 0
    unfinished = frame[column].astype(str).str.strip().str.lower().isin({"0", "false", "no"})
    return frame.loc[~unfinished], int(unfinished.sum())


# ----------------------------------------------------------------------------- definition
def read_definition(path: str | Path | None = None, mapping: Mapping[str, Any] | None = None) -> SurveyDefinition:
    """Load the survey definition from a YAML file, or validate the params' ``survey`` mapping.

    A mapping given in the params wins over the file (it is the more specific of the two).
    """
    if mapping:
        return parse_definition(mapping, source=None)
    if path is None:
        raise InputError(None, "survey_path or survey", "a survey definition", "neither")
    path = Path(path)
    if not path.exists():
        raise InputError(path, "(file)", "an existing survey definition YAML", "no such file")
    try:
        # the shared loader caps aliases, values and nesting (a "billion laughs" definition is refused)
        data = load_yaml(path.read_text(encoding="utf-8-sig"), path)
    except UnicodeDecodeError:
        raise InputError(path, "(file)", "a survey definition in UTF-8 YAML", "binary or non-UTF-8 text") from None
    return parse_definition(data or {}, source=str(path))


# ----------------------------------------------------------------------------- applying it
def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def close_matches(wanted: str, candidates, n: int = 3) -> list[str]:
    """The candidates closest to ``wanted`` (difflib, case- and space-insensitive), best first.

    >>> close_matches("Intent To Stay", ["Intent to stay", "Pay", "Intent to leave"])
    ['Intent to stay', 'Intent to leave']
    """
    by_norm: dict[str, str] = {}
    for candidate in candidates:
        by_norm.setdefault(_norm(candidate), str(candidate))
    return [by_norm[m] for m in difflib.get_close_matches(_norm(wanted), list(by_norm), n=n, cutoff=0.6)]


def _did_you_mean(matches: list[str]) -> str:
    return "did you mean " + " or ".join(repr(m) for m in matches) + "?"


def find_column(export: SurveyExport, header: str, field: str) -> str:
    """Return the key of the column whose key or question text equals ``header`` (case/space-insensitive).

    Raises
    ------
    InputError
        No such column; the message suggests the closest headers (or lists the first ones).
    """
    wanted = _norm(header)
    for key in export.frame.columns:
        if _norm(key) == wanted:
            return key
    for key in export.frame.columns:
        if _norm(export.questions.get(key, "")) == wanted:
            return key
    names = [str(k) for k in export.frame.columns] + [export.questions.get(k, "") for k in export.frame.columns]
    matches = close_matches(header, [n for n in names if n])
    found = ", ".join(repr(str(c)) for c in list(export.frame.columns)[:25])
    got = f"no such header; {_did_you_mean(matches)}" if matches else f"headers {found}"
    raise InputError(export.file, field, f"a column {header!r}", got)


def _statement(question: str) -> str:
    """The statement of a grid column: ``Q [Row]`` (Google Forms) or ``Q - Row`` (Qualtrics, SurveyMonkey).

    >>> _statement("How satisfied are you? [Tools]"), _statement("Rate - Training")
    ('Tools', 'Training')
    """
    bracket = re.search(r"\[([^\]]+)\]\s*$", question)
    if bracket:
        return bracket.group(1).strip()
    return re.split(r"\s+-\s*|-(?=\S)", question)[-1].strip()


def _stem(question: str, statement: str) -> str:
    """The question of a grid column without its statement.

    >>> _stem("How satisfied are you? [Tools]", "Tools"), _stem("Rate - Training", "Training")
    ('How satisfied are you?', 'Rate')
    """
    bracket = re.search(r"\[([^\]]+)\]\s*$", question)
    if bracket:
        return question[: bracket.start()].strip()
    text = question[: len(question) - len(statement)] if question.endswith(statement) else question
    return text.rstrip(" -").strip()


def _question_tag(key: str) -> str:
    """The question part of an export tag: ``Q3_1`` -> ``Q3``, ``QID4_2`` -> ``QID4``; else the key."""
    match = re.fullmatch(r"(.+?)_\d+", key)
    return match.group(1) if match else key


def _qualified(hits: list[tuple[str, str, str]]) -> list[str]:
    """Labels for grid columns whose statements repeat (two matrices with the same rows): the statement
    with the question it belongs to - its text when the questions differ, else its export tag."""
    for qualifier in (
        lambda key, question, st: textwrap.shorten(_stem(question, st), 40, placeholder="…"),
        lambda key, question, st: _question_tag(key),
        lambda key, question, st: key,
    ):
        labels = [f"{st} ({qualifier(key, question, st)})" for key, question, st in hits]
        if len(set(labels)) == len(labels):
            return labels
    return [f"{st} ({key})" for key, _, st in hits]  # keys are unique: never reached


def _pattern_labels(item, hits: list[str], export: SurveyExport) -> list[str]:
    """Labels of the columns one pattern matched: the item's label for one column, else each statement,
    qualified by its question where statements repeat."""
    if len(hits) == 1:
        return [item.label]
    triples = []
    for key in hits:
        question = export.questions.get(key, key)
        triples.append((key, question, _statement(question) or key))
    statements = [t[2] for t in triples]
    repeated = {s for s in statements if statements.count(s) > 1}
    labels = dict(zip(hits, statements))
    clashing = [t for t in triples if t[2] in repeated]
    labels.update(zip([t[0] for t in clashing], _qualified(clashing)))
    return [labels[key] for key in hits]


@dataclass
class ColumnPlan:
    """Which export column each part of the definition reads.

    Attributes
    ----------
    items : list of (label, theme, key)
    nps : str or None
    groups, comments : dict
        Name -> column key.
    """

    items: list[tuple[str, str, str]] = field(default_factory=list)
    nps: str | None = None
    groups: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)


def _resolve(export: SurveyExport, header: str, field: str, problems: list[InputError]) -> str | None:
    try:
        key = find_column(export, header, field)
    except InputError as exc:
        problems.append(exc)
        return None
    if _norm(key) in IDENTITY_COLUMNS:
        problems.append(InputError(export.file, field, "a column that does not identify respondents", f"{key!r}"))
        return None
    return key


def _item_columns(export: SurveyExport, definition: SurveyDefinition, problems: list[InputError]) -> list:
    """(label, theme, key) per item; a pattern may match several columns (labelled by their statement)."""
    out: list[tuple[str, str, str, object]] = []
    for item in definition.items:
        if item.column:
            key = _resolve(export, item.column, f"item {item.label!r}", problems)
            if key is not None:
                out.append((item.label, item.theme, key, item))
            continue
        regex = re.compile(item.pattern, re.IGNORECASE)
        hits = [k for k in export.frame.columns if regex.search(k) or regex.search(export.questions.get(k, ""))]
        if not hits:
            got = "none"
            matches = close_matches(item.pattern, [str(k) for k in export.frame.columns])
            if matches:
                got = f"none; {_did_you_mean(matches)}"
            problems.append(InputError(export.file, f"item {item.label!r}", f"columns matching {item.pattern!r}", got))
            continue
        for key, label in zip(hits, _pattern_labels(item, hits, export)):
            if _norm(key) in IDENTITY_COLUMNS:
                problems.append(
                    InputError(export.file, f"item {label!r}", "a column that does not identify respondents", repr(key))
                )
                continue
            out.append((label, item.theme, key, item))
    return _distinct_labels(out, export, problems)


def _distinct_labels(out: list, export: SurveyExport, problems: list[InputError]) -> list[tuple[str, str, str]]:
    """Labels repeated across items (two patterns over matrices with the same rows) take their item's
    label in front; labels still repeated are refused, saying how to name them."""
    labels = [o[0] for o in out]
    renamed = []
    for label, theme, key, item in out:
        if labels.count(label) > 1 and item.pattern and label != item.label:
            label = f"{item.label}: {label}"
        renamed.append((label, theme, key))
    labels = [r[0] for r in renamed]
    for label in dict.fromkeys(lab for lab in labels if labels.count(lab) > 1):
        keys = [r[2] for r in renamed if r[0] == label]
        tag = _question_tag(keys[1])
        pattern = f"^{re.escape(tag)}_" if tag != keys[1] else f"^{re.escape(keys[1])}$"
        problems.append(
            InputError(
                export.file,
                "items",
                "one label per item; give each question its own item with a pattern matching only it and its own "
                f"label, e.g. {{pattern: '{pattern}', label: '{label} (2)'}}",
                f"{label!r} for columns {', '.join(repr(k) for k in keys)}",
            )
        )
    return renamed


def plan_columns(export: SurveyExport, definition: SurveyDefinition) -> tuple[ColumnPlan, list[InputError]]:
    """Match every part of the definition to the export's columns; every problem found, not only the first.

    Checks the item, NPS, group and comment headers (suggesting the closest headers when one is
    missing), keeps identity columns (names, e-mails) out, gives every item a distinct label and
    makes sure ``outcome`` names one of the items.
    """
    problems: list[InputError] = []
    plan = ColumnPlan(items=_item_columns(export, definition, problems))
    if definition.nps:
        plan.nps = _resolve(export, definition.nps, "nps", problems)
    for name, header in definition.groups.items():
        plan.groups[name] = _resolve(export, header, f"group {name!r}", problems)
    for name, header in definition.comments.items():
        plan.comments[name] = _resolve(export, header, f"comment {name!r}", problems)
    labels = [label for label, _, _ in plan.items]
    if definition.outcome and plan.items and definition.outcome not in labels:
        matches = close_matches(definition.outcome, labels)
        shown = _did_you_mean(matches) if matches else f"the items are {', '.join(repr(x) for x in labels[:12])}"
        problems.append(
            InputError(
                definition.source,
                "outcome",
                "the label of one of the items (exactly as written)",
                f"{definition.outcome!r}; {shown}",
            )
        )
    return plan, problems


# ----------------------------------------------------------------------------- answers Excel made into dates
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_DAY_MONTH = re.compile(rf"(\d{{1,2}})[-\s/.]{_MONTH}", re.IGNORECASE)  # 25-Jun, 5-Jan, 01-May
_MONTH_NUMBER = re.compile(rf"{_MONTH}[-\s/.](\d{{1,2}})", re.IGNORECASE)  # Jun-25
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")  # a workbook's date cell


def excel_date_original(text: str) -> str | None:
    """The answer Excel most likely turned into this date, or None when ``text`` is not date-shaped.

    Excel reads a band such as ``6-25`` as 25 June (``1-5`` as 5 January, or 1 May where days come
    first) and saves it as ``25-Jun``; ``6-25`` read day-first becomes June 2025, ``Jun-25``. Both
    numbers survive, so the likely original is the two numbers, smaller first (bands ascend).

    Examples
    --------
    >>> [excel_date_original(t) for t in ["25-Jun", "5-Jan", "1-May", "Jun-25", "2026-06-25 00:00:00", "6-25"]]
    ['6-25', '1-5', '1-5', '6-25', '6-25', None]
    """
    text = str(text).strip()
    if match := _DAY_MONTH.fullmatch(text):
        pair = int(match.group(1)), _MONTHS.index(match.group(2).lower()) + 1
    elif match := _MONTH_NUMBER.fullmatch(text):
        pair = _MONTHS.index(match.group(1).lower()) + 1, int(match.group(2))
    elif match := _ISO_DATE.fullmatch(text):
        pair = int(match.group(2)), int(match.group(3))
    else:
        return None
    low, high = sorted(pair)
    return f"{low}-{high}"


def _date_shaped(texts: list[str], counts: np.ndarray) -> list[tuple[str, str, int]]:
    """(answer, likely original, rows) for the distinct answers that look like Excel dates."""
    out = []
    for text, rows in zip(texts, counts):
        original = excel_date_original(text) if rows else None
        if original is not None:
            out.append((text, original, int(rows)))
    return out


def _describe_dates(found: list[tuple[str, str, int]]) -> str:
    return ", ".join(f"{text!r} (likely {original!r}, {rows} row(s))" for text, original, rows in found[:5])


#: Qualtrics codes an item that was seen but not answered as -99: a blank, not an answer.
_QUALTRICS_UNANSWERED = "-99"
_BLANKS = {"", "nan", "none"}


def _distinct(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes into the distinct cleaned (stripped) texts of a column; the last text is the blank.

    Surveys repeat a handful of answers over many rows: cleaning the distinct values once and
    mapping back is what keeps 100,000 x 40 answers to well under a second.
    """
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    texts = [str(u).strip() for u in uniques] + [""]
    return np.where(codes < 0, len(texts) - 1, codes), texts


class _Answers:
    """The distinct answers of one column, recoded by the definition, with what happened recorded."""

    def __init__(self, values: pd.Series, recode: dict[str, str]):
        self.codes, found = _distinct(values)
        self.counts = np.bincount(self.codes, minlength=len(found))
        lookup = {k.lower(): v for k, v in recode.items()}
        self.texts = [lookup.get(t.lower(), t) for t in found]
        self.recoded = [(f, t, int(c)) for f, t, c in zip(found, self.texts, self.counts) if f != t and c]
        self.dates = _date_shaped(self.texts, self.counts)

    def note(self, dq: DataQuality | None, file: str, field: str, *, kept: bool = True) -> None:
        """Record the recoded answers and, when ``kept``, the date-shaped answers left as they are."""
        if dq is None:
            return
        if self.recoded:
            pairs = ", ".join(f"{f!r} -> {t!r}" for f, t, _ in self.recoded[:5])
            dq.add(
                file,
                field,
                f"answers recoded by the survey definition: {pairs}",
                "counted as the recoded answer",
                rows=sum(c for _, _, c in self.recoded),
            )
        if self.dates and kept:
            dq.add(
                file,
                field,
                f"answers that look like dates Excel made of bands: {_describe_dates(self.dates)}",
                "kept as written; map them back with recode: in the survey definition",
                rows=sum(rows for _, _, rows in self.dates),
            )


def _code_likert(
    values: pd.Series,
    definition: SurveyDefinition,
    file: str,
    header: str,
    layout: str = "plain",
    *,
    label: str = "",
    dq: DataQuality | None = None,
) -> tuple[pd.Series, int]:
    """Scale positions 1..k for one item; returns (codes, count of not-applicable answers).

    Answers the definition recodes are recorded in ``dq`` under the item's ``label``; an answer
    outside the scale that looks like an Excel date is refused with its likely original.
    """
    answers = _Answers(values, definition.recode)
    answers.note(dq, file, label or header, kept=False)
    codes, texts = answers.codes, answers.texts
    lower = [t.lower() for t in texts]
    points = {s.lower(): i + 1 for i, s in enumerate(definition.scale)}
    na_set = {v.strip().lower() for v in definition.not_applicable}
    blanks = _BLANKS | ({_QUALTRICS_UNANSWERED} if layout.startswith("qualtrics") else set())
    is_na = np.array([t in na_set for t in lower])
    is_blank = np.array([t in blanks and t not in na_set for t in lower])
    point = np.array([points.get(t, 0) for t in lower])
    unknown = (point == 0) & ~is_na & ~is_blank
    if unknown[codes].any():
        bad = [texts[i] for i in np.flatnonzero(unknown)]
        rows = int(unknown[codes].sum())
        dates = [d for d in answers.dates if d[0] in bad]
        hint = (
            f"; {_describe_dates(dates)} look like dates Excel made of bands: map them back with recode: "
            "in the survey definition"
            if dates
            else ""
        )
        raise InputError(
            file,
            header,
            f"answers on the scale {definition.scale} or not-applicable {definition.not_applicable}",
            f"{', '.join(repr(v) for v in bad[:3])} in {rows} row(s){hint}",
        )
    result = pd.Series(point[codes], index=values.index).astype("Int8")
    return result.mask(result == 0), int(is_na[codes].sum())


def _parse_nps(values: pd.Series, file: str, header: str) -> pd.Series:
    """0-10 answers; labelled end points such as ``10 - Extremely likely`` keep their number.

    >>> _parse_nps(pd.Series(["10 - Extremely likely", "7", "", "0"]), "f.csv", "NPS").tolist()
    [10.0, 7.0, <NA>, 0.0]
    """
    codes, texts = _distinct(values)
    text = pd.Series(texts, dtype=object)
    number = pd.to_numeric(text.str.extract(r"^(\d+(?:\.0+)?)(?:\s*-\s*\D.*)?$", expand=False), errors="coerce")
    blank = text.isin(_BLANKS | {_QUALTRICS_UNANSWERED})
    bad = ((number.isna() & ~blank) | (number.notna() & ((number < 0) | (number > 10) | (number % 1 != 0)))).to_numpy()
    if bad[codes].any():
        rows = int(bad[codes].sum())
        raise InputError(
            file, header, "a whole number from 0 to 10", f"{texts[int(np.flatnonzero(bad)[0])]!r} in {rows} row(s)"
        )
    return pd.Series(number.to_numpy(dtype="float64")[codes], index=values.index).astype("Float64")


def _comment_texts(values: pd.Series, names: frozenset[str], file: str, field: str, dq) -> pd.Series:
    """A comment column: trimmed, each text cut to :data:`TEXT_CAP` (not yet redacted)."""
    answers = _Answers(values, {})
    texts = _cut_cells(answers.texts, answers.counts, names, file, field, dq)
    return pd.Series(np.array(texts, dtype=object)[answers.codes], index=values.index, dtype=object)


def _group_answers(
    values: pd.Series, definition: SurveyDefinition, file: str, name: str, dq, names: frozenset[str] = frozenset()
) -> pd.Series:
    """One grouping column: trimmed, recoded, blanks named; answers that look like dates reported.

    An answer that is personal data (an e-mail address typed as a department, a respondent's name)
    never becomes a group label: it counts as no answer, said in ``dq``. An answer longer than
    :data:`TEXT_CAP` is cut (said too).
    """
    answers = _Answers(values, definition.recode)
    answers.note(dq, file, name)
    texts = list(answers.texts)
    personal = [i for i, t in enumerate(texts) if t and answers.counts[i] and looks_personal(t, names)]
    for i in personal:
        texts[i] = ""
    if dq is not None and personal:
        dq.add(
            file,
            name,
            "answers that are personal data (an e-mail address, phone number or a respondent's name), not a group",
            f"counted as {_NO_ANSWER}; never shown as a group",
            rows=int(answers.counts[personal].sum()),
        )
    texts = _cut_cells(texts, answers.counts, names, file, name, dq)
    text = pd.Series(np.array(texts, dtype=object)[answers.codes], index=values.index, dtype=object)
    return text.where(text != "", _NO_ANSWER)


def _cut_cells(
    texts: list[str], counts: np.ndarray, names: frozenset[str], file: str, field: str, dq: DataQuality | None
) -> list[str]:
    """Distinct texts cut to :data:`TEXT_CAP` (:func:`cut_text`); the cut cells said in ``dq``."""
    out, rows, longest = [], 0, 0
    for text, count in zip(texts, counts):
        cut, removed = cut_text(text, names) if len(text) > TEXT_CAP else (text, 0)
        if removed and count:
            rows, longest = rows + int(count), max(longest, len(text))
        out.append(cut)
    if dq is not None and rows:
        dq.add(
            file,
            field,
            f"text longer than {TEXT_CAP:,} characters (the longest {longest:,})",
            f"cut to {TEXT_CAP:,} characters, ending '… (cut: N characters)'",
            rows=rows,
        )
    return out


def read_survey(
    path: str | Path,
    definition: SurveyDefinition,
    *,
    layout: str | None = None,
    sheet: str | int = 0,
    dq: DataQuality | None = None,
) -> SurveyResponses:
    """Read an export and apply the survey definition.

    Parameters
    ----------
    path : str or Path
    definition : SurveyDefinition
    layout : str, optional
        Forced layout (params ``format``); detected when None.
    sheet : str or int
    dq : DataQuality, optional
        Receives excluded responses, not-applicable counts, recoded answers and group answers that
        look like dates Excel made of bands (with the likely original).

    Returns
    -------
    SurveyResponses

    Raises
    ------
    InputError
        An item, NPS, group or comment column is missing (the closest headers suggested); two items
        get the same label; ``outcome`` names no item; an answer is outside the scale; an NPS answer
        is not 0-10; a group or comment column is an identity column (e-mail, name).

    Examples
    --------
    See ``tests/survey/test_survey_readers.py``.
    """
    export = read_export(path, layout, sheet=sheet, dq=dq)
    plan, problems = plan_columns(export, definition)
    if problems:
        raise problems[0]
    return apply_definition(export, definition, plan, dq=dq)


def apply_definition(
    export: SurveyExport, definition: SurveyDefinition, plan: ColumnPlan, *, dq: DataQuality | None = None
) -> SurveyResponses:
    """The canonical responses of an export whose columns :func:`plan_columns` matched without a problem."""
    file = export.file
    likert, na_counts, item_rows = {}, {}, []
    for label, theme, key in plan.items:
        likert[label], na_counts[label] = _code_likert(
            export.frame[key], definition, file, key, export.layout, label=label, dq=dq
        )
        item_rows.append({"label": label, "theme": theme, "column": key, "question": export.questions.get(key, key)})
    nps = _parse_nps(export.frame[plan.nps], file, plan.nps) if plan.nps else None
    names = respondent_names(export.frame)
    groups = {
        name: _group_answers(export.frame[key], definition, file, name, dq, names) for name, key in plan.groups.items()
    }
    comments = []
    for name, key in plan.comments.items():
        text = _comment_texts(export.frame[key], names, file, name, dq)
        keep = ~text.str.lower().isin({"", "nan", "n/a", "na", "none", "-"})
        comments.append(pd.DataFrame({"respondent": text.index[keep], "question": name, "text": text[keep].values}))
    comment_frame = (
        pd.concat(comments, ignore_index=True)
        if comments
        else pd.DataFrame(
            {"respondent": pd.Series(dtype="int64"), "question": pd.Series(dtype=str), "text": pd.Series(dtype=str)}
        )
    )
    if dq is not None:
        for label, count in na_counts.items():
            dq.add(file, label, "not-applicable answer", "excluded from percentages of this item", rows=count)
    return SurveyResponses(
        likert=pd.DataFrame(likert, index=export.frame.index),
        not_applicable=pd.Series(na_counts, dtype="int64"),
        items=pd.DataFrame(item_rows, columns=["label", "theme", "column", "question"]),
        nps=nps,
        groups=pd.DataFrame(groups, index=export.frame.index, dtype=object),
        comments=comment_frame,
        layout=export.layout,
        file=file,
        excluded_incomplete=export.excluded_incomplete,
        scale=list(definition.scale),
        duplicates=export.duplicates,
        names=names,
    )


#: Responses after the header rows that ``pmokit check`` reads to try the definition on real answers.
CHECK_SAMPLE_ROWS = 200


def check_survey(
    path: str | Path, definition: SurveyDefinition, *, layout: str | None = None, sample_rows: int = CHECK_SAMPLE_ROWS
) -> list[str]:
    """The definition checked against an export's header and first answers: one line per problem.

    Only the header rows and ``sample_rows`` responses are read, so the check takes the same time
    for any export size; an answer outside the scale further down is still refused by the run.
    """
    try:
        export = read_export(path, layout, sample_rows=sample_rows)
    except InputError as exc:
        return [str(exc)]
    plan, problems = plan_columns(export, definition)
    if problems:
        return list(dict.fromkeys(str(p) for p in problems))
    try:
        apply_definition(export, definition, plan)
    except InputError as exc:
        return [str(exc)]
    return []


# ----------------------------------------------------------------------------- population
_HEADCOUNT = ("headcount", "head count", "population", "employees", "invited", "size")


def read_population(path: str | Path, group_names: list[str]) -> tuple[str, pd.DataFrame]:
    """Read headcounts per group: one column naming a group of the definition, one headcount column.

    Returns
    -------
    group : str
        The group name the file is keyed on (the matching header).
    frame : DataFrame
        ``value, headcount`` (headcount an integer > 0).
    """
    if not group_names:
        raise InputError(path, "group", "groups in the survey definition to match the headcounts to", "none defined")
    frame, _ = read_table(path)
    lower = {str(c).strip().lower(): c for c in frame.columns}
    count_col = next((lower[h] for h in _HEADCOUNT if h in lower), None)
    if count_col is None:
        raise InputError(
            path,
            "headcount",
            f"a column named one of {', '.join(_HEADCOUNT)}",
            f"headers {list(map(str, frame.columns))}",
        )
    group = next((g for g in group_names if g.strip().lower() in lower), None)
    if group is None:
        raise InputError(
            path,
            "group",
            f"a column named after a group of the survey ({', '.join(group_names)})",
            f"headers {list(map(str, frame.columns))}",
        )
    value_col = lower[group.strip().lower()]
    counts = pd.to_numeric(frame[count_col].astype(str).str.replace(",", "").str.strip(), errors="coerce")
    bad = counts.isna() | (counts <= 0) | (counts % 1 != 0)
    if bad.any():
        raise InputError(path, str(count_col), "a whole number > 0", f"{frame[count_col][bad].iloc[0]!r}")
    out = pd.DataFrame({"value": frame[value_col].astype(str).str.strip(), "headcount": counts.astype("int64")})
    return group, out.groupby("value", as_index=False, sort=False)["headcount"].sum()
