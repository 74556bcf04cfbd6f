"""People lists for events: who must attend (a roster) and who registered (Forms, Google Forms, Eventbrite).

A roster is whatever HR or the project keeps in Excel: an identity column (e-mail or UPN, under
many headers), and optionally name, department, site, manager and the date by which each person
must have attended. Registrations come as a Microsoft Forms / Google Forms response export (one row
per response, with a question naming the session chosen) or an Eventbrite attendee report (one row
per attendee, the ticket type naming the session).

Identities are stripped and lower-cased; text columns hold '' for missing values.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping

import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import map_columns, note_excel_mangling, read_table
from pmokit.sources.attendance import infer_date_order, looks_like_date, parse_datetimes

__all__ = ["ROSTER_COLUMNS", "REGISTRATION_COLUMNS", "read_roster", "read_registrations"]

#: ``timezone`` (IANA name, '' when absent) is beyond EVENTS_SPEC.md: the invitations need each person's zone.
ROSTER_COLUMNS = ["email", "name", "department", "site", "manager", "due_date", "timezone"]
_ROSTER_TEXT = ["email", "name", "department", "site", "manager", "timezone"]
REGISTRATION_COLUMNS = ["email", "name", "session", "registered_at", "cancelled"]

ROSTER_ALIASES = {
    "email": [
        "Email",
        "E-mail",
        "Email address",
        "E-mail address",
        "Mail",
        "Work email",
        "UPN",
        "User principal name",
        "UserPrincipalName",
        "Login",
    ],
    "name": ["Name", "Display name", "Full name", "Employee name", "Employee", "Person"],
    "department": ["Department", "Dept", "Division", "Business unit", "Org unit"],
    "site": ["Site", "Site ID", "site_id", "Location", "Office", "Office location"],
    "manager": ["Manager", "Line manager", "Manager name", "Manager email", "Reports to", "Supervisor"],
    "due_date": ["Due date", "Due", "Deadline", "Train by", "Required by", "Training due", "Complete by"],
    "timezone": ["Time zone", "Timezone", "TZ", "Time zone (IANA)"],
}
_FIRST_NAME = ["First name", "Given name", "First Name", "Vorname", "Prénom"]
_LAST_NAME = ["Last name", "Surname", "Family name", "Last Name", "Nachname", "Nom"]

FORMS_ALIASES = {
    "email": ["Email", "Email Address", "Email address", "E-mail", "E-mail address", "Responder", "Work email"],
    "name": ["Name", "Full name", "Your name", "Display name"],
    "registered_at": ["Completion time", "Timestamp", "Submitted at", "Submission time", "Start time"],
}
EVENTBRITE_ALIASES = {
    "email": ["Email", "Email Address", "Attendee email"],
    "session": ["Ticket Type"],
    "registered_at": ["Order Date", "Order date"],
    "status": ["Attendee Status"],
    "first": ["First Name"],
    "last": ["Last Name"],
}
#: Headers Forms writes itself: never the session question.
_FORMS_SYSTEM = {
    "id",
    "start time",
    "completion time",
    "email",
    "email address",
    "name",
    "last modified time",
    "timestamp",
    "total points",
    "quiz feedback",
}
#: A question naming the session chosen, when ``columns`` does not point at it.
_SESSION_QUESTION = re.compile(
    r"session|slot|which (date|day|time)|choose|select|date|termin|sitzung|séance|seance|sesión|sesion|"
    r"course|training|workshop|webinar|event"
)
_CANCELLED = {"not attending", "cancelled", "canceled", "refunded", "deleted"}
_ANONYMOUS = {"anonymous", "anonym", "anonyme", "anónimo"}


def _text(values: pd.Series) -> pd.Series:
    """Cells as stripped strings, '' when missing."""
    return pd.Series(values, dtype="str").fillna("").str.strip()


def _dates(values: pd.Series, file, field: str, dq: DataQuality | None, *, strict: bool) -> pd.Series:
    """Parse dates whose day/month order is inferred from the whole column (US order when undecided).

    With ``strict`` false, a value that is no date at all is left blank and noted instead of raising.
    """
    text = _text(values)
    if not strict:
        junk = (text != "") & ~looks_like_date(text)
        if dq is not None and junk.any():
            dq.add(file, field, f"not a date (e.g. {text[junk].iloc[0]!r})", "left blank", rows=int(junk.sum()))
        text = text.mask(junk, "")
    order = infer_date_order(text, file, field, fallback="MDY", dq=dq)
    return parse_datetimes(text, file, field, order)


# ----------------------------------------------------------------------------- roster
def read_roster(
    path: str | Path, *, columns: Mapping[str, str] | None = None, dq: DataQuality | None = None
) -> pd.DataFrame:
    """Read who must attend: one row per person, identified by e-mail or UPN.

    Parameters
    ----------
    path : str or Path
        CSV or XLSX.
    columns : mapping, optional
        Canonical field -> header in the file, for headers the aliases do not know.
    dq : DataQuality, optional
        Receives notes on rows without an identity, repeated people and undecidable date orders.

    Returns
    -------
    DataFrame
        :data:`ROSTER_COLUMNS`: ``email`` lower case, text columns '' when missing, ``due_date``
        datetime64 (NaT when blank), ``timezone`` as written ('' when absent). One row per e-mail
        (the first row of a repeated person).

    Raises
    ------
    InputError
        No identity column (the message lists the headers found), no person in the file, or a
        due date that is not a date.
    """
    path = Path(path)
    raw, _ = read_table(path, dq=dq)
    mapped = map_columns(raw, path, ["email"], ROSTER_COLUMNS[1:], mapping=columns, aliases=ROSTER_ALIASES)
    out = pd.DataFrame(index=mapped.index)
    for field in _ROSTER_TEXT:
        out[field] = _text(mapped[field]) if field in mapped else ""
    if "name" not in mapped:
        out["name"] = _joined_name(raw)
    out["email"] = out["email"].str.lower()
    blank = out["email"] == ""
    if dq is not None:
        dq.add(path, "email", "no e-mail or UPN", "row dropped", rows=int(blank.sum()))
    out = out.loc[~blank]
    if out.empty:
        raise InputError(path, "email", "at least one person with an e-mail or UPN", "no such row")
    if "due_date" in mapped:
        out["due_date"] = _dates(mapped.loc[out.index, "due_date"], path, "due_date", dq, strict=True)
    else:
        out["due_date"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    if "site" in mapped:
        note_excel_mangling(out["site"], path, "site", dq)
    repeated = out["email"].duplicated(keep="first")
    if dq is not None:
        dq.add(path, "email", "person listed more than once", "first row kept", rows=int(repeated.sum()))
    out = out.loc[~repeated, ROSTER_COLUMNS].reset_index(drop=True)
    for field in _ROSTER_TEXT:
        out[field] = out[field].astype("str")
    return out


def _joined_name(raw: pd.DataFrame) -> pd.Series:
    """'First Last' from first/last name columns when the file has no single name column."""
    by_lower = {str(c).strip().lower(): c for c in raw.columns}
    first = next((by_lower[h.lower()] for h in _FIRST_NAME if h.lower() in by_lower), None)
    last = next((by_lower[h.lower()] for h in _LAST_NAME if h.lower() in by_lower), None)
    parts = [_text(raw[c].iloc[:, 0] if isinstance(raw[c], pd.DataFrame) else raw[c]) for c in (first, last) if c]
    if not parts:
        return pd.Series("", index=raw.index, dtype="str")
    joined = parts[0] if len(parts) == 1 else parts[0] + " " + parts[1]
    return joined.str.strip()


# ----------------------------------------------------------------------------- registrations
def read_registrations(
    path: str | Path, *, columns: Mapping[str, str] | None = None, dq: DataQuality | None = None
) -> pd.DataFrame:
    """Read event registrations from Microsoft Forms, Google Forms or an Eventbrite attendee report.

    Parameters
    ----------
    path : str or Path
        CSV or XLSX.
    columns : mapping, optional
        Canonical field -> header: ``email``, ``name``, ``session`` (the Forms question naming the
        session), ``registered_at``.
    dq : DataQuality, optional
        Receives notes on anonymous responses, repeated registrations, several sessions in one answer.

    Returns
    -------
    DataFrame
        :data:`REGISTRATION_COLUMNS`: ``email`` lower case ('' for anonymous or missing), ``name``,
        ``session`` ('' when the file names none), ``registered_at`` datetime64 (NaT when blank),
        ``cancelled`` bool (Eventbrite "Not Attending"). A response choosing several sessions
        (``A;B;``) becomes one row per session; a person registering twice for the same session
        keeps the last row.

    Raises
    ------
    InputError
        No e-mail and no name column (the message lists the headers found).
    """
    path = Path(path)
    raw, _ = read_table(path, dq=dq)
    headers = {str(c).strip().lower() for c in raw.columns}
    if "attendee status" in headers or {"order #", "ticket type"} <= headers:
        out = _eventbrite(raw, path, columns, dq)
    else:
        out = _forms(raw, path, columns, dq)
    return _tidy_registrations(out, path, dq)


def _eventbrite(raw: pd.DataFrame, path: Path, columns, dq) -> pd.DataFrame:
    mapped = map_columns(
        raw,
        path,
        ["email"],
        ["name", "session", "registered_at", "status", "first", "last"],
        columns,
        EVENTBRITE_ALIASES,
    )
    out = pd.DataFrame({"email": _text(mapped["email"])})
    if "name" in mapped:
        out["name"] = _text(mapped["name"])
    else:
        first = _text(mapped["first"]) if "first" in mapped else ""
        last = _text(mapped["last"]) if "last" in mapped else ""
        out["name"] = (first + " " + last).str.strip() if isinstance(first, pd.Series) else _text(last)
    out["session"] = _text(mapped["session"]) if "session" in mapped else ""
    when = mapped["registered_at"] if "registered_at" in mapped else pd.Series("", index=mapped.index)
    out["registered_at"] = _dates(when, path, "registered_at", dq, strict=False)
    status = _text(mapped["status"]).str.lower() if "status" in mapped else pd.Series("", index=mapped.index)
    out["cancelled"] = status.isin(_CANCELLED)
    return out


def _forms(raw: pd.DataFrame, path: Path, columns, dq) -> pd.DataFrame:
    columns = dict(columns or {})
    mapped = map_columns(raw, path, [], ["email", "name", "registered_at", "session"], columns, FORMS_ALIASES)
    if "email" not in mapped and "name" not in mapped:
        found = ", ".join(repr(str(c)) for c in raw.columns if str(c))
        raise InputError(
            path,
            "email",
            "a column 'Email', 'Email Address' or 'Name' (or columns: email: <header>)",
            f"headers {found}",
        )
    out = pd.DataFrame(index=mapped.index)
    out["email"] = _text(mapped["email"]) if "email" in mapped else ""
    out["name"] = _text(mapped["name"]) if "name" in mapped else _joined_name(raw)
    if "session" in mapped:
        out["session"] = _text(mapped["session"])
    else:
        question = _session_question(raw)
        if question is None and dq is not None:
            dq.add(path, "session", "no question naming the session chosen", "registrations not tied to a session")
        out["session"] = _text(_column(raw, question)) if question is not None else ""
    when = mapped["registered_at"] if "registered_at" in mapped else pd.Series("", index=mapped.index)
    out["registered_at"] = _dates(when, path, "registered_at", dq, strict=False)
    out["cancelled"] = False
    anonymous = out["email"].str.lower().isin(_ANONYMOUS)
    if dq is not None:
        dq.add(path, "email", "anonymous response (no e-mail)", "kept without an e-mail", rows=int(anonymous.sum()))
    out["email"] = out["email"].mask(anonymous, "")
    out["name"] = out["name"].mask(out["name"].str.lower().isin(_ANONYMOUS), "")
    return _split_choices(out, path, dq)


def _column(raw: pd.DataFrame, header) -> pd.Series:
    values = raw.loc[:, header]
    return values.iloc[:, 0] if isinstance(values, pd.DataFrame) else values


def _session_question(raw: pd.DataFrame):
    """The first question (in file order) whose text names a session, slot or date; None if none."""
    for header in raw.columns:
        label = str(header).strip().lower()
        if label and label not in _FORMS_SYSTEM and _SESSION_QUESTION.search(label):
            return header
    return None


def _split_choices(out: pd.DataFrame, path: Path, dq) -> pd.DataFrame:
    """Forms joins multi-select answers with ';' (often with a trailing one): one row per session."""
    session = out["session"].str.replace(r"\s*;\s*$", "", regex=True)
    several = session.str.contains(";", regex=False)
    if dq is not None:
        dq.add(
            path,
            "session",
            "several sessions chosen in one response",
            "one registration per session",
            int(several.sum()),
        )
    out = out.assign(session=session.str.split(";")).explode("session", ignore_index=True)
    out["session"] = _text(out["session"])
    return out


def _tidy_registrations(out: pd.DataFrame, path: Path, dq) -> pd.DataFrame:
    """Lower-case e-mails, drop rows without anybody, keep one row per person and session."""
    out = out.copy()
    out["email"] = _text(out["email"]).str.lower()
    out["name"] = _text(out["name"])
    out["session"] = _text(out["session"])
    nobody = (out["email"] == "") & (out["name"] == "")
    if dq is not None:
        dq.add(path, "email", "response without an e-mail or a name", "row dropped", rows=int(nobody.sum()))
    out = out.loc[~nobody]
    repeated = out.duplicated(["email", "session"], keep="last") & (out["email"] != "")
    if dq is not None:
        dq.add(
            path, "email", "registered more than once for the same session", "last response kept", int(repeated.sum())
        )
    out = out.loc[~repeated].reset_index(drop=True)
    if out.empty and dq is not None:
        dq.add(path, "(rows)", "no registration in the file", "everyone counted as not registered")
    out["registered_at"] = pd.to_datetime(out["registered_at"]).astype("datetime64[ns]")
    out["cancelled"] = out["cancelled"].astype(bool)
    for field in ("email", "name", "session"):
        out[field] = out[field].astype("str")
    return out[REGISTRATION_COLUMNS]
