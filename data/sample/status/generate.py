"""Write the status deck's sample inputs (seeded, reproducible): run from anywhere with
``python data/sample/status/generate.py``.

- ``raid_log.csv``: a SharePoint list export ("Export to CSV": UTF-8 with BOM, display-name headers,
  US dates M/D/YYYY, choice columns like ``4 - High``) of 40 rows. It holds on purpose one unknown
  type ("Opportunity") and one unparseable due date ("TBC"). Titles are ordinary text: the XSS probes
  live in ``tests/test_injection.py``, which puts them into a copy of this log (rows 110 and 121).
- ``milestones.csv``: 12 milestones of the five workstreams the other sample workbooks cover.
- ``previous_run/``: last week's status run folder (period ending 2026-11-20) as this workbook writes
  it: ``metrics.json``, ``run.json`` and the snapshots ``raid_snapshot.csv``,
  ``milestones_snapshot.csv``, ``workbook_metrics.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
PERIOD_END = dt.date(2026, 11, 27)
PREVIOUS_END = dt.date(2026, 11, 20)
LEVELS = ["1 - Very Low", "2 - Low", "3 - Medium", "4 - High", "5 - Very High"]
OWNERS = ["Priya Natarajan", "Tom Becker", "Aisha Khan", "Lukas Meyer", "Sofia García", "Jean Dupont"]
WORKSTREAMS = ["Device rollout", "Device compliance", "Employee survey", "Delivery", "Workspace hygiene"]

# (type, workstream, title, mitigation); statuses and dates are drawn below with the seed.
ITEMS = [
    (
        "Risk",
        "Device rollout",
        "Hardware delivery for wave 3 delayed by supplier allocation",
        "Order buffer stock; re-plan wave 3 sites",
    ),
    (
        "Risk",
        "Device rollout",
        "Field technicians unavailable during December change freeze",
        "Book contractors for January",
    ),
    (
        "Risk",
        "Device rollout",
        "Legacy line-of-business app fails on Windows 11",
        "Compatibility test in pilot; vendor ticket open",
    ),
    (
        "Risk",
        "Device compliance",
        "BitLocker escrow fails on older firmware",
        "Firmware update campaign before enforcement",
    ),
    (
        "Risk",
        "Device compliance",
        "Conditional access enforcement locks out field staff",
        "Staged enforcement with grace period",
    ),
    ("Risk", "Employee survey", "Response rate below 50% in operations", "Manager reminders; survey on shift tablets"),
    ("Risk", "Employee survey", "Small teams identifiable in breakdowns", "Minimum group size 5 enforced"),
    ("Risk", "Delivery", "Key developer leaving in Q1", "Pairing and documentation sprint"),
    ("Risk", "Delivery", "Scope creep on the portal project", "Change control board weekly"),
    (
        "Risk",
        "Delivery",
        "Integration test environment shared with the payments team",
        "Book environment slots",
    ),
    (
        "Risk",
        "Workspace hygiene",
        "Owners of inactive sites do not respond",
        "Escalate to department heads after 14 days",
    ),
    ("Risk", "Workspace hygiene", "Deleting sites breaks retention obligations", "Records team review before deletion"),
    ("Risk", "Device rollout", "Budget approval for 2027 refresh not in time", "Pre-approval paper to the board"),
    ("Assumption", "Device rollout", "Sites are ready on their ready date", ""),
    ("Assumption", "Device compliance", "Exceptions register is complete", ""),
    ("Assumption", "Delivery", "Team capacity stays at 3 squads", ""),
    ("Assumption", "Employee survey", "HR headcount file is current", ""),
    ("Issue", "Device rollout", "Imaging server out of disk space", "Storage extended; monitoring added"),
    ("Issue", "Device compliance", "Graph export job times out for large tenants", "Split export by OS"),
    ("Issue", "Delivery", "CI pipeline flaky on the release branch", "Quarantine flaky tests"),
    (
        "Issue",
        "Workspace hygiene",
        "Usage report shows concealed names",
        "Ask tenant admin to disable concealment",
    ),
    ("Issue", "Employee survey", "Forms export has merged question headers", "Reader maps columns"),
    ("Issue", "Device rollout", "Two sites missing network drawings", "Site survey booked"),
    ("Decision", "Device rollout", "Approve weekend working for wave 2", ""),
    ("Decision", "Device compliance", "Enforce minimum OS version from January", ""),
    ("Decision", "Workspace hygiene", "Archive or delete sites inactive for a year", ""),
    ("Decision", "Delivery", "Move the portal go-live to February", ""),
    ("Action", "Device rollout", "Confirm wave 3 delivery dates with supplier", ""),
    ("Action", "Device rollout", "Send pilot feedback survey", ""),
    ("Action", "Device compliance", "Publish exception process on the intranet", ""),
    ("Action", "Device compliance", "Chase owners of 40 stale devices", ""),
    ("Action", "Employee survey", "Share results with department heads", ""),
    ("Action", "Employee survey", "Draft action plan for lowest-scoring items", ""),
    ("Action", "Delivery", "Update the release calendar", ""),
    ("Action", "Delivery", "Run backlog refinement for Q1", ""),
    ("Action", "Workspace hygiene", "Mail owners of the top 20 storage hotspots", ""),
    ("Action", "Workspace hygiene", "Agree site lifecycle policy with legal", ""),
    ("Action", "Device rollout", "Order spare docking stations", ""),
]

MILESTONES = [
    ("Pilot wave complete", "Device rollout", "2026-10-16", "2026-10-23", "2026-10-23", "Complete"),
    ("Wave 1 complete", "Device rollout", "2026-11-13", "2026-11-20", "2026-11-20", "Complete"),
    ("Wave 2 complete", "Device rollout", "2026-12-11", "2026-12-23", "", "At risk"),
    ("Wave 3 complete", "Device rollout", "2027-01-29", "2027-02-19", "", "At risk"),
    ("Compliance policy enforced", "Device compliance", "2026-11-02", "2026-11-02", "2026-11-02", "Complete"),
    ("Compliance at 95%", "Device compliance", "2026-12-18", "2026-12-18", "", "On track"),
    ("Survey closed", "Employee survey", "2026-11-06", "2026-11-06", "2026-11-06", "Complete"),
    ("Results shared with departments", "Employee survey", "2026-11-27", "2026-12-04", "", "Late"),
    ("Portal release 2.0", "Delivery", "2026-12-04", "2026-12-04", "", "On track"),
    ("Portal go-live", "Delivery", "2027-01-15", "2027-02-05", "", "At risk"),
    ("Inactive sites archived", "Workspace hygiene", "2026-12-31", "2026-12-31", "", "On track"),
    ("Site lifecycle policy approved", "Workspace hygiene", "2026-11-20", "", "", "Not started"),
]
# Last week's forecasts of the milestones that moved since (name -> forecast on 2026-11-20).
PREVIOUS_FORECASTS = {
    "Wave 3 complete": "2027-02-05",
    "Portal go-live": "2027-01-22",
    "Results shared with departments": "2026-11-27",
}

PREVIOUS_METRICS = [  # (workbook, metric, value) as recorded by last week's runs
    ("rollout_plan", "spi", "0.97"),
    ("rollout_plan", "percent_complete", "18.0"),
    ("rollout_plan", "sites", "48"),
    ("compliance_report", "compliance_pct", "86.4"),
    ("compliance_report", "sla_breaches", "12"),
    ("compliance_report", "stale_devices", "41"),
    ("survey_analysis", "responses", "412"),
    ("survey_analysis", "response_rate_pct", "64.2"),
    ("survey_analysis", "favourability_pct", "71.0"),
    ("survey_analysis", "enps", "12.0"),
    ("delivery_kpis", "throughput_per_week", "21.5"),
    ("delivery_kpis", "wip", "37"),
    ("delivery_kpis", "cycle_time_p85_days", "14.0"),
    ("delivery_kpis", "forecast_p85_date", "2027-02-12"),
    ("delivery_kpis", "rag", "Amber"),
    ("workspace_hygiene", "queue_size", "61"),
    ("workspace_hygiene", "inactive_sites", "140"),
]


def us(day: dt.date | None) -> str:
    """SharePoint's CSV export in an en-US site: M/D/YYYY."""
    return f"{day.month}/{day.day}/{day.year}" if day else ""


