"""Anonymity: small-group suppression (with complementary suppression) and comment redaction.

Rule: a group, or a group x item cell, with fewer than ``min_size`` respondents shows no figure.
When exactly one non-empty group of a breakdown is suppressed, the next smallest shown group is
suppressed too, because the first could otherwise be derived from the total and the others.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers: an optional +country code, then 7+ digits with spaces, dots, dashes or brackets.
_PHONE = re.compile(r"(?<![\w])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d(?:[\s.-]?\d){6,}(?![\w])")


def suppression_mask(counts: pd.Series, min_size: int) -> pd.Series:
    """True for the groups whose figures must not be shown.

    Parameters
    ----------
    counts : Series
        Respondents (or valid answers) per group.
    min_size : int
        Smallest group shown.

    Examples
    --------
    A group of 3 (< 5) is suppressed; being the only one, the next smallest (8) goes with it:

    >>> suppression_mask(pd.Series({"A": 3, "B": 8, "C": 20}), 5).tolist()
    [True, True, False]
    >>> suppression_mask(pd.Series({"A": 3, "B": 4, "C": 20}), 5).tolist()
    [True, True, False]
    """
    counts = counts.fillna(0)
    mask = counts < min_size
    # Empty cells hide nothing; only suppressed cells that hold people need a complement.
    if int((mask & (counts > 0)).sum()) == 1:
        shown = counts[~mask]
        if len(shown):
            mask[shown.idxmin()] = True
    return mask


def suppress_table(values: pd.DataFrame, counts: pd.DataFrame, group_mask: pd.Series, min_size: int) -> pd.DataFrame:
    """Blank (NaN) every suppressed cell of a group x item table.

    A cell is suppressed when its group is (``group_mask``), when it has fewer than ``min_size``
    valid answers, or as the complement of a single suppressed cell in its column.

    Returns
    -------
    DataFrame
        Boolean mask, same shape as ``values``: True = suppressed.
    """
    mask = pd.DataFrame(False, index=values.index, columns=values.columns)
    gmask = group_mask.reindex(values.index).fillna(True).astype(bool)
    for column in values.columns:
        n = counts[column].reindex(values.index).fillna(0)
        col = gmask | (n < min_size)
        if int((col & (n > 0)).sum()) == 1:
            shown = n[~col]
            if len(shown):
                col[shown.idxmin()] = True
        mask[column] = col
    return mask


def apply_mask(values: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    """Return ``values`` with suppressed cells set to NaN (floats, so Excel gets blank cells)."""
    return values.astype("float64").mask(mask.to_numpy(), np.nan)


def redact(text: str) -> str:
    """Replace e-mail addresses and phone numbers in a comment.

    Examples
    --------
    >>> redact("Mail jo.bloggs@example.org or call +44 20 7946 0958 before 5")
    'Mail [e-mail removed] or call [phone removed] before 5'
    """
    text = _EMAIL.sub("[e-mail removed]", str(text))
    return _PHONE.sub("[phone removed]", text)


def visible_respondents(groups: pd.DataFrame, min_comment_size: int) -> pd.Series:
    """True for respondents whose every group (in every grouping column) has enough respondents.

    The whole survey must also reach ``min_comment_size``; otherwise no comment is shown.
    """
    if len(groups.index) < min_comment_size:
        return pd.Series(False, index=groups.index)
    ok = pd.Series(True, index=groups.index)
    for column in groups.columns:
        sizes = groups[column].map(groups[column].value_counts())
        ok &= sizes >= min_comment_size
    return ok


def safe_comments(
    comments: pd.DataFrame, groups: pd.DataFrame, min_comment_size: int, label_group: str | None = None
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

    Returns
    -------
    shown : DataFrame
        ``question, group, text`` (redacted) — no respondent identifier.
    withheld : int
        Comments not shown because their group is too small.
    """
    visible = visible_respondents(groups, min_comment_size)
    keep = comments["respondent"].map(visible).fillna(False).astype(bool)
    label_group = label_group or (groups.columns[0] if len(groups.columns) else None)
    shown = comments.loc[keep, ["question", "text"]].copy()
    shown.insert(1, "group", comments.loc[keep, "respondent"].map(groups[label_group]) if label_group else "")
    distinct = {text: redact(text) for text in shown["text"].unique()}  # each distinct text redacted once
    shown["text"] = shown["text"].map(distinct)
    return shown.reset_index(drop=True), int((~keep).sum())
