"""Breakdowns ready to show: response rates and group tables with every small group suppressed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmokit import fmt
from pmokit.errors import InputError
from pmokit.sources.surveys import TEXT_CAP, close_matches
from pmokit.survey.anonymity import apply_mask, hide_groups, suppress_table
from pmokit.survey.likert import group_item_table
from pmokit.survey.nps import enps_by_group


def response_rates(groups: pd.Series, population: pd.DataFrame, group_hidden: pd.Series) -> pd.DataFrame:
    """Responses and response rate per group against headcount; the breakdown's hidden groups hidden.

    Which rates are low is the response-rate band's call (:func:`pmokit.survey.assess.rate_groups`).
    The groups hidden are the breakdown's own decision (:attr:`GroupBreakdown.group_hidden`), never
    a second one: two tables hiding different partners would give a hidden group away by subtraction.

    Parameters
    ----------
    groups : Series
        The group of each kept response.
    population : DataFrame
        ``value, headcount``.
    group_hidden : Series
        Group -> hidden (:func:`pmokit.survey.anonymity.hide_groups` on the same responses).

    Returns
    -------
    DataFrame
        ``group, headcount, responses, response_rate_pct, status`` (status ``ok``, ``hidden`` or
        ``not in population``); hidden figures are NaN.

    Examples
    --------
    >>> g = pd.Series(["A"] * 6 + ["B"] * 9 + ["C"] * 3)
    >>> pop = pd.DataFrame({"value": ["A", "B", "C"], "headcount": [12, 10, 4]})
    >>> response_rates(g, pop, hide_groups(g.value_counts(), 5))["response_rate_pct"].tolist()
    [nan, 90.0, nan]
    """
    counts = groups.value_counts()
    table = population.rename(columns={"value": "group"}).copy()
    extra = [g for g in counts.index if g not in set(table["group"])]
    if extra:
        table = pd.concat([table, pd.DataFrame({"group": extra, "headcount": np.nan})], ignore_index=True)
    table["responses"] = table["group"].map(counts).fillna(0).astype("float64")
    # A group nobody answered from hides no one: its 0 (a useful warning) stays visible.
    hidden = (
        table["group"].map(group_hidden).fillna(False).astype(bool).to_numpy() & (table["responses"] > 0).to_numpy()
    )
    table["response_rate_pct"] = 100 * table["responses"] / table["headcount"]
    table.loc[hidden, ["responses", "response_rate_pct"]] = np.nan
    table["status"] = np.select([hidden, table["headcount"].isna()], ["hidden", "not in population"], default="ok")
    return table[["group", "headcount", "responses", "response_rate_pct", "status"]]


@dataclass
class GroupBreakdown:
    """One grouping column's group x item favourable % with suppression applied.

    Attributes
    ----------
    sizes : Series
        Respondents per group (for internal use; hidden groups are not to be shown).
    group_hidden : Series
        True for groups suppressed as a whole.
    pct : DataFrame
        Favourable % per group x item, NaN where suppressed (safe to show and to export).
    hidden : DataFrame
        True where a cell is suppressed.
    shown_sizes : Series
        Respondents per group, NaN for hidden groups (safe to show).
    """

    sizes: pd.Series
    group_hidden: pd.Series
    pct: pd.DataFrame
    hidden: pd.DataFrame
    shown_sizes: pd.Series


def group_breakdown(likert: pd.DataFrame, groups: pd.Series, points: int, top: int, min_size: int) -> GroupBreakdown:
    """Favourable % per group x item, with groups and cells under ``min_size`` (and their partners) hidden."""
    sizes = groups.value_counts().sort_index()
    group_hidden = hide_groups(sizes, min_size)
    pct, n = group_item_table(likert, groups, points, top)
    hidden = suppress_table(pct, n, group_hidden, min_size)
    return GroupBreakdown(
        sizes, group_hidden, apply_mask(pct, hidden), hidden, sizes.astype("float64").mask(group_hidden)
    )


def enps_groups(scores: pd.Series, groups: pd.Series, group_hidden: pd.Series, min_size: int) -> pd.DataFrame:
    """eNPS per group, blank for the breakdown's hidden groups, groups with too few 0-10 answers and
    their partners (:func:`pmokit.survey.anonymity.hide_groups` on the answer counts)."""
    table = enps_by_group(scores, groups).set_index("group")
    counts = table["n"].astype("float64")
    hide = hide_groups(counts, min_size, group_hidden.reindex(table.index).fillna(True).astype(bool))
    value_columns = [c for c in table.columns if c != "n"]
    for column in value_columns + ["n"]:
        table[column] = table[column].astype("float64").mask(hide)
    return table.reset_index()


def require_reportable(responses: int, min_size: int, file) -> None:
    """Refuse to report a survey whose total is itself a small group.

    Raises
    ------
    InputError
        Fewer complete responses than ``min_size``.
    """
    if responses < min_size:
        raise InputError(
            file,
            "(responses)",
            f"at least min_group_size = {min_size} complete responses to report without exposing anyone",
            f"{responses}",
        )


def outcome_series(current, definition) -> tuple[str | None, pd.Series | None]:
    """The outcome of the driver analysis: the named item, else the NPS answers, else ``(None, None)``.

    Raises
    ------
    InputError
        ``outcome`` names no item (a typo must not quietly switch the analysis to the NPS score);
        the closest item labels are suggested.
    """
    if definition.outcome:
        if definition.outcome in current.likert.columns:
            return definition.outcome, current.likert[definition.outcome]
        matches = close_matches(definition.outcome, list(current.likert.columns))
        hint = "did you mean " + " or ".join(repr(m) for m in matches) + "?" if matches else "no item is close"
        raise InputError(
            definition.source,
            "outcome",
            "the label of one of the items (exactly as written)",
            f"{definition.outcome!r}; {hint}",
        )
    if current.nps is not None:
        return "the recommendation score (0-10)", current.nps
    return None, None


def drivers_unmeasurable(likert: pd.DataFrame, outcome_name: str | None, outcome: pd.Series | None, table) -> str:
    """Why the driver analysis has no result ("" when it has one).

    Examples
    --------
    >>> drivers_unmeasurable(pd.DataFrame({"a": [1]}), None, None, None)
    'the survey definition names no outcome item and has no 0-10 question: set outcome: to the label of the item the others should explain'
    """
    if outcome is None:
        return (
            "the survey definition names no outcome item and has no 0-10 question: set outcome: to the label of "
            "the item the others should explain"
        )
    if likert.shape[1] == 0:
        return f"{outcome_name} is the survey's only item: drivers need at least one other item to correlate with it"
    if pd.to_numeric(outcome, errors="coerce").notna().sum() == 0:
        return f"{outcome_name} has no valid answer to correlate with"
    if table is not None and table["correlation"].notna().sum() == 0:
        return (
            f"no item has at least {DRIVER_MIN_PAIRS} answer pairs with {outcome_name} that vary, "
            "so no correlation is measured"
        )
    return ""


#: Complete answer pairs an item needs with the outcome before its correlation is measured.
DRIVER_MIN_PAIRS = 10


def excel_sheets(
    items: pd.DataFrame, breakdowns: dict, group_tests: dict, waves: pd.DataFrame | None, enps_tables: dict
) -> dict[str, pd.DataFrame]:
    """Sheets of results.xlsx: only aggregates, with every hidden figure blank."""
    sheets = {"Items": items}
    for name, b in breakdowns.items():
        sheet = b.pct.copy()
        sheet.insert(0, "respondents", b.shown_sizes.reindex(sheet.index))
        sheets[f"Favourable by {name}"] = sheet.rename_axis(name).reset_index()
        sheets[f"Tests by {name}"] = group_tests[name]
    if waves is not None:
        sheets["Change since last wave"] = waves
    for name, table in enps_tables.items():
        sheets[f"eNPS by {name}"] = table
    return sheets


def method_notes(definition, p) -> dict[str, str]:
    """Definitions of every figure and threshold, for the Method notes section."""
    top, bottom = definition.favourable_top, definition.bottom
    scale = definition.scale
    return {
        "Responses": (
            "Complete responses kept. Qualtrics responses with Finished = false are excluded and counted in Data "
            "quality. A response sent twice (the same response ID, or a row identical in every column, submission "
            "time included) is counted once and said in Data quality."
        ),
        "Response rate": (
            "Responses / headcount x 100 per group and overall. A group is flagged low when the response-rate band "
            "(its colour above) rates it amber or red; hidden groups and groups missing from the headcount file are "
            "not rated. Without a headcount file the response rate is not measurable (grey)."
        ),
        "Favourable / neutral / unfavourable": (
            f"Favourable = the top {fmt.count(top, 'scale point')} ({', '.join(scale[-top:])}); "
            f"unfavourable = the bottom {bottom} ({', '.join(scale[:bottom])}); the rest neutral. "
            f"Not-applicable answers ({', '.join(definition.not_applicable)}) and blanks are excluded."
        ),
        "favourability_pct": "Favourable answers / all valid Likert answers across all items x 100.",
        "95% interval (favourable)": "Wilson score interval of the favourable share of one item (statsmodels proportion_confint, method wilson).",
        "eNPS": (
            "% promoters (9-10) minus % detractors (0-6) of valid 0-10 answers. 95% interval: eNPS ± 1.96 x sqrt((p + d - (p - d)²) / n), "
            "p and d the promoter and detractor shares."
        ),
        "Anonymity": (
            f"A group, or a group x item cell, with fewer than {p.min_group_size} respondents shows no figure anywhere "
            "(tables, charts, Excel, metrics). One decision per breakdown, shared by every table, chart, sheet and "
            "metric: when a group is hidden, other groups are hidden with it - the smallest first, ties broken by "
            "group name in sorted order - until the hidden groups are at least two and add up to at least "
            f"{p.min_group_size} respondents, so what the total minus the shown groups gives away is never a small "
            "group. Each item's cells and the eNPS per group follow the same rule on their own answer counts. "
            "Comments are shown only when the respondent's group in every grouping column is shown by the same rule "
            f"at {p.min_comment_group_size} respondents, so the count of withheld comments is never one small "
            "group's. E-mail addresses (also written 'x @ y.org', 'x(at)y.org', 'x at y dot org'), phone numbers and "
            "the respondents' names (from the export's name and e-mail columns) are removed from comments; a group "
            "answer that is personal data counts as no answer and is never a group label. Text longer than "
            f"{TEXT_CAP:,} characters is cut, and said in Data quality."
        ),
        "Group differences": (
            f"Each shown group against all other respondents, per item: two-proportion z-test on the favourable share; "
            f"p-values of one grouping column adjusted with Benjamini-Hochberg; flagged when the adjusted p < {p.alpha}. "
            "When only two groups answered an item, each against the rest is the same test mirrored: it is made and "
            "counted once, the first group against the second."
        ),
        "Wave-over-wave change": f"The same test per item between this wave and the previous one, Benjamini-Hochberg adjusted, flagged below {p.alpha}.",
        "Drivers": (
            "Spearman correlation of each item's answers with the outcome (the outcome item, else the 0-10 score), pairwise complete, "
            "at least 10 pairs. Quadrants split at the median correlation and the median favourable %: priorities have a strong "
            "link and a low score. Correlation is not causation."
        ),
        "Comment themes": "A comment belongs to a theme when it contains one of the theme's keywords (case-insensitive).",
        "Frequent terms": "Words and two-word phrases after removing common English stop-words, counted once per comment.",
        "Sentiment": (
            "VADER compound score per shown comment (-1 negative to +1 positive), averaged per question; a comment "
            "reads positive from +0.05, negative from -0.05, neutral between (VADER's own cut-offs). VADER is a "
            "lexicon tuned to short English text: sarcasm and other languages are misread, so read the examples too."
        ),
        "Verdict colour": (
            "The verdict takes the colour of favourability (its band above), the figure the verdict answers; the "
            "response rate has its own colour on its tile. The status deck shows the same two recorded colours."
        ),
    }


#: Rows of comments.xlsx; beyond this the workbook gets slow to write and to open, and every shown
#: comment goes to comments.csv as well.
COMMENTS_XLSX_MAX = 20_000


def comment_artefacts(shown: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """The comments for comments.xlsx (first :data:`COMMENTS_XLSX_MAX`) and whether a CSV of all is needed."""
    return shown.head(COMMENTS_XLSX_MAX), len(shown) > COMMENTS_XLSX_MAX
