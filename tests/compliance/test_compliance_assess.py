"""compliance.assess on tiny hand-made frames: metrics, colours, verdict, tiles, notes, the history store's
default folder and re-runs; expected values worked out by hand on each line."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pmokit.bands import Band
from pmokit.compliance import assess
from pmokit.compliance.params import ComplianceReportParams
from pmokit.sources import intune_history

AS_OF = pd.Timestamp("2026-11-23")


def params(**extra) -> ComplianceReportParams:
    """Parameters built in code (no file read): as_of fixed, no run folder unless given."""
    values = {"devices_path": "DevicesWithInventory_2026-11-23.csv", "as_of": AS_OF.date(), **extra}
    return ComplianceReportParams.model_construct(**{**ComplianceReportParams.model_construct().__dict__, **values})


def devices(states, checkins=None, upns=None, os_versions=None, encrypted=None) -> pd.DataFrame:
    """One device per state: ids d0, d1, ...; checked in the day before AS_OF unless told."""
    n = len(states)
    frame = pd.DataFrame(
        {
            "device_id": [f"d{i}" for i in range(n)],
            "device_name": [f"PC-{i}" for i in range(n)],
            "upn": upns or [f"u{i}@x.com" for i in range(n)],
            "user_name": [f"User {i}" for i in range(n)],
            "os": ["Windows"] * n,
            "os_version": os_versions or ["10.0.22631"] * n,
            "manufacturer": ["HP"] * n,
            "model": ["EliteBook"] * n,
            "ownership": ["Corporate"] * n,
            "state": states,
            "last_checkin": pd.to_datetime(checkins or ["2026-11-22"] * n),
            "grace_until": pd.NaT,
            "encrypted": pd.array(encrypted or [True] * n, dtype="boolean"),
            "serial": [""] * n,
        }
    )
    frame["last_checkin"] = frame["last_checkin"].astype("datetime64[us]")
    for col in ("device_id", "device_name", "upn", "user_name", "os", "os_version", "state", "model", "ownership"):
        frame[col] = frame[col].astype("string")
    return frame


def history(rows) -> tuple[pd.DataFrame, pd.DataFrame]:
    """rows: (snapshot date, device_id, state) -> (history, catalogue) as load_history returns them."""
    frame = pd.DataFrame(rows, columns=["snapshot", "device_id", "state"])
    frame["snapshot"] = pd.to_datetime(frame["snapshot"]).astype("datetime64[us]")
    frame["upn"] = frame["device_id"] + "@x.com"
    frame["last_checkin"] = frame["snapshot"] - pd.Timedelta(days=1)
    frame = frame.astype({"device_id": "string", "state": "string", "upn": "string"})
    dates = sorted(frame["snapshot"].unique())
    catalogue = pd.DataFrame(
        {"snapshot": dates, "source": "x.csv", "rows": [int((frame["snapshot"] == d).sum()) for d in dates]}
    ).assign(read_from="export")
    return frame[["snapshot", "device_id", "upn", "state", "last_checkin"]], catalogue


class TestHandMade:
    # d0 compliant, d1 noncompliant (also non-compliant 3 weeks ago: 21 days > 14 -> SLA breach),
    # d2 in grace (new: age 0), d3 compliant but stale (last seen 2026-09-01, 83 days > 30), d4 compliant.
    frame = devices(
        ["compliant", "noncompliant", "in grace period", "compliant", "compliant"],
        checkins=["2026-11-22", "2026-11-22", "2026-11-22", "2026-09-01", "2026-11-22"],
    )
    hist, cat = history([("2026-11-02", "d1", "noncompliant"), ("2026-11-02", "d0", "compliant")])

    def result(self, **kw):
        return assess.assess(self.frame, params(**kw), history=self.hist, catalogue=self.cat)

    def test_metrics(self):
        m = self.result().metrics
        # in scope: d0 d1 d2 d4 = 4; compliant d0 d4 = 2 -> 50 %; one earlier snapshot -> 2 snapshots
        assert (m["in_scope_devices"], m["stale_devices"], m["compliant_devices"]) == (4, 1, 2)
        assert m["compliance_pct"] == 50.0 and m["adjusted_compliance_pct"] == 50.0
        assert (m["sla_breaches"], m["snapshots"], m["as_of"]) == (1, 2, "2026-11-23")
        # trend: 2026-11-02 has d0 compliant, d1 not, both in scope -> 50 %; now 50 % -> change 0
        assert m["compliance_change_pts"] == 0.0
        assert m["action_items"] == 2  # d1 and d2 are not compliant (and pass the baseline)

    def test_ratings_verdict_and_tiles(self):
        r = self.result()
        # 50 % < 80 -> red; 1 breach > 0 -> amber; verdict = the worse: red
        assert {k: v.rag for k, v in r.ratings.items()} == {
            "compliance_pct": "red",
            "adjusted_compliance_pct": "red",
            "sla_breaches": "amber",
        }
        assert r.rating.rag == "red" and r.rating.reason == "Compliance 50.0%, below 80.0%"
        assert r.verdict == (
            "50.0% of 4 in-scope devices are compliant (50.0% counting approved exceptions) on 23 Nov 2026; "
            "1 past the 14-day SLA."
        )
        tiles = {t.label: t for t in r.tiles}
        assert tiles["Compliant (raw)"].value == "50.0%" and tiles["Compliant (raw)"].rag.rag == "red"
        assert tiles["SLA breaches"].value == "1" and tiles["SLA breaches"].rag.rag == "amber"
        recorded = r.recorded_metrics()
        assert (recorded["compliance_pct_rag"], recorded["sla_breaches_rag"], recorded["verdict_rag"]) == (
            "red",
            "amber",
            "red",
        )

    def test_aging_marks_buckets_past_the_sla(self):
        aging = self.result().aging.set_index("age_days")
        # d1: 21 days -> 15-30; d2: 0 days -> 0-7. With sla_days 14 the buckets 15-30 and 31+ reach past it.
        assert aging["devices"].to_dict() == {"0-7": 1, "8-14": 0, "15-30": 1, "31+": 0, "unknown": 0}
        assert aging["past_sla"].to_dict() == {
            "0-7": False,
            "8-14": False,
            "15-30": True,
            "31+": True,
            "unknown": False,
        }
        # sla_days 7: 8-14 reaches past it too
        assert self.result(sla_days=7).aging.set_index("age_days").loc["8-14", "past_sla"]

    def test_notes_state_the_thresholds_from_the_bands(self):
        notes = self.result().notes
        assert (
            notes["Colour of SLA breaches"] == "SLA breaches: green at 0 or less, amber above 0 up to 25, red above 25."
        )
        assert notes["Colour of Compliance"].startswith("Compliance: green at 90.0% or more")
        assert "Colour of the verdict" in notes and "compliance_pct" in notes  # definitions kept
        assert "RAG green from" not in json.dumps(notes)  # no threshold restated as separate prose

    def test_snapshot_of_the_report_date_in_history_is_not_history(self):
        # A re-run of the same week: the store holds this week's snapshot too. It must change nothing.
        again, cat = history(
            [
                ("2026-11-02", "d1", "noncompliant"),
                ("2026-11-02", "d0", "compliant"),
                ("2026-11-23", "d1", "compliant"),  # a different state on the report date: ignored
            ]
        )
        r = assess.assess(self.frame, params(), history=again, catalogue=cat)
        assert r.recorded_metrics() == self.result().recorded_metrics()
        assert r.earlier_snapshots == 1 and r.history_rows == 2 and len(r.catalogue) == 1


class TestNotMeasurable:
    def test_no_history_sla_is_grey_and_left_out_of_the_verdict(self):
        r = assess.assess(devices(["compliant"] * 9 + ["noncompliant"]), params())
        # 9 of 10 = 90 % -> green; no earlier snapshot -> SLA breaches null, grey; verdict green
        assert r.metrics["sla_breaches"] is None and r.metrics["snapshots"] == 1
        assert r.metrics["compliance_change_pts"] is None
        assert r.ratings["sla_breaches"].rag == "grey" and "no earlier snapshot" in r.ratings["sla_breaches"].reason
        assert r.rating.rag == "green"
        sla = next(t for t in r.tiles if t.label == "SLA breaches")
        assert sla.value == "—" and sla.rag.rag == "grey" and "no earlier snapshot" in sla.note
        assert "SLA breaches unknown (no earlier snapshot)" in r.verdict

    def test_nothing_in_scope_is_grey_never_green_and_null_never_nan(self):
        r = assess.assess(devices(["compliant", "noncompliant"], checkins=["2026-01-01", None]), params())
        # both stale -> nothing in scope: the rates are null, every colour grey, the verdict grey
        assert r.metrics["compliance_pct"] is None and r.metrics["adjusted_compliance_pct"] is None
        assert r.ratings["compliance_pct"].rag == "grey" and r.rating.rag == "grey"
        assert r.verdict.startswith("— of 0 in-scope devices are compliant (— counting approved exceptions)")
        text = json.dumps(r.recorded_metrics())
        assert "NaN" not in text and "nan" not in text and "NaT" not in text

    def test_empty_baseline_works(self):
        # min_os_versions {} (the default): no OS minimum; only the unencrypted d1 fails the baseline
        r = assess.assess(
            devices(["compliant", "compliant"], os_versions=["6.1", "10"], encrypted=[True, False]),
            params(min_os_versions={}),
        )
        assert r.metrics["baseline_failures"] == 1
        assert r.baseline[["os", "minimum", "below_minimum", "unencrypted"]].to_dict("records") == [
            {"os": "Windows", "minimum": "—", "below_minimum": 0, "unencrypted": 1}
        ]
        assert "min_os_versions none" in r.notes["Settings of this run"]


class TestBandSweep:
    """Values just below, at and above each threshold: the tile, the rating and the colour recorded for
    the deck (``<metric>_rag``) all equal the band's colour, because they all come from it."""

    band = assess.bands(None)

    def check(self, result, metric: str, tile_label: str, value):
        expected = self.band[metric].rate(value).rag
        tile = next(t for t in result.tiles if t.label == tile_label)
        assert result.metrics[metric] == value
        assert result.ratings[metric].rag == expected, value
        assert tile.rag.rag == expected, value
        assert result.recorded_metrics()[f"{metric}_rag"] == expected, value
        return expected

    @pytest.mark.parametrize(
        "compliant, colour",
        # of 1000 in-scope devices: 79.9 % red, 80.0 % amber, 89.9 % amber, 90.0 % green, 90.1 % green
        [(799, "red"), (800, "amber"), (899, "amber"), (900, "green"), (901, "green")],
    )
    def test_compliance_pct(self, compliant, colour):
        r = assess.assess(devices(["compliant"] * compliant + ["noncompliant"] * (1000 - compliant)), params())
        assert self.check(r, "compliance_pct", "Compliant (raw)", compliant / 10) == colour

    @pytest.mark.parametrize("breaches, colour", [(0, "green"), (1, "amber"), (25, "amber"), (26, "red")])
    def test_sla_breaches(self, breaches, colour):
        # 30 non-compliant devices; the first `breaches` were non-compliant on 2026-11-02 too (21 days > 14)
        frame = devices(["noncompliant"] * 30)
        hist, cat = history(
            [("2026-11-02", f"d{i}", "noncompliant") for i in range(breaches)] or [("2026-11-02", "x", "compliant")]
        )
        r = assess.assess(frame, params(), history=hist, catalogue=cat)
        assert self.check(r, "sla_breaches", "SLA breaches", breaches) == colour

    def test_missing_is_grey(self):
        r = assess.assess(devices(["compliant"], checkins=[None]), params())
        assert r.ratings["compliance_pct"].rag == "grey" and r.ratings["sla_breaches"].rag == "grey"

    def test_one_band_per_figure(self):
        assert set(self.band) == {"compliance_pct", "adjusted_compliance_pct", "sla_breaches"}
        assert all(isinstance(b, Band) and b.metric == k for k, b in self.band.items())
        assert (self.band["sla_breaches"].amber, self.band["sla_breaches"].red) == (0, 25)


