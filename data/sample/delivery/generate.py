"""Write the delivery sample exports: a Jira Cloud CSV and a Trello board JSON (seeded, reproducible).

Run from the project root: ``.venv/bin/python data/sample/delivery/generate.py``.

The Jira file copies the real Cloud export layout (``../shared/samples/jira_cloud_export.csv``):
UTF-8 BOM, the same header order, ``Labels`` x3 and ``Sprint`` x3 repeated columns, two columns
named ``Custom field (Vulnerability)``, dates like ``22/Apr/26 7:56 AM``, multi-line descriptions.
Work flows through To Do -> In Progress -> In Review -> Done with log-normal cycle times, in three
projects over about nine months (about 1,500 issues); epics carry the milestone due dates (some finished
late, one open past its due date); a few rows carry the defects real exports have (reopened items with
a Resolved date, a Done item without one, missing estimates) and the two oldest
WIP summaries are pinned to plain titles (the injection probes live in tests/test_injection.py).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 20261127
END = pd.Timestamp("2026-11-27 17:30")  # the export was taken on this Friday afternoon
START = pd.Timestamp("2026-02-23 09:00")  # a Monday, about nine months before END
#: Plain titles for the two oldest WIP issues and Trello cards 7 and 8 (injection tests: tests/test_injection.py).
PINNED_SUMMARIES = ["in the leave request form", "in the payment notes field"]
PINNED_CARDS = ["for the holiday closure", "on the login page"]

HEADER = (
    [
        "Summary",
        "Issue key",
        "Issue id",
        "Issue Type",
        "Status",
        "Project key",
        "Project name",
        "Project type",
        "Project lead",
        "Project lead id",
        "Project description",
        "Priority",
        "Resolution",
        "Assignee",
        "Assignee Id",
        "Reporter",
        "Reporter Id",
        "Creator",
        "Creator Id",
        "Created",
        "Updated",
        "Last Viewed",
        "Resolved",
        "Due date",
        "Votes",
    ]
    + ["Labels"] * 3
    + [
        "Description",
        "Environment",
        "Watchers",
        "Watchers Id",
        "Original estimate",
        "Remaining Estimate",
        "Time Spent",
        "Work Ratio",
        "Σ Original Estimate",
        "Σ Remaining Estimate",
        "Σ Time Spent",
        "Security Level",
        "Custom field (Development)",
        "Custom field (Issue color)",
        "Custom field (Rank)",
    ]
    + ["Sprint"] * 3
    + [
        "Custom field (Start date)",
        "Custom field (Story point estimate)",
        "Custom field (Team)",
        "Custom field (Vulnerability)",
        "Custom field (Vulnerability)",
        "Comment",
        "Parent",
        "Parent key",
        "Parent summary",
        "Status Category",
        "Status Category Changed",
    ]
)

# key, name, lead, weekly arrival rate, median cycle days, epics (milestones) as
# (title, due-date offset from END in days, finished offset from END in days or None while open).
# 16 + 12 + 10 = 38 arrivals a week over ~39.6 weeks: about 1,500 issues.
PROJECTS = [
    (
        "PAY",
        "Payments Platform",
        "Amira Haddad",
        16.0,
        5.0,
        [("Card onboarding", -120, -106), ("Card tokenisation", 21, None), ("Refund API v2", 70, None)],
    ),
    (
        "HRP",
        "HR Portal Revamp",
        "Jonas Berg",
        12.0,
        6.5,
        [("Leave policy import", -30, None), ("Self-service leave", 14, None), ("Payslip viewer", 28, None)],
    ),
    (
        "NET",
        "Network Refresh",
        "Priya Natarajan",
        10.0,
        4.0,
        [("Core router swap", -90, -95), ("Branch switches", 120, None), ("Wi-Fi survey", 150, None)],
    ),
]
PEOPLE = [
    "Amira Haddad",
    "Jonas Berg",
    "Priya Natarajan",
    "Tomás Ruiz",
    "Chen Wei",
    "Fatou Diallo",
    "Olga Ivanova",
    "Sam O'Neill",
    "Léa Martin",
    "Kwame Mensah",
]
VERBS = ["Add", "Fix", "Refactor", "Document", "Migrate", "Automate", "Review", "Test", "Configure", "Remove"]
THINGS = [
    "login flow",
    "audit log",
    "currency rounding",
    "VPN profile",
    "leave request form",
    "approval e-mail",
    "SAML metadata",
    "switch firmware",
    "payslip PDF",
    "rate limiter",
    "error page",
    "API pagination",
    "backup job",
    "DHCP scope",
    "search index",
    "mobile layout",
    "CSV import",
    "access review",
]
LABELS = ["backend", "frontend", "security", "tech-debt", "customer", "infra", "ux", "compliance"]


def jira_date(ts: pd.Timestamp) -> str:
    """Jira's default CSV date: ``22/Apr/26 7:56 AM`` (hour without a leading zero)."""
    return f"{ts:%d/%b/%y} {int(ts.strftime('%I'))}:{ts:%M %p}"


