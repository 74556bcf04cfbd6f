"""Workspace hygiene method notes: each metric's note is that metric's own definition (issue 14).

Readers saw the notes shifted by one row from ``never_active_sites`` on (each definition beside the next
metric's name). The fixture is the 15-column SharePoint site-usage export of tests/fixtures/workspace
(5 live sites, one deleted, with a staff list, last run's queue and a Teams export), run through
:func:`pmokit.workspace.assess.assess`; the notes are then rendered as the report shows them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pmokit import report
from pmokit.sources import m365
from pmokit.workspace import assess as wa
from pmokit.workspace.params import WorkspaceHygieneParams
from pmokit.workspace.summary import metric_definitions

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "workspace"
SITES = FIX / "sites_15col.csv"

#: Words that only the right definition contains, written by hand from each metric's meaning.
MEANINGS = {
    "sites": "Is Deleted is False",
    "deleted_sites": "Is Deleted is True",
    "inactive_sites": "90+ days",
    "never_active_sites": "empty Last Activity Date",
    "ownerless_sites": "no owner",
    "owner_left_sites": "owner has left",
    "ownerless_or_owner_left_sites": "each site counted once",
    "owner_unknown_sites": "not on the staff list at all",
    "concealed_sites": "conceals",
    "storage_used_tb": "binary TB",
    "storage_hotspots": "80% of their Storage Allocated",
    "large_sites": "100 GB",
    "queue_size": "queue score above 0",
    "queue_share": "as a fraction",
    "queue_share_pct": "100 x queue_size",
    "queue_new": "queued now but not in last run",
    "queue_still_open": "queued now and in last run",
    "queue_fixed_since_last": "not queued now",
    "queue_previous_size": "queue_still_open + queue_fixed_since_last",
    "queue_change": "minus queue_previous_size",
}


@pytest.fixture(scope="module")
def notes() -> dict[str, str]:
    """Method notes of a run with every optional input."""
    result = wa.assess(
        m365.read_site_usage(SITES),
        WorkspaceHygieneParams(sites_path=str(SITES)),
        staff=m365.read_staff_list(FIX / "staff.csv"),
        previous=m365.read_previous_queue(FIX / "previous_queue.csv"),
        teams=m365.read_teams_activity(FIX / "teams_activity.csv"),
    )
    return result.notes


def test_each_metric_note_states_its_own_meaning(notes: dict[str, str]) -> None:
    for name, words in MEANINGS.items():
        assert words in notes[f"metrics.json: {name}"], name


def test_the_note_after_never_active_is_not_the_never_active_definition(notes: dict[str, str]) -> None:
    # the reported shift put "empty Last Activity Date" beside ownerless_sites
    assert "empty Last Activity Date" not in notes["metrics.json: ownerless_sites"]
    assert "no owner" not in notes["metrics.json: never_active_sites"]


def test_no_definition_missing_or_duplicated(notes: dict[str, str]) -> None:
    metric_notes = {k: v for k, v in notes.items() if k.startswith("metrics.json: ")}
    texts = list(metric_notes.values())
    assert len(texts) == len(set(texts))  # one definition per metric, none shown twice
    assert all(text.strip() for text in texts)
    defined = metric_definitions(inactive_after_days=90, storage_warn_pct=80, large_site_gb=100)
    assert set(MEANINGS) <= set(defined)


def test_rendered_definition_list_pairs_term_and_definition(notes: dict[str, str], monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(report, "_display_html", shown.append)
    report.notes(notes)
    pairs = re.findall(r"<dt><strong>(.*?)</strong></dt><dd>(.*?)</dd>", shown[0])
    assert len(pairs) == len(notes)  # every term has exactly one definition after it
    rendered = dict(pairs)
    assert "empty Last Activity Date" in rendered["metrics.json: never_active_sites"]
    assert "no owner" in rendered["metrics.json: ownerless_sites"]