class TestHistoryStore:
    def test_default_is_beside_the_run_folders(self, tmp_path):
        run = tmp_path / "out" / "compliance_report" / ".sample.tmp-abc"
        assert (
            assess.history_store(params(output_dir=str(run)))
            == tmp_path / "out" / "compliance_report" / "history_store"
        )
        assert assess.history_store(params(output_dir=str(run), history_store=str(tmp_path / "s"))) == tmp_path / "s"
        assert assess.history_store(params()) is None  # no run folder: no store

    def test_model_default_is_none(self):
        assert ComplianceReportParams.model_fields["history_store"].default is None
        assert ComplianceReportParams.model_fields["min_os_versions"].default == {}

    def test_rerun_of_the_same_week_gives_the_same_metrics(self, tmp_path):
        """Run 1 adds this week's snapshot to the store; run 2 reads it back and must compute the same."""
        store = tmp_path / "compliance_report" / "history_store"
        frame = devices(["compliant", "noncompliant", "noncompliant"])
        earlier = devices(["compliant", "noncompliant", "compliant"])
        intune_history.store_snapshot(store, pd.Timestamp("2026-11-02"), earlier, tmp_path / "a_2026-11-02.csv")

        def run():
            hist, cat = intune_history.load_history(None, store)
            result = assess.assess(frame, params(), history=hist, catalogue=cat)
            intune_history.store_snapshot(store, result.as_of, frame, tmp_path / "DevicesWithInventory_2026-11-23.csv")
            return result

        first, second = run(), run()
        assert first.metrics["sla_breaches"] == 1  # d1: 21 days; d2 compliant on 11-02 -> age 0
        assert second.recorded_metrics() == first.recorded_metrics()
        manifest = json.loads((store / "manifest.json").read_text())
        assert sorted(manifest) == ["2026-11-02", "2026-11-23"]  # the report date once, not twice

    def test_same_date_replaces_the_stored_snapshot(self, tmp_path):
        store = tmp_path / "store"
        source = tmp_path / "DevicesWithInventory_2026-11-23.csv"
        source.write_text("x")
        assert intune_history.store_snapshot(store, AS_OF, devices(["noncompliant", "noncompliant"]), source)
        assert not intune_history.store_snapshot(store, AS_OF, devices(["noncompliant", "noncompliant"]), source)
        source.write_text("re-exported")  # a new export of the same date (another size)
        assert intune_history.store_snapshot(store, AS_OF, devices(["compliant"]), source)
        back, cat = intune_history.load_history(None, store)
        assert cat["snapshot"].tolist() == [AS_OF] and back["state"].astype(str).tolist() == ["compliant"]
