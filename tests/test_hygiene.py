"""Project hygiene: clean notebooks, one dependency list, params files that validate, and notebooks
whose parameters cell matches their model."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from pathlib import Path

import papermill
import pytest
import yaml
from pmokit import runner
from pmokit.params import WORKBOOKS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PARAMS_FILES = runner.find_params_files([], ROOT / "params")
PRODUCT_MODELS = {name: m for name, m in WORKBOOKS.items() if m.__module__ == "pmokit.params"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_deps = {_name(d) for d in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_deps = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda_deps == pip_deps


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_stored_without_outputs(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None, f"{path.name} has outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_matches_model(path: Path) -> None:
    """Same names and defaults in the tagged cell (read by papermill) and the pydantic model."""
    model = PRODUCT_MODELS[path.stem]
    declared = papermill.inspect_notebook(str(path))
    assert set(declared) == set(model.model_fields), "parameter names differ from the model"
    for name, info in model.model_fields.items():
        notebook_default = ast.literal_eval(declared[name]["default"])
        default = info.get_default(call_default_factory=True)
        assert _json(default) == notebook_default, f"{name}: model {default!r}, notebook {notebook_default!r}"


def _json(value):
    """A model default as the notebook writes it: dates as ISO text, tuples as lists."""
    from pydantic import TypeAdapter

    return None if value is None else TypeAdapter(type(value)).dump_python(value, mode="json")


def test_every_product_model_has_a_notebook_and_params() -> None:
    for name in PRODUCT_MODELS:
        assert (ROOT / "notebooks" / f"{name}.ipynb").exists(), name
        assert list((ROOT / "params" / name).glob("*.yaml")), f"no params file for {name}"


@pytest.mark.parametrize("path", PARAMS_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_params_file_validates(path: Path) -> None:
    spec = runner.load_spec(path)
    assert spec.workbook == path.parent.name


def test_lib_is_not_ignored() -> None:
    ignore = (ROOT / ".gitignore").read_text()
    assert not re.search(r"^/?lib/?$", ignore, re.M)
