"""Generated text: the executive-summary bullets and ``summary.md`` for a Teams or mail post."""

from __future__ import annotations

import re

import pandas as pd

from pmokit import fmt
from pmokit.bands import LABELS, SEVERITY

#: Marks that change how Teams or a mail client renders a line, and only where they do: a tag or
#: entity start, a link's bracket, emphasis or code marks at a word's edge, a heading, quote or list
#: mark at the start of a line. Punctuation inside words ("compliance_report", "(red above 25)")
#: renders as written, so it is left alone and the text reads the same when pasted as plain text.
_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_ALWAYS = re.compile(r"([\\`*\[~])(?=\S)|(?<=\S)([`*~])")
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])(?=\s|$)")


def md_escape(text: object) -> str:
    """Text from data made inert in Markdown with as few backslashes as possible, so a RAID title
    cannot format, link or inject anything in Teams or a mail client, and ordinary text stays clean.

    Examples
    --------
    >>> md_escape("<b>*x*</b> [a](b)")
    '&lt;b>\\\\*x\\\\*&lt;/b> \\\\[a](b)'
    >>> md_escape("compliance_report (red above 25) -> 84.8% & more")
    'compliance_report (red above 25) -> 84.8% & more'
    >>> md_escape("# 1. _x_")
    '\\\\# 1. \\\\_x\\\\_'
    """
    text = _ENTITY.sub("&amp;", str(text))
    text = _HTML_START.sub("&lt;", text)
    text = _ALWAYS.sub(lambda m: "\\" + (m.group(1) or m.group(2)), text)
    text = _EDGE_UNDERSCORE.sub(r"\\_", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


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
    text = f"{len(slipped)} of {fmt.count(len(milestones), 'milestone')} slipped"
    if milestones.empty:
        text = "Milestone slips unknown: the milestones file gave no milestone with a baseline date"
    if len(slipped):
        worst = slipped.sort_values("slip_days", ascending=False).iloc[0]
        text += f"; the largest: '{_short(worst['milestone'])}' +{fmt.duration_days(worst['slip_days'])}"
    tail.append(text + ".")
    if raid_counts["open_risks"] is None:  # no RAID item was read: the counts are unknown, not 0
        tail.append("RAID counts unknown: the RAID log gave no item (see Data quality).")
    else:
        risk = f"{fmt.count(raid_counts['open_risks'], 'open risk')} ({raid_counts['high_risks']} high"
        if len(top) and pd.notna(top.iloc[0]["score"]):
            risk += f"; top: '{_short(top.iloc[0]['title'])}', score {fmt.number(top.iloc[0]['score'])}"
        tail.append(
            risk + f"), {fmt.count(raid_counts['overdue_actions'], 'overdue action')}, "
            f"{fmt.count(raid_counts['decisions_needed'], 'decision')} needed."
        )
    if missing:
        tail.append(f"No succeeded run of {', '.join(missing)}: shown as missing, its rules GREY.")
    elif changes:
        tail.append(f"Since last week: {changes[0]}")
    # The red and amber cells fill what is left of the five lines.
    bad = results[results["rag"].isin(["red", "amber"])].copy()
    bad["sev"] = bad["rag"].map(SEVERITY)
    cells = [
        f"{LABELS[row.rag]}: {row.workstream} ({row.dimension}): {row.reason}."
        for row in bad.sort_values("sev", ascending=False, kind="stable").head(4 - len(tail)).itertuples()
    ]
    return [f"Overall {LABELS.get(overall['rag'], overall['rag'].upper())}: {overall['rule']}.", *cells, *tail]


def summary_markdown(title: str, period_end: pd.Timestamp, lines: list[str], changes: list[str]) -> str:
    """``summary.md``: the title, the bullets and what changed, every data text escaped."""
    out = [f"**{md_escape(title)}**, week ending {period_end:%Y-%m-%d}", ""]
    out += [f"- {md_escape(line)}" for line in lines]
    if changes:
        out += ["", "**What changed since last week**", ""]
        out += [f"- {md_escape(line)}" for line in changes]
    return "\n".join(out) + "\n"
