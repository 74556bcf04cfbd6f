"""Hostile params files against every workbook's params model: refused in one line, in bounded time and memory.

The cases reproduce what was seen: a 502-byte "billion laughs" params file made ``pmokit check`` use
11 GB for 117 s and write 2 GB to stderr; the same bomb inside an accepted field made a 19 MB
run.json. Each case below must end with exit 2, one short line, within a few seconds.
"""

from __future__ import annotations

import time
from pathlib import Path

import hostile_corpus as hc
import pytest
import yaml
from test_hostile_inputs import WORKBOOKS, assert_one_line_problems, run_check

from pmokit import workbooks
from pmokit.errors import InputError
from pmokit.params import MAX_PARAMS_BYTES, shown_value
from pmokit.sources import MAX_YAML_VALUES, load_yaml

WORKBOOK_IDS = sorted(WORKBOOKS)


def _base_yaml(workbook: str) -> str:
    """The workbook's minimal valid params (required inputs from the bundled samples) as YAML text."""
    base = {k: str(v) if isinstance(v, Path) else v for k, v in WORKBOOKS[workbook][0].items()}
    return yaml.safe_dump(base)


def _write(tmp_path: Path, workbook: str, text: str) -> Path:
    target = tmp_path / workbook / "hostile.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def _check_bounded(params: Path, capsys) -> tuple[int, list[str], str]:
    started = time.perf_counter()
    code, lines, printed = run_check(params, capsys)
    assert time.perf_counter() - started < 10
    assert len(printed) < 2000, f"{len(printed):,} characters printed"
    return code, lines, printed


def test_every_registered_workbook_is_in_the_matrix() -> None:
    """A new workbook joins the hostile matrix: its minimal params must be given in WORKBOOKS."""
    assert set(WORKBOOKS) == {wb.id for wb in workbooks.registry if wb.package.startswith("pmokit.")}


@pytest.mark.parametrize("workbook", WORKBOOK_IDS)
def test_alias_bomb_params_file(workbook: str, tmp_path: Path, capsys) -> None:
    """The whole params file is a billion-laughs document (about 500 bytes, 10**9 strings expanded)."""
    params = _write(tmp_path, workbook, hc.yaml_alias_bomb())
    code, lines, printed = _check_bounded(params, capsys)
    assert_one_line_problems(code, lines, printed, ("hostile.yaml",))
    assert "alias" in printed


@pytest.mark.parametrize("workbook", WORKBOOK_IDS)
def test_alias_bomb_inside_an_accepted_field(workbook: str, tmp_path: Path, capsys) -> None:
    """Valid params whose ``title`` holds the bomb (90 aliases, under the alias cap): the expanded size
    refuses it, before validation could copy it into run.json."""
    bomb = "\n".join("  " + line for line in hc.yaml_alias_bomb().splitlines())
    params = _write(tmp_path, workbook, _base_yaml(workbook) + "title:\n" + bomb + "\n")
    code, lines, printed = _check_bounded(params, capsys)
    assert_one_line_problems(code, lines, printed, ("hostile.yaml",))


@pytest.mark.parametrize("workbook", WORKBOOK_IDS)
def test_deeply_nested_params_file(workbook: str, tmp_path: Path, capsys) -> None:
    """``x: [[[[...]]]]`` 50,000 levels deep: PyYAML's composer would recurse past Python's limit."""
    params = _write(tmp_path, workbook, hc.deeply_nested_yaml())
    code, lines, printed = _check_bounded(params, capsys)
    assert_one_line_problems(code, lines, printed, ("hostile.yaml",))


