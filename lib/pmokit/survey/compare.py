"""Significance: each group against the rest of the organisation, and this wave against the last.

Two-proportion z-tests (statsmodels) on favourable shares, corrected for the number of tests with
Benjamini-Hochberg (false discovery rate); only differences that survive the correction are flagged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from pmokit.survey.likert import favourable_flags


def two_proportion_p(x1: float, n1: float, x2: float, n2: float) -> float:
    """Two-sided p-value of a pooled two-proportion z-test; 1.0 when it is undefined (no variance).

    Examples
    --------
    30/50 against 20/50: pooled 0.5, se = sqrt(0.25*(2/50)) = 0.1, z = 0.2/0.1 = 2, p = 0.0455.

    >>> round(two_proportion_p(30, 50, 20, 50), 4)
    0.0455
    """
    if min(n1, n2) <= 0:
        return float("nan")
    pooled = (x1 + x2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return 1.0
    _, p = proportions_ztest(np.array([x1, x2]), np.array([n1, n2]))
    return float(p)


def bh_flags(p_values: pd.Series, alpha: float = 0.05) -> tuple[pd.Series, pd.Series]:
    """Benjamini-Hochberg adjusted p-values (q) and the flags of those below ``alpha``; NaN p stay NaN.

    >>> q, flag = bh_flags(pd.Series([0.01, 0.04, 0.03, 0.5]))
    >>> [round(v, 3) for v in q], flag.tolist()
    ([0.04, 0.053, 0.053, 0.5], [True, False, False, False])
    """
    q = pd.Series(np.nan, index=p_values.index)
    flag = pd.Series(False, index=p_values.index)
    valid = p_values.notna()
    if valid.any():
        reject, adjusted, _, _ = multipletests(p_values[valid].to_numpy(), alpha=alpha, method="fdr_bh")
        q[valid] = adjusted
        flag[valid] = reject
    return q, flag


#: ``versus`` of a group compared with every other respondent.
THE_REST = "the rest"


def compare_groups(
    likert: pd.DataFrame, groups: pd.Series, points: int, top: int, shown: pd.DataFrame, alpha: float = 0.05
) -> pd.DataFrame:
    """Favourable % of each group against everyone else, per item, for the cells that may be shown.

    When only two groups answered an item, "A against the rest" and "B against the rest" are one
    test (the rest of A is B): it is made and counted once, as A against B, so it neither doubles the
    significant results nor the Benjamini-Hochberg correction.

    Parameters
    ----------
    likert : DataFrame
    groups : Series
        One grouping column (same index as ``likert``).
    points, top : int
    shown : DataFrame
        Group x item booleans: True where the cell may be shown (not suppressed). Suppressed cells are
        not tested, so they cannot be revealed through a flag either.
    alpha : float
        False-discovery rate.

    Returns
    -------
    DataFrame
        ``group, versus, item, n, favourable_pct, rest_pct, difference_pts, p_value, q_value,
        significant``; ``versus`` is :data:`THE_REST` or, for a two-group item, the other group.
    """
    flags = favourable_flags(likert, points, top)
    total_x, total_n = flags.sum(), flags.count()
    grouped = flags.groupby(groups.to_numpy())
    gx, gn = grouped.sum(), grouped.count()
    allowed = {(g, i) for g, i in shown.stack().loc[lambda s: s.astype(bool)].index}
    rows = []
    for item in likert.columns:
        answering = [g for g in gx.index if gn.at[g, item] > 0]
        tested = [g for g in answering if (g, item) in allowed]
        if len(answering) == 2:
            tested = tested[:1]  # the second group's test is the first one's, mirrored
        for group in tested:
            x1, n1 = gx.at[group, item], gn.at[group, item]
            x2, n2 = total_x[item] - x1, total_n[item] - n1
            if n2 == 0:
                continue
            rows.append(
                {
                    "group": group,
                    "versus": next(g for g in answering if g != group) if len(answering) == 2 else THE_REST,
                    "item": item,
                    "n": int(n1),
                    "favourable_pct": 100 * x1 / n1,
                    "rest_pct": 100 * x2 / n2,
                    "difference_pts": 100 * (x1 / n1 - x2 / n2),
                    "p_value": two_proportion_p(x1, n1, x2, n2),
                }
            )
    columns = ["group", "versus", "item", "n", "favourable_pct", "rest_pct", "difference_pts", "p_value"]
    table = pd.DataFrame(rows, columns=columns)
    order = {g: i for i, g in enumerate(gx.index)}  # group by group, items in order, as before
    table = table.sort_values("group", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    table["q_value"], table["significant"] = bh_flags(table["p_value"], alpha)
    return table


def compare_waves(
    current: pd.DataFrame, previous: pd.DataFrame, points: int, top: int, alpha: float = 0.05
) -> pd.DataFrame:
    """Favourable % per item now against the previous wave (items present in both).

    Returns
    -------
    DataFrame
        ``item, n, favourable_pct, n_previous, previous_pct, change_pts, p_value, q_value, significant``.
    """
    now, before = favourable_flags(current, points, top), favourable_flags(previous, points, top)
    rows = []
    for item in [c for c in current.columns if c in previous.columns]:
        x1, n1 = now[item].sum(), now[item].count()
        x2, n2 = before[item].sum(), before[item].count()
        if n1 == 0 or n2 == 0:
            continue
        rows.append(
            {
                "item": item,
                "n": int(n1),
                "favourable_pct": 100 * x1 / n1,
                "n_previous": int(n2),
                "previous_pct": 100 * x2 / n2,
                "change_pts": 100 * (x1 / n1 - x2 / n2),
                "p_value": two_proportion_p(x1, n1, x2, n2),
            }
        )
    table = pd.DataFrame(
        rows, columns=["item", "n", "favourable_pct", "n_previous", "previous_pct", "change_pts", "p_value"]
    )
    table["q_value"], table["significant"] = bh_flags(table["p_value"], alpha)
    return table
