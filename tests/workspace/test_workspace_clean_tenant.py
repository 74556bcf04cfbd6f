"""A tenant with nothing to fix, sites named in Japanese and with ``$``: the report says why each chart is
absent and carries nothing of the Python process (tests/report_scan.py)."""

from __future__ import annotations

import pytest
import yaml
from report_scan import report_problems

pytestmark = pytest.mark.e2e

HEADER = (
    "Report Refresh Date,Site Id,Site URL,Owner Display Name,Is Deleted,Last Activity Date,File Count,"
    "Active File Count,Page View Count,Visited Page Count,Storage Used (Byte),Storage Allocated (Byte),"
    "Root Web Template,Owner Principal Name,Report Period,Site Sensitivity Label Id,External Sharing,"
    "Unmanaged Device Policy,Geo Location,Anonymous Link Count,Company Link Count,Secure Link For Guest Count,"
    "Secure Link For Member Count"
)


def _healthy_sites() -> str:
    """Two live sites, both owned, active 5 days before the refresh date, small, with no external link:
    the shape of a small, well-kept tenant (the 23-column export of the admin centre)."""
    rows = [
        "2026-11-26,11111111-0000-0000-0000-000000000001,https://contoso.sharepoint.com/sites/tokyo,"
        "東京チーム,False,2026-11-21,10,5,20,4,1073741824,27487790694400,Group,tokyo@contoso.com,30,,"
        "Disabled,Allow full access,JPN,0,1,0,0",
        "2026-11-26,11111111-0000-0000-0000-000000000002,https://contoso.sharepoint.com/sites/pay,"
        "Team $$ pay,False,2026-11-21,10,5,20,4,2147483648,27487790694400,Communication Site,pay@contoso.com,30,,"
        "Disabled,Allow full access,EUR,0,1,0,0",
    ]
    return "\ufeff" + HEADER + "\n" + "\n".join(rows) + "\n"


def test_empty_queue_reads_as_a_reason(tmp_path):
    from pmokit import cli

    folder = tmp_path / "workspace_hygiene"
    folder.mkdir()
    (folder / "sites.csv").write_text(_healthy_sites(), encoding="utf-8")
    params = folder / "clean.yaml"
    params.write_text(yaml.safe_dump({"sites_path": "sites.csv", "title": "Hygiene of Cost $\\foo$ x"}), "utf-8")
    out = tmp_path / "out"
    assert cli.main(["run", "-q", "--out", str(out), str(params)]) == 0
    run = out / "workspace_hygiene" / "clean"
    page = (run / "report.html").read_text(encoding="utf-8")
    # 2 sites, each owned, 5 days idle (< 90), 1-2 GB (< 100 GB, < 80 % of 25 TB), no link: no signal
    assert "Nothing to show: no live site has a signal: the remediation queue is empty" in page
    assert not (run / "headline.png").exists()  # no chart of zero bars for the deck
    assert (run / "storage_by_template.png").exists() and (run / "inactive_sites.png").exists()  # 2 live sites
    assert "Hygiene of Cost $\\foo$ x" in page
    assert report_problems(run) == []
