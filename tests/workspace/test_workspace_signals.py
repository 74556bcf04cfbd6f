"""Signals per site, worked out by hand on the fixture exports (refresh date 2026-11-26).

Fixture ``sites_15col.csv`` (binary units: 1 GB = 1024**3 bytes):

==  =========  ============  ===========  ==================  ==============  ========
id  owner      last active   used         allocated           template        deleted
==  =========  ============  ===========  ==================  ==============  ========
1   ann Active 2026-11-20    1 GB         25 TB               Group           no
2   bob Left   2026-08-28    50 GB        60 GB               Team Site       no
3   (none)     never         0            25 TB               Communication   no
4   dee Leaver 2025-01-01    1 KB         25 TB               Group           yes
5   eve Active 2026-08-29    150 GB       25 TB               Team Channel    no
6   frank (?)  2026-11-25    1 GB         25 TB               Group           no
==  =========  ============  ===========  ==================  ==============  ========

Days idle on 2026-11-26: site 2 = 3 (rest of Aug) + 30 + 31 + 26 = 90; site 5 = 89; site 1 = 6.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pmokit.sources import m365
from pmokit.workspace import signals

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "workspace"


@pytest.fixture
def sites():
    return m365.read_site_usage(FIX / "sites_15col.csv")


@pytest.fixture
def staff():
    return m365.read_staff_list(FIX / "staff.csv")


@pytest.fixture
def flagged(sites, staff):
    return signals.flag_sites(sites, staff).set_index("site_url")


def url(letter: str) -> str:
    return f"https://t.sharepoint.com/sites/{letter}"


class TestFlagSites:
    def test_deleted_sites_left_out(self, flagged):
        assert url("d") not in flagged.index and len(flagged) == 5

    def test_inactive_threshold_is_inclusive(self, flagged):
        # site b: 90 days idle >= 90 -> inactive; site e: 89 days -> active; site c: never used.
        assert flagged.loc[url("b"), "days_idle"] == 90
        assert flagged.loc[url("e"), "days_idle"] == 89
        assert flagged["inactive"].to_dict() == {
            url("a"): False,
            url("b"): True,
            url("c"): True,
            url("e"): False,
            url("f"): False,
        }
        assert flagged["never_active"].sum() == 1 and flagged.loc[url("c"), "never_active"]

    def test_threshold_parameter(self, sites, staff):
        # With 89 days, site e (89 days idle) becomes inactive too: b, c, e.
        out = signals.flag_sites(sites, staff, inactive_after_days=89)
        assert out.loc[out["inactive"], "site_url"].tolist() == [url("b"), url("c"), url("e")]

    def test_as_of_moves_the_clock(self, sites, staff):
        # One week later site e has been idle 96 days: inactive.
        out = signals.flag_sites(sites, staff, as_of="2026-12-03").set_index("site_url")
        assert out.loc[url("e"), "days_idle"] == 96 and out.loc[url("e"), "inactive"]

    def test_owners(self, flagged):
        assert flagged.loc[flagged["ownerless"]].index.tolist() == [url("c")]
        assert flagged.loc[flagged["owner_left"]].index.tolist() == [url("b")]  # BOB@t.com on the list: Left
        assert flagged.loc[flagged["owner_unknown"]].index.tolist() == [url("f")]  # frank is on no list
        assert flagged.loc[url("a"), "department"] == "Finance"  # Ann@T.com matched case-insensitively

    def test_without_staff_list_no_owner_left(self, sites):
        out = signals.flag_sites(sites)
        assert not out["owner_left"].any() and not out["owner_unknown"].any()
        assert out["ownerless"].sum() == 1

    def test_storage(self, flagged):
        # site b: 50 GB of 60 GB = 83.3% >= 80 -> hotspot; site e: 150 GB >= 100 GB -> large.
        assert flagged.loc[url("b"), "used_pct"] == pytest.approx(100 * 50 / 60)
        assert flagged.loc[flagged["storage_over_warn"]].index.tolist() == [url("b")]
        assert flagged.loc[flagged["large"]].index.tolist() == [url("e")]
        assert flagged.loc[url("e"), "used_gb"] == pytest.approx(150)

    def test_storage_warn_parameter(self, sites, staff):
        # At 84% site b (83.3%) is no longer a hotspot.
        out = signals.flag_sites(sites, staff, storage_warn_pct=84)
        assert not out["storage_over_warn"].any()

    def test_concealed_owner_never_unknown(self, staff):
        concealed = m365.read_site_usage(FIX / "sites_23col_concealed.csv")
        out = signals.flag_sites(concealed, staff)
        assert not out["owner_unknown"].any()
        # links: site 11 has 3 anonymous links, site 12 has 2 guest links; site 14 is deleted.
        assert out["anonymous_links_on"].tolist() == [True, False, False]
        assert out["guest_links_on"].tolist() == [False, True, False]


class TestSummaries:
    def test_template_family(self):
        got = signals.template_family(pd.Series(["GROUP", "Team Site", "STS", "Team Channel", "Wiki"]))
        assert got.tolist() == [
            "Group-connected team site",
            "Team site (no group)",
            "Team site (no group)",
            "Teams channel site",
            "Other: Wiki",
        ]

    def test_template_summary(self, flagged):
        table = signals.template_summary(flagged.reset_index()).set_index("Template")
        # Group: sites a (1 GB) + f (1 GB) = 2 GB; channel: e 150 GB; team site: b 50 GB; comm: c 0.
        assert table["Sites"].to_dict() == {
            "Teams channel site": 1,
            "Team site (no group)": 1,
            "Group-connected team site": 2,
            "Communication site": 1,
        }
        assert table.loc["Group-connected team site", "Storage used (GB)"] == pytest.approx(2)
        assert table.index[0] == "Teams channel site"  # largest storage first
        # share: 150 / (1 + 50 + 0 + 150 + 1) = 150 / 202
        assert table.loc["Teams channel site", "Share of storage"] == pytest.approx(150 / 202)
        assert table.loc["Team site (no group)", "Inactive"] == 1

    def test_storage_hotspots(self, flagged):
        hot = signals.storage_hotspots(flagged.reset_index(), top=1)
        # largest: e (150 GB); above warning: b (83%).
        assert hot["Site"].tolist() == [url("e"), url("b")]
        assert hot["Why listed"].tolist() == ["largest", "above warning"]

    def test_sharing_absent_in_classic_layout(self, flagged):
        assert signals.sharing_summary(flagged.reset_index()) is None

    def test_sharing_in_newer_layout(self):
        concealed = signals.flag_sites(m365.read_site_usage(FIX / "sites_23col_concealed.csv"))
        table = signals.sharing_summary(concealed)
        assert table["Anonymous links"].tolist() == [3, 0] and table["Guest links"].tolist() == [0, 2]


class TestTeamsReview:
    def test_inactive_and_guests(self):
        teams = m365.read_teams_activity(FIX / "teams_activity.csv")
        review = signals.teams_review(teams)
        # Alpha: active, no guests -> out. Beta: 148 days idle (Jul 1 -> Nov 26: 30+31+30+31+26) and
        # 3 guests. Gamma: never used. Delta: active with 2 guests. Old: deleted -> out.
        assert review["Team"].tolist() == ["Beta", "Gamma", "Delta"]
        assert review["Why listed"].tolist() == ["inactive; guests", "never used", "guests"]
        assert review["Days idle"].iloc[0] == 148
