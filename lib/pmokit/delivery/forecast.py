"""Monte Carlo forecasts from weekly throughput history ("when" and "how many").

Each trial replays the future as a sequence of weeks whose throughput is drawn, with replacement,
from the observed weekly throughputs (zero weeks included). A numpy ``Generator`` seeded from the
parameters makes every run reproducible.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

PERCENTILES = (50, 85, 95)
#: Fewer full weeks of throughput history than this and no forecast is stated (the min_history_weeks
#: parameter's default): one or two weeks resampled give P50 = P85 = P95 and a confidence they do not have.
MIN_HISTORY_WEEKS = 4
_MAX_WEEKS = 520  # ten years: beyond that a forecast means nothing


def weeks_to_finish(samples: Iterable[float], remaining: int, trials: int = 10_000, seed: int = 42) -> np.ndarray:
    """Number of weeks each trial needs to finish ``remaining`` items.

    Parameters
    ----------
    samples : iterable of number
        Observed items done per week.
    remaining : int
        Items still to finish (0 gives 0 weeks).
    trials : int
    seed : int

    Returns
    -------
    ndarray of int
        One value per trial; ``_MAX_WEEKS + 1`` marks a trial that did not finish within ten years.

    Raises
    ------
    ValueError
        No history, or no item finished in any week (nothing to resample).

    Examples
    --------
    Constant throughput has an exact answer: 12 items at 5 a week take ceil(12 / 5) = 3 weeks.

    >>> set(weeks_to_finish([5, 5, 5], 12, trials=100).tolist())
    {3}
    """
    history = np.asarray(list(samples), dtype=float)
    if history.size == 0 or history.sum() <= 0:
        raise ValueError("no item was finished in the history window: nothing to resample")
    if remaining <= 0:
        return np.zeros(trials, dtype=int)
    rng = np.random.default_rng(seed)
    # Draw enough weeks for the slowest plausible trial at once; extend in the rare case it is not.
    horizon = int(min(_MAX_WEEKS, max(8, 3 * np.ceil(remaining / history.mean()) + 8)))
    draws = rng.choice(history, size=(trials, horizon), replace=True)
    totals = draws.cumsum(axis=1)
    while totals[:, -1].min() < remaining and totals.shape[1] < _MAX_WEEKS:
        extra = rng.choice(history, size=(trials, horizon), replace=True).cumsum(axis=1) + totals[:, -1:]
        totals = np.hstack([totals, extra])[:, :_MAX_WEEKS]
    reached = totals >= remaining
    weeks = reached.argmax(axis=1) + 1
    weeks[~reached.any(axis=1)] = _MAX_WEEKS + 1
    return weeks


def items_by_weeks(samples: Iterable[float], weeks: int, trials: int = 10_000, seed: int = 42) -> np.ndarray:
    """Items finished in ``weeks`` future weeks, one total per trial.

    Examples
    --------
    >>> set(items_by_weeks([5, 5], 4, trials=50).tolist())   # 4 weeks x 5 items
    {20}
    """
    history = np.asarray(list(samples), dtype=float)
    if history.size == 0:
        raise ValueError("no throughput history to resample")
    if weeks <= 0:
        return np.zeros(trials, dtype=int)
    rng = np.random.default_rng(seed)
    return rng.choice(history, size=(trials, weeks), replace=True).sum(axis=1).astype(int)


def when_dates(
    weeks: np.ndarray, as_of: pd.Timestamp, percentiles: Iterable[int] = PERCENTILES
) -> dict[int, pd.Timestamp | None]:
    """Completion dates at the given confidence levels: ``as_of`` + 7 x weeks at that percentile.

    P85 is the date by which 85% of trials had finished (None when beyond ten years).

    Examples
    --------
    >>> when_dates(np.array([1, 2, 3, 4]), pd.Timestamp("2026-01-05"), [50])   # half finish in <= 2 weeks
    {50: Timestamp('2026-01-19 00:00:00')}
    """
    out = {}
    for p in percentiles:
        w = int(np.percentile(weeks, p, method="inverted_cdf"))
        out[p] = None if w > _MAX_WEEKS else pd.Timestamp(as_of).normalize() + pd.Timedelta(weeks=w)
    return out


def how_many_levels(totals: np.ndarray, percentiles: Iterable[int] = PERCENTILES) -> dict[int, int]:
    """Items done "at least N with p% probability": the (100 - p)th percentile of the totals.

    Examples
    --------
    >>> how_many_levels(np.arange(1, 21), [50, 85, 95])   # >=11 in 10/20, >=4 in 17/20, >=2 in 19/20
    {50: 11, 85: 4, 95: 2}
    """
    ordered = np.sort(np.asarray(totals))[::-1]
    # the smallest total that at least p% of trials reach or beat (1e-9 guards 0.85 * 20 = 17.000...04)
    return {p: int(ordered[max(0, int(np.ceil(p * ordered.size / 100 - 1e-9)) - 1)]) for p in percentiles}


def probability_table(weeks: np.ndarray, as_of: pd.Timestamp, horizon_weeks: int | None = None) -> pd.DataFrame:
    """Chance of finishing by each weekly date: share of trials done within k weeks.

    Returns
    -------
    DataFrame
        date, weeks, probability (0..1); from the first week any trial finishes to the week all do
        (or ``horizon_weeks``).
    """
    finite = weeks[weeks <= _MAX_WEEKS]
    if finite.size == 0:
        return pd.DataFrame(columns=["date", "weeks", "probability"])
    first, last = int(finite.min()), int(finite.max())
    if horizon_weeks is not None:
        last = min(last, first + horizon_weeks)
    ks = np.arange(first, last + 1)
    probs = [(weeks <= k).mean() for k in ks]
    dates = [pd.Timestamp(as_of).normalize() + pd.Timedelta(weeks=int(k)) for k in ks]
    return pd.DataFrame({"date": dates, "weeks": ks, "probability": probs})
