"""Who came, for how long, who registered, and who still has to attend: pure functions on canonical frames.

Inputs are the readers' canonical frames: ``sessions`` and ``joins`` (``pmokit.sources.attendance``), the
roster and the registrations (``pmokit.sources.people``) and a rollout plan (``site_id``, ``start_date``). Nothing is read, written or
displayed here. The docstrings state every definition; the report's method notes repeat them.

Typical chain::

    joins = identify(attendance.joins, roster)
    seen = mark_attended(presence(attendance.sessions, joins), attendance.sessions, min_minutes=30)
    series = series_of(attendance.sessions, {"Windows 11": "windows 11"})
    regs = match_registrations(registrations, attendance.sessions, series, roster)
    table = session_table(attendance.sessions, seen, regs, series)
    people = completion(due_dates(roster, plan), seen, series, "Windows 11", as_of)
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from pmokit.errors import InputError

#: Roles left out of attendance unless told otherwise (they run the session, they do not attend it).
EXCLUDE_ROLES = ("organizer", "presenter")
#: A joiner is late when the first join is more than this many minutes after the start; an attendee
#: leaves early when the last leave is more than this many minutes before the end.
LATE_MINUTES = 10
#: People not completed and due within this many days (inclusive) are "due soon".
DUE_SOON_DAYS = 14
#: Tags Teams and Zoom append to guests' display names; dropped before names are compared.
_GUEST_TAGS = r"\s*\((?:guest|external|unverified|extern|gast|invité|invitado|ospite)\)\s*$"
_MONTHS = [
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may", "may"),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep|sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
]
_MONTH_WORDS = "|".join(f"{full}|{abbr}" for abbr, full in _MONTHS)
#: Any day named with a month word or in ISO form: a registration naming a day that no session read
#: had is for a session not held yet.
_ANY_DATE = re.compile(
    rf"(?<!\d)\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_WORDS})(?![a-z])"
    rf"|(?<![a-z])(?:{_MONTH_WORDS})\.?\s+\d{{1,2}}(?!\d)|\d{{4}}-\d{{2}}-\d{{2}}",
    re.IGNORECASE,
)


# ----------------------------------------------------------------------------- identity
def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column as pandas strings with "" for missing; all "" when the column is absent."""
    if column not in frame:
        return pd.Series("", index=frame.index, dtype="str")
    return frame[column].astype("str").fillna("")


def normalise_names(names: pd.Series) -> pd.Series:
    """:func:`normalise_name` on a whole column (each distinct name worked once)."""
    names = pd.Series(names, dtype="str").fillna("")
    codes, uniques = pd.factorize(names)
    if len(uniques) < len(names):
        done = _normalise_distinct(pd.Series(uniques, dtype="str")).to_numpy(dtype=object)
        return pd.Series(done[codes], index=names.index, dtype="str")
    return _normalise_distinct(names)


def _normalise_distinct(names: pd.Series) -> pd.Series:
    """The steps of :func:`normalise_name` on a column of strings."""
    text = names.str.casefold()
    text = text.str.replace(r"\s+", " ", regex=True).str.strip()
    text = text.str.replace(_GUEST_TAGS, "", regex=True)
    # "Last, First" (exactly one comma) -> "first last"
    text = text.str.replace(r"^([^,]+?) ?, ?([^,]+)$", r"\2 \1", regex=True)
    return text.str.strip()


def normalise_name(name: str) -> str:
    """A display name reduced for comparison: casefolded, spaces collapsed, "Last, First" -> "first last".

    A trailing guest tag such as "(Guest)" or "(External)" is dropped. A name with several commas is
    kept in its order.

    Examples
    --------
    >>> normalise_name("  Meyer,   Anna ")
    'anna meyer'
    >>> normalise_name("Anna  MEYER (Guest)")
    'anna meyer'
    """
    return str(normalise_names(pd.Series([name or ""])).iloc[0])


def person_key(email: str, upn: str, name: str) -> str:
    """The key that identifies one person across files: e-mail, else a UPN that is an address, else the name.

    E-mails and UPNs are compared lower-cased; a value without "@" (Forms' "anonymous", a guest's
    internal id) is not an address. People known only by name get ``"name:" + normalise_name(name)``.

    Examples
    --------
    >>> person_key(" Anna.Meyer@Contoso.com", "", "Meyer, Anna")
    'anna.meyer@contoso.com'
    >>> person_key("", "8:teamsvisitor:1f2e", "Meyer, Anna")
    'name:anna meyer'
    """
    email, upn = (email or "").strip().lower(), (upn or "").strip().lower()
    if "@" in email:
        return email
    if "@" in upn:
        return upn
    return "name:" + normalise_name(name)


