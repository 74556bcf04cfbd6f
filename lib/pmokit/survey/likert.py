"""Likert items: favourable / neutral / unfavourable shares with Wilson 95% intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint


def wilson_interval(count, nobs, alpha: float = 0.05):
    """Wilson score interval for a proportion (statsmodels), as fractions; NaN when ``nobs`` is 0.

    Examples
    --------
    8 favourable of 10: centre (8 + 1.96²/2)/(10 + 1.96²) = 9.9208/13.8415 = 0.7167,
    half-width 1.96*sqrt(10*0.8*0.2 + 1.96²/4)/13.8415 = 0.2266.

    >>> low, high = wilson_interval(8, 10)
    >>> round(float(low), 4), round(float(high), 4)
    (0.4902, 0.9433)
    """
    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    safe = np.where(nobs > 0, nobs, 1.0)
    low, high = proportion_confint(count, safe, alpha=alpha, method="wilson")
    return np.where(nobs > 0, low, np.nan), np.where(nobs > 0, high, np.nan)


def bands(points: int, top: int, bottom: int | None = None) -> tuple[set[int], set[int]]:
    """Scale positions counted favourable and unfavourable (the rest are neutral).

    >>> bands(5, 2)
    ({4, 5}, {1, 2})
    """
    bottom = top if bottom is None else bottom
    return set(range(points - top + 1, points + 1)), set(range(1, bottom + 1))


def favourable_flags(likert: pd.DataFrame, points: int, top: int) -> pd.DataFrame:
    """1.0 where favourable, 0.0 where a valid non-favourable answer, NaN where no valid answer."""
    values = likert.astype("float64")
    return (values >= points - top + 1).astype("float64").where(values.notna())


def item_table(
    likert: pd.DataFrame, points: int, top: int, bottom: int | None = None, items: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per item: n, counts per scale point, favourable/neutral/unfavourable % and a Wilson interval.

    Parameters
    ----------
    likert : DataFrame
        Scale positions 1..points per item (NA = no valid answer).
    points, top, bottom : int
        Scale size and the favourable/unfavourable bands.
    items : DataFrame, optional
        ``label, theme`` to carry the theme into the table.

    Returns
    -------
    DataFrame
        ``item, theme, n, p1..pk, unfavourable_pct, neutral_pct, favourable_pct, fav_ci_low, fav_ci_high``.
    """
    fav, unfav = bands(points, top, bottom)
    rows = []
    for label in likert.columns:
        values = likert[label].dropna().astype(int)
        n = len(values)
        counts = values.value_counts().reindex(range(1, points + 1), fill_value=0)
        n_fav = int(counts[list(fav)].sum())
        n_unfav = int(counts[list(unfav)].sum())
        low, high = wilson_interval(n_fav, n)
        share = (lambda c: 100.0 * c / n) if n else (lambda c: np.nan)
        row = {
            "item": label,
            "n": n,
            **{f"p{k}": int(counts[k]) for k in range(1, points + 1)},
            "unfavourable_pct": share(n_unfav),
            "neutral_pct": share(n - n_fav - n_unfav),
            "favourable_pct": share(n_fav),
            "fav_ci_low": 100 * float(low),
            "fav_ci_high": 100 * float(high),
        }
        rows.append(row)
    table = pd.DataFrame(rows)
    themes = dict(zip(items["label"], items["theme"])) if items is not None else {}
    table.insert(1, "theme", [str(themes.get(item, "")) for item in table["item"]])
    return table


def favourability_pct(likert: pd.DataFrame, points: int, top: int) -> float:
    """Favourable answers / all valid Likert answers across all items x 100 (NaN when none).

    >>> favourability_pct(pd.DataFrame({"a": [5, 4, 1], "b": [3, None, 5]}, dtype="Int8"), 5, 2)
    60.0
    """
    flags = favourable_flags(likert, points, top)
    valid = flags.notna().to_numpy().sum()
    return float(100.0 * np.nansum(flags.to_numpy()) / valid) if valid else float("nan")


def group_item_table(
    likert: pd.DataFrame, groups: pd.Series, points: int, top: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Favourable % and valid-answer counts per group x item.

    Returns
    -------
    pct, n : DataFrame
        Index = group values (sorted), columns = items.
    """
    flags = favourable_flags(likert, points, top)
    grouped = flags.groupby(groups.to_numpy(), sort=True)
    n = grouped.count()
    pct = 100.0 * grouped.sum(min_count=1) / n.where(n > 0)
    return pct, n
