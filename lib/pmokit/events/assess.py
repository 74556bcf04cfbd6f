"""The event-attendance assessment: every figure, colour, table and sentence of the report, computed once.

:func:`bands` holds the thresholds this workbook colours with (completion of the required series and the
number of people overdue); :func:`assess` ties the analysis together (:mod:`.attendance` for who came and
who completed, :mod:`.invite` for the next sessions, the survey workbook's functions for the feedback) and
returns an :class:`EventsResult` that the notebook shows section by section. Pure apart from
:func:`read_feedback`, which reads the feedback export with the survey workbook's reader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pmokit import fmt
from pmokit.assessment import Assessment, Tile
from pmokit.bands import Band, Rating, done, grey, is_missing, worst
from pmokit.events import attendance as at
from pmokit.events import invite

COMPLETION = "completion_pct"
OVERDUE = "overdue_people"
ATTENDANCE_RATE = "attendance_rate_pct"


def bands(p) -> dict[str, Band]:
    """Every threshold this workbook colours with.

    Completion of the required series (higher is better) and the people past their due date without
    having completed it (lower is better: amber from the first one). The same bands colour the tiles,
    the verdict, the tables and the status deck's cells (``completion_pct_rag``, ``overdue_people_rag``).

    Examples
    --------
    >>> b = bands(None)
    >>> [b["completion_pct"].rate(v).rag for v in (90, 89.9, 75, 74.9, None)]
    ['green', 'amber', 'amber', 'red', 'grey']
    >>> [b["overdue_people"].rate(v).rag for v in (0, 1, 10, 11)]
    ['green', 'amber', 'amber', 'red']
    """
    amber = getattr(p, "completion_amber_pct", 90.0)
    red = getattr(p, "completion_red_pct", 75.0)
    overdue_red = getattr(p, "overdue_red", 10)
    return {
        COMPLETION: Band(COMPLETION, "Completion", "higher_is_better", amber=amber, red=red, fmt="{:.0f}%"),
        OVERDUE: Band(OVERDUE, "Overdue people", "lower_is_better", amber=0, red=overdue_red, fmt="{:,.0f}"),
    }


@dataclass
class EventsResult(Assessment):
    """What the event-attendance report shows, section by section.

    Attributes beyond :class:`~pmokit.assessment.Assessment`:

    session_table : one row per session (:func:`pmokit.events.attendance.session_table`); sessions_view its
      columns in words
    presence : one row per session and person, with minutes and ``attended``
    completion : one row per required person (None without a roster)
    by_department, by_site, by_manager : completion per group (None without a roster); ``*_view`` in words
    heat : completion % department x site (None without a roster or with one department and site)
    due_people : people overdue or due soon, the most overdue first
    at_risk : sites whose wave starts before their people are trained (None without plan or roster)
    feedback_items, feedback_comments : the feedback summary (None without feedback)
    assignment : invitations to the upcoming sessions (None without upcoming sessions or roster)
    upcoming : the upcoming sessions as a frame
    sheets : the sheets of ``attendance.xlsx``
    texts : section -> its opening sentence; why_empty : section -> why it has nothing to show
    as_of : the report date
    quality : data-quality lines the analysis finds (:func:`quality_findings`)
    """

    session_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    sessions_view: pd.DataFrame = field(default_factory=pd.DataFrame)
    presence: pd.DataFrame = field(default_factory=pd.DataFrame)
    completion: pd.DataFrame | None = None
    by_department: pd.DataFrame | None = None
    by_site: pd.DataFrame | None = None
    by_manager: pd.DataFrame | None = None
    by_site_view: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_manager_view: pd.DataFrame = field(default_factory=pd.DataFrame)
    heat: pd.DataFrame | None = None
    due_people: pd.DataFrame = field(default_factory=pd.DataFrame)
    at_risk: pd.DataFrame | None = None
    feedback_items: pd.DataFrame | None = None
    feedback_comments: pd.DataFrame | None = None
    assignment: Any = None
    invitations_view: pd.DataFrame = field(default_factory=pd.DataFrame)
    unplaceable_view: pd.DataFrame = field(default_factory=pd.DataFrame)
    upcoming: pd.DataFrame = field(default_factory=pd.DataFrame)
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    why_empty: dict[str, str] = field(default_factory=dict)
    as_of: dt.date | None = None
    quality: list[tuple[str, str, str, str, int]] = field(default_factory=list)


# ----------------------------------------------------------------------------- feedback
@dataclass
class Feedback:
    """The feedback survey: its definition (scale, favourable band) and its responses."""

    definition: Any
    responses: Any


def read_feedback(p, dq=None) -> Feedback | None:
    """The feedback export read with the survey workbook's reader (None when no feedback is given)."""
    if not p.feedback_path:
        return None
    from pmokit.sources.surveys import read_definition, read_survey

    definition = read_definition(p.feedback_survey_path)
    return Feedback(definition, read_survey(p.feedback_path, definition, dq=dq))


