"""The workspace-hygiene assessment: figures, colours, sections and method notes, worked out by hand.

On the fixtures (see test_workspace_signals.py and test_workspace_queue.py): 5 live sites (site 4 is
deleted), queue b, c, f, e (4 sites); last run's queue b, d, a, z: 3 fixed, 3 new, 1 still open.
Teams (``teams_activity.csv``, refresh 2026-11-26): Alpha active, Beta 148 days idle with 3 guests,
Gamma never used, Delta active with 2 guests, Old deleted.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pmokit import report, workbooks
from pmokit.bands import Band
from pmokit.sources import m365
from pmokit.workspace import assess as wa
from pmokit.workspace.params import WorkspaceHygieneParams
from pmokit.workspace.signals import GB, flag_teams, teams_metrics, teams_review

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "workspace"
SITES = FIX / "sites_15col.csv"


def params(**values) -> WorkspaceHygieneParams:
    return WorkspaceHygieneParams(sites_path=str(SITES), **values)


@pytest.fixture(scope="module")
def full():
    """Every optional input given, action sheets per owner."""
    return wa.assess(
        m365.read_site_usage(SITES),
        params(sheets_by="owner"),
        staff=m365.read_staff_list(FIX / "staff.csv"),
        previous=m365.read_previous_queue(FIX / "previous_queue.csv"),
        teams=m365.read_teams_activity(FIX / "teams_activity.csv"),
    )


@pytest.fixture(scope="module")
def bare():
    """Only the required site export."""
    return wa.assess(m365.read_site_usage(SITES), params())


class TestOnFixtures:
    def test_metrics(self, full):
        m = full.metrics
        assert (m["sites"], m["queue_size"], m["queue_fixed_since_last"]) == (5, 4, 3)
        assert m["queue_share_pct"] == 80.0  # 4 of 5 live sites
        assert m["storage_used_tb"] == pytest.approx(0.197)  # 202 GB / 1024
        assert m["as_of"] == "2026-11-26"  # the export's refresh date

    def test_teams_counted_from_the_data(self, full):
        # live teams: Alpha, Beta, Gamma, Delta (Old is deleted) = 4;
        # inactive: Beta (148 days) and Gamma (never used) = 2; with guests: Beta (3), Delta (2) = 2
        assert (full.metrics["teams"], full.metrics["inactive_teams"], full.metrics["teams_with_guests"]) == (4, 2, 2)
        assert full.teams_list["Team"].tolist() == ["Beta", "Gamma", "Delta"]

    def test_verdict_and_colour(self, full):
        # 80% of live sites queued, above the red threshold of 25%
        assert full.rating.rag == "red" and full.ratings["queue_share_pct"].rag == "red"
        assert full.verdict.startswith("4 of 5 live sites (80%) need an owner")
        recorded = full.recorded_metrics()
        assert recorded["queue_share_pct_rag"] == recorded["verdict_rag"] == "red"

    def test_queue_tile_carries_the_rating(self, full):
        tile = next(t for t in full.tiles if t.label == "Remediation queue")
        assert tile.value == "4" and tile.rag is full.ratings["queue_share_pct"]
        assert tile.note.endswith("3 fixed, 3 new since last run")

    def test_missing_link_counts_are_null_not_text(self, full):
        # 15-column layout: no link counts; None (JSON null, shown "—"), never "n/a"/"nan"
        assert full.metrics["anonymous_link_sites"] is None and full.metrics["guest_link_sites"] is None
        assert next(t for t in full.tiles if t.label == "Sites with anonymous links").value == "—"
        assert full.sharing is None and "15-column layout" in full.why_empty["sharing"]
        for value in full.recorded_metrics().values():
            assert value is None or str(value) not in {"nan", "None", "NaT", "n/a"}

    def test_sections(self, full):
        # ownership: b (owner left, rank 1), c (no owner, rank 2), f (owner not on staff list, rank 3)
        assert full.ownership["Rank"].tolist() == [1, 2, 3]
        # trend rows that changed: 3 new + 3 fixed
        assert sorted(full.trend_changes["Status"].value_counts().items()) == [("fixed", 3), ("new", 3)]
        assert list(full.sheets)[:3] == ["Queue", "Trend", "Owners"]
        assert full.texts["teams"] == "3 of 4 live teams are inactive or have guests."
        assert "trend" not in full.why_empty and "teams" not in full.why_empty

    def test_workbook_neutralises_formulas(self, full, tmp_path):
        path = report.write_excel("remediation_queue.xlsx", full.sheets, directory=tmp_path)
        book = openpyxl.load_workbook(path)
        owners = [row[4].value for row in book["Queue"].iter_rows(min_row=2)]
        assert '\'=HYPERLINK("http://x","y")' in owners


class TestOptionalInputs:
    def test_sections_say_why_they_are_empty(self, bare):
        assert bare.trend is None and bare.teams_list is None
        assert "previous_path" in bare.why_empty["trend"] and "teams_path" in bare.why_empty["teams"]
        assert "owner-left not checked" in bare.texts["ownership"]

    def test_metrics_are_null(self, bare):
        m = bare.metrics
        assert m["queue_fixed_since_last"] is None and m["teams"] is None and m["inactive_teams"] is None
        # Without a staff list no owner can have left; b is still inactive and over its storage warning
        assert m["owner_left_sites"] == 0

    def test_defaults_of_optional_inputs_are_none(self):
        fields = WorkspaceHygieneParams.model_fields
        assert all(fields[name].default is None for name in ("owners_path", "previous_path", "teams_path"))


class TestTeamsMetrics:
    def test_hand_made_teams(self):
        teams = pd.DataFrame(
            {
                "team_name": ["A", "B", "C", "D", "E"],
                "team_type": ["Private"] * 5,
                "is_deleted": [False, False, False, False, True],
                "last_activity": pd.to_datetime(["2026-11-20", "2026-08-28", None, "2026-08-29", "2020-01-01"]),
                "refresh_date": pd.to_datetime(["2026-11-26"] * 5),
                "guests": pd.array([0, 0, 1, pd.NA, 5], "Int64"),
                "active_users": pd.array([1] * 5, "Int64"),
                "active_external_users": pd.array([0] * 5, "Int64"),
            }
        )
        flagged = flag_teams(teams, inactive_after_days=90)
        # E deleted; B idle 90 days (inclusive) -> inactive; C never used -> inactive and 1 guest;
        # D idle 89 days -> active, guests unknown -> none; A active.
        assert teams_metrics(flagged) == {"teams": 4, "inactive_teams": 2, "teams_with_guests": 1}
        # The display column is words for readers only; the counts above never read it.
        # both inactive, so the one with more guests (C) comes first
        assert teams_review(flagged)["Why listed"].tolist() == ["never used; guests", "inactive"]


def _sites(live: int, queued: int, deleted: int = 0) -> pd.DataFrame:
    """A canonical site table: ``queued`` ownerless sites (score 5), the rest owned and active."""
    n = live + deleted
    owned = [i >= queued for i in range(n)]
    frame = pd.DataFrame(
        {
            "site_id": [f"s{i:05d}" for i in range(n)],
            "site_url": [f"https://t/sites/{i}" for i in range(n)],
            "site": [f"https://t/sites/{i}" for i in range(n)],
            "owner_name": ["Owner" if o else "" for o in owned],
            "owner_upn": ["o@t.com" if o else "" for o in owned],
            "owner_key": ["o@t.com" if o else "" for o in owned],
            "concealed": [False] * n,
            "is_deleted": [i >= live for i in range(n)],
            "last_activity": pd.to_datetime(["2026-11-20"] * n),
            "refresh_date": pd.to_datetime(["2026-11-26"] * n),
            "template": ["Group"] * n,
            "storage_used": [float(GB)] * n,
            "storage_allocated": [1000.0 * GB] * n,
            "report_period": ["30"] * n,
            "external_sharing": [""] * n,
            "layout": ["15-column"] * n,
            "file": ["x.csv"] * n,
        }
    )
    for col in ["file_count", "active_file_count", "page_views", "visited_pages"]:
        frame[col] = pd.array([0] * n, "Int64")
    for col in ["anonymous_links", "company_links", "guest_links", "member_links"]:
        frame[col] = pd.array([pd.NA] * n, "Int64")
    frame["sensitivity_label"] = ""
    frame["geo_location"] = ""
    return frame[m365.SHAREPOINT_SITE_COLUMNS]


class TestBandSweep:
    """The colour of the queue's share in the rating, the tile, the verdict and the recorded
    ``queue_share_pct_rag`` (what the deck shows) equals the band's colour of the same value."""

    BAND: Band = wa.bands(None)["queue_share_pct"]

    @pytest.mark.parametrize(
        "queued,share",
        # 1000 live sites: 99 -> 9.9% (below amber 10), 100 -> 10% (at), 101 -> 10.1% (above);
        # 249 -> 24.9% (below red 25), 250 -> 25% (at), 251 -> 25.1% (above)
        [(99, 9.9), (100, 10.0), (101, 10.1), (249, 24.9), (250, 25.0), (251, 25.1)],
    )
    def test_sweep(self, queued, share):
        result = wa.assess(_sites(1000, queued), params())
        assert result.metrics["queue_share_pct"] == share
        expected = self.BAND.rate(share).rag
        tile = next(t for t in result.tiles if t.label == "Remediation queue")
        recorded = result.recorded_metrics()
        assert result.ratings["queue_share_pct"].rag == tile.rag.rag == result.rating.rag == expected
        assert recorded["queue_share_pct_rag"] == recorded["verdict_rag"] == expected
        assert expected == {9.9: "green", 10.0: "green", 10.1: "amber", 24.9: "amber", 25.0: "amber"}.get(share, "red")

    def test_no_live_site_is_grey(self):
        result = wa.assess(_sites(0, 0, deleted=3), params())
        assert result.metrics["queue_share_pct"] is None
        assert result.rating.rag == result.ratings["queue_share_pct"].rag == "grey"
        assert self.BAND.rate(None).rag == "grey"

    def test_empty_queue_is_done(self):
        result = wa.assess(_sites(20, 0), params())
        assert result.metrics["queue_size"] == 0 and result.rating.rag == "done"
        assert "queue" in result.why_empty

    def test_deck_rule_names_the_rated_metric(self):
        wb = workbooks.get("workspace_hygiene")
        assert [(r.workstream, r.dimension, r.metric) for r in wb.deck] == [
            ("Workspace hygiene", "scope", "queue_share_pct")
        ]
        assert wb.default_bands() == wa.bands(None)