def account(name: str) -> str:
    """A stable Atlassian-style account id (hashlib, not hash(): that one changes per process)."""
    digest = hashlib.sha1(name.encode()).hexdigest()
    return f"712020:{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


def work_hours(ts: pd.Timestamp, rng: np.random.Generator) -> pd.Timestamp:
    """Move a time into office hours on a weekday (people rarely move tickets at 3 a.m.)."""
    ts = ts.normalize() + pd.Timedelta(minutes=int(rng.integers(8 * 60 + 30, 18 * 60)))
    while ts.weekday() >= 5:
        ts += pd.Timedelta(days=1)
    return ts


def sprint_names(key: str, start: pd.Timestamp, end: pd.Timestamp) -> list[str]:
    """Two-week sprints from START; an item worked across several sprints lists each one."""
    first = (start - START).days // 14
    last = (min(end, END) - START).days // 14
    return [f"{key} Sprint {n + 1}" for n in range(max(first, 0), max(last, 0) + 1)][-3:]


def make_issues(rng: np.random.Generator) -> list[dict]:
    issues, issue_id = [], 10400
    for key, name, lead, rate, median, epics in PROJECTS:
        number = 0
        epic_keys = []
        for title, due_offset, done_offset in epics:
            number += 1
            issue_id += 1
            created = work_hours(START + pd.Timedelta(days=int(rng.integers(0, 20))), rng)
            done = None if done_offset is None else work_hours(END + pd.Timedelta(days=done_offset), rng)
            epic_keys.append((f"{key}-{number}", title, done))
            issues.append(
                {
                    "key": f"{key}-{number}",
                    "id": issue_id,
                    "type": "Epic",
                    "summary": title,
                    "project": key,
                    "project_name": name,
                    "lead": lead,
                    "created": created,
                    "start": created + pd.Timedelta(days=3),
                    "done": done,
                    "status": "In Progress" if done is None else "Done",
                    "due": (END + pd.Timedelta(days=due_offset)).normalize(),
                    "parent": None,
                    "points": None,
                    "labels": [],
                    "assignee": lead,
                }
            )
        week = START.normalize()
        while week < END:
            # arrivals grow a little over time, as scope does in real projects
            arrivals = rng.poisson(rate * (0.8 + 0.4 * (week - START).days / (END - START).days))
            for _ in range(arrivals):
                number += 1
                issue_id += 1
                created = work_hours(week + pd.Timedelta(days=float(rng.uniform(0, 7))), rng)
                if created >= END:
                    continue
                issues.append(make_issue(rng, key, name, lead, number, issue_id, created, median, epic_keys))
            week += pd.Timedelta(days=7)
    return issues


def make_issue(rng, key, name, lead, number, issue_id, created, median, epic_keys) -> dict:
    kind = rng.choice(["Story", "Task", "Bug", "Subtask"], p=[0.45, 0.3, 0.2, 0.05])
    wait = float(rng.exponential(9.0))
    start = work_hours(created + pd.Timedelta(days=wait), rng)
    cycle = float(rng.lognormal(np.log(median), 0.75))
    done = work_hours(start + pd.Timedelta(days=cycle), rng)
    if done < start:
        done = start + pd.Timedelta(hours=2)
    started = start <= END
    finished = done <= END
    status = (
        "Done"
        if finished
        else ("In Review" if started and rng.random() < 0.35 else "In Progress" if started else "To Do")
    )
    # new work goes under a milestone that is still open when the item is created
    open_epics = [e for e in epic_keys if e[2] is None or e[2] > created] or epic_keys
    epic, epic_title, _ = open_epics[int(rng.integers(0, len(open_epics)))]
    has_due = rng.random() < 0.12
    return {
        "key": f"{key}-{number}",
        "id": issue_id,
        "type": str(kind),
        "summary": f"{rng.choice(VERBS)} {rng.choice(THINGS)}",
        "project": key,
        "project_name": name,
        "lead": lead,
        "created": created,
        "start": start if started else None,
        "done": done if finished else None,
        "status": status,
        "due": (created + pd.Timedelta(days=int(rng.integers(10, 40)))).normalize() if has_due else None,
        "parent": (epic, epic_title),
        "points": None if kind in ("Bug", "Subtask") or rng.random() < 0.15 else float(rng.choice([1, 2, 3, 5, 8, 13])),
        "labels": list(rng.choice(LABELS, size=int(rng.integers(0, 4)), replace=False)),
        "assignee": str(rng.choice(PEOPLE)) if started or rng.random() < 0.3 else None,
    }