def feedback_summary(
    feedback: Feedback | None, p
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, dict[str, Any], str]:
    """Favourable answers per statement and the comments that may be shown, under the survey rules.

    Returns ``(items, comments, metrics, text)``; ``items`` is None with the reason as ``text`` when there
    is no feedback or fewer responses than ``min_group_size`` (no figure of a group that small is shown).
    """
    from pmokit.survey import anonymity, likert

    if feedback is None:
        return None, None, {"feedback_responses": None, "feedback_favourability_pct": None}, "no feedback survey given"
    definition, feedback = feedback.definition, feedback.responses
    n = feedback.responses
    if n < p.min_group_size:
        why = (
            f"{fmt.count(n, 'response')}, fewer than {p.min_group_size}: no figure is shown, to keep answers anonymous"
        )
        return None, None, {"feedback_responses": n, "feedback_favourability_pct": None}, why
    points, top = len(definition.scale), definition.favourable_top
    table = likert.item_table(feedback.likert, points, top, items=feedback.items)
    overall = likert.favourability_pct(feedback.likert, points, top)
    items = pd.DataFrame(
        {
            "Statement": table["item"],
            "Answers": table["n"],
            "Favourable": [fmt.pct(v, 0) for v in table["favourable_pct"]],
            "Unfavourable": [fmt.pct(v, 0) for v in table["unfavourable_pct"]],
        }
    )
    shown, withheld = anonymity.safe_comments(
        feedback.comments, feedback.groups, p.min_comment_group_size, names=feedback.names
    )
    comments = shown.rename(columns={"question": "Question", "group": "Group", "text": "Comment"})
    text = (
        f"{fmt.count(n, 'response')}; {fmt.pct(overall, 0)} of all answers are favourable. "
        f"{fmt.count(len(shown), 'comment')} shown"
        + (f", {withheld} withheld (groups under {p.min_comment_group_size} people)." if withheld else ".")
    )
    metrics = {"feedback_responses": n, "feedback_favourability_pct": round(overall, 1)}
    return items, comments, metrics, text


# ----------------------------------------------------------------------------- the assessment
def report_date(sessions: pd.DataFrame, as_of: dt.date | None) -> dt.date:
    """The report date: ``as_of``, else the day after the last session ended."""
    if as_of is not None:
        return as_of
    last = sessions["end"].max()
    return (last.date() + dt.timedelta(days=1)) if not pd.isna(last) else dt.date.today()


