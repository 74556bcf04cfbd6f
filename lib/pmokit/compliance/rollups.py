"""Roll-ups and lists for the compliance report: by group, by setting, exceptions to watch, actions."""

from __future__ import annotations

import fnmatch
from typing import Iterable

import pandas as pd

from pmokit.compliance.history import AGE_BUCKETS
from pmokit.compliance.metrics import pct, version_tuple, worst_state

GROUP_COLUMNS = [
    "devices",
    "stale",
    "in_scope",
    "compliant",
    "noncompliant",
    "grace",
    "unknown",
    "compliance_pct",
    "adjusted_compliance_pct",
    "baseline_failures",
    "sla_breaches",
    "worst_state",
]


def by_group(devices: pd.DataFrame, column: str) -> pd.DataFrame:
    """Counts and rates per value of ``column`` (business unit, OS, model, ownership), worst first.

    Rates exclude stale devices, as the headline does; ``worst_state`` is the worst state of any
    in-scope device of the group.
    """
    needed = ["in_scope", "stale", "group", "adjusted_compliant", "baseline_failures", "state", "sla_breach"]
    frame = devices[[c for c in needed if c in devices]]  # only what is counted: groups copy fewer columns
    frame = frame.assign(_key=devices[column].fillna("").astype(str).replace("", "(blank)"))
    rows = []
    for key, part in frame.groupby("_key", sort=True):
        scope = part[part["in_scope"]]
        rows.append(
            {
                column: key,
                "devices": len(part),
                "stale": int(part["stale"].sum()),
                "in_scope": len(scope),
                "compliant": int((scope["group"] == "compliant").sum()),
                "noncompliant": int((scope["group"] == "noncompliant").sum()),
                "grace": int((scope["group"] == "grace").sum()),
                "unknown": int((scope["group"] == "unknown").sum()),
                "compliance_pct": pct((scope["group"] == "compliant").sum(), len(scope)),
                "adjusted_compliance_pct": pct(scope["adjusted_compliant"].sum(), len(scope)),
                "baseline_failures": int(scope["baseline_failures"].map(bool).sum()),
                "sla_breaches": int(scope["sla_breach"].sum()) if "sla_breach" in scope else 0,
                "worst_state": worst_state(scope["state"]),
            }
        )
    out = pd.DataFrame(rows, columns=[column, *GROUP_COLUMNS])
    return out.sort_values(
        ["compliance_pct", "in_scope"], ascending=[True, False], na_position="last", ignore_index=True
    )


#: Short column labels for the report's group tables (the CSV keeps the metric names).
SHORT_NAMES = {
    "in_scope": "in scope",
    "noncompliant": "non-compliant",
    "compliance_pct": "compliant %",
    "adjusted_compliance_pct": "with exceptions %",
    "baseline_failures": "baseline fails",
    "sla_breaches": "SLA breaches",
    "worst_state": "worst state",
    "business_unit": "business unit",
}


def is_housekeeping(settings: pd.Series, patterns: Iterable[str]) -> pd.Series:
    """True for setting names matching any shell-style pattern (case-insensitive).

    Examples
    --------
    >>> is_housekeeping(pd.Series(["Last check-in", "BitLocker"]), ["*check-in*"]).tolist()
    [True, False]
    """
    pats = [str(p).lower() for p in patterns]
    return settings.fillna("").str.lower().map(lambda s: any(fnmatch.fnmatchcase(s, p) for p in pats)).astype(bool)


