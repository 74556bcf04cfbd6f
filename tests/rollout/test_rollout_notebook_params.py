"""The notebook's parameters cell and the params model agree; the sample params file validates."""

from __future__ import annotations

from pmokit.rollout.params import RolloutPlanParams


def test_bad_pilot_and_blackout_are_refused():
    import pydantic
    import pytest

    with pytest.raises(pydantic.ValidationError, match="pilot must be 'cover', 'none' or a list"):
        RolloutPlanParams(pilot="biggest")
    with pytest.raises(pydantic.ValidationError, match="ends .* before it starts"):
        RolloutPlanParams(blackouts=[{"start": "2026-12-20", "end": "2026-12-10"}])
