"""Parameters of the event_attendance workbook: the pydantic model (the single declaration of every parameter)
and its input checks, run before any kernel starts."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pmokit.params import InputPaths, OptionalInputFile, WorkbookParams, reader_problems


class UpcomingSession(BaseModel):
    """One planned session people can be invited to."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(description="session title, as the invitation shows it")
    start: dt.datetime = Field(description="start, wall-clock time in the session's time zone")
    duration_min: int = Field(60, ge=5, le=24 * 60, description="length in minutes")
    capacity: int = Field(ge=1, description="seats")
    timezone: str = Field("UTC", description="IANA time zone of the start time, e.g. Europe/Berlin")
    location: str = Field("online", description="'online', or the site id of an in-person session")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; expected an IANA name such as Europe/Berlin") from None
        return value


class EventAttendanceParams(WorkbookParams):
    """Parameters of notebooks/event_attendance.ipynb."""

    title: str = Field("Event attendance", description="report title")
    attendance_paths: InputPaths = Field(
        description="Teams attendance reports and Zoom participants reports: files or folders (one file per session)",
    )
    roster_path: OptionalInputFile = Field(
        None, description="who must attend: e-mail/UPN, name, department, site, manager, due date; optional"
    )
    registrations_path: OptionalInputFile = Field(
        None, description="registrations: Microsoft/Google Forms export or Eventbrite attendee report; optional"
    )
    plan_path: OptionalInputFile = Field(
        None, description="a rollout plan.csv: people are due before their site's wave starts; optional"
    )
    feedback_path: OptionalInputFile = Field(None, description="post-event survey export; optional")
    feedback_survey_path: OptionalInputFile = Field(
        None, description="survey definition (YAML) of the feedback export; needed with feedback_path"
    )
    series: dict[str, str | list[str]] = Field(
        {},
        description="series name -> a regular expression on session titles, or the list of titles (default: "
        "each title its own series)",
    )
    required_series: str | None = Field(
        None, description="the series the roster must complete (default: the series with the most sessions)"
    )
    parts: dict[str, str] = Field(
        {},
        description="parts of the required series, part name -> a regular expression on titles: completing it "
        "means attending a session of every part (default: any session completes it)",
    )
    min_attended_minutes: float | None = Field(
        None, gt=0, description="minutes in a session that count as attended (wins over min_attended_share)"
    )
    min_attended_share: float = Field(
        0.5, gt=0, le=1, description="share of the session's length that counts as attended"
    )
    exclude_roles: list[str] = Field(
        ["organizer", "presenter"], description="roles left out of attendance (organisers, presenters)"
    )
    as_of: dt.date | None = Field(None, description="report date (default: the day after the last session)")
    due_date: dt.date | None = Field(
        None, description="due date for everyone without one in the roster or the plan; optional"
    )
    due_soon_days: int = Field(14, ge=1, description="people due within this many days are 'due soon'")
    completion_amber_pct: float = Field(90.0, gt=0, le=100, description="completion: green at or above this %")
    completion_red_pct: float = Field(75.0, gt=0, le=100, description="completion: red below this %")
    overdue_red: int = Field(10, ge=0, description="overdue people: amber above 0, red above this many")
    upcoming: list[UpcomingSession] = Field(
        [], description="planned sessions to invite people who have not completed to; optional"
    )
    max_tz_offset_hours: float = Field(
        3, ge=0, le=24, description="online sessions are offered to people within this many hours of their zone"
    )
    date_order: Literal["MDY", "DMY"] | None = Field(
        None, description="day/month order of attendance dates when a file does not show it (default: guessed)"
    )
    roster_columns: dict[str, str] = Field({}, description="roster: canonical field -> header, when headers differ")
    registration_columns: dict[str, str] = Field(
        {}, description="registrations: canonical field -> header, when headers differ"
    )
    min_group_size: int = Field(5, ge=2, description="feedback: fewest responses whose figures are shown")
    min_comment_group_size: int = Field(10, ge=2, description="feedback: smallest group whose comments are shown")

    @field_validator("series")
    @classmethod
    def _patterns_compile(cls, value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        for name, pattern in value.items():
            if isinstance(pattern, str):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"series {name!r}: {pattern!r} is not a regular expression ({exc})") from None
        return value

    @field_validator("parts")
    @classmethod
    def _parts_compile(cls, value: dict[str, str]) -> dict[str, str]:
        for name, pattern in value.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"part {name!r}: {pattern!r} is not a regular expression ({exc})") from None
        return value

    @field_validator("exclude_roles")
    @classmethod
    def _lower_roles(cls, value: list[str]) -> list[str]:
        return [role.strip().casefold() for role in value]

    @model_validator(mode="after")
    def _bands_in_order(self) -> EventAttendanceParams:
        if self.completion_red_pct > self.completion_amber_pct:
            raise ValueError("completion_red_pct must be at most completion_amber_pct")
        if self.feedback_path and not self.feedback_survey_path:
            raise ValueError("feedback_path needs feedback_survey_path (the survey definition YAML)")
        return self

    def check_inputs(self) -> list[str]:
        """Read every input with its reader; one message per file that cannot be read."""
        from pmokit.sources import attendance, people, sites

        checks = [
            (attendance.read_attendance, self.attendance_paths, {"date_order": self.date_order}),
            (people.read_roster, self.roster_path, {"columns": self.roster_columns}),
            (people.read_registrations, self.registrations_path, {"columns": self.registration_columns}),
            (sites.read_plan, self.plan_path, {}),
        ]
        return reader_problems(checks)
