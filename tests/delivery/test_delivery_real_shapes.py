"""Issue 13, delivery: the shapes of real exports that made the report state wrong verdicts.

One hand-made fixture per defect class, built here from a few lines (never a copy of a real export);
each test's docstring describes the real-world shape it reproduces. Every expected figure is worked
out by hand in a comment.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import pytest
import yaml

from pmokit import workbooks
from pmokit.delivery import assess, figures, stages, summary
from pmokit.quality import DataQuality
from pmokit.sources.work_item_schema import empty_transitions, finish_items
from pmokit.sources.work_items import read_work_items

MODEL = workbooks.get("delivery_kpis").params
AS_OF = "2026-03-15"  # a Sunday: the ISO week of Mon 9 - Sun 15 March is complete


# ----------------------------------------------------------------------------- fixture builders
def _oid(moment: str, n: int) -> str:
    """A Trello (MongoDB) id: 8 hex digits of Unix seconds, then 16 of a counter."""
    return f"{int(pd.Timestamp(moment).timestamp()):08x}{n:016x}"


def trello_board(name: str, lists: dict[str, str], cards: list[dict]) -> dict:
    """A board export: ``lists`` maps list id -> name; each card gives its list, archived flag and moves.

    A card is ``{"n": 1, "list": "L2", "closed": False, "created": iso, "moves": [(iso, from_id, to_id)]}``;
    it is created on the list of its first move's source (else its own list) and ends on ``list``.
    """
    actions, out_cards = [], []
    for card in cards:
        cid = _oid(card["created"], card["n"])
        moves = card.get("moves", [])
        first_list = moves[0][1] if moves else card["list"]
        ref = {"id": cid, "idShort": card["n"], "name": f"Tarjeta {card['n']}"}
        actions.append(
            {
                "type": "createCard",
                "date": card["created"],
                "data": {"card": ref, "list": {"id": first_list, "name": lists[first_list]}},
            }
        )
        for at, before, after in moves:
            actions.append(
                {
                    "type": "updateCard",
                    "date": at,
                    "data": {
                        "card": ref,
                        "listBefore": {"id": before, "name": lists[before]},
                        "listAfter": {"id": after, "name": lists[after]},
                    },
                }
            )
        last = moves[-1][0] if moves else card["created"]
        out_cards.append(
            {
                "id": cid,
                "idShort": card["n"],
                "name": ref["name"],
                "idList": card["list"],
                "closed": card.get("closed", False),
                "dateLastActivity": last,
                "idMembers": [],
                "labels": [],
            }
        )
    actions.sort(key=lambda a: a["date"], reverse=True)  # Trello lists actions newest first
    return {
        "name": name,
        "lists": [{"id": i, "name": n, "closed": False} for i, n in lists.items()],
        "cards": out_cards,
        "actions": actions,
    }


SPANISH_LISTS = {"L1": "Por hacer", "L2": "Trabajando", "L3": "Listo", "L4": "Entregado"}


def spanish_board() -> dict:
    """Tablero Web: lists in Spanish, most finished cards archived.

    - 8 done cards, 2 a week in the weeks of 16 Feb, 23 Feb, 2 Mar and 9 Mar: each created on Monday
      09:00 in "Por hacer", moved to "Trabajando" on Tuesday 10:00 and to a done list on Thursday 15:00
      (cycle time Thursday - Tuesday + 1 = 3 days). Cards 1-4 end on "Listo" archived, 5-6 on "Entregado"
      archived, 7-8 on "Listo" not archived: 6 of the 8 done cards are archived.
    - 3 cards in progress (9-11): created Mon 9 Mar, moved to "Trabajando" Sat 14 Mar 10:00.
    - 2 cards to do (12-13), created Mon 9 Mar; card 14 archived on "Por hacer" (abandoned), created 2 Mar.
    """
    cards = []
    for k, monday in enumerate(["2026-02-16", "2026-02-23", "2026-03-02", "2026-03-09"]):
        day = pd.Timestamp(monday)
        for j in range(2):
            n = 2 * k + j + 1
            done_list = "L4" if n in (5, 6) else "L3"
            cards.append(
                {
                    "n": n,
                    "list": done_list,
                    "closed": n <= 6,
                    "created": f"{day.date()}T09:00:00.000Z",
                    "moves": [
                        (f"{(day + pd.Timedelta(days=1)).date()}T10:00:00.000Z", "L1", "L2"),
                        (f"{(day + pd.Timedelta(days=3)).date()}T15:00:00.000Z", "L2", done_list),
                    ],
                }
            )
    for n in (9, 10, 11):
        cards.append(
            {
                "n": n,
                "list": "L2",
                "created": "2026-03-09T09:00:00.000Z",
                "moves": [("2026-03-14T10:00:00.000Z", "L1", "L2")],
            }
        )
    cards += [{"n": n, "list": "L1", "created": "2026-03-09T09:00:00.000Z"} for n in (12, 13)]
    cards.append({"n": 14, "list": "L1", "closed": True, "created": "2026-03-02T09:00:00.000Z"})
    return trello_board("Tablero Web", SPANISH_LISTS, cards)


def write_json(folder: Path, name: str, data: dict) -> Path:
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


JIRA_HEADER = "Issue key,Summary,Issue Type,Status,Project key,Created,Resolved,Due date,Status Category\n"


def jira_csv(folder: Path, rows: list[tuple]) -> Path:
    """A Jira Cloud CSV (default date format) from (key, status, project, created, resolved, due, category)."""

    def when(value: str | None) -> str:
        return pd.Timestamp(value).strftime("%d/%b/%y %I:%M %p") if value else ""

    lines = [
        f"{key},Item {key},Story,{status},{project},{when(created)},{when(resolved)},{when(due)},{category}\n"
        for key, status, project, created, resolved, due, category in rows
    ]
    path = folder / "jira.csv"
    path.write_text(JIRA_HEADER + "".join(lines), encoding="utf-8")
    return path


def run_assess(path: Path, **values):
    dq = DataQuality()
    items, transitions = read_work_items(path, dq=dq)
    p = MODEL(items_path=str(path), **{"as_of": AS_OF, "monte_carlo_trials": 500, "seed": 3, **values})
    return assess.assess(items, transitions, p, dq=dq), dq.frame()


def dq_rows(frame: pd.DataFrame, problem_start: str) -> int:
    hits = frame.loc[frame["problem"].str.startswith(problem_start), "rows"]
    return int(hits.sum())


# ----------------------------------------------------------------------------- 1. list names and archived cards
class TestSpanishBoardWithArchivedCards:
    """A real Trello board whose lists are named in Spanish, with most finished cards archived.

    Before the fix the reader dropped archived cards by an English-only guess at which lists mean done,
    before ``done_statuses`` applied: 434 of 440 done cards vanished, under a data-quality line
    ("archived card not on a done list - dropped") that was false for them. Here 6 of 8 done cards are
    archived on the done lists "Listo" and "Entregado".
    """

    def test_done_statuses_decide_before_archived_cards_are_dropped(self, tmp_path):
        path = write_json(tmp_path, "tablero.json", spanish_board())
        result, quality = run_assess(
            path,
            start_statuses=["Trabajando"],
            done_statuses=["Listo", "Entregado"],
            project_due_dates={"Tablero Web": "2026-04-30"},
        )
        m = result.metrics
        # 14 cards read; only card 14 (archived on "Por hacer") is left out -> 13 items
        assert (m["items_read"], m["items"], m["items_left_out"]) == (14, 13, 1)
        # all 8 done cards count: 2 a week over the 4 full weeks 16 Feb - 15 Mar -> 2.0 a week
        assert m["done_items"] == 8 and m["throughput_per_week"] == 2.0
        assert result.throughput.tolist()[-4:] == [2, 2, 2, 2]
        # every done card took Thursday - Tuesday + 1 = 3 days
        assert (m["cycle_time_p85_days"], m["time_basis"]) == (3.0, "cycle time")
        # 3 in progress, 2 to do -> 5 remain; at a constant 2 a week: ceil(5 / 2) = 3 weeks -> 15 Mar + 21 = 5 Apr
        assert (m["wip"], m["open_items"], m["forecast_p85_date"]) == (3, 5, "2026-04-05")
        # due 30 April: P85 and P50 25 days early; WIP ages 15 - 14 + 1 = 2 days <= SLE 3 -> share 0
        assert result.outlook["evidence"].iloc[0] == (
            "P85 forecast 25 days before the due date; P50 forecast 25 days before the due date; "
            "0% of items in progress older than the SLE"
        )
        assert result.rating.rag == "green" and result.ratings["wip"].rag == "green"
        # each data-quality line is true of every row it counts: 1 dropped (card 14), 6 archived kept as done
        assert dq_rows(quality, "archived card (or card on an archived list) on a list that is not") == 1
        assert dq_rows(quality, "archived card (or card on an archived list) on a done list") == 6
        decided = result.stages.set_index("status")["decided_by"].to_dict()
        assert decided == {
            "Listo": "done_statuses",
            "Entregado": "done_statuses",
            "Trabajando": "start_statuses",
            "Por hacer": "guessed from the name",
        }
        assert result.stage_message is None and m["status_names_unrecognised"] == 0

    def test_default_settings_list_the_guesses_and_never_say_green(self, tmp_path):
        """The same board with default settings: no list name says "done" or "in progress" in words we know."""
        path = write_json(tmp_path, "tablero.json", spanish_board())
        result, quality = run_assess(path)
        stage_of = result.stages.set_index("status")["stage"].to_dict()
        assert stage_of == {"Listo": "to do", "Trabajando": "to do", "Entregado": "to do", "Por hacer": "to do"}
        # cards on each list, archived ones included: Listo 1-4, 7, 8; Por hacer 12-14; Trabajando 9-11; Entregado 5, 6
        assert result.stage_message == (
            "status names not recognised, counted as to do: 'Listo' (6 items), 'Trabajando' (3 items), "
            "'Entregado' (2 items); the other names: 'Por hacer' -> to do (guessed from the name). "
            "Set start_statuses to the names that mean work started and done_statuses to the names that mean finished."
        )
        # no done stage: the 7 archived cards (1-6, 14) are on lists that are not done stages, as the line says
        assert dq_rows(quality, "archived card (or card on an archived list) on a list that is not") == 7
        m = result.metrics
        assert (m["done_items"], m["wip"], m["status_names_unrecognised"]) == (0, 0, 3)
        # nothing finished, nothing known to be in progress: grey with the reason, never green
        assert result.rating.rag == "grey" and result.ratings["wip"].rag == "grey"
        assert "no status means in progress" in result.ratings["wip"].reason
        assert "3 status names not recognised and counted as to do" in result.verdict
        assert "set start_statuses / done_statuses" in result.verdict

    def test_check_warns_with_the_mapping(self, tmp_path):
        path = write_json(tmp_path, "tablero.json", spanish_board())
        model = MODEL(items_path=str(path))
        assert model.check_inputs() == []
        warnings = model.check_warnings()
        assert len(warnings) == 1 and warnings[0].startswith("tablero.json: status names not recognised")
        assert "'Trabajando' (3 items)" in warnings[0] and "done_statuses" in warnings[0]
        named = MODEL(items_path=str(path), start_statuses=["Trabajando"], done_statuses=["listo", "ENTREGADO"])
        assert named.check_warnings() == []

    def test_pmokit_check_prints_the_mapping_as_a_warning_and_exits_0(self, tmp_path, capsys):
        """`pmokit check` on the board: the params are valid (exit 0) but stderr names the unrecognised lists."""
        from pmokit import cli

        path = write_json(tmp_path, "tablero.json", spanish_board())
        params = tmp_path / "delivery_kpis" / "board.yaml"
        params.parent.mkdir()
        params.write_text(yaml.safe_dump({"items_path": str(path)}), encoding="utf-8")
        assert cli.main(["check", str(params)]) == 0
        err = capsys.readouterr().err.splitlines()
        warned = [line for line in err if line.startswith("warning  delivery_kpis/board: tablero.json:")]
        assert len(warned) == 1 and "'Trabajando' (3 items)" in warned[0] and "start_statuses" in warned[0]

    def test_common_spanish_names_are_recognised(self):
        """Lists named "Hecho" and "En curso" are guessed right (and still listed as guesses)."""
        cards = finish_items(
            pd.DataFrame(
                {
                    "id": ["1", "2", "3"],
                    "status": ["Hecho", "En curso", "Pendientes"],
                    "status_category": ["done", "in progress", "to do"],
                    "category_guessed": True,
                }
            )
        )
        table = stages.stage_table(cards, empty_transitions()).set_index("status")
        assert table["stage"].to_dict() == {"Hecho": "done", "En curso": "in progress", "Pendientes": "to do"}
        assert table["recognised"].all()


# ----------------------------------------------------------------------------- 2. nothing remaining
def test_all_done_with_a_past_due_date_is_done_not_red(tmp_path):
    """A Jira project closed out: every issue Done, its latest due date (25 January) long past on 15 March.

    Before the fix the forecast of nothing was the report date, compared with that due date:
    15 March - 25 January = 49 days late -> RED ("p85_days_late = 49").
    """
    rows = [
        ("A-1", "Done", "A", "2026-01-05 09:00", "2026-01-12 10:00", "2026-01-25", "Done"),
        ("A-2", "Done", "A", "2026-01-05 09:00", "2026-02-20 10:00", None, "Done"),
        ("B-1", "Done", "B", "2026-02-02 09:00", "2026-03-03 10:00", "2026-03-31", "Done"),
        ("B-2", "To Do", "B", "2026-02-02 09:00", None, None, "To Do"),
    ]
    result, _ = run_assess(jira_csv(tmp_path, rows), project_due_dates={"B": "2026-03-31"})
    by_project = result.outlook.set_index("project")
    assert (by_project.loc["A", "rag"], by_project.loc["A", "evidence"]) == ("Done", "all 2 items done")
    assert pd.isna(by_project.loc["A", "forecast_p85"])  # no forecast of nothing (shown "—")
    # B: 1 open item, not rated Done; the portfolio is not Done while B has work left
    assert by_project.loc["B", "rag"] != "Done" and result.rating.rag != "done"
    only_a, _ = run_assess(jira_csv(tmp_path, rows[:2]))
    assert only_a.rating.rag == "done" and only_a.ratings["wip"].rag == "done"
    assert only_a.verdict == "All 2 items are done: nothing remains to forecast."
    tile = next(t for t in only_a.tiles if t.label == "Forecast P85")
    assert (tile.value, tile.note) == ("nothing remains", "every item is done")


# ----------------------------------------------------------------------------- 3. no finished item
class TestNothingFinishedInTheWindow:
    """Open, overdue work and no item finished in the 12-week window (the last one closed in October).

    Before the fix the share of WIP past the SLE came out 0.0 without any SLE, so a rule on it held
    no alarm and the project could be GREEN.
    """

    ROWS = [
        ("C-1", "Done", "C", "2025-09-01 09:00", "2025-10-01 10:00", None, "Done"),
        ("C-2", "In Progress", "C", "2026-01-05 09:00", None, "2026-03-01", "In Progress"),
        ("C-3", "In Progress", "C", "2026-01-05 09:00", None, "2026-03-01", "In Progress"),
        ("C-4", "To Do", "C", "2026-01-05 09:00", None, "2026-03-01", "To Do"),
    ]

    def test_default_rules_grey_with_the_reason(self, tmp_path):
        result, _ = run_assess(jira_csv(tmp_path, self.ROWS))
        m = result.metrics
        # window 22 Dec - 15 Mar: nothing done in it; the share past the SLE is unknown, not 0
        assert (m["window_done_items"], m["aging_share"], m["cycle_time_p85_days"]) == (0, None, None)
        assert m["overdue_items"] == 3  # C-2, C-3, C-4 due 1 March, open on 15 March
        assert result.rating.rag == "grey" and result.ratings["wip"].rag == "grey"
        evidence = result.outlook["evidence"].iloc[0]
        assert (
            "missing: share of items in progress older than the SLE, P50 forecast against the due date, "
            "P85 forecast against the due date" in evidence
        )
        assert "no item was finished in the last 12 full weeks" in evidence
        assert "no item finished in the window, so no SLE to compare WIP with" in evidence
        assert result.verdict.startswith("No item finished in the history window (2025-12-22 to 2026-03-15)")
        assert (
            result.ratings["wip"].reason == "no item finished in the history window: a WIP of 2 is not evidence of flow"
        )

    def test_a_rule_set_on_aging_alone_is_grey_not_green(self, tmp_path):
        rules = [{"rag": "amber", "when": "aging_share > 0.25", "why": "stale WIP"}]
        result, _ = run_assess(jira_csv(tmp_path, self.ROWS), rag_rules=rules)
        assert result.rating.rag == "grey"
        assert result.outlook["evidence"].iloc[0] == (
            "missing: share of items in progress older than the SLE "
            "(no item finished in the window, so no SLE to compare WIP with)"
        )

    def test_a_green_rule_on_wip_still_needs_a_finished_item(self, tmp_path):
        rules = [{"rag": "green", "when": "wip < 10", "why": "small WIP"}]
        result, _ = run_assess(jira_csv(tmp_path, self.ROWS), rag_rules=rules)
        row = result.outlook.iloc[0]
        assert (row["rag"], row["rule"]) == ("Grey", "green needs a finished item")

    def test_bad_news_is_still_shown(self, tmp_path):
        rules = [{"rag": "red", "when": "overdue_items > 0", "why": "overdue work"}]
        result, _ = run_assess(jira_csv(tmp_path, self.ROWS), rag_rules=rules)
        assert result.rating.rag == "red" and "(3 overdue open items;" in result.rating.reason


# ----------------------------------------------------------------------------- 4. too little history
class TestShortHistory:
    """A board imported in one go: every item created on Tuesday 10 March, six of ten closed the same day.

    Before the fix one week was resampled into "85% likely done by ..." with P50 = P85 = P95.
    """

    ROWS = [(f"D-{i}", "Done", "D", "2026-03-10 09:00", "2026-03-10 17:00", None, "Done") for i in range(6)] + [
        (f"D-{i}", "To Do", "D", "2026-03-10 09:00", None, "2026-04-30", "To Do") for i in range(6, 10)
    ]

    def test_forecast_withheld_below_the_minimum_history(self, tmp_path):
        result, _ = run_assess(jira_csv(tmp_path, self.ROWS))
        fc = result.forecast
        # only the week of 9 March has ended since 10 March: 1 < 4 weeks
        assert fc["history_weeks"] == 1 and fc["forecast_p85_date"] is None and result.probability is None
        note = "1 full week of history since the first item was created, fewer than the 4 a forecast needs"
        assert fc["forecast_note"].startswith(note)
        assert f"no forecast ({note}" in result.verdict and "85% likely" not in result.verdict
        assert "fewer than 4 full weeks" in result.notes["Forecast"]
        assert result.rating.rag == "grey"
        # lowering the minimum is the user's explicit choice: then a forecast is made
        lowered, _ = run_assess(jira_csv(tmp_path, self.ROWS), min_history_weeks=1)
        assert lowered.forecast["forecast_p85_date"] is not None

    def test_how_many_never_exceeds_what_remains(self):
        # 13 a week for 4 weeks; 48 remain; target 4 weeks away: every trial finishes 4 x 13 = 52 > 48 -> capped
        weeks = pd.date_range("2026-02-16", periods=4, freq="7D")
        fc = summary.forecast_summary(
            pd.Series([13, 13, 13, 13], index=weeks),
            48,
            pd.Timestamp(AS_OF),
            pd.Timestamp("2026-04-12"),
            200,
            1,
        )
        assert (fc["by_target_p85"], fc["by_target_p50"], fc["by_target_capped"]) == (48, 48, True)
        # ceil(48 / 13) = 4 weeks -> 15 March + 28 days = 12 April
        assert fc["forecast_p85_date"] == "2026-04-12"
        sentence = summary.forecast_sentence(fc)
        assert "all 48 remaining items will be done with 85% confidence" in sentence
        assert "work that arrives meanwhile is not in it" in sentence and "52" not in sentence


# ----------------------------------------------------------------------------- 5. back-dated report
def test_back_dated_report_sees_the_data_as_it_was(tmp_path):
    """A board exported on 12 March, reported as of Sunday 8 March (``-p as_of=2026-03-08``).

    Card 5 was finished on 10 March (in progress on the 8th), card 6 created on 11 March, card 7 moved
    to Doing on 11 March: before the fix they counted as done, present and in progress.
    """
    lists = {"T": "To Do", "D": "Doing", "F": "Done"}

    def card(n, monday, finish=None):
        day = pd.Timestamp(monday)
        moves = [(f"{(day + pd.Timedelta(days=1)).date()}T10:00:00.000Z", "T", "D")]
        if finish:
            moves.append((f"{finish}T15:00:00.000Z", "D", "F"))
        return {"n": n, "list": "F" if finish else "D", "created": f"{day.date()}T09:00:00.000Z", "moves": moves}

    cards = [
        card(1, "2026-02-09", "2026-02-12"),
        card(2, "2026-02-16", "2026-02-19"),
        card(3, "2026-02-23", "2026-02-26"),
        card(4, "2026-03-02", "2026-03-05"),
        card(5, "2026-03-02", "2026-03-10"),
        card(6, "2026-03-10", "2026-03-12"),
        {
            "n": 7,
            "list": "D",
            "created": "2026-02-09T09:00:00.000Z",
            "moves": [("2026-03-11T10:00:00.000Z", "T", "D")],
        },
    ]
    path = write_json(tmp_path, "board.json", trello_board("Team", lists, cards))
    result, quality = run_assess(path, as_of="2026-03-08")
    m = result.metrics
    # on 8 March: cards 1-5 and 7 exist (6 items); 1-4 done, one a week in the weeks of 9, 16, 23 Feb and 2 Mar
    assert (m["items"], m["done_items"], m["throughput_per_week"]) == (6, 4, 1.0)
    assert result.throughput.tolist()[-4:] == [1, 1, 1, 1]
    # card 5 in progress (since 3 March), card 7 still to do: WIP 1, 2 remain -> 2 weeks at 1 a week -> 22 March
    assert (m["wip"], m["open_items"], m["forecast_p85_date"]) == (1, 2, "2026-03-22")
    assert result.aging["id"].tolist() == ["#5"] and result.aging["age_days"].tolist() == [6]  # 8 - 3 + 1
    # history up to 8 March: 6 creations + 2 moves each for cards 1-4 + card 5's move to Doing = 15
    assert m["status_changes"] == 15
    assert result.cfd.iloc[-1].to_dict() == {"done": 4, "in progress": 1, "to do": 1}
    assert (m["burn_done"], m["burn_scope"]) == (4, 6) and len(result.work_items) == 6
    assert dq_rows(quality, "created after the report date (2026-03-08)") == 1
    assert dq_rows(quality, "status changed after the report date") == 2  # cards 5 and 7


def test_back_dated_report_without_history(tmp_path):
    """A Jira CSV (no status history) reported as of 15 March: an issue resolved on 20 March was open then."""
    rows = [
        ("E-1", "Done", "E", "2026-02-02 09:00", "2026-02-10 10:00", None, "Done"),
        ("E-2", "Done", "E", "2026-02-02 09:00", "2026-03-20 10:00", None, "Done"),
        ("E-3", "To Do", "E", "2026-03-18 09:00", None, None, "To Do"),
    ]
    result, quality = run_assess(jira_csv(tmp_path, rows))
    # E-3 created after the report date is left out; E-2 was open (start unknown: not counted in WIP)
    assert (result.metrics["items"], result.metrics["done_items"], result.metrics["open_items"]) == (2, 1, 1)
    assert result.metrics["wip"] == 0
    assert dq_rows(quality, "done after the report date, with no status history before it") == 1
    table = result.work_items.set_index("id")
    assert pd.isna(table.loc["E-2", "resolved"]) and pd.isna(table.loc["E-2", "done_at"])


# ----------------------------------------------------------------------------- RAG ladders, property-style
def _random_items(rng: random.Random, finished: bool) -> pd.DataFrame:
    """1-3 projects of 1-8 items; either none finished ever (finished=False) or all finished."""
    rows = []
    for k in range(rng.randint(1, 8)):
        created = pd.Timestamp("2025-10-01") + pd.Timedelta(days=rng.randint(0, 160))
        due = created + pd.Timedelta(days=rng.randint(-30, 90)) if rng.random() < 0.7 else None
        if finished:
            status, category = "Done", "done"
            resolved = min(created + pd.Timedelta(days=rng.randint(0, 20)), pd.Timestamp("2026-03-15 12:00"))
        else:
            status, category = rng.choice([("To Do", "to do"), ("Doing", "in progress")])
            resolved = None
        rows.append(
            {
                "id": f"X-{k}",
                "project": rng.choice(["P", "Q", "R"]),
                "type": "Story",
                "status": status,
                "status_category": category,
                "created": created,
                "resolved": resolved,
                "due": due,
            }
        )
    return finish_items(pd.DataFrame(rows))


def _random_rules(rng: random.Random) -> list[dict]:
    metrics = ["p85_days_late", "p50_days_late", "aging_share", "overdue_items", "wip", "throughput_per_week"]
    return [
        {"rag": rng.choice(["red", "amber", "green"]), "when": f"{rng.choice(metrics)} {rng.choice(['>', '<'])} {t}"}
        for t in rng.sample(range(-20, 20), rng.randint(1, 4))
    ]


@pytest.mark.parametrize("seed", range(40))
def test_no_finished_item_is_never_green(seed):
    rng = random.Random(seed)
    rules = _random_rules(rng) if seed % 2 else None
    p = MODEL(items_path="x.csv", as_of=AS_OF, monte_carlo_trials=100, rag_rules=rules, wip_amber=rng.randint(0, 5))
    result = assess.assess(_random_items(rng, finished=False), empty_transitions(), p)
    assert result.rating.rag != "green" and result.ratings["wip"].rag != "green"
    assert "Green" not in set(result.outlook["rag"])
    for rating in (result.rating, *result.ratings.values()):
        assert rating.rag != "grey" or rating.reason


@pytest.mark.parametrize("seed", range(20))
def test_nothing_remaining_is_done(seed):
    rng = random.Random(seed)
    p = MODEL(items_path="x.csv", as_of=AS_OF, monte_carlo_trials=100, rag_rules=_random_rules(rng))
    result = assess.assess(_random_items(rng, finished=True), empty_transitions(), p)
    assert result.rating.rag == "done" and result.ratings["wip"].rag == "done"
    assert set(result.outlook["rag"]) == {"Done"}


# ----------------------------------------------------------------------------- charts and sentences
def test_one_week_is_drawn_on_a_week_axis_not_four_years():
    week = pd.Series([3], index=pd.DatetimeIndex(["2026-03-09"]))
    fig = figures.throughput_xmr(week, {"centre": 3, "upper": 3, "lower": 3}, pd.Series([False]))
    low, high = (mdates.num2date(x).replace(tzinfo=None) for x in fig.axes[0].get_xlim())
    # the point +/- 3 days (matplotlib alone widens a single date to +/- 2 years)
    assert (low, high) == (pd.Timestamp("2026-03-06"), pd.Timestamp("2026-03-12"))
    plt.close(fig)


def test_sentences_without_a_finished_item_say_why():
    kpi = {"window_done_items": 0, "window": "2025-12-22 to 2026-03-15", "time_basis": "lead time"}
    text = summary.cycle_sentence(kpi)
    assert (
        text
        == "No item was finished in the history window (2025-12-22 to 2026-03-15), so there is no lead time to show."
    )


# ----------------------------------------------------------------------------- end to end
def test_spanish_board_through_the_notebook(tmp_path):
    """The Spanish board with archived cards run by ``pmokit run`` with default settings: the report names the
    lists it could not place, says how to set them, and shows no placeholder anywhere."""
    from report_scan import report_problems, visible_html_text

    from pmokit import cli

    folder = tmp_path / "delivery_kpis"
    folder.mkdir()
    write_json(folder, "tablero.json", spanish_board())
    spec = folder / "tablero.yaml"
    spec.write_text(yaml.safe_dump({"items_path": "tablero.json", "as_of": AS_OF}), encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["run", "-q", "--out", str(out), str(spec)]) == 0
    run = out / "delivery_kpis" / "tablero"
    metrics = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["verdict_rag"] == "grey" and metrics["wip_rag"] == "grey"
    assert metrics["status_names_unrecognised"] == 3
    text = " ".join(visible_html_text((run / "report.html").read_text(encoding="utf-8")).split())
    assert "Status names not recognised, counted as to do: 'Listo' (6 items)" in text
    assert "Set start_statuses to the names that mean work started" in text
    # 14 cards: the 7 archived ones are on lists that are not done stages (none is, with default settings)
    assert "7 of them are left out" in text
    assert "Nothing to show: no item was finished in the history window (2026-03-09 to 2026-03-15)" in text
    assert "nan" not in text.split() and "None" not in text.split()
    assert report_problems(run) == []
