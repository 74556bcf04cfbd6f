"""Aging over snapshots, SLA breaches, the trend and the history store; values worked out by hand."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from pmokit.compliance import history as hist
from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import intune_history

AS_OF = pd.Timestamp("2026-11-23")


def snaps(rows):
    """rows: (snapshot date, device_id, state)."""
    frame = pd.DataFrame(rows, columns=["snapshot", "device_id", "state"])
    frame["snapshot"] = pd.to_datetime(frame["snapshot"]).astype("datetime64[us]")
    return frame.astype({"device_id": "string", "state": "string"})


def current(rows):
    return pd.DataFrame(rows, columns=["device_id", "state"]).astype("string")


class TestStreakAges:
    history = snaps(
        [
            ("2026-11-02", "a", "noncompliant"),
            ("2026-11-09", "a", "compliant"),
            ("2026-11-16", "a", "error"),
            ("2026-11-02", "b", "noncompliant"),
            ("2026-11-09", "b", "noncompliant"),  # absent on 11-16
            ("2026-11-02", "c", "noncompliant"),
            ("2026-11-09", "c", "in grace period"),
            ("2026-11-16", "c", "noncompliant"),
            ("2026-11-02", "d", "noncompliant"),
            ("2026-11-09", "d", "noncompliant"),
            ("2026-11-16", "d", "noncompliant"),
            ("2026-11-30", "e", "compliant"),  # after as_of: ignored
        ]
    )
    now = current(
        [("a", "noncompliant"), ("b", "noncompliant"), ("c", "noncompliant"), ("d", "compliant"), ("E", "noncompliant")]
    )

    def test_ages(self):
        ages = hist.streak_ages(self.now, self.history, AS_OF)
        # a: compliant on 11-09, failing from 11-16 -> 23 - 16 = 7 days
        # b: absent on 11-16 breaks the run -> starts at this export (11-23) -> 0 days
        # c: failing in all 3 earlier snapshots (grace counts as not compliant) -> from 11-02 -> 21 days, lower bound
        # d: compliant now -> no age;  E: new device, first seen now -> 0 days
        assert ages["age_days"].tolist() == [7, 0, 21, pd.NA, 0]
        assert ages["age_is_lower_bound"].tolist() == [False, False, True, False, False]
        assert ages.loc[0, "streak_start"] == pd.Timestamp("2026-11-16")

    def test_categorical_history_gives_the_same_ages(self):
        # load_history stores IDs and states as categoricals to save memory
        as_cat = self.history.astype({"device_id": "category", "state": "category"})
        ages = hist.streak_ages(self.now, as_cat, AS_OF)
        assert ages["age_days"].tolist() == [7, 0, 21, pd.NA, 0]

    def test_trend_over_history_and_current(self):
        history = snaps(
            [("2026-11-16", "a", "compliant"), ("2026-11-16", "b", "error"), ("2026-11-30", "a", "error")]
        ).astype({"device_id": "category", "state": "category"})
        history["last_checkin"] = pd.to_datetime(["2026-11-15"] * 3).astype("datetime64[us]")
        now = pd.DataFrame(
            {
                "device_id": ["a", "b"],
                "state": ["compliant", "compliant"],
                "last_checkin": pd.to_datetime(["2026-11-22", "2026-11-22"]),
            }
        )
        table = hist.trend_over(history, now, AS_OF, 30)
        # 11-16: 1 of 2 compliant = 50 %; 11-30 is after as_of and left out; 11-23: 2 of 2 = 100 %
        assert table["snapshot"].dt.strftime("%m-%d").tolist() == ["11-16", "11-23"]
        assert table["compliance_pct"].tolist() == [50.0, 100.0]

    def test_device_ids_match_case_insensitively(self):
        history = snaps([("2026-11-16", "e", "noncompliant"), ("2026-11-09", "e", "compliant")])
        ages = hist.streak_ages(current([("E", "noncompliant")]), history, AS_OF)
        assert ages["age_days"].tolist() == [7]

    def test_without_history_age_is_unknown(self):
        empty = snaps([])
        ages = hist.streak_ages(self.now, empty, AS_OF)
        assert ages["age_days"].isna().all() and not ages["age_is_lower_bound"].any()


class TestBucketsAndSla:
    def test_sla_is_strictly_more_than_sla_days(self):
        frame = pd.DataFrame(
            {
                "in_scope": [True, True, True, False, True],
                "group": ["noncompliant", "unknown", "noncompliant", "noncompliant", "compliant"],
                "age_days": pd.array([14, 15, pd.NA, 40, 40], dtype="Int64"),
            }
        )
        # 14 is not more than 14; 15 is; unknown age is not a breach; stale and compliant never are.
        assert hist.sla_breach(frame, 14).tolist() == [False, True, False, False, False]

    def test_unknown_age_stays_unknown(self):
        assert hist.age_bucket(pd.Series([3, pd.NA], dtype="Int64")).tolist()[1] is pd.NA


class TestTrend:
    def test_each_snapshot_judged_at_its_own_date(self):
        frame = pd.DataFrame(
            {
                "snapshot": pd.to_datetime(["2026-11-16"] * 3 + ["2026-11-23"] * 3),
                "device_id": ["a", "b", "c"] * 2,
                "state": ["compliant", "noncompliant", "compliant", "compliant", "compliant", "noncompliant"],
                "last_checkin": pd.to_datetime(
                    ["2026-11-15", "2026-11-15", "2026-10-10", "2026-11-22", "2026-11-22", "2026-11-22"]
                ),
            }
        )
        table = hist.trend(frame, stale_after_days=30)
        # 11-16: c last seen 37 days before -> stale; in scope a, b; compliant a -> 50.0
        # 11-23: all in scope; compliant a, b -> 2 / 3 = 66.67
        assert table["in_scope"].tolist() == [2, 3]
        assert table["stale"].tolist() == [1, 0]
        assert table["compliance_pct"].tolist() == pytest.approx([50.0, 200 / 3])


def device_frame(ids, states, checkins):
    return pd.DataFrame(
        {
            "device_id": pd.Series(ids, dtype="string"),
            "upn": pd.Series(["u@x.com", None][: len(ids)] + [None] * max(0, len(ids) - 2), dtype="string"),
            "state": pd.Series(states, dtype="string"),
            "last_checkin": pd.to_datetime(checkins).astype("datetime64[us]"),
        }
    )


class TestHistoryStore:
    def write_export(self, folder, date, rows):
        text = "Device ID,Compliance,Last check-in,Primary user UPN\n" + "".join(f"{r}\n" for r in rows)
        path = folder / f"DevicesWithInventory_{date}.csv"
        path.write_text(text, encoding="utf-8-sig")
        return path

    def test_round_trip_keeps_values(self, tmp_path):
        frame = device_frame(
            ["d1", "d2", "d3"],
            ["compliant", "error", "in grace period"],
            ["2026-11-20 10:00", None, "2026-11-21 00:00"],
        )
        assert intune_history.store_snapshot(tmp_path / "store", AS_OF, frame, tmp_path / "x.csv")
        back, cat = intune_history.load_history(None, tmp_path / "store")
        assert back["device_id"].tolist() == ["d1", "d2", "d3"]
        assert back["state"].tolist() == ["compliant", "error", "in grace period"]
        assert back["upn"].tolist()[0] == "u@x.com" and pd.isna(back["upn"].tolist()[1])
        assert back["last_checkin"].tolist()[0] == pd.Timestamp("2026-11-20 10:00") and pd.isna(back["last_checkin"][1])
        assert cat["read_from"].tolist() == ["store"]

    def test_exports_parsed_once_then_read_from_store(self, tmp_path):
        exports = tmp_path / "history"
        exports.mkdir()
        self.write_export(exports, "2026-11-09", ["d1,Compliant,2026-11-08,a@x.com"])
        self.write_export(exports, "2026-11-16", ["d1,Noncompliant,2026-11-15,a@x.com", "d2,Error,2026-11-15,"])
        store = tmp_path / "store"
        cold, cold_cat = intune_history.load_history(exports, store)
        warm, warm_cat = intune_history.load_history(exports, store)
        assert cold_cat["read_from"].tolist() == ["export", "export"]
        assert warm_cat["read_from"].tolist() == ["store", "store"]
        pd.testing.assert_frame_equal(
            cold[["snapshot", "device_id", "state"]], warm[["snapshot", "device_id", "state"]]
        )
        assert len(warm) == 3

    def test_history_outlives_deleted_exports_and_changed_files_are_reread(self, tmp_path):
        exports = tmp_path / "history"
        exports.mkdir()
        old = self.write_export(exports, "2026-08-03", ["d1,Compliant,2026-08-02,a@x.com"])
        self.write_export(exports, "2026-11-16", ["d1,Compliant,2026-11-15,a@x.com"])
        store = tmp_path / "store"
        intune_history.load_history(exports, store)
        old.unlink()  # Intune keeps 60 days; the analyst deletes old files
        self.write_export(exports, "2026-11-16", ["d1,Noncompliant,2026-11-15,a@x.com", "d9,Compliant,2026-11-15,"])
        back, cat = intune_history.load_history(exports, store)
        assert cat["snapshot"].dt.strftime("%Y-%m-%d").tolist() == ["2026-08-03", "2026-11-16"]
        assert cat["read_from"].tolist() == ["store", "export"]  # the re-exported file (new size) is read again
        assert back.loc[back["snapshot"] == "2026-11-16", "state"].tolist() == ["noncompliant", "compliant"]

    def test_broken_export_in_history_names_the_file(self, tmp_path):
        exports = tmp_path / "history"
        exports.mkdir()
        self.write_export(exports, "2026-11-09", ["d1,Compliant,2026-11-08,a@x.com"])
        (exports / "DevicesWithInventory_2026-11-16.csv").write_text("Device ID,Last check-in\nd1,2026-11-15\n")
        # two exports to parse: read by worker threads, the error still reaches the analyst intact
        with pytest.raises(InputError, match="DevicesWithInventory_2026-11-16.csv: field 'state'"):
            intune_history.load_history(exports, tmp_path / "store")

    def test_no_store_reads_exports_only(self, tmp_path):
        exports = tmp_path / "history"
        exports.mkdir()
        self.write_export(exports, "2026-11-16", ["d1,Compliant,2026-11-15,a@x.com"])
        (exports / "DevicesWithInventory_latest.csv").write_text("x")
        dq = DataQuality()
        back, cat = intune_history.load_history(exports, None, dq=dq)
        assert len(back) == 1 and not (tmp_path / "store").exists()
        assert dq.frame()["file"].tolist() == ["DevicesWithInventory_latest.csv"]

    def test_store_is_parquet_readable_without_pmokit(self, tmp_path):
        # Join the files by hand with pyarrow alone: the IDs, states and dates must come back.
        import pyarrow.parquet as pq

        exports = tmp_path / "history"
        exports.mkdir()
        self.write_export(exports, "2026-11-09", ["D1,Compliant,2026-11-08 10:00,A@x.com", "d2,Error,2026-11-08,"])
        self.write_export(
            exports, "2026-11-16", ["d3,Noncompliant,2026-11-15,c@x.com", "d1,Compliant,2026-11-15,a@x.com"]
        )
        store = tmp_path / "store"
        intune_history.load_history(exports, store)
        devices = pq.read_table(store / "devices.parquet").column("device_id").to_pylist()
        users = pq.read_table(store / "users.parquet").column("upn").to_pylist()
        assert devices == ["d1", "d2", "d3"]  # append-only: first seen first, lower case
        second = pq.read_table(store / "snapshot_2026-11-16.parquet").to_pylist()
        assert [devices[r["device"]] for r in second] == ["d3", "d1"]  # d1 keeps its code from the first file
        assert [users[r["user"]] for r in second] == ["c@x.com", "a@x.com"]
        first = pq.read_table(store / "snapshot_2026-11-09.parquet").to_pylist()
        assert first[1]["user"] is None and first[1]["state"] == "error"
        assert first[0]["last_checkin"] == pd.Timestamp("2026-11-08 10:00").to_pydatetime()

    def test_store_of_an_older_format_is_rebuilt_from_the_exports(self, tmp_path):
        import json

        exports = tmp_path / "history"
        exports.mkdir()
        path = self.write_export(exports, "2026-11-16", ["d1,Noncompliant,2026-11-15,a@x.com"])
        store = tmp_path / "store"
        store.mkdir()
        (store / "snapshot_2026-11-16.npz").write_bytes(b"old")
        (store / "manifest.json").write_text(
            json.dumps(
                {
                    "2026-11-16": {
                        "file": "snapshot_2026-11-16.npz",
                        "source": path.name,
                        "size": path.stat().st_size,
                        "rows": 1,
                    }
                }
            )
        )
        back, cat = intune_history.load_history(exports, store)
        assert cat["read_from"].tolist() == ["export"] and back["state"].tolist() == ["noncompliant"]
        assert json.loads((store / "manifest.json").read_text())["2026-11-16"]["file"].endswith(".parquet")

    def test_damaged_snapshot_file_names_the_file_and_the_fix(self, tmp_path):
        exports = tmp_path / "history"
        exports.mkdir()
        self.write_export(exports, "2026-11-16", ["d1,Noncompliant,2026-11-15,a@x.com"])
        store = tmp_path / "store"
        intune_history.load_history(exports, store)
        (exports / "DevicesWithInventory_2026-11-16.csv").unlink()  # only the store holds it now
        (store / "snapshot_2026-11-16.parquet").write_bytes(b"not parquet")
        with pytest.raises(InputError, match=r"snapshot_2026-11-16.parquet: .*delete the store folder"):
            intune_history.load_history(exports, store)

    def test_snapshot_pointing_past_its_dictionary_is_a_clear_error(self, tmp_path):
        import pyarrow as pa
        import pyarrow.parquet as pq

        store = tmp_path / "store"
        frame = device_frame(["d1", "d2"], ["compliant", "error"], ["2026-11-20", "2026-11-20"])
        intune_history.store_snapshot(store, AS_OF, frame, tmp_path / "x.csv")
        pq.write_table(pa.table({"device_id": ["d1"]}), store / "devices.parquet")  # one ID lost
        with pytest.raises(
            InputError,
            match=r"snapshot_2026-11-23.parquet: field 'device': expected codes into "
            r"devices.parquet \(1 entries\), got code 1",
        ):
            intune_history.load_history(None, store)

    def test_combine_snapshots_drops_history_on_or_after_as_of(self):
        history = snaps([("2026-11-16", "a", "compliant"), ("2026-11-23", "a", "error")])
        history["upn"] = pd.Series(["u", "u"], dtype="string")
        history["last_checkin"] = pd.to_datetime(["2026-11-15", "2026-11-22"]).astype("datetime64[us]")
        now = device_frame(["a"], ["noncompliant"], ["2026-11-22"])
        both = hist.combine_snapshots(history, now, AS_OF)
        assert both["state"].tolist() == ["compliant", "noncompliant"]


@pytest.fixture(autouse=True)
def _no_leftovers(tmp_path):
    yield
    shutil.rmtree(tmp_path, ignore_errors=True)
