"""Assigning everyone still to train to one of the next sessions, and the invitations that go out.

Each person may take an in-person session only at their own site, and an online session only when
their clock is within ``max_tz_offset_hours`` of the session's at the session's start (daylight saving
counted on that day). Sessions that start before ``as_of`` are not used, and no session takes more
people than its capacity.

The choice is made by OR-Tools CP-SAT in stages, each keeping the optimum of the one before:

1. place as many people as the seats allow (without this, inviting nobody would never be late);
2. the least total lateness: days between a person's due date and their session's day, and for a
   person left without a seat, days to the horizon (the day after the last open session, the
   earliest they could be trained), so the most overdue are not the ones left out;
3. the fewest online seats (an in-person session is open only to its own site, so this prefers
   the person's own site), then the earliest sessions (one weighted stage: an online seat outweighs
   any reshuffle of session ranks).

People to whom the same sessions are open and whose due dates give the same lateness up to a
constant are interchangeable, so the model counts them as one group (an integer per group and
session): 20,000 people and 10 sessions make about 2,000 variables. The seats a group receives are
handed out in due-date, then e-mail order, earliest session first. One worker, a fixed seed and a
deterministic time limit give the same assignment on every run.

Examples
--------
>>> slug("Windows 11: readiness / Q&A (Zürich)")
'windows-11-readiness-q-a-zurich'
>>> clean_name(' Doe, Jane;\\n "JD" ')
"Doe, Jane; 'JD'"
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from pmokit import fmt, lazy_module
from pmokit.errors import InputError
from pmokit.excel import sheet_name

# imported on first use: the workbook registry imports the area, and most runs plan no sessions
cp_model = lazy_module("ortools.sat.python.cp_model")

ONLINE = "online"
#: What an online session's LOCATION reads in the calendar.
ONLINE_LOCATION = "Microsoft Teams"
NO_SESSION = "no session they can attend"
NO_SEAT = "no seat left"
NO_EMAIL = "no valid e-mail address"
PEOPLE_COLUMNS = ("email", "name", "department", "site", "manager", "due_date", "timezone")
INVITED_COLUMNS = [
    "session",
    "session_start",
    "email",
    "name",
    "department",
    "site",
    "manager",
    "due_date",
    "late_days",
]
UNPLACEABLE_COLUMNS = ["email", "name", "department", "site", "manager", "due_date", "timezone", "reason"]
SHEET_COLUMNS = ["name", "email", "department", "site", "manager", "due_date", "late_days"]
#: Deterministic time (CP-SAT's machine-independent unit, about a second) allowed per stage.
SOLVER_EFFORT = 5.0
#: A wall-clock guard only a machine far slower than usual reaches; the effort is the real limit.
WALL_GUARD_S = 120.0
RANDOM_SEED = 7
PRODID = "-//pmokit//event_attendance//EN"
#: Where a shared start of session titles may be cut: a dash, colon or bar followed by a space.
SEPARATOR = re.compile(r"\s*[-–—:|]\s+")
EMAIL = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]+$")


@dataclass
class Assignment:
    """Who goes to which session, who cannot be placed and why, and what is short.

    Attributes
    ----------
    invited : DataFrame
        One row per invitation: ``session``, ``session_start``, ``email``, ``name``, ``department``,
        ``site``, ``manager``, ``due_date``, ``late_days`` (0 when on time or without a due date).
    unplaceable : DataFrame
        One row per person not placed: the person's columns, ``timezone`` and ``reason``
        (:data:`NO_SESSION`, :data:`NO_SEAT` or :data:`NO_EMAIL`).
    shortfall : DataFrame
        One row per site with people not placed: ``site``, ``people`` (to invite), ``invited``,
        ``seats_short`` (more seats these people need: the number left without a seat) and
        ``no_session`` (people no session fits).
    sessions : DataFrame
        One row per session, earliest first: ``session``, ``start``, ``timezone``, ``location``,
        ``capacity``, ``open`` (False when it starts before ``as_of``), ``eligible`` (people who could
        attend it: the demand), ``invited``, ``free_seats``.
    summary : str
        One sentence for the report.
    as_of : Timestamp
        The planning date (the calendar files' time stamp, so re-runs write the same bytes).
    optimal : bool
        True when every solver stage proved its optimum within the effort.
    stage_values : list of int
        Each solver stage's objective (see :func:`solve_counts`), for diagnostics.
    """

    invited: pd.DataFrame
    unplaceable: pd.DataFrame
    shortfall: pd.DataFrame
    sessions: pd.DataFrame
    summary: str
    as_of: pd.Timestamp
    optimal: bool = True
    stage_values: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------------------------- inputs


@functools.lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    """The IANA time zone of that name, or None when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return None


def _as_timestamp(value: Any, where: str, expected: str, zone: ZoneInfo | None = None) -> pd.Timestamp:
    """A naive Timestamp from a date, datetime or ISO text, or a one-line InputError.

    An aware value becomes its wall-clock time in ``zone`` (or simply loses its zone without one).
    """
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise InputError(None, where, expected, repr(value))
    if stamp.tzinfo is not None:
        stamp = (stamp.tz_convert(zone) if zone is not None else stamp).tz_localize(None)
    return stamp


def _session_record(i: int, item: Any) -> dict[str, Any]:
    """One upcoming session as a plain dict, checked field by field."""
    if hasattr(item, "model_dump"):  # a pydantic params entry
        item = item.model_dump()
    if not isinstance(item, Mapping):
        raise InputError(
            None, f"upcoming[{i}]", "a mapping with title, start, capacity, timezone, location", repr(item)
        )
    where = f"upcoming[{i}]"
    for key in ("title", "start", "capacity", "timezone", "location"):
        if key not in item or item[key] is None or (isinstance(item[key], str) and not item[key].strip()):
            raise InputError(None, f"{where}.{key}", "a value", "nothing")
    title = str(item["title"]).strip()
    tz = str(item["timezone"]).strip()
    zone = _zone(tz)
    if zone is None:
        raise InputError(None, f"{where}.timezone", "an IANA time zone name such as 'Europe/Berlin'", repr(tz))
    start = _as_timestamp(item["start"], f"{where}.start", "a date and time such as '2026-12-08 09:00'", zone)
    capacity, duration = item["capacity"], item.get("duration_min", 60)
    if isinstance(capacity, bool) or not isinstance(capacity, (int, np.integer)) or capacity < 0:
        raise InputError(None, f"{where}.capacity", "a whole number of seats >= 0", repr(capacity))
    if isinstance(duration, bool) or not isinstance(duration, (int, float, np.number)) or not duration > 0:
        raise InputError(None, f"{where}.duration_min", "a number of minutes > 0", repr(duration))
    location = str(item["location"]).strip()
    return {
        "session": title,
        "start": start.floor("min"),
        "duration_min": float(duration),
        "capacity": int(capacity),
        "timezone": tz,
        "location": ONLINE if location.casefold() == ONLINE else location,
    }


def normalise_sessions(upcoming: Iterable[Any] | pd.DataFrame) -> pd.DataFrame:
    """The upcoming sessions as a frame, earliest first, each field checked.

    Parameters
    ----------
    upcoming : list of dict, or DataFrame
        ``title``, ``start`` (naive: wall-clock time in the session's zone), ``duration_min``,
        ``capacity``, ``timezone`` (IANA) and ``location`` ("online" or a site id).

    Returns
    -------
    DataFrame
        ``session``, ``start``, ``duration_min``, ``capacity``, ``timezone``, ``location``,
        ``start_utc`` (aware) and ``online`` (bool), in start order.

    Raises
    ------
    InputError
        A missing or unreadable field, an unknown time zone, or the same title and start twice.
    """
    items = upcoming.to_dict("records") if isinstance(upcoming, pd.DataFrame) else list(upcoming or [])
    rows = [_session_record(i, item) for i, item in enumerate(items)]
    columns = ["session", "start", "duration_min", "capacity", "timezone", "location"]
    frame = pd.DataFrame(rows, columns=columns)
    twice = frame.duplicated(["session", "start"], keep=False)
    if twice.any():
        first = frame[twice].iloc[0]
        raise InputError(None, "upcoming", "each session (title and start) once", f"'{first['session']}' twice")
    frame["start"] = pd.to_datetime(frame["start"]).astype("datetime64[ns]")
    frame = frame.sort_values(["start", "session"], kind="stable").reset_index(drop=True)
    frame["start_utc"] = [
        start.to_pydatetime().replace(tzinfo=_zone(tz)).astimezone(dt.timezone.utc)
        for start, tz in zip(frame["start"], frame["timezone"])
    ]
    frame["online"] = frame["location"].eq(ONLINE)
    return frame


def _text(column: pd.Series) -> pd.Series:
    """A text column as pandas strings, stripped, "" for missing."""
    return column.astype("string").fillna("").str.strip().astype("string")


def normalise_people(people: pd.DataFrame, default_timezone: str) -> pd.DataFrame:
    """The people to place: canonical columns, one row per e-mail, time zones checked.

    Missing optional columns are added empty; a blank time zone takes ``default_timezone``.

    Raises
    ------
    InputError
        No ``email`` column, an unknown time zone, or a due date that is not a date.
    """
    if "email" not in people.columns:
        raise InputError(None, "email", "a column of e-mail addresses", ", ".join(map(str, people.columns)) or "none")
    if _zone(str(default_timezone)) is None:
        raise InputError(
            None, "default_timezone", "an IANA time zone name such as 'Europe/Berlin'", repr(default_timezone)
        )
    out = pd.DataFrame(index=range(len(people)))
    for col in PEOPLE_COLUMNS:
        if col == "due_date":
            continue
        values = people[col].reset_index(drop=True) if col in people.columns else pd.Series([""] * len(people))
        out[col] = _text(values)
    out["email"] = out["email"].str.lower()
    out["timezone"] = out["timezone"].where(out["timezone"] != "", default_timezone)
    out["due_date"] = _due_dates(people["due_date"] if "due_date" in people.columns else None, len(people))
    unknown = sorted({tz for tz in out["timezone"].unique() if _zone(tz) is None})
    if unknown:
        who = out.loc[out["timezone"] == unknown[0], "email"].iloc[0]
        more = f" (and {fmt.count(len(unknown) - 1, 'other zone')})" if len(unknown) > 1 else ""
        raise InputError(
            None, "timezone", "an IANA time zone name such as 'Europe/Berlin'", f"'{unknown[0]}' for {who}{more}"
        )
    # the roster reader already keeps one row per e-mail; a frame from elsewhere may not
    keep = (out["email"] == "") | ~out["email"].duplicated()
    return out[keep].reset_index(drop=True)


def _due_dates(values: pd.Series | None, n: int) -> pd.Series:
    """Due dates as naive day-precision datetimes, NaT where none; text that is not a date is an error."""
    if values is None:
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    values = values.reset_index(drop=True)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    if not pd.api.types.is_datetime64_any_dtype(values.dtype):
        blank = values.isna() | values.astype("string").fillna("").str.strip().eq("")
        parsed = pd.to_datetime(values.where(~blank), errors="coerce", format="mixed")
        bad = values[~blank & parsed.isna()]
        if len(bad):
            raise InputError(None, "due_date", "a date such as 2026-12-31", f"{bad.iloc[0]!r}")
        values = parsed
    return values.astype("datetime64[ns]").dt.normalize()


# ------------------------------------------------------------------------------------------ eligibility


def eligibility(
    people: pd.DataFrame, sessions: pd.DataFrame, as_of: pd.Timestamp, max_tz_offset_hours: float
) -> np.ndarray:
    """Which person may attend which session: a (people x sessions) boolean matrix.

    In person: the person's site is the session's location (case and spaces ignored). Online: the
    person's UTC offset at the session's start differs from the session's by at most
    ``max_tz_offset_hours``. A session starting before ``as_of`` is open to nobody.
    """
    matrix = np.zeros((len(people), len(sessions)), dtype=bool)
    site = people["site"].str.casefold().to_numpy(dtype=object)
    zones = people["timezone"].to_numpy(dtype=object)
    for j, s in enumerate(sessions.itertuples(index=False)):
        if s.start < as_of:
            continue
        if not s.online:
            matrix[:, j] = site == s.location.casefold()
            continue
        own = s.start_utc.astimezone(_zone(s.timezone)).utcoffset()
        near = {
            tz: abs((s.start_utc.astimezone(_zone(tz)).utcoffset() - own).total_seconds()) <= max_tz_offset_hours * 3600
            for tz in set(zones)
        }
        matrix[:, j] = [near[tz] for tz in zones]
    return matrix


def late_days(session_day: pd.Timestamp, due: pd.Timestamp) -> int:
    """Whole days a session falls after the due date (0 when on time or without a due date).

    Examples
    --------
    >>> late_days(pd.Timestamp("2026-12-10 09:00"), pd.Timestamp("2026-12-07"))
    3
    >>> late_days(pd.Timestamp("2026-12-10"), pd.Timestamp("2026-12-12")), late_days(pd.Timestamp("2026-12-10"), pd.NaT)
    (0, 0)
    """
    if pd.isna(due):
        return 0
    return max(0, (session_day.normalize() - due.normalize()).days)


# ---------------------------------------------------------------------------------------------- solve


@dataclass
class _Groups:
    """Interchangeable people: the same due date and the same sessions open to them."""

    members: list[np.ndarray]  # row positions in the people frame, by due date then e-mail
    size: np.ndarray  # people per group
    mask: np.ndarray  # (groups x sessions) may attend
    late: np.ndarray  # (groups x sessions) late days
    waiting: np.ndarray  # late days of a member left without a seat (counted from the day after the last session)


def _group(people: pd.DataFrame, allowed: np.ndarray, sessions: pd.DataFrame, as_of: pd.Timestamp) -> _Groups:
    """Group people who are interchangeable for the objective (in due-date, then e-mail order inside a group).

    People are interchangeable when the same sessions are open to them and their due dates give the
    same lateness up to a constant. Due dates on or before the first open session's day shift every
    option (each session, or no seat) by the same number of days, so they count as that day; due
    dates on or after the horizon (and none) are never late, so they count as the horizon. The
    horizon is the day after the last open session: the first day someone left without a seat could
    be trained, so their lateness counts to it. Inside a group the most overdue come first, so they
    get the earliest of the group's seats.
    """
    opening = sessions.loc[sessions["start"] >= as_of, "start"]
    first_day = opening.min().normalize() if len(opening) else as_of.normalize()
    horizon = opening.max().normalize() + pd.Timedelta(days=1) if len(opening) else as_of.normalize()
    keys = pd.DataFrame(
        {
            "cost_due": people["due_date"].clip(lower=first_day, upper=horizon).fillna(horizon),
            "mask": [row.tobytes() for row in np.packbits(allowed, axis=1)],
            "due": people["due_date"],
            "email": people["email"],
        }
    )
    keys = keys.sort_values(["cost_due", "mask", "due", "email"], na_position="last", kind="stable")
    grouped = keys.groupby(["cost_due", "mask"], sort=False).indices
    order = keys.index.to_numpy()
    members = [order[idx] for idx in grouped.values()]
    first = np.array([m[0] for m in members], dtype=int)
    days = [s.normalize() for s in sessions["start"]]
    dues = [pd.Timestamp(d) for d in keys["cost_due"].to_numpy()[[idx[0] for idx in grouped.values()]]]
    late = np.array([[late_days(d, due) for d in days] for due in dues], dtype=np.int64)
    return _Groups(
        members=members,
        size=np.array([len(m) for m in members], dtype=np.int64),
        mask=allowed[first] if len(first) else np.zeros((0, len(sessions)), dtype=bool),
        late=late.reshape(len(members), len(sessions)),
        waiting=np.array([late_days(horizon, due) for due in dues], dtype=np.int64),
    )


def _solver() -> "cp_model.CpSolver":
    """A CP-SAT solver with one worker, a fixed seed and a deterministic time limit (same answer on every run)."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = RANDOM_SEED
    solver.parameters.max_deterministic_time = SOLVER_EFFORT
    solver.parameters.max_time_in_seconds = WALL_GUARD_S
    # the full LP relaxation: the model is a transportation problem, whose LP optimum is integral, so
    # the bound closes at once (20,000 people: under 2 s a stage; the default gave no proof in 60 s)
    solver.parameters.linearization_level = 2
    # probing and symmetry detection find nothing in a transportation problem and cost a third of the time
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    return solver


def solve_counts(groups: _Groups, capacity: np.ndarray, online: np.ndarray) -> tuple[np.ndarray, bool, list[int]]:
    """Seats per (group, session) by the lexicographic stages of the module docstring.

    Returns
    -------
    counts : ndarray
        (groups x sessions) people of each group seated at each session.
    optimal : bool
        Every stage proved optimal.
    values : list of int
        Each stage's objective: minus the people placed; the total lateness less that of waiting
        to the horizon; online seats weighted above the sum of session ranks.
    """
    n_groups, n_sessions = groups.mask.shape
    counts = np.zeros((n_groups, n_sessions), dtype=np.int64)
    pairs = [(g, j) for g in range(n_groups) for j in range(n_sessions) if groups.mask[g, j] and capacity[j] > 0]
    if not pairs:
        return counts, True, [0, 0, 0]
    model = cp_model.CpModel()
    x = {(g, j): model.new_int_var(0, int(min(groups.size[g], capacity[j])), f"x_{g}_{j}") for g, j in pairs}
    by_group: dict[int, list] = {}
    by_session: dict[int, list] = {}
    for (g, j), var in x.items():
        by_group.setdefault(g, []).append(var)
        by_session.setdefault(j, []).append(var)
    for g, variables in by_group.items():
        model.add(sum(variables) <= int(groups.size[g]))
    for j, variables in by_session.items():
        model.add(sum(variables) <= int(capacity[j]))
    keys, xs = list(x), list(x.values())
    late = [int(groups.late[g, j] - groups.waiting[g]) for g, j in keys]
    rank = [j for _, j in keys]
    # an in-person session is open only to its own site, so an online seat is the "travel" to avoid
    travel = [int(online[j]) for _, j in keys]
    optimal, values, solver = True, [], None
    for stage in range(3):
        if stage == 0:
            objective = -cp_model.LinearExpr.sum(xs)
        elif stage == 1:
            # total lateness of everyone: a seat replaces the wait to the horizon by the session's lateness
            objective = cp_model.LinearExpr.weighted_sum(xs, late)
        else:
            # online seats first, then session ranks: one online seat outweighs any reshuffle of ranks
            weight = -values[0] * (n_sessions - 1) + 1
            objective = cp_model.LinearExpr.weighted_sum(xs, [weight * t + r for t, r in zip(travel, rank)])
        model.minimize(objective)
        solver = _solver()
        code = solver.solve(model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # cannot happen: all zeros is feasible
            raise RuntimeError(f"the session assignment found no solution ({solver.status_name(code)})")
        optimal &= code == cp_model.OPTIMAL
        best = int(round(solver.objective_value))
        values.append(best)
        model.add(objective <= best)  # keep this stage's optimum while improving the next
        model.clear_hints()
        for var, value in zip(xs, (solver.value(v) for v in xs)):
            model.add_hint(var, value)
    for (g, j), var in x.items():
        counts[g, j] = solver.value(var)
    return counts, optimal, values


# --------------------------------------------------------------------------------------------- assign


def assign(
    people: pd.DataFrame,
    upcoming: Iterable[Any] | pd.DataFrame,
    *,
    as_of: Any,
    max_tz_offset_hours: float = 3,
    default_timezone: str = "UTC",
) -> Assignment:
    """Invite every person in ``people`` to at most one upcoming session.

    Parameters
    ----------
    people : DataFrame
        The required people not yet trained: ``email`` and optionally ``name``, ``department``,
        ``site``, ``manager``, ``due_date`` (datetime or NaT), ``timezone`` (IANA, "" for the default).
    upcoming : list of dict or DataFrame
        The sessions (see :func:`normalise_sessions`).
    as_of : date or datetime
        Planning date: sessions starting before it are not used.
    max_tz_offset_hours : float
        Largest difference between a person's and an online session's UTC offsets.
    default_timezone : str
        Time zone of people whose ``timezone`` is blank.

    Returns
    -------
    Assignment
    """
    as_of = _as_timestamp(as_of, "as_of", "a date such as 2026-12-01")
    if not max_tz_offset_hours >= 0:
        raise InputError(None, "max_tz_offset_hours", "a number of hours >= 0", repr(max_tz_offset_hours))
    sessions = normalise_sessions(upcoming)
    everyone = normalise_people(people, default_timezone)
    valid = everyone["email"].str.fullmatch(EMAIL).fillna(False).to_numpy(dtype=bool)
    persons = everyone[valid].reset_index(drop=True)
    allowed = eligibility(persons, sessions, as_of, max_tz_offset_hours)
    groups = _group(persons, allowed, sessions, as_of)
    counts, optimal, values = solve_counts(
        groups, sessions["capacity"].to_numpy(), sessions["online"].to_numpy(dtype=bool)
    )
    seat = _hand_out(groups, counts, len(persons))
    invited = _invited(persons, sessions, seat)
    unplaceable = _unplaceable(everyone[~valid], persons, allowed, seat)
    shortfall = _shortfall(everyone, invited, unplaceable)
    table = _session_table(sessions, as_of, allowed, seat)
    return Assignment(
        invited=invited,
        unplaceable=unplaceable,
        shortfall=shortfall,
        sessions=table,
        summary=summarise(invited, unplaceable, shortfall),
        as_of=as_of,
        optimal=optimal,
        stage_values=values,
    )


def _hand_out(groups: _Groups, counts: np.ndarray, n_people: int) -> np.ndarray:
    """Each person's session index (-1: none): a group's seats go to its members in order, earliest session first."""
    seat = np.full(n_people, -1, dtype=np.int64)
    for g, members in enumerate(groups.members):
        taken = 0
        for j in range(counts.shape[1]):
            k = int(counts[g, j])
            seat[members[taken : taken + k]] = j
            taken += k
    return seat


def _invited(persons: pd.DataFrame, sessions: pd.DataFrame, seat: np.ndarray) -> pd.DataFrame:
    """One row per invitation, by session then e-mail."""
    placed = seat >= 0
    rows = persons[placed].copy()
    which = seat[placed]
    rows["session"] = sessions["session"].to_numpy()[which] if len(which) else []
    rows["session_start"] = sessions["start"].to_numpy()[which] if len(which) else []
    rows["session_start"] = rows["session_start"].astype("datetime64[ns]")
    rows["session"] = rows["session"].astype("string")
    rows["late_days"] = [late_days(pd.Timestamp(s), due) for s, due in zip(rows["session_start"], rows["due_date"])]
    rows["late_days"] = rows["late_days"].astype("int64")
    rows["_order"] = which
    rows = rows.sort_values(["_order", "email"], kind="stable")
    return rows[INVITED_COLUMNS].reset_index(drop=True)


def _unplaceable(no_email: pd.DataFrame, persons: pd.DataFrame, allowed: np.ndarray, seat: np.ndarray) -> pd.DataFrame:
    """Everyone without a seat, with the reason."""
    left = persons[seat < 0].copy()
    left["reason"] = np.where(allowed[seat < 0].any(axis=1), NO_SEAT, NO_SESSION) if len(left) else []
    missing = no_email.copy()
    missing["reason"] = NO_EMAIL
    out = pd.concat([left, missing], ignore_index=True) if len(missing) else left
    out["reason"] = out["reason"].astype("string")
    out = out.sort_values(["reason", "site", "email", "name"], kind="stable")
    return out[UNPLACEABLE_COLUMNS].reset_index(drop=True)


def _shortfall(everyone: pd.DataFrame, invited: pd.DataFrame, unplaceable: pd.DataFrame) -> pd.DataFrame:
    """Per site with people not placed: people, invited, seats short, no session."""
    people = everyone.groupby("site", sort=True).size().rename("people")
    got = invited.groupby("site").size().rename("invited")
    short = unplaceable[unplaceable["reason"] == NO_SEAT].groupby("site").size().rename("seats_short")
    none = unplaceable[unplaceable["reason"] == NO_SESSION].groupby("site").size().rename("no_session")
    table = pd.concat([people, got, short, none], axis=1).fillna(0).astype("int64")
    table = table[(table["seats_short"] > 0) | (table["no_session"] > 0)]
    table = table.rename_axis("site").reset_index()
    table["site"] = table["site"].astype("string")
    table = table.sort_values(["seats_short", "no_session", "site"], ascending=[False, False, True], kind="stable")
    return table[["site", "people", "invited", "seats_short", "no_session"]].reset_index(drop=True)


def _session_table(sessions: pd.DataFrame, as_of: pd.Timestamp, allowed: np.ndarray, seat: np.ndarray) -> pd.DataFrame:
    """Per session: capacity, demand (people who could attend), invited and free seats."""
    invited = np.bincount(seat[seat >= 0], minlength=len(sessions)) if len(sessions) else np.array([], dtype=int)
    table = sessions[["session", "start", "duration_min", "timezone", "location", "capacity"]].copy()
    table["open"] = (sessions["start"] >= as_of).to_numpy()
    table["eligible"] = allowed.sum(axis=0).astype("int64")
    table["invited"] = invited.astype("int64")
    table["free_seats"] = np.where(table["open"], table["capacity"] - table["invited"], 0).astype("int64")
    return table.reset_index(drop=True)


def _site_phrase(site: str) -> str:
    """Where a shortfall is: the site id, or words when the roster names none."""
    return f"at {site}" if site else "for people without a site"


def summarise(invited: pd.DataFrame, unplaceable: pd.DataFrame, shortfall: pd.DataFrame) -> str:
    """One sentence: invited to how many sessions, how many late, who cannot be placed and why.

    Examples
    --------
    >>> cols = ["site", "people", "invited", "seats_short", "no_session"]
    >>> short = pd.DataFrame([["S004", 30, 18, 12, 0], ["S001", 9, 3, 0, 6]], columns=cols)
    >>> inv = pd.DataFrame({"session": ["A"] * 400 + ["B"] * 12, "late_days": [0] * 412})
    >>> left = pd.DataFrame({"reason": [NO_SEAT] * 12 + [NO_SESSION] * 6})
    >>> summarise(inv, left, short)
    '412 people invited to 2 sessions; 18 people cannot be placed: 12 seats short at S004, 6 people with no session they can attend.'
    """
    if invited.empty and unplaceable.empty:
        return "Nobody is left to invite."
    text = f"{fmt.count(len(invited), 'person')} invited to {fmt.count(invited['session'].nunique(), 'session')}"
    late = int((invited["late_days"] > 0).sum())
    if late:
        text += f" ({fmt.number(late)} after their due date)"
    if unplaceable.empty:
        return text + "; everyone has a seat."
    parts = [
        f"{fmt.count(int(row.seats_short), 'seat')} short {_site_phrase(row.site)}"
        for row in shortfall[shortfall["seats_short"] > 0].head(3).itertuples(index=False)
    ]
    more = int((shortfall["seats_short"] > 0).sum()) - len(parts)
    if more > 0:
        parts.append(f"more at {fmt.count(more, 'other site')}")
    reasons = unplaceable["reason"].value_counts()
    if reasons.get(NO_SESSION, 0):
        parts.append(f"{fmt.count(int(reasons[NO_SESSION]), 'person')} with {NO_SESSION}")
    if reasons.get(NO_EMAIL, 0):
        parts.append(f"{fmt.count(int(reasons[NO_EMAIL]), 'person')} with {NO_EMAIL}")
    return f"{text}; {fmt.count(len(unplaceable), 'person')} cannot be placed: {', '.join(parts)}."


# ---------------------------------------------------------------------------------------------- output


def invitation_sheets(assignment: Assignment) -> dict[str, pd.DataFrame]:
    """One sheet per open session (date and title, at most 31 characters, unique) for ``pmokit.excel.write_workbook``.

    Words every title shares at its start ("Windows 11 readiness training - ") are left out of the
    sheet names, so that 31 characters keep what tells the sessions apart. Open sessions nobody is invited to still get a sheet (headers only). People not placed follow on a
    "Not placed" sheet when there are any.
    """
    used: set[str] = set()
    sheets: dict[str, pd.DataFrame] = {}
    open_sessions = assignment.sessions[assignment.sessions["open"]]
    prefix = _shared_prefix(open_sessions["session"].tolist())
    for s in open_sessions.itertuples(index=False):
        rows = assignment.invited[
            (assignment.invited["session"] == s.session) & (assignment.invited["session_start"] == s.start)
        ]
        title = _sheet_title(s.session[len(prefix) :], s.start)
        sheets[sheet_name(title, used)] = rows[SHEET_COLUMNS].reset_index(drop=True)
    if len(assignment.unplaceable):
        sheets[sheet_name("Not placed", used)] = assignment.unplaceable.reset_index(drop=True)
    return sheets


def _shared_prefix(titles: list[str]) -> str:
    """The start every title shares up to its last separator (" - ", ": ", " | "); "" when none.

    Examples
    --------
    >>> _shared_prefix(["Win 11 training - session 9 (online)", "Win 11 training - Ghent (in person)"])
    'Win 11 training - '
    >>> _shared_prefix(["Intro - A", "Intro - A"]), _shared_prefix(["Only - one"]), _shared_prefix(["Ab", "Ac"])
    ('', '', '')
    """
    if len(set(titles)) < 2:
        return ""
    common = os.path.commonprefix(titles)
    ends = [m.end() for m in SEPARATOR.finditer(common)]
    return common[: ends[-1]] if ends else ""


def _sheet_title(title: str, start: pd.Timestamp) -> str:
    """``<date> <title>`` in Excel's 31 characters, the characters Excel refuses read as spaces.

    Examples
    --------
    >>> _sheet_title("Windows 11: readiness / Q&A", pd.Timestamp("2026-12-08 09:00"))
    '2026-12-08 Windows 11 readiness'
    """
    words = re.sub(r"[\[\]:*?/\\\s]+", " ", str(title)).strip()
    return f"{start:%Y-%m-%d} {words}"[:31].rstrip()


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens (a safe file name), at most 60 characters."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")[:60].strip("-")


def clean_name(name: str) -> str:
    """A display name fit for a calendar parameter: control characters as spaces, double quotes as single."""
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in str(name))
    return re.sub(r"\s+", " ", text.replace('"', "'")).strip()


def event_uid(title: str, start: pd.Timestamp) -> str:
    """A stable UID: the same session gives the same UID on every run (updates replace, not duplicate).

    Examples
    --------
    >>> event_uid("Intro", pd.Timestamp("2026-12-08 09:00")) == event_uid("Intro", pd.Timestamp("2026-12-08 09:00"))
    True
    """
    digest = hashlib.sha256(f"{title}\n{start:%Y-%m-%dT%H:%M}".encode()).hexdigest()[:32]
    return f"{digest}@pmokit"


def _address(person: str) -> tuple[str, str]:
    """(name, e-mail) from "Name <a@b>" or "a@b"."""
    name, addr = email.utils.parseaddr(person)
    if not EMAIL.fullmatch(addr or ""):
        raise InputError(
            None, "organizer", "an e-mail address such as 'Training Team <training@example.com>'", repr(person)
        )
    return clean_name(name), addr.lower()


def session_calendar(session: Any, invitees: pd.DataFrame, as_of: pd.Timestamp, organizer: str | None = None):
    """The ``icalendar.Calendar`` (METHOD:REQUEST, one VEVENT) inviting ``invitees`` to one session."""
    from icalendar import Calendar, Event, vCalAddress

    zone = _zone(session.timezone)
    start = session.start.to_pydatetime().replace(tzinfo=zone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", event_uid(session.session, session.start))
    event.add("dtstamp", dt.datetime.combine(as_of.date(), dt.time(), tzinfo=dt.timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=float(session.duration_min)))
    event.add("summary", session.session)
    event.add("location", ONLINE_LOCATION if session.location == ONLINE else session.location)
    event.add("sequence", 0)
    event.add("status", "CONFIRMED")
    if organizer:
        name, addr = _address(organizer)
        who = vCalAddress(f"mailto:{addr}")
        if name:
            who.params["cn"] = name
        event.add("organizer", who, encode=0)
    for person in invitees.itertuples(index=False):
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = clean_name(person.name) or person.email
        attendee.params["role"] = "REQ-PARTICIPANT"
        attendee.params["partstat"] = "NEEDS-ACTION"
        attendee.params["rsvp"] = "TRUE"
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    cal.add_missing_timezones()  # a VTIMEZONE for the TZID: Outlook needs it to place the time
    return cal


def write_ics(
    assignment: Assignment, sessions: Iterable[Any] | pd.DataFrame, folder: Path, organizer: str | None = None
) -> list[Path]:
    """Write one ``.ics`` invitation per open session into ``folder`` (created when missing).

    File names are ``<date>-<title slug>.ics`` (``-<hhmm>`` and a counter added on clashes). The time
    stamp comes from ``assignment.as_of``, so the same inputs write the same bytes.

    Parameters
    ----------
    assignment : Assignment
    sessions : list of dict or DataFrame
        The upcoming sessions given to :func:`assign`.
    folder : Path
    organizer : str, optional
        "Name <address>" or an address: the ORGANIZER of every event.

    Returns
    -------
    list of Path
        The files written, in session order.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = normalise_sessions(sessions)
    table = table[table["start"] >= assignment.as_of]
    written: list[Path] = []
    used: set[str] = set()
    for s in table.itertuples(index=False):
        invitees = assignment.invited[
            (assignment.invited["session"] == s.session) & (assignment.invited["session_start"] == s.start)
        ]
        cal = session_calendar(s, invitees, assignment.as_of, organizer)
        path = folder / _file_name(s.session, s.start, used)
        path.write_bytes(cal.to_ical())
        written.append(path)
    return written


def _file_name(title: str, start: pd.Timestamp, used: set[str]) -> str:
    """``<date>-<slug>.ics``, unique within ``used`` (case-insensitive file systems included)."""
    base = f"{start:%Y-%m-%d}-{slug(title) or 'session'}"
    name = base if base.casefold() not in used else f"{base}-{start:%H%M}"
    n = 2
    while name.casefold() in used:
        name, n = f"{base}-{start:%H%M}-{n}", n + 1
    used.add(name.casefold())
    return f"{name}.ics"