def _isin(values: pd.Series, members) -> pd.Series:
    """``values.isin(members)`` through object arrays: the pyarrow string path builds one scalar per member,
    seconds for a roster of 20,000."""
    objects = pd.Series(values.to_numpy(dtype=object), index=values.index, dtype=object)
    return objects.isin(pd.Index(list(members), dtype=object))


def roster_names(roster: pd.DataFrame | None) -> tuple[dict[str, str], set[str]]:
    """Normalised roster names that belong to exactly one person (-> their e-mail), and those shared by several."""
    if roster is None or roster.empty or "name" not in roster:
        return {}, set()
    names = normalise_names(_text(roster, "name"))
    emails = _text(roster, "email").str.strip().str.lower()
    counts = names[names != ""].value_counts()
    unique = _isin(names, counts.index[counts == 1])
    return dict(zip(names[unique], emails[unique])), set(counts.index[counts > 1])


def identify(frame: pd.DataFrame, roster: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add ``person`` (the identity key), ``matched`` (how it was found) and ``in_roster`` to joins or registrations.

    In order: the e-mail when it is a roster address ("email"); the UPN when it is a roster address
    ("upn"); an e-mail or UPN address not in the roster ("email"/"upn", ``in_roster`` False); for rows
    with no address at all (guests, the legacy layout, anonymous forms) the roster person whose
    normalised name is that name, only when exactly one roster person has it ("name"). Anyone else is
    "unmatched", keyed ``name:<normalised name>`` and counted apart (a name shared by two roster people
    is never guessed).

    Parameters
    ----------
    frame : DataFrame
        ``joins`` (``email``, ``upn``, ``name``) or registrations (``email``, ``name``).
    roster : DataFrame, optional
        Canonical roster (``email``, ``name``).
    """
    email = _text(frame, "email").str.strip().str.lower()
    upn = _text(frame, "upn").str.strip().str.lower()
    email = email.where(email.str.contains("@", regex=False), "")
    upn = upn.where(upn.str.contains("@", regex=False), "")
    names = normalise_names(_text(frame, "name"))
    known = set() if roster is None or roster.empty else set(_text(roster, "email").str.strip().str.lower()) - {""}
    unique_names, _ = roster_names(roster)
    no_address = email.eq("") & upn.eq("")
    rules = [
        (email.ne("") & _isin(email, known), email, "email"),
        (upn.ne("") & _isin(upn, known), upn, "upn"),
        (email.ne(""), email, "email"),
        (upn.ne(""), upn, "upn"),
        (no_address & _isin(names, unique_names), names.map(unique_names), "name"),
    ]
    conditions = [rule[0].to_numpy(dtype=bool) for rule in rules]
    person = np.select(
        conditions, [rule[1].to_numpy(dtype=object) for rule in rules], ("name:" + names).to_numpy(dtype=object)
    )
    matched = np.select(conditions, [rule[2] for rule in rules], "unmatched")
    out = frame.assign(person=pd.Series(person, index=frame.index, dtype="str"))
    out["matched"] = pd.Series(matched, index=frame.index, dtype="str")
    out["in_roster"] = _isin(out["person"], known)
    return out


# ----------------------------------------------------------------------------- presence per session
def _interval_minutes(joins: pd.DataFrame) -> pd.Series:
    """Minutes each join row adds to its person's union of intervals (rows sorted by session, person, join).

    Row i adds the part of [join_i, leave_i] after the latest leave of the earlier rows of the same
    person: earlier rows all start before join_i, so what they cover from join_i on is [join_i, that
    leave). The sum over a person is the length of the union: overlaps count once.
    """
    keys = [joins["session_id"], joins["person"]]
    latest = joins["leave"].groupby(keys, sort=False).cummax()
    covered_until = latest.groupby(keys, sort=False).shift()
    start = joins["join"].where(covered_until.isna() | (joins["join"] >= covered_until), covered_until)
    return ((joins["leave"] - start).dt.total_seconds() / 60).clip(lower=0)


def presence(
    sessions: pd.DataFrame, joins: pd.DataFrame, exclude_roles: Iterable[str] | None = EXCLUDE_ROLES
) -> pd.DataFrame:
    """One row per session and person: who was there, for how long, late or early.

    Definitions: ``minutes`` is the union of the person's [join, leave] intervals (a rejoin that
    overlaps counts once) when the session ``has_intervals``; otherwise the stated ``minutes`` of
    their rows summed (leave - join where none is stated). ``late``: first join more than 10 minutes
    after the session start (10 minutes exactly is on time); ``early``: last leave more than 10
    minutes before the session end. Rows whose role is in ``exclude_roles`` (organisers, presenters)
    are left out. ``guest`` is True when any of the person's rows is a guest row.

    Parameters
    ----------
    sessions : DataFrame
        Canonical ``sessions``.
    joins : DataFrame
        Canonical ``joins``, ideally through :func:`identify` (with the roster); identified here
        without a roster when ``person`` is missing.
    exclude_roles : iterable of str, optional
        Roles to leave out, compared casefolded.

    Returns
    -------
    DataFrame with ``session_id, person, name, email, matched, in_roster, guest, minutes, first_join,
    last_leave, intervals, late, early``. ``email`` is the person's address ("" when known by name only).
    """
    frame = joins if "person" in joins else identify(joins)
    roles = {str(role).strip().casefold() for role in exclude_roles or ()}
    if roles and "role" in frame:
        frame = frame[~_text(frame, "role").str.strip().str.casefold().isin(roles)]
    frame = frame.merge(sessions[["session_id", "start", "end", "has_intervals"]], on="session_id", how="inner")
    frame = frame.sort_values(["session_id", "person", "join", "leave"], kind="stable", ignore_index=True)
    stated = frame["minutes"] if "minutes" in frame else pd.Series(np.nan, index=frame.index)
    stated = stated.astype(float).fillna((frame["leave"] - frame["join"]).dt.total_seconds() / 60)
    frame["_minutes"] = _interval_minutes(frame).where(frame["has_intervals"].astype(bool), stated)
    frame["_name"] = _text(frame, "name").str.strip().replace("", pd.NA)
    frame["_guest"] = frame["guest"].fillna(False).astype(bool) if "guest" in frame else False
    for column, default in (("matched", "unmatched"), ("in_roster", False)):
        if column not in frame:
            frame[column] = default
    grouped = frame.groupby(["session_id", "person"], sort=True)
    out = grouped.agg(
        name=("_name", "first"),
        matched=("matched", "first"),
        in_roster=("in_roster", "first"),
        guest=("_guest", "any"),
        minutes=("_minutes", "sum"),
        first_join=("join", "min"),
        last_leave=("leave", "max"),
        intervals=("join", "size"),
        start=("start", "first"),
        end=("end", "first"),
    ).reset_index()
    out["name"] = out["name"].fillna("").astype("str")
    out["email"] = out["person"].where(out["person"].str.contains("@", regex=False), "")
    late_by = pd.Timedelta(minutes=LATE_MINUTES)
    out["late"] = (out["first_join"] > out["start"] + late_by).fillna(False).astype(bool)
    out["early"] = (out["last_leave"] < out["end"] - late_by).fillna(False).astype(bool)
    columns = ["session_id", "person", "name", "email", "matched", "in_roster", "guest", "minutes"]
    return out[[*columns, "first_join", "last_leave", "intervals", "late", "early"]]


def mark_attended(
    presence: pd.DataFrame,
    sessions: pd.DataFrame,
    min_minutes: float | None = None,
    min_share: float | None = None,
) -> pd.DataFrame:
    """Add ``threshold_min`` and ``attended`` (minutes >= threshold) to :func:`presence` rows.

    The threshold is ``min_minutes`` when given (it wins over the share), else ``min_share`` x the
    session's ``duration_min``, else 0 (anyone present attended). Reaching the threshold exactly
    counts as attended. A session of unknown duration with a share threshold counts anyone present.
    """
    if min_minutes is not None and min_minutes < 0:
        raise InputError(None, "min_attended_minutes", "a number of minutes >= 0", repr(min_minutes))
    if min_share is not None and not 0 <= min_share <= 1:
        raise InputError(None, "min_attended_share", "a share between 0 and 1", repr(min_share))
    if min_minutes is not None:
        threshold = pd.Series(float(min_minutes), index=presence.index)
    elif min_share is not None:
        duration = presence["session_id"].map(sessions.set_index("session_id")["duration_min"]).astype(float)
        threshold = (duration * float(min_share)).fillna(0.0)
    else:
        threshold = pd.Series(0.0, index=presence.index)
    # 1e-9: minutes come from seconds / 60; "exactly the threshold" must not fail on the last bit.
    attended = presence["minutes"].astype(float) >= threshold - 1e-9
    return presence.assign(threshold_min=threshold, attended=attended.fillna(False).astype(bool))


def unmatched_people(presence: pd.DataFrame, roster: pd.DataFrame | None = None) -> pd.DataFrame:
    """Attendees known by name only and not matched to the roster, for the data-quality section.

    One row per name key: ``name`` (as first seen), ``sessions`` (how many), ``minutes`` (total),
    ``reason``: "shared by N roster people" when the roster has several people of that name (never
    guessed), else "no e-mail and not in the roster" (or "no e-mail" without a roster). Sorted by name.
    """
    lost = presence[presence["matched"] == "unmatched"]
    columns = ["name", "sessions", "minutes", "reason"]
    if lost.empty:
        return pd.DataFrame(columns=columns)
    out = lost.groupby("person", sort=True).agg(
        name=("name", "first"), sessions=("session_id", "nunique"), minutes=("minutes", "sum")
    )
    shared = pd.Series(dtype=int)
    if roster is not None and "name" in roster:
        names = normalise_names(_text(roster, "name"))
        shared = names[names != ""].value_counts()
    key = out.index.str.removeprefix("name:")
    counts = pd.Series(key, index=out.index).map(shared).fillna(0).astype(int)
    alone = "no e-mail and not in the roster" if roster is not None else "no e-mail"
    out["reason"] = [f"shared by {n} roster people" if n > 1 else alone for n in counts]
    return out.reset_index(drop=True)[columns]


# ----------------------------------------------------------------------------- series
def series_of(sessions: pd.DataFrame, series: Mapping[str, str | list[str]] | None = None) -> pd.Series:
    """The series of each session, indexed by ``session_id``.

    ``series`` maps a series name to a regular expression searched in the title (case-insensitive) or
    to a list of titles (compared casefolded, spaces trimmed). The first series that matches wins, in
    the mapping's order. A session matching none forms a series of its own title (so sessions that
    share a title form one series).

    Examples
    --------
    >>> s = pd.DataFrame({"session_id": ["a", "b", "c"], "title": ["W11 training #1", "W11 Training #2", "Town hall"]})
    >>> series_of(s, {"Windows 11": r"w11 training"}).tolist()
    ['Windows 11', 'Windows 11', 'Town hall']
    """
    titles = _text(sessions, "title").str.strip()
    result = pd.Series("", index=sessions.index, dtype="str")
    for name, rule in (series or {}).items():
        if isinstance(rule, str):
            try:
                hit = titles.str.contains(rule, flags=re.IGNORECASE, regex=True)
            except re.error as exc:
                raise InputError(None, f"series.{name}", "a regular expression", f"{rule!r} ({exc})") from None
        else:
            hit = titles.str.casefold().isin({str(title).strip().casefold() for title in rule})
        result = result.mask(result.eq("") & hit, str(name))
    own = titles.where(titles.ne(""), _text(sessions, "session_id"))
    result = result.mask(result.eq(""), own)
    return pd.Series(result.to_numpy(), index=_text(sessions, "session_id").to_numpy(), name="series", dtype="str")


def required_series(series: pd.Series, name: str | None = None) -> str | None:
    """The series the roster must complete: ``name`` when given, else the series with the most sessions.

    Ties go to the name first in alphabetical order; None when there are no sessions.
    """
    if name:
        return name
    counts = series.value_counts()
    if counts.empty:
        return None
    return str(sorted(counts.index[counts == counts.max()])[0])


# ----------------------------------------------------------------------------- registrations
def _date_pattern(start: pd.Timestamp) -> re.Pattern:
    """Words that name the day of ``start``: "3 Nov", "Tue 3 November", "Nov 3rd", "2026-11-03"."""
    abbr, full = _MONTHS[start.month - 1]
    month = rf"(?:{full}|{abbr})\.?"
    day = rf"0?{start.day}(?:st|nd|rd|th)?"
    return re.compile(
        rf"(?<!\d){day}\s+(?:of\s+)?{month}(?![a-z])|(?<![a-z]){month}\s+{day}(?!\d)|{start:%Y-%m-%d}",
        re.IGNORECASE,
    )


def _time_pattern(start: pd.Timestamp) -> re.Pattern:
    """Words that name the clock time of ``start``: "10:00", "10.00", "10am", "10:00 AM", "2 pm"."""
    hour12 = start.hour % 12 or 12
    ampm = "am" if start.hour < 12 else "pm"
    return re.compile(
        rf"(?<!\d)0?{start.hour}[:.h]{start.minute:02d}(?!\d)|(?<!\d){hour12}(?::{start.minute:02d})?\s*{ampm}\b",
        re.IGNORECASE,
    )


class _Choices:
    """The sessions as a registration text is compared with them: titles, days and clock times."""

    def __init__(self, sessions: pd.DataFrame, series: pd.Series):
        self.ids = _text(sessions, "session_id").tolist()
        self.titles = _text(sessions, "title").str.strip().str.casefold().tolist()
        self.series = [series.get(i, "") for i in self.ids]
        starts = list(sessions["start"])
        self.times = [_time_pattern(ts) if pd.notna(ts) else None for ts in starts]
        self.days: dict[pd.Timestamp, tuple[re.Pattern, list[int]]] = {}  # one pattern per day
        for row, ts in enumerate(starts):
            if pd.notna(ts):
                day = ts.normalize()
                self.days.setdefault(day, (_date_pattern(ts), []))[1].append(row)

    def dated(self, text: str) -> set[int]:
        """Rows of the sessions held on a day the text names."""
        return {row for pattern, rows in self.days.values() if pattern.search(text) for row in rows}

    def session_for(self, text: str) -> tuple[str, set[int]]:
        """The one session a registration's text names ("" if none or several), and the candidate rows.

        In order: a title equal to the text and unique; sessions whose date the text names, narrowed by
        the clock time and then by the title when several share the date; a unique title contained in
        the text. Candidates are the sessions the text could mean (used for its series).
        """
        exact = {row for row, title in enumerate(self.titles) if title == text}
        if len(exact) == 1:
            return self.ids[next(iter(exact))], exact
        contained = {row for row, title in enumerate(self.titles) if title and title in text}
        dated = self.dated(text)
        if len(dated) > 1:  # several sessions that day: the clock time, then the title, may pick one
            dated = {row for row in dated if self.times[row].search(text)} or dated
        if len(dated) > 1:
            dated = {row for row in dated if row in contained or row in exact} or dated
        if len(dated) == 1:
            return self.ids[next(iter(dated))], dated
        if not dated and len(contained) == 1:
            return self.ids[next(iter(contained))], contained
        return "", dated or exact or contained


def match_registrations(
    registrations: pd.DataFrame,
    sessions: pd.DataFrame,
    series: pd.Series | None = None,
    roster: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Registrations with ``person`` (see :func:`identify`), the ``session_id`` they name and their ``series``.

    Cancelled registrations are dropped. The ``session`` text names one session when it equals a
    session's title (casefold) that no other session has, or names a session's date ("Tue 3 Nov",
    "3 November", "Nov 3", "2026-11-03"; with the clock time or the title when several sessions share
    the date), or contains one session's title. Otherwise ``session_id`` is "" and the registration is
    for a series: the series of the sessions it could mean, else a series whose name the text contains,
    else the only series when there is one; ``series`` is "" when none of these decides.
    ``session_held`` is False when the text names a day on which no session read was held (a session
    still to come): such registrations are left out of every count and rate. Numeric dates such as
    3/11 are not read (day and month order unknown).
    """
    series = series_of(sessions) if series is None else series
    regs = registrations
    if "cancelled" in regs:
        regs = regs[~regs["cancelled"].fillna(False).astype(bool)]
    regs = identify(regs, roster)
    choices = _Choices(sessions, series)
    names = sorted(set(series))
    texts = _text(regs, "session").str.strip().str.casefold()
    found: dict[str, tuple[str, str, bool]] = {}
    for text in texts.unique():  # few distinct choices however many registrations
        session_id, candidates = choices.session_for(text) if text else ("", set())
        guesses = {choices.series[row] for row in candidates}
        guesses = guesses or {name for name in names if text and name.casefold() in text}
        if len(guesses) != 1 and len(names) == 1:
            guesses = set(names)
        held = not _ANY_DATE.search(text) or bool(choices.dated(text))
        found[text] = (session_id, next(iter(guesses)) if len(guesses) == 1 else "", held)
    out = regs.assign(session_id=texts.map({t: f[0] for t, f in found.items()}).astype("str"))
    out["series"] = texts.map({t: f[1] for t, f in found.items()}).astype("str")
    out["session_held"] = texts.map({t: f[2] for t, f in found.items()}).astype(bool)
    return out


