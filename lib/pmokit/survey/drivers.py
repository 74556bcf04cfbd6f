"""Driver analysis: how strongly each item moves with the outcome, against how well it scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

QUADRANTS = {
    (True, False): "Priority: strong link, low score",
    (True, True): "Strength: strong link, high score",
    (False, False): "Monitor: weak link, low score",
    (False, True): "Maintain: weak link, high score",
}


def driver_table(likert: pd.DataFrame, outcome: pd.Series, favourable: pd.Series, min_pairs: int = 10) -> pd.DataFrame:
    """Spearman correlation of each item with the outcome, beside the item's favourable %.

    Parameters
    ----------
    likert : DataFrame
        Scale positions per item.
    outcome : Series
        The outcome (an item's positions or the 0-10 NPS answers), same index.
    favourable : Series
        Item -> favourable %.
    min_pairs : int
        Items with fewer complete pairs get no correlation.

    Returns
    -------
    DataFrame
        ``item, pairs, correlation, favourable_pct, quadrant``; the quadrant splits at the median
        correlation and the median favourable % of the items. No items give the same columns, empty.

    Examples
    --------
    >>> lik = pd.DataFrame({"a": [1, 2, 3, 4, 5] * 2, "b": [5, 4, 3, 2, 1] * 2})
    >>> t = driver_table(lik, pd.Series([1, 2, 3, 4, 5] * 2), pd.Series({"a": 40.0, "b": 40.0}))
    >>> t["correlation"].round(3).tolist()
    [1.0, -1.0]
    """
    y = pd.to_numeric(outcome, errors="coerce").astype("float64")
    rows = []
    for item in likert.columns:
        x = likert[item].astype("float64")
        pair = x.notna() & y.notna()
        n = int(pair.sum())
        rho = np.nan
        if n >= min_pairs and x[pair].nunique() > 1 and y[pair].nunique() > 1:
            rho = float(spearmanr(x[pair], y[pair]).statistic)
        rows.append(
            {"item": item, "pairs": n, "correlation": rho, "favourable_pct": float(favourable.get(item, np.nan))}
        )
    table = pd.DataFrame(rows, columns=["item", "pairs", "correlation", "favourable_pct"])
    table = table.astype({"pairs": "int64", "correlation": "float64", "favourable_pct": "float64"})
    r_mid, f_mid = table["correlation"].median(), table["favourable_pct"].median()
    table["quadrant"] = pd.Series(
        [
            QUADRANTS[(bool(r >= r_mid), bool(f >= f_mid))] if pd.notna(r) and pd.notna(f) else "not enough answers"
            for r, f in zip(table["correlation"], table["favourable_pct"])
        ],
        index=table.index,
        dtype="str",  # text even when there is no item, so callers can filter on it
    )
    return table
