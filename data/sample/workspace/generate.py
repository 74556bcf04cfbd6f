"""Write the workspace-hygiene sample: ~400 SharePoint sites, a staff list and last week's queue.

Run from the project root with the project's Python (seeded: the same files every time)::

    .venv/bin/python data/sample/workspace/generate.py

Files written beside this script:

- ``sharepoint_site_usage.csv``: SharePoint site usage detail in the newer 23-column layout, UTF-8
  with a BOM, ``True``/``False`` flags, empty ``Last Activity Date`` for never-used sites. Two idle
  sites with anonymous links (rows 7 and 8) rank high in the queue: ``tests/test_injection.py`` puts
  the XSS probes into their owner names in a copy. Five live rows are concealed (blank URL, 32-hex
  hashed owner) so the report's concealed-names paragraph shows on the sample.
- ``staff.csv``: the current staff list (UPN, display name, department, Active/Left).
- ``teams_team_activity.csv``: Teams team activity detail, one team per group-connected site
  (column order from Microsoft's documentation; no real export was available: unverified).
- ``previous_queue.xlsx``: last week's ``remediation_queue.xlsx``, computed with pmokit from the
  same sites as they were a week earlier (some links since removed, owners since replaced, sites
  since deleted), so the trend shows new, still-open and fixed items.

The values of ``External Sharing`` and ``Unmanaged Device Policy`` are the SharePoint admin centre's
labels: no real export with those columns was available (unverified).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from pmokit import report
from pmokit.workspace import build_queue, flag_sites

HERE = Path(__file__).resolve().parent
SEED = 20261126
REFRESH = dt.date(2026, 11, 26)
N_SITES = 400
N_STAFF = 140
QUOTA_25TB = 25 * 1024**4
GIB = 1024**3

HEADER = [
    "Report Refresh Date",
    "Site Id",
    "Site URL",
    "Owner Display Name",
    "Is Deleted",
    "Last Activity Date",
    "File Count",
    "Active File Count",
    "Page View Count",
    "Visited Page Count",
    "Storage Used (Byte)",
    "Storage Allocated (Byte)",
    "Root Web Template",
    "Owner Principal Name",
    "Report Period",
    "Site Sensitivity Label Id",
    "External Sharing",
    "Unmanaged Device Policy",
    "Geo Location",
    "Anonymous Link Count",
    "Company Link Count",
    "Secure Link For Guest Count",
    "Secure Link For Member Count",
]
FIRST = [
    "Ann",
    "Ben",
    "Chloé",
    "Dev",
    "Eva",
    "Finn",
    "Grace",
    "Hiro",
    "Ines",
    "Jon",
    "Kemi",
    "Lars",
    "Mia",
    "Nils",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vik",
    "Wen",
    "Xavi",
    "Yara",
    "Zoë",
]
LAST = [
    "Adams",
    "Berg",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "García",
    "Hansen",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lund",
    "Müller",
    "Nakamura",
    "O'Brien",
    "Patel",
    "Quist",
    "Rossi",
    "Singh",
    "Tanaka",
    "Ångström",
]
DEPARTMENTS = ["Finance", "HR", "IT", "Marketing", "Operations", "PMO", "Sales", "Legal"]
TOPICS = [
    "budget",
    "onboarding",
    "roadmap",
    "vendor",
    "audit",
    "campaign",
    "helpdesk",
    "migration",
    "policy",
    "training",
    "crm",
    "erp",
    "intranet",
    "payroll",
    "risk",
    "sprint",
    "release",
    "events",
    "brand",
    "data",
]
TEMPLATES = ["Group", "Team Site", "Communication Site", "Team Channel", "Publishing Site"]
SHARING = ["Anyone", "New and existing guests", "Existing guests", "Only people in your organization"]
DEVICE = ["Allow full access", "Allow limited, web-only access", "Block access"]


def guid(rng: np.random.Generator) -> str:
    """A random (seeded) version-4 GUID, as Microsoft writes site and team ids."""
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


def make_staff(rng: np.random.Generator) -> pd.DataFrame:
    """The staff list: ~10% have left (their accounts still own sites)."""
    rows, seen = [], set()
    while len(rows) < N_STAFF:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        upn = f"{first}.{last}".lower().replace("'", "")
        upn = upn.translate(str.maketrans("éëåüíö", "eeauio")) + "@contoso.com"
        if upn in seen:
            continue
        seen.add(upn)
        status = "Left" if rng.random() < 0.07 else "Active"
        rows.append(
            {
                "User Principal Name": upn,
                "Display Name": f"{first} {last}",
                "Department": str(rng.choice(DEPARTMENTS)),
                "Status": status,
            }
        )
    return pd.DataFrame(rows)


def make_sites(rng: np.random.Generator, staff: pd.DataFrame) -> pd.DataFrame:
    """This week's sites, as canonical-ish columns (written out by :func:`write_export`)."""
    n = N_SITES
    owner_idx = rng.integers(0, len(staff), n)
    template = rng.choice(TEMPLATES, n, p=[0.55, 0.15, 0.20, 0.07, 0.03])
    age = rng.choice(4, n, p=[0.60, 0.20, 0.12, 0.08])  # recent, 30-90 d, older, never
    idle = np.select(
        [age == 0, age == 1, age == 2], [rng.integers(0, 30, n), rng.integers(30, 90, n), rng.integers(90, 700, n)], -1
    )
    used = np.exp(rng.normal(np.log(2.0 * GIB), 1.6, n)).round()
    used[idle == -1] = rng.integers(0, 5 * 1024**2, int((idle == -1).sum()))
    quota = np.where(rng.random(n) < 0.12, rng.choice([50, 100, 250, 1024], n) * GIB, QUOTA_25TB)
    sharing = rng.choice(SHARING, n, p=[0.15, 0.35, 0.25, 0.25])
    anon = np.where((sharing == "Anyone") & (rng.random(n) < 0.45), rng.integers(1, 40, n), 0)
    guests_allowed = sharing != "Only people in your organization"
    guest = np.where(guests_allowed & (rng.random(n) < 0.10), rng.integers(1, 25, n), 0)
    names = [f"{rng.choice(TOPICS)}-{rng.choice(TOPICS)}-{i:03d}" for i in range(n)]
    sites = pd.DataFrame(
        {
            "site_id": [guid(rng) for _ in range(n)],
            "site_url": [f"https://contoso.sharepoint.com/sites/{name}" for name in names],
            "owner_name": staff["Display Name"].to_numpy()[owner_idx],
            "owner_upn": staff["User Principal Name"].to_numpy()[owner_idx],
            "is_deleted": rng.random(n) < 0.02,
            "idle": idle,
            "files": rng.integers(0, 6000, n),
            "views": rng.integers(0, 3000, n),
            "used": used,
            "quota": quota,
            "template": template,
            "sharing": sharing,
            "anon": anon,
            "guest": guest,
            "company": rng.integers(0, 60, n),
            "member": rng.integers(0, 30, n),
            "label": np.where(rng.random(n) < 0.3, [guid(rng) for _ in range(n)], ""),
            "device": rng.choice(DEVICE, n, p=[0.7, 0.25, 0.05]),
            "geo": rng.choice(["EUR", "NAM"], n, p=[0.7, 0.3]),
        }
    )
    # Some sites have lost their owner (blank owner) and some custom quotas run nearly full.
    ownerless = rng.random(n) < 0.04
    sites.loc[ownerless, ["owner_name", "owner_upn"]] = ""
    # A few owners are on no staff list: a contractor's and a service account.
    outsiders = rng.choice(np.flatnonzero(~ownerless), 6, replace=False)
    sites.loc[outsiders[:4], ["owner_name", "owner_upn"]] = ["Kim Contractor", "kim.contractor@contoso.com"]
    sites.loc[outsiders[4:], ["owner_name", "owner_upn"]] = ["SharePoint Service", "svc-sharepoint@contoso.com"]
    full = (sites["quota"] < QUOTA_25TB) & (rng.random(n) < 0.5)
    sites.loc[full, "used"] = (sites.loc[full, "quota"] * rng.uniform(0.8, 0.99, int(full.sum()))).round()
    # Two idle sites with anonymous links rank high, so their owners' names are shown (the injection
    # tests put their probes there).
    for i in (7, 8):
        sites.loc[i, ["owner_name", "owner_upn", "idle", "is_deleted", "sharing", "anon"]] = [
            staff["Display Name"].iloc[i],
            staff["User Principal Name"].iloc[i],
            200 + i,
            False,
            "Anyone",
            5,
        ]
    conceal(sites)
    return sites


