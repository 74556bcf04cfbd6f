"""Device compliance definitions: scope, rates, exceptions and the security baseline.

Pure functions on the canonical tables of :mod:`pmokit.sources.intune`; no file I/O, no display.
Every definition here is written out in the report's method notes (:data:`DEFINITIONS`).
"""

from __future__ import annotations

import re
from typing import Mapping

import numpy as np
import pandas as pd

from pmokit.errors import InputError
from pmokit.sources import key_positions
from pmokit.sources.intune import STATES_WORST_FIRST

NO_USER = "(no primary user)"
UNMAPPED = "(not in org mapping)"


# ----------------------------------------------------------------------------- scope
def state_group(states: pd.Series) -> pd.Series:
    """Group canonical states: compliant, noncompliant, grace, unknown (every other non-compliant state).

    Examples
    --------
    >>> state_group(pd.Series(["compliant", "in grace period", "error", "noncompliant"])).tolist()
    ['compliant', 'grace', 'unknown', 'noncompliant']
    """
    groups = {"compliant": "compliant", "noncompliant": "noncompliant", "in grace period": "grace"}
    return states.map(groups).fillna("unknown").astype("string")


def mark_scope(devices: pd.DataFrame, as_of: pd.Timestamp, stale_after_days: int) -> pd.DataFrame:
    """Add ``days_since_checkin``, ``stale``, ``in_scope`` and ``group`` to a device table.

    Stale means the last check-in falls more than ``stale_after_days`` calendar days before ``as_of``
    (a device seen exactly ``stale_after_days`` days ago is still in scope). A device with no
    readable check-in is stale: nothing shows it is still in use.
    """
    as_of = pd.Timestamp(as_of).normalize()
    out = devices.copy()
    days = (as_of - out["last_checkin"].dt.normalize()).dt.days
    out["days_since_checkin"] = days.astype("Int64")
    out["stale"] = (days.isna() | (days > stale_after_days)).astype(bool)
    out["in_scope"] = ~out["stale"]
    out["group"] = state_group(out["state"])
    return out


def pct(part: float, whole: float) -> float:
    """100 x part / whole, or NaN when whole is 0 (a rate of nothing is not 0 %)."""
    return float("nan") if not whole else 100.0 * part / whole


# ----------------------------------------------------------------------------- failures and exceptions
def failures_by_device(settings: pd.DataFrame | None, devices: pd.DataFrame) -> pd.Series:
    """Failing settings of each device (list, sorted), indexed like ``devices``; [] when none known."""
    if settings is None or settings.empty:
        return pd.Series([[] for _ in range(len(devices))], index=devices.index, dtype=object)
    # Sort once and split at each new device: a groupby with a Python function per device takes
    # seconds at 100,000 failing devices.
    pairs = pd.DataFrame(
        {
            "key": settings["device_id"].str.lower().to_numpy(dtype=object),
            "setting": settings["setting"].to_numpy(dtype=object),
        }
    )
    pairs = pairs.drop_duplicates().sort_values(["key", "setting"], kind="stable")
    keys = pairs["key"].to_numpy()
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.array([], dtype=int)
    lists = [chunk.tolist() for chunk in np.split(pairs["setting"].to_numpy(), starts[1:])] if len(keys) else []
    position = key_positions(devices["device_id"].str.lower(), pd.Series(keys[starts], dtype="string"))
    return pd.Series([lists[i] if i >= 0 else [] for i in position], index=devices.index, dtype=object)


