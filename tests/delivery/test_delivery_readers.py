"""Readers of work-tracking exports: hand-made files per layout, bad inputs, and the real samples."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import work_items
from pmokit.sources.jira import read_jira_csv, read_jira_json
from pmokit.sources.trello import ACTION_CAP, read_trello_board
from pmokit.sources.work_item_schema import ITEM_COLUMNS
from pmokit.sources.work_items import detect_layout, read_work_items

FIX = "tests/fixtures/delivery"


@pytest.fixture
def fix(root):
    return root / FIX


class TestJiraCsv:
    def test_cloud_layout_bom_repeated_columns_and_dates(self, fix):
        items = read_jira_csv(fix / "jira_cloud_small.csv")
        assert list(items.columns) == ITEM_COLUMNS
        assert items["id"].tolist() == ["ABC-1", "ABC-2", "ABC-3"]  # BOM stripped from the first header
        one = items.iloc[0]
        assert one["created"] == pd.Timestamp("2026-04-22 07:56")  # 22/Apr/26 7:56 AM
        assert one["resolved"] == pd.Timestamp("2026-04-24 17:10")  # 5:10 PM
        assert one["sprints"] == ["ABC Sprint 1", "ABC Sprint 2"]  # two Sprint columns gathered
        assert one["labels"] == ["backend", "ui"]
        assert one["parent"] == "ABC-0"  # Parent key, not the numeric Parent id
        assert one["status_category"] == "done" and one["estimate"] == 3.0

    def test_multiline_quoted_summary_and_started_from_category_change(self, fix):
        two = read_jira_csv(fix / "jira_cloud_small.csv").iloc[1]
        assert two["title"] == 'Add "export", CSV\nsecond line'
        assert two["labels"] == ["security"]  # the blank first Labels cell dropped
        assert two["status_category"] == "in progress"
        assert two["started"] == pd.Timestamp("2026-04-21 10:15")  # Status Category Changed
        assert two["due"] == pd.Timestamp("2026-04-30")  # '30/Apr/26 12:00 AM'
        assert pd.isna(two["estimate"])

    def test_to_do_item_has_no_start(self, fix):
        three = read_jira_csv(fix / "jira_cloud_small.csv").iloc[2]
        assert three["status_category"] == "to do" and pd.isna(three["started"])
        assert three["created"] == pd.Timestamp("2026-04-23 23:30")  # 11:30 PM

    def test_server_layout_without_status_category(self, fix):
        dq = DataQuality()
        items = read_jira_csv(fix / "jira_server_small.csv", dq=dq)
        # Closed + Resolved -> done; "In Development" -> in progress; Open -> to do
        assert items["status_category"].tolist() == ["done", "in progress", "to do"]
        assert items["estimate"].tolist()[0] == 8.0  # Custom field (Story Points)
        assert items["parent"].tolist()[:2] == ["SRV-10", "SRV-10"]  # Custom field (Epic Link)
        assert items["sprints"].iloc[0] == ["Sprint 7", "Sprint 8"]
        assert "Status Category" in dq.frame()["field"].tolist()

    def test_no_status_column_names_file_and_headers(self, fix):
        with pytest.raises(InputError) as err:
            read_jira_csv(fix / "jira_no_status.csv")
        text = str(err.value)
        assert "jira_no_status.csv" in text and "'status'" in text and "'Issue key'" in text

    def test_empty_export(self, fix):
        with pytest.raises(InputError, match="at least one issue"):
            read_jira_csv(fix / "jira_empty.csv")

    def test_wrong_date_format_says_which_setting(self, fix):
        with pytest.raises(InputError, match="date_format"):
            read_jira_csv(fix / "jira_iso_dates.csv")
        items = read_jira_csv(fix / "jira_iso_dates.csv", date_format="%Y-%m-%d %H:%M")
        assert items["created"].iloc[0] == pd.Timestamp("2026-04-22 07:56")

    def test_column_mapping_for_other_locales(self, tmp_path):
        path = tmp_path / "ru.csv"
        path.write_text("Ключ,Тема,Статус,Создано\nR-1,Задача,To Do,29/Apr/26 9:59 AM\n", encoding="utf-8")
        items = read_jira_csv(path, columns={"id": "Ключ", "title": "Тема", "status": "Статус", "created": "Создано"})
        assert items["id"].tolist() == ["R-1"] and items["title"].tolist() == ["Задача"]

    def test_real_cloud_sample(self, shared_samples):
        dq = DataQuality()
        items = read_jira_csv(shared_samples / "jira_cloud_export.csv", dq=dq)
        assert len(items) == 71
        assert items["status_category"].value_counts().to_dict() == {"done": 43, "to do": 15, "in progress": 13}
        first = items.set_index("id").loc["SCRUM-80"]
        assert first["created"] == pd.Timestamp("2026-04-22 07:56")
        assert items["sprints"].map(len).max() == 3 and items["labels"].map(len).max() == 4
        assert items["created"].notna().all()
        assert dq.frame().empty


class TestJiraJson:
    def test_fields_custom_fields_by_name_and_offsets_dropped(self, fix):
        items, _ = read_jira_json(fix / "jira_search.json")
        ten = items.set_index("id").loc["ABC-10"]
        assert ten["created"] == pd.Timestamp("2026-03-02 09:00")  # wall-clock time, +0100 dropped
        assert ten["sprints"] == ["ABC Sprint 4", "ABC Sprint 5"]
        assert ten["estimate"] == 3.0 and ten["parent"] == "ABC-1" and ten["status_category"] == "done"
        assert items.set_index("id").loc["ABC-11", "status_category"] == "in progress"

    def test_changelog_gives_status_transitions(self, fix):
        _, transitions = read_jira_json(fix / "jira_search.json")
        ten = transitions.loc[transitions["id"] == "ABC-10"]
        assert ten["to_status"].tolist() == ["In Progress", "Done", "In Progress", "Done"]  # assignee changes ignored
        assert ten["at"].iloc[0] == pd.Timestamp("2026-03-03 10:00")

    def test_issue_without_status(self, tmp_path):
        path = tmp_path / "bad.json"
        path.write_text(json.dumps({"issues": [{"key": "X-1", "fields": {"summary": "a"}}]}))
        with pytest.raises(InputError, match="X-1"):
            read_jira_json(path)


class TestTrello:
    def test_lists_joined_by_id_and_archived_cards(self, fix):
        dq = DataQuality()
        items, _ = read_trello_board(fix / "trello_small.json", dq=dq)
        by_id = items.set_index("id")
        # the reader keeps every card and flags the archived ones (card 3 on To Do, card 4 on Done): whether
        # a list means done is decided later, after the user's done_statuses (delivery.stages.drop_archived)
        assert sorted(by_id.index) == ["#1", "#2", "#3", "#4"]
        assert by_id["archived"].to_dict() == {"#1": False, "#2": False, "#3": True, "#4": True}
        assert by_id.loc["#1", "status"] == "Done" and by_id.loc["#2", "status"] == "Doing"
        assert by_id.loc["#1", "assignee"] == "Ann Lee" and by_id.loc["#1", "labels"] == ["Bug"]
        assert "closed" not in set(dq.frame()["field"])
        # Trello has no resolution date: the last activity is kept as `updated`, categories are guesses
        assert by_id["resolved"].isna().all() and by_id.loc["#1", "updated"] == pd.Timestamp("2026-01-06 15:00")
        assert by_id["category_guessed"].all()

    def test_created_from_action_else_from_card_id(self, fix):
        items, _ = read_trello_board(fix / "trello_small.json")
        by_id = items.set_index("id")
        assert by_id.loc["#1", "created"] == pd.Timestamp("2026-01-05 10:00")  # createCard action
        # no createCard for card 4: its id starts 695b6c00 = 1767599104 s = 2026-01-05 07:45:04 UTC
        assert by_id.loc["#4", "created"] == pd.Timestamp("2026-01-05 07:45:04")

    def test_moves_become_transitions(self, fix):
        _, transitions = read_trello_board(fix / "trello_small.json")
        one = transitions.loc[transitions["id"] == "#1"]
        assert one["to_status"].tolist() == ["To Do", "Doing", "Done"]  # sorted by time
        assert one["from_status"].tolist()[1:] == ["To Do", "Doing"]

    def test_single_card_export_is_refused(self, fix):
        with pytest.raises(InputError, match="single card"):
            read_trello_board(fix / "trello_single_card.json")

    def test_action_cap_is_reported(self, fix, tmp_path):
        board = json.loads((fix / "trello_small.json").read_text())
        filler = {"type": "commentCard", "date": "2026-01-04T00:00:00.000Z", "data": {}}
        board["actions"] += [dict(filler, id=str(i)) for i in range(ACTION_CAP - len(board["actions"]))]
        path = tmp_path / "capped.json"
        path.write_text(json.dumps(board))
        dq = DataQuality()
        read_trello_board(path, dq=dq)
        assert dq.frame()["problem"].str.contains("history truncated").any()
        # one action fewer than the cap: no truncation note
        board["actions"].pop()
        path.write_text(json.dumps(board))
        dq = DataQuality()
        read_trello_board(path, dq=dq)
        assert not dq.frame()["problem"].str.contains("history truncated").any()

    def test_real_board_sample(self, shared_samples):
        dq = DataQuality()
        items, transitions = read_trello_board(shared_samples / "trello_board.json", dq=dq)
        assert len(items) == 40 and int(items["archived"].sum()) == 1  # one card archived off the Done list
        assert set(items["status"]) <= {
            "Ideas",
            "Blocked by Dependencies",
            "Available to Pickup",
            "Assigned, Ready for Work",
            "In Progress",
            "Review",
            "Done",
        }
        assert (items["status"] == "Done").sum() == (items["status_category"] == "done").sum() > 0
        assert len(transitions) > 40 and not dq.frame()["problem"].str.contains("truncated").any()


class TestAsanaAndPlanner:
    def test_asana_csv(self, fix):
        items, _ = read_work_items(fix / "asana_small.csv")
        assert items["id"].tolist() == ["1206123456789012", "1206123456789013", "1206123456789014"]
        assert items["status_category"].tolist() == ["done", "in progress", "to do"]
        assert items["project"].tolist() == ["HR Portal"] * 3  # first of the comma-joined projects
        assert items["labels"].iloc[0] == ["policy", "hr"]
        assert items["resolved"].iloc[0] == pd.Timestamp("2026-02-06")

    def test_asana_excel_mangled_ids(self, fix):
        with pytest.raises(InputError) as err:
            read_work_items(fix / "asana_excel_mangled.csv")
        assert "asana_excel_mangled.csv" in str(err.value) and "1.20612E+15" in str(err.value)

    def test_planner_xlsx_with_preamble(self, tmp_path):
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(["Plan name", "Office move"])
        sheet.append(["Plan ID", "abc123"])
        sheet.append(["Date of export", "2026-03-01"])
        sheet.append(
            [
                "Task ID",
                "Task Name",
                "Bucket Name",
                "Progress",
                "Assigned To",
                "Created Date",
                "Start Date",
                "Due Date",
                "Completed Date",
                "Labels",
            ]
        )
        sheet.append(
            [
                "t1",
                "Book movers",
                "Logistics",
                "Completed",
                "Ann Lee;Bob Roe",
                "02/01/2026",
                "02/02/2026",
                "02/10/2026",
                "02/05/2026",
                "Blue;Red",
            ]
        )
        sheet.append(["t2", "Pack IT", "IT", "In progress", "", "02/03/2026", "02/04/2026", "", "", ""])
        path = tmp_path / "plan.xlsx"
        book.save(path)
        items, transitions = read_work_items(path)
        assert items["id"].tolist() == ["t1", "t2"] and transitions.empty
        assert items["project"].tolist() == ["Office move", "Office move"]
        assert items["status_category"].tolist() == ["done", "in progress"]
        assert items["assignee"].iloc[0] == "Ann Lee, Bob Roe" and items["labels"].iloc[0] == ["Blue", "Red"]
        assert items["resolved"].iloc[0] == pd.Timestamp("2026-02-05")


class TestDetection:
    @pytest.mark.parametrize(
        "name, kind",
        [
            ("jira_cloud_small.csv", "jira_csv"),
            ("jira_search.json", "jira_json"),
            ("trello_small.json", "trello"),
            ("asana_small.csv", "asana"),
        ],
    )
    def test_layouts(self, fix, name, kind):
        assert detect_layout(fix / name) == kind

    def test_unknown_json(self, tmp_path):
        path = tmp_path / "x.json"
        path.write_text('{"rows": []}')
        with pytest.raises(InputError, match="keys rows"):
            detect_layout(path)

    def test_several_files_concatenated(self, fix):
        dq = DataQuality()
        items, transitions = read_work_items([fix / "jira_cloud_small.csv", fix / "trello_small.json"], dq=dq)
        assert len(items) == 3 + 4 and set(transitions["id"]) == {"#1", "#2"}  # the 4 cards, archived ones too


class TestChecksAndDuplicateHeaders:
    def test_two_custom_fields_with_one_name_give_the_first_non_blank(self, tmp_path):
        path = tmp_path / "dup.csv"
        path.write_text(
            "Issue key,Status,Created,Custom field (Story point estimate),Custom field (Story point estimate)\n"
            "A-1,To Do,22/Apr/26 7:56 AM,,5.0\n"  # first blank -> the second column's 5
            "A-2,To Do,22/Apr/26 7:56 AM,2.0,8.0\n",  # first non-blank wins -> 2
            encoding="utf-8",
        )
        assert read_jira_csv(path)["estimate"].tolist() == [5.0, 2.0]

    def test_big_jira_csv_is_checked_by_its_header(self, tmp_path, monkeypatch):
        monkeypatch.setattr(work_items, "FULL_CHECK_BYTES", 10)  # treat the tiny file as big
        good = tmp_path / "good.csv"
        good.write_text("Issue key,Status,Created\nA-1,To Do,not a date\nA-2,To Do,nor this\n", encoding="utf-8")
        work_items.check_work_items(good)  # header fine; dates not read
        bad = tmp_path / "bad.csv"
        bad.write_text("Issue key,Created\nA-1,22/Apr/26 7:56 AM\nA-2,22/Apr/26 7:56 AM\n", encoding="utf-8")
        with pytest.raises(InputError, match="'status'"):
            work_items.check_work_items(bad)

    def test_small_files_are_read_in_full(self, fix):
        with pytest.raises(InputError, match="scientific notation"):
            work_items.check_work_items(fix / "asana_excel_mangled.csv")

    def test_two_boards_with_the_same_card_numbers_are_kept_apart(self, fix, tmp_path):
        board = json.loads((fix / "trello_small.json").read_text())
        board["name"] = "Other Board"
        other = tmp_path / "other.json"
        other.write_text(json.dumps(board))
        items, transitions = read_work_items([fix / "trello_small.json", other])
        # 4 cards each; the second board's ids get its name as a prefix, in the history too
        assert len(items) == 8 and "Other Board/#1" in set(items["id"])
        assert set(transitions["id"]) == {"#1", "#2", "Other Board/#1", "Other Board/#2"}

    def test_the_same_file_twice_is_deduplicated(self, fix):
        dq = DataQuality()
        items, _ = read_work_items([fix / "jira_cloud_small.csv", fix / "jira_cloud_small.csv"], dq=dq)
        assert len(items) == 3 and dq.frame()["rows"].tolist() == [3]

    def test_localised_month_names_and_headers(self, tmp_path):
        path = tmp_path / "ru.csv"
        path.write_text(
            "Ключ задачи,Статус,Создано,Спринт,Спринт\n"
            "R-1,To Do,29/июл/26 09:59,Спринт 1,Спринт 2\n"
            "R-2,To Do,01/дек/26 17:05,,\n",
            encoding="utf-8",
        )
        items = read_jira_csv(
            path,
            date_format="%d/%b/%y %H:%M",
            columns={"id": "Ключ задачи", "status": "Статус", "created": "Создано", "sprints": "Спринт"},
        )
        assert items["created"].tolist() == [pd.Timestamp("2026-07-29 09:59"), pd.Timestamp("2026-12-01 17:05")]
        assert items["sprints"].iloc[0] == ["Спринт 1", "Спринт 2"]


@pytest.mark.parametrize("name", ["board.json", "search.json"])
def test_absurdly_nested_json_is_one_line_not_a_recursion_error(tmp_path, name) -> None:
    """A JSON "export" nested 100,000 levels deep (a hostile or corrupted file): Python's parser raises
    RecursionError; the readers must give the one-line InputError naming the file instead."""
    from pmokit.errors import InputError
    from pmokit.sources.work_items import read_work_items

    path = tmp_path / name
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_work_items(path)
    assert name in str(caught.value) and "nested" in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("reader", [read_trello_board, read_jira_json])
def test_each_json_reader_refuses_absurd_nesting_itself(tmp_path, reader) -> None:
    """The format readers are public: each refuses the 100,000-deep file itself, not only the layout sniffer."""
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        reader(path)
    assert "deep.json" in str(caught.value) and "nested" in str(caught.value)
