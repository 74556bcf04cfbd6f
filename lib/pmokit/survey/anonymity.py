"""Anonymity: which groups hide their figures, and comments thresholded and redacted.

One rule decides what a breakdown hides (:func:`hide_groups`), and every table, chart, sheet and
metric of that breakdown uses that one decision: a group with fewer than ``min_size`` respondents is
hidden, and partners join it - smallest first, ties broken by group name in sorted order - until
what is hidden adds up to at least ``min_size`` respondents and holds at least two groups. Whatever
is derived by subtraction (the total minus every shown group) is then a set of at least
``min_size`` people, never one small group. Cells (group x item, group x eNPS) and comments follow
the same rule on their own counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmokit.sources.surveys import redact


def hide_groups(counts: pd.Series, min_size: int, forced: pd.Series | None = None) -> pd.Series:
    """True for the groups whose figures must not be shown.

    Parameters
    ----------
    counts : Series
        Respondents (or valid answers) per group.
    min_size : int
        Smallest group shown, and the least that may be hidden in total.
    forced : Series, optional
        Groups hidden already (a whole group hidden hides its cells).

    Examples
    --------
    A group of 3 (< 5) is hidden; 3 alone could be derived as the total minus the others, so the
    smallest shown group joins it: 3 + 8 = 11 >= 5.

    >>> hide_groups(pd.Series({"A": 3, "B": 8, "C": 20}), 5).tolist()
    [True, True, False]

    Two small groups, 1 + 2 = 3 < 5: the next smallest (6) joins them, 9 >= 5.

    >>> hide_groups(pd.Series({"A": 1, "B": 2, "C": 6, "D": 20}), 5).tolist()
    [True, True, True, False]

    A tie for smallest is broken by name: B before C.

    >>> hide_groups(pd.Series({"C": 7, "A": 3, "B": 7, "D": 20}), 5).to_dict()
    {'C': False, 'A': True, 'B': True, 'D': False}
    """
    counts = counts.fillna(0).astype("float64")
    people = counts > 0
    hidden = people & (counts < min_size)
    if forced is not None:
        hidden |= forced.reindex(counts.index).fillna(False).astype(bool)
    # The stated, stable order of partners: smallest first, then group name in sorted order.
    partners = sorted((g for g in counts.index if people[g] and not hidden[g]), key=lambda g: (counts[g], str(g)))
    for group in partners:
        hiding = hidden & people
        if not hiding.any() or (counts[hiding].sum() >= min_size and int(hiding.sum()) >= 2):
            break
        hidden[group] = True
    return hidden


def suppression_mask(counts: pd.Series, min_size: int) -> pd.Series:
    """The groups a breakdown hides (:func:`hide_groups`, kept under its former name)."""
    return hide_groups(counts, min_size)


def suppress_table(values: pd.DataFrame, counts: pd.DataFrame, group_hidden: pd.Series, min_size: int) -> pd.DataFrame:
    """Which cells of a group x item table are hidden.

    In each column: the breakdown's hidden groups, cells with fewer than ``min_size`` valid answers,
    and partners until the hidden answers add up to ``min_size`` (:func:`hide_groups`).

    Returns
    -------
    DataFrame
        Boolean mask, same shape as ``values``: True = suppressed.
    """
    mask = pd.DataFrame(False, index=values.index, columns=values.columns)
    forced = group_hidden.reindex(values.index).fillna(True).astype(bool)
    for column in values.columns:
        mask[column] = hide_groups(counts[column].reindex(values.index), min_size, forced)
    return mask


def apply_mask(values: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    """Return ``values`` with suppressed cells set to NaN (floats, so Excel gets blank cells)."""
    return values.astype("float64").mask(mask.to_numpy(), np.nan)


def visible_respondents(groups: pd.DataFrame, min_comment_size: int) -> pd.Series:
    """True for respondents whose group is shown in every grouping column at ``min_comment_size``.

    A grouping column hides its groups under ``min_comment_size`` and their partners
    (:func:`hide_groups`), so the comments withheld never count one small group's comments. The
    whole survey must also reach ``min_comment_size``; otherwise no comment is shown.
    """
    if len(groups.index) < min_comment_size:
        return pd.Series(False, index=groups.index)
    ok = pd.Series(True, index=groups.index)
    for column in groups.columns:
        hidden = hide_groups(groups[column].value_counts(), min_comment_size)
        ok &= ~groups[column].map(hidden).fillna(True).astype(bool)
    return ok


def safe_comments(
    comments: pd.DataFrame,
    groups: pd.DataFrame,
    min_comment_size: int,
    label_group: str | None = None,
    names: frozenset[str] = frozenset(),
) -> tuple[pd.DataFrame, int]:
    """Comments that may be shown: from large-enough groups, redacted, labelled with one group.

    Parameters
    ----------
    comments : DataFrame
        ``respondent, question, text`` (respondent = row label in ``groups``).
    groups : DataFrame
        Group columns per respondent.
    min_comment_size : int
    label_group : str, optional
        Group column shown beside each comment (default: the first).
    names : frozenset of str
        The respondents' name parts, removed from the text
        (:func:`pmokit.sources.surveys.respondent_names`).

    Returns
    -------
    shown : DataFrame
        ``question, group, text`` (redacted) — no respondent identifier.
    withheld : int
        Comments not shown because their group is hidden.
    """
    visible = visible_respondents(groups, min_comment_size)
    keep = comments["respondent"].map(visible).fillna(False).astype(bool)
    label_group = label_group or (groups.columns[0] if len(groups.columns) else None)
    shown = comments.loc[keep, ["question", "text"]].copy()
    shown.insert(1, "group", comments.loc[keep, "respondent"].map(groups[label_group]) if label_group else "")
    distinct = {text: redact(text, names) for text in shown["text"].unique()}  # each distinct text redacted once
    shown["text"] = shown["text"].map(distinct)
    return shown.reset_index(drop=True), int((~keep).sum())