def apply_exceptions(devices: pd.DataFrame, exceptions: pd.DataFrame | None, as_of: pd.Timestamp) -> pd.DataFrame:
    """Add exception columns: ``covered``, ``adjusted_compliant``, ``exception_status``.

    An exception applies to a device when its subject is the device ID or the primary user's UPN
    (case-insensitive). It is valid at ``as_of`` when ``expires`` is after ``as_of``: an exception
    expiring on ``as_of`` has expired. A device counts as adjusted-compliant when it is compliant,
    or when a valid ``*`` exception covers it, or when it has known failing settings and every one
    of them is covered by a valid exception for that setting.

    Parameters
    ----------
    devices : DataFrame
        Output of :func:`mark_scope` with a ``failures`` column (lists of setting names).
    exceptions : DataFrame or None
        From :func:`pmokit.sources.intune.read_exceptions`.
    """
    as_of = pd.Timestamp(as_of).normalize()
    out = devices.copy()
    n_fail = out["failures"].map(len)
    covered_n = pd.Series(0, index=out.index)
    wildcard = pd.Series(False, index=out.index)
    expired_hit = pd.Series(False, index=out.index)
    if exceptions is not None and not exceptions.empty:
        exc = _exceptions_per_device(out, exceptions, as_of)
        valid = exc[exc["valid"]]
        wildcard = out.index.isin(valid.loc[valid["setting_key"] == "*", "row"])
        wildcard = pd.Series(wildcard, index=out.index)
        fails = _failures_long(out)
        hits = fails.merge(valid[["row", "setting_key"]].drop_duplicates(), on=["row", "setting_key"], how="inner")
        covered_n = hits.groupby("row").size().reindex(out.index, fill_value=0)
        stale_exc = exc[~exc["valid"]]
        expired_rows = set(stale_exc.loc[stale_exc["setting_key"] == "*", "row"])
        expired_rows |= set(fails.merge(stale_exc[["row", "setting_key"]], on=["row", "setting_key"])["row"])
        expired_hit = pd.Series(out.index.isin(list(expired_rows)), index=out.index)
    failing = out["group"] != "compliant"
    covered = failing & (wildcard | ((n_fail > 0) & (covered_n >= n_fail)))
    out["covered"] = covered
    out["adjusted_compliant"] = ~failing | covered
    status = np.select(
        [~failing, covered, failing & (covered_n > 0), failing & expired_hit],
        ["", "all failures excepted", "partly excepted", "exception expired"],
        default="none",
    )
    out["exception_status"] = pd.Series(status, index=out.index, dtype="string")
    out.loc[failing & (covered_n > 0) & ~covered, "exception_status"] = (
        "partly excepted (" + covered_n.astype(str) + " of " + n_fail.astype(str) + ")"
    )[failing & (covered_n > 0) & ~covered]
    return out


def _failures_long(devices: pd.DataFrame) -> pd.DataFrame:
    fails = devices["failures"].explode().dropna()
    return pd.DataFrame({"row": fails.index, "setting_key": fails.astype(str).str.lower().values})


