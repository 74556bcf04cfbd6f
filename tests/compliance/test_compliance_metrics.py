"""Compliance definitions on tiny hand-made device tables; expected values worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pmokit.compliance import metrics
from pmokit.compliance.devices import prepare

AS_OF = pd.Timestamp("2026-11-23")


def devices(rows):
    """rows: (device_id, state, last check-in, upn, os, os_version, encrypted)."""
    frame = pd.DataFrame(rows, columns=["device_id", "state", "last_checkin", "upn", "os", "os_version", "encrypted"])
    frame["device_id"] = frame["device_id"].astype("string")
    frame["state"] = frame["state"].astype("string")
    frame["upn"] = frame["upn"].astype("string")
    frame["os"] = frame["os"].astype("string")
    frame["os_version"] = frame["os_version"].astype("string")
    frame["encrypted"] = frame["encrypted"].astype("boolean")
    frame["last_checkin"] = pd.to_datetime(frame["last_checkin"]).astype("datetime64[us]")
    frame["user_name"] = frame["upn"]
    frame["device_name"] = frame["device_id"]
    return frame


def exceptions(rows):
    frame = pd.DataFrame(rows, columns=["subject", "setting", "expires"])
    frame["expires"] = pd.to_datetime(frame["expires"])
    frame["reason"] = "r"
    frame["approver"] = "a"
    return frame.astype({"subject": "string", "setting": "string"})


def settings(rows):
    return pd.DataFrame(rows, columns=["device_id", "setting"]).assign(policy="p").astype("string")


class TestStale:
    def test_boundary_day(self):
        frame = devices(
            [
                ("a", "compliant", "2026-10-24 23:00", "u1", "Windows", "10", True),  # 30 days before: in scope
                ("b", "compliant", "2026-10-23 08:00", "u2", "Windows", "10", True),  # 31 days before: stale
                ("c", "compliant", None, "u3", "Windows", "10", True),  # never: stale
            ]
        )
        marked = metrics.mark_scope(frame, AS_OF, stale_after_days=30)
        assert marked["days_since_checkin"].tolist()[:2] == [30, 31]
        assert marked["stale"].tolist() == [False, True, True]

    def test_stale_devices_excluded_from_every_rate(self):
        frame = devices(
            [
                ("a", "compliant", "2026-11-22", "u1", "Windows", "10", True),
                ("b", "compliant", "2026-11-22", "u2", "Windows", "10", True),
                ("c", "in grace period", "2026-11-22", "u3", "Windows", "10", True),
                ("d", "noncompliant", "2026-11-21", "u4", "Windows", "10", True),
                ("e", "error", "2026-11-20", "u5", "Windows", "10", True),
                ("f", "noncompliant", "2026-09-01", "u6", "Windows", "10", True),  # stale
            ]
        )
        summary = metrics.summary(prepare(frame, as_of=AS_OF))
        # in scope a-e = 5; compliant a, b = 2 -> 100 x 2 / 5 = 40.0
        assert summary["in_scope_devices"] == 5 and summary["stale_devices"] == 1
        assert summary["compliance_pct"] == pytest.approx(40.0)
        # f (noncompliant but stale) is not counted: only d
        assert (summary["noncompliant_devices"], summary["grace_devices"], summary["unknown_devices"]) == (1, 1, 1)

    def test_rate_of_nothing_is_nan_not_zero(self):
        frame = devices([("a", "compliant", "2026-01-01", "u1", "Windows", "10", True)])
        assert math.isnan(metrics.summary(prepare(frame, as_of=AS_OF))["compliance_pct"])


class TestExceptions:
    base = [
        ("a", "compliant", "2026-11-22", "u1@x.com", "Windows", "10", True),
        ("b", "noncompliant", "2026-11-22", "u2@x.com", "Windows", "10", True),
        ("c", "noncompliant", "2026-11-22", "u3@x.com", "Windows", "10", True),
        ("d", "noncompliant", "2026-11-22", "u4@x.com", "Windows", "10", True),
    ]
    fails = [("b", "BitLocker"), ("b", "Firewall"), ("c", "BitLocker"), ("d", "Firewall")]

    def run(self, exc_rows):
        return prepare(devices(self.base), as_of=AS_OF, settings=settings(self.fails), exceptions=exceptions(exc_rows))

    def test_exception_expiring_on_as_of_has_expired(self):
        table = self.run([("c", "BitLocker", "2026-11-23"), ("d", "Firewall", "2026-11-24")])
        # c's exception ends on as_of: not applied; d's ends the day after: applied.
        assert table["adjusted_compliant"].tolist() == [True, False, False, True]
        assert table.loc[2, "exception_status"] == "exception expired"
        # adjusted = a + d = 2 of 4 -> 50.0; raw = a = 1 of 4 -> 25.0
        summary = metrics.summary(table)
        assert (summary["compliance_pct"], summary["adjusted_compliance_pct"]) == (25.0, 50.0)

    def test_setting_exception_covering_only_some_failures(self):
        table = self.run([("b", "bitlocker", "2027-01-01")])  # setting names match case-insensitively
        assert not table.loc[1, "adjusted_compliant"]
        assert table.loc[1, "exception_status"] == "partly excepted (1 of 2)"
        both = self.run([("b", "BitLocker", "2027-01-01"), ("b", "Firewall", "2027-01-01")])
        assert both.loc[1, "adjusted_compliant"] and both.loc[1, "exception_status"] == "all failures excepted"

    def test_wildcard_exception_by_upn_covers_every_failure(self):
        table = self.run([("U2@X.COM", "*", "2027-01-01")])
        assert table["adjusted_compliant"].tolist() == [True, True, False, False]

    def test_without_setting_report_only_wildcards_cover(self):
        frame = devices(self.base)
        table = prepare(
            frame, as_of=AS_OF, exceptions=exceptions([("c", "BitLocker", "2027-01-01"), ("d", "*", "2027-01-01")])
        )
        assert table["adjusted_compliant"].tolist() == [True, False, False, True]

    def test_no_exceptions_leaves_rates_equal(self):
        summary = metrics.summary(prepare(devices(self.base), as_of=AS_OF, settings=settings(self.fails)))
        assert summary["compliance_pct"] == summary["adjusted_compliance_pct"] == 25.0


class TestBaseline:
    def test_versions_compare_as_numbers(self):
        assert metrics.below_minimum("10.0.9", "10.0.10") is True
        assert metrics.below_minimum("10.0.10", "10.0.9") is False
        assert metrics.below_minimum("17.4", "17.4.0") is False  # missing parts are 0
        assert metrics.below_minimum("n/a", "17.4") is None

    def test_baseline_failures_count_old_os_and_unencrypted_in_scope(self):
        frame = devices(
            [
                ("a", "compliant", "2026-11-22", "u1", "Windows", "10.0.9", True),  # below 10.0.10
                ("b", "compliant", "2026-11-22", "u2", "Windows", "10.0.10", False),  # unencrypted
                ("c", "compliant", "2026-11-22", "u3", "WINDOWS", "10.0.22631", True),  # fine (OS name any case)
                ("d", "compliant", "2026-11-22", "u4", "Linux", "1.0", None),  # no minimum, unknown encryption
                ("e", "compliant", "2026-01-01", "u5", "Windows", "6.1", False),  # stale: not counted
            ]
        )
        table = prepare(frame, as_of=AS_OF, min_os_versions={"windows": "10.0.10"}, require_encryption=True)
        assert table["baseline_failures"].tolist()[:4] == [["OS below 10.0.10"], ["not encrypted"], [], []]
        assert metrics.summary(table)["baseline_failures"] == 2

    def test_encryption_ignored_unless_required(self):
        frame = devices([("b", "compliant", "2026-11-22", "u2", "Windows", "10.0.10", False)])
        table = prepare(frame, as_of=AS_OF, require_encryption=False)
        assert metrics.summary(table)["baseline_failures"] == 0


class TestOrgAndWorstState:
    def test_every_device_lands_in_one_unit(self):
        frame = devices(
            [
                ("a", "compliant", "2026-11-22", "ann@x.com", "Windows", "10", True),
                ("b", "compliant", "2026-11-22", "bob@x.com", "Windows", "10", True),
                ("c", "compliant", "2026-11-22", None, "Windows", "10", True),
            ]
        )
        org = pd.DataFrame({"upn": ["ann@x.com"], "business_unit": ["Sales"], "site": ["Leeds"], "manager": ["Tom"]})
        units = metrics.attach_org(frame, org)["business_unit"].tolist()
        assert units == ["Sales", metrics.UNMAPPED, metrics.NO_USER]

    def test_worst_state_order(self):
        assert metrics.worst_state(pd.Series(["compliant", "configmgr"])) == "configmgr"
        assert metrics.worst_state(pd.Series(["conflict", "error", "in grace period"])) == "error"
        assert metrics.worst_state(pd.Series([], dtype="string")) == ""


class TestAsOf:
    def test_parameter_then_file_name_then_checkins(self):
        frame = devices([("a", "compliant", "2026-11-21 17:00", "u", "Windows", "10", True)])
        assert metrics.resolve_as_of("2026-11-30", pd.Timestamp("2026-11-23"), frame)[0] == pd.Timestamp("2026-11-30")
        assert metrics.resolve_as_of(None, pd.Timestamp("2026-11-23"), frame)[0] == pd.Timestamp("2026-11-23")
        assert metrics.resolve_as_of(None, None, frame)[0] == pd.Timestamp("2026-11-21")
