"""Generated text: the executive-summary bullets and ``summary.md`` for a Teams or mail post."""

from __future__ import annotations

import re

import pandas as pd

from pmokit.bands import SEVERITY

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_escape(text: object) -> str:
    """Escape text from data for Markdown (and HTML-escape ``<``/``&``), so a RAID title cannot
    format, link or inject anything in Teams or a mail client.

    Examples
    --------
    >>> md_escape("<b>*x*</b>")
    '&lt;b\\\\>\\\\*x\\\\*&lt;/b\\\\>'
    """
    text = str(text).replace("&", "&amp;").replace("<", "&lt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _short(text: object, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bullets(
    overall: dict,
    results: pd.DataFrame,
    raid_counts: dict,
    milestones: pd.DataFrame,
    top: pd.DataFrame,
    missing: list[str],
    changes: list[str],
) -> list[str]:
    """Three to five sentences from the metrics, most important first.

    Parameters
    ----------
    overall : dict
        From :func:`pmokit.status.rag.overall`.
    results : DataFrame
        Rule results (:func:`pmokit.status.rag.evaluate_all`).
    raid_counts : dict
        From :func:`pmokit.status.raid.counts`.
    milestones : DataFrame
        From :func:`pmokit.status.milestones.slips`.
    top : DataFrame
        Top risks (with ``title`` and ``score``).
    missing : list of str
        Workbooks without a succeeded run.
    changes : list of str
        Lines from :func:`pmokit.status.diff.change_lines` (the first is used).
    """
    tail = []
    slipped = milestones[milestones["slipped"]]
    text = f"{len(slipped)} of {len(milestones)} milestones slipped"
    if len(slipped):
        worst = slipped.sort_values("slip_days", ascending=False).iloc[0]
        text += f"; the largest: '{_short(worst['milestone'])}' +{int(worst['slip_days'])} days"
    tail.append(text + ".")
    risk = f"{raid_counts['open_risks']} open risks ({raid_counts['high_risks']} high"
    if len(top) and pd.notna(top.iloc[0]["score"]):
        risk += f"; top: '{_short(top.iloc[0]['title'])}', score {top.iloc[0]['score']:g}"
    tail.append(
        risk + f"), {raid_counts['overdue_actions']} overdue action(s), "
        f"{raid_counts['decisions_needed']} decision(s) needed."
    )
    if missing:
        tail.append(f"No succeeded run of {', '.join(missing)}: shown as missing, its rules GREY.")
    elif changes:
        tail.append(f"Since last week: {changes[0]}")
    # The red and amber cells fill what is left of the five lines.
    bad = results[results["rag"].isin(["red", "amber"])].copy()
    bad["sev"] = bad["rag"].map(SEVERITY)
    cells = [
        f"{row.rag.upper()}: {row.workstream} {row.dimension} ({row.reason})."
        for row in bad.sort_values("sev", ascending=False, kind="stable").head(4 - len(tail)).itertuples()
    ]
    return [f"Overall {overall['rag'].upper()}: {overall['rule']}.", *cells, *tail]


def summary_markdown(title: str, period_end: pd.Timestamp, lines: list[str], changes: list[str]) -> str:
    """``summary.md``: the title, the bullets and what changed, every data text escaped."""
    out = [f"**{md_escape(title)}**, week ending {period_end:%Y-%m-%d}", ""]
    out += [f"- {md_escape(line)}" for line in lines]
    if changes:
        out += ["", "**What changed since last week**", ""]
        out += [f"- {md_escape(line)}" for line in changes]
    return "\n".join(out) + "\n"
