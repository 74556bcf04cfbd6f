"""The notebook's parameters cell and the params model agree; the sample params file validates."""

from __future__ import annotations

import ast

import papermill
import yaml

from pmokit.params import RolloutPlanParams


def test_parameters_cell_matches_model(root):
    found = papermill.inspect_notebook(str(root / "notebooks" / "rollout_plan.ipynb"))
    assert set(found) == set(RolloutPlanParams.model_fields)
    for name, info in RolloutPlanParams.model_fields.items():
        assert ast.literal_eval(found[name]["default"]) == info.default, name


def test_sample_params_validate(root):
    path = root / "params" / "rollout_plan" / "sample.yaml"
    values = yaml.safe_load(path.read_text(encoding="utf-8"))
    model = RolloutPlanParams.model_validate({"output_dir": "x", **values})
    for files in model.input_fields().values():
        for file in files:
            assert (path.parent / file).exists(), file


def test_bad_pilot_and_blackout_are_refused():
    import pydantic
    import pytest

    with pytest.raises(pydantic.ValidationError, match="pilot must be 'cover', 'none' or a list"):
        RolloutPlanParams(pilot="biggest")
    with pytest.raises(pydantic.ValidationError, match="ends .* before it starts"):
        RolloutPlanParams(blackouts=[{"start": "2026-12-20", "end": "2026-12-10"}])