# ----------------------------------------------------------------------------- per session
def _pct(part: float, whole: float) -> float:
    """100 x part / whole to one decimal, NaN when whole is 0 (a rate of nothing is not 0 %)."""
    return round(100.0 * part / whole, 1) if whole else float("nan")


def session_table(
    sessions: pd.DataFrame,
    presence: pd.DataFrame,
    registrations: pd.DataFrame | None = None,
    series: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per session: registered, attended, no-shows, walk-ins, rates, minutes, late and early.

    Definitions: ``attended`` counts people whose minutes reach the threshold (:func:`mark_attended`).
    ``registered`` counts the people whose registration names this session (see
    :func:`match_registrations`); ``no_shows`` are those of them who did not attend it;
    ``attendance_rate_pct`` = registered who attended / registered, ``no_show_pct`` = no-shows /
    registered. ``walk_ins`` attended without a registration for this session nor a registration for
    its series that names no session (someone registered for session 2 who came to session 3 is a
    no-show at 2 and a walk-in at 3). ``median_minutes``, ``late_joiners`` and ``early_leavers`` are
    among attendees. Without registrations the registration columns are empty (<NA>/NaN).

    Parameters
    ----------
    registrations : DataFrame, optional
        Through :func:`match_registrations` (matched here without a roster when ``session_id`` is absent).
    series : Series, optional
        :func:`series_of` (default: each title its own series).
    """
    series = series_of(sessions) if series is None else series
    seen = presence if "attended" in presence else presence.assign(attended=True)
    came = seen.loc[seen["attended"], ["session_id", "person", "minutes", "late", "early"]]
    came = came.drop_duplicates(["session_id", "person"])
    by_session = came.groupby("session_id")
    ids = sessions["session_id"]
    out = pd.DataFrame(
        {
            "session_id": ids.to_numpy(),
            "title": sessions["title"].to_numpy(),
            "series": ids.map(series).fillna(sessions["title"]).to_numpy(),
            "start": sessions["start"].to_numpy(),
        }
    )
    out["attended"] = ids.map(by_session.size()).fillna(0).astype(int).to_numpy()
    out["median_minutes"] = ids.map(by_session["minutes"].median()).astype(float).to_numpy()
    out["late_joiners"] = ids.map(by_session["late"].sum()).fillna(0).astype(int).to_numpy()
    out["early_leavers"] = ids.map(by_session["early"].sum()).fillna(0).astype(int).to_numpy()
    counts = _registration_counts(out, came, registrations, sessions, series)
    for column in ("registered", "no_shows", "walk_ins"):
        out[column] = pd.array(counts[column], dtype="Int64") if counts is not None else pd.NA
        out[column] = out[column].astype("Int64")
    for column, part in (("attendance_rate_pct", "registered_came"), ("no_show_pct", "no_shows")):
        if counts is None:
            out[column] = float("nan")
        else:
            out[column] = [_pct(a, b) for a, b in zip(counts[part], counts["registered"])]
    columns = ["session_id", "title", "series", "start", "registered", "attended", "no_shows", "walk_ins"]
    columns += ["attendance_rate_pct", "no_show_pct", "median_minutes", "late_joiners", "early_leavers"]
    return out[columns]


def _registration_counts(
    table: pd.DataFrame,
    came: pd.DataFrame,
    registrations: pd.DataFrame | None,
    sessions: pd.DataFrame,
    series: pd.Series,
) -> dict[str, np.ndarray] | None:
    """Per row of ``table``: registered, registered_came, no_shows, walk_ins (see :func:`session_table`)."""
    if registrations is None:
        return None
    regs = registrations if "session_id" in registrations else match_registrations(registrations, sessions, series)
    held = regs["session_held"] if "session_held" in regs else pd.Series(True, index=regs.index)
    named = regs.loc[regs["session_id"] != "", ["session_id", "person"]].drop_duplicates().assign(_named=True)
    whole = regs.loc[(regs["session_id"] == "") & (regs["series"] != "") & held, ["series", "person"]]
    whole = whole.drop_duplicates().assign(_whole=True)
    pairs = came[["session_id", "person"]].assign(_came=True, series=came["session_id"].map(series))
    registered = named.merge(pairs[["session_id", "person", "_came"]], on=["session_id", "person"], how="left")
    registered["_came"] = registered["_came"].fillna(False).astype(bool)
    walk = pairs.merge(named, on=["session_id", "person"], how="left").merge(whole, on=["series", "person"], how="left")
    walk = walk[walk["_named"].isna() & walk["_whole"].isna()]
    ids = table["session_id"]
    per = registered.groupby("session_id")["_came"]

    def column(values: pd.Series) -> np.ndarray:
        return ids.map(values).fillna(0).astype(int).to_numpy()

    total, came_count = column(per.size()), column(per.sum())
    return {
        "registered": total,
        "registered_came": came_count,
        "no_shows": total - came_count,
        "walk_ins": column(walk.groupby("session_id").size()),
    }


def registration_totals(presence: pd.DataFrame, registrations: pd.DataFrame, series: pd.Series) -> dict[str, int]:
    """Series-level counts: ``registered``, ``attended_registered``, ``no_shows``, ``walk_ins``, ``unassigned``.

    Counted over (person, series) pairs: a person registered for a series (naming one of its sessions
    or none) attended when they attended any session of that series; a walk-in attended a session of a
    series without any registration for it. ``unassigned`` counts registrations whose series is unknown
    (left out of the rates); registrations for sessions not held yet are left out.
    """
    seen = presence if "attended" in presence else presence.assign(attended=True)
    came = seen[seen["attended"]]
    came_pairs = set(zip(came["person"], came["session_id"].map(series)))
    held = registrations["session_held"] if "session_held" in registrations else True
    assigned = registrations[(registrations["series"] != "") & held]
    reg_pairs = set(zip(assigned["person"], assigned["series"]))
    return {
        "registered": len(reg_pairs),
        "attended_registered": len(reg_pairs & came_pairs),
        "no_shows": len(reg_pairs - came_pairs),
        "walk_ins": len(came_pairs - reg_pairs),
        "unassigned": int((registrations["series"] == "").sum()),
    }


# ----------------------------------------------------------------------------- due dates and completion
def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``values[key]`` for each key (missing when absent), indexed like ``keys``; keeps the values' dtype even
    when ``values`` is empty (``Series.map`` would cast an empty datetime mapping to float and fail)."""
    return values.reindex(keys.to_numpy()).set_axis(keys.index)


def _plan_starts(plan: pd.DataFrame) -> pd.Series:
    """Earliest wave start per site, indexed by the casefolded site id."""
    missing = [c for c in ("site_id", "start_date") if c not in plan]
    if missing:
        raise InputError(None, "plan", "columns site_id and start_date", "columns " + ", ".join(map(str, plan.columns)))
    starts = pd.to_datetime(plan["start_date"], errors="coerce")
    bad = starts.isna() & plan["start_date"].notna() & plan["start_date"].astype("str").str.strip().ne("")
    if bad.any():
        raise InputError(None, "plan.start_date", "a date", repr(str(plan.loc[bad, "start_date"].iloc[0])))
    sites = _text(plan, "site_id").str.strip().str.casefold()
    return starts.groupby(sites).min().dt.normalize()


def due_dates(roster: pd.DataFrame, plan: pd.DataFrame | None = None, due_date=None) -> pd.DataFrame:
    """The roster with each person's ``due_date`` and where it came from (``due_from``).

    In order: the roster's own ``due_date`` ("roster"); the earliest ``start_date`` of the person's
    site in the rollout plan, sites compared casefolded ("plan": trained before the site's wave
    starts); the ``due_date`` parameter ("parameter"); else none (NaT, ``due_from`` "": never overdue).
    """
    own = pd.to_datetime(roster["due_date"], errors="coerce") if "due_date" in roster else None
    own = pd.Series(pd.NaT, index=roster.index, dtype="datetime64[ns]") if own is None else own.dt.normalize()
    site = _text(roster, "site").str.strip().str.casefold()
    starts = _plan_starts(plan) if plan is not None else pd.Series(dtype="datetime64[ns]")
    from_plan = _lookup(site, starts)
    param = pd.Timestamp(due_date).normalize() if due_date is not None and not pd.isna(due_date) else pd.NaT
    due = own.fillna(from_plan).fillna(param)
    source = np.select(
        [own.notna().to_numpy(), from_plan.notna().to_numpy(), np.full(len(roster), pd.notna(param))],
        ["roster", "plan", "parameter"],
        "",
    )
    return roster.assign(due_date=due, due_from=pd.Series(source, index=roster.index, dtype="str"))


def completion(
    roster: pd.DataFrame,
    presence: pd.DataFrame,
    series: pd.Series,
    required: str | None,
    as_of,
    due_soon_days: int = DUE_SOON_DAYS,
) -> pd.DataFrame:
    """One row per roster person: completed the required series or not, overdue, due soon.

    Definitions: completed = attended (:func:`mark_attended`) any session of the ``required`` series
    (any session at all when ``required`` is None); ``completed_on`` = the day of the first such
    session joined. Not completed and ``due_date`` before ``as_of`` -> ``overdue``; not completed and
    ``as_of`` <= ``due_date`` <= ``as_of`` + ``due_soon_days`` -> ``due_soon`` (days compared, not
    times). People without a due date are never overdue nor due soon.

    Parameters
    ----------
    roster : DataFrame
        Canonical roster, best through :func:`due_dates`.
    presence : DataFrame
        :func:`presence` through :func:`mark_attended`, identified with the same roster.
    series : Series
        :func:`series_of`: session_id -> series.
    """
    seen = presence if "attended" in presence else presence.assign(attended=True)
    came = seen[seen["attended"]]
    if required is not None:
        came = came[came["session_id"].map(series) == required]
    first = came.groupby("person")["first_join"].min().dt.normalize()
    count = came.groupby("person")["session_id"].nunique()
    out = pd.DataFrame({"email": _text(roster, "email").str.strip().str.lower()}, index=roster.index)
    for column in ("name", "department", "site", "manager", "due_from"):
        out[column] = _text(roster, column).str.strip()
    due = pd.to_datetime(roster["due_date"]) if "due_date" in roster else pd.Series(pd.NaT, index=roster.index)
    out["due_date"] = pd.to_datetime(due).dt.normalize()
    out["completed_on"] = _lookup(out["email"], first)
    out["completed"] = out["completed_on"].notna()
    out["sessions_attended"] = _lookup(out["email"], count).fillna(0).astype(int)
    day = pd.Timestamp(as_of).normalize()
    open_ = ~out["completed"]
    out["overdue"] = (open_ & (out["due_date"] < day)).astype(bool)
    soon = (out["due_date"] >= day) & (out["due_date"] <= day + pd.Timedelta(days=due_soon_days))
    out["due_soon"] = (open_ & soon).astype(bool)
    columns = ["email", "name", "department", "site", "manager", "due_date", "due_from", "completed"]
    return out[[*columns, "completed_on", "sessions_attended", "overdue", "due_soon"]].reset_index(drop=True)


def completion_by(completion: pd.DataFrame, by: str) -> pd.DataFrame:
    """Completion per ``by`` value (department, site, manager), lowest completion first.

    Columns: ``by``, ``required`` (roster people), ``completed``, ``completion_pct`` (completed /
    required, one decimal), ``overdue``, ``due_soon``. A blank value is shown as "(blank)".
    """
    key = _text(completion, by).str.strip().replace("", "(blank)")
    grouped = completion.assign(_key=key).groupby("_key", sort=True)
    out = grouped.agg(
        required=("email", "size"),
        completed=("completed", "sum"),
        overdue=("overdue", "sum"),
        due_soon=("due_soon", "sum"),
    )
    out = out.astype(int).reset_index().rename(columns={"_key": by})
    out["completion_pct"] = [_pct(c, r) for c, r in zip(out["completed"], out["required"])]
    out = out[[by, "required", "completed", "completion_pct", "overdue", "due_soon"]]
    return out.sort_values(["completion_pct", "required", by], ascending=[True, False, True], ignore_index=True)


def sites_at_risk(completion: pd.DataFrame, plan: pd.DataFrame, as_of) -> pd.DataFrame:
    """Plan sites with roster people not yet trained: their wave starts (or started) before all are trained.

    Columns: ``site_id`` (as the plan writes it), ``start_date`` (earliest wave start of the site),
    ``days_to_start`` (negative once started, from ``as_of``), ``required``, ``trained``,
    ``not_trained``, ``trained_pct``; soonest start first. Sites with everyone trained are left out.
    """
    starts = _plan_starts(plan)
    ids = pd.Series(
        _text(plan, "site_id").str.strip().to_numpy(), index=_text(plan, "site_id").str.strip().str.casefold()
    )
    ids = ids[~ids.index.duplicated()]
    site = _text(completion, "site").str.strip().str.casefold()
    people = completion.assign(_site=site)[site.isin(starts.index)]
    grouped = people.groupby("_site").agg(required=("email", "size"), trained=("completed", "sum"))
    grouped["not_trained"] = grouped["required"] - grouped["trained"]
    grouped = grouped[grouped["not_trained"] > 0]
    day = pd.Timestamp(as_of).normalize()
    out = pd.DataFrame(
        {
            "site_id": ids.reindex(grouped.index).to_numpy(),
            "start_date": starts.reindex(grouped.index).to_numpy(),
            "required": grouped["required"].astype(int).to_numpy(),
            "trained": grouped["trained"].astype(int).to_numpy(),
            "not_trained": grouped["not_trained"].astype(int).to_numpy(),
        }
    )
    out.insert(2, "days_to_start", (out["start_date"] - day).dt.days.astype(int))
    out["trained_pct"] = [_pct(t, r) for t, r in zip(out["trained"], out["required"])]
    return out.sort_values(["start_date", "site_id"], ignore_index=True)


# ----------------------------------------------------------------------------- headline
def overall_metrics(
    sessions: pd.DataFrame,
    presence: pd.DataFrame,
    registrations: pd.DataFrame | None = None,
    series: pd.Series | None = None,
    completion: pd.DataFrame | None = None,
) -> dict[str, float | int | None]:
    """The headline figures; None for a figure that cannot be measured (never a made-up 0).

    ``sessions``; ``attendees`` = distinct people who attended at least one session; from
    registrations (None without): ``attendance_rate_pct`` = registered who attended any session of
    the series / registered, ``no_show_pct``, ``walk_ins`` (see :func:`registration_totals`); from the
    roster's :func:`completion` (None without): ``required``, ``completed``, ``completion_pct`` =
    completed / required, ``overdue_people``, ``due_soon_people``. ``guests_unmatched`` = distinct
    attendees known by name only and not matched to the roster. Rates have one decimal.
    """
    series = series_of(sessions) if series is None else series
    seen = presence if "attended" in presence else presence.assign(attended=True)
    came = seen[seen["attended"]]
    out: dict[str, float | int | None] = {
        "sessions": int(len(sessions)),
        "attendees": int(came["person"].nunique()),
        "guests_unmatched": int(came.loc[came["matched"] == "unmatched", "person"].nunique()),
        "attendance_rate_pct": None,
        "no_show_pct": None,
        "walk_ins": None,
        "required": None,
        "completed": None,
        "completion_pct": None,
        "overdue_people": None,
        "due_soon_people": None,
    }
    if registrations is not None:
        regs = registrations if "series" in registrations else match_registrations(registrations, sessions, series)
        totals = registration_totals(seen, regs, series)
        if totals["registered"]:
            out["attendance_rate_pct"] = _pct(totals["attended_registered"], totals["registered"])
            out["no_show_pct"] = _pct(totals["no_shows"], totals["registered"])
            out["walk_ins"] = totals["walk_ins"]
    if completion is not None and len(completion):
        done = int(completion["completed"].sum())
        out |= {
            "required": int(len(completion)),
            "completed": done,
            "completion_pct": _pct(done, len(completion)),
            "overdue_people": int(completion["overdue"].sum()),
            "due_soon_people": int(completion["due_soon"].sum()),
        }
    return out