def _exceptions_per_device(devices: pd.DataFrame, exceptions: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Exceptions joined to device rows by device ID or UPN, with ``valid`` at ``as_of``."""
    exc = exceptions.assign(
        subject_key=exceptions["subject"].str.lower(), setting_key=exceptions["setting"].str.lower().str.strip()
    )
    exc["valid"] = (exc["expires"] > as_of).fillna(False).astype(bool)
    subjects = exc["subject_key"].dropna().unique()
    parts = []
    for column in ("device_id", "upn"):  # keep only device rows an exception names before joining
        key = devices[column].str.lower()
        hit = key.isin(subjects).fillna(False).to_numpy(dtype=bool)
        parts.append(pd.DataFrame({"row": devices.index[hit], "subject_key": key[hit].to_numpy(dtype=object)}))
    keys = pd.concat(parts)
    keys = keys[keys["subject_key"] != ""]
    return keys.merge(exc[["subject_key", "setting_key", "valid", "expires"]], on="subject_key", how="inner")


# ----------------------------------------------------------------------------- baseline
_VERSION = re.compile(r"\d+(?:\.\d+)*")


def version_tuple(text) -> tuple[int, ...] | None:
    """The leading dotted number of an OS version as a tuple of ints, or None.

    Versions are compared part by part as numbers, never as strings.

    Examples
    --------
    >>> version_tuple("10.0.9") < version_tuple("10.0.10")
    True
    >>> version_tuple("10.0.22631.3296 (23H2)")
    (10, 0, 22631, 3296)
    >>> version_tuple("unknown") is None
    True
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    match = _VERSION.search(str(text))
    return tuple(int(p) for p in match.group(0).split(".")) if match else None


def below_minimum(version, minimum) -> bool | None:
    """True when ``version`` is below ``minimum`` (missing parts count as 0); None when unreadable.

    Examples
    --------
    >>> below_minimum("17.4", "17.4.0"), below_minimum("10.0.19045", "10.0.22631"), below_minimum("", "1")
    (False, True, None)
    """
    have, need = version_tuple(version), version_tuple(minimum)
    if have is None or need is None:
        return None
    width = max(len(have), len(need))
    return have + (0,) * (width - len(have)) < need + (0,) * (width - len(need))


def apply_baseline(
    devices: pd.DataFrame, min_os_versions: Mapping[str, str] | None, require_encryption: bool
) -> pd.DataFrame:
    """Add ``os_below_minimum``, ``unencrypted`` and ``baseline_failures`` (list of reasons).

    OS names are matched case-insensitively; an OS without a minimum is never below it. An unknown
    encryption state is not a failure (Graph reports do not carry it); unreadable versions neither.
    """
    out = devices.copy()
    minimums = {str(k).strip().lower(): str(v) for k, v in (min_os_versions or {}).items()}
    os_key = out["os"].fillna("").str.strip().str.lower()
    # Judge each distinct (OS, version) pair once: a fleet has hundreds of pairs, not 500,000.
    pairs = pd.DataFrame({"os": os_key, "version": out["os_version"].fillna("")})
    unique = pairs.drop_duplicates()
    unique = unique.assign(
        below=pd.array(
            [below_minimum(v, minimums[o]) if o in minimums else False for o, v in unique.itertuples(index=False)],
            dtype="boolean",
        )
    )
    below = pd.Series(
        pairs.merge(unique, on=["os", "version"], how="left")["below"].to_numpy(), index=out.index, dtype="boolean"
    )
    out["os_below_minimum"] = below
    out["unencrypted"] = (
        out["encrypted"].eq(False).fillna(False).astype(bool)
        if require_encryption
        else pd.Series(False, index=out.index)
    )  # noqa: E712 - nullable comparison
    low = below.fillna(False).to_numpy()
    unenc = out["unencrypted"].to_numpy()
    minimum_text = ("OS below " + os_key.map(minimums).astype("string").fillna("")).to_numpy(dtype=object)
    reasons = [[] for _ in range(len(out))]
    for i in np.flatnonzero(low | unenc):  # only the failing rows get their reasons spelled out
        reasons[i] = ([minimum_text[i]] if low[i] else []) + (["not encrypted"] if unenc[i] else [])
    out["baseline_failures"] = pd.Series(reasons, index=out.index, dtype=object)
    return out


def summary(devices: pd.DataFrame) -> dict[str, float]:
    """Headline counts and rates of a prepared device table (after scope, exceptions and baseline).

    Returns
    -------
    dict
        ``devices, stale_devices, in_scope_devices, compliant_devices, compliance_pct,
        adjusted_compliance_pct, noncompliant_devices, grace_devices, unknown_devices,
        baseline_failures, excepted_devices, no_primary_user``.
    """
    scope = devices[devices["in_scope"]]
    compliant = int((scope["group"] == "compliant").sum())
    adjusted = int(scope["adjusted_compliant"].sum())
    return {
        "devices": int(len(devices)),
        "stale_devices": int(devices["stale"].sum()),
        "in_scope_devices": int(len(scope)),
        "compliant_devices": compliant,
        "compliance_pct": pct(compliant, len(scope)),
        "adjusted_compliance_pct": pct(adjusted, len(scope)),
        "noncompliant_devices": int((scope["group"] == "noncompliant").sum()),
        "grace_devices": int((scope["group"] == "grace").sum()),
        "unknown_devices": int((scope["group"] == "unknown").sum()),
        "baseline_failures": int(scope["baseline_failures"].map(bool).sum()),
        "excepted_devices": int(scope["covered"].sum()),
        "no_primary_user": int((scope["upn"].fillna("") == "").sum()),
    }


def worst_state(states: pd.Series) -> str:
    """The worst canonical state in ``states`` (order :data:`STATES_WORST_FIRST`), '' when empty.

    Examples
    --------
    >>> worst_state(pd.Series(["compliant", "in grace period", "error"]))
    'error'
    """
    present = set(states.dropna().unique())  # a few distinct values, not one Python object per row
    return next((s for s in STATES_WORST_FIRST if s in present), "")


def attach_org(devices: pd.DataFrame, org: pd.DataFrame | None) -> pd.DataFrame:
    """Add ``business_unit, site, manager`` by primary user UPN.

    Devices without a user go to ``(no primary user)``; users missing from the mapping to
    ``(not in org mapping)``, so every device lands in exactly one unit.
    """
    out = devices.copy()
    upn = out["upn"].fillna("").str.lower()
    if org is not None and not org.empty:
        row = key_positions(upn, org["upn"])  # org UPNs are unique and lower case (read_org)
        for col in ("business_unit", "site", "manager"):
            values = org[col].astype("string").to_numpy(dtype=object)
            out[col] = pd.Series(np.where(row >= 0, values[row], None), index=out.index, dtype="string")
    else:
        for col in ("business_unit", "site", "manager"):
            out[col] = pd.Series(pd.NA, index=out.index, dtype="string")
    out["business_unit"] = out["business_unit"].fillna(UNMAPPED)
    out.loc[upn == "", "business_unit"] = NO_USER
    for col in ("site", "manager"):
        out[col] = out[col].fillna("")
    return out


DEFINITIONS = {
    "Stale device": "last check-in more than stale_after_days calendar days before as_of (a device seen exactly "
    "stale_after_days days before is in scope; no readable check-in = stale). Stale devices are "
    "listed and counted (stale_devices) but excluded from every rate. In scope = all other devices.",
    "compliance_pct": "100 x in-scope devices whose Intune state is Compliant / in-scope devices.",
    "adjusted_compliance_pct": "the same, also counting as compliant a non-compliant device whose every failing "
    "setting (from the per-setting report) is covered by an exception for that device ID "
    "or its user's UPN, for that setting or '*', that has not expired at as_of. An "
    "exception expiring on as_of has expired. Without a per-setting report only '*' "
    "exceptions can cover a device.",
    "noncompliant_devices": "in-scope devices in state Noncompliant.",
    "unreported_state_devices": "in-scope devices whose Compliance cell is blank (no state exported): counted as "
    "not compliant, so the rate is a lower bound; when every in-scope device is blank no rate is measured (— and "
    "NO DATA, never 0%).",
    "grace_devices": "in-scope devices In grace period.",
    "unknown_devices": "in-scope devices in any other non-compliant state: Not evaluated, Error, Conflict, Unknown, "
    "ConfigMgr, or blank (not reported).",
    "baseline_failures": "in-scope devices whose OS version is below min_os_versions for their OS (compared part "
    "by part as numbers: 10.0.9 < 10.0.10) or, when require_encryption, not encrypted. Unknown "
    "versions or encryption states are not failures.",
    "Age of non-compliance": "days from the first snapshot of the current unbroken run of non-compliant snapshots "
    "(any state but Compliant; a snapshot where the device is absent or compliant breaks "
    "the run) to as_of. When the run reaches back to the oldest stored snapshot the age is a "
    "lower bound ('at least'). Without earlier snapshots the age is unknown.",
    "sla_breaches": "in-scope non-compliant devices whose age of non-compliance is more than sla_days.",
    "Worst state": "when a device is listed more than once (once per policy in Graph reports) and in roll-ups, "
    "the worst state wins, in the order Noncompliant > Error > Conflict > In grace period > Unknown "
    "> Not reported (blank) > Not evaluated > ConfigMgr > Compliant.",
    "Security control vs housekeeping": "a failing setting is housekeeping when its name matches one of the "
    "housekeeping_settings patterns (shell-style, case-insensitive), e.g. "
    "check-in or sync; every other failing setting is a security control.",
}


def resolve_as_of(given, file_date: pd.Timestamp | None, devices: pd.DataFrame) -> tuple[pd.Timestamp, str]:
    """The report date and where it came from: the parameter, the export's file name, or its latest check-in.

    Examples
    --------
    >>> d = pd.DataFrame({"last_checkin": pd.to_datetime(["2026-11-20 08:00", "2026-11-22 17:30"])})
    >>> resolve_as_of(None, None, d)
    (Timestamp('2026-11-22 00:00:00'), 'latest check-in in the export')
    """
    if given:
        return pd.Timestamp(given).normalize(), "as_of parameter"
    if file_date is not None:
        return pd.Timestamp(file_date).normalize(), "date in the export's file name"
    latest = devices["last_checkin"].max()
    if pd.isna(latest):
        raise InputError(None, "as_of", "a date (the export has no file-name date and no check-in date)", "none")
    return pd.Timestamp(latest).normalize(), "latest check-in in the export"
