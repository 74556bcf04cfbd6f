"""Survey exports: Microsoft Forms, Google Forms, Qualtrics (three layouts), SurveyMonkey, plain tables.

:func:`read_export` detects the layout and returns every column under a unique key with its question
text; :func:`read_survey` then applies a :class:`~pmokit.sources.survey_definition.SurveyDefinition` and returns
the canonical :class:`SurveyResponses` (Likert answers as scale positions, NPS as numbers, groups,
comments). Respondent names, e-mails and IP addresses are never carried into the canonical frames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
import yaml

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import read_table
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
    """

    frame: pd.DataFrame
    questions: dict[str, str]
    layout: str
    file: str
    excluded_incomplete: int = 0


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

    @property
    def responses(self) -> int:
        """Number of complete responses kept."""
        return len(self.likert)


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
    path: str | Path, layout: str | None = None, *, sheet: str | int = 0, dq: DataQuality | None = None
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

    Raises
    ------
    InputError
        Unknown layout name, or an export without any response.
    """
    path = Path(path)
    if layout is not None and layout not in LAYOUTS:
        raise InputError(path, "format", f"one of {', '.join(LAYOUTS)}", repr(layout))
    frame, headers = read_table(path, header_rows=1, sheet=sheet, dq=dq)
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
    if frame.empty:
        raise InputError(path, "(responses)", "at least one complete response", "an export without responses")
    return SurveyExport(frame.reset_index(drop=True), questions, layout, str(path), excluded)


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
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise InputError(path, "(yaml)", "valid YAML", str(exc).splitlines()[0]) from None
    return parse_definition(data or {}, source=str(path))


# ----------------------------------------------------------------------------- applying it
def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def find_column(export: SurveyExport, header: str, field: str) -> str:
    """Return the key of the column whose key or question text equals ``header`` (case/space-insensitive)."""
    wanted = _norm(header)
    for key in export.frame.columns:
        if _norm(key) == wanted:
            return key
    for key in export.frame.columns:
        if _norm(export.questions.get(key, "")) == wanted:
            return key
    found = ", ".join(repr(str(c)) for c in list(export.frame.columns)[:25])
    raise InputError(export.file, field, f"a column {header!r}", f"headers {found}")


def _statement(question: str) -> str:
    """The statement of a grid column: ``Q [Row]`` (Google Forms) or ``Q - Row`` (Qualtrics, SurveyMonkey).

    >>> _statement("How satisfied are you? [Tools]"), _statement("Rate - Training")
    ('Tools', 'Training')
    """
    bracket = re.search(r"\[([^\]]+)\]\s*$", question)
    if bracket:
        return bracket.group(1).strip()
    return re.split(r"\s+-\s*|-(?=\S)", question)[-1].strip()


def _item_columns(export: SurveyExport, definition: SurveyDefinition) -> list[tuple[str, str, str]]:
    """(label, theme, key) per item; a pattern may match several columns (labelled by question text)."""
    out = []
    for item in definition.items:
        if item.column:
            out.append((item.label, item.theme, find_column(export, item.column, f"item {item.label!r}")))
            continue
        regex = re.compile(item.pattern, re.IGNORECASE)
        hits = [k for k in export.frame.columns if regex.search(k) or regex.search(export.questions.get(k, ""))]
        if not hits:
            raise InputError(export.file, f"item {item.label!r}", f"columns matching {item.pattern!r}", "none")
        for key in hits:
            label = item.label if len(hits) == 1 else _statement(export.questions.get(key, key)) or key
            out.append((label, item.theme, key))
    labels = [o[0] for o in out]
    dup = next((lab for lab in labels if labels.count(lab) > 1), None)
    if dup:
        raise InputError(export.file, "items", "each column matched by one item only", f"{dup!r} twice")
    return out


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


def _code_likert(
    values: pd.Series, definition: SurveyDefinition, file: str, header: str, layout: str = "plain"
) -> tuple[pd.Series, int]:
    """Scale positions 1..k for one item; returns (codes, count of not-applicable answers)."""
    codes, texts = _distinct(values)
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
        raise InputError(
            file,
            header,
            f"answers on the scale {definition.scale} or not-applicable {definition.not_applicable}",
            f"{', '.join(repr(v) for v in bad[:3])} in {rows} row(s)",
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


def _stripped(values: pd.Series) -> pd.Series:
    codes, texts = _distinct(values)
    return pd.Series(np.array(texts, dtype=object)[codes], index=values.index, dtype=object)


def _guard_identity(key: str, role: str, file: str) -> None:
    if _norm(key) in IDENTITY_COLUMNS:
        raise InputError(file, role, "a column that does not identify respondents", f"{key!r}")


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

    Returns
    -------
    SurveyResponses

    Raises
    ------
    InputError
        An item, NPS, group or comment column is missing; an answer is outside the scale; an NPS
        answer is not 0-10; a group or comment column is an identity column (e-mail, name).

    Examples
    --------
    See ``tests/survey/test_survey_readers.py``.
    """
    export = read_export(path, layout, sheet=sheet, dq=dq)
    file = export.file
    likert, na_counts, item_rows = {}, {}, []
    for label, theme, key in _item_columns(export, definition):
        _guard_identity(key, f"item {label!r}", file)
        likert[label], na_counts[label] = _code_likert(export.frame[key], definition, file, key, export.layout)
        item_rows.append({"label": label, "theme": theme, "column": key, "question": export.questions.get(key, key)})
    nps = None
    if definition.nps:
        key = find_column(export, definition.nps, "nps")
        nps = _parse_nps(export.frame[key], file, key)
    groups = {}
    for name, header in definition.groups.items():
        key = find_column(export, header, f"group {name!r}")
        _guard_identity(key, f"group {name!r}", file)
        text = _stripped(export.frame[key])
        groups[name] = text.where(text != "", _NO_ANSWER)
    comments = []
    for name, header in definition.comments.items():
        key = find_column(export, header, f"comment {name!r}")
        _guard_identity(key, f"comment {name!r}", file)
        text = _stripped(export.frame[key])
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
    )


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