@pytest.mark.parametrize("workbook", WORKBOOK_IDS)
def test_oversized_params_file_refused_unread(workbook: str, tmp_path: Path, capsys) -> None:
    """A params file padded past the size cap (valid YAML: the padding is comments)."""
    padding = "# padding\n" * (MAX_PARAMS_BYTES // 10 + 1)
    params = _write(tmp_path, workbook, _base_yaml(workbook) + padding)
    code, lines, printed = _check_bounded(params, capsys)
    assert_one_line_problems(code, lines, printed, ("hostile.yaml",))
    assert "KB" in printed


@pytest.mark.parametrize("workbook", WORKBOOK_IDS)
def test_long_wrong_value_is_shown_cut(workbook: str, tmp_path: Path, capsys) -> None:
    """A 5,000-item list where a title (text) is expected: the line shows the start of it, not all of it."""
    params = _write(tmp_path, workbook, _base_yaml(workbook) + "title: " + str(["lol"] * 5000) + "\n")
    code, lines, printed = _check_bounded(params, capsys)
    assert_one_line_problems(code, lines, printed, ("hostile.yaml",))
    assert "'title'" in printed and "chars)" in printed


def test_survey_definition_alias_bomb_refused_before_its_reader(tmp_path: Path, capsys) -> None:
    """A billion-laughs survey definition (survey_path): refused by `pmokit check` in one line
    naming the key, before the survey reader's own YAML parsing sees it."""
    definition = tmp_path / "survey.yaml"
    definition.write_text(hc.yaml_alias_bomb(), encoding="utf-8")
    values = {**WORKBOOKS["survey_analysis"][0], "survey_path": definition}
    text = yaml.safe_dump({k: str(v) if isinstance(v, Path) else v for k, v in values.items()})
    params = _write(tmp_path, "survey_analysis", text)
    code, lines, printed = _check_bounded(params, capsys)
    assert_one_line_problems(code, lines, printed, ("survey.yaml",))
    assert "survey_path" in printed


class TestLoadYaml:
    """The shared safe loader (pmokit.sources.load_yaml) on its own."""

    def test_ordinary_anchors_still_work(self) -> None:
        # two aliases of a 3-item list: 1 mapping + 3 keys + 3 lists of 3 = 1 + 3 + 3 + 9 = 16 values
        assert load_yaml("a: &x [1, 2, 3]\nb: *x\nc: *x\n") == {"a": [1, 2, 3], "b": [1, 2, 3], "c": [1, 2, 3]}

    def test_expansion_over_the_cap_refused(self) -> None:
        # 3 levels of 10 aliases: 10**3 = 1,000 leaf strings + 1 + 10 + 100 + 1,000 lists + keys, about
        # 2,100 values: under the cap of 100,000; 5 levels: 10**5 = 100,000 leaves alone, plus lists: over.
        assert load_yaml(hc.yaml_alias_bomb(levels=3)) is not None
        with pytest.raises(InputError, match="alias bomb"):
            load_yaml(hc.yaml_alias_bomb(levels=5))
        assert MAX_YAML_VALUES == 100_000

    def test_too_many_aliases_refused(self) -> None:
        text = "a: &a 1\nb: [" + ", ".join(["*a"] * 101) + "]\n"
        with pytest.raises(InputError, match="more than 100 aliases"):
            load_yaml(text, "p.yaml")

    def test_nesting_and_syntax(self) -> None:
        with pytest.raises(InputError, match="nested more than 100 levels"):
            load_yaml(hc.deeply_nested_yaml(depth=150))
        with pytest.raises(InputError, match="p.yaml: field '\\(yaml\\)': expected valid YAML"):
            load_yaml("a: [1, 2\n", "p.yaml")


def test_shown_value_cuts_long_values() -> None:
    # repr of 'x' * 200 is 202 characters (two quotes): the first 80 are shown, then the length
    assert shown_value("x" * 200) == "'" + "x" * 79 + "... (202 chars)"
    assert shown_value(12) == "12"


def test_alias_bomb_in_a_command_line_override() -> None:
    """``-p title={...}`` holding a billion-laughs mapping in flow style: refused like a params file."""
    from pmokit.params import ParamsError
    from pmokit.runner.specs import parse_overrides

    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    with pytest.raises(ParamsError, match="-p title: expected .* got .*alias bomb"):
        parse_overrides(["title={" + ", ".join(levels) + "}"])
    assert parse_overrides(["a=12", "b=x: [1"]) == {"a": 12, "b": "x: [1"}  # not YAML: kept as text


def test_unexpected_reader_failure_becomes_one_line_naming_the_input(tmp_path: Path) -> None:
    """A reader bug meeting an odd file (here a KeyError, as 'Device ID' once was) is caught by the
    safety net around check_inputs: one line with the key and the file being read."""
    from pydantic import Field

    from pmokit.params import InputFile, WorkbookParams, guarded_check_inputs

    def buggy_reader(path: str) -> None:
        raise KeyError("Device ID")

    class Probe(WorkbookParams):
        devices_path: InputFile = Field(description="an export")

        def check_inputs(self) -> list[str]:
            buggy_reader(self.devices_path)
            return []

    export = tmp_path / "devices.csv"
    export.write_text("a\n1\n", encoding="utf-8")
    lines = guarded_check_inputs(Probe(devices_path=str(export)), "p.yaml")
    assert lines == ["key 'devices_path': devices.csv: could not be read as CSV: KeyError: 'Device ID'"]


def test_survey_definition_alias_bomb_refused_by_the_reader_itself(tmp_path: Path) -> None:
    """JupyterLab runs skip ``pmokit check``: the definition reader must refuse the bomb on its own."""
    from pmokit.sources.surveys import read_definition

    definition = tmp_path / "survey.yaml"
    definition.write_text(hc.yaml_alias_bomb(), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_definition(definition)
    assert "survey.yaml" in str(caught.value) and "\n" not in str(caught.value)