def rate(metrics: dict[str, Any], band_map: dict[str, Band]) -> dict[str, Rating]:
    """The colours of completion and of the overdue count.

    Grey without a roster (who must attend is unknown) and when nobody is required; done when every
    required person has completed (nothing remains, so nobody can be overdue).

    Examples
    --------
    >>> b = bands(None)
    >>> rate({"required": None}, b)["completion_pct"].rag
    'grey'
    >>> r = rate({"required": 10, "completed": 10, "completion_pct": 100.0, "overdue_people": 0}, b)
    >>> r["completion_pct"].rag, r["overdue_people"].rag
    ('done', 'done')
    >>> rate({"required": 10, "completed": 8, "completion_pct": 80.0, "overdue_people": 2}, b)["overdue_people"].rag
    'amber'
    """
    required = metrics.get("required")
    if is_missing(required):
        why = "no roster given: who must attend is unknown"
        return {metric: grey(f"{band.label}: {why}") for metric, band in band_map.items()}
    if required == 0:
        why = "the roster lists nobody"
        return {metric: grey(f"{band.label}: {why}") for metric, band in band_map.items()}
    if metrics.get("completed") == required:
        return {metric: done("every required person has completed the training") for metric in band_map}
    return {metric: band.rate(metrics.get(metric)) for metric, band in band_map.items()}


def verdict_text(metrics: dict[str, Any], series: str, due_soon_days: int) -> str:
    """The one-sentence verdict, in words.

    Examples
    --------
    >>> verdict_text({"required": 400, "completed": 268, "completion_pct": 67.0,
    ...               "overdue_people": 23, "due_soon_people": 41, "sessions": 8, "attendees": 300}, "Training", 14)
    '268 of 400 required people (67%) have completed Training; 23 people are overdue and 41 people are due within 14 days.'
    """
    if is_missing(metrics.get("required")):
        return (
            f"{fmt.count(metrics['sessions'], 'session')} attended by {fmt.count(metrics['attendees'], 'person')}; "
            "without a roster, completion and overdue people are not measured."
        )
    required, completed = metrics["required"], metrics["completed"]
    if required == 0:
        return "The roster lists nobody, so there is no completion to measure."
    if completed == required:
        return f"All {fmt.count(required, 'required person')} have completed {series}."
    overdue, soon = metrics["overdue_people"], metrics["due_soon_people"]
    return (
        f"{fmt.number(completed)} of {fmt.count(required, 'required person')} ({fmt.pct(metrics['completion_pct'], 0)}) "
        f"have completed {series}; {fmt.count(overdue, 'person')} {'is' if overdue == 1 else 'are'} overdue and "
        f"{fmt.count(soon, 'person')} {'is' if soon == 1 else 'are'} due within {fmt.count(due_soon_days, 'day')}."
    )


def verdict_rating(ratings: dict[str, Rating]) -> Rating:
    """The verdict's colour: the worse of completion and overdue people, with both reasons.

    Examples
    --------
    >>> verdict_rating({"completion_pct": Rating("amber", "Completion 80%, below 90%"),
    ...                 "overdue_people": Rating("red", "Overdue 12 people, above 10 people")}).rag
    'red'
    """
    state = worst(ratings.values())
    if state == "grey":
        return next(iter(ratings.values()))
    if state == "done":
        return done("every required person has completed the training")
    return Rating(state, "; ".join(r.reason for r in ratings.values() if r.rag not in ("grey", "done")))


#: Session table columns in the report, in words.
SESSION_COLUMNS = {
    "start": "Session",
    "title": "Title",
    "registered": "Registered",
    "attended": "Attended",
    "no_shows": "No-shows",
    "walk_ins": "Walk-ins",
    "attendance_rate_pct": "Attendance rate",
    "median_minutes": "Median minutes",
    "late_joiners": "Late joiners",
    "early_leavers": "Early leavers",
}


def sessions_view(table: pd.DataFrame) -> pd.DataFrame:
    """The session table as the report shows it: dates and words; counts stay numbers (blank: "—")."""
    view = table.sort_values("start")[list(SESSION_COLUMNS)].rename(columns=SESSION_COLUMNS)
    view["Session"] = [fmt.date(s) for s in view["Session"]]
    view["Median minutes"] = view["Median minutes"].round(0)
    return view.reset_index(drop=True)


