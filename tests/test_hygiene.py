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

from pmokit import runner, workbooks
from pmokit.notebooks import parameters_cell_source
from pmokit.params import parameters_cell

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PARAMS_FILES = runner.find_params_files([], ROOT / "params")
PRODUCT_MODELS = {wb.id: wb.params for wb in workbooks.registry if wb.package.startswith("pmokit.")}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_deps = {_name(d) for d in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_deps = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    # packages conda-forge lacks go in the env's own pip section (installed by `conda env create` too)
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    conda_deps |= {_name(d) for section in pip_section for d in section["pip"]}
    assert conda_deps == pip_deps


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_stored_without_outputs(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None, f"{path.name} has outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_is_generated_from_the_model(path: Path) -> None:
    """The whole cell equals the one generated from the model (names, types, defaults and help):
    regenerate with `pmokit params --write-cells` after changing a model."""
    model = PRODUCT_MODELS[path.stem]
    assert parameters_cell_source(path) == parameters_cell(model)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_papermill_reads_every_parameter_with_its_default(path: Path) -> None:
    """papermill's own parser sees each model field once, with the model's default, type and help."""
    model = PRODUCT_MODELS[path.stem]
    declared = papermill.inspect_notebook(str(path))
    assert list(declared) == list(model.model_fields)
    for name, info in model.model_fields.items():
        expected = None if info.is_required() else _json(info.get_default(call_default_factory=True))
        assert ast.literal_eval(declared[name]["default"]) == expected, name
        assert declared[name]["help"].endswith(info.description or ""), name


def _json(value):
    """A model default as the notebook writes it: dates as ISO text, tuples as lists."""
    from pydantic import TypeAdapter

    return None if value is None else TypeAdapter(type(value)).dump_python(value, mode="json")


def test_no_default_names_a_bundled_file() -> None:
    """Optional inputs default to None: no default points into data/ or outputs/ or carries sample content."""
    for name, model in PRODUCT_MODELS.items():
        for field, info in model.model_fields.items():
            default = info.get_default(call_default_factory=True) if not info.is_required() else None
            text = str(default)
            assert "data/" not in text and "outputs/" not in text and "sample" not in text, f"{name}.{field}: {text}"


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