def raid_rows(rng: random.Random) -> list[dict]:
    rows = []
    for n, (kind, stream, title, mitigation) in enumerate(ITEMS, start=1):
        raised = PERIOD_END - dt.timedelta(days=rng.randint(0, 70))
        due = raised + dt.timedelta(days=rng.randint(7, 60))
        closed_share = {"Risk": 0.2, "Assumption": 0.3, "Issue": 0.35, "Decision": 0.3, "Action": 0.35}[kind]
        closed = rng.random() < closed_share and raised < PERIOD_END - dt.timedelta(days=7)
        closed_on = min(PERIOD_END, raised + dt.timedelta(days=rng.randint(3, 30))) if closed else None
        status = (
            {
                "Risk": "Closed",
                "Assumption": "Validated",
                "Issue": "Resolved",
                "Decision": "Decided",
                "Action": "Completed",
            }[kind]
            if closed
            else rng.choice(["Open", "In Progress", "Open"])
        )
        if kind == "Assumption" and closed:
            status = "Closed"
        rows.append(
            {
                "ID": str(100 + n),
                "Title": title,
                "Item Type": kind,
                "Workstream": stream,
                "Owner": rng.choice(OWNERS),
                "Date Raised": us(raised),
                "Due Date": us(due),
                "Status": status,
                "Probability": rng.choice(LEVELS[:4]) if kind == "Risk" else "",
                "Impact": rng.choice(LEVELS[1:]) if kind == "Risk" else "",
                "Mitigation": mitigation,
                "Date Closed": us(closed_on),
            }
        )
    # Pinned cases the report must show: one item raised on the status date (sets the default
    # period_end), a top risk, an unknown type and an unparseable date.
    rows[0].update({"Probability": "5 - Very High", "Impact": "4 - High", "Status": "Open", "Date Closed": ""})
    rows[27].update(
        {
            "Date Raised": us(PERIOD_END),
            "Due Date": us(PERIOD_END + dt.timedelta(days=7)),
            "Status": "Open",
            "Date Closed": "",
        }
    )
    rows[9].update(
        {"Probability": "4 - High", "Impact": "4 - High", "Status": "Open", "Date Closed": ""}
    )  # a top risk, open (tests/test_injection.py puts a probe in its title)
    rows[20].update({"Status": "Open", "Date Closed": ""})  # an open issue (a probe in tests/test_injection.py)
    rows[11].update(
        {
            "Status": "Closed",
            "Date Closed": us(PERIOD_END - dt.timedelta(days=2)),
            "Date Raised": us(PERIOD_END - dt.timedelta(days=40)),
        }
    )  # closed this week
    rows[28].update({"Due Date": us(PERIOD_END - dt.timedelta(days=12)), "Status": "In Progress", "Date Closed": ""})
    rows.append(
        {
            "ID": "139",
            "Title": "Reuse pilot images for kiosks",
            "Item Type": "Opportunity",
            "Workstream": "Device rollout",
            "Owner": OWNERS[0],
            "Date Raised": us(PERIOD_END - dt.timedelta(days=3)),
            "Due Date": "",
            "Status": "Open",
            "Probability": "",
            "Impact": "",
            "Mitigation": "",
            "Date Closed": "",
        }
    )
    rows.append(
        {
            "ID": "140",
            "Title": "Agree Teams retention with records team",
            "Item Type": "Action",
            "Workstream": "Workspace hygiene",
            "Owner": OWNERS[4],
            "Date Raised": us(PERIOD_END - dt.timedelta(days=2)),
            "Due Date": "TBC",
            "Status": "Open",
            "Probability": "",
            "Impact": "",
            "Mitigation": "",
            "Date Closed": "",
        }
    )
    return rows


