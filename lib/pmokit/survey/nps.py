"""Net promoter score (eNPS) with a closed-form 95% interval."""

from __future__ import annotations

import math

import pandas as pd
from scipy.stats import norm


def enps(scores: pd.Series, alpha: float = 0.05) -> dict[str, float]:
    """eNPS = % promoters (9-10) - % detractors (0-6) of valid 0-10 answers, with its interval.

    The variance of the difference of two shares of one multinomial sample is
    ``(p + d - (p - d)**2) / n`` (p, d promoter and detractor shares), so the interval is
    ``100 * ((p - d) ± z * sqrt(var))``, cut to [-100, 100].

    Examples
    --------
    Scores 10, 9, 8, 7, 6, 0: p = 2/6, d = 2/6, eNPS 0; var = (4/6 - 0)/6 = 0.1111,
    half-width 1.96 * 0.3333 = 0.6533 -> (-65.3, 65.3).

    >>> r = enps(pd.Series([10, 9, 8, 7, 6, 0]))
    >>> r["enps"], round(r["ci_low"], 1), round(r["ci_high"], 1)
    (0.0, -65.3, 65.3)
    """
    valid = pd.to_numeric(scores, errors="coerce").dropna()
    n = len(valid)
    if n == 0:
        nan = float("nan")
        return {
            "n": 0,
            "promoters_pct": nan,
            "passives_pct": nan,
            "detractors_pct": nan,
            "enps": nan,
            "ci_low": nan,
            "ci_high": nan,
        }
    p = float((valid >= 9).mean())
    d = float((valid <= 6).mean())
    half = float(norm.ppf(1 - alpha / 2)) * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
    return {
        "n": n,
        "promoters_pct": 100 * p,
        "passives_pct": 100 * (1 - p - d),
        "detractors_pct": 100 * d,
        "enps": 100 * (p - d),
        "ci_low": max(-100.0, 100 * (p - d - half)),
        "ci_high": min(100.0, 100 * (p - d + half)),
    }


def enps_by_group(scores: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """eNPS per group value (unsuppressed; apply :mod:`pmokit.survey.anonymity` before showing)."""
    rows = [{"group": value, **enps(scores[groups == value])} for value in sorted(groups.unique())]
    return pd.DataFrame(rows)