def plant_quirks(issues: list[dict], rng: np.random.Generator) -> None:
    """Real exports have these: reopened items keeping Resolved, Done without Resolved (and two pinned old WIP titles)."""
    wip = sorted(
        [i for i in issues if i["type"] != "Epic" and i["status"] in ("In Progress", "In Review")],
        key=lambda i: i["start"],
    )
    for issue, detail in zip(
        wip[:2], PINNED_SUMMARIES
    ):  # the two oldest WIP items: shown in the aging and overdue tables
        issue["summary"] = f"Sanitise pasted text {detail}"
        issue["due"] = (issue["start"] + pd.Timedelta(days=10)).normalize()
    done = [i for i in issues if i["status"] == "Done"]
    for issue in done[5:7]:  # reopened after review: status back in progress, Resolved kept
        issue["status"], issue["reopened"] = "In Progress", True
    done[10]["no_resolved"] = True  # a workflow without a resolution screen


def to_rows(issues: list[dict], rng: np.random.Generator) -> list[list[str]]:
    by_key = {i["key"]: i for i in issues}
    rows = []
    for issue in sorted(issues, key=lambda i: i["id"], reverse=True):  # Jira lists newest first
        category = {"Done": "Done", "To Do": "To Do"}.get(issue["status"], "In Progress")
        resolved = issue["done"] if (issue["done"] is not None and not issue.get("no_resolved")) else None
        changed = (
            issue["done"] if category == "Done" else issue["start"] if category == "In Progress" else issue["created"]
        )
        if issue.get("reopened"):
            changed = issue["done"] + pd.Timedelta(days=1)
        sprints = (
            sprint_names(issue["project"], issue["start"], issue["done"] or END)
            if issue["start"] is not None and issue["type"] != "Epic"
            else []
        )
        updated = max(t for t in (issue["created"], issue["start"], issue["done"]) if t is not None and t <= END)
        labels = issue["labels"] + [""] * (3 - len(issue["labels"]))
        sprints = sprints + [""] * (3 - len(sprints))
        parent = issue["parent"]
        person = issue["assignee"] or ""
        points = f"{issue['points']:.1f}" if issue["points"] else ""
        description = (
            (
                f"h3. Context\n{issue['summary']} for the {issue['project_name']} team.\n\n"
                f"*Acceptance criteria*\n# works on staging\n# documented in Confluence"
            )
            if rng.random() < 0.7
            else ""
        )
        comment = (
            f"{jira_date(updated)};{account(person or issue['lead'])};Moved on after stand-up."
            if rng.random() < 0.3
            else ""
        )
        rows.append(
            [
                issue["summary"],
                issue["key"],
                str(issue["id"]),
                issue["type"],
                issue["status"],
                issue["project"],
                issue["project_name"],
                "software",
                issue["lead"],
                account(issue["lead"]),
                "",
                "Medium" if rng.random() < 0.7 else "High",
                "Done" if resolved is not None else "",
                person,
                account(person) if person else "",
                issue["lead"],
                account(issue["lead"]),
                issue["lead"],
                account(issue["lead"]),
                jira_date(issue["created"]),
                jira_date(updated),
                "",
                jira_date(resolved) if resolved is not None else "",
                jira_date(issue["due"]) if issue["due"] is not None else "",
                "0",
                *labels,
                description,
                "",
                person,
                account(person) if person else "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "{}",
                "purple" if issue["type"] == "Epic" else "",
                f"0|i00{issue['id'] % 997:03d}:",
                *sprints,
                "",
                points,
                "",
                "",
                "",
                comment,
                str(by_key[parent[0]]["id"]) if parent else "",
                parent[0] if parent else "",
                parent[1] if parent else "",
                category,
                jira_date(changed),
            ]
        )
    return rows


def write_jira(path: Path, rng: np.random.Generator) -> int:
    issues = make_issues(rng)
    plant_quirks(issues, rng)
    rows = to_rows(issues, rng)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(codecs.BOM_UTF8.decode("utf-8"))
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return len(rows)