def write_csv(path: Path, rows: list[dict], bom: bool = True) -> None:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def parse_us(text: str) -> str:
    try:
        m, d, y = (int(x) for x in text.split("/"))
    except ValueError:
        return ""
    return dt.date(y, m, d).isoformat()


def previous_raid(rows: list[dict]) -> list[dict]:
    """Last week's canonical snapshot: items raised by 2026-11-20; items closed since were open."""
    kinds = {"Risk", "Assumption", "Issue", "Decision", "Action"}
    out = []
    for row in rows:
        raised = parse_us(row["Date Raised"])
        if row["Item Type"] not in kinds or not raised or raised > PREVIOUS_END.isoformat():
            continue
        closed = parse_us(row["Date Closed"])
        still_open = not closed or closed > PREVIOUS_END.isoformat()
        out.append(
            {
                "id": row["ID"],
                "type": row["Item Type"],
                "title": row["Title"],
                "owner": row["Owner"],
                "raised": raised,
                "due": parse_us(row["Due Date"]),
                "status": "Open" if still_open else row["Status"],
                "probability": "",
                "impact": "",
                "mitigation": row["Mitigation"],
                "workstream": row["Workstream"],
                "closed": "" if still_open else closed,
                "open": str(still_open),
            }
        )
    # An item that was deleted from the log this week: the deck lists it as closed ('removed').
    out.append(
        {
            "id": "099",
            "type": "Risk",
            "title": "Old VPN concentrator end of support",
            "owner": OWNERS[1],
            "raised": "2026-09-01",
            "due": "2026-11-30",
            "status": "Open",
            "probability": "3",
            "impact": "3",
            "mitigation": "Replaced in October",
            "workstream": "Device rollout",
            "closed": "",
            "open": "True",
        }
    )
    return out


