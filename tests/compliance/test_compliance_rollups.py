"""Roll-ups, settings split, exceptions to watch and action lists, on hand-made prepared tables."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from pmokit import report
from pmokit.compliance import rollups
from pmokit.compliance.devices import prepare

AS_OF = pd.Timestamp("2026-11-23")


def prepared(exceptions=None, settings=None, history=None):
    rows = [  # device, name, state, check-in, upn, os, unit
        ("a", "PC-A", "compliant", "2026-11-22", "ann@x.com", "Windows", "Sales"),
        ("b", "PC-B", "noncompliant", "2026-11-22", "ann@x.com", "Windows", "Sales"),
        ("c", "=cmd|' /C calc'!A0", "error", "2026-11-22", "bob@x.com", "iOS", "Legal"),
        ("d", "PC-D", "in grace period", "2026-11-22", "bob@x.com", "Windows", "Legal"),
        ("e", "PC-E", "noncompliant", "2026-08-01", "bob@x.com", "Windows", "Legal"),  # stale
        ("f", "KIOSK", "compliant", "2026-11-22", None, "Android", None),
    ]
    frame = pd.DataFrame(rows, columns=["device_id", "device_name", "state", "last_checkin", "upn", "os", "unit"])
    frame["last_checkin"] = pd.to_datetime(frame["last_checkin"]).astype("datetime64[us]")
    for col in ("os_version", "model", "ownership", "user_name"):
        frame[col] = pd.Series(["10"] * len(frame), dtype="string")
    frame["encrypted"] = pd.array([True] * len(frame), dtype="boolean")
    frame = frame.astype({"device_id": "string", "state": "string", "upn": "string", "os": "string"})
    org = pd.DataFrame(
        {
            "upn": ["ann@x.com", "bob@x.com"],
            "business_unit": ["Sales", "Legal"],
            "site": ["Leeds", "York"],
            "manager": ["Tom", "Sam"],
        }
    )
    return prepare(
        frame.drop(columns="unit"), as_of=AS_OF, settings=settings, org=org, exceptions=exceptions, history=history
    )


SETTINGS = pd.DataFrame(
    {
        "device_id": ["b", "b", "c", "d", "e"],
        "setting": ["BitLocker", "Is active", "Passcode", "BitLocker", "BitLocker"],
        "policy": "p",
    }
).astype("string")


class TestByGroup:
    def test_counts_rates_and_worst_state(self):
        table = rollups.by_group(prepared(), "business_unit").set_index("business_unit")
        # Legal: c (error), d (grace), e stale -> in scope 2, compliant 0 -> 0 %, worst = error
        assert table.loc["Legal", ["devices", "stale", "in_scope", "compliant", "grace", "unknown"]].tolist() == [
            3,
            1,
            2,
            0,
            1,
            1,
        ]
        assert table.loc["Legal", "compliance_pct"] == 0.0 and table.loc["Legal", "worst_state"] == "error"
        # Sales: a compliant, b noncompliant -> 50 %; kiosk f sits in '(no primary user)'
        assert table.loc["Sales", "compliance_pct"] == 50.0
        assert table.loc["(no primary user)", "devices"] == 1
        assert table.index[0] == "Legal"  # worst rate first


class TestSettings:
    def test_split_security_and_housekeeping(self):
        top = rollups.top_settings(prepared(settings=SETTINGS), ["is active", "*check-in*"])
        # in scope: BitLocker on b, d (e is stale) = 2; Passcode c = 1; Is active b = 1 (housekeeping)
        assert top[["setting", "kind", "devices"]].values.tolist() == [
            ["BitLocker", "security control", 2],
            ["Passcode", "security control", 1],
            ["Is active", "housekeeping", 1],
        ]
        assert top["share_pct"].iloc[0] == pytest.approx(100 * 2 / 5)  # 5 in-scope devices


class TestExceptionsWatch:
    def test_expiring_and_expired_still_relied_on(self):
        exc = pd.DataFrame(
            {
                "subject": ["b", "bob@x.com", "a", "c", "b"],
                "setting": ["BitLocker", "*", "*", "Passcode", "Firewall"],
                "reason": ["r1", "<script>window.__xss=1</script>", "r3", "r4", "r5"],
                "approver": "IT",
                "expires": pd.to_datetime(["2026-12-01", "2026-12-23", "2026-11-01", "2026-11-23", "2026-11-10"]),
            }
        ).astype({"subject": "string", "setting": "string"})
        expiring, relied = rollups.exceptions_watch(exc, prepared(exceptions=exc, settings=SETTINGS), AS_OF, 30)
        # within (11-23, 12-23]: b BitLocker (12-01) and bob * (12-23, day 30 included)
        assert expiring["subject"].tolist() == ["b", "bob@x.com"]
        assert expiring["devices"].tolist() == [1, 2]  # bob's failing in-scope devices: c, d (e is stale)
        # expired: a (compliant: not relied on), c Passcode on as_of (c fails Passcode: relied on),
        # b Firewall (b does not fail Firewall: not relied on)
        assert relied["subject"].tolist() == ["c"]


class TestActionList:
    def test_sheet_per_unit_with_neutralised_formula(self, tmp_path):
        actions = rollups.action_list(prepared(settings=SETTINGS))
        assert sorted(actions) == ["Legal", "Sales"]
        # no history, so no ages: ordered by device name ('=' sorts before 'P'); stale e is left out
        assert actions["Legal"]["device_id"].tolist() == ["c", "d"]
        assert actions["Sales"]["failures"].tolist() == [["BitLocker", "Is active"]]
        path = report.write_excel("actions.xlsx", actions, directory=tmp_path)
        book = openpyxl.load_workbook(path)
        names = [row[0].value for row in book["Legal"].iter_rows(min_row=2)]
        assert names == ["'=cmd|' /C calc'!A0", "PC-D"]  # shown as text, never run
        assert book["Sales"]["G2"].value == "BitLocker; Is active" and book["Sales"].freeze_panes == "A2"

    def test_no_primary_user_and_top_offenders(self):
        table = prepared(settings=SETTINGS)
        assert rollups.no_primary_user(table)["device_name"].tolist() == ["KIOSK"]
        top = rollups.top_offenders(table)
        assert set(top["device_name"]) == {"PC-B", "=cmd|' /C calc'!A0", "PC-D"}


class TestAgingAndOwners:
    def test_buckets_and_sla_by_manager(self):
        history = pd.DataFrame(
            {
                "snapshot": pd.to_datetime(["2026-10-26", "2026-11-02", "2026-11-16", "2026-11-16"]).astype(
                    "datetime64[us]"
                ),
                "device_id": ["b", "b", "b", "c"],
                "state": ["compliant", "noncompliant", "noncompliant", "compliant"],
            }
        ).astype({"device_id": "string", "state": "string"})
        table = prepared(history=history)
        # b failing since 11-02 -> 21 days (15-30, breach of 14); c compliant on 11-16 -> 0; d new -> 0
        aging = rollups.aging_table(table).set_index("age_days")["devices"]
        assert aging.to_dict() == {"0-7": 2, "8-14": 0, "15-30": 1, "31+": 0, "unknown": 0}
        owners = rollups.sla_by_owner(table)
        assert owners.values.tolist() == [["Sales", "Tom", 1, 21]]