#: Number formats of the session table (report.table ``formats``).
SESSION_FORMATS = {"Attendance rate": "{:.0f}%", "Median minutes": "{:.0f}"}


def group_view(by_group: pd.DataFrame, group: str, band: Band) -> pd.DataFrame:
    """Completion per group in words, with the completion band's state beside each group."""
    return pd.DataFrame(
        {
            group.capitalize(): by_group[group],
            "Required": by_group["required"],
            "Completed": by_group["completed"],
            "Completion": [fmt.pct(v, 0) for v in by_group["completion_pct"]],
            "Completion RAG": [band.rate(v).label for v in by_group["completion_pct"]],
            "Overdue": by_group["overdue"],
            "Due soon": by_group["due_soon"],
        }
    )


def due_people(people: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """People overdue or due soon, the most overdue first: name, e-mail, department, site, manager, due date."""
    todo = people.loc[people["overdue"] | people["due_soon"]].sort_values(["due_date", "manager", "name"])
    day = pd.Timestamp(as_of)
    return pd.DataFrame(
        {
            "Name": todo["name"],
            "E-mail": todo["email"],
            "Department": todo["department"],
            "Site": todo["site"],
            "Manager": todo["manager"],
            "Due": [fmt.date(d) for d in todo["due_date"]],
            "State": ["overdue" if o else "due soon" for o in todo["overdue"]],
            "Days": [
                f"{fmt.count(abs((d - day).days), 'day')} {'late' if d < day else 'left'}" for d in todo["due_date"]
            ],
        }
    ).reset_index(drop=True)


def heat_table(people: pd.DataFrame) -> pd.DataFrame | None:
    """Completion % department x site (None when there is a single department or a single site)."""
    if people["department"].nunique() < 2 or people["site"].nunique() < 2:
        return None
    grouped = people.assign(done=people["completed"].astype(float)).pivot_table(
        index="department", columns="site", values="done", aggfunc="mean"
    )
    return (100 * grouped).round(0)


def at_risk_view(at_risk: pd.DataFrame) -> pd.DataFrame:
    """Sites going live before their people are trained, in words."""
    return pd.DataFrame(
        {
            "Site": at_risk["site_id"],
            "Wave starts": [fmt.date(d) for d in at_risk["start_date"]],
            "When": [
                f"in {fmt.count(d, 'day')}" if d > 0 else "today" if d == 0 else f"{fmt.count(-d, 'day')} ago"
                for d in at_risk["days_to_start"]
            ],
            "Required": at_risk["required"],
            "Trained": at_risk["trained"],
            "Not trained": at_risk["not_trained"],
            "Trained share": [fmt.pct(v, 0) for v in at_risk["trained_pct"]],
        }
    )


def quality_findings(att, seen: pd.DataFrame, roster: pd.DataFrame | None, p) -> list[tuple[str, str, str, str, int]]:
    """Data-quality lines the analysis finds: ``(file, field, problem, action, rows)``.

    Attendees known by name only and not matched to the roster, roster names shared by several people,
    and sessions shorter than the attendance threshold (nobody can reach it).
    """
    found = []
    for row in at.unmatched_people(seen[seen["attended"]], roster).itertuples(index=False):
        found.append(
            (
                "attendance",
                "name",
                f"{row.name}: {row.reason}",
                "counted apart, not as a roster person",
                int(row.sessions),
            )
        )
    if roster is not None and "name" in roster:
        names = at.normalise_names(roster["name"].astype("str"))
        shared = names[names != ""].value_counts()
        shared = shared[shared > 1]
        if len(shared):
            found.append(
                (
                    "roster",
                    "name",
                    f"{fmt.count(len(shared), 'name')} shared by several people",
                    "guests of that name are not matched",
                    int(shared.sum()),
                )
            )
    if p.min_attended_minutes is not None:
        short = att.sessions[att.sessions["duration_min"] < p.min_attended_minutes]
        for row in short.itertuples(index=False):
            found.append(
                (
                    row.file,
                    "duration",
                    f"the session lasted {fmt.number(row.duration_min, 0)} minutes, shorter than the {fmt.number(p.min_attended_minutes, 0)}-minute threshold",
                    "nobody counts as attended",
                    1,
                )
            )
    return found


def completion_in_parts(due: pd.DataFrame, seen: pd.DataFrame, sessions, series, required, p, as_of) -> pd.DataFrame:
    """Completion of the required series; with ``parts``, a session of every part must have been attended.

    Without parts this is :func:`pmokit.events.attendance.completion`. With parts (``{part: regex on the
    title}``, sessions of the required series only), a person completed when they attended a session of
    each part; ``completed_on`` is the day the last part was done; overdue and due soon follow from that.
    """
    if not p.parts:
        return at.completion(due, seen, series, required, as_of, p.due_soon_days)
    in_series = sessions[sessions["session_id"].map(series) == required]
    part_of = at.series_of(in_series, p.parts)
    unknown = sorted(set(p.parts) - set(part_of))
    if unknown:
        from pmokit.errors import InputError

        raise InputError(
            None, "parts", "every part to match a session of the required series", f"no session for {unknown}"
        )
    per_part = [at.completion(due, seen, part_of, part, as_of, p.due_soon_days) for part in p.parts]
    out = per_part[0].copy()
    done = pd.concat([frame["completed"] for frame in per_part], axis=1).all(axis=1)
    last = pd.concat([frame["completed_on"] for frame in per_part], axis=1).max(axis=1)
    out["completed"] = done
    out["completed_on"] = last.where(done)
    out["sessions_attended"] = sum(frame["sessions_attended"] for frame in per_part)
    day = pd.Timestamp(as_of).normalize()
    soon = (out["due_date"] >= day) & (out["due_date"] <= day + pd.Timedelta(days=p.due_soon_days))
    out["overdue"] = (~done & (out["due_date"] < day)).astype(bool)
    out["due_soon"] = (~done & soon).astype(bool)
    return out


def assess(att, p, *, roster=None, registrations=None, plan=None, feedback: Feedback | None = None) -> EventsResult:
    """Everything the report shows, computed once.

    Parameters
    ----------
    att : Attendance
        The sessions and joins (:func:`pmokit.sources.attendance.read_attendance`).
    p : EventAttendanceParams
    roster, registrations, plan : DataFrame, optional
        Canonical frames of :mod:`pmokit.sources.people` and the rollout ``plan.csv``.
    feedback : Feedback, optional
    """
    band_map = bands(p)
    as_of = report_date(att.sessions, p.as_of)
    series = at.series_of(att.sessions, p.series)
    required = at.required_series(series, p.required_series)
    if required is not None and required not in set(series):
        from pmokit.errors import InputError

        raise InputError(None, "required_series", f"one of the series {sorted(set(series))}", repr(required))
    joins = at.identify(att.joins, roster)
    seen = at.presence(att.sessions, joins, p.exclude_roles)
    seen = at.mark_attended(seen, att.sessions, min_minutes=p.min_attended_minutes, min_share=p.min_attended_share)
    regs = at.match_registrations(registrations, att.sessions, series, roster) if registrations is not None else None
    table = at.session_table(att.sessions, seen, regs, series)
    people = None
    if roster is not None:
        due = at.due_dates(roster, plan, p.due_date)
        people = completion_in_parts(due, seen, att.sessions, series, required, p, as_of)
    metrics = at.overall_metrics(att.sessions, seen, regs, series, people)
    items, comments, feedback_metrics, feedback_text = feedback_summary(feedback, p)
    metrics.update(feedback_metrics)
    ratings = rate(metrics, band_map)
    rating = verdict_rating(ratings)
    result = EventsResult(
        metrics=metrics,
        verdict=verdict_text(metrics, required or "the training", p.due_soon_days),
        rating=rating,
        ratings=ratings,
        bands=band_map,
        session_table=table,
        sessions_view=sessions_view(table),
        presence=seen,
        completion=people,
        feedback_items=items,
        feedback_comments=comments,
        as_of=as_of,
    )
    result.texts["feedback"] = feedback_text
    if items is None:
        result.why_empty["feedback"] = feedback_text
    _completion_sections(result, people, plan, p, as_of)
    _invitations(result, people, p, as_of)
    result.tiles = _tiles(metrics, ratings, p, required)
    result.texts["context"] = _context(metrics, att, required, p, as_of)
    result.texts["sessions"] = _sessions_text(metrics, table)
    result.quality = quality_findings(att, seen, roster, p)
    result.sheets = _sheets(result)
    result.notes = {**result.threshold_notes(), **method_notes(p, required)}
    return result


def _completion_sections(result: EventsResult, people: pd.DataFrame | None, plan, p, as_of: dt.date) -> None:
    """Completion by group, overdue people, the heat map and the sites at risk (or why each is empty)."""
    if people is None:
        result.why_empty["completion"] = "no roster given, so who must attend (and who is overdue) is unknown"
        result.why_empty["at_risk"] = result.why_empty["completion"]
        return
    band = result.bands[COMPLETION]
    result.by_department = at.completion_by(people, "department")
    result.by_site = at.completion_by(people, "site")
    result.by_manager = at.completion_by(people, "manager")
    result.by_site_view = group_view(result.by_site, "site", band)
    managers = result.by_manager.loc[(result.by_manager["overdue"] + result.by_manager["due_soon"]) > 0]
    result.by_manager_view = group_view(managers.sort_values(["overdue", "due_soon"], ascending=False), "manager", band)
    result.heat = heat_table(people)
    result.due_people = due_people(people, as_of)
    m = result.metrics
    worst_site = result.by_site.iloc[0] if len(result.by_site) else None
    result.texts["completion"] = (
        f"{fmt.number(m['completed'])} of {fmt.count(m['required'], 'required person')} have completed it "
        f"({fmt.pct(m['completion_pct'], 0)})"
        + (
            f"; lowest site {worst_site['site']} at {fmt.pct(worst_site['completion_pct'], 0)}."
            if worst_site is not None
            else "."
        )
    )
    if result.by_manager_view.empty:
        result.why_empty["due"] = "nobody is overdue or due within the coming days"
    result.texts["due"] = (
        f"{fmt.count(m['overdue_people'], 'person')} overdue and {fmt.count(m['due_soon_people'], 'person')} due "
        f"within {fmt.count(p.due_soon_days, 'day')}, under {fmt.count(len(result.by_manager_view), 'manager')}."
    )
    if plan is None:
        result.why_empty["at_risk"] = "no rollout plan given (plan_path), so no site's go-live is known"
        return
    risk = at.sites_at_risk(people, plan, as_of)
    result.at_risk = at_risk_view(risk)
    started = int((risk["days_to_start"] <= 0).sum())
    result.texts["at_risk"] = (
        "Every site in the plan has all its required people trained."
        if risk.empty
        else f"{fmt.count(len(risk), 'site')} {'goes' if len(risk) == 1 else 'go'} live with people not yet trained "
        f"({fmt.number(int(risk['not_trained'].sum()))} in all); {started} of them already started."
    )


def _invitations(result: EventsResult, people: pd.DataFrame | None, p, as_of: dt.date) -> None:
    """Assign everyone still to train to the upcoming sessions (or say why not)."""
    if not p.upcoming:
        result.why_empty["invitations"] = "no upcoming sessions given (upcoming)"
        return
    if people is None:
        result.why_empty["invitations"] = "no roster given, so who still must attend is unknown"
        return
    todo = people.loc[~people["completed"]]
    if todo.empty:
        result.why_empty["invitations"] = "every required person has completed the training: nobody to invite"
        return
    upcoming = [s.model_dump() for s in p.upcoming]
    result.upcoming = upcoming
    result.assignment = invite.assign(
        todo, upcoming, as_of=as_of, max_tz_offset_hours=p.max_tz_offset_hours, default_timezone=_zone(upcoming)
    )
    table = result.assignment.sessions
    result.invitations_view = pd.DataFrame(
        {
            "Session": table["session"],
            "Starts": [f"{fmt.date(s)} {s:%H:%M}" for s in table["start"]],
            "Where": [loc if loc != "online" else "online" for loc in table["location"]],
            "Seats": table["capacity"],
            "Invited": table["invited"],
            "Free seats": table["free_seats"],
        }
    )
    result.unplaceable_view = result.assignment.unplaceable.rename(
        columns=lambda c: str(c).replace("_", " ").capitalize()
    )
    result.metrics["invited_people"] = int(len(result.assignment.invited))
    result.metrics["unplaceable_people"] = int(len(result.assignment.unplaceable))


def _zone(upcoming: list[dict[str, Any]]) -> str:
    """The time zone assumed for people without one: that of the first upcoming session."""
    return upcoming[0]["timezone"] if upcoming else "UTC"


def _tiles(m: dict[str, Any], ratings: dict[str, Rating], p, required: str | None) -> list[Tile]:
    return [
        Tile(
            "Completion",
            "—" if is_missing(m["completion_pct"]) else fmt.pct(m["completion_pct"], 0),
            rag=ratings[COMPLETION],
            note=ratings[COMPLETION].reason
            if is_missing(m["completion_pct"])
            else f"{fmt.number(m['completed'])} of {fmt.count(m['required'], 'required person')}",
        ),
        Tile(
            "Overdue",
            "—" if is_missing(m["overdue_people"]) else fmt.count(m["overdue_people"], "person"),
            rag=ratings[OVERDUE],
        ),
        Tile(
            "Due soon",
            "—" if is_missing(m["due_soon_people"]) else fmt.count(m["due_soon_people"], "person"),
            note=f"due within {fmt.count(p.due_soon_days, 'day')}",
        ),
        Tile(
            "Attendance rate",
            "—" if is_missing(m["attendance_rate_pct"]) else fmt.pct(m["attendance_rate_pct"], 0),
            note="registered people who attended"
            if not is_missing(m["attendance_rate_pct"])
            else "no registrations given",
        ),
        Tile("Sessions", fmt.number(m["sessions"]), note=f"{fmt.count(m['attendees'], 'attendee')} in all"),
    ]


def _context(m: dict[str, Any], att, required: str | None, p, as_of: dt.date) -> str:
    first, last = att.sessions["start"].min(), att.sessions["start"].max()
    threshold = (
        f"at least {fmt.count(p.min_attended_minutes, 'minute')}"
        if p.min_attended_minutes is not None
        else f"at least {fmt.pct(100 * p.min_attended_share, 0)} of the session"
    )
    return (
        f"{fmt.count(m['sessions'], 'session')} from {fmt.date(first)} to {fmt.date(last)}; "
        f"completion is measured for {required or 'the training'} as of {fmt.date(as_of)}; "
        f"attended means {threshold} in the meeting."
    )


def _sessions_text(m: dict[str, Any], table: pd.DataFrame) -> str:
    text = f"{fmt.count(m['attendees'], 'person')} attended at least one session"
    if not is_missing(m["attendance_rate_pct"]):
        text += (
            f"; {fmt.pct(m['attendance_rate_pct'], 0)} of the people who registered came "
            f"({fmt.pct(m['no_show_pct'], 0)} no-shows) and {fmt.count(m['walk_ins'], 'person')} came without registering"
        )
    if m.get("guests_unmatched"):
        text += f"; {fmt.count(m['guests_unmatched'], 'guest')} without an e-mail counted apart"
    return text + "."


#: Up to this many sessions ``attendance.xlsx`` holds a people x sessions matrix; a longer series (200 weekly
#: sessions: 4 million mostly empty cells, minutes to write and unreadable) gets one row per person and session.
MATRIX_MAX_SESSIONS = 50


def _sheets(result: EventsResult) -> dict[str, pd.DataFrame]:
    """The sheets of ``attendance.xlsx``: sessions, who attended which session, overdue per manager."""
    sheets = {"Sessions": result.sessions_view}
    seen = result.presence.loc[result.presence["attended"]]
    labels = result.session_table.set_index("session_id")["start"].map(lambda s: f"{s:%Y-%m-%d %H:%M}")
    minutes = seen.assign(column=seen["session_id"].map(labels), mins=seen["minutes"].round(0))
    if len(result.session_table) <= MATRIX_MAX_SESSIONS:
        matrix = minutes.pivot_table(index=["person", "name"], columns="column", values="mins", aggfunc="sum")
        matrix = matrix.reset_index().rename(columns={"person": "Person", "name": "Name"})
        matrix.columns.name = None
        sheets["People x sessions (minutes)"] = matrix
    else:
        listed = minutes.sort_values(["person", "column"])[["person", "name", "column", "mins"]]
        sheets["Attendance (minutes)"] = listed.rename(
            columns={"person": "Person", "name": "Name", "column": "Session", "mins": "Minutes"}
        ).reset_index(drop=True)
    if result.completion is not None:
        people = result.completion.rename(columns=lambda c: str(c).replace("_", " ").capitalize())
        sheets["Required people"] = people
        sheets["Overdue per manager"] = result.by_manager_view
        band = result.bands[COMPLETION]
        for group, table in (
            ("department", result.by_department),
            ("site", result.by_site),
            ("manager", result.by_manager),
        ):
            sheets[f"Completion by {group}"] = group_view(table, group, band)
    return sheets


def method_notes(p, required: str | None) -> dict[str, str]:
    """The definitions behind every figure (the same words as :mod:`pmokit.events.attendance`)."""
    threshold = (
        f"{fmt.count(p.min_attended_minutes, 'minute')} in the meeting"
        if p.min_attended_minutes is not None
        else f"{fmt.pct(100 * p.min_attended_share, 0)} of the session's length in the meeting"
    )
    return {
        "Person": "identified by e-mail or UPN (lower-cased); a guest without an address is matched to the roster by "
        "name only when exactly one roster person has that name, otherwise counted apart.",
        "Time in the meeting": "the union of a person's join and leave intervals in one session: a rejoin that "
        "overlaps is counted once. Organisers and presenters are left out (exclude_roles).",
        "Attended": f"at least {threshold} (min_attended_minutes or min_attended_share).",
        "Late joiner, early leaver": "first join more than 10 minutes after the start; last leave more than 10 "
        "minutes before the end (among attendees).",
        "Registered, no-shows, walk-ins": "per session: people whose registration names that session; no-shows "
        "did not attend it; walk-ins attended without registering for it or for its series.",
        "Attendance rate": "people registered for the series who attended any of its sessions, divided by the people "
        "registered; no-show rate the rest.",
        "Completion": f"a roster person has completed {required or 'the training'} when they attended any of its "
        "sessions"
        + (f" of each of its parts ({', '.join(p.parts)})" if p.parts else "")
        + "; completion = completed / required.",
        "Due date": "the roster's due date, else the start of the person's site's first wave in the rollout plan, "
        "else the due_date parameter; without one a person is never overdue.",
        "Overdue, due soon": f"not completed and due before the report date; not completed and due within "
        f"{fmt.count(p.due_soon_days, 'day')}.",
        "Invitations": "each person still to train gets at most one upcoming session: in person only at their own "
        "site, online when their clock is within max_tz_offset_hours of the session's; capacity respected; least "
        "total lateness first, then own-site sessions, then the earliest (OR-Tools CP-SAT, one worker, fixed seed).",
        "Feedback": "favourable = the top answers of the scale; no figure from fewer than min_group_size responses; "
        "comments only from groups of at least min_comment_group_size, names removed.",
    }