def main() -> None:
    rng = random.Random(20261127)
    rows = raid_rows(rng)
    write_csv(HERE / "raid_log.csv", rows)
    write_csv(
        HERE / "milestones.csv",
        [
            {"Milestone": m, "Workstream": w, "Baseline Date": b, "Forecast Date": f, "Actual Date": a, "Status": s}
            for m, w, b, f, a, s in MILESTONES
        ],
    )

    prev = HERE / "previous_run"
    prev.mkdir(exist_ok=True)
    write_csv(prev / "raid_snapshot.csv", previous_raid(rows), bom=False)
    ms = []
    for m, w, b, f, a, s in MILESTONES:
        if a and a > PREVIOUS_END.isoformat():
            a, s = "", "On track"
        ms.append(
            {
                "milestone": m,
                "workstream": w,
                "baseline": b,
                "forecast": PREVIOUS_FORECASTS.get(m, f),
                "actual": a,
                "status": s,
            }
        )
    write_csv(prev / "milestones_snapshot.csv", ms, bom=False)
    own = [
        ("status", "overall_rag", "amber"),
        ("status", "open_risks", "12"),
        ("status", "overdue_actions", "3"),
        ("status", "milestones_slipped", "4"),
        ("status", "high_risks", "3"),
        ("status", "decisions_needed", "3"),
    ]
    write_csv(
        prev / "workbook_metrics.csv",
        [{"workbook": w, "metric": k, "value": v} for w, k, v in PREVIOUS_METRICS + own],
        bom=False,
    )
    metrics = {
        "title": "Weekly portfolio status",
        "verdict": "Portfolio AMBER: device rollout behind plan.",
        "period_end": PREVIOUS_END.isoformat(),
        **{k: (v if k == "overall_rag" else int(v)) for _, k, v in own},
    }
    (prev / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    run = {
        "workbook": "status_deck",
        "params": {"period_end": PREVIOUS_END.isoformat()},
        "status": "succeeded",
        "start": "2026-11-20T16:02:11+00:00",
        "end": "2026-11-20T16:02:19+00:00",
        "duration": 8.0,
        "error": None,
    }
    (prev / "run.json").write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
