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
            "p85_days_late > 0",
            "p85_days_late = 3",
        )
        # only the second holds
        assert rag.evaluate({"p85_days_late": -3, "aging_share": 0.5}, rules) == (
            "amber",
            "aging_share > 0.25",
            "aging_share = 0.50",
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
        model = self.model()()
        assert model.output_dir == "../outputs/delivery_kpis/lab" and model.interactive is True
        with pytest.raises(ValidationError):
            self.model()(rag_rules=[{"rag": "red", "when": "nonsense"}])
        with pytest.raises(ValidationError):
            self.model()(history_weeks=1)
        with pytest.raises(ValidationError):
            self.model()(unknown_key=1)

    def test_check_inputs_reports_bad_files(self, root):
        model = self.model()(items_path=str(root / "tests/fixtures/delivery/jira_no_status.csv"))
        problems = model.check_inputs()
        assert len(problems) == 1 and "jira_no_status.csv" in problems[0]
