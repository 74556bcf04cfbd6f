"""The prepared device table: every definition of :mod:`pmokit.compliance.metrics` and
:mod:`pmokit.compliance.history` chained into one table that every section of the report reads."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from pmokit.compliance.history import age_bucket, sla_breach, streak_ages
from pmokit.compliance.metrics import apply_baseline, apply_exceptions, attach_org, failures_by_device, mark_scope


def prepare(
    devices: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    stale_after_days: int = 30,
    sla_days: int = 14,
    settings: pd.DataFrame | None = None,
    org: pd.DataFrame | None = None,
    exceptions: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
    min_os_versions: Mapping[str, str] | None = None,
    require_encryption: bool = False,
) -> pd.DataFrame:
    """Return the device table with every derived column the report uses.

    Adds, in order: ``days_since_checkin, stale, in_scope, group`` (scope), ``business_unit, site,
    manager`` (org), ``failures`` (failing settings), ``covered, adjusted_compliant, exception_status``
    (exceptions), ``os_below_minimum, unencrypted, baseline_failures`` (baseline), ``streak_start,
    age_days, age_is_lower_bound, age_bucket, sla_breach`` (history).
    """
    as_of = pd.Timestamp(as_of).normalize()
    frame = mark_scope(devices, as_of, stale_after_days)
    frame = attach_org(frame, org)
    frame["failures"] = failures_by_device(settings, frame)
    frame = apply_exceptions(frame, exceptions, as_of)
    frame = apply_baseline(frame, min_os_versions, require_encryption)
    empty = pd.DataFrame(columns=["snapshot", "device_id", "state"])
    ages = streak_ages(frame, history if history is not None else empty, as_of)
    frame = frame.join(ages)
    frame["age_bucket"] = age_bucket(frame["age_days"])
    frame["sla_breach"] = sla_breach(frame, sla_days)
    return frame
