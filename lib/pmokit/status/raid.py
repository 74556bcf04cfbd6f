"""RAID views: top risks by probability x impact, open issues, overdue actions, decisions needed."""

from __future__ import annotations

import pandas as pd

#: A risk scoring at least this (probability x impact, each 1-5) counts as high.
HIGH_RISK_SCORE = 15
#: Columns of the RAID tables in the report and the deck.
RISK_COLUMNS = ["id", "title", "owner", "probability", "impact", "score", "due"]
ISSUE_COLUMNS = ["id", "title", "owner", "raised", "status"]
ACTION_COLUMNS = ["id", "title", "owner", "due", "days_overdue"]
DECISION_COLUMNS = ["id", "title", "owner", "due", "status"]
CHANGE_COLUMNS = ["id", "type", "title", "owner", "status"]


def with_score(raid: pd.DataFrame) -> pd.DataFrame:
    """Add ``score`` = probability x impact (1-25; blank when either is unknown).

    Examples
    --------
    >>> f = pd.DataFrame({"probability": [4.0, None], "impact": [5.0, 3.0]})
    >>> with_score(f)["score"].tolist()
    [20.0, nan]
    """
    out = raid.copy()
    out["score"] = (pd.to_numeric(out["probability"]) * pd.to_numeric(out["impact"])).astype(float)
    return out


def _open(raid: pd.DataFrame, kind: str) -> pd.DataFrame:
    return raid[(raid["type"] == kind) & raid["open"]]


def top_risks(raid: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` open risks with the highest score; ties broken by the earlier due date.

    Risks without a score sort last (they still need a probability and an impact).
    """
    risks = with_score(_open(raid, "Risk"))
    risks = risks.sort_values(["score", "due", "id"], ascending=[False, True, True], na_position="last")
    return risks.head(n).reset_index(drop=True)


def open_issues(raid: pd.DataFrame) -> pd.DataFrame:
    """Open issues, oldest first."""
    return _open(raid, "Issue").sort_values(["raised", "id"], na_position="last").reset_index(drop=True)


def overdue_actions(raid: pd.DataFrame, period_end: pd.Timestamp) -> pd.DataFrame:
    """Open actions due on or before ``period_end`` (still open at the end of the period), with
    ``days_overdue`` = period_end - due; most overdue first."""
    actions = _open(raid, "Action")
    end = pd.Timestamp(period_end)
    late = actions[actions["due"].notna() & (actions["due"] <= end)].copy()
    late["days_overdue"] = (end - late["due"]).dt.days.astype(int)
    return late.sort_values(["days_overdue", "id"], ascending=[False, True]).reset_index(drop=True)


def decisions_needed(raid: pd.DataFrame) -> pd.DataFrame:
    """Open decisions (not yet taken), the earliest needed first."""
    return _open(raid, "Decision").sort_values(["due", "id"], na_position="last").reset_index(drop=True)


def counts(raid: pd.DataFrame, period_end: pd.Timestamp) -> dict[str, int]:
    """The RAID metrics: open risks, high risks (score >= HIGH_RISK_SCORE), open issues, overdue
    actions, decisions needed."""
    scored = with_score(_open(raid, "Risk"))
    return {
        "open_risks": int(len(scored)),
        "high_risks": int((scored["score"] >= HIGH_RISK_SCORE).sum()),
        "open_issues": int(len(open_issues(raid))),
        "overdue_actions": int(len(overdue_actions(raid, period_end))),
        "decisions_needed": int(len(decisions_needed(raid))),
    }


def display_table(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The named columns, dates as YYYY-MM-DD text, for the HTML tables and the deck."""
    out = frame.reindex(columns=columns).copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").astype(object).where(out[col].notna(), "")
    return out