# ------------------------------------------------------------------------------------------ Trello
def object_id(ts: pd.Timestamp, rng: np.random.Generator) -> str:
    """A Trello/MongoDB id: 8 hex digits of Unix time, then 16 random hex digits."""
    return format(int(ts.timestamp()), "08x") + "".join(rng.choice(list("0123456789abcdef"), size=16))


def write_trello(path: Path, rng: np.random.Generator) -> int:
    start = pd.Timestamp("2026-08-03 09:00")
    board_id = object_id(start, rng)
    list_names = ["Backlog", "Ready", "Doing", "Review", "Done"]
    lists = [
        {"id": object_id(start, rng), "name": n, "closed": False, "idBoard": board_id, "pos": 1024 * (k + 1)}
        for k, n in enumerate(list_names)
    ]
    members = [{"id": object_id(start, rng), "fullName": n, "username": n.split()[0].lower()} for n in PEOPLE[:5]]
    labels = [
        {"id": object_id(start, rng), "idBoard": board_id, "name": n, "color": c}
        for n, c in zip(["Intranet", "Bug", "Content", "Urgent"], ["green", "red", "blue", "orange"])
    ]
    cards, actions = [], []
    creator = {"id": members[0]["id"], "fullName": members[0]["fullName"]}
    for n in range(1, 91):
        created = work_hours(start + pd.Timedelta(days=float(rng.uniform(0, 110))), rng)
        if created >= END:
            continue
        card_id = object_id(created, rng)
        moves, t = [], created
        for target in (1, 2, 3, 4):
            t = work_hours(t + pd.Timedelta(days=float(rng.exponential(3.0 if target > 1 else 14.0))), rng)
            if t > END or (target > 2 and (n in (7, 8) or rng.random() < 0.08)):
                break  # still in the list it reached (cards 7 and 8 stay in Doing)
            moves.append((target, t))
        card_name = (
            f"{rng.choice(VERBS)} {rng.choice(THINGS)}" if n not in (7, 8) else f"Intranet banner {PINNED_CARDS[n - 7]}"
        )
        short = {"id": card_id, "name": card_name, "idShort": n, "shortLink": card_id[-8:]}
        actions.append(
            {
                "id": object_id(created, rng),
                "type": "createCard",
                "date": created.isoformat(timespec="milliseconds") + "Z",
                "data": {"card": short, "list": {"id": lists[0]["id"], "name": "Backlog"}, "board": {"id": board_id}},
                "memberCreator": creator,
            }
        )
        before, t = 0, created
        for after, t in moves:
            actions.append(
                {
                    "id": object_id(t, rng),
                    "type": "updateCard",
                    "date": t.isoformat(timespec="milliseconds") + "Z",
                    "data": {
                        "card": {**short, "idList": lists[after]["id"]},
                        "old": {"idList": lists[before]["id"]},
                        "listBefore": {"id": lists[before]["id"], "name": list_names[before]},
                        "listAfter": {"id": lists[after]["id"], "name": list_names[after]},
                        "board": {"id": board_id},
                    },
                    "memberCreator": creator,
                }
            )
            before = after
        final = before
        cards.append(
            {
                "id": card_id,
                "name": card_name,
                "idShort": n,
                "shortLink": card_id[-8:],
                "idList": lists[final]["id"],
                "closed": bool(n == 13 and final < 4),
                "dateLastActivity": t.isoformat(timespec="milliseconds") + "Z",
                "due": (created + pd.Timedelta(days=21)).normalize().isoformat() + ".000Z" if n % 6 == 0 else None,
                "dueComplete": final == 4,
                "idMembers": [members[n % 5]["id"]] if final >= 2 else [],
                "idLabels": [labels[n % 4]["id"]],
                "labels": [labels[n % 4]],
                "desc": "",
                "idChecklists": [],
            }
        )
    actions.sort(key=lambda a: a["date"], reverse=True)  # Trello exports newest first
    board = {
        "id": board_id,
        "name": "Intranet Refresh",
        "desc": "",
        "closed": False,
        "url": "https://trello.com/b/sample",
        "lists": lists,
        "cards": cards,
        "labels": labels,
        "members": members,
        "checklists": [],
        "actions": actions,
        "customFields": [],
    }
    path.write_text(json.dumps(board, indent=1, ensure_ascii=False), encoding="utf-8")
    return len(cards)


def main() -> None:
    rng = np.random.default_rng(SEED)
    n_jira = write_jira(HERE / "jira_cloud.csv", rng)
    n_trello = write_trello(HERE / "trello_board.json", rng)
    print(f"jira_cloud.csv: {n_jira} issues; trello_board.json: {n_trello} cards")


if __name__ == "__main__":
    main()
