"""Ranking, action lists, trend and headline numbers, worked out by hand on the fixtures.

Signals of the live sites of ``sites_15col.csv`` (see test_workspace_signals.py) and their scores
with the default weights (owner_left 5, ownerless 5, anonymous 4, inactive 3, owner_unknown 2,
storage_over_warn 2, guest 2, large 1):

- b: owner left 5 + inactive 3 + storage 83% 2 = 10
- c: no owner 5 + never used 3 = 8
- f: owner not on staff list 2 = 2
- e: large 1 = 1
- a: nothing = 0 (not queued)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pmokit.sources import m365
from pmokit.workspace import assess, signals, summary
from pmokit.workspace import queue as wq

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "workspace"
ID = "aaaaaaaa-0000-0000-0000-00000000000{}".format


@pytest.fixture
def sites():
    return m365.read_site_usage(FIX / "sites_15col.csv")


@pytest.fixture
def flagged(sites):
    return signals.flag_sites(sites, m365.read_staff_list(FIX / "staff.csv"))


@pytest.fixture
def queue(flagged):
    return wq.build_queue(flagged)


class TestBuildQueue:
    def test_scores_and_ranks(self, queue):
        assert queue["Site Id"].tolist() == [ID(2), ID(3), ID(6), ID(5)]
        assert queue["Score"].tolist() == [10, 8, 2, 1]
        assert queue["Rank"].tolist() == [1, 2, 3, 4]

    def test_reasons_name_the_figures(self, queue):
        assert queue["Reasons"].iloc[0] == (
            "owner left (bob@t.com); no activity for 90 days; storage at 83% of allocation"
        )
        assert queue["Reasons"].iloc[1] == "no owner; never used"
        assert queue["Reasons"].iloc[3] == "large: 150 GB"
        assert queue["Actions"].iloc[1] == "assign an owner; confirm the site is still needed; archive or delete it"

    def test_weights_change_the_order(self, flagged):
        # weights large 20 and inactive 0: e = 20; b = owner left 5 + storage 2 = 7; c = no owner 5; f = 2.
        got = wq.build_queue(flagged, {"large": 20, "inactive": 0})
        assert got["Site Id"].tolist() == [ID(5), ID(2), ID(3), ID(6)]
        assert got["Score"].tolist() == [20, 7, 5, 2]
        assert "never used" not in got["Reasons"].iloc[2]  # a zero-weight signal gives no reason

    def test_ties_broken_by_storage(self):
        # Two sites with the same score: the one using more storage ranks first.
        frame = pd.DataFrame(
            {
                "site_id": ["x", "y"],
                "site": ["X", "Y"],
                "owner_name": ["", ""],
                "owner_upn": ["", ""],
                "owner_key": ["", ""],
                "department": ["", ""],
                "family": ["Team site", "Team site"],
                "last_activity": pd.to_datetime(["2026-11-01", "2026-11-01"]),
                "days_idle": pd.array([5, 5], "Int64"),
                "never_active": [False, False],
                "inactive": [False, False],
                "ownerless": [True, True],
                "owner_left": [False, False],
                "owner_unknown": [False, False],
                "storage_over_warn": [False, False],
                "large": [False, False],
                "anonymous_links_on": [False, False],
                "guest_links_on": [False, False],
                "storage_used": [1.0, 2.0],
                "used_gb": [0.0, 0.0],
                "used_pct": [0.0, 0.0],
                "anonymous_links": pd.array([pd.NA, pd.NA], "Int64"),
                "guest_links": pd.array([pd.NA, pd.NA], "Int64"),
            }
        )
        assert wq.build_queue(frame)["Site Id"].tolist() == ["y", "x"]

    def test_unknown_weight(self, flagged):
        with pytest.raises(KeyError, match="unknown signal 'stale'"):
            wq.build_queue(flagged, {"stale": 1})


class TestActionLists:
    def test_owner_actions(self, queue):
        owners = wq.owner_actions(queue)
        # bob 10, (no owner) 8, frank 2, eve 1
        assert owners["Owner UPN"].tolist() == ["bob@t.com", "", "frank@t.com", "eve@t.com"]
        assert owners["Owner"].iloc[1] == "(no owner)"
        assert owners["Total score"].tolist() == [10, 8, 2, 1]

    def test_sheets_by_department(self, queue):
        sheets = wq.action_sheets(queue, "department")
        # bob -> IT, eve -> IT; c has no owner; frank is on no staff list -> no department.
        assert {k: len(v) for k, v in sheets.items()} == {"IT": 2, "(no department)": 1, "(no owner)": 1}
        assert list(sheets)[0] == "IT"  # biggest list first
        assert "owner_key" not in sheets["IT"].columns

    def test_sheets_by_owner(self, queue):
        sheets = wq.action_sheets(queue, "owner")
        assert sorted(sheets) == ["(no owner)", '=HYPERLINK("http://x","y")', "Bob Left", "Eve Busy"]

    def test_workbook_sheets(self, queue, sites):
        trend = wq.queue_trend(queue, m365.read_previous_queue(FIX / "previous_queue.csv"), sites)
        book = wq.queue_workbook(queue, wq.owner_actions(queue), trend)
        assert list(book)[:3] == ["Queue", "Trend", "Owners"]
        assert book["Queue"]["Days idle"].dtype == "float64"  # nullable ints become plain floats


class TestTrend:
    def test_new_open_fixed(self, queue, sites):
        # Previous queue: b (rank 1), d (rank 2), a (rank 3), z (rank 4; not in this export).
        # Now: b rank 1 (still open, same rank); d deleted -> fixed; a clean -> fixed (resolved);
        # z gone from export -> fixed; c, f, e are new.
        trend = wq.queue_trend(queue, m365.read_previous_queue(FIX / "previous_queue.csv"), sites)
        status = dict(zip(trend["Site Id"], zip(trend["Status"], trend["Detail"])))
        assert status == {
            ID(3): ("new", ""),
            ID(6): ("new", ""),
            ID(5): ("new", ""),
            ID(2): ("still open", "same rank"),
            ID(4): ("fixed", "deleted"),
            ID(1): ("fixed", "resolved"),
            "aaaaaaaa-0000-0000-0000-000000000099": ("fixed", "gone from export"),
        }
        assert trend["Status"].tolist()[:3] == ["new", "new", "new"]

    def test_rank_moves(self):
        now = pd.DataFrame({"Site Id": ["s1", "s2"], "Rank": [1, 2], "Site": ["A", "B"], "Reasons": ["", ""]})
        before = pd.DataFrame(
            {"site_id": ["s1", "s2"], "rank": pd.array([3, 1], "Int64"), "site": ["A", "B"], "reasons": ["", ""]}
        )
        sites = pd.DataFrame({"site_id": ["s1", "s2"], "is_deleted": [False, False]})
        trend = wq.queue_trend(now, before, sites)
        assert trend["Detail"].tolist() == ["up 2", "down 1"]


class TestHeadline:
    def test_metrics(self, sites, flagged, queue):
        trend = wq.queue_trend(queue, m365.read_previous_queue(FIX / "previous_queue.csv"), sites)
        m = summary.headline_metrics(sites, flagged, queue, trend)
        # live 5 (d deleted); inactive b, c; storage 1 + 50 + 0 + 150 + 1 = 202 GB = 202/1024 TB = 0.197
        assert (m["sites"], m["deleted_sites"], m["inactive_sites"], m["never_active_sites"]) == (5, 1, 2, 1)
        assert (m["ownerless_sites"], m["owner_left_sites"], m["owner_unknown_sites"]) == (1, 1, 1)
        # ownerless or owner-left: c (no owner) + b (owner left), each counted once
        assert m["ownerless_or_owner_left_sites"] == 2
        assert m["storage_used_tb"] == pytest.approx(0.197)
        assert (m["queue_size"], m["queue_new"], m["queue_still_open"], m["queue_fixed_since_last"]) == (4, 3, 1, 3)
        assert (m["queue_previous_size"], m["queue_change"]) == (4, 0)
        assert m["anonymous_link_sites"] is None  # 15-column layout: not measurable, recorded as null

    def test_each_headline_metric_is_defined(self, sites, flagged, queue):
        m = summary.headline_metrics(sites, flagged, queue)
        d = summary.metric_definitions(inactive_after_days=90, storage_warn_pct=80, large_site_gb=100)
        named = {part.strip() for key in d for part in key.split(",")}
        assert set(m) <= named
        assert "no owner" in d["ownerless_sites"] and "owner has left" in d["owner_left_sites"]
        assert "ownerless or owner-left" in d["ownerless_or_owner_left_sites"]
        assert "90+ days" in d["inactive_sites"] and "80%" in d["storage_hotspots"] and "100 GB" in d["large_sites"]

    def test_ownerless_and_owner_left_counted_once_in_the_sum(self):
        flagged = pd.DataFrame({"ownerless": [True, False, True, False], "owner_left": [False, True, True, False]})
        for col in [
            "inactive",
            "never_active",
            "owner_unknown",
            "concealed",
            "storage_over_warn",
            "large",
            "anonymous_links_on",
            "guest_links_on",
        ]:
            flagged[col] = False
        flagged["storage_used"] = 0
        flagged["anonymous_links"] = float("nan")
        m = summary.headline_metrics(pd.DataFrame({"is_deleted": [False] * 4}), flagged, flagged.iloc[:0])
        # rows 0, 1, 2 are ownerless or owner-left (row 2 both: once)
        assert (m["ownerless_sites"], m["owner_left_sites"], m["ownerless_or_owner_left_sites"]) == (2, 2, 3)

    def test_metrics_without_previous(self, sites, flagged, queue):
        m = summary.headline_metrics(sites, flagged, queue)
        assert m["queue_fixed_since_last"] is None

    def test_verdict(self, sites, flagged, queue):
        trend = wq.queue_trend(queue, m365.read_previous_queue(FIX / "previous_queue.csv"), sites)
        m = summary.headline_metrics(sites, flagged, queue, trend)
        band = assess.bands(None)["queue_share_pct"]
        # 4 of 5 = 80% > 25% -> red
        assert m["queue_share_pct"] == 80.0
        assert assess.rate_queue(m, band).rag == "red"
        assert assess.verdict_text(m, band) == (
            "4 of 5 live sites (80%) need an owner, a clean-up or a review; since the last run "
            "the queue did not change (3 fixed, 3 new)."
        )

    @pytest.mark.parametrize("queued,rag", [(10, "green"), (11, "amber"), (25, "amber"), (26, "red")])
    def test_verdict_thresholds(self, queued, rag):
        # of 100 sites: <= 10% green, <= 25% amber, else red
        m = {"sites": 100, "queue_size": queued, "queue_share_pct": queued}
        assert assess.rate_queue(m, assess.bands(None)["queue_share_pct"]).rag == rag
