"""Non-compliance over time: the age of each device's current streak, SLA breaches and the trend."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmokit.compliance.metrics import pct

AGE_BUCKETS = ["0-7", "8-14", "15-30", "31+"]


def streak_ages(current: pd.DataFrame, history: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Age in days of every device's current unbroken non-compliant streak.

    Parameters
    ----------
    current : DataFrame
        This export's devices (``device_id, state``); its snapshot date is ``as_of``.
    history : DataFrame
        Earlier snapshots (``snapshot, device_id, state``); snapshots on or after ``as_of`` are ignored
        (the current export stands for ``as_of``).
    as_of : Timestamp

    Returns
    -------
    DataFrame
        Indexed like ``current``: ``streak_start`` (date of the first snapshot of the streak),
        ``age_days`` (``as_of - streak_start``; NA for compliant devices and when there is no earlier
        snapshot), ``age_is_lower_bound`` (the streak reaches the oldest snapshot).
    """
    as_of = pd.Timestamp(as_of).normalize()
    earlier = history[history["snapshot"] < as_of] if len(history) else history
    earlier_dates = np.unique(earlier["snapshot"].to_numpy(dtype="datetime64[us]")) if len(earlier) else []
    dates = np.append(np.asarray(earlier_dates, dtype="datetime64[us]"), np.datetime64(as_of.to_datetime64(), "us"))
    failing_now = (current["state"] != "compliant").to_numpy()
    out = pd.DataFrame(index=current.index)
    out["streak_start"] = pd.Series(pd.NaT, index=current.index, dtype="datetime64[us]")
    out["age_days"] = pd.Series(pd.NA, index=current.index, dtype="Int64")
    out["age_is_lower_bound"] = False
    if len(dates) == 1:
        return out  # no earlier snapshot: the age is unknown, not zero
    # Matrix device x snapshot: True where the device was present and not compliant.
    index = pd.Index(current["device_id"].str.lower().to_numpy())  # readers lower-case; hand-made frames may not
    matrix = np.zeros((len(current), len(dates)), dtype=bool)
    matrix[:, -1] = failing_now
    hist_fail = earlier[earlier["state"] != "compliant"]
    rows = _rows_in(index, hist_fail["device_id"])
    cols = np.searchsorted(dates[:-1], hist_fail["snapshot"].to_numpy(dtype="datetime64[us]"))
    ok = rows >= 0
    matrix[rows[ok], cols[ok]] = True
    # Last column (scanning back from now) where the device was not failing; the streak starts after it.
    reversed_ok = ~matrix[:, ::-1]
    any_break = reversed_ok.any(axis=1)
    last_break = len(dates) - 1 - reversed_ok.argmax(axis=1)
    start_idx = np.where(any_break, last_break + 1, 0)
    start = dates[np.minimum(start_idx, len(dates) - 1)]
    ages = (np.datetime64(as_of.to_datetime64(), "us") - start).astype("timedelta64[D]").astype(int)
    out["streak_start"] = pd.Series(start, index=current.index).where(failing_now)
    out["age_days"] = pd.Series(ages, index=current.index, dtype="Int64").where(failing_now)
    out["age_is_lower_bound"] = failing_now & ~any_break
    return out


def _rows_in(index: pd.Index, ids: pd.Series) -> np.ndarray:
    """Position of each ID in ``index`` (lower-case IDs), -1 when absent.

    History holds millions of rows with few distinct IDs: for a categorical column only the
    categories are looked up, not every row.
    """
    if isinstance(ids.dtype, pd.CategoricalDtype):
        per_category = index.get_indexer(ids.cat.categories.astype(str).str.lower())
        codes = ids.cat.codes.to_numpy()
        return np.where(codes >= 0, per_category[codes], -1)
    return index.get_indexer(ids.astype(str).str.lower().to_numpy())


def age_bucket(age_days: pd.Series) -> pd.Series:
    """Bucket ages into 0-7, 8-14, 15-30, 31+ days (NA stays NA).

    Examples
    --------
    >>> age_bucket(pd.Series([0, 7, 8, 14, 15, 30, 31], dtype="Int64")).tolist()
    ['0-7', '0-7', '8-14', '8-14', '15-30', '15-30', '31+']
    """
    cut = pd.cut(age_days.astype("Float64"), bins=[-1, 7, 14, 30, np.inf], labels=AGE_BUCKETS)
    return cut.astype("string")


def sla_breach(devices: pd.DataFrame, sla_days: int) -> pd.Series:
    """In-scope non-compliant devices whose age is more than ``sla_days`` (False when age unknown)."""
    return (
        (devices["in_scope"] & (devices["group"] != "compliant") & (devices["age_days"] > sla_days))
        .fillna(False)
        .astype(bool)
    )


def trend(snapshots: pd.DataFrame, stale_after_days: int) -> pd.DataFrame:
    """Compliance per snapshot with the same stale rule, each snapshot judged at its own date.

    Parameters
    ----------
    snapshots : DataFrame
        ``snapshot, device_id, state, last_checkin`` for every stored snapshot and the current one.

    Returns
    -------
    DataFrame
        ``snapshot, devices, stale, in_scope, compliant, compliance_pct`` sorted by date.
    """
    frame = snapshots.copy()
    days = (frame["snapshot"].dt.normalize() - frame["last_checkin"].dt.normalize()).dt.days
    frame["in_scope"] = (days.notna() & (days <= stale_after_days)).astype(bool)
    frame["compliant"] = frame["in_scope"] & (frame["state"] == "compliant")
    grouped = (
        frame.groupby("snapshot", observed=True)
        .agg(devices=("device_id", "size"), in_scope=("in_scope", "sum"), compliant=("compliant", "sum"))
        .reset_index()
    )
    grouped["stale"] = grouped["devices"] - grouped["in_scope"]
    grouped["compliance_pct"] = [pct(c, n) for c, n in zip(grouped["compliant"], grouped["in_scope"])]
    return grouped[["snapshot", "devices", "stale", "in_scope", "compliant", "compliance_pct"]]


def combine_snapshots(history: pd.DataFrame, current: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Earlier snapshots (before ``as_of``) plus the current one, for the trend."""
    as_of = pd.Timestamp(as_of).normalize()
    earlier = history[history["snapshot"] < as_of] if len(history) else history
    now = current[["device_id", "upn", "state", "last_checkin"]].assign(snapshot=as_of)
    now["snapshot"] = now["snapshot"].astype("datetime64[us]")
    return pd.concat([earlier, now[earlier.columns if len(earlier.columns) else now.columns]], ignore_index=True)


def trend_over(
    history: pd.DataFrame, current: pd.DataFrame, as_of: pd.Timestamp, stale_after_days: int
) -> pd.DataFrame:
    """:func:`trend` of the earlier snapshots (before ``as_of``) and of the current export, without
    concatenating millions of history rows with the current table."""
    as_of = pd.Timestamp(as_of).normalize()
    earlier = history[history["snapshot"] < as_of] if len(history) else history
    now = current[["device_id", "state", "last_checkin"]].assign(snapshot=as_of)
    now["snapshot"] = now["snapshot"].astype("datetime64[us]")
    parts = [trend(earlier, stale_after_days)] if len(earlier) else []
    parts.append(trend(now, stale_after_days))
    return pd.concat(parts, ignore_index=True)