class TestMethodNotes:
    def test_every_metric_defined_under_its_own_name(self, full):
        notes = full.notes
        for name in full.recorded_metrics():
            assert f"metrics.json: {name}" in notes, name
        # each definition is paired with its own metric (not shifted by a row)
        expected = {
            "sites": "Is Deleted is False",
            "deleted_sites": "Is Deleted is True",
            "inactive_sites": "90+ days",
            "never_active_sites": "empty Last Activity Date",
            "ownerless_sites": "no owner",
            "owner_left_sites": "owner has left",
            "ownerless_or_owner_left_sites": "each site counted once",
            "owner_unknown_sites": "not on the staff list",
            "concealed_sites": "conceals",
            "storage_used_tb": "TB",
            "storage_hotspots": "80%",
            "large_sites": "100 GB",
            "anonymous_link_sites": "Anonymous Link Count",
            "guest_link_sites": "Guest Count",
            "queue_share_pct": "100 x queue_size / sites",
            "queue_new": "not in last run",
            "queue_fixed_since_last": "not queued now",
            "inactive_teams": "Live teams whose Last Activity Date",
            "teams_with_guests": "Guests > 0",
        }
        for name, phrase in expected.items():
            assert phrase in notes[f"metrics.json: {name}"], name

    def test_threshold_sentence_from_the_band(self, full):
        assert full.notes["Colour of Share of live sites in the queue"] == (
            "Share of live sites in the queue: green at 10% or less, amber above 10% up to 25%, red above 25%."
        )
