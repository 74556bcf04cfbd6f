"""RAG rules, the params model and the notebook's parameters cell."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pmokit import workbooks
from pmokit.delivery import rag
from pmokit.errors import InputError


class TestRules:
    def test_first_matching_rule_wins(self):
        rules = [{"rag": "red", "when": "p85_days_late > 0"}, {"rag": "amber", "when": "aging_share > 0.25"}]
        # both hold; red is listed first
        assert rag.evaluate({"p85_days_late": 3, "aging_share": 0.5}, rules) == (
            "red",
            "P85 forecast later than the due date",
            "P85 forecast 3 days after the due date",
        )
        # only the second holds
        assert rag.evaluate({"p85_days_late": -3, "aging_share": 0.5}, rules) == (
            "amber",
            "more than 25% of items in progress older than the SLE",
            "50% of items in progress older than the SLE",
        )

    def test_boundary_is_not_late(self):
        # forecast on the due date itself: 0 > 0 is false
        assert rag.evaluate({"p85_days_late": 0}, [{"rag": "red", "when": "p85_days_late > 0"}])[0] == "green"

    def test_grey_when_nothing_can_be_tested(self):
        assert rag.evaluate({"p85_days_late": None}, [{"rag": "red", "when": "p85_days_late > 0"}])[0] == "grey"

    @pytest.mark.parametrize(
        "rule",
        [
            {"rag": "red", "when": "p85 late"},
            {"rag": "pink", "when": "wip > 3"},
            {"rag": "red", "when": "velocity > 3"},
        ],
    )
    def test_bad_rules_are_refused(self, rule):
        with pytest.raises(InputError, match="rag_rules"):
            rag.parse_rule(rule)


class TestParams:
    def model(self):
        return workbooks.get("delivery_kpis").params

    def test_defaults_and_validation(self):
        # items_path is required (no sample default); everything else has a default
        with pytest.raises(ValidationError, match="items_path"):
            self.model()()
        given = {"items_path": "export.csv"}
        model = self.model()(**given)
        # output_dir is set by the runner (None in JupyterLab, where registry.load picks outputs/<id>/lab)
        assert model.output_dir is None and model.interactive is True
        assert (model.wip_amber, model.wip_red, model.rag_rules) == (40, 60, None)
        with pytest.raises(ValidationError):
            self.model()(**given, rag_rules=[{"rag": "red", "when": "nonsense"}])
        with pytest.raises(ValidationError):
            self.model()(**given, history_weeks=1)
        with pytest.raises(ValidationError):
            self.model()(**given, unknown_key=1)
        with pytest.raises(ValidationError, match="wip_red"):
            self.model()(**given, wip_amber=50, wip_red=45)

    def test_check_inputs_reports_bad_files(self, root):
        model = self.model()(items_path=str(root / "tests/fixtures/delivery/jira_no_status.csv"))
        problems = model.check_inputs()
        assert len(problems) == 1 and "jira_no_status.csv" in problems[0]