def conceal(sites: pd.DataFrame, count: int = 5) -> None:
    """Write a few rows as a tenant that conceals names does: blank URL, owner name and UPN as 32-hex hashes.

    A tenant conceals every row or none; a few rows are enough to show the report's concealed-names
    paragraph and note on the sample. The hash is derived from the UPN (no random draw), so the rest
    of the sample stays as it was; rows 7 and 8 (shown high in the queue) and ownerless rows are left alone.
    """
    live = (~sites["is_deleted"]) & (sites["owner_upn"] != "")
    rows = [i for i in sites.index[live] if i >= 30][:count]
    for i in rows:
        digest = hashlib.md5(str(sites.at[i, "owner_upn"]).encode()).hexdigest().upper()
        sites.loc[i, ["site_url", "owner_name", "owner_upn"]] = ["", digest, digest]


def last_week(rng: np.random.Generator, sites: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    """The same sites a week earlier, with problems that were fixed during the week put back."""
    prev = sites.copy()
    # Seen from a week earlier, activity is 7 days more recent; this week's activity did not exist
    # yet, so those sites were last used some time before.
    this_week = ((sites["idle"] >= 0) & (sites["idle"] < 7)).to_numpy()
    prev["idle"] = np.where(sites["idle"] >= 7, sites["idle"] - 7, sites["idle"])
    prev.loc[this_week, "idle"] = rng.integers(0, 40, int(this_week.sum()))
    live = ~sites["is_deleted"]
    clean = live & (sites["anon"] == 0) & (sites["idle"].between(0, 60)) & (sites["owner_upn"] != "")
    pick = rng.permutation(np.flatnonzero(clean.to_numpy()))
    prev.loc[pick[:10], "anon"] = rng.integers(1, 10, 10)  # anonymous links removed since
    left = staff.loc[staff["Status"] == "Left"].reset_index(drop=True)
    idx = pick[10:14]
    who = left.iloc[rng.integers(0, len(left), len(idx))]
    prev.loc[idx, "owner_name"] = who["Display Name"].to_numpy()  # owner replaced since
    prev.loc[idx, "owner_upn"] = who["User Principal Name"].to_numpy()
    # Six inactive sites were deleted during the week.
    stale = np.flatnonzero((live & (sites["idle"] > 300)).to_numpy())[:6]
    sites.loc[stale, "is_deleted"] = True
    # Five sites gained anonymous links this week (new in the queue).
    fresh = pick[14:19]
    sites.loc[fresh, "anon"] = rng.integers(1, 6, len(fresh))
    return prev


def export_rows(sites: pd.DataFrame, refresh: dt.date) -> list[list[str]]:
    """Rows of the 23-column export as Microsoft writes them (ISO dates, True/False, bytes)."""
    rows = []
    for s in sites.itertuples():
        last = "" if s.idle < 0 else (refresh - dt.timedelta(days=int(s.idle))).isoformat()
        files = 0 if s.idle < 0 else int(s.files)
        rows.append(
            [
                refresh.isoformat(),
                s.site_id,
                s.site_url,
                s.owner_name,
                "True" if s.is_deleted else "False",
                last,
                str(files),
                str(files // 7 if s.idle < 30 and s.idle >= 0 else 0),
                str(int(s.views) if s.idle >= 0 else 0),
                str(int(s.views) // 4 if s.idle >= 0 else 0),
                str(int(s.used)),
                str(int(s.quota)),
                s.template,
                s.owner_upn,
                "30",
                s.label,
                s.sharing,
                s.device,
                s.geo,
                str(int(s.anon)),
                str(int(s.company)),
                str(int(s.guest)),
                str(int(s.member)),
            ]
        )
    return rows


def write_export(path: Path, sites: pd.DataFrame, refresh: dt.date) -> None:
    """Write a UTF-8-with-BOM CSV as the admin centre does."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(export_rows(sites, refresh))
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


TEAMS_HEADER = [
    "Report Refresh Date",
    "Team Id",
    "Team Name",
    "Team Type",
    "Last Activity Date",
    "Report Period",
    "Active Users",
    "Active Channels",
    "Guests",
    "Reply Messages",
    "Post Messages",
    "Channel Messages",
    "Urgent Messages",
    "Reactions",
    "Mentions",
    "Meetings Organized",
    "Active External Users",
    "Active Shared Channels",
    "Is Deleted",
]


def write_teams(rng: np.random.Generator, path: Path, sites: pd.DataFrame, refresh: dt.date) -> int:
    """One team per live group-connected site; activity close to the site's, guests on some."""
    groups = sites.loc[(sites["template"] == "Group") & ~sites["is_deleted"]]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEAMS_HEADER)
    for s in groups.itertuples():
        idle = -1 if s.idle < 0 else int(s.idle) + int(rng.integers(0, 5))
        last = "" if idle < 0 else (refresh - dt.timedelta(days=idle)).isoformat()
        users = 0 if idle < 0 or idle > 30 else int(rng.integers(1, 40))
        guests = int(rng.integers(1, 8)) if rng.random() < 0.15 else 0
        messages = [int(rng.integers(0, 200)) if users else 0 for _ in range(3)]
        name = (
            s.site_url.rsplit("/", 1)[-1].replace("-", " ").title()
            if s.site_url
            else hashlib.md5(s.site_id.encode()).hexdigest().upper()
        )  # concealed: hashed team name
        writer.writerow(
            [
                refresh.isoformat(),
                guid(rng),
                name,
                str(rng.choice(["Private", "Public"], p=[0.7, 0.3])),
                last,
                "30",
                users,
                int(rng.integers(1, 6)) if users else 0,
                guests,
                *messages,
                0,
                int(rng.integers(0, 50)) if users else 0,
                int(rng.integers(0, 20)) if users else 0,
                int(rng.integers(0, 10)) if users else 0,
                min(guests, users),
                0,
                "False",
            ]
        )
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return len(groups)


def main() -> None:
    from pmokit.sources.m365 import read_site_usage, read_staff_list

    rng = np.random.default_rng(SEED)
    staff = make_staff(rng)
    sites = make_sites(rng, staff)
    prev = last_week(rng, sites, staff)
    staff.to_csv(HERE / "staff.csv", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    write_export(HERE / "sharepoint_site_usage.csv", sites, REFRESH)
    teams = write_teams(rng, HERE / "teams_team_activity.csv", sites, REFRESH)

    # Last week's queue, made exactly as the workbook makes it, from last week's export.
    prev_path = HERE / "_previous_export.csv"
    write_export(prev_path, prev, REFRESH - dt.timedelta(days=7))
    try:
        flagged = flag_sites(read_site_usage(prev_path), read_staff_list(HERE / "staff.csv"))
    finally:
        prev_path.unlink()
    queue = build_queue(flagged).drop(columns=["owner_key", "signals"])
    report.write_excel("previous_queue.xlsx", {"Queue": queue}, directory=HERE)
    print(f"{len(sites)} sites, {teams} teams, {len(staff)} staff, {len(queue)} sites in last week's queue")


if __name__ == "__main__":
    main()