def top_settings(devices: pd.DataFrame, housekeeping: Iterable[str], top: int = 10) -> pd.DataFrame:
    """Failing settings of in-scope devices by number of devices, with their kind and exception cover.

    Returns
    -------
    DataFrame
        ``setting, kind ("security control"/"housekeeping"), devices, share_pct`` (share of in-scope
        devices), the ``top`` most frequent of each kind.
    """
    scope = devices[devices["in_scope"]]
    fails = scope["failures"].explode().dropna()
    if fails.empty:
        return pd.DataFrame(columns=["setting", "kind", "devices", "share_pct"])
    counts = fails.astype(str).value_counts().rename_axis("setting").reset_index(name="devices")
    counts["kind"] = is_housekeeping(counts["setting"], housekeeping).map(
        {True: "housekeeping", False: "security control"}
    )
    counts["share_pct"] = 100.0 * counts["devices"] / max(len(scope), 1)
    counts = counts.sort_values(["kind", "devices", "setting"], ascending=[False, False, True])
    return (
        counts.groupby("kind", sort=False).head(top)[["setting", "kind", "devices", "share_pct"]].reset_index(drop=True)
    )


def exceptions_watch(
    exceptions: pd.DataFrame | None, devices: pd.DataFrame, as_of: pd.Timestamp, horizon_days: int = 30
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exceptions expiring within ``horizon_days`` after ``as_of``, and expired ones still relied on.

    "Still relied on": expired on or before ``as_of`` and matching a device that is in scope, not
    compliant, and fails that setting (or any setting, for ``*``), i.e. the device would be excused
    if the exception were renewed.

    Returns
    -------
    expiring, relied_on : DataFrame
        ``subject, setting, reason, approver, expires, devices`` (devices the exception matches).
    """
    cols = ["subject", "setting", "reason", "approver", "expires", "devices"]
    if exceptions is None or exceptions.empty:
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=cols)
    as_of = pd.Timestamp(as_of).normalize()
    failing = devices[devices["in_scope"] & (devices["group"] != "compliant")]
    frame = exceptions.reset_index(drop=True)
    frame["devices"] = _matching_devices(frame, failing).reindex(frame.index, fill_value=0).astype(int)
    expiring = frame[(frame["expires"] > as_of) & (frame["expires"] <= as_of + pd.Timedelta(days=horizon_days))]
    relied = frame[(frame["expires"] <= as_of) & (frame["devices"] > 0)]
    return (
        expiring.sort_values("expires")[cols].reset_index(drop=True),
        relied.sort_values("expires")[cols].reset_index(drop=True),
    )


def _matching_devices(exceptions: pd.DataFrame, failing: pd.DataFrame) -> pd.Series:
    """Number of failing devices each exception (by position) matches: subject = device ID or UPN,
    and setting ``*`` or one of the device's failing settings. Joins, not loops: 2,000 exceptions
    against 100,000 failing devices must stay well under a second."""
    exc = pd.DataFrame(
        {
            "exc": exceptions.index,
            "subject_key": exceptions["subject"].astype(str).str.lower(),
            "setting_key": exceptions["setting"].astype(str).str.strip().str.lower(),
        }
    )
    keys = pd.concat(
        [
            pd.DataFrame({"row": failing.index, "subject_key": failing["device_id"].astype(str).str.lower().values}),
            pd.DataFrame(
                {"row": failing.index, "subject_key": failing["upn"].fillna("").astype(str).str.lower().values}
            ),
        ]
    )
    keys = keys[keys["subject_key"] != ""]
    pairs = exc.merge(keys, on="subject_key")
    fails = failing["failures"].explode().dropna()
    fails = pd.DataFrame({"row": fails.index, "setting_key": fails.astype(str).str.lower().values})
    specific = pairs[pairs["setting_key"] != "*"].merge(fails, on=["row", "setting_key"])
    hits = pd.concat([pairs[pairs["setting_key"] == "*"], specific]).drop_duplicates(["exc", "row"])
    return hits.groupby("exc").size()


def aging_table(devices: pd.DataFrame) -> pd.DataFrame:
    """Non-compliant in-scope devices per age bucket (0-7, 8-14, 15-30, 31+, unknown)."""
    failing = devices[devices["in_scope"] & (devices["group"] != "compliant")]
    counts = failing["age_bucket"].fillna("unknown").value_counts()
    order = [*AGE_BUCKETS, "unknown"]
    return pd.DataFrame({"age_days": order, "devices": [int(counts.get(b, 0)) for b in order]})


def sla_by_owner(devices: pd.DataFrame) -> pd.DataFrame:
    """SLA breaches per business unit and manager (the people who must act), most first."""
    breached = devices[devices["sla_breach"]]
    if breached.empty:
        return pd.DataFrame(columns=["business_unit", "manager", "sla_breaches", "oldest_days"])
    out = (
        breached.groupby(["business_unit", "manager"], dropna=False)
        .agg(sla_breaches=("device_id", "size"), oldest_days=("age_days", "max"))
        .reset_index()
    )
    out["oldest_days"] = out["oldest_days"].astype(int)
    return out.sort_values(["sla_breaches", "oldest_days"], ascending=False, ignore_index=True)


ACTION_COLUMNS = [
    "device_name",
    "device_id",
    "user",
    "upn",
    "os_version",
    "state",
    "failures",
    "baseline",
    "age_days",
    "sla_breach",
    "exception_status",
    "manager",
    "last_checkin",
]


def action_list(devices: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One action table per business unit: in-scope devices that are not compliant or fail the baseline.

    Sorted oldest streak first, so the top rows are the ones past the SLA.
    """
    todo = devices[devices["in_scope"] & ((devices["group"] != "compliant") | devices["baseline_failures"].map(bool))]
    todo = todo.assign(
        user=todo["user_name"].fillna(""),
        baseline=todo["baseline_failures"],
        last_checkin=todo["last_checkin"].dt.strftime("%Y-%m-%d"),
    )
    todo = todo.sort_values(["age_days", "device_name"], ascending=[False, True], na_position="last")
    return {
        str(unit): part[ACTION_COLUMNS].reset_index(drop=True)
        for unit, part in todo.groupby("business_unit", sort=True)
    }


def top_offenders(devices: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """In-scope non-compliant devices with the longest streaks, then the most failing settings."""
    failing = devices[devices["in_scope"] & (devices["group"] != "compliant")]
    frame = failing.assign(failing_settings=failing["failures"].map(len))
    frame = frame.sort_values(["age_days", "failing_settings"], ascending=False, na_position="last")
    cols = ["device_name", "user_name", "business_unit", "state", "failing_settings", "age_days", "exception_status"]
    return frame[cols].head(top).reset_index(drop=True)


def no_primary_user(devices: pd.DataFrame) -> pd.DataFrame:
    """In-scope devices without a primary user (shared or orphaned: nobody gets the action)."""
    frame = devices[devices["in_scope"] & (devices["upn"].fillna("") == "")]
    return frame[["device_name", "device_id", "os", "model", "ownership", "state"]].reset_index(drop=True)


def baseline_by_os(devices: pd.DataFrame, min_os_versions: dict | None) -> pd.DataFrame:
    """Per OS: minimum version, in-scope devices, devices below it, unencrypted, unreadable versions."""
    minimums = {str(k).strip().lower(): str(v) for k, v in (min_os_versions or {}).items()}
    scope = devices[devices["in_scope"]]
    rows = []
    for os_name, part in scope.groupby(scope["os"].fillna("(blank)"), sort=True):
        counts = part["os_version"].fillna("").value_counts()  # judge each distinct version once
        rows.append(
            {
                "os": os_name,
                "minimum": minimums.get(str(os_name).lower(), "—"),
                "in_scope": len(part),
                "below_minimum": int(part["os_below_minimum"].fillna(False).sum()),
                "unencrypted": int(part["unencrypted"].sum()),
                "version_unreadable": int(counts[[version_tuple(v) is None for v in counts.index]].sum()),
                "lowest_version": min((v for v in counts.index if version_tuple(v)), key=version_tuple, default="—"),
            }
        )
    return pd.DataFrame(rows)
