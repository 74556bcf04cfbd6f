"""The work-item readers: one signature, the schema apart from the dispatcher, no import cycle."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest

from pmokit.sources import asana, jira, planner, trello, work_items
from pmokit.sources.work_items import read_work_items

SOURCES = Path(work_items.__file__).parent
READERS = [
    jira.read_jira_csv,
    jira.read_jira_json,
    trello.read_trello_board,
    asana.read_asana_csv,
    planner.read_planner_xlsx,
    read_work_items,
]
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "delivery"


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_one_reader_signature(reader):
    # read_x(path, *, columns=None, dq=None, ...): one positional path, every option keyword-only
    params = list(inspect.signature(reader).parameters.values())
    assert params[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:])
    assert [p.name for p in params[1:3]] == ["columns", "dq"]
    assert params[1].default is None and params[2].default is None


def imported_modules(path: Path) -> set[str]:
    """Every pmokit module a source file imports, wherever the import statement sits."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m.startswith("pmokit")}


@pytest.mark.parametrize("name", ["jira", "trello", "asana", "planner"])
def test_tool_readers_import_the_schema_not_the_dispatcher(name):
    modules = imported_modules(SOURCES / f"{name}.py")
    assert "pmokit.sources.work_item_schema" in modules
    assert not any(m.startswith("pmokit.sources.work_items") for m in modules)


def test_dispatcher_and_schema_use_top_level_imports_only():
    for name in ("work_items.py", "work_item_schema.py", "jira.py", "trello.py", "asana.py", "planner.py"):
        tree = ast.parse((SOURCES / name).read_text(encoding="utf-8"))
        nested = [
            node.lineno
            for fn in ast.walk(tree)
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
            for node in ast.walk(fn)
            if isinstance(node, (ast.Import, ast.ImportFrom))
        ]
        assert not nested, f"{name}: function-local imports at lines {nested}"


def test_jira_json_custom_field_named_by_columns(tmp_path):
    # an instance whose story points field is called "Effort": columns names it
    page = json.loads((FIX / "jira_search.json").read_text(encoding="utf-8"))
    page = page[0] if isinstance(page, list) else page
    page["names"] = {**(page.get("names") or {}), "customfield_99999": "Effort"}
    for issue in page["issues"]:
        issue["fields"]["customfield_99999"] = 3
    path = tmp_path / "search.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    items, _ = jira.read_jira_json(path, columns={"estimate": "Effort"})
    assert set(items["estimate"].tolist()) == {3.0}


def test_columns_for_one_export_do_not_break_another(tmp_path):
    # a localised Jira header in columns leaves the English Asana export readable (its own header still matches)
    items = asana.read_asana_csv(FIX / "asana_small.csv", columns={"id": "Ключ"})
    assert len(items) > 0 and items["id"].notna().all()
